//! Values, heap objects and exceptions of the challenge engine. Everything
//! here is plain data: cloned, hashed and compared with the state.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::pythreading::ThreadError;

/// Thread id used for code that runs outside the level's threads (setup
/// and `after`): "main".
pub const MAIN: u16 = u16::MAX;

/// A Python exception class of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExcKind {
    Exception,
    RuntimeError,
    ValueError,
    AssertionError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    TypeError,
    NameError,
    UnboundLocalError,
    AttributeError,
    OverflowError,
    QueueEmpty,
    QueueFull,
    BrokenBarrierError,
}

impl ExcKind {
    /// The name as a traceback's last line shows it (`RuntimeError`,
    /// `queue.Empty`).
    pub fn name(self) -> &'static str {
        match self {
            ExcKind::Exception => "Exception",
            ExcKind::RuntimeError => "RuntimeError",
            ExcKind::ValueError => "ValueError",
            ExcKind::AssertionError => "AssertionError",
            ExcKind::IndexError => "IndexError",
            ExcKind::KeyError => "KeyError",
            ExcKind::ZeroDivisionError => "ZeroDivisionError",
            ExcKind::TypeError => "TypeError",
            ExcKind::NameError => "NameError",
            ExcKind::UnboundLocalError => "UnboundLocalError",
            ExcKind::AttributeError => "AttributeError",
            ExcKind::OverflowError => "OverflowError",
            ExcKind::QueueEmpty => "queue.Empty",
            ExcKind::QueueFull => "queue.Full",
            ExcKind::BrokenBarrierError => "threading.BrokenBarrierError",
        }
    }

    /// Every class, for lookups by name.
    pub const ALL: [ExcKind; 15] = [
        ExcKind::Exception,
        ExcKind::RuntimeError,
        ExcKind::ValueError,
        ExcKind::AssertionError,
        ExcKind::IndexError,
        ExcKind::KeyError,
        ExcKind::ZeroDivisionError,
        ExcKind::TypeError,
        ExcKind::NameError,
        ExcKind::UnboundLocalError,
        ExcKind::AttributeError,
        ExcKind::OverflowError,
        ExcKind::QueueEmpty,
        ExcKind::QueueFull,
        ExcKind::BrokenBarrierError,
    ];

    /// Looks a class up by its full or short name (`queue.Empty`, `Empty`).
    pub fn by_name(name: &str) -> Option<ExcKind> {
        ExcKind::ALL.into_iter().find(|k| {
            let n = k.name();
            n == name || n.rsplit('.').next() == Some(name)
        })
    }

    /// Whether `self` is `other` or a subclass of it.
    pub fn is_a(self, other: ExcKind) -> bool {
        self == other
            || other == ExcKind::Exception
            || (other == ExcKind::NameError && self == ExcKind::UnboundLocalError)
    }
}

/// A raised exception: class and message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exc {
    pub kind: ExcKind,
    pub message: Option<Arc<str>>,
}

impl Exc {
    pub fn new(kind: ExcKind, message: impl Into<String>) -> Exc {
        Exc {
            kind,
            message: Some(Arc::from(message.into())),
        }
    }

    pub fn bare(kind: ExcKind) -> Exc {
        Exc {
            kind,
            message: None,
        }
    }

    /// From one of `pythreading`'s CPython errors.
    pub fn thread(e: ThreadError) -> Exc {
        let kind = match e.python_exception() {
            crate::pythreading::PyException::RuntimeError => ExcKind::RuntimeError,
            crate::pythreading::PyException::ValueError => ExcKind::ValueError,
            crate::pythreading::PyException::BrokenBarrierError => ExcKind::BrokenBarrierError,
        };
        if e.message().is_empty() {
            Exc::bare(kind)
        } else {
            Exc::new(kind, e.message())
        }
    }

    /// The traceback's last line: `RuntimeError: release unlocked lock`.
    pub fn line(&self) -> String {
        match &self.message {
            Some(m) if !m.is_empty() => format!("{}: {m}", self.kind.name()),
            _ => self.kind.name().to_string(),
        }
    }
}

