//! What a demo reports while it runs. The same events feed the TUI's
//! pictures and `threadtutor demo --json`'s lines.

use serde::Serialize;

/// What a thread is doing, for timeline lanes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaneState {
    /// Running Python code (or, in the GIL demo, holding the GIL).
    Running,
    /// Holding a lock (named) while working.
    Holding(String),
    /// Waiting for a lock, the GIL, a condition or an event (named).
    Waiting(String),
    /// Blocked on a queue (named).
    Blocked(String),
    /// Sleeping or doing I/O (the GIL is released).
    Sleeping,
    /// Finished.
    Done,
}

/// One report from a running demo. `t_ms` is milliseconds since it started.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum DemoEvent {
    /// A line for the demo's running account.
    Log { t_ms: f64, text: String },
    /// A thread changed state.
    Lane {
        t_ms: f64,
        thread: String,
        state: LaneState,
    },
    /// A level with a maximum (queue fill, threads inside a semaphore).
    Gauge {
        t_ms: f64,
        name: String,
        value: f64,
        max: f64,
    },
    /// A named count (items made, wake-ups).
    Count { t_ms: f64, name: String, value: f64 },
    /// A distribution: labels with counts (e.g. interleavings seen).
    /// `unit` names what every bar counts (`"runs"`): only then do the bars
    /// add up to a meaningful total (`200 runs in all`); without it the
    /// viewer shows no total.
    Histogram {
        t_ms: f64,
        name: String,
        bars: Vec<(String, u64)>,
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// What one visible step just did, in the deck's terms (`Thread-2 read
    /// counter = 41`). `key` marks an interesting event (a lost update, a
    /// deadlock, a wake-up): `>` runs to the next one.
    Narrate { t_ms: f64, text: String, key: bool },
    /// The demo moved to a new phase (e.g. "two threads, with the GIL").
    Phase { t_ms: f64, name: String },
    /// A small text view kept up to date (the newest per title is shown),
    /// e.g. the bytecode with each thread's current instruction marked.
    Panel {
        t_ms: f64,
        title: String,
        lines: Vec<String>,
    },
    /// The demo waits for the learner to pick one of `options` (keys 1, 2, …;
    /// headless runs pick the first).
    Prompt {
        t_ms: f64,
        question: String,
        options: Vec<String>,
    },
    /// Something went wrong in the demo (e.g. a thread panicked); it may go on.
    Error { t_ms: f64, text: String },
    /// The final result: the summary object (holds `"demo": ID`).
    Summary { summary: serde_json::Value },
}

impl DemoEvent {
    /// The time stamp, if the event has one.
    pub fn t_ms(&self) -> Option<f64> {
        match self {
            DemoEvent::Log { t_ms, .. }
            | DemoEvent::Lane { t_ms, .. }
            | DemoEvent::Gauge { t_ms, .. }
            | DemoEvent::Count { t_ms, .. }
            | DemoEvent::Histogram { t_ms, .. }
            | DemoEvent::Phase { t_ms, .. }
            | DemoEvent::Prompt { t_ms, .. }
            | DemoEvent::Panel { t_ms, .. }
            | DemoEvent::Narrate { t_ms, .. }
            | DemoEvent::Error { t_ms, .. } => Some(*t_ms),
            DemoEvent::Summary { .. } => None,
        }
    }
}
