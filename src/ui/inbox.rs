//! Where the UI thread waits. Keys, mouse, paste and resizes are read on the
//! UI thread itself, and everything the workers report (highlighted code,
//! save results, code-run output, signals, reloads) comes through one
//! channel whose senders also wake the UI thread. Both are watched by one
//! `poll`, so a key press reaches the app without a hop through another
//! thread, and the UI thread sleeps whenever there is nothing to do.

use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use crossterm::event;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token, Waker};

use super::app::AppEvent;

const INPUT: Token = Token(0);
const WAKE: Token = Token(1);
const WINCH: Token = Token(2);

/// A worker's way to send to the UI thread; it wakes the thread too.
#[derive(Clone)]
pub struct Post {
    tx: Sender<AppEvent>,
    waker: Arc<Waker>,
}

impl Post {
    /// Send `ev`; false when the UI has gone.
    pub fn send(&self, ev: AppEvent) -> bool {
        if self.tx.send(ev).is_err() {
            return false;
        }
        // A failed wake only delays the event until the next one.
        let _ = self.waker.wake();
        true
    }
}

/// The UI thread's end.
pub struct Inbox {
    rx: Receiver<AppEvent>,
    poll: Poll,
    events: Events,
    /// Readable after a SIGWINCH (crossterm turns it into a resize event,
    /// but only when asked, so the wait must end for it).
    winch: UnixStream,
    /// Whether the terminal's input is read (false only in tests).
    input: bool,
    /// The terminal has gone (hung up or closed); its input is not read.
    gone: bool,
    /// Kept for as long as the inbox: were the last sender's waker dropped
    /// (closing it) between its final wake and the next wait, that wake
    /// would vanish with it and the wait would miss the message.
    _waker: Arc<Waker>,
}

impl Inbox {
    /// Watch the terminal's input (stdin) and a new channel.
    pub fn new() -> io::Result<(Inbox, Post)> {
        Inbox::build(true)
    }

    /// Only the channel, not the terminal (for tests without a terminal).
    pub fn without_input() -> io::Result<(Inbox, Post)> {
        Inbox::build(false)
    }

    fn build(input: bool) -> io::Result<(Inbox, Post)> {
        let poll = Poll::new()?;
        if input {
            let stdin = io::stdin().as_raw_fd();
            poll.registry()
                .register(&mut SourceFd(&stdin), INPUT, Interest::READABLE)?;
        }
        let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
        let (winch, winch_in) = UnixStream::pair()?;
        winch.set_nonblocking(true)?;
        winch_in.set_nonblocking(true)?;
        signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, winch_in)?;
        poll.registry()
            .register(&mut SourceFd(&winch.as_raw_fd()), WINCH, Interest::READABLE)?;
        let (tx, rx) = mpsc::channel();
        Ok((
            Inbox {
                rx,
                poll,
                events: Events::with_capacity(8),
                winch,
                input,
                gone: false,
                _waker: Arc::clone(&waker),
            },
            Post { tx, waker },
        ))
    }

    /// The next event that is already here: input first, then the
    /// channel. Never waits.
    pub fn try_next(&mut self) -> io::Result<Option<AppEvent>> {
        if self.input && !self.gone {
            // crossterm's reader loops for ever on a terminal that has hung
            // up (every read returns at once with nothing), so look first;
            // a terminal that has gone is answered as a hang-up.
            if terminal_gone() {
                self.gone = true;
                let stdin = io::stdin().as_raw_fd();
                let _ = self.poll.registry().deregister(&mut SourceFd(&stdin));
                return Ok(Some(AppEvent::Signal(signal_hook::consts::SIGHUP)));
            }
            if event::poll(Duration::ZERO)? {
                return Ok(Some(AppEvent::Input(event::read()?)));
            }
        }
        match self.rx.try_recv() {
            Ok(ev) => Ok(Some(ev)),
            // With every worker gone, only input is left to wait for.
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Ok(None),
        }
    }

    /// A worker's report already waiting, if any (no system call; the
    /// terminal's input is not looked at).
    pub fn try_message(&mut self) -> Option<AppEvent> {
        self.rx.try_recv().ok()
    }

    /// The next event, waiting for one until `deadline` (None: no limit).
    /// Returns None when the deadline passed first.
    pub fn next(&mut self, deadline: Option<Instant>) -> io::Result<Option<AppEvent>> {
        loop {
            if let Some(ev) = self.try_next()? {
                return Ok(Some(ev));
            }
            let timeout = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    Some(left)
                }
                None => None,
            };
            match self.poll.poll(&mut self.events, timeout) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            if self.events.iter().any(|e| e.token() == WINCH) {
                let mut sink = [0u8; 64];
                while matches!(self.winch.read(&mut sink), Ok(n) if n > 0) {}
                // Say so at once rather than rely on crossterm's own resize
                // event, which a SIGWINCH that came while it was not
                // reading can miss: a redraw at the new size is what counts.
                if self.input
                    && let Ok((w, h)) = crossterm::terminal::size()
                {
                    return Ok(Some(AppEvent::Input(crossterm::event::Event::Resize(w, h))));
                }
            }
        }
    }
}

