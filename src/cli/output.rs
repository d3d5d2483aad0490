//! Standard output as the commands see it: every write passes through, and
//! the first one that fails is remembered, so that a command which only
//! says "exit 1" when its output could not be written (a full disk) still
//! gets its one-line message, and a reader that went away (a closed pipe)
//! still ends the command quietly.

use std::io::{self, Write};

pub struct Recording<W: Write> {
    inner: W,
    failed: Option<io::Error>,
}

impl<W: Write> Recording<W> {
    pub fn new(inner: W) -> Self {
        Recording {
            inner,
            failed: None,
        }
    }

    /// The first write or flush that failed, if any.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.failed.take()
    }

    fn note<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r
            && self.failed.is_none()
            && e.kind() != io::ErrorKind::Interrupted
        {
            self.failed = Some(io::Error::new(e.kind(), e.to_string()));
        }
        r
    }
}

impl<W: Write> Write for Recording<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_first_failed_write_is_kept() {
        let mut ok = Recording::new(Vec::new());
        ok.write_all(b"fine").unwrap();
        assert!(ok.take_error().is_none());
        let mut full = Recording::new(Full);
        assert!(full.write_all(b"x").is_err());
        let _ = full.write_all(b"y");
        let e = full.take_error().expect("kept");
        assert_eq!(e.raw_os_error(), None);
        assert!(e.to_string().contains("No space left"), "{e}");
        assert!(full.take_error().is_none());
    }
}
