//! The rubric pattern language: phrases and patterns compiled once, matched
//! against analysed text ([`crate::text::words`]).
//!
//! A **phrase** is a word sequence that must appear in order inside one
//! sentence. A **pattern** adds a little syntax ([`Pattern::parse`]):
//! `(a b|c)` alternatives (an empty one makes the group optional), `word*` a
//! prefix, `...` a gap of up to [`GAP`] words that never skips a negation,
//! `^` the start of a sentence, and a top-level `|` between whole
//! alternatives.
//!
//! A match does not count when one of the [`NEGATION_WINDOW`] words before
//! it, in the same clause, is a negation ("threads do **not** share
//! memory"); "not only", "no more than", "no less than", "not just", "no
//! matter", "no doubt" are not negations.

use super::words::{Analysis, Vocabulary, Word, is_negation, stem, word_key};
use crate::text::words::ARTICLES;

/// Largest number of words a `...` in a pattern can skip.
pub const GAP: usize = 5;
/// How many words before a match are searched for a negation.
pub const NEGATION_WINDOW: usize = 3;

/// Words that, right after a negation, mean it negates nothing that follows
/// ("not only", "no more than").
const NOT_NEGATING: &[&str] = &["only", "just", "merely", "more", "less", "matter", "doubt"];

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
    /// The start of a sentence (`^`).
    Start,
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
            Elem::Start => {}
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

/// A pattern that does not parse, with the byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub offset: usize,
    pub message: String,
}

/// Whether, and how, a pattern or concept shows in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    Absent,
    /// Only mentioned to be negated.
    Negated,
    Found,
}

/// Where a pattern matched: word indexes `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// A negation shortly before it cancels it.
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Bar,
    Gap,
    Caret,
    Word { text: String, prefix: bool },
}

/// Nesting deeper than this in a pattern is refused (it is never needed).
const MAX_NESTING: usize = 16;

impl Pattern {
    fn new(seq: Vec<Elem>) -> Pattern {
        let starts = first_words(&seq).and_then(|(s, empty)| (!empty).then_some(s));
        Pattern { seq, starts }
    }

    /// A literal phrase: its words in order. Punctuation separates words.
    pub fn phrase(text: &str) -> Result<Pattern, PatternError> {
        let seq: Vec<Elem> = super::words::analyse(text)
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
    /// [`GAP`] words), `^` (start of a sentence), `( … | … )` (alternatives;
    /// an empty alternative makes the group optional) and a top-level `|`
    /// between whole alternatives.
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
        let edge = |e: Option<&Elem>| matches!(e, Some(Elem::Gap(_)));
        if edge(seq.iter().find(|e| !matches!(e, Elem::Start))) || edge(seq.last()) {
            return Err(PatternError {
                offset: 0,
                message: "a pattern cannot start or end with `...`".into(),
            });
        }
        Ok(Pattern::new(seq))
    }

    /// Add the pattern's words and prefixes to a vocabulary.
    pub fn add_words(&self, v: &mut Vocabulary) {
        fn walk(seq: &[Elem], v: &mut Vocabulary) {
            for e in seq {
                match e {
                    Elem::Word(s, _) => v.add(s, false),
                    Elem::Prefix(p) => v.add(p, true),
                    Elem::Alt(alts) => alts.iter().for_each(|a| walk(a, v)),
                    Elem::Gap(_) | Elem::Start => {}
                }
            }
        }
        walk(&self.seq, v);
    }

    /// The first word of the pattern when it is a single word or prefix (not
    /// an alternative): what a concept is about when it is a subject noun.
    pub fn first_word(&self) -> Option<&str> {
        match self.seq.iter().find(|e| !matches!(e, Elem::Start))? {
            Elem::Word(s, _) => Some(s.as_str()),
            Elem::Prefix(p) => Some(p.as_str()),
            Elem::Gap(_) | Elem::Alt(_) | Elem::Start => None,
        }
    }

