//! The toolkit every demo shares, in one place:
//!
//! - [`Crew`]: the pythreading threads one demo run starts. Panics are
//!   reported, and every thread is joined on every way out, so a cancelled
//!   or failing demo leaves no thread behind.
//! - Waits that notice a cancel: [`wait_until`], [`wait_until_or`] (a timed
//!   attempt of at most [`POLL`], repeated), [`put_until`] and [`get_until`]
//!   (a queue put/get of at most [`TICK`], repeated).
//! - Observers that draw timeline lanes: [`crew_lanes`], [`queue_observer`],
//!   [`condition_lane_observer`] (plain lanes are
//!   [`lane_observer`](super::trace::lane_observer)).
//! - [`Rng`], a seeded generator, and the small measures [`thread_cpu`],
//!   [`ms`] and [`secs`] used in summaries.

#![warn(missing_docs)]

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::pythreading::{
    BaseQueue, ExceptHookArgs, Kind, Observer, Op, Store, Thread, ThreadBuilder, TraceEvent,
};
use crate::rng::SplitMix64;

use super::control::{Cancelled, Control};
use super::event::DemoEvent;
use super::session::{Ctx, DemoFailure, EventSink, panic_message};
use super::trace::{emit_lane, lane_observer};

// ------------------------------------------------------------------ crew

/// The threads one demo run started.
///
/// - Each thread's panic is shown as an error event ("Exception in thread
///   NAME: ...") and remembered; [`Crew::join`] then fails with it.
/// - By default each thread's start and end are drawn as lanes by
///   [`lane_observer`]; [`Crew::observed`] picks another observer and
///   [`Crew::unobserved`] none (for demos that draw their own lanes).
/// - Dropping a crew whose threads are still running (an early return, a
///   panic in the controller) cancels the demo and joins them all. A crew
///   whose threads have all finished is joined without a cancel.
///
/// The threads themselves must notice a cancel (checkpoints, the waits in
/// this module) so that joining them is quick.
pub struct Crew {
    threads: Vec<Thread>,
    panics: Arc<Mutex<Vec<String>>>,
    sink: EventSink,
    control: Arc<Control>,
    observer: Option<Arc<dyn Observer>>,
}

impl Crew {
    /// An empty crew for this run; its threads get lanes from
    /// [`lane_observer`].
    pub fn new(ctx: &Ctx) -> Crew {
        Crew {
            threads: Vec::new(),
            panics: Arc::new(Mutex::new(Vec::new())),
            sink: ctx.sink(),
            control: Arc::clone(&ctx.control),
            observer: Some(lane_observer(ctx.sink())),
        }
    }

    /// Threads spawned from now on report to `observer` instead.
    pub fn observed(mut self, observer: Arc<dyn Observer>) -> Crew {
        self.observer = Some(observer);
        self
    }

    /// Threads spawned from now on have no observer.
    pub fn unobserved(mut self) -> Crew {
        self.observer = None;
        self
    }

    /// Starts a (non-daemon) thread named `name` running `f`. A panic goes
    /// to an excepthook that shows it as an error event.
    pub fn spawn(
        &mut self,
        name: impl Into<String>,
        f: impl FnOnce() + Send + 'static,
    ) -> Result<Thread, DemoFailure> {
        let sink = self.sink.clone();
        let builder = Thread::builder()
            .daemon(false)
            .excepthook(move |a: &ExceptHookArgs| {
                sink.error(format!(
                    "Exception in thread {}: {}",
                    a.thread_name, a.message
                ))
            });
        self.spawn_with(builder, name, f)
    }

