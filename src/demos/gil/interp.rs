//! The interpreter threads and their Global Interpreter Lock.
//!
//! Each interpreter thread is a real OS thread (a pythreading `Thread`)
//! running a [`Code`] object with its own value stack. Names are bound per
//! run: `total` either shared by all threads (an [`AtomicI64`] read by
//! LOAD_NAME and written by STORE_NAME — two separate operations, so a real
//! race is possible without undefined behaviour) or private to each thread;
//! the loop variable is private; `range`, `time` and `lock` are built-ins.
//!
//! With a [`Gil`], a thread must hold it to execute. It counts the
//! instructions it runs ("ticks"); after `interval` of them a switch is
//! due, and it is taken at the next check point — between *any* two
//! instructions ([`CheckAt::Any`], like Python 2's `sys.setcheckinterval`),
//! or only after a backward jump or a call ([`CheckAt::Jumps`], like
//! CPython 3.10+'s eval breaker) — if another thread wants the GIL. The
//! switch is forced, as in CPython 3.2+: the holder drops the GIL and waits
//! until another thread has taken it. Because a thread that was switched
//! out keeps counting as a contender, the threads strictly alternate and a
//! run with the GIL is deterministic. `time.sleep()` and a blocked
//! `lock.acquire()` release the GIL while they wait, as CPython does.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::pythreading::{Condition, Lock};

use super::super::control::{Cancelled, Control};
use super::super::event::LaneState;
use super::super::kit::{POLL, wait_until};
use super::super::session::{EventSink, Narrator};
use super::bytecode::{Code, Const, NB_INPLACE_ADD, Opcode};

/// "Nobody holds the GIL."
const FREE: usize = 0;
/// The id the controller uses to hold the GIL while it starts the threads
/// (as Python's main thread holds it while it creates them).
pub const MAIN: usize = usize::MAX;

/// The Global Interpreter Lock: a holder id guarded by a pythreading
/// `Condition(Lock())`, and a count of the threads that want to run Python
/// code (the holder, and those waiting for it). The holder switches only
/// when another thread wants the GIL.
pub struct Gil {
    cond: Condition,
    /// Who holds it ([`FREE`] when nobody); changed only under `cond`.
    holder: AtomicUsize,
    /// Threads that want the GIL (holding or waiting); changed only under
    /// `cond`, read by the holder at each switch check.
    wanting: AtomicUsize,
    /// Forced switches so far.
    switches: AtomicU64,
    /// How many times the GIL has been taken; a switcher waits for this to
    /// move (the holder may already have dropped it again by the time the
    /// switcher looks).
    takes: AtomicU64,
}

impl Default for Gil {
    fn default() -> Self {
        Gil::new()
    }
}

impl Gil {
    /// A free GIL.
    pub fn new() -> Gil {
        Gil {
            cond: Condition::with_lock(Lock::new()),
            holder: AtomicUsize::new(FREE),
            wanting: AtomicUsize::new(0),
            switches: AtomicU64::new(0),
            takes: AtomicU64::new(0),
        }
    }

    /// A GIL held by [`MAIN`] (which does not count as wanting it) until
    /// it calls `main_release`.
    pub fn held_by_main() -> Gil {
        let g = Gil::new();
        g.holder.store(MAIN, Ordering::SeqCst);
        g
    }

    /// Threads that want the GIL now (the holder included).
    pub fn wanting(&self) -> usize {
        self.wanting.load(Ordering::Relaxed)
    }

    /// Forced switches so far.
    pub fn switches(&self) -> u64 {
        self.switches.load(Ordering::Relaxed)
    }

    fn lock(&self, control: &Control) -> Result<(), Cancelled> {
        wait_until(control, || self.cond.acquire_timeout(POLL))
    }

    /// Under the lock: waits until `done()` or cancel.
    fn wait_while_not(
        &self,
        control: &Control,
        done: impl Fn(&Gil) -> bool,
    ) -> Result<(), Cancelled> {
        while !done(self) {
            if control.is_cancelled() {
                return Err(Cancelled);
            }
            let _ = self.cond.wait_timeout(POLL);
        }
        Ok(())
    }

