//! Syntax highlighting, terminal-neutral: source code in, lines of tokens
//! out, each token tagged with what it is (a keyword, a string, a comment).
//! The TUI maps the classes to its theme's colours (`ui::highlight`), the
//! HTML handout to CSS classes, so neither layer depends on the other.
//!
//! The grammars are our own compact ones (assets/*.sublime-syntax: Python,
//! Rust, shell, TOML): the tutorial does not carry syntect's hundred
//! grammars in memory. Building them takes a few milliseconds.

use std::str::FromStr;

use syntect::easy::HighlightLines;
use syntect::highlighting::{
    Color as SynColor, FontStyle, ScopeSelectors, StyleModifier, Theme as SynTheme, ThemeItem,
    ThemeSettings,
};
use syntect::parsing::{SyntaxDefinition, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

const GRAMMARS: [&str; 4] = [
    include_str!("../assets/Python.sublime-syntax"),
    include_str!("../assets/Rust.sublime-syntax"),
    include_str!("../assets/Shell.sublime-syntax"),
    include_str!("../assets/TOML.sublime-syntax"),
];

/// What a piece of code is, as far as colouring goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenClass {
    Text,
    Comment,
    /// String literals (and characters).
    String,
    /// Escapes inside strings, numbers and language constants.
    Constant,
    Keyword,
    Operator,
    Function,
    Type,
    Variable,
    /// Decorators and annotations.
    Decorator,
    /// A shell prompt.
    Prompt,
}

impl TokenClass {
    /// Every class, in the order of their index.
    pub const ALL: [TokenClass; 11] = [
        TokenClass::Text,
        TokenClass::Comment,
        TokenClass::String,
        TokenClass::Constant,
        TokenClass::Keyword,
        TokenClass::Operator,
        TokenClass::Function,
        TokenClass::Type,
        TokenClass::Variable,
        TokenClass::Decorator,
        TokenClass::Prompt,
    ];

    /// A short lowercase name (used as a CSS class).
    pub fn name(self) -> &'static str {
        match self {
            TokenClass::Text => "text",
            TokenClass::Comment => "comment",
            TokenClass::String => "string",
            TokenClass::Constant => "constant",
            TokenClass::Keyword => "keyword",
            TokenClass::Operator => "operator",
            TokenClass::Function => "function",
            TokenClass::Type => "type",
            TokenClass::Variable => "variable",
            TokenClass::Decorator => "decorator",
            TokenClass::Prompt => "prompt",
        }
    }

    fn index(self) -> u8 {
        TokenClass::ALL.iter().position(|c| *c == self).unwrap_or(0) as u8
    }
}

/// One piece of a highlighted line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub class: TokenClass,
}

/// The loaded grammars.
pub struct Engine {
    syntaxes: SyntaxSet,
    classes: SynTheme,
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
            classes: class_theme(),
        }
    }

    /// Highlight `source` written in `language` (python, rust, shell,
    /// toml; anything else is plain text): one entry per line, without
    /// line endings, whose tokens' texts join up to the line.
    pub fn tokens(&self, language: &str, source: &str) -> Vec<Vec<Token>> {
        let name = match language {
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
        let mut h = HighlightLines::new(syntax, &self.classes);
        LinesWithEndings::from(source)
            .map(|line| match h.highlight_line(line, &self.syntaxes) {
                Ok(ranges) => ranges
                    .into_iter()
                    .map(|(style, text)| Token {
                        text: text.trim_end_matches(['\n', '\r']).to_string(),
                        class: TokenClass::ALL
                            .get(usize::from(style.foreground.r))
                            .copied()
                            .unwrap_or(TokenClass::Text),
                    })
                    .filter(|t| !t.text.is_empty())
                    .collect(),
                Err(_) => vec![Token {
                    text: line.trim_end_matches(['\n', '\r']).to_string(),
                    class: TokenClass::Text,
                }],
            })
            .collect()
    }
}

