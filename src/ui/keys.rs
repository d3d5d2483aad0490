//! The one key table. Every binding of the tutorial is listed here once:
//! its keys, what it does (as the `?` help, the footers, `threadtutor keys`
//! and the README say it) and the screen it belongs to. The screens' key
//! handlers look keys up here (`lookup(TABLE, &key)`) and match the typed
//! action they get exhaustively, so a key cannot be bound in a handler
//! without being listed, nor listed without a handler.
//!
//! Each screen has its own table of its own action type; the bindings that
//! apply on every screen are in [`EVERYWHERE`]. Screens where the learner
//! types text (a quiz, the search box) take only the "chord" keys of
//! [`EVERYWHERE`] (`F1`, `Ctrl-C`, `Ctrl-Q`): a plain `q` or `?` is typed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The screens (and the pseudo-screen "everywhere") a binding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Everywhere,
    Home,
    Lesson,
    DemoList,
    Demo,
    Quiz,
    Search,
    Help,
    Present,
    Challenge,
    Exercise,
}

impl Context {
    /// Every context, in the order the cheat sheet lists them.
    pub const ALL: [Context; 11] = [
        Context::Everywhere,
        Context::Home,
        Context::Lesson,
        Context::DemoList,
        Context::Demo,
        Context::Quiz,
        Context::Search,
        Context::Help,
        Context::Present,
        Context::Challenge,
        Context::Exercise,
    ];

    /// The name `threadtutor keys` prints (`"screen"` in its JSON).
    pub fn name(self) -> &'static str {
        match self {
            Context::Everywhere => "everywhere",
            Context::Home => "home",
            Context::Lesson => "lesson",
            Context::DemoList => "demo list",
            Context::Demo => "demo",
            Context::Quiz => "quiz",
            Context::Search => "search",
            Context::Help => "help",
            Context::Present => "present",
            Context::Challenge => "challenge",
            Context::Exercise => "exercise",
        }
    }

    /// The heading of the context's section in the help.
    pub fn title(self) -> &'static str {
        match self {
            Context::Everywhere => "Everywhere",
            Context::Home => "Home",
            Context::Lesson => "Lesson",
            Context::DemoList => "Live demos",
            Context::Demo => "Demo",
            Context::Quiz => "Quiz",
            Context::Search => "Search",
            Context::Help => "This help",
            Context::Present => "Present (threadtutor present)",
            Context::Challenge => "Challenge (you are the scheduler)",
            Context::Exercise => "Exercise (threadtutor exercise watch)",
        }
    }

    /// Does the learner type text here (so plain characters are not
    /// commands of [`EVERYWHERE`])?
    pub fn typing(self) -> bool {
        match self {
            Context::Quiz | Context::Search => true,
            Context::Everywhere
            | Context::Home
            | Context::Lesson
            | Context::DemoList
            | Context::Demo
            | Context::Help
            | Context::Present
            | Context::Challenge
            | Context::Exercise => false,
        }
    }
}

/// One key of a binding, as pressed and as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// This key without Ctrl or Alt (a character carries its own case).
    Plain(KeyCode),
    /// Ctrl with a letter.
    Ctrl(char),
    /// Shift with a key (an arrow).
    Shift(KeyCode),
    /// Any of the digits 1 to 9.
    Digit,
    /// Any printable character (typing).
    Text,
    /// A letter a live demo offers (its actions, listed in its footer).
    Letter,
    /// Any key not bound otherwise.
    Any,
}

impl Key {
    /// Does `ev` press this key?
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let shift = ev.modifiers.contains(KeyModifiers::SHIFT);
        match self {
            Key::Plain(code) => {
                let shifted_arrow = shift
                    && matches!(
                        code,
                        KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right
                    );
                ev.code == code && !ctrl && !alt && !shifted_arrow
            }
            Key::Ctrl(c) => {
                ctrl && matches!(ev.code, KeyCode::Char(k) if k.eq_ignore_ascii_case(&c))
            }
            Key::Shift(code) => shift && !ctrl && ev.code == code,
            Key::Digit => !ctrl && !alt && matches!(ev.code, KeyCode::Char('1'..='9')),
            Key::Text | Key::Letter => !ctrl && !alt && matches!(ev.code, KeyCode::Char(_)),
            Key::Any => true,
        }
    }

    /// A key pressed with Ctrl, or a function key: never typed as text,
    /// so it works on the screens where the learner types.
    pub fn is_chord(self) -> bool {
        match self {
            Key::Ctrl(_) => true,
            Key::Plain(code) => matches!(code, KeyCode::F(_)),
            Key::Shift(_) | Key::Digit | Key::Text | Key::Letter | Key::Any => false,
        }
    }

    /// How the key is printed: `→`, `Space`, `Ctrl-C`, `1–9`.
    pub fn label(self) -> String {
        match self {
            Key::Plain(code) => code_label(code),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Shift(code) => format!("Shift-{}", code_label(code)),
            Key::Digit => "1–9".into(),
            Key::Text => "type".into(),
            Key::Letter => "the demo's keys".into(),
            Key::Any => "any other key".into(),
        }
    }
}

