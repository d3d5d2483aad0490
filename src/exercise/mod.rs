//! The exercise checker: runs a learner's Python file under threadtutor's
//! controlled scheduler and says whether it passes the exercise's checks.
//!
//! The work happens in a Python harness (`harness/tt_main.py` and
//! `harness/tt_sched.py`, built into the binary, written to a cache folder
//! by [`harness::ensure`]) run by the learner's own `python3` in a child
//! process ([`process::run`]: own process group, time limit, bounded
//! output). The harness runs the file once per schedule — one thread at a
//! time, with a possible switch at every line of the learner's file and at
//! every threading / queue / futures operation — first exhaustively up to
//! the exercise's preemption bound where the program is small, then seeded
//! PCT schedules, and stops at the first failing schedule. See
//! `docs/exercises.md`.
//!
//! # API (stable; the TUI screen and `threadtutor exercise` use it)
//!
//! ```no_run
//! use threadtutor::exercise::{self, Options};
//! # fn demo(ex: &threadtutor::content::Exercise) {
//! let python = exercise::find_python().expect("python3 3.8+");
//! let verdict = exercise::check_file(&python, ex, "counter-race.py".as_ref(), &Options::default());
//! match verdict {
//!     Ok(v) if v.passed => println!("passed ({} schedules)", v.schedules),
//!     Ok(v) => println!("{}", exercise::render(&v)),
//!     Err(e) => println!("{e}"),
//! }
//! # }
//! ```
//!
//! - [`find_python`]: the learner's Python (`$THREADTUTOR_PYTHON` or
//!   `python3`), 3.8 or newer, or a one-line [`NoPython`] saying what to install.
//! - [`check_file`] / [`check_source`]: a [`Verdict`] (passed or not: both
//!   are verdicts), or a [`CheckError`] when the file cannot be read or the
//!   harness itself failed. A run that passes its time limit is a verdict
//!   whose failure's check is `time_limit`; a program that ends the
//!   interpreter itself (`os._exit`), one whose check is `crash`. Both block
//!   until the verdict (well under 2 s for the built-in exercises): call them
//!   from a background thread in a UI.
//! - [`check_source_cancellable`]: the same, stopped early (the Python
//!   process killed, [`CheckError::Cancelled`]) when a flag is set — for
//!   watch mode, when the file is saved again during a check.
//! - [`render`]: the verdict in words, with the trace (text is made inert).
//! - [`syntax_errors`]: `path:line:col` diagnostics for starters and
//!   solutions that are not valid Python (for `threadtutor check`).
//!
//! Everything in a [`Verdict`] comes from the learner's program: pass it
//! through `content::sanitize::{inert, json_inert}` before it reaches a
//! terminal or stdout ([`render`] does).

pub mod harness;
pub mod process;
pub mod python;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::content::Diagnostic;
pub use crate::content::exercise::{Checks, Exercise};
use crate::content::sanitize::inert;
pub use python::{NoPython, Python, find_python};

/// Largest learner file read.
pub const MAX_SOURCE_BYTES: u64 = 256 * 1024;
/// Largest result file read back from the harness.
const MAX_RESULT_BYTES: u64 = 8 * 1024 * 1024;
/// Output kept from the harness process itself (its own errors).
const MAX_PROCESS_OUTPUT: usize = 64 * 1024;
/// The default time limit for one check (the verdict normally takes well
/// under 2 s; this only stops programs that hang outside the scheduler).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(20);

/// The `check` name of a verdict killed for its time.
pub const TIME_LIMIT_CHECK: &str = "time_limit";
/// The `check` name of a program that ended the interpreter itself.
pub const CRASH_CHECK: &str = "crash";
/// What the harness prints on stderr when it fails itself.
const HARNESS_ERROR: &str = "threadtutor harness error";

/// How to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Seeds the random schedules: the same seed, the same verdict.
    pub seed: u64,
    /// Replay just this schedule (a failure's `schedule`), with a trace.
    pub schedule: Option<String>,
    /// Kill the check after this long.
    pub time_limit: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            schedule: None,
            time_limit: DEFAULT_TIME_LIMIT,
        }
    }
}

