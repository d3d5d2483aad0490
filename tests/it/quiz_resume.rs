//! Leaving a quiz half-way and coming back (issue 16): Esc asks first, the
//! answers given are kept in the progress file, opening the quiz again
//! offers to resume; the prompts and the wrapped long answer as snapshots;
//! check quizzes shown by title, in lesson order; and the whole round trip
//! through a restart in a pseudo-terminal.

use crate::common;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers};
use threadtutor::content::{Content, Source, load};
use threadtutor::progress::Progress;
use threadtutor::quiz::grade::{Response, grade_answer};
use threadtutor::quiz::report::format_points;
use threadtutor::ui::app::{App, Effect, Screen, home_quizzes};
use threadtutor::ui::demo::Back;
use threadtutor::ui::quiz::{Confirm, Phase, QuizView};
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};

use common::pty::Pty;
use common::{press, press_mod, screen, type_str};

fn content() -> Content {
    load(&Source::Embedded).unwrap()
}

fn app_with(progress: Progress) -> App {
    let mut app = App::new(
        Arc::new(content()),
        Theme::new(ThemeName::Dark, ColorDepth::TrueColor),
        progress,
    );
    app.clock = || 1_000;
    app
}

fn view(app: &App) -> &QuizView {
    match &app.screen {
        Screen::Quiz(v) => v,
        _ => panic!("not on the quiz screen"),
    }
}

/// Pop Quiz 2's multiple-choice and short-answer questions, opened from home.
fn two_questions(app: &mut App) {
    app.open_quiz(
        "pop-quiz-2",
        &["queue-put-full".into(), "put-nowait-exception".into()],
        Back::Home,
    );
}

#[test]
fn esc_asks_then_the_quiz_is_kept_and_offered_again() {
    let mut app = app_with(Progress::default());
    two_questions(&mut app);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(view(&app).pos, 1);
    type_str(&mut app, "queue.Fu");
    press(&mut app, KeyCode::Esc);
    insta::assert_snapshot!("esc_confirm_120x40", screen(&mut app, 120, 40));
    insta::assert_snapshot!("esc_confirm_80x24", screen(&mut app, 80, 24));
    // n stays, with the answer being written.
    press(&mut app, KeyCode::Char('n'));
    assert!(screen(&mut app, 80, 24).contains("queue.Fu"));
    app.take_effects();
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.screen, Screen::Home(_)));
    let paused = app
        .progress
        .paused_quiz("pop-quiz-2")
        .expect("kept")
        .clone();
    assert_eq!((paused.pos, paused.answers.len()), (1, 1));
    assert!(
        app.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::Save(p) if p.paused_quiz("pop-quiz-2").is_some()))
    );

    // Home says where it was left; so does `progress`.
    for _ in 0..app.content.lessons.len() {
        press(&mut app, KeyCode::Down);
    }
    let home = screen(&mut app, 120, 50);
    let row = home.lines().find(|l| l.contains("Pop Quiz 2")).unwrap();
    assert!(row.contains("paused at 2/2"), "{row}");
    let report = threadtutor::progress::report::render(&app.progress, None);
    assert!(
        report.contains("quiz pop-quiz-2: left at question 2 of 2"),
        "{report}"
    );

    // Through a restart: a new app on the saved record.
    let text = toml::to_string(&app.progress).unwrap();
    let mut app = app_with(toml::from_str(&text).unwrap());
    app.open_quiz("pop-quiz-2", &[], Back::Home);
    assert!(matches!(view(&app).confirm, Some(Confirm::Resume(_))));
    insta::assert_snapshot!("resume_prompt_120x40", screen(&mut app, 120, 40));
    insta::assert_snapshot!("resume_prompt_80x24", screen(&mut app, 80, 24));
    press(&mut app, KeyCode::Char('y'));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("question 2/2") && s.contains("resumed at question 2 of 2"),
        "{s}"
    );
    type_str(&mut app, "queue.Full");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(view(&app).phase, Phase::Results);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Score 2 / 2"), "{s}");
    // Everything right: no retry offered.
    assert!(
        s.contains("Every question right.") && !s.contains("retry missed"),
        "{s}"
    );
    // Finishing clears it.
    assert!(app.progress.paused_quiz("pop-quiz-2").is_none());
    assert_eq!(app.progress.quizzes["pop-quiz-2"].attempts.len(), 1);
}

