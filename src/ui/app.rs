//! The app's model and its update function: every input becomes an
//! [`AppEvent`], [`App::update`] changes the state and queues [`Effect`]s
//! (save progress, highlight code) for the event loop to carry out. Nothing
//! here blocks or touches the terminal, so it is driven directly in tests.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use ratatui::text::Line;

use crate::content::{BlockKind, Code, Content};
use crate::progress::{Progress, SaveReport};
use crate::runner::RunEvent;

use super::demo::{Back, DemoOutcome, DemoView};
use super::highlight::{self, Highlighted, Job};
use super::layout::{Laid, Link, lay_out};
use super::quiz::{QuizOutcome, QuizView};
use super::search::SearchState;
use super::theme::Theme;

/// Everything the event loop feeds the app.
#[derive(Debug)]
pub enum AppEvent {
    Input(Event),
    Highlighted(Highlighted),
    Saved(SaveReport),
    /// SIGTERM, SIGHUP or SIGINT arrived.
    Signal(i32),
    /// Output or the end of a code run (`id` tells stale runs apart).
    Run {
        id: u64,
        event: RunEvent,
    },
    /// Time passes (sent about 30 times a second while a demo runs, and
    /// once a second while presenting, for the clock).
    Tick,
    /// `--watch`: the content folder changed and was loaded again; either
    /// the new content or its problems as `path:line:col: message` lines.
    Reloaded(Result<Box<Content>, Vec<String>>),
}

/// Work the event loop does on the app's behalf, off the UI thread.
#[derive(Debug, Clone)]
pub enum Effect {
    Save(Progress),
    Highlight(Job),
    /// Run code with python3 (stopping any run before it).
    StartRun {
        id: u64,
        source: String,
    },
    StopRun,
    /// Present mode: tell the speaker-notes followers where we are.
    Publish(crate::classroom::Notes),
}

/// The output panel of a code run.
#[derive(Debug, Clone)]
pub struct RunPanel {
    pub id: u64,
    /// Which runnable block of the slide (for `r` to move on to the next).
    pub block: usize,
    pub lines: Vec<(String, bool)>,
    /// None while running; then how it ended.
    pub ended: Option<String>,
}

/// Most lines a run panel keeps (the oldest are dropped).
pub const RUN_PANEL_LINES: usize = 2000;

/// The screen underneath any overlay.
pub enum Screen {
    Home(HomeState),
    Lesson(LessonState),
    /// The list of live demos (selected index).
    DemoList(usize),
    Demo(Box<DemoView>),
    Quiz(Box<QuizView>),
}

/// Panels drawn over the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The keys, scrolled by this many rows.
    Help(usize),
    Search(SearchState),
}

/// The home screen's selection.
#[derive(Debug, Clone, Default)]
pub struct HomeState {
    /// Index into the lessons.
    pub selected: usize,
}

/// Where the learner is in a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonState {
    pub lesson: usize,
    pub slide: usize,
    /// Reveal step, from 1.
    pub step: usize,
    /// First body line shown.
    pub scroll: usize,
    /// Body lines and visible height at the last draw (for scroll limits).
    pub body_lines: usize,
    pub body_height: usize,
}

/// Where → goes within the lesson: the next reveal step (the scroll
/// stays), else the next slide from its top. None at the lesson's end.
pub fn forward(content: &Content, st: &LessonState) -> Option<LessonState> {
    let slides = &content.lessons[st.lesson].slides;
    let mut to = st.clone();
    if st.step < slides[st.slide].steps() {
        to.step += 1;
    } else if st.slide + 1 < slides.len() {
        to.slide += 1;
        to.step = 1;
        to.scroll = 0;
    } else {
        return None;
    }
    Some(to)
}

/// Where ← goes within the lesson: the previous reveal step, else the
/// previous slide fully revealed. None at the lesson's start.
pub fn backward(content: &Content, st: &LessonState) -> Option<LessonState> {
    let mut to = st.clone();
    if st.step > 1 {
        to.step -= 1;
    } else if st.slide > 0 {
        to.slide -= 1;
        to.step = content.lessons[st.lesson].slides[to.slide].steps();
        to.scroll = 0;
    } else {
        return None;
    }
    Some(to)
}

