//! Reports of graded sheets: the text a learner reads and the JSON a script
//! reads (`quiz --answers --json`). The class table of `grade` is in
//! [`super::class`].

use serde::Serialize;

use super::grade::{Grade, QuestionResult, Response, SheetGrade};
use crate::content::quiz::{Question, Quiz};

/// A number of points for people: `2`, `1.5`, `0.67`.
pub use crate::content::quiz::format_points;

fn status(g: &Grade) -> &'static str {
    if !g.answered {
        "not answered"
    } else if g.correct {
        "right"
    } else if g.points > 0.0 {
        "partly right"
    } else {
        "wrong"
    }
}

/// The expected answer of a question, in one or a few plain lines.
pub fn expected_answer(q: &Question) -> String {
    q.kind.kind().expected_answer()
}

/// A labelled block of lines, indented under its question.
fn block(out: &mut String, label: &str, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    if let [one] = lines.as_slice()
        && one.chars().count() <= 60
    {
        out.push_str(&format!("       {label}: {one}\n"));
        return;
    }
    out.push_str(&format!("       {label}:\n"));
    for l in lines {
        if l.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("         {l}\n"));
        }
    }
}

/// The learner's answer to a question, in plain lines, marked where the
/// question has parts: each MultipleChoice option ✓ (correct) or ✗ (wrong)
/// with the learner's picks; each Matching pair and Ordering step ✓ or ✗
/// (with where it belongs).
pub fn your_answer(q: &Question, r: &Response) -> String {
    q.kind.kind().your_answer(r)
}

/// The text report of one sheet: each question's points and what was missed,
/// the expected answer of each question not fully right, the total, and the
/// questions to retry.
pub fn text_report(quiz: &Quiz, grade: &SheetGrade) -> String {
    let mut out = format!("{} — {}\n\n", quiz.title(), grade.student);
    let key_width = grade
        .questions
        .iter()
        .map(|g| g.key.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (q, g) in quiz.questions.iter().zip(&grade.questions) {
        out.push_str(&format!(
            "{:>3}. {:<key_width$}  {:>5}/{:<3} {}\n",
            q.position,
            g.key,
            format_points(g.points),
            format_points(g.max),
            status(g)
        ));
        let mut line = |label: &str, items: &[String]| {
            if !items.is_empty() {
                out.push_str(&format!("       {label}: {}\n", items.join("; ")));
            }
        };
        if q.kind.kind().graded_by_rubric() {
            line("found", &g.found);
            line("missed", &g.missed);
            line("mentioned only to negate", &g.negated);
            line("wrong statements (cost points)", &g.misconceptions);
        } else if g.answered {
            line("missed", &g.missed);
        }
        line("note", &g.notes);
        if q.kind.kind().graded_by_rubric() {
            for f in &g.feedback {
                out.push_str(&format!("         {f}\n"));
            }
        }
        let response = grade.responses.get(q.position - 1).and_then(Option::as_ref);
        if g.answered
            && let Some(r) = response
        {
            block(&mut out, "your answer", &your_answer(q, r));
        }
        if !g.correct {
            block(&mut out, "correct answer", &expected_answer(q));
        }
    }
    out.push_str(&format!(
        "\nScore: {} / {} ({:.1}%)\n",
        format_points(grade.score),
        format_points(grade.max),
        grade.percent()
    ));
    let retry: Vec<String> = grade
        .to_retry()
        .into_iter()
        .map(|i| grade.questions[i].key.clone())
        .collect();
    if retry.is_empty() {
        out.push_str("Everything right.\n");
    } else {
        out.push_str(&format!("To retry: {}\n", retry.join(", ")));
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    quiz: &'a str,
    student: &'a str,
    score: f64,
    max: f64,
    questions: Vec<QuestionResult>,
}

/// `{"quiz", "student", "score", "max", "questions": [{"id", "points", "max",
/// "correct", "missed"}]}`.
pub fn json_report(grade: &SheetGrade) -> String {
    let r = grade.result();
    let report = JsonReport {
        quiz: &grade.quiz,
        student: &grade.student,
        score: r.score,
        max: r.max,
        questions: r.questions,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}
