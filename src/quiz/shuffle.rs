//! The order options are shown in. MultipleChoice options, Matching's right
//! items and Ordering's steps are shuffled per attempt (each kind's module
//! in [`crate::content::quiz::kinds`] says how); the same seed gives
//! the same order, so an attempt (or a printed answer sheet) can be
//! reproduced. mdbook-quiz's `answerIndex` (answers at that index among the
//! distractors, which keep their order) and `sortAnswers` (all options sorted
//! by text) turn shuffling off.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::content::quiz::Question;
pub use crate::content::quiz::{choice_order, right_order, shuffle, step_order};

/// The generator the shuffles use (shared with the demos).
pub use crate::rng::SplitMix64;

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

/// The choices of a question as shown in an attempt with `seed`: the options
/// of a MultipleChoice, the right items of a Matching, the steps of an
/// Ordering; nothing for other types.
pub fn shown_options(question: &Question, seed: u64) -> Vec<&str> {
    question
        .kind
        .kind()
        .shown_options(question_seed(seed, question))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::quiz::{MultipleChoice, Ordering};

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
