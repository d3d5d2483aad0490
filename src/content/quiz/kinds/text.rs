//! Small text helpers the kinds share: TOML strings and keys for answer
//! sheets, points for people, options on one line, and the escapes of the
//! LMS formats.

use crate::content::markdown;
use crate::content::sanitize::inert;

/// A TOML key: bare when it can be, quoted otherwise.
pub fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// A TOML basic string with everything needed escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number of points for people: `2`, `1.5`, `0.67`.
pub fn format_points(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An option as a student copies it: plain text on one line.
pub fn option_line(option: &str) -> String {
    markdown::to_plain(option)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Content text for XML character data or a quoted attribute value: made
/// [`inert`] (control characters become visible stand-ins), then `& < > "
/// '` as entities; anything XML 1.0 cannot hold is dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in inert(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content text for GIFT: made [`inert`], then its special characters `~ =
/// # { } :` and the backslash escaped with a backslash; a line break
/// written as `\n` (a blank line would end the question).
pub fn gift_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in inert(s).chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_for_people() {
        assert_eq!(format_points(2.0), "2");
        assert_eq!(format_points(1.5), "1.5");
        assert_eq!(format_points(2.0 / 3.0), "0.67");
    }

    #[test]
    fn xml_and_gift_escapes() {
        assert_eq!(
            xml_escape("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\u{241b}"
        );
        assert_eq!(
            gift_escape("a{b}=c~d#e:f\\"),
            "a\\{b\\}\\=c\\~d\\#e\\:f\\\\"
        );
        assert_eq!(gift_escape("one\n\ntwo"), "one\\n\\ntwo");
    }
}
