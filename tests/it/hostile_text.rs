//! Nothing raw reaches a terminal: every text field of every content kind
//! (the real lessons and quizzes, each string given ESC, an OSC 52
//! clipboard write, BEL, a clear-screen, a C1 CSI, DEL and bidi controls)
//! goes through every command, and neither standard output nor standard
//! error (nor a handout file) carries one of those characters raw.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// ESC + OSC 52, BEL, ESC [2J, C1 CSI, DEL, RLO, LRI, PDI.
const HOSTILE: &str = "\u{1b}]52;c;SGk=\u{7}\u{1b}[2J\u{9b}31m\u{7f}\u{202e}\u{2066}x\u{2069}";

/// Keys whose values are names the loader checks (ids, kinds, links),
/// not text: left alone so the content still loads.
const NOT_TEXT: &[&str] = &[
    "id",
    "type",
    "language",
    "style",
    "quiz",
    "questions",
    "demos",
    "file",
    "version",
];

fn poison(v: &mut toml::Value, key: &str) {
    match v {
        toml::Value::String(s) if !NOT_TEXT.contains(&key) => s.push_str(HOSTILE),
        toml::Value::Array(items) => items.iter_mut().for_each(|i| poison(i, key)),
        toml::Value::Table(t) => poison_table(t),
        _ => {}
    }
}

fn poison_table(t: &mut toml::Table) {
    // A FreeText answer (model and rubric) is checked by the loader against
    // itself; the rubric grader's own tests cover its text.
    let free_text = t.get("type").and_then(|v| v.as_str()) == Some("FreeText");
    for (k, v) in t.iter_mut() {
        if free_text && k == "answer" {
            continue;
        }
        poison(v, k);
    }
}

/// The repository's own lessons and quizzes, every text made hostile.
fn hostile_content() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["lessons", "quizzes"] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_none_or(|x| x != "toml") {
                continue;
            }
            let mut t: toml::Table = toml::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
            poison_table(&mut t);
            fs::write(
                dir.path().join(sub).join(p.file_name().unwrap()),
                toml::to_string(&t).unwrap(),
            )
            .unwrap();
        }
    }
    // Challenge levels and exercises: their prose (code, schedules and
    // checks are left as they are, so each level still wins and each
    // solution still passes).
    for (sub, prose) in [
        (
            "challenges",
            &["title", "briefing", "hints", "explanation"][..],
        ),
        ("exercises", &["title", "instructions", "hints"][..]),
    ] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_none_or(|x| x != "toml") {
                continue;
            }
            let mut t: toml::Table = toml::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
            // Slide ids come from the slide titles poisoned above.
            t.remove("slide");
            for key in prose {
                if let Some(v) = t.get_mut(*key) {
                    poison(v, key);
                }
            }
            fs::write(
                dir.path().join(sub).join(p.file_name().unwrap()),
                toml::to_string(&t).unwrap(),
            )
            .unwrap();
        }
    }
    if root.join("examples").exists() {
        copy_dir(&root.join("examples"), &dir.path().join("examples"));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
        })
        .collect()
}

fn assert_clean(what: &str, text: &str) {
    let bad = raw_controls(text);
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {text:.2000}");
}

