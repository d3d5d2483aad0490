//! The exercise checker end to end, with the real python3: the harness's
//! primitives against CPython's own (the pythreading differential scenarios
//! and more, run under the harness), determinism, replay, time-outs that
//! leave no process behind, and every exercise's starter / solution /
//! known-wrong fixtures.
//!
//! Without python3 these tests skip with a message — but fail when `CI` is
//! set (CI has python3).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use threadtutor::content::exercise::{Checks, Exercise, ExerciseSpans};
use threadtutor::content::{Source, load};
use threadtutor::exercise::{self, Options, Python, Verdict};

fn python() -> Option<Python> {
    match exercise::find_python() {
        Ok(p) => Some(p),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but there is no usable python3: {e}"
            );
            println!("skipping: {e}");
            None
        }
    }
}

fn exercise_with(id: &str, checks: Checks) -> Exercise {
    Exercise {
        id: id.into(),
        title: id.into(),
        lesson: "basics".into(),
        instructions: String::new(),
        starter: String::new(),
        solution: String::new(),
        hints: vec!["a".into(), "b".into()],
        checks,
        path: format!("{id}.toml"),
        spans: ExerciseSpans::default(),
    }
}

fn run(py: &Python, ex: &Exercise, source: &str, opts: &Options) -> Verdict {
    exercise::check_source(py, ex, "learner.py", source, opts).expect("a verdict")
}

/// Output of `source` under the harness (one unpreempted schedule).
fn under_harness(py: &Python, source: &str) -> String {
    // Uncaught exceptions are allowed: some programs show excepthook.
    let ex = exercise_with(
        "probe",
        Checks {
            exceptions: true,
            ..Checks::default()
        },
    );
    let opts = Options {
        schedule: Some("0;".into()),
        ..Options::default()
    };
    let v = run(py, &ex, source, &opts);
    assert!(v.passed, "{}", exercise::render(&v));
    v.output
}

