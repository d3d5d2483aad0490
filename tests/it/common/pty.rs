//! Driving the real binary in a pseudo-terminal and reading its screen
//! through a terminal emulator (vt100), as a person would see it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Pty {
    pub master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// The screen's text as of the last moment no frame was half drawn
    /// (see [`Frames`]): what [`Pty::screen`] returns.
    frame: Arc<Mutex<String>>,
    /// Everything the program wrote, raw.
    pub output: Arc<Mutex<Vec<u8>>>,
}

/// Finds where frames end in the program's output. The app draws each
/// frame between the terminal's "begin / end synchronized update" marks
/// (CSI ? 2026 h / l), and a read from the pty can end in the middle of
/// one: a test that looked at the screen then could see the new header
/// over the old footer. The screen is therefore read only outside the
/// marks (output without them, as before the app starts, counts at once).
struct Frames {
    in_sync: bool,
    /// The last bytes seen, to find a mark split across two reads.
    tail: Vec<u8>,
}

const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
const END_SYNC: &[u8] = b"\x1b[?2026l";

impl Frames {
    /// Feed `bytes` to `parser`, updating `frame` at every point where no
    /// frame is being drawn.
    fn feed(&mut self, bytes: &[u8], parser: &Mutex<vt100::Parser>, frame: &Mutex<String>) {
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            self.tail.push(b);
            if self.tail.len() > END_SYNC.len() {
                self.tail.remove(0);
            }
            let begins = self.tail.ends_with(BEGIN_SYNC);
            if begins || self.tail.ends_with(END_SYNC) {
                let mut p = parser.lock().unwrap();
                p.process(&bytes[start..=i]);
                start = i + 1;
                if !begins || !self.in_sync {
                    *frame.lock().unwrap() = p.screen().contents();
                }
                self.in_sync = begins;
            }
        }
        let mut p = parser.lock().unwrap();
        p.process(&bytes[start..]);
        if !self.in_sync {
            *frame.lock().unwrap() = p.screen().contents();
        }
    }
}

/// How long to wait for something to appear before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

impl Pty {
    /// Start the threadtutor binary with `args` in a `cols`×`rows` terminal.
    pub fn spawn(args: &[&str], data_dir: &Path, cols: u16, rows: u16) -> Pty {
        Self::spawn_env(args, data_dir, cols, rows, &[])
    }

    pub fn spawn_env(
        args: &[&str],
        data_dir: &Path,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_threadtutor"));
        cmd.args(args);
        cmd.env("THREADTUTOR_DATA_DIR", data_dir);
        cmd.env("TERM", "xterm-256color");
        // The screens are drawn in UTF-8 unless a test asks for another locale.
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("LC_CTYPE");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn threadtutor");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let frame = Arc::new(Mutex::new(String::new()));
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (p, f, o) = (Arc::clone(&parser), Arc::clone(&frame), Arc::clone(&output));
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let mut frames = Frames {
                in_sync: false,
                tail: Vec::new(),
            };
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                frames.feed(&buf[..n], &p, &f);
                o.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Pty {
            master: pair.master,
            child,
            writer,
            parser,
            frame,
            output,
        }
    }

    /// The screen's text as of the last whole frame (never half drawn).
    pub fn screen(&self) -> String {
        self.frame.lock().unwrap().clone()
    }

    /// Blank the screen the test reads (as a shell's `clear` would), so that
    /// what a test then waits for must be drawn again.
    pub fn clear(&self) {
        let mut p = self.parser.lock().unwrap();
        p.process(b"\x1b[2J");
        *self.frame.lock().unwrap() = p.screen().contents();
    }

    /// Wait until the screen shows `text`; panics with the screen if not.
    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            if self.screen().contains(text) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {text:?}; the screen shows:\n{}",
            self.screen()
        );
    }

    /// Wait until the screen no longer shows `text`.
    pub fn wait_gone(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            if !self.screen().contains(text) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {text:?} to go; the screen shows:\n{}",
            self.screen()
        );
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        // Let the app read one key at a time, as typing would.
        thread::sleep(Duration::from_millis(30));
    }

    /// Resize the terminal. As a real terminal does, the screen takes its
    /// new size before the program is told (SIGWINCH): the program may
    /// answer with a frame for the new size at once, and that frame must
    /// not be read into the old grid.
    pub fn resize(&self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// Wait for the program to exit; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Give the reader a moment to take the last bytes.
                thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!(
            "the program did not exit; the screen shows:\n{}",
            self.screen()
        );
    }

    /// Is the terminal back in cooked mode (canonical input with echo)?
    pub fn cooked(&self) -> bool {
        use nix::sys::termios::LocalFlags;
        let t = self.master.get_termios().expect("termios");
        t.local_flags.contains(LocalFlags::ICANON) && t.local_flags.contains(LocalFlags::ECHO)
    }

    /// After exit: main screen, cursor shown, mouse reporting off.
    pub fn assert_restored(&self) {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse still captured"
        );
        drop(parser);
        assert!(self.cooked(), "terminal left in raw mode");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn a_half_drawn_frame_is_never_read() {
    let parser = Mutex::new(vt100::Parser::new(2, 20, 0));
    let frame = Mutex::new(String::new());
    let mut frames = Frames {
        in_sync: false,
        tail: Vec::new(),
    };
    frames.feed(b"old head\r\nold foot", &parser, &frame);
    assert_eq!(*frame.lock().unwrap(), "old head\nold foot");
    // A new frame arrives in three reads, its end mark split in two.
    frames.feed(b"\x1b[?2026h\x1b[Hnew head", &parser, &frame);
    assert_eq!(*frame.lock().unwrap(), "old head\nold foot");
    frames.feed(b"\r\nnew foot\x1b[?20", &parser, &frame);
    assert_eq!(*frame.lock().unwrap(), "old head\nold foot");
    frames.feed(b"26l", &parser, &frame);
    assert_eq!(*frame.lock().unwrap(), "new head\nnew foot");
    // Output outside the marks counts at once.
    frames.feed(b"\x1b[2J\x1b[Hbye", &parser, &frame);
    assert_eq!(*frame.lock().unwrap(), "bye");
}
