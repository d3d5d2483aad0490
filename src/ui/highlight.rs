//! Syntax highlighting on a background thread, in the app's colours.
//!
//! [`crate::highlight::Engine`] splits code into classified tokens; here the
//! classes get the theme's code colours (so code looks right in every theme
//! and in 16 colours). The grammars take a few milliseconds to build, so
//! that happens on the highlighter's own thread after the first frame; the
//! UI shows code plain until the coloured lines arrive, and caches them per
//! code block, so paging back and forth never highlights twice.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::{self, Sender};
use std::thread;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub use crate::highlight::Engine;
use crate::highlight::TokenClass;

/// A request: highlight this source in this language with this theme.
#[derive(Debug, Clone)]
pub struct Job {
    pub key: u64,
    pub language: String,
    pub source: String,
    pub theme: &'static str,
}

/// A finished block.
#[derive(Debug, Clone)]
pub struct Highlighted {
    pub key: u64,
    pub lines: Vec<Line<'static>>,
}

/// The cache key of a code block.
pub fn key(language: &str, source: &str, theme: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (language, source, theme).hash(&mut h);
    h.finish()
}

/// Handle to the highlighting thread; dropping it ends the thread.
pub struct Highlighter {
    tx: Sender<Job>,
}

impl Highlighter {
    /// Start the thread; `done` is called on it for every finished block.
    pub fn spawn(done: impl Fn(Highlighted) + Send + 'static) -> Highlighter {
        let (tx, rx) = mpsc::channel::<Job>();
        let _ = thread::Builder::new()
            .name("highlighter".into())
            .spawn(move || {
                let engine = Engine::load();
                while let Ok(job) = rx.recv() {
                    done(highlight(&engine, &job));
                }
            });
        Highlighter { tx }
    }

    /// Queue a block; returns at once.
    pub fn request(&self, job: Job) {
        let _ = self.tx.send(job);
    }
}

/// Highlight one block into lines of spans in the colours of `job.theme`
/// (RGB from the palette; the frame is brought down to the terminal's
/// colours when drawn).
pub fn highlight(engine: &Engine, job: &Job) -> Highlighted {
    let lines = engine
        .tokens(&job.language, &job.source)
        .into_iter()
        .map(|tokens| {
            Line::from(
                tokens
                    .into_iter()
                    .map(|t| Span::styled(t.text, class_style(job.theme, t.class)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    Highlighted {
        key: job.key,
        lines,
    }
}

/// The style of a token class in an app theme (`Theme::syntax_theme`).
pub fn class_style(theme: &str, class: TokenClass) -> Style {
    // (text, comment, string, number/constant, keyword, function, type, variable, operator)
    let p: [(u8, u8, u8); 9] = match theme {
        "light" => [
            (0x24, 0x29, 0x2e),
            (0x6a, 0x73, 0x7d),
            (0x03, 0x2f, 0x62),
            (0x00, 0x5c, 0xc5),
            (0xd7, 0x3a, 0x49),
            (0x6f, 0x42, 0xc1),
            (0xe3, 0x62, 0x09),
            (0x22, 0x86, 0x3a),
            (0xd7, 0x3a, 0x49),
        ],
        "high-contrast" => [
            (0xff, 0xff, 0xff),
            (0xc0, 0xc0, 0xc0),
            (0x00, 0xff, 0x00),
            (0xff, 0x80, 0xff),
            (0x00, 0xff, 0xff),
            (0xff, 0xff, 0x00),
            (0xff, 0xc0, 0x40),
            (0xff, 0x80, 0x80),
            (0xff, 0xff, 0xff),
        ],
        _ => [
            (0xd8, 0xde, 0xe9),
            (0x7b, 0x88, 0x99),
            (0xa3, 0xbe, 0x8c),
            (0xd0, 0x87, 0x70),
            (0xb4, 0x8e, 0xad),
            (0x88, 0xc0, 0xd0),
            (0xeb, 0xcb, 0x8b),
            (0xbf, 0x61, 0x6a),
            // Light enough to stay light blue in 16 colours.
            (0x8f, 0xb4, 0xe0),
        ],
    };
    let (i, modifier) = match class {
        TokenClass::Text => (0, Modifier::empty()),
        TokenClass::Comment => (1, Modifier::ITALIC),
        TokenClass::String => (2, Modifier::empty()),
        TokenClass::Constant => (3, Modifier::empty()),
        TokenClass::Keyword => (4, Modifier::empty()),
        TokenClass::Function => (5, Modifier::empty()),
        TokenClass::Type => (6, Modifier::BOLD),
        TokenClass::Variable => (7, Modifier::empty()),
        TokenClass::Operator => (8, Modifier::empty()),
        TokenClass::Decorator => (6, Modifier::empty()),
        TokenClass::Prompt => (1, Modifier::BOLD),
    };
    let (r, g, b) = p[i];
    Style::new().fg(Color::Rgb(r, g, b)).add_modifier(modifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_toml_rust_and_shell_are_coloured() {
        let engine = Engine::load();
        for (lang, src) in [
            ("python", "def f(x):\n    return x + 1\n"),
            ("toml", "[package]\nname = \"x\" # hi\n"),
            ("rust", "fn main() { let x = 1; }\n"),
            ("shell", "echo \"$HOME\" | wc -l\n"),
        ] {
            for theme in ["dark", "light", "high-contrast"] {
                let job = Job {
                    key: 1,
                    language: lang.into(),
                    source: src.into(),
                    theme,
                };
                let out = highlight(&engine, &job);
                assert_eq!(out.lines.len(), src.lines().count(), "{lang}");
                let colours: std::collections::HashSet<_> = out
                    .lines
                    .iter()
                    .flat_map(|l| l.spans.iter().map(|s| s.style.fg))
                    .collect();
                assert!(colours.len() >= 3, "{lang} got only {colours:?}");
                let text: String = out.lines[0]
                    .spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect();
                assert_eq!(text, src.lines().next().unwrap());
            }
        }
    }
}
