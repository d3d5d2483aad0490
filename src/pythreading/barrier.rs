//! `threading.Barrier`, ported from CPython: a `Condition(Lock())`, a count
//! of threads inside `wait`, and a state — filling (0), draining (1),
//! resetting (-1) or broken (-2). The last of `parties` threads to arrive
//! runs the optional action and lets everyone through.

use super::condition::Condition;
use super::error::ThreadError;
use super::lock::Lock;
use super::observe::{Kind, Observer, Op, Probe, emit, emit_err};
use super::sync::{AtomicIsize, AtomicUsize, Ordering};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::time::Duration;

const FILLING: isize = 0;
const DRAINING: isize = 1;
const RESETTING: isize = -1;
const BROKEN: isize = -2;

type Action = Box<dyn Fn() + Send + Sync + 'static>;

/// `threading.Barrier(parties, action=None, timeout=None)`.
pub struct Barrier {
    cond: Condition,
    action: Option<Action>,
    timeout: Option<Duration>,
    parties: usize,
    /// `_state` and `_count`: only touched with `cond`'s lock held.
    state: AtomicIsize,
    count: AtomicUsize,
    probe: Option<Box<Probe>>,
}

impl Barrier {
    /// `Barrier(parties)`.
    pub fn new(parties: usize) -> Self {
        assert!(parties >= 1, "a barrier needs at least one party");
        Barrier {
            cond: Condition::with_lock(Lock::new()),
            action: None,
            timeout: None,
            parties,
            state: AtomicIsize::new(FILLING),
            count: AtomicUsize::new(0),
            probe: None,
        }
    }

    /// `action=`: run by the last thread to arrive, before anyone leaves.
    pub fn with_action(mut self, action: impl Fn() + Send + Sync + 'static) -> Self {
        self.action = Some(Box::new(action));
        self
    }

