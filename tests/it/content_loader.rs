//! The loader on malformed content: every problem is reported at its exact
//! `path:line:col`, and nothing panics, whatever the input.

use std::fs;
use std::path::Path;

use threadtutor::content::{Source, load};

const HEAD: &str = "id = \"a\"\ntitle = \"A\"\npart = \"P\"\nsummary = \"S\"\n";

/// Write one lesson file into a fresh content folder and load it.
fn check(lesson: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    write_lesson(dir.path(), "a.toml", lesson);
    messages(dir.path())
}

fn write_lesson(dir: &Path, name: &str, text: &[u8]) {
    fs::create_dir_all(dir.join("lessons")).unwrap();
    fs::write(dir.join("lessons").join(name), text).unwrap();
}

fn messages(dir: &Path) -> Vec<String> {
    match load(&Source::Dir(dir.to_path_buf())) {
        Ok(_) => vec![],
        Err(diags) => diags
            .iter()
            .map(|d| {
                let s = d.to_string();
                // Paths are in a temp dir; keep what follows it.
                let prefix = format!("{}/", dir.display());
                s.strip_prefix(&prefix).unwrap_or(&s).to_string()
            })
            .collect(),
    }
}

fn lesson(body: &str) -> Vec<u8> {
    format!("{HEAD}{body}").into_bytes()
}

const PARA: &str = "[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"x\"\n";

#[test]
fn toml_syntax_error() {
    assert_eq!(
        check(&lesson("[[slides]]\ntitle = \"x\n")),
        ["lessons/a.toml:6:11: invalid basic string, expected `\"`"]
    );
}

#[test]
fn unknown_key() {
    assert_eq!(
        check(&lesson(&format!(
            "colour = \"red\"\n[[slides]]\ntitle = \"T\"\n{PARA}"
        ))),
        [
            "lessons/a.toml:5:1: unknown field `colour`, expected one of `id`, `title`, `part`, `summary`, `demos`, `slides`"
        ]
    );
}

#[test]
fn missing_field() {
    let text =
        format!("id = \"a\"\ntitle = \"A\"\npart = \"P\"\n[[slides]]\ntitle = \"T\"\n{PARA}");
    assert_eq!(
        check(text.as_bytes()),
        ["lessons/a.toml:1:1: missing field `summary`"]
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        check(&lesson("[[slides]]\ntitle = 5\n")),
        ["lessons/a.toml:6:9: invalid type: integer `5`, expected a string"]
    );
}

#[test]
fn empty_slide() {
    assert_eq!(
        check(&lesson("[[slides]]\ntitle = \"Empty\"\n")),
        ["lessons/a.toml:6:9: slide `Empty` is empty: it needs at least one block"]
    );
}

#[test]
fn no_slides() {
    assert_eq!(
        check(&lesson("")),
        ["lessons/a.toml:1:6: lesson `a` has no slides"]
    );
}

#[test]
fn unknown_demos() {
    let got = check(&lesson(
        "demos = [\"gill\"]\n[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"demo\"\nid = \"nope\"\n",
    ));
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("lessons/a.toml:5:10: unknown demo `gill` (known: thread-order, gil,"),
        "{got:?}"
    );
    assert!(
        got[1].starts_with("lessons/a.toml:10:6: unknown demo `nope`"),
        "{got:?}"
    );
}

#[test]
fn duplicate_slide_ids() {
    let body =
        format!("[[slides]]\ntitle = \"Lock()\"\n{PARA}[[slides]]\ntitle = \"Lock\"\n{PARA}");
    assert_eq!(
        check(&lesson(&body)),
        [
            "lessons/a.toml:11:9: duplicate slide id `lock` (first used on line 6); give one of them an `id`"
        ]
    );
}

#[test]
fn duplicate_lesson_ids() {
    let dir = tempfile::tempdir().unwrap();
    let one = lesson(&format!("[[slides]]\ntitle = \"T\"\n{PARA}"));
    write_lesson(dir.path(), "1.toml", &one);
    write_lesson(dir.path(), "2.toml", &one);
    let got = messages(dir.path());
    let first = format!("{}/lessons/1.toml", dir.path().display());
    assert_eq!(
        got,
        [format!(
            "lessons/2.toml:1:6: duplicate lesson id `a` (also in {first})"
        )]
    );
}

