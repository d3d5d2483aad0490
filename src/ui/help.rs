//! The help overlay: the keys of the screen it was opened on first, then
//! the global ones, then (in the tutorial) the other screens'. Everything
//! in it comes from the key table ([`super::keys`]).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::keys::{self, Context, HelpAction};
use super::theme::Theme;

/// The help panel's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpView {
    /// The screen it was opened on.
    pub from: Context,
    /// Rows skipped when the keys do not all fit.
    pub scroll: usize,
}

/// What a key did to the help panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpOutcome {
    Stay,
    Close,
}

impl HelpView {
    pub fn new(from: Context) -> HelpView {
        HelpView { from, scroll: 0 }
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> HelpOutcome {
        let Some(action) = keys::lookup(keys::HELP, key) else {
            return HelpOutcome::Close;
        };
        match action {
            HelpAction::Down => self.scroll += 1,
            HelpAction::Up => self.scroll = self.scroll.saturating_sub(1),
            HelpAction::PageDown => self.scroll += 10,
            HelpAction::PageUp => self.scroll = self.scroll.saturating_sub(10),
            HelpAction::Close => return HelpOutcome::Close,
        }
        HelpOutcome::Stay
    }

    /// The rows of the help: (keys, what), headings with empty keys.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (title, rows) in keys::help_sections(self.from) {
            out.push((String::new(), title.to_string()));
            for row in rows {
                out.push((row.keys.join(" "), row.what.to_string()));
            }
        }
        out
    }
}

/// Draw the keys; rows are skipped by the view's scroll when they do not
/// all fit.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &HelpView) {
    let entries = view.entries();
    let key_w = entries.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let what_w = entries.iter().map(|(_, w)| w.width()).max().unwrap_or(0);
    let col_w = key_w + what_w + 3;
    // One column when it fits the height; else two, split at a heading.
    let two = entries.len() as u16 + 2 > area.height && area.width as usize >= 2 * col_w + 3;
    let columns: Vec<&[(String, String)]> = if two {
        let half = entries.len() / 2;
        let split = (half..entries.len())
            .find(|&i| entries[i].0.is_empty())
            .unwrap_or(half);
        vec![&entries[..split], &entries[split..]]
    } else {
        vec![&entries[..]]
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
    let scroll = view.scroll.min(usize::from(rows).saturating_sub(visible));
    let more = usize::from(rows) > visible + scroll;
    let title = if usize::from(rows) > visible {
        " Keys · ↑↓ PgUp PgDn scroll · Esc closes "
    } else {
        " Keys · Esc or any other key closes "
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
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
                    Line::from(Span::styled(what.clone(), theme.heading))
                } else {
                    let pad = key_w.saturating_sub(k.width());
                    Line::from(vec![
                        Span::styled(format!(" {k}{} ", " ".repeat(pad)), theme.key),
                        Span::styled(what.clone(), theme.text),
                    ])
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), r);
    }
}
