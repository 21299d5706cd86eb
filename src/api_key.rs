//! The API key (placeholder; the transport work fills this in).
