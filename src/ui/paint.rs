//! Putting frames on the terminal. ratatui renders each frame into a
//! buffer; [`Screen`] remembers what the terminal shows, compares the new
//! buffer with it, and writes escape codes for the cells that changed only,
//! gathered in one byte buffer so that a frame leaves in one `write`.
//!
//! ratatui's own terminal does the same job generically. This one is
//! cheaper per frame because it compares cells field by field with a fast
//! path for one-byte symbols, works out widths only for symbols that are not
//! plain ASCII, joins colour and attribute changes into one escape sequence,
//! and moves the cursor only when the next changed cell is not where the
//! terminal's cursor already is. docs/performance.md has the figures.

use std::collections::HashMap;
use std::io::{self, Write};

use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};

/// The colours and attributes the terminal draws new text with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

/// A cell as the terminal shows it, in 16 bytes (ratatui's `Cell` takes
/// 48): comparing a frame with the screen then reads a third of the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shown {
    /// The symbol's UTF-8 bytes when it has at most four; else [`LONG`].
    sym: u32,
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

/// Marks a symbol longer than four bytes, kept in `Screen::long`. (0xFF
/// never occurs in UTF-8, so no short symbol packs to this.)
const LONG: u32 = u32::MAX;

const BLANK: Shown = Shown {
    sym: b' ' as u32,
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

fn pack(symbol: &str) -> u32 {
    match *symbol.as_bytes() {
        [a] => u32::from(a),
        [] => 0,
        ref b if b.len() <= 4 => {
            let mut v = [0u8; 4];
            v[..b.len()].copy_from_slice(b);
            u32::from_le_bytes(v)
        }
        _ => LONG,
    }
}

impl Shown {
    fn of(c: &Cell) -> Shown {
        Shown {
            sym: pack(c.symbol()),
            fg: c.fg,
            bg: c.bg,
            modifier: c.modifier,
        }
    }

    /// The width of a short symbol (long ones are looked up by the caller).
    fn width(&self) -> u16 {
        if self.sym < 0x80 {
            return 1;
        }
        let bytes = self.sym.to_le_bytes();
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(4);
        std::str::from_utf8(&bytes[..len]).map_or(1, |s| s.cell_width())
    }
}

/// What the terminal shows, and the bytes that will bring it up to date.
#[derive(Debug, Clone)]
pub struct Screen {
    area: Rect,
    /// The cells on the terminal, row by row.
    shown: Vec<Shown>,
    /// The symbols longer than four bytes on the terminal, by cell index.
    long: HashMap<usize, String>,
    /// False until the terminal has been cleared for `area`.
    valid: bool,
    pen: Pen,
    /// Where the terminal's cursor is, when that is known.
    at: Option<(u16, u16)>,
    /// The visible cursor (None: hidden), as last written.
    cursor: Option<Position>,
    cursor_known: bool,
    out: Vec<u8>,
}

impl Default for Screen {
    fn default() -> Self {
        Screen::new()
    }
}

impl Screen {
    /// A screen whose first paint clears the terminal and draws everything.
    pub fn new() -> Screen {
        Screen {
            area: Rect::default(),
            shown: Vec::new(),
            long: HashMap::new(),
            valid: false,
            pen: PLAIN,
            at: None,
            cursor: None,
            cursor_known: false,
            out: Vec::with_capacity(1 << 14),
        }
    }

    /// Forget what the terminal shows: the next paint clears and redraws.
    pub fn invalidate(&mut self) {
        self.valid = false;
        self.cursor_known = false;
    }

    /// Add the escape codes that make the terminal show `buf`, and leave
    /// `buf` blank, ready for the next frame: each cell is cleared while it
    /// is at hand, so a frame walks its buffer once.
    pub fn paint(&mut self, buf: &mut Buffer) {
        if !self.valid || buf.area != self.area {
            // Clear with the default colours, then everything is "changed".
            self.out.extend_from_slice(b"\x1b[0m\x1b[2J");
            self.pen = PLAIN;
            self.at = None;
            self.area = buf.area;
            self.shown.clear();
            self.shown.resize(buf.content.len(), BLANK);
            self.long.clear();
            self.valid = true;
        }
        let width = usize::from(self.area.width.max(1));
        let cells = &mut buf.content;
        let n = cells.len().min(self.shown.len());
        // Cells up to here are written even if they look unchanged: they
        // were covered by a wide character that has gone.
        let mut force_until = 0;
        let mut i = 0;
        while i < n {
            if i >= force_until {
                i = skip_unchanged(&mut cells[..n], &self.shown, i);
                if i == n {
                    break;
                }
            }
            let cur = &cells[i];
            let now = Shown::of(cur);
            let was = self.shown[i];
            if matches!(cur.diff_option, CellDiffOption::Skip) {
                blank(&mut cells[i]);
                i += 1;
                continue;
            }
            let cw = usize::from(width_of(cur));
            let always = matches!(cur.diff_option, CellDiffOption::AlwaysUpdate);
            if i >= force_until
                && !always
                && now == was
                && (now.sym != LONG || self.long.get(&i).map(|s| s.as_str()) == Some(cur.symbol()))
            {
                let end = (i + cw.max(1)).min(n);
                cells[i..end].iter_mut().for_each(blank);
                i = end;
                continue;
            }
            let pw = usize::from(if was.sym == LONG {
                self.long.get(&i).map_or(1, |s| s.as_str().cell_width())
            } else {
                was.width()
            });
            if pw > cw.max(1) {
                force_until = force_until.max(i + pw);
            }
            let x = self.area.x + (i % width) as u16;
            let y = self.area.y + (i / width) as u16;
            self.move_to(x, y);
            self.set_pen(Pen {
                fg: cur.fg,
                bg: cur.bg,
                modifier: cur.modifier,
            });
            match cur.symbol().as_bytes() {
                [b] => self.out.push(*b),
                bytes => self.out.extend_from_slice(bytes),
            }
            self.remember(i, now, cur);
            // The terminal's cursor moved on by the symbol's width; at the
            // right edge it waits to wrap, so its place is not known.
            let end = usize::from(x) + cw;
            self.at = if cw == 0 || end >= usize::from(self.area.right()) {
                None
            } else {
                Some((end as u16, y))
            };
            // Cells under a wide character are hidden: take them as shown.
            for j in (i + 1..i + cw).take_while(|&j| j < n) {
                self.remember(j, Shown::of(&cells[j]), &cells[j]);
            }
            let end = (i + cw.max(1)).min(n);
            cells[i..end].iter_mut().for_each(blank);
            i = end;
        }
        cells[n..].iter_mut().for_each(blank);
    }

    fn remember(&mut self, i: usize, shown: Shown, cell: &Cell) {
        if shown.sym == LONG {
            self.long.insert(i, cell.symbol().to_string());
        } else if self.shown[i].sym == LONG {
            self.long.remove(&i);
        }
        self.shown[i] = shown;
    }

    /// Show the cursor at `at`, or hide it.
    pub fn set_cursor(&mut self, at: Option<Position>) {
        if self.cursor_known && self.cursor == at {
            return;
        }
        match at {
            None => self.out.extend_from_slice(b"\x1b[?25l"),
            Some(p) => {
                self.move_to(p.x, p.y);
                self.out.extend_from_slice(b"\x1b[?25h");
            }
        }
        self.cursor = at;
        self.cursor_known = true;
    }

    /// Add raw bytes (escape codes outside the cell grid, such as the start
    /// and end of a synchronized update).
    pub fn push_raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// The bytes gathered since the last [`Screen::write_to`].
    pub fn pending(&self) -> &[u8] {
        &self.out
    }

    /// End the frame: the pen goes back to plain, so that anything written
    /// after the frame looks normal.
    fn finish(&mut self) {
        if self.pen != PLAIN {
            self.out.extend_from_slice(b"\x1b[0m");
            self.pen = PLAIN;
        }
    }

    /// End the frame and hand over its bytes, to be written later; the
    /// screen now assumes they were.
    pub fn take_frame(&mut self) -> Vec<u8> {
        self.finish();
        std::mem::take(&mut self.out)
    }

    /// End the frame and send everything gathered in one write.
    pub fn write_to(&mut self, w: &mut impl Write) -> io::Result<()> {
        self.finish();
        let r = w.write_all(&self.out).and_then(|_| w.flush());
        self.out.clear();
        if r.is_err() {
            // Part of the frame may be missing: draw it all next time.
            self.invalidate();
        }
        r
    }

    fn move_to(&mut self, x: u16, y: u16) {
        match self.at {
            Some((ax, ay)) if ay == y && ax == x => {}
            // Forward on the same row over unchanged cells: a short move.
            Some((ax, ay)) if ay == y && ax < x => {
                let n = x - ax;
                if n == 1 {
                    self.out.extend_from_slice(b"\x1b[C");
                } else {
                    self.out.extend_from_slice(b"\x1b[");
                    push_num(&mut self.out, n);
                    self.out.push(b'C');
                }
            }
            _ => {
                self.out.extend_from_slice(b"\x1b[");
                push_num(&mut self.out, y + 1);
                self.out.push(b';');
                push_num(&mut self.out, x + 1);
                self.out.push(b'H');
            }
        }
        self.at = Some((x, y));
    }

    /// Change the pen with one SGR sequence. Taking an attribute away is
    /// done by starting from plain (`0`), which also resets the colours.
    fn set_pen(&mut self, want: Pen) {
        if want == self.pen {
            return;
        }
        let out = &mut self.out;
        out.extend_from_slice(b"\x1b[");
        let mut first = true;
        let mut param = |out: &mut Vec<u8>, s: &[u8]| {
            if !first {
                out.push(b';');
            }
            first = false;
            out.extend_from_slice(s);
        };
        let mut have = self.pen;
        if !(have.modifier - want.modifier).is_empty() {
            param(out, b"0");
            have = PLAIN;
        }
        for (m, code) in MODIFIER_CODES {
            if want.modifier.contains(m) && !have.modifier.contains(m) {
                param(out, code);
            }
        }
        if want.fg != have.fg {
            let mut tmp = Vec::with_capacity(16);
            colour(&mut tmp, want.fg, Layer::Fg);
            param(out, &tmp);
        }
        if want.bg != have.bg {
            let mut tmp = Vec::with_capacity(16);
            colour(&mut tmp, want.bg, Layer::Bg);
            param(out, &tmp);
        }
        out.push(b'm');
        self.pen = want;
    }
}

const MODIFIER_CODES: [(Modifier, &[u8]); 9] = [
    (Modifier::BOLD, b"1"),
    (Modifier::DIM, b"2"),
    (Modifier::ITALIC, b"3"),
    (Modifier::UNDERLINED, b"4"),
    (Modifier::SLOW_BLINK, b"5"),
    (Modifier::RAPID_BLINK, b"6"),
    (Modifier::REVERSED, b"7"),
    (Modifier::HIDDEN, b"8"),
    (Modifier::CROSSED_OUT, b"9"),
];

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
}

