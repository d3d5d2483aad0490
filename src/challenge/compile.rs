//! From parsed statements to the engine's instructions.
//!
//! Each simple statement compiles to the instructions CPython 3.11 emits
//! for it inside a function (LOAD_GLOBAL / LOAD_FAST / LOAD_CONST /
//! BINARY_OP / STORE_GLOBAL ...), one engine instruction per `dis` row, so
//! an expanded step (`2e`) runs exactly one row. Compound statements
//! (`with`, `for`, `try`/`finally`) get structural instructions of the
//! engine's own (their steps are never expanded). The listing of a
//! statement is what `dis` prints for that statement compiled on its own
//! in a function (offsets from 2, after RESUME; `co_names`, `co_varnames`
//! and `co_consts` counted within the statement).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::syntax::{BinOp, CmpOp, Expr, ExprKind, Stmt, StmtKind, SyntaxError, Target, parse};
use super::value::{Builtin, Ctor, ExcKind, Module, Value};

/// Most instructions one code string may compile to.
pub const MAX_INSTRS: usize = 50_000;

/// Longest `dis` listing made for one statement.
pub const MAX_ROWS: usize = 200;

/// An engine instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Does nothing; shown as the given `dis` row (PRECALL, PUSH_NULL,
    /// NOP, GET_ITER ...).
    Nop(&'static str, Option<u32>),
    LoadConst(Value),
    LoadFast(u16),
    StoreFast(u16),
    /// A global slot; `true` when `dis` shows `NULL +` (a plain call).
    LoadGlobal(u16, bool),
    /// A built-in name (shown as LOAD_GLOBAL).
    LoadBuiltin(Value, bool),
    StoreGlobal(u16),
    /// LOAD_METHOD / LOAD_ATTR: replaces the object by the bound attribute.
    LoadAttr(&'static str),
    /// CALL n: the callee is below the n arguments.
    Call(u8),
    PopTop,
    Binary(BinOp, bool),
    Compare(CmpOp),
    Not,
    Neg,
    Subscr,
    StoreSubscr,
    Copy(u8),
    Swap(u8),
    BuildList(u16),
    BuildMap(u16),
    JumpIfFalse(u32),
    JumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    Jump(u32),
    ForIter(u32),
    LoadAssertionError,
    /// The `CALL 0` that builds `AssertionError(msg)`.
    AssertMsg,
    /// RAISE_VARARGS n (0: re-raise).
    Raise(u8),
    /// `with X:` enter: acquire X, keep it on the stack.
    WithEnter,
    /// Leaving a `with` block normally: release.
    WithExit,
    /// Leaving a `with` block by an exception (under it on the stack).
    WithExitExc,
    /// Raise the exception on top of the stack again.
    Reraise,
    /// End of the code.
    Return,
}

/// One instruction with its bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct Instr {
    pub op: Op,
    /// Index into [`Code::stmts`].
    pub stmt: u32,
    /// A step may stop before it: the first instruction of a statement (or
    /// of a loop header's iteration, or of a `with` exit).
    pub start: bool,
    /// The `dis` row this is, within its statement's listing.
    pub row: Option<u16>,
    /// Where an exception goes: (instruction, stack depth to keep).
    pub handler: Option<(u32, u16)>,
    /// Touches state another thread can see (for expansion).
    pub shared: bool,
}

/// A statement as the learner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StmtInfo {
    /// 1-based line in the code string.
    pub line: usize,
    /// Byte offset in the code string.
    pub pos: usize,
    /// Its source text (one line).
    pub text: String,
    /// Whether an expanded step (`Ne`) may run it one bytecode at a time.
    pub expandable: bool,
    /// `dis`'s listing of it (empty for structural steps).
    pub dis: Vec<String>,
    simple: bool,
}

/// A compiled code string.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub source: String,
    pub instrs: Vec<Instr>,
    pub stmts: Vec<StmtInfo>,
    /// Local variable names by slot.
    pub locals: Vec<String>,
}

/// Which code string of a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Setup,
    After,
    /// A thread, by index.
    Thread(usize),
}

/// A problem in one code string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    pub part: Part,
    pub error: SyntaxError,
}

/// One thread as a level describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadSource {
    pub name: String,
    pub code: String,
    pub daemon: bool,
    /// A global name bound to the thread object (for `join`).
    pub var: Option<String>,
}

/// A thread's compiled code.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadCode {
    pub name: String,
    pub daemon: bool,
    pub code: Code,
}

/// What a program can do at all (for checking that a goal is reachable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    pub asserts: bool,
    pub critical_threads: usize,
    pub blocking: bool,
    pub prints: bool,
    pub loops: bool,
    pub raises: bool,
}

/// A compiled level variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub setup: Code,
    pub after: Option<Code>,
    pub threads: Vec<ThreadCode>,
    /// Global names by slot.
    pub globals: Vec<String>,
    /// Thread objects bound to globals: (slot, thread).
    pub thread_vars: Vec<(u16, u16)>,
    pub features: Features,
}

/// Attribute names the subset knows (methods of its objects and modules).
pub const ATTRS: &[&str] = &[
    "append",
    "pop",
    "insert",
    "remove",
    "clear",
    "get",
    "acquire",
    "release",
    "locked",
    "wait",
    "wait_for",
    "notify",
    "notify_all",
    "set",
    "is_set",
    "put",
    "put_nowait",
    "get_nowait",
    "empty",
    "full",
    "qsize",
    "task_done",
    "join",
    "is_alive",
    "sleep",
    "Lock",
    "RLock",
    "Semaphore",
    "BoundedSemaphore",
    "Condition",
    "Event",
    "Barrier",
    "BrokenBarrierError",
    "Queue",
    "Empty",
    "Full",
];

