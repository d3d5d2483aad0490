//! Errors with CPython's exact messages: what `threading` and `queue` raise,
//! so a lesson can print the same text the learner would see in Python.

use std::fmt;

/// The Python exception class a [`ThreadError`] corresponds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PyException {
    /// `RuntimeError`: misuse of a lock, condition or thread.
    RuntimeError,
    /// `ValueError`: a counter pushed out of range.
    ValueError,
    /// `threading.BrokenBarrierError`.
    BrokenBarrierError,
}

impl PyException {
    /// The class name as Python prints it (`RuntimeError`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PyException::RuntimeError => "RuntimeError",
            PyException::ValueError => "ValueError",
            PyException::BrokenBarrierError => "BrokenBarrierError",
        }
    }
}

impl fmt::Display for PyException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A misuse that CPython reports by raising an exception. `Display` gives
/// CPython 3.11's message verbatim; [`ThreadError::python_exception`] names
/// the class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThreadError {
    /// `Lock.release()` on an unlocked lock.
    ReleaseUnlocked,
    /// `RLock.release()` by a thread that does not own it.
    ReleaseUnacquired,
    /// `BoundedSemaphore.release()` above the initial value.
    SemaphoreReleasedTooManyTimes,
    /// `Semaphore.release(n)` with `n < 1`.
    ReleaseCountTooSmall,
    /// `Condition.wait()` without holding the lock.
    WaitUnacquired,
    /// `Condition.notify()` without holding the lock.
    NotifyUnacquired,
    /// `Queue.task_done()` more often than items were put.
    TaskDoneTooManyTimes,
    /// `Thread.start()` a second time.
    StartedTwice,
    /// `Thread.join()` before `start()`.
    JoinBeforeStart,
    /// `Thread.join()` from the thread itself.
    JoinCurrentThread,
    /// The OS refused to create a thread.
    CantStartThread,
    /// A `Barrier` was aborted, reset, or a wait timed out.
    BrokenBarrier,
}

impl ThreadError {
    /// CPython's message (`str(exc)`); empty for `BrokenBarrierError`, which
    /// CPython raises without one.
    pub fn message(self) -> &'static str {
        match self {
            ThreadError::ReleaseUnlocked => "release unlocked lock",
            ThreadError::ReleaseUnacquired => "cannot release un-acquired lock",
            ThreadError::SemaphoreReleasedTooManyTimes => "Semaphore released too many times",
            ThreadError::ReleaseCountTooSmall => "n must be one or more",
            ThreadError::WaitUnacquired => "cannot wait on un-acquired lock",
            ThreadError::NotifyUnacquired => "cannot notify on un-acquired lock",
            ThreadError::TaskDoneTooManyTimes => "task_done() called too many times",
            ThreadError::StartedTwice => "threads can only be started once",
            ThreadError::JoinBeforeStart => "cannot join thread before it is started",
            ThreadError::JoinCurrentThread => "cannot join current thread",
            ThreadError::CantStartThread => "can't start new thread",
            ThreadError::BrokenBarrier => "",
        }
    }

    /// Which Python exception CPython raises for this misuse.
    pub fn python_exception(self) -> PyException {
        match self {
            ThreadError::SemaphoreReleasedTooManyTimes
            | ThreadError::ReleaseCountTooSmall
            | ThreadError::TaskDoneTooManyTimes => PyException::ValueError,
            ThreadError::BrokenBarrier => PyException::BrokenBarrierError,
            _ => PyException::RuntimeError,
        }
    }
}

impl fmt::Display for ThreadError {
    /// CPython's message; `BrokenBarrierError` (which has none) shows its
    /// class name so the text is never empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThreadError::BrokenBarrier => f.write_str("BrokenBarrierError"),
            e => f.write_str(e.message()),
        }
    }
}

impl std::error::Error for ThreadError {}

/// `queue.Full`: a put gave up; the item is handed back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Full<T>(pub T);

impl<T> Full<T> {
    /// Takes the item back out.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Full(..)")
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue.Full")
    }
}

impl<T> std::error::Error for Full<T> {}

/// `queue.Empty`: a get gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Empty;

impl fmt::Display for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue.Empty")
    }
}

impl std::error::Error for Empty {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cpythons() {
        assert_eq!(
            ThreadError::ReleaseUnlocked.to_string(),
            "release unlocked lock"
        );
        assert_eq!(
            ThreadError::ReleaseUnacquired.to_string(),
            "cannot release un-acquired lock"
        );
        assert_eq!(
            ThreadError::SemaphoreReleasedTooManyTimes.to_string(),
            "Semaphore released too many times"
        );
        assert_eq!(
            ThreadError::WaitUnacquired.to_string(),
            "cannot wait on un-acquired lock"
        );
        assert_eq!(
            ThreadError::NotifyUnacquired.to_string(),
            "cannot notify on un-acquired lock"
        );
        assert_eq!(
            ThreadError::TaskDoneTooManyTimes.to_string(),
            "task_done() called too many times"
        );
        assert_eq!(
            ThreadError::StartedTwice.to_string(),
            "threads can only be started once"
        );
        assert_eq!(ThreadError::BrokenBarrier.message(), "");
        assert_eq!(ThreadError::BrokenBarrier.to_string(), "BrokenBarrierError");
    }

    #[test]
    fn exception_classes() {
        use PyException::*;
        assert_eq!(
            ThreadError::ReleaseUnlocked.python_exception(),
            RuntimeError
        );
        assert_eq!(
            ThreadError::ReleaseUnacquired.python_exception(),
            RuntimeError
        );
        assert_eq!(ThreadError::WaitUnacquired.python_exception(), RuntimeError);
        assert_eq!(
            ThreadError::NotifyUnacquired.python_exception(),
            RuntimeError
        );
        assert_eq!(ThreadError::StartedTwice.python_exception(), RuntimeError);
        assert_eq!(
            ThreadError::SemaphoreReleasedTooManyTimes.python_exception(),
            ValueError
        );
        assert_eq!(
            ThreadError::TaskDoneTooManyTimes.python_exception(),
            ValueError
        );
        assert_eq!(
            ThreadError::ReleaseCountTooSmall.python_exception(),
            ValueError
        );
        assert_eq!(ValueError.name(), "ValueError");
        assert_eq!(Full(3).into_inner(), 3);
    }
}