fn code_label(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// Whether and how a binding shows in its screen's footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foot {
    /// Only in the help and the cheat sheet.
    Hide,
    /// `(keys, word)` when there is room, in table order.
    Show(&'static str, &'static str),
    /// `(keys, word)` whatever the width: the way back, help and quit.
    Keep(&'static str, &'static str),
}

/// One binding: its keys, its action, what it does, its footer entry.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A: 'static> {
    pub keys: &'static [Key],
    pub action: A,
    pub what: &'static str,
    pub foot: Foot,
}

/// The action of the first binding whose keys match `ev`. Bindings are
/// tried in table order, so a table lists `Key::Any` last.
pub fn lookup<A: Copy>(table: &[Binding<A>], ev: &KeyEvent) -> Option<A> {
    table
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// Like [`lookup`], for the bindings of [`EVERYWHERE`] usable in `ctx`
/// (only chords where the learner types).
pub fn global(ctx: Context, ev: &KeyEvent) -> Option<Global> {
    EVERYWHERE
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|k| (!ctx.typing() || k.is_chord()) && k.matches(ev))
        })
        .map(|b| b.action)
}

/// The global chords (`F1`, `Ctrl-C`, `Ctrl-Q`), which act before any
/// screen sees the key.
pub fn chord(ev: &KeyEvent) -> Option<Global> {
    EVERYWHERE
        .iter()
        .find(|b| b.keys.iter().any(|k| k.is_chord() && k.matches(ev)))
        .map(|b| b.action)
}

use Key::{Ctrl, Digit, Plain, Shift, Text};
use KeyCode::{
    BackTab, Backspace, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

const fn ch(c: char) -> Key {
    Plain(KeyCode::Char(c))
}

/// Actions on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    Help,
    Search,
    Quit,
}

pub static EVERYWHERE: &[Binding<Global>] = &[
    Binding {
        keys: &[ch('?'), Plain(F(1))],
        action: Global::Help,
        what: "the keys of this screen (F1 while typing)",
        foot: Foot::Keep("?", "help"),
    },
    Binding {
        keys: &[ch('/')],
        action: Global::Search,
        what: "search every lesson",
        foot: Foot::Show("/", "search"),
    },
    Binding {
        keys: &[ch('q'), Ctrl('c'), Ctrl('q')],
        action: Global::Quit,
        what: "quit, progress is saved (Ctrl-C while typing)",
        foot: Foot::Keep("q", "quit"),
    },
];

/// The home screen's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeAction {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Open,
    Continue,
    Demos,
}

pub static HOME: &[Binding<HomeAction>] = &[
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: HomeAction::Down,
        what: "choose the next lesson or quiz",
        foot: Foot::Show("↑↓", "choose"),
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: HomeAction::Up,
        what: "choose the previous one",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageDown)],
        action: HomeAction::PageDown,
        what: "ten rows down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageUp)],
        action: HomeAction::PageUp,
        what: "ten rows up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('g'), Plain(Home)],
        action: HomeAction::First,
        what: "the top of the list",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('G'), Plain(End)],
        action: HomeAction::Last,
        what: "the end of the list",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter), Plain(Right), ch('l')],
        action: HomeAction::Open,
        what: "open it where you left it",
        foot: Foot::Show("Enter", "open"),
    },
    Binding {
        keys: &[ch('c')],
        action: HomeAction::Continue,
        what: "continue where you left off",
        foot: Foot::Show("c", "continue"),
    },
    Binding {
        keys: &[ch('d')],
        action: HomeAction::Demos,
        what: "the live demos",
        foot: Foot::Show("d", "demos"),
    },
];

