//! Entering and leaving full-screen mode, and making sure the terminal is
//! restored on every way out: quit, panic (the message is printed after
//! restoring), and signals (handled by the event loop).

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::{self, ThreadId};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{Command, cursor, execute};
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::{Frame, Terminal};

use super::paint::Screen;

/// The terminal the app draws on. ratatui lays each frame out into its
/// buffer; [`Screen`] writes what changed, inside a synchronized update, in
/// one write. The size is asked of the terminal only after a SIGWINCH.
pub struct Tui<W: Write = Stdout> {
    term: Terminal<Shell>,
    screen: Screen,
    out: W,
    resized: Arc<AtomicBool>,
    sync: (String, String),
    /// Counts the frames put on the terminal; a prepared frame is good
    /// only on the screen it was prepared against.
    shown: u64,
}

/// A frame drawn ahead of time (see [`Tui::prepare`]): its bytes, and what
/// the terminal will show once they are written.
#[derive(Debug)]
pub struct Prepared {
    bytes: Vec<u8>,
    screen: Screen,
    after: u64,
}

impl Tui {
    fn new() -> io::Result<Tui> {
        let (width, height) = crossterm::terminal::size()?;
        let tui = Tui::offscreen(io::stdout(), width, height)?;
        // Without the flag the size is still right at the start; only
        // later changes would be missed.
        let _ =
            signal_hook::flag::register(signal_hook::consts::SIGWINCH, Arc::clone(&tui.resized));
        Ok(tui)
    }
}

impl<W: Write> Tui<W> {
    /// A terminal of a fixed size whose frames go to `out` (benchmarks
    /// and tests use it; the app gets its own from [`enter`]).
    pub fn offscreen(out: W, width: u16, height: u16) -> io::Result<Tui<W>> {
        let mut begin = String::new();
        let mut end = String::new();
        let _ = BeginSynchronizedUpdate.write_ansi(&mut begin);
        let _ = EndSynchronizedUpdate.write_ansi(&mut end);
        let shell = Shell {
            size: Size::new(width, height),
        };
        Ok(Tui {
            term: Terminal::new(shell)?,
            screen: Screen::new(),
            out,
            resized: Arc::new(AtomicBool::new(false)),
            sync: (begin, end),
            shown: 0,
        })
    }

    /// The writer frames go to, to take what was written (tests).
    pub fn output_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Draw one frame with `render`, which returns where the text cursor
    /// should be (None: hidden), and put what changed on the terminal.
    ///
    /// ratatui's `Terminal` is used only for its frame: one buffer is
    /// rendered into, painted, and left blank by the painting, so there is
    /// no second buffer to keep or to clear.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame) -> Option<Position>) -> io::Result<()> {
        self.render_into_screen(render)?;
        self.shown += 1;
        self.screen.write_to(&mut self.out)
    }

    /// Draw a frame with `render` but do not send it: keep its bytes for
    /// [`Tui::show`], which sends them only if nothing was drawn between.
    pub fn prepare(
        &mut self,
        render: impl FnOnce(&mut Frame) -> Option<Position>,
    ) -> io::Result<Prepared> {
        let current = self.screen.clone();
        let r = self.render_into_screen(render);
        let mut screen = std::mem::replace(&mut self.screen, current);
        r?;
        Ok(Prepared {
            bytes: screen.take_frame(),
            screen,
            after: self.shown,
        })
    }

    /// Send a prepared frame. Returns false, sending nothing, when the
    /// terminal has changed since it was prepared (another frame was shown
    /// or the terminal was resized): the caller then draws as usual.
    pub fn show(&mut self, frame: Prepared) -> io::Result<bool> {
        if frame.after != self.shown || self.resized.load(Ordering::Relaxed) {
            return Ok(false);
        }
        self.screen = frame.screen;
        self.shown += 1;
        let r = self
            .out
            .write_all(&frame.bytes)
            .and_then(|_| self.out.flush());
        if r.is_err() {
            self.screen.invalidate();
        }
        r.map(|_| true)
    }

    /// Render a frame and add what changed to the screen's pending bytes,
    /// inside a synchronized update.
    fn render_into_screen(
        &mut self,
        render: impl FnOnce(&mut Frame) -> Option<Position>,
    ) -> io::Result<()> {
        if self.resized.swap(false, Ordering::Relaxed)
            && let Ok((w, h)) = crossterm::terminal::size()
        {
            self.term.backend_mut().size = Size::new(w, h);
        }
        self.term.autoresize()?;
        let cursor = render(&mut self.term.get_frame());
        self.screen.push_raw(self.sync.0.as_bytes());
        self.screen.paint(self.term.current_buffer_mut());
        self.screen.set_cursor(cursor);
        self.screen.push_raw(self.sync.1.as_bytes());
        Ok(())
    }

    /// The size the next frame is drawn at.
    pub fn size(&self) -> Size {
        self.term.backend().size
    }
}

/// The ratatui backend under [`Tui`]: it only knows the size. Cells and
/// the cursor reach the terminal through [`Screen`].
#[derive(Debug)]
struct Shell {
    size: Size,
}

impl Backend for Shell {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, _content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // Not used: frames are painted by `Screen`.
        Ok(())
    }

    // The cursor is placed by `Screen` from what the render returns.
    fn hide_cursor(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, _: P) -> io::Result<()> {
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn clear_region(&mut self, _: ClearType) -> io::Result<()> {
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Switch to raw mode and the alternate screen.
pub fn enter() -> io::Result<Tui> {
    let _ = UI_THREAD.set(thread::current().id());
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    ) {
        restore();
        return Err(e);
    }
    Tui::new().inspect_err(|_| restore())
}

/// Leave full-screen mode: main screen, cooked mode, cursor shown. Safe to
/// call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

/// Is the terminal in full-screen mode now?
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_ui = UI_THREAD.get() == Some(&thread::current().id());
            if on_ui || !is_active() {
                // Restore first so the message lands on a usable screen.
                restore();
                previous(info);
            }
            // A background thread's panic while the screen is up is caught
            // and shown by whoever owns that thread; printing it here would
            // scribble over the screen.
        }));
    });
}
