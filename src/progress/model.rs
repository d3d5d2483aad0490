//! The progress record and the merge rule that lets two instances share it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The file format version this build writes. Version 1 files (no content
/// sets, no sequence numbers, no reset generation) are read too.
pub const VERSION: u32 = 2;

/// The oldest file format version this build reads.
pub const OLDEST_VERSION: u32 = 1;

/// Everything saved about one learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    /// The reset generation: `progress --reset` raises it in the file, and
    /// a record from an older generation never merges back into a newer one
    /// (a tutorial left open across a reset does not bring the old work back).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reset: u64,
    /// Where the learner was last, for "continue".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Position>,
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
    #[serde(default)]
    pub quizzes: BTreeMap<String, QuizProgress>,
    /// Challenge levels won. (Left out of the file while empty, so a
    /// record without any stays readable by builds that predate them.)
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub challenges: BTreeMap<String, ChallengeProgress>,
    /// Exercises passed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            reset: 0,
            last: None,
            lessons: BTreeMap::new(),
            quizzes: BTreeMap::new(),
            challenges: BTreeMap::new(),
            exercises: BTreeMap::new(),
        }
    }
}

/// A challenge level won.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeProgress {
    /// The shortest winning schedule so far (`1e,2,1`).
    pub best: String,
    /// Its length in steps.
    pub steps: usize,
    /// The fewest hints used in a win.
    pub hints: usize,
}

/// An exercise passed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseProgress {
    /// The fewest hints used before a pass.
    pub hints: usize,
}

/// A place in the tutorial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub lesson: String,
    /// Slide id (stable when slides are inserted before it).
    pub slide: String,
    /// Reveal step, from 1.
    #[serde(default = "one")]
    pub step: usize,
    /// Milliseconds since the Unix epoch when it was recorded (a tie
    /// breaker only: clocks can be wrong).
    #[serde(default)]
    pub at: u64,
    /// The visit's sequence number in this file: each visit takes one more
    /// than the newest it knows, so a later visit wins a merge whatever the
    /// clock said (a timestamp in 2100 does not pin "continue" for ever).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seq: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn one() -> usize {
    1
}

/// One lesson's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonProgress {
    /// Ids of the slides seen.
    #[serde(default)]
    pub seen: BTreeSet<String>,
    /// The slide last shown in this lesson.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_slide: Option<String>,
    #[serde(default)]
    pub at: u64,
    /// Sequence number of the visit that set `last_slide` (see [`Position::seq`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seq: u64,
}

/// One quiz's record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizProgress {
    #[serde(default)]
    pub attempts: Vec<QuizAttempt>,
    /// An attempt left half-way, to resume. (Left out of the file when
    /// there is none, so such records stay readable by older builds.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<PausedQuiz>,
    /// When a paused attempt was last finished or abandoned: a paused
    /// attempt saved no later than this is gone (a merge with an older copy
    /// of the file does not bring it back).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cleared: u64,
}

/// A quiz attempt left half-way: which questions, where, and the answers
/// given so far (graded again on resuming, so only the answers are kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PausedQuiz {
    /// Milliseconds since the Unix epoch when it was left.
    pub at: u64,
    /// The seed that shuffled its options.
    pub seed: u64,
    /// Keys of the attempt's questions.
    pub questions: Vec<String>,
    /// Keys of the questions of the round being asked (all of them, or the
    /// ones being retried).
    pub round: Vec<String>,
    /// The question of the round to answer next (0-based).
    pub pos: usize,
    /// The latest answer to each question answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<SavedAnswer>,
    /// The best-scoring answer, where an earlier one scored more than the latest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub best: Vec<SavedAnswer>,
}

/// One answer of a paused attempt. Which fields are set depends on the
/// kind of question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedAnswer {
    /// The question's key.
    pub question: String,
    /// ShortAnswer and FreeText.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// MultipleChoice: the options chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
    /// Tracing: it runs (compiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compiles: Option<bool>,
    /// Tracing: the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Tracing: the line of the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Matching: `[left, right]` pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairs: Option<Vec<[String; 2]>>,
    /// Ordering: the steps in the learner's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
}

impl QuizProgress {
    /// The best score as a fraction of the maximum, if any attempt was made.
    pub fn best_fraction(&self) -> Option<f64> {
        self.attempts
            .iter()
            .map(|a| {
                if a.max > 0.0 && a.score.is_finite() && a.max.is_finite() {
                    (a.score / a.max).clamp(0.0, 1.0)
                } else {
                    0.0
                }
            })
            .fold(None, |best, f| Some(best.map_or(f, |b: f64| b.max(f))))
    }

