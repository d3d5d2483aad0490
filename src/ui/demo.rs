//! The live demo screen: per-thread timeline lanes, gauges, counts with
//! sparklines, histograms, the running log, an explain pane tying it to the
//! lesson, and the parameters. The demo runs on its own threads; this screen
//! only drains its events on each tick (at most ~30 a second) and draws.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::content::sanitize::inert;
use crate::demos::control::{TUI_SPEED, next_speed, speed_label};
use crate::demos::model::{DemoModel, Lane};
use crate::demos::{Demo, LaneState, ParamKind, ParamSpec, Params, Session};

use super::app::App;
use super::keys::{self, Context, DemoAction};
use super::layout::truncate;
use super::lesson::LessonState;
use super::present::PresentState;
use super::screen::Cmd;
use super::theme::Theme;
use super::view::footer;

/// Where Esc goes back to.
#[derive(Debug, Clone)]
pub enum Back {
    Home,
    /// Home with this row selected.
    HomeAt(usize),
    DemoList(usize),
    Lesson(LessonState),
    /// The presentation, at this slide.
    Present(Box<PresentState>),
}

/// Most events taken in per tick (the rest wait for the next tick).
pub const EVENTS_PER_TICK: usize = 50_000;

/// The demo screen's state.
pub struct DemoView {
    pub demo: &'static dyn Demo,
    pub params: Params,
    pub selected_param: usize,
    /// Parameters changed since the run started (applied on restart).
    pub params_changed: bool,
    pub session: Option<Session>,
    pub model: DemoModel,
    pub started: Option<Instant>,
    /// Wall time of the finished run.
    pub finished_ms: Option<f64>,
    pub show_explain: bool,
    pub back: Back,
    /// The pace of the next and the current run (`f64::INFINITY`: full).
    pub speed: f64,
    /// Lines the log is scrolled up from its newest line (0: follow).
    pub log_scroll: usize,
    /// Lines the explain pane is scrolled down.
    pub explain_scroll: usize,
    /// A value being typed for the selected parameter (Enter).
    pub editing: Option<String>,
    /// Why the last typed value was refused.
    pub edit_error: Option<String>,
}

/// Lines PgUp/PgDn move the log, J/K the explain pane.
const LOG_PAGE: usize = 5;
const EXPLAIN_STEP: usize = 3;

impl DemoView {
    pub fn new(demo: &'static dyn Demo, back: Back) -> DemoView {
        DemoView {
            demo,
            params: Params::defaults(demo.info().params),
            selected_param: 0,
            params_changed: false,
            session: None,
            model: DemoModel::default(),
            started: None,
            finished_ms: None,
            show_explain: true,
            back,
            speed: TUI_SPEED,
            log_scroll: 0,
            explain_scroll: 0,
            editing: None,
            edit_error: None,
        }
    }

    /// Open with these parameters (e.g. from a lesson's demo link);
    /// unknown keys or bad values are refused with the reason.
    pub fn with_params(mut self, pairs: &[(String, String)]) -> Result<DemoView, String> {
        let specs = self.demo.info().params;
        let strings: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.params = Params::parse(specs, &strings)?;
        if let Some(speed) = self.params.speed() {
            self.speed = speed;
        }
        Ok(self)
    }

    /// Start (or restart) the demo with the current parameters.
    pub fn start(&mut self) {
        self.start_with(false);
    }

    /// Start (or restart) paused before the demo's first step.
    pub fn start_paused(&mut self) {
        self.start_with(true);
    }

    fn start_with(&mut self, paused: bool) {
        self.stop();
        self.model = DemoModel::default();
        let mut params = self.params.clone();
        // The pace is the screen's ([ and ]), not a parameter any more.
        params.set_speed(None);
        self.session = Some(Session::start_paced(self.demo, params, self.speed, paused));
        self.log_scroll = 0;
        self.started = Some(Instant::now());
        self.finished_ms = None;
        self.params_changed = false;
    }

