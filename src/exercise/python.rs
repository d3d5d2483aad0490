//! Finding the learner's Python: `$THREADTUTOR_PYTHON` (for tests and
//! unusual setups), else `python3`; its version comes from `--version` and
//! must be 3.8 or newer. Checks then run the interpreter's own path
//! (`sys.executable`), asked once.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub use crate::runner::PYTHON_ENV;

/// The oldest Python the harness supports.
pub const MIN_VERSION: (u32, u32) = (3, 8);

/// A usable Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Python {
    /// What the learner named (`python3`, or `$THREADTUTOR_PYTHON`): shown
    /// in messages.
    pub program: String,
    /// What checks run: the interpreter's own path (`sys.executable`) when
    /// it answers with an existing file, else `program`.
    pub executable: String,
    /// `3.11.7`.
    pub version: String,
    pub major: u32,
    pub minor: u32,
}

/// Why there is no usable Python: one line, saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoPython(pub String);

impl std::fmt::Display for NoPython {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The program to run: `$THREADTUTOR_PYTHON`, else `python3`.
pub fn program() -> String {
    crate::runner::python()
}

/// Find the Python to check exercises with (cached per program name).
pub fn find_python() -> Result<Python, NoPython> {
    let program = program();
    static CACHE: OnceLock<Mutex<HashMap<String, Result<Python, NoPython>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&program).cloned()) {
        return found;
    }
    let found = probe(&program);
    if let Ok(mut c) = cache.lock() {
        c.insert(program, found.clone());
    }
    found
}

/// Run `program --version` and check the answer.
pub fn probe(program: &str) -> Result<Python, NoPython> {
    let mut cmd = Command::new(program);
    cmd.arg("--version");
    let out = match super::process::run(cmd, Duration::from_secs(10), 4096) {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(NoPython(format!(
                "`{program}` was not found: install Python {}.{} or newer to check exercises (or set {PYTHON_ENV})",
                MIN_VERSION.0, MIN_VERSION.1
            )));
        }
        Err(e) => return Err(NoPython(format!("could not start `{program}`: {e}"))),
    };
    // Python 2 and old 3.x print the version on stderr.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let Some((version, major, minor)) = parse_version(&text) else {
        return Err(NoPython(format!(
            "`{program} --version` did not say which Python it is"
        )));
    };
    if (major, minor) < MIN_VERSION {
        return Err(NoPython(format!(
            "`{program}` is Python {version}; exercises need {}.{} or newer",
            MIN_VERSION.0, MIN_VERSION.1
        )));
    }
    Ok(Python {
        program: program.to_string(),
        executable: executable(program).unwrap_or_else(|| program.to_string()),
        version,
        major,
        minor,
    })
}

/// The interpreter's own path, asked once. A launcher in front of it (pyenv's
/// shim is a shell script) costs about 0.2 s on every start here (`-c pass`:
/// 0.26 s through the shim, 0.07 s direct), and a check starts Python once:
/// with the 1,365 checks of the exercise tests that was minutes.
fn executable(program: &str) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.args(["-c", "import sys; sys.stdout.write(sys.executable or '')"]);
    let out = super::process::run(cmd, Duration::from_secs(10), 4096).ok()?;
    if !out.status.is_some_and(|s| s.success()) {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let path = std::path::Path::new(text.trim());
    (path.is_absolute() && path.is_file()).then(|| text.trim().to_string())
}

/// `Python 3.11.7` → ("3.11.7", 3, 11).
pub fn parse_version(text: &str) -> Option<(String, u32, u32)> {
    let rest = text.trim().strip_prefix("Python ")?;
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '+')
        .collect();
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor_text: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let minor = minor_text.parse().ok()?;
    Some((version, major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read() {
        assert_eq!(
            parse_version("Python 3.11.7\n"),
            Some(("3.11.7".into(), 3, 11))
        );
        assert_eq!(
            parse_version("Python 3.13.0rc1"),
            Some(("3.13.0rc1".into(), 3, 13))
        );
        assert_eq!(
            parse_version("Python 2.7.18"),
            Some(("2.7.18".into(), 2, 7))
        );
        assert_eq!(parse_version("pypy"), None);
    }

    #[test]
    fn a_missing_program_says_what_to_install() {
        let e = probe("/nonexistent/python-for-threadtutor").unwrap_err();
        assert!(e.0.contains("was not found: install Python 3.8"), "{e}");
    }
}
