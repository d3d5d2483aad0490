//! The `factory` demo: the deck's producer/consumer factory, in both of its
//! designs. Body and Wheels produce parts; the parts are paired and
//! assembled into widgets.
//!
//! - `design=locks` is "Factory Objects 1": each producer owns a list, an
//!   RLock guarding it and an Event saying "there are parts"; Assembly
//!   reaches into both, and owns an RLock (its widget list) and an Event
//!   saying "there is room" that both producers wait on.
//! - `design=queues` is "Factory Objects 3": each producer owns one bounded
//!   queue; the Packager takes a body and a set of wheels and puts the pair
//!   on assembly.queue; Assembly takes pairs from it. `None` flows down the
//!   line as "no more parts".
//!
//! Every part is accounted for at the end: in a widget or left over (when
//! the producers make different numbers); `lost` must be 0.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Event, Queue, RLock};

use super::control::{Cancelled, Control};
use super::kit::{Crew, TICK, get_until, ms, put_until, queue_observer, secs};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, EventSink, Narrator, number};
use super::trace::lane_observer;

/// The demo, for the registry.
pub static DEMO: FactoryDemo = FactoryDemo;

/// `factory`: Body, Wheels, (Packager,) Assembly.
pub struct FactoryDemo;

/// What the `factory` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "factory",
    title: "The factory: producers, a Packager and Assembly",
    about: "Body and Wheels produce, Assembly consumes: lists+rlocks+events or bounded queues, and backpressure",
    explain: "One part of the factory produces parts of a widget, another consumes them: \
\"the trick is to keep it all in balance\". Watch the gauges: a fast producer fills its \
pile up to maxsize and then waits (its lane turns blocked/waiting, its idle time grows) \
until the consumer catches up — that is the backpressure of a bounded queue. Make one \
stage slow (body_ms, wheels_ms, assembly_ms) and everything upstream of it idles.\n\n\
design=locks is Factory Objects 1: body.list + body.rlock + body.event, the same for \
wheels, and assembly.rlock + assembly.event. Each thread touches several of them, and \
both producers share assembly.event (\"there is room\"): one producer can clear it just \
after Assembly set it for the other, and that wake-up is lost — only a timeout rescues it \
(counted as lost_wakeups). Data protection and synchronization, done by hand, are easy to \
get wrong.\n\n\
design=queues is Factory Objects 3: one queue per object, and a Packager whose loop is the \
deck's: body = body.queue.get(); wheels = wheels.queue.get(); \
assembly.queue.put((body, wheels)). No locks, no events: the queue does both jobs. None \
travels down the line as \"no more parts\"; leftover parts (bodies ≠ wheels) are counted, \
and lost must be 0. Python today: the module is `queue` (it was `Queue`).",
    params: &[
        ParamSpec {
            key: "design",
            help: "queues (Factory Objects 3) or locks (Factory Objects 1)",
            kind: ParamKind::Choice {
                default: "queues",
                choices: &["queues", "locks"],
            },
        },
        ParamSpec {
            key: "bodies",
            help: "bodies Body makes",
            kind: ParamKind::Int {
                default: 20,
                min: 0,
                max: 500,
            },
        },
        ParamSpec {
            key: "wheels",
            help: "sets of wheels Wheels makes",
            kind: ParamKind::Int {
                default: 20,
                min: 0,
                max: 500,
            },
        },
        ParamSpec {
            key: "body_ms",
            help: "milliseconds to make a body",
            kind: ParamKind::Int {
                default: 10,
                min: 0,
                max: 500,
            },
        },
        ParamSpec {
            key: "wheels_ms",
            help: "milliseconds to make a set of wheels",
            kind: ParamKind::Int {
                default: 5,
                min: 0,
                max: 500,
            },
        },
        ParamSpec {
            key: "assembly_ms",
            help: "milliseconds to assemble a widget",
            kind: ParamKind::Int {
                default: 15,
                min: 0,
                max: 500,
            },
        },
        ParamSpec {
            key: "maxsize",
            help: "capacity of each queue (or list)",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 50,
            },
        },
    ],
};