    /// Cancel the run and wait for its threads.
    pub fn stop(&mut self) {
        if let Some(s) = self.session.take() {
            s.cancel_and_join();
            if self.finished_ms.is_none() {
                self.finished_ms = self.started.map(|t| t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.session.is_some()
    }

    pub fn is_paused(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.control.is_paused())
    }

    /// Take in what the demo reported since the last tick. Returns whether
    /// anything changed.
    pub fn tick(&mut self) -> bool {
        let Some(session) = &self.session else {
            return false;
        };
        let mut changed = false;
        for ev in session.events.try_iter().take(EVENTS_PER_TICK) {
            self.model.apply(ev);
            changed = true;
        }
        if session.is_finished() && session.events.try_recv().is_err() {
            // Everything is in: let the threads go.
            self.finished_ms = self.started.map(|t| t.elapsed().as_secs_f64() * 1000.0);
            if let Some(s) = self.session.take() {
                s.cancel_and_join();
            }
            changed = true;
        }
        // The clock in the header moves while running.
        changed || self.is_running()
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Cmd {
        if self.editing.is_some() {
            return self.edit_key(key);
        }
        let Some(action) = keys::lookup(keys::DEMO, &key) else {
            return Cmd::Unbound;
        };
        // The demo's own keys come first (the event demo's `e`).
        if let KeyCode::Char(c) = key.code
            && let Some(i) = self.demo.actions().iter().position(|(k, _)| *k == c)
            && !matches!(action, DemoAction::Answer)
        {
            return self.demo_action(i);
        }
        let specs = self.demo.info().params;
        match action {
            DemoAction::Back => {
                self.stop();
                return Cmd::Back(self.back.clone());
            }
            DemoAction::Start => self.start(),
            DemoAction::Stop => self.stop(),
            DemoAction::Pause => {
                if let Some(s) = &self.session {
                    s.control.set_paused(!s.control.is_paused());
                } else {
                    self.start();
                }
            }
            DemoAction::Step => {
                if self.session.is_none() {
                    self.start_paused();
                }
                if let Some(s) = &self.session {
                    if !s.control.is_paused() {
                        s.control.set_paused(true);
                    }
                    s.control.step();
                }
            }
            DemoAction::NextKey => {
                if self.session.is_none() {
                    self.start_paused();
                }
                if let Some(s) = &self.session {
                    s.control.run_to_key();
                }
            }
            DemoAction::Slower | DemoAction::Faster => {
                let next = next_speed(self.speed, action == DemoAction::Faster);
                if next == self.speed {
                    return Cmd::Say(format!(
                        "Already at {} speed.",
                        if action == DemoAction::Faster {
                            "full"
                        } else {
                            "the slowest"
                        }
                    ));
                }
                self.speed = next;
                if let Some(s) = &self.session {
                    s.control.set_speed(next);
                }
            }
            DemoAction::Explain => {
                self.show_explain = !self.show_explain;
            }
            DemoAction::ExplainUp | DemoAction::ExplainDown => {
                if !self.show_explain {
                    return Cmd::Say("The explain pane is hidden (e shows it).".into());
                }
                let up = action == DemoAction::ExplainUp;
                if up && self.explain_scroll == 0 {
                    return Cmd::Say("At the top of what to look for.".into());
                }
                self.explain_scroll = if up {
                    self.explain_scroll.saturating_sub(EXPLAIN_STEP)
                } else {
                    // Clamped to the text when drawn.
                    (self.explain_scroll + EXPLAIN_STEP).min(500)
                };
            }
            DemoAction::LogUp => {
                if self.model.log.is_empty() {
                    return Cmd::Say("The log is empty.".into());
                }
                self.log_scroll = (self.log_scroll + LOG_PAGE).min(self.model.log.len() * 4);
            }
            DemoAction::LogDown => {
                if self.log_scroll == 0 {
                    return Cmd::Say("The log shows its newest lines.".into());
                }
                self.log_scroll = self.log_scroll.saturating_sub(LOG_PAGE);
            }
            // The demo asked the learner something (e.g. which thread runs next).
            DemoAction::Answer => {
                let n = self.model.prompt.as_ref().map_or(0, |(_, o)| o.len());
                let i = match key.code {
                    KeyCode::Char(c @ '1'..='9') => c as usize - '1' as usize,
                    _ => usize::MAX,
                };
                match (&self.session, i < n) {
                    (Some(s), true) => {
                        s.control.push_choice(i);
                        self.model.prompt = None;
                    }
                    _ if n == 0 => return Cmd::Say("The demo is not asking anything now.".into()),
                    _ => return Cmd::Say(format!("Choose 1 to {n}.")),
                }
            }
            DemoAction::NextParam if !specs.is_empty() => {
                self.selected_param = (self.selected_param + 1) % specs.len();
                self.edit_error = None;
            }
            DemoAction::PrevParam if !specs.is_empty() => {
                self.selected_param = (self.selected_param + specs.len() - 1) % specs.len();
                self.edit_error = None;
            }
            DemoAction::Raise if !specs.is_empty() => self.change_param(true),
            DemoAction::Lower if !specs.is_empty() => self.change_param(false),
            DemoAction::TypeValue if !specs.is_empty() => {
                self.editing = Some(String::new());
                self.edit_error = None;
            }
            DemoAction::NextParam
            | DemoAction::PrevParam
            | DemoAction::Raise
            | DemoAction::Lower
            | DemoAction::TypeValue => return Cmd::Say("This demo has no parameters.".into()),
            DemoAction::DemoKey => {
                // Not the demo's: the global keys (q, ?, /) or nothing.
                if keys::global(Context::Demo, &key).is_some() {
                    return Cmd::Unbound;
                }
                let offered = self.demo.actions();
                return Cmd::Say(if offered.is_empty() {
                    "Unknown key: press ? for the keys.".into()
                } else {
                    let list: Vec<String> =
                        offered.iter().map(|(k, w)| format!("{k} {w}")).collect();
                    format!("This demo's keys: {}.", list.join(", "))
                });
            }
        }
        Cmd::Stay
    }

    /// A key of the demo's own (`Demo::actions`): sent to the running demo.
    fn demo_action(&mut self, i: usize) -> Cmd {
        let what = self.demo.actions()[i].1;
        match &self.session {
            Some(s) => {
                s.control.push_action(i);
                Cmd::Say(format!("Sent: {what}."))
            }
            None => Cmd::Say(format!("Start the demo first (s), then: {what}.")),
        }
    }

    /// Typing a value for the selected parameter.
    fn edit_key(&mut self, key: KeyEvent) -> Cmd {
        let Some(text) = self.editing.as_mut() else {
            return Cmd::Stay;
        };
        match key.code {
            KeyCode::Esc => {
                self.editing = None;
                self.edit_error = None;
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Enter => {
                let spec = &self.demo.info().params[self.selected_param];
                match spec.parse(text) {
                    Ok(v) => {
                        if self.params.get(spec.key) != Some(&v) {
                            self.params.set(spec.key, v);
                            self.params_changed = self.started.is_some();
                        }
                        self.editing = None;
                        self.edit_error = None;
                    }
                    Err(e) => self.edit_error = Some(e),
                }
            }
            KeyCode::Char(c) if text.chars().count() < 24 && !c.is_control() => {
                text.push(c);
                self.edit_error = None;
            }
            _ => {}
        }
        Cmd::Stay
    }

    fn change_param(&mut self, up: bool) {
        let spec = &self.demo.info().params[self.selected_param];
        let current = self
            .params
            .get(spec.key)
            .cloned()
            .unwrap_or_else(|| spec.default_value());
        let next = spec.step(&current, up);
        if next != current {
            self.params.set(spec.key, next);
            self.params_changed = self.started.is_some();
        }
    }
}

impl Drop for DemoView {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &DemoView) {
    let t = &app.theme;
    let info = view.demo.info();
    let [head, narr, body, params, param_help, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = usize::from(area.width);

    // Header: title, pace and run state.
    let speed = speed_label(view.speed);
    let state = if view.is_running() {
        let el = view.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        match (view.is_paused(), app.reduce_motion) {
            // With --reduce-motion nothing on screen counts up by itself.
            (true, true) => format!("{speed} · ⏸ paused"),
            (false, true) => format!("{speed} · ● running"),
            (true, false) => format!("{speed} · ⏸ paused · {el:.1} s since start"),
            (false, false) => format!("{speed} · ● running · {el:.1} s since start"),
        }
    } else if let Some(ms) = view.finished_ms {
        if view.model.summary.is_some() {
            format!("{speed} · ✓ finished in {:.2} s", ms / 1000.0)
        } else {
            format!("{speed} · ■ stopped after {:.2} s", ms / 1000.0)
        }
    } else {
        format!("speed {speed} · press s to start")
    };
    let left = truncate(
        &format!(" Live demo · {} — {}", info.id, info.title),
        w.saturating_sub(state.width() + 2),
    );
    let gap = w.saturating_sub(left.width() + state.width() + 1);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(left, t.title),
            Span::raw(" ".repeat(gap)),
            Span::styled(state, if view.is_running() { t.key } else { t.dim }),
        ])),
        head,
    );

    // What the last visible step did.
    // Numbered, so each step shows as a change even when two say the same.
    let number = format!(" step {} ", view.model.narrations);
    let room = w.saturating_sub(number.width() + 2);
    let narration = match &view.model.narration {
        Some((text, true)) => Line::from(vec![
            Span::styled(number, t.dim),
            Span::styled("★ ", t.warning),
            Span::styled(truncate(&inert(text), room), t.warning),
        ]),
        Some((text, false)) => Line::from(vec![
            Span::styled(number, t.dim),
            Span::styled("» ", t.accent),
            Span::styled(truncate(&inert(text), room), t.bold),
        ]),
        None => Line::from(Span::styled(
            truncate(
                " . one step at a time · > to the next key event · [ ] speed",
                w,
            ),
            t.dim,
        )),
    };
    frame.render_widget(Paragraph::new(narration), narr);

    // Body: the pictures, with the explain pane beside them when wide.
    let (main, side) = if view.show_explain && body.width >= 100 {
        let [m, s] = Layout::horizontal([Constraint::Min(60), Constraint::Length(body.width / 3)])
            .areas(body);
        (m, Some(s))
    } else {
        (body, None)
    };
    if let Some(side) = side {
        explain(frame, side, t, info.explain, view.explain_scroll);
    }
    pictures(frame, main, t, view);

    // Parameters, and the selected one's help and range.
    let mut spans = vec![Span::styled(" params ", t.dim)];
    for (i, spec) in info.params.iter().enumerate() {
        let v = view
            .params
            .get(spec.key)
            .map(ToString::to_string)
            .unwrap_or_default();
        let style = if i == view.selected_param {
            t.selected
        } else {
            t.text
        };
        spans.push(Span::styled(format!("{}={v}", spec.key), style));
        spans.push(Span::raw("  "));
    }
    if info.params.is_empty() {
        spans.push(Span::styled("(none)", t.dim));
    }
    if view.params_changed {
        spans.push(Span::styled("(s restarts with these)", t.warning));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), params);
    let help_line = match (info.params.get(view.selected_param), &view.editing) {
        (Some(spec), Some(text)) => {
            let mut v = vec![
                Span::styled(format!(" {} = ", spec.key), t.bold),
                Span::styled(format!("{}█", inert(text)), t.selected),
                Span::styled(
                    format!("  {} · Enter sets · Esc cancels", range(spec)),
                    t.dim,
                ),
            ];
            if let Some(e) = &view.edit_error {
                v.push(Span::styled(format!("  {}", inert(e)), t.error));
            }
            Line::from(v)
        }
        (Some(spec), None) => {
            let mut v = vec![Span::styled(
                truncate(
                    &format!(" {}: {} ({})", spec.key, spec.help, range(spec)),
                    w,
                ),
                t.dim,
            )];
            if let Some(e) = &view.edit_error {
                v.push(Span::styled(format!("  {}", inert(e)), t.error));
            }
            Line::from(v)
        }
        (None, _) => Line::from(Span::styled(
            " speed: [ slower, ] faster (0.05× to full)",
            t.dim,
        )),
    };
    frame.render_widget(Paragraph::new(help_line), param_help);

