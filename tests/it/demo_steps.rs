//! Demos a person can watch: in a real terminal of 80×24, every demo is
//! opened from the demos list, stepped five times with `.` (each press
//! shows exactly one new narrated event; in `race` the counter moves by
//! at most one per step), then run to the end at full speed. The finished
//! screen shows the result in words (never JSON) and keeps `Esc` in its
//! footer. And each demo finished, drawn at 120×40 and 80×24 (snapshots,
//! numbers normalised).

use std::time::{Duration, Instant};

use crate::common;

use common::pty::Pty;
use common::{app, screen};
use threadtutor::demos::registry;
use threadtutor::ui::app::Screen;
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::theme::ColorDepth;

/// The narration line (the screen's second row) and its step number.
fn narration(pty: &Pty) -> (u64, String) {
    let screen = pty.screen();
    let line = screen.lines().nth(1).unwrap_or("").to_string();
    let n = line
        .trim_start()
        .strip_prefix("step ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (n, line)
}

/// Wait until `f` holds of the screen, at most [`common::pty::TIMEOUT`].
fn wait_until(pty: &Pty, what: &str, f: impl Fn(&str) -> bool) -> Result<(), String> {
    let t = Instant::now();
    while !f(&pty.screen()) {
        if t.elapsed() > common::pty::TIMEOUT {
            return Err(format!("{what} never came:\n{}", pty.screen()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// Wait until the narration's step number is `want`.
fn wait_for_step(pty: &Pty, want: u64) -> Result<String, String> {
    let t = Instant::now();
    loop {
        let (n, line) = narration(pty);
        if n == want {
            return Ok(line);
        }
        if n > want {
            return Err(format!(
                "one press of . gave more than one step (now step {n}, wanted {want}):\n{}",
                pty.screen()
            ));
        }
        if t.elapsed() > common::pty::TIMEOUT {
            return Err(format!(
                "step {want} never came (still step {n}):\n{}",
                pty.screen()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The counter value a race narration names (`read counter = 41`,
/// `wrote 42`), if any.
fn counter_in(line: &str) -> Option<u64> {
    let after = line
        .split("read counter = ")
        .nth(1)
        .or_else(|| line.split(" wrote ").nth(1))?;
    after
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
}

/// One demo, opened: five steps, then to the end at full speed.
fn step_through(pty: &mut Pty, id: &str) -> Result<(), String> {
    let mut seen: Vec<String> = Vec::new();
    let mut counter: Option<u64> = None;
    for step in 1..=5 {
        pty.send(b".");
        let line = wait_for_step(pty, step)?;
        // While paused, the lanes say so.
        let s = pty.screen();
        if s.contains("Threads ") && !s.contains("Threads (paused)") {
            return Err(format!("paused, but the lanes do not say so:\n{s}"));
        }
        // Nothing more comes until the next press.
        std::thread::sleep(Duration::from_millis(150));
        if narration(pty).0 != step {
            return Err(format!("ran on after step {step}:\n{}", pty.screen()));
        }
        if id == "race"
            && let Some(v) = counter_in(&line)
        {
            if let Some(before) = counter
                && v > before + 1
            {
                return Err(format!(
                    "the counter moved from {before} to {v} in one step: {line}"
                ));
            }
            counter = Some(counter.map_or(v, |c| c.max(v)));
        }
        seen.push(line);
    }
    if id == "race" && counter.is_none() {
        return Err(format!("race narrates no reads and writes: {seen:?}"));
    }
    // To the end, at full speed.
    for _ in 0..6 {
        pty.send(b"]");
    }
    wait_until(pty, "full speed", |s| s.contains("full ·"))?;
    pty.send(b" ");
    wait_until(pty, "the end", |s| s.contains("finished in"))?;
    let s = pty.screen();
    if s.contains("{\"") {
        return Err(format!("JSON on screen:\n{s}"));
    }
    if !s.contains("Result") {
        return Err(format!("no result table:\n{s}"));
    }
    let footer = s.lines().last().unwrap_or("");
    if !footer.contains("Esc") {
        return Err(format!("no Esc in the footer: {footer}"));
    }
    Ok(())
}

#[test]
fn every_demo_steps_one_narrated_event_at_a_time_at_80x24() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&[], data.path(), 80, 24);
    pty.wait_for("Python Threads");
    pty.send(b"d");
    pty.wait_for("Live demos");
    let mut failures = Vec::new();
    for (i, demo) in registry::all().iter().enumerate() {
        let id = demo.info().id;
        if i > 0 {
            pty.send(b"j");
        }
        pty.send(b"\r");
        pty.wait_for(&format!("Live demo · {id}"));
        pty.wait_for("press s to start");
        if let Err(e) = step_through(&mut pty, id) {
            failures.push(format!("{id}: {e}"));
        }
        pty.send(b"\x1b");
        pty.wait_for("Live demos");
        pty.wait_gone(&format!("Live demo · {id}"));
    }
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The screen with what varies from run to run taken out: digits become
/// `#`, runs of spaces one space; timeline lanes keep only their thread's
/// name (sorted); histograms only their titles; result rows their words
/// up to the first number; and the log — whose lines come from several
/// threads in any order and wrap by the width of their numbers — only its
/// title.
fn normalised(screen: &str) -> String {
    let mut out = Vec::new();
    let mut lanes: Vec<String> = Vec::new();
    let mut section = String::new();
    for (row, line) in screen.lines().enumerate() {
        if row == 1 {
            // The narration: which thread spoke last varies.
            let shown = match line.char_indices().find(|(_, c)| matches!(c, '»' | '★')) {
                Some((i, c)) => &line[..i + c.len_utf8()],
                None => line,
            };
            out.push(
                shown
                    .trim()
                    .chars()
                    // A key event or not: which came last varies too.
                    .map(|c| match c {
                        '0'..='9' => '#',
                        '★' => '»',
                        c => c,
                    })
                    .collect(),
            );
            continue;
        }
        let l = crate::common::numbers_hashed(line);
        // Bars of gauges and histograms vary in length.
        let l: String = l
            .chars()
            .filter(|c| !matches!(c, '░' | '▓' | '▒' | '·' | '▁'..='█'))
            .collect();
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        let first = l.split(' ').next().unwrap_or("").to_string();
        let heading = matches!(
            first.as_str(),
            "Threads" | "Gauges" | "Histogram" | "Log" | "Result" | "dis"
        );
        if heading {
            if section == "Threads" {
                lanes.sort();
                out.append(&mut lanes);
            }
            section = first;
            out.push(l);
            continue;
        }
        match section.as_str() {
            "Threads" if !first.is_empty() => lanes.push(first),
            // Which bars a histogram has, and so which figures a result
            // lists, varies from run to run: bars are left out, and a
            // result row keeps its words up to its first number (a
            // wrapped row's further lines are left out).
            "Histogram" => {}
            "Result" => {
                if !line.starts_with(' ') {
                    let words = l.split('#').next().unwrap_or("").trim_end();
                    out.push(words.to_string());
                }
            }
            // The log and the footer row after it (whose place depends on
            // the log's length) are left out; the footer is the last line.
            "Log" => {}
            // Where each thread stopped in the bytecode (`T1▶`) varies.
            "dis" => out.push(
                l.split(' ')
                    .filter(|w| {
                        !w.contains("T#▶") || !w.replace("T#▶", "").trim_matches(',').is_empty()
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => out.push(l),
        }
    }
    lanes.sort();
    out.append(&mut lanes);
    if let Some(footer) = screen.lines().last() {
        out.push(footer.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out.join("\n")
}

#[test]
fn every_demo_finished_at_120x40_and_80x24() {
    let mut failures = Vec::new();
    for demo in registry::all() {
        let id = demo.info().id;
        let mut view = DemoView::new(demo, Back::Home);
        view.speed = f64::INFINITY;
        // The explain pane is in the screens before a run (demo_tui); here
        // its lines would sit beside rows that vary.
        view.show_explain = false;
        view.start();
        let t = Instant::now();
        while view.is_running() {
            assert!(t.elapsed() < Duration::from_secs(120), "{id}: not finished");
            view.tick();
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(view.model.summary.is_some(), "{id}: no summary");
        let mut app = app(ColorDepth::TrueColor);
        app.reduce_motion = true;
        app.screen = Screen::Demo(Box::new(view));
        // Finished, at any size from the minimum up, it draws (no panic).
        for (w, h) in [(40, 12), (60, 14), (100, 12), (110, 36), (200, 60)] {
            let _ = screen(&mut app, w, h);
        }
        for (w, h) in [(120, 40), (80, 24)] {
            let raw = screen(&mut app, w, h);
            if raw.contains("{\"") {
                failures.push(format!("{id} at {w}×{h}: JSON on screen:\n{raw}"));
            }
            if !raw.contains("Result") || !raw.contains(&format!("Live demo · {id}")) {
                failures.push(format!("{id} at {w}×{h}: no title or result:\n{raw}"));
            }
            let footer = raw.lines().last().unwrap_or("");
            for key in ["Esc", "?", "q"] {
                if !footer.contains(key) {
                    failures.push(format!("{id} at {w}×{h}: {key} not in {footer}"));
                }
            }
            insta::assert_snapshot!(format!("finished_{id}_{w}x{h}"), normalised(&raw));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
