//! The serde `Deserializer` over an owned [`Value`], and `Deserialize` for [`Value`] itself.
//!
//! `deserialize_any` maps each XML-RPC type onto the serde data model (dates become their
//! canonical string, nil becomes none); hints refine that where XML-RPC needs it: an `Option`
//! is `None` only for nil, a unit accepts nil, a date field (see [`datetime`](super::datetime))
//! reads a date or a string, an enum reads a variant name or a one-member struct. Unknown struct
//! members are ignored, as serde's derive does by default. Errors carry the path of the value
//! that failed, e.g. `struct[disks]/array[2]/struct[size]`.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{self, Deserialize, DeserializeSeed, IntoDeserializer, Visitor};

use super::datetime::{MAGIC, format_datetime_exact, from_nanos, parse_datetime, to_nanos};
use super::failure::Failure as Error;
use super::members::MemberSet;
use super::{DecodeError, Struct, Value};

/// The newtype name `Value`'s own `Deserialize` asks for, so that this deserializer can hand
/// dates over as dates rather than strings.
const VALUE_MAGIC: &str = "$xmlrpc::Value";

/// Deserializes a `T` out of `value`.
pub(super) fn from_value<T: de::DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    T::deserialize(ValueDeserializer(value)).map_err(Error::into_decode)
}

/// A `Deserializer` that owns the value it reads.
struct ValueDeserializer(Value);

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Int(number) => visitor.visit_i64(number),
            Value::Bool(flag) => visitor.visit_bool(flag),
            Value::String(text) => visitor.visit_string(text),
            Value::Double(number) => visitor.visit_f64(number),
            Value::DateTime(date) => visitor.visit_string(format_datetime_exact(&date)),
            Value::Base64(bytes) => visitor.visit_byte_buf(bytes),
            Value::Struct(members) => visitor.visit_map(MapReader::new(members)),
            Value::Array(items) => visitor.visit_seq(SeqReader::new(items)),
            Value::Nil => visitor.visit_none(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Nil => visitor.visit_none(),
            other => visitor.visit_some(ValueDeserializer(other)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Nil => visitor.visit_unit(),
            other => ValueDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match (name, self.0) {
            // The date visitors rebuild it from its nanoseconds, no text in between.
            (MAGIC, Value::DateTime(date)) => visitor.visit_i128(to_nanos(&date)),
            (MAGIC, other) => ValueDeserializer(other).deserialize_any(visitor),
            (VALUE_MAGIC, Value::DateTime(date)) => visitor.visit_map(DateMap(Some(date))),
            (VALUE_MAGIC, other) => ValueDeserializer(other).deserialize_any(visitor),
            (_, other) => visitor.visit_newtype_struct(ValueDeserializer(other)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(variant.into_deserializer()),
            Value::Struct(members) if members.len() == 1 => {
                let mut members = members.into_members();
                match members.pop() {
                    Some((variant, value)) => visitor.visit_enum(EnumReader { variant, value }),
                    None => Err(de::Error::custom("internal error: empty variant struct")),
                }
            }
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"a variant name or a struct with one member",
            )),
        }
    }

    /// A Rust struct comes only from an XML-RPC struct: serde would otherwise accept an array
    /// and fill the fields by position, which turns a wrong answer into wrong data.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Struct(members) => visitor.visit_map(MapReader::new(members)),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"an XML-RPC struct",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        seq tuple tuple_struct map identifier
    }
}

/// How a value is named in "invalid type" errors.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Int(number) => de::Unexpected::Signed(*number),
        Value::Bool(flag) => de::Unexpected::Bool(*flag),
        Value::String(text) => de::Unexpected::Str(text),
        Value::Double(number) => de::Unexpected::Float(*number),
        Value::DateTime(_) => de::Unexpected::Other("a dateTime.iso8601"),
        Value::Base64(bytes) => de::Unexpected::Bytes(bytes),
        Value::Struct(_) => de::Unexpected::Map,
        Value::Array(_) => de::Unexpected::Seq,
        Value::Nil => de::Unexpected::Option,
    }
}

/// Reads a struct's members as a map, naming each member in error paths.
struct MapReader {
    members: std::vec::IntoIter<(String, Value)>,
    current: Option<(String, Value)>,
}