/// Output of `source` with plain CPython threads.
fn under_cpython(py: &Python, source: &str) -> String {
    let out = Command::new(&py.program)
        .arg("-c")
        .arg(source)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_same_output(py: &Python, name: &str, source: &str) {
    let expected = under_cpython(py, source);
    let actual = under_harness(py, source);
    assert!(!expected.trim().is_empty(), "{name}: no output");
    assert_eq!(
        actual, expected,
        "{name}: the harness's primitives differ from CPython's"
    );
}

/// The scenarios of tests/pythreading_differential.rs (same script
/// language), run by a driver that is an ordinary threading program.
const SCENARIOS: &[(&str, &str)] = &[
    (
        "lock",
        "L = Lock()\nL.locked()\nL.acquire()\nL.locked()\nL.acquire(False)\nL.acquire(timeout=0.01)\n\
         L.release()\nL.release()\n@t1 L.acquire()\nL.locked()\nL.release()\nL.locked()\n\
         L.acquire(False)\n@t1 L.release()\n@t1 L.release()\nL.acquire(False, 1)\nL.acquire(True, -2)",
    ),
    (
        "rlock",
        "R = RLock()\nR.release()\nR.acquire()\nR.acquire(False)\n@t1 R.acquire(False)\n@t1 R.release()\n\
         R.release()\nR.release()\nR.release()\n@t1 R.acquire()\nR.acquire(timeout=0.01)\n\
         R.acquire(False)\n@t1 R.acquire()\n@t1 R.release()\n@t1 R.release()\nR.acquire(False)\nR.release()",
    ),
    (
        "semaphores",
        "S = Semaphore(2)\nS.acquire()\nS.acquire(False)\nS.acquire(False)\nS.acquire(timeout=0.01)\n\
         S.release()\nS.release(3)\nS.release(0)\n@t1 S.acquire(False)\nB = BoundedSemaphore(1)\n\
         B.release()\nB.acquire()\nB.acquire(False)\nB.release()\nB.release()\nB.acquire()\n\
         B.release(2)\n@t1 B.release()\nB.release()\nS.acquire(False, timeout=1)",
    ),
    (
        "condition_event",
        "C = Condition()\nC.notify()\nC.wait(0.01)\nC.notify_all()\nC.acquire()\nC.wait(0.01)\n\
         C.notify()\nC.notify_all()\nC.release()\nC.release()\n@t1 C.acquire()\nC.notify()\n\
         C.wait(0.01)\n@t1 C.notify(2)\n@t1 C.release()\nD = Condition(Lock())\nD.notify()\n\
         D.acquire()\n@t1 D.notify()\nD.wait(0.01)\nD.release()\nE = Event()\nE.is_set()\n\
         E.wait(0.01)\nE.set()\nE.wait(0.01)\n@t1 E.wait(0.01)\nE.is_set()\nE.clear()\nE.is_set()",
    ),
    (
        "queue",
        "Q = Queue(2)\nQ.empty()\nQ.get_nowait()\nQ.get(timeout=0.01)\nQ.put_nowait(1)\nQ.put(2)\n\
         Q.full()\nQ.put_nowait(3)\nQ.put(3, timeout=0.01)\nQ.qsize()\nQ.get()\nQ.put_nowait(3)\n\
         Q.get_nowait()\nQ.get(timeout=0.01)\nQ.get_nowait()\nQ.empty()\nQ.task_done()\n\
         Q.task_done()\nQ.task_done()\nQ.join()\nQ.task_done()\n@t1 Q.put(5)\n@t2 Q.get()\n\
         @t2 Q.task_done()\nQ.join()\nQ.get(timeout=-1)\nU = Queue(0)\nU.full()\nU.put_nowait(1)\n\
         U.put_nowait(2)\nU.qsize()\nU.full()",
    ),
    (
        "lifo_priority",
        "L = LifoQueue(0)\nL.put(3)\nL.put(1)\nL.put(2)\nL.get()\nL.get_nowait()\nL.get()\n\
         L.get_nowait()\nP = PriorityQueue(3)\nP.put(3)\nP.put(1)\nP.put_nowait(2)\nP.put_nowait(0)\n\
         P.full()\nP.get()\nP.put(1)\nP.get()\nP.get()\nP.get()\nP.get_nowait()\nP.task_done()\n\
         P.task_done()\nP.task_done()\nP.task_done()\nP.task_done()",
    ),
    (
        "thread",
        "T = Thread()\nT.is_alive()\nT.join()\nT.start()\nT.start()\nT.join()\nT.is_alive()\nT.start()",
    ),
];

const DRIVER: &str = r#"
import re, threading, queue

SCRIPT = __SCRIPT__

def fresh_env():
    env = {n: getattr(threading, n) for n in
           ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Thread")}
    env.update(Queue=queue.Queue, LifoQueue=queue.LifoQueue, PriorityQueue=queue.PriorityQueue)
    return env

def run(expr, env):
    try:
        return repr(eval(expr, env))
    except Exception as e:
        return ("%s: %s" % (type(e).__name__, e)).rstrip()

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
for line in SCRIPT.splitlines():
    line = line.strip()
    if not line:
        continue
    m = re.match(r"^(\w+) = (.+)$", line)
    if m:
        env[m.group(1)] = eval(m.group(2), env)
        continue
    m = re.match(r"^@(\w+) (.+)$", line)
    if m:
        if m.group(1) not in workers:
            workers[m.group(1)] = Worker(env)
        print(line, "->", workers[m.group(1)].call(m.group(2)))
    else:
        print(line, "->", run(line, env))
"#;

#[test]
fn the_pythreading_scenarios_give_cpythons_results_under_the_harness() {
    let Some(py) = python() else { return };
    for (name, script) in SCENARIOS {
        let source = DRIVER.replace("__SCRIPT__", &format!("{script:?}"));
        assert_same_output(&py, name, &source);
    }
}

/// Programs whose output CPython fixes whatever the interleaving.
const PROGRAMS: &[(&str, &str)] = &[
    (
        "condition notify order",
        r#"
import threading
cond = threading.Condition()
order = []
def waiter(i, ready):
    with cond:
        ready.set()
        cond.wait()
        order.append(i)
threads = []
for i in range(3):
    ready = threading.Event()
    t = threading.Thread(target=waiter, args=(i, ready))
    t.start()
    ready.wait()
    with cond:
        pass
    threads.append(t)
for t in threads:
    with cond:
        cond.notify()
    t.join()
print(order)
with cond:
    print(cond.wait_for(lambda: False, timeout=0.05))
"#,
    ),
    (
        "barrier",
        r#"
import threading
actions = []
b = threading.Barrier(3, action=lambda: actions.append("go"))
got = []
lock = threading.Lock()
def party():
    i = b.wait()
    with lock:
        got.append(i)
ts = [threading.Thread(target=party) for _ in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(got), actions, b.n_waiting, b.broken, b.parties)
b2 = threading.Barrier(2, timeout=0.05)
try:
    b2.wait()
except threading.BrokenBarrierError as e:
    print("broken", type(e).__name__, b2.broken)
b2.reset()
print(b2.broken)
b2.abort()
try:
    b2.wait()
except threading.BrokenBarrierError:
    print("aborted")
"#,
    ),
    (
        "timer and event",
        r#"
import threading
fired = []
t = threading.Timer(5.0, lambda: fired.append("late"))
t.start()
t.cancel()
t.join()
u = threading.Timer(0.01, lambda x: fired.append(x), args=("soon",))
u.start()
u.join()
print(fired, t.is_alive(), u.is_alive())
e = threading.Event()
w = threading.Thread(target=lambda: print("waited", e.wait(10)))
w.start()
e.set()
w.join()
print(e.wait(0), e.is_set())
"#,
    ),
    (
        "queue join and task_done",
        r#"
import threading, queue
q = queue.Queue()
out = []
def worker():
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        out.append(item * 10)
        q.task_done()
ts = [threading.Thread(target=worker) for _ in range(2)]
for t in ts: t.start()
for i in range(5): q.put(i)
q.join()
print(sorted(out), q.unfinished_tasks, q.empty())
for _ in ts: q.put(None)
for t in ts: t.join()
try:
    q.task_done()
except ValueError as e:
    print("ValueError:", e)
s = queue.SimpleQueue()
s.put(1)
print(s.get(), s.empty(), s.qsize())
try:
    s.get(timeout=0.01)
except queue.Empty:
    print("Empty")
"#,
    ),
    (
        "threads and names",
        r#"
import threading
def work(n):
    return n
t = threading.Thread(target=work, args=(1,), name="worker")
print(t.name, t.daemon, t.is_alive(), t.ident is None)
t.start(); t.join()
print(t.is_alive(), threading.current_thread().name, threading.main_thread().name)
d = threading.Thread(target=work, args=(2,), daemon=True)
print(d.daemon)
print(threading.active_count(), [x.name for x in threading.enumerate()])
try:
    threading.current_thread().join()
except RuntimeError as e:
    print(e)
try:
    t.daemon = True
except RuntimeError as e:
    print(e)
local = threading.local()
local.x = 1
def show():
    print(hasattr(local, "x"))
s = threading.Thread(target=show); s.start(); s.join()
print(local.x)
"#,
    ),
    (
        "excepthook",
        r#"
import threading
seen = []
threading.excepthook = lambda args: seen.append((args.exc_type.__name__, str(args.exc_value), args.thread.name))
def boom():
    raise ValueError("bad")
t = threading.Thread(target=boom, name="b")
t.start(); t.join()
print(seen)
"#,
    ),
    (
        "semaphore bound",
        r#"
import threading, time
sem = threading.BoundedSemaphore(2)
inside = 0
most = 0
lock = threading.Lock()
def work():
    global inside, most
    with sem:
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.01)
        with lock:
            inside -= 1
ts = [threading.Thread(target=work) for _ in range(5)]
for t in ts: t.start()
for t in ts: t.join()
print(most <= 2, inside)
try:
    sem.release()
except ValueError as e:
    print(e)
"#,
    ),
    (
        "thread pool",
        r#"
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
import concurrent.futures
def square(x):
    if x == 3:
        raise KeyError(x)
    return x * x
with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool") as ex:
    print(list(ex.map(square, [0, 1, 2])))
    fs = [ex.submit(square, i) for i in range(5)]
    done, not_done = wait(fs)
    print(len(done), len(not_done))
    print(sorted(f.result() for f in as_completed(fs) if f.exception() is None))
    print(repr(fs[3].exception()))
try:
    ex.submit(square, 1)
except RuntimeError as e:
    print(e)
print(concurrent.futures.ThreadPoolExecutor is ThreadPoolExecutor)
"#,
    ),
    (
        // The checker starts Python without `site`, and puts back the two
        // names of it a program may use.
        "exit_and_quit",
        r#"
import threading
def work():
    print("worker")
t = threading.Thread(target=work)
t.start()
t.join()
print(repr(exit))
print(repr(quit))
print("bye")
exit(0)
print("not reached")
"#,
    ),
];

#[test]
fn the_other_primitives_behave_like_cpythons() {
    let Some(py) = python() else { return };
    for (name, source) in PROGRAMS {
        assert_same_output(&py, name, source);
    }
}

const RACE: &str = r#"
import threading
counter = 0
def work():
    global counter
    for _ in range(50):
        tmp = counter
        counter = tmp + 1
ts = [threading.Thread(target=work) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print(counter)
"#;

fn race_exercise() -> Exercise {
    exercise_with(
        "race",
        Checks {
            final_: vec!["counter == 100".into()],
            min_threads: Some(2),
            ..Checks::default()
        },
    )
}

#[test]
fn the_same_seed_gives_the_same_verdict_and_schedule() {
    let Some(py) = python() else { return };
    let ex = race_exercise();
    for seed in [1, 9] {
        let opts = Options {
            seed,
            ..Options::default()
        };
        let runs: Vec<Verdict> = (0..3).map(|_| run(&py, &ex, RACE, &opts)).collect();
        assert!(!runs[0].passed);
        let f = runs[0].failure.as_ref().unwrap();
        assert_eq!(f.check, "final");
        assert!(!f.trace.is_empty());
        assert_eq!(runs[0].seed, seed);
        assert_eq!(runs[0], runs[1]);
        assert_eq!(runs[1], runs[2]);
    }
}

#[test]
fn a_failing_schedule_replays_to_the_same_failure() {
    let Some(py) = python() else { return };
    let ex = race_exercise();
    let v = run(&py, &ex, RACE, &Options::default());
    let f = v.failure.expect("the race is found");
    let replay = run(
        &py,
        &ex,
        RACE,
        &Options {
            schedule: Some(f.schedule.clone()),
            ..Options::default()
        },
    );
    assert_eq!(replay.schedules, 1);
    let g = replay.failure.expect("the replay fails too");
    assert_eq!(
        (&g.check, &g.message, &g.trace),
        (&f.check, &f.message, &f.trace)
    );
    // The trace shows the shared value a thread read.
    let lines: Vec<String> = g.trace.iter().map(|s| exercise::step_line(s, 0)).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("tmp = counter") && l.contains("(counter = ")),
        "{lines:#?}"
    );
}

