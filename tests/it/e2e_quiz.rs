//! Taking Pop Quiz 2 end to end in a pseudo-terminal, as a learner would:
//! `threadtutor quiz pop-quiz-2`, every question answered, the results read,
//! and the attempt found in progress afterwards.

use crate::common;

use common::pty::Pty;

const CTRL_S: &[u8] = b"\x13";

#[test]
fn take_pop_quiz_2() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&["quiz", "pop-quiz-2", "--seed", "3"], data.path(), 100, 34);
    pty.wait_for("What are \"brute force\" threads?");
    pty.wait_for("question 1/7");
    pty.send(b"One thread per unit of work; the main loop polls them, which is inefficient.");
    pty.send(CTRL_S);
    pty.wait_for("one new thread per unit of work");
    pty.send(b"\r");
    pty.wait_for("question 2/7");
    pty.send(
        b"Lock protects shared data; RLock can be acquired again by the thread that holds it.",
    );
    pty.send(CTRL_S);
    pty.wait_for("A model answer");
    pty.send(b"\r");
    pty.wait_for("Match each item");
    // Nothing matched: the quiz asks before submitting it.
    pty.send(b"\r");
    pty.wait_for("Submit it anyway?");
    pty.send(b"y");
    pty.wait_for("The answer");
    pty.send(b"\r");
    pty.wait_for("Why are queues great?");
    // Bracketed paste lands in the answer as typed text.
    pty.send(b"\x1b[200~They handle both data protection\nand synchronization.\x1b[201~");
    pty.wait_for("and synchronization.");
    pty.send(CTRL_S);
    pty.wait_for("A model answer");
    pty.send(b"\r");
    pty.wait_for("Choose one:");
    pty.send(b"1\r");
    pty.wait_for("The answer");
    pty.send(b"\r");
    pty.wait_for("put_nowait");
    pty.send(b"queue.Full\r");
    pty.wait_for("✓ Correct");
    pty.send(b"\r");
    pty.wait_for("runs without an error");
    pty.send(b"y\t");
    pty.send(b"True\rFalse");
    pty.send(CTRL_S);
    pty.wait_for("The answer");
    pty.send(b"\r");
    pty.wait_for("Score");
    pty.wait_for("brute-force-threads");
    pty.wait_for("r retries just those");
    pty.send(b"\r");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(saved.contains("[[quizzes.pop-quiz-2.attempts]]"), "{saved}");
    assert!(saved.contains("max = 25.0"), "{saved}");
}
