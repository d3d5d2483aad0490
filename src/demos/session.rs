//! Running one demo: its context (parameters, control, the event channel)
//! and the session the UI or CLI holds. Events go over a bounded channel;
//! a demo never waits for the UI — when the channel is full, display events
//! are dropped and counted (the summary is always delivered).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::control::{Cancelled, Control};
use super::event::{DemoEvent, LaneState};
use super::params::{ParamSpec, Params};

/// What a demo is, for listings and the demo screen.
#[derive(Debug)]
pub struct DemoInfo {
    pub id: &'static str,
    pub title: &'static str,
    /// One line for `demo --list`.
    pub about: &'static str,
    /// What to look for, tied to the lesson (shown in the explain pane).
    pub explain: &'static str,
    pub params: &'static [ParamSpec],
}

/// Why a run ended without a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoFailure {
    Cancelled,
    Failed(String),
}

impl From<Cancelled> for DemoFailure {
    fn from(_: Cancelled) -> Self {
        DemoFailure::Cancelled
    }
}

/// A live demo.
pub trait Demo: Send + Sync + 'static {
    fn info(&self) -> &'static DemoInfo;
    /// Run to the end (or until cancelled), reporting through `ctx`; return
    /// the summary's keys. Every thread the demo starts must be joined
    /// before this returns.
    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure>;

    /// The summary as a short table in words (`17 of 20 interleavings
    /// seen in 200 runs`), shown in the TUI instead of JSON. The default
    /// lists the summary's keys in words ([`describe_summary`]); demos
    /// override it with sentences of their own.
    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe_summary(summary)
    }

    /// Keys the learner may press while the demo runs, with what they do
    /// (e.g. `('e', "set the event")`). The demo screen shows them in its
    /// footer and help and sends the action's index to
    /// [`Control::push_action`]; the demo takes it with
    /// [`Control::take_action`]. Default: none.
    fn actions(&self) -> &'static [(char, &'static str)] {
        &[]
    }
}

/// The default [`Demo::describe`]: every key of the summary but `demo` and
/// `params`, in words (`lost_updates` → `lost updates`); numbers as
/// numbers, lists and objects on one line (`a 1, b 2`), never JSON.
pub fn describe_summary(summary: &Value) -> Vec<(String, String)> {
    let Some(map) = summary.as_object() else {
        return vec![("result".into(), words(summary))];
    };
    map.iter()
        .filter(|(k, _)| *k != "demo" && *k != "params")
        .map(|(k, v)| (k.replace('_', " "), words(v)))
        .collect()
}

