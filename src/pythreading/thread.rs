//! `threading.Thread` and the module-level functions around it
//! (`current_thread`, `active_count`, `enumerate`, `excepthook`), on real OS
//! threads.
//!
//! Structure, as in CPython: a registry of active threads keyed by ident
//! (`threading._active`); each started thread holds a "tstate lock" for as
//! long as it runs, and `join` is nothing but acquiring (then releasing) that
//! lock — with a timeout for `join(timeout)`. A panic in the target is caught
//! and handed to the excepthook (default: "Exception in thread NAME:" and the
//! message on stderr); it never takes the process down.

use super::error::ThreadError;
use super::ident::{self, get_ident};
use super::lock::Lock;
use super::observe::{Kind, Observer, Op, Probe, emit};
use super::sync;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the excepthook is told about an uncaught panic
/// (`threading.ExceptHookArgs`).
#[derive(Clone, Debug)]
pub struct ExceptHookArgs {
    /// The thread's name.
    pub thread_name: Arc<str>,
    /// The thread's ident.
    pub ident: u64,
    /// The panic message (the "exception").
    pub message: String,
}

/// `threading.excepthook`'s type: called on the dying thread.
pub type ExceptHook = Arc<dyn Fn(&ExceptHookArgs) + Send + Sync>;

type Target = Box<dyn FnOnce() + Send + 'static>;

/// `threading._active`: every started, still running thread (and every
/// foreign thread that asked for `current_thread()`), by ident.
static ACTIVE: Mutex<BTreeMap<u64, Thread>> = Mutex::new(BTreeMap::new());
static EXCEPTHOOK: RwLock<Option<ExceptHook>> = RwLock::new(None);

fn active() -> std::sync::MutexGuard<'static, BTreeMap<u64, Thread>> {
    ACTIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `threading.excepthook = hook` for every thread without its own hook;
/// `None` restores [`default_excepthook`].
pub fn set_excepthook(hook: Option<ExceptHook>) {
    *EXCEPTHOOK.write().unwrap_or_else(PoisonError::into_inner) = hook;
}

