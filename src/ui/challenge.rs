//! The challenge screen: the learner plays the scheduler on a level's
//! threads (one statement, or one bytecode, per key), with undo, restart,
//! hints, and after a win the level's fixed version and a proof that no
//! schedule breaks it.
//!
//! The screen owns its state and keys, as the quiz screen does; the proof
//! (an exhaustive search, up to a second) runs on a worker thread: the view
//! asks for it with [`ChallengeOutcome::Prove`] and is handed the result by
//! [`ChallengeView::proved`].

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::challenge::game::{Game, Move, Outcome, ThreadStatus, ThreadView, Variant};
use crate::challenge::solve::Solution;
use crate::content::challenge::Challenge;
use crate::content::markdown;
use crate::content::sanitize::inert;

use super::demo::Back;
use super::keys::{CHALLENGE, ChallengeAction, lookup};
use super::theme::Theme;

/// What a key did, for the app to act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ChallengeOutcome {
    Stay,
    /// Not a key of this screen (the app tries the global ones).
    Unbound,
    Leave,
    /// The level (not its fixed version) was just won: record it.
    Won {
        steps: usize,
        hints: usize,
        schedule: String,
    },
    /// Prove the fixed version: search every schedule (off the UI thread).
    Prove(Box<Challenge>),
}

/// Where the proof of the fixed version stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Proof {
    NotAsked,
    Running,
    Done(Solution),
    Failed(String),
}

/// The challenge screen's state.
pub struct ChallengeView {
    pub level: Arc<Challenge>,
    game: Game,
    variant: Variant,
    /// Hints revealed so far (they stay revealed on the fixed version).
    pub hints_shown: usize,
    /// `e` was pressed: the next thread number steps one bytecode.
    expand: bool,
    /// A line about the last key (an illegal move, a hint, a proof).
    message: Option<String>,
    proof: Proof,
    /// The win was reported once (undo and win again is not a new win).
    won_reported: bool,
    /// First line of the narration shown after a win.
    pub scroll: usize,
    pub back: Back,
}

impl ChallengeView {
    /// The level, ready to play. Fails only for a level the loader would
    /// reject (its code does not compile).
    pub fn new(level: Arc<Challenge>, back: Back) -> Result<ChallengeView, String> {
        let game = level.game(Variant::Original)?;
        Ok(ChallengeView {
            level,
            game,
            variant: Variant::Original,
            hints_shown: 0,
            expand: false,
            message: None,
            proof: Proof::NotAsked,
            won_reported: false,
            scroll: 0,
            back,
        })
    }

    /// Which version is being played.
    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// The game in play (tests read it).
    pub fn game(&self) -> &Game {
        &self.game
    }

    pub fn on_key(&mut self, key: KeyEvent) -> ChallengeOutcome {
        let was_expand = std::mem::take(&mut self.expand);
        let Some(action) = lookup(CHALLENGE, &key) else {
            return ChallengeOutcome::Unbound;
        };
        match action {
            ChallengeAction::Back if was_expand => self.message = None,
            ChallengeAction::Back => return ChallengeOutcome::Leave,
            ChallengeAction::Step => {
                let KeyCode::Char(c @ '1'..='9') = key.code else {
                    return ChallengeOutcome::Stay;
                };
                let thread = c as usize - '1' as usize;
                return self.step(Move {
                    thread,
                    expand: was_expand,
                });
            }
            ChallengeAction::Expand => {
                self.expand = true;
                self.message = Some("One bytecode of which thread? Press its number.".into());
            }
            ChallengeAction::Undo => {
                self.message = Some(if self.game.undo() {
                    "Undone.".into()
                } else {
                    "Nothing to undo.".into()
                });
                self.scroll = 0;
            }
            ChallengeAction::Restart => {
                self.game.restart();
                self.scroll = 0;
                self.message = Some("Back to the start.".into());
            }
            ChallengeAction::Hint => self.next_hint(),
            ChallengeAction::Fixed => self.toggle_fixed(),
            ChallengeAction::Prove => return self.prove(),
            ChallengeAction::ScrollDown => self.scroll += 1,
            ChallengeAction::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
        }
        ChallengeOutcome::Stay
    }