/// The lesson screen's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonAction {
    Next,
    Prev,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    First,
    Last,
    Open,
    Run,
    CloseRun,
    Back,
}

pub static LESSON: &[Binding<LessonAction>] = &[
    Binding {
        keys: &[Plain(Right), ch('l'), ch(' '), ch('n')],
        action: LessonAction::Next,
        what: "next: reveal more, then the next slide",
        foot: Foot::Show("←→", "slides"),
    },
    Binding {
        keys: &[Plain(Left), ch('h'), ch('p'), Plain(Backspace)],
        action: LessonAction::Prev,
        what: "previous (steps back through reveals)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter)],
        action: LessonAction::Open,
        what: "open the slide's demo or quiz",
        foot: Foot::Show("Enter", "open"),
    },
    Binding {
        keys: &[ch('r')],
        action: LessonAction::Run,
        what: "run the slide's runnable code (again: the next block)",
        foot: Foot::Show("r", "run"),
    },
    Binding {
        keys: &[ch('x')],
        action: LessonAction::CloseRun,
        what: "stop the code and close its output",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: LessonAction::ScrollDown,
        what: "scroll a long slide down (mouse wheel too)",
        foot: Foot::Show("↑↓", "scroll"),
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: LessonAction::ScrollUp,
        what: "scroll up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageDown)],
        action: LessonAction::PageDown,
        what: "scroll a page down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageUp)],
        action: LessonAction::PageUp,
        what: "scroll a page up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('g'), Plain(Home)],
        action: LessonAction::First,
        what: "the lesson's first slide",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('G'), Plain(End)],
        action: LessonAction::Last,
        what: "the lesson's last slide",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Esc)],
        action: LessonAction::Back,
        what: "close the code's output, else back to home",
        foot: Foot::Keep("Esc", "home"),
    },
];

/// The list of live demos' actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoListAction {
    Down,
    Up,
    First,
    Last,
    Open,
    Back,
}

pub static DEMO_LIST: &[Binding<DemoListAction>] = &[
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: DemoListAction::Down,
        what: "choose the next demo",
        foot: Foot::Show("↑↓", "choose"),
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: DemoListAction::Up,
        what: "choose the previous demo",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('g'), Plain(Home)],
        action: DemoListAction::First,
        what: "the first demo",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('G'), Plain(End)],
        action: DemoListAction::Last,
        what: "the last demo",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter), Plain(Right), ch('l')],
        action: DemoListAction::Open,
        what: "open the demo",
        foot: Foot::Show("Enter", "open"),
    },
    Binding {
        keys: &[Plain(Esc)],
        action: DemoListAction::Back,
        what: "back to home",
        foot: Foot::Keep("Esc", "home"),
    },
];

/// A live demo's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoAction {
    Start,
    Pause,
    Step,
    NextKey,
    Slower,
    Faster,
    Stop,
    Explain,
    Answer,
    NextParam,
    PrevParam,
    Raise,
    Lower,
    TypeValue,
    LogUp,
    LogDown,
    ExplainUp,
    ExplainDown,
    Back,
    /// A key the demo itself offers (`Demo::actions`).
    DemoKey,
}

