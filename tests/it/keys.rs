//! The one key table: it drives the screens' handlers, the help, the
//! footers, `threadtutor keys` and the README. And the key rules around it:
//! a banner never eats a key, nothing but quit acts below the minimum size.

use crate::common;

use common::{app, press, press_mod, screen, type_str};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use threadtutor::progress::SaveReport;
use threadtutor::ui::app::{App, AppEvent, Screen};
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::keys::{self, Binding, Context, Key};
use threadtutor::ui::theme::ColorDepth;

/// Concrete presses for a key of the table (one per kind of key).
fn presses(key: Key) -> Vec<KeyEvent> {
    let ev = |code, mods| KeyEvent::new_with_kind(code, mods, KeyEventKind::Press);
    match key {
        Key::Plain(code @ KeyCode::Char(c)) if c.is_ascii_uppercase() => {
            vec![ev(code, KeyModifiers::SHIFT)]
        }
        Key::Plain(KeyCode::BackTab) => vec![ev(KeyCode::BackTab, KeyModifiers::SHIFT)],
        Key::Plain(code) => vec![ev(code, KeyModifiers::NONE)],
        Key::Ctrl(c) => vec![ev(KeyCode::Char(c), KeyModifiers::CONTROL)],
        Key::Shift(code) => vec![ev(code, KeyModifiers::SHIFT)],
        Key::Digit => vec![ev(KeyCode::Char('1'), KeyModifiers::NONE)],
        Key::Text => vec![ev(KeyCode::Char('x'), KeyModifiers::NONE)],
        Key::Letter => vec![ev(KeyCode::Char('z'), KeyModifiers::NONE)],
        Key::Any => vec![ev(KeyCode::Char('z'), KeyModifiers::NONE)],
    }
}

/// What a person (or the event loop) can tell about the app: every cell
/// of the screen with its style, and whether it quit. A live demo reports
/// from its own threads: its news is taken in first.
fn observe(a: &mut App, w: u16, h: u16) -> (ratatui::buffer::Buffer, bool) {
    if matches!(a.screen, Screen::Demo(_)) {
        for _ in 0..20 {
            std::thread::sleep(std::time::Duration::from_millis(5));
            a.update(AppEvent::Tick);
        }
    }
    let term = common::draw(a, w, h);
    (term.backend().buffer().clone(), a.quit)
}

