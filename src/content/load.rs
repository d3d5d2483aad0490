//! Loading a whole content set — embedded in the binary or from a folder —
//! and the checks that span files (duplicate ids, links to quizzes, example
//! files). Every problem is collected; nothing panics, whatever the input.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, decode_utf8};
use super::exercise::Exercise;
use super::lesson::{Block, BlockKind, Lesson};
use super::parse::{LessonSpans, parse_lesson};
use super::quiz::{Quiz, parse_quiz};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Where content comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The copy built into the binary.
    Embedded,
    /// A folder holding `lessons/`, `quizzes/` and optionally `examples/python/`.
    Dir(PathBuf),
}

/// Everything the tutorial teaches with, checked.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// In file-name order.
    pub lessons: Vec<Lesson>,
    pub quizzes: Vec<Quiz>,
    /// Example programs by path (`examples/python/x.py`) → source.
    pub examples: BTreeMap<String, String>,
    /// Challenge levels (`challenges/*.toml`), in file-name order.
    pub challenges: Vec<super::challenge::Challenge>,
    /// In file-name order (`NN-<id>.toml`).
    pub exercises: Vec<Exercise>,
}

impl Content {
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    pub fn quiz(&self, id: &str) -> Option<&Quiz> {
        self.quizzes.iter().find(|q| q.id == id)
    }

    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The deck's parts in order, each with the indices of its lessons.
    pub fn parts(&self) -> Vec<(String, Vec<usize>)> {
        let mut parts: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, l) in self.lessons.iter().enumerate() {
            match parts.iter_mut().find(|(p, _)| *p == l.part) {
                Some((_, v)) => v.push(i),
                None => parts.push((l.part.clone(), vec![i])),
            }
        }
        parts
    }
}

/// A file to load: its path as shown in messages, and its bytes (or why not).
struct RawFile {
    path: String,
    bytes: Result<Vec<u8>, String>,
}

fn embedded_files(list: &[(&str, &[u8])]) -> Vec<RawFile> {
    list.iter()
        .map(|(p, b)| RawFile {
            path: p.to_string(),
            bytes: Ok(b.to_vec()),
        })
        .collect()
}

fn dir_files(dir: &Path, ext: &str, diags: &mut Vec<Diagnostic>, required: bool) -> Vec<RawFile> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            if required {
                diags.push(Diagnostic::file(
                    &dir.display().to_string(),
                    format!("cannot read folder: {e}"),
                ));
            }
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            // A name ending in .toml that is not a file (a folder, a link
            // to nowhere or to itself, a FIFO) is reported, not skipped.
            let bytes = crate::files::read_limited(&p, MAX_FILE_BYTES as u64).map_err(|e| {
                match (&e, fs::symlink_metadata(&p)) {
                    (_, Ok(m)) if m.file_type().is_symlink() && fs::metadata(&p).is_err() => {
                        format!("a link to nothing readable ({e})")
                    }
                    (crate::files::ReadError::TooBig(limit), _) => {
                        format!("file is too large; the limit is {limit} bytes")
                    }
                    _ => format!("cannot read file: {e}"),
                }
            });
            RawFile {
                path: p.display().to_string(),
                bytes,
            }
        })
        .collect()
}

/// Largest file we read; bigger ones are reported, not parsed.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

fn decode(f: RawFile, diags: &mut Vec<Diagnostic>) -> Option<(String, String)> {
    match f.bytes {
        Err(e) => {
            diags.push(Diagnostic::file(&f.path, e));
            None
        }
        Ok(b) if b.len() > MAX_FILE_BYTES => {
            diags.push(Diagnostic::file(
                &f.path,
                format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", b.len()),
            ));
            None
        }
        Ok(b) => match decode_utf8(&f.path, b) {
            Ok(text) => Some((f.path, text)),
            Err(d) => {
                diags.push(d);
                None
            }
        },
    }
}

fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Load and check a whole content set. Returns every problem found.
pub fn load(source: &Source) -> Result<Content, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let (lesson_files, quiz_files, example_files, exercise_files) = match source {
        Source::Embedded => (
            embedded_files(embedded::LESSONS),
            embedded_files(embedded::QUIZZES),
            embedded_files(embedded::EXAMPLES),
            embedded_files(embedded::EXERCISES),
        ),
        Source::Dir(dir) => (
            dir_files(&dir.join("lessons"), "toml", &mut diags, true),
            dir_files(&dir.join("quizzes"), "toml", &mut diags, false),
            dir_files(
                &dir.join("examples").join("python"),
                "py",
                &mut diags,
                false,
            ),
            dir_files(&dir.join("exercises"), "toml", &mut diags, false),
        ),
    };
    let challenge_files = match source {
        Source::Embedded => embedded_files(embedded::CHALLENGES),
        Source::Dir(dir) => dir_files(&dir.join("challenges"), "toml", &mut diags, false),
    };
    let base = match source {
        Source::Embedded => String::new(),
        Source::Dir(d) => format!("{}/", d.display()),
    };

    let mut examples = BTreeMap::new();
    for f in example_files {
        if let Some((path, text)) = decode(f, &mut diags) {
            let rel = path.strip_prefix(&base).unwrap_or(&path).to_string();
            examples.insert(rel, text);
        }
    }

    let mut quizzes: Vec<Quiz> = Vec::new();
    for f in quiz_files {
        if let Some((path, text)) = decode(f, &mut diags) {
            let id = stem(&path);
            match parse_quiz(&id, &path, &text) {
                Ok(q) => quizzes.push(q),
                Err(d) => diags.extend(d),
            }
        }
    }

    let mut lessons: Vec<Lesson> = Vec::new();
    let mut lesson_texts: Vec<(String, LessonSpans)> = Vec::new();
    for f in lesson_files {
        let Some((path, text)) = decode(f, &mut diags) else {
            continue;
        };
        match parse_lesson(&path, &text) {
            Ok((mut lesson, spans)) => {
                if let Some(first) = lessons.iter().find(|l| l.id == lesson.id) {
                    diags.push(Diagnostic::at(
                        &path,
                        &text,
                        spans.id,
                        format!(
                            "duplicate lesson id `{}` (also in {})",
                            lesson.id, first.path
                        ),
                    ));
                }
                for (at, quiz, question) in &spans.quiz_refs {
                    match (quizzes.iter().find(|q| &q.id == quiz), question) {
                        // Once, at the quiz key, however many questions
                        // the block names.
                        (None, None) => diags.push(Diagnostic::at(
                            &path,
                            &text,
                            *at,
                            format!(
                                "unknown quiz `{quiz}`{}",
                                did_you_mean(quiz, quizzes.iter().map(|q| q.id.as_str()))
                            ),
                        )),
                        (None, Some(_)) => {}
                        (Some(q), Some(question)) if !q.has_question(question) => {
                            diags.push(Diagnostic::at(
                                &path,
                                &text,
                                *at,
                                format!("quiz `{quiz}` has no question `{question}`"),
                            ))
                        }
                        _ => {}
                    }
                }
                fill_example_sources(&path, &text, &mut lesson, &examples, &mut diags);
                lesson_texts.push((text, spans));
                lessons.push(lesson);
            }
            Err(d) => diags.extend(d),
        }
    }
    if lessons.is_empty() && diags.is_empty() {
        diags.push(Diagnostic::file(
            &format!("{base}lessons"),
            "no lessons found",
        ));
    }
    let challenge_texts: Vec<(String, String)> = challenge_files
        .into_iter()
        .filter_map(|f| decode(f, &mut diags))
        .collect();
    let challenges = super::challenge::load_all(challenge_texts, &lessons, &mut diags);
    let exercise_texts: Vec<(String, String)> = exercise_files
        .into_iter()
        .filter_map(|f| decode(f, &mut diags))
        .collect();
    let exercises = super::exercise::load_exercises(exercise_texts, &lessons, &mut diags);
    link_levels(
        &mut lessons,
        &lesson_texts,
        &challenges,
        &exercises,
        &mut diags,
    );
    if diags.is_empty() {
        Ok(Content {
            lessons,
            quizzes,
            examples,
            challenges,
            exercises,
        })
    } else {
        diags.sort();
        diags.dedup();
        Err(diags)
    }
}

