//! The command line: `threadtutor` (the TUI) and its subcommands. Each
//! command returns its exit code: 0 success, 1 a user error (one line on
//! stderr), 2 bad usage (clap's own).

pub mod challenge;
pub mod exercise;
pub mod keys;
mod output;
pub mod quiz;
pub mod quiz_plain;

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
    /// Take a quiz in the TUI (or as plain lines with --plain), print a blank
    /// answer sheet, or grade one.
    Quiz(crate::cli::quiz::QuizArgs),
    /// Grade a class's answer sheets into one table.
    Grade(crate::cli::quiz::GradeArgs),
    /// Challenge levels: list them, replay a schedule, or solve one (--solve).
    Challenge(crate::cli::challenge::ChallengeArgs),
    /// Exercises: list them, check a file, print a solution, write the starters.
    Exercise(crate::cli::exercise::ExerciseArgs),
    /// Present to a class: full-screen slides for a projector, publishing
    /// each move to `threadtutor notes`.
    Present {
        /// Lesson id to start from (default: the first).
        lesson: Option<String>,
    },
    /// Speaker notes in a second terminal: follows `threadtutor present`.
    Notes,
    /// Write a handout of every lesson and quiz into a folder, or the
    /// quizzes for a learning-management system (moodle-xml, gift, qti).
    Export {
        /// html (one self-contained file) or markdown; or the quizzes
        /// alone: moodle-xml and gift (Moodle), qti (QTI 1.2, Canvas),
        /// written as threadtutor-quizzes.moodle.xml, .gift.txt or .qti.xml.
        /// Questions a format cannot hold are listed on stderr.
        #[arg(long, value_enum, default_value_t = crate::export::Format::Html)]
        format: crate::export::Format,
        /// The teacher's copy: quiz answers and rubrics included.
        #[arg(long)]
        with_answers: bool,
        /// The folder to write into (created if missing). The student's copy
        /// is threadtutor-handout.html (.md), the teacher's
        /// threadtutor-handout-answers.html (.md).
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
        /// Replace a handout already in the folder (without it, an existing
        /// file is never overwritten).
        #[arg(long)]
        force: bool,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output.
    Man,
    /// Print every key of the tutorial, screen by screen (a cheat sheet).
    Keys {
        /// An array of objects with screen, keys and action.
        #[arg(long)]
        json: bool,
    },
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
    #[arg(long, conflicts_with_all = ["id", "params", "json"])]
    pub list: bool,
    /// Set a parameter (repeatable), e.g. --param runs=500.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Print one JSON object per line; the last is the summary.
    #[arg(long)]
    pub json: bool,
}

/// Why a command did not succeed; [`Error::exit_code`] maps it to the
/// documented exit codes (clap itself exits 2 on bad usage).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A user error, said in one line: exit 1.
    #[error("{0}")]
    User(String),
    /// Problems in the content, each as `path:line:col: message`: exit 1.
    #[error("{} problem{} in the content", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Content(Vec<Diagnostic>),
    /// Already reported on standard error by the command itself; exit
    /// with this code.
    #[error("exit {0}")]
    Reported(i32),
    /// Writing the command's output failed (a closed pipe is not an error).
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

impl Error {
    /// The process's exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Error::Reported(code) => *code,
            Error::User(_) | Error::Content(_) | Error::Output(_) => 1,
        }
    }
}

