//! `threading.Condition`, built as CPython builds it: an underlying lock (an
//! RLock by default) plus a FIFO of waiters, each with its own waiter lock.
//! `wait` makes a new lock, acquires it, queues it, releases the condition's
//! lock and blocks acquiring its waiter lock a second time; `notify(n)` pops
//! the `n` longest-waiting waiter locks and releases them. So notify wakes
//! the longest-waiting thread first, and a waiter only returns when its own
//! lock was released — spurious wake-ups cannot leak out of `wait`.
//!
//! One deliberate improvement on CPython 3.11: the waiter queue has its own
//! small mutex (Rust cannot trust the user's lock to guard it), so a waiter
//! that times out takes itself off the queue at once; a notify therefore
//! never goes to a waiter that has already timed out.

use super::error::ThreadError;
use super::lock::Lock;
use super::observe::{Kind, Observer, Op, Probe, emit, emit_err};
use super::rlock::{RLock, RLockState};
use super::sync::{self, Mutex};
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The lock under a Condition: CPython accepts either kind.
enum CondLock {
    Lock(Lock),
    RLock(RLock),
}

enum Saved {
    Lock,
    RLock(RLockState),
}

/// `threading.Condition`. Share it with `Arc<Condition>`.
pub struct Condition {
    lock: CondLock,
    /// `_waiters`: one pre-acquired lock per waiting thread, oldest first.
    waiters: Mutex<VecDeque<sync::Arc<Lock>>>,
    probe: Option<Box<Probe>>,
}

impl Default for Condition {
    fn default() -> Self {
        Condition::new()
    }
}

impl Condition {
    /// `threading.Condition()`: owns a new RLock, as Python's default does.
    pub fn new() -> Self {
        Condition::with_rlock(RLock::new())
    }

    /// `threading.Condition(Lock())`.
    pub fn with_lock(lock: Lock) -> Self {
        Condition::from_lock(CondLock::Lock(lock))
    }

    /// `threading.Condition(RLock())`.
    pub fn with_rlock(lock: RLock) -> Self {
        Condition::from_lock(CondLock::RLock(lock))
    }

    fn from_lock(lock: CondLock) -> Self {
        Condition {
            lock,
            waiters: Mutex::new(VecDeque::new()),
            probe: None,
        }
    }

