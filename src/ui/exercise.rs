//! The exercise screen (and `threadtutor exercise watch`): the learner edits
//! `ID.py` in a folder with their own editor; each save is checked under
//! the controlled scheduler, and the screen shows the instructions, the
//! verdict with the interleaving that broke it, hints on demand, the next
//! exercise, and after a pass the reference solution beside their file.
//!
//! The screen owns its state and keys. Checking runs python3 for up to a
//! couple of seconds, so the view only asks for it
//! ([`ExerciseOutcome::Check`]); the app runs it on a worker and hands the
//! verdict back with [`ExerciseView::checked`]. File changes arrive the
//! same way ([`ExerciseView::file_changed`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::content::exercise::Exercise;
use crate::content::markdown;
use crate::content::sanitize::inert;
use crate::exercise::{CheckError, Verdict};

use super::demo::Back;
use super::keys::{EXERCISE, ExerciseAction, lookup};
use super::theme::Theme;

/// What a key (or a change) asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ExerciseOutcome {
    Stay,
    /// Not a key of this screen (the app tries the global ones).
    Unbound,
    Leave,
    /// Check this exercise's file (on a worker).
    Check {
        id: String,
        file: PathBuf,
    },
    /// Write the starter files that are missing into the folder.
    Init,
    /// Open the file in the learner's terminal editor (`$EDITOR`).
    Edit(PathBuf),
    /// The exercise passed for the first time in this visit: record it.
    Passed {
        id: String,
        hints: usize,
    },
}

/// Where the current exercise's check stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// The file is not there yet (`i` writes the starters).
    NoFile,
    Checking,
    Checked(Box<Verdict>),
    Error(String),
}

/// The exercise screen's state.
pub struct ExerciseView {
    pub exercises: Arc<Vec<Exercise>>,
    /// The folder the learner's files are in.
    pub dir: PathBuf,
    /// Index of the exercise shown.
    pub current: usize,
    /// Showing the list of exercises instead of one.
    pub listing: bool,
    pub status: Status,
    /// Hints revealed for the current exercise.
    pub hints_shown: usize,
    /// After a pass: the reference solution is shown beside the file.
    pub show_solution: bool,
    /// The learner's file as it was when the solution was asked for.
    pub mine: Option<String>,
    /// `python3 --version`, or why there is none.
    pub python: Result<String, String>,
    /// Exercises passed (ids), as recorded; the list marks them.
    pub passed: Vec<String>,
    /// First line of the instructions/result pane shown.
    pub scroll: usize,
    message: Option<String>,
    pub back: Back,
}

impl ExerciseView {
    pub fn new(
        exercises: Arc<Vec<Exercise>>,
        dir: PathBuf,
        python: Result<String, String>,
        passed: Vec<String>,
        back: Back,
    ) -> ExerciseView {
        // Start at the first exercise not passed yet.
        let current = exercises
            .iter()
            .position(|e| !passed.contains(&e.id))
            .unwrap_or(0);
        let mut view = ExerciseView {
            exercises,
            dir,
            current,
            listing: false,
            status: Status::NoFile,
            hints_shown: 0,
            show_solution: false,
            mine: None,
            python,
            passed,
            scroll: 0,
            message: None,
            back,
        };
        view.status = view.initial_status();
        view
    }

    /// The exercise shown.
    pub fn exercise(&self) -> Option<&Exercise> {
        self.exercises.get(self.current)
    }

    /// The learner's file for the current exercise.
    pub fn file(&self) -> Option<PathBuf> {
        self.exercise().map(|e| file_for(&self.dir, &e.id))
    }

    fn initial_status(&self) -> Status {
        match self.file() {
            Some(f) if f.is_file() => Status::Checking,
            _ => Status::NoFile,
        }
    }

    /// The first thing to do after opening: check the current file.
    pub fn start(&mut self) -> ExerciseOutcome {
        self.check_now()
    }

    fn check_now(&mut self) -> ExerciseOutcome {
        if let Err(why) = &self.python {
            self.status = Status::Error(why.clone());
            return ExerciseOutcome::Stay;
        }
        let id = self.exercise().map(|e| e.id.clone());
        match (id, self.file()) {
            (Some(id), Some(file)) if file.is_file() => {
                self.status = Status::Checking;
                ExerciseOutcome::Check { id, file }
            }
            _ => {
                self.status = Status::NoFile;
                ExerciseOutcome::Stay
            }
        }
    }

