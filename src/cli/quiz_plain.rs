//! `threadtutor quiz ID --plain`: a quiz as plain lines, for screen readers
//! and for scripts. Each question is printed as text (options numbered), the
//! answer is read from standard input one line at a time, and the feedback
//! follows in words (`your answer:` / `correct answer:`, as the
//! `quiz --answers` report says it). At the end: the score, and the attempt
//! is recorded in the progress file as the full-screen quiz records it.
//!
//! How each kind is answered:
//! - MultipleChoice: the option's number; several numbers separated by
//!   spaces or commas when the question asks for every correct option.
//! - ShortAnswer: one line (a `long` or `code` response: lines ending with
//!   an empty line). FreeText: lines ending with an empty line.
//! - Tracing: `compiles? (y/n)` (for Python: does it run without an error),
//!   then the output (ending with an empty line), or the line of the error
//!   (and, for Python, what it printed before).
//! - Matching: for each left item, the number of its match.
//! - Ordering: the numbers of the steps in the right order.
//!
//! A line holding just `-` leaves a question unanswered (it scores 0). An
//! answer that cannot be read (`7` among four options) is asked again.
//!
//! Nothing written here carries an escape sequence: every line goes through
//! [`inert`], and no colour is used. Input is read a bounded line at a time
//! ([`MAX_LINE`], [`MAX_ANSWER`]), so endless input cannot fill memory.
//!
//! End of input stops the quiz cleanly: the questions answered so far are
//! recorded as an attempt at those questions (the others are not recorded
//! at all), and the learner is told so.

use std::io::{self, BufRead, Read, Write};

use crate::content::markdown;
use crate::content::quiz::{Language, Question, QuestionKind, Quiz, format_points, option_line};
use crate::content::sanitize::inert;
use crate::progress::{QuizAttempt, Store};
use crate::quiz::grade::{Grade, Response, TraceResponse, grade_answer};
use crate::quiz::report::{expected_answer, your_answer};
use crate::quiz::shuffle;

use super::quiz::{QuizArgs, resolve_quiz};

/// The longest input line kept, in bytes (the rest of a longer line is
/// read and dropped).
pub const MAX_LINE: usize = 16 * 1024;
/// The longest multi-line answer kept, in bytes.
pub const MAX_ANSWER: usize = 64 * 1024;

/// Why `--plain` cannot be used with these arguments (a usage error), if
/// it cannot: it takes the quiz, so it does not go with the flags that
/// print a template or grade a sheet instead.
pub fn conflict(args: &QuizArgs) -> Option<&'static str> {
    if args.template {
        Some("--plain takes the quiz; it cannot be used with --template")
    } else if args.answers.is_some() {
        Some("--plain takes the quiz; it cannot be used with --answers")
    } else if args.json {
        Some("--plain takes the quiz; it cannot be used with --json")
    } else {
        None
    }
}

/// How a plain quiz ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Taken {
    /// The grade of each question asked, in quiz order (`None`: not reached
    /// before the input ended).
    pub grades: Vec<Option<Grade>>,
    /// The input ended before the last question was answered.
    pub stopped: bool,
}

impl Taken {
    /// Points and maximum over the questions answered (including those
    /// left unanswered with `-`).
    pub fn score(&self) -> (f64, f64) {
        let mut score = 0.0;
        let mut max = 0.0;
        for g in self.grades.iter().flatten() {
            score += g.points;
            max += g.max;
        }
        ((score * 1e6).round() / 1e6, (max * 1e6).round() / 1e6)
    }

    /// How many questions were reached and answered (or skipped).
    pub fn answered(&self) -> usize {
        self.grades.iter().flatten().count()
    }

