//! `gil` — a small bytecode interpreter with a Global Interpreter Lock.
//!
//! `for i in range(n): total += 1` is compiled ([`bytecode`]) to the
//! instructions CPython 3.11 produces for it, and run by interpreter threads
//! ([`interp`]) that are real OS threads (pythreading `Thread`s). With the
//! GIL a thread must hold it to execute and hands it over every
//! `switch_interval` instructions; free-threaded, all threads run at once.
//!
//! The demo's phases:
//! 1. "dis this": the listing, and the four instructions of `total += 1`.
//! 2. "GIL in Action — which is faster?": one thread doing 2n iterations
//!    against two threads doing n each, with the GIL and free-threaded;
//!    each thread counts into its own `total`, so the runs measure the
//!    interpreter and the GIL, not contention on one variable.
//! 3. A shared `total`: without a lock a switch that lands between
//!    LOAD_NAME and STORE_NAME loses the other thread's updates (with
//!    `check_at=any` the switch check runs between any two instructions,
//!    so it lands there by construction); with `lock.acquire()` /
//!    `lock.release()` around the statement none are lost. The same
//!    free-threaded: a real race between the load and the store.
//! 4. I/O: `time.sleep()` releases the GIL, so two threads sleeping k times
//!    each take about half as long as one thread sleeping 2k times.

#![warn(missing_docs)]

pub mod bytecode;
pub mod interp;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use self::bytecode::Code;
use self::interp::{Binding, CheckAt, Env, Gil, Mode, Stop, ThreadStats};
use super::kit::Crew;
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, number};

/// The demo (see the module docs).
pub struct GilDemo;

/// The registered instance.
pub static DEMO: GilDemo = GilDemo;

/// The CPython version whose bytecode the compiler reproduces.
pub const PYTHON_VERSION: &str = "3.11";

/// Id, texts and parameters.
pub static INFO: DemoInfo = DemoInfo {
    id: "gil",
    title: "The GIL: a bytecode interpreter with a Global Interpreter Lock",
    about: "for i in range(n): total += 1 on a tiny bytecode interpreter: GIL vs free-threaded, lost updates, I/O",
    explain: "Only the thread holding the GIL runs bytecode; the lanes show it passing from thread \
to thread (█ holding the GIL, ░ waiting for it). So two CPU-bound threads are no faster than \
one — which answers the deck's \"GIL in Action: which is faster?\" — and here clearly slower, \
because every hand-over is an OS-level wake-up and this interpreter hands over every \
`switch_interval` instructions (raise it and the gap shrinks; CPython 3 hands over every 5 ms). \
Without a GIL (free-threaded) both threads run on both cores at once.\n\n\
`total += 1` is four bytecodes: LOAD_NAME total, LOAD_CONST 1, BINARY_OP (+=), STORE_NAME \
total, as CPython 3.11 to 3.13 show them (3.14 loads the 1 with LOAD_SMALL_INT instead). A switch may land between the load and the store; the thread then stores a stale value \
and every increment the other thread made meanwhile is lost. A Lock around the statement \
makes it whole again. Free-threaded the race is real and worse — both threads load and store \
at the same time. To show it on every run, this interpreter widens the window: free-threaded, \
a thread offers its core to the other between loading `total` and storing it (as a slow \
`+=` written in Python would); in 20 headless runs at the default parameters all 20 lost \
updates.\n\n\
Step with `.`: each GIL hand-over and each lost update (a thread storing a stale `total` over \
the other's increments) is narrated, the first few of each run; `>` jumps to the next lost \
update.\n\n\
When may a switch happen? In the deck's Python 2, sys.setcheckinterval(n) let the interpreter \
switch every n bytecodes (default 10, later 100), between any two: `check_at=any`. Python 3.2 \
replaced it with sys.setswitchinterval (a time, default 0.005 s; setcheckinterval was removed \
in 3.9), and since 3.10 the interpreter only honours a switch request at certain instructions, \
such as backward jumps and calls: `check_at=jumps`. That is why a plain `total += 1` loop on ints \
rarely loses updates in today's CPython (try it), yet it is still not atomic: a method written \
in Python, a property or a free-threaded build (3.13+, PEP 703) brings the race back.\n\n\
Blocking I/O releases the GIL (so does time.sleep): in the I/O phase two sleeping threads \
finish in about half the time of one — threads still help I/O-bound code.",
    params: &[
        ParamSpec {
            key: "n",
            help: "loop iterations per thread (one thread alone does 2n)",
            kind: ParamKind::Int {
                default: 20_000,
                min: 10,
                max: 10_000_000,
            },
        },
        ParamSpec {
            key: "switch_interval",
            help: "instructions between GIL hand-overs (the deck's sys.setcheckinterval)",
            kind: ParamKind::Int {
                default: 100,
                min: 1,
                max: 1_000_000,
            },
        },
        ParamSpec {
            key: "check_at",
            help: "where a due switch may happen: any instruction (Python 2) or jumps and calls (3.10+)",
            kind: ParamKind::Choice {
                default: "any",
                choices: &["any", "jumps"],
            },
        },
        ParamSpec {
            key: "io_sleeps",
            help: "time.sleep() calls per thread in the I/O phase (0 skips it)",
            kind: ParamKind::Int {
                default: 10,
                min: 0,
                max: 10_000,
            },
        },
        ParamSpec {
            key: "io_ms",
            help: "milliseconds per time.sleep()",
            kind: ParamKind::Int {
                default: 5,
                min: 0,
                max: 1_000,
            },
        },
    ],
};

