//! One module per question kind. Each holds everything about its kind that
//! is not terminal UI: its model, its TOML form and validation, grading,
//! its answer-sheet lines and the reading of a sheet's answer, the text of
//! the expected answer, shuffling, and its export pieces. The rest of the
//! code reaches a kind through [`QuestionKind::kind`] (one exhaustive
//! `match`) and the [`Kind`] trait, or through [`KINDS`] when loading.
//!
//! Adding a kind: its module here, a `mod` line and a `pub use`, a variant
//! of [`QuestionKind`] with its arm in [`QuestionKind::kind`], and its entry
//! in [`KINDS`]. The compiler points at anything else (the TUI input widget
//! in `src/ui/quiz.rs`).

mod answer;
mod free_text;
pub mod lms;
mod matching;
mod multiple_choice;
mod ordering;
mod sheet_value;
mod short_answer;
mod text;
mod tracing;

use std::ops::Range;

pub use answer::{Grade, Response, TraceResponse};
pub use free_text::FreeText;
pub use matching::{Matching, right_order};
pub use multiple_choice::{MultipleChoice, choice_order};
pub use ordering::{Ordering, step_order};
pub use sheet_value::{SheetScalar, SheetValue};
pub use short_answer::{ResponseFormat, ShortAnswer, normalise_short, short_answer_right};
pub use text::{format_points, gift_escape, option_line, toml_key, toml_string, xml_escape};
pub use tracing::{Language, Tracing, normalise_output};

use super::model::{Question, QuestionKind, option_key, option_plain};
use super::parse::{Ctx, RawAnswer, RawPrompt};
use crate::rng::SplitMix64;

/// A sheet value read for a kind: `Ok(None)` when nothing is answered yet;
/// `Err(None)` when the value has the wrong shape (the caller names the
/// shape from [`Kind::sheet_shape`]); `Err(Some((span, message)))` for a
/// problem inside it.
pub type SheetAnswer = Result<Option<Response>, Option<(Range<usize>, String)>>;

/// What a question shows on a paper handout besides its prompt.
#[derive(Debug, Default)]
pub struct Handout<'a> {
    /// A program to print as a code block (Tracing).
    pub program: Option<&'a str>,
    /// Left-hand items, each followed by a blank (Matching), file order.
    pub left: Vec<&'a str>,
    /// The choices offered (Markdown), in the order printed (sorted by
    /// plain text so the order does not give the answer away).
    pub choices: Option<Vec<&'a str>>,
    /// The grading rubric, one line each (FreeText): `+2 label`,
    /// `-1 (misconception) label`.
    pub rubric: Vec<String>,
}

/// Everything a question kind does, apart from loading (see [`KINDS`]) and
/// the TUI input widget.
pub trait Kind {
    /// The type's name as written in `type = "..."`.
    fn name(&self) -> &'static str;
    /// The question asked when the file gives no `prompt.prompt`, for
    /// kinds whose prompt is optional.
    fn default_prompt(&self) -> Option<&'static str> {
        None
    }
    /// The points the question is worth.
    fn max_points(&self) -> f64;
    /// Grade a response (`None`: unanswered) into `g`: its points and,
    /// where the kind has parts, what was missed. `g.key`, `g.kind`,
    /// `g.max` and `g.answered` are already set.
    fn grade(&self, q: &Question, response: Option<&Response>, g: &mut Grade);
    /// Graded by a rubric of concepts: reports list the concepts found,
    /// missed and negated, and the misconceptions, even when unanswered.
    fn graded_by_rubric(&self) -> bool {
        false
    }
    /// The expected answer, in one or a few plain lines.
    fn expected_answer(&self) -> String;
    /// The learner's answer in plain lines, marked ✓/✗ where the kind has
    /// parts.
    fn your_answer(&self, r: &Response) -> String;
    /// What a sheet's answer must look like, for messages.
    fn sheet_shape(&self) -> &'static str;
    /// Read a sheet's answer.
    fn sheet_answer(&self, v: &SheetValue) -> SheetAnswer;
    /// What to add to the template's heading (`, choose one`).
    fn template_hint(&self) -> &'static str {
        ""
    }
    /// The template's lines for this question after its prompt: how to
    /// answer, and the blank answer under `key`. `shown` are the options in
    /// the attempt's order ([`Kind::shown_options`]).
    fn template(&self, out: &mut String, key: &str, shown: &[&str]);
    /// The sheet lines that answer the question right, under `key`.
    fn model_sheet(&self, out: &mut String, key: &str);
    /// The choices as shown in an attempt whose question seed is `seed`
    /// (nothing for kinds without choices).
    fn shown_options(&self, _seed: u64) -> Vec<&str> {
        Vec::new()
    }
    /// What a paper handout prints besides the prompt.
    fn handout(&self) -> Handout<'_>;
    /// The question's own part in a learning-management system's format,
    /// or why that format cannot hold it (listed on stderr).
    fn lms(&self, format: lms::Lms) -> Result<lms::Piece, String>;
}

