//! Syntax highlighting on a background thread.
//!
//! The grammars are our own compact ones (assets/*.sublime-syntax: Python,
//! Rust, shell, TOML) and the colours come from the app's palette, so code
//! looks right in every theme and in 16 colours, and the tutorial does not
//! carry syntect's hundred grammars in memory. Building them takes a few
//! milliseconds, so it happens on the highlighter's own thread after the
//! first frame; the UI shows code plain until the coloured lines arrive, and
//! caches them per code block, so paging back and forth never highlights twice.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::mpsc::{self, Sender};
use std::thread;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use syntect::easy::HighlightLines;
use syntect::highlighting::{
    Color as SynColor, FontStyle, ScopeSelectors, StyleModifier, Theme as SynTheme, ThemeItem,
    ThemeSettings,
};
use syntect::parsing::{SyntaxDefinition, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

const GRAMMARS: [&str; 4] = [
    include_str!("../../assets/Python.sublime-syntax"),
    include_str!("../../assets/Rust.sublime-syntax"),
    include_str!("../../assets/Shell.sublime-syntax"),
    include_str!("../../assets/TOML.sublime-syntax"),
];

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

/// The loaded grammars.
pub struct Engine {
    syntaxes: SyntaxSet,
}

impl Default for Engine {
    fn default() -> Self {
        Self::load()
    }
}

impl Engine {
    /// Build the grammars (a few milliseconds: regexes compile on first use).
    pub fn load() -> Engine {
        let mut builder = SyntaxSetBuilder::new();
        for g in GRAMMARS {
            // The grammars ship with the binary and are tested; a broken one
            // only means plain code, never a crash.
            if let Ok(def) = SyntaxDefinition::load_from_str(g, true, None) {
                builder.add(def);
            }
        }
        builder.add_plain_text_syntax();
        Engine {
            syntaxes: builder.build(),
        }
    }

    /// Highlight one block into lines of spans (RGB colours from the
    /// palette; the frame is brought down to the terminal's colours when drawn).
    pub fn highlight(&self, job: &Job) -> Highlighted {
        let name = match job.language.as_str() {
            "python" | "python2" => "Python",
            "rust" => "Rust",
            "shell" | "console" => "Shell",
            "toml" => "TOML",
            _ => "Plain Text",
        };
        let syntax = self
            .syntaxes
            .find_syntax_by_name(name)
            .unwrap_or_else(|| self.syntaxes.find_syntax_plain_text());
        let theme = syntax_theme(job.theme);
        let mut h = HighlightLines::new(syntax, &theme);
        let lines = LinesWithEndings::from(&job.source)
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
            .collect();
        Highlighted {
            key: job.key,
            lines,
        }
    }
}

/// The code colours of each app theme, by scope.
fn syntax_theme(name: &str) -> SynTheme {
    // (text, comment, string, number/constant, keyword, function, type, variable, operator)
    let p: [(u8, u8, u8); 9] = match name {
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
    let c = |i: usize| SynColor {
        r: p[i].0,
        g: p[i].1,
        b: p[i].2,
        a: 0xff,
    };
    let item = |scope: &str, i: usize, fs: FontStyle| ThemeItem {
        scope: ScopeSelectors::from_str(scope).unwrap_or_default(),
        style: StyleModifier {
            foreground: Some(c(i)),
            background: None,
            font_style: Some(fs),
        },
    };
    let plain = FontStyle::empty();
    SynTheme {
        name: Some(name.to_string()),
        author: None,
        settings: ThemeSettings {
            foreground: Some(c(0)),
            ..ThemeSettings::default()
        },
        scopes: vec![
            item("comment", 1, FontStyle::ITALIC),
            item("string, constant.character", 2, plain),
            item("constant.character.escape", 3, plain),
            item(
                "constant.numeric, constant.language, constant.other",
                3,
                plain,
            ),
            item("keyword, storage", 4, plain),
            item("keyword.operator", 8, plain),
            item(
                "entity.name.function, variable.function, support.function",
                5,
                plain,
            ),
            item(
                "entity.name.type, support.type, entity.name.section",
                6,
                FontStyle::BOLD,
            ),
            item("entity.name.tag", 5, plain),
            item(
                "variable.language, variable.other, variable.parameter, support.variable",
                7,
                plain,
            ),
            item(
                "meta.annotation, punctuation.definition.decorator, storage.modifier.lifetime",
                6,
                plain,
            ),
            item("punctuation.definition.prompt", 1, FontStyle::BOLD),
            item("storage.type.string", 4, plain),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads() {
        let engine = Engine::load();
        for name in ["Python", "Rust", "Shell", "TOML", "Plain Text"] {
            assert!(
                engine.syntaxes.find_syntax_by_name(name).is_some(),
                "{name} missing"
            );
        }
        for g in GRAMMARS {
            SyntaxDefinition::load_from_str(g, true, None).expect("grammar parses");
        }
    }

    #[test]
    fn every_code_block_in_the_lessons_highlights() {
        use crate::content::{BlockKind, Source, load};
        let content = load(&Source::Embedded).unwrap();
        let engine = Engine::load();
        let mut blocks = 0;
        fn walk(bs: &[crate::content::Block], f: &mut dyn FnMut(&crate::content::Code)) {
            for b in bs {
                match &b.kind {
                    BlockKind::Code(c) => f(c),
                    BlockKind::Columns(cols) => cols.iter().for_each(|c| walk(&c.blocks, f)),
                    _ => {}
                }
            }
        }
        for lesson in &content.lessons {
            for slide in &lesson.slides {
                walk(&slide.blocks, &mut |code| {
                    blocks += 1;
                    for theme in ["dark", "light", "high-contrast"] {
                        let job = Job {
                            key: 0,
                            language: code.language.clone(),
                            source: code.source.clone(),
                            theme,
                        };
                        let out = engine.highlight(&job);
                        let text: Vec<String> = out
                            .lines
                            .iter()
                            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
                            .collect();
                        let want: Vec<&str> = code.source.lines().collect();
                        assert_eq!(text, want, "{} / {}", lesson.id, slide.title);
                    }
                });
            }
        }
        assert!(blocks > 50, "only {blocks} code blocks");
    }

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