/// What one run of a program on some threads gave.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// Wall time from releasing the threads to the last one finishing.
    pub wall_s: f64,
    /// The shared `total` at the end (when it was shared).
    pub shared_total: Option<i64>,
    /// Each thread's own `total` (when it was private).
    pub private_totals: Vec<i64>,
    /// Forced GIL switches.
    pub switches: u64,
    /// Switches that left a loaded, unstored `total` behind.
    pub risky_switches: u64,
    /// Instructions executed by all threads.
    pub instructions: u64,
}

/// Runs `code` on `threads` interpreter threads. The controller holds the
/// GIL until every thread is waiting for it (free-threaded: until all are
/// started), so they all begin together.
pub fn run_program(
    ctx: &Ctx,
    code: Arc<Code>,
    threads: usize,
    mode: Mode,
    shared_total: bool,
) -> Result<RunOutcome, DemoFailure> {
    let env = Arc::new(Env::for_code(&code, shared_total));
    let gil = match mode {
        Mode::Gil { .. } => Some(Arc::new(Gil::held_by_main())),
        Mode::Free => None,
    };
    let go = Arc::new(AtomicBool::new(false));
    let results: Arc<Mutex<Vec<ThreadStats>>> = Arc::new(Mutex::new(Vec::new()));
    let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let logged = Arc::new(AtomicU64::new(0));
    let narrated = Arc::new(AtomicU64::new(0));
    let dis = Arc::new(interp::DisView::new(&code, threads));
    let mut crew = Crew::new(ctx).unobserved();
    for t in 1..=threads {
        let (code, env, gil, go) = (
            Arc::clone(&code),
            Arc::clone(&env),
            gil.clone(),
            Arc::clone(&go),
        );
        let (results, failure, logged, dis, narrated) = (
            Arc::clone(&results),
            Arc::clone(&failure),
            Arc::clone(&logged),
            Arc::clone(&dis),
            Arc::clone(&narrated),
        );
        let say = ctx.narrator();
        let (control, sink) = (Arc::clone(&ctx.control), ctx.sink());
        let name = format!("Thread-{t}");
        crew.spawn(name.clone(), move || {
            if gil.is_none() {
                while !go.load(Ordering::Acquire) {
                    if control.is_cancelled() {
                        return;
                    }
                    std::thread::yield_now();
                }
            }
            let cx = interp::Ctx {
                me: t,
                name: &name,
                mode,
                gil: gil.as_deref(),
                control: &control,
                sink: &sink,
                logged: &logged,
                say: &say,
                narrated: &narrated,
                dis: &dis,
            };
            match interp::run(&code, &env, &cx) {
                Ok(stats) => results
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(stats),
                Err(Stop::Cancelled) => {}
                Err(Stop::Error(e)) => {
                    sink.error(format!("{name}: {e}"));
                    *failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
                }
            }
        })?;
    }
    let t0 = match &gil {
        Some(g) => {
            while g.wanting() < threads {
                ctx.sleep(Duration::from_millis(1))?;
            }
            let t0 = Instant::now();
            g.main_release(&ctx.control)?;
            t0
        }
        None => {
            let t0 = Instant::now();
            go.store(true, Ordering::Release);
            t0
        }
    };
    crew.join()?;
    let wall_s = t0.elapsed().as_secs_f64();
    if let Some(e) = failure
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    {
        return Err(DemoFailure::Failed(e));
    }
    let stats = results
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let total_slot =
        code.names
            .iter()
            .position(|n| *n == "total")
            .and_then(|i| match env.bindings[i] {
                Binding::Local(s) => Some(s),
                _ => None,
            });
    Ok(RunOutcome {
        wall_s,
        shared_total: env.shared_value(&code, "total"),
        private_totals: match total_slot {
            Some(s) => stats.iter().map(|st| st.locals[s]).collect(),
            None => Vec::new(),
        },
        switches: gil.as_ref().map_or(0, |g| g.switches()),
        risky_switches: stats.iter().map(|s| s.risky_switches).sum(),
        instructions: stats.iter().map(|s| s.instructions).sum(),
    })
}