    // Footer: the demo's own keys first, then the screen's.
    let mut items: Vec<keys::FootItem> = view
        .demo
        .actions()
        .iter()
        .map(|(c, what)| keys::FootItem {
            keys: char_str(*c),
            word: what,
            keep: false,
        })
        .collect();
    // Where the demo takes `e` itself, the explain pane is on `i`.
    let demo_has_e = view.demo.actions().iter().any(|(c, _)| *c == 'e');
    items.extend(keys::footer(Context::Demo, keys::DEMO, &|a, item| {
        Some(if a == DemoAction::Explain && demo_has_e {
            item.keys("i")
        } else {
            item
        })
    }));
    footer(frame, foot, app, &items, None);
}

/// A parameter's range in words: `1 to 16`, `one of run, choose`.
pub fn range(spec: &ParamSpec) -> String {
    match spec.kind {
        ParamKind::Int { min, max, .. } => format!("{min} to {max}"),
        ParamKind::Float { min, max, .. } => format!("{min} to {max}"),
        ParamKind::Choice { choices, .. } => format!("one of {}", choices.join(", ")),
    }
}

/// A printable ASCII character as a `'static` string (for footer keys).
fn char_str(c: char) -> &'static str {
    const ASCII: &str = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    match ASCII.find(c) {
        Some(i) if c.is_ascii() => &ASCII[i..i + 1],
        _ => "?",
    }
}

