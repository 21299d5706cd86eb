//! The XML-RPC value tree: every type the protocol has, and nothing Gandi-specific.

use std::fmt;

use time::PrimitiveDateTime;

/// One XML-RPC value.
///
/// Integers of every width (`i4`, `int`, `i8`) decode into [`Value::Int`]; the encoder writes
/// `<int>` when the value fits in 32 bits and `<i8>` otherwise. An untyped
/// `<value>text</value>` decodes as a [`Value::String`] with its whitespace kept.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `<int>`, `<i4>` or `<i8>`.
    Int(i64),
    /// `<boolean>` (`1`/`0` on the wire).
    Bool(bool),
    /// `<string>`, or an untyped `<value>`.
    String(String),
    /// `<double>`. Only finite values can be encoded.
    Double(f64),
    /// `<dateTime.iso8601>`, naive: XML-RPC carries no time zone and Gandi does not say which
    /// one it uses.
    DateTime(PrimitiveDateTime),
    /// `<base64>`, decoded to its bytes.
    Base64(Vec<u8>),
    /// `<struct>`, members in document order.
    Struct(Struct),
    /// `<array>`.
    Array(Vec<Value>),
    /// `<nil/>` (an extension most servers, Gandi's included, speak).
    Nil,
}

impl Value {
    /// The XML-RPC type name of this value (`"int"`, `"struct"`, ...), for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Double(_) => "double",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Base64(_) => "base64",
            Value::Struct(_) => "struct",
            Value::Array(_) => "array",
            Value::Nil => "nil",
        }
    }

    /// The integer, if this is an [`Value::Int`].
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The boolean, if this is a [`Value::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The text, if this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(v) => Some(v),
            _ => None,
        }
    }

    /// The number, if this is a [`Value::Double`].
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Double(v) => Some(*v),
            _ => None,
        }
    }

    /// The struct, if this is a [`Value::Struct`].
    pub fn as_struct(&self) -> Option<&Struct> {
        match self {
            Value::Struct(v) => Some(v),
            _ => None,
        }
    }

    /// The elements, if this is a [`Value::Array`].
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(v) => Some(v),
            _ => None,
        }
    }

    /// Whether this is [`Value::Nil`].
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Looks up a struct member by name; `None` when this is not a struct or has no such member.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_struct().and_then(|s| s.get(name))
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Double(v)
    }
}

impl From<PrimitiveDateTime> for Value {
    fn from(v: PrimitiveDateTime) -> Self {
        Value::DateTime(v)
    }
}

impl From<Struct> for Value {
    fn from(v: Struct) -> Self {
        Value::Struct(v)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Value::Array(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Nil, Into::into)
    }
}

/// An XML-RPC `<struct>`: named members, kept in the order they were added or decoded.
///
/// Encoding a struct writes its members in that order, so output is deterministic. A member
/// name that appears twice follows Python's rule: the later value wins, at the position of the
/// first ([`Struct::insert`] and the decoder both behave so).
///
/// Equality ignores member order: two structs are equal when they have the same names with
/// equal values.
#[derive(Debug, Clone, Default)]
pub struct Struct {
    members: Vec<(String, Value)>,
}

impl Struct {
    /// An empty struct.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty struct with room for `n` members.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            members: Vec::with_capacity(n),
        }
    }

    /// Sets `name` to `value`: replaces an existing member in place, else appends.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        let name = name.into();
        let value = value.into();
        match self.members.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.members.push((name, value)),
        }
    }

    /// Builder form of [`Struct::insert`].
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.insert(name, value);
        self
    }

    /// Appends a member without checking for an earlier one of the same name. The caller
    /// promises names are unique (the serde serializer uses this for variant wrappers).
    pub fn push_unchecked(&mut self, name: String, value: Value) {
        self.members.push((name, value));
    }

    /// A struct from members whose names the caller has already made unique (the decoder).
    pub(super) fn from_unique_members(members: Vec<(String, Value)>) -> Self {
        Self { members }
    }

    /// The value of member `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Removes member `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let pos = self.members.iter().position(|(n, _)| n == name)?;
        Some(self.members.remove(pos).1)
    }

    /// Whether member `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the struct has no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.members.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Consumes the struct, giving its members in order.
    pub fn into_members(self) -> Vec<(String, Value)> {
        self.members
    }
}

impl PartialEq for Struct {
    fn eq(&self, other: &Self) -> bool {
        if self.members.len() != other.members.len() {
            return false;
        }
        // Usually both sides are in the same order: one pass. Otherwise compare by name in
        // O(n log n) rather than looking every member up.
        if self.members.iter().zip(&other.members).all(|(a, b)| a == b) {
            return true;
        }
        let mut mine: Vec<&(String, Value)> = self.members.iter().collect();
        let mut theirs: Vec<&(String, Value)> = other.members.iter().collect();
        mine.sort_by(|a, b| a.0.cmp(&b.0));
        theirs.sort_by(|a, b| a.0.cmp(&b.0));
        mine == theirs
    }
}

/// Collects members with [`Struct::insert`]'s rule for a repeated name, in linear time.
impl FromIterator<(String, Value)> for Struct {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut members = super::members::MemberSet::with_capacity(iter.size_hint().0);
        for (name, value) in iter {
            members.insert(name, value);
        }
        members.finish()
    }
}

impl IntoIterator for Struct {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

/// A decoded or to-be-encoded `<methodCall>`.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// The `<methodName>`, e.g. `hosting.vm.info`.
    pub method: String,
    /// The positional parameters, in order.
    pub params: Vec<Value>,
}

impl MethodCall {
    /// A call of `method` with `params`.
    pub fn new(method: impl Into<String>, params: Vec<Value>) -> Self {
        Self {
            method: method.into(),
            params,
        }
    }
}

/// An XML-RPC fault: the error form of a `<methodResponse>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `faultCode`.
    pub code: i64,
    /// `faultString`, verbatim.
    pub message: String,
}

impl Fault {
    /// A fault with `code` and `message`.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault {}: {}", self.code, self.message)
    }
}

/// A decoded `<methodResponse>`: one value, or a fault.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// `<params><param><value>…` (a missing or empty `<params>` decodes as [`Value::Nil`]).
    Success(Value),
    /// `<fault>…`.
    Fault(Fault),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_equality_ignores_member_order_but_not_values() {
        let a = Struct::new()
            .with("id", 1)
            .with("name", "web1")
            .with("cores", 2);
        let same_order = Struct::new()
            .with("id", 1)
            .with("name", "web1")
            .with("cores", 2);
        let reordered = Struct::new()
            .with("cores", 2)
            .with("id", 1)
            .with("name", "web1");
        let other_value = Struct::new()
            .with("cores", 3)
            .with("id", 1)
            .with("name", "web1");
        let other_name = Struct::new()
            .with("cpus", 2)
            .with("id", 1)
            .with("name", "web1");
        assert_eq!(a, same_order);
        assert_eq!(a, reordered);
        assert_ne!(a, other_value);
        assert_ne!(a, other_name);
        assert_ne!(a, Struct::new().with("id", 1));
    }

    #[test]
    fn insert_replaces_in_place() {
        let mut s = Struct::new().with("a", 1).with("b", 2);
        s.insert("a", 3);
        let names: Vec<&str> = s.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(s.get("a"), Some(&Value::Int(3)));
    }
}
