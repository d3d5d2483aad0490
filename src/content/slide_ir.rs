//! A slide as a short list of terminal-neutral elements: the one place that
//! walks the lesson model's blocks for an output.
//!
//! The lesson model ([`super::lesson`]) is what a lesson file says; this is
//! what a slide shows. [`SlideIr::build`] turns a slide's blocks into
//! [`Element`]s once (bullets flattened to items with a depth, callouts with
//! their style, links with what they open, each element with the reveal step
//! it appears at), and every output reads the elements instead of matching
//! on [`BlockKind`] itself: the TUI layout (`ui::layout`), plain text
//! ([`super::plain`], for `show` and `--plain`), the Markdown and HTML
//! handouts (`export`) and search (`ui::search`). Adding a block kind means
//! one arm in [`build_block`] (and a new [`Element`] only when no element
//! says what the new block shows).
//!
//! The shape follows presenterm's parse → build → render (its builder turns
//! Markdown elements into chunks of render operations split at pauses, and
//! leaves what depends on the window's width to draw time), one level higher:
//! five outputs read these elements, so they name what is shown, not how a
//! terminal draws it, and widths, colours and wrapping stay with each output.
//!
//! Pure and borrowed: building copies no text, so it costs a few small
//! vectors per slide. Prose keeps its source (the Markdown handout passes
//! the author's Markdown on) and gives styled spans or plain text on demand.

use super::lesson::{Block, BlockKind, Bullet, CalloutKind, Code, Slide};
use super::markdown::{self, Span, Style};

/// Text with inline markup (`code`, **bold**, *emphasis*, links).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prose<'a>(pub &'a str);

impl<'a> Prose<'a> {
    /// The text as the author wrote it (Markdown).
    pub fn source(self) -> &'a str {
        self.0
    }

    /// Styled runs; plain runs in [`Style::Plain`].
    pub fn spans(self) -> Vec<Span> {
        markdown::inline(self.0, Style::Plain)
    }

    /// The text without markup.
    pub fn plain(self) -> String {
        markdown::strip(self.0)
    }
}

/// One slide, ready for any output.
#[derive(Debug, Clone, PartialEq)]
pub struct SlideIr<'a> {
    pub title: &'a str,
    /// How many reveal steps the slide has (at least 1).
    pub steps: usize,
    pub elements: Vec<Element<'a>>,
}

/// Something shown on a slide from reveal step `reveal` on (1 = at once).
#[derive(Debug, Clone, PartialEq)]
pub struct Element<'a> {
    pub reveal: usize,
    pub kind: ElementKind<'a>,
}

/// What a slide shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind<'a> {
    Paragraph(Prose<'a>),
    /// Bullet items in order, nested ones right after their parent with a
    /// depth one greater (0 = top level).
    List(Vec<ListItem<'a>>),
    /// Code with its language, caption, file and whether it may be run.
    Code(&'a Code),
    /// Side by side when there is room, one after another when not.
    Columns(Vec<ColumnIr<'a>>),
    Callout {
        style: CalloutKind,
        title: Option<Prose<'a>>,
        body: Prose<'a>,
    },
    /// A picture in text: monospace lines never wrapped, and what it shows
    /// in words for readers who cannot see it.
    Figure {
        art: &'a str,
        description: Prose<'a>,
    },
    Quote {
        text: Prose<'a>,
        by: Option<Prose<'a>>,
    },
    /// Something the learner can open from the slide.
    Link(LinkIr<'a>),
}

/// One bullet item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListItem<'a> {
    pub depth: usize,
    pub text: Prose<'a>,
}

/// One column: a heading and its own elements.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnIr<'a> {
    pub heading: &'a str,
    pub elements: Vec<Element<'a>>,
}

/// What a link on a slide opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkIr<'a> {
    /// A live demo (its title is the demo's own, from the demo registry).
    Demo {
        id: &'a str,
        caption: Option<Prose<'a>>,
    },
    /// Quiz questions ("Check yourself"); no ids means the whole quiz.
    Quiz {
        quiz: &'a str,
        questions: &'a [String],
    },
    Challenge {
        id: &'a str,
        title: &'a str,
    },
    Exercise {
        id: &'a str,
        title: &'a str,
    },
}

/// Something on the slide the learner can act on, in slide order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action<'a> {
    /// Open a demo, quiz, challenge or exercise.
    Open(LinkIr<'a>),
    /// Run a runnable code block.
    Run(&'a Code),
}

impl<'a> SlideIr<'a> {
    /// The slide's elements, built from its blocks.
    pub fn build(slide: &'a Slide) -> Self {
        SlideIr {
            title: &slide.title,
            steps: slide.steps(),
            elements: build_blocks(&slide.blocks),
        }
    }

    /// The actions on the slide at reveal `step`, in the order they are
    /// shown (columns one after another).
    pub fn actions(&self, step: usize) -> Vec<Action<'a>> {
        fn collect<'a>(els: &[Element<'a>], step: usize, out: &mut Vec<Action<'a>>) {
            for el in els.iter().filter(|e| e.reveal <= step) {
                match &el.kind {
                    ElementKind::Code(c) if c.runnable => out.push(Action::Run(c)),
                    ElementKind::Link(l) => out.push(Action::Open(*l)),
                    ElementKind::Columns(cols) => {
                        for c in cols {
                            collect(&c.elements, step, out);
                        }
                    }
                    ElementKind::Paragraph(_)
                    | ElementKind::List(_)
                    | ElementKind::Code(_)
                    | ElementKind::Callout { .. }
                    | ElementKind::Figure { .. }
                    | ElementKind::Quote { .. } => {}
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.elements, step, &mut out);
        out
    }

    /// Every code block of the slide, whatever its step.
    pub fn code(&self) -> Vec<&'a Code> {
        let mut out = Vec::new();
        Element::walk(&self.elements, &mut |e| {
            if let ElementKind::Code(c) = &e.kind {
                out.push(*c);
            }
        });
        out
    }
}

