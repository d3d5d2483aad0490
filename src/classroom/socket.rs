//! The presenter's socket and the follower's client.
//!
//! The socket lives in `$XDG_RUNTIME_DIR` (else in a private directory under
//! the system temp folder, created 0700) as `threadtutor-notes.sock`, with
//! mode 0600. The presenter accepts up to [`MAX_FOLLOWERS`] followers on a
//! background thread (backing off when `accept` fails, as it does at once
//! and for ever when the file-descriptor table is full) and writes to them
//! from another, so the UI thread only ever hands over a message; a follower
//! that goes away is noticed within [`PRUNE_EVERY`] and dropped. A follower
//! started first keeps trying until a presenter appears, and again after one
//! leaves; it reads lines of at most [`MAX_LINE`] bytes (longer ones are
//! skipped without being kept), so a fake presenter cannot exhaust it.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::protocol::{Message, Notes, Problems, Projector};

/// The socket's file name.
pub const SOCKET_NAME: &str = "threadtutor-notes.sock";

/// Where the presenter listens: `$XDG_RUNTIME_DIR/threadtutor-notes.sock`, or
/// `<temp>/threadtutor-<uid>/threadtutor-notes.sock` (that folder made 0700).
pub fn socket_path() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join(SOCKET_NAME));
    }
    let uid = fs::metadata("/proc/self")
        .map(|m| m.uid().to_string())
        .unwrap_or_else(|_| std::env::var("USER").unwrap_or_else(|_| "user".into()));
    let dir = std::env::temp_dir().join(format!("threadtutor-{uid}"));
    match fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    // Someone else's folder, or one others can enter, is not private.
    let meta = fs::symlink_metadata(&dir)?;
    let mine = fs::metadata("/proc/self").map_or(true, |m| m.uid() == meta.uid());
    if !meta.is_dir() || !mine || meta.mode() & 0o077 != 0 {
        return Err(io::Error::other(format!(
            "{} is not a private folder (mode 0700, yours)",
            dir.display()
        )));
    }
    Ok(dir.join(SOCKET_NAME))
}

type Followers = Arc<Mutex<Vec<UnixStream>>>;

/// The newest message of each kind: what a follower that attaches now is
/// told, and what the sender still has to send.
#[derive(Default)]
struct Latest {
    notes: Option<Notes>,
    projector: Option<Projector>,
    problems: Option<Problems>,
}

impl Latest {
    fn keep(&mut self, m: Message) {
        match m {
            Message::Notes(n) => self.notes = Some(n),
            Message::Projector(p) => self.projector = Some(p),
            Message::Problems(p) => self.problems = Some(p),
        }
    }

    /// Every message kept, as lines (the position first).
    fn lines(&self) -> String {
        let mut out = String::new();
        if let Some(n) = &self.notes {
            out.push_str(&n.to_line());
        }
        if let Some(p) = &self.projector {
            out.push_str(&Message::Projector(p.clone()).to_line());
        }
        if let Some(p) = &self.problems {
            out.push_str(&Message::Problems(p.clone()).to_line());
        }
        out
    }
}

/// The presenting side: publish where the presentation is.
pub struct Presenter {
    path: PathBuf,
    tx: Sender<Message>,
    latest: Arc<Mutex<Latest>>,
    followers: Followers,
    stop: Arc<AtomicBool>,
}

/// How long one write to a follower may take before it is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_millis(500);

/// The most followers attached at once; more are turned away.
pub const MAX_FOLLOWERS: usize = 64;

/// How often followers that went away are looked for and dropped.
pub const PRUNE_EVERY: Duration = Duration::from_millis(250);

/// The longest message line a follower reads.
pub const MAX_LINE: usize = 64 * 1024;

