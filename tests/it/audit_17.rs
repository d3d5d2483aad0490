//! Items of issue 17 that had no test of their own: the handout's table of
//! contents names the quizzes, tracing programs carry line numbers, the
//! student's copy leaves room to write, the teacher's Markdown keeps every
//! line of an answer; demo lanes are thread names, never demo ids; the
//! thread-order demo points to the challenge that exists.

use threadtutor::content::quiz::QuestionKind;
use threadtutor::content::{Content, Source, load};
use threadtutor::demos::{DemoEvent, Params, registry};
use threadtutor::export::{Format, render};
use threadtutor::quiz::report::expected_answer;

fn content() -> Content {
    load(&Source::Embedded).expect("the embedded content loads")
}

/// The HTML handout's table of contents (the `<nav>`).
fn nav(html: &str) -> &str {
    let start = html.find("<nav>").expect("a table of contents");
    let end = html[start..].find("</nav>").expect("closed") + start;
    &html[start..end]
}

#[test]
fn the_table_of_contents_lists_the_quizzes_too() {
    let c = content();
    assert!(!c.quizzes.is_empty());
    let html = render(&c, Format::Html, false);
    let toc = nav(&html);
    for quiz in &c.quizzes {
        let anchor = format!("href=\"#quiz-{}\"", quiz.id);
        assert!(toc.contains(&anchor), "no {anchor} in the contents");
        // ...and the anchor exists.
        assert!(html.contains(&format!("id=\"quiz-{}\"", quiz.id)));
    }
    for lesson in &c.lessons {
        assert!(toc.contains(&format!("href=\"#lesson-{}\"", lesson.id)));
    }
    let md = render(&c, Format::Markdown, false);
    let first_lesson = md.find("\n## ").expect("a lesson heading");
    let head = &md[..first_lesson];
    for quiz in &c.quizzes {
        let entry = format!("- Quiz: {}", quiz.title());
        assert!(
            head.contains(&entry),
            "the Markdown contents lack {entry:?}"
        );
    }
}

#[test]
fn tracing_programs_are_numbered_in_both_handouts() {
    let c = content();
    let html = render(&c, Format::Html, false);
    let md = render(&c, Format::Markdown, false);
    let mut seen = 0;
    for quiz in &c.quizzes {
        for q in &quiz.questions {
            let QuestionKind::Tracing(t) = &q.kind else {
                continue;
            };
            seen += 1;
            let lines: Vec<&str> = t.program.trim_end().lines().collect();
            let width = lines.len().to_string().len();
            for (i, line) in lines.iter().enumerate() {
                let n = i + 1;
                let numbered = format!("{n:>width$}  {line}");
                assert!(
                    md.contains(numbered.trim_end()),
                    "{}/{:?}: line {n} is not numbered in the Markdown handout",
                    quiz.id,
                    q.id
                );
            }
            // HTML: one number per line, kept out of the copied text.
            let last = lines.len();
            assert!(
                html.contains(&format!("<span class=\"ln\">{last}</span>")),
                "{}/{:?}: no number {last} in the HTML handout",
                quiz.id,
                q.id
            );
        }
    }
    assert!(seen > 0, "no tracing question in the shipped quizzes");
    // A code block of a lesson is not numbered.
    assert_eq!(
        html.matches("<span class=\"ln\">1</span>").count(),
        seen,
        "only tracing programs carry line numbers"
    );
}

#[test]
fn printed_questions_leave_room_for_an_answer_only_in_the_students_copy() {
    let c = content();
    let written: usize = c
        .quizzes
        .iter()
        .flat_map(|q| q.questions.iter())
        .filter(|q| {
            matches!(
                q.kind,
                QuestionKind::FreeText(_)
                    | QuestionKind::ShortAnswer(_)
                    | QuestionKind::Tracing(_)
                    | QuestionKind::Ordering(_)
            )
        })
        .count();
    assert!(written > 0);
    let student = render(&c, Format::Html, false);
    assert_eq!(student.matches("class=\"answer-space\"").count(), written);
    let teacher = render(&c, Format::Html, true);
    assert!(!teacher.contains("class=\"answer-space\""));
    let student = render(&c, Format::Markdown, false);
    assert_eq!(student.matches("*Your answer:*").count(), written);
    let teacher = render(&c, Format::Markdown, true);
    assert!(!teacher.contains("*Your answer:*"));
}

#[test]
fn multi_line_answers_keep_their_lines_in_the_markdown_handout() {
    let c = content();
    let md = render(&c, Format::Markdown, true);
    let mut multi = 0;
    for quiz in &c.quizzes {
        for q in &quiz.questions {
            let answer = expected_answer(q);
            let lines: Vec<&str> = answer.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.len() < 2 {
                continue;
            }
            multi += 1;
            // Each line is a line of its own: quoted, with a hard break.
            let mut at = 0;
            for l in lines {
                let want = format!("> {}  \n", threadtutor::export::markdown::safe(l));
                let found = md[at..].find(&want).unwrap_or_else(|| {
                    panic!("{}/{:?}: the answer line {l:?} is not kept", quiz.id, q.id)
                });
                at += found + want.len();
            }
        }
    }
    assert!(multi > 0, "no multi-line answer to check");
}

#[test]
fn demo_lanes_are_named_as_python_names_threads() {
    for id in ["condition", "spider"] {
        let demo = registry::find(id).expect("registered");
        let params = Params::parse(demo.info().params, &[]).expect("defaults");
        let session = threadtutor::demos::Session::start(demo, params);
        let mut names = std::collections::BTreeSet::new();
        while let Ok(ev) = session
            .events
            .recv_timeout(std::time::Duration::from_secs(60))
        {
            match ev {
                DemoEvent::Summary { .. } => break,
                DemoEvent::Lane { thread, .. } => {
                    names.insert(thread);
                }
                _ => {}
            }
        }
        session.cancel_and_join();
        assert!(!names.is_empty(), "{id}: no lanes");
        for n in &names {
            assert!(
                !n.starts_with("demo-") && n != id,
                "{id}: a lane is named after the demo: {n:?} in {names:?}"
            );
        }
    }
}

#[test]
fn the_thread_order_demo_points_to_the_challenge_that_exists() {
    let c = content();
    let explain = registry::find("thread-order")
        .expect("registered")
        .info()
        .explain;
    let challenge = c
        .challenges
        .iter()
        .find(|ch| explain.contains(&format!("`{}`", ch.id)))
        .unwrap_or_else(|| panic!("the explain pane names no challenge:\n{explain}"));
    assert_eq!(challenge.id, "thread-order-abc");
}