fn ms(s: f64) -> u64 {
    (s * 1000.0).round() as u64
}

fn round6(s: f64) -> f64 {
    (s * 1e6).round() / 1e6
}

/// The summary in words.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let f = |k: &str| s[k].as_f64().unwrap_or(0.0);
    let i = |k: &str| s[k].as_i64().unwrap_or(0);
    let ms = |k: &str| format!("{} ms", number(f(k) * 1000.0));
    let expected = i("expected_total");
    let slowed = if s["paced"].as_bool() == Some(true) {
        " (slowed down to be watched: not the real speed)"
    } else {
        ""
    };
    let mut rows = vec![
        (
            "which is faster?".to_string(),
            format!(
                "one thread {}, two threads with the GIL {}, two free-threaded {}{slowed}",
                ms("one_thread_s"),
                ms("two_threads_gil_s"),
                ms("two_threads_free_s")
            ),
        ),
        (
            "GIL, no lock".into(),
            format!(
                "total = {} of {expected}: {} updates lost; {} of {} hand-overs fell between load and store",
                i("total_unlocked"),
                i("lost_updates_gil"),
                i("risky_switches"),
                i("switches")
            ),
        ),
        (
            "GIL, with lock".into(),
            format!("total = {} of {expected}", i("total_locked")),
        ),
        (
            "free-threaded, no lock".into(),
            format!(
                "total = {} of {expected}: {} updates lost",
                i("total_unlocked_free"),
                i("lost_updates_free")
            ),
        ),
        (
            "free-threaded, lock".into(),
            format!("total = {} of {expected}", i("total_locked_free")),
        ),
    ];
    if let (Some(one), Some(two)) = (
        s["io_one_thread_s"].as_f64(),
        s["io_two_threads_s"].as_f64(),
    ) {
        rows.push((
            "I/O (time.sleep)".into(),
            format!(
                "one thread {} ms, two threads {} ms: sleeping releases the GIL{slowed}",
                number(one * 1000.0),
                number(two * 1000.0)
            ),
        ));
    }
    rows.push((
        "switches".into(),
        format!(
            "every {} instructions, at {} (Python {} bytecode)",
            i("switch_interval"),
            if s["check_at"].as_str() == Some("jumps") {
                "jumps and calls only"
            } else {
                "any instruction"
            },
            s["python_version"].as_str().unwrap_or(PYTHON_VERSION)
        ),
    ));
    rows
}