/// The workers, for idle times (in this order).
const WORKERS: [&str; 4] = ["Body", "Wheels", "Packager", "Assembly"];

/// What the factory counts, shared by its threads.
#[derive(Default)]
struct Books {
    bodies: AtomicU64,
    wheels: AtomicU64,
    packaged: AtomicU64,
    assembled: AtomicU64,
    /// Nanoseconds each worker spent waiting (index as `WORKERS`).
    idle_ns: [AtomicU64; 4],
    /// Event waits that timed out although the thing waited for was
    /// already there (locks design): wake-ups lost.
    lost_wakeups: AtomicU64,
    widgets: Mutex<Vec<(u64, u64)>>,
    leftover_bodies: Mutex<Vec<u64>>,
    leftover_wheels: Mutex<Vec<u64>>,
    /// Highest fill seen of each pile/queue: body, wheels, assembly.
    max_fill: [AtomicU64; 3],
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Books {
    /// Run `f`, counting its time as idle for worker `w`.
    fn idle<R>(&self, w: usize, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = f();
        self.idle_ns[w].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        r
    }

    fn fill(&self, i: usize, n: usize) {
        self.max_fill[i].fetch_max(n as u64, Ordering::Relaxed);
    }
}

/// The speeds and sizes of one run.
#[derive(Clone, Copy)]
struct Plan {
    bodies: u64,
    wheels: u64,
    body: Duration,
    wheel: Duration,
    assembly: Duration,
    maxsize: usize,
}

// ---------------------------------------------------------------- queues

/// A producer: make `count` parts, put each on `q` (blocking while full),
/// then None.
#[allow(clippy::too_many_arguments)]
fn produce_q(
    count: u64,
    work: Duration,
    q: &Queue<Option<u64>>,
    made: &AtomicU64,
    who: usize,
    books: &Books,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    let me = WORKERS[who];
    let part = PARTS[who];
    for n in 1..=count {
        control.sleep(work)?;
        made.fetch_add(1, Ordering::SeqCst);
        let was_full = q.full();
        books.idle(who, || put_until(q, Some(n), control))?;
        books.fill(who, q.qsize());
        if was_full {
            say.key_step(format!(
                "{me} found {} full and waited in put() until there was room for {part} {n}",
                q_name(who)
            ))?;
        } else {
            say.step(format!(
                "{me} makes {part} {n} and puts it on {}",
                q_name(who)
            ))?;
        }
    }
    books.idle(who, || put_until(q, None, control))?;
    say.step(format!("{me} puts None on {}: no more {part}", q_name(who)))
}

/// What each producer makes (index as `WORKERS`).
const PARTS: [&str; 2] = ["body", "wheels"];

/// The queue (or pile) of producer `who`.
fn q_name(who: usize) -> &'static str {
    if who == 0 {
        "body.queue"
    } else {
        "wheels.queue"
    }
}

/// Drain `q` up to its None, keeping what comes out as leftovers.
fn drain(
    q: &Queue<Option<u64>>,
    left: &Mutex<Vec<u64>>,
    control: &Control,
) -> Result<(), Cancelled> {
    while let Some(x) = get_until(q, control)? {
        lock(left).push(x);
    }
    Ok(())
}

/// The Packager: pair a body with a set of wheels, as in the deck.
fn packager(
    body_q: &Queue<Option<u64>>,
    wheels_q: &Queue<Option<u64>>,
    assembly_q: &Queue<Option<(u64, u64)>>,
    books: &Books,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    const ME: usize = 2;
    loop {
        let body = books.idle(ME, || get_until(body_q, control))?;
        let wheels = books.idle(ME, || get_until(wheels_q, control))?;
        match (body, wheels) {
            (Some(b), Some(w)) => {
                books.packaged.fetch_add(1, Ordering::SeqCst);
                books.idle(ME, || put_until(assembly_q, Some((b, w)), control))?;
                books.fill(2, assembly_q.qsize());
                say.step(format!(
                    "Packager gets body {b} and wheels {w} and puts the pair on assembly.queue"
                ))?;
            }
            (body, wheels) => {
                // One producer is done: what the other still makes is left
                // over — take it all, or that producer blocks forever on
                // its full queue.
                if let Some(b) = body {
                    lock(&books.leftover_bodies).push(b);
                    drain(body_q, &books.leftover_bodies, control)?;
                }
                if let Some(w) = wheels {
                    lock(&books.leftover_wheels).push(w);
                    drain(wheels_q, &books.leftover_wheels, control)?;
                }
                break;
            }
        }
    }
    books.idle(ME, || put_until(assembly_q, None, control))?;
    say.step("Packager puts None on assembly.queue: no more pairs")
}

