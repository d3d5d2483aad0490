//! Word analysis of written answers: tokenising, stemming, informal
//! paraphrases, and typo tolerance.
//!
//! - **Words.** Text is lower-cased (Unicode-aware) and split into words of
//!   letters, digits and `_`; an apostrophe inside a word is dropped
//!   (`don't` → `dont`), underscores at a word's ends are dropped (`__init__` →
//!   `init`), and the articles *a*, *an*, *the* are ignored.
//! - **Sentences, clauses and turns.** Sentences end at `. ! ? ;`, at a blank
//!   line and at a list item; clauses also end at `, : ( ) —` and at *but,
//!   however, whereas, although, though, instead*; a *turn* ends only at a
//!   sentence end or one of those words (a comma continues a list, "but"
//!   turns the argument round).
//! - **Word forms.** Plain ASCII words are reduced by a small suffix stemmer
//!   ([`stem`]): plurals, `-ing`, `-ed`, `-tion`, `-ly`, `-ise`/`-ize`. Words
//!   that would merge with another word of different meaning keep their form
//!   ([`KEEP`]: `threading` the module is not `thread`, `processor` is not
//!   `process`).
//! - **Informal paraphrase.** A few informal phrasings are rewritten to the
//!   words a rubric uses ([`REWRITES`]): *lets go of* → *release*, *ctrl-c* →
//!   *KeyboardInterrupt*, *8 cores* → *multiple cores*, *u* → *you*.
//! - **Typos** ([`Vocabulary::correct`]): a word of five letters or more that
//!   is not a word of the rubric, not a key term and not a common word is
//!   read as the rubric word it is one edit away from (two from eight
//!   from seven letters; a swap of two letters is one edit), when exactly one such word
//!   exists. Key terms ([`KEY_TERMS`]) are never changed into another word.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Words that negate what follows them in the same clause.
pub const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nothing", "neither", "nor", "without", "cannot", "cant", "dont",
    "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt",
    "couldnt", "mustnt", "neednt", "hasnt", "havent", "hadnt", "aint", "unlike", "avoid",
];
/// Words that end a clause and a turn of the argument.
pub const CLAUSE_WORDS: &[&str] = &["but", "however", "whereas", "although", "though", "instead"];
pub const ARTICLES: &[&str] = &["a", "an", "the"];

/// Words the stemmer leaves alone because their stem would merge them with a
/// word of another meaning.
pub const KEEP: &[&str] = &[
    "threading",   // the module, not `thread`
    "processor",   // a CPU, not `process`
    "processors",  // idem
    "processing",  // multiprocessing's sense, not "a process"
    "conditional", // not `condition`
    "eventually",  // not `event`
    "locale",      // not `lock`
    "timing",      // not `time`
];

/// Key terms: never corrected into another word by typo tolerance, even
/// when they are one edit away from a rubric word (`rlock` is not `lock`,
/// `threading` is not `threads`).
pub const KEY_TERMS: &[&str] = &[
    "thread",
    "threads",
    "threading",
    "threaded",
    "process",
    "processes",
    "processor",
    "processors",
    "multiprocessing",
    "lock",
    "locks",
    "rlock",
    "rlocks",
    "semaphore",
    "semaphores",
    "condition",
    "conditions",
    "event",
    "events",
    "queue",
    "queues",
    "mutex",
    "mutexes",
    "interpreter",
    "exception",
    "exceptions",
    "finally",
    "except",
    "start",
    "starts",
    "started",
    "stop",
    "state",
    "stack",
    "run",
    "runs",
    "join",
    "joins",
    "share",
    "shares",
    "shared",
    "spare",
    "store",
    "score",
    "notify",
    "notice",
    "signal",
    "single",
    "simple",
    "sample",
    "atomic",
    "memory",
    "module",
    "models",
    "model",
    "global",
    "local",
    "locals",
    "parallel",
    "serial",
    "release",
    "realise",
    "realize",
    "acquire",
    "require",
    "polls",
    "pools",
    "pool",
    "poll",
    "print",
    "prints",
    "point",
    "files",
    "filed",
    "fills",
    "tests",
    "tasks",
    "tables",
    "labels",
    "levels",
    "block",
    "blocks",
    "black",
    "clock",
    "clocks",
    "socket",
    "sockets",
    "pocket",
    "cores",
    "course",
    "source",
    "sources",
];