impl MapReader {
    fn new(members: Struct) -> Self {
        Self {
            members: members.into_members().into_iter(),
            current: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for MapReader {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((name, value)) = self.members.next() else {
            return Ok(None);
        };
        let key = seed
            .deserialize(StrDeserializer::<Error>::new(&name))
            .map_err(|e| e.within(|| format!("struct[{name}]")))?;
        self.current = Some((name, value));
        Ok(Some(key))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let (name, value) = self
            .current
            .take()
            .ok_or_else(|| de::Error::custom("a map value was asked for before its key"))?;
        seed.deserialize(ValueDeserializer(value))
            .map_err(|e| e.within(|| format!("struct[{name}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// Reads an array's items, numbering each in error paths.
struct SeqReader {
    items: std::vec::IntoIter<Value>,
    index: usize,
}

impl SeqReader {
    fn new(items: Vec<Value>) -> Self {
        Self {
            items: items.into_iter(),
            index: 0,
        }
    }
}

impl<'de> de::SeqAccess<'de> for SeqReader {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDeserializer(item))
            .map(Some)
            .map_err(|e| e.within(|| format!("array[{index}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// An enum written as `{variant: value}`.
struct EnumReader {
    variant: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for EnumReader {
    type Error = Error;
    type Variant = VariantReader;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantReader), Error> {
        let variant = seed.deserialize(StrDeserializer::<Error>::new(&self.variant))?;
        Ok((
            variant,
            VariantReader {
                name: self.variant,
                value: self.value,
            },
        ))
    }
}

/// The value of a `{variant: value}` enum.
struct VariantReader {
    name: String,
    value: Value,
}

impl<'de> de::VariantAccess<'de> for VariantReader {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            Value::Nil => Ok(()),
            Value::Struct(members) if members.is_empty() => Ok(()),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"a unit variant",
            ))
            .map_err(|e: Error| e.within(|| format!("struct[{}]", self.name))),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let name = self.name;
        seed.deserialize(ValueDeserializer(self.value))
            .map_err(|e| e.within(|| format!("struct[{name}]")))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let name = self.name;
        de::Deserializer::deserialize_seq(ValueDeserializer(self.value), visitor)
            .map_err(|e| e.within(|| format!("struct[{name}]")))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let name = self.name;
        de::Deserializer::deserialize_map(ValueDeserializer(self.value), visitor)
            .map_err(|e| e.within(|| format!("struct[{name}]")))
    }
}

/// Hands a date to `Value`'s own visitor as the one-entry map `{MAGIC: <nanoseconds>}` (see
/// [`to_nanos`]); other formats may give `{MAGIC: "<date>"}`.
struct DateMap(Option<time::PrimitiveDateTime>);

impl<'de> de::MapAccess<'de> for DateMap {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.0.is_none() {
            return Ok(None);
        }
        seed.deserialize(StrDeserializer::<Error>::new(MAGIC))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let date = self
            .0
            .take()
            .ok_or_else(|| de::Error::custom("a map value was asked for twice"))?;
        seed.deserialize(de::value::I128Deserializer::new(to_nanos(&date)))
    }
}

/// `Value` deserializes from any serde format. Through [`from_value`](super::from_value) it is
/// the identity, dates included. Elsewhere dates arrive as strings (they are strings in other
/// formats), except a one-entry map `{"$xmlrpc::DateTime": "<date>"}`, which is read as a date.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(VALUE_MAGIC, ValueVisitor)
    }
}

/// `Struct` deserializes from any map with string keys (duplicate names: the later value wins
/// at the first position).
impl<'de> Deserialize<'de> for Struct {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Struct(members) => Ok(members),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a struct")),
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any XML-RPC value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &"a 64-bit signed integer"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Double(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Base64(v.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Base64(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Value::Struct(Struct::new()));
        };
        if first == MAGIC {
            let DateEntry(date) = map.next_value()?;
            if map.next_key::<String>()?.is_some() {
                return Err(de::Error::custom("a date map has exactly one entry"));
            }
            return Ok(Value::DateTime(date));
        }
        let mut members = MemberSet::with_capacity(map.size_hint().unwrap_or(0) + 1);
        members.insert(first, map.next_value::<Value>()?);
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value::<Value>()?;
            members.insert(name, value);
        }
        Ok(Value::Struct(members.finish()))
    }
}

/// The value of a `{MAGIC: ...}` date map: nanoseconds from [`DateMap`], text from elsewhere.
struct DateEntry(time::PrimitiveDateTime);

impl<'de> Deserialize<'de> for DateEntry {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DateEntryVisitor)
    }
}

struct DateEntryVisitor;

impl<'de> Visitor<'de> for DateEntryVisitor {
    type Value = DateEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an XML-RPC date")
    }

    fn visit_i128<E: de::Error>(self, nanos: i128) -> Result<DateEntry, E> {
        from_nanos(nanos).map(DateEntry).ok_or_else(|| {
            de::Error::invalid_value(de::Unexpected::Other("a date out of range"), &self)
        })
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<DateEntry, E> {
        parse_datetime(text)
            .map(DateEntry)
            .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(text), &self))
    }
}
