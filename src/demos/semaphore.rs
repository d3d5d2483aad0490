//! `semaphore` — "Semaphore(): restricts number of running threads".
//! `workers` real threads each want to enter a section `rounds` times; a
//! pythreading [`BoundedSemaphore`] of value `limit` lets at most `limit` in
//! at once. A live gauge shows how many are inside (counted by the workers
//! themselves, after acquiring and before releasing), and the demo records
//! the most ever inside. At the end, one release too many shows what the
//! *Bounded* semaphore is for.

#![warn(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::pythreading::BoundedSemaphore;

use super::control::Cancelled;
use super::event::LaneState;
use super::kit::{Crew, POLL, Rng, crew_lanes, wait_until};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo};

/// The demo (see the module docs).
pub struct SemaphoreDemo;

/// The registered instance.
pub static DEMO: SemaphoreDemo = SemaphoreDemo;

/// Id, texts and parameters.
pub static INFO: DemoInfo = DemoInfo {
    id: "semaphore",
    title: "Semaphore(): at most k at once",
    about: "n workers share a BoundedSemaphore(k): never more than k inside, live gauge",
    explain: "A semaphore is a counter: acquire() takes one (waiting while it is zero), \
release() gives one back and wakes a waiter. Started at k, it lets at most k threads past \
acquire() at once — watch the gauge: it reaches the limit and never passes it, while the \
other workers' lanes wait (░) for a turn.\n\n\
A Lock behaves much like Semaphore(1). The deck calls Semaphore \"primarily useful \
for simulations\" in Python; the everyday use today is limiting concurrency — at most k \
downloads, connections or subprocesses at a time.\n\n\
Prefer BoundedSemaphore: a release() without a matching acquire() is a bug, and a bounded \
semaphore raises ValueError: Semaphore released too many times instead of silently letting \
one more thread in from then on. The demo does one release too many at the end to show it.",
    params: &[
        ParamSpec {
            key: "workers",
            help: "worker threads",
            kind: ParamKind::Int {
                default: 8,
                min: 1,
                max: 64,
            },
        },
        ParamSpec {
            key: "limit",
            help: "the semaphore's value: most workers inside at once",
            kind: ParamKind::Int {
                default: 3,
                min: 1,
                max: 32,
            },
        },
        ParamSpec {
            key: "rounds",
            help: "times each worker enters",
            kind: ParamKind::Int {
                default: 3,
                min: 1,
                max: 1_000,
            },
        },
        ParamSpec {
            key: "work_ms",
            help: "average milliseconds inside (each stay varies from half to one and a half times this)",
            kind: ParamKind::Int {
                default: 30,
                min: 0,
                max: 1_000,
            },
        },
        ParamSpec {
            key: "seed",
            help: "seed for the varying stays",
            kind: ParamKind::Int {
                default: 1,
                min: 0,
                max: i64::MAX,
            },
        },
    ],
};

impl Demo for SemaphoreDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, s: &Value) -> Vec<(String, String)> {
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        vec![
            (
                "stays".into(),
                format!(
                    "{} of {} done by {} workers",
                    n("completed"),
                    n("expected_completed"),
                    n("workers")
                ),
            ),
            (
                "inside at once".into(),
                format!("at most {} (the limit is {})", n("max_inside"), n("limit")),
            ),
            (
                "one release() too many".into(),
                match s["over_release_error"].as_str() {
                    Some(e) => format!("ValueError: {e}"),
                    None => "no error".into(),
                },
            ),
        ]
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let workers = ctx.params.usize("workers").max(1);
        let limit = ctx.params.usize("limit").max(1);
        let rounds = ctx.params.usize("rounds").max(1);
        let work_ms = ctx.params.int("work_ms").max(0) as u64;
        let seed = ctx.params.int("seed").max(0) as u64;

        ctx.phase(format!(
            "{workers} workers, BoundedSemaphore({limit}), {rounds} rounds each"
        ));
        let sem = Arc::new(BoundedSemaphore::new(limit));
        let inside = Arc::new(AtomicUsize::new(0));
        let max_inside = Arc::new(AtomicUsize::new(0));
        let completed = Arc::new(AtomicUsize::new(0));
        ctx.gauge("inside", 0.0, limit as f64);
        let mut seeds = Rng::new(seed);
        let mut crew = Crew::new(ctx).observed(crew_lanes(ctx.sink()));
        for w in 1..=workers {
            let (sem, inside, max_inside, completed) = (
                Arc::clone(&sem),
                Arc::clone(&inside),
                Arc::clone(&max_inside),
                Arc::clone(&completed),
            );
            let (control, sink, n) = (Arc::clone(&ctx.control), ctx.sink(), ctx.narrator());
            let mut rng = Rng::new(seeds.next_u64());
            let name = format!("Worker-{w}");
            crew.spawn(name.clone(), move || {
                let mut body = || -> Result<(), Cancelled> {
                    for _ in 0..rounds {
                        control.checkpoint()?;
                        sink.lane(name.as_str(), LaneState::Waiting("semaphore".into()));
                        wait_until(&control, || sem.acquire_timeout(POLL))?;
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        max_inside.fetch_max(now, Ordering::SeqCst);
                        sink.gauge("inside", now as f64, limit as f64);
                        sink.lane(name.as_str(), LaneState::Holding("semaphore".into()));
                        let text =
                            format!("{name}: sem.acquire() returns: {now} of {limit} inside");
                        // The stay that fills the last place is the one to see.
                        let said = if now == limit {
                            n.key_step(format!("{text}: full, the next acquire() waits"))
                        } else {
                            n.step(text)
                        };
                        // Between half and one and a half times work_ms.
                        let us = work_ms * 500 + rng.below(work_ms * 1000 + 1);
                        let stay = said.and_then(|()| control.sleep(Duration::from_micros(us)));
                        let now = inside.fetch_sub(1, Ordering::SeqCst) - 1;
                        sink.gauge("inside", now as f64, limit as f64);
                        let _ = sem.release();
                        sink.lane(name.as_str(), LaneState::Running);
                        stay?;
                        n.step(format!("{name}: sem.release(): {now} of {limit} inside"))?;
                        let done = completed.fetch_add(1, Ordering::SeqCst) + 1;
                        sink.count("completed", done as f64);
                    }
                    Ok(())
                };
                let _ = body();
            })?;
        }
        crew.join()?;

        let max_inside = max_inside.load(Ordering::SeqCst);
        let completed = completed.load(Ordering::SeqCst);
        ctx.gauge("inside", 0.0, limit as f64);
        ctx.count("completed", completed as f64);
        ctx.step(format!(
            "{completed} stays done; at most {max_inside} inside at once (limit {limit})"
        ))?;
        let over = sem.release().err();
        if let Some(e) = over {
            ctx.key_step(format!(
                "one release() too many: {}: {e}",
                e.python_exception()
            ))?;
        }
        let mut s = Map::new();
        s.insert("limit".into(), json!(limit));
        s.insert("max_inside".into(), json!(max_inside));
        s.insert("completed".into(), json!(completed));
        s.insert("workers".into(), json!(workers));
        s.insert("expected_completed".into(), json!(workers * rounds));
        s.insert(
            "over_release_error".into(),
            over.map_or(json!(false), |e| json!(e.to_string())),
        );
        Ok(s)
    }
}
