//! Taking a quiz: one question at a time with a progress bar; after each
//! answer, whether it was right, the concepts found and missed, the expected
//! answer and why; at the end the score (the best answer to each question),
//! a bar per question, and "retry the ones I missed", which starts from the
//! learner's answers. Grading is the quiz module's; this screen only asks.
//!
//! This file is the screen's flow (questions, rounds, leaving and resuming,
//! the prompts that ask before leaving or submitting nothing); each kind of
//! question's input widget has its own file, and [`feedback`] draws the
//! prompt, the feedback and the results.
//!
//! Esc asks before leaving; a quiz left half-way is handed to the app as a
//! [`PausedQuiz`] for the progress file, and opening that quiz again offers
//! to resume it.

mod feedback;
mod free_text;
mod matching;
mod multiple_choice;
mod ordering;
mod resume;
mod short_answer;
mod tracing;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::content::quiz::{Question, QuestionKind, Quiz};
use crate::content::sanitize::inert;
use crate::progress::PausedQuiz;
use crate::quiz::grade::{Grade, Response, grade_answer};
use crate::quiz::shuffle::shown_options;

pub use feedback::markdown_lines;
pub use matching::Matching;
pub use multiple_choice::Choice;
pub use ordering::Ordering;
pub use tracing::Trace;

use super::demo::Back;
use super::keys::{self, Context, FootItem, QuizAction};
use super::layout::truncate;
use super::textarea::TextArea;
use super::view::footer;

/// What a key did in an answer field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Stay,
    /// The learner asked to submit.
    Submit,
}

/// How the learner answers the current question.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Radio buttons (one answer) or checkboxes (several).
    Choice(Choice),
    /// A short or long written answer.
    Text(TextArea),
    /// Tracing: does it run? what does it print? which line fails?
    Trace(Trace),
    /// Matching: each left item gets one of the right items.
    Matching(Matching),
    /// Ordering: move the steps into order.
    Ordering(Ordering),
}

impl Input {
    /// A blank field for question `q`, its options shuffled by `seed`.
    fn fresh(q: &Question, seed: u64) -> Input {
        let shown: Vec<String> = shown_options(q, seed)
            .into_iter()
            .map(str::to_string)
            .collect();
        match &q.kind {
            QuestionKind::MultipleChoice(mc) => Input::Choice(Choice::new(shown, mc.multiple)),
            QuestionKind::ShortAnswer(sa) => Input::Text(short_answer::new(sa)),
            QuestionKind::FreeText(_) => Input::Text(free_text::new()),
            QuestionKind::Tracing(tr) => Input::Trace(Trace::new(tr.language)),
            QuestionKind::Matching(m) => Input::Matching(Matching::new(
                m.pairs.iter().map(|(l, _)| l.clone()).collect(),
                shown,
            )),
            QuestionKind::Ordering(_) => Input::Ordering(Ordering::new(shown)),
        }
    }

    /// Fill the field with an earlier answer (one of another shape is
    /// ignored: the question changed since).
    fn restore(&mut self, r: &Response) {
        match self {
            Input::Choice(c) => match r {
                Response::Choices(chosen) => c.restore(chosen),
                Response::Text(t) => c.restore(std::slice::from_ref(t)),
                Response::Trace(_) | Response::Pairs(_) | Response::Order(_) => {}
            },
            Input::Text(ta) => {
                if let Response::Text(t) = r {
                    ta.set_text(t);
                }
            }
            Input::Trace(tr) => {
                if let Response::Trace(r) = r {
                    tr.restore(r);
                }
            }
            Input::Matching(m) => {
                if let Response::Pairs(p) = r {
                    m.restore(p);
                }
            }
            Input::Ordering(o) => {
                if let Response::Order(order) = r {
                    o.restore(order);
                }
            }
        }
    }

