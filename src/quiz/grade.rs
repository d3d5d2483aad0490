//! Grading: one answer to one question, and a whole answer sheet. Pure and
//! deterministic; the TUI, `quiz --answers` and `grade` all use it.
//!
//! - MultipleChoice: right when the set of chosen options is exactly the set
//!   of correct ones. An option (also a Matching item or an Ordering step)
//!   may be given as its text or as its plain text, spacing and Markdown
//!   ignored, and case too unless two options differ only by case
//!   ([`resolve_option`]).
//! - ShortAnswer: equal to the answer or an alternative after
//!   [`normalise_short`] (case, whitespace, backticks, trailing punctuation
//!   and a trailing `()`), and — unless the question says `exact = true` —
//!   after dropping a leading module path the question names (`sys.` when
//!   it asks for a `sys` function): see [`short_answer_right`].
//! - Tracing: compiles (Python: runs without an error) must match; when the
//!   quiz gives the output, the output must match after trimming (line
//!   endings and trailing spaces ignored); when it gives the error's line,
//!   the line must match.
//! - FreeText: [`rubric::grade_text`]; points earned of points possible.
//! - Matching and Ordering: a point per correct pair or position.
//!
//! MultipleChoice, ShortAnswer and Tracing are worth one point.

use serde::{Deserialize, Serialize};

use super::rubric;
use super::sheet::AnswerSheet;
use crate::content::quiz::{Question, QuestionKind, Quiz, option_key, option_plain};

/// A learner's answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// ShortAnswer and FreeText; also a MultipleChoice option's text.
    Text(String),
    /// MultipleChoice: the chosen options' texts.
    Choices(Vec<String>),
    /// Tracing.
    Trace(TraceResponse),
    /// Matching: `(left, right)` pairs.
    Pairs(Vec<(String, String)>),
    /// Ordering: the steps in the learner's order.
    Order(Vec<String>),
}

/// An answer to a Tracing question.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceResponse {
    /// Rust: it compiles. Python: it runs without an error.
    pub compiles: bool,
    pub output: String,
    /// The line of the error, when it does not compile (run).
    pub line: Option<usize>,
}

impl Response {
    /// Is there anything in it?
    pub fn is_empty(&self) -> bool {
        match self {
            Response::Text(s) => s.trim().is_empty(),
            Response::Choices(v) | Response::Order(v) => v.iter().all(|s| s.trim().is_empty()),
            Response::Pairs(v) => v.iter().all(|(_, r)| r.trim().is_empty()),
            Response::Trace(_) => false,
        }
    }
}

/// The grade of one answer, with what the learner should see afterwards.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grade {
    /// The question's key (id, or 1-based position).
    pub key: String,
    pub kind: &'static str,
    pub points: f64,
    pub max: f64,
    /// Full marks.
    pub correct: bool,
    /// Something was answered.
    pub answered: bool,
    /// FreeText: concepts found.
    pub found: Vec<String>,
    /// FreeText: concepts missed. Matching: left items matched wrongly.
    /// Ordering: steps out of place.
    pub missed: Vec<String>,
    /// FreeText: concepts mentioned only to be negated (also in `missed`).
    pub negated: Vec<String>,
    /// FreeText: misconceptions found (each cost its points).
    pub misconceptions: Vec<String>,
    /// Anything else worth saying ("`x` is not one of the options").
    pub notes: Vec<String>,
    /// FreeText: one line per concept, what matched or why it was not
    /// credited, and the wrong statements found.
    pub feedback: Vec<String>,
}

