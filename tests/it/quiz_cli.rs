//! The classroom commands through their functions: `quiz --template`,
//! `quiz --answers [--json]` and `grade` with CSV and JSON tables; answer
//! sheet errors with exact positions.

use std::path::{Path, PathBuf};

use clap::Parser;
use threadtutor::cli::quiz::{GradeArgs, QuizArgs, TableFormat, run_grade, run_quiz};
use threadtutor::content::quiz::{QuestionKind, Quiz, load_quiz_file};
use threadtutor::quiz::sheet::{model_sheet, parse_sheet, template};

fn quizzes() -> Vec<Quiz> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("quizzes");
    (1..=3)
        .map(|n| load_quiz_file(&dir.join(format!("pop-quiz-{n}.toml"))).unwrap())
        .collect()
}

fn quiz_args(quiz: &str) -> QuizArgs {
    QuizArgs {
        quiz: quiz.into(),
        template: false,
        answers: None,
        json: false,
        seed: None,
    }
}

/// Run `quiz` and return (exit code, stdout, stderr).
fn quiz(args: &QuizArgs, quizzes: &[Quiz]) -> (Option<i32>, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_quiz(args, quizzes, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn grade(args: &GradeArgs, quizzes: &[Quiz]) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_grade(args, quizzes, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A student fills in a template the way a person would: answers copied
/// from the quiz into the TOML the template gives.
fn fill(template: &str, quiz: &Quiz, student: &str) -> String {
    let mut sheet: toml::Table = toml::from_str(template).unwrap();
    sheet.insert("student".into(), student.into());
    let answers = sheet["answers"].as_table_mut().unwrap();
    for q in &quiz.questions {
        let key = q.key();
        assert!(answers.contains_key(&key), "the template has no `{key}`");
        let value: toml::Value = match &q.kind {
            QuestionKind::MultipleChoice(mc) if mc.multiple => {
                toml::Value::Array(mc.answers.iter().map(|a| a.as_str().into()).collect())
            }
            QuestionKind::MultipleChoice(mc) => mc.answers[0].as_str().into(),
            QuestionKind::ShortAnswer(sa) => sa.answer.as_str().into(),
            QuestionKind::FreeText(f) => f.model_answer.as_str().into(),
            QuestionKind::Tracing(t) => {
                let mut tb = toml::Table::new();
                tb.insert("compiles".into(), t.does_compile.into());
                tb.insert("output".into(), t.stdout.clone().unwrap_or_default().into());
                if let Some(n) = t.line_number {
                    tb.insert("line".into(), (n as i64).into());
                }
                tb.into()
            }
            QuestionKind::Matching(m) => {
                let table = answers[&key].as_table().unwrap().clone();
                assert_eq!(table.len(), m.pairs.len());
                m.pairs
                    .iter()
                    .map(|(l, r)| (l.clone(), toml::Value::from(r.as_str())))
                    .collect::<toml::Table>()
                    .into()
            }
            QuestionKind::Ordering(o) => {
                toml::Value::Array(o.steps.iter().map(|s| s.as_str().into()).collect())
            }
        };
        answers.insert(key, value);
    }
    toml::to_string(&sheet).unwrap()
}

#[test]
fn template_fill_grade_round_trip() {
    let qs = quizzes();
    let dir = tempfile::tempdir().unwrap();
    for quiz in &qs {
        let mut args = quiz_args(&quiz.id);
        args.template = true;
        args.seed = Some(7);
        let (code, tpl, err) = self::quiz(&args, &qs);
        assert_eq!((code, err.as_str()), (Some(0), ""));
        // The same seed gives the same template; the sheet is valid TOML.
        assert_eq!(self::quiz(&args, &qs).1, tpl);
        let sheet = write(dir.path(), "ada.toml", &fill(&tpl, quiz, "Ada"));
        let mut args = quiz_args(&quiz.id);
        args.answers = Some(sheet);
        let (code, report, err) = self::quiz(&args, &qs);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{report}");
        let max = threadtutor::quiz::report::format_points(quiz.max_points());
        assert!(
            report.contains(&format!("Score: {max} / {max} (100.0%)")),
            "{report}"
        );
        assert!(report.ends_with("Everything right.\n"), "{report}");
    }
}

#[test]
fn template_lists_options_a_student_can_copy() {
    let qs = quizzes();
    let pq1 = &qs[0];
    let tpl = template(pq1, 1);
    assert!(tpl.starts_with("# Answer sheet for \"Pop Quiz 1\""));
    // The option as the template shows it, without its Markdown.
    let shown = tpl
        .lines()
        .find(|l| l.contains("LOAD_NAME total (the read)"))
        .unwrap()
        .trim_start_matches('#')
        .trim();
    assert_eq!(
        shown,
        "\"Between LOAD_NAME total (the read) and STORE_NAME total (the write)\""
    );
    let text = format!("student = \"Bo\"\n[answers]\ngil-dis-pair = {shown}\n");
    let sheet = parse_sheet("bo.toml", &text, pq1).unwrap();
    let g = threadtutor::quiz::grade::grade_sheet(pq1, &sheet);
    assert!(g.questions[6].correct);
    // Tracing programs are listed with line numbers.
    assert!(tpl.contains("#     9 | t.start()\n"), "{tpl}");
    // Different seeds shuffle differently, but list the same options.
    let other = template(pq1, 2);
    assert_ne!(tpl, other);
    let options = |t: &str| {
        let mut v: Vec<String> = t
            .lines()
            .filter(|l| l.starts_with("#      \""))
            .map(String::from)
            .collect();
        v.sort();
        v
    };
    assert_eq!(options(&tpl), options(&other));
}

#[test]
fn one_sheet_as_text_and_json() {
    let qs = quizzes();
    let dir = tempfile::tempdir().unwrap();
    let sheet = write(
        dir.path(),
        "cy.toml",
        "quiz = \"pop-quiz-2\"\nstudent = \"Cy\"\n\n[answers]\n\
         why-queues = \"Queues are thread-safe and simple.\"\n\
         queue-put-full = \"It raises `queue.Full` at once\"\n\
         put-nowait-exception = \"queue.Full\"\n",
    );
    let mut args = quiz_args("pop-quiz-2");
    args.answers = Some(sheet);
    let (code, report, _) = quiz(&args, &qs);
    assert_eq!(code, Some(0));
    assert!(report.starts_with("Pop Quiz 2 — Cy\n"), "{report}");
    assert!(
        report.contains("  4. why-queues                2/5   partly right\n"),
        "{report}"
    );
    assert!(report.contains("       found: thread-safe: the queue does the locking (data protection) for you; simple: one object instead of locks plus conditions, hard to get wrong\n"), "{report}");
    assert!(
        report.contains("  5. queue-put-full            0/1   wrong\n"),
        "{report}"
    );
    assert!(
        report
            .contains("         It blocks until another thread takes an item out, then adds it\n"),
        "{report}"
    );
    assert!(
        report.contains("  1. brute-force-threads       0/5   not answered\n"),
        "{report}"
    );
    assert!(report.contains("\nScore: 3 / 25 (12.0%)\n"), "{report}");
    assert!(report.contains("To retry: brute-force-threads, primitive-uses, match-primitives, why-queues, queue-put-full, lock-vs-rlock\n"), "{report}");

    args.json = true;
    let (code, json, _) = quiz(&args, &qs);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5);
    for k in ["quiz", "student", "score", "max", "questions"] {
        assert!(keys.contains(&k));
    }
    assert_eq!(v["quiz"], "pop-quiz-2");
    assert_eq!(v["student"], "Cy");
    assert_eq!(v["score"], 3.0);
    assert_eq!(v["max"], 25.0);
    let q = &v["questions"][3];
    assert_eq!(q["id"], "why-queues");
    assert_eq!(q["points"], 2.0);
    assert_eq!(q["max"], 5.0);
    assert_eq!(q["correct"], false);
    assert_eq!(q["missed"].as_array().unwrap().len(), 3);
    assert_eq!(q.as_object().unwrap().len(), 5);
}

#[test]
fn class_table_csv_and_json() {
    let qs = quizzes();
    let q3 = &qs[2];
    let dir = tempfile::tempdir().unwrap();
    let full = write(dir.path(), "ann.toml", &model_sheet(q3, "Ann"));
    let some = write(
        dir.path(),
        "ben.toml",
        "student = \"Ben, Jr.\"\n[answers]\npass-through-exceptions = [\"`SystemExit`\", \"`KeyboardInterrupt`\"]\n\
         5.compiles = true\n5.output = \"main thread carries on\\n\"\n\
         handle-exceptions = \"Always release locks in a finally block.\"\n",
    );
    let blank = write(dir.path(), "eve.toml", "student = \"=Eve\"\n");
    let mut args = GradeArgs {
        quiz: "pop-quiz-3".into(),
        sheets: vec![full, some, blank],
        format: TableFormat::Csv,
        items: false,
    };
    let (code, csv, err) = grade(&args, &qs);
    assert_eq!((code, err.as_str()), (0, ""));
    let d = dir.path().display();
    assert_eq!(
        csv,
        format!(
            "student,file,handle-exceptions,pass-through-exceptions,worker-shutdown-order,finally-releases-lock,thread-exception-main,total,percent,error,warnings\n\
             Ann,{d}/ann.toml,6,1,5,1,1,14,100.0,,\n\
             \"Ben, Jr.\",{d}/ben.toml,2,1,0,0,1,4,28.6,,\n\
             '=Eve,{d}/eve.toml,0,0,0,0,0,0,0.0,,\n\
             (max),,6,1,5,1,1,14,100.0,,\n\
             (average),,2.667,0.667,1.667,0.333,0.667,6,42.9,,\n"
        )
    );
    args.format = TableFormat::Json;
    let (code, json, _) = grade(&args, &qs);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["quiz"], "pop-quiz-3");
    assert_eq!(v["max"], 14.0);
    assert_eq!(v["questions"][0]["id"], "handle-exceptions");
    assert_eq!(v["questions"][0]["max"], 6.0);
    assert_eq!(v["students"][1]["student"], "Ben, Jr.");
    assert_eq!(
        v["students"][1]["points"],
        serde_json::json!([2.0, 1.0, 0.0, 0.0, 1.0])
    );
    assert_eq!(v["students"][1]["total"], 4.0);
    assert_eq!(v["students"][1]["percent"], 28.6);
    assert_eq!(v["students"].as_array().unwrap().len(), 3);
}

#[test]
fn a_malformed_sheet_is_reported_and_the_others_still_graded() {
    let qs = quizzes();
    let q2 = &qs[1];
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.toml", &model_sheet(q2, "Good"));
    let bad = write(
        dir.path(),
        "bad.toml",
        "student = \"Bad\"\n[answers]\nwhy-queues = \"fine\"\nqueue-put-full = 3\n",
    );
    let broken = write(
        dir.path(),
        "broken.toml",
        "student = \"Broken\"\n[answers\n",
    );
    let missing = dir.path().join("missing.toml");
    let args = GradeArgs {
        quiz: "pop-quiz-2".into(),
        sheets: vec![bad.clone(), good.clone(), broken.clone(), missing.clone()],
        format: TableFormat::Csv,
        items: false,
    };
    let (code, csv, err) = grade(&args, &qs);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(
        lines[0],
        format!(
            "{}:4:18: warning: question `queue-put-full` (MultipleChoice) takes an option's text, or an array of options' texts, not a number; that answer scores 0",
            bad.display()
        )
    );
    assert!(
        lines[1].starts_with(&format!("{}:2:9: ", broken.display())),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!("{}:1:1: cannot read the file", missing.display())),
        "{}",
        lines[2]
    );
    // Every sheet has a row (see grade_class.rs for the rows themselves);
    // the wrong-typed answer cost only itself.
    assert_eq!(csv.lines().count(), 1 + 4 + 2, "{csv}");
    assert!(
        csv.contains(&format!(
            "\nGood,{},5,6,6,5,1,1,1,25,100.0,,\n",
            good.display()
        )),
        "{csv}"
    );
}

