//! The challenge subset of Python: a small linear lexer and a
//! recursive-descent parser (nesting depth bounded) producing [`Stmt`]s whose
//! positions are byte offsets into the code string, so a loader can map
//! them back to the TOML file.

use std::fmt;

/// A syntax or subset error at a byte offset of the code string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset into the code string.
    pub pos: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn err<T>(pos: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        pos,
        message: message.into(),
    })
}

/// Deepest nesting of blocks or brackets accepted.
pub const MAX_DEPTH: usize = 40;

/// A binary arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    FloorDiv,
    Mod,
}

impl BinOp {
    /// The symbol (`+`).
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
        }
    }

    /// CPython 3.11's `BINARY_OP` argument (`NB_ADD` ...); the in-place form
    /// adds 13.
    pub fn nb(self) -> u32 {
        match self {
            BinOp::Add => 0,
            BinOp::FloorDiv => 2,
            BinOp::Mul => 5,
            BinOp::Mod => 6,
            BinOp::Sub => 10,
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }
}

/// An expression with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub pos: usize,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Name(String),
    Int(i64),
    /// A float literal (only for `time.sleep(0.1)` and printing).
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Bin(Box<Expr>, BinOp, Box<Expr>),
    /// `-x`
    Neg(Box<Expr>),
    /// `not x`
    Not(Box<Expr>),
    Compare(Box<Expr>, CmpOp, Box<Expr>),
    /// `a and b` (true) / `a or b` (false).
    BoolOp(bool, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Attr(Box<Expr>, String),
    Subscript(Box<Expr>, Box<Expr>),
    /// `lambda: expr` (only as `Condition.wait_for`'s argument).
    Lambda(Box<Expr>),
}

/// An assignment target.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Name(String),
    Subscript(Expr, Expr),
}

/// A statement with its byte offset and 1-based line in the code string.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub pos: usize,
    pub line: usize,
    pub kind: StmtKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    Assign(Target, Expr),
    AugAssign(Target, BinOp, Expr),
    /// `if`/`elif` branches (condition, body, line, offset) and the `else`
    /// body.
    If(Vec<(Expr, Vec<Stmt>, usize, usize)>, Option<Vec<Stmt>>),
    While(Expr, Vec<Stmt>),
    /// `for var in range(args): body`
    For(String, Vec<Expr>, Vec<Stmt>),
    Break,
    Continue,
    Pass,
    Assert(Expr, Option<Expr>),
    Raise(Option<Expr>),
    /// `try: body finally: final`
    TryFinally(Vec<Stmt>, Vec<Stmt>),
    With(Expr, Vec<Stmt>),
    Global(Vec<String>),
    /// `import threading` (and `time`, `queue`): names that are already there.
    Import(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    End,
}

struct Lexed {
    toks: Vec<(Tok, usize)>,
    /// 1-based line of each byte offset's line start, looked up by offset.
    line_starts: Vec<usize>,
}

const OPS: &[&str] = &[
    "//=", "**", "//", "+=", "-=", "*=", "%=", "==", "!=", "<=", ">=", "->", "+", "-", "*", "/",
    "%", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "<", ">", ";", "@", "&", "|", "^", "~",
];

