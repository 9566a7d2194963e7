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
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.parse

ROOT = os.environ.get("MR_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("MR_BUILD_DIR") or os.path.join(ROOT, "build")
MACHINES = int(os.environ.get("MR_BENCH_RUNS_MACHINES") or 100)
SECONDS = float(os.environ.get("MR_BENCH_RUNS_SECONDS") or 10)
IN_FLIGHT = int(os.environ.get("MR_BENCH_RUNS_IN_FLIGHT") or 8)
CONNECTIONS = int(os.environ.get("MR_BENCH_RUNS_CONNECTIONS") or 200)
ENGINES = (os.environ.get("MR_BENCH_RUNS_ENGINES") or "sqlite,postgres").split(",")
LATENCY_RUNS = int(os.environ.get("MR_BENCH_RUNS_LATENCY") or 200)  # triggers one at a time
EVENT = os.environ.get("MR_BENCH_RUNS_EVENT", "1") != "0"  # one runEvent before each runResult


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def find_program(name, build_target=True):
    for base, _dirs, files in os.walk(BUILD):
        if name in files and "/test" not in base and "autogen" not in base:
            p = os.path.join(base, name)
            if os.access(p, os.X_OK) and os.path.isfile(p):
                return p
    if not build_target:
        raise SystemExit(f"runs: {name} not found under {BUILD}")
    log(f"runs: building {name}…")
    subprocess.run([os.path.join(ROOT, "scripts", "build"), BUILD, "--", name], check=True, stdout=sys.stderr)
    return find_program(name, build_target=False)


class Server:
    def __init__(self, binary, database, workdir):
        self.binary, self.database, self.workdir = binary, database, workdir
        self.env = dict(os.environ, HOME=workdir, XDG_DATA_HOME=os.path.join(workdir, "data"))
        self.proc = None

    def cli(self, *args, stdin=None):
        r = subprocess.run([self.binary, *args, "--database", self.database], input=stdin, text=True,
                           capture_output=True, env=self.env, timeout=120)
        if r.returncode != 0:
            raise SystemExit(f"runs: orchestrator {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    def start(self):
        self.log = open(os.path.join(self.workdir, "orchestrator.log"), "w")
        self.proc = subprocess.Popen([self.binary, "serve", "--database", self.database, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=self.env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://[\d.]+:\d+)", line)
        if not m:
            raise SystemExit(f"runs: serve did not start: {line!r}")
        self.url = m.group(1)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def bench_engine(engine, database, orchestrator, bench_agents):
    work = tempfile.mkdtemp(prefix="mr-bench-runs-")
    s = Server(orchestrator, database, work)
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


def fresh_postgres_database(url):
    """A new database on the test cluster, so every run starts empty."""
    u = urllib.parse.urlparse(url)
    name = "bench_" + secrets.token_hex(4)
    env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
    subprocess.run(["psql", "-h", u.hostname, "-p", str(u.port), "-U", urllib.parse.unquote(u.username),
                    "-d", u.path.lstrip("/"), "-c", f"CREATE DATABASE {name}"], check=True, env=env,
                   capture_output=True)
    return u._replace(path="/" + name).geturl()


def main():
    if ("postgres" in ENGINES and not os.environ.get("MR_TEST_POSTGRES_URL")
            and not os.environ.get("MR_BENCH_INNER")):
        os.environ["MR_BENCH_INNER"] = "1"
        r = subprocess.run([os.path.join(ROOT, "scripts", "test"), "--services-only", sys.executable,
                            os.path.abspath(__file__)])
        sys.exit(r.returncode)
    orchestrator = find_program("orchestrator")
    bench_agents = find_program("mr-bench-agents")
    engines = []
    if "sqlite" in ENGINES:
        engines.append(("sqlite", os.path.join(tempfile.mkdtemp(prefix="mr-bench-db-"), "bench.db")))
    if "postgres" in ENGINES and os.environ.get("MR_TEST_POSTGRES_URL"):
        engines.append(("postgres", fresh_postgres_database(os.environ["MR_TEST_POSTGRES_URL"])))
    for engine, database in engines:
        log(f"runs: {engine}…")
        bench_engine(engine, database, orchestrator, bench_agents)


if __name__ == "__main__":
    main()
