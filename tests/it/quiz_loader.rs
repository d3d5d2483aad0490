//! Loading quiz files: malformed files each give the exact `path:line:col`
//! and message; junk, deep nesting and huge input never panic; the shipped
//! quizzes load.

use proptest::prelude::*;
use threadtutor::content::quiz::{QuestionKind, load_quiz_file, parse_quiz};

/// The diagnostics of a file, one string each.
fn problems(text: &str) -> Vec<String> {
    match parse_quiz("q", "q.toml", text) {
        Ok(_) => Vec::new(),
        Err(ds) => ds.iter().map(ToString::to_string).collect(),
    }
}

fn one(text: &str, expected: &str) {
    assert_eq!(problems(text), vec![expected.to_string()], "for:\n{text}");
}

const SA: &str = "[[questions]]\ntype = \"ShortAnswer\"\n";
const MC: &str = "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"p\"\n";
const FT: &str = "[[questions]]\ntype = \"FreeText\"\nprompt.prompt = \"p\"\n";

#[test]
fn toml_and_shape_errors() {
    one(
        "this is not toml\n",
        "q.toml:1:6: key with no value, expected `=`",
    );
    one(
        &format!("{SA}prompt.prompt = \"p\"\nanswer.answer = \"a\"\n\n[questons]\nx = 1\n"),
        "q.toml:6:2: unknown field `questons`, expected one of `title`, `questions`, `multipart`",
    );
    one(
        "[[questions]]\nid = \"x\"\nprompt.prompt = \"p\"\n",
        "q.toml:1:1: missing field `type`",
    );
    one(
        "[[questions]]\ntype = \"Essay\"\nprompt.prompt = \"p\"\n",
        "q.toml:2:8: unknown question type `Essay` (expected one of MultipleChoice, ShortAnswer, Tracing, FreeText, Matching, Ordering)",
    );
    one(
        &format!("{SA}prompt.prompt = 3\nanswer.answer = \"a\"\n"),
        "q.toml:3:17: invalid type: integer `3`, expected a string",
    );
    one(
        &format!("{SA}prompt.promt = \"p\"\nanswer.answer = \"a\"\n"),
        "q.toml:3:8: unknown field `promt`, expected one of `prompt`, `distractors`, `answerIndex`, `sortAnswers`, `response`, `program`, `language`",
    );
    one(
        &format!(
            "{SA}prompt.prompt = \"p\"\nprompt.distractors = [\"b\"]\nanswer.answer = \"a\"\n"
        ),
        "q.toml:4:22: `prompt.distractors` is not a key of ShortAnswer questions",
    );
    one(
        &format!("{SA}prompt.prompt = \"   \"\nanswer.answer = \"a\"\n"),
        "q.toml:3:17: `prompt.prompt` is empty",
    );
    one(
        &format!("{SA}multipart = \"ctx\"\nprompt.prompt = \"p\"\nanswer.answer = \"a\"\n"),
        "q.toml:3:13: `multipart = \"ctx\"` names no entry of the [multipart] table",
    );
    one(
        "questions = []\n",
        "q.toml:1:13: no questions: a quiz needs at least one [[questions]] table",
    );
    one(
        "# nothing\n",
        "q.toml:1:1: no questions: a quiz needs at least one [[questions]] table",
    );
}

#[test]
fn duplicate_ids() {
    let q = format!("{SA}id = \"same\"\nprompt.prompt = \"p\"\nanswer.answer = \"a\"\n\n");
    one(
        &format!("{q}{q}"),
        "q.toml:9:6: duplicate question id `same` (first used at line 3)",
    );
}

