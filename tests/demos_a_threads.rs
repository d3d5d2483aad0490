//! Cancelling the thread-order, gil, race, lock, rlock and semaphore demos
//! leaves no thread behind: after 100 start/cancel cycles the process has
//! as many threads as before.

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

#[test]
fn a_hundred_start_cancel_cycles_leave_no_thread_behind() {
    let Some(before) = os_threads() else {
        eprintln!("no /proc/self/status: thread count not checked on this OS");
        return;
    };
    let cases: [(&str, &[&str]); 8] = [
        ("thread-order", &["runs=100000", "jitter=200"]),
        ("gil", &["n=10000000", "switch_interval=3"]),
        ("gil", &["n=10", "io_sleeps=10000", "io_ms=3"]),
        ("race", &["n=10000000", "items=1000000"]),
        ("race", &["n=1", "items=1000000"]),
        ("lock", &["rounds=100", "hold_ms=2", "watchdog_ms=10000"]),
        ("rlock", &["depth=100", "hold_ms=2"]),
        ("semaphore", &["workers=16", "rounds=1000", "work_ms=2"]),
    ];
    let mut slowest = Duration::ZERO;
    for i in 0..100 {
        let (id, params) = cases[i % cases.len()];
        let demo = registry::find(id).unwrap();
        let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        let session = Session::start(demo, Params::parse(demo.info().params, &pairs).unwrap());
        // Cancel at different moments: right away, or a few ms in.
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis((i % 5) as u64 * 4) {
            while session.events.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(1));
        }
        let t = Instant::now();
        session.cancel_and_join();
        slowest = slowest.max(t.elapsed());
    }
    // Every demo joins its threads before its controller ends, and the
    // session joins the controller, so the count is back at once; allow
    // the OS a moment anyway.
    let t = Instant::now();
    let mut after = os_threads().unwrap();
    while after != before && t.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
        after = os_threads().unwrap();
    }
    eprintln!("threads before {before}, after {after}; slowest cancel {slowest:?}");
    assert_eq!(after, before);
    assert!(
        slowest < Duration::from_secs(1),
        "slowest cancel {slowest:?}"
    );
}
