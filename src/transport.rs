//! HTTP transport (placeholder; the transport work fills this in).
