//! The class table of `threadtutor grade`: a row for every sheet given (a
//! sheet that could not be read gets a row with its file and the error), a
//! row of each question's maximum, a row of class averages, and (JSON, or
//! CSV with `--items`) the item analysis of [`super::items`]. Pure: the
//! caller reads the sheets and prints the text.
//!
//! The formats are a contract, documented in `docs/quiz-format.md` ("grade").

use serde::Serialize;

use super::grade::SheetGrade;
use super::items::{Item, analyse, round3};
use crate::content::quiz::{Quiz, format_points};

/// One sheet given to `grade`.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetRow {
    /// Read and graded; `warnings` are the answers of the wrong type that
    /// scored 0 (`path:line:col: ...` each).
    Graded {
        file: String,
        grade: SheetGrade,
        warnings: Vec<String>,
    },
    /// Could not be read or parsed: its `path:line:col: ...` errors.
    Unreadable { file: String, errors: Vec<String> },
}

impl SheetRow {
    fn graded(&self) -> Option<&SheetGrade> {
        match self {
            SheetRow::Graded { grade, .. } => Some(grade),
            SheetRow::Unreadable { .. } => None,
        }
    }
}

/// A figure with up to 3 decimals, or an empty cell.
fn figure(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{}", round3(x)))
}

/// A CSV field, quoted when it must be. A leading `= + - @` (a formula to a
/// spreadsheet) is defused with a `'`.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The maximum and average rows: per question, total, percent.
struct Summary {
    points: Vec<f64>,
    total: f64,
    percent: f64,
}

fn maximum(quiz: &Quiz) -> Summary {
    Summary {
        points: quiz.questions.iter().map(|q| q.max_points()).collect(),
        total: quiz.max_points(),
        percent: 100.0,
    }
}

/// Class averages over the graded sheets (`None` when none was graded).
fn average(quiz: &Quiz, graded: &[&SheetGrade]) -> Option<Summary> {
    if graded.is_empty() {
        return None;
    }
    let n = graded.len() as f64;
    let mean = |f: &dyn Fn(&SheetGrade) -> f64| graded.iter().map(|g| f(g)).sum::<f64>() / n;
    Some(Summary {
        points: (0..quiz.questions.len())
            .map(|i| round3(mean(&|g| g.questions.get(i).map_or(0.0, |q| q.points))))
            .collect(),
        total: round3(mean(&|g| g.score)),
        percent: (mean(&|g| g.percent()) * 10.0).round() / 10.0,
    })
}

/// The class table as CSV. Columns: `student`, `file`, one per question (the
/// header names it by id), `total`, `percent`, `error`, `warnings`. One row
/// per sheet in the order given (an unreadable sheet: only `file` and
/// `error`), then `(max)` and `(average)` rows, whose `file` is empty.
pub fn class_csv(quiz: &Quiz, rows: &[SheetRow]) -> String {
    let mut out = String::from("student,file");
    for q in &quiz.questions {
        out.push(',');
        out.push_str(&csv_field(&q.key()));
    }
    out.push_str(",total,percent,error,warnings\n");
    let blank_points = ",".repeat(quiz.questions.len());
    for row in rows {
        match row {
            SheetRow::Graded {
                file,
                grade,
                warnings,
            } => {
                out.push_str(&csv_field(&grade.student));
                out.push(',');
                out.push_str(&csv_field(file));
                for q in &grade.questions {
                    out.push(',');
                    out.push_str(&format_points(q.points));
                }
                out.push_str(&format!(
                    ",{},{:.1},,{}\n",
                    format_points(grade.score),
                    grade.percent(),
                    csv_field(&warnings.join("; "))
                ));
            }
            SheetRow::Unreadable { file, errors } => {
                out.push(',');
                out.push_str(&csv_field(file));
                out.push_str(&blank_points);
                out.push_str(&format!(",,,{},\n", csv_field(&errors.join("; "))));
            }
        }
    }
    let summary_row = |out: &mut String, label: &str, s: Option<&Summary>| {
        out.push_str(label);
        out.push(',');
        match s {
            Some(s) => {
                for p in &s.points {
                    out.push(',');
                    out.push_str(&figure(Some(*p)));
                }
                out.push_str(&format!(",{},{:.1},,\n", figure(Some(s.total)), s.percent));
            }
            None => {
                out.push_str(&blank_points);
                out.push_str(",,,,\n");
            }
        }
    };
    let graded: Vec<&SheetGrade> = rows.iter().filter_map(SheetRow::graded).collect();
    summary_row(&mut out, "(max)", Some(&maximum(quiz)));
    summary_row(&mut out, "(average)", average(quiz, &graded).as_ref());
    out
}

