//! Exercises: the model and the parsing of one `exercises/NN-<id>.toml` file
//! (see `docs/exercises.md` for the format). Pure: checking a learner's
//! file against an exercise is `crate::exercise`'s job.
//!
//! Every problem is a [`Diagnostic`] at `path:line:col`: unknown keys,
//! missing fields, fewer than two hints, bad check values. Whether the
//! lesson id exists is checked by the loader (it knows the lessons);
//! whether the starter and solution are valid Python only where python3
//! exists (`crate::exercise::syntax_errors`).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::diagnostic::{Diagnostic, from_toml_error, line_col};

/// One exercise, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    /// The contract id (`counter-race`).
    pub id: String,
    pub title: String,
    /// The id of the lesson it practises.
    pub lesson: String,
    /// Markdown.
    pub instructions: String,
    /// The Python file the learner starts from (and edits).
    pub starter: String,
    /// A reference solution.
    pub solution: String,
    /// At least two, gentlest first.
    pub hints: Vec<String>,
    pub checks: Checks,
    /// The file it came from, as shown in messages.
    pub path: String,
    /// Where things are in that file, for later diagnostics.
    pub spans: ExerciseSpans,
}

/// Positions in the exercise's file (1-based lines and columns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExerciseSpans {
    /// Where the `id` value is.
    pub id: (usize, usize),
    /// Where the `lesson` value is.
    pub lesson: (usize, usize),
    /// The file line holding the starter's first line of Python.
    pub starter_line: usize,
    /// The file line holding the solution's first line of Python.
    pub solution_line: usize,
}

/// What the checker verifies (the `[checks]` table). Serialised as the
/// harness's configuration, with the TOML's key names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checks {
    /// Python expressions over the module's globals that must hold at the end.
    #[serde(rename = "final")]
    pub final_: Vec<String>,
    /// Uncaught exceptions allowed (default false).
    pub exceptions: bool,
    /// Deadlock allowed (default false).
    pub deadlock: bool,
    /// Non-daemon threads still blocked at exit allowed (default false).
    pub leftover_threads: bool,
    /// Python regex the whole printed output must match (`re.fullmatch`, DOTALL).
    pub output_pattern: Option<String>,
    /// Every printed line must be one of these.
    pub output_lines: Option<Vec<String>>,
    /// At least this many threads besides the main one alive at once.
    pub min_threads: Option<u32>,
    /// Busy waiting allowed (default false).
    pub busy_wait: bool,
    /// Virtual seconds the program may take.
    pub time_budget: Option<f64>,
    /// Exhaustive exploration's preemption bound (default 2).
    pub preemptions: u32,
    /// Seeded PCT schedules after the exhaustive pass (default 300).
    pub random_schedules: u32,
    /// Steps per schedule before it counts as an endless loop (default 20000).
    pub max_steps: u64,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            final_: Vec::new(),
            exceptions: false,
            deadlock: false,
            leftover_threads: false,
            output_pattern: None,
            output_lines: None,
            min_threads: None,
            busy_wait: false,
            time_budget: None,
            preemptions: DEFAULT_PREEMPTIONS,
            random_schedules: DEFAULT_RANDOM_SCHEDULES,
            max_steps: DEFAULT_MAX_STEPS,
        }
    }
}

pub const DEFAULT_PREEMPTIONS: u32 = 2;
pub const DEFAULT_RANDOM_SCHEDULES: u32 = 300;
pub const DEFAULT_MAX_STEPS: u64 = 20_000;
/// Upper bounds, so no exercise asks for unbounded work.
pub const MAX_PREEMPTIONS: u32 = 4;
pub const MAX_RANDOM_SCHEDULES: u32 = 5_000;
pub const MAX_MAX_STEPS: u64 = 1_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    id: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    lesson: Option<Spanned<String>>,
    instructions: Option<Spanned<String>>,
    starter: Option<Spanned<String>>,
    solution: Option<Spanned<String>>,
    hints: Option<Spanned<Vec<Spanned<String>>>>,
    checks: Option<Spanned<RawChecks>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecks {
    #[serde(rename = "final")]
    final_: Option<Vec<Spanned<String>>>,
    exceptions: Option<bool>,
    deadlock: Option<bool>,
    leftover_threads: Option<bool>,
    output_pattern: Option<Spanned<String>>,
    output_lines: Option<Vec<String>>,
    min_threads: Option<Spanned<i64>>,
    busy_wait: Option<bool>,
    time_budget: Option<Spanned<f64>>,
    preemptions: Option<Spanned<i64>>,
    random_schedules: Option<Spanned<i64>>,
    max_steps: Option<Spanned<i64>>,
}

/// Is `id` made of lowercase letters, digits and dashes?
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The file line where a string value's content starts: multi-line strings
/// (`"""`, `'''`) drop a newline right after the opening quotes.
fn content_line(text: &str, span: &Range<usize>) -> usize {
    let raw = text.get(span.clone()).unwrap_or_default();
    let mut offset = span.start;
    for open in ["\"\"\"", "'''"] {
        if let Some(rest) = raw.strip_prefix(open) {
            offset += open.len();
            if rest.starts_with("\r\n") {
                offset += 2;
            } else if rest.starts_with('\n') {
                offset += 1;
            }
            return line_col(text, offset).0;
        }
    }
    line_col(text, offset + 1).0
}

