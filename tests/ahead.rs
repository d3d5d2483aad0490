//! Frames drawn ahead (ui::ahead) must put exactly the same screen on the
//! terminal as frames drawn when the key comes. Two terminal emulators are
//! fed side by side: one by a terminal that draws ahead and uses those
//! frames, one by a terminal that always draws afresh.

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use threadtutor::content::{Source, load};
use threadtutor::progress::{Progress, SaveReport};
use threadtutor::ui::ahead::Ahead;
use threadtutor::ui::app::{App, AppEvent, Effect, Screen};
use threadtutor::ui::highlight::Engine;
use threadtutor::ui::terminal::Tui;
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};
use threadtutor::ui::view;

struct Side {
    app: App,
    tui: Tui<Vec<u8>>,
    vt: vt100::Parser,
}

impl Side {
    fn new(w: u16, h: u16) -> Side {
        let content = Arc::new(load(&Source::Embedded).unwrap());
        let theme = Theme::new(ThemeName::Dark, ColorDepth::TrueColor);
        Side {
            app: App::new(content, theme, Progress::default()),
            tui: Tui::offscreen(Vec::new(), w, h).unwrap(),
            vt: vt100::Parser::new(h, w, 0),
        }
    }

    /// Draw the app's frame afresh, the way the app did before drawing
    /// ahead.
    fn draw_afresh(&mut self) {
        self.tui
            .draw(|f| {
                view::draw(f, &mut self.app);
                self.app.cursor
            })
            .unwrap();
    }

    fn feed(&mut self) {
        let out = std::mem::take(self.tui.output_mut());
        self.vt.process(&out);
    }

    /// Highlight jobs the app asked for, answered now or dropped.
    fn jobs(&mut self) -> Vec<AppEvent> {
        let engine = Engine::load();
        self.app
            .take_effects()
            .into_iter()
            .filter_map(|e| match e {
                Effect::Highlight(job) => Some(AppEvent::Highlighted(engine.highlight(&job))),
                _ => None,
            })
            .collect()
    }
}

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Input(Event::Key(KeyEvent::new_with_kind(
        code,
        KeyModifiers::NONE,
        KeyEventKind::Press,
    )))
}

/// Drive both sides through `keys`; after each, the two screens match.
/// Highlighted code arrives late, every `hl_every` keys (the frames drawn
/// ahead before it must not be used after it).
fn walk(keys: &[KeyCode], w: u16, h: u16, hl_every: usize) -> Ahead {
    walk_with(keys, w, h, hl_every, |_| None)
}

/// As [`walk`], and before key `n` both apps also take `extra(n)`, in the
/// same batch as the key (as when a worker's report and a key arrive
/// together).
fn walk_with(
    keys: &[KeyCode],
    w: u16,
    h: u16,
    hl_every: usize,
    extra: impl Fn(usize) -> Option<AppEvent>,
) -> Ahead {
    let mut fast = Side::new(w, h);
    let mut plain = Side::new(w, h);
    let mut ahead = Ahead::default();
    ahead.draw(&mut fast.tui, &mut fast.app).unwrap();
    plain.draw_afresh();
    let mut pending = Vec::new();
    for (n, &code) in keys.iter().enumerate() {
        if let (Some(a), Some(b)) = (extra(n), extra(n)) {
            fast.app.update(a);
            plain.app.update(b);
        }
        fast.app.update(key(code));
        plain.app.update(key(code));
        pending.extend(fast.jobs());
        plain.jobs();
        if n % hl_every == hl_every - 1 {
            for ev in pending.drain(..) {
                let again = match &ev {
                    AppEvent::Highlighted(h) => AppEvent::Highlighted(h.clone()),
                    _ => unreachable!(),
                };
                fast.app.update(ev);
                plain.app.update(again);
            }
        }
        ahead.draw(&mut fast.tui, &mut fast.app).unwrap();
        ahead.prepare(&mut fast.tui, &mut fast.app).unwrap();
        plain.draw_afresh();
        fast.feed();
        plain.feed();
        assert_eq!(
            fast.vt.screen().contents_formatted(),
            plain.vt.screen().contents_formatted(),
            "screens differ after key {n} ({code:?})"
        );
        assert_eq!(
            fast.vt.screen().contents(),
            plain.vt.screen().contents(),
            "text differs after key {n} ({code:?})"
        );
        // The lesson state (position, body size for scrolling) agrees too.
        match (&fast.app.screen, &plain.app.screen) {
            (Screen::Lesson(a), Screen::Lesson(b)) => assert_eq!(a, b, "after key {n}"),
            (Screen::Home(_), Screen::Home(_)) => {}
            _ => panic!("the two apps are on different screens after key {n}"),
        }
    }
    ahead
}