/// Common words of five letters or more that are not typos of anything.
const COMMON: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "always",
    "another",
    "answer",
    "anything",
    "around",
    "because",
    "before",
    "being",
    "below",
    "between",
    "beyond",
    "cannot",
    "could",
    "doing",
    "during",
    "either",
    "enough",
    "every",
    "everything",
    "first",
    "other",
    "others",
    "their",
    "there",
    "these",
    "thing",
    "things",
    "think",
    "those",
    "three",
    "through",
    "under",
    "until",
    "using",
    "usually",
    "where",
    "which",
    "while",
    "whole",
    "would",
    "write",
    "wrong",
    "right",
    "should",
    "since",
    "still",
    "something",
    "really",
    "basically",
    "actually",
    "already",
    "instead",
    "rather",
    "maybe",
    "means",
    "later",
    "often",
    "place",
    "people",
    "program",
    "programs",
    "python",
    "means",
    "might",
    "never",
    "nothing",
    "other",
    "quite",
    "same",
    "small",
    "large",
    "great",
    "better",
    "worse",
    "faster",
    "slower",
    "easier",
    "harder",
    "makes",
    "making",
    "works",
    "working",
    "worker",
    "workers",
    "world",
    "value",
    "values",
    "variable",
    "variables",
    "object",
    "objects",
    "class",
    "classes",
    "method",
    "methods",
    "function",
    "functions",
    "happen",
    "happens",
    "inside",
    "outside",
    "within",
    "without",
    "whether",
    "order",
    "point",
    "points",
];

/// Informal phrasings and what they are read as. Each `from` is a word
/// sequence (as analysed: lower-case, apostrophes dropped, articles gone).
pub const REWRITES: &[(&[&str], &[&str])] = &[
    (&["lets", "go", "of"], &["releases"]),
    (&["let", "go", "of"], &["release"]),
    (&["letting", "go", "of"], &["releasing"]),
    (&["lets", "go"], &["releases"]),
    (&["let", "go"], &["release"]),
    (&["gives", "up"], &["releases"]),
    (&["give", "up"], &["release"]),
    (&["giving", "up"], &["releasing"]),
    (&["ctrl", "c"], &["keyboardinterrupt"]),
    (&["control", "c"], &["keyboardinterrupt"]),
    (&["ctl", "c"], &["keyboardinterrupt"]),
    (&["sys", "exit"], &["systemexit"]),
    (&["lots", "of"], &["many"]),
    (&["lot", "of"], &["many"]),
    (&["bunch", "of"], &["many"]),
    (&["tons", "of"], &["many"]),
    (&["spin", "up"], &["start"]),
    (&["kick", "off"], &["start"]),
    (&["kick", "it", "off"], &["start", "it"]),
    (&["kicks", "off"], &["starts"]),
    (&["fire", "up"], &["start"]),
    (&["number", "crunching"], &["cpu", "bound"]),
    (&["math", "heavy"], &["cpu", "bound"]),
    (&["w", "o"], &["without"]),
    (&["u"], &["you"]),
    (&["ur"], &["your"]),
    (&["bc"], &["because"]),
    (&["cuz"], &["because"]),
    (&["n"], &["and"]),
    (&["thru"], &["through"]),
    (&["grab"], &["acquire"]),
    (&["grabs"], &["acquires"]),
];