/// A module bound from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Module {
    Threading,
    Time,
    Queue,
}

impl Module {
    pub fn name(self) -> &'static str {
        match self {
            Module::Threading => "threading",
            Module::Time => "time",
            Module::Queue => "queue",
        }
    }
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    Print,
    Len,
    Range,
    Str,
    Min,
    Max,
    Abs,
    /// The level's marker `critical_section()`.
    CriticalSection,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Print => "print",
            Builtin::Len => "len",
            Builtin::Range => "range",
            Builtin::Str => "str",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Abs => "abs",
            Builtin::CriticalSection => "critical_section",
        }
    }
}

/// A value on a stack, in a variable or inside an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// A float, by its bits (floats are constants only: `time.sleep(0.1)`).
    Float(u64),
    Str(Arc<str>),
    /// An object on the heap (list, dict, lock, ...).
    Obj(u32),
    /// One of the level's threads (a `var` of `[[threads]]`).
    Thread(u16),
    Module(Module),
    Builtin(Builtin),
    /// An exception class, e.g. `RuntimeError`.
    Class(ExcKind),
    /// A constructor in a module: `threading.Lock`, `queue.Queue`.
    Ctor(Ctor),
    /// An exception instance.
    Exc(Exc),
    /// A bound method: receiver and name.
    Method(Box<Value>, &'static str),
    /// The NULL CPython pushes before calling a plain function.
    Null,
    /// A `range` iterator: next value, stop, step.
    Range(i64, i64, i64),
}

/// The constructors of synchronisation objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctor {
    Lock,
    RLock,
    Semaphore,
    BoundedSemaphore,
    Condition,
    Event,
    Barrier,
    Queue,
}

impl Ctor {
    pub fn name(self) -> &'static str {
        match self {
            Ctor::Lock => "Lock",
            Ctor::RLock => "RLock",
            Ctor::Semaphore => "Semaphore",
            Ctor::BoundedSemaphore => "BoundedSemaphore",
            Ctor::Condition => "Condition",
            Ctor::Event => "Event",
            Ctor::Barrier => "Barrier",
            Ctor::Queue => "Queue",
        }
    }
}

/// An object on the heap.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Obj {
    List(Vec<Value>),
    /// A dict in insertion order.
    Dict(Vec<(Value, Value)>),
    Lock {
        owner: Option<u16>,
    },
    RLock {
        owner: Option<u16>,
        count: u32,
    },
    Semaphore {
        value: i64,
        /// `Some(initial)` for a `BoundedSemaphore`.
        bound: Option<i64>,
    },
    Condition {
        /// The lock object (a Lock or RLock on the heap).
        lock: u32,
        /// Threads waiting to be notified, in order.
        waiters: Vec<u16>,
    },
    Event {
        flag: bool,
        waiters: Vec<u16>,
    },
    Queue {
        items: Vec<Value>,
        maxsize: i64,
        unfinished: i64,
    },
    Barrier {
        parties: i64,
        /// Threads arrived in this round, in order.
        waiting: Vec<u16>,
        generation: u32,
    },
}

impl Obj {
    /// The Python type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Obj::List(_) => "list",
            Obj::Dict(_) => "dict",
            Obj::Lock { .. } => "Lock",
            Obj::RLock { .. } => "RLock",
            Obj::Semaphore { bound: None, .. } => "Semaphore",
            Obj::Semaphore { bound: Some(_), .. } => "BoundedSemaphore",
            Obj::Condition { .. } => "Condition",
            Obj::Event { .. } => "Event",
            Obj::Queue { .. } => "Queue",
            Obj::Barrier { .. } => "Barrier",
        }
    }
}

/// Python's `repr` of a float constant.
pub fn float_repr(bits: u64) -> String {
    let f = f64::from_bits(bits);
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f:?}")
    }
}

/// Python's `repr` of a string (single quotes unless it holds one).
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}
