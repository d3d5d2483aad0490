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

/// The last narration and gauge of each name, for the step-by-step checks.
fn narrations(events: &[DemoEvent]) -> Vec<(String, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            DemoEvent::Narrate { text, key, .. } => Some((text.clone(), *key)),
            _ => None,
        })
        .collect()
}

#[test]
fn race_step_by_step_counts_every_read_and_write() {
    for params in [
        &["n=2000", "items=50"][..],
        &["watch=3", "threads=2", "n=500", "items=20"][..],
        &["watch=0", "threads=3", "n=1000", "items=0"][..],
    ] {
        let (events, summary) = run("race", params);
        let f = figures(&events);
        check_gauges("race", &f);
        let watch = summary["params"]["watch"].as_u64().unwrap();
        let threads = summary["params"]["threads"].as_u64().unwrap();
        let said = narrations(&events);
        let reads = said
            .iter()
            .filter(|(t, _)| t.contains(" read counter = "))
            .count();
        let writes = said.iter().filter(|(t, _)| t.contains(" wrote ")).count();
        assert_eq!(reads as u64, threads * watch, "{params:?}");
        assert_eq!(writes as u64, threads * watch, "{params:?}");
        // Every lost update is a key event, and they add up to the summary.
        let lost_keys = said
            .iter()
            .filter(|(t, k)| *k && t.contains(" over "))
            .count() as u64;
        // An update can only be lost by a write over a changed counter.
        if num(&summary, "watched_lost") > 0.0 {
            assert!(lost_keys > 0, "{params:?}: lost updates but no key event");
        }
        assert_eq!(
            num(&summary, "watched_total") + num(&summary, "watched_lost"),
            (threads * watch) as f64,
            "{params:?}: every increment is either counted or lost"
        );
        if watch > 0 {
            let g = &f.gauges["counter (step by step)"];
            assert_eq!(g.1, num(&summary, "watched_total"), "{params:?}");
        }
        // The main counters end at the totals the summary gives.
        let no_lock = f
            .gauges
            .iter()
            .find(|(n, _)| n.starts_with("counter (no lock"));
        assert_eq!(
            no_lock.map(|(_, g)| g.1),
            Some(num(&summary, "unlocked_total")),
            "{params:?}"
        );
    }
}

#[test]
fn lock_semaphore_and_condition_narrate_and_end_in_their_final_state() {
    let (events, summary) = run("lock", &["hold_ms=1", "watchdog_ms=50"]);
    let f = figures(&events);
    check_gauges("lock", &f);
    assert_eq!(f.gauges["inside the critical section"].1, 0.0);
    let said = narrations(&events);
    assert!(
        said.iter().any(|(t, k)| *k && t.contains("a deadlock")),
        "the deadlock is a key event: {said:?}"
    );
    let acquires = said
        .iter()
        .filter(|(t, _)| t.contains("lock.acquire() returns"))
        .count();
    assert_eq!(acquires as f64, num(&summary, "critical_section_entries"));

    for params in [
        &["work_ms=1"][..],
        &["workers=6", "limit=2", "rounds=4", "work_ms=0"][..],
    ] {
        let (events, summary) = run("semaphore", params);
        let f = figures(&events);
        check_gauges("semaphore", &f);
        assert_eq!(f.gauges["inside"].1, 0.0, "{params:?}");
        assert_eq!(
            f.counts["completed"],
            num(&summary, "completed"),
            "{params:?}"
        );
        let said = narrations(&events);
        let acquires = said
            .iter()
            .filter(|(t, _)| t.contains("sem.acquire()"))
            .count();
        assert_eq!(acquires as f64, num(&summary, "completed"), "{params:?}");
    }

    for params in [
        &["items=30", "produce_ms=1"][..],
        &["items=10", "consumers=3", "produce_ms=2", "poll_ms=3"][..],
    ] {
        let (events, summary) = run("condition", params);
        let f = figures(&events);
        check_gauges("condition", &f);
        assert_eq!(f.gauges["items waiting (polling)"].1, 0.0, "{params:?}");
        for side in ["notify", "polling"] {
            assert_eq!(
                f.counts[&format!("items taken ({side})")],
                summary[side]["taken"].as_f64().unwrap(),
                "{params:?}"
            );
            assert_eq!(
                f.counts[&format!("wake-ups ({side})")],
                summary[side]["wakeups"].as_f64().unwrap(),
                "{params:?}"
            );
        }
        let said = narrations(&events);
        let taken = said
            .iter()
            .filter(|(t, _)| t.contains(" taken from the "))
            .count();
        assert_eq!(
            taken as f64,
            summary["notify"]["taken"].as_f64().unwrap()
                + summary["polling"]["taken"].as_f64().unwrap(),
            "{params:?}: one narrated step per item taken"
        );
        assert_eq!(summary["slowed"], false, "headless runs at full speed");
    }
}