/// The item analysis as CSV: `question`, `kind`, `max`, `answered`, `mean`,
/// `difficulty`, `discrimination`, `options` (MultipleChoice: each option
/// with how many chose it, `text (correct): n; text: n`). An undefined
/// figure is an empty cell.
pub fn items_csv(quiz: &Quiz, rows: &[SheetRow]) -> String {
    let graded: Vec<&SheetGrade> = rows.iter().filter_map(SheetRow::graded).collect();
    let mut out =
        String::from("question,kind,max,answered,mean,difficulty,discrimination,options\n");
    for item in analyse(quiz, &graded) {
        let options = item.options.as_ref().map_or(String::new(), |opts| {
            opts.iter()
                .map(|o| {
                    format!(
                        "{}{}: {}",
                        o.option,
                        if o.correct { " (correct)" } else { "" },
                        o.chosen
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            csv_field(&item.id),
            item.kind,
            format_points(item.max),
            item.answered,
            figure(item.mean),
            figure(item.difficulty),
            figure(item.discrimination),
            csv_field(&options)
        ));
    }
    out
}

#[derive(Serialize)]
struct ClassJson<'a> {
    quiz: &'a str,
    max: f64,
    questions: Vec<ClassQuestion>,
    graded: usize,
    unreadable: usize,
    students: Vec<StudentJson<'a>>,
    maximum: SummaryJson,
    average: Option<SummaryJson>,
    items: Vec<ItemJson>,
}

#[derive(Serialize)]
struct ClassQuestion {
    id: String,
    max: f64,
}

#[derive(Serialize)]
struct StudentJson<'a> {
    student: Option<&'a str>,
    file: &'a str,
    points: Option<Vec<f64>>,
    total: Option<f64>,
    percent: Option<f64>,
    errors: &'a [String],
    warnings: &'a [String],
}

#[derive(Serialize)]
struct SummaryJson {
    points: Vec<f64>,
    total: f64,
    percent: f64,
}

#[derive(Serialize)]
struct ItemJson {
    id: String,
    kind: &'static str,
    max: f64,
    answered: usize,
    mean: Option<f64>,
    difficulty: Option<f64>,
    discrimination: Option<f64>,
    options: Option<Vec<OptionJson>>,
}

#[derive(Serialize)]
struct OptionJson {
    option: String,
    correct: bool,
    chosen: usize,
}

impl From<Summary> for SummaryJson {
    fn from(s: Summary) -> Self {
        SummaryJson {
            points: s.points,
            total: s.total,
            percent: s.percent,
        }
    }
}

impl From<Item> for ItemJson {
    fn from(i: Item) -> Self {
        ItemJson {
            id: i.id,
            kind: i.kind,
            max: i.max,
            answered: i.answered,
            mean: i.mean,
            difficulty: i.difficulty,
            discrimination: i.discrimination,
            options: i.options.map(|os| {
                os.into_iter()
                    .map(|o| OptionJson {
                        option: o.option,
                        correct: o.correct,
                        chosen: o.chosen,
                    })
                    .collect()
            }),
        }
    }
}

/// The class table as JSON (keys in `docs/quiz-format.md`, "grade").
pub fn class_json(quiz: &Quiz, rows: &[SheetRow]) -> String {
    const NONE: &[String] = &[];
    let graded: Vec<&SheetGrade> = rows.iter().filter_map(SheetRow::graded).collect();
    let table = ClassJson {
        quiz: &quiz.id,
        max: quiz.max_points(),
        questions: quiz
            .questions
            .iter()
            .map(|q| ClassQuestion {
                id: q.key(),
                max: q.max_points(),
            })
            .collect(),
        graded: graded.len(),
        unreadable: rows.len() - graded.len(),
        students: rows
            .iter()
            .map(|row| match row {
                SheetRow::Graded {
                    file,
                    grade,
                    warnings,
                } => StudentJson {
                    student: Some(&grade.student),
                    file,
                    points: Some(grade.questions.iter().map(|q| q.points).collect()),
                    total: Some(grade.score),
                    percent: Some((grade.percent() * 10.0).round() / 10.0),
                    errors: NONE,
                    warnings,
                },
                SheetRow::Unreadable { file, errors } => StudentJson {
                    student: None,
                    file,
                    points: None,
                    total: None,
                    percent: None,
                    errors,
                    warnings: NONE,
                },
            })
            .collect(),
        maximum: maximum(quiz).into(),
        average: average(quiz, &graded).map(Into::into),
        items: analyse(quiz, &graded).into_iter().map(Into::into).collect(),
    };
    serde_json::to_string_pretty(&table).unwrap_or_default()
}