#[test]
fn key_not_taken_by_block_type() {
    let body = "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"x\"\nlanguage = \"python\"\n";
    assert_eq!(
        check(&lesson(body)),
        ["lessons/a.toml:10:12: a `paragraph` block does not take `language` (it takes: text)"]
    );
}

#[test]
fn unknown_block_type_and_language() {
    assert_eq!(
        check(&lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"video\"\n"
        )),
        [
            "lessons/a.toml:8:8: unknown block type `video` (expected one of: paragraph, bullets, code, columns, callout, diagram, quote, demo, quiz, challenge, exercise)"
        ]
    );
    assert_eq!(
        check(&lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"code\"\nlanguage = \"perl\"\nsource = \"x\"\n"
        )),
        [
            "lessons/a.toml:9:12: unknown language `perl` (expected one of: python, python2, toml, rust, shell, text, console)"
        ]
    );
}

#[test]
fn missing_quiz_and_question() {
    assert_eq!(
        check(&lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"quiz\"\nquiz = \"nope\"\n"
        )),
        ["lessons/a.toml:9:8: unknown quiz `nope`"]
    );
    let dir = tempfile::tempdir().unwrap();
    write_lesson(
        dir.path(),
        "a.toml",
        &lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"quiz\"\nquiz = \"q\"\nquestions = [\"one\", \"two\"]\n",
        ),
    );
    fs::create_dir_all(dir.path().join("quizzes")).unwrap();
    fs::write(
        dir.path().join("quizzes/q.toml"),
        "[[questions]]\ntype = \"ShortAnswer\"\nid = \"one\"\nprompt.prompt = \"?\"\nanswer.answer = \"x\"\n",
    )
    .unwrap();
    assert_eq!(
        messages(dir.path()),
        ["lessons/a.toml:10:21: quiz `q` has no question `two`"]
    );
}

#[test]
fn bad_bullet() {
    assert_eq!(
        check(&lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"bullets\"\nitems = [{ txt = \"x\" }]\n"
        )),
        ["lessons/a.toml:9:10: unknown field `txt`, expected `text` or `items`"]
    );
}

#[test]
fn missing_example_file() {
    assert_eq!(
        check(&lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"code\"\nlanguage = \"python\"\nfile = \"examples/python/nope.py\"\n"
        )),
        [
            "lessons/a.toml:10:9: example file `examples/python/nope.py` not found (expected under examples/python/)"
        ]
    );
}

#[test]
fn invalid_utf8() {
    let mut text = lesson("[[slides]]\ntitle = \"caf");
    text.extend_from_slice(b"\xe9\"\n");
    assert_eq!(
        check(&text),
        ["lessons/a.toml:6:13: invalid UTF-8 (byte 0xe9)"]
    );
}

#[test]
fn not_toml_at_all() {
    let got = check(b"\x7fELF\x02\x01\x01\x00\x00\x00binary junk");
    assert_eq!(
        got,
        ["lessons/a.toml:1:18: key with no value, expected `=`"]
    );
    let got = check(b"<html><body>not a lesson</body></html>");
    assert_eq!(
        got,
        ["lessons/a.toml:1:17: key with no value, expected `=`"]
    );
}

#[test]
fn no_lessons_folder() {
    let dir = tempfile::tempdir().unwrap();
    let got = messages(dir.path());
    assert_eq!(got.len(), 1);
    assert!(
        got[0].contains("lessons:1:1: cannot read folder"),
        "{got:?}"
    );
}

