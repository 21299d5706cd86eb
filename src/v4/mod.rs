//! The Gandi v4 backend: [`Client`] speaks the XML-RPC hosting API at
//! `https://rpc.gandi.net/xmlrpc/`.
//!
//! `Client` implements [`crate::Hosting`] and adds what only v4 has: submit-then-wait
//! batches ([`Pending`]), raw operations, and the rest of the v4 surface. One file per Gandi
//! namespace; private wire structs convert into the model at this boundary.
//!
//! ```no_run
//! use gandi_hosting::Hosting;
//! use gandi_hosting::model::{BootDisk, IpSpec, VmSpec};
//!
//! let client = gandi_hosting::v4::Client::from_env()?;
//! let region = client.region_by_code("FR-SD6")?;
//! let image = client.image_by_name("Debian 12 64 bits (HVM)", &region.id)?;
//! let vm = client.create_vm(
//!     &VmSpec::new(region.id.clone(), "web1").memory_mb(1024).ssh_public_key("ssh-ed25519 AAAAC3Nza... me@laptop"),
//!     &BootDisk::from_image(&image, 20),
//!     &IpSpec::public_v4(),
//! )?;
//! println!("{} is {:?}", vm.hostname, vm.state);
//! # Ok::<(), gandi_hosting::Error>(())
//! ```

mod account;
mod disk;
mod hosting_impl;
mod lenient;
mod migration;
mod network;
mod operation;
mod region;
mod snapshot;
pub(crate) mod validate;
mod vm;
mod wait;
mod wire;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::api_key::ApiKey;
use crate::error::{Error, Result};
use crate::model::{Operation, TypedId};
use crate::recorder::RecorderConfig;
use crate::transport::{Transport, TransportConfig};
use crate::xmlrpc::{self, Struct, Value};

pub use crate::transport::{PRODUCTION_ENDPOINT, RetryPolicy};
pub use account::{Account, AccountProduct, AccountResources, ApiVersion, ResourceAmounts};
pub use migration::{MigrationCheck, VmMigration};
pub use operation::OperationFilter;
pub use snapshot::{Kernels, SnapshotProfile, SnapshotSchedule};
pub use wait::{Pending, WaitOptions, WaitProgress};

/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "GANDI_API_KEY";
/// Environment variable overriding the endpoint.
pub const ENV_API_URL: &str = "GANDI_API_URL";

/// Default page size for list calls (Gandi's own default is 100; its CLI uses 500).
const DEFAULT_PAGE_SIZE: u32 = 100;

/// A blocking client for Gandi's v4 hosting API.
///
/// Cheap to clone (an `Arc` inside) and `Send + Sync`: share one between threads. Every
/// mutating method waits until Gandi has finished (see [`WaitOptions`]); each also exists as a
/// `submit_*` method returning a [`Pending`] handle, for batches.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    wait: WaitOptions,
    page_size: u32,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.transport.endpoint())
            .field("api_key", &"<redacted>")
            .field("wait", &self.inner.wait)
            .field("page_size", &self.inner.page_size)
            .finish()
    }
}

impl Client {
    /// A client for the production endpoint with default settings.
    ///
    /// # Errors
    /// [`Error::Config`] when the key is empty.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from `GANDI_API_KEY` and, when set, `GANDI_API_URL`.
    ///
    /// # Errors
    /// [`Error::Config`] when `GANDI_API_KEY` is unset or empty, or the URL is not allowed.
    pub fn from_env() -> Result<Self> {
        let key = std::env::var(ENV_API_KEY)
            .map_err(|_| Error::Config(format!("{ENV_API_KEY} is not set")))?;
        let mut builder = Self::builder().api_key(key);
        if let Ok(url) = std::env::var(ENV_API_URL)
            && !url.trim().is_empty()
        {
            builder = builder.endpoint(url.trim());
        }
        builder.build()
    }

