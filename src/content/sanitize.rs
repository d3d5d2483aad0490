//! Making text inert before it reaches a terminal: control characters
//! (ESC, BEL, C1 controls, DEL) and bidi overrides in content could move the
//! cursor, write the clipboard (OSC 52) or reorder what the reader sees.
//! They are replaced by visible stand-ins.

use std::borrow::Cow;

/// Is `c` something that must not reach the terminal raw?
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Replace control characters by their Unicode control pictures (ESC → ␛),
/// C1 controls and bidi overrides by U+FFFD, and tabs by four spaces.
pub fn inert(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) || c == '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\u{0}'..='\u{1F}' if c != '\n' => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'))
            }
            '\u{7F}' => out.push('\u{2421}'),
            c if is_hostile(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with every character [`inert`] would replace written as a
/// `\uXXXX` escape instead: the same data, and safe to print.
pub fn json_inert(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_hostile(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        let s = "a\x1b]52;c;SGVsbG8=\x07b\u{9b}c\u{202e}d\te\n";
        let out = inert(s);
        assert!(!out.chars().any(is_hostile), "{out:?}");
        assert_eq!(out, "a␛]52;c;SGVsbG8=␇b\u{FFFD}c\u{FFFD}d    e\n");
        assert!(matches!(inert("plain"), Cow::Borrowed(_)));
        let j = json_inert("{\"a\":\"x\u{9b}y\u{202e}\"}");
        assert_eq!(j, "{\"a\":\"x\\u009by\\u202e\"}");
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["a"], "x\u{9b}y\u{202e}");
    }
}
