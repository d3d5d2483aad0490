//! The `exceptions` demo: the deck's "Handling Exceptions". A worker panics
//! (raises) inside its critical section:
//!
//! - without a guard — `lock.acquire()`, work, `lock.release()`, no
//!   try/finally — the release never happens and every other worker hangs
//!   on the lock (detected: no progress for `hang_ms`, the lock still held,
//!   its holder dead);
//! - with a guard — `lock.guard()`, Python's `with lock:` (try/finally) —
//!   the lock is released as the panic unwinds and the others finish.
//!
//! Then the outer handler: the main thread's work fails, and the handler
//! shuts every thread down (a stop Event, then join) whatever the failure —
//! swallowing an ordinary exception, but passing SystemExit and
//! KeyboardInterrupt on (modelled as a [`Raised`] unwind payload that the
//! handler re-raises), unlike a bare `except:`.
//!
//! The workers' exceptions go to a per-thread excepthook (an error event),
//! not to the default hook's stderr print: they unwind with
//! `resume_unwind`, which never runs Rust's panic hook, so no "thread
//! 'worker-1' panicked at ..." line reaches stderr, headless or not. (A
//! real bug still panics, and is reported by the hook.)

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Event, ExceptHookArgs, Lock, Thread};

use super::control::{Control, STEP_AT_1X};
use super::kit::{Crew, TICK};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, Narrator};
use super::trace::lane_observer;

/// The demo, for the registry.
pub static DEMO: ExceptionsDemo = ExceptionsDemo;

/// `exceptions`: try/finally and the outer try/except.
pub struct ExceptionsDemo;

/// What the `exceptions` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "exceptions",
    title: "Handling exceptions: try/finally and the outer block",
    about: "a worker raises while holding a lock: without finally the others hang, with it they finish; the outer handler",
    explain: "Each worker does some work, then updates shared data inside a critical section. \
worker-1 raises an exception (here: a Rust panic) in the middle of its critical section.\n\n\
Without a guard (acquire, update, release — no try/finally) the release is skipped: the \
lock stays locked with its holder dead, and every other worker waits for it forever. The \
demo sees no progress for hang_ms, reports the hang, and shuts the workers down through \
the outer handler's stop Event. With a guard — lock.guard() here, `with lock:` or \
try/finally in Python — the lock is released as the exception passes, and the others \
finish. The exception itself ends only its own thread: it goes to the thread's \
excepthook (threading.excepthook, Python 3.8+), shown here as an error.\n\n\
The outer block: whatever goes wrong in the main thread, stop every thread (set a stop \
Event, join them). An ordinary exception is handled and logged; SystemExit and \
KeyboardInterrupt must be passed on, not swallowed — the last case shows a bare \
`except:` eating a KeyboardInterrupt. Since Python 2.5 both derive from BaseException, so \
`except Exception:` lets them through; in the deck's era they did not, hence its warning.",
    params: &[
        ParamSpec {
            key: "workers",
            help: "worker threads sharing the lock",
            kind: ParamKind::Int {
                default: 4,
                min: 2,
                max: 16,
            },
        },
        ParamSpec {
            key: "items",
            help: "critical sections each worker runs",
            kind: ParamKind::Int {
                default: 5,
                min: 1,
                max: 50,
            },
        },
        ParamSpec {
            key: "item_ms",
            help: "milliseconds of work before each critical section",
            kind: ParamKind::Int {
                default: 10,
                min: 0,
                max: 200,
            },
        },
        ParamSpec {
            key: "fail_at",
            help: "the item at which worker-1 raises (at most items)",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 50,
            },
        },
        ParamSpec {
            key: "hang_ms",
            help: "no progress for this long counts as hung",
            kind: ParamKind::Int {
                default: 300,
                min: 50,
                max: 5000,
            },
        },
    ],
};

/// Python exceptions the demo raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PyExc {
    /// An ordinary exception (derives from `Exception`).
    ValueError,
    /// Ctrl-C (derives from `BaseException` only, since Python 2.5).
    KeyboardInterrupt,
    /// `sys.exit()` (derives from `BaseException` only, since Python 2.5).
    SystemExit,
}

