//! Search across every lesson: `/` opens it, typing narrows the results,
//! Enter jumps to the slide. Titles rank above text matches.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::content::markdown::strip;
use crate::content::sanitize::inert;
use crate::content::slide_ir::{Element, ElementKind, LinkIr, SlideIr};
use crate::content::{Content, Slide};

use super::keys::{self, SearchAction};
use super::layout::truncate;
use super::theme::Theme;

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub lesson: usize,
    pub slide: usize,
    pub title: String,
    /// A piece of the slide's text around the match.
    pub snippet: String,
}

/// The search panel's state.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub hits: Vec<Hit>,
    pub selected: usize,
}

/// What a key did to the search panel.
pub enum Outcome {
    Stay,
    Close,
    Open { lesson: usize, slide: usize },
}

impl SearchState {
    pub fn on_key(&mut self, key: &KeyEvent, content: &Content) -> Outcome {
        let Some(action) = keys::lookup(keys::SEARCH, key) else {
            return Outcome::Stay;
        };
        match action {
            SearchAction::Close => return Outcome::Close,
            SearchAction::Open => {
                return match self.hits.get(self.selected) {
                    Some(h) => Outcome::Open {
                        lesson: h.lesson,
                        slide: h.slide,
                    },
                    None => Outcome::Stay,
                };
            }
            SearchAction::Down => {
                self.selected = (self.selected + 1).min(self.hits.len().saturating_sub(1))
            }
            SearchAction::Up => self.selected = self.selected.saturating_sub(1),
            SearchAction::Clear => {
                self.query.clear();
                self.refresh(content);
            }
            SearchAction::Erase => {
                self.query.pop();
                self.refresh(content);
            }
            SearchAction::Type => {
                if let KeyCode::Char(c) = key.code {
                    self.query.push(c);
                    self.refresh(content);
                }
            }
        }
        Outcome::Stay
    }

    fn refresh(&mut self, content: &Content) {
        self.hits = search(content, &self.query);
        self.selected = 0;
    }
}

/// All of a slide's words, markup stripped.
pub fn slide_text(slide: &Slide) -> String {
    fn walk(els: &[Element], out: &mut String) {
        for el in els {
            match &el.kind {
                ElementKind::Paragraph(t) => out.push_str(&t.plain()),
                ElementKind::List(items) => {
                    for i in items {
                        out.push_str(&i.text.plain());
                        out.push(' ');
                    }
                }
                ElementKind::Code(c) => {
                    out.push_str(&c.source);
                    if let Some(cap) = &c.caption {
                        out.push(' ');
                        out.push_str(&strip(cap));
                    }
                }
                ElementKind::Columns(cols) => {
                    for c in cols {
                        out.push_str(c.heading);
                        out.push(' ');
                        walk(&c.elements, out);
                    }
                }
                ElementKind::Callout { style, title, body } => {
                    out.push_str(style.label());
                    out.push(' ');
                    if let Some(t) = title {
                        out.push_str(&t.plain());
                        out.push(' ');
                    }
                    out.push_str(&body.plain());
                }
                ElementKind::Figure { art, description } => {
                    out.push_str(&description.plain());
                    out.push(' ');
                    out.push_str(art);
                }
                ElementKind::Quote { text, by } => {
                    out.push_str(&text.plain());
                    if let Some(by) = by {
                        out.push(' ');
                        out.push_str(&by.plain());
                    }
                }
                // Titles, not ids, where a person reads them.
                ElementKind::Link(LinkIr::Demo { id, caption }) => {
                    let title = crate::demos::registry::find(id).map_or(*id, |d| d.info().title);
                    out.push_str("Live demo: ");
                    out.push_str(title);
                    if let Some(c) = caption {
                        out.push_str(" — ");
                        out.push_str(&c.plain());
                    }
                }
                ElementKind::Link(LinkIr::Quiz { .. }) => {
                    out.push_str("Check yourself: a short quiz")
                }
                ElementKind::Link(LinkIr::Challenge { title, .. }) => {
                    out.push_str("Challenge: ");
                    out.push_str(title);
                }
                ElementKind::Link(LinkIr::Exercise { title, .. }) => {
                    out.push_str("Exercise: ");
                    out.push_str(title);
                }
            }
            out.push('\n');
        }
    }
    let mut out = String::new();
    walk(&SlideIr::build(slide).elements, &mut out);
    out
}

