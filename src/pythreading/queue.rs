//! `queue.Queue`, `queue.LifoQueue` and `queue.PriorityQueue`, built as
//! CPython builds them: one mutex around the items and `unfinished_tasks`,
//! and three conditions on that mutex — `not_empty` (getters wait on it),
//! `not_full` (putters wait on it) and `all_tasks_done` (`join` waits on it).
//! The three kinds differ only in the container (`_put`/`_get`): a deque, a
//! stack, a min-heap.
//!
//! Two speed-ups that change no behaviour: the state counts the threads
//! waiting on each condition so nobody signals a condition no-one waits on,
//! and a blocked put/get spins briefly (watching an atomic copy of the size)
//! before parking, so a hand-off between two running threads needs no
//! futex wake-up.

use super::error::{Empty, Full, ThreadError};
use super::observe::{Kind, Observer, Op, Probe, emit, emit_err};
use super::sync::{self, AtomicUsize, Condvar, Mutex, MutexGuard, Ordering};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A queue's container: what `_put`, `_get` and `_qsize` do in CPython.
pub trait Store: Send {
    /// The element type.
    type Item;
    /// An empty container.
    fn new_store() -> Self;
    /// `_put(item)`.
    fn put(&mut self, item: Self::Item);
    /// `_get()`, `None` when empty.
    fn get(&mut self) -> Option<Self::Item>;
    /// `_qsize()`.
    fn len(&self) -> usize;
    /// `_qsize() == 0`.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out (a deque): `queue.Queue`.
pub struct Fifo<T>(VecDeque<T>);
/// Last in, first out (a list used as a stack): `queue.LifoQueue`.
pub struct Lifo<T>(Vec<T>);
/// Smallest first (a heap): `queue.PriorityQueue`.
pub struct Priority<T>(BinaryHeap<Reverse<T>>);

impl<T: Send> Store for Fifo<T> {
    type Item = T;
    fn new_store() -> Self {
        Fifo(VecDeque::new())
    }
    fn put(&mut self, item: T) {
        self.0.push_back(item)
    }
    fn get(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Send> Store for Lifo<T> {
    type Item = T;
    fn new_store() -> Self {
        Lifo(Vec::new())
    }
    fn put(&mut self, item: T) {
        self.0.push(item)
    }
    fn get(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Send + Ord> Store for Priority<T> {
    type Item = T;
    fn new_store() -> Self {
        Priority(BinaryHeap::new())
    }
    fn put(&mut self, item: T) {
        self.0.push(Reverse(item))
    }
    fn get(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(x)| x)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// `queue.Queue(maxsize)`: FIFO.
pub type Queue<T> = BaseQueue<Fifo<T>>;
/// `queue.LifoQueue(maxsize)`: last in, first out.
pub type LifoQueue<T> = BaseQueue<Lifo<T>>;
/// `queue.PriorityQueue(maxsize)`: smallest item first.
pub type PriorityQueue<T> = BaseQueue<Priority<T>>;

/// Everything the mutex guards.
struct State<S> {
    items: S,
    unfinished_tasks: usize,
    /// Threads waiting on `not_empty` / `not_full` / `all_tasks_done`.
    getters: usize,
    putters: usize,
    joiners: usize,
}

/// The queue shared by the three kinds; use the aliases [`Queue`],
/// [`LifoQueue`] and [`PriorityQueue`]. Share it with `Arc`.
pub struct BaseQueue<S: Store> {
    maxsize: usize,
    mutex: Mutex<State<S>>,
    not_empty: Condvar,
    not_full: Condvar,
    all_tasks_done: Condvar,
    /// A copy of the size, written under the mutex, read by spinners only.
    len_hint: AtomicUsize,
    probe: Option<Box<Probe>>,
}

enum Block {
    No,
    Until(Option<Instant>),
}

impl<S: Store> BaseQueue<S> {
    /// `Queue(maxsize)`; `0` means unbounded.
    pub fn new(maxsize: usize) -> Self {
        BaseQueue {
            maxsize,
            mutex: Mutex::new(State {
                items: S::new_store(),
                unfinished_tasks: 0,
                getters: 0,
                putters: 0,
                joiners: 0,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
            len_hint: AtomicUsize::new(0),
            probe: None,
        }
    }

    /// A new queue reporting each put / get / task_done to `observer`.
    pub fn with_observer(
        maxsize: usize,
        name: impl Into<Arc<str>>,
        observer: Arc<dyn Observer>,
    ) -> Self {
        BaseQueue::new(maxsize).observed(name, observer)
    }

    /// Attaches an observer (builder style).
    pub fn observed(mut self, name: impl Into<Arc<str>>, observer: Arc<dyn Observer>) -> Self {
        self.probe = Probe::boxed(name, Kind::Queue, observer);
        self
    }

    /// `maxsize`.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    #[inline]
    fn is_full(&self, st: &State<S>) -> bool {
        self.maxsize > 0 && st.items.len() >= self.maxsize
    }

    /// `put(item)`: blocks while the queue is full.
    pub fn put(&self, item: S::Item) {
        if self.put_impl(item, Block::Until(None)).is_err() {
            unreachable!("a put without timeout never gives up");
        }
    }

    /// `put(item, timeout=t)`: `Full` (with the item) if no room came in `t`.
    pub fn put_timeout(&self, item: S::Item, timeout: Duration) -> Result<(), Full<S::Item>> {
        self.put_impl(item, Block::Until(sync::deadline_after(timeout)))
    }

    /// `put_nowait(item)` / `put(item, block=False)`.
    pub fn put_nowait(&self, item: S::Item) -> Result<(), Full<S::Item>> {
        self.put_impl(item, Block::No)
    }

    fn put_impl(&self, item: S::Item, block: Block) -> Result<(), Full<S::Item>> {
        let mut st = sync::lock(&self.mutex);
        if self.is_full(&st) {
            let deadline = match block {
                Block::No => {
                    drop(st);
                    emit(&self.probe, Op::Full);
                    return Err(Full(item));
                }
                Block::Until(d) => d,
            };
            drop(st);
            sync::spin_until(|| self.len_hint.load(Ordering::Relaxed) < self.maxsize);
            st = sync::lock(&self.mutex);
            if self.is_full(&st) {
                emit(&self.probe, Op::Blocked);
            }
            while self.is_full(&st) {
                st.putters += 1;
                let timed_out;
                (st, timed_out) = wait_on(&self.not_full, st, deadline);
                st.putters -= 1;
                if timed_out && self.is_full(&st) {
                    drop(st);
                    emit(&self.probe, Op::Full);
                    return Err(Full(item));
                }
            }
        }
        st.items.put(item);
        st.unfinished_tasks += 1;
        let qsize = st.items.len();
        self.len_hint.store(qsize, Ordering::Relaxed);
        let wake = st.getters > 0;
        drop(st);
        if wake {
            self.not_empty.notify_one();
        }
        emit(&self.probe, Op::Put { qsize });
        Ok(())
    }

    /// `get()`: blocks while the queue is empty.
    pub fn get(&self) -> S::Item {
        match self.get_impl(Block::Until(None)) {
            Ok(x) => x,
            Err(Empty) => unreachable!("a get without timeout never gives up"),
        }
    }

    /// `get(timeout=t)`: `Empty` if nothing came in `t`.
    pub fn get_timeout(&self, timeout: Duration) -> Result<S::Item, Empty> {
        self.get_impl(Block::Until(sync::deadline_after(timeout)))
    }

    /// `get_nowait()` / `get(block=False)`.
    pub fn get_nowait(&self) -> Result<S::Item, Empty> {
        self.get_impl(Block::No)
    }

    fn get_impl(&self, block: Block) -> Result<S::Item, Empty> {
        let mut st = sync::lock(&self.mutex);
        if st.items.is_empty() {
            let deadline = match block {
                Block::No => {
                    drop(st);
                    emit(&self.probe, Op::Empty);
                    return Err(Empty);
                }
                Block::Until(d) => d,
            };
            drop(st);
            sync::spin_until(|| self.len_hint.load(Ordering::Relaxed) > 0);
            st = sync::lock(&self.mutex);
            if st.items.is_empty() {
                emit(&self.probe, Op::Blocked);
            }
            while st.items.is_empty() {
                st.getters += 1;
                let timed_out;
                (st, timed_out) = wait_on(&self.not_empty, st, deadline);
                st.getters -= 1;
                if timed_out && st.items.is_empty() {
                    drop(st);
                    emit(&self.probe, Op::Empty);
                    return Err(Empty);
                }
            }
        }
        let item = st.items.get().expect("checked non-empty under the mutex");
        let qsize = st.items.len();
        self.len_hint.store(qsize, Ordering::Relaxed);
        let wake = st.putters > 0;
        drop(st);
        if wake {
            self.not_full.notify_one();
        }
        emit(&self.probe, Op::Get { qsize });
        Ok(item)
    }

    /// `task_done()`: one fetched item is finished; when none is left
    /// unfinished, `join()` returns. Error "task_done() called too many
    /// times" (ValueError) if called more often than items were put.
    pub fn task_done(&self) -> Result<(), ThreadError> {
        let mut st = sync::lock(&self.mutex);
        if st.unfinished_tasks == 0 {
            drop(st);
            return emit_err(&self.probe, Err(ThreadError::TaskDoneTooManyTimes));
        }
        st.unfinished_tasks -= 1;
        let unfinished = st.unfinished_tasks;
        if unfinished == 0 && st.joiners > 0 {
            self.all_tasks_done.notify_all();
        }
        drop(st);
        emit(&self.probe, Op::TaskDone { unfinished });
        Ok(())
    }

    /// `join()`: blocks until every item ever put has had its `task_done`.
    pub fn join(&self) {
        self.join_until(None);
    }

    /// `join()` with a time limit (not in Python; handy for watchdogs):
    /// true if all tasks were done within `timeout`.
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        self.join_until(sync::deadline_after(timeout))
    }

    fn join_until(&self, deadline: Option<Instant>) -> bool {
        let mut st = sync::lock(&self.mutex);
        if st.unfinished_tasks > 0 {
            emit(&self.probe, Op::Blocked);
        }
        while st.unfinished_tasks > 0 {
            st.joiners += 1;
            let timed_out;
            (st, timed_out) = wait_on(&self.all_tasks_done, st, deadline);
            st.joiners -= 1;
            if timed_out && st.unfinished_tasks > 0 {
                return false;
            }
        }
        drop(st);
        emit(&self.probe, Op::Joined);
        true
    }

    /// `qsize()`: items in the queue now.
    pub fn qsize(&self) -> usize {
        sync::lock(&self.mutex).items.len()
    }

    /// `empty()`.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// `full()`: `0 < maxsize <= qsize()`.
    pub fn full(&self) -> bool {
        let st = sync::lock(&self.mutex);
        self.is_full(&st)
    }

    /// `unfinished_tasks`: put but not yet `task_done`.
    pub fn unfinished_tasks(&self) -> usize {
        sync::lock(&self.mutex).unfinished_tasks
    }
}

/// One wait on a condition, with or without a deadline.
fn wait_on<'a, T>(
    cv: &Condvar,
    g: MutexGuard<'a, T>,
    deadline: Option<Instant>,
) -> (MutexGuard<'a, T>, bool) {
    match deadline {
        None => (sync::wait(cv, g), false),
        Some(d) => sync::wait_until(cv, g, d),
    }
}

impl<S: Store> fmt::Debug for BaseQueue<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = sync::lock(&self.mutex);
        f.debug_struct("Queue")
            .field("maxsize", &self.maxsize)
            .field("qsize", &st.items.len())
            .field("unfinished_tasks", &st.unfinished_tasks)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::pythreading::observe::Recorder;
    use std::collections::HashSet;
    use std::sync::atomic::AtomicBool;
    use std::thread;

    #[test]
    fn fifo_lifo_priority_order() {
        let q = Queue::new(0);
        let l = LifoQueue::new(0);
        let p = PriorityQueue::new(0);
        for x in [3, 1, 4, 1, 5, 9, 2, 6] {
            q.put(x);
            l.put(x);
            p.put(x);
        }
        let drain = |f: &dyn Fn() -> Result<i32, Empty>| {
            let mut v = Vec::new();
            while let Ok(x) = f() {
                v.push(x);
            }
            v
        };
        assert_eq!(drain(&|| q.get_nowait()), vec![3, 1, 4, 1, 5, 9, 2, 6]);
        assert_eq!(drain(&|| l.get_nowait()), vec![6, 2, 9, 5, 1, 4, 1, 3]);
        assert_eq!(drain(&|| p.get_nowait()), vec![1, 1, 2, 3, 4, 5, 6, 9]);
    }

    #[test]
    fn priority_tuples_like_python() {
        let p = PriorityQueue::new(0);
        p.put((2, "b"));
        p.put((1, "z"));
        p.put((1, "a"));
        assert_eq!(p.get(), (1, "a"));
        assert_eq!(p.get(), (1, "z"));
        assert_eq!(p.get(), (2, "b"));
    }

    #[test]
    fn nowait_full_and_empty() {
        let q = Queue::new(2);
        assert!(q.empty());
        assert_eq!(q.get_nowait(), Err(Empty));
        q.put_nowait("a").unwrap();
        q.put_nowait("b").unwrap();
        assert!(q.full());
        let Full(back) = q.put_nowait("c").unwrap_err();
        assert_eq!(back, "c");
        assert_eq!(q.qsize(), 2);
        assert_eq!(q.get(), "a");
        assert!(!q.full());
        assert_eq!(q.maxsize(), 2);
    }

    #[test]
    fn unbounded_is_never_full() {
        let q = Queue::new(0);
        for i in 0..10_000 {
            q.put_nowait(i).unwrap();
        }
        assert!(!q.full());
        assert_eq!(q.qsize(), 10_000);
    }

    #[test]
    fn timeouts_lower_bound() {
        let q: Queue<i32> = Queue::new(1);
        let t0 = Instant::now();
        assert_eq!(q.get_timeout(Duration::from_millis(40)), Err(Empty));
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(40), "{took:?}");
        assert!(took < Duration::from_secs(5));
        q.put(1);
        let t0 = Instant::now();
        assert_eq!(
            q.put_timeout(2, Duration::from_millis(40)).unwrap_err().0,
            2
        );
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(40), "{took:?}");
        assert!(took < Duration::from_secs(5));
    }

    #[test]
    fn blocking_put_waits_for_room() {
        let q = Arc::new(Queue::new(1));
        q.put(1);
        let done = Arc::new(AtomicBool::new(false));
        let (q2, d2) = (q.clone(), done.clone());
        let h = thread::spawn(move || {
            q2.put(2);
            d2.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        thread::sleep(Duration::from_millis(30));
        assert!(!done.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(q.get(), 1);
        h.join().unwrap();
        assert_eq!(q.get(), 2);
    }

    #[test]
    fn blocking_get_waits_for_item() {
        let q = Arc::new(Queue::new(0));
        let q2 = q.clone();
        let h = thread::spawn(move || q2.get_timeout(Duration::from_secs(10)));
        thread::sleep(Duration::from_millis(20));
        q.put(7);
        assert_eq!(h.join().unwrap(), Ok(7));
    }

    #[test]
    fn task_done_too_many_times() {
        let q = Queue::new(0);
        let e = q.task_done().unwrap_err();
        assert_eq!(e.to_string(), "task_done() called too many times");
        assert_eq!(e.python_exception().name(), "ValueError");
        q.put(1);
        assert_eq!(q.unfinished_tasks(), 1);
        q.get();
        q.task_done().unwrap();
        assert!(q.task_done().is_err());
        q.join(); // nothing unfinished: returns at once
    }

    #[test]
    fn join_waits_for_every_task_done() {
        let q = Arc::new(Queue::new(0));
        for i in 0..3 {
            q.put(i);
        }
        assert!(!q.join_timeout(Duration::from_millis(20)));
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (q2, d2) = (q.clone(), done.clone());
        let worker = thread::spawn(move || {
            for _ in 0..3 {
                q2.get();
                thread::sleep(Duration::from_millis(5));
                d2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                q2.task_done().unwrap();
            }
        });
        q.join();
        // join returned: every task_done must be in.
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 3);
        assert_eq!(q.unfinished_tasks(), 0);
        worker.join().unwrap();
    }

    fn stress<S: Store<Item = u64> + 'static>(
        q: Arc<BaseQueue<S>>,
        producers: u64,
        consumers: usize,
    ) {
        let per = 2_000u64;
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let done_count = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let cons: Vec<_> = (0..consumers)
            .map(|_| {
                let (q, seen, dc) = (q.clone(), seen.clone(), done_count.clone());
                thread::spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let x = q.get();
                        if x == u64::MAX {
                            q.task_done().unwrap();
                            break;
                        }
                        mine.push(x);
                        dc.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        q.task_done().unwrap();
                    }
                    seen.lock().unwrap().extend(mine);
                })
            })
            .collect();
        let prods: Vec<_> = (0..producers)
            .map(|p| {
                let q = q.clone();
                thread::spawn(move || {
                    for i in 0..per {
                        let item = p * per + i;
                        if i % 7 == 0 {
                            let mut it = item;
                            loop {
                                match q.put_timeout(it, Duration::from_micros(100)) {
                                    Ok(()) => break,
                                    Err(Full(back)) => it = back,
                                }
                            }
                        } else {
                            q.put(item);
                        }
                    }
                })
            })
            .collect();
        for p in prods {
            p.join().unwrap();
        }
        q.join();
        // join returned exactly when every task_done was in.
        assert_eq!(
            done_count.load(std::sync::atomic::Ordering::SeqCst),
            producers * per
        );
        for _ in 0..consumers {
            q.put(u64::MAX);
        }
        for c in cons {
            c.join().unwrap();
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len() as u64, producers * per, "lost or duplicated");
        let set: HashSet<_> = seen.iter().copied().collect();
        assert_eq!(set.len() as u64, producers * per, "duplicated");
        assert!(set.iter().all(|x| *x < producers * per));
        assert!(q.empty());
    }

