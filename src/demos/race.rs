//! `race` — shared data without and with a lock, on real threads.
//!
//! Part 1: `threads` threads each add 1 to a shared counter `n` times. The
//! unlocked version reads and writes the counter as two separate atomic
//! operations (a load, then a store of the value plus one): exactly the
//! read–modify–write of `total += 1`, a real race with no undefined
//! behaviour. Updates are lost whenever two threads read the same value.
//! On a busy machine threads seldom run at the same moment, so every
//! `yield_every` increments a thread yields the CPU between its read and
//! its write — a switch at the worst moment, which the scheduler (or a GIL
//! hand-over) may make at any time; the race then shows on any machine.
//! The locked version does the same under a pythreading [`Lock`].
//!
//! Part 2: the deck's "GIL example". Threads 1 and 4 `myList.append(work)`;
//! threads 2, 3 and 5 do `if myList: work = myList.pop()`. Each single list
//! operation is atomic (in CPython the GIL makes one bytecode, such as one
//! `append` or `pop` on a built-in list, indivisible; here a `Mutex` around
//! the `Vec` plays that part). The check and the pop are two operations, so
//! without a mutex another consumer can empty the list in between and the
//! pop raises IndexError; with the deck's `mutex.acquire()` … `release()`
//! around both, it never does. Producers take a moment per item (so the
//! consumers compete for each one) and consumers yield between the check
//! and the pop, again so the window shows however loaded the machine is.

#![warn(missing_docs)]

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::pythreading::Lock;

use super::control::{Cancelled, Control};
use super::event::LaneState;
use super::kit::{Crew, POLL, wait_until};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, Narrator};

/// The demo (see the module docs).
pub struct Race;

/// The registered instance.
pub static DEMO: Race = Race;

/// Id, texts and parameters.
pub static INFO: DemoInfo = DemoInfo {
    id: "race",
    title: "Race conditions and the Lock",
    about: "Threads increment a shared counter, and check-then-pop a shared list, without and with a Lock",
    explain: "`total += 1` is a read, an add and a write. When two threads read the same value, \
both write value + 1 and one update is lost — the unlocked total falls short of threads × n, \
by a different amount each run. The threads here are real OS threads on all cores, reading and \
writing the counter as separate operations, so this is a genuine race. Two threads seldom run \
at exactly the same moment on a busy machine, so now and then (`yield_every`) a thread gives \
up the CPU between its read and its write — a switch at the worst moment, which the OS or a \
GIL hand-over can make at any time; one such switch can wipe out everything the others did \
meanwhile. Under a Lock the read \
and the write happen as one step and the total is exact, at the price of the threads taking \
turns.\n\n\
The second part is the deck's \"GIL example\": producers append to a list, consumers do \
`if myList: work = myList.pop()`. Each list operation on its own is safe — under the GIL one \
append or one pop is a single bytecode — but the check and the pop are two, and another \
consumer can take the last item in between: IndexError. The GIL protects the interpreter, not \
your invariants. With the mutex around the check and the pop there are no errors. (The deck \
adds: not safe with UserList, whose methods are Python code spanning many bytecodes.)\n\n\
Python 3.13+ can be built free-threaded (no GIL): there built-in lists keep their own \
per-object locks, so single operations stay safe, and check-then-act races stay exactly as \
they are here.",
    params: &[
        ParamSpec {
            key: "watch",
            help: "increments per thread shown one read and one write at a time before the full run (0: none)",
            kind: ParamKind::Int {
                default: 5,
                min: 0,
                max: 100,
            },
        },
        ParamSpec {
            key: "threads",
            help: "threads incrementing the counter",
            kind: ParamKind::Int {
                default: 4,
                min: 2,
                max: 16,
            },
        },
        ParamSpec {
            key: "n",
            help: "increments per thread",
            kind: ParamKind::Int {
                default: 100_000,
                min: 1,
                max: 10_000_000,
            },
        },
        ParamSpec {
            key: "yield_every",
            help: "every so many increments, yield the CPU between the read and the write (0: never)",
            kind: ParamKind::Int {
                default: 100,
                min: 0,
                max: 1_000_000,
            },
        },
        ParamSpec {
            key: "items",
            help: "work items appended to the shared list (split between threads 1 and 4)",
            kind: ParamKind::Int {
                default: 2_000,
                min: 0,
                max: 1_000_000,
            },
        },
    ],
};

/// How often (in loop iterations) the worker threads pass a checkpoint.
const CHECK_EVERY: u64 = 1024;

