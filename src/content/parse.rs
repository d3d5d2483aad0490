//! Parsing one lesson file: TOML text → checked [`Lesson`].
//!
//! Serde reads the text into flat "raw" structs whose fields keep their
//! source spans; `build_*` functions then check every rule and build the
//! model. Each problem becomes a [`Diagnostic`] at the exact place.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::diagnostic::{Diagnostic, from_toml_error};
use super::lesson::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: Spanned<String>,
    title: Spanned<String>,
    part: Spanned<String>,
    summary: Spanned<String>,
    #[serde(default)]
    demos: Vec<Spanned<String>>,
    #[serde(default)]
    slides: Vec<RawSlide>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlide {
    id: Option<Spanned<String>>,
    title: Spanned<String>,
    #[serde(default)]
    blocks: Vec<RawBlock>,
    notes: Option<String>,
    #[serde(default)]
    questions: Vec<String>,
}

/// Every key any block may have; `type` says which are allowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    reveal: Option<Spanned<i64>>,
    text: Option<Spanned<String>>,
    items: Option<Spanned<Vec<RawBullet>>>,
    language: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    caption: Option<Spanned<String>>,
    runnable: Option<Spanned<bool>>,
    columns: Option<Spanned<Vec<RawColumn>>>,
    style: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    by: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    quiz: Option<Spanned<String>>,
    questions: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    heading: Spanned<String>,
    #[serde(default)]
    blocks: Vec<RawBlock>,
}

/// A bullet: a string, or `{ text = "...", items = [...] }` for nesting.
struct RawBullet {
    text: String,
    items: Vec<RawBullet>,
}

