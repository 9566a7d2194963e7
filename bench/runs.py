#!/usr/bin/env python3
"""Run dispatch benchmark: N simulated machines (mr-bench-agents, the real agent protocol in one
process) against a real orchestrator, on SQLite and on PostgreSQL. Measures trigger → offer
latency (p50/p99, one trigger at a time and under sustained load) and completed runs/s.
mr-bench-agents prints the JSON lines; this script passes them through and adds nothing else to
stdout.

PostgreSQL comes from MR_TEST_POSTGRES_URL; without it the script runs itself again inside
`scripts/test --services-only`, which starts a scratch cluster.

Knobs (environment): MR_BENCH_RUNS_MACHINES (100), MR_BENCH_RUNS_SECONDS (10),
MR_BENCH_RUNS_IN_FLIGHT (8), MR_BENCH_RUNS_CONNECTIONS (200), MR_BENCH_RUNS_ENGINES
(sqlite,postgres), MR_BENCH_RUNS_LATENCY (200 triggers one at a time), MR_BENCH_RUNS_EVENT (1: a runEvent before each runResult; 0: none)."""
import os
import subprocess
import sys
import tempfile

from benchlib import CORES, Orchestrator, engine_databases, find_program, log, run_inside_services

MACHINES = int(os.environ.get("MR_BENCH_RUNS_MACHINES") or 100)
SECONDS = float(os.environ.get("MR_BENCH_RUNS_SECONDS") or 10)
IN_FLIGHT = int(os.environ.get("MR_BENCH_RUNS_IN_FLIGHT") or 8)
CONNECTIONS = int(os.environ.get("MR_BENCH_RUNS_CONNECTIONS") or 200)
ENGINES = (os.environ.get("MR_BENCH_RUNS_ENGINES") or "sqlite,postgres").split(",")
LATENCY_RUNS = int(os.environ.get("MR_BENCH_RUNS_LATENCY") or 200)  # triggers one at a time
EVENT = os.environ.get("MR_BENCH_RUNS_EVENT", "1") != "0"  # one runEvent before each runResult


def bench_engine(engine, database, orchestrator, bench_agents):
    work = tempfile.mkdtemp(prefix="mr-bench-runs-")
    s = Orchestrator(orchestrator, database, work, "runs")
    s.cli("user", "add", "bench", stdin="bench-password-1\n")
    s.cli("env", "add", "Bench")
    s.cli("env", "grant", "Bench", "bench", "EnvironmentMaker", "MachineOwner")
    token = s.cli("user", "token", "bench").split()[-1]
    s.start()
    try:
        cmd = [bench_agents, "--server", s.url, "--token", token, "--environment", "Bench", "--engine", engine,
               "--machines", str(MACHINES), "--connections", str(CONNECTIONS), "--in-flight", str(IN_FLIGHT),
               "--duration", str(SECONDS), "--latency-runs", str(LATENCY_RUNS), "--timeout", "300"] + ([] if EVENT else ["--no-event"])
        r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=330)
        sys.stdout.write(r.stdout)
        sys.stdout.flush()
        if r.returncode != 0:
            raise SystemExit(f"runs: mr-bench-agents failed on {engine} (exit {r.returncode}); "
                             f"orchestrator log: {os.path.join(work, 'orchestrator.log')}")
        if s.proc.poll() is not None:
            raise SystemExit(f"runs: the orchestrator died during the benchmark on {engine}")
    finally:
        s.stop()


def main():
    if "postgres" in ENGINES:
        run_inside_services(__file__)
    orchestrator = find_program("orchestrator", "runs")
    bench_agents = find_program("mr-bench-agents", "runs")
    for engine, database in engine_databases(ENGINES):
        log(f"runs: {engine}…")
        bench_engine(engine, database, orchestrator, bench_agents)

if __name__ == "__main__":
    main()