    /// A file in the folder changed: re-check it if it is the current one.
    pub fn file_changed(&mut self, path: &Path) -> ExerciseOutcome {
        match self.file() {
            Some(f) if same_file(&f, path) => self.check_now(),
            _ => ExerciseOutcome::Stay,
        }
    }

    /// The verdict for exercise `id` (stale ones, for an exercise no
    /// longer shown, are dropped).
    pub fn checked(&mut self, id: &str, result: Result<Verdict, CheckError>) -> ExerciseOutcome {
        if self.exercise().is_none_or(|e| e.id != id) {
            return ExerciseOutcome::Stay;
        }
        match result {
            Ok(v) => {
                let passed = v.passed;
                self.status = Status::Checked(Box::new(v));
                if passed && !self.passed.iter().any(|p| p == id) {
                    self.passed.push(id.to_string());
                    self.message = Some(
                        "Passed! s shows the reference solution beside yours; n goes on.".into(),
                    );
                    return ExerciseOutcome::Passed {
                        id: id.to_string(),
                        hints: self.hints_shown,
                    };
                }
            }
            Err(e) => self.status = Status::Error(e.to_string()),
        }
        ExerciseOutcome::Stay
    }

    fn go_to(&mut self, index: usize) -> ExerciseOutcome {
        self.current = index.min(self.exercises.len().saturating_sub(1));
        self.hints_shown = 0;
        self.show_solution = false;
        self.scroll = 0;
        self.listing = false;
        self.message = None;
        self.check_now()
    }

    pub fn on_key(&mut self, key: KeyEvent) -> ExerciseOutcome {
        let Some(action) = lookup(EXERCISE, &key) else {
            return ExerciseOutcome::Unbound;
        };
        let last = self.exercises.len().saturating_sub(1);
        if self.listing {
            match action {
                ExerciseAction::Back | ExerciseAction::List => self.listing = false,
                ExerciseAction::Down => self.current = (self.current + 1).min(last),
                ExerciseAction::Up => self.current = self.current.saturating_sub(1),
                ExerciseAction::PageDown => self.current = (self.current + 10).min(last),
                ExerciseAction::PageUp => self.current = self.current.saturating_sub(10),
                ExerciseAction::Open => return self.go_to(self.current),
                ExerciseAction::Hint
                | ExerciseAction::Next
                | ExerciseAction::Previous
                | ExerciseAction::Solution
                | ExerciseAction::Check
                | ExerciseAction::Init
                | ExerciseAction::Edit => {}
            }
            return ExerciseOutcome::Stay;
        }
        match action {
            ExerciseAction::Back => return ExerciseOutcome::Leave,
            ExerciseAction::List => self.listing = true,
            ExerciseAction::Next if self.current < last => return self.go_to(self.current + 1),
            ExerciseAction::Next => self.message = Some("That was the last exercise.".into()),
            ExerciseAction::Previous if self.current > 0 => {
                return self.go_to(self.current - 1);
            }
            ExerciseAction::Previous => {}
            ExerciseAction::Hint => {
                let total = self.exercise().map_or(0, |e| e.hints.len());
                if self.hints_shown < total {
                    self.hints_shown += 1;
                    self.message = Some(format!("Hint {} of {total}.", self.hints_shown));
                } else {
                    self.message = Some(format!("Every hint ({total}) is showing."));
                }
            }
            ExerciseAction::Solution => {
                let id = self.exercise().map(|e| e.id.clone()).unwrap_or_default();
                if self.passed.contains(&id) {
                    self.show_solution = !self.show_solution;
                    // A small local file (size-limited): the learner's
                    // version beside the reference.
                    self.mine = self
                        .file()
                        .and_then(|f| crate::exercise::read_source(&f).ok());
                } else {
                    self.message =
                        Some("The reference solution is offered once your file passes.".into());
                }
            }
            ExerciseAction::Check => return self.check_now(),
            ExerciseAction::Init => return ExerciseOutcome::Init,
            ExerciseAction::Edit => match self.file() {
                Some(f) if f.is_file() => return ExerciseOutcome::Edit(f),
                _ => self.message = Some("No file yet: press i to write the starters.".into()),
            },
            ExerciseAction::Down => self.scroll += 1,
            ExerciseAction::Up => self.scroll = self.scroll.saturating_sub(1),
            ExerciseAction::PageDown => self.scroll += 10,
            ExerciseAction::PageUp => self.scroll = self.scroll.saturating_sub(10),
            ExerciseAction::Open => {}
        }
        ExerciseOutcome::Stay
    }