impl<'de> Deserialize<'de> for RawBullet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawBullet;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a table `{ text = \"...\", items = [...] }`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawBullet, E> {
                Ok(RawBullet {
                    text: s.to_string(),
                    items: Vec::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawBullet, A::Error> {
                let mut text = None;
                let mut items = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<String>()?),
                        "items" => items = map.next_value::<Vec<RawBullet>>()?,
                        other => return Err(de::Error::unknown_field(other, &["text", "items"])),
                    }
                }
                let text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(RawBullet { text, items })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<RawBullet, A::Error> {
                Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// What the builders need to know about the file and the rest of the content.
struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err<T>(&mut self, span: &Spanned<T>, msg: impl Into<String>) {
        self.diags
            .push(Diagnostic::at(self.path, self.text, span.span().start, msg));
    }
}

/// Parse one lesson file. References to demos are checked here; references
/// to quizzes need every quiz, so they are checked by the loader afterwards.
pub fn parse_lesson(path: &str, text: &str) -> Result<(Lesson, LessonSpans), Vec<Diagnostic>> {
    let raw: RawLesson = toml::from_str(text).map_err(|e| vec![from_toml_error(path, text, &e)])?;
    let mut cx = Ctx {
        path,
        text,
        diags: Vec::new(),
    };
    let mut spans = LessonSpans {
        id: raw.id.span().start,
        quiz_refs: Vec::new(),
        link_refs: Vec::new(),
    };
    check_id(&mut cx, &raw.id, "lesson id");
    nonempty(&mut cx, &raw.title, "lesson title");
    nonempty(&mut cx, &raw.part, "lesson part");
    nonempty(&mut cx, &raw.summary, "lesson summary");
    for demo in &raw.demos {
        check_demo(&mut cx, demo);
    }
    if raw.slides.is_empty() {
        cx.err(
            &raw.id,
            format!("lesson `{}` has no slides", raw.id.get_ref()),
        );
    }
    let mut slides: Vec<Slide> = Vec::new();
    let mut slide_spans: Vec<usize> = Vec::new();
    for rs in raw.slides {
        let id = match &rs.id {
            Some(id) => {
                check_id(&mut cx, id, "slide id");
                id.get_ref().clone()
            }
            None => slug(rs.title.get_ref()),
        };
        let where_ = rs
            .id
            .as_ref()
            .map_or(rs.title.span().start, |s| s.span().start);
        if id.is_empty() && rs.id.is_none() && !rs.title.get_ref().trim().is_empty() {
            cx.err(
                &rs.title,
                format!(
                    "slide title `{}` makes no id (it has no letters or digits): give the slide an `id`, e.g. id = \"slide-{}\"",
                    rs.title.get_ref(),
                    slides.len() + 1
                ),
            );
        } else if let Some(i) = slides
            .iter()
            .position(|s| s.id == id)
            .filter(|_| !id.is_empty())
        {
            let (line, _) = super::diagnostic::line_col(text, slide_spans[i]);
            cx.diags.push(Diagnostic::at(
                path,
                text,
                where_,
                format!("duplicate slide id `{id}` (first used on line {line}); give one of them an `id`"),
            ));
        }
        nonempty(&mut cx, &rs.title, "slide title");
        if rs.blocks.is_empty() {
            cx.err(
                &rs.title,
                format!(
                    "slide `{}` is empty: it needs at least one block",
                    rs.title.get_ref()
                ),
            );
        }
        let blocks = build_blocks(&mut cx, rs.blocks, &mut spans);
        slide_spans.push(where_);
        slides.push(Slide {
            id,
            title: rs.title.into_inner(),
            blocks,
            notes: rs.notes,
            questions: rs.questions,
        });
    }
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    Ok((
        Lesson {
            id: raw.id.into_inner(),
            title: raw.title.into_inner(),
            part: raw.part.into_inner(),
            summary: raw.summary.into_inner(),
            demos: raw.demos.into_iter().map(Spanned::into_inner).collect(),
            slides,
            path: path.to_string(),
        },
        spans,
    ))
}

/// Where things are in a lesson file, for checks the loader makes later.
#[derive(Debug, Clone, Default)]
pub struct LessonSpans {
    /// Byte offset of the lesson id.
    pub id: usize,
    /// Each quiz link: (offset, quiz id, question id or None for the quiz itself).
    pub quiz_refs: Vec<(usize, String, Option<String>)>,
    /// Each challenge or exercise link: (offset, block type, id).
    pub link_refs: Vec<(usize, &'static str, String)>,
}

fn check_id(cx: &mut Ctx, id: &Spanned<String>, what: &str) {
    let s = id.get_ref();
    if s.is_empty() {
        cx.err(id, format!("{what} is empty"));
    } else if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        cx.err(
            id,
            format!("{what} `{s}` may only use a-z, 0-9, '-' and '_'"),
        );
    }
}

fn nonempty(cx: &mut Ctx, s: &Spanned<String>, what: &str) {
    if s.get_ref().trim().is_empty() {
        cx.err(s, format!("{what} is empty"));
    }
}

fn check_demo(cx: &mut Ctx, demo: &Spanned<String>) {
    if !DEMO_IDS.contains(&demo.get_ref().as_str()) {
        cx.err(
            demo,
            format!(
                "unknown demo `{}` (known: {})",
                demo.get_ref(),
                DEMO_IDS.join(", ")
            ),
        );
    }
}

fn build_blocks(cx: &mut Ctx, raws: Vec<RawBlock>, spans: &mut LessonSpans) -> Vec<Block> {
    raws.into_iter()
        .filter_map(|rb| build_block(cx, rb, spans))
        .collect()
}

/// The keys each block type takes besides `type` and `reveal`.
fn allowed_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "paragraph" => &["text"],
        "bullets" => &["items"],
        "code" => &["language", "source", "file", "caption", "runnable"],
        "columns" => &["columns"],
        "callout" => &["style", "title", "text"],
        "diagram" => &["text", "description"],
        "quote" => &["text", "by"],
        "demo" => &["id", "caption"],
        "quiz" => &["quiz", "questions"],
        "challenge" => &["id"],
        "exercise" => &["id"],
        _ => return None,
    })
}

const BLOCK_TYPES: &str =
    "paragraph, bullets, code, columns, callout, diagram, quote, demo, quiz, challenge, exercise";

