//! Grading: the pop quizzes' real rubrics against right, partial, wrong,
//! empty, very long, non-ASCII, keyword-stuffed and negated answers; and every
//! other question type.

use std::path::PathBuf;

use threadtutor::content::quiz::{Question, Quiz, load_quiz_file, parse_quiz};
use threadtutor::quiz::grade::{Grade, Response, TraceResponse, grade_answer};

fn pop_quiz(n: u32) -> Quiz {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("quizzes/pop-quiz-{n}.toml"));
    load_quiz_file(&path).unwrap_or_else(|ds| panic!("{ds:?}"))
}

fn question<'a>(quiz: &'a Quiz, id: &str) -> &'a Question {
    quiz.question(id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn text(q: &Question, answer: &str) -> Grade {
    grade_answer(q, Some(&Response::Text(answer.to_string())))
}

#[test]
fn freetext_right_answer_in_own_words_earns_everything() {
    let quiz = pop_quiz(1);
    let g = text(
        question(&quiz, "what-is-gil"),
        "The GIL (global interpreter lock) means only one thread executes Python bytecode at a time, \
         even on multi-core machines. It is released during blocking I/O and by C extensions, and it \
         protects the interpreter's reference counts.",
    );
    assert_eq!((g.points, g.max), (6.0, 6.0), "{g:?}");
    assert!(g.correct && g.answered && g.missed.is_empty());
}

#[test]
fn freetext_partial_answer_earns_the_concepts_it_shows() {
    let quiz = pop_quiz(1);
    let g = text(
        question(&quiz, "what-is-gil"),
        "It's the Global Interpreter Lock; only one thread can run at once.",
    );
    assert_eq!(g.points, 3.0);
    assert!(!g.correct);
    assert_eq!(
        g.found,
        [
            "the Global Interpreter Lock",
            "only one thread runs Python bytecode at a time"
        ]
    );
    assert_eq!(
        g.missed,
        [
            "even with several CPUs: no parallel speed-up for Python code",
            "released around blocking I/O and sleep, and by C extensions",
            "it protects the interpreter's internals (reference counts), making single bytecodes atomic",
        ]
    );
}

#[test]
fn freetext_wrong_answer_earns_nothing() {
    let quiz = pop_quiz(1);
    let g = text(
        question(&quiz, "what-is-gil"),
        "A graphics library for drawing windows.",
    );
    assert_eq!(g.points, 0.0);
    assert!(g.answered && !g.correct);
    assert_eq!(g.missed.len(), 5);
}

#[test]
fn freetext_empty_answer_is_unanswered_and_misses_everything() {
    let quiz = pop_quiz(2);
    let q = question(&quiz, "why-queues");
    for g in [text(q, ""), text(q, "  \n\t "), grade_answer(q, None)] {
        assert_eq!(g.points, 0.0);
        assert!(!g.answered);
        assert_eq!(g.missed.len(), 5);
        assert_eq!(g.max, 5.0);
    }
}

#[test]
fn freetext_very_long_answers_are_graded_quickly_and_never_panic() {
    let quiz = pop_quiz(2);
    let q = question(&quiz, "primitive-uses");
    // The model answer buried in 200,000 words of filler.
    let model = match &q.kind {
        threadtutor::content::quiz::QuestionKind::FreeText(f) => f.model_answer.clone(),
        _ => unreachable!(),
    };
    let filler = "and then some more words about nothing in particular ".repeat(25_000);
    let long = format!("{filler}\n\n{model}\n\n{filler}");
    let started = std::time::Instant::now();
    let g = text(q, &long);
    assert!(g.correct, "{g:?}");
    // Junk: a megabyte of punctuation, digits and odd characters.
    let junk: String = (0..1_000_000u64)
        .map(|i| char::from_u32(0x20 + ((i * 7919) % 0x2FF) as u32).unwrap_or('?'))
        .collect();
    let g = text(q, &junk);
    assert_eq!(g.points, 0.0);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn freetext_non_ascii_answers_and_rubrics() {
    let quiz = pop_quiz(1);
    let g = text(
        question(&quiz, "what-is-gil"),
        "Der GIL – „Global Interpreter Lock“ – erlaubt nur einen Thread: only ONE thread at a time! 日本語のテキスト 🧵",
    );
    assert_eq!(g.found.len(), 2, "{g:?}");
    // Rubric phrases outside ASCII are matched without regard to case.
    let quiz = parse_quiz(
        "fr",
        "fr.toml",
        r#"
[[questions]]
type = "FreeText"
id = "verrou"
prompt.prompt = "Qu'est-ce qu'un verrou ?"
answer.model = "Un verrou est fermé à clé par un seul fil à la fois."
[[questions.answer.concepts]]
label = "fermé à clé"
phrases = ["fermé à clé"]
[[questions.answer.concepts]]
label = "un seul fil"
patterns = ["(un|1) seul fil*"]
"#,
    )
    .unwrap();
    let q = &quiz.questions[0];
    assert_eq!(text(q, "FERMÉ À CLÉ, UN SEUL FIL.").points, 2.0);
    // Only ASCII words get word forms; others must match exactly.
    assert_eq!(text(q, "ferme a cle").points, 0.0);
}

#[test]
fn freetext_keyword_stuffing_earns_only_what_it_states_and_misconceptions_cost() {
    let quiz = pop_quiz(1);
    let q = question(&quiz, "what-is-gil");
    let right = text(
        q,
        "The global interpreter lock lets only one thread run Python bytecode at a time, even with \
         several cores; blocking I/O releases it; it protects reference counts.",
    );
    assert!(right.correct);
    // A bare list of the topic's terms states almost nothing.
    let stuffed = text(
        q,
        "GIL global interpreter lock threads parallel CPU cores bytecode atomic I/O release C \
         extensions thread-safe locks GIL GIL GIL lock lock",
    );
    assert_eq!(stuffed.points, 3.0, "{stuffed:?}");
    assert!(stuffed.points <= stuffed.max / 2.0);
    // Throwing in a wrong statement costs its points.
    let worse = text(
        q,
        "GIL global interpreter lock threads parallel CPU cores bytecode atomic I/O release C \
         extensions. The GIL makes your code thread-safe. The GIL lets threads run in parallel.",
    );
    assert_eq!(worse.points, 1.0, "{worse:?}");
    assert_eq!(
        worse.misconceptions,
        [
            "the GIL makes your own code thread-safe",
            "the GIL lets threads run Python code in parallel"
        ]
    );
    // The list of primitives from the prompt itself earns nothing.
    let quiz = pop_quiz(2);
    let g = text(
        question(&quiz, "primitive-uses"),
        "Lock() RLock() Semaphore() Condition() Event() Queue.Queue()",
    );
    assert_eq!(g.points, 0.0, "{g:?}");
}

#[test]
fn freetext_a_concept_mentioned_only_to_negate_it_earns_nothing() {
    let quiz = pop_quiz(1);
    let q = question(&quiz, "what-is-gil");
    let g = text(
        q,
        "The GIL is not a global interpreter lock, and it does not mean only one thread runs at a time.",
    );
    assert_eq!(g.points, 0.0, "{g:?}");
    assert_eq!(
        g.negated,
        [
            "the Global Interpreter Lock",
            "only one thread runs Python bytecode at a time"
        ]
    );
    let q = question(&quiz, "threads-vs-processes");
    let g = text(q, "Threads don't share memory.");
    assert!(!g.found.iter().any(|c| c.contains("share")), "{g:?}");
    let g = text(q, "Unlike processes, threads share memory.");
    assert!(g.found.iter().any(|c| c.contains("share")), "{g:?}");
    assert!(g.misconceptions.is_empty());
    // The misconception is caught when it is claimed...
    let g = text(q, "Processes share memory too.");
    assert_eq!(g.misconceptions, ["processes share memory with each other"]);
    // ...and not when it is denied.
    let g = text(q, "Processes don't share memory.");
    assert!(g.misconceptions.is_empty());
    // Naturally negative concepts ("don't share files") are not cancelled.
    let g = text(
        question(&quiz, "what-not-to-share"),
        "Don't share files, GUI widgets or database connections.",
    );
    assert_eq!(g.points, 3.0, "{g:?}");
}

#[test]
fn freetext_word_forms_and_formatting_do_not_matter() {
    let quiz = pop_quiz(3);
    let q = question(&quiz, "handle-exceptions");
    let g = text(
        q,
        "* try/finally so the locks are always released\n\
         * an outermost try: except: in the main thread that shuts down all worker threads\n\
         * re-raise SystemExit & KeyboardInterrupt\n\
         * exceptions don't propagate out of a thread: catch them inside run() and report them on a queue",
    );
    assert!(g.correct, "{g:?}");
    assert!(g.misconceptions.is_empty());
    let g = text(q, "An exception in a thread is raised in the main thread.");
    assert_eq!(
        g.misconceptions,
        ["an exception in a thread is raised in the main thread"]
    );
    assert_eq!(g.points, 0.0);
}

#[test]
fn multiple_choice_needs_exactly_the_correct_set() {
    let quiz = pop_quiz(1);
    let q = question(&quiz, "thread-order-output");
    let choose = |v: &[&str]| {
        grade_answer(
            q,
            Some(&Response::Choices(
                v.iter().map(|s| s.to_string()).collect(),
            )),
        )
    };
    let all = ["a b c 1 2 3", "1 2 3 a b c", "a 1 b 2 c 3", "1 a b 2 c 3"];
    assert!(choose(&all).correct);
    // Order of choices and spacing do not matter.
    assert!(
        choose(&[
            "1  a b 2 c 3",
            "a 1 b 2 c 3",
            "1 2 3 a b c",
            " a b c 1 2 3 "
        ])
        .correct
    );
    assert_eq!(choose(&all[..3]).points, 0.0);
    assert_eq!(
        choose(&[all[0], all[1], all[2], all[3], "a c b 1 2 3"]).points,
        0.0
    );
    let g = choose(&[
        "a b c 1 2 3",
        "1 2 3 a b c",
        "a 1 b 2 c 3",
        "1 a b 2 c 3",
        "z",
    ]);
    assert!(!g.correct);
    assert_eq!(g.notes, ["`z` is not one of the options"]);
    // A single answer may be given as text, with or without its Markdown.
    let q = question(&quiz, "gil-dis-pair");
    let right = "Between `LOAD_NAME total` (the read) and `STORE_NAME total` (the write)";
    assert!(grade_answer(q, Some(&Response::Text(right.into()))).correct);
    let plain = "between load_name total (the read) and store_name total (the write)";
    assert!(grade_answer(q, Some(&Response::Text(plain.into()))).correct);
    assert!(
        !grade_answer(
            q,
            Some(&Response::Text(
                "Between `STORE_NAME total` and the next statement".into()
            ))
        )
        .correct
    );
}

#[test]
fn short_answer_ignores_case_spacing_and_trailing_punctuation() {
    let quiz = pop_quiz(2);
    let q = question(&quiz, "put-nowait-exception");
    for ok in [
        "queue.Full",
        " QUEUE.FULL ",
        "queue. Full.",
        "`queue.Full`",
        "queue.Full()",
        "queue.full!?",
    ] {
        assert!(text(q, ok).correct, "{ok}");
    }
    // The question asks for the full name (`exact = true`): plain `Full` is
    // not `queue.Full` (issue 16).
    for wrong in [
        "queue.Empty",
        "Full",
        "Full()",
        "Full exception",
        "queue Fullness",
        ".Full",
    ] {
        assert!(!text(q, wrong).correct, "{wrong}");
    }
}

#[test]
fn tracing_compares_the_outcome_the_output_and_the_line() {
    let quiz = pop_quiz(3);
    let q = question(&quiz, "finally-releases-lock");
    let trace = |compiles: bool, output: &str, line: Option<usize>| {
        grade_answer(
            q,
            Some(&Response::Trace(TraceResponse {
                compiles,
                output: output.into(),
                line,
            })),
        )
    };
    let out = "updated 1\nskipped 2\nupdated 3\nlocked: False";
    assert!(trace(true, out, None).correct);
    assert!(
        trace(
            true,
            &format!("\r\n{}  \r\n\n", out.replace('\n', "   \r\n")),
            None
        )
        .correct
    );
    assert!(!trace(true, "updated 1\nskipped 2\nlocked: False", None).correct);
    assert!(!trace(false, out, Some(9)).correct);
    // Raising programs: the line and the output before the error count.
    let quiz = pop_quiz(1);
    let q = question(&quiz, "start-twice");
    let trace = |compiles: bool, output: &str, line: Option<usize>| {
        grade_answer(
            q,
            Some(&Response::Trace(TraceResponse {
                compiles,
                output: output.into(),
                line,
            })),
        )
    };
    assert!(trace(false, "working", Some(9)).correct);
    assert!(!trace(false, "working", Some(7)).correct);
    assert!(!trace(false, "working", None).correct);
    assert!(!trace(false, "working\ndone", Some(9)).correct);
    assert!(!trace(true, "working\ndone", None).correct);
}

#[test]
fn matching_and_ordering_score_a_point_per_pair_or_position() {
    let quiz = pop_quiz(2);
    let q = question(&quiz, "match-primitives");
    let pairs = |v: &[(&str, &str)]| {
        grade_answer(
            q,
            Some(&Response::Pairs(
                v.iter()
                    .map(|(l, r)| (l.to_string(), r.to_string()))
                    .collect(),
            )),
        )
    };
    let g = pairs(&[
        (
            "Lock()",
            "Let only one thread at a time into a critical section",
        ),
        ("RLock()", "let at most n threads use a resource at once"),
        (
            "Semaphore()",
            "A lock the thread holding it can acquire again",
        ),
        (
            "event()",
            "A flag: threads wait() until another thread set()s it",
        ),
        ("Nope()", "x"),
    ]);
    assert_eq!((g.points, g.max), (2.0, 6.0));
    assert_eq!(
        g.missed,
        ["RLock()", "Semaphore()", "Condition()", "Queue.Queue()"]
    );
    assert_eq!(g.notes, ["`Nope()` is not one of the left items"]);

    let quiz = pop_quiz(3);
    let q = question(&quiz, "worker-shutdown-order");
    let steps = match &q.kind {
        threadtutor::content::quiz::QuestionKind::Ordering(o) => o.steps.clone(),
        _ => unreachable!(),
    };
    assert!(grade_answer(q, Some(&Response::Order(steps.clone()))).correct);
    let mut swapped = steps.clone();
    swapped.swap(1, 2);
    let g = grade_answer(q, Some(&Response::Order(swapped)));
    assert_eq!((g.points, g.max), (3.0, 5.0));
    assert_eq!(g.missed, [steps[1].clone(), steps[2].clone()]);
    let g = grade_answer(q, Some(&Response::Order(steps[..2].to_vec())));
    assert_eq!(g.points, 2.0);
}

#[test]
fn a_response_of_the_wrong_kind_scores_nothing() {
    let quiz = pop_quiz(2);
    let g = grade_answer(
        question(&quiz, "match-primitives"),
        Some(&Response::Text("Lock".into())),
    );
    assert_eq!(g.points, 0.0);
    assert_eq!(
        g.notes,
        ["this kind of answer does not fit a Matching question"]
    );
}

#[test]
fn options_that_differ_only_by_case_are_different_options() {
    let quiz = parse_quiz(
        "tk",
        "tk.toml",
        r#"
[[questions]]
type = "MultipleChoice"
id = "tk-rename"
prompt.prompt = "What is the deck's `Tkinter` module called in Python 3?"
answer.answer = "tkinter"
prompt.distractors = ["Tkinter", "tk"]
"#,
    )
    .unwrap_or_else(|ds| panic!("{ds:?}"));
    let q = &quiz.questions[0];
    assert!(text(q, "tkinter").correct);
    assert!(text(q, "`tkinter`").correct);
    assert!(!text(q, "Tkinter").correct);
    let g = text(q, "TKINTER");
    assert!(!g.correct);
    assert_eq!(g.notes, ["`TKINTER` is not one of the options"]);
    // Where case decides nothing, it is ignored.
    assert!(text(q, "TK").notes.is_empty());
}

#[test]
fn a_graded_attempt_as_the_progress_file_keeps_it() {
    let quiz = pop_quiz(3);
    let mut responses = vec![None; quiz.questions.len()];
    responses[1] = Some(Response::Choices(vec![
        "`SystemExit`".into(),
        "`KeyboardInterrupt`".into(),
    ]));
    responses[0] = Some(Response::Text("Release locks in a finally block.".into()));
    let g = threadtutor::quiz::grade::grade_responses(&quiz, "me", &responses);
    let r = g.result();
    assert_eq!((r.quiz.as_str(), r.score, r.max), ("pop-quiz-3", 3.0, 14.0));
    assert_eq!(
        r.missed_questions(),
        [
            "handle-exceptions",
            "worker-shutdown-order",
            "finally-releases-lock",
            "thread-exception-main"
        ]
    );
    assert_eq!(g.to_retry(), [0, 2, 3, 4]);
    assert_eq!(r.questions[0].missed.len(), 4);
    // It survives a round trip through TOML, as progress is stored.
    let text = toml::to_string(&r).unwrap();
    assert_eq!(
        toml::from_str::<threadtutor::quiz::QuizResult>(&text).unwrap(),
        r
    );
}