/// Parse and check one exercise file. `stem` is the file name without
/// `.toml` (`01-counter-race`): it must end with the id.
pub fn parse_exercise(path: &str, stem: &str, text: &str) -> Result<Exercise, Vec<Diagnostic>> {
    let raw: RawExercise = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => return Err(vec![from_toml_error(path, text, &e)]),
    };
    let mut diags = Vec::new();
    let at = |span: Range<usize>, msg: String| Diagnostic::at(path, text, span.start, msg);
    let required =
        |field: Option<Spanned<String>>, name: &str, diags: &mut Vec<Diagnostic>| match field {
            Some(v) if v.get_ref().trim().is_empty() => {
                diags.push(at(v.span(), format!("`{name}` is empty")));
                None
            }
            Some(v) => Some(v),
            None => {
                diags.push(Diagnostic::file(path, format!("missing field `{name}`")));
                None
            }
        };
    let id = required(raw.id, "id", &mut diags);
    let title = required(raw.title, "title", &mut diags);
    let lesson = required(raw.lesson, "lesson", &mut diags);
    let instructions = required(raw.instructions, "instructions", &mut diags);
    let starter = required(raw.starter, "starter", &mut diags);
    let solution = required(raw.solution, "solution", &mut diags);
    if let Some(id) = &id {
        let v = id.get_ref();
        if !valid_id(v) {
            diags.push(at(
                id.span(),
                format!("exercise id `{v}` must be lowercase letters, digits and dashes"),
            ));
        } else if stem != v.as_str() && !stem.ends_with(&format!("-{v}")) {
            diags.push(at(
                id.span(),
                format!("the file of exercise `{v}` must be named NN-{v}.toml (it is {stem}.toml)"),
            ));
        }
    }
    if let (Some(s), Some(t)) = (&starter, &solution)
        && s.get_ref().trim() == t.get_ref().trim()
    {
        diags.push(at(
            t.span(),
            "the solution is the same as the starter".into(),
        ));
    }
    let hints: Vec<String> = match raw.hints {
        None => {
            diags.push(Diagnostic::file(
                path,
                "missing field `hints` (at least two hints)",
            ));
            Vec::new()
        }
        Some(h) => {
            let span = h.span();
            let list = h.into_inner();
            if list.len() < 2 {
                diags.push(at(
                    span,
                    format!(
                        "an exercise needs at least two hints (this one has {})",
                        list.len()
                    ),
                ));
            }
            for hint in &list {
                if hint.get_ref().trim().is_empty() {
                    diags.push(at(hint.span(), "a hint is empty".into()));
                }
            }
            list.into_iter().map(Spanned::into_inner).collect()
        }
    };
    let checks = match raw.checks {
        None => Checks::default(),
        Some(c) => build_checks(path, text, c.into_inner(), &mut diags),
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    let (Some(id), Some(title), Some(lesson), Some(instructions), Some(starter), Some(solution)) =
        (id, title, lesson, instructions, starter, solution)
    else {
        return Err(vec![Diagnostic::file(path, "incomplete exercise")]);
    };
    let spans = ExerciseSpans {
        id: line_col(text, id.span().start),
        lesson: line_col(text, lesson.span().start),
        starter_line: content_line(text, &starter.span()),
        solution_line: content_line(text, &solution.span()),
    };
    Ok(Exercise {
        id: id.into_inner(),
        title: title.into_inner(),
        lesson: lesson.into_inner(),
        instructions: instructions.into_inner(),
        starter: starter.into_inner(),
        solution: solution.into_inner(),
        hints,
        checks,
        path: path.to_string(),
        spans,
    })
}

