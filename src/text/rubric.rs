//! Grading a written answer against a rubric, on meaning rather than on
//! words present anywhere. Explainable: every concept credited says which
//! part of the answer showed it, and every concept not credited says why.
//!
//! For each concept, each place one of its phrases or patterns matches is
//! judged:
//!
//! 1. **Negation.** A negation shortly before the match ("threads do *not*
//!    share memory") cancels it, unless the concept is `negatable = false`.
//! 2. **Contradiction.** A match that overlaps a misconception of the
//!    rubric found in the answer ("processes share the same memory") is not
//!    credited: a wrong statement earns nothing, and the feedback names the
//!    misconception. For `negatable = false` concepts (things said
//!    negatively: "don't share files"), a permission in the same sentence and
//!    turn of the argument ("it's *fine to* share files", "share them
//!    *freely*") contradicts them too.
//! 3. **Subject.** A concept about some subjects (`subjects = [...]`, or the
//!    subject nouns its patterns start with, e.g. `semaphore* ...`) is not
//!    credited when the nearest subject noun before the match, in the same
//!    clause, is another one: "Condition limits the number of threads" is a
//!    claim about Condition, not Semaphore.
//! 4. **Lists of terms.** An answer that is a bare list ("memory, GIL,
//!    locks, concurrency") states nothing: its `negatable` concepts earn at
//!    most one point together.
//!
//! Misconceptions found (not negated) cost their points; the score never
//! goes below 0. Typos in the answer are read as the rubric's words first
//! ([`crate::text::words::Vocabulary`]).

use std::sync::OnceLock;

use super::pattern::{Hit, Pattern, Span};
use super::words::{Analysis, SUBJECTS, Vocabulary, Word, analyse, stem};

/// What a FreeText answer should show, and what it should not claim.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub concepts: Vec<Concept>,
    /// Wrong statements; each found costs its points.
    pub misconceptions: Vec<Concept>,
    /// The words of every phrase and pattern, for typo tolerance.
    pub vocabulary: Vocabulary,
}

impl Rubric {
    pub fn new(concepts: Vec<Concept>, misconceptions: Vec<Concept>) -> Rubric {
        let mut vocabulary = Vocabulary::default();
        for c in concepts.iter().chain(&misconceptions) {
            for m in &c.matchers {
                m.add_words(&mut vocabulary);
            }
        }
        Rubric {
            concepts,
            misconceptions,
            vocabulary,
        }
    }

    pub fn max_points(&self) -> f64 {
        self.concepts.iter().map(|c| c.points).sum()
    }
}

/// One idea of a rubric (or a misconception) and the phrases or patterns
/// that show it.
#[derive(Debug, Clone)]
pub struct Concept {
    pub label: String,
    pub points: f64,
    pub phrases: Vec<String>,
    pub patterns: Vec<String>,
    /// The phrases and patterns, compiled.
    pub matchers: Vec<Pattern>,
    /// A negation shortly before a match cancels it (default true).
    pub negatable: bool,
    /// Misconceptions: what to tell the learner (default: the label).
    pub message: Option<String>,
    /// Stems of the subject nouns the concept is about (given, or the
    /// subject nouns its patterns start with); empty: any.
    pub subjects: Vec<String>,
}

impl Concept {
    /// A concept with the defaults of the file format: negatable, subjects
    /// from its patterns.
    pub fn new(label: &str, points: f64, matchers: Vec<Pattern>) -> Concept {
        let mut c = Concept {
            label: label.to_string(),
            points,
            phrases: Vec::new(),
            patterns: Vec::new(),
            matchers,
            negatable: true,
            message: None,
            subjects: Vec::new(),
        };
        c.subjects = c.inferred_subjects();
        c
    }

