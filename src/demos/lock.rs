//! `lock` — the deck's Lock() slides on real threads, in three parts:
//!
//! 1. **Critical section**: `threads` threads each enter a section guarded
//!    by one pythreading [`Lock`] `rounds` times; the lanes show one holder
//!    at a time and the others waiting, and the demo counts how many were
//!    ever inside at once (always 1).
//! 2. **Synch Two Threads**: the deck's `Synchronize` class — a Lock used as
//!    a signal. `wait()` acquires twice (the second blocks), `notify()`
//!    releases; Thread 2 releases a Lock Thread 1 acquired, which a Lock
//!    allows (it has no owner). Also shown: a notify with nobody waiting is
//!    "release unlocked lock".
//! 3. **Misusing Lock()**: one thread calls `mutex.acquire()` twice. The
//!    second acquire waits for a lock its own thread holds: a deadlock. A
//!    watchdog thread, reading the lock's trace (a Lock does not know its
//!    owner, so the watchdog infers holders from acquire/release events),
//!    finds the wait-for cycle, waits `watchdog_ms` to be sure, reports it
//!    and makes the stuck thread give up (its acquire is sliced with
//!    `acquire_timeout`, so nothing is ever stuck for good). Then the same
//!    with an [`RLock`]: the second acquire just counts, and it completes.

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{
    Event, Kind, Lock, Observer, Op, RLock, Recorder, ThreadError, TraceEvent,
};

use super::control::{Cancelled, Control};
use super::event::LaneState;
use super::kit::{Crew, POLL, crew_lanes, wait_until, wait_until_or};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, Narrator};

/// The demo (see the module docs).
pub struct LockDemo;

/// The registered instance.
pub static DEMO: LockDemo = LockDemo;

/// Id, texts and parameters.
pub static INFO: DemoInfo = DemoInfo {
    id: "lock",
    title: "Lock(): critical sections, signals, and a self-deadlock",
    about: "a critical section, a Lock used as a signal, and acquire() twice: deadlock (caught by a watchdog) vs RLock",
    explain: "Critical section: only one lane at a time is holding the lock (▓); the others wait \
(░) in acquire() until it is released. The count of threads inside never goes above 1 — that \
is all a Lock promises.\n\n\
Synch Two Threads: the deck's Synchronize uses a Lock as a signal. wait() acquires twice, so \
the second acquire blocks until another thread's notify() releases it. This works because a \
Lock has no owner: any thread may release it. It is fragile, and the deck's version leans on timing twice: a \
notify() with nobody waiting releases an unlocked lock (RuntimeError: release unlocked lock), \
and if Thread 2 calls wait() right after its notify(), it may take the lock back before \
Thread 1 wakes, and then each waits for the other. This demo waits for each side explicitly; \
today you would use an Event, a Condition or a Semaphore.\n\n\
Misusing Lock(): acquire() twice in one thread waits for a lock that thread itself holds, \
forever. Python does not notice (a Lock has no owner to compare with); here a watchdog reads \
the lock's trace, finds the thread waiting for itself, and stops the wait after `watchdog_ms`. \
In real code the cure is timeouts while debugging (acquire(timeout=…)) and an RLock when a \
thread really must re-enter: the same two acquires on an RLock just count up to depth 2.",
    params: &[
        ParamSpec {
            key: "threads",
            help: "threads taking turns in the critical section",
            kind: ParamKind::Int {
                default: 3,
                min: 2,
                max: 8,
            },
        },
        ParamSpec {
            key: "rounds",
            help: "times each thread enters the critical section",
            kind: ParamKind::Int {
                default: 3,
                min: 1,
                max: 100,
            },
        },
        ParamSpec {
            key: "hold_ms",
            help: "milliseconds spent inside the critical section (and doing the synched work)",
            kind: ParamKind::Int {
                default: 20,
                min: 0,
                max: 1_000,
            },
        },
        ParamSpec {
            key: "watchdog_ms",
            help: "how long the watchdog lets a wait-for cycle stand before calling it a deadlock",
            kind: ParamKind::Int {
                default: 300,
                min: 20,
                max: 10_000,
            },
        },
    ],
};

