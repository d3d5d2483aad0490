//! Ordering (ours): put steps in order, a point per step in its place. The
//! steps are shuffled per attempt, never shown already in order.

use std::collections::HashMap;
use std::ops::Range;

use super::lms::{self, Lms, Piece};
use super::{
    Grade, Handout, Kind, Response, SheetAnswer, SheetValue, Spec, list_choices, resolve_option,
    shuffle, sorted_choices, strings, toml_list,
};
use crate::content::markdown;
use crate::content::quiz::model::{Question, QuestionKind};
use crate::content::quiz::parse::{Ctx, RawAnswer, RawPrompt};
use crate::rng::SplitMix64;

/// Put steps in order (ours).
#[derive(Debug, Clone)]
pub struct Ordering {
    /// The steps in the right order.
    pub steps: Vec<String>,
}

impl Ordering {
    fn step_texts(&self) -> Vec<&str> {
        self.steps.iter().map(String::as_str).collect()
    }
}

/// The order to show an Ordering question's steps in, as indexes into
/// [`Ordering::steps`]; never already the right order.
pub fn step_order(o: &Ordering, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..o.steps.len()).collect();
    shuffle(&mut order, &mut SplitMix64::new(seed));
    if order.len() > 1 && order.iter().enumerate().all(|(i, &s)| i == s) {
        order.rotate_left(1);
    }
    order
}

impl Kind for Ordering {
    fn name(&self) -> &'static str {
        "Ordering"
    }

    fn max_points(&self) -> f64 {
        self.steps.len() as f64
    }

    fn grade(&self, _q: &Question, response: Option<&Response>, g: &mut Grade) {
        let given = match response {
            // Unanswered: every step is missed.
            None => {
                g.missed = self.steps.clone();
                return;
            }
            Some(Response::Order(given)) => given,
            Some(
                Response::Text(_) | Response::Choices(_) | Response::Trace(_) | Response::Pairs(_),
            ) => return g.wrong_shape(),
        };
        let steps = self.step_texts();
        let mut points = 0.0;
        for (i, step) in self.steps.iter().enumerate() {
            if given.get(i).and_then(|s| resolve_option(&steps, s)) == Some(i) {
                points += 1.0;
            } else {
                g.missed.push(step.clone());
            }
        }
        if given.len() > self.steps.len() {
            g.notes.push(format!(
                "{} steps given, {} expected",
                given.len(),
                self.steps.len()
            ));
        }
        g.points = points;
    }

    fn expected_answer(&self) -> String {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, markdown::to_plain(s)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn your_answer(&self, r: &Response) -> String {
        let Response::Order(given) = r else {
            return r.as_lines();
        };
        let plain = |s: &str| markdown::to_plain(s).trim().to_string();
        let steps = self.step_texts();
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

    fn sheet_shape(&self) -> &'static str {
        "an array of the steps in order"
    }

    fn sheet_answer(&self, v: &SheetValue) -> SheetAnswer {
        match v {
            SheetValue::List(l) => Ok(Some(Response::Order(strings(l)))),
            SheetValue::Str(_) | SheetValue::Table(_) | SheetValue::Other(_) => Err(None),
        }
    }

    fn template(&self, out: &mut String, key: &str, shown: &[&str]) {
        list_choices(
            out,
            "#    Put these steps in order (copy them into the array):",
            shown,
        );
        out.push_str(&format!("{key} = []\n"));
    }

    fn model_sheet(&self, out: &mut String, key: &str) {
        out.push_str(&format!("{key} = {}\n", toml_list(&self.steps)));
    }

    fn shown_options(&self, seed: u64) -> Vec<&str> {
        step_order(self, seed)
            .into_iter()
            .map(|i| self.steps[i].as_str())
            .collect()
    }

    fn handout(&self) -> Handout<'_> {
        Handout {
            choices: Some(sorted_choices(self.step_texts())),
            ..Handout::default()
        }
    }

    fn lms(&self, format: Lms) -> Result<Piece, String> {
        let steps = lms::option_texts(self.step_texts());
        match format {
            Lms::MoodleXml => {
                // Moodle's ordering question: the answers in the right
                // order, each's fraction its position.
                let mut body = format!(
                    "<layouttype>VERTICAL</layouttype>\n<selecttype>ALL</selecttype>\n<selectcount>{}</selectcount>\n<gradingtype>ABSOLUTE_POSITION</gradingtype>\n<showgrading>SHOW</showgrading>\n<numberingstyle>none</numberingstyle>\n<shownumcorrect>1</shownumcorrect>\n",
                    steps.len()
                );
                for (i, s) in self.steps.iter().enumerate() {
                    body.push_str(&lms::moodle_answer(
                        (i + 1) as f64,
                        "markdown",
                        &lms::option_markdown(s),
                    ));
                }
                Ok(Piece::new("ordering", body))
            }
            Lms::Gift | Lms::Qti => {
                // No ordering type: a matching of position → step.
                let pairs: Vec<(String, String)> = steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (format!("Position {}", i + 1), s.clone()))
                    .collect();
                let which = if format == Lms::Gift {
                    "GIFT"
                } else {
                    "QTI 1.2 (Canvas classic quizzes)"
                };
                let piece = lms::matching(format, &pairs, &steps)
                    .map_err(|e| format!("{which} has no ordering question, and as a matching of position → step: {e}"))?;
                Ok(piece.noted(format!(
                    "{which} has no ordering question: exported as a matching of position → step"
                )))
            }
        }
    }
}

pub(super) const SPEC: Spec = Spec {
    name: "Ordering",
    prompt_required: true,
    keys: &["prompt.prompt", "answer.steps"],
    parse: |cx, _p: &RawPrompt, a, at| parse(cx, a, at).map(QuestionKind::Ordering),
};

fn parse(cx: &mut Ctx, a: &RawAnswer, at: &Range<usize>) -> Option<Ordering> {
    let Some(steps) = &a.steps else {
        cx.err(
            at.clone(),
            "missing `answer.steps` (required in Ordering questions)",
        );
        return None;
    };
    if steps.get_ref().len() < 2 {
        cx.err(steps.span(), "`answer.steps` needs at least two steps");
        return None;
    }
    cx.options(steps.get_ref(), "answer.steps", &mut HashMap::new());
    Some(Ordering {
        steps: strings(steps.get_ref()),
    })
}
