//! Tracing: does the program run (compile)? what does it print? which line
//! fails? Three fields, Tab between them.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::content::quiz::Language;
use crate::quiz::grade::{Response, TraceResponse};
use crate::ui::textarea::TextArea;
use crate::ui::theme::Theme;

use super::Step;
use super::free_text::answer_box;

#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub runs: Option<bool>,
    pub output: TextArea,
    pub line: TextArea,
    /// 0: runs?, 1: output, 2: line.
    pub focus: usize,
    pub language: Language,
}

impl Trace {
    pub fn new(language: Language) -> Trace {
        Trace {
            runs: None,
            output: TextArea::new(true),
            line: TextArea::new(false),
            focus: 0,
            language,
        }
    }

    pub fn restore(&mut self, r: &TraceResponse) {
        self.runs = Some(r.compiles);
        self.output.set_text(&r.output);
        self.line
            .set_text(&r.line.map(|l| l.to_string()).unwrap_or_default());
    }

    /// None until "does it run?" is answered.
    pub fn response(&self) -> Option<Response> {
        Some(Response::Trace(TraceResponse {
            compiles: self.runs?,
            output: self.output.text(),
            line: self.line.text().trim().parse().ok(),
        }))
    }

    pub fn is_blank(&self) -> bool {
        self.runs.is_none() && self.output.is_empty() && self.line.is_empty()
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Step {
        match (key.code, self.focus) {
            (KeyCode::Tab, _) => self.focus = (self.focus + 1) % 3,
            (KeyCode::BackTab, _) => self.focus = (self.focus + 2) % 3,
            (KeyCode::Char('y') | KeyCode::Left, 0) => self.runs = Some(true),
            (KeyCode::Char('n') | KeyCode::Right, 0) => self.runs = Some(false),
            (KeyCode::Char(' '), 0) => self.runs = Some(!self.runs.unwrap_or(false)),
            (KeyCode::Enter, 0 | 2) => return Step::Submit,
            (_, 1) => {
                self.output.on_key(key);
            }
            (_, 2) => {
                if let KeyCode::Char(c) = key.code {
                    if c.is_ascii_digit() {
                        self.line.on_key(key);
                    }
                } else {
                    self.line.on_key(key);
                }
            }
            _ => {}
        }
        Step::Stay
    }

    pub fn lines(&self, width: usize, t: &Theme) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
        let (yes, no) = match self.language {
            Language::Python => ("runs without an error", "raises an error"),
            Language::Rust => ("compiles", "does not compile"),
        };
        let f = |i: usize| if self.focus == i { t.key } else { t.dim };
        let choice = if self.focus == 0 { t.selected } else { t.text };
        let mut lines = vec![
            Line::from(vec![
                Span::styled("It ", f(0)),
                Span::styled(
                    format!(
                        "{} y: {yes}",
                        if self.runs == Some(true) {
                            "(•)"
                        } else {
                            "( )"
                        }
                    ),
                    choice,
                ),
                Span::raw("   "),
                Span::styled(
                    format!(
                        "{} n: {no}",
                        if self.runs == Some(false) {
                            "(•)"
                        } else {
                            "( )"
                        }
                    ),
                    choice,
                ),
            ]),
            Line::from(Span::styled("Output (Tab moves between fields):", f(1))),
        ];
        let mut cursor = None;
        let (boxed, (r, c)) = answer_box(&self.output, width, f(1), t.code);
        if self.focus == 1 {
            cursor = Some((lines.len() + r, c));
        }
        lines.extend(boxed);
        let ltext = self.line.text();
        lines.push(Line::from(vec![
            Span::styled("Line of the error (if any): ", f(2)),
            Span::styled(ltext.clone(), t.text),
        ]));
        if self.focus == 2 {
            cursor = Some((lines.len() - 1, 28 + ltext.width()));
        }
        (lines, cursor)
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
    fn fields_and_restore() {
        let mut tr = Trace::new(Language::Python);
        assert!(tr.is_blank() && tr.response().is_none());
        tr.on_key(key(KeyCode::Char('n')));
        tr.on_key(key(KeyCode::Tab));
        tr.on_key(key(KeyCode::Tab));
        tr.on_key(key(KeyCode::Char('x')));
        tr.on_key(key(KeyCode::Char('4')));
        let r = tr.response().unwrap();
        let Response::Trace(tr_r) = &r else {
            panic!("{r:?}")
        };
        assert_eq!((tr_r.compiles, tr_r.line), (false, Some(4)));
        let mut again = Trace::new(Language::Python);
        again.restore(tr_r);
        assert_eq!(again.response(), Some(r));
    }
}
