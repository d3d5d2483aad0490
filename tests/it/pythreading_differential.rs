//! Differential test: the same scenario scripts run in CPython (`python3`,
//! through `threading` and `queue`) and through `threadtutor::pythreading`,
//! comparing every return value, error message and item, line by line.
//!
//! Without python3 the live comparison is skipped (with a message), but the
//! Rust side is still checked against GOLDEN, the output CPython 3.11.7
//! printed for these scripts when the test was written.
//!
//! Script language: `NAME = Ctor(args)` creates an object; `NAME.method(args)`
//! calls a method on the main thread and prints its repr (`True`, `None`,
//! `3`) or `ExcClass: message`; `@t1 NAME.method(args)` runs the call on the
//! helper thread t1 (created on first use) and waits for it, so each script
//! is deterministic while still crossing threads (foreign releases).

use crate::common;
use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;
use threadtutor::pythreading::{
    BoundedSemaphore, Condition, Event, Full, LifoQueue, Lock, PriorityQueue, Queue, RLock,
    Semaphore, Thread, ThreadError,
};

const SCENARIOS: &str = r#"
SCENARIO lock
L = Lock()
L.locked()
L.acquire()
L.locked()
L.acquire(False)
L.acquire(timeout=0.01)
L.release()
L.release()
@t1 L.acquire()
L.locked()
L.release()
L.locked()
L.acquire(False)
@t1 L.release()
@t1 L.release()
SCENARIO rlock
R = RLock()
R.release()
R.acquire()
R.acquire(False)
@t1 R.acquire(False)
@t1 R.release()
R.release()
R.release()
R.release()
@t1 R.acquire()
R.acquire(timeout=0.01)
R.acquire(False)
@t1 R.acquire()
@t1 R.release()
@t1 R.release()
R.acquire(False)
R.release()
SCENARIO semaphores
S = Semaphore(2)
S.acquire()
S.acquire(False)
S.acquire(False)
S.acquire(timeout=0.01)
S.release()
S.release(3)
S.release(0)
@t1 S.acquire(False)
B = BoundedSemaphore(1)
B.release()
B.acquire()
B.acquire(False)
B.release()
B.release()
B.acquire()
B.release(2)
@t1 B.release()
B.release()
SCENARIO condition_event
C = Condition()
C.notify()
C.wait(0.01)
C.notify_all()
C.acquire()
C.wait(0.01)
C.notify()
C.notify_all()
C.release()
C.release()
@t1 C.acquire()
C.notify()
C.wait(0.01)
@t1 C.notify(2)
@t1 C.release()
D = Condition(Lock())
D.notify()
D.acquire()
@t1 D.notify()
D.wait(0.01)
D.release()
E = Event()
E.is_set()
E.wait(0.01)
E.set()
E.wait(0.01)
@t1 E.wait(0.01)
E.is_set()
E.clear()
E.is_set()
SCENARIO queue
Q = Queue(2)
Q.empty()
Q.get_nowait()
Q.get(timeout=0.01)
Q.put_nowait(1)
Q.put(2)
Q.full()
Q.put_nowait(3)
Q.put(3, timeout=0.01)
Q.qsize()
Q.get()
Q.put_nowait(3)
Q.get_nowait()
Q.get(timeout=0.01)
Q.get_nowait()
Q.empty()
Q.task_done()
Q.task_done()
Q.task_done()
Q.join()
Q.task_done()
@t1 Q.put(5)
@t2 Q.get()
@t2 Q.task_done()
Q.join()
U = Queue(0)
U.full()
U.put_nowait(1)
U.put_nowait(2)
U.qsize()
U.full()
SCENARIO lifo_priority
L = LifoQueue(0)
L.put(3)
L.put(1)
L.put(2)
L.get()
L.get_nowait()
L.get()
L.get_nowait()
P = PriorityQueue(3)
P.put(3)
P.put(1)
P.put_nowait(2)
P.put_nowait(0)
P.full()
P.get()
P.put(1)
P.get()
P.get()
P.get()
P.get_nowait()
P.task_done()
P.task_done()
P.task_done()
P.task_done()
P.task_done()
SCENARIO thread
T = Thread()
T.is_alive()
T.join()
T.start()
T.start()
T.join()
T.is_alive()
T.start()
"#;