#[test]
fn huge_and_deeply_nested_input_does_not_panic() {
    // Deep nesting of arrays and inline tables.
    for open in ["[", "{a="] {
        let depth = 100_000;
        let mut text = String::from("x = ");
        text.push_str(&open.repeat(depth));
        let got = check(text.as_bytes());
        assert!(!got.is_empty());
    }
    // A file larger than the limit is refused, not parsed.
    let big = vec![b'#'; threadtutor::content::load::MAX_FILE_BYTES + 1];
    let got = check(&big);
    assert!(got[0].contains("the limit is"), "{got:?}");
    // A large but legal file loads.
    let mut body = String::new();
    for i in 0..2000 {
        body.push_str(&format!("[[slides]]\ntitle = \"Slide {i}\"\n{PARA}"));
    }
    assert_eq!(check(&lesson(&body)), Vec::<String>::new());
}

#[test]
fn several_problems_are_all_reported() {
    let body = "[[slides]]\ntitle = \"\"\n[[slides.blocks]]\ntype = \"paragraph\"\ntext = \"\"\n[[slides.blocks]]\ntype = \"callout\"\nstyle = \"loud\"\ntext = \"x\"\n";
    let got = check(&lesson(body));
    assert_eq!(
        got,
        [
            "lessons/a.toml:6:9: slide title is empty",
            "lessons/a.toml:9:8: `text` is empty",
            "lessons/a.toml:12:9: unknown callout style `loud` (expected one of: modern-python, warning, tip, note)",
        ]
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Any bytes at all: an error or a lesson, never a panic.
        #[test]
        fn junk_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = threadtutor::content::parse::parse_lesson("x.toml", &String::from_utf8_lossy(&bytes));
        }

        /// Near-valid lessons with random edits.
        #[test]
        fn mutated_lessons_never_panic(cut in 0usize..200, junk in "[\\[\\]{}=\"'a-z0-9 \n]{0,20}") {
            let good = format!("{HEAD}[[slides]]\ntitle = \"T\"\n{PARA}");
            let cut = cut.min(good.len());
            let text = format!("{}{junk}{}", &good[..cut], &good[cut..]);
            let _ = threadtutor::content::parse::parse_lesson("x.toml", &text);
        }
    }
}

#[test]
fn challenge_and_exercise_links_name_levels_and_exercises_that_exist() {
    // No levels or exercises in this folder: both links are reported at
    // their id.
    assert_eq!(
        check(&lesson(
            "[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"challenge\"\nid = \"simple-countr\"\n[[slides.blocks]]\ntype = \"exercise\"\nid = \"counter-race\"\n"
        )),
        [
            "lessons/a.toml:9:6: unknown challenge `simple-countr`",
            "lessons/a.toml:12:6: unknown exercise `counter-race`"
        ]
    );
    // With the level there, a misspelt id gets the nearest one, and a
    // right one loads with the level's title.
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir_all(dir.path().join("challenges")).unwrap();
    let level = fs::read_to_string(root.join("challenges/02-simple-counter.toml")).unwrap();
    // The level names its own lesson and slide: a lesson of that id here.
    let level = level
        .lines()
        .filter(|l| !l.starts_with("slide = ") && !l.starts_with("lesson = "))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen("title = ", "lesson = \"basics\"\ntitle = ", 1);
    fs::write(dir.path().join("challenges/c.toml"), level).unwrap();
    write_lesson(
        dir.path(),
        "a.toml",
        b"id = \"basics\"\ntitle = \"B\"\npart = \"P\"\nsummary = \"s\"\n\n[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"challenge\"\nid = \"simple-countr\"\n",
    );
    assert_eq!(
        messages(dir.path()),
        ["lessons/a.toml:10:6: unknown challenge `simple-countr`; did you mean `simple-counter`?"]
    );
    write_lesson(
        dir.path(),
        "a.toml",
        b"id = \"basics\"\ntitle = \"B\"\npart = \"P\"\nsummary = \"s\"\n\n[[slides]]\ntitle = \"T\"\n[[slides.blocks]]\ntype = \"challenge\"\nid = \"simple-counter\"\n",
    );
    let content = load(&Source::Dir(dir.path().to_path_buf())).expect("loads");
    assert_eq!(
        content.lessons[0].slides[0].blocks[0].kind,
        threadtutor::content::BlockKind::Challenge {
            id: "simple-counter".into(),
            title: "Simple Counter".into()
        }
    );
}
