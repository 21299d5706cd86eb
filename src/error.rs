//! The crate's one error type, and the fault details Gandi sends.

use std::fmt;
use std::time::Duration;

use crate::model::{OperationId, OperationStep, ResourceId};
use crate::xmlrpc::{DecodeError, EncodeError};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a call.
///
/// Large variants are boxed so the error stays small (two words and a tag) on the happy path.
/// Helpers ([`Error::is_not_found`], [`Error::fault_code`], [`Error::created`], ...) save a match
/// in the common cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Gandi answered with an XML-RPC fault: it refused the call (bad parameter, wrong state,
    /// no rights, unknown object...). Faults arrive inside HTTP 200.
    #[error("{0}")]
    Fault(Box<ApiFault>),

    /// An operation Gandi accepted ended in `ERROR`, `CANCEL` or `SUPPORT`.
    #[error("{0}")]
    OperationFailed(Box<OperationFailed>),

    /// Waiting ran past its deadline. The operations are still running at Gandi: pass
    /// [`WaitTimeout::pending`] to a wait call to resume.
    #[error("{0}")]
    WaitTimeout(Box<WaitTimeout>),

    /// The progress callback of a wait asked to stop. The operations go on at Gandi.
    #[error("{0}")]
    Cancelled(Box<WaitCancelled>),

    /// A multi-step call failed after it had created resources; `created` lists them so that
    /// nothing is left billing unseen.
    #[error("{0}")]
    Incomplete(Box<Incomplete>),

    /// The endpoint answered with an HTTP status other than 200.
    #[error("HTTP {status} from the API endpoint{hint}: {excerpt:?}", hint = http_hint(*.status))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the body (at most 200 characters), for diagnosis.
        excerpt: String,
    },

    /// The request did not get an answer: connection refused, DNS, TLS, timeout, body too
    /// large, connection dropped.
    #[error("transport error ({kind}): {message}")]
    Transport {
        /// What kind of failure.
        kind: TransportErrorKind,
        /// A description (never contains the API key).
        message: String,
    },

    /// The answer was not a well-formed XML-RPC response, or did not have the shape the
    /// method returns.
    #[error("could not decode the answer to {method}: {error}")]
    Decode {
        /// The XML-RPC method whose answer failed to decode.
        method: String,
        /// Where and why.
        error: Box<DecodeError>,
    },

    /// A request value could not be encoded.
    #[error("could not encode the request to {method}: {error}")]
    Encode {
        /// The XML-RPC method being called.
        method: String,
        /// Where and why.
        error: Box<EncodeError>,
    },

    /// The caller's input was refused before any call was made.
    #[error("invalid input for `{field}`: {reason}")]
    InvalidInput {
        /// The field or argument, e.g. `memory_mb` or `vm.hostname`.
        field: String,
        /// Why it was refused.
        reason: String,
    },

    /// A lookup by name or code found nothing.
    #[error("no {kind} named {query:?}{}", close_names(.close))]
    NotFound {
        /// What was looked for (`"image"`, `"region"`, ...).
        kind: &'static str,
        /// The name or code asked for.
        query: String,
        /// Existing names that look close, best first (may be empty).
        close: Vec<String>,
    },

    /// A lookup by name found more than one object, so picking one would be a guess.
    #[error("{count} {kind}s are named {query:?}; use an ID")]
    Ambiguous {
        /// What was looked for.
        kind: &'static str,
        /// The name asked for.
        query: String,
        /// How many matched.
        count: usize,
    },

    /// Gandi accepted the call but answered that it did nothing (a `false` reply, e.g. from
    /// `hosting.ssh.delete` or `operation.cancel`).
    #[error("Gandi answered false to {method}: {what}")]
    Refused {
        /// The XML-RPC method.
        method: String,
        /// What was not done.
        what: String,
    },

    /// The client is misconfigured (missing API key, endpoint not allowed, ...).
    #[error("configuration error: {0}")]
    Config(String),
}

fn http_hint(status: u16) -> &'static str {
    match status {
        501 => " (no mock matched?)",
        _ => "",
    }
}

fn close_names(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; close names: {}", close.join(", "))
    }
}

/// The kind of a [`Error::Transport`] failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (refused, unreachable, DNS).
    Connect,
    /// A timeout fired.
    Timeout,
    /// TLS handshake or certificate failure.
    Tls,
    /// The body was larger than the configured cap.
    BodyTooLarge,
    /// Any other I/O or protocol failure (dropped connection, bad HTTP).
    Io,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Tls => "tls",
            Self::BodyTooLarge => "body too large",
            Self::Io => "i/o",
        })
    }
}

/// An XML-RPC fault from Gandi, with its code taken apart.
///
/// Gandi's application faults have six-digit codes built as `Q OOO CC` (qualification, object,
/// cause) and a text `Error on object : OBJECT_X (CAUSE_Y) [message]`; both parts are parsed
/// here when present. Protocol faults have code 1.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiFault {
    /// The XML-RPC method that was refused.
    pub method: String,
    /// `faultCode`.
    pub code: i64,
    /// `faultString`, verbatim.
    pub fault_string: String,
    /// `OBJECT_…` from the text, if it has Gandi's shape.
    pub object: Option<String>,
    /// `CAUSE_…` from the text, if it has Gandi's shape.
    pub cause: Option<String>,
    /// The human part inside the brackets, or the whole text when it has no such shape.
    pub message: String,
}

