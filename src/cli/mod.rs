//! The command line: `threadtutor` (the TUI) and its subcommands. Each
//! command returns its exit code: 0 success, 1 a user error (one line on
//! stderr), 2 bad usage (clap's own).

pub mod challenge;
pub mod quiz;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::content::{self, Content, Diagnostic, Source, plain};
use crate::progress::Store;
use crate::ui::{self, theme::ThemeName};

/// The program's version and the built-in content's (a digest of the
/// lesson and quiz files, so two builds with different lessons tell apart).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (content ",
    env!("THREADTUTOR_CONTENT_VERSION"),
    ")"
);

/// An interactive terminal tutorial on threads and synchronisation, after
/// Aahz's "Python Threads" deck. Run with no command for the tutorial.
#[derive(Debug, Parser)]
#[command(name = "threadtutor", version = VERSION, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Load lessons and quizzes from DIR (holding lessons/ and quizzes/)
    /// instead of the set built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// No colour (emphasis stays). The NO_COLOR environment variable does the same.
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Colour theme (high-contrast: white on black, bold accents).
    #[arg(long, global = true, value_enum, default_value_t = ThemeName::Dark)]
    pub theme: ThemeName,
    /// Linear plain text instead of the full-screen interface (no
    /// box-drawing, no colour, diagrams by their description): for screen
    /// readers and slow terminals.
    #[arg(long, global = true)]
    pub plain: bool,
    /// No animations or spinners: demos show their state only when it changes.
    #[arg(long, global = true)]
    pub reduce_motion: bool,
    /// With the tutorial or `present`: reload lessons and quizzes from
    /// --content DIR when a file there changes, keeping your place.
    #[arg(long, global = true, requires = "content")]
    pub watch: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the lessons with their part, slides and progress.
    Lessons {
        /// One JSON array: objects with id, title, part, summary, slides (titles), seen, status.
        #[arg(long)]
        json: bool,
    },
    /// Print a lesson as plain text (for reading, piping and screen readers).
    Show {
        /// Lesson id (see `threadtutor lessons`).
        lesson: String,
        /// Only slide N (1-based).
        #[arg(long, value_name = "N")]
        slide: Option<usize>,
    },
    /// Check the lessons and quizzes; print every problem as path:line:col: message.
    Check,
    /// Run a live demo without the TUI, or list them (--list).
    Demo(DemoArgs),
    /// Take a quiz in the TUI, print a blank answer sheet, or grade one.
    Quiz(crate::cli::quiz::QuizArgs),
    /// Grade a class's answer sheets into one table.
    Grade(crate::cli::quiz::GradeArgs),
    /// Challenge levels: list them, replay a schedule, or solve one (--solve).
    Challenge(crate::cli::challenge::ChallengeArgs),
    /// Present to a class: full-screen slides for a projector, publishing
    /// each move to `threadtutor notes`.
    Present {
        /// Lesson id to start from (default: the first).
        lesson: Option<String>,
    },
    /// Speaker notes in a second terminal: follows `threadtutor present`.
    Notes,
    /// Write a handout of every lesson and quiz into a folder.
    Export {
        /// html (one self-contained file) or markdown.
        #[arg(long, value_enum, default_value_t = crate::export::Format::Html)]
        format: crate::export::Format,
        /// The teacher's copy: quiz answers and rubrics included.
        #[arg(long)]
        with_answers: bool,
        /// The folder to write into (created if missing).
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output.
    Man,
    /// Show where progress is kept and what it holds.
    Progress {
        /// Start over (the old file is kept beside it as progress.toml.reset-<time>).
        #[arg(long)]
        reset: bool,
    },
}

/// `threadtutor demo --list` / `threadtutor demo ID [--param key=value ...] [--json]`
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The demo's id (see --list).
    #[arg(value_name = "ID", required_unless_present = "list")]
    pub id: Option<String>,
    /// List the demos: id and a one-line description.
    #[arg(long)]
    pub list: bool,
    /// Set a parameter (repeatable), e.g. --param runs=500.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Print one JSON object per line; the last is the summary.
    #[arg(long)]
    pub json: bool,
}

