//! CPU time of grading a class of 10,000 Pop Quiz 2 sheets, the same sheets
//! as `benches/grading.rs` ([`threadtutor::testing::class_sheets`]), for a figure that a loaded machine does not
//! distort: the process's user + system CPU time (from /proc/self/stat) per
//! class, beside the wall time.
//!
//! `cargo run --release --example grading_cpu [ROUNDS]`

use std::path::Path;
use std::time::Instant;

use threadtutor::content::quiz::load_quiz_file;
use threadtutor::quiz::grade::grade_sheet;
use threadtutor::quiz::sheet::{AnswerSheet, parse_sheet};
use threadtutor::testing::class_sheets;

const SHEETS: usize = 10_000;

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
    let texts = class_sheets(&quiz, SHEETS, 2024);
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
