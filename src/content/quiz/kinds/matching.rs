//! Matching (ours): match left items to right items, a point per correct
//! pair. The right items (with distractors) are shuffled per attempt.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use super::lms::{self, Lms, Piece};
use super::{
    Grade, Handout, Kind, Response, SheetAnswer, SheetScalar, SheetValue, Spec, list_choices,
    resolve_option, shuffle, sorted_choices, strings, toml_string,
};
use crate::content::markdown;
use crate::content::quiz::model::{Question, QuestionKind, option_plain};
use crate::content::quiz::parse::{Ctx, RawAnswer, RawPrompt};
use crate::rng::SplitMix64;

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

    /// The left items, in file order.
    pub fn lefts(&self) -> Vec<&str> {
        self.pairs.iter().map(|(l, _)| l.as_str()).collect()
    }
}

/// The order to show a Matching question's right items in, as indexes into
/// [`Matching::right_options`].
pub fn right_order(m: &Matching, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..m.right_options().len()).collect();
    shuffle(&mut order, &mut SplitMix64::new(seed));
    order
}

impl Kind for Matching {
    fn name(&self) -> &'static str {
        "Matching"
    }

    fn max_points(&self) -> f64 {
        self.pairs.len() as f64
    }

    fn grade(&self, _q: &Question, response: Option<&Response>, g: &mut Grade) {
        let given = match response {
            // Unanswered: every pair is missed.
            None => {
                g.missed = self.pairs.iter().map(|(l, _)| l.clone()).collect();
                return;
            }
            Some(Response::Pairs(given)) => given,
            Some(
                Response::Text(_) | Response::Choices(_) | Response::Trace(_) | Response::Order(_),
            ) => return g.wrong_shape(),
        };
        let lefts = self.lefts();
        let rights = self.right_options();
        // The right item chosen for each left item.
        let mut chosen: Vec<Option<usize>> = vec![None; lefts.len()];
        for (l, r) in given {
            match resolve_option(&lefts, l) {
                Some(i) => chosen[i] = resolve_option(&rights, r),
                None => g.notes.push(format!("`{l}` is not one of the left items")),
            }
        }
        let mut points = 0.0;
        for ((left, right), choice) in self.pairs.iter().zip(chosen) {
            if choice.is_some_and(|c| rights[c] == right.as_str()) {
                points += 1.0;
            } else {
                g.missed.push(left.clone());
            }
        }
        g.points = points;
    }

    fn expected_answer(&self) -> String {
        let plain = |s: &str| markdown::to_plain(s);
        self.pairs
            .iter()
            .map(|(l, r)| format!("{} → {}", plain(l), plain(r)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn your_answer(&self, r: &Response) -> String {
        let Response::Pairs(given) = r else {
            return r.as_lines();
        };
        let plain = |s: &str| markdown::to_plain(s).trim().to_string();
        let lefts = self.lefts();
        let rights = self.right_options();
        let mut lines = Vec::new();
        for (l, r) in given {
            let Some(i) = resolve_option(&lefts, l) else {
                lines.push(format!("? {l} (not a left item)"));
                continue;
            };
            let (left, right) = &self.pairs[i];
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

    fn sheet_shape(&self) -> &'static str {
        "a table of left = right"
    }

    fn sheet_answer(&self, v: &SheetValue) -> SheetAnswer {
        let SheetValue::Table(t) = v else {
            return Err(None);
        };
        let mut pairs = Vec::new();
        for (k, v) in t {
            match v.get_ref() {
                SheetScalar::Str(s) => pairs.push((k.get_ref().clone(), s.clone())),
                other @ (SheetScalar::Bool(_) | SheetScalar::Int(_) | SheetScalar::Other(_)) => {
                    return Err(Some((
                        v.span(),
                        format!(
                            "the match for `{}` must be a string, not {}",
                            k.get_ref(),
                            other.describe()
                        ),
                    )));
                }
            }
        }
        Ok(Some(Response::Pairs(pairs)))
    }

    fn template(&self, out: &mut String, key: &str, shown: &[&str]) {
        list_choices(
            out,
            "#    Match each left item to one of these (copy the text):",
            shown,
        );
        for (left, _) in &self.pairs {
            out.push_str(&format!("{key}.{} = \"\"\n", toml_string(left)));
        }
    }

    fn model_sheet(&self, out: &mut String, key: &str) {
        for (l, r) in &self.pairs {
            out.push_str(&format!("{key}.{} = {}\n", toml_string(l), toml_string(r)));
        }
    }

    fn shown_options(&self, seed: u64) -> Vec<&str> {
        let options = self.right_options();
        right_order(self, seed)
            .into_iter()
            .map(|i| options[i])
            .collect()
    }

    fn handout(&self) -> Handout<'_> {
        Handout {
            left: self.lefts(),
            choices: Some(sorted_choices(self.right_options())),
            ..Handout::default()
        }
    }

    fn lms(&self, format: Lms) -> Result<Piece, String> {
        let pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            // The left items are shown formatted (Markdown where the format
            // renders it); the right ones are offered as plain text.
            .map(|(l, r)| {
                let left = match format {
                    Lms::MoodleXml | Lms::Gift => lms::option_markdown(l),
                    Lms::Qti => lms::option_text(l),
                };
                (left, lms::option_text(r))
            })
            .collect();
        let rights = lms::option_texts(self.right_options());
        lms::matching(format, &pairs, &rights)
    }
}

pub(super) const SPEC: Spec = Spec {
    name: "Matching",
    prompt_required: true,
    keys: &["prompt.prompt", "prompt.distractors", "answer.pairs"],
    parse: |cx, p, a, at| parse(cx, p, a, at).map(QuestionKind::Matching),
};

fn parse(cx: &mut Ctx, p: &RawPrompt, a: &RawAnswer, at: &Range<usize>) -> Option<Matching> {
    let Some(pairs) = &a.pairs else {
        cx.err(
            at.clone(),
            "missing `answer.pairs` (required in Matching questions)",
        );
        return None;
    };
    let ordered = &pairs.get_ref().0;
    if ordered.len() < 2 {
        cx.err(pairs.span(), "`answer.pairs` needs at least two pairs");
        return None;
    }
    let lefts: Vec<Spanned<String>> = ordered.iter().map(|(l, _)| l.clone()).collect();
    cx.options(&lefts, "answer.pairs", &mut HashMap::new());
    let mut rights = HashSet::new();
    for (_, r) in ordered {
        if r.get_ref().trim().is_empty() {
            cx.err(r.span(), "the right side of a pair is empty");
        }
        rights.insert(option_plain(r.get_ref()));
    }
    let distractors = p
        .distractors
        .as_ref()
        .map(|d| d.get_ref().clone())
        .unwrap_or_default();
    for d in &distractors {
        if rights.contains(&option_plain(d.get_ref())) {
            cx.err(
                d.span(),
                format!(
                    "distractor {:?} is also the right side of a pair",
                    d.get_ref().trim()
                ),
            );
        }
    }
    cx.options(&distractors, "prompt.distractors", &mut HashMap::new());
    Some(Matching {
        pairs: ordered
            .iter()
            .map(|(l, r)| (l.get_ref().clone(), r.get_ref().clone()))
            .collect(),
        distractors: strings(&distractors),
    })
}