    /// The learner's answer as the grader takes it.
    pub fn response(&self) -> Option<Response> {
        match self {
            Input::Choice(c) => Some(c.response()),
            Input::Text(t) => Some(Response::Text(t.text())),
            Input::Trace(tr) => tr.response(),
            Input::Matching(m) => Some(m.response()),
            Input::Ordering(o) => Some(o.response()),
        }
    }

    /// Is there nothing to submit yet? `Some(what to do)`: the answer is
    /// refused, and the footer says so.
    fn unchosen(&self) -> Option<&'static str> {
        match self {
            Input::Choice(c) if c.nothing_chosen() => Some("choose an option first"),
            Input::Choice(_)
            | Input::Text(_)
            | Input::Trace(_)
            | Input::Matching(_)
            | Input::Ordering(_) => None,
        }
    }

    /// Is the answer empty (submitting it asks first)?
    fn is_blank(&self) -> bool {
        match self {
            Input::Choice(c) => c.nothing_chosen(),
            Input::Text(t) => t.text().trim().is_empty(),
            Input::Trace(tr) => tr.is_blank(),
            Input::Matching(m) => m.is_blank(),
            Input::Ordering(_) => false,
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Step {
        match self {
            Input::Choice(c) => c.on_key(key),
            Input::Text(t) => short_answer::on_key(t, key),
            Input::Trace(tr) => tr.on_key(key),
            Input::Matching(m) => m.on_key(key),
            Input::Ordering(o) => o.on_key(key),
        }
    }

    fn on_paste(&mut self, text: &str) {
        match self {
            Input::Text(t) => t.insert_str(text),
            Input::Trace(tr) => match tr.focus {
                1 => tr.output.insert_str(text),
                2 => tr.line.insert_str(text),
                _ => {}
            },
            Input::Choice(_) | Input::Matching(_) | Input::Ordering(_) => {}
        }
    }
}

/// Where the quiz is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Answering,
    /// The grade of the answer just given.
    Feedback,
    Results,
}

/// A question the screen asks before doing something.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    /// Esc during the quiz: leave it (the answers are kept)?
    Leave,
    /// Submit an empty written answer?
    EmptyAnswer,
    /// This quiz was left half-way: resume it?
    Resume(PausedQuiz),
}

/// What a key asked of the app.
#[derive(Debug)]
pub enum QuizOutcome {
    Stay,
    Leave,
    /// Left half-way: keep this to resume, then leave.
    Pause(PausedQuiz),
    /// The learner chose to start again instead of resuming: forget the
    /// paused attempt.
    Abandon,
    /// The attempt is over: record (score, max, missed question keys).
    Finished {
        score: f64,
        max: f64,
        missed: Vec<String>,
    },
}

/// The quiz screen's state.
pub struct QuizView {
    pub quiz: Quiz,
    pub seed: u64,
    /// The questions of this attempt (indices into the quiz).
    pub attempt: Vec<usize>,
    /// The questions asked in this round (the attempt, or the ones to retry).
    pub round: Vec<usize>,
    pub pos: usize,
    /// The latest grade of each question (indexed like the quiz).
    pub grades: Vec<Option<Grade>>,
    /// The best grade of each question in this attempt.
    pub best: Vec<Option<Grade>>,
    /// The latest answer to each question.
    pub answers: Vec<Option<Response>>,
    /// The answer that earned `best`, where it is not the latest.
    pub best_answers: Vec<Option<Response>>,
    pub input: Input,
    pub phase: Phase,
    pub scroll: usize,
    pub back: Back,
    /// Asking before leaving, submitting nothing, or resuming.
    pub confirm: Option<Confirm>,
    /// A one-line note in the footer ("choose an option first").
    pub note: Option<String>,
    /// Where the text cursor was drawn in the last frame, if anywhere.
    pub cursor: Option<Position>,
}

