//! The quiz screen's flow without a terminal: asking before leaving,
//! pausing and resuming, refusing to submit nothing, and retrying from the
//! learner's answers with the best score kept.

use super::*;
use crate::content::{Source, load};
use crate::progress::Progress;
use crossterm::event::KeyModifiers;

fn quiz(id: &str) -> Quiz {
    load(&Source::Embedded)
        .expect("content loads")
        .quiz(id)
        .expect("the quiz exists")
        .clone()
}

fn view(questions: &[&str]) -> QuizView {
    let qs: Vec<String> = questions.iter().map(|s| s.to_string()).collect();
    QuizView::new(quiz("pop-quiz-2"), &qs, 7, Back::Home)
}

fn press(v: &mut QuizView, code: KeyCode) -> QuizOutcome {
    v.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl_s(v: &mut QuizView) -> QuizOutcome {
    v.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL))
}

fn type_str(v: &mut QuizView, s: &str) {
    for c in s.chars() {
        press(v, KeyCode::Char(c));
    }
}

/// Pick the right option of the current multiple-choice question.
fn choose_right(v: &mut QuizView) {
    let q = v.question().unwrap().clone();
    let Input::Choice(c) = &v.input else {
        panic!("not a choice")
    };
    let right = (0..c.options.len())
        .find(|&i| grade_answer(&q, Some(&Response::Choices(vec![c.options[i].clone()]))).correct)
        .expect("a right option");
    press(v, KeyCode::Char(char::from(b'1' + right as u8)));
}

#[test]
fn esc_asks_before_leaving_and_n_stays() {
    let mut v = view(&["queue-put-full", "put-nowait-exception"]);
    assert!(matches!(press(&mut v, KeyCode::Esc), QuizOutcome::Stay));
    assert_eq!(v.confirm, Some(Confirm::Leave));
    // Other keys leave the question up; n (or Esc) closes it.
    assert!(matches!(
        press(&mut v, KeyCode::Char('x')),
        QuizOutcome::Stay
    ));
    assert_eq!(v.confirm, Some(Confirm::Leave));
    assert!(matches!(
        press(&mut v, KeyCode::Char('n')),
        QuizOutcome::Stay
    ));
    assert_eq!(v.confirm, None);
    assert_eq!(v.phase, Phase::Answering);
    // Nothing answered yet: leaving keeps nothing.
    press(&mut v, KeyCode::Esc);
    assert!(matches!(
        press(&mut v, KeyCode::Char('y')),
        QuizOutcome::Leave
    ));
}

#[test]
fn leaving_half_way_pauses_and_resume_restores_the_answers() {
    let mut v = view(&["queue-put-full", "put-nowait-exception"]);
    choose_right(&mut v);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.phase, Phase::Feedback);
    press(&mut v, KeyCode::Esc);
    assert_eq!(v.confirm, Some(Confirm::Leave));
    let QuizOutcome::Pause(p) = press(&mut v, KeyCode::Char('y')) else {
        panic!("leaving half-way did not pause")
    };
    assert_eq!(p.pos, 1, "the next question is the one to resume at");
    assert_eq!(p.questions, vec!["queue-put-full", "put-nowait-exception"]);
    assert_eq!(p.answers.len(), 1);
    assert_eq!(p.answers[0].question, "queue-put-full");

    // Through the progress file and back.
    let mut progress = Progress::default();
    progress.pause_quiz("pop-quiz-2", p.clone());
    let text = toml::to_string(&progress).unwrap();
    let read: Progress = toml::from_str(&text).unwrap();
    let p = read
        .paused_quiz("pop-quiz-2")
        .expect("kept in the file")
        .clone();

    // A new screen (seeded differently) offers to resume.
    let mut w = QuizView::new(quiz("pop-quiz-2"), &[], 99, Back::Home);
    w.offer_resume(p);
    let (question, keys) = confirm_text(w.confirm.as_ref().unwrap());
    assert_eq!(question, "Resume where you left off (question 2 of 2)?");
    assert_eq!(keys, "y resume · n start again");
    assert!(matches!(
        press(&mut w, KeyCode::Char('y')),
        QuizOutcome::Stay
    ));
    assert_eq!(w.attempt.len(), 2);
    assert_eq!((w.pos, w.phase.clone()), (1, Phase::Answering));
    assert_eq!(w.seed, 7, "the options keep the order they had");
    let qi = w.attempt[0];
    assert!(w.grades[qi].as_ref().is_some_and(|g| g.correct));
    assert_eq!(w.note.as_deref(), Some("resumed at question 2 of 2"));
    type_str(&mut w, "queue.Full");
    press(&mut w, KeyCode::Enter);
    let QuizOutcome::Finished { score, max, missed } = press(&mut w, KeyCode::Enter) else {
        panic!("the quiz did not finish")
    };
    assert_eq!((score, max), (2.0, 2.0));
    assert!(missed.is_empty());
}

