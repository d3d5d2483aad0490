//! The lessons cover the whole deck: every slide of the inventory
//! (tests/data/slides.toml, a copy of ../shared/seed/slides.toml) appears
//! as a slide title, in the deck's order, in a lesson of the right part;
//! bare slides are written out; reveal steps match the deck's builds; and
//! the lesson set keeps its promises (check-yourself quizzes, demos, the
//! pop-quiz questions, the Modern Python facts, text that fits 80 columns).

use crate::common;
use serde::Deserialize;
use threadtutor::content::{Block, BlockKind, Bullet, Content, Lesson, Slide, Source, load};

#[derive(Deserialize)]
struct Inventory {
    part: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    name: String,
    slides: Vec<InventorySlide>,
}

#[derive(Deserialize)]
struct InventorySlide {
    title: String,
    #[serde(default)]
    builds: Option<usize>,
    #[serde(default)]
    bare: bool,
    #[serde(default)]
    quiz: Vec<String>,
}

fn inventory() -> Inventory {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/slides.toml");
    let text = std::fs::read_to_string(path).expect("tests/data/slides.toml is readable");
    toml::from_str(&text).expect("tests/data/slides.toml parses")
}

fn content() -> Content {
    match load(&Source::Embedded) {
        Ok(c) => c,
        Err(diags) => {
            let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            panic!("embedded content does not load:\n{}", msgs.join("\n"))
        }
    }
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Every slide in file-name order, with the lesson it belongs to.
fn all_slides(content: &Content) -> Vec<(&Lesson, &Slide)> {
    content
        .lessons
        .iter()
        .flat_map(|l| l.slides.iter().map(move |s| (l, s)))
        .collect()
}

/// Match each inventory slide, in order, to the first slide with its
/// title after the previous match. Returns (part, inventory slide,
/// matched lesson and slide) or the titles that could not be matched.
type Matched<'a> = Vec<(&'a str, &'a InventorySlide, (&'a Lesson, &'a Slide))>;

fn match_inventory<'a>(
    inv: &'a Inventory,
    slides: &[(&'a Lesson, &'a Slide)],
) -> Result<Matched<'a>, Vec<String>> {
    let mut matched = Vec::new();
    let mut missing = Vec::new();
    let mut pos = 0;
    for part in &inv.part {
        for want in &part.slides {
            let title = norm(&want.title);
            match slides[pos..]
                .iter()
                .position(|(_, s)| norm(&s.title) == title)
            {
                Some(i) => {
                    matched.push((part.name.as_str(), want, slides[pos + i]));
                    pos += i + 1;
                }
                None => {
                    let anywhere = slides.iter().any(|(_, s)| norm(&s.title) == title);
                    missing.push(format!(
                        "{:?} ({}){}",
                        want.title,
                        part.name,
                        if anywhere {
                            " is present but out of the deck's order"
                        } else {
                            " is missing"
                        }
                    ));
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(matched)
    } else {
        Err(missing)
    }
}

fn bullets_text(items: &[Bullet], out: &mut String) {
    for b in items {
        out.push_str(&b.text);
        out.push('\n');
        bullets_text(&b.children, out);
    }
}

/// All the words a block shows (or describes), for size checks and search.
fn block_text(block: &Block, out: &mut String) {
    match &block.kind {
        BlockKind::Paragraph(t) => out.push_str(t),
        BlockKind::Bullets(items) => bullets_text(items, out),
        BlockKind::Code(c) => out.push_str(&c.source),
        BlockKind::Columns(cols) => {
            for c in cols {
                out.push_str(&c.heading);
                out.push('\n');
                for b in &c.blocks {
                    block_text(b, out);
                }
            }
        }
        BlockKind::Callout(c) => {
            out.push_str(c.title.as_deref().unwrap_or(""));
            out.push('\n');
            out.push_str(&c.text);
        }
        BlockKind::Diagram { text, description } => {
            out.push_str(text);
            out.push('\n');
            out.push_str(description);
        }
        BlockKind::Quote { text, by } => {
            out.push_str(text);
            out.push_str(by.as_deref().unwrap_or(""));
        }
        BlockKind::Demo { id, caption } => {
            out.push_str(id);
            out.push_str(caption.as_deref().unwrap_or(""));
        }
        BlockKind::Quiz { quiz, questions } => {
            out.push_str(quiz);
            out.push_str(&questions.join(" "));
        }
        BlockKind::Challenge { id, title } | BlockKind::Exercise { id, title } => {
            out.push_str(id);
            out.push_str(title);
        }
    }
    out.push('\n');
}

fn slide_text(slide: &Slide) -> String {
    let mut out = String::new();
    for b in &slide.blocks {
        block_text(b, &mut out);
    }
    out
}

/// Every block of a slide, including those inside columns.
fn flat_blocks(blocks: &[Block]) -> Vec<&Block> {
    let mut out = Vec::new();
    for b in blocks {
        out.push(b);
        if let BlockKind::Columns(cols) = &b.kind {
            for c in cols {
                out.extend(flat_blocks(&c.blocks));
            }
        }
    }
    out
}

fn matched_or_panic<'a>(inv: &'a Inventory, slides: &[(&'a Lesson, &'a Slide)]) -> Matched<'a> {
    match_inventory(inv, slides).unwrap_or_else(|missing| {
        panic!(
            "{} inventory slide(s) not found in order:\n  {}",
            missing.len(),
            missing.join("\n  ")
        )
    })
}

