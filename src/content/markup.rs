//! Inline markup in lesson text: `code`, **bold**, *emphasis*, and `\` to
//! escape a marker. Unclosed markers are kept as literal text, so no input
//! is ever an error here.

/// How a run of inline text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineStyle {
    Plain,
    Code,
    Bold,
    Emphasis,
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub text: String,
    pub style: InlineStyle,
}

/// Split text into styled runs.
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    let flush = |plain: &mut String, out: &mut Vec<Inline>| {
        if !plain.is_empty() {
            push(out, std::mem::take(plain), InlineStyle::Plain);
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() && matches!(chars[i + 1], '`' | '*' | '\\') {
            plain.push(chars[i + 1]);
            i += 2;
            continue;
        }
        let (marker, style): (&[char], InlineStyle) = match c {
            '`' => (&['`'], InlineStyle::Code),
            '*' if chars.get(i + 1) == Some(&'*') => (&['*', '*'], InlineStyle::Bold),
            '*' => (&['*'], InlineStyle::Emphasis),
            _ => {
                plain.push(c);
                i += 1;
                continue;
            }
        };
        let start = i + marker.len();
        match find_close(&chars, start, marker, style == InlineStyle::Code) {
            Some(end) if end > start => {
                flush(&mut plain, &mut out);
                let inner: String = chars[start..end].iter().collect();
                let inner = if style == InlineStyle::Code {
                    inner
                } else {
                    unescape(&inner)
                };
                push(&mut out, inner, style);
                i = end + marker.len();
            }
            _ => {
                plain.extend(marker.iter());
                i = start;
            }
        }
    }
    flush(&mut plain, &mut out);
    out
}

fn push(out: &mut Vec<Inline>, text: String, style: InlineStyle) {
    match out.last_mut() {
        Some(last) if last.style == style => last.text.push_str(&text),
        _ => out.push(Inline { text, style }),
    }
}

fn find_close(chars: &[char], from: usize, marker: &[char], raw: bool) -> Option<usize> {
    let mut j = from;
    while j + marker.len() <= chars.len() {
        if !raw && chars[j] == '\\' {
            j += 2;
            continue;
        }
        if chars[j..j + marker.len()] == *marker {
            // `*a**` must not close emphasis on the first '*' of a bold marker.
            if marker.len() == 1 && marker[0] == '*' && chars.get(j + 1) == Some(&'*') {
                j += 2;
                continue;
            }
            return Some(j);
        }
        j += 1;
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' && matches!(it.peek(), Some('`' | '*' | '\\')) {
            out.push(it.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

/// The text without markup (for search and plain output).
pub fn strip(text: &str) -> String {
    parse_inline(text).into_iter().map(|i| i.text).collect()
}

#[cfg(test)]
mod tests {
    use super::InlineStyle::*;
    use super::*;

    fn runs(s: &str) -> Vec<(String, InlineStyle)> {
        parse_inline(s)
            .into_iter()
            .map(|i| (i.text, i.style))
            .collect()
    }

    #[test]
    fn styles_are_recognised() {
        assert_eq!(
            runs("use `with lock:` **always**, *really*"),
            vec![
                ("use ".into(), Plain),
                ("with lock:".into(), Code),
                (" ".into(), Plain),
                ("always".into(), Bold),
                (", ".into(), Plain),
                ("really".into(), Emphasis),
            ]
        );
    }

    #[test]
    fn unclosed_markers_are_literal() {
        assert_eq!(runs("2 * 3 and `x"), vec![("2 * 3 and `x".into(), Plain)]);
        assert_eq!(runs("**"), vec![("**".into(), Plain)]);
    }

    #[test]
    fn escapes_and_code_keep_stars() {
        assert_eq!(
            runs(r"\*not\* `a*b`"),
            vec![("*not* ".into(), Plain), ("a*b".into(), Code)]
        );
        assert_eq!(
            strip("from threading import `*`"),
            "from threading import *"
        );
    }
}
