//! Drawing a whole frame: the screen, any overlay, the warning banner, and
//! the "terminal too small" message; then colours brought down to what the
//! terminal shows.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Overlay, Screen};
use super::keys::{self, Context, FootItem};
use super::layout::truncate;
use super::theme::downsample;
use super::{challenge, demo, demo_list, exercise, help, home, lesson, present, quiz, search};

/// Smallest terminal the tutorial draws in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Draw the app into a frame. Where the text cursor goes (if anywhere) is
/// set on the frame and kept in `app.cursor`.
pub fn draw(frame: &mut Frame, app: &mut App) {
    app.cursor = None;
    let area = frame.area();
    app.size = Some((area.width, area.height));
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app);
    } else {
        let mut screen = std::mem::replace(&mut app.screen, Screen::Home(Default::default()));
        match &mut screen {
            Screen::Home(s) => home::draw(frame, area, app, s),
            Screen::Present(p) => present::draw(frame, area, app, p),
            Screen::Lesson(s) => lesson::draw(frame, area, app, s),
            Screen::DemoList(s) => demo_list::draw(frame, area, app, s),
            Screen::Demo(v) => demo::draw(frame, area, app, v),
            Screen::Quiz(q) => quiz::draw(frame, area, app, q),
            Screen::Challenge(v) => {
                let [body, foot] =
                    Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
                challenge::draw(frame, body, &app.theme, v);
                let items = keys::footer(Context::Challenge, keys::CHALLENGE, &|a, item| {
                    challenge::shows(v, a).then_some(item)
                });
                footer(
                    frame,
                    foot,
                    app,
                    &items,
                    Some(format!("step {}", v.game().steps())),
                );
            }
            Screen::Exercise(v) => {
                let [body, foot] =
                    Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
                exercise::draw(frame, body, &app.theme, v);
                let items = keys::footer(Context::Exercise, keys::EXERCISE, &|a, item| {
                    exercise::shows(v, a).then_some(item)
                });
                footer(frame, foot, app, &items, None);
            }
        }
        if let Screen::Quiz(q) = &screen
            && app.overlay.is_none()
            && app.banner.is_none()
        {
            app.cursor = q.cursor;
        }
        app.screen = screen;
        match &app.overlay {
            Some(Overlay::Help(h)) => help::draw(frame, area, &app.theme, h),
            Some(Overlay::Search(s)) => search::draw(frame, area, s, &app.content, &app.theme),
            None => {}
        }
        // Presenting, the problems go to the speaker notes: the projector
        // shows a one-line mark (see present.rs).
        if let Some(errors) = &app.reload_errors
            && app.presenting().is_none()
        {
            reload_errors(frame, area, app, errors);
        }
        if let Some(msg) = &app.banner {
            banner(frame, area, app, msg);
        }
    }
    downsample(frame.buffer_mut(), app.theme.depth);
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let msg = format!(
        "terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(Span::styled(msg, app.theme.warning)).wrap(Wrap { trim: true }),
        area,
    );
}

/// `--watch`: the content on disk has problems; the last good content
/// stays on screen under this panel until a save fixes them.
fn reload_errors(frame: &mut Frame, area: Rect, app: &App, errors: &[String]) {
    let h = (errors.len() as u16 + 3).min(area.height / 2).max(4);
    let r = Rect::new(
        area.x + 1,
        area.y + area.height.saturating_sub(h + 1),
        area.width.saturating_sub(2),
        h,
    );
    let lines: Vec<Line> = errors
        .iter()
        .map(|e| {
            Line::from(Span::styled(
                crate::content::sanitize::inert(e).into_owned(),
                app.theme.error,
            ))
        })
        .collect();
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.error)
                .title(Span::styled(
                    " Content problems (fix and save; the last good version is shown) ",
                    app.theme.error,
                )),
        ),
        r,
    );
}

fn banner(frame: &mut Frame, area: Rect, app: &App, msg: &str) {
    let w = area.width.saturating_sub(4).max(1);
    let text = format!("{msg}  (goes with the next key)");
    let lines = (text.width() as u16 / w.saturating_sub(2).max(1)) + 3;
    let r = Rect::new(
        area.x + 2,
        area.y + area.height.saturating_sub(lines + 1),
        w,
        lines.min(area.height),
    );
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(Span::styled(text, app.theme.warning))
            .wrap(Wrap { trim: true })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(app.theme.warning),
            ),
        r,
    );
}

