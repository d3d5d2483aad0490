//! What a viewer knows about a running demo, built from its events: lanes
//! of thread states over time, gauges, counts with their recent history,
//! histograms, the log, phases, errors and the summary. Pure data, so the
//! TUI draws it and tests check it without threads.

use std::collections::{BTreeMap, VecDeque};

use super::event::{DemoEvent, LaneState};

/// Most log lines kept.
pub const LOG_LINES: usize = 500;
/// Most state changes kept per lane.
pub const LANE_CHANGES: usize = 20_000;
/// Samples kept for each count's sparkline.
pub const HISTORY: usize = 120;

/// One thread's timeline: (time, state) changes in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lane {
    pub changes: VecDeque<(f64, LaneState)>,
}

impl Lane {
    /// The state at time `t` (None before the first change).
    pub fn state_at(&self, t: f64) -> Option<&LaneState> {
        // Changes are in time order: the last one at or before t.
        let idx = self.changes.partition_point(|(ct, _)| *ct <= t);
        idx.checked_sub(1).map(|i| &self.changes[i].1)
    }
}

/// The viewer's picture of a demo run.
#[derive(Debug, Clone, Default)]
pub struct DemoModel {
    /// Lanes: MainThread first, then by name (numbers as numbers).
    pub lanes: Vec<(String, Lane)>,
    pub gauges: BTreeMap<String, (f64, f64)>,
    /// Each count's latest value and recent samples.
    pub counts: BTreeMap<String, (f64, VecDeque<f64>)>,
    pub histograms: BTreeMap<String, Vec<(String, u64)>>,
    /// What each histogram's bars count, when they count one thing (only
    /// then is a total shown).
    pub histogram_units: BTreeMap<String, String>,
    /// The latest narration (what the last visible step did) and whether it
    /// was a key event.
    pub narration: Option<(String, bool)>,
    /// Narrated steps taken in so far.
    pub narrations: u64,
    pub log: VecDeque<String>,
    pub phase: Option<String>,
    pub errors: Vec<String>,
    pub summary: Option<serde_json::Value>,
    /// Text views by title (the newest of each).
    pub panels: BTreeMap<String, Vec<String>>,
    /// The question the demo is waiting on, with its options.
    pub prompt: Option<(String, Vec<String>)>,
    /// The latest time stamp seen.
    pub now_ms: f64,
    /// Events taken in so far.
    pub events: u64,
}

impl DemoModel {
    /// Take in one event.
    pub fn apply(&mut self, ev: DemoEvent) {
        self.events += 1;
        if let Some(t) = ev.t_ms() {
            self.now_ms = self.now_ms.max(t);
        }
        match ev {
            DemoEvent::Log { t_ms, text } => self.push_log(format!("{:>8.1} ms  {text}", t_ms)),
            DemoEvent::Lane {
                t_ms,
                thread,
                state,
            } => {
                let lane = match self.lanes.iter_mut().position(|(n, _)| *n == thread) {
                    Some(i) => &mut self.lanes[i].1,
                    None => {
                        // Kept in order: MainThread first, then by name with
                        // numbers compared as numbers (Worker-2 before Worker-10).
                        let key = lane_key(&thread);
                        let at = self.lanes.partition_point(|(n, _)| lane_key(n) < key);
                        self.lanes.insert(at, (thread, Lane::default()));
                        &mut self.lanes[at].1
                    }
                };
                if lane.changes.back().is_none_or(|(_, s)| *s != state) {
                    lane.changes.push_back((t_ms, state));
                    if lane.changes.len() > LANE_CHANGES {
                        lane.changes.pop_front();
                    }
                }
            }
            DemoEvent::Gauge {
                name, value, max, ..
            } => {
                self.gauges.insert(name, (value, max));
            }
            DemoEvent::Count { name, value, .. } => {
                let entry = self.counts.entry(name).or_default();
                entry.0 = value;
                entry.1.push_back(value);
                if entry.1.len() > HISTORY {
                    entry.1.pop_front();
                }
            }
            DemoEvent::Histogram {
                name, bars, unit, ..
            } => {
                match unit {
                    Some(u) => self.histogram_units.insert(name.clone(), u),
                    None => self.histogram_units.remove(&name),
                };
                self.histograms.insert(name, bars);
            }
            DemoEvent::Narrate { t_ms, text, key } => {
                self.push_log(format!(
                    "{t_ms:>8.1} ms  {} {text}",
                    if key { "★" } else { "»" }
                ));
                self.narrations += 1;
                self.narration = Some((text, key));
            }
            DemoEvent::Phase { t_ms, name } => {
                self.push_log(format!("{t_ms:>8.1} ms  == {name} =="));
                self.phase = Some(name);
            }
            DemoEvent::Error { t_ms, text } => {
                self.push_log(format!("{t_ms:>8.1} ms  error: {text}"));
                self.errors.push(text);
            }
            DemoEvent::Prompt {
                question, options, ..
            } => self.prompt = Some((question, options)),
            DemoEvent::Panel { title, lines, .. } => {
                self.panels.insert(title, lines);
            }
            DemoEvent::Summary { summary } => {
                self.prompt = None;
                self.summary = Some(summary);
            }
        }
    }

