//! The thread-order, gil, race, lock, rlock and semaphore demos: their
//! headless summaries' invariants, cancel latency, and the CLI's JSON.

use crate::common;
use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::Value;
use threadtutor::demos::gil::bytecode;
use threadtutor::demos::{DemoEvent, Params, Session, headless, registry};

const MINE: [&str; 6] = ["thread-order", "gil", "race", "lock", "rlock", "semaphore"];

/// Runs a demo headless with `key=value` parameters; returns its summary
/// after checking that the last JSON line is that summary.
fn run(id: &str, params: &[&str]) -> Value {
    let demo = registry::find(id).unwrap_or_else(|| panic!("demo {id} is registered"));
    let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    let params = Params::parse(demo.info().params, &pairs).expect("valid parameters");
    let mut out = Vec::new();
    let summary = headless::run(demo, params, true, &mut out)
        .unwrap_or_else(|| panic!("{id} failed:\n{}", String::from_utf8_lossy(&out)));
    let text = String::from_utf8(out).expect("utf-8 output");
    let last: Value = serde_json::from_str(text.lines().last().expect("some output")).unwrap();
    assert_eq!(last["event"], "summary");
    assert_eq!(last["summary"], summary);
    assert_eq!(summary["demo"], id);
    summary
}

fn int(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("{key} is an integer in {v}"))
}

#[test]
fn all_six_are_registered_in_deck_order() {
    let ids: Vec<&str> = registry::all().iter().map(|d| d.info().id).collect();
    let mine: Vec<&str> = ids.iter().copied().filter(|i| MINE.contains(i)).collect();
    assert_eq!(mine, MINE);
    for id in MINE {
        let info = registry::find(id).unwrap().info();
        assert!(!info.about.is_empty() && info.explain.split("\n\n").count() >= 2);
    }
}

// ---- thread-order ----

fn check_thread_order(s: &Value, runs: i64) {
    assert_eq!(int(s, "runs"), runs);
    assert_eq!(s["respects_program_order"], true);
    let map = s["interleavings"].as_object().unwrap();
    assert_eq!(map.len() as i64, int(s, "distinct"));
    assert!(map.len() <= 20);
    assert_eq!(map.values().map(|v| v.as_i64().unwrap()).sum::<i64>(), runs);
    for seq in map.keys() {
        let toks: Vec<&str> = seq.split(' ').collect();
        assert_eq!(toks.len(), 6, "{seq}");
        let letters: Vec<&str> = toks.iter().copied().filter(|t| "abc".contains(t)).collect();
        let digits: Vec<&str> = toks.iter().copied().filter(|t| "123".contains(t)).collect();
        assert_eq!(
            (letters, digits),
            (vec!["a", "b", "c"], vec!["1", "2", "3"])
        );
    }
}

#[test]
fn thread_order_keeps_each_threads_program_order() {
    let s = run("thread-order", &["runs=60", "jitter=20", "seed=5"]);
    check_thread_order(&s, 60);
}

#[test]
fn thread_order_enumerate_walks_exactly_twenty() {
    let s = run("thread-order", &["mode=enumerate"]);
    assert_eq!(int(&s, "total"), 20);
    assert_eq!(int(&s, "runs"), 20);
    assert_eq!(int(&s, "schedule_mismatches"), 0);
    check_thread_order(&s, 20);
    assert!(
        s["interleavings"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v == 1)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn thread_order_invariants_hold_for_any_seed(runs in 1i64..15, jitter in 0i64..40, seed in 0i64..1_000_000) {
        let s = run("thread-order", &[
            &format!("runs={runs}"), &format!("jitter={jitter}"), &format!("seed={seed}"),
        ]);
        check_thread_order(&s, runs);
    }

    #[test]
    fn semaphore_never_exceeds_its_limit(limit in 1i64..5, workers in 1i64..9, rounds in 1i64..4, work_ms in 0i64..3) {
        let s = run("semaphore", &[
            &format!("limit={limit}"), &format!("workers={workers}"),
            &format!("rounds={rounds}"), &format!("work_ms={work_ms}"),
        ]);
        prop_assert_eq!(int(&s, "limit"), limit);
        prop_assert!(int(&s, "max_inside") <= limit, "{}", s);
        prop_assert!(int(&s, "max_inside") >= 1);
        prop_assert_eq!(int(&s, "completed"), workers * rounds);
        prop_assert_eq!(&s["over_release_error"], "Semaphore released too many times");
    }
}

// ---- gil ----

/// `dis` output as (offset, opname, arg, argrepr) rows.
fn parse_dis(text: &str) -> Vec<(usize, String, Option<u32>, String)> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let toks: Vec<&str> = line.split_whitespace().filter(|t| *t != ">>").collect();
        let Some(op_at) = toks
            .iter()
            .position(|t| t.len() > 1 && t.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        else {
            continue;
        };
        let Some(offset) = op_at
            .checked_sub(1)
            .and_then(|i| toks[i].parse::<usize>().ok())
        else {
            continue;
        };
        let arg = toks.get(op_at + 1).and_then(|t| t.parse::<u32>().ok());
        let rest = if arg.is_some() { op_at + 2 } else { op_at + 1 };
        rows.push((
            offset,
            toks[op_at].to_string(),
            arg,
            toks[rest.min(toks.len())..].join(" "),
        ));
    }
    rows
}

