#!/usr/bin/env python3
"""Head-less agent benchmark: the real machine-runtime-agent against a real orchestrator (SQLite).

Figures (one JSON line each, {"bench":"agent",…}):
  idle_rss_kib              VmRSS of the agent after 10 s connected and idle
  idle_wakeups_per_s        voluntary + nonvoluntary context switches of all its threads over
                            10 s idle, per second
  empty_flow_runs_per_s     K unattended runs of a flow with script "" (unattendedBots 4): K / the
                            wall time from the first POST until all are Succeeded
  trigger_to_started_p50_ms / _p99_ms
                            one run at a time, flow `log('start')`: from sending the POST to the
                            run's `startedAt` (stamped by the orchestrator when the agent accepts)
  trigger_to_first_log_p50_ms / _p99_ms
                            the same runs: from sending the POST to the `at` of the first log
                            line (stamped by the agent when the flow calls log('start'))
  rss_after_runs_kib        VmRSS after all those runs
Both processes run on this machine, so their wall clocks are the same clock (ISO times carry
milliseconds, so each figure is ±1 ms).

Knobs: MR_BENCH_AGENT_RUNS (K, 200), MR_BENCH_AGENT_LATENCY_RUNS (50)."""
import datetime
import http.client
import json
import math
import os
import re
import subprocess
import tempfile
import time

from benchlib import CORES, find_program, log, rss_kib, thread_switches

RUNS = int(os.environ.get("MR_BENCH_AGENT_RUNS") or 200)
LATENCY_RUNS = int(os.environ.get("MR_BENCH_AGENT_LATENCY_RUNS") or 50)
BOTS = 4
RATE = 70  # accepted triggers per connection per 60 s


def out(metric, value, unit, **extra):
    print(json.dumps({"bench": "agent", "metric": metric, "value": round(value, 2), "unit": unit, "cores": CORES,
                      "engine": "sqlite", **extra}), flush=True)


