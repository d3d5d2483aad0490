//! Entering and leaving full-screen mode, and making sure the terminal is
//! restored on every way out: quit, panic (the message is printed after
//! restoring), and signals (handled by the event loop).

use std::io::{self, Stdout, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, ThreadId};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Position, Rect};
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};

/// The terminal the app draws on: ratatui's own `Terminal` over its
/// crossterm backend, each frame inside a synchronized update (no tearing
/// on terminals that support it; others ignore the sequences).
pub struct Tui<W: Write = Stdout> {
    term: Terminal<CrosstermBackend<W>>,
}

impl Tui {
    fn new() -> io::Result<Tui> {
        Ok(Tui {
            term: Terminal::new(CrosstermBackend::new(io::stdout()))?,
        })
    }
}

impl<W: Write> Tui<W> {
    /// A terminal of a fixed size whose frames go to `out` (benchmarks
    /// and tests use it; the app gets its own from [`enter`]).
    pub fn offscreen(out: W, width: u16, height: u16) -> io::Result<Tui<W>> {
        let term = Terminal::with_options(
            CrosstermBackend::new(out),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
            },
        )?;
        Ok(Tui { term })
    }

    /// Draw one frame with `render`, which returns where the text cursor
    /// should be (None: hidden). ratatui sends only the cells that changed.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame) -> Option<Position>) -> io::Result<()> {
        queue!(self.term.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = self
            .term
            .draw(|f| {
                if let Some(at) = render(f) {
                    f.set_cursor_position(at);
                }
            })
            .map(|_| ());
        // End the update even when drawing failed, so the terminal shows
        // what it has rather than waiting for the end of the update.
        let ended = execute!(self.term.backend_mut(), EndSynchronizedUpdate);
        drawn?;
        ended
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

/// Stop the process the way a good terminal program does on Ctrl-Z or
/// `kill -TSTP`: leave raw mode and the alternate screen, stop (as SIGTSTP's
/// default action would); when continued (`fg`), enter full-screen mode
/// again and make the next frame redraw every cell.
pub fn suspend<W: Write>(tui: &mut Tui<W>) -> io::Result<()> {
    restore();
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)?;
    resume(tui)
}

/// Enter full-screen mode again after the process was stopped and
/// continued (by [`suspend`], or by SIGSTOP and SIGCONT from outside: the
/// shell may have put the terminal back in cooked mode meanwhile); the next
/// frame is drawn whole.
pub fn resume<W: Write>(tui: &mut Tui<W>) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    // Both buffers blank (the screen is): the next frame sends every cell
    // that is not blank. (`Terminal::clear` would ask the terminal for the
    // cursor's position, and the answer would go to the input thread.)
    tui.term.swap_buffers();
    tui.term.swap_buffers();
    Ok(())
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
