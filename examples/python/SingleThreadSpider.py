"""SingleThreadSpider: crawl a small simulated web, one page at a time.

The deck's spider fetched real web pages. This one crawls a web built
into the script (page -> links) and simulates network latency with
time.sleep(), so it runs anywhere, with or without a network.

Usage: python3 SingleThreadSpider.py [--latency SECONDS]
"""

import argparse
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


def crawl(start, latency):
    seen = {start}
    todo = [start]
    while todo:
        url = todo.pop(0)
        links = get_page(url, latency)
        print(f"visit {url} -> {len(links)} links")
        for link in links:
            if link not in seen:
                seen.add(link)
                todo.append(link)
    return seen


def main():
    parser = argparse.ArgumentParser(description="Single-thread spider")
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    reachable = len(WEB) - 1  # every page but /sitemap
    print(f"web: {reachable} pages reachable from /")
    start = time.perf_counter()
    seen = crawl("/", args.latency)
    elapsed = time.perf_counter() - start
    print(f"visited {len(seen)} pages in {elapsed:.2f} s (one thread)")


if __name__ == "__main__":
    main()
