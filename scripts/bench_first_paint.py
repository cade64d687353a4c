#!/usr/bin/env python3
"""Start time and memory of a desktop app, for scripts/bench.sh app.

Runs PROGRAM on the current X display (Xvfb) and prints one JSON line: the seconds from its
start to the moment the pixel at (X, Y) of the screen shows COLOUR (the app's first
meaningful paint), and — SETTLE seconds later — the proportional set size (PSS, KiB) of the
program and every process it started (WebKit's web and network processes), read from
/proc/PID/smaps_rollup. Then stops the program's process group, which it started.

The pixel is read with libX11 through ctypes, so the benchmark needs no screenshot tool.

usage: bench_first_paint.py --at X,Y --colour RRGGBB [--settle S] [--timeout S] -- PROGRAM ARG...
"""

import argparse
import ctypes
import ctypes.util
import json
import os
import signal
import subprocess
import sys
import time


class Screen:
    """One pixel of the root window at a time (no compositor under Xvfb: what is shown)."""

    def __init__(self):
        self.x = ctypes.CDLL(ctypes.util.find_library("X11"))
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XGetImage.restype = ctypes.c_void_p
        self.x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        self.x.XGetPixel.restype = ctypes.c_ulong
        self.x.XGetPixel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self.display = self.x.XOpenDisplay(None)
        if not self.display:
            sys.exit("no X display (run under xvfb-run)")
        self.root = self.x.XDefaultRootWindow(self.display)

    def rgb(self, px, py):
        z_pixmap, all_planes = 2, 0xFFFFFFFF
        image = self.x.XGetImage(self.display, self.root, px, py, 1, 1, all_planes, z_pixmap)
        if not image:
            return None
        # A 1×1 image is left to the process's end: XDestroyImage is a macro ctypes cannot call.
        p = self.x.XGetPixel(image, 0, 0)
        return ((p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF)


def descendants(root_pid):
    """The process and all it started, from /proc's parent links."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid):
    """The process's name, as ps shows it (WebKitWebProcess, WebKitNetworkProcess, …)."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--at", required=True)
    parser.add_argument("--colour", required=True)
    parser.add_argument("--tolerance", type=int, default=6)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    program = args.program[1:] if args.program[:1] == ["--"] else args.program
    px, py = (int(v) for v in args.at.split(","))
    want = tuple(int(args.colour[i:i + 2], 16) for i in (0, 2, 4))
    screen = Screen()

    started = time.monotonic()
    app = subprocess.Popen(program, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    painted, seen = None, None
    try:
        while time.monotonic() - started < args.timeout:
            seen = screen.rgb(px, py)
            if seen and all(abs(a - b) <= args.tolerance for a, b in zip(seen, want)):
                painted = time.monotonic() - started
                break
            time.sleep(0.01)
        time.sleep(args.settle)
        pids = descendants(app.pid)
        by_process = {}
        for pid in pids:
            by_process[comm(pid)] = by_process.get(comm(pid), 0) + pss_kib(pid)
        pss = sum(by_process.values())
    finally:
        try:
            os.killpg(app.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            app.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()
    print(json.dumps({
        "firstPaintS": None if painted is None else round(painted, 3),
        "pssKiB": pss,
        "processes": len(pids),
        "pssKiBByProcess": by_process,
        "lastColour": None if seen is None else "%02x%02x%02x" % seen,
    }))


if __name__ == "__main__":
    main()
