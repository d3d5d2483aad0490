//! The home screen: the deck's title, its parts and lessons with progress
//! marks and quiz scores.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::content::sanitize::inert;
use crate::content::{BlockKind, Content, Lesson};

use super::app::App;
use super::demo::Back;
use super::keys::{self, Context, HomeAction};
use super::layout::truncate;
use super::screen::{Cmd, Cx};
use super::view::footer;

/// The home screen's selection.
#[derive(Debug, Clone, Default)]
pub struct HomeState {
    /// Index into the lessons, then the quizzes (see [`home_quizzes`]).
    pub selected: usize,
}

impl HomeState {
    /// On the lesson the learner was last in (else the first).
    pub fn current(content: &Content, progress: &crate::progress::Progress) -> HomeState {
        let selected = progress
            .last
            .as_ref()
            .and_then(|p| content.lessons.iter().position(|l| l.id == p.lesson))
            .unwrap_or(0);
        HomeState { selected }
    }

    pub fn on_key(&mut self, key: &KeyEvent, cx: &Cx) -> Cmd {
        let Some(action) = keys::lookup(keys::HOME, key) else {
            return Cmd::Unbound;
        };
        let lessons = cx.content.lessons.len();
        let quizzes = home_quizzes(cx.content);
        let extra = usize::from(!cx.content.exercises.is_empty()) + cx.content.challenges.len();
        let last = (lessons + quizzes.len() + extra).saturating_sub(1);
        match action {
            HomeAction::Down => self.selected = (self.selected + 1).min(last),
            HomeAction::Up => self.selected = self.selected.saturating_sub(1),
            HomeAction::PageDown => self.selected = (self.selected + 10).min(last),
            HomeAction::PageUp => self.selected = self.selected.saturating_sub(10),
            HomeAction::First => self.selected = 0,
            HomeAction::Last => self.selected = last,
            HomeAction::Open => {
                let i = self.selected;
                if i < lessons {
                    return Cmd::Resume(i);
                }
                if let Some(&q) = quizzes.get(i - lessons) {
                    return Cmd::OpenQuiz {
                        id: cx.content.quizzes[q].id.clone(),
                        questions: Vec::new(),
                        back: Back::HomeAt(i),
                    };
                }
                let mut k = i - lessons - quizzes.len();
                if !cx.content.exercises.is_empty() {
                    if k == 0 {
                        return Cmd::OpenExercises {
                            id: None,
                            back: Back::HomeAt(i),
                        };
                    }
                    k -= 1;
                }
                if let Some(c) = cx.content.challenges.get(k) {
                    return Cmd::OpenChallenge {
                        id: c.id.clone(),
                        back: Back::HomeAt(i),
                    };
                }
            }
            HomeAction::Continue => return Cmd::Continue,
            HomeAction::Demos => return Cmd::DemoList(0),
        }
        Cmd::Stay
    }
}

/// The quizzes listed on the home screen, as indices into `content.quizzes`:
/// the pop quizzes first, then the rest in the order of the lessons that
/// link them (in the order of their links), then any not linked, in file
/// order.
pub fn home_quizzes(content: &Content) -> Vec<usize> {
    let mut linked: Vec<&str> = Vec::new();
    for lesson in &content.lessons {
        for slide in &lesson.slides {
            crate::content::Block::walk(&slide.blocks, &mut |b| {
                if let BlockKind::Quiz { quiz, .. } = &b.kind
                    && !linked.contains(&quiz.as_str())
                {
                    linked.push(quiz);
                }
            });
        }
    }
    let mut v: Vec<usize> = (0..content.quizzes.len()).collect();
    v.sort_by_key(|&i| {
        let id = content.quizzes[i].id.as_str();
        let place = linked.iter().position(|l| *l == id).unwrap_or(usize::MAX);
        (!id.starts_with("pop-quiz"), place)
    });
    v
}

/// How far a learner is through a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
}

/// (status, slides seen, slides in the lesson)
pub fn lesson_status(app: &App, lesson: &Lesson) -> (Status, usize, usize) {
    let total = lesson.slides.len();
    let seen = app.progress.lessons.get(&lesson.id).map_or(0, |p| {
        lesson
            .slides
            .iter()
            .filter(|s| p.seen.contains(&s.id))
            .count()
    });
    let status = match seen {
        0 => Status::NotStarted,
        n if n >= total => Status::Done,
        _ => Status::InProgress,
    };
    (status, seen, total)
}