/// The whole app state.
pub struct App {
    pub content: Arc<Content>,
    pub theme: Theme,
    pub progress: Progress,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// A warning shown until the next key (e.g. progress could not be saved).
    pub banner: Option<String>,
    /// A short message in the footer, cleared by the next key.
    pub status: Option<String>,
    pub highlights: HashMap<u64, Arc<Vec<Line<'static>>>>,
    requested: HashSet<u64>,
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// Clock for progress timestamps (fixed in tests).
    pub clock: fn() -> u64,
    /// The code run shown under the slide, if any.
    pub run: Option<RunPanel>,
    next_run_id: u64,
    /// The slide the last visit was on (lesson, slide).
    run_slide: Option<(usize, usize)>,
    /// Quit when the first screen is left (`threadtutor quiz ID`).
    pub quit_on_leave: bool,
    /// Present mode (`threadtutor present`): full-screen slides.
    pub present: Option<super::present::Present>,
    /// `--watch`: the problems of the last reload, shown in a panel.
    pub reload_errors: Option<Vec<String>>,
    /// `--reduce-motion`: live demos redraw twice a second, not 30 times.
    pub reduce_motion: bool,
    /// Slides already laid out, so paging back and forth does no layout.
    layouts: RefCell<LayoutCache>,
    /// Where the last frame showed the text cursor (None: hidden).
    pub cursor: Option<ratatui::layout::Position>,
}

/// Laid-out slides of one lesson, by (slide, step, width). Emptied when
/// another lesson is drawn, when highlighted code arrives and when the
/// content is reloaded, so it never outgrows a lesson.
#[derive(Debug, Default)]
struct LayoutCache {
    /// Which content the entries were laid out from (its address).
    content: usize,
    lesson: usize,
    slides: HashMap<(usize, usize, u16), Rc<Laid>>,
}

impl App {
    pub fn new(content: Arc<Content>, theme: Theme, progress: Progress) -> App {
        App {
            content,
            theme,
            progress,
            screen: Screen::Home(HomeState::default()),
            overlay: None,
            banner: None,
            status: None,
            highlights: HashMap::new(),
            requested: HashSet::new(),
            effects: Vec::new(),
            quit: false,
            clock: crate::progress::store::now_ms,
            run: None,
            next_run_id: 1,
            run_slide: None,
            quit_on_leave: false,
            present: None,
            reload_errors: None,
            reduce_motion: false,
            layouts: RefCell::default(),
            cursor: None,
        }
    }

    /// The slide `slide` of lesson `lesson` at reveal `step`, laid out for
    /// `width` columns; from the cache when it was laid out before.
    pub fn laid_out(&self, lesson: usize, slide: usize, step: usize, width: u16) -> Rc<Laid> {
        let mut cache = self.layouts.borrow_mut();
        let content = Arc::as_ptr(&self.content) as usize;
        if cache.lesson != lesson || cache.content != content {
            cache.slides.clear();
            cache.lesson = lesson;
            cache.content = content;
        }
        Rc::clone(cache.slides.entry((slide, step, width)).or_insert_with(|| {
            let s = &self.content.lessons[lesson].slides[slide];
            Rc::new(lay_out(s, step, width, &self.theme, &|code| {
                self.highlighted(code)
            }))
        }))
    }

    /// Forget every laid-out slide (their code colours or text changed).
    fn forget_layouts(&self) {
        self.layouts.borrow_mut().slides.clear();
    }

    /// Apply one event. Returns whether anything visible changed.
    pub fn update(&mut self, event: AppEvent) -> bool {
        let changed = self.update_inner(event);
        if self.present.is_some() {
            self.publish_position();
        }
        changed
    }

