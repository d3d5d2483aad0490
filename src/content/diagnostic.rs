//! Diagnostics: every problem found in content, pinned to `path:line:col`.
//!
//! Loaders work with byte offsets (what the TOML parser reports); this module
//! turns them into 1-based line and column numbers counted in characters, so
//! the position matches what an editor shows.

use std::fmt;
use std::ops::Range;

/// One problem in one file, at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at byte offset `offset` of `text` (clamped to the text).
    pub fn at(path: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        Diagnostic {
            path: path.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    /// A diagnostic at the start of a span, or at 1:1 when there is none.
    pub fn at_span(
        path: &str,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(path, text, span.map_or(0, |s| s.start), message)
    }

    /// A diagnostic about the whole file (reported at 1:1).
    pub fn file(path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_string(),
            line: 1,
            col: 1,
            message: message.into(),
        }
    }
}

/// Every diagnostic is printed through here, so whatever a loader put in
/// its path or message (a file name, an id or value echoed from content) is
/// made inert in ONE place: control characters and bidi overrides become
/// visible stand-ins, and a path cannot start a fake line.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::sanitize::inert;
        let path = inert(&self.path);
        let path = path.replace('\n', "\u{240A}");
        write!(
            f,
            "{path}:{}:{}: {}",
            self.line,
            self.col,
            inert(&self.message)
        )
    }
}

/// 1-based (line, column) of byte `offset` in `text`; the column counts chars.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Decode a file's bytes as UTF-8, or say where the first bad byte is.
pub fn decode_utf8(path: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        // Everything before the bad byte is valid, so line/col can be counted there.
        let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let (line, col) = line_col(prefix, prefix.len());
        Diagnostic {
            path: path.to_string(),
            line,
            col,
            message: format!("invalid UTF-8 (byte 0x{:02x})", bytes[good]),
        }
    })
}

/// Turn a `toml` deserialisation error into a diagnostic at its span.
pub fn from_toml_error(path: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_string();
    Diagnostic::at_span(path, text, err.span(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_makes_path_and_message_inert() {
        let d = Diagnostic::file(
            "lessons/98-\u{1b}]52;c;aGk=\u{7}\n.toml",
            "unknown demo `x\u{9b}31m\u{202e}\u{7f}`",
        );
        let text = d.to_string();
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{text:?}"
        );
        assert!(
            text.starts_with("lessons/98-␛]52;c;aGk=␇␊.toml:1:1: unknown demo"),
            "{text}"
        );
    }

    #[test]
    fn line_col_counts_from_one_in_chars() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'd' comes after a two-byte 'ç': byte 5, column 2.
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(line_col(text, 999), (3, 3));
    }

    #[test]
    fn invalid_utf8_is_pinned_to_its_place() {
        let d = decode_utf8("x.toml", b"a = 1\nb = \"\xff\"".to_vec()).unwrap_err();
        assert_eq!(d.to_string(), "x.toml:2:6: invalid UTF-8 (byte 0xff)");
    }
}
