//! `threadtutor::pythreading`: Python's `threading` and `queue` semantics on
//! `std::sync`, built the way CPython builds them so a lesson can show the
//! real structure (see docs/pythreading.md for the Python → Rust table).
//!
//! Every primitive can carry an optional [`Observer`] that receives each
//! acquire / release / wait / notify / put / get as a [`TraceEvent`]; with
//! none attached the cost is one branch.
//!
//! ```
//! use std::sync::Arc;
//! use threadtutor::pythreading::{Lock, Op, Queue, Recorder, Thread};
//!
//! let rec = Recorder::new();
//! let lock = Arc::new(Lock::with_observer("L", rec.clone()));
//! let q = Arc::new(Queue::new(2).observed("Q", rec.clone()));
//! let (l2, q2) = (lock.clone(), q.clone());
//! let t = Thread::builder().name("worker").build(move || {
//!     let _g = l2.guard();
//!     q2.put(42);
//! });
//! t.start().unwrap();
//! assert_eq!(q.get(), 42);
//! t.join().unwrap();
//! let ev = rec.events();
//! assert!(ev.iter().any(|e| &*e.thread == "worker" && e.op == Op::Acquired));
//! ```

#![warn(missing_docs)]

mod barrier;
mod condition;
mod error;
mod event;
mod ident;
mod lock;
#[cfg(loom)]
mod loom_tests;
mod observe;
mod queue;
mod rlock;
mod semaphore;
mod sync;
mod thread;
mod timer;

pub use barrier::Barrier;
pub use condition::{Condition, ConditionGuard};
pub use error::{Empty, Full, PyException, ThreadError};
pub use event::Event;
pub use ident::get_ident;
pub use lock::{Lock, LockGuard};
pub use observe::{Kind, Observer, Op, Recorder, TraceEvent};
pub use queue::{BaseQueue, Fifo, Lifo, LifoQueue, Priority, PriorityQueue, Queue, Store};
pub use rlock::{RLock, RLockGuard};
pub use semaphore::{BoundedSemaphore, BoundedSemaphoreGuard, Semaphore, SemaphoreGuard};
pub use thread::{
    ExceptHook, ExceptHookArgs, Thread, ThreadBuilder, active_count, current_thread,
    default_excepthook, enumerate, set_excepthook, shutdown,
};
pub use timer::Timer;