/// The SGR parameters for a colour: the 16 named colours as 30–37/90–97
/// (40–47/100–107 behind), which every colour terminal knows; 256-colour
/// indexes and RGB in their extended forms.
fn colour(out: &mut Vec<u8>, c: Color, layer: Layer) {
    let (base, bright, ext, reset) = match layer {
        Layer::Fg => (30u16, 90u16, b"38", b"39"),
        Layer::Bg => (40, 100, b"48", b"49"),
    };
    let named = |i: u16| if i < 8 { base + i } else { bright + i - 8 };
    match c {
        Color::Reset => out.extend_from_slice(reset),
        Color::Black => push_num(out, named(0)),
        Color::Red => push_num(out, named(1)),
        Color::Green => push_num(out, named(2)),
        Color::Yellow => push_num(out, named(3)),
        Color::Blue => push_num(out, named(4)),
        Color::Magenta => push_num(out, named(5)),
        Color::Cyan => push_num(out, named(6)),
        Color::Gray => push_num(out, named(7)),
        Color::DarkGray => push_num(out, named(8)),
        Color::LightRed => push_num(out, named(9)),
        Color::LightGreen => push_num(out, named(10)),
        Color::LightYellow => push_num(out, named(11)),
        Color::LightBlue => push_num(out, named(12)),
        Color::LightMagenta => push_num(out, named(13)),
        Color::LightCyan => push_num(out, named(14)),
        Color::White => push_num(out, named(15)),
        Color::Indexed(i) => {
            out.extend_from_slice(ext);
            out.extend_from_slice(b";5;");
            push_num(out, u16::from(i));
        }
        Color::Rgb(r, g, b) => {
            out.extend_from_slice(ext);
            out.extend_from_slice(b";2;");
            push_num(out, u16::from(r));
            out.push(b';');
            push_num(out, u16::from(g));
            out.push(b';');
            push_num(out, u16::from(b));
        }
    }
}

