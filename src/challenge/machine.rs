//! The state of a running level and the instructions' semantics.
//!
//! [`State`] is plain data (cloned, hashed, compared): threads (position,
//! value stack, locals, status, a pending wait), globals, the heap of
//! objects and the printed output. [`Machine`] runs instructions of a
//! [`Program`] against it. Blocking is decided before an instruction runs:
//! an instruction that would block is not run, and the thread counts as
//! blocked until it could go on.

use std::sync::Arc;

use super::compile::{Code, Op, Program};
use super::syntax::{BinOp, CmpOp};
use super::value::{Builtin, Ctor, Exc, ExcKind, MAIN, Module, Obj, Value, float_repr, str_repr};
use crate::pythreading::ThreadError;

/// Most instructions a single step, or the setup and `after` code, may run.
pub const MAX_INSTRS_PER_STEP: usize = 100_000;
/// Most characters of output kept.
pub const MAX_OUTPUT: usize = 8 * 1024;
/// Longest list or string the engine builds.
pub const MAX_LEN: usize = 1_000;

/// How a thread stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Life {
    Alive,
    Finished,
    /// Ended by an uncaught exception (with the line it was raised at).
    Died(Exc, usize),
    /// A daemon thread stopped when the program ended.
    CutOff,
}

/// A call a thread is inside and cannot leave yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pending {
    /// `Condition.wait()`: waiting to be notified, then to take the lock
    /// back (with the recursion count it had).
    CondWait {
        cond: u32,
        notified: bool,
        count: u32,
    },
    /// `Event.wait()` on an event that was clear.
    EventWait { event: u32, woken: bool },
    /// `Barrier.wait()` until the round completes.
    BarrierWait {
        barrier: u32,
        generation: u32,
        index: i64,
    },
}

/// One thread's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThreadState {
    pub pc: u32,
    pub stack: Vec<Value>,
    pub locals: Vec<Option<Value>>,
    pub life: Life,
    pub pending: Option<Pending>,
    /// Executed `critical_section()` and has not stepped since.
    pub in_critical: bool,
}

/// The whole state of a level in play.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub threads: Vec<ThreadState>,
    pub globals: Vec<Option<Value>>,
    pub heap: Vec<Obj>,
    pub output: String,
    /// The program has ended (every non-daemon thread is done) and the
    /// `after` code ran.
    pub ended: bool,
    /// What the `after` code raised.
    pub after_exc: Option<Exc>,
}

/// Why a thread cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// An object it waits for (lock, semaphore, queue ...), and the wait.
    Object(u32, &'static str),
    /// A thread it joins.
    Join(u16),
}

/// What one instruction did.
enum Flow {
    Next,
    Jump(u32),
    /// Would block: nothing was done.
    Blocked,
    /// Entered a wait (pc already moved past the call).
    Waiting,
    Raise(Exc),
    Return,
}

/// Runs a program's instructions.
pub struct Machine<'a> {
    pub prog: &'a Program,
}

fn type_name(st: &State, v: &Value) -> &'static str {
    match v {
        Value::None => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::Obj(id) => st
            .heap
            .get(*id as usize)
            .map_or("object", |o| o.type_name()),
        Value::Thread(_) => "Thread",
        Value::Module(_) => "module",
        Value::Builtin(_) => "builtin_function_or_method",
        Value::Class(_) | Value::Ctor(_) => "type",
        Value::Exc(_) => "Exception",
        Value::Method(..) => "method",
        Value::Null => "NULL",
        Value::Range(..) => "range_iterator",
    }
}

fn type_error(msg: String) -> Exc {
    Exc::new(ExcKind::TypeError, msg)
}

/// Python's `str()` of a value.
pub fn to_str(st: &State, v: &Value, names: &dyn Fn(u16) -> String) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        _ => repr(st, v, names, 0),
    }
}

/// Python's `repr()` of a value (objects by type).
pub fn repr(st: &State, v: &Value, names: &dyn Fn(u16) -> String, depth: usize) -> String {
    if depth > 8 {
        return "[...]".into();
    }
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(n) => n.to_string(),
        Value::Float(b) => float_repr(*b),
        Value::Str(s) => str_repr(s),
        Value::Obj(id) => match st.heap.get(*id as usize) {
            Some(Obj::List(items)) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|x| repr(st, x, names, depth + 1))
                    .collect();
                format!("[{}]", parts.join(", "))
            }
            Some(Obj::Dict(items)) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|(k, x)| {
                        format!(
                            "{}: {}",
                            repr(st, k, names, depth + 1),
                            repr(st, x, names, depth + 1)
                        )
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Some(o) => format!("<{}>", o.type_name()),
            None => "<?>".into(),
        },
        Value::Thread(t) => format!("<Thread({})>", names(*t)),
        Value::Module(m) => format!("<module '{}'>", m.name()),
        Value::Builtin(b) => format!("<built-in function {}>", b.name()),
        Value::Class(k) => format!("<class '{}'>", k.name()),
        Value::Ctor(c) => format!("<class '{}'>", c.name()),
        Value::Exc(e) => match &e.message {
            Some(m) => format!("{}({})", e.kind.name(), str_repr(m)),
            None => format!("{}()", e.kind.name()),
        },
        Value::Method(_, n) => format!("<method {n}>"),
        Value::Null => "NULL".into(),
        Value::Range(a, b, _) => format!("<range {a}..{b}>"),
    }
}

fn truthy(st: &State, v: &Value) -> bool {
    match v {
        Value::None | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(n) => *n != 0,
        Value::Float(b) => f64::from_bits(*b) != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Obj(id) => match st.heap.get(*id as usize) {
            Some(Obj::List(x)) => !x.is_empty(),
            Some(Obj::Dict(x)) => !x.is_empty(),
            _ => true,
        },
        _ => true,
    }
}

fn as_num(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(n) => Some(*n as f64),
        Value::Float(b) => Some(f64::from_bits(*b)),
        _ => None,
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(n) => Some(*n),
        _ => None,
    }
}

