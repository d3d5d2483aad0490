//! Running a lesson's code with the learner's own `python3`, in a child
//! process, on request only. Output streams back line by line as it
//! arrives; the run is killed when the learner leaves the slide, asks it to
//! stop, or it passes its time limit. Nothing here waits on the UI thread.
//!
//! The child runs in a process group of its own, and the whole group is
//! killed when the run ends, so what the code started goes with it. On
//! Linux, processes that left the group (`setsid()`) are found by a token in
//! their environment and killed too. Output is bounded: a line is cut at
//! [`MAX_LINE`] bytes, and at most [`MAX_LINES_PER_WINDOW`] lines are sent
//! per tenth of a second (the rest are counted as [`RunEvent::Skipped`]), so
//! a flood neither fills memory nor keeps the UI from its keys. Waiting for
//! the pipes after the end is bounded too.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The environment variable that names the Python to run (default `python3`).
pub const PYTHON_ENV: &str = "THREADTUTOR_PYTHON";

/// The longest output line kept, in bytes; the rest of the line is dropped.
pub const MAX_LINE: usize = 4096;

/// Most lines sent per [`WINDOW`]; more are counted, not sent.
pub const MAX_LINES_PER_WINDOW: usize = 500;

/// The window [`MAX_LINES_PER_WINDOW`] counts in.
pub const WINDOW: Duration = Duration::from_millis(100);

/// How long the pipes may stay open after the run ended (held by a process
/// that escaped every kill): then they are let go.
const DRAIN_LIMIT: Duration = Duration::from_millis(300);

/// The environment variable that marks every process of a run.
const TOKEN_ENV: &str = "THREADTUTOR_RUN";

/// What a run reports, in order: output lines, then exactly one ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEvent {
    Stdout(String),
    Stderr(String),
    /// This many lines came too fast to show and were dropped.
    Skipped(u64),
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
        !matches!(
            self,
            RunEvent::Stdout(_) | RunEvent::Stderr(_) | RunEvent::Skipped(_)
        )
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
    let mark = Mark::new();
    let mut cmd = Command::new(python);
    cmd.arg("-u")
        .arg("-c")
        .arg(source)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(std::env::temp_dir());
    mark.apply(&mut cmd);
    let spawned = cmd.spawn();
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
    let ended = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let mut readers = 0;
    for (stream, wrap) in [
        (
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            RunEvent::Stdout as fn(String) -> RunEvent,
        ),
        (
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            RunEvent::Stderr,
        ),
    ] {
        if let Some(stream) = stream {
            let (report, ended, done) = (Arc::clone(&report), Arc::clone(&ended), done_tx.clone());
            let r = report.clone();
            let spawned = thread::Builder::new()
                .name("code-run-output".into())
                .spawn(move || {
                    pump(stream, &*r, wrap, &ended);
                    let _ = done.send(());
                });
            drop(report);
            if spawned.is_ok() {
                readers += 1;
            }
        }
    }
    drop(done_tx);
    let stop2 = Arc::clone(&stop);
    let watcher = thread::Builder::new()
        .name("code-run".into())
        .spawn(move || {
            let started = Instant::now();
            let end = watch(&mut child, &stop2, limit, started);
            mark.kill(&child);
            // Output first, then the ending; a pipe held open by a process
            // that escaped is let go after a moment.
            let deadline = Instant::now() + DRAIN_LIMIT;
            for _ in 0..readers {
                let left = deadline.saturating_duration_since(Instant::now());
                if done_rx.recv_timeout(left).is_err() {
                    break;
                }
            }
            ended.store(true, Ordering::SeqCst);
            report(end);
        })
        .ok();
    RunHandle { stop, watcher }
}

/// What marks every process of one child's run, so that all of them can be
/// killed at its end: the child leads a process group of its own, and it
/// (and so everything it starts) carries a token in its environment. Lesson
/// code runs and exercise checks ([`crate::exercise`]) both use it.
#[derive(Debug, Clone)]
pub struct Mark {
    token: String,
}