struct Env {
    content: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Env {
    fn dir(&self) -> String {
        self.content.path().display().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_threadtutor"))
            .args(args)
            .env("THREADTUTOR_DATA_DIR", self.data.path())
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        let what = args.join(" ");
        assert_clean(
            &format!("stdout of {what}"),
            &String::from_utf8_lossy(&out.stdout),
        );
        assert_clean(
            &format!("stderr of {what}"),
            &String::from_utf8_lossy(&out.stderr),
        );
        out
    }

    /// Run a command that must succeed (and print something).
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn ids(dir: &Path, sub: &str) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir.join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            if sub == "quizzes" {
                p.file_stem().unwrap().to_string_lossy().into_owned()
            } else {
                let t: toml::Table = toml::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
                t["id"].as_str().unwrap().to_string()
            }
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_command_keeps_hostile_content_inert() {
    let env = Env {
        content: hostile_content(),
        data: tempfile::tempdir().unwrap(),
    };
    let d = env.dir();
    // It loads: the poison is in text, not in ids.
    let checked = env.ok(&["check", "--content", &d]);
    assert!(checked.starts_with("ok:"), "{checked}");
    let lessons = ids(env.content.path(), "lessons");
    let quizzes = ids(env.content.path(), "quizzes");
    assert!(lessons.len() > 5 && quizzes.len() > 5);

    let listing = env.ok(&["lessons", "--content", &d]);
    assert!(
        listing.contains("␛]52;c;SGk=␇"),
        "the text is shown, made visible"
    );
    env.ok(&["lessons", "--json", "--content", &d]);
    env.ok(&["--plain", "--content", &d]);
    for id in &lessons {
        env.ok(&["show", id, "--content", &d]);
        env.ok(&["present", "--plain", id, "--content", &d]);
    }
    let out = tempfile::tempdir().unwrap();
    let o = out.path().display().to_string();
    for format in ["html", "markdown"] {
        env.ok(&["export", "--format", format, "-o", &o, "--content", &d]);
        env.ok(&[
            "export",
            "--format",
            format,
            "--with-answers",
            "-o",
            &o,
            "--content",
            &d,
        ]);
    }
    for e in fs::read_dir(out.path()).unwrap() {
        let p = e.unwrap().path();
        assert_clean(&p.display().to_string(), &fs::read_to_string(&p).unwrap());
    }
    for q in &quizzes {
        let sheet_text = env.ok(&["quiz", q, "--template", "--content", &d]);
        // A filled-in sheet: the template's first answer line given hostile text.
        let sheet = env.data.path().join(format!("{q}-sheet.toml"));
        let filled = sheet_text.replacen(
            "student = \"\"",
            &format!("student = \"S {}\"", toml_escape(HOSTILE)),
            1,
        );
        fs::write(&sheet, filled).unwrap();
        let s = sheet.display().to_string();
        env.run(&["quiz", q, "--answers", &s, "--content", &d]);
        env.run(&["quiz", q, "--answers", &s, "--json", "--content", &d]);
        env.run(&["grade", "--quiz", q, &s, "--content", &d]);
        env.run(&[
            "grade",
            "--quiz",
            q,
            "--format",
            "json",
            &s,
            "--content",
            &d,
        ]);
    }
    // Names the learner typed, or that came from file names.
    let evil = format!("nope{HOSTILE}");
    env.run(&["quiz", &evil, "--content", &d]);
    env.run(&["grade", "--quiz", &evil, "x.toml", "--content", &d]);
    env.run(&["show", &evil, "--content", &d]);
    env.run(&["demo", &evil]);
    env.run(&["present", "--plain", &evil, "--content", &d]);
    // A progress file whose ids carry the poison.
    let mut p = threadtutor::progress::Progress::default();
    p.visit(&format!("l{HOSTILE}"), &format!("s{HOSTILE}"), 1, 1);
    p.record_quiz(
        &format!("q{HOSTILE}"),
        threadtutor::progress::QuizAttempt {
            at: 1,
            score: 1.0,
            max: 2.0,
            missed: vec![HOSTILE.into()],
        },
    );
    threadtutor::progress::Store::new(env.data.path())
        .save(&p)
        .unwrap();
    let shown = env.ok(&["progress"]);
    assert!(shown.contains("1 attempt"), "{shown}");
    env.ok(&["lessons"]);
}

fn toml_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '"' || c == '\\' {
                format!("\\u{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `check` on content that is wrong in hostile ways: every diagnostic that
/// echoes a value or a file name shows it inert.
#[test]
fn check_diagnostics_are_inert() {
    let env = Env {
        content: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    };
    let dir: PathBuf = env.content.path().to_path_buf();
    fs::create_dir_all(dir.join("lessons")).unwrap();
    fs::create_dir_all(dir.join("quizzes")).unwrap();
    let h = toml_escape(HOSTILE);
    fs::write(
        dir.join(format!("lessons/98-{HOSTILE}.toml")),
        format!(
            "id = \"bad{h}\"\ntitle = \"T\"\npart = \"P\"\nsummary = \"S\"\ndemos = [\"d{h}\"]\n\
             [[slides]]\ntitle = \"A\"\n\
             [[slides.blocks]]\ntype = \"code\"\nlanguage = \"perl{h}\"\nsource = \"x\"\n\
             [[slides.blocks]]\ntype = \"callout\"\nstyle = \"loud{h}\"\ntext = \"x\"\n\
             [[slides.blocks]]\ntype = \"demo\"\nid = \"nodemo{h}\"\n\
             [[slides.blocks]]\ntype = \"quiz\"\nquiz = \"q{h}\"\nquestions = [\"a{h}\"]\n\
             [[slides.blocks]]\ntype = \"blink{h}\"\ntext = \"x\"\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.join(format!("quizzes/q{HOSTILE}.toml")),
        format!("[[questions]]\ntype = \"Essay{h}\"\nid = \"one{h}\"\nprompt.prompt = \"P\"\n"),
    )
    .unwrap();
    let out = env.run(&["check", "--content", &env.dir()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("98-␛]52;c;SGk=␇"), "{err}");
    assert!(err.lines().count() >= 5, "{err}");
}