/// Points are sums of author-given numbers; keep them free of float noise.
fn tidy(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Grade one answer (`None` or an empty response: unanswered, no points).
pub fn grade_answer(question: &Question, response: Option<&Response>) -> Grade {
    let mut g = Grade {
        key: question.key(),
        kind: question.kind_name(),
        max: question.max_points(),
        ..Grade::default()
    };
    let response = response.filter(|r| !r.is_empty());
    g.answered = response.is_some();
    if let QuestionKind::FreeText(f) = &question.kind {
        // Even an empty answer lists what it missed.
        let text = match response {
            Some(Response::Text(t)) => t.as_str(),
            Some(_) => {
                g.notes.push("expected a written answer".into());
                ""
            }
            None => "",
        };
        let o = rubric::grade_text(&f.rubric, text);
        g.points = o.points;
        g.found = o.found;
        g.missed = o.missed;
        g.negated = o.negated;
        g.misconceptions = o.misconceptions;
        g.feedback = o.feedback;
    } else if let Some(r) = response {
        g.points = match (&question.kind, r) {
            (QuestionKind::MultipleChoice(mc), Response::Text(t)) => {
                multiple_choice(mc, std::slice::from_ref(t), &mut g.notes)
            }
            (QuestionKind::MultipleChoice(mc), Response::Choices(c)) => {
                multiple_choice(mc, c, &mut g.notes)
            }
            (QuestionKind::ShortAnswer(sa), Response::Text(t)) => {
                f64::from(u8::from(short_answer_right(question, sa, t)))
            }
            (QuestionKind::Tracing(t), Response::Trace(r)) => {
                let mut ok = r.compiles == t.does_compile;
                if ok && let Some(expected) = &t.stdout {
                    ok = normalise_output(expected) == normalise_output(&r.output);
                }
                if ok && !t.does_compile && t.line_number.is_some() {
                    ok = r.line == t.line_number;
                }
                f64::from(u8::from(ok))
            }
            (QuestionKind::Matching(m), Response::Pairs(given)) => {
                let lefts: Vec<&str> = m.pairs.iter().map(|(l, _)| l.as_str()).collect();
                let rights = m.right_options();
                // The right item chosen for each left item.
                let mut chosen: Vec<Option<usize>> = vec![None; lefts.len()];
                for (l, r) in given {
                    match resolve_option(&lefts, l) {
                        Some(i) => chosen[i] = resolve_option(&rights, r),
                        None => g.notes.push(format!("`{l}` is not one of the left items")),
                    }
                }
                let mut points = 0.0;
                for ((left, right), choice) in m.pairs.iter().zip(chosen) {
                    if choice.is_some_and(|c| rights[c] == right.as_str()) {
                        points += 1.0;
                    } else {
                        g.missed.push(left.clone());
                    }
                }
                points
            }
            (QuestionKind::Ordering(o), Response::Order(given)) => {
                let steps: Vec<&str> = o.steps.iter().map(String::as_str).collect();
                let mut points = 0.0;
                for (i, step) in o.steps.iter().enumerate() {
                    if given.get(i).and_then(|s| resolve_option(&steps, s)) == Some(i) {
                        points += 1.0;
                    } else {
                        g.missed.push(step.clone());
                    }
                }
                if given.len() > o.steps.len() {
                    g.notes.push(format!(
                        "{} steps given, {} expected",
                        given.len(),
                        o.steps.len()
                    ));
                }
                points
            }
            _ => {
                g.notes.push(format!(
                    "this kind of answer does not fit a {} question",
                    question.kind_name()
                ));
                0.0
            }
        };
    } else {
        // Unanswered: everything is missed.
        match &question.kind {
            QuestionKind::Matching(m) => {
                g.missed = m.pairs.iter().map(|(l, _)| l.clone()).collect()
            }
            QuestionKind::Ordering(o) => g.missed = o.steps.clone(),
            _ => {}
        }
    }
    g.points = tidy(g.points);
    g.correct = g.max > 0.0 && (g.points - g.max).abs() < 1e-9;
    g
}

/// Which option (index into `options`) a learner's text means: the option
/// with exactly this text (spacing ignored), else the one with the same
/// plain text (Markdown ignored), else the only one that differs from it at
/// most by case. Used for every kind of option: MultipleChoice options,
/// Matching items, Ordering steps.
pub fn resolve_option(options: &[&str], given: &str) -> Option<usize> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let g = squash(given);
    if let Some(i) = options.iter().position(|o| squash(o) == g) {
        return Some(i);
    }
    let unique = |same: &dyn Fn(&str) -> bool| {
        let mut hits = options.iter().enumerate().filter(|(_, o)| same(o));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    let plain = option_plain(given);
    let key = plain.to_lowercase();
    unique(&|o| option_plain(o) == plain).or_else(|| unique(&|o| option_key(o) == key))
}

fn multiple_choice(
    mc: &crate::content::quiz::MultipleChoice,
    chosen: &[String],
    notes: &mut Vec<String>,
) -> f64 {
    let options = mc.options();
    let mut picked = vec![false; options.len()];
    let mut unknown = false;
    for c in chosen.iter().filter(|c| !c.trim().is_empty()) {
        match resolve_option(&options, c) {
            Some(i) => picked[i] = true,
            None => {
                unknown = true;
                notes.push(format!("`{}` is not one of the options", c.trim()));
            }
        }
    }
    let right = picked
        .iter()
        .enumerate()
        .all(|(i, &p)| p == (i < mc.answers.len()));
    f64::from(u8::from(right && !unknown))
}

/// ShortAnswer comparison form: trimmed, lower-cased, without backticks,
/// whitespace, trailing `. , ; : ! ?` and a trailing `()`.
pub fn normalise_short(s: &str) -> String {
    let s: String = s
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '`')
        .collect();
    let s = s.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    s.strip_suffix("()").unwrap_or(s).to_string()
}

/// Is `name` (lower-case) written in `text` (lower-case) as a whole name,
/// not inside a longer one?
fn names(text: &str, name: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_name)
            && !text[i + name.len()..].chars().next().is_some_and(is_name)
    })
}

