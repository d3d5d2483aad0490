//! The demos screen, reachable from home with `d`: every live demo with its
//! one-line description; Enter opens it.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::demos::registry;

use super::app::App;
use super::demo::Back;
use super::keys::{self, Context, DemoListAction};
use super::layout::truncate;
use super::screen::Cmd;
use super::view::footer;

/// The list's selection.
#[derive(Debug, Clone, Default)]
pub struct DemoListState {
    pub selected: usize,
}

impl DemoListState {
    pub fn on_key(&mut self, key: &KeyEvent) -> Cmd {
        let Some(action) = keys::lookup(keys::DEMO_LIST, key) else {
            return Cmd::Unbound;
        };
        let last = registry::all().len().saturating_sub(1);
        match action {
            DemoListAction::Down => self.selected = (self.selected + 1).min(last),
            DemoListAction::Up => self.selected = self.selected.saturating_sub(1),
            DemoListAction::First => self.selected = 0,
            DemoListAction::Last => self.selected = last,
            DemoListAction::Open => {
                if let Some(d) = registry::all().get(self.selected) {
                    return Cmd::OpenDemo {
                        id: d.info().id.to_string(),
                        back: Back::DemoList(self.selected),
                    };
                }
            }
            DemoListAction::Back => return Cmd::Back(Back::Home),
        }
        Cmd::Stay
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &DemoListState) {
    let selected = state.selected;
    let t = &app.theme;
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(" Live demos", t.title)),
            Line::from(Span::styled(
                truncate(" the deck's ideas running on real threads", w),
                t.dim,
            )),
        ]),
        head,
    );
    let demos = registry::all();
    let id_w = demos.iter().map(|d| d.info().id.len()).max().unwrap_or(0);
    let height = usize::from(body.height);
    let first = selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = demos
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, d)| {
            let info = d.info();
            let sel = i == selected;
            Line::from(vec![
                Span::styled(if sel { " ▸ " } else { "   " }, t.accent),
                Span::styled(
                    format!("{:<id_w$}", info.id),
                    if sel { t.selected } else { t.key },
                ),
                Span::styled(
                    truncate(&format!("  {}", info.about), w.saturating_sub(id_w + 3)),
                    t.text,
                ),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    let items = keys::footer(Context::DemoList, keys::DEMO_LIST, &|_, item| Some(item));
    footer(frame, foot, app, &items, None);
}
