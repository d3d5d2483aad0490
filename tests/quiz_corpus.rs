//! Every file of a real mdbook-quiz corpus (the Rust book's quizzes, kept in
//! ../shared beside the checkout) loads as it is, and scores full marks given
//! a sheet of its own answers — directly and through `threadtutor quiz PATH
//! --answers`. Skipped, with a message, when the corpus is not there.

use std::path::PathBuf;

use threadtutor::content::quiz::{QuestionKind, load_quiz_file};
use threadtutor::cli::quiz::{QuizArgs, run_quiz};
use threadtutor::quiz::grade::grade_sheet;
use threadtutor::quiz::sheet::{model_sheet, parse_sheet, template};

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/mdbook-quiz-rust-book/rust-book/quizzes");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipping: the mdbook-quiz corpus is not at {} (it lives in ../shared beside the checkout)",
            dir.display()
        );
        return None;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn every_corpus_file_loads_with_every_question() {
    let Some(files) = corpus() else { return };
    let mut questions = 0;
    let mut kinds = std::collections::BTreeMap::new();
    for f in &files {
        let quiz = load_quiz_file(f).unwrap_or_else(|ds| {
            let lines: Vec<String> = ds.iter().map(ToString::to_string).collect();
            panic!("{} does not load:\n{}", f.display(), lines.join("\n"))
        });
        assert!(!quiz.questions.is_empty());
        questions += quiz.questions.len();
        for q in &quiz.questions {
            *kinds.entry(q.kind_name()).or_insert(0) += 1;
            assert!(q.id.is_some(), "every corpus question has an id");
        }
    }
    assert_eq!(files.len(), 93);
    assert_eq!(questions, 222);
    assert_eq!(kinds["MultipleChoice"], 141);
    assert_eq!(kinds["ShortAnswer"], 17);
    assert_eq!(kinds["Tracing"], 64);
}

#[test]
fn every_corpus_file_scores_full_marks_with_its_own_answers() {
    let Some(files) = corpus() else { return };
    for f in &files {
        let quiz = load_quiz_file(f).unwrap();
        let text = model_sheet(&quiz, "Ferris");
        let sheet = parse_sheet("key.toml", &text, &quiz)
            .unwrap_or_else(|ds| panic!("{}: {:?}\n{text}", f.display(), ds));
        let g = grade_sheet(&quiz, &sheet);
        assert_eq!(g.score, g.max, "{}", f.display());
        assert_eq!(g.max, quiz.questions.len() as f64);
        assert!(g.questions.iter().all(|q| q.correct && q.answered));
    }
}

#[test]
fn every_corpus_file_grades_by_path_through_the_cli() {
    let Some(files) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        let quiz = load_quiz_file(f).unwrap();
        let sheet = dir.path().join("sheet.toml");
        std::fs::write(&sheet, model_sheet(&quiz, "Ferris")).unwrap();
        let args = QuizArgs {
            quiz: f.display().to_string(),
            template: false,
            answers: Some(sheet),
            json: true,
            seed: None,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run_quiz(&args, &[], &mut out, &mut err), Some(0));
        assert!(err.is_empty());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["score"], v["max"], "{}", f.display());
        assert_eq!(v["student"], "Ferris");
        assert_eq!(v["quiz"].as_str(), f.file_stem().and_then(|s| s.to_str()));
    }
}

#[test]
fn every_corpus_template_is_a_valid_blank_sheet() {
    let Some(files) = corpus() else { return };
    for f in &files {
        let quiz = load_quiz_file(f).unwrap();
        let text = template(&quiz, 42).replace("student = \"\"", "student = \"Blank\"");
        let sheet = parse_sheet("blank.toml", &text, &quiz)
            .unwrap_or_else(|ds| panic!("{}: {:?}\n{text}", f.display(), ds));
        let g = grade_sheet(&quiz, &sheet);
        // Every question is blank.
        for grade in &g.questions {
            assert!(!grade.answered, "{} {}", f.display(), grade.key);
        }
        // Every option of every MultipleChoice is listed for the student.
        for q in &quiz.questions {
            if let QuestionKind::MultipleChoice(mc) = &q.kind {
                assert_eq!(
                    threadtutor::quiz::shuffle::shown_options(q, 42).len(),
                    mc.answers.len() + mc.distractors.len()
                );
            }
        }
    }
}
