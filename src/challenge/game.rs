//! A level in play: moves, undo, restart, the schedule, outcomes and the
//! narration of what happened.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::compile::Program;
use super::machine::{Block, Life, Machine, State, obj_name, repr};
use super::value::{ExcKind, MAIN, Obj, Value};

/// Most moves one game (or one schedule) may have.
pub const MAX_STEPS: usize = 10_000;

/// What the learner must make happen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Goal {
    /// Two threads inside `critical_section()` at once.
    CriticalSection,
    /// Every unfinished thread blocked.
    Deadlock,
    /// An uncaught exception in a thread (of the named class, if given).
    Exception(Option<String>),
    /// An `assert` fails (in a thread or in `after`).
    Assert,
    /// The printed output equals this text (trailing whitespace aside).
    Output(String),
    /// The same state recurs while every thread that could run took a step.
    Livelock,
}

impl Goal {
    /// The goal's key in level files.
    pub fn key(&self) -> &'static str {
        match self {
            Goal::CriticalSection => "critical-section",
            Goal::Deadlock => "deadlock",
            Goal::Exception(_) => "exception",
            Goal::Assert => "assert",
            Goal::Output(_) => "output",
            Goal::Livelock => "livelock",
        }
    }

    /// One line for the learner.
    pub fn describe(&self) -> String {
        match self {
            Goal::CriticalSection => "get two threads into the critical section at once".into(),
            Goal::Deadlock => "bring every thread to a standstill (a deadlock)".into(),
            Goal::Exception(None) => "make a thread raise an exception it does not catch".into(),
            Goal::Exception(Some(n)) => format!("make a thread raise {n}"),
            Goal::Assert => "make an assert fail".into(),
            Goal::Output(t) => format!("make the program print exactly:\n{}", t.trim_end()),
            Goal::Livelock => {
                "make the threads go round in circles: a state recurs while every thread that could run took a step (a livelock)".into()
            }
        }
    }
}

/// The level as written, or its `[fixed]` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    Original,
    Fixed,
}

/// One move: step thread `thread` (0-based) by a statement, or by one
/// bytecode when `expand`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Move {
    pub thread: usize,
    pub expand: bool,
}

impl fmt::Display for Move {
    /// As in a schedule: `2` or `2e` (1-based).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            self.thread + 1,
            if self.expand { "e" } else { "" }
        )
    }
}

/// Parse a schedule such as `1,1,2,2e,1` (spaces allowed; empty is none).
pub fn parse_schedule(s: &str) -> Result<Vec<Move>, String> {
    let mut out = Vec::new();
    let s = s.trim();
    if s.is_empty() {
        return Ok(out);
    }
    for (i, part) in s.split(',').enumerate() {
        let p = part.trim();
        let (num, expand) = match p.strip_suffix('e') {
            Some(n) => (n, true),
            None => (p, false),
        };
        let n: usize = num.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
            format!(
                "step {}: `{p}` is not a move (a thread number, then `e` for one bytecode)",
                i + 1
            )
        })?;
        if out.len() >= MAX_STEPS {
            return Err(format!("the schedule is longer than {MAX_STEPS} steps"));
        }
        out.push(Move {
            thread: n - 1,
            expand,
        });
    }
    Ok(out)
}

/// Format moves as a schedule string.
pub fn format_schedule(moves: &[Move]) -> String {
    moves
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Why a move cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IllegalMove {
    NoSuchThread { thread: usize, threads: usize },
    Finished { thread: String },
    Blocked { thread: String, why: String },
    NotExpandable { thread: String, text: String },
    GameOver,
    TooManySteps,
}

impl fmt::Display for IllegalMove {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IllegalMove::NoSuchThread { thread, threads } => {
                write!(
                    f,
                    "there is no thread {} (threads 1 to {threads})",
                    thread + 1
                )
            }
            IllegalMove::Finished { thread } => write!(f, "{thread} has finished"),
            IllegalMove::Blocked { thread, why } => write!(f, "{thread} is blocked: {why}"),
            IllegalMove::NotExpandable { thread, text } => write!(
                f,
                "{thread}'s statement `{text}` is atomic: it has no bytecode steps to take one at a time"
            ),
            IllegalMove::GameOver => f.write_str("the level is over (undo or restart)"),
            IllegalMove::TooManySteps => write!(f, "more than {MAX_STEPS} steps"),
        }
    }
}

