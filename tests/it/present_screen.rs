//! Present mode in a test terminal: no chrome, big titles when wide,
//! blanking, jumping, written questions, and what it tells the followers.

use crate::common;

use common::{app, draw, press, screen};
use crossterm::event::KeyCode;
use ratatui::style::Modifier;
use threadtutor::classroom::{Message, Notes, Problems, Projector, Showing};
use threadtutor::ui::app::{App, AppEvent, Effect, Screen};
use threadtutor::ui::theme::ColorDepth;

fn presenting() -> App {
    let mut a = app(ColorDepth::TrueColor);
    a.start_presenting(0);
    a
}

/// The clock back to 00:00, for snapshots.
fn restart_clock(a: &mut App) {
    if let Screen::Present(p) = &mut a.screen {
        p.talk.started = std::time::Instant::now();
    }
}

/// The other messages for the followers (what the projector shows, the
/// content problems).
fn announced(a: &mut App) -> Vec<Message> {
    a.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Announce(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn projector(showing: Showing) -> Message {
    Message::Projector(Projector {
        showing,
        demo: None,
    })
}

fn with_questions(a: &mut App, qs: &[&str]) {
    let mut content = (*a.content).clone();
    content.lessons[0].slides[0].questions = qs.iter().map(|q| q.to_string()).collect();
    a.content = std::sync::Arc::new(content);
}

/// Is any cell of the rows `from..to` bold with this symbol?
fn bold_text(a: &mut App, w: u16, h: u16, word: &str) -> bool {
    let term = draw(a, w, h);
    let buf = term.backend().buffer();
    (0..h).any(|y| {
        let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        row.find(word).is_some_and(|at| {
            let x = row[..at].chars().count() as u16;
            buf[(x, y)].modifier.contains(Modifier::BOLD)
        })
    })
}

fn published(a: &mut App) -> Vec<Notes> {
    a.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Publish(n) => Some(n),
            _ => None,
        })
        .collect()
}

#[test]
fn slides_fill_the_screen_with_a_thin_footer() {
    let mut a = presenting();
    let wide = screen(&mut a, 120, 30);
    let rows: Vec<&str> = wide.lines().collect();
    assert!(rows[29].starts_with(" Thread basics · slide 1/3"), "{wide}");
    assert!(rows[29].trim_end().ends_with("00:00"), "{wide}");
    // Block letters, not the title as a line of text.
    assert!(!wide.contains("Generic Threads"), "{wide}");
    assert!(
        rows[..4]
            .iter()
            .any(|r| r.contains('█') || r.contains('▀') || r.contains('▄'))
    );
    assert!(wide.contains("Similar to processes"));
    // No menu chrome.
    for chrome in ["Esc", "? help", "lesson 1/2", "Part 1"] {
        assert!(
            !wide.contains(chrome),
            "{chrome:?} on a projector slide:\n{wide}"
        );
    }
    // Narrow: the title as text.
    let narrow = screen(&mut a, 50, 20);
    assert!(narrow.contains(" Generic Threads"), "{narrow}");
}

#[test]
fn blank_jump_questions_and_esc_stay_in_the_talk() {
    let mut a = presenting();
    press(&mut a, KeyCode::Char('b'));
    assert!(screen(&mut a, 100, 30).trim().is_empty());
    press(&mut a, KeyCode::Char(' '));
    let s = screen(&mut a, 100, 30);
    assert!(
        s.contains("slide 1/3"),
        "any key unblanks without moving: {s}"
    );

    press(&mut a, KeyCode::Char('g'));
    press(&mut a, KeyCode::Char('3'));
    assert!(screen(&mut a, 100, 30).contains("go to slide: 3_"));
    press(&mut a, KeyCode::Enter);
    assert!(screen(&mut a, 100, 30).contains("slide 3/3"));
    press(&mut a, KeyCode::Char('g'));
    press(&mut a, KeyCode::Char('9'));
    press(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("There are slides 1 to 3."), "{s}");
    assert!(s.contains("Check yourself") || s.contains("quiz"), "{s}");

    press(&mut a, KeyCode::Char('w'));
    assert!(screen(&mut a, 100, 30).contains("No written questions for this slide."));
    press(&mut a, KeyCode::Esc);
    assert!(!screen(&mut a, 100, 30).contains("Questions (w closes)"));
    press(&mut a, KeyCode::Esc);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("q ends the presentation"), "{s}");
    assert!(!a.quit);
}

