//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use threadtutor::content::{Content, Source, load};
use threadtutor::progress::Progress;
use threadtutor::ui::app::{App, AppEvent, Effect};
use threadtutor::ui::highlight::{self, Engine};
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};
use threadtutor::ui::view;

/// The small, stable content set the UI tests use.
pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content")
}

pub fn fixture() -> Content {
    load(&Source::Dir(fixture_dir())).expect("fixture content loads")
}

/// An app over the fixture content with a fixed clock.
pub fn app(depth: ColorDepth) -> App {
    let mut app = App::new(
        Arc::new(fixture()),
        Theme::new(ThemeName::Dark, depth),
        Progress::default(),
    );
    app.clock = || 1_000;
    app
}

/// Press a key (a press event, as a terminal sends it).
pub fn press(app: &mut App, code: KeyCode) {
    press_mod(app, code, KeyModifiers::NONE);
}

pub fn press_mod(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.update(AppEvent::Input(Event::Key(KeyEvent::new_with_kind(
        code,
        mods,
        KeyEventKind::Press,
    ))));
}

pub fn type_str(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Carry out queued highlight jobs at once (the real app does it on a thread).
pub fn settle(app: &mut App, engine: &Engine) {
    for effect in app.take_effects() {
        if let Effect::Highlight(job) = effect {
            app.update(AppEvent::Highlighted(highlight::highlight(engine, &job)));
        }
    }
}

/// Draw into a test terminal of the given size.
pub fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    term
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    let term = draw(app, w, h);
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
pub mod pty;

/// A test that cannot run here (no python3, no ../shared) says so and
/// returns; under CI (the `CI` environment variable set) it fails instead:
/// CI has both, and a silent skip there would hide a broken test.
pub fn skip(reason: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set, so this test may not skip: {reason}");
    }
    eprintln!("skipping: {reason}");
}

/// Does `python3` run here? When not, [`skip`] with what was not checked.
pub fn have_python3(what_is_skipped: &str) -> bool {
    let ok = std::process::Command::new("python3")
        .arg("-c")
        .arg("pass")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!(
            "python3 is not on this machine; {what_is_skipped}"
        ));
    }
    ok
}

/// A screen line with every number (digits, and a decimal point inside
/// one) turned into one `#`: what varies from run to run in demo snapshots.
pub fn numbers_hashed(line: &str) -> String {
    let mut l = String::new();
    let mut prev_digit = false;
    for c in line.chars() {
        if c.is_ascii_digit() || (c == '.' && prev_digit) {
            if !prev_digit {
                l.push('#');
            }
            prev_digit = true;
        } else {
            prev_digit = false;
            l.push(c);
        }
    }
    l
}