impl PyExc {
    /// The class name.
    pub fn name(self) -> &'static str {
        match self {
            PyExc::ValueError => "ValueError",
            PyExc::KeyboardInterrupt => "KeyboardInterrupt",
            PyExc::SystemExit => "SystemExit",
        }
    }

    /// Must an outer handler pass it on rather than handle it?
    pub fn must_pass_on(self) -> bool {
        matches!(self, PyExc::KeyboardInterrupt | PyExc::SystemExit)
    }
}

/// The payload of a raised Python exception: how the outer handler tells
/// KeyboardInterrupt and SystemExit from ordinary failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised(pub PyExc);

/// `raise exc`: unwinds with a [`Raised`] payload (through
/// `resume_unwind`, so Rust's panic hook prints nothing: this is a
/// modelled exception, not a bug).
pub fn raise(exc: PyExc) -> ! {
    resume_unwind(Box::new(Raised(exc)))
}

/// One run of the workers around a shared lock.
struct Shop {
    lock: Lock,
    stop: Event,
    /// The shared data the critical sections update.
    shared: Mutex<Vec<(usize, usize)>>,
    progress: AtomicU64,
    finished: Vec<AtomicBool>,
    /// Workers inside `lock.acquire()` right now.
    waiting: AtomicU64,
}

