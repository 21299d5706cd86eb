//! Encoding: values, calls, responses and faults written straight into a byte buffer.
//!
//! The layout mirrors Python's `xmlrpc.client` (one structural element per line, scalars on
//! the line of their `<value>`), so our documents diff cleanly against Python's. Every value is
//! typed; text escapes only `&`, `<` and `>` (plus `\r`, written `&#13;` so that XML's line-end
//! normalisation cannot turn it into `\n`); characters XML 1.0 forbids are refused with the path
//! of the value that holds them. Paths are only built when something fails.

use base64::Engine as _;

use super::datetime::write_datetime;
use super::failure::Failure;
use super::{EncodeError, Fault, MethodCall, Struct, Value};

const DECLARATION: &[u8] = b"<?xml version=\"1.0\"?>\n";

/// Encodes a `<methodCall>`.
pub(super) fn call(call: &MethodCall) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(b"<methodCall>\n<methodName>");
    write_text(&mut out, &call.method).map_err(|f| f.into_encode("methodName"))?;
    out.extend_from_slice(b"</methodName>\n<params>\n");
    for (index, param) in call.params.iter().enumerate() {
        out.extend_from_slice(b"<param>\n");
        write_value(&mut out, param).map_err(|f| f.into_encode(&format!("params[{index}]")))?;
        out.extend_from_slice(b"\n</param>\n");
    }
    out.extend_from_slice(b"</params>\n</methodCall>\n");
    Ok(out)
}

/// Encodes a successful `<methodResponse>`.
pub(super) fn response(value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(b"<methodResponse>\n<params>\n<param>\n");
    write_value(&mut out, value).map_err(|f| f.into_encode("params[0]"))?;
    out.extend_from_slice(b"\n</param>\n</params>\n</methodResponse>\n");
    Ok(out)
}

/// Encodes a fault `<methodResponse>`. Characters XML forbids in the message are replaced by
/// U+FFFD, since a fault must always be sendable.
pub(super) fn fault(fault: &Fault) -> Vec<u8> {
    let mut out = Vec::with_capacity(192 + fault.message.len());
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(b"<methodResponse>\n<fault>\n<value><struct>\n<member>\n");
    out.extend_from_slice(b"<name>faultCode</name>\n<value><int>");
    write_int(&mut out, fault.code);
    out.extend_from_slice(b"</int></value>\n</member>\n<member>\n");
    out.extend_from_slice(b"<name>faultString</name>\n<value><string>");
    let start = out.len();
    if write_text(&mut out, &fault.message).is_err() {
        out.truncate(start);
        let cleaned: String = fault
            .message
            .chars()
            .map(|c| if super::is_xml_char(c) { c } else { '\u{FFFD}' })
            .collect();
        // Every character is allowed now.
        let _ = write_text(&mut out, &cleaned);
    }
    out.extend_from_slice(b"</string></value>\n</member>\n</struct></value>\n</fault>\n");
    out.extend_from_slice(b"</methodResponse>\n");
    out
}

/// Writes `<value>…</value>`.
fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), Failure> {
    out.extend_from_slice(b"<value>");
    match value {
        Value::Int(number) => {
            if i32::try_from(*number).is_ok() {
                out.extend_from_slice(b"<int>");
                write_int(out, *number);
                out.extend_from_slice(b"</int>");
            } else {
                out.extend_from_slice(b"<i8>");
                write_int(out, *number);
                out.extend_from_slice(b"</i8>");
            }
        }
        Value::Bool(true) => out.extend_from_slice(b"<boolean>1</boolean>"),
        Value::Bool(false) => out.extend_from_slice(b"<boolean>0</boolean>"),
        Value::String(text) => {
            out.extend_from_slice(b"<string>");
            write_text(out, text)?;
            out.extend_from_slice(b"</string>");
        }
        Value::Double(number) => {
            if !number.is_finite() {
                return Err(Failure::new(format!(
                    "{number} cannot be sent: XML-RPC doubles must be finite"
                )));
            }
            out.extend_from_slice(b"<double>");
            write_double(out, *number);
            out.extend_from_slice(b"</double>");
        }
        Value::DateTime(date) => {
            out.extend_from_slice(b"<dateTime.iso8601>");
            write_datetime(out, date).ok_or_else(|| {
                Failure::new(format!(
                    "year {} cannot be written as an XML-RPC date (0 to 9999)",
                    date.year()
                ))
            })?;
            out.extend_from_slice(b"</dateTime.iso8601>");
        }
        Value::Base64(bytes) => {
            out.extend_from_slice(b"<base64>");
            let start = out.len();
            let len = base64::encoded_len(bytes.len(), true).unwrap_or(0);
            out.resize(start + len, 0);
            let written = base64::engine::general_purpose::STANDARD
                .encode_slice(bytes, &mut out[start..])
                .map_err(|error| Failure::new(format!("base64: {error}")))?;
            out.truncate(start + written);
            out.extend_from_slice(b"</base64>");
        }
        Value::Struct(members) => write_struct(out, members)?,
        Value::Array(items) => {
            out.extend_from_slice(b"<array><data>\n");
            for (index, item) in items.iter().enumerate() {
                write_value(out, item).map_err(|f| f.within(|| format!("array[{index}]")))?;
                out.push(b'\n');
            }
            out.extend_from_slice(b"</data></array>");
        }
        Value::Nil => out.extend_from_slice(b"<nil/>"),
    }
    out.extend_from_slice(b"</value>");
    Ok(())
}

fn write_struct(out: &mut Vec<u8>, members: &Struct) -> Result<(), Failure> {
    out.extend_from_slice(b"<struct>\n");
    for (name, value) in members.iter() {
        out.extend_from_slice(b"<member>\n<name>");
        write_text(out, name).map_err(|f| f.within(|| format!("struct[{name}]")))?;
        out.extend_from_slice(b"</name>\n");
        write_value(out, value).map_err(|f| f.within(|| format!("struct[{name}]")))?;
        out.extend_from_slice(b"\n</member>\n");
    }
    out.extend_from_slice(b"</struct>");
    Ok(())
}

/// Writes a decimal integer without going through `fmt`.
fn write_int(out: &mut Vec<u8>, number: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = number.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if number < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// Writes a finite double so that Python's `float()` reads it back exactly: Rust's `Debug`
/// form is the shortest round-tripping one and always has a `.` or an exponent.
fn write_double(out: &mut Vec<u8>, number: f64) {
    use std::io::Write as _;
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{number:?}");
}

/// Writes text with `&`, `<`, `>` and `\r` escaped; refuses characters XML 1.0 forbids.
fn write_text(out: &mut Vec<u8>, text: &str) -> Result<(), Failure> {
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let escaped: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#13;",
            b'\t' | b'\n' => continue,
            0..=0x1f => {
                return Err(Failure::new(format!(
                    "character U+{byte:04X} is not allowed in XML 1.0"
                )));
            }
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xEF if matches!(bytes.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF])) => {
                let name = if bytes[at + 2] == 0xBE {
                    "U+FFFE"
                } else {
                    "U+FFFF"
                };
                return Err(Failure::new(format!(
                    "character {name} is not allowed in XML 1.0"
                )));
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[copied..at]);
        out.extend_from_slice(escaped);
        copied = at + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    Ok(())
}
