//! Controlling a running demo from outside: pause, resume, single-step,
//! pace, "run to the next key event", learner actions and cancel.
//!
//! Two kinds of waits:
//!
//! - [`Control::visible_step`] (what `Ctx::step`/`key_step` and
//!   [`Narrator`](super::session::Narrator) call before one *visible*
//!   event): waits at the pace (when the speed is below full) and, while
//!   paused, for one single-step token. One `.` press = one token = exactly
//!   one narrated event.
//! - [`Control::checkpoint`] (non-visible waits between steps): returns at
//!   once when running, waits while paused, and says `Cancelled` once the
//!   demo is being stopped. While paused it passes if a single-step token is
//!   pending *without* consuming it: the token is for the next narrated
//!   event, so one `.` runs the demo's threads up to exactly one narration
//!   (a demo that narrates nothing more runs on to its end).
//!
//! Pace: the speed is a factor in [[`MIN_SPEED`], 1.0] or full
//! (`f64::INFINITY`, the default, and headless). At speed `s` visible steps
//! are spaced [`STEP_AT_1X`]` / s` apart across all of the demo's threads
//! (one event at a time, so a person can follow): 20 events/s at 1×, 4/s
//! at the TUI's default 0.2×.

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
    /// Learner actions (index into `Demo::actions`), oldest first.
    actions: std::collections::VecDeque<usize>,
    /// The pace: a factor in [MIN_SPEED, 1] or infinite (full speed).
    speed: Speed,
    /// The earliest time the next visible step may pass (paced runs).
    next_slot: Option<Instant>,
    /// `>`: run without pace or pause until the next key event, then pause.
    run_to_key: bool,
    /// Did any wait for the pace or a pause happen (timings are then not
    /// the threads' real speed)?
    slowed: bool,
}

/// The pace factor (infinite = full speed); a newtype so `State` can
/// default to full speed.
#[derive(Debug, Clone, Copy)]
struct Speed(f64);

impl Default for Speed {
    fn default() -> Self {
        Speed(f64::INFINITY)
    }
}

/// Time between two visible steps at speed 1×.
pub const STEP_AT_1X: Duration = Duration::from_millis(50);
/// The slowest speed.
pub const MIN_SPEED: f64 = 0.05;
/// The speeds `[` and `]` move between (then full speed, `f64::INFINITY`).
pub const SPEEDS: &[f64] = &[0.05, 0.1, 0.2, 0.5, 1.0];
/// The TUI's default pace: about 4 narrated events a second.
pub const TUI_SPEED: f64 = 0.2;

/// The speed as shown: `0.2×`, or `full`.
pub fn speed_label(speed: f64) -> String {
    if speed.is_finite() {
        format!("{}×", (speed * 100.0).round() / 100.0)
    } else {
        "full".into()
    }
}

