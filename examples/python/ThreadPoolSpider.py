"""ThreadPoolSpider: a fixed pool of worker threads fed by queues.

Two queues: one passes work (URLs) to the thread pool, the other gets
links back from it. Queues carry both data and events: the main thread
blocks on the results queue instead of polling, and a None on the work
queue tells a worker to stop.

Usage: python3 ThreadPoolSpider.py [--latency SECONDS] [--workers N]
                                   [--executor]
"""

import argparse
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# The simulated web: each page and the pages it links to.
WEB = {
    "/": ["/news", "/docs", "/about"],
    "/news": ["/news/1", "/news/2", "/"],
    "/news/1": ["/news", "/docs/threads"],
    "/news/2": ["/news", "/about/team"],
    "/docs": ["/docs/threads", "/docs/queue", "/docs/locks"],
    "/docs/threads": ["/docs", "/docs/locks", "/docs/gil"],
    "/docs/queue": ["/docs", "/docs/threads"],
    "/docs/locks": ["/docs", "/docs/rlock"],
    "/docs/rlock": ["/docs/locks"],
    "/docs/gil": ["/docs/threads", "/faq"],
    "/about": ["/about/team", "/about/contact", "/"],
    "/about/team": ["/about", "/about/team/aahz"],
    "/about/team/aahz": ["/about/team"],
    "/about/contact": ["/about"],
    "/faq": ["/docs/gil", "/"],
    "/sitemap": [],  # linked from nowhere: a spider never finds it
}


def get_page(url, latency):
    """'Download' a page: wait like a network, return its links."""
    time.sleep(latency)
    return list(WEB[url])


def worker(work, results, latency):
    while True:
        url = work.get()
        if url is None:  # the event "no more work"
            break
        try:
            links = get_page(url, latency)
        except Exception as exc:  # report, don't die silently
            links = []
            print(f"error fetching {url}: {exc!r}")
        results.put((url, links, threading.current_thread().name))


def crawl_with_queues(start, latency, workers):
    work = queue.Queue()
    results = queue.Queue()
    pool = [
        threading.Thread(
            target=worker, args=(work, results, latency),
            name=f"worker-{n}",
        )
        for n in range(workers)
    ]
    for t in pool:
        t.start()
    seen = {start}
    work.put(start)
    pending = 1
    try:
        while pending:
            url, links, name = results.get()  # blocks: no polling
            pending -= 1
            print(f"visit {url} -> {len(links)} links ({name})")
            for link in links:
                if link not in seen:
                    seen.add(link)
                    work.put(link)
                    pending += 1
    finally:
        for _ in pool:
            work.put(None)
        for t in pool:
            t.join()
    return seen


def crawl_with_executor(start, latency, workers):
    """Today's thread pool: concurrent.futures (Python 3.2+)."""
    seen = {start}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        batch = [start]
        while batch:
            pages = pool.map(lambda u: get_page(u, latency), batch)
            next_batch = []
            for url, links in zip(batch, pages):
                print(f"visit {url} -> {len(links)} links (executor)")
                for link in links:
                    if link not in seen:
                        seen.add(link)
                        next_batch.append(link)
            batch = next_batch
    return seen


def main():
    parser = argparse.ArgumentParser(description="Thread-pool spider")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--executor", action="store_true",
                        help="use concurrent.futures instead of queues")
    args = parser.parse_args()
    reachable = len(WEB) - 1  # every page but /sitemap
    print(f"web: {reachable} pages reachable from /")
    crawl = crawl_with_executor if args.executor else crawl_with_queues
    start = time.perf_counter()
    seen = crawl("/", args.latency, args.workers)
    elapsed = time.perf_counter() - start
    print(f"visited {len(seen)} pages in {elapsed:.2f} s "
          f"({args.workers} worker threads)")


if __name__ == "__main__":
    main()