fn build_block(cx: &mut Ctx, rb: RawBlock, spans: &mut LessonSpans) -> Option<Block> {
    let kind = rb.kind.get_ref().clone();
    let Some(allowed) = allowed_keys(&kind) else {
        cx.err(
            &rb.kind,
            format!("unknown block type `{kind}` (expected one of: {BLOCK_TYPES})"),
        );
        return None;
    };
    // Keys present that this type does not take.
    let present: [(&str, Option<usize>); 15] = [
        ("text", rb.text.as_ref().map(|s| s.span().start)),
        ("items", rb.items.as_ref().map(|s| s.span().start)),
        ("language", rb.language.as_ref().map(|s| s.span().start)),
        ("source", rb.source.as_ref().map(|s| s.span().start)),
        ("file", rb.file.as_ref().map(|s| s.span().start)),
        ("caption", rb.caption.as_ref().map(|s| s.span().start)),
        ("runnable", rb.runnable.as_ref().map(|s| s.span().start)),
        ("columns", rb.columns.as_ref().map(|s| s.span().start)),
        ("style", rb.style.as_ref().map(|s| s.span().start)),
        ("title", rb.title.as_ref().map(|s| s.span().start)),
        (
            "description",
            rb.description.as_ref().map(|s| s.span().start),
        ),
        ("by", rb.by.as_ref().map(|s| s.span().start)),
        ("id", rb.id.as_ref().map(|s| s.span().start)),
        ("quiz", rb.quiz.as_ref().map(|s| s.span().start)),
        ("questions", rb.questions.as_ref().map(|s| s.span().start)),
    ];
    let mut ok = true;
    for (key, at) in present {
        if let Some(at) = at
            && !allowed.contains(&key)
        {
            cx.diags.push(Diagnostic::at(
                cx.path,
                cx.text,
                at,
                format!(
                    "a `{kind}` block does not take `{key}` (it takes: {})",
                    allowed.join(", ")
                ),
            ));
            ok = false;
        }
    }
    let reveal = match &rb.reveal {
        None => 1,
        Some(r) if *r.get_ref() >= 1 && *r.get_ref() <= 20 => *r.get_ref() as usize,
        Some(r) => {
            cx.err(r, "`reveal` must be a step number from 1 to 20");
            ok = false;
            1
        }
    };
    let need = |cx: &mut Ctx, v: Option<Spanned<String>>, key: &str| -> Option<String> {
        match v {
            Some(s) if s.get_ref().trim().is_empty() => {
                cx.err(&s, format!("`{key}` is empty"));
                None
            }
            Some(s) => Some(s.into_inner()),
            None => {
                cx.err(&rb.kind, format!("a `{kind}` block needs `{key}`"));
                None
            }
        }
    };
    let built = match kind.as_str() {
        "paragraph" => need(cx, rb.text, "text").map(BlockKind::Paragraph),
        "bullets" => match rb.items {
            Some(items) if items.get_ref().is_empty() => {
                cx.err(&items, "`items` is empty");
                None
            }
            Some(items) => Some(BlockKind::Bullets(build_bullets(items.into_inner()))),
            None => need(cx, None, "items").map(BlockKind::Paragraph),
        },
        "code" => build_code(
            cx,
            rb.kind.span().start,
            rb.language,
            rb.source,
            rb.file,
            rb.caption,
            rb.runnable,
        ),
        "columns" => match rb.columns {
            Some(cols) if cols.get_ref().is_empty() => {
                cx.err(&cols, "`columns` is empty");
                None
            }
            Some(cols) => {
                let mut out = Vec::new();
                for col in cols.into_inner() {
                    if col.blocks.is_empty() {
                        cx.err(
                            &col.heading,
                            format!("column `{}` has no blocks", col.heading.get_ref()),
                        );
                    }
                    out.push(Column {
                        heading: col.heading.into_inner(),
                        blocks: build_blocks(cx, col.blocks, spans),
                    });
                }
                Some(BlockKind::Columns(out))
            }
            None => need(cx, None, "columns").map(BlockKind::Paragraph),
        },
        "callout" => {
            let style = match rb.style {
                Some(s) => match CalloutKind::parse(s.get_ref()) {
                    Some(k) => Some(k),
                    None => {
                        cx.err(
                            &s,
                            format!(
                                "unknown callout style `{}` (expected one of: {})",
                                s.get_ref(),
                                CalloutKind::NAMES.join(", ")
                            ),
                        );
                        None
                    }
                },
                None => {
                    cx.err(&rb.kind, "a `callout` block needs `style`");
                    None
                }
            };
            let text = need(cx, rb.text, "text");
            match (style, text) {
                (Some(kind), Some(text)) => Some(BlockKind::Callout(Callout {
                    kind,
                    title: rb.title.map(Spanned::into_inner),
                    text,
                })),
                _ => None,
            }
        }
        "diagram" => {
            let text = need(cx, rb.text, "text");
            let description = need(cx, rb.description, "description");
            match (text, description) {
                (Some(text), Some(description)) => Some(BlockKind::Diagram { text, description }),
                _ => None,
            }
        }
        "quote" => need(cx, rb.text, "text").map(|text| BlockKind::Quote {
            text,
            by: rb.by.map(Spanned::into_inner),
        }),
        "demo" => {
            if let Some(id) = &rb.id {
                check_demo(cx, id);
            }
            need(cx, rb.id, "id").map(|id| BlockKind::Demo {
                id,
                caption: rb.caption.map(Spanned::into_inner),
            })
        }
        "quiz" => {
            let quiz_span = rb.quiz.as_ref().map(|q| q.span().start);
            let quiz = need(cx, rb.quiz, "quiz");
            let mut questions = Vec::new();
            if let (Some(q), Some(at)) = (&quiz, quiz_span) {
                spans.quiz_refs.push((at, q.clone(), None));
                for question in rb.questions.map(Spanned::into_inner).unwrap_or_default() {
                    spans.quiz_refs.push((
                        question.span().start,
                        q.clone(),
                        Some(question.get_ref().clone()),
                    ));
                    questions.push(question.into_inner());
                }
            }
            quiz.map(|quiz| BlockKind::Quiz { quiz, questions })
        }
        "challenge" | "exercise" => {
            let which: &'static str = if kind == "challenge" {
                "challenge"
            } else {
                "exercise"
            };
            if let Some(id) = &rb.id {
                spans
                    .link_refs
                    .push((id.span().start, which, id.get_ref().clone()));
            }
            need(cx, rb.id, "id").map(|id| match which {
                "challenge" => BlockKind::Challenge {
                    id,
                    title: String::new(),
                },
                _ => BlockKind::Exercise {
                    id,
                    title: String::new(),
                },
            })
        }
        _ => unreachable!("allowed_keys knows every type"),
    };
    match built {
        Some(kind) if ok => Some(Block { reveal, kind }),
        _ => None,
    }
}

