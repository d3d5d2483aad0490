//! Colours: the palette of each theme, how many colours the terminal has, and
//! bringing a drawn frame down to that many (truecolor → 256 → 16 → none).
//!
//! Screens draw with RGB colours from the palette; [`downsample`] then maps
//! every cell of the finished frame once, so no screen has to care.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

/// The themes a learner can pick with `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    /// Maximum contrast: white on black, bold accents.
    HighContrast,
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// NO_COLOR or --no-color: emphasis only (bold, underline, reverse).
    None,
    Ansi16,
    Ansi256,
    TrueColor,
}

impl ColorDepth {
    /// Decide from the environment: `no_color_flag` or a non-empty NO_COLOR
    /// turns colour off; COLORTERM=truecolor|24bit gives truecolor; a TERM
    /// naming 256 colours gives 256; anything else gets 16.
    pub fn detect(
        no_color_flag: bool,
        no_color: Option<&str>,
        colorterm: Option<&str>,
        term: Option<&str>,
    ) -> ColorDepth {
        if no_color_flag || no_color.is_some_and(|v| !v.is_empty()) {
            return ColorDepth::None;
        }
        if colorterm.is_some_and(|c| {
            let c = c.to_ascii_lowercase();
            c == "truecolor" || c == "24bit"
        }) {
            return ColorDepth::TrueColor;
        }
        if term.is_some_and(|t| t.contains("256") || t.contains("direct")) {
            return ColorDepth::Ansi256;
        }
        ColorDepth::Ansi16
    }

    /// [`Self::detect`] on this process's environment.
    pub fn from_env(no_color_flag: bool) -> ColorDepth {
        let var = |k| std::env::var(k).ok();
        Self::detect(
            no_color_flag,
            var("NO_COLOR").as_deref(),
            var("COLORTERM").as_deref(),
            var("TERM").as_deref(),
        )
    }
}

/// The styles screens draw with.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: ThemeName,
    pub depth: ColorDepth,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub heading: Style,
    pub accent: Style,
    pub bold: Style,
    pub emphasis: Style,
    pub inline_code: Style,
    pub code: Style,
    pub code_gutter: Style,
    pub selected: Style,
    pub border: Style,
    pub footer: Style,
    pub key: Style,
    pub done: Style,
    pub partial: Style,
    pub warning: Style,
    pub error: Style,
    pub modern: Style,
    pub tip: Style,
    pub note: Style,
    pub link: Style,
    /// The code colours (see `highlight::syntax_theme`).
    pub syntax_theme: &'static str,
}

const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(r, g, b)
}