    fn push_log(&mut self, line: String) {
        self.log.push_back(line);
        if self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }
}

/// How lanes sort: MainThread first, then by name, a run of digits
/// compared as a number.
fn lane_key(name: &str) -> (bool, Vec<(String, u64)>) {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c as u8 - b'0');
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u64::from(*d as u8 - b'0'));
                chars.next();
            }
            parts.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
        }
    }
    parts.push((text, 0));
    (name != "MainThread", parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_sorted_main_thread_first_and_numbers_as_numbers() {
        let mut m = DemoModel::default();
        for name in [
            "Retriever-0",
            "MainThread",
            "Retriever-2",
            "Retriever-14",
            "Retriever-1",
        ] {
            m.apply(DemoEvent::Lane {
                t_ms: 1.0,
                thread: name.into(),
                state: LaneState::Running,
            });
        }
        let names: Vec<&str> = m.lanes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "MainThread",
                "Retriever-0",
                "Retriever-1",
                "Retriever-2",
                "Retriever-14"
            ]
        );
    }

    #[test]
    fn lanes_keep_changes_in_order_and_answer_state_at() {
        let mut m = DemoModel::default();
        let lane = |t, s| DemoEvent::Lane {
            t_ms: t,
            thread: "T1".into(),
            state: s,
        };
        m.apply(lane(1.0, LaneState::Running));
        m.apply(lane(2.0, LaneState::Running)); // no change: not stored
        m.apply(lane(5.0, LaneState::Waiting("L".into())));
        m.apply(DemoEvent::Lane {
            t_ms: 3.0,
            thread: "T2".into(),
            state: LaneState::Done,
        });
        assert_eq!(m.lanes.len(), 2);
        let l = &m.lanes[0].1;
        assert_eq!(l.changes.len(), 2);
        assert_eq!(l.state_at(0.5), None);
        assert_eq!(l.state_at(4.0), Some(&LaneState::Running));
        assert_eq!(l.state_at(9.0), Some(&LaneState::Waiting("L".into())));
        assert_eq!(m.now_ms, 5.0);
    }

    #[test]
    fn counts_keep_history_and_summary_is_kept() {
        let mut m = DemoModel::default();
        for i in 0..200 {
            m.apply(DemoEvent::Count {
                t_ms: i as f64,
                name: "items".into(),
                value: i as f64,
            });
        }
        assert_eq!(m.counts["items"].0, 199.0);
        assert_eq!(m.counts["items"].1.len(), HISTORY);
        m.apply(DemoEvent::Summary {
            summary: serde_json::json!({"demo": "x"}),
        });
        assert_eq!(m.summary.as_ref().unwrap()["demo"], "x");
    }
}
