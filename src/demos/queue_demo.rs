//! The `queue` demo: the deck's "Using Queue()". Thread 1 does some work
//! and puts it on queue2; Thread 2 takes it from queue2, does its own work
//! and puts the result on queue1, where Thread 1 picks it up. queue2 is
//! bounded (`maxsize`): when Thread 2 falls behind, Thread 1's
//! `put_nowait` raises Full and it falls back to a blocking `put`; Thread 1
//! collects results with `get_nowait`, which raises Empty when none is
//! ready.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Full, Queue};

use super::control::{Cancelled, Control};
use super::kit::{Crew, get_until, put_until, queue_observer, secs};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, Narrator, number};

/// The demo, for the registry.
pub static DEMO: QueueDemo = QueueDemo;

/// `queue`: two threads, two queues.
pub struct QueueDemo;

/// What the `queue` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "queue",
    title: "Using Queue(): two threads, two queues",
    about: "work goes out on a bounded queue and comes back on another: blocking put, Full and Empty",
    explain: "Thread 1 does its work and puts it on queue2; Thread 2 gets it, works on it and \
puts the result on queue1, where Thread 1 collects it — the deck's \"Using Queue()\" slide. \
The queues do both jobs at once: they protect the data (no lock in sight) and they \
synchronize the threads (a get() waits for an item).\n\n\
queue2 is bounded (maxsize). When Thread 2 is slower, queue2 fills up: Thread 1 first tries \
put_nowait(), which raises queue.Full (counted), then falls back to a blocking put() and \
waits until Thread 2 makes room — backpressure, watch its lane turn 'blocked'. After each \
put, Thread 1 collects finished results with get_nowait(), which raises queue.Empty when \
there are none yet (counted). \"Raises exception non-blocking\", as the deck says.\n\n\
queue1 is unbounded on purpose: if both directions were bounded, Thread 1 could block \
putting on a full queue2 while Thread 2 blocks putting on a full queue1, each waiting for \
the other to drain — a deadlock. The module was `Queue` in the deck's Python 2 \
(`Queue.Queue`); it is `queue` in Python 3. Since the deck, put() and get() gained \
timeouts (2.3), and task_done() and join() arrived (2.5).",
    params: &[
        ParamSpec {
            key: "items",
            help: "pieces of work Thread 1 sends",
            kind: ParamKind::Int {
                default: 40,
                min: 1,
                max: 1000,
            },
        },
        ParamSpec {
            key: "maxsize",
            help: "queue2's maxsize (work waiting for Thread 2)",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 20,
            },
        },
        ParamSpec {
            key: "work1_ms",
            help: "Thread 1's doWork() in milliseconds",
            kind: ParamKind::Int {
                default: 5,
                min: 0,
                max: 200,
            },
        },
        ParamSpec {
            key: "work2_ms",
            help: "Thread 2's doWork() in milliseconds",
            kind: ParamKind::Int {
                default: 15,
                min: 0,
                max: 200,
            },
        },
    ],
};

/// What Thread 1 counts.
#[derive(Default)]
struct Tally {
    full_errors: AtomicU64,
    empty_errors: AtomicU64,
    /// Blocking puts that actually had to wait.
    blocked_puts: AtomicU64,
    received: Mutex<Vec<u64>>,
    done: AtomicBool,
    /// Highest fill of queue2 seen by Thread 1 (full when put_nowait failed).
    max_fill: AtomicU64,
}

