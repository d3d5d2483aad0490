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
