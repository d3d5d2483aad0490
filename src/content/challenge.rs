//! Challenge levels (`challenges/*.toml`): the model, loading and
//! validation. Every problem is a [`Diagnostic`] at `path:line:col`,
//! including problems *inside* the code strings (mapped from the offset in
//! the string's value back to the TOML file, escapes and all).
//!
//! The format is described in `docs/challenges.md`.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::{Diagnostic, from_toml_error};
use crate::challenge::compile::{CodeError, Part, Program, ThreadSource, compile_program};
use crate::challenge::game::{Game, Goal, Outcome, Variant, parse_schedule};
use crate::challenge::solve::{Limits, Solution, solve_program};
use crate::challenge::value::ExcKind;

/// Most threads a level may have (keys 1 to 9 step them).
pub const MAX_THREADS: usize = 9;

/// The `[fixed]` version of a level: the same threads, with the bug fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedVersion {
    pub setup: String,
    /// `None`: the level's own `after`.
    pub after: Option<String>,
    pub threads: Vec<String>,
}

/// One level.
#[derive(Debug, Clone, PartialEq)]
pub struct Challenge {
    pub id: String,
    pub title: String,
    /// The lesson it belongs to.
    pub lesson: String,
    /// The slide of that lesson it is drawn from (optional).
    pub slide: Option<String>,
    pub goal: Goal,
    pub goal_detail: Option<String>,
    pub briefing: String,
    pub setup: String,
    pub after: Option<String>,
    pub solution: Option<String>,
    pub hints: Vec<String>,
    pub explanation: Option<String>,
    pub threads: Vec<ThreadSource>,
    pub fixed: Option<FixedVersion>,
    /// Where it came from, for messages.
    pub path: String,
    original: Arc<Program>,
    fixed_program: Option<Arc<Program>>,
    /// The file's text (for positions in later checks).
    text: Arc<str>,
}

impl Challenge {
    /// The compiled program of a variant (`None`: no `[fixed]`).
    pub fn program(&self, variant: Variant) -> Option<Arc<Program>> {
        match variant {
            Variant::Original => Some(self.original.clone()),
            Variant::Fixed => self.fixed_program.clone(),
        }
    }

    /// A new game of this level (its original or its fixed version).
    pub fn game(&self, variant: Variant) -> Result<Game, String> {
        let prog = self
            .program(variant)
            .ok_or_else(|| format!("level `{}` has no [fixed] version", self.id))?;
        Game::from_program(prog, self.goal.clone())
    }