    /// Forget the paused attempt: finished or abandoned at `at`.
    pub fn clear_paused(&mut self, at: u64) {
        let left = self.paused.take().map_or(0, |p| p.at);
        self.cleared = self.cleared.max(at).max(left);
    }

    /// The newer paused attempt of the two survives, unless one side has
    /// finished or abandoned it since.
    fn merge_paused(&mut self, other: &QuizProgress) {
        self.cleared = self.cleared.max(other.cleared);
        if let Some(theirs) = &other.paused
            && self.paused.as_ref().is_none_or(|ours| theirs.at > ours.at)
        {
            self.paused = Some(theirs.clone());
        }
        if self.paused.as_ref().is_some_and(|p| p.at <= self.cleared) {
            self.paused = None;
        }
    }

    /// Sort the attempts by time and drop exact duplicates. The comparison
    /// is total (scores compared by their bits), so even a NaN that slipped
    /// in cannot make copies multiply on every merge.
    fn normalise(&mut self) {
        self.attempts.sort_by(|a, b| a.order(b));
        self.attempts.dedup_by(|a, b| a.order(b).is_eq());
    }
}

impl QuizAttempt {
    /// A total order on attempts: equal exactly when every field is.
    fn order(&self, other: &QuizAttempt) -> std::cmp::Ordering {
        self.at
            .cmp(&other.at)
            .then(self.score.total_cmp(&other.score))
            .then(self.max.total_cmp(&other.max))
            .then_with(|| self.missed.cmp(&other.missed))
    }

    /// Are the numbers ones an attempt can have (finite, not negative)?
    pub fn is_valid(&self) -> bool {
        self.score.is_finite() && self.max.is_finite() && self.score >= 0.0 && self.max >= 0.0
    }
}

/// One finished attempt at a quiz.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizAttempt {
    pub at: u64,
    pub score: f64,
    pub max: f64,
    /// Ids of the questions not fully right.
    #[serde(default)]
    pub missed: Vec<String>,
}

impl Progress {
    /// Note that a slide was shown, and make it the current position.
    pub fn visit(&mut self, lesson: &str, slide: &str, step: usize, at: u64) {
        let seq = self.next_seq();
        let lp = self.lessons.entry(lesson.to_string()).or_default();
        lp.seen.insert(slide.to_string());
        lp.last_slide = Some(slide.to_string());
        lp.at = at;
        lp.seq = seq;
        self.last = Some(Position {
            lesson: lesson.to_string(),
            slide: slide.to_string(),
            step,
            at,
            seq,
        });
    }

    /// One more than the newest visit this record knows.
    fn next_seq(&self) -> u64 {
        let newest = self.lessons.values().map(|l| l.seq);
        newest
            .chain(self.last.as_ref().map(|p| p.seq))
            .max()
            .unwrap_or(0)
            .saturating_add(1)
    }