pub static DEMO: &[Binding<DemoAction>] = &[
    Binding {
        keys: &[ch('s'), ch('r')],
        action: DemoAction::Start,
        what: "start (again: restart with the parameters shown)",
        foot: Foot::Show("s", "start"),
    },
    Binding {
        keys: &[ch(' '), ch('p')],
        action: DemoAction::Pause,
        what: "pause or resume (starts it when stopped)",
        foot: Foot::Show("Space", "pause"),
    },
    Binding {
        keys: &[ch('.')],
        action: DemoAction::Step,
        what: "one step: exactly one narrated event (pauses first)",
        foot: Foot::Show(".", "step"),
    },
    Binding {
        keys: &[ch('>')],
        action: DemoAction::NextKey,
        what: "run to the next key event (a lost update, a deadlock, a wake-up), then pause",
        foot: Foot::Show(">", "next key"),
    },
    Binding {
        keys: &[ch('[')],
        action: DemoAction::Slower,
        what: "slower (down to 0.05×)",
        foot: Foot::Show("[]", "speed"),
    },
    Binding {
        keys: &[ch(']')],
        action: DemoAction::Faster,
        what: "faster (up to full speed)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('x')],
        action: DemoAction::Stop,
        what: "stop the run",
        foot: Foot::Show("x", "stop"),
    },
    Binding {
        keys: &[ch('e'), ch('i')],
        action: DemoAction::Explain,
        what: "show or hide what to look for (i where the demo uses e)",
        foot: Foot::Show("e", "explain"),
    },
    Binding {
        keys: &[Digit],
        action: DemoAction::Answer,
        what: "answer the demo's question (thread-order, mode=choose)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Tab), Plain(Down), ch('j')],
        action: DemoAction::NextParam,
        what: "choose the next parameter",
        foot: Foot::Show("Tab", "param"),
    },
    Binding {
        keys: &[Plain(BackTab), Plain(Up), ch('k')],
        action: DemoAction::PrevParam,
        what: "choose the previous parameter",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('+'), ch('='), Plain(Right), ch('l')],
        action: DemoAction::Raise,
        what: "raise the chosen parameter",
        foot: Foot::Show("+-", "change"),
    },
    Binding {
        keys: &[ch('-'), Plain(Left), ch('h')],
        action: DemoAction::Lower,
        what: "lower the chosen parameter",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter)],
        action: DemoAction::TypeValue,
        what: "type a value for the chosen parameter (Enter sets it, Esc cancels)",
        foot: Foot::Show("Enter", "type"),
    },
    Binding {
        keys: &[Plain(PageUp)],
        action: DemoAction::LogUp,
        what: "scroll the log up",
        foot: Foot::Show("PgUp/Dn", "log"),
    },
    Binding {
        keys: &[Plain(PageDown)],
        action: DemoAction::LogDown,
        what: "scroll the log down (to the newest)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('K'), Shift(Up)],
        action: DemoAction::ExplainUp,
        what: "scroll what to look for up",
        foot: Foot::Show("J/K", "explain"),
    },
    Binding {
        keys: &[ch('J'), Shift(Down)],
        action: DemoAction::ExplainDown,
        what: "scroll what to look for down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Esc)],
        action: DemoAction::Back,
        what: "stop the demo and go back",
        foot: Foot::Keep("Esc", "back"),
    },
    Binding {
        keys: &[Key::Letter],
        action: DemoAction::DemoKey,
        what: "demo actions: the demo's own keys, shown in its footer (event: set, clear)",
        foot: Foot::Hide,
    },
];

/// A quiz's actions. The quiz screen reads its keys itself (what a key does
/// depends on the kind of question and the field it is in, and text is
/// typed); this table says what they are, for the help, the cheat sheet
/// and the footers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizAction {
    Submit,
    Move,
    Tick,
    Match,
    Reorder,
    Field,
    Runs,
    Scroll,
    Next,
    Retry,
    Again,
    Leave,
}

pub static QUIZ: &[Binding<QuizAction>] = &[
    Binding {
        keys: &[Plain(Enter), Ctrl('s'), Ctrl('d')],
        action: QuizAction::Submit,
        what: "submit the answer (Ctrl-S in long answers and tracing)",
        foot: Foot::Show("Enter", "submit"),
    },
    Binding {
        keys: &[Plain(Down), Plain(Up), ch('j'), ch('k')],
        action: QuizAction::Move,
        what: "move between options, pairs or steps",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch(' '), ch('x'), Digit],
        action: QuizAction::Tick,
        what: "tick an option (1–9: that option)",
        foot: Foot::Show("Space", "tick"),
    },
    Binding {
        keys: &[Plain(Left), Plain(Right)],
        action: QuizAction::Match,
        what: "matching: change the chosen item's partner",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Shift(Up), Shift(Down), ch('K'), ch('J')],
        action: QuizAction::Reorder,
        what: "ordering: move the chosen step up or down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Tab), Plain(BackTab)],
        action: QuizAction::Field,
        what: "tracing: the next or previous field",
        foot: Foot::Show("Tab", "field"),
    },
    Binding {
        keys: &[ch('y'), ch('n')],
        action: QuizAction::Runs,
        what: "tracing: does it run? yes or no",
        foot: Foot::Show("y/n", "runs?"),
    },
    Binding {
        keys: &[Plain(PageDown), Plain(PageUp)],
        action: QuizAction::Scroll,
        what: "scroll a long question",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter), Plain(Right), ch(' '), ch('n'), ch('l')],
        action: QuizAction::Next,
        what: "after an answer: the next question",
        foot: Foot::Show("Enter", "next"),
    },
    Binding {
        keys: &[ch('r')],
        action: QuizAction::Retry,
        what: "on the results: retry the ones you missed",
        foot: Foot::Show("r", "retry missed"),
    },
    Binding {
        keys: &[ch('a')],
        action: QuizAction::Again,
        what: "on the results: the whole quiz again",
        foot: Foot::Show("a", "again"),
    },
    Binding {
        keys: &[Plain(Esc)],
        action: QuizAction::Leave,
        what: "leave the quiz (on the results: Enter or q too)",
        foot: Foot::Keep("Esc", "leave"),
    },
];