/// Every slide matching `query` (case-insensitive; every word must occur).
pub fn search(content: &Content, query: &str) -> Vec<Hit> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut title_hits = Vec::new();
    let mut text_hits = Vec::new();
    for (li, lesson) in content.lessons.iter().enumerate() {
        for (si, slide) in lesson.slides.iter().enumerate() {
            let title = slide.title.to_lowercase();
            let text = slide_text(slide);
            let lower = text.to_lowercase();
            let all = |hay: &str| words.iter().all(|w| hay.contains(w.as_str()));
            let in_title = all(&title);
            if !in_title && !all(&format!("{title}\n{lower}")) {
                continue;
            }
            let snippet = snippet(&text, &lower, &words[0]);
            let hit = Hit {
                lesson: li,
                slide: si,
                title: slide.title.clone(),
                snippet,
            };
            if in_title {
                title_hits.push(hit);
            } else {
                text_hits.push(hit);
            }
        }
    }
    title_hits.extend(text_hits);
    title_hits
}

/// The line of `text` holding the first match, trimmed.
fn snippet(text: &str, lower: &str, word: &str) -> String {
    let at = lower.find(word).unwrap_or(0);
    let start = lower[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = lower[at..].find('\n').map_or(lower.len(), |i| at + i);
    // `lower` and `text` may differ in byte length for some scripts; fall
    // back to the start of the text then.
    text.get(start..end)
        .unwrap_or_else(|| text.lines().next().unwrap_or(""))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Draw the search panel over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &SearchState, content: &Content, theme: &Theme) {
    let w = area.width.saturating_sub(4).clamp(1, 100);
    let h = area.height.saturating_sub(2).max(1);
    let panel = Rect::new(
        area.x + (area.width.saturating_sub(w)) / 2,
        area.y + 1.min(area.height),
        w,
        h,
    );
    frame.render_widget(Clear, panel);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" Search all lessons ", theme.title));
    let inner = block.inner(panel);
    frame.render_widget(block, panel);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let [input, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    let iw = usize::from(inner.width);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("/ ", theme.key),
                Span::styled(
                    truncate(&inert(&state.query), iw.saturating_sub(3)),
                    theme.text,
                ),
                Span::styled("▏", theme.accent),
            ]),
            Line::from(Span::styled(
                truncate(
                    &match (state.query.trim().is_empty(), state.hits.len()) {
                        (true, _) => {
                            "type to search · ↑↓ choose · Enter open · Esc close".to_string()
                        }
                        (false, 0) => "no slide matches".to_string(),
                        (false, 1) => "1 slide · Enter opens it".to_string(),
                        (false, n) => format!("{n} slides · ↑↓ choose · Enter open"),
                    },
                    iw,
                ),
                theme.dim,
            )),
        ]),
        input,
    );
    let rows = usize::from(rest.height / 2).max(1);
    let first = state.selected.saturating_sub(rows.saturating_sub(1));
    let mut lines = Vec::new();
    for (i, hit) in state.hits.iter().enumerate().skip(first).take(rows) {
        let lesson = &content.lessons[hit.lesson];
        let style = if i == state.selected {
            theme.selected
        } else {
            theme.bold
        };
        lines.push(Line::from(vec![Span::styled(
            truncate(
                &format!("{} › {}", inert(&lesson.title), inert(&hit.title)),
                iw,
            ),
            style,
        )]));
        lines.push(Line::from(Span::styled(
            truncate(&format!("  {}", inert(&hit.snippet)), iw),
            theme.dim,
        )));
    }
    frame.render_widget(Paragraph::new(lines), rest);
}
