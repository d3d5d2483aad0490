//! Running lesson code in a child python3: output streams, runs end once,
//! stops and time limits kill the child, and a missing python3 is said clearly.

use crate::common;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use threadtutor::runner::{self, RunEvent};

fn have_python() -> bool {
    let ok = std::process::Command::new("python3")
        .arg("-c")
        .arg("pass")
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        common::skip("python3 is not on this machine");
    }
    ok
}

fn collect(rx: &mpsc::Receiver<RunEvent>) -> Vec<RunEvent> {
    let mut v = Vec::new();
    while let Ok(ev) = rx.recv_timeout(Duration::from_secs(20)) {
        let end = ev.is_end();
        v.push(ev);
        if end {
            break;
        }
    }
    v
}

#[test]
fn output_streams_then_exit() {
    if !have_python() {
        return;
    }
    let (tx, rx) = mpsc::channel();
    let src = "import sys, threading\nt = threading.Thread(target=print, args=('from a thread',))\nt.start(); t.join()\nprint('done')\nsys.stderr.write('warn\\n')\nsys.exit(3)\n";
    let _h = runner::start("python3", src, Duration::from_secs(20), move |e| {
        let _ = tx.send(e);
    });
    let events = collect(&rx);
    assert!(
        events.contains(&RunEvent::Stdout("from a thread".into())),
        "{events:?}"
    );
    assert!(events.contains(&RunEvent::Stdout("done".into())));
    assert!(events.contains(&RunEvent::Stderr("warn".into())));
    assert!(
        matches!(events.last(), Some(RunEvent::Exited { code: Some(3), .. })),
        "{events:?}"
    );
}

#[test]
fn stop_kills_the_child_promptly() {
    if !have_python() {
        return;
    }
    let (tx, rx) = mpsc::channel();
    let h = runner::start(
        "python3",
        "import time\nprint('start', flush=True)\ntime.sleep(60)\n",
        Duration::from_secs(60),
        move |e| {
            let _ = tx.send(e);
        },
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(20)).unwrap(),
        RunEvent::Stdout("start".into())
    );
    let t = Instant::now();
    h.stop_and_wait();
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(collect(&rx), vec![RunEvent::Stopped]);
}

#[test]
fn time_limit_kills_the_child() {
    if !have_python() {
        return;
    }
    let (tx, rx) = mpsc::channel();
    let _h = runner::start(
        "python3",
        "while True: pass\n",
        Duration::from_millis(300),
        move |e| {
            let _ = tx.send(e);
        },
    );
    assert_eq!(collect(&rx), vec![RunEvent::TimedOut { limit_s: 0 }]);
}

#[test]
fn missing_python_is_explained() {
    let (tx, rx) = mpsc::channel();
    let _h = runner::start(
        "/nonexistent/python3",
        "print(1)",
        Duration::from_secs(1),
        move |e| {
            let _ = tx.send(e);
        },
    );
    match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
        RunEvent::NotStarted(msg) => assert!(msg.contains("was not found"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

/// Is a process with this pid still alive (and not a zombie)? Linux only.
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            let state = s.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        })
        .unwrap_or(false)
}

#[test]
fn a_background_process_that_left_the_group_dies_with_the_run() {
    if !have_python() || !std::path::Path::new("/proc/self/stat").exists() {
        return;
    }
    // The block forks a child that starts a session of its own, keeps the
    // output pipe open and runs for a minute; the block itself ends at once.
    let src = "import os, sys, time\n\
        pid = os.fork()\n\
        if pid == 0:\n    os.setsid()\n    print('bg', os.getpid(), flush=True)\n    time.sleep(60)\n    os._exit(0)\n\
        time.sleep(0.3)\n\
        print('main done', flush=True)\n";
    let (tx, rx) = mpsc::channel();
    let t = Instant::now();
    let h = runner::start("python3", src, Duration::from_secs(20), move |e| {
        let _ = tx.send(e);
    });
    let events = collect(&rx);
    let took = t.elapsed();
    assert!(
        matches!(events.last(), Some(RunEvent::Exited { code: Some(0), .. })),
        "{events:?}"
    );
    let bg: i32 = events
        .iter()
        .find_map(|e| match e {
            RunEvent::Stdout(l) => l.strip_prefix("bg ").and_then(|p| p.parse().ok()),
            _ => None,
        })
        .expect("the background process reported its pid");
    // The run ended without waiting for the background process's pipe...
    assert!(took < Duration::from_secs(10), "the run took {took:?}");
    h.stop_and_wait();
    // ...and the process is gone.
    let t = Instant::now();
    while alive(bg) && t.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(bg), "pid {bg} outlived the run");
}

#[test]
fn a_flood_of_output_is_bounded() {
    if !have_python() {
        return;
    }
    // A tight loop of lines, and a line without end: both bounded.
    let src =
        "import sys\nfor i in range(300000):\n    print(i)\nsys.stdout.write('x' * 3000000)\n";
    let (tx, rx) = mpsc::channel();
    let _h = runner::start("python3", src, Duration::from_secs(30), move |e| {
        let _ = tx.send(e);
    });
    let mut lines = 0u64;
    let mut skipped = 0u64;
    let mut longest = 0;
    let mut ended = None;
    while let Ok(ev) = rx.recv_timeout(Duration::from_secs(30)) {
        match ev {
            RunEvent::Stdout(l) => {
                lines += 1;
                longest = longest.max(l.len());
            }
            RunEvent::Skipped(n) => skipped += n,
            other => {
                ended = Some(other);
                break;
            }
        }
    }
    assert!(
        matches!(ended, Some(RunEvent::Exited { code: Some(0), .. })),
        "{ended:?}"
    );
    assert!(longest <= runner::MAX_LINE, "a line of {longest} bytes");
    // Every line is either shown or counted.
    assert_eq!(lines + skipped, 300_001);
    assert!(skipped > 0, "nothing was held back from a flood");
}