/// The search panel's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchAction {
    Down,
    Up,
    Open,
    Clear,
    Erase,
    Close,
    Type,
}

pub static SEARCH: &[Binding<SearchAction>] = &[
    Binding {
        keys: &[Plain(Down), Ctrl('n')],
        action: SearchAction::Down,
        what: "choose the next result",
        foot: Foot::Show("↑↓", "choose"),
    },
    Binding {
        keys: &[Plain(Up), Ctrl('p')],
        action: SearchAction::Up,
        what: "choose the previous result",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter)],
        action: SearchAction::Open,
        what: "open the chosen slide",
        foot: Foot::Show("Enter", "open"),
    },
    Binding {
        keys: &[Ctrl('u')],
        action: SearchAction::Clear,
        what: "clear the search",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Backspace)],
        action: SearchAction::Erase,
        what: "erase the last character",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Esc)],
        action: SearchAction::Close,
        what: "close the search",
        foot: Foot::Keep("Esc", "close"),
    },
    Binding {
        keys: &[Text],
        action: SearchAction::Type,
        what: "narrow the results",
        foot: Foot::Hide,
    },
];

/// The help panel's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpAction {
    Down,
    Up,
    PageDown,
    PageUp,
    Close,
}

pub static HELP: &[Binding<HelpAction>] = &[
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: HelpAction::Down,
        what: "scroll the help down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: HelpAction::Up,
        what: "scroll the help up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageDown)],
        action: HelpAction::PageDown,
        what: "scroll a page down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageUp)],
        action: HelpAction::PageUp,
        what: "scroll a page up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Key::Any],
        action: HelpAction::Close,
        what: "close the help",
        foot: Foot::Hide,
    },
];

/// Present mode's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresentAction {
    Next,
    Prev,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    First,
    Last,
    Open,
    Run,
    CloseRun,
    Blank,
    GoTo,
    Questions,
    Back,
}

pub static PRESENT: &[Binding<PresentAction>] = &[
    Binding {
        keys: &[Plain(Right), ch(' '), ch('l'), ch('n')],
        action: PresentAction::Next,
        what: "next: reveal more, then the next slide",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Left), ch('h'), ch('p'), Plain(Backspace)],
        action: PresentAction::Prev,
        what: "previous (steps back through reveals)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: PresentAction::ScrollDown,
        what: "scroll a long slide down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: PresentAction::ScrollUp,
        what: "scroll up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageDown)],
        action: PresentAction::PageDown,
        what: "scroll a page down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageUp)],
        action: PresentAction::PageUp,
        what: "scroll a page up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Home)],
        action: PresentAction::First,
        what: "the lesson's first slide",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('G'), Plain(End)],
        action: PresentAction::Last,
        what: "the lesson's last slide",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter)],
        action: PresentAction::Open,
        what: "open the slide's demo full-screen (Esc comes back)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('r')],
        action: PresentAction::Run,
        what: "run the slide's runnable code under it (again: the next block)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('x')],
        action: PresentAction::CloseRun,
        what: "stop the code and close its output",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('b')],
        action: PresentAction::Blank,
        what: "blank the screen (any key brings it back)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('g')],
        action: PresentAction::GoTo,
        what: "then a number and Enter: jump to that slide",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('w')],
        action: PresentAction::Questions,
        what: "show or hide the slide's questions, in writing",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Esc)],
        action: PresentAction::Back,
        what: "close the questions or the code's output (q ends the presentation)",
        foot: Foot::Hide,
    },
];