fn build_bullets(raw: Vec<RawBullet>) -> Vec<Bullet> {
    raw.into_iter()
        .map(|b| Bullet {
            text: b.text,
            children: build_bullets(b.items),
        })
        .collect()
}

fn build_code(
    cx: &mut Ctx,
    at: usize,
    language: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    caption: Option<Spanned<String>>,
    runnable: Option<Spanned<bool>>,
) -> Option<BlockKind> {
    let language = match language {
        Some(l) if LANGUAGES.contains(&l.get_ref().as_str()) => l.into_inner(),
        Some(l) => {
            cx.err(
                &l,
                format!(
                    "unknown language `{}` (expected one of: {})",
                    l.get_ref(),
                    LANGUAGES.join(", ")
                ),
            );
            return None;
        }
        None => {
            cx.diags.push(Diagnostic::at(
                cx.path,
                cx.text,
                at,
                "a `code` block needs `language`",
            ));
            return None;
        }
    };
    let (source, file) = match (source, file) {
        (Some(s), None) if s.get_ref().trim().is_empty() => {
            cx.err(&s, "`source` is empty");
            return None;
        }
        (Some(s), None) => (s.into_inner(), None),
        // The loader fills the source in from the example file.
        (None, Some(f)) => (String::new(), Some(f.into_inner())),
        (Some(_), Some(f)) => {
            cx.err(&f, "a `code` block takes `source` or `file`, not both");
            return None;
        }
        (None, None) => {
            cx.diags.push(Diagnostic::at(
                cx.path,
                cx.text,
                at,
                "a `code` block needs `source` or `file`",
            ));
            return None;
        }
    };
    Some(BlockKind::Code(Code {
        language,
        source: source.trim_end_matches('\n').to_string(),
        caption: caption.map(Spanned::into_inner),
        runnable: runnable.is_some_and(|r| *r.get_ref()),
        file,
    }))
}
