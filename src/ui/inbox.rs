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
}

impl Inbox {
    /// Watch the terminal's input (stdin) and a new channel.
    pub fn new() -> io::Result<(Inbox, Post)> {
        let poll = Poll::new()?;
        let stdin = io::stdin().as_raw_fd();
        poll.registry()
            .register(&mut SourceFd(&stdin), INPUT, Interest::READABLE)?;
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
            },
            Post { tx, waker },
        ))
    }

    /// The next event that is already here: input first, then the
    /// channel. Never waits.
    pub fn try_next(&mut self) -> io::Result<Option<AppEvent>> {
        if event::poll(Duration::ZERO)? {
            return Ok(Some(AppEvent::Input(event::read()?)));
        }
        match self.rx.try_recv() {
            Ok(ev) => Ok(Some(ev)),
            // With every worker gone, only input is left to wait for.
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Ok(None),
        }
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
            }
        }
    }
}