    fn step(&mut self, mv: Move) -> ChallengeOutcome {
        match self.game.step(mv) {
            Err(why) => {
                self.message = Some(format!("Not possible: {why}."));
                ChallengeOutcome::Stay
            }
            Ok(report) => {
                self.message = Some(if report.events.is_empty() {
                    format!(
                        "{} ran line {}: {}",
                        report.thread, report.line, report.text
                    )
                } else {
                    format!(
                        "{} (line {}): {}",
                        report.thread,
                        report.line,
                        report.events.join(", then ")
                    )
                });
                match (self.game.outcome(), self.variant) {
                    (Outcome::Win { .. }, Variant::Original) if !self.won_reported => {
                        self.won_reported = true;
                        self.scroll = 0;
                        ChallengeOutcome::Won {
                            steps: self.game.steps(),
                            hints: self.hints_shown,
                            schedule: self.game.schedule(),
                        }
                    }
                    _ => ChallengeOutcome::Stay,
                }
            }
        }
    }

    fn next_hint(&mut self) {
        let total = self.level.hints.len();
        if total == 0 {
            self.message = Some("This level has no hints.".into());
        } else if self.hints_shown < total {
            self.hints_shown += 1;
            self.message = Some(format!("Hint {} of {total} shown below.", self.hints_shown));
        } else {
            self.message = Some(format!("Every hint ({total}) is showing."));
        }
    }

    fn toggle_fixed(&mut self) {
        if self.level.fixed.is_none() {
            self.message = Some("This level has no fixed version.".into());
            return;
        }
        let to = match self.variant {
            Variant::Original => Variant::Fixed,
            Variant::Fixed => Variant::Original,
        };
        match self.level.game(to) {
            Ok(game) => {
                self.game = game;
                self.variant = to;
                self.scroll = 0;
                self.message = Some(match to {
                    Variant::Fixed => {
                        "The fixed version: try to break it, or press p to prove it holds.".into()
                    }
                    Variant::Original => "Back to the level as written.".into(),
                });
            }
            Err(e) => self.message = Some(format!("The fixed version does not load: {e}")),
        }
    }

    fn prove(&mut self) -> ChallengeOutcome {
        if self.variant != Variant::Fixed {
            self.message =
                Some("Proving is for the fixed version: press f to switch to it first.".into());
            return ChallengeOutcome::Stay;
        }
        if self.proof == Proof::Running {
            return ChallengeOutcome::Stay;
        }
        self.proof = Proof::Running;
        self.message = Some("Checking every schedule…".into());
        ChallengeOutcome::Prove(Box::new((*self.level).clone()))
    }

    /// The proof the app ran for this level.
    pub fn proved(&mut self, result: Result<Solution, String>) {
        self.proof = match result {
            Ok(s) => {
                // The state panel shows the proof's line itself.
                self.message = None;
                Proof::Done(s)
            }
            Err(e) => {
                self.message = Some(format!("The proof could not run: {e}"));
                Proof::Failed(e)
            }
        };
    }

    /// The proof's state.
    pub fn proof(&self) -> &Proof {
        &self.proof
    }
}

/// The one line that says what the proof found.
pub fn proof_line(s: &Solution) -> String {
    match (s.winnable, s.exhaustive) {
        (false, true) => format!(
            "Every one of {} reachable states checked: no schedule breaks it. The fix holds.",
            s.states
        ),
        (true, _) => format!(
            "Not fixed: the schedule {} still breaks it ({} states explored).",
            s.schedule.as_deref().unwrap_or("?"),
            s.states
        ),
        (false, false) => format!(
            "No breaking schedule in {} states, but the search stopped early ({}).",
            s.states,
            s.limit_hit.as_deref().unwrap_or("a limit")
        ),
    }
}

