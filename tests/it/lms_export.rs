//! `threadtutor export --format moodle-xml|gift|qti`: the quizzes for a
//! learning-management system. The output is parsed back: the XML formats
//! with quick-xml into a small tree, GIFT with a tokenizer written here
//! from the format's rules (backslash escapes, `::name::`, `{...}`).
//! Every question is written, with its answers and alternatives, and what a
//! format cannot hold exactly is listed on stderr.

use std::path::Path;
use std::process::Command;

use quick_xml::events::Event;
use threadtutor::content::quiz::kinds::lms::Lms;
use threadtutor::content::quiz::{QuestionKind, Quiz, option_line, parse_quiz};
use threadtutor::content::{Content, Source, load};
use threadtutor::export::lms::render;

/// A quiz whose texts hold every GIFT special character and XML's.
const SPECIALS: &str = r#####"
title = "Specials: {braces} = ~tilde #hash :colon & <tags>"

[[questions]]
id = "mc-special"
type = "MultipleChoice"
prompt.prompt = "Which is `{a: 1}` = ~x #y & <b>?"
prompt.distractors = ["{b: 2}", "a = ~b", "\\ back"]
answer.answer = ["{a: 1}", "#c: d"]
context = "Braces {} and colons : everywhere."

[[questions]]
id = "mc-one"
type = "MultipleChoice"
prompt.prompt = "Pick one"
prompt.distractors = ["no", "nope"]
answer.answer = "yes = right"

[[questions]]
id = "sa-special"
type = "ShortAnswer"
prompt.prompt = "Name the method: x = {}?"
answer.answer = "is_alive()"
answer.alternatives = ["t.is_alive", "a*b {c}"]

[[questions]]
id = "ft"
type = "FreeText"
prompt.prompt = "Why use a lock?"
answer.model = "A lock protects shared data."

[[questions.answer.concepts]]
label = "protects shared data {#1}"
points = 2
phrases = ["protects shared data"]

[[questions]]
id = "match"
type = "Matching"
prompt.prompt = "Match them."
prompt.distractors = ["nothing: {}"]

[questions.answer.pairs]
"Lock()" = "one = at a time"
"Event()" = "wait ~ for a flag"
"Queue()" = "hand over: work"

[[questions]]
id = "order"
type = "Ordering"
prompt.prompt = "In order:"
answer.steps = ["start {1}", "run: #2", "join ~3"]

[[questions]]
id = "trace"
type = "Tracing"
prompt.language = "python"
prompt.program = "print('{x}')"
answer.doesCompile = true
answer.stdout = "{x}"
"#####;

fn specials() -> Quiz {
    parse_quiz("specials", "specials.toml", SPECIALS).unwrap_or_else(|d| panic!("{d:?}"))
}

/// The embedded content with only the given quizzes.
fn content_with(quizzes: Vec<Quiz>) -> Content {
    let mut c = load(&Source::Embedded).unwrap();
    c.quizzes = quizzes;
    c
}

fn embedded() -> Content {
    load(&Source::Embedded).unwrap()
}

fn total_questions(c: &Content) -> usize {
    c.quizzes.iter().map(|q| q.questions.len()).sum()
}

// ---- a small XML tree -------------------------------------------------

#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &str, out: &mut Vec<&'a El>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.all(name, out);
        }
    }
    fn find_all(&self, name: &str) -> Vec<&El> {
        let mut v = Vec::new();
        self.all(name, &mut v);
        v
    }
    /// The text of `<child><text>…</text></child>`.
    fn text_of(&self, child: &str) -> Option<&str> {
        Some(self.child(child)?.child("text")?.text.as_str())
    }
}

