//! Matching: each left item gets one of the right items (←/→ choose).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::content::quiz::option_plain;
use crate::content::sanitize::inert;
use crate::quiz::grade::Response;
use crate::ui::layout::truncate;
use crate::ui::theme::Theme;

use super::Step;

#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    pub lefts: Vec<String>,
    pub rights: Vec<String>,
    pub cursor: usize,
    pub chosen: Vec<Option<usize>>,
}

impl Matching {
    pub fn new(lefts: Vec<String>, rights: Vec<String>) -> Matching {
        Matching {
            chosen: vec![None; lefts.len()],
            lefts,
            rights,
            cursor: 0,
        }
    }

    /// Give each left item the partner an earlier answer gave it.
    pub fn restore(&mut self, pairs: &[(String, String)]) {
        for (l, c) in self.lefts.iter().zip(self.chosen.iter_mut()) {
            *c = pairs
                .iter()
                .find(|(pl, _)| pl == l)
                .and_then(|(_, pr)| self.rights.iter().position(|r| r == pr));
        }
    }

    pub fn response(&self) -> Response {
        Response::Pairs(
            self.lefts
                .iter()
                .zip(&self.chosen)
                .map(|(l, c)| {
                    (
                        l.clone(),
                        c.map(|i| self.rights[i].clone()).unwrap_or_default(),
                    )
                })
                .collect(),
        )
    }

    pub fn is_blank(&self) -> bool {
        self.chosen.iter().all(Option::is_none)
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Step {
        let n = self.rights.len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                self.cursor = (self.cursor + 1).min(self.lefts.len().saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                self.cursor = self.cursor.saturating_sub(1)
            }
            KeyCode::Right | KeyCode::Char('l' | ' ') if n > 0 => {
                let c = &mut self.chosen[self.cursor];
                *c = Some(c.map_or(0, |i| (i + 1) % n));
            }
            KeyCode::Left | KeyCode::Char('h') if n > 0 => {
                let c = &mut self.chosen[self.cursor];
                *c = Some(c.map_or(n - 1, |i| (i + n - 1) % n));
            }
            KeyCode::Enter => return Step::Submit,
            _ => {}
        }
        Step::Stay
    }

    pub fn lines(&self, width: usize, t: &Theme) -> Vec<Line<'static>> {
        let mut lines = vec![Line::from(Span::styled(
            "Match each item (←/→ choose, ↑/↓ move):",
            t.dim,
        ))];
        let lw = self
            .lefts
            .iter()
            .map(|l| option_plain(l).width())
            .max()
            .unwrap_or(0)
            .min(width / 2);
        for (i, (l, ch)) in self.lefts.iter().zip(&self.chosen).enumerate() {
            let right = ch.map_or("…".to_string(), |j| option_plain(&self.rights[j]));
            let style = if i == self.cursor { t.selected } else { t.text };
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {:<lw$}", truncate(&inert(&option_plain(l)), lw)),
                    style,
                ),
                Span::styled(" → ", t.accent),
                Span::styled(
                    truncate(&inert(&right), width.saturating_sub(lw + 4)),
                    if ch.is_some() { t.text } else { t.dim },
                ),
            ]));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_by_text() {
        let mut m = Matching::new(
            vec!["Lock".into(), "Event".into()],
            vec!["flag".into(), "mutex".into()],
        );
        assert!(m.is_blank());
        m.restore(&[("Event".into(), "flag".into())]);
        assert_eq!(m.chosen, vec![None, Some(0)]);
        assert_eq!(
            m.response(),
            Response::Pairs(vec![
                ("Lock".into(), String::new()),
                ("Event".into(), "flag".into())
            ])
        );
    }
}
