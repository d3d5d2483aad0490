//! Small helpers the thread-order, gil, race, lock, rlock and semaphore
//! demos share: a [`Crew`] of named pythreading threads that report panics to
//! the demo and are always joined, blocking waits sliced so they notice a
//! cancel ([`wait_until`]), a seeded random generator ([`Rng`]) and an
//! observer that draws lanes for the crew's threads without the joiner's
//! own bookkeeping ([`crew_lanes`]).

#![warn(missing_docs)]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::pythreading::{Kind, Observer, Op, Thread, TraceEvent};

use super::control::{Cancelled, Control};
use super::session::{Ctx, DemoFailure, EventSink};
use super::trace::lane_observer;

/// The longest slice of any blocking wait in these demos: a cancel is
/// noticed within this time (plus the work between two checks).
pub const POLL: Duration = Duration::from_millis(10);

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

/// An observer that turns pythreading events into lanes (as
/// [`lane_observer`]), leaving out a thread's `join` bookkeeping, which is
/// reported under the *joining* thread's name and would add a lane for the
/// demo's controller.
pub fn crew_lanes(sink: EventSink) -> Arc<dyn Observer> {
    let inner = lane_observer(sink);
    Arc::new(move |ev: &TraceEvent| {
        if ev.kind != Kind::Thread || matches!(ev.op, Op::Start | Op::Exit | Op::Panic) {
            inner.observe(ev);
        }
    })
}

/// A group of pythreading threads started by one demo run. Each reports a
/// panic to the demo as an error event; [`Crew::join`] waits for all of
/// them and fails if any panicked. Dropping a crew that was not joined (an
/// early return) cancels the demo and joins, so no thread is left behind.
pub struct Crew {
    threads: Vec<Thread>,
    panics: Arc<Mutex<Vec<String>>>,
    sink: EventSink,
    control: Arc<Control>,
    observer: Option<Arc<dyn Observer>>,
}

impl Crew {
    /// An empty crew for this run.
    pub fn new(ctx: &Ctx) -> Crew {
        Crew {
            threads: Vec::new(),
            panics: Arc::new(Mutex::new(Vec::new())),
            sink: ctx.sink(),
            control: Arc::clone(&ctx.control),
            observer: None,
        }
    }

    /// Threads spawned from now on report their start and end to `observer`.
    pub fn observed(mut self, observer: Arc<dyn Observer>) -> Crew {
        self.observer = Some(observer);
        self
    }

    /// Starts a thread named `name` running `f`.
    pub fn spawn(
        &mut self,
        name: impl Into<String>,
        f: impl FnOnce() + Send + 'static,
    ) -> Result<(), DemoFailure> {
        let name = name.into();
        let panics = Arc::clone(&self.panics);
        let sink = self.sink.clone();
        let mut b = Thread::builder()
            .name(name.clone())
            .daemon(true)
            .excepthook(move |args| {
                let text = format!("{} panicked: {}", args.thread_name, args.message);
                sink.error(text.clone());
                panics
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(text);
            });
        if let Some(o) = &self.observer {
            b = b.observer(Arc::clone(o));
        }
        let t = b.build(f);
        t.start()
            .map_err(|e| DemoFailure::Failed(format!("could not start {name}: {e}")))?;
        self.threads.push(t);
        Ok(())
    }

    /// How many threads were started.
    pub fn len(&self) -> usize {
        self.threads.len()
    }

    /// Whether no thread was started.
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
    }

    /// Waits for every thread. `Cancelled` if the demo was cancelled
    /// meanwhile, `Failed` if a thread panicked.
    pub fn join(self) -> Result<(), DemoFailure> {
        self.join_while(|| {})
    }

    /// As [`Crew::join`], calling `tick` about every 20 ms while waiting
    /// (to sample progress for gauges and counts).
    pub fn join_while(mut self, mut tick: impl FnMut()) -> Result<(), DemoFailure> {
        for t in std::mem::take(&mut self.threads) {
            while !matches!(t.join_timeout(Duration::from_millis(20)), Ok(true) | Err(_)) {
                tick();
            }
        }
        tick();
        let panics = self
            .panics
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(first) = panics.first() {
            return Err(DemoFailure::Failed(first.clone()));
        }
        if self.control.is_cancelled() {
            return Err(DemoFailure::Cancelled);
        }
        Ok(())
    }

    fn join_all(&mut self) {
        for t in self.threads.drain(..) {
            // Every demo thread checks for a cancel at least every POLL, so
            // this ends; the timeout slices keep the joiner's wait bounded.
            while !matches!(t.join_timeout(Duration::from_millis(50)), Ok(true) | Err(_)) {}
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            // Left early (an error or a cancel on the controller): make sure
            // the threads stop, then wait for them.
            self.control.cancel();
            self.join_all();
        }
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same
/// numbers, so jitter and choices can be repeated.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// An index in `0..n` (`n` > 0), by multiply-and-shift: no modulo bias.
    pub fn index(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