fn py_eq(st: &State, a: &Value, b: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match (a, b) {
        (Value::Obj(x), Value::Obj(y)) if x == y => true,
        (Value::Obj(x), Value::Obj(y)) => {
            match (st.heap.get(*x as usize), st.heap.get(*y as usize)) {
                (Some(Obj::List(p)), Some(Obj::List(q))) => {
                    p.len() == q.len() && p.iter().zip(q).all(|(u, v)| py_eq(st, u, v, depth + 1))
                }
                (Some(Obj::Dict(p)), Some(Obj::Dict(q))) => {
                    p.len() == q.len()
                        && p.iter().all(|(k, v)| {
                            q.iter().any(|(k2, v2)| {
                                py_eq(st, k, k2, depth + 1) && py_eq(st, v, v2, depth + 1)
                            })
                        })
                }
                _ => false,
            }
        }
        _ => match (as_num(a), as_num(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

/// The first global name bound to heap object `id` (for messages).
pub fn obj_name(prog: &Program, st: &State, id: u32) -> String {
    for (slot, v) in st.globals.iter().enumerate() {
        if v.as_ref() == Some(&Value::Obj(id)) {
            return prog.globals[slot].clone();
        }
    }
    // A Condition's own lock.
    for (i, o) in st.heap.iter().enumerate() {
        if let Obj::Condition { lock, .. } = o
            && *lock == id
        {
            return format!("{}'s lock", obj_name(prog, st, i as u32));
        }
    }
    format!("object #{id}")
}

impl Machine<'_> {
    fn code(&self, tid: u16) -> &Code {
        if tid == MAIN {
            &self.prog.setup
        } else {
            &self.prog.threads[tid as usize].code
        }
    }

    /// A thread's name ("main" for setup and `after`).
    pub fn thread_name(&self, tid: u16) -> String {
        self.prog
            .threads
            .get(tid as usize)
            .map_or_else(|| "main".to_string(), |t| t.name.clone())
    }

    /// The state after the setup code: every thread at its first line.
    pub fn initial(&self) -> Result<State, String> {
        let mut st = State {
            threads: Vec::new(),
            globals: vec![None; self.prog.globals.len()],
            heap: Vec::new(),
            output: String::new(),
            ended: false,
            after_exc: None,
        };
        for (slot, t) in &self.prog.thread_vars {
            st.globals[*slot as usize] = Some(Value::Thread(*t));
        }
        if let Some(e) = self.run_module(&mut st, &self.prog.setup)? {
            return Err(format!(
                "the setup code raised {} (line {})",
                e.0.line(),
                e.1
            ));
        }
        for t in &self.prog.threads {
            st.threads.push(ThreadState {
                pc: 0,
                stack: Vec::new(),
                locals: vec![None; t.code.locals.len()],
                life: Life::Alive,
                pending: None,
                in_critical: false,
            });
        }
        self.settle(&mut st);
        Ok(st)
    }

    /// Run module code (setup or `after`) to its end as "main". Returns the
    /// uncaught exception and its line, if any; an error when it blocks or
    /// runs too long.
    fn run_module(&self, st: &mut State, code: &Code) -> Result<Option<(Exc, usize)>, String> {
        let mut t = ThreadState {
            pc: 0,
            stack: Vec::new(),
            locals: Vec::new(),
            life: Life::Alive,
            pending: None,
            in_critical: false,
        };
        let mut log = Vec::new();
        for _ in 0..MAX_INSTRS_PER_STEP {
            let pc = t.pc as usize;
            let Some(ins) = code.instrs.get(pc) else {
                return Ok(None);
            };
            let flow = self.exec(st, &mut t, MAIN, code, pc, &mut log);
            match flow {
                Flow::Next => t.pc += 1,
                Flow::Jump(to) => t.pc = to,
                Flow::Return => return Ok(None),
                Flow::Blocked | Flow::Waiting => {
                    return Err(format!(
                        "line {} would wait forever (nothing else runs before the threads start)",
                        code.stmts[ins.stmt as usize].line
                    ));
                }
                Flow::Raise(e) => match ins.handler {
                    Some((h, d)) => {
                        t.stack.truncate(d as usize);
                        t.stack.push(Value::Exc(e));
                        t.pc = h;
                    }
                    None => return Ok(Some((e, code.stmts[ins.stmt as usize].line))),
                },
            }
        }
        Err("the code runs too long (over 100,000 instructions)".into())
    }

    /// End the program if every non-daemon thread is done: cut daemon
    /// threads off and run `after`.
    pub fn settle(&self, st: &mut State) {
        if st.ended {
            return;
        }
        let done = st
            .threads
            .iter()
            .zip(&self.prog.threads)
            .all(|(t, c)| c.daemon || t.life != Life::Alive);
        if !done {
            return;
        }
        for t in &mut st.threads {
            if t.life == Life::Alive {
                t.life = Life::CutOff;
                t.in_critical = false;
            }
        }
        st.ended = true;
        if let Some(after) = &self.prog.after {
            match self.run_module(st, after) {
                Ok(Some((e, _))) => st.after_exc = Some(e),
                Ok(None) => {}
                Err(msg) => st.after_exc = Some(Exc::new(ExcKind::RuntimeError, msg)),
            }
        }
    }

    /// Why thread `tid` cannot take a step now, if it cannot.
    pub fn blocked(&self, st: &State, tid: u16) -> Option<Block> {
        let t = &st.threads[tid as usize];
        if t.life != Life::Alive {
            return None;
        }
        if let Some(p) = &t.pending {
            return self.pending_block(st, tid, p);
        }
        let code = self.code(tid);
        // Look ahead over instructions without effects to the first that
        // has one: if that one would block, the thread is blocked.
        let mut scratch = t.clone();
        let mut first = true;
        for _ in 0..1000 {
            let pc = scratch.pc as usize;
            let ins = code.instrs.get(pc)?;
            if !first && ins.start {
                return None;
            }
            first = false;
            if let Some(b) = self.would_block(st, &scratch, tid, &ins.op) {
                return Some(b);
            }
            if !is_pure(&ins.op) {
                return None;
            }
            let mut log = Vec::new();
            match self.exec_pure(st, &mut scratch, tid, code, &ins.op, &mut log) {
                Ok(Flow::Next) => scratch.pc += 1,
                Ok(Flow::Jump(to)) => scratch.pc = to,
                _ => return None,
            }
        }
        None
    }

    fn pending_block(&self, st: &State, tid: u16, p: &Pending) -> Option<Block> {
        match p {
            Pending::CondWait { cond, notified, .. } => {
                if !notified {
                    return Some(Block::Object(*cond, "waiting to be notified"));
                }
                let Some(Obj::Condition { lock, .. }) = st.heap.get(*cond as usize) else {
                    return None;
                };
                if self.can_acquire(st, *lock, tid) {
                    None
                } else {
                    Some(Block::Object(
                        *lock,
                        "notified, waiting to take the lock back",
                    ))
                }
            }
            Pending::EventWait { event, woken } => {
                (!woken).then_some(Block::Object(*event, "waiting for the event"))
            }
            Pending::BarrierWait {
                barrier,
                generation,
                ..
            } => match st.heap.get(*barrier as usize) {
                Some(Obj::Barrier { generation: g, .. }) if g == generation => {
                    Some(Block::Object(*barrier, "waiting at the barrier"))
                }
                _ => None,
            },
        }
    }

    fn can_acquire(&self, st: &State, lock: u32, tid: u16) -> bool {
        match st.heap.get(lock as usize) {
            Some(Obj::Lock { owner }) => owner.is_none(),
            Some(Obj::RLock { owner, .. }) => owner.is_none() || *owner == Some(tid),
            Some(Obj::Semaphore { value, .. }) => *value > 0,
            Some(Obj::Condition { lock, .. }) => self.can_acquire(st, *lock, tid),
            // Not acquirable at all: the call raises instead of waiting.
            Some(
                Obj::List(_)
                | Obj::Dict(_)
                | Obj::Event { .. }
                | Obj::Queue { .. }
                | Obj::Barrier { .. },
            )
            | None => true,
        }
    }

    /// Would running `op` block thread `tid` now?
    fn would_block(&self, st: &State, t: &ThreadState, tid: u16, op: &Op) -> Option<Block> {
        let acquire_block = |id: u32| -> Option<Block> {
            let target = match st.heap.get(id as usize) {
                Some(Obj::Condition { lock, .. }) => *lock,
                _ => id,
            };
            (!self.can_acquire(st, target, tid)).then_some(Block::Object(target, "acquire"))
        };
        match op {
            Op::WithEnter => match t.stack.last() {
                Some(Value::Obj(id)) => acquire_block(*id),
                _ => None,
            },
            Op::Call(n) => {
                let n = *n as usize;
                if t.stack.len() < n + 1 {
                    return None;
                }
                let callee = &t.stack[t.stack.len() - 1 - n];
                let args = &t.stack[t.stack.len() - n..];
                let Value::Method(recv, name) = callee else {
                    return None;
                };
                let blocking = args.first().is_none_or(|a| truthy(st, a));
                match (&**recv, *name) {
                    (Value::Obj(id), "acquire") if blocking => acquire_block(*id),
                    (Value::Obj(id), m @ ("get" | "put" | "join")) => {
                        let Some(Obj::Queue {
                            items,
                            maxsize,
                            unfinished,
                        }) = st.heap.get(*id as usize)
                        else {
                            return None;
                        };
                        let block_arg = if m == "put" {
                            args.get(1)
                        } else {
                            args.first()
                        };
                        let blocking = block_arg.is_none_or(|a| truthy(st, a));
                        match m {
                            "get" if blocking && items.is_empty() => {
                                Some(Block::Object(*id, "get (the queue is empty)"))
                            }
                            "put" if blocking && *maxsize > 0 && items.len() as i64 >= *maxsize => {
                                Some(Block::Object(*id, "put (the queue is full)"))
                            }
                            "join" if *unfinished > 0 => {
                                Some(Block::Object(*id, "join (unfinished tasks)"))
                            }
                            _ => None,
                        }
                    }
                    (Value::Thread(other), "join") => {
                        let o = *other as usize;
                        (*other != tid && st.threads.get(o).is_some_and(|x| x.life == Life::Alive))
                            .then_some(Block::Join(*other))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Finish a pending call that can finish: push its result.
    fn resume_pending(&self, st: &mut State, t: &mut ThreadState, tid: u16, log: &mut Vec<String>) {
        let Some(p) = t.pending.take() else {
            return;
        };
        match p {
            Pending::CondWait { cond, count, .. } => {
                if let Some(Obj::Condition { lock, .. }) = st.heap.get(cond as usize) {
                    let lock = *lock;
                    match st.heap.get_mut(lock as usize) {
                        Some(Obj::Lock { owner }) => *owner = Some(tid),
                        Some(Obj::RLock { owner, count: c }) => {
                            *owner = Some(tid);
                            *c = count.max(1);
                        }
                        _ => {}
                    }
                    log.push(format!(
                        "woke from wait() and took {} back",
                        obj_name(self.prog, st, lock)
                    ));
                }
                t.stack.push(Value::Bool(true));
            }
            Pending::EventWait { event, .. } => {
                log.push(format!("woke: {} was set", obj_name(self.prog, st, event)));
                t.stack.push(Value::Bool(true));
            }
            Pending::BarrierWait { barrier, index, .. } => {
                log.push(format!(
                    "passed {} (wait() returned {index})",
                    obj_name(self.prog, st, barrier)
                ));
                t.stack.push(Value::Int(index));
            }
        }
    }

    /// Run thread `tid`: one statement, or (with `one`) one bytecode row.
    /// The caller has checked that the thread is alive and not blocked.
    /// Returns what happened, in words.
    pub fn run(&self, st: &mut State, tid: u16, one: bool) -> Vec<String> {
        let mut log = Vec::new();
        let code = self.code(tid);
        let mut t = std::mem::replace(
            &mut st.threads[tid as usize],
            ThreadState {
                pc: 0,
                stack: Vec::new(),
                locals: Vec::new(),
                life: Life::Finished,
                pending: None,
                in_critical: false,
            },
        );
        t.in_critical = false;
        let mut ran = 0usize;
        if t.pending.is_some() {
            self.resume_pending(st, &mut t, tid, &mut log);
            ran = 1;
        }
        let mut steps = 0;
        while t.life == Life::Alive && t.pending.is_none() {
            steps += 1;
            if steps > MAX_INSTRS_PER_STEP {
                t.life = Life::Died(
                    Exc::new(ExcKind::RuntimeError, "a single step ran too long"),
                    0,
                );
                break;
            }
            let pc = t.pc as usize;
            let Some(ins) = code.instrs.get(pc) else {
                t.life = Life::Finished;
                break;
            };
            if ran > 0 && (ins.start || (one && ins.row.is_some())) {
                break;
            }
            let flow = self.exec(st, &mut t, tid, code, pc, &mut log);
            ran += 1;
            match flow {
                Flow::Next => t.pc += 1,
                Flow::Jump(to) => t.pc = to,
                Flow::Blocked => break,
                Flow::Waiting => break,
                Flow::Return => {
                    t.life = Life::Finished;
                }
                Flow::Raise(e) => self.raise(&mut t, code, pc, e, &mut log),
            }
        }
        st.threads[tid as usize] = t;
        self.settle(st);
        log
    }

    fn raise(&self, t: &mut ThreadState, code: &Code, pc: usize, e: Exc, log: &mut Vec<String>) {
        match code.instrs[pc].handler {
            Some((h, d)) => {
                t.stack.truncate(d as usize);
                t.stack.push(Value::Exc(e));
                t.pc = h;
            }
            None => {
                let line = code.stmts[code.instrs[pc].stmt as usize].line;
                log.push(format!("died: {}", e.line()));
                t.life = Life::Died(e, line);
                t.stack.clear();
                t.in_critical = false;
            }
        }
    }

    fn exec(
        &self,
        st: &mut State,
        t: &mut ThreadState,
        tid: u16,
        code: &Code,
        pc: usize,
        log: &mut Vec<String>,
    ) -> Flow {
        let op = &code.instrs[pc].op;
        if self.would_block(st, t, tid, op).is_some() {
            return Flow::Blocked;
        }
        match self.exec_inner(st, t, tid, code, op, log) {
            Ok(f) => f,
            Err(e) => Flow::Raise(e),
        }
    }

    fn pop(t: &mut ThreadState) -> Value {
        t.stack.pop().unwrap_or(Value::None)
    }

    /// The instructions without effects ([`is_pure`]): they only read.
    fn exec_pure(
        &self,
        st: &State,
        t: &mut ThreadState,
        tid: u16,
        code: &Code,
        op: &Op,
        log: &mut Vec<String>,
    ) -> Result<Flow, Exc> {
        let names = |i: u16| self.thread_name(i);
        match op {
            Op::LoadAttr(a) => {
                let obj = Self::pop(t);
                let v = self.attr(st, obj, a)?;
                t.stack.push(v);
            }
            Op::Nop(..) => {}
            Op::LoadConst(v) => t.stack.push(v.clone()),
            Op::LoadFast(s) => match t.locals.get(*s as usize).cloned().flatten() {
                Some(v) => t.stack.push(v),
                None => {
                    let n = code.locals.get(*s as usize).cloned().unwrap_or_default();
                    return Err(Exc::new(
                        ExcKind::UnboundLocalError,
                        format!(
                            "cannot access local variable '{n}' where it is not associated with a value"
                        ),
                    ));
                }
            },
            Op::LoadGlobal(s, _) => match st.globals.get(*s as usize).cloned().flatten() {
                Some(v) => {
                    if matches!(v, Value::Int(_) | Value::Bool(_) | Value::Str(_)) && tid != MAIN {
                        log.push(format!(
                            "read {} = {}",
                            self.prog.globals[*s as usize],
                            repr(st, &v, &names, 0)
                        ));
                    }
                    t.stack.push(v);
                }
                None => {
                    return Err(Exc::new(
                        ExcKind::NameError,
                        format!("name '{}' is not defined", self.prog.globals[*s as usize]),
                    ));
                }
            },
            Op::LoadBuiltin(v, _) => t.stack.push(v.clone()),
            Op::Compare(c) => {
                let b = Self::pop(t);
                let a = Self::pop(t);
                let r = self.compare(st, *c, &a, &b)?;
                t.stack.push(Value::Bool(r));
            }
            Op::Not => {
                let a = Self::pop(t);
                t.stack.push(Value::Bool(!truthy(st, &a)));
            }
            Op::Neg => {
                let a = Self::pop(t);
                let r = match a {
                    Value::Int(n) => Value::Int(n.checked_neg().ok_or_else(overflow)?),
                    Value::Bool(b) => Value::Int(-i64::from(b)),
                    Value::Float(b) => Value::Float((-f64::from_bits(b)).to_bits()),
                    other => {
                        return Err(type_error(format!(
                            "bad operand type for unary -: '{}'",
                            type_name(st, &other)
                        )));
                    }
                };
                t.stack.push(r);
            }
            Op::Subscr => {
                let index = Self::pop(t);
                let obj = Self::pop(t);
                let v = self.subscr(st, &obj, &index)?;
                t.stack.push(v);
            }
            Op::Copy(n) => {
                let n = *n as usize;
                if let Some(v) = t.stack.len().checked_sub(n).map(|i| t.stack[i].clone()) {
                    t.stack.push(v);
                }
            }
            Op::Swap(n) => {
                let n = *n as usize;
                let len = t.stack.len();
                if len >= n {
                    t.stack.swap(len - 1, len - n);
                }
            }
            Op::JumpIfFalse(to) => {
                let v = Self::pop(t);
                if !truthy(st, &v) {
                    return Ok(Flow::Jump(*to));
                }
            }
            Op::JumpIfTrue(to) => {
                let v = Self::pop(t);
                if truthy(st, &v) {
                    return Ok(Flow::Jump(*to));
                }
            }
            Op::JumpIfFalseOrPop(to) => {
                let v = t.stack.last().cloned().unwrap_or(Value::None);
                if !truthy(st, &v) {
                    return Ok(Flow::Jump(*to));
                }
                Self::pop(t);
            }
            Op::JumpIfTrueOrPop(to) => {
                let v = t.stack.last().cloned().unwrap_or(Value::None);
                if truthy(st, &v) {
                    return Ok(Flow::Jump(*to));
                }
                Self::pop(t);
            }
            Op::Jump(to) => return Ok(Flow::Jump(*to)),
            // Not pure: `exec_inner` runs these.
            Op::StoreFast(_)
            | Op::StoreGlobal(_)
            | Op::Call(_)
            | Op::PopTop
            | Op::Binary(..)
            | Op::StoreSubscr
            | Op::BuildList(_)
            | Op::BuildMap(_)
            | Op::ForIter(_)
            | Op::LoadAssertionError
            | Op::AssertMsg
            | Op::Raise(_)
            | Op::WithEnter
            | Op::WithExit
            | Op::WithExitExc
            | Op::Reraise
            | Op::Return => {}
        }
        Ok(Flow::Next)
    }

    fn exec_inner(
        &self,
        st: &mut State,
        t: &mut ThreadState,
        tid: u16,
        code: &Code,
        op: &Op,
        log: &mut Vec<String>,
    ) -> Result<Flow, Exc> {
        let names = |i: u16| self.thread_name(i);
        match op {
            Op::StoreFast(s) => {
                let v = Self::pop(t);
                if let Some(slot) = t.locals.get_mut(*s as usize) {
                    *slot = Some(v);
                }
            }
            Op::StoreGlobal(s) => {
                let v = Self::pop(t);
                if tid != MAIN {
                    log.push(format!(
                        "stored {} = {}",
                        self.prog.globals[*s as usize],
                        repr(st, &v, &names, 0)
                    ));
                }
                st.globals[*s as usize] = Some(v);
            }
            Op::Call(n) => {
                let n = *n as usize;
                if t.stack.len() < n + 1 {
                    return Err(type_error("bad call".into()));
                }
                let args = t.stack.split_off(t.stack.len() - n);
                let callee = Self::pop(t);
                return match self.call(st, t, tid, callee, args, log)? {
                    Some(v) => {
                        t.stack.push(v);
                        Ok(Flow::Next)
                    }
                    None => {
                        t.pc += 1;
                        Ok(Flow::Waiting)
                    }
                };
            }
            Op::PopTop => {
                Self::pop(t);
            }
            Op::Binary(bop, _) => {
                let b = Self::pop(t);
                let a = Self::pop(t);
                let r = self.binary(st, *bop, &a, &b)?;
                if tid != MAIN && matches!(a, Value::Int(_)) && matches!(b, Value::Int(_)) {
                    log.push(format!(
                        "computed {} {} {} = {}",
                        repr(st, &a, &names, 0),
                        bop.symbol(),
                        repr(st, &b, &names, 0),
                        repr(st, &r, &names, 0)
                    ));
                }
                t.stack.push(r);
            }
            Op::StoreSubscr => {
                let index = Self::pop(t);
                let obj = Self::pop(t);
                let v = Self::pop(t);
                self.store_subscr(st, &obj, index, v)?;
            }
            Op::BuildList(n) => {
                let items = t.stack.split_off(t.stack.len().saturating_sub(*n as usize));
                st.heap.push(Obj::List(items));
                t.stack.push(Value::Obj((st.heap.len() - 1) as u32));
            }
            Op::BuildMap(n) => {
                let flat = t
                    .stack
                    .split_off(t.stack.len().saturating_sub(2 * *n as usize));
                let mut items: Vec<(Value, Value)> = Vec::new();
                for pair in flat.chunks(2) {
                    if let [k, v] = pair {
                        match items.iter_mut().find(|(k2, _)| py_eq(st, k2, k, 0)) {
                            Some(e) => e.1 = v.clone(),
                            None => items.push((k.clone(), v.clone())),
                        }
                    }
                }
                st.heap.push(Obj::Dict(items));
                t.stack.push(Value::Obj((st.heap.len() - 1) as u32));
            }
            Op::ForIter(to) => match t.stack.last().cloned() {
                Some(Value::Range(cur, stop, step)) => {
                    let more = if step > 0 { cur < stop } else { cur > stop };
                    if more {
                        let next = cur.checked_add(step).ok_or_else(overflow)?;
                        if let Some(top) = t.stack.last_mut() {
                            *top = Value::Range(next, stop, step);
                        }
                        t.stack.push(Value::Int(cur));
                    } else {
                        Self::pop(t);
                        return Ok(Flow::Jump(*to));
                    }
                }
                _ => return Err(type_error("'for' needs range(...)".into())),
            },
            Op::LoadAssertionError => t.stack.push(Value::Class(ExcKind::AssertionError)),
            Op::AssertMsg => {
                let msg = Self::pop(t);
                Self::pop(t);
                let text = to_str(st, &msg, &names);
                t.stack
                    .push(Value::Exc(Exc::new(ExcKind::AssertionError, text)));
            }
            Op::Raise(n) => {
                if *n == 0 {
                    return Err(Exc::new(
                        ExcKind::RuntimeError,
                        "No active exception to reraise",
                    ));
                }
                let v = Self::pop(t);
                return Err(match v {
                    Value::Exc(e) => e,
                    Value::Class(k) => Exc::bare(k),
                    _ => type_error("exceptions must derive from BaseException".into()),
                });
            }
            Op::WithEnter => {
                let ctx = t.stack.last().cloned().unwrap_or(Value::None);
                match ctx {
                    Value::Obj(id) => {
                        self.acquire(st, id, tid, log)?;
                    }
                    other => {
                        return Err(type_error(format!(
                            "'{}' object does not support the context manager protocol",
                            type_name(st, &other)
                        )));
                    }
                }
            }
            Op::WithExit => {
                let ctx = Self::pop(t);
                if let Value::Obj(id) = ctx {
                    self.release(st, id, tid, 1, log)?;
                }
            }
            Op::WithExitExc => {
                let exc = Self::pop(t);
                let ctx = Self::pop(t);
                if let Value::Obj(id) = ctx {
                    self.release(st, id, tid, 1, log)?;
                }
                t.stack.push(exc);
            }
            Op::Reraise => {
                let v = Self::pop(t);
                return Err(match v {
                    Value::Exc(e) => e,
                    _ => Exc::new(ExcKind::RuntimeError, "No active exception to reraise"),
                });
            }
            Op::Return => return Ok(Flow::Return),
            Op::Nop(..)
            | Op::LoadConst(_)
            | Op::LoadFast(_)
            | Op::LoadGlobal(..)
            | Op::LoadBuiltin(..)
            | Op::LoadAttr(_)
            | Op::Copy(_)
            | Op::Swap(_)
            | Op::Compare(_)
            | Op::Not
            | Op::Neg
            | Op::JumpIfFalse(_)
            | Op::JumpIfTrue(_)
            | Op::JumpIfFalseOrPop(_)
            | Op::JumpIfTrueOrPop(_)
            | Op::Jump(_)
            | Op::Subscr => return self.exec_pure(st, t, tid, code, op, log),
        }
        Ok(Flow::Next)
    }

    fn attr(&self, st: &State, obj: Value, a: &'static str) -> Result<Value, Exc> {
        let ok = match &obj {
            Value::Module(m) => {
                return super::compile::module_attr(*m, a).ok_or_else(|| {
                    Exc::new(
                        ExcKind::AttributeError,
                        format!("module '{}' has no attribute '{a}'", m.name()),
                    )
                });
            }
            Value::Obj(id) => match st.heap.get(*id as usize) {
                Some(Obj::List(_)) => matches!(a, "append" | "pop" | "insert" | "remove" | "clear"),
                Some(Obj::Dict(_)) => matches!(a, "get" | "pop" | "clear"),
                Some(Obj::Lock { .. }) => matches!(a, "acquire" | "release" | "locked"),
                Some(Obj::RLock { .. }) => matches!(a, "acquire" | "release"),
                Some(Obj::Semaphore { .. }) => matches!(a, "acquire" | "release"),
                Some(Obj::Condition { .. }) => matches!(
                    a,
                    "acquire" | "release" | "wait" | "wait_for" | "notify" | "notify_all"
                ),
                Some(Obj::Event { .. }) => matches!(a, "set" | "clear" | "wait" | "is_set"),
                Some(Obj::Queue { .. }) => matches!(
                    a,
                    "put"
                        | "get"
                        | "put_nowait"
                        | "get_nowait"
                        | "empty"
                        | "full"
                        | "qsize"
                        | "task_done"
                        | "join"
                ),
                Some(Obj::Barrier { .. }) => a == "wait",
                None => false,
            },
            Value::Thread(_) => matches!(a, "join" | "is_alive"),
            _ => false,
        };
        if ok {
            Ok(Value::Method(Box::new(obj), a))
        } else {
            Err(Exc::new(
                ExcKind::AttributeError,
                format!("'{}' object has no attribute '{a}'", type_name(st, &obj)),
            ))
        }
    }

    fn binary(&self, st: &mut State, op: BinOp, a: &Value, b: &Value) -> Result<Value, Exc> {
        if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::FloorDiv | BinOp::Mod => {
                    if y == 0 {
                        return Err(Exc::new(
                            ExcKind::ZeroDivisionError,
                            "integer division or modulo by zero",
                        ));
                    }
                    let q = x.checked_div(y).ok_or_else(overflow)?;
                    let r = x - q * y;
                    let (q, r) = if r != 0 && ((r < 0) != (y < 0)) {
                        (q - 1, r + y)
                    } else {
                        (q, r)
                    };
                    Some(if op == BinOp::FloorDiv { q } else { r })
                }
            };
            return r.map(Value::Int).ok_or_else(overflow);
        }
        match (op, a, b) {
            (BinOp::Add, Value::Str(x), Value::Str(y)) => {
                if x.len() + y.len() > MAX_LEN {
                    return Err(overflow());
                }
                Ok(Value::Str(Arc::from(format!("{x}{y}"))))
            }
            (BinOp::Add, Value::Obj(x), Value::Obj(y)) => {
                match (st.heap.get(*x as usize), st.heap.get(*y as usize)) {
                    (Some(Obj::List(p)), Some(Obj::List(q))) => {
                        if p.len() + q.len() > MAX_LEN {
                            return Err(overflow());
                        }
                        let items: Vec<Value> = p.iter().chain(q).cloned().collect();
                        st.heap.push(Obj::List(items));
                        Ok(Value::Obj((st.heap.len() - 1) as u32))
                    }
                    _ => Err(unsupported(st, op, a, b)),
                }
            }
            (BinOp::Mul, Value::Str(x), n) | (BinOp::Mul, n, Value::Str(x))
                if as_int(n).is_some() =>
            {
                let k = as_int(n).unwrap_or(0).max(0) as usize;
                if x.len().saturating_mul(k) > MAX_LEN {
                    return Err(overflow());
                }
                Ok(Value::Str(Arc::from(x.repeat(k))))
            }
            (BinOp::Add, Value::Str(_), _) => Err(type_error(format!(
                "can only concatenate str (not \"{}\") to str",
                type_name(st, b)
            ))),
            (BinOp::Add, Value::Obj(x), _)
                if matches!(st.heap.get(*x as usize), Some(Obj::List(_))) =>
            {
                Err(type_error(format!(
                    "can only concatenate list (not \"{}\") to list",
                    type_name(st, b)
                )))
            }
            _ => Err(unsupported(st, op, a, b)),
        }
    }

    fn compare(&self, st: &State, c: CmpOp, a: &Value, b: &Value) -> Result<bool, Exc> {
        Ok(match c {
            CmpOp::Eq => py_eq(st, a, b, 0),
            CmpOp::Ne => !py_eq(st, a, b, 0),
            CmpOp::Is => a == b,
            CmpOp::IsNot => a != b,
            CmpOp::In | CmpOp::NotIn => {
                let found = match b {
                    Value::Str(s) => match a {
                        Value::Str(x) => s.contains(&**x),
                        _ => {
                            return Err(type_error(format!(
                                "'in <string>' requires string as left operand, not {}",
                                type_name(st, a)
                            )));
                        }
                    },
                    Value::Obj(id) => match st.heap.get(*id as usize) {
                        Some(Obj::List(items)) => items.iter().any(|x| py_eq(st, x, a, 0)),
                        Some(Obj::Dict(items)) => items.iter().any(|(k, _)| py_eq(st, k, a, 0)),
                        _ => {
                            return Err(type_error(format!(
                                "argument of type '{}' is not iterable",
                                type_name(st, b)
                            )));
                        }
                    },
                    _ => {
                        return Err(type_error(format!(
                            "argument of type '{}' is not iterable",
                            type_name(st, b)
                        )));
                    }
                };
                if c == CmpOp::In { found } else { !found }
            }
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                let ord = match (as_num(a), as_num(b), a, b) {
                    (Some(x), Some(y), _, _) => x.partial_cmp(&y),
                    (_, _, Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
                    _ => None,
                };
                let Some(ord) = ord else {
                    return Err(type_error(format!(
                        "'{}' not supported between instances of '{}' and '{}'",
                        c.symbol(),
                        type_name(st, a),
                        type_name(st, b)
                    )));
                };
                match c {
                    CmpOp::Lt => ord.is_lt(),
                    CmpOp::Le => ord.is_le(),
                    CmpOp::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                }
            }
        })
    }

    fn subscr(&self, st: &State, obj: &Value, index: &Value) -> Result<Value, Exc> {
        match obj {
            Value::Obj(id) => match st.heap.get(*id as usize) {
                Some(Obj::List(items)) => {
                    let i = list_index(st, items.len(), index, "list index out of range")?;
                    Ok(items[i].clone())
                }
                Some(Obj::Dict(items)) => items
                    .iter()
                    .find(|(k, _)| py_eq(st, k, index, 0))
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| key_error(st, index)),
                _ => Err(type_error(format!(
                    "'{}' object is not subscriptable",
                    type_name(st, obj)
                ))),
            },
            Value::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let i = list_index(st, chars.len(), index, "string index out of range")?;
                Ok(Value::Str(Arc::from(chars[i].to_string())))
            }
            _ => Err(type_error(format!(
                "'{}' object is not subscriptable",
                type_name(st, obj)
            ))),
        }
    }

    fn store_subscr(&self, st: &mut State, obj: &Value, index: Value, v: Value) -> Result<(), Exc> {
        let Value::Obj(id) = obj else {
            return Err(type_error(format!(
                "'{}' object does not support item assignment",
                type_name(st, obj)
            )));
        };
        let id = *id as usize;
        match st.heap.get(id) {
            Some(Obj::List(items)) => {
                let i = list_index(
                    st,
                    items.len(),
                    &index,
                    "list assignment index out of range",
                )?;
                if let Some(Obj::List(items)) = st.heap.get_mut(id) {
                    items[i] = v;
                }
                Ok(())
            }
            Some(Obj::Dict(items)) => {
                let pos = items.iter().position(|(k, _)| py_eq(st, k, &index, 0));
                if let Some(Obj::Dict(items)) = st.heap.get_mut(id) {
                    match pos {
                        Some(p) => items[p].1 = v,
                        None => {
                            if items.len() >= MAX_LEN {
                                return Err(overflow());
                            }
                            items.push((index, v));
                        }
                    }
                }
                Ok(())
            }
            _ => Err(type_error(format!(
                "'{}' object does not support item assignment",
                type_name(st, obj)
            ))),
        }
    }

    fn acquire(&self, st: &mut State, id: u32, tid: u16, log: &mut Vec<String>) -> Result<(), Exc> {
        let name = obj_name(self.prog, st, id);
        let target = match st.heap.get(id as usize) {
            Some(Obj::Condition { lock, .. }) => *lock,
            _ => id,
        };
        match st.heap.get_mut(target as usize) {
            Some(Obj::Lock { owner }) => *owner = Some(tid),
            Some(Obj::RLock { owner, count }) => {
                *owner = Some(tid);
                *count += 1;
            }
            Some(Obj::Semaphore { value, .. }) => *value -= 1,
            Some(o) => {
                return Err(type_error(format!(
                    "'{}' object does not support the context manager protocol",
                    o.type_name()
                )));
            }
            None => {}
        }
        if tid != MAIN {
            log.push(format!("acquired {name}"));
        }
        Ok(())
    }

    fn release(
        &self,
        st: &mut State,
        id: u32,
        tid: u16,
        n: i64,
        log: &mut Vec<String>,
    ) -> Result<(), Exc> {
        let name = obj_name(self.prog, st, id);
        let target = match st.heap.get(id as usize) {
            Some(Obj::Condition { lock, .. }) => *lock,
            _ => id,
        };
        match st.heap.get_mut(target as usize) {
            Some(Obj::Lock { owner }) => {
                if owner.is_none() {
                    return Err(Exc::thread(ThreadError::ReleaseUnlocked));
                }
                *owner = None;
            }
            Some(Obj::RLock { owner, count }) => {
                if *owner != Some(tid) {
                    return Err(Exc::thread(ThreadError::ReleaseUnacquired));
                }
                *count -= 1;
                if *count == 0 {
                    *owner = None;
                }
            }
            Some(Obj::Semaphore { value, bound }) => {
                if n < 1 {
                    return Err(Exc::thread(ThreadError::ReleaseCountTooSmall));
                }
                if let Some(b) = bound
                    && *value + n > *b
                {
                    return Err(Exc::thread(ThreadError::SemaphoreReleasedTooManyTimes));
                }
                *value += n;
            }
            _ => {}
        }
        if tid != MAIN {
            log.push(format!("released {name}"));
        }
        Ok(())
    }

    /// Is a condition's lock held by `tid` (as CPython's `_is_owned` sees it)?
    fn cond_owned(&self, st: &State, cond: u32, tid: u16) -> Option<u32> {
        let Some(Obj::Condition { lock, .. }) = st.heap.get(cond as usize) else {
            return None;
        };
        let owned = match st.heap.get(*lock as usize) {
            // A plain Lock has no owner: CPython asks only whether it is locked.
            Some(Obj::Lock { owner }) => owner.is_some(),
            Some(Obj::RLock { owner, .. }) => *owner == Some(tid),
            _ => false,
        };
        owned.then_some(*lock)
    }

    /// Call `callee`; `None` means the thread is now waiting.
    fn call(
        &self,
        st: &mut State,
        t: &mut ThreadState,
        tid: u16,
        callee: Value,
        args: Vec<Value>,
        log: &mut Vec<String>,
    ) -> Result<Option<Value>, Exc> {
        let names = |i: u16| self.thread_name(i);
        let nargs = |lo: usize, hi: usize, what: &str| -> Result<(), Exc> {
            if args.len() < lo || args.len() > hi {
                Err(type_error(format!(
                    "{what}() takes {} argument{} ({} given)",
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo} to {hi}")
                    },
                    if hi == 1 { "" } else { "s" },
                    args.len()
                )))
            } else {
                Ok(())
            }
        };
        let new_obj = |st: &mut State, o: Obj| {
            st.heap.push(o);
            Value::Obj((st.heap.len() - 1) as u32)
        };
        match callee {
            Value::Builtin(b) => match b {
                Builtin::Print => {
                    let parts: Vec<String> = args.iter().map(|a| to_str(st, a, &names)).collect();
                    let line = format!("{}\n", parts.join(" "));
                    if st.output.len() + line.len() <= MAX_OUTPUT {
                        st.output.push_str(&line);
                    }
                    if tid != MAIN {
                        log.push(format!("printed {}", str_repr(line.trim_end_matches('\n'))));
                    }
                    Ok(Some(Value::None))
                }
                Builtin::Len => {
                    nargs(1, 1, "len")?;
                    let n = match &args[0] {
                        Value::Str(s) => s.chars().count(),
                        Value::Obj(id) => match st.heap.get(*id as usize) {
                            Some(Obj::List(x)) => x.len(),
                            Some(Obj::Dict(x)) => x.len(),
                            _ => {
                                return Err(type_error(format!(
                                    "object of type '{}' has no len()",
                                    type_name(st, &args[0])
                                )));
                            }
                        },
                        other => {
                            return Err(type_error(format!(
                                "object of type '{}' has no len()",
                                type_name(st, other)
                            )));
                        }
                    };
                    Ok(Some(Value::Int(n as i64)))
                }
                Builtin::Range => {
                    nargs(1, 3, "range")?;
                    let ints: Option<Vec<i64>> = args.iter().map(as_int).collect();
                    let Some(ints) = ints else {
                        return Err(type_error("'range' arguments must be integers".into()));
                    };
                    let (a, b, s) = match ints.as_slice() {
                        [n] => (0, *n, 1),
                        [a, b] => (*a, *b, 1),
                        [a, b, s] => (*a, *b, *s),
                        _ => (0, 0, 1),
                    };
                    if s == 0 {
                        return Err(Exc::new(
                            ExcKind::ValueError,
                            "range() arg 3 must not be zero",
                        ));
                    }
                    Ok(Some(Value::Range(a, b, s)))
                }
                Builtin::Str => {
                    nargs(1, 1, "str")?;
                    Ok(Some(Value::Str(Arc::from(to_str(st, &args[0], &names)))))
                }
                Builtin::Min | Builtin::Max => {
                    let items: Vec<Value> = if args.len() == 1 {
                        match &args[0] {
                            Value::Obj(id) => match st.heap.get(*id as usize) {
                                Some(Obj::List(x)) => x.clone(),
                                _ => args.clone(),
                            },
                            _ => args.clone(),
                        }
                    } else {
                        args.clone()
                    };
                    let mut best: Option<Value> = None;
                    for v in items {
                        best = Some(match best {
                            None => v,
                            Some(cur) => {
                                let less = self.compare(st, CmpOp::Lt, &v, &cur)?;
                                if less == (b == Builtin::Min) { v } else { cur }
                            }
                        });
                    }
                    best.map(Some).ok_or_else(|| {
                        Exc::new(
                            ExcKind::ValueError,
                            format!("{}() arg is an empty sequence", b.name()),
                        )
                    })
                }
                Builtin::Abs => {
                    nargs(1, 1, "abs")?;
                    match as_int(&args[0]) {
                        Some(n) => Ok(Some(Value::Int(n.checked_abs().ok_or_else(overflow)?))),
                        None => Err(type_error(format!(
                            "bad operand type for abs(): '{}'",
                            type_name(st, &args[0])
                        ))),
                    }
                }
                Builtin::CriticalSection => {
                    t.in_critical = tid != MAIN;
                    if tid != MAIN {
                        log.push("entered the critical section".into());
                    }
                    Ok(Some(Value::None))
                }
            },
            Value::Class(k) => {
                let msg = args.first().map(|a| match a {
                    Value::Str(s) => s.to_string(),
                    other => to_str(st, other, &names),
                });
                Ok(Some(Value::Exc(match msg {
                    Some(m) => Exc::new(k, m),
                    None => Exc::bare(k),
                })))
            }
            Value::Ctor(c) => {
                let int_arg = |i: usize, default: i64| -> Result<i64, Exc> {
                    match args.get(i) {
                        None => Ok(default),
                        Some(v) => as_int(v)
                            .ok_or_else(|| type_error(format!("{}() needs an integer", c.name()))),
                    }
                };
                let v = match c {
                    Ctor::Lock => {
                        nargs(0, 0, "Lock")?;
                        new_obj(st, Obj::Lock { owner: None })
                    }
                    Ctor::RLock => {
                        nargs(0, 0, "RLock")?;
                        new_obj(
                            st,
                            Obj::RLock {
                                owner: None,
                                count: 0,
                            },
                        )
                    }
                    Ctor::Semaphore | Ctor::BoundedSemaphore => {
                        nargs(0, 1, c.name())?;
                        let n = int_arg(0, 1)?;
                        if n < 0 {
                            return Err(Exc::new(
                                ExcKind::ValueError,
                                "semaphore initial value must be >= 0",
                            ));
                        }
                        let bound = (c == Ctor::BoundedSemaphore).then_some(n);
                        new_obj(st, Obj::Semaphore { value: n, bound })
                    }
                    Ctor::Condition => {
                        nargs(0, 1, "Condition")?;
                        let lock = match args.first() {
                            None | Some(Value::None) => {
                                st.heap.push(Obj::RLock {
                                    owner: None,
                                    count: 0,
                                });
                                (st.heap.len() - 1) as u32
                            }
                            Some(Value::Obj(id))
                                if matches!(
                                    st.heap.get(*id as usize),
                                    Some(Obj::Lock { .. } | Obj::RLock { .. })
                                ) =>
                            {
                                *id
                            }
                            Some(_) => {
                                return Err(type_error(
                                    "Condition() needs a Lock or an RLock".into(),
                                ));
                            }
                        };
                        new_obj(
                            st,
                            Obj::Condition {
                                lock,
                                waiters: Vec::new(),
                            },
                        )
                    }
                    Ctor::Event => {
                        nargs(0, 0, "Event")?;
                        new_obj(
                            st,
                            Obj::Event {
                                flag: false,
                                waiters: Vec::new(),
                            },
                        )
                    }
                    Ctor::Barrier => {
                        nargs(1, 1, "Barrier")?;
                        let n = int_arg(0, 1)?;
                        if n < 1 {
                            return Err(Exc::new(ExcKind::ValueError, "parties must be >= 1"));
                        }
                        new_obj(
                            st,
                            Obj::Barrier {
                                parties: n,
                                waiting: Vec::new(),
                                generation: 0,
                            },
                        )
                    }
                    Ctor::Queue => {
                        nargs(0, 1, "Queue")?;
                        let n = int_arg(0, 0)?;
                        new_obj(
                            st,
                            Obj::Queue {
                                items: Vec::new(),
                                maxsize: n,
                                unfinished: 0,
                            },
                        )
                    }
                };
                Ok(Some(v))
            }
            Value::Method(recv, name) => self.method(st, t, tid, *recv, name, args, log),
            other => Err(type_error(format!(
                "'{}' object is not callable",
                type_name(st, &other)
            ))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn method(
        &self,
        st: &mut State,
        t: &mut ThreadState,
        tid: u16,
        recv: Value,
        name: &'static str,
        args: Vec<Value>,
        log: &mut Vec<String>,
    ) -> Result<Option<Value>, Exc> {
        let names = |i: u16| self.thread_name(i);
        let arity = |lo: usize, hi: usize| -> Result<(), Exc> {
            if args.len() < lo || args.len() > hi {
                Err(type_error(format!(
                    "{name}() takes {} arguments ({} given)",
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo} to {hi}")
                    },
                    args.len()
                )))
            } else {
                Ok(())
            }
        };
        let id = match recv {
            Value::Module(Module::Time) => {
                arity(1, 1)?;
                if as_num(&args[0]).is_none() {
                    return Err(type_error("sleep() needs a number".into()));
                }
                if tid != MAIN {
                    log.push("slept (a chance for another thread to run)".into());
                }
                return Ok(Some(Value::None));
            }
            Value::Thread(other) => {
                arity(0, 0)?;
                let alive = st
                    .threads
                    .get(other as usize)
                    .is_some_and(|x| x.life == Life::Alive);
                return match name {
                    "join" => {
                        if other == tid {
                            return Err(Exc::thread(ThreadError::JoinCurrentThread));
                        }
                        if tid != MAIN {
                            log.push(format!("joined {}", self.thread_name(other)));
                        }
                        Ok(Some(Value::None))
                    }
                    _ => Ok(Some(Value::Bool(alive))),
                };
            }
            Value::Obj(id) => id,
            other => {
                return Err(Exc::new(
                    ExcKind::AttributeError,
                    format!(
                        "'{}' object has no attribute '{name}'",
                        type_name(st, &other)
                    ),
                ));
            }
        };
        let oname = obj_name(self.prog, st, id);
        let idx = id as usize;
        // Work on a copy of the object, then put it back (the borrow of
        // the heap stays short, and nothing partial is left on error).
        let Some(mut obj) = st.heap.get(idx).cloned() else {
            return Ok(Some(Value::None));
        };
        let result: Value = match (&mut obj, name) {
            (Obj::List(items), "append") => {
                arity(1, 1)?;
                if items.len() >= MAX_LEN {
                    return Err(overflow());
                }
                items.push(args[0].clone());
                log.push(format!(
                    "appended {} to {oname}",
                    repr(st, &args[0], &names, 0)
                ));
                Value::None
            }
            (Obj::List(items), "pop") => {
                arity(0, 1)?;
                let v = if let Some(i) = args.first() {
                    if items.is_empty() {
                        return Err(Exc::new(ExcKind::IndexError, "pop from empty list"));
                    }
                    let i = list_index(st, items.len(), i, "pop index out of range")?;
                    items.remove(i)
                } else {
                    items
                        .pop()
                        .ok_or_else(|| Exc::new(ExcKind::IndexError, "pop from empty list"))?
                };
                log.push(format!("popped {} from {oname}", repr(st, &v, &names, 0)));
                v
            }
            (Obj::List(items), "insert") => {
                arity(2, 2)?;
                if items.len() >= MAX_LEN {
                    return Err(overflow());
                }
                let n = items.len() as i64;
                let i = as_int(&args[0])
                    .ok_or_else(|| type_error("list indices must be integers".into()))?;
                let i = if i < 0 { (n + i).max(0) } else { i.min(n) };
                items.insert(i as usize, args[1].clone());
                Value::None
            }
            (Obj::List(items), "remove") => {
                arity(1, 1)?;
                let pos = items.iter().position(|x| py_eq(st, x, &args[0], 0));
                match pos {
                    Some(p) => {
                        items.remove(p);
                    }
                    None => {
                        return Err(Exc::new(
                            ExcKind::ValueError,
                            "list.remove(x): x not in list",
                        ));
                    }
                }
                Value::None
            }
            (Obj::List(items), "clear") => {
                items.clear();
                Value::None
            }
            (Obj::Dict(items), "get") => {
                arity(1, 2)?;
                items
                    .iter()
                    .find(|(k, _)| py_eq(st, k, &args[0], 0))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None))
            }
            (Obj::Dict(items), "pop") => {
                arity(1, 2)?;
                match items.iter().position(|(k, _)| py_eq(st, k, &args[0], 0)) {
                    Some(p) => items.remove(p).1,
                    None => match args.get(1) {
                        Some(d) => d.clone(),
                        None => return Err(key_error(st, &args[0])),
                    },
                }
            }
            (Obj::Dict(items), "clear") => {
                items.clear();
                Value::None
            }
            (Obj::Lock { .. } | Obj::RLock { .. } | Obj::Semaphore { .. }, "acquire")
            | (Obj::Condition { .. }, "acquire") => {
                arity(0, 1)?;
                if !self.can_acquire(st, id, tid) {
                    // Only reached when not blocking (blocking calls wait before).
                    Value::Bool(false)
                } else {
                    self.acquire(st, id, tid, log)?;
                    return Ok(Some(Value::Bool(true)));
                }
            }
            (Obj::Lock { .. } | Obj::RLock { .. } | Obj::Condition { .. }, "release") => {
                arity(0, 0)?;
                self.release(st, id, tid, 1, log)?;
                return Ok(Some(Value::None));
            }
            (Obj::Semaphore { .. }, "release") => {
                arity(0, 1)?;
                let n = match args.first() {
                    Some(v) => {
                        as_int(v).ok_or_else(|| type_error("n must be an integer".into()))?
                    }
                    None => 1,
                };
                self.release(st, id, tid, n, log)?;
                return Ok(Some(Value::None));
            }
            (Obj::Lock { owner }, "locked") => Value::Bool(owner.is_some()),
            (Obj::Condition { .. }, "wait") => {
                arity(0, 0)?;
                let Some(lock) = self.cond_owned(st, id, tid) else {
                    return Err(Exc::thread(ThreadError::WaitUnacquired));
                };
                let count = match st.heap.get_mut(lock as usize) {
                    Some(Obj::Lock { owner }) => {
                        *owner = None;
                        1
                    }
                    Some(Obj::RLock { owner, count }) => {
                        let c = *count;
                        *owner = None;
                        *count = 0;
                        c
                    }
                    _ => 1,
                };
                if let Some(Obj::Condition { waiters, .. }) = st.heap.get_mut(idx) {
                    waiters.push(tid);
                }
                t.pending = Some(Pending::CondWait {
                    cond: id,
                    notified: false,
                    count,
                });
                log.push(format!(
                    "released {} and waits on {oname}",
                    obj_name(self.prog, st, lock)
                ));
                return Ok(None);
            }
            (Obj::Condition { waiters, .. }, "notify" | "notify_all") => {
                if name == "notify" {
                    arity(0, 1)?;
                } else {
                    arity(0, 0)?;
                }
                if self.cond_owned(st, id, tid).is_none() {
                    return Err(Exc::thread(ThreadError::NotifyUnacquired));
                }
                let n = if name == "notify_all" {
                    waiters.len()
                } else {
                    match args.first() {
                        Some(v) => as_int(v).unwrap_or(1).max(0) as usize,
                        None => 1,
                    }
                };
                let woken: Vec<u16> = waiters.drain(..n.min(waiters.len())).collect();
                for w in &woken {
                    if let Some(Pending::CondWait { notified, .. }) = st
                        .threads
                        .get_mut(usize::from(*w))
                        .and_then(|t| t.pending.as_mut())
                    {
                        *notified = true;
                    }
                }
                if woken.is_empty() {
                    log.push(format!("notified {oname}, but no thread was waiting"));
                } else {
                    let who: Vec<String> = woken.iter().map(|w| self.thread_name(*w)).collect();
                    log.push(format!("notified {} on {oname}", who.join(", ")));
                }
                Value::None
            }
            (Obj::Event { flag, waiters }, "set") => {
                arity(0, 0)?;
                *flag = true;
                let woken: Vec<u16> = std::mem::take(waiters);
                for w in &woken {
                    if let Some(Pending::EventWait { woken, .. }) = st
                        .threads
                        .get_mut(usize::from(*w))
                        .and_then(|t| t.pending.as_mut())
                    {
                        *woken = true;
                    }
                }
                log.push(format!("set {oname}"));
                Value::None
            }
            (Obj::Event { flag, .. }, "clear") => {
                arity(0, 0)?;
                *flag = false;
                log.push(format!("cleared {oname}"));
                Value::None
            }
            (Obj::Event { flag, .. }, "is_set") => Value::Bool(*flag),
            (Obj::Event { flag, waiters }, "wait") => {
                arity(0, 0)?;
                if *flag {
                    log.push(format!("{oname} is set: wait() returns at once"));
                    Value::Bool(true)
                } else {
                    waiters.push(tid);
                    st.heap[idx] = obj;
                    t.pending = Some(Pending::EventWait {
                        event: id,
                        woken: false,
                    });
                    log.push(format!("waits for {oname}"));
                    return Ok(None);
                }
            }
            (
                Obj::Queue {
                    items,
                    maxsize,
                    unfinished,
                },
                "put" | "put_nowait",
            ) => {
                if name == "put" {
                    arity(1, 2)?;
                } else {
                    arity(1, 1)?;
                }
                if *maxsize > 0 && items.len() as i64 >= *maxsize {
                    return Err(Exc::bare(ExcKind::QueueFull));
                }
                if items.len() >= MAX_LEN {
                    return Err(overflow());
                }
                items.push(args[0].clone());
                *unfinished += 1;
                log.push(format!("put {} in {oname}", repr(st, &args[0], &names, 0)));
                Value::None
            }
            (Obj::Queue { items, .. }, "get" | "get_nowait") => {
                if name == "get" {
                    arity(0, 1)?;
                } else {
                    arity(0, 0)?;
                }
                if items.is_empty() {
                    return Err(Exc::bare(ExcKind::QueueEmpty));
                }
                let v = items.remove(0);
                log.push(format!("got {} from {oname}", repr(st, &v, &names, 0)));
                v
            }
            (Obj::Queue { items, .. }, "empty") => Value::Bool(items.is_empty()),
            (Obj::Queue { items, maxsize, .. }, "full") => {
                Value::Bool(*maxsize > 0 && items.len() as i64 >= *maxsize)
            }
            (Obj::Queue { items, .. }, "qsize") => Value::Int(items.len() as i64),
            (Obj::Queue { unfinished, .. }, "task_done") => {
                if *unfinished <= 0 {
                    return Err(Exc::thread(ThreadError::TaskDoneTooManyTimes));
                }
                *unfinished -= 1;
                Value::None
            }
            (Obj::Queue { .. }, "join") => {
                log.push(format!("joined {oname}: every task is done"));
                Value::None
            }
            (
                Obj::Barrier {
                    parties,
                    waiting,
                    generation,
                },
                "wait",
            ) => {
                arity(0, 0)?;
                let index = waiting.len() as i64;
                if index + 1 >= *parties {
                    waiting.clear();
                    *generation = generation.wrapping_add(1);
                    log.push(format!("arrived last at {oname}: everyone goes on"));
                    Value::Int(index)
                } else {
                    waiting.push(tid);
                    let generation = *generation;
                    st.heap[idx] = obj;
                    t.pending = Some(Pending::BarrierWait {
                        barrier: id,
                        generation,
                        index,
                    });
                    log.push(format!("waits at {oname}"));
                    return Ok(None);
                }
            }
            (o, _) => {
                return Err(Exc::new(
                    ExcKind::AttributeError,
                    format!("'{}' object has no attribute '{name}'", o.type_name()),
                ));
            }
        };
        st.heap[idx] = obj;
        Ok(Some(result))
    }
}

fn overflow() -> Exc {
    Exc::new(
        ExcKind::OverflowError,
        "value too large for the challenge engine",
    )
}

fn unsupported(st: &State, op: BinOp, a: &Value, b: &Value) -> Exc {
    type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op.symbol(),
        type_name(st, a),
        type_name(st, b)
    ))
}