impl Default for Mark {
    fn default() -> Self {
        Self::new()
    }
}

impl Mark {
    /// A token no other run of this process (or, in practice, of any
    /// other) carries.
    pub fn new() -> Self {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ (u64::from(std::process::id()) << 32)
            ^ RUNS.fetch_add(1, Ordering::Relaxed).rotate_left(17);
        Mark {
            token: format!("{:016x}", crate::rng::SplitMix64::new(seed).next_u64()),
        }
    }

    /// Have `cmd` start a process group of its own and carry the token.
    pub fn apply(&self, cmd: &mut Command) {
        cmd.env(TOKEN_ENV, &self.token).process_group(0);
    }

    /// Kill `child`'s process group, and (Linux) every process that carries
    /// the token in its environment, wherever it went (`setsid()`).
    pub fn kill(&self, child: &Child) {
        self.kill_group(rustix::process::Pid::from_child(child));
    }

    /// [`Mark::kill`] by the group's id (the child's pid).
    pub fn kill_group(&self, group: rustix::process::Pid) {
        use rustix::process::{Pid, Signal, kill_process, kill_process_group};
        // ESRCH (the group is already gone) is fine.
        let _ = kill_process_group(group, Signal::KILL);
        #[cfg(target_os = "linux")]
        {
            let needle = format!("{TOKEN_ENV}={}", self.token);
            let Ok(procs) = std::fs::read_dir("/proc") else {
                return;
            };
            for entry in procs.flatten() {
                let Some(pid) = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.parse::<i32>().ok())
                    .and_then(Pid::from_raw)
                else {
                    continue;
                };
                // Our own processes' environments are readable; others' are not.
                let Ok(env) = crate::files::read_limited(&entry.path().join("environ"), 1 << 20)
                else {
                    continue;
                };
                if env.split(|b| *b == 0).any(|var| var == needle.as_bytes()) {
                    let _ = kill_process(pid, Signal::KILL);
                }
            }
        }
    }
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

/// Read `stream` to its end, reporting each line (cut at [`MAX_LINE`]
/// bytes), at most [`MAX_LINES_PER_WINDOW`] a window; stops reporting
/// once the run has `ended`.
fn pump(
    mut stream: Box<dyn Read + Send>,
    report: &(impl Fn(RunEvent) + ?Sized),
    wrap: fn(String) -> RunEvent,
    ended: &AtomicBool,
) {
    let mut line: Vec<u8> = Vec::new();
    let mut cut = false;
    let mut chunk = [0u8; 8192];
    let mut window = Instant::now();
    let mut sent = 0usize;
    let mut skipped = 0u64;
    let mut emit = |line: &mut Vec<u8>, sent: &mut usize, skipped: &mut u64| {
        if window.elapsed() >= WINDOW {
            window = Instant::now();
            *sent = 0;
            if *skipped > 0 && !ended.load(Ordering::SeqCst) {
                report(RunEvent::Skipped(std::mem::take(skipped)));
            }
        }
        if *sent < MAX_LINES_PER_WINDOW {
            *sent += 1;
            if !ended.load(Ordering::SeqCst) {
                let text = String::from_utf8_lossy(line);
                report(wrap(text.trim_end_matches('\r').to_string()));
            }
        } else {
            *skipped += 1;
        }
        line.clear();
    };
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        for piece in chunk[..n].split_inclusive(|b| *b == b'\n') {
            let (body, newline) = match piece.split_last() {
                Some((b'\n', body)) => (body, true),
                _ => (piece, false),
            };
            if !cut {
                let room = MAX_LINE.saturating_sub(line.len());
                line.extend_from_slice(&body[..body.len().min(room)]);
                cut = body.len() > room;
            }
            if newline {
                emit(&mut line, &mut sent, &mut skipped);
                cut = false;
            }
        }
    }
    if !line.is_empty() {
        emit(&mut line, &mut sent, &mut skipped);
    }
    if skipped > 0 && !ended.load(Ordering::SeqCst) {
        report(RunEvent::Skipped(skipped));
    }
}
