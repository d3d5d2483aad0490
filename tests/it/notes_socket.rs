//! The notes socket under attack (issue 18): a presenter whose descriptor
//! table is full backs off instead of spinning on `accept`, and a follower
//! fed a 2 GB line without a newline drops it and keeps following, within
//! a bounded memory. Both are behaviour checks with bounds far from the
//! normal case (spin against back-off; kilobytes against gigabytes), not
//! speed targets. The figures are in docs/reliability.md.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use threadtutor::classroom::{Notes, Presenter};

/// Set in the child process that runs [`emfile_child`].
const CHILD_ENV: &str = "THREADTUTOR_EMFILE_CHILD_SOCKET";

/// The window the child's CPU time is measured over.
const WINDOW: Duration = Duration::from_secs(2);

fn cpu_micros() -> i64 {
    use nix::sys::resource::{UsageWho, getrusage};
    let u = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage");
    let us = |t: nix::sys::time::TimeVal| t.tv_sec() * 1_000_000 + t.tv_usec();
    us(u.user_time()) + us(u.system_time())
}

fn read_stdin_line() -> String {
    let mut l = String::new();
    std::io::stdin().read_line(&mut l).unwrap();
    l
}

/// The presenter's side, in a process of its own (its descriptor limit is
/// lowered and its table filled): run by
/// `accept_backs_off_when_the_descriptor_table_is_full`, which talks to it
/// over stdin and stdout.
#[test]
fn emfile_child() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        eprintln!("emfile_child: a helper run by the parent test; nothing to do alone");
        return;
    };
    let p = Presenter::start(std::path::Path::new(&path)).unwrap();
    let mut limit = getrlimit(Resource::Nofile);
    limit.current = Some(64);
    setrlimit(Resource::Nofile, limit).unwrap();
    // Fill the table.
    let mut hold = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(f) => hold.push(f),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::MFILE.raw_os_error()) => break,
            Err(e) => panic!("unexpected error filling the table: {e}"),
        }
    }
    println!("FULL {}", hold.len());
    // The parent connects its clients, then says GO.
    assert_eq!(read_stdin_line().trim(), "GO");
    let before = cpu_micros();
    std::thread::sleep(WINDOW);
    let used = cpu_micros() - before;
    println!("CPU {used} {}", p.followers());
    // Room again: the waiting clients are taken.
    drop(hold);
    let start = Instant::now();
    while p.followers() == 0 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    println!("ACCEPTED {}", p.followers());
    assert_eq!(read_stdin_line().trim(), "END");
}

/// Lines a child prints, read on a thread so a test can wait with a timeout.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(l) = line else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_line(rx: &mpsc::Receiver<String>, want: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) if l.contains(want) => return l,
            Ok(l) => seen.push(l),
            Err(_) => break,
        }
    }
    panic!("no line with {want:?}; saw {seen:#?}");
}

#[test]
fn accept_backs_off_when_the_descriptor_table_is_full() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("threadtutor-notes.sock");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "notes_socket::emfile_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    let mut to_child = child.stdin.take().unwrap();
    let full = wait_line(&rx, "FULL ", 60);
    // Clients wait in the listen queue; every accept fails with EMFILE.
    let clients: Vec<UnixStream> = (0..20)
        .map(|_| UnixStream::connect(&path).unwrap())
        .collect();
    writeln!(to_child, "GO").unwrap();
    let cpu = wait_line(&rx, "CPU ", 30);
    let mut words = cpu.split_whitespace().skip(1);
    let micros: i64 = words.next().unwrap().parse().unwrap();
    let followers: usize = words.next().unwrap().parse().unwrap();
    eprintln!(
        "{full}: {} ms of CPU in {} ms with 20 clients waiting",
        micros / 1000,
        WINDOW.as_millis()
    );
    // A descriptor the runtime freed may let one in; not the twenty.
    assert!(
        followers < 20,
        "{followers} accepted while the table was full"
    );
    // A spinning loop uses up to one CPU-second a second (450 ms in these
    // 2 s on a loaded two-core machine, with the back-off taken out);
    // backing off (at most one try a second once settled) uses about 1 ms.
    assert!(
        micros < 100_000,
        "{micros} µs of CPU in {WINDOW:?}: the accept loop spins"
    );
    let accepted = wait_line(&rx, "ACCEPTED ", 30);
    let n: usize = accepted.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(n >= 1, "the waiting clients are taken once there is room");
    writeln!(to_child, "END").unwrap();
    drop(clients);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// The peak resident size of process `pid`, in KiB (VmHWM).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

fn notes(slide: usize) -> Notes {
    Notes {
        lesson: "gil".into(),
        lesson_title: "The GIL".into(),
        slide,
        slides: 5,
        title: format!("Slide number {slide}"),
        step: 1,
        steps: 1,
        notes: None,
        next_title: None,
        elapsed_s: 0,
    }
}

#[test]
fn a_two_gigabyte_line_is_dropped_and_the_follower_keeps_following() {
    const TOTAL: u64 = 2 << 30;
    let runtime = tempfile::tempdir().unwrap();
    let sock = runtime.path().join("threadtutor-notes.sock");
    // A fake presenter: a bare socket that says whatever it likes.
    let listener = UnixListener::bind(&sock).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(["notes", "--plain"])
        .env("XDG_RUNTIME_DIR", runtime.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    let (mut s, _) = listener.accept().unwrap();
    wait_line(&rx, "Connected to the presenter.", 30);
    s.write_all(notes(1).to_line().as_bytes()).unwrap();
    wait_line(&rx, "Slide 1 of 5: Slide number 1.", 30);
    let before = peak_rss_kib(child.id());

    let chunk = vec![b'x'; 1 << 20];
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < TOTAL {
        s.write_all(&chunk).unwrap();
        sent += chunk.len() as u64;
    }
    s.write_all(b"\n").unwrap();
    s.write_all(notes(2).to_line().as_bytes()).unwrap();
    wait_line(&rx, "A message longer than 64 KiB was dropped.", 600);
    wait_line(&rx, "Slide 2 of 5: Slide number 2.", 60);
    let took = start.elapsed();
    let peak = peak_rss_kib(child.id());
    eprintln!(
        "2 GiB line: skipped in {:.1} s; follower peak RSS {} KiB before, {} KiB after",
        took.as_secs_f64(),
        before,
        peak
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "the follower is still running"
    );
    assert!(
        peak < 100 * 1024,
        "the follower grew to {peak} KiB on a line it should not keep"
    );
    let _ = child.kill();
    let _ = child.wait();
}