    /// Under the lock: takes the GIL once it is free.
    fn take_locked(&self, me: usize, control: &Control) -> Result<(), Cancelled> {
        self.wait_while_not(control, |g| g.holder.load(Ordering::Relaxed) == FREE)?;
        self.holder.store(me, Ordering::Relaxed);
        self.takes.fetch_add(1, Ordering::Relaxed);
        // A switcher waits to see someone else take it.
        let _ = self.cond.notify_all();
        Ok(())
    }

    /// The thread starts wanting the GIL, waits for it and takes it.
    pub fn enter(&self, me: usize, control: &Control) -> Result<(), Cancelled> {
        self.lock(control)?;
        self.wanting.fetch_add(1, Ordering::Relaxed);
        let _ = self.cond.notify_all();
        let r = self.take_locked(me, control);
        if r.is_err() {
            self.wanting.fetch_sub(1, Ordering::Relaxed);
        }
        let _ = self.cond.release();
        r
    }

    /// The thread drops the GIL (if it holds it) and stops wanting it: it
    /// is done, or about to block on I/O or a lock.
    pub fn leave(&self, me: usize, control: &Control) -> Result<(), Cancelled> {
        self.lock(control)?;
        if self.holder.load(Ordering::Relaxed) == me {
            self.holder.store(FREE, Ordering::Relaxed);
            self.wanting.fetch_sub(1, Ordering::Relaxed);
            let _ = self.cond.notify_all();
        }
        let _ = self.cond.release();
        Ok(())
    }

    /// The controller lets go of the GIL it held from the start.
    pub fn main_release(&self, control: &Control) -> Result<(), Cancelled> {
        self.lock(control)?;
        if self.holder.load(Ordering::Relaxed) == MAIN {
            self.holder.store(FREE, Ordering::Relaxed);
            let _ = self.cond.notify_all();
        }
        let _ = self.cond.release();
        Ok(())
    }

    /// A forced switch (CPython 3.2+'s FORCE_SWITCHING): drop the GIL,
    /// wait until another thread has taken it (unless nobody else wants it
    /// any more), then wait for it again. The thread keeps wanting the GIL
    /// throughout, so the others see it as a contender.
    pub fn switch(&self, me: usize, control: &Control) -> Result<(), Cancelled> {
        self.lock(control)?;
        let r = (|| {
            if self.holder.load(Ordering::Relaxed) != me {
                return Ok(());
            }
            let seen = self.takes.load(Ordering::Relaxed);
            self.holder.store(FREE, Ordering::Relaxed);
            self.switches.fetch_add(1, Ordering::Relaxed);
            let _ = self.cond.notify_all();
            self.wait_while_not(control, |g| {
                g.takes.load(Ordering::Relaxed) != seen || g.wanting.load(Ordering::Relaxed) <= 1
            })?;
            self.take_locked(me, control)
        })();
        let _ = self.cond.release();
        r
    }
}

/// Where a due switch may happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckAt {
    /// Between any two instructions (Python 2's check interval).
    Any,
    /// Only after JUMP_BACKWARD or CALL (CPython 3.10+'s eval breaker).
    Jumps,
}

/// How a run schedules its threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// With a GIL, switching every `interval` instructions.
    Gil {
        /// Instructions between switches.
        interval: u64,
        /// Where a switch may land.
        check_at: CheckAt,
    },
    /// Free-threaded: no GIL, all threads run at once.
    Free,
}

/// What a name is bound to in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A slot in the run's shared ints (module globals all threads see).
    Shared(usize),
    /// A slot in the thread's own ints.
    Local(usize),
    /// A built-in object.
    Builtin(Obj),
}

/// The built-in objects the programs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obj {
    /// `range`.
    Range,
    /// The `time` module.
    Time,
    /// The run's `lock` (a pythreading `Lock`).
    Lock,
}

/// Callables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Sleep,
    Acquire,
    Release,
}

/// A value on the stack.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Val {
    Null,
    None,
    Int(i64),
    Float(f64),
    Obj(Obj),
    Func(Func),
    Range(i64),
    Iter { next: i64, stop: i64 },
}

/// What the threads of one run share.
pub struct Env {
    /// For each of the code's names, its binding.
    pub bindings: Vec<Binding>,
    /// Shared ints (module globals).
    pub shared: Vec<AtomicI64>,
    /// How many private int slots each thread needs.
    pub locals: usize,
    /// The program's `lock`.
    pub lock: Lock,
}

