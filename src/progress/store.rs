//! Reading and writing `progress.toml` so that nothing is ever lost.
//!
//! - Writes are atomic: a temp file with a random name created in the same
//!   folder (never through a link planted there), fsync, rename, fsync of
//!   the folder. A crash at any point leaves the old file or the new one.
//! - A file that cannot be read as progress (corrupt, or from an unknown
//!   version) is renamed to `progress.toml.bad-<timestamp>` and reported,
//!   never overwritten; only a command that writes does that (readers warn).
//! - Saving takes an exclusive lock on `progress.lock`, waiting at most
//!   [`LOCK_WAIT`], re-reads the file and merges into it, so two instances
//!   running at once keep each other's work, and a stuck holder of the lock
//!   never keeps the tutorial from quitting.
//! - One file holds every content set: the built-in lessons at the top,
//!   each `--content` folder under `[sets."<folder>"]`, kept apart.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::model::{
    ChallengeProgress, ExerciseProgress, LessonProgress, OLDEST_VERSION, Position, Progress,
    QuizProgress, VERSION,
};
use crate::content::Source;

/// The environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "THREADTUTOR_DATA_DIR";
const FILE: &str = "progress.toml";
const LOCK: &str = "progress.lock";
/// The largest progress file read (a real one is a few KiB).
pub const MAX_FILE: u64 = 8 << 20;
/// How long a save waits for another process's lock before giving up.
pub const LOCK_WAIT: Duration = Duration::from_millis(1500);

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
    #[error(
        "{path}: another process holds the progress lock (waited {:.1} s); nothing written",
        LOCK_WAIT.as_secs_f64()
    )]
    Locked { path: String },
}

fn io_err(path: &Path, source: io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The progress file's folder, and which content set's record to use.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// None: the built-in lessons; else the key of a `--content` folder.
    set: Option<String>,
}

/// The result of reading progress: always a usable record, plus what the
/// learner should be told.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub progress: Progress,
    pub warning: Option<String>,
}

/// The whole file: the built-in set's record at the top level (as version 1
/// wrote it), every other content set's under `sets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecord {
    version: u32,
    #[serde(default)]
    reset: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<Position>,
    #[serde(default)]
    lessons: BTreeMap<String, LessonProgress>,
    #[serde(default)]
    quizzes: BTreeMap<String, QuizProgress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    challenges: BTreeMap<String, ChallengeProgress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    exercises: BTreeMap<String, ExerciseProgress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    sets: BTreeMap<String, SetRecord>,
}

/// One content set's record inside the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<Position>,
    #[serde(default)]
    lessons: BTreeMap<String, LessonProgress>,
    #[serde(default)]
    quizzes: BTreeMap<String, QuizProgress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    challenges: BTreeMap<String, ChallengeProgress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    exercises: BTreeMap<String, ExerciseProgress>,
}

impl FileRecord {
    fn fresh() -> FileRecord {
        FileRecord {
            version: VERSION,
            ..FileRecord::default()
        }
    }

    /// The record of content set `set`.
    fn get(&self, set: Option<&str>) -> Progress {
        let (last, lessons, quizzes, challenges, exercises) = match set {
            None => (
                &self.last,
                &self.lessons,
                &self.quizzes,
                &self.challenges,
                &self.exercises,
            ),
            Some(key) => match self.sets.get(key) {
                Some(s) => (&s.last, &s.lessons, &s.quizzes, &s.challenges, &s.exercises),
                None => {
                    return Progress {
                        reset: self.reset,
                        ..Progress::default()
                    };
                }
            },
        };
        Progress {
            version: VERSION,
            reset: self.reset,
            last: last.clone(),
            lessons: lessons.clone(),
            quizzes: quizzes.clone(),
            challenges: challenges.clone(),
            exercises: exercises.clone(),
        }
    }

