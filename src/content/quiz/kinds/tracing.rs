//! Tracing (mdbook-quiz): predict what a program does. Compiles (Python:
//! runs without an error) must match; when the quiz gives the output, the
//! output must match after [`normalise_output`]; when it gives the error's
//! line, the line must match. One point.

use std::ops::Range;

use super::lms::{self, Lms, Piece};
use super::{
    Grade, Handout, Kind, Response, SheetAnswer, SheetScalar, SheetValue, Spec, TraceResponse,
    toml_string,
};
use crate::content::quiz::model::{Question, QuestionKind};
use crate::content::quiz::parse::{Ctx, RawAnswer, RawPrompt};

/// Predict what a program does (mdbook-quiz `Tracing`).
#[derive(Debug, Clone)]
pub struct Tracing {
    pub program: String,
    pub language: Language,
    /// Rust: does it compile? Python: does it run without an error?
    pub does_compile: bool,
    /// What it prints (compared trimmed).
    pub stdout: Option<String>,
    /// Rust: the line of the compile error. Python: the line that raises.
    pub line_number: Option<usize>,
}

impl Tracing {
    /// The question asked when the file gives no `prompt.prompt`.
    pub fn default_prompt(language: Language) -> &'static str {
        match language {
            Language::Rust => {
                "Does this program compile? If it does, what does it print? If it does not, which line is the error on?"
            }
            Language::Python => {
                "Does this program run without an error? If it does, what does it print? If it does not, which line raises the error?"
            }
        }
    }

    /// What "it compiles" and "it does not" are called in this language.
    fn verdicts(&self) -> (&'static str, &'static str) {
        match self.language {
            Language::Rust => ("It compiles", "It does not compile"),
            Language::Python => ("It runs without an error", "It raises an error"),
        }
    }

    /// A behaviour in words: compiles or not, the line, what it prints.
    fn describe(&self, compiles: bool, line: Option<usize>, output: Option<&str>) -> String {
        let (yes, no) = self.verdicts();
        let mut s = if compiles { yes } else { no }.to_string();
        if let Some(n) = line {
            s.push_str(&format!(" (line {n})"));
        }
        if let Some(out) = output {
            s.push_str(&format!(" and prints:\n{}", out.trim_end()));
        }
        s
    }
}

/// The language of a Tracing program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// mdbook-quiz's default.
    #[default]
    Rust,
    Python,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
        }
    }
}

/// Tracing output comparison form: line endings unified, trailing spaces of
/// each line and blank lines at either end removed.
pub fn normalise_output(s: &str) -> String {
    s.replace("\r\n", "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

impl Kind for Tracing {
    fn name(&self) -> &'static str {
        "Tracing"
    }

    fn default_prompt(&self) -> Option<&'static str> {
        Some(Tracing::default_prompt(self.language))
    }

    fn max_points(&self) -> f64 {
        1.0
    }

    fn grade(&self, _q: &Question, response: Option<&Response>, g: &mut Grade) {
        match response {
            None => {}
            Some(Response::Trace(r)) => {
                let mut ok = r.compiles == self.does_compile;
                if ok && let Some(expected) = &self.stdout {
                    ok = normalise_output(expected) == normalise_output(&r.output);
                }
                if ok && !self.does_compile && self.line_number.is_some() {
                    ok = r.line == self.line_number;
                }
                g.points = f64::from(u8::from(ok));
            }
            Some(
                Response::Text(_) | Response::Choices(_) | Response::Pairs(_) | Response::Order(_),
            ) => g.wrong_shape(),
        }
    }

    fn expected_answer(&self) -> String {
        self.describe(self.does_compile, self.line_number, self.stdout.as_deref())
    }

    fn your_answer(&self, r: &Response) -> String {
        match r {
            Response::Trace(tr) => {
                let output = Some(tr.output.as_str()).filter(|o| !o.trim().is_empty());
                self.describe(tr.compiles, tr.line, output)
            }
            Response::Text(_) | Response::Choices(_) | Response::Pairs(_) | Response::Order(_) => {
                r.as_lines()
            }
        }
    }

    fn sheet_shape(&self) -> &'static str {
        "a table { compiles = true|false, output = \"...\", line = N }"
    }

    fn sheet_answer(&self, v: &SheetValue) -> SheetAnswer {
        let SheetValue::Table(t) = v else {
            return Err(None);
        };
        let mut r = TraceResponse::default();
        let mut compiles = None;
        for (k, v) in t {
            match (k.get_ref().as_str(), v.get_ref()) {
                ("compiles", SheetScalar::Bool(b)) => compiles = Some(*b),
                ("output", SheetScalar::Str(s)) => r.output = s.clone(),
                ("line", SheetScalar::Int(n)) if *n >= 0 => {
                    r.line = usize::try_from(*n).ok().filter(|&n| n > 0);
                }
                ("compiles", other) => {
                    return Err(Some((
                        v.span(),
                        format!("`compiles` must be true or false, not {}", other.describe()),
                    )));
                }
                ("output", other) => {
                    return Err(Some((
                        v.span(),
                        format!("`output` must be a string, not {}", other.describe()),
                    )));
                }
                ("line", other) => {
                    return Err(Some((
                        v.span(),
                        format!(
                            "`line` must be a line number (1, 2, ...), not {}",
                            match other {
                                SheetScalar::Int(_) => "a negative number",
                                o => o.describe(),
                            }
                        ),
                    )));
                }
                (other, _) => {
                    return Err(Some((
                        k.span(),
                        format!("unknown key `{other}` (expected compiles, output, line)"),
                    )));
                }
            }
        }
        match compiles {
            Some(c) => {
                r.compiles = c;
                Ok(Some(Response::Trace(r)))
            }
            // The blank template: nothing said yet.
            None if r.output.trim().is_empty() && r.line.is_none() => Ok(None),
            None => Err(Some((
                t.first().map_or(0..0, |(k, _)| k.span()),
                "a Tracing answer needs `compiles = true` or `compiles = false`".into(),
            ))),
        }
    }

    fn template(&self, out: &mut String, key: &str, _shown: &[&str]) {
        out.push_str(&format!("#    Program ({}):\n", self.language.name()));
        let width = self.program.lines().count().to_string().len();
        for (i, line) in self.program.lines().enumerate() {
            let numbered = format!("#    {:>width$} | {line}", i + 1);
            out.push_str(numbered.trim_end());
            out.push('\n');
        }
        let how = match self.language {
            Language::Rust => {
                "#    If it compiles: write compiles = true and its output.\n#    If it does not: write compiles = false and line = the line of the error.\n"
            }
            Language::Python => {
                "#    If it runs without an error: write compiles = true and its output.\n#    If it raises an error: write compiles = false, line = the line that\n#    raises it, and the output printed before that.\n"
            }
        };
        out.push_str(how);
        out.push_str(&format!(
            "# {key}.compiles = true\n# {key}.line = 1\n{key}.output = \"\"\"\n\"\"\"\n"
        ));
    }

    fn model_sheet(&self, out: &mut String, key: &str) {
        out.push_str(&format!("{key}.compiles = {}\n", self.does_compile));
        if let Some(s) = &self.stdout {
            out.push_str(&format!("{key}.output = {}\n", toml_string(s)));
        }
        if let Some(n) = self.line_number {
            out.push_str(&format!("{key}.line = {n}\n"));
        }
    }

    fn handout(&self) -> Handout<'_> {
        Handout {
            program: Some(&self.program),
            ..Handout::default()
        }
    }

    fn lms(&self, format: Lms) -> Result<Piece, String> {
        // No LMS type grades "runs or not, then the output or the line" as
        // one answer: an essay graded by hand, the expected answer in the
        // grader's information.
        let info = format!("Expected answer: {}", self.expected_answer());
        let mut p = lms::essay(format, &info, 5);
        p.extra_prompt = Some(format!(
            "```{}\n{}\n```",
            self.language.name(),
            self.program.trim_end()
        ));
        let why = "exported as an essay question graded by hand (no format grades a Tracing answer, runs-or-not then the output or the line, as one answer)";
        p.note = Some(match p.note {
            Some(n) => format!("{why}; {n}"),
            None => why.to_string(),
        });
        Ok(p)
    }
}

