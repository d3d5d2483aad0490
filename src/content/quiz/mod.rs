//! Quizzes: mdbook-quiz compatible TOML files (`[[questions]]`), plus our own
//! FreeText, Matching and Ordering questions. The format is documented in
//! docs/quiz-format.md.
//!
//! [`parse_quiz`] turns a file's text into a [`Quiz`] or a list of
//! `path:line:col` diagnostics; it never panics. Grading lives in
//! [`crate::quiz`]; FreeText patterns are compiled with [`crate::text`]
//! while loading, so a bad pattern is a load error, and every model answer
//! is graded against its own rubric there.

pub mod kinds;
mod model;
mod parse;

pub use kinds::{
    Grade, Handout, Kind, Response, SheetAnswer, SheetScalar, SheetValue, TraceResponse,
    choice_order, format_points, gift_escape, normalise_output, normalise_short, option_line,
    resolve_option, right_order, short_answer_right, shuffle, step_order, toml_key, toml_string,
    xml_escape,
};
pub use model::*;
pub use parse::parse_quiz;
pub(crate) use parse::{SpannedTable, toml_diagnostic};

use std::path::Path;

use super::diagnostic::{Diagnostic, decode_utf8};

/// The largest quiz file read.
pub const MAX_QUIZ_BYTES: u64 = 4 * 1024 * 1024;

/// Read and parse a quiz file; its id is the file stem.
pub fn load_quiz_file(path: &Path) -> Result<Quiz, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    // Never more than the limit read, and never anything but a regular
    // file (a FIFO would hang, /dev/zero would fill memory).
    let bytes = crate::files::read_limited(path, MAX_QUIZ_BYTES).map_err(|e| {
        vec![Diagnostic::file(
            &shown,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let text = decode_utf8(&shown, bytes).map_err(|d| vec![d])?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_quiz(&id, &shown, &text)
}
