//! `rlock` — the deck's "Using RLock()" on real threads:
//!
//! 1. **Recursive acquisition**: one thread calls a recursive `update`
//!    that acquires the same pythreading [`RLock`] at every level, down to
//!    `depth`; the RLock only counts (`recursion_count`), and each release
//!    counts down.
//! 2. **Two threads**: Thread 1 and Thread 2 each do `mutex.acquire();
//!    self.update(); mutex.release()`, where `update` acquires the mutex
//!    again — fine with an RLock, a self-deadlock with a Lock. The lanes
//!    show one holder at a time.
//! 3. **Mutex only**: while Thread 1 holds the RLock, Thread 2 calls
//!    `release()` and is refused with CPython's RuntimeError "cannot release
//!    un-acquired lock". For contrast, Thread 2 releasing a plain Lock that
//!    Thread 1 acquired succeeds.

#![warn(missing_docs)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::pythreading::{Event, Lock, RLock};

use super::control::{Cancelled, Control};
use super::kit::{Crew, POLL, crew_lanes, wait_until};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, Narrator};

/// The demo (see the module docs).
pub struct RLockDemo;

/// The registered instance.
pub static DEMO: RLockDemo = RLockDemo;

/// Id, texts and parameters.
pub static INFO: DemoInfo = DemoInfo {
    id: "rlock",
    title: "Using RLock()",
    about: "an RLock acquired recursively by its owner, and refused when another thread releases it",
    explain: "An RLock remembers its owner and a count. The owner may acquire it again — each \
acquire counts one level deeper (watch the depth gauge) and each release one level back; only \
at zero is it free for other threads. That is what makes `mutex.acquire(); self.update(); \
mutex.release()` safe when update() itself takes the same mutex: with a plain Lock the inner \
acquire would wait for ever.\n\n\
\"Mutex only: other threads cannot release RLock()\". While Thread 1 holds it, Thread 2's \
release() raises RuntimeError: cannot release un-acquired lock — the same message CPython \
gives. A plain Lock has no owner, so the same release from Thread 2 succeeds (the deck's \
\"Synch Two Threads\" relies on that).\n\n\
Condition() uses an RLock by default for the same reason, and Condition.wait() releases it \
completely — whatever the depth — and restores the depth when it wakes.",
    params: &[
        ParamSpec {
            key: "depth",
            help: "how many times update() recurses, acquiring the RLock at each level",
            kind: ParamKind::Int {
                default: 5,
                min: 1,
                max: 100,
            },
        },
        ParamSpec {
            key: "threads",
            help: "threads doing acquire / update / release",
            kind: ParamKind::Int {
                default: 2,
                min: 2,
                max: 8,
            },
        },
        ParamSpec {
            key: "hold_ms",
            help: "milliseconds spent at each level",
            kind: ParamKind::Int {
                default: 10,
                min: 0,
                max: 1_000,
            },
        },
    ],
};

/// Acquires `mutex` `levels` more times recursively, reporting the depth;
/// returns the deepest `recursion_count` seen.
/// The depth gauge's scale is `scale` (the deepest any part of the demo
/// goes), the same in every part, so a gauge never ends above its maximum.
fn update(
    mutex: &RLock,
    levels: usize,
    hold: Duration,
    control: &Control,
    n: &Narrator,
    name: &str,
    scale: f64,
) -> Result<usize, Cancelled> {
    wait_until(control, || mutex.acquire_timeout(POLL))?;
    // This thread owns the RLock now, so the count is its own.
    let depth = mutex.recursion_count();
    n.sink().gauge(
        format!("{name} depth"),
        depth as f64,
        scale.max(depth as f64),
    );
    let result = n
        .step(format!("{name}: mutex.acquire() — depth {depth}"))
        .and_then(|()| control.sleep(hold))
        .and_then(|()| {
            if levels > 1 {
                update(mutex, levels - 1, hold, control, n, name, scale)
            } else {
                Ok(depth)
            }
        });
    let _ = mutex.release();
    // One level back: our own count, whoever takes the RLock next.
    n.sink().gauge(
        format!("{name} depth"),
        (depth - 1) as f64,
        scale.max(depth as f64),
    );
    result.and_then(|deeper| {
        n.step(format!("{name}: mutex.release() — depth {}", depth - 1))?;
        Ok(deeper.max(depth))
    })
}

