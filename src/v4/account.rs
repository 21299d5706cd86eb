//! Placeholder: filled in by the v4 part-2 work.