/// Press every key of every binding in `table` on a fresh app made by
/// `setup`, and check that each does something there: the screen or the
/// app changes, or it asks the event loop for work. A key the screen does
/// not know would only say "press ? for the keys".
fn every_key_acts<A: Copy + std::fmt::Debug>(
    name: &str,
    table: &[Binding<A>],
    setup: &dyn Fn(A) -> App,
    (w, h): (u16, u16),
) {
    let mut checked = 0;
    for b in table {
        for key in b.keys {
            for ev in presses(*key) {
                let mut a = setup(b.action);
                let before = observe(&mut a, w, h);
                a.take_effects();
                a.update(AppEvent::Input(Event::Key(ev)));
                let effects = a.take_effects();
                let after = observe(&mut a, w, h);
                assert_ne!(
                    a.status.as_deref(),
                    Some("press ? for the keys"),
                    "{name}: {} ({:?}) is listed but not handled",
                    key.label(),
                    b.action
                );
                assert!(
                    before != after || !effects.is_empty(),
                    "{name}: {} ({:?}) did nothing:\n{}",
                    key.label(),
                    b.action,
                    screen(&mut a, w, h)
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= table.len(), "{name}: every binding was pressed");
}

fn lesson_at(lesson: usize, slide: usize, step: usize) -> App {
    let mut a = app(ColorDepth::TrueColor);
    a.open_lesson_at(lesson, slide, step);
    a
}

#[test]
fn the_home_keys_act() {
    use keys::HomeAction as H;
    every_key_acts(
        "home",
        keys::HOME,
        &|action| {
            let mut a = app(ColorDepth::TrueColor);
            // In the middle of the list, so up and down both move.
            if !matches!(action, H::Down | H::Last | H::PageDown) {
                press(&mut a, KeyCode::Down);
            }
            a
        },
        (80, 24),
    );
}

#[test]
fn the_lesson_keys_act() {
    use keys::LessonAction as L;
    every_key_acts(
        "lesson",
        keys::LESSON,
        &|action| match action {
            // The slide with runnable code, its output open.
            L::Run | L::CloseRun | L::Back => {
                let mut a = lesson_at(1, 2, 1);
                press(&mut a, KeyCode::Char('r'));
                a
            }
            // A slide with a demo to open.
            L::Open => lesson_at(1, 1, 1),
            // A long slide, scrolled a little, in a small terminal.
            L::ScrollDown | L::ScrollUp | L::PageDown | L::PageUp => {
                let mut a = lesson_at(1, 0, 1);
                screen(&mut a, 50, 14);
                press(&mut a, KeyCode::Down);
                a
            }
            // The middle of a lesson, mid-reveal.
            L::Next | L::Prev | L::First | L::Last => lesson_at(0, 1, 2),
        },
        (50, 14),
    );
}

#[test]
fn the_demo_list_keys_act() {
    every_key_acts(
        "demo list",
        keys::DEMO_LIST,
        &|_| {
            let mut a = app(ColorDepth::TrueColor);
            press(&mut a, KeyCode::Char('d'));
            press(&mut a, KeyCode::Down);
            a
        },
        (80, 40),
    );
}

#[test]
fn the_demo_keys_act() {
    use keys::DemoAction as D;
    let demo = threadtutor::demos::registry::all()
        .iter()
        .copied()
        .find(|d| d.info().params.len() >= 2)
        .expect("a demo with parameters");
    every_key_acts(
        "demo",
        keys::DEMO,
        &|action| {
            let mut a = app(ColorDepth::TrueColor);
            // No clock in the header: only the key changes the screen.
            a.reduce_motion = true;
            let mut view = DemoView::new(demo, Back::Home);
            view.show_explain = false;
            view.selected_param = 1;
            if matches!(action, D::Stop | D::Pause | D::Step) {
                view.start_paused();
            }
            a.screen = Screen::Demo(Box::new(view));
            a
        },
        (120, 40),
    );
}

#[test]
fn the_search_keys_act() {
    use keys::SearchAction as S;
    every_key_acts(
        "search",
        keys::SEARCH,
        &|action| {
            let mut a = app(ColorDepth::TrueColor);
            press(&mut a, KeyCode::Char('/'));
            type_str(&mut a, "thread");
            if action == S::Up {
                press(&mut a, KeyCode::Down);
            }
            a
        },
        (80, 24),
    );
}

#[test]
fn the_help_keys_act() {
    every_key_acts(
        "help",
        keys::HELP,
        &|_| {
            let mut a = app(ColorDepth::TrueColor);
            press(&mut a, KeyCode::Char('?'));
            press(&mut a, KeyCode::Down);
            a
        },
        (60, 16),
    );
}

#[test]
fn the_present_keys_act() {
    use keys::PresentAction as P;
    every_key_acts(
        "present",
        keys::PRESENT,
        &|action| {
            let mut a = app(ColorDepth::TrueColor);
            a.start_presenting(0);
            match action {
                P::Open | P::Run => a.open_lesson_at(1, 1, 1),
                P::CloseRun => {
                    a.open_lesson_at(1, 1, 1);
                    press(&mut a, KeyCode::Char('r'));
                }
                P::Back => press(&mut a, KeyCode::Char('w')),
                P::ScrollDown | P::ScrollUp | P::PageDown | P::PageUp => {
                    a.open_lesson_at(1, 0, 1);
                    screen(&mut a, 50, 14);
                    press(&mut a, KeyCode::Down);
                }
                P::Next | P::Prev | P::First | P::Last | P::Blank | P::GoTo | P::Questions => {
                    a.open_lesson_at(0, 1, 2)
                }
            }
            a
        },
        (50, 14),
    );
}

#[test]
fn the_global_keys_act_on_every_screen_that_takes_them() {
    type Setup = Box<dyn Fn() -> App>;
    let setups: Vec<(&str, Setup)> = vec![
        ("home", Box::new(|| app(ColorDepth::TrueColor))),
        ("lesson", Box::new(|| lesson_at(0, 0, 1))),
        (
            "demo list",
            Box::new(|| {
                let mut a = app(ColorDepth::TrueColor);
                press(&mut a, KeyCode::Char('d'));
                a
            }),
        ),
        (
            "present",
            Box::new(|| {
                let mut a = app(ColorDepth::TrueColor);
                a.start_presenting(0);
                a
            }),
        ),
    ];
    for (name, setup) in &setups {
        every_key_acts(name, keys::EVERYWHERE, &|_| setup(), (80, 24));
    }
    // Where the learner types, only the chords act: F1 and Ctrl-C.
    let mut a = app(ColorDepth::TrueColor);
    press(&mut a, KeyCode::Char('/'));
    press(&mut a, KeyCode::Char('q'));
    assert!(!a.quit, "q is typed into the search");
    press(&mut a, KeyCode::F(1));
    assert!(screen(&mut a, 80, 24).contains("Keys"));
    press_mod(&mut a, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(a.quit);
}

/// The quiz of docs/quiz-format.md's complete example: one question of
/// every kind.
const EXAMPLE_QUIZ: &str = r##"# quizzes/example.toml
title = "Example quiz"

[[questions]]
type = "MultipleChoice"
id = "queue-put-full"
prompt.prompt = "What does `q.put(item)` do when the bounded queue `q` is full?"
prompt.distractors = [
  "It raises `queue.Full` at once",
  "It drops the oldest item",
]
answer.answer = "It blocks until there is room"
context = "Only `put_nowait()` or `put(item, block=False)` raise `queue.Full`."

[[questions]]
type = "MultipleChoice"
id = "possible-outputs"
prompt.prompt = "Thread 1 prints `a` then `b`; thread 2 prints `1`. Which outputs are possible?"
prompt.distractors = ["b a 1"]
answer.answer = ["a b 1", "a 1 b", "1 a b"]

[[questions]]
type = "ShortAnswer"
id = "put-nowait-exception"
prompt.prompt = "Which exception does `q.put_nowait(item)` raise on a full queue?"
answer.answer = "queue.Full"
answer.alternatives = ["Full"]

[[questions]]
type = "Tracing"
id = "finally"
prompt.language = "python"
prompt.program = """
import threading
lock = threading.Lock()
try:
    with lock:
        raise ValueError
except ValueError:
    print("locked:", lock.locked())
"""
answer.doesCompile = true
answer.stdout = "locked: False"

[[questions]]
type = "FreeText"
id = "why-queues"
prompt.prompt = "Why are queues great?"
answer.model = """
A queue is thread-safe: it does the locking for you. It also synchronizes:
`get()` blocks until an item arrives, so nobody has to poll.
"""
context = "The deck: a queue handles *both* data protection and synchronization."

[[questions.answer.concepts]]
label = "thread-safe: it does the locking for you"
points = 1
phrases = ["thread-safe", "threadsafe"]
patterns = ["(does|handles|built in) ... lock*"]

[[questions.answer.concepts]]
label = "it synchronizes: get() blocks until an item arrives"
points = 2
patterns = ["synchroni*", "get ... (block*|wait*)"]

[[questions.answer.misconceptions]]
label = "queues make threads run in parallel"
points = 1
patterns = ["queue* (make*|let*) ... parallel*"]

[[questions]]
type = "Matching"
id = "match-primitives"
prompt.prompt = "Match each primitive to its use."
prompt.distractors = ["Stop another thread"]

[questions.answer.pairs]
"Lock()" = "One thread at a time in a critical section"
"Semaphore()" = "At most N threads at once"
"Event()" = "A flag threads wait on"

[[questions]]
type = "Ordering"
id = "shutdown"
prompt.prompt = "Put the steps of a clean shutdown in order."
answer.steps = [
  "Put one sentinel per worker on the queue",
  "Each worker takes a sentinel and returns",
  "join() every worker",
]
"##;

/// An app on the example quiz, only question `id`, past `keys` pressed.
fn quiz_at(id: &str, before: &[KeyEvent]) -> App {
    let quiz = threadtutor::content::quiz::parse_quiz("example", "example.toml", EXAMPLE_QUIZ)
        .expect("the example quiz loads");
    let mut a = app(ColorDepth::TrueColor);
    a.screen = Screen::Quiz(Box::new(threadtutor::ui::quiz::QuizView::new(
        quiz,
        &[id.to_string()],
        7,
        Back::Home,
    )));
    for k in before {
        a.update(AppEvent::Input(Event::Key(*k)));
    }
    a
}

#[test]
fn the_quiz_keys_act_on_the_questions_they_are_for() {
    use keys::QuizAction as Q;
    let key = |code| KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press);
    let ctrl_s = KeyEvent::new_with_kind(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
        KeyEventKind::Press,
    );
    let setup = |action| match action {
        Q::Submit => quiz_at("queue-put-full", &[]),
        Q::Move | Q::Tick => quiz_at("possible-outputs", &[key(KeyCode::Down)]),
        Q::Match => quiz_at("match-primitives", &[]),
        Q::Reorder => quiz_at("shutdown", &[key(KeyCode::Down)]),
        Q::Field | Q::Runs => quiz_at("finally", &[]),
        Q::Scroll => quiz_at("finally", &[key(KeyCode::PageDown)]),
        Q::Next => quiz_at("queue-put-full", &[ctrl_s]),
        // On the results after a wrong answer.
        Q::Retry | Q::Again => quiz_at(
            "put-nowait-exception",
            &[key(KeyCode::Char('x')), ctrl_s, key(KeyCode::Enter)],
        ),
        Q::Leave => quiz_at("queue-put-full", &[]),
    };
    // Scrolling shows in a small terminal; the rest in a roomy one.
    let (scroll, rest): (Vec<Binding<Q>>, Vec<Binding<Q>>) = keys::QUIZ
        .iter()
        .copied()
        .partition(|b| b.action == Q::Scroll);
    every_key_acts("quiz", &scroll, &setup, (60, 12));
    every_key_acts("quiz", &rest, &setup, (80, 40));
    // Letters are typed into an answer, not taken as commands.
    let mut a = quiz_at("put-nowait-exception", &[]);
    type_str(&mut a, "q?/");
    assert!(!a.quit && a.overlay.is_none(), "typed, not commands");
    assert!(screen(&mut a, 60, 12).contains("q?/"));
}

/// The last row of the screen.
fn footer_of(a: &mut App, w: u16, h: u16) -> String {
    screen(a, w, h).lines().last().unwrap_or("").to_string()
}

#[test]
fn footers_keep_back_help_and_quit_at_80x24_and_at_the_minimum() {
    let quiz_app = || {
        let mut a = app(ColorDepth::TrueColor);
        let quiz = a.content.quizzes[0].id.clone();
        a.open_quiz(&quiz, &[], Back::HomeAt(0));
        a
    };
    let mut cases: Vec<(String, App, &[&str])> = vec![
        (
            "home".into(),
            app(ColorDepth::TrueColor),
            &["? help", "q quit"],
        ),
        (
            "lesson".into(),
            lesson_at(1, 2, 1),
            &["Esc home", "? help", "q quit"],
        ),
        (
            "quiz".into(),
            quiz_app(),
            &["Esc leave", "F1 help", "Ctrl-C quit"],
        ),
    ];
    let mut list = app(ColorDepth::TrueColor);
    press(&mut list, KeyCode::Char('d'));
    cases.push(("demo list".into(), list, &["Esc home", "? help", "q quit"]));
    for demo in threadtutor::demos::registry::all() {
        let mut a = app(ColorDepth::TrueColor);
        a.screen = Screen::Demo(Box::new(DemoView::new(demo, Back::Home)));
        cases.push((
            format!("demo {}", demo.info().id),
            a,
            &["Esc back", "? help", "q quit"],
        ));
    }
    for (name, mut a, wanted) in cases {
        for (w, h) in [(80, 24), (40, 12)] {
            // Even with a long message on the left.
            for status in [
                None,
                Some("a message long enough to fill the whole footer by itself and more"),
            ] {
                a.status = status.map(String::from);
                let foot = footer_of(&mut a, w, h);
                for want in wanted {
                    assert!(
                        foot.contains(want),
                        "{name} at {w}×{h} lost {want:?}: {foot:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_message_in_the_footer_keeps_the_place() {
    let mut a = lesson_at(0, 2, 1);
    press(&mut a, KeyCode::Right);
    let foot = footer_of(&mut a, 100, 30);
    assert!(foot.contains("Lesson: Locks"), "{foot}");
    assert!(foot.contains("slide 1/"), "{foot}");
    // And in present mode.
    let mut a = app(ColorDepth::TrueColor);
    a.start_presenting(0);
    a.open_lesson_at(0, 2, 1);
    press(&mut a, KeyCode::Right);
    let foot = footer_of(&mut a, 100, 30);
    assert!(
        foot.contains("Lesson: Locks") && foot.contains("slide 1/"),
        "{foot}"
    );
}

#[test]
fn help_shows_the_screens_keys_first() {
    let mut a = app(ColorDepth::TrueColor);
    a.start_presenting(0);
    press(&mut a, KeyCode::Char('?'));
    let s = screen(&mut a, 100, 40);
    assert!(s.contains("blank the screen"), "{s}");
    for other in [
        "choose the next lesson",
        "narrow the results",
        "submit the answer",
    ] {
        assert!(!s.contains(other), "{other:?} in present's help:\n{s}");
    }
    assert!(!s.contains("any key closes)"), "{s}");

    let mut a = app(ColorDepth::TrueColor);
    a.screen = Screen::Demo(Box::new(DemoView::new(
        threadtutor::demos::registry::all()[0],
        Back::Home,
    )));
    press(&mut a, KeyCode::Char('?'));
    let s = screen(&mut a, 120, 60);
    let first = s
        .lines()
        .find(|l| l.contains("Demo") || l.contains("Home"))
        .unwrap_or("");
    assert!(first.contains("Demo"), "the demo's keys come first:\n{s}");
    assert!(
        s.contains("1–9") && s.contains("answer the demo's question"),
        "{s}"
    );

    let mut a = lesson_at(0, 0, 1);
    press(&mut a, KeyCode::Char('?'));
    let s = screen(&mut a, 120, 60);
    assert!(s.contains("stop the code and close its output"), "{s}");
}

#[test]
fn a_banner_does_not_eat_keys() {
    let mut a = lesson_at(0, 0, 1);
    let mut slides = Vec::new();
    for _ in 0..3 {
        a.update(AppEvent::Saved(SaveReport::Failed(
            "cannot save progress: No space left on device".into(),
        )));
        assert!(screen(&mut a, 100, 30).contains("No space left"));
        press(&mut a, KeyCode::Char('l'));
        let Screen::Lesson(st) = &a.screen else {
            panic!("left the lesson")
        };
        slides.push((st.slide, st.step));
        assert!(!screen(&mut a, 100, 30).contains("No space left"));
    }
    // Every press moved on: slide 2 step 1, step 2, step 3.
    assert_eq!(slides, [(1, 1), (1, 2), (1, 3)]);
}

#[test]
fn below_the_minimum_size_only_quit_acts() {
    let mut a = app(ColorDepth::TrueColor);
    let demo = threadtutor::demos::registry::all()[0];
    a.screen = Screen::Demo(Box::new(DemoView::new(demo, Back::Home)));
    assert!(screen(&mut a, 30, 10).contains("terminal too small"));
    for code in [
        KeyCode::Char('s'),
        KeyCode::Char('.'),
        KeyCode::Esc,
        KeyCode::Char('?'),
    ] {
        press(&mut a, code);
    }
    let Screen::Demo(v) = &a.screen else {
        panic!("Esc acted below the minimum size")
    };
    assert!(!v.is_running(), "s started the demo below the minimum size");
    assert!(a.overlay.is_none());
    // Grown again (a resize arrives before the next frame), keys act.
    a.update(AppEvent::Input(Event::Resize(80, 24)));
    press(&mut a, KeyCode::Char('e'));
    let Screen::Demo(v) = &a.screen else { panic!() };
    assert!(!v.show_explain);
    a.update(AppEvent::Input(Event::Resize(20, 5)));
    press(&mut a, KeyCode::Char('q'));
    assert!(a.quit, "q quits at any size");
}

#[test]
fn the_readme_lists_exactly_what_keys_lists() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("\n## Keys\n").expect("a Keys section");
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 4);
    let table: String = section[..end]
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    let want = threadtutor::cli::keys::markdown();
    assert!(
        table == want,
        "README's key table differs from `threadtutor keys`; it should be:\n{want}"
    );
}

#[test]
fn keys_json_is_the_contract() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(["keys", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), keys::all_rows().len());
    let mut screens = std::collections::BTreeSet::new();
    for row in arr {
        let obj = row.as_object().unwrap();
        let mut names: Vec<&str> = obj.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["action", "keys", "screen"]);
        assert!(!obj["keys"].as_array().unwrap().is_empty());
        assert!(!obj["action"].as_str().unwrap().is_empty());
        screens.insert(obj["screen"].as_str().unwrap().to_string());
    }
    let want: std::collections::BTreeSet<String> =
        Context::ALL.iter().map(|c| c.name().to_string()).collect();
    assert_eq!(screens, want);
    // The cheat sheet names every screen and every action.
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .arg("keys")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for row in keys::all_rows() {
        assert!(text.contains(row.what), "{:?} missing", row.what);
    }
    assert!(text.contains("Present (threadtutor present)"));
}

#[test]
fn present_runs_a_slides_code_on_the_projector() {
    use threadtutor::runner::RunEvent;
    use threadtutor::ui::app::Effect;
    let mut a = app(ColorDepth::TrueColor);
    a.start_presenting(0);
    a.open_lesson_at(1, 1, 1);
    assert!(screen(&mut a, 100, 30).contains("[r] run"));
    a.take_effects();
    press(&mut a, KeyCode::Char('r'));
    let started = a
        .take_effects()
        .into_iter()
        .any(|e| matches!(e, Effect::StartRun { .. }));
    assert!(started, "r starts the slide's code");
    let id = a.run.as_ref().expect("a run panel").id;
    a.update(AppEvent::Run {
        id,
        event: RunEvent::Stdout("hello from worker".into()),
    });
    let s = screen(&mut a, 100, 30);
    assert!(
        s.contains("hello from worker") && s.contains("python3"),
        "{s}"
    );
    // Esc closes the output first; the talk goes on.
    press(&mut a, KeyCode::Esc);
    assert!(a.run.is_none());
    assert!(matches!(a.screen, Screen::Present(_)));
}

/// The real binary at 80×24: the demo footer keeps Esc, ? and q; the help
/// shows the demo's keys first; below the minimum size `s` does nothing.
#[test]
fn in_a_terminal_the_demo_footer_help_and_small_size_hold() {
    use common::pty::Pty;
    let data = tempfile::tempdir().unwrap();
    let dir = common::fixture_dir().display().to_string();
    let mut pty = Pty::spawn(&["--content", &dir], data.path(), 80, 24);
    pty.wait_for("Thread basics");
    pty.send(b"d");
    pty.wait_for("Live demos");
    pty.send(b"\r");
    pty.wait_for("Live demo ·");
    let footer = pty.screen().lines().last().unwrap_or("").to_string();
    for want in ["Esc back", "? help", "q quit"] {
        assert!(footer.contains(want), "{want:?} not in {footer:?}");
    }
    pty.send(b"?");
    pty.wait_for("answer the demo's question");
    pty.send(b"\x1b");
    pty.wait_gone("answer the demo's question");
    pty.resize(30, 8);
    pty.wait_for("terminal too small");
    pty.send(b"s");
    pty.resize(80, 24);
    pty.wait_for("press s to start");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}
