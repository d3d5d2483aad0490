//! `thread-order` — the deck's "Thread Order": Thread 1 prints a, b, c and
//! Thread 2 prints 1, 2, 3. Run many times, the two threads' statements
//! interleave in different ways; a histogram counts each interleaving seen.
//!
//! Both threads are real OS threads (pythreading [`Thread`]s). "print"
//! appends one token to a shared output under a pythreading [`Lock`], so a
//! token is never torn and the output is the order in which the prints
//! happened. On an idle two-core machine two tiny threads rarely overlap by
//! themselves, so before each print a thread may sleep a few random
//! microseconds (`jitter`, drawn from `seed`): the seed fixes the jitter,
//! not the outcome — the OS scheduler still decides.
//!
//! `mode=enumerate` walks every reachable interleaving instead: a scheduler
//! decides whose statement runs next, and the same two real threads hand a
//! turn token (a pythreading [`Condition`] with a schedule) back and forth,
//! so each of the C(6,3) = 20 schedules is executed exactly once. The TUI
//! can use [`Turns`] to let the learner pick the next thread.

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::pythreading::{Condition, Event, Lock, Observer};

use super::control::{Cancelled, Control};
use super::event::{DemoEvent, LaneState};
use super::kit::{Crew, POLL, Rng, crew_lanes, wait_until};
use super::params::{ParamKind, ParamSpec};
use super::session::{Ctx, Demo, DemoFailure, DemoInfo, Narrator};

/// What Thread 1 prints.
pub const LETTERS: [&str; 3] = ["a", "b", "c"];
/// What Thread 2 prints.
pub const DIGITS: [&str; 3] = ["1", "2", "3"];

/// The demo (see the module docs).
pub struct ThreadOrder;

/// The registered instance.
pub static DEMO: ThreadOrder = ThreadOrder;

/// Id, texts and parameters.
pub static INFO: DemoInfo = DemoInfo {
    id: "thread-order",
    title: "Thread Order",
    about: "two threads print a,b,c and 1,2,3: which interleavings appear, and how often",
    explain: "Thread 1 prints a, b, c; Thread 2 prints 1, 2, 3. Within each thread the \
order never changes — that is program order, and every sequence in the histogram keeps it. \
How the two sequences interleave is up to the scheduler: there are C(6,3) = 20 ways to merge \
3 + 3 statements, and which of them you see, and how often, depends on timing, not on the \
program. That is the deck's \"non-determinate\".\n\n\
Two tiny threads on an idle two-core machine rarely interleave by themselves: the first one \
is often done before the second is even running. So each thread sleeps a random few \
microseconds before each print (`jitter`, drawn from `seed`). The seed fixes the jitter, not \
the outcome: the OS still decides, so two runs with the same seed may differ. Set jitter to 0 \
to see how lopsided the natural histogram is — rare is not never.\n\n\
`mode=enumerate` replaces chance with a scheduler: the two real threads hand a turn token \
back and forth following a chosen schedule, and the demo walks all 20. To be the scheduler \
yourself, statement by statement (as in The Deadlock Empire), play the challenge \
`thread-order-abc`: Challenges on the home screen, or the lesson's challenge link.\n\n\
Here each print is one atomic append under a lock. In the deck's Python 2, `print \"a,\",` was \
several bytecodes; in Python 3, print() writes each argument, separator and end separately, so \
unlocked prints from two threads can even mix inside one line.",
    params: &[
        ParamSpec {
            key: "runs",
            help: "how many times to run the two threads",
            kind: ParamKind::Int {
                default: 200,
                min: 1,
                max: 100_000,
            },
        },
        ParamSpec {
            key: "mode",
            help: "run: let the OS schedule; enumerate: walk every interleaving; choose: you pick the thread for each statement",
            kind: ParamKind::Choice {
                default: "run",
                choices: &["run", "enumerate", "choose"],
            },
        },
        ParamSpec {
            key: "jitter",
            help: "largest random sleep before each print, in microseconds (0: none)",
            kind: ParamKind::Int {
                default: 50,
                min: 0,
                max: 5_000,
            },
        },
        ParamSpec {
            key: "seed",
            help: "seed for the jitter",
            kind: ParamKind::Int {
                default: 1,
                min: 0,
                max: i64::MAX,
            },
        },
    ],
};

/// The shared "stdout": `print` appends a token under [`Lock`]. The Lock is
/// the one the lesson is about (and the lanes show); the `Mutex` is only
/// Rust's way to store the text and is never contended, since every access
/// happens while holding the Lock.
struct Stdout {
    lock: Lock,
    text: Mutex<Vec<&'static str>>,
}

