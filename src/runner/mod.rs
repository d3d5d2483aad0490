//! Running a lesson's code with the learner's own `python3`, in a child
//! process, on request only. Output streams back line by line as it
//! arrives; the run is killed when the learner leaves the slide, asks it to
//! stop, or it passes its time limit. Nothing here waits on the UI thread.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The environment variable that names the Python to run (default `python3`).
pub const PYTHON_ENV: &str = "THREADTUTOR_PYTHON";

/// What a run reports, in order: output lines, then exactly one ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEvent {
    Stdout(String),
    Stderr(String),
    /// The program finished by itself with this exit code (None: killed by a signal).
    Exited {
        code: Option<i32>,
        millis: u64,
    },
    /// Stopped by the learner (or by leaving the slide).
    Stopped,
    /// Killed after the time limit.
    TimedOut {
        limit_s: u64,
    },
    /// python3 could not be started (e.g. not installed).
    NotStarted(String),
}

impl RunEvent {
    /// Does this event end the run?
    pub fn is_end(&self) -> bool {
        !matches!(self, RunEvent::Stdout(_) | RunEvent::Stderr(_))
    }
}

/// A running program. Dropping the handle stops it.
pub struct RunHandle {
    stop: Arc<AtomicBool>,
    watcher: Option<JoinHandle<()>>,
}

impl RunHandle {
    /// Ask the run to stop; returns at once (the watcher kills the child).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Stop and wait until the child is gone and every thread has finished.
    pub fn stop_and_wait(mut self) {
        self.stop();
        if let Some(w) = self.watcher.take() {
            let _ = w.join();
        }
    }
}

impl Drop for RunHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The Python to run: `$THREADTUTOR_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var(PYTHON_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into())
}

/// Start `source` under `python -u -c`, calling `report` (from background
/// threads) for each event.
pub fn start(
    python: &str,
    source: &str,
    limit: Duration,
    report: impl Fn(RunEvent) + Send + Sync + 'static,
) -> RunHandle {
    let report = Arc::new(report);
    let stop = Arc::new(AtomicBool::new(false));
    let spawned = Command::new(python)
        .arg("-u")
        .arg("-c")
        .arg(source)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(std::env::temp_dir())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            let msg = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "`{python}` was not found: install Python 3 (or set {PYTHON_ENV}) to run code here"
                )
            } else {
                format!("could not start `{python}`: {e}")
            };
            report(RunEvent::NotStarted(msg));
            return RunHandle {
                stop,
                watcher: None,
            };
        }
    };
    let readers = [
        child
            .stdout
            .take()
            .map(|s| pump(s, Arc::clone(&report), RunEvent::Stdout)),
        child
            .stderr
            .take()
            .map(|s| pump(s, Arc::clone(&report), RunEvent::Stderr)),
    ];
    let stop2 = Arc::clone(&stop);
    let watcher = thread::Builder::new()
        .name("code-run".into())
        .spawn(move || {
            let started = Instant::now();
            let end = watch(&mut child, &stop2, limit, started);
            // Output first, then the ending.
            for r in readers.into_iter().flatten() {
                let _ = r.join();
            }
            report(end);
        })
        .ok();
    RunHandle { stop, watcher }
}

/// Wait for the child to exit, be stopped, or pass the limit.
fn watch(child: &mut Child, stop: &AtomicBool, limit: Duration, started: Instant) -> RunEvent {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return RunEvent::Exited {
                    code: status.code(),
                    millis: started.elapsed().as_millis() as u64,
                };
            }
            Ok(None) => {}
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return RunEvent::Stopped;
            }
        }
        if stop.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            return RunEvent::Stopped;
        }
        if started.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            return RunEvent::TimedOut {
                limit_s: limit.as_secs(),
            };
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn pump<R: Read + Send + 'static>(
    stream: R,
    report: Arc<impl Fn(RunEvent) + Send + Sync + 'static>,
    wrap: fn(String) -> RunEvent,
) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf);
                    report(wrap(line.trim_end_matches(['\n', '\r']).to_string()));
                }
            }
        }
    })
}
