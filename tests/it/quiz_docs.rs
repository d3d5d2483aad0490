//! docs/quiz-format.md's examples are real: the example quiz loads, the
//! example sheet parses against it, and the JSON example shows what grading
//! that sheet gives.

use threadtutor::content::quiz::parse_quiz;
use threadtutor::quiz::grade::grade_sheet;
use threadtutor::quiz::report::json_report;
use threadtutor::quiz::sheet::parse_sheet;

/// The fenced blocks of `lang` in the document.
fn blocks(doc: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match &mut current {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                out.push(std::mem::take(b));
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn the_documented_examples_load_and_grade_as_shown() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/quiz-format.md"))
        .unwrap();
    let toml_blocks = blocks(&doc, "toml");
    let quiz_text = toml_blocks
        .iter()
        .find(|b| b.starts_with("# quizzes/example.toml"))
        .expect("the complete example");
    let quiz =
        parse_quiz("example", "example.toml", quiz_text).unwrap_or_else(|ds| panic!("{ds:?}"));
    let kinds: std::collections::BTreeSet<_> =
        quiz.questions.iter().map(|q| q.kind_name()).collect();
    assert_eq!(kinds.len(), 6, "the example shows every question type");

    let sheet_text = toml_blocks
        .iter()
        .find(|b| b.starts_with("# sheet.toml"))
        .expect("the example sheet");
    let sheet = parse_sheet("sheet.toml", sheet_text, &quiz).unwrap_or_else(|ds| panic!("{ds:?}"));
    let grade = grade_sheet(&quiz, &sheet);
    let ours: serde_json::Value = serde_json::from_str(&json_report(&grade)).unwrap();
    let shown: serde_json::Value = serde_json::from_str(&blocks(&doc, "json")[0]).unwrap();
    for key in ["quiz", "student", "score", "max"] {
        assert_eq!(ours[key], shown[key], "{key}");
    }
    assert_eq!(ours["questions"][0], shown["questions"][0]);
}
