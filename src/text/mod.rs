//! Written answers, understood well enough to grade them: pure functions
//! with no I/O, used by the quiz loader (`content`, which compiles rubric
//! patterns and checks model answers) and by grading (`quiz`).
//!
//! - [`words`]: tokenising, stemming, informal paraphrase, typo tolerance.
//! - [`pattern`]: the rubric pattern language and where a pattern matches.
//! - [`rubric`]: grading an answer on meaning: negation, contradiction,
//!   subjects, lists of terms, misconceptions; with feedback that explains.

pub mod pattern;
pub mod rubric;
pub mod words;

pub use pattern::{Hit, Pattern, PatternError, Span};
pub use rubric::{Concept, Rubric, RubricOutcome, grade_text};
pub use words::{Analysis, Vocabulary, Word, analyse, stem};