/// `s` without the leading module path segments (`a.b.`) that `named`
/// accepts, one segment at a time.
fn drop_named_path(mut s: &str, named: &dyn Fn(&str) -> bool) -> String {
    while let Some((first, rest)) = s.split_once('.') {
        if rest.is_empty() || !named(first) {
            break;
        }
        s = rest;
    }
    s.to_string()
}

/// Is a ShortAnswer response right? Equal to the answer or an alternative
/// after [`normalise_short`]; unless the question is `exact`, a leading
/// module path (`sys.`, `threading.`, `time.`, `Thread.`) is dropped from
/// both sides when the question names it in its prompt, answer or
/// alternatives: `sys.setswitchinterval()` is `setswitchinterval` when the
/// question asks for a `sys` function, but `sys.excepthook` is not
/// `threading.excepthook`.
pub fn short_answer_right(
    question: &Question,
    sa: &crate::content::quiz::ShortAnswer,
    given: &str,
) -> bool {
    let given = normalise_short(given);
    let expected: Vec<String> = std::iter::once(&sa.answer)
        .chain(&sa.alternatives)
        .map(|a| normalise_short(a))
        .collect();
    if expected.contains(&given) {
        return true;
    }
    if sa.exact {
        return false;
    }
    let mut context = question.prompt.to_lowercase();
    for e in &expected {
        context.push(' ');
        context.push_str(e);
    }
    let named = |seg: &str| names(&context, seg);
    let short = drop_named_path(&given, &named);
    expected.iter().any(|e| drop_named_path(e, &named) == short)
}

/// Tracing output comparison form: line endings unified, trailing spaces of
/// each line and blank lines at either end removed.
pub fn normalise_output(s: &str) -> String {
    s.replace("\r\n", "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// A whole answer sheet, graded.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetGrade {
    pub quiz: String,
    pub student: String,
    /// One per question, in quiz order.
    pub questions: Vec<Grade>,
    pub score: f64,
    pub max: f64,
    /// The learner's answers, in quiz order (`None`: unanswered), for
    /// reports that show them beside the correct ones.
    pub responses: Vec<Option<Response>>,
}

impl SheetGrade {
    /// Score as a percentage of the maximum (0 when the quiz is worth nothing).
    pub fn percent(&self) -> f64 {
        if self.max > 0.0 {
            self.score / self.max * 100.0
        } else {
            0.0
        }
    }

    /// Indexes (0-based, in quiz order) of the questions not answered fully
    /// right: what "retry the ones I missed" asks again.
    pub fn to_retry(&self) -> Vec<usize> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.correct)
            .map(|(i, _)| i)
            .collect()
    }

    /// The plain record the progress file keeps.
    pub fn result(&self) -> QuizResult {
        QuizResult {
            quiz: self.quiz.clone(),
            score: self.score,
            max: self.max,
            questions: self
                .questions
                .iter()
                .map(|g| QuestionResult {
                    id: g.key.clone(),
                    points: g.points,
                    max: g.max,
                    correct: g.correct,
                    missed: g.missed.clone(),
                })
                .collect(),
        }
    }
}

/// Grade a quiz's answers (`responses[i]` answers question `i`; missing
/// entries are unanswered).
pub fn grade_responses(quiz: &Quiz, student: &str, responses: &[Option<Response>]) -> SheetGrade {
    let questions: Vec<Grade> = quiz
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| grade_answer(q, responses.get(i).and_then(Option::as_ref)))
        .collect();
    let score = tidy(questions.iter().map(|g| g.points).sum());
    let max = tidy(questions.iter().map(|g| g.max).sum());
    SheetGrade {
        quiz: quiz.id.clone(),
        student: student.to_string(),
        questions,
        score,
        max,
        responses: (0..quiz.questions.len())
            .map(|i| responses.get(i).cloned().flatten())
            .collect(),
    }
}

/// Grade a parsed answer sheet.
pub fn grade_sheet(quiz: &Quiz, sheet: &AnswerSheet) -> SheetGrade {
    grade_responses(quiz, &sheet.student, &sheet.responses)
}

/// A graded attempt as the progress file stores it (serde-ready).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizResult {
    pub quiz: String,
    pub score: f64,
    pub max: f64,
    pub questions: Vec<QuestionResult>,
}

impl QuizResult {
    /// Keys of the questions not answered fully right (what the progress
    /// file's attempts list as missed).
    pub fn missed_questions(&self) -> Vec<String> {
        self.questions
            .iter()
            .filter(|q| !q.correct)
            .map(|q| q.id.clone())
            .collect()
    }
}

/// One question of a [`QuizResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    /// The question's key (id, or 1-based position).
    pub id: String,
    pub points: f64,
    pub max: f64,
    pub correct: bool,
    /// Concept labels missed (FreeText), left items wrong (Matching), steps
    /// out of place (Ordering).
    pub missed: Vec<String>,
}
