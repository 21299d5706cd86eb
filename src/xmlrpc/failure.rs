//! The one error type that the encoder and both halves of the serde bridge carry on their way
//! up: a reason plus path segments, added innermost first and joined only when it surfaces.

use std::fmt;

use super::{DecodeError, EncodeError};

/// A failure with the path collected on the way up (innermost segment first).
#[derive(Debug)]
pub(super) struct Failure {
    segments: Vec<String>,
    reason: String,
}

impl Failure {
    pub(super) fn new(reason: impl Into<String>) -> Self {
        Self {
            segments: Vec::new(),
            reason: reason.into(),
        }
    }

    /// Adds the segment of the value that holds the one which failed.
    pub(super) fn within(mut self, segment: impl FnOnce() -> String) -> Self {
        self.segments.push(segment());
        self
    }

    /// `root` (may be empty) then the segments outermost first, joined by `/`; `.` when empty.
    fn path(&self, root: &str) -> String {
        let mut path = String::from(root);
        for segment in self.segments.iter().rev() {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(segment);
        }
        if path.is_empty() {
            path.push('.');
        }
        path
    }

    /// The public encoding error, with `root` as the outermost path segment (may be empty).
    pub(super) fn into_encode(self, root: &str) -> EncodeError {
        EncodeError {
            path: self.path(root),
            reason: self.reason,
        }
    }

    /// The public decoding error of [`from_value`](super::from_value), which has no offset.
    pub(super) fn into_decode(self) -> DecodeError {
        DecodeError {
            offset: None,
            path: self.path(""),
            reason: self.reason,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Failure {}

impl serde::ser::Error for Failure {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(message.to_string())
    }
}

impl serde::de::Error for Failure {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(message.to_string())
    }
}
