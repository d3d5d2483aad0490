//! Controlling a running demo from outside: pause, resume, single-step and
//! cancel. Demo threads call [`Control::checkpoint`] between steps; it
//! returns at once when running, waits while paused, and says `Cancelled`
//! once the demo is being stopped, so every thread unwinds promptly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The demo is being stopped; unwind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

#[derive(Debug, Default)]
struct State {
    paused: bool,
    /// Checkpoints allowed through while paused.
    steps: u64,
    /// Choices the learner made (e.g. which thread runs next), oldest first.
    choices: std::collections::VecDeque<usize>,
}

/// Shared between the UI (or CLI) and a demo's threads.
#[derive(Debug, Default)]
pub struct Control {
    cancelled: AtomicBool,
    state: Mutex<State>,
    changed: Condvar,
}

/// Longest a checkpoint sleeps before looking at the cancel flag again.
const POLL: Duration = Duration::from_millis(20);

impl Control {
    pub fn new() -> Control {
        Control::default()
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        // Take the lock so a thread between its check and its wait sees it.
        let _g = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.changed.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    pub fn set_paused(&self, paused: bool) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.paused = paused;
        s.steps = 0;
        self.changed.notify_all();
    }

    pub fn is_paused(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .paused
    }

    /// While paused, let one more checkpoint through.
    pub fn step(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.steps += 1;
        self.changed.notify_all();
    }

    /// The learner chose option `i` of the demo's last prompt.
    pub fn push_choice(&self, i: usize) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.choices.push_back(i);
        self.changed.notify_all();
    }

    /// Wait for the learner's next choice; `Err` once cancelled.
    pub fn next_choice(&self) -> Result<usize, Cancelled> {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if self.is_cancelled() {
                return Err(Cancelled);
            }
            if let Some(c) = s.choices.pop_front() {
                return Ok(c);
            }
            s = self
                .changed
                .wait_timeout(s, POLL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Between steps of a demo: waits while paused; `Err` once cancelled.
    pub fn checkpoint(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            return Err(Cancelled);
        }
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while s.paused && s.steps == 0 {
            if self.is_cancelled() {
                return Err(Cancelled);
            }
            s = self
                .changed
                .wait_timeout(s, POLL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if s.paused {
            s.steps -= 1;
        }
        drop(s);
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Sleep for `d`, waking early to answer a cancel. A sleep is a step:
    /// while paused it waits (or takes a single-step token) first.
    pub fn sleep(&self, d: Duration) -> Result<(), Cancelled> {
        self.checkpoint()?;
        let end = Instant::now() + d;
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if self.is_cancelled() {
                return Err(Cancelled);
            }
            let now = Instant::now();
            if now >= end {
                return Ok(());
            }
            s = self
                .changed
                .wait_timeout(s, (end - now).min(POLL))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn pause_step_resume_cancel() {
        let c = Arc::new(Control::new());
        c.set_paused(true);
        let c2 = Arc::clone(&c);
        let worker = thread::spawn(move || {
            let mut passed = 0;
            while c2.checkpoint().is_ok() {
                passed += 1;
            }
            passed
        });
        thread::sleep(Duration::from_millis(50));
        c.step();
        c.step();
        thread::sleep(Duration::from_millis(50));
        c.cancel();
        assert_eq!(worker.join().unwrap(), 2);
    }

    #[test]
    fn sleep_wakes_on_cancel() {
        let c = Arc::new(Control::new());
        let c2 = Arc::clone(&c);
        let t = Instant::now();
        let h = thread::spawn(move || c2.sleep(Duration::from_secs(30)));
        thread::sleep(Duration::from_millis(20));
        c.cancel();
        assert_eq!(h.join().unwrap(), Err(Cancelled));
        assert!(t.elapsed() < Duration::from_secs(5));
    }
}