#[test]
fn rlock_narrates_every_depth_change() {
    let (events, summary) = run("rlock", &["depth=4", "hold_ms=0", "threads=3"]);
    let said = narrations(&events);
    let acquires = said
        .iter()
        .filter(|(t, _)| t.contains("mutex.acquire() — depth"))
        .count();
    let releases = said
        .iter()
        .filter(|(t, _)| t.contains("mutex.release() — depth"))
        .count();
    // Part 1: 4 levels; part 2: 3 threads × 2 levels.
    assert_eq!(acquires, 4 + 3 * 2, "{said:?}");
    assert_eq!(releases, acquires);
    assert_eq!(num(&summary, "max_depth"), 4.0);
}

#[test]
fn a_speed_parameter_paces_a_headless_run_and_says_so() {
    // Full speed by default; `speed` is every demo's parameter.
    let (_, fast) = run("condition", &["items=3", "produce_ms=0"]);
    assert_eq!(fast["slowed"], false);
    assert!(fast["params"].get("speed").is_none());
    let (events, slow) = run("condition", &["items=3", "produce_ms=0", "speed=1"]);
    assert_eq!(slow["slowed"], true);
    assert_eq!(slow["params"]["speed"], 1.0);
    let steps = narrations(&events).len();
    assert!(steps >= 3, "{steps} narrated steps");
}

// ------------------------------------------------------------------------
// event, thread-order, gil, queue, factory, spider, fibonacci, exceptions:
// at the default parameters and at two other sets each, every gauge covers
// its values and ends at the true final state, and the last count of each
// name agrees with the summary's figure.

/// Like [`run`], answering the n-th prompt, of k options, with `pick(n, k)`.
fn run_answering(
    id: &str,
    params: &[&str],
    pick: impl Fn(usize, usize) -> usize,
) -> (Vec<DemoEvent>, Value) {
    let demo = registry::find(id).expect("registered");
    let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    let params = Params::parse(demo.info().params, &pairs).expect("parameters");
    let session = threadtutor::demos::Session::start(demo, params);
    let mut events = Vec::new();
    let mut summary = None;
    let mut prompts = 0;
    while let Ok(ev) = session
        .events
        .recv_timeout(std::time::Duration::from_secs(60))
    {
        match &ev {
            DemoEvent::Summary { summary: s } => {
                summary = Some(s.clone());
                break;
            }
            DemoEvent::Prompt { options, .. } => {
                session.control.push_choice(pick(prompts, options.len()));
                prompts += 1;
            }
            _ => {}
        }
        events.push(ev);
    }
    session.cancel_and_join();
    (
        events,
        summary.unwrap_or_else(|| panic!("{id}: no summary")),
    )
}

/// The last count named `name` (a count never raised stands at zero).
fn count(f: &Figures, name: &str) -> f64 {
    f.counts.get(name).copied().unwrap_or(0.0)
}

/// The last value of gauge `name`.
fn last_gauge(id: &str, f: &Figures, name: &str) -> f64 {
    f.gauges
        .get(name)
        .unwrap_or_else(|| panic!("{id}: no gauge `{name}`"))
        .1
}

