//! `threading.Lock`: a plain, non-recursive lock with no owner — any thread
//! may release it, which is what the deck's "Synch Two Threads" relies on.
//!
//! Structure (what a lesson can show): one atomic word whose bit 0 says
//! "locked" and whose other bits count parked waiters, plus a mutex/condvar
//! pair that waiters sleep on. Acquire is a single `fetch_or` when the lock is
//! free; release is a single `fetch_and`, and only touches the condvar when
//! somebody is parked. Like CPython's lock it is not fair: a thread arriving
//! just as the lock is released may take it before a parked one.

use super::error::ThreadError;
use super::observe::{Kind, Observer, Op, Probe, emit, emit_err};
use super::sync::{self, AtomicUsize, Condvar, Mutex, Ordering};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LOCKED: usize = 1;
/// A waiter has been signalled and has not run yet: releases meanwhile need
/// not signal again (saves a wake-up per release under contention).
const WOKEN: usize = 2;
const WAITER: usize = 4;

/// The bare lock under [`Lock`] and [`super::RLock`]: no observer, no errors.
pub(crate) struct RawLock {
    /// Bit 0: locked. Bit 1: a wake-up is in flight. Bits 2..: number of
    /// threads parked (or about to park) on `cv`.
    state: AtomicUsize,
    mutex: Mutex<()>,
    cv: Condvar,
}

impl RawLock {
    pub(crate) fn new() -> Self {
        RawLock {
            state: AtomicUsize::new(0),
            mutex: Mutex::new(()),
            cv: Condvar::new(),
        }
    }

    /// `acquire(blocking=False)`: one atomic read-modify-write.
    #[inline]
    pub(crate) fn try_lock(&self) -> bool {
        self.state.fetch_or(LOCKED, Ordering::Acquire) & LOCKED == 0
    }

    /// Blocks until acquired or until `deadline`; true if acquired.
    #[inline(never)]
    pub(crate) fn lock_slow(&self, deadline: Option<Instant>) -> bool {
        // Critical sections are usually short: spin a while (as std's
        // Mutex does) before paying for a park and a wake-up.
        if sync::SPIN {
            for _ in 0..100 {
                if self.state.load(Ordering::Relaxed) & LOCKED == 0 && self.try_lock() {
                    return true;
                }
                std::hint::spin_loop();
            }
        }
        let mut guard = sync::lock(&self.mutex);
        // Counted before the retry below: a release that comes after this
        // increment sees the count and signals — unless a signal is already
        // in flight (WOKEN), in which case a waiter that has not run yet
        // will clear WOKEN before it retries, and releases after that
        // signal again. Releases take `mutex` before signalling, so a signal
        // cannot come before we are waiting. All of this is read-modify-
        // writes on one word, so there is no window between them.
        self.state.fetch_add(WAITER, Ordering::Relaxed);
        let acquired = loop {
            if self.try_lock() {
                break true;
            }
            let timed_out = match deadline {
                None => {
                    guard = sync::wait(&self.cv, guard);
                    false
                }
                Some(d) => {
                    let (g, timed_out) = sync::wait_until(&self.cv, guard, d);
                    guard = g;
                    timed_out
                }
            };
            // Back from a wait, whatever woke us: let the next release
            // signal again. Cleared before the retry, so a release that
            // comes after a failed retry sees it clear.
            self.state.fetch_and(!WOKEN, Ordering::Relaxed);
            if timed_out {
                // Try once more: a wake-up meant for us must not be lost
                // when we give up.
                break self.try_lock();
            }
        };
        // Leave in one step: uncount ourselves and clear WOKEN, since a
        // signal sent while we were leaving may have been meant for us. (Two
        // steps would let a release set WOKEN in between, signal nobody, and
        // leave WOKEN stuck — so no later release would signal at all.)
        let mut s = self.state.load(Ordering::Relaxed);
        while let Err(now) = self.state.compare_exchange_weak(
            s,
            (s & !WOKEN) - WAITER,
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            s = now;
        }
        drop(guard);
        acquired
    }

