//! Reading files that come from outside (a teacher's content folder, a
//! class's answer sheets, the progress file): never more than a limit, and
//! never anything but a regular file, so a FIFO cannot hang a command and a
//! link to /dev/zero or a huge sparse file cannot fill memory.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// It is a directory, FIFO, socket or device.
    NotAFile(&'static str),
    /// It holds more than the limit (the limit, in bytes).
    TooBig(u64),
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotAFile(what) => write!(f, "not a regular file (a {what})"),
            ReadError::TooBig(limit) => write!(f, "larger than the limit of {limit} bytes"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// Is this "no such file"?
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// Read at most `limit` bytes of the regular file at `path` (following
/// links); a file with more is [`ReadError::TooBig`]. Only `limit + 1`
/// bytes are ever read, whatever the file's size claims.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Look before opening: opening a FIFO for reading would wait for a writer.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotAFile(kind_name(&kind)));
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooBig(limit));
    }
    Ok(bytes)
}

/// [`read_limited`], as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not UTF-8 text (at byte {})", e.utf8_error().valid_up_to()),
        ))
    })
}

fn kind_name(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "directory"
    } else if kind.is_fifo() {
        "FIFO"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "device"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_files_and_refuses_big_and_special_ones() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, b"hello").unwrap();
        assert_eq!(read_limited(&small, 5).unwrap(), b"hello");
        assert!(matches!(read_limited(&small, 4), Err(ReadError::TooBig(4))));
        assert!(matches!(
            read_limited(dir.path(), 10),
            Err(ReadError::NotAFile("directory"))
        ));
        if Path::new("/dev/zero").exists() {
            // A link to an endless device is refused before any read.
            let link = dir.path().join("zero");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            assert!(matches!(
                read_limited(&link, 10),
                Err(ReadError::NotAFile("device"))
            ));
        }
        assert!(
            read_limited(&dir.path().join("nope"), 1)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn a_fifo_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("no mkfifo here: FIFO case not checked");
            return;
        }
        assert!(matches!(
            read_limited(&fifo, 10),
            Err(ReadError::NotAFile("FIFO"))
        ));
    }

    #[test]
    fn a_sparse_file_is_read_only_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        let f = File::create(&big).unwrap();
        // 20 GB of nothing: only limit + 1 bytes may be read.
        f.set_len(20 << 30).unwrap();
        assert!(matches!(
            read_limited(&big, 1024),
            Err(ReadError::TooBig(1024))
        ));
    }
}