/// Run the parsed command line and say what went wrong on standard error;
/// returns the exit code (0 success, 1 a user error, 2 bad usage).
pub fn main(cli: Cli) -> i32 {
    if cli.watch && !matches!(cli.command, None | Some(Command::Present { .. })) {
        use clap::CommandFactory;
        let e = Cli::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            "--watch works with the tutorial and `present` only; this command does not watch",
        );
        let _ = e.print();
        return 2;
    }
    if let (true, Some(Command::Quiz(args))) = (cli.plain, &cli.command)
        && let Some(why) = crate::cli::quiz_plain::conflict(args)
    {
        use clap::CommandFactory;
        let _ = Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, why)
            .print();
        return 2;
    }
    let result = run(cli);
    let mut err = io::stderr().lock();
    match &result {
        Ok(()) => {}
        // A reader that went away (`| head`) ends the command quietly.
        Err(Error::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(Error::Reported(_)) => {}
        Err(Error::Content(diags)) => report(&mut err, diags),
        Err(e) => {
            // Messages carry names from outside (paths, ids): inert.
            let _ = writeln!(
                err,
                "threadtutor: {}",
                content::sanitize::inert(&e.to_string())
            );
        }
    }
    result.err().map_or(0, |e| e.exit_code())
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    let source = cli.content.clone().map_or(Source::Embedded, Source::Dir);
    // Not locked: the tutorial draws on standard output from this thread.
    let mut out = output::Recording::new(io::stdout());
    let mut err = io::stderr();
    let opts = ui_options(&cli);
    let result = run_command(&cli, &source, opts, &mut out, &mut err);
    // Output still buffered must reach its reader too, or be reported.
    let result = result.and_then(|()| out.flush().map_err(Error::from));
    // A command that went on (or only gave its exit code) when its output
    // could not be written still says why (a closed pipe: quietly).
    match (result, out.take_error()) {
        (Ok(()) | Err(Error::Reported(_)), Some(e)) => Err(Error::Output(e)),
        (result, _) => result,
    }
}

