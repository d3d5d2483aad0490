//! Handouts (`threadtutor export`): every lesson in order, then the
//! quizzes; the answers and rubrics only in the teacher's copy
//! (`--with-answers`). HTML is one self-contained file (inline CSS, no
//! external assets, readable printed) with code coloured by the tutorial's
//! own highlighter; Markdown is plain CommonMark with fenced code.
//!
//! The quizzes alone, for a learning-management system: Moodle XML, GIFT
//! and QTI 1.2 ([`lms`]).

pub mod html;
pub mod lms;
pub mod markdown;

use std::path::{Path, PathBuf};

use crate::content::Content;
use crate::content::quiz::Question;
use crate::content::quiz::kinds::lms::Lms;

/// The handout's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Markdown,
    /// The quizzes as Moodle XML.
    MoodleXml,
    /// The quizzes as GIFT (Moodle).
    Gift,
    /// The quizzes as QTI 1.2 (Canvas).
    Qti,
}

impl Format {
    /// The file the student's handout is written to inside the output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "threadtutor-handout.html",
            Format::Markdown => "threadtutor-handout.md",
            Format::MoodleXml => "threadtutor-quizzes.moodle.xml",
            Format::Gift => "threadtutor-quizzes.gift.txt",
            Format::Qti => "threadtutor-quizzes.qti.xml",
        }
    }

    /// The learning-management system format, for the quiz-only formats.
    pub fn lms(self) -> Option<Lms> {
        match self {
            Format::Html | Format::Markdown => None,
            Format::MoodleXml => Some(Lms::MoodleXml),
            Format::Gift => Some(Lms::Gift),
            Format::Qti => Some(Lms::Qti),
        }
    }

    /// The file name for the student's copy or, with answers, the
    /// teacher's (which never takes the student's name). The LMS formats
    /// always carry the answers (the LMS grades with them): one name.
    pub fn file_name_for(self, with_answers: bool) -> &'static str {
        match (self, with_answers) {
            (format, false) => format.file_name(),
            (Format::Html, true) => "threadtutor-handout-answers.html",
            (Format::Markdown, true) => "threadtutor-handout-answers.md",
            (format @ (Format::MoodleXml | Format::Gift | Format::Qti), true) => format.file_name(),
        }
    }
}

/// Write `text` as `dir/name` safely: into a new temporary file created in
/// `dir` (exclusively, under a random name, so a link planted there is never
/// written through), synced, then renamed into place. A file (or link)
/// already at `dir/name` is replaced only with `force`; otherwise nothing is
/// written and the error names it. On a full disk the old file stays whole.
pub fn write_handout(dir: &Path, name: &str, text: &str, force: bool) -> Result<PathBuf, String> {
    use std::io::Write as _;
    let shown = |p: &Path| crate::content::sanitize::inert(&p.display().to_string()).into_owned();
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", shown(dir)))?;
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_dir() => {
            return Err(format!("{} is a folder; not replaced", shown(&path)));
        }
        Ok(_) if !force => {
            return Err(format!(
                "{} already exists; not replaced (use --force to replace it)",
                shown(&path)
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", shown(&path))),
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".threadtutor-handout-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", shown(dir)))?;
    tmp.as_file_mut()
        .write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", shown(&path)))?;
    let persisted = if force {
        tmp.persist(&path).map(drop)
    } else {
        // Another process may have made the file since the look above.
        tmp.persist_noclobber(&path).map(drop)
    };
    persisted.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} already exists; not replaced (use --force to replace it)",
            shown(&path)
        ),
        _ => format!("cannot write {}: {}", shown(&path), e.error),
    })?;
    Ok(path)
}

/// Render the whole handout (or, for an LMS format, the quizzes).
pub fn render(content: &Content, format: Format, with_answers: bool) -> String {
    render_noted(content, format, with_answers).0
}

/// [`render`], with the notes to show on stderr: the questions an LMS
/// format could not hold, or holds in another shape.
pub fn render_noted(
    content: &Content,
    format: Format,
    with_answers: bool,
) -> (String, Vec<String>) {
    let quizzes = |lms| {
        let e = lms::render(content, lms);
        (e.text, e.notes)
    };
    match format {
        Format::Html => (html::render(content, with_answers), Vec::new()),
        Format::Markdown => (markdown::render(content, with_answers), Vec::new()),
        Format::MoodleXml => quizzes(Lms::MoodleXml),
        Format::Gift => quizzes(Lms::Gift),
        Format::Qti => quizzes(Lms::Qti),
    }
}

/// The choices a question offers on paper, as their Markdown, in an order
/// that does not give the answer away (sorted by their text), or None when
/// it is not a choice.
pub(crate) fn choices(q: &Question) -> Option<Vec<String>> {
    let h = q.kind.kind().handout();
    h.choices
        .map(|v| v.into_iter().map(str::to_string).collect())
}

/// For matching questions: the left-hand items (their Markdown), in file
/// order.
pub(crate) fn matching_left(q: &Question) -> Vec<String> {
    let h = q.kind.kind().handout();
    h.left.into_iter().map(str::to_string).collect()
}

/// A rubric as lines: `+2 label` for each concept, `-1 label` for each
/// misconception.
pub(crate) fn rubric_lines(q: &Question) -> Vec<String> {
    q.kind.kind().handout().rubric
}

/// The program a question prints as a code block (Tracing), if any.
pub(crate) fn program(q: &Question) -> Option<&str> {
    q.kind.kind().handout().program
}
