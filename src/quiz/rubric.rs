//! FreeText rubric matching: does an answer show a concept?
//!
//! Deterministic and word-based, so a learner can understand why a concept was
//! or was not found:
//!
//! - **Words.** Text is lower-cased (Unicode-aware) and split into words of
//!   letters, digits and `_`; an apostrophe inside a word is dropped
//!   (`don't` → `dont`), underscores at a word's ends are dropped (`__init__` →
//!   `init`), and the articles *a*, *an*, *the* are ignored, so "share the
//!   memory" matches "share memory".
//! - **Word forms.** Plain ASCII words are reduced by a small suffix stemmer
//!   ([`stem`]): plurals (`threads`, `processes`, `queues`, `semaphores`),
//!   `-ing`, `-ed`, `-tion`, `-ly`, `-ise`/`-ize`/`-isation`/`-ization`
//!   (`shared`/`sharing`/`shares` → `shar`, `synchronised`/`synchronization` →
//!   `synchroniz`). Words in other scripts are compared exactly.
//! - **Phrases** are word sequences that must appear in order, inside one
//!   sentence. **Patterns** add a little syntax ([`Pattern::parse`]):
//!   `(a b|c)` alternatives, `word*` a prefix, `...` a gap of up to
//!   [`GAP`] words.
//! - **Negation.** A match does not count when one of the [`NEGATION_WINDOW`]
//!   words before it, in the same clause, is a negation (`not`, `no`, `never`,
//!   `without`, `don't`, `isn't`, …): "threads do not share memory" does not earn
//!   "threads share memory". Clauses end at `, ; : . ! ? ( )` and at *but*,
//!   *however*, *whereas*, *although*, *though*, *instead*, so "not X, but Y"
//!   still earns Y. "not only", "no more than", "no less than", "not just",
//!   "no matter" are not negations. A `...` gap in a pattern never skips a
//!   negation, so "lock ... protect" is not found in "a lock does not protect".
//!   *Unlike* counts as a negation ("unlike processes, threads share memory"
//!   does not claim that processes share memory). That is as far as it goes:
//!   double negation
//!   ("not untrue"), negation after the phrase ("shares memory? no") and
//!   negation further away ("it is not at all true that threads share
//!   memory") are not understood. A concept may set
//!   `negatable = false` when its phrases are naturally negative ("don't share
//!   files").
//! - **Keyword stuffing.** A concept earns its points once however often it
//!   appears; rubrics ask for phrases that state an idea rather than bare terms;
//!   and a rubric's misconceptions (wrong statements) cost their points when
//!   found, so an answer that throws in every term it knows loses marks.

use crate::content::quiz::{Concept, Rubric};

/// Largest number of words a `...` in a pattern can skip.
pub const GAP: usize = 5;
/// How many words before a match are searched for a negation.
pub const NEGATION_WINDOW: usize = 3;

/// Words that negate what follows them in the same clause.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nothing", "neither", "nor", "without", "cannot", "cant", "dont",
    "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt",
    "couldnt", "mustnt", "neednt", "hasnt", "havent", "hadnt", "aint", "unlike",
];
/// Words that, right after a negation, mean it negates nothing that follows
/// ("not only", "no more than").
const NOT_NEGATING: &[&str] = &["only", "just", "merely", "more", "less", "matter", "doubt"];
/// Words that end a clause, like a comma.
const CLAUSE_WORDS: &[&str] = &["but", "however", "whereas", "although", "though", "instead"];
const ARTICLES: &[&str] = &["a", "an", "the"];

/// One word of analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lower-cased, apostrophes and edge underscores removed.
    pub text: String,
    /// [`stem`] of `text`.
    pub stem: String,
    /// [`word_key`] of `stem`: compared before the stem itself.
    key: u64,
    pub sentence: u32,
    pub clause: u32,
}

/// A 64-bit FNV-1a hash of a stem, so most comparisons are of integers.
fn word_key(stem: &str) -> u64 {
    stem.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Text split into words, ready for matching.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub words: Vec<Word>,
    /// Word indexes sorted by key, to find where a stem occurs.
    by_key: Vec<u32>,
}

impl Analysis {
    /// Indexes of the words with this stem (and its key).
    fn with_stem<'a>(&'a self, stem: &'a str, key: u64) -> impl Iterator<Item = usize> + 'a {
        let from = self
            .by_key
            .partition_point(|&i| self.words[i as usize].key < key);
        self.by_key[from..]
            .iter()
            .map(|&i| i as usize)
            .take_while(move |&i| self.words[i].key == key)
            .filter(move |&i| self.words[i].stem == stem)
    }
}

