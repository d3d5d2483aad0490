"""Thread order: two threads print a, b, c and 1, 2, 3.

The deck's "Thread Order" slide: how the two threads' output
interleaves is not determined. Run it a few times and compare.

Usage: python3 thread_order.py [--rounds N] [--seed S]
"""

import argparse
import random
import threading
import time


def worker(items, out, out_lock, seed):
    rng = random.Random(seed)
    for item in items:
        # A tiny random pause stands in for the OS scheduler's whims.
        time.sleep(rng.random() / 1000)
        with out_lock:
            out.append(item)


def one_round(rng):
    out = []
    out_lock = threading.Lock()
    threads = [
        threading.Thread(
            target=worker, args=(items, out, out_lock, rng.random())
        )
        for items in ("abc", "123")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main():
    parser = argparse.ArgumentParser(description="Thread order")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    orders = set()
    for n in range(1, args.rounds + 1):
        out = one_round(rng)
        orders.add("".join(out))
        print(f"round {n}: " + ", ".join(out))
    print(f"{len(orders)} different order(s) in {args.rounds} round(s)")
    print("Within each thread the order never changes: a, b, c and")
    print("1, 2, 3. Between the two threads, anything goes.")


if __name__ == "__main__":
    main()