#[test]
fn inventory_copy_matches_the_deck_inventory() {
    let inv = inventory();
    let count: usize = inv.part.iter().map(|p| p.slides.len()).sum();
    assert_eq!(count, 74, "the deck has 74 distinct slides");
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/slides.toml");
    let Ok(original) = std::fs::read_to_string(shared) else {
        common::skip(&format!("{shared} is not here: the copy was not compared"));
        return;
    };
    {
        let copy = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/slides.toml"
        ))
        .unwrap();
        assert_eq!(
            copy, original,
            "tests/data/slides.toml differs from {shared}"
        );
    }
}

#[test]
fn every_deck_slide_appears_in_order() {
    let inv = inventory();
    let content = content();
    let slides = all_slides(&content);
    let matched = matched_or_panic(&inv, &slides);
    assert_eq!(matched.len(), 74);
}

#[test]
fn deck_slides_sit_in_lessons_of_their_part() {
    let inv = inventory();
    let content = content();
    let slides = all_slides(&content);
    let matched = matched_or_panic(&inv, &slides);
    let wrong: Vec<String> = matched
        .iter()
        .filter(|(part, _, (lesson, _))| lesson.part != *part)
        .map(|(part, want, (lesson, _))| {
            format!(
                "{:?} is in lesson `{}` (part {:?}), expected part {:?}",
                want.title, lesson.id, lesson.part, part
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let parts: Vec<&str> = inv.part.iter().map(|p| p.name.as_str()).collect();
    for lesson in &content.lessons {
        assert!(
            parts.contains(&lesson.part.as_str()),
            "lesson `{}` has part {:?}, not one of the inventory's parts",
            lesson.id,
            lesson.part
        );
    }
}

#[test]
fn bare_slides_are_written_out() {
    let inv = inventory();
    let content = content();
    let slides = all_slides(&content);
    let matched = matched_or_panic(&inv, &slides);
    let bare: Vec<_> = matched.iter().filter(|(_, want, _)| want.bare).collect();
    assert_eq!(bare.len(), 8, "the inventory marks 8 bare slides");
    for (_, want, (lesson, slide)) in bare {
        let chars = slide_text(slide).chars().count();
        assert!(
            slide.blocks.len() >= 3 || chars >= 400,
            "bare slide {:?} in `{}` is thin: {} blocks, {} characters",
            want.title,
            lesson.id,
            slide.blocks.len(),
            chars
        );
        assert!(
            slide.notes.is_some(),
            "bare slide {:?} should carry speaker notes",
            want.title
        );
    }
}

#[test]
fn builds_become_reveal_steps() {
    let inv = inventory();
    let content = content();
    let slides = all_slides(&content);
    let matched = matched_or_panic(&inv, &slides);
    let mut checked = 0;
    for (_, want, (lesson, slide)) in &matched {
        if let Some(n) = want.builds {
            checked += 1;
            assert_eq!(
                slide.steps(),
                n,
                "{:?} in `{}` should have {n} reveal steps",
                want.title,
                lesson.id
            );
        }
    }
    assert!(checked > 0, "the inventory has a slide with builds");
}

#[test]
fn pop_quiz_slides_ask_the_decks_questions() {
    let inv = inventory();
    let content = content();
    let slides = all_slides(&content);
    let matched = matched_or_panic(&inv, &slides);
    let mut checked = 0;
    for (_, want, (_, slide)) in &matched {
        if want.quiz.is_empty() {
            continue;
        }
        let text = slide_text(slide).replace('`', "").to_lowercase();
        for q in &want.quiz {
            checked += 1;
            // The list question is split into a line and sub-bullets.
            let first = q.split(':').next().unwrap_or(q).to_lowercase();
            assert!(
                text.contains(first.trim()),
                "{:?} does not ask {:?}",
                want.title,
                q
            );
            if let Some((_, tools)) = q.split_once(':') {
                for tool in tools.split(',') {
                    assert!(
                        text.contains(&tool.trim().to_lowercase()),
                        "{:?} does not list {:?}",
                        want.title,
                        tool.trim()
                    );
                }
            }
        }
    }
    assert_eq!(checked, 9, "the inventory lists 9 pop-quiz questions");
}

#[test]
fn every_lesson_ends_with_a_check_yourself_quiz_and_names_demos() {
    let content = content();
    for lesson in &content.lessons {
        let last = lesson.slides.last().expect("lessons have slides");
        assert_eq!(
            norm(&last.title),
            "check yourself",
            "lesson `{}` should end with a \"Check yourself\" slide",
            lesson.id
        );
        let quizzes: Vec<_> = last
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Quiz { quiz, questions } => Some((quiz, questions)),
                _ => None,
            })
            .collect();
        assert_eq!(quizzes.len(), 1, "`{}`: one quiz block", lesson.id);
        let (quiz, questions) = quizzes[0];
        assert!(
            (2..=3).contains(&questions.len()),
            "`{}` links {} questions, expected 2 or 3",
            lesson.id,
            questions.len()
        );
        let file = content
            .quiz(quiz)
            .unwrap_or_else(|| panic!("`{}` links unknown quiz `{quiz}`", lesson.id));
        for q in questions {
            assert!(file.has_question(q), "quiz `{quiz}` has no question `{q}`");
        }
        assert!(
            !lesson.demos.is_empty(),
            "lesson `{}` names no live demos",
            lesson.id
        );
    }
}

#[test]
fn demo_blocks_are_listed_in_their_lessons_demos() {
    let content = content();
    for lesson in &content.lessons {
        for slide in &lesson.slides {
            for b in flat_blocks(&slide.blocks) {
                if let BlockKind::Demo { id, .. } = &b.kind {
                    assert!(
                        lesson.demos.contains(id),
                        "slide {:?} links demo `{id}` but lesson `{}` does not list it",
                        slide.title,
                        lesson.id
                    );
                }
            }
        }
    }
}

#[test]
fn every_live_demo_is_linked_from_a_slide() {
    let content = content();
    let mut linked = std::collections::BTreeSet::new();
    for (_, slide) in all_slides(&content) {
        for b in flat_blocks(&slide.blocks) {
            if let BlockKind::Demo { id, .. } = &b.kind {
                linked.insert(id.as_str());
            }
        }
    }
    let missing: Vec<&str> = threadtutor::content::DEMO_IDS
        .iter()
        .copied()
        .filter(|id| !linked.contains(id))
        .collect();
    assert!(missing.is_empty(), "no slide links the demos {missing:?}");
}

#[test]
fn code_and_diagrams_fit_an_80_column_screen() {
    let content = content();
    let mut too_wide = Vec::new();
    for (lesson, slide) in all_slides(&content) {
        for b in flat_blocks(&slide.blocks) {
            let (text, limit) = match &b.kind {
                BlockKind::Code(c) => (&c.source, 72),
                BlockKind::Diagram { text, .. } => (text, 76),
                _ => continue,
            };
            for (n, line) in text.lines().enumerate() {
                let width = line.chars().count();
                if width > limit {
                    too_wide.push(format!(
                        "{} / {:?} line {}: {width} > {limit}: {line}",
                        lesson.id,
                        slide.title,
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(too_wide.is_empty(), "{}", too_wide.join("\n"));
}

#[test]
fn deck_python2_text_stands_next_to_its_python3_version() {
    let content = content();
    for lesson in &content.lessons {
        for (i, slide) in lesson.slides.iter().enumerate() {
            let langs = |s: &Slide| -> Vec<String> {
                flat_blocks(&s.blocks)
                    .into_iter()
                    .filter_map(|b| match &b.kind {
                        BlockKind::Code(c) => Some(c.language.clone()),
                        _ => None,
                    })
                    .collect()
            };
            if !langs(slide).iter().any(|l| l == "python2") {
                continue;
            }
            let here = langs(slide).iter().any(|l| l == "python");
            let next = lesson
                .slides
                .get(i + 1)
                .is_some_and(|s| langs(s).iter().any(|l| l == "python"));
            assert!(
                here || next,
                "{:?} in `{}` shows the deck's Python 2 but no Python 3 version",
                slide.title,
                lesson.id
            );
        }
    }
}

#[test]
fn modern_python_callouts_state_the_checked_facts() {
    let content = content();
    let mut modern = String::new();
    let mut count = 0;
    for (_, slide) in all_slides(&content) {
        for b in flat_blocks(&slide.blocks) {
            if let BlockKind::Callout(c) = &b.kind
                && c.kind == threadtutor::content::CalloutKind::ModernPython
            {
                count += 1;
                modern.push_str(c.title.as_deref().unwrap_or(""));
                modern.push(' ');
                modern.push_str(&c.text);
                modern.push('\n');
            }
        }
    }
    assert!(count >= 20, "only {count} Modern Python callouts");
    for fact in [
        "setswitchinterval",
        "0.005",
        "removed in 3.9",
        "default 10 up to Python 2.2 and 100 from 2.3",
        "is_alive()",
        "deprecated since Python 3.10",
        "`threading.excepthook`",
        "ThreadPoolExecutor",
        "PEP 703",
        "3.13",
        "3.14",
        "SET_LINENO` was removed in Python 2.3",
        "BINARY_OP",
        "`queue`",
        "`print`",
        "`with lock:`",
        "`notify_all()`",
        "`is_set()`",
        "`daemon` attribute",
    ] {
        assert!(
            modern.contains(fact),
            "no Modern Python callout says {fact:?}"
        );
    }
}

#[test]
fn the_presenter_has_notes_and_written_questions() {
    let content = content();
    let slides = all_slides(&content);
    let with_notes = slides.iter().filter(|(_, s)| s.notes.is_some()).count();
    let with_questions = slides
        .iter()
        .filter(|(_, s)| !s.questions.is_empty())
        .count();
    assert!(
        with_notes * 2 >= slides.len(),
        "only {with_notes} of {} slides have speaker notes",
        slides.len()
    );
    assert!(
        with_questions >= 10,
        "only {with_questions} slides offer written questions"
    );
}
