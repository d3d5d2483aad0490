//! Python highlighting agrees with Python's own tokenizer about where
//! strings begin and end, in every Python code block the tutorial ships
//! (the lessons' code blocks, columns included, and every file in
//! `examples/python/`).
//!
//! The highlighter (`ui::highlight::Engine`, used by the TUI and by the HTML
//! handout) is asked to colour each block; Python's `tokenize` module lists
//! the block's string tokens. Every character inside a string token must be
//! drawn in the string colour (except the prefix letters such as `r`/`f` and
//! backslash escapes, which have their own colours), and no character
//! outside one may be. A module docstring once made the rest of a file
//! alternate between string and code colours; this test names the first
//! place where the two disagree.
//!
//! Needs `python3`: without it the test says so and passes, except when the
//! environment variable `CI` is set (CI has python3), where it fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ratatui::style::Color;
use threadtutor::content::{Block, BlockKind, Source, load};
use threadtutor::ui::highlight::{Engine, Job};

/// The reference: print `INDEX SROW SCOL EROW ECOL` for every string token
/// of every file named on the command line (rows from 1, columns in code
/// points), or `INDEX ERROR message` when a file does not tokenize. On
/// Python 3.12+ an f-string is FSTRING_START .. FSTRING_END: one span.
const TOKENIZE: &str = r#"
import io, sys, tokenize
FSTART = getattr(tokenize, "FSTRING_START", None)
FEND = getattr(tokenize, "FSTRING_END", None)
for index, path in enumerate(sys.argv[1:]):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        depth, start = 0, None
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == FSTART:
                if depth == 0:
                    start = tok.start
                depth += 1
            elif tok.type == FEND:
                depth -= 1
                if depth == 0:
                    print(index, *start, *tok.end)
            elif tok.type == tokenize.STRING and depth == 0:
                print(index, *tok.start, *tok.end)
    except (tokenize.TokenError, SyntaxError) as exc:
        print(index, "ERROR", str(exc).replace("\n", " "))
"#;

fn python3_available() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is missing, and CI is set: CI must have python3"
        );
        eprintln!("SKIP: python3 not found; highlighting was not compared with tokenize");
    }
    ok
}

/// A Python block to check: where it comes from, its language and text.
struct Shipped {
    name: String,
    language: String,
    source: String,
}

fn collect(blocks: &[Block], name: &str, out: &mut Vec<Shipped>) {
    for b in blocks {
        match &b.kind {
            BlockKind::Code(c) if c.language == "python" || c.language == "python2" => {
                out.push(Shipped {
                    name: match &c.file {
                        Some(f) => format!("{name} ({f})"),
                        None => name.to_string(),
                    },
                    language: c.language.clone(),
                    source: c.source.clone(),
                })
            }
            BlockKind::Columns(cols) => {
                for col in cols {
                    collect(&col.blocks, name, out);
                }
            }
            BlockKind::Code(_)
            | BlockKind::Paragraph(_)
            | BlockKind::Bullets(_)
            | BlockKind::Callout(_)
            | BlockKind::Diagram { .. }
            | BlockKind::Quote { .. }
            | BlockKind::Demo { .. }
            | BlockKind::Quiz { .. }
            | BlockKind::Challenge { .. }
            | BlockKind::Exercise { .. } => {}
        }
    }
}

fn shipped() -> Vec<Shipped> {
    let content = load(&Source::Embedded).expect("the embedded content loads");
    let mut out = Vec::new();
    for lesson in &content.lessons {
        for slide in &lesson.slides {
            let name = format!("{} / {}", lesson.id, slide.title);
            collect(&slide.blocks, &name, &mut out);
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/python is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    for path in files {
        out.push(Shipped {
            name: format!(
                "examples/python/{}",
                path.file_name().unwrap().to_string_lossy()
            ),
            language: "python".into(),
            source: std::fs::read_to_string(&path).expect("example is readable"),
        });
    }
    out
}

/// String spans per block: Ok(list of (start row, col, end row, col)) or
/// Err(tokenize's message).
type Spans = Result<Vec<(usize, usize, usize, usize)>, String>;

fn tokenize_all(blocks: &[Shipped]) -> Vec<Spans> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut paths = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let p = dir.path().join(format!("block{i}.py"));
        std::fs::write(&p, &b.source).expect("write a block");
        paths.push(p);
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(TOKENIZE)
        .args(&paths)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the tokenize script failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut spans: BTreeMap<usize, Spans> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut words = line.splitn(2, ' ');
        let index: usize = words.next().unwrap().parse().expect("an index");
        let rest = words.next().unwrap_or("");
        if let Some(msg) = rest.strip_prefix("ERROR ") {
            spans.insert(index, Err(msg.to_string()));
            continue;
        }
        let n: Vec<usize> = rest
            .split(' ')
            .map(|w| w.parse().expect("a number"))
            .collect();
        assert_eq!(n.len(), 4, "bad line from tokenize: {line}");
        if let Ok(list) = spans.entry(index).or_insert_with(|| Ok(Vec::new())) {
            list.push((n[0], n[1], n[2], n[3]));
        }
    }
    (0..blocks.len())
        .map(|i| spans.remove(&i).unwrap_or_else(|| Ok(Vec::new())))
        .collect()
}

/// What tokenize says a character is.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mark {
    Code,
    /// A string prefix letter (`r`, `b`, `f`, `u`) before the quote.
    Prefix,
    String,
}