    /// Search every schedule of a variant: a shortest win, or a proof that
    /// there is none. Errors when the level has no such variant or its
    /// setup fails.
    pub fn solve(&self, variant: Variant, limits: Limits) -> Result<Solution, String> {
        let prog = self
            .program(variant)
            .ok_or_else(|| format!("level `{}` has no [fixed] version", self.id))?;
        solve_program(&prog, &self.goal, limits)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChallenge {
    id: Spanned<String>,
    title: Spanned<String>,
    lesson: Spanned<String>,
    slide: Option<Spanned<String>>,
    goal: Spanned<String>,
    goal_detail: Option<Spanned<String>>,
    briefing: Spanned<String>,
    #[serde(default)]
    setup: Option<Spanned<String>>,
    after: Option<Spanned<String>>,
    solution: Option<Spanned<String>>,
    hints: Option<Spanned<Vec<String>>>,
    explanation: Option<Spanned<String>>,
    threads: Spanned<Vec<RawThread>>,
    fixed: Option<Spanned<RawFixed>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThread {
    name: Spanned<String>,
    code: Spanned<String>,
    #[serde(default)]
    daemon: bool,
    var: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixed {
    setup: Option<Spanned<String>>,
    after: Option<Spanned<String>>,
    threads: Spanned<Vec<Spanned<String>>>,
}

/// The byte offset in the TOML file of byte `pos` of a string value whose
/// token (quotes included) is at `span`.
pub fn map_string_offset(text: &str, span: &Range<usize>, pos: usize) -> usize {
    let Some(raw) = text.get(span.clone()) else {
        return span.start;
    };
    let (quote, literal) = if raw.starts_with("\"\"\"") {
        (3, false)
    } else if raw.starts_with("'''") {
        (3, true)
    } else if raw.starts_with('"') {
        (1, false)
    } else if raw.starts_with('\'') {
        (1, true)
    } else {
        return span.start;
    };
    let mut at = quote;
    if quote == 3 {
        if raw[at..].starts_with("\r\n") {
            at += 2;
        } else if raw[at..].starts_with('\n') {
            at += 1;
        }
    }
    let bytes = raw.as_bytes();
    let end = raw.len().saturating_sub(quote);
    let mut decoded = 0usize;
    while at < end && decoded < pos {
        let c = bytes[at];
        if !literal && c == b'\\' {
            let next = bytes.get(at + 1).copied().unwrap_or(b' ');
            match next {
                b'u' => {
                    let ch = raw
                        .get(at + 2..at + 6)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .map_or(1, char::len_utf8);
                    decoded += ch;
                    at += 6;
                }
                b'U' => {
                    let ch = raw
                        .get(at + 2..at + 10)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .map_or(1, char::len_utf8);
                    decoded += ch;
                    at += 10;
                }
                b' ' | b'\t' | b'\n' | b'\r' => {
                    // Line-ending backslash: whitespace and newlines vanish.
                    at += 1;
                    while at < end && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
                        at += 1;
                    }
                }
                _ => {
                    decoded += 1;
                    at += 2;
                }
            }
        } else {
            let len = raw[at..].chars().next().map_or(1, char::len_utf8);
            decoded += len;
            at += len;
        }
    }
    span.start + at.min(raw.len())
}

struct Cx<'a> {
    path: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn at(&mut self, offset: usize, msg: impl Into<String>) {
        self.diags
            .push(Diagnostic::at(self.path, self.text, offset, msg));
    }
    fn code_error(&mut self, e: &CodeError, spans: &[(Part, Range<usize>, String)]) {
        match spans.iter().find(|(p, _, _)| *p == e.part) {
            Some((_, span, what)) => {
                let off = map_string_offset(self.text, span, e.error.pos);
                self.at(off, format!("{what}: {}", e.error.message));
            }
            None => self.at(0, e.error.message.clone()),
        }
    }
}

fn goal_from(kind: &str, detail: Option<&str>) -> Option<Goal> {
    Some(match kind {
        "critical-section" => Goal::CriticalSection,
        "deadlock" => Goal::Deadlock,
        "exception" => Goal::Exception(
            detail
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty()),
        ),
        "assert" => Goal::Assert,
        "output" => Goal::Output(detail.unwrap_or_default().to_string()),
        "livelock" => Goal::Livelock,
        _ => return None,
    })
}

/// Parse and check one level file. A `draft` (a level given by path) may
/// leave out `solution`, `hints`, `explanation` and `[fixed]`.
///
/// The `[fixed]` version's proof (a search) is not run here; see
/// [`check_fixed`].
pub fn parse_challenge(path: &str, text: &str, draft: bool) -> Result<Challenge, Vec<Diagnostic>> {
    let raw: RawChallenge =
        toml::from_str(text).map_err(|e| vec![from_toml_error(path, text, &e)])?;
    let mut cx = Cx {
        path,
        text,
        diags: Vec::new(),
    };
    let id = raw.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        cx.at(
            raw.id.span().start,
            format!("id `{id}` must be lowercase letters, digits and `-`"),
        );
    }
    for (field, v) in [
        ("title", &raw.title),
        ("lesson", &raw.lesson),
        ("briefing", &raw.briefing),
    ] {
        if v.get_ref().trim().is_empty() {
            cx.at(v.span().start, format!("`{field}` is empty"));
        }
    }
    let detail = raw.goal_detail.as_ref().map(|d| d.get_ref().as_str());
    let known_goal = goal_from(raw.goal.get_ref(), detail).is_some();
    let goal = match goal_from(raw.goal.get_ref(), detail) {
        Some(g) => g,
        None => {
            cx.at(
                raw.goal.span().start,
                format!(
                    "unknown goal `{}` (critical-section, deadlock, exception, assert, output or livelock)",
                    raw.goal.get_ref()
                ),
            );
            Goal::Assert
        }
    };
    match &goal {
        Goal::Output(t) if t.trim().is_empty() => cx.at(
            raw.goal.span().start,
            "goal `output` needs `goal_detail`: the text the program must print",
        ),
        Goal::Exception(Some(name)) if ExcKind::by_name(name).is_none() => {
            let at = raw.goal_detail.as_ref().map_or(0, |d| d.span().start);
            let known: Vec<&str> = ExcKind::ALL.iter().map(|k| k.name()).collect();
            cx.at(
                at,
                format!(
                    "goal `exception` names `{name}`, which the engine does not raise (it knows {})",
                    known.join(", ")
                ),
            )
        }
        Goal::Output(_)
        | Goal::Exception(_)
        | Goal::CriticalSection
        | Goal::Deadlock
        | Goal::Assert
        | Goal::Livelock => {}
    }
    let threads_span = raw.threads.span();
    let raw_threads = raw.threads.into_inner();
    if raw_threads.is_empty() {
        cx.at(
            threads_span.start,
            "a level needs at least one `[[threads]]`",
        );
    }
    if raw_threads.len() > MAX_THREADS {
        cx.at(
            threads_span.start,
            format!("at most {MAX_THREADS} threads (keys 1 to 9 step them)"),
        );
    }
    let mut threads = Vec::new();
    for (i, t) in raw_threads.iter().enumerate() {
        let name = t.name.get_ref().trim().to_string();
        if name.is_empty() {
            cx.at(t.name.span().start, "thread `name` is empty");
        }
        if raw_threads[..i]
            .iter()
            .any(|o| o.name.get_ref().trim() == name)
        {
            cx.at(
                t.name.span().start,
                format!("two threads are called `{name}`"),
            );
        }
        if let Some(v) = &t.var {
            let ok = v.get_ref().chars().all(|c| c.is_alphanumeric() || c == '_')
                && !v.get_ref().is_empty()
                && !v.get_ref().starts_with(|c: char| c.is_ascii_digit());
            if !ok {
                cx.at(
                    v.span().start,
                    format!("`var` `{}` is not a Python name", v.get_ref()),
                );
            }
        }
        threads.push(ThreadSource {
            name,
            code: t.code.get_ref().clone(),
            daemon: t.daemon,
            var: t.var.as_ref().map(|v| v.get_ref().clone()),
        });
    }
    let setup = raw
        .setup
        .as_ref()
        .map(|s| s.get_ref().clone())
        .unwrap_or_default();
    let after = raw.after.as_ref().map(|s| s.get_ref().clone());
    let mut spans: Vec<(Part, Range<usize>, String)> = Vec::new();
    if let Some(s) = &raw.setup {
        spans.push((Part::Setup, s.span(), "in `setup`".into()));
    }
    if let Some(s) = &raw.after {
        spans.push((Part::After, s.span(), "in `after`".into()));
    }
    for (i, t) in raw_threads.iter().enumerate() {
        spans.push((
            Part::Thread(i),
            t.code.span(),
            format!("in thread `{}`", t.name.get_ref()),
        ));
    }
    let original = match compile_program(&setup, after.as_deref(), &threads) {
        Ok(p) => Some(p),
        Err(errs) => {
            for e in &errs {
                cx.code_error(e, &spans);
            }
            None
        }
    };
    if let Some(p) = original.as_ref().filter(|_| known_goal) {
        let at = raw.goal.span().start;
        let f = &p.features;
        match &goal {
            Goal::Assert if !f.asserts => {
                cx.at(at, "goal `assert`, but no code has an `assert`")
            }
            Goal::CriticalSection if f.critical_threads < 2 => cx.at(
                at,
                "goal `critical-section`, but fewer than two threads call `critical_section()`",
            ),
            Goal::Deadlock if !f.blocking => cx.at(
                at,
                "goal `deadlock`, but no thread ever waits (no lock, condition, event, queue or join)",
            ),
            Goal::Output(_) if !f.prints => {
                cx.at(at, "goal `output`, but no code calls `print`")
            }
            Goal::Livelock if !f.loops => {
                cx.at(at, "goal `livelock`, but no thread has a loop")
            }
            Goal::Assert
            | Goal::CriticalSection
            | Goal::Deadlock
            | Goal::Output(_)
            | Goal::Livelock
            | Goal::Exception(_) => {}
        }
    }
    // The fixed version.
    let mut fixed = None;
    let mut fixed_program = None;
    if let Some(fx) = &raw.fixed {
        let fspan = fx.span();
        let f = fx.get_ref();
        let fthreads: Vec<ThreadSource> = f
            .threads
            .get_ref()
            .iter()
            .enumerate()
            .map(|(i, code)| ThreadSource {
                name: threads
                    .get(i)
                    .map_or_else(|| format!("Thread-{}", i + 1), |t| t.name.clone()),
                code: code.get_ref().clone(),
                daemon: threads.get(i).is_some_and(|t| t.daemon),
                var: threads.get(i).and_then(|t| t.var.clone()),
            })
            .collect();
        if fthreads.len() != threads.len() {
            cx.at(
                f.threads.span().start,
                format!(
                    "[fixed] has {} thread{}, the level has {}",
                    fthreads.len(),
                    if fthreads.len() == 1 { "" } else { "s" },
                    threads.len()
                ),
            );
        }
        let fsetup = f
            .setup
            .as_ref()
            .map_or_else(|| setup.clone(), |s| s.get_ref().clone());
        let fafter = match &f.after {
            Some(a) => Some(a.get_ref().clone()),
            None => after.clone(),
        };
        let mut fspans: Vec<(Part, Range<usize>, String)> = Vec::new();
        match &f.setup {
            Some(s) => fspans.push((Part::Setup, s.span(), "in [fixed] `setup`".into())),
            None => {
                if let Some(s) = &raw.setup {
                    fspans.push((Part::Setup, s.span(), "in `setup` (used by [fixed])".into()));
                }
            }
        }
        match &f.after {
            Some(s) => fspans.push((Part::After, s.span(), "in [fixed] `after`".into())),
            None => {
                if let Some(s) = &raw.after {
                    fspans.push((Part::After, s.span(), "in `after` (used by [fixed])".into()));
                }
            }
        }
        for (i, code) in f.threads.get_ref().iter().enumerate() {
            fspans.push((
                Part::Thread(i),
                code.span(),
                format!("in [fixed] thread {}", i + 1),
            ));
        }
        match compile_program(&fsetup, fafter.as_deref(), &fthreads) {
            Ok(p) => fixed_program = Some(Arc::new(p)),
            Err(errs) => {
                for e in &errs {
                    cx.code_error(e, &fspans);
                }
            }
        }
        if let Some(p) = &fixed_program
            && let Err(e) = (crate::challenge::machine::Machine { prog: p }).initial()
        {
            cx.at(fspan.start, format!("[fixed]: {e}"));
        }
        fixed = Some(FixedVersion {
            setup: fsetup,
            after: f.after.as_ref().map(|a| a.get_ref().clone()),
            threads: f
                .threads
                .get_ref()
                .iter()
                .map(|c| c.get_ref().clone())
                .collect(),
        });
    }
    let hints: Vec<String> = raw
        .hints
        .as_ref()
        .map(|h| h.get_ref().clone())
        .unwrap_or_default();
    if !draft {
        let end = text.len();
        if raw.solution.is_none() {
            cx.at(
                end,
                "missing `solution` (a winning schedule such as \"1,2e,2\")",
            );
        }
        match &raw.hints {
            None => cx.at(end, "missing `hints` (at least two)"),
            Some(h) if h.get_ref().len() < 2 => cx.at(h.span().start, "at least two hints"),
            Some(_) => {}
        }
        if raw.explanation.is_none() {
            cx.at(end, "missing `explanation`");
        }
        if raw.fixed.is_none() {
            cx.at(
                end,
                "missing `[fixed]`: the same program with the bug fixed",
            );
        }
    }
    let Some(original) = original.map(Arc::new) else {
        return Err(cx.diags);
    };
    // The program must start.
    if let Err(e) = (crate::challenge::machine::Machine { prog: &original }).initial() {
        let at = raw.setup.as_ref().map_or(0, |s| s.span().start);
        cx.at(at, e);
    }
    // The shipped solution must win.
    if let Some(sol) = &raw.solution
        && cx.diags.is_empty()
    {
        let at = sol.span().start;
        match parse_schedule(sol.get_ref()) {
            Err(e) => cx.at(at, format!("`solution`: {e}")),
            Ok(moves) => match Game::from_program(original.clone(), goal.clone()) {
                Err(e) => cx.at(at, e),
                Ok(mut g) => match g.replay(&moves) {
                    Err((n, e)) => cx.at(at, format!("`solution` step {n} is illegal: {e}")),
                    Ok(()) => match g.outcome() {
                        Outcome::Win { .. } => {}
                        Outcome::Loss { reason } => {
                            cx.at(at, format!("`solution` does not win: {reason}"))
                        }
                        Outcome::Running => cx.at(
                            at,
                            "`solution` does not win: the level is still running after its last step",
                        ),
                    },
                },
            },
        }
    }
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    Ok(Challenge {
        id,
        title: raw.title.into_inner(),
        lesson: raw.lesson.into_inner(),
        slide: raw.slide.map(|s| s.into_inner()),
        goal,
        goal_detail: raw.goal_detail.map(|d| d.into_inner()),
        briefing: raw.briefing.into_inner(),
        setup,
        after,
        solution: raw.solution.map(|s| s.into_inner()),
        hints,
        explanation: raw.explanation.map(|s| s.into_inner()),
        threads,
        fixed,
        path: path.to_string(),
        original,
        fixed_program,
        text: Arc::from(text),
    })
}

