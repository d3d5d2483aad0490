//! The demo screen with a stand-in demo: drawing a known state, and the
//! controls (start, pause, step, cancel) on real threads.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;
use crossterm::event::KeyCode;
use serde_json::{Map, Value};
use threadtutor::demos::{
    Ctx, Demo, DemoEvent, DemoFailure, DemoInfo, LaneState, ParamKind, ParamSpec,
};
use threadtutor::ui::app::Screen;
use threadtutor::ui::demo::{Back, DemoView};
use threadtutor::ui::theme::ColorDepth;

static INFO: DemoInfo = DemoInfo {
    id: "stand-in",
    title: "A stand-in demo",
    about: "two threads take turns with a lock",
    explain: "Watch the lanes: only one thread holds the lock at a time.\n\nThe other waits.",
    params: &[
        ParamSpec {
            key: "threads",
            help: "worker threads",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 8,
            },
        },
        ParamSpec {
            key: "mode",
            help: "how",
            kind: ParamKind::Choice {
                default: "lock",
                choices: &["lock", "none"],
            },
        },
    ],
};

/// Counts in a loop until cancelled, passing a checkpoint each step.
struct StandIn {
    panic_mid_way: bool,
}

static SAW_CANCEL: AtomicBool = AtomicBool::new(false);

impl Demo for StandIn {
    fn info(&self) -> &'static DemoInfo {
        &INFO
    }
    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        let mut n = 0u64;
        let workers: Vec<_> = (0..ctx.params.usize("threads"))
            .map(|i| {
                let control = std::sync::Arc::clone(&ctx.control);
                // Workers only wait to be cancelled, so the single-step
                // tokens all go to the counting thread.
                std::thread::spawn(move || {
                    while !control.is_cancelled() {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    i
                })
            })
            .collect();
        let result = loop {
            // Each count is one visible (narrated) step.
            if let Err(c) = ctx.step(format!("step {}", n + 1)) {
                SAW_CANCEL.store(true, Ordering::SeqCst);
                break Err(c.into());
            }
            n += 1;
            ctx.count("steps", n as f64);
            ctx.lane(
                "Thread-1",
                if n.is_multiple_of(2) {
                    LaneState::Running
                } else {
                    LaneState::Waiting("L".into())
                },
            );
            if self.panic_mid_way && n == 5 {
                panic!("boom at step {n}");
            }
            if n == 1_000_000 {
                break Ok(Map::new());
            }
            let _ = ctx.sleep(Duration::from_millis(1));
        };
        for w in workers {
            let _ = w.join();
        }
        result
    }
}

static STAND_IN: StandIn = StandIn {
    panic_mid_way: false,
};
static PANICKY: StandIn = StandIn {
    panic_mid_way: true,
};

