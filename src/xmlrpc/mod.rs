//! A hand-written XML-RPC codec on quick-xml: values, calls, responses and faults, both ways,
//! plus a serde bridge.
//!
//! This module knows nothing of Gandi. It is public so that tests, the fake server and power
//! users can reach the wire format; its API follows the crate's semver, but the quick-xml types
//! it is built on never appear in it.
//!
//! CONTRACT (filled in by the codec work): every function below keeps its signature.

pub mod datetime;
mod decode;
mod encode;
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
    let _ = value;
    todo!("codec")
}

/// Converts a [`Value`] into any `Deserialize` type.
///
/// # Errors
/// [`DecodeError`] (without offset) naming the path of the first mismatch.
pub fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    let _ = value;
    todo!("codec")
}