/// The default hook: prints "Exception in thread NAME:" and the message to
/// stderr, as CPython does (minus the traceback).
pub fn default_excepthook(args: &ExceptHookArgs) {
    eprintln!(
        "Exception in thread {}:\n{}",
        args.thread_name, args.message
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flavor {
    /// Started through [`Thread::start`].
    Regular,
    /// The process's main thread, seen through `current_thread()`.
    Main,
    /// Any other thread not started here (CPython's `_DummyThread`).
    Dummy,
}

struct Inner {
    name: Arc<str>,
    daemon: bool,
    flavor: Flavor,
    ident: OnceLock<u64>,
    started: AtomicBool,
    target: Mutex<Option<Target>>,
    /// Held by the running thread from `start()` until its target is done.
    tstate_lock: Lock,
    handle: Mutex<Option<JoinHandle<()>>>,
    excepthook: Option<ExceptHook>,
    probe: Option<Box<Probe>>,
}

/// `threading.Thread`: a cheap handle (clones refer to the same thread).
#[derive(Clone)]
pub struct Thread {
    inner: Arc<Inner>,
}

/// `Thread(name=..., daemon=...)`: collects the options, then
/// [`ThreadBuilder::build`] takes the target.
#[derive(Default)]
pub struct ThreadBuilder {
    name: Option<String>,
    daemon: Option<bool>,
    excepthook: Option<ExceptHook>,
    observer: Option<Arc<dyn Observer>>,
}

impl ThreadBuilder {
    /// `name=`: default "Thread-N".
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `daemon=`: default inherited from the creating thread (false for
    /// the main thread). See [`shutdown`].
    pub fn daemon(mut self, daemon: bool) -> Self {
        self.daemon = Some(daemon);
        self
    }

    /// A hook for this thread's panics only (a demo uses it to show an error
    /// panel), instead of the global one.
    pub fn excepthook(mut self, hook: impl Fn(&ExceptHookArgs) + Send + Sync + 'static) -> Self {
        self.excepthook = Some(Arc::new(hook));
        self
    }

    /// Reports Start / Exit / Panic / Blocked (join) / Joined for this thread,
    /// under its name.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// `Thread(target=target, ...)`: a thread ready to `start()`.
    pub fn build(self, target: impl FnOnce() + Send + 'static) -> Thread {
        let name: Arc<str> = self
            .name
            .unwrap_or_else(|| ident::new_name("Thread"))
            .into();
        let daemon = self.daemon.unwrap_or_else(|| current_thread().daemon());
        let probe = self
            .observer
            .and_then(|o| Probe::boxed(name.clone(), Kind::Thread, o));
        Thread {
            inner: Arc::new(Inner {
                name,
                daemon,
                flavor: Flavor::Regular,
                ident: OnceLock::new(),
                started: AtomicBool::new(false),
                target: Mutex::new(Some(Box::new(target))),
                tstate_lock: Lock::new(),
                handle: Mutex::new(None),
                excepthook: self.excepthook,
                probe,
            }),
        }
    }
}

impl Thread {
    /// `Thread(target=target)`.
    pub fn new(target: impl FnOnce() + Send + 'static) -> Thread {
        Thread::builder().build(target)
    }

    /// Options first: `Thread::builder().name("worker").daemon(true).build(f)`.
    pub fn builder() -> ThreadBuilder {
        ThreadBuilder::default()
    }

    /// `start()`: runs the target on a new OS thread. Error "threads can only
    /// be started once" (RuntimeError) the second time.
    pub fn start(&self) -> Result<(), ThreadError> {
        let inner = &self.inner;
        if inner.flavor != Flavor::Regular || inner.started.swap(true, Ordering::AcqRel) {
            return Err(ThreadError::StartedTwice);
        }
        let target = inner
            .target
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let ident = ident::new_ident();
        let _ = inner.ident.set(ident);
        // Taken on the new thread's behalf (a Lock has no owner), so the
        // thread is alive and joinable the moment start() returns.
        inner.tstate_lock.raw().try_lock();
        active().insert(ident, self.clone());
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name(inner.name.to_string())
            .spawn(move || me.bootstrap(ident, target));
        match spawned {
            Ok(h) => {
                *inner.handle.lock().unwrap_or_else(PoisonError::into_inner) = Some(h);
                Ok(())
            }
            Err(_) => {
                active().remove(&ident);
                inner.tstate_lock.raw().unlock();
                Err(ThreadError::CantStartThread)
            }
        }
    }

    /// `_bootstrap_inner`: runs on the new thread.
    fn bootstrap(self, ident: u64, target: Option<Target>) {
        let inner = &self.inner;
        ident::adopt(ident, inner.name.clone());
        CURRENT.with(|c| {
            *c.borrow_mut() = Some(Current {
                thread: self.clone(),
                dummy: false,
            })
        });
        emit(&inner.probe, Op::Start);
        let outcome = match target {
            Some(f) => catch_unwind(AssertUnwindSafe(f)),
            None => Ok(()),
        };
        match outcome {
            Ok(()) => emit(&inner.probe, Op::Exit),
            Err(payload) => {
                emit(&inner.probe, Op::Panic);
                let args = ExceptHookArgs {
                    thread_name: inner.name.clone(),
                    ident,
                    message: panic_message(payload.as_ref()),
                };
                self.report(&args);
            }
        }
        active().remove(&ident);
        CURRENT.with(|c| c.borrow_mut().take());
        inner.tstate_lock.raw().unlock();
    }

    fn report(&self, args: &ExceptHookArgs) {
        let global = EXCEPTHOOK
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let hook = self.inner.excepthook.clone().or(global);
        let res = catch_unwind(AssertUnwindSafe(|| match &hook {
            Some(h) => h(args),
            None => default_excepthook(args),
        }));
        if res.is_err() {
            // CPython falls back to the default hook when the hook fails.
            default_excepthook(args);
        }
    }

    /// `join()`: waits until the thread has finished. Errors: "cannot join
    /// thread before it is started", "cannot join current thread".
    pub fn join(&self) -> Result<(), ThreadError> {
        self.join_until(None).map(|_| ())
    }

    /// `join(timeout)`: `Ok(true)` if the thread finished within `timeout`
    /// (Python returns None; check `is_alive()` there).
    pub fn join_timeout(&self, timeout: Duration) -> Result<bool, ThreadError> {
        self.join_until(sync::deadline_after(timeout))
    }

    fn join_until(&self, deadline: Option<Instant>) -> Result<bool, ThreadError> {
        let inner = &self.inner;
        if !inner.started.load(Ordering::Acquire) {
            return Err(ThreadError::JoinBeforeStart);
        }
        if self.ident() == Some(get_ident()) {
            return Err(ThreadError::JoinCurrentThread);
        }
        if inner.flavor != Flavor::Regular {
            // Threads we did not start cannot be waited for.
            return Ok(false);
        }
        let blocked = inner.tstate_lock.locked();
        if blocked {
            emit(&inner.probe, Op::Blocked);
        }
        let got = inner.tstate_lock.acquire_until(deadline);
        if got {
            let _ = inner.tstate_lock.release();
            // Reap the OS thread too, so it is really gone when join returns.
            let h = inner
                .handle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            if let Some(h) = h {
                let _ = h.join();
            }
            emit(&inner.probe, Op::Joined);
        }
        Ok(got)
    }

    /// `is_alive()`: started and not yet finished.
    pub fn is_alive(&self) -> bool {
        let inner = &self.inner;
        match inner.flavor {
            Flavor::Regular => inner.started.load(Ordering::Acquire) && inner.tstate_lock.locked(),
            Flavor::Main | Flavor::Dummy => true,
        }
    }

    /// `name`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// `ident`: `None` before `start()`.
    pub fn ident(&self) -> Option<u64> {
        self.inner.ident.get().copied()
    }

    /// `daemon`.
    pub fn daemon(&self) -> bool {
        self.inner.daemon
    }

    /// Whether two handles refer to the same thread.
    pub fn same(&self, other: &Thread) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl PartialEq for Thread {
    fn eq(&self, other: &Thread) -> bool {
        self.same(other)
    }
}

impl Eq for Thread {}

impl fmt::Display for Thread {
    /// Python's repr: `<Thread(Thread-1, started daemon 42)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let class = match inner.flavor {
            Flavor::Regular => "Thread",
            Flavor::Main => "_MainThread",
            Flavor::Dummy => "_DummyThread",
        };
        let status = if !inner.started.load(Ordering::Acquire) {
            "initial"
        } else if self.is_alive() {
            "started"
        } else {
            "stopped"
        };
        write!(f, "<{class}({}, {status}", inner.name)?;
        if inner.daemon {
            f.write_str(" daemon")?;
        }
        if let Some(id) = self.ident() {
            write!(f, " {id}")?;
        }
        f.write_str(")>")
    }
}

impl fmt::Debug for Thread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_string()
    }
}

