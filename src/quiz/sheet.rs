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

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::grade::Response;
use super::shuffle;
use crate::content::diagnostic::{Diagnostic, decode_utf8};
use crate::content::markdown;
use crate::content::quiz::{Quiz, SheetValue, SpannedTable, format_points, toml_diagnostic};
pub use crate::content::quiz::{toml_key, toml_string};

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
    answers: Option<Spanned<SpannedTable<SheetValue>>>,
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
        let kind = q.kind.kind();
        match kind.sheet_answer(value.get_ref()) {
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
                    kind.sheet_shape(),
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
    let s = format_points(n);
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
        let how = q.kind.kind().template_hint();
        out.push_str(&format!(
            "# {}. [{}, {}{how}]\n",
            q.position,
            q.kind_name(),
            points(q.max_points())
        ));
        comment_block(&mut out, &markdown::to_plain(&q.prompt), "    ");
        let key = toml_key(&q.key());
        let options = shuffle::shown_options(q, seed);
        q.kind.kind().template(&mut out, &key, &options);
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
    for q in &quiz.questions {
        q.kind.kind().model_sheet(&mut out, &toml_key(&q.key()));
    }
    out
}
