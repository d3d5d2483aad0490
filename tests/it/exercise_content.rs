//! The exercises as content: every starter really fails and every reference
//! solution passes under the controlled scheduler (20 seeds each), and every
//! known-wrong solution in `tests/fixtures/exercises/<id>/` is rejected — by
//! the check it names on its `# check:` line.
//!
//! Needs `python3` (3.8+): without it these tests skip with a message,
//! except under `CI`, where they fail.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use threadtutor::content::{self, Exercise, Source};
use threadtutor::exercise::{self, Options, Python, Verdict};

/// The ids the issue names as a contract.
const CONTRACT_IDS: [&str; 20] = [
    "counter-race",
    "check-then-pop",
    "lock-as-signal",
    "rlock-recursion",
    "bounded-semaphore",
    "condition-while",
    "event-shutdown",
    "queue-sentinels",
    "queue-join",
    "factory-queues",
    "thread-pool-spider",
    "gui-worker-quit",
    "finally-release",
    "excepthook",
    "deadlock-order",
    "executor-map",
    "barrier-phases",
    "timer-cancel",
    "thread-local",
    "daemon-flush",
];

/// Seeds for "20 times in a row with different seeds": all 20 under `CI`,
/// the first 3 elsewhere (a local run stays under a minute or two).
fn seeds() -> std::ops::Range<u64> {
    if std::env::var_os("CI").is_some() {
        1..21
    } else {
        1..4
    }
}
/// The time limit of a check here: the default's 20 s is a learner's
/// machine running one check; these tests run two per core, beside the
/// rest of the suite, and what they assert is the verdict, not the speed.
const SHARED_CORES_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Seeds each known-wrong fixture is checked with.
const FIXTURE_SEEDS: [u64; 3] = [0, 7, 1234];

/// The check names a failure can carry (see `exercise::Failure::check`).
const CHECK_NAMES: [&str; 12] = [
    "final",
    "exceptions",
    "deadlock",
    "leftover_threads",
    "output_pattern",
    "output_lines",
    "min_threads",
    "busy_wait",
    "time_budget",
    "step_limit",
    "syntax",
    "time_limit",
];

fn exercises() -> Vec<Exercise> {
    match content::load(&Source::Embedded) {
        Ok(c) => c.exercises,
        Err(diags) => panic!(
            "the built-in content has problems:\n{}",
            diags
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn python() -> Option<Python> {
    match exercise::find_python() {
        Ok(p) => Some(p),
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("CI must have python3 3.8+ for the exercise checks: {e}")
        }
        Err(e) => {
            eprintln!("skipping the exercise checks: {e}");
            None
        }
    }
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exercises")
}

/// A known-wrong solution: its file, why it is wrong, and the check that
/// must reject it (when its second line says `# check: NAME`).
struct Fixture {
    path: PathBuf,
    check: Option<String>,
}

fn fixtures_of(id: &str) -> Vec<Fixture> {
    let dir = fixtures_dir().join(id);
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(&dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    for path in paths {
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        let why = first.strip_prefix("# wrong: ").unwrap_or_else(|| {
            panic!(
                "{}: the first line must be `# wrong: <why>` (it is {first:?})",
                path.display()
            )
        });
        assert!(
            why.trim().len() >= 10,
            "{}: say why it is wrong",
            path.display()
        );
        let check = lines
            .next()
            .and_then(|l| l.strip_prefix("# check: "))
            .map(|c| c.trim().to_string());
        if let Some(c) = &check {
            assert!(
                CHECK_NAMES.contains(&c.as_str()),
                "{}: unknown check name {c:?}",
                path.display()
            );
        }
        out.push(Fixture { path, check });
    }
    out
}

/// Runs `jobs` on a few threads (each job starts its own `python3`): two
/// per core. A check keeps its core busy only about three quarters of the
/// time (its Python threads hand a baton to each other through the
/// kernel), so one per core left the cores partly idle.
fn run_all<J: Sync, F: Fn(&J) -> Option<String> + Sync>(jobs: &[J], f: F) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .saturating_mul(2)
        .clamp(1, 8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if let Some(p) = f(job) {
                        problems.lock().unwrap().push(p);
                    }
                }
            });
        }
    });
    let mut v = problems.into_inner().unwrap();
    v.sort();
    v
}

fn describe(v: &Verdict) -> String {
    match &v.failure {
        None => format!("passed ({} schedules)", v.schedules),
        Some(f) => format!("failed `{}`: {}", f.check, f.message),
    }
}