/// Has the terminal hung up, or its input been closed? (A zero-timeout
/// `poll` of stdin.)
fn terminal_gone() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&zero)) {
        Ok(_) => fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    /// Many workers sending at once, with the UI thread asleep in between,
    /// and the last of them gone as soon as it has sent: every message
    /// arrives, and no wake-up is lost (a lost one would leave `next`
    /// waiting until its deadline).
    #[test]
    fn every_message_arrives_and_wakes_the_waiter() {
        let (mut inbox, post) = Inbox::without_input().unwrap();
        let senders = 4;
        let each = 2_000;
        let workers: Vec<_> = (0..senders)
            .map(|w| {
                let post = post.clone();
                thread::spawn(move || {
                    for i in 0..each {
                        assert!(post.send(AppEvent::Signal(w * each + i)));
                        if i % 97 == 0 {
                            thread::sleep(Duration::from_micros(200));
                        }
                    }
                })
            })
            .collect();
        drop(post);
        let mut seen = vec![false; (senders * each) as usize];
        let mut got = 0;
        while got < seen.len() {
            // Senders never pause for long, so a long wait means a wake-up
            // was lost and only the deadline ended it.
            let asked = Instant::now();
            let r = inbox.next(Some(asked + Duration::from_secs(10))).unwrap();
            assert!(
                asked.elapsed() < Duration::from_secs(3),
                "waited {:?} at message {got}: a wake-up was lost",
                asked.elapsed()
            );
            match r {
                Some(AppEvent::Signal(n)) => {
                    assert!(!seen[n as usize], "message {n} twice");
                    seen[n as usize] = true;
                    got += 1;
                }
                Some(_) => panic!("unexpected event"),
                None => panic!("gave up waiting after {got} messages"),
            }
        }
        for w in workers {
            w.join().unwrap();
        }
    }

    #[test]
    fn waiting_ends_at_the_deadline_when_nothing_comes() {
        let (mut inbox, _post) = Inbox::without_input().unwrap();
        let start = Instant::now();
        let r = inbox.next(Some(start + Duration::from_millis(30))).unwrap();
        assert!(r.is_none());
        assert!(start.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn a_message_sent_before_waiting_is_taken_at_once() {
        let (mut inbox, post) = Inbox::without_input().unwrap();
        assert!(post.send(AppEvent::Signal(7)));
        let r = inbox
            .next(Some(Instant::now() + Duration::from_secs(5)))
            .unwrap();
        assert!(matches!(r, Some(AppEvent::Signal(7))));
        drop(inbox);
        assert!(
            !post.send(AppEvent::Signal(8)),
            "sending after the UI has gone"
        );
    }
}
