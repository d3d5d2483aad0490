r"""factory: producer/consumer threads connected by queues.

One part of the factory produces parts of a widget; another consumes
widget parts to make complete widgets. The trick is to keep it all in
balance. Body, Wheels and Assembly each own one queue; the Packager owns
none, it only moves parts between them (the deck's "Factory Objects 3"):

    Body ---- body.queue ----\
                              Packager -- assembly.queue -- Assembly
    Wheels -- wheels.queue --/

Bounded queues keep it in balance: a producer that runs ahead blocks
on put() until the consumer catches up. None means "no more".

Usage: python3 factory.py [--widgets N] [--delay SECONDS] [--size N]
"""

import argparse
import queue
import random
import threading
import time


class Producer(threading.Thread):
    """Makes `count` parts, one at a time, and queues them."""

    part = "part"

    def __init__(self, count, delay, size):
        super().__init__(name=type(self).__name__)
        self.count = count
        self.delay = delay
        self.queue = queue.Queue(maxsize=size)

    def run(self):
        rng = random.Random()
        for n in range(1, self.count + 1):
            time.sleep(rng.uniform(0, self.delay))  # work takes time
            item = f"{self.part} {n}"
            print(f"{self.name}: made {item}")
            self.queue.put(item)  # blocks while the queue is full
        self.queue.put(None)


class Body(Producer):
    part = "body"


class Wheels(Producer):
    part = "wheels"


class Packager(threading.Thread):
    """Pairs one body with one set of wheels for the assembly line."""

    def __init__(self, body, wheels, assembly):
        super().__init__(name="Packager")
        self.body = body
        self.wheels = wheels
        self.assembly = assembly

    def run(self):
        while True:
            body = self.body.queue.get()
            wheels = self.wheels.queue.get()
            if body is None or wheels is None:
                break
            print(f"Packager: packed {body} + {wheels}")
            self.assembly.queue.put((body, wheels))
        self.assembly.queue.put(None)


class Assembly(threading.Thread):
    """Consumes packed parts and assembles complete widgets."""

    def __init__(self, delay, size):
        super().__init__(name="Assembly")
        self.delay = delay
        self.queue = queue.Queue(maxsize=size)
        self.widgets = []

    def run(self):
        rng = random.Random()
        while True:
            parts = self.queue.get()
            if parts is None:
                break
            time.sleep(rng.uniform(0, self.delay))
            body, wheels = parts
            self.widgets.append(parts)
            n = len(self.widgets)
            print(f"Assembly: widget {n} assembled from {body} "
                  f"and {wheels}")


def main():
    parser = argparse.ArgumentParser(description="A threaded factory")
    parser.add_argument("--widgets", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=2,
                        help="capacity of each queue")
    args = parser.parse_args()
    body = Body(args.widgets, args.delay, args.size)
    wheels = Wheels(args.widgets, args.delay, args.size)
    assembly = Assembly(args.delay, args.size)
    packager = Packager(body, wheels, assembly)
    threads = [body, wheels, packager, assembly]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"bodies produced: {body.count}, wheels produced: "
          f"{wheels.count}, widgets assembled: {len(assembly.widgets)}")


if __name__ == "__main__":
    main()
