//! The serde `Serializer` that turns any `Serialize` type into a [`Value`], and `Serialize` for
//! [`Value`] itself.
//!
//! Internally every value serializes to `Option<Value>`: `None` stands for `Option::None`, so
//! that a struct or map can leave such a member out while arrays and the top level turn it into
//! [`Value::Nil`]. A unit (`()`) is always [`Value::Nil`], never left out.

use std::fmt;

use serde::ser::{self, Serialize};

use super::datetime::{MAGIC, format_datetime_exact, parse_datetime};
use super::failure::Failure as Error;
use super::members::MemberSet;
use super::{EncodeError, Struct, Value};

/// Serializes `value` into a [`Value`]; the top-level `None` is [`Value::Nil`].
pub(super) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, EncodeError> {
    match value.serialize(ValueSerializer) {
        Ok(value) => Ok(value.unwrap_or(Value::Nil)),
        Err(error) => Err(error.into_encode("")),
    }
}

/// The serializer proper. `Ok(None)` means "this was `Option::None`".
struct ValueSerializer;

type Slot = Option<Value>;

fn int_from<T: TryInto<i64> + fmt::Display + Copy>(number: T) -> Result<Slot, Error> {
    match number.try_into() {
        Ok(number) => Ok(Some(Value::Int(number))),
        Err(_) => Err(Error::new(format!(
            "{number} does not fit in a 64-bit signed XML-RPC integer"
        ))),
    }
}

impl ser::Serializer for ValueSerializer {
    type Ok = Slot;
    type Error = Error;
    type SerializeSeq = SeqSerializer;
    type SerializeTuple = SeqSerializer;
    type SerializeTupleStruct = SeqSerializer;
    type SerializeTupleVariant = VariantSerializer<SeqSerializer>;
    type SerializeMap = MapSerializer;
    type SerializeStruct = MapSerializer;
    type SerializeStructVariant = VariantSerializer<MapSerializer>;

    fn serialize_bool(self, v: bool) -> Result<Slot, Error> {
        Ok(Some(Value::Bool(v)))
    }

