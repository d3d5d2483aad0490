//! The presenter's socket and the follower's client.
//!
//! The socket lives in `$XDG_RUNTIME_DIR` (else in a private directory under
//! the system temp folder, created 0700) as `threadtutor-notes.sock`, with
//! mode 0600. The presenter accepts any number of followers on a background
//! thread and writes to them from another, so the UI thread only ever hands
//! over a message; a follower that goes away is dropped. A follower started
//! first keeps trying until a presenter appears, and again after one leaves.

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

use super::protocol::Notes;

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

/// The presenting side: publish where the presentation is.
pub struct Presenter {
    path: PathBuf,
    tx: Sender<Notes>,
    latest: Arc<Mutex<Option<Notes>>>,
    followers: Followers,
    stop: Arc<AtomicBool>,
}

/// How long one write to a follower may take before it is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_millis(500);

impl Presenter {
    /// Listen at `path` (mode 0600). A stale socket left by a crashed
    /// presenter is replaced; a live one is an error.
    pub fn start(path: &Path) -> io::Result<Presenter> {
        if path.exists() {
            if UnixStream::connect(path).is_ok() {
                return Err(io::Error::other(format!(
                    "another presenter is already running ({})",
                    path.display()
                )));
            }
            fs::remove_file(path)?;
        }
        let listener = UnixListener::bind(path)?;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
        let latest: Arc<Mutex<Option<Notes>>> = Arc::new(Mutex::new(None));
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
                    for conn in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(mut s) = conn else { continue };
                        let _ = s.set_write_timeout(Some(WRITE_TIMEOUT));
                        let now = latest.lock().unwrap().clone();
                        if let Some(n) = now
                            && s.write_all(n.to_line().as_bytes()).is_err()
                        {
                            continue;
                        }
                        followers.lock().unwrap().push(s);
                    }
                })?;
        }
        let (tx, rx) = mpsc::channel::<Notes>();
        {
            let followers = Arc::clone(&followers);
            thread::Builder::new()
                .name("notes-send".into())
                .spawn(move || {
                    while let Ok(mut n) = rx.recv() {
                        // Only the newest matters.
                        while let Ok(newer) = rx.try_recv() {
                            n = newer;
                        }
                        let line = n.to_line();
                        followers
                            .lock()
                            .unwrap()
                            .retain_mut(|s| s.write_all(line.as_bytes()).is_ok());
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
        *self.latest.lock().unwrap() = Some(notes.clone());
        let _ = self.tx.send(notes.clone());
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
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Ok(n) = Notes::from_line(&line)
                && !report(FollowerEvent::Notes(n))
            {
                return;
            }
        }
    }
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
    /// another follower connects), so older states may come first.
    fn expect_notes(rx: &mpsc::Receiver<FollowerEvent>, want: Notes) {
        let start = Instant::now();
        loop {
            let left = Duration::from_secs(5).saturating_sub(start.elapsed());
            match rx.recv_timeout(left) {
                Ok(FollowerEvent::Notes(n)) if n == want => return,
                Ok(FollowerEvent::Notes(n)) if n.slide < want.slide => {}
                other => panic!("expected slide {}, got {other:?}", want.slide),
            }
        }
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
