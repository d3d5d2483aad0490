//! Markdown to styled lines: the one markup dialect of lessons and quizzes.
//! CommonMark, parsed by pulldown-cmark (the parser mdBook and mdbook-quiz
//! use, linear in its input), rendered to plain data so the TUI, the text
//! report, answer-sheet templates and the handouts all share one renderer.
//!
//! Shown: paragraphs (soft line breaks joined), headings, bullet and
//! numbered lists (nested), block quotes, fenced and indented code blocks
//! with a language, thematic breaks, and inline `code`, **bold**, *emphasis*,
//! links (their text), images (`[image: alt]`), entities and backslash
//! escapes, and the `<sup>`, `<sub>` and `<br>` tags the Rust-book quizzes
//! use. Other HTML is shown as the text it is. Blank lines in the source
//! separate blocks on screen too. Pure: no terminal types; never panics.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// How a span of text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Bold,
    Emphasis,
    /// Inline code, and every line of a code block.
    Code,
    /// The text of a link.
    Link,
    Heading,
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// What kind of line this is; the UI lays lines out by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// A paragraph (one logical line; the UI wraps it) or a list item.
    Text,
    Heading,
    /// A line of a block quote.
    Quote,
    /// One line of a fenced code block. Consecutive code lines with the same
    /// `block` number belong to one block (highlight them together).
    Code {
        language: Option<String>,
        block: usize,
    },
    /// A thematic break (`---`).
    Rule,
    /// The gap between two blocks.
    Blank,
}

/// One line of rendered Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// Leading indentation in columns (nested lists, code inside lists).
    pub indent: usize,
    pub spans: Vec<Span>,
}

impl Line {
    /// The line's text without styling (list markers included).
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Render Markdown into lines.
pub fn render(markdown: &str) -> Vec<Line> {
    let mut r = Renderer::new(markdown);
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
        r.event(event, range);
    }
    r.finish()
}

/// Markdown as plain text: one line per rendered line, list markers kept, code
/// indented by its list indentation only. Used for reports and templates.
pub fn to_plain(markdown: &str) -> String {
    let lines = render(markdown);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.kind {
            LineKind::Blank => {}
            LineKind::Rule => out.push_str("----"),
            LineKind::Quote => {
                out.push_str(&" ".repeat(line.indent));
                out.push_str("> ");
                out.push_str(&line.text());
            }
            _ => {
                out.push_str(&" ".repeat(line.indent));
                out.push_str(&line.text());
            }
        }
    }
    out
}

/// Inline markup in one piece of text (a bullet, a caption, a table cell):
/// styled runs, with no block structure. A line that would start a block in
/// CommonMark (`# `, `- `, `1. `, `> `, a fence) is kept as the text it is.
pub fn inline(text: &str, base: Style) -> Vec<Span> {
    let mut source = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            source.push('\n');
        }
        source.push_str(&literal_block_start(line.trim_start()));
    }
    let mut out: Vec<Span> = Vec::new();
    for line in render(&source) {
        if !out.is_empty() && !matches!(line.kind, LineKind::Blank) {
            push(&mut out, " ", base);
        }
        for span in line.spans {
            let style = match span.style {
                Style::Plain | Style::Heading => base,
                other => other,
            };
            push(&mut out, &span.text, style);
        }
    }
    out
}

/// The text without markup (for search and plain output).
pub fn strip(text: &str) -> String {
    inline(text, Style::Plain)
        .into_iter()
        .map(|s| s.text)
        .collect()
}

/// `line` with a backslash before whatever would make it start a block:
/// a heading, quote, list item, fence, thematic break, setext underline or
/// HTML block.
fn literal_block_start(line: &str) -> std::borrow::Cow<'_, str> {
    let bytes = line.as_bytes();
    let Some(&first) = bytes.first() else {
        return line.into();
    };
    let after = |n: usize| bytes.get(n).is_none_or(|b| *b == b' ' || b'\t' == *b);
    let run = bytes.iter().take_while(|b| **b == first).count();
    let only_marks = |c: u8| bytes.iter().all(|b| *b == c || *b == b' ' || *b == b'\t');
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let starts_block = match first {
        b'>' => true,
        b'#' => run <= 6 && after(run),
        b'-' | b'+' | b'*' => after(1) || only_marks(first),
        b'_' | b'=' => only_marks(first),
        b'`' | b'~' => run >= 3,
        b'<' => bytes
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?')),
        b'0'..=b'9' => {
            digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')')) && after(digits + 1)
        }
        _ => false,
    };
    if !starts_block {
        return line.into();
    }
    if digits > 0 {
        // `1983. A year` is not a list: escape the dot.
        return format!("{}\\{}", &line[..digits], &line[digits..]).into();
    }
    format!("\\{line}").into()
}

