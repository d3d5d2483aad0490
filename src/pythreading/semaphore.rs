//! `threading.Semaphore` and `threading.BoundedSemaphore`, built as CPython
//! builds them: a counter guarded by a `Condition(Lock())`. Acquire waits on
//! the condition while the counter is zero; release adds and notifies.

use super::condition::Condition;
use super::error::ThreadError;
use super::lock::Lock;
use super::observe::{Kind, Observer, Op, Probe, emit, emit_err};
use super::sync::{AtomicUsize, Ordering};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `threading.Semaphore(value)`. Share it with `Arc<Semaphore>`.
pub struct Semaphore {
    cond: Condition,
    /// `_value`; only read or written while holding `cond`'s lock, which
    /// orders the accesses (so Relaxed is enough).
    value: AtomicUsize,
    probe: Option<Box<Probe>>,
}

impl Semaphore {
    /// `threading.Semaphore(value)`.
    pub fn new(value: usize) -> Self {
        Semaphore {
            cond: Condition::with_lock(Lock::new()),
            value: AtomicUsize::new(value),
            probe: None,
        }
    }

    /// Attaches an observer (builder style).
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.probe = Probe::boxed(name, Kind::Semaphore, observer);
        self
    }

    /// `acquire()`: waits until the counter is positive, then decrements it.
    pub fn acquire(&self) -> bool {
        self.acquire_impl(true, None)
    }

    /// `acquire(blocking=False)`.
    pub fn try_acquire(&self) -> bool {
        self.acquire_impl(false, None)
    }

    /// `acquire(timeout=t)`: false if the counter stayed zero for `t`.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_impl(true, Some(timeout))
    }

    fn acquire_impl(&self, blocking: bool, timeout: Option<Duration>) -> bool {
        let mut rc = false;
        let mut endtime: Option<Instant> = None;
        let mut timeout = timeout;
        let mut announced = false;
        let _g = self.cond.guard();
        loop {
            let v = self.value.load(Ordering::Relaxed);
            if v > 0 {
                self.value.store(v - 1, Ordering::Relaxed);
                rc = true;
                break;
            }
            if !blocking {
                break;
            }
            if let Some(t) = timeout {
                match endtime {
                    None => endtime = Some(Instant::now() + t),
                    Some(end) => {
                        let now = Instant::now();
                        if now >= end {
                            break;
                        }
                        timeout = Some(end - now);
                    }
                }
            }
            if !announced {
                emit(&self.probe, Op::Blocked);
                announced = true;
            }
            let _ = match timeout {
                None => self.cond.wait(),
                Some(t) => self.cond.wait_timeout(t),
            };
        }
        emit(
            &self.probe,
            if rc { Op::Acquired } else { Op::AcquireFailed },
        );
        rc
    }

    /// `release()`: adds one and wakes one waiter.
    pub fn release(&self) -> Result<(), ThreadError> {
        self.release_n(1)
    }

    /// `release(n)`: adds `n` and wakes up to `n` waiters. Error "n must be
    /// one or more" (ValueError) for `n == 0`.
    pub fn release_n(&self, n: usize) -> Result<(), ThreadError> {
        self.release_bounded(n, None)
    }

    fn release_bounded(&self, n: usize, bound: Option<usize>) -> Result<(), ThreadError> {
        if n < 1 {
            return emit_err(&self.probe, Err(ThreadError::ReleaseCountTooSmall));
        }
        let _g = self.cond.guard();
        let v = self.value.load(Ordering::Relaxed);
        if let Some(initial) = bound
            && v.saturating_add(n) > initial
        {
            return emit_err(&self.probe, Err(ThreadError::SemaphoreReleasedTooManyTimes));
        }
        self.value.store(v.saturating_add(n), Ordering::Relaxed);
        let _ = self.cond.notify(n);
        emit(&self.probe, Op::Released);
        Ok(())
    }

    /// The counter's current value (`_value`).
    pub fn value(&self) -> usize {
        let _g = self.cond.guard();
        self.value.load(Ordering::Relaxed)
    }

    /// `with sem:`.
    #[must_use = "the semaphore is released as soon as the guard is dropped"]
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.acquire();
        SemaphoreGuard { sem: self }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<threading.Semaphore value={}>", self.value())
    }
}

/// Releases its semaphore when dropped.
pub struct SemaphoreGuard<'a> {
    sem: &'a Semaphore,
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        let _ = self.sem.release();
    }
}

/// `threading.BoundedSemaphore(value)`: a Semaphore that refuses to be
/// released above its initial value.
pub struct BoundedSemaphore {
    sem: Semaphore,
    initial: usize,
}