/// Runs `id` at the default parameters and at `others`, checks every gauge
/// and hands each run to `check`.
fn each_run(id: &str, others: [&[&str]; 2], check: impl Fn(&[&str], &Figures, &Value)) {
    for params in [&[][..], others[0], others[1]] {
        let (events, summary) = run(id, params);
        let f = figures(&events);
        check_gauges(id, &f);
        check(params, &f, &summary);
    }
}

#[test]
fn event_counts_agree_with_the_summary() {
    each_run(
        "event",
        [
            &["waiters=3", "rounds=2", "hold_ms=10"],
            &["waiters=8", "rounds=1", "hold_ms=0"],
        ],
        |p, f, s| {
            let per: f64 = s["woken_per_round"]
                .as_array()
                .expect("woken_per_round")
                .iter()
                .map(|v| v.as_f64().unwrap())
                .sum();
            assert_eq!(count(f, "woken by set()"), per, "{p:?}");
            assert_eq!(num(s, "woken"), num(s, "waiters"), "{p:?}");
        },
    );
}

#[test]
fn thread_order_counts_agree_with_the_summary() {
    each_run(
        "thread-order",
        [&["mode=enumerate"], &["runs=30", "jitter=0"]],
        |p, f, s| {
            assert_eq!(count(f, "runs"), num(s, "runs"), "{p:?}");
            assert_eq!(count(f, "distinct"), num(s, "distinct"), "{p:?}");
            assert_eq!(
                s["interleavings"].as_object().unwrap().len() as f64,
                num(s, "distinct")
            );
        },
    );
}