/// The value of a built-in name, if it is one.
pub fn builtin(name: &str) -> Option<Value> {
    Some(match name {
        "print" => Value::Builtin(Builtin::Print),
        "len" => Value::Builtin(Builtin::Len),
        "range" => Value::Builtin(Builtin::Range),
        "str" => Value::Builtin(Builtin::Str),
        "min" => Value::Builtin(Builtin::Min),
        "max" => Value::Builtin(Builtin::Max),
        "abs" => Value::Builtin(Builtin::Abs),
        "critical_section" => Value::Builtin(Builtin::CriticalSection),
        "threading" => Value::Module(Module::Threading),
        "time" => Value::Module(Module::Time),
        "queue" => Value::Module(Module::Queue),
        "Exception" => Value::Class(ExcKind::Exception),
        "RuntimeError" => Value::Class(ExcKind::RuntimeError),
        "ValueError" => Value::Class(ExcKind::ValueError),
        "AssertionError" => Value::Class(ExcKind::AssertionError),
        "IndexError" => Value::Class(ExcKind::IndexError),
        "KeyError" => Value::Class(ExcKind::KeyError),
        "ZeroDivisionError" => Value::Class(ExcKind::ZeroDivisionError),
        "TypeError" => Value::Class(ExcKind::TypeError),
        _ => return None,
    })
}

/// A module attribute's value.
pub fn module_attr(m: Module, attr: &'static str) -> Option<Value> {
    Some(match (m, attr) {
        (Module::Threading, "Lock") => Value::Ctor(Ctor::Lock),
        (Module::Threading, "RLock") => Value::Ctor(Ctor::RLock),
        (Module::Threading, "Semaphore") => Value::Ctor(Ctor::Semaphore),
        (Module::Threading, "BoundedSemaphore") => Value::Ctor(Ctor::BoundedSemaphore),
        (Module::Threading, "Condition") => Value::Ctor(Ctor::Condition),
        (Module::Threading, "Event") => Value::Ctor(Ctor::Event),
        (Module::Threading, "Barrier") => Value::Ctor(Ctor::Barrier),
        (Module::Threading, "BrokenBarrierError") => Value::Class(ExcKind::BrokenBarrierError),
        (Module::Queue, "Queue") => Value::Ctor(Ctor::Queue),
        (Module::Queue, "Empty") => Value::Class(ExcKind::QueueEmpty),
        (Module::Queue, "Full") => Value::Class(ExcKind::QueueFull),
        (Module::Time, "sleep") => Value::Method(Box::new(Value::Module(m)), "sleep"),
        _ => return None,
    })
}

#[derive(Clone)]
enum Block {
    Loop {
        is_for: bool,
        brk: u32,
        cont: u32,
        depth: u16,
    },
    With {
        handler: u32,
        depth: u16,
    },
    Try {
        handler: u32,
        depth: u16,
        fin: Vec<Stmt>,
    },
    FinallyExc,
}

struct Fx<'a> {
    module: bool,
    local_index: HashMap<String, u16>,
    global_index: &'a HashMap<String, u16>,
    code: Vec<Instr>,
    stmts: Vec<StmtInfo>,
    cur: u32,
    start_next: bool,
    labels: Vec<Option<u32>>,
    blocks: Vec<Block>,
    depth: u16,
    features: Features,
    calls_critical: bool,
    /// Names stored to globals by this code.
    stored_globals: BTreeSet<u16>,
}

fn cerr<T>(pos: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        pos,
        message: message.into(),
    })
}