const HARNESS: &str = r##"
import re, sys, threading, queue


def fresh_env():
    env = {n: getattr(threading, n) for n in
           ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Thread")}
    env.update(Queue=queue.Queue, LifoQueue=queue.LifoQueue, PriorityQueue=queue.PriorityQueue)
    return env


def run(expr, env):
    try:
        return repr(eval(expr, env))
    except Exception as e:
        return f"{type(e).__name__}: {e}".rstrip()


class Worker:
    def __init__(self, env):
        self.env, self.inq, self.outq = env, queue.SimpleQueue(), queue.SimpleQueue()
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            self.outq.put(run(self.inq.get(), self.env))

    def call(self, expr):
        self.inq.put(expr)
        return self.outq.get()


env, workers = fresh_env(), {}
for line in sys.stdin:
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("SCENARIO"):
        env, workers = fresh_env(), {}
        print(line)
        continue
    m = re.match(r"^(\w+) = (.+)$", line)
    if m:
        env[m.group(1)] = eval(m.group(2), env)
        continue
    m = re.match(r"^@(\w+) (.+)$", line)
    if m:
        if m.group(1) not in workers:
            workers[m.group(1)] = Worker(env)
        print(workers[m.group(1)].call(m.group(2)))
    else:
        print(run(line, env))
"##;

const GOLDEN: &str = r#"
SCENARIO lock
False
True
True
False
False
None
RuntimeError: release unlocked lock
True
True
None
False
True
None
RuntimeError: release unlocked lock
SCENARIO rlock
RuntimeError: cannot release un-acquired lock
True
True
False
RuntimeError: cannot release un-acquired lock
None
None
RuntimeError: cannot release un-acquired lock
True
False
False
True
None
None
True
None
SCENARIO semaphores
True
True
False
False
None
None
ValueError: n must be one or more
True
ValueError: Semaphore released too many times
True
False
None
ValueError: Semaphore released too many times
True
ValueError: Semaphore released too many times
None
ValueError: Semaphore released too many times
SCENARIO condition_event
RuntimeError: cannot notify on un-acquired lock
RuntimeError: cannot wait on un-acquired lock
RuntimeError: cannot notify on un-acquired lock
True
False
None
None
None
RuntimeError: cannot release un-acquired lock
True
RuntimeError: cannot notify on un-acquired lock
RuntimeError: cannot wait on un-acquired lock
None
None
RuntimeError: cannot notify on un-acquired lock
True
None
False
None
False
False
None
True
True
True
None
False
SCENARIO queue
True
Empty:
Empty:
None
None
True
Full:
Full:
2
1
None
2
3
Empty:
True
None
None
None
None
ValueError: task_done() called too many times
None
5
None
None
False
None
None
2
False
SCENARIO lifo_priority
None
None
None
2
1
3
Empty:
None
None
None
Full:
True
1
None
1
2
3
Empty:
None
None
None
None
ValueError: task_done() called too many times
SCENARIO thread
False
RuntimeError: cannot join thread before it is started
None
RuntimeError: threads can only be started once
None
False
RuntimeError: threads can only be started once
"#;

/// GOLDEN without the newline that follows its opening quote.
fn golden() -> &'static str {
    GOLDEN.trim_start_matches('\n')
}

#[derive(Clone)]
enum Obj {
    Lock(Arc<Lock>),
    RLock(Arc<RLock>),
    Sem(Arc<Semaphore>),
    BSem(Arc<BoundedSemaphore>),
    Cond(Arc<Condition>),
    Event(Arc<Event>),
    Fifo(Arc<Queue<i64>>),
    Lifo(Arc<LifoQueue<i64>>),
    Prio(Arc<PriorityQueue<i64>>),
    Thread(Thread),
}

