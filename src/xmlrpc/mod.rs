//! A hand-written XML-RPC codec on quick-xml: values, calls, responses and faults, both ways,
//! plus a serde bridge.
//!
//! This module knows nothing of Gandi. It is public so that tests, the fake server and power
//! users can reach the wire format; its API follows the crate's semver, but the quick-xml types
//! it is built on never appear in it.
//!
//! # Decoding
//!
//! [`decode_response`] and [`decode_call`] read a whole document from a byte slice. They read
//! what Python's `xmlrpc.client` (Gandi's server) writes and what the XML-RPC spec allows:
//!
//! - `int`, `i4`, `i8` (also `ex:i8`) as [`Value::Int`]; `boolean` as `1`/`0` (`true`/`false`
//!   too); `double` with exponents, `inf` and `nan`; `base64` with line breaks; `nil` and
//!   `ex:nil`; structs (member order kept, a repeated name: the later value wins at the first
//!   position) and arrays (`<array/>` and `<data/>` tolerated).
//! - `dateTime.iso8601` as a naive [`time::PrimitiveDateTime`]: Gandi's `20110921T12:57:05`,
//!   and also without colons, with dashes, with a fraction, or with a `Z` or offset, which is
//!   dropped. *Limitation:* Gandi does not say which time zone its dates are in.
//! - An untyped `<value>text</value>` is a string with its whitespace kept; `<value/>` is the
//!   empty string; whitespace around a typed child is ignored.
//! - The five predefined entities and character references are resolved, CDATA is text; a
//!   DOCTYPE, any other entity, or a declared encoding other than UTF-8 (or ASCII) is refused.
//!
//! Errors are [`DecodeError`]s with the byte offset and a path such as
//! `params/param/value/struct[disks]/array[2]/struct[size]`. [`Limits`] bound the document
//! size (checked before parsing) and the nesting depth. The decoder is not recursive, so no
//! document can exhaust the stack; *note* that dropping, encoding or converting a tree is
//! recursive, so keep [`Limits::max_depth`] in the hundreds, not the millions.
//!
//! # Encoding
//!
//! [`encode_call`], [`encode_response`] and [`encode_fault`] write Python's layout, always with
//! typed values: `<int>` when the number fits 32 bits, else `<i8>`; `<boolean>1|0`; finite
//! `<double>`s in their shortest exact form; dates as `YYYYMMDDTHH:MM:SS` (fractions dropped);
//! unwrapped base64; `<string>` with open and close tags; `<nil/>`. Text escapes `&`, `<`, `>`
//! (and `\r`, as `&#13;`, so that it survives XML's line-end rules); characters XML 1.0
//! forbids are an [`EncodeError`] naming the value's path.
//!
//! # Serde
//!
//! [`to_value`] and [`from_value`] convert between [`Value`] and any serde type; [`Value`]
//! implements `Serialize` and `Deserialize` itself. Use [`datetime`] for date fields.

pub mod datetime;
mod de;
mod decode;
mod encode;
mod failure;
mod members;
mod ser;
mod value;

pub use datetime::{format_datetime, parse_datetime};
pub use value::{Fault, MethodCall, Response, Struct, Value};

use std::fmt;

/// Limits applied while decoding untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Deepest nesting of `<value>` elements accepted. Defaults to 64.
    pub max_depth: usize,
    /// Largest document accepted, in bytes. Defaults to 64 MiB.
    pub max_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_size: 64 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Sets [`Limits::max_depth`].
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Sets [`Limits::max_size`].
    #[must_use]
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.max_size = bytes;
        self
    }
}

/// Why a document or value could not be decoded.
///
/// `path` locates the problem, e.g. `params/param/value/struct[disks]/array[2]`; `offset` is the
/// byte offset in the document where it was noticed (absent when the error came from
/// [`from_value`], which works on an already decoded tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the input, when decoding bytes.
    pub offset: Option<u64>,
    /// Where in the document or value tree.
    pub path: String,
    /// What was wrong.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "{} (at byte {offset}, {})", self.reason, self.path),
            None => write!(f, "{} (at {})", self.reason, self.path),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a value could not be encoded (for example a character XML 1.0 forbids, or a NaN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// Where in the value tree, e.g. `params[1]/struct[hostname]`.
    pub path: String,
    /// What was wrong.
    pub reason: String,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.reason, self.path)
    }
}

impl std::error::Error for EncodeError {}

/// Whether XML 1.0 allows `c` in a document (the decoder checks character references with it,
/// the encoder the text it writes).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Encodes a `<methodCall>`.
///
/// # Errors
/// [`EncodeError`] when a value cannot be represented (forbidden characters, non-finite double).
pub fn encode_call(call: &MethodCall) -> Result<Vec<u8>, EncodeError> {
    encode::call(call)
}

/// Encodes a successful `<methodResponse>` carrying `value`.
///
/// # Errors
/// [`EncodeError`] when the value cannot be represented.
pub fn encode_response(value: &Value) -> Result<Vec<u8>, EncodeError> {
    encode::response(value)
}

/// Encodes a fault `<methodResponse>`.
///
/// This cannot fail: characters XML 1.0 forbids in the message are replaced by U+FFFD, since a
/// server must always be able to report its error.
pub fn encode_fault(fault: &Fault) -> Vec<u8> {
    encode::fault(fault)
}

/// Decodes a `<methodCall>` with the default [`Limits`].
///
/// # Errors
/// [`DecodeError`] with a byte offset and path for anything that is not a well-formed call.
pub fn decode_call(input: &[u8]) -> Result<MethodCall, DecodeError> {
    decode_call_with(input, &Limits::default())
}

/// Decodes a `<methodCall>` with explicit limits.
///
/// # Errors
/// As [`decode_call`], plus limit violations.
pub fn decode_call_with(input: &[u8], limits: &Limits) -> Result<MethodCall, DecodeError> {
    decode::call(input, limits)
}

/// Decodes a `<methodResponse>` (value or fault) with the default [`Limits`].
///
/// # Errors
/// [`DecodeError`] for anything that is not a well-formed response. A fault is *not* an error
/// here: it is [`Response::Fault`].
pub fn decode_response(input: &[u8]) -> Result<Response, DecodeError> {
    decode_response_with(input, &Limits::default())
}

/// Decodes a `<methodResponse>` with explicit limits.
///
/// # Errors
/// As [`decode_response`], plus limit violations.
pub fn decode_response_with(input: &[u8], limits: &Limits) -> Result<Response, DecodeError> {
    decode::response(input, limits)
}

/// Converts any `Serialize` type into a [`Value`] (structs become XML-RPC structs, `None`
/// fields are left out, sequences become arrays).
///
/// # Errors
/// [`EncodeError`] for what XML-RPC cannot carry (maps with non-string keys, integers beyond
/// i64, ...).
pub fn to_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, EncodeError> {
    ser::to_value(value)
}

/// Converts a [`Value`] into any `Deserialize` type.
///
/// # Errors
/// [`DecodeError`] (without offset) naming the path of the first mismatch.
pub fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    de::from_value(value)
}
