//! Property tests: random single-threaded sequences of queue and semaphore
//! operations against a plain model of what Python does (a deque, a stack,
//! a sorted heap; a counter).

use proptest::prelude::*;
use std::collections::VecDeque;
use threadtutor::pythreading::{
    BoundedSemaphore, Empty, LifoQueue, PriorityQueue, Queue, Semaphore, ThreadError,
};

#[derive(Debug, Clone)]
enum QOp {
    Put(u8),
    Get,
    TaskDone,
}

fn qop() -> impl Strategy<Value = QOp> {
    prop_oneof![
        any::<u8>().prop_map(QOp::Put),
        Just(QOp::Get),
        Just(QOp::TaskDone)
    ]
}

/// The model: items in Python's order of retrieval, plus unfinished_tasks.
#[derive(Default)]
struct Model {
    items: VecDeque<u8>,
    unfinished: usize,
}

#[derive(Clone, Copy)]
enum Order {
    Fifo,
    Lifo,
    Priority,
}

impl Model {
    fn take(&mut self, order: Order) -> Option<u8> {
        match order {
            Order::Fifo => self.items.pop_front(),
            Order::Lifo => self.items.pop_back(),
            Order::Priority => {
                let (i, _) = self.items.iter().enumerate().min_by_key(|(_, v)| **v)?;
                self.items.remove(i)
            }
        }
    }
}

macro_rules! check_queue {
    ($q:expr, $order:expr, $maxsize:expr, $ops:expr) => {{
        let q = $q;
        let mut m = Model::default();
        for op in $ops {
            match op {
                QOp::Put(x) => {
                    let r = q.put_nowait(x);
                    if $maxsize > 0 && m.items.len() >= $maxsize {
                        prop_assert_eq!(r.map_err(|f| f.into_inner()), Err(x));
                    } else {
                        prop_assert!(r.is_ok());
                        m.items.push_back(x);
                        m.unfinished += 1;
                    }
                }
                QOp::Get => {
                    let expected = m.take($order).ok_or(Empty);
                    prop_assert_eq!(q.get_nowait(), expected);
                }
                QOp::TaskDone => {
                    let r = q.task_done();
                    if m.unfinished == 0 {
                        prop_assert_eq!(r, Err(ThreadError::TaskDoneTooManyTimes));
                    } else {
                        prop_assert!(r.is_ok());
                        m.unfinished -= 1;
                    }
                }
            }
            prop_assert_eq!(q.qsize(), m.items.len());
            prop_assert_eq!(q.empty(), m.items.is_empty());
            prop_assert_eq!(q.full(), $maxsize > 0 && m.items.len() >= $maxsize);
            prop_assert_eq!(q.unfinished_tasks(), m.unfinished);
        }
    }};
}

proptest! {
    #[test]
    fn fifo_queue_matches_model(maxsize in 0usize..4, ops in prop::collection::vec(qop(), 0..60)) {
        check_queue!(Queue::new(maxsize), Order::Fifo, maxsize, ops);
    }

    #[test]
    fn lifo_queue_matches_model(maxsize in 0usize..4, ops in prop::collection::vec(qop(), 0..60)) {
        check_queue!(LifoQueue::new(maxsize), Order::Lifo, maxsize, ops);
    }

    #[test]
    fn priority_queue_matches_model(maxsize in 0usize..4, ops in prop::collection::vec(qop(), 0..60)) {
        check_queue!(PriorityQueue::new(maxsize), Order::Priority, maxsize, ops);
    }

    #[test]
    fn semaphores_match_a_counter(initial in 0usize..4, ops in prop::collection::vec(0u8..3, 0..60)) {
        let s = Semaphore::new(initial);
        let b = BoundedSemaphore::new(initial);
        let (mut v, mut bv) = (initial, initial);
        for op in ops {
            match op {
                0 => {
                    prop_assert_eq!(s.try_acquire(), v > 0);
                    v = v.saturating_sub(1);
                    prop_assert_eq!(b.try_acquire(), bv > 0);
                    bv = bv.saturating_sub(1);
                }
                1 => {
                    prop_assert!(s.release().is_ok());
                    v += 1;
                    let r = b.release();
                    if bv < initial {
                        prop_assert!(r.is_ok());
                        bv += 1;
                    } else {
                        prop_assert_eq!(r, Err(ThreadError::SemaphoreReleasedTooManyTimes));
                    }
                }
                _ => {
                    prop_assert!(s.release_n(2).is_ok());
                    v += 2;
                    let r = b.release_n(2);
                    if bv + 2 <= initial {
                        prop_assert!(r.is_ok());
                        bv += 2;
                    } else {
                        prop_assert!(r.is_err());
                    }
                }
            }
            prop_assert_eq!(s.value(), v);
            prop_assert_eq!(b.value(), bv);
        }
    }
}