fn lex(src: &str) -> Result<Lexed, SyntaxError> {
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let mut indents: Vec<usize> = vec![0];
    let mut depth = 0usize; // bracket depth
    let mut i = 0;
    let mut line_starts = vec![0];
    let mut at_line_start = true;
    while i < bytes.len() {
        if at_line_start && depth == 0 {
            // Measure indentation; skip blank and comment-only lines.
            let start = i;
            let mut col = 0;
            while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                if bytes[i] == b'\t' {
                    return err(i, "tab in indentation (indent with spaces)");
                }
                col += 1;
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
            if bytes[i] == b'\n' || bytes[i] == b'#' || bytes[i] == b'\r' {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                if i < bytes.len() {
                    i += 1;
                    line_starts.push(i);
                }
                continue;
            }
            at_line_start = false;
            let top = *indents.last().unwrap_or(&0);
            if col > top {
                indents.push(col);
                toks.push((Tok::Indent, start));
            } else {
                while col < *indents.last().unwrap_or(&0) {
                    indents.pop();
                    toks.push((Tok::Dedent, i));
                }
                if col != *indents.last().unwrap_or(&0) {
                    return err(i, "unindent does not match any outer indentation level");
                }
            }
            continue;
        }
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                if depth == 0 {
                    toks.push((Tok::Newline, i));
                    at_line_start = true;
                }
                i += 1;
                line_starts.push(i);
            }
            b'\\' => return err(i, "backslash line continuation is not supported"),
            b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                    i += 1;
                }
                let is_float =
                    i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit()
                        || i < bytes.len()
                            && bytes[i] == b'.'
                            && (i + 1 == bytes.len() || !bytes[i + 1].is_ascii_alphabetic());
                if is_float {
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    let text: String = src[start..i].chars().filter(|c| *c != '_').collect();
                    match text.parse::<f64>() {
                        Ok(f) => toks.push((Tok::Float(f), start)),
                        Err(_) => return err(start, format!("bad number `{text}`")),
                    }
                } else {
                    let text: String = src[start..i].chars().filter(|c| *c != '_').collect();
                    match text.parse::<i64>() {
                        Ok(n) => toks.push((Tok::Int(n), start)),
                        Err(_) => return err(start, format!("integer `{text}` is too large")),
                    }
                }
                if i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
                    return err(i, "invalid number literal");
                }
            }
            b'"' | b'\'' => {
                let start = i;
                let quote = c;
                if bytes[i..].starts_with(&[quote, quote, quote]) {
                    return err(i, "triple-quoted strings are not supported");
                }
                i += 1;
                let mut s = String::new();
                loop {
                    if i >= bytes.len() || bytes[i] == b'\n' {
                        return err(start, "unterminated string literal");
                    }
                    let ch = src[i..].chars().next().unwrap_or('\0');
                    if bytes[i] == quote {
                        i += 1;
                        break;
                    }
                    if ch == '\\' {
                        let next = src[i + 1..].chars().next();
                        match next {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('\\') => s.push('\\'),
                            Some('\'') => s.push('\''),
                            Some('"') => s.push('"'),
                            _ => return err(i, "unsupported escape in string"),
                        }
                        i += 2;
                        continue;
                    }
                    s.push(ch);
                    i += ch.len_utf8();
                }
                toks.push((Tok::Str(s), start));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                for ch in src[i..].chars() {
                    if ch.is_alphanumeric() || ch == '_' {
                        i += ch.len_utf8();
                    } else {
                        break;
                    }
                }
                if i == start {
                    return err(i, "unexpected character");
                }
                toks.push((Tok::Name(src[start..i].to_string()), start));
            }
            _ => {
                let Some(op) = OPS.iter().find(|o| bytes[i..].starts_with(o.as_bytes())) else {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    return err(i, format!("unexpected character `{}`", ch.escape_debug()));
                };
                match *op {
                    "(" | "[" | "{" => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return err(i, "brackets nested too deeply");
                        }
                    }
                    ")" | "]" | "}" => {
                        if depth == 0 {
                            return err(i, format!("unmatched `{op}`"));
                        }
                        depth -= 1;
                    }
                    _ => {}
                }
                toks.push((Tok::Op(op), i));
                i += op.len();
            }
        }
    }
    if depth > 0 {
        return err(src.len(), "unclosed bracket at the end of the code");
    }
    if !at_line_start {
        toks.push((Tok::Newline, src.len()));
    }
    while indents.len() > 1 {
        indents.pop();
        toks.push((Tok::Dedent, src.len()));
    }
    toks.push((Tok::End, src.len()));
    Ok(Lexed { toks, line_starts })
}

struct Parser<'a> {
    toks: &'a [(Tok, usize)],
    at: usize,
    line_starts: &'a [usize],
    depth: usize,
}

const KEYWORDS: &[&str] = &[
    "if", "elif", "else", "while", "for", "in", "break", "continue", "pass", "assert", "raise",
    "try", "finally", "with", "global", "import", "and", "or", "not", "is", "lambda", "True",
    "False", "None", "def", "class", "return", "yield", "del", "from", "except", "nonlocal",
    "async", "await", "as", "match",
];

