//! Benchmarks of the tutorial's own work per frame and at start-up:
//! loading the content, laying out slides, drawing a frame after a key, and
//! loading the syntax highlighter. Figures go in docs/performance.md.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use threadtutor::content::{Source, load};
use threadtutor::progress::Progress;
use threadtutor::ui::ahead::Ahead;
use threadtutor::ui::app::{App, AppEvent, Effect};
use threadtutor::ui::highlight::Engine;
use threadtutor::ui::layout::lay_out;
use threadtutor::ui::paint::Screen;
use threadtutor::ui::terminal::Tui;
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};
use threadtutor::ui::view;

fn key(app: &mut App, code: KeyCode) {
    app.update(AppEvent::Input(Event::Key(KeyEvent::new_with_kind(
        code,
        KeyModifiers::NONE,
        KeyEventKind::Press,
    ))));
}

/// → then ← then → …: the next slide and back.
fn page(app: &mut App, forward: &mut bool) {
    key(
        app,
        if *forward {
            KeyCode::Right
        } else {
            KeyCode::Left
        },
    );
    *forward = !*forward;
    app.take_effects();
}

/// j then k then j …: the next entry on the home screen and back.
fn step_home(app: &mut App, down: &mut bool) {
    key(app, KeyCode::Char(if *down { 'j' } else { 'k' }));
    *down = !*down;
}

fn benches(c: &mut Criterion) {
    c.bench_function("content/load_embedded", |b| {
        b.iter(|| load(&Source::Embedded).unwrap())
    });

    let content = Arc::new(load(&Source::Embedded).unwrap());
    let theme = Theme::new(ThemeName::Dark, ColorDepth::TrueColor);
    c.bench_function("layout/every_slide_at_120_cols", |b| {
        b.iter(|| {
            let mut lines = 0;
            for lesson in &content.lessons {
                for slide in &lesson.slides {
                    lines += lay_out(slide, slide.steps(), 120, &theme, &|_| None)
                        .lines
                        .len();
                }
            }
            lines
        })
    });

    let engine = Engine::load();
    let mut app = App::new(Arc::clone(&content), theme.clone(), Progress::default());
    key(&mut app, KeyCode::Enter);
    for effect in app.take_effects() {
        if let Effect::Highlight(job) = effect {
            app.update(AppEvent::Highlighted(engine.highlight(&job)));
        }
    }
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("frame/key_then_draw_120x40", |b| {
        let mut forward = true;
        b.iter(|| {
            page(&mut app, &mut forward);
            term.draw(|f| view::draw(f, &mut app)).unwrap();
        })
    });

    // The same, through the terminal the app really draws on: its own
    // diff and escape codes, into a sink instead of a terminal.
    let mut tui = Tui::offscreen(std::io::sink(), 120, 40).unwrap();
    c.bench_function("frame/key_then_paint_120x40", |b| {
        let mut forward = true;
        b.iter(|| {
            page(&mut app, &mut forward);
            tui.draw(|f| {
                view::draw(f, &mut app);
                app.cursor
            })
            .unwrap();
        })
    });

    // A key whose frame was drawn ahead: the key, and the frame sent.
    // (Drawing the next ones ahead, after the frame, is not timed.)
    let mut tui = Tui::offscreen(std::io::sink(), 120, 40).unwrap();
    let mut ahead = Ahead::default();
    c.bench_function("frame/key_then_frame_drawn_ahead_120x40", |b| {
        let mut forward = true;
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                ahead.prepare(&mut tui, &mut app).unwrap();
                let t = std::time::Instant::now();
                page(&mut app, &mut forward);
                ahead.draw(&mut tui, &mut app).unwrap();
                total += t.elapsed();
            }
            total
        })
    });
    assert!(ahead.used > 0, "no frame drawn ahead was used");

    // Painting alone: two finished frames (a slide and the next) in turn.
    let mut frames = Vec::new();
    let mut forward = true;
    for _ in 0..2 {
        page(&mut app, &mut forward);
        term.draw(|f| view::draw(f, &mut app)).unwrap();
        frames.push(term.backend().buffer().clone());
    }
    let mut screen = Screen::new();
    let mut which = 0;
    let mut scratch = frames[0].clone();
    c.bench_function("paint/alternate_two_slides_120x40", |b| {
        b.iter(|| {
            which = 1 - which;
            scratch.clone_from(&frames[which]);
            screen.paint(&mut scratch);
            let n = screen.pending().len();
            screen.write_to(&mut std::io::sink()).unwrap();
            n
        })
    });
    c.bench_function("paint/same_frame_again_120x40", |b| {
        b.iter(|| {
            scratch.clone_from(&frames[0]);
            screen.paint(&mut scratch);
            screen.write_to(&mut std::io::sink()).unwrap();
        })
    });
    c.bench_function("paint/copy_a_frame_120x40", |b| {
        b.iter(|| {
            which = 1 - which;
            scratch.clone_from(&frames[which]);
        })
    });

    let mut home = App::new(Arc::clone(&content), theme.clone(), Progress::default());
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("frame/home_key_then_draw_120x40", |b| {
        let mut down = true;
        b.iter(|| {
            step_home(&mut home, &mut down);
            term.draw(|f| view::draw(f, &mut home)).unwrap();
        })
    });
    let mut tui = Tui::offscreen(std::io::sink(), 120, 40).unwrap();
    c.bench_function("frame/home_key_then_paint_120x40", |b| {
        let mut down = true;
        b.iter(|| {
            step_home(&mut home, &mut down);
            tui.draw(|f| {
                view::draw(f, &mut home);
                home.cursor
            })
            .unwrap();
        })
    });

    let mut group = c.benchmark_group("highlight");
    group.sample_size(10);
    group.bench_function("engine_load", |b| b.iter(Engine::load));
    group.finish();
}

criterion_group!(ui, benches);
criterion_main!(ui);