/// The language of a fenced block's info string. mdbook-quiz's Rust book uses
/// `ide` and `aquascope,...` for Rust code; those are reported as `rust`.
fn fence_language(info: &str) -> Option<String> {
    let first = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    match first.as_str() {
        "" => None,
        "ide" | "aquascope" => Some("rust".to_string()),
        _ => Some(first),
    }
}

/// Add `text` in `style`, joining a neighbour of the same style. Control
/// characters are made inert here, after entities and escapes were decoded
/// (`&#27;` is an ESC too), so nothing the renderer returns is raw.
fn push(out: &mut Vec<Span>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    let text = &*super::sanitize::inert(text);
    match out.last_mut() {
        Some(last) if last.style == style => last.text.push_str(text),
        _ => out.push(Span {
            text: text.to_string(),
            style,
        }),
    }
}

/// One open list: its next number (None for bullets) and where its items'
/// text starts.
struct List {
    next: Option<u64>,
    indent: usize,
}

/// Turns pulldown-cmark's events into [`Line`]s.
struct Renderer<'a> {
    source: &'a str,
    out: Vec<Line>,
    /// The line being filled: its kind, indent and spans.
    line: Option<Line>,
    /// A list marker waiting for the item's first line.
    marker: Option<String>,
    lists: Vec<List>,
    quotes: usize,
    /// Inline styles open now (innermost last).
    styles: Vec<Style>,
    heading: bool,
    /// The code block being read: language and block number.
    code: Option<(Option<String>, usize)>,
    blocks: usize,
    /// Where the last block ended in the source (for blank lines).
    last_end: usize,
    /// Inside an image: its alt text is collected, not shown as is.
    image: Option<String>,
}

