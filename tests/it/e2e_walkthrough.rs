//! A new learner's first sitting and their return, end to end in a
//! pseudo-terminal with the real lessons: read Part 1, run the thread-order
//! and gil demos, take Pop Quiz 1, quit; start again and continue where they
//! left off.

use crate::common;

use common::pty::Pty;

const RIGHT: &[u8] = b"\x1b[C";
const CTRL_S: &[u8] = b"\x13";

#[test]
fn a_new_learner_reads_part_1_runs_demos_takes_pop_quiz_1_and_comes_back() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&[], data.path(), 110, 36);
    pty.wait_for("Python Threads");
    pty.wait_for("0 of 18 lessons done");

    // Part 1 starts with the second lesson; read until Part 2 begins.
    pty.send(b"j\r");
    pty.wait_for("Part 1: Thread Intro › What Are Threads?");
    let mut presses = 0;
    while !pty.screen().contains("lesson 6/18") {
        assert!(presses < 200, "never reached Part 2:\n{}", pty.screen());
        pty.send(RIGHT);
        presses += 1;
    }
    pty.wait_for("Part 2: Thread Theory and the Thread Library");

    // The demos, from the demos screen.
    pty.send(b"\x1b");
    pty.wait_for("4 of 18 lessons done");
    pty.send(b"d");
    pty.wait_for("Live demos");
    pty.send(b"\r");
    pty.wait_for("Live demo · thread-order");
    // Demos run slowly enough to follow by default: a learner in a hurry
    // turns the speed up to full before starting.
    pty.send(b"]]]]]");
    pty.wait_for("full");
    pty.send(b"s");
    pty.wait_for("finished in");
    pty.wait_for("interleavings");
    pty.send(b"\x1b");
    pty.wait_for("Live demos");
    pty.send(b"j\r");
    pty.wait_for("Live demo · gil");
    pty.send(b"]]]]]");
    pty.wait_for("full");
    pty.send(b"s");
    pty.wait_for("finished in");
    pty.send(b"\x1b");
    pty.wait_for("Live demos");
    pty.send(b"\x1b");
    pty.wait_for("lessons done");

    // Pop Quiz 1: the first quiz on the home screen, after the 18 lessons.
    pty.send(b"g");
    for _ in 0..18 {
        pty.send(b"j");
    }
    pty.wait_for("Pop Quiz 1");
    pty.send(b"\r");
    pty.wait_for("Quiz · Pop Quiz 1");
    pty.wait_for("question 1/");
    pty.send(b"Threads share memory; processes do not. Both run at the same time.");
    let mut answered = 0;
    while !pty.screen().contains("Score") {
        assert!(answered < 20, "the quiz did not end:\n{}", pty.screen());
        // Submit whatever is there (Ctrl-S works for every kind; y says
        // yes when the quiz asks before submitting an empty answer, and does
        // nothing on the feedback), then go on.
        pty.send(b"1");
        pty.send(CTRL_S);
        pty.send(b"y");
        pty.send(b"\r");
        answered += 1;
    }
    pty.wait_for("Score");
    pty.send(b"\r");
    pty.wait_for("lessons done");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    drop(pty);

    // The next sitting: progress is there, and `c` continues.
    let mut pty = Pty::spawn(&[], data.path(), 110, 36);
    pty.wait_for("4 of 18 lessons done");
    pty.wait_for("● What Are Threads?");
    // Down to the quizzes (after the 18 lessons): the attempt's score.
    pty.send(b"g");
    for _ in 0..18 {
        pty.send(b"j");
    }
    pty.wait_for("best");
    pty.send(b"c");
    pty.wait_for("Part 2: Thread Theory and the Thread Library › Thread Theory");
    pty.wait_for("slide 1/8");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}