impl Fx<'_> {
    fn label(&mut self) -> u32 {
        self.labels.push(None);
        (self.labels.len() - 1) as u32
    }
    fn place(&mut self, l: u32) {
        self.labels[l as usize] = Some(self.code.len() as u32);
    }
    fn handler(&self) -> Option<(u32, u16)> {
        self.blocks.iter().rev().find_map(|b| match b {
            Block::With { handler, depth } | Block::Try { handler, depth, .. } => {
                Some((*handler, *depth))
            }
            Block::Loop { .. } | Block::FinallyExc => None,
        })
    }
    fn emit(&mut self, op: Op, pos: usize) -> Result<usize, SyntaxError> {
        if self.code.len() >= MAX_INSTRS {
            return cerr(pos, "the code is too long for the engine");
        }
        let start = std::mem::take(&mut self.start_next);
        let handler = self.handler();
        self.code.push(Instr {
            op,
            stmt: self.cur,
            start,
            row: None,
            handler,
            shared: false,
        });
        Ok(self.code.len() - 1)
    }
    fn begin_stmt(&mut self, s: &Stmt, simple: bool) {
        self.begin_at(s.line, s.pos, simple);
    }
    fn begin_at(&mut self, line: usize, pos: usize, simple: bool) {
        self.stmts.push(StmtInfo {
            line,
            pos,
            text: String::new(),
            expandable: false,
            dis: Vec::new(),
            simple,
        });
        self.cur = (self.stmts.len() - 1) as u32;
        self.start_next = true;
    }

    fn is_local(&self, name: &str) -> Option<u16> {
        if self.module {
            return None;
        }
        self.local_index.get(name).copied()
    }
    fn global_slot(&self, name: &str) -> Option<u16> {
        self.global_index.get(name).copied()
    }

    fn load_name(&mut self, name: &str, pos: usize, null: bool) -> Result<(), SyntaxError> {
        if let Some(slot) = self.is_local(name) {
            if null {
                self.emit(Op::Nop("PUSH_NULL", None), pos)?;
            }
            self.emit(Op::LoadFast(slot), pos)?;
        } else if let Some(slot) = self.global_slot(name) {
            self.emit(Op::LoadGlobal(slot, null), pos)?;
        } else if let Some(v) = builtin(name) {
            self.emit(Op::LoadBuiltin(v, null), pos)?;
        } else {
            return cerr(pos, format!("unknown name `{name}`"));
        }
        Ok(())
    }

    fn store_name(&mut self, name: &str, pos: usize) -> Result<(), SyntaxError> {
        if let Some(slot) = self.is_local(name) {
            self.emit(Op::StoreFast(slot), pos)?;
        } else if let Some(slot) = self.global_slot(name) {
            self.stored_globals.insert(slot);
            self.emit(Op::StoreGlobal(slot), pos)?;
        } else {
            return cerr(pos, format!("cannot assign to `{name}` here"));
        }
        Ok(())
    }

    fn attr(&self, name: &str, pos: usize) -> Result<&'static str, SyntaxError> {
        match ATTRS.iter().find(|a| **a == name) {
            Some(a) => Ok(a),
            None => cerr(pos, format!("unknown attribute or method `{name}`")),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::Name(n) => self.load_name(n, e.pos, false)?,
            ExprKind::Int(n) => {
                self.emit(Op::LoadConst(Value::Int(*n)), e.pos)?;
            }
            ExprKind::Float(f) => {
                self.emit(Op::LoadConst(Value::Float(f.to_bits())), e.pos)?;
            }
            ExprKind::Str(s) => {
                self.emit(Op::LoadConst(Value::Str(Arc::from(s.as_str()))), e.pos)?;
            }
            ExprKind::Bool(b) => {
                self.emit(Op::LoadConst(Value::Bool(*b)), e.pos)?;
            }
            ExprKind::None => {
                self.emit(Op::LoadConst(Value::None), e.pos)?;
            }
            ExprKind::List(items) => {
                for i in items {
                    self.expr(i)?;
                }
                self.emit(Op::BuildList(items.len() as u16), e.pos)?;
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    self.expr(k)?;
                    self.expr(v)?;
                }
                self.emit(Op::BuildMap(items.len() as u16), e.pos)?;
            }
            ExprKind::Bin(a, op, b) => {
                self.expr(a)?;
                self.expr(b)?;
                self.emit(Op::Binary(*op, false), e.pos)?;
            }
            ExprKind::Neg(a) => {
                self.expr(a)?;
                self.emit(Op::Neg, e.pos)?;
            }
            ExprKind::Not(a) => {
                self.expr(a)?;
                self.emit(Op::Not, e.pos)?;
            }
            ExprKind::Compare(a, op, b) => {
                self.expr(a)?;
                self.expr(b)?;
                let i = self.emit(Op::Compare(*op), e.pos)?;
                if matches!(op, CmpOp::In | CmpOp::NotIn) {
                    self.code[i].shared = true;
                }
            }
            ExprKind::BoolOp(and, a, b) => {
                let end = self.label();
                self.expr(a)?;
                if *and {
                    self.emit(Op::JumpIfFalseOrPop(end), e.pos)?;
                } else {
                    self.emit(Op::JumpIfTrueOrPop(end), e.pos)?;
                }
                self.expr(b)?;
                self.place(end);
            }
            ExprKind::Call(f, args) => self.call(f, args, e.pos)?,
            ExprKind::Attr(obj, name) => {
                let a = self.attr(name, e.pos)?;
                self.expr(obj)?;
                self.emit(Op::LoadAttr(a), e.pos)?;
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                let i = self.emit(Op::Subscr, e.pos)?;
                self.code[i].shared = true;
            }
            ExprKind::Lambda(_) => {
                return cerr(
                    e.pos,
                    "unsupported: `lambda` outside `Condition.wait_for(lambda: ...)`",
                );
            }
        }
        Ok(())
    }

    fn call(&mut self, f: &Expr, args: &[Expr], pos: usize) -> Result<(), SyntaxError> {
        if args.len() > 8 {
            return cerr(pos, "too many arguments");
        }
        let mut shared = false;
        match &f.kind {
            ExprKind::Attr(obj, name) => {
                let a = self.attr(name, f.pos)?;
                let on_module = matches!(&obj.kind, ExprKind::Name(n)
                    if matches!(n.as_str(), "threading" | "time" | "queue")
                        && self.is_local(n).is_none() && self.global_slot(n).is_none());
                shared = !on_module;
                self.expr(obj)?;
                self.emit(Op::LoadAttr(a), f.pos)?;
            }
            ExprKind::Name(n) => {
                if n == "critical_section" {
                    self.calls_critical = true;
                }
                if n == "print" {
                    self.features.prints = true;
                }
                shared = matches!(n.as_str(), "len" | "print" | "min" | "max");
                self.load_name(n, f.pos, true)?;
            }
            _ => {
                self.emit(Op::Nop("PUSH_NULL", None), f.pos)?;
                self.expr(f)?;
            }
        }
        for a in args {
            if let ExprKind::Lambda(_) = a.kind {
                return cerr(
                    a.pos,
                    "unsupported: `wait_for(lambda: ...)` inside an expression (use it as a statement)",
                );
            }
            self.expr(a)?;
        }
        self.emit(Op::Nop("PRECALL", Some(args.len() as u32)), pos)?;
        let i = self.emit(Op::Call(args.len() as u8), pos)?;
        self.code[i].shared = shared;
        Ok(())
    }

    /// Compile a condition that jumps to `target` when it is `when`.
    fn cond_jump(&mut self, e: &Expr, when: bool, target: u32) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::Not(inner) => self.cond_jump(inner, !when, target),
            ExprKind::BoolOp(and, a, b) => {
                // `a and b` jumps on false if either is false; on true only if both.
                if *and != when {
                    // Jump when either short-circuits towards `when`.
                    self.cond_jump(a, when, target)?;
                    self.cond_jump(b, when, target)
                } else {
                    let skip = self.label();
                    self.cond_jump(a, !when, skip)?;
                    self.cond_jump(b, when, target)?;
                    self.place(skip);
                    Ok(())
                }
            }
            _ => {
                self.expr(e)?;
                if when {
                    self.emit(Op::JumpIfTrue(target), e.pos)?;
                } else {
                    self.emit(Op::JumpIfFalse(target), e.pos)?;
                }
                Ok(())
            }
        }
    }

    fn body(&mut self, stmts: &[Stmt]) -> Result<(), SyntaxError> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn store_target(&mut self, t: &Target, pos: usize) -> Result<(), SyntaxError> {
        match t {
            Target::Name(n) => self.store_name(n, pos),
            Target::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                let i = self.emit(Op::StoreSubscr, pos)?;
                self.code[i].shared = true;
                Ok(())
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        match &s.kind {
            StmtKind::Global(_) => {
                if self.module {
                    return cerr(s.pos, "`global` belongs in a thread's code, not here");
                }
            }
            StmtKind::Import(_) => {}
            StmtKind::Pass => {
                self.begin_stmt(s, false);
                self.emit(Op::Nop("NOP", None), s.pos)?;
            }
            StmtKind::Expr(e) => {
                if let ExprKind::Call(f, args) = &e.kind
                    && let ExprKind::Attr(obj, name) = &f.kind
                    && name == "wait_for"
                {
                    return self.wait_for(s, obj, args);
                }
                self.begin_stmt(s, true);
                self.expr(e)?;
                self.emit(Op::PopTop, s.pos)?;
            }
            StmtKind::Assign(t, v) => {
                self.begin_stmt(s, true);
                self.expr(v)?;
                self.store_target(t, s.pos)?;
            }
            StmtKind::AugAssign(t, op, v) => {
                self.begin_stmt(s, true);
                match t {
                    Target::Name(n) => {
                        self.load_name(n, s.pos, false)?;
                        self.expr(v)?;
                        self.emit(Op::Binary(*op, true), s.pos)?;
                        self.store_name(n, s.pos)?;
                    }
                    Target::Subscript(obj, index) => {
                        self.expr(obj)?;
                        self.expr(index)?;
                        self.emit(Op::Copy(2), s.pos)?;
                        self.emit(Op::Copy(2), s.pos)?;
                        let i = self.emit(Op::Subscr, s.pos)?;
                        self.code[i].shared = true;
                        self.expr(v)?;
                        self.emit(Op::Binary(*op, true), s.pos)?;
                        self.emit(Op::Swap(3), s.pos)?;
                        self.emit(Op::Swap(2), s.pos)?;
                        let i = self.emit(Op::StoreSubscr, s.pos)?;
                        self.code[i].shared = true;
                    }
                }
            }
            StmtKind::Assert(test, msg) => {
                self.features.asserts = true;
                self.begin_stmt(s, true);
                let ok = self.label();
                self.cond_jump(test, true, ok)?;
                self.emit(Op::LoadAssertionError, s.pos)?;
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Op::Nop("PRECALL", Some(0)), s.pos)?;
                    self.emit(Op::AssertMsg, s.pos)?;
                }
                self.emit(Op::Raise(1), s.pos)?;
                self.place(ok);
            }
            StmtKind::Raise(e) => {
                self.features.raises = true;
                self.begin_stmt(s, true);
                match e {
                    Some(e) => {
                        self.expr(e)?;
                        self.emit(Op::Raise(1), s.pos)?;
                    }
                    None => {
                        self.emit(Op::Raise(0), s.pos)?;
                    }
                }
            }
            StmtKind::If(branches, orelse) => {
                let end = self.label();
                for (cond, body, line, pos) in branches {
                    self.begin_at(*line, *pos, true);
                    let next = self.label();
                    self.cond_jump(cond, false, next)?;
                    self.body(body)?;
                    self.emit(Op::Jump(end), *pos)?;
                    self.place(next);
                }
                if let Some(body) = orelse {
                    self.body(body)?;
                }
                self.place(end);
            }
            StmtKind::While(cond, body) => {
                self.features.loops = true;
                let top = self.label();
                let end = self.label();
                self.place(top);
                self.begin_stmt(s, true);
                self.cond_jump(cond, false, end)?;
                self.blocks.push(Block::Loop {
                    is_for: false,
                    brk: end,
                    cont: top,
                    depth: self.depth,
                });
                self.body(body)?;
                self.blocks.pop();
                self.emit(Op::Jump(top), s.pos)?;
                self.place(end);
            }
            StmtKind::For(var, args, body) => {
                self.features.loops = true;
                self.begin_stmt(s, false);
                self.load_name("range", s.pos, true)?;
                for a in args {
                    self.expr(a)?;
                }
                self.emit(Op::Nop("PRECALL", Some(args.len() as u32)), s.pos)?;
                self.emit(Op::Call(args.len() as u8), s.pos)?;
                self.emit(Op::Nop("GET_ITER", None), s.pos)?;
                let top = self.label();
                let end = self.label();
                self.place(top);
                self.start_next = true;
                self.emit(Op::ForIter(end), s.pos)?;
                self.depth += 1;
                self.store_name(var, s.pos)?;
                self.blocks.push(Block::Loop {
                    is_for: true,
                    brk: end,
                    cont: top,
                    depth: self.depth,
                });
                self.body(body)?;
                self.blocks.pop();
                self.emit(Op::Jump(top), s.pos)?;
                self.depth -= 1;
                self.place(end);
            }
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(s.kind, StmtKind::Break);
                self.begin_stmt(s, false);
                self.emit(Op::Nop("NOP", None), s.pos)?;
                self.unwind_to_loop(s, is_break)?;
            }
            StmtKind::With(ctx, body) => {
                self.features.blocking = true;
                self.begin_stmt(s, false);
                self.expr(ctx)?;
                self.emit(Op::WithEnter, s.pos)?;
                self.depth += 1;
                let handler = self.label();
                self.blocks.push(Block::With {
                    handler,
                    depth: self.depth,
                });
                self.body(body)?;
                self.blocks.pop();
                // Leaving the block is a step of its own, on the `with` line.
                self.begin_at(s.line, s.pos, false);
                self.emit(Op::WithExit, s.pos)?;
                self.depth -= 1;
                let end = self.label();
                self.emit(Op::Jump(end), s.pos)?;
                self.place(handler);
                self.emit(Op::WithExitExc, s.pos)?;
                self.emit(Op::Reraise, s.pos)?;
                self.place(end);
            }
            StmtKind::TryFinally(body, fin) => {
                let handler = self.label();
                self.blocks.push(Block::Try {
                    handler,
                    depth: self.depth,
                    fin: fin.clone(),
                });
                self.body(body)?;
                self.blocks.pop();
                self.body(fin)?;
                let end = self.label();
                self.emit(Op::Jump(end), s.pos)?;
                self.place(handler);
                self.depth += 1;
                self.blocks.push(Block::FinallyExc);
                self.body(fin)?;
                // Re-raise as part of the finally block's last step.
                self.emit(Op::Reraise, s.pos)?;
                self.blocks.pop();
                self.depth -= 1;
                self.place(end);
            }
        }
        Ok(())
    }

    /// `break` / `continue`: leave every `with` and `try` between here and
    /// the loop, as Python does.
    fn unwind_to_loop(&mut self, s: &Stmt, is_break: bool) -> Result<(), SyntaxError> {
        let saved = self.blocks.clone();
        let saved_depth = self.depth;
        let mut found = false;
        while let Some(b) = self.blocks.pop() {
            match b {
                Block::With { .. } => {
                    self.emit(Op::WithExit, s.pos)?;
                    self.depth -= 1;
                }
                Block::Try { fin, .. } => {
                    self.body(&fin)?;
                }
                Block::FinallyExc => {
                    self.emit(Op::PopTop, s.pos)?;
                    self.depth -= 1;
                }
                Block::Loop {
                    is_for,
                    brk,
                    cont,
                    depth,
                } => {
                    self.depth = depth;
                    if is_break {
                        if is_for {
                            self.emit(Op::PopTop, s.pos)?;
                        }
                        self.emit(Op::Jump(brk), s.pos)?;
                    } else {
                        self.emit(Op::Jump(cont), s.pos)?;
                    }
                    found = true;
                    break;
                }
            }
        }
        self.blocks = saved;
        self.depth = saved_depth;
        if !found {
            let w = if is_break { "break" } else { "continue" };
            return cerr(s.pos, format!("`{w}` outside a loop"));
        }
        Ok(())
    }

    /// `cond.wait_for(lambda: pred)` as a statement: Python's own loop,
    /// `while not pred(): cond.wait()`, run as one statement.
    fn wait_for(&mut self, s: &Stmt, obj: &Expr, args: &[Expr]) -> Result<(), SyntaxError> {
        let [arg] = args else {
            return cerr(s.pos, "`wait_for` takes one argument: `lambda: condition`");
        };
        let ExprKind::Lambda(pred) = &arg.kind else {
            return cerr(arg.pos, "`wait_for` needs `lambda: condition` here");
        };
        self.features.blocking = true;
        self.begin_stmt(s, false);
        let top = self.label();
        let done = self.label();
        self.place(top);
        self.cond_jump(pred, true, done)?;
        self.expr(obj)?;
        self.emit(Op::LoadAttr("wait"), s.pos)?;
        self.emit(Op::Call(0), s.pos)?;
        self.emit(Op::PopTop, s.pos)?;
        self.emit(Op::Jump(top), s.pos)?;
        self.place(done);
        Ok(())
    }
}