    /// Say something in the status line (e.g. which starters were written).
    pub fn say(&mut self, message: impl Into<String>) {
        self.message = Some(message.into());
    }
}

/// The learner's file for exercise `id` in `dir`.
pub fn file_for(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.py"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => a.file_name() == b.file_name() && a.file_name().is_some(),
        }
}

/// Whether a binding's footer entry is worth showing now.
pub fn shows(view: &ExerciseView, action: ExerciseAction) -> bool {
    let passed = view.exercise().is_some_and(|e| view.passed.contains(&e.id));
    let has_file = !matches!(view.status, Status::NoFile);
    match action {
        ExerciseAction::Solution => passed,
        ExerciseAction::Init => !has_file,
        ExerciseAction::Edit => has_file,
        ExerciseAction::Hint
        | ExerciseAction::Next
        | ExerciseAction::Previous
        | ExerciseAction::List
        | ExerciseAction::Check
        | ExerciseAction::Down
        | ExerciseAction::Up
        | ExerciseAction::PageDown
        | ExerciseAction::PageUp
        | ExerciseAction::Open
        | ExerciseAction::Back => !view.listing || action == ExerciseAction::Back,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &ExerciseView) {
    if area.height < 3 || area.width < 10 {
        return;
    }
    if view.listing {
        draw_list(frame, area, theme, view);
        return;
    }
    let Some(ex) = view.exercise() else {
        frame.render_widget(
            Paragraph::new("There are no exercises in this content set."),
            area,
        );
        return;
    };
    let done = view.passed.contains(&ex.id);
    let python = match &view.python {
        Ok(v) => format!("python {v}"),
        Err(_) => "no python3".into(),
    };
    let header = Line::from(vec![
        Span::styled(
            format!(
                " Exercise {}/{}: {}",
                view.current + 1,
                view.exercises.len(),
                inert(&ex.title)
            ),
            theme.title,
        ),
        Span::styled(if done { "  ✓ passed" } else { "" }, theme.done),
        Span::styled(
            format!(
                "   {}  ·  {}",
                inert(&file_for(&view.dir, &ex.id).display().to_string()),
                python
            ),
            theme.dim,
        ),
    ]);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(header), head);

    let mut lines: Vec<Line> = Vec::new();
    let heading = |s: &str| Line::from(Span::styled(s.to_string(), theme.heading));
    if let Some(m) = &view.message {
        lines.push(Line::from(Span::styled(
            inert(m).into_owned(),
            theme.warning,
        )));
    }
    lines.push(heading("Result"));
    lines.extend(status_lines(view, theme));
    lines.push(Line::default());
    lines.push(heading("What to do"));
    for l in markdown::render(&ex.instructions) {
        let text: String = l.text();
        lines.push(Line::from(Span::styled(
            format!("{}{}", " ".repeat(l.indent), text),
            match l.kind {
                markdown::LineKind::Code { .. } => theme.code,
                markdown::LineKind::Heading => theme.heading,
                _ => theme.text,
            },
        )));
    }
    for (i, h) in ex.hints.iter().take(view.hints_shown).enumerate() {
        lines.push(Line::from(Span::styled(
            format!("Hint {}: {}", i + 1, inert(h)),
            theme.tip,
        )));
    }

    if view.show_solution
        && let Some(mine) = &view.mine
    {
        // After a pass: the learner's file and the reference, side by side.
        lines = vec![heading("Your file")];
        lines.extend(
            mine.lines()
                .map(|l| Line::from(Span::styled(inert(l).into_owned(), theme.code))),
        );
    }
    let (main, side) = if view.show_solution && body.width >= 90 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(body);
        (l, Some(r))
    } else {
        (body, None)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    let para = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((view.scroll.min(u16::MAX as usize) as u16, 0));
    frame.render_widget(para, inner);
    if view.show_solution {
        let solution: Vec<Line> = ex
            .solution
            .lines()
            .map(|l| Line::from(Span::styled(inert(l).into_owned(), theme.code)))
            .collect();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(" Reference solution ", theme.title));
        match side {
            Some(r) => {
                let inner = block.inner(r);
                frame.render_widget(block, r);
                frame.render_widget(Paragraph::new(solution), inner);
            }
            None => {
                // Narrow: the solution over the lower half.
                let h = inner.height / 2;
                let r = Rect::new(inner.x, inner.bottom() - h, inner.width, h);
                frame.render_widget(ratatui::widgets::Clear, r);
                let i2 = block.inner(r);
                frame.render_widget(block, r);
                frame.render_widget(Paragraph::new(solution), i2);
            }
        }
    }
}

