//! Drawing ahead. While the learner reads a slide, the UI thread has
//! nothing to do; it uses that time to draw the frames that → and ← would
//! show, and keeps their bytes. When the key comes and the app lands
//! exactly where one of them was drawn for, that frame is sent as it is:
//! the key costs one write instead of a layout, a render and a diff.
//!
//! A frame is used only when everything the lesson screen draws from is
//! the same as when it was prepared ([`FrameKey`]): the content, the
//! highlighted code, the position, the terminal's size, and no overlay,
//! banner, status line or code-run panel. The terminal must also still show
//! the frame it was prepared against. Otherwise the frame is drawn as usual.

use std::io::{self, Write};
use std::sync::Arc;

use ratatui::layout::Size;

use super::app::{App, LessonState, Screen, backward, forward};
use super::terminal::{Prepared, Tui};
use super::view;

/// Everything a lesson frame is drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameKey {
    /// The content's address (a reload makes a new one).
    content: usize,
    /// How many code blocks are highlighted (a new one changes colours).
    highlights: usize,
    lesson: usize,
    slide: usize,
    step: usize,
    scroll: usize,
    size: Size,
}

/// The key of the frame `app` would draw at `st` in a terminal of `size`,
/// when the frame depends on nothing else; None otherwise.
pub fn frame_key(app: &App, st: &LessonState, size: Size) -> Option<FrameKey> {
    let plain = app.overlay.is_none()
        && app.banner.is_none()
        && app.status.is_none()
        && app.run.is_none()
        && app.reload_errors.is_none()
        && app.present.is_none();
    plain.then_some(FrameKey {
        content: Arc::as_ptr(&app.content) as usize,
        highlights: app.highlights.len(),
        lesson: st.lesson,
        slide: st.slide,
        step: st.step,
        scroll: st.scroll,
        size,
    })
}

/// Frames drawn ahead, with the lesson state each leaves behind (its body
/// height and length, for scrolling).
#[derive(Debug, Default)]
pub struct Ahead {
    ready: Vec<(FrameKey, LessonState, Prepared)>,
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
        if let Screen::Lesson(st) = &app.screen
            && let Some(key) = frame_key(app, st, tui.size())
            && let Some((_, after, frame)) = ready.into_iter().find(|(k, _, _)| *k == key)
            && tui.show(frame)?
        {
            app.screen = Screen::Lesson(after);
            app.cursor = None;
            self.used += 1;
            return Ok(());
        }
        tui.draw(|f| {
            view::draw(f, app);
            app.cursor
        })
    }

    /// Draw the frames → and ← would show from here, if the app is on a
    /// lesson slide and nothing else is on screen.
    pub fn prepare<W: Write>(&mut self, tui: &mut Tui<W>, app: &mut App) -> io::Result<()> {
        self.ready.clear();
        let Screen::Lesson(st) = &app.screen else {
            return Ok(());
        };
        if frame_key(app, st, tui.size()).is_none() {
            return Ok(());
        }
        let here = st.clone();
        for to in [forward(&app.content, &here), backward(&app.content, &here)]
            .into_iter()
            .flatten()
        {
            let Some(key) = frame_key(app, &to, tui.size()) else {
                continue;
            };
            let saved = std::mem::replace(&mut app.screen, Screen::Lesson(to));
            let frame = tui.prepare(|f| {
                view::draw(f, app);
                app.cursor
            });
            let drawn = std::mem::replace(&mut app.screen, saved);
            app.cursor = None;
            if let Screen::Lesson(after) = drawn {
                self.ready.push((key, after, frame?));
                self.prepared += 1;
            }
        }
        Ok(())
    }

    /// Drop every frame drawn ahead.
    pub fn forget(&mut self) {
        self.ready.clear();
    }
}