fn explain(frame: &mut Frame, area: Rect, t: &Theme, text: &str, scroll: usize) {
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(t.border)
        .title(Span::styled(" What to look for ", t.heading));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width.saturating_sub(1)).max(1);
    // Markdown: inline code styled, no backticks; each paragraph wrapped.
    let lines: Vec<Line> = super::quiz::markdown_lines(text, width, t);
    let h = usize::from(inner.height);
    let max_scroll = lines.len().saturating_sub(h);
    let scroll = scroll.min(max_scroll);
    let more_below = lines.len() > scroll + h;
    let mut shown: Vec<Line> = lines.into_iter().skip(scroll).take(h).collect();
    if scroll > 0
        && let Some(first) = shown.first_mut()
    {
        *first = Line::from(Span::styled("↑ more (K)", t.dim));
    }
    if more_below && let Some(last) = shown.last_mut() {
        *last = Line::from(Span::styled("↓ more (J)", t.dim));
    }
    frame.render_widget(Paragraph::new(shown), inner);
}

fn boxed<'a>(title: &'a str, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::TOP)
        .border_style(t.border)
        .title(Span::styled(format!(" {title} "), t.heading))
}

fn pictures(frame: &mut Frame, area: Rect, t: &Theme, view: &DemoView) {
    let m = &view.model;
    let lanes_h = if m.lanes.is_empty() {
        0
    } else {
        (m.lanes.len() as u16 + 2).min(area.height / 3).max(3)
    };
    let stats_n = m.gauges.len() + m.counts.len();
    let stats_h = if stats_n == 0 {
        0
    } else {
        (stats_n as u16 + 1).min(area.height / 3).max(2)
    };
    let hist_n: usize = m.histograms.values().map(|b| b.len() + 1).sum();
    let hist_h = if hist_n == 0 {
        0
    } else {
        (hist_n as u16 + 1).min(area.height / 3).max(2)
    };
    let panel_n: usize = m.panels.values().map(|l| l.len() + 1).sum();
    let panel_h = if panel_n == 0 {
        0
    } else {
        (panel_n as u16).min(area.height / 3).max(2)
    };
    let [lanes_a, stats_a, hist_a, panel_a, log_a] = Layout::vertical([
        Constraint::Length(lanes_h),
        Constraint::Length(stats_h),
        Constraint::Length(hist_h),
        Constraint::Length(panel_h),
        Constraint::Min(2),
    ])
    .areas(area);
    if panel_h > 0 {
        panels(frame, panel_a, t, m);
    }
    if lanes_h > 0 {
        lanes(frame, lanes_a, t, m, view.is_paused());
    }
    if stats_h > 0 {
        stats(frame, stats_a, t, m);
    }
    if hist_h > 0 {
        histograms(frame, hist_a, t, m);
    }
    log(frame, log_a, t, view);
}

