//! gandi-hosting: a blocking SDK for Gandi's Hosting (IaaS) platform.

mod api_key;
pub mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod hosting;
pub mod model;
mod recorder;
mod transport;
pub mod v4;
pub mod xmlrpc;

pub use api_key::ApiKey;
pub use error::{Error, Result};
pub use hosting::Hosting;
pub use recorder::RecorderConfig;
pub use transport::RetryPolicy;
