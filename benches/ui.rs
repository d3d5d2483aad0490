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
use threadtutor::ui::app::{App, AppEvent, Effect};
use threadtutor::ui::highlight::{self, Engine};
use threadtutor::ui::layout::lay_out;
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
            app.update(AppEvent::Highlighted(highlight::highlight(&engine, &job)));
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

    // The same, through the terminal the app really draws on (ratatui's
    // crossterm backend and its diff), into a sink instead of a terminal.
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