/// This OS thread's `Thread` handle; a foreign thread's is registered in
/// `ACTIVE` on first use and removed when the thread ends.
struct Current {
    thread: Thread,
    dummy: bool,
}

impl Drop for Current {
    fn drop(&mut self) {
        if self.dummy
            && let Some(id) = self.thread.ident()
        {
            active().remove(&id);
        }
    }
}

std::thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// `threading.current_thread()`. For a thread not started through
/// [`Thread`] this is a "dummy" (or "MainThread" for the main thread), named
/// after std's name for it when it has one, else "Dummy-N".
pub fn current_thread() -> Thread {
    if let Some(t) = CURRENT
        .try_with(|c| c.borrow().as_ref().map(|c| c.thread.clone()))
        .ok()
        .flatten()
    {
        return t;
    }
    let name = ident::current_name();
    let ident = get_ident();
    let flavor = if &*name == "MainThread" {
        Flavor::Main
    } else {
        Flavor::Dummy
    };
    let thread = Thread {
        inner: Arc::new(Inner {
            name,
            daemon: flavor == Flavor::Dummy,
            flavor,
            ident: OnceLock::from(ident),
            started: AtomicBool::new(true),
            target: Mutex::new(None),
            tstate_lock: Lock::new(),
            handle: Mutex::new(None),
            excepthook: None,
            probe: None,
        }),
    };
    // During thread teardown the slot may be gone: then stay unregistered.
    let stored = CURRENT.try_with(|c| {
        *c.borrow_mut() = Some(Current {
            thread: thread.clone(),
            dummy: true,
        })
    });
    if stored.is_ok() {
        active().insert(ident, thread.clone());
    }
    thread
}