impl Env {
    /// Binds `code`'s names: `range`, `time` and `lock` are built-ins;
    /// `total` is shared when `shared_total`, else private like every other
    /// name.
    pub fn for_code(code: &Code, shared_total: bool) -> Env {
        let mut shared = 0;
        let mut locals = 0;
        let bindings = code
            .names
            .iter()
            .map(|n| match *n {
                "range" => Binding::Builtin(Obj::Range),
                "time" => Binding::Builtin(Obj::Time),
                "lock" => Binding::Builtin(Obj::Lock),
                "total" if shared_total => {
                    shared += 1;
                    Binding::Shared(shared - 1)
                }
                _ => {
                    locals += 1;
                    Binding::Local(locals - 1)
                }
            })
            .collect();
        Env {
            bindings,
            shared: (0..shared).map(|_| AtomicI64::new(0)).collect(),
            locals,
            lock: Lock::new(),
        }
    }

    /// The value of a shared name (0 if it is not shared).
    pub fn shared_value(&self, code: &Code, name: &str) -> Option<i64> {
        let i = code.names.iter().position(|n| *n == name)?;
        match self.bindings[i] {
            Binding::Shared(s) => Some(self.shared[s].load(Ordering::SeqCst)),
            _ => None,
        }
    }
}

/// Why an interpreter thread stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The demo was cancelled.
    Cancelled,
    /// The program went wrong (a bug in the demo's programs).
    Error(String),
}

impl From<Cancelled> for Stop {
    fn from(_: Cancelled) -> Stop {
        Stop::Cancelled
    }
}

/// What one interpreter thread did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThreadStats {
    /// Instructions executed.
    pub instructions: u64,
    /// Forced switches this thread made while `total` was loaded on its
    /// stack and not yet stored, without holding the lock (each can lose
    /// the other threads' updates).
    pub risky_switches: u64,
    /// The thread's private ints at the end (by slot).
    pub locals: Vec<i64>,
}

/// One interpreter thread's identity and surroundings.
pub struct Ctx<'a> {
    /// GIL holder id (1-based).
    pub me: usize,
    /// Its name, for lanes and logs.
    pub name: &'a str,
    /// The run's scheduling.
    pub mode: Mode,
    /// The GIL (with [`Mode::Gil`]).
    pub gil: Option<&'a Gil>,
    /// Pause / cancel.
    pub control: &'a Control,
    /// Where lanes and logs go.
    pub sink: &'a EventSink,
    /// Risky switches logged so far in this run (shared, to log only a few).
    pub logged: &'a AtomicU64,
    /// The "dis this" view: where each thread is in the bytecode.
    pub dis: &'a DisView,
    /// Visible steps: GIL hand-overs and lost updates, narrated.
    pub say: &'a Narrator,
    /// Steps narrated so far in this run (shared, to narrate only a few).
    pub narrated: &'a AtomicU64,
}

/// How many hand-overs and lost updates each run narrates one by one (the
/// rest run on unnarrated: thousands of steps would take minutes).
pub const NARRATE_PER_RUN: u64 = 24;

/// "dis this": the bytecode listing with each thread's current instruction
/// marked, sent as a panel at most every [`DIS_EVERY_MS`] while threads switch.
pub struct DisView {
    listing: Vec<(usize, String)>,
    pcs: Vec<std::sync::atomic::AtomicUsize>,
    last_ms: AtomicU64,
}

/// Least time between two "dis this" panels.
pub const DIS_EVERY_MS: u64 = 50;
/// `last_ms` before the first panel of a run.
const NEVER: u64 = u64::MAX;

impl DisView {
    /// A view of `code` for `threads` threads (none started yet).
    pub fn new(code: &Code, threads: usize) -> DisView {
        DisView {
            listing: code
                .instrs
                .iter()
                .zip(code.listing())
                .map(|(i, line)| (i.offset, line))
                .collect(),
            pcs: (0..threads)
                .map(|_| std::sync::atomic::AtomicUsize::new(usize::MAX))
                .collect(),
            last_ms: AtomicU64::new(NEVER),
        }
    }

