//! Hostile input and faults: escape sequences in content never reach the
//! terminal raw; progress survives SIGKILL at any moment; an unwritable data
//! folder is a warning, not the end of the tutorial.

use crate::common;

use std::fs;
use std::process::Command;
use std::time::Duration;

use common::pty::Pty;

/// ESC, an OSC 52 clipboard write, BEL, a C1 CSI and a bidi override.
const HOSTILE: &str = "\\u001b]52;c;SGVsbG8=\\u0007 \\u009b31m \\u202e evil \\u001b[2J";

fn hostile_content() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("lessons")).unwrap();
    fs::create_dir_all(dir.path().join("quizzes")).unwrap();
    fs::write(
        dir.path().join("lessons/a.toml"),
        format!(
            "id = \"a\"\ntitle = \"T {HOSTILE}\"\npart = \"P\"\nsummary = \"S {HOSTILE}\"\n\
             [[slides]]\ntitle = \"Slide {HOSTILE}\"\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"p {HOSTILE}\"\n\
             [[slides.blocks]]\ntype = \"code\"\nlanguage = \"python\"\nsource = \"print('{HOSTILE}')\"\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join("quizzes/q.toml"),
        format!(
            "[[questions]]\ntype = \"ShortAnswer\"\nid = \"one\"\nprompt.prompt = \"Q {HOSTILE}\"\n\
             answer.answer = \"A {HOSTILE}\"\ncontext = \"C {HOSTILE}\"\n"
        ),
    )
    .unwrap();
    dir
}

fn no_raw_controls(s: &str) -> bool {
    !s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
    })
}

