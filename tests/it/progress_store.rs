//! Progress survives anything: round trips, corrupt and foreign files moved
//! aside (never overwritten), two writers merged, and a crash half-way
//! through a save leaving the old file intact.

use std::fs;
use std::sync::{Arc, Barrier};
use std::thread;

use threadtutor::progress::{Progress, QuizAttempt, Store};

fn sample() -> Progress {
    let mut p = Progress::default();
    p.visit("part1-gil", "gil-in-action", 2, 1_700_000_000_000);
    p.visit("part1-gil", "dealing-with-gil", 1, 1_700_000_000_500);
    p.record_quiz(
        "pop-quiz-1",
        QuizAttempt {
            at: 1_700_000_001_000,
            score: 3.5,
            max: 5.0,
            missed: vec!["what-is-gil".into()],
        },
    );
    p
}

fn bad_files(store: &Store) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(store.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("progress.toml.bad-"))
        .collect();
    v.sort();
    v
}

#[test]
fn round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().join("nested/data"));
    assert_eq!(store.load().progress, Progress::default());
    let saved = store.save(&sample()).unwrap();
    assert_eq!(saved, sample());
    let loaded = store.load();
    assert!(loaded.warning.is_none());
    assert_eq!(loaded.progress, sample());
    // No temp files left behind.
    let names: Vec<_> = fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().contains(".tmp-")),
        "{names:?}"
    );
}

#[test]
fn corrupt_file_is_moved_aside_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    fs::write(store.path(), "version = 1\n[lessons.x\nseen = [").unwrap();
    let loaded = store.load();
    assert_eq!(loaded.progress, Progress::default());
    let warning = loaded.warning.expect("a warning");
    assert!(warning.contains("progress file was unusable"), "{warning}");
    let bad = bad_files(&store);
    assert_eq!(bad.len(), 1);
    assert!(warning.contains(&bad[0]), "{warning}");
    // The bad file's bytes are kept exactly.
    assert_eq!(
        fs::read_to_string(dir.path().join(&bad[0])).unwrap(),
        "version = 1\n[lessons.x\nseen = ["
    );
    // Saving now writes a fresh file and leaves the bad one alone.
    store.save(&sample()).unwrap();
    assert_eq!(store.load().progress, sample());
    assert_eq!(bad_files(&store), bad);
}

#[test]
fn unknown_version_and_binary_junk_are_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    fs::write(store.path(), "version = 99\n").unwrap();
    let w = store.load().warning.unwrap();
    assert!(w.contains("unknown version 99"), "{w}");
    fs::write(store.path(), b"\xff\xfe\x00junk").unwrap();
    let w = store.load().warning.unwrap();
    assert!(w.contains("not UTF-8"), "{w}");
    assert_eq!(
        bad_files(&store).len(),
        2,
        "two bad files kept under distinct names"
    );
}

#[test]
fn a_file_gone_bad_between_load_and_save_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(&sample()).unwrap();
    fs::write(store.path(), "garbage = [").unwrap();
    let mut p = Progress::default();
    p.visit("x", "y", 1, 5);
    store.save(&p).unwrap();
    assert_eq!(bad_files(&store).len(), 1);
    assert_eq!(store.load().progress.lessons.len(), 1);
}

#[test]
fn two_writers_are_merged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let barrier = Arc::new(Barrier::new(2));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (path, barrier) = (path.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                // Each instance has its own store handle and its own record.
                let store = Store::new(&path);
                let mut mine = store.load().progress;
                barrier.wait();
                for i in 0..50 {
                    mine.visit(
                        &format!("lesson-{w}"),
                        &format!("slide-{i}"),
                        1,
                        (w * 1000 + i) as u64,
                    );
                    store.save(&mine).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let p = Store::new(&path).load().progress;
    assert_eq!(p.lessons["lesson-0"].seen.len(), 50);
    assert_eq!(p.lessons["lesson-1"].seen.len(), 50);
}

#[test]
fn two_processes_are_merged() {
    // The same through two real processes, as two terminals would run it.
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_threadtutor");
    let store = Store::new(dir.path());
    let mut a = Progress::default();
    a.visit("a", "1", 1, 10);
    store.save(&a).unwrap();
    // `progress` only reads; a second instance writing is simulated by a
    // second store, and the CLI must then see both.
    let mut b = Progress::default();
    b.visit("b", "1", 1, 20);
    Store::new(dir.path()).save(&b).unwrap();
    let out = std::process::Command::new(exe)
        .arg("progress")
        .env("THREADTUTOR_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("lesson a: 1") && text.contains("lesson b: 1"),
        "{text}"
    );
}

#[test]
fn crash_between_temp_write_and_rename_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(&sample()).unwrap();
    let before = fs::read(store.path()).unwrap();
    // A save that dies after writing its temp file but before renaming it.
    let mut newer = sample();
    newer.visit("other", "s", 1, 1_800_000_000_000);
    let tmp = store.write_temp(&newer).unwrap();
    assert!(tmp.exists());
    assert_eq!(
        fs::read(store.path()).unwrap(),
        before,
        "the real file is untouched"
    );
    assert_eq!(store.load().progress, sample());
    // A later save still works and the leftover temp file does no harm.
    store.save(&newer).unwrap();
    assert!(store.load().progress.lessons.contains_key("other"));
}

#[test]
fn unwritable_folder_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    // The "folder" is a file, so nothing can be created in it (this holds even for root).
    let store = Store::new(file.join("data"));
    let err = store.save(&sample()).unwrap_err().to_string();
    assert!(err.contains("a-file"), "{err}");
    assert!(store.load().warning.is_none() || store.load().progress == Progress::default());
}

#[test]
fn reset_keeps_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    assert!(store.reset().unwrap().is_none());
    store.save(&sample()).unwrap();
    let kept = store.reset().unwrap().unwrap();
    assert!(
        kept.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("progress.toml.reset-")
    );
    assert_eq!(store.load().progress, Progress::default());
    assert!(fs::read_to_string(kept).unwrap().contains("part1-gil"));
}
