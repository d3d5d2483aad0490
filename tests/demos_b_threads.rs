//! Cancel leaves no thread behind: 100 start/cancel cycles across the
//! demos condition, event, queue, factory, spider, fibonacci and exceptions,
//! and the process's thread count (Linux: `Threads:` in /proc/self/status)
//! is back where it started. One test only, so no other test's threads
//! disturb the count.

use std::time::{Duration, Instant};

use threadtutor::demos::{Params, Session, registry};

const MINE: [&str; 7] = [
    "condition",
    "event",
    "queue",
    "factory",
    "spider",
    "fibonacci",
    "exceptions",
];

fn threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

#[test]
fn start_cancel_cycles_leave_no_thread_behind() {
    let before = threads();
    let t = Instant::now();
    let mut worst = Duration::ZERO;
    for i in 0..100u64 {
        let id = MINE[i as usize % MINE.len()];
        let demo = registry::find(id).expect("registered");
        let mut pairs = Vec::new();
        if id == "factory" && i % 2 == 1 {
            pairs.push("design=locks".to_string());
        }
        let params = Params::parse(demo.info().params, &pairs).unwrap();
        let session = Session::start(demo, params);
        // Cancel at different moments: at once, early, mid-way.
        std::thread::sleep(Duration::from_millis((i * 13) % 60));
        let c = Instant::now();
        session.cancel_and_join();
        worst = worst.max(c.elapsed());
    }
    eprintln!(
        "100 cycles in {:.2} s; worst cancel {:.1} ms",
        t.elapsed().as_secs_f64(),
        worst.as_secs_f64() * 1e3
    );
    assert!(worst < Duration::from_secs(1), "worst cancel {worst:?}");
    let Some(before) = before else {
        eprintln!("no /proc/self/status here: thread count not checked");
        return;
    };
    // Joined threads are gone at once; allow the OS a moment anyway.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut after = threads().unwrap();
    while after != before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        after = threads().unwrap();
    }
    assert_eq!(
        after, before,
        "threads before and after 100 start/cancel cycles"
    );
}