    /// The subject nouns the concept's matchers start with — none when a
    /// matcher starts with another single word (the concept is then not
    /// about one subject).
    pub fn inferred_subjects(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in &self.matchers {
            if let Some(first) = m.first_word() {
                let s = stem(first);
                if !subject_stems().contains(&s) {
                    return Vec::new();
                }
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    /// What a learner is told about this misconception.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(&self.label)
    }
}

fn subject_stems() -> &'static [String] {
    static S: OnceLock<Vec<String>> = OnceLock::new();
    S.get_or_init(|| SUBJECTS.iter().map(|s| stem(s)).collect())
}

/// Permissions that contradict a concept said negatively ("don't share
/// files"): "fine to share", "share them freely".
fn permissions() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        [
            "(fine|ok|okay|safe|alright|allowed|free|good) to (share*|use*|pass*)",
            "(share*|use*|pass*) ... freely",
            "(no|dont|do not|needn't|neednt) (need to|) worry",
        ]
        .iter()
        .filter_map(|p| Pattern::parse(p).ok())
        .collect()
    })
}

/// How one concept fared in an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Shown by these words of the answer.
    Credited(String),
    /// Only stated by a sentence that also makes this wrong statement.
    Contradicted {
        words: String,
        by: String,
    },
    /// Said about another subject.
    OtherSubject {
        words: String,
        subject: String,
    },
    /// Only mentioned to be negated.
    Negated(String),
    Absent,
}

impl Verdict {
    fn rank(&self) -> u8 {
        match self {
            Verdict::Credited(_) => 4,
            Verdict::Contradicted { .. } => 3,
            Verdict::OtherSubject { .. } => 2,
            Verdict::Negated(_) => 1,
            Verdict::Absent => 0,
        }
    }
}

/// A FreeText answer graded against its rubric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RubricOutcome {
    /// Points earned: found concepts minus misconceptions, never below zero.
    pub points: f64,
    /// Points possible: the sum of the concepts' points.
    pub max: f64,
    /// Labels of the concepts found, in rubric order.
    pub found: Vec<String>,
    /// Labels of the concepts not found (including negated ones).
    pub missed: Vec<String>,
    /// Labels of concepts that were mentioned only to be negated.
    pub negated: Vec<String>,
    /// Labels of misconceptions found.
    pub misconceptions: Vec<String>,
    /// One line per concept and misconception: what matched, or why a
    /// concept was not credited.
    pub feedback: Vec<String>,
    /// The answer was a bare list of terms (its points were capped).
    pub term_list: bool,
}