impl QuestionKind {
    /// The kind's behaviour. The one `match` a new kind must join.
    pub fn kind(&self) -> &dyn Kind {
        match self {
            QuestionKind::MultipleChoice(k) => k,
            QuestionKind::ShortAnswer(k) => k,
            QuestionKind::Tracing(k) => k,
            QuestionKind::FreeText(k) => k,
            QuestionKind::Matching(k) => k,
            QuestionKind::Ordering(k) => k,
        }
    }

    /// The type's name, as written in `type = "..."`.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Every type name, as written in `type = "..."`.
    pub const NAMES: [&'static str; KINDS.len()] = {
        let mut out = [""; KINDS.len()];
        let mut i = 0;
        while i < KINDS.len() {
            out[i] = KINDS[i].name;
            i += 1;
        }
        out
    };
}

/// How a kind is loaded from a quiz file's `[[questions]]` table.
pub(crate) struct Spec {
    /// `type = "..."`.
    pub name: &'static str,
    /// Must the question have a `prompt.prompt`? (Without one, the kind's
    /// [`Kind::default_prompt`] is asked.)
    pub prompt_required: bool,
    /// The `prompt.*` and `answer.*` keys the kind may use.
    pub keys: &'static [&'static str],
    /// Build the kind from the raw tables, reporting every problem to the
    /// context (`at`: the question's table, for "missing" messages).
    pub parse: fn(&mut Ctx, &RawPrompt, &RawAnswer, &Range<usize>) -> Option<QuestionKind>,
}

/// Every kind the loader knows, by `type` name.
pub(crate) const KINDS: [Spec; 6] = [
    multiple_choice::SPEC,
    short_answer::SPEC,
    tracing::SPEC,
    free_text::SPEC,
    matching::SPEC,
    ordering::SPEC,
];

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

/// Fisher–Yates shuffle.
pub fn shuffle<T>(items: &mut [T], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

/// Choices sorted by their plain text, for paper (the order does not give
/// the answer away).
fn sorted_choices(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_by_cached_key(|s| option_plain(s));
    v
}

/// The template's list of choices to copy, one TOML string each.
fn list_choices(out: &mut String, heading: &str, shown: &[&str]) {
    out.push_str(heading);
    out.push('\n');
    for o in shown {
        out.push_str(&format!("#      {}\n", toml_string(&option_line(o))));
    }
}

/// A TOML array of strings.
fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// The strings of a TOML array, without their spans.
fn strings(l: &[toml::Spanned<String>]) -> Vec<String> {
    l.iter().map(|s| s.get_ref().clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::quiz::parse_quiz;

    /// One question of every kind, in the order of [`KINDS`].
    const EVERY_KIND: &str = r#"
[[questions]]
type = "MultipleChoice"
prompt.prompt = "p"
prompt.distractors = ["b"]
answer.answer = "a"

[[questions]]
type = "ShortAnswer"
prompt.prompt = "p"
answer.answer = "a"

[[questions]]
type = "Tracing"
prompt.program = "print(1)"
prompt.language = "python"
answer.doesCompile = true
answer.stdout = "1"

[[questions]]
type = "FreeText"
prompt.prompt = "p"
answer.model = "locks protect data"
[[questions.answer.concepts]]
label = "protect"
phrases = ["protect"]

[[questions]]
type = "Matching"
prompt.prompt = "p"
answer.pairs = { a = "1", b = "2" }

[[questions]]
type = "Ordering"
prompt.prompt = "p"
answer.steps = ["x", "y"]
"#;

    #[test]
    fn registry_names_agree_and_each_model_sheet_earns_full_marks() {
        let quiz = parse_quiz("every", "every.toml", EVERY_KIND).unwrap();
        assert_eq!(quiz.questions.len(), KINDS.len());
        for (q, spec) in quiz.questions.iter().zip(&KINDS) {
            assert_eq!(q.kind.name(), spec.name);
            assert_eq!(QuestionKind::NAMES[q.position - 1], spec.name);
            // Each key the spec allows is a `prompt.` or `answer.` key.
            assert!(
                spec.keys
                    .iter()
                    .all(|k| k.starts_with("prompt.") || k.starts_with("answer."))
            );
        }
        // Tracing's prompt was optional: the standard question was asked.
        assert!(
            quiz.questions[2]
                .prompt
                .starts_with("Does this program run")
        );
        // The model sheet of every kind, read back by the kind and graded
        // by it, earns every point.
        for q in &quiz.questions {
            let kind = q.kind.kind();
            let mut sheet = String::new();
            kind.model_sheet(&mut sheet, "k");
            let table: toml::Table = toml::from_str(&sheet).unwrap();
            let value: SheetValue = toml::from_str::<SheetHolder>(&sheet).map(|h| h.k).unwrap();
            let response = kind.sheet_answer(&value).unwrap().unwrap();
            let mut g = Grade {
                kind: kind.name(),
                ..Grade::default()
            };
            kind.grade(q, Some(&response), &mut g);
            assert_eq!(g.points, kind.max_points(), "{} {table:?}", kind.name());
        }
    }

    #[derive(serde::Deserialize)]
    struct SheetHolder {
        k: SheetValue,
    }
}