    /// A builder to set the endpoint, timeouts, retries, waiting and paging.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &str {
        self.inner.transport.endpoint()
    }

    /// The default wait settings of this client.
    pub fn wait_options(&self) -> &WaitOptions {
        &self.inner.wait
    }

    /// Calls any XML-RPC method, for what the SDK does not cover yet. The API key is added as
    /// the first parameter; pass only the method's own parameters. Reads (`*.info`, `*.list`,
    /// `*.count`) are retried on transient failures, everything else is sent once.
    ///
    /// # Errors
    /// [`Error::Fault`] when Gandi refuses it, or any transport or decode error.
    pub fn raw_call(&self, method: &str, params: Vec<Value>) -> Result<Value> {
        self.inner.transport.call(method, params)
    }

    /// Calls `method` and converts its answer with serde.
    pub(crate) fn call_as<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> Result<T> {
        let value = self.raw_call(method, params)?;
        xmlrpc::from_value(value)
            .map_err(|error| Error::decode(method, self.inner.transport.scrub(error)))
    }

    /// Calls a method that answers with one operation.
    pub(crate) fn call_op(&self, method: &str, params: Vec<Value>) -> Result<Operation> {
        let op: wire::WireOperation = self.call_as(method, params)?;
        let op = Operation::from(op);
        log::debug!("{method} started operation {} ({})", op.id, op.kind);
        Ok(op)
    }

    /// Calls a method that answers with an array of operations.
    pub(crate) fn call_ops(&self, method: &str, params: Vec<Value>) -> Result<Vec<Operation>> {
        let ops: Vec<wire::WireOperation> = self.call_as(method, params)?;
        let ops: Vec<Operation> = ops.into_iter().map(Operation::from).collect();
        log::debug!(
            "{method} started operations {}",
            ops.iter()
                .map(|o| format!("{} ({})", o.id, o.kind))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(ops)
    }

    /// Fetches every page of a list method. `filter` holds the filters; paging keys are added.
    pub(crate) fn list_all<W, T>(&self, method: &'static str, filter: Struct) -> Result<Vec<T>>
    where
        W: DeserializeOwned,
        T: From<W>,
    {
        self.pages::<W, T>(method, filter).collect()
    }

    /// A lazy listing of `method`: one page is fetched when the previous one is used up.
    pub(crate) fn pages<W, T>(&self, method: &'static str, filter: Struct) -> Paged<'_, T>
    where
        W: DeserializeOwned,
        T: From<W>,
    {
        Paged {
            client: self,
            method,
            filter,
            next_page: Some(0),
            buffer: Vec::new().into_iter(),
            fetch: fetch_page::<W, T>,
        }
    }
    /// Calls a count method with `filter`.
    pub(crate) fn count(&self, method: &str, filter: Struct) -> Result<u64> {
        let n: i64 = self.call_as(method, vec![Value::Struct(filter)])?;
        u64::try_from(n).map_err(|_| {
            unusable_answer(
                method,
                "params/param/value",
                format!("a count cannot be negative ({n})"),
            )
        })
    }
}

/// Fetches page `page` of `method` and converts its items.
fn fetch_page<W, T>(client: &Client, method: &str, filter: &Struct, page: u32) -> Result<Vec<T>>
where
    W: DeserializeOwned,
    T: From<W>,
{
    let opts = filter
        .clone()
        .with("items_per_page", i64::from(client.inner.page_size))
        .with("page", i64::from(page));
    let items: Vec<W> = client.call_as(method, vec![Value::Struct(opts)])?;
    Ok(items.into_iter().map(T::from).collect())
}

/// A lazy listing: each item of each page, fetching the next page (`items_per_page` from
/// [`ClientBuilder::page_size`], zero-based `page`) only when the previous one is used up.
/// It ends after a page shorter than the page size, or at the first error (which it yields).
///
/// ```no_run
/// use gandi_hosting::model::VmFilter;
/// let client = gandi_hosting::v4::Client::from_env()?;
/// // Stops fetching as soon as a halted VM is found.
/// let halted = client
///     .iter_vms(&VmFilter::new())?
///     .find(|vm| vm.as_ref().is_ok_and(|vm| vm.state == gandi_hosting::model::VmState::Halted));
/// # Ok::<(), gandi_hosting::Error>(())
/// ```
#[must_use = "nothing is fetched until the listing is iterated"]
pub struct Paged<'c, T> {
    client: &'c Client,
    method: &'static str,
    filter: Struct,
    next_page: Option<u32>,
    buffer: std::vec::IntoIter<T>,
    fetch: fn(&Client, &str, &Struct, u32) -> Result<Vec<T>>,
}

impl<T> fmt::Debug for Paged<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paged")
            .field("method", &self.method)
            .field("next_page", &self.next_page)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T> Iterator for Paged<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            let page = self.next_page?;
            match (self.fetch)(self.client, self.method, &self.filter, page) {
                Ok(items) => {
                    let full = items.len() >= self.client.inner.page_size as usize;
                    self.next_page = if full { page.checked_add(1) } else { None };
                    self.buffer = items.into_iter();
                }
                Err(e) => {
                    self.next_page = None;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// An answer that decoded but lacks what the call needs, such as the ID of what it created.
pub(crate) fn unusable_answer(method: &str, path: &str, reason: impl Into<String>) -> Error {
    Error::decode(
        method,
        xmlrpc::DecodeError {
            offset: None,
            path: path.to_owned(),
            reason: reason.into(),
        },
    )
}

/// Converts a typed ID into the v4 integer Gandi expects, or refuses it naming `field`.
pub(crate) fn wire_id<I: TypedId>(field: &str, id: &I) -> Result<i64> {
    id.v4().ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "`{id}` is not a Gandi v4 {} ID (v4 IDs are integers)",
                I::KIND
            ),
        )
    })
}