/// Nouns a claim can be about. A concept whose patterns start with some of
/// them is about those ([`crate::text::rubric`]).
pub const SUBJECTS: &[&str] = &[
    "thread",
    "process",
    "lock",
    "rlock",
    "semaphore",
    "condition",
    "event",
    "queue",
    "gil",
    "list",
];

/// One word of analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lower-cased, apostrophes and edge underscores removed (after typo
    /// correction, the rubric's word).
    pub text: String,
    /// [`stem`] of `text`.
    pub stem: String,
    /// [`word_key`] of `stem`: compared before the stem itself.
    pub(crate) key: u64,
    pub sentence: u32,
    pub clause: u32,
    /// Ends only at a sentence end or a clause word (*but*, *however*, …).
    pub turn: u32,
    /// When typo tolerance changed the word: what was written.
    pub written: Option<String>,
}

/// A 64-bit FNV-1a hash of a stem, so most comparisons are of integers.
pub(crate) fn word_key(stem: &str) -> u64 {
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
    /// How many segments (parts between `, ; .` and list items) the text
    /// has, the most words in one, and the words in all.
    pub segments: usize,
    pub longest_segment: usize,
    pub segment_words: usize,
}

impl Analysis {
    fn new(words: Vec<Word>, segments: (usize, usize, usize)) -> Analysis {
        let mut by_key: Vec<u32> = (0..words.len() as u32).collect();
        by_key.sort_unstable_by_key(|&i| words[i as usize].key);
        Analysis {
            words,
            by_key,
            segments: segments.0,
            longest_segment: segments.1,
            segment_words: segments.2,
        }
    }

    /// Indexes of the words with this stem (and its key).
    pub(crate) fn with_stem<'a>(
        &'a self,
        stem: &'a str,
        key: u64,
    ) -> impl Iterator<Item = usize> + 'a {
        let from = self
            .by_key
            .partition_point(|&i| self.words[i as usize].key < key);
        self.by_key[from..]
            .iter()
            .map(|&i| i as usize)
            .take_while(move |&i| self.words[i].key == key)
            .filter(move |&i| self.words[i].stem == stem)
    }

    /// A bare list of terms: at least three segments, none of more than
    /// three words, two words each on average ("memory, GIL, lightweight,
    /// locks").
    pub fn is_term_list(&self) -> bool {
        self.segments >= 3 && self.longest_segment <= 3 && self.segment_words <= 2 * self.segments
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

/// A word as tokenised, before rewriting and stemming.
struct Raw {
    text: String,
    sentence: u32,
    clause: u32,
    turn: u32,
}

/// Split text into words with their sentence, clause and turn numbers,
/// rewrite informal phrasings, and stem.
pub fn analyse(text: &str) -> Analysis {
    let mut raw: Vec<Raw> = Vec::new();
    let (mut sentence, mut clause, mut turn) = (0u32, 0u32, 0u32);
    // Segments for term-list detection: split at , ; . and list items.
    let mut seg = (0usize, 0usize, 0usize); // count, longest, words
    let mut in_segment = 0usize;
    let mut close_segment = |n: &mut usize| {
        if *n > 0 {
            seg.0 += 1;
            seg.1 = seg.1.max(*n);
            seg.2 += *n;
        }
        *n = 0;
    };
    let mut buf = String::new();
    let emit = |buf: &mut String, raw: &mut Vec<Raw>, s: u32, c: &mut u32, t: &mut u32| {
        let w = buf.trim_matches('_');
        if CLAUSE_WORDS.contains(&w) {
            *c += 1;
            *t += 1;
        } else if !w.is_empty() && !ARTICLES.contains(&w) {
            raw.push(Raw {
                text: w.to_string(),
                sentence: s,
                clause: *c,
                turn: *t,
            });
        }
        buf.clear();
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            if buf.is_empty() {
                in_segment += 1;
            }
            buf.extend(c.to_lowercase());
            continue;
        }
        let next_is_alnum = chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if matches!(c, '\'' | '’') && !buf.is_empty() && next_is_alnum {
            continue; // don't → dont
        }
        if !buf.is_empty() {
            emit(&mut buf, &mut raw, sentence, &mut clause, &mut turn);
        }
        let b = boundary(c, &text[i + c.len_utf8()..]);
        if b == 2 {
            sentence += 1;
            turn += 1;
        }
        if b >= 1 {
            clause += 1;
        }
        if b == 2 || c == ',' {
            close_segment(&mut in_segment);
        }
    }
    emit(&mut buf, &mut raw, sentence, &mut clause, &mut turn);
    close_segment(&mut in_segment);
    let words = rewrite(raw)
        .into_iter()
        .map(|r| {
            let stem = stem(&r.text);
            Word {
                key: word_key(&stem),
                stem,
                text: r.text,
                sentence: r.sentence,
                clause: r.clause,
                turn: r.turn,
                written: None,
            }
        })
        .collect();
    Analysis::new(words, seg)
}

