//! CPU time of grading a class of 10,000 Pop Quiz 2 sheets, the same sheets
//! as `benches/grading.rs`, for a figure that a loaded machine does not
//! distort: the process's user + system CPU time (from /proc/self/stat) per
//! class, beside the wall time.
//!
//! `cargo run --release --example grading_cpu [ROUNDS]`

use std::path::Path;
use std::time::Instant;

use threadtutor::content::quiz::{QuestionKind, Quiz, load_quiz_file};
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

/// User + system CPU seconds of this process so far (Linux), if readable.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0) // clock ticks, 100 per second on Linux
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("quizzes/pop-quiz-2.toml");
    let quiz = load_quiz_file(&path).expect("pop-quiz-2 loads");
    let mut rng = SplitMix64::new(2024);
    let mut texts: Vec<String> = (0..SHEETS)
        .map(|n| student_sheet(&quiz, n, &mut rng))
        .collect();
    texts[0] = model_sheet(&quiz, "Model");
    let sheets: Vec<AnswerSheet> = texts
        .iter()
        .map(|t| parse_sheet("sheet.toml", t, &quiz).expect("sheets parse"))
        .collect();
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    let mut total = 0.0;
    for _ in 0..rounds {
        let grades: Vec<_> = sheets.iter().map(|s| grade_sheet(&quiz, s)).collect();
        total += grades.iter().map(|g| g.score).sum::<f64>();
    }
    let wall = wall0.elapsed().as_secs_f64() / rounds as f64;
    let cpu = cpu_seconds()
        .zip(cpu0)
        .map(|(b, a)| (b - a) / rounds as f64);
    println!(
        "{SHEETS} sheets, {rounds} rounds: wall {:.0} ms per class, CPU {} per class (checksum {total})",
        wall * 1000.0,
        cpu.map_or("unknown".to_string(), |c| format!("{:.0} ms", c * 1000.0))
    );
}