/// `threading.active_count()`: threads alive now (the caller included).
pub fn active_count() -> usize {
    let _ = current_thread();
    active().len()
}

/// `threading.enumerate()`: the threads alive now (the caller included).
pub fn enumerate() -> Vec<Thread> {
    let _ = current_thread();
    active().values().cloned().collect()
}

/// `threading._shutdown()`: what Python does at exit — joins every
/// non-daemon thread started here. Call it at the end of `main` for Python's
/// "the program waits for its non-daemon threads" behaviour.
pub fn shutdown() {
    let me = get_ident();
    loop {
        let pending: Vec<Thread> = active()
            .values()
            .filter(|t| t.inner.flavor == Flavor::Regular && !t.daemon() && t.ident() != Some(me))
            .cloned()
            .collect();
        if pending.is_empty() {
            return;
        }
        for t in pending {
            let _ = t.join();
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::pythreading::observe::Recorder;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn start_join_is_alive() {
        let ran = Arc::new(AtomicUsize::new(0));
        let r2 = ran.clone();
        let gate = Arc::new(Lock::new());
        gate.acquire();
        let g2 = gate.clone();
        let t = Thread::new(move || {
            g2.acquire();
            r2.fetch_add(1, Ordering::SeqCst);
        });
        assert!(!t.is_alive());
        assert_eq!(t.ident(), None);
        assert_eq!(t.join(), Err(ThreadError::JoinBeforeStart));
        t.start().unwrap();
        assert!(t.is_alive());
        assert!(t.ident().is_some());
        assert_eq!(t.join_timeout(Duration::from_millis(20)), Ok(false));
        assert!(t.is_alive());
        gate.release().unwrap();
        t.join().unwrap();
        assert!(!t.is_alive());
        assert_eq!(ran.load(Ordering::SeqCst), 1);
        t.join().unwrap(); // joining again is fine
    }

    #[test]
    fn start_twice_is_runtime_error() {
        let t = Thread::new(|| {});
        t.start().unwrap();
        let e = t.start().unwrap_err();
        assert_eq!(e.to_string(), "threads can only be started once");
        assert_eq!(e.python_exception().name(), "RuntimeError");
        t.join().unwrap();
        assert_eq!(t.start(), Err(ThreadError::StartedTwice));
    }

    #[test]
    fn names_and_idents() {
        let t = Thread::new(|| {});
        assert!(t.name().starts_with("Thread-"), "{}", t.name());
        let t2 = Thread::new(|| {});
        assert_ne!(t.name(), t2.name());
        let seen = Arc::new(Mutex::new(None));
        let s2 = seen.clone();
        let named = Thread::builder()
            .name("worker")
            .daemon(true)
            .build(move || {
                let me = current_thread();
                *s2.lock().unwrap() = Some((me.name().to_string(), get_ident(), me.daemon()));
            });
        assert_eq!(named.name(), "worker");
        named.start().unwrap();
        named.join().unwrap();
        let (name, id, daemon) = seen.lock().unwrap().clone().unwrap();
        assert_eq!(name, "worker");
        assert_eq!(Some(id), named.ident());
        assert!(daemon);
    }

    #[test]
    fn join_current_thread_refused() {
        let out = Arc::new(Mutex::new(None));
        let o2 = out.clone();
        let t = Thread::new(move || {
            *o2.lock().unwrap() = Some(current_thread().join());
        });
        t.start().unwrap();
        t.join().unwrap();
        let e = out.lock().unwrap().take().unwrap().unwrap_err();
        assert_eq!(e.to_string(), "cannot join current thread");
    }

    #[test]
    fn registry_tracks_running_threads() {
        let gate = Arc::new(crate::pythreading::Event::new());
        let g2 = gate.clone();
        let t = Thread::new(move || {
            g2.wait();
        });
        t.start().unwrap();
        assert!(enumerate().iter().any(|x| x == &t));
        assert!(active_count() >= 2);
        gate.set();
        t.join().unwrap();
        assert!(!enumerate().iter().any(|x| x == &t));
        // The caller appears too.
        let me = current_thread();
        assert!(enumerate().contains(&me));
        assert_eq!(me.ident(), Some(get_ident()));
        assert!(current_thread().same(&me));
    }

    #[test]
    fn foreign_threads_are_dummies_and_unregister() {
        let (tx, rx) = std::sync::mpsc::channel();
        let h = std::thread::spawn(move || {
            let me = current_thread();
            tx.send((me.clone(), enumerate().contains(&me))).unwrap();
        });
        let (t, listed) = rx.recv().unwrap();
        h.join().unwrap();
        assert!(listed);
        assert!(t.name().starts_with("Dummy-"), "{}", t.name());
        assert!(t.to_string().starts_with("<_DummyThread(Dummy-"));
        // Its thread-local went away with it, and took the entry along.
        assert!(!enumerate().contains(&t));
    }

    #[test]
    fn panic_goes_to_excepthook_not_the_process() {
        let got = Arc::new(Mutex::new(None));
        let g2 = got.clone();
        let t = Thread::builder()
            .name("boom")
            .excepthook(move |a| *g2.lock().unwrap() = Some(a.clone()))
            .build(|| panic!("kaput"));
        t.start().unwrap();
        t.join().unwrap();
        let a = got.lock().unwrap().take().unwrap();
        assert_eq!(&*a.thread_name, "boom");
        assert_eq!(a.message, "kaput");
        assert_eq!(Some(a.ident), t.ident());
        assert!(!t.is_alive());
    }

    #[test]
    fn default_hook_survives_panics_with_any_payload() {
        let t = Thread::new(|| std::panic::panic_any(42u8));
        t.start().unwrap();
        t.join().unwrap();
        let t = Thread::builder()
            .excepthook(|_| panic!("the hook itself fails"))
            .build(|| panic!("{}", String::from("formatted")));
        t.start().unwrap();
        t.join().unwrap();
        assert!(!t.is_alive());
    }

    #[test]
    fn display_is_pythons_repr() {
        let t = Thread::builder().name("w").daemon(false).build(|| {});
        assert_eq!(t.to_string(), "<Thread(w, initial)>");
        t.start().unwrap();
        t.join().unwrap();
        let id = t.ident().unwrap();
        assert_eq!(t.to_string(), format!("<Thread(w, stopped {id})>"));
    }

    #[test]
    fn observer_sees_thread_lifecycle() {
        let rec = Recorder::new();
        let t = Thread::builder()
            .name("obs")
            .observer(rec.clone())
            .build(|| {});
        t.start().unwrap();
        t.join().unwrap();
        let ops: Vec<Op> = rec.events().iter().map(|e| e.op).collect();
        // The joiner may report Blocked before the thread reports Start.
        let pos = |op| ops.iter().position(|o| *o == op).unwrap();
        assert!(pos(Op::Start) < pos(Op::Exit));
        assert_eq!(ops.last(), Some(&Op::Joined));
        let start = rec
            .events()
            .into_iter()
            .find(|e| e.op == Op::Start)
            .unwrap();
        assert_eq!(&*start.thread, "obs");
        assert_eq!(Some(start.ident), t.ident());
    }

    #[test]
    fn shutdown_joins_non_daemon_threads() {
        let done = Arc::new(AtomicUsize::new(0));
        let ts: Vec<_> = (0..3)
            .map(|_| {
                let d = done.clone();
                let t = Thread::builder().daemon(false).build(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    d.fetch_add(1, Ordering::SeqCst);
                });
                t.start().unwrap();
                t
            })
            .collect();
        shutdown();
        assert_eq!(done.load(Ordering::SeqCst), 3);
        assert!(ts.iter().all(|t| !t.is_alive()));
    }
}