#[test]
fn escapes_in_content_are_inert_in_show_and_reports() {
    let dir = hostile_content();
    let d = dir.path().display().to_string();
    let exe = env!("CARGO_BIN_EXE_threadtutor");
    let out = Command::new(exe)
        .args(["show", "a", "--content", &d])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("Slide ␛]52;c;SGVsbG8=␇"), "{text}");
    assert!(no_raw_controls(&text), "{text:?}");
    let out = Command::new(exe)
        .args(["lessons", "--content", &d])
        .output()
        .unwrap();
    assert!(no_raw_controls(&String::from_utf8_lossy(&out.stdout)));
    // A graded sheet whose answer and the quiz's own text carry escapes.
    let sheet = dir.path().join("sheet.toml");
    fs::write(
        &sheet,
        format!("student = \"S {HOSTILE}\"\n[answers]\none = \"x {HOSTILE}\"\n"),
    )
    .unwrap();
    let q = dir.path().join("quizzes/q.toml").display().to_string();
    let out = Command::new(exe)
        .args(["quiz", &q, "--answers", &sheet.display().to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(no_raw_controls(&text), "{text:?}");
    let out = Command::new(exe)
        .args(["grade", "--quiz", &q, &sheet.display().to_string()])
        .output()
        .unwrap();
    assert!(no_raw_controls(&String::from_utf8_lossy(&out.stdout)));
}

#[test]
fn escapes_in_content_are_inert_in_the_tui() {
    let dir = hostile_content();
    let d = dir.path().display().to_string();
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&["--content", &d], data.path(), 100, 30);
    pty.wait_for("T ␛]52;c;SGVsbG8=␇");
    pty.send(b"\r");
    pty.wait_for("p ␛]52;c;SGVsbG8=␇");
    // The terminal saw no clipboard write, no clear, no bell.
    let out = pty.output.lock().unwrap().clone();
    let raw = String::from_utf8_lossy(&out);
    assert!(!raw.contains("\x1b]52"), "an OSC 52 reached the terminal");
    assert!(!raw.contains('\u{7}'), "a BEL reached the terminal");
    assert!(
        !raw.contains("\x1b[2J") || raw.matches("\x1b[2J").count() <= 2,
        "content cleared the screen"
    );
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

/// Not a test on its own: when THREADTUTOR_KILL_CHILD names a folder, save
/// progress there in a loop until killed (the parent test kills it).
#[test]
fn kill_writer_child() {
    let Some(dir) = std::env::var_os("THREADTUTOR_KILL_CHILD") else {
        return;
    };
    let store = threadtutor::progress::Store::new(dir);
    let mut p = store.load().progress;
    for i in 0u64.. {
        p.visit("lesson", &format!("slide-{}", i % 500), 1, i);
        let _ = store.save(&p);
    }
}

#[test]
fn sigkill_while_saving_never_leaves_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let me = std::env::current_exe().unwrap();
    let store = threadtutor::progress::Store::new(dir.path());
    for round in 0..40u64 {
        let mut child = Command::new(&me)
            .args([
                "--exact",
                "hardening::kill_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("THREADTUTOR_KILL_CHILD", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a different moment each round (5 to 44 ms after start).
        std::thread::sleep(Duration::from_millis(5 + round));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let loaded = store.load();
        assert!(
            loaded.warning.is_none(),
            "round {round}: {:?}",
            loaded.warning
        );
        if store.path().exists() {
            let text = fs::read_to_string(store.path()).unwrap();
            assert!(
                !text.trim().is_empty(),
                "round {round}: empty progress file"
            );
        }
    }
    // Something was saved along the way.
    assert!(!store.load().progress.lessons.is_empty());
}

#[test]
fn an_unwritable_data_folder_is_a_warning_and_the_tutorial_goes_on() {
    let base = tempfile::tempdir().unwrap();
    let file = base.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let data = file.join("data");
    let fixture = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn(&["--content", &fixture], &data, 100, 30);
    pty.wait_for("Thread basics");
    // Reading progress failed: said at once, then out of the way.
    pty.wait_for("cannot read");
    pty.send(b"x");
    pty.wait_gone("cannot read");
    pty.send(b"\r");
    pty.wait_for("Generic Threads");
    // The save (gathered, at most a second later) fails and says so.
    pty.wait_for("progress not saved");
    pty.send(b"x"); // dismiss
    pty.wait_gone("progress not saved");
    pty.send(b"\x1b[C");
    pty.wait_for("Share External Objects");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

/// The terminal goes away under the tutorial without a SIGHUP (here: the
/// tutorial has no controlling terminal, and the pseudo-terminal's master
/// is closed). It must notice, save the learner's place and exit, not
/// spin on a dead terminal.
#[test]
fn a_terminal_that_goes_away_ends_the_tutorial_and_keeps_progress() {
    use std::io::{Read, Write};
    use std::os::fd::OwnedFd;
    use std::process::Stdio;
    use std::time::Instant;

    let data = tempfile::tempdir().unwrap();
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = nix::pty::openpty(Some(&size), None).expect("openpty");
    // openpty's descriptors are inherited by children; the master must not
    // be (the child would keep its own terminal alive), so keep only a
    // close-on-exec copy of it.
    let master = std::fs::File::from(pty.master).try_clone().unwrap();
    let slave: OwnedFd = pty.slave;
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .env("THREADTUTOR_DATA_DIR", data.path())
        .env("TERM", "xterm-256color")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(slave);
    let mut master = master;
    // Read until the home screen is up, then open a lesson and move on.
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    let start = Instant::now();
    while !String::from_utf8_lossy(&seen).contains("quit") {
        assert!(start.elapsed() < Duration::from_secs(20), "no home screen");
        match master.read(&mut buf) {
            Ok(0) | Err(_) => panic!("the tutorial closed its terminal"),
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    master.write_all(b"\r").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    master.write_all(b"\x1b[C").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    drop(master);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the tutorial did not exit after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = status;
    let progress = fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(progress.contains("[lessons.introduction]"), "{progress}");
}

// ---- Hardening round two (issue 18) ----

fn cli(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(args)
        .env("THREADTUTOR_DATA_DIR", data)
        .output()
        .unwrap()
}

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Is process `pid` stopped (state T in /proc)?
fn stopped(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('T'))
        })
        .unwrap_or(false)
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(sig: &str, pid: u32) {
    Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
}

#[test]
fn ctrl_z_and_kill_tstp_suspend_and_fg_redraws() {
    let data = tempfile::tempdir().unwrap();
    let fixture = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn(&["--content", &fixture], data.path(), 90, 26);
    pty.wait_for("Thread basics");
    let pid = pty.child.process_id().unwrap();
    for how in ["ctrl-z", "kill -TSTP"] {
        if how == "ctrl-z" {
            pty.send(b"\x1a");
        } else {
            kill("TSTP", pid);
        }
        wait_until(&format!("{how}: stopped"), || stopped(pid));
        // Stopped like a good terminal program: the shell's screen and modes back.
        assert!(
            pty.cooked(),
            "{how}: terminal left in raw mode while stopped"
        );
        // The bytes that leave the alternate screen were written before the
        // stop; the test's reader thread may not have read them yet.
        wait_until(&format!("{how}: still on the alternate screen"), || {
            !pty.parser.lock().unwrap().screen().alternate_screen()
        });
        // `fg`: continued; full screen again, redrawn whole.
        pty.clear();
        kill("CONT", pid);
        wait_until(&format!("{how}: raw mode again"), || !pty.cooked());
        pty.wait_for("Thread basics");
    }
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn a_held_progress_lock_does_not_keep_the_tutorial_from_quitting() {
    let data = tempfile::tempdir().unwrap();
    let holder = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data.path().join("progress.lock"))
        .unwrap();
    holder.lock().unwrap();
    let fixture = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn(&["--content", &fixture], data.path(), 100, 26);
    pty.wait_for("Thread basics");
    pty.send(b"\r");
    pty.wait_for("Generic Threads");
    pty.send(b"q");
    // Quits (within the lock wait; wait_exit fails after its own timeout),
    // says why nothing was saved, writes nothing.
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    pty.wait_for("another process holds the progress lock");
    assert!(!data.path().join("progress.toml").exists());
}

#[test]
fn a_second_sigterm_ends_a_quit_that_waits() {
    let data = tempfile::tempdir().unwrap();
    let holder = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data.path().join("progress.lock"))
        .unwrap();
    holder.lock().unwrap();
    let fixture = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn(&["--content", &fixture], data.path(), 100, 26);
    pty.wait_for("Thread basics");
    let pid = pty.child.process_id().unwrap();
    // The first SIGTERM ends the loop; the final save then waits on the lock.
    kill("TERM", pid);
    std::thread::sleep(Duration::from_millis(300));
    kill("TERM", pid);
    // Ended by the second signal (128 + 15), not by the save giving up.
    assert_eq!(pty.wait_exit(), 143);
    pty.assert_restored();
}

#[test]
fn term_dumb_suggests_plain() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn_env(&[], data.path(), 80, 24, &[("TERM", "dumb")]);
    assert_eq!(pty.wait_exit(), 1);
    pty.wait_for("cannot show the full-screen interface");
    pty.wait_for("--plain");
}

#[test]
fn a_non_utf8_locale_draws_in_ascii() {
    let data = tempfile::tempdir().unwrap();
    let fixture = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn_env(
        &["--content", &fixture],
        data.path(),
        90,
        26,
        &[("LANG", "C"), ("LC_ALL", ""), ("LC_CTYPE", "")],
    );
    pty.wait_for("Thread basics");
    let screen = pty.screen();
    assert!(screen.is_ascii(), "{screen}");
    // The status mark (○ in UTF-8) drawn as a letter.
    assert!(screen.contains("o Thread basics"), "{screen}");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn export_never_writes_through_a_link_nor_overwrites_without_force() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let victim = data.path().join("victim");
    fs::write(&victim, "keep me").unwrap();
    let planted = out.path().join("threadtutor-handout.html");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let o = out.path().display().to_string();
    let r = cli(data.path(), &["export", "-o", &o]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr_of(&r);
    assert!(
        err.contains("threadtutor-handout.html already exists"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    // With --force the link itself is replaced, never its target.
    let r = cli(data.path(), &["export", "-o", &o, "--force"]);
    assert!(r.status.success(), "{}", stderr_of(&r));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(
        !fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // The teacher's copy has its own name: the student's is left alone.
    let student = fs::read(&planted).unwrap();
    let r = cli(data.path(), &["export", "-o", &o, "--with-answers"]);
    assert!(r.status.success(), "{}", stderr_of(&r));
    assert_eq!(fs::read(&planted).unwrap(), student);
    assert!(out.path().join("threadtutor-handout-answers.html").exists());
    let r = cli(
        data.path(),
        &["export", "-o", &o, "--with-answers", "--format", "markdown"],
    );
    assert!(r.status.success());
    assert!(out.path().join("threadtutor-handout-answers.md").exists());
    // No temporary files left behind.
    let names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn the_markdown_handout_escapes_html_and_script_links() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("lessons")).unwrap();
    fs::write(
        dir.path().join("lessons/a.toml"),
        "id = \"a\"\ntitle = \"T <script>alert(1)</script>\"\npart = \"P\"\nsummary = \"S\"\n\
         [[slides]]\ntitle = \"S\"\n[[slides.blocks]]\ntype = \"paragraph\"\n\
         text = \"<img src=x onerror=alert(2)> and [x](javascript:alert(3)) and `<b>`\"\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = cli(
        dir.path(),
        &[
            "export",
            "--format",
            "markdown",
            "-o",
            &out.path().display().to_string(),
            "--content",
            &dir.path().display().to_string(),
        ],
    );
    assert!(r.status.success(), "{}", stderr_of(&r));
    let md = fs::read_to_string(out.path().join("threadtutor-handout.md")).unwrap();
    assert!(!md.contains("<script"), "{md}");
    assert!(!md.contains("<img"), "{md}");
    assert!(!md.contains("javascript:"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
    assert!(md.contains("`<b>`"), "code keeps its text: {md}");
}

#[test]
fn usage_errors_are_exit_2_and_messages_have_the_prefix() {
    let data = tempfile::tempdir().unwrap();
    let f = common::fixture_dir().display().to_string();
    for args in [
        &["demo", "--list", "race"][..],
        &["demo", "--list", "--json"],
        &["demo", "--list", "--param", "runs=5"],
        &["quiz", "pop-quiz-1", "--template", "--json"],
        &["lessons", "--watch", "--content", &f],
        &["check", "--watch", "--content", &f],
    ] {
        let r = cli(data.path(), args);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", stderr_of(&r));
        assert!(
            stderr_of(&r).contains("Usage"),
            "{args:?}: {}",
            stderr_of(&r)
        );
    }
    for args in [
        &["quiz", "nope"][..],
        &["grade", "--quiz", "nope", "x.toml"],
    ] {
        let r = cli(data.path(), args);
        assert_eq!(r.status.code(), Some(1), "{args:?}");
        assert!(
            stderr_of(&r).starts_with("threadtutor: "),
            "{args:?}: {}",
            stderr_of(&r)
        );
    }
    let r = cli(data.path(), &["quiz", "check-gi"]);
    assert!(
        stderr_of(&r).contains("did you mean `check-gil`?"),
        "{}",
        stderr_of(&r)
    );
}

#[test]
fn headless_exceptions_demo_prints_no_rust_panic() {
    let data = tempfile::tempdir().unwrap();
    let r = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(["demo", "exceptions"])
        .env("THREADTUTOR_DATA_DIR", data.path())
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = stderr_of(&r);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("src/demos"), "{err}");
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(
        out.contains("ValueError"),
        "the demo still reports it: {out}"
    );
}

fn lesson_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("lessons")).unwrap();
    fs::create_dir_all(dir.path().join("quizzes")).unwrap();
    fs::write(
        dir.path().join("lessons/a.toml"),
        "id = \"a\"\ntitle = \"T\"\npart = \"P\"\nsummary = \"S\"\n\
         [[slides]]\ntitle = \"S\"\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"x\"\n",
    )
    .unwrap();
    dir
}

fn check(dir: &std::path::Path) -> String {
    let r = cli(dir, &["check", "--content", &dir.display().to_string()]);
    stderr_of(&r)
}

#[test]
fn odd_files_in_lessons_are_reported_not_skipped() {
    let dir = lesson_dir();
    let l = dir.path().join("lessons");
    std::os::unix::fs::symlink(l.join("nowhere.toml"), l.join("dangling.toml")).unwrap();
    std::os::unix::fs::symlink(l.join("loop.toml"), l.join("loop.toml")).unwrap();
    fs::create_dir(l.join("folder.toml")).unwrap();
    let err = check(dir.path());
    assert!(
        err.contains("dangling.toml:1:1: a link to nothing readable"),
        "{err}"
    );
    assert!(
        err.contains("loop.toml:1:1: a link to nothing readable"),
        "{err}"
    );
    assert!(
        err.contains("folder.toml:1:1: cannot read file: not a regular file"),
        "{err}"
    );
}

#[test]
fn a_punctuation_title_says_it_makes_no_id() {
    let dir = lesson_dir();
    fs::write(
        dir.path().join("lessons/b.toml"),
        "id = \"b\"\ntitle = \"T\"\npart = \"P\"\nsummary = \"S\"\n\
         [[slides]]\ntitle = \"?!\"\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"x\"\n\
         [[slides]]\ntitle = \"...\"\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"x\"\n",
    )
    .unwrap();
    let err = check(dir.path());
    assert!(err.contains("slide title `?!` makes no id"), "{err}");
    assert!(err.contains("give the slide an `id`"), "{err}");
    assert!(!err.contains("duplicate slide id ``"), "{err}");
}

#[test]
fn a_missing_quiz_is_reported_once_with_a_suggestion() {
    let dir = lesson_dir();
    fs::write(
        dir.path().join("quizzes/check-gil.toml"),
        "[[questions]]\ntype = \"ShortAnswer\"\nid = \"one\"\nprompt.prompt = \"Q\"\nanswer.answer = \"A\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("lessons/b.toml"),
        "id = \"b\"\ntitle = \"T\"\npart = \"P\"\nsummary = \"S\"\n\
         [[slides]]\ntitle = \"S\"\n[[slides.blocks]]\ntype = \"quiz\"\nquiz = \"check-gli\"\nquestions = [\"one\", \"two\"]\n",
    )
    .unwrap();
    let err = check(dir.path());
    assert_eq!(err.matches("unknown quiz").count(), 1, "{err}");
    assert!(err.contains("did you mean `check-gil`?"), "{err}");
}

#[test]
fn reading_a_fifo_or_dev_zero_never_hangs_nor_fills_memory() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("sheet.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let zero = dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for sheet in [&fifo, &zero] {
        let s = sheet.display().to_string();
        let r = cli(dir.path(), &["grade", "--quiz", "pop-quiz-1", &s]);
        assert_eq!(r.status.code(), Some(1));
        assert!(
            stderr_of(&r).contains("not a regular file"),
            "{}",
            stderr_of(&r)
        );
        let r = cli(dir.path(), &["quiz", &s]);
        assert_eq!(r.status.code(), Some(1));
    }
    // A FIFO at progress.toml: readers warn and go on.
    let data = tempfile::tempdir().unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(data.path().join("progress.toml"))
            .status()
            .unwrap()
            .success()
    );
    for args in [&["progress"][..], &["lessons"]] {
        let r = cli(data.path(), args);
        assert!(r.status.success(), "{args:?}");
        assert!(
            stderr_of(&r).contains("not a regular file"),
            "{}",
            stderr_of(&r)
        );
    }
}

#[test]
fn present_names_the_path_when_the_socket_cannot_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(threadtutor::classroom::socket::SOCKET_NAME);
    fs::create_dir(&path).unwrap();
    let err = threadtutor::classroom::Presenter::start(&path)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(path.is_dir(), "the folder is left alone");
}