#[test]
fn each_kind_of_failure_is_named() {
    let Some(py) = python() else { return };
    let cases: &[(&str, Checks, &str)] = &[
        (
            "deadlock",
            Checks::default(),
            "import threading\na = threading.Lock()\nb = threading.Lock()\n\
             def one():\n    with a:\n        with b:\n            pass\n\
             def two():\n    with b:\n        with a:\n            pass\n\
             t1 = threading.Thread(target=one)\nt2 = threading.Thread(target=two)\n\
             t1.start(); t2.start(); t1.join(); t2.join()\n",
        ),
        (
            "exceptions",
            Checks::default(),
            "import threading\ndef w():\n    1 / 0\nt = threading.Thread(target=w)\nt.start(); t.join()\n",
        ),
        (
            "leftover_threads",
            Checks::default(),
            "import threading, queue\nq = queue.Queue()\ndef w():\n    while True:\n        q.get()\n\
             threading.Thread(target=w).start()\nq.put(1)\n",
        ),
        (
            "busy_wait",
            Checks::default(),
            "import threading\ndone = False\ndef w():\n    global done\n    done = True\n\
             t = threading.Thread(target=w)\nt.start()\nwhile not done:\n    pass\nt.join()\n",
        ),
        (
            "time_budget",
            Checks {
                time_budget: Some(0.5),
                ..Checks::default()
            },
            "import threading, time\nt = threading.Thread(target=lambda: None)\nt.start()\ntime.sleep(1)\n",
        ),
        (
            "min_threads",
            Checks {
                min_threads: Some(2),
                ..Checks::default()
            },
            "import threading\ndef w():\n    pass\nfor _ in range(2):\n    t = threading.Thread(target=w)\n    t.start()\n    t.join()\n",
        ),
        (
            "output_lines",
            Checks {
                output_lines: Some(vec!["ok".into()]),
                ..Checks::default()
            },
            "print('ok')\nprint('not ok')\n",
        ),
        (
            "output_pattern",
            Checks {
                output_pattern: Some("done\\n".into()),
                ..Checks::default()
            },
            "print('not done')\n",
        ),
        (
            "step_limit",
            Checks {
                max_steps: 500,
                ..Checks::default()
            },
            "while True:\n    x = 1\n",
        ),
        ("syntax", Checks::default(), "def broken(:\n"),
        (
            "crash",
            Checks::default(),
            "import os\nprint('bye')\nos._exit(3)\n",
        ),
    ];
    for (check, checks, source) in cases {
        let ex = exercise_with("kinds", checks.clone());
        let v = run(&py, &ex, source, &Options::default());
        let f = v.failure.unwrap_or_else(|| panic!("{check}: passed"));
        assert_eq!(f.check, *check, "{}", f.message);
        assert!(!f.message.is_empty());
    }
    // Allowed, the same programs pass.
    let allowed = Checks {
        exceptions: true,
        ..Checks::default()
    };
    let v = run(
        &py,
        &exercise_with("ok", allowed),
        "import threading\ndef w():\n    1 / 0\nt = threading.Thread(target=w)\nt.start(); t.join()\n",
        &Options::default(),
    );
    assert!(v.passed, "{}", exercise::render(&v));
}

