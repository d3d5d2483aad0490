//! `threadtutor grade`: a row for every sheet given (unreadable ones with
//! their error), a wrong-typed answer scoring 0 with a warning, the rows of
//! maxima and averages, and item analysis worked out by hand.

use std::path::{Path, PathBuf};

use threadtutor::cli::quiz::{GradeArgs, TableFormat, run_grade};
use threadtutor::content::quiz::{Quiz, load_quiz_file};
use threadtutor::quiz::sheet::model_sheet;

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

fn args(quiz: &str, sheets: Vec<PathBuf>, format: TableFormat, items: bool) -> GradeArgs {
    GradeArgs {
        quiz: quiz.into(),
        sheets,
        format,
        items,
    }
}

fn pop_quiz_2() -> Quiz {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("quizzes");
    load_quiz_file(&dir.join("pop-quiz-2.toml")).unwrap()
}

#[test]
fn a_malformed_sheet_and_a_wrong_typed_answer_both_get_rows() {
    let q2 = pop_quiz_2();
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.toml", &model_sheet(&q2, "Good"));
    // The model sheet with one answer of the wrong type: a number for an
    // option.
    let typed = model_sheet(&q2, "Typo").replace(
        "queue-put-full = \"It blocks until another thread takes an item out, then adds it\"",
        "queue-put-full = 3",
    );
    assert!(typed.contains("queue-put-full = 3"), "{typed}");
    let wrong = write(dir.path(), "wrong.toml", &typed);
    let line = typed
        .lines()
        .position(|l| l == "queue-put-full = 3")
        .unwrap()
        + 1;
    let broken = write(
        dir.path(),
        "broken.toml",
        "student = \"Broken\"\n[answers\n",
    );
    let missing = dir.path().join("missing.toml");
    let sheets = vec![broken.clone(), wrong.clone(), good.clone(), missing.clone()];
    let (code, csv, err) = grade(
        &args("pop-quiz-2", sheets.clone(), TableFormat::Csv, false),
        std::slice::from_ref(&q2),
    );
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with(&format!("{}:2:9: ", broken.display())),
        "{}",
        lines[0]
    );
    let warning = format!(
        "{}:{line}:18: warning: question `queue-put-full` (MultipleChoice) takes an option's text, or an array of options' texts, not a number; that answer scores 0",
        wrong.display()
    );
    assert_eq!(lines[1], warning);
    assert!(
        lines[2].starts_with(&format!("{}:1:1: cannot read the file", missing.display())),
        "{}",
        lines[2]
    );

    // Every sheet has its row, in the order given, then (max) and (average).
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 4 + 2, "{csv}");
    let q = q2.questions.len();
    assert_eq!(
        rows[0],
        format!(
            "student,file,{},total,percent,error,warnings",
            q2.questions
                .iter()
                .map(|q| q.key())
                .collect::<Vec<_>>()
                .join(",")
        )
    );
    assert!(
        rows[1].starts_with(&format!(",{}{},,,", broken.display(), ",".repeat(q))),
        "{}",
        rows[1]
    );
    assert!(rows[1].contains(":2:9: "), "{}", rows[1]);
    // Wrong-typed: graded, that answer 0 (queue-put-full is question 5),
    // the rest full marks: 24 of 25.
    assert_eq!(
        rows[2],
        format!(
            "Typo,{},5,6,6,5,0,1,1,24,96.0,,\"{warning}\"",
            wrong.display()
        )
    );
    assert_eq!(
        rows[3],
        format!("Good,{},5,6,6,5,1,1,1,25,100.0,,", good.display())
    );
    assert!(
        rows[4].starts_with(&format!(",{}{},,,", missing.display(), ",".repeat(q))),
        "{}",
        rows[4]
    );
    assert!(rows[4].contains("cannot read the file"), "{}", rows[4]);
    assert_eq!(rows[5], "(max),,5,6,6,5,1,1,1,25,100.0,,");
    assert_eq!(rows[6], "(average),,5,6,6,5,0.5,1,1,24.5,98.0,,");

    // The same as JSON.
    let (code, json, _) = grade(&args("pop-quiz-2", sheets, TableFormat::Json, false), &[q2]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["graded"], 2);
    assert_eq!(v["unreadable"], 2);
    let students = v["students"].as_array().unwrap();
    assert_eq!(students.len(), 4);
    assert!(students[0]["student"].is_null());
    assert_eq!(students[0]["file"], broken.display().to_string());
    assert!(students[0]["points"].is_null());
    assert!(students[0]["total"].is_null());
    assert_eq!(students[0]["errors"].as_array().unwrap().len(), 1);
    assert_eq!(students[1]["student"], "Typo");
    assert_eq!(students[1]["total"], 24.0);
    assert_eq!(students[1]["points"][4], 0.0);
    assert_eq!(students[1]["warnings"][0], warning.as_str());
    assert_eq!(students[1]["errors"].as_array().unwrap().len(), 0);
    assert_eq!(students[2]["student"], "Good");
    assert_eq!(students[3]["file"], missing.display().to_string());
    assert_eq!(v["maximum"]["total"], 25.0);
    assert_eq!(v["average"]["total"], 24.5);
    assert_eq!(v["average"]["percent"], 98.0);
}