/// A challenge level's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeAction {
    Step,
    Expand,
    Undo,
    Restart,
    Hint,
    Fixed,
    Prove,
    ScrollDown,
    ScrollUp,
    Back,
}

pub static CHALLENGE: &[Binding<ChallengeAction>] = &[
    Binding {
        keys: &[Digit],
        action: ChallengeAction::Step,
        what: "run that thread's next statement",
        foot: Foot::Show("1-9", "step"),
    },
    Binding {
        keys: &[ch('e')],
        action: ChallengeAction::Expand,
        what: "then a thread's number: run one bytecode of its statement",
        foot: Foot::Show("e 1-9", "bytecode"),
    },
    Binding {
        keys: &[ch('u')],
        action: ChallengeAction::Undo,
        what: "undo the last step",
        foot: Foot::Show("u", "undo"),
    },
    Binding {
        keys: &[ch('r')],
        action: ChallengeAction::Restart,
        what: "back to the start",
        foot: Foot::Show("r", "restart"),
    },
    Binding {
        keys: &[ch('h')],
        action: ChallengeAction::Hint,
        what: "the next hint",
        foot: Foot::Show("h", "hint"),
    },
    Binding {
        keys: &[ch('f')],
        action: ChallengeAction::Fixed,
        what: "switch to the fixed version (and back)",
        foot: Foot::Show("f", "fixed"),
    },
    Binding {
        keys: &[ch('p')],
        action: ChallengeAction::Prove,
        what: "on the fixed version: check every schedule",
        foot: Foot::Show("p", "prove"),
    },
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: ChallengeAction::ScrollDown,
        what: "scroll the state panel down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: ChallengeAction::ScrollUp,
        what: "scroll the state panel up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Esc)],
        action: ChallengeAction::Back,
        what: "back (after e: cancel it)",
        foot: Foot::Keep("Esc", "back"),
    },
];

/// The exercise screen's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExerciseAction {
    Hint,
    Next,
    Previous,
    List,
    Solution,
    Check,
    Init,
    Edit,
    Down,
    Up,
    PageDown,
    PageUp,
    Open,
    Back,
}

pub static EXERCISE: &[Binding<ExerciseAction>] = &[
    Binding {
        keys: &[ch('h')],
        action: ExerciseAction::Hint,
        what: "the next hint",
        foot: Foot::Show("h", "hint"),
    },
    Binding {
        keys: &[ch('n')],
        action: ExerciseAction::Next,
        what: "the next exercise",
        foot: Foot::Show("n", "next"),
    },
    Binding {
        keys: &[ch('p')],
        action: ExerciseAction::Previous,
        what: "the previous exercise",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[ch('l')],
        action: ExerciseAction::List,
        what: "the list of exercises (and back)",
        foot: Foot::Show("l", "list"),
    },
    Binding {
        keys: &[ch('s')],
        action: ExerciseAction::Solution,
        what: "after a pass: the reference solution beside yours",
        foot: Foot::Show("s", "solution"),
    },
    Binding {
        keys: &[ch('c')],
        action: ExerciseAction::Check,
        what: "check the file now (it is checked on every save)",
        foot: Foot::Show("c", "check"),
    },
    Binding {
        keys: &[ch('i')],
        action: ExerciseAction::Init,
        what: "write the starter files that are missing",
        foot: Foot::Show("i", "starters"),
    },
    Binding {
        keys: &[ch('o')],
        action: ExerciseAction::Edit,
        what: "open the file in $EDITOR (a terminal editor)",
        foot: Foot::Show("o", "edit"),
    },
    Binding {
        keys: &[Plain(Down), ch('j')],
        action: ExerciseAction::Down,
        what: "scroll down (in the list: the next exercise)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Up), ch('k')],
        action: ExerciseAction::Up,
        what: "scroll up (in the list: the previous exercise)",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageDown)],
        action: ExerciseAction::PageDown,
        what: "scroll a page down",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(PageUp)],
        action: ExerciseAction::PageUp,
        what: "scroll a page up",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Enter)],
        action: ExerciseAction::Open,
        what: "in the list: open the exercise",
        foot: Foot::Hide,
    },
    Binding {
        keys: &[Plain(Esc)],
        action: ExerciseAction::Back,
        what: "back (from the list: to the exercise)",
        foot: Foot::Keep("Esc", "back"),
    },
];

