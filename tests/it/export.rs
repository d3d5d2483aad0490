//! `threadtutor export`: the handout is well-formed HTML (checked by a strict
//! tag-balance parser below), holds every lesson and slide title in order,
//! and shows answers and rubrics only with --with-answers.

use std::path::Path;
use std::process::Command;

use threadtutor::content::quiz::QuestionKind;
use threadtutor::content::{Source, load};
use threadtutor::export::html::escape;
use threadtutor::quiz::report::expected_answer;

fn export(dir: &Path, format: &str, answers: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_threadtutor"));
    cmd.args(["export", "--format", format, "-o"]).arg(dir);
    if answers {
        cmd.arg("--with-answers");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = match (format == "html", answers) {
        (true, false) => "threadtutor-handout.html",
        (false, false) => "threadtutor-handout.md",
        (true, true) => "threadtutor-handout-answers.html",
        (false, true) => "threadtutor-handout-answers.md",
    };
    std::fs::read_to_string(dir.join(file)).unwrap()
}

const VOID: [&str; 6] = ["meta", "br", "img", "hr", "input", "link"];

/// A strict checker for the HTML we write: every tag closed in order, void
/// elements never closed, attribute values double-quoted, `&` only in the
/// entities we use, no stray `<` or `>`, one html root holding head and body,
/// no external resources. Returns the text of every `<h3>` in order.
fn check_html(doc: &str) -> Result<Vec<String>, String> {
    let doc = doc.strip_prefix("<!DOCTYPE html>\n").ok_or("no doctype")?;
    let mut stack: Vec<String> = Vec::new();
    let mut h3s = Vec::new();
    let mut text_since_h3: Option<String> = None;
    let mut seen_root = false;
    let mut rest = doc;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            check_text(rest)?;
            if !rest.trim().is_empty() {
                return Err(format!("text after the root: {rest:?}"));
            }
            break;
        };
        let text = &rest[..lt];
        if stack.last().map(String::as_str) != Some("style") {
            check_text(text)?;
        } else if text.contains("url(") || text.contains("@import") {
            return Err("external resource in CSS".into());
        }
        if let Some(t) = text_since_h3.as_mut() {
            t.push_str(text);
        }
        let gt = rest[lt..].find('>').ok_or("unclosed tag")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.contains('<') {
            return Err(format!("`<` inside a tag: {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
            if open != name {
                return Err(format!("</{name}> closes <{open}>"));
            }
            if name == "h3" {
                h3s.push(text_since_h3.take().unwrap_or_default());
            }
            continue;
        }
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !name.chars().all(|c| c.is_ascii_alphanumeric()) || name.is_empty() {
            return Err(format!("bad tag name {name:?}"));
        }
        check_attrs(attrs)?;
        if ["script", "iframe", "object", "embed", "img", "link"].contains(&name)
            || attrs.contains("src=")
            || attrs.contains("href=\"http")
        {
            return Err(format!("external or active content: <{tag}>"));
        }
        if stack.is_empty() {
            if name != "html" || seen_root {
                return Err(format!("<{name}> outside the one html root"));
            }
            seen_root = true;
        }
        if stack.len() == 1 && !["head", "body"].contains(&name) {
            return Err(format!("<{name}> directly in <html>"));
        }
        if name == "h3" {
            text_since_h3 = Some(String::new());
        }
        if !VOID.contains(&name) {
            stack.push(name.to_string());
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed: {stack:?}"));
    }
    Ok(h3s)
}

fn check_text(text: &str) -> Result<(), String> {
    if text.contains('>') {
        return Err(format!("raw `>` in text: {text:?}"));
    }
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        rest = &rest[i..];
        let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
            .iter()
            .any(|e| rest.starts_with(e));
        if !ok {
            return Err(format!("bad entity at {:?}", &rest[..rest.len().min(12)]));
        }
        rest = &rest[1..];
    }
    Ok(())
}

fn check_attrs(attrs: &str) -> Result<(), String> {
    let mut rest = attrs.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or(format!("attribute without value: {rest:?}"))?;
        let name = &rest[..eq];
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("bad attribute name {name:?}"));
        }
        let after = rest[eq + 1..]
            .strip_prefix('"')
            .ok_or(format!("unquoted attribute {name}"))?;
        let end = after.find('"').ok_or("unterminated attribute")?;
        check_text(&after[..end])?;
        rest = after[end + 1..].trim_start();
    }
    Ok(())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn the_checker_rejects_broken_html() {
    let ok = "<!DOCTYPE html>\n<html><head><title>t</title></head><body><h3>a &amp; b</h3></body></html>\n";
    assert_eq!(check_html(ok).unwrap(), vec!["a &amp; b"]);
    for bad in [
        "<!DOCTYPE html>\n<html><head></head><body><p>x</body></html>",
        "<!DOCTYPE html>\n<html><head></head><body>a & b</body></html>",
        "<!DOCTYPE html>\n<html><head></head><body><p class=x>a</p></body></html>",
        "<!DOCTYPE html>\n<html><head></head><body></body></html><html></html>",
        "<!DOCTYPE html>\n<html><head><script src=\"x.js\"></script></head><body></body></html>",
    ] {
        assert!(check_html(bad).is_err(), "accepted {bad}");
    }
}

