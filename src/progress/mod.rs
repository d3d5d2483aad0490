//! Progress: what the learner has seen and scored, kept across sittings.
//!
//! `model` is the plain data and how two copies merge; `store` reads and
//! writes it safely (atomic replace, corrupt files moved aside, a lock so two
//! instances merge instead of overwriting); `saver` runs the writes on a
//! background thread so the UI never waits on the disk.

pub mod model;
pub mod report;
pub mod saver;
pub mod store;
pub mod trust;

pub use model::{
    ChallengeProgress, ExerciseProgress, LessonProgress, PausedQuiz, Position, Progress,
    QuizAttempt, QuizProgress, SavedAnswer,
};
pub use saver::{SaveReport, Saver};
pub use store::{Loaded, Store, StoreError, set_key};

/// `1 attempt`, `2 attempts`: a count with its noun.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