#[test]
fn a_thread_that_swallows_the_stop_does_not_hang_the_checker() {
    // A bare `except:` catches the harness's stop signal too; such threads
    // are parked, and every schedule still runs.
    let Some(py) = python() else { return };
    let source = r#"
import threading, queue
q = queue.Queue()
total = 0
def worker():
    global total
    while True:
        try:
            item = q.get(timeout=1)
        except:
            continue
        total = total + item
        q.task_done()
ts = [threading.Thread(target=worker, daemon=True) for _ in range(2)]
for t in ts: t.start()
for i in range(5): q.put(i)
q.join()
print(total)
"#;
    let ex = exercise_with(
        "bare-except",
        Checks {
            final_: vec!["total == 10".into()],
            random_schedules: 100,
            ..Checks::default()
        },
    );
    let v = run(&py, &ex, source, &Options::default());
    assert!(v.passed, "{}", exercise::render(&v));
    assert!(v.schedules > 100);
}

/// Every process whose process group is `pgid`, from /proc.
fn group_members(pgid: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i64>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<i64>().ok()) == Some(pgid) {
            out.push((pid, fields[0].to_string()));
        }
    }
    out
}

#[test]
fn a_time_out_kills_the_program_and_its_children() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("ids");
    // A child process of its own, then a spin the scheduler cannot see.
    let source = format!(
        "import os, subprocess\n\
         p = subprocess.Popen(['sleep', '300'])\n\
         open({:?}, 'w').write('%d %d' % (os.getpgid(0), p.pid))\n\
         exec(compile('while True: pass', 'elsewhere', 'exec'))\n",
        pid_file.display().to_string()
    );
    let ex = exercise_with("spin", Checks::default());
    let opts = Options {
        time_limit: Duration::from_secs(3),
        ..Options::default()
    };
    let v = run(&py, &ex, &source, &opts);
    let f = v.failure.expect("a time-out is a failure");
    assert_eq!(f.check, exercise::TIME_LIMIT_CHECK);
    let ids = std::fs::read_to_string(&pid_file).expect("the program wrote its ids");
    let mut parts = ids.split_whitespace().map(|s| s.parse::<i64>().unwrap());
    let (pgid, sleeper) = (parts.next().unwrap(), parts.next().unwrap());
    // Killed processes may take a moment to be reaped by their parent.
    let mut left = group_members(pgid);
    for _ in 0..100 {
        if left.iter().all(|(_, state)| state == "Z") && left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        left = group_members(pgid);
    }
    let alive: Vec<_> = left.iter().filter(|(_, s)| s != "Z").collect();
    assert!(alive.is_empty(), "processes left running: {alive:?}");
    assert!(
        !Path::new(&format!("/proc/{sleeper}")).exists()
            || group_members(pgid).iter().all(|(_, s)| s == "Z"),
        "the child's own child is still running"
    );
    if !left.is_empty() {
        println!("note: killed processes not yet reaped by init: {left:?}");
    }
}