/// Write lines straight into the frame, one per row, cut at the area's
/// width. Cheaper than a `Paragraph` for text that is already laid out.
pub fn put_lines(frame: &mut Frame, area: Rect, lines: &[Line]) {
    let buf = frame.buffer_mut();
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        put_line(buf, area.x, area.y + i as u16, line, area.width);
    }
}

/// ratatui's `Buffer::set_line`, doing nothing outside the buffer.
pub fn put_line(buf: &mut Buffer, x: u16, y: u16, line: &Line, max_width: u16) {
    if buf.area.contains(Position::new(x, y)) {
        buf.set_line(x, y, line, max_width);
    }
}

/// The footer: where the learner is (`place`) and any status message on
/// the left, the keys on the right. The entries marked `keep` (the way
/// back, help, quit) are always shown; the others in their order while
/// they fit after the left part.
pub fn footer(frame: &mut Frame, area: Rect, app: &App, items: &[FootItem], place: Option<String>) {
    let t = &app.theme;
    let w = usize::from(area.width);
    let piece = |i: &FootItem| i.keys.width() + i.word.width() + 3;
    let kept: usize = items.iter().filter(|i| i.keep).map(piece).sum();
    // The left part: the place, then the message, cut to what the kept
    // keys leave.
    let mut left: Vec<Span> = Vec::new();
    if let Some(p) = place {
        left.push(Span::styled(format!(" {p}"), t.text));
    }
    if let Some(s) = &app.status {
        let sep = if left.is_empty() { " " } else { " · " };
        left.push(Span::styled(
            format!("{sep}{}", crate::content::sanitize::inert(s)),
            t.warning,
        ));
    }
    let room = w.saturating_sub(kept + 1);
    let mut left_w = 0;
    let mut shown_left: Vec<Span> = Vec::new();
    for span in left {
        let sw = span.width();
        if left_w + sw <= room {
            left_w += sw;
            shown_left.push(span);
        } else {
            let cut = truncate(&span.content, room - left_w);
            left_w += cut.width();
            shown_left.push(Span::styled(cut, span.style));
            break;
        }
    }
    // The keys: every kept one, and the others in order while they fit.
    let mut free = w.saturating_sub(left_w + 1 + kept);
    let mut right: Vec<Span> = Vec::new();
    for item in items {
        if !item.keep {
            if piece(item) > free {
                free = 0;
                continue;
            }
            free -= piece(item);
        }
        right.push(Span::styled(format!(" {}", item.keys), t.key));
        right.push(Span::styled(format!(" {} ", item.word), t.footer));
    }
    let buf = frame.buffer_mut();
    let right = Line::from(right);
    let rw = (right.width() as u16).min(area.width);
    put_line(buf, area.right() - rw, area.y, &right, rw);
    put_line(buf, area.x, area.y, &Line::from(shown_left), area.width);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier, Style};

    fn span() -> impl Strategy<Value = Span<'static>> {
        let text = prop_oneof![
            "[ -~]{0,12}",
            "[a-z\\t\\r\\n\\x07]{0,8}",
            "[a-zé日─\u{301}]{0,6}",
        ];
        let style = prop_oneof![
            Just(Style::default()),
            Just(Style::default().fg(Color::Red)),
            Just(
                Style::default()
                    .bg(Color::Blue)
                    .add_modifier(Modifier::BOLD)
            ),
        ];
        (text, style).prop_map(|(t, s)| Span::styled(t, s))
    }

    proptest! {
        /// The fast path writes exactly what ratatui's `set_line` writes.
        #[test]
        fn put_line_matches_set_line(
            spans in proptest::collection::vec(span(), 0..5),
            x in 0u16..30,
            y in 0u16..4,
            max in 0u16..40,
            italic in any::<bool>(),
        ) {
            let mut line = Line::from(spans);
            if italic {
                line = line.style(Style::default().add_modifier(Modifier::ITALIC));
            }
            let area = Rect::new(2, 1, 24, 3);
            let mut want = Buffer::empty(area);
            let mut got = Buffer::empty(area);
            if area.contains(Position::new(x, y)) {
                want.set_line(x, y, &line, max);
            }
            put_line(&mut got, x, y, &line, max);
            prop_assert_eq!(got, want);
        }
    }
}