impl Theme {
    pub fn new(name: ThemeName, depth: ColorDepth) -> Theme {
        let s = Style::new;
        let b = Modifier::BOLD;
        let (text, dim, accent, code_fg, green, yellow, red, blue, magenta, cyan) = match name {
            ThemeName::Dark => (
                rgb(0xd8, 0xde, 0xe9),
                rgb(0x8a, 0x93, 0xa6),
                rgb(0x88, 0xc0, 0xd0),
                rgb(0xe5, 0xe9, 0xf0),
                rgb(0xa3, 0xbe, 0x8c),
                rgb(0xeb, 0xcb, 0x8b),
                rgb(0xbf, 0x61, 0x6a),
                // Bright enough to stay light blue in 16 colours.
                rgb(0x8f, 0xb4, 0xe0),
                rgb(0xb4, 0x8e, 0xad),
                rgb(0x8f, 0xbc, 0xbb),
            ),
            ThemeName::Light => (
                rgb(0x24, 0x29, 0x2e),
                rgb(0x57, 0x60, 0x6a),
                rgb(0x05, 0x50, 0xae),
                rgb(0x24, 0x29, 0x2e),
                rgb(0x1a, 0x7f, 0x37),
                // Burnt orange: 16-colour yellow is unreadable on white.
                rgb(0x9a, 0x4a, 0x00),
                rgb(0xcf, 0x22, 0x2e),
                rgb(0x05, 0x50, 0xae),
                rgb(0x82, 0x50, 0xdf),
                rgb(0x1b, 0x7c, 0x83),
            ),
            ThemeName::HighContrast => (
                rgb(0xff, 0xff, 0xff),
                rgb(0xd0, 0xd0, 0xd0),
                rgb(0x00, 0xff, 0xff),
                rgb(0xff, 0xff, 0xff),
                rgb(0x00, 0xff, 0x00),
                rgb(0xff, 0xff, 0x00),
                rgb(0xff, 0x55, 0x55),
                rgb(0x66, 0xbb, 0xff),
                rgb(0xff, 0x55, 0xff),
                rgb(0x00, 0xff, 0xff),
            ),
        };
        Theme {
            name,
            depth,
            text: s().fg(text),
            dim: s().fg(dim),
            title: s().fg(accent).add_modifier(b),
            heading: s().fg(yellow).add_modifier(b),
            accent: s().fg(accent),
            bold: s().fg(text).add_modifier(b),
            emphasis: s().fg(text).add_modifier(Modifier::ITALIC),
            inline_code: s()
                .fg(cyan)
                .add_modifier(if name == ThemeName::HighContrast {
                    b
                } else {
                    Modifier::empty()
                }),
            code: s().fg(code_fg),
            code_gutter: s().fg(dim),
            selected: s().add_modifier(Modifier::REVERSED | b),
            border: s().fg(dim),
            footer: s().fg(dim),
            key: s().fg(accent).add_modifier(b),
            done: s().fg(green),
            partial: s().fg(yellow),
            warning: s().fg(yellow).add_modifier(b),
            error: s().fg(red).add_modifier(b),
            modern: s().fg(blue).add_modifier(b),
            tip: s().fg(green).add_modifier(b),
            note: s().fg(magenta).add_modifier(b),
            link: s().fg(accent).add_modifier(Modifier::UNDERLINED),
            syntax_theme: match name {
                ThemeName::Dark => "dark",
                ThemeName::Light => "light",
                ThemeName::HighContrast => "high-contrast",
            },
        }
    }
}

/// Map every colour in a drawn frame to what the terminal can show.
pub fn downsample(buf: &mut Buffer, depth: ColorDepth) {
    if depth == ColorDepth::TrueColor {
        return;
    }
    for cell in buf.content.iter_mut() {
        cell.fg = map_color(cell.fg, depth);
        cell.bg = map_color(cell.bg, depth);
        if depth == ColorDepth::None {
            cell.underline_color = Color::Reset;
        }
    }
}

/// One colour at a given depth.
pub fn map_color(c: Color, depth: ColorDepth) -> Color {
    match (depth, c) {
        (ColorDepth::TrueColor, c) => c,
        (ColorDepth::None, _) => Color::Reset,
        (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(rgb_to_256(r, g, b)),
        (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => rgb_to_16(r, g, b),
        (ColorDepth::Ansi16, Color::Indexed(i)) => {
            let (r, g, b) = index_to_rgb(i);
            rgb_to_16(r, g, b)
        }
        (_, c) => c,
    }
}

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn dist(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    // Weighted for the eye's sensitivity (green most, blue least).
    2 * d(a.0, b.0) + 4 * d(a.1, b.1) + 3 * d(a.2, b.2)
}

/// The nearest xterm-256 index: the 6×6×6 cube or the 24-step grey ramp.
pub fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    let near = |v: u8| {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (i32::from(**c) - i32::from(v)).abs())
            .map_or(0, |(i, _)| i as u8)
    };
    let (ri, gi, bi) = (near(r), near(g), near(b));
    let cube = (CUBE[ri as usize], CUBE[gi as usize], CUBE[bi as usize]);
    let cube_idx = 16 + 36 * ri + 6 * gi + bi;
    let avg = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_i = ((avg.saturating_sub(8)) / 10).min(23) as u8;
    let grey_v = 8 + 10 * grey_i;
    if dist((grey_v, grey_v, grey_v), (r, g, b)) < dist(cube, (r, g, b)) {
        232 + grey_i
    } else {
        cube_idx
    }
}

