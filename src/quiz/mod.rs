//! Grading quizzes and the classroom commands: pure functions over the quiz
//! model of [`crate::content::quiz`].
//!
//! - [`rubric`]: FreeText concept matching (words, word forms, negation).
//! - [`grade`]: grading one answer and one answer sheet; [`QuizResult`] for
//!   the progress file.
//! - [`sheet`]: answer-sheet TOML (parse, and blank templates).
//! - [`shuffle`]: the order options are shown in, reproducible from a seed.
//! - [`report`]: text and JSON reports.
//! - [`class`]: the class table of `grade` (CSV or JSON), with [`items`]:
//!   item analysis (difficulty, discrimination, option counts).
//!
//! The commands `threadtutor quiz` and `threadtutor grade` live in
//! [`crate::cli::quiz`].

pub mod class;
pub mod grade;
pub mod items;
pub mod report;
pub mod rubric;
pub mod sheet;
pub mod shuffle;

pub use grade::{Grade, QuestionResult, QuizResult, Response, SheetGrade, TraceResponse};
