//! The `spider` demo: the deck's three spiders crawling a simulated web
//! (see [`super::web`]): SingleThreadSpider (one thread, one page at a
//! time), BruteThreadSpider (a Retriever thread per page and a main loop
//! that polls them) and ThreadPoolSpider (a fixed pool of workers and two
//! queues: work out, results back). Each must fetch every reachable page
//! exactly once; the summary compares their wall time and thread counts.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Queue, Thread};

use super::kit::{Crew, get_until, queue_observer, secs};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, number};
use super::web::Web;

/// The demo, for the registry.
pub static DEMO: SpiderDemo = SpiderDemo;

/// `spider`: one thread, a thread per page, a thread pool.
pub struct SpiderDemo;

/// What the `spider` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "spider",
    title: "Spider: one thread, brute-force threads, a thread pool with queues",
    about: "crawl a simulated web three ways: single thread, a thread per page (polling), a pool with two queues",
    explain: "The web is simulated: pages with links, each taking a while to 'download' \
(latency_ms, varied per page; fixed by seed). Downloading is waiting, not computing — the \
GIL is released during I/O, which is why threads help here.\n\n\
SingleThreadSpider fetches one page at a time: its wall time is the sum of all the \
latencies. BruteThreadSpider starts a Retriever thread per page (few changes from the \
single-threaded code) and its main loop polls them every poll_ms (\"inefficient polling \
in main loop\"); it is fast, but the threads-alive gauge shows how many threads it piles \
up at once. ThreadPoolSpider keeps a fixed pool: the main thread puts URLs on a work \
queue, the workers put (url, links) on a results queue, and the main thread blocks on \
it — no polling. \"Queue for both data and events\": a result is also the event \"this \
page is done\", and None on the work queue stops a worker.\n\n\
Every mode must visit each reachable page exactly once (the summary checks against a \
breadth-first search of the generated graph). Python today: \
concurrent.futures.ThreadPoolExecutor (3.2+) is this pool, ready-made.",
    params: &[
        ParamSpec {
            key: "seed",
            help: "random seed of the generated web",
            kind: ParamKind::Int {
                default: 1,
                min: 0,
                max: 1_000_000_000,
            },
        },
        ParamSpec {
            key: "pages",
            help: "pages in the web (not all reachable)",
            kind: ParamKind::Int {
                default: 60,
                min: 1,
                max: 2000,
            },
        },
        ParamSpec {
            key: "latency_ms",
            help: "typical download time of a page (each is 0.5–1.5×)",
            kind: ParamKind::Int {
                default: 20,
                min: 0,
                max: 500,
            },
        },
        ParamSpec {
            key: "pool",
            help: "worker threads of the thread-pool spider",
            kind: ParamKind::Int {
                default: 4,
                min: 1,
                max: 64,
            },
        },
        ParamSpec {
            key: "poll_ms",
            help: "how often the brute-force spider's main loop polls its threads",
            kind: ParamKind::Int {
                default: 10,
                min: 1,
                max: 200,
            },
        },
    ],
};

/// How one crawl went.
struct Crawl {
    visited: usize,
    wall: Duration,
    max_threads: usize,
    /// Main-loop polls (brute force only).
    polls: Option<u64>,
}

/// Reports the number of pages visited at most every 20 ms, so the
/// sparkline shows pages per interval.
struct Meter<'a> {
    ctx: &'a Ctx,
    name: String,
    last: Instant,
}

impl Meter<'_> {
    fn new<'a>(ctx: &'a Ctx, mode: &str) -> Meter<'a> {
        Meter {
            ctx,
            name: format!("pages visited ({mode})"),
            last: Instant::now(),
        }
    }

    fn tick(&mut self, visited: usize, force: bool) {
        if force || self.last.elapsed() >= Duration::from_millis(20) {
            self.last = Instant::now();
            self.ctx.count(self.name.clone(), visited as f64);
        }
    }
}

