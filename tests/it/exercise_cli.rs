//! `threadtutor exercise …` and the exercise part of `threadtutor check`, as
//! scripts use them: exit codes, JSON keys, one-line errors, files written.
//! The commands that run Python skip without python3 (and fail when `CI` is
//! set).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dev() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exercises-dev")
        .display()
        .to_string()
}

fn run_env(args: &[&str], env: &[(&str, &str)], cwd: Option<&Path>) -> Output {
    let data = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_threadtutor"));
    cmd.args(args)
        .env("THREADTUTOR_DATA_DIR", data.path())
        .env("XDG_CACHE_HOME", cache.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    cmd.output().unwrap()
}

fn run(args: &[&str]) -> Output {
    run_env(args, &[], None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn have_python() -> bool {
    match threadtutor::exercise::find_python() {
        Ok(_) => true,
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "CI without python3: {e}");
            println!("skipping: {e}");
            false
        }
    }
}

#[test]
fn list_json_is_an_array_of_id_title_lesson() {
    let d = dev();
    let o = run(&["exercise", "--list", "--json", "--content", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    let ids: Vec<&str> = arr.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["dev-counter", "dev-queue-join", "dev-condition"]);
    for e in arr {
        let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "lesson", "title"]);
        assert_eq!(e["lesson"], "basics");
    }
    let plain = run(&["exercise", "--list", "--content", &d]);
    assert!(
        stdout(&plain).starts_with("dev-counter"),
        "{}",
        stdout(&plain)
    );
}

#[test]
fn solution_prints_the_reference_solution_and_unknown_ids_are_one_line() {
    let d = dev();
    let o = run(&["exercise", "solution", "dev-counter", "--content", &d]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("with lock:"), "{}", stdout(&o));
    let o = run(&["exercise", "solution", "nope", "--content", &d]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("no exercise `nope` (exercises: dev-counter,"));
}