fn tick_until(view: &mut DemoView, mut done: impl FnMut(&DemoView) -> bool) {
    let t = Instant::now();
    while !done(view) {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "timed out: {} events, running {}, errors {:?}",
            view.model.events,
            view.is_running(),
            view.model.errors
        );
        view.tick();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_known_state_draws_all_the_pictures() {
    let mut app = app(ColorDepth::TrueColor);
    let mut view = DemoView::new(&STAND_IN, Back::Home);
    let m = &mut view.model;
    for (t, thread, state) in [
        (0.0, "Thread-1", LaneState::Running),
        (0.0, "Thread-2", LaneState::Waiting("lock".into())),
        (50.0, "Thread-1", LaneState::Done),
        (50.0, "Thread-2", LaneState::Holding("lock".into())),
        (75.0, "Thread-2", LaneState::Blocked("queue".into())),
        (100.0, "Thread-2", LaneState::Done),
    ] {
        m.apply(DemoEvent::Lane {
            t_ms: t,
            thread: thread.into(),
            state,
        });
    }
    m.apply(DemoEvent::Gauge {
        t_ms: 10.0,
        name: "queue".into(),
        value: 3.0,
        max: 4.0,
    });
    for i in 0..10 {
        m.apply(DemoEvent::Count {
            t_ms: 10.0,
            name: "items".into(),
            value: (i * i) as f64,
        });
    }
    m.apply(DemoEvent::Histogram {
        t_ms: 90.0,
        name: "interleavings".into(),
        bars: vec![
            ("a b c 1 2 3".into(), 120),
            ("1 2 3 a b c".into(), 60),
            ("a 1 b 2 c 3".into(), 20),
        ],
        unit: Some("runs".into()),
    });
    m.apply(DemoEvent::Log {
        t_ms: 1.0,
        text: "started 2 threads".into(),
    });
    m.apply(DemoEvent::Summary {
        summary: serde_json::json!({"demo": "stand-in", "runs": 200}),
    });
    view.finished_ms = Some(100.0);
    app.screen = Screen::Demo(Box::new(view));
    insta::assert_snapshot!(screen(&mut app, 120, 34));
    // Narrow: the explain pane gives way, nothing panics.
    let narrow = screen(&mut app, 60, 20);
    assert!(!narrow.contains("What to look for"));
}

#[test]
fn start_pause_step_and_cancel() {
    let mut view = DemoView::new(&STAND_IN, Back::Home);
    view.on_key(crossterm::event::KeyEvent::from(KeyCode::Char('s')));
    assert!(view.is_running());
    tick_until(&mut view, |v| {
        v.model.counts.get("steps").is_some_and(|c| c.0 >= 3.0)
    });
    // Pause: the count stops moving.
    view.on_key(KeyCode::Char(' ').into());
    assert!(view.is_paused());
    std::thread::sleep(Duration::from_millis(50));
    view.tick();
    let at_pause = view.model.counts["steps"].0;
    std::thread::sleep(Duration::from_millis(80));
    view.tick();
    assert_eq!(view.model.counts["steps"].0, at_pause);
    // Step: exactly one more.
    view.on_key(KeyCode::Char('.').into());
    tick_until(&mut view, |v| v.model.counts["steps"].0 > at_pause);
    std::thread::sleep(Duration::from_millis(50));
    view.tick();
    assert_eq!(view.model.counts["steps"].0, at_pause + 1.0);
    // Parameters change and say they apply on restart.
    view.on_key(KeyCode::Char('+').into());
    assert!(view.params_changed);
    assert_eq!(view.params.int("threads"), 3);
    // Cancel (Esc) stops every thread of the demo promptly.
    let t = Instant::now();
    let leave = view.on_key(KeyCode::Esc.into());
    assert!(matches!(leave, threadtutor::ui::screen::Cmd::Back(_)));
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "cancel took {:?}",
        t.elapsed()
    );
    assert!(!view.is_running());
    assert!(SAW_CANCEL.load(Ordering::SeqCst));
}

#[test]
fn a_panicking_demo_shows_an_error_and_the_app_goes_on() {
    let mut app = app(ColorDepth::TrueColor);
    let mut view = DemoView::new(&PANICKY, Back::Home);
    view.start();
    tick_until(&mut view, |v| !v.is_running());
    assert_eq!(view.model.errors.len(), 1);
    assert!(
        view.model.errors[0].contains("boom at step 5"),
        "{:?}",
        view.model.errors
    );
    app.screen = Screen::Demo(Box::new(view));
    let s = screen(&mut app, 100, 30);
    assert!(
        s.contains("error: the demo panicked: boom at step 5"),
        "{s}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Home(_)));
}

#[test]
fn panels_show_the_newest_view() {
    let mut app = app(ColorDepth::TrueColor);
    let mut view = DemoView::new(&STAND_IN, Back::Home);
    for (t, marked) in [(1.0, 0), (2.0, 2)] {
        let lines: Vec<String> = (0..4)
            .map(|i| {
                if i == marked {
                    format!("   T1▶ {} LOAD_NAME", i * 2)
                } else {
                    format!("       {} NOP", i * 2)
                }
            })
            .collect();
        view.model.apply(DemoEvent::Panel {
            t_ms: t,
            title: "dis this".into(),
            lines,
        });
    }
    app.screen = Screen::Demo(Box::new(view));
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("dis this"), "{s}");
    assert!(
        s.contains("T1▶ 4 LOAD_NAME") && !s.contains("T1▶ 0 LOAD_NAME"),
        "{s}"
    );
}

