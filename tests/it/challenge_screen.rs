//! The challenge screen as a learner sees it: snapshots at 120×40 and
//! 80×24, before the first move, mid-statement, and after a win.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use threadtutor::content::{Source, load};
use threadtutor::ui::challenge::{self, ChallengeView};
use threadtutor::ui::demo::Back;
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName};

fn view(id: &str) -> ChallengeView {
    let content = load(&Source::Embedded).expect("content loads");
    let level = content
        .challenges
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .expect("level");
    ChallengeView::new(Arc::new(level), Back::Home).unwrap()
}

fn keys(v: &mut ChallengeView, s: &str) {
    for c in s.chars() {
        v.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn screen(v: &ChallengeView, w: u16, h: u16) -> String {
    let theme = Theme::new(ThemeName::Dark, ColorDepth::TrueColor);
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| challenge::draw(f, f.area(), &theme, v))
        .unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn simple_counter_at_both_sizes() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut v = view("simple-counter");
        insta::assert_snapshot!(format!("start_{w}x{h}"), screen(&v, w, h));
        keys(&mut v, "e1");
        insta::assert_snapshot!(format!("mid_statement_{w}x{h}"), screen(&v, w, h));
        keys(&mut v, "21");
        insta::assert_snapshot!(format!("won_{w}x{h}"), screen(&v, w, h));
    }
}