#[test]
fn wrong_types_of_every_shape_cost_only_their_answer() {
    let q2 = pop_quiz_2();
    let dir = tempfile::tempdir().unwrap();
    // FreeText given an array, MultipleChoice an array holding a number, a
    // Matching item a boolean, Tracing a string: each warned about with its
    // place and question, and the one right answer still counts.
    let sheet = write(
        dir.path(),
        "s.toml",
        "student = \"Ann\"\n[answers]\n\
         why-queues = [\"x\"]\n\
         queue-put-full = [\"It blocks until another thread takes an item out, then adds it\", 2]\n\
         match-primitives.\"Lock()\" = true\n\
         lock-vs-rlock = \"yes\"\n\
         put-nowait-exception = \"queue.Full\"\n",
    );
    let (code, csv, err) = grade(
        &args("pop-quiz-2", vec![sheet.clone()], TableFormat::Csv, false),
        &[q2],
    );
    assert_eq!(code, 0, "{err}");
    let s = sheet.display();
    let warning =
        |at: &str, what: &str| format!("{s}:{at}: warning: question {what}; that answer scores 0");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            warning(
                "3:14",
                "`why-queues` (FreeText) takes a string, not an array"
            ),
            warning(
                "4:18",
                "`queue-put-full` (MultipleChoice) takes an option's text, or an array of options' texts, not an array holding a number"
            ),
            warning(
                "5:29",
                "`match-primitives`: the match for `Lock()` must be a string, not a boolean"
            ),
            warning(
                "6:17",
                "`lock-vs-rlock` (Tracing) takes a table { compiles = true|false, output = \"...\", line = N }, not a string"
            ),
        ]
    );
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with("Ann,"), "{row}");
    assert!(row.contains(",0,0,0,0,0,1,0,1,4.0,,"), "{row}");
}

/// A small quiz whose figures are worked out by hand below.
const CLASS_QUIZ: &str = r#"
[[questions]]
id = "q1"
type = "MultipleChoice"
prompt.prompt = "Pick a"
answer.answer = "a"
prompt.distractors = ["b", "c"]

[[questions]]
id = "q2"
type = "MultipleChoice"
prompt.prompt = "Pick x and y"
answer.answer = ["x", "y"]
prompt.distractors = ["z"]

[[questions]]
id = "q3"
type = "ShortAnswer"
prompt.prompt = "Say yes"
answer.answer = "yes"

[[questions]]
id = "q4"
type = "MultipleChoice"
prompt.prompt = "Everyone gets this"
answer.answer = "r"
prompt.distractors = ["w"]
"#;