/// How the level stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Running,
    Win { reason: String },
    Loss { reason: String },
}

/// What one move did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub mv: Move,
    pub thread: String,
    /// 1-based line of the statement in the thread's code.
    pub line: usize,
    /// The statement's text.
    pub text: String,
    /// What happened, in words ("read total = 0", "acquired lock").
    pub events: Vec<String>,
}

/// A thread as shown on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadStatus {
    Runnable,
    /// Blocked, and on what.
    Blocked(String),
    Finished,
    /// Ended by an uncaught exception (`RuntimeError: release unlocked lock`).
    Died(String),
    /// A daemon thread stopped when the program ended.
    CutOff,
}

/// One thread for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadView {
    pub name: String,
    pub daemon: bool,
    /// The thread's code, one entry per line.
    pub code: Vec<String>,
    /// 1-based line of the statement it will run next (`None` when done).
    pub line: Option<usize>,
    /// The text of that statement.
    pub statement: String,
    pub status: ThreadStatus,
    /// The next statement may be stepped one bytecode at a time.
    pub expandable: bool,
    /// `dis` listing of the current statement (empty if it has none).
    pub bytecode: Vec<String>,
    /// Index in `bytecode` of the next instruction, when mid-statement.
    pub bytecode_pos: Option<usize>,
    /// Inside the critical section.
    pub in_critical: bool,
    /// Values on its stack mid-statement (as `repr`s), bottom first.
    pub stack: Vec<String>,
    /// Its local variables.
    pub locals: Vec<(String, String)>,
}

/// A synchronisation object or container for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectView {
    /// The global name bound to it (or `lock of cond` ...).
    pub name: String,
    /// Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Queue,
    /// Barrier, list or dict.
    pub kind: &'static str,
    /// The holding thread (locks).
    pub owner: Option<String>,
    /// Semaphore value, RLock recursion count, queue size, barrier count.
    pub count: Option<i64>,
    /// Queue or list items (reprs).
    pub contents: Vec<String>,
    /// Threads waiting on it.
    pub waiters: Vec<String>,
    /// One line: `Lock lock: held by Thread-1`.
    pub summary: String,
}

/// A level in play.
#[derive(Debug, Clone)]
pub struct Game {
    prog: Arc<Program>,
    goal: Goal,
    initial: State,
    history: Vec<State>,
    moves: Vec<Move>,
    reports: Vec<StepReport>,
    outcomes: Vec<Outcome>,
    seen: HashMap<u64, Vec<usize>>,
}

/// A 64-bit hash of a state (std's SipHash with fixed keys: the same in
/// every run).
pub fn state_hash(st: &State) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    st.hash(&mut h);
    h.finish()
}

impl Game {
    /// Start a compiled program with a goal. Fails when the setup code does.
    pub fn from_program(prog: Arc<Program>, goal: Goal) -> Result<Game, String> {
        let initial = Machine { prog: &prog }.initial()?;
        let mut g = Game {
            prog,
            goal,
            initial: initial.clone(),
            history: vec![initial],
            moves: Vec::new(),
            reports: Vec::new(),
            outcomes: Vec::new(),
            seen: HashMap::new(),
        };
        let o = evaluate(&g.prog, &g.goal, g.state());
        g.outcomes.push(o);
        g.seen.insert(state_hash(g.state()), vec![0]);
        Ok(g)
    }

