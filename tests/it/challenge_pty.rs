//! A learner plays a challenge level in the real binary, by keys: a hint,
//! a wrong move undone, the bytecode steps that lose an update, then the
//! fixed version and its proof; the win is in the progress file after.

use crate::common::pty::Pty;

/// The home screen's row of a level: after the lessons, the quizzes and
/// the exercises' one entry, the levels in file order.
fn level_row(id: &str) -> usize {
    let content = threadtutor::content::load(&threadtutor::content::Source::Embedded).unwrap();
    let level = content
        .challenges
        .iter()
        .position(|c| c.id == id)
        .expect("the level ships");
    content.lessons.len()
        + content.quizzes.len()
        + usize::from(!content.exercises.is_empty())
        + level
}

#[test]
fn simple_counter_is_won_by_keys_and_its_fix_proved() {
    for (cols, rows) in [(120, 40), (80, 24)] {
        let data = tempfile::tempdir().unwrap();
        let mut pty = Pty::spawn(&[], data.path(), cols, rows);
        pty.wait_for("lessons done");
        pty.send(b"g");
        for _ in 0..level_row("simple-counter") {
            pty.send(b"j");
        }
        pty.wait_for("Simple Counter");
        pty.send(b"\r");
        pty.wait_for("Challenge: Simple Counter");
        pty.wait_for("Goal: make an assert fail");
        // A hint, then a move taken back.
        pty.send(b"h");
        pty.wait_for("Hint 1 of 3");
        pty.send(b"2");
        pty.wait_for("step 1");
        pty.send(b"u");
        pty.wait_for("Undone.");
        pty.wait_for("step 0");
        // A thread that is not there says so.
        pty.send(b"7");
        pty.wait_for("there is no thread 7");
        // Thread-1 reads total, Thread-2 runs its whole statement, Thread-1
        // stores its stale value: the lost update.
        pty.send(b"e1");
        pty.wait_for("read total = 0");
        pty.send(b"2");
        pty.send(b"1");
        pty.wait_for("Broken:");
        pty.wait_for("1e,2,1");
        // The fix, proved.
        pty.send(b"f");
        pty.wait_for("fixed version");
        pty.send(b"p");
        pty.wait_for("no schedule breaks it");
        pty.send(b"\x1b");
        pty.wait_for("lessons done");
        pty.wait_for("won in 3 steps, 1 hint");
        pty.send(b"q");
        assert_eq!(pty.wait_exit(), 0);
        pty.assert_restored();
        let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
        assert!(
            saved.contains("[challenges.simple-counter]") && saved.contains("best = \"1e,2,1\""),
            "{saved}"
        );
    }
}
