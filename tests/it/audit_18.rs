//! Items of issue 18 that had no test of their own, or one that did not
//! cover the whole class: a lesson block that leaves a background process
//! behind, driven through the real tutorial in a pty; `grade` on answer
//! sheets of adversarial Markdown at 1 MB; a live presenter's socket never
//! taken over; a full disk and a closed pipe on standard output for every
//! command that prints.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use common::pty::Pty;

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_threadtutor")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Is `pid` still running (not gone, not a zombie)?
fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().to_string())
        })
        .is_some_and(|state| !state.starts_with('Z') && !state.starts_with('X'))
}

#[test]
fn a_block_that_leaves_a_background_process_does_not_keep_the_tutorial_from_quitting() {
    background_block_then_quit(Quit::Key);
}

#[test]
fn a_block_that_leaves_a_background_process_does_not_swallow_sigterm() {
    background_block_then_quit(Quit::Sigterm);
}

enum Quit {
    Key,
    Sigterm,
}

fn background_block_then_quit(how: Quit) {
    if !common::have_python3("the background-process block was not run") {
        return;
    }
    if !Path::new("/proc/self/stat").exists() {
        common::skip("no /proc here");
        return;
    }
    let content = tempfile::tempdir().unwrap();
    copy_dir(&common::fixture_dir(), content.path());
    // The runnable block of the fixture's "Run it" slide forks a child that
    // starts a session of its own (out of the block's process group), keeps
    // standard output open and sleeps for a minute; the block is still
    // running when the learner quits. (A block that ends first while its
    // escapee lives on: runner::a_background_process_that_left_the_group_dies_with_the_run.)
    fs::write(
        content.path().join("examples/python/hello.py"),
        "import os, time\n\
         pid = os.fork()\n\
         if pid == 0:\n    os.setsid()\n    print('bg', os.getpid(), flush=True)\n    time.sleep(60)\n    os._exit(0)\n\
         print('main' + ' waiting', flush=True)\n\
         time.sleep(30)\n",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let dir = content.path().display().to_string();
    let mut pty = Pty::spawn(&["--content", &dir], data.path(), 100, 40);
    pty.wait_for("Locks");
    pty.send(b"j");
    pty.send(b"\r");
    pty.wait_for("Synch Two Threads");
    pty.send(b"\x1b[C");
    pty.wait_for("Run it");
    // Code from --content asks once first.
    pty.send(b"r");
    pty.wait_for("Press r again to run it");
    pty.send(b"r");
    pty.wait_for("main waiting");
    // The output panel shows `bg PID` (the source shows `'bg', os.getpid()`);
    // under load it may come after the block's own last line.
    let pid_on = |screen: &str| -> Option<u32> {
        screen
            .split("bg ")
            .filter_map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse().ok())
            })
            .next()
    };
    let t = Instant::now();
    while pid_on(&pty.screen()).is_none() && t.elapsed() < common::pty::TIMEOUT {
        std::thread::sleep(Duration::from_millis(20));
    }
    let screen = pty.screen();
    let bg =
        pid_on(&screen).unwrap_or_else(|| panic!("the background pid is not shown:\n{screen}"));
    assert!(alive(bg), "the background process ended by itself");
    // Quits (wait_exit fails after its own time-out) with the terminal back.
    match how {
        Quit::Key => {
            pty.send(b"q");
            assert_eq!(pty.wait_exit(), 0);
        }
        Quit::Sigterm => {
            let pid = pty.child.process_id().unwrap();
            Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .unwrap();
            let code = pty.wait_exit();
            assert!(code == 0 || code == 143, "exit {code}");
        }
    }
    pty.assert_restored();
    // Nothing left running.
    let t = Instant::now();
    while alive(bg) && t.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(bg), "pid {bg} outlived the tutorial");
    // And progress was saved.
    let progress = fs::read_to_string(data.path().join("progress.toml"))
        .expect("progress.toml written at quit");
    assert!(progress.contains("locks"), "{progress}");
}

