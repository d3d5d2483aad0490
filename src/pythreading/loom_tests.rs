//! Model checks (loom): every interleaving, up to a preemption bound, of the
//! real Lock, RLock, Condition, Semaphore, Event and Queue code, built on
//! loom's types through the sync shim. Run by `.ci/model-check`.
//!
//! Critical sections use a separate atomic load and store (a non-atomic
//! read-modify-write): if a lock ever let two threads in at once, or failed
//! to order one holder's writes before the next's reads, loom would find the
//! lost update. A lost wake-up shows up as a deadlock, which loom reports.

use super::*;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::thread;

fn check(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if std::env::var("LOOM_MAX_PREEMPTIONS").is_err() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

fn bump(c: &AtomicUsize) {
    let v = c.load(Ordering::Relaxed);
    c.store(v + 1, Ordering::Relaxed);
}

#[test]
fn lock_mutual_exclusion() {
    check(|| {
        let l = Arc::new(Lock::new());
        let c = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (l, c) = (l.clone(), c.clone());
                thread::spawn(move || {
                    l.acquire();
                    bump(&c);
                    l.release().unwrap();
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(c.load(Ordering::Relaxed), 2);
        assert!(!l.locked());
    });
}

#[test]
fn lock_released_by_another_thread_wakes_blocked_acquirer() {
    check(|| {
        let l = Arc::new(Lock::new());
        l.acquire();
        let l2 = l.clone();
        let t = thread::spawn(move || {
            l2.acquire();
            // "Synch Two Threads": main's release handed the lock over.
            l2.release().unwrap();
        });
        let l3 = l.clone();
        let r = thread::spawn(move || l3.release());
        assert!(r.join().unwrap().is_ok());
        t.join().unwrap();
        assert!(!l.locked());
        assert_eq!(l.release(), Err(ThreadError::ReleaseUnlocked));
    });
}

#[test]
fn lock_try_acquire_races() {
    check(|| {
        let l = Arc::new(Lock::new());
        let wins = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (l, w) = (l.clone(), wins.clone());
                thread::spawn(move || {
                    if l.try_acquire() {
                        w.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        // Nobody releases: exactly one winner.
        assert_eq!(wins.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn rlock_recursion_and_exclusion() {
    check(|| {
        let r = Arc::new(RLock::new());
        let c = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (r, c) = (r.clone(), c.clone());
                thread::spawn(move || {
                    r.acquire();
                    r.acquire();
                    bump(&c);
                    r.release().unwrap();
                    bump(&c);
                    r.release().unwrap();
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(c.load(Ordering::Relaxed), 4);
        assert!(!r.locked());
    });
}

#[test]
fn rlock_foreign_release_refused() {
    check(|| {
        let r = Arc::new(RLock::new());
        let r2 = r.clone();
        let t = thread::spawn(move || {
            r2.acquire();
            r2.release().unwrap();
        });
        // Whatever the interleaving, main never owns it.
        assert_eq!(r.release(), Err(ThreadError::ReleaseUnacquired));
        t.join().unwrap();
    });
}

fn condition_handshake(cond: Condition) {
    let cond = Arc::new(cond);
    let ready = Arc::new(AtomicBool::new(false));
    let (c2, r2) = (cond.clone(), ready.clone());
    let waiter = thread::spawn(move || {
        c2.acquire();
        while !r2.load(Ordering::Relaxed) {
            assert!(c2.wait().unwrap());
        }
        c2.release().unwrap();
    });
    cond.acquire();
    ready.store(true, Ordering::Relaxed);
    cond.notify(1).unwrap();
    cond.release().unwrap();
    waiter.join().unwrap();
    assert_eq!(cond.waiting(), 0);
}

#[test]
fn condition_rlock_no_lost_wakeup() {
    check(|| condition_handshake(Condition::new()));
}

#[test]
fn condition_lock_no_lost_wakeup() {
    check(|| condition_handshake(Condition::with_lock(Lock::new())));
}

#[test]
fn condition_notify_all_wakes_both() {
    check(|| {
        let cond = Arc::new(Condition::with_lock(Lock::new()));
        let go = Arc::new(AtomicBool::new(false));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (c, g) = (cond.clone(), go.clone());
                thread::spawn(move || {
                    c.acquire();
                    while !g.load(Ordering::Relaxed) {
                        c.wait().unwrap();
                    }
                    c.release().unwrap();
                })
            })
            .collect();
        cond.acquire();
        go.store(true, Ordering::Relaxed);
        cond.notify_all().unwrap();
        cond.release().unwrap();
        for h in hs {
            h.join().unwrap();
        }
    });
}

#[test]
fn semaphore_hand_off() {
    check(|| {
        let s = Arc::new(Semaphore::new(0));
        let s2 = s.clone();
        let t = thread::spawn(move || s2.acquire());
        s.release().unwrap();
        assert!(t.join().unwrap());
        assert!(!s.try_acquire());
    });
}

#[test]
fn event_set_wakes_waiter() {
    check(|| {
        let e = Arc::new(Event::new());
        let e2 = e.clone();
        let t = thread::spawn(move || e2.wait());
        e.set();
        assert!(t.join().unwrap());
    });
}

#[test]
fn queue_bounded_hand_off_and_join() {
    check(|| {
        let q = Arc::new(Queue::new(1));
        let qp = q.clone();
        let producer = thread::spawn(move || {
            qp.put(1);
            qp.put(2);
        });
        let qc = q.clone();
        let consumer = thread::spawn(move || {
            let a = qc.get();
            qc.task_done().unwrap();
            let b = qc.get();
            qc.task_done().unwrap();
            (a, b)
        });
        producer.join().unwrap();
        q.join();
        assert_eq!(q.unfinished_tasks(), 0);
        assert_eq!(consumer.join().unwrap(), (1, 2));
        assert!(q.empty());
    });
}

#[test]
fn queue_nowait_never_blocks() {
    check(|| {
        let q = Arc::new(Queue::new(1));
        let q2 = q.clone();
        let t = thread::spawn(move || q2.put_nowait(1).is_ok());
        let got = q.get_nowait().ok();
        let put = t.join().unwrap();
        assert!(put);
        match got {
            Some(1) => assert!(q.empty()),
            None => assert_eq!(q.get_nowait(), Ok(1)),
            Some(x) => panic!("unexpected {x}"),
        }
    });
}

#[test]
fn lock_three_contenders() {
    // Three threads through one Lock: exercises several parked waiters and
    // the "a signal is already in flight" path of release.
    check(|| {
        let l = Arc::new(Lock::new());
        let c = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (l, c) = (l.clone(), c.clone());
                thread::spawn(move || {
                    l.acquire();
                    bump(&c);
                    l.release().unwrap();
                })
            })
            .collect();
        l.acquire();
        bump(&c);
        l.release().unwrap();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(c.load(Ordering::Relaxed), 3);
        assert!(!l.locked());
    });
}

#[test]
fn lock_timed_waiter_and_blocking_waiter() {
    // A timed acquire racing a blocking one: whatever happens to the timed
    // one, the blocking one must not be left parked (loom never fires the
    // timeout, so this checks the wake-up bookkeeping, not the timing).
    check(|| {
        let l = Arc::new(Lock::new());
        l.acquire();
        let l1 = l.clone();
        let timed = thread::spawn(move || {
            if l1.acquire_timeout(std::time::Duration::from_secs(3600)) {
                l1.release().unwrap();
            }
        });
        let l2 = l.clone();
        let blocking = thread::spawn(move || {
            l2.acquire();
            l2.release().unwrap();
        });
        l.release().unwrap();
        timed.join().unwrap();
        blocking.join().unwrap();
        assert!(!l.locked());
    });
}

#[test]
fn lock_timeout_exit_races_a_release() {
    // A timed acquirer gives up (its 1 ns deadline has passed by the time it
    // waits, so loom runs the timeout path) while the holder releases and
    // re-acquires and another thread blocks: the blocked thread must still
    // be woken by the final release.
    check(|| {
        let l = Arc::new(Lock::new());
        l.acquire();
        let l1 = l.clone();
        let timed = thread::spawn(move || {
            if l1.acquire_timeout(std::time::Duration::from_nanos(1)) {
                l1.release().unwrap();
            }
        });
        let l2 = l.clone();
        let blocking = thread::spawn(move || {
            l2.acquire();
            l2.release().unwrap();
        });
        l.release().unwrap();
        l.acquire();
        l.release().unwrap();
        timed.join().unwrap();
        blocking.join().unwrap();
        assert!(!l.locked());
    });
}
