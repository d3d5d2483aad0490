//! The quizzes for a learning-management system (`threadtutor export
//! --format moodle-xml|gift|qti`): Moodle XML and GIFT for Moodle, QTI 1.2
//! for Canvas. This file writes the documents and each question's common
//! part (name, prompt, points, explanation); each kind's module writes its
//! own part ([`crate::content::quiz::Kind::lms`]) or says why the format
//! cannot hold it. What a format cannot hold, or holds only in another
//! shape, is listed in [`Lms::notes`] for stderr: nothing is dropped or
//! changed silently.

use std::fmt::Write as _;

use crate::content::Content;
use crate::content::quiz::kinds::lms::{Lms, Piece, fraction, moodle_text, points};
use crate::content::quiz::{Question, Quiz, gift_escape, xml_escape};
use crate::highlight::Engine;

/// An LMS document and what it could not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub text: String,
    /// One line per question not exported, or exported in another shape:
    /// `quiz-id question-key (Kind): reason`.
    pub notes: Vec<String>,
    /// Questions written.
    pub written: usize,
}

/// The question's prompt as Markdown: the multipart context, the prompt,
/// and what the kind adds (a Tracing program).
fn prompt_markdown(quiz: &Quiz, q: &Question, piece: &Piece) -> String {
    let mut text = String::new();
    if let Some(ctx) = quiz.multipart_context(q) {
        text.push_str(ctx.trim_end());
        text.push_str("\n\n");
    }
    text.push_str(q.prompt.trim_end());
    if let Some(extra) = &piece.extra_prompt {
        text.push_str("\n\n");
        text.push_str(extra);
    }
    text
}

/// Every question of every quiz in `format`.
pub fn render(content: &Content, format: Lms) -> Export {
    let mut out = Export {
        text: String::new(),
        notes: Vec::new(),
        written: 0,
    };
    let engine = match format {
        Lms::Qti => Some(Engine::load()),
        Lms::MoodleXml | Lms::Gift => None,
    };
    match format {
        Lms::MoodleXml => out.text.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n"),
        Lms::Gift => out
            .text
            .push_str("// Quizzes of threadtutor (Python Threads), in GIFT for Moodle.\n\n"),
        Lms::Qti => out.text.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <questestinterop xmlns=\"http://www.imsglobal.org/xsd/ims_qtiasiv1p2\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:schemaLocation=\"http://www.imsglobal.org/xsd/ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd\">\n\
             <assessment ident=\"threadtutor-quizzes\" title=\"threadtutor quizzes\">\n\
             <qtimetadata><qtimetadatafield><fieldlabel>cc_maxattempts</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield></qtimetadata>\n",
        ),
    }
    for quiz in &content.quizzes {
        quiz_start(&mut out.text, quiz, format);
        for q in &quiz.questions {
            let kind = q.kind.kind();
            let piece = match kind.lms(format) {
                Ok(p) => p,
                Err(reason) => {
                    out.notes.push(format!(
                        "{} {} ({}): not exported: {reason}",
                        quiz.id,
                        q.key(),
                        kind.name()
                    ));
                    continue;
                }
            };
            if let Some(note) = &piece.note {
                out.notes
                    .push(format!("{} {} ({}): {note}", quiz.id, q.key(), kind.name()));
            }
            let prompt = prompt_markdown(quiz, q, &piece);
            match format {
                Lms::MoodleXml => moodle_question(&mut out.text, quiz, q, &prompt, &piece),
                Lms::Gift => gift_question(&mut out.text, quiz, q, &prompt, &piece),
                Lms::Qti => {
                    let mut html = String::new();
                    if let Some(engine) = &engine {
                        super::html::markdown_html(&mut html, &prompt, engine);
                    }
                    qti_item(&mut out.text, quiz, q, &html, &piece);
                }
            }
            out.written += 1;
        }
        if format == Lms::Qti {
            out.text.push_str("</section>\n");
        }
    }
    match format {
        Lms::MoodleXml => out.text.push_str("</quiz>\n"),
        Lms::Gift => {}
        Lms::Qti => out.text.push_str("</assessment>\n</questestinterop>\n"),
    }
    out
}