fn run_command(
    cli: &Cli,
    source: &Source,
    opts: ui::Options,
    mut out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    match &cli.command {
        None => {
            let content = load(source)?;
            if cli.plain {
                for lesson in &content.lessons {
                    out.write_all(plain::render_lesson(lesson, None).as_bytes())?;
                    writeln!(out)?;
                }
                return Ok(());
            }
            let store = store(source)?;
            ui::run(content, store, opts).map_err(Error::User)
        }
        Some(Command::Check) => {
            let c = load(source)?;
            let problems = crate::cli::challenge::check_levels(&c);
            if !problems.is_empty() {
                return Err(Error::Content(problems));
            }
            let slides: usize = c.lessons.iter().map(|l| l.slides.len()).sum();
            let questions: usize = c.quizzes.iter().map(|q| q.questions.len()).sum();
            use crate::progress::plural;
            let proved = if c.challenges.is_empty() {
                ""
            } else {
                " (every fixed version proved)"
            };
            writeln!(
                out,
                "ok: {} ({}), {} ({}), {}{proved}, {}",
                plural(c.lessons.len(), "lesson", "lessons"),
                plural(slides, "slide", "slides"),
                plural(c.quizzes.len(), "quiz", "quizzes"),
                plural(questions, "question", "questions"),
                plural(c.challenges.len(), "challenge", "challenges"),
                plural(c.exercises.len(), "exercise", "exercises"),
            )?;
            // Every exercise's solution passes and starter fails (when
            // python3 is here; it says so when not).
            if crate::cli::exercise::check_exercises(&c, out, err) {
                Ok(())
            } else {
                Err(Error::Reported(1))
            }
        }
        Some(Command::Lessons { json }) => {
            let content = load(source)?;
            // Only reads: a bad progress file is a warning, left in place.
            let loaded = Store::from_env().map(|s| s.for_source(source).peek());
            let progress = match loaded {
                Ok(l) => {
                    if let Some(w) = &l.warning {
                        writeln!(err, "threadtutor: warning: {}", content::sanitize::inert(w))?;
                    }
                    l.progress
                }
                Err(_) => Default::default(),
            };
            lessons(&content, &progress, *json, out)
        }
        Some(Command::Show { lesson, slide }) => {
            let content = load(source)?;
            show(&content, lesson, *slide, out)
        }
        Some(Command::Demo(args)) => demo(args, out),
        Some(Command::Challenge(args)) => {
            reported(crate::cli::challenge::command(args, source, out, err))
        }
        Some(Command::Exercise(args)) => match &args.action {
            Some(crate::cli::exercise::ExerciseAction::Watch { dir }) if !args.list => {
                let content = load(source)?;
                let dir = dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(ui::app::DEFAULT_EXERCISE_DIR));
                let store = Store::from_env().map_err(|e| Error::User(e.to_string()))?;
                ui::run_exercises(content, dir, store, opts).map_err(Error::User)
            }
            _ => reported(crate::cli::exercise::run(args, source, out, err)),
        },
        Some(Command::Quiz(args)) => {
            let content = load(source)?;
            if cli.plain {
                // Questions on stdout, answers from stdin (no TUI).
                let store = store(source)?;
                let code = crate::cli::quiz_plain::run(
                    args,
                    &content.quizzes,
                    &store,
                    &mut io::stdin().lock(),
                    out,
                    err,
                )?;
                return reported(code);
            }
            if let Some(code) = crate::cli::quiz::run_quiz(args, &content.quizzes, out, err) {
                return reported(code);
            }
            let quiz = match crate::cli::quiz::resolve_quiz(&args.quiz, &content.quizzes) {
                Ok(q) => q.into_owned(),
                Err(lines) => {
                    for l in lines {
                        writeln!(err, "{l}")?;
                    }
                    return reported(1);
                }
            };
            let store = store(source)?;
            ui::run_quiz(content, quiz, args.seed, store, opts).map_err(Error::User)
        }
        Some(Command::Grade(args)) => {
            let content = load(source)?;
            reported(crate::cli::quiz::run_grade(
                args,
                &content.quizzes,
                out,
                err,
            ))
        }
        Some(Command::Present { lesson }) => {
            let content = load(source)?;
            let index = match lesson {
                None => 0,
                Some(id) => content
                    .lessons
                    .iter()
                    .position(|l| &l.id == id)
                    .ok_or_else(|| no_lesson(&content, id))?,
            };
            if content.lessons.is_empty() {
                return Err(Error::User("there are no lessons to present".into()));
            }
            if cli.plain {
                out.write_all(plain::render_lesson(&content.lessons[index], None).as_bytes())?;
                return Ok(());
            }
            let store = store(source)?;
            // Speaker notes are a bonus: presenting works without the socket.
            let presenter = crate::classroom::socket_path()
                .and_then(|p| crate::classroom::Presenter::start(&p))
                .map_err(|e| e.to_string());
            ui::run_present(content, index, store, opts, presenter).map_err(Error::User)
        }
        Some(Command::Notes) => {
            let path = crate::classroom::socket_path().map_err(|e| Error::User(e.to_string()))?;
            if cli.plain {
                return notes_plain(path, out);
            }
            ui::run_notes(path, opts).map_err(Error::User)
        }
        Some(Command::Export {
            format,
            with_answers,
            out: dir,
            force,
        }) => {
            let content = load(source)?;
            let (text, notes) = crate::export::render_noted(&content, *format, *with_answers);
            let name = format.file_name_for(*with_answers);
            let path =
                crate::export::write_handout(dir, name, &text, *force).map_err(Error::User)?;
            writeln!(
                out,
                "wrote {}",
                content::sanitize::inert(&path.display().to_string())
            )?;
            // What the LMS formats could not hold, or hold in another shape.
            for note in &notes {
                writeln!(err, "note: {}", content::sanitize::inert(note))?;
            }
            Ok(())
        }
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            // clap_complete panics when its writer fails: make the text
            // first, then write it (a full disk is then an error message).
            let mut text = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "threadtutor", &mut text);
            out.write_all(&text)?;
            Ok(())
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            Ok(())
        }
        Some(Command::Keys { json }) => Ok(keys::run(*json, out)?),
        Some(Command::Progress { reset }) => {
            let store = store(source)?;
            progress(&store, source, *reset, out, err)
        }
    }
}

/// The progress store for the lessons of `source`.
fn store(source: &Source) -> Result<Store, Error> {
    Store::from_env()
        .map(|s| s.for_source(source))
        .map_err(|e| Error::User(e.to_string()))
}

/// An exit code from a command that reported its own problems.
fn reported(code: i32) -> Result<(), Error> {
    match code {
        0 => Ok(()),
        code => Err(Error::Reported(code)),
    }
}