/// [`wire_id`] as an XML-RPC value.
pub(crate) fn id_value<I: TypedId>(field: &str, id: &I) -> Result<Value> {
    wire_id(field, id).map(Value::Int)
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use gandi_hosting::v4::{Client, WaitOptions};
///
/// let client = Client::builder()
///     .api_key("0123456789abcdefABCDEF01")
///     .timeout(Duration::from_secs(30))
///     .wait(WaitOptions::default().timeout(Duration::from_secs(900)))
///     .build()?;
/// assert_eq!(client.endpoint(), "https://rpc.gandi.net/xmlrpc/");
/// # Ok::<(), gandi_hosting::Error>(())
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    endpoint: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    max_response_bytes: Option<u64>,
    retry: Option<RetryPolicy>,
    record_dir: Option<PathBuf>,
    wait: Option<WaitOptions>,
    page_size: Option<u32>,
    max_calls_per_second: Option<f64>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("wait", &self.wait)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The v4 API key (24 characters, from Gandi's v4 account settings). Required.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The XML-RPC endpoint. `https://` is required, except plain `http://` to a loopback
    /// address (the fake, mock servers). Defaults to [`PRODUCTION_ENDPOINT`].
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Time limit of one HTTP exchange. Defaults to 60 s.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit to connect. Defaults to 10 s.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header. Defaults to `gandi-hosting/<version>`.
    #[must_use]
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Largest answer accepted, in bytes. Defaults to 64 MiB.
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Retries of idempotent reads. Defaults to [`RetryPolicy::default`].
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Records every exchange, scrubbed of the API key, under `dir` in the fixture layout
    /// (`<dir>/<method>/recorded-<n>.xml` and `.request.xml`). Defaults to off.
    #[must_use]
    pub fn record_to(mut self, dir: impl Into<PathBuf>) -> Self {
        self.record_dir = Some(dir.into());
        self
    }

    /// How mutating calls wait for their operations. Defaults to [`WaitOptions::default`].
    #[must_use]
    pub fn wait(mut self, options: WaitOptions) -> Self {
        self.wait = Some(options);
        self
    }

    /// Spaces requests so that at most `calls` start per second, across every clone of the
    /// client (retries and polls included). Gandi does not publish the v4 API's limit; use
    /// this when many waits or batches run at once. Defaults to no limit.
    #[must_use]
    pub fn max_calls_per_second(mut self, calls: f64) -> Self {
        self.max_calls_per_second = Some(calls);
        self
    }

    /// Items asked for per page by list calls (1 to 500). Defaults to 100.
    #[must_use]
    pub fn page_size(mut self, items: u32) -> Self {
        self.page_size = Some(items);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when the key is missing or empty, the endpoint is not allowed, the
    /// page size is out of range, or the call rate is not a positive number.
    pub fn build(self) -> Result<Client> {
        let key = self
            .api_key
            .ok_or_else(|| Error::Config("no API key given".to_owned()))?;
        let api_key = ApiKey::new(key)?;
        let endpoint = self
            .endpoint
            .unwrap_or_else(|| PRODUCTION_ENDPOINT.to_owned());
        let mut config = TransportConfig::new(endpoint, api_key);
        if let Some(t) = self.timeout {
            config.timeout = t;
        }
        if let Some(t) = self.connect_timeout {
            config.connect_timeout = t;
        }
        if let Some(ua) = self.user_agent {
            config.user_agent = ua;
        }
        if let Some(n) = self.max_response_bytes {
            config.max_response_bytes = n;
        }
        if let Some(r) = self.retry {
            config.retry = r;
        }
        config.recorder = self.record_dir.map(RecorderConfig::new);
        if let Some(rate) = self.max_calls_per_second {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(Error::Config(format!(
                    "max_calls_per_second must be a positive number, not {rate}"
                )));
            }
            config.min_spacing = Some(Duration::from_secs_f64(1.0 / rate.max(1e-3)));
        }
        let page_size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=500).contains(&page_size) {
            return Err(Error::Config(format!(
                "page size must be 1 to 500, not {page_size}"
            )));
        }
        let transport = Transport::new(config)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                wait: self.wait.unwrap_or_default(),
                page_size,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_and_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = "AbCdEfGhIjKlMnOpQrStUvWx";
        let client = Client::new(key).unwrap();
        assert!(!format!("{client:?}").contains(key));
        let builder = Client::builder().api_key(key);
        assert!(!format!("{builder:?}").contains(key));
    }

    #[test]
    fn a_missing_key_is_a_config_error() {
        assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
        assert!(matches!(Client::new("  "), Err(Error::Config(_))));
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        let err = Client::builder()
            .api_key("k")
            .endpoint("http://rpc.gandi.net/xmlrpc/")
            .build();
        assert!(matches!(err, Err(Error::Config(_))));
        assert!(
            Client::builder()
                .api_key("k")
                .endpoint("http://127.0.0.1:9/xmlrpc/")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn the_call_rate_must_be_positive() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let built = Client::builder()
                .api_key("k")
                .max_calls_per_second(bad)
                .build();
            assert!(matches!(built, Err(Error::Config(_))), "{bad}");
        }
        assert!(
            Client::builder()
                .api_key("k")
                .max_calls_per_second(2.5)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn page_size_is_bounded() {
        assert!(matches!(
            Client::builder().api_key("k").page_size(0).build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            Client::builder().api_key("k").page_size(501).build(),
            Err(Error::Config(_))
        ));
    }
}
