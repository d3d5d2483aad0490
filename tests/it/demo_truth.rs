//! The figures a demo shows tell the truth: in the headless event stream
//! (what the demo screen draws from), every gauge's maximum covers every
//! value it took and its last value is the final state, an unbounded
//! quantity is a count rather than a gauge, and the last count of each name
//! agrees with the summary where the summary has the same figure.

use std::collections::HashMap;

use serde_json::Value;
use threadtutor::demos::{DemoEvent, Params, registry};

/// The events and the summary of one headless run.
fn run(id: &str, params: &[&str]) -> (Vec<DemoEvent>, Value) {
    let demo = registry::find(id).expect("registered");
    let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    let params = Params::parse(demo.info().params, &pairs).expect("parameters");
    let session = threadtutor::demos::Session::start(demo, params);
    let mut events = Vec::new();
    let mut summary = None;
    while let Ok(ev) = session
        .events
        .recv_timeout(std::time::Duration::from_secs(60))
    {
        if let DemoEvent::Summary { summary: s } = &ev {
            summary = Some(s.clone());
            break;
        }
        events.push(ev);
    }
    session.cancel_and_join();
    (
        events,
        summary.unwrap_or_else(|| panic!("{id}: no summary")),
    )
}

struct Figures {
    /// Gauge name → (every value, the last value, the last max).
    gauges: HashMap<String, (Vec<f64>, f64, f64)>,
    /// Count name → last value.
    counts: HashMap<String, f64>,
}

fn figures(events: &[DemoEvent]) -> Figures {
    let mut gauges: HashMap<String, (Vec<f64>, f64, f64)> = HashMap::new();
    let mut counts = HashMap::new();
    for ev in events {
        match ev {
            DemoEvent::Gauge {
                name, value, max, ..
            } => {
                let g = gauges.entry(name.clone()).or_insert((Vec::new(), 0.0, 0.0));
                g.0.push(*value);
                g.1 = *value;
                g.2 = *max;
            }
            DemoEvent::Count { name, value, .. } => {
                counts.insert(name.clone(), *value);
            }
            _ => {}
        }
    }
    Figures { gauges, counts }
}

fn check_gauges(id: &str, f: &Figures) {
    for (name, (values, _, max)) in &f.gauges {
        let most = values.iter().cloned().fold(0.0, f64::max);
        assert!(
            most <= *max,
            "{id}: gauge `{name}` reached {most} but its maximum says {max}"
        );
    }
}

fn num(s: &Value, key: &str) -> f64 {
    s[key]
        .as_f64()
        .unwrap_or_else(|| panic!("summary has no number `{key}`: {s}"))
}

#[test]
fn every_gauge_covers_its_values_at_default_parameters() {
    for demo in registry::all() {
        let id = demo.info().id;
        let (events, _) = run(id, &[]);
        check_gauges(id, &figures(&events));
    }
}

#[test]
fn rlock_depths_end_at_zero_and_the_gauge_covers_the_deepest() {
    for depth in ["depth=5", "depth=2", "depth=9"] {
        let (events, summary) = run("rlock", &[depth, "hold_ms=1"]);
        let f = figures(&events);
        check_gauges("rlock", &f);
        for (name, (_, last, max)) in &f.gauges {
            assert_eq!(*last, 0.0, "{depth}: `{name}` ends at {last}");
            assert!(*max >= num(&summary, "max_depth"), "{depth}: `{name}`");
        }
    }
}

#[test]
fn condition_counts_agree_with_the_summary_and_nothing_is_left_waiting() {
    let (events, summary) = run("condition", &["items=60", "produce_ms=1"]);
    let f = figures(&events);
    check_gauges("condition", &f);
    assert_eq!(
        f.counts["wake-ups (notify)"],
        num(&summary, "notify_wakeups")
    );
    assert_eq!(
        f.counts["wake-ups (polling)"],
        num(&summary, "polling_wakeups")
    );
    assert_eq!(f.counts["items made"], 60.0);
    assert_eq!(f.gauges["items waiting (polling)"].1, 0.0);
}

#[test]
fn unbounded_queues_are_counts_and_bounded_ones_end_empty() {
    let (events, summary) = run("queue", &["items=20"]);
    let f = figures(&events);
    check_gauges("queue", &f);
    assert!(!f.gauges.contains_key("queue1"), "queue1 is unbounded");
    assert_eq!(f.counts["queue1"], 0.0);
    assert_eq!(f.gauges["queue2"].1, 0.0);
    // A count never raised is never shown: it stands at zero.
    let count = |name: &str| f.counts.get(name).copied().unwrap_or(0.0);
    assert_eq!(count("queue.Full raised"), num(&summary, "full_errors"));
    assert_eq!(count("queue.Empty raised"), num(&summary, "empty_errors"));

    let (events, summary) = run("spider", &[]);
    let f = figures(&events);
    check_gauges("spider", &f);
    let brute = &f.gauges["threads alive (brute force)"];
    assert_eq!(
        brute.0.iter().cloned().fold(0.0, f64::max),
        summary["modes"]["brute"]["max_threads"].as_f64().unwrap()
    );
    for (name, (_, last, _)) in &f.gauges {
        if name.starts_with("threads alive") {
            assert_eq!(*last, 0.0, "`{name}` ends at {last}");
        }
    }
}

#[test]
fn finished_work_counts_match_the_summary() {
    let (events, summary) = run("semaphore", &[]);
    let f = figures(&events);
    assert_eq!(f.counts["completed"], num(&summary, "completed"));
    assert_eq!(f.gauges["inside"].1, 0.0);
    let (events, summary) = run("factory", &[]);
    let f = figures(&events);
    check_gauges("factory", &f);
    assert_eq!(f.counts["assembled"], num(&summary, "assembled"));
    let (events, summary) = run("thread-order", &["runs=50"]);
    let f = figures(&events);
    assert_eq!(f.counts["runs"], num(&summary, "runs"));
    assert_eq!(f.counts["distinct"], num(&summary, "distinct"));
}