impl<'a> Element<'a> {
    /// Visit every element, depth first, those inside columns after their
    /// columns element.
    pub fn walk(els: &[Element<'a>], f: &mut dyn FnMut(&Element<'a>)) {
        for e in els {
            f(e);
            if let ElementKind::Columns(cols) = &e.kind {
                for c in cols {
                    Element::walk(&c.elements, f);
                }
            }
        }
    }
}

fn build_blocks(blocks: &[Block]) -> Vec<Element<'_>> {
    blocks.iter().map(build_block).collect()
}

/// The one match over block kinds that every output relies on.
fn build_block(b: &Block) -> Element<'_> {
    let kind = match &b.kind {
        BlockKind::Paragraph(t) => ElementKind::Paragraph(Prose(t)),
        BlockKind::Bullets(items) => {
            let mut out = Vec::new();
            flatten(items, 0, &mut out);
            ElementKind::List(out)
        }
        BlockKind::Code(c) => ElementKind::Code(c),
        BlockKind::Columns(cols) => ElementKind::Columns(
            cols.iter()
                .map(|c| ColumnIr {
                    heading: &c.heading,
                    elements: build_blocks(&c.blocks),
                })
                .collect(),
        ),
        BlockKind::Callout(c) => ElementKind::Callout {
            style: c.kind,
            title: c.title.as_deref().map(Prose),
            body: Prose(&c.text),
        },
        BlockKind::Diagram { text, description } => ElementKind::Figure {
            art: text,
            description: Prose(description),
        },
        BlockKind::Quote { text, by } => ElementKind::Quote {
            text: Prose(text),
            by: by.as_deref().map(Prose),
        },
        BlockKind::Demo { id, caption } => ElementKind::Link(LinkIr::Demo {
            id,
            caption: caption.as_deref().map(Prose),
        }),
        BlockKind::Quiz { quiz, questions } => ElementKind::Link(LinkIr::Quiz { quiz, questions }),
        BlockKind::Challenge { id, title } => ElementKind::Link(LinkIr::Challenge { id, title }),
        BlockKind::Exercise { id, title } => ElementKind::Link(LinkIr::Exercise { id, title }),
    };
    Element {
        reveal: b.reveal,
        kind,
    }
}