/// A syntect theme whose "colour" for each scope is the index of its
/// [`TokenClass`] (in the red channel): syntect's scope matching does the
/// classifying, and the renderers choose the colours.
fn class_theme() -> SynTheme {
    let item = |scope: &str, class: TokenClass| ThemeItem {
        scope: ScopeSelectors::from_str(scope).unwrap_or_default(),
        style: StyleModifier {
            foreground: Some(SynColor {
                r: class.index(),
                g: 0,
                b: 0,
                a: 0xff,
            }),
            background: None,
            font_style: Some(FontStyle::empty()),
        },
    };
    use TokenClass as C;
    SynTheme {
        name: Some("classes".into()),
        author: None,
        settings: ThemeSettings {
            foreground: Some(SynColor {
                r: C::Text.index(),
                g: 0,
                b: 0,
                a: 0xff,
            }),
            ..ThemeSettings::default()
        },
        scopes: vec![
            item("comment", C::Comment),
            item("string, constant.character", C::String),
            item("constant.character.escape", C::Constant),
            item(
                "constant.numeric, constant.language, constant.other",
                C::Constant,
            ),
            item("keyword, storage", C::Keyword),
            item("keyword.operator", C::Operator),
            item(
                "entity.name.function, variable.function, support.function",
                C::Function,
            ),
            item(
                "entity.name.type, support.type, entity.name.section",
                C::Type,
            ),
            item("entity.name.tag", C::Function),
            item(
                "variable.language, variable.other, variable.parameter, support.variable",
                C::Variable,
            ),
            item(
                "meta.annotation, punctuation.definition.decorator, storage.modifier.lifetime",
                C::Decorator,
            ),
            item("punctuation.definition.prompt", C::Prompt),
            item("storage.type.string", C::Keyword),
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
    fn every_code_block_in_the_lessons_keeps_its_text() {
        use crate::content::{BlockKind, Source, load};
        let content = load(&Source::Embedded).unwrap();
        let engine = Engine::load();
        let mut blocks = 0;
        fn walk(bs: &[crate::content::Block], f: &mut dyn FnMut(&crate::content::Code)) {
            crate::content::Block::walk(bs, &mut |b| {
                if let BlockKind::Code(c) = &b.kind {
                    f(c);
                }
            });
        }
        for lesson in &content.lessons {
            for slide in &lesson.slides {
                walk(&slide.blocks, &mut |code| {
                    blocks += 1;
                    let text: Vec<String> = engine
                        .tokens(&code.language, &code.source)
                        .iter()
                        .map(|l| l.iter().map(|t| t.text.as_str()).collect())
                        .collect();
                    let want: Vec<&str> = code.source.lines().collect();
                    assert_eq!(text, want, "{} / {}", lesson.id, slide.title);
                });
            }
        }
        assert!(blocks > 50, "only {blocks} code blocks");
    }

    #[test]
    fn python_toml_rust_and_shell_are_classified() {
        let engine = Engine::load();
        for (lang, src, want) in [
            (
                "python",
                "def f(x):\n    return x + 1  # one\n",
                [
                    TokenClass::Keyword,
                    TokenClass::Function,
                    TokenClass::Comment,
                ],
            ),
            (
                "toml",
                "[package]\nname = \"x\" # hi\n",
                [TokenClass::Type, TokenClass::String, TokenClass::Comment],
            ),
            (
                "rust",
                "fn main() { let x = \"s\"; }\n",
                [
                    TokenClass::Keyword,
                    TokenClass::Function,
                    TokenClass::String,
                ],
            ),
            (
                "shell",
                "echo \"$HOME\" | wc -l # n\n",
                [
                    TokenClass::String,
                    TokenClass::Variable,
                    TokenClass::Comment,
                ],
            ),
        ] {
            let lines = engine.tokens(lang, src);
            assert_eq!(lines.len(), src.lines().count(), "{lang}");
            let classes: std::collections::HashSet<_> =
                lines.iter().flatten().map(|t| t.class).collect();
            for c in want {
                assert!(classes.contains(&c), "{lang}: no {c:?} in {lines:?}");
            }
        }
    }
}
