//! The integration tests, in one binary (one link, one process start):
//! each module is one topic. `tests/demo_threads.rs` stays a binary of its
//! own because it counts the process's threads.

mod common;

mod access;
mod classroom;
mod cli;
mod content_loader;
mod demo_screen;
mod demo_tui;
mod demos_signals_and_queues;
mod demos_threads_and_locks;
mod e2e_pty;
mod e2e_quiz;
mod e2e_walkthrough;
mod export;
mod fuzz;
mod hardening;
mod hostile_text;
mod hot_reload;
mod lesson_coverage;
mod present_screen;
mod progress_store;
mod python_blocks;
mod python_examples;
mod pythreading_differential;
mod pythreading_props;
mod quiz_cli;
mod quiz_corpus;
mod quiz_docs;
mod quiz_grading;
mod quiz_loader;
mod quiz_python;
mod quiz_screen;
mod runner;
mod sizes;
mod ui_snapshots;
