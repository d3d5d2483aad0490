//! Every Python code block in the lessons is valid Python 3: each block
//! with `language = "python"` (including those inside columns, and the
//! example files shown with `file = ...`) is compiled by the machine's
//! `python3`. Blocks marked `python2` are the deck's original text and are
//! not compiled. Without python3 the test says so and passes.

use crate::common;
use std::io::Write;
use std::process::{Command, Stdio};

use threadtutor::content::{Block, BlockKind, Source, load};

fn python3() -> Option<String> {
    let out = Command::new("python3").arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Some(if v.is_empty() {
        String::from_utf8_lossy(&out.stderr).trim().to_string()
    } else {
        v
    })
}

fn python_blocks<'a>(blocks: &'a [Block], out: &mut Vec<&'a threadtutor::content::Code>) {
    for b in blocks {
        match &b.kind {
            BlockKind::Code(c) if c.language == "python" => out.push(c),
            BlockKind::Columns(cols) => {
                for col in cols {
                    python_blocks(&col.blocks, out);
                }
            }
            _ => {}
        }
    }
}

/// Compile `source` with python3; Err holds python's message.
fn compile(name: &str, source: &str) -> Result<(), String> {
    let script = format!("import sys; compile(sys.stdin.read(), {name:?}, 'exec')");
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(source.as_bytes())
        .map_err(|e| format!("cannot write to python3: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("python3 failed: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

#[test]
fn every_python_block_compiles_with_python3() {
    let Some(version) = python3() else {
        common::skip("python3 not found; Python blocks were not compiled");
        return;
    };
    let content = load(&Source::Embedded).expect("embedded content loads");
    let mut failures = Vec::new();
    let mut checked = 0;
    for lesson in &content.lessons {
        for slide in &lesson.slides {
            let mut blocks = Vec::new();
            python_blocks(&slide.blocks, &mut blocks);
            for (n, code) in blocks.iter().enumerate() {
                let name = match &code.file {
                    Some(f) => f.clone(),
                    None => format!("{}/{}#{}", lesson.id, slide.id, n + 1),
                };
                checked += 1;
                if let Err(msg) = compile(&name, &code.source) {
                    failures.push(format!("{name}:\n{msg}"));
                }
            }
        }
    }
    assert!(checked >= 50, "only {checked} Python blocks found");
    assert!(
        failures.is_empty(),
        "{} of {checked} Python blocks do not compile with {version}:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_syntax_error_is_caught() {
    // The checker itself must be able to fail.
    if python3().is_none() {
        common::skip("python3 not found");
        return;
    }
    assert!(compile("ok", "x = 1\n").is_ok());
    let err = compile("deck-typo", "self.in = queue1.get()\n").unwrap_err();
    assert!(err.contains("SyntaxError"), "{err}");
}
