//! The deck's scripts in examples/python/ run with python3, finish within
//! a time limit with small arguments, exit 0 and print what they should;
//! and every inline block marked `runnable` runs cleanly too. Without
//! python3 each test says so and passes.

use crate::common;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use threadtutor::content::{Block, BlockKind, Source, load};

/// Longest any single run may take before it is killed.
const LIMIT: Duration = Duration::from_secs(20);

fn have_python3() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::skip("python3 not found; the Python examples were not run");
    }
    ok
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run python3 with `args`, feeding `stdin`; kill it after LIMIT.
fn python(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new("python3")
        .args(args)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_string();
    let writer = thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for python3") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("python3 {args:?} did not finish within {LIMIT:?}; killed");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let _ = writer.join();
    Run {
        code: status.code(),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

fn example(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "examples", "python", name]
        .iter()
        .collect();
    assert!(path.is_file(), "{} is missing", path.display());
    path.display().to_string()
}

/// Run an example script; it must exit 0. Returns its stdout.
fn run_example(name: &str, args: &[&str]) -> String {
    let script = example(name);
    let mut all = vec![script.as_str()];
    all.extend_from_slice(args);
    let run = python(&all, "");
    assert_eq!(
        run.code,
        Some(0),
        "{name} {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run.stdout
}

/// The number in a line "prefix N ...", e.g. "web: 15 pages".
fn number_after(text: &str, prefix: &str) -> usize {
    let line = text
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{text}"));
    line[prefix.len()..]
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no number after {prefix:?} in {line:?}"))
}

/// Check a spider's output: every reachable page visited exactly once.
/// Returns the set of pages visited.
fn check_spider(name: &str, args: &[&str]) -> BTreeSet<String> {
    let out = run_example(name, args);
    let reachable = number_after(&out, "web: ");
    let visits: Vec<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("visit "))
        .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let unique: BTreeSet<String> = visits.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        visits.len(),
        "{name} visited a page twice:\n{out}"
    );
    assert_eq!(
        visits.len(),
        reachable,
        "{name} visited {} of {reachable} reachable pages:\n{out}",
        visits.len()
    );
    assert!(unique.contains("/"), "{name} did not visit the start page");
    assert!(
        !unique.contains("/sitemap"),
        "{name} visited an unreachable page"
    );
    assert_eq!(number_after(&out, "visited "), reachable, "{name} summary");
    unique
}

#[test]
fn spiders_visit_every_page_exactly_once() {
    if !have_python3() {
        return;
    }
    let single = check_spider("SingleThreadSpider.py", &["--latency", "0.005"]);
    let brute = check_spider("BruteThreadSpider.py", &["--latency", "0.005"]);
    let pool = check_spider(
        "ThreadPoolSpider.py",
        &["--latency", "0.005", "--workers", "3"],
    );
    let executor = check_spider("ThreadPoolSpider.py", &["--latency", "0.005", "--executor"]);
    assert_eq!(single, brute, "brute-force spider saw a different web");
    assert_eq!(single, pool, "thread-pool spider saw a different web");
    assert_eq!(single, executor, "executor spider saw a different web");
    assert_eq!(single.len(), 15, "the simulated web has 15 reachable pages");
}

#[test]
fn brute_spider_polls_and_pool_spider_uses_its_workers() {
    if !have_python3() {
        return;
    }
    let brute = run_example("BruteThreadSpider.py", &["--latency", "0.005"]);
    assert!(
        number_after(&brute, "the main loop polled ") >= 1,
        "{brute}"
    );
    let pool = run_example(
        "ThreadPoolSpider.py",
        &["--latency", "0.02", "--workers", "3"],
    );
    let workers: BTreeSet<&str> = pool
        .lines()
        .filter(|l| l.starts_with("visit "))
        .filter_map(|l| l.rsplit_once('(').map(|(_, w)| w.trim_end_matches(')')))
        .collect();
    assert!(
        workers.iter().all(|w| w.starts_with("worker-")),
        "unexpected workers {workers:?}"
    );
    assert!(
        workers.len() >= 2,
        "the pool used only {workers:?}:\n{pool}"
    );
}

#[test]
fn factory_assembles_a_widget_for_every_body() {
    if !have_python3() {
        return;
    }
    let out = run_example("factory.py", &["--widgets", "6", "--delay", "0.005"]);
    let count = |needle: &str| out.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(count("Body: made body"), 6, "{out}");
    assert_eq!(count("Wheels: made wheels"), 6, "{out}");
    assert_eq!(count("Packager: packed"), 6, "{out}");
    assert_eq!(count("Assembly: widget"), 6, "{out}");
    assert!(
        out.contains("bodies produced: 6, wheels produced: 6, widgets assembled: 6"),
        "{out}"
    );
    // Each widget pairs the body and wheels of the same number.
    for n in 1..=6 {
        assert!(
            out.contains(&format!("from body {n} and wheels {n}")),
            "widget {n} mismatched:\n{out}"
        );
    }
}