/// Give each challenge and exercise link its title, and report links to
/// levels or exercises that do not exist (at the id, with the nearest one).
fn link_levels(
    lessons: &mut [Lesson],
    texts: &[(String, LessonSpans)],
    challenges: &[super::challenge::Challenge],
    exercises: &[super::exercise::Exercise],
    diags: &mut Vec<Diagnostic>,
) {
    for (lesson, (text, spans)) in lessons.iter_mut().zip(texts) {
        for (at, which, id) in &spans.link_refs {
            let known: Vec<&str> = match *which {
                "challenge" => challenges.iter().map(|c| c.id.as_str()).collect(),
                _ => exercises.iter().map(|e| e.id.as_str()).collect(),
            };
            if !known.contains(&id.as_str()) {
                diags.push(Diagnostic::at(
                    &lesson.path,
                    text,
                    *at,
                    format!(
                        "unknown {which} `{id}`{}",
                        did_you_mean(id, known.iter().copied())
                    ),
                ));
            }
        }
        for slide in &mut lesson.slides {
            Block::walk_mut(&mut slide.blocks, &mut |b| match &mut b.kind {
                BlockKind::Challenge { id, title } => {
                    if let Some(c) = challenges.iter().find(|c| &c.id == id) {
                        *title = c.title.clone();
                    }
                }
                BlockKind::Exercise { id, title } => {
                    if let Some(e) = exercises.iter().find(|e| &e.id == id) {
                        *title = e.title.clone();
                    }
                }
                BlockKind::Paragraph(_)
                | BlockKind::Bullets(_)
                | BlockKind::Code(_)
                | BlockKind::Columns(_)
                | BlockKind::Callout(_)
                | BlockKind::Diagram { .. }
                | BlockKind::Quote { .. }
                | BlockKind::Demo { .. }
                | BlockKind::Quiz { .. } => {}
            });
        }
    }
}

/// `; did you mean `x`?` when one of `known` is a likely misspelling of
/// `word` (at most a third of its characters changed), else nothing.
pub fn did_you_mean<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> String {
    // Ids are short; a hostile long one is not compared (keeps this linear).
    const LONGEST: usize = 64;
    if word.chars().count() > LONGEST {
        return String::new();
    }
    let limit = (word.chars().count() / 3).max(1);
    let mut near: Vec<(usize, &str)> = known
        .filter(|k| k.chars().count() <= LONGEST)
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort();
    match near.as_slice() {
        // Only a clear favourite is suggested.
        [(d, k), rest @ ..] if rest.first().is_none_or(|(d2, _)| d2 > d) => {
            format!("; did you mean `{k}`?")
        }
        _ => String::new(),
    }
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != *cb)).min(row[j] + 1).min(up + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// Code blocks that name an example `file` take their source from it.
fn fill_example_sources(
    path: &str,
    text: &str,
    lesson: &mut Lesson,
    examples: &BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    fn walk(blocks: &mut [Block], f: &mut dyn FnMut(&mut super::lesson::Code)) {
        Block::walk_mut(blocks, &mut |b| {
            if let BlockKind::Code(c) = &mut b.kind {
                f(c);
            }
        });
    }
    for slide in &mut lesson.slides {
        walk(&mut slide.blocks, &mut |code| {
            if let Some(file) = &code.file {
                match examples.get(file) {
                    Some(src) => code.source = src.trim_end_matches('\n').to_string(),
                    None => {
                        let at = text.find(file.as_str()).unwrap_or(0);
                        diags.push(Diagnostic::at(
                            path,
                            text,
                            at,
                            format!(
                                "example file `{file}` not found (expected under examples/python/)"
                            ),
                        ));
                    }
                }
            }
        });
    }
}
