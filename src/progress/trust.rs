//! Which `--content` folders the learner has agreed to run code from.
//!
//! Runnable code runs with the learner's own python3, as the learner, with
//! their files: content from somewhere else must not run on a single key
//! press. The first run from a `--content` folder asks; the answer is kept
//! in `trusted-content.txt` in the data folder (one folder per line), so it
//! is asked once per content set. The built-in lessons are always trusted.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

const FILE: &str = "trusted-content.txt";
/// The largest trust file read.
const MAX_FILE: u64 = 1 << 20;

/// The trust file in data folder `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Has the learner agreed to run code from content set `key`?
pub fn is_trusted(dir: &Path, key: &str) -> bool {
    crate::files::read_limited(&path(dir), MAX_FILE)
        .map(|b| String::from_utf8_lossy(&b).lines().any(|l| l == key))
        .unwrap_or(false)
}

/// Record that code from content set `key` may run. Written through a new
/// temporary file renamed into place.
pub fn trust(dir: &Path, key: &str) -> io::Result<()> {
    if key.contains('\n') || is_trusted(dir, key) {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let mut text = crate::files::read_limited(&path(dir), MAX_FILE)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(key);
    text.push('\n');
    let mut tmp = tempfile::Builder::new()
        .prefix(".trusted-content-")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path(dir)).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_is_kept_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_trusted(dir.path(), "/a"));
        trust(dir.path(), "/a").unwrap();
        trust(dir.path(), "/a").unwrap();
        assert!(is_trusted(dir.path(), "/a"));
        assert!(!is_trusted(dir.path(), "/a/b"));
        trust(dir.path(), "/a/b").unwrap();
        assert!(is_trusted(dir.path(), "/a/b"));
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        assert_eq!(text, "/a\n/a/b\n");
    }
}
