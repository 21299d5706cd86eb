//! Reading positional parameters and spec structs the way Gandi's Python server would.
//!
//! Positional parameters that have the wrong XML-RPC type are protocol faults (code 1,
//! `Invalid XMLRPC input: ...` with Python's wording); keys of a spec struct that are unknown or
//! have the wrong type are application faults (`CAUSE_BADPARAMETER`) on the spec's object.

use crate::xmlrpc::{Fault, Struct, Value};

use super::faults::{self, Obj};

/// The parameters of one call, after the API key.
pub(crate) struct Args<'a> {
    pub(crate) params: &'a [Value],
}

/// Converts a positional value to an int as Python's `int()` would complain.
pub(crate) fn to_int(value: &Value) -> Result<i64, Fault> {
    match value {
        Value::Int(i) => Ok(*i),
        Value::String(s) => Err(faults::invalid_input(format!(
            "invalid literal for int() with base 10: {}",
            faults::py_repr(s)
        ))),
        other => Err(faults::invalid_input(format!(
            "int() argument must be a string or a number, not '{}'",
            faults::py_type(other)
        ))),
    }
}

impl<'a> Args<'a> {
    fn get(&self, i: usize) -> &'a Value {
        self.params.get(i).unwrap_or(&Value::Nil)
    }

    /// Whether parameter `i` was sent (and is not nil).
    pub(crate) fn has(&self, i: usize) -> bool {
        !self.get(i).is_nil()
    }

    /// A required int parameter (an id).
    pub(crate) fn int(&self, i: usize) -> Result<i64, Fault> {
        to_int(self.get(i))
    }

    /// A required boolean parameter (`<boolean>` or an int 0/1).
    pub(crate) fn boolean(&self, i: usize) -> Result<bool, Fault> {
        match self.get(i) {
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            other => Err(faults::invalid_input(format!(
                "expected a boolean, not '{}'",
                faults::py_type(other)
            ))),
        }
    }

    /// A required struct parameter.
    pub(crate) fn structure(&self, i: usize) -> Result<&'a Struct, Fault> {
        match self.get(i) {
            Value::Struct(s) => Ok(s),
            other => Err(faults::invalid_input(format!(
                "'{}' object has no attribute 'keys'",
                faults::py_type(other)
            ))),
        }
    }

    /// An optional struct parameter (absent or nil means none).
    pub(crate) fn opt_struct(&self, i: usize) -> Result<Option<&'a Struct>, Fault> {
        if self.has(i) {
            self.structure(i).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Refuses text that would be echoed back but has control characters or is too long.
pub(crate) fn plain_text(obj: Obj, key: &str, text: &str, max: usize) -> Result<(), Fault> {
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(faults::bad(
            obj,
            format!("{key} must be at most {max} printable characters"),
        ));
    }
    Ok(())
}

/// A spec struct (`vm_spec`, `disk_spec`, ...) with typed accessors.
pub(crate) struct Spec<'a> {
    inner: &'a Struct,
    obj: Obj,
}

impl<'a> Spec<'a> {
    /// Wraps `inner`, refusing keys not in `allowed`.
    pub(crate) fn new(inner: &'a Struct, obj: Obj, allowed: &[&str]) -> Result<Self, Fault> {
        if let Some((name, _)) = inner.iter().find(|(name, _)| !allowed.contains(name)) {
            return Err(faults::bad(obj, format!("unknown key '{name}'")));
        }
        Ok(Self { inner, obj })
    }

    /// The raw value of `key`, nil counted as absent.
    pub(crate) fn raw(&self, key: &str) -> Option<&'a Value> {
        self.inner.get(key).filter(|v| !v.is_nil())
    }

    fn wrong(&self, key: &str, want: &str, got: &Value) -> Fault {
        faults::bad(
            self.obj,
            format!("{key} must be {want}, not '{}'", faults::py_type(got)),
        )
    }

    /// An optional int.
    pub(crate) fn int(&self, key: &str) -> Result<Option<i64>, Fault> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(other) => Err(self.wrong(key, "an int", other)),
        }
    }

    /// A required int.
    pub(crate) fn req_int(&self, key: &str) -> Result<i64, Fault> {
        self.int(key)?.ok_or_else(|| self.missing(key))
    }

    /// An optional string.
    pub(crate) fn string(&self, key: &str) -> Result<Option<&'a str>, Fault> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    /// A required, non-empty string.
    pub(crate) fn req_string(&self, key: &str) -> Result<&'a str, Fault> {
        match self.string(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.missing(key)),
        }
    }

    /// An optional boolean (`<boolean>` or int 0/1).
    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, Fault> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Int(i)) if *i == 0 || *i == 1 => Ok(Some(*i == 1)),
            Some(other) => Err(self.wrong(key, "a boolean", other)),
        }
    }

    /// An optional number sent as int or double.
    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>, Fault> {
        match self.raw(key) {
            None => Ok(None),
            #[allow(clippy::cast_precision_loss)] // bandwidths are far below 2^52
            Some(Value::Int(i)) => Ok(Some(*i as f64)),
            Some(Value::Double(d)) if d.is_finite() => Ok(Some(*d)),
            Some(other) => Err(self.wrong(key, "a number", other)),
        }
    }

    /// An optional array of ints.
    pub(crate) fn int_list(&self, key: &str) -> Result<Option<Vec<i64>>, Fault> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Int(i) => Ok(*i),
                    other => Err(self.wrong(key, "an array of int", other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.wrong(key, "an array of int", other)),
        }
    }

    /// An optional struct.
    pub(crate) fn structure(&self, key: &str) -> Result<Option<&'a Struct>, Fault> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Struct(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(key, "a struct", other)),
        }
    }

    /// The fault for a missing required key.
    pub(crate) fn missing(&self, key: &str) -> Fault {
        faults::bad(self.obj, format!("missing required key '{key}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_where_an_id_is_needed_is_a_python_style_input_fault() {
        let err = to_int(&Value::from("12")).unwrap_err();
        assert_eq!(err.code, 1);
        assert_eq!(
            err.message,
            "Invalid XMLRPC input: invalid literal for int() with base 10: '12'"
        );
        let err = to_int(&Value::Nil).unwrap_err();
        assert!(err.message.ends_with("not 'NoneType'"), "{}", err.message);
    }

    #[test]
    fn unknown_spec_keys_are_refused() {
        let s = Struct::new().with("hostnme", "x");
        let err = Spec::new(&s, Obj::Vm, &["hostname"]).err().unwrap();
        assert!(err.message.contains("unknown key 'hostnme'"));
    }
}