fn no_lesson(content: &Content, id: &str) -> Error {
    let ids: Vec<&str> = content.lessons.iter().map(|l| l.id.as_str()).collect();
    Error::User(format!(
        "no lesson `{}` (lessons: {})",
        content::sanitize::inert(id),
        ids.join(", ")
    ))
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
fn notes_plain(path: PathBuf, out: &mut dyn Write) -> Result<(), Error> {
    use crate::classroom::{Follower, FollowerEvent};
    let (tx, rx) = std::sync::mpsc::channel();
    Follower::spawn(path.clone(), move |e| tx.send(e).is_ok())
        .map_err(|e| Error::User(e.to_string()))?;
    while let Ok(ev) = rx.recv() {
        let text = match &ev {
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
                    crate::classroom::clock(std::time::Duration::from_secs(n.elapsed_s))
                );
                if let Some(notes) = &n.notes {
                    s.push_str(&format!("Notes: {}\n", content::sanitize::inert(notes)));
                }
                if let Some(next) = &n.next_title {
                    s.push_str(&format!("Next: {}\n", content::sanitize::inert(next)));
                }
                s
            }
            FollowerEvent::Projector(_) | FollowerEvent::Problems(_) | FollowerEvent::TooLong => {
                crate::ui::notes::plain_text(&ev)
            }
        };
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(())
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

/// Load content, or return its problems.
fn load(source: &Source) -> Result<Content, Error> {
    content::load(source).map_err(Error::Content)
}

/// Load content, or print its problems and return None (for commands that
/// report their own errors).
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
) -> Result<(), Error> {
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
        let text = serde_json::to_string_pretty(&rows).map_err(io::Error::other)?;
        writeln!(out, "{}", content::sanitize::json_inert(&text))?;
        return Ok(());
    }
    let id_w = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut part = "";
    for r in &rows {
        if r.part != part {
            part = r.part;
            writeln!(out, "{}", content::sanitize::inert(part))?;
        }
        writeln!(
            out,
            "  {:<id_w$}  {}  ({}, {}/{} seen)",
            content::sanitize::inert(r.id),
            content::sanitize::inert(r.title),
            crate::progress::plural(r.slides.len(), "slide", "slides"),
            r.seen,
            r.slides.len()
        )?;
    }
    Ok(())
}

fn show(
    content: &Content,
    id: &str,
    slide: Option<usize>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let lesson = content.lesson(id).ok_or_else(|| no_lesson(content, id))?;
    let only = match slide {
        None => None,
        Some(n) if n >= 1 && n <= lesson.slides.len() => Some(n - 1),
        Some(n) => {
            return Err(Error::User(format!(
                "lesson `{id}` has slides 1 to {}, not {n}",
                lesson.slides.len()
            )));
        }
    };
    out.write_all(plain::render_lesson(lesson, only).as_bytes())?;
    Ok(())
}

fn progress(
    store: &Store,
    source: &Source,
    reset: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    if reset {
        match store.reset().map_err(|e| Error::User(e.to_string()))? {
            Some(kept) => writeln!(
                out,
                "progress reset; the old record is kept as {}",
                kept.display()
            )?,
            None => writeln!(out, "no progress to reset ({})", store.path().display())?,
        }
        return Ok(());
    }
    let loaded = store.peek();
    if let Some(w) = &loaded.warning {
        writeln!(err, "threadtutor: warning: {}", content::sanitize::inert(w))?;
    }
    writeln!(out, "progress file: {}", store.path().display())?;
    let content = content::load(source).ok();
    let text = crate::progress::report::render(&loaded.progress, content.as_ref());
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn demo(args: &DemoArgs, out: &mut dyn Write) -> Result<(), Error> {
    use crate::demos::{Params, headless, registry};
    if args.list {
        let demos = registry::all();
        let w = demos.iter().map(|d| d.info().id.len()).max().unwrap_or(0);
        for d in demos {
            writeln!(out, "{:<w$}  {}", d.info().id, d.info().about)?;
        }
        return Ok(());
    }
    let id = args.id.as_deref().unwrap_or_default();
    let Some(demo) = registry::find(id) else {
        let ids: Vec<&str> = registry::all().iter().map(|d| d.info().id).collect();
        return Err(Error::User(format!(
            "no demo `{}` (demos: {})",
            content::sanitize::inert(id),
            ids.join(", ")
        )));
    };
    let params = Params::parse(demo.info().params, &args.params).map_err(Error::User)?;
    match headless::run(demo, params, args.json, out) {
        Some(_) => Ok(()),
        None => Err(Error::User(format!("demo `{id}` failed"))),
    }
}