/// Drop the followers whose other end has gone (hung up, or sent end of
/// file). Followers never write, so anything they did send is discarded.
fn prune(followers: &mut Vec<UnixStream>) {
    use rustix::event::{PollFd, PollFlags, poll};
    use std::io::Read;
    if followers.is_empty() {
        return;
    }
    let ready: Vec<bool> = {
        let mut fds: Vec<PollFd<'_>> = followers
            .iter()
            .map(|s| PollFd::new(s, PollFlags::IN))
            .collect();
        let zero = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        if poll(&mut fds, Some(&zero)).is_err() {
            return;
        }
        fds.iter().map(|f| !f.revents().is_empty()).collect()
    };
    let mut i = 0;
    followers.retain_mut(|s| {
        let readable = ready[i];
        i += 1;
        if !readable {
            return true;
        }
        // Readable: end of file (gone), an error (gone), or stray bytes.
        let mut buf = [0u8; 512];
        let _ = s.set_nonblocking(true);
        let alive = match s.read(&mut buf) {
            Ok(0) => false,
            Ok(_) => true,
            Err(e) => e.kind() == io::ErrorKind::WouldBlock,
        };
        let _ = s.set_nonblocking(false);
        alive
    });
}

impl Presenter {
    /// Listen at `path` (mode 0600). A stale socket left by a crashed
    /// presenter (a socket nobody answers on) is replaced; a live one, or
    /// anything that is not a socket, is an error and is left alone.
    pub fn start(path: &Path) -> io::Result<Presenter> {
        use std::os::unix::fs::FileTypeExt;
        let shown = || crate::content::sanitize::inert(&path.display().to_string()).into_owned();
        match fs::symlink_metadata(path) {
            Ok(meta) if !meta.file_type().is_socket() => {
                return Err(io::Error::other(format!(
                    "{} exists and is not a socket; not removed",
                    shown()
                )));
            }
            Ok(_) => match UnixStream::connect(path) {
                Ok(_) => {
                    return Err(io::Error::other(format!(
                        "another presenter is already running ({})",
                        shown()
                    )));
                }
                // Nobody listens: a stale socket.
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    fs::remove_file(path)?;
                }
                Err(e) => {
                    return Err(io::Error::other(format!("{}: {e}", shown())));
                }
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io::Error::other(format!("{}: {e}", shown()))),
        }
        let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", shown()));
        let listener = UnixListener::bind(path).map_err(named)?;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(named)?;
        let latest: Arc<Mutex<Latest>> = Arc::new(Mutex::new(Latest::default()));
        let followers: Followers = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (latest, followers, stop) = (
                Arc::clone(&latest),
                Arc::clone(&followers),
                Arc::clone(&stop),
            );
            thread::Builder::new()
                .name("notes-accept".into())
                .spawn(move || {
                    let mut backoff = Duration::from_millis(10);
                    for conn in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let mut s = match conn {
                            Ok(s) => {
                                backoff = Duration::from_millis(10);
                                s
                            }
                            // EMFILE and the like fail at once, every time:
                            // wait, longer each time, instead of spinning.
                            Err(_) => {
                                thread::sleep(backoff);
                                backoff = (backoff * 2).min(Duration::from_secs(1));
                                continue;
                            }
                        };
                        let _ = s.set_write_timeout(Some(WRITE_TIMEOUT));
                        let mut f = followers.lock().unwrap();
                        if f.len() >= MAX_FOLLOWERS {
                            prune(&mut f);
                        }
                        if f.len() >= MAX_FOLLOWERS {
                            // Turned away: closed at once.
                            continue;
                        }
                        // The latest state is written and the follower
                        // joined in one step under the followers' lock, so
                        // the sender cannot pass it by in between: what is
                        // announced later reaches it through the sender
                        // (a message may come twice, never not at all).
                        // The write is to a fresh socket's empty buffer,
                        // and bounded by WRITE_TIMEOUT like the sender's.
                        let now = latest.lock().unwrap().lines();
                        if !now.is_empty() && s.write_all(now.as_bytes()).is_err() {
                            continue;
                        }
                        f.push(s);
                    }
                })?;
        }
        let (tx, rx) = mpsc::channel::<Message>();
        {
            let followers = Arc::clone(&followers);
            thread::Builder::new()
                .name("notes-send".into())
                .spawn(move || {
                    loop {
                        let first = match rx.recv_timeout(PRUNE_EVERY) {
                            Ok(m) => m,
                            Err(mpsc::RecvTimeoutError::Timeout) => {
                                prune(&mut followers.lock().unwrap());
                                continue;
                            }
                            Err(mpsc::RecvTimeoutError::Disconnected) => break,
                        };
                        // Only the newest of each kind matters.
                        let mut pending = Latest::default();
                        pending.keep(first);
                        while let Ok(newer) = rx.try_recv() {
                            pending.keep(newer);
                        }
                        let line = pending.lines();
                        let mut f = followers.lock().unwrap();
                        prune(&mut f);
                        f.retain_mut(|s| s.write_all(line.as_bytes()).is_ok());
                    }
                })?;
        }
        Ok(Presenter {
            path: path.to_path_buf(),
            tx,
            latest,
            followers,
            stop,
        })
    }

    /// Send `notes` to every follower (and to those who attach later).
    /// Never blocks on a follower.
    pub fn publish(&self, notes: &Notes) {
        self.announce(Message::Notes(notes.clone()));
    }

    /// Send any message to every follower; the newest of each kind is also
    /// told to those who attach later. Never blocks on a follower.
    pub fn announce(&self, message: Message) {
        self.latest.lock().unwrap().keep(message.clone());
        let _ = self.tx.send(message);
    }

    /// Followers attached now (the ones gone are noticed on the next write).
    pub fn followers(&self) -> usize {
        self.followers.lock().map_or(0, |f| f.len())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Presenter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the stop flag.
        let _ = UnixStream::connect(&self.path);
        let _ = fs::remove_file(&self.path);
    }
}