/// Text views the demo keeps up to date (e.g. "dis this"); the lines with a
/// thread's marker stand out.
fn panels(frame: &mut Frame, area: Rect, t: &Theme, m: &DemoModel) {
    let mut y = area.y;
    for (title, lines) in &m.panels {
        let h = (lines.len() as u16 + 1).min(area.bottom().saturating_sub(y));
        if h == 0 {
            break;
        }
        let r = Rect::new(area.x, y, area.width, h);
        let block = boxed(title, t);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let w = usize::from(inner.width);
        let shown: Vec<Line> = lines
            .iter()
            .map(|l| {
                let style = if l.contains('▶') { t.key } else { t.code };
                Line::from(Span::styled(truncate(&inert(l), w), style))
            })
            .collect();
        frame.render_widget(Paragraph::new(shown), inner);
        y += h;
    }
}

/// The cell for a lane state, and its style.
fn lane_cell(state: Option<&LaneState>, t: &Theme) -> (&'static str, Style) {
    match state {
        None => (" ", t.dim),
        Some(LaneState::Running) => ("█", t.accent),
        Some(LaneState::Holding(_)) => ("▓", t.done),
        Some(LaneState::Waiting(_)) => ("░", t.partial),
        Some(LaneState::Blocked(_)) => ("▒", t.error),
        Some(LaneState::Sleeping) => ("·", t.dim),
        Some(LaneState::Done) => (" ", t.dim),
    }
}

