//! Grading a class: 10,000 answer sheets of Pop Quiz 2 (FreeText, Matching,
//! MultipleChoice, ShortAnswer and Tracing questions), some right, some
//! partly right, some wrong or blank
//! ([`threadtutor::testing::class_sheets`], shared with
//! `examples/grading_cpu.rs`). Target: under a second for all of them.
//!
//! `cargo bench --bench grading`

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use threadtutor::content::quiz::load_quiz_file;
use threadtutor::quiz::class::{SheetRow, class_csv, class_json};
use threadtutor::quiz::grade::grade_sheet;
use threadtutor::quiz::sheet::{AnswerSheet, parse_sheet};
use threadtutor::testing::class_sheets;

const SHEETS: usize = 10_000;

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("quizzes/pop-quiz-2.toml");
    let quiz = load_quiz_file(&path).expect("pop-quiz-2 loads");
    let texts = class_sheets(&quiz, SHEETS, 2024);
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
