//! Reports of graded sheets: the text a learner reads, the JSON a script
//! reads (`quiz --answers --json`), and the class table of `grade` (CSV or
//! JSON).

use serde::Serialize;

use super::grade::{Grade, QuestionResult, Response, SheetGrade, resolve_option};
use crate::content::markdown;
use crate::content::quiz::{Language, Question, QuestionKind, Quiz};

/// A number of points for people: `2`, `1.5`, `0.67`.
pub fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

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
    let plain = |s: &str| markdown::to_plain(s);
    match &q.kind {
        QuestionKind::MultipleChoice(mc) => mc
            .answers
            .iter()
            .map(|a| plain(a))
            .collect::<Vec<_>>()
            .join("\n"),
        QuestionKind::ShortAnswer(sa) => {
            if sa.alternatives.is_empty() {
                sa.answer.clone()
            } else {
                format!(
                    "{}\n(also accepted: {})",
                    sa.answer,
                    sa.alternatives.join(", ")
                )
            }
        }
        QuestionKind::Tracing(t) => {
            let (yes, no) = match t.language {
                Language::Rust => ("It compiles", "It does not compile"),
                Language::Python => ("It runs without an error", "It raises an error"),
            };
            let mut s = if t.does_compile {
                yes.to_string()
            } else {
                no.to_string()
            };
            if let Some(n) = t.line_number {
                s.push_str(&format!(" (line {n})"));
            }
            if let Some(out) = &t.stdout {
                s.push_str(&format!(" and prints:\n{}", out.trim_end()));
            }
            s
        }
        QuestionKind::FreeText(f) => plain(&f.model_answer),
        QuestionKind::Matching(m) => m
            .pairs
            .iter()
            .map(|(l, r)| format!("{} → {}", plain(l), plain(r)))
            .collect::<Vec<_>>()
            .join("\n"),
        QuestionKind::Ordering(o) => o
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, plain(s)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
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
    let plain = |s: &str| markdown::to_plain(s).trim().to_string();
    match (&q.kind, r) {
        (QuestionKind::MultipleChoice(mc), Response::Text(_) | Response::Choices(_)) => {
            let chosen: Vec<&str> = match r {
                Response::Text(t) => vec![t.as_str()],
                Response::Choices(c) => c.iter().map(String::as_str).collect(),
                Response::Trace(_) | Response::Pairs(_) | Response::Order(_) => Vec::new(),
            };
            let options = mc.options();
            let mut picked = vec![false; options.len()];
            let mut unknown = Vec::new();
            for c in chosen.iter().filter(|c| !c.trim().is_empty()) {
                match resolve_option(&options, c) {
                    Some(i) => picked[i] = true,
                    None => unknown.push(format!("  ? {} (not an option)", c.trim())),
                }
            }
            let mut lines = Vec::new();
            for (i, o) in options.iter().enumerate() {
                let right = i < mc.answers.len();
                let mark = if right { '✓' } else { '✗' };
                let pick = if picked[i] { "[x]" } else { "[ ]" };
                let note = match (picked[i], right) {
                    (true, false) => "  ← your pick, wrong",
                    (false, true) => "  ← correct, not picked",
                    (true, true) | (false, false) => "",
                };
                lines.push(format!("{pick} {mark} {}{note}", plain(o)));
            }
            lines.extend(unknown);
            lines.join("\n")
        }
        (QuestionKind::Matching(m), Response::Pairs(given)) => {
            let lefts: Vec<&str> = m.pairs.iter().map(|(l, _)| l.as_str()).collect();
            let rights = m.right_options();
            let mut lines = Vec::new();
            for (l, r) in given {
                let Some(i) = resolve_option(&lefts, l) else {
                    lines.push(format!("? {l} (not a left item)"));
                    continue;
                };
                let (left, right) = &m.pairs[i];
                let chosen = resolve_option(&rights, r).map(|c| rights[c]);
                if chosen == Some(right.as_str()) {
                    lines.push(format!("✓ {} → {}", plain(left), plain(r)));
                } else {
                    lines.push(format!(
                        "✗ {} → {}  (belongs with: {})",
                        plain(left),
                        plain(r),
                        plain(right)
                    ));
                }
            }
            lines.join("\n")
        }
        (QuestionKind::Ordering(o), Response::Order(given)) => {
            let steps: Vec<&str> = o.steps.iter().map(String::as_str).collect();
            given
                .iter()
                .enumerate()
                .map(|(i, s)| match resolve_option(&steps, s) {
                    Some(j) if j == i => format!("✓ {}. {}", i + 1, plain(s)),
                    Some(j) => format!("✗ {}. {}  (belongs at {})", i + 1, plain(s), j + 1),
                    None => format!("? {}. {} (not a step)", i + 1, plain(s)),
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        (QuestionKind::Tracing(t), Response::Trace(tr)) => {
            let (yes, no) = match t.language {
                Language::Rust => ("It compiles", "It does not compile"),
                Language::Python => ("It runs without an error", "It raises an error"),
            };
            let mut s = if tr.compiles { yes } else { no }.to_string();
            if let Some(n) = tr.line {
                s.push_str(&format!(" (line {n})"));
            }
            if !tr.output.trim().is_empty() {
                s.push_str(&format!(" and prints:\n{}", tr.output.trim_end()));
            }
            s
        }
        (_, Response::Text(t)) => t.trim().to_string(),
        (_, Response::Choices(v) | Response::Order(v)) => v.join("\n"),
        (_, Response::Pairs(v)) => v
            .iter()
            .map(|(l, r)| format!("{l} → {r}"))
            .collect::<Vec<_>>()
            .join("\n"),
        (_, Response::Trace(tr)) => format!("compiles: {}", tr.compiles),
    }
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
            num(g.points),
            num(g.max),
            status(g)
        ));
        let mut line = |label: &str, items: &[String]| {
            if !items.is_empty() {
                out.push_str(&format!("       {label}: {}\n", items.join("; ")));
            }
        };
        if matches!(q.kind, QuestionKind::FreeText(_)) {
            line("found", &g.found);
            line("missed", &g.missed);
            line("mentioned only to negate", &g.negated);
            line("wrong statements (cost points)", &g.misconceptions);
        } else if g.answered {
            line("missed", &g.missed);
        }
        line("note", &g.notes);
        if matches!(q.kind, QuestionKind::FreeText(_)) {
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
        num(grade.score),
        num(grade.max),
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

/// A CSV field, quoted when it must be. A leading `= + - @` (a formula to a
/// spreadsheet) is defused with a `'`.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The class table as CSV: `student`, each question's points (the header
/// names the question), `total`, `percent`.
pub fn class_csv(quiz: &Quiz, grades: &[SheetGrade]) -> String {
    let mut out = String::from("student");
    for q in &quiz.questions {
        out.push(',');
        out.push_str(&csv_field(&q.key()));
    }
    out.push_str(",total,percent\n");
    for g in grades {
        out.push_str(&csv_field(&g.student));
        for q in &g.questions {
            out.push(',');
            out.push_str(&num(q.points));
        }
        out.push_str(&format!(",{},{:.1}\n", num(g.score), g.percent()));
    }
    out
}

#[derive(Serialize)]
struct ClassJson<'a> {
    quiz: &'a str,
    max: f64,
    questions: Vec<ClassQuestion>,
    students: Vec<ClassRow<'a>>,
}

#[derive(Serialize)]
struct ClassQuestion {
    id: String,
    max: f64,
}

#[derive(Serialize)]
struct ClassRow<'a> {
    student: &'a str,
    /// Points per question, in the order of `questions`.
    points: Vec<f64>,
    total: f64,
    percent: f64,
}

/// The class table as JSON: `{"quiz", "max", "questions": [{"id", "max"}],
/// "students": [{"student", "points": [..], "total", "percent"}]}`.
pub fn class_json(quiz: &Quiz, grades: &[SheetGrade]) -> String {
    let table = ClassJson {
        quiz: &quiz.id,
        max: quiz.max_points(),
        questions: quiz
            .questions
            .iter()
            .map(|q| ClassQuestion {
                id: q.key(),
                max: q.max_points(),
            })
            .collect(),
        students: grades
            .iter()
            .map(|g| ClassRow {
                student: &g.student,
                points: g.questions.iter().map(|q| q.points).collect(),
                total: g.score,
                percent: (g.percent() * 10.0).round() / 10.0,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&table).unwrap_or_default()
}
