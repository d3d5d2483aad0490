//! ShortAnswer (mdbook-quiz): type a short answer. Right when equal to the
//! answer or an alternative after [`normalise_short`] (case, whitespace,
//! backticks, trailing punctuation and a trailing `()`), and — unless the
//! question says `exact = true` — after dropping a leading module path the
//! question names (`sys.` when it asks for a `sys` function): see
//! [`short_answer_right`]. One point.

use std::ops::Range;

use super::lms::{self, Lms, Piece};
use super::{
    Grade, Handout, Kind, Response, SheetAnswer, SheetValue, Spec, gift_escape, strings,
    toml_string,
};
use crate::content::quiz::model::{Question, QuestionKind};
use crate::content::quiz::parse::{Ctx, OneOrMany, RawAnswer, RawPrompt};

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
pub fn short_answer_right(question: &Question, sa: &ShortAnswer, given: &str) -> bool {
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

impl Kind for ShortAnswer {
    fn name(&self) -> &'static str {
        "ShortAnswer"
    }

    fn max_points(&self) -> f64 {
        1.0
    }

    fn grade(&self, q: &Question, response: Option<&Response>, g: &mut Grade) {
        match response {
            None => {}
            Some(Response::Text(t)) => {
                g.points = f64::from(u8::from(short_answer_right(q, self, t)));
            }
            Some(
                Response::Choices(_) | Response::Trace(_) | Response::Pairs(_) | Response::Order(_),
            ) => g.wrong_shape(),
        }
    }

    fn expected_answer(&self) -> String {
        if self.alternatives.is_empty() {
            self.answer.clone()
        } else {
            format!(
                "{}\n(also accepted: {})",
                self.answer,
                self.alternatives.join(", ")
            )
        }
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
        out.push_str(&format!("{key} = \"\"\n"));
    }

    fn model_sheet(&self, out: &mut String, key: &str) {
        out.push_str(&format!("{key} = {}\n", toml_string(&self.answer)));
    }

    fn handout(&self) -> Handout<'_> {
        Handout::default()
    }

    fn lms(&self, format: Lms) -> Result<Piece, String> {
        let forms = self.accepted_forms();
        Ok(match format {
            Lms::MoodleXml => {
                // `*` is Moodle's wildcard: a literal one is `\*`.
                let mut body = String::from("<usecase>0</usecase>\n");
                for f in &forms {
                    body.push_str(&lms::moodle_answer(
                        100.0,
                        "moodle_auto_format",
                        &f.replace('*', "\\*"),
                    ));
                }
                Piece::new("shortanswer", body)
            }
            Lms::Gift => {
                let body: Vec<String> = forms
                    .iter()
                    .map(|f| format!("={}", gift_escape(f)))
                    .collect();
                Piece::new("", body.join(" "))
            }
            Lms::Qti => {
                let mut p = Piece::new(
                    "short_answer_question",
                    "<response_str ident=\"response1\" rcardinality=\"Single\"><render_fib><response_label ident=\"answer1\" rshuffle=\"No\"/></render_fib></response_str>\n".into(),
                );
                for f in &forms {
                    p.processing.push_str(&lms::qti_condition(
                        &lms::qti_equal("response1", f),
                        "Set",
                        100.0,
                    ));
                }
                p
            }
        })
    }
}

impl ShortAnswer {
    /// The answers an LMS accepts (they compare case-insensitively but do
    /// not normalise as [`short_answer_right`] does): the answer and its
    /// alternatives, and, unless the question is `exact`, each without a
    /// trailing `()` and without backticks. Duplicates (ignoring case)
    /// are left out.
    pub fn accepted_forms(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |s: &str| {
            let s = s.trim();
            if !s.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
                out.push(s.to_string());
            }
        };
        for a in std::iter::once(&self.answer).chain(&self.alternatives) {
            push(a);
            if !self.exact {
                let bare = a.trim().replace('`', "");
                push(&bare);
                push(bare.strip_suffix("()").unwrap_or(&bare));
            }
        }
        out
    }
}

pub(super) const SPEC: Spec = Spec {
    name: "ShortAnswer",
    prompt_required: true,
    keys: &[
        "prompt.prompt",
        "prompt.response",
        "answer.answer",
        "answer.alternatives",
        "answer.exact",
    ],
    parse: |cx, p, a, at| parse(cx, p, a, at).map(QuestionKind::ShortAnswer),
};

fn parse(cx: &mut Ctx, p: &RawPrompt, a: &RawAnswer, at: &Range<usize>) -> Option<ShortAnswer> {
    let answer = match &a.answer {
        None => {
            cx.err(
                at.clone(),
                "missing `answer.answer` (required in ShortAnswer questions)",
            );
            return None;
        }
        Some(s) => match s.get_ref() {
            OneOrMany::One(v) if v.trim().is_empty() => {
                cx.err(s.span(), "`answer.answer` is empty");
                return None;
            }
            OneOrMany::One(v) => v.clone(),
            OneOrMany::Many(_) => {
                cx.err(
                    s.span(),
                    "`answer.answer` of a ShortAnswer question is one string; put other accepted answers in `answer.alternatives`",
                );
                return None;
            }
        },
    };
    let response = match &p.response {
        None => ResponseFormat::Short,
        Some(r) => match r.get_ref().as_str() {
            "short" => ResponseFormat::Short,
            "long" => ResponseFormat::Long,
            "code" => ResponseFormat::Code,
            other => {
                cx.err(
                    r.span(),
                    format!("unknown `prompt.response` `{other}` (expected short, long or code)"),
                );
                return None;
            }
        },
    };
    Some(ShortAnswer {
        answer,
        alternatives: a
            .alternatives
            .as_ref()
            .map(|v| strings(v.get_ref()))
            .unwrap_or_default(),
        exact: a.exact.as_ref().is_some_and(|e| *e.get_ref()),
        response,
    })
}