/// How a character ends what comes before it: 0 not at all, 1 a clause,
/// 2 a sentence. `rest` is the text after it.
fn boundary(c: char, rest: &str) -> u8 {
    match c {
        // threading.Thread, 1.5.2: a dot inside a word ends nothing.
        '.' if rest.starts_with(char::is_alphanumeric) => 0,
        '.' | '!' | '?' | ';' => 2,
        '\n' => {
            // A new sentence at a blank line or a list item; a single line
            // break inside a paragraph is just a space.
            let rest = rest.trim_start_matches([' ', '\t']);
            let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            if rest.is_empty()
                || rest.starts_with(['\n', '\r', '-', '*', '+', '•'])
                || (digits.len() < rest.len() && digits.starts_with(['.', ')']))
            {
                2
            } else {
                0
            }
        }
        ',' | ':' | '(' | ')' | '—' | '–' => 1,
        _ => 0,
    }
}

/// Split text into words with their sentence and clause numbers.
pub fn analyse(text: &str) -> Analysis {
    let mut words = Vec::new();
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut buf = String::new();
    let mut emit = |buf: &mut String, sentence: u32, clause: &mut u32| {
        let w = buf.trim_matches('_');
        if CLAUSE_WORDS.contains(&w) {
            *clause += 1;
        } else if !w.is_empty() && !ARTICLES.contains(&w) {
            let stem = stem(w);
            words.push(Word {
                text: w.to_string(),
                key: word_key(&stem),
                stem,
                sentence,
                clause: *clause,
            });
        }
        buf.clear();
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            buf.extend(c.to_lowercase());
            continue;
        }
        let next_is_alnum = chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if matches!(c, '\'' | '’') && !buf.is_empty() && next_is_alnum {
            continue; // don't → dont
        }
        if !buf.is_empty() {
            emit(&mut buf, sentence, &mut clause);
        }
        let b = boundary(c, &text[i + c.len_utf8()..]);
        if b == 2 {
            sentence += 1;
        }
        if b >= 1 {
            clause += 1;
        }
    }
    emit(&mut buf, sentence, &mut clause);
    let mut by_key: Vec<u32> = (0..words.len() as u32).collect();
    by_key.sort_unstable_by_key(|&i| words[i as usize].key);
    Analysis { words, by_key }
}

/// Reduce an English word to a stem shared by its simple forms. Both the
/// answer and the rubric go through it, so it only has to be consistent, not
/// linguistically right. Non-ASCII words and words under three letters are
/// returned as they are.
pub fn stem(word: &str) -> String {
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    let mut w = word.to_string();
    // Plurals and third person.
    if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if ["xes", "ches", "shes", "zes"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    for (suffix, with) in [("ization", "iz"), ("isation", "iz")] {
        if let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 3
        {
            w = format!("{s}{with}");
        }
    }
    let mut stripped = false;
    for suffix in ["ing", "ed"] {
        if !stripped
            && let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 3
        {
            w = s.to_string();
            stripped = true;
            // running → run, stopped → stop; but calling, passing stay.
            let b = w.as_bytes();
            let n = b.len();
            if n >= 2 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'e') {
                w.pop();
            }
            if suffix == "ed" && w.ends_with('i') {
                // notified → notify
                w.pop();
                w.push('y');
            }
        }
    }
    if stripped && w.ends_with("is") && w.len() >= 6 {
        // synchronised → synchroniz, like synchronized.
        w.truncate(w.len() - 1);
        w.push('z');
    }
    if let Some(s) = w.strip_suffix("tion")
        && s.len() >= 2
    {
        w = format!("{s}t");
    } else if let Some(s) = w.strip_suffix("ly")
        && s.len() >= 4
    {
        w = s.to_string();
    }
    if w.len() >= 6 && (w.ends_with("ise") || w.ends_with("ize")) {
        w.truncate(w.len() - 2);
        w.push('z');
    }
    if w.ends_with('e') && w.len() >= 4 {
        w.pop();
    }
    w
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
enum Elem {
    /// A word, compared by stem (and the stem's key).
    Word(String, u64),
    /// A prefix (`synchron*`), compared with the word's text.
    Prefix(String),
    /// Up to this many words of anything.
    Gap(usize),
    /// One of several word sequences; an empty one makes the group optional.
    Alt(Vec<Vec<Elem>>),
}

/// A word a match can start with.
#[derive(Debug, Clone, PartialEq)]
enum Start {
    Stem(String, u64),
    Prefix(String),
}

/// A compiled phrase or pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    seq: Vec<Elem>,
    /// The words a match can start with; `None` when it could be any word.
    starts: Option<Vec<Start>>,
}

