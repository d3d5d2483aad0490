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
