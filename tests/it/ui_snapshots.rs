//! The screens as a person sees them, drawn through ratatui's TestBackend
//! and compared with reviewed snapshots (`cargo insta review`).

use crate::common;

use common::*;
use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use threadtutor::ui::app::Screen;
use threadtutor::ui::highlight::Engine;
use threadtutor::ui::theme::ColorDepth;

#[test]
fn home_screen() {
    let mut app = app(ColorDepth::TrueColor);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn home_shows_progress_marks() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Enter); // basics, slide 1
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter); // locks, slide 1
    for _ in 0..2 {
        press(&mut app, KeyCode::Right);
    }
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("◐ Thread basics"), "{s}");
    assert!(s.contains("● Locks"), "{s}");
    assert!(s.contains("1 of 2 lessons done"), "{s}");
}

#[test]
fn slide_with_code_and_columns() {
    let engine = Engine::load();
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &engine);
    insta::assert_snapshot!(screen(&mut app, 80, 30));
    // The code is coloured once highlighted: more than one foreground colour
    // in the code block's rows.
    let term = draw(&mut app, 80, 30);
    let buf = term.backend().buffer();
    let colours: std::collections::HashSet<Color> = (5..10)
        .flat_map(|y| (2..40).map(move |x| (x, y)))
        .map(|p| buf[p].fg)
        .collect();
    assert!(colours.len() >= 3, "code not highlighted: {colours:?}");
}

#[test]
fn columns_stack_when_narrow() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 50, 40);
    let t1 = s.lines().position(|l| l.contains("Thread 1")).unwrap();
    let t2 = s.lines().position(|l| l.contains("Thread 2")).unwrap();
    assert!(t2 > t1, "stacked: Thread 2 below Thread 1\n{s}");
    assert!(
        !s.lines()
            .any(|l| l.contains("Thread 1") && l.contains("Thread 2")),
        "{s}"
    );
}

#[test]
fn reveal_steps() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right); // slide 2, step 1
    let step1 = screen(&mut app, 60, 16);
    assert!(step1.contains("Files, GUI, DB connections"));
    assert!(!step1.contains("Don't"), "{step1}");
    press(&mut app, KeyCode::Char(' ')); // step 2
    let step2 = screen(&mut app, 60, 16);
    assert!(step2.contains("Don't") && !step2.contains("Partial exception"));
    press(&mut app, KeyCode::Char('n')); // step 3
    insta::assert_snapshot!(screen(&mut app, 60, 16));
    // Back steps through the reveals.
    press(&mut app, KeyCode::Left);
    assert!(!screen(&mut app, 60, 16).contains("Partial exception"));
    let Screen::Lesson(st) = &app.screen else {
        panic!()
    };
    assert_eq!((st.slide, st.step), (1, 2));
}

#[test]
fn help_overlay() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&mut app, 80, 26));
    // A help taller than the screen scrolls to its last section (it holds
    // every screen's keys, the current screen's first).
    press(&mut app, KeyCode::Down);
    for _ in 0..20 {
        press(&mut app, KeyCode::PageDown);
    }
    let end = screen(&mut app, 80, 26);
    assert!(
        end.contains("from the list: to the exercise") && !end.contains("↓ more"),
        "{end}"
    );
    press(&mut app, KeyCode::Char('x'));
    assert!(!screen(&mut app, 80, 26).contains("Keys"));
}

#[test]
fn search_results() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "thread");
    insta::assert_snapshot!(screen(&mut app, 80, 20));
    // Enter opens the first hit.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let Screen::Lesson(st) = &app.screen else {
        panic!("search did not open a lesson")
    };
    assert_eq!(
        (st.lesson, st.slide),
        (1, 0),
        "second hit: Synch Two Threads"
    );
}

#[test]
fn too_small() {
    let mut app = app(ColorDepth::TrueColor);
    insta::assert_snapshot!(screen(&mut app, 30, 6));
    // Never a panic at any tiny size.
    for w in 0..45 {
        for h in 0..14 {
            draw(&mut app, w, h);
        }
    }
}