/// Part 1: one thread recursing; returns the deepest count.
fn recursive(ctx: &Ctx, depth: usize, hold: Duration) -> Result<usize, DemoFailure> {
    let obs = crew_lanes(ctx.sink());
    let mutex = Arc::new(RLock::with_observer("mutex", Arc::clone(&obs)));
    let max_depth = Arc::new(AtomicUsize::new(0));
    let mut crew = Crew::new(ctx).observed(obs);
    {
        let (mutex, max_depth) = (Arc::clone(&mutex), Arc::clone(&max_depth));
        let (control, n) = (Arc::clone(&ctx.control), ctx.narrator());
        crew.spawn("Thread-1", move || {
            let scale = depth.max(2) as f64;
            if let Ok(d) = update(&mutex, depth, hold, &control, &n, "Thread-1", scale) {
                max_depth.store(d, Ordering::SeqCst);
                let _ = n.key_step(format!(
                    "Thread-1: reached depth {d}; after as many releases the RLock is free: {}",
                    !mutex.locked()
                ));
            }
        })?;
    }
    crew.join()?;
    Ok(max_depth.load(Ordering::SeqCst))
}

/// Part 2: threads each `acquire(); update(); release()`; returns how many
/// updates ran.
fn two_threads(
    ctx: &Ctx,
    threads: usize,
    hold: Duration,
    scale: f64,
) -> Result<usize, DemoFailure> {
    let obs = crew_lanes(ctx.sink());
    let mutex = Arc::new(RLock::with_observer("mutex", Arc::clone(&obs)));
    let updates = Arc::new(AtomicUsize::new(0));
    let mut crew = Crew::new(ctx).observed(obs);
    for t in 1..=threads {
        let (mutex, updates) = (Arc::clone(&mutex), Arc::clone(&updates));
        let (control, n) = (Arc::clone(&ctx.control), ctx.narrator());
        let name = format!("Thread-{t}");
        crew.spawn(name.clone(), move || {
            let body = || -> Result<(), Cancelled> {
                wait_until(&control, || mutex.acquire_timeout(POLL))?;
                n.sink().gauge(format!("{name} depth"), 1.0, scale);
                let r = n
                    .step(format!("{name}: mutex.acquire() — depth 1"))
                    // self.update() takes the mutex again: depth 2.
                    .and_then(|()| update(&mutex, 1, hold, &control, &n, &name, scale));
                let _ = mutex.release();
                n.sink().gauge(format!("{name} depth"), 0.0, scale);
                r?;
                n.step(format!(
                    "{name}: mutex.release() — depth 0, the RLock is free"
                ))?;
                updates.fetch_add(1, Ordering::SeqCst);
                Ok(())
            };
            let _ = body();
        })?;
    }
    crew.join()?;
    Ok(updates.load(Ordering::SeqCst))
}

/// The Python exception and message Thread 2's release got, if any.
type Refusal = Option<(String, String)>;

