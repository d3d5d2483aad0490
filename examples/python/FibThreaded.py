"""FibThreaded: the Fibonacci calculation in a background thread.

The UI thread only handles events. A calculator thread computes and
offers its latest result through a single-element queue, in
non-blocking mode, so the display is updated at most once per poll.
Tkinter's widgets must only be touched from the UI thread, so the UI
polls the queue with after() instead of being called by the thread.

By default this runs a console stand-in for Tk's event loop, so it works
anywhere; `--gui` opens the Tkinter version (needs a display).

Usage: python3 FibThreaded.py [--limit N] [--gui]
"""

import argparse
import heapq
import itertools
import queue
import threading
import time

HEARTBEAT = 0.05  # seconds between UI heartbeats (think: redraws)
POLL_MS = 50  # how often the UI looks at the queue


def describe(i, value):
    """What the display shows for fib(i): all of it, or its tail."""
    if value.bit_length() < 100:
        return f"fib({i}) = {value}"
    return f"fib({i}) ends in ...{value % 10**12:012d}"


class Calculator(threading.Thread):
    """Computes fib(1) .. fib(limit) and offers results on a queue."""

    def __init__(self, limit, results):
        super().__init__(name="calculator", daemon=True)
        self.limit = limit
        self.results = results  # queue.Queue(maxsize=1)
        self.stop = threading.Event()

    def run(self):
        a, b = 0, 1
        for i in range(1, self.limit + 1):
            if self.stop.is_set():
                return
            a, b = b, a + b
            if i % 1000 == 0:
                try:  # non-blocking: skip if the UI hasn't caught up
                    self.results.put_nowait((i, a, False))
                except queue.Full:
                    pass
        # The final result must arrive, but never block forever: if the
        # UI has quit, nobody will empty the queue (the deck's
        # "deadlock on quit" bug).
        while not self.stop.is_set():
            try:
                self.results.put((self.limit, a, True), timeout=0.1)
                return
            except queue.Full:
                continue


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


def console(limit):
    loop = ConsoleLoop()
    results = queue.Queue(maxsize=1)
    calc = Calculator(limit, results)
    state = {"busy": False, "beats_during_calc": 0, "updates": 0}
    last = {"beat": time.monotonic(), "longest": 0.0}
    began = [0.0]

    def heartbeat():
        now = time.monotonic()
        last["longest"] = max(last["longest"], now - last["beat"])
        last["beat"] = now
        if state["busy"]:
            state["beats_during_calc"] += 1
        loop.after(HEARTBEAT * 1000, heartbeat)

    def poll():  # Tkinter needs to poll: use the after event
        try:
            i, value, done = results.get_nowait()
        except queue.Empty:
            loop.after(POLL_MS, poll)
            return
        state["updates"] += 1
        if not done:
            loop.after(POLL_MS, poll)
            return
        took = time.perf_counter() - began[0]
        state["busy"] = False
        print(f"display: {describe(i, value)}")
        print(f"calculation took {took:.2f} s with "
              f"{state['updates']} display updates")
        loop.after(2 * HEARTBEAT * 1000, finish)

    def start():  # what the Start button does
        print(f"Start: computing fib(1) .. fib({limit}) "
              f"in a background thread")
        state["busy"] = True
        began[0] = time.perf_counter()
        calc.start()
        loop.after(POLL_MS, poll)

    def finish():  # what the Quit button does
        calc.stop.set()
        calc.join()
        print(f"UI heartbeats during the calculation: "
              f"{state['beats_during_calc']} (the UI stayed alive)")
        longest = last["longest"]
        print(f"longest pause between heartbeats: {longest:.2f} s")
        loop.quit()

    loop.after(0, heartbeat)
    loop.after(100, start)
    loop.mainloop()


def gui(limit):
    import tkinter as tk

    root = tk.Tk()
    root.title("FibThreaded")
    text = tk.StringVar(value="Press Start")
    tk.Label(root, textvariable=text, width=50).pack(padx=10, pady=10)
    results = queue.Queue(maxsize=1)
    calc = Calculator(limit, results)

    def poll():
        try:
            i, value, done = results.get_nowait()
        except queue.Empty:
            pass
        else:
            text.set(describe(i, value) + ("  (done)" if done else ""))
            if done:
                return
        root.after(POLL_MS, poll)

    def start():
        if not calc.is_alive():
            calc.start()
            root.after(POLL_MS, poll)

    def quit_():
        calc.stop.set()  # ask the thread to stop, then leave
        root.destroy()

    tk.Button(root, text="Start", command=start).pack(side=tk.LEFT)
    tk.Button(root, text="Quit", command=quit_).pack(side=tk.RIGHT)
    root.protocol("WM_DELETE_WINDOW", quit_)
    root.mainloop()


def main():
    parser = argparse.ArgumentParser(description="Fibonacci, threaded")
    parser.add_argument("--limit", type=int, default=300_000)
    parser.add_argument("--gui", action="store_true",
                        help="the Tkinter version (needs a display)")
    args = parser.parse_args()
    if args.gui:
        gui(args.limit)
    else:
        console(args.limit)


if __name__ == "__main__":
    main()
