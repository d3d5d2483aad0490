//! MultipleChoice (mdbook-quiz): pick the correct options. Right when the
//! set of chosen options is exactly the set of correct ones; one point.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::lms::{self, Lms, Piece};
use super::{
    Grade, Handout, Kind, Response, SheetAnswer, SheetValue, Spec, gift_escape, list_choices,
    resolve_option, shuffle, sorted_choices, strings, toml_list, toml_string,
};
use crate::content::markdown;
use crate::content::quiz::model::{Question, QuestionKind, option_plain};
use crate::content::quiz::parse::{Ctx, OneOrMany, RawAnswer, RawPrompt};
use crate::rng::SplitMix64;

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
    /// order shown to a learner comes from [`choice_order`].
    pub fn options(&self) -> Vec<&str> {
        self.answers
            .iter()
            .chain(&self.distractors)
            .map(String::as_str)
            .collect()
    }

    /// Which options (indexes into [`MultipleChoice::options`]) a learner
    /// chose, and the texts that are no option.
    pub fn picked(&self, chosen: &[&str]) -> (Vec<bool>, Vec<String>) {
        let options = self.options();
        let mut picked = vec![false; options.len()];
        let mut unknown = Vec::new();
        for c in chosen.iter().filter(|c| !c.trim().is_empty()) {
            match resolve_option(&options, c) {
                Some(i) => picked[i] = true,
                None => unknown.push(c.trim().to_string()),
            }
        }
        (picked, unknown)
    }
}

/// The order to show a MultipleChoice question's options in, as indexes into
/// [`MultipleChoice::options`] (answers first, then distractors).
/// mdbook-quiz's `answerIndex` (answers at that index among the distractors,
/// which keep their order) and `sortAnswers` (all options sorted by text)
/// turn shuffling off.
pub fn choice_order(mc: &MultipleChoice, seed: u64) -> Vec<usize> {
    let n_answers = mc.answers.len();
    let total = n_answers + mc.distractors.len();
    if let Some(at) = mc.answer_index {
        let mut order: Vec<usize> = (n_answers..total).collect();
        let at = at.min(order.len());
        order.splice(at..at, 0..n_answers);
        return order;
    }
    let mut order: Vec<usize> = (0..total).collect();
    if mc.sort_answers {
        let options = mc.options();
        order.sort_by(|&a, &b| options[a].cmp(options[b]));
    } else {
        shuffle(&mut order, &mut SplitMix64::new(seed));
    }
    order
}

/// The texts of a response, when it is one a MultipleChoice can read.
fn chosen(r: &Response) -> Option<Vec<&str>> {
    match r {
        Response::Text(t) => Some(vec![t.as_str()]),
        Response::Choices(c) => Some(c.iter().map(String::as_str).collect()),
        Response::Trace(_) | Response::Pairs(_) | Response::Order(_) => None,
    }
}