#[test]
fn written_questions_show_on_request() {
    let mut a = presenting();
    with_questions(&mut a, &["Who has used a mutex before?"]);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("w questions"), "{s}");
    assert!(!s.contains("Who has used a mutex"));
    press(&mut a, KeyCode::Char('w'));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Questions (w closes)"), "{s}");
    // Large: in block letters over the body, not as a line of text.
    assert!(!s.contains("Who has used"), "{s}");
    let blocks = s
        .lines()
        .filter(|r| r.chars().filter(|c| "█▀▄▌▐▖▗▘▝▙▛▜▟▚▞".contains(*c)).count() > 10)
        .count();
    assert!(blocks >= 8, "two lines of block letters:\n{s}");
    // Moving on closes them.
    press(&mut a, KeyCode::Right);
    assert!(!screen(&mut a, 100, 30).contains("Questions (w closes)"));
}

#[test]
fn written_questions_are_large_at_both_sizes() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut a = presenting();
        with_questions(&mut a, &["Who has used a mutex before?"]);
        press(&mut a, KeyCode::Char('w'));
        restart_clock(&mut a);
        insta::assert_snapshot!(format!("question_big_{w}x{h}"), screen(&mut a, w, h));
    }
    // Longer questions still in block letters where the screen has room.
    let two = [
        "Two threads each add one to a shared counter a million times: what can the total be, and why?",
        "What would you change so that the answer is always two million?",
    ];
    let mut a = presenting();
    with_questions(&mut a, &two);
    press(&mut a, KeyCode::Char('w'));
    let s = screen(&mut a, 120, 40);
    assert!(!s.contains("Two threads"), "block letters at 120x40:\n{s}");
    // Too long for block letters: bold, centred, wrapped to the width.
    let long = [
        two[0],
        two[1],
        "Which of the two programs would still be right without the GIL, on a free-threaded build?",
    ];
    for (w, h) in [(120, 40), (80, 24)] {
        let mut a = presenting();
        with_questions(&mut a, &long);
        press(&mut a, KeyCode::Char('w'));
        restart_clock(&mut a);
        let s = screen(&mut a, w, h);
        assert!(s.contains("1. Two threads each add one"), "{s}");
        assert!(s.contains("2. What would you change"), "{s}");
        assert!(s.contains("3. Which of the two"), "{s}");
        assert!(bold_text(&mut a, w, h, "Two threads"), "bold:\n{s}");
        // Centred: the short last line of a question has space on both sides.
        let row = s.lines().find(|r| r.contains("free-threaded")).unwrap();
        let inside = row.trim_start_matches(" │");
        let lead = inside.len() - inside.trim_start().len();
        assert!(lead > 3, "centred: {row:?}");
        insta::assert_snapshot!(format!("question_long_{w}x{h}"), s);
    }
    // Letters the block font may lack: bold text, not gaps in words.
    let mut a = presenting();
    with_questions(&mut a, &["Qu’est-ce qu’un verrou ?"]);
    press(&mut a, KeyCode::Char('w'));
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("Qu’est-ce qu’un verrou ?"), "{s}");
    assert!(bold_text(&mut a, 120, 40, "Qu’est-ce"), "{s}");
}

