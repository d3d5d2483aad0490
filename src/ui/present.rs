//! Present mode (`threadtutor present`): the slides full-screen for a
//! projector. No menu chrome: a big title (block letters when the screen is
//! wide enough), the slide, and a thin footer with the slide number and the
//! elapsed time. `b` blanks the screen, `g` then a number jumps to a slide,
//! `w` shows the slide's questions in writing. Each move is published to the
//! speaker-notes followers (see `crate::classroom`).

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use tui_big_text::{BigText, PixelSize};
use unicode_width::UnicodeWidthStr;

use crate::classroom::Notes;
use crate::content::sanitize::inert;

use super::app::{App, Effect};
use super::demo::Back;
use super::keys::{self, Context, Global, PresentAction};
use super::layout::truncate;
use super::lesson::LessonState;
use super::screen::{Cmd, Cx, Screen};

/// Present mode's own state.
#[derive(Debug, Clone)]
pub struct Present {
    pub started: Instant,
    /// The screen is blanked (`b`).
    pub blank: bool,
    /// Digits typed after `g`, while choosing a slide.
    pub goto: Option<String>,
    /// The slide's written questions are shown (`w`).
    pub questions: bool,
    /// The last position published, to send only moves.
    last: Option<Notes>,
}

impl Present {
    pub fn new() -> Present {
        Present {
            started: Instant::now(),
            blank: false,
            goto: None,
            questions: false,
            last: None,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Default for Present {
    fn default() -> Self {
        Self::new()
    }
}

/// `mm:ss`, or `h:mm:ss` past an hour.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// The presentation screen: where in the lesson, and the talk's own state.
#[derive(Debug, Clone)]
pub struct PresentState {
    pub lesson: LessonState,
    pub talk: Present,
}

impl PresentState {
    pub fn on_key(&mut self, key: &KeyEvent, cx: &Cx) -> Cmd {
        let p = &mut self.talk;
        if p.blank {
            // Any key brings the slide back (q still quits).
            p.blank = false;
            return match keys::global(Context::Present, key) {
                Some(Global::Quit) => Cmd::Quit,
                Some(Global::Help | Global::Search) | None => Cmd::Stay,
            };
        }
        if let Some(digits) = p.goto.as_mut() {
            match key.code {
                KeyCode::Char(c) if c.is_ascii_digit() && digits.len() < 4 => digits.push(c),
                KeyCode::Backspace => {
                    digits.pop();
                }
                KeyCode::Enter => {
                    let n: usize = digits.parse().unwrap_or(0);
                    p.goto = None;
                    let total = cx.content.lessons[self.lesson.lesson].slides.len();
                    if n >= 1 && n <= total {
                        return self.lesson.goto(n - 1, 1);
                    }
                    return Cmd::Say(format!("There are slides 1 to {total}."));
                }
                _ => p.goto = None,
            }
            return Cmd::Stay;
        }
        let Some(action) = keys::lookup(keys::PRESENT, key) else {
            return Cmd::Unbound;
        };
        // Moving on closes the questions.
        match action {
            PresentAction::Next
            | PresentAction::Prev
            | PresentAction::First
            | PresentAction::Last
            | PresentAction::Open => p.questions = false,
            PresentAction::Run
            | PresentAction::CloseRun
            | PresentAction::ScrollDown
            | PresentAction::ScrollUp
            | PresentAction::PageDown
            | PresentAction::PageUp
            | PresentAction::Blank
            | PresentAction::GoTo
            | PresentAction::Questions
            | PresentAction::Back => {}
        }
        if action == PresentAction::Open {
            let back = Back::Present(Box::new(self.clone()));
            return self.lesson.follow_link(cx, back);
        }
        let st = &mut self.lesson;
        match action {
            PresentAction::Next => st.next(cx.content),
            PresentAction::Prev => st.prev(cx.content),
            PresentAction::ScrollDown => {
                st.scroll_by(1);
                Cmd::Stay
            }
            PresentAction::ScrollUp => {
                st.scroll_by(-1);
                Cmd::Stay
            }
            PresentAction::PageDown => {
                st.scroll_by(st.page());
                Cmd::Stay
            }
            PresentAction::PageUp => {
                st.scroll_by(-st.page());
                Cmd::Stay
            }
            PresentAction::First => st.goto(0, 1),
            PresentAction::Last => {
                let last = cx.content.lessons[st.lesson].slides.len() - 1;
                st.goto(last, 1)
            }
            // Handled above (it needs the whole state for the way back).
            PresentAction::Open => Cmd::Stay,
            PresentAction::Run => Cmd::Run,
            PresentAction::CloseRun if cx.run_open => Cmd::CloseRun,
            PresentAction::CloseRun => Cmd::Say("No code output to close.".into()),
            PresentAction::Blank => {
                self.talk.blank = true;
                Cmd::Stay
            }
            PresentAction::GoTo => {
                self.talk.goto = Some(String::new());
                Cmd::Stay
            }
            PresentAction::Questions => {
                self.talk.questions = !self.talk.questions;
                Cmd::Stay
            }
            PresentAction::Back if self.talk.questions => {
                self.talk.questions = false;
                Cmd::Stay
            }
            PresentAction::Back if cx.run_open => Cmd::CloseRun,
            // No home screen while presenting.
            PresentAction::Back => Cmd::Say("q ends the presentation".into()),
        }
    }
}

impl App {
    /// Where the presentation is now, as the followers see it.
    pub fn present_position(&self) -> Option<Notes> {
        let PresentState {
            lesson: st,
            talk: p,
        } = self.presenting()?;
        let lesson = self.content.lessons.get(st.lesson)?;
        let slide = lesson.slides.get(st.slide)?;
        let next_title = lesson
            .slides
            .get(st.slide + 1)
            .or_else(|| {
                self.content
                    .lessons
                    .get(st.lesson + 1)
                    .and_then(|l| l.slides.first())
            })
            .map(|s| s.title.clone());
        Some(Notes {
            lesson: lesson.id.clone(),
            lesson_title: lesson.title.clone(),
            slide: st.slide + 1,
            slides: lesson.slides.len(),
            title: slide.title.clone(),
            step: st.step,
            steps: slide.steps(),
            notes: slide.notes.clone(),
            next_title,
            elapsed_s: p.elapsed().as_secs(),
        })
    }

    /// Queue a publish when the position (not just the clock) changed.
    pub(super) fn publish_position(&mut self) {
        let Some(now) = self.present_position() else {
            return;
        };
        let p = match &mut self.screen {
            Screen::Present(p) => &mut p.talk,
            Screen::Demo(v) => match &mut v.back {
                Back::Present(p) => &mut p.talk,
                Back::Home | Back::HomeAt(_) | Back::DemoList(_) | Back::Lesson(_) => return,
            },
            Screen::Home(_)
            | Screen::Lesson(_)
            | Screen::DemoList(_)
            | Screen::Quiz(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => return,
        };
        let same = p.last.as_ref().is_some_and(|last| {
            let mut l = last.clone();
            l.elapsed_s = now.elapsed_s;
            l == now
        });
        if !same {
            p.last = Some(now.clone());
            self.effects.push(Effect::Publish(now));
        }
    }
}

/// Draw a slide for the projector; records the body size for scrolling.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, present: &mut PresentState) {
    let t = &app.theme;
    let PresentState {
        lesson: state,
        talk: p,
    } = present;
    if p.blank {
        frame.render_widget(Clear, area);
        return;
    }
    let lesson = &app.content.lessons[state.lesson];
    let slide = &lesson.slides[state.slide];
    let title = inert(&slide.title).into_owned();
    let w = usize::from(area.width);
    // Block letters (4 cells a letter, 4 rows) when the title fits.
    let big = title.chars().count() * 4 + 4 <= w && area.height >= 20;
    let title_h = if big { 5 } else { 2 };
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(title_h),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let margin = if area.width >= 80 { 2 } else { 1 };
    if big {
        let text = BigText::builder()
            .pixel_size(PixelSize::Quadrant)
            .style(t.title)
            .lines(vec![Line::from(title.clone())])
            .build();
        frame.render_widget(
            text,
            Rect::new(
                head.x + margin,
                head.y,
                head.width.saturating_sub(margin),
                4,
            ),
        );
    } else {
        frame.render_widget(
            Paragraph::new(Span::styled(truncate(&format!(" {title}"), w), t.title)),
            head,
        );
    }
    let inner = Rect::new(
        body.x + margin,
        body.y,
        body.width.saturating_sub(margin * 2),
        body.height,
    );
    // A code run's output takes the lower part, as in a lesson.
    let inner = match &app.run {
        Some(panel) if inner.height >= 8 => {
            let h = (inner.height * 2 / 5).max(5);
            let [top, bottom] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(h)]).areas(inner);
            super::lesson::run_panel(frame, bottom, app, panel);
            top
        }
        _ => inner,
    };
    super::lesson::draw_body(frame, inner, app, state);

    // The thin footer: where we are on the left, the clock on the right.
    let steps = slide.steps();
    // Where we are stays when a message comes: the message follows it.
    let mut left = format!(
        " {} · slide {}/{}",
        inert(&lesson.title),
        state.slide + 1,
        lesson.slides.len()
    );
    if steps > 1 {
        left.push_str(&format!(" · step {}/{steps}", state.step));
    }
    match (&p.goto, &app.status) {
        (Some(d), _) => left = format!(" go to slide: {d}_  (Enter)"),
        (None, Some(s)) => left.push_str(&format!(" · {s}")),
        (None, None) if !slide.questions.is_empty() => left.push_str(" · w questions"),
        (None, None) => {}
    }
    let right = format!("{} ", clock(p.elapsed()));
    let left = truncate(&left, w.saturating_sub(right.width() + 1));
    let gap = w.saturating_sub(left.width() + right.width());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(left, t.dim),
            Span::raw(" ".repeat(gap)),
            Span::styled(right, t.dim),
        ])),
        foot,
    );

    if p.questions {
        questions(frame, body, app, &slide.questions);
    }
}

/// The slide's questions, written out for the speaker to read.
fn questions(frame: &mut Frame, area: Rect, app: &App, qs: &[String]) {
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    if qs.is_empty() {
        lines.push(Line::from(Span::styled(
            "No written questions for this slide.",
            t.dim,
        )));
    }
    for (i, q) in qs.iter().enumerate() {
        lines.push(Line::from(Span::styled(
            format!("{}. {}", i + 1, inert(q)),
            t.text,
        )));
        lines.push(Line::default());
    }
    let w = area.width.saturating_sub(4).max(10);
    let h = (lines.len() as u16 + 4).min(area.height);
    let r = Rect::new(area.x + 2, area.y + area.height.saturating_sub(h), w, h);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.accent)
                .title(Span::styled(" Questions (w closes) ", t.accent)),
        ),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_minutes_and_hours() {
        assert_eq!(clock(Duration::from_secs(0)), "00:00");
        assert_eq!(clock(Duration::from_secs(125)), "02:05");
        assert_eq!(clock(Duration::from_secs(3725)), "1:02:05");
    }
}
