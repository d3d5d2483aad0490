"""BruteThreadSpider: one thread per page retrieval ("brute force").

Few changes from SingleThreadSpider.py: a Retriever class inherits
from threading.Thread, one instance per work unit (one page). The main
loop polls the running threads, which is simple but inefficient: it
wakes up again and again to ask "done yet?".

Usage: python3 BruteThreadSpider.py [--latency SECONDS] [--poll SECONDS]
"""

import argparse
import threading
import time

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


class Retriever(threading.Thread):
    """Fetches one page in its own thread."""

    def __init__(self, url, latency):
        threading.Thread.__init__(self)  # or: super().__init__()
        self.url = url
        self.latency = latency
        self.links = []

    def run(self):
        self.links = get_page(self.url, self.latency)

    def get_links(self):
        return self.links


def crawl(start, latency, poll):
    seen = {start}
    running = [Retriever(start, latency)]
    running[0].start()
    polls = 0
    max_threads = 1
    while running:
        time.sleep(poll)  # inefficient polling in the main loop
        polls += 1
        still_running = []
        for retriever in running:
            if retriever.is_alive():
                still_running.append(retriever)
                continue
            links = retriever.get_links()
            print(f"visit {retriever.url} -> {len(links)} links")
            for link in links:
                if link not in seen:
                    seen.add(link)
                    new = Retriever(link, latency)
                    new.start()
                    still_running.append(new)
        running = still_running
        max_threads = max(max_threads, len(running))
    return seen, polls, max_threads


def main():
    parser = argparse.ArgumentParser(description="Brute-force spider")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--poll", type=float, default=0.01)
    args = parser.parse_args()
    reachable = len(WEB) - 1  # every page but /sitemap
    print(f"web: {reachable} pages reachable from /")
    start = time.perf_counter()
    seen, polls, most = crawl("/", args.latency, args.poll)
    elapsed = time.perf_counter() - start
    print(f"visited {len(seen)} pages in {elapsed:.2f} s "
          f"(one thread per page, up to {most} at once)")
    print(f"the main loop polled {polls} times")


if __name__ == "__main__":
    main()