fn dev_content() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exercises-dev")
}

/// How many seeds each of these test exercises' starter and solution is
/// checked with. (The built-in exercises get the issue's "20 times in a
/// row" under CI, in tests/it/exercise_content.rs; these three only show
/// that the checker tells a starter from a solution.)
fn seeds() -> u64 {
    3
}

fn starters_fail_and_solutions_pass(exercises: &[Exercise], py: &Python) {
    // (exercise, seed) jobs, two at a time (the machine has two cores).
    let jobs: Vec<(&Exercise, u64)> = exercises
        .iter()
        .flat_map(|ex| (0..seeds()).map(move |s| (ex, 1000 + s)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(&(ex, seed)) =
                    jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                {
                    let opts = Options {
                        seed,
                        ..Options::default()
                    };
                    let s = run(py, ex, &ex.starter, &opts);
                    if s.passed {
                        problems
                            .lock()
                            .unwrap()
                            .push(format!("{}: the starter passes with seed {seed}", ex.id));
                    }
                    let v = run(py, ex, &ex.solution, &opts);
                    if !v.passed {
                        problems.lock().unwrap().push(format!(
                            "{}: the solution fails with seed {seed}:\n{}",
                            ex.id,
                            exercise::render(&v)
                        ));
                    }
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_dev_exercises_starters_fail_and_solutions_pass() {
    let Some(py) = python() else { return };
    let content = load(&Source::Dir(dev_content())).expect("dev content loads");
    assert_eq!(content.exercises.len(), 3);
    starters_fail_and_solutions_pass(&content.exercises, &py);
}

// The built-in exercises' starters, solutions and known-wrong fixtures are
// checked once, in tests/it/exercise_content.rs (20 seeds each under CI).

/// Checks start the interpreter itself, not a launcher in front of it (a
/// pyenv shim costs about 0.2 s a start): the path Python gives as
/// `sys.executable`, which names itself again.
#[test]
fn checks_run_the_interpreter_itself() {
    let Some(py) = python() else { return };
    let exe = Path::new(&py.executable);
    assert!(exe.is_absolute() && exe.is_file(), "{py:?}");
    let out = Command::new(exe)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("the interpreter starts");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), py.executable);
}

/// The scheduler's bytecode is kept in the harness folder (compiling it
/// cost every check about 11 ms); nothing is written beside the learner's
/// file.
#[test]
fn only_the_harness_bytecode_is_kept() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("learner.py");
    std::fs::write(&file, RACE).unwrap();
    let v =
        exercise::check_file(&py, &race_exercise(), &file, &Options::default()).expect("a verdict");
    assert!(!v.passed);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["learner.py".to_string()]);
    let cache = exercise::harness::ensure().unwrap().join("__pycache__");
    let cached: Vec<String> = std::fs::read_dir(&cache)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        cached
            .iter()
            .any(|n| n.starts_with("tt_sched.") && n.ends_with(".pyc")),
        "{}: {cached:?}",
        cache.display()
    );
    assert!(
        !cached.iter().any(|n| n.starts_with("learner")),
        "{cached:?}"
    );
}
