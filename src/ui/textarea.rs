//! A small text editor for quiz answers: one line or many, with the editing
//! keys people expect — arrows, Home/End, word-wise moves and deletes
//! (Ctrl/Alt with ←/→, Ctrl-W, Alt-Backspace, Ctrl-Delete), Backspace,
//! Delete, Ctrl-U/Ctrl-K, and pasted text. Pure state, tested without a
//! terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

/// The text being edited and where the cursor is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextArea {
    /// Lines of characters (never empty: at least one line).
    lines: Vec<Vec<char>>,
    /// Cursor: line and character index within it.
    row: usize,
    col: usize,
    pub multiline: bool,
}

/// Longest answer accepted, in characters (an answer sheet, not a book).
pub const MAX_CHARS: usize = 20_000;

impl TextArea {
    pub fn new(multiline: bool) -> TextArea {
        TextArea {
            lines: vec![Vec::new()],
            row: 0,
            col: 0,
            multiline,
        }
    }

    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn set_text(&mut self, s: &str) {
        *self = TextArea::new(self.multiline);
        self.insert_str(s);
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(Vec::is_empty)
    }

    /// (row, col) of the cursor, col in characters.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.iter().collect()).collect()
    }

    fn len(&self) -> usize {
        self.lines.iter().map(Vec::len).sum::<usize>() + self.lines.len() - 1
    }

    /// Insert text at the cursor (a paste). Line breaks (LF, CRLF, or the
    /// lone CR terminals send in a bracketed paste) start a new line, or
    /// become spaces in a one-line field; control characters are dropped.
    pub fn insert_str(&mut self, s: &str) {
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            let c = if c == '\r' {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                '\n'
            } else {
                c
            };
            match c {
                '\n' if self.multiline => self.newline(),
                '\n' | '\t' => self.insert(' '),
                c if c.is_control() => {}
                c => self.insert(c),
            }
        }
    }

    pub fn insert(&mut self, c: char) {
        if self.len() >= MAX_CHARS {
            return;
        }
        self.lines[self.row].insert(self.col, c);
        self.col += 1;
    }

    fn newline(&mut self) {
        if self.len() >= MAX_CHARS {
            return;
        }
        let rest = self.lines[self.row].split_off(self.col);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    fn is_word(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// The column after moving one word left from `col` in the current line.
    fn word_left(&self) -> usize {
        let line = &self.lines[self.row];
        let mut c = self.col;
        while c > 0 && !Self::is_word(line[c - 1]) {
            c -= 1;
        }
        while c > 0 && Self::is_word(line[c - 1]) {
            c -= 1;
        }
        c
    }

    fn word_right(&self) -> usize {
        let line = &self.lines[self.row];
        let mut c = self.col;
        while c < line.len() && !Self::is_word(line[c]) {
            c += 1;
        }
        while c < line.len() && Self::is_word(line[c]) {
            c += 1;
        }
        c
    }

    /// Handle an editing key; returns whether it was one.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('w') if ctrl => self.delete_word_back(),
            KeyCode::Char('u') if ctrl => {
                self.lines[self.row].drain(..self.col);
                self.col = 0;
            }
            KeyCode::Char('k') if ctrl => {
                self.lines[self.row].truncate(self.col);
            }
            KeyCode::Char('a') if ctrl => self.col = 0,
            KeyCode::Char('e') if ctrl => self.col = self.lines[self.row].len(),
            KeyCode::Char('b') if alt => self.col = self.word_left(),
            KeyCode::Char('f') if alt => self.col = self.word_right(),
            KeyCode::Char(_) if ctrl || alt => return false,
            KeyCode::Char(c) => self.insert(c),
            KeyCode::Enter if self.multiline => self.newline(),
            KeyCode::Backspace if alt || ctrl => self.delete_word_back(),
            KeyCode::Backspace => {
                if self.col > 0 {
                    self.col -= 1;
                    self.lines[self.row].remove(self.col);
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.lines[self.row].len();
                    self.lines[self.row].extend(line);
                }
            }
            KeyCode::Delete if ctrl || alt => {
                let to = self.word_right();
                self.lines[self.row].drain(self.col..to);
            }
            KeyCode::Delete => {
                if self.col < self.lines[self.row].len() {
                    self.lines[self.row].remove(self.col);
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    self.lines[self.row].extend(next);
                }
            }
            KeyCode::Left if ctrl || alt => self.col = self.word_left(),
            KeyCode::Right if ctrl || alt => self.col = self.word_right(),
            KeyCode::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if self.row > 0 {
                    self.row -= 1;
                    self.col = self.lines[self.row].len();
                }
            }
            KeyCode::Right => {
                if self.col < self.lines[self.row].len() {
                    self.col += 1;
                } else if self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                }
            }
            KeyCode::Up if self.multiline && self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.lines[self.row].len());
            }
            KeyCode::Down if self.multiline && self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.lines[self.row].len());
            }
            KeyCode::Home if ctrl => {
                self.row = 0;
                self.col = 0;
            }
            KeyCode::End if ctrl => {
                self.row = self.lines.len() - 1;
                self.col = self.lines[self.row].len();
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.lines[self.row].len(),
            _ => return false,
        }
        true
    }

    fn delete_word_back(&mut self) {
        let from = self.word_left();
        self.lines[self.row].drain(from..self.col);
        self.col = from;
    }

    /// The text wrapped to `width` cells, as display lines, with the cursor's
    /// (display line, cell column). Lines break after a space, as prose
    /// does; only a word longer than the whole line is cut. One column is
    /// kept free for the cursor at the end of a line. Linear in the text.
    pub fn wrapped(&self, width: usize) -> (Vec<String>, (usize, usize)) {
        let limit = width.max(2) - 1;
        let mut out = Vec::new();
        let mut cursor = (0, 0);
        for (r, line) in self.lines.iter().enumerate() {
            let cells: Vec<usize> = line.iter().map(|c| c.width().unwrap_or(0)).collect();
            let mut start = 0;
            loop {
                // The most characters from `start` that fit, and the last
                // space among them.
                let mut end = start;
                let mut used = 0;
                let mut space = None;
                while end < line.len() && used + cells[end] <= limit {
                    used += cells[end];
                    if line[end] == ' ' {
                        space = Some(end);
                    }
                    end += 1;
                }
                if end == start && end < line.len() {
                    // A character wider than the whole line: it goes alone.
                    end += 1;
                }
                let last = end >= line.len();
                if !last && let Some(sp) = space {
                    // Break after the last space that fits.
                    end = sp + 1;
                }
                if r == self.row && self.col >= start && (self.col < end || last) {
                    let col: usize = cells[start..self.col].iter().sum();
                    cursor = (out.len(), col);
                }
                out.push(line[start..end].iter().collect());
                if last {
                    break;
                }
                start = end;
            }
        }
        (out, cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn key(ta: &mut TextArea, code: KeyCode, mods: KeyModifiers) {
        ta.on_key(KeyEvent::new(code, mods));
    }

    fn typed(s: &str, multiline: bool) -> TextArea {
        let mut ta = TextArea::new(multiline);
        for c in s.chars() {
            if c == '\n' {
                key(&mut ta, KeyCode::Enter, KeyModifiers::NONE);
            } else {
                key(&mut ta, KeyCode::Char(c), KeyModifiers::NONE);
            }
        }
        ta
    }

    #[test]
    fn typing_and_lines() {
        let ta = typed("a lock\nis a mutex", true);
        assert_eq!(ta.text(), "a lock\nis a mutex");
        assert_eq!(ta.cursor(), (1, 10));
        // One-line fields ignore Enter (the quiz submits on it).
        assert_eq!(typed("ab\ncd", false).text(), "abcd");
    }

    #[test]
    fn word_moves_and_deletes() {
        let mut ta = typed("the global interpreter lock", false);
        key(&mut ta, KeyCode::Left, KeyModifiers::CONTROL);
        assert_eq!(ta.cursor(), (0, 23));
        key(&mut ta, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(ta.text(), "the global lock");
        key(&mut ta, KeyCode::Char('b'), KeyModifiers::ALT);
        key(&mut ta, KeyCode::Delete, KeyModifiers::CONTROL);
        assert_eq!(ta.text(), "the  lock");
        key(&mut ta, KeyCode::End, KeyModifiers::NONE);
        key(&mut ta, KeyCode::Backspace, KeyModifiers::ALT);
        assert_eq!(ta.text(), "the  ");
        key(&mut ta, KeyCode::Home, KeyModifiers::NONE);
        key(&mut ta, KeyCode::Delete, KeyModifiers::NONE);
        assert_eq!(ta.text(), "he  ");
    }

    #[test]
    fn backspace_joins_lines_and_arrows_cross_them() {
        let mut ta = typed("ab\ncd", true);
        key(&mut ta, KeyCode::Home, KeyModifiers::NONE);
        key(&mut ta, KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(ta.text(), "abcd");
        assert_eq!(ta.cursor(), (0, 2));
        key(&mut ta, KeyCode::Right, KeyModifiers::NONE);
        key(&mut ta, KeyCode::Right, KeyModifiers::NONE);
        key(&mut ta, KeyCode::Right, KeyModifiers::NONE);
        assert_eq!(ta.cursor(), (0, 4));
    }

    #[test]
    fn paste_keeps_newlines_only_where_allowed() {
        let mut ta = TextArea::new(true);
        ta.insert_str("one\r\ntwo\x1b[31m");
        assert_eq!(ta.text(), "one\ntwo[31m");
        // A bracketed paste sends CR for each line break.
        let mut ta = TextArea::new(true);
        ta.insert_str("first\rsecond\r\rfourth\r\nfifth\n");
        assert_eq!(ta.text(), "first\nsecond\n\nfourth\nfifth\n");
        let mut one = TextArea::new(false);
        one.insert_str("a\rb\r\nc");
        assert_eq!(one.text(), "a b c");
        let mut one = TextArea::new(false);
        one.insert_str("a\nb");
        assert_eq!(one.text(), "a b");
    }

    #[test]
    fn non_ascii_and_wrapping() {
        let ta = typed("ünïcödé 日本語 text", false);
        assert_eq!(ta.text(), "ünïcödé 日本語 text");
        let (lines, cursor) = ta.wrapped(8);
        assert!(
            lines
                .iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 7),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), "ünïcödé 日本語 text");
        assert_eq!(cursor.0, lines.len() - 1);
    }

    #[test]
    fn long_answers_wrap_at_spaces_with_the_cursor_in_place() {
        let text = "the lock is always released when the block ends";
        let mut ta = typed(text, true);
        let (lines, cursor) = ta.wrapped(20);
        assert_eq!(
            lines,
            vec!["the lock is always ", "released when the ", "block ends"]
        );
        assert_eq!(lines.concat(), text);
        assert_eq!(cursor, (2, 10));
        // The cursor on the first letter of a wrapped word is at the start
        // of the next line, not after the space on the line before.
        for _ in 0.."block ends".len() {
            key(&mut ta, KeyCode::Left, KeyModifiers::NONE);
        }
        assert_eq!(ta.wrapped(20).1, (2, 0));
        key(&mut ta, KeyCode::Left, KeyModifiers::NONE);
        assert_eq!(ta.wrapped(20).1, (1, 17));
        // Every position maps inside the width, in reading order.
        let mut ta = typed("aaa bbbbbbbbbbbbbbbbbbbbbbbb cc  dd 日本語 e", false);
        let mut seen = Vec::new();
        key(&mut ta, KeyCode::Home, KeyModifiers::NONE);
        loop {
            let (lines, (r, c)) = ta.wrapped(10);
            assert!(lines.iter().all(|l| l.width() <= 9), "{lines:?}");
            assert!(c <= 9 && r < lines.len());
            seen.push((r, c));
            if ta.cursor().1 == ta.lines()[0].chars().count() {
                break;
            }
            key(&mut ta, KeyCode::Right, KeyModifiers::NONE);
        }
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        // A word longer than the line is cut.
        let (lines, _) = typed(&"x".repeat(25), false).wrapped(10);
        assert_eq!(lines, vec!["x".repeat(9), "x".repeat(9), "x".repeat(7)]);
    }

    #[test]
    fn length_is_capped() {
        let mut ta = TextArea::new(true);
        ta.insert_str(&"x".repeat(MAX_CHARS + 50));
        assert_eq!(ta.text().len(), MAX_CHARS);
    }
}
