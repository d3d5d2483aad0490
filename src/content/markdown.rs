//! Markdown to styled lines: the small subset quiz prompts use (mdbook-quiz
//! prompts are CommonMark), rendered to plain data so the TUI, the text report
//! and answer-sheet templates all share one renderer.
//!
//! Supported: paragraphs (soft line breaks joined), headings, bullet and
//! numbered lists (nested by indentation), block quotes, fenced code blocks
//! with a language, thematic breaks, and inline `code`, **bold**, *emphasis*,
//! links (their text), images (`[image: alt]`), backslash escapes and the
//! `<sup>`, `<sub>` and `<br>` tags the Rust-book quizzes use. Anything else is
//! shown as the text it is. Pure: no terminal types; never panics.

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
    let mut r = Renderer::default();
    for raw in markdown.lines() {
        r.line(raw);
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

#[derive(Default)]
struct Renderer {
    out: Vec<Line>,
    /// The paragraph, list item or quote being collected.
    pending: Option<Pending>,
    fence: Option<Fence>,
    blocks: usize,
}

struct Pending {
    kind: LineKind,
    indent: usize,
    /// A list marker shown before the text.
    marker: Option<String>,
    text: String,
}

struct Fence {
    ch: char,
    len: usize,
    /// Spaces stripped from each code line (the fence's own indentation).
    strip: usize,
    /// Columns the block is shown indented by (inside a list item).
    indent: usize,
    language: Option<String>,
    block: usize,
}

/// `(indent, marker, rest)` when the line starts a list item.
fn list_item(line: &str) -> Option<(usize, String, &str)> {
    let indent = line.len() - line.trim_start().len();
    let t = line.trim_start();
    let mut chars = t.char_indices();
    let (_, c) = chars.next()?;
    if matches!(c, '-' | '*' | '+') {
        let rest = &t[1..];
        if rest.starts_with(' ') || rest.starts_with('\t') {
            return Some((indent, "• ".to_string(), rest.trim_start()));
        }
        return None;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let after = &t[digits..];
        if let Some(rest) = after.strip_prefix(['.', ')'])
            && (rest.starts_with(' ') || rest.starts_with('\t'))
        {
            return Some((indent, format!("{} ", &t[..digits + 1]), rest.trim_start()));
        }
    }
    None
}

/// A line's text without its hard-break marker (two trailing spaces or a
/// backslash), and whether it had one.
fn body(t: &str) -> (&str, bool) {
    let hard = t.ends_with("  ") || t.ends_with('\\');
    let s = t.trim_end();
    (s.strip_suffix('\\').unwrap_or(s), hard)
}

fn is_rule(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
}

/// `(char, run length, info)` when the line opens a fence.
fn fence_open(t: &str) -> Option<(char, usize, &str)> {
    let ch = t.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let len = t.chars().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info = &t[len..];
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info.trim()))
}

impl Renderer {
    fn push(&mut self, line: Line) {
        self.out.push(line);
    }

    fn blank(&mut self) {
        self.flush();
        if self.out.last().is_some_and(|l| l.kind != LineKind::Blank) {
            self.push(Line {
                kind: LineKind::Blank,
                indent: 0,
                spans: Vec::new(),
            });
        }
    }

    fn flush(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let base = if p.kind == LineKind::Heading {
            Style::Heading
        } else {
            Style::Plain
        };
        let marker_width = p.marker.as_ref().map_or(0, |m| m.chars().count());
        // `\0` marks a hard line break inside a paragraph or list item.
        for (k, piece) in p.text.split('\u{0}').enumerate() {
            let piece = piece.trim();
            if k > 0 && piece.is_empty() {
                continue;
            }
            let mut spans = Vec::new();
            if k == 0
                && let Some(m) = &p.marker
            {
                spans.push(Span {
                    text: m.clone(),
                    style: Style::Plain,
                });
            }
            spans.extend(inline(piece, base));
            self.out.push(Line {
                kind: p.kind.clone(),
                indent: if k == 0 {
                    p.indent
                } else {
                    p.indent + marker_width
                },
                spans: merge(spans),
            });
        }
    }