    /// The attempt the progress file keeps: score and maximum over the
    /// questions answered, and the keys of those not fully right. `None`
    /// when no question was answered.
    pub fn attempt(&self, at: u64) -> Option<QuizAttempt> {
        if self.answered() == 0 {
            return None;
        }
        let (score, max) = self.score();
        Some(QuizAttempt {
            at,
            score,
            max,
            missed: self
                .grades
                .iter()
                .flatten()
                .filter(|g| !g.correct)
                .map(|g| g.key.clone())
                .collect(),
        })
    }
}

/// Write text made inert (no escape sequence can reach the reader).
fn say(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(inert(text).as_bytes())
}

fn sayln(out: &mut dyn Write, text: &str) -> io::Result<()> {
    say(out, text)?;
    out.write_all(b"\n")
}

/// One line of input without its line ending, at most [`MAX_LINE`] bytes
/// kept; `None` at the end of input.
pub fn read_line(input: &mut dyn BufRead) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = (&mut *input)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && buf.len() >= MAX_LINE {
        // Too long: drop the rest of the line, a bounded piece at a time.
        loop {
            let mut rest = Vec::new();
            let m = (&mut *input)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut rest)?;
            if m == 0 || rest.last() == Some(&b'\n') {
                break;
            }
        }
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Lines up to an empty line (or the end of input), at most [`MAX_ANSWER`]
/// bytes kept. `None` when the input ended before anything was typed.
fn read_block(input: &mut dyn BufRead, first: Option<String>) -> io::Result<Option<String>> {
    let mut text = String::new();
    let mut any = false;
    let mut next = first;
    loop {
        let line = match next.take() {
            Some(l) => l,
            None => match read_line(input)? {
                Some(l) => l,
                None if any => break,
                None => return Ok(None),
            },
        };
        any = true;
        if line.trim().is_empty() {
            break;
        }
        if text.len() + line.len() < MAX_ANSWER {
            text.push_str(&line);
            text.push('\n');
        }
    }
    Ok(Some(text.trim_end().to_string()))
}

/// Numbers separated by spaces or commas, each in `1..=n`, as 0-based
/// indexes in the order given. The error says what was wrong.
pub fn parse_numbers(line: &str, n: usize) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for word in line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        match word.parse::<usize>() {
            Ok(k) if (1..=n).contains(&k) => out.push(k - 1),
            _ => {
                let shown: String = word.chars().take(20).collect();
                return Err(format!("`{shown}` is not a number from 1 to {n}"));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("type a number from 1 to {n}"));
    }
    Ok(out)
}

/// What reading one answer gave.
enum Read1 {
    Answer(Response),
    /// `-`: leave it unanswered.
    Skip,
    /// The input ended.
    End,
}

fn is_skip(line: &str) -> bool {
    line.trim() == "-"
}

/// Ask until a line passes `parse` (or is `-`, or the input ends).
fn ask_until<T>(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    parse: &dyn Fn(&str) -> Result<T, String>,
) -> io::Result<Option<Option<T>>> {
    loop {
        out.flush()?;
        let Some(line) = read_line(input)? else {
            return Ok(None);
        };
        if is_skip(&line) {
            return Ok(Some(None));
        }
        match parse(&line) {
            Ok(v) => return Ok(Some(Some(v))),
            Err(why) => sayln(
                out,
                &format!("Not understood: {why}. Try again (- to skip)."),
            )?,
        }
    }
}

fn plain(s: &str) -> String {
    markdown::to_plain(s).trim_end().to_string()
}

/// `1 point`, `2.5 points`.
fn points(n: f64) -> String {
    let s = format_points(n);
    if s == "1" {
        format!("{s} point")
    } else {
        format!("{s} points")
    }
}

