#!/usr/bin/env python3
"""Control-plane benchmark: machine registrations/s and listing 1,000 machines/s over real HTTP,
on SQLite and on PostgreSQL. One JSON line per figure on stdout; progress on stderr.

PostgreSQL comes from MR_TEST_POSTGRES_URL; without it the script runs itself again inside
`scripts/test --services-only`, which starts a scratch cluster."""
import base64
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.environ.get("MR_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("MR_BUILD_DIR") or os.path.join(ROOT, "build")
CORES = int(os.environ.get("MR_BENCH_CORES") or os.cpu_count() or 1)
MACHINES = 1000
LIST_REQUESTS = 200
THREADS = 4


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def find_orchestrator():
    for base, _dirs, files in os.walk(BUILD):
        if "orchestrator" in files and "/test" not in base:
            p = os.path.join(base, "orchestrator")
            if os.access(p, os.X_OK) and os.path.isfile(p):
                return p
    subprocess.run([os.path.join(ROOT, "scripts", "build"), BUILD], check=True, stdout=sys.stderr)
    return find_orchestrator()


class Server:
    def __init__(self, binary, database, workdir):
        self.binary, self.database, self.workdir = binary, database, workdir
        self.env = dict(os.environ, HOME=workdir, XDG_DATA_HOME=os.path.join(workdir, "data"))

    def cli(self, *args, stdin=None):
        r = subprocess.run([self.binary, *args, "--database", self.database], input=stdin, text=True,
                           capture_output=True, env=self.env, timeout=120)
        if r.returncode != 0:
            raise SystemExit(f"orchestrator {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    def start(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--database", self.database, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=self.env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://([\d.]+):(\d+)", line)
        if not m:
            raise SystemExit(f"serve did not start: {line!r}")
        self.host, self.port = m.group(1), int(m.group(2))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def timed_requests(server, token, requests):
    """Runs (method, path, body) requests over THREADS keep-alive connections; returns (seconds, statuses)."""
    statuses = []
    lock = threading.Lock()
    chunks = [requests[i::THREADS] for i in range(THREADS)]

    def worker(chunk):
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        mine = []
        for method, path, body in chunk:
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Authorization": "Bearer " + token}
            if data:
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            resp.read()
            mine.append(resp.status)
        conn.close()
        with lock:
            statuses.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, statuses


def bench_engine(engine, database, binary):
    work = tempfile.mkdtemp(prefix="mr-bench-")
    s = Server(binary, database, work)
    s.cli("user", "add", "bench", stdin="bench-password-1\n")
    s.cli("env", "add", "Bench")
    s.cli("env", "grant", "Bench", "bench", "EnvironmentMaker")
    token = s.cli("user", "token", "bench").split()[-1]
    s.start()
    try:
        conn = http.client.HTTPConnection(s.host, s.port, timeout=30)
        conn.request("GET", "/api/v1/environments", headers={"Authorization": "Bearer " + token})
        env = next(e["id"] for e in json.loads(conn.getresponse().read()) if e["name"] == "Bench")
        conn.close()
        regs = [("POST", f"/api/v1/environments/{env}/machines",
                 {"name": f"pc-{i:04d}", "description": "bench", "version": "0.1.0", "os": "Debian 12",
                  "fingerprint": secrets.token_hex(16), "publicKey": base64.b64encode(secrets.token_bytes(32)).decode()})
                for i in range(MACHINES)]
        seconds, statuses = timed_requests(s, token, regs)
        ok = statuses.count(201)
        if ok != MACHINES:
            raise SystemExit(f"{engine}: only {ok} of {MACHINES} registrations answered 201: {set(statuses)}")
        yield {"bench": "control_plane", "metric": "machine_registrations", "engine": engine,
               "value": round(MACHINES / seconds, 1), "unit": "requests/s", "requests": MACHINES,
               "clients": THREADS, "cores": CORES}
        lists = [("GET", f"/api/v1/environments/{env}/machines", None)] * LIST_REQUESTS
        seconds, statuses = timed_requests(s, token, lists)
        if statuses.count(200) != LIST_REQUESTS:
            raise SystemExit(f"{engine}: listing failed: {set(statuses)}")
        yield {"bench": "control_plane", "metric": "list_1000_machines", "engine": engine,
               "value": round(LIST_REQUESTS / seconds, 1), "unit": "requests/s", "requests": LIST_REQUESTS,
               "machines": MACHINES, "clients": THREADS, "cores": CORES}
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
    if not os.environ.get("MR_TEST_POSTGRES_URL") and not os.environ.get("MR_BENCH_INNER"):
        os.environ["MR_BENCH_INNER"] = "1"
        r = subprocess.run([os.path.join(ROOT, "scripts", "test"), "--services-only", sys.executable,
                            os.path.abspath(__file__)])
        sys.exit(r.returncode)
    binary = find_orchestrator()
    engines = [("sqlite", os.path.join(tempfile.mkdtemp(prefix="mr-bench-db-"), "bench.db"))]
    if os.environ.get("MR_TEST_POSTGRES_URL"):
        engines.append(("postgres", fresh_postgres_database(os.environ["MR_TEST_POSTGRES_URL"])))
    for engine, database in engines:
        log(f"control_plane: {engine}…")
        for line in bench_engine(engine, database, binary):
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
