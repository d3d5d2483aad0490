//! Syntax highlighting on a background thread.
//!
//! Loading syntect's grammars takes longer than drawing a frame, so the
//! highlighter loads them on its own thread after the first frame, and the
//! UI shows code plain until the coloured lines arrive. Results are cached by
//! the UI per code block, so paging back and forth never highlights twice.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::{self, Sender};
use std::thread;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::{SyntaxDefinition, SyntaxSet};
use syntect::util::LinesWithEndings;

const TOML_SYNTAX: &str = include_str!("../../assets/TOML.sublime-syntax");

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
                    done(engine.highlight(&job));
                }
            });
        Highlighter { tx }
    }

    /// Queue a block; returns at once.
    pub fn request(&self, job: Job) {
        let _ = self.tx.send(job);
    }
}

/// The loaded grammars and themes.
pub struct Engine {
    syntaxes: SyntaxSet,
    themes: ThemeSet,
}

impl Engine {
    /// Load the default grammars plus our TOML grammar.
    pub fn load() -> Engine {
        let mut builder = SyntaxSet::load_defaults_newlines().into_builder();
        if let Ok(toml) = SyntaxDefinition::load_from_str(TOML_SYNTAX, true, None) {
            builder.add(toml);
        }
        Engine {
            syntaxes: builder.build(),
            themes: ThemeSet::load_defaults(),
        }
    }

    /// Highlight one block into lines of spans (RGB colours; the frame is
    /// brought down to the terminal's colours when drawn).
    pub fn highlight(&self, job: &Job) -> Highlighted {
        let name = match job.language.as_str() {
            "python" | "python2" => "Python",
            "rust" => "Rust",
            "shell" | "console" => "Bourne Again Shell (bash)",
            "toml" => "TOML",
            _ => "Plain Text",
        };
        let syntax = self
            .syntaxes
            .find_syntax_by_name(name)
            .unwrap_or_else(|| self.syntaxes.find_syntax_plain_text());
        let lines = match self.themes.themes.get(job.theme) {
            Some(theme) => {
                let mut h = HighlightLines::new(syntax, theme);
                LinesWithEndings::from(&job.source)
                    .map(|line| match h.highlight_line(line, &self.syntaxes) {
                        Ok(ranges) => Line::from(
                            ranges
                                .into_iter()
                                .map(|(style, text)| {
                                    let fg = style.foreground;
                                    let mut s = Style::new().fg(Color::Rgb(fg.r, fg.g, fg.b));
                                    if style.font_style.contains(FontStyle::BOLD) {
                                        s = s.add_modifier(Modifier::BOLD);
                                    }
                                    if style.font_style.contains(FontStyle::ITALIC) {
                                        s = s.add_modifier(Modifier::ITALIC);
                                    }
                                    Span::styled(text.trim_end_matches(['\n', '\r']).to_string(), s)
                                })
                                .collect::<Vec<_>>(),
                        ),
                        Err(_) => Line::raw(line.trim_end_matches(['\n', '\r']).to_string()),
                    })
                    .collect()
            }
            None => job
                .source
                .lines()
                .map(|l| Line::raw(l.to_string()))
                .collect(),
        };
        Highlighted {
            key: job.key,
            lines,
        }
    }
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
            let job = Job {
                key: 1,
                language: lang.into(),
                source: src.into(),
                theme: "base16-ocean.dark",
            };
            let out = engine.highlight(&job);
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