/// Names in first-seen order, with a set for linear-time membership.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    set: HashSet<String>,
}

impl Names {
    fn push(&mut self, n: &str) {
        if self.set.insert(n.to_string()) {
            self.list.push(n.to_string());
        }
    }
}

fn walk_assigned(stmts: &[Stmt], out: &mut Names, globals: &mut Names) {
    fn add(out: &mut Names, n: &str) {
        out.push(n);
    }
    for s in stmts {
        match &s.kind {
            StmtKind::Assign(Target::Name(n), _) | StmtKind::AugAssign(Target::Name(n), _, _) => {
                add(out, n)
            }
            StmtKind::For(v, _, body) => {
                add(out, v);
                walk_assigned(body, out, globals);
            }
            StmtKind::Global(names) => {
                for n in names {
                    globals.push(n);
                }
            }
            StmtKind::If(branches, orelse) => {
                for (_, b, _, _) in branches {
                    walk_assigned(b, out, globals);
                }
                if let Some(b) = orelse {
                    walk_assigned(b, out, globals);
                }
            }
            StmtKind::While(_, b) | StmtKind::With(_, b) => walk_assigned(b, out, globals),
            StmtKind::TryFinally(a, b) => {
                walk_assigned(a, out, globals);
                walk_assigned(b, out, globals);
            }
            StmtKind::Assign(Target::Subscript(..), _)
            | StmtKind::AugAssign(Target::Subscript(..), _, _)
            | StmtKind::Expr(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Assert(..)
            | StmtKind::Raise(_)
            | StmtKind::Import(_) => {}
        }
    }
}

fn finish(fx: Fx<'_>, src: &str, locals: Vec<String>) -> Code {
    let mut instrs = fx.code;
    let labels = fx.labels;
    let resolve = |l: u32| labels[l as usize].unwrap_or(0);
    for ins in &mut instrs {
        ins.op = match std::mem::replace(&mut ins.op, Op::Return) {
            Op::JumpIfFalse(l) => Op::JumpIfFalse(resolve(l)),
            Op::JumpIfTrue(l) => Op::JumpIfTrue(resolve(l)),
            Op::JumpIfFalseOrPop(l) => Op::JumpIfFalseOrPop(resolve(l)),
            Op::JumpIfTrueOrPop(l) => Op::JumpIfTrueOrPop(resolve(l)),
            Op::Jump(l) => Op::Jump(resolve(l)),
            Op::ForIter(l) => Op::ForIter(resolve(l)),
            other => other,
        };
        if let Some((h, d)) = ins.handler {
            ins.handler = Some((resolve(h), d));
        }
    }
    let mut stmts = fx.stmts;
    // Statement texts: from its offset to the end of its line or the next
    // statement on the same line.
    let mut starts: Vec<usize> = stmts.iter().map(|s| s.pos).collect();
    starts.sort_unstable();
    starts.dedup();
    for st in &mut stmts {
        let line_end = src[st.pos..].find('\n').map_or(src.len(), |i| st.pos + i);
        let next = starts
            .get(starts.partition_point(|p| *p <= st.pos))
            .copied()
            .unwrap_or(src.len());
        let end = line_end.min(next);
        let mut t = src[st.pos..end].trim().trim_end_matches(';').trim_end();
        // A comment after the statement is not part of it.
        if let Some(i) = t.find(" #")
            && !t[..i].contains(['\'', '"'])
        {
            t = t[..i].trim_end();
        }
        st.text = t.to_string();
    }
    // The exit step of a `with` names itself.
    for ins in &instrs {
        if ins.op == Op::WithExit && ins.start {
            let st = &mut stmts[ins.stmt as usize];
            if !st.text.starts_with("(leave)") {
                st.text = format!("(leave) {}", st.text);
            }
        }
    }
    Code {
        source: src.to_string(),
        instrs,
        stmts,
        locals,
    }
}

fn compile_code(
    src: &str,
    stmts: &[Stmt],
    module: bool,
    global_index: &HashMap<String, u16>,
) -> Result<(Code, Features, bool, BTreeSet<u16>), SyntaxError> {
    let mut locals: Vec<String> = Vec::new();
    if !module {
        let mut assigned = Names::default();
        let mut declared = Names::default();
        walk_assigned(stmts, &mut assigned, &mut declared);
        locals = assigned
            .list
            .into_iter()
            .filter(|n| !declared.set.contains(n))
            .collect();
    }
    if locals.len() > usize::from(u16::MAX / 2) {
        return cerr(0, "too many names");
    }
    let local_index: HashMap<String, u16> = locals
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u16))
        .collect();
    let mut fx = Fx {
        module,
        local_index,
        global_index,
        code: Vec::new(),
        stmts: Vec::new(),
        cur: 0,
        start_next: false,
        labels: Vec::new(),
        blocks: Vec::new(),
        depth: 0,
        features: Features::default(),
        calls_critical: false,
        stored_globals: BTreeSet::new(),
    };
    // A statement index for the implicit return.
    fx.body(stmts)?;
    let end_line = src.lines().count().max(1);
    fx.begin_at(end_line, src.len(), false);
    fx.start_next = false;
    fx.emit(Op::Return, src.len())?;
    let features = fx.features.clone();
    let critical = fx.calls_critical;
    let stored = std::mem::take(&mut fx.stored_globals);
    let mut code = finish(fx, src, locals);
    // The implicit return is not a statement the learner sees.
    let ret = code.stmts.len() - 1;
    code.stmts[ret].text = "(end)".into();
    Ok((code, features, critical, stored))
}

