//! A tiny compiler from a few Python statement shapes to the bytecode
//! CPython 3.11 produces for them, with `dis`'s offsets and argument text.
//!
//! It covers exactly what the GIL demo runs: `total += 1`, `for` loops over
//! `range(n)`, and calls such as `time.sleep(0.005)` or `lock.acquire()` as
//! statements. Offsets count CPython 3.11's inline cache entries (two bytes
//! each: BINARY_OP 1, PRECALL 1, CALL 4, LOAD_METHOD 10), so a listing
//! matches `python3.11 -c "import dis; dis.dis(...)"` instruction for
//! instruction (a test checks this against the machine's python3).

use std::fmt::Write as _;

/// An opcode, named as CPython 3.11's `dis` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    /// Start of a code object (a no-op here).
    Resume,
    /// Push NULL (the "no self" slot of a call).
    PushNull,
    /// Push the value of a name.
    LoadName,
    /// Push a constant.
    LoadConst,
    /// Look up a method on the top of the stack.
    LoadMethod,
    /// Prepare a call (a no-op here).
    Precall,
    /// Call with `arg` arguments.
    Call,
    /// Turn the top of the stack into an iterator.
    GetIter,
    /// Next item of the iterator, or leave the loop.
    ForIter,
    /// Pop into a name.
    StoreName,
    /// A binary operator; `arg` 13 is `+=`.
    BinaryOp,
    /// Jump back to the loop's FOR_ITER.
    JumpBackward,
    /// Discard the top of the stack.
    PopTop,
    /// Return the top of the stack.
    ReturnValue,
}

impl Opcode {
    /// The name `dis` prints.
    pub fn name(self) -> &'static str {
        match self {
            Opcode::Resume => "RESUME",
            Opcode::PushNull => "PUSH_NULL",
            Opcode::LoadName => "LOAD_NAME",
            Opcode::LoadConst => "LOAD_CONST",
            Opcode::LoadMethod => "LOAD_METHOD",
            Opcode::Precall => "PRECALL",
            Opcode::Call => "CALL",
            Opcode::GetIter => "GET_ITER",
            Opcode::ForIter => "FOR_ITER",
            Opcode::StoreName => "STORE_NAME",
            Opcode::BinaryOp => "BINARY_OP",
            Opcode::JumpBackward => "JUMP_BACKWARD",
            Opcode::PopTop => "POP_TOP",
            Opcode::ReturnValue => "RETURN_VALUE",
        }
    }

    /// Inline cache entries after the instruction in CPython 3.11.
    pub fn caches(self) -> usize {
        match self {
            Opcode::BinaryOp | Opcode::Precall => 1,
            Opcode::Call => 4,
            Opcode::LoadMethod => 10,
            _ => 0,
        }
    }

    /// Whether `dis` shows an argument for it.
    fn has_arg(self) -> bool {
        !matches!(
            self,
            Opcode::PushNull | Opcode::GetIter | Opcode::PopTop | Opcode::ReturnValue
        )
    }
}

/// `BINARY_OP`'s argument for `+=`.
pub const NB_INPLACE_ADD: u32 = 13;

/// A constant in `co_consts`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Const {
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// `None`.
    None,
}

impl std::fmt::Display for Const {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Const::Int(i) => write!(f, "{i}"),
            Const::Float(x) => write!(f, "{x:?}"),
            Const::None => f.write_str("None"),
        }
    }
}

/// One instruction.
#[derive(Debug, Clone, PartialEq)]
pub struct Instr {
    /// What it does.
    pub op: Opcode,
    /// Its argument (0 when it has none).
    pub arg: u32,
    /// Byte offset, as `dis` shows it.
    pub offset: usize,
    /// For jumps: the index (not offset) of the target instruction.
    pub target: Option<usize>,
    /// Whether it belongs to the statement `total += 1` (for the
    /// `bytecode` summary and the "dis this" view).
    pub in_statement: bool,
}

