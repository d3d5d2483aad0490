//! Laying a slide out as lines for a given width: pure, so it is tested
//! without a terminal. Wrapping, side-by-side columns (stacked when narrow),
//! callouts, diagrams and code gutters all happen here; the lesson screen
//! only scrolls and draws the result.

use std::sync::Arc;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::content::markdown::{self, Style as Markup};
use crate::content::sanitize::inert;
use crate::content::slide_ir::{Action, Element, ElementKind, LinkIr, ListItem, Prose, SlideIr};
use crate::content::{CalloutKind, Code, Slide};

use super::theme::Theme;

/// Something on the slide the learner can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    Demo(String),
    Quiz {
        quiz: String,
        questions: Vec<String>,
    },
    /// A runnable code block.
    Run(Code),
    /// A challenge level (by id).
    Challenge(String),
    /// An exercise (by id).
    Exercise(String),
}

/// A laid-out slide.
#[derive(Debug, Clone, Default)]
pub struct Laid {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<Link>,
}

/// Looks up highlighted lines for a code block, if they are ready.
pub type HighlightLookup<'a> = &'a dyn Fn(&Code) -> Option<Arc<Vec<Line<'static>>>>;

/// Narrowest column worth showing side by side.
pub const MIN_COLUMN: usize = 30;

impl Link {
    /// The link for an action on the slide.
    pub fn of(action: Action) -> Self {
        match action {
            Action::Run(code) => Link::Run(code.clone()),
            Action::Open(LinkIr::Demo { id, .. }) => Link::Demo(id.to_string()),
            Action::Open(LinkIr::Quiz { quiz, questions }) => Link::Quiz {
                quiz: quiz.to_string(),
                questions: questions.to_vec(),
            },
            Action::Open(LinkIr::Challenge { id, .. }) => Link::Challenge(id.to_string()),
            Action::Open(LinkIr::Exercise { id, .. }) => Link::Exercise(id.to_string()),
        }
    }

    /// The links on `slide` at reveal `step`, in slide order (without
    /// laying the slide out).
    pub fn on(slide: &Slide, step: usize) -> Vec<Link> {
        SlideIr::build(slide)
            .actions(step)
            .into_iter()
            .map(Link::of)
            .collect()
    }
}

/// Looks up the title of a quiz by its id, for "Check yourself" links.
pub type QuizTitles<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Lay out the elements visible at `step` (1-based) in `width` cells.
pub fn lay_out(slide: &Slide, step: usize, width: u16, theme: &Theme, hl: HighlightLookup) -> Laid {
    lay_out_titled(slide, step, width, theme, hl, &|_| None)
}

/// [`lay_out`], with quiz links showing the quiz's title (found by
/// `titles`) instead of its file id.
pub fn lay_out_titled(
    slide: &Slide,
    step: usize,
    width: u16,
    theme: &Theme,
    hl: HighlightLookup,
    titles: QuizTitles,
) -> Laid {
    let ir = SlideIr::build(slide);
    let mut laid = Laid {
        lines: Vec::new(),
        links: ir.actions(step).into_iter().map(Link::of).collect(),
    };
    let width = usize::from(width).max(1);
    elements(
        &mut laid.lines,
        &ir.elements,
        step,
        width,
        theme,
        (hl, titles),
    );
    while laid.lines.last().is_some_and(|l| l.width() == 0) {
        laid.lines.pop();
    }
    laid
}

type Lines = Vec<Line<'static>>;

fn elements(
    out: &mut Lines,
    els: &[Element],
    step: usize,
    width: usize,
    theme: &Theme,
    hl: (HighlightLookup, QuizTitles),
) {
    for el in els.iter().filter(|e| e.reveal <= step) {
        element(out, el, step, width, theme, hl);
        out.push(Line::default());
    }
}

