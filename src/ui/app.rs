//! The app's model and its update function: every input becomes an
//! [`AppEvent`], [`App::update`] changes the state and queues [`Effect`]s
//! (save progress, highlight code) for the event loop to carry out. Nothing
//! here blocks or touches the terminal, so it is driven directly in tests.
//!
//! The app only routes: a key goes to the overlay or the screen on top
//! (each owns its state and its keys, see [`super::screen`]), which answers
//! with a [`Cmd`] that the app carries out. The global keys of the key
//! table ([`super::keys::EVERYWHERE`]) are the app's.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, MouseEventKind};
use ratatui::text::Line;

use crate::content::Content;
use crate::progress::{Progress, SaveReport};
use crate::runner::RunEvent;

use super::challenge::{ChallengeOutcome, ChallengeView};
use super::demo::DemoView;
use super::exercise::{self, ExerciseOutcome, ExerciseView};
use super::help::{HelpOutcome, HelpView};
use super::keys::{self, Context, Global};
use super::present::{Present, PresentState};
use super::quiz::{QuizOutcome, QuizView};
use super::search::SearchState;
use super::slide_cache::LayoutCache;
use super::theme::Theme;
use super::view::{MIN_HEIGHT, MIN_WIDTH};

pub use super::code_run::{RUN_PANEL_LINES, RunPanel};
pub use super::demo::Back;
pub use super::home::{HomeState, home_quizzes};
pub use super::lesson::{LessonState, backward, forward};
pub use super::screen::{Cmd, Cx, Screen};

/// Everything the event loop feeds the app.
#[derive(Debug)]
pub enum AppEvent {
    Input(Event),
    Highlighted(super::highlight::Highlighted),
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
    /// The proof of a level's fixed version.
    Proved {
        id: String,
        result: Result<crate::challenge::Solution, String>,
    },
    /// The checker's verdict on an exercise's file.
    ExerciseChecked {
        id: String,
        result: Box<Result<crate::exercise::Verdict, crate::exercise::CheckError>>,
    },
    /// A file in the exercise folder changed.
    ExerciseFileChanged(std::path::PathBuf),
    /// A worker's one-line report for the screen (e.g. starters written).
    Said(String),
}

/// Work the event loop does on the app's behalf, off the UI thread.
#[derive(Debug, Clone)]
pub enum Effect {
    Save(Progress),
    Highlight(super::highlight::Job),
    /// Run code with python3 (stopping any run before it).
    StartRun {
        id: u64,
        source: String,
    },
    StopRun,
    /// Present mode: tell the speaker-notes followers where we are.
    Publish(crate::classroom::Notes),
    /// Present mode: tell the followers something else (what the projector
    /// shows, the content problems).
    Announce(crate::classroom::Message),
    /// Search every schedule of a level's fixed version.
    Prove(Box<crate::content::challenge::Challenge>),
    /// Check an exercise's file under the controlled scheduler.
    CheckExercise {
        id: String,
        file: std::path::PathBuf,
    },
    /// Watch the exercise folder; report changed files.
    WatchExercises(std::path::PathBuf),
    /// Write the missing starter files into the folder.
    InitExercises(std::path::PathBuf),
    /// Hand the terminal to `$EDITOR` for this file, then take it back.
    Edit(std::path::PathBuf),
}

/// Panels drawn over the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help(HelpView),
    Search(SearchState),
}

/// What an exercise screen's outcome asks of the app.
fn exercise_cmd(v: &ExerciseView, out: ExerciseOutcome) -> Cmd {
    match out {
        ExerciseOutcome::Stay => Cmd::Stay,
        ExerciseOutcome::Unbound => Cmd::Unbound,
        ExerciseOutcome::Leave => Cmd::Back(v.back.clone()),
        ExerciseOutcome::Check { id, file } => Cmd::CheckExercise { id, file },
        ExerciseOutcome::Init => Cmd::InitExercises(v.dir.clone()),
        ExerciseOutcome::Edit(file) => Cmd::Edit(file),
        ExerciseOutcome::Passed { id, hints } => Cmd::ExercisePassed { id, hints },
    }
}

/// The folder exercises are written to and checked in, by default.
pub const DEFAULT_EXERCISE_DIR: &str = "threadtutor-exercises";

