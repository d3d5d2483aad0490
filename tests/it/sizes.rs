//! Every screen draws at any terminal size, from 1×1 up to 300×100, without
//! panicking (a property test over TestBackend sizes, plus the corners).

use crate::common;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers};
use proptest::prelude::*;
use serde_json::{Map, Value};
use threadtutor::content::{Source, load};
use threadtutor::demos::{Ctx, Demo, DemoEvent, DemoFailure, DemoInfo, LaneState};
use threadtutor::progress::Progress;
use threadtutor::ui::app::{App, Screen};
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::quiz::QuizView;
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};

use common::{draw, press, press_mod, type_str};

static INFO: DemoInfo = DemoInfo {
    id: "sizes",
    title: "t",
    about: "a",
    explain: "e\n\nf",
    params: &[],
};
struct Nothing;
impl Demo for Nothing {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }
    fn run(&self, _: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        Ok(Map::new())
    }
}
static NOTHING: Nothing = Nothing;

/// Each screen, set up as a learner would reach it.
fn screens() -> Vec<(&'static str, App)> {
    let content = Arc::new(load(&Source::Embedded).unwrap());
    let new = || {
        App::new(
            Arc::clone(&content),
            Theme::new(ThemeName::Dark, ColorDepth::Ansi16),
            Progress::default(),
        )
    };
    let mut out = Vec::new();
    out.push(("home", new()));
    let mut lesson = new();
    press(&mut lesson, KeyCode::Down);
    press(&mut lesson, KeyCode::Down);
    press(&mut lesson, KeyCode::Enter);
    press(&mut lesson, KeyCode::Right);
    out.push(("lesson", lesson));
    let mut search = new();
    press(&mut search, KeyCode::Char('/'));
    type_str(&mut search, "lock");
    out.push(("search", search));
    let mut help = new();
    press(&mut help, KeyCode::Char('?'));
    out.push(("help", help));
    let mut demos = new();
    press(&mut demos, KeyCode::Char('d'));
    out.push(("demos", demos));
    let mut demo = new();
    let mut view = DemoView::new(&NOTHING, Back::Home);
    for t in 0..50 {
        view.model.apply(DemoEvent::Lane {
            t_ms: t as f64,
            thread: format!("T{}", t % 3),
            state: LaneState::Running,
        });
        view.model.apply(DemoEvent::Gauge {
            t_ms: 1.0,
            name: "q".into(),
            value: 2.0,
            max: 5.0,
        });
        view.model.apply(DemoEvent::Count {
            t_ms: 1.0,
            name: "n".into(),
            value: t as f64,
        });
    }
    view.model.apply(DemoEvent::Histogram {
        t_ms: 1.0,
        name: "h".into(),
        bars: vec![("a".into(), 3), ("b".into(), 1)],
        unit: None,
    });
    view.model.apply(DemoEvent::Log {
        t_ms: 1.0,
        text: "x".into(),
    });
    demo.screen = Screen::Demo(Box::new(view));
    out.push(("demo", demo));
    let quiz = content.quiz("pop-quiz-2").unwrap().clone();
    let mut q = new();
    q.screen = Screen::Quiz(Box::new(QuizView::new(quiz.clone(), &[], 1, Back::Home)));
    type_str(&mut q, "one thread per unit of work, polled");
    out.push(("quiz", q));
    let mut fb = new();
    fb.screen = Screen::Quiz(Box::new(QuizView::new(quiz.clone(), &[], 1, Back::Home)));
    press_mod(&mut fb, KeyCode::Char('s'), KeyModifiers::CONTROL);
    out.push(("feedback", fb));
    let mut results = new();
    results.screen = Screen::Quiz(Box::new(QuizView::new(
        quiz,
        &["why-queues".into()],
        1,
        Back::Home,
    )));
    press_mod(&mut results, KeyCode::Char('s'), KeyModifiers::CONTROL);
    press(&mut results, KeyCode::Enter);
    out.push(("results", results));
    let mut present = new();
    present.start_presenting(2);
    present.open_lesson_at(2, 1, 1);
    out.push(("present", present));
    out
}

/// The speaker-notes viewer at every size, connected and waiting.
fn draw_notes(w: u16, h: u16) {
    use threadtutor::ui::notes::{NotesView, draw};
    let theme = Theme::new(ThemeName::Dark, ColorDepth::Ansi16);
    let notes: threadtutor::classroom::Notes = serde_json::from_value(serde_json::json!({
        "lesson": "gil", "lesson_title": "The GIL", "slide": 2, "slides": 7, "title": "GIL in Action",
        "step": 1, "steps": 2, "notes": "Ask which is faster before running it.", "next_title": "Dealing with GIL",
        "elapsed_s": 125
    }))
    .unwrap();
    use threadtutor::classroom::{Problems, Projector, Showing};
    for (connected, notes, extra) in [
        (false, None, false),
        (true, Some(notes.clone()), false),
        (true, Some(notes), true),
    ] {
        let mut view = NotesView::new("/tmp/x.sock".into());
        view.connected = connected;
        view.notes = notes;
        if extra {
            // The projector line and the problems list too.
            view.projector = Some(Projector {
                showing: Showing::Demo,
                demo: Some("The GIL in action".into()),
            });
            view.problems = Some(Problems::bounded(&vec![
                "lessons/10-gil.toml:3:9: expected a string".to_string();
                80
            ]));
            view.dropped = 2;
        }
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        term.draw(|f| draw(f, &view, &theme)).unwrap();
    }
}

#[test]
fn corners_and_zero() {
    for (name, mut app) in screens() {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (0, 40),
            (120, 0),
            (1, 100),
            (300, 1),
            (300, 100),
            (39, 11),
            (40, 12),
        ] {
            let _ = name;
            draw(&mut app, w, h);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_size_draws(w in 1u16..=300, h in 1u16..=100) {
        for (_, mut app) in screens() {
            draw(&mut app, w, h);
        }
        draw_notes(w, h);
    }
}

#[test]
fn live_resizes_keep_state() {
    for (name, mut app) in screens() {
        for (w, h) in [(120, 40), (20, 5), (80, 24), (300, 100), (45, 13)] {
            draw(&mut app, w, h);
        }
        // Still usable afterwards: a key is handled and the screen draws.
        press(&mut app, KeyCode::Down);
        let s = common::screen(&mut app, 100, 30);
        assert!(!s.trim().is_empty(), "{name}");
    }
}
