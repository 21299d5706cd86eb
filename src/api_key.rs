//! The Gandi API key, kept out of sight.
//!
//! [`ApiKey`] is the only place the key lives. It has no `Display` and no `Serialize`, and its
//! `Debug` prints a placeholder, so the key cannot reach a log line or an error message by
//! accident. Only the transport reads it back, through the crate-private [`ApiKey::expose`].

use std::fmt;

use crate::error::{Error, Result};

/// A Gandi v4 (XML-RPC) API key.
///
/// Build one with [`ApiKey::new`]. Its `Debug` output is `ApiKey(<redacted>)`; it cannot be
/// displayed or serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming surrounding whitespace and newlines (a common copy-paste slip).
    ///
    /// The length and alphabet are not checked here: Gandi documents 24 characters, and if a
    /// key is mistyped Gandi's own fault says so more precisely than a local guess would.
    ///
    /// # Errors
    /// [`Error::Config`] when the key is empty or only whitespace, or when it contains a
    /// control character (which no key has, and which could not travel in XML).
    pub fn new(key: impl Into<String>) -> Result<Self> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            return Err(Error::Config("the API key is empty".to_owned()));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(Error::Config(
                "the API key contains a control character".to_owned(),
            ));
        }
        let trimmed = if trimmed.len() == key.len() {
            key
        } else {
            trimmed.to_owned()
        };
        Ok(Self(trimmed))
    }

    /// The key itself, for the one place that must send it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrounding_whitespace_and_newlines_are_trimmed() {
        let key = ApiKey::new("  abcDEF0123456789abcdefgh\r\n").expect("valid key");
        assert_eq!(key.expose(), "abcDEF0123456789abcdefgh");
        let untouched = ApiKey::new("abc").expect("valid key");
        assert_eq!(untouched.expose(), "abc");
    }

    #[test]
    fn empty_and_blank_keys_are_config_errors() {
        for blank in ["", " ", "\n", "\t \r\n"] {
            match ApiKey::new(blank) {
                Err(Error::Config(msg)) => assert!(msg.contains("empty"), "{msg}"),
                other => panic!("{blank:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn inner_control_characters_are_refused() {
        assert!(matches!(ApiKey::new("abc\u{0}def"), Err(Error::Config(_))));
        assert!(matches!(ApiKey::new("abc\ndef"), Err(Error::Config(_))));
    }

    #[test]
    fn length_is_left_to_gandi() {
        assert!(ApiKey::new("short").is_ok());
        assert!(ApiKey::new("x".repeat(100)).is_ok());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("SeCrEtKeY0123456789abcde").expect("valid key");
        let debug = format!("{key:?} {:?}", Some(&key));
        assert!(!debug.contains("SeCrEtKeY"), "{debug}");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
    }
}