/// The whole app state.
pub struct App {
    pub content: Arc<Content>,
    pub theme: Theme,
    pub progress: Progress,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// A warning (e.g. progress could not be saved), shown until the next
    /// key, which still acts.
    pub banner: Option<String>,
    /// A short message in the footer, cleared by the next key.
    pub status: Option<String>,
    pub highlights: HashMap<u64, Arc<Vec<Line<'static>>>>,
    pub(super) requested: HashSet<u64>,
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// Clock for progress timestamps (fixed in tests).
    pub clock: fn() -> u64,
    /// The code run shown under the slide, if any.
    pub run: Option<RunPanel>,
    pub(super) next_run_id: u64,
    /// The slide the last visit was on (lesson, slide).
    run_slide: Option<(usize, usize)>,
    /// Quit when the first screen is left (`threadtutor quiz ID`).
    pub quit_on_leave: bool,
    /// `--watch`: the problems of the last reload, shown in a panel.
    pub reload_errors: Option<Vec<String>>,
    /// `--reduce-motion`: live demos redraw twice a second, not 30 times.
    pub reduce_motion: bool,
    /// Slides already laid out, so paging back and forth does no layout.
    pub(super) layouts: RefCell<LayoutCache>,
    /// Where the last frame showed the text cursor (None: hidden).
    pub cursor: Option<ratatui::layout::Position>,
    /// The terminal's size at the last frame or resize (columns, rows).
    pub size: Option<(u16, u16)>,
    /// Where the learner's exercise files are (`threadtutor exercise watch
    /// DIR`, else `./threadtutor-exercises`).
    pub exercise_dir: std::path::PathBuf,
    /// `python3 --version` for the exercise screen, or what to install;
    /// looked up the first time the exercises open.
    pub python: Option<Result<String, String>>,
}

impl App {
    pub fn new(content: Arc<Content>, theme: Theme, progress: Progress) -> App {
        App {
            screen: Screen::Home(HomeState::current(&content, &progress)),
            content,
            theme,
            progress,
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
            reload_errors: None,
            reduce_motion: false,
            layouts: RefCell::default(),
            cursor: None,
            size: None,
            exercise_dir: std::path::PathBuf::from(DEFAULT_EXERCISE_DIR),
            python: None,
        }
    }

