//! The order options are shown in. MultipleChoice options, Matching's right
//! items and Ordering's steps are shuffled per attempt; the same seed gives
//! the same order, so an attempt (or a printed answer sheet) can be
//! reproduced. mdbook-quiz's `answerIndex` (answers at that index among the
//! distractors, which keep their order) and `sortAnswers` (all options sorted
//! by text) turn shuffling off.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::content::quiz::{Matching, MultipleChoice, Ordering, Question, QuestionKind};

/// The generator the shuffles use (shared with the demos).
pub use crate::rng::SplitMix64;

/// Fisher–Yates shuffle.
pub fn shuffle<T>(items: &mut [T], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

/// A seed for one question of an attempt: the attempt's seed mixed with the
/// question's key, so questions are shuffled independently.
pub fn question_seed(seed: u64, question: &Question) -> u64 {
    // FNV-1a of the key.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in question.key().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    SplitMix64::new(seed ^ h).next_u64()
}

/// A seed for a new attempt, from the clock.
pub fn fresh_seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    SplitMix64::new(nanos as u64 ^ (nanos >> 64) as u64).next_u64()
}

/// The order to show a MultipleChoice question's options in, as indexes into
/// [`MultipleChoice::options`] (answers first, then distractors).
pub fn choice_order(mc: &MultipleChoice, seed: u64) -> Vec<usize> {
    let n_answers = mc.answers.len();
    let total = n_answers + mc.distractors.len();
    if let Some(at) = mc.answer_index {
        let mut order: Vec<usize> = (n_answers..total).collect();
        let at = at.min(order.len());
        order.splice(at..at, 0..n_answers);
        return order;
    }
    let mut order: Vec<usize> = (0..total).collect();
    if mc.sort_answers {
        let options = mc.options();
        order.sort_by(|&a, &b| options[a].cmp(options[b]));
    } else {
        shuffle(&mut order, &mut SplitMix64::new(seed));
    }
    order
}

/// The order to show a Matching question's right items in, as indexes into
/// [`Matching::right_options`].
pub fn right_order(m: &Matching, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..m.right_options().len()).collect();
    shuffle(&mut order, &mut SplitMix64::new(seed));
    order
}

/// The order to show an Ordering question's steps in, as indexes into
/// [`Ordering::steps`]; never already the right order.
pub fn step_order(o: &Ordering, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..o.steps.len()).collect();
    shuffle(&mut order, &mut SplitMix64::new(seed));
    if order.len() > 1 && order.iter().enumerate().all(|(i, &s)| i == s) {
        order.rotate_left(1);
    }
    order
}

/// The choices of a question as shown in an attempt with `seed`: the options
/// of a MultipleChoice, the right items of a Matching, the steps of an
/// Ordering; nothing for other types.
pub fn shown_options(question: &Question, seed: u64) -> Vec<&str> {
    let seed = question_seed(seed, question);
    match &question.kind {
        QuestionKind::MultipleChoice(mc) => {
            let options = mc.options();
            choice_order(mc, seed)
                .into_iter()
                .map(|i| options[i])
                .collect()
        }
        QuestionKind::Matching(m) => {
            let options = m.right_options();
            right_order(m, seed)
                .into_iter()
                .map(|i| options[i])
                .collect()
        }
        QuestionKind::Ordering(o) => step_order(o, seed)
            .into_iter()
            .map(|i| o.steps[i].as_str())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mc(answer_index: Option<usize>, sort_answers: bool) -> MultipleChoice {
        MultipleChoice {
            answers: vec!["right".into()],
            distractors: vec!["d".into(), "b".into(), "c".into()],
            multiple: false,
            answer_index,
            sort_answers,
        }
    }

    #[test]
    fn splitmix_matches_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (reference implementation).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn same_seed_same_order_and_seeds_differ() {
        let q = mc(None, false);
        assert_eq!(choice_order(&q, 7), choice_order(&q, 7));
        let orders: std::collections::HashSet<_> = (0..50).map(|s| choice_order(&q, s)).collect();
        // 4 options have 24 orders; 50 seeds must find many of them.
        assert!(orders.len() > 10, "{}", orders.len());
        for o in orders {
            let mut sorted = o.clone();
            sorted.sort();
            assert_eq!(sorted, vec![0, 1, 2, 3]);
        }
    }

    #[test]
    fn answer_index_and_sort_answers_fix_the_order() {
        // Distractors keep file order; the answer goes to index 2.
        for seed in 0..10 {
            assert_eq!(choice_order(&mc(Some(2), false), seed), vec![1, 2, 0, 3]);
            assert_eq!(choice_order(&mc(Some(3), false), seed), vec![1, 2, 3, 0]);
            // Sorted by text: b, c, d, right.
            assert_eq!(choice_order(&mc(None, true), seed), vec![2, 3, 1, 0]);
        }
    }

    #[test]
    fn steps_are_never_shown_in_order() {
        let o = Ordering {
            steps: vec!["1".into(), "2".into()],
        };
        for seed in 0..20 {
            assert_eq!(step_order(&o, seed), vec![1, 0]);
        }
    }
}