#[test]
fn multiple_choice_errors() {
    one(
        &format!("{MC}prompt.distractors = [\"b\"]\n"),
        "q.toml:1:1: missing `answer.answer` (required in MultipleChoice questions)",
    );
    one(
        &format!("{MC}prompt.distractors = [\"b\", \"`a`\", \"c\"]\nanswer.answer = \"a\"\n"),
        "q.toml:4:28: distractor \"`a`\" is also a correct answer",
    );
    one(
        &format!("{MC}prompt.distractors = [\"b\",\n  \" `b` \"]\nanswer.answer = \"a\"\n"),
        "q.toml:5:3: \"`b`\" is listed twice (first at line 4)",
    );
    one(
        &format!(
            "{MC}prompt.distractors = [\"b\"]\nprompt.answerIndex = 2\nanswer.answer = \"a\"\n"
        ),
        "q.toml:5:22: `prompt.answerIndex` is 2, but with 1 distractor(s) it must be 0 to 1",
    );
    one(
        &format!("{MC}prompt.distractors = [\"b\"]\nanswer.answer = []\n"),
        "q.toml:5:17: `answer.answer` is empty: give at least one correct option",
    );
    one(
        &format!(
            "{MC}prompt.distractors = [\"b\"]\nprompt.answerIndex = 0\nprompt.sortAnswers = true\nanswer.answer = \"a\"\n"
        ),
        "q.toml:5:22: use either `prompt.answerIndex` or `prompt.sortAnswers`, not both",
    );
}

#[test]
fn short_answer_and_tracing_errors() {
    one(
        &format!("{SA}prompt.prompt = \"p\"\nanswer.answer = [\"a\", \"b\"]\n"),
        "q.toml:4:17: `answer.answer` of a ShortAnswer question is one string; put other accepted answers in `answer.alternatives`",
    );
    let tr = "[[questions]]\ntype = \"Tracing\"\nprompt.program = \"fn main() {}\"\n";
    one(
        &format!("{tr}answer.doesCompile = false\nanswer.lineNumber = 3\n"),
        "q.toml:5:21: `answer.lineNumber` is 3, but the program has lines 1 to 1",
    );
    one(
        tr,
        "q.toml:1:1: missing `answer.doesCompile` (required in Tracing questions)",
    );
    one(
        &format!("{tr}answer.doesCompile = false\nanswer.stdout = \"x\"\n"),
        "q.toml:5:17: a program that does not compile prints nothing: remove `answer.stdout`",
    );
    one(
        &format!("{tr}answer.doesCompile = true\nanswer.lineNumber = 1\n"),
        "q.toml:5:21: `answer.lineNumber` is only for programs that do not compile (doesCompile = false)",
    );
    one(
        "[[questions]]\ntype = \"Tracing\"\nprompt.program = \"x\"\nprompt.language = \"cobol\"\nanswer.doesCompile = true\n",
        "q.toml:4:19: unknown `prompt.language` `cobol` (expected rust or python)",
    );
}

#[test]
fn free_text_rubric_errors() {
    one(
        &format!("{FT}answer.model = \"m\"\nanswer.concepts = []\n"),
        "q.toml:5:19: empty rubric: a FreeText question needs at least one [[questions.answer.concepts]]",
    );
    one(
        &format!("{FT}answer.model = \"m\"\n"),
        "q.toml:1:1: empty rubric: a FreeText question needs at least one [[questions.answer.concepts]]",
    );
    one(
        &format!("{FT}answer.model = \"m\"\n\n[[questions.answer.concepts]]\nlabel = \"idea\"\n"),
        "q.toml:6:1: concept `idea` has no `phrases` or `patterns` to find it by",
    );
    one(
        &format!(
            "{FT}answer.model = \"a lock\"\n\n[[questions.answer.concepts]]\nlabel = \"idea\"\npatterns = [\"lock (mutex\"]\n"
        ),
        "q.toml:8:19: bad pattern: unclosed `(`",
    );
    one(
        &format!(
            "{FT}answer.model = \"a lock\"\n\n[[questions.answer.concepts]]\nlabel = \"idea\"\npatterns = [\"\"\"\nlock )\"\"\"]\n"
        ),
        "q.toml:9:6: bad pattern: unmatched `)`",
    );
    one(
        &format!(
            "{FT}answer.model = \"lock\"\n\n[[questions.answer.concepts]]\nlabel = \"idea\"\npoints = 0\nphrases = [\"lock\"]\n"
        ),
        "q.toml:8:10: `points` must be more than 0, not 0",
    );
    one(
        &format!(
            "{FT}answer.model = \"Threads share memory.\"\n\n[[questions.answer.concepts]]\nlabel = \"memory\"\nphrases = [\"share memory\"]\n\n[[questions.answer.concepts]]\nlabel = \"gil\"\nphrases = [\"GIL\"]\n"
        ),
        "q.toml:4:16: the model answer does not show concept `gil`",
    );
    one(
        &format!(
            "{FT}answer.model = \"Threads share memory.\"\n\n[[questions.answer.concepts]]\nlabel = \"memory\"\nphrases = [\"share memory\"]\n\n[[questions.answer.misconceptions]]\nlabel = \"wrong\"\nphrases = [\"threads\"]\n"
        ),
        "q.toml:4:16: the model answer contains misconception `wrong`",
    );
    one(
        &format!(
            "{FT}answer.model = \"lock\"\n\n[[questions.answer.concepts]]\nlabel = \"Idea\"\nphrases = [\"lock\"]\n\n[[questions.answer.concepts]]\nlabel = \"idea\"\nphrases = [\"lock\"]\n"
        ),
        "q.toml:11:9: label `idea` is used twice (first at line 7)",
    );
}