/// Whether a binding's footer entry is worth showing now.
pub fn shows(view: &ChallengeView, action: ChallengeAction) -> bool {
    let won = matches!(view.game.outcome(), Outcome::Win { .. });
    match action {
        ChallengeAction::Fixed => {
            view.level.fixed.is_some() && (won || view.variant == Variant::Fixed)
        }
        ChallengeAction::Prove => view.variant == Variant::Fixed,
        ChallengeAction::Hint => view.hints_shown < view.level.hints.len(),
        ChallengeAction::Step
        | ChallengeAction::Expand
        | ChallengeAction::Undo
        | ChallengeAction::Restart
        | ChallengeAction::ScrollDown
        | ChallengeAction::ScrollUp
        | ChallengeAction::Back => true,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &ChallengeView) {
    if area.height < 3 || area.width < 10 {
        return;
    }
    let level = &view.level;
    let which = match view.variant {
        Variant::Original => "",
        Variant::Fixed => "  (fixed version)",
    };
    let goal = inert(&view.game.goal().describe()).replace('\n', " ");
    let header = vec![
        Line::from(vec![
            Span::styled(format!(" Challenge: {}", inert(&level.title)), theme.title),
            Span::styled(which, theme.done),
        ]),
        Line::from(vec![
            Span::styled(" Goal: ", theme.heading),
            Span::styled(goal, theme.text),
        ]),
    ];
    let brief = briefing_lines(&level.briefing, theme);
    let brief_h = if area.height >= 30 && area.width >= 60 {
        let w = area.width.saturating_sub(2);
        let para = Paragraph::new(brief.clone()).wrap(Wrap { trim: true });
        (para.line_count(w) as u16).min(5)
    } else {
        0
    };
    let [head, brief_area, body] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(brief_h),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(header), head);
    if brief_h > 0 {
        frame.render_widget(
            Paragraph::new(brief).wrap(Wrap { trim: true }),
            brief_area.inner(ratatui::layout::Margin::new(1, 0)),
        );
    }

    let threads = view.game.threads();
    let wide = body.width >= 100;
    let (threads_area, side) = if wide {
        // After a win the story of it needs the room more than the code.
        let side_w = match view.game.outcome() {
            Outcome::Win { .. } => body.width / 2,
            _ => body.width / 3,
        };
        let [l, r] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(side_w)]).areas(body);
        (l, r)
    } else {
        // The threads as tall as their code needs, the rest for the state.
        let side_by_side = body.width as usize / threads.len().max(1) >= 30;
        let rows: Vec<u16> = threads.iter().map(|t| thread_rows(t) + 2).collect();
        let want = if side_by_side {
            rows.iter().copied().max().unwrap_or(3)
        } else {
            rows.iter().sum()
        };
        let h = want.min(body.height.saturating_sub(6).max(body.height / 2));
        let [t, s] = Layout::vertical([Constraint::Length(h), Constraint::Min(3)]).areas(body);
        (t, s)
    };
    draw_threads(frame, threads_area, theme, &threads);
    draw_side(frame, side, theme, view, brief_h == 0);
}

/// A level's briefing (Markdown) as lines: paragraphs, with inline code.
fn briefing_lines(text: &str, theme: &Theme) -> Vec<Line<'static>> {
    markdown_lines(text, theme, theme.dim)
}

