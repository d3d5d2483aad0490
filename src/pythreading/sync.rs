//! Sync shim: the only place the primitives get their low-level building
//! blocks from. Normally these are `std`'s; under `cfg(loom)` they are loom's,
//! so the model checker (see `.ci/model-check`) can explore every interleaving
//! of the very code the tutorial runs.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread::yield_now;
#[cfg(loom)]
pub(crate) use loom::thread_local;

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::thread::yield_now;
#[cfg(not(loom))]
pub(crate) use std::thread_local;

use std::sync::PoisonError;
use std::time::{Duration, Instant};

/// Whether blocking paths may spin briefly before parking. Off under loom:
/// spinning only multiplies the states the model checker has to visit.
pub(crate) const SPIN: bool = !cfg!(loom);

/// Locks an internal mutex. Our critical sections never panic while holding
/// it, except in user code (`Ord` of a priority item); poisoning is ignored
/// because the protected state is still consistent then.
#[inline]
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `cv` with no deadline (spurious wake-ups are the caller's loop's
/// business).
#[inline]
pub(crate) fn wait<'a, T>(cv: &Condvar, g: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    cv.wait(g).unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `cv` until `deadline` at the latest; returns the guard and whether
/// the deadline has passed. Never sleeps when the deadline is already past.
pub(crate) fn wait_until<'a, T>(
    cv: &Condvar,
    g: MutexGuard<'a, T>,
    deadline: Instant,
) -> (MutexGuard<'a, T>, bool) {
    let now = Instant::now();
    if now >= deadline {
        return (g, true);
    }
    let (g, _) = cv
        .wait_timeout(g, deadline - now)
        .unwrap_or_else(PoisonError::into_inner);
    (g, Instant::now() >= deadline)
}

/// `now + timeout`, or `None` (wait forever) when that overflows `Instant`.
#[inline]
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// A short, bounded back-off used before parking: a few rounds of busy
/// spinning, then a few yields. Returns `true` as soon as `ready()` does.
/// This is what keeps hand-offs between two running threads cheap (no futex
/// wake-up) — the same trick std's Mutex and the channels use.
#[inline]
pub(crate) fn spin_until(mut ready: impl FnMut() -> bool) -> bool {
    if !SPIN {
        return false;
    }
    for step in 0..10u32 {
        if ready() {
            return true;
        }
        if step < 6 {
            for _ in 0..(1u32 << step) {
                std::hint::spin_loop();
            }
        } else {
            yield_now();
        }
    }
    ready()
}
