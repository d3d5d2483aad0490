//! The `fibonacci` demo: "the TUI is the GUI". A simulated UI thread ticks
//! every 16 ms (a frame) and measures how late each tick is. In the deck's
//! Fibonacci.py the calculation runs inside the Start button's callback on
//! the UI thread: the ticks stop until it is done (the stall meter shoots
//! up). In FibThreaded.py a calculator thread computes and offers results
//! on a one-element queue with `put_nowait`, which the UI polls with
//! `get_nowait` on every tick: the ticks stay on time. Then the deck's two
//! bugs: the deadlock on quit (the UI joins the calculator while the
//! calculator is blocked in `put` on the full queue) and its fix (a stop
//! Event and `put` with a timeout), and illegal input turned into messages.
//!
//! The numbers are big integers ([`BigUint`]: a tiny bignum on `u32`
//! limbs, addition and what it takes to print).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::pythreading::{Event, Full, Queue};

use super::control::{Cancelled, Control};
use super::event::LaneState;
use super::kit::{Crew, TICK, ms, queue_observer};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, number};

/// The demo, for the registry.
pub static DEMO: FibonacciDemo = FibonacciDemo;

/// `fibonacci`: a frozen UI, a responsive one, the quit deadlock and its fix.
pub struct FibonacciDemo;

/// The largest n the illegal-input check accepts.
pub const MAX_N: u64 = 1_000_000;

/// What the `fibonacci` demo is and takes.
pub static INFO: DemoInfo = DemoInfo {
    id: "fibonacci",
    title: "Fibonacci: the UI thread frozen, then threaded",
    about: "big Fibonacci numbers on the UI thread (frozen) and on a worker with a 1-slot queue; the quit deadlock and its fix",
    explain: "The 'UI' here is a thread that ticks every 16 ms, like a screen redrawing; the \
stall meter shows how long it has been since the last tick, and the stall figures are \
the longest time with no tick. Time the demo spends paused, or slowed down to narrate a \
step, is not counted: the figures are the threads' own. (The real screen you are looking at keeps \
drawing: the demo runs on its own threads — the TUI is the GUI, done right.)\n\n\
Frozen (Fibonacci.py): Start computes F(1)..F(n) inside the UI thread's callback, so no \
tick happens until it is done: the stall is the whole calculation. Threaded \
(FibThreaded.py): a calculator thread computes; every update_every steps it offers its \
latest value with put_nowait() on a Queue(maxsize=1) and skips it if the queue is still \
full; the UI polls with get_nowait() on each tick (Tkinter's after()). The ticks stay on \
time and the display is updated at most once per tick.\n\n\
The deck's bugs: \"deadlock on quit\" — a calculator that uses a blocking put() blocks \
forever once the UI has stopped taking values, and the UI's join() never returns (here \
join(timeout) detects it, and the demo pulls the plug, which Python cannot do). The fix: a \
stop Event the calculator checks, and put(timeout=...) in a loop. \"Display of illegal \
values\": bad input (negative, not a number, too big) becomes a message, not a crash. \
Python today: str() of an int over 4300 digits raises ValueError (3.11+), so show only the \
last digits of big values, as here.",
    params: &[
        ParamSpec {
            key: "n",
            help: "compute F(1) .. F(n)",
            kind: ParamKind::Int {
                default: 80_000,
                min: 1,
                max: 300_000,
            },
        },
        ParamSpec {
            key: "update_every",
            help: "the calculator offers a result every this many steps",
            kind: ParamKind::Int {
                default: 1000,
                min: 1,
                max: 100_000,
            },
        },
        ParamSpec {
            key: "tick_ms",
            help: "the UI's frame time in milliseconds",
            kind: ParamKind::Int {
                default: 16,
                min: 5,
                max: 100,
            },
        },
    ],
};

// ---------------------------------------------------------------- bignum

