//! `threadtutor quiz` and `threadtutor grade`: their clap arguments and the
//! non-interactive work. The binary wires them into its commands; output goes
//! to the writers it passes, so tests use `Vec<u8>`.
//!
//! A quiz is named by id (looked up among the loaded quizzes) or by a path
//! ending in `.toml` (any quiz file, e.g. one of mdbook-quiz's).

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

use crate::content::quiz::{Quiz, load_quiz_file};
use crate::content::sanitize::{inert, json_inert};
use crate::quiz::class::{self, SheetRow};
use crate::quiz::grade::grade_sheet;
use crate::quiz::report;
use crate::quiz::sheet::{load_sheet, load_sheet_lenient, template};
use crate::quiz::shuffle;

/// `threadtutor quiz ID_OR_PATH [--template | --answers FILE [--json] | --plain] [--seed N]`
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
#[command(after_help = "\
With --plain the quiz is asked as plain lines on standard output and the answers \
are read from standard input, with no escape sequences (for screen readers and \
scripts): an option's number (several numbers separated by spaces or commas when \
every correct option is asked for); a written answer ends with an empty line; a \
program question asks `compiles? (y/n)`, then the output or the line of the error; \
matching asks the number of each item's match, ordering the numbers in order. A \
line with just - skips a question. The feedback follows each answer, the score \
comes at the end, and the attempt is recorded in the progress file. If the input \
ends early, the questions answered are recorded and the others are not. --plain \
does not go with --template, --answers or --json.")]
pub struct QuizArgs {
    /// The quiz: an id such as pop-quiz-1, or the path of a quiz file (*.toml)
    #[arg(value_name = "ID_OR_PATH")]
    pub quiz: String,
    /// Print a blank answer sheet for the quiz instead of taking it
    #[arg(long, conflicts_with = "answers")]
    pub template: bool,
    /// Grade a filled-in answer sheet instead of taking the quiz
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// With --answers: print the result as JSON
    #[arg(long, requires = "answers", conflicts_with = "template")]
    pub json: bool,
    /// Seed the order of the options (the same seed gives the same order)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// The class table's format.
#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TableFormat {
    #[default]
    Csv,
    Json,
}

/// `threadtutor grade --quiz ID_OR_PATH SHEETS... [--format csv|json] [--items]`
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct GradeArgs {
    /// The quiz: an id such as pop-quiz-1, or the path of a quiz file (*.toml)
    #[arg(long, value_name = "ID_OR_PATH")]
    pub quiz: String,
    /// Answer sheets to grade (TOML, one per student)
    #[arg(value_name = "SHEETS", required = true)]
    pub sheets: Vec<PathBuf>,
    /// Format of the class table (JSON includes the item analysis)
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    pub format: TableFormat,
    /// With --format csv: write the item analysis (difficulty,
    /// discrimination, option counts per question) instead of the class table
    #[arg(long)]
    pub items: bool,
}

/// Find a quiz: a path ending in `.toml` is read from disk, anything else is
/// an id among `quizzes`. The error is the lines to print.
pub fn resolve_quiz<'a>(
    id_or_path: &str,
    quizzes: &'a [Quiz],
) -> Result<Cow<'a, Quiz>, Vec<String>> {
    if id_or_path.ends_with(".toml") {
        return load_quiz_file(std::path::Path::new(id_or_path))
            .map(Cow::Owned)
            .map_err(|ds| ds.iter().map(ToString::to_string).collect());
    }
    match quizzes.iter().find(|q| q.id == id_or_path) {
        Some(q) => Ok(Cow::Borrowed(q)),
        None => {
            let known: Vec<&str> = quizzes.iter().map(|q| q.id.as_str()).collect();
            let hint = crate::content::load::did_you_mean(id_or_path, known.iter().copied());
            let known = if known.is_empty() {
                "none are loaded".to_string()
            } else {
                format!("known: {}", known.join(", "))
            };
            // Ids come from file names and from the command line: inert.
            Err(vec![
                inert(&format!(
                    "threadtutor: unknown quiz `{id_or_path}`{hint} ({known}); a quiz file's path must end in .toml"
                ))
                .into_owned(),
            ])
        }
    }
}