#[test]
fn code_from_elsewhere_asks_once_before_running() {
    let data = tempfile::tempdir().unwrap();
    let fixture = common::fixture_dir().display().to_string();
    let open_run_slide = |data: &std::path::Path, first: bool| {
        let mut pty = Pty::spawn_env(
            &["--content", &fixture],
            data,
            90,
            30,
            &[("THREADTUTOR_PYTHON", "/nonexistent/python3")],
        );
        pty.wait_for("Locks");
        // The home screen starts on the lesson last opened: a second
        // session is on Locks already.
        if first {
            pty.send(b"j");
        }
        pty.send(b"\r");
        if first {
            pty.wait_for("Synch Two Threads");
            pty.send(b"\x1b[C");
        }
        // (A second session opens the lesson where the first left it.)
        pty.wait_for("Run it");
        pty
    };
    let mut pty = open_run_slide(data.path(), true);
    pty.send(b"r");
    // Not run: where the code comes from, and how to say yes.
    pty.wait_for("Not run: this code is from");
    pty.wait_for("Press r again to run it");
    assert!(!pty.screen().contains("was not found"), "{}", pty.screen());
    pty.send(b"r");
    pty.wait_for("was not found");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    drop(pty);
    // Asked once per content set: the next session runs at once.
    let mut pty = open_run_slide(data.path(), false);
    pty.send(b"r");
    pty.wait_for("was not found");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_banner_never_swallows_a_key() {
    use crossterm::event::KeyCode;
    use threadtutor::ui::theme::ColorDepth;
    let mut app = common::app(ColorDepth::None);
    app.open_lesson_at(0, 0, 1);
    assert!(common::screen(&mut app, 100, 30).contains("Generic Threads"));
    // Each failed save raises a banner; each key still acts.
    for _ in 0..3 {
        app.banner = Some("progress not saved: disk full".into());
        common::press(&mut app, KeyCode::Char('l'));
    }
    let screen = common::screen(&mut app, 100, 30);
    assert!(!screen.contains("progress not saved"), "{screen}");
    // The same three presses with no banner end at the same place.
    let mut plain = common::app(ColorDepth::None);
    plain.open_lesson_at(0, 0, 1);
    for _ in 0..3 {
        common::press(&mut plain, KeyCode::Char('l'));
    }
    assert_eq!(screen, common::screen(&mut plain, 100, 30));
}
