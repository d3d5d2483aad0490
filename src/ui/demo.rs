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
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::content::sanitize::inert;
use crate::demos::model::{DemoModel, Lane};
use crate::demos::{Demo, LaneState, Params, Session};

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
}

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
        }
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
        self.session = Some(if paused {
            Session::start_paused(self.demo, self.params.clone())
        } else {
            Session::start(self.demo, self.params.clone())
        });
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
        let Some(action) = keys::lookup(keys::DEMO, &key) else {
            return Cmd::Unbound;
        };
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
            DemoAction::Explain => self.show_explain = !self.show_explain,
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
            }
            DemoAction::PrevParam if !specs.is_empty() => {
                self.selected_param = (self.selected_param + specs.len() - 1) % specs.len();
            }
            DemoAction::Raise if !specs.is_empty() => self.change_param(true),
            DemoAction::Lower if !specs.is_empty() => self.change_param(false),
            DemoAction::NextParam
            | DemoAction::PrevParam
            | DemoAction::Raise
            | DemoAction::Lower => return Cmd::Say("This demo has no parameters.".into()),
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
    let [head, body, params, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = usize::from(area.width);

    // Header: title and run state.
    let state = if view.is_running() {
        let el = view.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        match (view.is_paused(), app.reduce_motion) {
            // With --reduce-motion nothing on screen counts up by itself.
            (true, true) => "⏸ paused".to_string(),
            (false, true) => "● running".to_string(),
            (true, false) => format!("⏸ paused {el:.1} s"),
            (false, false) => format!("● running {el:.1} s"),
        }
    } else if let Some(ms) = view.finished_ms {
        if view.model.summary.is_some() {
            format!("✓ finished in {:.2} s", ms / 1000.0)
        } else {
            format!("■ stopped after {:.2} s", ms / 1000.0)
        }
    } else {
        "press s to start".into()
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

    // Body: the pictures, with the explain pane beside them when wide.
    let (main, side) = if view.show_explain && body.width >= 100 {
        let [m, s] = Layout::horizontal([Constraint::Min(60), Constraint::Length(body.width / 3)])
            .areas(body);
        (m, Some(s))
    } else {
        (body, None)
    };
    if let Some(side) = side {
        explain(frame, side, t, info.explain);
    }
    pictures(frame, main, t, view);

    // Parameters.
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
    let items = keys::footer(Context::Demo, keys::DEMO, &|_, item| Some(item));
    footer(frame, foot, app, &items, None);
}

fn explain(frame: &mut Frame, area: Rect, t: &Theme, text: &str) {
    let lines: Vec<Line> = text
        .split("\n\n")
        .flat_map(|p| {
            [
                Line::from(Span::styled(inert(p).replace('\n', " "), t.text)),
                Line::default(),
            ]
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::LEFT)
                .border_style(t.border)
                .title(Span::styled(" What to look for ", t.heading)),
        ),
        area,
    );
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
        (m.lanes.len() as u16 + 2).min(area.height * 2 / 5).max(3)
    };
    let stats_n = m.gauges.len() + m.counts.len();
    let stats_h = if stats_n == 0 {
        0
    } else {
        (stats_n as u16 + 1).min(area.height / 4).max(2)
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
        lanes(frame, lanes_a, t, m);
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

fn lanes(frame: &mut Frame, area: Rect, t: &Theme, m: &DemoModel) {
    let block = boxed(
        "Threads  █ running  ▓ holding a lock  ░ waiting  ▒ blocked  · sleeping",
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
    let cells = usize::from(inner.width).saturating_sub(name_w + 2).max(1);
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
    let mut lines: Vec<Line> = m
        .log
        .iter()
        .rev()
        .take(h)
        .rev()
        .map(|l| {
            let style = if l.contains("  error: ") {
                t.error
            } else {
                t.text
            };
            Line::from(Span::styled(truncate(&inert(l), w), style))
        })
        .collect();
    if let Some(summary) = &m.summary {
        let text = serde_json::to_string(summary).unwrap_or_default();
        lines.push(Line::from(Span::styled(
            truncate(&format!("summary: {text}"), w),
            t.done,
        )));
        let extra = lines.len().saturating_sub(h);
        lines.drain(..extra);
    }
    if lines.is_empty() && !view.is_running() {
        let about = format!(
            "{} — press s to start, . to step through it.",
            view.demo.info().about
        );
        lines = super::layout::wrap(&[Span::styled(about, t.dim)], w, vec![], vec![]);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
