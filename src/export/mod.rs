//! Handouts (`threadtutor export`): every lesson in order, then the
//! quizzes; the answers and rubrics only in the teacher's copy
//! (`--with-answers`). HTML is one self-contained file (inline CSS, no
//! external assets, readable printed) with code coloured by the tutorial's
//! own highlighter; Markdown is plain CommonMark with fenced code.

pub mod html;
pub mod markdown;

use crate::content::Content;
use crate::content::quiz::{Question, QuestionKind, option_plain};

/// The handout's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Markdown,
}

impl Format {
    /// The file the handout is written to inside the output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "threadtutor-handout.html",
            Format::Markdown => "threadtutor-handout.md",
        }
    }
}

/// Render the whole handout.
pub fn render(content: &Content, format: Format, with_answers: bool) -> String {
    match format {
        Format::Html => html::render(content, with_answers),
        Format::Markdown => markdown::render(content, with_answers),
    }
}

/// The choices a question offers on paper, as their Markdown, in an order
/// that does not give the answer away (sorted by their text), or None when
/// it is not a choice.
pub(crate) fn choices(q: &Question) -> Option<Vec<String>> {
    let mut v: Vec<&str> = match &q.kind {
        QuestionKind::MultipleChoice(mc) => mc.options(),
        QuestionKind::Matching(m) => m.right_options(),
        QuestionKind::Ordering(o) => o.steps.iter().map(String::as_str).collect(),
        _ => return None,
    };
    v.sort_by_cached_key(|s| option_plain(s));
    Some(v.into_iter().map(str::to_string).collect())
}

/// For matching questions: the left-hand items (their Markdown), in file
/// order.
pub(crate) fn matching_left(q: &Question) -> Vec<String> {
    match &q.kind {
        QuestionKind::Matching(m) => m.pairs.iter().map(|(l, _)| l.clone()).collect(),
        _ => Vec::new(),
    }
}

/// A rubric as lines: `+2 label` for each concept, `-1 label` for each
/// misconception.
pub(crate) fn rubric_lines(q: &Question) -> Vec<String> {
    let QuestionKind::FreeText(f) = &q.kind else {
        return Vec::new();
    };
    let num = crate::quiz::report::num;
    let mut v: Vec<String> = f
        .rubric
        .concepts
        .iter()
        .map(|c| format!("+{} {}", num(c.points), c.label))
        .collect();
    v.extend(
        f.rubric
            .misconceptions
            .iter()
            .map(|c| format!("-{} (misconception) {}", num(c.points), c.label)),
    );
    v
}
