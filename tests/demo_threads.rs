//! Cancelling any demo leaves no thread behind: 100 start/cancel cycles over
//! every registered demo (with a few parameter sets that keep each one busy),
//! cancelled at different moments, and the process's thread count (Linux:
//! `Threads:` in /proc/self/status) is back where it started.
//!
//! This is its own test binary, with one test, on purpose: any other test
//! running in the same process would start and stop threads of its own and
//! disturb the count.

use std::time::{Duration, Instant};

use threadtutor::demos::{Params, Session, registry};

/// `Threads:` in /proc/self/status (Linux).
fn os_threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Demos with parameters that keep them running long enough to be
/// cancelled mid-way; every registered demo appears at least once.
const CASES: &[(&str, &[&str])] = &[
    ("thread-order", &["runs=100000", "jitter=200"]),
    ("gil", &["n=10000000", "switch_interval=3"]),
    ("gil", &["n=10", "io_sleeps=10000", "io_ms=3"]),
    ("race", &["n=10000000", "items=1000000"]),
    ("race", &["n=1", "items=1000000"]),
    ("lock", &["rounds=100", "hold_ms=2", "watchdog_ms=10000"]),
    ("rlock", &["depth=100", "hold_ms=2"]),
    ("semaphore", &["workers=16", "rounds=1000", "work_ms=2"]),
    ("condition", &[]),
    ("event", &[]),
    ("queue", &[]),
    ("factory", &[]),
    ("factory", &["design=locks"]),
    ("spider", &[]),
    ("fibonacci", &[]),
    ("exceptions", &[]),
];

#[test]
fn a_hundred_start_cancel_cycles_over_every_demo_leave_no_thread_behind() {
    let covered: Vec<&str> = CASES.iter().map(|(id, _)| *id).collect();
    for demo in registry::all() {
        assert!(
            covered.contains(&demo.info().id),
            "demo `{}` is not in the cancel cycles",
            demo.info().id
        );
    }
    let before = os_threads();
    let mut slowest = Duration::ZERO;
    for i in 0..100usize {
        let (id, params) = CASES[i % CASES.len()];
        let demo = registry::find(id).expect("registered");
        let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        let session = Session::start(demo, Params::parse(demo.info().params, &pairs).unwrap());
        // Cancel at different moments: at once, early, mid-way.
        let wait = Duration::from_millis(((i * 13) % 60) as u64);
        let t = Instant::now();
        while t.elapsed() < wait {
            while session.events.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(1));
        }
        let t = Instant::now();
        session.cancel_and_join();
        slowest = slowest.max(t.elapsed());
    }
    eprintln!("slowest cancel {slowest:?}");
    assert!(
        slowest < Duration::from_secs(1),
        "slowest cancel {slowest:?}"
    );
    let Some(before) = before else {
        eprintln!("no /proc/self/status: thread count not checked on this OS");
        return;
    };
    // Every demo joins its threads before its controller ends, and the
    // session joins the controller, so the count is back at once; allow
    // the OS a moment anyway.
    let t = Instant::now();
    let mut after = os_threads().unwrap();
    while after != before && t.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
        after = os_threads().unwrap();
    }
    assert_eq!(
        after, before,
        "threads before and after 100 start/cancel cycles"
    );
}