#[derive(Debug, Clone)]
enum Arg {
    Int(i64),
    Bool(bool),
    Float(f64),
    Kw(String, Box<Arg>),
}

fn parse_arg(s: &str) -> Arg {
    let s = s.trim();
    if let Some((k, v)) = s.split_once('=') {
        return Arg::Kw(k.trim().to_string(), Box::new(parse_arg(v)));
    }
    match s {
        "True" => Arg::Bool(true),
        "False" => Arg::Bool(false),
        _ if s.contains('.') => Arg::Float(s.parse().expect("float")),
        _ => Arg::Int(s.parse().unwrap_or_else(|_| panic!("bad argument {s:?}"))),
    }
}

/// `NAME.method(a, b)` → (NAME, method, args).
fn parse_call(expr: &str) -> (String, String, Vec<Arg>) {
    let (obj, rest) = expr.split_once('.').expect("NAME.method(...)");
    let (method, args) = rest.split_once('(').expect("call");
    let args = args.strip_suffix(')').expect("closing paren");
    let args = if args.trim().is_empty() {
        vec![]
    } else {
        args.split(',').map(parse_arg).collect()
    };
    (obj.to_string(), method.to_string(), args)
}

fn construct(ctor: &str) -> Obj {
    let (name, args) = ctor.split_once('(').expect("constructor");
    let args = args.strip_suffix(')').expect("closing paren");
    let n = || args.trim().parse::<usize>().expect("size");
    match name {
        "Lock" => Obj::Lock(Arc::new(Lock::new())),
        "RLock" => Obj::RLock(Arc::new(RLock::new())),
        "Semaphore" => Obj::Sem(Arc::new(Semaphore::new(n()))),
        "BoundedSemaphore" => Obj::BSem(Arc::new(BoundedSemaphore::new(n()))),
        "Condition" => Obj::Cond(Arc::new(match args {
            "" => Condition::new(),
            "Lock()" => Condition::with_lock(Lock::new()),
            "RLock()" => Condition::with_rlock(RLock::new()),
            other => panic!("Condition({other})"),
        })),
        "Event" => Obj::Event(Arc::new(Event::new())),
        "Queue" => Obj::Fifo(Arc::new(Queue::new(n()))),
        "LifoQueue" => Obj::Lifo(Arc::new(LifoQueue::new(n()))),
        "PriorityQueue" => Obj::Prio(Arc::new(PriorityQueue::new(n()))),
        "Thread" => Obj::Thread(Thread::new(|| {})),
        other => panic!("unknown constructor {other}"),
    }
}

fn py_bool(b: bool) -> String {
    if b { "True" } else { "False" }.to_string()
}

fn py_unit(r: Result<(), ThreadError>) -> String {
    match r {
        Ok(()) => "None".to_string(),
        Err(e) => py_err(e),
    }
}

fn py_err(e: ThreadError) -> String {
    format!("{}: {}", e.python_exception().name(), e.message())
        .trim_end()
        .to_string()
}

fn secs(a: &Arg) -> Duration {
    match a {
        Arg::Float(f) => Duration::from_secs_f64(*f),
        Arg::Int(i) => Duration::from_secs(*i as u64),
        Arg::Kw(_, v) => secs(v),
        Arg::Bool(_) => panic!("timeout expected"),
    }
}

/// acquire(), acquire(False), acquire(timeout=t) on anything lock-like.
fn acquire(
    args: &[Arg],
    block: impl Fn() -> bool,
    try_: impl Fn() -> bool,
    timed: impl Fn(Duration) -> bool,
) -> String {
    py_bool(match args {
        [] | [Arg::Bool(true)] => block(),
        [Arg::Bool(false)] => try_(),
        [t @ Arg::Kw(k, _)] if k == "timeout" => timed(secs(t)),
        other => panic!("acquire{other:?}"),
    })
}