impl Demo for GilDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let n = ctx.params.int("n").max(1);
        let interval = ctx.params.int("switch_interval").max(1) as u64;
        let check_at = if ctx.params.text("check_at") == "jumps" {
            CheckAt::Jumps
        } else {
            CheckAt::Any
        };
        let io_sleeps = ctx.params.int("io_sleeps").max(0);
        let io_secs = ctx.params.int("io_ms").max(0) as f64 / 1000.0;
        let gil = Mode::Gil { interval, check_at };
        let expected = 2 * n;

        // 1. dis this.
        ctx.phase("dis this: total += 1");
        ctx.step(
            "dis this: total += 1 is four bytecodes, LOAD_NAME, LOAD_CONST, BINARY_OP, STORE_NAME",
        )?;
        let stmt = bytecode::increment();
        let names = stmt.statement_names();
        for line in stmt.listing() {
            ctx.log(line);
        }
        let plain = Arc::new(bytecode::counting_loop(n, false));
        let locked = Arc::new(bytecode::counting_loop(n, true));
        ctx.log(format!("the loop ({}):", plain.source.replace('\n', " ")));
        for line in plain.listing() {
            ctx.log(line);
        }

        // 2. GIL in Action: which is faster?
        ctx.phase(format!("GIL in Action: one thread, {expected} iterations"));
        let one = run_program(
            ctx,
            Arc::new(bytecode::counting_loop(expected, false)),
            1,
            gil,
            false,
        )?;
        let one_total = one.private_totals.first().copied().unwrap_or(0);
        ctx.log(format!(
            "one thread: {:.1} ms, total = {one_total}",
            one.wall_s * 1e3
        ));
        ctx.phase(format!("two threads, {n} iterations each, with the GIL"));
        let two_gil = run_program(ctx, Arc::clone(&plain), 2, gil, false)?;
        ctx.log(format!(
            "two threads with the GIL: {:.1} ms, {} hand-overs",
            two_gil.wall_s * 1e3,
            two_gil.switches
        ));
        ctx.phase(format!("two threads, {n} iterations each, free-threaded"));
        let two_free = run_program(ctx, Arc::clone(&plain), 2, Mode::Free, false)?;
        ctx.log(format!(
            "two threads free-threaded: {:.1} ms",
            two_free.wall_s * 1e3
        ));
        ctx.histogram_of(
            "wall time, ms (which is faster?)",
            "ms",
            vec![
                (format!("one thread, {expected} iterations"), ms(one.wall_s)),
                ("two threads, GIL".into(), ms(two_gil.wall_s)),
                ("two threads, free-threaded".into(), ms(two_free.wall_s)),
            ],
        );
        let private_ok = two_gil.private_totals.iter().all(|&t| t == n)
            && two_free.private_totals.iter().all(|&t| t == n);

        // 3. A shared total.
        ctx.phase("shared total, no lock, with the GIL");
        let unlocked = run_program(ctx, Arc::clone(&plain), 2, gil, true)?;
        let total_unlocked = unlocked.shared_total.unwrap_or(0);
        ctx.log(format!(
            "GIL, no lock: total = {total_unlocked} of {expected}; {} of {} switches landed between LOAD_NAME and STORE_NAME",
            unlocked.risky_switches, unlocked.switches
        ));
        ctx.phase("shared total, lock.acquire() / lock.release(), with the GIL");
        let with_lock = run_program(ctx, Arc::clone(&locked), 2, gil, true)?;
        let total_locked = with_lock.shared_total.unwrap_or(0);
        ctx.log(format!(
            "GIL, with lock: total = {total_locked} of {expected}"
        ));
        ctx.phase("shared total, no lock, free-threaded");
        let free_unlocked = run_program(ctx, Arc::clone(&plain), 2, Mode::Free, true)?;
        let total_unlocked_free = free_unlocked.shared_total.unwrap_or(0);
        ctx.log(format!(
            "free-threaded, no lock: total = {total_unlocked_free} of {expected}"
        ));
        ctx.phase("shared total, with the lock, free-threaded");
        let free_locked = run_program(ctx, Arc::clone(&locked), 2, Mode::Free, true)?;
        let total_locked_free = free_locked.shared_total.unwrap_or(0);
        ctx.log(format!(
            "free-threaded, with lock: total = {total_locked_free} of {expected}"
        ));
        let bar = |v: i64| v.max(0) as u64;
        ctx.histogram(
            "total after 2 × n increments",
            vec![
                ("expected".into(), bar(expected)),
                ("GIL, no lock".into(), bar(total_unlocked)),
                ("GIL, lock".into(), bar(total_locked)),
                ("free-threaded, no lock".into(), bar(total_unlocked_free)),
                ("free-threaded, lock".into(), bar(total_locked_free)),
            ],
        );

        // 4. I/O releases the GIL.
        let (mut io_one, mut io_two) = (None, None);
        if io_sleeps > 0 {
            ctx.phase(format!(
                "I/O: one thread, {} × time.sleep({io_secs})",
                2 * io_sleeps
            ));
            let one = run_program(
                ctx,
                Arc::new(bytecode::sleeping_loop(2 * io_sleeps, io_secs)),
                1,
                gil,
                false,
            )?;
            ctx.phase(format!(
                "I/O: two threads, {io_sleeps} × time.sleep({io_secs}) each, with the GIL"
            ));
            let two = run_program(
                ctx,
                Arc::new(bytecode::sleeping_loop(io_sleeps, io_secs)),
                2,
                gil,
                false,
            )?;
            ctx.log(format!(
                "sleeping: one thread {:.1} ms, two threads {:.1} ms — the GIL is released while sleeping",
                one.wall_s * 1e3,
                two.wall_s * 1e3
            ));
            io_one = Some(round6(one.wall_s));
            io_two = Some(round6(two.wall_s));
        }

        let mut s = Map::new();
        s.insert("bytecode".into(), json!(names));
        s.insert("python_version".into(), json!(PYTHON_VERSION));
        s.insert("loop_listing".into(), json!(plain.listing()));
        s.insert("one_thread_s".into(), json!(round6(one.wall_s)));
        s.insert("two_threads_gil_s".into(), json!(round6(two_gil.wall_s)));
        s.insert("two_threads_free_s".into(), json!(round6(two_free.wall_s)));
        s.insert("one_thread_total".into(), json!(one_total));
        s.insert("private_totals_exact".into(), json!(private_ok));
        s.insert("expected_total".into(), json!(expected));
        s.insert("total_unlocked".into(), json!(total_unlocked));
        s.insert("total_locked".into(), json!(total_locked));
        s.insert("total_unlocked_free".into(), json!(total_unlocked_free));
        s.insert("total_locked_free".into(), json!(total_locked_free));
        s.insert("lost_updates_gil".into(), json!(expected - total_unlocked));
        s.insert(
            "lost_updates_free".into(),
            json!(expected - total_unlocked_free),
        );
        s.insert("switches".into(), json!(unlocked.switches));
        s.insert("risky_switches".into(), json!(unlocked.risky_switches));
        s.insert("instructions".into(), json!(unlocked.instructions));
        s.insert("check_at".into(), json!(ctx.params.text("check_at")));
        s.insert("switch_interval".into(), json!(interval));
        s.insert("io_one_thread_s".into(), json!(io_one));
        s.insert("io_two_threads_s".into(), json!(io_two));
        s.insert("paced".into(), json!(ctx.is_paced()));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_in_words() {
        let rows = super::describe(
            &serde_json::json!({"expected_total": 40000, "total_unlocked": 31200, "lost_updates_gil": 8800,
            "risky_switches": 1200, "switches": 2800, "total_locked": 40000,
            "total_unlocked_free": 24191, "lost_updates_free": 15809, "total_locked_free": 40000,
            "one_thread_s": 0.0068, "two_threads_gil_s": 0.039, "two_threads_free_s": 0.004,
            "io_one_thread_s": 0.1085, "io_two_threads_s": null, "switch_interval": 100,
            "check_at": "any", "python_version": "3.11", "paced": true}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(values.contains(&"total = 31200 of 40000: 8800 updates lost; 1200 of 2800 hand-overs fell between load and store"), "{values:?}");
        assert!(values.contains(&"one thread 6.8 ms, two threads with the GIL 39 ms, two free-threaded 4 ms (slowed down to be watched: not the real speed)"), "{values:?}");
    }
}