/// An expression of the tiny language.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A name.
    Name(&'static str),
    /// An int literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// `func(args...)`.
    Call(Box<Expr>, Vec<Expr>),
    /// `obj.attr` (only as the function of a call).
    Attr(Box<Expr>, &'static str),
}

/// A statement of the tiny language.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `name += expr`.
    AugAdd(&'static str, Expr),
    /// An expression statement (a call).
    Expr(Expr),
    /// `for var in iter: body`.
    For {
        /// The loop variable.
        var: &'static str,
        /// What to iterate over.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
}

/// A compiled module.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The Python source it was compiled from.
    pub source: String,
    /// The instructions.
    pub instrs: Vec<Instr>,
    /// `co_consts`.
    pub consts: Vec<Const>,
    /// `co_names`.
    pub names: Vec<&'static str>,
}

struct Compiler {
    instrs: Vec<Instr>,
    consts: Vec<Const>,
    names: Vec<&'static str>,
    in_statement: bool,
}

impl Compiler {
    fn emit(&mut self, op: Opcode, arg: u32) -> usize {
        self.instrs.push(Instr {
            op,
            arg,
            offset: 0,
            target: None,
            in_statement: self.in_statement,
        });
        self.instrs.len() - 1
    }

    fn konst(&mut self, c: Const) -> u32 {
        let i = match self.consts.iter().position(|k| *k == c) {
            Some(i) => i,
            None => {
                self.consts.push(c);
                self.consts.len() - 1
            }
        };
        i as u32
    }

    fn name(&mut self, n: &'static str) -> u32 {
        let i = match self.names.iter().position(|k| *k == n) {
            Some(i) => i,
            None => {
                self.names.push(n);
                self.names.len() - 1
            }
        };
        i as u32
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Name(n) => {
                let a = self.name(n);
                self.emit(Opcode::LoadName, a);
            }
            Expr::Int(i) => {
                let a = self.konst(Const::Int(*i));
                self.emit(Opcode::LoadConst, a);
            }
            Expr::Float(x) => {
                let a = self.konst(Const::Float(*x));
                self.emit(Opcode::LoadConst, a);
            }
            Expr::Call(func, args) => {
                match &**func {
                    Expr::Attr(obj, attr) => {
                        self.expr(obj);
                        let a = self.name(attr);
                        self.emit(Opcode::LoadMethod, a);
                    }
                    other => {
                        self.emit(Opcode::PushNull, 0);
                        self.expr(other);
                    }
                }
                for a in args {
                    self.expr(a);
                }
                self.emit(Opcode::Precall, args.len() as u32);
                self.emit(Opcode::Call, args.len() as u32);
            }
            Expr::Attr(obj, attr) => {
                // Not needed by the demo outside calls; compile as a
                // method load for completeness.
                self.expr(obj);
                let a = self.name(attr);
                self.emit(Opcode::LoadMethod, a);
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::AugAdd(name, e) => {
                let was = self.in_statement;
                self.in_statement = *name == "total";
                let a = self.name(name);
                self.emit(Opcode::LoadName, a);
                self.expr(e);
                self.emit(Opcode::BinaryOp, NB_INPLACE_ADD);
                self.emit(Opcode::StoreName, a);
                self.in_statement = was;
            }
            Stmt::Expr(e) => {
                self.expr(e);
                self.emit(Opcode::PopTop, 0);
            }
            Stmt::For { var, iter, body } => {
                self.expr(iter);
                self.emit(Opcode::GetIter, 0);
                let top = self.emit(Opcode::ForIter, 0);
                let a = self.name(var);
                self.emit(Opcode::StoreName, a);
                for s in body {
                    self.stmt(s);
                }
                let back = self.emit(Opcode::JumpBackward, 0);
                self.instrs[back].target = Some(top);
                // FOR_ITER's target: the instruction after the loop.
                self.instrs[top].target = Some(back + 1);
            }
        }
    }
}

/// Compiles a module: `RESUME 0`, the statements, and the implicit
/// `return None`.
pub fn compile(source: impl Into<String>, stmts: &[Stmt]) -> Code {
    let mut c = Compiler {
        instrs: Vec::new(),
        consts: Vec::new(),
        names: Vec::new(),
        in_statement: false,
    };
    c.emit(Opcode::Resume, 0);
    for s in stmts {
        c.stmt(s);
    }
    let none = c.konst(Const::None);
    c.emit(Opcode::LoadConst, none);
    c.emit(Opcode::ReturnValue, 0);
    // Offsets, then jump arguments (in code units of two bytes, counted
    // from the end of the jump instruction).
    let mut off = 0;
    for ins in &mut c.instrs {
        ins.offset = off;
        off += 2 * (1 + ins.op.caches());
    }
    let offsets: Vec<usize> = c.instrs.iter().map(|i| i.offset).collect();
    for ins in &mut c.instrs {
        if let Some(t) = ins.target {
            let next = ins.offset + 2 * (1 + ins.op.caches());
            ins.arg = (next.abs_diff(offsets[t]) / 2) as u32;
        }
    }
    Code {
        source: source.into(),
        instrs: c.instrs,
        consts: c.consts,
        names: c.names,
    }
}

impl Code {
    /// `dis`'s text for an instruction's argument, e.g. `(total)`, `(+=)`,
    /// `(to 40)`; empty when it has none.
    pub fn argrepr(&self, ins: &Instr) -> String {
        match ins.op {
            Opcode::LoadName | Opcode::StoreName | Opcode::LoadMethod => {
                format!("({})", self.names[ins.arg as usize])
            }
            Opcode::LoadConst => format!("({})", self.consts[ins.arg as usize]),
            Opcode::BinaryOp if ins.arg == NB_INPLACE_ADD => "(+=)".into(),
            Opcode::ForIter | Opcode::JumpBackward => match ins.target {
                Some(t) => format!("(to {})", self.instrs[t].offset),
                None => String::new(),
            },
            _ => String::new(),
        }
    }

    /// The listing as (offset, opname, arg, argrepr), the way a test reads
    /// `dis` output; `arg` is `None` for opcodes without one.
    pub fn dis_rows(&self) -> Vec<(usize, &'static str, Option<u32>, String)> {
        self.instrs
            .iter()
            .map(|i| {
                (
                    i.offset,
                    i.op.name(),
                    i.op.has_arg().then_some(i.arg),
                    self.argrepr(i),
                )
            })
            .collect()
    }

    /// A `dis`-like listing, one line per instruction (`>>` marks jump
    /// targets).
    pub fn listing(&self) -> Vec<String> {
        let targets: Vec<usize> = self.instrs.iter().filter_map(|i| i.target).collect();
        self.instrs
            .iter()
            .enumerate()
            .map(|(k, ins)| {
                let mark = if targets.contains(&k) { ">>" } else { "  " };
                let mut line = format!("{mark} {:>4} {:<14}", ins.offset, ins.op.name());
                if ins.op.has_arg() {
                    let _ = write!(line, " {:>3} {}", ins.arg, self.argrepr(ins));
                }
                line.trim_end().to_string()
            })
            .collect()
    }

    /// The opcode names of the statement `total += 1`.
    pub fn statement_names(&self) -> Vec<&'static str> {
        self.instrs
            .iter()
            .filter(|i| i.in_statement)
            .map(|i| i.op.name())
            .collect()
    }
}

