//! `threadtutor keys [--json]`: every key of the tutorial, screen by
//! screen, from the one key table (`ui::keys`): a cheat sheet to print.
//! `--json` prints an array of `{"screen", "keys": [...], "action"}`.
//! The README's key table is [`markdown`] (a test compares them).

use std::io::Write;

use serde::Serialize;

use crate::ui::keys::{Context, Row, all_rows, rows};

/// One binding in `--json`.
#[derive(Debug, Serialize)]
struct JsonRow<'a> {
    screen: &'static str,
    keys: &'a [String],
    action: &'static str,
}

/// The cheat sheet as text: a heading per screen, then `keys  what`.
pub fn text() -> String {
    let all = all_rows();
    let key_w = all
        .iter()
        .map(|r| unicode_width::UnicodeWidthStr::width(r.keys.join(" ").as_str()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for ctx in Context::ALL {
        out.push_str(ctx.title());
        out.push('\n');
        for row in rows(ctx) {
            let keys = row.keys.join(" ");
            let pad = key_w - unicode_width::UnicodeWidthStr::width(keys.as_str());
            out.push_str(&format!("  {keys}{}  {}\n", " ".repeat(pad), row.what));
        }
        out.push('\n');
    }
    out
}

/// Every binding as a JSON array of `{"screen", "keys", "action"}`.
pub fn json() -> String {
    let all: Vec<Row> = all_rows();
    let rows: Vec<JsonRow> = all
        .iter()
        .map(|r| JsonRow {
            screen: r.context.name(),
            keys: &r.keys,
            action: r.what,
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

/// The README's table: `| screen | keys | action |`, the screen named on
/// the first row of its bindings.
pub fn markdown() -> String {
    let mut out = String::from("| screen | keys | action |\n| --- | --- | --- |\n");
    for ctx in Context::ALL {
        for (i, row) in rows(ctx).into_iter().enumerate() {
            let screen = if i == 0 { ctx.name() } else { "" };
            let keys: Vec<String> = row.keys.iter().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!(
                "| {screen} | {} | {} |\n",
                keys.join(" "),
                row.what
            ));
        }
    }
    out
}

/// Run the command: the table as text, or as JSON with `json_out`.
pub fn run(json_out: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let text = if json_out { json() + "\n" } else { text() };
    out.write_all(text.as_bytes())
}
