//! Helpers the demos share: a [`Crew`] of pythreading threads that is joined
//! on every way out of a demo (so cancel leaves no thread behind), and
//! [`thread_cpu`], the CPU time the calling thread has used so far.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::pythreading::{
    BaseQueue, ExceptHookArgs, Kind, Observer, Op, Store, Thread, ThreadBuilder, TraceEvent,
};

use super::control::{Cancelled, Control};
use super::event::DemoEvent;
use super::session::{Ctx, DemoFailure, EventSink};
use super::trace::{lane_observer, lane_state};

/// The threads a demo started. Every thread is joined by [`Crew::join_all`]
/// or, at the latest, when the crew is dropped — so a demo that returns
/// early (cancelled, or failing) still leaves no thread running. The
/// threads themselves must notice cancel (checkpoints, timed waits) so that
/// joining them is quick.
pub struct Crew {
    sink: EventSink,
    control: Arc<Control>,
    threads: Vec<Thread>,
}

impl Crew {
    /// An empty crew reporting to `ctx`.
    pub fn new(ctx: &Ctx) -> Crew {
        Crew {
            sink: ctx.sink(),
            control: Arc::clone(&ctx.control),
            threads: Vec::new(),
        }
    }

    /// Start a thread named `name` running `target`. Its lane shows when it
    /// starts and ends; a panic is reported as an error event ("Exception in
    /// thread NAME: ...") instead of being printed by the default excepthook.
    pub fn spawn(
        &mut self,
        name: impl Into<String>,
        target: impl FnOnce() + Send + 'static,
    ) -> Result<Thread, DemoFailure> {
        let sink = self.sink.clone();
        let builder = Thread::builder()
            .excepthook(move |a: &ExceptHookArgs| {
                sink.error(format!(
                    "Exception in thread {}: {}",
                    a.thread_name, a.message
                ))
            })
            .daemon(false);
        self.spawn_with(builder, name, target)
    }

    /// Like [`Crew::spawn`], with the caller's builder (for its own
    /// excepthook). The name and the lane observer are added here.
    pub fn spawn_with(
        &mut self,
        builder: ThreadBuilder,
        name: impl Into<String>,
        target: impl FnOnce() + Send + 'static,
    ) -> Result<Thread, DemoFailure> {
        let t = builder
            .name(name)
            .observer(lane_observer(self.sink.clone()))
            .build(target);
        t.start()
            .map_err(|e| DemoFailure::Failed(format!("cannot start a thread: {e}")))?;
        self.threads.push(t.clone());
        Ok(t)
    }

    /// How many of the crew's threads are still running.
    pub fn alive(&self) -> usize {
        self.threads.iter().filter(|t| t.is_alive()).count()
    }

    /// The crew's threads, in the order they were started.
    pub fn threads(&self) -> &[Thread] {
        &self.threads
    }

    /// Wait for every thread to finish.
    pub fn join_all(&mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The demo itself failed: make sure the threads stop.
            self.control.cancel();
        }
        self.join_all();
    }
}

/// How long a blocking queue call waits before looking at the cancel flag.
pub const TICK: Duration = Duration::from_millis(20);

/// `q.put(item)` that gives up (with `Cancelled`) once the demo is
/// cancelled: a `put(timeout=TICK)` in a loop.
pub fn put_until<S: Store>(
    q: &BaseQueue<S>,
    mut item: S::Item,
    control: &Control,
) -> Result<(), Cancelled> {
    loop {
        control.checkpoint()?;
        match q.put_timeout(item, TICK) {
            Ok(()) => return Ok(()),
            Err(full) => item = full.into_inner(),
        }
    }
}

/// `q.get()` that gives up (with `Cancelled`) once the demo is cancelled:
/// a `get(timeout=TICK)` in a loop.
pub fn get_until<S: Store>(q: &BaseQueue<S>, control: &Control) -> Result<S::Item, Cancelled> {
    loop {
        control.checkpoint()?;
        if let Ok(item) = q.get_timeout(TICK) {
            return Ok(item);
        }
    }
}

/// An observer for a queue: lanes as [`lane_observer`], plus a gauge of
/// the queue's fill (named after the queue) on every put and get. `max` is
/// the gauge's full scale (the queue's maxsize, or a display limit).
pub fn queue_observer(sink: EventSink, max: f64) -> Arc<dyn Observer> {
    Arc::new(move |ev: &TraceEvent| {
        let t_ms = sink.ms_at(ev.at);
        if let Some(state) = lane_state(ev) {
            sink.emit(DemoEvent::Lane {
                t_ms,
                thread: ev.thread.to_string(),
                state,
            });
        }
        if let Op::Put { qsize } | Op::Get { qsize } = ev.op {
            sink.emit(DemoEvent::Gauge {
                t_ms,
                name: ev.object.to_string(),
                value: qsize as f64,
                max,
            });
        }
    })
}

/// Lanes for a Condition (and its lock): as [`lane_observer`], except that
/// inside `Condition.wait` the lock's own release and re-acquire are not
/// shown — so the lane says "waiting" for the whole wait instead of
/// "running" (the release comes after the Wait event).
pub fn condition_lane_observer(sink: EventSink) -> Arc<dyn Observer> {
    let inner = lane_observer(sink);
    let in_wait: Mutex<HashSet<u64>> = Mutex::new(HashSet::new());
    Arc::new(move |ev: &TraceEvent| {
        {
            let mut waiting = in_wait.lock().unwrap_or_else(PoisonError::into_inner);
            match (ev.kind, ev.op) {
                (Kind::Condition, Op::Wait) => {
                    waiting.insert(ev.ident);
                }
                (Kind::Condition, Op::Woken { .. }) => {
                    waiting.remove(&ev.ident);
                }
                (Kind::Lock | Kind::RLock, _) if waiting.contains(&ev.ident) => return,
                _ => {}
            }
        }
        inner.observe(ev);
    })
}

/// CPU time used by the calling thread so far (Linux: the scheduler's
/// nanosecond count in `/proc/thread-self/schedstat`); `None` where that is
/// not available.
pub fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Milliseconds, rounded to 0.001, for summaries.
pub fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Seconds, rounded to 0.0001, for summaries.
pub fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_grows_with_work() {
        let Some(a) = thread_cpu() else { return };
        let t = std::time::Instant::now();
        let mut x = 0u64;
        while t.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let b = thread_cpu().expect("was available a moment ago");
        assert!(b > a, "{a:?} -> {b:?}");
    }
}