impl<'a> Renderer<'a> {
    fn new(source: &'a str) -> Renderer<'a> {
        Renderer {
            source,
            out: Vec::new(),
            line: None,
            marker: None,
            lists: Vec::new(),
            quotes: 0,
            styles: Vec::new(),
            heading: false,
            code: None,
            blocks: 0,
            last_end: 0,
            image: None,
        }
    }

    /// The column text starts at inside the open lists.
    fn indent(&self) -> usize {
        self.lists.last().map_or(0, |l| l.indent)
    }

    fn style(&self) -> Style {
        match self.styles.last() {
            Some(s) => *s,
            None if self.heading => Style::Heading,
            None => Style::Plain,
        }
    }

    /// A block starts at `at`: a blank line before it when the source has
    /// one between it and the previous block.
    fn block_start(&mut self, at: usize) {
        self.end_line();
        // The source between the two blocks (from the previous one's last
        // character, since its range takes in its line ending) has an empty
        // line in it.
        let mut from = self.last_end.min(at);
        while from > 0 && matches!(self.source.as_bytes()[from - 1], b'\n' | b'\r') {
            from -= 1;
        }
        let gap = self.source.get(from..at).unwrap_or("");
        let lines: Vec<&str> = gap.split('\n').collect();
        let blank = lines.len() >= 3
            && lines[1..lines.len() - 1].iter().any(|l| {
                l.trim_matches(|c: char| c.is_whitespace() || c == '>')
                    .is_empty()
            });
        if blank && self.out.last().is_some_and(|l| l.kind != LineKind::Blank) {
            self.out.push(Line {
                kind: LineKind::Blank,
                indent: 0,
                spans: Vec::new(),
            });
        }
    }

    /// The line being filled, started if there is none.
    fn current(&mut self) -> &mut Line {
        if self.line.is_none() {
            let kind = if self.heading {
                LineKind::Heading
            } else if self.quotes > 0 {
                LineKind::Quote
            } else {
                LineKind::Text
            };
            let mut spans = Vec::new();
            let mut indent = self.indent();
            if let Some(m) = self.marker.take() {
                indent -= m.chars().count().min(indent);
                spans.push(Span {
                    text: m,
                    style: Style::Plain,
                });
            }
            self.line = Some(Line {
                kind,
                indent,
                spans,
            });
        }
        self.line.get_or_insert_with(|| Line {
            kind: LineKind::Text,
            indent: 0,
            spans: Vec::new(),
        })
    }

    fn text(&mut self, text: &str) {
        if let Some(alt) = &mut self.image {
            alt.push_str(text);
            return;
        }
        let style = self.style();
        push(&mut self.current().spans, text, style);
    }

    fn end_line(&mut self) {
        if let Some(mut line) = self.line.take() {
            // Soft breaks and spaces at the edges are not shown.
            if let Some(last) = line.spans.last_mut()
                && last.style != Style::Code
            {
                let trimmed = last.text.trim_end().len();
                last.text.truncate(trimmed);
            }
            line.spans.retain(|s| !s.text.is_empty());
            self.out.push(line);
        }
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        let at = range.start;
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(tag) => self.end(tag, range.end),
            Event::Text(t) => match &self.code {
                Some((language, block)) => {
                    let (language, block) = (language.clone(), *block);
                    let indent = self.indent();
                    for l in t.lines() {
                        self.out.push(Line {
                            kind: LineKind::Code {
                                language: language.clone(),
                                block,
                            },
                            indent,
                            spans: vec![Span {
                                text: super::sanitize::inert(l).into_owned(),
                                style: Style::Code,
                            }],
                        });
                    }
                }
                None => self.text(&t),
            },
            Event::Code(t) => {
                if let Some(alt) = &mut self.image {
                    alt.push_str(&t);
                } else {
                    push(&mut self.current().spans, &t, Style::Code);
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.hard_break(),
            Event::Html(t) | Event::InlineHtml(t) => match t.trim().to_ascii_lowercase().as_str() {
                "<br>" | "<br/>" | "<br />" => self.hard_break(),
                "<sup>" => self.text("^"),
                "<sub>" => self.text("_"),
                "</sup>" | "</sub>" => {}
                _ => {
                    for (i, l) in t.lines().enumerate() {
                        if i > 0 {
                            self.hard_break();
                        }
                        self.text(l);
                    }
                }
            },
            Event::Rule => {
                self.block_start(at);
                self.out.push(Line {
                    kind: LineKind::Rule,
                    indent: 0,
                    spans: Vec::new(),
                });
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text(&t)
            }
        }
    }

    fn hard_break(&mut self) {
        let line = self.current();
        let (kind, indent) = (line.kind.clone(), line.indent);
        let marker = line
            .spans
            .first()
            .filter(|s| s.style == Style::Plain && (s.text == "• " || s.text.ends_with(". ")))
            .map_or(0, |s| s.text.chars().count());
        self.end_line();
        self.line = Some(Line {
            kind,
            indent: indent + marker,
            spans: Vec::new(),
        });
    }

    fn start(&mut self, tag: Tag<'_>, at: usize) {
        match tag {
            Tag::Paragraph => {
                if self.marker.is_none() {
                    self.block_start(at);
                }
            }
            Tag::Heading { .. } => {
                self.block_start(at);
                self.heading = true;
            }
            Tag::BlockQuote(_) => {
                self.block_start(at);
                self.quotes += 1;
            }
            Tag::CodeBlock(kind) => {
                self.block_start(at);
                self.blocks += 1;
                let language = match kind {
                    CodeBlockKind::Fenced(info) => fence_language(&info),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((language, self.blocks));
            }
            Tag::List(first) => {
                if self.lists.is_empty() || self.line.is_some() {
                    self.block_start(at);
                }
                let indent = self.indent();
                self.lists.push(List {
                    next: first,
                    indent,
                });
            }
            Tag::Item => {
                self.block_start(at);
                let parent = self.lists.len().saturating_sub(1);
                let outer = if parent == 0 {
                    0
                } else {
                    self.lists[parent - 1].indent
                };
                let Some(list) = self.lists.last_mut() else {
                    return;
                };
                let marker = match &mut list.next {
                    Some(n) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    None => "• ".to_string(),
                };
                // Nested lists sit two columns in from their parent item.
                let base = if parent == 0 { 0 } else { outer.max(2) };
                list.indent = base + marker.chars().count();
                self.marker = Some(marker);
            }
            Tag::Emphasis => self.styles.push(Style::Emphasis),
            Tag::Strong => self.styles.push(Style::Bold),
            Tag::Strikethrough | Tag::Superscript | Tag::Subscript => {
                let s = self.style();
                self.styles.push(s)
            }
            Tag::Link { .. } => self.styles.push(Style::Link),
            Tag::Image { .. } => self.image = Some(String::new()),
            Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::MetadataBlock(_) => self.block_start(at),
        }
    }

    fn end(&mut self, tag: TagEnd, end: usize) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.end_line(),
            TagEnd::Heading(_) => {
                self.end_line();
                self.heading = false;
            }
            TagEnd::BlockQuote(_) => {
                self.end_line();
                self.quotes = self.quotes.saturating_sub(1);
            }
            TagEnd::CodeBlock => self.code = None,
            TagEnd::List(_) => {
                self.end_line();
                self.lists.pop();
            }
            TagEnd::Item => {
                // An empty item still shows its marker.
                if self.marker.is_some() {
                    self.current();
                }
                self.end_line();
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link => {
                self.styles.pop();
            }
            TagEnd::Image => {
                let alt = self.image.take().unwrap_or_default();
                self.text(&format!("[image: {alt}]"));
            }
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
            | TagEnd::MetadataBlock(_) => self.end_line(),
        }
        self.last_end = self.last_end.max(end);
    }

    fn finish(mut self) -> Vec<Line> {
        self.end_line();
        while self.out.last().is_some_and(|l| l.kind == LineKind::Blank) {
            self.out.pop();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(md: &str) -> Vec<(String, Style)> {
        render(md)
            .into_iter()
            .flat_map(|l| l.spans)
            .map(|s| (s.text, s.style))
            .collect()
    }

    #[test]
    fn inline_code_bold_and_emphasis() {
        assert_eq!(
            spans("Call `t.start()`, **not** *run*."),
            vec![
                ("Call ".into(), Style::Plain),
                ("t.start()".into(), Style::Code),
                (", ".into(), Style::Plain),
                ("not".into(), Style::Bold),
                (" ".into(), Style::Plain),
                ("run".into(), Style::Emphasis),
                (".".into(), Style::Plain),
            ]
        );
    }

    #[test]
    fn snake_case_and_lone_stars_stay_literal() {
        assert_eq!(
            to_plain("use snake_case_names and 2 * 3 * 4 or a*"),
            "use snake_case_names and 2 * 3 * 4 or a*"
        );
        assert_eq!(to_plain("`a*b` then *x*"), "a*b then x");
    }

    #[test]
    fn paragraphs_join_soft_breaks_and_separate_with_blank_lines() {
        let lines = render("one\ntwo\n\n\nthree");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].text(), "one two");
        assert_eq!(lines[1].kind, LineKind::Blank);
        assert_eq!(lines[2].text(), "three");
    }

    #[test]
    fn fenced_code_keeps_lines_and_language() {
        let lines = render("Look:\n\n```python\nx = 1\n  *y* = 2\n```\nafter");
        let code: Vec<_> = lines
            .iter()
            .filter(|l| matches!(l.kind, LineKind::Code { .. }))
            .collect();
        assert_eq!(code.len(), 2);
        assert_eq!(code[1].text(), "  *y* = 2");
        assert_eq!(
            code[0].kind,
            LineKind::Code {
                language: Some("python".into()),
                block: 1
            }
        );
        assert_eq!(lines.last().unwrap().text(), "after");
    }

    #[test]
    fn rust_book_info_strings_mean_rust() {
        let lines = render("```aquascope,interpreter,shouldFail\nfn main() {}\n```");
        assert_eq!(
            lines[0].kind,
            LineKind::Code {
                language: Some("rust".into()),
                block: 1
            }
        );
    }

    #[test]
    fn lists_nest_and_number() {
        let lines = render("* one\n  continued\n  * inner\n1. first\n2. second");
        let texts: Vec<_> = lines.iter().map(|l| (l.indent, l.text())).collect();
        assert_eq!(
            texts,
            vec![
                (0, "• one continued".to_string()),
                (2, "• inner".to_string()),
                (0, "1. first".to_string()),
                (0, "2. second".to_string()),
            ]
        );
    }

    #[test]
    fn headings_quotes_links_and_html() {
        let lines =
            render("# Title\n> quoted\n> more\n\nSee [the docs](x.html) and 2<sup>8</sup>.");
        assert_eq!(lines[0].kind, LineKind::Heading);
        assert_eq!(lines[0].spans[0].style, Style::Heading);
        assert_eq!(lines[1].kind, LineKind::Quote);
        assert_eq!(lines[1].text(), "quoted more");
        assert_eq!(lines[3].text(), "See the docs and 2^8.");
        assert!(lines[3].spans.iter().any(|s| s.style == Style::Link));
    }

    fn runs(s: &str) -> Vec<(String, Style)> {
        inline(s, Style::Plain)
            .into_iter()
            .map(|i| (i.text, i.style))
            .collect()
    }

    #[test]
    fn inline_text_is_commonmark_without_blocks() {
        assert_eq!(
            runs("use `with lock:` **always**, *really*"),
            vec![
                ("use ".into(), Style::Plain),
                ("with lock:".into(), Style::Code),
                (" ".into(), Style::Plain),
                ("always".into(), Style::Bold),
                (", ".into(), Style::Plain),
                ("really".into(), Style::Emphasis),
            ]
        );
        // Lessons and quizzes agree: a lone star is a star.
        assert_eq!(strip("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(to_plain("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(
            runs("2 * 3 and `x"),
            vec![("2 * 3 and `x".into(), Style::Plain)]
        );
        // What would start a block is kept as text in a bullet or caption.
        for text in [
            "# not a heading",
            "1983. A year",
            "- a dash",
            "> a quote",
            "```",
            "***",
            "<div>",
        ] {
            assert_eq!(strip(text), text);
        }
        assert_eq!(strip("two\nlines"), "two lines");
        assert_eq!(runs("**Don't**"), vec![("Don't".into(), Style::Bold)]);
        assert_eq!(runs("*yes*"), vec![("yes".into(), Style::Emphasis)]);
    }

    #[test]
    fn escapes_entities_and_code_keep_their_characters() {
        assert_eq!(
            runs(r"\*not\* `a*b`"),
            vec![("*not* ".into(), Style::Plain), ("a*b".into(), Style::Code)]
        );
        assert_eq!(
            strip("from threading import `*`"),
            "from threading import *"
        );
        assert_eq!(strip("a &amp; b &lt;c&gt;"), "a & b <c>");
    }

    #[test]
    fn nothing_raw_comes_out_even_from_entities() {
        for text in [
            "&#27;[31mred",
            "\u{1b}]52;c;x\u{7}",
            "`\u{1b}[2J`",
            "```\n\u{9b}x\n```",
        ] {
            for line in render(text) {
                for span in line.spans {
                    assert!(
                        !span.text.chars().any(|c| c.is_control() && c != '\n'),
                        "{text:?} gave {:?}",
                        span.text
                    );
                }
            }
        }
    }

    #[test]
    fn adversarial_shapes_take_linear_time() {
        // Shapes that made the old hand-written parser quadratic, at 1 MB.
        let n = 100_000;
        let links = "[".repeat(n) + "x" + &"](a)".repeat(n);
        let stars = "*a ".repeat(n * 3);
        let backticks = "`a ``".repeat(n * 2);
        // The old parser took minutes to hours on these (and gigabytes on
        // the links); these finish in milliseconds (benches/markdown.rs).
        for text in [links, stars, backticks] {
            let lines = render(&text);
            assert!(!lines.is_empty());
            let plain: usize = inline(&text, Style::Plain)
                .iter()
                .map(|s| s.text.len())
                .sum();
            assert!(plain <= text.len());
        }
    }

    #[test]
    fn junk_never_panics() {
        for junk in [
            "**",
            "`",
            "[",
            "[a](",
            "![",
            "<",
            "\\",
            "* ",
            "```",
            "~~~~\n",
            "*a **b* c**",
            "é*ü*",
            "1.",
            "> ",
            "#",
        ] {
            let _ = render(junk);
            let _ = to_plain(junk);
        }
        let deep = "*".repeat(10_000) + "x" + &"*".repeat(10_000);
        let _ = render(&deep);
    }
}
