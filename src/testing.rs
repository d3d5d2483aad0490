//! Set-ups shared by the benchmarks, the examples and the tests, so that
//! each measures the same thing: e.g. a class of answer sheets to grade.
//! Not used by the program itself.

use crate::content::quiz::{QuestionKind, Quiz};
use crate::quiz::sheet::{model_sheet, toml_string};
use crate::rng::SplitMix64;

/// The texts of a class of `size` answer sheets for `quiz`: the model sheet
/// first, then plausible students' sheets ([`student_sheet`]) drawn from
/// `seed`. The same seed gives the same class.
pub fn class_sheets(quiz: &Quiz, size: usize, seed: u64) -> Vec<String> {
    let mut rng = SplitMix64::new(seed);
    let mut texts: Vec<String> = (0..size)
        .map(|n| student_sheet(quiz, n, &mut rng))
        .collect();
    if let Some(first) = texts.first_mut() {
        *first = model_sheet(quiz, "Model");
    }
    texts
}

/// A plausible student's sheet: each answer right, half right, wrong or blank.
pub fn student_sheet(quiz: &Quiz, n: usize, rng: &mut SplitMix64) -> String {
    let mut out = format!("student = \"Student {n}\"\n[answers]\n");
    for q in &quiz.questions {
        let key = q.key();
        let mood = rng.below(4); // 0 right, 1 partly, 2 wrong, 3 blank
        if mood == 3 {
            continue;
        }
        match &q.kind {
            QuestionKind::FreeText(f) => {
                let sentences: Vec<&str> = f.model_answer.split_inclusive(['.', '\n']).collect();
                let mut text = String::from("Well, I think that ");
                for s in &sentences {
                    if mood == 0 || (mood == 1 && rng.below(2) == 0) {
                        text.push_str(s);
                    } else {
                        text.push_str(" something about threads and timing. ");
                    }
                }
                out.push_str(&format!("{key} = {}\n", toml_string(&text)));
            }
            QuestionKind::MultipleChoice(mc) => {
                let pick = if mood == 0 {
                    &mc.answers[0]
                } else {
                    &mc.distractors[0]
                };
                out.push_str(&format!("{key} = {}\n", toml_string(pick)));
            }
            QuestionKind::ShortAnswer(sa) => {
                let a = if mood == 0 {
                    sa.answer.to_uppercase()
                } else {
                    "no idea".into()
                };
                out.push_str(&format!("{key} = {}\n", toml_string(&a)));
            }
            QuestionKind::Tracing(t) => {
                let stdout = t.stdout.clone().unwrap_or_default();
                out.push_str(&format!(
                    "{key} = {{ compiles = {}, output = {} }}\n",
                    t.does_compile == (mood == 0),
                    toml_string(&stdout)
                ));
            }
            QuestionKind::Matching(m) => {
                for (i, (l, r)) in m.pairs.iter().enumerate() {
                    let r = if mood == 0 || i % 2 == 0 {
                        r
                    } else {
                        &m.pairs[0].1
                    };
                    out.push_str(&format!("{key}.{} = {}\n", toml_string(l), toml_string(r)));
                }
            }
            QuestionKind::Ordering(o) => {
                let mut steps = o.steps.clone();
                if mood != 0 {
                    steps.reverse();
                }
                let list: Vec<String> = steps.iter().map(|s| toml_string(s)).collect();
                out.push_str(&format!("{key} = [{}]\n", list.join(", ")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::grade::grade_sheet;
    use crate::quiz::sheet::parse_sheet;

    #[test]
    fn a_class_parses_and_its_grades_spread() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("quizzes/pop-quiz-2.toml");
        let quiz = crate::content::quiz::load_quiz_file(&path).expect("pop-quiz-2 loads");
        let texts = class_sheets(&quiz, 40, 7);
        assert_eq!(texts, class_sheets(&quiz, 40, 7));
        let scores: Vec<f64> = texts
            .iter()
            .map(|t| grade_sheet(&quiz, &parse_sheet("sheet.toml", t, &quiz).unwrap()).score)
            .collect();
        let best = scores.iter().cloned().fold(f64::MIN, f64::max);
        let worst = scores.iter().cloned().fold(f64::MAX, f64::min);
        assert_eq!(scores[0], best, "the model sheet scores best: {scores:?}");
        assert!(worst < best, "every sheet scored the same: {scores:?}");
    }
}
