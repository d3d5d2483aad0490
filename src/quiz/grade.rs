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

use super::sheet::AnswerSheet;
pub use crate::content::quiz::{
    Grade, Response, TraceResponse, normalise_output, normalise_short, resolve_option,
    short_answer_right,
};
use crate::content::quiz::{Question, Quiz};

/// Points are sums of author-given numbers; keep them free of float noise.
fn tidy(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Grade one answer (`None` or an empty response: unanswered, no points).
/// The kind's module does the grading ([`crate::content::quiz::Kind::grade`]).
pub fn grade_answer(question: &Question, response: Option<&Response>) -> Grade {
    let mut g = Grade {
        key: question.key(),
        kind: question.kind_name(),
        max: question.max_points(),
        ..Grade::default()
    };
    let response = response.filter(|r| !r.is_empty());
    g.answered = response.is_some();
    question.kind.kind().grade(question, response, &mut g);
    g.points = tidy(g.points);
    g.correct = g.max > 0.0 && (g.points - g.max).abs() < 1e-9;
    g
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
