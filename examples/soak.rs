//! Soak: every live demo started, run for a while, and cancelled, over and
//! over, for a set time; the process's thread count and memory are printed
//! every ten seconds so a leak shows as a climb.
//!   cargo run --release --example soak -- [SECONDS]   (default 600)

use std::time::{Duration, Instant};

use threadtutor::demos::{DemoEvent, Params, Session, registry};

fn status(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    // The exceptions demo panics on purpose; its panics are caught and
    // reported as demo events, so the default hook's printing is noise here.
    std::panic::set_hook(Box::new(|_| {}));
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let end = Instant::now() + Duration::from_secs(secs);
    let demos = registry::all();
    let start_threads = status("Threads:");
    println!("seconds  cycles  summaries  threads  rss_kb  (threads at start: {start_threads})");
    let (mut cycles, mut summaries, mut i) = (0u64, 0u64, 0usize);
    let t0 = Instant::now();
    let mut next_report = Duration::ZERO;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    while Instant::now() < end {
        let demo = demos[i % demos.len()];
        i += 1;
        // Run for 20–400 ms, then cancel (many finish first, some do not).
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let run_for = Duration::from_millis(20 + seed % 380);
        let session = Session::start(demo, Params::defaults(demo.info().params));
        let until = Instant::now() + run_for;
        while Instant::now() < until && !session.is_finished() {
            while let Ok(ev) = session.events.try_recv() {
                if matches!(ev, DemoEvent::Summary { .. }) {
                    summaries += 1;
                }
                if let DemoEvent::Prompt { .. } = ev {
                    session.control.push_choice(0);
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        // Count a summary that arrived as the demo finished.
        summaries += session
            .events
            .try_iter()
            .filter(|e| matches!(e, DemoEvent::Summary { .. }))
            .count() as u64;
        session.cancel_and_join();
        cycles += 1;
        if t0.elapsed() >= next_report {
            next_report += Duration::from_secs(10);
            println!(
                "{:>7}  {cycles:>6}  {summaries:>9}  {:>7}  {:>6}",
                t0.elapsed().as_secs(),
                status("Threads:"),
                status("VmRSS:")
            );
        }
    }
    println!(
        "done: {cycles} cycles in {} s; threads {} (start {start_threads}); rss {} kB; peak {} kB",
        t0.elapsed().as_secs(),
        status("Threads:"),
        status("VmRSS:"),
        status("VmHWM:")
    );
}
