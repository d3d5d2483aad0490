//! Every Python Tracing question in quizzes/ says what python3 really does:
//! whether the program runs without an error, what it prints, and which line
//! raises. Skipped, with a message, when python3 is not installed.

use crate::common;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use threadtutor::content::quiz::{Language, QuestionKind, load_quiz_file};
use threadtutor::quiz::grade::normalise_output;

/// Exit success, stdout and stderr of `python3 file`, or None on timeout.
fn run_python(file: &std::path::Path) -> Option<(bool, String, String)> {
    let mut child = Command::new("python3")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().ok()? {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take()?.read_to_string(&mut out).ok()?;
    child.stderr.take()?.read_to_string(&mut err).ok()?;
    Some((status.success(), out, err))
}

/// The line of `file` a traceback ends at.
fn error_line(stderr: &str, file: &str) -> Option<usize> {
    stderr
        .lines()
        .filter(|l| l.contains(file))
        .filter_map(|l| l.split(", line ").nth(1))
        .filter_map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .next_back()
}

#[test]
fn python_tracing_answers_match_python3() {
    if !common::have_python3("tracing answers were not run") {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("quizzes");
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for path in files {
        let quiz = load_quiz_file(&path).unwrap_or_else(|ds| panic!("{ds:?}"));
        for q in &quiz.questions {
            let QuestionKind::Tracing(t) = &q.kind else {
                continue;
            };
            if t.language != Language::Python {
                continue;
            }
            let name = format!("{}-{}.py", quiz.id, q.key());
            let file = tmp.path().join(&name);
            std::fs::write(&file, &t.program).unwrap();
            let (ok, out, err) = run_python(&file)
                .unwrap_or_else(|| panic!("{name}: python3 did not finish in 20 s"));
            let at = format!("{}: {}", quiz.id, q.key());
            assert_eq!(ok, t.does_compile, "{at}: runs without an error?\n{err}");
            if let Some(expected) = &t.stdout {
                assert_eq!(
                    normalise_output(&out),
                    normalise_output(expected),
                    "{at}: output"
                );
            }
            if let Some(line) = t.line_number {
                assert_eq!(error_line(&err, &name), Some(line), "{at}: line\n{err}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} Python tracing questions");
}
