//! The command line as scripts use it: exit codes, JSON keys, plain output.

use crate::common;

use std::process::{Command, Output};

use common::fixture_dir;

fn run(args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(args)
        .env("THREADTUTOR_DATA_DIR", data.path())
        .output()
        .unwrap()
}

fn fixture() -> String {
    fixture_dir().display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn lessons_json_has_the_contract_keys() {
    let f = fixture();
    let o = run(&["lessons", "--json", "--content", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["id"], "basics");
    assert_eq!(arr[0]["title"], "Thread basics");
    assert_eq!(arr[0]["part"], "Part 1: Thread Intro");
    assert_eq!(
        arr[0]["slides"],
        serde_json::json!([
            "Generic Threads",
            "Share External Objects",
            "Check yourself"
        ])
    );
    assert_eq!(arr[0]["status"], "not-started");
}

#[test]
fn lessons_text_lists_parts_and_lessons() {
    let f = fixture();
    let o = run(&["lessons", "--content", &f]);
    let s = stdout(&o);
    assert!(
        s.contains("Part 1: Thread Intro\n  basics  Thread basics  (3 slides, 0/3 seen)"),
        "{s}"
    );
}

#[test]
fn show_is_plain_text() {
    let f = fixture();
    let o = run(&["show", "locks", "--content", &f]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(!s.contains('\x1b'), "escape codes in show output");
    // Columns one after another, code indented.
    let t1 = s.find("Thread 1:").unwrap();
    let t2 = s.find("Thread 2:").unwrap();
    assert!(t1 < t2);
    assert!(s.contains("\n      self.synch.wait()\n"), "{s}");
    assert!(
        s.contains("Modern Python (Python 3): Use threading.Event for a one-shot signal."),
        "{s}"
    );
    // One slide only.
    let o = run(&["show", "locks", "--slide", "2", "--content", &f]);
    let s = stdout(&o);
    assert!(
        s.contains("Slide 2/2: Run it") && !s.contains("Slide 1/2"),
        "{s}"
    );
}

#[test]
fn show_errors_are_one_line_and_exit_1() {
    let f = fixture();
    let o = run(&["show", "nope", "--content", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "threadtutor: no lesson `nope` (lessons: basics, locks)\n"
    );
    let o = run(&["show", "locks", "--slide", "9", "--content", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "threadtutor: lesson `locks` has slides 1 to 2, not 9\n"
    );
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["show"]).status.code(), Some(2));
    assert_eq!(run(&["--theme", "purple"]).status.code(), Some(2));
}

#[test]
fn every_command_has_help() {
    for cmd in [
        vec!["--help"],
        vec!["lessons", "--help"],
        vec!["show", "--help"],
        vec!["check", "--help"],
        vec!["progress", "--help"],
    ] {
        let o = run(&cmd);
        assert_eq!(o.status.code(), Some(0), "{cmd:?}");
        assert!(stdout(&o).contains("Usage:"), "{cmd:?}");
    }
}

#[test]
fn check_reports_and_exits() {
    let f = fixture();
    let o = run(&["check", "--content", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "ok: 2 lessons (5 slides), 1 quiz (1 question), 0 challenges, 0 exercises\n"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lessons")).unwrap();
    std::fs::write(dir.path().join("lessons/x.toml"), "id = \"x\"\n").unwrap();
    let d = dir.path().display().to_string();
    let o = run(&["check", "--content", &d]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "{d}/lessons/x.toml:1:1: missing field `title`\nthreadtutor: 1 problem in the content\n"
        )
    );
}

#[test]
fn tui_without_a_terminal_says_so() {
    let f = fixture();
    let o = run(&["--content", &f]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("needs a terminal") && e.contains("threadtutor show"),
        "{e}"
    );
}

#[test]
fn progress_reports_and_resets() {
    let data = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_threadtutor");
    let p = |args: &[&str]| {
        Command::new(exe)
            .args(args)
            .env("THREADTUTOR_DATA_DIR", data.path())
            .output()
            .unwrap()
    };
    let o = p(&["progress"]);
    assert!(stdout(&o).contains("nothing recorded yet"));
    let mut prog = threadtutor::progress::Progress::default();
    prog.visit("basics", "generic-threads", 1, 1);
    // Progress is kept per content set: this is the fixture folder's.
    threadtutor::progress::Store::new(data.path())
        .for_source(&threadtutor::content::Source::Dir(fixture_dir()))
        .save(&prog)
        .unwrap();
    let f = fixture();
    let o = p(&["progress", "--content", &f]);
    assert!(
        stdout(&o).contains("lesson basics: 1/3 slides seen"),
        "{}",
        stdout(&o)
    );
    let o = p(&["progress", "--reset"]);
    assert!(
        stdout(&o).starts_with("progress reset; the old record is kept as "),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&p(&["progress"])).contains("nothing recorded yet"));
}

#[test]
fn works_from_any_directory() {
    // The lessons and quizzes are built in: no files needed beside the binary.
    let cwd = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_threadtutor");
    let run = |args: &[&str]| {
        Command::new(exe)
            .args(args)
            .current_dir(cwd.path())
            .env("THREADTUTOR_DATA_DIR", cwd.path())
            .output()
            .unwrap()
    };
    // Also the test that the built-in content checks clean (run once: it
    // puts every exercise's starter and solution through Python).
    let o = run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: 18 lessons"), "{}", stdout(&o));
    let o = run(&["show", "gil", "--slide", "2"]);
    assert!(stdout(&o).contains("GIL in Action"), "{}", stdout(&o));
    let o = run(&["--version"]);
    assert!(
        stdout(&o).starts_with("threadtutor ") && stdout(&o).contains("(content "),
        "{}",
        stdout(&o)
    );
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert!(
            o.status.success() && stdout(&o).contains("threadtutor"),
            "{shell}"
        );
    }
    let o = run(&["man"]);
    assert!(stdout(&o).contains(".TH threadtutor"), "{}", stdout(&o));
}

/// Run with standard output going to `stdout` (a file or /dev/full).
fn run_to(args: &[&str], stdout: std::fs::File) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(args)
        .env("THREADTUTOR_DATA_DIR", data.path())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_full_disk_on_standard_output_is_an_error_in_one_line() {
    let Ok(_) = std::fs::metadata("/dev/full") else {
        common::skip("no /dev/full on this OS");
        return;
    };
    let f = fixture();
    for args in [
        vec!["show", "basics", "--content", &f],
        vec!["lessons", "--content", &f],
        vec!["lessons", "--json", "--content", &f],
        vec!["--plain", "--content", &f],
        vec!["progress"],
        vec!["demo", "--list"],
        vec!["check", "--content", &f],
        vec!["man"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = run_to(&args, full);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("threadtutor: cannot write the output:"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    // `threadtutor --plain | head -c 10`: the reader closes the pipe
    // early; the whole tutorial (over 100 KB) does not fit in the pipe,
    // so later writes fail with a broken pipe.
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(["--plain"])
        .env("THREADTUTOR_DATA_DIR", data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is closed here (dropped above).
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}
