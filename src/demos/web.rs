//! A simulated web for the `spider` demo: a site graph generated from a
//! seed (so every run and every test sees the same one), with a latency per
//! page. "Fetching" a page sleeps for its latency (cancellably) and returns
//! its links; the web counts how often each page was fetched, so a test can
//! check that a spider fetched every reachable page exactly once.
//!
//! The shape: page 0 is "/"; most pages hang off an earlier page (a tree),
//! a few have no parent, and every page gets a few more links to random
//! pages — back links, cross links, self links and duplicates, as on the
//! real web. Pages nothing links to are unreachable: a spider never finds
//! them (like `/sitemap` in examples/python/SingleThreadSpider.py).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::control::{Cancelled, Control};
use super::kit::Rng;

/// The simulated web.
#[derive(Debug)]
pub struct Web {
    links: Vec<Vec<usize>>,
    latency: Vec<Duration>,
    hits: Vec<AtomicU32>,
}

impl Web {
    /// A web of `pages` pages (at least 1) generated from `seed`; each
    /// page's latency is between 0.5 and 1.5 times `latency`.
    pub fn generate(seed: u64, pages: usize, latency: Duration) -> Web {
        let pages = pages.max(1);
        let mut rng = Rng::new(seed);
        let mut links = vec![Vec::new(); pages];
        for page in 1..pages {
            // Four in five pages hang off an earlier page.
            if rng.index(5) != 0 {
                let parent = rng.index(page);
                links[parent].push(page);
            }
        }
        for list in links.iter_mut() {
            for _ in 0..rng.index(3) {
                list.push(rng.index(pages));
            }
        }
        let latency = (0..pages)
            .map(|_| latency.mul_f64(0.5 + rng.unit()))
            .collect();
        Web {
            links,
            latency,
            hits: (0..pages).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    /// How many pages the web has (reachable or not).
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// Never: a web has at least its home page.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// A page's URL: "/" for the home page, "/page/N" for the others.
    pub fn url(page: usize) -> String {
        if page == 0 {
            "/".into()
        } else {
            format!("/page/{page}")
        }
    }

    /// A page's links (without fetching it).
    pub fn links(&self, page: usize) -> &[usize] {
        &self.links[page]
    }

    /// Total number of links on all pages.
    pub fn link_count(&self) -> usize {
        self.links.iter().map(Vec::len).sum()
    }

    /// Which pages can be reached from the home page (a breadth-first
    /// search of the graph, no fetching).
    pub fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut todo = VecDeque::from([0]);
        seen[0] = true;
        while let Some(p) = todo.pop_front() {
            for &l in &self.links[p] {
                if !seen[l] {
                    seen[l] = true;
                    todo.push_back(l);
                }
            }
        }
        seen
    }

    /// "Download" a page: wait for its latency (returning early if the demo
    /// is cancelled), count the fetch, return its links.
    pub fn fetch(&self, page: usize, control: &Control) -> Result<Vec<usize>, Cancelled> {
        control.sleep(self.latency[page])?;
        self.hits[page].fetch_add(1, Ordering::SeqCst);
        Ok(self.links[page].clone())
    }

    /// How often each page has been fetched since the last reset.
    pub fn hits(&self) -> Vec<u32> {
        self.hits.iter().map(|h| h.load(Ordering::SeqCst)).collect()
    }

    /// Forget the fetch counts (before the next crawl).
    pub fn reset_hits(&self) {
        for h in &self.hits {
            h.store(0, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_web_and_some_pages_unreachable() {
        let a = Web::generate(7, 200, Duration::ZERO);
        let b = Web::generate(7, 200, Duration::ZERO);
        assert_eq!(a.links, b.links);
        let reach = a.reachable();
        assert!(reach[0]);
        let n = reach.iter().filter(|r| **r).count();
        assert!(n > 50 && n < 200, "{n} of 200 reachable");
        assert_ne!(a.links, Web::generate(8, 200, Duration::ZERO).links);
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(1);
        for n in 1..100 {
            assert!(r.index(n) < n);
        }
        let u = r.unit();
        assert!((0.0..1.0).contains(&u));
    }
}
