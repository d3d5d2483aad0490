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
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, number};
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
lowers it for the next round. Your hand in it: press `f` to set the flag yourself (the \
waiters wake at once; set it before they arrive and their wait() returns at once) and `c` \
to clear it; otherwise the demo calls set() after `hold_ms` (after a few seconds when slowed \
down, so there is time to press). An Event is the right tool for one-way signals such as \
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

/// The learner's keys (see [`EventDemo::actions`]).
pub const ACTIONS: &[(char, &str)] = &[('f', "set the flag"), ('c', "clear the flag")];
/// Index of "set" in [`ACTIONS`].
const SET: usize = 0;
/// Index of "clear" in [`ACTIONS`].
const CLEAR: usize = 1;

/// How often the learner pressed each key.
#[derive(Default)]
struct Actions {
    sets: u64,
    clears: u64,
}

/// The learner's pending keys: `f` sets the flag, `c` clears it. Returns
/// whether the flag is up afterwards.
fn take_actions(ctx: &Ctx, ev: &Event, actions: &mut Actions) -> Result<bool, DemoFailure> {
    while let Some(a) = ctx.control.take_action() {
        if a == SET {
            actions.sets += 1;
            ctx.key_step("you called event.set(): the flag is up, every waiter wakes")?;
            ev.set();
        } else if a == CLEAR {
            actions.clears += 1;
            ev.clear();
            ctx.step("you called event.clear(): the flag is down, wait() blocks again")?;
        }
    }
    Ok(ev.is_set())
}

/// The controller's part of one round: wait until every waiter has called
/// wait(), then `hold` (when slowed down, long enough for the learner to
/// press `f`), taking the learner's keys meanwhile; returns when the flag
/// should be set (or was set by the learner).
fn hold_then_set(
    ctx: &Ctx,
    ev: &Event,
    round: &Round,
    n: usize,
    hold: Duration,
    actions: &mut Actions,
) -> Result<(), DemoFailure> {
    while round.ready.load(Ordering::SeqCst) < n {
        take_actions(ctx, ev, actions)?;
        ctx.sleep(Duration::from_millis(1))?;
    }
    let hold = if ctx.is_paced() {
        hold.max(Duration::from_secs(4))
    } else {
        hold
    };
    let until = Instant::now() + hold;
    while Instant::now() < until {
        if take_actions(ctx, ev, actions)? {
            break;
        }
        ctx.sleep((until - Instant::now()).min(Duration::from_millis(10)))?;
    }
    ctx.checkpoint()?;
    if !ev.is_set() {
        ctx.key_step(format!(
            "MainThread calls event.set(): the flag is up, all {n} waiters wake"
        ))?;
    }
    Ok(())
}

/// The summary in words.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let n = s["waiters"].as_u64().unwrap_or(0);
    let per: Vec<String> = s["woken_per_round"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_u64().unwrap_or(0).to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut rows = vec![
        (
            "set() woke".to_string(),
            format!(
                "{} of {n} waiters per round, in {} rounds ({})",
                s["woken"].as_u64().unwrap_or(0),
                s["rounds"].as_u64().unwrap_or(0),
                per.join(", ")
            ),
        ),
        (
            "slowest wake-up".into(),
            format!(
                "{} ms after set(){}",
                number(s["max_wake_ms"].as_f64().unwrap_or(0.0)),
                if s["paced"].as_bool() == Some(true) {
                    " (slowed down: not the threads' real speed)"
                } else {
                    ""
                }
            ),
        ),
        (
            "by hand".into(),
            format!(
                "a flag and a Condition: notify_all() woke {} of {n}",
                s["by_hand_woken"].as_u64().unwrap_or(0)
            ),
        ),
        (
            "notify()".into(),
            format!(
                "woke {}; {} kept waiting",
                s["notify_one_woke"].as_u64().unwrap_or(0),
                s["notify_one_still_waiting"].as_u64().unwrap_or(0)
            ),
        ),
    ];
    let (sets, clears) = (
        s["learner_sets"].as_u64().unwrap_or(0),
        s["learner_clears"].as_u64().unwrap_or(0),
    );
    if sets + clears > 0 {
        rows.push((
            "your keys".into(),
            format!("set() {sets} times, clear() {clears} times"),
        ));
    }
    rows
}

