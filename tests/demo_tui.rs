//! Every registered demo in the TUI: its screen before a run (snapshot),
//! and, in a pseudo-terminal, started, paused, stepped and cancelled from
//! the demos list, with the app going on afterwards.

mod common;

use common::pty::Pty;
use common::{app, screen};
use threadtutor::demos::registry;
use threadtutor::ui::app::Screen;
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::theme::ColorDepth;

#[test]
fn every_demo_screen_before_a_run() {
    for demo in registry::all() {
        let mut app = app(ColorDepth::TrueColor);
        app.screen = Screen::Demo(Box::new(DemoView::new(demo, Back::Home)));
        let s = screen(&mut app, 120, 30);
        insta::assert_snapshot!(format!("ready_{}", demo.info().id), s);
    }
}

#[test]
fn every_demo_starts_pauses_steps_and_cancels_in_the_tui() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&[], data.path(), 120, 40);
    pty.wait_for("Python Threads");
    pty.send(b"d");
    pty.wait_for("Live demos");
    for (i, demo) in registry::all().iter().enumerate() {
        let id = demo.info().id;
        if i > 0 {
            pty.send(b"j");
        }
        pty.send(b"\r");
        pty.wait_for(&format!("Live demo · {id}"));
        pty.wait_for("press s to start");
        // Start paused and take one step; then run, pause, and cancel.
        pty.send(b".");
        pty.wait_for("paused");
        pty.send(b" ");
        pty.send(b" ");
        pty.wait_for("paused");
        pty.send(b"\x1b");
        pty.wait_for("Live demos");
        pty.wait_gone(&format!("Live demo · {id}"));
    }
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}