#[test]
fn the_notes_hear_what_the_projector_shows() {
    let mut a = presenting();
    a.update(AppEvent::Tick);
    assert_eq!(announced(&mut a), vec![projector(Showing::Slide)]);
    a.update(AppEvent::Tick);
    assert!(announced(&mut a).is_empty(), "only changes are told");
    press(&mut a, KeyCode::Char('b'));
    assert_eq!(announced(&mut a), vec![projector(Showing::Blank)]);
    press(&mut a, KeyCode::Char(' '));
    assert_eq!(announced(&mut a), vec![projector(Showing::Slide)]);
    press(&mut a, KeyCode::Char('w'));
    assert_eq!(announced(&mut a), vec![projector(Showing::Questions)]);
    press(&mut a, KeyCode::Char('w'));
    assert_eq!(announced(&mut a), vec![projector(Showing::Slide)]);
    // A demo opened from the slide, by its title.
    a.open_lesson_at(1, 1, 1);
    a.update(AppEvent::Tick);
    announced(&mut a);
    press(&mut a, KeyCode::Enter);
    if let Some(demo) = threadtutor::demos::registry::find("lock") {
        assert_eq!(
            announced(&mut a),
            vec![Message::Projector(Projector {
                showing: Showing::Demo,
                demo: Some(demo.info().title.to_string()),
            })]
        );
        press(&mut a, KeyCode::Esc);
        assert_eq!(announced(&mut a), vec![projector(Showing::Slide)]);
    }
}

#[test]
fn content_problems_go_to_the_notes_and_the_projector_shows_a_mark() {
    let problems = vec![
        "lessons/10-basics.toml:3:9: expected a string".to_string(),
        "lessons/20-locks.toml:7:1: unknown key `titel`".to_string(),
    ];
    for (w, h) in [(120, 40), (80, 24)] {
        let mut a = presenting();
        a.update(AppEvent::Tick);
        announced(&mut a);
        a.update(AppEvent::Reloaded(Err(problems.clone())));
        assert_eq!(
            announced(&mut a),
            vec![Message::Problems(Problems {
                problems: problems.clone(),
                more: 0
            })]
        );
        restart_clock(&mut a);
        let s = screen(&mut a, w, h);
        assert!(
            !s.contains("expected a string"),
            "not on the projector: {s}"
        );
        assert!(!s.contains("Content problems"), "{s}");
        let foot = s.lines().nth(usize::from(h) - 1).unwrap();
        assert!(foot.contains("⚠ 2 content problems — see notes"), "{s}");
        assert!(foot.contains("slide 1/3"), "{s}");
        assert!(foot.trim_end().ends_with("00:00"), "{s}");
        insta::assert_snapshot!(format!("problems_mark_{w}x{h}"), s);
        // The same problems again are not told again; a fix is.
        a.update(AppEvent::Reloaded(Err(problems.clone())));
        assert!(announced(&mut a).is_empty());
        let content = (*a.content).clone();
        a.update(AppEvent::Reloaded(Ok(Box::new(content))));
        assert_eq!(
            announced(&mut a),
            vec![Message::Problems(Problems::default())]
        );
        assert!(!screen(&mut a, w, h).contains("content problem"));
    }
}

