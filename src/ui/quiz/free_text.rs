//! Free text: the long-answer box (also a multi-line short answer's and a
//! tracing question's output field). Lines wrap at spaces; the text cursor
//! is placed where the wrapped text puts it.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::content::sanitize::inert;
use crate::ui::textarea::TextArea;

/// A long answer's field.
pub fn new() -> TextArea {
    TextArea::new(true)
}

/// The box's lines (a bar on the left, the text wrapped to `width`) and the
/// cursor's (line, column) within them.
pub fn answer_box(
    ta: &TextArea,
    width: usize,
    bar: Style,
    text: Style,
) -> (Vec<Line<'static>>, (usize, usize)) {
    let (wrapped, (row, col)) = ta.wrapped(width.saturating_sub(2));
    let lines = wrapped
        .into_iter()
        .map(|l| {
            Line::from(vec![
                Span::styled("▏", bar),
                Span::styled(inert(&l).into_owned(), text),
            ])
        })
        .collect();
    (lines, (row, col + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_wraps_words_and_places_the_cursor_after_the_bar() {
        let mut ta = new();
        ta.insert_str("a lock is always released\nby with");
        let (lines, cursor) = answer_box(&ta, 14, Style::default(), Style::default());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(
            text,
            vec!["▏a lock is ", "▏always ", "▏released", "▏by with"]
        );
        assert_eq!(cursor, (3, 8));
    }
}