#[test]
fn sheet_errors_have_exact_positions() {
    let qs = quizzes();
    let q1 = &qs[0];
    let problems = |text: &str| -> Vec<String> {
        parse_sheet("s.toml", text, q1)
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        problems("[answers]\n"),
        ["s.toml:1:1: missing `student = \"NAME\"`"]
    );
    assert_eq!(
        problems("student = \"  \"\n"),
        ["s.toml:1:11: `student` is empty: write the student's name"]
    );
    assert_eq!(
        problems("student = \"A\"\nquiz = \"pop-quiz-2\"\n"),
        ["s.toml:2:8: this sheet is for quiz `pop-quiz-2`, not `pop-quiz-1`"]
    );
    assert_eq!(
        problems("student = \"A\"\nteacher = \"B\"\n"),
        ["s.toml:2:1: unknown field `teacher`, expected one of `student`, `quiz`, `answers`"]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nwhat-is-git = \"x\"\n42 = \"y\"\n"),
        [
            "s.toml:3:1: quiz `pop-quiz-1` has no question `what-is-git`",
            "s.toml:4:1: quiz `pop-quiz-1` has no question `42`",
        ]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nwhat-is-gil = \"x\"\n2 = \"y\"\n"),
        ["s.toml:4:1: question 2 is answered twice (as `what-is-gil` and as `2`)"]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nwhat-is-gil = [\"x\"]\n"),
        ["s.toml:3:15: question `what-is-gil` (FreeText) takes a string, not an array"]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nthread-order-output = [\"a\", 1]\n"),
        [
            "s.toml:3:23: question `thread-order-output` (MultipleChoice) takes an option's text, or an array of options' texts, not an array holding a number"
        ]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nstart-twice = { compiles = \"yes\" }\n"),
        ["s.toml:3:28: question `start-twice`: `compiles` must be true or false, not a string"]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nstart-twice = { output = \"x\" }\n"),
        [
            "s.toml:3:17: question `start-twice`: a Tracing answer needs `compiles = true` or `compiles = false`"
        ]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nstart-twice = { compiles = false, lines = 9 }\n"),
        [
            "s.toml:3:35: question `start-twice`: unknown key `lines` (expected compiles, output, line)"
        ]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nstart-twice = { compiles = false, line = -1 }\n"),
        [
            "s.toml:3:42: question `start-twice`: `line` must be a line number (1, 2, ...), not a negative number"
        ]
    );
    assert_eq!(
        problems("student = \"A\"\n[answers]\nis-alive-name = 1979-05-27\n"),
        ["s.toml:3:17: a date or time is not allowed here (put text in quotes)"]
    );
    // The blank template's Tracing answer (no `compiles` yet) is unanswered.
    let blank = parse_sheet(
        "s.toml",
        "student = \"A\"\n[answers]\nstart-twice.output = \"\"\"\n\"\"\"\n",
        q1,
    )
    .unwrap();
    assert!(blank.responses.iter().all(Option::is_none));
    // A good sheet: by id, by position, a multi-line FreeText answer.
    let ok = parse_sheet(
        "s.toml",
        "student = \"A\"\n[answers]\n1 = \"\"\"\nThreads share memory.\n\"\"\"\nstart-twice = { compiles = false, line = 9, output = \"working\" }\n",
        q1,
    )
    .unwrap();
    assert_eq!(ok.responses.iter().filter(|r| r.is_some()).count(), 2);
}