/// The next speed up (`faster`) or down from `speed` in [`SPEEDS`] + full.
pub fn next_speed(speed: f64, faster: bool) -> f64 {
    let mut all: Vec<f64> = SPEEDS.to_vec();
    all.push(f64::INFINITY);
    if faster {
        all.into_iter()
            .find(|&s| s > speed + 1e-9)
            .unwrap_or(f64::INFINITY)
    } else {
        all.into_iter()
            .rev()
            .find(|&s| s < speed - 1e-9)
            .unwrap_or(MIN_SPEED)
    }
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
        s.run_to_key = false;
        s.next_slot = None;
        self.changed.notify_all();
    }

    pub fn is_paused(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .paused
    }

    /// While paused, let one more visible step through (a `.` press).
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

    /// Set the pace: a factor in [`MIN_SPEED`], 1.0] (clamped), or
    /// `f64::INFINITY` (or anything above 1.0 / not a number) for full speed.
    pub fn set_speed(&self, speed: f64) {
        let speed = if speed.is_nan() || speed > 1.0 {
            f64::INFINITY
        } else {
            speed.max(MIN_SPEED)
        };
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.speed = Speed(speed);
        s.next_slot = None;
        self.changed.notify_all();
    }

    /// The pace (`f64::INFINITY` = full speed).
    pub fn speed(&self) -> f64 {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .speed
            .0
    }

    /// Is the demo slowed down (speed below full)? Timings measured while
    /// paced are not the threads' real speed.
    pub fn is_paced(&self) -> bool {
        self.speed().is_finite()
    }

    /// `>`: run (without pace, and through a pause) until the next key
    /// event has been narrated, then pause.
    pub fn run_to_key(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.run_to_key = true;
        self.changed.notify_all();
    }

    /// A key event was narrated: a `>` jump under way ends here (paused).
    pub fn key_event(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.run_to_key {
            s.run_to_key = false;
            s.paused = true;
            s.steps = 0;
            s.next_slot = None;
            self.changed.notify_all();
        }
    }

    /// Was the run slowed down so far (a wait for the pace or a pause)?
    /// Timings measured meanwhile are not the threads' real speed.
    pub fn was_slowed(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .slowed
    }

    /// Is a `>` jump under way?
    pub fn is_running_to_key(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .run_to_key
    }

    /// The learner pressed the key of action `i` of `Demo::actions`.
    pub fn push_action(&self, i: usize) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.actions.push_back(i);
        self.changed.notify_all();
    }

    /// The learner's oldest action not yet taken, if any (never blocks).
    pub fn take_action(&self) -> Option<usize> {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .actions
            .pop_front()
    }

    /// Before one visible (narrated) event: waits at the pace, and while
    /// paused for one single-step token (which it consumes). After a key
    /// event (`key`) that ends a `>` jump, the demo is paused. `Err` once
    /// cancelled.
    pub fn visible_step(&self, key: bool) -> Result<(), Cancelled> {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if self.is_cancelled() {
                return Err(Cancelled);
            }
            if s.run_to_key {
                if key {
                    s.run_to_key = false;
                    s.paused = true;
                    s.steps = 0;
                    s.next_slot = None;
                    self.changed.notify_all();
                }
                break;
            }
            if s.paused {
                s.slowed = true;
                if s.steps > 0 {
                    s.steps -= 1;
                    break;
                }
                s = self
                    .changed
                    .wait_timeout(s, POLL)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                continue;
            }
            let speed = s.speed.0;
            if !speed.is_finite() {
                break;
            }
            let now = Instant::now();
            match s.next_slot {
                Some(slot) if slot > now => {
                    s.slowed = true;
                    s = self
                        .changed
                        .wait_timeout(s, (slot - now).min(POLL))
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                _ => {
                    s.next_slot = Some(now + STEP_AT_1X.div_f64(speed));
                    break;
                }
            }
        }
        drop(s);
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
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
        while s.paused && s.steps == 0 && !s.run_to_key {
            s.slowed = true;
            if self.is_cancelled() {
                return Err(Cancelled);
            }
            s = self
                .changed
                .wait_timeout(s, POLL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        // The token is kept for the next visible step.
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
            while c2.checkpoint().is_ok() && c2.visible_step(false).is_ok() {
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
    fn one_step_token_lets_exactly_one_visible_step_through() {
        let c = Arc::new(Control::new());
        c.set_paused(true);
        let c2 = Arc::clone(&c);
        let passed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let p2 = Arc::clone(&passed);
        let worker = thread::spawn(move || {
            while c2.visible_step(false).is_ok() {
                p2.fetch_add(1, Ordering::SeqCst);
                // Non-visible waits between visible steps do not spend
                // the token meant for the next visible step.
                for _ in 0..5 {
                    if c2.checkpoint().is_err() {
                        return;
                    }
                }
            }
        });
        thread::sleep(Duration::from_millis(50));
        assert_eq!(passed.load(Ordering::SeqCst), 0);
        for want in 1..=3 {
            c.step();
            let t = Instant::now();
            while passed.load(Ordering::SeqCst) < want && t.elapsed() < Duration::from_secs(5) {
                thread::sleep(Duration::from_millis(5));
            }
            thread::sleep(Duration::from_millis(30));
            assert_eq!(passed.load(Ordering::SeqCst), want);
        }
        c.cancel();
        worker.join().unwrap();
    }

    #[test]
    fn run_to_key_pauses_after_the_key_event() {
        let c = Arc::new(Control::new());
        c.set_paused(true);
        c.run_to_key();
        // Plain steps pass without a token while jumping.
        assert_eq!(c.visible_step(false), Ok(()));
        assert_eq!(c.visible_step(false), Ok(()));
        assert_eq!(c.visible_step(true), Ok(()));
        assert!(c.is_paused());
        assert!(!c.is_running_to_key());
    }

    #[test]
    fn speeds_step_between_the_slowest_and_full() {
        assert_eq!(next_speed(0.2, true), 0.5);
        assert_eq!(next_speed(1.0, true), f64::INFINITY);
        assert_eq!(next_speed(f64::INFINITY, true), f64::INFINITY);
        assert_eq!(next_speed(f64::INFINITY, false), 1.0);
        assert_eq!(next_speed(0.05, false), MIN_SPEED);
        assert_eq!(speed_label(0.2), "0.2×");
        assert_eq!(speed_label(f64::INFINITY), "full");
        let c = Control::new();
        assert!(!c.is_paced());
        c.set_speed(7.0);
        assert!(!c.is_paced());
        c.set_speed(0.0);
        assert_eq!(c.speed(), MIN_SPEED);
        assert!(c.is_paced());
    }

    #[test]
    fn actions_are_taken_in_order() {
        let c = Control::new();
        assert_eq!(c.take_action(), None);
        c.push_action(1);
        c.push_action(0);
        assert_eq!(c.take_action(), Some(1));
        assert_eq!(c.take_action(), Some(0));
        assert_eq!(c.take_action(), None);
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