    /// Thread `me` (1-based) is about to run instruction index `pc`; sends
    /// the panel when it is due.
    pub fn at(&self, me: usize, pc: usize, sink: &EventSink) {
        if let Some(slot) = self.pcs.get(me.wrapping_sub(1)) {
            slot.store(pc, Ordering::Relaxed);
        }
        let now = sink.t_ms() as u64;
        let last = self.last_ms.load(Ordering::Relaxed);
        // The first switch of a run always shows; then at most every DIS_EVERY_MS.
        if (last == NEVER || now >= last.saturating_add(DIS_EVERY_MS))
            && self
                .last_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            sink.emit(crate::demos::DemoEvent::Panel {
                t_ms: sink.t_ms(),
                title: "dis this".into(),
                lines: self.lines(),
            });
        }
    }

    /// The listing with `T1▶`, `T2▶` … before each thread's instruction.
    pub fn lines(&self) -> Vec<String> {
        let pcs: Vec<usize> = self.pcs.iter().map(|p| p.load(Ordering::Relaxed)).collect();
        self.listing
            .iter()
            .enumerate()
            .map(|(i, (_, line))| {
                let marks: String = pcs
                    .iter()
                    .enumerate()
                    .filter(|(_, pc)| **pc == i)
                    .map(|(t, _)| format!("T{}▶", t + 1))
                    .collect::<Vec<_>>()
                    .join("");
                format!("{marks:>6} {line}")
            })
            .collect()
    }
}

/// Instructions between two pause/cancel checkpoints.
const CHECKPOINT_EVERY: u64 = 1024;
/// Risky switches described in the log per run.
const LOG_RISKY: u64 = 3;

/// Runs `code` to the end on the calling thread. With a GIL the caller
/// must not hold it; it is taken first and dropped at the end.
pub fn run(code: &Code, env: &Env, cx: &Ctx<'_>) -> Result<ThreadStats, Stop> {
    let mut stats = ThreadStats {
        locals: vec![0; env.locals],
        ..ThreadStats::default()
    };
    if let Some(g) = cx.gil {
        cx.sink.lane(cx.name, LaneState::Waiting("GIL".into()));
        g.enter(cx.me, cx.control)?;
    }
    cx.sink.lane(cx.name, LaneState::Running);
    let result = execute(code, env, cx, &mut stats);
    if let Some(g) = cx.gil {
        // Leave even when cancelled, so no other thread waits for it.
        let _ = g.leave(cx.me, cx.control);
    }
    cx.sink.lane(cx.name, LaneState::Done);
    result.map(|()| stats)
}

fn pop(stack: &mut Vec<Val>) -> Result<Val, Stop> {
    stack
        .pop()
        .ok_or_else(|| Stop::Error("stack underflow".into()))
}

