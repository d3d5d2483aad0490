//! The `condition` demo: "Using Condition()" and the deck's advice "Avoid
//! timeout — creates polling loop, so inefficient". One producer feeds two
//! buffers with the same items. Consumers of the first wait on its
//! Condition and are woken by `notify()`; consumers of the second wait with
//! a timeout that nobody cuts short — a polling loop. Both get every item;
//! the summary counts how often each kind woke up, how much CPU it burnt and
//! how long an item sat before anyone noticed it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Condition, Lock};

use super::control::Control;
use super::event::LaneState;
use super::kit::{Crew, condition_lane_observer, ms, secs, thread_cpu};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, EventSink, Narrator};

/// The demo, for the registry.
pub static DEMO: ConditionDemo = ConditionDemo;

/// `condition`: wait/notify against a polling loop.
pub struct ConditionDemo;

/// What the `condition` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "condition",
    title: "Condition(): wait/notify against polling with a timeout",
    about: "consumers woken by notify() against consumers polling with wait(timeout): wake-ups, CPU, delay",
    explain: "One producer puts the same items into two buffers, each a list guarded by a \
Condition. The 'waiter' threads do what the deck's \"Using Condition()\" slide shows: \
acquire, and while the list is empty, wait(); the producer appends and calls notify(), \
which wakes one waiter. The 'poller' threads wait with a timeout and nobody notifies them: \
each wakes every poll_ms, looks, and mostly finds nothing.\n\n\
Compare the wake-up counts: a waiter wakes about once per item, a poller once per \
timeout whether or not there is work — \"Avoid timeout: creates polling loop, so \
inefficient\". The pollers also burn more CPU, and an item waits up to poll_ms before a \
poller notices it, while a notified waiter takes it at once.\n\n\
Always wait in a loop that re-checks the list: another consumer may have taken the item \
first (a 'wasted' wake-up). Python today: `with cond:` and `cond.wait_for(lambda: items)`; \
notifyAll() is notify_all() (the alias is deprecated since 3.10), and wait() returns \
False on a timeout (since 3.2).",
    params: &[
        ParamSpec {
            key: "consumers",
            help: "consumer threads of each kind (waiters and pollers)",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 8,
            },
        },
        ParamSpec {
            key: "items",
            help: "items the producer makes (each kind gets all of them)",
            kind: ParamKind::Int {
                default: 200,
                min: 1,
                max: 5000,
            },
        },
        ParamSpec {
            key: "produce_ms",
            help: "milliseconds between two items",
            kind: ParamKind::Int {
                default: 5,
                min: 0,
                max: 100,
            },
        },
        ParamSpec {
            key: "poll_ms",
            help: "the pollers' wait timeout in milliseconds",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 50,
            },
        },
    ],
};

/// How long a notified waiter waits before looking anyway: a safety net
/// only, far longer than the gap between items. The producer notifies on
/// every item, and on shutdown or cancel it sets `done` and calls
/// `notify_all()`, so cancel reaches the waiters at once.
const SAFETY_TIMEOUT: Duration = Duration::from_millis(250);

/// One buffer: a list guarded by a Condition, and what its consumers saw.
struct Buffer {
    label: &'static str,
    cond: Condition,
    /// The list (of the times items were made). Only touched while holding
    /// `cond`; the Mutex is never contended — it stands in for the GIL that
    /// protects a Python list.
    items: Mutex<VecDeque<Instant>>,
    done: AtomicBool,
    wakeups: AtomicU64,
    /// Wake-ups that found the list empty.
    wasted: AtomicU64,
    timeouts: AtomicU64,
    taken: AtomicU64,
    latency_ns: AtomicU64,
    cpu_ns: AtomicU64,
}

impl Buffer {
    fn new(label: &'static str, sink: &EventSink) -> Buffer {
        Buffer {
            label,
            cond: Condition::with_lock(Lock::new()).observed(
                format!("cond ({label})"),
                condition_lane_observer(sink.clone()),
            ),
            items: Mutex::new(VecDeque::new()),
            done: AtomicBool::new(false),
            wakeups: AtomicU64::new(0),
            wasted: AtomicU64::new(0),
            timeouts: AtomicU64::new(0),
            taken: AtomicU64::new(0),
            latency_ns: AtomicU64::new(0),
            cpu_ns: AtomicU64::new(0),
        }
    }

    fn list(&self) -> std::sync::MutexGuard<'_, VecDeque<Instant>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// With the lock held: add an item; wake one waiter if `notify`.
    fn put(&self, made: Instant, notify: bool) {
        let _g = self.cond.guard();
        self.list().push_back(made);
        if notify {
            let _ = self.cond.notify(1);
        }
    }

