//! Decoding: XML-RPC documents (calls and responses) into [`Value`] trees.
//!
//! The parser pulls quick-xml events straight from the input slice and builds values with an
//! explicit stack instead of recursion, so a deeply nested document can only hit
//! [`Limits::max_depth`], never the thread's stack. Text without references or `\r` is borrowed
//! from the input until the value is built, so a string costs one allocation.
//!
//! The rules follow Python's `xmlrpc.client` (what Gandi's server runs): whitespace around a
//! typed child of `<value>` is ignored, an untyped `<value>` keeps its text exactly, element
//! prefixes such as `ex:` are ignored, and comments and processing instructions are skipped.
//! Nothing in here knows about Gandi, and no quick-xml type leaves this file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine as _;
use quick_xml::Reader;
use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::datetime::parse_datetime;
use super::members::INDEX_THRESHOLD;
use super::{DecodeError, Fault, Limits, MethodCall, Response, Struct, Value, is_xml_char};

/// Decodes a whole `<methodCall>` document.
pub(super) fn call(input: &[u8], limits: &Limits) -> Result<MethodCall, DecodeError> {
    read_call(input, limits).map_err(|error| *error)
}

/// Decodes a whole `<methodResponse>` document.
pub(super) fn response(input: &[u8], limits: &Limits) -> Result<Response, DecodeError> {
    read_response(input, limits).map_err(|error| *error)
}

/// Errors are boxed inside the parser: they are rare, and a small `Result` keeps the hot path
/// from copying a large error-sized value around with every event.
type Fallible<T> = Result<T, Box<DecodeError>>;

fn read_call(input: &[u8], limits: &Limits) -> Fallible<MethodCall> {
    let mut parser = Parser::new(input, limits)?;
    let root = parser.root("methodCall")?;
    if root.empty {
        return Err(parser.error_here("<methodCall> is empty: it needs a <methodName>"));
    }

    parser.prefix.push_str("methodName");
    let method = match parser.next_tag()? {
        Tag::Start(name) if is(&name, "methodName") => parser.read_text("methodName")?.into_owned(),
        Tag::Empty(name) if is(&name, "methodName") => String::new(),
        other => return Err(parser.unexpected(&other, "<methodName>")),
    };
    if method.is_empty() {
        return Err(parser.error_here("the method name is empty"));
    }
    parser.prefix.clear();

    let mut params = Vec::new();
    match parser.next_tag()? {
        Tag::End(end) => {
            parser.close(&end, "methodCall")?;
            parser.finish()?;
            return Ok(MethodCall { method, params });
        }
        Tag::Start(name) if is(&name, "params") => {}
        Tag::Empty(name) if is(&name, "params") => {
            parser.expect_end("methodCall")?;
            parser.finish()?;
            return Ok(MethodCall { method, params });
        }
        other => return Err(parser.unexpected(&other, "<params> or </methodCall>")),
    }

    loop {
        parser.prefix.clear();
        parser.prefix.push_str("params");
        match parser.next_tag()? {
            Tag::End(end) => {
                parser.close(&end, "params")?;
                break;
            }
            Tag::Start(name) if is(&name, "param") => {}
            other => return Err(parser.unexpected(&other, "<param> or </params>")),
        }
        let _ = write!(parser.prefix, "/param[{}]", params.len());
        params.push(parser.param_value()?);
    }
    parser.prefix.clear();
    parser.expect_end("methodCall")?;
    parser.finish()?;
    Ok(MethodCall { method, params })
}

