//! Loading a quiz file: TOML into flat raw structs that keep every value's
//! span, then into the typed model, checking everything a quiz author can get
//! wrong and reporting each problem as `path:line:col: message`.
//!
//! The raw structs are flat on purpose (one struct for every question type's
//! `prompt` and one for every `answer`): serde's tagged and untagged enums
//! buffer their input and lose the spans. Which keys belong to which type is
//! checked here instead.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::kinds::KINDS;
use super::model::*;
use crate::content::diagnostic::{Diagnostic, from_toml_error};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    title: Option<Spanned<String>>,
    questions: Option<Spanned<Vec<Spanned<RawQuestion>>>>,
    multipart: Option<BTreeMap<String, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawQuestion {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    id: Option<Spanned<String>>,
    multipart: Option<Spanned<String>>,
    prompt: Option<Spanned<RawPrompt>>,
    answer: Option<Spanned<RawAnswer>>,
    context: Option<Spanned<String>>,
    /// mdbook-quiz's "ask for a justification"; accepted and not used.
    #[allow(dead_code)]
    prompt_explanation: Option<Spanned<bool>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawPrompt {
    pub(crate) prompt: Option<Spanned<String>>,
    pub(crate) distractors: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) answer_index: Option<Spanned<i64>>,
    pub(crate) sort_answers: Option<Spanned<bool>>,
    pub(crate) response: Option<Spanned<String>>,
    pub(crate) program: Option<Spanned<String>>,
    pub(crate) language: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawAnswer {
    pub(crate) answer: Option<Spanned<OneOrMany>>,
    pub(crate) alternatives: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) exact: Option<Spanned<bool>>,
    pub(crate) does_compile: Option<Spanned<bool>>,
    pub(crate) stdout: Option<Spanned<String>>,
    pub(crate) line_number: Option<Spanned<i64>>,
    pub(crate) model: Option<Spanned<String>>,
    pub(crate) concepts: Option<Spanned<Vec<Spanned<RawConcept>>>>,
    pub(crate) misconceptions: Option<Spanned<Vec<Spanned<RawConcept>>>>,
    pub(crate) pairs: Option<Spanned<SpannedTable<String>>>,
    pub(crate) steps: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConcept {
    pub(crate) label: Spanned<String>,
    pub(crate) points: Option<Spanned<f64>>,
    pub(crate) phrases: Option<Vec<Spanned<String>>>,
    pub(crate) patterns: Option<Vec<Spanned<String>>>,
    /// One pattern (a shorthand for `patterns = [...]`).
    pub(crate) pattern: Option<Spanned<String>>,
    pub(crate) negatable: Option<Spanned<bool>>,
    /// Misconceptions: what the learner is told.
    pub(crate) message: Option<Spanned<String>>,
    /// The subject nouns the concept is about.
    pub(crate) subjects: Option<Vec<Spanned<String>>>,
}

/// `answer.answer`: a string, or an array of strings.
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Spanned<String>>()? {
                    out.push(s);
                }
                Ok(OneOrMany::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A TOML table as `(key, value)` entries in file order, with spans. (toml
/// hands tables over sorted by key; the spans put them back in order.)
pub(crate) struct SpannedTable<V>(pub Vec<(Spanned<String>, Spanned<V>)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedTable<V> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = SpannedTable<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SpannedTable<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    out.push((k, map.next_value::<Spanned<V>>()?));
                }
                out.sort_by_key(|(k, _)| k.span().start);
                Ok(SpannedTable(out))
            }
        }
        d.deserialize_map(Vis(std::marker::PhantomData))
    }
}

/// Collects diagnostics for one file.
pub(crate) struct Ctx<'a> {
    pub(crate) path: &'a str,
    pub(crate) text: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub(crate) fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::at(self.path, self.text, span.start, message));
    }

    /// A required string that must not be blank.
    pub(crate) fn text_field(
        &mut self,
        field: Option<&Spanned<String>>,
        name: &str,
        kind: &str,
        at: Range<usize>,
    ) -> Option<String> {
        match field {
            None => {
                self.err(
                    at,
                    format!("missing `{name}` (required in {kind} questions)"),
                );
                None
            }
            Some(s) if s.get_ref().trim().is_empty() => {
                self.err(s.span(), format!("`{name}` is empty"));
                None
            }
            Some(s) => Some(s.get_ref().clone()),
        }
    }

    /// A list of distinct, non-blank options (compared by [`option_plain`]).
    pub(crate) fn options(
        &mut self,
        items: &[Spanned<String>],
        name: &str,
        seen: &mut HashMap<String, usize>,
    ) {
        for item in items {
            let key = option_plain(item.get_ref());
            if key.is_empty() {
                self.err(item.span(), format!("an entry of `{name}` is empty"));
            } else if let Some(&first) = seen.get(&key) {
                let (line, _) = crate::content::diagnostic::line_col(self.text, first);
                self.err(
                    item.span(),
                    format!(
                        "{:?} is listed twice (first at line {line})",
                        item.get_ref().trim()
                    ),
                );
            } else {
                seen.insert(key, item.span().start);
            }
        }
    }
}

/// A TOML or shape error as a diagnostic. A date-time where text was
/// expected gets a plain message instead of serde's internals.
pub(crate) fn toml_diagnostic(path: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    let mut d = from_toml_error(path, text, err);
    let value = err.span().and_then(|s| text.get(s));
    if value.is_some_and(|v| v.trim().parse::<toml::value::Datetime>().is_ok()) {
        d.message = "a date or time is not allowed here (put text in quotes)".into();
    }
    d
}

