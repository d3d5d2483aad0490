//! The observer: an optional listener attached to one primitive at a time,
//! told of every acquire / release / wait / notify / put / get with a
//! timestamp and the calling thread's name, so the demos can draw timelines.
//!
//! Cost when absent: each primitive keeps an `Option<Box<Probe>>`; with
//! `None` an operation pays one predictable branch — no clock read, no name
//! lookup, no allocation. The reporting code sits behind `#[cold]` so it does
//! not bloat the fast paths.

use super::error::ThreadError;
use super::ident;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Which kind of primitive an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// [`super::Lock`].
    Lock,
    /// [`super::RLock`].
    RLock,
    /// [`super::Condition`].
    Condition,
    /// [`super::Semaphore`].
    Semaphore,
    /// [`super::BoundedSemaphore`].
    BoundedSemaphore,
    /// [`super::Event`].
    Event,
    /// [`super::Queue`], [`super::LifoQueue`], [`super::PriorityQueue`].
    Queue,
    /// [`super::Barrier`].
    Barrier,
    /// [`super::Thread`].
    Thread,
}

/// What happened. Lanes in a timeline follow from these: `Blocked` starts a
/// "waiting" span, `Acquired` a "holding" span, `Released` ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The caller is about to block: the lock is held elsewhere, the
    /// semaphore is at zero, the queue is full (put) or empty (get), or a
    /// join has to wait.
    Blocked,
    /// An acquire succeeded.
    Acquired,
    /// A non-blocking or timed acquire gave up.
    AcquireFailed,
    /// A release.
    Released,
    /// `Condition.wait`: the waiter is queued and the lock released.
    Wait,
    /// `Condition.wait` returned with the lock re-acquired; `notified` is
    /// false on timeout.
    Woken {
        /// Whether a notify (rather than the timeout) ended the wait.
        notified: bool,
    },
    /// `notify(n)` / `notify_all()`: how many waiters it woke.
    Notify {
        /// Waiters woken.
        woken: usize,
    },
    /// `Event.set()`.
    Set,
    /// `Event.clear()`.
    Clear,
    /// An item went into a queue; `qsize` is the size afterwards.
    Put {
        /// Items in the queue after the put.
        qsize: usize,
    },
    /// An item came out of a queue; `qsize` is the size afterwards.
    Get {
        /// Items in the queue after the get.
        qsize: usize,
    },
    /// A put gave up (`queue.Full`).
    Full,
    /// A get gave up (`queue.Empty`).
    Empty,
    /// `task_done()`; how many tasks remain unfinished.
    TaskDone {
        /// Unfinished tasks after this call.
        unfinished: usize,
    },
    /// `Queue.join()` or `Thread.join()` returned.
    Joined,
    /// A thread began running its target (reported from that thread).
    Start,
    /// A thread's target returned.
    Exit,
    /// A thread's target panicked (the excepthook was called).
    Panic,
    /// The call failed with this Python exception.
    Error(ThreadError),
}

/// One observed operation.
#[derive(Clone, Debug)]
pub struct TraceEvent {
    /// When it happened (read only when an observer is attached).
    pub at: Instant,
    /// Name of the thread that did it (`current_thread().name()`).
    pub thread: Arc<str>,
    /// `get_ident()` of that thread.
    pub ident: u64,
    /// The label the primitive was given when the observer was attached.
    pub object: Arc<str>,
    /// What kind of primitive it is.
    pub kind: Kind,
    /// What happened.
    pub op: Op,
}

impl TraceEvent {
    /// Time since `start` (zero if the event is older), for plotting.
    pub fn since(&self, start: Instant) -> Duration {
        self.at.saturating_duration_since(start)
    }
}

/// Receives events. Called synchronously on the thread doing the operation,
/// sometimes while that thread holds an internal lock: keep it short and
/// never call back into the primitive being observed (push into a channel
/// or a `Recorder` instead).
pub trait Observer: Send + Sync + 'static {
    /// One operation happened.
    fn observe(&self, event: &TraceEvent);
}

/// Any `Fn(&TraceEvent)` closure is an observer.
impl<F: Fn(&TraceEvent) + Send + Sync + 'static> Observer for F {
    fn observe(&self, event: &TraceEvent) {
        self(event)
    }
}

/// A ready-made observer that keeps every event in memory, in order; one per
/// demo run is the intended use.
pub struct Recorder {
    start: Instant,
    events: Mutex<Vec<TraceEvent>>,
}

impl Recorder {
    /// A new, empty recorder (returned in an `Arc`, ready to attach).
    pub fn new() -> Arc<Recorder> {
        Arc::new(Recorder {
            start: Instant::now(),
            events: Mutex::new(Vec::new()),
        })
    }

    /// When the recorder was created: the origin of its timeline.
    pub fn start(&self) -> Instant {
        self.start
    }

    /// A copy of everything recorded so far.
    pub fn events(&self) -> Vec<TraceEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Takes everything recorded so far, leaving the recorder empty.
    pub fn take(&self) -> Vec<TraceEvent> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Observer for Recorder {
    fn observe(&self, event: &TraceEvent) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.clone());
    }
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("len", &self.len())
            .finish()
    }
}

/// What a primitive keeps when observed: its label, its kind, the observer.
#[derive(Clone)]
pub(crate) struct Probe {
    name: Arc<str>,
    kind: Kind,
    observer: Arc<dyn Observer>,
}

impl Probe {
    pub(crate) fn boxed(
        name: impl Into<Arc<str>>,
        kind: Kind,
        observer: Arc<dyn Observer>,
    ) -> Option<Box<Probe>> {
        Some(Box::new(Probe {
            name: name.into(),
            kind,
            observer,
        }))
    }

    /// A copy reporting as another kind (a Condition's own lock, ...).
    pub(crate) fn as_kind(&self, kind: Kind) -> Option<Box<Probe>> {
        Some(Box::new(Probe {
            name: self.name.clone(),
            kind,
            observer: self.observer.clone(),
        }))
    }

    #[cold]
    #[inline(never)]
    fn report(&self, op: Op) {
        let event = TraceEvent {
            at: Instant::now(),
            thread: ident::current_name(),
            ident: ident::get_ident(),
            object: self.name.clone(),
            kind: self.kind,
            op,
        };
        self.observer.observe(&event);
    }
}

/// Reports `op` if an observer is attached; one branch otherwise.
#[inline(always)]
pub(crate) fn emit(probe: &Option<Box<Probe>>, op: Op) {
    if let Some(p) = probe {
        p.report(op);
    }
}

/// Reports an error result and passes it on.
#[inline(always)]
pub(crate) fn emit_err<T>(
    probe: &Option<Box<Probe>>,
    r: Result<T, ThreadError>,
) -> Result<T, ThreadError> {
    if let (Some(p), Err(e)) = (probe, &r) {
        p.report(Op::Error(*e));
    }
    r
}
