//! FreeText (ours): an open question graded by a rubric of concepts and
//! misconceptions ([`crate::text::grade_text`]); worth the rubric's points.
//! The model answer must earn every concept of its own rubric: checked when
//! the quiz loads.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::lms::{self, Lms, Piece};
use super::{Grade, Handout, Kind, Response, SheetAnswer, SheetValue, Spec, format_points};
use crate::content::markdown;
use crate::content::quiz::model::{Concept, Question, QuestionKind, Rubric};
use crate::content::quiz::parse::{Ctx, RawAnswer, RawConcept, RawPrompt};
use crate::text::{self, Pattern};

/// An open question graded by a rubric (ours).
#[derive(Debug, Clone)]
pub struct FreeText {
    pub rubric: Rubric,
    /// A model answer (Markdown) shown after answering; it must earn every
    /// concept of the rubric.
    pub model_answer: String,
}

impl FreeText {
    /// The rubric as lines: `+2 label` for each concept, `-1
    /// (misconception) label` for each misconception.
    pub fn rubric_lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .rubric
            .concepts
            .iter()
            .map(|c| format!("+{} {}", format_points(c.points), c.label))
            .collect();
        v.extend(
            self.rubric
                .misconceptions
                .iter()
                .map(|c| format!("-{} (misconception) {}", format_points(c.points), c.label)),
        );
        v
    }
}

impl Kind for FreeText {
    fn name(&self) -> &'static str {
        "FreeText"
    }

    fn max_points(&self) -> f64 {
        self.rubric.max_points()
    }

    fn grade(&self, _q: &Question, response: Option<&Response>, g: &mut Grade) {
        // Even an empty answer lists what it missed.
        let written = match response {
            Some(Response::Text(t)) => t.as_str(),
            Some(
                Response::Choices(_) | Response::Trace(_) | Response::Pairs(_) | Response::Order(_),
            ) => {
                g.notes.push("expected a written answer".into());
                ""
            }
            None => "",
        };
        let o = text::grade_text(&self.rubric, written);
        g.points = o.points;
        g.found = o.found;
        g.missed = o.missed;
        g.negated = o.negated;
        g.misconceptions = o.misconceptions;
        g.feedback = o.feedback;
    }

    fn graded_by_rubric(&self) -> bool {
        true
    }

    fn expected_answer(&self) -> String {
        markdown::to_plain(&self.model_answer)
    }

    fn your_answer(&self, r: &Response) -> String {
        r.as_lines()
    }

    fn sheet_shape(&self) -> &'static str {
        "a string"
    }

    fn sheet_answer(&self, v: &SheetValue) -> SheetAnswer {
        match v {
            SheetValue::Str(s) => Ok(Some(Response::Text(s.clone()))),
            SheetValue::List(_) | SheetValue::Table(_) | SheetValue::Other(_) => Err(None),
        }
    }

    fn template(&self, out: &mut String, key: &str, _shown: &[&str]) {
        out.push_str("#    Write your answer between the triple quotes.\n");
        out.push_str(&format!("{key} = \"\"\"\n\"\"\"\n"));
    }

    fn model_sheet(&self, out: &mut String, key: &str) {
        out.push_str(&format!(
            "{key} = {}\n",
            super::toml_string(&self.model_answer)
        ));
    }

    fn handout(&self) -> Handout<'_> {
        Handout {
            rubric: self.rubric_lines(),
            ..Handout::default()
        }
    }

    fn lms(&self, format: Lms) -> Result<Piece, String> {
        let mut info = format!(
            "Model answer:\n\n{}\n\nRubric:\n\n",
            self.model_answer.trim_end()
        );
        for line in self.rubric_lines() {
            info.push_str(&format!("- {line}\n"));
        }
        Ok(lms::essay(format, &info, 10))
    }
}

pub(super) const SPEC: Spec = Spec {
    name: "FreeText",
    prompt_required: true,
    keys: &[
        "prompt.prompt",
        "answer.model",
        "answer.concepts",
        "answer.misconceptions",
    ],
    parse: |cx, _p: &RawPrompt, a, at| parse(cx, a, at).map(QuestionKind::FreeText),
};

