//! Colours in the output of runnable code: SGR sequences (`ESC [ … m`) in
//! what the child prints become ratatui styles (16, 256 and RGB colours,
//! bold, dim, italic, underline, reverse, crossed out, and their resets).
//! Nothing else is interpreted: any other escape (cursor moves, clearing,
//! OSC such as a clipboard write, a C1 CSI `U+009B`, bidi controls) stays
//! in the text and is shown inert by [`inert`], as before.
//!
//! Why a parser of our own and not the `ansi-to-tui` crate: we need the
//! opposite of a terminal emulator's forgiveness. Exactly one shape is
//! interpreted (ESC `[`, at most [`MAX_PARAMS`] bytes of digits, `;` and
//! `:`, then `m`); every other byte stays visible and inert, never dropped
//! and never acted on. That rule is a few dozen lines here, is linear by
//! construction (each escape looks ahead at most `MAX_PARAMS + 2` bytes),
//! and needs no new dependency in the shared `Cargo.toml`.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::content::sanitize::inert;

/// The longest parameter list interpreted; a longer one is shown inert.
pub const MAX_PARAMS: usize = 64;

/// The text attributes an SGR stream has set so far (none: the base style).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SgrState {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub reverse: bool,
    pub crossed: bool,
}

impl SgrState {
    /// `base` with these attributes on top.
    pub fn style(&self, base: Style) -> Style {
        let mut s = base;
        if let Some(c) = self.fg {
            s = s.fg(c);
        }
        if let Some(c) = self.bg {
            s = s.bg(c);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reverse, Modifier::REVERSED),
            (self.crossed, Modifier::CROSSED_OUT),
        ] {
            if on {
                s = s.add_modifier(m);
            }
        }
        s
    }

    /// The sequence that sets this state from nothing (empty for the
    /// default state): used to carry a colour over to the next line.
    pub fn to_sequence(&self) -> String {
        if *self == SgrState::default() {
            return String::new();
        }
        let mut p: Vec<String> = vec!["0".into()];
        for (on, code) in [
            (self.bold, "1"),
            (self.dim, "2"),
            (self.italic, "3"),
            (self.underline, "4"),
            (self.reverse, "7"),
            (self.crossed, "9"),
        ] {
            if on {
                p.push(code.into());
            }
        }
        for (c, base) in [(self.fg, 38), (self.bg, 48)] {
            match c {
                Some(Color::Rgb(r, g, b)) => p.push(format!("{base};2;{r};{g};{b}")),
                Some(Color::Indexed(i)) => p.push(format!("{base};5;{i}")),
                Some(c) => {
                    // 30–37 / 90–97 (40–47 / 100–107 for the background).
                    if let Some(i) = ansi_index(c) {
                        let first = if base == 38 { 30 } else { 40 };
                        let code = if i < 8 { first + i } else { first + 60 + i - 8 };
                        p.push(code.to_string());
                    }
                }
                None => {}
            }
        }
        format!("\x1b[{}m", p.join(";"))
    }

    /// Apply one SGR parameter list (the text between `ESC [` and `m`).
    fn apply(&mut self, params: &str) {
        // No allocation: a list of at most MAX_PARAMS bytes has at most
        // MAX_PARAMS + 1 groups (more are ignored, for a caller that passes
        // a longer one).
        let mut all = [""; MAX_PARAMS + 1];
        let mut n = 0;
        for g in params.split(';').take(all.len()) {
            all[n] = g;
            n += 1;
        }
        let groups = &all[..n];
        let mut i = 0;
        while i < groups.len() {
            // A group may carry sub-parameters after colons (`38:2::1:2:3`);
            // six are enough for any colour.
            let mut sub = [""; 6];
            let mut k = 0;
            for p in groups[i].split(':').take(sub.len()) {
                sub[k] = p;
                k += 1;
            }
            let subs = &sub[..k];
            i += 1;
            // An empty code is 0 (`ESC[m` resets); a number out of range
            // is ignored.
            let code: u32 = if subs[0].is_empty() {
                0
            } else {
                match subs[0].parse() {
                    Ok(c) => c,
                    Err(_) => continue,
                }
            };
            match code {
                0 => *self = SgrState::default(),
                1 => self.bold = true,
                2 => self.dim = true,
                3 => self.italic = true,
                4 => self.underline = subs.get(1).is_none_or(|s| *s != "0"),
                7 => self.reverse = true,
                9 => self.crossed = true,
                21 => self.underline = true,
                22 => {
                    self.bold = false;
                    self.dim = false;
                }
                23 => self.italic = false,
                24 => self.underline = false,
                27 => self.reverse = false,
                29 => self.crossed = false,
                30..=37 => self.fg = Some(basic(code - 30, false)),
                39 => self.fg = None,
                40..=47 => self.bg = Some(basic(code - 40, false)),
                49 => self.bg = None,
                90..=97 => self.fg = Some(basic(code - 90, true)),
                100..=107 => self.bg = Some(basic(code - 100, true)),
                38 | 48 => {
                    let c = if subs.len() > 1 {
                        extended(&subs[1..])
                    } else {
                        // Semicolon form: the colour takes the next groups.
                        let (c, used) = extended_groups(&groups[i..]);
                        i += used;
                        c
                    };
                    if let Some(c) = c {
                        if code == 38 {
                            self.fg = Some(c);
                        } else {
                            self.bg = Some(c);
                        }
                    }
                }
                // Blink, hidden text, fonts, frames: not shown (hidden text
                // in particular would let output hide itself).
                _ => {}
            }
        }
    }
}

