//! `threadtutor exercise …`: the exercises without the TUI.
//!
//! - `exercise --list [--json]`: the exercises (JSON: an array of
//!   `{"id","title","lesson"}`).
//! - `exercise check ID --file PATH [--seed N] [--schedule S] [--json]`:
//!   the checker's verdict (JSON: `{"id","passed","python","schedules",
//!   "seed","failure"}`); exit 0 whether it passed or not, 1 with one line
//!   when python3 is missing or the file cannot be read.
//! - `exercise solution ID`: the reference solution.
//! - `exercise init [DIR]`: the starter files (`ID.py`) and a README in DIR
//!   (default `./threadtutor-exercises`); existing files are kept.
//!
//! Also [`check_exercises`], the part of `threadtutor check` that runs
//! every solution (and starter) through the checker.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use crate::content::sanitize::{inert, json_inert};
use crate::content::{Content, Diagnostic, Exercise, Source};
use crate::exercise::{self, Options};

/// The default folder of `exercise init`.
pub const DEFAULT_DIR: &str = "threadtutor-exercises";

/// `threadtutor exercise`
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExerciseArgs {
    /// List the exercises: id, title and the lesson each practises.
    #[arg(long)]
    pub list: bool,
    /// With --list: one JSON array of {"id", "title", "lesson"}.
    #[arg(long, requires = "list")]
    pub json: bool,
    #[command(subcommand)]
    pub action: Option<ExerciseAction>,
}

#[derive(Debug, Subcommand)]
pub enum ExerciseAction {
    /// Check a file against an exercise under the controlled scheduler.
    Check {
        /// The exercise's id (see --list).
        id: String,
        /// The Python file to check.
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
        /// Seed of the random schedules (the same seed gives the same verdict).
        #[arg(long, value_name = "N", default_value_t = 0)]
        seed: u64,
        /// Replay one schedule (a failure's "schedule") and show its trace.
        #[arg(long, value_name = "SCHEDULE")]
        schedule: Option<String>,
        /// One JSON object: id, passed, python, schedules, seed, failure.
        #[arg(long)]
        json: bool,
    },
    /// Print an exercise's reference solution.
    Solution {
        /// The exercise's id (see --list).
        id: String,
    },
    /// The exercises full-screen: each save of DIR/ID.py is checked, with
    /// instructions, hints and the next exercise (needs a terminal).
    Watch {
        /// Where the files are (default ./threadtutor-exercises); `i` there
        /// writes the starters that are missing.
        dir: Option<PathBuf>,
    },
    /// Write every starter file (ID.py) and a short README into DIR.
    Init {
        /// Where (default ./threadtutor-exercises); existing files are kept.
        dir: Option<PathBuf>,
    },
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    lesson: &'a str,
}

fn fail(err: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(err, "threadtutor: {}", inert(msg));
    1
}

fn find<'a>(content: &'a Content, id: &str) -> Result<&'a Exercise, String> {
    content.exercise(id).ok_or_else(|| {
        let ids: Vec<&str> = content.exercises.iter().map(|e| e.id.as_str()).collect();
        if ids.is_empty() {
            format!("no exercise `{id}` (there are no exercises)")
        } else {
            format!("no exercise `{id}` (exercises: {})", ids.join(", "))
        }
    })
}

/// Run `threadtutor exercise …`; returns the exit code.
pub fn run(args: &ExerciseArgs, source: &Source, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some(content) = super::load_or_report(source, err) else {
        return 1;
    };
    if args.list {
        return list(&content, args.json, out);
    }
    match &args.action {
        None => fail(
            err,
            "say what to do: --list, check ID --file PATH, solution ID, init [DIR] or watch [DIR]",
        ),
        Some(ExerciseAction::Check {
            id,
            file,
            seed,
            schedule,
            json,
        }) => {
            let ex = match find(&content, id) {
                Ok(e) => e,
                Err(m) => return fail(err, &m),
            };
            let opts = Options {
                seed: *seed,
                schedule: schedule.clone(),
                ..Options::default()
            };
            check(ex, file, &opts, *json, out, err)
        }
        Some(ExerciseAction::Solution { id }) => match find(&content, id) {
            Ok(ex) => {
                let text = inert(&ex.solution);
                let _ = out.write_all(text.as_bytes());
                if !text.ends_with('\n') {
                    let _ = writeln!(out);
                }
                0
            }
            Err(m) => fail(err, &m),
        },
        Some(ExerciseAction::Init { dir }) => {
            let dir = dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
            init(&content, &dir, out, err)
        }
        // The full-screen watch is started by the caller, which holds the
        // terminal options; here only its content is checked.
        Some(ExerciseAction::Watch { .. }) => 0,
    }
}