#[test]
fn paging_with_frames_drawn_ahead_shows_what_drawing_afresh_shows() {
    use KeyCode::*;
    let mut keys = vec![Enter];
    // Through several lessons and back, with reveals, scrolling and jumps.
    keys.extend([Right; 40]);
    keys.extend([Down, Down, Right, Left, Up]);
    keys.extend([Left; 25]);
    keys.extend([
        End,
        Left,
        Home,
        Right,
        Char('j'),
        Right,
        Esc,
        Down,
        Enter,
        Right,
    ]);
    keys.extend([Char('?'), Right, Esc, Right, Right, Char('x'), Right]);
    let ahead = walk(&keys, 100, 32, 6);
    assert!(
        ahead.used >= 40,
        "frames drawn ahead were used only {} times",
        ahead.used
    );
}

#[test]
fn home_screen_and_scrolling_too() {
    use KeyCode::*;
    let mut keys = vec![
        Down,
        Down,
        Down,
        Up,
        Char('j'),
        Char('k'),
        End,
        Up,
        Up,
        Home,
    ];
    keys.extend([Down; 5]);
    // Open a lesson (progress changes: home must show it), page, go home.
    keys.extend([Enter, Right, Right, Esc, Down, Up, Up]);
    // A long slide in a short terminal: scroll down and up.
    keys.extend([Down, Enter, Right, Right, Right]);
    keys.extend([Down; 12]);
    keys.extend([Up; 12]);
    // Another instance's progress is merged in just before the fourth key,
    // on the home screen: the frames drawn ahead there are out of date.
    let content = load(&Source::Embedded).unwrap();
    let merged = |n: usize| {
        (n == 3).then(|| {
            let mut p = Progress::default();
            for l in &content.lessons[..3] {
                for s in &l.slides {
                    p.visit(&l.id, &s.id, s.steps(), 1);
                }
            }
            AppEvent::Saved(SaveReport::Saved(p))
        })
    };
    let ahead = walk_with(&keys, 70, 14, 4, merged);
    // Jumps (End, Home, Enter, Esc) are drawn afresh; single steps are not.
    assert!(ahead.used >= 18, "used only {}", ahead.used);
}

#[test]
fn small_and_narrow_terminals_too() {
    use KeyCode::*;
    let mut keys = vec![Enter];
    keys.extend([Right; 20]);
    keys.extend([Left; 10]);
    for (w, h) in [(40, 12), (52, 20), (200, 60)] {
        let ahead = walk(&keys, w, h, 3);
        assert!(ahead.used > 10, "{w}x{h}: used {}", ahead.used);
    }
}

#[test]
fn a_frame_prepared_against_an_older_screen_is_refused() {
    let mut side = Side::new(80, 24);
    let mut ahead = Ahead::default();
    side.app.update(key(KeyCode::Enter));
    side.jobs();
    ahead.draw(&mut side.tui, &mut side.app).unwrap();
    ahead.prepare(&mut side.tui, &mut side.app).unwrap();
    let before = ahead.prepared;
    assert!(before >= 1);
    // Another frame goes out first (here: the same state drawn afresh).
    side.draw_afresh();
    side.app.update(key(KeyCode::Right));
    ahead.draw(&mut side.tui, &mut side.app).unwrap();
    assert_eq!(ahead.used, 0, "a stale frame was sent");
}