fn index_to_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[i as usize].1,
        16..=231 => {
            let i = i - 16;
            (
                CUBE[(i / 36) as usize],
                CUBE[(i / 6 % 6) as usize],
                CUBE[(i % 6) as usize],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The nearest of the 16 standard colours, by hue first: a saturated colour
/// maps to a colour, never to grey, so meaning carried by hue survives.
pub fn rgb_to_16(r: u8, g: u8, b: u8) -> Color {
    let (rf, gf, bf) = (f32::from(r), f32::from(g), f32::from(b));
    let max = rf.max(gf).max(bf);
    let min = rf.min(gf).min(bf);
    let light = (max + min) / 2.0;
    if max - min <= 40.0 {
        return match light {
            l if l < 60.0 => Color::Black,
            l if l < 150.0 => Color::DarkGray,
            l if l < 235.0 => Color::Gray,
            _ => Color::White,
        };
    }
    let c = max - min;
    let hue = if max == rf {
        60.0 * ((gf - bf) / c).rem_euclid(6.0)
    } else if max == gf {
        60.0 * ((bf - rf) / c + 2.0)
    } else {
        60.0 * ((rf - gf) / c + 4.0)
    };
    let sector = ((hue + 30.0) / 60.0).floor() as u32 % 6;
    let bright = light > 170.0;
    match (sector, bright) {
        (0, false) => Color::Red,
        (0, true) => Color::LightRed,
        (1, false) => Color::Yellow,
        (1, true) => Color::LightYellow,
        (2, false) => Color::Green,
        (2, true) => Color::LightGreen,
        (3, false) => Color::Cyan,
        (3, true) => Color::LightCyan,
        (4, false) => Color::Blue,
        (4, true) => Color::LightBlue,
        (_, false) => Color::Magenta,
        (_, true) => Color::LightMagenta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_the_environment() {
        use ColorDepth as D;
        let d = ColorDepth::detect;
        assert_eq!(
            d(false, None, Some("truecolor"), Some("xterm")),
            D::TrueColor
        );
        assert_eq!(d(false, None, None, Some("xterm-256color")), D::Ansi256);
        assert_eq!(d(false, None, None, Some("xterm")), D::Ansi16);
        assert_eq!(d(false, Some("1"), Some("truecolor"), None), D::None);
        assert_eq!(d(false, Some(""), None, Some("vt100")), D::Ansi16);
        assert_eq!(d(true, None, Some("24bit"), None), D::None);
    }

    #[test]
    fn rgb_maps_to_the_nearest_256_index() {
        assert_eq!(rgb_to_256(0, 0, 0), 16);
        assert_eq!(rgb_to_256(255, 255, 255), 231);
        assert_eq!(rgb_to_256(255, 0, 0), 196);
        assert_eq!(rgb_to_256(128, 128, 128), 244);
        assert_eq!(rgb_to_256(0x88, 0xc0, 0xd0), 110);
    }

    #[test]
    fn rgb_maps_to_16_by_hue() {
        assert_eq!(rgb_to_16(0xbf, 0x61, 0x6a), Color::Red);
        assert_eq!(rgb_to_16(0xa3, 0xbe, 0x8c), Color::Green);
        assert_eq!(rgb_to_16(0x88, 0xc0, 0xd0), Color::LightCyan);
        assert_eq!(rgb_to_16(0x1b, 0x7c, 0x83), Color::Cyan);
        assert_eq!(rgb_to_16(0xd8, 0xde, 0xe9), Color::Gray);
        assert_eq!(rgb_to_16(10, 10, 10), Color::Black);
    }

    #[test]
    fn no_color_keeps_modifiers() {
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 2, 1));
        buf[(0, 0)].set_style(Style::new().fg(rgb(1, 2, 3)).add_modifier(Modifier::BOLD));
        downsample(&mut buf, ColorDepth::None);
        assert_eq!(buf[(0, 0)].fg, Color::Reset);
        assert!(buf[(0, 0)].modifier.contains(Modifier::BOLD));
    }
}