/// `python3 -c "import dis; dis.dis(SOURCE)"`, or None without python3.
fn python_dis(source: &str) -> Option<(String, String)> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import dis, sys; print('%d.%d' % sys.version_info[:2]); dis.dis(sys.argv[1])",
            source,
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let (version, listing) = text.split_once('\n')?;
    Some((version.to_string(), listing.to_string()))
}

#[test]
fn gil_bytecode_matches_pythons_dis() {
    let s = run("gil", &["n=50", "io_sleeps=0"]);
    let ours: Vec<String> = s["bytecode"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ours, ["LOAD_NAME", "LOAD_CONST", "BINARY_OP", "STORE_NAME"]);
    let Some((version, listing)) = python_dis("total += 1") else {
        common::skip("python3 not found: compared with CPython 3.11's bytecode only");
        return;
    };
    // The statement's own instructions: leave out RESUME and the implicit
    // `return None` (LOAD_CONST None + RETURN_VALUE, or RETURN_CONST).
    let theirs: Vec<String> = parse_dis(&listing)
        .into_iter()
        .filter(|r| r.1 != "RESUME" && r.1 != "RETURN_VALUE" && r.1 != "RETURN_CONST")
        .filter(|r| !(r.1 == "LOAD_CONST" && r.3 == "(None)"))
        .map(|r| r.1)
        .collect();
    assert_eq!(
        ours, theirs,
        "python3 {version} disassembles `total += 1` as\n{listing}"
    );

    // On the version the compiler reproduces, whole listings match too.
    if version != threadtutor::demos::gil::PYTHON_VERSION {
        eprintln!("python3 is {version}: full listings compared only on 3.11");
        return;
    }
    let cases = [
        ("total += 1", bytecode::increment()),
        (
            "for i in range(3): total += 1",
            bytecode::counting_loop(3, false),
        ),
        (
            "for i in range(3):\n    lock.acquire()\n    total += 1\n    lock.release()",
            bytecode::counting_loop(3, true),
        ),
        (
            "for i in range(3): time.sleep(0.002)",
            bytecode::sleeping_loop(3, 0.002),
        ),
    ];
    for (src, code) in cases {
        let (_, listing) = python_dis(src).unwrap();
        let theirs = parse_dis(&listing);
        let ours: Vec<(usize, String, Option<u32>, String)> = code
            .dis_rows()
            .into_iter()
            .map(|(o, n, a, r)| (o, n.to_string(), a, r))
            .collect();
        assert_eq!(ours, theirs, "{src}:\n{listing}");
    }
}

#[test]
fn gil_totals_are_exact_with_the_lock_and_with_one_thread() {
    let s = run(
        "gil",
        &["n=2000", "switch_interval=5", "check_at=any", "io_sleeps=0"],
    );
    let expected = int(&s, "expected_total");
    assert_eq!(expected, 4000);
    assert_eq!(int(&s, "one_thread_total"), expected);
    assert_eq!(s["private_totals_exact"], true);
    assert_eq!(int(&s, "total_locked"), expected);
    assert_eq!(int(&s, "total_locked_free"), expected);
    // With a switch check between any two instructions, switches land
    // between LOAD_NAME and STORE_NAME, and updates are lost.
    assert!(int(&s, "risky_switches") > 0, "{s}");
    assert!(int(&s, "total_unlocked") < expected, "{s}");
    assert!(int(&s, "total_unlocked_free") <= expected);
}

