//! `threadtutor quiz ID --plain`: the questions as plain lines on stdout,
//! answers from stdin, no escape sequence anywhere, the attempt recorded in
//! the progress file like the full-screen quiz's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use threadtutor::cli::quiz_plain::take_quiz;
use threadtutor::content::quiz::{Language, Question, QuestionKind, Quiz, load_quiz_file};
use threadtutor::progress::Store;
use threadtutor::quiz::shuffle::shown_options;

fn quiz_file(name: &str) -> Quiz {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("quizzes");
    load_quiz_file(&dir.join(format!("{name}.toml"))).unwrap()
}

/// Run the binary with `stdin` as its input and `data` as its data folder.
fn run(args: &[&str], stdin: &str, data: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(args)
        .env("THREADTUTOR_DATA_DIR", data)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_string();
    // Written from another thread: the child may fill its stdout pipe first.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// The number (1-based, as shown with `seed`) of each of `wanted`.
fn numbers(q: &Question, seed: u64, wanted: &[String]) -> Vec<String> {
    let shown = shown_options(q, seed);
    wanted
        .iter()
        .map(|w| {
            let i = shown.iter().position(|s| s == w).unwrap();
            (i + 1).to_string()
        })
        .collect()
}

/// Lines of text as a block answer: no blank line inside, an empty line
/// after.
fn block(text: &str) -> String {
    let mut s: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    s.push('\n');
    s
}

/// The input that answers `q` right when options are shown with `seed`.
fn right_input(q: &Question, seed: u64) -> String {
    match &q.kind {
        QuestionKind::MultipleChoice(mc) => numbers(q, seed, &mc.answers).join(" ") + "\n",
        QuestionKind::ShortAnswer(sa) => {
            use threadtutor::content::quiz::ResponseFormat;
            match sa.response {
                ResponseFormat::Short => format!("{}\n", sa.answer),
                ResponseFormat::Long | ResponseFormat::Code => block(&sa.answer),
            }
        }
        QuestionKind::FreeText(f) => block(&f.model_answer),
        QuestionKind::Tracing(t) => {
            let output = block(t.stdout.as_deref().unwrap_or(""));
            if t.does_compile {
                format!("y\n{output}")
            } else {
                let line = t.line_number.map_or("-".to_string(), |n| n.to_string());
                match t.language {
                    Language::Python => format!("n\n{line}\n{output}"),
                    Language::Rust => format!("n\n{line}\n"),
                }
            }
        }
        QuestionKind::Matching(m) => {
            let rights: Vec<String> = m.pairs.iter().map(|(_, r)| r.clone()).collect();
            numbers(q, seed, &rights)
                .into_iter()
                .map(|n| n + "\n")
                .collect()
        }
        QuestionKind::Ordering(o) => numbers(q, seed, &o.steps).join(", ") + "\n",
    }
}

/// A wrong answer to a MultipleChoice question: its first distractor.
fn wrong_input(q: &Question, seed: u64) -> String {
    let QuestionKind::MultipleChoice(mc) = &q.kind else {
        panic!("{} is not MultipleChoice", q.key());
    };
    numbers(q, seed, &mc.distractors[..1]).join(" ") + "\n"
}

fn no_escape(bytes: &[u8], what: &str) {
    assert!(
        !bytes.contains(&0x1b),
        "an ESC byte in {what}: {}",
        String::from_utf8_lossy(bytes)
    );
}

#[test]
fn a_whole_check_quiz_through_stdin_and_stdout() {
    // check-gil: MultipleChoice and ShortAnswer questions. Two right (the
    // ShortAnswer by one of its alternatives), one wrong.
    let quiz = quiz_file("check-gil");
    let seed = 7;
    assert_eq!(quiz.questions.len(), 3);
    let mut input = String::new();
    let mut expect_right = Vec::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let right = i != 0;
        expect_right.push(right);
        input.push_str(&match (&q.kind, right) {
            (QuestionKind::ShortAnswer(sa), true) => {
                // Typed the way a person might: an accepted alternative, in
                // backticks with a call's parentheses.
                let alt = sa.alternatives.first().unwrap_or(&sa.answer);
                format!("`{alt}()`\n")
            }
            (_, true) => right_input(q, seed),
            (_, false) => wrong_input(q, seed),
        });
    }
    let data = tempfile::tempdir().unwrap();
    let o = run(
        &["quiz", "check-gil", "--plain", "--seed", "7"],
        &input,
        data.path(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    no_escape(&o.stdout, "stdout");
    no_escape(&o.stderr, "stderr");
    // Every question asked, with its feedback in words.
    for (i, q) in quiz.questions.iter().enumerate() {
        assert!(
            out.contains(&format!(
                "Question {} of 3 ({}, 1 point):",
                i + 1,
                q.kind_name()
            )),
            "{out}"
        );
    }
    assert_eq!(out.matches("Right: 1 of 1 point.").count(), 2, "{out}");
    assert_eq!(out.matches("Wrong: 0 of 1 point.").count(), 1, "{out}");
    assert!(out.contains("your answer:"), "{out}");
    assert!(out.contains("correct answer:"), "{out}");
    assert!(out.contains("Score: 2 / 3 (66.7%)."), "{out}");
    let first = quiz.questions[0].key();
    assert!(out.contains(&format!("To retry: {first}.")), "{out}");
    assert!(out.contains("Recorded in "), "{out}");
    // The attempt is in the progress file, as the TUI records it.
    let progress = Store::new(data.path()).load().progress;
    let attempts = &progress.quizzes["check-gil"].attempts;
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!((attempts[0].score, attempts[0].max), (2.0, 3.0));
    assert_eq!(attempts[0].missed, [first]);
    assert!(attempts[0].at > 0);

    // A second run adds a second attempt (merged under the lock).
    let all_right: String = quiz
        .questions
        .iter()
        .map(|q| right_input(q, seed))
        .collect();
    let o = run(
        &["quiz", "check-gil", "--plain", "--seed", "7"],
        &all_right,
        data.path(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("Score: 3 / 3 (100.0%).\nEverything right."),
        "{out}"
    );
    let progress = Store::new(data.path()).load().progress;
    let attempts = &progress.quizzes["check-gil"].attempts;
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(
        attempts
            .iter()
            .any(|a| a.score == 3.0 && a.missed.is_empty())
    );
}

#[test]
fn every_kind_of_question_answered_right_scores_full_marks() {
    // The pop quizzes hold every kind: MultipleChoice (one and several
    // answers), ShortAnswer, Tracing, FreeText, Matching, Ordering.
    let mut kinds = std::collections::BTreeSet::new();
    for name in ["pop-quiz-1", "pop-quiz-2", "pop-quiz-3"] {
        let quiz = quiz_file(name);
        for seed in [1, 99] {
            let input: String = quiz
                .questions
                .iter()
                .map(|q| right_input(q, seed))
                .collect();
            let mut out = Vec::new();
            let taken = take_quiz(&quiz, seed, &mut input.as_bytes(), &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(!taken.stopped, "{name}: {text}");
            let (score, max) = taken.score();
            assert_eq!(score, max, "{name} seed {seed}: {text}");
            assert_eq!(max, quiz.max_points());
            assert!(!text.contains('\u{1b}'), "{text}");
            assert!(!text.contains("Not understood"), "{name}: {text}");
            assert!(text.contains("Everything right."), "{text}");
        }
        kinds.extend(quiz.questions.iter().map(Question::kind_name));
    }
    assert_eq!(kinds.len(), QuestionKind::NAMES.len(), "{kinds:?}");
}

#[test]
fn unreadable_answers_are_asked_again_and_dash_skips() {
    let quiz = quiz_file("check-locks");
    let seed = 3;
    let q = &quiz.questions;
    // Q1: nonsense, out of range, two numbers for a one-answer question,
    // then right. Q2: skipped. Q3: an empty line, then right.
    let input = format!(
        "what\n9\n1 2\n{}-\n\n{}",
        right_input(&q[0], seed),
        right_input(&q[2], seed)
    );
    let mut out = Vec::new();
    let taken = take_quiz(&quiz, seed, &mut input.as_bytes(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Not understood: `what` is not a number from 1 to 4. Try again (- to skip)."),
        "{text}"
    );
    assert!(
        text.contains("Not understood: `9` is not a number from 1 to 4."),
        "{text}"
    );
    assert!(
        text.contains("Not understood: this question takes one option: type one number."),
        "{text}"
    );
    assert!(
        text.contains("Not understood: type a number from 1 to 4."),
        "{text}"
    );
    assert!(text.contains("Not answered: 0 of 1 point."), "{text}");
    assert_eq!(taken.score(), (2.0, 3.0));
    assert!(!taken.stopped);
    let attempt = taken.attempt(5).unwrap();
    assert_eq!(attempt.missed, [q[1].key()]);
}

#[test]
fn end_of_input_stops_cleanly_and_records_only_what_was_answered() {
    let quiz = quiz_file("check-locks");
    let data = tempfile::tempdir().unwrap();
    let seed = 11;
    // One question answered (right), then the input ends mid-quiz.
    let input = right_input(&quiz.questions[0], seed);
    let o = run(
        &["quiz", "check-locks", "--plain", "--seed", "11"],
        &input,
        data.path(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    no_escape(&o.stdout, "stdout");
    assert!(
        out.contains(
            "The input ended before question 2 of 3: the quiz stops here, and the 2 questions not reached are not recorded."
        ),
        "{out}"
    );
    assert!(
        out.contains("Score over the 1 question asked: 1 / 1 (100.0%)."),
        "{out}"
    );
    let attempts = Store::new(data.path()).load().progress.quizzes["check-locks"]
        .attempts
        .clone();
    assert_eq!(attempts.len(), 1);
    assert_eq!((attempts[0].score, attempts[0].max), (1.0, 1.0));

    // Nothing answered at all: nothing recorded.
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["quiz", "check-locks", "--plain"], "", empty.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Nothing answered: nothing recorded."), "{out}");
    assert!(!empty.path().join("progress.toml").exists());
}

#[test]
fn plain_with_a_sheet_flag_is_a_usage_error() {
    let data = tempfile::tempdir().unwrap();
    for flags in [
        &["--template"][..],
        &["--answers", "sheet.toml"],
        &["--answers", "sheet.toml", "--json"],
    ] {
        let mut args = vec!["quiz", "check-locks", "--plain"];
        args.extend_from_slice(flags);
        let o = run(&args, "", data.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains("--plain takes the quiz"), "{err}");
        assert!(o.stdout.is_empty());
    }
    assert!(!data.path().join("progress.toml").exists());
    // --help says how to answer.
    let o = run(&["quiz", "--help"], "", data.path());
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("With --plain the quiz is asked as plain lines"),
        "{help}"
    );
    assert!(help.contains("compiles? (y/n)"), "{help}");
}

#[test]
fn hostile_quiz_text_reaches_the_output_inert() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.toml");
    std::fs::write(
        &path,
        "[[questions]]\nid = \"esc\"\ntype = \"MultipleChoice\"\nprompt.prompt = \"Red \\u001b[31mtext\\u001b[0m?\"\nanswer.answer = \"yes \\u001b]52;c;SGk=\\u0007\"\nprompt.distractors = [\"no\"]\ncontext = \"why \\u001b[2J\"\n",
    )
    .unwrap();
    let quiz = load_quiz_file(&path).unwrap();
    // The learner's own input carries an escape too.
    let input = "\u{1b}[1m1\u{1b}[0m\n2\n";
    let mut out = Vec::new();
    take_quiz(&quiz, 1, &mut input.as_bytes(), &mut out).unwrap();
    assert!(!out.contains(&0x1b), "{}", String::from_utf8_lossy(&out));
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("␛[31m"), "{text}");
}