/// The state a lane spent longest in during [a, b).
fn dominant(lane: &Lane, a: f64, b: f64) -> Option<LaneState> {
    let mut spans: Vec<(LaneState, f64)> = Vec::new();
    let mut add = |s: &LaneState, d: f64| match spans.iter_mut().find(|(x, _)| x == s) {
        Some((_, total)) => *total += d,
        None => spans.push((s.clone(), d)),
    };
    let mut cur = lane.state_at(a).cloned();
    let mut from = a;
    let start = lane.changes.partition_point(|(ct, _)| *ct <= a);
    for (ct, s) in lane.changes.iter().skip(start) {
        if *ct >= b {
            break;
        }
        if let Some(c) = &cur {
            add(c, ct - from);
        }
        cur = Some(s.clone());
        from = *ct;
    }
    if let Some(c) = &cur {
        add(c, b - from);
    }
    spans
        .into_iter()
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(s, _)| s)
}

fn lanes(frame: &mut Frame, area: Rect, t: &Theme, m: &DemoModel, paused: bool) {
    let block = boxed(
        if paused {
            "Threads (paused)  █ running  ▓ holding  ░ waiting  ▒ blocked  · sleeping"
        } else {
            "Threads  █ running  ▓ holding a lock  ░ waiting  ▒ blocked  · sleeping"
        },
        t,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let name_w = m
        .lanes
        .iter()
        .map(|(n, _)| n.width())
        .max()
        .unwrap_or(0)
        .min(16);
    // The state now, in words, after the timeline.
    const STATE_W: usize = 10;
    let cells = usize::from(inner.width)
        .saturating_sub(name_w + 2 + STATE_W)
        .max(1);
    // The whole run so far, up to the last 10 seconds.
    let end = m.now_ms.max(1.0);
    let start = (end - 10_000.0).max(0.0);
    let slice = (end - start) / cells as f64;
    let mut lines = Vec::new();
    for (name, lane) in m.lanes.iter().take(usize::from(inner.height)) {
        let mut spans = vec![Span::styled(
            format!("{:<name_w$} ", truncate(&inert(name), name_w)),
            t.text,
        )];
        for c in 0..cells {
            let a = start + c as f64 * slice;
            let st = dominant(lane, a, a + slice);
            let (sym, style) = lane_cell(st.as_ref(), t);
            spans.push(Span::styled(sym, style));
        }
        let now = lane.changes.back().map(|(_, s)| s);
        let (word, style) = match now {
            Some(LaneState::Done) => ("done", t.dim),
            // While the demo is paused, so is every live thread.
            Some(_) if paused => ("⏸ paused", t.warning),
            Some(LaneState::Running) => ("running", t.accent),
            Some(LaneState::Holding(_)) => ("holding", t.done),
            Some(LaneState::Waiting(_)) => ("waiting", t.partial),
            Some(LaneState::Blocked(_)) => ("blocked", t.error),
            Some(LaneState::Sleeping) => ("sleeping", t.dim),
            None => ("", t.dim),
        };
        spans.push(Span::styled(format!(" {word:<w$}", w = STATE_W - 1), style));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn sparkline(values: &std::collections::VecDeque<f64>, width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    // Show the rate of change (per sample) of a growing count.
    let deltas: Vec<f64> = values
        .iter()
        .zip(values.iter().skip(1))
        .map(|(a, b)| (b - a).max(0.0))
        .collect();
    let shown: Vec<f64> = deltas.iter().rev().take(width).rev().copied().collect();
    let max = shown.iter().copied().fold(0.0, f64::max);
    shown
        .iter()
        .map(|v| {
            if max <= 0.0 {
                BARS[0]
            } else {
                BARS[((v / max) * 7.0).round() as usize]
            }
        })
        .collect()
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.3}")
    }
}

fn stats(frame: &mut Frame, area: Rect, t: &Theme, m: &DemoModel) {
    let block = boxed("Gauges and counts", t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let name_w = m
        .gauges
        .keys()
        .chain(m.counts.keys())
        .map(|n| n.width())
        .max()
        .unwrap_or(0)
        .min(24);
    let mut lines = Vec::new();
    for (name, (value, max)) in &m.gauges {
        let bar_w = w.saturating_sub(name_w + 18).clamp(1, 40);
        let filled = if *max > 0.0 {
            ((value / max).clamp(0.0, 1.0) * bar_w as f64).round() as usize
        } else {
            0
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<name_w$} ", truncate(&inert(name), name_w)),
                t.text,
            ),
            Span::styled("█".repeat(filled), t.accent),
            Span::styled("░".repeat(bar_w - filled), t.dim),
            Span::styled(format!(" {}/{}", fmt_num(*value), fmt_num(*max)), t.text),
        ]));
    }
    for (name, (value, hist)) in &m.counts {
        let num = fmt_num(*value);
        let spark_w = w.saturating_sub(name_w + num.width() + 4).min(60);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<name_w$} ", truncate(&inert(name), name_w)),
                t.text,
            ),
            Span::styled(format!("{num:>8} "), t.bold),
            Span::styled(sparkline(hist, spark_w), t.accent),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn histograms(frame: &mut Frame, area: Rect, t: &Theme, m: &DemoModel) {
    let block = boxed("Histogram", t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let mut lines = Vec::new();
    for (name, bars) in &m.histograms {
        let total: u64 = bars.iter().map(|(_, n)| n).sum();
        // A total only when the demo says the bars count one thing.
        let head = match m.histogram_units.get(name) {
            Some(unit) => format!(
                "{} · {} distinct · {total} {} in all",
                inert(name),
                bars.len(),
                inert(unit)
            ),
            None => format!("{} · {} distinct", inert(name), bars.len()),
        };
        lines.push(Line::from(Span::styled(head, t.bold)));
        let mut sorted: Vec<&(String, u64)> = bars.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let label_w = sorted
            .iter()
            .map(|(l, _)| l.width())
            .max()
            .unwrap_or(0)
            .min(w / 2);
        let max = sorted.first().map_or(1, |(_, n)| *n).max(1);
        let room = usize::from(inner.height).saturating_sub(lines.len());
        let shown = sorted.len().min(room.max(1));
        for (label, n) in sorted.iter().take(shown) {
            let bar_w = w.saturating_sub(label_w + 10).max(1);
            let len = ((*n as f64 / max as f64) * bar_w as f64).ceil() as usize;
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:<label_w$} ", truncate(&inert(label), label_w)),
                    t.text,
                ),
                Span::styled("█".repeat(len.min(bar_w)), t.accent),
                Span::styled(format!(" {n}"), t.dim),
            ]));
        }
        if sorted.len() > shown
            && let Some(last) = lines.last_mut()
        {
            *last = Line::from(Span::styled(
                format!("… and {} more", sorted.len() - shown + 1),
                t.dim,
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn log(frame: &mut Frame, area: Rect, t: &Theme, view: &DemoView) {
    let m = &view.model;
    let mut area = area;
    // The result, in words, above the log.
    if let Some(summary) = &m.summary {
        let rows = view.demo.describe(summary);
        let block = boxed("Result", t);
        let w = usize::from(area.width);
        let label_w = rows
            .iter()
            .map(|(k, _)| k.width())
            .max()
            .unwrap_or(0)
            .min(w / 3);
        let mut lines: Vec<Line> = Vec::new();
        for (k, v) in &rows {
            let first = vec![Span::styled(
                format!("{:<label_w$}  ", truncate(&inert(k), label_w)),
                t.dim,
            )];
            let rest = vec![Span::raw(" ".repeat(label_w + 2))];
            lines.extend(super::layout::wrap(
                &[Span::styled(inert(v).into_owned(), t.done)],
                w,
                first,
                rest,
            ));
        }
        // The result comes first once there is one; the log keeps at
        // least two lines (PgUp scrolls it).
        let room = usize::from(area.height.saturating_sub(3)).max(2);
        let h = ((lines.len() + 1).min(room) as u16).min(area.height);
        let r = Rect::new(area.x, area.y, area.width, h);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let fits = usize::from(inner.height);
        if lines.len() > fits && fits > 0 {
            lines.truncate(fits);
            if let Some(last) = lines.last_mut() {
                *last = Line::from(Span::styled(
                    "↓ more: a taller terminal shows the whole result",
                    t.dim,
                ));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
        area = Rect::new(
            area.x,
            area.y + h,
            area.width,
            area.height.saturating_sub(h),
        );
    }
    let block = boxed(
        if m.errors.is_empty() {
            "Log"
        } else {
            "Log — errors below"
        },
        t,
    );
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    // A question for the learner goes above the log, where it is seen.
    if let Some((question, options)) = &m.prompt {
        let mut spans = vec![Span::styled(format!("{} ", inert(question)), t.warning)];
        for (i, o) in options.iter().enumerate() {
            spans.push(Span::styled(format!(" {} ", i + 1), t.selected));
            spans.push(Span::styled(format!(" {}  ", inert(o)), t.text));
        }
        let lines = super::layout::wrap(
            &spans,
            usize::from(inner.width),
            vec![],
            vec![Span::raw("  ")],
        );
        let ph = (lines.len() as u16).min(inner.height);
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, inner.y, inner.width, ph),
        );
        inner = Rect::new(inner.x, inner.y + ph, inner.width, inner.height - ph);
    }
    let h = usize::from(inner.height);
    let w = usize::from(inner.width);
    // Long lines wrap, indented under their text.
    let mut lines: Vec<Line> = Vec::new();
    for l in &m.log {
        let style = if l.contains("  error: ") {
            t.error
        } else if l.contains(" ★ ") {
            t.warning
        } else {
            t.text
        };
        lines.extend(super::layout::wrap(
            &[Span::styled(inert(l).into_owned(), style)],
            w,
            vec![],
            vec![Span::raw("            ")],
        ));
    }
    if lines.is_empty() && !view.is_running() {
        let about = format!(
            "{} — press s to start, . to step through it.",
            view.demo.info().about
        );
        lines = super::layout::wrap(&[Span::styled(about, t.dim)], w, vec![], vec![]);
    }
    let max_scroll = lines.len().saturating_sub(h);
    let scroll = view.log_scroll.min(max_scroll);
    let end = lines.len() - scroll;
    let begin = end.saturating_sub(h);
    let mut shown: Vec<Line> = lines[begin..end].to_vec();
    if begin > 0
        && h > 1
        && let Some(first) = shown.first_mut()
    {
        *first = Line::from(Span::styled("↑ more (PgUp)", t.dim));
    }
    if scroll > 0
        && let Some(last) = shown.last_mut()
    {
        *last = Line::from(Span::styled("↓ more (PgDn)", t.dim));
    }
    frame.render_widget(Paragraph::new(shown), inner);
}
