//! What the quiz screen shows besides the answer fields: the question's
//! prompt (Markdown, a tracing program with line numbers), the feedback
//! after an answer, and the results with a bar per question.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::content::markdown::{self, LineKind, Style as MdStyle};
use crate::content::quiz::{Question, QuestionKind, Quiz};
use crate::content::sanitize::inert;
use crate::quiz::grade::{Grade, Response};
use crate::quiz::report::{expected_answer, format_points, your_answer};
use crate::ui::layout::{truncate, wrap};
use crate::ui::theme::Theme;

/// Markdown → wrapped ratatui lines.
pub fn markdown_lines(md: &str, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in markdown::render(&inert(md)) {
        let spans: Vec<Span<'static>> = line
            .spans
            .iter()
            .map(|s| {
                let style = match s.style {
                    MdStyle::Plain => t.text,
                    MdStyle::Bold => t.bold,
                    MdStyle::Emphasis => t.emphasis,
                    MdStyle::Code => t.inline_code,
                    MdStyle::Link => t.link,
                    MdStyle::Heading => t.heading,
                };
                Span::styled(s.text.clone(), style)
            })
            .collect();
        let pad = " ".repeat(line.indent);
        match line.kind {
            LineKind::Code { .. } => {
                let text: String = line.spans.iter().map(|s| s.text.as_str()).collect();
                out.push(Line::from(vec![
                    Span::styled(format!("{pad}│ "), t.border),
                    Span::styled(
                        truncate(&text, width.saturating_sub(line.indent + 2)),
                        t.code,
                    ),
                ]));
            }
            LineKind::Blank => out.push(Line::default()),
            LineKind::Rule => out.push(Line::from(Span::styled(
                "─".repeat(width.min(40)),
                t.border,
            ))),
            LineKind::Quote => out.extend(wrap(
                &spans,
                width,
                vec![Span::styled("│ ", t.border)],
                vec![Span::styled("│ ", t.border)],
            )),
            LineKind::Heading => out.extend(wrap(
                &spans
                    .into_iter()
                    .map(|s| Span::styled(s.content, t.heading))
                    .collect::<Vec<_>>(),
                width,
                vec![],
                vec![],
            )),
            LineKind::Text => out.extend(wrap(
                &spans,
                width,
                vec![Span::raw(pad.clone())],
                vec![Span::raw(pad)],
            )),
        }
    }
    out
}

pub fn prompt_lines(quiz: &Quiz, q: &Question, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(ctx) = quiz.multipart_context(q) {
        lines.extend(markdown_lines(ctx, width, t));
        lines.push(Line::default());
    }
    let prompt = if q.prompt.trim().is_empty() {
        q.kind
            .kind()
            .default_prompt()
            .unwrap_or_default()
            .to_string()
    } else {
        q.prompt.clone()
    };
    lines.extend(markdown_lines(&prompt, width, t));
    if let QuestionKind::Tracing(tr) = &q.kind {
        lines.push(Line::default());
        for (i, l) in tr.program.lines().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>3} │ ", i + 1), t.code_gutter),
                Span::styled(truncate(&inert(l), width.saturating_sub(6)), t.code),
            ]));
        }
    }
    lines
}

