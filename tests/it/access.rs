//! Access: plain linear text for screen readers (`--plain`), and every
//! colour the themes use readable when the terminal has only 16 colours.

use crate::common;

use std::process::Command;

use ratatui::style::{Color, Style};
use threadtutor::ui::highlight::{Engine, Job, highlight, key};
use threadtutor::ui::theme::{ColorDepth, Theme, ThemeName, map_color};

fn styles(t: &Theme) -> Vec<(&'static str, Style)> {
    vec![
        ("text", t.text),
        ("dim", t.dim),
        ("title", t.title),
        ("heading", t.heading),
        ("accent", t.accent),
        ("bold", t.bold),
        ("emphasis", t.emphasis),
        ("inline_code", t.inline_code),
        ("code", t.code),
        ("code_gutter", t.code_gutter),
        ("selected", t.selected),
        ("border", t.border),
        ("footer", t.footer),
        ("key", t.key),
        ("done", t.done),
        ("partial", t.partial),
        ("warning", t.warning),
        ("error", t.error),
        ("modern", t.modern),
        ("tip", t.tip),
        ("note", t.note),
        ("link", t.link),
    ]
}

/// The 16 colours that are hard to read on the theme's background.
fn unreadable(name: ThemeName) -> &'static [Color] {
    match name {
        // Dark terminal background.
        ThemeName::Dark | ThemeName::HighContrast => &[Color::Black, Color::Blue],
        // Light background: pale colours vanish.
        ThemeName::Light => &[
            Color::White,
            Color::Gray,
            Color::LightYellow,
            Color::LightCyan,
            Color::LightGreen,
            Color::Yellow,
        ],
    }
}

#[test]
fn every_colour_pair_is_readable_in_16_colours() {
    let engine = Engine::load();
    let samples = [
        (
            "python",
            "import threading\n\nclass T(threading.Thread):\n    def run(self):\n        # a comment\n        print('hi', 42, None, True)\n",
        ),
        (
            "rust",
            "use std::sync::Mutex;\n// a comment\nfn main() { let m = Mutex::new(0u32); println!(\"{}\", 'c'); }\n",
        ),
        (
            "shell",
            "# run it\nexport X=1\npython3 -c 'print(1)' | grep \"1\" > out.txt\n",
        ),
        (
            "toml",
            "# lesson\n[[slides]]\ntitle = \"A\"\nreveal = 2\nok = true\n",
        ),
    ];
    let mut bad = Vec::new();
    for name in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
        let t = Theme::new(name, ColorDepth::Ansi16);
        let mut all: Vec<(String, Style)> = styles(&t)
            .into_iter()
            .map(|(n, s)| (n.to_string(), s))
            .collect();
        for (language, source) in samples {
            let hl = highlight(
                &engine,
                &Job {
                    key: key(language, source, t.syntax_theme),
                    language: language.into(),
                    source: source.into(),
                    theme: t.syntax_theme,
                },
            );
            for line in &hl.lines {
                for span in &line.spans {
                    if !span.content.trim().is_empty() {
                        all.push((
                            format!("{language} code {:?}", span.content.trim()),
                            span.style,
                        ));
                    }
                }
            }
        }
        for (what, style) in all {
            let fg = style.fg.map(|c| map_color(c, ColorDepth::Ansi16));
            let bg = style.bg.map(|c| map_color(c, ColorDepth::Ansi16));
            if let (Some(f), Some(b)) = (fg, bg)
                && f == b
            {
                bad.push(format!("{name:?} {what}: {f:?} on {b:?}"));
            }
            if let Some(f) = fg
                && bg.is_none()
                && unreadable(name).contains(&f)
            {
                bad.push(format!("{name:?} {what}: {f:?} on the terminal background"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "hard to read in 16 colours:\n{}",
        bad.join("\n")
    );
}

fn plain_output(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_plain(text: &str) {
    assert!(!text.contains('\x1b'), "escape codes in plain output");
    let boxy: Vec<char> = text
        .chars()
        .filter(|c| ('\u{2500}'..='\u{259f}').contains(c))
        .collect();
    assert!(boxy.is_empty(), "box-drawing in plain output: {boxy:?}");
}

#[test]
fn plain_gives_linear_text_of_every_lesson() {
    let content = threadtutor::content::load(&threadtutor::content::Source::Embedded).unwrap();
    let text = plain_output(&["--plain"]);
    // Every slide, in order, as a heading a screen reader can jump to.
    let mut at = 0;
    for l in &content.lessons {
        for (i, s) in l.slides.iter().enumerate() {
            let head = format!("Slide {}/{}: {}", i + 1, l.slides.len(), s.title);
            let found = text[at..]
                .find(&head)
                .unwrap_or_else(|| panic!("{head:?} missing or out of order"));
            at += found + head.len();
        }
    }
    // Diagrams come with their description.
    let diagrams = text.matches("Diagram: ").count();
    assert!(diagrams > 0, "the built-in lessons have diagrams");
    // Box-drawing inside diagrams is their own art; check the rest.
    let prose: String = text
        .lines()
        .filter(|l| !l.starts_with("    "))
        .collect::<Vec<_>>()
        .join("\n");
    assert_plain(&prose);

    let d = common::fixture_dir().display().to_string();
    let one = plain_output(&["--content", &d, "present", "locks", "--plain"]);
    assert!(one.starts_with("Locks\n"), "{one}");
    assert!(one.contains("Slide 2/2: Run it"));
    assert!(!one.contains("Thread basics"));
    assert_plain(&one);
}

#[test]
fn reduce_motion_slows_demo_frames_to_two_a_second() {
    let mut a = common::app(ColorDepth::TrueColor);
    assert!(a.tick_interval().as_millis() <= 40);
    a.reduce_motion = true;
    assert!(a.tick_interval().as_millis() >= 500);
}
