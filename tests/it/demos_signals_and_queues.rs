//! The live demos condition, event, queue, factory, spider, fibonacci and
//! exceptions: their headless summaries' invariants at small parameters,
//! property tests where inputs vary, cancel latency, and the CLI's JSON.

use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::Value;
use threadtutor::demos::fibonacci::{BigUint, describe, fib, parse_n};
use threadtutor::demos::web::Web;
use threadtutor::demos::{DemoEvent, Params, Session, headless, registry};

const MINE: [&str; 7] = [
    "condition",
    "event",
    "queue",
    "factory",
    "spider",
    "fibonacci",
    "exceptions",
];

/// Run a demo headless to its end; its summary.
fn run(id: &str, params: &[&str]) -> Value {
    let demo = registry::find(id).unwrap_or_else(|| panic!("demo {id} is registered"));
    let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    let params = Params::parse(demo.info().params, &pairs).expect("valid parameters");
    let mut out = Vec::new();
    let summary = headless::run(demo, params, false, &mut out);
    summary.unwrap_or_else(|| {
        panic!(
            "{id} gave no summary; its account:\n{}",
            String::from_utf8_lossy(&out)
        )
    })
}

fn u(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is a count in {v}"))
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number in {v}"))
}

fn b(v: &Value, key: &str) -> bool {
    v[key]
        .as_bool()
        .unwrap_or_else(|| panic!("{key} is a bool in {v}"))
}

#[test]
fn registered_in_the_decks_order_with_explanations() {
    let ids: Vec<&str> = registry::all()
        .iter()
        .map(|d| d.info().id)
        .filter(|id| MINE.contains(id))
        .collect();
    assert_eq!(ids, MINE);
    for id in MINE {
        let info = registry::find(id).unwrap().info();
        assert!(!info.about.is_empty() && !info.about.contains('\n'), "{id}");
        let paragraphs = info.explain.split("\n\n").count();
        assert!(
            (2..=4).contains(&paragraphs),
            "{id}: {paragraphs} paragraphs"
        );
        for p in info.params {
            // Every default is within its own limits.
            let text = p.default_value().to_string();
            assert_eq!(p.parse(&text).unwrap(), p.default_value(), "{id}.{}", p.key);
        }
    }
}

#[test]
fn condition_polling_wakes_more_than_notify() {
    let s = run(
        "condition",
        &["items=40", "produce_ms=4", "poll_ms=1", "consumers=2"],
    );
    assert_eq!(u(&s, "items"), 40);
    assert_eq!(u(&s["notify"], "taken"), 40, "{s}");
    assert_eq!(u(&s["polling"], "taken"), 40, "{s}");
    let (n, p) = (u(&s, "notify_wakeups"), u(&s, "polling_wakeups"));
    assert!(p > n, "polling {p} vs notify {n}");
    // A notified waiter wakes about once per item (plus the final notify_all).
    assert!(n <= 40 + 4, "{s}");
    assert!(u(&s["polling"], "wasted") > 0, "{s}");
}

#[test]
fn event_set_wakes_every_waiter_and_notify_wakes_one() {
    let s = run("event", &["waiters=6", "rounds=2", "hold_ms=20"]);
    assert_eq!(u(&s, "waiters"), 6);
    assert_eq!(u(&s, "woken"), 6, "{s}");
    assert_eq!(s["woken_per_round"], serde_json::json!([6, 6]));
    assert_eq!(u(&s, "by_hand_woken"), 6, "{s}");
    assert_eq!(u(&s, "notify_one_woke"), 1, "{s}");
    assert_eq!(u(&s, "notify_one_still_waiting"), 5, "{s}");
}

#[test]
fn queue_full_and_empty_as_designed() {
    // Thread 2 slower than Thread 1 and room for one: put_nowait must fail.
    let s = run(
        "queue",
        &["items=20", "maxsize=1", "work1_ms=0", "work2_ms=3"],
    );
    assert_eq!(u(&s, "items"), 20);
    assert!(b(&s, "in_order"), "{s}");
    assert!(u(&s, "full_errors") >= 1, "{s}");
    assert_eq!(u(&s, "blocked_puts"), u(&s, "full_errors"));
    assert!(u(&s, "empty_errors") >= 1, "{s}");
    assert_eq!(u(&s, "max_fill"), 1);
    // Room for every item: never Full, however the threads are scheduled;
    // the first get_nowait, before anything came back, is always Empty.
    let s = run(
        "queue",
        &["items=10", "maxsize=10", "work1_ms=3", "work2_ms=0"],
    );
    assert_eq!(u(&s, "items"), 10);
    assert_eq!(u(&s, "full_errors"), 0, "{s}");
    assert!(u(&s, "empty_errors") >= 1, "{s}");
}