#[test]
fn init_writes_starters_and_a_readme_and_never_overwrites() {
    let d = dev();
    let work = tempfile::tempdir().unwrap();
    let o = run_env(
        &["exercise", "init", "--content", &d],
        &[],
        Some(work.path()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = work.path().join("threadtutor-exercises");
    let starter = std::fs::read_to_string(dir.join("dev-counter.py")).unwrap();
    assert!(starter.contains("# TODO"));
    assert!(dir.join("dev-queue-join.py").is_file());
    assert!(
        std::fs::read_to_string(dir.join("README.md"))
            .unwrap()
            .contains("threadtutor exercise check ID --file ID.py")
    );
    assert!(stdout(&o).contains("wrote 4 files"), "{}", stdout(&o));
    // The learner's edits survive a second init.
    std::fs::write(dir.join("dev-counter.py"), "# mine\n").unwrap();
    std::fs::remove_file(dir.join("dev-condition.py")).unwrap();
    let o = run(&["exercise", "init", dir.to_str().unwrap(), "--content", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("dev-counter.py")).unwrap(),
        "# mine\n"
    );
    assert!(dir.join("dev-condition.py").is_file());
    let out = stdout(&o);
    assert!(out.contains("wrote 1 file into"), "{out}");
    assert!(
        out.contains(
            "kept 3 existing files (not overwritten): dev-counter.py, dev-queue-join.py, README.md"
        ),
        "{out}"
    );
}

#[test]
fn check_json_has_the_contract_keys_and_exits_0_pass_or_fail() {
    if !have_python() {
        return;
    }
    let d = dev();
    let work = tempfile::tempdir().unwrap();
    let content =
        threadtutor::content::load(&threadtutor::content::Source::Dir(d.clone().into())).unwrap();
    let ex = content.exercise("dev-counter").unwrap();
    for (name, text, passed) in [("s.py", &ex.starter, false), ("ok.py", &ex.solution, true)] {
        let file = work.path().join(name);
        std::fs::write(&file, text).unwrap();
        let f = file.to_str().unwrap();
        let o = run(&[
            "exercise",
            "check",
            "dev-counter",
            "--file",
            f,
            "--seed",
            "5",
            "--json",
            "--content",
            &d,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["failure", "id", "passed", "python", "schedules", "seed"]
        );
        assert_eq!(v["id"], "dev-counter");
        assert_eq!(v["passed"], passed);
        assert_eq!(v["seed"], 5);
        assert!(v["python"].as_str().unwrap().starts_with("3."));
        assert!(v["schedules"].as_u64().unwrap() >= 1);
        if passed {
            assert!(v["failure"].is_null());
        } else {
            let f = &v["failure"];
            assert_eq!(f["check"], "final");
            assert!(f["message"].as_str().unwrap().contains("counter == 200"));
            assert!(f["schedule"].as_str().unwrap().contains(';'));
            let step = &f["trace"][0];
            for k in ["thread", "line", "code"] {
                assert!(!step[k].is_null(), "trace step without {k}: {step}");
            }
            // Replaying the schedule gives the same failure, in words.
            let sched = f["schedule"].as_str().unwrap();
            let o = run(&[
                "exercise",
                "check",
                "dev-counter",
                "--file",
                f_path(&file),
                "--schedule",
                sched,
                "--content",
                &d,
            ]);
            assert_eq!(o.status.code(), Some(0));
            let text = stdout(&o);
            assert!(text.contains("dev-counter: not yet"), "{text}");
            assert!(text.contains("The interleaving that broke it:"), "{text}");
        }
    }
}

fn f_path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_exits_1_with_one_line_for_an_unreadable_file_or_no_python() {
    let d = dev();
    let o = run(&[
        "exercise",
        "check",
        "dev-counter",
        "--file",
        "/nonexistent/x.py",
        "--json",
        "--content",
        &d,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read /nonexistent/x.py"));
    assert!(o.stdout.is_empty());
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("a.py");
    std::fs::write(&file, "print(1)\n").unwrap();
    let o = run_env(
        &[
            "exercise",
            "check",
            "dev-counter",
            "--file",
            f_path(&file),
            "--json",
            "--content",
            &d,
        ],
        &[("THREADTUTOR_PYTHON", "/nonexistent/python3")],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("install Python 3.8 or newer"),
        "{}",
        stderr(&o)
    );
    // Everything else still works without Python.
    let o = run_env(
        &["check", "--content", &d],
        &[("THREADTUTOR_PYTHON", "/nonexistent/python3")],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("3 exercises: solutions not run"),
        "{}",
        stdout(&o)
    );
}

/// A content folder: the dev fixture's lessons and quizzes plus `exercise`.
fn content_with(exercise: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = PathBuf::from(dev());
    for sub in ["lessons", "quizzes"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(src.join(sub)).unwrap().flatten() {
            std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("exercises")).unwrap();
    std::fs::write(dir.path().join("exercises/01-bad.toml"), exercise).unwrap();
    dir
}

const GOOD: &str = "id = \"bad\"\ntitle = \"t\"\nlesson = \"basics\"\ninstructions = \"i\"\n\
starter = \"\"\"\nx = 1\n\"\"\"\nsolution = \"\"\"\nx = 2\n\"\"\"\nhints = [\"a\", \"b\"]\n\
[checks]\nfinal = [\"x == 2\"]\n";

#[test]
fn check_reports_bad_exercises_at_path_line_col() {
    let dir = content_with(&GOOD.replace("lesson = \"basics\"", "lesson = \"nope\""));
    let o = run(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exercises/01-bad.toml:3:10: unknown lesson `nope`"),
        "{}",
        stderr(&o)
    );
    let dir = content_with(&GOOD.replace("hints", "hint"));
    let o = run(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exercises/01-bad.toml:11:1: unknown field `hint`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_runs_the_python_of_every_exercise() {
    if !have_python() {
        return;
    }
    let dir = content_with(GOOD);
    let o = run(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok: 1 exercises"), "{}", stdout(&o));
    // A solution that is not Python is pinned to its line in the TOML.
    let dir = content_with(&GOOD.replace("x = 2\n", "x = = 2\n"));
    let o = run(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exercises/01-bad.toml:9:5: the solution is not valid Python"),
        "{}",
        stderr(&o)
    );
    // A solution that fails its checks, and a starter that passes them.
    let dir = content_with(&GOOD.replace("x == 2", "x == 3"));
    let o = run(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exercises/01-bad.toml:9:1: the solution fails its checks (final)"),
        "{}",
        stderr(&o)
    );
    let dir = content_with(&GOOD.replace("x == 2", "x > 0"));
    let o = run(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exercises/01-bad.toml:6:1: the starter passes every check"),
        "{}",
        stderr(&o)
    );
}