/// Parse a whole document (well-formedness: tags balanced and named
/// alike, entities known, one root), or say why not.
fn parse_xml(doc: &str) -> Result<El, String> {
    let mut reader = quick_xml::Reader::from_str(doc);
    let mut stack: Vec<El> = vec![El::default()];
    let v = quick_xml::XmlVersion::Implicit1_0;
    let start = |e: &quick_xml::events::BytesStart| -> Result<El, String> {
        let mut el = El {
            name: e.local_name().as_ref().to_string(),
            ..El::default()
        };
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            el.attrs.push((
                a.key.local_name().as_ref().to_string(),
                a.normalized_value(v)
                    .map_err(|e| e.to_string())?
                    .into_owned(),
            ));
        }
        Ok(el)
    };
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("at {}: {e}", reader.buffer_position()))?
        {
            Event::Start(e) => stack.push(start(&e)?),
            Event::Empty(e) => {
                let el = start(&e)?;
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().ok_or("unbalanced")?.children.push(el);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml_content(v)),
            Event::CData(t) => stack.last_mut().unwrap().text.push_str(&t.xml_content(v)),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    let mut top = stack.pop().ok_or("unbalanced")?;
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    if top.children.len() != 1 || !top.text.trim().is_empty() {
        return Err("not exactly one root element".into());
    }
    Ok(top.children.remove(0))
}

// ---- a GIFT tokenizer -------------------------------------------------

/// One GIFT question: its title, its text (unescaped) and its answer block
/// split into answers (`=` or `~` with an optional `%weight%`, matching
/// `->`), and its general feedback (`####`).
#[derive(Debug, Default)]
struct GiftQuestion {
    title: String,
    text: String,
    answers: Vec<(char, Option<String>, String)>,
    feedback: Option<String>,
}

/// Characters of `s` with GIFT escapes resolved: (char, was escaped).
fn gift_chars(s: &str) -> Vec<(char, bool)> {
    let mut out = Vec::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push(('\n', true)),
                Some(e) => out.push((e, true)),
                None => out.push(('\\', false)),
            }
        } else {
            out.push((c, false));
        }
    }
    out
}

fn unescaped(cs: &[(char, bool)]) -> String {
    cs.iter().map(|(c, _)| c).collect()
}

/// Split at unescaped `at` (a one- or two-character marker).
fn split_unescaped(cs: &[(char, bool)], at: &[char]) -> Vec<Vec<(char, bool)>> {
    let mut parts = vec![Vec::new()];
    let mut i = 0;
    while i < cs.len() {
        if cs[i..].len() >= at.len()
            && cs[i..i + at.len()]
                .iter()
                .zip(at)
                .all(|((c, esc), a)| !esc && c == a)
        {
            parts.push(Vec::new());
            i += at.len();
        } else {
            parts.last_mut().unwrap().push(cs[i]);
            i += 1;
        }
    }
    parts
}