fn check_factory(s: &Value, bodies: u64, wheels: u64) {
    let made = bodies.min(wheels);
    assert_eq!(u(s, "lost"), 0, "{s}");
    assert_eq!(u(s, "bodies"), bodies, "{s}");
    assert_eq!(u(s, "wheels"), wheels, "{s}");
    assert_eq!(u(s, "assembled"), made, "{s}");
    assert_eq!(u(s, "packaged"), made, "{s}");
    assert_eq!(u(s, "leftover_bodies"), bodies - made, "{s}");
    assert_eq!(u(s, "leftover_wheels"), wheels - made, "{s}");
    let max = u(s, "maxsize");
    for q in ["body", "wheels", "assembly"] {
        assert!(u(&s["max_fill"], q) <= max, "{s}");
    }
}

#[test]
fn factory_loses_nothing_in_both_designs() {
    for design in ["queues", "locks"] {
        let d = format!("design={design}");
        let s = run(
            "factory",
            &[
                &d,
                "bodies=12",
                "wheels=8",
                "body_ms=1",
                "wheels_ms=2",
                "assembly_ms=2",
            ],
        );
        assert_eq!(s["design"], design);
        check_factory(&s, 12, 8);
        let idle = s["idle_ms"].as_object().unwrap();
        let workers: Vec<&str> = idle.keys().map(String::as_str).collect();
        if design == "queues" {
            assert_eq!(workers, ["Assembly", "Body", "Packager", "Wheels"]);
        } else {
            assert_eq!(workers, ["Assembly", "Body", "Wheels"]);
        }
        // A slow Assembly: the producers run into the bounded piles and wait.
        let s = run(
            "factory",
            &[
                &d,
                "bodies=6",
                "wheels=6",
                "body_ms=0",
                "wheels_ms=0",
                "assembly_ms=8",
                "maxsize=1",
            ],
        );
        check_factory(&s, 6, 6);
        assert_eq!(u(&s["max_fill"], "body"), 1, "{s}");
        assert!(f(&s["idle_ms"], "Body") > 10.0, "backpressure: {s}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn factory_balances_any_speeds(
        locks in any::<bool>(),
        bodies in 0u64..10,
        wheels in 0u64..10,
        body_ms in 0u64..3,
        wheels_ms in 0u64..3,
        assembly_ms in 0u64..3,
        maxsize in 1u64..4,
    ) {
        let params = [
            format!("design={}", if locks { "locks" } else { "queues" }),
            format!("bodies={bodies}"),
            format!("wheels={wheels}"),
            format!("body_ms={body_ms}"),
            format!("wheels_ms={wheels_ms}"),
            format!("assembly_ms={assembly_ms}"),
            format!("maxsize={maxsize}"),
        ];
        let refs: Vec<&str> = params.iter().map(String::as_str).collect();
        let s = run("factory", &refs);
        check_factory(&s, bodies, wheels);
    }
}

fn check_spider(s: &Value, seed: u64, pages: usize, pool: u64) {
    let web = Web::generate(seed, pages, Duration::ZERO);
    let reachable = web.reachable().iter().filter(|r| **r).count() as u64;
    assert_eq!(u(s, "pages"), pages as u64);
    assert_eq!(u(s, "reachable"), reachable);
    for mode in ["single", "brute", "pool"] {
        let m = &s["modes"][mode];
        assert_eq!(u(m, "visited"), reachable, "{mode}: {s}");
        assert_eq!(u(m, "fetches"), reachable, "{mode}: {s}");
        assert!(b(m, "exactly_once"), "{mode}: {s}");
        assert!(f(m, "wall_s") >= 0.0);
        assert!(u(m, "max_threads") >= 1, "{mode}: {s}");
    }
    assert_eq!(u(&s["modes"]["single"], "max_threads"), 1);
    assert_eq!(u(&s["modes"]["pool"], "max_threads"), pool);
}

#[test]
fn spider_visits_every_reachable_page_once_in_every_mode() {
    let s = run(
        "spider",
        &["seed=3", "pages=40", "latency_ms=2", "pool=3", "poll_ms=2"],
    );
    check_spider(&s, 3, 40, 3);
    // Each mode reports its wall time (how much the pool beats one thread
    // by is a figure for docs/demos.md, not a timed assertion: a loaded
    // machine can stretch either run).
    for mode in ["single", "pool"] {
        let wall = f(&s["modes"][mode], "wall_s");
        assert!(wall.is_finite() && wall > 0.0, "{mode}: {s}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn spider_exactly_once_for_any_web(seed in 0u64..1_000_000, pages in 1usize..40, pool in 1u64..5) {
        let params = [
            format!("seed={seed}"),
            format!("pages={pages}"),
            "latency_ms=0".to_string(),
            format!("pool={pool}"),
            "poll_ms=1".to_string(),
        ];
        let refs: Vec<&str> = params.iter().map(String::as_str).collect();
        let s = run("spider", &refs);
        check_spider(&s, seed, pages, pool);
    }

    #[test]
    fn bignum_fibonacci_agrees_with_u64_arithmetic(n in 0u64..3000) {
        let m = 1_000_000_000_000u64;
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..n {
            (a, b) = (b, (a + b) % m);
        }
        prop_assert_eq!(fib(n).rem_u64(m), a);
    }
}

#[test]
fn fibonacci_values_and_illegal_input() {
    assert_eq!(fib(90).to_string(), "2880067194370816120");
    let f1000 = fib(1000).to_string();
    assert_eq!(f1000.len(), 209);
    assert!(f1000.ends_with("76137795166849228875"));
    assert_eq!(fib(10_000).last_digits(12), "059947366875");
    assert_eq!(describe(10, &fib(10)), "F(10) = 55");
    assert_eq!(
        describe(1000, &fib(1000)),
        "F(1000) ends in ...166849228875"
    );
    assert_eq!(BigUint::from_u64(0).to_string(), "0");
    for bad in ["-1", "x", "", "1.5", "99999999999999999999"] {
        assert!(parse_n(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_n("12"), Ok(12));
}

#[test]
fn fibonacci_frozen_ui_stalls_and_threaded_does_not() {
    let s = run("fibonacci", &["n=50000", "update_every=500"]);
    assert_eq!(u(&s, "computed"), 50000);
    assert!(b(&s, "value_ok"), "{s}");
    assert_eq!(
        s["last_digits"],
        fib(50000).last_digits(12),
        "the threaded result is F(n)"
    );
    let frozen = f(&s, "max_ui_stall_ms_frozen");
    let threaded = f(&s, "max_ui_stall_ms_threaded");
    assert!(
        frozen > 2.0 * threaded && frozen > f(&s, "frozen_compute_ms") * 0.5,
        "frozen {frozen} ms vs threaded {threaded} ms"
    );
    assert!(b(&s, "deadlock_detected"), "{s}");
    assert!(b(&s, "fix_joined"), "{s}");
    assert!(f(&s, "fix_join_ms") < 300.0, "{s}");
    assert_eq!(u(&s, "illegal_inputs_rejected"), 5);
    assert_eq!(s["f90"], "2880067194370816120");
}

#[test]
fn exceptions_hang_without_guard_and_finish_with_it() {
    let s = run("exceptions", &["hang_ms=150", "item_ms=5", "workers=3"]);
    assert!(b(&s, "hung_without_guard"), "{s}");
    assert_eq!(u(&s, "stuck_threads"), 2, "{s}");
    assert!(b(&s, "lock_held_without_guard"), "{s}");
    assert!(b(&s, "completed_with_guard"), "{s}");
    assert!(!b(&s, "lock_held_with_guard"), "{s}");
    assert_eq!(u(&s, "exceptions_reported"), 2, "{s}");
    assert!(b(&s, "keyboard_interrupt_passed_on"), "{s}");
    assert!(b(&s, "system_exit_passed_on"), "{s}");
    assert!(b(&s, "bare_except_swallowed"), "{s}");
    assert_eq!(u(&s, "threads_left"), 0);
    assert_eq!(
        s["outer"]["ValueError"],
        "except Exception: logged ValueError"
    );
}

/// Start `id`, wait for its `k`-th phase (0-based) plus `delay`, cancel and
/// time `cancel_and_join` (every thread joined). None if the demo had no
/// such phase or was already finished.
fn cancel_in_phase(id: &str, params: &[&str], k: usize, delay: u64) -> Option<Duration> {
    let demo = registry::find(id).unwrap();
    let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    let session = Session::start(demo, Params::parse(demo.info().params, &pairs).unwrap());
    let mut phases = 0;
    let t = Instant::now();
    loop {
        assert!(t.elapsed() < Duration::from_secs(20), "{id}: no phase {k}");
        match session.events.recv_timeout(Duration::from_millis(20)) {
            Ok(DemoEvent::Phase { .. }) => {
                phases += 1;
                if phases == k + 1 {
                    break;
                }
            }
            Ok(DemoEvent::Summary { .. }) => {
                session.cancel_and_join();
                return None;
            }
            Ok(_) => {}
            Err(_) if session.is_finished() => {
                session.cancel_and_join();
                return None;
            }
            Err(_) => {}
        }
    }
    std::thread::sleep(Duration::from_millis(delay));
    if session.is_finished() {
        session.cancel_and_join();
        return None;
    }
    let c = Instant::now();
    session.cancel_and_join();
    Some(c.elapsed())
}

/// Every phase of every demo, cancelled just as it begins and a little
/// later, stops (all its threads joined) well within a second; the figures
/// are printed (`--nocapture`).
#[test]
fn cancel_in_every_phase_stops_promptly() {
    let runs: [(&str, &[&str], usize); 8] = [
        ("condition", &[], 1),
        ("event", &["hold_ms=30"], 3),
        ("queue", &[], 1),
        ("factory", &[], 1),
        ("factory", &["design=locks"], 1),
        ("spider", &["latency_ms=3"], 3),
        ("fibonacci", &["n=8000", "tick_ms=5"], 5),
        ("exceptions", &["hang_ms=100", "item_ms=5"], 3),
    ];
    let mut worst = Duration::ZERO;
    let mut report = Vec::new();
    let mut cancelled = 0;
    for (id, params, phases) in runs {
        for k in 0..phases {
            for delay in [0, 30] {
                let Some(took) = cancel_in_phase(id, params, k, delay) else {
                    // A short phase can end the run before the cancel lands
                    // (fibonacci's last ones, or any on a loaded machine):
                    // nothing to time then. Enough cancels are still required
                    // below.
                    continue;
                };
                cancelled += 1;
                worst = worst.max(took);
                report.push(format!(
                    "{id}{params:?} phase {k}+{delay}ms: {:.1} ms",
                    took.as_secs_f64() * 1e3
                ));
                assert!(took < Duration::from_secs(1), "{id}: cancel took {took:?}");
            }
        }
    }
    assert!(cancelled >= 30, "only {cancelled} cancels tested");
    eprintln!("cancel latency: {}", report.join(", "));
    eprintln!(
        "worst cancel latency: {:.1} ms over {cancelled} cancels",
        worst.as_secs_f64() * 1e3
    );
}

#[test]
fn cli_json_ends_with_the_summary() {
    let small: [(&str, &[&str]); 7] = [
        ("condition", &["items=10", "produce_ms=1"]),
        ("event", &["rounds=1", "hold_ms=5"]),
        ("queue", &["items=5", "work2_ms=1"]),
        ("factory", &["bodies=3", "wheels=3", "assembly_ms=1"]),
        ("spider", &["pages=10", "latency_ms=1"]),
        ("fibonacci", &["n=2000"]),
        ("exceptions", &["hang_ms=60", "item_ms=1"]),
    ];
    for (id, params) in small {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_threadtutor"));
        cmd.args(["demo", id, "--json"]);
        for p in params {
            cmd.args(["--param", p]);
        }
        let out = cmd.output().expect("run threadtutor");
        assert!(out.status.success(), "{id}: {out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let last = stdout.lines().last().expect("some output");
        let v: Value = serde_json::from_str(last).expect("the last line is JSON");
        assert_eq!(v["event"], "summary", "{id}");
        assert_eq!(v["summary"]["demo"], id);
        // Every other line is a JSON event too.
        for line in stdout.lines() {
            serde_json::from_str::<Value>(line).expect("one JSON object per line");
        }
    }
}