fn read_response(input: &[u8], limits: &Limits) -> Fallible<Response> {
    let mut parser = Parser::new(input, limits)?;
    let root = parser.root("methodResponse")?;
    if root.empty {
        return Err(parser.error_here("<methodResponse> is empty: it needs <params> or <fault>"));
    }

    let response = match parser.next_tag()? {
        Tag::Start(name) if is(&name, "params") => {
            parser.prefix.push_str("params");
            let value = match parser.next_tag()? {
                // Tolerated: `<params></params>`, as for `<params/>`.
                Tag::End(end) => {
                    parser.close(&end, "params")?;
                    Value::Nil
                }
                Tag::Start(name) if is(&name, "param") => {
                    parser.prefix.push_str("/param");
                    let value = parser.param_value()?;
                    parser.prefix.truncate("params".len());
                    match parser.next_tag()? {
                        Tag::End(end) => parser.close(&end, "params")?,
                        Tag::Start(name) | Tag::Empty(name) if is(&name, "param") => {
                            return Err(parser.error_here("a response carries exactly one <param>"));
                        }
                        other => return Err(parser.unexpected(&other, "</params>")),
                    }
                    value
                }
                other => return Err(parser.unexpected(&other, "<param> or </params>")),
            };
            Response::Success(value)
        }
        Tag::Empty(name) if is(&name, "params") => Response::Success(Value::Nil),
        Tag::Start(name) if is(&name, "fault") => {
            parser.prefix.push_str("fault");
            let fault_start = parser.last_offset;
            let value = match parser.next_tag()? {
                Tag::Start(name) if is(&name, "value") => {
                    parser.prefix.push_str("/value");
                    parser.value()?
                }
                other => return Err(parser.unexpected(&other, "<value>")),
            };
            parser.prefix.truncate("fault".len());
            parser.expect_end("fault")?;
            let fault = fault_from_value(value).map_err(|reason| {
                Box::new(DecodeError {
                    offset: Some(fault_start),
                    path: "fault/value".to_owned(),
                    reason,
                })
            })?;
            Response::Fault(fault)
        }
        Tag::End(_) => {
            return Err(parser.error_here("<methodResponse> has neither <params> nor <fault>"));
        }
        other => return Err(parser.unexpected(&other, "<params> or <fault>")),
    };

    parser.prefix.clear();
    match parser.next_tag()? {
        Tag::End(end) => parser.close(&end, "methodResponse")?,
        Tag::Start(name) | Tag::Empty(name) if matches!(local(&name), "params" | "fault") => {
            return Err(parser.error_here("a response has exactly one of <params> or <fault>"));
        }
        other => return Err(parser.unexpected(&other, "</methodResponse>")),
    }
    parser.finish()?;
    Ok(response)
}

/// Reads `faultCode` and `faultString` out of a fault's struct.
fn fault_from_value(value: Value) -> Result<Fault, String> {
    let Value::Struct(members) = value else {
        return Err(format!(
            "a fault must be a struct, not {}",
            value.type_name()
        ));
    };
    let mut code = None;
    let mut message = None;
    for (name, value) in members {
        match name.as_str() {
            "faultCode" => {
                code = Some(match value {
                    Value::Int(code) => code,
                    Value::String(text) => text
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| format!("faultCode `{text}` is not an integer"))?,
                    other => {
                        return Err(format!(
                            "faultCode must be an int, not {}",
                            other.type_name()
                        ));
                    }
                });
            }
            "faultString" => {
                message = Some(match value {
                    Value::String(text) => text,
                    other => {
                        return Err(format!(
                            "faultString must be a string, not {}",
                            other.type_name()
                        ));
                    }
                });
            }
            _ => {}
        }
    }
    match (code, message) {
        (Some(code), Some(message)) => Ok(Fault { code, message }),
        (None, _) => Err("the fault has no faultCode".to_owned()),
        (_, None) => Err("the fault has no faultString".to_owned()),
    }
}