const UNSUPPORTED: &[&str] = &[
    "def", "class", "return", "yield", "del", "from", "except", "nonlocal", "async", "await",
];

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.at.min(self.toks.len() - 1)].0
    }
    fn pos(&self) -> usize {
        self.toks[self.at.min(self.toks.len() - 1)].1
    }
    fn next(&mut self) -> (Tok, usize) {
        let t = self.toks[self.at.min(self.toks.len() - 1)].clone();
        if self.at < self.toks.len() {
            self.at += 1;
        }
        t
    }
    fn line_of(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|s| *s <= pos)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == kw)
    }
    fn expect_op(&mut self, op: &str) -> Result<(), SyntaxError> {
        if self.is_op(op) {
            self.next();
            Ok(())
        } else {
            err(
                self.pos(),
                format!("expected `{op}`, found {}", self.describe()),
            )
        }
    }
    fn describe(&self) -> String {
        match self.peek() {
            Tok::Name(n) => format!("`{n}`"),
            Tok::Int(n) => format!("`{n}`"),
            Tok::Float(f) => format!("`{f}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Op(o) => format!("`{o}`"),
            Tok::Newline => "the end of the line".into(),
            Tok::Indent => "an indent".into(),
            Tok::Dedent => "a dedent".into(),
            Tok::End => "the end of the code".into(),
        }
    }
    fn ident(&mut self) -> Result<String, SyntaxError> {
        match self.peek().clone() {
            Tok::Name(n) if !KEYWORDS.contains(&n.as_str()) => {
                self.next();
                Ok(n)
            }
            _ => err(
                self.pos(),
                format!("expected a name, found {}", self.describe()),
            ),
        }
    }
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.pos(), "code nested too deeply");
        }
        Ok(())
    }

    fn block_list(&mut self) -> Result<Vec<Stmt>, SyntaxError> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Tok::End | Tok::Dedent => return Ok(out),
                Tok::Newline => {
                    self.next();
                }
                Tok::Indent => return err(self.pos(), "unexpected indent"),
                _ => self.statement(&mut out)?,
            }
        }
    }

    /// `:` then either simple statements on the same line or an indented block.
    fn suite(&mut self) -> Result<Vec<Stmt>, SyntaxError> {
        self.expect_op(":")?;
        self.enter()?;
        let r = if matches!(self.peek(), Tok::Newline) {
            self.next();
            if !matches!(self.peek(), Tok::Indent) {
                return err(self.pos(), "expected an indented block");
            }
            self.next();
            let body = self.block_list()?;
            if matches!(self.peek(), Tok::Dedent) {
                self.next();
            }
            if body.is_empty() {
                return err(self.pos(), "expected an indented block");
            }
            body
        } else {
            let mut out = Vec::new();
            self.simple_line(&mut out)?;
            out
        };
        self.depth -= 1;
        Ok(r)
    }

    fn statement(&mut self, out: &mut Vec<Stmt>) -> Result<(), SyntaxError> {
        let pos = self.pos();
        let line = self.line_of(pos);
        let word = match self.peek() {
            Tok::Name(n) => n.clone(),
            _ => String::new(),
        };
        let kind = match word.as_str() {
            "if" => {
                self.next();
                let mut branches = Vec::new();
                let cond = self.expr()?;
                let body = self.suite()?;
                branches.push((cond, body, line, pos));
                let mut orelse = None;
                loop {
                    if self.is_kw("elif") {
                        let p = self.pos();
                        self.next();
                        let c = self.expr()?;
                        let b = self.suite()?;
                        branches.push((c, b, self.line_of(p), p));
                    } else if self.is_kw("else") {
                        self.next();
                        orelse = Some(self.suite()?);
                        break;
                    } else {
                        break;
                    }
                }
                StmtKind::If(branches, orelse)
            }
            "while" => {
                self.next();
                let cond = self.expr()?;
                let body = self.suite()?;
                if self.is_kw("else") {
                    return err(self.pos(), "unsupported statement `while ... else`");
                }
                StmtKind::While(cond, body)
            }
            "for" => {
                self.next();
                let var = self.ident()?;
                if !self.is_kw("in") {
                    return err(
                        self.pos(),
                        format!("expected `in`, found {}", self.describe()),
                    );
                }
                self.next();
                let it = self.expr()?;
                let args = match it.kind {
                    ExprKind::Call(f, args)
                        if matches!(&f.kind, ExprKind::Name(n) if n == "range")
                            && (1..=3).contains(&args.len()) =>
                    {
                        args
                    }
                    _ => {
                        return err(
                            it.pos,
                            "unsupported loop: only `for NAME in range(...)` is in the subset",
                        );
                    }
                };
                let body = self.suite()?;
                if self.is_kw("else") {
                    return err(self.pos(), "unsupported statement `for ... else`");
                }
                StmtKind::For(var, args, body)
            }
            "try" => {
                self.next();
                let body = self.suite()?;
                if self.is_kw("except") {
                    return err(
                        self.pos(),
                        "unsupported statement `except` (only `try`/`finally` is in the subset)",
                    );
                }
                if !self.is_kw("finally") {
                    return err(self.pos(), "expected `finally` after the `try` block");
                }
                self.next();
                let fin = self.suite()?;
                StmtKind::TryFinally(body, fin)
            }
            "with" => {
                self.next();
                let e = self.expr()?;
                if self.is_kw("as") {
                    return err(self.pos(), "unsupported: `with ... as` (use `with X:`)");
                }
                if self.is_op(",") {
                    return err(self.pos(), "unsupported: one object per `with`");
                }
                let body = self.suite()?;
                StmtKind::With(e, body)
            }
            "elif" | "else" | "finally" => {
                return err(
                    pos,
                    format!("`{word}` without a matching statement before it"),
                );
            }
            w if UNSUPPORTED.contains(&w) => {
                return err(
                    pos,
                    format!("unsupported statement `{w}` (see the subset in docs/challenges.md)"),
                );
            }
            _ => return self.simple_line(out),
        };
        out.push(Stmt { pos, line, kind });
        Ok(())
    }

    /// One or more simple statements separated by `;`, then the newline.
    fn simple_line(&mut self, out: &mut Vec<Stmt>) -> Result<(), SyntaxError> {
        loop {
            let s = self.simple()?;
            out.push(s);
            if self.is_op(";") {
                self.next();
                if matches!(self.peek(), Tok::Newline | Tok::End) {
                    break;
                }
                continue;
            }
            break;
        }
        match self.peek() {
            Tok::Newline => {
                self.next();
                Ok(())
            }
            Tok::End | Tok::Dedent => Ok(()),
            _ => err(
                self.pos(),
                format!(
                    "expected the end of the statement, found {}",
                    self.describe()
                ),
            ),
        }
    }

    fn simple(&mut self) -> Result<Stmt, SyntaxError> {
        let pos = self.pos();
        let line = self.line_of(pos);
        let word = match self.peek() {
            Tok::Name(n) => n.clone(),
            _ => String::new(),
        };
        let kind = match word.as_str() {
            "pass" => {
                self.next();
                StmtKind::Pass
            }
            "break" => {
                self.next();
                StmtKind::Break
            }
            "continue" => {
                self.next();
                StmtKind::Continue
            }
            "global" => {
                self.next();
                let mut names = vec![self.ident()?];
                while self.is_op(",") {
                    self.next();
                    names.push(self.ident()?);
                }
                StmtKind::Global(names)
            }
            "import" => {
                self.next();
                let mut names = Vec::new();
                loop {
                    let p = self.pos();
                    let n = self.ident()?;
                    if !matches!(n.as_str(), "threading" | "time" | "queue") {
                        return err(
                            p,
                            format!(
                                "unsupported import `{n}` (threading, time and queue are there already)"
                            ),
                        );
                    }
                    names.push(n);
                    if !self.is_op(",") {
                        break;
                    }
                    self.next();
                }
                StmtKind::Import(names)
            }
            "assert" => {
                self.next();
                let test = self.expr()?;
                let msg = if self.is_op(",") {
                    self.next();
                    Some(self.expr()?)
                } else {
                    None
                };
                StmtKind::Assert(test, msg)
            }
            "raise" => {
                self.next();
                if matches!(self.peek(), Tok::Newline | Tok::End | Tok::Dedent) || self.is_op(";") {
                    StmtKind::Raise(None)
                } else {
                    let e = self.expr()?;
                    if self.is_kw("from") {
                        return err(self.pos(), "unsupported: `raise ... from`");
                    }
                    StmtKind::Raise(Some(e))
                }
            }
            w if UNSUPPORTED.contains(&w) => {
                return err(
                    pos,
                    format!("unsupported statement `{w}` (see the subset in docs/challenges.md)"),
                );
            }
            "if" | "while" | "for" | "try" | "with" => {
                return err(pos, format!("`{word}` must start its own line"));
            }
            _ => {
                let e = self.expr()?;
                let aug = match self.peek() {
                    Tok::Op("+=") => Some(BinOp::Add),
                    Tok::Op("-=") => Some(BinOp::Sub),
                    Tok::Op("*=") => Some(BinOp::Mul),
                    Tok::Op("//=") => Some(BinOp::FloorDiv),
                    Tok::Op("%=") => Some(BinOp::Mod),
                    _ => None,
                };
                if let Some(op) = aug {
                    self.next();
                    let target = to_target(e)?;
                    let value = self.expr()?;
                    StmtKind::AugAssign(target, op, value)
                } else if self.is_op("=") {
                    self.next();
                    let target = to_target(e)?;
                    let value = self.expr()?;
                    if self.is_op("=") {
                        return err(self.pos(), "unsupported: chained assignment `a = b = c`");
                    }
                    StmtKind::Assign(target, value)
                } else {
                    if self.is_op(",") {
                        return err(self.pos(), "unsupported: tuples");
                    }
                    StmtKind::Expr(e)
                }
            }
        };
        Ok(Stmt { pos, line, kind })
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let r = if self.is_kw("lambda") {
            let pos = self.pos();
            self.next();
            if !self.is_op(":") {
                return err(
                    self.pos(),
                    "unsupported: lambda parameters (write `lambda: ...`)",
                );
            }
            self.next();
            let body = self.or_expr()?;
            Ok(Expr {
                pos,
                kind: ExprKind::Lambda(Box::new(body)),
            })
        } else {
            let e = self.or_expr()?;
            if self.is_kw("if") {
                return err(
                    self.pos(),
                    "unsupported: conditional expressions `a if c else b`",
                );
            }
            Ok(e)
        };
        self.depth -= 1;
        r
    }

    fn or_expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.and_expr()?;
        while self.is_kw("or") {
            self.next();
            let right = self.and_expr()?;
            left = Expr {
                pos: left.pos,
                kind: ExprKind::BoolOp(false, Box::new(left), Box::new(right)),
            };
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.not_expr()?;
        while self.is_kw("and") {
            self.next();
            let right = self.not_expr()?;
            left = Expr {
                pos: left.pos,
                kind: ExprKind::BoolOp(true, Box::new(left), Box::new(right)),
            };
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_kw("not") {
            let pos = self.pos();
            self.next();
            self.enter()?;
            let inner = self.not_expr()?;
            self.depth -= 1;
            return Ok(Expr {
                pos,
                kind: ExprKind::Not(Box::new(inner)),
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.arith()?;
        let op = match self.peek() {
            Tok::Op("<") => Some(CmpOp::Lt),
            Tok::Op("<=") => Some(CmpOp::Le),
            Tok::Op("==") => Some(CmpOp::Eq),
            Tok::Op("!=") => Some(CmpOp::Ne),
            Tok::Op(">") => Some(CmpOp::Gt),
            Tok::Op(">=") => Some(CmpOp::Ge),
            Tok::Name(n) if n == "in" => Some(CmpOp::In),
            Tok::Name(n) if n == "is" => Some(CmpOp::Is),
            Tok::Name(n) if n == "not" => Some(CmpOp::NotIn),
            _ => None,
        };
        let Some(mut op) = op else {
            return Ok(left);
        };
        self.next();
        if op == CmpOp::NotIn {
            if !self.is_kw("in") {
                return err(
                    self.pos(),
                    format!("expected `in`, found {}", self.describe()),
                );
            }
            self.next();
        } else if op == CmpOp::Is && self.is_kw("not") {
            self.next();
            op = CmpOp::IsNot;
        }
        let right = self.arith()?;
        if matches!(self.peek(), Tok::Op("<" | "<=" | "==" | "!=" | ">" | ">=")) {
            return err(self.pos(), "unsupported: chained comparisons (`a < b < c`)");
        }
        Ok(Expr {
            pos: left.pos,
            kind: ExprKind::Compare(Box::new(left), op, Box::new(right)),
        })
    }

    fn arith(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return Ok(left),
            };
            self.next();
            let right = self.term()?;
            left = Expr {
                pos: left.pos,
                kind: ExprKind::Bin(Box::new(left), op, Box::new(right)),
            };
        }
    }

    fn term(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("//") => BinOp::FloorDiv,
                Tok::Op("%") => BinOp::Mod,
                Tok::Op("/") => {
                    return err(self.pos(), "unsupported: `/` (true division); use `//`");
                }
                _ => return Ok(left),
            };
            self.next();
            let right = self.unary()?;
            left = Expr {
                pos: left.pos,
                kind: ExprKind::Bin(Box::new(left), op, Box::new(right)),
            };
        }
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_op("-") {
            let pos = self.pos();
            self.next();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            // Fold negative literals as CPython's compiler does.
            return Ok(match inner.kind {
                ExprKind::Int(n) => Expr {
                    pos,
                    kind: ExprKind::Int(-n),
                },
                ExprKind::Float(f) => Expr {
                    pos,
                    kind: ExprKind::Float(-f),
                },
                k => Expr {
                    pos,
                    kind: ExprKind::Neg(Box::new(Expr {
                        pos: inner.pos,
                        kind: k,
                    })),
                },
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.atom()?;
        loop {
            if self.is_op("(") {
                self.next();
                let mut args = Vec::new();
                while !self.is_op(")") {
                    if let Tok::Name(_) = self.peek()
                        && matches!(self.toks.get(self.at + 1), Some((Tok::Op("="), _)))
                    {
                        return err(self.pos(), "unsupported: keyword arguments");
                    }
                    args.push(self.expr()?);
                    if self.is_op(",") {
                        self.next();
                    } else if !self.is_op(")") {
                        return err(
                            self.pos(),
                            format!("expected `,` or `)`, found {}", self.describe()),
                        );
                    }
                }
                self.next();
                e = Expr {
                    pos: e.pos,
                    kind: ExprKind::Call(Box::new(e), args),
                };
            } else if self.is_op(".") {
                self.next();
                let name = self.ident()?;
                e = Expr {
                    pos: e.pos,
                    kind: ExprKind::Attr(Box::new(e), name),
                };
            } else if self.is_op("[") {
                self.next();
                let index = self.expr()?;
                if self.is_op(":") {
                    return err(self.pos(), "unsupported: slices");
                }
                self.expect_op("]")?;
                e = Expr {
                    pos: e.pos,
                    kind: ExprKind::Subscript(Box::new(e), Box::new(index)),
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        let pos = self.pos();
        let (tok, _) = self.next();
        let kind = match tok {
            Tok::Int(n) => ExprKind::Int(n),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Str(s) => {
                let mut s = s;
                // Adjacent string literals concatenate.
                while let Tok::Str(more) = self.peek().clone() {
                    self.next();
                    s.push_str(&more);
                }
                ExprKind::Str(s)
            }
            Tok::Name(n) => match n.as_str() {
                "True" => ExprKind::Bool(true),
                "False" => ExprKind::Bool(false),
                "None" => ExprKind::None,
                w if KEYWORDS.contains(&w) => {
                    return err(pos, format!("unexpected keyword `{w}`"));
                }
                _ => ExprKind::Name(n),
            },
            Tok::Op("(") => {
                if self.is_op(")") {
                    return err(pos, "unsupported: tuples");
                }
                let e = self.expr()?;
                if self.is_op(",") {
                    return err(self.pos(), "unsupported: tuples");
                }
                self.expect_op(")")?;
                return Ok(e);
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                while !self.is_op("]") {
                    items.push(self.expr()?);
                    if self.is_op(",") {
                        self.next();
                    } else if !self.is_op("]") {
                        return err(
                            self.pos(),
                            format!("expected `,` or `]`, found {}", self.describe()),
                        );
                    }
                }
                self.next();
                ExprKind::List(items)
            }
            Tok::Op("{") => {
                let mut items = Vec::new();
                while !self.is_op("}") {
                    let k = self.expr()?;
                    if !self.is_op(":") {
                        return err(
                            self.pos(),
                            "unsupported: sets (only dict literals `{k: v}`)",
                        );
                    }
                    self.next();
                    let v = self.expr()?;
                    items.push((k, v));
                    if self.is_op(",") {
                        self.next();
                    } else if !self.is_op("}") {
                        return err(
                            self.pos(),
                            format!("expected `,` or `}}`, found {}", self.describe()),
                        );
                    }
                }
                self.next();
                ExprKind::Dict(items)
            }
            _ => {
                self.at -= 1;
                return err(
                    pos,
                    format!("expected an expression, found {}", self.describe()),
                );
            }
        };
        Ok(Expr { pos, kind })
    }
}

fn to_target(e: Expr) -> Result<Target, SyntaxError> {
    match e.kind {
        ExprKind::Name(n) => Ok(Target::Name(n)),
        ExprKind::Subscript(obj, index) => Ok(Target::Subscript(*obj, *index)),
        ExprKind::Attr(..) => err(e.pos, "unsupported: assigning to an attribute"),
        _ => err(e.pos, "cannot assign to this expression"),
    }
}

/// Parse a code string into statements.
pub fn parse(src: &str) -> Result<Vec<Stmt>, SyntaxError> {
    let lexed = lex(src)?;
    let mut p = Parser {
        toks: &lexed.toks,
        at: 0,
        line_starts: &lexed.line_starts,
        depth: 0,
    };
    let body = p.block_list()?;
    match p.peek() {
        Tok::End => Ok(body),
        _ => err(p.pos(), format!("unexpected {}", p.describe())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_subset() {
        let src = "global total\ntotal += 1\nif items: items.pop()\nwith lock:\n    x = [1, 2]\n    d['k'] = -3\nwhile not done:\n    pass\nfor i in range(3):\n    print('a', i)\ntry:\n    raise RuntimeError('x')\nfinally:\n    lock.release()\n";
        let s = parse(src).unwrap();
        assert_eq!(s.len(), 7);
        assert!(matches!(s[1].kind, StmtKind::AugAssign(_, BinOp::Add, _)));
        assert_eq!(s[2].line, 3);
        match &s[2].kind {
            StmtKind::If(b, None) => assert_eq!(b[0].1.len(), 1),
            k => panic!("{k:?}"),
        }
        assert!(matches!(s[6].kind, StmtKind::TryFinally(..)));
    }

    #[test]
    fn errors_point_at_the_place() {
        let e = parse("x = 1\ny = (2 +\n").unwrap_err();
        assert!(e.message.contains("unclosed"), "{e:?}");
        let e = parse("x = 1\ndef f():\n    pass\n").unwrap_err();
        assert_eq!(e.pos, 6);
        assert!(e.message.contains("`def`"));
        let e = parse("if x:\ny = 2\n").unwrap_err();
        assert!(e.message.contains("indented block"), "{e:?}");
        let e = parse("x = 1 +\n").unwrap_err();
        assert_eq!(e.pos, 7);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let src = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&src).is_err());
        let src = format!("x = {}1\n", "-".repeat(100_000));
        assert!(parse(&src).is_err());
        let src = format!("x = {}1\n", "not ".repeat(100_000));
        assert!(parse(&src).is_err());
    }
}