/// The checks that search (run by `threadtutor check` and the tests, not
/// at every start): the `[fixed]` version must be proved unwinnable, and
/// (with the limits of [`Limits::default`]).
pub fn check_fixed(level: &Challenge) -> Vec<Diagnostic> {
    let text: &str = &level.text;
    let mut out = Vec::new();
    let Some(prog) = level.program(Variant::Fixed) else {
        return out;
    };
    // The `[fixed]` table's header, at the start of a line.
    let at = text
        .find("\n[fixed]")
        .map(|i| i + 1)
        .or_else(|| text.find("[fixed]"))
        .unwrap_or(0);
    match solve_program(&prog, &level.goal, Limits::default()) {
        Err(e) => out.push(Diagnostic::at(
            &level.path,
            text,
            at,
            format!("[fixed]: {e}"),
        )),
        Ok(s) if s.winnable => out.push(Diagnostic::at(
            &level.path,
            text,
            at,
            format!(
                "the [fixed] version can still be won, e.g. with the schedule {}",
                s.schedule.unwrap_or_default()
            ),
        )),
        Ok(s) if !s.exhaustive => out.push(Diagnostic::at(
            &level.path,
            text,
            at,
            format!(
                "could not prove the [fixed] version: {} ({} states)",
                s.limit_hit.unwrap_or_default(),
                s.states
            ),
        )),
        Ok(_) => {}
    }
    out
}