/// A structural event: what sits between tags once whitespace, comments and processing
/// instructions are skipped.
enum Tag<'a> {
    Start(BytesStart<'a>),
    Empty(BytesStart<'a>),
    /// Any end tag. quick-xml's own end-name check is off: each caller knows which element
    /// it expects to close and checks the name (see [`Parser::close`]).
    End(BytesEnd<'a>),
    Eof,
}

/// The root element, once read.
struct Root {
    empty: bool,
}

/// One open container while values are being built. Its members or items sit on the parser's
/// shared stacks from `start` on, so that a finished container is collected into a vector of
/// exactly the right size, with a single allocation.
enum Frame {
    Array {
        start: usize,
    },
    Struct {
        start: usize,
        /// Where in `members` the member whose value is being read goes.
        slot: Option<usize>,
        /// A one-word Bloom filter of the names seen so far: most new names miss it, and then
        /// need no search for an earlier member of the same name.
        seen: u64,
        /// Name → slot, built once the struct grows past [`INDEX_THRESHOLD`] members, so that
        /// duplicate checks stay linear on hostile documents.
        index: Option<HashMap<String, usize>>,
    },
}

/// What a `<value>` turned out to hold, once its opening content has been read.
enum Opened {
    /// A complete value; the closing `</value>` has been consumed.
    Done(Value),
    /// `<struct>` was opened.
    Struct,
    /// `<array>` was opened.
    Array,
}

/// What comes next inside an open struct or array.
enum Next {
    /// A `<value>` start tag was consumed: read the value.
    Value,
    /// A `<value/>`: the empty string.
    EmptyValue,
    /// The container is closed, including the `</value>` around it.
    Closed,
}

/// The scalar types, by element name.
#[derive(Clone, Copy)]
enum Scalar {
    String,
    Int,
    Boolean,
    Double,
    DateTime,
    Base64,
    Nil,
}

impl Scalar {
    /// Element names as Python's `xmlrpc.client` reads them (it also knows a few Apache
    /// extensions: `i1`, `i2`, `biginteger`, `float`, `bigdecimal`).
    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "string" => Self::String,
            "int" | "i4" | "i8" | "i1" | "i2" | "biginteger" => Self::Int,
            "boolean" => Self::Boolean,
            "double" | "float" | "bigdecimal" => Self::Double,
            "dateTime.iso8601" => Self::DateTime,
            "base64" => Self::Base64,
            "nil" => Self::Nil,
            _ => return None,
        })
    }
}

/// Base64 as Python writes it, read leniently: padding optional, trailing bits tolerated.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    max_depth: usize,
    /// The envelope part of the current path, e.g. `params/param`.
    prefix: String,
    /// Open containers of the value being read.
    frames: Vec<Frame>,
    /// Members of all open structs, innermost last.
    members: Vec<(String, Value)>,
    /// Items of all open arrays, innermost last.
    items: Vec<Value>,
    /// Reader position before the last event was read.
    last_offset: u64,
    /// Whether the document holds a `\r` anywhere: one vectorised scan up front spares a scan
    /// of every piece of text for the end-of-line rule (documents with `\r` are rare).
    has_cr: bool,
}

/// The local part of an element name: `ex:nil` is `nil`, as Python reads it.
fn local<'n>(start: &'n BytesStart<'_>) -> &'n str {
    let name = start.name().into_inner();
    // Names are short: a plain loop beats a vectorised search here.
    match name.bytes().rposition(|b| b == b':') {
        Some(colon) => name.get(colon + 1..).unwrap_or_default(),
        None => name,
    }
}

fn is_xml_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Whether a structural element (`params`, `member`, `value`, ...) is `expected`. These are
/// matched exactly; only value types take a prefix (`ex:nil`), see [`local`].
#[inline]
fn is(start: &BytesStart<'_>, expected: &str) -> bool {
    start.name().into_inner() == expected
}

