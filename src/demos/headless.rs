//! Running a demo without the TUI: `threadtutor demo ID` prints a readable
//! account as it runs; `--json` prints one JSON object per line, the last
//! being the summary.

use std::io::Write;
use std::time::Duration;

use super::event::DemoEvent;
use super::params::Params;
use super::session::{Demo, Session};
use crate::content::sanitize::inert;

/// Run to the end; returns the summary (None if the demo failed).
pub fn run(
    demo: &'static dyn Demo,
    params: Params,
    json: bool,
    out: &mut dyn Write,
) -> Option<serde_json::Value> {
    let session = Session::start(demo, params);
    let mut summary = None;
    let mut failed = false;
    loop {
        match session.events.recv_timeout(Duration::from_millis(50)) {
            Ok(ev) => {
                if let DemoEvent::Error { .. } = ev {
                    failed = true;
                }
                // Nobody to ask: take the first option, and say so.
                if let DemoEvent::Prompt { options, .. } = &ev {
                    session.control.push_choice(0);
                    if !json {
                        let _ = writeln!(
                            out,
                            "(headless: choosing {})",
                            options.first().map_or("", String::as_str)
                        );
                    }
                }
                if json {
                    let _ = serde_json::to_writer(&mut *out, &ev);
                    let _ = writeln!(out);
                } else if let DemoEvent::Summary { summary } = &ev {
                    // The summary in words, as the TUI shows it.
                    let _ = writeln!(out, "summary:");
                    for (what, value) in demo.describe(summary) {
                        let _ = writeln!(out, "  {}: {}", inert(&what), inert(&value));
                    }
                } else if let Some(line) = describe(&ev) {
                    let _ = writeln!(out, "{line}");
                }
                if let DemoEvent::Summary { summary: s } = ev {
                    summary = Some(s);
                }
            }
            Err(_) if session.is_finished() => {
                // Take anything still queued, then stop.
                if session.events.try_recv().is_err() {
                    break;
                }
            }
            Err(_) => {}
        }
    }
    let _ = out.flush();
    if failed && summary.is_none() {
        None
    } else {
        summary
    }
}

/// A readable line for an event (lane changes are too many to print).
pub fn describe(ev: &DemoEvent) -> Option<String> {
    match ev {
        DemoEvent::Log { t_ms, text } => Some(format!("{t_ms:>9.1} ms  {text}")),
        DemoEvent::Phase { t_ms, name } => Some(format!("{t_ms:>9.1} ms  == {name} ==")),
        DemoEvent::Error { t_ms, text } => Some(format!("{t_ms:>9.1} ms  error: {text}")),
        DemoEvent::Narrate { t_ms, text, key } => Some(format!(
            "{t_ms:>9.1} ms  {} {text}",
            if *key { "★" } else { "»" }
        )),
        DemoEvent::Histogram {
            name, bars, unit, ..
        } => {
            let total: u64 = bars.iter().map(|(_, n)| n).sum();
            // A total only when the bars count one thing.
            let mut s = match unit {
                Some(u) => format!("{name} ({total} {u} in all):"),
                None => format!("{name}:"),
            };
            for (label, n) in bars {
                s.push_str(&format!("\n  {n:>6}  {label}"));
            }
            Some(s)
        }
        DemoEvent::Summary { summary } => Some(format!(
            "summary: {}",
            serde_json::to_string_pretty(summary).unwrap_or_default()
        )),
        DemoEvent::Prompt {
            t_ms,
            question,
            options,
        } => Some(format!(
            "{t_ms:>9.1} ms  {question} {}",
            options.join(" / ")
        )),
        DemoEvent::Lane { .. }
        | DemoEvent::Gauge { .. }
        | DemoEvent::Count { .. }
        | DemoEvent::Panel { .. } => None,
    }
}