/// Apply [`REWRITES`] and read a number of 2 or more before *cores*, *CPUs*
/// or *processors* as *multiple*. Linear: each position tries the few
/// rewrites that start with its word.
fn rewrite(mut raw: Vec<Raw>) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        static FIRST: OnceLock<HashSet<&'static str>> = OnceLock::new();
        let first = FIRST.get_or_init(|| REWRITES.iter().map(|(from, _)| from[0]).collect());
        let hit = first
            .contains(raw[i].text.as_str())
            .then(|| {
                REWRITES.iter().find(|(from, _)| {
                    from[0] == raw[i].text
                        && i + from.len() <= raw.len()
                        && from.iter().enumerate().all(|(k, f)| {
                            raw[i + k].text == *f && raw[i + k].sentence == raw[i].sentence
                        })
                })
            })
            .flatten();
        let (sentence, clause, turn) = (raw[i].sentence, raw[i].clause, raw[i].turn);
        if let Some((from, to)) = hit {
            for t in *to {
                out.push(Raw {
                    text: (*t).to_string(),
                    sentence,
                    clause,
                    turn,
                });
            }
            i += from.len();
            continue;
        }
        let r = &raw[i];
        let many = r.text.len() <= 4
            && r.text.bytes().all(|b| b.is_ascii_digit())
            && r.text.parse::<u32>().is_ok_and(|n| n >= 2)
            && raw.get(i + 1).is_some_and(|n| {
                n.sentence == sentence
                    && ["core", "cores", "cpu", "cpus", "processor", "processors"]
                        .contains(&n.text.as_str())
            });
        let text = if many {
            "multiple".to_string()
        } else {
            std::mem::take(&mut raw[i].text)
        };
        out.push(Raw {
            text,
            sentence,
            clause,
            turn,
        });
        i += 1;
    }
    out
}

/// Reduce an English word to a stem shared by its simple forms. Both the
/// answer and the rubric go through it, so it only has to be consistent, not
/// linguistically right. Non-ASCII words, words under three letters and the
/// words of [`KEEP`] are returned as they are.
pub fn stem(word: &str) -> String {
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) || KEEP.contains(&word) {
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

/// Is this word a negation?
pub fn is_negation(w: &Word) -> bool {
    NEGATIONS.contains(&w.text.as_str())
}

/// Optimal string alignment distance (Damerau–Levenshtein where a swap of
/// two neighbouring letters is one edit) between two ASCII strings, or
/// `None` when it is more than `max`. O(len²) on words of a few letters.
pub fn edit_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    const N: usize = 65;
    if a.len().abs_diff(b.len()) > max || a.len() >= N || b.len() >= N {
        return None;
    }
    // Three rows (the swap looks two rows back), on the stack.
    let mut two_back = [0usize; N];
    let mut prev = [0usize; N];
    let mut cur = [0usize; N];
    for (j, cell) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(two_back[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        two_back = prev;
        prev = cur;
    }
    let v = prev[b.len()];
    (v <= max).then_some(v)
}

/// How many edits a written word of this length may be from a rubric word.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5 | 6 => 1,
        _ => 2,
    }
}