/// Part 0, to watch: `threads` threads add 1 `watch` times each, every
/// read and every write of the counter one visible step. A write over a
/// value another thread wrote since this one's read is a lost update (a
/// key event). Returns (final total, updates lost).
fn watch(ctx: &Ctx, threads: usize, watch: u64) -> Result<(u64, u64), DemoFailure> {
    let counter = Arc::new(AtomicU64::new(0));
    let last_writer: Arc<Mutex<String>> = Arc::new(Mutex::new(String::new()));
    let lost = Arc::new(AtomicU64::new(0));
    let expected = (threads as u64 * watch) as f64;
    let mut crew = Crew::new(ctx).unobserved();
    for t in 1..=threads {
        let (counter, last_writer, lost) = (
            Arc::clone(&counter),
            Arc::clone(&last_writer),
            Arc::clone(&lost),
        );
        let n = ctx.narrator();
        let name = format!("Thread-{t}");
        crew.spawn(name.clone(), move || {
            let sink = n.sink().clone();
            sink.lane(name.as_str(), LaneState::Running);
            let body = || -> Result<(), Cancelled> {
                for _ in 0..watch {
                    // total += 1: the read ...
                    n.pace(false)?;
                    let v = counter.load(Ordering::SeqCst);
                    n.say(format!("{name} read counter = {v}"), false);
                    // A switch here is the race (at full speed too).
                    std::thread::yield_now();
                    // ... and, a step later, the write.
                    n.pace(false)?;
                    let before = counter.swap(v + 1, Ordering::SeqCst);
                    let previous = std::mem::replace(
                        &mut *last_writer.lock().unwrap_or_else(PoisonError::into_inner),
                        name.clone(),
                    );
                    sink.gauge("counter (step by step)", (v + 1) as f64, expected);
                    if before == v {
                        n.say(format!("{name} wrote {}", v + 1), false);
                    } else {
                        let gone = before.saturating_sub(v).max(1);
                        lost.fetch_add(gone, Ordering::SeqCst);
                        let whose = if gone == 1 {
                            format!("{previous}'s update is lost")
                        } else {
                            format!("{gone} updates are lost ({previous}'s last)")
                        };
                        n.say(
                            format!("{name} wrote {} over {before}: {whose}", v + 1),
                            true,
                        );
                    }
                }
                Ok(())
            };
            let _ = body();
            sink.lane(name.as_str(), LaneState::Done);
        })?;
    }
    crew.join()?;
    let total = counter.load(Ordering::SeqCst);
    ctx.gauge("counter (step by step)", total as f64, expected);
    // Lost = increments that are not in the total (a stale write can also
    // bring back a value another write had overwritten, so the per-write
    // figures in the narration need not add up to this).
    let _ = lost.load(Ordering::SeqCst);
    Ok((total, (threads as u64 * watch).saturating_sub(total)))
}

/// Part 1: `threads` threads add 1 `n` times each; returns the final total.
fn count(
    ctx: &Ctx,
    threads: usize,
    n: u64,
    yield_every: u64,
    locked: bool,
) -> Result<u64, DemoFailure> {
    let counter = Arc::new(AtomicU64::new(0));
    let lock = Arc::new(Lock::new());
    let go = Arc::new(AtomicBool::new(false));
    let mut crew = Crew::new(ctx).unobserved();
    let label = if locked { "with Lock" } else { "no lock" };
    for t in 1..=threads {
        let (counter, lock, go) = (Arc::clone(&counter), Arc::clone(&lock), Arc::clone(&go));
        let control = Arc::clone(&ctx.control);
        let sink = ctx.sink();
        let name = format!("Thread-{t}");
        crew.spawn(name.clone(), move || {
            // Start together, so the threads overlap.
            while !go.load(Ordering::Acquire) {
                if control.is_cancelled() {
                    return;
                }
                std::thread::yield_now();
            }
            // One lane state per run: the threads switch far too often
            // (every increment) for a picture of each hand-over.
            sink.lane(name.as_str(), LaneState::Running);
            let body = || -> Result<(), Cancelled> {
                for i in 0..n {
                    if i.is_multiple_of(CHECK_EVERY) {
                        control.checkpoint()?;
                    }
                    if locked {
                        wait_until(&control, || lock.acquire_timeout(POLL))?;
                    }
                    // total += 1, as a separate read and write.
                    let v = counter.load(Ordering::Relaxed);
                    if yield_every > 0 && i % yield_every == yield_every - 1 {
                        // A switch right here, as the scheduler (or a GIL
                        // hand-over) may make at any time.
                        std::thread::yield_now();
                    }
                    counter.store(v + 1, Ordering::Relaxed);
                    if locked {
                        let _ = lock.release();
                    }
                }
                Ok(())
            };
            let _ = body();
            sink.lane(name.as_str(), LaneState::Done);
        })?;
    }
    go.store(true, Ordering::Release);
    let sink = ctx.sink();
    let expected = threads as u64 * n;
    crew.join_while(|| {
        sink.gauge(
            format!("counter ({label})"),
            counter.load(Ordering::Relaxed) as f64,
            expected as f64,
        )
    })?;
    Ok(counter.load(Ordering::Relaxed))
}