/// The speaker's screen with what the projector shows and the problems.
fn notes_screen(view: &threadtutor::ui::notes::NotesView, w: u16, h: u16) -> String {
    use threadtutor::ui::theme::{Theme, ThemeName};
    let theme = Theme::new(ThemeName::Dark, ColorDepth::Ansi16);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| threadtutor::ui::notes::draw(f, view, &theme))
        .unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_notes_screen_says_blanked_demo_and_problems() {
    use threadtutor::classroom::FollowerEvent;
    use threadtutor::ui::notes::NotesView;
    let notes = Notes {
        lesson: "gil".into(),
        lesson_title: "The GIL".into(),
        slide: 2,
        slides: 7,
        title: "GIL in Action".into(),
        step: 1,
        steps: 2,
        notes: Some("Ask which is faster before running it.".into()),
        next_title: Some("Dealing with GIL".into()),
        elapsed_s: 0,
    };
    for (w, h) in [(120, 40), (80, 24)] {
        let mut v = NotesView::new("/run/user/1000/threadtutor-notes.sock".into());
        v.hear(FollowerEvent::Connected);
        v.hear(FollowerEvent::Notes(notes.clone()));
        v.hear(FollowerEvent::Projector(Projector {
            showing: Showing::Slide,
            demo: None,
        }));
        let s = notes_screen(&v, w, h);
        assert!(!s.contains("PROJECTOR"), "{s}");
        v.hear(FollowerEvent::Projector(Projector {
            showing: Showing::Blank,
            demo: None,
        }));
        let s = notes_screen(&v, w, h);
        assert!(
            s.lines().next().unwrap().contains("PROJECTOR BLANKED"),
            "{s}"
        );
        assert!(s.contains("Slide 2/7: GIL in Action"), "{s}");
        insta::assert_snapshot!(format!("notes_blanked_{w}x{h}"), s);
        v.hear(FollowerEvent::Projector(Projector {
            showing: Showing::Demo,
            demo: Some("GIL in action \x1b]52;c;eA==\x07".into()),
        }));
        v.hear(FollowerEvent::Problems(Problems {
            problems: vec![
                "lessons/10-gil.toml:3:9: expected a string".into(),
                "lessons/10-gil.toml:12:1: unknown key `titel`".into(),
            ],
            more: 3,
        }));
        v.hear(FollowerEvent::TooLong);
        let s = notes_screen(&v, w, h);
        let top = s.lines().next().unwrap();
        assert!(
            top.contains("PROJECTOR SHOWS A DEMO: GIL in action ␛]52;c;eA==␇"),
            "{s}"
        );
        assert!(s.contains("5 content problems"), "{s}");
        assert!(
            s.contains("lessons/10-gil.toml:3:9: expected a string"),
            "{s}"
        );
        assert!(s.contains("… and 3 more"), "{s}");
        assert!(s.contains("1 over-long message dropped"), "{s}");
        assert!(!s.contains('\x1b'), "{s}");
        insta::assert_snapshot!(format!("notes_demo_problems_{w}x{h}"), s);
        // Fixed: the list goes; the presenter leaving clears the line.
        v.hear(FollowerEvent::Problems(Problems::default()));
        assert!(!notes_screen(&v, w, h).contains("content problem"));
        v.hear(FollowerEvent::Waiting);
        let s = notes_screen(&v, w, h);
        assert!(!s.contains("PROJECTOR"), "{s}");
        assert!(s.contains("Waiting for a presenter"), "{s}");
    }
}

#[test]
fn moves_are_published_and_clock_ticks_are_not() {
    let mut a = presenting();
    a.update(AppEvent::Tick);
    let first = published(&mut a);
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].slide, first[0].step), (1, 1));
    assert_eq!(first[0].title, "Generic Threads");
    assert_eq!(
        first[0].notes.as_deref(),
        Some("Speaker note: never shown to learners.")
    );
    assert_eq!(
        first[0].next_title.as_deref(),
        Some("Share External Objects")
    );
    a.update(AppEvent::Tick);
    assert!(published(&mut a).is_empty(), "a tick is not a move");
    press(&mut a, KeyCode::Right);
    let n = published(&mut a);
    assert_eq!((n[0].slide, n[0].step, n[0].steps), (2, 1, 3));
    press(&mut a, KeyCode::Char(' '));
    assert_eq!(published(&mut a)[0].step, 2);
    // Blanking is not a move either.
    press(&mut a, KeyCode::Char('b'));
    assert!(published(&mut a).is_empty());
    // At a lesson's last slide, "next" is the next lesson's first.
    press(&mut a, KeyCode::Char('x'));
    press(&mut a, KeyCode::Char('g'));
    press(&mut a, KeyCode::Char('3'));
    press(&mut a, KeyCode::Enter);
    let n = published(&mut a);
    assert_eq!(
        n.last().unwrap().next_title.as_deref(),
        Some("Synch Two Threads")
    );
}

#[test]
fn a_demo_opens_full_screen_and_esc_returns_to_the_slide() {
    let mut a = presenting();
    a.open_lesson_at(1, 1, 1);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Locks · slide 2/2"), "{s}");
    a.update(AppEvent::Tick);
    assert_eq!(published(&mut a).len(), 1);
    press(&mut a, KeyCode::Enter);
    if threadtutor::demos::registry::find("lock").is_none() {
        // A build without the demo says so in the footer, and stays.
        let s = screen(&mut a, 100, 30);
        assert!(s.contains("There is no live demo `lock`"), "{s}");
        return;
    }
    assert!(matches!(a.screen, threadtutor::ui::app::Screen::Demo(_)));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Live demo"), "{s}");
    // The followers still see the slide the demo belongs to.
    assert!(published(&mut a).is_empty());
    assert_eq!(a.present_position().unwrap().title, "Run it");
    press(&mut a, KeyCode::Esc);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Locks · slide 2/2"), "{s}");
}

