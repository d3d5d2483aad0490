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

#[cfg(test)]
mod tests {
    use super::*;

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