/// The words and prefixes of a rubric, for typo tolerance.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Stems of the rubric's words.
    stems: HashSet<String>,
    /// Full words (and prefixes, marked `true`) to correct towards, by first
    /// letter.
    targets: Vec<Vec<(String, bool)>>,
}

impl Vocabulary {
    /// Add a word of a pattern (`prefix`: a `word*`).
    pub fn add(&mut self, word: &str, prefix: bool) {
        if self.targets.is_empty() {
            self.targets = vec![Vec::new(); 26];
        }
        if !prefix {
            self.stems.insert(stem(word));
        }
        let first = word.bytes().next().unwrap_or(b'_');
        if first.is_ascii_lowercase()
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && word.len() >= if prefix { 4 } else { 5 }
        {
            let list = &mut self.targets[usize::from(first - b'a')];
            if !list.iter().any(|(w, p)| w == word && *p == prefix) {
                list.push((word.to_string(), prefix));
            }
        }
    }

    /// The rubric word a written word is a typo of, if exactly one fits:
    /// the corrected text (for a prefix, the prefix and the rest of the
    /// written word).
    fn correction(&self, written: &str, stem_of: &str) -> Option<String> {
        static NEVER: OnceLock<HashSet<&'static str>> = OnceLock::new();
        let never = NEVER.get_or_init(|| KEY_TERMS.iter().chain(COMMON).copied().collect());
        let max = allowed_edits(written.len());
        if max == 0
            || !written.bytes().all(|b| b.is_ascii_lowercase())
            || self.stems.contains(stem_of)
            || never.contains(written)
        {
            return None;
        }
        let first = usize::from(written.as_bytes()[0] - b'a');
        let bucket = self.targets.get(first)?;
        if bucket
            .iter()
            .any(|(t, prefix)| *prefix && written.starts_with(t.as_str()))
        {
            return None; // a prefix of the rubric already takes it
        }
        let mut found: Option<String> = None;
        for (target, prefix) in bucket {
            let fixed = if *prefix {
                // The written word's first p-1, p or p+1 letters as the
                // prefix (the closest; the longer on a tie).
                let p = target.len();
                (p.saturating_sub(1)..=p + 1)
                    .rev()
                    .filter(|&l| l >= 3 && l <= written.len())
                    .filter_map(|l| {
                        edit_distance(&written.as_bytes()[..l], target.as_bytes(), 1)
                            .map(|d| (d, l))
                    })
                    .min_by_key(|&(d, _)| d)
                    .map(|(_, l)| format!("{target}{}", &written[l..]))
            } else {
                let s = stem(target);
                (edit_distance(written.as_bytes(), target.as_bytes(), max).is_some()
                    || edit_distance(stem_of.as_bytes(), s.as_bytes(), max).is_some())
                .then(|| target.clone())
            };
            if let Some(f) = fixed {
                if found.as_ref().is_some_and(|g| stem(g) != stem(&f)) {
                    return None; // ambiguous
                }
                found = Some(f);
            }
        }
        found
    }