    /// Releases; false if it was not locked (nothing changes then).
    #[inline]
    pub(crate) fn unlock(&self) -> bool {
        // Uncontended: one compare-exchange.
        match self
            .state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
        {
            Ok(_) => true,
            Err(prev) => self.unlock_slow(prev),
        }
    }

    #[inline(never)]
    fn unlock_slow(&self, mut prev: usize) -> bool {
        loop {
            if prev & LOCKED == 0 {
                return false;
            }
            // Signal only if someone waits and no signal is in flight.
            let wake = prev >= WAITER && prev & WOKEN == 0;
            let new = (prev & !LOCKED) | if wake { WOKEN } else { 0 };
            match self
                .state
                .compare_exchange_weak(prev, new, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => {
                    if wake {
                        self.wake_one();
                    }
                    return true;
                }
                Err(p) => prev = p,
            }
        }
    }

    #[cold]
    fn wake_one(&self) {
        // Taking the mutex orders us after any waiter that counted itself
        // and is on its way into `wait`.
        drop(sync::lock(&self.mutex));
        self.cv.notify_one();
    }

    /// Test hook: wakes every parked waiter without releasing, as a
    /// spurious wake-up of the OS primitive would.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn spurious_wake(&self) {
        drop(sync::lock(&self.mutex));
        self.cv.notify_all();
    }

    #[inline]
    pub(crate) fn is_locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & LOCKED != 0
    }
}

/// `threading.Lock`. Share it with `Arc<Lock>`; any thread may release it.
pub struct Lock {
    raw: RawLock,
    probe: Option<Box<Probe>>,
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl Lock {
    /// `threading.Lock()`: a new, unlocked lock.
    pub fn new() -> Self {
        Lock {
            raw: RawLock::new(),
            probe: None,
        }
    }

    /// A new lock reporting every operation to `observer` under `name`.
    pub fn with_observer(name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        Lock::new().observed(name, observer)
    }

    /// Attaches an observer (builder style, before the lock is shared).
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.probe = Probe::boxed(name, Kind::Lock, observer);
        self
    }

    pub(crate) fn set_probe(&mut self, probe: Option<Box<Probe>>) {
        self.probe = probe;
    }

    pub(crate) fn has_probe(&self) -> bool {
        self.probe.is_some()
    }

    /// `acquire()`: blocks until the lock is ours; always true.
    #[inline]
    pub fn acquire(&self) -> bool {
        if self.raw.try_lock() {
            emit(&self.probe, Op::Acquired);
            return true;
        }
        self.acquire_contended(None)
    }

    /// `acquire(blocking=False)`: true if the lock was free and is now ours.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        let got = self.raw.try_lock();
        emit(
            &self.probe,
            if got { Op::Acquired } else { Op::AcquireFailed },
        );
        got
    }

    /// `acquire(timeout=t)`: false if the lock could not be had within `t`.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        if self.raw.try_lock() {
            emit(&self.probe, Op::Acquired);
            return true;
        }
        if timeout.is_zero() {
            emit(&self.probe, Op::AcquireFailed);
            return false;
        }
        self.acquire_contended(sync::deadline_after(timeout))
    }

    /// Acquire with an absolute deadline (`None`: wait forever).
    pub(crate) fn acquire_until(&self, deadline: Option<Instant>) -> bool {
        if self.raw.try_lock() {
            emit(&self.probe, Op::Acquired);
            return true;
        }
        self.acquire_contended(deadline)
    }

    #[inline(never)]
    fn acquire_contended(&self, deadline: Option<Instant>) -> bool {
        emit(&self.probe, Op::Blocked);
        let got = self.raw.lock_slow(deadline);
        emit(
            &self.probe,
            if got { Op::Acquired } else { Op::AcquireFailed },
        );
        got
    }

    /// `release()`: any thread may release; error "release unlocked lock"
    /// (RuntimeError) if it is not locked.
    #[inline]
    pub fn release(&self) -> Result<(), ThreadError> {
        if self.raw.unlock() {
            emit(&self.probe, Op::Released);
            Ok(())
        } else {
            emit_err(&self.probe, Err(ThreadError::ReleaseUnlocked))
        }
    }

    /// `locked()`: whether some thread holds the lock right now.
    pub fn locked(&self) -> bool {
        self.raw.is_locked()
    }

    /// `with lock:` — acquires now, releases when the guard is dropped.
    #[must_use = "the lock is released as soon as the guard is dropped"]
    pub fn guard(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    /// Bare access for Condition's `_is_owned` probe (no events).
    pub(crate) fn raw(&self) -> &RawLock {
        &self.raw
    }
}