    fn update_inner(&mut self, event: AppEvent) -> bool {
        match event {
            AppEvent::Input(Event::Key(key)) => {
                // Only presses count: releases and repeats are reported by some
                // terminals and would double every key.
                if key.kind != KeyEventKind::Press {
                    return false;
                }
                self.on_key(key);
                true
            }
            AppEvent::Input(Event::Mouse(m)) => match m.kind {
                MouseEventKind::ScrollDown => self.scroll_by(3),
                MouseEventKind::ScrollUp => self.scroll_by(-3),
                _ => false,
            },
            AppEvent::Input(Event::Resize(..)) => true,
            AppEvent::Input(Event::Paste(text)) => match &mut self.screen {
                Screen::Quiz(q) => {
                    q.on_paste(&text);
                    true
                }
                _ => false,
            },
            AppEvent::Input(_) => false,
            AppEvent::Highlighted(h) => {
                self.highlights.insert(h.key, Arc::new(h.lines));
                self.forget_layouts();
                true
            }
            AppEvent::Saved(SaveReport::Saved(merged)) => {
                // Another instance's work may have come in with the merge.
                let before = self.progress.clone();
                self.progress.merge(&merged);
                before != self.progress
            }
            AppEvent::Saved(SaveReport::Failed(msg) | SaveReport::Notice(msg)) => {
                self.banner = Some(msg);
                true
            }
            AppEvent::Signal(_) => {
                self.quit = true;
                true
            }
            AppEvent::Tick => match &mut self.screen {
                Screen::Demo(view) => view.tick(),
                // The presenter's clock moves on.
                _ => self.present.is_some(),
            },
            AppEvent::Reloaded(result) => {
                match result {
                    Ok(content) => self.replace_content(*content),
                    Err(lines) => self.reload_errors = Some(lines),
                }
                true
            }
            AppEvent::Run { id, event } => {
                let Some(panel) = self.run.as_mut().filter(|p| p.id == id) else {
                    return false;
                };
                match event {
                    RunEvent::Stdout(l) => panel.lines.push((l, false)),
                    RunEvent::Stderr(l) => panel.lines.push((l, true)),
                    RunEvent::Skipped(n) => panel
                        .lines
                        .push((format!("… {n} more lines came too fast to show"), true)),
                    RunEvent::Exited { code, millis } => {
                        panel.ended = Some(match code {
                            Some(c) => format!(
                                "exited with code {c} after {:.1} s",
                                millis as f64 / 1000.0
                            ),
                            None => "killed by a signal".into(),
                        })
                    }
                    RunEvent::Stopped => panel.ended = Some("stopped".into()),
                    RunEvent::TimedOut { limit_s } => {
                        panel.ended =
                            Some(format!("stopped: it ran longer than the {limit_s} s limit"))
                    }
                    RunEvent::NotStarted(msg) => panel.ended = Some(msg),
                }
                if panel.lines.len() > RUN_PANEL_LINES {
                    let extra = panel.lines.len() - RUN_PANEL_LINES;
                    panel.lines.drain(..extra);
                }
                true
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) {
        self.status = None;
        // A key dismisses the banner and still does what it does.
        self.banner = None;
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c' | 'q'))
        {
            self.quit = true;
            return;
        }
        match self.overlay.take() {
            Some(Overlay::Help(scroll)) => match key.code {
                KeyCode::Char('q') => self.quit = true,
                // Arrows scroll a help longer than the screen.
                KeyCode::Down | KeyCode::Char('j') => {
                    self.overlay = Some(Overlay::Help(scroll + 1))
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.overlay = Some(Overlay::Help(scroll.saturating_sub(1)))
                }
                KeyCode::PageDown => self.overlay = Some(Overlay::Help(scroll + 10)),
                KeyCode::PageUp => self.overlay = Some(Overlay::Help(scroll.saturating_sub(10))),
                // Any other key just closes help.
                _ => {}
            },
            Some(Overlay::Search(mut s)) => match s.on_key(key, &self.content) {
                super::search::Outcome::Stay => self.overlay = Some(Overlay::Search(s)),
                super::search::Outcome::Close => {}
                super::search::Outcome::Open { lesson, slide } => {
                    self.open_lesson_at(lesson, slide, 1)
                }
            },
            None if matches!(self.screen, Screen::Quiz(_)) => self.quiz_key(key),
            None if self.present.is_some()
                && matches!(self.screen, Screen::Lesson(_))
                && self.present_key(key) => {}
            None => match key.code {
                KeyCode::Char('?') => self.overlay = Some(Overlay::Help(0)),
                KeyCode::Char('/') => self.overlay = Some(Overlay::Search(SearchState::default())),
                KeyCode::Char('q') => self.quit = true,
                _ => match &self.screen {
                    Screen::Home(_) => self.home_key(key),
                    Screen::Lesson(_) => self.lesson_key(key),
                    Screen::DemoList(_) => self.demo_list_key(key),
                    Screen::Demo(_) => self.demo_key(key),
                    Screen::Quiz(_) => self.quiz_key(key),
                },
            },
        }
    }

    fn home_key(&mut self, key: KeyEvent) {
        let Screen::Home(home) = &mut self.screen else {
            return;
        };
        let lessons = self.content.lessons.len();
        let quizzes = home_quizzes(&self.content);
        let n = lessons + quizzes.len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                home.selected = (home.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => home.selected = home.selected.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => home.selected = 0,
            KeyCode::End | KeyCode::Char('G') => home.selected = n.saturating_sub(1),
            KeyCode::PageDown => home.selected = (home.selected + 10).min(n.saturating_sub(1)),
            KeyCode::PageUp => home.selected = home.selected.saturating_sub(10),
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => {
                let i = home.selected;
                if i < lessons {
                    self.open_lesson(i);
                } else if let Some(&q) = quizzes.get(i - lessons) {
                    let id = self.content.quizzes[q].id.clone();
                    self.open_quiz(&id, &[], Back::HomeAt(i));
                }
            }
            KeyCode::Char('c') => self.continue_where_left(),
            KeyCode::Char('d') => self.screen = Screen::DemoList(0),
            KeyCode::Esc => {}
            _ => self.status = Some("press ? for the keys".into()),
        }
    }

    /// Open a lesson where the learner last was in it (or at the start).
    pub fn open_lesson(&mut self, lesson: usize) {
        let Some(l) = self.content.lessons.get(lesson) else {
            return;
        };
        let slide = self
            .progress
            .lessons
            .get(&l.id)
            .and_then(|p| p.last_slide.as_ref())
            .and_then(|id| l.slides.iter().position(|s| &s.id == id))
            .unwrap_or(0);
        self.open_lesson_at(lesson, slide, 1);
    }

    /// "Continue": back to the last position saved.
    pub fn continue_where_left(&mut self) {
        let target = self.progress.last.as_ref().and_then(|pos| {
            let li = self
                .content
                .lessons
                .iter()
                .position(|l| l.id == pos.lesson)?;
            let si = self.content.lessons[li]
                .slides
                .iter()
                .position(|s| s.id == pos.slide)
                .unwrap_or(0);
            Some((li, si, pos.step))
        });
        match target {
            Some((l, s, step)) => self.open_lesson_at(l, s, step),
            None if !self.content.lessons.is_empty() => self.open_lesson_at(0, 0, 1),
            None => {}
        }
    }

    pub fn open_lesson_at(&mut self, lesson: usize, slide: usize, step: usize) {
        let Some(l) = self.content.lessons.get(lesson) else {
            return;
        };
        let slide = slide.min(l.slides.len().saturating_sub(1));
        let step = step.clamp(1, l.slides[slide].steps());
        self.screen = Screen::Lesson(LessonState {
            lesson,
            slide,
            step,
            scroll: 0,
            body_lines: 0,
            body_height: 0,
        });
        self.prefetch_highlights(lesson);
        self.visited();
    }

    fn lesson_key(&mut self, key: KeyEvent) {
        let Screen::Lesson(st) = &self.screen else {
            return;
        };
        let page = st.body_height.saturating_sub(2).max(1) as isize;
        match key.code {
            KeyCode::Right | KeyCode::Char('l' | ' ' | 'n') => self.next(),
            KeyCode::Left | KeyCode::Char('h' | 'p') | KeyCode::Backspace => self.prev(),
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll_by(1);
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.scroll_by(-1);
            }
            KeyCode::PageDown => {
                self.scroll_by(page);
            }
            KeyCode::PageUp => {
                self.scroll_by(-page);
            }
            KeyCode::Char('g') | KeyCode::Home => self.goto_slide(0, 1),
            KeyCode::Char('G') | KeyCode::End => {
                let last = self.content.lessons[st.lesson].slides.len() - 1;
                self.goto_slide(last, 1)
            }
            KeyCode::Esc if self.run.is_some() => self.close_run(),
            KeyCode::Esc => {
                let lesson = st.lesson;
                self.screen = Screen::Home(HomeState { selected: lesson });
            }
            KeyCode::Enter => self.follow_link(),
            KeyCode::Char('r') => self.run_code(),
            KeyCode::Char('x') if self.run.is_some() => self.close_run(),
            _ => self.status = Some("press ? for the keys".into()),
        }
    }

    /// Forward: the next reveal step, else the next slide, else the next lesson.
    pub fn next(&mut self) {
        let Screen::Lesson(st) = &mut self.screen else {
            return;
        };
        if let Some(moved) = forward(&self.content, st) {
            *st = moved;
        } else if st.lesson + 1 < self.content.lessons.len() {
            let next = st.lesson + 1;
            self.open_lesson_at(next, 0, 1);
            self.status = Some(format!("Lesson: {}", self.content.lessons[next].title));
            return;
        } else {
            self.status = Some("This is the end of the tutorial. Esc goes home.".into());
            return;
        }
        self.visited();
    }

    /// Back: the previous reveal step, else the previous slide fully
    /// revealed, else the previous lesson's last slide.
    pub fn prev(&mut self) {
        let Screen::Lesson(st) = &mut self.screen else {
            return;
        };
        if let Some(moved) = backward(&self.content, st) {
            *st = moved;
        } else if st.lesson > 0 {
            let prev = st.lesson - 1;
            let last = self.content.lessons[prev].slides.len() - 1;
            let steps = self.content.lessons[prev].slides[last].steps();
            self.open_lesson_at(prev, last, steps);
            return;
        } else {
            self.status = Some("This is the first slide.".into());
            return;
        }
        self.visited();
    }

    pub(super) fn goto_slide(&mut self, slide: usize, step: usize) {
        let Screen::Lesson(st) = &mut self.screen else {
            return;
        };
        st.slide = slide;
        st.step = step;
        st.scroll = 0;
        self.visited();
    }

    /// Scroll the lesson body; returns whether it moved.
    pub fn scroll_by(&mut self, delta: isize) -> bool {
        let Screen::Lesson(st) = &mut self.screen else {
            return false;
        };
        let max = st.body_lines.saturating_sub(st.body_height);
        let new = (st.scroll as isize + delta).clamp(0, max as isize) as usize;
        let moved = new != st.scroll;
        st.scroll = new;
        moved
    }

    /// Record the current slide as seen and queue a save.
    fn visited(&mut self) {
        let Screen::Lesson(st) = &self.screen else {
            return;
        };
        // A code run belongs to its slide: moving to another stops it.
        let here = (st.lesson, st.slide);
        if self.run_slide.is_some_and(|s| s != here) {
            self.close_run();
        }
        self.run_slide = Some(here);
        let Screen::Lesson(st) = &self.screen else {
            return;
        };
        let lesson = &self.content.lessons[st.lesson];
        let slide = &lesson.slides[st.slide];
        self.progress
            .visit(&lesson.id, &slide.id, st.step, (self.clock)());
        self.effects.push(Effect::Save(self.progress.clone()));
    }

    /// The links on the current slide at the current step.
    pub fn current_links(&self) -> Vec<Link> {
        let Screen::Lesson(st) = &self.screen else {
            return Vec::new();
        };
        let slide = &self.content.lessons[st.lesson].slides[st.slide];
        super::layout::lay_out(slide, st.step, 200, &self.theme, &|_| None).links
    }

    pub(super) fn follow_link(&mut self) {
        let links = self.current_links();
        match links.iter().find(|l| !matches!(l, Link::Run(_))) {
            Some(Link::Demo(id)) => {
                let Screen::Lesson(st) = &self.screen else {
                    return;
                };
                let back = Back::Lesson(st.clone());
                self.open_demo(id, back);
            }
            Some(Link::Quiz { quiz, questions }) => {
                let Screen::Lesson(st) = &self.screen else {
                    return;
                };
                let back = Back::Lesson(st.clone());
                self.open_quiz(quiz, questions, back);
            }
            _ => self.status = Some("Nothing to open on this slide.".into()),
        }
    }

    /// Open a live demo's screen (it starts when the learner presses s).
    pub fn open_demo(&mut self, id: &str, back: Back) {
        match crate::demos::registry::find(id) {
            Some(demo) => {
                self.close_run();
                self.screen = Screen::Demo(Box::new(DemoView::new(demo, back)));
            }
            None => self.status = Some(format!("There is no live demo `{id}` in this build.")),
        }
    }

    /// Open a quiz (only `questions` by id, or all of it).
    pub fn open_quiz(&mut self, id: &str, questions: &[String], back: Back) {
        match self.content.quiz(id).cloned() {
            Some(quiz) => {
                self.close_run();
                let seed = (self.clock)() ^ 0x5eed;
                self.screen = Screen::Quiz(Box::new(QuizView::new(quiz, questions, seed, back)));
            }
            None => self.status = Some(format!("There is no quiz `{id}`.")),
        }
    }

    fn quiz_key(&mut self, key: KeyEvent) {
        let Screen::Quiz(view) = &mut self.screen else {
            return;
        };
        match view.on_key(key) {
            QuizOutcome::Stay => {}
            QuizOutcome::Leave => {
                let back = view.back.clone();
                self.go_back(back);
            }
            QuizOutcome::Finished { score, max, missed } => {
                let quiz = view.quiz.id.clone();
                let at = (self.clock)();
                self.progress.record_quiz(
                    &quiz,
                    crate::progress::QuizAttempt {
                        at,
                        score,
                        max,
                        missed,
                    },
                );
                self.effects.push(Effect::Save(self.progress.clone()));
            }
        }
    }

    fn go_back(&mut self, back: Back) {
        if self.quit_on_leave {
            self.quit = true;
        }
        self.screen = match back {
            Back::Home => Screen::Home(HomeState::default()),
            Back::HomeAt(i) => Screen::Home(HomeState { selected: i }),
            Back::DemoList(i) => Screen::DemoList(i),
            Back::Lesson(st) => Screen::Lesson(st),
        };
    }

    fn demo_list_key(&mut self, key: KeyEvent) {
        let Screen::DemoList(sel) = &mut self.screen else {
            return;
        };
        let n = crate::demos::registry::all().len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => *sel = (*sel + 1).min(n.saturating_sub(1)),
            KeyCode::Up | KeyCode::Char('k') => *sel = sel.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => *sel = 0,
            KeyCode::End | KeyCode::Char('G') => *sel = n.saturating_sub(1),
            KeyCode::Esc => self.screen = Screen::Home(HomeState::default()),
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => {
                let sel = *sel;
                if let Some(d) = crate::demos::registry::all().get(sel) {
                    self.open_demo(d.info().id, Back::DemoList(sel));
                }
            }
            _ => self.status = Some("press ? for the keys".into()),
        }
    }