fn key_error(st: &State, k: &Value) -> Exc {
    Exc::new(ExcKind::KeyError, repr(st, k, &|_| String::new(), 0))
}

fn list_index(st: &State, len: usize, index: &Value, msg: &str) -> Result<usize, Exc> {
    let Some(i) = as_int(index) else {
        return Err(type_error(format!(
            "list indices must be integers, not {}",
            type_name(st, index)
        )));
    };
    let n = len as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(Exc::new(ExcKind::IndexError, msg));
    }
    Ok(j as usize)
}

/// About how many bytes a state takes (for the solver's memory bound).
pub fn weight(st: &State) -> usize {
    let heap: usize = st
        .heap
        .iter()
        .map(|o| match o {
            Obj::List(x) => 32 * x.len(),
            Obj::Dict(x) => 64 * x.len(),
            Obj::Queue { items, .. } => 32 * items.len(),
            Obj::Condition { waiters, .. } | Obj::Event { waiters, .. } => 2 * waiters.len(),
            _ => 0,
        } + 48)
        .sum();
    let threads: usize = st
        .threads
        .iter()
        .map(|t| 96 + 32 * (t.stack.len() + t.locals.len()))
        .sum();
    128 + st.output.len() + 40 * st.globals.len() + heap + threads
}

/// Instructions with no effect on shared state (the look-ahead may run them).
fn is_pure(op: &Op) -> bool {
    matches!(
        op,
        Op::Nop(..)
            | Op::LoadConst(_)
            | Op::LoadFast(_)
            | Op::LoadGlobal(..)
            | Op::LoadBuiltin(..)
            | Op::LoadAttr(_)
            | Op::Copy(_)
            | Op::Swap(_)
            | Op::Compare(_)
            | Op::Not
            | Op::Neg
            | Op::JumpIfFalse(_)
            | Op::JumpIfTrue(_)
            | Op::JumpIfFalseOrPop(_)
            | Op::JumpIfTrueOrPop(_)
            | Op::Jump(_)
            | Op::Subscr
    )
}
