//! Demo parameters: each demo declares its knobs (with defaults and limits);
//! the CLI's `--param key=value` and the TUI's keys both go through here.

use std::collections::BTreeMap;
use std::fmt;

/// One parameter a demo takes.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub key: &'static str,
    pub help: &'static str,
    pub kind: ParamKind,
}

/// The type, default and limits of a parameter.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    Int {
        default: i64,
        min: i64,
        max: i64,
    },
    Float {
        default: f64,
        min: f64,
        max: f64,
    },
    Choice {
        default: &'static str,
        choices: &'static [&'static str],
    },
}

/// A parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(s) => f.write_str(s),
        }
    }
}

impl ParamSpec {
    pub fn default_value(&self) -> Value {
        match self.kind {
            ParamKind::Int { default, .. } => Value::Int(default),
            ParamKind::Float { default, .. } => Value::Float(default),
            ParamKind::Choice { default, .. } => Value::Text(default.to_string()),
        }
    }

    /// Parse and range-check a value given as text.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let key = self.key;
        match self.kind {
            ParamKind::Int { min, max, .. } => match text.trim().parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => Ok(Value::Int(v)),
                Ok(v) => Err(format!("{key}={v} is out of range ({min} to {max})")),
                Err(_) => Err(format!(
                    "{key} takes a whole number ({min} to {max}), not `{text}`"
                )),
            },
            ParamKind::Float { min, max, .. } => match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= min && v <= max => Ok(Value::Float(v)),
                Ok(v) => Err(format!("{key}={v} is out of range ({min} to {max})")),
                Err(_) => Err(format!(
                    "{key} takes a number ({min} to {max}), not `{text}`"
                )),
            },
            ParamKind::Choice { choices, .. } => {
                if choices.contains(&text) {
                    Ok(Value::Text(text.to_string()))
                } else {
                    Err(format!(
                        "{key} is one of {}, not `{text}`",
                        choices.join(", ")
                    ))
                }
            }
        }
    }

    /// The value one step up or down (for the TUI's +/- keys): by 1 over
    /// a small range (up to 20 values), else to the next "round" value of
    /// the 1-2-5 series (…, 10, 20, 50, 100, …), so `n` goes from 20000 to
    /// 1000000 in 6 presses; always within the range.
    pub fn step(&self, v: &Value, up: bool) -> Value {
        match (self.kind, v) {
            (ParamKind::Int { min, max, .. }, Value::Int(i)) => {
                let next = if max - min <= 20 {
                    if up {
                        i.saturating_add(1)
                    } else {
                        i.saturating_sub(1)
                    }
                } else {
                    let f = series_step(*i as f64, up, 1.0);
                    if f.is_finite() { f.round() as i64 } else { *i }
                };
                Value::Int(next.clamp(min, max))
            }
            (ParamKind::Float { min, max, .. }, Value::Float(x)) => {
                Value::Float(series_step(*x, up, 0.001).clamp(min, max))
            }
            (ParamKind::Choice { choices, .. }, Value::Text(t)) => {
                let i = choices.iter().position(|c| c == t).unwrap_or(0);
                let n = choices.len();
                Value::Text(choices[if up { (i + 1) % n } else { (i + n - 1) % n }].to_string())
            }
            _ => self.default_value(),
        }
    }
}

/// The next value of the 1-2-5 series above (or below) `x`, not finer
/// than `finest`; 0 below the finest step.
fn series_step(x: f64, up: bool, finest: f64) -> f64 {
    let mut cands = vec![0.0];
    let mut decade = finest;
    while decade < 1e13 {
        for m in [1.0, 2.0, 5.0] {
            // Rounded, so 0.001 × 10 is 0.01 exactly.
            cands.push((decade * m * 1e9).round() / 1e9);
        }
        decade *= 10.0;
    }
    let eps = finest / 1000.0;
    if x < 0.0 {
        // Negative ranges: mirror.
        return -series_step(-x, !up, finest);
    }
    if up {
        cands.into_iter().find(|&c| c > x + eps).unwrap_or(x)
    } else {
        cands
            .into_iter()
            .rev()
            .find(|&c| c < x - eps)
            .unwrap_or(0.0)
    }
}

