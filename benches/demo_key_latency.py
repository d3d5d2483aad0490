#!/usr/bin/env python3
"""Key latency in the TUI while a live demo keeps both cores busy.

Opens the gil demo in a 120x40 pseudo-terminal, raises `n` so the run lasts
several seconds (its threads run flat out, free-threaded on every core in
one phase), starts it, then toggles the explain pane with `e` and times each
key until the redraw that shows the pane again arrives.

Usage: benches/demo_key_latency.py [--presses N]   (after cargo build --release)
"""
import argparse, os, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pty_timing as p  # noqa: E402

MARK = b"What to look for"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--presses", type=int, default=100)
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tt = os.path.join(root, "target", "release", "threadtutor")
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "THREADTUTOR_DATA_DIR": "/tmp/tt-demo-latency"}
    pid, fd = p.spawn([tt], env)
    p.read_until(fd, lambda b: b"quit" in b, quiet=0.1)
    os.write(fd, b"d")
    p.read_until(fd, lambda b: b"Live demos" in b, quiet=0.05)
    os.write(fd, b"j\r")
    p.read_until(fd, lambda b: b"gil" in b, quiet=0.05)
    # n is the first parameter: raise it about 60 times by 10%.
    for _ in range(60):
        os.write(fd, b"+")
        p.read_until(fd, lambda b: True, timeout=1.0, quiet=0.002)
    os.write(fd, b"s")
    p.read_until(fd, lambda b: b"running" in b, quiet=0.05)
    lat = []
    for _ in range(a.presses):
        os.write(fd, b"e")  # hide the pane
        p.read_until(fd, lambda b: True, timeout=1.0, quiet=0.05)
        t = time.perf_counter()
        os.write(fd, b"e")  # show it again: time until it is drawn
        buf = b""
        while MARK not in buf and time.perf_counter() - t < 2.0:
            chunk, _ = p.read_until(fd, lambda b: True, timeout=2.0)
            buf += chunk
        lat.append((time.perf_counter() - t) * 1000)
        time.sleep(0.05)
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    os.kill(pid, 15)
    os.waitpid(pid, 0)
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
    print(f"key -> frame during the gil demo: median {statistics.median(lat):.1f} ms, "
          f"p99 {p99:.1f} ms, max {max(lat):.1f} ms over {len(lat)} presses (load average {load})")


if __name__ == "__main__":
    main()
