//! Reading and writing `progress.toml` so that nothing is ever lost.
//!
//! - Writes are atomic: a temp file in the same folder, fsync, rename, fsync
//!   of the folder. A crash at any point leaves the old file or the new one.
//! - A file that cannot be read as progress (corrupt, or from an unknown
//!   version) is renamed to `progress.toml.bad-<timestamp>` and reported,
//!   never overwritten.
//! - Saving takes an exclusive lock on `progress.lock`, re-reads the file and
//!   merges into it, so two instances running at once keep each other's work.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::model::{Progress, VERSION};

/// The environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "THREADTUTOR_DATA_DIR";
const FILE: &str = "progress.toml";
const LOCK: &str = "progress.lock";

/// What can go wrong while saving.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("no data folder: set {DATA_DIR_ENV} or HOME")]
    NoDataDir,
}

fn io_err(path: &Path, source: io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The progress file's folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

/// The result of reading progress: always a usable record, plus what the
/// learner should be told.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub progress: Progress,
    pub warning: Option<String>,
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    now_ms() / 1000
}

/// Milliseconds since the Unix epoch (progress timestamps).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Store {
    /// A store in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Store { dir: dir.into() }
    }

    /// `$THREADTUTOR_DATA_DIR`, else the platform data folder
    /// (`$XDG_DATA_HOME/threadtutor` on Linux).
    pub fn from_env() -> Result<Self, StoreError> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Store::new(dir));
        }
        directories::ProjectDirs::from("", "", "threadtutor")
            .map(|d| Store::new(d.data_dir()))
            .ok_or(StoreError::NoDataDir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The progress file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Read progress. Never fails: a missing file is a fresh start; a bad one
    /// is moved aside with a warning.
    pub fn load(&self) -> Loaded {
        match self.read_current() {
            Ok(progress) => Loaded {
                progress: progress.unwrap_or_default(),
                warning: None,
            },
            Err(Bad::Unreadable(e)) => Loaded {
                progress: Progress::default(),
                warning: Some(format!("cannot read {}: {e}", self.path().display())),
            },
            Err(Bad::Invalid(why)) => Loaded {
                progress: Progress::default(),
                warning: Some(self.move_aside(&why)),
            },
        }
    }

    /// Merge `progress` into what is on disk and write the result atomically.
    /// Returns the merged record (what is now on disk).
    pub fn save(&self, progress: &Progress) -> Result<Progress, StoreError> {
        fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        let lock_path = self.dir.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_err(&lock_path, e))?;
        lock.lock().map_err(|e| io_err(&lock_path, e))?;
        // Ours first, then what is on disk: ours wins ties.
        let mut merged = progress.clone();
        match self.read_current() {
            Ok(Some(disk)) => merged.merge(&disk),
            Ok(None) => {}
            Err(Bad::Invalid(why)) => {
                self.move_aside(&why);
            }
            Err(Bad::Unreadable(e)) => return Err(io_err(&self.path(), e)),
        }
        let tmp = self.write_temp(&merged)?;
        self.commit(&tmp)?;
        drop(lock);
        Ok(merged)
    }

    /// First half of a save: the new content in a synced temp file beside the
    /// real one. (Public so tests can stop a save half-way, as a crash would.)
    pub fn write_temp(&self, progress: &Progress) -> Result<PathBuf, StoreError> {
        let text = toml::to_string_pretty(progress)
            .map_err(|e| io_err(&self.path(), io::Error::new(io::ErrorKind::InvalidData, e)))?;
        let tmp = self.dir.join(format!("{FILE}.tmp-{}", std::process::id()));
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        let header =
            "# threadtutor progress; edit with care (threadtutor progress --reset starts over)\n";
        f.write_all(header.as_bytes())
            .and_then(|_| f.write_all(text.as_bytes()))
            .and_then(|_| f.sync_all())
            .map_err(|e| {
                let _ = fs::remove_file(&tmp);
                io_err(&tmp, e)
            })?;
        Ok(tmp)
    }

    /// Second half of a save: rename the temp file over the real one.
    pub fn commit(&self, tmp: &Path) -> Result<(), StoreError> {
        let path = self.path();
        fs::rename(tmp, &path).map_err(|e| {
            let _ = fs::remove_file(tmp);
            io_err(&path, e)
        })?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Start over: the old file is kept as `progress.toml.reset-<timestamp>`.
    pub fn reset(&self) -> Result<Option<PathBuf>, StoreError> {
        let path = self.path();
        if !path.exists() {
            return Ok(None);
        }
        let to = unique(&self.dir.join(format!("{FILE}.reset-{}", stamp(now()))));
        fs::rename(&path, &to).map_err(|e| io_err(&path, e))?;
        Ok(Some(to))
    }

    fn read_current(&self) -> Result<Option<Progress>, Bad> {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Bad::Unreadable(e)),
        };
        let text = String::from_utf8(bytes).map_err(|_| Bad::Invalid("not UTF-8 text".into()))?;
        let version = toml::from_str::<toml::Table>(&text)
            .map_err(|e| Bad::Invalid(e.message().to_string()))?
            .get("version")
            .and_then(|v| v.as_integer());
        if version != Some(i64::from(VERSION)) {
            return Err(Bad::Invalid(match version {
                Some(v) => format!("unknown version {v} (this build reads {VERSION})"),
                None => "no version".into(),
            }));
        }
        toml::from_str::<Progress>(&text)
            .map(Some)
            .map_err(|e| Bad::Invalid(e.message().to_string()))
    }

    /// Rename a bad file out of the way; returns the warning to show.
    fn move_aside(&self, why: &str) -> String {
        let path = self.path();
        let to = unique(&self.dir.join(format!("{FILE}.bad-{}", stamp(now()))));
        match fs::rename(&path, &to) {
            Ok(()) => format!(
                "progress file was unusable ({why}); kept it as {} and started afresh",
                to.display()
            ),
            Err(e) => format!(
                "progress file {} is unusable ({why}) and could not be moved aside ({e}); progress will not be saved over it",
                path.display()
            ),
        }
    }
}

enum Bad {
    Unreadable(io::Error),
    Invalid(String),
}

/// `path`, or `path-2`, `path-3`… if taken.
fn unique(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    (2..)
        .map(|n| PathBuf::from(format!("{}-{n}", path.display())))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

/// `YYYYMMDD-HHMMSS` in UTC for Unix seconds `t`.
pub fn stamp(t: u64) -> String {
    let days = (t / 86_400) as i64;
    let secs = t % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_dates() {
        assert_eq!(stamp(0), "19700101-000000");
        assert_eq!(stamp(1_795_000_000), "20261118-110640");
    }
}