    /// Attaches an observer (builder style). The condition's lock reports
    /// under the same name too, unless it already has an observer.
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        let probe = Probe::boxed(name, Kind::Condition, observer);
        self.probe = probe;
        let p = self.probe.as_ref().expect("just set");
        match &mut self.lock {
            CondLock::Lock(l) if !l.has_probe() => l.set_probe(p.as_kind(Kind::Lock)),
            CondLock::RLock(l) if !l.has_probe() => l.set_probe(p.as_kind(Kind::RLock)),
            _ => {}
        }
        self
    }

    /// `acquire()` the underlying lock.
    pub fn acquire(&self) -> bool {
        match &self.lock {
            CondLock::Lock(l) => l.acquire(),
            CondLock::RLock(l) => l.acquire(),
        }
    }

    /// `acquire(blocking=False)` on the underlying lock.
    pub fn try_acquire(&self) -> bool {
        match &self.lock {
            CondLock::Lock(l) => l.try_acquire(),
            CondLock::RLock(l) => l.try_acquire(),
        }
    }

    /// `acquire(timeout=t)` on the underlying lock.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        match &self.lock {
            CondLock::Lock(l) => l.acquire_timeout(timeout),
            CondLock::RLock(l) => l.acquire_timeout(timeout),
        }
    }

    /// `release()` the underlying lock (its errors are the lock's).
    pub fn release(&self) -> Result<(), ThreadError> {
        match &self.lock {
            CondLock::Lock(l) => l.release(),
            CondLock::RLock(l) => l.release(),
        }
    }

    /// `with cond:`.
    #[must_use = "the lock is released as soon as the guard is dropped"]
    pub fn guard(&self) -> ConditionGuard<'_> {
        self.acquire();
        ConditionGuard { cond: self }
    }

    /// `_is_owned()`: for an RLock, whether the caller owns it; for a Lock,
    /// CPython's approximation — whether *anyone* holds it.
    pub fn is_owned(&self) -> bool {
        match &self.lock {
            CondLock::RLock(l) => l.is_owned(),
            CondLock::Lock(l) => {
                if l.raw().try_lock() {
                    l.raw().unlock();
                    false
                } else {
                    true
                }
            }
        }
    }

    /// How many threads are waiting (`len(cond._waiters)`).
    pub fn waiting(&self) -> usize {
        sync::lock(&self.waiters).len()
    }

    fn release_save(&self) -> Saved {
        match &self.lock {
            CondLock::Lock(l) => {
                let _ = l.release();
                Saved::Lock
            }
            CondLock::RLock(l) => Saved::RLock(l.release_save()),
        }
    }

    fn acquire_restore(&self, saved: Saved) {
        match (&self.lock, saved) {
            (CondLock::Lock(l), _) => {
                l.acquire();
            }
            (CondLock::RLock(l), Saved::RLock(s)) => l.acquire_restore(s),
            (CondLock::RLock(_), Saved::Lock) => unreachable!("saved state matches the lock"),
        }
    }

    /// `wait()`: releases the lock, blocks until notified, re-acquires.
    /// Always `Ok(true)` when the caller holds the lock; error "cannot wait
    /// on un-acquired lock" (RuntimeError) otherwise.
    pub fn wait(&self) -> Result<bool, ThreadError> {
        self.wait_impl(None)
    }

    /// `wait(timeout)`: `Ok(false)` if the timeout expired first.
    pub fn wait_timeout(&self, timeout: Duration) -> Result<bool, ThreadError> {
        self.wait_impl(Some(timeout))
    }

    fn wait_impl(&self, timeout: Option<Duration>) -> Result<bool, ThreadError> {
        if !self.is_owned() {
            return emit_err(&self.probe, Err(ThreadError::WaitUnacquired));
        }
        let waiter = sync::Arc::new(Lock::new());
        waiter.acquire();
        sync::lock(&self.waiters).push_back(waiter.clone());
        emit(&self.probe, Op::Wait);
        let saved = self.release_save();
        let mut gotit = match timeout {
            None => waiter.acquire(),
            Some(t) if !t.is_zero() => waiter.acquire_timeout(t),
            Some(_) => waiter.try_acquire(),
        };
        if !gotit {
            // Timed out: leave the queue ourselves. If a notifier already
            // took us off it, its release of our lock is on its way — that
            // notify was for us, so count it and consume it.
            let mut q = sync::lock(&self.waiters);
            if let Some(pos) = q.iter().position(|w| sync::Arc::ptr_eq(w, &waiter)) {
                q.remove(pos);
            } else {
                drop(q);
                waiter.acquire();
                gotit = true;
            }
        }
        self.acquire_restore(saved);
        emit(&self.probe, Op::Woken { notified: gotit });
        Ok(gotit)
    }

    /// `wait_for(predicate, timeout)`: waits until `predicate()` is true (it
    /// is evaluated with the lock held) or the timeout passes; returns the
    /// predicate's last value.
    pub fn wait_for(
        &self,
        mut predicate: impl FnMut() -> bool,
        timeout: Option<Duration>,
    ) -> Result<bool, ThreadError> {
        let mut endtime: Option<Instant> = None;
        let mut waittime = timeout;
        let mut result = predicate();
        while !result {
            if let Some(t) = waittime {
                match endtime {
                    None => endtime = Some(Instant::now() + t),
                    Some(end) => {
                        let now = Instant::now();
                        if now >= end {
                            break;
                        }
                        waittime = Some(end - now);
                    }
                }
            }
            self.wait_impl(waittime)?;
            result = predicate();
        }
        Ok(result)
    }

    /// `notify(n)`: wakes up to `n` waiters, longest-waiting first. Error
    /// "cannot notify on un-acquired lock" (RuntimeError) without the lock.
    pub fn notify(&self, n: usize) -> Result<(), ThreadError> {
        if !self.is_owned() {
            return emit_err(&self.probe, Err(ThreadError::NotifyUnacquired));
        }
        let mut woken = 0;
        {
            let mut q = sync::lock(&self.waiters);
            while woken < n {
                let Some(w) = q.pop_front() else { break };
                if w.release().is_ok() {
                    woken += 1;
                }
            }
        }
        emit(&self.probe, Op::Notify { woken });
        Ok(())
    }

    /// `notify_all()`: wakes every waiter.
    pub fn notify_all(&self) -> Result<(), ThreadError> {
        self.notify(usize::MAX)
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.waiting();
        match &self.lock {
            CondLock::Lock(l) => write!(f, "<Condition({l:?}, {n})>"),
            CondLock::RLock(l) => write!(f, "<Condition({l:?}, {n})>"),
        }
    }
}

/// Releases the [`Condition`]'s lock when dropped.
pub struct ConditionGuard<'a> {
    cond: &'a Condition,
}

