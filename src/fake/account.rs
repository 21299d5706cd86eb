//! `hosting.account.info` (the credit-model shape) and `version.info`.

use time::Duration;

use crate::xmlrpc::{Fault, Struct, Value};

use super::args::Args;
use super::state::{State, now};

/// The API version the simulator claims.
pub(crate) const API_VERSION: &str = "3.3.42";

impl State {
    /// `version.info(key)`.
    pub(crate) fn version_info(&self, _args: &Args<'_>) -> Result<Value, Fault> {
        Ok(Value::Struct(
            Struct::new().with("api_version", API_VERSION),
        ))
    }

    /// `hosting.account.info(key)`: the credit ("rating") shape, with `resources.*` nil.
    pub(crate) fn account_info(&self, _args: &Args<'_>) -> Result<Value, Fault> {
        let resources = Struct::new()
            .with("available", Value::Nil)
            .with("granted", Value::Nil)
            .with("used", Value::Nil)
            .with("expired", Value::Nil);
        Ok(Value::Struct(
            Struct::new()
                .with("id", 58_201)
                .with("handle", self.handle.as_str())
                .with("fullname", "Fake Gandi Customer")
                .with("rating_enabled", true)
                .with("credits", self.credits)
                .with("average_credit_cost", 0.0125_f64)
                .with("date_credits_expiration", now() + Duration::days(365))
                .with("cycle_day", 23)
                .with("products", Value::Nil)
                .with("share_definition", Value::Nil)
                .with("resources", resources),
        ))
    }
}
