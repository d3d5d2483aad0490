//! Every registered demo in the TUI: its screen before a run (snapshot),
//! and, in a pseudo-terminal, started, paused, stepped and cancelled from
//! the demos list, with the app going on afterwards.

use crate::common;

use common::pty::Pty;
use common::{app, screen};
use threadtutor::demos::registry;
use threadtutor::ui::app::Screen;
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::theme::ColorDepth;

#[test]
fn every_demo_screen_before_a_run() {
    for demo in registry::all() {
        let mut app = app(ColorDepth::TrueColor);
        app.screen = Screen::Demo(Box::new(DemoView::new(demo, Back::Home)));
        let s = screen(&mut app, 120, 30);
        insta::assert_snapshot!(format!("ready_{}", demo.info().id), s);
    }
}

#[test]
fn every_demo_starts_pauses_steps_and_cancels_in_the_tui() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&[], data.path(), 120, 40);
    pty.wait_for("Python Threads");
    pty.send(b"d");
    pty.wait_for("Live demos");
    for (i, demo) in registry::all().iter().enumerate() {
        let id = demo.info().id;
        if i > 0 {
            pty.send(b"j");
        }
        pty.send(b"\r");
        pty.wait_for(&format!("Live demo · {id}"));
        pty.wait_for("press s to start");
        // Start paused and take one step; then run, pause, and cancel.
        pty.send(b".");
        pty.wait_for("paused");
        pty.send(b" ");
        pty.send(b" ");
        pty.wait_for("paused");
        pty.send(b"\x1b");
        pty.wait_for("Live demos");
        pty.wait_gone(&format!("Live demo · {id}"));
    }
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn the_learner_schedules_thread_order() {
    use crossterm::event::KeyCode;
    use std::time::{Duration, Instant};
    use threadtutor::demos::Value;
    let demo = registry::find("thread-order").unwrap();
    let mut view = DemoView::new(demo, Back::Home);
    view.params.set("mode", Value::Text("choose".into()));
    // One round (choose mode goes on round after round up to `runs`).
    view.params.set("runs", Value::Int(1));
    view.start();
    // Thread 2 three times, then Thread 1 three times.
    for pick in ['2', '2', '2', '1', '1', '1'] {
        let t = Instant::now();
        while view.model.prompt.is_none() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "no prompt; log: {:?}",
                view.model.log
            );
            view.tick();
            std::thread::sleep(Duration::from_millis(2));
        }
        let (question, options) = view.model.prompt.clone().unwrap();
        assert!(
            question.starts_with("Output so far: ")
                && question.ends_with("Which thread runs next?"),
            "{question}"
        );
        assert!(!options.is_empty() && options.len() <= 2);
        // When one thread is done, only the other is offered, as option 1.
        let key = if options.len() == 1 { '1' } else { pick };
        view.on_key(KeyCode::Char(key).into());
    }
    let t = Instant::now();
    while view.model.summary.is_none() {
        assert!(t.elapsed() < Duration::from_secs(20), "no summary");
        view.tick();
        std::thread::sleep(Duration::from_millis(2));
    }
    let summary = view.model.summary.clone().unwrap();
    assert_eq!(summary["mode"], "choose");
    assert_eq!(summary["respects_program_order"], true);
    let seq: Vec<&String> = summary["interleavings"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(seq.len(), 1);
    assert!(seq[0].starts_with('1') && seq[0].ends_with('c'), "{seq:?}");
}

#[test]
fn gil_shows_each_threads_current_instruction() {
    use threadtutor::demos::{DemoEvent, Params, Session};
    let demo = registry::find("gil").unwrap();
    let session = Session::start(demo, Params::defaults(demo.info().params));
    let mut panel = None;
    let t = std::time::Instant::now();
    loop {
        assert!(t.elapsed() < std::time::Duration::from_secs(60));
        let finished = session.is_finished();
        while let Ok(ev) = session.events.try_recv() {
            if let DemoEvent::Panel { title, lines, .. } = ev {
                assert_eq!(title, "dis this");
                if lines.iter().any(|l| l.contains('▶')) {
                    panel = Some(lines);
                }
            }
        }
        if finished {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let lines = panel.expect("a dis-this panel with a thread's marker");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("BINARY_OP") && l.contains("(+=)")),
        "{lines:?}"
    );
}

/// The screen with what varies from run to run taken out: numbers become
/// `#`, runs of spaces one space, and each timeline lane keeps only its
/// thread's name (lanes sorted, as threads may start in either order).
fn normalised(screen: &str) -> String {
    let mut out = Vec::new();
    let mut lanes: Vec<String> = Vec::new();
    let mut in_lanes = false;
    for line in screen.lines() {
        let l = crate::common::numbers_hashed(line);
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        if l.starts_with("Threads █ running") || l.starts_with("Threads (paused)") {
            in_lanes = true;
            out.push(l);
            continue;
        }
        if in_lanes {
            let name = l.split(' ').next().unwrap_or("").to_string();
            if name.is_empty()
                || l.starts_with("Gauges")
                || l.starts_with("Histogram")
                || l.starts_with("Log")
                || l.starts_with("dis this")
            {
                in_lanes = false;
                lanes.sort();
                out.append(&mut lanes);
            } else {
                lanes.push(name);
                continue;
            }
        }
        out.push(l);
    }
    lanes.sort();
    out.append(&mut lanes);
    out.join("\n")
}

#[test]
fn every_demo_paused_before_its_first_step() {
    use std::time::{Duration, Instant};
    for demo in registry::all() {
        let mut app = app(ColorDepth::TrueColor);
        let mut view = DemoView::new(demo, Back::Home);
        view.start_paused();
        // Take in what it reports up to its first checkpoint, until quiet.
        let mut quiet_since = Instant::now();
        let start = Instant::now();
        let mut seen = 0;
        while quiet_since.elapsed() < Duration::from_millis(300)
            && start.elapsed() < Duration::from_secs(10)
        {
            view.tick();
            if view.model.events != seen {
                seen = view.model.events;
                quiet_since = Instant::now();
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(view.is_paused(), "{} is not paused", demo.info().id);
        app.screen = Screen::Demo(Box::new(view));
        let s = normalised(&screen(&mut app, 120, 30));
        assert!(s.contains("⏸ paused"), "{s}");
        insta::assert_snapshot!(format!("paused_{}", demo.info().id), s);
    }
}
