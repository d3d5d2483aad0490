//! Running a child process with limits: its own process group and the
//! runner's mark ([`crate::runner::Mark`]: a time-out kills everything it
//! started, grandchildren and `setsid()` escapees included), a time
//! limit, and output read by background threads into bounded buffers (a
//! chatty child never blocks on a full pipe, and never fills our memory).

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::runner::Mark;

/// What came of a run.
#[derive(Debug)]
pub struct Outcome {
    /// None when the run was killed for its time.
    pub status: Option<ExitStatus>,
    pub timed_out: bool,
    /// Stopped because the caller asked ([`run_cancellable`]).
    pub cancelled: bool,
    /// At most `max_output` bytes of each stream (the rest is read and dropped).
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Did either stream have more than `max_output` bytes?
    pub truncated: bool,
    pub elapsed: Duration,
}

/// Kills the child's whole process group (and, on Linux, every process
/// that carries its run's mark, `setsid()` escapees too) when dropped,
/// unless disarmed.
struct GroupGuard {
    pgid: Option<rustix::process::Pid>,
    mark: Mark,
}

impl GroupGuard {
    fn kill(&mut self) {
        if let Some(pgid) = self.pgid {
            self.mark.kill_group(pgid);
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Start `cmd` (stdin from /dev/null, stdout and stderr captured) in a new
/// process group; wait up to `limit`; then kill the group. Every process the
/// child started in its group is killed too when the child ends, so nothing
/// is left behind.
pub fn run(cmd: Command, limit: Duration, max_output: usize) -> io::Result<Outcome> {
    run_cancellable(cmd, limit, max_output, &AtomicBool::new(false))
}

/// [`run`], also stopped (the group killed, `cancelled` set) as soon as
/// `cancel` becomes true.
pub fn run_cancellable(
    mut cmd: Command,
    limit: Duration,
    max_output: usize,
    cancel: &AtomicBool,
) -> io::Result<Outcome> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mark = Mark::new();
    mark.apply(&mut cmd);
    let started = Instant::now();
    let mut child: Child = cmd.spawn()?;
    let mut guard = GroupGuard {
        pgid: Some(rustix::process::Pid::from_child(&child)),
        mark,
    };
    let (tx, rx) = mpsc::channel::<(usize, Vec<u8>, bool)>();
    let mut readers = 0;
    if let Some(out) = child.stdout.take() {
        spawn_reader(0, out, max_output, tx.clone());
        readers += 1;
    }
    if let Some(err) = child.stderr.take() {
        spawn_reader(1, err, max_output, tx.clone());
        readers += 1;
    }
    drop(tx);
    let mut timed_out = false;
    let mut cancelled = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => {
                guard.kill();
                let _ = child.wait();
                return Err(e);
            }
        }
        if cancel.load(Ordering::SeqCst) {
            cancelled = true;
            guard.kill();
            let _ = child.wait();
            break None;
        }
        if started.elapsed() >= limit {
            timed_out = true;
            guard.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(3));
    };
    // Whatever the child left running in its group goes too.
    guard.kill();
    guard.pgid = None;
    let elapsed = started.elapsed();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut truncated = false;
    // The pipes close when the group is gone; a process that left the group
    // could hold them open, so the wait is bounded.
    let deadline = Instant::now() + Duration::from_secs(2);
    for _ in 0..readers {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((0, buf, cut)) => {
                stdout = buf;
                truncated |= cut;
            }
            Ok((_, buf, cut)) => {
                stderr = buf;
                truncated |= cut;
            }
            Err(_) => break,
        }
    }
    Ok(Outcome {
        status,
        timed_out,
        cancelled,
        stdout,
        stderr,
        truncated,
        elapsed,
    })
}

fn spawn_reader<R: Read + Send + 'static>(
    which: usize,
    mut stream: R,
    max: usize,
    tx: mpsc::Sender<(usize, Vec<u8>, bool)>,
) {
    let _ = thread::Builder::new()
        .name("exercise-pipe".into())
        .spawn(move || {
            let mut kept = Vec::new();
            let mut cut = false;
            let mut chunk = [0u8; 8192];
            loop {
                match stream.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => {
                        let room = max.saturating_sub(kept.len());
                        if n > room {
                            cut = true;
                        }
                        kept.extend_from_slice(&chunk[..n.min(room)]);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send((which, kept, cut));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_bounded_and_the_status_kept() {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("i=0; while [ $i -lt 3000 ]; do echo 0123456789; i=$((i+1)); done; echo err >&2; exit 3");
        let out = run(cmd, Duration::from_secs(20), 1000).unwrap();
        assert_eq!(out.status.and_then(|s| s.code()), Some(3));
        assert!(!out.timed_out);
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
        assert_eq!(out.stderr, b"err\n");
    }

    #[test]
    fn a_cancel_stops_the_child() {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("exec sleep 30");
        let out =
            run_cancellable(cmd, Duration::from_secs(60), 1000, &AtomicBool::new(true)).unwrap();
        assert!(out.cancelled);
        assert!(!out.timed_out);
        assert!(out.status.is_none());
    }

    /// A process that left the group (`setsid`) still carries the mark in
    /// its environment, and goes when the run ends.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_setsid_escapee_is_killed_too() {
        if Command::new("setsid").arg("--version").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "setsid (util-linux) is missing"
            );
            eprintln!("skipped: no setsid on this machine");
            return;
        }
        // The escapee writes its pid once it has left the group; the run
        // ends only then (else the group's kill could catch it still inside).
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(
                "setsid sh -c 'echo $$ > \"$1\"; exec sleep 300' sh \"$1\" >/dev/null 2>&1 </dev/null &\n\
                 while [ ! -s \"$1\" ]; do sleep 0.01; done; cat \"$1\"",
            )
            .arg("sh")
            .arg(&file);
        let out = run(cmd, Duration::from_secs(20), 1000).unwrap();
        let pid: u32 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no pid: {out:?}"));
        let alive = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    let state = s.rsplit_once(')')?.1.split_whitespace().next()?.to_string();
                    Some(state != "Z" && state != "X")
                })
                .unwrap_or(false)
        };
        // A kill is delivered at once, but the process is gone a moment later.
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(), "the setsid escapee {pid} is still running");
    }

    #[test]
    fn a_time_out_kills_the_child() {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("echo started; exec sleep 30");
        let out = run(cmd, Duration::from_millis(300), 1000).unwrap();
        assert!(out.timed_out);
        assert!(out.status.is_none());
        assert_eq!(out.stdout, b"started\n");
    }
}
