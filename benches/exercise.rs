//! A verdict per exercise: the checker run on each exercise's starter (which
//! fails, usually after a few schedules) and solution (which must survive
//! every schedule: the worst case). Target: under 2 s each on the project's
//! 2-core machine. Needs python3; without it the bench says so and measures
//! nothing.
//!
//! `cargo bench --bench exercise` (built-in exercises; with none built in,
//! the checker's own dev exercises in tests/fixtures/exercises-dev).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use threadtutor::content::{Source, load};
use threadtutor::exercise::{self, Options};

fn bench(c: &mut Criterion) {
    let python = match exercise::find_python() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("exercise bench skipped: {e}");
            return;
        }
    };
    let mut content = load(&Source::Embedded).expect("built-in content");
    if content.exercises.is_empty() {
        let dev = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exercises-dev");
        content = load(&Source::Dir(dev)).expect("dev exercises");
    }
    let mut group = c.benchmark_group("exercise verdict");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    for ex in &content.exercises {
        for (kind, source) in [("starter", &ex.starter), ("solution", &ex.solution)] {
            group.bench_function(format!("{}/{kind}", ex.id), |b| {
                b.iter(|| {
                    let v = exercise::check_source(
                        &python,
                        ex,
                        &format!("{}.py", ex.id),
                        source,
                        &Options::default(),
                    )
                    .expect("a verdict");
                    assert_eq!(v.passed, kind == "solution", "{}", exercise::render(&v));
                    v
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