/// `total += 1` as a module.
pub fn increment() -> Code {
    compile("total += 1", &[Stmt::AugAdd("total", Expr::Int(1))])
}

/// `for i in range(n): total += 1`, with `lock.acquire()` /
/// `lock.release()` around the statement when `locked`.
pub fn counting_loop(n: i64, locked: bool) -> Code {
    let inc = Stmt::AugAdd("total", Expr::Int(1));
    let call = |m: &'static str| {
        Stmt::Expr(Expr::Call(
            Box::new(Expr::Attr(Box::new(Expr::Name("lock")), m)),
            vec![],
        ))
    };
    let (body, source) = if locked {
        (
            vec![call("acquire"), inc, call("release")],
            format!("for i in range({n}):\n    lock.acquire()\n    total += 1\n    lock.release()"),
        )
    } else {
        (vec![inc], format!("for i in range({n}):\n    total += 1"))
    };
    compile(
        source,
        &[Stmt::For {
            var: "i",
            iter: range(n),
            body,
        }],
    )
}

/// `for i in range(n): time.sleep(secs)`.
pub fn sleeping_loop(n: i64, secs: f64) -> Code {
    compile(
        format!("for i in range({n}):\n    time.sleep({secs:?})"),
        &[Stmt::For {
            var: "i",
            iter: range(n),
            body: vec![Stmt::Expr(Expr::Call(
                Box::new(Expr::Attr(Box::new(Expr::Name("time")), "sleep")),
                vec![Expr::Float(secs)],
            ))],
        }],
    )
}

