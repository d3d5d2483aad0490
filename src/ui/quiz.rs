//! Taking a quiz: one question at a time with a progress bar; radio buttons,
//! checkboxes, text fields, a Tracing form, Matching and Ordering; after each
//! answer, whether it was right, the concepts found and missed, the expected
//! answer and why; at the end the score, a bar per question, and "retry the
//! ones I missed". Grading is the quiz module's; this screen only asks.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::content::markdown::{self, LineKind, Style as MdStyle};
use crate::content::quiz::{Language, Question, QuestionKind, Quiz};
use crate::content::sanitize::inert;
use crate::quiz::grade::{Grade, Response, TraceResponse, grade_answer};
use crate::quiz::report::{expected_answer, format_points};
use crate::quiz::shuffle::shown_options;

use super::demo::Back;
use super::keys::{self, Context, FootItem, QuizAction};
use super::layout::{truncate, wrap};
use super::textarea::TextArea;
use super::theme::Theme;
use super::view::footer;

/// How the learner answers the current question.
#[derive(Debug, Clone)]
pub enum Input {
    /// Radio buttons (one answer) or checkboxes (several).
    Choice {
        options: Vec<String>,
        multiple: bool,
        cursor: usize,
        selected: Vec<bool>,
    },
    Text(TextArea),
    /// Tracing: does it run? what does it print? which line fails?
    Trace {
        runs: Option<bool>,
        output: TextArea,
        line: TextArea,
        focus: usize,
    },
    /// Matching: each left item gets one of the right items.
    Matching {
        lefts: Vec<String>,
        rights: Vec<String>,
        cursor: usize,
        chosen: Vec<Option<usize>>,
    },
    /// Ordering: move the steps into order.
    Ordering {
        items: Vec<String>,
        cursor: usize,
    },
}

/// Where the quiz is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Answering,
    /// The grade of the answer just given.
    Feedback,
    Results,
}