fn basic(n: u32, bright: bool) -> Color {
    match (n, bright) {
        (0, false) => Color::Black,
        (1, false) => Color::Red,
        (2, false) => Color::Green,
        (3, false) => Color::Yellow,
        (4, false) => Color::Blue,
        (5, false) => Color::Magenta,
        (6, false) => Color::Cyan,
        (7, false) => Color::Gray,
        (0, true) => Color::DarkGray,
        (1, true) => Color::LightRed,
        (2, true) => Color::LightGreen,
        (3, true) => Color::LightYellow,
        (4, true) => Color::LightBlue,
        (5, true) => Color::LightMagenta,
        (6, true) => Color::LightCyan,
        _ => Color::White,
    }
}

/// The 16-colour index of a named colour (for [`SgrState::to_sequence`]).
fn ansi_index(c: Color) -> Option<u32> {
    (0..8u32)
        .flat_map(|n| [(n, false), (n, true)])
        .find(|&(n, bright)| basic(n, bright) == c)
        .map(|(n, bright)| n + if bright { 8 } else { 0 })
}

fn byte(s: &str) -> Option<u8> {
    s.parse::<u8>().ok()
}

/// `5:n` or `2:[colourspace]:r:g:b` (colon form).
fn extended(subs: &[&str]) -> Option<Color> {
    match subs.first().copied() {
        Some("5") => subs.get(1).and_then(|s| byte(s)).map(Color::Indexed),
        Some("2") => {
            // With the optional colour-space id (`2::r:g:b`) or without.
            let rgb = if subs.len() >= 5 {
                &subs[2..5]
            } else {
                subs.get(1..4)?
            };
            Some(Color::Rgb(byte(rgb[0])?, byte(rgb[1])?, byte(rgb[2])?))
        }
        _ => None,
    }
}

/// `5;n` or `2;r;g;b` (semicolon form): the colour and how many groups it used.
fn extended_groups(groups: &[&str]) -> (Option<Color>, usize) {
    match groups.first().copied() {
        Some("5") => (groups.get(1).and_then(|s| byte(s)).map(Color::Indexed), 2),
        Some("2") => {
            let c = match groups.get(1..4) {
                Some(rgb) => byte(rgb[0])
                    .zip(byte(rgb[1]))
                    .zip(byte(rgb[2]))
                    .map(|((r, g), b)| Color::Rgb(r, g, b)),
                None => None,
            };
            (c, 4.min(groups.len()))
        }
        _ => (None, 1.min(groups.len())),
    }
}

/// The SGR sequence starting at `s` (which starts with ESC), if it is one:
/// its parameters and its length in bytes.
fn sgr_at(s: &str) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if b.get(1) != Some(&b'[') {
        return None;
    }
    let end = b
        .iter()
        .skip(2)
        .take(MAX_PARAMS + 1)
        .position(|&c| !(c.is_ascii_digit() || c == b';' || c == b':'))?;
    (b.get(2 + end) == Some(&b'm')).then(|| (&s[2..2 + end], end + 3))
}