/// Five graded sheets, one unreadable one.
///
/// | sheet | q1    | q2        | q3        | q4    | total |
/// |-------|-------|-----------|-----------|-------|-------|
/// | Ada   | a  1  | x y  1    | yes  1    | r  1  | 4     |
/// | Bo    | a  1  | x    0    | yes  1    | r  1  | 3     |
/// | Cy    | b  0  | x y  1    | no   0    | r  1  | 2     |
/// | Di    | a  1  | x z  0    | 7 (wrong type) 0 | r 1 | 2 |
/// | Ed    | c  0  | z    0    | no   0    | r  1  | 1     |
///
/// Totals t = 4 3 2 2 1. For each question, x its points and r = t − x:
///
/// - q1: x = 1 1 0 1 0, mean 0.6 → difficulty 0.6. r = 3 2 2 1 1, mean 1.8.
///   dx = .4 .4 −.6 .4 −.6, dr = 1.2 .2 .2 −.8 −.8;
///   Σdx·dr = .48 + .08 − .12 − .32 + .48 = .6; Σdx² = 1.2; Σdr² = 2.8;
///   r = .6 / √(1.2 · 2.8) = .6 / 1.8330 = 0.327.
///   Options (file order): a 3, b 1, c 1.
/// - q2: x = 1 0 1 0 0, mean 0.4 → 0.4. r = 3 3 1 2 1, mean 2.
///   dx = .6 −.4 .6 −.4 −.4, dr = 1 1 −1 0 −1;
///   Σdx·dr = .6 − .4 − .6 + 0 + .4 = 0 → discrimination 0 (defined: both
///   vary). Options: x 4 (Ada, Bo, Cy, Di), y 2 (Ada, Cy), z 2 (Di, Ed).
/// - q3: x = 1 1 0 0 0, mean 0.4 → 0.4; answered by 4 (Di's answer had the
///   wrong type). r = 3 2 2 2 1, mean 2. dx = .6 .6 −.4 −.4 −.4,
///   dr = 1 0 0 0 −1; Σdx·dr = .6 + .4 = 1; Σdx² = 1.2; Σdr² = 2;
///   r = 1 / √2.4 = 0.645. No options (ShortAnswer).
/// - q4: x = 1 1 1 1 1 → difficulty 1, discrimination undefined (null):
///   no variance. Options: r 5, w 0.
///
/// Averages: q1 .6, q2 .4, q3 .4, q4 1, total 12 / 5 = 2.4, percent
/// (100 + 75 + 50 + 50 + 25) / 5 = 60.
const SHEETS: [(&str, &str); 6] = [
    (
        "ada.toml",
        "student = \"Ada\"\n[answers]\nq1 = \"a\"\nq2 = [\"x\", \"y\"]\nq3 = \"yes\"\nq4 = \"r\"\n",
    ),
    (
        "bo.toml",
        "student = \"Bo\"\n[answers]\nq1 = \"a\"\nq2 = [\"x\"]\nq3 = \"Yes\"\nq4 = \"r\"\n",
    ),
    ("bad.toml", "student = \"Nobody\"\n[answers]\nq1 = \n"),
    (
        "cy.toml",
        "student = \"Cy\"\n[answers]\nq1 = \"b\"\nq2 = [\"y\", \"x\"]\nq3 = \"no\"\nq4 = \"r\"\n",
    ),
    (
        "di.toml",
        "student = \"Di\"\n[answers]\nq1 = \"a\"\nq2 = [\"x\", \"z\"]\nq3 = 7\nq4 = \"r\"\n",
    ),
    (
        "ed.toml",
        "student = \"Ed\"\n[answers]\nq1 = \"c\"\nq2 = [\"z\"]\nq3 = \"no\"\nq4 = \"r\"\n",
    ),
];

fn class_files(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let quiz = write(dir, "class.toml", CLASS_QUIZ);
    let sheets = SHEETS
        .iter()
        .map(|(name, text)| write(dir, name, text))
        .collect();
    (quiz, sheets)
}