    /// Replace content set `set`'s record with `p` (and take its generation).
    fn put(&mut self, set: Option<&str>, p: Progress) {
        self.version = VERSION;
        self.reset = p.reset;
        match set {
            None => {
                self.last = p.last;
                self.lessons = p.lessons;
                self.quizzes = p.quizzes;
                self.challenges = p.challenges;
                self.exercises = p.exercises;
            }
            Some(key) => {
                self.sets.insert(
                    key.to_string(),
                    SetRecord {
                        last: p.last,
                        lessons: p.lessons,
                        quizzes: p.quizzes,
                        challenges: p.challenges,
                        exercises: p.exercises,
                    },
                );
            }
        }
    }

    /// Repair every set's numbers; the notes for the learner.
    fn repair(&mut self) -> Option<String> {
        let mut top = self.get(None);
        let mut notes: Vec<String> = top.repair().into_iter().collect();
        self.put(None, top);
        let keys: Vec<String> = self.sets.keys().cloned().collect();
        for key in keys {
            let mut p = self.get(Some(&key));
            notes.extend(p.repair());
            self.put(Some(&key), p);
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    }
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

/// The key a content source's progress is kept under: None for the
/// built-in lessons, the folder's absolute path for `--content DIR`.
pub fn set_key(source: &Source) -> Option<String> {
    match source {
        Source::Embedded => None,
        Source::Dir(dir) => {
            let abs = fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            Some(abs.to_string_lossy().into_owned())
        }
    }
}

impl Store {
    /// A store in `dir` (created on first save), for the built-in lessons.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Store {
            dir: dir.into(),
            set: None,
        }
    }

    /// The same folder, keeping the record of content set `set` (see
    /// [`set_key`]).
    pub fn for_set(mut self, set: Option<String>) -> Self {
        self.set = set;
        self
    }