fn range(n: i64) -> Expr {
    Expr::Call(Box::new(Expr::Name("range")), vec![Expr::Int(n)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_is_four_instructions() {
        let c = increment();
        assert_eq!(
            c.statement_names(),
            ["LOAD_NAME", "LOAD_CONST", "BINARY_OP", "STORE_NAME"]
        );
        // As CPython 3.11 lists it (offsets include inline caches).
        assert_eq!(
            c.listing(),
            [
                "      0 RESUME           0",
                "      2 LOAD_NAME        0 (total)",
                "      4 LOAD_CONST       0 (1)",
                "      6 BINARY_OP       13 (+=)",
                "     10 STORE_NAME       0 (total)",
                "     12 LOAD_CONST       1 (None)",
                "     14 RETURN_VALUE",
            ]
        );
        let rows = c.dis_rows();
        assert_eq!(rows[3], (6, "BINARY_OP", Some(13), "(+=)".to_string()));
        assert_eq!(rows[4], (10, "STORE_NAME", Some(0), "(total)".to_string()));
        assert_eq!(rows[6], (14, "RETURN_VALUE", None, String::new()));
    }

    #[test]
    fn loop_offsets_and_jumps_match_cpython_311() {
        // python3.11 -c "import dis; dis.dis('for i in range(3): total += 1')"
        let c = counting_loop(3, false);
        let rows: Vec<(usize, &str, Option<u32>, String)> = c.dis_rows();
        let want: Vec<(usize, &str, Option<u32>, &str)> = vec![
            (0, "RESUME", Some(0), ""),
            (2, "PUSH_NULL", None, ""),
            (4, "LOAD_NAME", Some(0), "(range)"),
            (6, "LOAD_CONST", Some(0), "(3)"),
            (8, "PRECALL", Some(1), ""),
            (12, "CALL", Some(1), ""),
            (22, "GET_ITER", None, ""),
            (24, "FOR_ITER", Some(7), "(to 40)"),
            (26, "STORE_NAME", Some(1), "(i)"),
            (28, "LOAD_NAME", Some(2), "(total)"),
            (30, "LOAD_CONST", Some(1), "(1)"),
            (32, "BINARY_OP", Some(13), "(+=)"),
            (36, "STORE_NAME", Some(2), "(total)"),
            (38, "JUMP_BACKWARD", Some(8), "(to 24)"),
            (40, "LOAD_CONST", Some(2), "(None)"),
            (42, "RETURN_VALUE", None, ""),
        ];
        let want: Vec<(usize, &str, Option<u32>, String)> = want
            .into_iter()
            .map(|(o, n, a, r)| (o, n, a, r.to_string()))
            .collect();
        assert_eq!(rows, want);
    }

    #[test]
    fn sleep_loop_matches_cpython_311() {
        // python3.11 -c "import dis; dis.dis('for i in range(3): time.sleep(0.002)')"
        let c = sleeping_loop(3, 0.002);
        let names: Vec<(usize, &str)> = c.dis_rows().iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(
            names,
            [
                (0, "RESUME"),
                (2, "PUSH_NULL"),
                (4, "LOAD_NAME"),
                (6, "LOAD_CONST"),
                (8, "PRECALL"),
                (12, "CALL"),
                (22, "GET_ITER"),
                (24, "FOR_ITER"),
                (26, "STORE_NAME"),
                (28, "LOAD_NAME"),
                (30, "LOAD_METHOD"),
                (52, "LOAD_CONST"),
                (54, "PRECALL"),
                (58, "CALL"),
                (68, "POP_TOP"),
                (70, "JUMP_BACKWARD"),
                (72, "LOAD_CONST"),
                (74, "RETURN_VALUE"),
            ]
        );
        assert_eq!(c.argrepr(&c.instrs[7]), "(to 72)");
        assert_eq!(c.argrepr(&c.instrs[15]), "(to 24)");
        assert_eq!(c.argrepr(&c.instrs[11]), "(0.002)");
    }
}