fn push_num(out: &mut Vec<u8>, n: u16) {
    let mut digits = [0u8; 5];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// From `i`, skip the cells that need nothing written: ordinary one-byte
/// cells the terminal already shows (most of a frame, and most of those
/// blank), clearing them for the next frame on the way. Returns the first
/// cell that needs a closer look, or the end. A loop of its own, kept
/// small, because it runs for nearly every cell.
fn skip_unchanged(cells: &mut [Cell], shown: &[Shown], mut i: usize) -> usize {
    while let (Some(c), Some(s)) = (cells.get_mut(i), shown.get(i)) {
        let [b] = *c.symbol().as_bytes() else {
            break;
        };
        if u32::from(b) != s.sym
            || b >= 0x80
            || c.fg != s.fg
            || c.bg != s.bg
            || c.modifier != s.modifier
            || c.diff_option != CellDiffOption::None
        {
            break;
        }
        if b != b' ' || c.fg != Color::Reset || c.bg != Color::Reset || !c.modifier.is_empty() {
            c.reset();
        }
        i += 1;
    }
    i
}

/// Make `c` an empty cell, unless it is one already (most are: writing
/// them all would cost more than looking).
fn blank(c: &mut Cell) {
    if c.fg != Color::Reset
        || c.bg != Color::Reset
        || !c.modifier.is_empty()
        || c.diff_option != CellDiffOption::None
        || c.symbol() != " "
    {
        c.reset();
    }
}

/// A cell's width on screen; one-byte symbols (nearly all of them) are 1.
fn width_of(c: &Cell) -> u16 {
    let s = c.symbol();
    if s.len() == 1 && !matches!(c.diff_option, CellDiffOption::ForcedWidth(_)) {
        1
    } else {
        c.cell_width()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    fn parse(bytes: &[u8], w: u16, h: u16) -> vt100::Parser {
        let mut p = vt100::Parser::new(h, w, 0);
        p.process(bytes);
        p
    }

    /// Paint a copy of `buf` (painting clears what it paints).
    fn painted(screen: &mut Screen, buf: &Buffer) -> Vec<u8> {
        let mut frame = buf.clone();
        screen.paint(&mut frame);
        assert_eq!(
            frame,
            Buffer::empty(buf.area),
            "painting leaves the buffer blank"
        );
        let mut out = Vec::new();
        screen.write_to(&mut out).unwrap();
        out
    }

    #[test]
    fn first_paint_clears_and_draws_everything() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        buf.set_string(0, 0, "hello", Style::default().fg(Color::Red));
        buf.set_string(2, 1, "you", Style::default().bg(Color::Rgb(1, 2, 3)));
        let mut s = Screen::new();
        let out = painted(&mut s, &buf);
        assert!(out.starts_with(b"\x1b[0m\x1b[2J"));
        let p = parse(&out, 10, 2);
        assert_eq!(p.screen().contents(), "hello\n  you");
        assert_eq!(
            p.screen().cell(0, 0).unwrap().fgcolor(),
            vt100::Color::Idx(1)
        );
        assert_eq!(
            p.screen().cell(1, 3).unwrap().bgcolor(),
            vt100::Color::Rgb(1, 2, 3)
        );
    }

    #[test]
    fn an_unchanged_frame_writes_nothing_and_one_change_one_cell() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 3));
        buf.set_string(0, 1, "same text", Style::default());
        let mut s = Screen::new();
        painted(&mut s, &buf);
        assert!(painted(&mut s, &buf).is_empty());
        buf.set_string(5, 1, "T", Style::default());
        assert_eq!(painted(&mut s, &buf), b"\x1b[2;6HT");
    }

    #[test]
    fn short_forward_moves_on_one_row() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 1));
        let mut s = Screen::new();
        painted(&mut s, &buf);
        buf.set_string(0, 0, "a", Style::default());
        buf.set_string(2, 0, "b", Style::default());
        buf.set_string(6, 0, "c", Style::default());
        assert_eq!(painted(&mut s, &buf), b"\x1b[1;1Ha\x1b[Cb\x1b[3Cc");
    }

    #[test]
    fn attributes_taken_away_start_from_plain() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        let bold = Style::default()
            .add_modifier(Modifier::BOLD)
            .fg(Color::Blue);
        buf.set_string(0, 0, "ab", bold);
        buf.set_string(2, 0, "cd", Style::default().fg(Color::Blue));
        let mut s = Screen::new();
        let out = painted(&mut s, &buf);
        let p = parse(&out, 4, 1);
        assert!(p.screen().cell(0, 1).unwrap().bold());
        assert!(!p.screen().cell(0, 2).unwrap().bold());
        assert_eq!(
            p.screen().cell(0, 3).unwrap().fgcolor(),
            vt100::Color::Idx(4)
        );
        // The pen is plain again after the frame.
        assert!(out.ends_with(b"\x1b[0m"));
    }

    #[test]
    fn a_resize_clears_and_redraws() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 2));
        buf.set_string(0, 0, "abc", Style::default());
        let mut s = Screen::new();
        painted(&mut s, &buf);
        let mut bigger = Buffer::empty(Rect::new(0, 0, 12, 3));
        bigger.set_string(0, 2, "xyz", Style::default());
        let out = painted(&mut s, &bigger);
        assert!(out.starts_with(b"\x1b[0m\x1b[2J"));
        assert_eq!(parse(&out, 12, 3).screen().contents(), "\n\nxyz");
    }

    #[test]
    fn cursor_shown_and_hidden_only_when_it_changes() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 2));
        let mut s = Screen::new();
        s.paint(&mut buf);
        s.set_cursor(None);
        let mut out = Vec::new();
        s.write_to(&mut out).unwrap();
        assert!(out.ends_with(b"\x1b[?25l"));
        s.set_cursor(None);
        assert!(s.pending().is_empty());
        s.set_cursor(Some(Position::new(3, 1)));
        assert_eq!(s.pending(), b"\x1b[2;4H\x1b[?25h");
    }

    #[test]
    fn wide_characters_and_what_replaces_them() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf.set_string(0, 0, "日本x", Style::default());
        let mut s = Screen::new();
        let mut out = painted(&mut s, &buf);
        let mut buf2 = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf2.set_string(0, 0, "ab", Style::default().bg(Color::Red));
        buf2.set_string(4, 0, "x", Style::default());
        out.extend(painted(&mut s, &buf2));
        let p = parse(&out, 10, 1);
        assert_eq!(p.screen().contents(), "ab  x");
        // The cell the wide character covered was written again.
        assert_eq!(
            p.screen().cell(0, 1).unwrap().bgcolor(),
            vt100::Color::Idx(1)
        );
    }

    /// Successive random frames painted one after another leave exactly
    /// the last frame on a terminal emulator: symbols, colours, attributes.
    #[test]
    fn random_frames_end_with_the_last_frame_on_screen() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let colours = [
            Color::Reset,
            Color::Red,
            Color::LightCyan,
            Color::Indexed(200),
            Color::Rgb(10, 200, 30),
        ];
        let symbols = ["a", "b", " ", "─", "é", "日"];
        let mods = [
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::ITALIC | Modifier::UNDERLINED,
            Modifier::REVERSED,
        ];
        let (w, h) = (17u16, 6u16);
        let mut s = Screen::new();
        let mut all = Vec::new();
        let mut last = Buffer::empty(Rect::new(0, 0, w, h));
        for _ in 0..200 {
            let mut buf = last.clone();
            for _ in 0..(next() % 30) {
                let x = (next() % u64::from(w)) as u16;
                let y = (next() % u64::from(h)) as u16;
                let sym = symbols[(next() % symbols.len() as u64) as usize];
                let style = Style::default()
                    .fg(colours[(next() % 5) as usize])
                    .bg(colours[(next() % 5) as usize])
                    .add_modifier(mods[(next() % 4) as usize]);
                buf.set_string(x, y, sym, style);
            }
            all.extend(painted(&mut s, &buf));
            last = buf;
        }
        let p = parse(&all, w, h);
        let screen = p.screen();
        let mut x = 0;
        for y in 0..h {
            while x < w {
                let want = &last[(x, y)];
                let got = screen.cell(y, x).unwrap();
                let sym = if got.contents().is_empty() {
                    " ".to_string()
                } else {
                    got.contents().to_string()
                };
                assert_eq!(sym, want.symbol(), "symbol at {x},{y}");
                assert_eq!(
                    got.bold(),
                    want.modifier.contains(Modifier::BOLD),
                    "{x},{y}"
                );
                assert_eq!(got.inverse(), want.modifier.contains(Modifier::REVERSED));
                assert_eq!(got.italic(), want.modifier.contains(Modifier::ITALIC));
                assert_eq!(got.fgcolor(), vt(want.fg), "fg at {x},{y}");
                assert_eq!(got.bgcolor(), vt(want.bg), "bg at {x},{y}");
                x += want.cell_width().max(1);
            }
            x = 0;
        }
    }

    fn vt(c: Color) -> vt100::Color {
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Red => vt100::Color::Idx(1),
            Color::LightCyan => vt100::Color::Idx(14),
            Color::Indexed(i) => vt100::Color::Idx(i),
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
            other => panic!("no mapping for {other:?}"),
        }
    }
}