/// The feedback after an answer.
pub fn feedback_lines(
    q: &Question,
    g: &Grade,
    answer: Option<&Response>,
    width: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let verdict = if g.correct {
        Span::styled(
            format!(
                "✓ Correct — {}/{}",
                format_points(g.points),
                format_points(g.max)
            ),
            t.done,
        )
    } else if g.points > 0.0 {
        Span::styled(
            format!(
                "◐ Partly right — {}/{}",
                format_points(g.points),
                format_points(g.max)
            ),
            t.partial,
        )
    } else if !g.answered {
        Span::styled(format!("○ No answer — 0/{}", format_points(g.max)), t.error)
    } else {
        Span::styled(format!("✗ Not quite — 0/{}", format_points(g.max)), t.error)
    };
    lines.push(Line::from(verdict));
    let is_free = matches!(q.kind, QuestionKind::FreeText(_));
    if is_free {
        for c in &g.found {
            lines.extend(wrap(
                &[Span::styled(format!("✓ {c}"), t.done)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("    ")],
            ));
        }
        for c in &g.missed {
            let note = if g.negated.contains(c) {
                " (you mentioned it, but negated)"
            } else {
                ""
            };
            lines.extend(wrap(
                &[Span::styled(format!("✗ {c}{note}"), t.error)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("    ")],
            ));
        }
        for m in &g.misconceptions {
            lines.extend(wrap(
                &[Span::styled(format!("! misconception: {m}"), t.warning)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("    ")],
            ));
        }
    } else if !g.missed.is_empty() {
        lines.extend(wrap(
            &[Span::styled(
                format!("Wrong: {}", g.missed.join("; ")),
                t.error,
            )],
            width,
            vec![Span::raw("  ")],
            vec![Span::raw("  ")],
        ));
    }
    for n in &g.notes {
        lines.extend(wrap(
            &[Span::styled(n.clone(), t.dim)],
            width,
            vec![Span::raw("  ")],
            vec![Span::raw("  ")],
        ));
    }
    // The learner's own answer, beside the expected one below.
    if let Some(r) = answer
        && g.answered
    {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Your answer", t.heading)));
        for l in your_answer(q, r).lines() {
            let style = if l.trim_start().starts_with('✓') {
                t.done
            } else if l.trim_start().starts_with('✗') {
                t.error
            } else {
                t.text
            };
            lines.extend(wrap(
                &[Span::styled(inert(l).into_owned(), style)],
                width,
                vec![Span::raw("  ")],
                vec![Span::raw("  ")],
            ));
        }
    }
    lines.push(Line::default());
    let heading = if is_free {
        "A model answer"
    } else {
        "The answer"
    };
    lines.push(Line::from(Span::styled(heading, t.heading)));
    for l in expected_answer(q).lines() {
        lines.extend(wrap(
            &[Span::styled(inert(l).into_owned(), t.text)],
            width,
            vec![Span::raw("  ")],
            vec![Span::raw("  ")],
        ));
    }
    if let Some(ctx) = &q.context {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Why", t.heading)));
        lines.extend(markdown_lines(ctx, width, t));
    }
    lines
}

/// The results: the score (the best per question), then a bar per question
/// with its best points and, where the latest attempt at it scored less,
/// the latest beside them; then what `r` would retry.
pub fn results_lines(
    quiz: &Quiz,
    attempt: &[usize],
    best: &[Option<Grade>],
    latest: &[Option<Grade>],
    width: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let (score, max) = super::best_score(quiz, attempt, best);
    let pct = if max > 0.0 { score / max * 100.0 } else { 0.0 };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Score {} / {} ({pct:.0}%)",
                format_points(score),
                format_points(max)
            ),
            t.title,
        )),
        Line::default(),
    ];
    let label_w = attempt
        .iter()
        .map(|&i| quiz.questions[i].key().width())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let retried = attempt.iter().any(|&i| latest[i] != best[i]);
    let extra = if retried { 16 } else { 0 };
    let bw = width.saturating_sub(label_w + 16 + extra).clamp(4, 40);
    for &i in attempt {
        let q = &quiz.questions[i];
        let (p, m) = best[i]
            .as_ref()
            .map_or((0.0, q.max_points()), |g| (g.points, g.max));
        let frac = if m > 0.0 {
            (p / m).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let fill = (frac * bw as f64).round() as usize;
        let style = if frac >= 1.0 {
            t.done
        } else if frac > 0.0 {
            t.partial
        } else {
            t.error
        };
        let mut row = vec![
            Span::styled(
                format!("{:<label_w$} ", truncate(&inert(&q.key()), label_w)),
                t.text,
            ),
            Span::styled("█".repeat(fill), style),
            Span::styled("░".repeat(bw - fill), t.border),
            Span::styled(format!(" {}/{}", format_points(p), format_points(m)), t.dim),
        ];
        if let Some(l) = &latest[i]
            && latest[i] != best[i]
        {
            row.push(Span::styled(
                format!(
                    "  latest {}/{}",
                    format_points(l.points),
                    format_points(l.max)
                ),
                t.dim,
            ));
        }
        lines.push(Line::from(row));
    }
    let missed = super::missed(attempt, best).len();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        if missed == 0 {
            "Every question right.".to_string()
        } else {
            format!("{missed} not fully right: r retries just those, starting from your answers.")
        },
        t.text,
    )));
    if retried {
        lines.push(Line::from(Span::styled(
            "Each question counts its best answer.",
            t.dim,
        )));
    }
    lines
}
