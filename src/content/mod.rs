//! Content: the lesson and quiz model, loading (embedded or from a folder) and
//! validation. Pure: no terminal here.

pub mod diagnostic;
pub mod markdown;
pub mod quiz;

pub use diagnostic::Diagnostic;