#[test]
fn exercises_cover_the_deck_with_the_contract_ids() {
    let all = exercises();
    assert!(all.len() >= 24, "only {} exercises", all.len());
    let ids: BTreeSet<&str> = all.iter().map(|e| e.id.as_str()).collect();
    for id in CONTRACT_IDS {
        assert!(ids.contains(id), "the contract exercise `{id}` is missing");
    }
    for e in &all {
        assert!(
            e.starter.contains("# TODO"),
            "{}: the starter has no `# TODO`",
            e.id
        );
        assert!(
            !e.solution.contains("# TODO"),
            "{}: the solution still has a `# TODO`",
            e.id
        );
        assert!(e.hints.len() >= 2, "{}: fewer than two hints", e.id);
        assert!(
            e.checks.min_threads.is_some(),
            "{}: no `min_threads`, so removing the threads could pass",
            e.id
        );
        assert!(
            e.checks.time_budget.is_some(),
            "{}: no `time_budget`, so a sleep-based fix could pass",
            e.id
        );
        assert!(
            !e.checks.busy_wait,
            "{}: busy waiting must not be allowed",
            e.id
        );
        let lines = e.solution.trim().lines().count();
        assert!(
            (15..=50).contains(&lines),
            "{}: the solution has {lines} lines (keep exercises small)",
            e.id
        );
    }
}

#[test]
fn every_exercise_has_three_known_wrong_fixtures_and_no_stray_ones() {
    let all = exercises();
    let ids: BTreeSet<&str> = all.iter().map(|e| e.id.as_str()).collect();
    for e in &all {
        let n = fixtures_of(&e.id).len();
        assert!(
            n >= 3,
            "{}: {n} known-wrong fixtures, at least 3 wanted",
            e.id
        );
    }
    for entry in fs::read_dir(fixtures_dir()).expect("tests/fixtures/exercises") {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            ids.contains(name.as_str()),
            "tests/fixtures/exercises/{name}: no exercise has this id"
        );
    }
}

#[test]
fn starters_fail_and_solutions_pass_with_twenty_seeds_on_ci() {
    let Some(py) = python() else { return };
    let all = exercises();
    let mut jobs = Vec::new();
    for e in &all {
        for seed in seeds() {
            jobs.push((e, true, seed));
            jobs.push((e, false, seed));
        }
    }
    let problems = run_all(&jobs, |&(e, starter, seed)| {
        let opts = Options {
            seed,
            time_limit: SHARED_CORES_TIME_LIMIT,
            ..Options::default()
        };
        let (what, source) = if starter {
            ("starter", &e.starter)
        } else {
            ("solution", &e.solution)
        };
        let v = match exercise::check_source(&py, e, &format!("{}.py", e.id), source, &opts) {
            Ok(v) => v,
            Err(err) => return Some(format!("{} {what} seed {seed}: no verdict: {err}", e.id)),
        };
        let wrong = if starter {
            v.passed || v.failure.as_ref().is_some_and(|f| f.check == "syntax")
        } else {
            !v.passed
        };
        wrong.then(|| format!("{} {what} seed {seed}: {}", e.id, describe(&v)))
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn known_wrong_fixtures_are_rejected_by_their_check() {
    let Some(py) = python() else { return };
    let all = exercises();
    let mut jobs = Vec::new();
    for e in &all {
        for fx in fixtures_of(&e.id) {
            for seed in FIXTURE_SEEDS {
                jobs.push((e, fx.path.clone(), fx.check.clone(), seed));
            }
        }
    }
    assert!(!jobs.is_empty());
    let problems = run_all(&jobs, |(e, path, check, seed)| {
        let opts = Options {
            seed: *seed,
            time_limit: SHARED_CORES_TIME_LIMIT,
            ..Options::default()
        };
        let shown = path.strip_prefix(fixtures_dir()).unwrap_or(path).display();
        let v = match exercise::check_file(&py, e, path, &opts) {
            Ok(v) => v,
            Err(err) => return Some(format!("{shown} seed {seed}: no verdict: {err}")),
        };
        match (&v.failure, check) {
            (None, _) => Some(format!(
                "{shown} seed {seed}: not rejected ({})",
                describe(&v)
            )),
            (Some(f), _) if f.check == "syntax" => {
                Some(format!("{shown}: not valid Python: {}", f.message))
            }
            (Some(f), Some(c)) if &f.check != c => Some(format!(
                "{shown} seed {seed}: rejected by `{}`, not by `{c}`: {}",
                f.check, f.message
            )),
            (Some(_), _) => None,
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
