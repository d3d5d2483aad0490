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

    /// Insert text at the cursor (a paste). Newlines become spaces in a
    /// one-line field; control characters are dropped.
    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '\r' => {}
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
    /// (display line, cell column).
    pub fn wrapped(&self, width: usize) -> (Vec<String>, (usize, usize)) {
        let width = width.max(2);
        let mut out = Vec::new();
        let mut cursor = (0, 0);
        for (r, line) in self.lines.iter().enumerate() {
            let mut cur = String::new();
            let mut used = 0;
            for (i, &c) in line.iter().enumerate() {
                if r == self.row && i == self.col {
                    cursor = (out.len(), used);
                }
                let w = c.width().unwrap_or(0);
                if used + w > width - 1 {
                    out.push(std::mem::take(&mut cur));
                    used = 0;
                    if r == self.row && i == self.col {
                        cursor = (out.len(), 0);
                    }
                }
                cur.push(c);
                used += w;
            }
            if r == self.row && self.col == line.len() {
                cursor = (out.len(), used);
            }
            out.push(cur);
        }
        (out, cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn length_is_capped() {
        let mut ta = TextArea::new(true);
        ta.insert_str(&"x".repeat(MAX_CHARS + 50));
        assert_eq!(ta.text().len(), MAX_CHARS);
    }
}