fn flatten<'a>(items: &'a [Bullet], depth: usize, out: &mut Vec<ListItem<'a>>) {
    for item in items {
        out.push(ListItem {
            depth,
            text: Prose(&item.text),
        });
        flatten(&item.children, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Callout, Column};

    fn block(reveal: usize, kind: BlockKind) -> Block {
        Block { reveal, kind }
    }

    fn code(runnable: bool, source: &str) -> Code {
        Code {
            language: "python".into(),
            source: source.into(),
            caption: None,
            runnable,
            file: None,
        }
    }

    fn slide(blocks: Vec<Block>) -> Slide {
        Slide {
            id: "s".into(),
            title: "S".into(),
            blocks,
            notes: None,
            questions: vec![],
        }
    }

    #[test]
    fn bullets_flatten_with_their_depth_in_order() {
        let b = |t: &str, children| Bullet {
            text: t.into(),
            children,
        };
        let s = slide(vec![block(
            1,
            BlockKind::Bullets(vec![
                b("a", vec![b("a1", vec![b("a1x", vec![])]), b("a2", vec![])]),
                b("b", vec![]),
            ]),
        )]);
        let ir = SlideIr::build(&s);
        let ElementKind::List(items) = &ir.elements[0].kind else {
            panic!("{ir:?}");
        };
        let got: Vec<(usize, &str)> = items.iter().map(|i| (i.depth, i.text.source())).collect();
        assert_eq!(got, [(0, "a"), (1, "a1"), (2, "a1x"), (1, "a2"), (0, "b")]);
    }

    #[test]
    fn actions_follow_the_reveal_step_and_the_columns() {
        let s = slide(vec![
            block(1, BlockKind::Code(code(true, "print(1)"))),
            block(1, BlockKind::Code(code(false, "x = 1"))),
            block(
                1,
                BlockKind::Columns(vec![
                    Column {
                        heading: "left".into(),
                        blocks: vec![block(
                            3,
                            BlockKind::Demo {
                                id: "gil".into(),
                                caption: None,
                            },
                        )],
                    },
                    Column {
                        heading: "right".into(),
                        blocks: vec![block(
                            1,
                            BlockKind::Challenge {
                                id: "c".into(),
                                title: "C".into(),
                            },
                        )],
                    },
                ]),
            ),
            block(
                2,
                BlockKind::Quiz {
                    quiz: "q".into(),
                    questions: vec!["q1".into()],
                },
            ),
        ]);
        let ir = SlideIr::build(&s);
        assert_eq!(ir.steps, 3);
        let names = |step| -> Vec<String> {
            ir.actions(step)
                .iter()
                .map(|a| match a {
                    Action::Run(c) => format!("run {}", c.source),
                    Action::Open(LinkIr::Demo { id, .. }) => format!("demo {id}"),
                    Action::Open(LinkIr::Quiz { quiz, .. }) => format!("quiz {quiz}"),
                    Action::Open(LinkIr::Challenge { id, .. }) => format!("challenge {id}"),
                    Action::Open(LinkIr::Exercise { id, .. }) => format!("exercise {id}"),
                })
                .collect()
        };
        assert_eq!(names(1), ["run print(1)", "challenge c"]);
        assert_eq!(names(2), ["run print(1)", "challenge c", "quiz q"]);
        assert_eq!(
            names(3),
            ["run print(1)", "demo gil", "challenge c", "quiz q"]
        );
        assert_eq!(ir.code().len(), 2);
    }

    #[test]
    fn every_block_of_every_lesson_becomes_one_element_at_its_step() {
        let content = crate::content::load(&crate::content::Source::Embedded).unwrap();
        let (mut blocks, mut runnable) = (0, 0);
        for lesson in &content.lessons {
            for slide in &lesson.slides {
                let mut want = Vec::new();
                Block::walk(&slide.blocks, &mut |b| {
                    want.push(b.reveal);
                    runnable += usize::from(matches!(&b.kind, BlockKind::Code(c) if c.runnable));
                });
                let ir = SlideIr::build(slide);
                let mut got = Vec::new();
                Element::walk(&ir.elements, &mut |e| got.push(e.reveal));
                assert_eq!(got, want, "{}: {}", lesson.id, slide.id);
                assert_eq!(ir.steps, slide.steps());
                blocks += want.len();
            }
        }
        let run_actions: usize = content
            .lessons
            .iter()
            .flat_map(|l| &l.slides)
            .map(|s| {
                let ir = SlideIr::build(s);
                ir.actions(ir.steps)
                    .iter()
                    .filter(|a| matches!(a, Action::Run(_)))
                    .count()
            })
            .sum();
        assert_eq!(run_actions, runnable);
        assert!(
            blocks > 100 && runnable > 5,
            "{blocks} blocks, {runnable} runnable"
        );
    }

    #[test]
    fn callouts_and_figures_keep_their_words() {
        let s = slide(vec![
            block(
                2,
                BlockKind::Callout(Callout {
                    kind: CalloutKind::Warning,
                    title: Some("**Careful**".into()),
                    text: "use `with`".into(),
                }),
            ),
            block(
                1,
                BlockKind::Diagram {
                    text: "a -> b".into(),
                    description: "*a* feeds b".into(),
                },
            ),
        ]);
        let ir = SlideIr::build(&s);
        assert_eq!(ir.elements[0].reveal, 2);
        match &ir.elements[0].kind {
            ElementKind::Callout { style, title, body } => {
                assert_eq!(*style, CalloutKind::Warning);
                assert_eq!(title.unwrap().plain(), "Careful");
                assert_eq!(body.plain(), "use with");
                assert!(body.spans().iter().any(|s| s.style == Style::Code));
            }
            other => panic!("{other:?}"),
        }
        match &ir.elements[1].kind {
            ElementKind::Figure { art, description } => {
                assert_eq!(*art, "a -> b");
                assert_eq!(description.plain(), "a feeds b");
            }
            other => panic!("{other:?}"),
        }
    }
}