    fn line(&mut self, raw: &str) {
        let raw = raw.trim_end_matches('\r');
        if let Some(f) = &self.fence {
            let t = raw.trim_start();
            let run = t.chars().take_while(|&c| c == f.ch).count();
            if run >= f.len && t[run * f.ch.len_utf8()..].trim().is_empty() {
                self.fence = None;
                return;
            }
            // Strip up to the fence's own indentation from code lines.
            let strip = raw
                .char_indices()
                .take_while(|&(i, c)| i < f.strip && c == ' ')
                .count();
            let code = raw[strip..].replace('\t', "    ");
            let line = Line {
                kind: LineKind::Code {
                    language: f.language.clone(),
                    block: f.block,
                },
                indent: f.indent,
                spans: vec![Span {
                    text: code,
                    style: Style::Code,
                }],
            };
            self.push(line);
            return;
        }
        let t = raw.trim_start();
        let indent = raw.len() - t.len();
        if t.is_empty() {
            self.blank();
            return;
        }
        if let Some((ch, len, info)) = fence_open(t) {
            self.flush();
            // An indented fence right after a list item belongs to the item.
            let shown = if indent > 0 {
                self.pending_list_indent().unwrap_or(indent)
            } else {
                0
            };
            self.blocks += 1;
            self.fence = Some(Fence {
                ch,
                len,
                strip: indent,
                indent: shown,
                language: fence_language(info),
                block: self.blocks,
            });
            return;
        }
        if is_rule(t) {
            self.flush();
            self.push(Line {
                kind: LineKind::Rule,
                indent: 0,
                spans: Vec::new(),
            });
            return;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            self.flush();
            self.pending = Some(Pending {
                kind: LineKind::Heading,
                indent: 0,
                marker: None,
                text: t[hashes..].trim().trim_end_matches('#').trim().to_string(),
            });
            self.flush();
            return;
        }
        if let Some(rest) = t.strip_prefix('>') {
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            if rest.trim().is_empty() {
                self.flush();
                return;
            }
            if let Some(p) = &mut self.pending
                && p.kind == LineKind::Quote
            {
                p.text.push(' ');
                p.text.push_str(rest.trim());
                return;
            }
            self.flush();
            self.pending = Some(Pending {
                kind: LineKind::Quote,
                indent,
                marker: None,
                text: rest.trim().to_string(),
            });
            return;
        }
        if let Some((li, marker, rest)) = list_item(raw) {
            self.flush();
            // Nested lists: two columns per level of source indentation.
            let level = li / 2;
            self.pending = Some(Pending {
                kind: LineKind::Text,
                indent: level * 2,
                marker: Some(marker),
                text: rest.to_string(),
            });
            return;
        }
        // Continuation of a paragraph or list item (lazy continuation too).
        let (text, hard) = body(t);
        if let Some(p) = &mut self.pending
            && p.kind != LineKind::Heading
        {
            if !p.text.is_empty() && !p.text.ends_with('\u{0}') {
                p.text.push(' ');
            }
            p.text.push_str(text);
        } else {
            self.flush();
            self.pending = Some(Pending {
                kind: LineKind::Text,
                indent: 0,
                marker: None,
                text: text.to_string(),
            });
        }
        if hard && let Some(p) = &mut self.pending {
            p.text.push('\u{0}');
        }
    }

    /// The text column of the list item being collected, if any, so a fence
    /// inside a list item is indented with it.
    fn pending_list_indent(&self) -> Option<usize> {
        let last = self.out.iter().rev().find(|l| l.kind != LineKind::Blank)?;
        let first = last.spans.first()?;
        if last.kind == LineKind::Text && (first.text == "• " || first.text.ends_with(". ")) {
            Some(last.indent + first.text.chars().count())
        } else {
            None
        }
    }

    fn finish(mut self) -> Vec<Line> {
        self.flush();
        while self.out.last().is_some_and(|l| l.kind == LineKind::Blank) {
            self.out.pop();
        }
        self.out
    }
}

/// Join neighbouring spans of the same style; drop empty ones.
fn merge(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if s.text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.style == s.style => last.text.push_str(&s.text),
            _ => out.push(s),
        }
    }
    out
}

/// Parse inline markup in `text`; `base` is the style of unmarked text.
pub fn inline(text: &str, base: Style) -> Vec<Span> {
    let mut out = Vec::new();
    inline_into(text, base, &mut out, 0);
    merge(out)
}

fn push(out: &mut Vec<Span>, text: &str, style: Style) {
    if !text.is_empty() {
        out.push(Span {
            text: text.to_string(),
            style,
        });
    }
}

/// Emphasis nests at most this deep; deeper markers stay literal text.
const MAX_DEPTH: usize = 8;