/// What a key asked of the app.
pub enum QuizOutcome {
    Stay,
    Leave,
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
    pub grades: Vec<Option<Grade>>,
    pub input: Input,
    pub phase: Phase,
    pub scroll: usize,
    pub back: Back,
    /// Where the text cursor was drawn in the last frame, if anywhere.
    pub cursor: Option<Position>,
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
            input: Input::Text(TextArea::new(false)),
            phase: Phase::Answering,
            scroll: 0,
            back,
            cursor: None,
        };
        v.input = v.fresh_input();
        v
    }

    pub fn question(&self) -> Option<&Question> {
        self.round.get(self.pos).map(|&i| &self.quiz.questions[i])
    }

    fn fresh_input(&self) -> Input {
        let Some(q) = self.question() else {
            return Input::Text(TextArea::new(false));
        };
        let shown: Vec<String> = shown_options(q, self.seed)
            .into_iter()
            .map(str::to_string)
            .collect();
        match &q.kind {
            QuestionKind::MultipleChoice(mc) => Input::Choice {
                selected: vec![false; shown.len()],
                options: shown,
                multiple: mc.multiple,
                cursor: 0,
            },
            QuestionKind::ShortAnswer(sa) => Input::Text(TextArea::new(
                sa.response != crate::content::quiz::ResponseFormat::Short,
            )),
            QuestionKind::FreeText(_) => Input::Text(TextArea::new(true)),
            QuestionKind::Tracing(_) => Input::Trace {
                runs: None,
                output: TextArea::new(true),
                line: TextArea::new(false),
                focus: 0,
            },
            QuestionKind::Matching(m) => Input::Matching {
                lefts: m.pairs.iter().map(|(l, _)| l.clone()).collect(),
                chosen: vec![None; m.pairs.len()],
                rights: shown,
                cursor: 0,
            },
            QuestionKind::Ordering(_) => Input::Ordering {
                items: shown,
                cursor: 0,
            },
        }
    }

    /// The learner's answer as the grader takes it.
    pub fn response(&self) -> Option<Response> {
        Some(match &self.input {
            Input::Choice {
                options, selected, ..
            } => Response::Choices(
                options
                    .iter()
                    .zip(selected)
                    .filter(|(_, s)| **s)
                    .map(|(o, _)| o.clone())
                    .collect(),
            ),
            Input::Text(t) => Response::Text(t.text()),
            Input::Trace {
                runs, output, line, ..
            } => Response::Trace(TraceResponse {
                compiles: (*runs)?,
                output: output.text(),
                line: line.text().trim().parse().ok(),
            }),
            Input::Matching {
                lefts,
                rights,
                chosen,
                ..
            } => Response::Pairs(
                lefts
                    .iter()
                    .zip(chosen)
                    .map(|(l, c)| (l.clone(), c.map(|i| rights[i].clone()).unwrap_or_default()))
                    .collect(),
            ),
            Input::Ordering { items, .. } => Response::Order(items.clone()),
        })
    }

    /// Grade the current answer and show the feedback.
    pub fn submit(&mut self) {
        let Some(&qi) = self.round.get(self.pos) else {
            return;
        };
        let response = self.response();
        let grade = grade_answer(&self.quiz.questions[qi], response.as_ref());
        self.grades[qi] = Some(grade);
        self.phase = Phase::Feedback;
        self.scroll = 0;
    }

    /// On to the next question, or the results.
    pub fn next_question(&mut self) -> QuizOutcome {
        self.scroll = 0;
        if self.pos + 1 < self.round.len() {
            self.pos += 1;
            self.phase = Phase::Answering;
            self.input = self.fresh_input();
            QuizOutcome::Stay
        } else {
            self.phase = Phase::Results;
            let (score, max) = self.score();
            let missed = self
                .attempt
                .iter()
                .filter(|&&i| !self.grades[i].as_ref().is_some_and(|g| g.correct))
                .map(|&i| self.quiz.questions[i].key())
                .collect();
            QuizOutcome::Finished { score, max, missed }
        }
    }

    /// Points and maximum over this attempt's questions (latest grades).
    pub fn score(&self) -> (f64, f64) {
        let mut score = 0.0;
        let mut max = 0.0;
        for &i in &self.attempt {
            max += self.quiz.questions[i].max_points();
            score += self.grades[i].as_ref().map_or(0.0, |g| g.points);
        }
        ((score * 1e6).round() / 1e6, (max * 1e6).round() / 1e6)
    }

    /// Ask again just the questions not fully right.
    pub fn retry_missed(&mut self) -> bool {
        let missed: Vec<usize> = self
            .attempt
            .iter()
            .copied()
            .filter(|&i| !self.grades[i].as_ref().is_some_and(|g| g.correct))
            .collect();
        if missed.is_empty() {
            return false;
        }
        self.round = missed;
        self.pos = 0;
        self.seed = self.seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.phase = Phase::Answering;
        self.input = self.fresh_input();
        true
    }

    pub fn on_paste(&mut self, text: &str) {
        if self.phase != Phase::Answering {
            return;
        }
        match &mut self.input {
            Input::Text(t) => t.insert_str(text),
            Input::Trace {
                output,
                line,
                focus,
                ..
            } => match focus {
                1 => output.insert_str(text),
                2 => line.insert_str(text),
                _ => {}
            },
            _ => {}
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> QuizOutcome {
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
                KeyCode::Esc => return QuizOutcome::Leave,
                _ => {}
            },
            Phase::Answering => {
                if key.code == KeyCode::Esc {
                    return QuizOutcome::Leave;
                }
                // Submit: Enter where Enter does not type; Ctrl-S or Ctrl-D anywhere.
                if ctrl && matches!(key.code, KeyCode::Char('s' | 'd')) {
                    self.submit();
                    return QuizOutcome::Stay;
                }
                match key.code {
                    KeyCode::PageDown => self.scroll += 5,
                    KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(5),
                    _ => {}
                }
                self.answer_key(key);
            }
        }
        QuizOutcome::Stay
    }

    fn answer_key(&mut self, key: KeyEvent) {
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let mut submit = false;
        match &mut self.input {
            Input::Choice {
                options,
                multiple,
                cursor,
                selected,
            } => match key.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    *cursor = (*cursor + 1).min(options.len().saturating_sub(1))
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    *cursor = cursor.saturating_sub(1)
                }
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    if *multiple {
                        selected[*cursor] = !selected[*cursor];
                    } else {
                        selected
                            .iter_mut()
                            .enumerate()
                            .for_each(|(i, s)| *s = i == *cursor);
                    }
                }
                KeyCode::Char(c @ '1'..='9') => {
                    let i = c as usize - '1' as usize;
                    if i < options.len() {
                        *cursor = i;
                        if *multiple {
                            selected[i] = !selected[i];
                        } else {
                            selected
                                .iter_mut()
                                .enumerate()
                                .for_each(|(j, s)| *s = j == i);
                        }
                    }
                }
                KeyCode::Enter => {
                    if !*multiple && !selected.iter().any(|s| *s) {
                        selected[*cursor] = true;
                    }
                    submit = true;
                }
                _ => {}
            },
            Input::Text(t) => {
                if key.code == KeyCode::Enter && !t.multiline {
                    submit = true;
                } else {
                    t.on_key(key);
                }
            }
            Input::Trace {
                runs,
                output,
                line,
                focus,
            } => match (key.code, *focus) {
                (KeyCode::Tab, _) => *focus = (*focus + 1) % 3,
                (KeyCode::BackTab, _) => *focus = (*focus + 2) % 3,
                (KeyCode::Char('y'), 0) | (KeyCode::Left, 0) => *runs = Some(true),
                (KeyCode::Char('n'), 0) | (KeyCode::Right, 0) => *runs = Some(false),
                (KeyCode::Char(' '), 0) => *runs = Some(!runs.unwrap_or(false)),
                (KeyCode::Enter, 0) | (KeyCode::Enter, 2) => submit = runs.is_some(),
                (_, 1) => {
                    output.on_key(key);
                }
                (_, 2) => {
                    if let KeyCode::Char(c) = key.code {
                        if c.is_ascii_digit() {
                            line.on_key(key);
                        }
                    } else {
                        line.on_key(key);
                    }
                }
                _ => {}
            },
            Input::Matching {
                lefts,
                rights,
                cursor,
                chosen,
            } => match key.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    *cursor = (*cursor + 1).min(lefts.len().saturating_sub(1))
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    *cursor = cursor.saturating_sub(1)
                }
                KeyCode::Right | KeyCode::Char('l' | ' ') => {
                    let n = rights.len();
                    chosen[*cursor] = Some(chosen[*cursor].map_or(0, |i| (i + 1) % n));
                }
                KeyCode::Left | KeyCode::Char('h') => {
                    let n = rights.len();
                    chosen[*cursor] = Some(chosen[*cursor].map_or(n - 1, |i| (i + n - 1) % n));
                }
                KeyCode::Enter => submit = true,
                _ => {}
            },
            Input::Ordering { items, cursor } => match key.code {
                KeyCode::Up | KeyCode::Char('K')
                    if (shift || key.code == KeyCode::Char('K')) && *cursor > 0 =>
                {
                    items.swap(*cursor, *cursor - 1);
                    *cursor -= 1;
                }
                KeyCode::Down | KeyCode::Char('J')
                    if (shift || key.code == KeyCode::Char('J')) && *cursor + 1 < items.len() =>
                {
                    items.swap(*cursor, *cursor + 1);
                    *cursor += 1;
                }
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    *cursor = (*cursor + 1).min(items.len().saturating_sub(1))
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    *cursor = cursor.saturating_sub(1)
                }
                KeyCode::Enter => submit = true,
                _ => {}
            },
        }
        if submit {
            self.submit();
        }
    }
}