#[test]
fn starting_again_forgets_the_paused_quiz() {
    let mut app = app_with(Progress::default());
    two_questions(&mut app);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.progress.paused_quiz("pop-quiz-2").is_some());
    two_questions(&mut app);
    press(&mut app, KeyCode::Char('n'));
    assert!(app.progress.paused_quiz("pop-quiz-2").is_none());
    let v = view(&app);
    assert_eq!(
        (v.pos, v.phase.clone(), v.confirm.clone()),
        (0, Phase::Answering, None)
    );
}

#[test]
fn the_long_answer_wraps_at_spaces() {
    let mut app = app_with(Progress::default());
    app.open_quiz("pop-quiz-2", &["why-queues".into()], Back::Home);
    let answer = "Queues do the locking for you: a put and a get are always released \
                  atomically, so producers and consumers never need their own lock, and a \
                  blocking get lets a worker wait without polling.";
    type_str(&mut app, answer);
    for (w, h, name) in [
        (120, 40, "long_answer_120x40"),
        (80, 24, "long_answer_80x24"),
    ] {
        let s = screen(&mut app, w, h);
        // Every line of the box ends at a word's end, and the words are whole.
        let boxed: Vec<&str> = s
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('▏'))
            .collect();
        assert!(boxed.len() >= 2, "{s}");
        assert_eq!(
            boxed.join(" ").split_whitespace().collect::<Vec<_>>(),
            answer.split_whitespace().collect::<Vec<_>>(),
            "{s}"
        );
        // The cursor sits after the last word.
        let cursor = view(&app).cursor.expect("a cursor");
        let row = s.lines().nth(usize::from(cursor.y)).unwrap();
        let before: String = row.chars().take(usize::from(cursor.x)).collect();
        assert!(before.ends_with("polling."), "{row:?} at {cursor:?}");
        insta::assert_snapshot!(name, s);
    }
}

