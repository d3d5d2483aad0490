//! Answer sheets: the TOML a student fills in for `threadtutor quiz --answers`
//! and `threadtutor grade`, and the blank template `--template` prints.
//!
//! ```toml
//! quiz = "pop-quiz-2"            # optional; checked when present
//! student = "Ada"
//!
//! [answers]
//! why-queues = "They handle both data protection and synchronization."
//! queue-put-full = "It blocks until a slot is free"       # MultipleChoice, one answer
//! thread-order-output = ["a b c 1 2 3", "1 a b 2 c 3"]     # several answers, or Ordering
//! 3.compiles = true                                        # Tracing, keyed by position
//! 3.output = "did 1"
//! match-primitives."Lock()" = "Protect a critical section"  # Matching: left = right
//! ```
//!
//! Keys are question ids, or 1-based positions (for questions without an id).
//! Every problem is reported as `path:line:col: message`.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::grade::{Response, TraceResponse};
use super::shuffle;
use crate::content::diagnostic::{Diagnostic, decode_utf8};
use crate::content::markdown;
use crate::content::quiz::{Language, Question, QuestionKind, Quiz, SpannedTable, toml_diagnostic};

/// A parsed answer sheet, checked against its quiz.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerSheet {
    pub path: String,
    pub student: String,
    /// One entry per question of the quiz, in order; `None` when unanswered.
    pub responses: Vec<Option<Response>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSheet {
    student: Option<Spanned<String>>,
    quiz: Option<Spanned<String>>,
    answers: Option<Spanned<SpannedTable<RawValue>>>,
}

/// Any answer value; what it must be depends on the question.
enum RawValue {
    Str(String),
    List(Vec<Spanned<String>>),
    Table(Vec<(Spanned<String>, Spanned<Scalar>)>),
    /// Something else, named for the message ("a number").
    Other(&'static str),
}

/// A value inside an answer's table.
enum Scalar {
    Str(String),
    Bool(bool),
    Int(i64),
    Other(&'static str),
}

macro_rules! other_visits {
    ($t:ty, $other:path) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$t, E> {
            Ok($other("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$t, E> {
            Ok($other("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$t, E> {
            Ok($other("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$t, E> {
            Ok($other("a number"))
        }
    };
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, an array of strings or a table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Str(v.to_string()))
            }
            other_visits!(RawValue, RawValue::Other);
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Spanned<String>>()? {
                    out.push(s);
                }
                Ok(RawValue::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    out.push((k, map.next_value::<Spanned<Scalar>>()?));
                }
                out.sort_by_key(|(k, _)| k.span().start);
                Ok(RawValue::Table(out))
            }
        }
        d.deserialize_any(Vis)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a boolean or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(i64::try_from(v).map_or(Scalar::Other("a number"), Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
                Ok(Scalar::Other("a fractional number"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other("a table"))
            }
        }
        d.deserialize_any(Vis)
    }
}

impl RawValue {
    fn describe(&self) -> &'static str {
        match self {
            RawValue::Str(_) => "a string",
            RawValue::List(_) => "an array",
            RawValue::Table(_) => "a table",
            RawValue::Other(what) => what,
        }
    }
}

impl Scalar {
    fn describe(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) => "a number",
            Scalar::Other(what) => what,
        }
    }
}

/// What a question's answer must look like, for messages.
fn expected(q: &Question) -> &'static str {
    match &q.kind {
        QuestionKind::MultipleChoice(_) => "an option's text, or an array of options' texts",
        QuestionKind::ShortAnswer(_) | QuestionKind::FreeText(_) => "a string",
        QuestionKind::Tracing(_) => "a table { compiles = true|false, output = \"...\", line = N }",
        QuestionKind::Matching(_) => "a table of left = right",
        QuestionKind::Ordering(_) => "an array of the steps in order",
    }
}

/// The largest sheet file read.
pub const MAX_SHEET_BYTES: u64 = 4 * 1024 * 1024;