    #[test]
    fn stress_fifo_many_producers_consumers() {
        stress(Arc::new(Queue::new(8)), 4, 4);
        stress(Arc::new(Queue::new(1)), 3, 2);
        stress(Arc::new(Queue::new(0)), 2, 3);
    }

    #[test]
    fn stress_lifo_and_priority() {
        stress(Arc::new(LifoQueue::new(4)), 3, 3);
        stress(Arc::new(PriorityQueue::new(4)), 3, 3);
    }

    #[test]
    fn fifo_order_per_producer_under_concurrency() {
        // One consumer sees each producer's items in the order they were put.
        let q = Arc::new(Queue::new(3));
        let prods: Vec<_> = (0..3u64)
            .map(|p| {
                let q = q.clone();
                thread::spawn(move || {
                    for i in 0..2_000u64 {
                        q.put((p, i));
                    }
                })
            })
            .collect();
        let mut last = [None::<u64>; 3];
        for _ in 0..6_000 {
            let (p, i) = q.get();
            if let Some(prev) = last[p as usize] {
                assert!(i > prev, "producer {p}: {i} after {prev}");
            }
            last[p as usize] = Some(i);
        }
        for p in prods {
            p.join().unwrap();
        }
    }

    #[test]
    fn observer_sees_queue_ops() {
        let rec = Recorder::new();
        let q = Queue::with_observer(1, "Q", rec.clone());
        q.put(1);
        assert!(q.put_nowait(2).is_err());
        q.get();
        assert!(q.get_nowait().is_err());
        q.task_done().unwrap();
        assert!(q.task_done().is_err());
        q.join();
        let ops: Vec<Op> = rec.events().iter().map(|e| e.op).collect();
        assert_eq!(
            ops,
            vec![
                Op::Put { qsize: 1 },
                Op::Full,
                Op::Get { qsize: 0 },
                Op::Empty,
                Op::TaskDone { unfinished: 0 },
                Op::Error(ThreadError::TaskDoneTooManyTimes),
                Op::Joined
            ]
        );
        assert!(
            rec.events()
                .iter()
                .all(|e| e.kind == Kind::Queue && &*e.object == "Q")
        );
    }
}