#[test]
fn item_analysis_of_a_small_class_matches_the_figures_worked_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (quiz, sheets) = class_files(dir.path());
    let quiz = quiz.display().to_string();
    let (code, json, err) = grade(&args(&quiz, sheets.clone(), TableFormat::Json, false), &[]);
    assert_eq!(code, 1, "the unreadable sheet: {err}");
    assert!(err.contains("bad.toml:3:6: "), "{err}");
    assert!(err.contains("di.toml:5:6: warning: question `q3`"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["graded"], 5);
    assert_eq!(v["unreadable"], 1);
    assert_eq!(v["students"].as_array().unwrap().len(), 6);
    assert_eq!(v["students"][2]["file"], sheets[2].display().to_string());
    let totals: Vec<f64> = v["students"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["total"].as_f64())
        .collect();
    assert_eq!(totals, [4.0, 3.0, 2.0, 2.0, 1.0]);
    assert_eq!(
        v["maximum"]["points"],
        serde_json::json!([1.0, 1.0, 1.0, 1.0])
    );
    assert_eq!(v["maximum"]["total"], 4.0);
    assert_eq!(
        v["average"],
        serde_json::json!({"points": [0.6, 0.4, 0.4, 1.0], "total": 2.4, "percent": 60.0})
    );
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let figures: Vec<(&str, f64, serde_json::Value, u64)> = items
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["difficulty"].as_f64().unwrap(),
                i["discrimination"].clone(),
                i["answered"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            ("q1", 0.6, serde_json::json!(0.327), 5),
            ("q2", 0.4, serde_json::json!(0.0), 5),
            ("q3", 0.4, serde_json::json!(0.645), 4),
            ("q4", 1.0, serde_json::Value::Null, 5),
        ]
    );
    let counts = |i: usize| -> Vec<(String, bool, u64)> {
        items[i]["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["option"].as_str().unwrap().to_string(),
                    o["correct"].as_bool().unwrap(),
                    o["chosen"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let s = |t: &str| t.to_string();
    assert_eq!(
        counts(0),
        [(s("a"), true, 3), (s("b"), false, 1), (s("c"), false, 1)]
    );
    assert_eq!(
        counts(1),
        [(s("x"), true, 4), (s("y"), true, 2), (s("z"), false, 2)]
    );
    assert!(items[2]["options"].is_null());
    assert_eq!(counts(3), [(s("r"), true, 5), (s("w"), false, 0)]);
    assert_eq!(items[0]["kind"], "MultipleChoice");
    assert_eq!(items[2]["kind"], "ShortAnswer");
    assert_eq!(items[0]["mean"], 0.6);

    // The same figures as CSV with --items.
    let (code, csv, _) = grade(&args(&quiz, sheets.clone(), TableFormat::Csv, true), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        csv,
        "question,kind,max,answered,mean,difficulty,discrimination,options\n\
         q1,MultipleChoice,1,5,0.6,0.6,0.327,a (correct): 3; b: 1; c: 1\n\
         q2,MultipleChoice,1,5,0.4,0.4,0,x (correct): 4; y (correct): 2; z: 2\n\
         q3,ShortAnswer,1,4,0.4,0.4,0.645,\n\
         q4,MultipleChoice,1,5,1,1,,r (correct): 5; w: 0\n"
    );

    // And the class table's summary rows.
    let (_, csv, _) = grade(&args(&quiz, sheets, TableFormat::Csv, false), &[]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 6 + 2, "{csv}");
    assert_eq!(rows[7], "(max),,1,1,1,1,4,100.0,,");
    assert_eq!(rows[8], "(average),,0.6,0.4,0.4,1,2.4,60.0,,");
}

#[test]
fn no_sheet_graded_leaves_averages_and_figures_undefined() {
    let dir = tempfile::tempdir().unwrap();
    let (quiz, sheets) = class_files(dir.path());
    let quiz = quiz.display().to_string();
    // Only the unreadable sheet.
    let only_bad = vec![sheets[2].clone()];
    let (code, json, _) = grade(
        &args(&quiz, only_bad.clone(), TableFormat::Json, false),
        &[],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["average"].is_null());
    assert!(v["items"][0]["difficulty"].is_null());
    assert!(v["items"][0]["discrimination"].is_null());
    assert!(v["items"][0]["mean"].is_null());
    let (_, csv, _) = grade(&args(&quiz, only_bad, TableFormat::Csv, false), &[]);
    assert_eq!(csv.lines().last(), Some("(average),,,,,,,,,"));
    // One sheet: difficulty defined, discrimination not (one pair).
    let (code, json, _) = grade(
        &args(&quiz, vec![sheets[0].clone()], TableFormat::Json, false),
        &[],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["items"][0]["difficulty"], 1.0);
    assert!(v["items"][0]["discrimination"].is_null());
}

#[test]
fn a_folder_given_as_a_sheet_gets_a_row_too() {
    let dir = tempfile::tempdir().unwrap();
    let (quiz, sheets) = class_files(dir.path());
    let quiz = quiz.display().to_string();
    let folder = dir.path().join("sub");
    std::fs::create_dir(&folder).unwrap();
    let (code, csv, err) = grade(
        &args(
            &quiz,
            vec![folder.clone(), sheets[0].clone()],
            TableFormat::Csv,
            false,
        ),
        &[],
    );
    assert_eq!(code, 1);
    let message = format!(
        "{}:1:1: cannot read the file: not a regular file (a directory)",
        folder.display()
    );
    assert_eq!(err, format!("{message}\n"));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 2 + 2, "{csv}");
    assert_eq!(rows[1], format!(",{},,,,,,,{message},", folder.display()));
    assert!(rows[2].starts_with("Ada,"), "{csv}");
    // The average is Ada's alone.
    assert_eq!(rows[4], "(average),,1,1,1,1,4,100.0,,");
}