/// Sends every event to several observers.
fn fan_out(observers: Vec<Arc<dyn Observer>>) -> Arc<dyn Observer> {
    Arc::new(move |ev: &TraceEvent| {
        for o in &observers {
            o.observe(ev);
        }
    })
}

/// Part 1: returns (most threads ever inside at once, entries).
fn critical_section(
    ctx: &Ctx,
    threads: usize,
    rounds: usize,
    hold: Duration,
) -> Result<(usize, usize), DemoFailure> {
    let obs = crew_lanes(ctx.sink());
    let lock = Arc::new(Lock::with_observer("lock", Arc::clone(&obs)));
    let inside = Arc::new(AtomicUsize::new(0));
    let max_inside = Arc::new(AtomicUsize::new(0));
    let entries = Arc::new(AtomicUsize::new(0));
    let mut crew = Crew::new(ctx).observed(obs);
    for t in 1..=threads {
        let (lock, inside, max_inside, entries) = (
            Arc::clone(&lock),
            Arc::clone(&inside),
            Arc::clone(&max_inside),
            Arc::clone(&entries),
        );
        let control = Arc::clone(&ctx.control);
        let sink = ctx.sink();
        let n = ctx.narrator();
        let name = format!("Thread-{t}");
        crew.spawn(name.clone(), move || {
            let body = || -> Result<(), Cancelled> {
                for _ in 0..rounds {
                    control.checkpoint()?;
                    wait_until(&control, || lock.acquire_timeout(POLL))?;
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    max_inside.fetch_max(now, Ordering::SeqCst);
                    entries.fetch_add(1, Ordering::SeqCst);
                    sink.gauge("inside the critical section", now as f64, 1.0);
                    let said = n.step(format!(
                        "{name}: lock.acquire() returns: {name} is the one inside"
                    ));
                    let slept = said.and_then(|()| control.sleep(hold));
                    let now = inside.fetch_sub(1, Ordering::SeqCst) - 1;
                    sink.gauge("inside the critical section", now as f64, 1.0);
                    let _ = lock.release();
                    slept?;
                    n.step(format!("{name}: lock.release(): the lock is free"))?;
                    // A little time outside, so the others get a turn.
                    control.sleep(hold / 2)?;
                }
                Ok(())
            };
            let _ = body();
        })?;
    }
    crew.join()?;
    Ok((
        max_inside.load(Ordering::SeqCst),
        entries.load(Ordering::SeqCst),
    ))
}

/// The deck's `Synchronize`: a Lock used as a signal.
struct Synchronize {
    lock: Lock,
}

impl Synchronize {
    /// `acquire(); acquire(); release()`: returns once another thread has
    /// called `notify()`.
    fn wait(&self, control: &Control) -> Result<(), Cancelled> {
        wait_until(control, || self.lock.acquire_timeout(POLL))?;
        wait_until(control, || self.lock.acquire_timeout(POLL))?;
        let _ = self.lock.release();
        Ok(())
    }

    /// `release()`.
    fn notify(&self) -> Result<(), ThreadError> {
        self.lock.release()
    }

    /// Waits until someone is inside `wait()` (the lock is held), so the
    /// notify is not lost; the deck's version relies on timing instead.
    fn until_waited_on(&self, control: &Control) -> Result<(), Cancelled> {
        while !self.lock.locked() {
            control.sleep(Duration::from_millis(1))?;
        }
        Ok(())
    }
}