/// The best score of the quizzes a lesson links to, as a percentage.
fn quiz_score(app: &App, lesson: &Lesson) -> Option<u32> {
    let mut best: Option<f64> = None;
    for slide in &lesson.slides {
        // Every quiz link, columns included.
        crate::content::lesson::Block::walk(&slide.blocks, &mut |b| {
            if let BlockKind::Quiz { quiz, .. } = &b.kind
                && let Some(f) = app
                    .progress
                    .quizzes
                    .get(quiz)
                    .and_then(|q| q.best_fraction())
            {
                best = Some(best.map_or(f, |b| b.max(f)));
            }
        });
    }
    best.map(|f| (f * 100.0).round() as u32)
}

/// Where `c` goes, as ` · c continues at Lesson › Slide` (empty before
/// any lesson was opened).
fn continues(app: &App) -> String {
    let Some(pos) = &app.progress.last else {
        return String::new();
    };
    let Some(lesson) = app.content.lessons.iter().find(|l| l.id == pos.lesson) else {
        return String::new();
    };
    match lesson.slides.iter().find(|s| s.id == pos.slide) {
        Some(slide) => format!(
            " · c continues at {} › {}",
            inert(&lesson.title),
            inert(&slide.title)
        ),
        None => format!(" · c continues at {}", inert(&lesson.title)),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &HomeState) {
    let t = &app.theme;
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let lessons = &app.content.lessons;
    let done = lessons
        .iter()
        .filter(|l| lesson_status(app, l).0 == Status::Done)
        .count();
    let w = usize::from(area.width);
    super::view::put_lines(
        frame,
        head,
        &[
            Line::from(Span::styled(" Python Threads", t.title)),
            Line::from(Span::styled(
                truncate(
                    " an interactive tutorial after Aahz's deck: threads, the GIL and synchronisation",
                    w,
                ),
                t.dim,
            )),
            Line::from(Span::styled(
                truncate(
                    &format!(
                        " {done} of {} lessons done{}",
                        lessons.len(),
                        continues(app)
                    ),
                    w,
                ),
                t.dim,
            )),
        ],
    );

    // Rows: part headings and lessons; keep the selection in view.
    // Each row: its selectable index, the left part, and a right-aligned
    // part drawn separately (no padding cells to render).
    let mut rows: Vec<(Option<usize>, Line, Option<Span>)> = Vec::new();
    for (part, idxs) in app.content.parts() {
        if !rows.is_empty() {
            rows.push((None, Line::default(), None));
        }
        rows.push((
            None,
            Line::from(Span::styled(
                truncate(&format!(" {}", inert(&part)), w),
                t.heading,
            )),
            None,
        ));
        for i in idxs {
            let lesson = &lessons[i];
            let (status, seen, total) = lesson_status(app, lesson);
            let (mark, mark_style) = match status {
                Status::NotStarted => ("○", t.dim),
                Status::InProgress => ("◐", t.partial),
                Status::Done => ("●", t.done),
            };
            let right = match quiz_score(app, lesson) {
                Some(p) => format!("{seen}/{total}  quiz {p}%"),
                None => format!("{seen}/{total}"),
            };
            let left_w = w.saturating_sub(right.width() + 7).max(1);
            let title = truncate(&inert(&lesson.title), left_w);
            let sel = i == state.selected;
            let ts = if sel { t.selected } else { t.text };
            rows.push((
                Some(i),
                Line::from(vec![
                    Span::styled(if sel { " ▸ " } else { "   " }, t.accent),
                    Span::styled(mark, mark_style),
                    Span::raw(" "),
                    Span::styled(title, ts),
                ]),
                Some(Span::styled(format!("{right} "), t.dim)),
            ));
        }
    }
    // Then the quizzes, after the lessons in the selection order.
    let quizzes = home_quizzes(&app.content);
    if !quizzes.is_empty() {
        rows.push((None, Line::default(), None));
        rows.push((None, Line::from(Span::styled(" Quizzes", t.heading)), None));
    }
    for (k, &qi) in quizzes.iter().enumerate() {
        let quiz = &app.content.quizzes[qi];
        let i = lessons.len() + k;
        let best = app
            .progress
            .quizzes
            .get(&quiz.id)
            .and_then(|q| q.best_fraction());
        let (mark, mark_style) = match best {
            None => ("○", t.dim),
            Some(f) if f >= 1.0 => ("●", t.done),
            Some(_) => ("◐", t.partial),
        };
        let n = quiz.questions.len();
        let count = format!("{n} question{}", if n == 1 { "" } else { "s" });
        let mut right = match best {
            Some(f) => format!("{count}  best {:.0}%", f * 100.0),
            None => count,
        };
        // A quiz left half-way says where it was left.
        if let Some(p) = app.progress.paused_quiz(&quiz.id) {
            right = format!(
                "paused at {}/{}  {right}",
                (p.pos + 1).min(p.round.len()),
                p.round.len()
            );
        }
        let left_w = w.saturating_sub(right.width() + 7).max(1);
        let title = truncate(&inert(quiz.title()), left_w);
        let sel = i == state.selected;
        rows.push((
            Some(i),
            Line::from(vec![
                Span::styled(if sel { " ▸ " } else { "   " }, t.accent),
                Span::styled(mark, mark_style),
                Span::raw(" "),
                Span::styled(title, if sel { t.selected } else { t.text }),
            ]),
            Some(Span::styled(format!("{right} "), t.dim)),
        ));
    }
    // Then the exercises (one entry) and the challenge levels.
    let mut i = lessons.len() + quizzes.len();
    let exercises = &app.content.exercises;
    let row =
        |i: usize, mark: (&'static str, ratatui::style::Style), title: String, right: String| {
            let sel = i == state.selected;
            let left_w = w.saturating_sub(right.width() + 7).max(1);
            (
                Some(i),
                Line::from(vec![
                    Span::styled(if sel { " ▸ " } else { "   " }, t.accent),
                    Span::styled(mark.0, mark.1),
                    Span::raw(" "),
                    Span::styled(
                        truncate(&title, left_w),
                        if sel { t.selected } else { t.text },
                    ),
                ]),
                Some(Span::styled(format!("{right} "), t.dim)),
            )
        };
    if !exercises.is_empty() {
        let passed = exercises
            .iter()
            .filter(|e| app.progress.exercises.contains_key(&e.id))
            .count();
        rows.push((None, Line::default(), None));
        rows.push((
            None,
            Line::from(Span::styled(" Exercises", t.heading)),
            None,
        ));
        let mark = match passed {
            0 => ("○", t.dim),
            n if n == exercises.len() => ("●", t.done),
            _ => ("◐", t.partial),
        };
        rows.push(row(
            i,
            mark,
            "Fix real Python threading code, checked as you save".into(),
            format!("{passed}/{} passed", exercises.len()),
        ));
        i += 1;
    }
    if !app.content.challenges.is_empty() {
        rows.push((None, Line::default(), None));
        rows.push((
            None,
            Line::from(Span::styled(" Challenges: be the scheduler", t.heading)),
            None,
        ));
    }
    for c in &app.content.challenges {
        let won = app.progress.challenges.get(&c.id);
        let mark = if won.is_some() {
            ("●", t.done)
        } else {
            ("○", t.dim)
        };
        let right = match won {
            Some(w) => format!(
                "won in {} step{}, {} hint{}",
                w.steps,
                if w.steps == 1 { "" } else { "s" },
                w.hints,
                if w.hints == 1 { "" } else { "s" }
            ),
            None => format!("goal: {}", c.goal.key()),
        };
        rows.push(row(i, mark, inert(&c.title).into_owned(), right));
        i += 1;
    }
    let height = usize::from(body.height);
    let sel_row = rows
        .iter()
        .position(|(i, _, _)| *i == Some(state.selected))
        .unwrap_or(0);
    let first = sel_row.saturating_sub(height.saturating_sub(2));
    let (mut lines, rights): (Vec<Line>, Vec<Line>) = rows
        .into_iter()
        .skip(first)
        .take(height)
        .map(|(_, l, r)| (l, r.map(Line::from).unwrap_or_default()))
        .unzip();
    // Right-aligned, written straight into the buffer: a `Paragraph`
    // would also restyle every cell of the body.
    let buf = frame.buffer_mut();
    for (row, right) in rights.iter().enumerate() {
        let rw = (right.width() as u16).min(body.width);
        if rw > 0 {
            super::view::put_line(buf, body.right() - rw, body.y + row as u16, right, rw);
        }
    }
    // The selected lesson's summary under the list when there is room.
    let summary = match lessons.get(state.selected) {
        Some(l) => Some(l.summary.clone()),
        None => quizzes
            .get(state.selected.saturating_sub(lessons.len()))
            .map(|&qi| format!("Quiz: {}", app.content.quizzes[qi].title())),
    };
    if let Some(summary) = summary
        && lines.len() + 2 <= height
    {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            truncate(&format!(" {}", inert(&summary)), w),
            t.dim,
        )));
    }
    super::view::put_lines(frame, body, &lines);
    let items = keys::footer(Context::Home, keys::HOME, &|_, item| Some(item));
    footer(frame, foot, app, &items, None);
}
