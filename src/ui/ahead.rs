//! Drawing ahead. While the learner reads a slide, the UI thread has
//! nothing to do; it uses that time to draw the frames the likely next keys
//! would show (on a slide: → and ← and a line of scrolling each way; on the
//! home screen: the next and previous entry), and keeps their bytes. When
//! the key comes and the app lands exactly where one of them was drawn for,
//! that frame is sent as it is: the key costs one write instead of a
//! layout, a render and a diff.
//!
//! A frame is used only when everything the screen draws from is the same
//! as when it was prepared ([`FrameKey`]): the content, the highlighted
//! code, the position, the progress (the home screen shows it), the
//! terminal's size, and no overlay, banner, status line or code-run panel.
//! The terminal must also still show the frame it was prepared against.
//! Otherwise the frame is drawn as usual.

use std::io::{self, Write};
use std::sync::Arc;

use ratatui::layout::Size;

use crate::progress::Progress;

use super::app::{App, HomeState, LessonState, Screen, backward, forward, home_quizzes};
use super::terminal::{Prepared, Tui};
use super::view;

/// Everything a frame is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameKey {
    /// The content's address (a reload makes a new one).
    content: usize,
    /// How many code blocks are highlighted (a new one changes colours).
    highlights: usize,
    size: Size,
    view: View,
}

/// Where the app is, for the screens that are drawn ahead.
#[derive(Debug, Clone, PartialEq)]
enum View {
    Lesson {
        lesson: usize,
        slide: usize,
        step: usize,
        scroll: usize,
    },
    Home {
        selected: usize,
        progress: Box<Progress>,
    },
}

/// Whether nothing but the screen itself is showing.
fn plain(app: &App) -> bool {
    app.overlay.is_none()
        && app.banner.is_none()
        && app.status.is_none()
        && app.run.is_none()
        && app.reload_errors.is_none()
        && app.present.is_none()
}

impl FrameKey {
    /// Would `app` draw this frame now, in a terminal of `size`? (The same
    /// as comparing with `frame_key(app, &app.screen, size)`, without
    /// copying the progress.)
    fn matches(&self, app: &App, size: Size) -> bool {
        let here = match (&self.view, &app.screen) {
            (
                View::Lesson {
                    lesson,
                    slide,
                    step,
                    scroll,
                },
                Screen::Lesson(st),
            ) => (*lesson, *slide, *step, *scroll) == (st.lesson, st.slide, st.step, st.scroll),
            (View::Home { selected, progress }, Screen::Home(h)) => {
                *selected == h.selected && **progress == app.progress
            }
            _ => false,
        };
        here && plain(app)
            && self.size == size
            && self.content == Arc::as_ptr(&app.content) as usize
            && self.highlights == app.highlights.len()
    }
}

/// The key of the frame `app` would draw on `screen` in a terminal of
/// `size`, when the frame depends on nothing else; None otherwise.
pub fn frame_key(app: &App, screen: &Screen, size: Size) -> Option<FrameKey> {
    if !plain(app) {
        return None;
    }
    let view = match screen {
        Screen::Lesson(st) => View::Lesson {
            lesson: st.lesson,
            slide: st.slide,
            step: st.step,
            scroll: st.scroll,
        },
        Screen::Home(h) => View::Home {
            selected: h.selected,
            progress: Box::new(app.progress.clone()),
        },
        _ => return None,
    };
    Some(FrameKey {
        content: Arc::as_ptr(&app.content) as usize,
        highlights: app.highlights.len(),
        size,
        view,
    })
}

/// Where the likely next keys lead from `screen`.
fn neighbours(app: &App, screen: &Screen) -> Vec<Screen> {
    match screen {
        Screen::Lesson(st) => {
            let max = st.body_lines.saturating_sub(st.body_height);
            let scrolled = |to: usize| LessonState {
                scroll: to,
                ..st.clone()
            };
            [
                forward(&app.content, st),
                backward(&app.content, st),
                (st.scroll < max).then(|| scrolled(st.scroll + 1)),
                (st.scroll > 0).then(|| scrolled(st.scroll - 1)),
            ]
            .into_iter()
            .flatten()
            .map(Screen::Lesson)
            .collect()
        }
        Screen::Home(h) => {
            let n = app.content.lessons.len() + home_quizzes(&app.content).len();
            [
                (h.selected + 1 < n).then(|| h.selected + 1),
                h.selected.checked_sub(1),
            ]
            .into_iter()
            .flatten()
            .map(|selected| Screen::Home(HomeState { selected }))
            .collect()
        }
        _ => Vec::new(),
    }
}

/// Frames drawn ahead, with the screen state each leaves behind (on a
/// slide: its body height and length, for scrolling).
#[derive(Default)]
pub struct Ahead {
    ready: Vec<(FrameKey, Screen, Prepared)>,
    /// Frames sent from here, and frames drawn ahead (for tests and
    /// figures).
    pub used: u64,
    pub prepared: u64,
}

impl Ahead {
    /// Put the app's frame on the terminal: a frame drawn ahead for
    /// exactly this state if there is one, else a fresh one.
    pub fn draw<W: Write>(&mut self, tui: &mut Tui<W>, app: &mut App) -> io::Result<()> {
        let ready = std::mem::take(&mut self.ready);
        let size = tui.size();
        if let Some((_, after, frame)) = ready.into_iter().find(|(k, _, _)| k.matches(app, size))
            && tui.show(frame)?
        {
            app.screen = after;
            app.cursor = None;
            self.used += 1;
            return Ok(());
        }
        tui.draw(|f| {
            view::draw(f, app);
            app.cursor
        })
    }

    /// Draw the frames the likely next keys would show from here, if
    /// nothing but the screen itself is showing.
    pub fn prepare<W: Write>(&mut self, tui: &mut Tui<W>, app: &mut App) -> io::Result<()> {
        self.ready.clear();
        if !plain(app) {
            return Ok(());
        }
        for to in neighbours(app, &app.screen) {
            let Some(key) = frame_key(app, &to, tui.size()) else {
                continue;
            };
            let saved = std::mem::replace(&mut app.screen, to);
            let frame = tui.prepare(|f| {
                view::draw(f, app);
                app.cursor
            });
            let after = std::mem::replace(&mut app.screen, saved);
            app.cursor = None;
            self.ready.push((key, after, frame?));
            self.prepared += 1;
        }
        Ok(())
    }

    /// Drop every frame drawn ahead.
    pub fn forget(&mut self) {
        self.ready.clear();
    }
}
