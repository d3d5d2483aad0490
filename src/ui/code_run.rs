//! Runnable code under a slide: `r` starts the slide's code with python3
//! (again: its next runnable block), its output fills a panel under the
//! slide, `x` or Esc stops it and closes the panel. The run itself is the
//! event loop's ([`Effect::StartRun`]); this is the app's side of it.

use crate::content::Code;
use crate::runner::RunEvent;

use super::app::{App, Effect};
use super::layout::Link;
use super::screen::Screen;
use super::sgr::SgrState;

/// The output panel of a code run.
#[derive(Debug, Clone)]
pub struct RunPanel {
    pub id: u64,
    /// Which runnable block of the slide (for `r` to move on to the next).
    pub block: usize,
    pub lines: Vec<(String, bool)>,
    /// None while running; then how it ended.
    pub ended: Option<String>,
    /// The colours (SGR state) stdout and stderr ended their last line in:
    /// a colour set on one line lasts into the next, as in a terminal.
    pub carry: [SgrState; 2],
}

impl RunPanel {
    /// Keep one line of output, prefixed with the colour it starts in.
    fn push(&mut self, line: String, err: bool) {
        let carry = &mut self.carry[usize::from(err)];
        let prefix = carry.to_sequence();
        super::sgr::advance(&line, carry);
        self.lines.push((prefix + &line, err));
    }
}

/// Most lines a run panel keeps (the oldest are dropped).
pub const RUN_PANEL_LINES: usize = 2000;

impl App {
    /// `r`: run the slide's runnable code; again, the next runnable block.
    pub(super) fn run_code(&mut self) {
        let runnable: Vec<Code> = self
            .current_links()
            .into_iter()
            .filter_map(|l| match l {
                Link::Run(code) => Some(code),
                Link::Demo(_) | Link::Quiz { .. } | Link::Challenge(_) | Link::Exercise(_) => None,
            })
            .collect();
        if runnable.is_empty() {
            self.status = Some("No runnable code on this slide.".into());
            return;
        }
        let block = match &self.run {
            Some(p) if p.ended.is_some() || runnable.len() > 1 => (p.block + 1) % runnable.len(),
            Some(p) => p.block,
            None => 0,
        };
        let id = self.next_run_id;
        self.next_run_id += 1;
        self.run = Some(RunPanel {
            id,
            block,
            lines: Vec::new(),
            ended: None,
            carry: Default::default(),
        });
        self.effects.push(Effect::StartRun {
            id,
            source: runnable[block].source.clone(),
        });
    }

    /// Stop any run and close its panel.
    pub fn close_run(&mut self) {
        if self.run.take().is_some() {
            self.effects.push(Effect::StopRun);
        }
    }

    /// Output or the end of run `id`; returns whether the panel changed.
    pub(super) fn on_run_event(&mut self, id: u64, event: RunEvent) -> bool {
        let Some(panel) = self.run.as_mut().filter(|p| p.id == id) else {
            return false;
        };
        match event {
            RunEvent::Stdout(l) => panel.push(l, false),
            RunEvent::Stderr(l) => panel.push(l, true),
            RunEvent::Skipped(n) => panel
                .lines
                .push((format!("… {n} more lines came too fast to show"), true)),
            RunEvent::Exited { code, millis } => {
                panel.ended = Some(match code {
                    Some(c) => {
                        format!("exited with code {c} after {:.1} s", millis as f64 / 1000.0)
                    }
                    None => "killed by a signal".into(),
                })
            }
            RunEvent::Stopped => panel.ended = Some("stopped".into()),
            RunEvent::TimedOut { limit_s } => {
                panel.ended = Some(format!("stopped: it ran longer than the {limit_s} s limit"))
            }
            RunEvent::NotStarted(msg) => panel.ended = Some(msg),
        }
        if panel.lines.len() > RUN_PANEL_LINES {
            let extra = panel.lines.len() - RUN_PANEL_LINES;
            panel.lines.drain(..extra);
        }
        true
    }

    /// The links on the current slide at the current step.
    pub fn current_links(&self) -> Vec<Link> {
        let st = match &self.screen {
            Screen::Lesson(st) => st,
            Screen::Present(p) => &p.lesson,
            Screen::Home(_)
            | Screen::DemoList(_)
            | Screen::Demo(_)
            | Screen::Quiz(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => {
                return Vec::new();
            }
        };
        let slide = &self.content.lessons[st.lesson].slides[st.slide];
        Link::on(slide, st.step)
    }
}
