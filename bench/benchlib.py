"""What the benchmarks in bench/ share: finding (or building) the programs, an orchestrator on a
scratch database, a fresh PostgreSQL database per run, and /proc readings. Not a benchmark itself
(not executable, so scripts/bench skips it)."""
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.parse

ROOT = os.environ.get("MR_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("MR_BUILD_DIR") or os.path.join(ROOT, "build")
CORES = int(os.environ.get("MR_BENCH_CORES") or os.cpu_count() or 1)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def find_program(name, who, build_target=True):
    """The built program NAME under BUILD (never scripts/test's build/test); built when missing."""
    for base, _dirs, files in os.walk(BUILD):
        if name in files and "/test" not in base and "autogen" not in base:
            p = os.path.join(base, name)
            if os.access(p, os.X_OK) and os.path.isfile(p):
                return p
    if not build_target:
        raise SystemExit(f"{who}: {name} not found under {BUILD}")
    log(f"{who}: building {name}…")
    subprocess.run([os.path.join(ROOT, "scripts", "build"), BUILD, "--", name], check=True, stdout=sys.stderr)
    return find_program(name, who, build_target=False)


def run_inside_services(script):
    """Runs SCRIPT again inside `scripts/test --services-only` (which starts PostgreSQL and sets
    MR_TEST_POSTGRES_URL) and exits with its status, unless that already happened."""
    if os.environ.get("MR_TEST_POSTGRES_URL") or os.environ.get("MR_BENCH_INNER"):
        return
    os.environ["MR_BENCH_INNER"] = "1"
    r = subprocess.run([os.path.join(ROOT, "scripts", "test"), "--services-only", sys.executable,
                        os.path.abspath(script)])
    sys.exit(r.returncode)


def fresh_postgres_database(url):
    """A new database on the test cluster, so every run starts empty."""
    u = urllib.parse.urlparse(url)
    name = "bench_" + secrets.token_hex(4)
    env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
    subprocess.run(["psql", "-h", u.hostname, "-p", str(u.port), "-U", urllib.parse.unquote(u.username),
                    "-d", u.path.lstrip("/"), "-c", f"CREATE DATABASE {name}"], check=True, env=env,
                   capture_output=True)
    return u._replace(path="/" + name).geturl()


def engine_databases(engines=("sqlite", "postgres")):
    """[(engine, --database value)] for the engines asked for that are available here."""
    out = []
    if "sqlite" in engines:
        out.append(("sqlite", os.path.join(tempfile.mkdtemp(prefix="mr-bench-db-"), "bench.db")))
    if "postgres" in engines and os.environ.get("MR_TEST_POSTGRES_URL"):
        out.append(("postgres", fresh_postgres_database(os.environ["MR_TEST_POSTGRES_URL"])))
    return out


class Orchestrator:
    """`orchestrator` on DATABASE with a scratch HOME in WORKDIR; its log in WORKDIR/orchestrator.log."""

    def __init__(self, binary, database, workdir, who):
        self.binary, self.database, self.workdir, self.who = binary, database, workdir, who
        self.env = dict(os.environ, HOME=workdir, XDG_DATA_HOME=os.path.join(workdir, "data"))
        self.proc = None

    def cli(self, *args, stdin=None):
        r = subprocess.run([self.binary, *args, "--database", self.database], input=stdin, text=True,
                           capture_output=True, env=self.env, timeout=120)
        if r.returncode != 0:
            raise SystemExit(f"{self.who}: orchestrator {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    def start(self):
        self.log = open(os.path.join(self.workdir, "orchestrator.log"), "w")
        self.proc = subprocess.Popen([self.binary, "serve", "--database", self.database, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=self.env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://([\d.]+):(\d+))", line)
        if not m:
            raise SystemExit(f"{self.who}: serve did not start: {line!r}")
        self.url, self.host, self.port = m.group(1), m.group(2), int(m.group(3))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmRSS for process {pid}")


def thread_switches(pid):
    """Voluntary + nonvoluntary context switches summed over every thread of PID."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread ended meanwhile
    return total
