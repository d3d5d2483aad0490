//! The FreeText grader against the calibration set (tests/data/calibration):
//! answers written the way students write them, each scored by a fair
//! teacher. The grader must be within one rubric point of the teacher for at
//! least 95 % of the answers (on the whole set, and on the held-out part
//! alone), and must never give a wrong, negated or subject-swapped statement
//! more than one point. Every FreeText question of every quiz needs at least
//! 20 answers, and the set at least 300.
//!
//! `CALIBRATION_SHOW=1 cargo test --test calibration -- --nocapture` lists the
//! tuning part's disagreements (`CALIBRATION_SHOW=all` also the held-out
//! part's).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use threadtutor::content::quiz::{Quiz, load_quiz_file};
use threadtutor::quiz::grade::{Response, grade_answer};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    answers: Vec<Answer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    question: String,
    kind: Kind,
    score: f64,
    #[serde(default)]
    held_out: bool,
    text: String,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Complete,
    Partial,
    Informal,
    Typos,
    Wrong,
    Negated,
    Swapped,
    Keywords,
}

impl Kind {
    /// A statement that is wrong as a whole: it may earn at most one point.
    fn is_wrong_statement(self) -> bool {
        match self {
            Kind::Wrong | Kind::Negated | Kind::Swapped => true,
            Kind::Complete | Kind::Partial | Kind::Informal | Kind::Typos | Kind::Keywords => false,
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn quizzes() -> Vec<Quiz> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("quizzes"))
        .expect("quizzes/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| load_quiz_file(p).unwrap_or_else(|d| panic!("{d:?}")))
        .collect()
}

fn calibration(quiz_id: &str) -> Vec<Answer> {
    let path: PathBuf = root().join(format!("tests/data/calibration/{quiz_id}.toml"));
    if !Path::new(&path).exists() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(&path).expect("read calibration file");
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.answers
}

#[derive(Default)]
struct Tally {
    n: usize,
    within_one: usize,
    exact: usize,
}

impl Tally {
    fn add(&mut self, diff: f64) {
        self.n += 1;
        if diff <= 1.0 + 1e-9 {
            self.within_one += 1;
        }
        if diff < 0.5 {
            self.exact += 1;
        }
    }
    fn rate(&self) -> f64 {
        self.within_one as f64 / self.n.max(1) as f64
    }
}

#[test]
fn freetext_grading_agrees_with_a_teacher() {
    let show = std::env::var("CALIBRATION_SHOW").ok();
    let mut tune = Tally::default();
    let mut held = Tally::default();
    let mut per_question: BTreeMap<String, usize> = BTreeMap::new();
    let mut agreement: BTreeMap<String, Tally> = BTreeMap::new();
    let mut over_credited = Vec::new();
    let (mut wrong_n, mut wrong_max) = (0usize, 0.0f64);
    for quiz in quizzes() {
        let answers = calibration(&quiz.id);
        for a in &answers {
            assert!(
                quiz.question(&a.question).is_some(),
                "{}: no question {}",
                quiz.id,
                a.question
            );
        }
        for q in &quiz.questions {
            if q.kind_name() != "FreeText" {
                continue;
            }
            let key = q.key();
            let mine: Vec<&Answer> = answers.iter().filter(|a| a.question == key).collect();
            per_question.insert(format!("{}/{key}", quiz.id), mine.len());
            for a in mine {
                assert!(
                    a.score >= 0.0 && a.score <= q.max_points(),
                    "{}/{key}: teacher score {} out of range: {}",
                    quiz.id,
                    a.score,
                    a.text
                );
                let g = grade_answer(q, Some(&Response::Text(a.text.clone())));
                let diff = (g.points - a.score).abs();
                agreement
                    .entry(format!("{}/{key}", quiz.id))
                    .or_default()
                    .add(diff);
                if a.held_out {
                    held.add(diff);
                } else {
                    tune.add(diff);
                }
                if a.kind.is_wrong_statement() {
                    wrong_n += 1;
                    wrong_max = wrong_max.max(g.points);
                }
                if a.kind.is_wrong_statement() && g.points > 1.0 + 1e-9 {
                    over_credited.push(format!(
                        "{}/{key} ({:?}) grader {} > 1: {}",
                        quiz.id, a.kind, g.points, a.text
                    ));
                }
                let visible = match show.as_deref() {
                    Some("all") => true,
                    Some(_) => !a.held_out,
                    None => false,
                };
                if visible && diff > 0.5 {
                    println!(
                        "{}{}/{key} [{:?}] teacher {} grader {}: {}\n    {}",
                        if diff > 1.0 { "!! " } else { "" },
                        quiz.id,
                        a.kind,
                        a.score,
                        g.points,
                        a.text,
                        g.feedback.join("\n    ")
                    );
                }
            }
        }
    }
    let total: usize = per_question.values().sum();
    println!(
        "calibration: {total} answers; tuning part {}/{} within one point ({:.1} %), {} exact; \
         held-out part {}/{} within one point ({:.1} %), {} exact",
        tune.within_one,
        tune.n,
        tune.rate() * 100.0,
        tune.exact,
        held.within_one,
        held.n,
        held.rate() * 100.0,
        held.exact,
    );
    for (q, t) in &agreement {
        println!(
            "| {q} | {} | {} ({:.0} %) | {} |",
            t.n,
            t.within_one,
            t.rate() * 100.0,
            t.exact
        );
    }
    println!(
        "wrong, negated or swapped statements: {wrong_n}, the most any earned: {wrong_max} point(s)"
    );
    for (q, n) in &per_question {
        assert!(*n >= 20, "{q}: only {n} calibration answers (need 20)");
    }
    assert!(total >= 300, "only {total} calibration answers (need 300)");
    assert!(
        over_credited.is_empty(),
        "wrong statements given more than one point:\n{}",
        over_credited.join("\n")
    );
    let all = (tune.within_one + held.within_one) as f64 / (tune.n + held.n) as f64;
    assert!(all >= 0.95, "only {:.1} % within one point", all * 100.0);
    assert!(
        held.rate() >= 0.95,
        "held-out part: only {:.1} % within one point",
        held.rate() * 100.0
    );
}