fn parse_gift(doc: &str) -> Result<Vec<GiftQuestion>, String> {
    let mut out = Vec::new();
    // Questions are separated by blank lines; comments and $CATEGORY lines
    // stand alone.
    for block in doc.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .filter(|l| !l.starts_with("//") && !l.starts_with("$CATEGORY:"))
            .collect();
        if lines.is_empty() {
            continue;
        }
        let q = lines.join("\n");
        let cs = gift_chars(&q);
        // ::title::
        let parts = split_unescaped(&cs, &[':', ':']);
        if parts.len() != 3 || !parts[0].is_empty() {
            return Err(format!("no ::title:: (unescaped `::` inside?) in {q:?}"));
        }
        let title = unescaped(&parts[1]);
        let rest = &parts[2];
        let open: Vec<usize> = (0..rest.len())
            .filter(|&i| rest[i] == ('{', false))
            .collect();
        let close: Vec<usize> = (0..rest.len())
            .filter(|&i| rest[i] == ('}', false))
            .collect();
        if open.len() != 1 || close.len() != 1 || close[0] + 1 != rest.len() {
            return Err(format!("not one {{answer block}} at the end: {q:?}"));
        }
        // Strict: every special character in the title and the text is
        // escaped (GIFT's rule; a lone `:` or `=` there can confuse Moodle).
        for &(c, esc) in parts[1].iter().chain(&rest[..open[0]]) {
            if !esc && matches!(c, '~' | '=' | '#' | '{' | '}' | ':') {
                return Err(format!("unescaped {c:?} in the title or text of {q:?}"));
            }
        }
        let text = unescaped(&rest[..open[0]]);
        let mut inside = rest[open[0] + 1..close[0]].to_vec();
        let mut gq = GiftQuestion {
            title,
            text: text.strip_prefix("[markdown]").unwrap_or(&text).to_string(),
            ..GiftQuestion::default()
        };
        let fb = split_unescaped(&inside, &['#', '#', '#', '#']);
        if fb.len() == 2 {
            gq.feedback = Some(unescaped(&fb[1]));
            inside = fb[0].clone();
        } else if fb.len() > 2 {
            return Err(format!("several general feedbacks: {q:?}"));
        }
        // Answers start at an unescaped = or ~.
        let mut current: Option<(char, Vec<(char, bool)>)> = None;
        for &(c, esc) in &inside {
            if !esc && (c == '=' || c == '~') {
                if let Some((k, a)) = current.take() {
                    gq.answers.push(answer(k, &a)?);
                }
                current = Some((c, Vec::new()));
            } else if let Some((_, a)) = &mut current {
                a.push((c, esc));
            } else if !c.is_whitespace() {
                return Err(format!("text before the first answer: {q:?}"));
            }
        }
        if let Some((k, a)) = current.take() {
            gq.answers.push(answer(k, &a)?);
        }
        out.push(gq);
    }
    Ok(out)
}

/// An answer's weight (`%50%`) and text; any unescaped special character
/// left in it is an error (it would have been escaped).
fn answer(kind: char, a: &[(char, bool)]) -> Result<(char, Option<String>, String), String> {
    let mut a = a.to_vec();
    let mut weight = None;
    if a.first() == Some(&('%', false)) {
        let end = a[1..]
            .iter()
            .position(|&x| x == ('%', false))
            .ok_or("unclosed %weight%")?;
        weight = Some(unescaped(&a[1..end + 1]));
        a.drain(..end + 2);
    }
    for &(c, esc) in &a {
        if !esc && matches!(c, '{' | '}' | '=' | '~' | '#') {
            return Err(format!("unescaped {c:?} in answer {:?}", unescaped(&a)));
        }
    }
    Ok((kind, weight, unescaped(&a).trim().to_string()))
}

// ---- tests ------------------------------------------------------------