impl Tally {
    fn received(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Thread 2's work on item `i`.
fn work2(i: u64) -> u64 {
    i * i
}

/// Thread 1: `out = doWork(); queue2.put(out); ...; inbox = queue1.get()`.
fn thread1(
    items: u64,
    work: Duration,
    q1: &Queue<u64>,
    q2: &Queue<Option<u64>>,
    tally: &Tally,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    let sink = say.sink();
    // Collect whatever results are ready, without blocking.
    let collect = || -> Result<(), Cancelled> {
        loop {
            say.pace(false)?;
            match q1.get_nowait() {
                Ok(r) => {
                    let mut got = tally.received();
                    got.push(r);
                    sink.count("results back", got.len() as f64);
                    say.say(
                        format!("Thread-1: queue1.get_nowait() returned the result {r}"),
                        false,
                    );
                }
                Err(_empty) => {
                    let n = tally.empty_errors.fetch_add(1, Ordering::SeqCst) + 1;
                    sink.count("queue.Empty raised", n as f64);
                    say.say(
                        "Thread-1: queue1.get_nowait() raised queue.Empty: no result yet",
                        false,
                    );
                    return Ok(());
                }
            }
        }
    };
    collect()?; // nothing there yet: Empty
    for i in 0..items {
        control.sleep(work)?; // out = self.doWork()
        control.checkpoint()?;
        say.pace(false)?;
        match q2.put_nowait(Some(i)) {
            Ok(()) => {
                let fill = q2.qsize();
                tally.max_fill.fetch_max(fill as u64, Ordering::SeqCst);
                say.say(
                    format!(
                        "Thread-1: queue2.put_nowait({i}): now {fill} of {} waiting",
                        q2.maxsize()
                    ),
                    false,
                );
            }
            Err(Full(item)) => {
                tally
                    .max_fill
                    .fetch_max(q2.maxsize() as u64, Ordering::SeqCst);
                let n = tally.full_errors.fetch_add(1, Ordering::SeqCst) + 1;
                sink.count("queue.Full raised", n as f64);
                say.say(
                    format!(
                        "Thread-1: queue2.put_nowait({i}) raised queue.Full: {} of {} waiting",
                        q2.maxsize(),
                        q2.maxsize()
                    ),
                    false,
                );
                // Now block until there is room.
                tally.blocked_puts.fetch_add(1, Ordering::SeqCst);
                put_until(q2, item, control)?;
                say.key_step(format!(
                    "Thread-1: the blocking queue2.put({i}) waited until Thread-2 made room: backpressure"
                ))?;
            }
        }
        sink.count("work sent", (i + 1) as f64);
        collect()?;
    }
    put_until(q2, None, control)?; // "no more work"
    say.step("Thread-1: queue2.put(None): no more work")?;
    // The rest of the results: self.inbox = queue1.get()
    while (tally.received().len() as u64) < items {
        let r = get_until(q1, control)?;
        let n = {
            let mut got = tally.received();
            got.push(r);
            sink.count("results back", got.len() as f64);
            got.len()
        };
        say.step(format!(
            "Thread-1: queue1.get() returned the result {r} ({n} of {items} back)"
        ))?;
    }
    Ok(())
}

/// Thread 2: `inbox = queue2.get(); out = doWork(); queue1.put(out)`.
fn thread2(
    work: Duration,
    q1: &Queue<u64>,
    q2: &Queue<Option<u64>>,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    while let Some(i) = get_until(q2, control)? {
        say.step(format!("Thread-2: queue2.get() returned {i}"))?;
        control.sleep(work)?;
        put_until(q1, work2(i), control)?;
        say.step(format!("Thread-2: queue1.put({})", work2(i)))?;
    }
    say.step("Thread-2: queue2.get() returned None: done")?;
    Ok(())
}

/// The summary in words.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let u = |k: &str| s[k].as_u64().unwrap_or(0);
    vec![
        (
            "results back".into(),
            format!(
                "{} of {} items, {}",
                u("items"),
                s["params"]["items"].as_u64().unwrap_or(u("items")),
                if s["in_order"].as_bool() == Some(true) {
                    "all correct, in order"
                } else {
                    "NOT as sent"
                }
            ),
        ),
        (
            "queue.Full".into(),
            format!(
                "put_nowait() raised it {} times; {} blocking put() calls waited for room",
                u("full_errors"),
                u("blocked_puts")
            ),
        ),
        (
            "queue.Empty".into(),
            format!("get_nowait() raised it {} times", u("empty_errors")),
        ),
        (
            "queue2".into(),
            format!("held at most {} of maxsize {}", u("max_fill"), u("maxsize")),
        ),
        (
            "wall time".into(),
            format!(
                "{} s{}",
                number(s["wall_s"].as_f64().unwrap_or(0.0)),
                if s["paced"].as_bool() == Some(true) {
                    " (slowed down to be watched)"
                } else {
                    ""
                }
            ),
        ),
    ]
}

impl Demo for QueueDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let items = ctx.params.int("items").max(1) as u64;
        let maxsize = ctx.params.usize("maxsize").max(1);
        let w1 = Duration::from_millis(ctx.params.int("work1_ms").max(0) as u64);
        let w2 = Duration::from_millis(ctx.params.int("work2_ms").max(0) as u64);
        let sink = ctx.sink();
        let q2 = Arc::new(
            Queue::<Option<u64>>::new(maxsize)
                .observed("queue2", queue_observer(sink.clone(), maxsize as f64)),
        );
        let q1 =
            Arc::new(Queue::<u64>::new(0).observed("queue1", queue_observer(sink.clone(), 0.0)));
        let tally = Arc::new(Tally::default());
        ctx.phase("Thread 1 → queue2 (bounded) → Thread 2 → queue1 → Thread 1");
        ctx.log(format!(
            "{items} items; queue2 maxsize {maxsize}; Thread 1 works {} ms, Thread 2 {} ms per item",
            w1.as_millis(),
            w2.as_millis()
        ));
        ctx.step(format!(
            "Thread-1 and Thread-2 start; queue2 holds at most {maxsize}, queue1 is unbounded"
        ))?;
        let start = Instant::now();
        let mut crew = Crew::new(ctx);
        {
            let (q1, q2, tally, control, say) = (
                Arc::clone(&q1),
                Arc::clone(&q2),
                Arc::clone(&tally),
                Arc::clone(&ctx.control),
                ctx.narrator(),
            );
            crew.spawn("Thread-1", move || {
                if thread1(items, w1, &q1, &q2, &tally, &control, &say).is_ok() {
                    tally.done.store(true, Ordering::SeqCst);
                }
            })?;
        }
        {
            let (q1, q2, control, say) = (
                Arc::clone(&q1),
                Arc::clone(&q2),
                Arc::clone(&ctx.control),
                ctx.narrator(),
            );
            crew.spawn("Thread-2", move || {
                let _ = thread2(w2, &q1, &q2, &control, &say);
            })?;
        }
        while crew.alive() > 0 {
            ctx.sleep(Duration::from_millis(10))?;
        }
        crew.join_all();
        let wall = start.elapsed();
        // The final sizes, after every thread: updates sent from two
        // threads can arrive out of order, so the last word is this one.
        ctx.count("queue1", q1.qsize() as f64);
        ctx.gauge("queue2", q2.qsize() as f64, maxsize as f64);
        if !tally.done.load(Ordering::SeqCst) {
            return Err(DemoFailure::Failed("Thread 1 did not finish".into()));
        }
        let got = tally.received().clone();
        let in_order = got.iter().copied().eq((0..items).map(work2));
        let full = tally.full_errors.load(Ordering::SeqCst);
        let empty = tally.empty_errors.load(Ordering::SeqCst);
        ctx.log(format!(
            "{} results back ({}); put_nowait raised Full {full} times, get_nowait raised Empty {empty} times",
            got.len(),
            if in_order {
                "all correct, in order"
            } else {
                "NOT as sent"
            }
        ));
        let mut m = Map::new();
        m.insert("items".into(), json!(got.len()));
        m.insert("full_errors".into(), json!(full));
        m.insert("empty_errors".into(), json!(empty));
        m.insert(
            "blocked_puts".into(),
            json!(tally.blocked_puts.load(Ordering::SeqCst)),
        );
        m.insert("maxsize".into(), json!(maxsize));
        m.insert(
            "max_fill".into(),
            json!(tally.max_fill.load(Ordering::SeqCst)),
        );
        m.insert("in_order".into(), json!(in_order));
        m.insert("wall_s".into(), json!(secs(wall)));
        m.insert("paced".into(), json!(ctx.is_paced()));
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_in_words() {
        let rows = super::describe(
            &serde_json::json!({"items": 40, "full_errors": 36, "empty_errors": 41, "blocked_puts": 36,
            "maxsize": 2, "max_fill": 2, "in_order": true, "wall_s": 0.63, "paced": false,
            "params": {"items": 40}}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.contains(&"40 of 40 items, all correct, in order"),
            "{values:?}"
        );
        assert!(
            values.contains(
                &"put_nowait() raised it 36 times; 36 blocking put() calls waited for room"
            ),
            "{values:?}"
        );
    }
}
