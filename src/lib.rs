//! gandi-hosting: a blocking SDK for Gandi's Hosting (IaaS) platform.

mod api_key;
pub mod error;
#[cfg(feature = "fake")]
pub mod fake;
pub mod model;
mod recorder;
mod transport;
pub mod xmlrpc;

pub use error::{Error, Result};