#[test]
fn moodle_xml_has_every_question_with_its_answers() {
    let content = embedded();
    let e = render(&content, Lms::MoodleXml);
    let root = parse_xml(&e.text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(root.name, "quiz");
    let questions: Vec<&El> = root
        .find_all("question")
        .into_iter()
        .filter(|q| q.attr("type") != Some("category"))
        .collect();
    assert_eq!(questions.len(), total_questions(&content));
    assert_eq!(e.written, total_questions(&content));
    let all = content
        .quizzes
        .iter()
        .flat_map(|quiz| quiz.questions.iter().map(move |q| (quiz, q)));
    for ((quiz, q), x) in all.zip(&questions) {
        assert_eq!(
            x.text_of("name"),
            Some(format!("{}: {}", quiz.id, q.key()).as_str())
        );
        let answers: Vec<&El> = x.children.iter().filter(|c| c.name == "answer").collect();
        let texts: Vec<&str> = answers
            .iter()
            .map(|a| a.child("text").unwrap().text.as_str())
            .collect();
        match &q.kind {
            QuestionKind::MultipleChoice(mc) => {
                assert_eq!(x.attr("type"), Some("multichoice"));
                assert_eq!(
                    x.child("single").unwrap().text,
                    (!mc.multiple).to_string(),
                    "{}",
                    q.key()
                );
                assert_eq!(answers.len(), mc.options().len());
                let mut right = 0.0;
                for a in &answers {
                    let f: f64 = a.attr("fraction").unwrap().parse().unwrap();
                    let t = &a.child("text").unwrap().text;
                    let is_answer = mc.answers.iter().any(|o| o.trim() == t);
                    assert_eq!(f > 0.0, is_answer, "{}: {t}", q.key());
                    if f > 0.0 {
                        right += f;
                    }
                }
                assert!((right - 100.0).abs() < 0.001, "{}: {right}", q.key());
            }
            QuestionKind::ShortAnswer(sa) => {
                assert_eq!(x.attr("type"), Some("shortanswer"));
                for alt in std::iter::once(&sa.answer).chain(&sa.alternatives) {
                    assert!(
                        texts.contains(&alt.trim()),
                        "{}: {alt} not in {texts:?}",
                        q.key()
                    );
                }
            }
            QuestionKind::Matching(m) => {
                assert_eq!(x.attr("type"), Some("matching"));
                let subs = x.find_all("subquestion");
                assert_eq!(subs.len(), m.right_options().len());
                for (l, r) in &m.pairs {
                    assert!(
                        subs.iter()
                            .any(|s| s.child("text").unwrap().text == l.trim()
                                && s.child("answer").unwrap().child("text").unwrap().text
                                    == option_line(r))
                    );
                }
            }
            QuestionKind::Ordering(o) => {
                assert_eq!(x.attr("type"), Some("ordering"));
                let steps: Vec<String> = o.steps.iter().map(|s| s.trim().to_string()).collect();
                assert_eq!(texts, steps.iter().map(String::as_str).collect::<Vec<_>>());
            }
            QuestionKind::FreeText(f) => {
                assert_eq!(x.attr("type"), Some("essay"));
                let info = x.text_of("graderinfo").unwrap();
                for c in &f.rubric.concepts {
                    assert!(info.contains(&c.label), "{}: {}", q.key(), c.label);
                }
            }
            QuestionKind::Tracing(t) => {
                assert_eq!(x.attr("type"), Some("essay"));
                assert!(
                    x.text_of("questiontext")
                        .unwrap()
                        .contains(t.program.trim_end())
                );
                assert!(x.text_of("graderinfo").unwrap().contains("Expected answer"));
            }
        }
    }
}

#[test]
fn qti_is_well_formed_with_one_item_per_question() {
    let content = embedded();
    let e = render(&content, Lms::Qti);
    let root = parse_xml(&e.text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(root.name, "questestinterop");
    let sections = root.find_all("section");
    assert_eq!(sections.len(), content.quizzes.len());
    let items = root.find_all("item");
    assert_eq!(items.len(), total_questions(&content));
    let all = content
        .quizzes
        .iter()
        .flat_map(|quiz| quiz.questions.iter());
    for (q, item) in all.zip(&items) {
        let fields = item.find_all("qtimetadatafield");
        let field = |label: &str| {
            fields
                .iter()
                .find(|f| f.child("fieldlabel").unwrap().text == label)
                .map(|f| f.child("fieldentry").unwrap().text.clone())
        };
        let qtype = field("question_type").unwrap();
        let points: f64 = field("points_possible").unwrap().parse().unwrap();
        assert!((points - q.max_points()).abs() < 0.01, "{}", q.key());
        let equals: Vec<String> = item
            .find_all("varequal")
            .iter()
            .map(|v| v.text.clone())
            .collect();
        match &q.kind {
            QuestionKind::MultipleChoice(mc) => {
                let lid = item.find_all("response_lid");
                assert_eq!(lid.len(), 1);
                let labels = item.find_all("response_label");
                assert_eq!(labels.len(), mc.options().len());
                if mc.multiple {
                    assert_eq!(qtype, "multiple_answers_question");
                    assert_eq!(lid[0].attr("rcardinality"), Some("Multiple"));
                    // Each correct option required, each wrong one excluded.
                    assert_eq!(item.find_all("not").len(), mc.distractors.len());
                } else {
                    assert_eq!(qtype, "multiple_choice_question");
                }
            }
            QuestionKind::ShortAnswer(sa) => {
                assert_eq!(qtype, "short_answer_question");
                for alt in std::iter::once(&sa.answer).chain(&sa.alternatives) {
                    assert!(
                        equals.contains(&alt.trim().to_string()),
                        "{}: {alt}",
                        q.key()
                    );
                }
            }
            QuestionKind::Matching(m) => {
                assert_eq!(qtype, "matching_question");
                assert_eq!(item.find_all("response_lid").len(), m.pairs.len());
                assert_eq!(equals.len(), m.pairs.len());
            }
            QuestionKind::Ordering(o) => {
                assert_eq!(qtype, "matching_question");
                assert_eq!(item.find_all("response_lid").len(), o.steps.len());
            }
            QuestionKind::FreeText(f) => {
                assert_eq!(qtype, "essay_question");
                let fb = item.find_all("itemfeedback");
                assert_eq!(fb.len(), 1);
                let text = &fb[0].find_all("mattext")[0].text;
                for c in &f.rubric.concepts {
                    assert!(text.contains(&c.label), "{}: {}", q.key(), c.label);
                }
            }
            QuestionKind::Tracing(_) => assert_eq!(qtype, "essay_question"),
        }
    }
}

#[test]
fn gift_has_every_question_and_parses_back() {
    let content = embedded();
    let e = render(&content, Lms::Gift);
    let qs = parse_gift(&e.text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(qs.len(), total_questions(&content));
    let all = content
        .quizzes
        .iter()
        .flat_map(|quiz| quiz.questions.iter().map(move |q| (quiz, q)));
    for ((quiz, q), g) in all.zip(&qs) {
        assert_eq!(g.title, format!("{} {}", quiz.id, q.key()));
        // Options keep their Markdown (`__init__()` in backticks stays
        // code; its plain text would turn bold under [markdown]).
        if let QuestionKind::MultipleChoice(mc) = &q.kind {
            let mut got: Vec<&str> = g.answers.iter().map(|(_, _, t)| t.as_str()).collect();
            let mut want: Vec<&str> = mc.options().iter().map(|o| o.trim()).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{}", q.key());
        }
        if let QuestionKind::ShortAnswer(sa) = &q.kind {
            for alt in std::iter::once(&sa.answer).chain(&sa.alternatives) {
                assert!(
                    g.answers
                        .iter()
                        .any(|(k, _, t)| *k == '=' && t == alt.trim()),
                    "{}: {alt} in {:?}",
                    q.key(),
                    g.answers
                );
            }
        }
    }
}

#[test]
fn gift_special_characters_round_trip() {
    let quiz = specials();
    let content = content_with(vec![quiz.clone()]);
    let e = render(&content, Lms::Gift);
    let qs = parse_gift(&e.text).unwrap_or_else(|err| panic!("{err}\n{}", e.text));
    assert_eq!(qs.len(), quiz.questions.len());
    let by = |id: &str| {
        qs.iter()
            .find(|g| g.title == format!("specials {id}"))
            .unwrap()
    };

    let mc = by("mc-special");
    assert_eq!(mc.text, "Which is `{a: 1}` = ~x #y & <b>?");
    assert_eq!(
        mc.feedback.as_deref(),
        Some("Braces {} and colons : everywhere.")
    );
    let texts: Vec<&str> = mc.answers.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(texts, ["{a: 1}", "#c: d", "{b: 2}", "a = ~b", "\\ back"]);
    // Several answers: weights, the right ones sharing 100.
    let weights: Vec<f64> = mc
        .answers
        .iter()
        .map(|(_, w, _)| w.as_deref().unwrap().parse().unwrap())
        .collect();
    assert_eq!(weights[..2], [50.0, 50.0]);
    assert!(weights[2..].iter().all(|w| *w < 0.0));

    let one = by("mc-one");
    assert_eq!(
        one.answers,
        [
            ('=', None, "yes = right".to_string()),
            ('~', None, "no".to_string()),
            ('~', None, "nope".to_string())
        ]
    );

    let sa = by("sa-special");
    assert_eq!(sa.text, "Name the method: x = {}?");
    let texts: Vec<&str> = sa.answers.iter().map(|(_, _, t)| t.as_str()).collect();
    for want in ["is_alive()", "is_alive", "t.is_alive", "a*b {c}"] {
        assert!(texts.contains(&want), "{want} in {texts:?}");
    }

    // Matching: `left -> right`, the specials escaped on both sides.
    let m = by("match");
    let pairs: Vec<&str> = m.answers.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(
        pairs,
        [
            "Lock() -> one = at a time",
            "Event() -> wait ~ for a flag",
            "Queue() -> hand over: work"
        ]
    );

    // Ordering: as a matching of position → step.
    let o = by("order");
    let steps: Vec<&str> = o.answers.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(
        steps,
        [
            "Position 1 -> start {1}",
            "Position 2 -> run: #2",
            "Position 3 -> join ~3"
        ]
    );

    // FreeText: an essay (no answers), the rubric in the feedback.
    let ft = by("ft");
    assert!(ft.answers.is_empty());
    assert!(
        ft.feedback
            .as_deref()
            .unwrap()
            .contains("+2 protects shared data {#1}")
    );

    // The title of the quiz in its comment; nothing unescaped elsewhere.
    assert!(
        e.text
            .contains("// Specials\\: \\{braces\\} \\= \\~tilde \\#hash \\:colon")
    );
}

#[test]
fn xml_formats_escape_the_specials() {
    let quiz = specials();
    let content = content_with(vec![quiz]);
    for lms in [Lms::MoodleXml, Lms::Qti] {
        let e = render(&content, lms);
        let root = parse_xml(&e.text).unwrap_or_else(|err| panic!("{lms:?}: {err}"));
        let mut texts = Vec::new();
        fn collect(el: &El, out: &mut Vec<String>) {
            out.push(el.text.clone());
            for c in &el.children {
                collect(c, out);
            }
        }
        collect(&root, &mut texts);
        let all = texts.join("\n");
        // The text survives the round trip: `&` and `<b>` are text again
        // (Moodle: the prompt's Markdown; QTI: its HTML, escaped once more
        // inside the XML).
        let prompt = match lms {
            Lms::MoodleXml => "Which is `{a: 1}` = ~x #y & <b>?",
            Lms::Qti | Lms::Gift => "Which is <code>{a: 1}</code> = ~x #y &amp; &lt;b&gt;?",
        };
        assert!(all.contains(prompt), "{lms:?}: {all}");
        assert!(
            all.contains("Lock()") && all.contains("one = at a time"),
            "{lms:?}"
        );
    }
    // Moodle: `*` in a short answer is a literal star.
    let e = render(&content, Lms::MoodleXml);
    assert!(e.text.contains("<text>a\\*b {c}</text>"), "{}", e.text);
}

#[test]
fn hostile_text_is_made_inert_in_every_format() {
    let toml = SPECIALS.replace("Pick one", "Pick \\u001b]52;c;aGk=\\u0007 one");
    let quiz = parse_quiz("specials", "specials.toml", &toml).unwrap();
    let content = content_with(vec![quiz]);
    for lms in [Lms::MoodleXml, Lms::Gift, Lms::Qti] {
        let e = render(&content, lms);
        assert!(
            !e.text.contains('\u{1b}') && !e.text.contains('\u{7}'),
            "{lms:?}"
        );
        assert!(
            e.text.contains('\u{241b}'),
            "{lms:?}: the ESC is shown as ␛"
        );
    }
}

fn export(dir: &Path, format: &str, force: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_threadtutor"));
    cmd.args(["export", "--format", format, "-o"]).arg(dir);
    if force {
        cmd.arg("--force");
    }
    cmd.output().unwrap()
}

#[test]
fn cli_writes_each_format_lists_what_it_cannot_hold_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let content = embedded();
    let tracing: Vec<String> = content
        .quizzes
        .iter()
        .flat_map(|quiz| {
            quiz.questions
                .iter()
                .filter(|q| matches!(q.kind, QuestionKind::Tracing(_)))
                .map(move |q| format!("{} {} (Tracing)", quiz.id, q.key()))
        })
        .collect();
    assert!(!tracing.is_empty());
    for (format, file) in [
        ("moodle-xml", "threadtutor-quizzes.moodle.xml"),
        ("gift", "threadtutor-quizzes.gift.txt"),
        ("qti", "threadtutor-quizzes.qti.xml"),
    ] {
        let out = export(dir.path(), format, false);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(file));
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert_eq!(text, render(&content, content_lms(format)).text);
        // Every Tracing question is named on stderr (graded by hand).
        for t in &tracing {
            assert!(stderr.contains(t), "{format}: {t} not in {stderr}");
        }
        if format != "moodle-xml" {
            assert!(
                stderr.contains("has no ordering question"),
                "{format}: {stderr}"
            );
        }
        // A second export does not replace the file without --force.
        let again = export(dir.path(), format, false);
        assert_eq!(again.status.code(), Some(1), "{format}");
        let again_err = String::from_utf8_lossy(&again.stderr);
        assert!(again_err.contains("--force"), "{again_err}");
        // Nothing written: no notes about what was written either.
        assert!(!again_err.contains("note:"), "{again_err}");
        assert!(export(dir.path(), format, true).status.success());
    }
    // Only the three files, no temporary file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

fn content_lms(format: &str) -> Lms {
    match format {
        "moodle-xml" => Lms::MoodleXml,
        "gift" => Lms::Gift,
        _ => Lms::Qti,
    }
}

#[test]
fn the_gift_tokenizer_rejects_unescaped_specials() {
    // The checks above can fail: an unescaped character breaks the parse.
    assert!(parse_gift("::t::x{=a{b}").is_err());
    assert!(parse_gift("::t::x{=a = b ~c#d}").is_err());
    assert!(parse_gift("::t:x::y{=a}").is_err());
    assert!(parse_gift("::t\\:x::y{=a\\=b ~c}").is_ok());
}

#[test]
fn questions_a_format_cannot_hold_are_listed_not_dropped() {
    // Two pairs and no distractor: too few for Moodle's and GIFT's
    // matching; two steps: too few for GIFT's matching of positions.
    let toml = r#"
[[questions]]
id = "two-pairs"
type = "Matching"
prompt.prompt = "Match"
[questions.answer.pairs]
a = "1"
b = "2"

[[questions]]
id = "two-steps"
type = "Ordering"
prompt.prompt = "Order"
answer.steps = ["x", "y"]

[[questions]]
id = "fine"
type = "ShortAnswer"
prompt.prompt = "?"
answer.answer = "ok"
"#;
    let quiz = parse_quiz("few", "few.toml", toml).unwrap();
    let content = content_with(vec![quiz]);
    let moodle = render(&content, Lms::MoodleXml);
    assert_eq!(moodle.written, 2);
    assert!(
        moodle
            .notes
            .iter()
            .any(|n| n.starts_with("few two-pairs (Matching): not exported: Moodle's matching")),
        "{:?}",
        moodle.notes
    );
    let gift = render(&content, Lms::Gift);
    assert_eq!(gift.written, 1);
    assert_eq!(parse_gift(&gift.text).unwrap().len(), 1);
    for id in ["two-pairs (Matching)", "two-steps (Ordering)"] {
        assert!(
            gift.notes
                .iter()
                .any(|n| n.starts_with(&format!("few {id}: not exported: "))),
            "{id}: {:?}",
            gift.notes
        );
    }
    // QTI holds all three.
    let qti = render(&content, Lms::Qti);
    assert_eq!(qti.written, 3);
    assert_eq!(parse_xml(&qti.text).unwrap().find_all("item").len(), 3);
}
