//! `threading.RLock`: a re-entrant lock, built as CPython's C `RLock` is — a
//! plain lock plus the owner's thread ident and a recursion count. The owner
//! may acquire again (the count goes up); only the owner may release.

use super::error::ThreadError;
use super::ident::get_ident;
use super::lock::RawLock;
use super::observe::{Kind, Observer, Op, Probe, emit, emit_err};
use super::sync::{self, AtomicUsize, Ordering};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[cfg(loom)]
use loom::sync::atomic::AtomicU64;
#[cfg(not(loom))]
use std::sync::atomic::AtomicU64;

/// What `_release_save` hands to `_acquire_restore` (owner and count).
pub(crate) struct RLockState {
    count: usize,
}

/// `threading.RLock`. Share it with `Arc<RLock>`.
pub struct RLock {
    lock: RawLock,
    /// `get_ident()` of the owner; 0 when free. Only the owner ever stores
    /// its own ident here, so a thread reading its own ident is the owner.
    owner: AtomicU64,
    /// Recursion depth; only touched by the owner.
    count: AtomicUsize,
    probe: Option<Box<Probe>>,
}

impl Default for RLock {
    fn default() -> Self {
        RLock::new()
    }
}

impl RLock {
    /// `threading.RLock()`: a new, unowned lock.
    pub fn new() -> Self {
        RLock {
            lock: RawLock::new(),
            owner: AtomicU64::new(0),
            count: AtomicUsize::new(0),
            probe: None,
        }
    }

    /// A new RLock reporting every operation to `observer` under `name`.
    pub fn with_observer(name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        RLock::new().observed(name, observer)
    }

    /// Attaches an observer (builder style, before the lock is shared).
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.probe = Probe::boxed(name, Kind::RLock, observer);
        self
    }

    pub(crate) fn set_probe(&mut self, probe: Option<Box<Probe>>) {
        self.probe = probe;
    }

    pub(crate) fn has_probe(&self) -> bool {
        self.probe.is_some()
    }

    /// `acquire()`: re-entrant for the owner; always true.
    pub fn acquire(&self) -> bool {
        self.acquire_until(None, true)
    }

    /// `acquire(blocking=False)`.
    pub fn try_acquire(&self) -> bool {
        self.acquire_until(None, false)
    }

    /// `acquire(timeout=t)`: false if not acquired within `t`.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        if timeout.is_zero() {
            return self.try_acquire();
        }
        self.acquire_until(sync::deadline_after(timeout), true)
    }

    pub(crate) fn acquire_until(&self, deadline: Option<Instant>, blocking: bool) -> bool {
        let me = get_ident();
        if self.owner.load(Ordering::Relaxed) == me {
            let c = self.count.load(Ordering::Relaxed);
            self.count.store(c + 1, Ordering::Relaxed);
            emit(&self.probe, Op::Acquired);
            return true;
        }
        let got = if self.lock.try_lock() {
            true
        } else if !blocking {
            false
        } else {
            emit(&self.probe, Op::Blocked);
            self.lock.lock_slow(deadline)
        };
        if got {
            self.owner.store(me, Ordering::Relaxed);
            self.count.store(1, Ordering::Relaxed);
        }
        emit(
            &self.probe,
            if got { Op::Acquired } else { Op::AcquireFailed },
        );
        got
    }

    /// `release()`: one level down; the lock is free when the count reaches
    /// zero. Error "cannot release un-acquired lock" (RuntimeError) when the
    /// caller is not the owner.
    pub fn release(&self) -> Result<(), ThreadError> {
        if !self.is_owned() {
            return emit_err(&self.probe, Err(ThreadError::ReleaseUnacquired));
        }
        let c = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(c, Ordering::Relaxed);
        if c == 0 {
            self.owner.store(0, Ordering::Relaxed);
            self.lock.unlock();
        }
        emit(&self.probe, Op::Released);
        Ok(())
    }

    /// `_is_owned()`: whether the calling thread holds this lock.
    pub fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == get_ident()
    }

    /// `_recursion_count()`: the caller's depth (0 if it is not the owner).
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Whether any thread holds it.
    pub fn locked(&self) -> bool {
        self.lock.is_locked()
    }

    /// `with rlock:`.
    #[must_use = "the lock is released as soon as the guard is dropped"]
    pub fn guard(&self) -> RLockGuard<'_> {
        self.acquire();
        RLockGuard { lock: self }
    }

    /// `_release_save()`: fully releases (whatever the depth) for
    /// `Condition.wait`, returning the depth to restore. Caller must own it.
    pub(crate) fn release_save(&self) -> RLockState {
        let count = self.count.load(Ordering::Relaxed);
        self.count.store(0, Ordering::Relaxed);
        self.owner.store(0, Ordering::Relaxed);
        self.lock.unlock();
        emit(&self.probe, Op::Released);
        RLockState { count }
    }

    /// `_acquire_restore(state)`: re-acquires with the saved depth.
    pub(crate) fn acquire_restore(&self, state: RLockState) {
        if !self.lock.try_lock() {
            emit(&self.probe, Op::Blocked);
            self.lock.lock_slow(None);
        }
        self.owner.store(get_ident(), Ordering::Relaxed);
        self.count.store(state.count, Ordering::Relaxed);
        emit(&self.probe, Op::Acquired);
    }
}