/// Markdown as lines in `base` style, with inline code and bold marked.
fn markdown_lines(text: &str, theme: &Theme, base: ratatui::style::Style) -> Vec<Line<'static>> {
    markdown::render(text)
        .into_iter()
        .map(|l| {
            Line::from(
                l.spans
                    .into_iter()
                    .map(|s| match s.style {
                        markdown::Style::Code => Span::styled(s.text, theme.inline_code),
                        markdown::Style::Bold => Span::styled(s.text, theme.bold),
                        _ => Span::styled(s.text, base),
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// Rows a thread's box needs inside its border.
fn thread_rows(t: &ThreadView) -> u16 {
    let bytecode = if !t.bytecode.is_empty() && (t.bytecode_pos.is_some() || t.expandable) {
        t.bytecode.len() + 1 + usize::from(!t.stack.is_empty())
    } else {
        0
    };
    (t.code.len() + bytecode + usize::from(!t.locals.is_empty())) as u16
}

fn draw_threads(frame: &mut Frame, area: Rect, theme: &Theme, threads: &[ThreadView]) {
    if threads.is_empty() || area.height == 0 {
        return;
    }
    let n = threads.len() as u32;
    // Side by side when each gets 30 columns; else stacked.
    let side_by_side = area.width as u32 / n >= 30;
    let areas: Vec<Rect> = if side_by_side {
        Layout::horizontal(vec![Constraint::Ratio(1, n); threads.len()])
            .split(area)
            .to_vec()
    } else {
        Layout::vertical(vec![Constraint::Ratio(1, n); threads.len()])
            .split(area)
            .to_vec()
    };
    for (i, (t, r)) in threads.iter().zip(areas).enumerate() {
        draw_thread(frame, r, theme, i, t);
    }
}

fn status_text(t: &ThreadView) -> (String, bool) {
    match &t.status {
        ThreadStatus::Runnable if t.in_critical => ("in the critical section".into(), true),
        ThreadStatus::Runnable => ("ready".into(), true),
        ThreadStatus::Blocked(on) => (format!("blocked: {on}"), false),
        ThreadStatus::Finished => ("finished".into(), false),
        ThreadStatus::Died(e) => (format!("died: {e}"), false),
        ThreadStatus::CutOff => ("cut off when the program ended".into(), false),
    }
}

fn draw_thread(frame: &mut Frame, area: Rect, theme: &Theme, i: usize, t: &ThreadView) {
    let (status, ready) = status_text(t);
    let title = format!(
        " {} {}{} ",
        i + 1,
        inert(&t.name),
        if t.daemon { " (daemon)" } else { "" }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if ready { theme.accent } else { theme.border })
        .title(Span::styled(title, theme.title))
        .title_bottom(Span::styled(
            format!(" {} ", inert(&status)),
            if ready { theme.done } else { theme.warning },
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    for (n, code) in t.code.iter().enumerate() {
        let here = t.line == Some(n + 1);
        let marker = if here { "▶ " } else { "  " };
        let style = if here { theme.selected } else { theme.code };
        lines.push(Line::from(vec![
            Span::styled(marker, theme.accent),
            Span::styled(format!("{:>2} ", n + 1), theme.code_gutter),
            Span::styled(inert(code).into_owned(), style),
        ]));
    }
    if !t.bytecode.is_empty() && (t.bytecode_pos.is_some() || t.expandable) {
        lines.push(Line::from(Span::styled(
            if t.bytecode_pos.is_some() {
                "  dis (mid-statement):"
            } else {
                "  dis (e, then its number: one step):"
            },
            theme.dim,
        )));
        for (k, ins) in t.bytecode.iter().enumerate() {
            let next = t.bytecode_pos == Some(k) || (t.bytecode_pos.is_none() && k == 0);
            lines.push(Line::from(vec![
                Span::styled(if next { "   → " } else { "     " }, theme.accent),
                Span::styled(inert(ins).into_owned(), theme.code),
            ]));
        }
        if !t.stack.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  stack: {}", inert(&t.stack.join(", "))),
                theme.dim,
            )));
        }
    }
    if !t.locals.is_empty() {
        let locals: Vec<String> = t
            .locals
            .iter()
            .map(|(k, v)| format!("{} = {}", inert(k), inert(v)))
            .collect();
        lines.push(Line::from(Span::styled(
            format!("  locals: {}", locals.join(", ")),
            theme.dim,
        )));
    }
    // Keep the current line in view in a short box.
    let h = usize::from(inner.height);
    let at = t.line.unwrap_or(0);
    let first = if lines.len() > h && at > h / 2 {
        (at - h / 2).min(lines.len() - h)
    } else {
        0
    };
    frame.render_widget(
        Paragraph::new(lines[first.min(lines.len())..].to_vec()),
        inner,
    );
}

fn draw_side(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    view: &ChallengeView,
    with_briefing: bool,
) {
    if area.height == 0 {
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    // No room above for the briefing: it opens the state panel until the
    // first move.
    if with_briefing && view.game.steps() == 0 {
        lines.extend(briefing_lines(&view.level.briefing, theme));
    }
    let heading = |s: &str| Line::from(Span::styled(s.to_string(), theme.heading));
    if let Some(m) = &view.message {
        lines.push(Line::from(Span::styled(
            inert(m).into_owned(),
            theme.warning,
        )));
    }
    match view.game.outcome() {
        Outcome::Win { reason } => lines.push(Line::from(Span::styled(
            format!("✓ Broken: {}", inert(reason)),
            theme.done,
        ))),
        Outcome::Loss { reason } => lines.push(Line::from(Span::styled(
            format!("✗ {} (u undoes, r restarts)", inert(reason)),
            theme.error,
        ))),
        Outcome::Running => {}
    }
    if let Proof::Done(s) = &view.proof {
        lines.push(Line::from(Span::styled(
            proof_line(s),
            if s.winnable { theme.error } else { theme.done },
        )));
    }
    let globals = view.game.globals();
    if !globals.is_empty() {
        lines.push(heading("Shared"));
        for (k, v) in globals {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} = ", inert(&k)), theme.text),
                Span::styled(inert(&v).into_owned(), theme.inline_code),
            ]));
        }
    }
    let objects = view.game.objects();
    if !objects.is_empty() {
        lines.push(heading("Objects"));
        for o in objects {
            lines.push(Line::from(Span::styled(
                format!("  {}", inert(&o.summary)),
                theme.text,
            )));
        }
    }
    let output = view.game.output();
    if !output.is_empty() {
        lines.push(heading("Printed"));
        for l in output.lines() {
            lines.push(Line::from(Span::styled(
                format!("  {}", inert(l)),
                theme.code,
            )));
        }
    }
    let schedule = view.game.schedule();
    lines.push(heading("Schedule"));
    lines.push(Line::from(Span::styled(
        if schedule.is_empty() {
            "  (no steps yet)".to_string()
        } else {
            format!("  {schedule}")
        },
        theme.dim,
    )));
    for (i, h) in view.level.hints.iter().take(view.hints_shown).enumerate() {
        lines.extend(markdown_lines(
            &format!("Hint {}: {h}", i + 1),
            theme,
            theme.tip,
        ));
    }
    if matches!(view.game.outcome(), Outcome::Win { .. }) && view.variant == Variant::Original {
        lines.push(heading("What happened"));
        for l in view.game.narration() {
            lines.push(Line::from(Span::styled(inert(&l).into_owned(), theme.text)));
        }
        if let Some(e) = &view.level.explanation {
            lines.push(heading("Why"));
            lines.extend(markdown_lines(e, theme, theme.text));
        }
        if view.level.fixed.is_some() {
            lines.push(Line::from(Span::styled(
                "Press f for the fixed version, then p to prove no schedule breaks it.",
                theme.key,
            )));
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" State ", theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let para = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((view.scroll.min(u16::MAX as usize) as u16, 0));
    let total = para.line_count(inner.width);
    frame.render_widget(para, inner);
    if total > usize::from(inner.height) + view.scroll {
        let more = Rect::new(
            area.right().saturating_sub(10),
            area.bottom().saturating_sub(1),
            9.min(area.width),
            1,
        );
        frame.render_widget(Paragraph::new(Span::styled(" ↓ more ", theme.key)), more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Source, load};
    use crossterm::event::KeyModifiers;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn level(id: &str) -> Arc<Challenge> {
        let content = load(&Source::Embedded).expect("content loads");
        Arc::new(
            content
                .challenges
                .iter()
                .find(|c| c.id == id)
                .cloned()
                .expect("level"),
        )
    }

    fn press_all(view: &mut ChallengeView, keys: &str) -> Vec<ChallengeOutcome> {
        keys.chars().map(|c| view.on_key(key(c))).collect()
    }

    #[test]
    fn the_counter_race_is_won_by_keys_with_undo_and_a_hint() {
        let mut v = ChallengeView::new(level("simple-counter"), Back::Home).unwrap();
        // A hint, a wrong move undone, then the solver's schedule 1e,2,1.
        press_all(&mut v, "h");
        assert_eq!(v.hints_shown, 1);
        press_all(&mut v, "2u");
        assert_eq!(v.game().steps(), 0);
        let outcomes = press_all(&mut v, "e121");
        assert!(
            matches!(
                outcomes.last(),
                Some(ChallengeOutcome::Won { steps: 3, hints: 1, schedule }) if schedule == "1e,2,1"
            ),
            "{outcomes:?}"
        );
        assert!(matches!(v.game().outcome(), Outcome::Win { .. }));
        // A win is reported once, even when undone and won again.
        press_all(&mut v, "u");
        assert_eq!(press_all(&mut v, "1"), vec![ChallengeOutcome::Stay]);
    }

    #[test]
    fn an_illegal_move_says_why_and_changes_nothing() {
        let mut v = ChallengeView::new(level("misusing-lock"), Back::Home).unwrap();
        let before = v.game().state_hash();
        press_all(&mut v, "9");
        assert_eq!(v.game().state_hash(), before);
        assert!(v.message.as_deref().unwrap().contains("no thread 9"));
    }

    #[test]
    fn the_fixed_version_asks_for_a_proof_and_shows_it() {
        let mut v = ChallengeView::new(level("simple-counter"), Back::Home).unwrap();
        // Proving the level as written is refused.
        assert_eq!(press_all(&mut v, "p"), vec![ChallengeOutcome::Stay]);
        press_all(&mut v, "f");
        assert_eq!(v.variant(), Variant::Fixed);
        let out = v.on_key(key('p'));
        let ChallengeOutcome::Prove(lvl) = out else {
            panic!("{out:?}")
        };
        assert_eq!(*v.proof(), Proof::Running);
        let solution = lvl.solve(Variant::Fixed, Default::default());
        v.proved(solution);
        let Proof::Done(s) = v.proof() else {
            panic!("{:?}", v.proof())
        };
        assert!(!s.winnable && s.exhaustive);
        assert!(proof_line(s).contains("The fix holds"));
    }
}
