//! threadtutor: an interactive terminal tutorial on threads and synchronisation,
//! built around Aahz's "Python Threads" deck.
//!
//! Dependencies point one way: `content`, `pythreading`, `quiz` and `progress`
//! are pure; `demos` builds on `pythreading`; only `ui` touches the terminal. `classroom` (the speaker-notes socket)
//! and `export` (handouts) are pure of the terminal too. `rng` is the one seeded
//! random number generator, shared by `quiz` (option orders) and `demos`.
//!
//! Under `--cfg loom` (the model checks, `.ci/model-check`) only
//! `pythreading` is compiled, and Cargo.toml leaves out every other
//! dependency: that build then compiles loom and this one module, not the
//! whole dependency tree again (docs/performance.md, "CI time").

#[cfg(not(loom))]
pub mod challenge;
#[cfg(not(loom))]
pub mod classroom;
#[cfg(not(loom))]
pub mod cli;
#[cfg(not(loom))]
pub mod content;
#[cfg(not(loom))]
pub mod demos;
#[cfg(not(loom))]
pub mod exercise;
#[cfg(not(loom))]
pub mod export;
#[cfg(not(loom))]
pub mod files;
#[cfg(not(loom))]
pub mod highlight;
#[cfg(not(loom))]
pub mod progress;
pub mod pythreading;
#[cfg(not(loom))]
pub mod quiz;
#[cfg(not(loom))]
pub mod rng;
#[cfg(not(loom))]
pub mod runner;
#[cfg(not(loom))]
pub mod testing;
#[cfg(not(loom))]
pub mod text;
#[cfg(not(loom))]
pub mod ui;
