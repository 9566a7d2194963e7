#!/usr/bin/env python3
"""Desktop app benchmark: cold start of `machine-runtime` to its window being mapped on an Xvfb
display, then idle RSS and wake-ups per second at the sign-in page. One JSON line per figure.

Not yet measured: idle RSS and wake-ups with the agent connected (that needs a browser sign-in
driven from here)."""
import json
import os
import shutil
import subprocess
import tempfile
import time

from benchlib import CORES, find_program, log, rss_kib, thread_switches

STARTS = int(os.environ.get("MR_BENCH_APP_STARTS") or 5)
IDLE_SECONDS = 10


def window_mapped(display):
    r = subprocess.run(["xwininfo", "-root", "-tree"], env=dict(os.environ, DISPLAY=display),
                       capture_output=True, text=True)
    return '"Machine Runtime"' in r.stdout


def main():
    if not shutil.which("Xvfb") or not shutil.which("xwininfo"):
        raise SystemExit("app: Xvfb and xwininfo are needed (scripts/setup)")
    app = find_program("machine-runtime", "app")
    display = ":%d" % (90 + os.getpid() % 9)
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stderr=subprocess.DEVNULL)
    home = tempfile.mkdtemp(prefix="mr-bench-app-")
    env = dict(os.environ, DISPLAY=display, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_DATA_HOME=os.path.join(home, "data"), QT_QPA_PLATFORM="xcb")
    try:
        time.sleep(1.0)
        starts = []
        for _ in range(STARTS):
            begin = time.perf_counter()
            p = subprocess.Popen([app, "--server", "http://127.0.0.1:9"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            deadline = begin + 30
            while not window_mapped(display):
                if time.perf_counter() > deadline or p.poll() is not None:
                    raise SystemExit("app: no window within 30 s")
                time.sleep(0.005)
            starts.append((time.perf_counter() - begin) * 1000)
            p.terminate()
            p.wait(10)
        starts.sort()
        print(json.dumps({"bench": "app", "metric": "cold_start_to_window_ms", "value": round(starts[len(starts) // 2], 1),
                          "unit": "ms", "starts": STARTS, "statistic": "median",
                          "note": "until the window is mapped (xwininfo polled every 5 ms)", "cores": CORES}))
        p = subprocess.Popen([app, "--server", "http://127.0.0.1:9"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(3)
        before = thread_switches(p.pid)
        time.sleep(IDLE_SECONDS)
        rss, after = rss_kib(p.pid), thread_switches(p.pid)
        p.terminate()
        p.wait(10)
        print(json.dumps({"bench": "app", "metric": "idle_rss_kib", "value": rss, "unit": "KiB",
                          "page": "sign-in", "cores": CORES}))
        print(json.dumps({"bench": "app", "metric": "idle_wakeups_per_s", "value": round((after - before) / IDLE_SECONDS, 2),
                          "unit": "1/s", "page": "sign-in", "cores": CORES}))
    finally:
        xvfb.terminate()
        xvfb.wait(10)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
