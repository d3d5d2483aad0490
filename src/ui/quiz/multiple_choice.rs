//! Multiple choice: radio buttons (one answer) or checkboxes (several).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

use crate::content::quiz::option_plain;
use crate::content::sanitize::inert;
use crate::quiz::grade::Response;

use super::Step;
use crate::ui::layout::wrap;
use crate::ui::theme::Theme;

/// The options as shown (shuffled) and which are ticked.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub options: Vec<String>,
    pub multiple: bool,
    pub cursor: usize,
    pub selected: Vec<bool>,
}

impl Choice {
    pub fn new(options: Vec<String>, multiple: bool) -> Choice {
        Choice {
            selected: vec![false; options.len()],
            options,
            multiple,
            cursor: 0,
        }
    }

    /// Tick the options an earlier answer chose (matched by their text, so
    /// a new shuffle does not matter); the cursor goes to the first.
    pub fn restore(&mut self, chosen: &[String]) {
        for (o, s) in self.options.iter().zip(self.selected.iter_mut()) {
            *s = chosen.contains(o);
        }
        if let Some(first) = self.selected.iter().position(|s| *s) {
            self.cursor = first;
        }
    }

    pub fn response(&self) -> Response {
        Response::Choices(
            self.options
                .iter()
                .zip(&self.selected)
                .filter(|(_, s)| **s)
                .map(|(o, _)| o.clone())
                .collect(),
        )
    }

    /// Is nothing ticked?
    pub fn nothing_chosen(&self) -> bool {
        !self.selected.iter().any(|s| *s)
    }

    fn tick(&mut self, i: usize) {
        if self.multiple {
            self.selected[i] = !self.selected[i];
        } else {
            self.selected
                .iter_mut()
                .enumerate()
                .for_each(|(j, s)| *s = j == i);
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                self.cursor = (self.cursor + 1).min(self.options.len().saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                self.cursor = self.cursor.saturating_sub(1)
            }
            KeyCode::Char(' ' | 'x') if self.cursor < self.options.len() => self.tick(self.cursor),
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if i < self.options.len() {
                    self.cursor = i;
                    self.tick(i);
                }
            }
            // Enter submits what is ticked; with nothing ticked the quiz
            // says to choose first (it never picks the option under the
            // cursor for the learner).
            KeyCode::Enter => return Step::Submit,
            _ => {}
        }
        Step::Stay
    }

    pub fn lines(&self, width: usize, t: &Theme) -> Vec<Line<'static>> {
        let mut lines = vec![Line::from(Span::styled(
            if self.multiple {
                "Choose every right answer:"
            } else {
                "Choose one:"
            },
            t.dim,
        ))];
        for (i, (o, s)) in self.options.iter().zip(&self.selected).enumerate() {
            let mark = match (self.multiple, *s) {
                (true, true) => "[x]",
                (true, false) => "[ ]",
                (false, true) => "(•)",
                (false, false) => "( )",
            };
            let style = if i == self.cursor { t.selected } else { t.text };
            lines.extend(wrap(
                &[Span::styled(
                    format!("{mark} {}. {}", i + 1, inert(&option_plain(o))),
                    style,
                )],
                width,
                vec![Span::raw(" ")],
                vec![Span::raw("       ")],
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn radio_ticks_one_and_enter_never_picks_for_the_learner() {
        let mut c = Choice::new(vec!["a".into(), "b".into(), "c".into()], false);
        c.on_key(key(KeyCode::Down));
        assert_eq!(c.on_key(key(KeyCode::Enter)), Step::Submit);
        assert!(
            c.nothing_chosen(),
            "Enter ticked the option under the cursor"
        );
        c.on_key(key(KeyCode::Char('3')));
        c.on_key(key(KeyCode::Char('1')));
        assert_eq!(c.response(), Response::Choices(vec!["a".into()]));
    }

    #[test]
    fn restore_ticks_by_text_whatever_the_order() {
        let mut c = Choice::new(vec!["z".into(), "y".into(), "x".into()], true);
        c.restore(&["x".into(), "y".into()]);
        assert_eq!(c.selected, vec![false, true, true]);
        assert_eq!(c.cursor, 1);
    }
}