    /// Make a record read from a file safe to use: attempts with scores
    /// that are not finite or are negative are dropped, duplicates removed.
    /// Returns a note for the learner when something was changed.
    pub fn repair(&mut self) -> Option<String> {
        let mut dropped = 0usize;
        let mut duplicates = 0usize;
        for q in self.quizzes.values_mut() {
            let before = q.attempts.len();
            q.attempts.retain(QuizAttempt::is_valid);
            dropped += before - q.attempts.len();
            let before = q.attempts.len();
            q.normalise();
            duplicates += before - q.attempts.len();
        }
        let mut notes = Vec::new();
        if dropped > 0 {
            notes.push(format!(
                "dropped {} with a score that is not a finite number",
                crate::progress::plural(dropped, "quiz attempt", "quiz attempts")
            ));
        }
        if duplicates > 0 {
            notes.push(format!(
                "dropped {}",
                crate::progress::plural(duplicates, "duplicate attempt", "duplicate attempts")
            ));
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    }

    /// Record a quiz attempt (a paused attempt at it is over).
    pub fn record_quiz(&mut self, quiz: &str, attempt: QuizAttempt) {
        let q = self.quizzes.entry(quiz.to_string()).or_default();
        q.clear_paused(attempt.at);
        q.attempts.push(attempt);
    }

    /// Keep a quiz attempt left half-way, to resume later.
    /// (A clock that went back cannot make it older than the last clearing.)
    pub fn pause_quiz(&mut self, quiz: &str, mut paused: PausedQuiz) {
        let q = self.quizzes.entry(quiz.to_string()).or_default();
        paused.at = paused.at.max(q.cleared.saturating_add(1));
        q.paused = Some(paused);
    }

    /// Forget the paused attempt at a quiz (the learner started again).
    pub fn abandon_quiz(&mut self, quiz: &str, at: u64) {
        if let Some(q) = self.quizzes.get_mut(quiz) {
            q.clear_paused(at);
        }
    }

    /// The attempt at `quiz` left half-way, if any.
    pub fn paused_quiz(&self, quiz: &str) -> Option<&PausedQuiz> {
        self.quizzes.get(quiz)?.paused.as_ref()
    }

    /// Record a won challenge level: the best (shortest) schedule and the
    /// fewest hints are kept.
    pub fn record_challenge(&mut self, id: &str, schedule: &str, steps: usize, hints: usize) {
        let won = ChallengeProgress {
            best: schedule.to_string(),
            steps,
            hints,
        };
        match self.challenges.get_mut(id) {
            Some(c) => c.keep_best(&won),
            None => {
                self.challenges.insert(id.to_string(), won);
            }
        }
    }

    /// Record a passed exercise (the fewest hints are kept).
    pub fn record_exercise(&mut self, id: &str, hints: usize) {
        let e = self
            .exercises
            .entry(id.to_string())
            .or_insert(ExerciseProgress { hints });
        e.hints = e.hints.min(hints);
    }

    /// Fold another copy into this one without losing anything either saw:
    /// slides seen are united, quiz attempts united, the later position wins.
    ///
    /// A record from an older reset generation is left out: after
    /// `progress --reset`, the newer generation is all that counts.
    pub fn merge(&mut self, other: &Progress) {
        if other.reset > self.reset {
            *self = other.clone();
            return;
        }
        if other.reset < self.reset {
            return;
        }
        if let Some(theirs) = &other.last
            && self
                .last
                .as_ref()
                .is_none_or(|ours| (theirs.seq, theirs.at) > (ours.seq, ours.at))
        {
            self.last = Some(theirs.clone());
        }
        for (id, theirs) in &other.lessons {
            let ours = self.lessons.entry(id.clone()).or_default();
            ours.seen.extend(theirs.seen.iter().cloned());
            if (theirs.seq, theirs.at) > (ours.seq, ours.at) || ours.last_slide.is_none() {
                if theirs.last_slide.is_some() {
                    ours.last_slide = theirs.last_slide.clone();
                }
                ours.at = ours.at.max(theirs.at);
                ours.seq = ours.seq.max(theirs.seq);
            }
        }
        for (id, theirs) in &other.quizzes {
            let ours = self.quizzes.entry(id.clone()).or_default();
            ours.attempts.extend(theirs.attempts.iter().cloned());
            ours.normalise();
            ours.merge_paused(theirs);
        }
        for (id, theirs) in &other.challenges {
            match self.challenges.get_mut(id) {
                Some(ours) => ours.keep_best(theirs),
                None => {
                    self.challenges.insert(id.clone(), theirs.clone());
                }
            }
        }
        for (id, theirs) in &other.exercises {
            let ours = self
                .exercises
                .entry(id.clone())
                .or_insert_with(|| theirs.clone());
            ours.hints = ours.hints.min(theirs.hints);
        }
    }
}

impl ChallengeProgress {
    /// Keep the shorter schedule (then the fewer hints) of the two wins.
    fn keep_best(&mut self, other: &ChallengeProgress) {
        if (other.steps, &other.best) < (self.steps, &self.best) {
            self.best = other.best.clone();
            self.steps = other.steps;
        }
        self.hints = self.hints.min(other.hints);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_and_exercises_keep_the_best_on_both_sides() {
        let mut a = Progress::default();
        a.record_challenge("simple-counter", "1e,1e,2,1", 4, 2);
        a.record_exercise("counter-race", 3);
        let mut b = Progress::default();
        b.record_challenge("simple-counter", "1e,2,1", 3, 3);
        b.record_challenge("misusing-lock", "1,1", 2, 0);
        b.record_exercise("counter-race", 1);
        a.merge(&b);
        let c = &a.challenges["simple-counter"];
        assert_eq!((c.best.as_str(), c.steps, c.hints), ("1e,2,1", 3, 2));
        assert!(a.challenges.contains_key("misusing-lock"));
        assert_eq!(a.exercises["counter-race"].hints, 1);
        // Merging again changes nothing.
        let before = a.clone();
        a.merge(&b);
        assert_eq!(a, before);
        // A record with neither writes neither (older builds read it).
        let text = toml::to_string(&Progress::default()).unwrap();
        assert!(!text.contains("challenges") && !text.contains("exercises"));
    }

    #[test]
    fn merge_keeps_both_sides() {
        let mut a = Progress::default();
        a.visit("intro", "s1", 1, 10);
        a.record_quiz(
            "q",
            QuizAttempt {
                at: 5,
                score: 1.0,
                max: 2.0,
                missed: vec![],
            },
        );
        let mut b = Progress::default();
        b.visit("intro", "s2", 1, 20);
        b.visit("part1", "x", 2, 21);
        b.record_quiz(
            "q",
            QuizAttempt {
                at: 6,
                score: 2.0,
                max: 2.0,
                missed: vec![],
            },
        );
        a.merge(&b);
        assert_eq!(a.lessons["intro"].seen.len(), 2);
        assert_eq!(a.lessons["intro"].last_slide.as_deref(), Some("s2"));
        assert_eq!(a.last.as_ref().unwrap().lesson, "part1");
        assert_eq!(a.quizzes["q"].attempts.len(), 2);
        assert_eq!(a.quizzes["q"].best_fraction(), Some(1.0));
        // Merging again changes nothing.
        let before = a.clone();
        a.merge(&b);
        assert_eq!(a, before);
    }

    fn paused(at: u64, pos: usize) -> PausedQuiz {
        PausedQuiz {
            at,
            seed: 3,
            questions: vec!["a".into(), "b".into()],
            round: vec!["a".into(), "b".into()],
            pos,
            answers: vec![SavedAnswer {
                question: "a".into(),
                text: Some("line one\nline two".into()),
                ..SavedAnswer::default()
            }],
            best: vec![],
        }
    }

    #[test]
    fn a_paused_quiz_survives_the_file_and_merges_but_a_finished_one_stays_finished() {
        let mut a = Progress::default();
        a.pause_quiz("q", paused(100, 1));
        let text = toml::to_string(&a).unwrap();
        assert!(text.contains("[quizzes.q.paused]"), "{text}");
        let back: Progress = toml::from_str(&text).unwrap();
        assert_eq!(back, a);
        // A record without one (an older file) reads, and writes none.
        let old: Progress = toml::from_str("version = 2\n[quizzes.q]\nattempts = []\n").unwrap();
        assert_eq!(old.paused_quiz("q"), None);
        assert!(!toml::to_string(&old).unwrap().contains("paused"));
        // Another instance's copy without it does not lose it; the newer wins.
        let mut b = old.clone();
        b.merge(&a);
        assert_eq!(b.paused_quiz("q").map(|p| p.pos), Some(1));
        let mut c = Progress::default();
        c.pause_quiz("q", paused(200, 0));
        b.merge(&c);
        assert_eq!(b.paused_quiz("q").map(|p| p.at), Some(200));
        // Finishing clears it, and merging the older copy does not bring it back.
        b.record_quiz(
            "q",
            QuizAttempt {
                at: 300,
                score: 1.0,
                max: 2.0,
                missed: vec![],
            },
        );
        assert_eq!(b.paused_quiz("q"), None);
        b.merge(&a);
        b.merge(&c);
        assert_eq!(b.paused_quiz("q"), None);
        let mut d = a.clone();
        d.merge(&b);
        assert_eq!(d.paused_quiz("q"), None, "the file's clearing wins");
        // Abandoning clears it too; a later pause counts again, even with a
        // clock that went back.
        let mut e = a.clone();
        e.abandon_quiz("q", 150);
        assert_eq!(e.paused_quiz("q"), None);
        e.merge(&a);
        assert_eq!(e.paused_quiz("q"), None);
        e.pause_quiz("q", paused(120, 1));
        assert!(e.paused_quiz("q").is_some_and(|p| p.at > 150));
        let mut f = e.clone();
        f.merge(&a);
        assert_eq!(f, e);
    }

    #[test]
    fn older_position_does_not_win() {
        let mut a = Progress::default();
        a.visit("l", "new", 1, 100);
        let mut b = Progress::default();
        b.visit("l", "old", 1, 50);
        a.merge(&b);
        assert_eq!(a.last.unwrap().slide, "new");
        assert_eq!(a.lessons["l"].last_slide.as_deref(), Some("new"));
    }
}
