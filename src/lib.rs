//! threadtutor: an interactive terminal tutorial on threads and synchronisation,
//! built around Aahz's "Python Threads" deck.
//!
//! Dependencies point one way: `content`, `pythreading`, `quiz` and `progress`
//! are pure; `demos` builds on `pythreading`; only `ui` touches the terminal. `classroom` (the speaker-notes socket)
//! and `export` (handouts) are pure of the terminal too. `rng` is the one seeded
//! random number generator, shared by `quiz` (option orders) and `demos`.

pub mod challenge;
pub mod classroom;
pub mod cli;
pub mod content;
pub mod demos;
pub mod exercise;
pub mod export;
pub mod files;
pub mod highlight;
pub mod progress;
pub mod pythreading;
pub mod quiz;
pub mod rng;
pub mod runner;
pub mod testing;
pub mod text;
pub mod ui;