/// Parse every exercise file (path, text), in the order given, and check
/// what spans files: unknown lesson ids and duplicate exercise ids.
pub fn load_exercises(
    files: Vec<(String, String)>,
    lessons: &[super::lesson::Lesson],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Exercise> {
    let mut out: Vec<Exercise> = Vec::new();
    for (path, text) in files {
        let stem = std::path::Path::new(&path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match parse_exercise(&path, &stem, &text) {
            Ok(e) => {
                if !lessons.is_empty() && !lessons.iter().any(|l| l.id == e.lesson) {
                    diags.push(Diagnostic {
                        path: path.clone(),
                        line: e.spans.lesson.0,
                        col: e.spans.lesson.1,
                        message: format!("unknown lesson `{}`", e.lesson),
                    });
                }
                if let Some(first) = out.iter().find(|o| o.id == e.id) {
                    diags.push(Diagnostic {
                        path: path.clone(),
                        line: e.spans.id.0,
                        col: e.spans.id.1,
                        message: format!(
                            "duplicate exercise id `{}` (also in {})",
                            e.id, first.path
                        ),
                    });
                }
                out.push(e);
            }
            Err(d) => diags.extend(d),
        }
    }
    out
}

fn build_checks(path: &str, text: &str, raw: RawChecks, diags: &mut Vec<Diagnostic>) -> Checks {
    let at = |span: Range<usize>, msg: String| Diagnostic::at(path, text, span.start, msg);
    let mut c = Checks::default();
    for f in raw.final_.unwrap_or_default() {
        if f.get_ref().trim().is_empty() {
            diags.push(at(f.span(), "a `final` expression is empty".into()));
        } else if f.get_ref().contains('\n') {
            diags.push(at(f.span(), "a `final` expression must be one line".into()));
        }
        c.final_.push(f.into_inner());
    }
    c.exceptions = raw.exceptions.unwrap_or(false);
    c.deadlock = raw.deadlock.unwrap_or(false);
    c.leftover_threads = raw.leftover_threads.unwrap_or(false);
    c.busy_wait = raw.busy_wait.unwrap_or(false);
    if let Some(p) = raw.output_pattern {
        if p.get_ref().is_empty() {
            diags.push(at(p.span(), "`output_pattern` is empty".into()));
        }
        c.output_pattern = Some(p.into_inner());
    }
    c.output_lines = raw.output_lines;
    let mut int = |v: Option<Spanned<i64>>, name: &str, lo: i64, hi: i64| -> Option<i64> {
        let v = v?;
        let n = *v.get_ref();
        if n < lo || n > hi {
            diags.push(at(
                v.span(),
                format!("`{name}` must be between {lo} and {hi} (it is {n})"),
            ));
            return None;
        }
        Some(n)
    };
    c.min_threads = int(raw.min_threads, "min_threads", 1, 64).map(|n| n as u32);
    if let Some(n) = int(
        raw.preemptions,
        "preemptions",
        0,
        i64::from(MAX_PREEMPTIONS),
    ) {
        c.preemptions = n as u32;
    }
    if let Some(n) = int(
        raw.random_schedules,
        "random_schedules",
        0,
        i64::from(MAX_RANDOM_SCHEDULES),
    ) {
        c.random_schedules = n as u32;
    }
    if let Some(n) = int(raw.max_steps, "max_steps", 100, MAX_MAX_STEPS as i64) {
        c.max_steps = n as u64;
    }
    if let Some(b) = raw.time_budget {
        let v = *b.get_ref();
        if !(v.is_finite() && v > 0.0) {
            diags.push(at(
                b.span(),
                format!("`time_budget` must be a positive number of seconds (it is {v})"),
            ));
        } else {
            c.time_budget = Some(v);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "dev-race"
title = "A race"
lesson = "locks"
instructions = "Fix it."
starter = """
x = 1
"""
solution = """
x = 2
"""
hints = ["one", "two"]

[checks]
final = ["x == 2"]
min_threads = 2
time_budget = 1.5
"#;

    #[test]
    fn a_good_file_parses_with_its_positions() {
        let e = parse_exercise("e/01-dev-race.toml", "01-dev-race", GOOD).unwrap();
        assert_eq!(e.id, "dev-race");
        assert_eq!(e.starter, "x = 1\n");
        assert_eq!(e.spans.starter_line, 6);
        assert_eq!(e.spans.solution_line, 9);
        assert_eq!(e.spans.lesson, (3, 10));
        assert_eq!(e.checks.final_, vec!["x == 2".to_string()]);
        assert_eq!(e.checks.min_threads, Some(2));
        assert_eq!(e.checks.time_budget, Some(1.5));
        assert_eq!(e.checks.random_schedules, DEFAULT_RANDOM_SCHEDULES);
        assert!(!e.checks.exceptions);
    }

    fn errors(text: &str) -> Vec<String> {
        parse_exercise("x/01-dev-race.toml", "01-dev-race", text)
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn unknown_keys_are_pinned() {
        let text = GOOD.replace("min_threads = 2", "min_thread = 2");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("x/01-dev-race.toml:15:1: unknown field `min_thread`"),
            "{e:?}"
        );
    }

    #[test]
    fn missing_fields_and_few_hints_are_reported() {
        let text = GOOD
            .replace("title = \"A race\"\n", "")
            .replace("[\"one\", \"two\"]", "[\"one\"]");
        let e = errors(&text);
        assert!(
            e.iter().any(|m| m.ends_with("missing field `title`")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.contains(":10:9: an exercise needs at least two hints")),
            "{e:?}"
        );
    }

    #[test]
    fn bad_values_and_names_are_reported() {
        let text = GOOD
            .replace("min_threads = 2", "min_threads = 0")
            .replace("time_budget = 1.5", "time_budget = -1.0")
            .replace("id = \"dev-race\"", "id = \"Dev Race\"");
        let e = errors(&text);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].contains(":1:6: exercise id `Dev Race`"), "{e:?}");
        let other = parse_exercise("x/07-other.toml", "07-other", GOOD).unwrap_err();
        assert!(
            other[0]
                .to_string()
                .contains("must be named NN-dev-race.toml")
        );
    }
}