/// The answer's words `start..end`, as written.
fn quote(words: &[Word], span: &Span) -> String {
    words[span.start..span.end.min(words.len())]
        .iter()
        .map(|w| w.written.as_deref().unwrap_or(&w.text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where in the answer a statement sits: sentence and turn.
fn place(words: &[Word], i: usize) -> (u32, u32) {
    (words[i].sentence, words[i].turn)
}

/// How far back from a match the subject noun is looked for.
const SUBJECT_WINDOW: usize = 12;

/// The index of the nearest subject noun before `start` in the same clause,
/// at most [`SUBJECT_WINDOW`] words back.
fn subject_before(words: &[Word], start: usize) -> Option<usize> {
    let clause = words[start].clause;
    (start.saturating_sub(SUBJECT_WINDOW)..start)
        .rev()
        .take_while(|&i| words[i].clause == clause)
        .find(|&i| subject_stems().contains(&words[i].stem))
}

/// What the whole answer says that voids single matches, worked out once:
/// which words are part of a wrong statement, and which sentence turns give
/// a permission.
struct Context<'a> {
    /// For each word, the message of the misconception covering it.
    wrong_at: Vec<Option<&'a str>>,
    /// (sentence, turn) places with an un-negated permission, sorted.
    permitted: Vec<(u32, u32)>,
}

/// The verdict of one match, before quoting it.
enum Kind<'a> {
    Credited,
    Contradicted(&'a str),
    OtherSubject(usize),
    Negated,
}

/// Judge one concept: the best verdict over all its matches.
fn judge(concept: &Concept, text: &Analysis, cx: &Context) -> Verdict {
    let words = &text.words;
    let mut best = Verdict::Absent;
    for m in &concept.matchers {
        let done = m.each_span(text, |span| {
            let end = span.end.min(words.len());
            let kind = if span.negated && concept.negatable {
                Kind::Negated
            } else if let Some(by) = cx.wrong_at[span.start..end].iter().find_map(|w| *w) {
                Kind::Contradicted(by)
            } else if !concept.negatable
                && cx
                    .permitted
                    .binary_search(&place(words, span.start))
                    .is_ok()
            {
                Kind::Contradicted("it is fine to share them")
            } else if !concept.subjects.is_empty()
                && !concept.subjects.contains(&words[span.start].stem)
                && let Some(i) = subject_before(words, span.start)
                && !concept.subjects.contains(&words[i].stem)
            {
                Kind::OtherSubject(i)
            } else {
                Kind::Credited
            };
            let rank = match kind {
                Kind::Credited => 4,
                Kind::Contradicted(_) => 3,
                Kind::OtherSubject(_) => 2,
                Kind::Negated => 1,
            };
            if rank <= best.rank() {
                return false;
            }
            let q = quote(words, &span);
            best = match kind {
                Kind::Credited => Verdict::Credited(q),
                Kind::Contradicted(by) => Verdict::Contradicted {
                    words: q,
                    by: by.to_string(),
                },
                Kind::OtherSubject(i) => Verdict::OtherSubject {
                    words: q,
                    subject: words[i]
                        .written
                        .clone()
                        .unwrap_or_else(|| words[i].text.clone()),
                },
                Kind::Negated => Verdict::Negated(q),
            };
            matches!(best, Verdict::Credited(_))
        });
        if done {
            return best;
        }
    }
    best
}

/// How a concept shows in the answer: found if any phrase or pattern is found
/// un-negated (or the concept is not negatable and it is found at all).
pub fn concept_hit(concept: &Concept, text: &Analysis) -> Hit {
    let mut best = Hit::Absent;
    for m in &concept.matchers {
        match m.find(text) {
            Hit::Found => return Hit::Found,
            Hit::Negated if !concept.negatable => return Hit::Found,
            h => best = best.max(h),
        }
    }
    best
}

/// A number of points for people: `2`, `1.5`.
fn pts(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}")
    }
}

