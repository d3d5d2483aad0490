//! The quiz screens as a learner sees them: answering each kind of
//! question, the feedback, the results with "retry the ones I missed", and
//! the attempt saved in progress.

use crate::common;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers};
use threadtutor::content::{Source, load};
use threadtutor::progress::Progress;
use threadtutor::ui::app::{App, Effect, Screen};
use threadtutor::ui::demo::Back;
use threadtutor::ui::quiz::{Phase, QuizView};
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};

use common::{press, press_mod, screen, type_str};

fn app_with_quiz(id: &str, questions: &[&str]) -> App {
    let content = load(&Source::Embedded).unwrap();
    let quiz = content.quiz(id).unwrap().clone();
    let qs: Vec<String> = questions.iter().map(|s| s.to_string()).collect();
    let mut app = App::new(
        Arc::new(content),
        Theme::new(ThemeName::Dark, ColorDepth::TrueColor),
        Progress::default(),
    );
    app.clock = || 42;
    app.screen = Screen::Quiz(Box::new(QuizView::new(quiz, &qs, 7, Back::Home)));
    app
}

fn view(app: &App) -> &QuizView {
    match &app.screen {
        Screen::Quiz(v) => v,
        _ => panic!("not on the quiz screen"),
    }
}

#[test]
fn free_text_answer_and_feedback() {
    let mut app = app_with_quiz("pop-quiz-2", &["brute-force-threads"]);
    insta::assert_snapshot!("free_text_question", screen(&mut app, 80, 20));
    type_str(
        &mut app,
        "One thread per unit of work, and the main loop polls them.",
    );
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(view(&app).phase, Phase::Feedback);
    insta::assert_snapshot!("free_text_feedback", screen(&mut app, 90, 30));
}

#[test]
fn typing_keys_do_not_trigger_global_keys() {
    let mut app = app_with_quiz("pop-quiz-2", &["brute-force-threads"]);
    // q, ? and / are text here, not quit, help and search.
    type_str(&mut app, "q?/ d");
    assert!(!app.quit);
    assert!(app.overlay.is_none());
    assert!(screen(&mut app, 80, 20).contains("q?/ d"));
}

#[test]
fn matching_and_multiple_choice() {
    let mut app = app_with_quiz("pop-quiz-2", &["match-primitives", "queue-put-full"]);
    for _ in 0..6 {
        press(&mut app, KeyCode::Right);
        press(&mut app, KeyCode::Down);
    }
    insta::assert_snapshot!("matching", screen(&mut app, 100, 20));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    // The multiple-choice question: options shown as radio buttons.
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("( ) 1.") && s.contains("Choose one:"), "{s}");
    press(&mut app, KeyCode::Char('2'));
    assert!(screen(&mut app, 100, 30).contains("(•) 2."));
}

#[test]
fn results_retry_and_progress() {
    let mut app = app_with_quiz("pop-quiz-2", &["put-nowait-exception", "why-queues"]);
    // Questions come in the quiz's order: the free text first (left empty),
    // then the short answer (right). An empty answer asks first.
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(screen(&mut app, 80, 24).contains("Submit it anyway?"));
    press(&mut app, KeyCode::Char('y'));
    assert!(screen(&mut app, 80, 24).contains("○ No answer"));
    press(&mut app, KeyCode::Enter);
    type_str(&mut app, "queue.Full");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, 80, 24).contains("✓ Correct"));
    app.take_effects();
    press(&mut app, KeyCode::Enter);
    assert_eq!(view(&app).phase, Phase::Results);
    insta::assert_snapshot!("results", screen(&mut app, 80, 16));
    // The attempt is recorded and saved.
    let attempts = &app.progress.quizzes["pop-quiz-2"].attempts;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].score, 1.0);
    assert_eq!(attempts[0].missed, vec!["why-queues".to_string()]);
    assert!(
        app.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::Save(_)))
    );
    // Retry asks only the missed one.
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(view(&app).round.len(), 1);
    assert!(screen(&mut app, 80, 24).contains("Why are queues great?"));
    assert!(screen(&mut app, 80, 24).contains("question 1/1"));
}

#[test]
fn tracing_and_ordering_inputs() {
    let mut app = app_with_quiz("pop-quiz-2", &["lock-vs-rlock"]);
    let s = screen(&mut app, 90, 40);
    assert!(
        s.contains("runs without an error") && s.contains("Output"),
        "{s}"
    );
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "True");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(view(&app).phase, Phase::Feedback);

    let content = load(&Source::Embedded).unwrap();
    let ordering = content
        .quizzes
        .iter()
        .flat_map(|q| q.questions.iter().map(move |x| (q, x)))
        .find(|(_, x)| x.kind_name() == "Ordering")
        .map(|(q, x)| (q.id.clone(), x.id.clone().unwrap()))
        .expect("an Ordering question somewhere");
    let mut app = app_with_quiz(&ordering.0, &[&ordering.1]);
    let before = screen(&mut app, 100, 30);
    press_mod(&mut app, KeyCode::Down, KeyModifiers::SHIFT);
    let after = screen(&mut app, 100, 30);
    assert_ne!(before, after, "Shift-↓ moves the step");
}

#[test]
fn paste_goes_into_the_answer() {
    use crossterm::event::Event;
    use threadtutor::ui::app::AppEvent;
    let mut app = app_with_quiz("pop-quiz-2", &["why-queues"]);
    app.update(AppEvent::Input(Event::Paste(
        "They handle protection\nand synchronization.".into(),
    )));
    assert!(screen(&mut app, 80, 20).contains("and synchronization."));
}

#[test]
fn quizzes_open_from_home_and_lessons() {
    let content = load(&Source::Embedded).unwrap();
    let lessons = content.lessons.len();
    let mut app = App::new(
        Arc::new(content),
        Theme::new(ThemeName::Dark, ColorDepth::TrueColor),
        Progress::default(),
    );
    // The first quiz row on home is Pop Quiz 1.
    for _ in 0..lessons {
        press(&mut app, KeyCode::Down);
    }
    let home = screen(&mut app, 80, 40);
    assert!(
        home.contains("Quizzes") && home.contains("Pop Quiz 1"),
        "{home}"
    );
    press(&mut app, KeyCode::Enter);
    if !matches!(app.screen, Screen::Quiz(_)) {
        panic!("Enter did not open the quiz:\n{}", screen(&mut app, 80, 40));
    }
    assert_eq!(view(&app).quiz.id, "pop-quiz-1");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.screen, Screen::Home(_)));
    // A lesson's Check yourself slide opens its questions.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Enter);
    if !matches!(app.screen, Screen::Quiz(_)) {
        panic!(
            "Enter on Check yourself did not open the quiz:\n{}",
            screen(&mut app, 80, 30)
        );
    }
    let v = view(&app);
    assert!(v.quiz.id.starts_with("check-"), "{}", v.quiz.id);
    assert!(v.round.len() >= 2 && v.round.len() <= 3);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.screen, Screen::Lesson(_)));
}