/// A natural number of any size: little-endian base-2³² limbs, no leading
/// zero limbs (zero is no limbs). Just enough for Fibonacci: addition,
/// remainders by small numbers, decimal printing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    /// The number `n`.
    pub fn from_u64(n: u64) -> BigUint {
        let mut limbs = vec![n as u32, (n >> 32) as u32];
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        BigUint { limbs }
    }

    /// `self += other`.
    pub fn add_assign(&mut self, other: &BigUint) {
        if self.limbs.len() < other.limbs.len() {
            self.limbs.resize(other.limbs.len(), 0);
        }
        let mut carry = 0u64;
        let (low, high) = self.limbs.split_at_mut(other.limbs.len());
        for (x, &y) in low.iter_mut().zip(&other.limbs) {
            let s = u64::from(*x) + u64::from(y) + carry;
            *x = s as u32;
            carry = s >> 32;
        }
        for x in high {
            if carry == 0 {
                break;
            }
            let s = u64::from(*x) + carry;
            *x = s as u32;
            carry = s >> 32;
        }
        if carry > 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// Bits needed to write the number (0 for zero).
    pub fn bits(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(&top) => 32 * self.limbs.len() as u64 - u64::from(top.leading_zeros()),
        }
    }

    /// The number modulo `m` (`m` > 0).
    pub fn rem_u64(&self, m: u64) -> u64 {
        let m = u128::from(m);
        let mut r = 0u128;
        for &limb in self.limbs.iter().rev() {
            r = ((r << 32) | u128::from(limb)) % m;
        }
        r as u64
    }

    /// The last `k` decimal digits (zero-padded; `k` ≤ 19).
    pub fn last_digits(&self, k: u32) -> String {
        let k = k.min(19);
        format!("{:0width$}", self.rem_u64(10u64.pow(k)), width = k as usize)
    }

    /// Divide by `d` (> 0) in place; returns the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut r = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let cur = (r << 32) | u64::from(*limb);
            *limb = (cur / u64::from(d)) as u32;
            r = cur % u64::from(d);
        }
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
        r as u32
    }
}

impl fmt::Display for BigUint {
    /// All the decimal digits (quadratic time: for display of modest sizes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.limbs.is_empty() {
            return f.write_str("0");
        }
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.limbs.is_empty() {
            chunks.push(n.div_small(1_000_000_000));
        }
        let mut s = chunks.pop().map(|c| c.to_string()).unwrap_or_default();
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:09}"));
        }
        f.write_str(&s)
    }
}

/// F(n), with F(0) = 0 and F(1) = 1.
pub fn fib(n: u64) -> BigUint {
    let (mut a, mut b) = (BigUint::default(), BigUint::from_u64(1));
    for _ in 0..n {
        a.add_assign(&b);
        std::mem::swap(&mut a, &mut b);
    }
    a
}

/// What the display shows for F(i): all of it, or its tail (FibThreaded's
/// `describe`).
pub fn describe(i: u64, value: &BigUint) -> String {
    if value.bits() < 100 {
        format!("F({i}) = {value}")
    } else {
        format!("F({i}) ends in ...{}", value.last_digits(12))
    }
}

/// The input box: a whole number from 0 to [`MAX_N`], or a message saying
/// what is wrong ("fix display of illegal values").
pub fn parse_n(input: &str) -> Result<u64, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("please type a number".into());
    }
    match t.parse::<i128>() {
        Ok(v) if v < 0 => Err(format!("n cannot be negative (got {t})")),
        Ok(v) if v > i128::from(MAX_N) => Err(format!("n is too big (at most {MAX_N}, got {t})")),
        Ok(v) => Ok(v as u64),
        Err(_) => Err(format!("not a whole number: {t:?}")),
    }
}

// -------------------------------------------------------------- the UI

