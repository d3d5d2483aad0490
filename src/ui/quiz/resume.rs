//! A quiz left half-way, as the progress file keeps it: the answers given
//! so far go into [`SavedAnswer`]s and come back as responses (graded again
//! on resuming, so the file holds answers, never scores).

use crate::progress::SavedAnswer;
use crate::quiz::grade::{Response, TraceResponse};

/// An answer as the progress file keeps it.
pub fn save(question: String, r: &Response) -> SavedAnswer {
    let mut s = SavedAnswer {
        question,
        ..SavedAnswer::default()
    };
    match r {
        Response::Text(t) => s.text = Some(t.clone()),
        Response::Choices(c) => s.choices = Some(c.clone()),
        Response::Trace(tr) => {
            s.compiles = Some(tr.compiles);
            s.output = Some(tr.output.clone());
            s.line = tr.line.map(|l| l as u64);
        }
        Response::Pairs(p) => {
            s.pairs = Some(p.iter().map(|(l, r)| [l.clone(), r.clone()]).collect())
        }
        Response::Order(o) => s.order = Some(o.clone()),
    }
    s
}

/// The answer a saved one stands for (None when it holds none).
pub fn load(s: &SavedAnswer) -> Option<Response> {
    if let Some(c) = &s.choices {
        return Some(Response::Choices(c.clone()));
    }
    if let Some(compiles) = s.compiles {
        return Some(Response::Trace(TraceResponse {
            compiles,
            output: s.output.clone().unwrap_or_default(),
            line: s.line.and_then(|l| usize::try_from(l).ok()),
        }));
    }
    if let Some(p) = &s.pairs {
        return Some(Response::Pairs(
            p.iter().map(|[l, r]| (l.clone(), r.clone())).collect(),
        ));
    }
    if let Some(o) = &s.order {
        return Some(Response::Order(o.clone()));
    }
    s.text.clone().map(Response::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_answer_comes_back_through_the_file() {
        let answers = [
            Response::Text("a lock\nreleased".into()),
            Response::Choices(vec!["one".into(), "two".into()]),
            Response::Trace(TraceResponse {
                compiles: false,
                output: "x\ny".into(),
                line: Some(3),
            }),
            Response::Pairs(vec![("Lock".into(), "mutex".into())]),
            Response::Order(vec!["b".into(), "a".into()]),
        ];
        for (i, r) in answers.iter().enumerate() {
            let saved = save(format!("q{i}"), r);
            let text = toml::to_string(&saved).unwrap();
            let back: SavedAnswer = toml::from_str(&text).unwrap();
            assert_eq!(load(&back).as_ref(), Some(r), "{text}");
        }
        assert_eq!(load(&SavedAnswer::default()), None);
    }
}