    /// Like [`Crew::spawn`], from the caller's builder (for its own
    /// excepthook or daemon flag). The name and the crew's observer are
    /// added here; a panic is still remembered for [`Crew::join`].
    pub fn spawn_with(
        &mut self,
        builder: ThreadBuilder,
        name: impl Into<String>,
        f: impl FnOnce() + Send + 'static,
    ) -> Result<Thread, DemoFailure> {
        let name = name.into();
        let mut builder = builder.name(name.clone());
        if let Some(o) = &self.observer {
            builder = builder.observer(Arc::clone(o));
        }
        let panics = Arc::clone(&self.panics);
        let who = name.clone();
        let t = builder.build(move || {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
                let text = format!("Exception in thread {who}: {}", panic_message(&payload));
                panics
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(text);
                // On to the thread's excepthook, as if never caught.
                resume_unwind(payload);
            }
        });
        t.start()
            .map_err(|e| DemoFailure::Failed(format!("cannot start {name}: {e}")))?;
        self.threads.push(t.clone());
        Ok(t)
    }

    /// How many threads were started and not yet joined.
    pub fn len(&self) -> usize {
        self.threads.len()
    }

    /// Whether no thread is waiting to be joined.
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
    }

    /// How many of the crew's threads are still running.
    pub fn alive(&self) -> usize {
        self.threads.iter().filter(|t| t.is_alive()).count()
    }

    /// Waits for every thread. `Failed` if one panicked, else `Cancelled`
    /// if the demo was cancelled meanwhile.
    pub fn join(self) -> Result<(), DemoFailure> {
        self.join_while(|| {})
    }

    /// As [`Crew::join`], calling `tick` about every 20 ms while waiting and
    /// once at the end (to sample progress for gauges and counts).
    pub fn join_while(mut self, mut tick: impl FnMut()) -> Result<(), DemoFailure> {
        for t in std::mem::take(&mut self.threads) {
            while !matches!(t.join_timeout(Duration::from_millis(20)), Ok(true) | Err(_)) {
                tick();
            }
        }
        tick();
        let first = self
            .panics
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .first()
            .cloned();
        if let Some(text) = first {
            return Err(DemoFailure::Failed(text));
        }
        if self.control.is_cancelled() {
            return Err(DemoFailure::Cancelled);
        }
        Ok(())
    }

    /// Waits for every thread, with one plain `join()` each. Panics and a
    /// cancel are not looked at (the caller checks what it needs), and the
    /// crew can take new threads afterwards.
    pub fn join_all(&mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        if self.threads.iter().any(Thread::is_alive) {
            // Left early with threads still running: make them stop.
            self.control.cancel();
        }
        self.join_all();
    }
}

// ----------------------------------------------------------------- waits

/// The slice of a lock, event or condition wait retried by [`wait_until`]:
/// a cancel is noticed within this time (plus the work between checks).
pub const POLL: Duration = Duration::from_millis(10);

/// The slice of a queue put/get in [`put_until`] and [`get_until`] (and of
/// other timed waits in the queue, event and exception demos).
pub const TICK: Duration = Duration::from_millis(20);

/// Repeats `attempt` (a wait bounded by [`POLL`], such as
/// `lock.acquire_timeout(POLL)`) until it succeeds or the demo is cancelled.
/// The first attempt comes before any checkpoint, so an uncontended acquire
/// costs no more than the acquire itself.
pub fn wait_until(control: &Control, mut attempt: impl FnMut() -> bool) -> Result<(), Cancelled> {
    loop {
        if attempt() {
            return Ok(());
        }
        control.checkpoint()?;
    }
}

/// Like [`wait_until`], but also gives up (returning `Ok(false)`) once
/// `give_up()` says so — for waits a watchdog may abandon.
pub fn wait_until_or(
    control: &Control,
    mut attempt: impl FnMut() -> bool,
    mut give_up: impl FnMut() -> bool,
) -> Result<bool, Cancelled> {
    loop {
        if attempt() {
            return Ok(true);
        }
        if give_up() {
            return Ok(false);
        }
        control.checkpoint()?;
    }
}

/// `q.put(item)` that gives up (with `Cancelled`) once the demo is
/// cancelled: a checkpoint, then `put(timeout=TICK)`, in a loop.
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
/// a checkpoint, then `get(timeout=TICK)`, in a loop.
pub fn get_until<S: Store>(q: &BaseQueue<S>, control: &Control) -> Result<S::Item, Cancelled> {
    loop {
        control.checkpoint()?;
        if let Ok(item) = q.get_timeout(TICK) {
            return Ok(item);
        }
    }
}

// ------------------------------------------------------------- observers

/// Lanes as [`lane_observer`] draws them, without a thread's `join`
/// bookkeeping: that is reported under the *joining* thread's name and
/// would add a lane for the demo's controller.
pub fn crew_lanes(sink: EventSink) -> Arc<dyn Observer> {
    let inner = lane_observer(sink);
    Arc::new(move |ev: &TraceEvent| {
        if ev.kind != Kind::Thread || matches!(ev.op, Op::Start | Op::Exit | Op::Panic) {
            inner.observe(ev);
        }
    })
}