#[test]
fn a_reload_keeps_the_place_and_tells_the_followers() {
    let mut a = presenting();
    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Char(' '));
    published(&mut a);
    let mut content = (*a.content).clone();
    content.lessons[0].slides[1].title = "Share Outside Things".into();
    content.lessons[0].slides[1].notes = Some("New note.".into());
    a.update(AppEvent::Reloaded(Ok(Box::new(content.clone()))));
    let n = published(&mut a);
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].slide, n[0].step), (2, 2));
    assert_eq!(n[0].title, "Share Outside Things");
    assert_eq!(n[0].notes.as_deref(), Some("New note."));
    // A broken reload keeps the slide; the problems go to the notes and
    // the projector shows a mark.
    a.update(AppEvent::Reloaded(Err(vec![
        "lessons/10-basics.toml:3:9: expected a string".into(),
    ])));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("⚠ 1 content problem — see notes"), "{s}");
    assert!(!s.contains("10-basics.toml:3:9"), "{s}");
    assert!(s.contains("slide 2/3"), "{s}");
    // A reload with fewer slides clamps to the last one.
    content.lessons[0].slides.truncate(1);
    a.update(AppEvent::Reloaded(Ok(Box::new(content))));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("slide 1/1"), "{s}");
    assert!(!s.contains("content problem"), "the mark goes: {s}");
}

/// The cell where `word` starts on screen, and its style.
fn cell_of(a: &mut App, w: u16, h: u16, word: &str) -> Option<ratatui::buffer::Cell> {
    let term = draw(a, w, h);
    let buf = term.backend().buffer();
    (0..h).find_map(|y| {
        let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        row.find(word).map(|at| {
            let x = row[..at].chars().count() as u16;
            buf[(x, y)].clone()
        })
    })
}

#[test]
fn run_output_shows_its_colours_and_nothing_else() {
    use ratatui::style::Color;
    use threadtutor::runner::RunEvent;
    let mut a = presenting();
    a.open_lesson_at(1, 1, 1);
    press(&mut a, KeyCode::Char('r'));
    let id = a.run.as_ref().expect("a run panel").id;
    for line in [
        "tick 266 \x1b[31mred\x1b[0m plain",
        "\x1b[1;38;2;0;200;0mgreen-bold and on",
        "still-green\x1b[0m back",
        "osc \x1b]52;c;SGVsbG8=\x07 csi\u{9b}2J clear\x1b[2J end",
    ] {
        a.update(AppEvent::Run {
            id,
            event: RunEvent::Stdout(line.into()),
        });
    }
    a.update(AppEvent::Run {
        id,
        event: RunEvent::Stderr("\x1b[4merr-underlined\x1b[24m".into()),
    });
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("tick 266 red plain"), "no escape shown: {s}");
    assert!(!s.contains("␛[31m"), "{s}");
    let red = cell_of(&mut a, 100, 30, "red plain").unwrap();
    assert_eq!(red.fg, Color::Red);
    let plain = cell_of(&mut a, 100, 30, "plain").unwrap();
    assert_ne!(plain.fg, Color::Red);
    let green = cell_of(&mut a, 100, 30, "green-bold").unwrap();
    assert_eq!(green.fg, Color::Rgb(0, 200, 0));
    assert!(green.modifier.contains(Modifier::BOLD));
    // A colour lasts into the next line, as in a terminal, until reset.
    let still = cell_of(&mut a, 100, 30, "still-green").unwrap();
    assert_eq!(still.fg, Color::Rgb(0, 200, 0));
    let back = cell_of(&mut a, 100, 30, "back").unwrap();
    assert_ne!(back.fg, Color::Rgb(0, 200, 0));
    let err = cell_of(&mut a, 100, 30, "err-underlined").unwrap();
    assert!(err.modifier.contains(Modifier::UNDERLINED));
    // OSC, C1 CSI and other CSI stay visible and inert.
    assert!(
        s.contains("osc ␛]52;c;SGVsbG8=␇ csi\u{FFFD}2J clear␛[2J end"),
        "{s}"
    );
}
