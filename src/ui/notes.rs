//! The speaker-notes viewer (`threadtutor notes`): follows the presenting
//! instance over its socket and shows the current slide's notes, the next
//! slide's title, the elapsed time and the reveal step; a line at the top
//! when the projector is blanked, showing a demo or the written questions;
//! and the content problems `present --watch` found (the projector shows
//! only a one-line mark for them). It has its own small
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

use crate::classroom::{Follower, FollowerEvent, Notes, Problems, Projector, Showing};
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
    /// What the projector shows (None: not told; an older presenter).
    pub projector: Option<Projector>,
    /// The presenter's content problems (None or empty: none).
    pub problems: Option<Problems>,
    /// Messages dropped for being too long.
    pub dropped: u64,
}

impl NotesView {
    pub fn new(path: PathBuf) -> NotesView {
        NotesView {
            path,
            connected: false,
            notes: None,
            received: Instant::now(),
            projector: None,
            problems: None,
            dropped: 0,
        }
    }

    /// Take in what the follower heard.
    pub fn hear(&mut self, e: FollowerEvent) {
        match e {
            FollowerEvent::Waiting => {
                // The presenter left: what it showed is gone with it.
                self.connected = false;
                self.projector = None;
                self.problems = None;
            }
            FollowerEvent::Connected => self.connected = true,
            FollowerEvent::Notes(n) => {
                self.connected = true;
                self.notes = Some(n);
                self.received = Instant::now();
            }
            FollowerEvent::Projector(p) => self.projector = Some(p),
            FollowerEvent::Problems(p) => self.problems = Some(p),
            FollowerEvent::TooLong => self.dropped += 1,
        }
    }
}

/// The line at the top of the notes about what the audience sees, when it
/// is not the slide.
pub fn projector_line(p: &Projector) -> Option<String> {
    match p.showing {
        Showing::Slide => None,
        Showing::Blank => Some("■ PROJECTOR BLANKED (any key there shows the slide)".into()),
        Showing::Demo => Some(format!(
            "▶ PROJECTOR SHOWS A DEMO: {} (Esc there returns)",
            inert(p.demo.as_deref().unwrap_or("live demo"))
        )),
        Showing::Questions => Some("? PROJECTOR SHOWS THE QUESTIONS (w there closes them)".into()),
    }
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
    let mut view = NotesView::new(path);
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
                Ev::Follow(e) => view.hear(e),
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
    let status = view
        .projector
        .as_ref()
        .filter(|_| view.connected)
        .and_then(projector_line);
    let problems: &[String] = view
        .problems
        .as_ref()
        .filter(|_| view.connected)
        .map_or(&[], |p| &p.problems);
    let more = view.problems.as_ref().map_or(0, |p| p.more);
    let problems_h = if problems.is_empty() {
        0
    } else {
        (problems.len() as u16 + u16::from(more > 0) + 1).min(area.height / 3)
    };
    let [top, head, next, body, trouble, foot] = Layout::vertical([
        Constraint::Length(u16::from(status.is_some())),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(problems_h),
        Constraint::Length(1),
    ])
    .areas(area);
    if let Some(line) = &status {
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(&format!(" {line}"), w),
                t.warning.add_modifier(ratatui::style::Modifier::REVERSED),
            )),
            top,
        );
    }
    if !problems.is_empty() {
        let n = problems.len() + more;
        let mut lines: Vec<Line> = problems
            .iter()
            .map(|p| {
                Line::from(Span::styled(
                    truncate(&format!(" {}", inert(p)), w),
                    t.error,
                ))
            })
            .collect();
        if more > 0 {
            lines.push(Line::from(Span::styled(
                format!(" … and {more} more"),
                t.dim,
            )));
        }
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(t.error)
                    .title(Span::styled(
                        format!(
                            " {n} content problem{} (the projector shows the last good version) ",
                            if n == 1 { "" } else { "s" }
                        ),
                        t.error,
                    )),
            ),
            trouble,
        );
    }
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
    let mut foot_text = " q quits · follows threadtutor present".to_string();
    if view.dropped > 0 {
        foot_text.push_str(&format!(
            " · {} over-long message{} dropped",
            view.dropped,
            if view.dropped == 1 { "" } else { "s" }
        ));
    }
    frame.render_widget(
        Paragraph::new(Span::styled(truncate(&foot_text, w), t.dim)),
        foot,
    );
    downsample(frame.buffer_mut(), t.depth);
}

/// `notes --plain`: the lines for what the follower heard about the
/// projector, content problems and dropped messages (positions are the
/// CLI's own lines). Empty for the rest.
pub fn plain_text(e: &FollowerEvent) -> String {
    match e {
        FollowerEvent::Projector(p) => match projector_line(p) {
            Some(line) => format!("{line}\n"),
            None => "The projector shows the slide.\n".into(),
        },
        FollowerEvent::Problems(p) if p.count() == 0 => "The content problems are fixed.\n".into(),
        FollowerEvent::Problems(p) => {
            let n = p.count();
            let mut s = format!(
                "{n} content problem{} (the projector shows the last good version):\n",
                if n == 1 { "" } else { "s" }
            );
            for l in &p.problems {
                s.push_str(&format!("  {}\n", inert(l)));
            }
            if p.more > 0 {
                s.push_str(&format!("  … and {} more\n", p.more));
            }
            s
        }
        FollowerEvent::TooLong => format!(
            "A message longer than {} KiB was dropped.\n",
            crate::classroom::socket::MAX_LINE / 1024
        ),
        FollowerEvent::Waiting | FollowerEvent::Connected | FollowerEvent::Notes(_) => {
            String::new()
        }
    }
}
