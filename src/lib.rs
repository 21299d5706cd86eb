//! gandi-hosting: a blocking SDK for Gandi's Hosting (IaaS) platform.

pub mod error;
pub mod model;
pub mod xmlrpc;

pub use error::{Error, Result};
