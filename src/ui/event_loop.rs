//! The event loop: one channel carries every input — keys, mouse, resizes,
//! signals, highlighted code, save reports — so the loop is a single
//! receive-update-draw cycle. The UI thread never waits on the disk or on
//! heavy work: those run on their own threads and report back here. A frame
//! is drawn only when something changed.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use crossterm::event;
use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

use crate::content::Content;
use crate::progress::{SaveReport, Saver, Store};

use super::app::{App, AppEvent, Effect};
use super::highlight::Highlighter;
use super::terminal::{self, Tui};
use super::theme::{ColorDepth, Theme, ThemeName};
use super::view;

/// How the TUI was asked to look.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub theme: ThemeName,
    pub no_color: bool,
}

/// Run the tutorial until the learner quits. Errors are one-line messages.
pub fn run(content: Content, store: Store, opts: Options) -> Result<(), String> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(
            "the tutorial needs a terminal (stdin or stdout is not one); to read a lesson as text, try `threadtutor show LESSON` (see `threadtutor lessons`)"
                .into(),
        );
    }
    let loaded = store.load();
    let theme = Theme::new(opts.theme, ColorDepth::from_env(opts.no_color));
    let mut app = App::new(Arc::new(content), theme, loaded.progress);
    app.banner = loaded.warning;

    let mut tui = terminal::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    // First frame before anything that can wait.
    let drawn = draw(&mut tui, &mut app);

    let (tx, rx) = mpsc::channel::<AppEvent>();
    spawn_input(tx.clone());
    spawn_signals(tx.clone());
    let hl_tx = tx.clone();
    let highlighter = Highlighter::spawn(move |h| {
        let _ = hl_tx.send(AppEvent::Highlighted(h));
    });
    let save_tx = tx.clone();
    let saver = Saver::spawn(store, move |r: SaveReport| {
        let _ = save_tx.send(AppEvent::Saved(r));
    });
    drop(tx);

    let result = drawn.and_then(|_| event_loop(&mut tui, &mut app, &rx, &highlighter, &saver));
    terminal::restore();
    // Write the last position before leaving.
    saver.save(&app.progress);
    saver.finish();
    result.map_err(|e| format!("terminal error: {e}"))
}

fn event_loop(
    tui: &mut Tui,
    app: &mut App,
    rx: &Receiver<AppEvent>,
    highlighter: &Highlighter,
    saver: &Saver,
) -> io::Result<()> {
    loop {
        for effect in app.take_effects() {
            match effect {
                Effect::Save(p) => saver.save(&p),
                Effect::Highlight(job) => highlighter.request(job),
            }
        }
        if app.quit {
            return Ok(());
        }
        let Ok(first) = rx.recv() else { return Ok(()) };
        let mut dirty = app.update(first);
        // Take everything already waiting before drawing once.
        while let Ok(more) = rx.try_recv() {
            dirty |= app.update(more);
        }
        if dirty && !app.quit {
            draw(tui, app)?;
        }
    }
}

fn draw(tui: &mut Tui, app: &mut App) -> io::Result<()> {
    let mut out = io::stdout();
    let _ = execute!(out, BeginSynchronizedUpdate);
    let r = tui.draw(|f| view::draw(f, app)).map(|_| ());
    let _ = execute!(out, EndSynchronizedUpdate);
    let _ = out.flush();
    r
}

fn spawn_input(tx: Sender<AppEvent>) {
    let _ = thread::Builder::new().name("input".into()).spawn(move || {
        while let Ok(ev) = event::read() {
            if tx.send(AppEvent::Input(ev)).is_err() {
                break;
            }
        }
    });
}

fn spawn_signals(tx: Sender<AppEvent>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return;
    };
    let _ = thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if tx.send(AppEvent::Signal(sig)).is_err() {
                    break;
                }
            }
        });
}