fn list(content: &Content, json: bool, out: &mut dyn Write) -> i32 {
    let rows: Vec<Row> = content
        .exercises
        .iter()
        .map(|e| Row {
            id: &e.id,
            title: &e.title,
            lesson: &e.lesson,
        })
        .collect();
    if json {
        let text = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
        let _ = writeln!(out, "{}", json_inert(&text));
        return 0;
    }
    let w = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<w$}  {}  (lesson {})",
            inert(r.id),
            inert(r.title),
            inert(r.lesson)
        );
    }
    0
}

fn check(
    ex: &Exercise,
    file: &Path,
    opts: &Options,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let source = match exercise::read_source(file) {
        Ok(s) => s,
        Err(e) => return fail(err, &e.to_string()),
    };
    let python = match exercise::find_python() {
        Ok(p) => p,
        Err(e) => return fail(err, &e.to_string()),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("{}.py", ex.id));
    match exercise::check_source(&python, ex, &name, &source, opts) {
        Ok(v) => {
            if json {
                let text = serde_json::to_string(&v).unwrap_or_default();
                let _ = writeln!(out, "{}", json_inert(&text));
            } else {
                let _ = out.write_all(exercise::render(&v).as_bytes());
            }
            0
        }
        Err(e) => fail(err, &e.to_string()),
    }
}

fn init(content: &Content, dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    if content.exercises.is_empty() {
        return fail(err, "there are no exercises in this content");
    }
    match exercise::write_starters(&content.exercises, dir) {
        Ok(w) => {
            let _ = writeln!(out, "{}", w.summary(dir));
            0
        }
        Err(e) => fail(err, &e),
    }
}

/// The exercise part of `threadtutor check`: with python3, every starter
/// and solution must be valid Python, every solution must pass and every
/// starter must fail. Prints one summary line on `out` and each problem as
/// `path:line:col: message` on `err`; returns false when there were problems.
pub fn check_exercises(content: &Content, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    if content.exercises.is_empty() {
        return true;
    }
    let n = content.exercises.len();
    let python = match exercise::find_python() {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(
                out,
                "{n} exercises: solutions not run ({})",
                inert(&e.to_string())
            );
            return true;
        }
    };
    let mut diags: Vec<Diagnostic> = match exercise::syntax_errors(&python, &content.exercises) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "threadtutor: {}", inert(&e.to_string()));
            return false;
        }
    };
    if diags.is_empty() {
        diags = verify_all(&python, &content.exercises);
    }
    if diags.is_empty() {
        let _ = writeln!(
            out,
            "ok: {n} exercises (every solution passes and every starter fails, Python {})",
            inert(&python.version)
        );
        return true;
    }
    for d in &diags {
        let _ = writeln!(err, "{}", inert(&d.to_string()));
    }
    false
}

/// Check every solution (must pass) and starter (must fail), two at a time.
fn verify_all(python: &exercise::Python, exercises: &[Exercise]) -> Vec<Diagnostic> {
    let jobs: Vec<(usize, bool)> = (0..exercises.len())
        .flat_map(|i| [(i, true), (i, false)])
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(&(i, solution)) = jobs.get(k) else {
                        break;
                    };
                    let ex = &exercises[i];
                    let (name, src, line) = if solution {
                        ("solution", &ex.solution, ex.spans.solution_line)
                    } else {
                        ("starter", &ex.starter, ex.spans.starter_line)
                    };
                    let verdict = exercise::check_source(
                        python,
                        ex,
                        &format!("{}.py", ex.id),
                        src,
                        &Options::default(),
                    );
                    let problem = match verdict {
                        Ok(v) if v.passed == solution => None,
                        Ok(v) => Some(match v.failure {
                            Some(f) => {
                                format!("the {name} fails its checks ({}): {}", f.check, f.message)
                            }
                            None => format!("the {name} passes every check; it should fail"),
                        }),
                        Err(e) => Some(format!("the {name} could not be checked: {e}")),
                    };
                    if let Some(message) = problem
                        && let Ok(mut r) = results.lock()
                    {
                        r.push(Diagnostic {
                            path: ex.path.clone(),
                            line,
                            col: 1,
                            message,
                        });
                    }
                }
            });
        }
    });
    let mut diags = results.into_inner().unwrap_or_default();
    diags.sort();
    diags
}
