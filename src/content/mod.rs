//! Content: the lesson and quiz model, loading (embedded or from a folder) and
//! validation. Pure: no terminal here.

pub mod challenge;
pub mod diagnostic;
pub mod exercise;
pub mod lesson;
pub mod load;
pub mod markdown;
pub mod parse;
pub mod plain;
pub mod quiz;
pub mod sanitize;
pub mod slide_ir;

pub use diagnostic::Diagnostic;
pub use exercise::Exercise;
pub use lesson::*;
pub use load::{Content, Source, load};