pub(super) const SPEC: Spec = Spec {
    name: "Tracing",
    prompt_required: false,
    keys: &[
        "prompt.prompt",
        "prompt.program",
        "prompt.language",
        "answer.doesCompile",
        "answer.stdout",
        "answer.lineNumber",
    ],
    parse: |cx, p, a, at| parse(cx, p, a, at).map(QuestionKind::Tracing),
};

fn parse(cx: &mut Ctx, p: &RawPrompt, a: &RawAnswer, at: &Range<usize>) -> Option<Tracing> {
    let program = cx.text_field(p.program.as_ref(), "prompt.program", "Tracing", at.clone());
    let language = match &p.language {
        None => Language::Rust,
        Some(l) => match l.get_ref().to_lowercase().as_str() {
            "rust" => Language::Rust,
            "python" => Language::Python,
            other => {
                cx.err(
                    l.span(),
                    format!("unknown `prompt.language` `{other}` (expected rust or python)"),
                );
                return None;
            }
        },
    };
    let Some(does_compile) = &a.does_compile else {
        cx.err(
            at.clone(),
            "missing `answer.doesCompile` (required in Tracing questions)",
        );
        return None;
    };
    let does_compile = *does_compile.get_ref();
    let program = program?;
    let line_number = match &a.line_number {
        None => None,
        Some(n) => {
            let lines = program.lines().count();
            if does_compile {
                let what = match language {
                    Language::Rust => "do not compile",
                    Language::Python => "raise an error",
                };
                cx.err(
                    n.span(),
                    format!(
                        "`answer.lineNumber` is only for programs that {what} (doesCompile = false)"
                    ),
                );
                return None;
            }
            match usize::try_from(*n.get_ref()) {
                Ok(v) if (1..=lines).contains(&v) => Some(v),
                _ => {
                    cx.err(
                        n.span(),
                        format!(
                            "`answer.lineNumber` is {}, but the program has lines 1 to {lines}",
                            n.get_ref()
                        ),
                    );
                    return None;
                }
            }
        }
    };
    if let Some(s) = &a.stdout
        && !does_compile
        && language == Language::Rust
    {
        cx.err(
            s.span(),
            "a program that does not compile prints nothing: remove `answer.stdout`",
        );
        return None;
    }
    Some(Tracing {
        program,
        language,
        does_compile,
        stdout: a.stdout.as_ref().map(|s| s.get_ref().clone()),
        line_number,
    })
}