/// An observer for a queue: lanes as [`lane_observer`], plus the queue's
/// size (named after the queue) on every put and get: a gauge of maximum
/// `max` (the queue's maxsize), or, for an unbounded queue (`max` 0), a
/// count.
///
/// Puts and gets are reported after the queue's own lock is released, so
/// two threads' reports can arrive in either order; the size each carries
/// may then be older than one already shown. So the observer keeps the
/// size itself (+1 per put, −1 per get, from an empty queue) and stamps
/// and sends each update under its own lock, at the time of sending: the
/// updates are in time order, the last one is the queue's final size, and
/// a value shown between two crossing reports is kept within 0 and `max`.
pub fn queue_observer(sink: EventSink, max: f64) -> Arc<dyn Observer> {
    let size: Mutex<i64> = Mutex::new(0);
    Arc::new(move |ev: &TraceEvent| {
        emit_lane(&sink, ev, sink.ms_at(ev.at));
        let delta = match ev.op {
            Op::Put { .. } => 1,
            Op::Get { .. } => -1,
            _ => return,
        };
        let mut n = size.lock().unwrap_or_else(PoisonError::into_inner);
        *n += delta;
        let mut value = (*n).max(0) as f64;
        if max > 0.0 {
            value = value.min(max);
        }
        let (t_ms, name) = (sink.t_ms(), ev.object.to_string());
        sink.emit(if max > 0.0 {
            DemoEvent::Gauge {
                t_ms,
                name,
                value,
                max,
            }
        } else {
            DemoEvent::Count { t_ms, name, value }
        });
    })
}

/// Lanes for a Condition (and its lock): as [`lane_observer`], except that
/// inside `Condition.wait` the lock's own release and re-acquire are not
/// shown, so the lane says "waiting" for the whole wait instead of
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

// ------------------------------------------------------ numbers, measures