    fn demo_key(&mut self, key: KeyEvent) {
        let Screen::Demo(view) = &mut self.screen else {
            return;
        };
        if let DemoOutcome::Leave = view.on_key(key) {
            let back = view.back.clone();
            self.go_back(back);
        }
    }

    /// Time between frames while a demo runs: about 30 a second, or two
    /// with `--reduce-motion`, so nothing seems to move.
    pub fn tick_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(if self.reduce_motion { 500 } else { 33 })
    }

    /// Does the loop need to send ticks (a demo is on screen)?
    pub fn needs_tick(&self) -> bool {
        matches!(&self.screen, Screen::Demo(v) if v.is_running())
    }

    /// `r`: run the slide's runnable code; again, the next runnable block.
    fn run_code(&mut self) {
        let runnable: Vec<Code> = self
            .current_links()
            .into_iter()
            .filter_map(|l| match l {
                Link::Run(code) => Some(code),
                _ => None,
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

    /// Ask for every code block of a lesson to be highlighted, once.
    fn prefetch_highlights(&mut self, lesson: usize) {
        fn codes<'a>(blocks: &'a [crate::content::Block], out: &mut Vec<&'a Code>) {
            for b in blocks {
                match &b.kind {
                    BlockKind::Code(c) => out.push(c),
                    BlockKind::Columns(cols) => cols.iter().for_each(|c| codes(&c.blocks, out)),
                    _ => {}
                }
            }
        }
        let content = Arc::clone(&self.content);
        let mut all = Vec::new();
        for slide in &content.lessons[lesson].slides {
            codes(&slide.blocks, &mut all);
        }
        for code in all {
            let key = highlight::key(&code.language, &code.source, self.theme.syntax_theme);
            if self.requested.insert(key) {
                self.effects.push(Effect::Highlight(Job {
                    key,
                    language: code.language.clone(),
                    source: code.source.clone(),
                    theme: self.theme.syntax_theme,
                }));
            }
        }
    }

    /// Highlighted lines for a code block, if they have arrived.
    pub fn highlighted(&self, code: &Code) -> Option<Arc<Vec<Line<'static>>>> {
        self.highlights
            .get(&highlight::key(
                &code.language,
                &code.source,
                self.theme.syntax_theme,
            ))
            .cloned()
    }

    /// Swap in reloaded content, keeping the position: the same lesson (by
    /// id) and slide number, clamped to what still exists.
    pub fn replace_content(&mut self, content: Content) {
        let old = Arc::clone(&self.content);
        self.content = Arc::new(content);
        self.reload_errors = None;
        self.highlights.clear();
        self.requested.clear();
        self.forget_layouts();
        let screen = std::mem::replace(&mut self.screen, Screen::Home(HomeState::default()));
        self.screen = match screen {
            Screen::Lesson(st) => {
                let id = &old.lessons[st.lesson].id;
                match self.content.lessons.iter().position(|l| &l.id == id) {
                    Some(li) => {
                        let (slide, step) = (st.slide, st.step);
                        self.open_lesson_at(li, slide, step);
                        return;
                    }
                    None => Screen::Home(HomeState::default()),
                }
            }
            Screen::Home(h) => Screen::Home(HomeState {
                selected: h.selected.min(self.content.lessons.len().saturating_sub(1)),
            }),
            // A demo or quiz opened from a slide goes back to where that
            // slide is now (or home, when its lesson is gone).
            Screen::Demo(mut v) => {
                v.back = self.remap_back(&old, v.back.clone());
                Screen::Demo(v)
            }
            Screen::Quiz(mut q) => {
                q.back = self.remap_back(&old, q.back.clone());
                Screen::Quiz(q)
            }
            other => other,
        };
    }

    fn remap_back(&self, old: &Content, back: Back) -> Back {
        let Back::Lesson(mut st) = back else {
            return back;
        };
        let id = &old.lessons[st.lesson].id;
        match self.content.lessons.iter().position(|l| &l.id == id) {
            Some(li) => {
                let slides = &self.content.lessons[li].slides;
                st.lesson = li;
                st.slide = st.slide.min(slides.len() - 1);
                st.step = st.step.clamp(1, slides[st.slide].steps());
                st.scroll = 0;
                Back::Lesson(st)
            }
            None => Back::Home,
        }
    }

    /// Take the queued effects.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }
}

/// The quizzes listed on the home screen, as indices into `content.quizzes`:
/// the pop quizzes first, then the rest in file order.
pub fn home_quizzes(content: &Content) -> Vec<usize> {
    let mut v: Vec<usize> = (0..content.quizzes.len()).collect();
    v.sort_by_key(|&i| !content.quizzes[i].id.starts_with("pop-quiz"));
    v
}