impl BoundedSemaphore {
    /// `threading.BoundedSemaphore(value)`.
    pub fn new(value: usize) -> Self {
        BoundedSemaphore {
            sem: Semaphore::new(value),
            initial: value,
        }
    }

    /// Attaches an observer (builder style).
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.sem.probe = Probe::boxed(name, Kind::BoundedSemaphore, observer);
        self
    }

    /// `acquire()`.
    pub fn acquire(&self) -> bool {
        self.sem.acquire()
    }

    /// `acquire(blocking=False)`.
    pub fn try_acquire(&self) -> bool {
        self.sem.try_acquire()
    }

    /// `acquire(timeout=t)`.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.sem.acquire_timeout(timeout)
    }

    /// `release()`: error "Semaphore released too many times" (ValueError)
    /// above the initial value.
    pub fn release(&self) -> Result<(), ThreadError> {
        self.release_n(1)
    }

    /// `release(n)`.
    pub fn release_n(&self, n: usize) -> Result<(), ThreadError> {
        self.sem.release_bounded(n, Some(self.initial))
    }

    /// The counter's current value.
    pub fn value(&self) -> usize {
        self.sem.value()
    }

    /// `with sem:`.
    #[must_use = "the semaphore is released as soon as the guard is dropped"]
    pub fn guard(&self) -> BoundedSemaphoreGuard<'_> {
        self.acquire();
        BoundedSemaphoreGuard { sem: self }
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<threading.BoundedSemaphore value={}/{}>",
            self.value(),
            self.initial
        )
    }
}

/// Releases its bounded semaphore when dropped.
pub struct BoundedSemaphoreGuard<'a> {
    sem: &'a BoundedSemaphore,
}

impl Drop for BoundedSemaphoreGuard<'_> {
    fn drop(&mut self) {
        let _ = self.sem.release();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize as StdAtomic;
    use std::thread;

    #[test]
    fn counts_down_and_up() {
        let s = Semaphore::new(2);
        assert!(s.acquire());
        assert!(s.try_acquire());
        assert!(!s.try_acquire());
        s.release().unwrap();
        assert_eq!(s.value(), 1);
        s.release_n(3).unwrap();
        assert_eq!(s.value(), 4);
        // An unbounded semaphore may go above its start value.
        let e = s.release_n(0).unwrap_err();
        assert_eq!(e.to_string(), "n must be one or more");
        assert_eq!(e.python_exception().name(), "ValueError");
    }

    #[test]
    fn bounded_refuses_over_release() {
        let b = BoundedSemaphore::new(1);
        let e = b.release().unwrap_err();
        assert_eq!(e.to_string(), "Semaphore released too many times");
        assert_eq!(e.python_exception().name(), "ValueError");
        b.acquire();
        b.release().unwrap();
        assert_eq!(b.value(), 1);
        b.acquire();
        assert!(b.release_n(2).is_err());
        assert_eq!(b.value(), 0);
    }

    #[test]
    fn timeout_lower_bound() {
        let s = Semaphore::new(0);
        let t0 = Instant::now();
        assert!(!s.acquire_timeout(Duration::from_millis(40)));
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(40), "{took:?}");
        assert!(took < Duration::from_secs(5));
        assert!(!s.acquire_timeout(Duration::ZERO));
    }

    #[test]
    fn release_wakes_blocked_acquirer() {
        let s = Arc::new(Semaphore::new(0));
        let s2 = s.clone();
        let h = thread::spawn(move || s2.acquire_timeout(Duration::from_secs(10)));
        thread::sleep(Duration::from_millis(20));
        s.release().unwrap();
        assert!(h.join().unwrap());
        assert_eq!(s.value(), 0);
    }

    #[test]
    fn release_n_wakes_n() {
        let s = Arc::new(Semaphore::new(0));
        let hs: Vec<_> = (0..3)
            .map(|_| {
                let s2 = s.clone();
                thread::spawn(move || s2.acquire())
            })
            .collect();
        thread::sleep(Duration::from_millis(20));
        s.release_n(3).unwrap();
        for h in hs {
            assert!(h.join().unwrap());
        }
        assert_eq!(s.value(), 0);
    }

    #[test]
    fn never_more_than_k_inside() {
        let k = 3;
        let s = Arc::new(BoundedSemaphore::new(k));
        let inside = Arc::new(StdAtomic::new(0));
        let max = Arc::new(StdAtomic::new(0));
        let hs: Vec<_> = (0..8)
            .map(|_| {
                let (s, inside, max) = (s.clone(), inside.clone(), max.clone());
                thread::spawn(move || {
                    for _ in 0..300 {
                        let _g = s.guard();
                        let now = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        max.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                        std::hint::spin_loop();
                        inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert!(max.load(std::sync::atomic::Ordering::SeqCst) <= k);
        assert_eq!(s.value(), k);
    }
}