impl fmt::Debug for Lock {
    /// Like Python's repr: `<unlocked _thread.lock>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(f, "<{state} _thread.lock>")
    }
}

/// Releases its [`Lock`] when dropped (the end of a `with` block).
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // If another thread released the lock meanwhile (allowed for Lock),
        // Python's `with` would raise here; a drop cannot, so it is ignored.
        let _ = self.lock.release();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::pythreading::observe::Recorder;
    use std::sync::atomic::AtomicBool;
    use std::thread;

    #[test]
    fn acquire_release_and_locked() {
        let l = Lock::new();
        assert!(!l.locked());
        assert!(l.acquire());
        assert!(l.locked());
        assert!(!l.try_acquire());
        l.release().unwrap();
        assert!(!l.locked());
        assert!(l.try_acquire());
        l.release().unwrap();
    }

    #[test]
    fn release_unlocked_is_runtime_error() {
        let l = Lock::new();
        let e = l.release().unwrap_err();
        assert_eq!(e, ThreadError::ReleaseUnlocked);
        assert_eq!(e.to_string(), "release unlocked lock");
        assert_eq!(e.python_exception().name(), "RuntimeError");
    }

    #[test]
    fn any_thread_may_release() {
        let l = Arc::new(Lock::new());
        l.acquire();
        let l2 = l.clone();
        thread::spawn(move || l2.release().unwrap()).join().unwrap();
        assert!(!l.locked());
    }

    #[test]
    fn acquire_twice_from_one_thread_blocks() {
        // "Misusing Lock()": a second acquire by the holder does not succeed.
        let l = Lock::new();
        l.acquire();
        assert!(!l.acquire_timeout(Duration::from_millis(20)));
        l.release().unwrap();
    }

    #[test]
    fn timeout_returns_false_after_the_timeout() {
        let l = Lock::new();
        l.acquire();
        let t0 = Instant::now();
        assert!(!l.acquire_timeout(Duration::from_millis(50)));
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(50), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert!(!l.acquire_timeout(Duration::ZERO));
    }

    #[test]
    fn timed_acquire_succeeds_when_released_in_time() {
        let l = Arc::new(Lock::new());
        l.acquire();
        let l2 = l.clone();
        let h = thread::spawn(move || l2.acquire_timeout(Duration::from_secs(10)));
        thread::sleep(Duration::from_millis(20));
        l.release().unwrap();
        assert!(h.join().unwrap());
        assert!(l.locked());
    }

    #[test]
    fn guard_releases_on_drop() {
        let l = Lock::new();
        {
            let _g = l.guard();
            assert!(l.locked());
        }
        assert!(!l.locked());
    }

    #[test]
    fn blocked_acquirer_wakes_on_release() {
        let l = Arc::new(Lock::new());
        let done = Arc::new(AtomicBool::new(false));
        l.acquire();
        let (l2, d2) = (l.clone(), done.clone());
        let h = thread::spawn(move || {
            l2.acquire();
            d2.store(true, std::sync::atomic::Ordering::SeqCst);
            l2.release().unwrap();
        });
        thread::sleep(Duration::from_millis(30));
        assert!(!done.load(std::sync::atomic::Ordering::SeqCst));
        l.release().unwrap();
        h.join().unwrap();
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn spurious_wakeups_do_not_leak_out_of_acquire() {
        let l = Arc::new(Lock::new());
        l.acquire();
        let got = Arc::new(AtomicBool::new(false));
        let (l2, g2) = (l.clone(), got.clone());
        let h = thread::spawn(move || {
            l2.acquire();
            g2.store(true, std::sync::atomic::Ordering::SeqCst);
            l2.release().unwrap();
        });
        // Keep waking the parked acquirer while the lock stays held.
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(50) {
            l.raw.spurious_wake();
            thread::sleep(Duration::from_micros(200));
        }
        assert!(!got.load(std::sync::atomic::Ordering::SeqCst));
        l.release().unwrap();
        h.join().unwrap();
        assert!(got.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn spurious_wakeups_do_not_shorten_a_timeout() {
        let l = Arc::new(Lock::new());
        l.acquire();
        let l2 = l.clone();
        let h = thread::spawn(move || {
            let t0 = Instant::now();
            let got = l2.acquire_timeout(Duration::from_millis(60));
            (got, t0.elapsed())
        });
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(80) {
            l.raw.spurious_wake();
            thread::sleep(Duration::from_micros(200));
        }
        let (got, took) = h.join().unwrap();
        assert!(!got);
        assert!(took >= Duration::from_millis(60), "{took:?}");
    }

    #[test]
    fn mutual_exclusion_under_contention() {
        // A non-atomic read-modify-write protected by the lock: any overlap
        // of critical sections would lose increments.
        let l = Arc::new(Lock::new());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let hs: Vec<_> = (0..4)
            .map(|i| {
                let (l, c) = (l.clone(), counter.clone());
                thread::spawn(move || {
                    for k in 0..5_000 {
                        if (i + k) % 3 == 0 {
                            while !l.acquire_timeout(Duration::from_micros(50)) {}
                        } else {
                            l.acquire();
                        }
                        let v = c.load(std::sync::atomic::Ordering::Relaxed);
                        std::hint::spin_loop();
                        c.store(v + 1, std::sync::atomic::Ordering::Relaxed);
                        l.release().unwrap();
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(counter.load(std::sync::atomic::Ordering::Relaxed), 20_000);
        assert!(!l.locked());
    }

    #[test]
    fn observer_sees_each_operation() {
        let rec = Recorder::new();
        let l = Lock::with_observer("L", rec.clone());
        l.acquire();
        assert!(!l.try_acquire());
        l.release().unwrap();
        assert!(l.release().is_err());
        let ops: Vec<Op> = rec.events().iter().map(|e| e.op).collect();
        assert_eq!(
            ops,
            vec![
                Op::Acquired,
                Op::AcquireFailed,
                Op::Released,
                Op::Error(ThreadError::ReleaseUnlocked)
            ]
        );
        let e = &rec.events()[0];
        assert_eq!(&*e.object, "L");
        assert_eq!(e.kind, Kind::Lock);
        assert_eq!(e.ident, crate::pythreading::get_ident());
        assert!(e.at >= rec.start());
    }

    #[test]
    fn observer_sees_blocking() {
        let rec = Recorder::new();
        let l = Arc::new(Lock::with_observer("L", rec.clone()));
        l.acquire();
        let l2 = l.clone();
        let h = thread::spawn(move || {
            l2.acquire();
            l2.release().unwrap();
        });
        // Wait until the other thread has reported that it blocks.
        while !rec.events().iter().any(|e| e.op == Op::Blocked) {
            thread::sleep(Duration::from_millis(1));
        }
        l.release().unwrap();
        h.join().unwrap();
        let ops: Vec<Op> = rec.events().iter().map(|e| e.op).collect();
        assert_eq!(ops.iter().filter(|o| **o == Op::Acquired).count(), 2);
        assert_eq!(ops.iter().filter(|o| **o == Op::Released).count(), 2);
        let blocked = rec
            .events()
            .into_iter()
            .find(|e| e.op == Op::Blocked)
            .unwrap();
        assert_ne!(blocked.ident, crate::pythreading::get_ident());
    }

    #[test]
    fn debug_is_pythons_repr() {
        let l = Lock::new();
        assert_eq!(format!("{l:?}"), "<unlocked _thread.lock>");
        l.acquire();
        assert_eq!(format!("{l:?}"), "<locked _thread.lock>");
    }
}