/// The simulated UI thread's clock: a tick every `period`, and the longest
/// time with no tick. Time the UI thread spent held by the learner (paused,
/// or waiting at the pace to narrate a step) is not counted.
struct Ui<'a> {
    ctx: &'a Ctx,
    period: Duration,
    next: Instant,
    /// The longest gap between two ticks (held time excluded).
    max_late: Duration,
    /// The gap before the latest tick (held time excluded).
    last_gap: Duration,
    /// When the UI last ticked.
    last: Instant,
    /// Time held by the learner since the last tick.
    held: Duration,
    /// Time held by the learner in all.
    held_total: Duration,
    ticks: u64,
    /// When the UI last ticked (ns since the demo started), for the meter.
    last_tick: Arc<AtomicU64>,
}

impl<'a> Ui<'a> {
    fn new(ctx: &'a Ctx, period: Duration, last_tick: Arc<AtomicU64>) -> Ui<'a> {
        last_tick.store(ctx.start().elapsed().as_nanos() as u64, Ordering::SeqCst);
        Ui {
            ctx,
            period,
            next: Instant::now() + period,
            max_late: Duration::ZERO,
            last_gap: Duration::ZERO,
            last: Instant::now(),
            held: Duration::ZERO,
            held_total: Duration::ZERO,
            ticks: 0,
            last_tick,
        }
    }

    /// Count `d` as held by the learner (not a stall of the UI).
    fn hold(&mut self, d: Duration) {
        self.held += d;
        self.held_total += d;
    }

    /// A narrated step of the UI thread; its wait is not a stall.
    fn step(&mut self, text: String, key: bool) -> Result<(), Cancelled> {
        let t = Instant::now();
        let r = if key {
            self.ctx.key_step(text)
        } else {
            self.ctx.step(text)
        };
        self.hold(t.elapsed());
        r
    }

    /// A control wait (`sleep` for `want`, or a checkpoint with a zero
    /// `want`): what it took beyond `want` while the demo was paused counts
    /// as held.
    fn wait(&mut self, want: Duration) -> Result<(), Cancelled> {
        let paused_before = self.ctx.control.is_paused();
        let t = Instant::now();
        let r = if want.is_zero() {
            self.ctx.checkpoint()
        } else {
            self.ctx.sleep(want)
        };
        if paused_before || self.ctx.control.is_paused() {
            self.hold(t.elapsed().saturating_sub(want));
        }
        r
    }

    /// Wait for the next tick; returns the gap since the previous one.
    fn tick(&mut self) -> Result<Duration, Cancelled> {
        self.ctx.lane("UI", LaneState::Sleeping);
        let now = Instant::now();
        if self.next > now {
            self.wait(self.next - now)?;
        }
        self.wait(Duration::ZERO)?;
        let now = Instant::now();
        let late = now.saturating_duration_since(self.next);
        let gap = now
            .saturating_duration_since(self.last)
            .saturating_sub(self.held);
        self.last = now;
        self.held = Duration::ZERO;
        self.last_gap = gap;
        self.max_late = self.max_late.max(gap);
        self.ticks += 1;
        // After a stall, carry on from now rather than firing the missed
        // ticks in a burst (as a GUI's timer does).
        self.next = if late > self.period {
            now + self.period
        } else {
            self.next + self.period
        };
        self.last_tick.store(
            self.ctx.start().elapsed().as_nanos() as u64,
            Ordering::SeqCst,
        );
        self.ctx.lane("UI", LaneState::Running);
        Ok(gap)
    }
}

/// The stall meter: a thread that shows, every 10 ms, how long ago the UI
/// last ticked — it keeps rising while the UI is frozen.
fn start_meter(
    crew: &mut Crew,
    ctx: &Ctx,
    last_tick: &Arc<AtomicU64>,
    stop: &Arc<AtomicBool>,
) -> Result<(), DemoFailure> {
    let (last, stop, control, sink, start) = (
        Arc::clone(last_tick),
        Arc::clone(stop),
        Arc::clone(&ctx.control),
        ctx.sink(),
        ctx.start(),
    );
    crew.spawn("stall meter", move || {
        sink.lane("stall meter", LaneState::Sleeping);
        while !stop.load(Ordering::SeqCst) && control.sleep(Duration::from_millis(10)).is_ok() {
            if control.is_paused() {
                // Paused: the UI is held by the learner, not stalled.
                continue;
            }
            let since =
                (start.elapsed().as_nanos() as u64).saturating_sub(last.load(Ordering::SeqCst));
            // A stall has no upper bound: a count, not a gauge.
            sink.count("UI stall now (ms)", since as f64 / 1e6);
        }
    })?;
    Ok(())
}

/// F(1)..F(n) stepwise: calls `each(i, &F(i))` after every step; stops
/// early if it returns false.
fn steps(n: u64, mut each: impl FnMut(u64, &BigUint) -> bool) -> Option<BigUint> {
    let (mut a, mut b) = (BigUint::default(), BigUint::from_u64(1));
    for i in 1..=n {
        a.add_assign(&b);
        std::mem::swap(&mut a, &mut b);
        if !each(i, &a) {
            return None;
        }
    }
    Some(a)
}

/// How long the quitting UI waits for the calculator before calling it a
/// deadlock, in ticks (320 ms at the default 16 ms).
const JOIN_TICKS: u32 = 20;

/// A result offered to the UI: (i, F(i), done).
type Offer = (u64, BigUint, bool);

/// The frozen UI: the calculation inside a tick's callback.
fn frozen(
    ctx: &Ctx,
    n: u64,
    every: u64,
    period: Duration,
) -> Result<(Duration, Duration), DemoFailure> {
    ctx.phase("Fibonacci.py: the calculation on the UI thread (frozen)");
    ctx.step("the UI thread starts ticking; Start will compute on the UI thread itself")?;
    let last_tick = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut crew = Crew::new(ctx);
    start_meter(&mut crew, ctx, &last_tick, &stop)?;
    let mut ui = Ui::new(ctx, period, last_tick);
    let mut label = String::new();
    let mut took = Duration::ZERO;
    let result = (|| -> Result<(), DemoFailure> {
        for t in 0..12 {
            ui.tick()?;
            if t == 5 {
                // The first tick after the calculation.
                ctx.log(format!(
                    "display: {label} — no tick for {:.1} ms (the calculation took {:.1} ms): the UI was frozen",
                    ms(ui.last_gap),
                    ms(took)
                ));
                ui.step(
                    format!(
                        "the UI ticks again after {:.1} ms with no tick: it was frozen",
                        ms(ui.last_gap)
                    ),
                    true,
                )?;
            }
            if t == 4 {
                // The Start button's callback.
                ctx.log(format!("Start: computing F(1) .. F({n}) in the UI thread"));
                ui.step(
                    format!("Start pressed: the UI thread itself computes F(1) .. F({n})"),
                    false,
                )?;
                let began = Instant::now();
                let mut held = Duration::ZERO;
                let mut cancelled = false;
                let value = steps(n, |i, a| {
                    if i % every == 0 {
                        label = describe(i, a); // the "screen update"
                    }
                    if i % 256 == 0 {
                        let paused = ctx.control.is_paused();
                        let c = Instant::now();
                        if ctx.checkpoint().is_err() {
                            cancelled = true;
                            return false;
                        }
                        if paused || ctx.control.is_paused() {
                            held += c.elapsed();
                        }
                    }
                    true
                });
                let Some(value) = value.filter(|_| !cancelled) else {
                    return Err(Cancelled.into());
                };
                ui.hold(held);
                took = began.elapsed().saturating_sub(held);
                label = describe(n, &value);
            }
        }
        Ok(())
    })();
    stop.store(true, Ordering::SeqCst);
    crew.join_all();
    result?;
    ctx.log(format!(
        "frozen: the longest time with no tick was {:.1} ms",
        ms(ui.max_late)
    ));
    Ok((ui.max_late, took))
}

/// The threaded UI (FibThreaded.py): a calculator thread, a Queue(1)
/// polled with get_nowait() on every tick.
struct Threaded {
    max_late: Duration,
    held: Duration,
    updates: u64,
    skipped: u64,
    computed: u64,
    value: BigUint,
}

fn calculator(
    n: u64,
    every: u64,
    q: &Queue<Offer>,
    stop: &Event,
    skipped: &AtomicU64,
    control: &Control,
) {
    let value = steps(n, |i, a| {
        if i % 256 == 0 && (stop.is_set() || control.checkpoint().is_err()) {
            return false;
        }
        if i % every == 0 {
            // Non-blocking: skip if the UI hasn't taken the last one.
            if let Err(Full(_)) = q.put_nowait((i, a.clone(), false)) {
                skipped.fetch_add(1, Ordering::SeqCst);
            }
        }
        true
    });
    let Some(value) = value else { return };
    // The final result must arrive, but never block forever.
    let mut offer = (n, value, true);
    while !stop.is_set() && !control.is_cancelled() {
        match q.put_timeout(offer, TICK) {
            Ok(()) => return,
            Err(Full(o)) => offer = o,
        }
    }
}

fn threaded(ctx: &Ctx, n: u64, every: u64, period: Duration) -> Result<Threaded, DemoFailure> {
    ctx.phase("FibThreaded.py: a calculator thread and a one-element queue");
    let sink = ctx.sink();
    let q =
        Arc::new(Queue::<Offer>::new(1).observed("results (maxsize 1)", queue_observer(sink, 1.0)));
    let stop = Arc::new(Event::new());
    let skipped = Arc::new(AtomicU64::new(0));
    let last_tick = Arc::new(AtomicU64::new(0));
    let meter_stop = Arc::new(AtomicBool::new(false));
    let mut crew = Crew::new(ctx);
    start_meter(&mut crew, ctx, &last_tick, &meter_stop)?;
    let mut ui = Ui::new(ctx, period, last_tick);
    let mut updates = 0;
    let mut last: Option<(u64, BigUint)> = None;
    let result = (|| -> Result<(), DemoFailure> {
        let mut t = 0u64;
        let mut done_at = None;
        loop {
            ui.tick()?;
            t += 1;
            if t == 4 {
                ctx.log(format!(
                    "Start: computing F(1) .. F({n}) in a calculator thread"
                ));
                let (q, stop, skipped, control) = (
                    Arc::clone(&q),
                    Arc::clone(&stop),
                    Arc::clone(&skipped),
                    Arc::clone(&ctx.control),
                );
                crew.spawn("calculator", move || {
                    calculator(n, every, &q, &stop, &skipped, &control)
                })?;
            }
            // poll(): Tkinter needs to poll — the after() callback.
            if let Ok((i, v, done)) = q.get_nowait() {
                updates += 1;
                ctx.count("display updates", updates as f64);
                ui.step(
                    format!(
                        "UI tick: get_nowait() returned a value; the display shows {}{}",
                        describe(i, &v),
                        if done { " (done)" } else { "" }
                    ),
                    done,
                )?;
                if done {
                    ctx.log(format!("display: {} (done)", describe(i, &v)));
                    done_at = Some(t);
                }
                last = Some((i, v));
            }
            if done_at.is_some_and(|d| t >= d + 4) {
                return Ok(());
            }
        }
    })();
    // Quit: ask the calculator to stop, then wait for it.
    stop.set();
    meter_stop.store(true, Ordering::SeqCst);
    crew.join_all();
    // The queue's final fill, after every thread (updates from two threads
    // can arrive out of order).
    ctx.gauge("results (maxsize 1)", q.qsize() as f64, 1.0);
    result?;
    let (computed, value) = last.unwrap_or_default();
    ctx.log(format!(
        "threaded: the longest time with no tick was {:.1} ms; {updates} display updates, {} results skipped (queue full)",
        ms(ui.max_late),
        skipped.load(Ordering::SeqCst)
    ));
    Ok(Threaded {
        max_late: ui.max_late,
        held: ui.held_total,
        updates,
        skipped: skipped.load(Ordering::SeqCst),
        computed,
        value,
    })
}

/// The deck's bug and its fix. `fixed = false`: the calculator uses a
/// blocking put() for every result and has no way to be stopped; the UI
/// quits (stops polling) and joins it. Returns (join came back in time,
/// how long the join took).
fn quit(
    ctx: &Ctx,
    every: u64,
    period: Duration,
    fixed: bool,
) -> Result<(bool, Duration, usize), DemoFailure> {
    ctx.phase(if fixed {
        "the fix: a stop Event and put(timeout) in a loop"
    } else {
        "the bug: a blocking put(), and the UI joins on quit"
    });
    let sink = ctx.sink();
    let q =
        Arc::new(Queue::<Offer>::new(1).observed("results (maxsize 1)", queue_observer(sink, 1.0)));
    let stop = Arc::new(Event::new());
    // Not part of the lesson: the demo's own way to end the buggy thread
    // afterwards (Python cannot kill a thread).
    let plug = Arc::new(AtomicBool::new(false));
    let mut crew = Crew::new(ctx);
    let calc = {
        let (q, stop, plug, control) = (
            Arc::clone(&q),
            Arc::clone(&stop),
            Arc::clone(&plug),
            Arc::clone(&ctx.control),
        );
        crew.spawn("calculator", move || {
            let pulled = || plug.load(Ordering::SeqCst) || control.checkpoint().is_err();
            // Runs "forever" (F(1), F(2), ... until stopped).
            let _ = steps(u64::MAX, |i, a| {
                if i % 256 == 0 && (pulled() || (fixed && stop.is_set())) {
                    return false;
                }
                if i % every == 0 {
                    let mut offer = (i, a.clone(), false);
                    loop {
                        if fixed && stop.is_set() {
                            return false;
                        }
                        if pulled() {
                            return false;
                        }
                        // Bug: a put that waits as long as it takes (timed
                        // only so that the demo can end it afterwards).
                        // Fix: put(timeout=...), then look at the stop Event.
                        match q.put_timeout(offer, TICK) {
                            Ok(()) => break,
                            Err(Full(o)) => offer = o,
                        }
                    }
                }
                true
            });
        })?
    };
    let mut ui = Ui::new(ctx, period, Arc::new(AtomicU64::new(0)));
    let mut updates = 0;
    let polled = (|| -> Result<(), DemoFailure> {
        for _ in 0..6 {
            ui.tick()?;
            if q.get_nowait().is_ok() {
                updates += 1;
            }
        }
        Ok(())
    })();
    if let Err(e) = polled {
        plug.store(true, Ordering::SeqCst);
        return Err(e);
    }
    // Quit: no more polling.
    ctx.log(format!(
        "Quit after {updates} display updates: the UI stops polling and joins the calculator"
    ));
    if let Err(e) = ctx.step(if fixed {
        "Quit: the UI sets the stop Event, stops polling and calls join()"
    } else {
        "Quit: the UI stops polling and calls join()"
    }) {
        plug.store(true, Ordering::SeqCst);
        return Err(e.into());
    }
    if fixed {
        stop.set();
    }
    // join(timeout=20 ticks), in short slices so that a cancel is noticed.
    let began = Instant::now();
    let joined = loop {
        if calc.join_timeout(TICK).unwrap_or(false) {
            break true;
        }
        if ctx.is_cancelled() {
            plug.store(true, Ordering::SeqCst);
            return Err(DemoFailure::Cancelled);
        }
        if began.elapsed() >= period * JOIN_TICKS {
            break false;
        }
    };
    let took = began.elapsed();
    let said = ctx.key_step(if joined {
        format!("join() returned after {:.1} ms: the calculator saw the stop Event", ms(took))
    } else {
        format!(
            "join() still waiting after {:.0} ms: the calculator is blocked in put() on a full queue — deadlock on quit",
            ms(took)
        )
    });
    if said.is_err() {
        plug.store(true, Ordering::SeqCst);
    }
    if joined {
        ctx.log(format!("join() returned after {:.1} ms", ms(took)));
    } else {
        ctx.log(format!(
            "join() still waiting after {:.0} ms: the calculator is blocked in put() on the full queue (qsize {} of 1) and nobody will get() again — deadlock on quit",
            ms(took),
            q.qsize()
        ));
        ctx.error("deadlock on quit detected (the demo now ends the calculator itself)");
        plug.store(true, Ordering::SeqCst);
    }
    crew.join_all();
    // The queue's final fill, after every thread (updates from two threads
    // can arrive out of order).
    ctx.gauge("results (maxsize 1)", q.qsize() as f64, 1.0);
    Ok((joined, took, q.qsize()))
}

/// The summary in words.
pub fn describe_summary(s: &Value) -> Vec<(String, String)> {
    let f = |k: &str| number(s[k].as_f64().unwrap_or(0.0));
    let u = |k: &str| s[k].as_u64().unwrap_or(0);
    let yes = |k: &str| s[k].as_bool() == Some(true);
    let mut rows = vec![
        (
            "frozen UI".to_string(),
            format!(
                "no tick for {} ms (the calculation took {} ms; a tick is due every {} ms)",
                f("max_ui_stall_ms_frozen"),
                f("frozen_compute_ms"),
                u("tick_ms")
            ),
        ),
        (
            "threaded UI".into(),
            format!(
                "never more than {} ms without a tick; {} display updates, {} values skipped (queue full)",
                f("max_ui_stall_ms_threaded"),
                u("display_updates"),
                u("skipped_full")
            ),
        ),
        (
            "result".into(),
            format!(
                "F({}) ends in ...{} ({} bits){}",
                u("computed"),
                s["last_digits"].as_str().unwrap_or(""),
                u("bits"),
                if yes("value_ok") {
                    ", checked"
                } else {
                    ", WRONG"
                }
            ),
        ),
        (
            "quit with a blocking put()".into(),
            if yes("deadlock_detected") {
                "deadlock: join() never returned".into()
            } else {
                "join() returned (no deadlock this time)".into()
            },
        ),
        (
            "quit with the fix".into(),
            if yes("fix_joined") {
                format!("join() returned after {} ms", f("fix_join_ms"))
            } else {
                "join() did NOT return".into()
            },
        ),
        (
            "illegal values".into(),
            format!(
                "{} rejected with a message, none crashed",
                u("illegal_inputs_rejected")
            ),
        ),
    ];
    // Held time worth mentioning: more than one tick.
    if s["held_ms_threaded"].as_f64().unwrap_or(0.0) > s["tick_ms"].as_f64().unwrap_or(0.0) {
        rows.push((
            "not counted".into(),
            format!(
                "{} ms the UI was paused or slowed down to narrate",
                f("held_ms_threaded")
            ),
        ));
    }
    rows
}

impl Demo for FibonacciDemo {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe_summary(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let n = ctx.params.int("n").clamp(1, MAX_N as i64) as u64;
        let every = ctx.params.int("update_every").max(1) as u64;
        let period = Duration::from_millis(ctx.params.int("tick_ms").max(1) as u64);

        let (frozen_stall, frozen_took) = frozen(ctx, n, every, period)?;
        let th = threaded(ctx, n, every, period)?;
        let (bug_joined, _, _) = quit(ctx, every, period, false)?;
        let (fix_joined, fix_took, left) = quit(ctx, every, period, true)?;

        ctx.phase("illegal values: messages, not crashes");
        let mut inputs = Vec::new();
        let mut rejected = 0;
        for input in ["90", "-5", "abc", "", "3.5", "10000000000000", "1000"] {
            ctx.checkpoint()?;
            let shown = match parse_n(input) {
                Ok(k) => describe(k, &fib(k)),
                Err(msg) => {
                    rejected += 1;
                    format!("error: {msg}")
                }
            };
            ctx.log(format!("input {input:?} → {shown}"));
            inputs.push(json!({ "input": input, "shown": shown }));
        }

        // An independent check of the threaded result: F(n) mod 10^12 in
        // plain u64 arithmetic.
        let m = 1_000_000_000_000u64;
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..th.computed {
            (a, b) = (b, (a + b) % m);
        }
        let value_ok = th.computed == n && th.value.rem_u64(m) == a;

        let mut s = Map::new();
        s.insert("computed".into(), json!(th.computed));
        s.insert("max_ui_stall_ms_threaded".into(), json!(ms(th.max_late)));
        s.insert("max_ui_stall_ms_frozen".into(), json!(ms(frozen_stall)));
        s.insert("tick_ms".into(), json!(period.as_millis() as u64));
        s.insert("results_left_in_queue".into(), json!(left));
        s.insert("held_ms_threaded".into(), json!(ms(th.held)));
        s.insert("n".into(), json!(n));
        s.insert("last_digits".into(), json!(th.value.last_digits(12)));
        s.insert("bits".into(), json!(th.value.bits()));
        s.insert("value_ok".into(), json!(value_ok));
        s.insert("frozen_compute_ms".into(), json!(ms(frozen_took)));
        s.insert("display_updates".into(), json!(th.updates));
        s.insert("skipped_full".into(), json!(th.skipped));
        s.insert("deadlock_detected".into(), json!(!bug_joined));
        s.insert("fix_joined".into(), json!(fix_joined));
        s.insert("fix_join_ms".into(), json!(ms(fix_took)));
        s.insert("illegal_inputs_rejected".into(), json!(rejected));
        s.insert("inputs".into(), Value::Array(inputs));
        s.insert("f90".into(), json!(fib(90).to_string()));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bignum_adds_prints_and_takes_remainders() {
        assert_eq!(fib(0).to_string(), "0");
        assert_eq!(fib(1).to_string(), "1");
        assert_eq!(fib(90).to_string(), "2880067194370816120");
        let f1000 = fib(1000);
        let s = f1000.to_string();
        assert_eq!(s.len(), 209);
        assert!(s.ends_with("76137795166849228875"));
        assert_eq!(f1000.last_digits(12), &s[s.len() - 12..]);
        assert_eq!(fib(10_000).last_digits(12), "059947366875");
        let mut x = BigUint::from_u64(u64::MAX);
        x.add_assign(&BigUint::from_u64(1));
        assert_eq!(x.to_string(), "18446744073709551616");
        assert_eq!(x.bits(), 65);
    }

    #[test]
    fn illegal_input_is_a_message() {
        assert_eq!(parse_n(" 42 "), Ok(42));
        assert!(parse_n("-1").unwrap_err().contains("negative"));
        assert!(parse_n("x").unwrap_err().contains("not a whole number"));
        assert!(parse_n("").is_err());
        assert!(parse_n("99999999999999999999999999").is_err());
    }

    #[test]
    fn the_summary_in_words() {
        let rows = super::describe_summary(
            &serde_json::json!({"max_ui_stall_ms_frozen": 558.2, "frozen_compute_ms": 554.9, "tick_ms": 16,
            "max_ui_stall_ms_threaded": 23.2, "display_updates": 48, "skipped_full": 33,
            "computed": 80000, "last_digits": "783534013125", "bits": 55539, "value_ok": true,
            "deadlock_detected": true, "fix_joined": true, "fix_join_ms": 0.2,
            "illegal_inputs_rejected": 5, "held_ms_threaded": 1.0}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.contains(
                &"no tick for 558.2 ms (the calculation took 554.9 ms; a tick is due every 16 ms)"
            ),
            "{values:?}"
        );
        assert!(
            values.contains(&"deadlock: join() never returned"),
            "{values:?}"
        );
    }
}