fn int(a: &Arg) -> i64 {
    match a {
        Arg::Int(i) => *i,
        other => panic!("int expected, got {other:?}"),
    }
}

macro_rules! queue_call {
    ($q:expr, $method:expr, $args:expr) => {{
        let q = $q;
        match ($method, $args) {
            ("put", [x]) => {
                q.put(int(x));
                "None".to_string()
            }
            ("put", [x, t]) => match q.put_timeout(int(x), secs(t)) {
                Ok(()) => "None".to_string(),
                Err(Full(_)) => "Full:".to_string(),
            },
            ("put_nowait", [x]) => match q.put_nowait(int(x)) {
                Ok(()) => "None".to_string(),
                Err(Full(_)) => "Full:".to_string(),
            },
            ("get", []) => q.get().to_string(),
            ("get", [t]) => match q.get_timeout(secs(t)) {
                Ok(x) => x.to_string(),
                Err(_) => "Empty:".to_string(),
            },
            ("get_nowait", []) => match q.get_nowait() {
                Ok(x) => x.to_string(),
                Err(_) => "Empty:".to_string(),
            },
            ("qsize", []) => q.qsize().to_string(),
            ("empty", []) => py_bool(q.empty()),
            ("full", []) => py_bool(q.full()),
            ("task_done", []) => py_unit(q.task_done()),
            ("join", []) => {
                q.join();
                "None".to_string()
            }
            (m, a) => panic!("Queue.{m}{a:?}"),
        }
    }};
}

fn call(obj: &Obj, method: &str, args: &[Arg]) -> String {
    match obj {
        Obj::Lock(l) => match method {
            "acquire" => acquire(
                args,
                || l.acquire(),
                || l.try_acquire(),
                |t| l.acquire_timeout(t),
            ),
            "release" => py_unit(l.release()),
            "locked" => py_bool(l.locked()),
            m => panic!("Lock.{m}"),
        },
        Obj::RLock(l) => match method {
            "acquire" => acquire(
                args,
                || l.acquire(),
                || l.try_acquire(),
                |t| l.acquire_timeout(t),
            ),
            "release" => py_unit(l.release()),
            m => panic!("RLock.{m}"),
        },
        Obj::Sem(s) => match (method, args) {
            ("acquire", _) => acquire(
                args,
                || s.acquire(),
                || s.try_acquire(),
                |t| s.acquire_timeout(t),
            ),
            ("release", []) => py_unit(s.release()),
            ("release", [n]) => py_unit(s.release_n(int(n) as usize)),
            (m, _) => panic!("Semaphore.{m}"),
        },
        Obj::BSem(s) => match (method, args) {
            ("acquire", _) => acquire(
                args,
                || s.acquire(),
                || s.try_acquire(),
                |t| s.acquire_timeout(t),
            ),
            ("release", []) => py_unit(s.release()),
            ("release", [n]) => py_unit(s.release_n(int(n) as usize)),
            (m, _) => panic!("BoundedSemaphore.{m}"),
        },
        Obj::Cond(c) => match (method, args) {
            ("acquire", _) => acquire(
                args,
                || c.acquire(),
                || c.try_acquire(),
                |t| c.acquire_timeout(t),
            ),
            ("release", []) => py_unit(c.release()),
            ("wait", [t]) => match c.wait_timeout(secs(t)) {
                Ok(b) => py_bool(b),
                Err(e) => py_err(e),
            },
            ("notify", []) => py_unit(c.notify(1)),
            ("notify", [n]) => py_unit(c.notify(int(n) as usize)),
            ("notify_all", []) => py_unit(c.notify_all()),
            (m, _) => panic!("Condition.{m}"),
        },
        Obj::Event(e) => match (method, args) {
            ("set", []) => {
                e.set();
                "None".to_string()
            }
            ("clear", []) => {
                e.clear();
                "None".to_string()
            }
            ("is_set", []) => py_bool(e.is_set()),
            ("wait", [t]) => py_bool(e.wait_timeout(secs(t))),
            (m, _) => panic!("Event.{m}"),
        },
        Obj::Fifo(q) => queue_call!(q, method, args),
        Obj::Lifo(q) => queue_call!(q, method, args),
        Obj::Prio(q) => queue_call!(q, method, args),
        Obj::Thread(t) => match method {
            "start" => py_unit(t.start()),
            "join" => py_unit(t.join()),
            "is_alive" => py_bool(t.is_alive()),
            m => panic!("Thread.{m}"),
        },
    }
}

