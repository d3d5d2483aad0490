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
    let fresh = store.load().progress;
    assert!(fresh.lessons.is_empty() && fresh.quizzes.is_empty() && fresh.last.is_none());
    assert!(fresh.reset > 0, "the reset is recorded in the new file");
    assert!(fs::read_to_string(kept).unwrap().contains("part1-gil"));
}

// ---- Hardening round two (issue 18) and issue 17's progress items ----

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_threadtutor")
}

fn cli(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(exe())
        .args(args)
        .env("THREADTUTOR_DATA_DIR", data)
        .output()
        .unwrap()
}

/// A version 1 file as an older build (or a hand edit) left it: a NaN
/// score, an infinite one, and the same attempt twice.
const NAN_FILE: &str = "version = 1\n\
[quizzes.pop-quiz-1]\n\
[[quizzes.pop-quiz-1.attempts]]\nat = 5\nscore = nan\nmax = 5.0\nmissed = []\n\
[[quizzes.pop-quiz-1.attempts]]\nat = 6\nscore = inf\nmax = 5.0\nmissed = []\n\
[[quizzes.pop-quiz-1.attempts]]\nat = 7\nscore = 4.0\nmax = 5.0\nmissed = []\n\
[[quizzes.pop-quiz-1.attempts]]\nat = 7\nscore = 4.0\nmax = 5.0\nmissed = []\n";

#[test]
fn a_nan_score_is_repaired_and_saves_do_not_multiply_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    fs::write(store.path(), NAN_FILE).unwrap();
    let loaded = store.load();
    let w = loaded.warning.expect("the repair is reported");
    assert!(w.contains("not a finite number"), "{w}");
    let mut p = loaded.progress;
    assert_eq!(p.quizzes["pop-quiz-1"].attempts.len(), 1);
    // Twenty saves, as a session would make: the file does not grow.
    for i in 0..20 {
        p.visit("l", &format!("s{i}"), 1, 100 + i);
        p = store.save(&p).unwrap();
    }
    assert_eq!(p.quizzes["pop-quiz-1"].attempts.len(), 1);
    assert_eq!(
        store.load().progress.quizzes["pop-quiz-1"].attempts.len(),
        1
    );
    // Even a NaN handed straight to merge cannot multiply.
    let mut a = Progress::default();
    a.record_quiz(
        "q",
        QuizAttempt {
            at: 1,
            score: f64::NAN,
            max: 1.0,
            missed: vec![],
        },
    );
    let mut b = a.clone();
    for _ in 0..10 {
        b.merge(&a);
        a.merge(&b);
    }
    assert_eq!(a.quizzes["q"].attempts.len(), 1);
}

#[test]
fn progress_never_shows_inf_or_nan() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("progress.toml"), NAN_FILE).unwrap();
    let o = cli(dir.path(), &["progress"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        text.contains("quiz pop-quiz-1: 1 attempt, best 80%"),
        "{text}"
    );
    assert!(!text.contains("inf") && !text.contains("NaN"), "{text}");
}

#[test]
fn a_held_lock_makes_save_give_up_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(&sample()).unwrap();
    let before = fs::read(store.path()).unwrap();
    // Another process (here: another open file description) holds the lock.
    let holder = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("progress.lock"))
        .unwrap();
    holder.lock().unwrap();
    let mut newer = sample();
    newer.visit("other", "x", 1, 1_800_000_000_000);
    let err = store.save(&newer).unwrap_err().to_string();
    assert!(
        err.contains("another process holds the progress lock"),
        "{err}"
    );
    assert_eq!(fs::read(store.path()).unwrap(), before, "nothing written");
    drop(holder);
    store.save(&newer).unwrap();
    assert!(store.load().progress.lessons.contains_key("other"));
}

#[test]
fn temp_files_never_follow_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let victim = dir.path().join("victim");
    fs::write(&victim, "keep me").unwrap();
    // The names the old code would have used, for this process's pid.
    let pid = std::process::id();
    std::os::unix::fs::symlink(&victim, dir.path().join(format!("progress.toml.tmp-{pid}")))
        .unwrap();
    store.save(&sample()).unwrap();
    store.write_temp(&sample()).unwrap();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    assert_eq!(store.load().progress, sample());
}

