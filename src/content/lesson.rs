//! The lesson model: plain data that every screen and command reads.
//!
//! A lesson is one TOML file in `lessons/`; the loader (`parse.rs`) turns the
//! file into these types after checking it, so nothing downstream has to
//! cope with missing or malformed fields.

/// One lesson: a run of slides within one part of the deck.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Stable id, used in progress, links and on the command line.
    pub id: String,
    pub title: String,
    /// The deck part it belongs to, e.g. "Part 1: Thread Intro".
    pub part: String,
    /// One line shown on the home screen.
    pub summary: String,
    /// Live demos that show this lesson's point.
    pub demos: Vec<String>,
    pub slides: Vec<Slide>,
    /// Where the lesson came from, for messages.
    pub path: String,
}

/// One slide. It may be shown in several reveal steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    /// Unique within its lesson; defaults to a slug of the title.
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
    /// Speaker notes: never shown in the learner's view.
    pub notes: Option<String>,
    /// Questions the presenter can show in writing on request.
    pub questions: Vec<String>,
}

impl Slide {
    /// How many reveal steps the slide has (at least 1).
    pub fn steps(&self) -> usize {
        let mut most = 1;
        Block::walk(&self.blocks, &mut |b| most = most.max(b.reveal));
        most
    }
}

/// A block of a slide, shown from reveal step `reveal` on (1 = at once).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub reveal: usize,
    pub kind: BlockKind,
}

impl Block {
    /// Visit every block in `blocks`, depth first, nested ones (inside
    /// columns) after their parent: the one place that knows how blocks nest.
    pub fn walk<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
        for b in blocks {
            f(b);
            if let BlockKind::Columns(cols) = &b.kind {
                for c in cols {
                    Block::walk(&c.blocks, f);
                }
            }
        }
    }

    /// [`Block::walk`], for changing the blocks.
    pub fn walk_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Block)) {
        for b in blocks {
            f(b);
            if let BlockKind::Columns(cols) = &mut b.kind {
                for c in cols {
                    Block::walk_mut(&mut c.blocks, f);
                }
            }
        }
    }
}

/// What a block holds.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// Text with inline markup (`code`, **bold**, *emphasis*).
    Paragraph(String),
    Bullets(Vec<Bullet>),
    Code(Code),
    /// Side by side when there is room, stacked when not.
    Columns(Vec<Column>),
    Callout(Callout),
    /// A drawing in text (monospace, never wrapped) with a description for
    /// screen readers and plain output.
    Diagram {
        text: String,
        description: String,
    },
    Quote {
        text: String,
        by: Option<String>,
    },
    /// A link to a live demo.
    Demo {
        id: String,
        caption: Option<String>,
    },
    /// A link to quiz questions ("Check yourself").
    Quiz {
        quiz: String,
        questions: Vec<String>,
    },
    /// A link to a challenge level (`challenges/*.toml`); its title is
    /// filled in when the content is loaded.
    Challenge {
        id: String,
        title: String,
    },
    /// A link to an exercise (`exercises/*.toml`); its title is filled in
    /// when the content is loaded.
    Exercise {
        id: String,
        title: String,
    },
}

/// A bullet point with optional nested points.
#[derive(Debug, Clone, PartialEq)]
pub struct Bullet {
    pub text: String,
    pub children: Vec<Bullet>,
}

/// A code block.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// "python", "python2" (the deck's original text, not compiled as Python 3),
    /// "toml", "rust", "shell", "text" or "console".
    pub language: String,
    pub source: String,
    pub caption: Option<String>,
    /// The learner may run it (with their python3) on request.
    pub runnable: bool,
    /// The example file it came from, e.g. `examples/python/thread_order.py`.
    pub file: Option<String>,
}

/// One column of a side-by-side layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// A boxed aside.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    pub kind: CalloutKind,
    pub title: Option<String>,
    pub text: String,
}

/// The kinds of callout; each has its own label and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    /// Where today's CPython differs from the deck's era.
    ModernPython,
    Warning,
    Tip,
    Note,
}

impl CalloutKind {
    /// The spelling used in lesson files.
    pub const NAMES: [&'static str; 4] = ["modern-python", "warning", "tip", "note"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "modern-python" => Some(Self::ModernPython),
            "warning" => Some(Self::Warning),
            "tip" => Some(Self::Tip),
            "note" => Some(Self::Note),
            _ => None,
        }
    }

    /// The label shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            Self::ModernPython => "Modern Python",
            Self::Warning => "Warning",
            Self::Tip => "Tip",
            Self::Note => "Note",
        }
    }
}

/// The demo ids a lesson may link to (the demos module registers exactly these).
pub const DEMO_IDS: [&str; 13] = [
    "thread-order",
    "gil",
    "race",
    "lock",
    "rlock",
    "semaphore",
    "condition",
    "event",
    "queue",
    "factory",
    "spider",
    "fibonacci",
    "exceptions",
];

/// The code languages a block may name.
pub const LANGUAGES: [&str; 7] = [
    "python", "python2", "toml", "rust", "shell", "text", "console",
];

/// Make a slide id from a title: lower case, runs of other characters become '-'.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slug("Lock()"), "lock");
        assert_eq!(slug("Spider w/Queue"), "spider-w-queue");
        assert_eq!(slug("Why Use Threads?"), "why-use-threads");
    }

    #[test]
    fn steps_count_the_deepest_reveal() {
        let block = |reveal| Block {
            reveal,
            kind: BlockKind::Paragraph("x".into()),
        };
        let slide = Slide {
            id: "s".into(),
            title: "S".into(),
            blocks: vec![
                block(1),
                Block {
                    reveal: 1,
                    kind: BlockKind::Columns(vec![Column {
                        heading: "a".into(),
                        blocks: vec![block(3)],
                    }]),
                },
                block(2),
            ],
            notes: None,
            questions: vec![],
        };
        assert_eq!(slide.steps(), 3);
    }
}
