//! A lesson as plain text, for `threadtutor show`: linear, no escape codes,
//! code indented, columns one after another, diagrams with their description.
//! Screen readers and pipes read it well.

use std::fmt::Write as _;

use super::lesson::{Lesson, Slide};
use super::sanitize::inert;
use super::slide_ir::{Element, ElementKind, LinkIr, SlideIr};

/// Width paragraphs are wrapped to.
pub const WIDTH: usize = 78;

/// The whole lesson, or just slide `only` (0-based).
pub fn render_lesson(lesson: &Lesson, only: Option<usize>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", inert(&lesson.title));
    let _ = writeln!(
        out,
        "{}",
        "=".repeat(lesson.title.chars().count().min(WIDTH))
    );
    let _ = writeln!(out, "{}", inert(&lesson.part));
    let _ = writeln!(out, "{}", inert(&lesson.summary));
    for (i, slide) in lesson.slides.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        out.push('\n');
        out.push_str(&render_slide(slide, i + 1, lesson.slides.len()));
    }
    finish(out)
}

/// The last step of every rendering: whatever a field above forgot (a
/// caption, a language, a file name, an id), nothing raw leaves this module.
fn finish(out: String) -> String {
    match inert(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

/// One slide with every reveal step shown.
pub fn render_slide(slide: &Slide, number: usize, total: usize) -> String {
    let mut out = String::new();
    let head = format!("Slide {number}/{total}: {}", inert(&slide.title));
    let _ = writeln!(out, "{head}");
    let _ = writeln!(out, "{}", "-".repeat(head.chars().count().min(WIDTH)));
    elements(&mut out, &SlideIr::build(slide).elements, 0);
    finish(out)
}

fn elements(out: &mut String, els: &[Element], indent: usize) {
    for el in els {
        element(out, el, indent);
    }
}

fn element(out: &mut String, el: &Element, indent: usize) {
    let pad = " ".repeat(indent);
    match &el.kind {
        ElementKind::Paragraph(t) => {
            wrap_into(out, &t.plain(), &pad, &pad);
            out.push('\n');
        }
        ElementKind::List(items) => {
            for item in items {
                let pad = " ".repeat(indent + 2 * item.depth);
                wrap_into(
                    out,
                    &item.text.plain(),
                    &format!("{pad}- "),
                    &format!("{pad}  "),
                );
            }
            out.push('\n');
        }
        ElementKind::Code(c) => {
            let lang = if c.language == "python2" {
                "Python 2, as in the deck".to_string()
            } else {
                c.language.clone()
            };
            let mut head = format!("{pad}Code ({lang})");
            if let Some(cap) = &c.caption {
                let _ = write!(head, ": {}", inert(cap));
            }
            if let Some(f) = &c.file {
                let _ = write!(head, " [{f}]");
            }
            let _ = writeln!(out, "{head}");
            for line in c.source.lines() {
                let _ = writeln!(out, "{}", format!("{pad}    {}", inert(line)).trim_end());
            }
            out.push('\n');
        }
        ElementKind::Columns(cols) => {
            for col in cols {
                let _ = writeln!(out, "{pad}{}:", inert(col.heading));
                elements(out, &col.elements, indent + 2);
            }
        }
        ElementKind::Callout { style, title, body } => {
            let mut head = style.label().to_string();
            if let Some(t) = title {
                head = format!("{head} ({})", t.plain());
            }
            wrap_into(
                out,
                &format!("{head}: {}", body.plain()),
                &pad,
                &format!("{pad}  "),
            );
            out.push('\n');
        }
        ElementKind::Figure { art, description } => {
            wrap_into(
                out,
                &format!("Diagram: {}", description.plain()),
                &pad,
                &pad,
            );
            for line in art.trim_end_matches('\n').lines() {
                let _ = writeln!(out, "{}", format!("{pad}    {}", inert(line)).trim_end());
            }
            out.push('\n');
        }
        ElementKind::Quote { text, by } => {
            let by = by.map(|b| format!(" -- {}", b.plain())).unwrap_or_default();
            wrap_into(
                out,
                &format!("\"{}\"{by}", text.plain()),
                &format!("{pad}  "),
                &format!("{pad}  "),
            );
            out.push('\n');
        }
        ElementKind::Link(LinkIr::Demo { id, caption }) => {
            let cap = caption
                .map(|c| format!(": {}", c.plain()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{pad}Live demo `{id}`{cap} (run it: threadtutor demo {id})\n"
            );
        }
        ElementKind::Link(LinkIr::Quiz { quiz, questions }) => {
            let which = if questions.is_empty() {
                String::new()
            } else {
                format!(", questions {}", questions.join(", "))
            };
            let _ = writeln!(
                out,
                "{pad}Check yourself: quiz `{quiz}`{which} (take it: threadtutor quiz {quiz})\n"
            );
        }
        ElementKind::Link(LinkIr::Challenge { id, title }) => {
            let _ = writeln!(
                out,
                "{pad}Challenge: {title} (be the scheduler: threadtutor challenge {id})\n"
            );
        }
        ElementKind::Link(LinkIr::Exercise { id, title }) => {
            let _ = writeln!(
                out,
                "{pad}Exercise: {title} (threadtutor exercise watch, or exercise check {id} --file {id}.py)\n"
            );
        }
    }
}

/// Word-wrap `text` to [`WIDTH`], with a first-line and a continuation prefix.
fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str) {
    let text = inert(text);
    for (n, para) in text.split('\n').enumerate() {
        let mut line = String::from(if n == 0 { first } else { rest });
        let mut empty = true;
        for word in para.split_whitespace() {
            if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
                let _ = writeln!(out, "{}", line.trim_end());
                line = rest.to_string();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
