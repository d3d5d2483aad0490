//! The solver on every shipped level and its fixed version: a shortest win
//! for the original, a proof for the fix. Target: under a second each on
//! the project's 2-core machine (figures in docs/challenges.md).
//!
//! `cargo bench --bench challenge` (the levels built into the binary), or
//! with `THREADTUTOR_CHALLENGES=DIR` to time the level files in DIR.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use threadtutor::challenge::{Limits, Variant};
use threadtutor::content::challenge::{Challenge, load_challenge_file};
use threadtutor::content::{Source, load};

fn levels() -> Vec<Challenge> {
    match std::env::var_os("THREADTUTOR_CHALLENGES") {
        Some(dir) => {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .expect("THREADTUTOR_CHALLENGES is a folder")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            paths
                .iter()
                .map(|p| load_challenge_file(p).unwrap_or_else(|d| panic!("{d:?}")))
                .collect()
        }
        None => load(&Source::Embedded).expect("content loads").challenges,
    }
}

fn bench(c: &mut Criterion) {
    let levels = levels();
    // One timed pass first: the figure per level, and the slowest.
    let mut worst = (Duration::ZERO, String::new());
    for level in &levels {
        for variant in [Variant::Original, Variant::Fixed] {
            if level.program(variant).is_none() {
                continue;
            }
            let t = Instant::now();
            let s = level.solve(variant, Limits::default()).expect("solves");
            let dt = t.elapsed();
            eprintln!(
                "{:<28} {:<8} {:>8} states  {:>9.2?}  {}",
                level.id,
                if variant == Variant::Fixed {
                    "fixed"
                } else {
                    "original"
                },
                s.states,
                dt,
                s.schedule.as_deref().unwrap_or("not winnable")
            );
            if dt > worst.0 {
                worst = (dt, format!("{} {variant:?}", level.id));
            }
        }
    }
    eprintln!("slowest: {} in {:.2?}", worst.1, worst.0);
    let mut g = c.benchmark_group("challenge-solve");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(200));
    g.measurement_time(Duration::from_secs(1));
    g.bench_function("every level and fixed version", |b| {
        b.iter(|| {
            for level in &levels {
                black_box(level.solve(Variant::Original, Limits::default()).ok());
                black_box(level.solve(Variant::Fixed, Limits::default()).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