    fn machine(&self) -> Machine<'_> {
        Machine { prog: &self.prog }
    }

    /// The current state.
    pub fn state(&self) -> &State {
        self.history.last().unwrap_or(&self.initial)
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.prog
    }

    pub fn goal(&self) -> &Goal {
        &self.goal
    }

    /// A hash of the current state.
    pub fn state_hash(&self) -> u64 {
        state_hash(self.state())
    }

    /// How many moves have been made.
    pub fn steps(&self) -> usize {
        self.moves.len()
    }

    pub fn outcome(&self) -> &Outcome {
        self.outcomes.last().unwrap_or(&Outcome::Running)
    }

    /// The moves so far.
    pub fn moves(&self) -> &[Move] {
        &self.moves
    }

    /// The schedule so far: `1,1,2,2e,1`.
    pub fn schedule(&self) -> String {
        format_schedule(&self.moves)
    }

    /// Everything printed so far.
    pub fn output(&self) -> &str {
        &self.state().output
    }

    /// What each move did.
    pub fn reports(&self) -> &[StepReport] {
        &self.reports
    }

    /// Whether `mv` can be made now, and why not.
    pub fn check(&self, mv: Move) -> Result<(), IllegalMove> {
        if self.outcome() != &Outcome::Running {
            return Err(IllegalMove::GameOver);
        }
        check_move(&self.prog, self.state(), mv)?;
        if self.moves.len() >= MAX_STEPS {
            return Err(IllegalMove::TooManySteps);
        }
        Ok(())
    }

    /// Every legal move now, in thread order (`N` before `Ne`).
    pub fn legal_moves(&self) -> Vec<Move> {
        if self.outcome() != &Outcome::Running {
            return Vec::new();
        }
        legal_moves(&self.prog, self.state())
    }

    /// Make a move.
    pub fn step(&mut self, mv: Move) -> Result<StepReport, IllegalMove> {
        self.check(mv)?;
        let mut st = self.state().clone();
        let (line, text) = current_stmt(&self.prog, &st, mv.thread);
        let events = self.machine().run(&mut st, mv.thread as u16, mv.expand);
        let report = StepReport {
            mv,
            thread: self.prog.threads[mv.thread].name.clone(),
            line,
            text,
            events,
        };
        self.history.push(st);
        self.moves.push(mv);
        self.reports.push(report.clone());
        let idx = self.history.len() - 1;
        let mut outcome = evaluate(&self.prog, &self.goal, self.state());
        let h = self.state_hash();
        if self.goal == Goal::Livelock
            && outcome == Outcome::Running
            && let Some(earlier) = self.seen.get(&h)
        {
            for &j in earlier {
                if self.history[j] != self.history[idx] {
                    continue;
                }
                let needed = runnable_mask(&self.prog, &self.history[j]);
                let took = self.moves[j..idx]
                    .iter()
                    .fold(0u64, |m, mv| m | (1u64 << mv.thread.min(63)));
                if needed & !took == 0 && needed != 0 {
                    outcome = Outcome::Win {
                        reason: format!(
                            "livelock: after step {} the program is back where it was after step {j}, and every thread that could run took a step in between; it can go round this loop for ever",
                            idx
                        ),
                    };
                    break;
                }
            }
        }
        self.seen.entry(h).or_default().push(idx);
        self.outcomes.push(outcome);
        Ok(report)
    }

    /// Take back the last move; false when there is none.
    pub fn undo(&mut self) -> bool {
        if self.moves.is_empty() {
            return false;
        }
        let idx = self.history.len() - 1;
        let h = self.state_hash();
        if let Some(v) = self.seen.get_mut(&h) {
            v.retain(|i| *i != idx);
            if v.is_empty() {
                self.seen.remove(&h);
            }
        }
        self.history.pop();
        self.moves.pop();
        self.reports.pop();
        self.outcomes.pop();
        true
    }

    /// Back to the start.
    pub fn restart(&mut self) {
        while self.undo() {}
    }

    /// Play a schedule from the current position. On an illegal move,
    /// returns its 1-based number in the schedule and why (the moves before
    /// it stay made).
    pub fn replay(&mut self, moves: &[Move]) -> Result<(), (usize, IllegalMove)> {
        for (i, mv) in moves.iter().enumerate() {
            self.step(*mv).map_err(|e| (i + 1, e))?;
        }
        Ok(())
    }

    /// The threads, for display.
    pub fn threads(&self) -> Vec<ThreadView> {
        let st = self.state();
        let m = self.machine();
        self.prog
            .threads
            .iter()
            .enumerate()
            .map(|(i, tc)| {
                let t = &st.threads[i];
                let status = thread_status(&self.prog, st, i);
                let alive = t.life == Life::Alive;
                let ins = tc.code.instrs.get(t.pc as usize);
                let stmt = ins.map(|x| &tc.code.stmts[x.stmt as usize]);
                let mid = ins.is_some_and(|x| !x.start) || t.pending.is_some();
                let names = |k: u16| m.thread_name(k);
                ThreadView {
                    name: tc.name.clone(),
                    daemon: tc.daemon,
                    code: tc.code.source.lines().map(str::to_string).collect(),
                    line: if alive { stmt.map(|s| s.line) } else { None },
                    statement: if alive {
                        stmt.map(|s| s.text.clone()).unwrap_or_default()
                    } else {
                        String::new()
                    },
                    status,
                    expandable: alive && stmt.is_some_and(|s| s.expandable),
                    bytecode: if alive {
                        stmt.map(|s| s.dis.clone()).unwrap_or_default()
                    } else {
                        Vec::new()
                    },
                    bytecode_pos: if alive && mid {
                        ins.and_then(|x| x.row).map(usize::from)
                    } else {
                        None
                    },
                    in_critical: t.in_critical,
                    stack: t
                        .stack
                        .iter()
                        .filter(|v| !matches!(v, Value::Null))
                        .map(|v| repr(st, v, &names, 0))
                        .collect(),
                    locals: tc
                        .code
                        .locals
                        .iter()
                        .zip(&t.locals)
                        .filter_map(|(n, v)| {
                            v.as_ref().map(|v| (n.clone(), repr(st, v, &names, 0)))
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Global variables that hold plain values or containers: (name, repr).
    /// Synchronisation objects are in [`Game::objects`].
    pub fn globals(&self) -> Vec<(String, String)> {
        let st = self.state();
        let m = self.machine();
        let names = |k: u16| m.thread_name(k);
        self.prog
            .globals
            .iter()
            .zip(&st.globals)
            .filter_map(|(n, v)| {
                let v = v.as_ref()?;
                match v {
                    Value::Obj(id) => match st.heap.get(*id as usize) {
                        Some(Obj::List(_) | Obj::Dict(_)) => {}
                        _ => return None,
                    },
                    Value::Thread(_) => return None,
                    _ => {}
                }
                Some((n.clone(), repr(st, v, &names, 0)))
            })
            .collect()
    }

    /// The synchronisation objects bound to globals, in the order of the
    /// globals (a Condition's own lock comes after it).
    pub fn objects(&self) -> Vec<ObjectView> {
        let st = self.state();
        let m = self.machine();
        let names = |k: u16| m.thread_name(k);
        let who = |o: &Option<u16>| o.map(|t| m.thread_name(t));
        let mut ids: Vec<u32> = Vec::new();
        for v in st.globals.iter().flatten() {
            if let Value::Obj(id) = v
                && !ids.contains(id)
            {
                ids.push(*id);
                if let Some(Obj::Condition { lock, .. }) = st.heap.get(*id as usize)
                    && !ids.contains(lock)
                    && !st.globals.contains(&Some(Value::Obj(*lock)))
                {
                    ids.push(*lock);
                }
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(o) = st.heap.get(id as usize) else {
                continue;
            };
            let name = obj_name(&self.prog, st, id);
            let waiting_on = |id: u32| -> Vec<String> {
                st.threads
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| matches!(m.blocked(st, *i as u16), Some(Block::Object(b, _)) if b == id))
                    .map(|(i, _)| m.thread_name(i as u16))
                    .collect()
            };
            let (owner, count, contents, waiters) = match o {
                Obj::List(_) | Obj::Dict(_) => continue,
                Obj::Lock { owner } => (who(owner), None, Vec::new(), waiting_on(id)),
                Obj::RLock { owner, count } => (
                    who(owner),
                    Some(i64::from(*count)),
                    Vec::new(),
                    waiting_on(id),
                ),
                Obj::Semaphore { value, .. } => (None, Some(*value), Vec::new(), waiting_on(id)),
                Obj::Condition { waiters, .. } => (
                    None,
                    None,
                    Vec::new(),
                    waiters.iter().map(|w| m.thread_name(*w)).collect(),
                ),
                Obj::Event { flag, waiters } => (
                    None,
                    Some(i64::from(*flag)),
                    Vec::new(),
                    waiters.iter().map(|w| m.thread_name(*w)).collect(),
                ),
                Obj::Queue { items, .. } => (
                    None,
                    Some(items.len() as i64),
                    items.iter().map(|v| repr(st, v, &names, 0)).collect(),
                    waiting_on(id),
                ),
                Obj::Barrier { waiting, .. } => (
                    None,
                    Some(waiting.len() as i64),
                    Vec::new(),
                    waiting.iter().map(|w| m.thread_name(*w)).collect(),
                ),
            };
            let mut summary = format!("{} {name}: ", o.type_name());
            summary.push_str(&match o {
                Obj::Lock { .. } => match &owner {
                    Some(t) => format!("held by {t}"),
                    None => "free".into(),
                },
                Obj::RLock { count, .. } => match &owner {
                    Some(t) => format!("held by {t} ({count} deep)"),
                    None => "free".into(),
                },
                Obj::Semaphore { value, bound } => match bound {
                    Some(b) => format!("value {value} (at most {b})"),
                    None => format!("value {value}"),
                },
                Obj::Condition { lock, .. } => {
                    format!("lock {}", obj_name(&self.prog, st, *lock))
                }
                Obj::Event { flag, .. } => if *flag { "set" } else { "clear" }.into(),
                Obj::Queue {
                    maxsize,
                    unfinished,
                    ..
                } => {
                    let cap = if *maxsize > 0 {
                        format!(" of {maxsize}")
                    } else {
                        String::new()
                    };
                    format!("[{}]{cap}, {unfinished} unfinished", contents.join(", "))
                }
                Obj::Barrier { parties, .. } => {
                    format!("{} of {parties} waiting", count.unwrap_or(0))
                }
                Obj::List(_) | Obj::Dict(_) => String::new(),
            });
            if !waiters.is_empty() {
                summary.push_str(&format!("; waiting: {}", waiters.join(", ")));
            }
            out.push(ObjectView {
                name,
                kind: o.type_name(),
                owner,
                count,
                contents,
                waiters,
                summary,
            });
        }
        out
    }

    /// What happened, step by step in words, then the outcome.
    pub fn narration(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let what = if r.events.is_empty() {
                    format!("ran `{}`", r.text)
                } else {
                    r.events.join(", then ")
                };
                let how = if r.mv.expand { ", one bytecode" } else { "" };
                format!("{}. {} (line {}{how}): {what}.", i + 1, r.thread, r.line)
            })
            .collect();
        if let Some(lost) = self.lost_update() {
            out.push(lost);
        }
        match self.outcome() {
            Outcome::Running => {}
            Outcome::Win { reason } => out.push(format!("Won: {reason}.")),
            Outcome::Loss { reason } => out.push(format!("Lost: {reason}.")),
        }
        out
    }
}

impl Game {
    /// A lost update in the moves so far, in one sentence: "Thread-2 read
    /// total = 0 before Thread-1 stored 1; then Thread-2 stored 1 over it".
    pub fn lost_update(&self) -> Option<String> {
        // (step, thread, name, value) of reads and stores of globals.
        let mut reads: Vec<(usize, &str, &str, &str)> = Vec::new();
        let mut stores: Vec<(usize, &str, &str, &str)> = Vec::new();
        for (i, r) in self.reports.iter().enumerate() {
            for e in &r.events {
                if let Some(rest) = e.strip_prefix("read ")
                    && let Some((n, v)) = rest.split_once(" = ")
                {
                    reads.push((i, &r.thread, n, v));
                } else if let Some(rest) = e.strip_prefix("stored ")
                    && let Some((n, v)) = rest.split_once(" = ")
                {
                    stores.push((i, &r.thread, n, v));
                }
            }
        }
        for &(i, a, name, val) in &reads {
            // Another thread stores `name` after A's read ...
            let Some(&(j, b, _, bval)) = stores
                .iter()
                .find(|(j, t, n, _)| *j > i && *t != a && *n == name)
            else {
                continue;
            };
            // ... and then A stores over it, without reading again.
            let reread = reads
                .iter()
                .any(|(k, t, n, _)| *k > i && *k <= j && *t == a && *n == name);
            if reread {
                continue;
            }
            if let Some(&(_, _, _, aval)) = stores
                .iter()
                .find(|(k, t, n, _)| *k > j && *t == a && *n == name)
            {
                return Some(format!(
                    "{a} read {name} = {val} before {b} stored {bval}; then {a} stored {aval} over it, and {b}'s update was lost."
                ));
            }
        }
        None
    }
}

/// The line and text of the statement thread `i` is at.
fn current_stmt(prog: &Program, st: &State, i: usize) -> (usize, String) {
    let code = &prog.threads[i].code;
    let pc = st.threads[i].pc as usize;
    match code.instrs.get(pc) {
        Some(ins) => {
            let s = &code.stmts[ins.stmt as usize];
            (s.line, s.text.clone())
        }
        None => (0, String::new()),
    }
}

/// A thread's status in words.
pub fn thread_status(prog: &Program, st: &State, i: usize) -> ThreadStatus {
    let m = Machine { prog };
    let t = &st.threads[i];
    match &t.life {
        Life::Finished => ThreadStatus::Finished,
        Life::Died(e, line) => ThreadStatus::Died(format!("{} (line {line})", e.line())),
        Life::CutOff => ThreadStatus::CutOff,
        Life::Alive => match m.blocked(st, i as u16) {
            None => ThreadStatus::Runnable,
            Some(b) => ThreadStatus::Blocked(block_text(prog, st, i, &b)),
        },
    }
}

fn block_text(prog: &Program, st: &State, i: usize, b: &Block) -> String {
    let m = Machine { prog };
    match b {
        Block::Join(t) => format!("join() waits for {} to finish", m.thread_name(*t)),
        Block::Object(id, what) => {
            let name = obj_name(prog, st, *id);
            match st.heap.get(*id as usize) {
                Some(Obj::Lock { owner: Some(o) } | Obj::RLock { owner: Some(o), .. }) => {
                    let holder = if usize::from(*o) == i {
                        "itself".to_string()
                    } else if *o == MAIN {
                        "main".to_string()
                    } else {
                        m.thread_name(*o)
                    };
                    format!("{what} {name}, held by {holder}")
                }
                Some(Obj::Semaphore { .. }) => format!("{what} {name} (its value is 0)"),
                Some(_) | None => format!("{what}: {name}"),
            }
        }
    }
}

fn runnable_mask(prog: &Program, st: &State) -> u64 {
    let m = Machine { prog };
    let mut mask = 0u64;
    for (i, t) in st.threads.iter().enumerate() {
        if t.life == Life::Alive && m.blocked(st, i as u16).is_none() {
            mask |= 1u64 << i.min(63);
        }
    }
    mask
}

/// Check a move against a state (not the outcome or step count).
pub fn check_move(prog: &Program, st: &State, mv: Move) -> Result<(), IllegalMove> {
    let Some(t) = st.threads.get(mv.thread) else {
        return Err(IllegalMove::NoSuchThread {
            thread: mv.thread,
            threads: st.threads.len(),
        });
    };
    let name = prog.threads[mv.thread].name.clone();
    if t.life != Life::Alive {
        return Err(IllegalMove::Finished { thread: name });
    }
    let m = Machine { prog };
    if let Some(b) = m.blocked(st, mv.thread as u16) {
        return Err(IllegalMove::Blocked {
            why: block_text(prog, st, mv.thread, &b),
            thread: name,
        });
    }
    if mv.expand {
        let code = &prog.threads[mv.thread].code;
        let stmt = code
            .instrs
            .get(t.pc as usize)
            .map(|x| &code.stmts[x.stmt as usize]);
        if !stmt.is_some_and(|s| s.expandable) {
            return Err(IllegalMove::NotExpandable {
                thread: name,
                text: stmt.map(|s| s.text.clone()).unwrap_or_default(),
            });
        }
    }
    Ok(())
}

/// Every legal move in a running state.
pub fn legal_moves(prog: &Program, st: &State) -> Vec<Move> {
    let m = Machine { prog };
    let mut out = Vec::new();
    for (i, t) in st.threads.iter().enumerate() {
        if t.life != Life::Alive || m.blocked(st, i as u16).is_some() {
            continue;
        }
        out.push(Move {
            thread: i,
            expand: false,
        });
        let code = &prog.threads[i].code;
        if code
            .instrs
            .get(t.pc as usize)
            .is_some_and(|x| code.stmts[x.stmt as usize].expandable)
        {
            out.push(Move {
                thread: i,
                expand: true,
            });
        }
    }
    out
}

fn exc_matches(name: &Option<String>, kind: ExcKind) -> bool {
    match name {
        None => true,
        Some(n) => ExcKind::by_name(n.trim()).is_some_and(|k| kind.is_a(k)),
    }
}

/// The outcome of a state (livelock aside, which needs the history).
pub fn evaluate(prog: &Program, goal: &Goal, st: &State) -> Outcome {
    let m = Machine { prog };
    let died: Vec<(usize, &super::value::Exc)> = st
        .threads
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.life {
            Life::Died(e, _) => Some((i, e)),
            Life::Alive | Life::Finished | Life::CutOff => None,
        })
        .collect();
    let win = match goal {
        Goal::CriticalSection => {
            let inside: Vec<String> = st
                .threads
                .iter()
                .enumerate()
                .filter(|(_, t)| t.in_critical)
                .map(|(i, _)| m.thread_name(i as u16))
                .collect();
            (inside.len() >= 2).then(|| {
                format!(
                    "{} are in the critical section at once",
                    inside.join(" and ")
                )
            })
        }
        Goal::Deadlock => None,
        Goal::Exception(name) => died
            .iter()
            .find(|(_, e)| exc_matches(name, e.kind))
            .map(|(i, e)| format!("{} died with {}", m.thread_name(*i as u16), e.line())),
        Goal::Assert => died
            .iter()
            .find(|(_, e)| e.kind == ExcKind::AssertionError)
            .map(|(i, e)| {
                format!(
                    "an assert failed in {}: {}",
                    m.thread_name(*i as u16),
                    e.line()
                )
            })
            .or_else(|| {
                st.after_exc
                    .as_ref()
                    .filter(|e| e.kind == ExcKind::AssertionError)
                    .map(|e| format!("the final check failed: {}", e.line()))
            }),
        Goal::Output(want) => (st.output.trim_end() == want.trim_end())
            .then(|| "the program printed exactly the output asked for".to_string()),
        Goal::Livelock => None,
    };
    if let Some(reason) = win {
        return Outcome::Win { reason };
    }
    if st.ended {
        let mut reason = "every thread finished".to_string();
        if let Some(e) = &st.after_exc {
            reason.push_str(&format!(" (the final code raised {})", e.line()));
        }
        return Outcome::Loss {
            reason: format!("{reason} without {}", goal_short(goal)),
        };
    }
    let alive: Vec<usize> = st
        .threads
        .iter()
        .enumerate()
        .filter(|(_, t)| t.life == Life::Alive)
        .map(|(i, _)| i)
        .collect();
    if !alive.is_empty() && alive.iter().all(|&i| m.blocked(st, i as u16).is_some()) {
        let who: Vec<String> = alive.iter().map(|i| m.thread_name(*i as u16)).collect();
        if *goal == Goal::Deadlock {
            return Outcome::Win {
                reason: format!("deadlock: {} can never go on", who.join(", ")),
            };
        }
        return Outcome::Loss {
            reason: format!(
                "the program is stuck ({} blocked) without {}",
                who.join(", "),
                goal_short(goal)
            ),
        };
    }
    Outcome::Running
}

fn goal_short(goal: &Goal) -> &'static str {
    match goal {
        Goal::CriticalSection => "two threads in the critical section",
        Goal::Deadlock => "a deadlock",
        Goal::Exception(_) => "the exception",
        Goal::Assert => "a failed assert",
        Goal::Output(_) => "the output asked for",
        Goal::Livelock => "a livelock",
    }
}