/// Parse every level file of a content set and check what spans files:
/// unique ids, and that each level's lesson exists.
pub fn load_all(
    files: Vec<(String, String)>,
    lessons: &[super::Lesson],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for (path, text) in files {
        match parse_challenge(&path, &text, false) {
            Ok(c) => {
                if let Some(first) = out.iter().find(|o| o.id == c.id) {
                    let at = text.find(&format!("\"{}\"", c.id)).unwrap_or(0);
                    diags.push(Diagnostic::at(
                        &path,
                        &text,
                        at,
                        format!("duplicate challenge id `{}` (also in {})", c.id, first.path),
                    ));
                }
                match lessons.iter().find(|l| l.id == c.lesson) {
                    None if !lessons.is_empty() => {
                        let at = text.find("\nlesson").map_or(0, |i| i + 1);
                        diags.push(Diagnostic::at(
                            &path,
                            &text,
                            at,
                            format!("unknown lesson `{}`", c.lesson),
                        ));
                    }
                    Some(l) => {
                        if let Some(slide) = &c.slide
                            && !l.slides.iter().any(|s| &s.id == slide)
                        {
                            let at = text.find("\nslide").map_or(0, |i| i + 1);
                            diags.push(Diagnostic::at(
                                &path,
                                &text,
                                at,
                                format!("lesson `{}` has no slide `{slide}`", c.lesson),
                            ));
                        }
                    }
                    None => {}
                }
                out.push(c);
            }
            Err(d) => diags.extend(d),
        }
    }
    out
}

