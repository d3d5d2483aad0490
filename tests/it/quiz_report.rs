//! The text report of `quiz --answers`: the learner's own answer beside the
//! correct one (`your answer:`, `correct answer:`), every MultipleChoice
//! option marked ✓/✗ with the learner's picks, the Matching pairs and
//! Ordering steps placed wrong, and the FreeText feedback.

use std::path::PathBuf;

use threadtutor::content::quiz::{Quiz, load_quiz_file};
use threadtutor::quiz::grade::{Response, grade_responses};
use threadtutor::quiz::report::text_report;

fn quiz(id: &str) -> Quiz {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("quizzes/{id}.toml"));
    load_quiz_file(&path).unwrap_or_else(|d| panic!("{d:?}"))
}

fn responses(quiz: &Quiz, answers: Vec<(&str, Response)>) -> Vec<Option<Response>> {
    let mut out = vec![None; quiz.questions.len()];
    for (key, r) in answers {
        let q = quiz.question(key).unwrap_or_else(|| panic!("no {key}"));
        out[q.position - 1] = Some(r);
    }
    out
}

/// The report's lines for one question: its heading line and what follows,
/// up to the next question's heading (`  5. key ...`) or the score.
fn section(report: &str, key: &str) -> String {
    let is_heading = |l: &str| {
        let t = l.trim_start();
        l.len() - t.len() <= 3
            && t.split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut out = String::new();
    let mut inside = false;
    for l in report.lines() {
        if is_heading(l) || l.starts_with("Score:") {
            inside = is_heading(l) && l.contains(&format!(". {key} "));
        }
        if inside {
            out.push_str(l);
            out.push('\n');
        }
    }
    assert!(!out.is_empty(), "no {key} in\n{report}");
    out
}

#[test]
fn multiple_choice_marks_every_option_and_the_picks() {
    let q = quiz("pop-quiz-2");
    let r = responses(
        &q,
        vec![(
            "queue-put-full",
            Response::Text("It raises `queue.Full` at once".into()),
        )],
    );
    let report = text_report(&q, &grade_responses(&q, "Ada", &r));
    let s = section(&report, "queue-put-full");
    assert!(s.contains("       your answer:\n"), "{s}");
    assert!(
        s.contains("[x] ✗ It raises queue.Full at once  ← your pick, wrong\n"),
        "{s}"
    );
    assert!(
        s.contains(
            "[ ] ✓ It blocks until another thread takes an item out, then adds it  ← correct, not picked\n"
        ),
        "{s}"
    );
    assert!(
        s.contains("[ ] ✗ It drops the oldest item to make room\n"),
        "{s}"
    );
    assert!(s.contains("       correct answer:\n"), "{s}");
}

#[test]
fn short_answers_show_both_answers_and_right_ones_only_the_learners() {
    let q = quiz("pop-quiz-2");
    let r = responses(
        &q,
        vec![("put-nowait-exception", Response::Text("Full".into()))],
    );
    let report = text_report(&q, &grade_responses(&q, "Ada", &r));
    let s = section(&report, "put-nowait-exception");
    assert!(s.contains("       your answer: Full\n"), "{s}");
    assert!(
        s.contains("       correct answer:\n         queue.Full\n"),
        "{s}"
    );

    let r = responses(
        &q,
        vec![(
            "put-nowait-exception",
            Response::Text("queue.Full()".into()),
        )],
    );
    let report = text_report(&q, &grade_responses(&q, "Ada", &r));
    let s = section(&report, "put-nowait-exception");
    assert!(s.contains("       your answer: queue.Full()\n"), "{s}");
    assert!(!s.contains("correct answer"), "{s}");
}

#[test]
fn matching_and_ordering_show_what_was_placed_wrong() {
    let q = quiz("pop-quiz-2");
    let r = responses(
        &q,
        vec![(
            "match-primitives",
            Response::Pairs(vec![
                (
                    "Lock()".into(),
                    "Let only one thread at a time into a critical section".into(),
                ),
                (
                    "Event()".into(),
                    "Let at most N threads use a resource at once".into(),
                ),
            ]),
        )],
    );
    let report = text_report(&q, &grade_responses(&q, "Ada", &r));
    let s = section(&report, "match-primitives");
    assert!(
        s.contains("✓ Lock() → Let only one thread at a time into a critical section\n"),
        "{s}"
    );
    assert!(
        s.contains("✗ Event() → Let at most N threads use a resource at once  (belongs with: A flag: threads wait() until another thread set()s it)\n"),
        "{s}"
    );

    let q = quiz("pop-quiz-3");
    let steps: Vec<String> = match &q.question("worker-shutdown-order").unwrap().kind {
        threadtutor::content::quiz::QuestionKind::Ordering(o) => o.steps.clone(),
        _ => panic!("not an Ordering question"),
    };
    let mut given = steps.clone();
    given.swap(1, 2);
    let r = responses(&q, vec![("worker-shutdown-order", Response::Order(given))]);
    let report = text_report(&q, &grade_responses(&q, "Ada", &r));
    let s = section(&report, "worker-shutdown-order");
    assert!(s.contains(&format!("✓ 1. {}\n", steps[0])), "{s}");
    assert!(
        s.contains(&format!("✗ 2. {}  (belongs at 3)\n", steps[2])),
        "{s}"
    );
    assert!(
        s.contains(&format!("✗ 3. {}  (belongs at 2)\n", steps[1])),
        "{s}"
    );
    assert!(s.contains("       correct answer:\n"), "{s}");
}

#[test]
fn free_text_shows_the_answer_the_feedback_and_the_model() {
    let q = quiz("pop-quiz-2");
    let r = responses(
        &q,
        vec![(
            "why-queues",
            Response::Text("You still need your own lock around every put and get.".into()),
        )],
    );
    let report = text_report(&q, &grade_responses(&q, "Ada", &r));
    let s = section(&report, "why-queues");
    assert!(
        s.contains("       your answer: You still need your own lock around every put and get.\n"),
        "{s}"
    );
    assert!(
        s.contains("wrong statement (−1): a queue does its own locking"),
        "{s}"
    );
    assert!(
        s.contains("       correct answer:\n         A queue is thread-safe"),
        "{s}"
    );
}
