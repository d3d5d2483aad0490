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
    ("d", "live demos"),
    ("", "Lesson"),
    ("→ l Space n", "next: reveal more, then the next slide"),
    ("← h p", "previous (steps back through reveals)"),
    ("↑ ↓  j k", "scroll a long slide (mouse wheel too)"),
    ("PgUp PgDn", "scroll a page"),
    ("g Home / G End", "first / last slide"),
    ("Enter", "open the slide's demo or quiz"),
    ("r", "run the slide's runnable code"),
    ("Esc", "back to home"),
    ("", "Demo"),
    ("s  Space  .", "start · pause · one step"),
    ("Tab +/-", "choose and change a parameter"),
    ("x  e  Esc", "stop · explain · back"),
    ("", "Quiz"),
    ("Enter / Ctrl-S", "submit (Ctrl-S in long answers)"),
    ("Space ←→ Tab", "tick, match, move between fields"),
    ("r", "on the results: retry the ones you missed"),
    ("", "Search"),
    ("type", "narrow the results"),
    ("↑ ↓  Enter", "choose and open"),
    ("Esc", "close"),
    ("", "Present (threadtutor present)"),
    ("→ Space / ←", "next / previous, as in a lesson"),
    ("b", "blank the screen (any key brings it back)"),
    ("g 12 Enter", "jump to slide 12"),
    ("w", "the slide's questions, in writing"),
    ("Enter", "open the slide's demo full-screen"),
];

/// Draw the keys; `scroll` rows are skipped when they do not all fit.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, scroll: usize) {
    let key_w = KEYS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let what_w = KEYS
        .iter()
        .map(|(_, w)| w.chars().count())
        .max()
        .unwrap_or(0);
    let col_w = key_w + what_w + 3;
    // One column when it fits the height; else two, split at a heading.
    let two = KEYS.len() as u16 + 2 > area.height && area.width as usize >= 2 * col_w + 3;
    let columns: Vec<&[(&str, &str)]> = if two {
        let half = KEYS.len() / 2;
        let split = (half..KEYS.len())
            .find(|&i| KEYS[i].0.is_empty())
            .unwrap_or(half);
        vec![&KEYS[..split], &KEYS[split..]]
    } else {
        vec![KEYS]
    };
    let rows = columns.iter().map(|c| c.len()).max().unwrap_or(0) as u16;
    let w = ((col_w * columns.len() + 2 * columns.len()) as u16).min(area.width);
    let h = (rows + 2).min(area.height);
    let panel = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, panel);
    let visible = usize::from(h.saturating_sub(2));
    let scroll = scroll.min(usize::from(rows).saturating_sub(visible));
    let more = usize::from(rows) > visible + scroll;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" Keys (any key closes) ", theme.title));
    if more {
        block = block.title_bottom(Span::styled(" ↓ more ", theme.key));
    }
    let inner = block.inner(panel);
    frame.render_widget(block, panel);
    for (i, col) in columns.iter().enumerate() {
        let x = inner.x + (i * (col_w + 2)) as u16;
        if x >= inner.right() {
            break;
        }
        let r = Rect::new(
            x,
            inner.y,
            (col_w as u16 + 1).min(inner.right() - x),
            inner.height,
        );
        let lines: Vec<Line> = col
            .iter()
            .skip(scroll)
            .map(|(k, what)| {
                if k.is_empty() {
                    Line::from(Span::styled(*what, theme.heading))
                } else {
                    Line::from(vec![
                        Span::styled(format!(" {k:<key_w$} "), theme.key),
                        Span::styled(*what, theme.text),
                    ])
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), r);
    }
}