#[test]
fn declining_to_resume_abandons() {
    let mut v = view(&["queue-put-full", "put-nowait-exception"]);
    choose_right(&mut v);
    press(&mut v, KeyCode::Enter);
    press(&mut v, KeyCode::Esc);
    let QuizOutcome::Pause(p) = press(&mut v, KeyCode::Char('y')) else {
        panic!("no pause")
    };
    let mut w = view(&[]);
    w.offer_resume(p);
    assert!(matches!(
        press(&mut w, KeyCode::Char('n')),
        QuizOutcome::Abandon
    ));
    assert_eq!(w.pos, 0);
    assert!(w.answers.iter().all(Option::is_none));
}

#[test]
fn leaving_after_the_last_answer_resumes_at_the_results() {
    let mut v = view(&["queue-put-full"]);
    choose_right(&mut v);
    press(&mut v, KeyCode::Enter);
    press(&mut v, KeyCode::Esc);
    let QuizOutcome::Pause(p) = press(&mut v, KeyCode::Char('y')) else {
        panic!("no pause")
    };
    let mut w = view(&["queue-put-full"]);
    w.offer_resume(p);
    assert!(matches!(
        press(&mut w, KeyCode::Char('y')),
        QuizOutcome::Finished { score: 1.0, .. }
    ));
    assert_eq!(w.phase, Phase::Results);
}

#[test]
fn enter_with_nothing_chosen_does_not_submit() {
    let mut v = view(&["queue-put-full"]);
    press(&mut v, KeyCode::Down);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.phase, Phase::Answering);
    assert_eq!(v.note.as_deref(), Some("choose an option first"));
    ctrl_s(&mut v);
    assert_eq!(v.phase, Phase::Answering);
    // The note goes with the next key.
    press(&mut v, KeyCode::Char('1'));
    assert_eq!(v.note, None);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.phase, Phase::Feedback);
}

#[test]
fn an_empty_written_answer_asks_first() {
    let mut v = view(&["why-queues"]);
    type_str(&mut v, "   ");
    ctrl_s(&mut v);
    assert_eq!(v.confirm, Some(Confirm::EmptyAnswer));
    press(&mut v, KeyCode::Char('n'));
    assert_eq!(
        (v.phase.clone(), v.confirm.clone()),
        (Phase::Answering, None)
    );
    ctrl_s(&mut v);
    press(&mut v, KeyCode::Char('y'));
    assert_eq!(v.phase, Phase::Feedback);
    assert!(!v.grades[v.round[0]].as_ref().unwrap().answered);
    // A one-line answer asks too.
    let mut v = view(&["put-nowait-exception"]);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.confirm, Some(Confirm::EmptyAnswer));
}

