//! Ordering: move the steps into order (Shift-↑/↓ or K/J move one).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::{Line, Span};

use crate::content::quiz::option_plain;
use crate::content::sanitize::inert;
use crate::quiz::grade::Response;
use crate::ui::layout::wrap;
use crate::ui::theme::Theme;

use super::Step;

#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    pub items: Vec<String>,
    pub cursor: usize,
}

impl Ordering {
    pub fn new(items: Vec<String>) -> Ordering {
        Ordering { items, cursor: 0 }
    }

    /// Put the steps in an earlier answer's order (steps it did not place
    /// keep their shown order, after the ones it did).
    pub fn restore(&mut self, order: &[String]) {
        let mut items: Vec<String> = order
            .iter()
            .filter(|o| self.items.contains(o))
            .cloned()
            .collect();
        items.dedup();
        for i in &self.items {
            if !items.contains(i) {
                items.push(i.clone());
            }
        }
        self.items = items;
    }

    pub fn response(&self) -> Response {
        Response::Order(self.items.clone())
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Step {
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let c = self.cursor;
        match key.code {
            KeyCode::Up | KeyCode::Char('K')
                if (shift || key.code == KeyCode::Char('K')) && c > 0 =>
            {
                self.items.swap(c, c - 1);
                self.cursor -= 1;
            }
            KeyCode::Down | KeyCode::Char('J')
                if (shift || key.code == KeyCode::Char('J')) && c + 1 < self.items.len() =>
            {
                self.items.swap(c, c + 1);
                self.cursor += 1;
            }
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                self.cursor = (c + 1).min(self.items.len().saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                self.cursor = c.saturating_sub(1)
            }
            KeyCode::Enter => return Step::Submit,
            _ => {}
        }
        Step::Stay
    }

    pub fn lines(&self, width: usize, t: &Theme) -> Vec<Line<'static>> {
        let mut lines = vec![Line::from(Span::styled(
            "Put in order (↑/↓ choose, Shift-↑/↓ or K/J move):",
            t.dim,
        ))];
        for (i, item) in self.items.iter().enumerate() {
            let style = if i == self.cursor { t.selected } else { t.text };
            lines.extend(wrap(
                &[Span::styled(
                    format!("{}. {}", i + 1, inert(&option_plain(item))),
                    style,
                )],
                width,
                vec![Span::raw(" ")],
                vec![Span::raw("    ")],
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_keeps_every_step_once() {
        let mut o = Ordering::new(vec!["a".into(), "b".into(), "c".into()]);
        o.restore(&["c".into(), "x".into(), "a".into()]);
        assert_eq!(o.items, vec!["c", "a", "b"]);
    }
}