/// Part 2: returns whether the order of events was right, and the error a
/// premature notify gets.
fn synch_two_threads(ctx: &Ctx, work: Duration) -> Result<(bool, String), DemoFailure> {
    let premature = Synchronize { lock: Lock::new() }
        .notify()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    ctx.log(format!(
        "notify() with nobody waiting: RuntimeError: {premature}"
    ));

    let obs = crew_lanes(ctx.sink());
    let synch = Arc::new(Synchronize {
        lock: Lock::with_observer("synch", Arc::clone(&obs)),
    });
    let steps = Arc::new(Mutex::new(Vec::<&'static str>::new()));
    // Thread 2 must not call wait() before Thread 1 has come out of its own
    // wait(): otherwise Thread 2 could take the lock back first and both
    // would wait for each other. The deck leaves this to timing.
    let t1_awake = Arc::new(Event::new());
    let mut crew = Crew::new(ctx).observed(obs);
    // One visible step each; a wake-up is a key event.
    let record = |steps: &Mutex<Vec<&'static str>>,
                  n: &Narrator,
                  s: &'static str|
     -> Result<(), Cancelled> {
        steps.lock().unwrap_or_else(PoisonError::into_inner).push(s);
        if s.contains("woken") {
            n.key_step(s)
        } else {
            n.step(s)
        }
    };
    {
        let (synch, steps, control, sink, awake, n) = (
            Arc::clone(&synch),
            Arc::clone(&steps),
            Arc::clone(&ctx.control),
            ctx.sink(),
            Arc::clone(&t1_awake),
            ctx.narrator(),
        );
        crew.spawn("Thread-1", move || {
            let body = || -> Result<(), Cancelled> {
                record(&steps, &n, "Thread 1: synch.wait()")?;
                synch.wait(&control)?;
                record(&steps, &n, "Thread 1: woken, working (...)")?;
                awake.set();
                control.sleep(work)?;
                synch.until_waited_on(&control)?;
                record(&steps, &n, "Thread 1: synch.notify()")?;
                if let Err(e) = synch.notify() {
                    sink.error(format!("Thread 1: RuntimeError: {e}"));
                }
                Ok(())
            };
            let _ = body();
        })?;
    }
    {
        let (synch, steps, control, sink, awake, n) = (
            Arc::clone(&synch),
            Arc::clone(&steps),
            Arc::clone(&ctx.control),
            ctx.sink(),
            Arc::clone(&t1_awake),
            ctx.narrator(),
        );
        crew.spawn("Thread-2", move || {
            let body = || -> Result<(), Cancelled> {
                synch.until_waited_on(&control)?;
                control.sleep(work)?;
                record(&steps, &n, "Thread 2: synch.notify()")?;
                if let Err(e) = synch.notify() {
                    sink.error(format!("Thread 2: RuntimeError: {e}"));
                }
                wait_until(&control, || awake.wait_timeout(POLL))?;
                record(&steps, &n, "Thread 2: synch.wait()")?;
                synch.wait(&control)?;
                record(&steps, &n, "Thread 2: woken")?;
                Ok(())
            };
            let _ = body();
        })?;
    }
    crew.join()?;
    let steps = steps.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let pos = |s: &str| steps.iter().position(|x| *x == s);
    let before = |a: &str, b: &str| matches!((pos(a), pos(b)), (Some(x), Some(y)) if x < y);
    let ok = steps.len() == 6
        && before("Thread 2: synch.notify()", "Thread 1: woken, working (...)")
        && before("Thread 1: synch.notify()", "Thread 2: woken");
    Ok((ok, premature))
}

/// What the watchdog concluded about one run of "acquire twice".
struct Watch {
    deadlock: bool,
    /// Milliseconds from the second acquire blocking to the verdict.
    detected_after_ms: Option<f64>,
    completed: bool,
}

/// Which lock each thread holds and waits for, from a lock's trace.
/// A Lock has no owner; the watchdog takes the last thread to acquire it
/// (and not release it since) as the holder.
fn wait_for_edges(events: &[TraceEvent]) -> Vec<(String, String, String)> {
    let mut holder: BTreeMap<String, String> = BTreeMap::new();
    let mut waiting: BTreeMap<String, String> = BTreeMap::new();
    for e in events {
        if !matches!(e.kind, Kind::Lock | Kind::RLock) {
            continue;
        }
        let (lock, thread) = (e.object.to_string(), e.thread.to_string());
        match e.op {
            Op::Blocked => {
                waiting.insert(thread, lock);
            }
            Op::Acquired => {
                waiting.remove(&thread);
                holder.insert(lock, thread);
            }
            // An RLock release may only lower the depth; its next
            // Acquired/Blocked event tells the rest.
            Op::Released if e.kind == Kind::Lock => {
                holder.remove(&lock);
            }
            _ => {}
        }
    }
    waiting
        .into_iter()
        .filter_map(|(w, lock)| holder.get(&lock).map(|h| (w, lock.clone(), h.clone())))
        .collect()
}

/// Part 3: one thread acquires `twice` (a Lock or an RLock) under a watchdog.
fn acquire_twice(ctx: &Ctx, reentrant: bool, limit: Duration) -> Result<Watch, DemoFailure> {
    let rec = Recorder::new();
    let obs = crew_lanes(ctx.sink());
    let both = fan_out(vec![Arc::clone(&obs), rec.clone() as Arc<dyn Observer>]);
    let lock: Arc<dyn TwiceLock> = if reentrant {
        Arc::new(RLock::with_observer("mutex", both))
    } else {
        Arc::new(Lock::with_observer("mutex", both))
    };
    let give_up = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    let completed = Arc::new(AtomicBool::new(false));
    let verdict: Arc<Mutex<Option<f64>>> = Arc::new(Mutex::new(None));
    let mut crew = Crew::new(ctx).observed(obs);
    let kind = if reentrant { "RLock" } else { "Lock" };
    {
        let (lock, give_up, finished, completed) = (
            Arc::clone(&lock),
            Arc::clone(&give_up),
            Arc::clone(&finished),
            Arc::clone(&completed),
        );
        let (control, n) = (Arc::clone(&ctx.control), ctx.narrator());
        crew.spawn("Thread-1", move || {
            let body = || -> Result<(), Cancelled> {
                n.step(format!("Thread 1: mutex = {kind}(); mutex.acquire()"))?;
                wait_until(&control, || lock.acquire_for(POLL))?;
                n.step("Thread 1: mutex.acquire()  # again")?;
                let got = wait_until_or(
                    &control,
                    || lock.acquire_for(POLL),
                    || give_up.load(Ordering::SeqCst),
                )?;
                if got {
                    n.key_step(format!(
                        "Thread 1: got it again ({kind} depth 2); mutex.release(); mutex.release()"
                    ))?;
                    let _ = lock.release_once();
                    completed.store(true, Ordering::SeqCst);
                } else {
                    n.step("Thread 1: stopped by the watchdog; releases its first hold")?;
                }
                let _ = lock.release_once();
                Ok(())
            };
            let _ = body();
            finished.store(true, Ordering::SeqCst);
        })?;
    }
    {
        let (give_up, finished, verdict) = (
            Arc::clone(&give_up),
            Arc::clone(&finished),
            Arc::clone(&verdict),
        );
        let (control, sink, n) = (Arc::clone(&ctx.control), ctx.sink(), ctx.narrator());
        let rec = Arc::clone(&rec);
        crew.spawn("watchdog", move || {
            let mut since: Option<Instant> = None;
            while !finished.load(Ordering::SeqCst) {
                if control.sleep(Duration::from_millis(5)).is_err() {
                    return;
                }
                let events = rec.events();
                let cycle = wait_for_edges(&events)
                    .into_iter()
                    .find(|(waiter, _, holder)| waiter == holder);
                match (cycle, since) {
                    (None, _) => since = None,
                    (Some(_), None) => since = Some(Instant::now()),
                    (Some((thread, lock, _)), Some(t0)) if t0.elapsed() >= limit => {
                        let ms = t0.elapsed().as_secs_f64() * 1000.0;
                        let said = n.key_step(format!(
                            "watchdog: {thread} has waited {ms:.0} ms for `{lock}`, which {thread} \
itself holds — a deadlock: a Lock has no owner, so it cannot tell that the waiter is the holder, \
and nobody else will release it"
                        ));
                        *verdict.lock().unwrap_or_else(PoisonError::into_inner) = Some(ms);
                        give_up.store(true, Ordering::SeqCst);
                        sink.lane("watchdog", LaneState::Done);
                        let _ = said;
                        return;
                    }
                    (Some(_), Some(_)) => {}
                }
            }
        })?;
    }
    crew.join()?;
    let detected_after_ms = *verdict.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(Watch {
        deadlock: detected_after_ms.is_some(),
        detected_after_ms,
        completed: completed.load(Ordering::SeqCst),
    })
}

/// What "acquire twice" needs from a Lock or an RLock.
trait TwiceLock: Send + Sync {
    fn acquire_for(&self, t: Duration) -> bool;
    fn release_once(&self) -> Result<(), ThreadError>;
}

impl TwiceLock for Lock {
    fn acquire_for(&self, t: Duration) -> bool {
        self.acquire_timeout(t)
    }
    fn release_once(&self) -> Result<(), ThreadError> {
        self.release()
    }
}

impl TwiceLock for RLock {
    fn acquire_for(&self, t: Duration) -> bool {
        self.acquire_timeout(t)
    }
    fn release_once(&self) -> Result<(), ThreadError> {
        self.release()
    }
}

impl Demo for LockDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, s: &Value) -> Vec<(String, String)> {
        let yes = |k: &str| s[k].as_bool().unwrap_or(false);
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        vec![
            (
                "critical section".into(),
                format!(
                    "{} entries, at most {} thread inside at once",
                    n("critical_section_entries"),
                    n("critical_section_max_inside")
                ),
            ),
            (
                "Lock as a signal".into(),
                if yes("synch_ok") {
                    "each wait() woke after the other thread's notify()".into()
                } else {
                    "the order of wait and notify went wrong".into()
                },
            ),
            (
                "notify with nobody waiting".into(),
                format!(
                    "RuntimeError: {}",
                    s["premature_notify_error"].as_str().unwrap_or("")
                ),
            ),
            (
                "Lock acquired twice".into(),
                if yes("deadlock_detected") {
                    format!(
                        "deadlock: the watchdog stopped it after {} ms",
                        s["deadlock_detected_after_ms"].as_f64().unwrap_or(0.0)
                    )
                } else {
                    "no deadlock seen".into()
                },
            ),
            (
                "RLock acquired twice".into(),
                if yes("rlock_completed") {
                    "completed: depth 2, then two releases".into()
                } else {
                    "did not complete".into()
                },
            ),
        ]
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let threads = ctx.params.usize("threads").max(2);
        let rounds = ctx.params.usize("rounds").max(1);
        let hold = Duration::from_millis(ctx.params.int("hold_ms").max(0) as u64);
        let limit = Duration::from_millis(ctx.params.int("watchdog_ms").max(1) as u64);

        ctx.phase("Critical section lock");
        let (max_inside, entries) = critical_section(ctx, threads, rounds, hold)?;
        ctx.step(format!(
            "{entries} entries, at most {max_inside} thread inside at once"
        ))?;

        ctx.phase("Synch Two Threads: a Lock used as a signal");
        let (synch_ok, premature) = synch_two_threads(ctx, hold)?;

        ctx.phase("Misusing Lock(): acquire() twice in one thread");
        let lock_run = acquire_twice(ctx, false, limit)?;
        if !lock_run.deadlock {
            ctx.error("the watchdog saw no deadlock with a Lock");
        }
        ctx.phase("The same with RLock()");
        let rlock_run = acquire_twice(ctx, true, limit)?;
        if rlock_run.completed {
            ctx.step("RLock: the second acquire only counted up to depth 2; both releases done")?;
        }

        let mut s = Map::new();
        s.insert("deadlock_detected".into(), json!(lock_run.deadlock));
        s.insert(
            "deadlock_detected_after_ms".into(),
            json!(lock_run.detected_after_ms.map(|ms| ms.round())),
        );
        s.insert("rlock_completed".into(), json!(rlock_run.completed));
        s.insert("rlock_deadlock".into(), json!(rlock_run.deadlock));
        s.insert("critical_section_max_inside".into(), json!(max_inside));
        s.insert("critical_section_entries".into(), json!(entries));
        s.insert("synch_ok".into(), json!(synch_ok));
        s.insert("premature_notify_error".into(), json!(premature));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(thread: &str, kind: Kind, op: Op) -> TraceEvent {
        TraceEvent {
            at: Instant::now(),
            thread: thread.into(),
            ident: 1,
            object: "m".into(),
            kind,
            op,
        }
    }

    #[test]
    fn wait_for_edges_find_a_thread_waiting_for_itself() {
        let trace = [
            ev("T1", Kind::Lock, Op::Acquired),
            ev("T1", Kind::Lock, Op::Blocked),
            ev("T1", Kind::Lock, Op::AcquireFailed),
        ];
        assert_eq!(
            wait_for_edges(&trace),
            vec![("T1".to_string(), "m".to_string(), "T1".to_string())]
        );
        let released = [
            ev("T1", Kind::Lock, Op::Acquired),
            ev("T2", Kind::Lock, Op::Blocked),
            ev("T1", Kind::Lock, Op::Released),
            ev("T2", Kind::Lock, Op::Acquired),
        ];
        assert!(wait_for_edges(&released).is_empty());
    }
}