/// The words `seq` can start with, and whether it can match no word at all;
/// `None` when it could start with any word.
fn first_words(seq: &[Elem]) -> Option<(Vec<Start>, bool)> {
    let mut out = Vec::new();
    for e in seq {
        match e {
            Elem::Word(s, k) => {
                out.push(Start::Stem(s.clone(), *k));
                return Some((out, false));
            }
            Elem::Prefix(p) => {
                out.push(Start::Prefix(p.clone()));
                return Some((out, false));
            }
            Elem::Gap(_) => return None,
            Elem::Alt(alts) => {
                let mut optional = false;
                for a in alts {
                    let (first, empty) = first_words(a)?;
                    out.extend(first);
                    optional |= empty;
                }
                if !optional {
                    return Some((out, false));
                }
            }
        }
    }
    Some((out, true))
}

impl Pattern {
    fn new(seq: Vec<Elem>) -> Pattern {
        let starts = first_words(&seq).and_then(|(s, empty)| (!empty).then_some(s));
        Pattern { seq, starts }
    }
}

/// A pattern that does not parse, with the byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub offset: usize,
    pub message: String,
}

/// Whether, and how, a concept shows in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    Absent,
    /// Only mentioned to be negated.
    Negated,
    Found,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Bar,
    Gap,
    Word { text: String, prefix: bool },
}

/// Nesting deeper than this in a pattern is refused (it is never needed).
const MAX_NESTING: usize = 16;

impl Pattern {
    /// A literal phrase: its words in order. Punctuation separates words.
    pub fn phrase(text: &str) -> Result<Pattern, PatternError> {
        let seq: Vec<Elem> = analyse(text)
            .words
            .into_iter()
            .map(|w| Elem::Word(w.stem, w.key))
            .collect();
        if seq.is_empty() {
            return Err(PatternError {
                offset: 0,
                message: "the phrase has no words".into(),
            });
        }
        Ok(Pattern::new(seq))
    }

    /// A pattern: words (stemmed), `word*` (prefix), `...` (gap of up to
    /// [`GAP`] words), `( … | … )` (alternatives; an empty alternative makes the
    /// group optional) and a top-level `|` between whole alternatives.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let toks = tokenize(text)?;
        let mut i = 0;
        let alts = parse_alts(&toks, &mut i, 0)?;
        if let Some((off, _)) = toks.get(i) {
            return Err(PatternError {
                offset: *off,
                message: "unmatched `)`".into(),
            });
        }
        let seq = if alts.len() == 1 {
            alts.into_iter().next().unwrap_or_default()
        } else {
            vec![Elem::Alt(alts)]
        };
        if min_len(&seq) == 0 {
            return Err(PatternError {
                offset: 0,
                message: "the pattern can match without any word".into(),
            });
        }
        if matches!(seq.first(), Some(Elem::Gap(_))) || matches!(seq.last(), Some(Elem::Gap(_))) {
            return Err(PatternError {
                offset: 0,
                message: "a pattern cannot start or end with `...`".into(),
            });
        }
        Ok(Pattern::new(seq))
    }

    /// Where the pattern shows in the analysed text.
    pub fn find(&self, text: &Analysis) -> Hit {
        let words = &text.words;
        let mut best = Hit::Absent;
        let mut check = |start: usize| {
            if ends(&self.seq, vec![start], words, words[start].sentence).is_empty() {
                false
            } else if negated(words, start) {
                best = Hit::Negated;
                false
            } else {
                true
            }
        };
        match &self.starts {
            None => {
                if (0..words.len()).any(&mut check) {
                    return Hit::Found;
                }
            }
            Some(starts) => {
                for s in starts {
                    let found = match s {
                        Start::Stem(stem, key) => text.with_stem(stem, *key).any(&mut check),
                        Start::Prefix(p) => (0..words.len())
                            .filter(|&i| words[i].text.starts_with(p.as_str()))
                            .any(&mut check),
                    };
                    if found {
                        return Hit::Found;
                    }
                }
            }
        }
        best
    }
}

