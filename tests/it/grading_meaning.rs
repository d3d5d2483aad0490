//! FreeText grading on meaning: each failure issue 16 reports, on the real
//! pop-quiz rubrics. Wrong statements built from the right words earn
//! nothing; right answers written informally, with typos, or with a word
//! between the words of a phrase earn their points; and the feedback says why.

use std::path::PathBuf;

use threadtutor::content::quiz::{Question, Quiz, load_quiz_file};
use threadtutor::quiz::grade::{Grade, Response, grade_answer};

fn pop_quiz(n: u32) -> Quiz {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("quizzes/pop-quiz-{n}.toml"));
    load_quiz_file(&path).unwrap_or_else(|ds| panic!("{ds:?}"))
}

fn question(quiz: &Quiz, id: &str) -> Question {
    quiz.question(id)
        .unwrap_or_else(|| panic!("no question {id}"))
        .clone()
}

fn grade(n: u32, id: &str, answer: &str) -> Grade {
    grade_answer(
        &question(&pop_quiz(n), id),
        Some(&Response::Text(answer.to_string())),
    )
}

fn found(g: &Grade, label_part: &str) -> bool {
    g.found.iter().any(|l| l.contains(label_part))
}

#[test]
fn permission_to_share_is_not_an_answer_to_what_not_to_share() {
    let g = grade(
        1,
        "what-not-to-share",
        "It's fine to share files, GUI objects and database connections",
    );
    assert_eq!(g.points, 0.0, "{g:#?}");
    let g = grade(
        1,
        "what-not-to-share",
        "I never use files, windows or sockets",
    );
    assert_eq!(g.points, 0.0, "{g:#?}");
    // The right answer, said either way, still earns them.
    let g = grade(
        1,
        "what-not-to-share",
        "Don't share files, GUI objects or database connections.",
    );
    assert_eq!(g.points, 3.0, "{g:#?}");
    let g = grade(
        1,
        "what-not-to-share",
        "Files, GUI objects and database connections.",
    );
    assert_eq!(g.points, 3.0, "{g:#?}");
}

#[test]
fn a_claim_about_processes_does_not_earn_a_point_about_threads() {
    let g = grade(1, "threads-vs-processes", "Processes share the same memory");
    assert!(!found(&g, "threads share"), "{g:#?}");
    assert_eq!(g.points, 0.0);
    assert!(
        g.feedback
            .iter()
            .any(|f| f.contains("processes share memory")),
        "{:#?}",
        g.feedback
    );
    let g = grade(
        1,
        "threads-vs-processes",
        "Thanks to the GIL they run in parallel",
    );
    assert_eq!(g.points, 0.0, "{g:#?}");
}

#[test]
fn a_claim_about_condition_does_not_earn_the_semaphore_point() {
    let g = grade(
        2,
        "primitive-uses",
        "Condition limits the number of threads",
    );
    assert!(!found(&g, "Semaphore"), "{g:#?}");
    assert!(
        g.feedback
            .iter()
            .any(|f| f.contains("Semaphore") && f.contains("about condition")),
        "{:#?}",
        g.feedback
    );
    let g = grade(
        2,
        "primitive-uses",
        "Semaphore limits the number of threads",
    );
    assert!(found(&g, "Semaphore"), "{g:#?}");
}

#[test]
fn needing_your_own_lock_is_not_the_queue_doing_the_locking() {
    let g = grade(2, "why-queues", "You still need your own lock");
    assert!(!found(&g, "thread-safe"), "{g:#?}");
    assert_eq!(g.points, 0.0);
    let g = grade(2, "why-queues", "The queue does the locking for you.");
    assert!(found(&g, "thread-safe"), "{g:#?}");
}

#[test]
fn re_raising_in_the_main_thread_is_not_passing_systemexit_through() {
    let g = grade(
        3,
        "handle-exceptions",
        "An exception in a thread is re-raised in the main thread.",
    );
    assert!(!found(&g, "SystemExit"), "{g:#?}");
    assert_eq!(g.points, 0.0);
}

#[test]
fn threading_the_module_is_not_thread() {
    let g = grade(1, "create-thread", "Threads are cool.");
    assert_eq!(g.points, 0.0, "{g:#?}");
    let g = grade(1, "create-thread", "Use the threading module.");
    assert!(found(&g, "threading module"), "{g:#?}");
}

#[test]
fn lists_of_keywords_earn_little() {
    for (n, id, list) in [
        (
            2,
            "why-queues",
            "thread-safe, synchronized, simple, producer consumer, decoupled",
        ),
        (
            3,
            "handle-exceptions",
            "try, finally, except, SystemExit, KeyboardInterrupt, join, excepthook",
        ),
        (
            1,
            "what-is-gil",
            "interpreter, lock, one thread, multiple CPUs, I/O, reference counts",
        ),
        (
            1,
            "gil-easier-harder",
            "atomic, interpreter, multicore, locks, races, reproduce",
        ),
    ] {
        let g = grade(n, id, list);
        assert!(g.points <= 1.0, "{id}: {list} scored {}: {g:#?}", g.points);
    }
}