/// A small seeded generator (SplitMix64): the same seed gives the same
/// numbers, so jitter, choices and the spider's web can be repeated.
#[derive(Debug, Clone)]
pub struct Rng(SplitMix64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(SplitMix64::new(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// An index in `0..n` (`n` > 0), by multiply-and-shift: no modulo bias.
    pub fn index(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
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
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::Receiver;
    use std::time::Instant;

    use super::*;
    use crate::pythreading::Queue;

    /// Every event sent so far.
    fn drain(rx: &Receiver<DemoEvent>) -> Vec<DemoEvent> {
        rx.try_iter().collect()
    }

    fn errors(events: &[DemoEvent]) -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                DemoEvent::Error { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    fn lanes_of(events: &[DemoEvent], name: &str) -> usize {
        events
            .iter()
            .filter(|e| matches!(e, DemoEvent::Lane { thread, .. } if thread == name))
            .count()
    }

    /// Threads that wait (sliced, cancellably) for something that never
    /// comes: only a cancel ends them early. They give up after `GIVE_UP`,
    /// so a broken cancel fails the test instead of hanging it; the counter
    /// says how many ended by the cancel.
    fn spawn_waiters(crew: &mut Crew, ctx: &Ctx, n: usize) -> (Vec<Thread>, Arc<AtomicUsize>) {
        const GIVE_UP: Duration = Duration::from_secs(3);
        let by_cancel = Arc::new(AtomicUsize::new(0));
        let threads = (0..n)
            .map(|i| {
                let control = Arc::clone(&ctx.control);
                let by_cancel = Arc::clone(&by_cancel);
                let began = Instant::now();
                crew.spawn(format!("waiter-{i}"), move || {
                    let r = wait_until_or(
                        &control,
                        || {
                            std::thread::sleep(POLL);
                            false
                        },
                        || began.elapsed() > GIVE_UP,
                    );
                    if r == Err(Cancelled) {
                        by_cancel.fetch_add(1, Ordering::SeqCst);
                    }
                })
                .expect("start a thread")
            })
            .collect();
        (threads, by_cancel)
    }

    #[test]
    fn dropping_a_crew_cancels_and_joins_its_waiting_threads() {
        let (ctx, _rx) = Ctx::for_test();
        let mut crew = Crew::new(&ctx);
        let (threads, by_cancel) = spawn_waiters(&mut crew, &ctx, 3);
        assert_eq!(crew.alive(), 3);
        drop(crew);
        assert!(ctx.is_cancelled(), "an early drop must cancel");
        for th in &threads {
            assert!(!th.is_alive(), "{} left behind", th.name());
        }
        assert_eq!(by_cancel.load(Ordering::SeqCst), 3, "ended by the cancel");
    }

    #[test]
    fn dropping_a_crew_in_a_panicking_controller_leaves_no_thread() {
        let (ctx, _rx) = Ctx::for_test();
        let mut kept = (Vec::new(), Arc::new(AtomicUsize::new(0)));
        let r = catch_unwind(AssertUnwindSafe(|| {
            let mut crew = Crew::new(&ctx);
            kept = spawn_waiters(&mut crew, &ctx, 2);
            panic!("the controller failed");
        }));
        assert!(r.is_err());
        assert!(ctx.is_cancelled());
        assert!(kept.0.iter().all(|t| !t.is_alive()), "a thread left behind");
        assert_eq!(kept.1.load(Ordering::SeqCst), 2, "ended by the cancel");
    }

    #[test]
    fn a_finished_crew_is_dropped_without_a_cancel() {
        let (ctx, _rx) = Ctx::for_test();
        let mut crew = Crew::new(&ctx);
        let t = crew.spawn("quick", || {}).expect("start a thread");
        while t.is_alive() {
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(crew);
        assert!(
            !ctx.is_cancelled(),
            "later phases of the demo must still run"
        );
    }

    #[test]
    fn join_waits_for_every_thread() {
        let (ctx, _rx) = Ctx::for_test();
        let done = Arc::new(AtomicUsize::new(0));
        let mut crew = Crew::new(&ctx);
        for i in 0..4 {
            let done = Arc::clone(&done);
            crew.spawn(format!("w{i}"), move || {
                std::thread::sleep(Duration::from_millis(30));
                done.fetch_add(1, Ordering::SeqCst);
            })
            .expect("start a thread");
        }
        assert_eq!(crew.len(), 4);
        let mut ticks = 0;
        assert_eq!(crew.join_while(|| ticks += 1), Ok(()));
        assert_eq!(done.load(Ordering::SeqCst), 4);
        assert!(ticks >= 1);
        assert!(!ctx.is_cancelled());
    }

    #[test]
    fn join_all_joins_and_the_crew_can_go_on() {
        let (ctx, _rx) = Ctx::for_test();
        let mut crew = Crew::new(&ctx);
        let a = crew
            .spawn("a", || std::thread::sleep(Duration::from_millis(20)))
            .expect("start a thread");
        crew.join_all();
        assert!(!a.is_alive());
        assert!(crew.is_empty());
        let b = crew.spawn("b", || {}).expect("start a thread");
        crew.join_all();
        assert!(!b.is_alive());
        assert!(!ctx.is_cancelled());
    }

    #[test]
    fn join_is_cancelled_after_a_cancel() {
        let (ctx, _rx) = Ctx::for_test();
        let mut crew = Crew::new(&ctx);
        let (threads, _) = spawn_waiters(&mut crew, &ctx, 2);
        ctx.control.cancel();
        assert_eq!(crew.join(), Err(DemoFailure::Cancelled));
        assert!(threads.iter().all(|t| !t.is_alive()));
    }

    #[test]
    fn a_panicking_thread_is_reported_and_fails_the_join() {
        let (ctx, rx) = Ctx::for_test();
        let mut crew = Crew::new(&ctx);
        crew.spawn("fine", || {}).expect("start a thread");
        crew.spawn("boom-1", || panic!("kaput"))
            .expect("start a thread");
        let r = crew.join();
        assert_eq!(
            r,
            Err(DemoFailure::Failed(
                "Exception in thread boom-1: kaput".into()
            ))
        );
        assert_eq!(
            errors(&drain(&rx)),
            vec!["Exception in thread boom-1: kaput".to_string()]
        );
        assert!(!ctx.is_cancelled());
    }

    #[test]
    fn a_panic_under_the_callers_own_hook_still_fails_the_join() {
        let (ctx, rx) = Ctx::for_test();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let hook_seen = Arc::clone(&seen);
        let builder = Thread::builder().excepthook(move |a: &ExceptHookArgs| {
            hook_seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(a.message.clone());
        });
        let mut crew = Crew::new(&ctx);
        crew.spawn_with(builder, "boom-2", || panic!("oops"))
            .expect("start a thread");
        assert_eq!(
            crew.join(),
            Err(DemoFailure::Failed(
                "Exception in thread boom-2: oops".into()
            ))
        );
        assert_eq!(*seen.lock().unwrap(), vec!["oops".to_string()]);
        assert!(errors(&drain(&rx)).is_empty(), "the caller's hook reports");
    }

    #[test]
    fn lanes_by_default_none_when_unobserved() {
        let (ctx, rx) = Ctx::for_test();
        let mut crew = Crew::new(&ctx);
        crew.spawn("drawn", || {}).expect("start a thread");
        crew.join_all();
        let mut quiet = Crew::new(&ctx).unobserved();
        quiet.spawn("hidden", || {}).expect("start a thread");
        quiet.join_all();
        let events = drain(&rx);
        assert!(lanes_of(&events, "drawn") >= 2, "start and end: {events:?}");
        assert_eq!(lanes_of(&events, "hidden"), 0);
    }

    #[test]
    fn rng_repeats_for_a_seed_and_stays_below() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.below(10)).collect()
        };
        let mut r = Rng::new(7);
        let b: Vec<u64> = (0..5).map(|_| r.below(10)).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|&x| x < 10));
        assert_eq!(Rng::new(1).below(0), 0);
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn rng_is_splitmix64() {
        // The reference SplitMix64 outputs for seed 0.
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn wait_until_stops_on_cancel() {
        let c = Control::new();
        let mut n = 0;
        assert_eq!(
            wait_until(&c, || {
                n += 1;
                n == 3
            }),
            Ok(())
        );
        c.cancel();
        assert_eq!(wait_until(&c, || false), Err(Cancelled));
        assert_eq!(wait_until_or(&c, || false, || false), Err(Cancelled));
        assert_eq!(wait_until_or(&c, || false, || true), Ok(false));
    }

    #[test]
    fn put_and_get_until_stop_on_cancel() {
        let c = Control::new();
        let q = Queue::<u32>::new(1);
        assert_eq!(put_until(&q, 1, &c), Ok(()));
        assert_eq!(get_until(&q, &c), Ok(1));
        assert_eq!(put_until(&q, 2, &c), Ok(()));
        c.cancel();
        // Full, and empty: both give up instead of blocking.
        assert_eq!(put_until(&q, 3, &c), Err(Cancelled));
        let empty = Queue::<u32>::new(1);
        assert_eq!(get_until(&empty, &c), Err(Cancelled));
    }

    #[test]
    fn queue_sizes_arrive_in_order_and_end_at_the_final_size() {
        let (ctx, rx) = Ctx::for_test();
        let q = Arc::new(Queue::<u32>::with_observer(
            0,
            "q",
            queue_observer(ctx.sink(), 0.0),
        ));
        let mut crew = Crew::new(&ctx).unobserved();
        for p in 0..4 {
            let q = Arc::clone(&q);
            crew.spawn(format!("p{p}"), move || {
                for i in 0..200 {
                    q.put(i);
                    if i % 2 == 0 {
                        let _ = q.get();
                    }
                }
            })
            .expect("start a thread");
        }
        crew.join_all();
        let sizes: Vec<(f64, f64)> = drain(&rx)
            .into_iter()
            .filter_map(|e| match e {
                DemoEvent::Count { t_ms, name, value } if name == "q" => Some((t_ms, value)),
                _ => None,
            })
            .collect();
        assert_eq!(sizes.len(), 4 * 300);
        assert!(
            sizes.windows(2).all(|w| w[0].0 <= w[1].0),
            "stamped in order"
        );
        assert_eq!(sizes.last().map(|s| s.1), Some(q.qsize() as f64));
        assert_eq!(q.qsize(), 400);
    }

    #[test]
    fn thread_cpu_grows_with_work() {
        let Some(a) = thread_cpu() else { return };
        let t = Instant::now();
        let mut x = 0u64;
        while t.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let b = thread_cpu().expect("was available a moment ago");
        assert!(b > a, "{a:?} -> {b:?}");
    }
}