/// The checker's answer. Serialises as the `exercise check --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub id: String,
    pub passed: bool,
    /// The Python version that ran it (`3.11.7`).
    pub python: String,
    /// How many schedules were run.
    pub schedules: u64,
    pub seed: u64,
    pub failure: Option<Failure>,
    /// `complete`, `partial` or `skipped`: how far the exhaustive pass went.
    #[serde(default, skip_serializing)]
    pub exhaustive: String,
    /// What the program printed in its first (unpreempted) run when it
    /// passed, or in the replayed run with `Options::schedule`; a failure's
    /// own output is in [`Failure::output`].
    #[serde(default, skip_serializing)]
    pub output: String,
}

/// What broke, and the interleaving that broke it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Which check: `final`, `exceptions`, `deadlock`, `leftover_threads`,
    /// `output_pattern`, `output_lines`, `min_threads`, `busy_wait`,
    /// `time_budget`, `step_limit`, `syntax`, `time_limit` or `crash`.
    pub check: String,
    /// In words.
    pub message: String,
    /// Replays the failing run (`Options::schedule`).
    pub schedule: String,
    /// The steps that matter, oldest first.
    pub trace: Vec<Step>,
    /// What the failing run printed (stdout then stderr, the end of it).
    #[serde(default)]
    pub output: String,
}

/// One step of a trace: `Thread-2  line 7  tmp = counter   (counter = 41)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub thread: String,
    pub line: u32,
    pub code: String,
    /// Shared names the line touches, with their values before it ran.
    #[serde(default)]
    pub values: String,
    /// Operations on threading objects during the step (`acquire Lock `lock``).
    #[serde(default)]
    pub event: String,
    /// The scheduler's step number (gaps are steps left out).
    #[serde(default)]
    pub step: u64,
}

/// Why there is no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The learner's file cannot be read (one line).
    Unreadable(String),
    /// The harness could not be written or run, or gave no result.
    Harness(String),
    /// The caller cancelled the check ([`check_source_cancellable`]).
    Cancelled,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Unreadable(m) | CheckError::Harness(m) => f.write_str(m),
            CheckError::Cancelled => f.write_str("the check was cancelled"),
        }
    }
}