    /// `timeout=`: the default for [`Barrier::wait`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Attaches an observer: `Wait` on arrival, `Released` when the last
    /// party trips the barrier, `Woken` on the way out, errors when broken.
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.probe = Probe::boxed(name, Kind::Barrier, observer);
        self
    }

    fn state(&self) -> isize {
        self.state.load(Ordering::Relaxed)
    }

    fn set_state(&self, s: isize) {
        self.state.store(s, Ordering::Relaxed)
    }

    /// `wait()`: returns this thread's arrival index (0..parties), or the
    /// BrokenBarrierError.
    pub fn wait(&self) -> Result<usize, ThreadError> {
        self.wait_impl(self.timeout)
    }

    /// `wait(timeout)`: a timeout breaks the barrier for everyone.
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, ThreadError> {
        self.wait_impl(Some(timeout))
    }

    fn wait_impl(&self, timeout: Option<Duration>) -> Result<usize, ThreadError> {
        let g = self.cond.guard();
        // _enter: block while the barrier drains or resets.
        while matches!(self.state(), RESETTING | DRAINING) {
            let _ = self.cond.wait();
        }
        if self.state() < 0 {
            drop(g);
            return emit_err(&self.probe, Err(ThreadError::BrokenBarrier));
        }
        let index = self.count.load(Ordering::Relaxed);
        self.count.store(index + 1, Ordering::Relaxed);
        emit(&self.probe, Op::Wait);
        let mut panic = None;
        let result = if index + 1 == self.parties {
            // _release
            let ran = match &self.action {
                Some(a) => catch_unwind(AssertUnwindSafe(a)),
                None => Ok(()),
            };
            match ran {
                Ok(()) => {
                    self.set_state(DRAINING);
                    let _ = self.cond.notify_all();
                    emit(&self.probe, Op::Released);
                    Ok(index)
                }
                Err(p) => {
                    self.break_barrier();
                    panic = Some(p);
                    Err(ThreadError::BrokenBarrier)
                }
            }
        } else {
            // _wait
            let tripped = self
                .cond
                .wait_for(|| self.state() != FILLING, timeout)
                .unwrap_or(false);
            if !tripped {
                self.break_barrier();
                Err(ThreadError::BrokenBarrier)
            } else if self.state() < 0 {
                Err(ThreadError::BrokenBarrier)
            } else {
                Ok(index)
            }
        };
        // finally: _count -= 1; _exit()
        let c = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(c, Ordering::Relaxed);
        if c == 0 && matches!(self.state(), RESETTING | DRAINING) {
            self.set_state(FILLING);
            let _ = self.cond.notify_all();
        }
        drop(g);
        if let Some(p) = panic {
            resume_unwind(p);
        }
        match result {
            Ok(_) => emit(&self.probe, Op::Woken { notified: true }),
            Err(e) => emit(&self.probe, Op::Error(e)),
        }
        result
    }

    fn break_barrier(&self) {
        self.set_state(BROKEN);
        let _ = self.cond.notify_all();
    }

    /// `reset()`: back to the initial state; threads waiting now get
    /// BrokenBarrierError.
    pub fn reset(&self) {
        let _g = self.cond.guard();
        if self.count.load(Ordering::Relaxed) > 0 {
            if matches!(self.state(), FILLING | BROKEN) {
                self.set_state(RESETTING);
            }
        } else {
            self.set_state(FILLING);
        }
        let _ = self.cond.notify_all();
    }

    /// `abort()`: breaks the barrier; current and future waits fail until
    /// `reset()`.
    pub fn abort(&self) {
        let _g = self.cond.guard();
        self.break_barrier();
    }

    /// `parties`.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// `n_waiting`: threads currently waiting to be let through.
    pub fn n_waiting(&self) -> usize {
        let _g = self.cond.guard();
        if self.state() == FILLING {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// `broken`.
    pub fn broken(&self) -> bool {
        let _g = self.cond.guard();
        self.state() == BROKEN
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.broken() {
            return write!(f, "<threading.Barrier: broken>");
        }
        write!(
            f,
            "<threading.Barrier: waiters={}/{}>",
            self.n_waiting(),
            self.parties
        )
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::thread;

    #[test]
    fn everyone_passes_with_distinct_indices_and_action_runs_once() {
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let r2 = runs.clone();
        let b = Arc::new(Barrier::new(4).with_action(move || {
            r2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }));
        for round in 0..3 {
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    let b = b.clone();
                    thread::spawn(move || b.wait().unwrap())
                })
                .collect();
            let mut idx: Vec<usize> = hs.into_iter().map(|h| h.join().unwrap()).collect();
            idx.sort();
            assert_eq!(idx, vec![0, 1, 2, 3]);
            assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), round + 1);
        }
        assert_eq!(b.n_waiting(), 0);
        assert!(!b.broken());
    }

    #[test]
    fn timeout_breaks_for_everyone() {
        let b = Arc::new(Barrier::new(3));
        let b2 = b.clone();
        let h = thread::spawn(move || b2.wait());
        while b.n_waiting() < 1 {
            thread::sleep(Duration::from_millis(1));
        }
        let e = b.wait_timeout(Duration::from_millis(20)).unwrap_err();
        assert_eq!(e, ThreadError::BrokenBarrier);
        assert_eq!(e.python_exception().name(), "BrokenBarrierError");
        assert_eq!(h.join().unwrap(), Err(ThreadError::BrokenBarrier));
        assert!(b.broken());
        assert!(b.wait().is_err());
        b.reset();
        assert!(!b.broken());
    }

    #[test]
    fn abort_wakes_waiters_with_error() {
        let b = Arc::new(Barrier::new(2));
        let b2 = b.clone();
        let h = thread::spawn(move || b2.wait());
        while b.n_waiting() < 1 {
            thread::sleep(Duration::from_millis(1));
        }
        b.abort();
        assert_eq!(h.join().unwrap(), Err(ThreadError::BrokenBarrier));
    }

    #[test]
    fn panicking_action_breaks_and_propagates() {
        let b = Arc::new(Barrier::new(2).with_action(|| panic!("action failed")));
        let b2 = b.clone();
        let h = thread::spawn(move || b2.wait());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mine = thread::spawn({
            let b = b.clone();
            let s = seen.clone();
            move || {
                let r = catch_unwind(AssertUnwindSafe(|| b.wait()));
                s.lock().unwrap().push(r.is_err());
            }
        });
        let other = h.join();
        mine.join().unwrap();
        // Exactly one of the two ran the action and panicked; the other got
        // BrokenBarrierError.
        let panicked =
            other.is_err() as usize + seen.lock().unwrap().iter().filter(|p| **p).count();
        assert_eq!(panicked, 1);
        assert!(b.broken());
    }
}