fn print_lines(err: &mut dyn Write, lines: &[String]) {
    for l in lines {
        let _ = writeln!(err, "{}", inert(l));
    }
}

/// Run `threadtutor quiz` without the TUI. `None`: no non-interactive flag
/// was given, so the caller starts the TUI (after this has checked that the
/// quiz exists; get it with [`resolve_quiz`]). `Some(code)`: done, exit with
/// `code` (0 ok, 1 a user error, explained on `err`).
pub fn run_quiz(
    args: &QuizArgs,
    quizzes: &[Quiz],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<i32> {
    let quiz = match resolve_quiz(&args.quiz, quizzes) {
        Ok(q) => q,
        Err(lines) => {
            print_lines(err, &lines);
            return Some(1);
        }
    };
    if args.template {
        let seed = args.seed.unwrap_or_else(shuffle::fresh_seed);
        return Some(
            match out.write_all(inert(&template(&quiz, seed)).as_bytes()) {
                Ok(()) => 0,
                Err(_) => 1,
            },
        );
    }
    let path = args.answers.as_ref()?;
    let sheet = match load_sheet(path, &quiz) {
        Ok(s) => s,
        Err(ds) => {
            print_lines(err, &ds.iter().map(ToString::to_string).collect::<Vec<_>>());
            return Some(1);
        }
    };
    let grade = grade_sheet(&quiz, &sheet);
    // Quiz text and answers are content: nothing in them reaches a terminal raw.
    let text = if args.json {
        json_inert(&report::json_report(&grade)) + "\n"
    } else {
        inert(&report::text_report(&quiz, &grade)).into_owned()
    };
    Some(match out.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 1,
    })
}

/// Run `threadtutor grade`: every sheet graded into one table on `out`, a
/// row for every sheet given. A sheet that cannot be read or parsed gets its
/// `path:line:col` errors on `err` and a row with its file and the errors;
/// an answer of the wrong type scores 0 with a warning on `err` naming the
/// question (the rest of the sheet is graded). Exit code 1 if any sheet
/// could not be read (or the quiz is unknown), else 0.
pub fn run_grade(
    args: &GradeArgs,
    quizzes: &[Quiz],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let quiz = match resolve_quiz(&args.quiz, quizzes) {
        Ok(q) => q,
        Err(lines) => {
            print_lines(err, &lines);
            return 1;
        }
    };
    let mut failed = false;
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for path in &args.sheets {
        let file = path.display().to_string();
        match load_sheet_lenient(path, &quiz) {
            Ok((sheet, wrong)) => {
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == sheet.student) {
                    let _ = writeln!(
                        err,
                        "{}",
                        inert(&format!(
                            "threadtutor: warning: student `{}` is in both {first} and {}",
                            sheet.student, sheet.path
                        ))
                    );
                }
                let warnings: Vec<String> = wrong
                    .into_iter()
                    .map(|mut d| {
                        d.message = format!("warning: {}; that answer scores 0", d.message);
                        d.to_string()
                    })
                    .collect();
                print_lines(err, &warnings);
                seen.push((sheet.student.clone(), sheet.path.clone()));
                rows.push(SheetRow::Graded {
                    file,
                    grade: grade_sheet(&quiz, &sheet),
                    warnings,
                });
            }
            Err(ds) => {
                failed = true;
                let errors: Vec<String> = ds.iter().map(ToString::to_string).collect();
                print_lines(err, &errors);
                rows.push(SheetRow::Unreadable { file, errors });
            }
        }
    }
    let table = match (args.format, args.items) {
        (TableFormat::Csv, false) => inert(&class::class_csv(&quiz, &rows)).into_owned(),
        (TableFormat::Csv, true) => inert(&class::items_csv(&quiz, &rows)).into_owned(),
        (TableFormat::Json, _) => json_inert(&class::class_json(&quiz, &rows)) + "\n",
    };
    if out.write_all(table.as_bytes()).is_err() {
        return 1;
    }
    i32::from(failed)
}
