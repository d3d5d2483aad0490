//! An answer's value in an answer sheet, before its question's kind reads
//! it: a string, an array of strings, or a table of scalars (spans kept for
//! messages). Each kind turns it into a [`super::Response`].

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// Any answer value; what it must be depends on the question.
pub enum SheetValue {
    Str(String),
    List(Vec<Spanned<String>>),
    Table(Vec<(Spanned<String>, Spanned<SheetScalar>)>),
    /// Something else, named for the message ("a number").
    Other(&'static str),
}

/// A value inside an answer's table.
pub enum SheetScalar {
    Str(String),
    Bool(bool),
    Int(i64),
    Other(&'static str),
}

macro_rules! other_visits {
    ($t:ty, $other:path) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$t, E> {
            Ok($other("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$t, E> {
            Ok($other("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$t, E> {
            Ok($other("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$t, E> {
            Ok($other("a number"))
        }
    };
}

impl<'de> Deserialize<'de> for SheetValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = SheetValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, an array of strings or a table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SheetValue, E> {
                Ok(SheetValue::Str(v.to_string()))
            }
            other_visits!(SheetValue, SheetValue::Other);
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SheetValue, A::Error> {
                // Any item is read, so an array holding a number is a value
                // of the wrong type (which `grade` can score 0 and go on),
                // not a sheet that cannot be read.
                let mut out = Vec::new();
                let mut odd: Option<&'static str> = None;
                while let Some(item) = seq.next_element::<Spanned<SheetScalar>>()? {
                    let span = item.span();
                    match item.into_inner() {
                        SheetScalar::Str(s) => out.push(Spanned::new(span, s)),
                        SheetScalar::Bool(_) => {
                            odd.get_or_insert("an array holding a boolean");
                        }
                        SheetScalar::Int(_) => {
                            odd.get_or_insert("an array holding a number");
                        }
                        SheetScalar::Other(_) => {
                            odd.get_or_insert("an array holding something other than strings");
                        }
                    }
                }
                Ok(odd.map_or(SheetValue::List(out), SheetValue::Other))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SheetValue, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    out.push((k, map.next_value::<Spanned<SheetScalar>>()?));
                }
                out.sort_by_key(|(k, _)| k.span().start);
                Ok(SheetValue::Table(out))
            }
        }
        d.deserialize_any(Vis)
    }
}

impl<'de> Deserialize<'de> for SheetScalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = SheetScalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a boolean or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SheetScalar, E> {
                Ok(SheetScalar::Str(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<SheetScalar, E> {
                Ok(SheetScalar::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SheetScalar, E> {
                Ok(SheetScalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SheetScalar, E> {
                Ok(i64::try_from(v).map_or(SheetScalar::Other("a number"), SheetScalar::Int))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<SheetScalar, E> {
                Ok(SheetScalar::Other("a fractional number"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SheetScalar, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(SheetScalar::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SheetScalar, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(SheetScalar::Other("a table"))
            }
        }
        d.deserialize_any(Vis)
    }
}

impl SheetValue {
    /// What the value is, for messages ("a string").
    pub fn describe(&self) -> &'static str {
        match self {
            SheetValue::Str(_) => "a string",
            SheetValue::List(_) => "an array",
            SheetValue::Table(_) => "a table",
            SheetValue::Other(what) => what,
        }
    }
}

impl SheetScalar {
    /// What the value is, for messages ("a string").
    pub fn describe(&self) -> &'static str {
        match self {
            SheetScalar::Str(_) => "a string",
            SheetScalar::Bool(_) => "a boolean",
            SheetScalar::Int(_) => "a number",
            SheetScalar::Other(what) => what,
        }
    }
}
