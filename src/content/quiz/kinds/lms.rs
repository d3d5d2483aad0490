//! The pieces of a question in the formats of learning-management systems:
//! Moodle XML, GIFT (Moodle) and QTI 1.2 (Canvas). Each kind writes the part
//! that is its own (the question type and its answers); the documents
//! around them, with the prompt, are written by `crate::export::lms`.
//! Every text from content is made inert and escaped here.

use super::{format_points, gift_escape, option_line, xml_escape};

/// A question's own part in one format. `note` says what the format could
/// not hold exactly (shown on stderr: nothing changes silently).
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Moodle: the `type` of `<question>`. QTI: Canvas's `question_type`.
    /// GIFT: unused (empty).
    pub qtype: &'static str,
    /// Moodle: the elements after `<defaultgrade>`. GIFT: what goes between
    /// the braces. QTI: the response elements inside `<presentation>`.
    pub body: String,
    /// QTI only: the conditions inside `<resprocessing>` after `<outcomes>`.
    pub processing: String,
    /// GIFT and QTI: text (Markdown) for the question's general feedback,
    /// before the question's explanation (`context`): the grader's
    /// information, for formats that have no field for it.
    pub feedback: Option<String>,
    /// Extra text for the question's prompt (the program of a Tracing
    /// question, as a Markdown code block).
    pub extra_prompt: Option<String>,
    pub note: Option<String>,
}

impl Piece {
    pub fn new(qtype: &'static str, body: String) -> Piece {
        Piece {
            qtype,
            body,
            processing: String::new(),
            feedback: None,
            extra_prompt: None,
            note: None,
        }
    }

    pub fn noted(mut self, note: impl Into<String>) -> Piece {
        self.note = Some(note.into());
        self
    }
}

/// The three formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lms {
    MoodleXml,
    Gift,
    Qti,
}