/// Print a question and read its answer.
fn ask(q: &Question, seed: u64, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<Read1> {
    let shown = shuffle::shown_options(q, seed);
    let done = |r: Option<Option<Response>>| match r {
        None => Read1::End,
        Some(None) => Read1::Skip,
        Some(Some(r)) => Read1::Answer(r),
    };
    match &q.kind {
        QuestionKind::MultipleChoice(mc) => {
            for (i, o) in shown.iter().enumerate() {
                sayln(out, &format!("  {}. {}", i + 1, option_line(o)))?;
            }
            let n = shown.len();
            if mc.multiple {
                sayln(
                    out,
                    "Choose every correct option: type their numbers, separated by spaces or commas.",
                )?;
            } else {
                sayln(out, "Choose one: type its number.")?;
            }
            let multiple = mc.multiple;
            let r = ask_until(input, out, &|line| {
                let mut picks = parse_numbers(line, n)?;
                picks.sort_unstable();
                picks.dedup();
                if !multiple && picks.len() > 1 {
                    return Err("this question takes one option: type one number".into());
                }
                Ok(Response::Choices(
                    picks.iter().map(|&i| shown[i].to_string()).collect(),
                ))
            })?;
            Ok(done(r))
        }
        QuestionKind::ShortAnswer(sa) => {
            use crate::content::quiz::ResponseFormat;
            match sa.response {
                ResponseFormat::Short => {
                    sayln(out, "Type your answer on one line.")?;
                    let r = ask_until(input, out, &|line| {
                        if line.trim().is_empty() {
                            Err("nothing typed: type your answer".into())
                        } else {
                            Ok(Response::Text(line.trim().to_string()))
                        }
                    })?;
                    Ok(done(r))
                }
                ResponseFormat::Long | ResponseFormat::Code => {
                    sayln(out, "Type your answer; end it with an empty line.")?;
                    long_answer(input, out)
                }
            }
        }
        QuestionKind::FreeText(_) => {
            sayln(
                out,
                "Write your answer (several lines if you like); end it with an empty line.",
            )?;
            long_answer(input, out)
        }
        QuestionKind::Tracing(t) => {
            sayln(out, &format!("Program ({}):", t.language.name()))?;
            let lines: Vec<&str> = t.program.trim_matches('\n').lines().collect();
            let width = lines.len().to_string().len();
            for (i, l) in lines.iter().enumerate() {
                sayln(out, format!("  {:>width$} | {l}", i + 1).trim_end())?;
            }
            if t.language == Language::Python {
                sayln(
                    out,
                    "For Python, \"compiles\" means: runs without an error.",
                )?;
            }
            sayln(out, "compiles? (y/n)")?;
            let Some(yes) = ask_until(
                input,
                out,
                &|line| match line.trim().to_lowercase().as_str() {
                    "y" | "yes" => Ok(true),
                    "n" | "no" => Ok(false),
                    _ => Err("answer y or n".into()),
                },
            )?
            else {
                return Ok(Read1::End);
            };
            let Some(compiles) = yes else {
                return Ok(Read1::Skip);
            };
            let mut r = TraceResponse {
                compiles,
                ..TraceResponse::default()
            };
            if !compiles {
                let n = lines.len().max(1);
                sayln(
                    out,
                    match t.language {
                        Language::Rust => "Which line is the error on? Type its number.",
                        Language::Python => "Which line raises the error? Type its number.",
                    },
                )?;
                match ask_until(input, out, &|line| {
                    let v = parse_numbers(line, n)?;
                    match v.as_slice() {
                        [one] => Ok(*one + 1),
                        _ => Err("type one line number".into()),
                    }
                })? {
                    None => return Ok(Read1::End),
                    Some(None) => {}
                    Some(Some(line)) => r.line = Some(line),
                }
            }
            if compiles || t.language == Language::Python {
                sayln(
                    out,
                    if compiles {
                        "What does it print? Type the output; end it with an empty line."
                    } else {
                        "What does it print before the error? Type it and end with an empty line (just an empty line if nothing)."
                    },
                )?;
                out.flush()?;
                let mut text = String::new();
                let mut kept = 0usize;
                loop {
                    let Some(line) = read_line(input)? else {
                        return Ok(Read1::End);
                    };
                    if line.is_empty() {
                        break;
                    }
                    kept += line.len() + 1;
                    if kept < MAX_ANSWER {
                        text.push_str(&line);
                        text.push('\n');
                    }
                }
                r.output = text;
            }
            Ok(Read1::Answer(Response::Trace(r)))
        }
        QuestionKind::Matching(m) => {
            sayln(out, "Match each item with one of these:")?;
            for (i, o) in shown.iter().enumerate() {
                sayln(out, &format!("  {}. {}", i + 1, option_line(o)))?;
            }
            let n = shown.len();
            sayln(
                out,
                &format!("For each item, type the number of its match (1 to {n})."),
            )?;
            let mut pairs = Vec::new();
            for (left, _) in &m.pairs {
                sayln(out, &format!("{} →", option_line(left)))?;
                match ask_until(input, out, &|line| {
                    let v = parse_numbers(line, n)?;
                    match v.as_slice() {
                        [one] => Ok(*one),
                        _ => Err("type one number".into()),
                    }
                })? {
                    None => return Ok(Read1::End),
                    Some(None) => {}
                    Some(Some(j)) => pairs.push((left.clone(), shown[j].to_string())),
                }
            }
            Ok(if pairs.is_empty() {
                Read1::Skip
            } else {
                Read1::Answer(Response::Pairs(pairs))
            })
        }
        QuestionKind::Ordering(_) => {
            for (i, o) in shown.iter().enumerate() {
                sayln(out, &format!("  {}. {}", i + 1, option_line(o)))?;
            }
            let n = shown.len();
            sayln(
                out,
                &format!(
                    "Put these in order: type all {n} numbers in the right order, separated by spaces or commas (e.g. {}).",
                    (1..=n.min(3))
                        .rev()
                        .map(|k| k.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            )?;
            let r = ask_until(input, out, &|line| {
                let v = parse_numbers(line, n)?;
                let mut seen = vec![false; n];
                for &i in &v {
                    if std::mem::replace(&mut seen[i], true) {
                        return Err(format!("{} is given twice", i + 1));
                    }
                }
                if v.len() != n {
                    return Err(format!("give all {n} numbers, each once"));
                }
                Ok(Response::Order(
                    v.iter().map(|&i| shown[i].to_string()).collect(),
                ))
            })?;
            Ok(done(r))
        }
    }
}

/// A multi-line answer: an empty first line is asked again (an answer
/// cannot be empty by accident); `-` alone skips.
fn long_answer(input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<Read1> {
    loop {
        out.flush()?;
        let Some(first) = read_line(input)? else {
            return Ok(Read1::End);
        };
        if is_skip(&first) {
            return Ok(Read1::Skip);
        }
        if first.trim().is_empty() {
            sayln(
                out,
                "Nothing typed: write your answer, ending with an empty line (- to skip).",
            )?;
            continue;
        }
        return Ok(match read_block(input, Some(first))? {
            Some(text) => Read1::Answer(Response::Text(text)),
            None => Read1::End,
        });
    }
}

/// A labelled block: one line when it fits, else indented lines under the
/// label.
fn labelled(out: &mut dyn Write, label: &str, text: &str) -> io::Result<()> {
    let lines: Vec<&str> = text.lines().collect();
    if let [one] = lines.as_slice() {
        return sayln(out, &format!("{label}: {one}"));
    }
    sayln(out, &format!("{label}:"))?;
    for l in lines {
        if l.trim().is_empty() {
            sayln(out, "")?;
        } else {
            sayln(out, &format!("  {l}"))?;
        }
    }
    Ok(())
}

/// The feedback on one graded answer, in words.
fn feedback(
    q: &Question,
    g: &Grade,
    response: Option<&Response>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let verdict = if !g.answered {
        "Not answered"
    } else if g.correct {
        "Right"
    } else if g.points > 0.0 {
        "Partly right"
    } else {
        "Wrong"
    };
    sayln(
        out,
        &format!(
            "{verdict}: {} of {}.",
            format_points(g.points),
            points(g.max)
        ),
    )?;
    if let Some(r) = response.filter(|_| g.answered) {
        labelled(out, "your answer", &your_answer(q, r))?;
    }
    if !g.correct {
        labelled(out, "correct answer", &expected_answer(q))?;
    }
    if matches!(q.kind, QuestionKind::FreeText(_)) {
        let list = |label: &str, items: &[String]| -> Option<String> {
            (!items.is_empty()).then(|| format!("{label}: {}", items.join("; ")))
        };
        for line in [
            list("found", &g.found),
            list("missed", &g.missed),
            list("mentioned only to negate", &g.negated),
            list("wrong statements (cost points)", &g.misconceptions),
        ]
        .into_iter()
        .flatten()
        {
            sayln(out, &line)?;
        }
        for f in &g.feedback {
            sayln(out, &format!("  {f}"))?;
        }
    } else if g.answered && !g.missed.is_empty() {
        sayln(out, &format!("missed: {}", g.missed.join("; ")))?;
    }
    for n in &g.notes {
        sayln(out, &format!("note: {n}"))?;
    }
    if let Some(ctx) = &q.context {
        labelled(out, "why", &plain(ctx))?;
    }
    Ok(())
}

/// Ask every question of `quiz` (options in the order of an attempt with
/// `seed`), print the feedback after each and the score at the end.
pub fn take_quiz(
    quiz: &Quiz,
    seed: u64,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> io::Result<Taken> {
    let n = quiz.questions.len();
    sayln(
        out,
        &format!(
            "Quiz: {} ({} question{}, {}).",
            quiz.title(),
            n,
            if n == 1 { "" } else { "s" },
            points(quiz.max_points())
        ),
    )?;
    sayln(
        out,
        "Answer each question on the lines after it; a line with just - skips a question. The end of input stops the quiz.",
    )?;
    let mut taken = Taken {
        grades: vec![None; n],
        stopped: false,
    };
    let mut last_multipart: Option<&str> = None;
    for (i, q) in quiz.questions.iter().enumerate() {
        sayln(out, "")?;
        if let Some(ctx) = quiz.multipart_context(q)
            && q.multipart.as_deref() != last_multipart
        {
            labelled(out, "The next questions share this context", &plain(ctx))?;
            sayln(out, "")?;
        }
        last_multipart = q.multipart.as_deref();
        sayln(
            out,
            &format!(
                "Question {} of {n} ({}, {}):",
                i + 1,
                q.kind_name(),
                points(q.max_points())
            ),
        )?;
        let prompt = match &q.kind {
            QuestionKind::Tracing(t) if q.prompt.trim().is_empty() => {
                crate::content::quiz::Tracing::default_prompt(t.language).to_string()
            }
            _ => plain(&q.prompt),
        };
        sayln(out, &prompt)?;
        let response = match ask(q, seed, input, out)? {
            Read1::End => {
                taken.stopped = true;
                break;
            }
            Read1::Skip => None,
            Read1::Answer(r) => Some(r),
        };
        let g = grade_answer(q, response.as_ref());
        feedback(q, &g, response.as_ref(), out)?;
        taken.grades[i] = Some(g);
    }
    sayln(out, "")?;
    let (score, max) = taken.score();
    let percent = if max > 0.0 { score / max * 100.0 } else { 0.0 };
    if taken.stopped {
        let answered = taken.answered();
        sayln(
            out,
            &format!(
                "The input ended before question {} of {n}: the quiz stops here, and the {} not reached {} not recorded.",
                answered + 1,
                crate::progress::plural(n - answered, "question", "questions"),
                if n - answered == 1 { "is" } else { "are" }
            ),
        )?;
        if answered > 0 {
            sayln(
                out,
                &format!(
                    "Score over the {} asked: {} / {} ({percent:.1}%).",
                    crate::progress::plural(answered, "question", "questions"),
                    format_points(score),
                    format_points(max)
                ),
            )?;
        }
    } else {
        sayln(
            out,
            &format!(
                "Score: {} / {} ({percent:.1}%).",
                format_points(score),
                format_points(max)
            ),
        )?;
    }
    let retry: Vec<String> = taken
        .grades
        .iter()
        .flatten()
        .filter(|g| !g.correct)
        .map(|g| g.key.clone())
        .collect();
    if !retry.is_empty() {
        sayln(out, &format!("To retry: {}.", retry.join(", ")))?;
    } else if !taken.stopped {
        sayln(out, "Everything right.")?;
    }
    out.flush()?;
    Ok(taken)
}

/// Record an attempt the way the full-screen quiz does: read the progress
/// file, add the attempt, save (under the progress lock, merged with what
/// another process wrote meanwhile).
pub fn record(store: &Store, quiz: &str, attempt: QuizAttempt) -> Result<Option<String>, String> {
    let loaded = store.load();
    let mut progress = loaded.progress;
    progress.record_quiz(quiz, attempt);
    store.save(&progress).map_err(|e| e.to_string())?;
    Ok(loaded.warning)
}

/// Run `threadtutor quiz ID --plain`: the quiz on `out`, answers from
/// `input`, the attempt recorded in `store`. Exit code 0 (also when the
/// input ended early), 1 when the quiz is unknown or the attempt could not
/// be saved, 2 with a flag `--plain` does not go with (said on `err`).
pub fn run(
    args: &QuizArgs,
    quizzes: &[Quiz],
    store: &Store,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    if let Some(why) = conflict(args) {
        sayln(err, &format!("threadtutor: {why}"))?;
        return Ok(2);
    }
    let quiz = match resolve_quiz(&args.quiz, quizzes) {
        Ok(q) => q,
        Err(lines) => {
            for l in lines {
                sayln(err, &l)?;
            }
            return Ok(1);
        }
    };
    let seed = args.seed.unwrap_or_else(shuffle::fresh_seed);
    let taken = take_quiz(&quiz, seed, input, out)?;
    let Some(attempt) = taken.attempt(crate::progress::store::now_ms()) else {
        sayln(out, "Nothing answered: nothing recorded.")?;
        return Ok(0);
    };
    match record(store, &quiz.id, attempt) {
        Ok(warning) => {
            if let Some(w) = warning {
                sayln(err, &format!("threadtutor: warning: {w}"))?;
            }
            sayln(out, &format!("Recorded in {}.", store.path().display()))?;
            Ok(0)
        }
        Err(e) => {
            sayln(
                err,
                &format!("threadtutor: the attempt was not recorded: {e}"),
            )?;
            Ok(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_with_spaces_or_commas() {
        assert_eq!(parse_numbers("1, 3 2", 3), Ok(vec![0, 2, 1]));
        assert_eq!(parse_numbers(" 2 ", 3), Ok(vec![1]));
        assert_eq!(
            parse_numbers("4", 3),
            Err("`4` is not a number from 1 to 3".into())
        );
        assert_eq!(
            parse_numbers("0", 3),
            Err("`0` is not a number from 1 to 3".into())
        );
        assert_eq!(
            parse_numbers("a", 3),
            Err("`a` is not a number from 1 to 3".into())
        );
        assert_eq!(
            parse_numbers(" , ", 3),
            Err("type a number from 1 to 3".into())
        );
    }

    #[test]
    fn lines_are_bounded() {
        let long = "x".repeat(MAX_LINE * 3 + 5);
        let text = format!("{long}\r\nnext\n");
        let mut input = io::Cursor::new(text.into_bytes());
        let first = read_line(&mut input).unwrap().unwrap();
        assert_eq!(first.len(), MAX_LINE);
        assert_eq!(read_line(&mut input).unwrap().as_deref(), Some("next"));
        assert_eq!(read_line(&mut input).unwrap(), None);
    }
}