    /// Every place the pattern matches, by start word (the longest match from
    /// each start), negated or not, in order of the words it starts with.
    pub fn spans(&self, text: &Analysis) -> Vec<Span> {
        let mut out = Vec::new();
        self.each_span(text, |s| {
            out.push(s);
            false
        });
        out.sort_unstable_by_key(|s| s.start);
        out.dedup_by_key(|s| s.start);
        out
    }

    /// Call `f` with each place the pattern matches until it returns true
    /// (a start may come twice when the pattern can start with two forms of
    /// one word). Returns whether `f` stopped it.
    pub fn each_span(&self, text: &Analysis, mut f: impl FnMut(Span) -> bool) -> bool {
        let words = &text.words;
        let mut check = |start: usize| match ends(
            &self.seq,
            vec![start],
            words,
            words[start].sentence,
        )
        .last()
        {
            Some(&end) => f(Span {
                start,
                end,
                negated: negated(words, start),
            }),
            None => false,
        };
        match &self.starts {
            None => (0..words.len()).any(&mut check),
            Some(starts) => starts.iter().any(|s| match s {
                Start::Stem(stem, key) => text.with_stem(stem, *key).any(&mut check),
                Start::Prefix(p) => (0..words.len())
                    .filter(|&i| words[i].text.starts_with(p.as_str()))
                    .any(&mut check),
            }),
        }
    }

    /// Where the pattern shows in the analysed text.
    pub fn find(&self, text: &Analysis) -> Hit {
        let mut best = Hit::Absent;
        let found = self.each_span(text, |s| {
            if s.negated {
                best = Hit::Negated;
                false
            } else {
                true
            }
        });
        if found { Hit::Found } else { best }
    }
}

fn min_len(seq: &[Elem]) -> usize {
    seq.iter()
        .map(|e| match e {
            Elem::Word(..) | Elem::Prefix(_) => 1,
            Elem::Gap(_) | Elem::Start => 0,
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
            '^' => toks.push((i, Tok::Caret)),
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
            Tok::Caret => push_elem(&mut alts, Elem::Start),
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
                Elem::Start => {
                    if p == 0 || words[p - 1].sentence != sentence {
                        next.push(p);
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

/// Is the match starting at `start` negated by a word shortly before it?
pub fn negated(words: &[Word], start: usize) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::analyse;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn indexed_search_agrees_with_a_full_scan(
            pattern in "(lock|locks|thread|not|share|memory|the|sha|\\^|\\(|\\)|\\||\\.\\.\\.|\\*| ){1,14}",
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
        assert_eq!(found("^ share file*", "Share files freely."), Hit::Found);
        assert_eq!(found("^ share file*", "Never share files."), Hit::Absent);
        assert_eq!(found("^ share file*", "Ok. Share files."), Hit::Found);
        for (bad, offset, message) in [
            ("(lock", 0, "unclosed `(`"),
            ("lock)", 4, "unmatched `)`"),
            ("()", 0, "empty `( )`"),
            ("...", 0, "the pattern can match without any word"),
            ("^", 0, "the pattern can match without any word"),
            ("... lock", 0, "a pattern cannot start or end with `...`"),
            ("^ ... lock", 0, "a pattern cannot start or end with `...`"),
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
        assert_eq!(
            found(p, "Processes do not, but threads share memory."),
            Hit::Found
        );
        assert_eq!(found(p, "Not processes; threads share memory."), Hit::Found);
        assert_eq!(
            found("one thread", "no more than one thread runs"),
            Hit::Found
        );
        assert_eq!(
            found(
                "threads share memory",
                "it is not true that threads share memory"
            ),
            Hit::Negated
        );
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
        assert_eq!(
            found(p, "Processes don't share memory; threads share memory."),
            Hit::Found
        );
        assert_eq!(found("share file*", "avoid sharing files"), Hit::Negated);
    }

    #[test]
    fn spans_give_where_a_pattern_matched() {
        let p = Pattern::parse("thread* ... share*").unwrap();
        let a = analyse("Threads in one process share memory. Threads share.");
        let spans = p.spans(&a);
        assert_eq!(spans.len(), 2);
        assert_eq!(
            (spans[0].start, spans[0].end, spans[0].negated),
            (0, 5, false)
        );
        assert_eq!(spans[1].start, 6);
    }
}
