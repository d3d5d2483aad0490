//! The `event` demo: "Event() — thin wrapper for Condition()". Several
//! threads wait on one Event and a single `set()` wakes every one of them;
//! then the same with a hand-made event (a flag and a `Condition(Lock())`,
//! which is all `threading.Event` is); then plain `notify()`, which wakes
//! only one waiter — the "only uses notifyAll(), so can be inefficient" side.
//! (The file is not called `event.rs`: that is the framework's event module.)

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Condition, Event, Lock};

use super::kit::{Crew, condition_lane_observer, ms};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo};
use super::trace::lane_observer;

/// The demo, for the registry.
pub static DEMO: EventDemo = EventDemo;

/// `event`: one set() wakes every waiter.
pub struct EventDemo;

/// What the `event` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "event",
    title: "Event(): set() wakes every waiter",
    about: "waiters block on an Event; one set() wakes them all; the same built from Condition; notify() wakes one",
    explain: "Each round, the waiter threads call event.wait() and block (their lanes show \
waiting). One call to set() raises the flag and wakes every one of them at once; clear() \
lowers it for the next round. An Event is the right tool for one-way signals such as \
\"ready\" or \"stop now\".\n\n\
The deck calls Event a thin wrapper for Condition, and it is: a flag plus a \
Condition(Lock()); wait() is `with cond: if not flag: cond.wait()` and set() is \
`with cond: flag = True; cond.notify_all()`. The second phase builds exactly that by hand \
and gets the same result. \"Don't have to mess with lock\": the Event takes it for you.\n\n\
\"Only uses notifyAll(), so can be inefficient\": the last phase hands out one token with \
a plain Condition and notify(), which wakes just one waiter; an Event would have woken all \
of them to find one token. Python today: isSet() is is_set() (the alias is deprecated \
since 3.10), and wait(timeout) returns the flag, False on a timeout (since 2.7/3.1).",
    params: &[
        ParamSpec {
            key: "waiters",
            help: "threads waiting on the event",
            kind: ParamKind::Int {
                default: 5,
                min: 1,
                max: 32,
            },
        },
        ParamSpec {
            key: "rounds",
            help: "set/clear rounds with the Event",
            kind: ParamKind::Int {
                default: 3,
                min: 1,
                max: 20,
            },
        },
        ParamSpec {
            key: "hold_ms",
            help: "milliseconds the waiters wait before set()",
            kind: ParamKind::Int {
                default: 150,
                min: 0,
                max: 2000,
            },
        },
    ],
};

/// Longest single wait: a safety net so a waiter notices cancel even if
/// nobody wakes it. Cancel normally arrives as a set() / notify_all().
const SLICE: Duration = Duration::from_millis(100);

/// What happened to the waiters of one round.
#[derive(Default)]
struct Round {
    ready: AtomicUsize,
    woken: AtomicUsize,
    timeouts: AtomicU64,
    set_at: OnceLock<Instant>,
    /// Longest delay from set() to a waiter's return, in nanoseconds.
    max_delay_ns: AtomicU64,
    delays_ns: std::sync::Mutex<Vec<u64>>,
}

impl Round {
    fn woke(&self) {
        self.woken.fetch_add(1, Ordering::SeqCst);
        if let Some(at) = self.set_at.get() {
            let d = at.elapsed().as_nanos() as u64;
            self.max_delay_ns.fetch_max(d, Ordering::SeqCst);
            self.delays_ns
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(d);
        }
    }
}

/// A hand-made event: a flag and a Condition(Lock()), as CPython's Event.
struct HandEvent {
    cond: Condition,
    flag: AtomicBool,
    /// For the notify() phase: tokens handed out one at a time.
    tokens: AtomicUsize,
}