/// Split one line of output into runs of text and the SGR state each is
/// in, starting from `state` (left at the line's end state). The text of
/// the runs is still raw: anything but SGR is left in it, for [`inert`].
pub fn parse(line: &str, state: &mut SgrState) -> Vec<(String, SgrState)> {
    let mut runs: Vec<(String, SgrState)> = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('\x1b') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        match sgr_at(rest) {
            Some((params, len)) => {
                let mut next = *state;
                next.apply(params);
                if next != *state && !text.is_empty() {
                    runs.push((std::mem::take(&mut text), *state));
                }
                *state = next;
                rest = &rest[len..];
            }
            None => {
                // Not SGR: the ESC stays, to be shown inert.
                text.push('\x1b');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        runs.push((text, *state));
    }
    runs
}

/// Move `state` over `line`'s SGR sequences without keeping its text (for
/// the colour a line leaves to the next).
pub fn advance(line: &str, state: &mut SgrState) {
    let mut rest = line;
    while let Some(at) = rest.find('\x1b') {
        rest = &rest[at..];
        match sgr_at(rest) {
            Some((params, len)) => {
                state.apply(params);
                rest = &rest[len..];
            }
            None => rest = &rest[1..],
        }
    }
}

/// The line without its SGR sequences (for plain text output); anything
/// else stays, for [`inert`].
pub fn strip(line: &str) -> String {
    let mut state = SgrState::default();
    parse(line, &mut state)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// One line of output as styled, inert spans on `base`, cut to `width`
/// columns with `…` (after a leading space, as the run panel shows it).
pub fn line(raw: &str, base: Style, width: usize) -> Line<'static> {
    let mut state = SgrState::default();
    let runs = parse(raw, &mut state);
    let mut spans = vec![Span::styled(" ", base)];
    let total: usize = runs
        .iter()
        .map(|(t, _)| unicode_width::UnicodeWidthStr::width(inert(t).as_ref()))
        .sum();
    let mut used = 0;
    for (t, st) in runs {
        let shown = inert(&t);
        let mut out = String::new();
        let mut cut = false;
        for c in shown.chars() {
            let cw = c.width().unwrap_or(0);
            if total > width && used + cw + 1 > width {
                cut = true;
                break;
            }
            out.push(c);
            used += cw;
        }
        if !out.is_empty() {
            spans.push(Span::styled(out, st.style(base)));
        }
        if cut {
            if width > 0 {
                spans.push(Span::styled("…", base));
            }
            break;
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(s: &str) -> Vec<(String, SgrState)> {
        parse(s, &mut SgrState::default())
    }

    fn fg(c: Color) -> SgrState {
        SgrState {
            fg: Some(c),
            ..SgrState::default()
        }
    }

    #[test]
    fn colours_and_reset() {
        let r = runs("tick 266 \x1b[31mred\x1b[0m done");
        assert_eq!(
            r,
            vec![
                ("tick 266 ".to_string(), SgrState::default()),
                ("red".to_string(), fg(Color::Red)),
                (" done".to_string(), SgrState::default()),
            ]
        );
        assert_eq!(runs("\x1b[92mok")[0].1, fg(Color::LightGreen));
        assert_eq!(runs("\x1b[38;5;208mx")[0].1, fg(Color::Indexed(208)));
        assert_eq!(runs("\x1b[38:5:208mx")[0].1, fg(Color::Indexed(208)));
        assert_eq!(runs("\x1b[38;2;1;2;3mx")[0].1, fg(Color::Rgb(1, 2, 3)));
        assert_eq!(runs("\x1b[38:2::1:2:3mx")[0].1, fg(Color::Rgb(1, 2, 3)));
        let bg = runs("\x1b[48;2;9;8;7;1mx")[0].1;
        assert_eq!(bg.bg, Some(Color::Rgb(9, 8, 7)));
        assert!(bg.bold, "the group after the colour still counts");
        let all = runs("\x1b[1;3;4;7;9;44mx")[0].1;
        assert!(all.bold && all.italic && all.underline && all.reverse && all.crossed);
        assert_eq!(all.bg, Some(Color::Blue));
        let off = runs("\x1b[1;3;4;7;9;44m\x1b[22;23;24;27;29;49mx")[0].1;
        assert_eq!(off, SgrState::default());
        // `ESC[m` is a reset, as `ESC[0m`.
        assert_eq!(runs("\x1b[31m\x1b[mx")[0].1, SgrState::default());
        // 39 gives the default colour back.
        assert_eq!(runs("\x1b[31;39mx")[0].1, SgrState::default());
    }

    #[test]
    fn styles_land_on_the_base() {
        let base = Style::default().fg(Color::White);
        let st = runs("\x1b[1;31mx")[0].1;
        let s = st.style(base);
        assert_eq!(s.fg, Some(Color::Red));
        assert!(s.add_modifier.contains(Modifier::BOLD));
        assert_eq!(SgrState::default().style(base), base);
        let l = line("a\x1b[4mb\x1b[0mc", base, 40);
        let texts: Vec<&str> = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, vec![" ", "a", "b", "c"]);
        assert!(l.spans[2].style.add_modifier.contains(Modifier::UNDERLINED));
        assert!(!l.spans[3].style.add_modifier.contains(Modifier::UNDERLINED));
    }

    #[test]
    fn the_state_carries_over_lines() {
        let mut st = SgrState::default();
        parse("\x1b[1;38;2;10;20;30;45mstart", &mut st);
        let mut moved = SgrState::default();
        advance("\x1b[1;38;2;10;20;30;45mstart", &mut moved);
        assert_eq!(moved, st);
        let carried = st.to_sequence();
        let mut fresh = SgrState::default();
        assert_eq!(parse(&format!("{carried}next"), &mut fresh)[0].1, st);
        assert_eq!(SgrState::default().to_sequence(), "");
        let mut named = SgrState::default();
        parse("\x1b[93;100m", &mut named);
        let mut again = SgrState::default();
        parse(&named.to_sequence(), &mut again);
        assert_eq!(again, named);
        assert_eq!(named.to_sequence(), "\x1b[0;93;100m");
        for code in (30..=37).chain(40..=47).chain(90..=97).chain(100..=107) {
            let mut one = SgrState::default();
            parse(&format!("\x1b[{code}m"), &mut one);
            assert_eq!(one.to_sequence(), format!("\x1b[0;{code}m"));
        }
    }

    #[test]
    fn malformed_and_unterminated_sequences_stay_inert() {
        for s in [
            "a\x1b[31",
            "a\x1b[31;",
            "a\x1b[",
            "a\x1b",
            "a\x1b[3 1m",
            "a\x1b[?25l",
            "a\x1b[2J",
            "a\x1b[1;1H",
            "a\x1b(B",
        ] {
            let r = runs(s);
            assert_eq!(r.len(), 1, "{s:?}");
            assert_eq!(r[0].0, s, "kept as it was: {s:?}");
            assert_eq!(r[0].1, SgrState::default());
            let shown = line(s, Style::default(), 80);
            let text: String = shown.spans.iter().map(|s| s.content.as_ref()).collect();
            assert!(!text.contains('\x1b'), "{text:?}");
            assert!(text.contains('␛'), "{text:?}");
        }
        // Too many parameters: not interpreted.
        let long = format!("\x1b[{}mx", "1;".repeat(MAX_PARAMS));
        assert_eq!(runs(&long)[0].0, long);
        // Out-of-range numbers are ignored, not wrapped.
        assert_eq!(runs("\x1b[38;5;999mx")[0].1, SgrState::default());
        assert_eq!(runs("\x1b[38;2;300;1;1mx")[0].1, SgrState::default());
        assert_eq!(runs("\x1b[31;99999999999999999999mx")[0].1, fg(Color::Red));
    }

    #[test]
    fn hostile_osc_c1_csi_and_bidi_are_left_inert() {
        let hostile = "\x1b]52;c;SGVsbG8=\x07x\u{9b}31my\u{202e}z\x1b]8;;http://e\x1b\\l";
        let l = line(&format!("\x1b[32m{hostile}"), Style::default(), 200);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(bad), "{bad:?} reached the screen: {text:?}");
        }
        assert!(text.contains("␛]52;c;SGVsbG8=␇x"), "{text:?}");
        // The C1 CSI did not colour anything: one run, green throughout.
        let r = runs(&format!("\x1b[32m{hostile}"));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1, fg(Color::Green));
        assert_eq!(
            strip(&format!("\x1b[1mb\x1b[0m{hostile}")),
            format!("b{hostile}")
        );
    }

    #[test]
    fn a_megabyte_of_escape_openers_is_linear_and_bounded() {
        // No timing here (see benches); it completes, and what comes out is
        // no bigger than what went in.
        let input = "\x1b[".repeat(512 * 1024);
        let r = runs(&input);
        let kept: usize = r.iter().map(|(t, _)| t.len()).sum();
        assert_eq!(kept, input.len());
        assert!(r.len() <= 1);
        let sgr_flood = "\x1b[31m\x1b[0mx".repeat(100_000);
        let r = runs(&sgr_flood);
        assert!(r.len() <= 100_000, "{}", r.len());
        assert_eq!(strip(&sgr_flood), "x".repeat(100_000));
        let l = line(&input, Style::default(), 100);
        let w: usize = l.spans.iter().map(|s| s.width()).sum();
        assert!(w <= 101, "{w}");
    }

    #[test]
    fn long_lines_are_cut_to_the_width() {
        let l = line("\x1b[31mabcdefghij\x1b[0mklmnop", Style::default(), 8);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, " abcdefg…");
        let l = line("abc", Style::default(), 3);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, " abc");
        let l = line("abc", Style::default(), 0);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, " ");
    }
}