/// Part 2's outcome.
struct PopOutcome {
    errors: u64,
    consumed: u64,
}

/// The list every thread shares. Each method is one atomic list operation,
/// as one bytecode is under the GIL.
struct PyList(Mutex<Vec<u64>>);

impl PyList {
    fn append(&self, x: u64) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(x);
    }
    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
    /// `list.pop()`: `None` is IndexError("pop from empty list").
    fn pop(&self) -> Option<u64> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }
}

/// What the five threads of part 2 share.
struct PopShared {
    list: PyList,
    /// The deck's `mutex`, used only in the "with mutex" run.
    mutex: Lock,
    with_mutex: bool,
    producers_left: AtomicUsize,
    errors: AtomicU64,
    consumed: AtomicU64,
    go: AtomicBool,
}

impl PopShared {
    /// Threads 1 and 4: `myList.append(work)`, `share` times.
    fn produce(&self, control: &Control, share: u64) {
        for i in 0..share {
            if control.checkpoint().is_err() {
                break;
            }
            self.list.append(i);
            // Making the next piece of work takes a moment, so the
            // consumers keep the list nearly empty and compete for items.
            std::thread::sleep(Duration::from_micros(20));
        }
        self.producers_left.fetch_sub(1, Ordering::Release);
    }

    /// Threads 2, 3 and 5: `if myList: work = myList.pop()` until the
    /// producers are done and the list is empty.
    fn consume(&self, control: &Control, n: &Narrator, name: &str) -> Result<(), Cancelled> {
        let mut i = 0u64;
        loop {
            i += 1;
            if i.is_multiple_of(256) {
                control.checkpoint()?;
            }
            // Read before looking at the list: if no producer is left and
            // the list is empty afterwards, nothing more will come.
            let done = self.producers_left.load(Ordering::Acquire) == 0;
            if self.with_mutex {
                wait_until(control, || self.mutex.acquire_timeout(POLL))?;
            }
            let mut took = false;
            if self.list.len() > 0 {
                // Give up the CPU between the check and the pop, as a GIL
                // switch between those bytecodes would: the window is then
                // wide enough to show on any machine, however loaded.
                std::thread::yield_now();
                match self.list.pop() {
                    Some(_) => {
                        self.consumed.fetch_add(1, Ordering::Relaxed);
                        took = true;
                    }
                    None => {
                        let errors = self.errors.fetch_add(1, Ordering::Relaxed) + 1;
                        // The first few, one key step each (no lock is held
                        // here: this is the run without the mutex).
                        if errors <= 3 {
                            n.key_step(format!(
                                "{name}: IndexError: pop from empty list (it was not empty when checked)"
                            ))?;
                        }
                    }
                }
            }
            if self.with_mutex {
                let _ = self.mutex.release();
            }
            if !took {
                if done && self.list.len() == 0 {
                    return Ok(());
                }
                std::thread::yield_now();
            }
        }
    }
}

/// Part 2: producers 1 and 4, consumers 2, 3 and 5.
fn pop_race(ctx: &Ctx, items: u64, with_mutex: bool) -> Result<PopOutcome, DemoFailure> {
    let shared = Arc::new(PopShared {
        list: PyList(Mutex::new(Vec::new())),
        mutex: Lock::new(),
        with_mutex,
        producers_left: AtomicUsize::new(2),
        errors: AtomicU64::new(0),
        consumed: AtomicU64::new(0),
        go: AtomicBool::new(false),
    });
    let mut crew = Crew::new(ctx).unobserved();
    for t in 1..=5u64 {
        let name = format!("Thread-{t}");
        let sh = Arc::clone(&shared);
        let control = Arc::clone(&ctx.control);
        let sink = ctx.sink();
        let n = ctx.narrator();
        crew.spawn(name.clone(), move || {
            // Start together, so producers and consumers overlap.
            while !sh.go.load(Ordering::Acquire) {
                if control.is_cancelled() {
                    return;
                }
                std::thread::yield_now();
            }
            sink.lane(name.as_str(), LaneState::Running);
            match t {
                1 => sh.produce(&control, items.div_ceil(2)),
                4 => sh.produce(&control, items / 2),
                _ => {
                    let _ = sh.consume(&control, &n, &name);
                }
            }
            sink.lane(name.as_str(), LaneState::Done);
        })?;
    }
    shared.go.store(true, Ordering::Release);
    let sink = ctx.sink();
    let label = if with_mutex { "with mutex" } else { "no mutex" };
    crew.join_while(|| {
        sink.gauge(
            format!("myList ({label})"),
            shared.list.len() as f64,
            items.max(1) as f64,
        );
        sink.count(
            format!("pop errors ({label})"),
            shared.errors.load(Ordering::Relaxed) as f64,
        );
    })?;
    Ok(PopOutcome {
        errors: shared.errors.load(Ordering::Relaxed),
        consumed: shared.consumed.load(Ordering::Relaxed),
    })
}