fn execute(code: &Code, env: &Env, cx: &Ctx<'_>, stats: &mut ThreadStats) -> Result<(), Stop> {
    let (interval, check_at) = match cx.mode {
        Mode::Gil { interval, check_at } => (interval.max(1), check_at),
        Mode::Free => (u64::MAX, CheckAt::Any),
    };
    let mut stack: Vec<Val> = Vec::with_capacity(8);
    let mut pc = 0usize;
    let mut ticks = 0u64;
    let mut due = false;
    // The value of `total` this thread has loaded and not yet stored.
    let mut loaded_total: Option<i64> = None;
    // Whether this thread holds the program's `lock`.
    let mut holding_lock = false;
    loop {
        if stats.instructions.is_multiple_of(CHECKPOINT_EVERY) {
            cx.control.checkpoint()?;
        }
        let ins = code
            .instrs
            .get(pc)
            .ok_or_else(|| Stop::Error(format!("no instruction at index {pc}")))?;
        stats.instructions += 1;
        pc += 1;
        match ins.op {
            Opcode::Resume | Opcode::Precall => {}
            Opcode::PushNull => stack.push(Val::Null),
            Opcode::LoadConst => stack.push(match code.consts[ins.arg as usize] {
                Const::Int(i) => Val::Int(i),
                Const::Float(x) => Val::Float(x),
                Const::None => Val::None,
            }),
            Opcode::LoadName => {
                let v = match env.bindings[ins.arg as usize] {
                    Binding::Shared(s) => {
                        let v = env.shared[s].load(Ordering::Relaxed);
                        if ins.in_statement {
                            loaded_total = Some(v);
                            if cx.gil.is_none() {
                                // Free-threaded, the window between this load
                                // and the store is widened: the thread offers
                                // its core to others here (as a slow `+=` in
                                // Python code would), so the race shows even
                                // when the two threads rarely overlap.
                                std::thread::yield_now();
                            }
                        }
                        Val::Int(v)
                    }
                    Binding::Local(s) => Val::Int(stats.locals[s]),
                    Binding::Builtin(o) => Val::Obj(o),
                };
                stack.push(v);
            }
            Opcode::StoreName => {
                let Val::Int(v) = pop(&mut stack)? else {
                    return Err(Stop::Error("only ints are stored".into()));
                };
                match env.bindings[ins.arg as usize] {
                    Binding::Shared(s) => {
                        if let Some(was) = loaded_total {
                            // The value now in `total`, just before the store:
                            // whatever others added since this thread loaded
                            // it is overwritten.
                            let now = env.shared[s].load(Ordering::Relaxed);
                            let lost = now - was;
                            if lost > 0
                                && cx.narrated.fetch_add(1, Ordering::Relaxed) < NARRATE_PER_RUN
                            {
                                cx.say.key_step(format!(
                                    "{} stores total = {v} over {now}: {lost} increment{} by the other thread lost",
                                    cx.name,
                                    if lost == 1 { "" } else { "s" }
                                ))?;
                            }
                        }
                        env.shared[s].store(v, Ordering::Relaxed);
                        loaded_total = None;
                    }
                    Binding::Local(s) => stats.locals[s] = v,
                    Binding::Builtin(_) => {
                        return Err(Stop::Error("cannot rebind a built-in".into()));
                    }
                }
            }
            Opcode::LoadMethod => {
                let obj = pop(&mut stack)?;
                let f = match (obj, code.names[ins.arg as usize]) {
                    (Val::Obj(Obj::Time), "sleep") => Func::Sleep,
                    (Val::Obj(Obj::Lock), "acquire") => Func::Acquire,
                    (Val::Obj(Obj::Lock), "release") => Func::Release,
                    (o, m) => return Err(Stop::Error(format!("no method {m} on {o:?}"))),
                };
                stack.push(Val::Null);
                stack.push(Val::Func(f));
            }
            Opcode::Call => {
                let n = ins.arg as usize;
                let mut args = Vec::with_capacity(n);
                for _ in 0..n {
                    args.push(pop(&mut stack)?);
                }
                args.reverse();
                let callable = pop(&mut stack)?;
                let _null = pop(&mut stack)?;
                let result = call(callable, &args, env, cx)?;
                match callable {
                    Val::Func(Func::Acquire) => holding_lock = true,
                    Val::Func(Func::Release) => holding_lock = false,
                    _ => {}
                }
                stack.push(result);
            }
            Opcode::GetIter => match pop(&mut stack)? {
                Val::Range(stop) => stack.push(Val::Iter { next: 0, stop }),
                v => return Err(Stop::Error(format!("{v:?} is not iterable"))),
            },
            Opcode::ForIter => match stack.last_mut() {
                Some(Val::Iter { next, stop }) if *next < *stop => {
                    let v = *next;
                    *next += 1;
                    stack.push(Val::Int(v));
                }
                Some(Val::Iter { .. }) => {
                    stack.pop();
                    pc = ins.target.unwrap_or(pc);
                }
                _ => return Err(Stop::Error("FOR_ITER without an iterator".into())),
            },
            Opcode::BinaryOp => {
                let b = pop(&mut stack)?;
                let a = pop(&mut stack)?;
                match (ins.arg, a, b) {
                    (NB_INPLACE_ADD, Val::Int(a), Val::Int(b)) => {
                        stack.push(Val::Int(a.wrapping_add(b)))
                    }
                    _ => return Err(Stop::Error(format!("unsupported {a:?} op {b:?}"))),
                }
            }
            Opcode::JumpBackward => pc = ins.target.unwrap_or(pc),
            Opcode::PopTop => {
                pop(&mut stack)?;
            }
            Opcode::ReturnValue => return Ok(()),
        }
        // The switch check, between this instruction and the next.
        if let Some(g) = cx.gil {
            ticks += 1;
            if ticks >= interval {
                due = true;
            }
            let may_switch_here = match check_at {
                CheckAt::Any => true,
                CheckAt::Jumps => matches!(ins.op, Opcode::JumpBackward | Opcode::Call),
            };
            if due && may_switch_here {
                due = false;
                ticks = 0;
                if g.wanting() > 1 {
                    if let Some(v) = loaded_total {
                        let next = &code.instrs[pc];
                        if !holding_lock {
                            stats.risky_switches += 1;
                        }
                        if cx.logged.fetch_add(1, Ordering::Relaxed) < LOG_RISKY {
                            cx.sink.log(if holding_lock {
                                format!(
                                    "switch before {} {}: {} leaves with total = {v} loaded, but it \
holds the lock: the other thread blocks in lock.acquire() and hands the GIL back",
                                    next.offset,
                                    next.op.name(),
                                    cx.name
                                )
                            } else {
                                format!(
                                    "switch before {} {}: {} leaves with total = {v} loaded but \
not stored; whatever the others add meanwhile will be overwritten",
                                    next.offset,
                                    next.op.name(),
                                    cx.name
                                )
                            });
                        }
                    }
                    cx.dis.at(cx.me, pc, cx.sink);
                    if cx.narrated.fetch_add(1, Ordering::Relaxed) < NARRATE_PER_RUN {
                        let next = &code.instrs[pc];
                        let text = match loaded_total {
                            Some(v) if !holding_lock => format!(
                                "{} hands over the GIL before {} {}, with total = {v} loaded but not stored",
                                cx.name,
                                next.offset,
                                next.op.name()
                            ),
                            _ => format!(
                                "{} hands over the GIL before {} {} ({interval} instructions ran)",
                                cx.name,
                                next.offset,
                                next.op.name()
                            ),
                        };
                        cx.say.step(text)?;
                    }
                    cx.sink.lane(cx.name, LaneState::Waiting("GIL".into()));
                    g.switch(cx.me, cx.control)?;
                    cx.sink.lane(cx.name, LaneState::Running);
                }
            }
        }
    }
}

