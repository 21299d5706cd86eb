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
use quick_xml::events::{BytesStart, Event};

use super::datetime::parse_datetime;
use super::{DecodeError, Fault, Limits, MethodCall, Response, Struct, Value};

/// Decodes a whole `<methodCall>` document.
pub(crate) fn call(input: &[u8], limits: &Limits) -> Result<MethodCall, DecodeError> {
    let mut parser = Parser::new(input, limits)?;
    let root = parser.root("methodCall")?;
    if root.empty {
        return Err(parser.error_here("<methodCall> is empty: it needs a <methodName>"));
    }

    parser.prefix.push_str("methodName");
    let method = match parser.next_tag()? {
        Tag::Start(name) if local(&name) == "methodName" => parser.read_text()?.into_owned(),
        Tag::Empty(name) if local(&name) == "methodName" => String::new(),
        other => return Err(parser.unexpected(&other, "<methodName>")),
    };
    if method.is_empty() {
        return Err(parser.error_here("the method name is empty"));
    }
    parser.prefix.clear();

    let mut params = Vec::new();
    match parser.next_tag()? {
        Tag::End => {
            parser.finish()?;
            return Ok(MethodCall { method, params });
        }
        Tag::Start(name) if local(&name) == "params" => {}
        Tag::Empty(name) if local(&name) == "params" => {
            parser.expect_end("</methodCall>")?;
            parser.finish()?;
            return Ok(MethodCall { method, params });
        }
        other => return Err(parser.unexpected(&other, "<params> or </methodCall>")),
    }

    loop {
        parser.prefix.clear();
        parser.prefix.push_str("params");
        match parser.next_tag()? {
            Tag::End => break,
            Tag::Start(name) if local(&name) == "param" => {}
            other => return Err(parser.unexpected(&other, "<param> or </params>")),
        }
        let _ = write!(parser.prefix, "/param[{}]", params.len());
        params.push(parser.param_value()?);
    }
    parser.prefix.clear();
    parser.expect_end("</methodCall>")?;
    parser.finish()?;
    Ok(MethodCall { method, params })
}

