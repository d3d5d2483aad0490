//! The terminal user interface. Only this module (and main.rs) touch the
//! terminal: `app` is the model and its update function, `view` and one
//! module per screen draw it, `terminal` sets the terminal up and always
//! restores it and draws frames through ratatui's own `Terminal`, `inbox` is
//! where the UI thread waits for keys and workers' reports, and `event_loop`
//! ties input, background work and drawing together.

pub mod app;
pub mod ascii;
pub mod challenge;
pub mod code_run;
pub mod demo;
pub mod demo_list;
pub mod event_loop;
pub mod exercise;
pub mod help;
pub mod highlight;
pub mod home;
pub mod inbox;
pub mod keys;
pub mod layout;
pub mod lesson;
pub mod notes;
pub mod present;
pub mod quiz;
pub mod screen;
pub mod search;
pub mod sgr;
pub mod slide_cache;
pub mod terminal;
pub mod textarea;
pub mod theme;
pub mod view;

pub use event_loop::{Options, run, run_exercises, run_present, run_quiz};
pub use notes::run_notes;
