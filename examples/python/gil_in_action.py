"""GIL in action: one thread vs two threads, which is faster?

The deck's "GIL in Action" slide runs the same CPU-bound loop twice,
first in one thread, then split over two threads. With a GIL only one
thread runs Python bytecode at a time, so two threads are no faster
(often a little slower) than one. In a free-threaded build with the GIL
off, the two threads can run on two CPUs at once.

To be fair to both, the script warms up first (the first run of any code
is slower), then times the two versions in turn several times, swapping
which goes first, and keeps the best time of each: the best run is the
one least disturbed by other programs. The conclusion it prints follows
from the ratio it measured.

Usage: python3 gil_in_action.py [--loops N] [--repeat R]
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


def timed(run):
    """Wall-clock and CPU seconds (all threads) that run() took."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def one_thread(loops):
    def run():
        count(loops)
        count(loops)

    return timed(run)


def two_threads(loops):
    threads = [
        threading.Thread(target=count, args=(loops,)) for _ in range(2)
    ]

    def run():
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    return timed(run)


def gil_state():
    # sys._is_gil_enabled() exists from Python 3.13 on.
    check = getattr(sys, "_is_gil_enabled", None)
    if check is None:
        return True, "GIL: always on in this Python"
    if check():
        return True, "GIL: enabled"
    return False, "GIL: disabled (free-threaded build)"


def measure(loops, repeat):
    """(wall, cpu) times of each version over `repeat` rounds, after a
    warm-up."""
    # Warm-up: run both versions once, untimed, so that neither timed
    # version pays for first-run costs (caches, the interpreter's
    # specialising of the loop, the first thread ever started).
    one_thread(loops // 10 + 1)
    two_threads(loops // 10 + 1)
    ones, twos = [], []
    for round_no in range(repeat):
        # Alternate the order, so neither version always runs first.
        if round_no % 2 == 0:
            ones.append(one_thread(loops))
            twos.append(two_threads(loops))
        else:
            twos.append(two_threads(loops))
            ones.append(one_thread(loops))
    return ones, twos


def conclusion(one, two, gil_on):
    """What the measured (wall, cpu) times say, in words."""
    ratio = two[0] / one[0]
    # CPU seconds per wall-clock second: CPUs busy on average.
    busy_one, busy_two = one[1] / one[0], two[1] / two[0]
    if ratio < 0.8 and busy_two > 1.2:
        said = [
            "Two threads were faster: they ran at the same time,",
            f"keeping {busy_two:.1f} CPUs busy on average.",
        ]
        if gil_on:
            said.append("With the GIL on that should not happen.")
        return said
    if ratio < 0.8:
        said = [
            "Two threads finished sooner, but they never kept more",
            f"than one CPU busy ({busy_two:.2f} on average):",
            "they did not run in parallel.",
        ]
        if busy_two > busy_one:
            said += [
                "Other programs were using the CPUs, and the",
                f"two-thread runs got a bigger share ({busy_two:.2f}",
                f"against {busy_one:.2f}).",
            ]
        said.append("Run it again on a quieter machine.")
        return said
    if ratio <= 1.1:
        said = [
            "About the same: the two threads took turns, so",
            "splitting the work did not speed it up.",
        ]
    else:
        said = [
            "Two threads were slower: they took turns, and",
            "handing the GIL back and forth cost extra time.",
        ]
    if gil_on:
        said += [
            "That is the GIL: threads do not speed up",
            "pure-Python CPU work.",
        ]
    else:
        said.append("The GIL is off, yet no speed-up: two CPUs free?")
    if busy_one < 0.8:
        said += [
            "(Other programs were busy too: one thread got",
            f"{busy_one:.2f} of a CPU, so these times are rough.)",
        ]
    return said


def main():
    parser = argparse.ArgumentParser(description="GIL in action")
    parser.add_argument("--loops", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loops = max(1, args.loops)
    repeat = max(1, args.repeat)
    gil_on, state = gil_state()
    print(f"Python {sys.version.split()[0]}; {state}")
    print(f"switch interval: {sys.getswitchinterval()} s")
    ones, twos = measure(loops, repeat)
    # The best run of each: the one least disturbed by other programs.
    one, two = min(ones), min(twos)
    runs = "run" if repeat == 1 else "runs"
    print(f"best of {repeat} {runs} each, after a warm-up:")
    print(f"One thread:  2 x {loops} loops in {one[0]:.3f} s")
    print(f"Two threads: 2 x {loops} loops in {two[0]:.3f} s")
    if one[0] <= 0 or two[0] <= 0:
        print("too fast to time: use a larger --loops")
        return
    print(f"two threads / one thread = {two[0] / one[0]:.2f}")
    print(f"CPUs busy on average: one thread {one[1] / one[0]:.2f}, "
          f"two threads {two[1] / two[0]:.2f}")
    for line in conclusion(one, two, gil_on):
        print(line)


if __name__ == "__main__":
    main()
