//! Property-based fuzzing of everything that reads outside input: the lesson
//! loader, the quiz loader, the answer-sheet loader, the inline markup and
//! Markdown renderers, and the FreeText grader. None may panic, whatever
//! the input. Every `cargo test` runs a few hundred cases each; for a long
//! run, `benches/fuzz.sh` raises PROPTEST_CASES (see docs/reliability.md).
//! Inputs that once crashed are kept below as regression cases.

use proptest::prelude::*;
use threadtutor::content::quiz::parse_quiz;
use threadtutor::content::{Source, load, markdown, parse::parse_lesson};
use threadtutor::quiz::grade::{Response, grade_answer};
use threadtutor::quiz::sheet::parse_sheet;

/// Near-TOML: the characters TOML is made of, and a few others.
fn tomlish() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[\\[\\]{}=\"'a-z0-9_.,# \\n\\t\\\\-]{0,300}").unwrap()
}

/// Text with markup, Markdown and hostile characters.
fn marked() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[`*_#>\\-\\[\\]()!a-z0-9 \\n\\t\\\\\u{1b}\u{9b}\u{202e}é日]{0,300}",
    )
    .unwrap()
}

fn pop_quiz_1() -> threadtutor::content::quiz::Quiz {
    load(&Source::Embedded)
        .unwrap()
        .quiz("pop-quiz-1")
        .unwrap()
        .clone()
}

proptest! {
    #[test]
    fn lesson_loader(text in tomlish()) {
        let _ = parse_lesson("x.toml", &text);
    }

    #[test]
    fn quiz_loader(text in tomlish()) {
        let _ = parse_quiz("q", "q.toml", &text);
    }

    #[test]
    fn quiz_loader_on_mutated_quizzes(cut in 0usize..4000, junk in tomlish()) {
        let good = include_str!("../../quizzes/pop-quiz-2.toml");
        let mut cut = cut.min(good.len());
        while !good.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = format!("{}{junk}{}", &good[..cut], &good[cut..]);
        let _ = parse_quiz("q", "q.toml", &text);
    }

    #[test]
    fn sheet_loader(text in tomlish()) {
        let quiz = pop_quiz_1();
        let _ = parse_sheet("s.toml", &text, &quiz);
        let _ = parse_sheet("s.toml", &format!("student = \"x\"\n[answers]\n{text}"), &quiz);
    }

    #[test]
    fn inline_markup(text in marked()) {
        let runs = markdown::inline(&text, markdown::Style::Plain);
        // Nothing is added but the spaces a tab becomes.
        let kept: usize = runs.iter().map(|r| r.text.chars().count()).sum();
        let given: usize = text.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
        prop_assert!(kept <= given);
    }

    #[test]
    fn markdown_renderer(text in marked()) {
        let _ = markdown::render(&text);
        let _ = markdown::to_plain(&text);
    }

    #[test]
    fn free_text_grader(text in marked()) {
        let quiz = pop_quiz_1();
        for q in &quiz.questions {
            let g = grade_answer(q, Some(&Response::Text(text.clone())));
            prop_assert!(g.points >= 0.0 && g.points <= g.max, "{} scored {} of {}", g.key, g.points, g.max);
        }
    }
}

/// Inputs kept from earlier crashes or near-misses.
#[test]
fn regressions() {
    for text in [
        "[[",
        "a = [[[[[[",
        "x = {a={a={",
        "'''",
        "\"\\u",
        "[a]\n[a]",
        "questions = 1",
        "[[questions]]\ntype = 3",
    ] {
        let _ = parse_lesson("x.toml", text);
        let _ = parse_quiz("q", "q.toml", text);
    }
    for text in [
        "`",
        "**",
        "*a**b*",
        "\\",
        "```",
        "```python\n",
        "* * *",
        "> >",
        "1. ",
        "[]()",
    ] {
        let _ = markdown::inline(text, markdown::Style::Plain);
        let _ = markdown::render(text);
    }
}
