#!/bin/sh
# Runs one test with a fresh HOME and XDG folders, removed afterwards, so no test touches the
# user's own files. D-Bus, the keyring and the display come from scripts/test's environment.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mr-test-XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/config" "$scratch/data" "$scratch/cache" "$scratch/state"
HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
XDG_CACHE_HOME="$scratch/cache" XDG_STATE_HOME="$scratch/state" MR_TEST_SCRATCH="$scratch" "$@"