impl Stdout {
    fn new(observer: Arc<dyn Observer>) -> Stdout {
        Stdout {
            lock: Lock::with_observer("stdout", observer),
            text: Mutex::new(Vec::with_capacity(6)),
        }
    }

    /// `print(token)` by thread `who`: one visible step, narrated with the
    /// output so far.
    fn print(
        &self,
        control: &Control,
        say: &Narrator,
        who: &str,
        token: &'static str,
    ) -> Result<(), Cancelled> {
        wait_until(control, || self.lock.acquire_timeout(POLL))?;
        let paced = say.pace(false);
        if paced.is_ok() {
            let mut text = self.text.lock().unwrap_or_else(PoisonError::into_inner);
            text.push(token);
            say.say(
                format!("{who} prints {token}: output so far {}", text.join(" ")),
                false,
            );
        }
        let _ = self.lock.release();
        paced
    }

    fn take(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.text.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Every schedule of `a` statements of thread 1 and `b` of thread 2: each
/// is the list of which thread (1 or 2) runs each step, in lexicographic
/// order. There are C(a+b, a) of them.
pub fn schedules(a: usize, b: usize) -> Vec<Vec<u8>> {
    fn walk(a: usize, b: usize, prefix: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
        if a == 0 && b == 0 {
            out.push(prefix.clone());
            return;
        }
        if a > 0 {
            prefix.push(1);
            walk(a - 1, b, prefix, out);
            prefix.pop();
        }
        if b > 0 {
            prefix.push(2);
            walk(a, b - 1, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(a, b, &mut Vec::new(), &mut out);
    out
}

/// What a schedule prints.
pub fn expected_output(schedule: &[u8]) -> Vec<&'static str> {
    let (mut i, mut j) = (0, 0);
    schedule
        .iter()
        .map(|&t| {
            if t == 1 {
                i += 1;
                LETTERS[i - 1]
            } else {
                j += 1;
                DIGITS[j - 1]
            }
        })
        .collect()
}

/// Whether a printed sequence has all six tokens, with a, b, c in that
/// order and 1, 2, 3 in that order.
pub fn keeps_program_order(seq: &[&str]) -> bool {
    let letters: Vec<&str> = seq
        .iter()
        .copied()
        .filter(|s| LETTERS.contains(s))
        .collect();
    let digits: Vec<&str> = seq.iter().copied().filter(|s| DIGITS.contains(s)).collect();
    seq.len() == 6 && letters == LETTERS && digits == DIGITS
}

/// A turn token for scheduled runs: a [`Condition`] and a schedule saying
/// which thread runs each step. A thread calls [`Turns::wait_turn`] before
/// its statement and [`Turns::pass`] after it.
pub struct Turns {
    cond: Condition,
    /// Grows while it runs in `mode=choose` (the learner adds each step).
    schedule: Mutex<Vec<u8>>,
    pos: AtomicUsize,
}

impl Turns {
    /// A token following `schedule` (thread numbers, one per step).
    pub fn new(schedule: Vec<u8>) -> Turns {
        Turns {
            cond: Condition::with_lock(Lock::new()),
            schedule: Mutex::new(schedule),
            pos: AtomicUsize::new(0),
        }
    }

    /// Waits until the schedule says `me` runs the next step.
    pub fn wait_turn(&self, me: u8, control: &Control) -> Result<(), Cancelled> {
        wait_until(control, || self.cond.acquire_timeout(POLL))?;
        let result = loop {
            let pos = self.pos.load(Ordering::Relaxed);
            let next = self
                .schedule
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(pos)
                .copied();
            if next == Some(me) {
                break Ok(());
            }
            if control.is_cancelled() {
                break Err(Cancelled);
            }
            let _ = self.cond.wait_timeout(POLL);
        };
        let _ = self.cond.release();
        result
    }

    /// Add a step to the schedule (the learner chose `me` to run next).
    pub fn push(&self, me: u8, control: &Control) -> Result<(), Cancelled> {
        wait_until(control, || self.cond.acquire_timeout(POLL))?;
        self.schedule
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(me);
        let _ = self.cond.notify_all();
        let _ = self.cond.release();
        Ok(())
    }

    /// How many steps have run.
    pub fn done(&self) -> usize {
        self.pos.load(Ordering::Relaxed)
    }

    /// The current step is done: the next one may run.
    pub fn pass(&self, control: &Control) -> Result<(), Cancelled> {
        wait_until(control, || self.cond.acquire_timeout(POLL))?;
        self.pos.fetch_add(1, Ordering::Relaxed);
        let _ = self.cond.notify_all();
        let _ = self.cond.release();
        Ok(())
    }
}

/// How one run is driven.
enum Driver {
    /// Free-running threads with random sleeps of up to this many µs.
    Jitter { max_us: u64, seed: u64 },
    /// Following a schedule.
    Schedule(Arc<Turns>),
}

/// Runs Thread 1 and Thread 2 once; returns what they printed.
fn run_once(ctx: &Ctx, driver: Driver) -> Result<Vec<&'static str>, DemoFailure> {
    let obs = crew_lanes(ctx.sink());
    let out = Arc::new(Stdout::new(Arc::clone(&obs)));
    let go = Arc::new(Event::new());
    let driver = Arc::new(driver);
    let mut crew = Crew::new(ctx).observed(obs);
    for (me, tokens) in [(1u8, LETTERS), (2u8, DIGITS)] {
        let (out, go, driver) = (Arc::clone(&out), Arc::clone(&go), Arc::clone(&driver));
        let control = Arc::clone(&ctx.control);
        let sink = ctx.sink();
        let say = ctx.narrator();
        let name = format!("Thread-{me}");
        crew.spawn(name.clone(), move || {
            let body = || -> Result<(), Cancelled> {
                // Both threads start together, when the controller says go.
                wait_until(&control, || go.wait_timeout(POLL))?;
                let mut rng = match &*driver {
                    Driver::Jitter { seed, .. } => Rng::new(*seed ^ (u64::from(me) << 56)),
                    Driver::Schedule(_) => Rng::new(0),
                };
                for token in tokens {
                    control.checkpoint()?;
                    match &*driver {
                        Driver::Jitter { max_us, .. } => {
                            let us = rng.below(max_us + 1);
                            if us > 0 {
                                sink.lane(name.as_str(), LaneState::Sleeping);
                                std::thread::sleep(Duration::from_micros(us));
                                sink.lane(name.as_str(), LaneState::Running);
                            }
                            out.print(&control, &say, &name, token)?;
                        }
                        Driver::Schedule(turns) => {
                            sink.lane(name.as_str(), LaneState::Waiting("turn".into()));
                            turns.wait_turn(me, &control)?;
                            sink.lane(name.as_str(), LaneState::Running);
                            out.print(&control, &say, &name, token)?;
                            turns.pass(&control)?;
                        }
                    }
                }
                Ok(())
            };
            let _ = body();
        })?;
    }
    go.set();
    crew.join()?;
    Ok(out.take())
}

/// `mode=choose`: the learner is the scheduler (as in The Deadlock Empire).
/// Before each statement the demo asks which thread runs it, showing the
/// output so far; the two real threads wait for their turn and print when
/// given it. Round after round, until the learner has produced all 20
/// interleavings or `runs` rounds are done; each round says whether its
/// interleaving was new and how many of the 20 the learner has produced.
fn choose(ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
    let possible = schedules(3, 3).len();
    let rounds = ctx.params.int("runs").max(1) as u64;
    ctx.phase("you are the scheduler: pick the thread that runs the next statement");
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut in_order = true;
    let mut runs = 0u64;
    while runs < rounds && counts.len() < possible {
        let seq = choose_once(ctx)?;
        runs += 1;
        in_order &= keeps_program_order(&seq);
        let label = seq.join(" ");
        let new = !counts.contains_key(&label);
        *counts.entry(label.clone()).or_default() += 1;
        ctx.key_step(format!(
            "you scheduled {label}: {} — {} of {possible} interleavings produced",
            if new {
                "a new interleaving"
            } else {
                "seen before"
            },
            counts.len()
        ))?;
        ctx.log(format!(
            "round {runs}: {label} ({}); {} of {possible} produced",
            if new { "new" } else { "seen before" },
            counts.len()
        ));
        ctx.count("runs", runs as f64);
        ctx.count("distinct", counts.len() as f64);
        ctx.histogram_of("interleavings", "runs", bars(&counts));
    }
    let mut summary = Map::new();
    summary.insert("mode".into(), json!("choose"));
    summary.insert("runs".into(), json!(runs));
    summary.insert("distinct".into(), json!(counts.len()));
    summary.insert("possible".into(), json!(possible));
    summary.insert("interleavings".into(), json!(counts));
    summary.insert("respects_program_order".into(), json!(in_order));
    Ok(summary)
}

/// One round of `mode=choose`: six prompts, six prints.
fn choose_once(ctx: &Ctx) -> Result<Vec<&'static str>, DemoFailure> {
    let turns = Arc::new(Turns::new(Vec::new()));
    std::thread::scope(|s| -> Result<Vec<&'static str>, DemoFailure> {
        let runner = s.spawn(|| run_once(ctx, Driver::Schedule(Arc::clone(&turns))));
        let mut next = [0usize, 0usize];
        let mut so_far: Vec<&'static str> = Vec::new();
        let result = (|| -> Result<(), DemoFailure> {
            while next[0] < LETTERS.len() || next[1] < DIGITS.len() {
                let mut threads = Vec::new();
                let mut options = Vec::new();
                for (t, tokens) in [(0usize, LETTERS), (1, DIGITS)] {
                    if let Some(tok) = tokens.get(next[t]) {
                        threads.push(t);
                        options.push(format!("Thread-{}: print \"{tok},\"", t + 1));
                    }
                }
                ctx.emit(DemoEvent::Prompt {
                    t_ms: ctx.t_ms(),
                    question: if so_far.is_empty() {
                        "Output so far: (nothing). Which thread runs next?".into()
                    } else {
                        format!(
                            "Output so far: {}. Which thread runs next?",
                            so_far.join(" ")
                        )
                    },
                    options,
                });
                let choice = ctx.control.next_choice()?;
                let Some(&t) = threads.get(choice) else {
                    continue;
                };
                let step = turns.done();
                turns.push(t as u8 + 1, &ctx.control)?;
                // Wait for that statement to run before asking again.
                while turns.done() == step {
                    ctx.control.sleep(Duration::from_millis(2))?;
                }
                let tokens = if t == 0 { LETTERS } else { DIGITS };
                so_far.push(tokens[next[t]]);
                next[t] += 1;
            }
            Ok(())
        })();
        if result.is_err() {
            ctx.control.cancel();
        }
        let seq = runner
            .join()
            .map_err(|_| DemoFailure::Failed("a thread panicked".into()))??;
        result.map(|_| seq)
    })
}

fn bars(counts: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut bars: Vec<(String, u64)> = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    bars
}

/// `1 time`, `3 times`.
fn times(n: u64) -> String {
    if n == 1 {
        "1 time".into()
    } else {
        format!("{n} times")
    }
}

/// The summary in words: `17 of 20 interleavings seen in 200 runs`.
pub fn describe(s: &Value) -> Vec<(String, String)> {
    let u = |k: &str| s[k].as_u64().unwrap_or(0);
    let mode = s["mode"].as_str().unwrap_or("run");
    let mut rows = vec![(
        "interleavings".to_string(),
        match mode {
            "choose" => format!(
                "you produced {} of {} in {} rounds",
                u("distinct"),
                u("possible"),
                u("runs")
            ),
            _ => format!(
                "{} of {} seen in {} runs",
                u("distinct"),
                u("possible"),
                u("runs")
            ),
        },
    )];
    if let Some(m) = s["interleavings"].as_object() {
        let counts: Vec<u64> = m.values().map(|v| v.as_u64().unwrap_or(0)).collect();
        if let (Some(least), Some(most)) = (counts.iter().min(), counts.iter().max()) {
            rows.push((
                "how often".into(),
                if least == most {
                    format!("each {}", times(*most))
                } else {
                    format!("each between {least} and {most} times")
                },
            ));
        }
    }
    if mode == "enumerate" {
        rows.push((
            "schedules".into(),
            format!(
                "{} walked, {} printed something else",
                u("schedules"),
                u("schedule_mismatches")
            ),
        ));
    }
    rows.push((
        "program order".into(),
        if s["respects_program_order"].as_bool() == Some(true) {
            "kept in every run: a b c and 1 2 3 never swapped".into()
        } else {
            "BROKEN in some run".into()
        },
    ));
    rows
}

impl Demo for ThreadOrder {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }

    fn describe(&self, summary: &Value) -> Vec<(String, String)> {
        describe(summary)
    }

    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let enumerate = ctx.params.text("mode") == "enumerate";
        if ctx.params.text("mode") == "choose" {
            return choose(ctx);
        }
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let mut in_order = true;
        let mut runs = 0u64;
        let mut mismatches = 0u64;
        let mut summary = Map::new();
        if enumerate {
            let all = schedules(LETTERS.len(), DIGITS.len());
            ctx.phase(format!("walking all {} schedules", all.len()));
            for (i, schedule) in all.iter().enumerate() {
                ctx.step(format!(
                    "schedule {} of {}: the threads take turns {}",
                    i + 1,
                    all.len(),
                    schedule
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                ))?;
                let expected = expected_output(schedule);
                let turns = Arc::new(Turns::new(schedule.clone()));
                let seq = run_once(ctx, Driver::Schedule(turns))?;
                runs += 1;
                if seq != expected {
                    mismatches += 1;
                    ctx.error(format!(
                        "schedule {} printed {} instead of {}",
                        i + 1,
                        seq.join(" "),
                        expected.join(" ")
                    ));
                }
                in_order &= keeps_program_order(&seq);
                let order: String = schedule.iter().map(|t| t.to_string()).collect();
                ctx.log(format!(
                    "schedule {:>2}: threads {order} print {}",
                    i + 1,
                    seq.join(" ")
                ));
                *counts.entry(seq.join(" ")).or_default() += 1;
                ctx.count("runs", runs as f64);
                ctx.count("distinct", counts.len() as f64);
                ctx.histogram_of("interleavings", "runs", bars(&counts));
            }
            summary.insert("total".into(), json!(counts.len()));
            summary.insert("schedules".into(), json!(all.len()));
            summary.insert("schedule_mismatches".into(), json!(mismatches));
        } else {
            let n = ctx.params.int("runs").max(1) as u64;
            let max_us = ctx.params.int("jitter").max(0) as u64;
            let seed = ctx.params.int("seed").max(0) as u64;
            ctx.phase(format!("{n} runs, jitter up to {max_us} µs"));
            let mut seeds = Rng::new(seed);
            for run in 1..=n {
                ctx.step(format!(
                    "run {run} of {n}: Thread-1 (a b c) and Thread-2 (1 2 3) start"
                ))?;
                let seq = run_once(
                    ctx,
                    Driver::Jitter {
                        max_us,
                        seed: seeds.next_u64(),
                    },
                )?;
                runs += 1;
                if !keeps_program_order(&seq) {
                    in_order = false;
                    ctx.error(format!("out of program order: {}", seq.join(" ")));
                }
                let label = seq.join(" ");
                let new = !counts.contains_key(&label);
                *counts.entry(label.clone()).or_default() += 1;
                if new {
                    ctx.log(format!("run {runs}: new interleaving {label}"));
                    ctx.key_step(format!(
                        "run {runs} printed {label}: a new interleaving, {} of {} seen",
                        counts.len(),
                        schedules(3, 3).len()
                    ))?;
                }
                ctx.count("runs", runs as f64);
                ctx.count("distinct", counts.len() as f64);
                if new || runs.is_multiple_of(10) || runs == n {
                    ctx.histogram_of("interleavings", "runs", bars(&counts));
                }
            }
        }
        ctx.log(format!(
            "{} distinct interleavings in {runs} runs (of {} possible)",
            counts.len(),
            schedules(3, 3).len()
        ));
        summary.insert("mode".into(), json!(ctx.params.text("mode")));
        summary.insert("runs".into(), json!(runs));
        summary.insert("distinct".into(), json!(counts.len()));
        summary.insert("possible".into(), json!(schedules(3, 3).len()));
        summary.insert("interleavings".into(), json!(counts));
        summary.insert("respects_program_order".into(), json!(in_order));
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_schedules_twenty_outputs_all_in_order() {
        let all = schedules(3, 3);
        assert_eq!(all.len(), 20);
        let outs: std::collections::BTreeSet<Vec<&str>> =
            all.iter().map(|s| expected_output(s)).collect();
        assert_eq!(outs.len(), 20);
        assert!(outs.iter().all(|o| keeps_program_order(o)));
        assert_eq!(schedules(2, 2).len(), 6);
    }

    #[test]
    fn program_order_check_rejects_swaps_and_gaps() {
        assert!(keeps_program_order(&["1", "a", "b", "2", "c", "3"]));
        assert!(!keeps_program_order(&["b", "a", "c", "1", "2", "3"]));
        assert!(!keeps_program_order(&["a", "b", "c", "1", "3", "2"]));
        assert!(!keeps_program_order(&["a", "b", "c", "1", "2"]));
    }

    #[test]
    fn the_summary_in_words() {
        let rows = super::describe(
            &serde_json::json!({"mode": "run", "runs": 200, "distinct": 17, "possible": 20,
            "interleavings": {"a b c 1 2 3": 1, "1 2 3 a b c": 42, "a 1 b 2 c 3": 7},
            "respects_program_order": true}),
        );
        assert!(
            rows.iter()
                .all(|(k, v)| !k.contains(['{', '}']) && !v.contains(['{', '}'])),
            "{rows:?}"
        );
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        assert!(values.contains(&"17 of 20 seen in 200 runs"), "{values:?}");
        assert!(
            values.contains(&"each between 1 and 42 times"),
            "{values:?}"
        );
    }
}
