//! The lesson screen: slide title, the laid-out slide (scrolling when long),
//! the reveal step and a footer with where you are and the keys. The
//! screen's state is [`LessonState`]; its keys are [`keys::LESSON`].

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::content::Content;
use crate::content::sanitize::inert;

use std::rc::Rc;

use super::app::{App, RunPanel};
use super::demo::Back;
use super::keys::{self, Context, LessonAction};
use super::layout::{Laid, Link, truncate};
use super::screen::{Cmd, Cx};
use super::view::{footer, put_lines};

/// Where the learner is in a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonState {
    pub lesson: usize,
    pub slide: usize,
    /// Reveal step, from 1.
    pub step: usize,
    /// First body line shown.
    pub scroll: usize,
    /// Body lines and visible height at the last draw (for scroll limits).
    pub body_lines: usize,
    pub body_height: usize,
}

/// Where → goes within the lesson: the next reveal step (the scroll
/// stays), else the next slide from its top. None at the lesson's end.
pub fn forward(content: &Content, st: &LessonState) -> Option<LessonState> {
    let slides = &content.lessons[st.lesson].slides;
    let mut to = st.clone();
    if st.step < slides[st.slide].steps() {
        to.step += 1;
    } else if st.slide + 1 < slides.len() {
        to.slide += 1;
        to.step = 1;
        to.scroll = 0;
    } else {
        return None;
    }
    Some(to)
}

/// Where ← goes within the lesson: the previous reveal step, else the
/// previous slide fully revealed. None at the lesson's start.
pub fn backward(content: &Content, st: &LessonState) -> Option<LessonState> {
    let mut to = st.clone();
    if st.step > 1 {
        to.step -= 1;
    } else if st.slide > 0 {
        to.slide -= 1;
        to.step = content.lessons[st.lesson].slides[to.slide].steps();
        to.scroll = 0;
    } else {
        return None;
    }
    Some(to)
}

impl LessonState {
    pub fn new(lesson: usize, slide: usize, step: usize) -> LessonState {
        LessonState {
            lesson,
            slide,
            step,
            scroll: 0,
            body_lines: 0,
            body_height: 0,
        }
    }

    pub fn on_key(&mut self, key: &KeyEvent, cx: &Cx) -> Cmd {
        let Some(action) = keys::lookup(keys::LESSON, key) else {
            return Cmd::Unbound;
        };
        match action {
            LessonAction::Next => self.next(cx.content),
            LessonAction::Prev => self.prev(cx.content),
            LessonAction::ScrollDown => self.scroll(1),
            LessonAction::ScrollUp => self.scroll(-1),
            LessonAction::PageDown => self.scroll(self.page()),
            LessonAction::PageUp => self.scroll(-self.page()),
            LessonAction::First => self.goto(0, 1),
            LessonAction::Last => {
                let last = cx.content.lessons[self.lesson].slides.len() - 1;
                self.goto(last, 1)
            }
            LessonAction::Open => self.follow_link(cx, Back::Lesson(self.clone())),
            LessonAction::Run => Cmd::Run,
            LessonAction::CloseRun if cx.run_open => Cmd::CloseRun,
            LessonAction::CloseRun => Cmd::Say("No code output to close.".into()),
            LessonAction::Back if cx.run_open => Cmd::CloseRun,
            LessonAction::Back => Cmd::Back(Back::HomeAt(self.lesson)),
        }
    }

    /// Rows a page scroll moves.
    pub fn page(&self) -> isize {
        self.body_height.saturating_sub(2).max(1) as isize
    }

    fn scroll(&mut self, delta: isize) -> Cmd {
        self.scroll_by(delta);
        Cmd::Stay
    }

    /// Scroll the body; returns whether it moved.
    pub fn scroll_by(&mut self, delta: isize) -> bool {
        let max = self.body_lines.saturating_sub(self.body_height);
        let new = (self.scroll as isize + delta).clamp(0, max as isize) as usize;
        let moved = new != self.scroll;
        self.scroll = new;
        moved
    }