fn element(
    out: &mut Lines,
    el: &Element,
    step: usize,
    width: usize,
    theme: &Theme,
    (hl, titles): (HighlightLookup, QuizTitles),
) {
    match &el.kind {
        ElementKind::Paragraph(text) => {
            out.extend(wrap(
                &styled(*text, theme.text, theme),
                width,
                vec![],
                vec![],
            ));
        }
        ElementKind::List(items) => list(out, items, width, theme),
        ElementKind::Code(code) => code_block(out, code, width, theme, hl),
        ElementKind::Columns(cols) => {
            let n = cols.len().max(1);
            let sep = 3;
            let col_w = (width.saturating_sub(sep * (n - 1))) / n;
            if n > 1 && col_w >= MIN_COLUMN {
                let mut laid_cols = Vec::new();
                for col in cols {
                    let mut inner: Lines = Vec::new();
                    inner.push(Line::from(Span::styled(
                        truncate(&inert(col.heading), col_w),
                        theme.heading.add_modifier(Modifier::UNDERLINED),
                    )));
                    elements(&mut inner, &col.elements, step, col_w, theme, (hl, titles));
                    while inner.last().is_some_and(|l| l.width() == 0) {
                        inner.pop();
                    }
                    laid_cols.push(inner);
                }
                let rows = laid_cols.iter().map(Vec::len).max().unwrap_or(0);
                for r in 0..rows {
                    let mut spans: Vec<Span<'static>> = Vec::new();
                    for (c, col) in laid_cols.iter().enumerate() {
                        if c > 0 {
                            spans.push(Span::styled(" │ ", theme.border));
                        }
                        let line = col.get(r).cloned().unwrap_or_default();
                        let w = line.width();
                        spans.extend(line.spans);
                        if c + 1 < n {
                            spans.push(Span::raw(" ".repeat(col_w.saturating_sub(w))));
                        }
                    }
                    out.push(Line::from(spans));
                }
            } else {
                for (i, col) in cols.iter().enumerate() {
                    if i > 0 {
                        out.push(Line::default());
                    }
                    out.push(Line::from(Span::styled(
                        truncate(&inert(col.heading), width),
                        theme.heading.add_modifier(Modifier::UNDERLINED),
                    )));
                    elements(out, &col.elements, step, width, theme, (hl, titles));
                    while out.last().is_some_and(|l| l.width() == 0) {
                        out.pop();
                    }
                }
            }
        }
        ElementKind::Callout { style, title, body } => {
            let colour = match style {
                CalloutKind::ModernPython => theme.modern,
                CalloutKind::Warning => theme.warning,
                CalloutKind::Tip => theme.tip,
                CalloutKind::Note => theme.note,
            };
            let bar = vec![Span::styled("▌ ", colour)];
            let mut head = vec![Span::styled(style.label().to_string(), colour)];
            if let Some(t) = title {
                head.push(Span::styled(" · ", theme.dim));
                head.extend(styled(*t, theme.bold, theme));
            }
            out.extend(wrap(&head, width, bar.clone(), bar.clone()));
            for para in body.source().split("\n\n") {
                out.extend(wrap(
                    &markup(para, theme.text, theme),
                    width,
                    bar.clone(),
                    bar.clone(),
                ));
            }
        }
        ElementKind::Figure { art, .. } => {
            for line in art.trim_end_matches('\n').lines() {
                out.push(Line::from(Span::styled(
                    truncate(&inert(line), width),
                    theme.code,
                )));
            }
        }
        ElementKind::Quote { text, by } => {
            let pad = vec![Span::raw("  ")];
            let mut spans = vec![Span::styled("“", theme.dim)];
            spans.extend(styled(*text, theme.emphasis, theme));
            spans.push(Span::styled("”", theme.dim));
            out.extend(wrap(&spans, width, pad.clone(), pad.clone()));
            if let Some(by) = by {
                let pad = vec![Span::raw("    ")];
                let mut spans = vec![Span::styled("— ", theme.dim)];
                spans.extend(styled(*by, theme.dim, theme));
                out.extend(wrap(&spans, width, pad.clone(), pad));
            }
        }
        ElementKind::Link(link) => {
            let spans = link_spans(link, theme, titles);
            out.extend(wrap(&spans, width, vec![], vec![Span::raw("  ")]));
        }
    }
}

/// The words of a link on a slide, ending with the key that opens it.
fn link_spans(link: &LinkIr, theme: &Theme, titles: QuizTitles) -> Vec<Span<'static>> {
    let mut spans = match link {
        LinkIr::Demo { id, caption } => {
            // The demo's title, as its screen shows it (the id only if
            // this build has no such demo; the loader reports that).
            let title = crate::demos::registry::find(id).map_or(*id, |d| d.info().title);
            let mut spans = vec![
                Span::styled("▶ Live demo: ", theme.key),
                Span::styled(title.to_string(), theme.link),
            ];
            if let Some(c) = caption {
                spans.push(Span::styled(" — ", theme.dim));
                spans.extend(styled(*c, theme.text, theme));
            }
            spans
        }
        LinkIr::Challenge { title, .. } => vec![
            Span::styled("⚑ Challenge: be the scheduler · ", theme.key),
            Span::styled(inert(title).into_owned(), theme.link),
        ],
        LinkIr::Exercise { title, .. } => vec![
            Span::styled("✎ Exercise: fix the code · ", theme.key),
            Span::styled(inert(title).into_owned(), theme.link),
        ],
        LinkIr::Quiz { quiz, questions } => {
            let which = match questions.len() {
                0 => String::new(),
                1 => " · 1 question".to_string(),
                n => format!(" · {n} questions"),
            };
            vec![
                Span::styled("✎ ", theme.key),
                Span::styled(
                    inert(&titles(quiz).unwrap_or_else(|| format!("Check yourself: {quiz}")))
                        .into_owned(),
                    theme.link,
                ),
                Span::styled(which, theme.text),
            ]
        }
    };
    spans.push(Span::styled("  [Enter]", theme.dim));
    spans
}