/// Resident memory of `pid` in KiB (VmRSS), if /proc says.
fn rss_kib(pid: u32) -> Option<u64> {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[test]
fn a_flood_of_output_keeps_memory_flat_and_q_still_quits() {
    if !common::have_python3("the output flood was not run") {
        return;
    }
    if !Path::new("/proc/self/status").exists() {
        common::skip("no /proc here");
        return;
    }
    let content = tempfile::tempdir().unwrap();
    copy_dir(&common::fixture_dir(), content.path());
    // Lines in a tight loop, then a megabyte at a time with no newline: for
    // ever (the run's own time limit is 15 s; the test quits before).
    fs::write(
        content.path().join("examples/python/hello.py"),
        "import sys\n\
         for i in range(2000000):\n    print('flood', i)\n\
         while True:\n    sys.stdout.write('x' * 1000000)\n",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let dir = content.path().display().to_string();
    let mut pty = Pty::spawn(&["--content", &dir], data.path(), 100, 40);
    let pid = pty.child.process_id().unwrap();
    pty.wait_for("Locks");
    pty.send(b"j");
    pty.send(b"\r");
    pty.wait_for("Synch Two Threads");
    pty.send(b"\x1b[C");
    pty.wait_for("Run it");
    pty.send(b"r");
    pty.wait_for("Press r again to run it");
    pty.send(b"r");
    pty.wait_for("flood ");
    // Memory stays flat while the flood goes on (it grew by about 400 MB a
    // second before output was bounded).
    let mut most = 0;
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(150));
        most = most.max(rss_kib(pid).unwrap_or(0));
    }
    eprintln!("peak resident memory during the flood: {most} KiB");
    assert!(most < 150 * 1024, "the tutorial grew to {most} KiB");
    // Keys are still answered: help opens over the flood, and q quits.
    assert!(!pty.screen().contains("stop the code and close its output"));
    pty.send(b"?");
    pty.wait_for("stop the code and close its output");
    pty.send(b"\x1b");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn adversarial_markdown_answers_of_a_megabyte_are_graded_in_bounded_memory() {
    use threadtutor::content::{Source, load};
    let content = load(&Source::Embedded).unwrap();
    let quiz = content
        .quizzes
        .iter()
        .find(|q| q.id == "pop-quiz-2")
        .expect("pop-quiz-2");
    let template = threadtutor::quiz::sheet::template(quiz, 0);
    let blank = "primitive-uses = \"\"\"\n\"\"\"";
    assert!(template.contains(blank), "{template}");
    let n = 100_000;
    let shapes = [
        ("links", "[".repeat(2 * n) + "x" + &"](a)".repeat(2 * n)),
        ("stars", "*a ".repeat(n * 3)),
        ("backticks", "`a ``".repeat(n * 2)),
        ("brackets", "[a](".repeat(n * 2 + n / 2)),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut sheets: Vec<PathBuf> = Vec::new();
    for (name, answer) in &shapes {
        assert!(answer.len() >= 900_000, "{name}: {} bytes", answer.len());
        let sheet = template
            .replace("student = \"\"", &format!("student = \"{name}\""))
            .replace(blank, &format!("primitive-uses = \"\"\"\n{answer}\n\"\"\""));
        let path = dir.path().join(format!("{name}.toml"));
        fs::write(&path, sheet).unwrap();
        sheets.push(path);
    }
    // The old parser took 4.2 GB on a 50 KB sheet of nested links; here
    // the address space for data is capped at 512 MiB where prlimit exists.
    let capped = Command::new("prlimit").arg("--version").output().is_ok();
    let mut cmd = if capped {
        let mut c = Command::new("prlimit");
        c.arg(format!("--data={}", 512u64 << 20))
            .arg("--")
            .arg(exe());
        c
    } else {
        eprintln!("no prlimit here: memory is not capped");
        Command::new(exe())
    };
    let data = tempfile::tempdir().unwrap();
    let out = cmd
        .args(["grade", "--quiz", "pop-quiz-2"])
        .args(&sheets)
        .env("THREADTUTOR_DATA_DIR", data.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, _) in &shapes {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "no row for {name}:\n{stdout}"
        );
    }
}

#[test]
fn a_live_presenters_socket_is_never_taken_over() {
    use std::os::unix::fs::FileTypeExt;
    use threadtutor::classroom::Presenter;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(threadtutor::classroom::socket::SOCKET_NAME);
    let first = Presenter::start(&path).expect("the first presenter");
    let err = Presenter::start(&path)
        .err()
        .expect("a second presenter is refused")
        .to_string();
    assert!(err.contains("already running"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(fs::symlink_metadata(&path).unwrap().file_type().is_socket());
    // The first presenter still answers.
    let _follower = std::os::unix::net::UnixStream::connect(&path).expect("still listening");
    // (The second presenter's probe came and went: dropped promptly.)
    let t = Instant::now();
    while first.followers() != 1 && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(first.followers(), 1);
}

/// Every command that prints to standard output, with what it needs.
fn printing_commands(files: &Path) -> Vec<Vec<String>> {
    let fixture = common::fixture_dir().display().to_string();
    let sheet = files.join("sheet.toml");
    let content = threadtutor::content::load(&threadtutor::content::Source::Embedded).unwrap();
    let quiz = content.quiz("check-gil").expect("check-gil");
    let filled =
        threadtutor::quiz::sheet::template(quiz, 0).replace("student = \"\"", "student = \"Ada\"");
    fs::write(&sheet, filled).unwrap();
    let sheet = sheet.display().to_string();
    let exercise = content.exercises[0].id.clone();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["lessons"]),
        s(&["lessons", "--json"]),
        s(&["show", "gil"]),
        s(&["show", "basics", "--content", &fixture]),
        s(&["--plain"]),
        s(&["present", "--plain", "gil"]),
        s(&["check", "--content", &fixture]),
        s(&["progress"]),
        s(&["demo", "--list"]),
        s(&["demo", "thread-order", "--param", "runs=3"]),
        s(&["demo", "thread-order", "--param", "runs=3", "--json"]),
        s(&["quiz", "check-gil", "--template"]),
        s(&["quiz", "check-gil", "--answers", &sheet]),
        s(&["quiz", "check-gil", "--answers", &sheet, "--json"]),
        s(&["grade", "--quiz", "check-gil", &sheet]),
        s(&["grade", "--quiz", "check-gil", "--format", "json", &sheet]),
        s(&["challenge", "--list"]),
        s(&["challenge", "--list", "--json"]),
        s(&["challenge", "simple-counter", "--solve", "--json"]),
        s(&["exercise", "--list"]),
        s(&["exercise", "--list", "--json"]),
        s(&["exercise", "solution", &exercise]),
        s(&["keys"]),
        s(&["keys", "--json"]),
        s(&["completions", "bash"]),
        s(&["man"]),
    ]
}

fn run_with_stdout(args: &[String], data: &Path, stdout: impl Into<Stdio>) -> Output {
    Command::new(exe())
        .args(args)
        .env("THREADTUTOR_DATA_DIR", data)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn every_printing_command_reports_a_full_disk_and_ends_quietly_on_a_closed_pipe() {
    if fs::metadata("/dev/full").is_err() {
        common::skip("no /dev/full on this OS");
        return;
    }
    let files = tempfile::tempdir().unwrap();
    for args in printing_commands(files.path()) {
        // Each works when it can write (so a failure below is about the
        // write, not the arguments).
        let data = tempfile::tempdir().unwrap();
        let ok = run_with_stdout(&args, data.path(), Stdio::null());
        assert!(
            ok.status.success(),
            "{args:?} fails even when it can write: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        // A full disk: one line, exit 1.
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = run_with_stdout(&args, data.path(), full);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?} on a full disk: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?} on a full disk: {err}");
        assert!(
            err.starts_with("threadtutor: cannot write the output:"),
            "{args:?}: {err}"
        );
        // A reader that went away: quiet, exit 0.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = run_with_stdout(&args, data.path(), writer);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?} on a closed pipe: {err}");
        assert_eq!(err, "", "{args:?} on a closed pipe");
    }
}

/// Raw controls that must never reach a terminal (C0 but newline, DEL, C1,
/// bidi controls).
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
        })
        .collect()
}

