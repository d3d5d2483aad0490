//! `--watch`: an edit to the content folder shows up in the running
//! tutorial at the same place; a broken edit shows its problems in a panel
//! (path:line:col) instead of quitting, and fixing it clears the panel.

use crate::common;

use std::path::Path;

use common::fixture_dir;
use common::pty::Pty;

const RIGHT: &[u8] = b"\x1b[C";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn watch_reloads_edits_keeps_the_place_and_shows_errors() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("content");
    copy_dir(&fixture_dir(), &dir);
    let lesson = dir.join("lessons/10-basics.toml");
    let original = std::fs::read_to_string(&lesson).unwrap();
    let d = dir.display().to_string();
    let mut pty = Pty::spawn(&["--content", &d, "--watch"], data.path(), 100, 30);
    pty.wait_for("Thread basics");
    pty.send(b"\r");
    pty.wait_for("slide 1/3");
    pty.send(RIGHT);
    pty.wait_for("slide 2/3");
    pty.wait_for("Files, GUI, DB connections");

    // An edit appears, on the same slide.
    std::fs::write(
        &lesson,
        original.replace("Files, GUI, DB connections", "Files, sockets, GUI (edited)"),
    )
    .unwrap();
    pty.wait_for("Files, sockets, GUI (edited)");
    assert!(pty.screen().contains("slide 2/3"), "{}", pty.screen());

    // A broken edit: a panel with path:line:col, the last good slide stays.
    let broken = original.replacen("title = \"Share External Objects\"", "title = 42", 1);
    assert_ne!(broken, original);
    std::fs::write(&lesson, broken).unwrap();
    pty.wait_for("Content problems");
    pty.wait_for("10-basics.toml:");
    let screen = pty.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("10-basics.toml:"))
        .unwrap();
    let after = line.split("10-basics.toml:").nth(1).unwrap();
    let mut nums = after.split(':');
    assert!(
        nums.next().unwrap().trim().parse::<u32>().is_ok()
            && nums.next().unwrap().trim().parse::<u32>().is_ok(),
        "no line:col in {line:?}"
    );
    assert!(screen.contains("Files, sockets, GUI (edited)"));

    // Fixed again: the panel goes.
    std::fs::write(&lesson, &original).unwrap();
    pty.wait_gone("Content problems");
    pty.wait_for("Files, GUI, DB connections");
    assert!(pty.screen().contains("slide 2/3"));

    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn watch_needs_a_content_folder() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .arg("--watch")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn present_watch_reloads_too() {
    let data = tempfile::tempdir().unwrap();
    let runtime = tempfile::tempdir().unwrap();
    let rt = runtime.path().display().to_string();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("content");
    copy_dir(&fixture_dir(), &dir);
    let lesson = dir.join("lessons/10-basics.toml");
    let original = std::fs::read_to_string(&lesson).unwrap();
    let d = dir.display().to_string();
    let mut pty = Pty::spawn_env(
        &["--content", &d, "--watch", "present"],
        data.path(),
        100,
        30,
        &[("XDG_RUNTIME_DIR", rt.as_str())],
    );
    pty.wait_for("Thread basics · slide 1/3");
    // The speaker's notes, where the problems go.
    let mut notes = Pty::spawn_env(
        &["--content", &d, "notes"],
        data.path(),
        100,
        30,
        &[("XDG_RUNTIME_DIR", rt.as_str())],
    );
    notes.wait_for("Slide 1/3");
    pty.send(RIGHT);
    pty.wait_for("slide 2/3 · step 1/3");
    std::fs::write(
        &lesson,
        original.replace("Files, GUI, DB connections", "Sockets too (edited)"),
    )
    .unwrap();
    pty.wait_for("Sockets too (edited)");
    assert!(pty.screen().contains("slide 2/3 · step 1/3"));
    std::fs::write(
        &lesson,
        original.replace("[[slides]]", "[[slides]]\nbogus = "),
    )
    .unwrap();
    // The projector: a one-line mark; the notes: the list.
    pty.wait_for("content problem");
    pty.wait_for("— see notes");
    notes.wait_for("(the projector shows the last good version)");
    notes.wait_for("10-basics.toml:");
    assert!(
        !pty.screen().contains("10-basics.toml:"),
        "{}",
        pty.screen()
    );
    assert!(pty.screen().contains("slide 2/3 · step 1/3"));
    // Fixed: both go.
    std::fs::write(&lesson, &original).unwrap();
    pty.wait_gone("see notes");
    notes.wait_gone("10-basics.toml:");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    notes.send(b"q");
    assert_eq!(notes.wait_exit(), 0);
}