impl Kind for MultipleChoice {
    fn name(&self) -> &'static str {
        "MultipleChoice"
    }

    fn max_points(&self) -> f64 {
        1.0
    }

    fn grade(&self, _q: &Question, response: Option<&Response>, g: &mut Grade) {
        let Some(r) = response else { return };
        let Some(chosen) = chosen(r) else {
            return g.wrong_shape();
        };
        let (picked, unknown) = self.picked(&chosen);
        for u in &unknown {
            g.notes.push(format!("`{u}` is not one of the options"));
        }
        let right = picked
            .iter()
            .enumerate()
            .all(|(i, &p)| p == (i < self.answers.len()));
        g.points = f64::from(u8::from(right && unknown.is_empty()));
    }

    fn expected_answer(&self) -> String {
        self.answers
            .iter()
            .map(|a| markdown::to_plain(a))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn your_answer(&self, r: &Response) -> String {
        let Some(chosen) = chosen(r) else {
            return r.as_lines();
        };
        let plain = |s: &str| markdown::to_plain(s).trim().to_string();
        let (picked, unknown) = self.picked(&chosen);
        let mut lines = Vec::new();
        for (i, o) in self.options().iter().enumerate() {
            let right = i < self.answers.len();
            let mark = if right { '✓' } else { '✗' };
            let pick = if picked[i] { "[x]" } else { "[ ]" };
            let note = match (picked[i], right) {
                (true, false) => "  ← your pick, wrong",
                (false, true) => "  ← correct, not picked",
                (true, true) | (false, false) => "",
            };
            lines.push(format!("{pick} {mark} {}{note}", plain(o)));
        }
        lines.extend(unknown.iter().map(|u| format!("  ? {u} (not an option)")));
        lines.join("\n")
    }

    fn sheet_shape(&self) -> &'static str {
        "an option's text, or an array of options' texts"
    }

    fn sheet_answer(&self, v: &SheetValue) -> SheetAnswer {
        match v {
            SheetValue::Str(s) => Ok(Some(Response::Choices(vec![s.clone()]))),
            SheetValue::List(l) => Ok(Some(Response::Choices(strings(l)))),
            SheetValue::Table(_) | SheetValue::Other(_) => Err(None),
        }
    }

    fn template_hint(&self) -> &'static str {
        if self.multiple {
            ", choose every correct option"
        } else {
            ", choose one"
        }
    }

    fn template(&self, out: &mut String, key: &str, shown: &[&str]) {
        list_choices(out, "#    Options (copy the text of your choice):", shown);
        let blank = if self.multiple { "[]" } else { "\"\"" };
        out.push_str(&format!("{key} = {blank}\n"));
    }

    fn model_sheet(&self, out: &mut String, key: &str) {
        if self.multiple {
            out.push_str(&format!("{key} = {}\n", toml_list(&self.answers)));
        } else {
            let one = self
                .answers
                .first()
                .map_or(String::new(), |a| toml_string(a));
            out.push_str(&format!("{key} = {one}\n"));
        }
    }

    fn shown_options(&self, seed: u64) -> Vec<&str> {
        let options = self.options();
        choice_order(self, seed)
            .into_iter()
            .map(|i| options[i])
            .collect()
    }

    fn handout(&self) -> Handout<'_> {
        Handout {
            choices: Some(sorted_choices(self.options())),
            ..Handout::default()
        }
    }

    fn lms(&self, format: Lms) -> Result<Piece, String> {
        Ok(self.lms_piece(format))
    }
}

pub(super) const SPEC: Spec = Spec {
    name: "MultipleChoice",
    prompt_required: true,
    keys: &[
        "prompt.prompt",
        "prompt.distractors",
        "prompt.answerIndex",
        "prompt.sortAnswers",
        "answer.answer",
    ],
    parse: |cx, p, a, at| parse(cx, p, a, at).map(QuestionKind::MultipleChoice),
};

fn parse(cx: &mut Ctx, p: &RawPrompt, a: &RawAnswer, at: &Range<usize>) -> Option<MultipleChoice> {
    let Some(answer) = &a.answer else {
        cx.err(
            at.clone(),
            "missing `answer.answer` (required in MultipleChoice questions)",
        );
        return None;
    };
    let Some(distractors) = &p.distractors else {
        cx.err(
            at.clone(),
            "missing `prompt.distractors` (required in MultipleChoice questions)",
        );
        return None;
    };
    let (answers, multiple) = match answer.get_ref() {
        OneOrMany::One(s) => (vec![Spanned::new(answer.span(), s.clone())], false),
        OneOrMany::Many(v) => (v.clone(), true),
    };
    if answers.is_empty() {
        cx.err(
            answer.span(),
            "`answer.answer` is empty: give at least one correct option",
        );
        return None;
    }
    let mut seen = HashMap::new();
    cx.options(&answers, "answer.answer", &mut seen);
    for d in distractors.get_ref() {
        if seen.contains_key(&option_plain(d.get_ref())) {
            cx.err(
                d.span(),
                format!(
                    "distractor {:?} is also a correct answer",
                    d.get_ref().trim()
                ),
            );
        }
    }
    cx.options(
        distractors.get_ref(),
        "prompt.distractors",
        &mut HashMap::new(),
    );
    let answer_index = match &p.answer_index {
        Some(i) => {
            let n = distractors.get_ref().len();
            match usize::try_from(*i.get_ref()) {
                Ok(v) if v <= n => Some(v),
                _ => {
                    cx.err(
                        i.span(),
                        format!(
                            "`prompt.answerIndex` is {}, but with {n} distractor(s) it must be 0 to {n}",
                            i.get_ref()
                        ),
                    );
                    None
                }
            }
        }
        None => None,
    };
    let sort_answers = p.sort_answers.as_ref().is_some_and(|s| *s.get_ref());
    if let (Some(i), true) = (&p.answer_index, sort_answers) {
        cx.err(
            i.span(),
            "use either `prompt.answerIndex` or `prompt.sortAnswers`, not both",
        );
    }
    Some(MultipleChoice {
        answers: strings(&answers),
        distractors: strings(distractors.get_ref()),
        multiple,
        answer_index,
        sort_answers,
    })
}

