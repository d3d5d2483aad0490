//! Present mode (`threadtutor present`): the slides full-screen for a
//! projector. No menu chrome: a big title (block letters when the screen is
//! wide enough), the slide, and a thin footer with the slide number and the
//! elapsed time. `b` blanks the screen, `g` then a number jumps to a slide,
//! `w` shows the slide's questions in writing, large (block letters where
//! they fit, else bold and centred). Each move is published to the
//! speaker-notes followers (see `crate::classroom`), and so is what the
//! projector shows (the slide, the questions, a blank screen, a demo) and,
//! with `--watch`, the content problems: the projector only carries a
//! one-line mark for those (`⚠ 2 content problems — see notes`).

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use tui_big_text::{BigText, PixelSize};
use unicode_width::UnicodeWidthStr;

use crate::classroom::{Message, Notes, Problems, Projector, Showing};
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
    /// What the projector showed when last told, to send only changes.
    last_projector: Option<Projector>,
    /// The content problems last told (empty: none).
    last_problems: Option<Vec<String>>,
}

impl Present {
    pub fn new() -> Present {
        Present {
            started: Instant::now(),
            blank: false,
            goto: None,
            questions: false,
            last: None,
            last_projector: None,
            last_problems: None,
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

/// The talk's clock (`mm:ss`), shared with the notes follower.
pub use crate::classroom::clock;

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
        let problems = self.reload_errors.clone().unwrap_or_default();
        let (p, projector) = match &mut self.screen {
            Screen::Present(p) => {
                let showing = if p.talk.blank {
                    Showing::Blank
                } else if p.talk.questions {
                    Showing::Questions
                } else {
                    Showing::Slide
                };
                (
                    &mut p.talk,
                    Projector {
                        showing,
                        demo: None,
                    },
                )
            }
            Screen::Demo(v) => {
                let demo = Some(v.demo.info().title.to_string());
                match &mut v.back {
                    Back::Present(p) => (
                        &mut p.talk,
                        Projector {
                            showing: Showing::Demo,
                            demo,
                        },
                    ),
                    Back::Home | Back::HomeAt(_) | Back::DemoList(_) | Back::Lesson(_) => return,
                }
            }
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
        if p.last_projector.as_ref() != Some(&projector) {
            p.last_projector = Some(projector.clone());
            self.effects
                .push(Effect::Announce(Message::Projector(projector)));
        }
        // Problems are told when they come and when they go (not before
        // there were any: an empty list at the start says nothing).
        let told = p.last_problems.as_deref().unwrap_or(&[]);
        if told != problems.as_slice() {
            let msg = Problems::bounded(&problems);
            p.last_problems = Some(problems);
            self.effects.push(Effect::Announce(Message::Problems(msg)));
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
    // `--watch` found problems: one line here, the list on the notes.
    let mark = problems_mark(app).map(|m| format!("{m}  "));
    let mark_w = mark.as_deref().map_or(0, UnicodeWidthStr::width);
    let left = truncate(&left, w.saturating_sub(right.width() + mark_w + 1));
    let gap = w.saturating_sub(left.width() + mark_w + right.width());
    let mut spans = vec![Span::styled(left, t.dim), Span::raw(" ".repeat(gap))];
    if let Some(m) = mark {
        spans.push(Span::styled(m, t.warning));
    }
    spans.push(Span::styled(right, t.dim));
    frame.render_widget(Paragraph::new(Line::from(spans)), foot);

    if p.questions {
        questions(frame, body, app, &slide.questions);
    }
}

/// The projector's mark for content problems (`present --watch`), if any.
pub fn problems_mark(app: &App) -> Option<String> {
    let n = app.reload_errors.as_ref().map_or(0, Vec::len);
    (n > 0).then(|| {
        format!(
            "⚠ {n} content problem{} — see notes",
            if n == 1 { "" } else { "s" }
        )
    })
}

/// Columns and rows of one block letter (tui-big-text's 8×8 font in
/// quadrants: two pixels a cell each way).
const LETTER_W: usize = 4;
const LETTER_H: u16 = 4;

/// Greedy word wrap at spaces into lines of at most `width` characters (a
/// word longer than that is split). For ASCII text: one char, one column.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        loop {
            let need = if cur.is_empty() { 0 } else { cur.len() + 1 };
            if need + word.len() <= width {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(word);
                break;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                continue;
            }
            // Longer than a whole line: split it.
            let (head, tail) = word.split_at(width);
            lines.push(head.to_string());
            word = tail;
            if word.is_empty() {
                break;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The questions in block letters, if they fit `area`: the wrapped lines
/// of each question. Only plain ASCII (the font's other characters are
/// not all there, and a missing one would leave a gap in a word).
fn big_questions(qs: &[String], area: Rect) -> Option<Vec<Vec<String>>> {
    let per_line = usize::from(area.width) / LETTER_W;
    if per_line < 8 {
        return None;
    }
    let numbered = qs.len() > 1;
    let mut all = Vec::new();
    let mut rows: u16 = 0;
    for (i, q) in qs.iter().enumerate() {
        let text = if numbered {
            format!("{}. {}", i + 1, q.trim())
        } else {
            q.trim().to_string()
        };
        if !text.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            return None;
        }
        let lines = wrap_words(&text, per_line);
        rows = rows
            .saturating_add(
                u16::try_from(lines.len())
                    .unwrap_or(u16::MAX)
                    .saturating_mul(LETTER_H),
            )
            .saturating_add(u16::from(i > 0));
        all.push(lines);
    }
    (rows <= area.height).then_some(all)
}

/// The slide's written questions over the whole body, large enough to be
/// read from the back of the room: block letters where they fit, else
/// bold, centred, wrapped to the full width.
fn questions(frame: &mut Frame, area: Rect, app: &App, qs: &[String]) {
    let t = &app.theme;
    let r = Rect::new(
        area.x + 1,
        area.y,
        area.width.saturating_sub(2),
        area.height,
    );
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.accent)
        .title(Span::styled(" Questions (w closes) ", t.accent));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    if qs.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No written questions for this slide.", t.dim))
                .alignment(Alignment::Center),
            inner,
        );
        return;
    }
    let shown: Vec<String> = qs.iter().map(|q| inert(q).into_owned()).collect();
    if let Some(big) = big_questions(&shown, inner) {
        let rows: u16 =
            big.iter().map(|l| l.len() as u16 * LETTER_H).sum::<u16>() + big.len() as u16 - 1;
        let mut y = inner.y + (inner.height - rows) / 2;
        for (i, lines) in big.iter().enumerate() {
            if i > 0 {
                y += 1;
            }
            for l in lines {
                let lw = (l.len() * LETTER_W) as u16;
                let x = inner.x + inner.width.saturating_sub(lw) / 2;
                let text = BigText::builder()
                    .pixel_size(PixelSize::Quadrant)
                    .style(t.text.add_modifier(Modifier::BOLD))
                    .lines(vec![Line::from(l.clone())])
                    .build();
                frame.render_widget(text, Rect::new(x, y, lw.min(inner.width), LETTER_H));
                y += LETTER_H;
            }
        }
        return;
    }
    // Too long for block letters: bold, centred, wrapped wide.
    let mut lines: Vec<Line> = Vec::new();
    for (i, q) in shown.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        let text = if shown.len() > 1 {
            format!("{}. {q}", i + 1)
        } else {
            q.clone()
        };
        lines.push(Line::from(Span::styled(
            text,
            t.text.add_modifier(Modifier::BOLD),
        )));
    }
    let para = Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    let h = (para.line_count(inner.width) as u16).min(inner.height);
    let y = inner.y + (inner.height - h) / 2;
    frame.render_widget(para, Rect::new(inner.x, y, inner.width, h));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_long_words_split() {
        assert_eq!(
            wrap_words("Who has used a mutex before?", 12),
            vec!["Who has used", "a mutex", "before?"]
        );
        assert_eq!(
            wrap_words("abcdefghij xy", 4),
            vec!["abcd", "efgh", "ij", "xy"]
        );
        assert_eq!(wrap_words("  a   b ", 10), vec!["a b"]);
        assert!(wrap_words("", 10).is_empty());
    }