fn min_len(seq: &[Elem]) -> usize {
    seq.iter()
        .map(|e| match e {
            Elem::Word(..) | Elem::Prefix(_) => 1,
            Elem::Gap(_) => 0,
            Elem::Alt(alts) => alts.iter().map(|a| min_len(a)).min().unwrap_or(0),
        })
        .sum()
}

fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, PatternError> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut word_start = 0;
    let mut it = text.char_indices().peekable();
    let flush = |word: &mut String, start: usize, prefix: bool, toks: &mut Vec<(usize, Tok)>| {
        let w = word.trim_matches('_').to_string();
        word.clear();
        if w.is_empty() {
            if prefix {
                return Err(PatternError {
                    offset: start,
                    message: "`*` must follow a word".into(),
                });
            }
            return Ok(());
        }
        if !prefix && ARTICLES.contains(&w.as_str()) {
            return Ok(());
        }
        toks.push((start, Tok::Word { text: w, prefix }));
        Ok(())
    };
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() || c == '_' {
            if word.is_empty() {
                word_start = i;
            }
            word.extend(c.to_lowercase());
            continue;
        }
        if matches!(c, '\'' | '’')
            && !word.is_empty()
            && it.peek().is_some_and(|(_, n)| n.is_alphanumeric())
        {
            continue;
        }
        if c == '*' {
            let start = if word.is_empty() { i } else { word_start };
            flush(&mut word, start, true, &mut toks)?;
            continue;
        }
        flush(&mut word, word_start, false, &mut toks)?;
        match c {
            '(' => toks.push((i, Tok::Open)),
            ')' => toks.push((i, Tok::Close)),
            '|' => toks.push((i, Tok::Bar)),
            '.' if text[i..].starts_with("...") => {
                it.next();
                it.next();
                toks.push((i, Tok::Gap));
            }
            _ => {}
        }
    }
    flush(&mut word, word_start, false, &mut toks)?;
    Ok(toks)
}

/// Append to the alternative being built.
fn push_elem(alts: &mut [Vec<Elem>], e: Elem) {
    if let Some(seq) = alts.last_mut() {
        seq.push(e);
    }
}

fn parse_alts(
    toks: &[(usize, Tok)],
    i: &mut usize,
    depth: usize,
) -> Result<Vec<Vec<Elem>>, PatternError> {
    let mut alts = vec![Vec::new()];
    while let Some((off, tok)) = toks.get(*i) {
        match tok {
            Tok::Close => break,
            Tok::Bar => alts.push(Vec::new()),
            Tok::Gap => push_elem(&mut alts, Elem::Gap(GAP)),
            Tok::Word { text, prefix } => {
                let e = if *prefix {
                    Elem::Prefix(text.clone())
                } else {
                    let s = stem(text);
                    let k = word_key(&s);
                    Elem::Word(s, k)
                };
                push_elem(&mut alts, e);
            }
            Tok::Open => {
                if depth >= MAX_NESTING {
                    return Err(PatternError {
                        offset: *off,
                        message: "parentheses nested too deeply".into(),
                    });
                }
                *i += 1;
                let inner = parse_alts(toks, i, depth + 1)?;
                if !matches!(toks.get(*i), Some((_, Tok::Close))) {
                    return Err(PatternError {
                        offset: *off,
                        message: "unclosed `(`".into(),
                    });
                }
                if inner.iter().all(Vec::is_empty) {
                    return Err(PatternError {
                        offset: *off,
                        message: "empty `( )`".into(),
                    });
                }
                push_elem(&mut alts, Elem::Alt(inner));
            }
        }
        *i += 1;
    }
    if depth == 0 && alts.len() > 1 && alts.iter().any(Vec::is_empty) {
        return Err(PatternError {
            offset: 0,
            message: "an alternative of the pattern is empty".into(),
        });
    }
    Ok(alts)
}