#[test]
fn matching_and_ordering_errors() {
    one(
        "[[questions]]\ntype = \"Matching\"\nprompt.prompt = \"p\"\nanswer.pairs = { a = \"b\" }\n",
        "q.toml:4:16: `answer.pairs` needs at least two pairs",
    );
    one(
        "[[questions]]\ntype = \"Matching\"\nprompt.prompt = \"p\"\nprompt.distractors = [\"y\"]\n[questions.answer.pairs]\na = \"x\"\nb = \"y\"\n",
        "q.toml:4:23: distractor \"y\" is also the right side of a pair",
    );
    one(
        "[[questions]]\ntype = \"Ordering\"\nprompt.prompt = \"p\"\nanswer.steps = [\"one\", \"two\", \"**one**\"]\n",
        "q.toml:4:31: \"**one**\" is listed twice (first at line 4)",
    );
}

#[test]
fn every_problem_of_a_file_is_reported_in_order() {
    let text = format!(
        "{SA}id = \"a\"\nprompt.prompt = \"\"\nanswer.answer = \"x\"\n\n{MC}id = \"a\"\nprompt.distractors = [\"x\"]\nanswer.answer = \"x\"\n"
    );
    assert_eq!(
        problems(&text),
        [
            "q.toml:4:17: `prompt.prompt` is empty",
            "q.toml:10:6: duplicate question id `a` (first used at line 3)",
            "q.toml:11:23: distractor \"x\" is also a correct answer",
        ]
    );
}

#[test]
fn files_that_cannot_be_read_or_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, b"[[questions]]\ntype = \"\xff\"\n").unwrap();
    let ds = load_quiz_file(&bad).unwrap_err();
    assert_eq!(ds.len(), 1);
    assert!(
        ds[0]
            .to_string()
            .ends_with("bad.toml:2:9: invalid UTF-8 (byte 0xff)"),
        "{}",
        ds[0]
    );
    let missing = dir.path().join("missing.toml");
    let ds = load_quiz_file(&missing).unwrap_err();
    assert!(
        ds[0]
            .to_string()
            .contains("missing.toml:1:1: cannot read the file:"),
        "{}",
        ds[0]
    );
}

#[test]
fn deep_nesting_and_huge_input_do_not_panic() {
    for text in [
        format!("a = {}", "[".repeat(100_000)),
        format!("a = {}", "{a=".repeat(100_000)),
        "[[questions]]\n".repeat(50_000),
        format!(
            "[[questions]]\ntype = \"FreeText\"\nprompt.prompt = \"{}\"\n",
            "x".repeat(2_000_000)
        ),
        format!(
            "{FT}answer.model = \"m\"\n[[questions.answer.concepts]]\nlabel = \"x\"\npatterns = [\"{}\"]\n",
            "(".repeat(10_000)
        ),
    ] {
        assert!(!problems(&text).is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn junk_never_panics(text in "\\PC{0,400}") {
        let _ = parse_quiz("q", "q.toml", &text);
    }

    #[test]
    fn toml_shaped_junk_never_panics(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("[[questions]]".to_string()),
                Just("[[questions.answer.concepts]]".to_string()),
                Just("[multipart]".to_string()),
                "(type|id|prompt\\.prompt|prompt\\.distractors|answer\\.answer|answer\\.model|label|phrases|patterns|points|answer\\.pairs|answer\\.steps|prompt\\.answerIndex|answer\\.lineNumber) = (\"[a-zA-Z (|*.)]{0,12}\"|\\[\"[a-z (]{0,5}\"\\]|-?[0-9]{1,3}|true|\\[\\]|\\{ a = \"b\" \\})",
            ],
            0..30,
        )
    ) {
        let _ = parse_quiz("q", "q.toml", &lines.join("\n"));
    }
}