/// Read a learner's file (size-limited, UTF-8).
pub fn read_source(file: &Path) -> Result<String, CheckError> {
    use std::io::Read;
    let shown = file.display();
    let f = fs::File::open(file)
        .map_err(|e| CheckError::Unreadable(format!("cannot read {shown}: {e}")))?;
    let mut bytes = Vec::new();
    f.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CheckError::Unreadable(format!("cannot read {shown}: {e}")))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(CheckError::Unreadable(format!(
            "{shown} is larger than {MAX_SOURCE_BYTES} bytes"
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| CheckError::Unreadable(format!("{shown} is not UTF-8 text")))
}

/// Check the learner's file `file` against `exercise`.
pub fn check_file(
    python: &Python,
    exercise: &Exercise,
    file: &Path,
    opts: &Options,
) -> Result<Verdict, CheckError> {
    let source = read_source(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py"))
        .unwrap_or_else(|| format!("{}.py", exercise.id));
    check_source(python, exercise, &name, &source, opts)
}

/// A scratch folder for one check, removed when dropped.
struct RunDir(PathBuf);

impl RunDir {
    fn new() -> std::io::Result<RunDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let mut last = None;
        for _ in 0..16 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let dir = base.join(format!(
                "threadtutor-check-{}-{}-{nanos}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(RunDir(dir)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no scratch folder")))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[derive(Serialize)]
struct HarnessConfig<'a> {
    id: &'a str,
    checks: &'a Checks,
}

#[derive(Deserialize)]
struct HarnessResult {
    #[serde(flatten)]
    verdict: Verdict,
    #[serde(default)]
    error: Option<String>,
}

/// Check `source` (shown as file `name`, e.g. `counter-race.py`).
pub fn check_source(
    python: &Python,
    exercise: &Exercise,
    name: &str,
    source: &str,
    opts: &Options,
) -> Result<Verdict, CheckError> {
    check_source_cancellable(
        python,
        exercise,
        name,
        source,
        opts,
        &AtomicBool::new(false),
    )
}

/// [`check_source`] that stops early (killing the Python process, returning
/// [`CheckError::Cancelled`]) once `cancel` is true: for re-checking a file
/// saved again while its previous check still runs. Call it from a
/// background thread; it blocks until the verdict.
pub fn check_source_cancellable(
    python: &Python,
    exercise: &Exercise,
    name: &str,
    source: &str,
    opts: &Options,
    cancel: &AtomicBool,
) -> Result<Verdict, CheckError> {
    let harness_dir =
        harness::ensure().map_err(|e| CheckError::Harness(format!("exercise harness: {e}")))?;
    let run = RunDir::new()
        .map_err(|e| CheckError::Harness(format!("cannot make a scratch folder: {e}")))?;
    let name = sanitize_name(name);
    let config = serde_json::to_string(&HarnessConfig {
        id: &exercise.id,
        checks: &exercise.checks,
    })
    .map_err(|e| CheckError::Harness(e.to_string()))?;
    let write = |file: &str, text: &str| {
        fs::write(run.0.join(file), text)
            .map_err(|e| CheckError::Harness(format!("cannot write {file}: {e}")))
    };
    write("config.json", &config)?;
    write(&name, source)?;
    let mut cmd = Command::new(&python.executable);
    // -S: no site customisation (tt_main.py says why).
    cmd.arg("-B")
        .arg("-S")
        .arg(harness_dir.join(harness::MAIN))
        .args([
            "--config",
            "config.json",
            "--file",
            &name,
            "--out",
            "result.json",
        ])
        .args(["--seed", &opts.seed.to_string()])
        .current_dir(&run.0)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONSTARTUP")
        .env_remove("PYTHONINSPECT")
        .env_remove("PYTHONWARNINGS");
    if let Some(s) = &opts.schedule {
        cmd.args(["--schedule", s]);
    }
    let out = process::run_cancellable(cmd, opts.time_limit, MAX_PROCESS_OUTPUT, cancel)
        .map_err(|e| CheckError::Harness(format!("could not start `{}`: {e}", python.program)))?;
    if out.cancelled {
        return Err(CheckError::Cancelled);
    }
    if out.timed_out {
        return Ok(Verdict {
            id: exercise.id.clone(),
            passed: false,
            python: python.version.clone(),
            schedules: 0,
            seed: opts.seed,
            failure: Some(Failure {
                check: TIME_LIMIT_CHECK.into(),
                message: format!(
                    "the check was stopped after {} s: the program kept running outside the \
                     scheduler's control (a long computation, or waiting on something other \
                     than threads)",
                    opts.time_limit.as_secs_f64()
                ),
                schedule: String::new(),
                trace: Vec::new(),
                output: String::new(),
            }),
            exhaustive: String::new(),
            output: String::new(),
        });
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let result = match read_limited(&run.0.join("result.json")) {
        Ok(r) => r,
        Err(e) if stderr.contains(HARNESS_ERROR) || out.status.is_none() => {
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            return Err(CheckError::Harness(format!(
                "the exercise harness gave no result ({e}){}",
                if last.is_empty() {
                    String::new()
                } else {
                    format!(": {}", last.trim())
                }
            )));
        }
        Err(_) => {
            // The learner's program ended the interpreter itself (os._exit,
            // a crash): a verdict, not an error.
            let code = out
                .status
                .and_then(|s| s.code())
                .map_or("a signal".to_string(), |c| format!("exit code {c}"));
            let tail: String = {
                let t = stderr.trim_end();
                let start = t.len().saturating_sub(4000);
                let mut i = start;
                while !t.is_char_boundary(i) {
                    i += 1;
                }
                t[i..].to_string()
            };
            return Ok(Verdict {
                id: exercise.id.clone(),
                passed: false,
                python: python.version.clone(),
                schedules: 0,
                seed: opts.seed,
                failure: Some(Failure {
                    check: CRASH_CHECK.into(),
                    message: format!(
                        "the program ended the Python process itself ({code}) before the \
                         checker could finish: os._exit(), or a crash"
                    ),
                    schedule: String::new(),
                    trace: Vec::new(),
                    output: tail,
                }),
                exhaustive: String::new(),
                output: String::new(),
            });
        }
    };
    let parsed: HarnessResult = serde_json::from_slice(&result).map_err(|e| {
        CheckError::Harness(format!("the exercise harness's result is not valid: {e}"))
    })?;
    if let Some(err) = parsed.error {
        return Err(CheckError::Unreadable(err));
    }
    let mut verdict = parsed.verdict;
    verdict.id = exercise.id.clone();
    Ok(verdict)
}

fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_RESULT_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file name safe to create in the scratch folder.
fn sanitize_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() || cleaned == "config.json" || cleaned == "result.json" {
        "learner.py".into()
    } else if cleaned.ends_with(".py") {
        cleaned
    } else {
        format!("{cleaned}.py")
    }
}

/// One trace step as a line: `Thread-2  line 7  tmp = counter   (counter = 41)`.
pub fn step_line(s: &Step, thread_width: usize) -> String {
    let mut line = format!(
        "{:<w$}  line {:<3}  {}",
        s.thread,
        s.line,
        s.code,
        w = thread_width
    );
    let mut notes = Vec::new();
    if !s.values.is_empty() {
        notes.push(s.values.as_str());
    }
    if !s.event.is_empty() {
        notes.push(s.event.as_str());
    }
    if !notes.is_empty() {
        line.push_str(&format!("   ({})", notes.join("; ")));
    }
    inert(&line).into_owned()
}

/// The verdict in words: a first line, then for a failure the message, the
/// trace and the schedule. Every text is made inert.
pub fn render(v: &Verdict) -> String {
    let mut out = String::new();
    let id = inert(&v.id);
    match &v.failure {
        None => out.push_str(&format!(
            "{id}: passed ({} schedule{}, Python {}, seed {})\n",
            v.schedules,
            if v.schedules == 1 { "" } else { "s" },
            inert(&v.python),
            v.seed
        )),
        Some(f) => {
            out.push_str(&format!(
                "{id}: not yet — {} (check `{}`, after {} schedule{}, Python {}, seed {})\n",
                inert(&f.message),
                inert(&f.check),
                v.schedules,
                if v.schedules == 1 { "" } else { "s" },
                inert(&v.python),
                v.seed
            ));
            if !f.trace.is_empty() {
                out.push_str("\nThe interleaving that broke it:\n");
                let w = f
                    .trace
                    .iter()
                    .map(|s| s.thread.chars().count())
                    .max()
                    .unwrap_or(0);
                let mut last_step = None;
                for s in &f.trace {
                    if let Some(prev) = last_step
                        && s.step > prev + 1
                    {
                        out.push_str("  …\n");
                    }
                    last_step = Some(s.step);
                    out.push_str("  ");
                    out.push_str(&step_line(s, w));
                    out.push('\n');
                }
            }
            if !f.output.trim().is_empty() {
                out.push_str("\nIts output:\n");
                for line in f.output.lines().take(40) {
                    out.push_str("  ");
                    out.push_str(&inert(line));
                    out.push('\n');
                }
            }
            if !f.schedule.is_empty() {
                out.push_str(&format!("\nSchedule (to replay): {}\n", inert(&f.schedule)));
            }
        }
    }
    out
}

/// Starters and solutions that are not valid Python, as diagnostics at
/// their place in the exercise files. Empty when all compile.
pub fn syntax_errors(
    python: &Python,
    exercises: &[Exercise],
) -> Result<Vec<Diagnostic>, CheckError> {
    const SCRIPT: &str = r#"
import json, sys
items = json.load(open(sys.argv[1], encoding='utf-8'))
out = []
for i, src in enumerate(items):
    try:
        compile(src, '<exercise>', 'exec')
    except SyntaxError as e:
        out.append([i, e.lineno or 1, e.offset or 1, e.msg])
print(json.dumps(out))
"#;
    if exercises.is_empty() {
        return Ok(Vec::new());
    }
    let run = RunDir::new()
        .map_err(|e| CheckError::Harness(format!("cannot make a scratch folder: {e}")))?;
    let sources: Vec<&str> = exercises
        .iter()
        .flat_map(|e| [e.starter.as_str(), e.solution.as_str()])
        .collect();
    let json = serde_json::to_string(&sources).map_err(|e| CheckError::Harness(e.to_string()))?;
    fs::write(run.0.join("sources.json"), json)
        .map_err(|e| CheckError::Harness(format!("cannot write sources: {e}")))?;
    let mut cmd = Command::new(&python.executable);
    cmd.args(["-B", "-s", "-c", SCRIPT, "sources.json"])
        .current_dir(&run.0);
    let out = process::run(cmd, Duration::from_secs(30), 1024 * 1024)
        .map_err(|e| CheckError::Harness(format!("could not start `{}`: {e}", python.program)))?;
    let errors: Vec<(usize, i64, i64, String)> = serde_json::from_slice(&out.stdout)
        .map_err(|_| CheckError::Harness("could not compile the exercises' Python".into()))?;
    let mut diags = Vec::new();
    for (i, line, col, msg) in errors {
        let Some(ex) = exercises.get(i / 2) else {
            continue;
        };
        let (what, first) = if i % 2 == 0 {
            ("starter", ex.spans.starter_line)
        } else {
            ("solution", ex.spans.solution_line)
        };
        diags.push(Diagnostic {
            path: ex.path.clone(),
            line: first + (line.max(1) as usize) - 1,
            col: col.max(1) as usize,
            message: format!("the {what} is not valid Python: {msg}"),
        });
    }
    Ok(diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(sanitize_name("counter-race.py"), "counter-race.py");
        assert_eq!(sanitize_name("../x y.py"), "_x_y.py");
        assert_eq!(sanitize_name("result.json"), "learner.py");
        assert_eq!(sanitize_name("solution"), "solution.py");
    }

    #[test]
    fn a_failure_renders_with_its_trace_and_no_escapes() {
        let v = Verdict {
            id: "dev".into(),
            passed: false,
            python: "3.11.7".into(),
            schedules: 3,
            seed: 7,
            exhaustive: String::new(),
            output: String::new(),
            failure: Some(Failure {
                check: "final".into(),
                message: "`counter == 4` is false at the end (counter = 3)\x1b[2J".into(),
                schedule: "2;5:1,9:2".into(),
                trace: vec![
                    Step {
                        thread: "Thread-1 (work)".into(),
                        line: 7,
                        code: "tmp = counter".into(),
                        values: "counter = 1".into(),
                        event: String::new(),
                        step: 5,
                    },
                    Step {
                        thread: "Thread-2".into(),
                        line: 8,
                        code: "counter = tmp + 1".into(),
                        values: String::new(),
                        event: String::new(),
                        step: 9,
                    },
                ],
                output: "done\n".into(),
            }),
        };
        let text = render(&v);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(
            text.contains("Thread-1 (work)  line 7    tmp = counter   (counter = 1)"),
            "{text}"
        );
        assert!(text.contains("  …\n  Thread-2"), "{text}");
        assert!(text.contains("Schedule (to replay): 2;5:1,9:2"), "{text}");
        let json = serde_json::to_value(&v).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["failure", "id", "passed", "python", "schedules", "seed"]
        );
    }
}

