//! What `threadtutor progress` prints: the record read against the lessons
//! that exist now. Slides that were renamed or removed stay stored but are
//! not counted; every id from the file is made inert before it is printed.

use std::fmt::Write as _;

use super::model::Progress;
use super::plural;
use crate::content::Content;
use crate::content::sanitize::inert;

/// The lines of the report for `progress` (without the file's path).
/// `content` is the lessons this record belongs to, when they could be read.
pub fn render(p: &Progress, content: Option<&Content>) -> String {
    let mut s = String::new();
    if let Some(last) = &p.last {
        let _ = writeln!(
            s,
            "last position: lesson {}, slide {} (step {})",
            inert(&last.lesson),
            inert(&last.slide),
            last.step
        );
    }
    for (id, lp) in &p.lessons {
        let lesson = content.and_then(|c| c.lesson(id));
        let line = match (content, lesson) {
            (_, Some(l)) => {
                let seen = l.slides.iter().filter(|s| lp.seen.contains(&s.id)).count();
                format!("{seen}/{} seen", plural(l.slides.len(), "slide", "slides"))
            }
            (Some(_), None) => format!(
                "{} seen (not in these lessons)",
                plural(lp.seen.len(), "slide", "slides")
            ),
            (None, None) => format!("{} seen", plural(lp.seen.len(), "slide", "slides")),
        };
        let _ = writeln!(s, "lesson {}: {line}", inert(id));
    }
    for (id, q) in &p.quizzes {
        let best = q
            .best_fraction()
            .map_or("-".to_string(), |f| format!("{:.0}%", f * 100.0));
        let _ = writeln!(
            s,
            "quiz {}: {}, best {best}",
            inert(id),
            plural(q.attempts.len(), "attempt", "attempts")
        );
        if let Some(p) = &q.paused {
            let _ = writeln!(
                s,
                "quiz {}: left at question {} of {} (resume it in the tutorial)",
                inert(id),
                (p.pos + 1).min(p.round.len()),
                p.round.len()
            );
        }
    }
    if p.lessons.is_empty() && p.quizzes.is_empty() {
        s.push_str("nothing recorded yet\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::QuizAttempt;

    #[test]
    fn counts_are_plural_only_when_not_one() {
        let mut p = Progress::default();
        p.record_quiz(
            "q",
            QuizAttempt {
                at: 1,
                score: 1.0,
                max: 2.0,
                missed: vec![],
            },
        );
        p.visit("gone", "s", 1, 1);
        let text = render(&p, None);
        assert!(text.contains("quiz q: 1 attempt, best 50%"), "{text}");
        assert!(text.contains("lesson gone: 1 slide seen"), "{text}");
    }
}