/// Decodes a whole `<methodResponse>` document.
pub(crate) fn response(input: &[u8], limits: &Limits) -> Result<Response, DecodeError> {
    let mut parser = Parser::new(input, limits)?;
    let root = parser.root("methodResponse")?;
    if root.empty {
        return Err(parser.error_here("<methodResponse> is empty: it needs <params> or <fault>"));
    }

    let response = match parser.next_tag()? {
        Tag::Start(name) if local(&name) == "params" => {
            parser.prefix.push_str("params");
            let value = match parser.next_tag()? {
                // Tolerated: `<params></params>`, as for `<params/>`.
                Tag::End => Value::Nil,
                Tag::Start(name) if local(&name) == "param" => {
                    parser.prefix.push_str("/param");
                    let value = parser.param_value()?;
                    parser.prefix.truncate("params".len());
                    match parser.next_tag()? {
                        Tag::End => {}
                        Tag::Start(name) | Tag::Empty(name) if local(&name) == "param" => {
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
        Tag::Empty(name) if local(&name) == "params" => Response::Success(Value::Nil),
        Tag::Start(name) if local(&name) == "fault" => {
            parser.prefix.push_str("fault");
            let fault_start = parser.last_offset;
            let value = match parser.next_tag()? {
                Tag::Start(name) if local(&name) == "value" => {
                    parser.prefix.push_str("/value");
                    parser.value()?
                }
                other => return Err(parser.unexpected(&other, "<value>")),
            };
            parser.prefix.truncate("fault".len());
            parser.expect_end("</fault>")?;
            let fault = fault_from_value(value).map_err(|reason| DecodeError {
                offset: Some(fault_start),
                path: "fault/value".to_owned(),
                reason,
            })?;
            Response::Fault(fault)
        }
        Tag::End => {
            return Err(parser.error_here("<methodResponse> has neither <params> nor <fault>"));
        }
        other => return Err(parser.unexpected(&other, "<params> or <fault>")),
    };

    parser.prefix.clear();
    match parser.next_tag()? {
        Tag::End => {}
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
    /// Any end tag: quick-xml checks that it closes the element that is open.
    End,
    Eof,
}

/// The root element, once read.
struct Root {
    empty: bool,
}

/// One open container while values are being built.
enum Frame {
    Array(Vec<Value>),
    Struct(StructBuilder),
}

/// Collects struct members, enforcing "a duplicate name: the later value wins at the first
/// position" without going quadratic on hostile documents with many members.
struct StructBuilder {
    members: Vec<(String, Value)>,
    /// Name → position, built once the struct grows past [`INDEX_THRESHOLD`] members.
    index: Option<HashMap<String, usize>>,
    /// The member whose value is being read, if any (also used for error paths).
    pending: Option<String>,
}

/// Below this many members a linear scan for duplicates beats hashing.
const INDEX_THRESHOLD: usize = 16;

impl StructBuilder {
    fn new() -> Self {
        Self {
            members: Vec::new(),
            index: None,
            pending: None,
        }
    }

    fn insert(&mut self, name: String, value: Value) {
        if let Some(index) = &mut self.index {
            match index.get(&name) {
                Some(&at) => self.members[at].1 = value,
                None => {
                    index.insert(name.clone(), self.members.len());
                    self.members.push((name, value));
                }
            }
            return;
        }
        match self.members.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => {
                self.members.push((name, value));
                if self.members.len() > INDEX_THRESHOLD {
                    let index = self
                        .members
                        .iter()
                        .enumerate()
                        .map(|(at, (n, _))| (n.clone(), at))
                        .collect();
                    self.index = Some(index);
                }
            }
        }
    }

    fn finish(self) -> Value {
        Value::Struct(Struct::from_unique_members(self.members))
    }
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
    /// A `<value>` start tag was consumed (for a struct member, with its name): read the value.
    Value(Option<String>),
    /// A `<value/>`, the empty string (for a struct member, with its name).
    EmptyValue(Option<String>),
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
    /// Reader position before the last event was read.
    last_offset: u64,
}

/// The local part of an element name: `ex:nil` is `nil`, as Python reads it.
fn local<'n>(start: &'n BytesStart<'_>) -> &'n str {
    let name = start.name().into_inner();
    match name.rfind(':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

fn is_xml_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Whether XML 1.0 allows `c` in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends one piece of text to a value being accumulated, borrowing while it is the only piece.
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
    fn new(input: &'a [u8], limits: &Limits) -> Result<Self, DecodeError> {
        if input.len() > limits.max_size {
            return Err(DecodeError {
                offset: Some(u64::try_from(limits.max_size).unwrap_or(u64::MAX)),
                path: String::new(),
                reason: format!(
                    "the document is {} bytes, more than the limit of {} bytes",
                    input.len(),
                    limits.max_size
                ),
            });
        }
        Ok(Self {
            reader: Reader::from_reader(input),
            max_depth: limits.max_depth,
            prefix: String::new(),
            frames: Vec::new(),
            last_offset: 0,
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
                Frame::Array(items) => {
                    let _ = write!(path, "array[{}]", items.len());
                }
                Frame::Struct(builder) => match &builder.pending {
                    Some(name) => {
                        let _ = write!(path, "struct[{name}]");
                    }
                    None => path.push_str("struct"),
                },
            }
        }
        path
    }

    fn error_at(&self, offset: u64, reason: impl Into<String>) -> DecodeError {
        DecodeError {
            offset: Some(offset),
            path: self.path(),
            reason: reason.into(),
        }
    }

    /// An error about the event read last.
    fn error_here(&self, reason: impl Into<String>) -> DecodeError {
        self.error_at(self.last_offset, reason)
    }

    fn unexpected(&self, found: &Tag<'_>, expected: &str) -> DecodeError {
        let found = match found {
            Tag::Start(start) => format!("<{}>", start.name().into_inner()),
            Tag::Empty(start) => format!("<{}/>", start.name().into_inner()),
            Tag::End => "a closing tag".to_owned(),
            Tag::Eof => "the end of the document".to_owned(),
        };
        self.error_here(format!("expected {expected}, found {found}"))
    }

    // ----- events -------------------------------------------------------------------------------

    /// The next event that matters: comments and processing instructions are skipped.
    fn event(&mut self) -> Result<Event<'a>, DecodeError> {
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
    fn next_tag(&mut self) -> Result<Tag<'a>, DecodeError> {
        loop {
            match self.event()? {
                Event::Start(start) => return Ok(Tag::Start(start)),
                Event::Empty(start) => return Ok(Tag::Empty(start)),
                Event::End(_) => return Ok(Tag::End),
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

    fn expect_end(&mut self, what: &str) -> Result<(), DecodeError> {
        match self.next_tag()? {
            Tag::End => Ok(()),
            other => Err(self.unexpected(&other, what)),
        }
    }

    /// Resolves a reference event into text.
    fn reference(&self, name: &str) -> Result<Cow<'static, str>, DecodeError> {
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

    /// Reads the text content of the element just opened, up to and including its end tag.
    fn read_text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let mut acc = Cow::Borrowed("");
        loop {
            match self.event()? {
                Event::Text(text) => append(&mut acc, text.xml10_content()),
                Event::CData(data) => append(&mut acc, data.xml10_content()),
                Event::GeneralRef(reference) => {
                    let piece = self.reference(&reference)?;
                    append(&mut acc, piece);
                }
                Event::End(_) => return Ok(acc),
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
    fn root(&mut self, expected: &str) -> Result<Root, DecodeError> {
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
                Event::Start(start) | Event::Empty(start) if local(&start) != expected => {
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
    fn finish(&mut self) -> Result<(), DecodeError> {
        self.prefix.clear();
        match self.next_tag()? {
            Tag::Eof => Ok(()),
            other => Err(self.unexpected(&other, "the end of the document")),
        }
    }

    /// Reads `<value>…</value></param>` after `<param>`; the prefix names the param.
    fn param_value(&mut self) -> Result<Value, DecodeError> {
        let value = match self.next_tag()? {
            Tag::Start(name) if local(&name) == "value" => {
                self.prefix.push_str("/value");
                self.value()?
            }
            Tag::Empty(name) if local(&name) == "value" => Value::String(String::new()),
            other => return Err(self.unexpected(&other, "<value>")),
        };
        self.expect_end("</param>")?;
        Ok(value)
    }

    // ----- values -------------------------------------------------------------------------------

    /// Reads a value whose `<value>` start tag was just consumed, up to its `</value>`.
    fn value(&mut self) -> Result<Value, DecodeError> {
        self.frames.clear();
        let mut next = Next::Value(None);
        loop {
            let value = match next {
                Next::Value(name) => {
                    self.set_pending(name);
                    if self.frames.len() >= self.max_depth {
                        return Err(self.error_here(format!(
                            "values are nested more than {} deep",
                            self.max_depth
                        )));
                    }
                    match self.open_value()? {
                        Opened::Done(value) => value,
                        Opened::Struct => {
                            self.frames.push(Frame::Struct(StructBuilder::new()));
                            next = self.struct_next()?;
                            continue;
                        }
                        Opened::Array => {
                            self.frames.push(Frame::Array(Vec::new()));
                            next = self.array_open()?;
                            continue;
                        }
                    }
                }
                Next::EmptyValue(name) => {
                    self.set_pending(name);
                    Value::String(String::new())
                }
                Next::Closed => match self.frames.pop() {
                    Some(Frame::Array(items)) => Value::Array(items),
                    Some(Frame::Struct(builder)) => builder.finish(),
                    None => return Err(self.error_here("internal error: no open container")),
                },
            };

            // Hand the finished value to its container and see what follows it.
            next = match self.frames.last_mut() {
                None => return Ok(value),
                Some(Frame::Array(items)) => {
                    items.push(value);
                    self.array_next()?
                }
                Some(Frame::Struct(builder)) => {
                    let name = builder.pending.take().unwrap_or_default();
                    builder.insert(name, value);
                    self.expect_end("</member>")?;
                    self.struct_next()?
                }
            };
        }
    }

    /// Names the struct member about to be read, for paths and for insertion.
    fn set_pending(&mut self, name: Option<String>) {
        if let (Some(name), Some(Frame::Struct(builder))) = (name, self.frames.last_mut()) {
            builder.pending = Some(name);
        }
    }

    /// After `<struct>` or a member's `</member>`: the next member's name and `<value>`, or
    /// `</struct></value>`.
    fn struct_next(&mut self) -> Result<Next, DecodeError> {
        match self.next_tag()? {
            Tag::End => {
                self.expect_end("</value>")?;
                Ok(Next::Closed)
            }
            Tag::Start(member) if local(&member) == "member" => {
                let name = match self.next_tag()? {
                    Tag::Start(name) if local(&name) == "name" => self.read_text()?.into_owned(),
                    Tag::Empty(name) if local(&name) == "name" => String::new(),
                    other => return Err(self.unexpected(&other, "<name>")),
                };
                match self.next_tag()? {
                    Tag::Start(value) if local(&value) == "value" => Ok(Next::Value(Some(name))),
                    Tag::Empty(value) if local(&value) == "value" => {
                        Ok(Next::EmptyValue(Some(name)))
                    }
                    Tag::End => Err(self
                        .error_here(format!("struct member `{}` has no <value>", excerpt(&name)))),
                    other => Err(self.unexpected(&other, "<value>")),
                }
            }
            other => Err(self.unexpected(&other, "<member> or </struct>")),
        }
    }

    /// After `<array>`: `<data>` and the first element, or an empty array.
    fn array_open(&mut self) -> Result<Next, DecodeError> {
        match self.next_tag()? {
            Tag::Start(data) if local(&data) == "data" => self.array_next(),
            Tag::Empty(data) if local(&data) == "data" => {
                self.expect_end("</array>")?;
                self.expect_end("</value>")?;
                Ok(Next::Closed)
            }
            // Tolerated: `<array></array>` without `<data>`.
            Tag::End => {
                self.expect_end("</value>")?;
                Ok(Next::Closed)
            }
            other => Err(self.unexpected(&other, "<data>")),
        }
    }

    /// Inside `<data>`: the next element, or `</data></array></value>`.
    fn array_next(&mut self) -> Result<Next, DecodeError> {
        match self.next_tag()? {
            Tag::Start(value) if local(&value) == "value" => Ok(Next::Value(None)),
            Tag::Empty(value) if local(&value) == "value" => Ok(Next::EmptyValue(None)),
            Tag::End => {
                self.expect_end("</array>")?;
                self.expect_end("</value>")?;
                Ok(Next::Closed)
            }
            other => Err(self.unexpected(&other, "<value> or </data>")),
        }
    }

    /// Reads the inside of a `<value>` up to its first child (or its end).
    fn open_value(&mut self) -> Result<Opened, DecodeError> {
        let text_offset = self.reader.buffer_position();
        let mut text = Cow::Borrowed("");
        let (start, empty) = loop {
            match self.event()? {
                Event::Text(piece) => append(&mut text, piece.xml10_content()),
                Event::CData(piece) => append(&mut text, piece.xml10_content()),
                Event::GeneralRef(reference) => {
                    let piece = self.reference(&reference)?;
                    append(&mut text, piece);
                }
                // `<value>text</value>`: an untyped string, whitespace and all.
                Event::End(_) => return Ok(Opened::Done(Value::String(text.into_owned()))),
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
                    self.read_text()?
                };
                self.scalar(kind, tag, text, offset)?
            }
        };
        self.expect_end("</value>")?;
        Ok(Opened::Done(value))
    }

    /// Converts a scalar's text into its value.
    fn scalar(
        &self,
        kind: Scalar,
        tag: &str,
        text: Cow<'a, str>,
        offset: u64,
    ) -> Result<Value, DecodeError> {
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