/// What a worker does; `guarded` chooses `with lock:` over bare
/// acquire/release. Worker 1 raises at item `fail_at`.
#[allow(clippy::too_many_arguments)]
fn worker(
    shop: &Shop,
    w: usize,
    items: usize,
    item_ms: Duration,
    fail_at: usize,
    guarded: bool,
    control: &Control,
    say: &Narrator,
) {
    for item in 1..=items {
        if control.sleep(item_ms).is_err() || shop.stop.is_set() {
            return;
        }
        let fail = w == 1 && item == fail_at;
        let critical = || {
            shop.shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((w, item));
            let said = if fail {
                say.key_step(format!(
                    "worker-{w} raises ValueError on item {item} inside the critical section: {}",
                    if guarded {
                        "the with block releases the lock as the exception passes"
                    } else {
                        "lock.release() is skipped, the lock stays locked"
                    }
                ))
            } else {
                say.step(format!(
                    "worker-{w} {} and updates the shared list with item {item}",
                    if guarded {
                        "enters `with lock:`"
                    } else {
                        "holds the lock"
                    }
                ))
            };
            if said.is_err() {
                return;
            }
            if fail {
                // The demo's intended exception: unwound without Rust's
                // panic hook (no "thread 'worker-1' panicked at src/…"
                // on stderr); the crew reports it as the demo does.
                resume_unwind(Box::new(format!("ValueError: bad item {item}")));
            }
        };
        if guarded {
            // with lock:   (try/finally: released however we leave)
            let _g = shop.lock.guard();
            critical();
        } else {
            // lock.acquire() — timed, so the outer handler can stop us.
            shop.waiting.fetch_add(1, Ordering::SeqCst);
            while !shop.lock.acquire_timeout(TICK) {
                if shop.stop.is_set() || control.is_cancelled() {
                    shop.waiting.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
            }
            shop.waiting.fetch_sub(1, Ordering::SeqCst);
            critical(); // a raise here skips the release
            let _ = shop.lock.release();
        }
        shop.progress.fetch_add(1, Ordering::SeqCst);
    }
    shop.finished[w - 1].store(true, Ordering::SeqCst);
}

/// How a workers' run ended.
struct Outcome {
    /// No progress for `hang_ms` while workers were still alive.
    hung: bool,
    stuck: usize,
    lock_held: bool,
    completed: usize,
    done_items: u64,
}

/// Start the workers, watch for a hang, then stop them (the outer
/// handler's `stop.set()` and join).
fn workers_run(
    ctx: &Ctx,
    guarded: bool,
    hooked: &Arc<Mutex<Vec<String>>>,
) -> Result<Outcome, DemoFailure> {
    let p = &ctx.params;
    let n = p.usize("workers").max(2);
    let items = p.usize("items").max(1);
    let item_ms = Duration::from_millis(p.int("item_ms").max(0) as u64);
    let fail_at = p.usize("fail_at").clamp(1, items);
    let hang = Duration::from_millis(p.int("hang_ms").max(1) as u64)
        .max(item_ms * 3 + Duration::from_millis(100));
    let obs = lane_observer(ctx.sink());
    let shop = Arc::new(Shop {
        lock: Lock::with_observer("lock", obs.clone()),
        stop: Event::with_observer("stop", obs),
        shared: Mutex::new(Vec::new()),
        progress: AtomicU64::new(0),
        finished: (0..n).map(|_| AtomicBool::new(false)).collect(),
        waiting: AtomicU64::new(0),
    });
    ctx.step(format!(
        "{n} workers start, each {} the shared list; worker-1 will raise at item {fail_at}",
        if guarded {
            "updating under `with lock:`"
        } else {
            "calling lock.acquire(), updating and lock.release() on"
        }
    ))?;
    let mut crew = Crew::new(ctx);
    for w in 1..=n {
        let (shop, control, say) = (Arc::clone(&shop), Arc::clone(&ctx.control), ctx.narrator());
        let builder = Thread::builder()
            .daemon(false)
            .excepthook(hook(ctx.narrator(), hooked));
        crew.spawn_with(builder, format!("worker-{w}"), move || {
            worker(&shop, w, items, item_ms, fail_at, guarded, &control, &say)
        })?;
    }
    // Watch: all done, or no progress for `hang`. Time the demo is paused
    // does not count, and while it is slowed down the workers' narrated
    // steps get their time too: neither is a hang.
    let mut last = (0, Duration::ZERO);
    let mut hung = false;
    while crew.alive() > 0 {
        let paused = ctx.control.is_paused();
        let t = Instant::now();
        ctx.sleep(Duration::from_millis(10))?;
        let now = shop.progress.load(Ordering::SeqCst);
        ctx.count("critical sections done", now as f64);
        if now != last.0 {
            last = (now, Duration::ZERO);
            continue;
        }
        if !paused && !ctx.control.is_paused() {
            last.1 += t.elapsed();
        }
        let speed = ctx.control.speed();
        let allowed = if speed.is_finite() {
            hang + STEP_AT_1X.div_f64(speed) * (n as u32 + 2)
        } else {
            hang
        };
        if last.1 >= allowed {
            hung = true;
            break;
        }
    }
    // Threads waiting for the lock (not the one that raised, which may
    // still be busy in Rust's panic hook).
    let stuck = shop.waiting.load(Ordering::SeqCst) as usize;
    let lock_held = shop.lock.locked();
    if hung {
        ctx.log(format!(
            "hung: no progress for {} ms; {stuck} worker(s) still waiting for the lock, which is locked ({lock_held}) by a thread that is gone",
            hang.as_millis()
        ));
        ctx.error(format!(
            "{stuck} worker(s) hung on a lock that was never released (no try/finally)"
        ));
        ctx.key_step(format!(
            "{stuck} worker(s) wait forever for the lock: worker-1 raised while holding it and is gone"
        ))?;
    }
    // The outer handler: stop everyone, wait for them.
    shop.stop.set();
    crew.join_all();
    ctx.count(
        "critical sections done",
        shop.progress.load(Ordering::SeqCst) as f64,
    );
    let completed = shop
        .finished
        .iter()
        .filter(|f| f.load(Ordering::SeqCst))
        .count();
    Ok(Outcome {
        hung,
        stuck,
        lock_held,
        completed,
        done_items: shop.progress.load(Ordering::SeqCst),
    })
}

/// A per-thread excepthook: record the exception and show it as an error
/// (instead of the default hook's print to stderr).
fn hook(
    say: Narrator,
    seen: &Arc<Mutex<Vec<String>>>,
) -> impl Fn(&ExceptHookArgs) + Send + Sync + 'static {
    let seen = Arc::clone(seen);
    move |a: &ExceptHookArgs| {
        let text = format!("Exception in thread {}: {}", a.thread_name, a.message);
        say.sink().error(text.clone());
        seen.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(text.clone());
        let _ = say.key_step(format!(
            "the exception reached the end of {}: threading.excepthook prints \"{text}\"",
            a.thread_name
        ));
    }
}

