//! The typed quiz model, built by the loader from a file's TOML.
//!
//! mdbook-quiz's three question types (MultipleChoice, ShortAnswer, Tracing)
//! plus ours (FreeText with a rubric, Matching, Ordering). Prompts, options and
//! contexts are Markdown; render them with [`crate::content::markdown`].

use std::collections::BTreeMap;

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
        match &self.kind {
            QuestionKind::MultipleChoice(_)
            | QuestionKind::ShortAnswer(_)
            | QuestionKind::Tracing(_) => 1.0,
            QuestionKind::FreeText(f) => f.rubric.max_points(),
            QuestionKind::Matching(m) => m.pairs.len() as f64,
            QuestionKind::Ordering(o) => o.steps.len() as f64,
        }
    }

    /// The type's name as written in `type = "..."`.
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// What kind of question, with what it needs.
#[derive(Debug, Clone)]
pub enum QuestionKind {
    MultipleChoice(MultipleChoice),
    ShortAnswer(ShortAnswer),
    Tracing(Tracing),
    FreeText(FreeText),
    Matching(Matching),
    Ordering(Ordering),
}

impl QuestionKind {
    /// Every type name, as written in `type = "..."`.
    pub const NAMES: [&'static str; 6] = [
        "MultipleChoice",
        "ShortAnswer",
        "Tracing",
        "FreeText",
        "Matching",
        "Ordering",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::MultipleChoice(_) => "MultipleChoice",
            QuestionKind::ShortAnswer(_) => "ShortAnswer",
            QuestionKind::Tracing(_) => "Tracing",
            QuestionKind::FreeText(_) => "FreeText",
            QuestionKind::Matching(_) => "Matching",
            QuestionKind::Ordering(_) => "Ordering",
        }
    }
}

/// Pick the correct options (mdbook-quiz `MultipleChoice`).
#[derive(Debug, Clone)]
pub struct MultipleChoice {
    /// The correct options (Markdown).
    pub answers: Vec<String>,
    /// The wrong options (Markdown).
    pub distractors: Vec<String>,
    /// The answer was written as an array: show checkboxes ("select all that
    /// apply") even when only one is correct.
    pub multiple: bool,
    /// Don't shuffle; put the answers at this index among the distractors.
    pub answer_index: Option<usize>,
    /// Don't shuffle; sort all options by their text.
    pub sort_answers: bool,
}

impl MultipleChoice {
    /// All options in file order: the answers, then the distractors. The
    /// order shown to a learner comes from [`crate::quiz::shuffle`].
    pub fn options(&self) -> Vec<&str> {
        self.answers
            .iter()
            .chain(&self.distractors)
            .map(String::as_str)
            .collect()
    }
}

/// Type a short answer (mdbook-quiz `ShortAnswer`).
#[derive(Debug, Clone)]
pub struct ShortAnswer {
    pub answer: String,
    pub alternatives: Vec<String>,
    /// Compare the whole name: no leading module path is dropped, so `Full`
    /// is not `queue.Full` (`answer.exact`).
    pub exact: bool,
    /// mdbook-quiz's `prompt.response` hint: `short`, `long` or `code`.
    pub response: ResponseFormat,
}

/// The input box a ShortAnswer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    #[default]
    Short,
    Long,
    Code,
}

/// Predict what a program does (mdbook-quiz `Tracing`).
#[derive(Debug, Clone)]
pub struct Tracing {
    pub program: String,
    pub language: Language,
    /// Rust: does it compile? Python: does it run without an error?
    pub does_compile: bool,
    /// What it prints (compared trimmed).
    pub stdout: Option<String>,
    /// Rust: the line of the compile error. Python: the line that raises.
    pub line_number: Option<usize>,
}

impl Tracing {
    /// The question asked when the file gives no `prompt.prompt`.
    pub fn default_prompt(language: Language) -> &'static str {
        match language {
            Language::Rust => {
                "Does this program compile? If it does, what does it print? If it does not, which line is the error on?"
            }
            Language::Python => {
                "Does this program run without an error? If it does, what does it print? If it does not, which line raises the error?"
            }
        }
    }
}

/// The language of a Tracing program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// mdbook-quiz's default.
    #[default]
    Rust,
    Python,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
        }
    }
}

/// An open question graded by a rubric (ours).
#[derive(Debug, Clone)]
pub struct FreeText {
    pub rubric: Rubric,
    /// A model answer (Markdown) shown after answering; it must earn every
    /// concept of the rubric.
    pub model_answer: String,
}

/// Match left items to right items (ours).
#[derive(Debug, Clone)]
pub struct Matching {
    /// `(left, right)` in file order.
    pub pairs: Vec<(String, String)>,
    /// Extra right items that match nothing.
    pub distractors: Vec<String>,
}

impl Matching {
    /// The right items to choose from: each distinct right item of the pairs,
    /// then the distractors (file order; shuffle for display).
    pub fn right_options(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, r) in &self.pairs {
            if !out.contains(&r.as_str()) {
                out.push(r);
            }
        }
        out.extend(self.distractors.iter().map(String::as_str));
        out
    }
}

/// Put steps in order (ours).
#[derive(Debug, Clone)]
pub struct Ordering {
    /// The steps in the right order.
    pub steps: Vec<String>,
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
