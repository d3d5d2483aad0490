//! The speaker-notes viewer (`threadtutor notes`): follows the presenting
//! instance over its socket and shows the current slide's notes, the next
//! slide's title, the elapsed time and the reveal step. It has its own small
//! loop: one channel carries keys, what the follower hears, and clock ticks.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::classroom::{Follower, FollowerEvent, Notes};
use crate::content::sanitize::inert;

use super::event_loop::Options;
use super::layout::truncate;
use super::present::clock;
use super::terminal;
use super::theme::{ColorDepth, Theme, downsample};

enum Ev {
    Input(Event),
    Follow(FollowerEvent),
    Tick,
}

/// What the viewer knows.
pub struct NotesView {
    pub path: PathBuf,
    pub connected: bool,
    pub notes: Option<Notes>,
    /// When the last message came (the clock counts on from its elapsed_s).
    pub received: Instant,
}

impl NotesView {
    fn elapsed(&self) -> Duration {
        let base = self.notes.as_ref().map_or(0, |n| n.elapsed_s);
        Duration::from_secs(base) + self.received.elapsed()
    }
}

/// Follow the presenter until the speaker quits.
pub fn run_notes(path: PathBuf, opts: Options) -> Result<(), String> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err("the notes viewer needs a terminal (stdin or stdout is not one)".into());
    }
    let theme = Theme::new(opts.theme, ColorDepth::from_env(opts.no_color));
    let (tx, rx) = mpsc::channel::<Ev>();
    let ftx = tx.clone();
    Follower::spawn(path.clone(), move |e| ftx.send(Ev::Follow(e)).is_ok())
        .map_err(|e| format!("cannot start following: {e}"))?;
    let itx = tx.clone();
    let _ = thread::Builder::new().name("input".into()).spawn(move || {
        while let Ok(ev) = event::read() {
            if itx.send(Ev::Input(ev)).is_err() {
                break;
            }
        }
    });
    let mut view = NotesView {
        path,
        connected: false,
        notes: None,
        received: Instant::now(),
    };
    let mut tui = terminal::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let result = (|| -> io::Result<()> {
        tui.draw(|f| {
            draw(f, &view, &theme);
            None
        })?;
        loop {
            let ev = match rx.recv_timeout(Duration::from_secs(1)) {
                Ok(ev) => ev,
                Err(mpsc::RecvTimeoutError::Timeout) => Ev::Tick,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            };
            match ev {
                Ev::Input(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
                    if matches!(k.code, KeyCode::Char('q') | KeyCode::Esc)
                        || (ctrl && k.code == KeyCode::Char('c'))
                    {
                        return Ok(());
                    }
                }
                Ev::Input(_) | Ev::Tick => {}
                Ev::Follow(FollowerEvent::Waiting) => view.connected = false,
                Ev::Follow(FollowerEvent::Connected) => view.connected = true,
                Ev::Follow(FollowerEvent::Notes(n)) => {
                    view.connected = true;
                    view.notes = Some(n);
                    view.received = Instant::now();
                }
            }
            tui.draw(|f| {
                draw(f, &view, &theme);
                None
            })?;
        }
    })();
    terminal::restore();
    result.map_err(|e| format!("terminal error: {e}"))
}

/// Draw the notes.
pub fn draw(frame: &mut Frame, view: &NotesView, t: &Theme) {
    let area = frame.area();
    let w = usize::from(area.width);
    let [head, next, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    match (&view.notes, view.connected) {
        (None, false) | (Some(_), false) => {
            let mut lines = vec![Line::from(Span::styled(
                " Waiting for a presenter (threadtutor present)…",
                t.warning,
            ))];
            lines.push(Line::from(Span::styled(
                truncate(&format!(" socket: {}", view.path.display()), w),
                t.dim,
            )));
            frame.render_widget(Paragraph::new(lines), head);
        }
        (None, true) => {
            frame.render_widget(
                Paragraph::new(Span::styled(" Connected; waiting for a slide…", t.dim)),
                head,
            );
        }
        (Some(n), true) => {
            let mut place = format!(" Slide {}/{}: {}", n.slide, n.slides, inert(&n.title));
            if n.steps > 1 {
                place.push_str(&format!("  · step {}/{}", n.step, n.steps));
            }
            let right = format!("{} ", clock(view.elapsed()));
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(vec![Span::styled(
                        truncate(&format!(" {}", inert(&n.lesson_title)), w),
                        t.dim,
                    )]),
                    Line::from(vec![
                        Span::styled(truncate(&place, w.saturating_sub(right.len() + 1)), t.title),
                        Span::raw("  "),
                        Span::styled(right, t.accent),
                    ]),
                ]),
                head,
            );
            let next_title = n
                .next_title
                .as_deref()
                .map_or("(the end)".to_string(), |s| inert(s).into_owned());
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(" Next: ", t.dim),
                    Span::styled(truncate(&next_title, w.saturating_sub(8)), t.heading),
                ])),
                next,
            );
            let text = n
                .notes
                .as_deref()
                .map_or("(no notes for this slide)".to_string(), |s| {
                    inert(s).into_owned()
                });
            frame.render_widget(
                Paragraph::new(text)
                    .style(t.text)
                    .wrap(Wrap { trim: false })
                    .block(
                        Block::default()
                            .borders(Borders::TOP)
                            .border_style(t.border)
                            .title(Span::styled(" Notes ", t.accent)),
                    ),
                body,
            );
        }
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            " q quits · follows threadtutor present",
            t.dim,
        )),
        foot,
    );
    downsample(frame.buffer_mut(), t.depth);
}