/// Applies XML's end-of-line rule (`\r\n` and a lone `\r` read as `\n`), allocating only when
/// there is a `\r`: rare in practice. Only called when the document has a `\r` somewhere (see
/// [`Parser::has_cr`]), so text of a document without one is never scanned again.
#[cold]
fn line_ends(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.bytes().any(|b| b == b'\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether `input` holds a `\r`: branch-free over 64-byte blocks, which the compiler
/// vectorises (cheaper than a `memchr`, which stops to check every word).
fn has_cr(input: &[u8]) -> bool {
    input
        .chunks(64)
        .any(|block| block.iter().fold(0, |seen, &b| seen | u8::from(b == b'\r')) != 0)
}

/// The Bloom-filter bit of a member name: a cheap mix of its length and edge bytes.
#[inline]
fn name_bit(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let first = u64::from(bytes.first().copied().unwrap_or(0));
    let last = u64::from(bytes.last().copied().unwrap_or(0));
    let mix = (bytes.len() as u64)
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(first.wrapping_mul(31))
        .wrapping_add(last.wrapping_mul(131));
    1 << (mix % 64)
}

/// Member-name equality with cheap early outs: most names differ in length or first byte.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Appends one piece of text to a value being accumulated, borrowing while it is the only piece.
#[inline(always)]
fn append<'a>(acc: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if acc.is_empty() {
        *acc = piece;
    } else if !piece.is_empty() {
        acc.to_mut().push_str(&piece);
    }
}

