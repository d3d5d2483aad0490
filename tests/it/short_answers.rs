//! ShortAnswer grading on the real quizzes: answers compared after
//! normalising case, surrounding whitespace and backticks, a trailing `()`,
//! and a leading module path the question names; `alternatives`; `exact`.
//! The right answers below are the ones issue 16 found scored 0.

use std::path::PathBuf;

use threadtutor::content::quiz::{QuestionKind, Quiz, load_quiz_file, parse_quiz};
use threadtutor::quiz::grade::{Response, grade_answer};

fn quiz(id: &str) -> Quiz {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("quizzes/{id}.toml"));
    load_quiz_file(&path).unwrap_or_else(|d| panic!("{d:?}"))
}

fn right(quiz_id: &str, question: &str, answer: &str) -> bool {
    let quiz = quiz(quiz_id);
    let q = quiz
        .question(question)
        .unwrap_or_else(|| panic!("{quiz_id}: no {question}"));
    grade_answer(q, Some(&Response::Text(answer.to_string()))).correct
}

#[test]
fn right_answers_written_as_people_write_them_score() {
    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "check-gil",
            "gil-switch-interval",
            &[
                "setswitchinterval",
                "sys.setswitchinterval()",
                "setswitchinterval()",
                "`sys.setswitchinterval`",
                "  SetSwitchInterval ",
            ],
            &[
                "setcheckinterval",
                "getswitchinterval",
                "os.setswitchinterval",
            ],
        ),
        (
            "check-creating-threads",
            "create-is-alive",
            &[
                "is_alive()",
                "Thread.is_alive()",
                "t.is_alive()",
                "threading.Thread.is_alive",
            ],
            &["isAlive", "alive", "is_set"],
        ),
        (
            "check-semaphore-condition-event",
            "event-is-set",
            &[
                "is_set()",
                "Event.is_set()",
                "event.is_set",
                "threading.Event.is_set()",
            ],
            &["isSet", "set", "is_alive"],
        ),
        (
            "check-tkinter",
            "tk-after",
            &["after()", "widget.after()", "root.after()", "`after`"],
            &["after_idle", "mainloop", "sleep"],
        ),
        (
            "check-exceptions",
            "exc-excepthook",
            &[
                "threading.excepthook",
                "excepthook()",
                "threading.excepthook()",
            ],
            &["sys.excepthook", "hook"],
        ),
        (
            "check-spider-queue",
            "pool-executor",
            &[
                "concurrent.futures.ThreadPoolExecutor",
                "ThreadPoolExecutor()",
                "futures.ThreadPoolExecutor",
            ],
            &[
                "ProcessPoolExecutor",
                "ThreadPool",
                "multiprocessing.pool.ThreadPool",
            ],
        ),
        (
            "check-killing-debugging-scheduling",
            "debug-dump",
            &[
                "faulthandler",
                "faulthandler.dump_traceback",
                "import faulthandler",
            ],
            &["traceback", "sys", "pdb"],
        ),
        (
            "check-thread-intro",
            "use-threading",
            &[
                "threading",
                "import threading",
                "the threading module",
                "`threading`",
            ],
            &["thread", "_thread", "multiprocessing"],
        ),
        (
            "check-thread-theory",
            "queue-renamed",
            &["queue", "import queue", "queue module"],
            &["Queue2", "collections", "multiprocessing"],
        ),
        (
            "check-factory",
            "factory-stop",
            &["None", "none", "None (a sentinel)"],
            &["0", "False", "STOP"],
        ),
        (
            "check-gil-details",
            "dis-binary-op",
            &["BINARY_OP", "binary_op", "BINARY_OP 13 (+=)"],
            &["INPLACE_ADD", "BINARY_ADD"],
        ),
        (
            "check-extensions-and-microthreads",
            "c-release-gil",
            &[
                "Py_BEGIN_ALLOW_THREADS",
                "py_begin_allow_threads;",
                "Py_BEGIN_ALLOW_THREADS / Py_END_ALLOW_THREADS",
            ],
            &["Py_END_ALLOW_THREADS", "PyGILState_Ensure"],
        ),
        (
            "check-queues",
            "queue-nonblocking",
            &[
                "queue.Empty",
                "Queue.Empty",
                "`queue.Empty`",
                "queue.Empty()",
            ],
            // "Write it as module.Name": the bare name is not enough.
            &["Empty", "queue.Full", "IndexError"],
        ),
        (
            "pop-quiz-1",
            "is-alive-name",
            &["is_alive", "is_alive()", "Thread.is_alive()"],
            &["isAlive()", "alive"],
        ),
        (
            "pop-quiz-2",
            "put-nowait-exception",
            &["queue.Full", "queue.Full()", "QUEUE.FULL"],
            // "Write its full name" (`exact = true`).
            &["Full", "Full()", "queue.Empty"],
        ),
    ];
    for (quiz_id, q, good, bad) in cases {
        for a in *good {
            assert!(right(quiz_id, q, a), "{quiz_id}/{q}: `{a}` should be right");
        }
        for a in *bad {
            assert!(
                !right(quiz_id, q, a),
                "{quiz_id}/{q}: `{a}` should be wrong"
            );
        }
    }
}

#[test]
fn every_short_answer_of_every_quiz_has_alternatives() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("quizzes");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let quiz = load_quiz_file(&path).unwrap_or_else(|d| panic!("{d:?}"));
        for q in &quiz.questions {
            if let QuestionKind::ShortAnswer(sa) = &q.kind {
                seen += 1;
                assert!(
                    !sa.alternatives.is_empty(),
                    "{}: {} has no alternatives",
                    quiz.id,
                    q.key()
                );
            }
        }
    }
    assert!(seen >= 15, "only {seen} ShortAnswer questions found");
}

#[test]
fn exact_is_a_bool_of_short_answers_only() {
    let ok = "[[questions]]\ntype = \"ShortAnswer\"\nid = \"a\"\nprompt.prompt = \"Which exception?\"\nanswer.answer = \"queue.Full\"\nanswer.exact = true\n";
    let quiz = parse_quiz("q", "q.toml", ok).unwrap();
    let QuestionKind::ShortAnswer(sa) = &quiz.questions[0].kind else {
        panic!("not a ShortAnswer");
    };
    assert!(sa.exact);
    let bad = "[[questions]]\ntype = \"MultipleChoice\"\nid = \"a\"\nprompt.prompt = \"?\"\nprompt.distractors = [\"b\"]\nanswer.answer = \"a\"\nanswer.exact = true\n";
    let errs = parse_quiz("q", "q.toml", bad).unwrap_err();
    assert!(
        errs.iter().any(|d| d
            .to_string()
            .contains("`answer.exact` is not a key of MultipleChoice questions")),
        "{errs:?}"
    );
}