fn concepts(
    cx: &mut Ctx,
    raw: &[Spanned<RawConcept>],
    what: &str,
    labels: &mut HashMap<String, usize>,
) -> Vec<Concept> {
    let mut out = Vec::new();
    for rc in raw {
        let c = rc.get_ref();
        let label = c.label.get_ref().trim().to_string();
        if label.is_empty() {
            cx.err(c.label.span(), format!("the label of a {what} is empty"));
        } else if let Some(&first) = labels.get(&label.to_lowercase()) {
            let (line, _) = crate::content::diagnostic::line_col(cx.text, first);
            cx.err(
                c.label.span(),
                format!("label `{label}` is used twice (first at line {line})"),
            );
        } else {
            labels.insert(label.to_lowercase(), c.label.span().start);
        }
        let points = match &c.points {
            None => 1.0,
            Some(p) if p.get_ref().is_finite() && *p.get_ref() > 0.0 => *p.get_ref(),
            Some(p) => {
                cx.err(
                    p.span(),
                    format!("`points` must be more than 0, not {}", p.get_ref()),
                );
                1.0
            }
        };
        let phrases = c.phrases.as_deref().unwrap_or_default();
        let mut patterns: Vec<Spanned<String>> = c.patterns.clone().unwrap_or_default();
        if let Some(one) = &c.pattern {
            patterns.push(one.clone());
        }
        if phrases.is_empty() && patterns.is_empty() {
            cx.err(
                rc.span(),
                format!("{what} `{label}` has no `phrases` or `patterns` to find it by"),
            );
        }
        let mut matchers = Vec::new();
        for ph in phrases {
            match Pattern::phrase(ph.get_ref()) {
                Ok(m) => matchers.push(m),
                Err(e) => cx.err(ph.span(), format!("bad phrase: {}", e.message)),
            }
        }
        for pa in &patterns {
            match Pattern::parse(pa.get_ref()) {
                Ok(m) => matchers.push(m),
                Err(e) => {
                    let at = string_content_start(cx.text, pa.span().start) + e.offset;
                    cx.err(at..at, format!("bad pattern: {}", e.message));
                }
            }
        }
        let message = match &c.message {
            Some(m) if what != "misconception" => {
                cx.err(m.span(), "`message` is only for misconceptions");
                None
            }
            Some(m) if m.get_ref().trim().is_empty() => {
                cx.err(m.span(), "`message` is empty");
                None
            }
            Some(m) => Some(m.get_ref().trim().to_string()),
            None => None,
        };
        let mut concept = Concept {
            label,
            points,
            phrases: super::strings(phrases),
            patterns: super::strings(&patterns),
            matchers,
            negatable: c.negatable.as_ref().is_none_or(|n| *n.get_ref()),
            message,
            subjects: Vec::new(),
        };
        concept.subjects = match &c.subjects {
            Some(list) => list
                .iter()
                .map(|s| crate::text::stem(&s.get_ref().trim().to_lowercase()))
                .filter(|s| !s.is_empty())
                .collect(),
            None => concept.inferred_subjects(),
        };
        out.push(concept);
    }
    out
}

/// Where the content of the TOML string starting at `start` begins (after
/// its quotes, and after the newline a multi-line string ignores). Offsets
/// into the content then point at the right column unless escapes come first.
fn string_content_start(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        let after = &rest[3..];
        let newline = if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        };
        start + 3 + newline
    } else {
        start + 1
    }
}

fn parse(cx: &mut Ctx, a: &RawAnswer, at: &Range<usize>) -> Option<FreeText> {
    let model = cx.text_field(a.model.as_ref(), "answer.model", "FreeText", at.clone());
    let before = cx.diags.len();
    let mut labels = HashMap::new();
    let concept_list = match &a.concepts {
        Some(c) if !c.get_ref().is_empty() => concepts(cx, c.get_ref(), "concept", &mut labels),
        Some(c) => {
            cx.err(
                c.span(),
                "empty rubric: a FreeText question needs at least one [[questions.answer.concepts]]",
            );
            return None;
        }
        None => {
            cx.err(
                at.clone(),
                "empty rubric: a FreeText question needs at least one [[questions.answer.concepts]]",
            );
            return None;
        }
    };
    let misconceptions = a
        .misconceptions
        .as_ref()
        .map(|m| concepts(cx, m.get_ref(), "misconception", &mut labels))
        .unwrap_or_default();
    let model = model?;
    let rubric = Rubric::new(concept_list, misconceptions);
    // The model answer must earn full marks on its own (well-formed) rubric.
    if let Some(m) = &a.model
        && cx.diags.len() == before
    {
        let outcome = text::grade_text(&rubric, &model);
        for label in &outcome.missed {
            cx.err(
                m.span(),
                format!("the model answer does not show concept `{label}`"),
            );
        }
        for label in &outcome.misconceptions {
            cx.err(
                m.span(),
                format!("the model answer contains misconception `{label}`"),
            );
        }
    }
    Some(FreeText {
        rubric,
        model_answer: model,
    })
}