/// One row of the cheat sheet: a binding without its typed action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub context: Context,
    pub keys: Vec<String>,
    pub what: &'static str,
}

fn rows_of<A>(context: Context, table: &[Binding<A>]) -> Vec<Row> {
    table
        .iter()
        .map(|b| Row {
            context,
            keys: b.keys.iter().map(|k| k.label()).collect(),
            what: b.what,
        })
        .collect()
}

/// The bindings of one context, as rows.
pub fn rows(context: Context) -> Vec<Row> {
    match context {
        Context::Everywhere => rows_of(context, EVERYWHERE),
        Context::Home => rows_of(context, HOME),
        Context::Lesson => rows_of(context, LESSON),
        Context::DemoList => rows_of(context, DEMO_LIST),
        Context::Demo => rows_of(context, DEMO),
        Context::Quiz => rows_of(context, QUIZ),
        Context::Search => rows_of(context, SEARCH),
        Context::Help => rows_of(context, HELP),
        Context::Present => rows_of(context, PRESENT),
        Context::Challenge => rows_of(context, CHALLENGE),
        Context::Exercise => rows_of(context, EXERCISE),
    }
}

/// Every binding, context by context.
pub fn all_rows() -> Vec<Row> {
    Context::ALL.into_iter().flat_map(rows).collect()
}

/// A footer entry: the keys as shown and a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FootItem {
    pub keys: &'static str,
    pub word: &'static str,
    /// Never dropped for lack of room.
    pub keep: bool,
}

impl FootItem {
    /// The same keys with another word (`Enter demo` for `Enter open`).
    pub fn word(self, word: &'static str) -> FootItem {
        FootItem { word, ..self }
    }

    /// The same word with other keys (`Ctrl-S submit` for `Enter submit`).
    pub fn keys(self, keys: &'static str) -> FootItem {
        FootItem { keys, ..self }
    }
}

/// A screen's say in its footer: given an action and its entry from the
/// table, the entry to show (perhaps reworded) or None.
pub type Show<'a, A> = &'a dyn Fn(A, FootItem) -> Option<FootItem>;

fn foot_of<A: Copy>(table: &[Binding<A>], show: Show<A>) -> Vec<FootItem> {
    table
        .iter()
        .filter_map(|b| {
            let item = match b.foot {
                Foot::Hide => return None,
                Foot::Show(keys, word) => FootItem {
                    keys,
                    word,
                    keep: false,
                },
                Foot::Keep(keys, word) => FootItem {
                    keys,
                    word,
                    keep: true,
                },
            };
            show(b.action, item)
        })
        .collect()
}

/// The footer of a screen: its own entries for which `show` holds, then
/// the global ones (on a typing screen with their chord keys: `F1 help`,
/// `Ctrl-C quit`).
pub fn footer<A: Copy>(context: Context, table: &[Binding<A>], show: Show<A>) -> Vec<FootItem> {
    let mut items = foot_of(table, show);
    items.extend(global_footer(context));
    items
}

/// The global footer entries for `context`.
pub fn global_footer(context: Context) -> Vec<FootItem> {
    let mut items = Vec::new();
    for b in EVERYWHERE {
        let (keys, word, keep) = match b.foot {
            Foot::Hide => continue,
            Foot::Show(k, w) => (k, w, false),
            Foot::Keep(k, w) => (k, w, true),
        };
        let keys = if context.typing() {
            // The first chord of the binding, spelled out.
            match (b.action, b.keys.iter().find(|k| k.is_chord())) {
                (_, None) => continue,
                (Global::Help, Some(_)) => "F1",
                (Global::Quit, Some(_)) => "Ctrl-C",
                (Global::Search, Some(_)) => continue,
            }
        } else {
            keys
        };
        items.push(FootItem { keys, word, keep });
    }
    items
}

