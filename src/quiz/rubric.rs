//! FreeText grading, as the quiz layer sees it. The work is done by the pure
//! [`crate::text`] module, split by job, so that the content loader can
//! compile patterns and check model answers without importing `quiz`:
//!
//! - word analysis: [`crate::text::words`] (tokenising, stemming that keeps
//!   `threading` apart from `thread`, informal paraphrase, typo tolerance);
//! - the pattern language: [`crate::text::pattern`];
//! - grading on meaning: [`crate::text::rubric`] (negation and its scope,
//!   contradiction by misconceptions, the subject a claim is about, bare
//!   lists of terms, feedback that explains).
//!
//! The format and the calibration figures are in docs/quiz-format.md.

pub use crate::text::pattern::{GAP, Hit, NEGATION_WINDOW, Pattern, PatternError, Span};
pub use crate::text::rubric::{Concept, Rubric, RubricOutcome, Verdict, concept_hit, grade_text};
pub use crate::text::words::{Analysis, Word, analyse, stem};
