//! `threading.Timer`: a thread that waits `interval` on an Event and then
//! runs its function — unless `cancel()` set the event first.

use super::error::ThreadError;
use super::event::Event;
use super::thread::Thread;
use std::sync::Arc;
use std::time::Duration;

/// `threading.Timer(interval, function)`.
pub struct Timer {
    thread: Thread,
    finished: Arc<Event>,
}

impl Timer {
    /// A timer that, once started, runs `function` after `interval`.
    pub fn new(interval: Duration, function: impl FnOnce() + Send + 'static) -> Timer {
        let finished = Arc::new(Event::new());
        let f2 = finished.clone();
        let thread = Thread::new(move || {
            f2.wait_timeout(interval);
            if !f2.is_set() {
                function();
            }
            f2.set();
        });
        Timer { thread, finished }
    }

    /// `start()`.
    pub fn start(&self) -> Result<(), ThreadError> {
        self.thread.start()
    }

    /// `cancel()`: stops the timer if it is still waiting.
    pub fn cancel(&self) {
        self.finished.set();
    }

    /// `join()`.
    pub fn join(&self) -> Result<(), ThreadError> {
        self.thread.join()
    }

    /// `is_alive()`.
    pub fn is_alive(&self) -> bool {
        self.thread.is_alive()
    }

    /// The underlying thread.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;

    #[test]
    fn fires_after_interval() {
        let fired = Arc::new(AtomicBool::new(false));
        let f2 = fired.clone();
        let t0 = Instant::now();
        let t = Timer::new(Duration::from_millis(30), move || {
            f2.store(true, Ordering::SeqCst);
        });
        t.start().unwrap();
        t.join().unwrap();
        assert!(fired.load(Ordering::SeqCst));
        assert!(t0.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn cancel_prevents_firing() {
        let fired = Arc::new(AtomicBool::new(false));
        let f2 = fired.clone();
        let t = Timer::new(Duration::from_secs(30), move || {
            f2.store(true, Ordering::SeqCst);
        });
        t.start().unwrap();
        assert!(t.is_alive());
        t.cancel();
        t.join().unwrap();
        assert!(!fired.load(Ordering::SeqCst));
    }
}
