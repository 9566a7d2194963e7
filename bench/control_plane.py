#!/usr/bin/env python3
"""Control-plane benchmark: machine registrations/s and listing 1,000 machines/s over real HTTP,
on SQLite and on PostgreSQL. One JSON line per figure on stdout; progress on stderr.

PostgreSQL comes from MR_TEST_POSTGRES_URL; without it the script runs itself again inside
`scripts/test --services-only`, which starts a scratch cluster."""
import base64
import http.client
import json
import secrets
import tempfile
import threading
import time

from benchlib import CORES, Orchestrator, engine_databases, find_program, log, run_inside_services

MACHINES = 1000
LIST_REQUESTS = 200
THREADS = 4


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
    s = Orchestrator(binary, database, work, "control_plane")
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


def main():
    run_inside_services(__file__)
    binary = find_program("orchestrator", "control_plane")
    for engine, database in engine_databases():
        log(f"control_plane: {engine}…")
        for line in bench_engine(engine, database, binary):
            print(json.dumps(line), flush=True)

if __name__ == "__main__":
    main()