/// A JSON value in words, without braces or quotes.
pub fn words(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => number(f),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(words).collect::<Vec<_>>().join(", "),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{} {}", k.replace('_', " "), words(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A number for people: at most three decimals, no trailing zeros.
pub fn number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let s = format!("{:.3}", f);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// What a demo's threads hold to narrate visible steps: the event sink and
/// the control, cloneable. See [`Ctx::step`].
#[derive(Clone)]
pub struct Narrator {
    sink: EventSink,
    control: Arc<Control>,
}

impl Narrator {
    /// One visible event: wait at the pace and while paused (one `.` = one
    /// step), then narrate `text`.
    pub fn step(&self, text: impl Into<String>) -> Result<(), Cancelled> {
        self.control.visible_step(false)?;
        self.say(text, false);
        Ok(())
    }

    /// As [`Narrator::step`], for an interesting event (a lost update, a
    /// deadlock, a wake-up): `>` stops here.
    pub fn key_step(&self, text: impl Into<String>) -> Result<(), Cancelled> {
        self.control.visible_step(true)?;
        self.say(text, true);
        Ok(())
    }

    /// Only the wait of a step, for a demo that acts between the wait and
    /// the narration (wait, read the counter, then say what was read):
    /// follow it with [`Narrator::say`].
    pub fn pace(&self, key: bool) -> Result<(), Cancelled> {
        self.control.visible_step(key)
    }

    /// Only the narration of a step (after [`Narrator::pace`]); a key
    /// event ends a `>` jump (see [`Control::key_event`]).
    pub fn say(&self, text: impl Into<String>, key: bool) {
        if key {
            self.control.key_event();
        }
        self.sink.emit(DemoEvent::Narrate {
            t_ms: self.sink.t_ms(),
            text: text.into(),
            key,
        });
    }

    /// The event sink.
    pub fn sink(&self) -> &EventSink {
        &self.sink
    }

    /// The control.
    pub fn control(&self) -> &Arc<Control> {
        &self.control
    }
}

/// A cloneable handle for reporting events from any of a demo's threads
/// (and from pythreading observers). Never blocks.
#[derive(Clone)]
pub struct EventSink {
    tx: SyncSender<DemoEvent>,
    dropped: Arc<AtomicU64>,
    start: Instant,
}

impl EventSink {
    /// Milliseconds since the demo started.
    pub fn t_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    /// Milliseconds from the demo's start to `at`.
    pub fn ms_at(&self, at: Instant) -> f64 {
        at.saturating_duration_since(self.start).as_secs_f64() * 1000.0
    }

    /// Send a display event; dropped (and counted) when the channel is full.
    pub fn emit(&self, ev: DemoEvent) {
        match self.tx.try_send(ev) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub fn log(&self, text: impl Into<String>) {
        self.emit(DemoEvent::Log {
            t_ms: self.t_ms(),
            text: text.into(),
        });
    }

    pub fn lane(&self, thread: impl Into<String>, state: LaneState) {
        self.emit(DemoEvent::Lane {
            t_ms: self.t_ms(),
            thread: thread.into(),
            state,
        });
    }

    pub fn gauge(&self, name: impl Into<String>, value: f64, max: f64) {
        self.emit(DemoEvent::Gauge {
            t_ms: self.t_ms(),
            name: name.into(),
            value,
            max,
        });
    }

    pub fn count(&self, name: impl Into<String>, value: f64) {
        self.emit(DemoEvent::Count {
            t_ms: self.t_ms(),
            name: name.into(),
            value,
        });
    }

    pub fn error(&self, text: impl Into<String>) {
        self.emit(DemoEvent::Error {
            t_ms: self.t_ms(),
            text: text.into(),
        });
    }

    /// Display events dropped so far because the viewer was behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// What a running demo uses to report and to be controlled.
pub struct Ctx {
    pub params: Params,
    pub control: Arc<Control>,
    sink: EventSink,
}

impl Ctx {
    /// A handle to report from other threads.
    pub fn sink(&self) -> EventSink {
        self.sink.clone()
    }

    /// Milliseconds since the demo started.
    pub fn t_ms(&self) -> f64 {
        self.sink.t_ms()
    }

    /// When the demo started.
    pub fn start(&self) -> Instant {
        self.sink.start
    }

    /// Send a display event; never blocks (dropped and counted when full).
    pub fn emit(&self, ev: DemoEvent) {
        self.sink.emit(ev);
    }

    pub fn log(&self, text: impl Into<String>) {
        self.sink.log(text);
    }

    pub fn lane(&self, thread: impl Into<String>, state: LaneState) {
        self.sink.lane(thread, state);
    }

    pub fn gauge(&self, name: impl Into<String>, value: f64, max: f64) {
        self.sink.gauge(name, value, max);
    }

    pub fn count(&self, name: impl Into<String>, value: f64) {
        self.sink.count(name, value);
    }

    /// A histogram whose bars are not counts of one thing (no total is
    /// shown); see [`Ctx::histogram_of`].
    pub fn histogram(&self, name: impl Into<String>, bars: Vec<(String, u64)>) {
        self.emit(DemoEvent::Histogram {
            t_ms: self.t_ms(),
            name: name.into(),
            bars,
            unit: None,
        });
    }

    /// A histogram whose bars all count `unit` (`"runs"`): the viewer may
    /// show their total (`200 runs in all`).
    pub fn histogram_of(
        &self,
        name: impl Into<String>,
        unit: impl Into<String>,
        bars: Vec<(String, u64)>,
    ) {
        self.emit(DemoEvent::Histogram {
            t_ms: self.t_ms(),
            name: name.into(),
            bars,
            unit: Some(unit.into()),
        });
    }

    /// A handle for narrating visible steps from the demo's threads.
    pub fn narrator(&self) -> Narrator {
        Narrator {
            sink: self.sink.clone(),
            control: Arc::clone(&self.control),
        }
    }

    /// One visible event: wait at the pace and while paused (consuming one
    /// single-step token: one `.` = one narration), then narrate `text`
    /// (`Thread-2 read counter = 41`).
    pub fn step(&self, text: impl Into<String>) -> Result<(), Cancelled> {
        self.narrator().step(text)
    }

    /// As [`Ctx::step`], for an interesting event (`>` runs to the next).
    pub fn key_step(&self, text: impl Into<String>) -> Result<(), Cancelled> {
        self.narrator().key_step(text)
    }

    /// Is the demo slowed down? (See [`Control::is_paced`].)
    pub fn is_paced(&self) -> bool {
        self.control.is_paced()
    }

    pub fn phase(&self, name: impl Into<String>) {
        self.emit(DemoEvent::Phase {
            t_ms: self.t_ms(),
            name: name.into(),
        });
    }

    pub fn error(&self, text: impl Into<String>) {
        self.sink.error(text);
    }

    /// See [`Control::checkpoint`].
    pub fn checkpoint(&self) -> Result<(), Cancelled> {
        self.control.checkpoint()
    }

    /// See [`Control::sleep`].
    pub fn sleep(&self, d: Duration) -> Result<(), Cancelled> {
        self.control.sleep(d)
    }

    pub fn is_cancelled(&self) -> bool {
        self.control.is_cancelled()
    }

    /// A context outside any session, for unit tests of demo helpers: no
    /// parameters, a fresh control, events to the returned receiver.
    #[cfg(test)]
    pub(crate) fn for_test() -> (Ctx, Receiver<DemoEvent>) {
        let (tx, rx) = sync_channel(CHANNEL_CAPACITY);
        let ctx = Ctx {
            params: Params::default(),
            control: Arc::new(Control::new()),
            sink: EventSink {
                tx,
                dropped: Arc::new(AtomicU64::new(0)),
                start: Instant::now(),
            },
        };
        (ctx, rx)
    }
}

/// A demo running on its own threads.
pub struct Session {
    pub id: &'static str,
    pub control: Arc<Control>,
    pub events: Receiver<DemoEvent>,
    /// Display events dropped because the channel was full.
    pub dropped: Arc<AtomicU64>,
    handle: Option<JoinHandle<()>>,
}

/// Events buffered between a demo and its viewer.
pub const CHANNEL_CAPACITY: usize = 4096;

impl Session {
    /// Start `demo` with `params` on a new thread.
    pub fn start(demo: &'static dyn Demo, params: Params) -> Session {
        Self::start_with_capacity(demo, params, CHANNEL_CAPACITY)
    }

    pub fn start_with_capacity(
        demo: &'static dyn Demo,
        params: Params,
        capacity: usize,
    ) -> Session {
        Self::start_inner(demo, params, capacity, false, None)
    }

    /// Start at a pace (`speed`, see [`Control::set_speed`]), paused or not:
    /// the TUI's way (a `speed` parameter, if given, wins).
    pub fn start_paced(
        demo: &'static dyn Demo,
        params: Params,
        speed: f64,
        paused: bool,
    ) -> Session {
        Self::start_inner(demo, params, CHANNEL_CAPACITY, paused, Some(speed))
    }

    /// Start with the demo paused before its first step (`.` in the TUI):
    /// nothing runs past the first checkpoint until resumed or stepped.
    pub fn start_paused(demo: &'static dyn Demo, params: Params) -> Session {
        Self::start_inner(demo, params, CHANNEL_CAPACITY, true, None)
    }

    fn start_inner(
        demo: &'static dyn Demo,
        params: Params,
        capacity: usize,
        paused: bool,
        speed: Option<f64>,
    ) -> Session {
        let (tx, rx) = sync_channel(capacity);
        let control = Arc::new(Control::new());
        control.set_paused(paused);
        // `--param speed=…` wins; else the caller's pace; else full speed.
        if let Some(speed) = params.speed().or(speed) {
            control.set_speed(speed);
        }
        let dropped = Arc::new(AtomicU64::new(0));
        let info = demo.info();
        let ctx = Ctx {
            params,
            control: Arc::clone(&control),
            sink: EventSink {
                tx: tx.clone(),
                dropped: Arc::clone(&dropped),
                start: Instant::now(),
            },
        };
        let handle = thread::Builder::new()
            // The demo's own thread plays Python's main thread.
            .name("MainThread".into())
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| demo.run(&ctx)));
                match result {
                    Ok(Ok(mut map)) => {
                        let mut summary = Map::new();
                        summary.insert("demo".into(), Value::from(info.id));
                        summary.append(&mut map);
                        summary.insert("params".into(), ctx.params.to_json());
                        // The summary must arrive: a blocking send (fails only
                        // if nobody is listening any more).
                        let _ = tx.send(DemoEvent::Summary {
                            summary: Value::Object(summary),
                        });
                    }
                    Ok(Err(DemoFailure::Cancelled)) => ctx.log("cancelled"),
                    Ok(Err(DemoFailure::Failed(msg))) => ctx.error(msg),
                    Err(panic) => {
                        ctx.error(format!("the demo panicked: {}", panic_message(&panic)))
                    }
                }
            })
            .expect("spawn the demo's controller thread");
        Session {
            id: info.id,
            control,
            events: rx,
            dropped,
            handle: Some(handle),
        }
    }

    /// Has the demo finished (summary sent, or cancelled, or failed)?
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Cancel and wait for every thread of the demo to end.
    pub fn cancel_and_join(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.control.cancel();
        if let Some(h) = self.handle.take() {
            // The demo may be blocked sending its summary into a full channel:
            // drain while waiting.
            while !h.is_finished() {
                while self.events.try_recv().is_ok() {}
                thread::sleep(Duration::from_millis(1));
            }
            let _ = h.join();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The text of a panic payload.
pub fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".into()
    }
}