/// Compile a level variant: its setup, its threads and its `after` code.
/// Every problem found is returned, each with the part it is in.
pub fn compile_program(
    setup: &str,
    after: Option<&str>,
    threads: &[ThreadSource],
) -> Result<Program, Vec<CodeError>> {
    let mut errors = Vec::new();
    let mut parsed: Vec<(Part, &str, Vec<Stmt>)> = Vec::new();
    let mut sources: Vec<(Part, &str)> = vec![(Part::Setup, setup)];
    if let Some(a) = after {
        sources.push((Part::After, a));
    }
    for (i, t) in threads.iter().enumerate() {
        sources.push((Part::Thread(i), t.code.as_str()));
    }
    for (part, src) in sources {
        match parse(src) {
            Ok(s) => parsed.push((part, src, s)),
            Err(error) => errors.push(CodeError { part, error }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Global slots: what module code assigns, what threads declare global,
    // and the threads' own names.
    let mut all = Names::default();
    for (part, _, stmts) in &parsed {
        let mut assigned = Names::default();
        let mut declared = Names::default();
        walk_assigned(stmts, &mut assigned, &mut declared);
        let names = match part {
            Part::Setup | Part::After => assigned.list,
            Part::Thread(_) => declared.list,
        };
        for n in &names {
            all.push(n);
        }
    }
    for t in threads {
        if let Some(v) = &t.var {
            all.push(v);
        }
    }
    let globals = all.list;
    let global_index: HashMap<String, u16> = globals
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i.min(usize::from(u16::MAX)) as u16))
        .collect();
    let mut thread_vars = Vec::new();
    for (i, t) in threads.iter().enumerate() {
        if let Some(v) = &t.var {
            let slot = global_index.get(v).copied().unwrap_or(0);
            thread_vars.push((slot, i as u16));
        }
    }
    if globals.len() > u16::MAX as usize / 2 {
        return Err(vec![CodeError {
            part: Part::Setup,
            error: SyntaxError {
                pos: 0,
                message: "too many names".into(),
            },
        }]);
    }
    let mut setup_code = None;
    let mut after_code = None;
    let mut thread_codes = Vec::new();
    let mut features = Features::default();
    let mut mutable: BTreeSet<u16> = BTreeSet::new();
    for (part, src, stmts) in &parsed {
        let module = !matches!(part, Part::Thread(_));
        match compile_code(src, stmts, module, &global_index) {
            Ok((code, f, critical, stored)) => {
                features.asserts |= f.asserts;
                features.blocking |= f.blocking;
                features.prints |= f.prints;
                features.loops |= f.loops;
                features.raises |= f.raises;
                match part {
                    Part::Setup => setup_code = Some(code),
                    Part::After => after_code = Some(code),
                    Part::Thread(i) => {
                        if critical {
                            features.critical_threads += 1;
                        }
                        mutable.extend(stored);
                        thread_codes.push(ThreadCode {
                            name: threads[*i].name.clone(),
                            daemon: threads[*i].daemon,
                            code,
                        });
                    }
                }
            }
            Err(error) => errors.push(CodeError { part: *part, error }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut setup = setup_code.unwrap_or_else(empty_code);
    let mut after = after_code;
    for t in &mut thread_codes {
        annotate(&mut t.code, &globals, &mutable, false);
    }
    annotate(&mut setup, &globals, &mutable, true);
    if let Some(a) = &mut after {
        annotate(a, &globals, &mutable, true);
    }
    // Calls on objects can block (acquire, get, join ...).
    features.blocking |= thread_codes.iter().any(|t| {
        t.code.instrs.iter().any(|i| {
            matches!(i.op, Op::LoadAttr(a) if matches!(a, "acquire" | "wait" | "get" | "put" | "join" | "wait_for"))
        })
    });
    Ok(Program {
        setup,
        after,
        threads: thread_codes,
        globals,
        thread_vars,
        features,
    })
}

fn empty_code() -> Code {
    Code {
        source: String::new(),
        instrs: vec![Instr {
            op: Op::Return,
            stmt: 0,
            start: false,
            row: None,
            handler: None,
            shared: false,
        }],
        stmts: vec![StmtInfo {
            line: 1,
            pos: 0,
            text: "(end)".into(),
            expandable: false,
            dis: Vec::new(),
            simple: false,
        }],
        locals: Vec::new(),
    }
}

/// Marks shared instructions, decides which statements expand, and writes
/// each statement's `dis` listing.
fn annotate(code: &mut Code, globals: &[String], mutable: &BTreeSet<u16>, module: bool) {
    for ins in &mut code.instrs {
        match ins.op {
            Op::LoadGlobal(slot, _) => ins.shared = mutable.contains(&slot),
            Op::StoreGlobal(_) => ins.shared = true,
            // Calls, subscripts and `in` were marked while compiling.
            Op::Nop(..)
            | Op::LoadConst(_)
            | Op::LoadFast(_)
            | Op::StoreFast(_)
            | Op::LoadBuiltin(..)
            | Op::LoadAttr(_)
            | Op::Call(_)
            | Op::PopTop
            | Op::Binary(..)
            | Op::Compare(_)
            | Op::Not
            | Op::Neg
            | Op::Subscr
            | Op::StoreSubscr
            | Op::Copy(_)
            | Op::Swap(_)
            | Op::BuildList(_)
            | Op::BuildMap(_)
            | Op::JumpIfFalse(_)
            | Op::JumpIfTrue(_)
            | Op::JumpIfFalseOrPop(_)
            | Op::JumpIfTrueOrPop(_)
            | Op::Jump(_)
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
    }
    let mut by_stmt: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, ins) in code.instrs.iter().enumerate() {
        if !matches!(
            ins.op,
            Op::Jump(_)
                | Op::Return
                | Op::WithExit
                | Op::WithExitExc
                | Op::Reraise
                | Op::ForIter(_)
                | Op::WithEnter
        ) {
            by_stmt.entry(ins.stmt).or_default().push(i);
        }
    }
    for (si, st) in code.stmts.iter_mut().enumerate() {
        let Some(idxs) = by_stmt.get(&(si as u32)) else {
            continue;
        };
        // Rows: the statement's own instructions up to (and including) the
        // first RAISE of an assert.
        let mut rows: Vec<usize> = Vec::new();
        for &i in idxs {
            rows.push(i);
            if matches!(code.instrs[i].op, Op::Raise(_)) {
                break;
            }
        }
        let shared = rows.iter().filter(|i| code.instrs[**i].shared).count();
        // A statement too long to list is not expanded either.
        if rows.len() > MAX_ROWS {
            continue;
        }
        st.expandable = st.simple && !module && shared >= 2;
        st.dis = listing(&code.instrs, &rows, globals, &code.locals);
        for (r, &i) in rows.iter().enumerate() {
            code.instrs[i].row = Some(r as u16);
        }
    }
    if module {
        for st in &mut code.stmts {
            st.expandable = false;
        }
    }
}

/// CPython 3.11's inline cache entries per opcode name.
fn caches(name: &str) -> usize {
    match name {
        "LOAD_GLOBAL" => 5,
        "BINARY_OP" | "PRECALL" | "STORE_SUBSCR" | "UNPACK_SEQUENCE" => 1,
        "CALL" | "BINARY_SUBSCR" | "LOAD_ATTR" | "STORE_ATTR" => 4,
        "COMPARE_OP" => 2,
        "LOAD_METHOD" => 10,
        _ => 0,
    }
}

/// The `dis` rows of some instructions, as a statement compiled alone.
fn listing(instrs: &[Instr], rows: &[usize], globals: &[String], locals: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut varnames: Vec<String> = Vec::new();
    let mut consts: Vec<Value> = vec![Value::None];
    fn index<T: PartialEq + Clone>(v: &mut Vec<T>, x: &T) -> usize {
        match v.iter().position(|y| y == x) {
            Some(i) => i,
            None => {
                v.push(x.clone());
                v.len() - 1
            }
        }
    }
    let mut out = Vec::new();
    let mut offset = 2;
    for (k, &i) in rows.iter().enumerate() {
        let ins = &instrs[i];
        let (name, arg, repr): (&str, Option<usize>, String) = match &ins.op {
            Op::Nop(n, a) => (n, a.map(|a| a as usize), String::new()),
            Op::LoadConst(v) => {
                let c = index(&mut consts, v);
                ("LOAD_CONST", Some(c), format!("({})", const_repr(v)))
            }
            Op::LoadFast(s) | Op::StoreFast(s) => {
                let n = locals.get(*s as usize).cloned().unwrap_or_default();
                let a = index(&mut varnames, &n);
                let op = if matches!(ins.op, Op::LoadFast(_)) {
                    "LOAD_FAST"
                } else {
                    "STORE_FAST"
                };
                (op, Some(a), format!("({n})"))
            }
            Op::LoadGlobal(s, null) => {
                let n = globals.get(*s as usize).cloned().unwrap_or_default();
                let a = index(&mut names, &n);
                global_row(a, &n, *null)
            }
            Op::LoadBuiltin(v, null) => {
                let n = builtin_name(v);
                let a = index(&mut names, &n);
                global_row(a, &n, *null)
            }
            Op::StoreGlobal(s) => {
                let n = globals.get(*s as usize).cloned().unwrap_or_default();
                let a = index(&mut names, &n);
                ("STORE_GLOBAL", Some(a), format!("({n})"))
            }
            Op::LoadAttr(a) => {
                let called = rows
                    .get(k + 1..)
                    .map(|rest| {
                        // A method load is followed (after its arguments) by a call.
                        rest.iter()
                            .any(|r| matches!(instrs[*r].op, Op::Call(_) | Op::AssertMsg))
                    })
                    .unwrap_or(false);
                let idx = index(&mut names, &a.to_string());
                if called {
                    ("LOAD_METHOD", Some(idx), format!("({a})"))
                } else {
                    ("LOAD_ATTR", Some(idx), format!("({a})"))
                }
            }
            Op::Call(n) => ("CALL", Some(*n as usize), String::new()),
            Op::AssertMsg => ("CALL", Some(0), String::new()),
            Op::PopTop => ("POP_TOP", None, String::new()),
            Op::Binary(op, inplace) => {
                let a = op.nb() as usize + if *inplace { 13 } else { 0 };
                let sym = if *inplace {
                    format!("{}=", op.symbol())
                } else {
                    op.symbol().to_string()
                };
                ("BINARY_OP", Some(a), format!("({sym})"))
            }
            Op::Compare(c) => match c {
                CmpOp::In => ("CONTAINS_OP", Some(0), String::new()),
                CmpOp::NotIn => ("CONTAINS_OP", Some(1), String::new()),
                CmpOp::Is => ("IS_OP", Some(0), String::new()),
                CmpOp::IsNot => ("IS_OP", Some(1), String::new()),
                _ => {
                    let a = match c {
                        CmpOp::Lt => 0,
                        CmpOp::Le => 1,
                        CmpOp::Eq => 2,
                        CmpOp::Ne => 3,
                        CmpOp::Gt => 4,
                        _ => 5,
                    };
                    ("COMPARE_OP", Some(a), format!("({})", c.symbol()))
                }
            },
            Op::Not => ("UNARY_NOT", None, String::new()),
            Op::Neg => ("UNARY_NEGATIVE", None, String::new()),
            Op::Subscr => ("BINARY_SUBSCR", None, String::new()),
            Op::StoreSubscr => ("STORE_SUBSCR", None, String::new()),
            Op::Copy(n) => ("COPY", Some(*n as usize), String::new()),
            Op::Swap(n) => ("SWAP", Some(*n as usize), String::new()),
            Op::BuildList(n) => ("BUILD_LIST", Some(*n as usize), String::new()),
            Op::BuildMap(n) => ("BUILD_MAP", Some(*n as usize), String::new()),
            Op::JumpIfFalse(_) => ("POP_JUMP_FORWARD_IF_FALSE", None, String::new()),
            Op::JumpIfTrue(_) => ("POP_JUMP_FORWARD_IF_TRUE", None, String::new()),
            Op::JumpIfFalseOrPop(_) => ("JUMP_IF_FALSE_OR_POP", None, String::new()),
            Op::JumpIfTrueOrPop(_) => ("JUMP_IF_TRUE_OR_POP", None, String::new()),
            Op::LoadAssertionError => ("LOAD_ASSERTION_ERROR", None, String::new()),
            Op::Raise(n) => ("RAISE_VARARGS", Some(*n as usize), String::new()),
            Op::Jump(_)
            | Op::ForIter(_)
            | Op::WithEnter
            | Op::WithExit
            | Op::WithExitExc
            | Op::Reraise
            | Op::Return => ("NOP", None, String::new()),
        };
        let mut line = format!("{offset:>6} {name:<26}");
        if let Some(a) = arg {
            line.push_str(&format!(" {a:>3}"));
            if !repr.is_empty() {
                line.push(' ');
                line.push_str(&repr);
            }
        }
        out.push(line.trim_end().to_string());
        offset += 2 * (1 + caches(name));
    }
    out
}

fn global_row(a: usize, n: &str, null: bool) -> (&'static str, Option<usize>, String) {
    if null {
        ("LOAD_GLOBAL", Some(a * 2 + 1), format!("(NULL + {n})"))
    } else {
        ("LOAD_GLOBAL", Some(a * 2), format!("({n})"))
    }
}

fn builtin_name(v: &Value) -> String {
    match v {
        Value::Builtin(b) => b.name().to_string(),
        Value::Module(m) => m.name().to_string(),
        Value::Class(k) => k.name().to_string(),
        _ => "?".into(),
    }
}

/// `repr` of a constant as `dis` shows it.
pub fn const_repr(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(n) => n.to_string(),
        Value::Float(bits) => super::value::float_repr(*bits),
        Value::Str(s) => super::value::str_repr(s),
        _ => "?".into(),
    }
}
