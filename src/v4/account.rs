//! `hosting.account.info` and `version.info`: what the account can spend, and which API
//! version answers.
//!
//! Gandi has billed hosting in two ways, and `hosting.account.info` answers in the shape of
//! the account's model: *credits* (`rating_enabled` true, `credits`, `average_credit_cost`,
//! `date_credits_expiration`, every resource block nil) or the legacy *shares* model
//! (`products` and `resources` blocks of available, granted, used and expired amounts). Both
//! decode into one [`Account`]; what the account's model does not carry is `None`.

use std::fmt;

use serde::Deserialize;
use time::PrimitiveDateTime;

use super::Client;
use super::lenient::{list, opt_bool, opt_datetime, opt_f64, opt_int, opt_string, opt_struct};
use super::wire::{to_u32, to_u64};
use crate::error::Result;

/// The hosting account behind the API key (`hosting.account.info`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Account {
    /// Gandi's numeric account ID.
    pub id: Option<i64>,
    /// The account's handle, e.g. `AB1234-GANDI`.
    pub handle: String,
    /// The holder's name.
    pub full_name: Option<String>,
    /// Whether the account is billed in credits (hourly rating) rather than shares.
    pub rating_enabled: bool,
    /// Credits left (credit model).
    pub credits: Option<i64>,
    /// What one credit cost on average (credit model), in the account's currency.
    pub average_credit_cost: Option<f64>,
    /// When the remaining credits expire (credit model; naive, as Gandi gives no time zone).
    pub credits_expire_at: Option<PrimitiveDateTime>,
    /// Day of the month the billing cycle starts.
    pub cycle_day: Option<u32>,
    /// Resource amounts of the shares model; `None` for credit accounts.
    pub resources: Option<AccountResources>,
    /// What one share is worth (shares model).
    pub share_definition: Option<ResourceAmounts>,
    /// Products bought (shares model).
    pub products: Vec<AccountProduct>,
}

impl Account {
    /// Resources that can still be used without buying more (shares model).
    pub fn available(&self) -> Option<&ResourceAmounts> {
        self.resources.as_ref().and_then(|r| r.available.as_ref())
    }
}

/// The resource blocks of a shares-model account.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AccountResources {
    /// Not used yet.
    pub available: Option<ResourceAmounts>,
    /// Bought in all.
    pub granted: Option<ResourceAmounts>,
    /// In use.
    pub used: Option<ResourceAmounts>,
    /// From products that expired.
    pub expired: Option<ResourceAmounts>,
}

/// Amounts of each resource. Gandi sends some as integers and some as decimals (fractions of
/// shares), so counts that can be fractional are `f64`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ResourceAmounts {
    /// Network bandwidth, in kbit/s.
    pub bandwidth_kbps: Option<f64>,
    /// Virtual CPUs.
    pub cores: Option<f64>,
    /// Disk space, in MB as Gandi counts it.
    pub disk_mb: Option<u64>,
    /// IP addresses.
    pub ips: Option<u64>,
    /// Memory, in MB.
    pub memory_mb: Option<u64>,
    /// Servers (VMs).
    pub servers: Option<u64>,
    /// Shares.
    pub shares: Option<u64>,
    /// Server slots (can be fractional).
    pub slots: Option<f64>,
}

impl ResourceAmounts {
    /// Disk space in whole GB, rounded up.
    pub fn disk_gb(&self) -> Option<u64> {
        self.disk_mb.map(|mb| mb.div_ceil(1024))
    }
}

/// A product of a shares-model account (`shares_fixed`, `ips`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountProduct {
    /// Gandi's product ID.
    pub id: Option<i64>,
    /// The product's name, e.g. `shares_fixed`.
    pub name: String,
    /// How many were bought.
    pub quantity: Option<u32>,
    /// Term, e.g. `1y` or `1m`.
    pub duration: Option<String>,
    /// When it was bought (naive).
    pub created_at: Option<PrimitiveDateTime>,
    /// When the term ends (naive).
    pub ends_at: Option<PrimitiveDateTime>,
    /// Whether it renews on its own.
    pub autorenew: Option<bool>,
    /// Whether it is in redemption (expired, not yet released).
    pub in_redemption: Option<bool>,
}

/// The version of the API that answered (`version.info`), e.g. `3.3.42`.
///
/// ```
/// # use gandi_hosting::v4::ApiVersion;
/// # fn check(v: &ApiVersion) {
/// if v.at_least(3, 3, 19) {
///     // hosting.ssh.* exists
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiVersion {
    /// The version exactly as Gandi wrote it.
    pub text: String,
}

impl ApiVersion {
    /// The numeric dotted parts, as far as they are numbers (`3.3.42` → `[3, 3, 42]`).
    pub fn numbers(&self) -> Vec<u32> {
        self.text
            .split('.')
            .map_while(|part| part.trim().parse().ok())
            .collect()
    }

