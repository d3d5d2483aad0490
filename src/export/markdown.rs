//! The handout as Markdown.

use std::fmt::Write as _;

use crate::content::sanitize::inert;
use crate::content::{Block, BlockKind, Bullet, Content};
use crate::quiz::report::expected_answer;

use super::{choices, matching_left, program, rubric_lines};

pub fn render(content: &Content, with_answers: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Python Threads: handout\n");
    if with_answers {
        let _ = writeln!(out, "*Teacher's copy: with answers and rubrics.*\n");
    }
    for lesson in &content.lessons {
        let _ = writeln!(out, "## {}\n", safe(&lesson.title));
        let _ = writeln!(
            out,
            "*{}* — {}\n",
            safe(&lesson.part),
            safe(&lesson.summary)
        );
        for (i, slide) in lesson.slides.iter().enumerate() {
            let _ = writeln!(out, "### {}. {}\n", i + 1, safe(&slide.title));
            blocks(&mut out, &slide.blocks);
        }
    }
    for quiz in &content.quizzes {
        let _ = writeln!(out, "## Quiz: {}\n", safe(quiz.title()));
        for q in &quiz.questions {
            if let Some(ctx) = quiz.multipart_context(q) {
                let _ = writeln!(out, "{}\n", safe(ctx.trim_end()));
            }
            // The prompt's own Markdown (its code blocks too), indented to
            // stay inside the numbered item.
            let number = format!("{}. ", q.position);
            let pad = " ".repeat(number.len());
            let _ = writeln!(
                out,
                "{number}{}\n",
                indent_rest(&safe(q.prompt.trim_end()), &pad)
            );
            if let Some(source) = program(q) {
                let fence = fence_for(source);
                let program = format!("{fence}python\n{}\n{fence}", inert(source.trim_end()));
                let _ = writeln!(out, "{pad}{}\n", indent_rest(&program, &pad));
            }
            let left = matching_left(q);
            if !left.is_empty() {
                for l in &left {
                    let _ = writeln!(out, "{pad}- {} → ____", safe(l));
                }
                out.push('\n');
            }
            if let Some(cs) = choices(q) {
                for c in cs {
                    let _ = writeln!(out, "{pad}- [ ] {}", indent_rest(&safe(&c), &pad));
                }
                out.push('\n');
            }
            if with_answers {
                let _ = writeln!(out, "{pad}**Answer:**\n");
                // Every line of the answer kept, as a quoted code-free block.
                for l in expected_answer(q).lines() {
                    let _ = writeln!(out, "{pad}> {}  ", safe(l));
                }
                out.push('\n');
                let rubric = rubric_lines(q);
                if !rubric.is_empty() {
                    let _ = writeln!(out, "{pad}**Rubric:**\n");
                    for r in rubric {
                        let _ = writeln!(out, "{pad}- {}", safe(&r));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A text field of content as handout Markdown: made inert, then any raw
/// HTML in it (`<script>`, `<img onerror=…>`) escaped so a Markdown viewer
/// shows it as text, and links to `javascript:`, `vbscript:` or `data:`
/// replaced by their text. Code spans and code blocks are left as they
/// are (they show their text anyway). Linear: one pulldown-cmark pass.
pub fn safe(s: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let s = inert(s);
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    // Events inside a range already replaced are skipped.
    let mut replaced_to = 0usize;
    for (ev, range) in Parser::new_ext(&s, Options::empty()).into_offset_iter() {
        if range.start < replaced_to {
            continue;
        }
        match ev {
            Event::Html(_) | Event::InlineHtml(_) => {
                let raw = &s[range.clone()];
                let escaped = raw
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                replaced_to = range.end;
                edits.push((range, escaped));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if dangerous_url(&dest_url) =>
            {
                let inner = &s[range.clone()];
                let text = inner
                    .strip_prefix('!')
                    .unwrap_or(inner)
                    .strip_prefix('[')
                    .and_then(|t| t.rsplit_once("]("))
                    .map_or("link", |(label, _)| label);
                let text = text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('[', "\\[")
                    .replace(']', "\\]");
                replaced_to = range.end;
                edits.push((range, format!("{text} (link removed)")));
            }
            _ => {}
        }
    }
    if edits.is_empty() {
        return s.into_owned();
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(s.len() + 16);
    let mut at = 0;
    for (r, with) in edits {
        if r.start < at {
            continue;
        }
        out.push_str(&s[at..r.start]);
        out.push_str(&with);
        at = r.end;
    }
    out.push_str(&s[at..]);
    out
}

/// Does a link go somewhere a handout must not send its reader?
fn dangerous_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    url.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

/// `text` with every line after the first indented by `pad`.
fn indent_rest(text: &str, pad: &str) -> String {
    text.replace('\n', &format!("\n{pad}"))
}

/// A fence longer than any run of backticks in `code`.
fn fence_for(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn blocks(out: &mut String, bs: &[Block]) {
    for b in bs {
        block(out, b);
    }
}

fn block(out: &mut String, b: &Block) {
    match &b.kind {
        BlockKind::Paragraph(t) => {
            let _ = writeln!(out, "{}\n", safe(t));
        }
        BlockKind::Bullets(items) => {
            bullets(out, items, 0);
            out.push('\n');
        }
        BlockKind::Code(c) => {
            if let Some(cap) = &c.caption {
                let _ = writeln!(out, "*{}*\n", safe(cap));
            }
            let lang = if c.language == "python2" {
                "python"
            } else {
                &c.language
            };
            // Longer than any run of backticks in the code, so the code
            // cannot close its own block.
            let fence = fence_for(&c.source);
            let _ = writeln!(
                out,
                "{fence}{lang}\n{}\n{fence}\n",
                inert(c.source.trim_end())
            );
        }
        BlockKind::Columns(cols) => {
            for col in cols {
                let _ = writeln!(out, "**{}**\n", safe(&col.heading));
                blocks(out, &col.blocks);
            }
        }
        BlockKind::Callout(c) => {
            let title = c
                .title
                .as_ref()
                .map(|t| format!(" ({})", safe(t)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "> **{}{title}:** {}\n",
                c.kind.label(),
                safe(&c.text).replace('\n', "\n> ")
            );
        }
        BlockKind::Diagram { text, description } => {
            let _ = writeln!(out, "*Diagram: {}*\n", safe(description));
            let fence = fence_for(text);
            let _ = writeln!(out, "{fence}text\n{}\n{fence}\n", inert(text.trim_end()));
        }
        BlockKind::Quote { text, by } => {
            let by = by
                .as_ref()
                .map(|b| format!(" — {}", safe(b)))
                .unwrap_or_default();
            let _ = writeln!(out, "> {}{by}\n", safe(text).replace('\n', "\n> "));
        }
        BlockKind::Demo { id, caption } => {
            let cap = caption
                .as_ref()
                .map(|c| format!(": {}", safe(c)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "*Live demo `{id}`{cap} — run it with `threadtutor demo {id}`.*\n"
            );
        }
        BlockKind::Quiz { quiz, .. } => {
            let _ = writeln!(
                out,
                "*Check yourself: quiz `{quiz}` (at the end of this handout).*\n"
            );
        }
        BlockKind::Challenge { id, title } => {
            let _ = writeln!(
                out,
                "*Challenge: {} (`threadtutor challenge {}`).*\n",
                safe(title),
                safe(id)
            );
        }
        BlockKind::Exercise { id, title } => {
            let _ = writeln!(
                out,
                "*Exercise: {} (`threadtutor exercise init` writes `{}.py`).*\n",
                safe(title),
                safe(id)
            );
        }
    }
}

fn bullets(out: &mut String, items: &[Bullet], depth: usize) {
    for item in items {
        let _ = writeln!(out, "{}- {}", "  ".repeat(depth), safe(&item.text));
        bullets(out, &item.children, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn html_is_escaped_and_script_links_removed() {
        let t = safe("a <script>alert(1)</script> b <img src=x onerror=alert(2)>");
        assert!(!t.contains('<'), "{t}");
        assert!(t.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{t}");
        let t = safe("see [x](javascript:alert(1)) and [ok](https://python.org)");
        assert!(!t.contains("javascript"), "{t}");
        assert!(t.contains("x (link removed)"), "{t}");
        assert!(t.contains("[ok](https://python.org)"), "{t}");
        let t = safe("[y](  JaVaScRiPt:alert(1))");
        assert!(!t.to_lowercase().contains("javascript:"), "{t}");
        // Code keeps its text.
        assert_eq!(safe("`a < b` and `<p>`"), "`a < b` and `<p>`");
        assert_eq!(safe("x < y"), "x < y");
    }
}
