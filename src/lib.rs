//! threadtutor: an interactive terminal tutorial on threads and synchronisation,
//! built around Aahz's "Python Threads" deck.
//!
//! Dependencies point one way: `content`, `pythreading`, `quiz` and `progress`
//! are pure; `demos` builds on `pythreading`; only `ui` touches the terminal.

pub mod cli;
pub mod content;
pub mod demos;
pub mod progress;
pub mod pythreading;
pub mod quiz;
pub mod runner;
pub mod ui;