/// SingleThreadSpider: breadth first, one page at a time, in this thread.
fn single(ctx: &Ctx, web: &Web) -> Result<Crawl, DemoFailure> {
    let start = Instant::now();
    let mut meter = Meter::new(ctx, "single");
    let mut seen = HashSet::from([0]);
    let mut todo = VecDeque::from([0]);
    let mut visited = 0;
    ctx.gauge("threads alive (single)", 1.0, 1.0);
    while let Some(page) = todo.pop_front() {
        ctx.checkpoint()?;
        let links = web.fetch(page, &ctx.control)?;
        visited += 1;
        meter.tick(visited, false);
        let before = todo.len();
        for l in links {
            if seen.insert(l) {
                todo.push_back(l);
            }
        }
        ctx.step(format!(
            "MainThread fetched {}: {} new; {} waiting",
            Web::url(page),
            pages_word(todo.len() - before),
            pages_word(todo.len())
        ))?;
    }
    meter.tick(visited, true);
    ctx.gauge("threads alive (single)", 0.0, 1.0);
    Ok(Crawl {
        visited,
        wall: start.elapsed(),
        max_threads: 1,
        polls: None,
    })
}

/// One brute-force Retriever: a thread fetching one page.
struct Retriever {
    page: usize,
    links: Arc<OnceLock<Vec<usize>>>,
    thread: Thread,
}

fn retriever(
    ctx: &Ctx,
    crew: &mut Crew,
    web: &Arc<Web>,
    page: usize,
) -> Result<Retriever, DemoFailure> {
    let links = Arc::new(OnceLock::new());
    let (web2, slot, control) = (
        Arc::clone(web),
        Arc::clone(&links),
        Arc::clone(&ctx.control),
    );
    let thread = crew.spawn(format!("Retriever-{page}"), move || {
        if let Ok(l) = web2.fetch(page, &control) {
            let _ = slot.set(l);
        }
    })?;
    Ok(Retriever {
        page,
        links,
        thread,
    })
}

/// BruteThreadSpider: a thread per page; the main loop polls them.
fn brute(ctx: &Ctx, web: &Arc<Web>, poll: Duration) -> Result<Crawl, DemoFailure> {
    let start = Instant::now();
    let mut meter = Meter::new(ctx, "brute");
    let mut crew = Crew::new(ctx);
    let mut seen = HashSet::from([0]);
    let mut running = vec![retriever(ctx, &mut crew, web, 0)?];
    let (mut visited, mut polls, mut most) = (0, 0u64, 1);
    let scale = web.len() as f64;
    while !running.is_empty() {
        ctx.sleep(poll)?; // the inefficient polling
        polls += 1;
        let mut still = Vec::with_capacity(running.len());
        for r in running {
            if r.thread.is_alive() {
                still.push(r);
                continue;
            }
            let _ = r.thread.join();
            let Some(links) = r.links.get() else {
                return Err(DemoFailure::Failed(format!(
                    "the Retriever of {} ended without a page",
                    Web::url(r.page)
                )));
            };
            visited += 1;
            let before = still.len();
            for &l in links {
                if seen.insert(l) {
                    still.push(retriever(ctx, &mut crew, web, l)?);
                }
            }
            ctx.step(format!(
                "Retriever-{} is done with {}; the main loop starts {} for new pages",
                r.page,
                Web::url(r.page),
                match still.len() - before {
                    1 => "1 Retriever thread".to_string(),
                    k => format!("{k} Retriever threads"),
                }
            ))?;
        }
        running = still;
        let alive = running.iter().filter(|r| r.thread.is_alive()).count();
        if alive > most {
            ctx.key_step(format!(
                "{alive} Retriever threads alive at once: a thread per page"
            ))?;
        }
        most = most.max(alive);
        ctx.gauge("threads alive (brute force)", alive as f64, scale);
        meter.tick(visited, false);
    }
    crew.join_all();
    meter.tick(visited, true);
    ctx.gauge("threads alive (brute force)", 0.0, scale);
    Ok(Crawl {
        visited,
        wall: start.elapsed(),
        max_threads: most,
        polls: Some(polls),
    })
}