#[test]
fn right_answers_written_informally_earn_their_points() {
    let g = grade(
        3,
        "handle-exceptions",
        "wrap lock stuff in try/finally (or just use with) so the lock always gets let go. \
         in main, have a big try/except around everything that tells the workers to quit and \
         joins them, but don't eat ctrl-c or sys.exit. and errors inside a thread don't show up \
         in main, so catch them in run() and put them on a queue",
    );
    assert!(g.points >= 5.0, "{g:#?}");
    let g = grade(
        3,
        "handle-exceptions",
        "Put the lock release in a finally block",
    );
    assert_eq!(g.points, 2.0, "{g:#?}");
    let g = grade(1, "what-is-gil", "only one Python thread runs at a time");
    assert!(found(&g, "only one thread"), "{g:#?}");
}

#[test]
fn typos_and_informal_words_keep_the_point() {
    let g = grade(1, "what-is-gil", "The global interpeter lock");
    assert!(found(&g, "Global Interpreter Lock"), "{g:#?}");
    let g = grade(3, "handle-exceptions", "Release the lock in a finaly block");
    assert!(found(&g, "try/finally"), "{g:#?}");
    let g = grade(
        2,
        "primitive-uses",
        "Conditon: wait until another thread notifies you",
    );
    assert!(found(&g, "Condition()"), "{g:#?}");
    let g = grade(
        3,
        "handle-exceptions",
        "An exeption in a worker never reaches the main thread, so catch it inside run()",
    );
    assert!(found(&g, "inside the thread"), "{g:#?}");
    let g = grade(
        1,
        "what-is-gil",
        "a thread lets go of it while it waits for I/O",
    );
    assert!(found(&g, "released"), "{g:#?}");
    let g = grade(3, "handle-exceptions", "don't swallow ctrl-c");
    assert!(found(&g, "KeyboardInterrupt"), "{g:#?}");
    let g = grade(1, "what-is-gil", "no speed-up even with 8 cores");
    assert!(found(&g, "several CPUs"), "{g:#?}");
    // A typo is never read as another key term.
    let g = grade(
        2,
        "primitive-uses",
        "RLock: only one thread at a time in a critical section",
    );
    assert!(!found(&g, "Lock(): mutual"), "{g:#?}");
}

#[test]
fn feedback_says_what_matched_and_why_not() {
    let g = grade(
        1,
        "threads-vs-processes",
        "Threads share memory. Threads don't need locks.",
    );
    assert!(
        g.feedback
            .iter()
            .any(|f| f.starts_with("✓ different: threads share") && f.contains("share memory”")),
        "{:#?}",
        g.feedback
    );
    assert!(
        g.feedback
            .iter()
            .any(|f| f.starts_with("✗ sharing memory means") && f.contains("opposite")),
        "{:#?}",
        g.feedback
    );
}

#[test]
fn rubric_keys_pattern_message_and_subjects() {
    use threadtutor::content::quiz::{QuestionKind, parse_quiz};
    let text = r#"
[[questions]]
type = "FreeText"
id = "light"
prompt.prompt = "Threads or processes?"
answer.model = "Threads are lightweight."

[[questions.answer.concepts]]
label = "threads are lightweight"
pattern = "lightweight"
subjects = ["threads"]

[[questions.answer.misconceptions]]
label = "processes are lightweight"
pattern = "process* ... lightweight"
message = "processes are the heavy ones"
"#;
    let quiz = parse_quiz("q", "q.toml", text).unwrap_or_else(|d| panic!("{d:?}"));
    let q = &quiz.questions[0];
    let QuestionKind::FreeText(f) = &q.kind else {
        panic!("not FreeText");
    };
    assert_eq!(f.rubric.concepts[0].subjects, ["thread"]);
    assert_eq!(
        f.rubric.misconceptions[0].message(),
        "processes are the heavy ones"
    );
    let g = grade_answer(q, Some(&Response::Text("Threads are lightweight.".into())));
    assert_eq!(g.points, 1.0);
    // About another subject: not credited, and the feedback says so.
    let g = grade_answer(q, Some(&Response::Text("Locks are lightweight.".into())));
    assert_eq!(g.points, 0.0);
    assert!(g.feedback[0].contains("about locks"), "{:?}", g.feedback);
    let g = grade_answer(
        q,
        Some(&Response::Text("Processes are lightweight.".into())),
    );
    assert_eq!(g.points, 0.0);
    assert!(
        g.feedback
            .iter()
            .any(|f| f.contains("processes are the heavy ones")),
        "{:?}",
        g.feedback
    );

    let bad = text.replace(
        "subjects = [\"threads\"]",
        "subjects = [\"threads\"]\nmessage = \"no\"",
    );
    let errs = parse_quiz("q", "q.toml", &bad).unwrap_err();
    assert!(
        errs.iter().any(|d| d
            .to_string()
            .contains("`message` is only for misconceptions")),
        "{errs:?}"
    );
}