#[test]
fn a_quiz_id_taken_from_a_file_name_is_inert_in_every_message() {
    let poison = "\u{1b}]52;c;SGk=\u{7}\u{9b}2J\u{7f}\u{202e}";
    let content = tempfile::tempdir().unwrap();
    copy_dir(&common::fixture_dir(), content.path());
    let quiz_id = format!("q{poison}");
    fs::copy(
        content.path().join("quizzes/check.toml"),
        content.path().join(format!("quizzes/{quiz_id}.toml")),
    )
    .unwrap();
    let dir = content.path().display().to_string();
    let data = tempfile::tempdir().unwrap();
    // A sheet that names the poisoned quiz, graded against another one.
    let sheet = data.path().join("sheet.toml");
    fs::write(
        &sheet,
        "quiz = \"q\\u001B]52;c;SGk=\\u0007\\u009B2J\\u007F\\u202E\"\nstudent = \"A\"\n[answers]\n",
    )
    .unwrap();
    let sheet = sheet.display().to_string();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(exe());
        cmd.args(args);
        // (`progress` shows the built-in set's records, where the attempt
        // below is saved.)
        if args != ["progress"] {
            cmd.args(["--content", &dir]);
        }
        let o = cmd
            .env("THREADTUTOR_DATA_DIR", data.path())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let bad = raw_controls(&text);
        assert!(bad.is_empty(), "{args:?}: raw {bad:?} in {text}");
        text
    };
    assert!(run(&["check"]).starts_with("ok:"));
    // `quiz nope` lists the known ids.
    assert!(run(&["quiz", "nope"]).contains("known: "));
    // `grade`: "this sheet is for quiz …".
    assert!(run(&["grade", "--quiz", "check", &sheet]).contains("this sheet is for quiz"));
    run(&["quiz", &quiz_id, "--template"]);
    run(&["lessons", "--json"]);
    // `progress` after an attempt at the poisoned quiz.
    let mut p = threadtutor::progress::Progress::default();
    p.record_quiz(
        &quiz_id,
        threadtutor::progress::QuizAttempt {
            at: 1,
            score: 1.0,
            max: 1.0,
            missed: vec![],
        },
    );
    threadtutor::progress::Store::new(data.path())
        .save(&p)
        .unwrap();
    assert!(run(&["progress"]).contains("1 attempt"));
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_sparse_20_gb_lesson_and_fifos_in_the_content_are_refused_without_reading_them() {
    let content = tempfile::tempdir().unwrap();
    copy_dir(&common::fixture_dir(), content.path());
    // 20 GB that take no disk: read whole, it took `check` to 6.1 GB.
    let huge = fs::File::create(content.path().join("lessons/30-huge.toml")).unwrap();
    huge.set_len(20 << 30).unwrap();
    drop(huge);
    mkfifo(&content.path().join("lessons/40-fifo.toml"));
    mkfifo(&content.path().join("quizzes/fifo.toml"));
    let data = tempfile::tempdir().unwrap();
    let capped = Command::new("prlimit").arg("--version").output().is_ok();
    let mut cmd = if capped {
        let mut c = Command::new("prlimit");
        c.arg(format!("--data={}", 256u64 << 20))
            .arg("--")
            .arg(exe());
        c
    } else {
        Command::new(exe())
    };
    // A FIFO nobody writes to would hang a reader: the output() returns.
    let out = cmd
        .args(["check", "--content"])
        .arg(content.path())
        .env("THREADTUTOR_DATA_DIR", data.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("30-huge.toml:1:1: file is too large; the limit is"),
        "{err}"
    );
    assert!(
        err.contains("40-fifo.toml:1:1: cannot read file: not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("fifo.toml:1:1: cannot read file: not a regular file"),
        "{err}"
    );
}

#[test]
fn the_tutorial_starts_and_quits_with_a_fifo_at_progress_toml() {
    let data = tempfile::tempdir().unwrap();
    mkfifo(&data.path().join("progress.toml"));
    let fixture = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn(&["--content", &fixture], data.path(), 100, 30);
    pty.wait_for("Thread basics");
    pty.send(b"q");
    // wait_exit fails after its own time-out: a hang is a failure.
    let _ = pty.wait_exit();
    pty.assert_restored();
    // The FIFO is left where it was (nothing written through it).
    use std::os::unix::fs::FileTypeExt;
    assert!(
        fs::symlink_metadata(data.path().join("progress.toml"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}