    /// With the lock held: no more items; wake everyone if `notify`.
    fn finish(&self, notify: bool) {
        let _g = self.cond.guard();
        self.done.store(true, Ordering::SeqCst);
        if notify {
            let _ = self.cond.notify_all();
        }
    }

    fn summary(&self) -> (u64, u64, u64, u64, f64, f64) {
        let taken = self.taken.load(Ordering::SeqCst);
        let lat = self.latency_ns.load(Ordering::SeqCst) as f64 / 1e6;
        (
            self.wakeups.load(Ordering::SeqCst),
            self.wasted.load(Ordering::SeqCst),
            self.timeouts.load(Ordering::SeqCst),
            taken,
            if taken > 0 { lat / taken as f64 } else { 0.0 },
            self.cpu_ns.load(Ordering::SeqCst) as f64 / 1e6,
        )
    }
}

/// A consumer: `with cond: while not items: cond.wait(timeout)`, take one,
/// repeat until the producer is done and the list is empty (or cancel).
fn consume(buf: &Buffer, timeout: Duration, control: &Control, n: &Narrator, me: &str) {
    let sink = n.sink();
    let cpu0 = thread_cpu();
    loop {
        if control.checkpoint().is_err() {
            break;
        }
        let g = buf.cond.guard();
        let mut item = buf.list().pop_front();
        // How this item came: at once, after a notify, after a timeout.
        let mut how = "takes an item at once";
        // (While the demo is paused, leave the loop to wait at the
        // checkpoint above, with the lock released.)
        while item.is_none()
            && !buf.done.load(Ordering::SeqCst)
            && !control.is_cancelled()
            && !control.is_paused()
        {
            let notified = g.wait_timeout(timeout);
            buf.wakeups.fetch_add(1, Ordering::SeqCst);
            how = if notified {
                "woken by notify(): takes the item"
            } else {
                "timed out, looked: takes the item"
            };
            if !notified {
                buf.timeouts.fetch_add(1, Ordering::SeqCst);
            }
            item = buf.list().pop_front();
            if item.is_none() {
                buf.wasted.fetch_add(1, Ordering::SeqCst);
            }
        }
        drop(g);
        let Some(made) = item else {
            if buf.done.load(Ordering::SeqCst) || control.is_cancelled() {
                break;
            }
            // Paused: wait at the checkpoint above, without spinning (a
            // pending step token lets checkpoints through, and spinning
            // consumers would starve the producer of the lock).
            if control.sleep(Duration::from_millis(2)).is_err() {
                break;
            }
            continue;
        };
        let waited = made.elapsed();
        buf.latency_ns
            .fetch_add(waited.as_nanos() as u64, Ordering::SeqCst);
        let taken = buf.taken.fetch_add(1, Ordering::SeqCst) + 1;
        sink.count(format!("items taken ({})", buf.label), taken as f64);
        // One visible step per item taken; a wake-up by notify is a key event.
        let text = format!("{me} {how} ({taken} taken from the {} list)", buf.label);
        let said = if how.starts_with("woken") {
            n.key_step(text)
        } else {
            n.step(text)
        };
        if said.is_err() {
            break;
        }
    }
    if let (Some(a), Some(b)) = (cpu0, thread_cpu()) {
        buf.cpu_ns
            .fetch_add((b.saturating_sub(a)).as_nanos() as u64, Ordering::SeqCst);
    }
}

impl Demo for ConditionDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, s: &Value) -> Vec<(String, String)> {
        let side = |k: &str| {
            let b = &s[k];
            let n = |f: &str| b[f].as_u64().unwrap_or(0);
            format!(
                "{} wake-ups for {} items ({} found nothing), {} ms CPU, items waited {} ms on average",
                n("wakeups"),
                n("taken"),
                n("wasted"),
                super::session::number(b["cpu_ms"].as_f64().unwrap_or(0.0)),
                super::session::number(b["avg_delay_ms"].as_f64().unwrap_or(0.0)),
            )
        };
        let mut rows = vec![
            (
                "items".into(),
                format!(
                    "{} made, {} consumer(s) on each side",
                    s["items"].as_u64().unwrap_or(0),
                    s["consumers"].as_u64().unwrap_or(0)
                ),
            ),
            ("waiters (notify)".into(), side("notify")),
            ("pollers (timeout)".into(), side("polling")),
        ];
        let wall = super::session::number(s["wall_ms"].as_f64().unwrap_or(0.0));
        rows.push((
            "wall time".into(),
            if s["slowed"].as_bool().unwrap_or(false) {
                format!("{wall} ms, slowed by the pace or a pause (not the threads' own speed)")
            } else {
                format!("{wall} ms at full speed")
            },
        ));
        rows
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let consumers = ctx.params.usize("consumers").max(1);
        let items = ctx.params.usize("items");
        let gap = Duration::from_millis(ctx.params.int("produce_ms").max(0) as u64);
        let poll = Duration::from_millis(ctx.params.int("poll_ms").max(1) as u64);
        let sink = ctx.sink();
        let notified = Arc::new(Buffer::new("notify", &sink));
        let polled = Arc::new(Buffer::new("polling", &sink));
        ctx.phase("waiters woken by notify() · pollers waking on a timeout");
        ctx.log(format!(
            "{consumers} waiter(s) and {consumers} poller(s); an item every {} ms; pollers time out every {} ms",
            gap.as_millis(),
            poll.as_millis()
        ));