const STARTERS_README: &str = "# threadtutor exercises\n\n\
Each `ID.py` here is a small Python program with a threading bug. Fix it\n\
where it says `# TODO` (and keep what it says to keep), then check it:\n\n\
    threadtutor exercise check ID --file ID.py\n\n\
or let threadtutor check it every time you save:\n\n\
    threadtutor exercise watch .\n\n\
The checker runs your file under a controlled scheduler, over many\n\
interleavings of its threads, so the verdict is the same on every run; a\n\
failure shows the interleaving that broke it. `threadtutor exercise solution ID`\n\
prints a reference solution. The exercises, in order:\n\n";

/// What [`write_starters`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// How many files were written.
    pub written: usize,
    /// Files that were there already, kept as they were.
    pub kept: Vec<String>,
}

impl Written {
    /// One or two lines for the learner.
    pub fn summary(&self, dir: &Path) -> String {
        let mut s = format!(
            "wrote {} file{} into {}",
            self.written,
            if self.written == 1 { "" } else { "s" },
            dir.display()
        );
        if !self.kept.is_empty() {
            s.push_str(&format!(
                "\nkept {} existing file{} (not overwritten): {}",
                self.kept.len(),
                if self.kept.len() == 1 { "" } else { "s" },
                self.kept.join(", ")
            ));
        }
        s
    }
}

/// Write each exercise's starter as `ID.py` into `dir` (created if
/// missing), with a short README; a file that exists is never overwritten.
pub fn write_starters(exercises: &[Exercise], dir: &Path) -> Result<Written, String> {
    use std::io::Write as _;
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut readme = STARTERS_README.to_string();
    for e in exercises {
        readme.push_str(&format!(
            "- `{}.py`: {} (lesson `{}`)\n",
            e.id, e.title, e.lesson
        ));
    }
    let mut files: Vec<(String, &str)> = exercises
        .iter()
        .map(|e| (format!("{}.py", e.id), e.starter.as_str()))
        .collect();
    files.push(("README.md".into(), readme.as_str()));
    let mut done = Written {
        written: 0,
        kept: Vec::new(),
    };
    for (name, text) in &files {
        let path = dir.join(name);
        // create_new: never through a planted link, never over a file.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                done.written += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => done.kept.push(name.clone()),
            Err(e) => return Err(format!("cannot write {}: {e}", path.display())),
        }
    }
    Ok(done)
}