/// A demo's parameter values, every key present.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    values: BTreeMap<&'static str, Value>,
    /// The generic `speed` parameter every demo takes (None: the runner's
    /// default — full speed headless, the TUI's pace on screen).
    speed: Option<f64>,
}

/// The generic parameter every demo takes: its pace.
pub const SPEED_KEY: &str = "speed";
/// What `speed` means, for `--help`, the docs and error messages.
pub const SPEED_HELP: &str = "the pace of visible steps: a factor from 0.05 to 1 (1 = 20 events a second), or `full` (no pacing; the default headless)";

/// Parse a `speed` value: `full`, or a factor in [0.05, 1].
pub fn parse_speed(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("full") {
        return Ok(f64::INFINITY);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.05..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("speed={v} is out of range (0.05 to 1, or `full`)")),
        Err(_) => Err(format!(
            "speed takes a factor from 0.05 to 1, or `full`, not `{text}`"
        )),
    }
}

impl Params {
    /// Defaults for every spec.
    pub fn defaults(specs: &[ParamSpec]) -> Params {
        Params {
            values: specs.iter().map(|s| (s.key, s.default_value())).collect(),
            speed: None,
        }
    }

    /// Defaults overridden by `key=value` strings; errors name the problem.
    pub fn parse(specs: &[ParamSpec], pairs: &[String]) -> Result<Params, String> {
        let mut p = Params::defaults(specs);
        for pair in pairs {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(format!("--param takes key=value, not `{pair}`"));
            };
            if k.trim() == SPEED_KEY && !specs.iter().any(|s| s.key == SPEED_KEY) {
                p.speed = Some(parse_speed(v)?);
                continue;
            }
            let Some(spec) = specs.iter().find(|s| s.key == k.trim()) else {
                let mut keys: Vec<_> = specs.iter().map(|s| s.key).collect();
                keys.push(SPEED_KEY);
                return Err(format!(
                    "unknown parameter `{k}` (known: {})",
                    keys.join(", ")
                ));
            };
            p.values.insert(spec.key, spec.parse(v)?);
        }
        Ok(p)
    }

    pub fn set(&mut self, key: &'static str, v: Value) {
        self.values.insert(key, v);
    }

    /// The `speed` given (`f64::INFINITY` for `full`), if any.
    pub fn speed(&self) -> Option<f64> {
        self.speed
    }

    /// Set (or forget) the `speed`.
    pub fn set_speed(&mut self, speed: Option<f64>) {
        self.speed = speed;
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// An integer parameter (0 if missing or not an integer).
    pub fn int(&self, key: &str) -> i64 {
        match self.values.get(key) {
            Some(Value::Int(i)) => *i,
            Some(Value::Float(f)) => *f as i64,
            _ => 0,
        }
    }

    /// A count parameter as usize.
    pub fn usize(&self, key: &str) -> usize {
        self.int(key).max(0) as usize
    }

    pub fn float(&self, key: &str) -> f64 {
        match self.values.get(key) {
            Some(Value::Float(f)) => *f,
            Some(Value::Int(i)) => *i as f64,
            _ => 0.0,
        }
    }

    pub fn text(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(Value::Text(t)) => t,
            _ => "",
        }
    }

    /// As a JSON object, for summaries (`speed` only when it was given:
    /// `"full"` or the factor).
    pub fn to_json(&self) -> serde_json::Value {
        let mut map: serde_json::Map<String, serde_json::Value> = self
            .values
            .iter()
            .map(|(k, v)| {
                let j = match v {
                    Value::Int(i) => serde_json::json!(i),
                    Value::Float(f) => serde_json::json!(f),
                    Value::Text(t) => serde_json::json!(t),
                };
                (k.to_string(), j)
            })
            .collect();
        if let Some(s) = self.speed {
            map.insert(
                SPEED_KEY.into(),
                if s.is_finite() {
                    serde_json::json!(s)
                } else {
                    serde_json::json!("full")
                },
            );
        }
        serde_json::Value::Object(map)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            key: "threads",
            help: "",
            kind: ParamKind::Int {
                default: 2,
                min: 1,
                max: 8,
            },
        },
        ParamSpec {
            key: "mode",
            help: "",
            kind: ParamKind::Choice {
                default: "run",
                choices: &["run", "enumerate"],
            },
        },
        ParamSpec {
            key: "interval",
            help: "",
            kind: ParamKind::Float {
                default: 0.005,
                min: 0.0,
                max: 1.0,
            },
        },
    ];

    #[test]
    fn parse_overrides_defaults_and_checks_ranges() {
        let p = Params::parse(SPECS, &["threads=4".into(), "mode=enumerate".into()]).unwrap();
        assert_eq!(
            (p.int("threads"), p.text("mode"), p.float("interval")),
            (4, "enumerate", 0.005)
        );
        assert_eq!(
            Params::parse(SPECS, &["threads=9".into()]).unwrap_err(),
            "threads=9 is out of range (1 to 8)"
        );
        assert_eq!(
            Params::parse(SPECS, &["mode=x".into()]).unwrap_err(),
            "mode is one of run, enumerate, not `x`"
        );
        assert_eq!(
            Params::parse(SPECS, &["speedy=1".into()]).unwrap_err(),
            "unknown parameter `speedy` (known: threads, mode, interval, speed)"
        );
        // `speed` is generic: every demo takes it.
        let p = Params::parse(SPECS, &["speed=0.5".into()]).unwrap();
        assert_eq!(p.speed(), Some(0.5));
        assert_eq!(p.to_json()["speed"], 0.5);
        let p = Params::parse(&[], &["speed=full".into()]).unwrap();
        assert_eq!(p.speed(), Some(f64::INFINITY));
        assert_eq!(p.to_json()["speed"], "full");
        assert_eq!(
            Params::parse(SPECS, &["speed=2".into()]).unwrap_err(),
            "speed=2 is out of range (0.05 to 1, or `full`)"
        );
        assert!(Params::defaults(SPECS).to_json().get("speed").is_none());
        assert_eq!(
            Params::parse(SPECS, &["threads".into()]).unwrap_err(),
            "--param takes key=value, not `threads`"
        );
    }

    #[test]
    fn steps_follow_the_1_2_5_series_on_big_ranges() {
        let n = ParamSpec {
            key: "n",
            help: "",
            kind: ParamKind::Int {
                default: 100_000,
                min: 1,
                max: 10_000_000,
            },
        };
        let mut v = Value::Int(20_000);
        let mut presses = 0;
        while v != Value::Int(1_000_000) {
            v = n.step(&v, true);
            presses += 1;
            assert!(presses < 10, "{v:?}");
        }
        assert_eq!(presses, 5);
        assert_eq!(n.step(&Value::Int(995_607), false), Value::Int(500_000));
        assert_eq!(n.step(&Value::Int(1), false), Value::Int(1));
        assert_eq!(
            SPECS[2].step(&Value::Float(0.005), true),
            Value::Float(0.01)
        );
        assert_eq!(
            SPECS[2].step(&Value::Float(0.001), false),
            Value::Float(0.0)
        );
    }

    #[test]
    fn steps_stay_in_range() {
        let s = &SPECS[0];
        assert_eq!(s.step(&Value::Int(8), true), Value::Int(8));
        assert_eq!(s.step(&Value::Int(1), false), Value::Int(1));
        assert_eq!(
            SPECS[1].step(&Value::Text("run".into()), true),
            Value::Text("enumerate".into())
        );
    }
}