/// Where a quiz starts: a Moodle category, a GIFT `$CATEGORY`, a QTI
/// section.
fn quiz_start(o: &mut String, quiz: &Quiz, format: Lms) {
    match format {
        Lms::MoodleXml => {
            let _ = writeln!(
                o,
                "<question type=\"category\"><category><text>$course$/threadtutor/{}</text></category><info format=\"markdown\"><text>{}</text></info></question>",
                xml_escape(&quiz.id),
                xml_escape(quiz.title())
            );
        }
        Lms::Gift => {
            let _ = writeln!(
                o,
                "// {}\n$CATEGORY: $course$/threadtutor/{}\n",
                gift_escape(quiz.title()),
                gift_escape(&quiz.id)
            );
        }
        Lms::Qti => {
            let _ = writeln!(
                o,
                "<section ident=\"{}\" title=\"{}\">",
                xml_escape(&ident(&quiz.id)),
                xml_escape(quiz.title())
            );
        }
    }
}

/// An XML ident from text: letters, digits, `-`, `_`, `.` kept, others `_`.
fn ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn moodle_question(o: &mut String, quiz: &Quiz, q: &Question, prompt: &str, piece: &Piece) {
    let _ = writeln!(o, "<question type=\"{}\">", piece.qtype);
    let _ = writeln!(
        o,
        "<name><text>{}</text></name>",
        xml_escape(&format!("{}: {}", quiz.id, q.key()))
    );
    o.push_str(&moodle_text("questiontext", "markdown", prompt));
    o.push('\n');
    o.push_str(&moodle_text(
        "generalfeedback",
        "markdown",
        q.context.as_deref().unwrap_or_default(),
    ));
    o.push('\n');
    let _ = writeln!(
        o,
        "<defaultgrade>{}</defaultgrade>\n<penalty>0</penalty>\n<hidden>0</hidden>\n<idnumber>{}</idnumber>",
        fraction(q.max_points()),
        xml_escape(&format!("{}/{}", quiz.id, q.key()))
    );
    o.push_str(&piece.body);
    o.push_str("</question>\n");
}

/// The general feedback of GIFT and QTI: the kind's, then the question's
/// explanation.
fn general_feedback(q: &Question, piece: &Piece) -> Option<String> {
    let parts: Vec<&str> = [piece.feedback.as_deref(), q.context.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim_end)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn gift_question(o: &mut String, quiz: &Quiz, q: &Question, prompt: &str, piece: &Piece) {
    let _ = write!(
        o,
        "::{}::[markdown]{}{{",
        gift_escape(&format!("{} {}", quiz.id, q.key())),
        gift_escape(prompt)
    );
    o.push_str(&piece.body);
    // The general feedback: the kind's (an essay's grader's information),
    // then the explanation.
    if let Some(fb) = general_feedback(q, piece) {
        let _ = write!(o, "####{}", gift_escape(&fb));
    }
    o.push_str("}\n\n");
}

fn qti_item(o: &mut String, quiz: &Quiz, q: &Question, prompt_html: &str, piece: &Piece) {
    let _ = writeln!(
        o,
        "<item ident=\"{}\" title=\"{}\">",
        xml_escape(&ident(&format!("{}-{}", quiz.id, q.key()))),
        xml_escape(&q.key())
    );
    let _ = writeln!(
        o,
        "<itemmetadata><qtimetadata>\
         <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{}</fieldentry></qtimetadatafield>\
         <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>{}</fieldentry></qtimetadatafield>\
         </qtimetadata></itemmetadata>",
        piece.qtype,
        points(q.max_points())
    );
    // The prompt is HTML (its code blocks kept), escaped into the text.
    let _ = writeln!(
        o,
        "<presentation>\n<material><mattext texttype=\"text/html\">{}</mattext></material>",
        xml_escape(prompt_html)
    );
    o.push_str(&piece.body);
    o.push_str("</presentation>\n<resprocessing>\n<outcomes><decvar maxvalue=\"100\" minvalue=\"0\" varname=\"SCORE\" vartype=\"Decimal\"/></outcomes>\n");
    o.push_str(&piece.processing);
    o.push_str("</resprocessing>\n");
    if let Some(fb) = general_feedback(q, piece) {
        let _ = writeln!(
            o,
            "<itemfeedback ident=\"general_fb\"><flow_mat><material><mattext texttype=\"text/plain\">{}</mattext></material></flow_mat></itemfeedback>",
            xml_escape(&fb)
        );
    }
    o.push_str("</item>\n");
}
