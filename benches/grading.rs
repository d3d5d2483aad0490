//! Grading a class: 10,000 answer sheets of Pop Quiz 2 (FreeText, Matching,
//! MultipleChoice, ShortAnswer and Tracing questions), some right, some
//! partly right, some wrong or blank. Target: under a second for all of them.
//!
//! `cargo bench --bench grading`

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use threadtutor::content::quiz::{QuestionKind, Quiz, load_quiz_file};
use threadtutor::quiz::class::{SheetRow, class_csv, class_json};
use threadtutor::quiz::grade::grade_sheet;
use threadtutor::quiz::sheet::{AnswerSheet, model_sheet, parse_sheet, toml_string};
use threadtutor::quiz::shuffle::SplitMix64;

const SHEETS: usize = 10_000;

/// A plausible student's sheet: each answer right, half right, wrong or blank.
fn student_sheet(quiz: &Quiz, n: usize, rng: &mut SplitMix64) -> String {
    let mut out = format!("student = \"Student {n}\"\n[answers]\n");
    for q in &quiz.questions {
        let key = q.key();
        let mood = rng.below(4); // 0 right, 1 partly, 2 wrong, 3 blank
        if mood == 3 {
            continue;
        }
        match &q.kind {
            QuestionKind::FreeText(f) => {
                let sentences: Vec<&str> = f.model_answer.split_inclusive(['.', '\n']).collect();
                let mut text = String::from("Well, I think that ");
                for s in &sentences {
                    if mood == 0 || (mood == 1 && rng.below(2) == 0) {
                        text.push_str(s);
                    } else {
                        text.push_str(" something about threads and timing. ");
                    }
                }
                out.push_str(&format!("{key} = {}\n", toml_string(&text)));
            }
            QuestionKind::MultipleChoice(mc) => {
                let pick = if mood == 0 {
                    &mc.answers[0]
                } else {
                    &mc.distractors[0]
                };
                out.push_str(&format!("{key} = {}\n", toml_string(pick)));
            }
            QuestionKind::ShortAnswer(sa) => {
                let a = if mood == 0 {
                    sa.answer.to_uppercase()
                } else {
                    "no idea".into()
                };
                out.push_str(&format!("{key} = {}\n", toml_string(&a)));
            }
            QuestionKind::Tracing(t) => {
                let stdout = t.stdout.clone().unwrap_or_default();
                out.push_str(&format!(
                    "{key} = {{ compiles = {}, output = {} }}\n",
                    t.does_compile == (mood == 0),
                    toml_string(&stdout)
                ));
            }
            QuestionKind::Matching(m) => {
                for (i, (l, r)) in m.pairs.iter().enumerate() {
                    let r = if mood == 0 || i % 2 == 0 {
                        r
                    } else {
                        &m.pairs[0].1
                    };
                    out.push_str(&format!("{key}.{} = {}\n", toml_string(l), toml_string(r)));
                }
            }
            QuestionKind::Ordering(o) => {
                let mut steps = o.steps.clone();
                if mood != 0 {
                    steps.reverse();
                }
                let list: Vec<String> = steps.iter().map(|s| toml_string(s)).collect();
                out.push_str(&format!("{key} = [{}]\n", list.join(", ")));
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("quizzes/pop-quiz-2.toml");
    let quiz = load_quiz_file(&path).expect("pop-quiz-2 loads");
    let mut rng = SplitMix64::new(2024);
    let mut texts: Vec<String> = (0..SHEETS)
        .map(|n| student_sheet(&quiz, n, &mut rng))
        .collect();
    texts[0] = model_sheet(&quiz, "Model");
    let sheets: Vec<AnswerSheet> = texts
        .iter()
        .map(|t| parse_sheet("sheet.toml", t, &quiz).expect("bench sheets parse"))
        .collect();

    let mut group = c.benchmark_group("class of 10,000");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("grade parsed sheets", |b| {
        b.iter(|| {
            let grades: Vec<_> = sheets.iter().map(|s| grade_sheet(&quiz, s)).collect();
            black_box(grades)
        })
    });
    let row = |t: &String| SheetRow::Graded {
        file: "sheet.toml".into(),
        grade: grade_sheet(&quiz, &parse_sheet("sheet.toml", t, &quiz).unwrap()),
        warnings: Vec::new(),
    };
    group.bench_function("parse, grade and tabulate sheet texts", |b| {
        b.iter(|| {
            let rows: Vec<SheetRow> = texts.iter().map(row).collect();
            black_box(class_csv(&quiz, &rows))
        })
    });
    // The JSON table with its item analysis (difficulty, discrimination,
    // option counts) over sheets already graded.
    let rows: Vec<SheetRow> = texts.iter().map(row).collect();
    group.bench_function("class JSON with item analysis", |b| {
        b.iter(|| black_box(class_json(&quiz, &rows)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
