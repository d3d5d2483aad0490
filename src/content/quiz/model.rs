//! The typed quiz model, built by the loader from a file's TOML.
//!
//! mdbook-quiz's three question types (MultipleChoice, ShortAnswer, Tracing)
//! plus ours (FreeText with a rubric, Matching, Ordering). Prompts, options and
//! contexts are Markdown; render them with [`crate::content::markdown`].

use std::collections::BTreeMap;

pub use super::kinds::{
    FreeText, Language, Matching, MultipleChoice, Ordering, ResponseFormat, ShortAnswer, Tracing,
};
use crate::content::markdown;
pub use crate::text::rubric::{Concept, Rubric};

/// One quiz file.
#[derive(Debug, Clone)]
pub struct Quiz {
    /// The file stem, e.g. `pop-quiz-1`.
    pub id: String,
    /// Where it came from, for messages.
    pub path: String,
    /// A title to show (our extension; mdbook-quiz files have none).
    pub title: Option<String>,
    pub questions: Vec<Question>,
    /// Shared context of multipart questions, by key (mdbook-quiz `[multipart]`).
    pub multipart: BTreeMap<String, String>,
}

impl Quiz {
    /// Does the quiz have a question with this id?
    pub fn has_question(&self, id: &str) -> bool {
        self.questions.iter().any(|q| q.id.as_deref() == Some(id))
    }

    /// The title to show: `title`, or the id.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }

    /// A question by its id, or by its 1-based position written as a number.
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.id.as_deref() == Some(key))
            .or_else(|| {
                let n: usize = key.parse().ok()?;
                self.questions.get(n.checked_sub(1)?)
            })
    }

    /// The points the whole quiz is worth.
    pub fn max_points(&self) -> f64 {
        self.questions.iter().map(Question::max_points).sum()
    }

    /// The shared context a multipart question is shown under, if any.
    pub fn multipart_context(&self, question: &Question) -> Option<&str> {
        let key = question.multipart.as_deref()?;
        self.multipart.get(key).map(String::as_str)
    }
}

/// One question.
#[derive(Debug, Clone)]
pub struct Question {
    /// The question's id; lessons link to it. mdbook-quiz makes it optional.
    pub id: Option<String>,
    /// 1-based position in the quiz.
    pub position: usize,
    /// The prompt (Markdown). For Tracing questions without one, a standard
    /// question about the program ([`Tracing::default_prompt`]).
    pub prompt: String,
    /// Shown after answering: why the answer is what it is (Markdown).
    pub context: Option<String>,
    /// Key into [`Quiz::multipart`].
    pub multipart: Option<String>,
    pub kind: QuestionKind,
}

impl Question {
    /// The key of the question in answer sheets and reports: its id, or its
    /// 1-based position when it has none.
    pub fn key(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.position.to_string())
    }

    /// The points the question is worth: 1 for MultipleChoice, ShortAnswer and
    /// Tracing; the rubric's total for FreeText; one per pair or step for
    /// Matching and Ordering.
    pub fn max_points(&self) -> f64 {
        self.kind.kind().max_points()
    }

    /// The type's name as written in `type = "..."`.
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// What kind of question, with what it needs: each kind's model, loading,
/// grading and export live in its module of [`super::kinds`]; reach them
/// with [`QuestionKind::kind`].
#[derive(Debug, Clone)]
pub enum QuestionKind {
    MultipleChoice(MultipleChoice),
    ShortAnswer(ShortAnswer),
    Tracing(Tracing),
    FreeText(FreeText),
    Matching(Matching),
    Ordering(Ordering),
}

/// An option's text as plain text: its Markdown rendered, whitespace
/// collapsed. Two options with the same plain text are the same option.
pub fn option_plain(text: &str) -> String {
    let plain = if text.contains(['`', '*', '_', '[', '<', '\\', '#', '>', '\n']) {
        markdown::to_plain(text)
    } else {
        text.to_string()
    };
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`option_plain`], lower-cased: how an answer sheet may also give an
/// option, when no option differs from it only by case.
pub fn option_key(text: &str) -> String {
    option_plain(text).to_lowercase()
}