/// Load one level file from disk as a draft (for `challenge PATH`).
pub fn load_challenge_file(path: &std::path::Path) -> Result<Challenge, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    // Regular files only (a FIFO would hang the read), never past the limit.
    let bytes = crate::files::read_limited(path, super::load::MAX_FILE_BYTES as u64)
        .map_err(|e| vec![Diagnostic::file(&shown, format!("cannot read file: {e}"))])?;
    let text = super::diagnostic::decode_utf8(&shown, bytes).map_err(|d| vec![d])?;
    parse_challenge(&shown, &text, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_through_escapes_and_the_first_newline() {
        let text = "code = \"\"\"\nx = 1\ny = \\\"a\\\" +\n\"\"\"\n";
        let start = text.find("\"\"\"").unwrap();
        let end = text.rfind("\"\"\"").unwrap() + 3;
        let span = start..end;
        // Value: "x = 1\ny = \"a\" +\n"; byte 6 is 'y'.
        assert_eq!(&text[map_string_offset(text, &span, 6)..][..1], "y");
        // Byte 14 is '+', after two escaped quotes.
        assert_eq!(&text[map_string_offset(text, &span, 14)..][..1], "+");
        let lit = "code = '''\nab\ncd'''";
        let span = 7..lit.len();
        assert_eq!(&lit[map_string_offset(lit, &span, 3)..][..1], "c");
    }
}