    #[test]
    fn block_letters_only_when_they_fit() {
        let q = vec!["Who has used a mutex before?".to_string()];
        let wide = big_questions(&q, Rect::new(0, 0, 112, 30)).unwrap();
        assert_eq!(wide, vec![vec!["Who has used a mutex before?".to_string()]]);
        let narrow = big_questions(&q, Rect::new(0, 0, 60, 30)).unwrap();
        assert_eq!(narrow[0].len(), 2);
        assert!(big_questions(&q, Rect::new(0, 0, 60, 7)).is_none());
        assert!(big_questions(&["Qu’est-ce ?".to_string()], Rect::new(0, 0, 112, 30)).is_none());
        let two = vec!["One?".to_string(), "Two?".to_string()];
        let b = big_questions(&two, Rect::new(0, 0, 112, 9)).unwrap();
        assert_eq!(
            b,
            vec![vec!["1. One?".to_string()], vec!["2. Two?".to_string()]]
        );
        assert!(big_questions(&two, Rect::new(0, 0, 112, 8)).is_none());
    }

    #[test]
    fn the_clock_reads_minutes_and_hours() {
        assert_eq!(clock(Duration::from_secs(0)), "00:00");
        assert_eq!(clock(Duration::from_secs(125)), "02:05");
        assert_eq!(clock(Duration::from_secs(3725)), "1:02:05");
    }
}