/// The help's sections for a screen, as (heading, rows): the screen's own
/// keys first, then the global ones, then (in the tutorial, not in present
/// mode) the other screens'.
pub fn help_sections(context: Context) -> Vec<(&'static str, Vec<Row>)> {
    let mut out = vec![(context.title(), rows(context))];
    if context != Context::Everywhere {
        out.push((Context::Everywhere.title(), rows(Context::Everywhere)));
    }
    if context != Context::Present {
        for c in Context::ALL {
            if c != context && !matches!(c, Context::Everywhere | Context::Help | Context::Present)
            {
                out.push((c.title(), rows(c)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn keys_match_as_pressed() {
        assert!(ch('q').matches(&press(KeyCode::Char('q'), KeyModifiers::NONE)));
        assert!(!ch('q').matches(&press(KeyCode::Char('q'), KeyModifiers::CONTROL)));
        assert!(Ctrl('c').matches(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!Ctrl('c').matches(&press(KeyCode::Char('c'), KeyModifiers::NONE)));
        // A capital letter arrives with Shift.
        assert!(ch('G').matches(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(Plain(BackTab).matches(&press(KeyCode::BackTab, KeyModifiers::SHIFT)));
        assert!(!Plain(Up).matches(&press(KeyCode::Up, KeyModifiers::SHIFT)));
        assert!(Shift(Up).matches(&press(KeyCode::Up, KeyModifiers::SHIFT)));
        assert!(Digit.matches(&press(KeyCode::Char('7'), KeyModifiers::NONE)));
        assert!(!Digit.matches(&press(KeyCode::Char('0'), KeyModifiers::NONE)));
    }

    #[test]
    fn typing_screens_take_only_chords_from_everywhere() {
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(global(Context::Home, &q), Some(Global::Quit));
        assert_eq!(global(Context::Quiz, &q), None);
        let cc = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(global(Context::Quiz, &cc), Some(Global::Quit));
        assert_eq!(chord(&cc), Some(Global::Quit));
        assert_eq!(chord(&q), None);
        let f1 = press(KeyCode::F(1), KeyModifiers::NONE);
        assert_eq!(global(Context::Search, &f1), Some(Global::Help));
    }

    #[test]
    fn no_key_is_bound_twice_on_a_screen() {
        // Within one context, and against the global keys it takes, each
        // concrete key has one meaning. The quiz is exempt: its keys mean
        // different things by question kind and phase.
        for ctx in Context::ALL {
            let mut bindings = match ctx {
                Context::Quiz | Context::Everywhere => continue,
                Context::Home => flat(HOME),
                Context::Lesson => flat(LESSON),
                Context::DemoList => flat(DEMO_LIST),
                Context::Demo => flat(DEMO),
                Context::Search => flat(SEARCH),
                Context::Help => flat(HELP),
                Context::Present => flat(PRESENT),
                Context::Challenge => flat(CHALLENGE),
                Context::Exercise => flat(EXERCISE),
            };
            bindings.extend(
                flat(EVERYWHERE)
                    .into_iter()
                    .filter(|(k, _)| !ctx.typing() || k.is_chord()),
            );
            let mut seen: Vec<Key> = Vec::new();
            for (k, what) in bindings {
                if matches!(k, Key::Any | Key::Text | Key::Letter) {
                    continue;
                }
                assert!(
                    !seen.contains(&k),
                    "{} binds {} twice ({what})",
                    ctx.name(),
                    k.label()
                );
                seen.push(k);
            }
        }
    }

    fn flat<A>(t: &[Binding<A>]) -> Vec<(Key, &'static str)> {
        t.iter()
            .flat_map(|b| b.keys.iter().map(move |k| (*k, b.what)))
            .collect()
    }

    #[test]
    fn the_footer_keeps_back_help_and_quit() {
        let items = footer(Context::Demo, DEMO, &|_, i| Some(i));
        let kept: Vec<&str> = items.iter().filter(|i| i.keep).map(|i| i.keys).collect();
        assert_eq!(kept, ["Esc", "?", "q"]);
        let quiz = footer(Context::Quiz, QUIZ, &|a, i| {
            (a == QuizAction::Leave).then_some(i)
        });
        let kept: Vec<&str> = quiz.iter().filter(|i| i.keep).map(|i| i.keys).collect();
        assert_eq!(kept, ["Esc", "F1", "Ctrl-C"]);
    }

    #[test]
    fn present_help_shows_present_keys_and_no_other_screen() {
        let titles: Vec<&str> = help_sections(Context::Present)
            .iter()
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(titles, ["Present (threadtutor present)", "Everywhere"]);
        let home: Vec<&str> = help_sections(Context::Home)
            .iter()
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(home[0], "Home");
        assert_eq!(home[1], "Everywhere");
        assert!(!home.contains(&"Present (threadtutor present)"));
    }
}