/// Parse a quiz file's text. `id` is the quiz id (normally the file stem).
pub fn parse_quiz(id: &str, path: &str, text: &str) -> Result<Quiz, Vec<Diagnostic>> {
    let raw: RawQuiz = toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, text, &e)])?;
    let mut cx = Ctx {
        path,
        text,
        diags: Vec::new(),
    };
    let multipart: BTreeMap<String, String> = raw
        .multipart
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.into_inner()))
        .collect();
    let title = match raw.title {
        Some(t) if t.get_ref().trim().is_empty() => {
            cx.err(t.span(), "`title` is empty");
            None
        }
        t => t.map(Spanned::into_inner),
    };
    let mut questions = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    match raw.questions {
        None => cx.err(
            0..0,
            "no questions: a quiz needs at least one [[questions]] table",
        ),
        Some(qs) if qs.get_ref().is_empty() => cx.err(
            qs.span(),
            "no questions: a quiz needs at least one [[questions]] table",
        ),
        Some(qs) => {
            for (i, q) in qs.into_inner().into_iter().enumerate() {
                let span = q.span();
                let q = q.into_inner();
                if let Some(qid) = &q.id {
                    let name = qid.get_ref().trim();
                    if name.is_empty() {
                        cx.err(qid.span(), "`id` is empty");
                    } else if let Some(&first) = ids.get(name) {
                        let (line, _) = crate::content::diagnostic::line_col(text, first);
                        cx.err(
                            qid.span(),
                            format!("duplicate question id `{name}` (first used at line {line})"),
                        );
                    } else {
                        ids.insert(name.to_string(), qid.span().start);
                    }
                }
                if let Some(m) = &q.multipart
                    && !multipart.contains_key(m.get_ref())
                {
                    cx.err(
                        m.span(),
                        format!(
                            "`multipart = \"{}\"` names no entry of the [multipart] table",
                            m.get_ref()
                        ),
                    );
                }
                if let Some(question) = convert(&mut cx, i + 1, span, q) {
                    questions.push(question);
                }
            }
        }
    }
    if cx.diags.is_empty() {
        Ok(Quiz {
            id: id.to_string(),
            path: path.to_string(),
            title,
            questions,
            multipart,
        })
    } else {
        cx.diags.sort();
        Err(cx.diags)
    }
}

fn convert(cx: &mut Ctx, position: usize, at: Range<usize>, q: RawQuestion) -> Option<Question> {
    let kind = q.kind.get_ref().as_str();
    let Some(spec) = KINDS.iter().find(|s| s.name == kind) else {
        cx.err(
            q.kind.span(),
            format!(
                "unknown question type `{kind}` (expected one of {})",
                QuestionKind::NAMES.join(", ")
            ),
        );
        return None;
    };
    let p = q.prompt.as_ref().map(|p| p.get_ref());
    let a = q.answer.as_ref().map(|a| a.get_ref());
    let empty_p = RawPrompt::default();
    let empty_a = RawAnswer::default();
    let p = p.unwrap_or(&empty_p);
    let a = a.unwrap_or(&empty_a);

    // Keys that belong to other question types.
    fn span_of<T>(v: &Option<Spanned<T>>) -> Option<Range<usize>> {
        v.as_ref().map(Spanned::span)
    }
    let present = [
        ("prompt.prompt", span_of(&p.prompt)),
        ("prompt.distractors", span_of(&p.distractors)),
        ("prompt.answerIndex", span_of(&p.answer_index)),
        ("prompt.sortAnswers", span_of(&p.sort_answers)),
        ("prompt.response", span_of(&p.response)),
        ("prompt.program", span_of(&p.program)),
        ("prompt.language", span_of(&p.language)),
        ("answer.answer", span_of(&a.answer)),
        ("answer.alternatives", span_of(&a.alternatives)),
        ("answer.exact", span_of(&a.exact)),
        ("answer.doesCompile", span_of(&a.does_compile)),
        ("answer.stdout", span_of(&a.stdout)),
        ("answer.lineNumber", span_of(&a.line_number)),
        ("answer.model", span_of(&a.model)),
        ("answer.concepts", span_of(&a.concepts)),
        ("answer.misconceptions", span_of(&a.misconceptions)),
        ("answer.pairs", span_of(&a.pairs)),
        ("answer.steps", span_of(&a.steps)),
    ];
    let ok = spec.keys;
    let mut bad_keys = false;
    for (name, span) in present {
        if let Some(span) = span
            && !ok.contains(&name)
        {
            cx.err(span, format!("`{name}` is not a key of {kind} questions"));
            bad_keys = true;
        }
    }
    let before = cx.diags.len();
    let context = match &q.context {
        Some(c) if c.get_ref().trim().is_empty() => None,
        c => c.as_ref().map(|c| c.get_ref().clone()),
    };
    let prompt = if !spec.prompt_required {
        Some(
            p.prompt
                .as_ref()
                .map(|s| s.get_ref().clone())
                .unwrap_or_default(),
        )
    } else {
        cx.text_field(p.prompt.as_ref(), "prompt.prompt", kind, at.clone())
    };
    let question_kind = (spec.parse)(cx, p, a, &at);
    if bad_keys || cx.diags.len() > before {
        return None;
    }
    let kind = question_kind?;
    let mut prompt = prompt?;
    if prompt.trim().is_empty()
        && let Some(standard) = kind.kind().default_prompt()
    {
        prompt = standard.to_string();
    }
    Some(Question {
        id: q.id.map(|s| s.into_inner().trim().to_string()),
        position,
        prompt,
        context,
        multipart: q.multipart.map(Spanned::into_inner),
        kind,
    })
}