#[test]
fn gil_runs_are_deterministic_and_jump_only_checks_lose_nothing() {
    let params = ["n=1500", "switch_interval=7", "io_sleeps=0", "check_at=any"];
    let a = run("gil", &params);
    let b = run("gil", &params);
    assert_eq!(a["total_unlocked"], b["total_unlocked"]);
    assert_eq!(a["switches"], b["switches"]);
    let j = run(
        "gil",
        &[
            "n=1500",
            "switch_interval=7",
            "io_sleeps=0",
            "check_at=jumps",
        ],
    );
    assert!(int(&j, "switches") > 0);
    assert_eq!(int(&j, "risky_switches"), 0);
    assert_eq!(int(&j, "total_unlocked"), int(&j, "expected_total"));
}

#[test]
fn gil_free_threaded_unlocked_loses_updates() {
    // A real race: both threads load and store `total` at once. It can miss
    // on a given try (the OS may not run them together), so try a few times.
    let mut seen = Vec::new();
    for _ in 0..6 {
        let s = run(
            "gil",
            &["n=200000", "switch_interval=100000", "io_sleeps=0"],
        );
        let (got, expected) = (int(&s, "total_unlocked_free"), int(&s, "expected_total"));
        assert!(got <= expected);
        assert_eq!(int(&s, "total_locked_free"), expected);
        if got < expected {
            return;
        }
        seen.push(got);
    }
    panic!(
        "no update lost free-threaded in {} tries: {seen:?}",
        seen.len()
    );
}

#[test]
fn gil_io_releases_the_gil() {
    let s = run("gil", &["n=10", "io_sleeps=4", "io_ms=20"]);
    let one = s["io_one_thread_s"].as_f64().unwrap();
    let two = s["io_two_threads_s"].as_f64().unwrap();
    // One thread sleeps 8 × 20 ms; two threads sleep 4 × 20 ms each at the
    // same time. Only lower bounds are timing-safe, plus a generous ratio.
    assert!(one >= 0.160, "{one}");
    assert!(two >= 0.080, "{two}");
    assert!(two < one, "two threads {two} s, one thread {one} s");
}

// ---- race ----

#[test]
fn race_locked_totals_are_exact_and_the_mutex_prevents_pop_errors() {
    let s = run("race", &["threads=4", "n=20000", "items=300"]);
    let expected = int(&s, "expected");
    assert_eq!(expected, 80_000);
    assert_eq!(int(&s, "locked_total"), expected);
    assert!(int(&s, "unlocked_total") <= expected);
    assert_eq!(
        int(&s, "lost_updates"),
        expected - int(&s, "unlocked_total")
    );
    assert_eq!(int(&s, "pop_errors_locked"), 0);
    assert_eq!(int(&s, "consumed_locked"), 300);
    assert_eq!(int(&s, "consumed_unlocked"), 300);
}

#[test]
fn race_without_locks_loses_updates_and_raises_index_errors() {
    // Yields inside both windows make the races show on any machine; a
    // single try could still miss, so allow a few.
    let mut seen = Vec::new();
    for _ in 0..4 {
        let s = run(
            "race",
            &["threads=3", "n=5000", "yield_every=10", "items=200"],
        );
        let (lost, errors) = (int(&s, "lost_updates"), int(&s, "pop_errors_unlocked"));
        if lost > 0 && errors > 0 {
            return;
        }
        seen.push((lost, errors));
    }
    panic!("no race seen: (lost updates, pop errors) per try {seen:?}");
}

// ---- lock ----

#[test]
fn lock_detects_the_deadlock_and_rlock_completes() {
    let s = run(
        "lock",
        &["threads=2", "rounds=2", "hold_ms=2", "watchdog_ms=60"],
    );
    assert_eq!(s["deadlock_detected"], true);
    assert!(s["deadlock_detected_after_ms"].as_f64().unwrap() >= 60.0);
    assert_eq!(s["rlock_completed"], true);
    assert_eq!(s["rlock_deadlock"], false);
    assert_eq!(int(&s, "critical_section_max_inside"), 1);
    assert_eq!(int(&s, "critical_section_entries"), 4);
    assert_eq!(s["synch_ok"], true);
    assert_eq!(s["premature_notify_error"], "release unlocked lock");
}