fn list(out: &mut Lines, items: &[ListItem], width: usize, theme: &Theme) {
    let marks = ["•", "◦", "▪"];
    for item in items {
        let indent = "  ".repeat(item.depth);
        let first = vec![
            Span::raw(indent.clone()),
            Span::styled(
                format!("{} ", marks[item.depth % marks.len()]),
                theme.accent,
            ),
        ];
        let rest = vec![Span::raw(format!("{indent}  "))];
        out.extend(wrap(
            &styled(item.text, theme.text, theme),
            width,
            first,
            rest,
        ));
    }
}

fn code_block(out: &mut Lines, code: &Code, width: usize, theme: &Theme, hl: HighlightLookup) {
    let mut head = vec![Span::styled(
        if code.language == "python2" {
            "python 2 (the deck's text)".to_string()
        } else {
            code.language.clone()
        },
        theme.dim.add_modifier(Modifier::ITALIC),
    )];
    if let Some(c) = &code.caption {
        head.push(Span::styled(" · ", theme.dim));
        head.extend(markup(c, theme.dim, theme));
    }
    if let Some(f) = code.file.as_ref().filter(|f| {
        !code
            .caption
            .as_ref()
            .is_some_and(|c| c.contains(f.as_str()))
    }) {
        head.push(Span::styled(format!(" · {f}"), theme.dim));
    }
    if code.runnable {
        head.push(Span::styled("  [r] run", theme.key));
    }
    out.extend(wrap(
        &head,
        width,
        vec![Span::styled("┌ ", theme.border)],
        vec![Span::styled("│ ", theme.border)],
    ));
    let highlighted = hl(code);
    let plain: Vec<Line<'static>>;
    let lines: &[Line<'static>] = match &highlighted {
        Some(h) => h,
        None => {
            plain = code
                .source
                .lines()
                .map(|l| Line::from(Span::styled(l.to_string(), theme.code)))
                .collect();
            &plain
        }
    };
    let avail = width.saturating_sub(2).max(1);
    for line in lines {
        let spans: Vec<Span<'static>> = line
            .spans
            .iter()
            .map(|s| Span::styled(inert(&s.content).into_owned(), s.style))
            .collect();
        let mut pieces = split_at_width(spans, avail).into_iter();
        if let Some(first) = pieces.next() {
            let mut l = vec![Span::styled("│ ", theme.border)];
            l.extend(first);
            out.push(Line::from(l));
        }
        for piece in pieces {
            let mut l = vec![Span::styled("┆ ", theme.border)];
            l.extend(piece);
            out.push(Line::from(l));
        }
    }
    out.push(Line::from(Span::styled("└", theme.border)));
}

/// Slide prose → styled spans, with `base` for plain runs.
fn styled(text: Prose, base: Style, theme: &Theme) -> Vec<Span<'static>> {
    markup(text.source(), base, theme)
}

/// Inline markup → styled spans, with `base` for plain runs.
pub fn markup(text: &str, base: Style, theme: &Theme) -> Vec<Span<'static>> {
    markdown::inline(text, Markup::Plain)
        .into_iter()
        .map(|i| {
            let style = match i.style {
                Markup::Plain | Markup::Heading => base,
                Markup::Code => theme.inline_code,
                Markup::Bold => base.patch(theme.bold),
                Markup::Emphasis => base.add_modifier(Modifier::ITALIC),
                Markup::Link => base.patch(theme.link),
            };
            Span::styled(i.text, style)
        })
        .collect()
}

