//! `threading.Event`: a flag and a `Condition(Lock())`, as in CPython — a
//! thin wrapper: `set()` raises the flag and `notify_all()`s, `wait()` waits
//! on the condition unless the flag is already up.

use super::condition::Condition;
use super::lock::Lock;
use super::observe::{Kind, Observer, Op, Probe, emit};
use super::sync::{AtomicBool, Ordering};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// `threading.Event()`. Share it with `Arc<Event>`.
pub struct Event {
    cond: Condition,
    /// `_flag`: written under `cond`'s lock, read freely by `is_set`.
    flag: AtomicBool,
    probe: Option<Box<Probe>>,
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl Event {
    /// `threading.Event()`: initially not set.
    pub fn new() -> Self {
        Event {
            cond: Condition::with_lock(Lock::new()),
            flag: AtomicBool::new(false),
            probe: None,
        }
    }

    /// A new event reporting to `observer` under `name`.
    pub fn with_observer(name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        Event::new().observed(name, observer)
    }

    /// Attaches an observer (builder style).
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.probe = Probe::boxed(name, Kind::Event, observer);
        self
    }

    /// `is_set()`.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// `set()`: raises the flag and wakes every waiter.
    pub fn set(&self) {
        let _g = self.cond.guard();
        self.flag.store(true, Ordering::Release);
        let _ = self.cond.notify_all();
        emit(&self.probe, Op::Set);
    }

    /// `clear()`: lowers the flag.
    pub fn clear(&self) {
        let _g = self.cond.guard();
        self.flag.store(false, Ordering::Release);
        emit(&self.probe, Op::Clear);
    }

    /// `wait()`: blocks until the flag is set; returns true.
    pub fn wait(&self) -> bool {
        self.wait_impl(None)
    }

    /// `wait(timeout)`: the flag's value on return (false on timeout).
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_impl(Some(timeout))
    }

    fn wait_impl(&self, timeout: Option<Duration>) -> bool {
        let _g = self.cond.guard();
        let mut signaled = self.flag.load(Ordering::Acquire);
        if !signaled {
            emit(&self.probe, Op::Wait);
            signaled = match timeout {
                None => self.cond.wait(),
                Some(t) => self.cond.wait_timeout(t),
            }
            .unwrap_or(false);
            emit(&self.probe, Op::Woken { notified: signaled });
        }
        signaled
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.is_set() { "set" } else { "unset" };
        write!(f, "<threading.Event: {s}>")
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::pythreading::observe::Recorder;
    use std::thread;
    use std::time::Instant;

    #[test]
    fn set_clear_is_set() {
        let e = Event::new();
        assert!(!e.is_set());
        e.set();
        assert!(e.is_set());
        assert!(e.wait());
        assert!(e.wait_timeout(Duration::ZERO));
        e.clear();
        assert!(!e.is_set());
    }

    #[test]
    fn wait_timeout_false_after_timeout() {
        let e = Event::new();
        let t0 = Instant::now();
        assert!(!e.wait_timeout(Duration::from_millis(40)));
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(40), "{took:?}");
        assert!(took < Duration::from_secs(5));
    }

    #[test]
    fn set_wakes_every_waiter() {
        let e = Arc::new(Event::new());
        let hs: Vec<_> = (0..5)
            .map(|_| {
                let e2 = e.clone();
                thread::spawn(move || e2.wait_timeout(Duration::from_secs(10)))
            })
            .collect();
        thread::sleep(Duration::from_millis(20));
        e.set();
        for h in hs {
            assert!(h.join().unwrap());
        }
    }

    #[test]
    fn observed() {
        let rec = Recorder::new();
        let e = Event::with_observer("E", rec.clone());
        e.set();
        e.clear();
        assert!(!e.wait_timeout(Duration::from_millis(1)));
        let ops: Vec<Op> = rec.events().iter().map(|x| x.op).collect();
        assert_eq!(
            ops,
            vec![Op::Set, Op::Clear, Op::Wait, Op::Woken { notified: false }]
        );
    }
}