impl MultipleChoice {
    /// The LMS piece (see [`Kind::lms`]). Several correct answers: Moodle
    /// `single=false` with the correct options sharing +100 and the wrong
    /// ones sharing -100 (all of them picked is worth nothing), as GIFT
    /// weights; QTI `multiple_answers_question`, right only when exactly
    /// the correct options are picked (as threadtutor grades it).
    pub(super) fn lms_piece(&self, format: Lms) -> Piece {
        // Options in the order a learner would see them when the quiz fixes
        // it (answerIndex, sortAnswers), else in file order and shuffled by
        // the LMS.
        let fixed = self.answer_index.is_some() || self.sort_answers;
        let order: Vec<usize> = if fixed {
            choice_order(self, 0)
        } else {
            (0..self.answers.len() + self.distractors.len()).collect()
        };
        let options = self.options();
        let n_right = self.answers.len();
        let n_wrong = self.distractors.len();
        let weight = |i: usize| -> f64 {
            match (i < n_right, self.multiple) {
                (true, _) => 100.0 / n_right as f64,
                (false, true) if n_wrong > 0 => -100.0 / n_wrong as f64,
                (false, _) => 0.0,
            }
        };
        match format {
            Lms::MoodleXml => {
                let mut body = format!(
                    "<single>{}</single>\n<shuffleanswers>{}</shuffleanswers>\n<answernumbering>abc</answernumbering>\n",
                    !self.multiple, !fixed
                );
                for &i in &order {
                    body.push_str(&lms::moodle_answer(
                        weight(i),
                        "markdown",
                        &lms::option_markdown(options[i]),
                    ));
                }
                Piece::new("multichoice", body)
            }
            Lms::Gift => {
                let mut body = String::new();
                for &i in &order {
                    let text = gift_escape(&lms::option_markdown(options[i]));
                    if self.multiple {
                        body.push_str(&format!("~%{}%{text} ", lms::fraction(weight(i))));
                    } else if i < n_right {
                        body.push_str(&format!("={text} "));
                    } else {
                        body.push_str(&format!("~{text} "));
                    }
                }
                Piece::new("", body.trim_end().to_string())
            }
            Lms::Qti => {
                let labelled: Vec<(String, String)> = order
                    .iter()
                    .map(|&i| (format!("a{}", i + 1), lms::option_text(options[i])))
                    .collect();
                let (qtype, cardinality) = if self.multiple {
                    ("multiple_answers_question", "Multiple")
                } else {
                    ("multiple_choice_question", "Single")
                };
                let mut p = Piece::new(
                    qtype,
                    lms::qti_choices("response1", cardinality, None, &labelled),
                );
                let condition = if self.multiple {
                    let mut c = String::from("<and>");
                    for i in 0..options.len() {
                        let eq = lms::qti_equal("response1", &format!("a{}", i + 1));
                        if i < n_right {
                            c.push_str(&eq);
                        } else {
                            c.push_str(&format!("<not>{eq}</not>"));
                        }
                    }
                    c.push_str("</and>");
                    c
                } else {
                    lms::qti_equal("response1", "a1")
                };
                p.processing = lms::qti_condition(&condition, "Set", 100.0);
                p
            }
        }
    }
}
