//! The demos screen, reachable from home with `d`: every live demo with its
//! one-line description; Enter opens it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::demos::registry;

use super::app::App;
use super::layout::truncate;
use super::view::footer;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
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
    footer(
        frame,
        foot,
        app,
        &[
            ("↑↓", "choose"),
            ("Enter", "open"),
            ("Esc", "home"),
            ("q", "quit"),
        ],
        None,
    );
}
