//! The message a presenter sends its followers: one JSON object per line,
//! sent whenever the slide or the reveal step changes, and to each follower
//! as it attaches.
//!
//! ```json
//! {"lesson":"basics","lesson_title":"Thread basics","slide":2,"slides":3,
//!  "title":"Share External Objects","step":1,"steps":3,"notes":"...",
//!  "next_title":"Check yourself","elapsed_s":42}
//! ```
//!
//! `slide` and `step` count from 1; `notes` and `next_title` may be null.
//!
//! Other kinds of message carry a `"kind"` key (the position above has
//! none, so followers older than these kinds ignore them, as a line that
//! is not a position):
//!
//! ```json
//! {"kind":"projector","showing":"blank"}
//! {"kind":"projector","showing":"demo","demo":"The GIL in action"}
//! {"kind":"problems","problems":["lessons/10-gil.toml:3:9: expected a string"],"more":0}
//! ```
//!
//! `showing` is `slide`, `questions`, `blank` or `demo`; `problems` are the
//! content problems `present --watch` found (empty when fixed), `more`
//! counts those left out to keep the line short. A follower ignores kinds
//! it does not know, so kinds can be added later the same way.

use serde::{Deserialize, Serialize};

/// Where the presenter is, and what the speaker needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notes {
    /// Lesson id.
    pub lesson: String,
    pub lesson_title: String,
    /// Slide number, from 1.
    pub slide: usize,
    /// Slides in the lesson.
    pub slides: usize,
    /// The slide's title.
    pub title: String,
    /// Reveal step, from 1.
    pub step: usize,
    pub steps: usize,
    /// The slide's speaker notes.
    pub notes: Option<String>,
    /// The next slide's title (the next lesson's first slide at a lesson's end).
    pub next_title: Option<String>,
    /// Seconds since the presentation started.
    pub elapsed_s: u64,
}

impl Notes {
    /// The message as one line, newline included.
    pub fn to_line(&self) -> String {
        let mut s = serde_json::to_string(self).expect("notes serialise");
        s.push('\n');
        s
    }

    /// Read one line (without or with its newline).
    pub fn from_line(line: &str) -> Result<Notes, String> {
        serde_json::from_str(line.trim_end()).map_err(|e| e.to_string())
    }
}

/// What the projector shows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Showing {
    Slide,
    /// The slide's written questions (`w`).
    Questions,
    /// Blanked (`b`).
    Blank,
    /// A live demo opened from the slide.
    Demo,
}

/// `{"kind":"projector",…}`: what the audience sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Projector {
    pub showing: Showing,
    /// The demo's title, when showing a demo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo: Option<String>,
}

/// `{"kind":"problems",…}`: the content problems of the last reload
/// (`present --watch`), as `path:line:col: what` lines; empty when fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Problems {
    pub problems: Vec<String>,
    /// Problems left out to keep the message short.
    #[serde(default)]
    pub more: usize,
}

/// The longest problem line sent (longer ones are cut, with `…`).
pub const PROBLEM_CHARS: usize = 400;

/// The most bytes of problem lines (as JSON) one message carries: half a
/// follower's line limit ([`crate::classroom::socket::MAX_LINE`]).
pub const PROBLEM_BYTES: usize = 32 * 1024;

/// The most problem lines one message carries.
pub const PROBLEM_LINES: usize = 50;

impl Problems {
    /// The first problems of `lines`, each cut to [`PROBLEM_CHARS`], at
    /// most [`PROBLEM_LINES`] (the message stays far below a follower's
    /// line limit, whatever it is given).
    pub fn bounded(lines: &[String]) -> Problems {
        let mut problems: Vec<String> = Vec::new();
        let mut bytes = 0;
        for l in lines.iter().take(PROBLEM_LINES) {
            let l = if l.chars().count() > PROBLEM_CHARS {
                let mut cut: String = l.chars().take(PROBLEM_CHARS - 1).collect();
                cut.push('…');
                cut
            } else {
                l.clone()
            };
            // Escaped, a line can be six times longer than its characters.
            bytes += serde_json::to_string(&l).map_or(0, |j| j.len()) + 1;
            if bytes > PROBLEM_BYTES {
                break;
            }
            problems.push(l);
        }
        Problems {
            more: lines.len() - problems.len(),
            problems,
        }
    }

    /// How many problems in all.
    pub fn count(&self) -> usize {
        self.problems.len() + self.more
    }
}

/// The kinds that carry a `"kind"` key.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Tagged {
    Projector(Projector),
    Problems(Problems),
}

/// Any message on the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Where the presenter is (the original message, without a kind).
    Notes(Notes),
    Projector(Projector),
    Problems(Problems),
}