impl Demo for EventDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let n = ctx.params.usize("waiters").max(1);
        let rounds = ctx.params.usize("rounds").max(1);
        let hold = Duration::from_millis(ctx.params.int("hold_ms").max(0) as u64);
        let obs = lane_observer(ctx.sink());

        // Phase 1: threading.Event.
        ctx.phase("Event: one set() wakes every waiter");
        let ev = Arc::new(Event::with_observer("event", obs));
        let mut per_round = Vec::new();
        // Safety-net timeouts (SLICE) of the waiters' waits, phases 1 and 2.
        let mut timeouts = 0;
        let mut max_delay = Duration::ZERO;
        let mut all_delays = Vec::new();
        for r in 1..=rounds {
            let round = Arc::new(Round::default());
            let mut crew = Crew::new(ctx);
            for i in 1..=n {
                let (ev, round, control) = (
                    Arc::clone(&ev),
                    Arc::clone(&round),
                    Arc::clone(&ctx.control),
                );
                crew.spawn(format!("waiter-{i}"), move || {
                    round.ready.fetch_add(1, Ordering::SeqCst);
                    loop {
                        if ev.wait_timeout(SLICE) {
                            if !control.is_cancelled() {
                                round.woke();
                            }
                            return;
                        }
                        round.timeouts.fetch_add(1, Ordering::SeqCst);
                        if control.checkpoint().is_err() {
                            return;
                        }
                    }
                })?;
            }
            let waited = (|| -> Result<(), DemoFailure> {
                while round.ready.load(Ordering::SeqCst) < n {
                    ctx.sleep(Duration::from_millis(1))?;
                }
                ctx.sleep(hold)?;
                ctx.checkpoint()?;
                Ok(())
            })();
            // set() ends the round — and, when cancelled, releases everyone.
            let _ = round.set_at.set(Instant::now());
            ev.set();
            crew.join_all();
            waited?;
            ev.clear();
            let woken = round.woken.load(Ordering::SeqCst);
            let delay = Duration::from_nanos(round.max_delay_ns.load(Ordering::SeqCst));
            max_delay = max_delay.max(delay);
            all_delays.extend(
                round
                    .delays_ns
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .iter()
                    .copied(),
            );
            ctx.log(format!(
                "round {r}: set() woke {woken} of {n} waiters; the last returned {:.3} ms after set()",
                ms(delay)
            ));
            ctx.count(
                "woken by set()",
                per_round.iter().sum::<usize>() as f64 + woken as f64,
            );
            ctx.histogram("wake-up delay after set()", buckets(&all_delays));
            per_round.push(woken);
            timeouts += round.timeouts.load(Ordering::SeqCst);
        }

        // Phase 2: the same event, built by hand from a Condition.
        ctx.phase("the same, by hand: a flag and a Condition(Lock())");
        let hand = Arc::new(HandEvent {
            cond: Condition::with_lock(Lock::new())
                .observed("cond", condition_lane_observer(ctx.sink())),
            flag: AtomicBool::new(false),
            tokens: AtomicUsize::new(0),
        });
        let round = Arc::new(Round::default());
        let mut crew = Crew::new(ctx);
        for i in 1..=n {
            let (hand, round, control) = (
                Arc::clone(&hand),
                Arc::clone(&round),
                Arc::clone(&ctx.control),
            );
            crew.spawn(format!("waiter-{i}"), move || {
                // wait(): with cond: while not flag: cond.wait()
                let g = hand.cond.guard();
                round.ready.fetch_add(1, Ordering::SeqCst);
                while !hand.flag.load(Ordering::SeqCst) {
                    if !g.wait_timeout(SLICE) {
                        round.timeouts.fetch_add(1, Ordering::SeqCst);
                    }
                    if control.is_cancelled() {
                        return;
                    }
                }
                drop(g);
                round.woke();
            })?;
        }
        let waited = (|| -> Result<(), DemoFailure> {
            while round.ready.load(Ordering::SeqCst) < n {
                ctx.sleep(Duration::from_millis(1))?;
            }
            ctx.sleep(hold)?;
            ctx.checkpoint()?;
            Ok(())
        })();
        {
            // set(): with cond: flag = True; cond.notify_all()
            let _g = hand.cond.guard();
            let _ = round.set_at.set(Instant::now());
            hand.flag.store(true, Ordering::SeqCst);
            let _ = hand.cond.notify_all();
        }
        crew.join_all();
        waited?;
        let by_hand = round.woken.load(Ordering::SeqCst);
        ctx.log(format!(
            "by hand: notify_all() woke {by_hand} of {n} waiters"
        ));

        // Phase 3: notify() hands one token to one waiter.
        ctx.phase("Condition.notify(): one token wakes one waiter");
        let took = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(AtomicBool::new(false));
        let mut crew = Crew::new(ctx);
        for i in 1..=n {
            let (hand, took, release, control) = (
                Arc::clone(&hand),
                Arc::clone(&took),
                Arc::clone(&release),
                Arc::clone(&ctx.control),
            );
            crew.spawn(format!("waiter-{i}"), move || {
                let g = hand.cond.guard();
                loop {
                    if hand.tokens.load(Ordering::SeqCst) > 0 {
                        hand.tokens.fetch_sub(1, Ordering::SeqCst);
                        took.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    if release.load(Ordering::SeqCst) || control.is_cancelled() {
                        return;
                    }
                    g.wait_timeout(SLICE);
                }
            })?;
        }
        let one = (|| -> Result<(usize, usize), DemoFailure> {
            while hand.cond.waiting() < n {
                ctx.sleep(Duration::from_millis(1))?;
            }
            ctx.sleep(hold / 2)?;
            {
                let _g = hand.cond.guard();
                hand.tokens.store(1, Ordering::SeqCst);
                let _ = hand.cond.notify(1);
            }
            // Give the others every chance to wake too (they must not).
            ctx.sleep(Duration::from_millis(50).max(hold / 2))?;
            Ok((took.load(Ordering::SeqCst), crew.alive()))
        })();
        {
            let _g = hand.cond.guard();
            release.store(true, Ordering::SeqCst);
            let _ = hand.cond.notify_all();
        }
        crew.join_all();
        let (one_woke, still_waiting) = one?;
        ctx.log(format!(
            "notify(): {one_woke} waiter took the token, {still_waiting} kept waiting; notify_all() released the rest"
        ));

        let woken = per_round.iter().copied().min().unwrap_or(0);
        let wait_timeouts = timeouts + round.timeouts.load(Ordering::SeqCst);
        let mut m = Map::new();
        m.insert("waiters".into(), json!(n));
        m.insert("woken".into(), json!(woken));
        m.insert("rounds".into(), json!(rounds));
        m.insert("woken_per_round".into(), json!(per_round));
        m.insert("max_wake_ms".into(), json!(ms(max_delay)));
        m.insert("by_hand_woken".into(), json!(by_hand));
        m.insert("notify_one_woke".into(), json!(one_woke));
        m.insert("notify_one_still_waiting".into(), json!(still_waiting));
        m.insert("wait_timeouts".into(), json!(wait_timeouts));
        Ok(m)
    }
}

/// Wake-up delays sorted into a few buckets.
fn buckets(delays_ns: &[u64]) -> Vec<(String, u64)> {
    const EDGES: [(u64, &str); 4] = [
        (100_000, "< 0.1 ms"),
        (1_000_000, "0.1–1 ms"),
        (10_000_000, "1–10 ms"),
        (u64::MAX, "≥ 10 ms"),
    ];
    let mut counts = [0u64; 4];
    for &d in delays_ns {
        let i = EDGES.iter().position(|(e, _)| d < *e).unwrap_or(3);
        counts[i] += 1;
    }
    EDGES
        .iter()
        .zip(counts)
        .map(|((_, label), n)| (label.to_string(), n))
        .collect()
}