/// For each line, for each character: code, string prefix, or string?
fn inside(source: &str, spans: &[(usize, usize, usize, usize)]) -> Vec<Vec<Mark>> {
    let lines: Vec<Vec<char>> = source.lines().map(|l| l.chars().collect()).collect();
    let mut marks: Vec<Vec<Mark>> = lines.iter().map(|l| vec![Mark::Code; l.len()]).collect();
    for &(sr, sc, er, ec) in spans {
        for row in sr..=er {
            let Some(line) = marks.get_mut(row - 1) else {
                continue;
            };
            let from = if row == sr { sc } else { 0 };
            let to = if row == er { ec } else { line.len() };
            for m in line.iter_mut().take(to).skip(from) {
                *m = Mark::String;
            }
        }
        // The letters before the opening quote are the prefix.
        if let (Some(chars), Some(line)) = (lines.get(sr - 1), marks.get_mut(sr - 1)) {
            let mut col = sc;
            while col < chars.len() && chars[col].is_ascii_alphabetic() {
                line[col] = Mark::Prefix;
                col += 1;
            }
        }
    }
    marks
}

/// The colour of every character, line by line.
fn colours(engine: &Engine, language: &str, source: &str) -> Vec<Vec<Option<Color>>> {
    let out = threadtutor::ui::highlight::highlight(
        engine,
        &Job {
            key: 0,
            language: language.into(),
            source: source.into(),
            theme: "dark",
        },
    );
    out.lines
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .flat_map(|s| s.content.chars().map(move |_| s.style.fg))
                .collect()
        })
        .collect()
}

/// The string colour of the theme, found by highlighting a string.
fn string_colour(engine: &Engine) -> Option<Color> {
    colours(engine, "python", "x = \"s\"\n")[0][5]
}

/// Where the highlighter and tokenize disagree in one block, if anywhere.
fn first_disagreement(
    source: &str,
    marks: &[Vec<Mark>],
    got: &[Vec<Option<Color>>],
    string: Option<Color>,
) -> Option<String> {
    for (row, line) in source.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        for (col, &c) in chars.iter().enumerate() {
            let coloured = got.get(row).and_then(|l| l.get(col)).copied().flatten() == string;
            // Inside a string, a backslash escape has its own colour.
            let escape = c == '\\' || (col > 0 && chars[col - 1] == '\\');
            let (ok, what) = match marks[row][col] {
                Mark::String => (
                    coloured || escape,
                    "tokenize says this is inside a string, but it is not coloured as one",
                ),
                Mark::Prefix => (
                    !coloured,
                    "tokenize says this is a string prefix, but it is coloured as the string",
                ),
                Mark::Code => (
                    !coloured,
                    "tokenize says this is code, but it is coloured as a string",
                ),
            };
            if !ok {
                return Some(format!(
                    "line {}, column {}: {what}\n    {line}\n    {}^",
                    row + 1,
                    col + 1,
                    " ".repeat(col)
                ));
            }
        }
    }
    None
}

#[test]
fn python_strings_begin_and_end_where_tokenize_says() {
    if !python3_available() {
        return;
    }
    let blocks = shipped();
    assert!(
        blocks.len() > 60,
        "only {} Python blocks found: did the loader change?",
        blocks.len()
    );
    assert!(
        blocks
            .iter()
            .filter(|b| b.name.starts_with("examples/"))
            .count()
            >= 8,
        "the example files were not all found"
    );
    let spans = tokenize_all(&blocks);
    let engine = Engine::load();
    let string = string_colour(&engine);
    assert!(string.is_some(), "the theme has no string colour");
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut strings = 0;
    for (block, spans) in blocks.iter().zip(&spans) {
        let spans = match spans {
            Ok(s) => s,
            // The deck's Python 2 text need not tokenize as Python 3.
            Err(msg) if block.language == "python2" => {
                eprintln!("note: {} (python2) does not tokenize: {msg}", block.name);
                continue;
            }
            Err(msg) => {
                failures.push(format!("{}: tokenize failed: {msg}", block.name));
                continue;
            }
        };
        compared += 1;
        strings += spans.len();
        let marks = inside(&block.source, spans);
        let got = colours(&engine, &block.language, &block.source);
        if let Some(msg) = first_disagreement(&block.source, &marks, &got, string) {
            failures.push(format!("{}: {msg}", block.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} blocks disagree with tokenize:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(strings > 100, "only {strings} strings compared");
}

#[test]
fn a_module_docstring_does_not_turn_the_code_after_it_into_a_string() {
    let engine = Engine::load();
    let string = string_colour(&engine);
    let source =
        "\"\"\"Doc.\n\nMore doc.\n\"\"\"\n\nimport sys\nx = 'a' + \"b\"\ny = '''t\nu'''\nz = 1\n";
    let got = colours(&engine, "python", source);
    let lines: Vec<&str> = source.lines().collect();
    // Every character of the docstring's lines is in the string colour.
    for (row, (colours, line)) in got.iter().zip(&lines).take(4).enumerate() {
        assert!(
            colours.iter().all(|c| *c == string),
            "docstring line {} not a string: {line:?}",
            row + 1,
        );
    }
    // `import sys` and `z = 1` are code.
    for row in [5, 9] {
        assert!(
            got[row].iter().all(|c| *c != string),
            "line {} coloured as a string: {:?}",
            row + 1,
            lines[row]
        );
    }
    // In `x = 'a' + "b"` only the two literals are strings.
    let marks: Vec<bool> = got[6].iter().map(|c| *c == string).collect();
    let want: Vec<bool> = "x = 'a' + \"b\""
        .chars()
        .enumerate()
        .map(|(i, _)| (4..7).contains(&i) || (10..13).contains(&i))
        .collect();
    assert_eq!(marks, want, "line 7");
    // A triple-quoted string over two lines, then code.
    assert!(got[7][4..].iter().all(|c| *c == string), "line 8");
    assert!(got[8].iter().all(|c| *c == string), "line 9");
}
