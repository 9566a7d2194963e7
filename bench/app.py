#!/usr/bin/env python3
"""Desktop app benchmark: cold start of `machine-runtime` to its window being mapped on an Xvfb
display, then idle RSS and wake-ups per second at the sign-in page and with the agent connected.
One JSON line per figure.

Connected: an orchestrator on a scratch SQLite database with one user who may register machines
in one environment; the app gets a private D-Bus session with an unlocked gnome-keyring (it keeps
the machine's key in the Secret Service) and bench/fake-browser as `xdg-open` first in PATH.
Return is pressed in the sign-in page (XTest, through ctypes) to sign in; the app registers the
machine by itself (the only environment it may) and shows the dashboard. Measured once the
orchestrator lists the machine online, after 3 s more to settle."""
import ctypes
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from benchlib import CORES, ROOT, Orchestrator, find_program, log, rss_kib, thread_switches

STARTS = int(os.environ.get("MR_BENCH_APP_STARTS") or 5)
IDLE_SECONDS = 10
USER, PASSWORD = "bench", "bench-password-1"


def out(metric, value, unit, **extra):
    print(json.dumps({"bench": "app", "metric": metric, "value": value, "unit": unit, **extra, "cores": CORES}),
          flush=True)


def window_mapped(display):
    r = subprocess.run(["xwininfo", "-root", "-tree"], env=dict(os.environ, DISPLAY=display),
                       capture_output=True, text=True)
    return '"Machine Runtime"' in r.stdout


def wait_until(what, ready, proc, seconds=30, every=0.005):
    """ready()'s first true value, asked every EVERY s; fails after SECONDS or once PROC has ended."""
    deadline = time.monotonic() + seconds
    while not (value := ready()):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit(f"app: {what} within {seconds} s")
        time.sleep(every)
    return value


def idle(p, **extra):
    """Settles 3 s, then RSS and the wake-ups of P over IDLE_SECONDS."""
    time.sleep(3)
    before = thread_switches(p.pid)
    time.sleep(IDLE_SECONDS)
    rss, after = rss_kib(p.pid), thread_switches(p.pid)
    out("idle_rss_kib", rss, "KiB", **extra)
    out("idle_wakeups_per_s", round((after - before) / IDLE_SECONDS, 2), "1/s", **extra)


def viewable_main_window(display):
    """The id of the app's main window once it is viewable, else None."""
    xenv = dict(os.environ, DISPLAY=display)
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=xenv, capture_output=True, text=True).stdout
    m = re.search(r'(0x[0-9a-f]+) "Machine Runtime": \("machine-runtime"', tree)
    info = m and subprocess.run(["xwininfo", "-id", m.group(1)], env=xenv, capture_output=True, text=True).stdout
    return int(m.group(1), 16) if info and "IsViewable" in info else None


def press_return(display, window):
    """Gives WINDOW the input focus (there is no window manager to do it), then presses Return
    through XTest like a user (libX11 and libXtst, from scripts/setup, through ctypes)."""
    x11, xtst = ctypes.CDLL("libX11.so.6"), ctypes.CDLL("libXtst.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
    x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    d = x11.XOpenDisplay(display.encode())
    if not d:
        raise SystemExit(f"app: cannot open display {display}")
    x11.XSetInputFocus(d, window, 2, 0)  # RevertToParent, CurrentTime
    x11.XSync(d, 0)
    time.sleep(0.5)  # the window activates, the server address field gets the focus
    code = x11.XKeysymToKeycode(d, 0xFF0D)  # XK_Return
    xtst.XTestFakeKeyEvent(d, code, 1, 0)
    xtst.XTestFakeKeyEvent(d, code, 0, 0)
    x11.XCloseDisplay(d)  # flushes


def secret_service(work, procs):
    """A private D-Bus session with an unlocked gnome-keyring, as scripts/test starts; its environment."""
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    procs.append(bus)
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus.stdout.readline().strip(), HOME=work,
               XDG_CONFIG_HOME=os.path.join(work, "config"), XDG_DATA_HOME=os.path.join(work, "data"),
               XDG_CACHE_HOME=os.path.join(work, "cache"), XDG_RUNTIME_DIR=os.path.join(work, "runtime"))
    os.makedirs(env["XDG_RUNTIME_DIR"], 0o700)
    keyring = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    procs.append(keyring)
    keyring.stdin.write(b"pw")
    keyring.stdin.close()
    has_owner = ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                 "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"]
    wait_until("no Secret Service (gnome-keyring)",
               lambda: "boolean true" in subprocess.run(has_owner, env=env, capture_output=True, text=True).stdout,
               keyring, 10, 0.1)
    return env


def connected(app, display, work):
    """Signs the app in through bench/fake-browser and measures it idle with the agent online."""
    procs = []
    orchestrator = Orchestrator(find_program("orchestrator", "app"), os.path.join(work, "bench.db"), work, "app")
    try:
        orchestrator.cli("user", "add", USER, stdin=PASSWORD + "\n")
        orchestrator.cli("env", "add", "Bench")
        orchestrator.cli("env", "grant", "Bench", USER, "MachineOwner")
        token = orchestrator.cli("user", "token", USER).split()[-1]
        orchestrator.start()
        env = secret_service(os.path.join(work, "app"), procs)
        bin_dir = os.path.join(work, "bin")
        os.mkdir(bin_dir)
        os.symlink(os.path.join(ROOT, "bench", "fake-browser"), os.path.join(bin_dir, "xdg-open"))
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", PATH=bin_dir + os.pathsep + env["PATH"],
                   MR_BENCH_USER=USER, MR_BENCH_PASSWORD=PASSWORD)

        def call(path):
            request = urllib.request.Request(orchestrator.url + path, headers={"Authorization": "Bearer " + token})
            with urllib.request.urlopen(request, timeout=30) as r:
                return json.load(r)

        env_id = next(e["id"] for e in call("/api/v1/environments") if e["name"] == "Bench")
        app_log = os.path.join(work, "app.log")
        with open(app_log, "w") as f:
            p = subprocess.Popen([app, "--server", orchestrator.url], env=env, stdout=f, stderr=f)
        procs.append(p)
        press_return(display, wait_until("no viewable window", lambda: viewable_main_window(display), p))
        try:
            wait_until("the machine did not come online",
                       lambda: any(m["status"] == "online" for m in call(f"/api/v1/environments/{env_id}/machines")),
                       p, 60, 0.1)
        except SystemExit:
            log(open(app_log).read()[-3000:])
            raise
        idle(p, page="dashboard", agent="connected")
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(10)
        orchestrator.stop()


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
            wait_until("no window", lambda: window_mapped(display), p)
            starts.append((time.perf_counter() - begin) * 1000)
            p.terminate()
            p.wait(10)
        starts.sort()
        out("cold_start_to_window_ms", round(starts[len(starts) // 2], 1), "ms", starts=STARTS, statistic="median",
            note="until the window is mapped (xwininfo polled every 5 ms)")
        p = subprocess.Popen([app, "--server", "http://127.0.0.1:9"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        idle(p, page="sign-in")
        p.terminate()
        p.wait(10)
        os.mkdir(os.path.join(home, "connected"))
        connected(app, display, os.path.join(home, "connected"))
    finally:
        xvfb.terminate()
        xvfb.wait(10)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