/// Markdown → wrapped ratatui lines.
pub fn markdown_lines(md: &str, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in markdown::render(&inert(md)) {
        let spans: Vec<Span<'static>> = line
            .spans
            .iter()
            .map(|s| {
                let style = match s.style {
                    MdStyle::Plain => t.text,
                    MdStyle::Bold => t.bold,
                    MdStyle::Emphasis => t.emphasis,
                    MdStyle::Code => t.inline_code,
                    MdStyle::Link => t.link,
                    MdStyle::Heading => t.heading,
                };
                Span::styled(s.text.clone(), style)
            })
            .collect();
        let pad = " ".repeat(line.indent);
        match line.kind {
            LineKind::Code { .. } => {
                let text: String = line.spans.iter().map(|s| s.text.as_str()).collect();
                out.push(Line::from(vec![
                    Span::styled(format!("{pad}│ "), t.border),
                    Span::styled(
                        truncate(&text, width.saturating_sub(line.indent + 2)),
                        t.code,
                    ),
                ]));
            }
            LineKind::Blank => out.push(Line::default()),
            LineKind::Rule => out.push(Line::from(Span::styled(
                "─".repeat(width.min(40)),
                t.border,
            ))),
            LineKind::Quote => out.extend(wrap(
                &spans,
                width,
                vec![Span::styled("│ ", t.border)],
                vec![Span::styled("│ ", t.border)],
            )),
            LineKind::Heading => out.extend(wrap(
                &spans
                    .into_iter()
                    .map(|s| Span::styled(s.content, t.heading))
                    .collect::<Vec<_>>(),
                width,
                vec![],
                vec![],
            )),
            LineKind::Text => out.extend(wrap(
                &spans,
                width,
                vec![Span::raw(pad.clone())],
                vec![Span::raw(pad)],
            )),
        }
    }
    out
}

