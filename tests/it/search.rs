//! Search across the lessons: what it matches and what its snippets show.

use crate::common;

use threadtutor::ui::search::{search, slide_text};

#[test]
fn snippets_name_demos_by_title_not_id() {
    let content = common::fixture();
    let slide = &content.lessons[1].slides[1];
    let text = slide_text(slide);
    let demo = threadtutor::demos::registry::find("lock").expect("the lock demo");
    let title = demo.info().title;
    assert!(text.contains(&format!("Live demo: {title}")), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("lock")),
        "a line starts with the demo's id: {text}"
    );
    // A search for the demo's title finds the slide, its snippet the title.
    let word = title.split_whitespace().next().unwrap_or(title);
    let hits = search(&content, word);
    let hit = hits
        .iter()
        .find(|h| (h.lesson, h.slide) == (1, 1))
        .expect("the demo's slide is found by its title");
    assert!(!hit.snippet.starts_with("lock "), "{}", hit.snippet);
}
