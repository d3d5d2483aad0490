//! The screens and what they may ask of the app.
//!
//! Every screen is a value owning its state, with
//! `on_key(&mut self, key, &Cx) -> Cmd` (its keys, looked up in
//! [`super::keys`]) and a `draw` function. The app routes a key to the
//! screen on top and carries out the [`Cmd`] it returns: opening another
//! screen, recording progress, starting code, quitting. Adding a screen is
//! described in `docs/contributing.md` ("Add a screen").

use crate::content::Content;

use super::challenge::ChallengeView;
use super::demo::{Back, DemoView};
use super::demo_list::DemoListState;
use super::exercise::ExerciseView;
use super::home::HomeState;
use super::keys::Context;
use super::lesson::LessonState;
use super::present::PresentState;
use super::quiz::QuizView;
use super::theme::Theme;

/// The screen underneath any overlay (help, search).
pub enum Screen {
    Home(HomeState),
    Lesson(LessonState),
    /// The list of live demos.
    DemoList(DemoListState),
    Demo(Box<DemoView>),
    Quiz(Box<QuizView>),
    /// `threadtutor present`: a lesson full-screen for a projector.
    Present(Box<PresentState>),
    /// A challenge level: the learner is the scheduler.
    Challenge(Box<ChallengeView>),
    /// The exercises (and `threadtutor exercise watch`).
    Exercise(Box<ExerciseView>),
}

impl Screen {
    /// Which part of the key table applies.
    pub fn context(&self) -> Context {
        match self {
            Screen::Home(_) => Context::Home,
            Screen::Lesson(_) => Context::Lesson,
            Screen::DemoList(_) => Context::DemoList,
            Screen::Demo(_) => Context::Demo,
            Screen::Quiz(_) => Context::Quiz,
            Screen::Present(_) => Context::Present,
            Screen::Challenge(_) => Context::Challenge,
            Screen::Exercise(_) => Context::Exercise,
        }
    }
}

/// What a screen may read while it handles a key.
pub struct Cx<'a> {
    pub content: &'a Content,
    pub theme: &'a Theme,
    /// A code run's output is open under the slide.
    pub run_open: bool,
}

/// What a key asks of the app.
#[derive(Debug)]
pub enum Cmd {
    /// Done: the screen changed itself (or nothing needed to change).
    Stay,
    /// Not one of the screen's keys: the app tries the global ones.
    Unbound,
    /// A short message in the footer.
    Say(String),
    Quit,
    /// Leave for where the screen was opened from.
    Back(Back),
    /// The position in the lesson changed: record the visit.
    Moved,
    /// Open a lesson at a slide and reveal step (present mode stays on).
    OpenLesson {
        lesson: usize,
        slide: usize,
        step: usize,
    },
    /// Open the next lesson from its start, saying so.
    NextLesson(usize),
    /// Open a lesson where the learner left it.
    Resume(usize),
    /// Back to the last position saved.
    Continue,
    /// The list of live demos, with this one selected.
    DemoList(usize),
    OpenDemo {
        id: String,
        back: Back,
    },
    OpenQuiz {
        id: String,
        questions: Vec<String>,
        back: Back,
    },
    /// Run the slide's code (again: its next runnable block).
    Run,
    /// Stop the code and close its output.
    CloseRun,
    /// A quiz was left half-way: keep it to resume, then go back.
    QuizPaused {
        quiz: String,
        paused: Box<crate::progress::PausedQuiz>,
        back: Back,
    },
    /// The learner started a paused quiz again: forget the paused attempt.
    QuizAbandoned(String),
    /// A quiz attempt is over: record it.
    QuizDone {
        quiz: String,
        score: f64,
        max: f64,
        missed: Vec<String>,
    },
    OpenChallenge {
        id: String,
        back: Back,
    },
    /// The exercises, at this one (None: the first not passed yet).
    OpenExercises {
        id: Option<String>,
        back: Back,
    },
    /// A challenge level was won: record it.
    ChallengeWon {
        id: String,
        steps: usize,
        hints: usize,
        schedule: String,
    },
    /// Search every schedule of a level's fixed version (on a worker).
    Prove(Box<crate::content::challenge::Challenge>),
    /// Check an exercise's file (on a worker).
    CheckExercise {
        id: String,
        file: std::path::PathBuf,
    },
    /// An exercise passed: record it.
    ExercisePassed {
        id: String,
        hints: usize,
    },
    /// Write the missing starter files into the exercise folder.
    InitExercises(std::path::PathBuf),
    /// Open a file in the learner's terminal editor.
    Edit(std::path::PathBuf),
}