    /// The analysis with its typos read as this vocabulary's words.
    pub fn correct(&self, mut text: Analysis) -> Analysis {
        let mut changed = false;
        // Each distinct word is looked at once.
        let mut seen: std::collections::HashMap<String, Option<String>> =
            std::collections::HashMap::new();
        static NEVER: OnceLock<HashSet<&'static str>> = OnceLock::new();
        let never = NEVER.get_or_init(|| KEY_TERMS.iter().chain(COMMON).copied().collect());
        for w in &mut text.words {
            if allowed_edits(w.text.len()) == 0
                || self.stems.contains(&w.stem)
                || never.contains(w.text.as_str())
            {
                continue;
            }
            let fixed = match seen.get(&w.text) {
                Some(f) => f.clone(),
                None => {
                    let f = self.correction(&w.text, &w.stem);
                    seen.insert(w.text.clone(), f.clone());
                    f
                }
            };
            if let Some(fixed) = fixed {
                changed = true;
                w.stem = stem(&fixed);
                w.key = word_key(&w.stem);
                w.written = Some(std::mem::replace(&mut w.text, fixed));
            }
        }
        if !changed {
            return text;
        }
        let seg = (text.segments, text.longest_segment, text.segment_words);
        Analysis::new(text.words, seg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_group_simple_word_forms() {
        let groups: &[&[&str]] = &[
            &["thread", "threads", "threaded"],
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
        assert_ne!(stem("threading"), stem("thread"));
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
    fn informal_phrasings_are_read_as_the_rubric_words() {
        let texts =
            |s: &str| -> Vec<String> { analyse(s).words.into_iter().map(|w| w.text).collect() };
        assert_eq!(texts("it lets go of it"), ["it", "releases", "it"]);
        assert_eq!(
            texts("don't eat ctrl-c"),
            ["dont", "eat", "keyboardinterrupt"]
        );
        assert_eq!(
            texts("even with 8 cores"),
            ["even", "with", "multiple", "cores"]
        );
        assert_eq!(texts("8 threads"), ["8", "threads"]);
        assert_eq!(texts("1 core"), ["1", "core"]);
        assert_eq!(texts("u need sys.exit"), ["you", "need", "systemexit"]);
    }

    #[test]
    fn term_lists_are_recognised() {
        assert!(analyse("memory, GIL, lightweight, locks, concurrency").is_term_list());
        assert!(analyse("try, except, finally, SystemExit").is_term_list());
        assert!(
            !analyse("Subclass threading.Thread, override run(), then call start().")
                .is_term_list()
        );
        assert!(!analyse("Threads share memory, processes don't.").is_term_list());
        assert!(
            !analyse(
                "Lock: mutual exclusion. RLock: a re-entrant lock. Event: a flag threads wait on."
            )
            .is_term_list()
        );
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance(b"finaly", b"finally", 2), Some(1));
        assert_eq!(edit_distance(b"strat", b"start", 2), Some(1));
        assert_eq!(edit_distance(b"semafore", b"semaphore", 2), Some(2));
        assert_eq!(edit_distance(b"thread", b"process", 2), None);
        assert_eq!(edit_distance(b"", b"ab", 2), Some(2));
    }

    fn vocab(words: &[(&str, bool)]) -> Vocabulary {
        let mut v = Vocabulary::default();
        for (w, p) in words {
            v.add(w, *p);
        }
        v
    }

    #[test]
    fn typos_are_read_as_rubric_words() {
        let v = vocab(&[
            ("interpreter", false),
            ("finally", false),
            ("condition", true),
            ("except", true),
            ("semaphore", true),
            ("lock", false),
            ("thread", false),
        ]);
        let fixed = |s: &str| -> Vec<String> {
            v.correct(analyse(s))
                .words
                .into_iter()
                .map(|w| w.text)
                .collect()
        };
        assert_eq!(fixed("interpeter"), ["interpreter"]);
        assert_eq!(fixed("finaly"), ["finally"]);
        assert_eq!(fixed("Conditon"), ["condition"]);
        assert!(fixed("exeption")[0].starts_with("except"));
        assert_eq!(fixed("thred"), ["thread"]);
        // Short words, key terms and common words are never changed.
        assert_eq!(fixed("lok"), ["lok"]);
        assert_eq!(fixed("rlock"), ["rlock"]);
        assert_eq!(fixed("threading"), ["threading"]);
        assert_eq!(fixed("processor"), ["processor"]);
        assert_eq!(fixed("semaphores"), ["semaphores"]);
        let a = v.correct(analyse("finaly"));
        assert_eq!(a.words[0].written.as_deref(), Some("finaly"));
    }
}
