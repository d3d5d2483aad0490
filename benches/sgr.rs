//! The SGR parser of run output (`ui::sgr`) on hostile and ordinary input:
//! its time grows with the input's size and nothing else (1 and 2 MiB of
//! each shape). Figures go in docs/performance.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ratatui::style::Style;
use threadtutor::ui::sgr::{SgrState, line, parse};

fn shapes(size: usize) -> Vec<(&'static str, String)> {
    let fill = |unit: &str| unit.repeat(size / unit.len());
    vec![
        // Escape openers that never finish: every one is looked at and kept.
        ("esc_openers", fill("\x1b[")),
        // Set and reset, over and over.
        ("sgr_flood", fill("\x1b[1;38;2;1;2;3mx\x1b[0m")),
        // Parameter lists one byte too long to be interpreted.
        ("long_params", fill(&format!("\x1b[{}", "1;".repeat(33)))),
        ("plain_text", fill("tick 266 red plain ")),
    ]
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("sgr/parse");
    for size in [1 << 20, 2 << 20] {
        for (name, input) in shapes(size) {
            group.throughput(Throughput::Bytes(input.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, size), &input, |b, s| {
                b.iter(|| parse(s, &mut SgrState::default()).len())
            });
        }
    }
    group.finish();
    // One run-panel line as drawn (a line is at most 4 KiB from the runner).
    let l = "\x1b[31mred\x1b[0m and \x1b]52;c;x\x07 ".repeat(4096 / 32);
    c.bench_function("sgr/line_4k_at_120_cols", |b| {
        b.iter(|| line(&l, Style::default(), 120).spans.len())
    });
}

criterion_group!(sgr, benches);
criterion_main!(sgr);