#[test]
fn thread_order_keeps_each_threads_own_order() {
    if !have_python3() {
        return;
    }
    let out = run_example("thread_order.py", &["--rounds", "6"]);
    let rounds: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once(": ").filter(|(r, _)| r.starts_with("round ")))
        .map(|(_, items)| items)
        .collect();
    assert_eq!(rounds.len(), 6, "{out}");
    for items in rounds {
        let items: Vec<&str> = items.split(", ").collect();
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ["1", "2", "3", "a", "b", "c"], "{items:?}");
        let letters: Vec<&str> = items
            .iter()
            .copied()
            .filter(|i| i.len() == 1 && i.as_bytes()[0].is_ascii_alphabetic())
            .collect();
        let digits: Vec<&str> = items
            .iter()
            .copied()
            .filter(|i| i.as_bytes()[0].is_ascii_digit())
            .collect();
        assert_eq!(letters, ["a", "b", "c"], "{items:?}");
        assert_eq!(digits, ["1", "2", "3"], "{items:?}");
    }
}

#[test]
fn gil_in_action_times_one_and_two_threads() {
    if !have_python3() {
        return;
    }
    let out = run_example("gil_in_action.py", &["--loops", "20000"]);
    for needle in [
        "One thread:  2 x 20000 loops",
        "Two threads: 2 x 20000 loops",
        "two threads / one thread = ",
        "switch interval: ",
        "GIL: ",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
}

fn fib(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

#[test]
fn fibonacci_computes_and_freezes_its_ui() {
    if !have_python3() {
        return;
    }
    let out = run_example("Fibonacci.py", &["--limit", "90"]);
    assert!(
        out.contains(&format!("fib(90) = {}", fib(90))),
        "wrong value:\n{out}"
    );
    assert_eq!(
        number_after(&out, "UI heartbeats during the calculation: "),
        0,
        "the single-threaded UI should not tick during the calculation:\n{out}"
    );
}

#[test]
fn fib_threaded_agrees_and_keeps_its_ui_alive() {
    if !have_python3() {
        return;
    }
    let small = run_example("FibThreaded.py", &["--limit", "90"]);
    assert!(
        small.contains(&format!("fib(90) = {}", fib(90))),
        "wrong value:\n{small}"
    );
    let display = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("display: "))
            .unwrap_or_else(|| panic!("no display line in:\n{out}"))
            .to_string()
    };
    let threaded = run_example("FibThreaded.py", &["--limit", "100000"]);
    let single = run_example("Fibonacci.py", &["--limit", "100000"]);
    assert_eq!(display(&threaded), display(&single), "the two disagree");
    assert!(
        number_after(&threaded, "UI heartbeats during the calculation: ") >= 1,
        "the threaded UI should keep ticking:\n{threaded}"
    );
}

fn runnable_blocks<'a>(blocks: &'a [Block], out: &mut Vec<&'a threadtutor::content::Code>) {
    for b in blocks {
        match &b.kind {
            BlockKind::Code(c) if c.runnable => out.push(c),
            BlockKind::Columns(cols) => {
                for col in cols {
                    runnable_blocks(&col.blocks, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn runnable_blocks_run_cleanly() {
    if !have_python3() {
        return;
    }
    let content = load(&Source::Embedded).expect("embedded content loads");
    let mut inline = Vec::new();
    let mut files = BTreeSet::new();
    for lesson in &content.lessons {
        for slide in &lesson.slides {
            let mut blocks = Vec::new();
            runnable_blocks(&slide.blocks, &mut blocks);
            for code in blocks {
                assert_eq!(
                    code.language, "python",
                    "{}/{}: only Python blocks can be run",
                    lesson.id, slide.id
                );
                match &code.file {
                    Some(f) => {
                        files.insert(f.clone());
                    }
                    None => inline.push((format!("{}/{}", lesson.id, slide.id), code)),
                }
            }
        }
    }
    assert!(inline.len() >= 15, "only {} runnable blocks", inline.len());
    // Example files are run with their arguments by the tests above; here
    // check that every one of them is offered to the learner somewhere.
    for f in [
        "SingleThreadSpider.py",
        "BruteThreadSpider.py",
        "ThreadPoolSpider.py",
        "Fibonacci.py",
        "FibThreaded.py",
        "factory.py",
        "thread_order.py",
        "gil_in_action.py",
    ] {
        assert!(
            files.contains(&format!("examples/python/{f}")),
            "no runnable slide shows examples/python/{f}"
        );
    }
    let mut failures = Vec::new();
    for (name, code) in inline {
        let started = Instant::now();
        let run = python(&["-"], &code.source);
        if run.code != Some(0) {
            failures.push(format!(
                "{name} exited {:?}\nstdout:\n{}\nstderr:\n{}",
                run.code, run.stdout, run.stderr
            ));
        } else if run.stdout.trim().is_empty() && run.stderr.trim().is_empty() {
            failures.push(format!("{name} printed nothing"));
        } else if started.elapsed() > Duration::from_secs(5) {
            failures.push(format!("{name} took {:?}", started.elapsed()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
