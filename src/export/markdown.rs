//! The handout as Markdown.

use std::fmt::Write as _;

use crate::content::sanitize::inert;
use crate::content::{Block, BlockKind, Bullet, Content};
use crate::quiz::report::expected_answer;

use super::{choices, matching_left, rubric_lines};

pub fn render(content: &Content, with_answers: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Python Threads: handout\n");
    if with_answers {
        let _ = writeln!(out, "*Teacher's copy: with answers and rubrics.*\n");
    }
    for lesson in &content.lessons {
        let _ = writeln!(out, "## {}\n", inert(&lesson.title));
        let _ = writeln!(
            out,
            "*{}* — {}\n",
            inert(&lesson.part),
            inert(&lesson.summary)
        );
        for (i, slide) in lesson.slides.iter().enumerate() {
            let _ = writeln!(out, "### {}. {}\n", i + 1, inert(&slide.title));
            blocks(&mut out, &slide.blocks);
        }
    }
    for quiz in &content.quizzes {
        let _ = writeln!(out, "## Quiz: {}\n", inert(quiz.title()));
        for q in &quiz.questions {
            if let Some(ctx) = quiz.multipart_context(q) {
                let _ = writeln!(out, "{}\n", inert(ctx.trim_end()));
            }
            // The prompt's own Markdown (its code blocks too), indented to
            // stay inside the numbered item.
            let number = format!("{}. ", q.position);
            let pad = " ".repeat(number.len());
            let _ = writeln!(
                out,
                "{number}{}\n",
                indent_rest(&inert(q.prompt.trim_end()), &pad)
            );
            if let crate::content::quiz::QuestionKind::Tracing(t) = &q.kind {
                let fence = fence_for(&t.program);
                let program = format!("{fence}python\n{}\n{fence}", inert(t.program.trim_end()));
                let _ = writeln!(out, "{pad}{}\n", indent_rest(&program, &pad));
            }
            let left = matching_left(q);
            if !left.is_empty() {
                for l in &left {
                    let _ = writeln!(out, "{pad}- {} → ____", inert(l));
                }
                out.push('\n');
            }
            if let Some(cs) = choices(q) {
                for c in cs {
                    let _ = writeln!(out, "{pad}- [ ] {}", indent_rest(&inert(&c), &pad));
                }
                out.push('\n');
            }
            if with_answers {
                let _ = writeln!(out, "{pad}**Answer:**\n");
                // Every line of the answer kept, as a quoted code-free block.
                for l in expected_answer(q).lines() {
                    let _ = writeln!(out, "{pad}> {}  ", inert(l));
                }
                out.push('\n');
                let rubric = rubric_lines(q);
                if !rubric.is_empty() {
                    let _ = writeln!(out, "{pad}**Rubric:**\n");
                    for r in rubric {
                        let _ = writeln!(out, "{pad}- {}", inert(&r));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
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
            let _ = writeln!(out, "{}\n", inert(t));
        }
        BlockKind::Bullets(items) => {
            bullets(out, items, 0);
            out.push('\n');
        }
        BlockKind::Code(c) => {
            if let Some(cap) = &c.caption {
                let _ = writeln!(out, "*{}*\n", inert(cap));
            }
            let lang = if c.language == "python2" {
                "python"
            } else {
                &c.language
            };
            let fence = if c.source.contains("```") {
                "~~~~"
            } else {
                "```"
            };
            let _ = writeln!(
                out,
                "{fence}{lang}\n{}\n{fence}\n",
                inert(c.source.trim_end())
            );
        }
        BlockKind::Columns(cols) => {
            for col in cols {
                let _ = writeln!(out, "**{}**\n", inert(&col.heading));
                blocks(out, &col.blocks);
            }
        }
        BlockKind::Callout(c) => {
            let title = c
                .title
                .as_ref()
                .map(|t| format!(" ({})", inert(t)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "> **{}{title}:** {}\n",
                c.kind.label(),
                inert(&c.text).replace('\n', "\n> ")
            );
        }
        BlockKind::Diagram { text, description } => {
            let _ = writeln!(out, "*Diagram: {}*\n", inert(description));
            let _ = writeln!(out, "```text\n{}\n```\n", inert(text.trim_end()));
        }
        BlockKind::Quote { text, by } => {
            let by = by
                .as_ref()
                .map(|b| format!(" — {}", inert(b)))
                .unwrap_or_default();
            let _ = writeln!(out, "> {}{by}\n", inert(text).replace('\n', "\n> "));
        }
        BlockKind::Demo { id, caption } => {
            let cap = caption
                .as_ref()
                .map(|c| format!(": {}", inert(c)))
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
    }
}

fn bullets(out: &mut String, items: &[Bullet], depth: usize) {
    for item in items {
        let _ = writeln!(out, "{}- {}", "  ".repeat(depth), inert(&item.text));
        bullets(out, &item.children, depth + 1);
    }
}
