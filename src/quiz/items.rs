//! Item analysis of a class's graded sheets: how hard each question was and
//! how well it tells stronger students from weaker ones. Pure.
//!
//! For question `q` over the `n` graded sheets, with `x_s` the points sheet
//! `s` scored on `q` and `t_s` its total:
//! - `mean`: the mean of `x_s`.
//! - `difficulty`: `mean / max` — the mean fraction of the points (1: everyone
//!   got it right; 0: nobody did). `None` without sheets or when the
//!   question is worth nothing.
//! - `discrimination`: the Pearson correlation of `x_s` with the rest of the
//!   total, `t_s - x_s` (the "corrected item-total correlation": the
//!   question's own points are left out so it is not correlated with
//!   itself). `None` when it is undefined: fewer than two sheets, or either
//!   side the same for every sheet (zero variance).
//! - `options` (MultipleChoice only): how many sheets chose each option, in
//!   the quiz's file order (the correct answers first).
//!
//! Figures are rounded to 3 decimals.

use super::grade::{Response, SheetGrade, resolve_option};
use crate::content::quiz::{QuestionKind, Quiz, option_line};

/// One question's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The question's key (id, or 1-based position).
    pub id: String,
    /// The question's type name (`MultipleChoice`, ...).
    pub kind: &'static str,
    pub max: f64,
    /// Sheets that answered it (an unanswered question scores 0 and still
    /// counts in the figures below).
    pub answered: usize,
    pub mean: Option<f64>,
    pub difficulty: Option<f64>,
    pub discrimination: Option<f64>,
    /// MultipleChoice: each option with the number of sheets that chose it.
    pub options: Option<Vec<OptionCount>>,
}

/// How many sheets chose one option of a MultipleChoice question.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionCount {
    /// The option as plain text.
    pub option: String,
    /// Is it one of the correct answers?
    pub correct: bool,
    pub chosen: usize,
}

/// Round to 3 decimals (and never `-0`).
pub fn round3(x: f64) -> f64 {
    let r = (x * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The Pearson correlation of two equally long series; `None` with fewer
/// than two pairs or when either series does not vary.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 2 || ys.len() != n {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        let (dx, dy) = (x - mx, y - my);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    // Points are sums of small author-given numbers: a variance this small
    // is float noise, not spread.
    const EPS: f64 = 1e-9;
    if sxx <= EPS || syy <= EPS {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// The option indexes (into [`crate::content::quiz::MultipleChoice::options`])
/// a response chose, each once.
fn chosen(options: &[&str], r: &Response) -> Vec<usize> {
    let picks: Vec<&str> = match r {
        Response::Text(t) => vec![t.as_str()],
        Response::Choices(c) => c.iter().map(String::as_str).collect(),
        Response::Trace(_) | Response::Pairs(_) | Response::Order(_) => Vec::new(),
    };
    let mut out: Vec<usize> = picks
        .iter()
        .filter(|p| !p.trim().is_empty())
        .filter_map(|p| resolve_option(options, p))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The item analysis of `quiz` over `sheets` (graded sheets of that quiz).
pub fn analyse(quiz: &Quiz, sheets: &[&SheetGrade]) -> Vec<Item> {
    let n = sheets.len();
    quiz.questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let max = q.max_points();
            let xs: Vec<f64> = sheets
                .iter()
                .map(|s| s.questions.get(i).map_or(0.0, |g| g.points))
                .collect();
            let rest: Vec<f64> = sheets.iter().zip(&xs).map(|(s, x)| s.score - x).collect();
            let answered = sheets
                .iter()
                .filter(|s| s.questions.get(i).is_some_and(|g| g.answered))
                .count();
            let mean = (n > 0).then(|| xs.iter().sum::<f64>() / n as f64);
            let difficulty = mean.filter(|_| max > 0.0).map(|m| round3(m / max));
            let options = match &q.kind {
                QuestionKind::MultipleChoice(mc) => {
                    let opts = mc.options();
                    let mut counts = vec![0usize; opts.len()];
                    for s in sheets {
                        if let Some(Some(r)) = s.responses.get(i) {
                            for k in chosen(&opts, r) {
                                counts[k] += 1;
                            }
                        }
                    }
                    Some(
                        opts.iter()
                            .zip(counts)
                            .enumerate()
                            .map(|(k, (o, chosen))| OptionCount {
                                option: option_line(o),
                                correct: k < mc.answers.len(),
                                chosen,
                            })
                            .collect(),
                    )
                }
                QuestionKind::ShortAnswer(_)
                | QuestionKind::Tracing(_)
                | QuestionKind::FreeText(_)
                | QuestionKind::Matching(_)
                | QuestionKind::Ordering(_) => None,
            };
            Item {
                id: q.key(),
                kind: q.kind_name(),
                max,
                answered,
                mean: mean.map(round3),
                difficulty,
                discrimination: pearson(&xs, &rest).map(round3),
                options,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_by_hand() {
        // x = 1 0 1, y = 2 1 0: means 2/3 and 1; deviations (1/3, -2/3,
        // 1/3) and (1, 0, -1): sxy = 0, so r = 0.
        assert_eq!(pearson(&[1.0, 0.0, 1.0], &[2.0, 1.0, 0.0]), Some(0.0));
        // A perfect line, and its mirror (to float precision).
        let r = |xs: &[f64], ys: &[f64]| pearson(xs, ys).map(round3);
        assert_eq!(r(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), Some(1.0));
        assert_eq!(r(&[1.0, 2.0, 3.0], &[6.0, 4.0, 2.0]), Some(-1.0));
        // x = 1 1 0 0, y = 3 1 2 0: means .5 and 1.5; Σdxdy = .5·1.5 +
        // .5·(−.5) + (−.5)(.5) + (−.5)(−1.5) = 1; Σdx² = 1; Σdy² = 5;
        // r = 1/√5 = 0.447.
        assert_eq!(r(&[1.0, 1.0, 0.0, 0.0], &[3.0, 1.0, 2.0, 0.0]), Some(0.447));
        // Undefined: no spread on one side, or too few pairs.
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(pearson(&[1.0, 2.0], &[5.0, 5.0]), None);
        assert_eq!(pearson(&[1.0], &[2.0]), None);
        assert_eq!(pearson(&[], &[]), None);
    }

    #[test]
    fn rounding_keeps_three_decimals() {
        assert_eq!(round3(2.0 / 3.0), 0.667);
        assert_eq!(round3(-0.0001), 0.0);
        assert!(round3(-0.0001).is_sign_positive());
    }
}
