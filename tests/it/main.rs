//! The integration tests, in one binary (one link, one process start):
//! each module is one topic. `tests/demo_threads.rs` stays a binary of its
//! own because it counts the process's threads.

mod common;

mod access;
mod calibration;
mod challenge;
mod challenge_pty;
mod challenge_screen;
mod classroom;
mod cli;
mod content_loader;
mod demo_screen;
mod demo_truth;
mod demo_tui;
mod demos_signals_and_queues;
mod demos_threads_and_locks;
mod e2e_pty;
mod e2e_quiz;
mod e2e_walkthrough;
mod exercise_checker;
mod exercise_cli;
mod exercise_content;
mod exercise_pty;
mod export;
mod fuzz;
mod grade_class;
mod grading_meaning;
mod hardening;
mod highlight_strings;
mod home_screen;
mod hostile_text;
mod hot_reload;
mod keys;
mod lesson_coverage;
mod lesson_facts;
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
mod quiz_plain;
mod quiz_python;
mod quiz_report;
mod quiz_screen;
mod runner;
mod search;
mod short_answers;
mod sizes;
mod ui_snapshots;
