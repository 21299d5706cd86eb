//! Fake Gandi (placeholder; the fake work fills this in).