/// What a follower hears.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowerEvent {
    /// No presenter yet (or it left): still trying.
    Waiting,
    Connected,
    Notes(Notes),
    /// What the projector shows.
    Projector(Projector),
    /// The content problems of the presenter's last reload (none: fixed).
    Problems(Problems),
    /// A message longer than [`MAX_LINE`] came and was dropped unread.
    TooLong,
}

/// The following side: connects, and retries while no presenter exists.
pub struct Follower;

/// How often a waiting follower tries again.
const RETRY: Duration = Duration::from_millis(200);

impl Follower {
    /// Follow the presenter at `path` on a background thread, reporting to
    /// `report` until it returns false.
    pub fn spawn(
        path: PathBuf,
        report: impl Fn(FollowerEvent) -> bool + Send + 'static,
    ) -> io::Result<()> {
        thread::Builder::new()
            .name("notes-follow".into())
            .spawn(move || follow(&path, report))?;
        Ok(())
    }
}

fn follow(path: &Path, report: impl Fn(FollowerEvent) -> bool) {
    let mut waiting_said = false;
    loop {
        let stream = match UnixStream::connect(path) {
            Ok(s) => s,
            Err(_) => {
                if !waiting_said {
                    if !report(FollowerEvent::Waiting) {
                        return;
                    }
                    waiting_said = true;
                }
                thread::sleep(RETRY);
                continue;
            }
        };
        waiting_said = false;
        if !report(FollowerEvent::Connected) {
            return;
        }
        let mut reader = BufReader::with_capacity(64 * 1024, stream);
        loop {
            let event = match read_line_limited(&mut reader, MAX_LINE) {
                Ok(Some(Some(line))) => match Message::from_line(&line) {
                    Ok(Some(Message::Notes(n))) => FollowerEvent::Notes(n),
                    Ok(Some(Message::Projector(p))) => FollowerEvent::Projector(p),
                    Ok(Some(Message::Problems(p))) => FollowerEvent::Problems(p),
                    // A kind this version does not know, or not a message.
                    Ok(None) | Err(_) => continue,
                },
                // Too long: skipped (and said).
                Ok(Some(None)) => FollowerEvent::TooLong,
                Ok(None) | Err(_) => break,
            };
            if !report(event) {
                return;
            }
        }
    }
}