impl Demo for EventDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn actions(&self) -> &'static [(char, &'static str)] {
        ACTIONS
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
        let mut actions = Actions::default();
        for r in 1..=rounds {
            ctx.step(format!(
                "round {r}: MainThread starts {n} waiter threads; the flag is {}",
                if ev.is_set() { "up" } else { "down" }
            ))?;
            let round = Arc::new(Round::default());
            let mut crew = Crew::new(ctx);
            for i in 1..=n {
                let (ev, round, control) = (
                    Arc::clone(&ev),
                    Arc::clone(&round),
                    Arc::clone(&ctx.control),
                );
                let say = ctx.narrator();
                crew.spawn(format!("waiter-{i}"), move || {
                    let me = format!("waiter-{i}");
                    if say
                        .step(if ev.is_set() {
                            format!("{me} calls event.wait(): the flag is up, it returns at once")
                        } else {
                            format!("{me} calls event.wait(): the flag is down, it blocks")
                        })
                        .is_err()
                    {
                        return;
                    }
                    round.ready.fetch_add(1, Ordering::SeqCst);
                    loop {
                        if ev.wait_timeout(SLICE) {
                            if !control.is_cancelled() {
                                round.woke();
                                let _ =
                                    say.key_step(format!("{me} woke: event.wait() returned True"));
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
            let waited = hold_then_set(ctx, &ev, &round, n, hold, &mut actions);
            // set() ends the round — and, when cancelled, releases everyone.
            let _ = round.set_at.set(Instant::now());
            ev.set();
            crew.join_all();
            waited?;
            ev.clear();
            ctx.step(format!(
                "round {r}: MainThread calls event.clear(): the flag is down for the next round"
            ))?;
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
            ctx.histogram_of(
                "wake-up delay after set()",
                "wake-ups",
                buckets(&all_delays),
            );
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
        if waited.is_ok() {
            ctx.step("by hand: MainThread takes the Condition's lock, sets flag = True and calls notify_all()")?;
        }
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
        ctx.key_step(format!(
            "by hand: notify_all() woke {by_hand} of {n} waiters, as Event.set() does"
        ))?;

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
            ctx.step("MainThread puts one token and calls notify(): one waiter may wake")?;
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
        ctx.key_step(format!(
            "notify() woke {one_woke} waiter; {still_waiting} kept waiting until notify_all() let them go"
        ))?;
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
        m.insert("learner_sets".into(), json!(actions.sets));
        m.insert("learner_clears".into(), json!(actions.clears));
        m.insert("paced".into(), json!(ctx.is_paced()));
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::demos::{DemoEvent, Params, Session};

    /// Runs the demo; `before` may act on the session once it started.
    fn run(params: &[&str], before: impl FnOnce(&Session)) -> (Vec<DemoEvent>, Value) {
        let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        let params = Params::parse(INFO.params, &pairs).expect("parameters");
        let session = Session::start(&DEMO, params);
        before(&session);
        let mut events = Vec::new();
        while let Ok(ev) = session.events.recv_timeout(Duration::from_secs(60)) {
            if let DemoEvent::Summary { summary } = ev {
                session.cancel_and_join();
                return (events, summary);
            }
            events.push(ev);
        }
        panic!("no summary: {events:?}");
    }

    fn narrations(events: &[DemoEvent]) -> Vec<&str> {
        events
            .iter()
            .filter_map(|e| match e {
                DemoEvent::Narrate { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_learners_set_wakes_the_waiters_and_is_counted() {
        // A hold far longer than the run: only the learner's `f` ends it early.
        let (events, s) = run(&["waiters=3", "rounds=1", "hold_ms=2000"], |session| {
            session.control.push_action(SET);
            session.control.push_action(CLEAR);
        });
        assert_eq!(s["learner_sets"], 1, "{s}");
        assert_eq!(s["learner_clears"], 1, "{s}");
        assert_eq!(s["woken"], 3, "{s}");
        let said = narrations(&events);
        assert!(
            said.iter().any(|t| t.starts_with("you called event.set()")),
            "{said:?}"
        );
        assert!(
            said.iter()
                .any(|t| t.starts_with("you called event.clear()")),
            "{said:?}"
        );
        assert_eq!(
            said.iter()
                .filter(|t| t.contains("woke: event.wait() returned True"))
                .count(),
            3,
            "{said:?}"
        );
    }

    #[test]
    fn keys_and_the_summary_in_words() {
        assert_eq!(ACTIONS[SET].0, 'f');
        assert_eq!(ACTIONS[CLEAR].0, 'c');
        let (events, s) = run(&["waiters=2", "rounds=2", "hold_ms=1"], |_| {});
        let rows = describe(&s);
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains('{') && !v.contains('{')),
            "{rows:?}"
        );
        assert_eq!(rows[0].1, "2 of 2 waiters per round, in 2 rounds (2, 2)");
        // Every waiter's wait and wake-up is one narrated step.
        let said = narrations(&events);
        assert_eq!(
            said.iter()
                .filter(|t| t.contains("calls event.wait()"))
                .count(),
            4,
            "{said:?}"
        );
    }
}
