//! One `.` = one narrated step, for the demos event, thread-order, gil,
//! queue, factory, spider, fibonacci and exceptions: started paused, each
//! single-step token lets exactly one narration through, and the steps say
//! different things. The summaries read as words, never as JSON.

use std::time::{Duration, Instant};

use threadtutor::demos::{DemoEvent, Params, Session, registry};

/// Small parameters so that a run is quick.
const DEMOS: &[(&str, &[&str])] = &[
    ("event", &["waiters=3", "rounds=2", "hold_ms=10"]),
    ("thread-order", &["runs=5"]),
    ("gil", &["n=500", "io_sleeps=1", "io_ms=1"]),
    ("queue", &["items=6"]),
    ("factory", &["bodies=4", "wheels=4"]),
    ("spider", &["pages=12", "latency_ms=1"]),
    ("fibonacci", &["n=3000", "update_every=100"]),
    ("exceptions", &["workers=3", "items=2", "hang_ms=100"]),
];

/// The next narration within `limit`, skipping other events.
fn next_narration(session: &Session, limit: Duration) -> Option<String> {
    let end = Instant::now() + limit;
    loop {
        let left = end.checked_duration_since(Instant::now())?;
        match session.events.recv_timeout(left) {
            Ok(DemoEvent::Narrate { text, .. }) => return Some(text),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

#[test]
fn one_step_token_one_narration() {
    for (id, params) in DEMOS {
        let demo = registry::find(id).expect("registered");
        let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        let params = Params::parse(demo.info().params, &pairs).expect("parameters");
        let session = Session::start_paused(demo, params);
        // Nothing is narrated before the first step.
        assert_eq!(
            next_narration(&session, Duration::from_millis(300)),
            None,
            "{id}: narrated while paused"
        );
        let mut said = Vec::new();
        for step in 1..=5 {
            session.control.step();
            let text = next_narration(&session, Duration::from_secs(20))
                .unwrap_or_else(|| panic!("{id}: step {step} narrated nothing"));
            // Exactly one: no second narration for the same token.
            assert_eq!(
                next_narration(&session, Duration::from_millis(150)),
                None,
                "{id}: step {step} let two narrations through"
            );
            said.push(text);
        }
        assert!(
            said.windows(2).any(|w| w[0] != w[1]),
            "{id}: the narration never changed: {said:?}"
        );
        assert!(said.iter().all(|t| !t.contains("{\"")), "{id}: {said:?}");
        session.cancel_and_join();
    }
}

#[test]
fn summaries_read_as_words() {
    for (id, params) in DEMOS {
        let demo = registry::find(id).expect("registered");
        let pairs: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        let params = Params::parse(demo.info().params, &pairs).expect("parameters");
        let session = Session::start(demo, params);
        let mut summary = None;
        while let Ok(ev) = session.events.recv_timeout(Duration::from_secs(60)) {
            if let DemoEvent::Summary { summary: s } = ev {
                summary = Some(s);
                break;
            }
        }
        session.cancel_and_join();
        let summary = summary.unwrap_or_else(|| panic!("{id}: no summary"));
        let rows = demo.describe(&summary);
        assert!(rows.len() >= 2, "{id}: {rows:?}");
        for (k, v) in &rows {
            assert!(!k.is_empty() && !v.is_empty(), "{id}: {rows:?}");
            assert!(
                !k.contains(['{', '}', '"']) && !v.contains(['{', '}']),
                "{id}: {k}: {v}"
            );
        }
    }
}