/// Read and parse an answer sheet for `quiz`.
pub fn load_sheet(path: &std::path::Path, quiz: &Quiz) -> Result<AnswerSheet, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    // Never more than the limit read, and never anything but a regular
    // file (a FIFO would hang, /dev/zero would fill memory).
    let bytes = crate::files::read_limited(path, MAX_SHEET_BYTES).map_err(|e| {
        vec![Diagnostic::file(
            &shown,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let text = decode_utf8(&shown, bytes).map_err(|d| vec![d])?;
    parse_sheet(&shown, &text, quiz)
}

/// [`load_sheet`] for `grade`: an answer of the wrong type does not reject
/// the sheet; it is left unanswered and its problem returned beside the
/// sheet (the caller warns and grades it as 0).
pub fn load_sheet_lenient(
    path: &std::path::Path,
    quiz: &Quiz,
) -> Result<(AnswerSheet, Vec<Diagnostic>), Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let bytes = crate::files::read_limited(path, MAX_SHEET_BYTES).map_err(|e| {
        vec![Diagnostic::file(
            &shown,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let text = decode_utf8(&shown, bytes).map_err(|d| vec![d])?;
    parse_sheet_lenient(&shown, &text, quiz)
}

/// Parse an answer sheet's text and check it against `quiz`. An answer of
/// the wrong type is an error here (see [`parse_sheet_lenient`]).
pub fn parse_sheet(path: &str, text: &str, quiz: &Quiz) -> Result<AnswerSheet, Vec<Diagnostic>> {
    match parse_sheet_lenient(path, text, quiz) {
        Ok((sheet, wrong)) if wrong.is_empty() => Ok(sheet),
        Ok((_, wrong)) => Err(wrong),
        Err(mut diags) => {
            diags.sort();
            Err(diags)
        }
    }
}

/// Parse an answer sheet, keeping apart the answers of the wrong type (a
/// number for an option, a string for a Tracing table): those are left
/// unanswered and returned as the second value, one diagnostic each naming
/// the question. Every other problem rejects the sheet (and the wrong-typed
/// answers are among its errors).
pub fn parse_sheet_lenient(
    path: &str,
    text: &str,
    quiz: &Quiz,
) -> Result<(AnswerSheet, Vec<Diagnostic>), Vec<Diagnostic>> {
    let raw: RawSheet = toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, text, &e)])?;
    let mut diags = Vec::new();
    let mut wrong = Vec::new();
    let mut err = |span: Range<usize>, msg: String| {
        diags.push(Diagnostic::at(path, text, span.start, msg));
    };
    let student = match &raw.student {
        None => {
            err(0..0, "missing `student = \"NAME\"`".into());
            String::new()
        }
        Some(s) if s.get_ref().trim().is_empty() => {
            err(
                s.span(),
                "`student` is empty: write the student's name".into(),
            );
            String::new()
        }
        Some(s) => s.get_ref().trim().to_string(),
    };
    if let Some(q) = &raw.quiz
        && q.get_ref() != &quiz.id
    {
        err(
            q.span(),
            format!(
                "this sheet is for quiz `{}`, not `{}`",
                q.get_ref(),
                quiz.id
            ),
        );
    }
    let mut responses: Vec<Option<Response>> = vec![None; quiz.questions.len()];
    let mut given_as: Vec<Option<String>> = vec![None; quiz.questions.len()];
    for (key, value) in raw.answers.map(|a| a.into_inner().0).unwrap_or_default() {
        let k = key.get_ref().as_str();
        let index = quiz
            .questions
            .iter()
            .position(|q| q.id.as_deref() == Some(k))
            .or_else(|| {
                let n: usize = k.parse().ok()?;
                (1..=quiz.questions.len()).contains(&n).then(|| n - 1)
            });
        let Some(index) = index else {
            err(
                key.span(),
                format!("quiz `{}` has no question `{k}`", quiz.id),
            );
            continue;
        };
        if let Some(first) = &given_as[index] {
            err(
                key.span(),
                format!(
                    "question {} is answered twice (as `{first}` and as `{k}`)",
                    index + 1
                ),
            );
            continue;
        }
        given_as[index] = Some(k.to_string());
        let q = &quiz.questions[index];
        match response(q, value.get_ref()) {
            Ok(r) => responses[index] = r,
            Err(Some((span, msg))) => wrong.push(Diagnostic::at(
                path,
                text,
                span.start,
                format!("question `{k}`: {msg}"),
            )),
            Err(None) => wrong.push(Diagnostic::at(
                path,
                text,
                value.span().start,
                format!(
                    "question `{k}` ({}) takes {}, not {}",
                    q.kind_name(),
                    expected(q),
                    value.get_ref().describe()
                ),
            )),
        }
    }
    wrong.sort();
    if diags.is_empty() {
        Ok((
            AnswerSheet {
                path: path.to_string(),
                student,
                responses,
            },
            wrong,
        ))
    } else {
        diags.extend(wrong);
        diags.sort();
        Err(diags)
    }
}

/// Convert a value for question `q` (`Ok(None)`: nothing answered yet).
/// `Err(None)`: the value has the wrong shape; `Err(Some(..))`: a problem
/// inside it.
fn response(
    q: &Question,
    v: &RawValue,
) -> Result<Option<Response>, Option<(Range<usize>, String)>> {
    let strings = |l: &[Spanned<String>]| l.iter().map(|s| s.get_ref().clone()).collect();
    match (&q.kind, v) {
        (QuestionKind::MultipleChoice(_), RawValue::Str(s)) => {
            Ok(Some(Response::Choices(vec![s.clone()])))
        }
        (QuestionKind::MultipleChoice(_), RawValue::List(l)) => {
            Ok(Some(Response::Choices(strings(l))))
        }
        (QuestionKind::ShortAnswer(_) | QuestionKind::FreeText(_), RawValue::Str(s)) => {
            Ok(Some(Response::Text(s.clone())))
        }
        (QuestionKind::Ordering(_), RawValue::List(l)) => Ok(Some(Response::Order(strings(l)))),
        (QuestionKind::Matching(_), RawValue::Table(t)) => {
            let mut pairs = Vec::new();
            for (k, v) in t {
                match v.get_ref() {
                    Scalar::Str(s) => pairs.push((k.get_ref().clone(), s.clone())),
                    other => {
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
        (QuestionKind::Tracing(_), RawValue::Table(t)) => {
            let mut r = TraceResponse::default();
            let mut compiles = None;
            for (k, v) in t {
                match (k.get_ref().as_str(), v.get_ref()) {
                    ("compiles", Scalar::Bool(b)) => compiles = Some(*b),
                    ("output", Scalar::Str(s)) => r.output = s.clone(),
                    ("line", Scalar::Int(n)) if *n >= 0 => {
                        r.line = usize::try_from(*n).ok().filter(|&n| n > 0);
                    }
                    ("compiles", other) => {
                        return Err(Some((
                            v.span(),
                            format!("`compiles` must be true or false, not {}", other.describe()),
                        )));
                    }
                    ("output", other) => {
                        return Err(Some((
                            v.span(),
                            format!("`output` must be a string, not {}", other.describe()),
                        )));
                    }
                    ("line", other) => {
                        return Err(Some((
                            v.span(),
                            format!(
                                "`line` must be a line number (1, 2, ...), not {}",
                                match other {
                                    Scalar::Int(_) => "a negative number",
                                    o => o.describe(),
                                }
                            ),
                        )));
                    }
                    (other, _) => {
                        return Err(Some((
                            k.span(),
                            format!("unknown key `{other}` (expected compiles, output, line)"),
                        )));
                    }
                }
            }
            match compiles {
                Some(c) => {
                    r.compiles = c;
                    Ok(Some(Response::Trace(r)))
                }
                // The blank template: nothing said yet.
                None if r.output.trim().is_empty() && r.line.is_none() => Ok(None),
                None => Err(Some((
                    t.first().map_or(0..0, |(k, _)| k.span()),
                    "a Tracing answer needs `compiles = true` or `compiles = false`".into(),
                ))),
            }
        }
        _ => Err(None),
    }
}

/// A TOML key: bare when it can be, quoted otherwise.
pub fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// A TOML basic string with everything needed escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An option as a student copies it: plain text on one line.
fn option_line(option: &str) -> String {
    markdown::to_plain(option)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn comment_block(out: &mut String, text: &str, indent: &str) {
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str(&format!("#{indent}{line}\n"));
        }
    }
}

fn points(n: f64) -> String {
    let s = super::report::num(n);
    if n == 1.0 {
        format!("{s} point")
    } else {
        format!("{s} points")
    }
}

/// A blank answer sheet for `quiz`, with each question's prompt and options in
/// comments. Options are listed in the order of an attempt with `seed`.
pub fn template(quiz: &Quiz, seed: u64) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Answer sheet for \"{}\" ({} question{}, {} in all).\n",
        quiz.title(),
        quiz.questions.len(),
        if quiz.questions.len() == 1 { "" } else { "s" },
        points(quiz.max_points())
    ));
    out.push_str("# Write your name and every answer, then grade the sheet with:\n");
    out.push_str(&format!(
        "#   threadtutor quiz {} --answers THIS_FILE\n",
        quiz.id
    ));
    out.push_str(&format!(
        "quiz = {}\nstudent = \"\"\n\n[answers]\n",
        toml_string(&quiz.id)
    ));
    let mut last_multipart: Option<&str> = None;
    for q in &quiz.questions {
        out.push('\n');
        if let Some(ctx) = quiz.multipart_context(q)
            && q.multipart.as_deref() != last_multipart
        {
            out.push_str("# The next questions share this context:\n");
            comment_block(&mut out, &markdown::to_plain(ctx), "   ");
            out.push_str("#\n");
        }
        last_multipart = q.multipart.as_deref();
        let how = match &q.kind {
            QuestionKind::MultipleChoice(mc) if mc.multiple => ", choose every correct option",
            QuestionKind::MultipleChoice(_) => ", choose one",
            _ => "",
        };
        out.push_str(&format!(
            "# {}. [{}, {}{how}]\n",
            q.position,
            q.kind_name(),
            points(q.max_points())
        ));
        comment_block(&mut out, &markdown::to_plain(&q.prompt), "    ");
        let key = toml_key(&q.key());
        let options = shuffle::shown_options(q, seed);
        match &q.kind {
            QuestionKind::MultipleChoice(mc) => {
                out.push_str("#    Options (copy the text of your choice):\n");
                for o in &options {
                    out.push_str(&format!("#      {}\n", toml_string(&option_line(o))));
                }
                let blank = if mc.multiple { "[]" } else { "\"\"" };
                out.push_str(&format!("{key} = {blank}\n"));
            }
            QuestionKind::ShortAnswer(_) => out.push_str(&format!("{key} = \"\"\n")),
            QuestionKind::FreeText(_) => {
                out.push_str("#    Write your answer between the triple quotes.\n");
                out.push_str(&format!("{key} = \"\"\"\n\"\"\"\n"));
            }
            QuestionKind::Tracing(t) => {
                out.push_str(&format!("#    Program ({}):\n", t.language.name()));
                let width = t.program.lines().count().to_string().len();
                for (i, line) in t.program.lines().enumerate() {
                    let numbered = format!("#    {:>width$} | {line}", i + 1);
                    out.push_str(numbered.trim_end());
                    out.push('\n');
                }
                let how = match t.language {
                    Language::Rust => {
                        "#    If it compiles: write compiles = true and its output.\n#    If it does not: write compiles = false and line = the line of the error.\n"
                    }
                    Language::Python => {
                        "#    If it runs without an error: write compiles = true and its output.\n#    If it raises an error: write compiles = false, line = the line that\n#    raises it, and the output printed before that.\n"
                    }
                };
                out.push_str(how);
                out.push_str(&format!(
                    "# {key}.compiles = true\n# {key}.line = 1\n{key}.output = \"\"\"\n\"\"\"\n"
                ));
            }
            QuestionKind::Matching(m) => {
                out.push_str("#    Match each left item to one of these (copy the text):\n");
                for o in &options {
                    out.push_str(&format!("#      {}\n", toml_string(&option_line(o))));
                }
                for (left, _) in &m.pairs {
                    out.push_str(&format!("{key}.{} = \"\"\n", toml_string(left)));
                }
            }
            QuestionKind::Ordering(_) => {
                out.push_str("#    Put these steps in order (copy them into the array):\n");
                for o in &options {
                    out.push_str(&format!("#      {}\n", toml_string(&option_line(o))));
                }
                out.push_str(&format!("{key} = []\n"));
            }
        }
    }
    out
}

/// A sheet filled in with the quiz's own answers (the model answer for
/// FreeText): full marks by construction. For checking a quiz end to end and
/// for tests.
pub fn model_sheet(quiz: &Quiz, student: &str) -> String {
    let mut out = format!(
        "quiz = {}\nstudent = {}\n\n[answers]\n",
        toml_string(&quiz.id),
        toml_string(student)
    );
    let list = |items: &[String]| {
        let parts: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
        format!("[{}]", parts.join(", "))
    };
    for q in &quiz.questions {
        let key = toml_key(&q.key());
        match &q.kind {
            QuestionKind::MultipleChoice(mc) if mc.multiple => {
                out.push_str(&format!("{key} = {}\n", list(&mc.answers)));
            }
            QuestionKind::MultipleChoice(mc) => {
                let one = mc.answers.first().map_or(String::new(), |a| toml_string(a));
                out.push_str(&format!("{key} = {one}\n"));
            }
            QuestionKind::ShortAnswer(sa) => {
                out.push_str(&format!("{key} = {}\n", toml_string(&sa.answer)));
            }
            QuestionKind::FreeText(f) => {
                out.push_str(&format!("{key} = {}\n", toml_string(&f.model_answer)));
            }
            QuestionKind::Tracing(t) => {
                out.push_str(&format!("{key}.compiles = {}\n", t.does_compile));
                if let Some(s) = &t.stdout {
                    out.push_str(&format!("{key}.output = {}\n", toml_string(s)));
                }
                if let Some(n) = t.line_number {
                    out.push_str(&format!("{key}.line = {n}\n"));
                }
            }
            QuestionKind::Matching(m) => {
                for (l, r) in &m.pairs {
                    out.push_str(&format!("{key}.{} = {}\n", toml_string(l), toml_string(r)));
                }
            }
            QuestionKind::Ordering(o) => {
                out.push_str(&format!("{key} = {}\n", list(&o.steps)));
            }
        }
    }
    out
}