/// Run the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    let source = cli.content.clone().map_or(Source::Embedded, Source::Dir);
    let mut out = io::stdout().lock();
    let mut err = io::stderr().lock();
    let opts = ui_options(&cli);
    match cli.command {
        None => {
            let content = match load_or_report(&source, &mut err) {
                Some(c) => c,
                None => return 1,
            };
            if cli.plain {
                for lesson in &content.lessons {
                    let _ = out.write_all(plain::render_lesson(lesson, None).as_bytes());
                    let _ = writeln!(out);
                }
                return 0;
            }
            let store = match Store::from_env() {
                Ok(s) => s,
                Err(e) => return fail(&mut err, &e.to_string()),
            };
            drop(out);
            drop(err);
            match ui::run(content, store, opts) {
                Ok(()) => 0,
                Err(msg) => fail(&mut io::stderr(), &msg),
            }
        }
        Some(Command::Check) => match content::load(&source) {
            Ok(c) => {
                let problems = crate::cli::challenge::check_levels(&c);
                if !problems.is_empty() {
                    report(&mut err, &problems);
                    return 1;
                }
                let slides: usize = c.lessons.iter().map(|l| l.slides.len()).sum();
                let questions: usize = c.quizzes.iter().map(|q| q.questions.len()).sum();
                let _ = writeln!(
                    out,
                    "ok: {} lessons ({slides} slides), {} quizzes ({questions} questions){}",
                    c.lessons.len(),
                    c.quizzes.len(),
                    crate::cli::challenge::check_summary(&c)
                );
                0
            }
            Err(diags) => {
                report(&mut err, &diags);
                1
            }
        },
        Some(Command::Lessons { json }) => {
            let Some(content) = load_or_report(&source, &mut err) else {
                return 1;
            };
            let progress = Store::from_env()
                .map(|s| s.load().progress)
                .unwrap_or_default();
            lessons(&content, &progress, json, &mut out)
        }
        Some(Command::Show { lesson, slide }) => {
            let Some(content) = load_or_report(&source, &mut err) else {
                return 1;
            };
            show(&content, &lesson, slide, &mut out, &mut err)
        }
        Some(Command::Demo(args)) => demo(&args, &mut out, &mut err),
        Some(Command::Challenge(args)) => {
            crate::cli::challenge::command(&args, &source, &mut out, &mut err)
        }
        Some(Command::Quiz(args)) => {
            let Some(content) = load_or_report(&source, &mut err) else {
                return 1;
            };
            if let Some(code) =
                crate::cli::quiz::run_quiz(&args, &content.quizzes, &mut out, &mut err)
            {
                return code;
            }
            let quiz = match crate::cli::quiz::resolve_quiz(&args.quiz, &content.quizzes) {
                Ok(q) => q.into_owned(),
                Err(lines) => {
                    for l in lines {
                        let _ = writeln!(err, "{l}");
                    }
                    return 1;
                }
            };
            let store = match Store::from_env() {
                Ok(s) => s,
                Err(e) => return fail(&mut err, &e.to_string()),
            };
            drop(out);
            drop(err);
            match ui::run_quiz(content, quiz, args.seed, store, opts) {
                Ok(()) => 0,
                Err(msg) => fail(&mut io::stderr(), &msg),
            }
        }
        Some(Command::Grade(args)) => {
            let Some(content) = load_or_report(&source, &mut err) else {
                return 1;
            };
            crate::cli::quiz::run_grade(&args, &content.quizzes, &mut out, &mut err)
        }
        Some(Command::Present { ref lesson }) => {
            let Some(content) = load_or_report(&source, &mut err) else {
                return 1;
            };
            let index = match lesson {
                None => 0,
                Some(id) => match content.lessons.iter().position(|l| &l.id == id) {
                    Some(i) => i,
                    None => {
                        let ids: Vec<&str> =
                            content.lessons.iter().map(|l| l.id.as_str()).collect();
                        return fail(
                            &mut err,
                            &format!("no lesson `{id}` (lessons: {})", ids.join(", ")),
                        );
                    }
                },
            };
            if content.lessons.is_empty() {
                return fail(&mut err, "there are no lessons to present");
            }
            if cli.plain {
                let _ =
                    out.write_all(plain::render_lesson(&content.lessons[index], None).as_bytes());
                return 0;
            }
            let store = match Store::from_env() {
                Ok(s) => s,
                Err(e) => return fail(&mut err, &e.to_string()),
            };
            // Speaker notes are a bonus: presenting works without the socket.
            let presenter = crate::classroom::socket_path()
                .and_then(|p| crate::classroom::Presenter::start(&p))
                .map_err(|e| e.to_string());
            drop(out);
            drop(err);
            match ui::run_present(content, index, store, opts, presenter) {
                Ok(()) => 0,
                Err(msg) => fail(&mut io::stderr(), &msg),
            }
        }
        Some(Command::Notes) => {
            let path = match crate::classroom::socket_path() {
                Ok(p) => p,
                Err(e) => return fail(&mut err, &e.to_string()),
            };
            if cli.plain {
                return notes_plain(path, &mut out);
            }
            drop(out);
            drop(err);
            match ui::run_notes(path, opts) {
                Ok(()) => 0,
                Err(msg) => fail(&mut io::stderr(), &msg),
            }
        }
        Some(Command::Export {
            format,
            with_answers,
            out: ref dir,
        }) => {
            let Some(content) = load_or_report(&source, &mut err) else {
                return 1;
            };
            if let Err(e) = std::fs::create_dir_all(dir) {
                return fail(&mut err, &format!("cannot create {}: {e}", dir.display()));
            }
            let path = dir.join(format.file_name());
            let text = crate::export::render(&content, format, with_answers);
            match std::fs::write(&path, text) {
                Ok(()) => {
                    let _ = writeln!(out, "wrote {}", path.display());
                    0
                }
                Err(e) => fail(&mut err, &format!("cannot write {}: {e}", path.display())),
            }
        }
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "threadtutor", &mut out);
            0
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => 0,
                Err(e) => fail(&mut err, &format!("cannot write the man page: {e}")),
            }
        }
        Some(Command::Progress { reset }) => {
            let store = match Store::from_env() {
                Ok(s) => s,
                Err(e) => return fail(&mut err, &e.to_string()),
            };
            progress(&store, &source, reset, &mut out, &mut err)
        }
    }
}