#[test]
fn html_handout_is_well_formed_with_every_slide_and_answers_only_on_request() {
    let content = load(&Source::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let student = export(dir.path(), "html", false);
    let h3s = check_html(&student).unwrap_or_else(|e| panic!("malformed HTML: {e}"));
    // Every slide title, in lesson and slide order.
    let expected: Vec<String> = content
        .lessons
        .iter()
        .flat_map(|l| {
            l.slides
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, s.title))
        })
        .collect();
    let got: Vec<String> = h3s.iter().map(|h| unescape(h)).collect();
    assert_eq!(got, expected);
    for l in &content.lessons {
        assert!(student.contains(&escape(&l.title)), "lesson {}", l.id);
    }
    // Code is coloured by token classes that the style sheet defines.
    assert!(student.contains("<span class=\"t-keyword\">"));
    assert!(student.contains(".t-keyword{color:#"));

    let teacher = export(dir.path(), "html", true);
    check_html(&teacher).unwrap_or_else(|e| panic!("malformed HTML: {e}"));
    let questions: usize = content.quizzes.iter().map(|q| q.questions.len()).sum();
    assert_eq!(student.matches("class=\"answer\"").count(), 0);
    assert_eq!(teacher.matches("class=\"answer\"").count(), questions);
    let mut free_text = 0;
    for quiz in &content.quizzes {
        assert!(student.contains(&escape(quiz.title())));
        for q in &quiz.questions {
            let QuestionKind::FreeText(f) = &q.kind else {
                continue;
            };
            free_text += 1;
            let model = escape(&expected_answer(q));
            assert!(!student.contains(&model), "model answer leaked: {model}");
            assert!(teacher.contains(&model), "model answer missing: {model}");
            for c in &f.rubric.concepts {
                let line = escape(&format!(
                    "{} {}",
                    threadtutor::quiz::report::format_points(c.points),
                    c.label
                ));
                assert!(!student.contains(&line), "rubric leaked: {line}");
                assert!(teacher.contains(&line), "rubric missing: {line}");
            }
        }
    }
    assert!(
        free_text > 0,
        "the built-in quizzes have free-text questions"
    );
}

#[test]
fn markdown_handout_has_every_slide_and_answers_only_on_request() {
    let content = load(&Source::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let student = export(dir.path(), "markdown", false);
    let teacher = export(dir.path(), "markdown", true);
    let heads: Vec<&str> = student
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .collect();
    let expected: Vec<String> = content
        .lessons
        .iter()
        .flat_map(|l| {
            l.slides
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, s.title))
        })
        .collect();
    assert_eq!(heads, expected);
    // Code fences are balanced.
    assert_eq!(
        student.lines().filter(|l| l.starts_with("```")).count() % 2,
        0
    );
    assert!(!student.contains("**Answer:**"));
    assert!(!student.contains("**Rubric:**"));
    let questions: usize = content.quizzes.iter().map(|q| q.questions.len()).sum();
    assert_eq!(teacher.matches("**Answer:**").count(), questions);
    assert!(teacher.contains("**Rubric:**"));
}

#[test]
fn hostile_text_in_lessons_stays_text() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    let mut content = load(&Source::Dir(dir)).unwrap();
    let evil = "</h3><script>alert(1)</script> & \"q\" <img src=x>\u{1b}[31m";
    content.lessons[0].title = evil.into();
    content.lessons[0].slides[0].title = evil.into();
    content.lessons[0].slides[0].blocks[1].kind =
        threadtutor::content::BlockKind::Paragraph(format!("**{evil}** `{evil}`"));
    for answers in [false, true] {
        let html =
            threadtutor::export::render(&content, threadtutor::export::Format::Html, answers);
        let h3s = check_html(&html).unwrap_or_else(|e| panic!("malformed HTML: {e}"));
        assert!(!html.contains("<script"));
        assert!(!html.contains('\u{1b}'));
        assert!(unescape(&h3s[0]).starts_with("1. </h3><script>"));
        let md =
            threadtutor::export::render(&content, threadtutor::export::Format::Markdown, answers);
        assert!(!md.contains('\u{1b}'));
    }
}

#[test]
fn quiz_prompts_and_options_keep_their_code_in_both_handouts() {
    let dir = tempfile::tempdir().unwrap();
    let html = export(dir.path(), "html", false);
    // pop-quiz-1's thread-order question: its program is a code block, and
    // its lines stay lines.
    assert!(
        html.contains(
            "<pre><code class=\"language-python\"><span class=\"t-keyword\">import</span> threading"
        ),
        "the quiz's program is not a highlighted code block"
    );
    assert!(!html.contains("import threading<br>"));
    // Inline code in a prompt and in an option.
    assert!(html.contains("each run <code>total += 1</code> many times"));
    assert!(html.contains("<li><code>queue.Empty</code></li>"));

    let md = export(dir.path(), "markdown", false);
    // The code block is fenced and indented inside its numbered question,
    // so the list goes on after it.
    let at = md
        .find("One prints the letters")
        .expect("the question is there");
    let after = &md[at..];
    assert!(
        after.contains("\n   ```python\n   import threading\n"),
        "{}",
        &after[..300]
    );
    assert!(md.contains("- [ ] `queue.Empty`"));
}