def parse_time(s):
    return datetime.datetime.strptime(s.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


class Api:
    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def call(self, method, path, body=None, expect=(200,)):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": "Bearer " + self.token}
        if data:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        if resp.status not in expect:
            raise SystemExit(f"agent: {method} {path} answered {resp.status}: {raw[:400]!r}")
        return json.loads(raw) if raw else None


def wait_runs(api, ids, deadline):
    """Polls until every run in ids has ended; returns {id: run}."""
    pending, done = set(ids), {}
    while pending:
        if time.monotonic() > deadline:
            raise SystemExit(f"agent: {len(pending)} runs did not end in time")
        for r in api.call("GET", f"/api/v1/environments/{api.env}/runs?limit=1000"):
            if r["id"] in pending and r["status"] in ("Succeeded", "Failed", "Cancelled"):
                pending.discard(r["id"])
                done[r["id"]] = r
        if pending:
            time.sleep(0.02)
    bad = [r for r in done.values() if r["status"] != "Succeeded"]
    if bad:
        raise SystemExit(f"agent: {len(bad)} runs did not succeed, e.g. {bad[0]}")
    return done


def percentile(values, q):
    v = sorted(values)
    return v[max(0, min(len(v) - 1, math.ceil(q * len(v)) - 1))]


def main():
    orchestrator = find_program("orchestrator", "agent")
    agent_bin = os.environ.get("MR_AGENT_BIN") or find_program("machine-runtime-agent", "agent")
    work = tempfile.mkdtemp(prefix="mr-bench-agent-")
    env = dict(os.environ, HOME=work, XDG_DATA_HOME=os.path.join(work, "data"))
    database = os.path.join(work, "bench.db")

    def cli(*args, stdin=None):
        r = subprocess.run([orchestrator, *args, "--database", database], input=stdin, text=True,
                           capture_output=True, env=env, timeout=120)
        if r.returncode != 0:
            raise SystemExit(f"agent: orchestrator {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    cli("user", "add", "bench", stdin="bench-password-1\n")
    cli("env", "add", "Bench")
    cli("env", "grant", "Bench", "bench", "EnvironmentMaker", "MachineOwner")
    token = cli("user", "token", "bench").split()[-1]

    server_log = open(os.path.join(work, "orchestrator.log"), "w")
    server = subprocess.Popen([orchestrator, "serve", "--database", database, "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=server_log, text=True, env=env)
    agent = None
    try:
        line = server.stdout.readline()
        m = re.search(r"listening on (http://([\d.]+):(\d+))", line)
        if not m:
            raise SystemExit(f"agent: serve did not start: {line!r}")
        url, host, port = m.group(1), m.group(2), int(m.group(3))
        api = Api(host, port, token)
        api.env = next(e["id"] for e in api.call("GET", "/api/v1/environments") if e["name"] == "Bench")

        state = os.path.join(work, "agent-state")
        r = subprocess.run([agent_bin, "register", "--server", url, "--environment", "Bench", "--name", "bench-pc",
                            "--token-stdin", "--state-dir", state], input=token + "\n", text=True,
                           capture_output=True, env=env, timeout=60)
        if r.returncode != 0:
            raise SystemExit(f"agent: register failed ({r.returncode}): {r.stderr}")
        machine = next(x for x in api.call("GET", f"/api/v1/environments/{api.env}/machines") if x["name"] == "bench-pc")
        api.call("PATCH", f"/api/v1/machines/{machine['id']}", {"unattendedBots": BOTS})
        agent_log = open(os.path.join(work, "agent.log"), "w")
        agent = subprocess.Popen([agent_bin, "run", "--state-dir", state, "--session-source", "static:bench-other:locked"],
                                 stdout=agent_log, stderr=agent_log, env=env)
        deadline = time.monotonic() + 30
        while api.call("GET", f"/api/v1/machines/{machine['id']}")["status"] != "online":
            if time.monotonic() > deadline or agent.poll() is not None:
                raise SystemExit(f"agent: the agent did not come online (see {work}/agent.log)")
            time.sleep(0.1)

        # (c) idle: 10 s connected, then RSS, then switches over 10 s
        log("agent: idle…")
        time.sleep(10)
        idle_rss = rss_kib(agent.pid)
        before = thread_switches(agent.pid)
        t0 = time.monotonic()
        time.sleep(10)
        switches = thread_switches(agent.pid) - before
        elapsed = time.monotonic() - t0
        threads = len(os.listdir(f"/proc/{agent.pid}/task"))
        out("idle_rss_kib", idle_rss, "KiB")
        out("idle_wakeups_per_s", switches / elapsed, "1/s", threads=threads, seconds=round(elapsed, 1))

        # connections: the trigger rate is 70 per connection per minute
        needed = max(1, -(-(RUNS + LATENCY_RUNS) // (RATE - 5)))
        connections = [api.call("POST", f"/api/v1/environments/{api.env}/connections",
                                {"name": f"bench-{i}", "target": {"machineId": machine["id"]}, "kind": "password",
                                 "username": "robot", "password": "robot-password"}, expect=(201,))["id"]
                       for i in range(needed)]
        used = {c: 0 for c in connections}

        def connection():
            c = min(used, key=used.get)
            used[c] += 1
            return c

        def flow(name, script):
            return api.call("POST", f"/api/v1/environments/{api.env}/flows",
                            {"name": name, "description": "bench", "script": script, "inputs": [], "outputs": []},
                            expect=(201,))["id"]

        def trigger(flow_id):
            return api.call("POST", f"/api/v1/environments/{api.env}/runs",
                            {"flowId": flow_id, "connectionId": connection(), "runMode": "unattended",
                             "priority": "normal", "inputs": {}}, expect=(202,))["id"]

        # (b) trigger → start, one run at a time
        log("agent: latency…")
        start_flow = flow("bench-start", "log('start')")
        to_started, to_log = [], []
        for _ in range(LATENCY_RUNS):
            sent = time.time()
            run_id = trigger(start_flow)
            wait_runs(api, [run_id], time.monotonic() + 30)
            run = api.call("GET", f"/api/v1/runs/{run_id}")
            lines = api.call("GET", f"/api/v1/runs/{run_id}/log")
            if not lines or lines[0]["text"] != "start":
                raise SystemExit(f"agent: run {run_id} logged {lines!r}")
            to_started.append((parse_time(run["startedAt"]) - sent) * 1000)
            to_log.append((parse_time(lines[0]["at"]) - sent) * 1000)
        for name, values in (("trigger_to_started", to_started), ("trigger_to_first_log", to_log)):
            out(f"{name}_p50_ms", percentile(values, 0.5), "ms", runs=LATENCY_RUNS)
            out(f"{name}_p99_ms", percentile(values, 0.99), "ms", runs=LATENCY_RUNS)

        # (a) empty-flow throughput
        log("agent: empty-flow runs…")
        empty_flow = flow("bench-empty", "")
        t0 = time.monotonic()
        ids = [trigger(empty_flow) for _ in range(RUNS)]
        triggered = time.monotonic() - t0
        wait_runs(api, ids, time.monotonic() + 300)
        elapsed = time.monotonic() - t0
        out("empty_flow_runs_per_s", RUNS / elapsed, "runs/s", runs=RUNS, unattendedBots=BOTS,
            trigger_seconds=round(triggered, 2), seconds=round(elapsed, 2))
        out("rss_after_runs_kib", rss_kib(agent.pid), "KiB", runs=RUNS + LATENCY_RUNS)
        if agent.poll() is not None:
            raise SystemExit("agent: the agent exited during the benchmark")
    finally:
        if agent and agent.poll() is None:
            agent.terminate()
            try:
                agent.wait(30)
            except subprocess.TimeoutExpired:
                agent.kill()
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