    /// Forward: the next reveal step, else the next slide, else the next lesson.
    pub fn next(&mut self, content: &Content) -> Cmd {
        if let Some(moved) = forward(content, self) {
            *self = moved;
            Cmd::Moved
        } else if self.lesson + 1 < content.lessons.len() {
            Cmd::NextLesson(self.lesson + 1)
        } else {
            Cmd::Say("This is the end of the tutorial. Esc goes home.".into())
        }
    }

    /// Back: the previous reveal step, else the previous slide fully
    /// revealed, else the previous lesson's last slide.
    pub fn prev(&mut self, content: &Content) -> Cmd {
        if let Some(moved) = backward(content, self) {
            *self = moved;
            Cmd::Moved
        } else if self.lesson > 0 {
            let lesson = self.lesson - 1;
            let slide = content.lessons[lesson].slides.len() - 1;
            let step = content.lessons[lesson].slides[slide].steps();
            Cmd::OpenLesson {
                lesson,
                slide,
                step,
            }
        } else {
            Cmd::Say("This is the first slide.".into())
        }
    }

    /// To a slide of this lesson, at a reveal step.
    pub fn goto(&mut self, slide: usize, step: usize) -> Cmd {
        self.slide = slide;
        self.step = step;
        self.scroll = 0;
        Cmd::Moved
    }

    /// The links on the slide at its reveal step.
    pub fn links(&self, cx: &Cx) -> Vec<Link> {
        let slide = &cx.content.lessons[self.lesson].slides[self.slide];
        Link::on(slide, self.step)
    }

    /// Enter: open the slide's demo or quiz; `back` is where Esc returns.
    pub fn follow_link(&self, cx: &Cx, back: Back) -> Cmd {
        match self
            .links(cx)
            .into_iter()
            .find(|l| !matches!(l, Link::Run(_)))
        {
            Some(Link::Demo(id)) => Cmd::OpenDemo { id, back },
            Some(Link::Quiz { quiz, questions }) => Cmd::OpenQuiz {
                id: quiz,
                questions,
                back,
            },
            Some(Link::Challenge(id)) => Cmd::OpenChallenge { id, back },
            Some(Link::Exercise(id)) => Cmd::OpenExercises { id: Some(id), back },
            Some(Link::Run(_)) | None => Cmd::Say("Nothing to open on this slide.".into()),
        }
    }
}

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
    // The slide's own actions show only when it has them.
    let demo = laid.links.iter().any(|l| matches!(l, Link::Demo(_)));
    let quiz = laid.links.iter().any(|l| matches!(l, Link::Quiz { .. }));
    let level = laid.links.iter().any(|l| matches!(l, Link::Challenge(_)));
    let exercise = laid.links.iter().any(|l| matches!(l, Link::Exercise(_)));
    let run = laid.links.iter().any(|l| matches!(l, Link::Run(_)));
    let items = keys::footer(
        Context::Lesson,
        keys::LESSON,
        &|action, item| match action {
            LessonAction::Open if demo => Some(item.word("demo")),
            LessonAction::Open if quiz => Some(item.word("quiz")),
            LessonAction::Open if level => Some(item.word("challenge")),
            LessonAction::Open if exercise => Some(item.word("exercise")),
            LessonAction::Open => None,
            LessonAction::Run if run => Some(item),
            LessonAction::Run => None,
            LessonAction::Back if app.run.is_some() => Some(item.word("close")),
            LessonAction::Next
            | LessonAction::Prev
            | LessonAction::ScrollDown
            | LessonAction::ScrollUp
            | LessonAction::PageDown
            | LessonAction::PageUp
            | LessonAction::First
            | LessonAction::Last
            | LessonAction::CloseRun
            | LessonAction::Back => Some(item),
        },
    );
    footer(frame, foot, app, &items, Some(place));
}

/// The output of a code run: the newest lines, and how it ended.
pub(super) fn run_panel(frame: &mut Frame, area: Rect, app: &App, panel: &RunPanel) {
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
        // SGR colours are shown; anything else stays inert (see sgr.rs).
        .map(|(l, err)| super::sgr::line(l, if *err { t.error } else { t.code }, w))
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