fn ui_options(cli: &Cli) -> ui::Options {
    ui::Options {
        theme: cli.theme,
        no_color: cli.no_color,
        watch: if cli.watch { cli.content.clone() } else { None },
        reduce_motion: cli.reduce_motion,
    }
}

/// `threadtutor notes --plain`: each move of the presenter as a few lines of
/// text, for a screen reader; runs until interrupted.
fn notes_plain(path: PathBuf, out: &mut dyn Write) -> i32 {
    use crate::classroom::{Follower, FollowerEvent};
    let (tx, rx) = std::sync::mpsc::channel();
    if let Err(e) = Follower::spawn(path.clone(), move |e| tx.send(e).is_ok()) {
        return fail(&mut io::stderr(), &e.to_string());
    }
    while let Ok(ev) = rx.recv() {
        let text = match ev {
            FollowerEvent::Waiting => format!("Waiting for a presenter at {}.\n", path.display()),
            FollowerEvent::Connected => "Connected to the presenter.\n".to_string(),
            FollowerEvent::Notes(n) => {
                let mut s = format!(
                    "Slide {} of {}: {}. Step {} of {}. Elapsed {}.\n",
                    n.slide,
                    n.slides,
                    content::sanitize::inert(&n.title),
                    n.step,
                    n.steps,
                    crate::ui::present::clock(std::time::Duration::from_secs(n.elapsed_s))
                );
                if let Some(notes) = &n.notes {
                    s.push_str(&format!("Notes: {}\n", content::sanitize::inert(notes)));
                }
                if let Some(next) = &n.next_title {
                    s.push_str(&format!("Next: {}\n", content::sanitize::inert(next)));
                }
                s
            }
        };
        if out
            .write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            break;
        }
    }
    0
}

fn fail(err: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(err, "threadtutor: {msg}");
    1
}

fn report(err: &mut dyn Write, diags: &[Diagnostic]) {
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
    let _ = writeln!(
        err,
        "threadtutor: {} problem{} in the content",
        diags.len(),
        if diags.len() == 1 { "" } else { "s" }
    );
}

/// Load content, or print its problems and return None.
pub fn load_or_report(source: &Source, err: &mut dyn Write) -> Option<Content> {
    match content::load(source) {
        Ok(c) => Some(c),
        Err(diags) => {
            report(err, &diags);
            None
        }
    }
}

#[derive(Serialize)]
struct LessonRow<'a> {
    id: &'a str,
    title: &'a str,
    part: &'a str,
    summary: &'a str,
    slides: Vec<&'a str>,
    seen: usize,
    status: &'static str,
}

