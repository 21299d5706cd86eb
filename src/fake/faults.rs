//! Faults the simulator returns, in the layout Gandi's server uses.
//!
//! Application faults read `Error on object : OBJECT_<X> (CAUSE_<Y>) [<text>]` and carry a
//! six-digit code built as Q OOO CC (qualification, object, cause). Only a few codes were ever
//! seen on the wire (510150, 530439, 530040, 581042, 500066); every other code here follows the
//! same scheme with object and cause numbers we chose. The table is in the module docs.

use crate::xmlrpc::{Fault, Value};

/// The object part of an application fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obj {
    Unknown,
    String,
    Account,
    Operation,
    Hosting,
    Vm,
    Image,
    Disk,
    Iface,
    Ip,
    Vlan,
    SshKey,
    Datacenter,
    SnapshotProfile,
    Kernel,
}

impl Obj {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Obj::Unknown => "OBJECT_UNKNOWN",
            Obj::String => "OBJECT_STRING",
            Obj::Account => "OBJECT_ACCOUNT",
            Obj::Operation => "OBJECT_OPERATION",
            Obj::Hosting => "OBJECT_HOSTING",
            Obj::Vm => "OBJECT_VM",
            Obj::Image => "OBJECT_IMAGE",
            Obj::Disk => "OBJECT_DISK",
            Obj::Iface => "OBJECT_IFACE",
            Obj::Ip => "OBJECT_IP",
            Obj::Vlan => "OBJECT_VLAN",
            Obj::SshKey => "OBJECT_SSHKEY",
            Obj::Datacenter => "OBJECT_DATACENTER",
            Obj::SnapshotProfile => "OBJECT_SNAPSHOTPROFILE",
            Obj::Kernel => "OBJECT_KERNEL",
        }
    }

    /// The three "OOO" digits.
    fn code(self) -> i64 {
        match self {
            Obj::Unknown => 0,
            Obj::String => 1,
            Obj::Account => 101,
            Obj::Operation => 170,
            Obj::Hosting => 300,
            Obj::Vm => 302,
            Obj::Image => 303,
            Obj::Disk => 304,
            Obj::Iface => 305,
            Obj::Ip => 306,
            Obj::SshKey => 307,
            Obj::Vlan => 308,
            Obj::Datacenter => 309,
            Obj::SnapshotProfile => 310,
            Obj::Kernel => 311,
        }
    }

    /// The lower-case word used in not-found texts (`no such vm (id: 3)`).
    pub(crate) fn word(self) -> &'static str {
        match self {
            Obj::Unknown => "object",
            Obj::String => "string",
            Obj::Account => "account",
            Obj::Operation => "operation",
            Obj::Hosting => "hosting",
            Obj::Vm => "vm",
            Obj::Image => "image",
            Obj::Disk => "disk",
            Obj::Iface => "iface",
            Obj::Ip => "ip",
            Obj::Vlan => "vlan",
            Obj::SshKey => "sshkey",
            Obj::Datacenter => "datacenter",
            Obj::SnapshotProfile => "snapshot profile",
            Obj::Kernel => "kernel",
        }
    }
}

/// The cause part of an application fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    BadParameter,
    Exists,
    Attached,
    NoCredit,
    NotFound,
    NoRight,
    Failure,
}

impl Cause {
    fn name(self) -> &'static str {
        match self {
            Cause::BadParameter => "CAUSE_BADPARAMETER",
            Cause::Exists => "CAUSE_EXIST",
            Cause::Attached => "CAUSE_ATTACHED",
            Cause::NoCredit => "CAUSE_NOCREDIT",
            Cause::NotFound => "CAUSE_NOTFOUND",
            Cause::NoRight => "CAUSE_NORIGHT",
            Cause::Failure => "CAUSE_FAILURE",
        }
    }

    /// The two "CC" digits.
    fn code(self) -> i64 {
        match self {
            Cause::BadParameter => 36,
            Cause::Exists => 37,
            Cause::Attached => 39,
            Cause::NoCredit => 40,
            Cause::NotFound => 42,
            Cause::NoRight => 50,
            Cause::Failure => 66,
        }
    }
}

/// An application fault: data/input errors (qualification digit 5).
pub(crate) fn app(obj: Obj, cause: Cause, text: impl AsRef<str>) -> Fault {
    Fault::new(
        500_000 + obj.code() * 100 + cause.code(),
        format!(
            "Error on object : {} ({}) [{}]",
            obj.name(),
            cause.name(),
            text.as_ref()
        ),
    )
}

/// A wrong parameter value.
pub(crate) fn bad(obj: Obj, text: impl AsRef<str>) -> Fault {
    app(obj, Cause::BadParameter, text)
}

/// An object in the wrong state for the request (Gandi reports these as bad parameters).
pub(crate) fn state(obj: Obj, text: impl AsRef<str>) -> Fault {
    app(obj, Cause::BadParameter, text)
}

/// An unknown id.
pub(crate) fn not_found(obj: Obj, id: i64) -> Fault {
    app(
        obj,
        Cause::NotFound,
        format!("{}#{id} not found", obj.word()),
    )
}

/// Protocol-level fault for input the server cannot coerce (code 1).
pub(crate) fn invalid_input(text: impl AsRef<str>) -> Fault {
    Fault::new(1, format!("Invalid XMLRPC input: {}", text.as_ref()))
}

/// Protocol-level fault for an unknown method (code 1).
pub(crate) fn unsupported(method: &str) -> Fault {
    Fault::new(1, format!("Method \"{method}\" is not supported"))
}

/// The fault for an API key that is not 24 letters and digits. The key itself is never echoed.
pub(crate) fn malformed_key() -> Fault {
    bad(
        Obj::String,
        "string '<redacted>' does not match '^[a-z0-9]{24}$'",
    )
}

/// The fault for a well-formed key that is not this simulator's.
pub(crate) fn invalid_key() -> Fault {
    app(Obj::Account, Cause::NoRight, "Invalid API key")
}

/// Python's name for the type a value would have after `xmlrpclib` decoded it.
pub(crate) fn py_type(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "int",
        Value::Bool(_) => "bool",
        Value::String(_) => "str",
        Value::Double(_) => "float",
        Value::DateTime(_) => "DateTime",
        Value::Base64(_) => "Binary",
        Value::Struct(_) => "dict",
        Value::Array(_) => "list",
        Value::Nil => "NoneType",
    }
}

/// Python's `repr` of a string, as it appears in `int()` errors.
pub(crate) fn py_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars().take(200) {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_codes_come_out_of_the_scheme() {
        assert_eq!(invalid_key().code, 510_150);
        assert_eq!(app(Obj::Disk, Cause::Attached, "x").code, 530_439);
        assert_eq!(app(Obj::Hosting, Cause::NoCredit, "x").code, 530_040);
        assert_eq!(app(Obj::Unknown, Cause::Failure, "x").code, 500_066);
    }

    #[test]
    fn fault_text_has_gandis_layout() {
        let f = not_found(Obj::Vm, 12);
        assert_eq!(
            f.message,
            "Error on object : OBJECT_VM (CAUSE_NOTFOUND) [vm#12 not found]"
        );
        assert_eq!(f.code, 530_242);
    }

    #[test]
    fn malformed_key_fault_never_echoes_the_key() {
        assert!(malformed_key().message.contains("'<redacted>'"));
        assert_eq!(malformed_key().code, 500_136);
    }
}