#[test]
fn check_quizzes_show_their_titles_in_lesson_order() {
    let c = content();
    // Every quiz has a title of its own.
    for q in &c.quizzes {
        assert!(q.title.is_some(), "{} has no title", q.id);
    }
    // Home: pop quizzes first, then the check quizzes in lesson order.
    let order: Vec<&str> = home_quizzes(&c)
        .iter()
        .map(|&i| c.quizzes[i].id.as_str())
        .collect();
    let pops = order
        .iter()
        .take_while(|id| id.starts_with("pop-quiz"))
        .count();
    assert!(pops >= 1);
    let lesson_of = |id: &str| {
        c.lessons
            .iter()
            .position(|l| {
                let mut found = false;
                for s in &l.slides {
                    threadtutor::content::Block::walk(&s.blocks, &mut |b| {
                        if let threadtutor::content::BlockKind::Quiz { quiz, .. } = &b.kind {
                            found |= quiz == id;
                        }
                    });
                }
                found
            })
            .unwrap_or(usize::MAX)
    };
    let places: Vec<usize> = order[pops..].iter().map(|id| lesson_of(id)).collect();
    assert!(places.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    let mut app = app_with(Progress::default());
    for _ in 0..c.lessons.len() + order.len() {
        press(&mut app, KeyCode::Down);
    }
    let home = screen(&mut app, 120, 80);
    assert!(home.contains("Check yourself: The GIL"), "{home}");
    assert!(
        !home.contains("check-"),
        "an id on the home screen:\n{home}"
    );
    // The slide links and the quiz screen say the title too.
    let gil = c
        .lessons
        .iter()
        .position(|l| l.id == "gil")
        .expect("the GIL lesson");
    app.open_lesson_at(gil, 0, 1);
    press(&mut app, KeyCode::Char('G'));
    let slide = screen(&mut app, 120, 40);
    assert!(slide.contains("✎ Check yourself: The GIL"), "{slide}");
    assert!(!slide.contains("check-gil"), "{slide}");
    press(&mut app, KeyCode::Enter);
    let quiz = screen(&mut app, 120, 40);
    assert!(quiz.contains("Quiz · Check yourself: The GIL"), "{quiz}");
}

const CTRL_S: &[u8] = b"\x13";

/// Take `pop-quiz-2` in a terminal, leave it after one answer, quit, start
/// again, resume, finish: the first answer counts in the result.
#[test]
fn leave_resume_and_finish_across_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let first = "One thread per unit of work; the main loop polls them, which is inefficient.";
    let mut pty = Pty::spawn(&["quiz", "pop-quiz-2", "--seed", "3"], data.path(), 100, 34);
    pty.wait_for("question 1/7");
    pty.send(first.as_bytes());
    pty.send(CTRL_S);
    pty.wait_for("A model answer");
    pty.send(b"\r");
    pty.wait_for("question 2/7");
    pty.send(b"\x1b");
    pty.wait_for("Leave the quiz? Your answers so far are kept.");
    pty.send(b"y");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(saved.contains("[quizzes.pop-quiz-2.paused]"), "{saved}");
    assert!(saved.contains("which is inefficient."), "{saved}");
    assert!(
        !saved.contains("[[quizzes.pop-quiz-2.attempts]]"),
        "{saved}"
    );

    let mut pty = Pty::spawn(&["quiz", "pop-quiz-2"], data.path(), 100, 34);
    pty.wait_for("Resume where you left off (question 2 of 7)?");
    pty.send(b"y");
    pty.wait_for("resumed at question 2 of 7");
    pty.wait_for("question 2/7");
    pty.send(
        b"Lock protects shared data; RLock can be acquired again by the thread that holds it.",
    );
    pty.send(CTRL_S);
    pty.wait_for("A model answer");
    pty.send(b"\r");
    pty.wait_for("Match each item");
    // Nothing matched: asked first.
    pty.send(b"\r");
    pty.wait_for("Submit it anyway?");
    pty.send(b"y");
    pty.wait_for("The answer");
    pty.send(b"\r");
    pty.wait_for("Why are queues great?");
    pty.send(b"\x1b[200~They handle both data protection\rand synchronization.\x1b[201~");
    pty.wait_for("and synchronization.");
    pty.send(CTRL_S);
    pty.wait_for("A model answer");
    pty.send(b"\r");
    pty.wait_for("Choose one:");
    // Enter with nothing chosen does not submit.
    pty.send(b"\r");
    pty.wait_for("choose an option first");
    pty.send(b"1\r");
    pty.wait_for("The answer");
    pty.send(b"\r");
    pty.wait_for("put_nowait");
    pty.send(b"queue.Full\r");
    pty.wait_for("✓ Correct");
    pty.send(b"\r");
    pty.wait_for("runs without an error");
    pty.send(b"y\t");
    pty.send(b"True\rFalse");
    pty.send(CTRL_S);
    pty.wait_for("The answer");
    pty.send(b"\r");
    pty.wait_for("Score");
    // The answer given before the restart is graded in the results.
    let quiz = content().quiz("pop-quiz-2").unwrap().clone();
    let q = quiz.question("brute-force-threads").unwrap();
    let g = grade_answer(q, Some(&Response::Text(first.into())));
    assert!(g.points > 0.0, "{g:?}");
    let want = format!("{}/{}", format_points(g.points), format_points(g.max));
    pty.wait_for("brute-force-threads");
    let s = pty.screen();
    let row = s
        .lines()
        .find(|l| l.trim_start().starts_with("brute-force-threads"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(row.trim_end().ends_with(&want), "{row:?} wants {want}");
    pty.send(b"\r");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(saved.contains("[[quizzes.pop-quiz-2.attempts]]"), "{saved}");
    assert!(!saved.contains("paused]"), "{saved}");
    let p: Progress = toml::from_str(&saved).unwrap();
    let attempts = &p.quizzes["pop-quiz-2"].attempts;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].max, 25.0);
    assert_eq!(
        attempts[0]
            .missed
            .contains(&"brute-force-threads".to_string()),
        !g.correct
    );
}

