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

use super::model::*;
use crate::content::diagnostic::{Diagnostic, from_toml_error};
use crate::text::{self, Pattern};

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
struct RawPrompt {
    prompt: Option<Spanned<String>>,
    distractors: Option<Spanned<Vec<Spanned<String>>>>,
    answer_index: Option<Spanned<i64>>,
    sort_answers: Option<Spanned<bool>>,
    response: Option<Spanned<String>>,
    program: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawAnswer {
    answer: Option<Spanned<OneOrMany>>,
    alternatives: Option<Spanned<Vec<Spanned<String>>>>,
    exact: Option<Spanned<bool>>,
    does_compile: Option<Spanned<bool>>,
    stdout: Option<Spanned<String>>,
    line_number: Option<Spanned<i64>>,
    model: Option<Spanned<String>>,
    concepts: Option<Spanned<Vec<Spanned<RawConcept>>>>,
    misconceptions: Option<Spanned<Vec<Spanned<RawConcept>>>>,
    pairs: Option<Spanned<SpannedTable<String>>>,
    steps: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConcept {
    label: Spanned<String>,
    points: Option<Spanned<f64>>,
    phrases: Option<Vec<Spanned<String>>>,
    patterns: Option<Vec<Spanned<String>>>,
    /// One pattern (a shorthand for `patterns = [...]`).
    pattern: Option<Spanned<String>>,
    negatable: Option<Spanned<bool>>,
    /// Misconceptions: what the learner is told.
    message: Option<Spanned<String>>,
    /// The subject nouns the concept is about.
    subjects: Option<Vec<Spanned<String>>>,
}

/// `answer.answer`: a string, or an array of strings.
enum OneOrMany {
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
struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::at(self.path, self.text, span.start, message));
    }

    /// A required string that must not be blank.
    fn text_field(
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
    fn options(
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

/// The `prompt.*` and `answer.*` keys a question type may use.
fn allowed(kind: &str) -> &'static [&'static str] {
    match kind {
        "MultipleChoice" => &[
            "prompt.prompt",
            "prompt.distractors",
            "prompt.answerIndex",
            "prompt.sortAnswers",
            "answer.answer",
        ],
        "ShortAnswer" => &[
            "prompt.prompt",
            "prompt.response",
            "answer.answer",
            "answer.alternatives",
            "answer.exact",
        ],
        "Tracing" => &[
            "prompt.prompt",
            "prompt.program",
            "prompt.language",
            "answer.doesCompile",
            "answer.stdout",
            "answer.lineNumber",
        ],
        "FreeText" => &[
            "prompt.prompt",
            "answer.model",
            "answer.concepts",
            "answer.misconceptions",
        ],
        "Matching" => &["prompt.prompt", "prompt.distractors", "answer.pairs"],
        "Ordering" => &["prompt.prompt", "answer.steps"],
        _ => &[],
    }
}

fn convert(cx: &mut Ctx, position: usize, at: Range<usize>, q: RawQuestion) -> Option<Question> {
    let kind = q.kind.get_ref().as_str();
    if !QuestionKind::NAMES.contains(&kind) {
        cx.err(
            q.kind.span(),
            format!(
                "unknown question type `{kind}` (expected one of {})",
                QuestionKind::NAMES.join(", ")
            ),
        );
        return None;
    }
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
    let ok = allowed(kind);
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
    let prompt = if kind == "Tracing" {
        Some(
            p.prompt
                .as_ref()
                .map(|s| s.get_ref().clone())
                .unwrap_or_default(),
        )
    } else {
        cx.text_field(p.prompt.as_ref(), "prompt.prompt", kind, at.clone())
    };
    let question_kind = match kind {
        "MultipleChoice" => multiple_choice(cx, p, a, &at).map(QuestionKind::MultipleChoice),
        "ShortAnswer" => short_answer(cx, p, a, &at).map(QuestionKind::ShortAnswer),
        "Tracing" => tracing(cx, p, a, &at).map(QuestionKind::Tracing),
        "FreeText" => free_text(cx, a, &at).map(QuestionKind::FreeText),
        "Matching" => matching(cx, p, a, &at).map(QuestionKind::Matching),
        _ => ordering(cx, a, &at).map(QuestionKind::Ordering),
    };
    if bad_keys || cx.diags.len() > before {
        return None;
    }
    let kind = question_kind?;
    let mut prompt = prompt?;
    if let QuestionKind::Tracing(t) = &kind
        && prompt.trim().is_empty()
    {
        prompt = Tracing::default_prompt(t.language).to_string();
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

fn strings(v: &[Spanned<String>]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().clone()).collect()
}

fn multiple_choice(
    cx: &mut Ctx,
    p: &RawPrompt,
    a: &RawAnswer,
    at: &Range<usize>,
) -> Option<MultipleChoice> {
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

fn short_answer(
    cx: &mut Ctx,
    p: &RawPrompt,
    a: &RawAnswer,
    at: &Range<usize>,
) -> Option<ShortAnswer> {
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

fn tracing(cx: &mut Ctx, p: &RawPrompt, a: &RawAnswer, at: &Range<usize>) -> Option<Tracing> {
    let program = cx.text_field(p.program.as_ref(), "prompt.program", "Tracing", at.clone());
    let language = match &p.language {
        None => Language::Rust,
        Some(l) => match l.get_ref().to_lowercase().as_str() {
            "rust" => Language::Rust,
            "python" => Language::Python,
            other => {
                cx.err(
                    l.span(),
                    format!("unknown `prompt.language` `{other}` (expected rust or python)"),
                );
                return None;
            }
        },
    };
    let Some(does_compile) = &a.does_compile else {
        cx.err(
            at.clone(),
            "missing `answer.doesCompile` (required in Tracing questions)",
        );
        return None;
    };
    let does_compile = *does_compile.get_ref();
    let program = program?;
    let line_number = match &a.line_number {
        None => None,
        Some(n) => {
            let lines = program.lines().count();
            if does_compile {
                let what = match language {
                    Language::Rust => "do not compile",
                    Language::Python => "raise an error",
                };
                cx.err(
                    n.span(),
                    format!(
                        "`answer.lineNumber` is only for programs that {what} (doesCompile = false)"
                    ),
                );
                return None;
            }
            match usize::try_from(*n.get_ref()) {
                Ok(v) if (1..=lines).contains(&v) => Some(v),
                _ => {
                    cx.err(
                        n.span(),
                        format!(
                            "`answer.lineNumber` is {}, but the program has lines 1 to {lines}",
                            n.get_ref()
                        ),
                    );
                    return None;
                }
            }
        }
    };
    if let Some(s) = &a.stdout
        && !does_compile
        && language == Language::Rust
    {
        cx.err(
            s.span(),
            "a program that does not compile prints nothing: remove `answer.stdout`",
        );
        return None;
    }
    Some(Tracing {
        program,
        language,
        does_compile,
        stdout: a.stdout.as_ref().map(|s| s.get_ref().clone()),
        line_number,
    })
}

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
            phrases: strings(phrases),
            patterns: strings(&patterns),
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

fn free_text(cx: &mut Ctx, a: &RawAnswer, at: &Range<usize>) -> Option<FreeText> {
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

fn matching(cx: &mut Ctx, p: &RawPrompt, a: &RawAnswer, at: &Range<usize>) -> Option<Matching> {
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
    let mut rights = std::collections::HashSet::new();
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

fn ordering(cx: &mut Ctx, a: &RawAnswer, at: &Range<usize>) -> Option<Ordering> {
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
