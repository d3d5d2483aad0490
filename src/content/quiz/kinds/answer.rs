//! A learner's answer to a question, and its grade: what every kind's
//! grading reads and writes. Pure data; re-exported by [`crate::quiz::grade`].

/// A learner's answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// ShortAnswer and FreeText; also a MultipleChoice option's text.
    Text(String),
    /// MultipleChoice: the chosen options' texts.
    Choices(Vec<String>),
    /// Tracing.
    Trace(TraceResponse),
    /// Matching: `(left, right)` pairs.
    Pairs(Vec<(String, String)>),
    /// Ordering: the steps in the learner's order.
    Order(Vec<String>),
}

/// An answer to a Tracing question.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceResponse {
    /// Rust: it compiles. Python: it runs without an error.
    pub compiles: bool,
    pub output: String,
    /// The line of the error, when it does not compile (run).
    pub line: Option<usize>,
}

impl Response {
    /// Is there anything in it?
    pub fn is_empty(&self) -> bool {
        match self {
            Response::Text(s) => s.trim().is_empty(),
            Response::Choices(v) | Response::Order(v) => v.iter().all(|s| s.trim().is_empty()),
            Response::Pairs(v) => v.iter().all(|(_, r)| r.trim().is_empty()),
            Response::Trace(_) => false,
        }
    }

    /// The answer in plain lines, whatever the question: what a report shows
    /// when the answer does not fit its question's kind.
    pub fn as_lines(&self) -> String {
        match self {
            Response::Text(t) => t.trim().to_string(),
            Response::Choices(v) | Response::Order(v) => v.join("\n"),
            Response::Pairs(v) => v
                .iter()
                .map(|(l, r)| format!("{l} → {r}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Response::Trace(tr) => format!("compiles: {}", tr.compiles),
        }
    }
}

/// The grade of one answer, with what the learner should see afterwards.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grade {
    /// The question's key (id, or 1-based position).
    pub key: String,
    pub kind: &'static str,
    pub points: f64,
    pub max: f64,
    /// Full marks.
    pub correct: bool,
    /// Something was answered.
    pub answered: bool,
    /// FreeText: concepts found.
    pub found: Vec<String>,
    /// FreeText: concepts missed. Matching: left items matched wrongly.
    /// Ordering: steps out of place.
    pub missed: Vec<String>,
    /// FreeText: concepts mentioned only to be negated (also in `missed`).
    pub negated: Vec<String>,
    /// FreeText: misconceptions found (each cost its points).
    pub misconceptions: Vec<String>,
    /// Anything else worth saying ("`x` is not one of the options").
    pub notes: Vec<String>,
    /// FreeText: one line per concept, what matched or why it was not
    /// credited, and the wrong statements found.
    pub feedback: Vec<String>,
}

impl Grade {
    /// An answer of the wrong shape for the question: no points, and a note.
    pub fn wrong_shape(&mut self) {
        self.points = 0.0;
        self.notes.push(format!(
            "this kind of answer does not fit a {} question",
            self.kind
        ));
    }
}