/// Every word index where `seq` can end when it starts at one of `starts`,
/// staying inside `sentence`.
fn ends(seq: &[Elem], starts: Vec<usize>, words: &[Word], sentence: u32) -> Vec<usize> {
    let mut pos = starts;
    for e in seq {
        let mut next = Vec::new();
        for &p in &pos {
            let here = words.get(p).filter(|w| w.sentence == sentence);
            match e {
                Elem::Word(s, k) => {
                    if here.is_some_and(|w| w.key == *k && w.stem == *s) {
                        next.push(p + 1);
                    }
                }
                Elem::Prefix(pre) => {
                    if here.is_some_and(|w| w.text.starts_with(pre.as_str())) {
                        next.push(p + 1);
                    }
                }
                Elem::Gap(n) => {
                    next.push(p);
                    for k in 1..=*n {
                        match words.get(p + k - 1) {
                            // A gap never skips a negation: "lock ... protect"
                            // is not found in "a lock does not protect".
                            Some(w) if w.sentence == sentence && !is_negation(w) => {
                                next.push(p + k);
                            }
                            _ => break,
                        }
                    }
                }
                Elem::Alt(alts) => {
                    for alt in alts {
                        next.extend(ends(alt, vec![p], words, sentence));
                    }
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return next;
        }
        pos = next;
    }
    pos
}

fn is_negation(w: &Word) -> bool {
    NEGATIONS.contains(&w.text.as_str())
}

/// Is the match starting at `start` negated by a word shortly before it?
fn negated(words: &[Word], start: usize) -> bool {
    let clause = words[start].clause;
    for k in 1..=NEGATION_WINDOW.min(start) {
        let i = start - k;
        let w = &words[i];
        if w.clause != clause {
            break;
        }
        if is_negation(w) {
            let follower = &words[i + 1];
            if i + 1 < start && NOT_NEGATING.contains(&follower.text.as_str()) {
                continue;
            }
            return true;
        }
    }
    false
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
}

/// Grade a FreeText answer.
pub fn grade_text(rubric: &Rubric, answer: &str) -> RubricOutcome {
    let text = analyse(answer);
    let mut out = RubricOutcome {
        max: rubric.max_points(),
        ..RubricOutcome::default()
    };
    let mut earned = 0.0;
    for c in &rubric.concepts {
        match concept_hit(c, &text) {
            Hit::Found => {
                earned += c.points;
                out.found.push(c.label.clone());
            }
            Hit::Negated => {
                out.negated.push(c.label.clone());
                out.missed.push(c.label.clone());
            }
            Hit::Absent => out.missed.push(c.label.clone()),
        }
    }
    for m in &rubric.misconceptions {
        if concept_hit(m, &text) == Hit::Found {
            earned -= m.points;
            out.misconceptions.push(m.label.clone());
        }
    }
    out.points = earned.clamp(0.0, out.max);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn indexed_search_agrees_with_a_full_scan(
            pattern in "(lock|locks|thread|not|share|memory|the|sha|\\(|\\)|\\||\\.\\.\\.|\\*| ){1,14}",
            text in "(lock|locks|threads|not|shared|memory|the|sharing|, |\\. |; | ){0,40}",
        ) {
            if let Ok(p) = Pattern::parse(&pattern) {
                let a = analyse(&text);
                let full = Pattern { starts: None, ..p.clone() };
                prop_assert_eq!(p.find(&a), full.find(&a));
            }
        }
    }

    fn found(pattern: &str, text: &str) -> Hit {
        Pattern::parse(pattern).unwrap().find(&analyse(text))
    }

    #[test]
    fn stems_group_simple_word_forms() {
        let groups: &[&[&str]] = &[
            &["thread", "threads", "threaded", "threading"],
            &["share", "shares", "shared", "sharing"],
            &["lock", "locks", "locked", "locking"],
            &["process", "processes"],
            &["queue", "queues", "queued", "queuing"],
            &["block", "blocks", "blocked", "blocking"],
            &["release", "releases", "released", "releasing"],
            &["create", "creates", "created", "creating", "creation"],
            &[
                "protect",
                "protects",
                "protected",
                "protecting",
                "protection",
            ],
            &[
                "synchronize",
                "synchronise",
                "synchronized",
                "synchronised",
                "synchronizing",
                "synchronization",
                "synchronisation",
                "synchronizes",
            ],
            &["run", "runs", "running"],
            &["stop", "stops", "stopped", "stopping"],
            &["notify", "notifies", "notified"],
            &["safe", "safely"],
            &["mutex", "mutexes"],
            &["semaphore", "semaphores"],
            &["exception", "exceptions"],
            &["acquire", "acquires", "acquired", "acquiring"],
        ];
        for group in groups {
            let first = stem(group[0]);
            for w in group.iter() {
                assert_eq!(stem(w), first, "{w} vs {}", group[0]);
            }
        }
        // Different words stay different.
        assert_ne!(stem("process"), stem("processor"));
        assert_ne!(stem("one"), stem("on"));
        assert_ne!(stem("lock"), stem("rlock"));
        assert_eq!(stem("é"), "é");
    }

    #[test]
    fn words_ignore_case_articles_and_apostrophes() {
        let a = analyse("The GIL doesn't let __init__ run; threading.Thread, 1.5.2");
        let texts: Vec<_> = a.words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "gil",
                "doesnt",
                "let",
                "init",
                "run",
                "threading",
                "thread",
                "1",
                "5",
                "2"
            ]
        );
        assert_eq!(a.words[4].sentence, 0);
        assert_eq!(a.words[5].sentence, 1);
        assert_ne!(a.words[6].clause, a.words[7].clause);
    }

    #[test]
    fn line_breaks_split_sentences_only_at_lists_and_blank_lines() {
        let a = analyse("global interpreter\nlock\n- one thread\n\nat a time");
        let s: Vec<_> = a.words.iter().map(|w| w.sentence).collect();
        assert_eq!(s, [0, 0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn phrases_match_in_order_within_a_sentence() {
        let p = Pattern::phrase("one thread at a time").unwrap();
        assert_eq!(p.find(&analyse("Only ONE thread at the time!")), Hit::Found);
        assert_eq!(p.find(&analyse("one thread. at a time")), Hit::Absent);
        assert_eq!(p.find(&analyse("thread one at a time")), Hit::Absent);
    }

    #[test]
    fn pattern_syntax() {
        assert_eq!(
            found(
                "lock ... (critical section|mutual exclusion)",
                "a lock guards a critical section"
            ),
            Hit::Found
        );
        assert_eq!(
            found(
                "lock ... (critical section|mutual exclusion)",
                "a lock gives mutual exclusion"
            ),
            Hit::Found
        );
        assert_eq!(
            found(
                "lock ... mutual exclusion",
                "lock one two three four five six mutual exclusion"
            ),
            Hit::Absent
        );
        assert_eq!(
            found("synchron* threads", "synchronous threads"),
            Hit::Found
        );
        assert_eq!(
            found("(global|) interpreter lock", "interpreter lock"),
            Hit::Found
        );
        assert_eq!(
            found("gil | global interpreter lock", "the GIL"),
            Hit::Found
        );
        for (bad, offset, message) in [
            ("(lock", 0, "unclosed `(`"),
            ("lock)", 4, "unmatched `)`"),
            ("()", 0, "empty `( )`"),
            ("...", 0, "the pattern can match without any word"),
            ("... lock", 0, "a pattern cannot start or end with `...`"),
            ("lock | ", 0, "an alternative of the pattern is empty"),
            ("lock *", 5, "`*` must follow a word"),
        ] {
            assert_eq!(
                Pattern::parse(bad),
                Err(PatternError {
                    offset,
                    message: message.into()
                }),
                "{bad}"
            );
        }
        let deep = "(".repeat(100) + "x" + &")".repeat(100);
        assert!(Pattern::parse(&deep).is_err());
    }

    #[test]
    fn negation_before_a_match_cancels_it() {
        let p = "share memory";
        assert_eq!(found(p, "Threads share memory."), Hit::Found);
        assert_eq!(found(p, "Threads do not share memory."), Hit::Negated);
        assert_eq!(found(p, "Threads don't share memory."), Hit::Negated);
        assert_eq!(found(p, "Threads never really share memory."), Hit::Negated);
        // A clause boundary ends the negation.
        assert_eq!(
            found(p, "Processes do not, but threads share memory."),
            Hit::Found
        );
        assert_eq!(found(p, "Not processes; threads share memory."), Hit::Found);
        // "not only", "no more than" are not negations.
        assert_eq!(
            found("one thread", "no more than one thread runs"),
            Hit::Found
        );
        // Too far away to see (the documented limit).
        assert_eq!(
            found(p, "no, wait: it is not so clear that threads share memory"),
            Hit::Found
        );
        assert_eq!(
            found(
                "threads share memory",
                "it is not at all true that threads share memory"
            ),
            Hit::Found
        );
        assert_eq!(
            found(
                "threads share memory",
                "it is not true that threads share memory"
            ),
            Hit::Negated
        );
        // A gap never skips a negation.
        assert_eq!(
            found("lock ... protect*", "a lock protects data"),
            Hit::Found
        );
        assert_eq!(
            found("lock ... protect*", "a lock does not protect data"),
            Hit::Absent
        );
        assert_eq!(
            found("process* share", "unlike processes share"),
            Hit::Negated
        );
        // Found un-negated anywhere wins.
        assert_eq!(
            found(p, "Processes don't share memory; threads share memory."),
            Hit::Found
        );
    }
}