#[test]
fn enter_with_nothing_chosen_says_so() {
    let mut app = app_with(Progress::default());
    two_questions(&mut app);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.lines().last().unwrap().contains("choose an option first"),
        "{s}"
    );
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(view(&app).phase, Phase::Answering);
}

/// Two instances share the progress file: one leaves a quiz half-way while
/// the other, which never saw it, saves its own work; the paused quiz is not
/// lost. Once finished, the other instance's stale copy does not bring it back.
#[test]
fn a_paused_quiz_survives_and_ends_across_instances() {
    use threadtutor::progress::{PausedQuiz, QuizAttempt, Store};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let mut a = store.load().progress;
    let mut b = store.load().progress;
    a.pause_quiz(
        "pop-quiz-2",
        PausedQuiz {
            at: 1_000,
            seed: 3,
            questions: vec!["queue-put-full".into()],
            round: vec!["queue-put-full".into()],
            pos: 0,
            answers: vec![],
            best: vec![],
        },
    );
    a = store.save(&a).unwrap();
    b.visit("gil", "gil-1", 1, 1_100);
    b = store.save(&b).unwrap();
    assert!(store.load().progress.paused_quiz("pop-quiz-2").is_some());
    assert!(
        b.paused_quiz("pop-quiz-2").is_some(),
        "the merge gave it to b"
    );
    // a finishes it; b, still holding the paused copy, saves again.
    a.record_quiz(
        "pop-quiz-2",
        QuizAttempt {
            at: 2_000,
            score: 1.0,
            max: 1.0,
            missed: vec![],
        },
    );
    store.save(&a).unwrap();
    b.visit("gil", "gil-2", 1, 2_100);
    store.save(&b).unwrap();
    let file = store.load().progress;
    assert_eq!(file.paused_quiz("pop-quiz-2"), None);
    assert_eq!(file.quizzes["pop-quiz-2"].attempts.len(), 1);
}

/// Quitting the tutorial with Ctrl-C in the middle of a quiz keeps it too.
#[test]
fn ctrl_c_in_a_quiz_keeps_it_to_resume() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&["quiz", "pop-quiz-2", "--seed", "3"], data.path(), 100, 34);
    pty.wait_for("question 1/7");
    pty.send(b"One thread per unit of work.");
    pty.send(CTRL_S);
    pty.wait_for("A model answer");
    pty.send(b"\r");
    pty.wait_for("question 2/7");
    pty.send(b"\x03");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    let p: Progress = toml::from_str(&saved).unwrap();
    let paused = p
        .paused_quiz("pop-quiz-2")
        .unwrap_or_else(|| panic!("{saved}"));
    assert_eq!((paused.pos, paused.answers.len()), (1, 1), "{saved}");
    let mut pty = Pty::spawn(&["quiz", "pop-quiz-2"], data.path(), 100, 34);
    pty.wait_for("Resume where you left off (question 2 of 7)?");
    pty.send(b"n");
    pty.wait_for("question 1/7");
    pty.send(b"\x1b");
    pty.wait_for("Leave the quiz?");
    pty.send(b"y");
    assert_eq!(pty.wait_exit(), 0);
    let saved = std::fs::read_to_string(data.path().join("progress.toml")).unwrap();
    assert!(
        !saved.contains("paused]"),
        "starting again forgot it:\n{saved}"
    );
}
