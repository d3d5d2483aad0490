//! End to end: the real binary in a pseudo-terminal, driven by keys, its
//! screen read back through a terminal emulator.

use crate::common;

use common::fixture_dir;
use common::pty::Pty;

const RIGHT: &[u8] = b"\x1b[C";
const LEFT: &[u8] = b"\x1b[D";

fn content_args() -> Vec<String> {
    vec!["--content".into(), fixture_dir().display().to_string()]
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn walk_through_a_lesson_search_and_quit() {
    let data = tempfile::tempdir().unwrap();
    let a = content_args();
    let mut pty = Pty::spawn(&args(&a), data.path(), 100, 30);
    pty.wait_for("Python Threads");
    pty.wait_for("Thread basics");
    // Open the first lesson.
    pty.send(b"\r");
    pty.wait_for("Generic Threads");
    pty.wait_for("slide 1/3");
    // While running: raw mode, alternate screen, hidden cursor.
    assert!(!pty.cooked(), "raw mode while the tutorial runs");
    assert!(pty.parser.lock().unwrap().screen().alternate_screen());
    // Forward to the reveal slide, then step through its reveals.
    pty.send(RIGHT);
    pty.wait_for("Share External Objects");
    assert!(!pty.screen().contains("Don't"));
    pty.send(b" ");
    pty.wait_for("Don't");
    assert!(!pty.screen().contains("Partial exception"));
    pty.send(b"l");
    pty.wait_for("Partial exception: print");
    pty.wait_for("step 3/3");
    // Back steps through the reveal.
    pty.send(LEFT);
    pty.wait_gone("Partial exception");
    // Search, and open a hit.
    pty.send(b"/");
    pty.wait_for("Search all lessons");
    pty.send(b"synch");
    pty.wait_for("Locks › Synch Two Threads");
    pty.send(b"\r");
    pty.wait_for("slide 1/2");
    pty.wait_for("self.synch.notify()");
    // Help, then quit.
    pty.send(b"?");
    pty.wait_for("Keys");
    pty.send(b"x");
    pty.wait_gone("open the slide's demo or quiz");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    // Progress was written: the last position is the Synch slide.
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(saved.contains("slide = \"synch-two-threads\""), "{saved}");
}

#[test]
fn continue_where_you_left_off_after_restart() {
    let data = tempfile::tempdir().unwrap();
    let a = content_args();
    let mut pty = Pty::spawn(&args(&a), data.path(), 90, 26);
    pty.wait_for("Thread basics");
    pty.send(b"\r");
    pty.wait_for("Generic Threads");
    pty.send(RIGHT);
    pty.send(RIGHT);
    pty.wait_for("Don't");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    drop(pty);

    let mut pty = Pty::spawn(&args(&a), data.path(), 90, 26);
    pty.wait_for("◐ Thread basics");
    pty.send(b"c");
    pty.wait_for("Share External Objects");
    pty.wait_for("step 2/3");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn resize_and_too_small() {
    let data = tempfile::tempdir().unwrap();
    let a = content_args();
    let mut pty = Pty::spawn(&args(&a), data.path(), 80, 24);
    pty.wait_for("Thread basics");
    pty.resize(30, 8);
    pty.wait_for("terminal too small");
    pty.resize(120, 40);
    pty.wait_for("Thread basics");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn signals_restore_the_terminal() {
    for sig in [libc_sig::SIGTERM, libc_sig::SIGHUP, libc_sig::SIGINT] {
        let data = tempfile::tempdir().unwrap();
        let a = content_args();
        let mut pty = Pty::spawn(&args(&a), data.path(), 80, 24);
        pty.wait_for("Thread basics");
        pty.send(b"\r");
        pty.wait_for("Generic Threads");
        let pid = pty.child.process_id().unwrap();
        std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        pty.wait_exit();
        pty.assert_restored();
        // Progress was saved on the way out.
        assert!(data.path().join("progress.toml").exists(), "signal {sig}");
    }
}

#[test]
fn bad_content_refuses_to_start_with_positions() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lessons")).unwrap();
    std::fs::write(dir.path().join("lessons/x.toml"), "id = 3\n").unwrap();
    let d = dir.path().display().to_string();
    let mut pty = Pty::spawn(&["--content", &d], data.path(), 100, 20);
    assert_eq!(pty.wait_exit(), 1);
    pty.wait_for("lessons/x.toml:1:6: invalid type: integer `3`, expected a string");
    pty.assert_restored();
}

/// Signal numbers (Linux).
mod libc_sig {
    pub const SIGHUP: i32 = 1;
    pub const SIGINT: i32 = 2;
    pub const SIGTERM: i32 = 15;
}

/// The fixture's slide with runnable code, opened in a fresh tutorial.
fn run_it_slide(data: &std::path::Path, env: &[(&str, &str)]) -> Pty {
    // The learner already agreed to run this folder's code (the question
    // itself: hardening::code_from_elsewhere_asks_once_before_running).
    let key = threadtutor::progress::set_key(&threadtutor::content::Source::Dir(fixture_dir()));
    threadtutor::progress::trust::trust(data, &key.unwrap()).unwrap();
    let a = content_args();
    let mut pty = Pty::spawn_env(&args(&a), data, 90, 30, env);
    pty.wait_for("Locks");
    pty.send(b"j");
    pty.send(b"\r");
    pty.wait_for("Synch Two Threads");
    pty.send(RIGHT);
    pty.wait_for("Run it");
    pty
}

#[test]
fn run_code_with_python3() {
    if !common::have_python3("running a code block was not tried") {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let mut pty = run_it_slide(data.path(), &[]);
    pty.send(b"r");
    pty.wait_for("hello from worker");
    pty.wait_for("exited with code 0");
    pty.send(b"x");
    pty.wait_gone("hello from worker");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn run_code_without_python3_says_so() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = run_it_slide(
        data.path(),
        &[("THREADTUTOR_PYTHON", "/nonexistent/python3")],
    );
    pty.send(b"r");
    pty.wait_for("was not found");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_panic_restores_the_terminal_and_prints_the_message() {
    let data = tempfile::tempdir().unwrap();
    let a = content_args();
    let mut pty = Pty::spawn_env(
        &args(&a),
        data.path(),
        80,
        24,
        &[("THREADTUTOR_TEST_PANIC", "1")],
    );
    pty.wait_for("Thread basics");
    pty.send(b"j");
    assert_eq!(pty.wait_exit(), 101);
    pty.assert_restored();
    // The message is printed on the main screen, after leaving the alternate one.
    let out = String::from_utf8_lossy(&pty.output.lock().unwrap()).into_owned();
    let left = out.rfind("\x1b[?1049l").expect("left the alternate screen");
    let msg = out
        .rfind("test panic requested by THREADTUTOR_TEST_PANIC")
        .expect("the panic message");
    assert!(msg > left, "message printed before restoring");
}