/// ThreadPoolSpider: `pool` workers, a work queue and a results queue.
fn pool(ctx: &Ctx, web: &Arc<Web>, size: usize) -> Result<Crawl, DemoFailure> {
    let start = Instant::now();
    let mut meter = Meter::new(ctx, "pool");
    let sink = ctx.sink();
    let work = Arc::new(
        Queue::<Option<usize>>::new(0).observed("work queue", queue_observer(sink.clone(), 0.0)),
    );
    let results = Arc::new(
        Queue::<(usize, Vec<usize>)>::new(0).observed("results queue", queue_observer(sink, 0.0)),
    );
    let mut crew = Crew::new(ctx);
    for i in 0..size {
        let (web, work, results, control) = (
            Arc::clone(web),
            Arc::clone(&work),
            Arc::clone(&results),
            Arc::clone(&ctx.control),
        );
        crew.spawn(format!("worker-{i}"), move || {
            // while True: url = work.get(); if url is None: break; ...
            while let Ok(Some(page)) = get_until(&work, &control) {
                match web.fetch(page, &control) {
                    Ok(links) => results.put((page, links)),
                    Err(_cancelled) => return,
                }
            }
        })?;
    }
    ctx.gauge("threads alive (pool)", crew.alive() as f64, size as f64);
    let most = crew.alive();
    let mut seen = HashSet::from([0]);
    work.put(Some(0));
    let mut pending = 1;
    let mut visited = 0;
    while pending > 0 {
        let (page, links) = get_until(&results, &ctx.control)?; // blocks: no polling
        pending -= 1;
        visited += 1;
        let mut new = 0;
        for l in links {
            if seen.insert(l) {
                work.put(Some(l));
                pending += 1;
                new += 1;
            }
        }
        ctx.step(format!(
            "MainThread gets {} from the results queue and puts {} on the work queue",
            Web::url(page),
            pages_word(new)
        ))?;
        meter.tick(visited, false);
    }
    for _ in 0..size {
        work.put(None);
    }
    crew.join_all();
    meter.tick(visited, true);
    ctx.gauge("threads alive (pool)", 0.0, size as f64);
    // The queues' final sizes, after every thread: updates from several
    // threads can arrive out of order.
    ctx.count("work queue", work.qsize() as f64);
    ctx.count("results queue", results.qsize() as f64);
    Ok(Crawl {
        visited,
        wall: start.elapsed(),
        max_threads: most,
        polls: None,
    })
}

/// `1 page`, `3 pages`.
fn pages_word(n: usize) -> String {
    if n == 1 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}

/// The summary in words.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let mut rows = vec![(
        "the web".to_string(),
        format!(
            "{} pages, {} links, {} reachable from / (seed {})",
            s["pages"].as_u64().unwrap_or(0),
            s["links"].as_u64().unwrap_or(0),
            s["reachable"].as_u64().unwrap_or(0),
            s["seed"].as_u64().unwrap_or(0)
        ),
    )];
    for (mode, name) in [
        ("single", "one thread"),
        ("brute", "a thread per page"),
        ("pool", "thread pool"),
    ] {
        let m = &s["modes"][mode];
        if m.is_null() {
            continue;
        }
        let mut text = format!(
            "{} pages in {} s ({} a second), at most {} thread{} at once",
            m["visited"].as_u64().unwrap_or(0),
            number(m["wall_s"].as_f64().unwrap_or(0.0)),
            number(m["pages_per_s"].as_f64().unwrap_or(0.0)),
            m["max_threads"].as_u64().unwrap_or(0),
            if m["max_threads"].as_u64() == Some(1) {
                ""
            } else {
                "s"
            }
        );
        if let Some(p) = m["polls"].as_u64() {
            text.push_str(&format!(", {p} polls"));
        }
        if m["exactly_once"].as_bool() != Some(true) {
            text.push_str("; NOT every page exactly once");
        }
        rows.push((name.into(), text));
    }
    if s["paced"].as_bool() == Some(true) {
        rows.push((
            "timings".into(),
            "slowed down to be watched: not the real speed".into(),
        ));
    }
    rows
}