/// Points and maximum over `attempt`, each question counting its best grade.
pub fn best_score(quiz: &Quiz, attempt: &[usize], best: &[Option<Grade>]) -> (f64, f64) {
    let mut score = 0.0;
    let mut max = 0.0;
    for &i in attempt {
        max += quiz.questions[i].max_points();
        score += best[i].as_ref().map_or(0.0, |g| g.points);
    }
    ((score * 1e6).round() / 1e6, (max * 1e6).round() / 1e6)
}

/// The questions of `attempt` whose best answer is not fully right.
pub fn missed(attempt: &[usize], best: &[Option<Grade>]) -> Vec<usize> {
    attempt
        .iter()
        .copied()
        .filter(|&i| !best[i].as_ref().is_some_and(|g| g.correct))
        .collect()
}

impl QuizView {
    /// Take `quiz` (only `questions` by id, or all when empty).
    pub fn new(quiz: Quiz, questions: &[String], seed: u64, back: Back) -> QuizView {
        let mut attempt: Vec<usize> = quiz
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                questions.is_empty() || q.id.as_ref().is_some_and(|id| questions.contains(id))
            })
            .map(|(i, _)| i)
            .collect();
        if attempt.is_empty() {
            attempt = (0..quiz.questions.len()).collect();
        }
        let n = quiz.questions.len();
        let mut v = QuizView {
            round: attempt.clone(),
            attempt,
            quiz,
            seed,
            pos: 0,
            grades: vec![None; n],
            best: vec![None; n],
            answers: vec![None; n],
            best_answers: vec![None; n],
            input: Input::Text(TextArea::new(false)),
            phase: Phase::Answering,
            scroll: 0,
            back,
            confirm: None,
            note: None,
            cursor: None,
        };
        v.input = v.input_for_pos();
        v
    }

    pub fn question(&self) -> Option<&Question> {
        self.round.get(self.pos).map(|&i| &self.quiz.questions[i])
    }

    /// The field for the current question: blank, or holding the
    /// learner's latest answer to it (a retry starts from there).
    fn input_for_pos(&self) -> Input {
        let Some(&qi) = self.round.get(self.pos) else {
            return Input::Text(TextArea::new(false));
        };
        let mut input = Input::fresh(&self.quiz.questions[qi], self.seed);
        if let Some(r) = &self.answers[qi] {
            input.restore(r);
        }
        input
    }

    /// The learner's answer as the grader takes it.
    pub fn response(&self) -> Option<Response> {
        self.input.response()
    }

    /// Grade the current answer and show the feedback.
    pub fn submit(&mut self) {
        let Some(&qi) = self.round.get(self.pos) else {
            return;
        };
        let response = self.response();
        let grade = grade_answer(&self.quiz.questions[qi], response.as_ref());
        self.record(qi, response, grade);
        self.phase = Phase::Feedback;
        self.scroll = 0;
    }

    /// Keep an answer and its grade: the latest always, the best when it
    /// scores more than any before.
    fn record(&mut self, qi: usize, response: Option<Response>, grade: Grade) {
        let better = self.best[qi]
            .as_ref()
            .is_none_or(|b| grade.points > b.points);
        if better {
            self.best[qi] = Some(grade.clone());
            self.best_answers[qi] = None;
        } else if self.best_answers[qi].is_none() {
            self.best_answers[qi] = self.answers[qi].clone();
        }
        self.grades[qi] = Some(grade);
        self.answers[qi] = response;
    }

    /// Submit, unless there is nothing to submit (say so) or the written
    /// answer is empty (ask first).
    fn try_submit(&mut self) {
        if let Some(why) = self.input.unchosen() {
            self.note = Some(why.to_string());
        } else if self.input.is_blank() {
            self.confirm = Some(Confirm::EmptyAnswer);
        } else {
            self.submit();
        }
    }

    /// On to the next question, or the results.
    pub fn next_question(&mut self) -> QuizOutcome {
        self.scroll = 0;
        if self.pos + 1 < self.round.len() {
            self.pos += 1;
            self.phase = Phase::Answering;
            self.input = self.input_for_pos();
            QuizOutcome::Stay
        } else {
            self.phase = Phase::Results;
            let (score, max) = self.score();
            let missed = missed(&self.attempt, &self.best)
                .into_iter()
                .map(|i| self.quiz.questions[i].key())
                .collect();
            QuizOutcome::Finished { score, max, missed }
        }
    }

    /// Points and maximum over this attempt's questions (the best answer
    /// to each).
    pub fn score(&self) -> (f64, f64) {
        best_score(&self.quiz, &self.attempt, &self.best)
    }

    /// Ask again just the questions not fully right, each starting from the
    /// learner's latest answer to it.
    pub fn retry_missed(&mut self) -> bool {
        let missed = missed(&self.attempt, &self.best);
        if missed.is_empty() {
            return false;
        }
        self.round = missed;
        self.pos = 0;
        self.seed = self.seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.phase = Phase::Answering;
        self.input = self.input_for_pos();
        true
    }

    /// Has the learner answered anything in this attempt (and not
    /// finished it)? Then leaving keeps it to resume.
    pub fn worth_keeping(&self) -> bool {
        self.phase != Phase::Results && self.started()
    }

    /// Has the learner answered anything in this attempt?
    fn started(&self) -> bool {
        self.answers.iter().any(Option::is_some) || self.pos > 0
    }

    /// This attempt as the progress file keeps it, to resume at the next
    /// question not answered; `at` is now.
    pub fn paused(&self, at: u64) -> PausedQuiz {
        let key = |i: usize| self.quiz.questions[i].key();
        let pos = match self.phase {
            Phase::Answering => self.pos,
            Phase::Feedback | Phase::Results => self.pos + 1,
        };
        let saved = |answers: &[Option<Response>]| {
            self.attempt
                .iter()
                .filter_map(|&i| answers[i].as_ref().map(|r| resume::save(key(i), r)))
                .collect()
        };
        PausedQuiz {
            at,
            seed: self.seed,
            questions: self.attempt.iter().map(|&i| key(i)).collect(),
            round: self.round.iter().map(|&i| key(i)).collect(),
            pos,
            answers: saved(&self.answers),
            best: saved(&self.best_answers),
        }
    }

    /// Offer to resume `paused` (the learner says y or n).
    pub fn offer_resume(&mut self, paused: PausedQuiz) {
        self.confirm = Some(Confirm::Resume(paused));
    }

    /// Pick up an attempt left half-way. Questions that no longer exist
    /// are left out; returns false (and changes nothing) when none is left.
    /// When every question had been answered, the results come next.
    pub fn resume(&mut self, p: &PausedQuiz) -> Option<QuizOutcome> {
        let keys: Vec<String> = self.quiz.questions.iter().map(Question::key).collect();
        let index = |k: &String| keys.iter().position(|q| q == k);
        let attempt: Vec<usize> = p.questions.iter().filter_map(index).collect();
        let round: Vec<usize> = p
            .round
            .iter()
            .filter_map(index)
            .filter(|i| attempt.contains(i))
            .collect();
        if attempt.is_empty() || round.is_empty() {
            return None;
        }
        let n = self.quiz.questions.len();
        self.attempt = attempt;
        self.round = round;
        self.seed = p.seed;
        self.grades = vec![None; n];
        self.best = vec![None; n];
        self.answers = vec![None; n];
        self.best_answers = vec![None; n];
        // The best answers first, then the latest, so both grades return.
        for s in p.best.iter().chain(&p.answers) {
            if let Some(i) = index(&s.question)
                && self.attempt.contains(&i)
                && let Some(r) = resume::load(s)
            {
                let g = grade_answer(&self.quiz.questions[i], Some(&r));
                self.record(i, Some(r), g);
            }
        }
        self.scroll = 0;
        if p.pos >= self.round.len() {
            self.pos = self.round.len() - 1;
            return Some(self.next_question());
        }
        self.pos = p.pos;
        self.phase = Phase::Answering;
        self.input = self.input_for_pos();
        self.note = Some(format!(
            "resumed at question {} of {}",
            self.pos + 1,
            self.round.len()
        ));
        Some(QuizOutcome::Stay)
    }

    pub fn on_paste(&mut self, text: &str) {
        if self.phase != Phase::Answering || self.confirm.is_some() {
            return;
        }
        self.input.on_paste(text);
    }

    /// A key while the screen asks a question: y does it, n (or Esc) not.
    fn on_confirm(&mut self, confirm: Confirm, key: KeyEvent) -> QuizOutcome {
        let yes = matches!(key.code, KeyCode::Char('y' | 'Y'));
        let no = matches!(key.code, KeyCode::Char('n' | 'N') | KeyCode::Esc);
        if !yes && !no {
            // Anything else leaves the question up.
            self.confirm = Some(confirm);
            return QuizOutcome::Stay;
        }
        match confirm {
            Confirm::Leave if yes => {
                if self.started() {
                    return QuizOutcome::Pause(self.paused(0));
                }
                QuizOutcome::Leave
            }
            Confirm::EmptyAnswer if yes => {
                self.submit();
                QuizOutcome::Stay
            }
            Confirm::Resume(p) if yes => self.resume(&p).unwrap_or(QuizOutcome::Abandon),
            Confirm::Resume(_) => QuizOutcome::Abandon,
            Confirm::Leave | Confirm::EmptyAnswer => QuizOutcome::Stay,
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> QuizOutcome {
        self.note = None;
        if let Some(c) = self.confirm.take() {
            return self.on_confirm(c, key);
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match self.phase {
            Phase::Results => match key.code {
                KeyCode::Char('r') => {
                    self.retry_missed();
                }
                KeyCode::Char('a') => {
                    let seed = self.seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let back = self.back.clone();
                    let ids: Vec<String> = self
                        .attempt
                        .iter()
                        .filter_map(|&i| self.quiz.questions[i].id.clone())
                        .collect();
                    let ids = if ids.len() == self.quiz.questions.len() {
                        Vec::new()
                    } else {
                        ids
                    };
                    *self = QuizView::new(self.quiz.clone(), &ids, seed, back);
                }
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return QuizOutcome::Leave,
                _ => {}
            },
            Phase::Feedback => match key.code {
                KeyCode::Enter | KeyCode::Right | KeyCode::Char(' ' | 'n' | 'l') => {
                    return self.next_question();
                }
                KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
                KeyCode::PageDown => self.scroll += 10,
                KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
                KeyCode::Esc => self.confirm = Some(Confirm::Leave),
                _ => {}
            },
            Phase::Answering => {
                if key.code == KeyCode::Esc {
                    self.confirm = Some(Confirm::Leave);
                    return QuizOutcome::Stay;
                }
                // Submit: Enter where Enter does not type; Ctrl-S or Ctrl-D anywhere.
                if ctrl && matches!(key.code, KeyCode::Char('s' | 'd')) {
                    self.try_submit();
                    return QuizOutcome::Stay;
                }
                match key.code {
                    KeyCode::PageDown => self.scroll += 5,
                    KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(5),
                    _ => {}
                }
                if self.input.on_key(key) == Step::Submit {
                    self.try_submit();
                }
            }
        }
        QuizOutcome::Stay
    }

    /// The answer field's lines and the cursor's place among them.
    fn input_lines(
        &self,
        width: usize,
        t: &super::theme::Theme,
    ) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
        match &self.input {
            Input::Choice(c) => (c.lines(width, t), None),
            Input::Text(ta) => {
                let mut lines = vec![Line::from(Span::styled(
                    if ta.multiline {
                        "Your answer (Ctrl-S to submit):"
                    } else {
                        "Your answer (Enter to submit):"
                    },
                    t.dim,
                ))];
                let (boxed, (r, c)) = free_text::answer_box(ta, width, t.accent, t.text);
                lines.extend(boxed);
                (lines, Some((1 + r, c)))
            }
            Input::Trace(tr) => tr.lines(width, t),
            Input::Matching(m) => (m.lines(width, t), None),
            Input::Ordering(o) => (o.lines(width, t), None),
        }
    }
}

/// The words of a confirmation prompt: the question and its keys.
pub fn confirm_text(c: &Confirm) -> (String, &'static str) {
    match c {
        Confirm::Leave => (
            "Leave the quiz? Your answers so far are kept.".to_string(),
            "y leave · n stay",
        ),
        Confirm::EmptyAnswer => (
            "Your answer is empty. Submit it anyway?".to_string(),
            "y submit · n keep writing",
        ),
        Confirm::Resume(p) => (
            format!(
                "Resume where you left off (question {} of {})?",
                (p.pos + 1).min(p.round.len().max(1)),
                p.round.len()
            ),
            "y resume · n start again",
        ),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &super::app::App, view: &mut QuizView) {
    view.cursor = None;
    let t = &app.theme;
    let [head, bar, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = usize::from(area.width);
    let inner = Rect::new(
        body.x + 1,
        body.y,
        body.width.saturating_sub(2),
        body.height,
    );
    let iw = usize::from(inner.width);

    let where_ = match (&view.confirm, &view.phase) {
        (Some(Confirm::Resume(_)), _) => "left half-way".to_string(),
        (_, Phase::Results) => "results".to_string(),
        _ => format!("question {}/{}", view.pos + 1, view.round.len()),
    };
    let title = truncate(
        &format!(" Quiz · {}", inert(view.quiz.title())),
        w.saturating_sub(where_.width() + 2),
    );
    let gap = w.saturating_sub(title.width() + where_.width() + 1);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(title, t.title),
            Span::raw(" ".repeat(gap)),
            Span::styled(where_, t.dim),
        ])),
        head,
    );
    // Progress through the round.
    let done = match view.phase {
        Phase::Answering => view.pos,
        Phase::Feedback => view.pos + 1,
        Phase::Results => view.round.len(),
    };
    let bar_w = w.saturating_sub(2);
    let filled = if view.round.is_empty() {
        bar_w
    } else {
        bar_w * done / view.round.len()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(" "),
            Span::styled("━".repeat(filled), t.accent),
            Span::styled("━".repeat(bar_w - filled), t.border),
        ])),
        bar,
    );

    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    let foot_keys: fn(QuizAction, FootItem) -> Option<FootItem>;
    match view.phase {
        Phase::Results => {
            lines =
                feedback::results_lines(&view.quiz, &view.attempt, &view.best, &view.grades, iw, t);
            foot_keys = if missed(&view.attempt, &view.best).is_empty() {
                |a, item| {
                    [QuizAction::Again, QuizAction::Leave]
                        .contains(&a)
                        .then_some(item)
                }
            } else {
                |a, item| {
                    [QuizAction::Retry, QuizAction::Again, QuizAction::Leave]
                        .contains(&a)
                        .then_some(item)
                }
            };
        }
        Phase::Feedback => {
            if let Some(q) = view.question() {
                lines.extend(feedback::prompt_lines(&view.quiz, q, iw, t));
                lines.push(Line::default());
                let qi = view.round[view.pos];
                if let Some(g) = &view.grades[qi] {
                    lines.extend(feedback::feedback_lines(
                        q,
                        g,
                        view.answers[qi].as_ref(),
                        iw,
                        t,
                    ));
                }
            }
            foot_keys = |a, item| {
                [QuizAction::Next, QuizAction::Leave]
                    .contains(&a)
                    .then_some(item)
            };
        }
        Phase::Answering => {
            if let Some(q) = view.question() {
                lines.extend(feedback::prompt_lines(&view.quiz, q, iw, t));
                lines.push(Line::default());
                let (input, c) = view.input_lines(iw, t);
                let start = lines.len();
                lines.extend(input);
                cursor = c.map(|(r, col)| (start + r, col));
            }
            foot_keys = match &view.input {
                Input::Text(ta) if ta.multiline => |a, item: FootItem| {
                    let item = if a == QuizAction::Submit {
                        item.keys("Ctrl-S")
                    } else {
                        item
                    };
                    [QuizAction::Submit, QuizAction::Leave]
                        .contains(&a)
                        .then_some(item)
                },
                Input::Trace(_) => |a, item: FootItem| {
                    let item = if a == QuizAction::Submit {
                        item.keys("Ctrl-S")
                    } else {
                        item
                    };
                    [
                        QuizAction::Field,
                        QuizAction::Runs,
                        QuizAction::Submit,
                        QuizAction::Leave,
                    ]
                    .contains(&a)
                    .then_some(item)
                },
                Input::Choice(c) if c.multiple => |a, item| {
                    [QuizAction::Tick, QuizAction::Submit, QuizAction::Leave]
                        .contains(&a)
                        .then_some(item)
                },
                Input::Choice(_) | Input::Text(_) | Input::Matching(_) | Input::Ordering(_) => {
                    |a, item| {
                        [QuizAction::Submit, QuizAction::Leave]
                            .contains(&a)
                            .then_some(item)
                    }
                }
            };
        }
    }
    // Asked whether to resume, the screen shows no question yet (the one
    // behind would be the first, not the one it resumes at).
    if matches!(view.confirm, Some(Confirm::Resume(_))) {
        lines.clear();
        cursor = None;
    }
    // Keep the cursor in view; otherwise honour the learner's scrolling.
    let h = usize::from(inner.height);
    let max_scroll = lines.len().saturating_sub(h);
    if let Some((r, _)) = cursor
        && r >= view.scroll + h
    {
        view.scroll = r + 1 - h;
    }
    view.scroll = view.scroll.min(max_scroll);
    let shown: Vec<Line> = lines.into_iter().skip(view.scroll).take(h).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if let Some(c) = &view.confirm {
        draw_confirm(frame, body, app, c);
    } else if let Some((r, c)) = cursor
        && r >= view.scroll
        && r < view.scroll + h
    {
        let at = Position::new(
            inner.x + c.min(iw.saturating_sub(1)) as u16,
            inner.y + (r - view.scroll) as u16,
        );
        frame.set_cursor_position(at);
        view.cursor = Some(at);
    }
    let items = if view.confirm.is_some() {
        keys::footer(Context::Quiz, keys::QUIZ, &|a, item| {
            (a == QuizAction::Confirm).then_some(item)
        })
    } else {
        keys::footer(Context::Quiz, keys::QUIZ, &foot_keys)
    };
    footer(frame, foot, app, &items, view.note.clone());
}

/// The question asked before leaving, submitting nothing or resuming: a
/// box in the middle of the screen.
fn draw_confirm(frame: &mut Frame, body: Rect, app: &super::app::App, c: &Confirm) {
    let t = &app.theme;
    let (question, keys) = confirm_text(c);
    let inner_w = question.width().max(keys.width());
    let w = (inner_w + 4).min(usize::from(body.width)) as u16;
    let text_w = usize::from(w.saturating_sub(4)).max(1);
    let rows = question.width().div_ceil(text_w).max(1) as u16;
    let h = (rows + 3 + 1).min(body.height);
    let area = Rect::new(
        body.x + (body.width.saturating_sub(w)) / 2,
        body.y + (body.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.accent);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(question, t.title)),
            Line::default(),
            Line::from(Span::styled(keys, t.key)),
        ])
        .wrap(Wrap { trim: true }),
        inner,
    );
}

#[cfg(test)]
mod tests;