fn prompt_lines(view: &QuizView, q: &Question, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(ctx) = view.quiz.multipart_context(q) {
        lines.extend(markdown_lines(ctx, width, t));
        lines.push(Line::default());
    }
    let prompt = if q.prompt.trim().is_empty() {
        match &q.kind {
            QuestionKind::Tracing(tr) => {
                crate::content::quiz::Tracing::default_prompt(tr.language).to_string()
            }
            _ => String::new(),
        }
    } else {
        q.prompt.clone()
    };
    lines.extend(markdown_lines(&prompt, width, t));
    if let QuestionKind::Tracing(tr) = &q.kind {
        lines.push(Line::default());
        for (i, l) in tr.program.lines().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>3} │ ", i + 1), t.code_gutter),
                Span::styled(truncate(&inert(l), width.saturating_sub(6)), t.code),
            ]));
        }
    }
    lines
}

/// The feedback after an answer.
fn feedback_lines(q: &Question, g: &Grade, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let verdict = if g.correct {
        Span::styled(
            format!(
                "✓ Correct — {}/{}",
                format_points(g.points),
                format_points(g.max)
            ),
            t.done,
        )
    } else if g.points > 0.0 {
        Span::styled(
            format!(
                "◐ Partly right — {}/{}",
                format_points(g.points),
                format_points(g.max)
            ),
            t.partial,
        )
    } else if !g.answered {
        Span::styled(format!("○ No answer — 0/{}", format_points(g.max)), t.error)
    } else {
        Span::styled(format!("✗ Not quite — 0/{}", format_points(g.max)), t.error)
    };
    lines.push(Line::from(verdict));
    let is_free = matches!(q.kind, QuestionKind::FreeText(_));
    if is_free {
        for c in &g.found {
            lines.extend(wrap(
                &[Span::styled(format!("✓ {c}"), t.done)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("    ")],
            ));
        }
        for c in &g.missed {
            let note = if g.negated.contains(c) {
                " (you mentioned it, but negated)"
            } else {
                ""
            };
            lines.extend(wrap(
                &[Span::styled(format!("✗ {c}{note}"), t.error)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("    ")],
            ));
        }
        for m in &g.misconceptions {
            lines.extend(wrap(
                &[Span::styled(format!("! misconception: {m}"), t.warning)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("    ")],
            ));
        }
    } else if !g.missed.is_empty() {
        lines.extend(wrap(
            &[Span::styled(
                format!("Wrong: {}", g.missed.join("; ")),
                t.error,
            )],
            width,
            vec![Span::raw("  ")],
            vec![Span::raw("  ")],
        ));
    }
    for n in &g.notes {
        lines.extend(wrap(
            &[Span::styled(n.clone(), t.dim)],
            width,
            vec![Span::raw("  ")],
            vec![Span::raw("  ")],
        ));
    }
    lines.push(Line::default());
    let heading = if is_free {
        "A model answer"
    } else {
        "The answer"
    };
    lines.push(Line::from(Span::styled(heading, t.heading)));
    for l in expected_answer(q).lines() {
        lines.extend(wrap(
            &[Span::styled(inert(l).into_owned(), t.text)],
            width,
            vec![Span::raw("  ")],
            vec![Span::raw("  ")],
        ));
    }
    if let Some(ctx) = &q.context {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Why", t.heading)));
        lines.extend(markdown_lines(ctx, width, t));
    }
    lines
}

