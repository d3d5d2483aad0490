//! The lesson screen: slide title, the laid-out slide (scrolling when long),
//! the reveal step and a footer with where you are and the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::content::sanitize::inert;

use ratatui::widgets::{Block, Borders};

use super::app::{App, LessonState, RunPanel};
use std::rc::Rc;

use super::layout::{Laid, Link, truncate};
use super::view::{footer, put_lines};

/// Draw the lesson; records the body size in `state` for scrolling.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &mut LessonState) {
    let t = &app.theme;
    let lesson = &app.content.lessons[state.lesson];
    let slide = &lesson.slides[state.slide];
    let [head, title, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = usize::from(area.width);

    let right = format!("lesson {}/{} ", state.lesson + 1, app.content.lessons.len());
    let left = truncate(
        &format!(" {} › {}", inert(&lesson.part), inert(&lesson.title)),
        w.saturating_sub(right.width() + 1),
    );
    let gap = w.saturating_sub(left.width() + right.width());
    put_lines(
        frame,
        head,
        &[Line::from(vec![
            Span::styled(left, t.dim),
            Span::raw(" ".repeat(gap)),
            Span::styled(right, t.dim),
        ])],
    );
    let steps = slide.steps();
    let mut title_spans = vec![Span::styled(
        truncate(&format!(" {}", inert(&slide.title)), w),
        t.title,
    )];
    if steps > 1 {
        let dots: String = (1..=steps)
            .map(|i| if i <= state.step { '●' } else { '○' })
            .collect();
        if title_spans[0].width() + dots.width() + 3 <= w {
            title_spans.push(Span::styled(format!("  {dots}"), t.accent));
        }
    }
    put_lines(
        frame,
        title,
        &[
            Line::from(title_spans),
            Line::from(Span::styled(
                " ".to_string() + &"─".repeat(w.saturating_sub(2)),
                t.border,
            )),
        ],
    );

    // A code run's output takes the lower part of the body.
    let body = match &app.run {
        Some(panel) if body.height >= 8 => {
            let h = (body.height * 2 / 5).max(5);
            let [top, bottom] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(h)]).areas(body);
            run_panel(frame, bottom, app, panel);
            top
        }
        _ => body,
    };
    // Body with a margin of one column each side.
    let inner = Rect::new(
        body.x + 1,
        body.y,
        body.width.saturating_sub(2),
        body.height,
    );
    let laid = draw_body(frame, inner, app, state);
    // Say when there is more above or below.
    if state.body_lines > state.body_height && inner.width >= 10 {
        let more_below = state.scroll + state.body_height < state.body_lines;
        let label = match (state.scroll > 0, more_below) {
            (true, true) => "↑↓ more",
            (false, true) => "↓ more",
            (true, false) => "↑ more",
            _ => "",
        };
        let lw = label.width() as u16;
        let at = Rect::new(
            inner.right().saturating_sub(lw),
            inner.bottom().saturating_sub(1),
            lw,
            1,
        );
        frame.render_widget(Paragraph::new(Span::styled(label, t.key)), at);
    }

    let mut place = format!("slide {}/{}", state.slide + 1, lesson.slides.len());
    if steps > 1 {
        place.push_str(&format!(" · step {}/{}", state.step, steps));
    }
    // The slide's own actions come first, so they are the last to be cut.
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for link in &laid.links {
        match link {
            Link::Demo(_) if !keys.iter().any(|k| k.1 == "demo") => keys.push(("Enter", "demo")),
            Link::Quiz { .. } if !keys.iter().any(|k| k.1 == "quiz") => {
                keys.push(("Enter", "quiz"))
            }
            Link::Run(_) if !keys.iter().any(|k| k.1 == "run") => keys.push(("r", "run")),
            _ => {}
        }
    }
    keys.extend([
        ("←→", "slides"),
        ("↑↓", "scroll"),
        ("/", "search"),
        ("?", "help"),
        ("Esc", "home"),
        ("q", "quit"),
    ]);
    footer(frame, foot, app, &keys, Some(place));
}

/// The output of a code run: the newest lines, and how it ended.
fn run_panel(frame: &mut Frame, area: Rect, app: &App, panel: &RunPanel) {
    let t = &app.theme;
    let (title, style) = match &panel.ended {
        None => (" python3 · running… (x stops) ".to_string(), t.key),
        Some(end) => (format!(" python3 · {end} (r runs again, x closes) "), t.dim),
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border)
        .title(Span::styled(
            truncate(&inert(&title), usize::from(area.width)),
            style,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width.saturating_sub(1));
    let h = usize::from(inner.height);
    let mut lines: Vec<Line> = panel
        .lines
        .iter()
        .rev()
        .take(h)
        .rev()
        .map(|(l, err)| {
            Line::from(Span::styled(
                format!(" {}", truncate(&inert(l), w)),
                if *err { t.error } else { t.code },
            ))
        })
        .collect();
    if panel.lines.is_empty() && panel.ended.is_some() {
        lines.push(Line::from(Span::styled(" (no output)", t.dim)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Lay out the slide at `state`'s reveal step for `inner` (or take it from
/// the cache), keep the scroll in range, draw the visible lines, and return
/// the laid-out slide. Shared by the lesson screen and present mode.
pub fn draw_body(frame: &mut Frame, inner: Rect, app: &App, state: &mut LessonState) -> Rc<Laid> {
    let laid = app.laid_out(state.lesson, state.slide, state.step, inner.width);
    state.body_lines = laid.lines.len();
    state.body_height = usize::from(inner.height);
    state.scroll = state
        .scroll
        .min(state.body_lines.saturating_sub(state.body_height));
    let end = (state.scroll + state.body_height).min(laid.lines.len());
    super::view::put_lines(frame, inner, &laid.lines[state.scroll..end]);
    laid
}