impl ApiFault {
    /// Builds the fault details from the raw code and string, parsing Gandi's layout.
    pub fn new(method: impl Into<String>, code: i64, fault_string: impl Into<String>) -> Self {
        let fault_string = fault_string.into();
        let (object, cause, message) = match parse_fault_text(&fault_string) {
            Some((o, c, m)) => (Some(o.to_owned()), Some(c.to_owned()), m.to_owned()),
            None => (None, None, fault_string.clone()),
        };
        Self {
            method: method.into(),
            code,
            fault_string,
            object,
            cause,
            message,
        }
    }

    /// The `CAUSE_…` says the object does not exist (`CAUSE_NOTFOUND`, code `…42`).
    pub fn is_not_found(&self) -> bool {
        self.cause.as_deref() == Some("CAUSE_NOTFOUND")
            || (self.is_application() && self.code % 100 == 42)
    }

    /// The key was refused (`OBJECT_ACCOUNT (CAUSE_NORIGHT)`, code 510150) or malformed.
    pub fn is_invalid_api_key(&self) -> bool {
        self.code == 510_150
            || (self.object.as_deref() == Some("OBJECT_ACCOUNT")
                && self.cause.as_deref() == Some("CAUSE_NORIGHT"))
            || (self.cause.as_deref() == Some("CAUSE_BADPARAMETER")
                && self.message.contains("^[a-z0-9]{24}$"))
    }

    /// Refused because a disk is attached (`CAUSE_ATTACHED`, e.g. 530439).
    pub fn is_attached(&self) -> bool {
        self.cause.as_deref() == Some("CAUSE_ATTACHED")
    }

    /// A protocol-level fault (code 1: unknown method or malformed input).
    pub fn is_protocol(&self) -> bool {
        self.code == 1
    }

    /// A six-digit application fault.
    pub fn is_application(&self) -> bool {
        (100_000..1_000_000).contains(&self.code)
    }

    /// The first digit says the server failed (1), not the input (5).
    pub fn is_server_side(&self) -> bool {
        (100_000..200_000).contains(&self.code)
    }
}

impl fmt::Display for ApiFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Gandi refused {}: fault {}: {}",
            self.method, self.code, self.fault_string
        )
    }
}

/// Splits `Error on object : OBJECT_X (CAUSE_Y) [message]` into its three parts.
fn parse_fault_text(text: &str) -> Option<(&str, &str, &str)> {
    let rest = text.strip_prefix("Error on object : ")?;
    let (object, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('(')?;
    let (cause, rest) = rest.split_once(')')?;
    let message = rest.strip_prefix(" [")?.strip_suffix(']')?;
    let is_word =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let valid = object.starts_with("OBJECT_") && cause.starts_with("CAUSE_");
    (valid && is_word(object) && is_word(cause)).then_some((object, cause, message))
}

/// Details of an operation that ended in failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationFailed {
    /// The operation's ID.
    pub id: OperationId,
    /// Gandi's operation type (`vm_create`, `disk_update`, ...).
    pub kind: String,
    /// The terminal step (`ERROR`, `CANCEL` or `SUPPORT`).
    pub step: OperationStep,
    /// Gandi's `last_error` text, if any.
    pub last_error: Option<String>,
    /// Resources the failed call had already created (and that still exist or may exist).
    pub created: Vec<ResourceId>,
}

impl fmt::Display for OperationFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "operation {} ({}) ended in {}",
            self.id, self.kind, self.step
        )?;
        if let Some(e) = &self.last_error {
            write!(f, ": {e}")?;
        }
        if matches!(self.step, OperationStep::Support) {
            f.write_str(" (Gandi support must intervene)")?;
        }
        write_created(f, &self.created)
    }
}

/// A wait that ran past its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitTimeout {
    /// Operations not finished when the deadline passed; wait on them again to resume.
    pub pending: Vec<OperationId>,
    /// How long the wait lasted.
    pub elapsed: Duration,
    /// Resources the call created (they exist, or are being created).
    pub created: Vec<ResourceId>,
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up waiting after {:.1?}; still pending: {}",
            self.elapsed,
            join_ids(&self.pending)
        )?;
        write_created(f, &self.created)
    }
}

/// A wait stopped by its progress callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitCancelled {
    /// Operations not finished when the wait stopped.
    pub pending: Vec<OperationId>,
    /// Resources the call created.
    pub created: Vec<ResourceId>,
}

impl fmt::Display for WaitCancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wait cancelled; still pending: {}",
            join_ids(&self.pending)
        )?;
        write_created(f, &self.created)
    }
}

/// A multi-step call that failed part-way.
#[derive(Debug)]
#[non_exhaustive]
pub struct Incomplete {
    /// What the call was doing when it failed, e.g. `attaching disk 42 to VM 7`.
    pub step: String,
    /// Resources created before the failure.
    pub created: Vec<ResourceId>,
    /// The failure.
    pub source: Error,
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed while {}: {}", self.step, self.source)?;
        write_created(f, &self.created)
    }
}