// ---- rlock ----

#[test]
fn rlock_counts_depth_and_refuses_a_foreign_release() {
    let s = run("rlock", &["depth=4", "threads=3", "hold_ms=0"]);
    assert_eq!(int(&s, "max_depth"), 4);
    assert_eq!(
        s["foreign_release_error"],
        "cannot release un-acquired lock"
    );
    assert_eq!(s["foreign_release_exception"], "RuntimeError");
    assert_eq!(s["lock_foreign_release_ok"], true);
    assert_eq!(int(&s, "updates"), 3);
}

// ---- cancel ----

/// Parameters that keep each demo busy for many seconds.
const LONG: [(&str, &[&str]); 9] = [
    ("thread-order", &["runs=100000", "jitter=1000"]),
    ("gil", &["n=10000000", "switch_interval=1"]),
    ("gil", &["n=10", "io_sleeps=10000", "io_ms=1000"]),
    ("race", &["n=10000000", "items=1000000"]),
    ("race", &["n=1", "items=1000000"]),
    ("lock", &["rounds=100", "hold_ms=1000"]),
    ("lock", &["rounds=1", "hold_ms=0", "watchdog_ms=10000"]),
    ("rlock", &["depth=100", "hold_ms=1000"]),
    ("semaphore", &["workers=64", "rounds=1000", "work_ms=1000"]),
];

fn start(id: &str, params: &[&str]) -> Session {
    let demo = registry::find(id).unwrap();
    let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    Session::start(demo, Params::parse(demo.info().params, &pairs).unwrap())
}

#[test]
fn cancel_stops_every_demo_promptly() {
    let mut report = Vec::new();
    for (id, params) in LONG {
        let session = start(id, params);
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(150) {
            while session.events.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(
            !session.is_finished(),
            "{id} {params:?} ended before the cancel"
        );
        let t = Instant::now();
        session.control.cancel();
        let mut rest: Vec<DemoEvent> = Vec::new();
        while !session.is_finished() {
            assert!(t.elapsed() < Duration::from_secs(5), "{id} ignores cancel");
            // Keep the channel drained, as a viewer would.
            rest.extend(session.events.try_iter());
            std::thread::sleep(Duration::from_micros(200));
        }
        let latency = t.elapsed();
        rest.extend(session.events.try_iter());
        assert!(
            !rest.iter().any(|e| matches!(e, DemoEvent::Summary { .. })),
            "{id}: no summary after a cancel"
        );
        assert!(
            rest.iter()
                .any(|e| matches!(e, DemoEvent::Log { text, .. } if text == "cancelled")),
            "{id}: says it was cancelled"
        );
        report.push(format!(
            "{id} {params:?}: {:.1} ms",
            latency.as_secs_f64() * 1e3
        ));
        // The demo's threads are all joined once the controller is done.
        assert!(
            latency < Duration::from_secs(1),
            "{id} took {latency:?} to stop"
        );
        session.cancel_and_join();
    }
    eprintln!("cancel latency:\n  {}", report.join("\n  "));
}

// ---- CLI ----

#[test]
fn cli_json_ends_with_the_summary() {
    let small: [(&str, &[&str]); 6] = [
        ("thread-order", &["runs=5"]),
        ("gil", &["n=100", "io_sleeps=1", "io_ms=1"]),
        ("race", &["n=1000", "items=100"]),
        ("lock", &["rounds=1", "hold_ms=1", "watchdog_ms=30"]),
        ("rlock", &["depth=2", "hold_ms=0"]),
        ("semaphore", &["workers=3", "work_ms=1", "rounds=1"]),
    ];
    for (id, params) in small {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_threadtutor"));
        cmd.args(["demo", id, "--json"]);
        for p in params {
            cmd.args(["--param", p]);
        }
        let out = cmd.output().expect("run threadtutor");
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            let _: Value = serde_json::from_str(line).expect("every line is JSON");
        }
        let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(last["event"], "summary", "{id}");
        assert_eq!(last["summary"]["demo"], id);
    }
}
