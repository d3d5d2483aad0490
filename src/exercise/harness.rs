//! The Python harness, built into the binary and written at run time to
//! `$XDG_CACHE_HOME/threadtutor/harness-<digest>/` (or the platform's cache
//! folder, or the temporary folder), atomically: a complete copy is written
//! under a temporary name and renamed into place. A copy whose files match
//! is reused; a damaged one is replaced.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The harness's files: (name, text).
pub const FILES: &[(&str, &str)] = &[
    ("tt_main.py", include_str!("harness/tt_main.py")),
    ("tt_sched.py", include_str!("harness/tt_sched.py")),
];

/// The script to run.
pub const MAIN: &str = "tt_main.py";

/// FNV-1a over the files' names and texts, as 16 hex digits.
pub fn digest() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in FILES {
        for b in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Where harness copies live.
pub fn cache_root() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from)
        && x.is_absolute()
    {
        return x.join("threadtutor");
    }
    if let Some(b) = directories::BaseDirs::new() {
        return b.cache_dir().join("threadtutor");
    }
    std::env::temp_dir().join("threadtutor-cache")
}

fn matches(dir: &Path) -> bool {
    FILES
        .iter()
        .all(|(name, text)| fs::read(dir.join(name)).is_ok_and(|bytes| bytes == text.as_bytes()))
}

/// The folder holding a complete, current copy of the harness (written if needed).
pub fn ensure() -> io::Result<PathBuf> {
    ensure_in(&cache_root())
}

/// [`ensure`] under `root`.
pub fn ensure_in(root: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = root.join(format!("harness-{}", digest()));
    if matches(&dir) {
        return Ok(dir);
    }
    fs::create_dir_all(root)?;
    for _attempt in 0..3 {
        let tmp = root.join(format!(
            ".harness-{}.tmp-{}-{}",
            digest(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir(&tmp)?;
        for (name, text) in FILES {
            fs::write(tmp.join(name), text)?;
        }
        match fs::rename(&tmp, &dir) {
            Ok(()) => return Ok(dir),
            Err(_) => {
                let _ = fs::remove_dir_all(&tmp);
                if matches(&dir) {
                    // Another process wrote the same copy first.
                    return Ok(dir);
                }
                // A damaged copy: move it out of the way and try again.
                let old = root.join(format!(
                    ".harness-{}.old-{}-{}",
                    digest(),
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                ));
                if fs::rename(&dir, &old).is_ok() {
                    let _ = fs::remove_dir_all(&old);
                }
            }
        }
    }
    Err(io::Error::other(format!(
        "cannot write the exercise harness into {}",
        root.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_written_reused_and_repaired() {
        let root = std::env::temp_dir().join(format!(
            "tt-harness-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&root);
        let dir = ensure_in(&root).unwrap();
        assert!(dir.ends_with(format!("harness-{}", digest())));
        assert!(matches(&dir));
        // Damage it: the next call repairs it.
        fs::write(dir.join(MAIN), "broken").unwrap();
        let again = ensure_in(&root).unwrap();
        assert_eq!(again, dir);
        assert!(matches(&dir));
        // No temporary folders are left behind.
        let names: Vec<String> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![format!("harness-{}", digest())]);
        fs::remove_dir_all(&root).unwrap();
    }
}