#[test]
fn reduce_motion_stops_the_running_clock() {
    let mut app = app(ColorDepth::TrueColor);
    app.reduce_motion = true;
    let mut view = DemoView::new(&STAND_IN, Back::Home);
    view.start();
    app.screen = Screen::Demo(Box::new(view));
    let a = screen(&mut app, 100, 30);
    std::thread::sleep(Duration::from_millis(150));
    let b = screen(&mut app, 100, 30);
    let header = |s: &str| s.lines().next().unwrap_or_default().to_string();
    assert!(header(&a).ends_with("● running"), "{}", header(&a));
    assert_eq!(header(&a), header(&b));
}

/// A demo with keys of its own: it logs each action it takes, until it
/// has taken `c`.
struct WithActions;

static ACTIONS_INFO: DemoInfo = DemoInfo {
    id: "with-actions",
    title: "A demo with keys",
    about: "the learner sets and clears a flag",
    explain: "Press `e` to set and `c` to clear.",
    params: &[],
};

impl Demo for WithActions {
    fn info(&self) -> &'static DemoInfo {
        &ACTIONS_INFO
    }
    fn actions(&self) -> &'static [(char, &'static str)] {
        &[('e', "set the event"), ('c', "clear the event")]
    }
    fn run(&self, ctx: &Ctx) -> Result<Map<String, Value>, DemoFailure> {
        loop {
            ctx.sleep(Duration::from_millis(2))?;
            if let Some(i) = ctx.control.take_action() {
                ctx.step(format!("action {}", self.actions()[i].1))?;
                if i == 1 {
                    return Ok(Map::new());
                }
            }
        }
    }
}

static WITH_ACTIONS: WithActions = WithActions;

#[test]
fn the_demos_own_keys_are_in_the_footer_and_reach_the_demo() {
    let mut app = app(ColorDepth::TrueColor);
    let mut view = DemoView::new(&WITH_ACTIONS, Back::Home);
    view.speed = f64::INFINITY;
    view.start();
    app.screen = Screen::Demo(Box::new(view));
    let s = screen(&mut app, 80, 24);
    let footer = s.lines().last().unwrap_or("");
    assert!(footer.contains("e set the event"), "{footer}");
    assert!(!footer.contains("e explain"), "{footer}");
    assert!(footer.contains("Esc"), "{footer}");
    // `e` is the demo's here, not the explain pane's.
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Char('c'));
    let Screen::Demo(v) = &mut app.screen else {
        panic!("left the demo")
    };
    assert!(
        v.show_explain,
        "e went to the demo, not to the explain pane"
    );
    tick_until(v, |v| v.model.summary.is_some());
    let said: Vec<&String> = v
        .model
        .log
        .iter()
        .filter(|l| l.contains("action"))
        .collect();
    assert_eq!(said.len(), 2, "{:?}", v.model.log);
    assert!(said[0].ends_with("action set the event"), "{said:?}");
    assert!(said[1].ends_with("action clear the event"), "{said:?}");
    // The result is words, never JSON.
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("{\""), "{s}");
}

#[test]
fn a_typed_parameter_value_is_checked() {
    let mut app = app(ColorDepth::TrueColor);
    app.screen = Screen::Demo(Box::new(DemoView::new(&STAND_IN, Back::Home)));
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("threads: worker threads (1 to 8)"), "{s}");
    press(&mut app, KeyCode::Enter);
    type_str(&mut app, "12");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("threads=12 is out of range (1 to 8)"), "{s}");
    for _ in 0..2 {
        press(&mut app, KeyCode::Backspace);
    }
    type_str(&mut app, "7");
    press(&mut app, KeyCode::Enter);
    let Screen::Demo(v) = &app.screen else {
        panic!("left the demo")
    };
    assert_eq!(v.params.int("threads"), 7);
    assert!(v.editing.is_none());
}