/// Calls a built-in; blocking ones drop the GIL while they wait.
fn call(callable: Val, args: &[Val], env: &Env, cx: &Ctx<'_>) -> Result<Val, Stop> {
    match (callable, args) {
        (Val::Obj(Obj::Range), [Val::Int(n)]) => Ok(Val::Range(*n)),
        (Val::Func(Func::Sleep), [secs]) => {
            let secs = match *secs {
                Val::Float(x) => x,
                Val::Int(i) => i as f64,
                v => return Err(Stop::Error(format!("sleep({v:?})"))),
            };
            // Py_BEGIN_ALLOW_THREADS: others run while this one sleeps.
            if let Some(g) = cx.gil {
                g.leave(cx.me, cx.control)?;
            }
            cx.sink.lane(cx.name, LaneState::Sleeping);
            let slept = cx.control.sleep(Duration::from_secs_f64(secs.max(0.0)));
            if let Some(g) = cx.gil {
                cx.sink.lane(cx.name, LaneState::Waiting("GIL".into()));
                g.enter(cx.me, cx.control)?;
            }
            cx.sink.lane(cx.name, LaneState::Running);
            slept?;
            Ok(Val::None)
        }
        (Val::Func(Func::Acquire), []) => {
            if !env.lock.try_acquire() {
                // Blocking: release the GIL while waiting, as CPython does.
                if let Some(g) = cx.gil {
                    g.leave(cx.me, cx.control)?;
                    cx.sink.lane(cx.name, LaneState::Waiting("lock".into()));
                }
                let got = wait_until(cx.control, || env.lock.acquire_timeout(POLL));
                if let Some(g) = cx.gil {
                    if got.is_ok() {
                        cx.sink.lane(cx.name, LaneState::Waiting("GIL".into()));
                    }
                    let taken = g.enter(cx.me, cx.control);
                    if got.is_ok() {
                        cx.sink.lane(cx.name, LaneState::Running);
                    }
                    taken?;
                }
                got?;
            }
            Ok(Val::Int(1))
        }
        (Val::Func(Func::Release), []) => match env.lock.release() {
            Ok(()) => Ok(Val::None),
            Err(e) => Err(Stop::Error(format!("RuntimeError: {e}"))),
        },
        (c, a) => Err(Stop::Error(format!("cannot call {c:?} with {a:?}"))),
    }
}