/// Assembly: take pairs until None, assemble each.
fn assemble_q(
    q: &Queue<Option<(u64, u64)>>,
    work: Duration,
    books: &Books,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    while let Some(pair) = books.idle(3, || get_until(q, control))? {
        control.sleep(work)?;
        lock(&books.widgets).push(pair);
        let n = books.assembled.fetch_add(1, Ordering::SeqCst) + 1;
        say.step(format!(
            "Assembly builds widget {n} from body {} and wheels {}",
            pair.0, pair.1
        ))?;
    }
    say.step("Assembly gets None: the factory is done")
}

/// The run's queues or piles, by gauge name, for their final sizes.
type Levels = Vec<(&'static str, Box<dyn Fn() -> usize>)>;

fn start_queues(
    ctx: &Ctx,
    crew: &mut Crew,
    plan: Plan,
    books: &Arc<Books>,
) -> Result<Levels, DemoFailure> {
    let sink = ctx.sink();
    let max = plan.maxsize as f64;
    let q = |name: &str| {
        Arc::new(
            Queue::<Option<u64>>::new(plan.maxsize)
                .observed(name, queue_observer(sink.clone(), max)),
        )
    };
    let body_q = q("body.queue");
    let wheels_q = q("wheels.queue");
    let assembly_q = Arc::new(
        Queue::<Option<(u64, u64)>>::new(plan.maxsize)
            .observed("assembly.queue", queue_observer(sink.clone(), max)),
    );
    for (who, count, work, queue) in [
        (0, plan.bodies, plan.body, &body_q),
        (1, plan.wheels, plan.wheel, &wheels_q),
    ] {
        let (queue, books, control, say) = (
            Arc::clone(queue),
            Arc::clone(books),
            Arc::clone(&ctx.control),
            ctx.narrator(),
        );
        crew.spawn(WORKERS[who], move || {
            let made = if who == 0 {
                &books.bodies
            } else {
                &books.wheels
            };
            let _ = produce_q(count, work, &queue, made, who, &books, &control, &say);
        })?;
    }
    {
        let (bq, wq, aq, books, control, say) = (
            Arc::clone(&body_q),
            Arc::clone(&wheels_q),
            Arc::clone(&assembly_q),
            Arc::clone(books),
            Arc::clone(&ctx.control),
            ctx.narrator(),
        );
        crew.spawn("Packager", move || {
            let _ = packager(&bq, &wq, &aq, &books, &control, &say);
        })?;
    }
    let (aq, books, control, say) = (
        Arc::clone(&assembly_q),
        Arc::clone(books),
        Arc::clone(&ctx.control),
        ctx.narrator(),
    );
    let work = plan.assembly;
    crew.spawn("Assembly", move || {
        let _ = assemble_q(&aq, work, &books, &control, &say);
    })?;
    Ok(vec![
        ("body.queue", Box::new(move || body_q.qsize())),
        ("wheels.queue", Box::new(move || wheels_q.qsize())),
        ("assembly.queue", Box::new(move || assembly_q.qsize())),
    ])
}

// ----------------------------------------------------------------- locks

/// A producer's pile in Factory Objects 1: list + rlock + event.
struct Pile {
    name: &'static str,
    /// The list; only touched while holding `rlock` (the Mutex is never
    /// contended: it stands in for the GIL that protects a Python list).
    list: Mutex<VecDeque<u64>>,
    rlock: RLock,
    /// "There are parts (or the producer is done)."
    event: Event,
    done: AtomicBool,
}

impl Pile {
    fn new(name: &'static str, sink: &EventSink) -> Pile {
        let obs = lane_observer(sink.clone());
        Pile {
            name,
            list: Mutex::new(VecDeque::new()),
            rlock: RLock::with_observer(format!("{name}.rlock"), obs.clone()),
            event: Event::with_observer(format!("{name}.event"), obs),
            done: AtomicBool::new(false),
        }
    }
}

/// Assembly's own objects in Factory Objects 1.
struct AssemblyObjs {
    /// Guards the widget list.
    rlock: RLock,
    /// "There is room in a pile" — shared by both producers.
    event: Event,
}

/// A producer (locks design): make a part; with my rlock, append it if
/// there is room and set my event; else clear assembly.event and wait on
/// it for room.
#[allow(clippy::too_many_arguments)]
fn produce_l(
    count: u64,
    work: Duration,
    pile: &Pile,
    asm: &AssemblyObjs,
    plan: Plan,
    made: &AtomicU64,
    who: usize,
    books: &Books,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    let sink = say.sink();
    let me = WORKERS[who];
    for n in 1..=count {
        control.sleep(work)?;
        made.fetch_add(1, Ordering::SeqCst);
        let mut waited = false;
        loop {
            {
                let _g = pile.rlock.guard();
                let mut list = lock(&pile.list);
                if list.len() < plan.maxsize {
                    list.push_back(n);
                    books.fill(who, list.len());
                    sink.gauge(
                        format!("{}.list", pile.name),
                        list.len() as f64,
                        plan.maxsize as f64,
                    );
                    pile.event.set();
                    drop(list);
                    say.step(format!(
                        "{me} appends {} {n} to {}.list and sets {}.event",
                        pile.name, pile.name, pile.name
                    ))?;
                    break;
                }
                asm.event.clear(); // "I am waiting for room"
            }
            if !waited {
                waited = true;
                say.step(format!(
                    "{me}: {}.list is full; it clears assembly.event and waits for room",
                    pile.name
                ))?;
            }
            let woken = books.idle(who, || asm.event.wait_timeout(TICK));
            control.checkpoint()?;
            if !woken {
                let _g = pile.rlock.guard();
                if lock(&pile.list).len() < plan.maxsize {
                    // There was room, but the wake-up never came.
                    books.lost_wakeups.fetch_add(1, Ordering::SeqCst);
                    say.key_step(format!(
                        "{me}'s wait timed out although {}.list had room: a lost wake-up",
                        pile.name
                    ))?;
                }
            }
        }
    }
    let _g = pile.rlock.guard();
    pile.done.store(true, Ordering::SeqCst);
    pile.event.set();
    Ok(())
}

/// Assembly takes one part from a pile (None: the producer is done and
/// the pile empty), waiting on the pile's event while it is empty.
fn take(
    pile: &Pile,
    asm: &AssemblyObjs,
    plan: Plan,
    books: &Books,
    control: &Control,
    say: &Narrator,
) -> Result<Option<u64>, Cancelled> {
    loop {
        {
            let _g = pile.rlock.guard();
            let mut list = lock(&pile.list);
            if let Some(x) = list.pop_front() {
                say.sink().gauge(
                    format!("{}.list", pile.name),
                    list.len() as f64,
                    plan.maxsize as f64,
                );
                asm.event.set(); // there is room now
                drop(list);
                say.step(format!(
                    "Assembly takes {} {x} from {}.list and sets assembly.event",
                    pile.name, pile.name
                ))?;
                return Ok(Some(x));
            }
            if pile.done.load(Ordering::SeqCst) {
                return Ok(None);
            }
            pile.event.clear();
        }
        let woken = books.idle(3, || pile.event.wait_timeout(TICK));
        control.checkpoint()?;
        if !woken && !lock(&pile.list).is_empty() {
            books.lost_wakeups.fetch_add(1, Ordering::SeqCst);
            say.key_step(format!(
                "Assembly's wait timed out although {}.list had parts: a lost wake-up",
                pile.name
            ))?;
        }
    }
}

/// Assembly (locks design): pairs parts itself and assembles them.
fn assembly_l(
    body: &Pile,
    wheels: &Pile,
    asm: &AssemblyObjs,
    plan: Plan,
    books: &Books,
    control: &Control,
    say: &Narrator,
) -> Result<(), Cancelled> {
    loop {
        let b = take(body, asm, plan, books, control, say)?;
        let w = take(wheels, asm, plan, books, control, say)?;
        match (b, w) {
            (Some(b), Some(w)) => {
                books.packaged.fetch_add(1, Ordering::SeqCst);
                control.sleep(plan.assembly)?;
                let _g = asm.rlock.guard();
                lock(&books.widgets).push((b, w));
                let n = books.assembled.fetch_add(1, Ordering::SeqCst) + 1;
                say.step(format!(
                    "Assembly builds widget {n} from body {b} and wheels {w}"
                ))?;
            }
            (b, w) => {
                // Keep taking what the other producer still makes, or it
                // waits for room forever.
                if let Some(b) = b {
                    lock(&books.leftover_bodies).push(b);
                    while let Some(b) = take(body, asm, plan, books, control, say)? {
                        lock(&books.leftover_bodies).push(b);
                    }
                }
                if let Some(w) = w {
                    lock(&books.leftover_wheels).push(w);
                    while let Some(w) = take(wheels, asm, plan, books, control, say)? {
                        lock(&books.leftover_wheels).push(w);
                    }
                }
                return Ok(());
            }
        }
    }
}

fn start_locks(
    ctx: &Ctx,
    crew: &mut Crew,
    plan: Plan,
    books: &Arc<Books>,
) -> Result<Levels, DemoFailure> {
    let sink = ctx.sink();
    let obs = lane_observer(sink.clone());
    let body = Arc::new(Pile::new("body", &sink));
    let wheels = Arc::new(Pile::new("wheels", &sink));
    let asm = Arc::new(AssemblyObjs {
        rlock: RLock::with_observer("assembly.rlock", obs.clone()),
        event: Event::with_observer("assembly.event", obs),
    });
    for (who, count, work, pile) in [
        (0, plan.bodies, plan.body, &body),
        (1, plan.wheels, plan.wheel, &wheels),
    ] {
        let (pile, asm, books, control, say) = (
            Arc::clone(pile),
            Arc::clone(&asm),
            Arc::clone(books),
            Arc::clone(&ctx.control),
            ctx.narrator(),
        );
        crew.spawn(WORKERS[who], move || {
            let made = if who == 0 {
                &books.bodies
            } else {
                &books.wheels
            };
            let _ = produce_l(
                count, work, &pile, &asm, plan, made, who, &books, &control, &say,
            );
        })?;
    }
    let (books, control, say) = (Arc::clone(books), Arc::clone(&ctx.control), ctx.narrator());
    let (body2, wheels2) = (Arc::clone(&body), Arc::clone(&wheels));
    crew.spawn("Assembly", move || {
        let _ = assembly_l(&body2, &wheels2, &asm, plan, &books, &control, &say);
    })?;
    Ok(vec![
        ("body.list", Box::new(move || lock(&body.list).len())),
        ("wheels.list", Box::new(move || lock(&wheels.list).len())),
    ])
}

// ------------------------------------------------------------------ run

/// Parts made (numbered 1..=made) that are not accounted for exactly once
/// in `used` (widgets + leftovers): each missing part counts one, each
/// extra copy one, each number that was never made one.
fn lost(made: u64, used: impl Iterator<Item = u64>) -> u64 {
    let mut seen = vec![0u32; made as usize + 1];
    let mut strays = 0u64;
    for id in used {
        match seen.get_mut(id as usize) {
            Some(n) if id > 0 => *n += 1,
            _ => strays += 1,
        }
    }
    strays
        + seen[1..]
            .iter()
            .map(|&n| if n == 0 { 1 } else { u64::from(n - 1) })
            .sum::<u64>()
}

/// Idle times in words: `Body 36.4 ms, Wheels 137.8 ms`.
fn idle_words(idle: &Map<String, Value>) -> String {
    idle.iter()
        .map(|(who, ms)| format!("{who} {} ms", number(ms.as_f64().unwrap_or(0.0))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary in words.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let u = |k: &str| s[k].as_u64().unwrap_or(0);
    let locks = s["design"].as_str() == Some("locks");
    let mut rows = vec![
        (
            "design".to_string(),
            if locks {
                "Factory Objects 1: lists, rlocks and events".to_string()
            } else {
                "Factory Objects 3: a queue each, and a Packager".to_string()
            },
        ),
        (
            "widgets".into(),
            format!(
                "{} assembled from {} bodies and {} wheels; {} + {} left over; {} lost",
                u("assembled"),
                u("bodies"),
                u("wheels"),
                u("leftover_bodies"),
                u("leftover_wheels"),
                u("lost")
            ),
        ),
        (
            "fullest".into(),
            format!(
                "body {}, wheels {}{} of maxsize {}",
                s["max_fill"]["body"].as_u64().unwrap_or(0),
                s["max_fill"]["wheels"].as_u64().unwrap_or(0),
                if locks {
                    String::new()
                } else {
                    format!(
                        ", assembly {}",
                        s["max_fill"]["assembly"].as_u64().unwrap_or(0)
                    )
                },
                u("maxsize")
            ),
        ),
    ];
    if let Some(idle) = s["idle_ms"].as_object() {
        rows.push(("idle (waiting)".into(), idle_words(idle)));
    }
    if locks {
        rows.push(("lost wake-ups".into(), u("lost_wakeups").to_string()));
    }
    rows.push((
        "speed".into(),
        format!(
            "{} widgets a second, {} s in all{}",
            number(s["widgets_per_s"].as_f64().unwrap_or(0.0)),
            number(s["wall_s"].as_f64().unwrap_or(0.0)),
            if s["paced"].as_bool() == Some(true) {
                " (slowed down to be watched)"
            } else {
                ""
            }
        ),
    ));
    rows
}

impl Demo for FactoryDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let p = &ctx.params;
        let design = if p.text("design") == "locks" {
            "locks"
        } else {
            "queues"
        };
        let msec = |k: &str| Duration::from_millis(p.int(k).max(0) as u64);
        let plan = Plan {
            bodies: p.int("bodies").max(0) as u64,
            wheels: p.int("wheels").max(0) as u64,
            body: msec("body_ms"),
            wheel: msec("wheels_ms"),
            assembly: msec("assembly_ms"),
            maxsize: p.usize("maxsize").max(1),
        };
        let books = Arc::new(Books::default());
        ctx.phase(if design == "locks" {
            "Factory Objects 1: lists, rlocks and events"
        } else {
            "Factory Objects 3: a queue each, and a Packager"
        });
        ctx.log(format!(
            "{} bodies every {} ms, {} wheels every {} ms, assembly {} ms each, maxsize {}",
            plan.bodies,
            plan.body.as_millis(),
            plan.wheels,
            plan.wheel.as_millis(),
            plan.assembly.as_millis(),
            plan.maxsize
        ));
        ctx.step(if design == "locks" {
            "the factory opens: Body, Wheels and Assembly start"
        } else {
            "the factory opens: Body, Wheels, Packager and Assembly start"
        })?;
        let start = Instant::now();
        let mut crew = Crew::new(ctx);
        let levels = if design == "locks" {
            start_locks(ctx, &mut crew, plan, &books)?
        } else {
            start_queues(ctx, &mut crew, plan, &books)?
        };
        let report = |books: &Books| {
            for (name, n) in [
                ("bodies made", &books.bodies),
                ("wheels made", &books.wheels),
                ("packaged", &books.packaged),
                ("assembled", &books.assembled),
            ] {
                ctx.count(name, n.load(Ordering::SeqCst) as f64);
            }
        };
        while crew.alive() > 0 {
            ctx.sleep(Duration::from_millis(25))?;
            report(&books);
        }
        crew.join_all();
        report(&books);
        let wall = start.elapsed();
        // The final fill of each queue or pile, after every thread: updates
        // from several threads can arrive out of order.
        for (name, level) in &levels {
            ctx.gauge(*name, level() as f64, plan.maxsize as f64);
        }

        let load = |a: &AtomicU64| a.load(Ordering::SeqCst);
        let (bodies, wheels) = (load(&books.bodies), load(&books.wheels));
        let (packaged, assembled) = (load(&books.packaged), load(&books.assembled));
        let widgets = lock(&books.widgets).clone();
        let left_b = lock(&books.leftover_bodies).clone();
        let left_w = lock(&books.leftover_wheels).clone();
        let lost_parts = lost(
            bodies,
            widgets.iter().map(|p| p.0).chain(left_b.iter().copied()),
        ) + lost(
            wheels,
            widgets.iter().map(|p| p.1).chain(left_w.iter().copied()),
        );
        let mut idle = Map::new();
        for (i, name) in WORKERS.iter().enumerate() {
            if design == "locks" && *name == "Packager" {
                continue;
            }
            idle.insert(
                (*name).into(),
                json!(ms(Duration::from_nanos(load(&books.idle_ns[i])))),
            );
        }
        ctx.log(format!(
            "{assembled} widgets from {bodies} bodies and {wheels} wheels; left over {} + {}; lost {lost_parts}",
            left_b.len(),
            left_w.len()
        ));
        ctx.log(format!("idle: {}", idle_words(&idle)));
        let mut m = Map::new();
        m.insert("design".into(), json!(design));
        m.insert("bodies".into(), json!(bodies));
        m.insert("wheels".into(), json!(wheels));
        m.insert("packaged".into(), json!(packaged));
        m.insert("assembled".into(), json!(assembled));
        m.insert("lost".into(), json!(lost_parts));
        m.insert("leftover_bodies".into(), json!(left_b.len()));
        m.insert("leftover_wheels".into(), json!(left_w.len()));
        m.insert("idle_ms".into(), Value::Object(idle));
        m.insert(
            "max_fill".into(),
            json!({
                "body": load(&books.max_fill[0]),
                "wheels": load(&books.max_fill[1]),
                "assembly": load(&books.max_fill[2]),
            }),
        );
        m.insert("maxsize".into(), json!(plan.maxsize));
        if design == "locks" {
            m.insert("lost_wakeups".into(), json!(load(&books.lost_wakeups)));
        }
        m.insert("wall_s".into(), json!(secs(wall)));
        m.insert("paced".into(), json!(ctx.is_paced()));
        m.insert(
            "widgets_per_s".into(),
            json!((assembled as f64 / wall.as_secs_f64().max(1e-9) * 10.0).round() / 10.0),
        );
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::lost;

    #[test]
    fn lost_counts_missing_duplicate_and_stray_parts() {
        assert_eq!(lost(3, [1, 2, 3].into_iter()), 0);
        assert_eq!(lost(3, [3, 1].into_iter()), 1);
        assert_eq!(lost(3, [1, 2, 2, 3].into_iter()), 1);
        assert_eq!(lost(3, [2, 2].into_iter()), 3);
        assert_eq!(lost(3, [1, 2, 3, 7].into_iter()), 1);
        assert_eq!(lost(0, std::iter::empty()), 0);
    }

    #[test]
    fn the_summary_in_words() {
        let rows = super::describe(
            &serde_json::json!({"design": "queues", "bodies": 20, "wheels": 20, "packaged": 20, "assembled": 20,
            "lost": 0, "leftover_bodies": 0, "leftover_wheels": 0,
            "idle_ms": {"Assembly": 11.841, "Body": 36.7}, "max_fill": {"body": 2, "wheels": 2, "assembly": 1},
            "maxsize": 2, "wall_s": 0.33, "widgets_per_s": 61.0, "paced": false}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.contains(&"Assembly 11.841 ms, Body 36.7 ms"),
            "{values:?}"
        );
        assert!(
            values.contains(&"body 2, wheels 2, assembly 1 of maxsize 2"),
            "{values:?}"
        );
    }
}