#[test]
fn quiz_command_edges() {
    let qs = quizzes();
    // No non-interactive flag: the caller starts the TUI.
    assert_eq!(quiz(&quiz_args("pop-quiz-1"), &qs).0, None);
    let (code, out, err) = quiz(&quiz_args("pop-quiz-9"), &qs);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert_eq!(
        err,
        "threadtutor: unknown quiz `pop-quiz-9` (known: pop-quiz-1, pop-quiz-2, pop-quiz-3); a quiz file's path must end in .toml\n"
    );
    let (code, _, err) = quiz(&quiz_args("nowhere/quiz.toml"), &qs);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("nowhere/quiz.toml:1:1: cannot read the file"),
        "{err}"
    );
    let mut args = quiz_args("pop-quiz-1");
    args.answers = Some("nowhere/sheet.toml".into());
    let (code, _, err) = quiz(&args, &qs);
    assert_eq!(code, Some(1));
    assert_eq!(err.lines().count(), 1);

    // Flags as clap parses them.
    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        quiz: QuizArgs,
    }
    let parsed = Cli::try_parse_from([
        "t",
        "pop-quiz-1",
        "--answers",
        "a.toml",
        "--json",
        "--seed",
        "5",
    ])
    .unwrap();
    assert_eq!(parsed.quiz.answers.as_deref(), Some(Path::new("a.toml")));
    assert!(parsed.quiz.json);
    assert_eq!(parsed.quiz.seed, Some(5));
    assert!(Cli::try_parse_from(["t", "pop-quiz-1", "--json"]).is_err());
    assert!(Cli::try_parse_from(["t", "pop-quiz-1", "--template", "--answers", "a.toml"]).is_err());
    #[derive(Parser, Debug)]
    struct GradeCli {
        #[command(flatten)]
        grade: GradeArgs,
    }
    let g = GradeCli::try_parse_from(["t", "--quiz", "q", "a.toml", "b.toml"]).unwrap();
    assert_eq!(g.grade.format, TableFormat::Csv);
    assert_eq!(g.grade.sheets.len(), 2);
    assert!(GradeCli::try_parse_from(["t", "--quiz", "q"]).is_err());
    assert!(GradeCli::try_parse_from(["t", "--quiz", "q", "a.toml", "--format", "xml"]).is_err());
}

#[test]
fn a_student_in_two_sheets_gets_a_warning_not_a_failure() {
    let qs = quizzes();
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", "student = \"Sam\"\n");
    let b = write(dir.path(), "b.toml", "student = \"Sam\"\n");
    let args = GradeArgs {
        quiz: "pop-quiz-3".into(),
        sheets: vec![a.clone(), b.clone()],
        format: TableFormat::Csv,
        items: false,
    };
    let (code, csv, err) = grade(&args, &qs);
    assert_eq!(code, 0);
    assert_eq!(csv.lines().count(), 1 + 2 + 2);
    assert_eq!(
        err,
        format!(
            "threadtutor: warning: student `Sam` is in both {} and {}\n",
            a.display(),
            b.display()
        )
    );
}