fn status_lines<'a>(view: &'a ExerciseView, theme: &Theme) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    match &view.status {
        Status::NoFile => out.push(Line::from(Span::styled(
            format!(
                "No file yet in {}: press i to write the starter files there.",
                inert(&view.dir.display().to_string())
            ),
            theme.text,
        ))),
        Status::Checking => out.push(Line::from(Span::styled(
            "Checking under the controlled scheduler…",
            theme.dim,
        ))),
        Status::Error(e) => out.push(Line::from(Span::styled(inert(e).into_owned(), theme.error))),
        Status::Checked(v) => match &v.failure {
            None => out.push(Line::from(Span::styled(
                format!(
                    "✓ Passed: {} schedules, every check held (seed {}).",
                    v.schedules, v.seed
                ),
                theme.done,
            ))),
            Some(f) => {
                out.push(Line::from(Span::styled(
                    format!("✗ {} ({})", inert(&f.message), inert(&f.check)),
                    theme.error,
                )));
                if !f.trace.is_empty() {
                    out.push(Line::from(Span::styled(
                        "The interleaving that broke it:",
                        theme.text,
                    )));
                    let w = f.trace.iter().map(|s| s.thread.len()).max().unwrap_or(8);
                    for s in &f.trace {
                        out.push(Line::from(Span::styled(
                            format!("  {}", inert(&crate::exercise::step_line(s, w))),
                            theme.code,
                        )));
                    }
                }
                if !f.output.trim().is_empty() {
                    out.push(Line::from(Span::styled("It printed:", theme.text)));
                    for l in f.output.lines().take(12) {
                        out.push(Line::from(Span::styled(
                            format!("  {}", inert(l)),
                            theme.dim,
                        )));
                    }
                }
                out.push(Line::from(Span::styled(
                    format!(
                        "Replay: threadtutor exercise check {} --file … (schedule {}); {} schedules tried.",
                        v.id,
                        inert(&f.schedule),
                        v.schedules
                    ),
                    theme.dim,
                )));
            }
        },
    }
    out
}

fn draw_list(frame: &mut Frame, area: Rect, theme: &Theme, view: &ExerciseView) {
    let mut lines = vec![Line::from(Span::styled(
        format!(
            " Exercises ({} of {} passed)",
            view.passed.len(),
            view.exercises.len()
        ),
        theme.title,
    ))];
    for (i, e) in view.exercises.iter().enumerate() {
        let mark = if view.passed.contains(&e.id) {
            "✓"
        } else {
            " "
        };
        let style = if i == view.current {
            theme.selected
        } else {
            theme.text
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} "), theme.done),
            Span::styled(
                format!("{:>2}. {}  ({})", i + 1, inert(&e.title), inert(&e.lesson)),
                style,
            ),
        ]));
    }
    let h = usize::from(area.height.saturating_sub(1)).max(1);
    let first = (view.current + 1).saturating_sub(h);
    let mut shown = vec![lines[0].clone()];
    shown.extend(lines.into_iter().skip(1 + first));
    frame.render_widget(Paragraph::new(shown), area);
}