fn inline_into(text: &str, base: Style, out: &mut Vec<Span>, depth: usize) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut plain = String::new();
    let mut i = 0;
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let byte = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    while i < chars.len() {
        let c = chars[i].1;
        match c {
            '\\' if at(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                plain.push(chars[i + 1].1);
                i += 2;
            }
            '`' => {
                let run = chars[i..].iter().take_while(|&&(_, c)| c == '`').count();
                // Find a closing run of exactly the same length.
                let mut j = i + run;
                let mut close = None;
                while j < chars.len() {
                    if chars[j].1 == '`' {
                        let r = chars[j..].iter().take_while(|&&(_, c)| c == '`').count();
                        if r == run {
                            close = Some(j);
                            break;
                        }
                        j += r;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(j) => {
                        push(out, &std::mem::take(&mut plain), base);
                        let inner = &text[byte(i + run)..byte(j)];
                        let inner = if inner.len() >= 2
                            && inner.starts_with(' ')
                            && inner.ends_with(' ')
                            && !inner.trim().is_empty()
                        {
                            &inner[1..inner.len() - 1]
                        } else {
                            inner
                        };
                        push(out, inner, Style::Code);
                        i = j + run;
                    }
                    None => {
                        for _ in 0..run {
                            plain.push('`');
                        }
                        i += run;
                    }
                }
            }
            '*' | '_' if depth < MAX_DEPTH => {
                let run = chars[i..].iter().take_while(|&&(_, d)| d == c).count();
                let prev = if i == 0 { None } else { at(i - 1) };
                let next = at(i + run);
                let can_open = next.is_some_and(|n| !n.is_whitespace())
                    && (c == '*' || !prev.is_some_and(char::is_alphanumeric));
                let n = run.min(2);
                let close = if can_open {
                    find_closer(&chars, i + n, c, n)
                } else {
                    None
                };
                match close {
                    Some(j) => {
                        push(out, &std::mem::take(&mut plain), base);
                        let style = if n == 2 { Style::Bold } else { Style::Emphasis };
                        let inner = &text[byte(i + n)..byte(j)];
                        inline_into(inner, style, out, depth + 1);
                        i = j + n;
                    }
                    None => {
                        for _ in 0..run {
                            plain.push(c);
                        }
                        i += run;
                    }
                }
            }
            '!' if at(i + 1) == Some('[') => match link(text, &chars, i + 1) {
                Some((label, end)) => {
                    push(out, &std::mem::take(&mut plain), base);
                    push(out, &format!("[image: {label}]"), base);
                    i = end;
                }
                None => {
                    plain.push('!');
                    i += 1;
                }
            },
            '[' => match link(text, &chars, i) {
                Some((label, end)) => {
                    push(out, &std::mem::take(&mut plain), base);
                    let mut inner = Vec::new();
                    inline_into(&label, Style::Link, &mut inner, depth + 1);
                    out.extend(inner);
                    i = end;
                }
                None => {
                    plain.push('[');
                    i += 1;
                }
            },
            '<' => {
                let rest = &text[byte(i)..];
                let tag = rest.find('>').map(|e| &rest[..=e]);
                match tag.map(str::to_ascii_lowercase).as_deref() {
                    Some("<sup>") => plain.push('^'),
                    Some("<sub>") => plain.push('_'),
                    Some("</sup>") | Some("</sub>") => {}
                    Some("<br>") | Some("<br/>") | Some("<br />") => plain.push(' '),
                    Some(t) if t.starts_with("<http") && !t.contains(' ') => {
                        plain.push_str(&t[1..t.len() - 1]);
                    }
                    _ => {
                        plain.push('<');
                        i += 1;
                        continue;
                    }
                }
                i += tag.map_or(1, |t| t.chars().count());
            }
            _ => {
                plain.push(c);
                i += 1;
            }
        }
    }
    push(out, &plain, base);
}

/// Index of a closing delimiter run of `n` × `c` after `from`, skipping code.
fn find_closer(chars: &[(usize, char)], from: usize, c: char, n: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        let d = chars[j].1;
        if d == '`' {
            // Skip a code span so `*` inside code does not close emphasis.
            let run = chars[j..].iter().take_while(|&&(_, x)| x == '`').count();
            let mut k = j + run;
            while k < chars.len() {
                if chars[k].1 == '`' {
                    let r = chars[k..].iter().take_while(|&&(_, x)| x == '`').count();
                    if r == run {
                        break;
                    }
                    k += r;
                } else {
                    k += 1;
                }
            }
            j = if k < chars.len() { k + run } else { j + run };
            continue;
        }
        if d == '\\' {
            j += 2;
            continue;
        }
        if d == c {
            let run = chars[j..].iter().take_while(|&&(_, x)| x == c).count();
            let prev = chars[j - 1].1;
            let after = chars.get(j + run).map(|&(_, x)| x);
            let can_close = j > from
                && !prev.is_whitespace()
                && (c == '*' || !after.is_some_and(char::is_alphanumeric));
            if can_close && run >= n {
                return Some(j);
            }
            j += run;
            continue;
        }
        j += 1;
    }
    None
}

/// A `[label](target)` at `open` (the `[`): the label and the index after `)`.
fn link(text: &str, chars: &[(usize, char)], open: usize) -> Option<(String, usize)> {
    let mut depth = 0usize;
    let mut j = open;
    while j < chars.len() {
        match chars[j].1 {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            '\\' => j += 1,
            _ => {}
        }
        j += 1;
    }
    if j >= chars.len() || chars.get(j + 1).map(|&(_, c)| c) != Some('(') {
        return None;
    }
    let close = chars[j + 2..].iter().position(|&(_, c)| c == ')')? + j + 2;
    let start = chars[open].0 + 1;
    let label = text[start..chars[j].0].to_string();
    Some((label, close + 1))
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
