"""GIL in action: one thread vs two threads, which is faster?

The deck's "GIL in Action" slide runs the same CPU-bound loop twice,
first in one thread, then split over two threads. With a GIL only one
thread runs Python bytecode at a time, so two threads are no faster
(often a little slower) than one.

Usage: python3 gil_in_action.py [--loops N]
"""

import argparse
import sys
import threading
import time


def count(loops):
    total = 1
    for i in range(loops):
        total += 1
    return total


def one_thread(loops):
    start = time.perf_counter()
    count(loops)
    count(loops)
    return time.perf_counter() - start


def two_threads(loops):
    threads = [
        threading.Thread(target=count, args=(loops,)) for _ in range(2)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def gil_state():
    # sys._is_gil_enabled() exists from Python 3.13 on.
    check = getattr(sys, "_is_gil_enabled", None)
    if check is None:
        return "GIL: always on in this Python"
    if check():
        return "GIL: enabled"
    return "GIL: disabled (free-threaded build)"


def main():
    parser = argparse.ArgumentParser(description="GIL in action")
    parser.add_argument("--loops", type=int, default=2_000_000)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; {gil_state()}")
    print(f"switch interval: {sys.getswitchinterval()} s")
    one = one_thread(args.loops)
    two = two_threads(args.loops)
    print(f"One thread:  2 x {args.loops} loops in {one:.3f} s")
    print(f"Two threads: 2 x {args.loops} loops in {two:.3f} s")
    ratio = two / one if one > 0 else float("nan")
    print(f"two threads / one thread = {ratio:.2f}")
    print("With the GIL, expect a ratio near 1 or above: threads do")
    print("not speed up pure-Python CPU work.")


if __name__ == "__main__":
    main()
