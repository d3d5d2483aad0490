//! Be the scheduler: challenge levels in which the learner steps the
//! threads of a small Python program one statement (or one bytecode) at a
//! time to make it fail — and then the fixed version, proved safe by an
//! exhaustive search. Pure: no terminal, no OS threads.
//!
//! # The pieces
//! - [`syntax`]: a linear lexer and parser for the Python subset, with
//!   byte positions (the loader maps them to `path:line:col`).
//! - [`compile`]: statements to instructions, one per CPython 3.11 `dis`
//!   row for simple statements; each statement's `dis` listing.
//! - [`machine`]: the [`State`] (clone, hash, compare) and the semantics,
//!   with CPython's exceptions and messages (from `pythreading::error`).
//! - [`game`]: a level in play — moves, blocking, undo, restart, the
//!   schedule string, outcomes, narration.
//! - [`solve`]: breadth-first search over all schedules.
//!
//! # Public API (stable; the TUI's level screen builds on it)
//!
//! The engine does not know the level files: a level
//! ([`crate::content::challenge::Challenge`], which compiles its code with
//! this engine) starts games and searches with `level.game(..)` and
//! `level.solve(..)`.
//! ```no_run
//! use threadtutor::challenge::{Game, Move, Outcome, Variant, Limits};
//! # fn demo(level: &threadtutor::content::challenge::Challenge) -> Result<(), String> {
//! let mut game = level.game(Variant::Original)?;
//! for t in game.threads() {
//!     // t.name, t.code (lines), t.line (current, 1-based), t.status
//!     // (Runnable / Blocked(why) / Finished / Died(exc) / CutOff),
//!     // t.expandable, t.bytecode (dis rows) and t.bytecode_pos.
//!     let _ = t;
//! }
//! let _vars = game.globals();   // [(name, repr)]
//! let _objs = game.objects();   // locks etc.: owner, count, contents, waiters, summary
//! match game.step(Move { thread: 0, expand: true }) {
//!     Ok(report) => { let _ = report.events; }          // "read total = 0"
//!     Err(illegal) => { let _ = illegal.to_string(); } // "Thread-2 is blocked: ..."
//! }
//! game.undo();
//! let _schedule = game.schedule();                      // "1e"
//! if let Outcome::Win { reason } = game.outcome() { let _ = reason; }
//! let _story = game.narration();                        // the win, step by step
//! game.restart();
//! let proof = level.solve(Variant::Fixed, Limits::default())?;
//! assert!(!proof.winnable && proof.exhaustive);        // "every one of N states checked"
//! # Ok(()) }
//! ```
//! Moves are 0-based in [`Move`]; schedules and the keys are 1-based
//! (`2e` = one bytecode of the second thread).

pub mod compile;
pub mod game;
pub mod machine;
pub mod solve;
pub mod syntax;
pub mod value;

pub use game::{
    Game, Goal, IllegalMove, Move, ObjectView, Outcome, StepReport, ThreadStatus, ThreadView,
    Variant, format_schedule, parse_schedule,
};
pub use machine::State;
pub use solve::{Limits, Solution};

#[cfg(test)]
mod tests;