        let start = Instant::now();
        let mut crew = Crew::new(ctx);
        for (buf, timeout, name) in [
            (&notified, SAFETY_TIMEOUT, "waiter"),
            (&polled, poll, "poller"),
        ] {
            for i in 1..=consumers {
                let (buf, control, n) = (Arc::clone(buf), Arc::clone(&ctx.control), ctx.narrator());
                let me = format!("{name}-{i}");
                crew.spawn(me.clone(), move || {
                    consume(&buf, timeout, &control, &n, &me)
                })?;
            }
        }

        // The producer (this thread): the same items into both buffers;
        // only the waiters' buffer is notified.
        let produced = (|| -> Result<(), DemoFailure> {
            let me = std::thread::current()
                .name()
                .unwrap_or("producer")
                .to_string();
            for i in 0..items {
                ctx.lane(me.as_str(), LaneState::Sleeping);
                ctx.sleep(gap)?;
                ctx.checkpoint()?;
                let now = Instant::now();
                notified.put(now, true);
                polled.put(now, false);
                ctx.count("items made", (i + 1) as f64);
                ctx.step(format!(
                    "producer: item {} into both lists; cond.notify() wakes one waiter, the pollers are not told",
                    i + 1
                ))?;
                ctx.count(
                    "wake-ups (notify)",
                    notified.wakeups.load(Ordering::SeqCst) as f64,
                );
                ctx.count(
                    "wake-ups (polling)",
                    polled.wakeups.load(Ordering::SeqCst) as f64,
                );
                ctx.gauge(
                    "items waiting (polling)",
                    polled.list().len() as f64,
                    items as f64,
                );
            }
            Ok(())
        })();
        // Done (or cancelled): tell the waiters; the pollers will see it at
        // their next timeout.
        notified.finish(true);
        polled.finish(false);
        crew.join_all();
        produced?;
        let wall = start.elapsed();

        let (nw, nwaste, nto, ntaken, nlat, ncpu) = notified.summary();
        let (pw, pwaste, pto, ptaken, plat, pcpu) = polled.summary();
        // The final state, after every consumer finished: the last figures
        // shown are the summary's.
        ctx.count("wake-ups (notify)", nw as f64);
        ctx.count("wake-ups (polling)", pw as f64);
        ctx.count("items taken (notify)", ntaken as f64);
        ctx.count("items taken (polling)", ptaken as f64);
        ctx.gauge(
            "items waiting (polling)",
            polled.list().len() as f64,
            items as f64,
        );
        ctx.log(format!(
            "notify: {nw} wake-ups for {ntaken} items ({nwaste} found nothing), {ncpu:.2} ms CPU, items waited {nlat:.3} ms on average"
        ));
        ctx.log(format!(
            "polling: {pw} wake-ups for {ptaken} items ({pwaste} found nothing), {pcpu:.2} ms CPU, items waited {plat:.3} ms on average"
        ));
        let mut m = Map::new();
        m.insert("items".into(), json!(items));
        m.insert("notify_wakeups".into(), json!(nw));
        m.insert("polling_wakeups".into(), json!(pw));
        m.insert("consumers".into(), json!(consumers));
        m.insert(
            "notify".into(),
            json!({
                "wakeups": nw, "wasted": nwaste, "timeouts": nto, "taken": ntaken,
                "avg_delay_ms": round3(nlat), "cpu_ms": round3(ncpu),
            }),
        );
        m.insert(
            "polling".into(),
            json!({
                "wakeups": pw, "wasted": pwaste, "timeouts": pto, "taken": ptaken,
                "avg_delay_ms": round3(plat), "cpu_ms": round3(pcpu),
            }),
        );
        m.insert("wall_ms".into(), json!(ms(wall)));
        // Timings of a paced or paused run are not the threads' own.
        m.insert("slowed".into(), json!(ctx.control.was_slowed()));
        m.insert("wall_s".into(), json!(secs(wall)));
        Ok(m)
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
