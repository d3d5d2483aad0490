//! A learner works through an exercise in watch mode, in the real binary:
//! the folder is written by `exercise init`, the starter's verdict is on
//! screen, writing a fix turns it to a pass, breaking it again turns it
//! back, a hint shows, and `n` goes on to the next exercise.

use std::time::Duration;

use crate::common::{self, pty::Pty};

fn ids() -> Vec<String> {
    let content = threadtutor::content::load(&threadtutor::content::Source::Embedded).unwrap();
    content.exercises.iter().map(|e| e.id.clone()).collect()
}

/// Replace the file as an editor does (a new file renamed over the old).
fn save(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension("py.swp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn counter_race_in_watch_mode_fails_passes_fails_and_moves_on() {
    if !common::have_python3("the exercise checker was not run") {
        return;
    }
    let content = threadtutor::content::load(&threadtutor::content::Source::Embedded).unwrap();
    let ex = content
        .exercises
        .iter()
        .find(|e| e.id == "counter-race")
        .unwrap()
        .clone();
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("ex");
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(["exercise", "init"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(0));
    let file = dir.join("counter-race.py");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), ex.starter);

    let d = dir.display().to_string();
    let mut pty = Pty::spawn(&["exercise", "watch", &d], data.path(), 120, 40);
    pty.wait_for("Exercise 1/");
    // The list, down to counter-race, Enter.
    pty.send(b"l");
    pty.wait_for("passed)");
    let at = ids().iter().position(|i| i == "counter-race").unwrap();
    for _ in 0..at {
        pty.send(b"j");
    }
    pty.send(b"\r");
    pty.wait_for("Counter race");
    // The starter as written: lost updates, with the interleaving.
    pty.wait_for("✗");
    pty.wait_for("The interleaving that broke it:");
    // Fixed: the verdict turns within moments of the save.
    save(&file, &ex.solution);
    pty.wait_for("✓ Passed");
    // Broken again.
    std::thread::sleep(Duration::from_millis(200));
    save(&file, &ex.starter);
    pty.wait_for("✗");
    pty.send(b"h");
    pty.wait_for("Hint 1 of");
    pty.send(b"n");
    pty.wait_for(&format!("Exercise {}/", at + 2));
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(saved.contains("[exercises.counter-race]"), "{saved}");
}
