//! A stand-in for the binary's `quiz` and `grade` commands, for trying the
//! quiz engine before the lead wires it in:
//!
//! ```text
//! cargo run --example quiz_cli -- quiz pop-quiz-2 --template
//! cargo run --example quiz_cli -- grade --quiz pop-quiz-2 a.toml b.toml
//! ```
//!
//! Quizzes by id come from ./quizzes/*.toml.

use clap::{Parser, Subcommand};
use threadtutor::content::quiz::{Quiz, load_quiz_file};
use threadtutor::cli::quiz::{GradeArgs, QuizArgs, run_grade, run_quiz};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Take a quiz, print its answer sheet, or grade a sheet
    Quiz(QuizArgs),
    /// Grade a class's answer sheets into one table
    Grade(GradeArgs),
}

fn load_all() -> Result<Vec<Quiz>, Vec<String>> {
    let mut quizzes = Vec::new();
    let mut errors = Vec::new();
    let Ok(dir) = std::fs::read_dir("quizzes") else {
        return Ok(quizzes);
    };
    let mut paths: Vec<_> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        match load_quiz_file(p) {
            Ok(q) => quizzes.push(q),
            Err(ds) => errors.extend(ds.iter().map(ToString::to_string)),
        }
    }
    if errors.is_empty() {
        Ok(quizzes)
    } else {
        Err(errors)
    }
}

fn main() {
    let cli = Cli::parse();
    let quizzes = match load_all() {
        Ok(q) => q,
        Err(lines) => {
            for l in lines {
                eprintln!("{l}");
            }
            std::process::exit(1);
        }
    };
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let code = match &cli.command {
        Command::Quiz(args) => run_quiz(args, &quizzes, &mut out, &mut err).unwrap_or_else(|| {
            eprintln!("(the quiz TUI is not part of this example; use --template or --answers)");
            1
        }),
        Command::Grade(args) => run_grade(args, &quizzes, &mut out, &mut err),
    };
    std::process::exit(code);
}