/// A fraction of 100 for Moodle: at most 5 decimals (Moodle lists
/// 33.33333, 16.66667, 14.28571...).
pub fn fraction(x: f64) -> String {
    let s = format!("{x:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// An option's text for an LMS: plain, on one line, inert.
pub fn option_text(o: &str) -> String {
    option_line(o)
}

/// An option's Markdown for a format that renders it (Moodle XML's
/// `markdown` answers, GIFT's `[markdown]` questions): its source, trimmed,
/// so inline code stays code (its plain text `__init__()` would turn bold).
pub fn option_markdown(o: &str) -> String {
    o.trim().to_string()
}

/// `<tag format="..."><text>...</text></tag>` with `text` escaped.
pub fn moodle_text(tag: &str, format: &str, text: &str) -> String {
    format!(
        "<{tag} format=\"{format}\"><text>{}</text></{tag}>",
        xml_escape(text)
    )
}

/// A Moodle `<answer>`.
pub fn moodle_answer(fraction_of_100: f64, format: &str, text: &str) -> String {
    format!(
        "<answer fraction=\"{}\" format=\"{format}\"><text>{}</text><feedback format=\"html\"><text></text></feedback></answer>\n",
        fraction(fraction_of_100),
        xml_escape(text)
    )
}

/// A QTI `<mattext>` in a `<material>`.
pub fn qti_material(text: &str) -> String {
    format!(
        "<material><mattext texttype=\"text/plain\">{}</mattext></material>",
        xml_escape(text)
    )
}

/// A QTI choice list: `response_lid` with a `render_choice` of
/// `(ident, text)` options.
pub fn qti_choices(
    ident: &str,
    cardinality: &str,
    label: Option<&str>,
    options: &[(String, String)],
) -> String {
    let mut s = format!("<response_lid ident=\"{ident}\" rcardinality=\"{cardinality}\">\n");
    if let Some(l) = label {
        s.push_str(&qti_material(l));
        s.push('\n');
    }
    s.push_str("<render_choice>\n");
    for (id, text) in options {
        s.push_str(&format!(
            "<response_label ident=\"{id}\">{}</response_label>\n",
            qti_material(text)
        ));
    }
    s.push_str("</render_choice>\n</response_lid>\n");
    s
}

/// A QTI condition that sets or adds to the score.
pub fn qti_condition(condition: &str, action: &str, score: f64) -> String {
    format!(
        "<respcondition continue=\"{}\"><conditionvar>{condition}</conditionvar><setvar action=\"{action}\" varname=\"SCORE\">{}</setvar></respcondition>\n",
        if action == "Set" { "No" } else { "Yes" },
        fraction(score)
    )
}

/// `<varequal>`.
pub fn qti_equal(respident: &str, value: &str) -> String {
    format!(
        "<varequal respident=\"{respident}\">{}</varequal>",
        xml_escape(value)
    )
}

/// An essay question (graded by hand) whose grader's information is
/// `info` (Markdown): Moodle's `graderinfo`; in GIFT, which has no such
/// field, the general feedback (students see it after answering); in QTI
/// a general `itemfeedback` (Canvas imports it as the question's general
/// comment, shown after the quiz is submitted).
pub fn essay(lms: Lms, info: &str, lines: usize) -> Piece {
    match lms {
        Lms::MoodleXml => Piece::new(
            "essay",
            format!(
                "<responseformat>editor</responseformat>\n<responserequired>1</responserequired>\n<responsefieldlines>{lines}</responsefieldlines>\n<attachments>0</attachments>\n<attachmentsrequired>0</attachmentsrequired>\n{}\n{}\n",
                moodle_text("graderinfo", "markdown", info),
                moodle_text("responsetemplate", "html", "")
            ),
        ),
        Lms::Gift => Piece {
            feedback: Some(info.to_string()),
            ..Piece::new("", String::new())
        }
        .noted(
            "GIFT has no grader's information: the expected answer and rubric are in the general feedback, which students see after answering",
        ),
        Lms::Qti => {
            let mut p = Piece::new(
                "essay_question",
                "<response_str ident=\"response1\" rcardinality=\"Single\"><render_fib><response_label ident=\"answer1\" rshuffle=\"No\"/></render_fib></response_str>\n".into(),
            );
            p.processing = "<respcondition continue=\"No\"><conditionvar><other/></conditionvar></respcondition>\n".into();
            p.feedback = Some(info.to_string());
            p.noted("QTI 1.2 has no grader's information: the expected answer and rubric are the general feedback, which Canvas shows after the quiz is submitted")
        }
    }
}

/// Points for a document (`1`, `2.5`).
pub fn points(x: f64) -> String {
    format_points(x)
}

/// Matching pairs written in each format (Matching itself, and Ordering
/// where the format has no ordering: position → step). `rights` are all
/// the right items offered (the pairs' and any distractors). Moodle's
/// matching needs at least two questions and three answers, GIFT's at
/// least three pairs: fewer is an error, listed on stderr.
pub fn matching(lms: Lms, pairs: &[(String, String)], rights: &[String]) -> Result<Piece, String> {
    if lms == Lms::MoodleXml && (pairs.len() < 2 || rights.len() < 3) {
        return Err(format!(
            "Moodle's matching question needs at least 2 items and 3 answers to choose from; this one has {} and {} (add a distractor)",
            pairs.len(),
            rights.len()
        ));
    }
    if lms == Lms::Gift && pairs.len() < 3 {
        return Err(format!(
            "GIFT's matching question needs at least 3 pairs; this one has {}",
            pairs.len()
        ));
    }
    Ok(match lms {
        Lms::MoodleXml => {
            let mut body = String::from("<shuffleanswers>true</shuffleanswers>\n");
            for (l, r) in pairs {
                body.push_str(&format!(
                    "<subquestion format=\"markdown\"><text>{}</text><answer><text>{}</text></answer></subquestion>\n",
                    xml_escape(l),
                    xml_escape(r)
                ));
            }
            // Distractors: answers of a subquestion with no text.
            for r in rights
                .iter()
                .filter(|r| !pairs.iter().any(|(_, pr)| pr == *r))
            {
                body.push_str(&format!(
                    "<subquestion format=\"markdown\"><text></text><answer><text>{}</text></answer></subquestion>\n",
                    xml_escape(r)
                ));
            }
            Piece::new("matching", body)
        }
        Lms::Gift => {
            let mut body = String::new();
            for (l, r) in pairs {
                body.push_str(&format!("={} -> {} ", gift_escape(l), gift_escape(r)));
            }
            let extra = rights
                .iter()
                .filter(|r| !pairs.iter().any(|(_, pr)| pr == *r))
                .count();
            let p = Piece::new("", body.trim_end().to_string());
            if extra > 0 {
                p.noted(format!(
                    "GIFT matching has no distractors: {extra} extra right item(s) left out"
                ))
            } else {
                p
            }
        }
        Lms::Qti => {
            let options: Vec<(String, String)> = rights
                .iter()
                .enumerate()
                .map(|(j, r)| (format!("r{}", j + 1), r.clone()))
                .collect();
            let mut body = String::new();
            let mut processing = String::new();
            let share = 100.0 / pairs.len().max(1) as f64;
            for (i, (l, r)) in pairs.iter().enumerate() {
                let ident = format!("response_{}", i + 1);
                body.push_str(&qti_choices(&ident, "Single", Some(l), &options));
                if let Some((id, _)) = options.iter().find(|(_, t)| t == r) {
                    processing.push_str(&qti_condition(&qti_equal(&ident, id), "Add", share));
                }
            }
            let mut p = Piece::new("matching_question", body);
            p.processing = processing;
            p
        }
    })
}

/// The option texts of a list, for an LMS.
pub fn option_texts<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items.into_iter().map(option_text).collect()
}