#[test]
fn the_shipped_quizzes_load_with_the_ids_lessons_link_to() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("quizzes");
    let ids: &[(&str, &[&str])] = &[
        (
            "pop-quiz-1",
            &[
                "threads-vs-processes",
                "what-is-gil",
                "gil-easier-harder",
                "create-thread",
                "what-not-to-share",
                "thread-order-output",
                "gil-dis-pair",
            ],
        ),
        (
            "pop-quiz-2",
            &[
                "brute-force-threads",
                "primitive-uses",
                "match-primitives",
                "why-queues",
                "queue-put-full",
            ],
        ),
        ("pop-quiz-3", &["handle-exceptions"]),
    ];
    for (quiz, questions) in ids {
        let q =
            load_quiz_file(&dir.join(format!("{quiz}.toml"))).unwrap_or_else(|ds| panic!("{ds:?}"));
        assert_eq!(q.id, *quiz);
        for id in *questions {
            assert!(q.has_question(id), "{quiz} has no {id}");
        }
    }
    // Each deck question is FreeText, and the deck's every pop-quiz question is there.
    let slides = std::fs::read_to_string(dir.join("pop-quiz-2.toml")).unwrap();
    assert!(slides.contains("Queue.Queue()"));
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let quiz = load_quiz_file(&path).unwrap_or_else(|ds| panic!("{ds:?}"));
            // Its own answers score full marks.
            let key = threadtutor::quiz::sheet::model_sheet(&quiz, "Key");
            let sheet = threadtutor::quiz::sheet::parse_sheet("key.toml", &key, &quiz).unwrap();
            let g = threadtutor::quiz::grade::grade_sheet(&quiz, &sheet);
            assert_eq!(g.score, g.max, "{}", quiz.id);
            for q in &quiz.questions {
                kinds.insert(q.kind_name());
                if quiz.id.starts_with("pop-quiz") {
                    assert!(
                        q.id.is_some(),
                        "{} question {} has no id",
                        quiz.id,
                        q.position
                    );
                }
                if let QuestionKind::FreeText(f) = &q.kind {
                    assert!(f.rubric.concepts.len() >= 3, "{}: a thin rubric", q.key());
                }
            }
        }
    }
    assert_eq!(kinds.len(), 6, "every question type is used: {kinds:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sheet_junk_never_panics(text in "\\PC{0,300}", shaped in proptest::collection::vec(
        "(student|quiz|\\[answers\\]|what-is-gil|1|2|6|8|start-twice\\.compiles|start-twice\\.line|thread-order-output)( = (\"[a-z ]{0,8}\"|\\[\"a\"\\]|-?[0-9]{1,2}|true|\\{ compiles = true \\}|\\{ x = 1 \\}))?",
        0..12,
    )) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("quizzes/pop-quiz-1.toml");
        let quiz = load_quiz_file(&dir).unwrap();
        let _ = threadtutor::quiz::sheet::parse_sheet("s.toml", &text, &quiz);
        let _ = threadtutor::quiz::sheet::parse_sheet("s.toml", &shaped.join("\n"), &quiz);
    }

    #[test]
    fn markdown_and_rubric_analysis_never_panic(text in "\\PC{0,300}") {
        let _ = threadtutor::content::markdown::render(&text);
        let _ = threadtutor::quiz::rubric::analyse(&text);
        let _ = threadtutor::quiz::rubric::Pattern::parse(&text);
    }
}