type Job = (Obj, String, Vec<Arg>);

/// A helper thread executing calls one at a time (`@t1 ...`).
struct Worker {
    jobs: mpsc::Sender<Job>,
    results: mpsc::Receiver<String>,
}

impl Worker {
    fn new() -> Worker {
        let (jtx, jrx) = mpsc::channel::<Job>();
        let (rtx, rrx) = mpsc::channel();
        std::thread::spawn(move || {
            for (obj, m, a) in jrx {
                if rtx.send(call(&obj, &m, &a)).is_err() {
                    break;
                }
            }
        });
        Worker {
            jobs: jtx,
            results: rrx,
        }
    }
}

/// Runs the scripts through pythreading, printing what CPython would.
fn run_rust(scenarios: &str) -> String {
    let mut out = String::new();
    let mut env: HashMap<String, Obj> = HashMap::new();
    let mut workers: HashMap<String, Worker> = HashMap::new();
    for line in scenarios.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("SCENARIO") {
            env.clear();
            workers.clear();
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if let Some((name, ctor)) = line.split_once(" = ") {
            env.insert(name.to_string(), construct(ctor));
            continue;
        }
        let result = if let Some(rest) = line.strip_prefix('@') {
            let (who, expr) = rest.split_once(' ').expect("@thread call");
            let (obj, m, a) = parse_call(expr);
            let w = workers.entry(who.to_string()).or_insert_with(Worker::new);
            w.jobs.send((env[&obj].clone(), m, a)).unwrap();
            w.results.recv().unwrap()
        } else {
            let (obj, m, a) = parse_call(line);
            call(&env[&obj], &m, &a)
        };
        out.push_str(&result);
        out.push('\n');
    }
    out
}

fn run_python(scenarios: &str) -> Option<String> {
    let mut child = match Command::new("python3")
        .arg("-c")
        .arg(HARNESS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => return None,
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(scenarios.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Compares two outputs line by line, naming the script line that differs.
fn assert_same(what: &str, expected: &str, actual: &str) {
    let calls: Vec<&str> = SCENARIOS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(" = "))
        .collect();
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for (i, (x, y)) in e.iter().zip(&a).enumerate() {
        assert_eq!(x, y, "{what}: line {i} `{}`", calls.get(i).unwrap_or(&"?"));
    }
    assert_eq!(e.len(), a.len(), "{what}: number of results");
}

#[test]
fn rust_matches_recorded_cpython_output() {
    assert_same("golden vs pythreading", golden(), &run_rust(SCENARIOS));
}

#[test]
fn rust_matches_live_cpython() {
    let Some(py) = run_python(SCENARIOS) else {
        common::skip("python3 not found: the live CPython comparison");
        return;
    };
    assert_same("CPython vs pythreading", &py, &run_rust(SCENARIOS));
}

#[test]
fn every_scenario_line_produced_output() {
    // Guards the harness itself: a script line silently skipped would make
    // the comparisons above weaker than they look.
    let calls = SCENARIOS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(" = "))
        .count();
    assert_eq!(run_rust(SCENARIOS).lines().count(), calls);
    assert_eq!(golden().lines().count(), calls);
}