impl Message {
    /// The message as one line, newline included.
    pub fn to_line(&self) -> String {
        let tagged = match self {
            Message::Notes(n) => return n.to_line(),
            Message::Projector(p) => Tagged::Projector(p.clone()),
            Message::Problems(p) => Tagged::Problems(p.clone()),
        };
        let mut s = serde_json::to_string(&tagged).expect("message serialises");
        s.push('\n');
        s
    }

    /// Read one line: `Ok(None)` for a kind this version does not know
    /// (ignored, so newer presenters can add kinds).
    pub fn from_line(line: &str) -> Result<Option<Message>, String> {
        let v: serde_json::Value =
            serde_json::from_str(line.trim_end()).map_err(|e| e.to_string())?;
        match v.get("kind") {
            None => serde_json::from_value(v)
                .map(|n| Some(Message::Notes(n)))
                .map_err(|e| e.to_string()),
            Some(serde_json::Value::String(k)) if k == "projector" || k == "problems" => {
                match serde_json::from_value::<Tagged>(v).map_err(|e| e.to_string())? {
                    Tagged::Projector(p) => Ok(Some(Message::Projector(p))),
                    Tagged::Problems(p) => Ok(Some(Message::Problems(p))),
                }
            }
            Some(_) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_kinds_read_back_and_old_readers_skip_them() {
        let msgs = [
            Message::Projector(Projector {
                showing: Showing::Blank,
                demo: None,
            }),
            Message::Projector(Projector {
                showing: Showing::Demo,
                demo: Some("The GIL in action".into()),
            }),
            Message::Problems(Problems::bounded(&["a.toml:1:2: bad".to_string()])),
        ];
        for m in msgs {
            let line = m.to_line();
            assert_eq!(line.matches('\n').count(), 1);
            assert!(line.starts_with("{\"kind\":"), "{line}");
            assert_eq!(Message::from_line(&line).unwrap(), Some(m));
            // A follower that knows only positions does not take it for one.
            assert!(Notes::from_line(&line).is_err(), "{line}");
        }
        assert_eq!(
            Message::from_line("{\"kind\":\"projector\",\"showing\":\"blank\"}").unwrap(),
            Some(Message::Projector(Projector {
                showing: Showing::Blank,
                demo: None
            }))
        );
        // A kind from a newer presenter is skipped, not an error.
        assert_eq!(
            Message::from_line("{\"kind\":\"poll\",\"q\":1}").unwrap(),
            None
        );
        // A broken known kind is an error.
        assert!(Message::from_line("{\"kind\":\"projector\",\"showing\":\"x\"}").is_err());
        assert!(Message::from_line("[1").is_err());
    }

    #[test]
    fn problems_are_bounded() {
        let many: Vec<String> = (0..1000)
            .map(|i| format!("f.toml:{i}:1: {}", "x".repeat(5000)))
            .collect();
        let p = Problems::bounded(&many);
        assert_eq!(p.problems.len(), PROBLEM_LINES);
        assert_eq!(p.more, 1000 - PROBLEM_LINES);
        assert_eq!(p.count(), 1000);
        assert!(
            p.problems
                .iter()
                .all(|l| l.chars().count() == PROBLEM_CHARS && l.ends_with('…'))
        );
        let line = Message::Problems(p).to_line();
        assert!(
            line.len() < crate::classroom::socket::MAX_LINE,
            "{}",
            line.len()
        );
        // Characters that escape long still keep the line short.
        let ctl: Vec<String> = (0..100).map(|_| "\u{1}".repeat(PROBLEM_CHARS)).collect();
        let p = Problems::bounded(&ctl);
        assert!(p.more > 0 && p.count() == 100);
        let line = Message::Problems(p).to_line();
        assert!(
            line.len() < crate::classroom::socket::MAX_LINE,
            "{}",
            line.len()
        );
        let few = Problems::bounded(&["a".to_string()]);
        assert_eq!((few.problems.len(), few.more), (1, 0));
    }

    #[test]
    fn a_message_is_one_line_and_reads_back() {
        let n = Notes {
            lesson: "basics".into(),
            lesson_title: "Thread basics".into(),
            slide: 2,
            slides: 3,
            title: "Share".into(),
            step: 1,
            steps: 3,
            notes: Some("line one\nline two".into()),
            next_title: None,
            elapsed_s: 42,
        };
        let line = n.to_line();
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.ends_with('\n'));
        assert_eq!(Notes::from_line(&line).unwrap(), n);
        assert!(Notes::from_line("{\"lesson\":1}").is_err());
    }
}