    fn serialize_i8(self, v: i8) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v.into())))
    }

    fn serialize_i16(self, v: i16) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v.into())))
    }

    fn serialize_i32(self, v: i32) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v.into())))
    }

    fn serialize_i64(self, v: i64) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v)))
    }

    fn serialize_i128(self, v: i128) -> Result<Slot, Error> {
        int_from(v)
    }

    fn serialize_u8(self, v: u8) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v.into())))
    }

    fn serialize_u16(self, v: u16) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v.into())))
    }

    fn serialize_u32(self, v: u32) -> Result<Slot, Error> {
        Ok(Some(Value::Int(v.into())))
    }

    fn serialize_u64(self, v: u64) -> Result<Slot, Error> {
        int_from(v)
    }

    fn serialize_u128(self, v: u128) -> Result<Slot, Error> {
        int_from(v)
    }

    fn serialize_f32(self, v: f32) -> Result<Slot, Error> {
        Ok(Some(Value::Double(v.into())))
    }

    fn serialize_f64(self, v: f64) -> Result<Slot, Error> {
        Ok(Some(Value::Double(v)))
    }

    fn serialize_char(self, v: char) -> Result<Slot, Error> {
        Ok(Some(Value::String(v.to_string())))
    }

    fn serialize_str(self, v: &str) -> Result<Slot, Error> {
        Ok(Some(Value::String(v.to_owned())))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Slot, Error> {
        Ok(Some(Value::Base64(v.to_vec())))
    }

    fn serialize_none(self) -> Result<Slot, Error> {
        Ok(None)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Slot, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Slot, Error> {
        Ok(Some(Value::Nil))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Slot, Error> {
        Ok(Some(Value::Nil))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Slot, Error> {
        Ok(Some(Value::String(variant.to_owned())))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Slot, Error> {
        if name != MAGIC {
            return value.serialize(self);
        }
        match value.serialize(self)? {
            Some(Value::String(text)) => match parse_datetime(&text) {
                Some(date) => Ok(Some(Value::DateTime(date))),
                None => Err(Error::new(format!("`{text}` is not an XML-RPC date"))),
            },
            Some(Value::DateTime(date)) => Ok(Some(Value::DateTime(date))),
            other => Err(Error::new(format!(
                "a date must be given as a string, not {}",
                other.as_ref().map_or("none", Value::type_name)
            ))),
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Slot, Error> {
        let inner = value
            .serialize(ValueSerializer)
            .map_err(|e| e.within(|| format!("struct[{variant}]")))?;
        Ok(wrap(variant, inner.unwrap_or(Value::Nil)))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSerializer, Error> {
        Ok(SeqSerializer {
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqSerializer, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<SeqSerializer>, Error> {
        Ok(VariantSerializer {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapSerializer, Error> {
        Ok(MapSerializer {
            members: MemberSet::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSerializer, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<MapSerializer>, Error> {
        Ok(VariantSerializer {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// Builds an array.
struct SeqSerializer {
    items: Vec<Value>,
}

impl SeqSerializer {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.items.len();
        let value = value
            .serialize(ValueSerializer)
            .map_err(|e| e.within(|| format!("array[{index}]")))?;
        self.items.push(value.unwrap_or(Value::Nil));
        Ok(())
    }

    fn finish(self) -> Value {
        Value::Array(self.items)
    }
}

impl ser::SerializeSeq for SeqSerializer {
    type Ok = Slot;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(Some(self.finish()))
    }
}

impl ser::SerializeTuple for SeqSerializer {
    type Ok = Slot;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(Some(self.finish()))
    }
}

impl ser::SerializeTupleStruct for SeqSerializer {
    type Ok = Slot;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(Some(self.finish()))
    }
}

/// Builds a struct from a map or a Rust struct; `None` members are left out.
struct MapSerializer {
    members: MemberSet,
    key: Option<String>,
}

impl MapSerializer {
    fn member<T: Serialize + ?Sized>(&mut self, name: String, value: &T) -> Result<(), Error> {
        let value = match value.serialize(ValueSerializer) {
            Ok(value) => value,
            Err(e) => return Err(e.within(|| format!("struct[{name}]"))),
        };
        if let Some(value) = value {
            self.members.insert(name, value);
        }
        Ok(())
    }

    fn finish(self) -> Value {
        Value::Struct(self.members.finish())
    }
}

impl ser::SerializeMap for MapSerializer {
    type Ok = Slot;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let name = self
            .key
            .take()
            .ok_or_else(|| Error::new("a map value came without its key"))?;
        self.member(name, value)
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(Some(self.finish()))
    }
}

impl ser::SerializeStruct for MapSerializer {
    type Ok = Slot;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.member(name.to_owned(), value)
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(Some(self.finish()))
    }
}

/// Wraps a tuple or struct variant as `{variant: …}`.
struct VariantSerializer<S> {
    variant: &'static str,
    inner: S,
}

/// A variant with data as `{variant: value}`.
fn wrap(variant: &'static str, value: Value) -> Slot {
    let mut members = Struct::with_capacity(1);
    members.push_unchecked(variant.to_owned(), value);
    Some(Value::Struct(members))
}

impl ser::SerializeTupleVariant for VariantSerializer<SeqSerializer> {
    type Ok = Slot;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let variant = self.variant;
        self.inner
            .push(value)
            .map_err(|e| e.within(|| format!("struct[{variant}]")))
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(wrap(self.variant, self.inner.finish()))
    }
}

impl ser::SerializeStructVariant for VariantSerializer<MapSerializer> {
    type Ok = Slot;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let variant = self.variant;
        ser::SerializeStruct::serialize_field(&mut self.inner, name, value)
            .map_err(|e| e.within(|| format!("struct[{variant}]")))
    }

    fn end(self) -> Result<Slot, Error> {
        Ok(wrap(self.variant, self.inner.finish()))
    }
}

/// Serializes a map key, which must be a string (or a char, or a unit enum variant).
struct KeySerializer;

fn key_error() -> Error {
    Error::new("struct member names must be strings")
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }

    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }

    fn serialize_bool(self, _: bool) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_i8(self, _: i8) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_i16(self, _: i16) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_i32(self, _: i32) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_i64(self, _: i64) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_u8(self, _: u8) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_u16(self, _: u16) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_u32(self, _: u32) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_u64(self, _: u64) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_f32(self, _: f32) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_f64(self, _: f64) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_none(self) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(key_error())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

/// `Value` serializes into any serde format: dates as the crate's date newtype (so they stay
/// dates through [`to_value`](super::to_value) and are strings elsewhere), base64 as bytes, nil
/// as a unit (so a nil struct member is kept, not left out).
impl Serialize for Value {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeSeq as _;
        match self {
            Value::Int(number) => serializer.serialize_i64(*number),
            Value::Bool(flag) => serializer.serialize_bool(*flag),
            Value::String(text) => serializer.serialize_str(text),
            Value::Double(number) => serializer.serialize_f64(*number),
            Value::DateTime(date) => {
                serializer.serialize_newtype_struct(MAGIC, &format_datetime_exact(date))
            }
            Value::Base64(bytes) => serializer.serialize_bytes(bytes),
            Value::Struct(members) => members.serialize(serializer),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Nil => serializer.serialize_unit(),
        }
    }
}

impl Serialize for Struct {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
