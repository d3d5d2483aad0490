//! Quiz model and loader (placeholder shape; the quiz issue fills it in).
//!
//! A quiz file is mdbook-quiz TOML: `[[questions]]` tables. This minimal
//! loader knows only what lessons need to link to: the quiz id (the file stem)
//! and its questions' ids.

use super::diagnostic::{Diagnostic, from_toml_error};

/// One quiz file.
#[derive(Debug, Clone)]
pub struct Quiz {
    /// The file stem, e.g. `pop-quiz-1`.
    pub id: String,
    /// Where it came from, for messages.
    pub path: String,
    pub questions: Vec<Question>,
}

/// One question; only its id is modelled so far.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: Option<String>,
}

impl Quiz {
    /// Does the quiz have a question with this id?
    pub fn has_question(&self, id: &str) -> bool {
        self.questions.iter().any(|q| q.id.as_deref() == Some(id))
    }
}

/// Parse a quiz file's text. `id` is the quiz id (normally the file stem).
pub fn parse_quiz(id: &str, path: &str, text: &str) -> Result<Quiz, Vec<Diagnostic>> {
    let value: toml::Table =
        toml::from_str(text).map_err(|e| vec![from_toml_error(path, text, &e)])?;
    let questions = value
        .get("questions")
        .and_then(|q| q.as_array())
        .map(|qs| {
            qs.iter()
                .map(|q| Question {
                    id: q.get("id").and_then(|v| v.as_str()).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Quiz {
        id: id.to_string(),
        path: path.to_string(),
        questions,
    })
}
