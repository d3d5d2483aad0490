//! `threadtutor challenge`: list the levels, replay a schedule, or solve a
//! level (or its fixed version) without the TUI. Exit codes: 0 ok, 1 a
//! user error (one line on stderr), 2 usage (clap's).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::challenge::{Limits, Outcome, Variant, parse_schedule};
use crate::content::challenge::{Challenge, load_challenge_file};
use crate::content::sanitize::{inert, json_inert};
use crate::content::{Content, Diagnostic};

/// `threadtutor challenge --list [--json]` /
/// `threadtutor challenge ID (--replay SCHEDULE | --solve) [--fixed] [--json]`
#[derive(Debug, clap::Args)]
pub struct ChallengeArgs {
    /// The level's id (see --list), or a path to a level file (a draft
    /// may leave out solution, hints, explanation and [fixed]).
    #[arg(value_name = "ID", required_unless_present = "list")]
    pub id: Option<String>,
    /// List the levels: id, goal, lesson and title.
    #[arg(long, conflicts_with_all = ["replay", "solve", "fixed"])]
    pub list: bool,
    /// Play a schedule such as 1,1,2,2e,1 (thread numbers; `e` runs one
    /// bytecode) and report the outcome.
    #[arg(long, value_name = "SCHEDULE", conflicts_with = "solve")]
    pub replay: Option<String>,
    /// Search every schedule: a shortest win, or a proof that none exists.
    #[arg(long)]
    pub solve: bool,
    /// Use the level's fixed version.
    #[arg(long)]
    pub fixed: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct ListRow<'a> {
    id: &'a str,
    title: &'a str,
    lesson: &'a str,
    goal: &'static str,
}

#[derive(Serialize)]
struct TraceRow {
    thread: String,
    line: usize,
    text: String,
    #[serde(rename = "move")]
    mv: String,
    events: Vec<String>,
}

#[derive(Serialize)]
struct ReplayJson<'a> {
    id: &'a str,
    outcome: &'static str,
    steps: usize,
    output: &'a str,
    trace: Vec<TraceRow>,
    reason: Option<String>,
}

#[derive(Serialize)]
struct SolveJson<'a> {
    id: &'a str,
    winnable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<String>,
    states: usize,
    exhaustive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<String>,
}

fn fail(err: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(err, "threadtutor: {}", inert(msg));
    1
}

fn print_json<T: Serialize>(out: &mut dyn Write, v: &T) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    let _ = writeln!(out, "{}", json_inert(&text));
}

/// Find a level by id in the content, or load it from a path.
fn resolve(id: &str, content: Option<&Content>) -> Result<Challenge, Vec<String>> {
    let looks_like_path = id.contains('/') || id.ends_with(".toml");
    if looks_like_path
        || (Path::new(id).is_file()
            && content.is_none_or(|c| !c.challenges.iter().any(|l| l.id == id)))
    {
        return load_challenge_file(Path::new(id))
            .map_err(|d| d.iter().map(Diagnostic::to_string).collect());
    }
    let Some(content) = content else {
        return Err(vec![format!("no level `{id}`")]);
    };
    match content.challenges.iter().find(|c| c.id == id) {
        Some(c) => Ok(c.clone()),
        None => {
            let ids: Vec<&str> = content.challenges.iter().map(|c| c.id.as_str()).collect();
            Err(vec![format!(
                "no level `{id}` (levels: {})",
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            )])
        }
    }
}