impl Demo for Race {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, s: &Value) -> Vec<(String, String)> {
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        let p = |k: &str| s["params"][k].as_u64().unwrap_or(0);
        let mut rows = Vec::new();
        if p("watch") > 0 {
            rows.push((
                "step by step".into(),
                format!(
                    "counter {} of {}: {} updates lost",
                    n("watched_total"),
                    p("threads") * p("watch"),
                    n("watched_lost")
                ),
            ));
        }
        rows.push((
            "no lock".into(),
            format!(
                "total {} of {}: {} updates lost",
                n("unlocked_total"),
                n("expected"),
                n("lost_updates")
            ),
        ));
        rows.push((
            "with a Lock".into(),
            format!("total {} of {}", n("locked_total"), n("expected")),
        ));
        rows.push((
            "check-then-pop, no mutex".into(),
            format!(
                "{} IndexErrors, {} of {} items taken",
                n("pop_errors_unlocked"),
                n("consumed_unlocked"),
                n("items")
            ),
        ));
        rows.push((
            "with the mutex".into(),
            format!(
                "{} IndexErrors, {} of {} items taken",
                n("pop_errors_locked"),
                n("consumed_locked"),
                n("items")
            ),
        ));
        rows
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let threads = ctx.params.usize("threads").max(2);
        let n = ctx.params.int("n").max(1) as u64;
        let yield_every = ctx.params.int("yield_every").max(0) as u64;
        let items = ctx.params.int("items").max(0) as u64;
        let watch_n = ctx.params.int("watch").max(0) as u64;
        let expected = threads as u64 * n;

        let mut watched = (0, 0);
        if watch_n > 0 {
            ctx.phase(format!(
                "step by step: {threads} threads × {watch_n} increments, no lock"
            ));
            watched = watch(ctx, threads, watch_n)?;
            let (total, lost) = watched;
            ctx.key_step(format!(
                "step by step: counter = {total} of {}: {lost} updates lost",
                threads as u64 * watch_n
            ))?;
        }

        ctx.phase(format!("{threads} threads × {n} increments, no lock"));
        let unlocked = count(ctx, threads, n, yield_every, false)?;
        ctx.key_step(format!(
            "no lock: total {unlocked} of {expected} ({} updates lost)",
            expected - unlocked
        ))?;
        ctx.phase(format!("{threads} threads × {n} increments, with Lock"));
        let locked = count(ctx, threads, n, yield_every, true)?;
        ctx.step(format!("with Lock: total {locked} of {expected}"))?;

        ctx.phase(format!(
            "GIL example: {items} items, `if myList: myList.pop()`, no mutex"
        ));
        let no_mutex = pop_race(ctx, items, false)?;
        ctx.key_step(format!(
            "no mutex: {} IndexErrors, {} of {items} items consumed",
            no_mutex.errors, no_mutex.consumed
        ))?;
        ctx.phase("GIL example with the mutex around the check and the pop");
        let with_mutex = pop_race(ctx, items, true)?;
        ctx.step(format!(
            "with mutex: {} IndexErrors, {} of {items} items consumed",
            with_mutex.errors, with_mutex.consumed
        ))?;

        let mut s = Map::new();
        s.insert("watched_total".into(), json!(watched.0));
        s.insert("watched_lost".into(), json!(watched.1));
        s.insert("expected".into(), json!(expected));
        s.insert("unlocked_total".into(), json!(unlocked));
        s.insert("locked_total".into(), json!(locked));
        s.insert("lost_updates".into(), json!(expected - unlocked));
        s.insert("items".into(), json!(items));
        s.insert("pop_errors_unlocked".into(), json!(no_mutex.errors));
        s.insert("pop_errors_locked".into(), json!(with_mutex.errors));
        s.insert("consumed_unlocked".into(), json!(no_mutex.consumed));
        s.insert("consumed_locked".into(), json!(with_mutex.consumed));
        Ok(s)
    }
}