impl fmt::Debug for RLock {
    /// Like Python's repr: `<unlocked _thread.RLock owner=0 count=0>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owner = self.owner.load(Ordering::Relaxed);
        let state = if self.locked() { "locked" } else { "unlocked" };
        let count = if owner == get_ident() {
            self.count.load(Ordering::Relaxed)
        } else if owner != 0 {
            1 // another thread's depth is not ours to read reliably
        } else {
            0
        };
        write!(f, "<{state} _thread.RLock owner={owner} count={count}>")
    }
}

/// Releases one level of its [`RLock`] when dropped.
pub struct RLockGuard<'a> {
    lock: &'a RLock,
}

impl Drop for RLockGuard<'_> {
    fn drop(&mut self) {
        let _ = self.lock.release();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn recursive_acquire_and_count() {
        let r = RLock::new();
        assert!(r.acquire());
        assert!(r.acquire());
        assert!(r.try_acquire());
        assert_eq!(r.recursion_count(), 3);
        r.release().unwrap();
        r.release().unwrap();
        assert!(r.locked());
        r.release().unwrap();
        assert!(!r.locked());
        assert_eq!(r.recursion_count(), 0);
    }

    #[test]
    fn release_unowned_is_runtime_error() {
        let r = RLock::new();
        let e = r.release().unwrap_err();
        assert_eq!(e.to_string(), "cannot release un-acquired lock");
        assert_eq!(e.python_exception().name(), "RuntimeError");
    }

    #[test]
    fn foreign_release_refused() {
        let r = Arc::new(RLock::new());
        r.acquire();
        let r2 = r.clone();
        let e = thread::spawn(move || r2.release()).join().unwrap();
        assert_eq!(e, Err(ThreadError::ReleaseUnacquired));
        assert!(r.locked());
        r.release().unwrap();
    }

    #[test]
    fn other_thread_blocks_until_fully_released() {
        let r = Arc::new(RLock::new());
        r.acquire();
        r.acquire();
        let r2 = r.clone();
        let h = thread::spawn(move || {
            assert!(!r2.try_acquire());
            assert!(!r2.acquire_timeout(Duration::from_millis(20)));
            r2.acquire();
            r2.release().unwrap();
            true
        });
        thread::sleep(Duration::from_millis(40));
        r.release().unwrap();
        thread::sleep(Duration::from_millis(10));
        // Still held at depth 1: the other thread cannot have got it.
        assert!(!h.is_finished());
        assert_eq!(r.recursion_count(), 1);
        r.release().unwrap();
        assert!(h.join().unwrap());
    }

    #[test]
    fn timeout_lower_bound() {
        let r = Arc::new(RLock::new());
        r.acquire();
        let r2 = r.clone();
        let took = thread::spawn(move || {
            let t0 = Instant::now();
            assert!(!r2.acquire_timeout(Duration::from_millis(40)));
            t0.elapsed()
        })
        .join()
        .unwrap();
        assert!(took >= Duration::from_millis(40), "{took:?}");
        assert!(took < Duration::from_secs(5));
    }

    #[test]
    fn release_save_and_restore_keep_depth() {
        let r = RLock::new();
        r.acquire();
        r.acquire();
        let s = r.release_save();
        assert!(!r.locked());
        r.acquire_restore(s);
        assert_eq!(r.recursion_count(), 2);
        r.release().unwrap();
        r.release().unwrap();
        assert!(!r.locked());
    }

    #[test]
    fn guard_releases_one_level() {
        let r = RLock::new();
        let _outer = r.guard();
        {
            let _inner = r.guard();
            assert_eq!(r.recursion_count(), 2);
        }
        assert_eq!(r.recursion_count(), 1);
    }

    #[test]
    fn mutual_exclusion_with_recursion() {
        let r = Arc::new(RLock::new());
        let c = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let (r, c) = (r.clone(), c.clone());
                thread::spawn(move || {
                    for _ in 0..3_000 {
                        let _a = r.guard();
                        let _b = r.guard();
                        let v = c.load(std::sync::atomic::Ordering::Relaxed);
                        c.store(v + 1, std::sync::atomic::Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(c.load(std::sync::atomic::Ordering::Relaxed), 12_000);
    }
}