/// The next line of `r` (without its newline). `Ok(None)`: end of input;
/// `Ok(Some(None))`: a line longer than `max` bytes, read to its end but
/// not kept (memory stays within `max` whatever the sender does). The
/// search for the newline is std's `read_until` on at most `max + 1` bytes
/// at a time (a 2 GB line is skipped at the speed of the socket).
pub fn read_line_limited(r: &mut impl BufRead, max: usize) -> io::Result<Option<Option<String>>> {
    use std::io::Read;
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut line: Vec<u8> = Vec::new();
    if Read::take(&mut *r, limit).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > max {
        // Too long: read on to its newline (or the end) in bounded pieces.
        loop {
            line.clear();
            let n = Read::take(&mut *r, limit).read_until(b'\n', &mut line)?;
            if n == 0 || line.last() == Some(&b'\n') {
                return Ok(Some(None));
            }
        }
    }
    Ok(Some(Some(String::from_utf8_lossy(&line).into_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn notes(slide: usize) -> Notes {
        Notes {
            lesson: "l".into(),
            lesson_title: "L".into(),
            slide,
            slides: 9,
            title: format!("S{slide}"),
            step: 1,
            steps: 1,
            notes: None,
            next_title: None,
            elapsed_s: 0,
        }
    }

    /// Wait for `want`; the latest state may be sent again (e.g. when
    /// another follower connects), so older states, and repeats of the
    /// other kinds, may come first.
    fn expect_notes(rx: &mpsc::Receiver<FollowerEvent>, want: Notes) {
        let start = Instant::now();
        loop {
            let left = Duration::from_secs(5).saturating_sub(start.elapsed());
            match rx.recv_timeout(left) {
                Ok(FollowerEvent::Notes(n)) if n == want => return,
                Ok(FollowerEvent::Notes(n)) if n.slide < want.slide => {}
                // The other kinds' latest messages may be sent again too
                // (a follower that attaches while a send is under way).
                Ok(FollowerEvent::Projector(_) | FollowerEvent::Problems(_)) => {}
                other => panic!("expected slide {}, got {other:?}", want.slide),
            }
        }
    }

    #[test]
    fn long_lines_are_skipped_without_being_kept() {
        let big = "x".repeat(MAX_LINE + 10);
        let input = format!("{big}\nshort\n{big}");
        let mut r = BufReader::with_capacity(1024, input.as_bytes());
        assert_eq!(read_line_limited(&mut r, MAX_LINE).unwrap(), Some(None));
        assert_eq!(
            read_line_limited(&mut r, MAX_LINE).unwrap(),
            Some(Some("short".to_string()))
        );
        assert_eq!(read_line_limited(&mut r, MAX_LINE).unwrap(), Some(None));
        assert_eq!(read_line_limited(&mut r, MAX_LINE).unwrap(), None);
        // Exactly the limit is kept; one more is not; a last line without
        // its newline still counts.
        let input = format!("{}\n{}\nend", "y".repeat(8), "z".repeat(9));
        let mut r = BufReader::with_capacity(3, input.as_bytes());
        assert_eq!(
            read_line_limited(&mut r, 8).unwrap(),
            Some(Some("y".repeat(8)))
        );
        assert_eq!(read_line_limited(&mut r, 8).unwrap(), Some(None));
        assert_eq!(
            read_line_limited(&mut r, 8).unwrap(),
            Some(Some("end".into()))
        );
        assert_eq!(read_line_limited(&mut r, 8).unwrap(), None);
    }

    #[test]
    fn a_regular_file_at_the_socket_path_is_not_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SOCKET_NAME);
        fs::write(&path, "precious").unwrap();
        let err = Presenter::start(&path).err().expect("refused").to_string();
        assert!(err.contains("not a socket"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "precious");
        // A stale socket (nobody listening) is replaced.
        fs::remove_file(&path).unwrap();
        drop(UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        let p = Presenter::start(&path).unwrap();
        drop(p);
    }

    #[test]
    fn followers_are_limited_and_the_gone_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SOCKET_NAME);
        let p = Presenter::start(&path).unwrap();
        let idle: Vec<UnixStream> = (0..500)
            .map(|_| UnixStream::connect(&path).unwrap())
            .collect();
        let start = Instant::now();
        while p.followers() < MAX_FOLLOWERS && start.elapsed() < Duration::from_secs(10) {
            thread::sleep(Duration::from_millis(10));
        }
        // Give the accept loop time to take (and turn away) the rest.
        thread::sleep(Duration::from_millis(200));
        assert_eq!(p.followers(), MAX_FOLLOWERS);
        p.publish(&notes(1));
        drop(idle);
        // Gone followers are dropped without a publish to find them.
        let start = Instant::now();
        while p.followers() > 0 && start.elapsed() < Duration::from_secs(10) {
            thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(p.followers(), 0);
        // A new follower still gets the latest state.
        let mut late = BufReader::new(UnixStream::connect(&path).unwrap());
        let mut line = String::new();
        late.read_line(&mut line).unwrap();
        assert_eq!(Notes::from_line(&line).unwrap(), notes(1));
    }

    #[test]
    fn an_old_follower_skips_the_new_kinds_and_a_new_one_hears_them() {
        use crate::classroom::protocol::{Problems, Showing};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SOCKET_NAME);
        let p = Presenter::start(&path).unwrap();
        p.publish(&notes(1));
        p.announce(Message::Projector(Projector {
            showing: Showing::Blank,
            demo: None,
        }));
        p.announce(Message::Problems(Problems::bounded(&[
            "a.toml:1:1: x".into()
        ])));
        // An old follower reads lines and keeps what parses as a position.
        let mut old = BufReader::new(UnixStream::connect(&path).unwrap());
        // A new one hears every kind (the latest of each, on attaching).
        let (tx, rx) = mpsc::channel();
        Follower::spawn(path.clone(), move |e| tx.send(e).is_ok()).unwrap();
        let mut heard = Vec::new();
        while heard.len() < 4 {
            heard.push(rx.recv_timeout(Duration::from_secs(5)).unwrap());
        }
        assert_eq!(heard[0], FollowerEvent::Connected);
        assert_eq!(heard[1], FollowerEvent::Notes(notes(1)));
        assert!(matches!(&heard[2], FollowerEvent::Projector(pr) if pr.showing == Showing::Blank));
        assert!(matches!(&heard[3], FollowerEvent::Problems(pr) if pr.count() == 1));
        p.publish(&notes(2));
        // (A state may come twice: on attaching, and from a send already
        // under way.)
        let mut positions: Vec<usize> = Vec::new();
        let mut skipped = 0;
        while positions.last() != Some(&2) {
            let mut line = String::new();
            assert!(old.read_line(&mut line).unwrap() > 0);
            match Notes::from_line(&line) {
                Ok(n) => positions.push(n.slide),
                Err(_) => {
                    assert!(matches!(
                        Message::from_line(&line),
                        Ok(Some(Message::Projector(_) | Message::Problems(_)))
                    ));
                    skipped += 1;
                }
            }
        }
        positions.dedup();
        assert_eq!(positions, vec![1, 2]);
        assert!(skipped >= 2, "the projector and problems lines");
        expect_notes(&rx, notes(2));
    }

    #[test]
    fn socket_is_private_and_followers_come_and_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SOCKET_NAME);
        // A follower that starts first waits, then hears the presenter.
        let (tx, rx) = mpsc::channel();
        let tx1 = tx.clone();
        Follower::spawn(path.clone(), move |e| tx1.send(e).is_ok()).unwrap();
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            FollowerEvent::Waiting
        );
        let p = Presenter::start(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "socket mode {mode:o}");
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            FollowerEvent::Connected
        );
        // A second presenter is refused while the first lives.
        assert!(Presenter::start(&path).is_err());
        // A follower that connects and leaves at once does not hurt.
        drop(UnixStream::connect(&path).unwrap());
        for i in 1..=3 {
            p.publish(&notes(i));
            expect_notes(&rx, notes(i));
        }
        // A late follower gets the latest state at once.
        let mut late = BufReader::new(UnixStream::connect(&path).unwrap());
        let mut line = String::new();
        late.read_line(&mut line).unwrap();
        assert_eq!(Notes::from_line(&line).unwrap(), notes(3));
        drop(late);
        p.publish(&notes(4));
        expect_notes(&rx, notes(4));
        // The gone followers are dropped, the live one stays.
        let start = Instant::now();
        while p.followers() != 1 && start.elapsed() < Duration::from_secs(5) {
            p.publish(&notes(4));
            thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(p.followers(), 1);
        drop(p);
        assert!(!path.exists(), "the socket is removed when presenting ends");
    }
}