fn input_lines(
    view: &QuizView,
    width: usize,
    t: &Theme,
) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    let mut lines = Vec::new();
    let mut cursor = None;
    match &view.input {
        Input::Choice {
            options,
            multiple,
            cursor: c,
            selected,
        } => {
            lines.push(Line::from(Span::styled(
                if *multiple {
                    "Choose every right answer:"
                } else {
                    "Choose one:"
                },
                t.dim,
            )));
            for (i, (o, s)) in options.iter().zip(selected).enumerate() {
                let mark = match (*multiple, *s) {
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                    (false, true) => "(•)",
                    (false, false) => "( )",
                };
                let style = if i == *c { t.selected } else { t.text };
                let label = crate::content::quiz::option_plain(o);
                lines.extend(wrap(
                    &[Span::styled(
                        format!("{mark} {}. {}", i + 1, inert(&label)),
                        style,
                    )],
                    width,
                    vec![Span::raw(" ")],
                    vec![Span::raw("       ")],
                ));
            }
        }
        Input::Text(ta) => {
            let (wrapped, (cr, cc)) = ta.wrapped(width.saturating_sub(2));
            lines.push(Line::from(Span::styled(
                if ta.multiline {
                    "Your answer (Ctrl-S to submit):"
                } else {
                    "Your answer (Enter to submit):"
                },
                t.dim,
            )));
            let start = lines.len();
            for l in wrapped {
                lines.push(Line::from(vec![
                    Span::styled("▏", t.accent),
                    Span::styled(inert(&l).into_owned(), t.text),
                ]));
            }
            cursor = Some((start + cr, cc + 1));
        }
        Input::Trace {
            runs,
            output,
            line,
            focus,
        } => {
            let lang = match &view.question().map(|q| &q.kind) {
                Some(QuestionKind::Tracing(tr)) => tr.language,
                _ => Language::Python,
            };
            let (yes, no) = match lang {
                Language::Python => ("runs without an error", "raises an error"),
                Language::Rust => ("compiles", "does not compile"),
            };
            let f = |i: usize| if *focus == i { t.key } else { t.dim };
            lines.push(Line::from(vec![
                Span::styled("It ", f(0)),
                Span::styled(
                    format!(
                        "{} y: {yes}",
                        if *runs == Some(true) { "(•)" } else { "( )" }
                    ),
                    if *focus == 0 { t.selected } else { t.text },
                ),
                Span::raw("   "),
                Span::styled(
                    format!(
                        "{} n: {no}",
                        if *runs == Some(false) { "(•)" } else { "( )" }
                    ),
                    if *focus == 0 { t.selected } else { t.text },
                ),
            ]));
            lines.push(Line::from(Span::styled(
                "Output (Tab moves between fields):",
                f(1),
            )));
            let (wrapped, (cr, cc)) = output.wrapped(width.saturating_sub(2));
            let start = lines.len();
            for l in wrapped {
                lines.push(Line::from(vec![
                    Span::styled("▏", f(1)),
                    Span::styled(inert(&l).into_owned(), t.code),
                ]));
            }
            if *focus == 1 {
                cursor = Some((start + cr, cc + 1));
            }
            let ltext = line.text();
            lines.push(Line::from(vec![
                Span::styled("Line of the error (if any): ", f(2)),
                Span::styled(ltext.clone(), t.text),
            ]));
            if *focus == 2 {
                cursor = Some((lines.len() - 1, 28 + ltext.width()));
            }
        }
        Input::Matching {
            lefts,
            rights,
            cursor: c,
            chosen,
        } => {
            lines.push(Line::from(Span::styled(
                "Match each item (←/→ choose, ↑/↓ move):",
                t.dim,
            )));
            let lw = lefts
                .iter()
                .map(|l| crate::content::quiz::option_plain(l).width())
                .max()
                .unwrap_or(0)
                .min(width / 2);
            for (i, (l, ch)) in lefts.iter().zip(chosen).enumerate() {
                let right = ch.map_or("…".to_string(), |j| {
                    crate::content::quiz::option_plain(&rights[j])
                });
                let style = if i == *c { t.selected } else { t.text };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!(
                            " {:<lw$}",
                            truncate(&inert(&crate::content::quiz::option_plain(l)), lw)
                        ),
                        style,
                    ),
                    Span::styled(" → ", t.accent),
                    Span::styled(
                        truncate(&inert(&right), width.saturating_sub(lw + 4)),
                        if ch.is_some() { t.text } else { t.dim },
                    ),
                ]));
            }
        }
        Input::Ordering { items, cursor: c } => {
            lines.push(Line::from(Span::styled(
                "Put in order (↑/↓ choose, Shift-↑/↓ or K/J move):",
                t.dim,
            )));
            for (i, item) in items.iter().enumerate() {
                let style = if i == *c { t.selected } else { t.text };
                lines.extend(wrap(
                    &[Span::styled(
                        format!(
                            "{}. {}",
                            i + 1,
                            inert(&crate::content::quiz::option_plain(item))
                        ),
                        style,
                    )],
                    width,
                    vec![Span::raw(" ")],
                    vec![Span::raw("    ")],
                ));
            }
        }
    }
    (lines, cursor)
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

    let where_ = match view.phase {
        Phase::Results => "results".to_string(),
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
            let (score, max) = view.score();
            let pct = if max > 0.0 { score / max * 100.0 } else { 0.0 };
            lines.push(Line::from(Span::styled(
                format!(
                    "Score {} / {} ({pct:.0}%)",
                    format_points(score),
                    format_points(max)
                ),
                t.title,
            )));
            lines.push(Line::default());
            let label_w = view
                .attempt
                .iter()
                .map(|&i| view.quiz.questions[i].key().width())
                .max()
                .unwrap_or(0)
                .min(iw / 3);
            let bw = iw.saturating_sub(label_w + 16).clamp(4, 40);
            for &i in &view.attempt {
                let q = &view.quiz.questions[i];
                let (p, m) = view.grades[i]
                    .as_ref()
                    .map_or((0.0, q.max_points()), |g| (g.points, g.max));
                let frac = if m > 0.0 {
                    (p / m).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let fill = (frac * bw as f64).round() as usize;
                let style = if frac >= 1.0 {
                    t.done
                } else if frac > 0.0 {
                    t.partial
                } else {
                    t.error
                };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("{:<label_w$} ", truncate(&inert(&q.key()), label_w)),
                        t.text,
                    ),
                    Span::styled("█".repeat(fill), style),
                    Span::styled("░".repeat(bw - fill), t.border),
                    Span::styled(format!(" {}/{}", format_points(p), format_points(m)), t.dim),
                ]));
            }
            let missed = view
                .attempt
                .iter()
                .filter(|&&i| !view.grades[i].as_ref().is_some_and(|g| g.correct))
                .count();
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                if missed == 0 {
                    "Every question right.".to_string()
                } else {
                    format!("{missed} not fully right: r retries just those.")
                },
                t.text,
            )));
            foot_keys = |a, item| {
                [QuizAction::Retry, QuizAction::Again, QuizAction::Leave]
                    .contains(&a)
                    .then_some(item)
            };
        }
        Phase::Feedback => {
            if let Some(q) = view.question() {
                lines.extend(prompt_lines(view, q, iw, t));
                lines.push(Line::default());
                if let Some(g) = &view.grades[view.round[view.pos]] {
                    lines.extend(feedback_lines(q, g, iw, t));
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
                lines.extend(prompt_lines(view, q, iw, t));
                lines.push(Line::default());
                let (input, c) = input_lines(view, iw, t);
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
                Input::Trace { .. } => |a, item: FootItem| {
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
                Input::Choice { multiple: true, .. } => |a, item| {
                    [QuizAction::Tick, QuizAction::Submit, QuizAction::Leave]
                        .contains(&a)
                        .then_some(item)
                },
                _ => |a, item| {
                    [QuizAction::Submit, QuizAction::Leave]
                        .contains(&a)
                        .then_some(item)
                },
            };
        }
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
    if let Some((r, c)) = cursor
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
    let items = keys::footer(Context::Quiz, keys::QUIZ, &foot_keys);
    footer(frame, foot, app, &items, None);
}
