"""Fibonacci: a long calculation run in the user interface's own thread.

The deck's Fibonacci.py was a Tkinter program: press Start and it
computes Fibonacci numbers, showing each on screen. Two problems:
the UI freezes during the calculation (no other event is handled),
and frequent screen updates slow the calculation down.

By default this runs a console stand-in for Tk's event loop, so it works
anywhere; `--gui` opens the Tkinter version (needs a display).

Usage: python3 Fibonacci.py [--limit N] [--update-every K] [--gui]
"""

import argparse
import heapq
import itertools
import time

HEARTBEAT = 0.05  # seconds between UI heartbeats (think: redraws)


def describe(i, value):
    """What the display shows for fib(i): all of it, or its tail."""
    if value.bit_length() < 100:
        return f"fib({i}) = {value}"
    return f"fib({i}) ends in ...{value % 10**12:012d}"


def calculate(limit, on_update, update_every):
    """Compute fib(1) .. fib(limit), calling on_update as we go."""
    a, b = 0, 1
    for i in range(1, limit + 1):
        a, b = b, a + b
        if i % update_every == 0 or i == limit:
            on_update(i, a)
    return a


class ConsoleLoop:
    """A tiny stand-in for Tk's mainloop(): runs callbacks that were
    scheduled with after(), one at a time, in this one thread."""

    def __init__(self):
        self.jobs = []
        self.seq = itertools.count()
        self.running = True

    def after(self, ms, callback):
        when = time.monotonic() + ms / 1000
        heapq.heappush(self.jobs, (when, next(self.seq), callback))

    def quit(self):
        self.running = False

    def mainloop(self):
        while self.running and self.jobs:
            when, _, callback = heapq.heappop(self.jobs)
            delay = when - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            callback()


def console(limit, update_every):
    loop = ConsoleLoop()
    state = {"busy": False, "beats_during_calc": 0, "updates": 0}
    last = {"beat": time.monotonic(), "longest": 0.0}
    label = [""]

    def heartbeat():
        now = time.monotonic()
        last["longest"] = max(last["longest"], now - last["beat"])
        last["beat"] = now
        if state["busy"]:
            state["beats_during_calc"] += 1
        loop.after(HEARTBEAT * 1000, heartbeat)

    def show(i, value):  # the "screen update"
        label[0] = describe(i, value)
        state["updates"] += 1

    def start():  # what the Start button does
        print(f"Start: computing fib(1) .. fib({limit}) "
              "in the UI thread")
        state["busy"] = True
        began = time.perf_counter()
        calculate(limit, show, update_every)
        took = time.perf_counter() - began
        state["busy"] = False
        print(f"display: {label[0]}")
        print(f"calculation took {took:.2f} s with "
              f"{state['updates']} display updates")
        loop.after(2 * HEARTBEAT * 1000, finish)

    def finish():
        print(f"UI heartbeats during the calculation: "
              f"{state['beats_during_calc']} (the UI was frozen)")
        longest = last["longest"]
        print(f"longest pause between heartbeats: {longest:.2f} s")
        loop.quit()

    loop.after(0, heartbeat)
    loop.after(100, start)
    loop.mainloop()


def gui(limit, update_every):
    import tkinter as tk

    root = tk.Tk()
    root.title("Fibonacci")
    text = tk.StringVar(value="Press Start")
    tk.Label(root, textvariable=text, width=50).pack(padx=10, pady=10)

    def show(i, value):
        text.set(describe(i, value))
        root.update_idletasks()  # redraw now: slow, and still frozen

    def start():
        calculate(limit, show, update_every)

    tk.Button(root, text="Start", command=start).pack(side=tk.LEFT)
    quit_ = tk.Button(root, text="Quit", command=root.destroy)
    quit_.pack(side=tk.RIGHT)
    root.mainloop()


def main():
    parser = argparse.ArgumentParser(description="Fibonacci")
    parser.add_argument("--limit", type=int, default=300_000)
    parser.add_argument("--update-every", type=int, default=1000)
    parser.add_argument("--gui", action="store_true",
                        help="the Tkinter version (needs a display)")
    args = parser.parse_args()
    every = max(1, args.update_every)
    if args.gui:
        gui(args.limit, every)
    else:
        console(args.limit, every)


if __name__ == "__main__":
    main()