fn join_ids(ids: &[OperationId]) -> String {
    if ids.is_empty() {
        return "none".to_owned();
    }
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_created(f: &mut fmt::Formatter<'_>, created: &[ResourceId]) -> fmt::Result {
    if created.is_empty() {
        return Ok(());
    }
    f.write_str("; created: ")?;
    for (i, r) in created.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{r}")?;
    }
    Ok(())
}

impl Error {
    /// Shorthand for an [`Error::Decode`].
    pub fn decode(method: impl Into<String>, error: DecodeError) -> Self {
        Self::Decode {
            method: method.into(),
            error: Box::new(error),
        }
    }

    /// Shorthand for an [`Error::Encode`].
    pub fn encode(method: impl Into<String>, error: EncodeError) -> Self {
        Self::Encode {
            method: method.into(),
            error: Box::new(error),
        }
    }

    /// Shorthand for an [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The fault, if this is [`Error::Fault`] (also inside [`Error::Incomplete`]).
    pub fn fault(&self) -> Option<&ApiFault> {
        match self {
            Self::Fault(f) => Some(f),
            Self::Incomplete(i) => i.source.fault(),
            _ => None,
        }
    }

    /// The fault code, if this is a fault.
    pub fn fault_code(&self) -> Option<i64> {
        self.fault().map(|f| f.code)
    }

    /// Gandi said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. }) || self.fault().is_some_and(ApiFault::is_not_found)
    }

    /// Gandi refused the API key.
    pub fn is_invalid_api_key(&self) -> bool {
        self.fault().is_some_and(ApiFault::is_invalid_api_key)
    }

    /// A failure that may go away if the same *read* is tried again (connection problems,
    /// timeouts, HTTP 502/503/504). Faults are deterministic and never retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { kind, .. } => {
                matches!(
                    kind,
                    TransportErrorKind::Connect
                        | TransportErrorKind::Timeout
                        | TransportErrorKind::Io
                )
            }
            Self::Http { status, .. } => matches!(status, 502..=504),
            _ => false,
        }
    }

    /// Resources the failed call created, whatever the failure (empty for most errors).
    pub fn created(&self) -> &[ResourceId] {
        match self {
            Self::OperationFailed(e) => &e.created,
            Self::WaitTimeout(e) => &e.created,
            Self::Cancelled(e) => &e.created,
            Self::Incomplete(e) => &e.created,
            _ => &[],
        }
    }

    /// Operations still running when a wait ended (timeout or cancellation).
    pub fn pending_operations(&self) -> &[OperationId] {
        match self {
            Self::WaitTimeout(e) => &e.pending,
            Self::Cancelled(e) => &e.pending,
            Self::Incomplete(e) => e.source.pending_operations(),
            _ => &[],
        }
    }
}

impl From<ApiFault> for Error {
    fn from(f: ApiFault) -> Self {
        Self::Fault(Box::new(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gandi_fault_text_is_taken_apart() {
        let f = ApiFault::new(
            "hosting.disk.rollback_from",
            530439,
            "Error on object : OBJECT_DISK (CAUSE_ATTACHED) [disk#17132652 associated with snapshot#17212524 is attached]",
        );
        assert_eq!(f.object.as_deref(), Some("OBJECT_DISK"));
        assert_eq!(f.cause.as_deref(), Some("CAUSE_ATTACHED"));
        assert_eq!(
            f.message,
            "disk#17132652 associated with snapshot#17212524 is attached"
        );
        assert!(f.is_attached());
        assert!(!f.is_not_found());
    }

    #[test]
    fn messages_with_brackets_and_parentheses_survive() {
        let f = ApiFault::new(
            "x",
            500066,
            "Error on object : OBJECT_UNKNOWN (CAUSE_FAILURE) [(OperationalError) (1054, \"Unknown column [x]\")]",
        );
        assert_eq!(f.cause.as_deref(), Some("CAUSE_FAILURE"));
        assert_eq!(
            f.message,
            "(OperationalError) (1054, \"Unknown column [x]\")"
        );
    }

    #[test]
    fn invalid_key_and_not_found_are_recognised() {
        let key = ApiFault::new(
            "x",
            510150,
            "Error on object : OBJECT_ACCOUNT (CAUSE_NORIGHT) [Invalid API key]",
        );
        assert!(key.is_invalid_api_key());
        let nf = ApiFault::new(
            "x",
            581042,
            "Error on object : OBJECT_ZONE (CAUSE_NOTFOUND) [no such zone (id: 0)]",
        );
        assert!(nf.is_not_found());
        let proto = ApiFault::new("x", 1, "Method \"x\" is not supported");
        assert!(proto.is_protocol());
        assert_eq!(proto.object, None);
        assert_eq!(proto.message, "Method \"x\" is not supported");
    }

    #[test]
    fn error_stays_small() {
        assert!(size_of::<Error>() <= 64, "{}", size_of::<Error>());
    }

    #[test]
    fn error_is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