/// The outer block around the main thread's work:
///
/// ```python
/// try:
///     main_work()
/// except (KeyboardInterrupt, SystemExit):
///     raise                   # pass them on (finally still runs)
/// except Exception:
///     log it
/// finally:
///     stop.set(); join every worker
/// ```
///
/// With `bare = true`, the mistake: a bare `except:` that handles
/// everything. Returns how it was handled; re-raises what must pass.
fn outer_block(
    ctx: &Ctx,
    crew: &mut Crew,
    stop: &Event,
    bare: bool,
    work: impl FnOnce(),
) -> String {
    let result = catch_unwind(AssertUnwindSafe(work));
    // finally:
    stop.set();
    crew.join_all();
    ctx.log("finally: stop.set() and every worker joined");
    match result {
        Ok(()) => "no exception".into(),
        Err(payload) => {
            let exc = payload.downcast_ref::<Raised>().map(|r| r.0);
            match exc {
                Some(e) if e.must_pass_on() && !bare => {
                    ctx.log(format!(
                        "except (KeyboardInterrupt, SystemExit): raise — {} passed on",
                        e.name()
                    ));
                    resume_unwind(payload)
                }
                Some(e) => {
                    let how = if bare {
                        "bare except: swallowed"
                    } else {
                        "except Exception: logged"
                    };
                    ctx.log(format!("{how} {}", e.name()));
                    format!("{how} {}", e.name())
                }
                None => {
                    // Not one of ours: a real bug — pass it on too.
                    resume_unwind(payload)
                }
            }
        }
    }
}

/// The summary in words.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let yes = |k: &str| s[k].as_bool() == Some(true);
    let mut rows = vec![
        (
            "without try/finally".to_string(),
            if yes("hung_without_guard") {
                format!(
                    "hung: {} worker(s) waited forever for a lock left locked",
                    s["stuck_threads"].as_u64().unwrap_or(0)
                )
            } else {
                "did not hang this time".into()
            },
        ),
        (
            "with lock: (try/finally)".into(),
            format!(
                "{}; the lock was {} afterwards",
                if yes("completed_with_guard") {
                    "every other worker finished"
                } else {
                    "NOT every other worker finished"
                },
                if yes("lock_held_with_guard") {
                    "STILL LOCKED"
                } else {
                    "free"
                }
            ),
        ),
        (
            "excepthook".into(),
            format!(
                "{} exceptions reached a thread's end and were reported",
                s["exceptions_reported"].as_u64().unwrap_or(0)
            ),
        ),
    ];
    if let Some(outer) = s["outer"].as_object() {
        for (exc, verdict) in outer {
            rows.push((exc.clone(), verdict.as_str().unwrap_or("").to_string()));
        }
    }
    rows.push((
        "threads left".into(),
        s["threads_left"].as_u64().unwrap_or(0).to_string(),
    ));
    rows
}