    /// Whether this version is `major.minor.patch` or later (missing parts count as 0).
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        let n = self.numbers();
        let part = |i: usize| n.get(i).copied().unwrap_or(0);
        (part(0), part(1), part(2)) >= (major, minor, patch)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

// ----- wire structs -----

#[derive(Debug, Deserialize)]
struct WireAccount {
    #[serde(default, deserialize_with = "opt_int")]
    id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    handle: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    fullname: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    rating_enabled: Option<bool>,
    #[serde(default, deserialize_with = "opt_int")]
    credits: Option<i64>,
    #[serde(default, deserialize_with = "opt_f64")]
    average_credit_cost: Option<f64>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_credits_expiration: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_int")]
    cycle_day: Option<i64>,
    #[serde(default, deserialize_with = "list")]
    products: Vec<WireProduct>,
    #[serde(default, deserialize_with = "opt_struct")]
    resources: Option<WireResources>,
    #[serde(default, deserialize_with = "opt_struct")]
    share_definition: Option<WireAmounts>,
}

#[derive(Debug, Deserialize)]
struct WireResources {
    #[serde(default, deserialize_with = "opt_struct")]
    available: Option<WireAmounts>,
    #[serde(default, deserialize_with = "opt_struct")]
    granted: Option<WireAmounts>,
    #[serde(default, deserialize_with = "opt_struct")]
    used: Option<WireAmounts>,
    #[serde(default, deserialize_with = "opt_struct")]
    expired: Option<WireAmounts>,
}

#[derive(Debug, Deserialize)]
struct WireAmounts {
    #[serde(default, deserialize_with = "opt_f64")]
    bandwidth: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    cores: Option<f64>,
    #[serde(default, deserialize_with = "opt_int")]
    disk: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    ips: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    memory: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    servers: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    shares: Option<i64>,
    #[serde(default, deserialize_with = "opt_f64")]
    slots: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct WireProduct {
    #[serde(default, deserialize_with = "opt_int")]
    id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    product_name: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    quantity: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    duration: Option<String>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_end: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_bool")]
    autorenew: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    is_in_redemption: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct WireVersion {
    api_version: String,
}

impl From<WireAmounts> for ResourceAmounts {
    fn from(w: WireAmounts) -> Self {
        ResourceAmounts {
            bandwidth_kbps: w.bandwidth,
            cores: w.cores,
            disk_mb: to_u64(w.disk),
            ips: to_u64(w.ips),
            memory_mb: to_u64(w.memory),
            servers: to_u64(w.servers),
            shares: to_u64(w.shares),
            slots: w.slots,
        }
    }
}

impl From<WireAccount> for Account {
    fn from(w: WireAccount) -> Self {
        let resources = w.resources.and_then(|r| {
            let blocks = AccountResources {
                available: r.available.map(Into::into),
                granted: r.granted.map(Into::into),
                used: r.used.map(Into::into),
                expired: r.expired.map(Into::into),
            };
            // The credit model sends the four blocks as nil: that is no resources at all.
            let any = blocks.available.is_some()
                || blocks.granted.is_some()
                || blocks.used.is_some()
                || blocks.expired.is_some();
            any.then_some(blocks)
        });
        Account {
            id: w.id,
            handle: w.handle.unwrap_or_default(),
            full_name: w.fullname,
            rating_enabled: w.rating_enabled.unwrap_or(false),
            credits: w.credits,
            average_credit_cost: w.average_credit_cost,
            credits_expire_at: w.date_credits_expiration,
            cycle_day: to_u32(w.cycle_day),
            resources,
            share_definition: w.share_definition.map(Into::into),
            products: w
                .products
                .into_iter()
                .map(|p| AccountProduct {
                    id: p.id,
                    name: p.product_name.unwrap_or_default(),
                    quantity: to_u32(p.quantity),
                    duration: p.duration,
                    created_at: p.date_created,
                    ends_at: p.date_end,
                    autorenew: p.autorenew,
                    in_redemption: p.is_in_redemption,
                })
                .collect(),
        }
    }
}

impl Client {
    /// The hosting account behind the API key: credits, or the legacy shares and resources
    /// (`hosting.account.info`).
    ///
    /// # Errors
    /// A fault (for example 510150 for a refused key), transport or decode error.
    pub fn account(&self) -> Result<Account> {
        let account: WireAccount = self.call_as("hosting.account.info", Vec::new())?;
        Ok(account.into())
    }

    /// The version of the API that answers (`version.info`). A cheap way to check the key and
    /// the endpoint.
    ///
    /// # Errors
    /// A fault (for example 510150 for a refused key), transport or decode error.
    pub fn api_version(&self) -> Result<ApiVersion> {
        let version: WireVersion = self.call_as("version.info", Vec::new())?;
        Ok(ApiVersion {
            text: version.api_version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_their_numbers() {
        let v = ApiVersion {
            text: "3.3.42".to_owned(),
        };
        assert_eq!(v.numbers(), vec![3, 3, 42]);
        assert!(v.at_least(3, 3, 19));
        assert!(v.at_least(3, 3, 42));
        assert!(!v.at_least(3, 4, 0));
        let odd = ApiVersion {
            text: "3.2-beta".to_owned(),
        };
        assert_eq!(odd.numbers(), vec![3]);
    }

    #[test]
    fn disk_amounts_round_up_to_gb() {
        let a = ResourceAmounts {
            disk_mb: Some(16385),
            ..ResourceAmounts::default()
        };
        assert_eq!(a.disk_gb(), Some(17));
    }
}