/// Part 3: Thread 2 releases what Thread 1 holds. Returns the RLock's
/// refusal and whether the plain Lock's release succeeded.
fn foreign_release(ctx: &Ctx) -> Result<(Refusal, bool), DemoFailure> {
    let obs = crew_lanes(ctx.sink());
    let rlock = Arc::new(RLock::with_observer("mutex", Arc::clone(&obs)));
    let lock = Arc::new(Lock::with_observer("lock", Arc::clone(&obs)));
    let held = Arc::new(Event::new());
    let tried = Arc::new(Event::new());
    let rlock_error: Arc<Mutex<Option<(String, String)>>> = Arc::new(Mutex::new(None));
    let lock_ok = Arc::new(AtomicUsize::new(0));
    let mut crew = Crew::new(ctx).observed(obs);
    {
        let (rlock, lock, held, tried) = (
            Arc::clone(&rlock),
            Arc::clone(&lock),
            Arc::clone(&held),
            Arc::clone(&tried),
        );
        let (control, sink, n) = (Arc::clone(&ctx.control), ctx.sink(), ctx.narrator());
        crew.spawn("Thread-1", move || {
            let body = || -> Result<(), Cancelled> {
                wait_until(&control, || rlock.acquire_timeout(POLL))?;
                wait_until(&control, || lock.acquire_timeout(POLL))?;
                n.step("Thread-1: holds the RLock `mutex` and the Lock `lock`")?;
                held.set();
                wait_until(&control, || tried.wait_timeout(POLL))?;
                match rlock.release() {
                    Ok(()) => n.step("Thread-1: mutex.release() — its owner may")?,
                    Err(e) => sink.error(format!("Thread-1: mutex.release(): {e}")),
                }
                Ok(())
            };
            let _ = body();
        })?;
    }
    {
        let (rlock, lock, held, tried) = (
            Arc::clone(&rlock),
            Arc::clone(&lock),
            Arc::clone(&held),
            Arc::clone(&tried),
        );
        let (rlock_error, lock_ok) = (Arc::clone(&rlock_error), Arc::clone(&lock_ok));
        let (control, sink, n) = (Arc::clone(&ctx.control), ctx.sink(), ctx.narrator());
        crew.spawn("Thread-2", move || {
            if wait_until(&control, || held.wait_timeout(POLL)).is_err() {
                return;
            }
            match rlock.release() {
                Ok(()) => sink.error("Thread-2: released an RLock it does not own"),
                Err(e) => {
                    let _ = n.key_step(format!(
                        "Thread-2: mutex.release() -> {}: {e}",
                        e.python_exception()
                    ));
                    *rlock_error.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some((e.python_exception().to_string(), e.to_string()));
                }
            }
            match lock.release() {
                Ok(()) => {
                    let _ = n.step("Thread-2: lock.release() of Thread-1's plain Lock — allowed");
                    lock_ok.store(1, Ordering::SeqCst);
                }
                Err(e) => sink.log(format!("Thread-2: lock.release(): {e}")),
            }
            tried.set();
        })?;
    }
    crew.join()?;
    let err = rlock_error
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    Ok((err, lock_ok.load(Ordering::SeqCst) == 1))
}

impl Demo for RLockDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, s: &Value) -> Vec<(String, String)> {
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        vec![
            (
                "recursive acquire".into(),
                format!(
                    "depth {} reached, then as many releases: free again",
                    n("max_depth")
                ),
            ),
            (
                "acquire; update(); release".into(),
                format!("{} updates, each at depth 2 and back to 0", n("updates")),
            ),
            (
                "Thread 2 releases Thread 1's RLock".into(),
                match (
                    s["foreign_release_exception"].as_str(),
                    s["foreign_release_error"].as_str(),
                ) {
                    (Some(x), Some(m)) => format!("refused: {x}: {m}"),
                    _ => "allowed (it should not be)".into(),
                },
            ),
            (
                "… and Thread 1's plain Lock".into(),
                if s["lock_foreign_release_ok"].as_bool().unwrap_or(false) {
                    "allowed: a Lock has no owner".into()
                } else {
                    "refused".into()
                },
            ),
        ]
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let depth = ctx.params.usize("depth").max(1);
        let threads = ctx.params.usize("threads").max(2);
        let hold = Duration::from_millis(ctx.params.int("hold_ms").max(0) as u64);

        ctx.phase(format!("recursive acquire, {depth} levels"));
        let max_depth = recursive(ctx, depth, hold)?;
        ctx.phase(format!(
            "{threads} threads: mutex.acquire(); self.update(); mutex.release()"
        ));
        let updates = two_threads(ctx, threads, hold, depth.max(2) as f64)?;
        ctx.phase("Thread 2 releases what Thread 1 holds");
        let (err, lock_ok) = foreign_release(ctx)?;

        let mut s = Map::new();
        s.insert("max_depth".into(), json!(max_depth));
        let (exception, message) = match err {
            Some((x, m)) => (json!(x), json!(m)),
            None => (json!(null), json!(false)),
        };
        s.insert("foreign_release_error".into(), message);
        s.insert("foreign_release_exception".into(), exception);
        s.insert("lock_foreign_release_ok".into(), json!(lock_ok));
        s.insert("updates".into(), json!(updates));
        Ok(s)
    }
}
