//! Drawing under a locale that is not UTF-8 (`LANG=C`): every cell of a
//! finished frame is mapped to ASCII at draw time (borders to `-|+`,
//! bullets and marks to letters), so the screen stays legible on a terminal
//! that would show UTF-8 as mojibake.

use ratatui::buffer::Buffer;

/// Is the locale's character set something other than UTF-8? The first of
/// `LC_ALL`, `LC_CTYPE`, `LANG` that is set decides; with none set the
/// terminal is taken to be UTF-8 (as most are today).
pub fn locale_is_ascii(var: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            !(v.contains("utf-8") || v.contains("utf8"))
        })
}

/// The ASCII stand-in for one character.
pub fn ascii_char(c: char) -> char {
    match c {
        c if c.is_ascii() => c,
        '─' | '━' | '═' | '╌' | '┄' | '—' | '–' | '‐' | '▁' | '⎯' => '-',
        '│' | '┃' | '║' | '╎' | '┆' | '▏' | '▕' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' | '╔' | '╗'
        | '╚' | '╝' | '╠' | '╣' | '╦' | '╩' | '╬' | '┏' | '┓' | '┗' | '┛' => {
            '+'
        }
        '•' | '●' | '◆' | '■' | '▪' | '∙' | '·' | '★' => '*',
        '○' | '◯' | '◦' | '□' | '◇' | '◐' | '◑' | '◒' | '◓' => 'o',
        '✓' | '✔' => 'v',
        '✗' | '✘' | '×' => 'x',
        '›' | '»' | '▶' | '▸' | '►' | '→' | '⟶' => '>',
        '‹' | '«' | '◀' | '◂' | '◄' | '←' => '<',
        '↑' | '▲' | '▴' => '^',
        '↓' | '▼' | '▾' => 'v',
        '…' => '.',
        '█' | '▓' | '▒' => '#',
        '░' => '.',
        '‘' | '’' | '′' => '\'',
        '“' | '”' | '″' => '"',
        _ => '?',
    }
}

/// Map every cell of `buf` to ASCII.
pub fn asciify(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.is_ascii() {
            continue;
        }
        // A cell holds one grapheme: its first character decides.
        let c = sym.chars().next().map_or(' ', ascii_char);
        let mut tmp = [0u8; 4];
        cell.set_symbol(c.encode_utf8(&mut tmp));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Borders, Widget};

    #[test]
    fn locale_decides() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(locale_is_ascii(env(&[("LANG", "C")])));
        assert!(locale_is_ascii(env(&[
            ("LANG", "en_GB.UTF-8"),
            ("LC_ALL", "POSIX")
        ])));
        assert!(!locale_is_ascii(env(&[
            ("LANG", "C"),
            ("LC_CTYPE", "C.utf8")
        ])));
        assert!(!locale_is_ascii(env(&[("LANG", "en_US.UTF-8")])));
        assert!(!locale_is_ascii(env(&[])));
    }

    #[test]
    fn a_bordered_block_becomes_ascii() {
        let area = Rect::new(0, 0, 6, 3);
        let mut buf = Buffer::empty(area);
        Block::default()
            .borders(Borders::ALL)
            .title("• ✓")
            .render(area, &mut buf);
        asciify(&mut buf);
        let text: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert!(text.is_ascii(), "{text}");
        assert!(text.starts_with("+* v-+"), "{text}");
    }
}