impl Demo for ExceptionsDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let hooked = Arc::new(Mutex::new(Vec::new()));

        ctx.phase("no try/finally: acquire, update, release");
        let bare = workers_run(ctx, false, &hooked)?;
        ctx.log(format!(
            "without a guard: {} of the workers finished; hung: {}",
            bare.completed, bare.hung
        ));

        ctx.phase("with lock: (try/finally) — lock.guard()");
        let guarded = workers_run(ctx, true, &hooked)?;
        let n = ctx.params.usize("workers").max(2);
        let items = ctx.params.usize("items").max(1);
        let fail_at = ctx.params.usize("fail_at").clamp(1, items);
        // Everyone but worker-1 finishes; worker-1 did fail_at - 1 items.
        let completed_with_guard = !guarded.hung
            && !guarded.lock_held
            && guarded.completed == n - 1
            && guarded.done_items == ((n - 1) * items + fail_at - 1) as u64;
        ctx.log(format!(
            "with a guard: {} of {} workers finished (worker-1 raised), lock held afterwards: {}",
            guarded.completed, n, guarded.lock_held
        ));

        ctx.phase("the outer block: stop every thread, pass KeyboardInterrupt and SystemExit on");
        let mut outer = Map::new();
        let mut threads_left = 0;
        for (exc, bare_except) in [
            (PyExc::ValueError, false),
            (PyExc::KeyboardInterrupt, false),
            (PyExc::SystemExit, false),
            (PyExc::KeyboardInterrupt, true),
        ] {
            ctx.checkpoint()?;
            let stop = Arc::new(Event::with_observer("stop", lane_observer(ctx.sink())));
            let mut crew = Crew::new(ctx);
            for w in 1..=n.min(3) {
                let (stop, control) = (Arc::clone(&stop), Arc::clone(&ctx.control));
                crew.spawn(format!("worker-{w}"), move || {
                    // while not stop.is_set(): work
                    while !stop.wait_timeout(TICK) && control.checkpoint().is_ok() {}
                })?;
            }
            let label = format!(
                "{}{}",
                exc.name(),
                if bare_except { " (bare except:)" } else { "" }
            );
            // The "interpreter": whatever escapes the outer block ends up here.
            ctx.step(format!(
                "MainThread raises {} inside the outer try{}",
                exc.name(),
                if bare_except {
                    " (with a bare except:)"
                } else {
                    ""
                }
            ))?;
            let top = catch_unwind(AssertUnwindSafe(|| {
                outer_block(ctx, &mut crew, &stop, bare_except, || {
                    let _ = ctx.sleep(Duration::from_millis(30));
                    raise(exc)
                })
            }));
            threads_left += crew.alive();
            let verdict = match top {
                Ok(handled) => handled,
                Err(payload) => match payload.downcast_ref::<Raised>() {
                    Some(r) => {
                        let s = format!("{} passed on to the top level", r.0.name());
                        ctx.log(format!(
                            "top level: {s} (the program would exit{})",
                            if r.0 == PyExc::KeyboardInterrupt {
                                " with status 130"
                            } else {
                                ""
                            }
                        ));
                        s
                    }
                    None => resume_unwind(payload),
                },
            };
            ctx.key_step(format!(
                "{label}: {verdict}; every worker was stopped and joined"
            ))?;
            outer.insert(label, json!(verdict));
        }
        let passed = |k: &str| {
            outer
                .get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains("passed on"))
        };
        let ki = passed("KeyboardInterrupt");
        let se = passed("SystemExit");
        let swallowed = outer
            .get("KeyboardInterrupt (bare except:)")
            .and_then(Value::as_str)
            .is_some_and(|s| s.contains("swallowed"));
        let hooked = hooked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();

        let mut m = Map::new();
        m.insert("hung_without_guard".into(), json!(bare.hung));
        m.insert("completed_with_guard".into(), json!(completed_with_guard));
        m.insert("stuck_threads".into(), json!(bare.stuck));
        m.insert("lock_held_without_guard".into(), json!(bare.lock_held));
        m.insert("lock_held_with_guard".into(), json!(guarded.lock_held));
        m.insert("workers".into(), json!(n));
        m.insert("exceptions_reported".into(), json!(hooked.len()));
        m.insert("excepthook".into(), json!(hooked));
        m.insert("outer".into(), Value::Object(outer));
        m.insert("keyboard_interrupt_passed_on".into(), json!(ki));
        m.insert("system_exit_passed_on".into(), json!(se));
        m.insert("bare_except_swallowed".into(), json!(swallowed));
        m.insert("threads_left".into(), json!(threads_left));
        m.insert(
            "critical_sections_with_guard".into(),
            json!(guarded.done_items),
        );
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_in_words() {
        let rows = super::describe(
            &serde_json::json!({"hung_without_guard": true, "stuck_threads": 3, "completed_with_guard": true,
            "lock_held_with_guard": false, "exceptions_reported": 2, "threads_left": 0,
            "outer": {"ValueError": "except Exception: logged ValueError"}}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.contains(&"hung: 3 worker(s) waited forever for a lock left locked"),
            "{values:?}"
        );
        assert!(
            values.contains(&"except Exception: logged ValueError"),
            "{values:?}"
        );
    }
}