    /// The same folder, for the lessons of `source`.
    pub fn for_source(self, source: &Source) -> Self {
        self.for_set(set_key(source))
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

    /// The content set this store keeps (None: the built-in lessons).
    pub fn set(&self) -> Option<&str> {
        self.set.as_deref()
    }

    /// The progress file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Read progress, as the tutorial does before it writes. Never fails: a
    /// missing file is a fresh start; a bad one is moved aside with a
    /// warning (only a command that will write may do this).
    pub fn load(&self) -> Loaded {
        self.read(true)
    }

    /// Read progress for a command that only reads (`progress`,
    /// `lessons`): a bad or newer file is left where it is, with a warning.
    pub fn peek(&self) -> Loaded {
        self.read(false)
    }

    fn read(&self, may_move: bool) -> Loaded {
        match self.read_current() {
            Ok(Some((mut file, _))) => {
                let warning = file.repair().map(|n| {
                    format!(
                        "{}: {n} (the file is repaired when progress is next saved)",
                        self.path().display()
                    )
                });
                Loaded {
                    progress: file.get(self.set()),
                    warning,
                }
            }
            Ok(None) => Loaded {
                progress: Progress::default(),
                warning: None,
            },
            Err(Bad::Unreadable(e)) => Loaded {
                progress: Progress::default(),
                warning: Some(format!("cannot read {}: {e}", self.path().display())),
            },
            Err(Bad::Invalid(why)) if may_move => Loaded {
                progress: Progress::default(),
                warning: Some(self.move_aside(&why)),
            },
            Err(Bad::Invalid(why)) => Loaded {
                progress: Progress::default(),
                warning: Some(format!(
                    "progress file {} is unusable ({why}); left as it is, showing no progress",
                    self.path().display()
                )),
            },
        }
    }

    /// Take `progress.lock`, waiting at most [`LOCK_WAIT`].
    fn lock(&self) -> Result<File, StoreError> {
        let lock_path = self.dir.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_err(&lock_path, e))?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match lock.try_lock() {
                Ok(()) => return Ok(lock),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked {
                        path: lock_path.display().to_string(),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&lock_path, e)),
            }
        }
    }

    /// Merge `progress` into what is on disk and write the result atomically.
    /// Returns the merged record (what is now on disk).
    pub fn save(&self, progress: &Progress) -> Result<Progress, StoreError> {
        fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        let lock = self.lock()?;
        let mut file = match self.read_current() {
            Ok(Some((mut file, _))) => {
                file.repair();
                file
            }
            Ok(None) => FileRecord::fresh(),
            Err(Bad::Invalid(why)) => {
                self.move_aside(&why);
                FileRecord::fresh()
            }
            Err(Bad::Unreadable(e)) => return Err(io_err(&self.path(), io::Error::other(e))),
        };
        // Ours first, then what is on disk: ours wins ties.
        let mut merged = progress.clone();
        merged.merge(&file.get(self.set()));
        file.put(self.set(), merged.clone());
        let tmp = self.write_record(&file)?;
        self.commit(&tmp)?;
        drop(lock);
        Ok(merged)
    }

    /// First half of a save: the new content in a synced temp file beside the
    /// real one. (Public so tests can stop a save half-way, as a crash would.)
    pub fn write_temp(&self, progress: &Progress) -> Result<PathBuf, StoreError> {
        let mut file = match self.read_current() {
            Ok(Some((file, _))) => file,
            _ => FileRecord::fresh(),
        };
        file.put(self.set(), progress.clone());
        self.write_record(&file)
    }

    fn write_record(&self, file: &FileRecord) -> Result<PathBuf, StoreError> {
        let text = toml::to_string_pretty(file)
            .map_err(|e| io_err(&self.path(), io::Error::new(io::ErrorKind::InvalidData, e)))?;
        // A new file with a random name (O_EXCL): a link planted in the
        // folder is never written through.
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{FILE}.tmp-"))
            .tempfile_in(&self.dir)
            .map_err(|e| io_err(&self.dir, e))?;
        let header =
            "# threadtutor progress; edit with care (threadtutor progress --reset starts over)\n";
        let f = tmp.as_file_mut();
        f.write_all(header.as_bytes())
            .and_then(|_| f.write_all(text.as_bytes()))
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(tmp.path(), e))?;
        tmp.into_temp_path()
            .keep()
            .map_err(|e| io_err(&self.dir, e.error))
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

    /// Start over: the old file is kept as `progress.toml.reset-<timestamp>`,
    /// and a new one records a higher reset generation, so a tutorial still
    /// open does not write the old progress back when it saves.
    pub fn reset(&self) -> Result<Option<PathBuf>, StoreError> {
        let path = self.path();
        if !path.exists() {
            return Ok(None);
        }
        fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        let lock = self.lock()?;
        let old = match self.read_current() {
            Ok(Some((file, _))) => file.reset,
            _ => 0,
        };
        let to = unique(&self.dir.join(format!("{FILE}.reset-{}", stamp(now()))));
        fs::rename(&path, &to).map_err(|e| io_err(&path, e))?;
        let fresh = FileRecord {
            // A time, so it is higher than any generation a running
            // instance can hold even when the old file was unreadable.
            reset: old.saturating_add(1).max(now_ms()),
            ..FileRecord::fresh()
        };
        let tmp = self.write_record(&fresh)?;
        self.commit(&tmp)?;
        drop(lock);
        Ok(Some(to))
    }

    fn read_current(&self) -> Result<Option<(FileRecord, u32)>, Bad> {
        let path = self.path();
        let bytes = match crate::files::read_limited(&path, MAX_FILE) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e @ crate::files::ReadError::TooBig(_)) => {
                return Err(Bad::Invalid(e.to_string()));
            }
            Err(e) => return Err(Bad::Unreadable(e.to_string())),
        };
        let text = String::from_utf8(bytes).map_err(|_| Bad::Invalid("not UTF-8 text".into()))?;
        let version = toml::from_str::<toml::Table>(&text)
            .map_err(|e| Bad::Invalid(e.message().to_string()))?
            .get("version")
            .and_then(|v| v.as_integer());
        let version = match version {
            Some(v) if v >= i64::from(OLDEST_VERSION) && v <= i64::from(VERSION) => v as u32,
            Some(v) => {
                return Err(Bad::Invalid(format!(
                    "unknown version {v} (this build reads {OLDEST_VERSION} to {VERSION})"
                )));
            }
            None => return Err(Bad::Invalid("no version".into())),
        };
        toml::from_str::<FileRecord>(&text)
            .map(|f| Some((f, version)))
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
    Unreadable(String),
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