/// Shortens text quoted in an error message.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX).collect();
        short.push('…');
        short
    }
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8], limits: &Limits) -> Fallible<Self> {
        if input.len() > limits.max_size {
            return Err(Box::new(DecodeError {
                offset: Some(u64::try_from(limits.max_size).unwrap_or(u64::MAX)),
                path: String::new(),
                reason: format!(
                    "the document is {} bytes, more than the limit of {} bytes",
                    input.len(),
                    limits.max_size
                ),
            }));
        }
        let mut reader = Reader::from_reader(input);
        reader.config_mut().check_end_names = false;
        Ok(Self {
            reader,
            max_depth: limits.max_depth,
            prefix: String::new(),
            frames: Vec::new(),
            members: Vec::new(),
            items: Vec::new(),
            last_offset: 0,
            has_cr: has_cr(input),
        })
    }

    // ----- errors -------------------------------------------------------------------------------

    fn path(&self) -> String {
        let mut path = self.prefix.clone();
        for frame in &self.frames {
            if !path.is_empty() {
                path.push('/');
            }
            match frame {
                Frame::Array { start } => {
                    let _ = write!(path, "array[{}]", self.items.len().saturating_sub(*start));
                }
                Frame::Struct { slot, .. } => match slot.and_then(|at| self.members.get(at)) {
                    Some((name, _)) => {
                        let _ = write!(path, "struct[{name}]");
                    }
                    None => path.push_str("struct"),
                },
            }
        }
        path
    }

    #[cold]
    fn error_at(&self, offset: u64, reason: impl Into<String>) -> Box<DecodeError> {
        Box::new(DecodeError {
            offset: Some(offset),
            path: self.path(),
            reason: reason.into(),
        })
    }

    /// An error about the event read last.
    #[cold]
    fn error_here(&self, reason: impl Into<String>) -> Box<DecodeError> {
        self.error_at(self.last_offset, reason)
    }

    #[cold]
    fn unexpected(&self, found: &Tag<'_>, expected: &str) -> Box<DecodeError> {
        let found = match found {
            Tag::Start(start) => format!("<{}>", start.name().into_inner()),
            Tag::Empty(start) => format!("<{}/>", start.name().into_inner()),
            Tag::End(end) => format!("</{}>", end.name().into_inner()),
            Tag::Eof => "the end of the document".to_owned(),
        };
        self.error_here(format!("expected {expected}, found {found}"))
    }

    // ----- events -------------------------------------------------------------------------------

    /// The next event that matters: comments and processing instructions are skipped.
    #[inline(always)]
    fn event(&mut self) -> Fallible<Event<'a>> {
        loop {
            self.last_offset = self.reader.buffer_position();
            match self.reader.read_event() {
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(Event::DocType(_)) => {
                    return Err(self.error_here("a DOCTYPE is not allowed in XML-RPC"));
                }
                Ok(Event::Decl(_)) => {
                    return Err(self.error_here("an XML declaration must come first"));
                }
                Ok(event) => return Ok(event),
                Err(error) => {
                    let offset = self.reader.error_position();
                    return Err(self.error_at(offset, format!("malformed XML: {error}")));
                }
            }
        }
    }

    /// The next tag, skipping whitespace; any other text is an error.
    #[inline(always)]
    fn next_tag(&mut self) -> Fallible<Tag<'a>> {
        loop {
            match self.event()? {
                Event::Start(start) => return Ok(Tag::Start(start)),
                Event::Empty(start) => return Ok(Tag::Empty(start)),
                Event::End(end) => return Ok(Tag::End(end)),
                Event::Eof => return Ok(Tag::Eof),
                Event::Text(text) if is_xml_whitespace(&text) => {}
                Event::Text(text) => {
                    return Err(self.error_here(format!(
                        "unexpected text `{}` between elements",
                        excerpt(text.trim())
                    )));
                }
                Event::CData(data) if is_xml_whitespace(&data) => {}
                Event::CData(_) => {
                    return Err(self.error_here("unexpected CDATA between elements"));
                }
                Event::GeneralRef(_) => {
                    return Err(self.error_here("unexpected reference between elements"));
                }
                // `event()` never returns these.
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Decl(_) => {}
            }
        }
    }

    #[inline(always)]
    fn expect_end(&mut self, name: &str) -> Fallible<()> {
        match self.next_tag()? {
            Tag::End(end) => self.close(&end, name),
            other => Err(self.unexpected(&other, &format!("</{name}>"))),
        }
    }

    /// Checks that an end tag closes `name` (quick-xml's own check is off, see [`Tag::End`]).
    #[inline]
    fn close(&self, end: &BytesEnd<'_>, name: &str) -> Fallible<()> {
        let found = end.name().into_inner();
        if found == name {
            return Ok(());
        }
        Err(self.error_here(format!("expected </{name}>, found </{found}>")))
    }

    /// Text of a text or CDATA event, with XML's end-of-line rule applied.
    #[inline(always)]
    fn text(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        if self.has_cr { line_ends(text) } else { text }
    }

    /// Resolves a reference event into text.
    fn reference(&self, name: &str) -> Fallible<Cow<'static, str>> {
        if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix('x') {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()
                }
                Some(_) => None,
                None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                    number.parse::<u32>().ok()
                }
                None => None,
            };
            let c = code
                .and_then(char::from_u32)
                .filter(|&c| is_xml_char(c))
                .ok_or_else(|| {
                    self.error_here(format!("`&{}` is not a valid XML character", excerpt(name)))
                })?;
            return Ok(Cow::Owned(c.to_string()));
        }
        let text = match name {
            "lt" => "<",
            "gt" => ">",
            "amp" => "&",
            "apos" => "'",
            "quot" => "\"",
            _ => {
                return Err(self.error_here(format!(
                    "unknown entity `&{}`; only the five predefined XML entities are allowed",
                    excerpt(name)
                )));
            }
        };
        Ok(Cow::Borrowed(text))
    }

    /// Reads the text content of the element `name` just opened, up to and including its end
    /// tag.
    fn read_text(&mut self, name: &str) -> Fallible<Cow<'a, str>> {
        let mut acc = Cow::Borrowed("");
        loop {
            match self.event()? {
                Event::Text(text) => append(&mut acc, self.text(text.into_inner())),
                Event::CData(data) => append(&mut acc, self.text(data.into_inner())),
                Event::GeneralRef(reference) => {
                    let piece = self.reference(&reference)?;
                    append(&mut acc, piece);
                }
                Event::End(end) => {
                    self.close(&end, name)?;
                    return Ok(acc);
                }
                Event::Start(start) | Event::Empty(start) => {
                    return Err(self.error_here(format!(
                        "unexpected element <{}> inside text",
                        start.name().into_inner()
                    )));
                }
                Event::Eof => return Err(self.error_here("unexpected end of the document")),
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Decl(_) => {}
            }
        }
    }

    // ----- document -----------------------------------------------------------------------------

    /// Reads the prolog and the root start tag, which must be `expected`.
    fn root(&mut self, expected: &str) -> Fallible<Root> {
        loop {
            self.last_offset = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    let offset = self.reader.error_position();
                    return Err(self.error_at(offset, format!("malformed XML: {error}")));
                }
            };
            match event {
                Event::Decl(decl) => {
                    if let Some(encoding) = decl.encoding() {
                        let encoding = encoding.map_err(|error| {
                            self.error_here(format!("malformed XML declaration: {error}"))
                        })?;
                        let name = encoding.trim();
                        let known = ["utf-8", "utf8", "us-ascii", "ascii"];
                        if !known.iter().any(|k| name.eq_ignore_ascii_case(k)) {
                            return Err(self.error_here(format!(
                                "unsupported encoding `{}`: only UTF-8 (and its ASCII subset) \
                                 is accepted",
                                excerpt(name)
                            )));
                        }
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) if is_xml_whitespace(&text) => {}
                Event::DocType(_) => {
                    return Err(self.error_here("a DOCTYPE is not allowed in XML-RPC"));
                }
                Event::Start(start) | Event::Empty(start)
                    if start.name().into_inner() != expected =>
                {
                    return Err(self.error_here(format!(
                        "expected <{expected}>, found <{}>",
                        start.name().into_inner()
                    )));
                }
                Event::Start(_) => return Ok(Root { empty: false }),
                Event::Empty(_) => return Ok(Root { empty: true }),
                Event::Eof => {
                    return Err(
                        self.error_here(format!("the document is empty: expected <{expected}>"))
                    );
                }
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) | Event::End(_) => {
                    return Err(self.error_here(format!("expected <{expected}>")));
                }
            }
        }
    }

    /// After the root's end tag: only whitespace, comments and processing instructions.
    fn finish(&mut self) -> Fallible<()> {
        self.prefix.clear();
        match self.next_tag()? {
            Tag::Eof => Ok(()),
            other => Err(self.unexpected(&other, "the end of the document")),
        }
    }

    /// Reads `<value>…</value></param>` after `<param>`; the prefix names the param.
    fn param_value(&mut self) -> Fallible<Value> {
        let value = match self.next_tag()? {
            Tag::Start(name) if is(&name, "value") => {
                self.prefix.push_str("/value");
                self.value()?
            }
            Tag::Empty(name) if is(&name, "value") => Value::String(String::new()),
            other => return Err(self.unexpected(&other, "<value>")),
        };
        self.expect_end("param")?;
        Ok(value)
    }

    // ----- values -------------------------------------------------------------------------------

    /// Reads a value whose `<value>` start tag was just consumed, up to its `</value>`.
    fn value(&mut self) -> Fallible<Value> {
        self.frames.clear();
        let mut next = Next::Value;
        loop {
            let value = match next {
                Next::Value => {
                    if self.frames.len() >= self.max_depth {
                        return Err(self.error_here(format!(
                            "values are nested more than {} deep",
                            self.max_depth
                        )));
                    }
                    match self.open_value()? {
                        Opened::Done(value) => value,
                        Opened::Struct => {
                            self.frames.push(Frame::Struct {
                                start: self.members.len(),
                                slot: None,
                                seen: 0,
                                index: None,
                            });
                            next = self.struct_next()?;
                            continue;
                        }
                        Opened::Array => {
                            self.frames.push(Frame::Array {
                                start: self.items.len(),
                            });
                            next = self.array_open()?;
                            continue;
                        }
                    }
                }
                Next::EmptyValue => Value::String(String::new()),
                Next::Closed => match self.frames.pop() {
                    Some(Frame::Array { start }) => Value::Array(self.items.split_off(start)),
                    Some(Frame::Struct { start, .. }) => {
                        Value::Struct(Struct::from_unique_members(self.members.split_off(start)))
                    }
                    None => return Err(self.error_here("internal error: no open container")),
                },
            };

            // Hand the finished value to its container and see what follows it.
            next = match self.frames.last_mut() {
                None => return Ok(value),
                Some(Frame::Array { .. }) => {
                    self.items.push(value);
                    self.array_next()?
                }
                Some(Frame::Struct { slot, .. }) => {
                    if let Some(member) = slot.take().and_then(|at| self.members.get_mut(at)) {
                        member.1 = value;
                    }
                    self.expect_end("member")?;
                    self.struct_next()?
                }
            };
        }
    }

    /// Gives member `name` of the innermost struct its slot: the slot of an earlier member of
    /// the same name (the later value wins, at the first position), else a new one.
    fn claim_slot(&mut self, name: String) {
        let Some(Frame::Struct {
            start,
            slot,
            seen,
            index,
        }) = self.frames.last_mut()
        else {
            return;
        };
        let members = &mut self.members;
        let bit = name_bit(&name);
        let maybe_seen = *seen & bit != 0;
        *seen |= bit;
        let found = match index {
            Some(index) => index.get(&name).copied(),
            None if !maybe_seen => None,
            None => members
                .get(*start..)
                .and_then(|open| open.iter().position(|(n, _)| same_name(n, &name)))
                .map(|at| at + *start),
        };
        let at = match found {
            Some(at) => at,
            None => {
                let at = members.len();
                if let Some(index) = index {
                    index.insert(name.clone(), at);
                }
                members.push((name, Value::Nil));
                if index.is_none() && members.len() - *start > INDEX_THRESHOLD {
                    let open = members.get(*start..).unwrap_or_default();
                    let built = open
                        .iter()
                        .enumerate()
                        .map(|(offset, (n, _))| (n.clone(), *start + offset))
                        .collect();
                    *index = Some(built);
                }
                at
            }
        };
        *slot = Some(at);
    }

    /// After `<struct>` or a member's `</member>`: the next member's name and `<value>`, or
    /// `</struct></value>`.
    fn struct_next(&mut self) -> Fallible<Next> {
        match self.next_tag()? {
            Tag::End(end) => {
                self.close(&end, "struct")?;
                self.expect_end("value")?;
                Ok(Next::Closed)
            }
            Tag::Start(member) if is(&member, "member") => {
                let name = match self.next_tag()? {
                    Tag::Start(name) if is(&name, "name") => self.read_text("name")?.into_owned(),
                    Tag::Empty(name) if is(&name, "name") => String::new(),
                    other => return Err(self.unexpected(&other, "<name>")),
                };
                self.claim_slot(name);
                match self.next_tag()? {
                    Tag::Start(value) if is(&value, "value") => Ok(Next::Value),
                    Tag::Empty(value) if is(&value, "value") => Ok(Next::EmptyValue),
                    Tag::End(_) => Err(self.error_here("struct member has no <value>")),
                    other => Err(self.unexpected(&other, "<value>")),
                }
            }
            other => Err(self.unexpected(&other, "<member> or </struct>")),
        }
    }

    /// After `<array>`: `<data>` and the first element, or an empty array.
    fn array_open(&mut self) -> Fallible<Next> {
        match self.next_tag()? {
            Tag::Start(data) if is(&data, "data") => self.array_next(),
            Tag::Empty(data) if is(&data, "data") => {
                self.expect_end("array")?;
                self.expect_end("value")?;
                Ok(Next::Closed)
            }
            // Tolerated: `<array></array>` without `<data>`.
            Tag::End(end) => {
                self.close(&end, "array")?;
                self.expect_end("value")?;
                Ok(Next::Closed)
            }
            other => Err(self.unexpected(&other, "<data>")),
        }
    }

    /// Inside `<data>`: the next element, or `</data></array></value>`.
    fn array_next(&mut self) -> Fallible<Next> {
        match self.next_tag()? {
            Tag::Start(value) if is(&value, "value") => Ok(Next::Value),
            Tag::Empty(value) if is(&value, "value") => Ok(Next::EmptyValue),
            Tag::End(end) => {
                self.close(&end, "data")?;
                self.expect_end("array")?;
                self.expect_end("value")?;
                Ok(Next::Closed)
            }
            other => Err(self.unexpected(&other, "<value> or </data>")),
        }
    }

    /// Reads the inside of a `<value>` up to its first child (or its end).
    fn open_value(&mut self) -> Fallible<Opened> {
        let text_offset = self.reader.buffer_position();
        let mut text = Cow::Borrowed("");
        let (start, empty) = loop {
            match self.event()? {
                Event::Text(piece) => append(&mut text, self.text(piece.into_inner())),
                Event::CData(piece) => append(&mut text, self.text(piece.into_inner())),
                Event::GeneralRef(reference) => {
                    let piece = self.reference(&reference)?;
                    append(&mut text, piece);
                }
                // `<value>text</value>`: an untyped string, whitespace and all.
                Event::End(end) => {
                    self.close(&end, "value")?;
                    return Ok(Opened::Done(Value::String(text.into_owned())));
                }
                Event::Start(start) => break (start, false),
                Event::Empty(start) => break (start, true),
                Event::Eof => return Err(self.error_here("unexpected end of the document")),
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Decl(_) => {}
            }
        };
        if !is_xml_whitespace(&text) {
            return Err(self.error_at(
                text_offset,
                format!(
                    "text `{}` mixed with a typed element in <value>",
                    excerpt(text.trim())
                ),
            ));
        }

        let tag = local(&start);
        let value = match tag {
            "struct" if empty => Value::Struct(Struct::new()),
            "array" if empty => Value::Array(Vec::new()),
            "struct" => return Ok(Opened::Struct),
            "array" => return Ok(Opened::Array),
            _ => {
                let Some(kind) = Scalar::from_tag(tag) else {
                    return Err(self.error_here(format!(
                        "unknown value type <{}>",
                        start.name().into_inner()
                    )));
                };
                let offset = self.reader.buffer_position();
                let text = if empty {
                    Cow::Borrowed("")
                } else {
                    self.read_text(start.name().into_inner())?
                };
                self.scalar(kind, tag, text, offset)?
            }
        };
        self.expect_end("value")?;
        Ok(Opened::Done(value))
    }

    /// Converts a scalar's text into its value.
    fn scalar(&self, kind: Scalar, tag: &str, text: Cow<'a, str>, offset: u64) -> Fallible<Value> {
        let invalid = |why: &str| {
            self.error_at(
                offset,
                format!("invalid <{tag}> `{}`: {why}", excerpt(&text)),
            )
        };
        let value = match kind {
            Scalar::String => Value::String(text.into_owned()),
            Scalar::Int => match text.trim().parse::<i64>() {
                Ok(number) => Value::Int(number),
                Err(error) => return Err(invalid(&error.to_string())),
            },
            Scalar::Boolean => match text.trim() {
                "1" => Value::Bool(true),
                "0" => Value::Bool(false),
                word if word.eq_ignore_ascii_case("true") => Value::Bool(true),
                word if word.eq_ignore_ascii_case("false") => Value::Bool(false),
                _ => return Err(invalid("expected 1 or 0")),
            },
            Scalar::Double => match text.trim().parse::<f64>() {
                Ok(number) => Value::Double(number),
                Err(error) => return Err(invalid(&error.to_string())),
            },
            Scalar::DateTime => match parse_datetime(text.trim()) {
                Some(date) => Value::DateTime(date),
                None => return Err(invalid("expected a date like 20110921T12:57:05")),
            },
            Scalar::Base64 => {
                let decoded = if text.bytes().any(|b| b.is_ascii_whitespace()) {
                    let compact: Vec<u8> =
                        text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
                    BASE64.decode(compact)
                } else {
                    BASE64.decode(text.as_bytes())
                };
                match decoded {
                    Ok(bytes) => Value::Base64(bytes),
                    Err(error) => return Err(invalid(&error.to_string())),
                }
            }
            Scalar::Nil if is_xml_whitespace(&text) => Value::Nil,
            Scalar::Nil => return Err(invalid("<nil/> takes no content")),
        };
        Ok(value)
    }
}