#[test]
fn thread_order_choose_counts_the_learners_interleavings() {
    // Six prompts a round: two rounds of always Thread-1 first (a b c 1 2
    // 3), then two of always Thread-2 first (1 2 3 a b c).
    let (events, s) = run_answering("thread-order", &["mode=choose", "runs=4"], |n, k| {
        if n / 6 < 2 { 0 } else { k - 1 }
    });
    let f = figures(&events);
    assert_eq!(num(&s, "runs"), 4.0);
    assert_eq!(num(&s, "distinct"), 2.0, "{s}");
    assert_eq!(count(&f, "runs"), 4.0);
    assert_eq!(count(&f, "distinct"), 2.0);
    // The prompt shows the output so far.
    let questions: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            DemoEvent::Prompt { question, .. } => Some(question.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(questions.len(), 24);
    assert!(questions[0].contains("(nothing)"), "{}", questions[0]);
    assert!(questions[2].contains("so far: a b."), "{}", questions[2]);
    assert!(questions[20].contains("so far: 1 2."), "{}", questions[20]);
    let narrated: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            DemoEvent::Narrate { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        narrated
            .iter()
            .any(|t| t.contains("1 2 3 a b c: a new interleaving") && t.contains("2 of 20")),
        "{narrated:?}"
    );
    assert!(
        narrated.iter().any(|t| t.contains("seen before")),
        "{narrated:?}"
    );
}

#[test]
fn gil_gauges_cover_their_values() {
    each_run(
        "gil",
        [
            &["n=2000", "switch_interval=7", "io_sleeps=2", "io_ms=1"],
            &["check_at=jumps", "n=3000", "io_sleeps=0"],
        ],
        |p, _, s| {
            assert_eq!(num(s, "total_locked"), num(s, "expected_total"), "{p:?}");
            assert_eq!(
                num(s, "total_locked_free"),
                num(s, "expected_total"),
                "{p:?}"
            );
        },
    );
}

#[test]
fn queue_counts_agree_and_queues_end_empty() {
    each_run(
        "queue",
        [
            &["items=15", "maxsize=1", "work2_ms=2"],
            &["items=30", "maxsize=5", "work1_ms=0", "work2_ms=0"],
        ],
        |p, f, s| {
            assert!(!f.gauges.contains_key("queue1"), "queue1 is unbounded");
            assert_eq!(count(f, "queue1"), 0.0, "{p:?}");
            assert_eq!(last_gauge("queue", f, "queue2"), 0.0, "{p:?}");
            assert_eq!(
                count(f, "queue.Full raised"),
                num(s, "full_errors"),
                "{p:?}"
            );
            assert_eq!(
                count(f, "queue.Empty raised"),
                num(s, "empty_errors"),
                "{p:?}"
            );
            assert_eq!(count(f, "results back"), num(s, "items"), "{p:?}");
            assert_eq!(count(f, "work sent"), num(s, "items"), "{p:?}");
        },
    );
}

#[test]
fn factory_counts_agree_and_queues_and_piles_end_empty() {
    each_run(
        "factory",
        [
            &["design=locks"],
            &[
                "bodies=10",
                "wheels=14",
                "maxsize=3",
                "body_ms=1",
                "wheels_ms=1",
                "assembly_ms=1",
            ],
        ],
        |p, f, s| {
            for (name, key) in [
                ("bodies made", "bodies"),
                ("wheels made", "wheels"),
                ("packaged", "packaged"),
                ("assembled", "assembled"),
            ] {
                assert_eq!(count(f, name), num(s, key), "{p:?}: {name}");
            }
            assert!(!f.gauges.is_empty(), "{p:?}: no gauges");
            for (name, (_, last, _)) in &f.gauges {
                assert_eq!(*last, 0.0, "{p:?}: `{name}` ends at {last}");
            }
        },
    );
}

#[test]
fn spider_counts_agree_and_threads_end_at_zero() {
    each_run(
        "spider",
        [
            &["pages=30", "pool=2", "latency_ms=5"],
            &["seed=7", "pages=40", "latency_ms=2", "poll_ms=3"],
        ],
        |p, f, s| {
            for mode in ["single", "brute", "pool"] {
                assert_eq!(
                    count(f, &format!("pages visited ({mode})")),
                    s["modes"][mode]["visited"].as_f64().unwrap(),
                    "{p:?}: {mode}"
                );
            }
            let brute = &f.gauges["threads alive (brute force)"];
            assert_eq!(
                brute.0.iter().cloned().fold(0.0, f64::max),
                s["modes"]["brute"]["max_threads"].as_f64().unwrap(),
                "{p:?}"
            );
            for (name, (_, last, _)) in &f.gauges {
                assert_eq!(*last, 0.0, "{p:?}: `{name}` ends at {last}");
            }
            assert_eq!(count(f, "work queue"), 0.0, "{p:?}");
            assert_eq!(count(f, "results queue"), 0.0, "{p:?}");
        },
    );
}

#[test]
fn fibonacci_counts_agree_and_stalls_agree_with_the_calculation() {
    each_run(
        "fibonacci",
        [
            &["n=20000", "update_every=500"],
            &["n=5000", "tick_ms=8", "update_every=100"],
        ],
        |p, f, s| {
            assert_eq!(
                count(f, "display updates"),
                num(s, "display_updates"),
                "{p:?}"
            );
            assert_eq!(
                last_gauge("fibonacci", f, "results (maxsize 1)"),
                num(s, "results_left_in_queue"),
                "{p:?}"
            );
            // The longest time with no tick covers the frozen calculation.
            assert!(
                num(s, "max_ui_stall_ms_frozen") >= num(s, "frozen_compute_ms"),
                "{p:?}: {s}"
            );
        },
    );
}

#[test]
fn exceptions_counts_agree_with_the_summary() {
    each_run(
        "exceptions",
        [
            &["workers=3", "items=3", "fail_at=1", "hang_ms=100"],
            &[
                "workers=5",
                "items=4",
                "fail_at=4",
                "item_ms=2",
                "hang_ms=150",
            ],
        ],
        |p, f, s| {
            assert_eq!(
                count(f, "critical sections done"),
                num(s, "critical_sections_with_guard"),
                "{p:?}"
            );
            assert_eq!(num(s, "threads_left"), 0.0, "{p:?}");
        },
    );
}