impl ConditionGuard<'_> {
    /// `wait()` while holding the guard.
    pub fn wait(&self) -> bool {
        self.cond.wait().unwrap_or(false)
    }

    /// `wait(timeout)` while holding the guard.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.cond.wait_timeout(timeout).unwrap_or(false)
    }
}

impl Drop for ConditionGuard<'_> {
    fn drop(&mut self) {
        let _ = self.cond.release();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::pythreading::observe::Recorder;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::thread;

    #[test]
    fn wait_and_notify_need_the_lock() {
        let c = Condition::new();
        let e = c.wait().unwrap_err();
        assert_eq!(e.to_string(), "cannot wait on un-acquired lock");
        assert_eq!(e.python_exception().name(), "RuntimeError");
        let e = c.notify(1).unwrap_err();
        assert_eq!(e.to_string(), "cannot notify on un-acquired lock");
        assert!(c.notify_all().is_err());
        assert!(c.wait_timeout(Duration::from_millis(1)).is_err());
    }

    #[test]
    fn rlock_condition_is_owned_only_by_owner() {
        let c = Arc::new(Condition::new());
        let _g = c.guard();
        let c2 = c.clone();
        let e = thread::spawn(move || c2.notify(1)).join().unwrap();
        assert_eq!(e, Err(ThreadError::NotifyUnacquired));
        assert!(c.notify(1).is_ok());
    }

    #[test]
    fn lock_condition_owned_if_anyone_holds_it() {
        // CPython's _is_owned for a plain Lock can only tell "locked".
        let c = Arc::new(Condition::with_lock(Lock::new()));
        assert!(!c.is_owned());
        c.acquire();
        let c2 = c.clone();
        assert!(thread::spawn(move || c2.is_owned()).join().unwrap());
        c.release().unwrap();
        assert!(!c.is_owned());
    }

    #[test]
    fn wait_timeout_returns_false_and_reacquires() {
        for c in [Condition::new(), Condition::with_lock(Lock::new())] {
            let _g = c.guard();
            let t0 = Instant::now();
            assert!(!c.wait_timeout(Duration::from_millis(40)).unwrap());
            let took = t0.elapsed();
            assert!(took >= Duration::from_millis(40), "{took:?}");
            assert!(took < Duration::from_secs(5), "{took:?}");
            assert!(c.is_owned());
            assert_eq!(c.waiting(), 0);
            assert!(!c.wait_timeout(Duration::ZERO).unwrap());
        }
    }

    #[test]
    fn wait_keeps_rlock_depth() {
        let c = Arc::new(Condition::new());
        let flag = Arc::new(AtomicBool::new(false));
        let (c2, f2) = (c.clone(), flag.clone());
        let h = thread::spawn(move || {
            c2.acquire();
            c2.acquire();
            while !f2.load(Ordering::SeqCst) {
                c2.wait().unwrap();
            }
            // Depth 2 restored: two releases needed.
            c2.release().unwrap();
            c2.release().unwrap();
            assert!(c2.release().is_err());
        });
        while c.waiting() == 0 {
            thread::sleep(Duration::from_millis(1));
        }
        {
            let _g = c.guard();
            flag.store(true, Ordering::SeqCst);
            c.notify(1).unwrap();
        }
        h.join().unwrap();
    }

    #[test]
    fn notify_wakes_longest_waiting_first() {
        let c = Arc::new(Condition::new());
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut hs = Vec::new();
        for i in 0..5 {
            let (c2, o2) = (c.clone(), order.clone());
            hs.push(thread::spawn(move || {
                let _g = c2.guard();
                c2.wait().unwrap();
                o2.lock().unwrap().push(i);
            }));
            // Wait until thread i is queued before starting the next.
            while c.waiting() < i + 1 {
                thread::sleep(Duration::from_millis(1));
            }
        }
        for k in 0..5 {
            {
                let _g = c.guard();
                c.notify(1).unwrap();
            }
            while order.lock().unwrap().len() < k + 1 {
                thread::sleep(Duration::from_millis(1));
            }
        }
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn notify_n_and_notify_all_count() {
        let c = Arc::new(Condition::new());
        let woke = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let (c2, w2) = (c.clone(), woke.clone());
                thread::spawn(move || {
                    let _g = c2.guard();
                    c2.wait().unwrap();
                    w2.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        while c.waiting() < 4 {
            thread::sleep(Duration::from_millis(1));
        }
        {
            let _g = c.guard();
            c.notify(2).unwrap();
            assert_eq!(c.waiting(), 2);
        }
        while woke.load(Ordering::SeqCst) < 2 {
            thread::sleep(Duration::from_millis(1));
        }
        thread::sleep(Duration::from_millis(20));
        assert_eq!(woke.load(Ordering::SeqCst), 2);
        {
            let _g = c.guard();
            c.notify_all().unwrap();
            assert_eq!(c.waiting(), 0);
        }
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(woke.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn notify_without_waiters_is_a_no_op() {
        let c = Condition::new();
        let _g = c.guard();
        c.notify(3).unwrap();
        c.notify_all().unwrap();
    }

    #[test]
    fn spurious_wakeups_of_waiter_locks_do_not_leak_out_of_wait() {
        // Wake the OS primitive under every queued waiter lock again and
        // again without notifying: no wait may return.
        let c = Arc::new(Condition::new());
        let returned = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (c2, r2) = (c.clone(), returned.clone());
                thread::spawn(move || {
                    let _g = c2.guard();
                    let notified = c2.wait().unwrap();
                    r2.fetch_add(1, Ordering::SeqCst);
                    notified
                })
            })
            .collect();
        while c.waiting() < 2 {
            thread::sleep(Duration::from_millis(1));
        }
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(50) {
            for w in sync::lock(&c.waiters).iter() {
                w.raw().spurious_wake();
            }
            thread::sleep(Duration::from_micros(200));
        }
        assert_eq!(returned.load(Ordering::SeqCst), 0);
        assert_eq!(c.waiting(), 2);
        {
            let _g = c.guard();
            c.notify_all().unwrap();
        }
        for h in hs {
            assert!(h.join().unwrap());
        }
    }

    #[test]
    fn timed_out_waiter_does_not_swallow_a_notify() {
        let c = Arc::new(Condition::new());
        let c1 = c.clone();
        // A waiter with a short timeout, and one without.
        let short = thread::spawn(move || {
            let _g = c1.guard();
            c1.wait_timeout(Duration::from_millis(10)).unwrap()
        });
        let c2 = c.clone();
        let long = thread::spawn(move || {
            let _g = c2.guard();
            c2.wait().unwrap()
        });
        assert!(!short.join().unwrap());
        while c.waiting() < 1 {
            thread::sleep(Duration::from_millis(1));
        }
        {
            let _g = c.guard();
            c.notify(1).unwrap();
        }
        assert!(long.join().unwrap());
    }

    #[test]
    fn wait_for_predicate_and_timeout() {
        let c = Arc::new(Condition::new());
        let v = Arc::new(AtomicUsize::new(0));
        // Already true: returns at once, even without the lock (as CPython).
        assert!(c.wait_for(|| true, None).unwrap());
        {
            let _g = c.guard();
            let t0 = Instant::now();
            let r = c
                .wait_for(
                    || v.load(Ordering::SeqCst) == 1,
                    Some(Duration::from_millis(30)),
                )
                .unwrap();
            assert!(!r);
            assert!(t0.elapsed() >= Duration::from_millis(30));
        }
        let (c2, v2) = (c.clone(), v.clone());
        let h = thread::spawn(move || {
            let _g = c2.guard();
            c2.wait_for(|| v2.load(Ordering::SeqCst) >= 3, None)
                .unwrap()
        });
        for _ in 0..3 {
            thread::sleep(Duration::from_millis(5));
            let _g = c.guard();
            v.fetch_add(1, Ordering::SeqCst);
            c.notify_all().unwrap();
        }
        assert!(h.join().unwrap());
    }

    #[test]
    fn observer_sees_wait_and_notify() {
        let rec = Recorder::new();
        let c = Arc::new(Condition::new().observed("C", rec.clone()));
        let c2 = c.clone();
        let h = thread::spawn(move || {
            let _g = c2.guard();
            c2.wait().unwrap()
        });
        while c.waiting() < 1 {
            thread::sleep(Duration::from_millis(1));
        }
        {
            let _g = c.guard();
            c.notify(1).unwrap();
        }
        assert!(h.join().unwrap());
        let ev = rec.events();
        let ops: Vec<Op> = ev
            .iter()
            .filter(|e| e.kind == Kind::Condition)
            .map(|e| e.op)
            .collect();
        assert_eq!(
            ops,
            vec![
                Op::Wait,
                Op::Notify { woken: 1 },
                Op::Woken { notified: true }
            ]
        );
        // Its RLock reports too, under the same name.
        assert!(
            ev.iter()
                .any(|e| e.kind == Kind::RLock && e.op == Op::Released)
        );
    }
}