/// Grade a FreeText answer.
pub fn grade_text(rubric: &Rubric, answer: &str) -> RubricOutcome {
    let text = rubric.vocabulary.correct(analyse(answer));
    let words = &text.words;
    let mut out = RubricOutcome {
        max: rubric.max_points(),
        term_list: text.is_term_list(),
        ..RubricOutcome::default()
    };
    // Wrong statements first: they cost points and void the matches inside
    // them.
    let mut cx = Context {
        wrong_at: vec![None; words.len()],
        permitted: Vec::new(),
    };
    let mut penalty = 0.0;
    let mut wrong_lines = Vec::new();
    for m in &rubric.misconceptions {
        let mut first: Option<Span> = None;
        for p in &m.matchers {
            for s in p.spans(&text) {
                if !s.negated || !m.negatable {
                    for w in &mut cx.wrong_at[s.start..s.end.min(words.len())] {
                        w.get_or_insert(m.message());
                    }
                    first = first.or(Some(s));
                }
            }
        }
        if let Some(s) = first {
            penalty += m.points;
            out.misconceptions.push(m.label.clone());
            wrong_lines.push(format!(
                "wrong statement (−{}): {} — you wrote “{}”",
                pts(m.points),
                m.message(),
                quote(words, &s)
            ));
        }
    }
    if rubric.concepts.iter().any(|c| !c.negatable) {
        for p in permissions() {
            for s in p.spans(&text) {
                if !s.negated {
                    cx.permitted.push(place(words, s.start));
                }
            }
        }
        cx.permitted.sort_unstable();
        cx.permitted.dedup();
    }
    let mut free = 0.0; // points of concepts said as bare terms
    let mut stated = 0.0; // points of negatable concepts
    for c in &rubric.concepts {
        match judge(c, &text, &cx) {
            Verdict::Credited(q) => {
                if c.negatable {
                    stated += c.points;
                } else {
                    free += c.points;
                }
                out.found.push(c.label.clone());
                out.feedback
                    .push(format!("✓ {} (+{}): “{q}”", c.label, pts(c.points)));
            }
            Verdict::Contradicted { words: q, by } => {
                out.missed.push(c.label.clone());
                out.feedback.push(format!(
                    "✗ {}: not credited, “{q}” comes with a wrong statement ({by})",
                    c.label
                ));
            }
            Verdict::OtherSubject { words: q, subject } => {
                out.missed.push(c.label.clone());
                out.feedback.push(format!(
                    "✗ {}: not credited, you wrote that about {subject}: “{q}”",
                    c.label
                ));
            }
            Verdict::Negated(q) => {
                out.negated.push(c.label.clone());
                out.missed.push(c.label.clone());
                out.feedback.push(format!(
                    "✗ {}: not credited, you wrote the opposite: “{q}”",
                    c.label
                ));
            }
            Verdict::Absent => {
                out.missed.push(c.label.clone());
                out.feedback.push(format!("✗ {}: not found", c.label));
            }
        }
    }
    if out.term_list && stated > 1.0 {
        out.feedback.push(format!(
            "a list of terms states nothing about them: {} of {} points kept",
            1,
            pts(stated)
        ));
        stated = 1.0;
    }
    out.feedback.extend(wrong_lines);
    out.points = (free + stated - penalty).clamp(0.0, out.max);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(label: &str, patterns: &[&str]) -> Concept {
        Concept::new(
            label,
            1.0,
            patterns
                .iter()
                .map(|p| Pattern::parse(p).unwrap())
                .collect(),
        )
    }

    #[test]
    fn subjects_are_inferred_from_the_patterns() {
        let c = concept(
            "Semaphore limits",
            &[
                "semaphore* ... limit*",
                "(limit*|restrict*) ... number ... thread*",
            ],
        );
        assert_eq!(c.subjects, [stem("semaphore")]);
        let r = Rubric::new(vec![c], vec![]);
        assert_eq!(grade_text(&r, "A semaphore limits the threads").points, 1.0);
        assert_eq!(
            grade_text(&r, "It limits the number of threads").points,
            1.0
        );
        let g = grade_text(&r, "Condition limits the number of threads.");
        assert_eq!(g.points, 0.0);
        assert!(
            g.feedback[0].contains("about condition"),
            "{:?}",
            g.feedback
        );
    }

    #[test]
    fn a_misconception_voids_its_sentence_and_costs_points() {
        let r = Rubric::new(
            vec![concept("threads share memory", &["share* (same|) memory"])],
            vec![concept(
                "processes share memory",
                &["process* share* (same|) memory"],
            )],
        );
        let g = grade_text(&r, "Processes share the same memory.");
        assert_eq!(g.points, 0.0);
        assert_eq!(g.misconceptions, ["processes share memory"]);
        assert!(g.feedback.iter().any(|f| f.contains("wrong statement")));
        assert_eq!(grade_text(&r, "Threads share the same memory.").points, 1.0);
    }

    #[test]
    fn bare_term_lists_earn_at_most_one_point() {
        let r = Rubric::new(
            vec![
                concept("atomic", &["atomic"]),
                concept("locks", &["lock*"]),
                concept("races", &["race*"]),
            ],
            vec![],
        );
        assert_eq!(grade_text(&r, "atomic, locks, races").points, 1.0);
        assert_eq!(
            grade_text(
                &r,
                "Single bytecodes are atomic, you still need locks, and races are rare."
            )
            .points,
            3.0
        );
    }

    #[test]
    fn things_said_negatively_are_contradicted_by_a_permission() {
        let mut files = concept("files", &["file*"]);
        files.negatable = false;
        let r = Rubric::new(vec![files], vec![]);
        assert_eq!(grade_text(&r, "Don't share files.").points, 1.0);
        assert_eq!(grade_text(&r, "Files.").points, 1.0);
        assert_eq!(grade_text(&r, "It's fine to share files.").points, 0.0);
        assert_eq!(grade_text(&r, "It's not fine to share files.").points, 1.0);
        assert_eq!(
            grade_text(&r, "Print is fine to share, but files are not.").points,
            1.0
        );
    }
}