#[test]
fn retry_starts_from_the_answers_and_keeps_the_best() {
    let mut v = view(&["match-primitives", "put-nowait-exception"]);
    let qi = v.round[0];
    let QuestionKind::Matching(m) = &v.quiz.questions[qi].kind else {
        panic!("not matching")
    };
    let pairs = m.pairs.clone();
    // Match every item right but the first two (swapped).
    let Input::Matching(mi) = &mut v.input else {
        panic!("not matching")
    };
    for (k, (_, right)) in pairs.iter().enumerate() {
        let want = if k < 2 { &pairs[1 - k].1 } else { right };
        mi.chosen[k] = mi.rights.iter().position(|r| r == want);
    }
    let first = v.response();
    press(&mut v, KeyCode::Enter);
    let partial = v.grades[qi].clone().unwrap();
    assert!(partial.points > 0.0 && !partial.correct, "{partial:?}");
    press(&mut v, KeyCode::Enter);
    type_str(&mut v, "Empty");
    press(&mut v, KeyCode::Enter);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.phase, Phase::Results);

    // Both missed: the retry starts from the answers given.
    assert!(v.retry_missed());
    assert_eq!(v.round.len(), 2);
    assert_eq!(
        v.response(),
        first,
        "the matching starts from the pairs given"
    );
    // A worse answer this time: nothing matched.
    let Input::Matching(mi) = &mut v.input else {
        panic!("not matching")
    };
    mi.chosen.iter_mut().for_each(|c| *c = None);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.confirm, Some(Confirm::EmptyAnswer));
    press(&mut v, KeyCode::Char('y'));
    press(&mut v, KeyCode::Enter);
    let Input::Text(ta) = &v.input else {
        panic!("not text")
    };
    assert_eq!(
        ta.text(),
        "Empty",
        "the short answer starts from the one given"
    );
    let Input::Text(ta) = &mut v.input else {
        unreachable!()
    };
    ta.set_text("queue.Full");
    press(&mut v, KeyCode::Enter);
    let QuizOutcome::Finished { score, missed, .. } = press(&mut v, KeyCode::Enter) else {
        panic!("not finished")
    };
    // The best of each: the partial matching, the right short answer.
    assert_eq!(score, ((partial.points + 1.0) * 1e6).round() / 1e6);
    assert_eq!(missed, vec!["match-primitives".to_string()]);
    assert_eq!(v.grades[qi].as_ref().unwrap().points, 0.0);
    assert_eq!(v.best[qi].as_ref().unwrap().points, partial.points);
    let theme = crate::ui::theme::Theme::new(
        crate::ui::theme::ThemeName::Dark,
        crate::ui::theme::ColorDepth::TrueColor,
    );
    let text: Vec<String> =
        feedback::results_lines(&v.quiz, &v.attempt, &v.best, &v.grades, 100, &theme)
            .iter()
            .map(|l| l.to_string())
            .collect();
    let row = text
        .iter()
        .find(|l| l.starts_with("match-primitives"))
        .unwrap();
    assert!(row.contains("latest 0/"), "{row}");
    // Paused now, both the best and the latest answers are kept.
    let p = v.paused(5);
    assert_eq!(p.best.len(), 1);
    let mut w = view(&["match-primitives", "put-nowait-exception"]);
    w.resume(&p);
    assert_eq!(w.best[qi], v.best[qi]);
    assert_eq!(w.grades[qi], v.grades[qi]);
}

#[test]
fn nothing_to_retry_when_all_right() {
    let mut v = view(&["queue-put-full"]);
    choose_right(&mut v);
    press(&mut v, KeyCode::Enter);
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.phase, Phase::Results);
    assert!(!v.retry_missed());
    press(&mut v, KeyCode::Char('r'));
    assert_eq!(v.phase, Phase::Results);
}

#[test]
fn pasted_lines_keep_their_breaks() {
    let mut v = view(&["why-queues"]);
    v.on_paste("They protect data\rand synchronise\r\nthreads.");
    let Input::Text(ta) = &v.input else {
        panic!("not text")
    };
    assert_eq!(ta.text(), "They protect data\nand synchronise\nthreads.");
    // Not while a prompt is up.
    press(&mut v, KeyCode::Esc);
    v.on_paste("more");
    let Input::Text(ta) = &v.input else {
        panic!("not text")
    };
    assert!(!ta.text().contains("more"));
}
