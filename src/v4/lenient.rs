//! Lenient field decoders for v4 wire structs.
//!
//! Gandi writes "no value" as `<nil/>`, as an empty string, or leaves the key out, and the same
//! key can change type between records (`can_snapshot` boolean or `''`, IDs int or `''`). These
//! `deserialize_with` helpers accept all of that, so decoding never fails on it.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, SeqAccess, Visitor};
use time::PrimitiveDateTime;

use crate::xmlrpc::datetime;

/// A scalar as it may arrive where a value is optional.
enum Scalar {
    None,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar, nil or an empty string")
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        i64::try_from(v)
            .map(Scalar::Int)
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(if v.is_empty() {
            Scalar::None
        } else {
            Scalar::Text(v.to_owned())
        })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(if v.is_empty() {
            Scalar::None
        } else {
            Scalar::Text(v)
        })
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

/// An optional integer: int, a decimal string, nil, `''` or absent.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match scalar(d)? {
        Scalar::None => Ok(None),
        Scalar::Int(v) => Ok(Some(v)),
        Scalar::Float(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Ok(Some(v as i64)),
        Scalar::Text(t) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected an integer, got {t:?}"))),
        Scalar::Bool(b) => Ok(Some(i64::from(b))),
        Scalar::Float(v) => Err(de::Error::custom(format!("expected an integer, got {v}"))),
    }
}

/// An optional float: double, int, nil, `''` or absent.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match scalar(d)? {
        Scalar::None => Ok(None),
        Scalar::Int(v) => Ok(Some(v as f64)),
        Scalar::Float(v) => Ok(Some(v)),
        Scalar::Text(t) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a number, got {t:?}"))),
        Scalar::Bool(b) => Ok(Some(if b { 1.0 } else { 0.0 })),
    }
}

/// An optional boolean: boolean, 0/1 int, nil, `''` or absent.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match scalar(d)? {
        Scalar::None => Ok(None),
        Scalar::Bool(b) => Ok(Some(b)),
        Scalar::Int(v) => Ok(Some(v != 0)),
        Scalar::Float(v) => Ok(Some(v != 0.0)),
        Scalar::Text(t) => match t.trim() {
            "1" | "true" | "True" => Ok(Some(true)),
            "0" | "false" | "False" => Ok(Some(false)),
            other => Err(de::Error::custom(format!(
                "expected a boolean, got {other:?}"
            ))),
        },
    }
}

/// An optional string: string, nil, `''` (→ `None`) or absent; numbers are written out.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match scalar(d)? {
        Scalar::None => Ok(None),
        Scalar::Text(t) => Ok(Some(t)),
        Scalar::Int(v) => Ok(Some(v.to_string())),
        Scalar::Float(v) => Ok(Some(v.to_string())),
        Scalar::Bool(b) => Ok(Some(b.to_string())),
    }
}

/// An optional date: dateTime.iso8601, a date string in a tolerated form, nil, `''` or absent.
///
/// [`datetime::option`] asks for the date by its magic newtype name, so the serde bridge hands
/// the date over as is, without formatting it to text and parsing it back.
pub(crate) fn opt_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<PrimitiveDateTime>, D::Error> {
    datetime::option::deserialize(d)
}

/// A list of integers; nil, `''` or absent give an empty list.
pub(crate) fn int_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of integers, nil or an empty string")
        }

        fn visit_none<E: de::Error>(self) -> Result<Vec<i64>, E> {
            Ok(Vec::new())
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<i64>, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<i64>, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<i64>, E> {
            if v.is_empty() {
                Ok(Vec::new())
            } else {
                Err(E::custom(format!(
                    "expected an array of integers, got {v:?}"
                )))
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<i64>, E> {
            Ok(vec![v])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<i64>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(Lenient(v)) = seq.next_element::<Lenient>()? {
                if let Some(v) = v {
                    out.push(v);
                }
            }
            Ok(out)
        }
    }

    d.deserialize_any(ListVisitor)
}

/// One lenient optional integer, for use inside sequences.
struct Lenient(Option<i64>);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_int(d).map(Lenient)
    }
}

/// A list of anything; nil, `''` or absent give an empty list.
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct ListVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array, nil or an empty string")
        }

        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
            if v.is_empty() {
                Ok(Vec::new())
            } else {
                Err(E::custom(format!("expected an array, got {v:?}")))
            }
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(v) = seq.next_element()? {
                out.push(v);
            }
            Ok(out)
        }
    }

    d.deserialize_any(ListVisitor(std::marker::PhantomData))
}

/// An optional struct: a struct, or nil / `''` / absent for `None`.
pub(crate) fn opt_struct<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct OptVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for OptVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a struct, nil or an empty string")
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
            if v.is_empty() {
                Ok(None)
            } else {
                Err(E::custom(format!("expected a struct, got {v:?}")))
            }
        }

        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    d.deserialize_any(OptVisitor(std::marker::PhantomData))
}
