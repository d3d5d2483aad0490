//! The help overlay: every key, in one place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;

/// (keys, what they do), grouped under headings (rows with empty keys).
pub const KEYS: &[(&str, &str)] = &[
    ("", "Everywhere"),
    ("?", "this help (any key closes it)"),
    ("/", "search every lesson"),
    ("q  Ctrl-C", "quit (progress is saved)"),
    ("", "Home"),
    ("↑ ↓  j k", "choose a lesson"),
    ("Enter", "open it where you left it"),
    ("c", "continue where you left off"),
    ("", "Lesson"),
    ("→ l Space n", "next: reveal more, then the next slide"),
    ("← h p", "previous (steps back through reveals)"),
    ("↑ ↓  j k", "scroll a long slide (mouse wheel too)"),
    ("PgUp PgDn", "scroll a page"),
    ("g Home / G End", "first / last slide"),
    ("Enter", "open the slide's demo or quiz"),
    ("r", "run the slide's runnable code"),
    ("Esc", "back to home"),
    ("", "Search"),
    ("type", "narrow the results"),
    ("↑ ↓  Enter", "choose and open"),
    ("Esc", "close"),
];

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let key_w = KEYS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0) as u16;
    let want_w = key_w + 44;
    let w = want_w.min(area.width);
    let h = (KEYS.len() as u16 + 2).min(area.height);
    let panel = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, panel);
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            if k.is_empty() {
                Line::from(Span::styled(*what, theme.heading))
            } else {
                Line::from(vec![
                    Span::styled(
                        format!(" {k:<width$} ", width = usize::from(key_w)),
                        theme.key,
                    ),
                    Span::styled(*what, theme.text),
                ])
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Span::styled(" Keys ", theme.title)),
        ),
        panel,
    );
}
