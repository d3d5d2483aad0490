//! The handout as one self-contained HTML file: inline CSS only, no
//! scripts, no external assets; it prints cleanly (each lesson starts a page,
//! slides are not split). Code is classified by the tutorial's own highlighter
//! ([`crate::highlight`]) and coloured by CSS classes (`t-keyword`, ...).

use std::fmt::Write as _;

use crate::content::markdown::{self, Style as Markup};
use crate::content::{Block, BlockKind, Bullet, Code, Content};
use crate::highlight::{Engine, TokenClass};
use crate::quiz::report::expected_answer;

use super::{choices, matching_left, program, rubric_lines};

const CSS: &str = "
body{font-family:Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#111;background:#fff;line-height:1.45}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif}
h2{border-bottom:2px solid #333;margin-top:2.5em}
.part{color:#444;font-style:italic}
section.slide{margin:1.2em 0;padding:.2em 0 .6em;border-bottom:1px solid #ccc;break-inside:avoid}
pre{background:#f6f6f6;border:1px solid #ccc;padding:.6em;overflow-x:auto;font-size:.9em;white-space:pre-wrap}
code{font-family:Menlo,Consolas,monospace}
.caption{font-size:.9em;color:#333;margin-bottom:.2em}
.callout{border-left:4px solid #555;padding:.3em .8em;background:#f3f3f3}
blockquote{font-style:italic;border-left:3px solid #999;margin-left:0;padding-left:1em}
.answer{border:1px solid #2a6;background:#eef8f0;padding:.4em .8em;margin:.4em 0}
.answer pre{background:transparent;border:0;padding:0}
ul.choices{list-style:none;padding-left:1em}
ul.choices li:before{content:'\\2610  '}
nav ol{columns:2}
@media print{body{max-width:none;margin:0}h2.lesson{break-before:page}pre{white-space:pre-wrap}a{color:inherit;text-decoration:none}}
";

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::content::sanitize::inert(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than newline and tab are dropped.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lesson text with its inline markup as HTML.
fn inline(text: &str) -> String {
    spans_html(&markdown::inline(text, Markup::Plain))
}

/// Styled runs as HTML.
fn spans_html(spans: &[markdown::Span]) -> String {
    spans
        .iter()
        .map(|i| {
            let t = escape(&i.text);
            match i.style {
                Markup::Plain | Markup::Heading | Markup::Link => t,
                Markup::Code => format!("<code>{t}</code>"),
                Markup::Bold => format!("<strong>{t}</strong>"),
                Markup::Emphasis => format!("<em>{t}</em>"),
            }
        })
        .collect()
}

/// A quiz's Markdown (a prompt, a multipart context) as HTML: paragraphs,
/// lists, quotes and headings with their inline code, and code blocks
/// highlighted as on a slide.
pub(crate) fn markdown_html(o: &mut String, text: &str, engine: &Engine) {
    let lines = markdown::render(text);
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        match &line.kind {
            markdown::LineKind::Code { language, block } => {
                let mut source = String::new();
                while let Some(l) = lines.get(i) {
                    if !matches!(&l.kind, markdown::LineKind::Code { block: b, .. } if b == block) {
                        break;
                    }
                    source.push_str(&l.text());
                    source.push('\n');
                    i += 1;
                }
                let code = Code {
                    language: language.clone().unwrap_or_default(),
                    source,
                    caption: None,
                    runnable: false,
                    file: None,
                };
                code_block(o, &code, engine);
                continue;
            }
            markdown::LineKind::Text => {
                let pad = if line.indent > 0 {
                    format!(" style=\"margin-left:{}ch\"", line.indent)
                } else {
                    String::new()
                };
                let _ = writeln!(o, "<p{pad}>{}</p>", spans_html(&line.spans));
            }
            markdown::LineKind::Heading => {
                let _ = writeln!(o, "<h4>{}</h4>", spans_html(&line.spans));
            }
            markdown::LineKind::Quote => {
                let _ = writeln!(o, "<blockquote>{}</blockquote>", spans_html(&line.spans));
            }
            markdown::LineKind::Rule => o.push_str("<hr>\n"),
            markdown::LineKind::Blank => {}
        }
        i += 1;
    }
}

/// The colour of each token class on paper (a light palette).
fn token_css(class: TokenClass) -> &'static str {
    match class {
        TokenClass::Text => "",
        TokenClass::Comment => "color:#6a737d;font-style:italic",
        TokenClass::String => "color:#032f62",
        TokenClass::Constant => "color:#005cc5",
        TokenClass::Keyword => "color:#d73a49",
        TokenClass::Operator => "color:#d73a49",
        TokenClass::Function => "color:#6f42c1",
        TokenClass::Type => "color:#e36209;font-weight:bold",
        TokenClass::Variable => "color:#22863a",
        TokenClass::Decorator => "color:#e36209",
        TokenClass::Prompt => "color:#6a737d;font-weight:bold",
    }
}

/// The style sheet's rules for the token classes.
fn token_rules() -> String {
    let mut o = String::new();
    for class in TokenClass::ALL {
        let css = token_css(class);
        if !css.is_empty() {
            let _ = write!(o, ".t-{}{{{css}}}", class.name());
        }
    }
    o
}

pub fn render(content: &Content, with_answers: bool) -> String {
    let engine = Engine::load();
    let mut o = String::new();
    let title = if with_answers {
        "Python Threads: handout (teacher's copy)"
    } else {
        "Python Threads: handout"
    };
    let tokens = token_rules();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}{tokens}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    // Contents.
    o.push_str("<nav>\n<ol>\n");
    for l in &content.lessons {
        let _ = writeln!(
            o,
            "<li><a href=\"#lesson-{}\">{}</a></li>",
            escape(&l.id),
            escape(&l.title)
        );
    }
    o.push_str("</ol>\n</nav>\n");
    for lesson in &content.lessons {
        let _ = writeln!(
            o,
            "<h2 class=\"lesson\" id=\"lesson-{}\">{}</h2>",
            escape(&lesson.id),
            escape(&lesson.title)
        );
        let _ = writeln!(
            o,
            "<p class=\"part\">{}</p>\n<p>{}</p>",
            escape(&lesson.part),
            inline(&lesson.summary)
        );
        for (i, slide) in lesson.slides.iter().enumerate() {
            o.push_str("<section class=\"slide\">\n");
            let _ = writeln!(o, "<h3>{}. {}</h3>", i + 1, escape(&slide.title));
            blocks(&mut o, &slide.blocks, &engine);
            o.push_str("</section>\n");
        }
    }
    for quiz in &content.quizzes {
        let _ = writeln!(
            o,
            "<h2 class=\"lesson\" id=\"quiz-{}\">Quiz: {}</h2>",
            escape(&quiz.id),
            escape(quiz.title())
        );
        o.push_str("<ol class=\"questions\">\n");
        for q in &quiz.questions {
            o.push_str("<li>\n");
            if let Some(ctx_text) = quiz.multipart_context(q) {
                markdown_html(&mut o, ctx_text, &engine);
            }
            markdown_html(&mut o, &q.prompt, &engine);
            if let Some(program) = program(q) {
                let code = Code {
                    language: "python".into(),
                    source: program.to_string(),
                    caption: None,
                    runnable: false,
                    file: None,
                };
                code_block(&mut o, &code, &engine);
            }
            let left = matching_left(q);
            if !left.is_empty() {
                o.push_str("<ul>\n");
                for l in &left {
                    let _ = writeln!(o, "<li>{} → ____</li>", inline(l));
                }
                o.push_str("</ul>\n");
            }
            if let Some(cs) = choices(q) {
                o.push_str("<ul class=\"choices\">\n");
                for c in cs {
                    let _ = writeln!(o, "<li>{}</li>", inline(&c));
                }
                o.push_str("</ul>\n");
            }
            if with_answers {
                let _ = writeln!(
                    o,
                    "<div class=\"answer\"><strong>Answer:</strong><pre>{}</pre>",
                    escape(&expected_answer(q))
                );
                let rubric = rubric_lines(q);
                if !rubric.is_empty() {
                    o.push_str("<strong>Rubric:</strong>\n<ul class=\"rubric\">\n");
                    for r in rubric {
                        let _ = writeln!(o, "<li>{}</li>", escape(&r));
                    }
                    o.push_str("</ul>\n");
                }
                o.push_str("</div>\n");
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ol>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn blocks(o: &mut String, bs: &[Block], engine: &Engine) {
    for b in bs {
        block(o, b, engine);
    }
}

fn block(o: &mut String, b: &Block, engine: &Engine) {
    match &b.kind {
        BlockKind::Paragraph(t) => {
            let _ = writeln!(o, "<p>{}</p>", inline(t));
        }
        BlockKind::Bullets(items) => bullets(o, items),
        BlockKind::Code(c) => code_block(o, c, engine),
        BlockKind::Columns(cols) => {
            for col in cols {
                let _ = writeln!(
                    o,
                    "<div class=\"column\">\n<h4>{}</h4>",
                    escape(&col.heading)
                );
                blocks(o, &col.blocks, engine);
                o.push_str("</div>\n");
            }
        }
        BlockKind::Callout(c) => {
            let title = c
                .title
                .as_ref()
                .map(|t| format!(" ({})", inline(t)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<div class=\"callout\"><strong>{}{title}:</strong> {}</div>",
                c.kind.label(),
                inline(&c.text)
            );
        }
        BlockKind::Diagram { text, description } => {
            let _ = writeln!(
                o,
                "<figure>\n<pre role=\"img\" aria-label=\"{}\">{}</pre>\n<figcaption>{}</figcaption>\n</figure>",
                escape(description),
                escape(text.trim_end()),
                inline(description)
            );
        }
        BlockKind::Quote { text, by } => {
            let by = by
                .as_ref()
                .map(|b| format!(" — {}", inline(b)))
                .unwrap_or_default();
            let _ = writeln!(o, "<blockquote>{}{by}</blockquote>", inline(text));
        }
        BlockKind::Demo { id, caption } => {
            let cap = caption
                .as_ref()
                .map(|c| format!(": {}", inline(c)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<p class=\"caption\">Live demo <code>{}</code>{cap} — run it with <code>threadtutor demo {}</code>.</p>",
                escape(id),
                escape(id)
            );
        }
        BlockKind::Quiz { quiz, .. } => {
            let _ = writeln!(
                o,
                "<p class=\"caption\">Check yourself: <a href=\"#quiz-{}\">quiz {}</a>.</p>",
                escape(quiz),
                escape(quiz)
            );
        }
        BlockKind::Challenge { id, title } => {
            let _ = writeln!(
                o,
                "<p class=\"caption\">Challenge: {} — play it with <code>threadtutor</code> (or <code>threadtutor challenge {}</code>).</p>",
                escape(title),
                escape(id)
            );
        }
        BlockKind::Exercise { id, title } => {
            let _ = writeln!(
                o,
                "<p class=\"caption\">Exercise: {} — <code>threadtutor exercise init</code> writes <code>{}.py</code>; <code>threadtutor exercise watch</code> checks it.</p>",
                escape(title),
                escape(id)
            );
        }
    }
}

fn bullets(o: &mut String, items: &[Bullet]) {
    o.push_str("<ul>\n");
    for item in items {
        let _ = write!(o, "<li>{}", inline(&item.text));
        if !item.children.is_empty() {
            o.push('\n');
            bullets(o, &item.children);
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ul>\n");
}

fn code_block(o: &mut String, c: &Code, engine: &Engine) {
    if let Some(cap) = &c.caption {
        let _ = writeln!(o, "<div class=\"caption\">{}</div>", inline(cap));
    }
    let _ = write!(o, "<pre><code class=\"language-{}\">", escape(&c.language));
    for (n, line) in engine.tokens(&c.language, &c.source).iter().enumerate() {
        if n > 0 {
            o.push('\n');
        }
        for token in line {
            let text = escape(&token.text);
            match token.class {
                TokenClass::Text => o.push_str(&text),
                class => {
                    let _ = write!(o, "<span class=\"t-{}\">{text}</span>", class.name());
                }
            }
        }
    }
    o.push_str("</code></pre>\n");
}