#[test]
fn no_colour_rendering() {
    let mut app = app(ColorDepth::None);
    press(&mut app, KeyCode::Enter);
    let term = draw(&mut app, 80, 24);
    let buf = term.backend().buffer();
    for cell in buf.content.iter() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "a coloured cell: {cell:?}"
        );
    }
    // Emphasis is still there: the title is bold.
    let title_row: Vec<_> = (1..16).map(|x| &buf[(x, 1)]).collect();
    assert!(
        title_row
            .iter()
            .all(|c| c.modifier.contains(Modifier::BOLD) || c.symbol() == " ")
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn sixteen_and_256_colours_use_no_rgb() {
    let engine = Engine::load();
    for depth in [ColorDepth::Ansi16, ColorDepth::Ansi256] {
        let mut app = app(depth);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        settle(&mut app, &engine);
        let term = draw(&mut app, 80, 24);
        for cell in term.backend().buffer().content.iter() {
            assert!(!matches!(cell.fg, Color::Rgb(..)), "{depth:?}: {cell:?}");
            if depth == ColorDepth::Ansi16 {
                assert!(!matches!(cell.fg, Color::Indexed(_)), "{depth:?}: {cell:?}");
            }
        }
    }
}

#[test]
fn releases_and_repeats_are_ignored() {
    use crossterm::event::{Event, KeyEvent, KeyEventKind, KeyModifiers};
    use threadtutor::ui::app::AppEvent;
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Enter);
    for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
        app.update(AppEvent::Input(Event::Key(KeyEvent::new_with_kind(
            KeyCode::Right,
            KeyModifiers::NONE,
            kind,
        ))));
    }
    let Screen::Lesson(st) = &app.screen else {
        panic!()
    };
    assert_eq!((st.slide, st.step), (0, 1));
}

#[test]
fn long_slides_scroll() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let before = screen(&mut app, 60, 14);
    assert!(before.contains("↓ more"), "{before}");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::PageDown);
    let after = screen(&mut app, 60, 14);
    assert_ne!(before, after);
    assert!(after.contains("↑"), "{after}");
    // Scrolling is clamped at the end.
    for _ in 0..50 {
        press(&mut app, KeyCode::Down);
    }
    let end = screen(&mut app, 60, 14);
    press(&mut app, KeyCode::Down);
    assert_eq!(end, screen(&mut app, 60, 14));
}

#[test]
fn speaker_notes_stay_hidden() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Enter);
    assert!(!screen(&mut app, 100, 30).contains("Speaker note"));
}

#[test]
fn run_panel_shows_output_and_stops_on_leaving_the_slide() {
    use threadtutor::runner::RunEvent;
    use threadtutor::ui::app::{AppEvent, Effect};
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right); // "Run it"
    app.take_effects();
    press(&mut app, KeyCode::Char('r'));
    let effects = app.take_effects();
    let Some(Effect::StartRun { id, source }) = effects
        .iter()
        .find(|e| matches!(e, Effect::StartRun { .. }))
        .cloned()
    else {
        panic!("no run started: {effects:?}")
    };
    assert!(source.contains("hello from"), "{source}");
    for event in [
        RunEvent::Stdout("hello from worker".into()),
        RunEvent::Stderr("a warning".into()),
        RunEvent::Exited {
            code: Some(0),
            millis: 1234,
        },
    ] {
        app.update(AppEvent::Run { id, event });
    }
    // A stale run's output is ignored.
    app.update(AppEvent::Run {
        id: id + 100,
        event: RunEvent::Stdout("stale".into()),
    });
    insta::assert_snapshot!(screen(&mut app, 70, 24));
    press(&mut app, KeyCode::Left);
    assert!(app.run.is_none());
    assert!(
        app.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::StopRun))
    );
}

#[test]
fn r_without_runnable_code_says_so() {
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    assert!(screen(&mut app, 80, 24).contains("No runnable code on this slide."));
}

#[test]
fn paging_back_and_forth_never_highlights_twice() {
    use threadtutor::ui::app::Effect;
    let engine = Engine::load();
    let mut app = app(ColorDepth::TrueColor);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let first: Vec<_> = app
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::Highlight(_)))
        .cloned()
        .collect();
    assert_eq!(
        first.len(),
        4,
        "every code block of the lesson is requested once, up front"
    );
    settle(&mut app, &engine);
    for _ in 0..5 {
        press(&mut app, KeyCode::Right);
        press(&mut app, KeyCode::Left);
        draw(&mut app, 80, 24);
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    assert!(
        !app.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::Highlight(_)))
    );
}
