//! Classroom: `present` and `notes` as two real processes in two
//! pseudo-terminals, talking over the speaker-notes socket.

use crate::common;

use std::os::unix::fs::PermissionsExt;

use common::fixture_dir;
use common::pty::Pty;

const RIGHT: &[u8] = b"\x1b[C";
const LEFT: &[u8] = b"\x1b[D";

#[test]
fn notes_follow_the_presenter_over_a_private_socket() {
    let data = tempfile::tempdir().unwrap();
    let runtime = tempfile::tempdir().unwrap();
    let rt = runtime.path().display().to_string();
    let env = [("XDG_RUNTIME_DIR", rt.as_str())];
    let content = fixture_dir().display().to_string();

    // The notes start first and wait for a presenter.
    let mut notes = Pty::spawn_env(&["--content", &content, "notes"], data.path(), 90, 24, &env);
    notes.wait_for("Waiting for a presenter");

    let mut present = Pty::spawn_env(
        &["--content", &content, "present"],
        data.path(),
        100,
        30,
        &env,
    );
    present.wait_for("slide 1/3");
    let sock = runtime.path().join("threadtutor-notes.sock");
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "socket mode {mode:o}");
    // No menu chrome: no key list, no lesson header.
    assert!(
        !present.screen().contains("Esc home"),
        "{}",
        present.screen()
    );

    notes.wait_for("Slide 1/3: Generic Threads");
    notes.wait_for("Speaker note: never shown to learners.");
    notes.wait_for("Next: Share External Objects");

    // 1: the next slide.
    present.send(RIGHT);
    present.wait_for("slide 2/3 · step 1/3");
    notes.wait_for("Slide 2/3: Share External Objects  · step 1/3");
    notes.wait_for("(no notes for this slide)");
    notes.wait_for("Next: Check yourself");
    // A reveal step.
    present.send(b" ");
    present.wait_for("step 2/3");
    notes.wait_for("Share External Objects  · step 2/3");

    // A second follower attaches mid-talk and hears the current slide.
    let mut notes2 = Pty::spawn_env(&["--content", &content, "notes"], data.path(), 80, 20, &env);
    notes2.wait_for("Share External Objects  · step 2/3");

    // 2: `g 3 Enter` jumps.
    present.send(b"g");
    present.send(b"3");
    present.wait_for("go to slide: 3_");
    present.send(b"\r");
    present.wait_for("slide 3/3");
    notes.wait_for("Slide 3/3: Check yourself");
    notes.wait_for("Next: Synch Two Threads");
    notes2.wait_for("Slide 3/3: Check yourself");

    // The first follower leaves; the presenter carries on.
    notes.send(b"q");
    assert_eq!(notes.wait_exit(), 0);
    notes.assert_restored();

    // 3: on into the next lesson.
    present.send(RIGHT);
    present.wait_for("Lesson: Locks");
    notes2.wait_for("Slide 1/2: Synch Two Threads");
    // 4:
    present.send(RIGHT);
    present.wait_for("Locks · slide 2/2");
    notes2.wait_for("Slide 2/2: Run it");
    notes2.wait_for("Next: (the end)");
    // 5: back again.
    present.send(LEFT);
    present.wait_for("Locks · slide 1/2");
    notes2.wait_for("Slide 1/2: Synch Two Threads");

    // Blank the screen, and bring it back: the notes say so.
    present.send(b"b");
    present.wait_gone("slide 1/2");
    notes2.wait_for("PROJECTOR BLANKED");
    present.send(b" ");
    present.wait_for("slide 1/2");
    notes2.wait_gone("PROJECTOR BLANKED");

    // The written questions panel.
    present.send(b"w");
    present.wait_for("Questions (w closes)");
    notes2.wait_for("PROJECTOR SHOWS THE QUESTIONS");
    present.send(b"w");
    present.wait_gone("Questions (w closes)");
    notes2.wait_gone("PROJECTOR SHOWS THE QUESTIONS");

    // A demo opened from a slide: the notes name it, and the slide.
    if let Some(demo) = threadtutor::demos::registry::find("lock") {
        present.send(RIGHT);
        present.wait_for("Locks · slide 2/2");
        present.send(b"\r");
        present.wait_for("Live demo");
        // (The title is cut to the 80 columns of this terminal.)
        let title: String = demo.info().title.chars().take(20).collect();
        notes2.wait_for(&format!("PROJECTOR SHOWS A DEMO: {title}"));
        notes2.wait_for("Slide 2/2: Run it");
        present.send(b"\x1b");
        present.wait_for("Locks · slide 2/2");
        notes2.wait_gone("PROJECTOR SHOWS A DEMO");
        present.send(LEFT);
        present.wait_for("Locks · slide 1/2");
    }

    present.send(b"q");
    assert_eq!(present.wait_exit(), 0);
    present.assert_restored();
    assert!(!sock.exists(), "the socket is removed when presenting ends");
    // The follower goes back to waiting.
    notes2.wait_for("Waiting for a presenter");
    notes2.send(b"q");
    assert_eq!(notes2.wait_exit(), 0);
}

/// Lines a child prints, read on a thread so a test can wait with a timeout.
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(l) = line else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_line(rx: &std::sync::mpsc::Receiver<String>, want: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) if l.contains(want) => return l,
            Ok(l) => seen.push(l),
            Err(_) => break,
        }
    }
    panic!("no line with {want:?}; saw {seen:#?}");
}

#[test]
fn plain_notes_without_a_runtime_dir_use_a_private_temp_folder() {
    use threadtutor::classroom::{Notes, Presenter};
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(["notes", "--plain"])
        .env_remove("XDG_RUNTIME_DIR")
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    let waiting = wait_line(&rx, "Waiting for a presenter at ");
    let path = waiting
        .strip_prefix("Waiting for a presenter at ")
        .unwrap()
        .trim_end_matches('.');
    let path = std::path::PathBuf::from(path);
    let dir = path.parent().unwrap();
    assert_eq!(dir.parent().unwrap(), tmp.path());
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "folder mode {mode:o}");

    // A presenter (in this process) at that place is followed, in text.
    let p = Presenter::start(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    wait_line(&rx, "Connected to the presenter.");
    p.publish(&Notes {
        lesson: "gil".into(),
        lesson_title: "The GIL".into(),
        slide: 2,
        slides: 5,
        title: "Why a GIL?".into(),
        step: 1,
        steps: 2,
        notes: Some("Mention reference counting.".into()),
        next_title: Some("Releasing the GIL".into()),
        elapsed_s: 75,
    });
    wait_line(&rx, "Slide 2 of 5: Why a GIL?. Step 1 of 2. Elapsed 01:15.");
    wait_line(&rx, "Notes: Mention reference counting.");
    wait_line(&rx, "Next: Releasing the GIL");
    // What the projector shows, and the content problems, in words.
    use threadtutor::classroom::{Message, Problems, Projector, Showing};
    p.announce(Message::Projector(Projector {
        showing: Showing::Blank,
        demo: None,
    }));
    wait_line(&rx, "PROJECTOR BLANKED");
    p.announce(Message::Problems(Problems::bounded(&[
        "lessons/10-gil.toml:3:9: expected a string\x1b[2J".to_string(),
    ])));
    wait_line(
        &rx,
        "1 content problem (the projector shows the last good version):",
    );
    let l = wait_line(&rx, "lessons/10-gil.toml:3:9: expected a string");
    assert!(!l.contains('\x1b'), "{l:?}");
    p.announce(Message::Problems(Problems::default()));
    wait_line(&rx, "The content problems are fixed.");
    let _ = child.kill();
    let _ = child.wait();
}