/// Word-wrap styled spans to `width`, starting lines with `first` then `rest`.
/// Words longer than a line are broken; a `\n` in the text starts a new line.
pub fn wrap(
    spans: &[Span<'static>],
    width: usize,
    first: Vec<Span<'static>>,
    rest: Vec<Span<'static>>,
) -> Vec<Line<'static>> {
    let mut w = Wrapper::new(width, first, rest);
    let mut word: Vec<(char, Style)> = Vec::new();
    for span in spans {
        for c in span.content.chars() {
            if c.is_whitespace() {
                w.word(&std::mem::take(&mut word));
                if c == '\n' {
                    w.newline();
                }
            } else {
                word.push((c, span.style));
            }
        }
    }
    w.word(&word);
    w.finish()
}

/// The state of one wrapping run.
struct Wrapper {
    width: usize,
    rest: Vec<Span<'static>>,
    lines: Vec<Line<'static>>,
    line: Vec<Span<'static>>,
    /// How many spans at the start of `line` are its prefix.
    prefix_len: usize,
    /// Cells used on `line`, and how many of them are the prefix.
    used: usize,
    base: usize,
}

impl Wrapper {
    fn new(width: usize, first: Vec<Span<'static>>, rest: Vec<Span<'static>>) -> Self {
        let base = first.iter().map(Span::width).sum();
        Wrapper {
            width,
            prefix_len: first.len(),
            line: first,
            rest,
            lines: Vec::new(),
            used: base,
            base,
        }
    }

    fn newline(&mut self) {
        let next = self.rest.clone();
        self.prefix_len = next.len();
        self.base = next.iter().map(Span::width).sum();
        self.used = self.base;
        self.lines
            .push(Line::from(std::mem::replace(&mut self.line, next)));
    }

    fn word(&mut self, word: &[(char, Style)]) {
        if word.is_empty() {
            return;
        }
        let ww: usize = word.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
        let has_text = self.used > self.base;
        if has_text && self.used + 1 + ww > self.width {
            self.newline();
        } else if has_text {
            self.push(' ', Style::default());
        }
        for &(c, s) in word {
            let cw = c.width().unwrap_or(0);
            if self.used + cw > self.width && self.used > self.base {
                self.newline();
            }
            self.push(c, s);
        }
    }

    fn push(&mut self, c: char, s: Style) {
        let own_span = self.line.len() > self.prefix_len;
        match self.line.last_mut() {
            Some(last) if own_span && last.style == s => last.content.to_mut().push(c),
            _ => self.line.push(Span::styled(c.to_string(), s)),
        }
        self.used += c.width().unwrap_or(0);
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        if self.used > self.base || self.lines.is_empty() {
            self.lines.push(Line::from(self.line));
        }
        self.lines
    }
}

/// Split a line's spans into pieces of at most `width` cells (for code).
fn split_at_width(spans: Vec<Span<'static>>, width: usize) -> Vec<Vec<Span<'static>>> {
    let mut pieces = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && used > 0 {
                if !text.is_empty() {
                    pieces
                        .last_mut()
                        .unwrap()
                        .push(Span::styled(std::mem::take(&mut text), span.style));
                }
                pieces.push(Vec::new());
                used = 0;
            }
            text.push(c);
            used += cw;
        }
        if !text.is_empty() {
            pieces
                .last_mut()
                .unwrap()
                .push(Span::styled(text, span.style));
        }
    }
    pieces
}

/// Cut `s` to `width` cells, marking the cut with '…'.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > width {
            break;
        }
        out.push(c);
        used += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod link_tests {
    use super::*;
    use crate::content::{Block, BlockKind, Source, load};
    use crate::ui::theme::{ColorDepth, Theme, ThemeName};

    #[test]
    fn a_demo_link_shows_the_demos_title_not_its_id() {
        let content = load(&Source::Embedded).unwrap();
        let theme = Theme::new(ThemeName::Dark, ColorDepth::TrueColor);
        let mut seen = 0;
        for lesson in &content.lessons {
            for slide in &lesson.slides {
                let mut ids = Vec::new();
                Block::walk(&slide.blocks, &mut |b| {
                    if let BlockKind::Demo { id, .. } = &b.kind {
                        ids.push(id.clone());
                    }
                });
                if ids.is_empty() {
                    continue;
                }
                let laid = lay_out(slide, slide.steps(), 200, &theme, &|_| None);
                let text: String = laid
                    .lines
                    .iter()
                    .map(|l| {
                        l.spans
                            .iter()
                            .map(|s| s.content.as_ref())
                            .collect::<String>()
                            + "\n"
                    })
                    .collect();
                for id in ids {
                    let title = crate::demos::registry::find(&id).unwrap().info().title;
                    assert!(
                        text.contains(&format!("▶ Live demo: {title}")),
                        "{}: {text}",
                        slide.title
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen >= 13, "only {seen} demo links");
    }
}
