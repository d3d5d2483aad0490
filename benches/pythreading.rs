//! pythreading benchmarks (figures in docs/performance.md):
//! - Queue SPSC, MPSC and MPMC throughput against std's `sync_channel` and
//!   crossbeam-channel at capacities 1, 16 and 1024;
//! - Lock acquire/release, uncontended and contended, against std's Mutex.
//!
//! Quick by design: small samples and short measurement windows.
//! Run: `cargo bench --bench pythreading`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};
use threadtutor::pythreading::{Lock, Queue};

const ITEMS: u64 = 20_000;
const CAPACITIES: [usize; 3] = [1, 16, 1024];

/// Moves ITEMS items from `producers` threads to `consumers` threads;
/// returns the wall time from a common start to the last item received.
fn transfer<S, R>(
    producers: u64,
    consumers: u64,
    make: impl Fn() -> (S, R),
    send: fn(&S, u64),
    recv: fn(&R) -> u64,
) -> Duration
where
    S: Clone + Send + 'static,
    R: Clone + Send + 'static,
{
    let (s, r) = make();
    let start = Arc::new(Barrier::new((producers + consumers + 1) as usize));
    let per_p = ITEMS / producers;
    let per_c = ITEMS / consumers;
    let mut hs = Vec::new();
    for _ in 0..producers {
        let (s, b) = (s.clone(), start.clone());
        hs.push(thread::spawn(move || {
            b.wait();
            for i in 0..per_p {
                send(&s, i);
            }
        }));
    }
    let sum = Arc::new(AtomicU64::new(0));
    for _ in 0..consumers {
        let (r, b, sum) = (r.clone(), start.clone(), sum.clone());
        hs.push(thread::spawn(move || {
            b.wait();
            let mut acc = 0;
            for _ in 0..per_c {
                acc += recv(&r);
            }
            sum.fetch_add(acc, Ordering::Relaxed);
        }));
    }
    drop((s, r));
    start.wait();
    let t0 = Instant::now();
    for h in hs {
        h.join().unwrap();
    }
    let took = t0.elapsed();
    black_box(sum.load(Ordering::Relaxed));
    took
}

fn run_queue(c: &mut Criterion, label: &str, producers: u64, consumers: u64) {
    let mut g = c.benchmark_group(format!("queue_{label}"));
    g.throughput(Throughput::Elements(ITEMS));
    for cap in CAPACITIES {
        g.bench_with_input(
            BenchmarkId::new("pythreading::Queue", cap),
            &cap,
            |b, &cap| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            transfer(
                                producers,
                                consumers,
                                || {
                                    let q = Arc::new(Queue::new(cap));
                                    (q.clone(), q)
                                },
                                |q, x| q.put(x),
                                |q| q.get(),
                            )
                        })
                        .sum()
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("std::sync_channel", cap),
            &cap,
            |b, &cap| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            transfer(
                                producers,
                                consumers,
                                || {
                                    // std's Receiver cannot be shared: with more
                                    // than one consumer it sits behind a Mutex.
                                    let (s, r) = mpsc::sync_channel(cap);
                                    (s, Arc::new(Mutex::new(r)))
                                },
                                |s, x| s.send(x).unwrap(),
                                |r| r.lock().unwrap().recv().unwrap(),
                            )
                        })
                        .sum()
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("crossbeam::bounded", cap),
            &cap,
            |b, &cap| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            transfer(
                                producers,
                                consumers,
                                || crossbeam_channel::bounded(cap),
                                |s, x| s.send(x).unwrap(),
                                |r| r.recv().unwrap(),
                            )
                        })
                        .sum()
                })
            },
        );
    }
    g.finish();
}

fn queues(c: &mut Criterion) {
    run_queue(c, "spsc", 1, 1);
    run_queue(c, "mpsc_2p1c", 2, 1);
    run_queue(c, "mpmc_2p2c", 2, 2);
}

const LOCK_OPS: u64 = 20_000;

fn contended(threads: u64, op: impl Fn() + Send + Sync + 'static) -> Duration {
    let op = Arc::new(op);
    let start = Arc::new(Barrier::new(threads as usize + 1));
    let hs: Vec<_> = (0..threads)
        .map(|_| {
            let (op, b) = (op.clone(), start.clone());
            thread::spawn(move || {
                b.wait();
                for _ in 0..LOCK_OPS {
                    op();
                }
            })
        })
        .collect();
    start.wait();
    let t0 = Instant::now();
    for h in hs {
        h.join().unwrap();
    }
    t0.elapsed()
}

fn locks(c: &mut Criterion) {
    let mut g = c.benchmark_group("lock_uncontended");
    g.throughput(Throughput::Elements(1));
    let l = Lock::new();
    g.bench_function("pythreading::Lock acquire+release", |b| {
        b.iter(|| {
            l.acquire();
            black_box(&l);
            l.release().unwrap();
        })
    });
    g.bench_function("pythreading::Lock guard", |b| {
        b.iter(|| {
            let g = l.guard();
            black_box(&g);
        })
    });
    let m = Mutex::new(0u64);
    g.bench_function("std::Mutex lock+unlock", |b| {
        b.iter(|| {
            let g = m.lock().unwrap();
            black_box(&g);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("lock_contended_2threads");
    g.throughput(Throughput::Elements(2 * LOCK_OPS));
    g.bench_function("pythreading::Lock", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let l = Arc::new((Lock::new(), AtomicU64::new(0)));
                    contended(2, move || {
                        l.0.acquire();
                        // A plain load and store, like the Mutex<u64>'s
                        // `+= 1`: the Lock is what protects it.
                        let v = l.1.load(Ordering::Relaxed);
                        l.1.store(v + 1, Ordering::Relaxed);
                        l.0.release().unwrap();
                    })
                })
                .sum()
        })
    });
    g.bench_function("std::Mutex", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let m = Arc::new(Mutex::new(0u64));
                    contended(2, move || {
                        *m.lock().unwrap() += 1;
                    })
                })
                .sum()
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = locks, queues
}
criterion_main!(benches);