#[test]
fn readers_never_move_a_bad_or_newer_file_aside() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    for text in ["version = 99\n", "version = 1\n[lessons.x\n"] {
        fs::write(store.path(), text).unwrap();
        for args in [
            &["progress"][..],
            &["lessons"][..],
            &["lessons", "--json"][..],
        ] {
            let o = cli(dir.path(), args);
            assert!(o.status.success(), "{args:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("warning"), "{args:?}: {err}");
            assert_eq!(fs::read_to_string(store.path()).unwrap(), text, "{args:?}");
            assert!(
                bad_files(&store).is_empty(),
                "{args:?} moved the file aside"
            );
        }
        // A command that writes may move it aside.
        assert!(store.load().warning.is_some());
        assert_eq!(bad_files(&store).len(), 1);
        fs::remove_file(dir.path().join(&bad_files(&store)[0])).unwrap();
    }
}

#[test]
fn a_visit_after_a_future_timestamp_still_wins() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    // Written by a machine whose clock said 2100.
    fs::write(
        store.path(),
        "version = 1\n[last]\nlesson = \"a\"\nslide = \"future\"\nstep = 1\nat = 4102444800000\n\
         [lessons.a]\nseen = [\"future\"]\nlast_slide = \"future\"\nat = 4102444800000\n",
    )
    .unwrap();
    let stale = store.load().progress;
    let mut p = store.load().progress;
    p.visit("a", "today", 1, 1_790_000_000_000);
    store.save(&p).unwrap();
    // Another instance that loaded the old file saves later: still today's.
    store.save(&stale).unwrap();
    let now = store.load().progress;
    assert_eq!(now.last.as_ref().unwrap().slide, "today");
    assert_eq!(now.lessons["a"].last_slide.as_deref(), Some("today"));
    // And the next visit after that wins again.
    let mut p = now;
    p.visit("a", "tomorrow", 1, 1);
    store.save(&p).unwrap();
    assert_eq!(store.load().progress.last.unwrap().slide, "tomorrow");
}

#[test]
fn a_reset_is_not_undone_by_an_instance_left_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(&sample()).unwrap();
    // The tutorial is open with the old record...
    let mut open = store.load().progress;
    // ...when `progress --reset` runs in another terminal.
    let o = cli(dir.path(), &["progress", "--reset"]);
    assert!(o.status.success());
    // The open tutorial saves through its saver, which says what happened.
    open.visit("part1-gil", "later", 1, 1_700_000_009_000);
    let (tx, rx) = std::sync::mpsc::channel();
    let saver = threadtutor::progress::Saver::spawn(Store::new(dir.path()), move |r| {
        let _ = tx.send(r);
    });
    saver.save(&open);
    assert!(saver.finish().is_none());
    let reports: Vec<_> = rx.try_iter().collect();
    assert!(
        reports.iter().any(|r| matches!(r,
            threadtutor::progress::SaveReport::Notice(m) if m.contains("reset"))),
        "{reports:?}"
    );
    let now = store.load().progress;
    assert!(now.lessons.is_empty(), "the reset was undone: {now:?}");
    assert!(now.quizzes.is_empty(), "the reset was undone: {now:?}");
    // What the instance does after it took in the reset is kept.
    let mut open = match &reports[0] {
        threadtutor::progress::SaveReport::Saved(p) => p.clone(),
        other => panic!("{other:?}"),
    };
    open.visit("part1-gil", "after-reset", 1, 1_700_000_010_000);
    store.save(&open).unwrap();
    assert_eq!(store.load().progress.lessons["part1-gil"].seen.len(), 1);
}

#[test]
fn content_sets_are_kept_apart_and_only_existing_slides_count() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = crate::common::fixture_dir();
    let source = threadtutor::content::Source::Dir(fixture.clone());
    let teacher = Store::new(dir.path()).for_source(&source);
    let mut p = teacher.load().progress;
    // One slide that exists and two that were renamed away since.
    for s in ["generic-threads", "old-one", "old-two"] {
        p.visit("basics", s, 1, 5);
    }
    teacher.save(&p).unwrap();
    // The built-in lessons' record does not see the teacher's.
    assert!(Store::new(dir.path()).load().progress.lessons.is_empty());
    let f = fixture.display().to_string();
    let o = cli(dir.path(), &["progress", "--content", &f]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("lesson basics: 1/3 slides seen"), "{text}");
    let o = cli(dir.path(), &["progress"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("nothing recorded yet"), "{text}");
    // The slides that no longer exist are still stored.
    assert_eq!(teacher.load().progress.lessons["basics"].seen.len(), 3);
}
