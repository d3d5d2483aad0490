//! Present mode in a test terminal: no chrome, big titles when wide,
//! blanking, jumping, written questions, and what it tells the followers.

use crate::common;

use common::{app, press, screen};
use crossterm::event::KeyCode;
use threadtutor::classroom::Notes;
use threadtutor::ui::app::{App, AppEvent, Effect};
use threadtutor::ui::theme::ColorDepth;

fn presenting() -> App {
    let mut a = app(ColorDepth::TrueColor);
    a.start_presenting(0);
    a
}

fn published(a: &mut App) -> Vec<Notes> {
    a.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Publish(n) => Some(n),
            _ => None,
        })
        .collect()
}

#[test]
fn slides_fill_the_screen_with_a_thin_footer() {
    let mut a = presenting();
    let wide = screen(&mut a, 120, 30);
    let rows: Vec<&str> = wide.lines().collect();
    assert!(rows[29].starts_with(" Thread basics · slide 1/3"), "{wide}");
    assert!(rows[29].trim_end().ends_with("00:00"), "{wide}");
    // Block letters, not the title as a line of text.
    assert!(!wide.contains("Generic Threads"), "{wide}");
    assert!(
        rows[..4]
            .iter()
            .any(|r| r.contains('█') || r.contains('▀') || r.contains('▄'))
    );
    assert!(wide.contains("Similar to processes"));
    // No menu chrome.
    for chrome in ["Esc", "? help", "lesson 1/2", "Part 1"] {
        assert!(
            !wide.contains(chrome),
            "{chrome:?} on a projector slide:\n{wide}"
        );
    }
    // Narrow: the title as text.
    let narrow = screen(&mut a, 50, 20);
    assert!(narrow.contains(" Generic Threads"), "{narrow}");
}

#[test]
fn blank_jump_questions_and_esc_stay_in_the_talk() {
    let mut a = presenting();
    press(&mut a, KeyCode::Char('b'));
    assert!(screen(&mut a, 100, 30).trim().is_empty());
    press(&mut a, KeyCode::Char(' '));
    let s = screen(&mut a, 100, 30);
    assert!(
        s.contains("slide 1/3"),
        "any key unblanks without moving: {s}"
    );

    press(&mut a, KeyCode::Char('g'));
    press(&mut a, KeyCode::Char('3'));
    assert!(screen(&mut a, 100, 30).contains("go to slide: 3_"));
    press(&mut a, KeyCode::Enter);
    assert!(screen(&mut a, 100, 30).contains("slide 3/3"));
    press(&mut a, KeyCode::Char('g'));
    press(&mut a, KeyCode::Char('9'));
    press(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("There are slides 1 to 3."), "{s}");
    assert!(s.contains("Check yourself") || s.contains("quiz"), "{s}");

    press(&mut a, KeyCode::Char('w'));
    assert!(screen(&mut a, 100, 30).contains("No written questions for this slide."));
    press(&mut a, KeyCode::Esc);
    assert!(!screen(&mut a, 100, 30).contains("Questions (w closes)"));
    press(&mut a, KeyCode::Esc);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("q ends the presentation"), "{s}");
    assert!(!a.quit);
}

#[test]
fn written_questions_show_on_request() {
    let mut a = presenting();
    let mut content = (*a.content).clone();
    content.lessons[0].slides[0].questions = vec!["Who has used a mutex before?".into()];
    a.content = std::sync::Arc::new(content);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("w questions"), "{s}");
    assert!(!s.contains("Who has used a mutex"));
    press(&mut a, KeyCode::Char('w'));
    assert!(screen(&mut a, 100, 30).contains("1. Who has used a mutex before?"));
    // Moving on closes them.
    press(&mut a, KeyCode::Right);
    assert!(!screen(&mut a, 100, 30).contains("Who has used a mutex"));
}

#[test]
fn moves_are_published_and_clock_ticks_are_not() {
    let mut a = presenting();
    a.update(AppEvent::Tick);
    let first = published(&mut a);
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].slide, first[0].step), (1, 1));
    assert_eq!(first[0].title, "Generic Threads");
    assert_eq!(
        first[0].notes.as_deref(),
        Some("Speaker note: never shown to learners.")
    );
    assert_eq!(
        first[0].next_title.as_deref(),
        Some("Share External Objects")
    );
    a.update(AppEvent::Tick);
    assert!(published(&mut a).is_empty(), "a tick is not a move");
    press(&mut a, KeyCode::Right);
    let n = published(&mut a);
    assert_eq!((n[0].slide, n[0].step, n[0].steps), (2, 1, 3));
    press(&mut a, KeyCode::Char(' '));
    assert_eq!(published(&mut a)[0].step, 2);
    // Blanking is not a move either.
    press(&mut a, KeyCode::Char('b'));
    assert!(published(&mut a).is_empty());
    // At a lesson's last slide, "next" is the next lesson's first.
    press(&mut a, KeyCode::Char('x'));
    press(&mut a, KeyCode::Char('g'));
    press(&mut a, KeyCode::Char('3'));
    press(&mut a, KeyCode::Enter);
    let n = published(&mut a);
    assert_eq!(
        n.last().unwrap().next_title.as_deref(),
        Some("Synch Two Threads")
    );
}

#[test]
fn a_demo_opens_full_screen_and_esc_returns_to_the_slide() {
    let mut a = presenting();
    a.open_lesson_at(1, 1, 1);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Locks · slide 2/2"), "{s}");
    a.update(AppEvent::Tick);
    assert_eq!(published(&mut a).len(), 1);
    press(&mut a, KeyCode::Enter);
    if threadtutor::demos::registry::find("lock").is_none() {
        // A build without the demo says so in the footer, and stays.
        let s = screen(&mut a, 100, 30);
        assert!(s.contains("There is no live demo `lock`"), "{s}");
        return;
    }
    assert!(matches!(a.screen, threadtutor::ui::app::Screen::Demo(_)));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Live demo"), "{s}");
    // The followers still see the slide the demo belongs to.
    assert!(published(&mut a).is_empty());
    assert_eq!(a.present_position().unwrap().title, "Run it");
    press(&mut a, KeyCode::Esc);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Locks · slide 2/2"), "{s}");
}

#[test]
fn a_reload_keeps_the_place_and_tells_the_followers() {
    let mut a = presenting();
    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Char(' '));
    published(&mut a);
    let mut content = (*a.content).clone();
    content.lessons[0].slides[1].title = "Share Outside Things".into();
    content.lessons[0].slides[1].notes = Some("New note.".into());
    a.update(AppEvent::Reloaded(Ok(Box::new(content.clone()))));
    let n = published(&mut a);
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].slide, n[0].step), (2, 2));
    assert_eq!(n[0].title, "Share Outside Things");
    assert_eq!(n[0].notes.as_deref(), Some("New note."));
    // A broken reload keeps the slide and shows the problems.
    a.update(AppEvent::Reloaded(Err(vec![
        "lessons/10-basics.toml:3:9: expected a string".into(),
    ])));
    let s = screen(&mut a, 100, 30);
    assert!(
        s.contains("lessons/10-basics.toml:3:9: expected a string"),
        "{s}"
    );
    assert!(s.contains("slide 2/3"), "{s}");
    // A reload with fewer slides clamps to the last one.
    content.lessons[0].slides.truncate(1);
    a.update(AppEvent::Reloaded(Ok(Box::new(content))));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("slide 1/1"), "{s}");
    assert!(!s.contains("10-basics.toml:3:9"), "the panel goes: {s}");
}
