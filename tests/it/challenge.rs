//! Challenge levels end to end: every shipped level's solution wins, the
//! solver finds a win no longer than it, every `[fixed]` version is proved
//! unwinnable; the headless command's JSON and exit codes; diagnostics
//! inside code strings; random step/undo sequences; and the engine against
//! CPython (exception messages, `dis` listings) where python3 exists.

use std::process::{Command, Stdio};

use proptest::prelude::*;
use threadtutor::challenge::{Game, Limits, Move, Outcome, Variant, parse_schedule};
use threadtutor::content::challenge::{Challenge, parse_challenge};
use threadtutor::content::{Source, load};

fn levels() -> Vec<Challenge> {
    load(&Source::Embedded)
        .unwrap_or_else(|d| panic!("content loads: {d:?}"))
        .challenges
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_threadtutor"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin()
        .args(args)
        .env("THREADTUTOR_HOME", std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .expect("threadtutor runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_shipped_level_is_won_by_its_solution_and_its_fix_holds() {
    let levels = levels();
    assert!(levels.len() >= 3, "{} levels", levels.len());
    for level in &levels {
        let sol = level
            .solution
            .as_deref()
            .expect("shipped levels have a solution");
        let moves = parse_schedule(sol).unwrap();
        let mut g = level.game(Variant::Original).unwrap();
        g.replay(&moves)
            .unwrap_or_else(|(n, e)| panic!("{}: step {n}: {e}", level.id));
        assert!(
            matches!(g.outcome(), Outcome::Win { .. }),
            "{}: {:?}",
            level.id,
            g.outcome()
        );
        assert!(level.hints.len() >= 2, "{}", level.id);
        let s = level.solve(Variant::Original, Limits::default()).unwrap();
        assert!(s.winnable && s.exhaustive, "{}: {s:?}", level.id);
        assert!(
            s.moves.len() <= moves.len(),
            "{}: solver {} longer than the solution {}",
            level.id,
            s.moves.len(),
            moves.len()
        );
        // The solver's schedule wins too.
        let mut g = level.game(Variant::Original).unwrap();
        g.replay(&s.moves).unwrap();
        assert!(matches!(g.outcome(), Outcome::Win { .. }), "{}", level.id);
        let f = level.solve(Variant::Fixed, Limits::default()).unwrap();
        assert!(
            !f.winnable && f.exhaustive,
            "{}: the fix can be won: {f:?}",
            level.id
        );
        assert!(f.states > 1);
    }
}

#[test]
fn list_json_has_the_contract_keys() {
    let (code, out, err) = run(&["challenge", "--list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), levels().len());
    for row in arr {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, ["goal", "id", "lesson", "title"]);
    }
    assert!(
        arr.iter()
            .any(|r| r["id"] == "simple-counter" && r["goal"] == "assert")
    );
}

#[test]
fn replay_json_and_illegal_moves() {
    let (code, out, err) = run(&[
        "challenge",
        "simple-counter",
        "--replay",
        "1e,1e,2e,2e,2e,2e,1e,1e",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], "simple-counter");
    assert_eq!(v["outcome"], "win");
    assert_eq!(v["steps"], 8);
    assert_eq!(v["output"], "");
    let trace = v["trace"].as_array().unwrap();
    assert_eq!(trace.len(), 8);
    assert_eq!(trace[0]["thread"], "Thread-1");
    assert_eq!(trace[0]["line"], 2);
    assert_eq!(trace[0]["text"], "total += 1");
    // Incomplete.
    let (_, out, _) = run(&["challenge", "simple-counter", "--replay", "1", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "incomplete");
    // A loss.
    let (_, out, _) = run(&["challenge", "simple-counter", "--replay", "1,2", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "loss");
    // A finished thread: exit 1, one line naming the step.
    let (code, out, err) = run(&["challenge", "simple-counter", "--replay", "1,1", "--json"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("step 2") && err.contains("Thread-1 has finished"),
        "{err}"
    );
    // A blocked thread.
    let (code, _, err) = run(&["challenge", "misusing-lock", "--replay", "1,2"]);
    assert_eq!(code, 1);
    assert!(err.contains("step 2") && err.contains("blocked"), "{err}");
    // An expansion where there is none.
    let (code, _, err) = run(&["challenge", "thread-order-abc", "--replay", "1e"]);
    assert_eq!(code, 1);
    assert!(err.contains("step 1") && err.contains("atomic"), "{err}");
    // Usage.
    let (code, _, _) = run(&["challenge", "simple-counter", "--replay", "1", "--solve"]);
    assert_eq!(code, 2);
}

#[test]
fn solve_json_has_the_contract_keys() {
    let (code, out, err) = run(&["challenge", "simple-counter", "--solve", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], "simple-counter");
    assert_eq!(v["winnable"], true);
    assert_eq!(v["schedule"], "1e,2,1");
    assert!(v["states"].as_u64().unwrap() > 3);
    assert_eq!(v["exhaustive"], true);
    let (code, out, _) = run(&[
        "challenge",
        "simple-counter",
        "--solve",
        "--fixed",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["winnable"], false);
    assert!(v.get("schedule").is_none());
    assert_eq!(v["exhaustive"], true);
}

const DRAFT: &str = r#"id = "draft"
title = "Draft"
lesson = "locks"
goal = "deadlock"
briefing = "Try it."
setup = """
a = threading.Lock()
b = threading.Lock()
"""

[[threads]]
name = "A"
code = """
with a:
    with b:
        pass
"""

[[threads]]
name = "B"
code = """
with b:
    with a:
        pass
"""
"#;

#[test]
fn a_draft_level_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.toml");
    std::fs::write(&path, DRAFT).unwrap();
    let p = path.to_str().unwrap();
    let (code, out, err) = run(&["challenge", p, "--solve", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], "draft");
    assert_eq!(v["schedule"], "1,2");
    let (code, _, err) = run(&["challenge", p, "--solve", "--fixed"]);
    assert_eq!(code, 1);
    assert!(err.contains("no [fixed] version"), "{err}");
}

#[test]
fn syntax_errors_inside_code_strings_point_into_the_toml_file() {
    let bad = DRAFT.replace(
        "    with b:\n        pass\n\"\"\"\n\n[[threads]]\nname = \"B\"",
        "    with b:\n        pass +\n\"\"\"\n\n[[threads]]\nname = \"B\"",
    );
    let e = parse_challenge("x.toml", &bad, true).unwrap_err();
    // `pass +` is on line 16 of the file; the `+` is at column 14.
    assert_eq!(
        e[0].to_string().split(": ").next().unwrap(),
        "x.toml:16:14",
        "{e:?}"
    );
    let unknown = DRAFT.replace("with b:\n    with a:", "with b:\n    with c:");
    let e = parse_challenge("x.toml", &unknown, true).unwrap_err();
    assert_eq!(e[0].line, 23, "{e:?}");
    assert_eq!(e[0].col, 10);
    assert!(e[0].message.contains("unknown name `c`"), "{e:?}");
    let unsupported = DRAFT.replace(
        "        pass\n\"\"\"\n\n[[threads]]\nname = \"B\"",
        "        def f():\n\"\"\"\n\n[[threads]]\nname = \"B\"",
    );
    let e = parse_challenge("x.toml", &unsupported, true).unwrap_err();
    assert!(
        e[0].message.contains("unsupported statement `def`"),
        "{e:?}"
    );
    assert_eq!((e[0].line, e[0].col), (16, 9));
    // A goal the level cannot express.
    let e =
        parse_challenge("x.toml", &DRAFT.replace("\"deadlock\"", "\"assert\""), true).unwrap_err();
    assert!(e[0].message.contains("no code has an `assert`"), "{e:?}");
    assert_eq!(e[0].line, 4);
    // A solution that does not win.
    let with_sol = DRAFT.replace("briefing", "solution = \"1,1,1\"\nbriefing");
    let e = parse_challenge("x.toml", &with_sol, true).unwrap_err();
    assert!(e[0].message.contains("does not win"), "{e:?}");
    assert_eq!(e[0].line, 5);
    // A non-draft level needs the rest.
    let e = parse_challenge("x.toml", DRAFT, false).unwrap_err();
    let all: Vec<String> = e.iter().map(|d| d.message.clone()).collect();
    assert!(
        all.iter().any(|m| m.contains("missing `solution`")),
        "{all:?}"
    );
    assert!(
        all.iter().any(|m| m.contains("missing `[fixed]`")),
        "{all:?}"
    );
}

#[test]
fn check_reports_a_fixed_version_that_can_still_be_won() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A minimal content folder: one lesson and one level.
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::create_dir_all(root.join("challenges")).unwrap();
    std::fs::write(
        root.join("lessons/locks.toml"),
        "id = \"locks\"\ntitle = \"Locks\"\npart = \"Part 2\"\nsummary = \"s\"\n\n[[slides]]\ntitle = \"One\"\n\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"x\"\n",
    )
    .unwrap();
    // Keys must come before the tables: rebuild with the keys first.
    let (head, tables) = DRAFT.split_at(DRAFT.find("[[threads]]").unwrap());
    let level = format!(
        "{head}solution = \"1,2\"\nhints = [\"a\", \"b\"]\nexplanation = \"e\"\n\n{tables}\n[fixed]\nthreads = [\"\"\"\nwith a:\n    with b:\n        pass\n\"\"\", \"\"\"\nwith b:\n    with a:\n        pass\n\"\"\"]\n"
    );
    std::fs::write(root.join("challenges/draft.toml"), &level).unwrap();
    let (code, _, err) = run(&["--content", root.to_str().unwrap(), "check"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the [fixed] version can still be won"),
        "{err}"
    );
    assert!(err.contains("challenges/draft.toml:"), "{err}");
    // Fix the fix: both take the locks in the same order.
    let good = level.replace(
        "\"\"\", \"\"\"\nwith b:\n    with a:",
        "\"\"\", \"\"\"\nwith a:\n    with b:",
    );
    std::fs::write(root.join("challenges/draft.toml"), good).unwrap();
    let (code, out, err) = run(&["--content", root.to_str().unwrap(), "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1 challenge (every fixed version proved)"),
        "{out}"
    );
}

fn counter_game() -> Game {
    let level = levels()
        .into_iter()
        .find(|l| l.id == "simple-counter")
        .unwrap();
    level.game(Variant::Original).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random moves and undos: after every undo the state hash is the one
    /// recorded when that position was first reached.
    #[test]
    fn step_and_undo_return_to_identical_states(ops in proptest::collection::vec((any::<u8>(), any::<bool>()), 0..60)) {
        let levels = levels();
        for level in &levels {
            let mut g = level.game(Variant::Original).unwrap();
            let mut hashes = vec![g.state_hash()];
            for (pick, undo) in &ops {
                if *undo {
                    if g.undo() {
                        hashes.pop();
                    }
                    prop_assert_eq!(g.state_hash(), *hashes.last().unwrap());
                } else {
                    let legal = g.legal_moves();
                    if legal.is_empty() {
                        continue;
                    }
                    let mv = legal[*pick as usize % legal.len()];
                    g.step(mv).unwrap();
                    hashes.push(g.state_hash());
                }
                prop_assert_eq!(hashes.len(), g.steps() + 1);
            }
            // Replaying the schedule is deterministic.
            let moves: Vec<Move> = g.moves().to_vec();
            let mut again = level.game(Variant::Original).unwrap();
            again.replay(&moves).unwrap();
            prop_assert_eq!(again.state_hash(), g.state_hash());
            prop_assert_eq!(again.schedule(), g.schedule());
            prop_assert_eq!(again.narration(), g.narration());
        }
    }
}

#[test]
fn legal_moves_are_exactly_the_moves_that_succeed() {
    let mut g = counter_game();
    for _ in 0..4 {
        let legal = g.legal_moves();
        for t in 0..3 {
            for expand in [false, true] {
                let mv = Move { thread: t, expand };
                assert_eq!(g.check(mv).is_ok(), legal.contains(&mv), "{mv}");
            }
        }
        if let Some(mv) = legal.first() {
            g.step(*mv).unwrap();
        }
    }
}

/// python3 (3.11 for `dis`), or a skip message; in CI a missing python3 fails.
fn python(min311: bool) -> Option<String> {
    for exe in ["python3.11", "python3"] {
        let ok = Command::new(exe)
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if let Some(v) = ok
            && (!min311 || v == "3.11")
        {
            return Some(exe.to_string());
        }
    }
    if std::env::var_os("CI").is_some() && !min311 {
        panic!("python3 is required when CI is set");
    }
    eprintln!(
        "SKIP: {} not found; the comparison with CPython was not run",
        if min311 { "python3.11" } else { "python3" }
    );
    None
}

fn run_python(exe: &str, script: &str, stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(exe)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const MISUSE: &[(&str, &str)] = &[
    ("l = threading.Lock()", "l.release()"),
    ("l = threading.RLock()", "l.release()"),
    ("s = threading.BoundedSemaphore(1)", "s.release()"),
    ("s = threading.Semaphore(1)", "s.release(0)"),
    ("q = queue.Queue()", "q.get_nowait()"),
    ("q = queue.Queue(1)\nq.put(1)", "q.put_nowait(2)"),
    ("q = queue.Queue()", "q.task_done()"),
    ("x = []", "x.pop()"),
    ("x = [1]", "y = x[3]"),
    ("d = {}", "y = d['k']"),
    ("c = threading.Condition()", "c.wait()"),
    ("c = threading.Condition()", "c.notify()"),
    ("x = 0", "y = 1 // x"),
    ("x = 'a'", "y = x + 1"),
    ("x = [1]", "x.remove(2)"),
    ("x = 1", "raise RuntimeError('boom')"),
    ("x = 1", "assert x == 2, 'x is ' + str(x)"),
];

#[test]
fn exceptions_and_messages_match_cpython() {
    let Some(py) = python(false) else {
        return;
    };
    let script = r#"
import json, sys, threading, queue
for setup, code in json.load(sys.stdin):
    g = {'threading': threading, 'queue': queue}
    exec(setup, g)
    try:
        exec(code, g)
        print('no exception')
    except Exception as e:
        name = type(e).__name__
        if type(e).__module__ in ('queue', '_queue'):
            name = 'queue.' + name
        msg = str(e)
        print(name + (': ' + msg if msg else ''))
"#;
    let cases: Vec<(String, String)> = MISUSE
        .iter()
        .map(|(s, c)| (s.to_string(), c.to_string()))
        .collect();
    let want = run_python(&py, script, &serde_json::to_string(&cases).unwrap());
    let want: Vec<&str> = want.lines().collect();
    for (i, (setup, code)) in MISUSE.iter().enumerate() {
        let level = format!(
            "id = \"m\"\ntitle = \"m\"\nlesson = \"locks\"\ngoal = \"exception\"\nbriefing = \"b\"\nsetup = '''\n{setup}\n'''\n\n[[threads]]\nname = \"T\"\ncode = '''\n{code}\n'''\n"
        );
        let c = parse_challenge("m.toml", &level, true).unwrap_or_else(|e| panic!("{code}: {e:?}"));
        let mut g = c.game(Variant::Original).unwrap();
        g.step(Move {
            thread: 0,
            expand: false,
        })
        .unwrap();
        let got = match &g.threads()[0].status {
            threadtutor::challenge::ThreadStatus::Died(e) => e
                .rsplit_once(" (line")
                .map_or(e.as_str(), |p| p.0)
                .to_string(),
            s => format!("{s:?}"),
        };
        assert_eq!(got, want[i], "{setup} / {code}");
    }
}

/// A `dis` row: offset, opname, arg, argrepr.
type DisRow = (u64, String, Option<u64>, String);

#[test]
fn dis_listings_match_cpython_311() {
    let Some(py) = python(true) else {
        return;
    };
    // (global declaration, statement): compiled alone in a function.
    let cases: &[(&str, &str)] = &[
        ("total", "total += 1"),
        ("total", "total = total * 2 - 1"),
        ("", "x = total + 1"),
        ("", "items.append(x)"),
        ("", "print('a', total)"),
        ("", "n = len(items)"),
        ("", "d['k'] = d['k'] + 1"),
        ("", "d['k'] += 1"),
        ("", "assert total == 2, 'bad'"),
        ("", "y = [1, 2]"),
        ("", "q.put(items.pop())"),
        ("", "ok = 3 in items"),
        ("", "lock.acquire()"),
        ("", "time.sleep(0.1)"),
        ("", "z = -total"),
        ("flag", "flag = not flag"),
    ];
    let script = r#"
import dis, json, sys
out = []
for g, stmt in json.load(sys.stdin):
    src = 'def f():\n' + ('    global %s\n' % g if g else '') + '    ' + stmt + '\n'
    ns = {}
    exec(src, ns)
    rows = [i for i in dis.get_instructions(ns['f']) if i.opname != 'RESUME']
    rows = rows[:-2]  # the implicit `return None`
    out.append([[i.offset, i.opname, i.arg, i.argrepr] for i in rows])
print(json.dumps(out))
"#;
    let want: Vec<Vec<DisRow>> = serde_json::from_str(&run_python(
        &py,
        script,
        &serde_json::to_string(cases).unwrap(),
    ))
    .unwrap();
    for ((g, stmt), want) in cases.iter().zip(want) {
        let code = if g.is_empty() {
            format!("{stmt}\n")
        } else {
            format!("global {g}\n{stmt}\n")
        };
        let level = format!(
            "id = \"m\"\ntitle = \"m\"\nlesson = \"locks\"\ngoal = \"exception\"\nbriefing = \"b\"\nsetup = '''\ntotal = 0\nx = 1\nflag = True\nitems = [1]\nd = {{'k': 1}}\nq = queue.Queue()\nlock = threading.Lock()\n'''\n\n[[threads]]\nname = \"T\"\ncode = '''\n{code}'''\n"
        );
        let c = parse_challenge("m.toml", &level, true).unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
        let g = c.game(Variant::Original).unwrap();
        let rows = &g.threads()[0].bytecode;
        assert_eq!(rows.len(), want.len(), "{stmt}: {rows:#?} vs {want:#?}");
        for (row, (off, name, arg, repr)) in rows.iter().zip(&want) {
            let mut expect = format!("{off:>6} {name:<26}");
            if let Some(a) = arg {
                expect.push_str(&format!(" {a:>3}"));
                if !repr.is_empty() {
                    expect.push_str(&format!(" ({repr})"));
                }
            }
            let expect = expect.trim_end().to_string();
            if name.starts_with("POP_JUMP") || name.starts_with("JUMP") {
                assert!(row.contains(name.as_str()), "{stmt}: {row} vs {expect}");
            } else {
                assert_eq!(row, &expect, "{stmt}");
            }
        }
    }
}

/// One forced schedule, run by both: each thread to its end in turn (when
/// no thread blocks that way), for every shipped level and fixed version.
/// The printed output, each thread's uncaught exception and whether
/// `after` raised must be CPython's.
#[test]
fn sequential_runs_match_cpython() {
    let Some(py) = python(false) else {
        return;
    };
    let script = r#"
import contextlib, io, json, queue, sys, threading
class _Time:
    @staticmethod
    def sleep(x):
        pass
def _line(e):
    name = type(e).__name__
    if type(e).__module__ in ('queue', '_queue'):
        name = 'queue.' + name
    msg = str(e)
    return name + (': ' + msg if msg else '')
out = []
for setup, threads, after in json.load(sys.stdin):
    g = {'threading': threading, 'queue': queue, 'time': _Time,
         'critical_section': lambda: None}
    buf = io.StringIO()
    results = []
    with contextlib.redirect_stdout(buf):
        exec(setup, g)
        # Each in its own thread (owners matter), one after another. All
        # are started first, each waiting for its turn: a thread started
        # after another ended could get the same ident, and an RLock
        # would take it for its owner.
        runs = []
        for code in threads:
            body = ''.join('    ' + l + '\n' for l in code.splitlines())
            exec('def _t():\n    pass\n' + body, g)
            res = []
            go = threading.Event()
            def run(f=g['_t'], res=res, go=go):
                go.wait()
                try:
                    f()
                    res.append('finished')
                except Exception as e:
                    res.append(_line(e))
            t = threading.Thread(target=run, daemon=True)
            t.start()
            runs.append((t, go, res))
        for t, go, res in runs:
            go.set()
            t.join(10)
            results.append(res[0] if res else 'blocked')
        after_result = 'ok'
        if after is not None:
            try:
                exec(after, g)
            except Exception as e:
                after_result = _line(e)
    out.append([buf.getvalue(), results, after_result])
print(json.dumps(out))
"#;
    type Case = (String, Vec<String>, Option<String>);
    let mut cases: Vec<Case> = Vec::new();
    let mut engine: Vec<(String, Vec<String>, String)> = Vec::new();
    let mut names = Vec::new();
    for level in levels() {
        if level.threads.iter().any(|t| t.daemon || t.var.is_some()) {
            continue;
        }
        for variant in [Variant::Original, Variant::Fixed] {
            let mut g = level.game(variant).unwrap();
            let n = g.threads().len();
            let mut blocked = false;
            for t in 0..n {
                while g.outcome() == &Outcome::Running
                    && g.threads()[t].status == threadtutor::challenge::ThreadStatus::Runnable
                {
                    g.step(Move {
                        thread: t,
                        expand: false,
                    })
                    .unwrap();
                }
                if matches!(
                    g.threads()[t].status,
                    threadtutor::challenge::ThreadStatus::Blocked(_)
                        | threadtutor::challenge::ThreadStatus::Runnable
                ) {
                    blocked = true;
                    break;
                }
            }
            if blocked {
                continue;
            }
            let results: Vec<String> = g
                .threads()
                .iter()
                .map(|t| match &t.status {
                    threadtutor::challenge::ThreadStatus::Died(e) => e
                        .rsplit_once(" (line")
                        .map_or(e.as_str(), |p| p.0)
                        .to_string(),
                    _ => "finished".to_string(),
                })
                .collect();
            let after = match &g.state().after_exc {
                Some(e) => e.line(),
                None => "ok".to_string(),
            };
            let (setup, threads, after_src) = match variant {
                Variant::Original => (
                    level.setup.clone(),
                    level.threads.iter().map(|t| t.code.clone()).collect(),
                    level.after.clone(),
                ),
                Variant::Fixed => {
                    let f = level.fixed.as_ref().unwrap();
                    (
                        f.setup.clone(),
                        f.threads.clone(),
                        f.after.clone().or_else(|| level.after.clone()),
                    )
                }
            };
            cases.push((setup, threads, after_src));
            engine.push((g.output().to_string(), results, after));
            names.push(format!("{} {variant:?}", level.id));
        }
    }
    assert!(!cases.is_empty());
    let want: Vec<(String, Vec<String>, String)> = serde_json::from_str(&run_python(
        &py,
        script,
        &serde_json::to_string(&cases).unwrap(),
    ))
    .unwrap();
    for ((name, got), want) in names.iter().zip(&engine).zip(&want) {
        assert_eq!(got, want, "{name}");
    }
}