/// Run the command. `content` is `None` when it failed to load (a level
/// given by path still works).
pub fn run(
    args: &ChallengeArgs,
    content: Option<&Content>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if args.list {
        let Some(content) = content else {
            return 1;
        };
        let rows: Vec<ListRow> = content
            .challenges
            .iter()
            .map(|c| ListRow {
                id: &c.id,
                title: &c.title,
                lesson: &c.lesson,
                goal: c.goal.key(),
            })
            .collect();
        if args.json {
            print_json(out, &rows);
        } else {
            let w = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &rows {
                let _ = writeln!(
                    out,
                    "{:<w$}  {:<16}  {:<24}  {}",
                    r.id,
                    r.goal,
                    inert(r.lesson),
                    inert(r.title)
                );
            }
        }
        return 0;
    }
    let id = args.id.as_deref().unwrap_or_default();
    let level = match resolve(id, content) {
        Ok(l) => l,
        Err(lines) => {
            for l in &lines[..lines.len().saturating_sub(1)] {
                let _ = writeln!(err, "{}", inert(l));
            }
            return fail(err, lines.last().map_or("no such level", |s| s.as_str()));
        }
    };
    let variant = if args.fixed {
        Variant::Fixed
    } else {
        Variant::Original
    };
    if args.fixed && level.program(Variant::Fixed).is_none() {
        return fail(err, &format!("level `{}` has no [fixed] version", level.id));
    }
    if args.solve {
        let s = match level.solve(variant, Limits::default()) {
            Ok(s) => s,
            Err(e) => return fail(err, &e),
        };
        if let Some(l) = &s.limit_hit {
            let _ = writeln!(
                err,
                "threadtutor: the search was cut short ({}): the result is not a proof",
                inert(l)
            );
        }
        if args.json {
            print_json(
                out,
                &SolveJson {
                    id: &level.id,
                    winnable: s.winnable,
                    schedule: s.schedule.clone(),
                    states: s.states,
                    exhaustive: s.exhaustive,
                    limit: s.limit_hit.clone(),
                },
            );
        } else if let Some(sched) = &s.schedule {
            let _ = writeln!(
                out,
                "winnable in {} steps: {sched} ({} states explored)",
                s.moves.len(),
                s.states
            );
        } else if s.exhaustive {
            let _ = writeln!(
                out,
                "not winnable: every one of {} states checked{}",
                s.states,
                if args.fixed { ": the fix holds" } else { "" }
            );
        } else {
            let _ = writeln!(out, "no win found in {} states (not a proof)", s.states);
        }
        return 0;
    }
    let mut game = match level.game(variant) {
        Ok(g) => g,
        Err(e) => return fail(err, &e),
    };
    let Some(schedule) = &args.replay else {
        // Neither --replay nor --solve: describe the level.
        let _ = writeln!(out, "{} ({})", inert(&level.title), level.id);
        let _ = writeln!(out, "Goal: {}", inert(&level.goal.describe()));
        let _ = writeln!(out, "\n{}\n", inert(level.briefing.trim()));
        for (i, t) in game.threads().iter().enumerate() {
            let _ = writeln!(out, "{}. {}:", i + 1, inert(&t.name));
            for line in &t.code {
                let _ = writeln!(out, "    {}", inert(line));
            }
        }
        return 0;
    };
    let moves = match parse_schedule(schedule) {
        Ok(m) => m,
        Err(e) => return fail(err, &e),
    };
    if let Err((n, e)) = game.replay(&moves) {
        return fail(err, &format!("step {n} (`{}`): {e}", moves[n - 1]));
    }
    let (outcome, reason) = match game.outcome() {
        Outcome::Running => ("incomplete", None),
        Outcome::Win { reason } => ("win", Some(reason.clone())),
        Outcome::Loss { reason } => ("loss", Some(reason.clone())),
    };
    if args.json {
        let trace = game
            .reports()
            .iter()
            .map(|r| TraceRow {
                thread: r.thread.clone(),
                line: r.line,
                text: r.text.clone(),
                mv: r.mv.to_string(),
                events: r.events.clone(),
            })
            .collect();
        print_json(
            out,
            &ReplayJson {
                id: &level.id,
                outcome,
                steps: game.steps(),
                output: game.output(),
                trace,
                reason,
            },
        );
    } else {
        for line in game.narration() {
            let _ = writeln!(out, "{}", inert(&line));
        }
        if game.outcome() == &Outcome::Running {
            let _ = writeln!(out, "({outcome}: the level is still running)");
        }
        if !game.output().is_empty() {
            let _ = writeln!(out, "Output:\n{}", inert(game.output().trim_end()));
        }
    }
    0
}

/// The whole command: load the content (not needed for a level given by
/// path) and run.
pub fn command(
    args: &ChallengeArgs,
    source: &crate::content::Source,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let by_path = args
        .id
        .as_deref()
        .is_some_and(|i| i.contains('/') || i.ends_with(".toml"));
    let content = if by_path && !args.list {
        crate::content::load(source).ok()
    } else {
        match super::load_or_report(source, err) {
            Some(c) => Some(c),
            None => return 1,
        }
    };
    run(args, content.as_ref(), out, err)
}

/// For `threadtutor check`: prove every level's fixed version. Returns the
/// problems found.
pub fn check_levels(content: &Content) -> Vec<Diagnostic> {
    content
        .challenges
        .iter()
        .flat_map(crate::content::challenge::check_fixed)
        .collect()
}