impl Demo for SpiderDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let seed = ctx.params.int("seed").max(0) as u64;
        let pages = ctx.params.usize("pages").max(1);
        let latency = Duration::from_millis(ctx.params.int("latency_ms").max(0) as u64);
        let size = ctx.params.usize("pool").max(1);
        let poll = Duration::from_millis(ctx.params.int("poll_ms").max(1) as u64);
        let web = Arc::new(Web::generate(seed, pages, latency));
        let reach = web.reachable();
        let reachable = reach.iter().filter(|r| **r).count();
        ctx.log(format!(
            "a web of {pages} pages and {} links (seed {seed}); {reachable} reachable from /",
            web.link_count()
        ));
        let mut modes = Map::new();
        for mode in ["single", "brute", "pool"] {
            ctx.phase(match mode {
                "single" => "SingleThreadSpider: one page at a time",
                "brute" => "BruteThreadSpider: a thread per page, a polling main loop",
                _ => "ThreadPoolSpider: a pool of workers and two queues",
            });
            ctx.step(match mode {
                "single" => "SingleThreadSpider starts at /: one page at a time",
                "brute" => "BruteThreadSpider starts a Retriever thread for /",
                _ => "ThreadPoolSpider starts its workers and puts / on the work queue",
            })?;
            web.reset_hits();
            let crawl = match mode {
                "single" => single(ctx, &web)?,
                "brute" => brute(ctx, &web, poll)?,
                _ => pool(ctx, &web, size)?,
            };
            let hits = web.hits();
            let fetches: u64 = hits.iter().map(|&h| u64::from(h)).sum();
            let exactly_once = hits.iter().zip(&reach).all(|(&h, &r)| h == u32::from(r));
            let rate = crawl.visited as f64 / crawl.wall.as_secs_f64().max(1e-9);
            ctx.log(format!(
                "{mode}: {} pages in {:.3} s ({rate:.0} pages/s), at most {} thread(s) at once{}",
                crawl.visited,
                crawl.wall.as_secs_f64(),
                crawl.max_threads,
                if exactly_once {
                    ", every reachable page exactly once"
                } else {
                    ", NOT every reachable page exactly once"
                }
            ));
            let mut m = json!({
                "visited": crawl.visited,
                "wall_s": secs(crawl.wall),
                "max_threads": crawl.max_threads,
                "pages_per_s": rate.round(),
                "fetches": fetches,
                "exactly_once": exactly_once,
            });
            if let Some(p) = crawl.polls {
                m["polls"] = json!(p);
            }
            modes.insert(mode.into(), m);
        }
        let mut m = Map::new();
        m.insert("pages".into(), json!(pages));
        m.insert("reachable".into(), json!(reachable));
        m.insert("links".into(), json!(web.link_count()));
        m.insert("seed".into(), json!(seed));
        m.insert("pool".into(), json!(size));
        m.insert("modes".into(), Value::Object(modes));
        m.insert("paced".into(), json!(ctx.is_paced()));
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_in_words() {
        let rows = super::describe(
            &serde_json::json!({"pages": 60, "links": 105, "reachable": 52, "seed": 1, "pool": 4, "paced": false,
            "modes": {"single": {"visited": 52, "wall_s": 1.04, "pages_per_s": 50.0, "max_threads": 1, "exactly_once": true},
                      "brute": {"visited": 52, "wall_s": 0.21, "pages_per_s": 249.0, "max_threads": 18, "polls": 20, "exactly_once": true}}}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.contains(&"52 pages in 1.04 s (50 a second), at most 1 thread at once"),
            "{values:?}"
        );
        assert!(
            values.contains(
                &"52 pages in 0.21 s (249 a second), at most 18 threads at once, 20 polls"
            ),
            "{values:?}"
        );
    }
}
