//! How fast the demo screen takes in events: a batch of lane, gauge and
//! count events applied to the model and one frame drawn, as a tick does.
//! Events per second absorbed = batch size / time per iteration.

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use threadtutor::content::{Source, load};
use threadtutor::demos::model::DemoModel;
use threadtutor::demos::{DemoEvent, LaneState, registry};
use threadtutor::progress::Progress;
use threadtutor::ui::app::{App, Screen};
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};
use threadtutor::ui::view;

fn events(n: usize, offset: f64) -> Vec<DemoEvent> {
    (0..n)
        .map(|i| {
            let t = offset + i as f64 * 0.01;
            match i % 4 {
                0 => DemoEvent::Lane {
                    t_ms: t,
                    thread: format!("Thread-{}", i % 8),
                    state: LaneState::Running,
                },
                1 => DemoEvent::Lane {
                    t_ms: t,
                    thread: format!("Thread-{}", i % 8),
                    state: LaneState::Waiting("L".into()),
                },
                2 => DemoEvent::Gauge {
                    t_ms: t,
                    name: "queue".into(),
                    value: (i % 10) as f64,
                    max: 10.0,
                },
                _ => DemoEvent::Count {
                    t_ms: t,
                    name: "items".into(),
                    value: i as f64,
                },
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("demo_ui");
    for batch in [1_000usize, 10_000] {
        g.throughput(Throughput::Elements(batch as u64));
        g.bench_with_input(BenchmarkId::new("apply", batch), &batch, |b, &n| {
            let evs = events(n, 0.0);
            b.iter(|| {
                let mut m = DemoModel::default();
                for e in evs.iter().cloned() {
                    m.apply(e);
                }
                m.events
            })
        });
        g.bench_with_input(
            BenchmarkId::new("apply_and_draw_120x40", batch),
            &batch,
            |b, &n| {
                let content = Arc::new(load(&Source::Embedded).unwrap());
                let mut app = App::new(
                    content,
                    Theme::new(ThemeName::Dark, ColorDepth::TrueColor),
                    Progress::default(),
                );
                let demo = registry::all()[0];
                app.screen = Screen::Demo(Box::new(DemoView::new(demo, Back::Home)));
                let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
                let mut offset = 0.0;
                b.iter(|| {
                    if let Screen::Demo(v) = &mut app.screen {
                        for e in events(n, offset) {
                            v.model.apply(e);
                        }
                    }
                    offset += n as f64 * 0.01;
                    term.draw(|f| view::draw(f, &mut app)).unwrap();
                })
            },
        );
    }
    g.finish();
}

criterion_group!(demo_ui, bench);
criterion_main!(demo_ui);
