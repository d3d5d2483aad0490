//! The home screen after a first sitting: the cursor on the lesson the
//! learner is in, and where `c` continues.

use crate::common;

use std::sync::Arc;

use common::{press, screen};
use crossterm::event::KeyCode;
use threadtutor::ui::app::{App, Screen};
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};

#[test]
fn home_starts_on_the_current_lesson_and_says_where_c_continues() {
    // A first sitting: into the second lesson.
    let mut first = common::app(ColorDepth::TrueColor);
    assert!(!screen(&mut first, 100, 30).contains("c continues"));
    first.open_lesson_at(1, 1, 1);
    // The next sitting starts from what was saved.
    let mut next = App::new(
        Arc::new(common::fixture()),
        Theme::new(ThemeName::Dark, ColorDepth::TrueColor),
        first.progress.clone(),
    );
    let Screen::Home(home) = &next.screen else {
        panic!("not home")
    };
    assert_eq!(
        home.selected, 1,
        "the cursor is on the lesson the learner is in"
    );
    let s = screen(&mut next, 100, 30);
    let slide = &next.content.lessons[1].slides[1].title;
    assert!(
        s.contains(&format!("c continues at Locks › {slide}")),
        "{s}"
    );
    // Enter opens that lesson where it was left.
    press(&mut next, KeyCode::Enter);
    let Screen::Lesson(st) = &next.screen else {
        panic!("Enter did not open the lesson")
    };
    assert_eq!((st.lesson, st.slide), (1, 1));
}