    /// Apply one event. Returns whether anything visible changed.
    pub fn update(&mut self, event: AppEvent) -> bool {
        let changed = self.update_inner(event);
        if self.presenting().is_some() {
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
            AppEvent::Input(Event::Resize(w, h)) => {
                self.size = Some((w, h));
                true
            }
            AppEvent::Input(Event::Paste(text)) => {
                let active = !self.too_small() && self.overlay.is_none();
                self.paste(&text, active)
            }
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
                Screen::Present(_) => true,
                Screen::Home(_)
                | Screen::Lesson(_)
                | Screen::DemoList(_)
                | Screen::Quiz(_)
                | Screen::Challenge(_)
                | Screen::Exercise(_) => false,
            },
            AppEvent::Reloaded(result) => {
                match result {
                    Ok(content) => self.replace_content(*content),
                    Err(lines) => self.reload_errors = Some(lines),
                }
                true
            }
            AppEvent::Run { id, event } => self.on_run_event(id, event),
            AppEvent::Proved { id, result } => match &mut self.screen {
                Screen::Challenge(v) if v.level.id == id => {
                    v.proved(result);
                    true
                }
                _ => false,
            },
            AppEvent::ExerciseChecked { id, result } => match &mut self.screen {
                Screen::Exercise(v) => {
                    let out = v.checked(&id, *result);
                    self.exercise_outcome(out);
                    true
                }
                _ => false,
            },
            AppEvent::ExerciseFileChanged(path) => match &mut self.screen {
                Screen::Exercise(v) => {
                    let out = v.file_changed(&path);
                    self.exercise_outcome(out);
                    true
                }
                _ => false,
            },
            AppEvent::Said(msg) => {
                match &mut self.screen {
                    Screen::Exercise(v) => {
                        v.say(msg);
                        let out = v.start();
                        // The folder may have just been made: watch it now.
                        self.effects
                            .push(Effect::WatchExercises(self.exercise_dir.clone()));
                        self.exercise_outcome(out);
                    }
                    _ => self.status = Some(msg),
                }
                true
            }
        }
    }

    /// Pasted text goes to a quiz's answer (when it is what is shown).
    fn paste(&mut self, text: &str, active: bool) -> bool {
        match &mut self.screen {
            Screen::Quiz(q) if active => {
                q.on_paste(text);
                true
            }
            Screen::Quiz(_)
            | Screen::Home(_)
            | Screen::Lesson(_)
            | Screen::DemoList(_)
            | Screen::Demo(_)
            | Screen::Present(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => false,
        }
    }

    /// Is the terminal below the size the tutorial draws in?
    pub fn too_small(&self) -> bool {
        self.size
            .is_some_and(|(w, h)| w < MIN_WIDTH || h < MIN_HEIGHT)
    }

    /// The part of the key table that applies now (the overlay's, else the
    /// screen's).
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help(_)) => Context::Help,
            Some(Overlay::Search(_)) => Context::Search,
            None => self.screen.context(),
        }
    }

    /// Route a key: the global chords first (Ctrl-C, F1), then the overlay
    /// or the screen; a key the screen does not bind is tried against the
    /// global keys, else the footer says where the keys are.
    fn on_key(&mut self, key: KeyEvent) {
        self.status = None;
        // A banner goes with the next key, which still acts.
        self.banner = None;
        let ctx = self.context();
        if self.too_small() {
            // Nothing on screen to act on: only quitting works.
            if keys::global(ctx, &key) == Some(Global::Quit) {
                self.quit = true;
            }
            return;
        }
        if let Some(g) = keys::chord(&key) {
            return self.global(g, ctx);
        }
        let cmd = match self.overlay.take() {
            Some(Overlay::Help(mut help)) => {
                // The global keys act first in the help (? closes it).
                if let Some(g) = keys::global(ctx, &key) {
                    return self.global(g, ctx);
                }
                match help.on_key(&key) {
                    HelpOutcome::Stay => self.overlay = Some(Overlay::Help(help)),
                    HelpOutcome::Close => {}
                }
                Cmd::Stay
            }
            Some(Overlay::Search(mut search)) => match search.on_key(&key, &self.content) {
                super::search::Outcome::Stay => {
                    self.overlay = Some(Overlay::Search(search));
                    Cmd::Stay
                }
                super::search::Outcome::Close => Cmd::Stay,
                super::search::Outcome::Open { lesson, slide } => Cmd::OpenLesson {
                    lesson,
                    slide,
                    step: 1,
                },
            },
            None => self.screen_key(&key),
        };
        self.apply(cmd, ctx, &key);
    }

    /// The screen on top handles the key.
    fn screen_key(&mut self, key: &KeyEvent) -> Cmd {
        let cx = Cx {
            content: &self.content,
            theme: &self.theme,
            run_open: self.run.is_some(),
        };
        match &mut self.screen {
            Screen::Home(s) => s.on_key(key, &cx),
            Screen::Lesson(s) => s.on_key(key, &cx),
            Screen::DemoList(s) => s.on_key(key),
            Screen::Demo(v) => v.on_key(*key),
            Screen::Quiz(q) => match q.on_key(*key) {
                QuizOutcome::Stay => Cmd::Stay,
                QuizOutcome::Leave => Cmd::Back(q.back.clone()),
                QuizOutcome::Pause(paused) => Cmd::QuizPaused {
                    quiz: q.quiz.id.clone(),
                    paused: Box::new(paused),
                    back: q.back.clone(),
                },
                QuizOutcome::Abandon => Cmd::QuizAbandoned(q.quiz.id.clone()),
                QuizOutcome::Finished { score, max, missed } => Cmd::QuizDone {
                    quiz: q.quiz.id.clone(),
                    score,
                    max,
                    missed,
                },
            },
            Screen::Present(p) => p.on_key(key, &cx),
            Screen::Challenge(v) => match v.on_key(*key) {
                ChallengeOutcome::Stay => Cmd::Stay,
                ChallengeOutcome::Unbound => Cmd::Unbound,
                ChallengeOutcome::Leave => Cmd::Back(v.back.clone()),
                ChallengeOutcome::Won {
                    steps,
                    hints,
                    schedule,
                } => Cmd::ChallengeWon {
                    id: v.level.id.clone(),
                    steps,
                    hints,
                    schedule,
                },
                ChallengeOutcome::Prove(level) => Cmd::Prove(level),
            },
            Screen::Exercise(v) => {
                let out = v.on_key(*key);
                exercise_cmd(v, out)
            }
        }
    }

    /// A global key's action in `ctx`.
    fn global(&mut self, g: Global, ctx: Context) {
        match g {
            Global::Quit => self.quit = true,
            // In the help, its key closes it.
            Global::Help if ctx == Context::Help => self.overlay = None,
            Global::Help => self.overlay = Some(Overlay::Help(HelpView::new(ctx))),
            Global::Search => self.overlay = Some(Overlay::Search(SearchState::default())),
        }
    }

    /// Carry out what a screen asked for.
    fn apply(&mut self, cmd: Cmd, ctx: Context, key: &KeyEvent) {
        match cmd {
            Cmd::Stay => {}
            Cmd::Unbound => match keys::global(ctx, key) {
                Some(g) => self.global(g, ctx),
                // Esc where there is nothing to go back to says nothing.
                None if key.code == KeyCode::Esc => {}
                None => self.status = Some("press ? for the keys".into()),
            },
            Cmd::Say(msg) => self.status = Some(msg),
            Cmd::Quit => self.quit = true,
            Cmd::Back(back) => self.go_back(back),
            Cmd::Moved => self.visited(),
            Cmd::OpenLesson {
                lesson,
                slide,
                step,
            } => self.open_lesson_at(lesson, slide, step),
            Cmd::NextLesson(next) => {
                self.open_lesson_at(next, 0, 1);
                self.status = Some(format!("Lesson: {}", self.content.lessons[next].title));
            }
            Cmd::Resume(lesson) => self.open_lesson(lesson),
            Cmd::Continue => self.continue_where_left(),
            Cmd::DemoList(selected) => {
                self.screen = Screen::DemoList(super::demo_list::DemoListState { selected })
            }
            Cmd::OpenDemo { id, back } => self.open_demo(&id, back),
            Cmd::OpenQuiz {
                id,
                questions,
                back,
            } => self.open_quiz(&id, &questions, back),
            Cmd::Run => self.run_code(),
            Cmd::CloseRun => self.close_run(),
            Cmd::QuizDone {
                quiz,
                score,
                max,
                missed,
            } => {
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
            Cmd::QuizPaused { quiz, paused, back } => {
                let paused = crate::progress::PausedQuiz {
                    at: (self.clock)(),
                    ..*paused
                };
                self.progress.pause_quiz(&quiz, paused);
                self.effects.push(Effect::Save(self.progress.clone()));
                self.go_back(back);
            }
            Cmd::QuizAbandoned(quiz) => {
                self.progress.abandon_quiz(&quiz, (self.clock)());
                self.effects.push(Effect::Save(self.progress.clone()));
            }
            Cmd::OpenChallenge { id, back } => self.open_challenge(&id, back),
            Cmd::OpenExercises { id, back } => self.open_exercises(id.as_deref(), back),
            Cmd::ChallengeWon {
                id,
                steps,
                hints,
                schedule,
            } => {
                self.progress.record_challenge(&id, &schedule, steps, hints);
                self.effects.push(Effect::Save(self.progress.clone()));
            }
            Cmd::Prove(level) => self.effects.push(Effect::Prove(level)),
            Cmd::CheckExercise { id, file } => {
                self.effects.push(Effect::CheckExercise { id, file })
            }
            Cmd::ExercisePassed { id, hints } => {
                self.progress.record_exercise(&id, hints);
                self.effects.push(Effect::Save(self.progress.clone()));
            }
            Cmd::InitExercises(dir) => self.effects.push(Effect::InitExercises(dir)),
            Cmd::Edit(file) => self.effects.push(Effect::Edit(file)),
        }
    }

    /// Open a challenge level.
    pub fn open_challenge(&mut self, id: &str, back: Back) {
        let Some(level) = self.content.challenges.iter().find(|c| c.id == id) else {
            self.status = Some(format!("There is no challenge `{id}`."));
            return;
        };
        match ChallengeView::new(Arc::new(level.clone()), back) {
            Ok(v) => {
                self.close_run();
                self.screen = Screen::Challenge(Box::new(v));
            }
            Err(e) => self.status = Some(format!("The level does not load: {e}")),
        }
    }

    /// Open the exercises at `id` (None: the first not passed yet), and
    /// watch their folder.
    pub fn open_exercises(&mut self, id: Option<&str>, back: Back) {
        let python = self
            .python
            .get_or_insert_with(|| match crate::exercise::find_python() {
                Ok(p) => Ok(p.version),
                Err(e) => Err(format!(
                    "{e}. The exercises need Python 3.8 or newer: install python3 (or set THREADTUTOR_PYTHON); everything else works without it."
                )),
            })
            .clone();
        let passed: Vec<String> = self.progress.exercises.keys().cloned().collect();
        let exercises = Arc::new(self.content.exercises.clone());
        let mut view =
            ExerciseView::new(exercises, self.exercise_dir.clone(), python, passed, back);
        if let Some(id) = id
            && let Some(i) = view.exercises.iter().position(|e| e.id == id)
        {
            view.current = i;
            view.status = exercise::Status::NoFile;
        }
        self.close_run();
        self.effects
            .push(Effect::WatchExercises(self.exercise_dir.clone()));
        let out = view.start();
        self.screen = Screen::Exercise(Box::new(view));
        self.exercise_outcome(out);
    }

    /// Carry out what the exercise screen asked for outside a key press.
    fn exercise_outcome(&mut self, out: ExerciseOutcome) {
        let Screen::Exercise(v) = &self.screen else {
            return;
        };
        let cmd = exercise_cmd(v, out);
        self.apply(cmd, Context::Exercise, &KeyEvent::from(KeyCode::Null));
    }

    /// The lesson position on screen (a lesson, or the presentation).
    pub fn lesson_state(&self) -> Option<&LessonState> {
        match &self.screen {
            Screen::Lesson(st) => Some(st),
            Screen::Present(p) => Some(&p.lesson),
            Screen::Home(_)
            | Screen::DemoList(_)
            | Screen::Demo(_)
            | Screen::Quiz(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => None,
        }
    }

    fn lesson_state_mut(&mut self) -> Option<&mut LessonState> {
        match &mut self.screen {
            Screen::Lesson(st) => Some(st),
            Screen::Present(p) => Some(&mut p.lesson),
            Screen::Home(_)
            | Screen::DemoList(_)
            | Screen::Demo(_)
            | Screen::Quiz(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => None,
        }
    }

    /// The presentation, when presenting: on screen, or under a demo
    /// opened from it.
    pub fn presenting(&self) -> Option<&PresentState> {
        match &self.screen {
            Screen::Present(p) => Some(p),
            Screen::Demo(v) => match &v.back {
                Back::Present(p) => Some(p),
                Back::Home | Back::HomeAt(_) | Back::DemoList(_) | Back::Lesson(_) => None,
            },
            Screen::Home(_)
            | Screen::Lesson(_)
            | Screen::DemoList(_)
            | Screen::Quiz(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => None,
        }
    }

    /// `threadtutor present`: the lesson `lesson` full-screen from its
    /// first slide.
    pub fn start_presenting(&mut self, lesson: usize) {
        if lesson >= self.content.lessons.len() {
            return;
        }
        self.screen = Screen::Present(Box::new(PresentState {
            lesson: LessonState::new(lesson, 0, 1),
            talk: Present::new(),
        }));
        self.open_lesson_at(lesson, 0, 1);
    }

    /// Scroll the lesson body; returns whether it moved.
    pub fn scroll_by(&mut self, delta: isize) -> bool {
        self.lesson_state_mut()
            .is_some_and(|st| st.scroll_by(delta))
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

    /// Open a lesson at a slide and reveal step (clamped to what exists).
    /// While presenting, the presentation moves there.
    pub fn open_lesson_at(&mut self, lesson: usize, slide: usize, step: usize) {
        let Some(l) = self.content.lessons.get(lesson) else {
            return;
        };
        let slide = slide.min(l.slides.len().saturating_sub(1));
        let step = step.clamp(1, l.slides[slide].steps());
        let st = LessonState::new(lesson, slide, step);
        let talk = match std::mem::replace(&mut self.screen, Screen::Home(HomeState::default())) {
            Screen::Present(p) => Some(p.talk),
            Screen::Demo(v) => match &v.back {
                Back::Present(p) => Some(p.talk.clone()),
                Back::Home | Back::HomeAt(_) | Back::DemoList(_) | Back::Lesson(_) => None,
            },
            Screen::Home(_)
            | Screen::Lesson(_)
            | Screen::DemoList(_)
            | Screen::Quiz(_)
            | Screen::Challenge(_)
            | Screen::Exercise(_) => None,
        };
        self.screen = match talk {
            Some(talk) => Screen::Present(Box::new(PresentState { lesson: st, talk })),
            None => Screen::Lesson(st),
        };
        self.prefetch_highlights(lesson);
        self.visited();
    }

    /// Record the current slide as seen and queue a save.
    fn visited(&mut self) {
        let Some(st) = self.lesson_state() else {
            return;
        };
        // A code run belongs to its slide: moving to another stops it.
        let here = (st.lesson, st.slide);
        if self.run_slide.is_some_and(|s| s != here) {
            self.close_run();
        }
        self.run_slide = Some(here);
        let Some(st) = self.lesson_state() else {
            return;
        };
        let lesson = &self.content.lessons[st.lesson];
        let slide = &lesson.slides[st.slide];
        let (lesson_id, slide_id, step) = (lesson.id.clone(), slide.id.clone(), st.step);
        self.progress
            .visit(&lesson_id, &slide_id, step, (self.clock)());
        self.effects.push(Effect::Save(self.progress.clone()));
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
                let mut view = QuizView::new(quiz, questions, seed, back);
                // A quiz left half-way offers to resume.
                if let Some(p) = self.progress.paused_quiz(id) {
                    view.offer_resume(p.clone());
                }
                self.screen = Screen::Quiz(Box::new(view));
            }
            None => self.status = Some(format!("There is no quiz `{id}`.")),
        }
    }

    fn go_back(&mut self, back: Back) {
        if self.quit_on_leave {
            self.quit = true;
        }
        self.screen = match back {
            Back::Home => Screen::Home(HomeState::current(&self.content, &self.progress)),
            Back::HomeAt(i) => Screen::Home(HomeState { selected: i }),
            Back::DemoList(selected) => {
                Screen::DemoList(super::demo_list::DemoListState { selected })
            }
            Back::Lesson(st) => Screen::Lesson(st),
            Back::Present(p) => Screen::Present(p),
        };
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
            Screen::Lesson(st) => match self.remap(&old, st) {
                Some(st) => {
                    self.open_lesson_at(st.lesson, st.slide, st.step);
                    return;
                }
                None => Screen::Home(HomeState::default()),
            },
            Screen::Present(_) if self.content.lessons.is_empty() => {
                Screen::Home(HomeState::default())
            }
            Screen::Present(p) => match self.remap(&old, p.lesson.clone()) {
                Some(st) => {
                    self.screen = Screen::Present(p);
                    self.open_lesson_at(st.lesson, st.slide, st.step);
                    return;
                }
                // The lesson is gone: present the first one.
                None => {
                    let mut p = p;
                    p.lesson = LessonState::new(0, 0, 1);
                    self.screen = Screen::Present(p);
                    self.open_lesson_at(0, 0, 1);
                    return;
                }
            },
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
            Screen::Challenge(mut v) => {
                v.back = self.remap_back(&old, v.back.clone());
                Screen::Challenge(v)
            }
            Screen::Exercise(mut v) => {
                v.back = self.remap_back(&old, v.back.clone());
                Screen::Exercise(v)
            }
            Screen::DemoList(s) => Screen::DemoList(s),
        };
    }

    /// A position in the old content, in the new: the same lesson by id,
    /// the slide and step clamped. None when the lesson is gone.
    fn remap(&self, old: &Content, mut st: LessonState) -> Option<LessonState> {
        let id = &old.lessons[st.lesson].id;
        let li = self.content.lessons.iter().position(|l| &l.id == id)?;
        let slides = &self.content.lessons[li].slides;
        st.lesson = li;
        st.slide = st.slide.min(slides.len() - 1);
        st.step = st.step.clamp(1, slides[st.slide].steps());
        st.scroll = 0;
        Some(st)
    }

    fn remap_back(&self, old: &Content, back: Back) -> Back {
        match back {
            Back::Lesson(st) => match self.remap(old, st) {
                Some(st) => Back::Lesson(st),
                None => Back::Home,
            },
            Back::Present(mut p) => {
                p.lesson = self
                    .remap(old, p.lesson.clone())
                    .unwrap_or_else(|| LessonState::new(0, 0, 1));
                Back::Present(p)
            }
            Back::Home | Back::HomeAt(_) | Back::DemoList(_) => back,
        }
    }

    /// Take the queued effects.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }
}
