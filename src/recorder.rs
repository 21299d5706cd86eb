//! Recorder (placeholder; the transport work fills this in).