fn lessons(
    content: &Content,
    progress: &crate::progress::Progress,
    json: bool,
    out: &mut dyn Write,
) -> i32 {
    let rows: Vec<LessonRow> = content
        .lessons
        .iter()
        .map(|l| {
            let seen = progress.lessons.get(&l.id).map_or(0, |p| {
                l.slides.iter().filter(|s| p.seen.contains(&s.id)).count()
            });
            LessonRow {
                id: &l.id,
                title: &l.title,
                part: &l.part,
                summary: &l.summary,
                slides: l.slides.iter().map(|s| s.title.as_str()).collect(),
                seen,
                status: match seen {
                    0 => "not-started",
                    n if n >= l.slides.len() => "done",
                    _ => "in-progress",
                },
            }
        })
        .collect();
    if json {
        let _ = serde_json::to_writer_pretty(&mut *out, &rows);
        let _ = writeln!(out);
        return 0;
    }
    let id_w = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut part = "";
    for r in &rows {
        if r.part != part {
            part = r.part;
            let _ = writeln!(out, "{}", content::sanitize::inert(part));
        }
        let _ = writeln!(
            out,
            "  {:<id_w$}  {}  ({} slides, {}/{} seen)",
            r.id,
            content::sanitize::inert(r.title),
            r.slides.len(),
            r.seen,
            r.slides.len()
        );
    }
    0
}

fn show(
    content: &Content,
    id: &str,
    slide: Option<usize>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(lesson) = content.lesson(id) else {
        let ids: Vec<&str> = content.lessons.iter().map(|l| l.id.as_str()).collect();
        return fail(
            err,
            &format!("no lesson `{id}` (lessons: {})", ids.join(", ")),
        );
    };
    let only = match slide {
        None => None,
        Some(n) if n >= 1 && n <= lesson.slides.len() => Some(n - 1),
        Some(n) => {
            return fail(
                err,
                &format!(
                    "lesson `{id}` has slides 1 to {}, not {n}",
                    lesson.slides.len()
                ),
            );
        }
    };
    let _ = out.write_all(plain::render_lesson(lesson, only).as_bytes());
    0
}

fn progress(
    store: &Store,
    source: &Source,
    reset: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if reset {
        return match store.reset() {
            Ok(Some(kept)) => {
                let _ = writeln!(
                    out,
                    "progress reset; the old record is kept as {}",
                    kept.display()
                );
                0
            }
            Ok(None) => {
                let _ = writeln!(out, "no progress to reset ({})", store.path().display());
                0
            }
            Err(e) => fail(err, &e.to_string()),
        };
    }
    let loaded = store.load();
    if let Some(w) = &loaded.warning {
        let _ = writeln!(err, "threadtutor: warning: {w}");
    }
    let p = loaded.progress;
    let _ = writeln!(out, "progress file: {}", store.path().display());
    if let Some(last) = &p.last {
        let _ = writeln!(
            out,
            "last position: lesson {}, slide {} (step {})",
            last.lesson, last.slide, last.step
        );
    }
    let content = content::load(source).ok();
    for (id, lp) in &p.lessons {
        let total = content
            .as_ref()
            .and_then(|c| c.lesson(id))
            .map_or(String::new(), |l| format!("/{}", l.slides.len()));
        let _ = writeln!(out, "lesson {id}: {}{total} slides seen", lp.seen.len());
    }
    for (id, q) in &p.quizzes {
        let best = q
            .best_fraction()
            .map_or("-".to_string(), |f| format!("{:.0}%", f * 100.0));
        let _ = writeln!(out, "quiz {id}: {} attempts, best {best}", q.attempts.len());
    }
    if p.lessons.is_empty() && p.quizzes.is_empty() {
        let _ = writeln!(out, "nothing recorded yet");
    }
    0
}

fn demo(args: &DemoArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use crate::demos::{Params, headless, registry};
    if args.list {
        let demos = registry::all();
        let w = demos.iter().map(|d| d.info().id.len()).max().unwrap_or(0);
        for d in demos {
            let _ = writeln!(out, "{:<w$}  {}", d.info().id, d.info().about);
        }
        return 0;
    }
    let id = args.id.as_deref().unwrap_or_default();
    let Some(demo) = registry::find(id) else {
        let ids: Vec<&str> = registry::all().iter().map(|d| d.info().id).collect();
        return fail(err, &format!("no demo `{id}` (demos: {})", ids.join(", ")));
    };
    let params = match Params::parse(demo.info().params, &args.params) {
        Ok(p) => p,
        Err(msg) => return fail(err, &msg),
    };
    match headless::run(demo, params, args.json, out) {
        Some(_) => 0,
        None => fail(err, &format!("demo `{id}` failed")),
    }
}
