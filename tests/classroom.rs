//! Classroom: `present` and `notes` as two real processes in two
//! pseudo-terminals, talking over the speaker-notes socket.

mod common;

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

    // Blank the screen, and bring it back.
    present.send(b"b");
    present.wait_gone("slide 1/2");
    present.send(b" ");
    present.wait_for("slide 1/2");

    // The written questions panel.
    present.send(b"w");
    present.wait_for("Questions (w closes)");
    present.send(b"w");
    present.wait_gone("Questions (w closes)");

    present.send(b"q");
    assert_eq!(present.wait_exit(), 0);
    present.assert_restored();
    assert!(!sock.exists(), "the socket is removed when presenting ends");
    // The follower goes back to waiting.
    notes2.wait_for("Waiting for a presenter");
    notes2.send(b"q");
    assert_eq!(notes2.wait_exit(), 0);
}
