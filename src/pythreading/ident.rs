//! Who is calling: a per-thread identity (`threading.get_ident()` and the
//! thread's name) that every primitive can read cheaply — RLock for its owner,
//! the observer for the name in each event.

use super::sync::thread_local;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Source of thread identifiers; 0 is never handed out (it means "nobody").
static NEXT_IDENT: AtomicU64 = AtomicU64::new(1);
/// CPython's `threading._counter`: shared by "Thread-N" and "Dummy-N".
static NAME_COUNTER: AtomicU64 = AtomicU64::new(1);

#[derive(Clone)]
struct Identity {
    ident: u64,
    name: Arc<str>,
}

#[cfg(not(loom))]
thread_local! {
    static IDENTITY: RefCell<Option<Identity>> = const { RefCell::new(None) };
}
#[cfg(loom)]
thread_local! {
    static IDENTITY: RefCell<Option<Identity>> = RefCell::new(None);
}

/// A fresh identifier, for a thread about to start.
pub(crate) fn new_ident() -> u64 {
    NEXT_IDENT.fetch_add(1, Ordering::Relaxed)
}

/// `threading._newname(template)`: "Thread-7", "Dummy-8", ...
pub(crate) fn new_name(prefix: &str) -> String {
    format!("{prefix}-{}", NAME_COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn with_identity<R>(f: impl FnOnce(&Identity) -> R) -> R {
    IDENTITY.with(|cell| {
        let mut slot = cell.borrow_mut();
        let id = slot.get_or_insert_with(|| {
            // A thread not started through `Thread`: CPython calls these
            // dummy threads. Keep a name std already gave it (the main
            // thread is "MainThread", as in Python).
            let name = if cfg!(loom) {
                None
            } else {
                std::thread::current().name().map(|n| {
                    if n == "main" {
                        "MainThread".to_string()
                    } else {
                        n.to_string()
                    }
                })
            };
            Identity {
                ident: new_ident(),
                name: name.unwrap_or_else(|| new_name("Dummy")).into(),
            }
        });
        f(id)
    })
}

/// `threading.get_ident()`: a nonzero number identifying the calling thread,
/// unique for the life of the process.
pub fn get_ident() -> u64 {
    with_identity(|id| id.ident)
}

/// The calling thread's name (as `current_thread().name()`).
pub(crate) fn current_name() -> Arc<str> {
    with_identity(|id| id.name.clone())
}

/// Called first thing on a thread started by `Thread::start`, so its ident
/// and name are the ones `start()` already published.
pub(crate) fn adopt(ident: u64, name: Arc<str>) {
    IDENTITY.with(|cell| *cell.borrow_mut() = Some(Identity { ident, name }));
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn idents_are_stable_and_distinct() {
        let a = get_ident();
        assert_eq!(a, get_ident());
        assert_ne!(a, 0);
        let b = std::thread::spawn(get_ident).join().unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn unnamed_threads_are_dummies() {
        let name = std::thread::spawn(current_name).join().unwrap();
        assert!(name.starts_with("Dummy-"), "{name}");
        let named = std::thread::Builder::new()
            .name("ui".into())
            .spawn(current_name)
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(&*named, "ui");
    }
}
