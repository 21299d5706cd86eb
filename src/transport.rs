//! HTTP transport: one XML-RPC call in, one decoded value (or a typed error) out.
//!
//! This module owns the `ureq::Agent`, the endpoint policy (https, or plain http to loopback
//! only), timeouts, the response size cap, retries of idempotent reads, API-key redaction and the
//! optional [`RecorderConfig`]. It knows how Gandi authenticates (the key is the first parameter)
//! but nothing of Gandi's methods beyond which ones are safe to retry.

use std::fmt;
use std::io::Read;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use log::Level;

use crate::api_key::ApiKey;
use crate::error::{ApiFault, Error, Result, TransportErrorKind};
use crate::recorder::RecorderConfig;
use crate::xmlrpc::{self, DecodeError, Limits, MethodCall, Response, Value};

/// Gandi's production XML-RPC endpoint.
pub const PRODUCTION_ENDPOINT: &str = "https://rpc.gandi.net/xmlrpc/";

/// What the API key is replaced with in logs.
const PLACEHOLDER: &str = "<redacted>";

/// Longest HTTP error excerpt, in characters.
const EXCERPT_CHARS: usize = 200;

/// How much of a non-200 body is read to build the excerpt.
const EXCERPT_READ_BYTES: u64 = 8 * 1024;

/// When and how often a failed read is tried again.
///
/// Only idempotent reads (`*.info`, `*.list`, `*.count` and a few named others) are ever
/// retried, and only after a failure that may be transient: a connection that could not be
/// made or was dropped, a timeout, or HTTP 502, 503 or 504. Faults, decode errors and other
/// statuses are returned at once. A call that changes something (create, update, delete,
/// attach...) is never retried: repeating it could, for example, create a second VM.
///
/// The wait before retry `n` (starting at 0) is `initial_backoff × 2ⁿ`, capped at
/// `max_backoff`, plus up to 10 % of jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, starting at 200 ms and doubling up to 5 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a failed read is tried again after the first attempt (0 = never).
    ///
    /// Defaults to 3.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry; each later wait doubles it.
    ///
    /// Defaults to 200 ms.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts (before jitter).
    ///
    /// Defaults to 5 s.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The wait before retry number `retry` (0 for the first retry), jitter included.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        // Up to 10 % of jitter, taken from the clock so no random-number crate is needed; it
        // only has to keep several clients from retrying in lock step.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        base.saturating_add(base.mul_f64(f64::from(nanos % 1000) / 10_000.0))
    }
}

/// Everything the transport needs to know; [`TransportConfig::new`] fills in the defaults.
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    /// The XML-RPC endpoint URL.
    pub(crate) endpoint: String,
    /// The key sent as the first parameter of every call.
    pub(crate) api_key: ApiKey,
    /// The deadline for one HTTP request, from connecting to the end of the body.
    pub(crate) timeout: Duration,
    /// The deadline for opening the connection.
    pub(crate) connect_timeout: Duration,
    /// The `User-Agent` header.
    pub(crate) user_agent: String,
    /// The largest response body accepted, in bytes.
    pub(crate) max_response_bytes: u64,
    /// Retries of idempotent reads.
    pub(crate) retry: RetryPolicy,
    /// Where to record exchanges, if anywhere.
    pub(crate) recorder: Option<RecorderConfig>,
    /// Least time between the starts of two HTTP requests, across clones; `None` = no limit.
    pub(crate) min_spacing: Option<Duration>,
}

impl TransportConfig {
    /// A configuration for `endpoint` with the default timeouts (60 s per request, 10 s to
    /// connect), user agent (`gandi-hosting/<version>`), a 64 MiB response cap, the default
    /// [`RetryPolicy`] and no recorder.
    pub(crate) fn new(endpoint: impl Into<String>, api_key: ApiKey) -> Self {
        Self {
            endpoint: endpoint.into(),
            api_key,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("gandi-hosting/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_response_bytes: 64 * 1024 * 1024,
            retry: RetryPolicy::default(),
            recorder: None,
            min_spacing: None,
        }
    }
}

/// Sends XML-RPC calls to one endpoint. Cheap to clone (the agent and its pool are shared).
#[derive(Clone)]
pub(crate) struct Transport {
    agent: ureq::Agent,
    config: TransportConfig,
    /// Decoding limits, from the response cap.
    limits: Limits,
    /// When the next request may start, if requests are spaced (shared by clones).
    next_slot: std::sync::Arc<std::sync::Mutex<Instant>>,
    /// What [`check_endpoint`] found.
    endpoint: Endpoint,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("Transport")
            .field("endpoint", &c.endpoint)
            .field("api_key", &PLACEHOLDER)
            .field("user_agent", &c.user_agent)
            .field("timeout", &c.timeout)
            .field("connect_timeout", &c.connect_timeout)
            .field("max_response_bytes", &c.max_response_bytes)
            .field("retry", &c.retry)
            .field("recorder", &c.recorder)
            .field("min_spacing", &c.min_spacing)
            .finish()
    }
}

/// An answer that arrived, whatever its status.
struct Reply {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Transport {
    /// Checks the endpoint and builds the HTTP agent.
    ///
    /// # Errors
    /// [`Error::Config`] when the endpoint is not a URL, uses a scheme other than https, or
    /// uses plain http to a host that is not loopback.
    pub(crate) fn new(config: TransportConfig) -> Result<Self> {
        let endpoint = check_endpoint(&config.endpoint)?;

        let mut builder = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Per read and per write rather than one global deadline: ureq then sets the
            // socket timeouts once per connection instead of before every read and write,
            // which cost about 110 µs a call over loopback. The whole exchange is still
            // bounded: `send` checks `timeout` between the reads of the body.
            .timeout_per_read(Some(config.timeout))
            .timeout_per_write(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout))
            .user_agent(config.user_agent.as_str())
            .accept("text/xml")
            // No compression: Gandi's answers are small, and an uncompressed body makes the
            // size cap mean what it says.
            .accept_encoding("identity")
            // Never follow a redirect: the body carries the key, and a redirect of a POST is
            // not something Gandi does.
            .max_redirects(0);
        if endpoint.loopback {
            // A proxy variable in the environment must not capture calls to a local server.
            builder = builder.proxy(None);
        }
        let agent = builder.build().new_agent();
        let limits = Limits::default()
            .max_size(usize::try_from(config.max_response_bytes).unwrap_or(usize::MAX));
        Ok(Self {
            agent,
            config,
            endpoint,
            limits,
            next_slot: std::sync::Arc::new(std::sync::Mutex::new(Instant::now())),
        })
    }

    /// The endpoint calls go to.
    pub(crate) fn endpoint(&self) -> &str {
        &self.config.endpoint
    }

    /// Calls `method` with the API key prepended to `params`, and returns the decoded value.
    ///
    /// Idempotent reads (see [`is_idempotent`]) are retried after transient failures according
    /// to the [`RetryPolicy`]; nothing else is.
    ///
    /// # Errors
    /// - [`Error::Encode`] when a parameter cannot be encoded (nothing is sent);
    /// - [`Error::Transport`] when no answer arrived (connect, timeout, TLS, I/O) or the body
    ///   was larger than the cap;
    /// - [`Error::Http`] for any status other than 200;
    /// - [`Error::Fault`] when Gandi refused the call;
    /// - [`Error::Decode`] when the answer is not a well-formed XML-RPC response.
    pub(crate) fn call(&self, method: &str, params: Vec<Value>) -> Result<Value> {
        let key = self.config.api_key.expose();
        let mut all = Vec::with_capacity(params.len() + 1);
        all.push(Value::String(key.to_owned()));
        all.extend(params);
        let request = xmlrpc::encode_call(&MethodCall::new(method, all)).map_err(|mut error| {
            error.reason = redact_str(&error.reason, key);
            error.path = redact_str(&error.path, key);
            Error::encode(method, error)
        })?;
        if log::log_enabled!(Level::Trace) {
            log::trace!("{method} request: {}", redact(&request, key));
        }

        let started = Instant::now();
        let retry = &self.config.retry;
        let may_retry = is_idempotent(method);
        let mut retries = 0;
        let result = loop {
            let result = self.attempt(method, &request);
            match result {
                Err(e) if may_retry && e.is_retryable() && retries < retry.max_retries => {
                    let wait = retry.backoff(retries);
                    retries += 1;
                    log::debug!(
                        "{method} failed ({e}); retry {retries} of {} in {} ms",
                        retry.max_retries,
                        wait.as_millis()
                    );
                    std::thread::sleep(wait);
                }
                other => break other,
            }
        };

        let ms = started.elapsed().as_millis();
        match &result {
            Ok(_) => log::debug!("{method} took {ms} ms"),
            Err(e) => log::debug!("{method} took {ms} ms and failed: {e}"),
        }
        result
    }

    /// `error` with the API key taken out of its text: a message can quote part of an
    /// answer, and a server may echo the key. Every decode error leaves through here.
    pub(crate) fn scrub(&self, mut error: DecodeError) -> DecodeError {
        let key = self.config.api_key.expose();
        error.reason = redact_str(&error.reason, key);
        error.path = redact_str(&error.path, key);
        error
    }

    /// Waits for this request's turn when requests are spaced.
    fn take_turn(&self) {
        let Some(spacing) = self.config.min_spacing else {
            return;
        };
        let wait = {
            // A poisoned lock only means another thread panicked while holding a time stamp.
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let (wait, following) = turn(*next, Instant::now(), spacing);
            *next = following;
            wait
        };
        if !wait.is_zero() {
            log::debug!("waiting {} ms for the call rate limit", wait.as_millis());
            std::thread::sleep(wait);
        }
    }

    /// One HTTP exchange and its decoding.
    fn attempt(&self, method: &str, request: &[u8]) -> Result<Value> {
        self.take_turn();
        let key = self.config.api_key.expose();
        let reply = self.send(request)?;
        if log::log_enabled!(Level::Trace) {
            log::trace!(
                "{method} response (HTTP {}): {}",
                reply.status,
                redact(&reply.body, key)
            );
        }

        if reply.status != 200 {
            return Err(Error::Http {
                status: reply.status,
                excerpt: excerpt(&reply.body, key),
            });
        }

        let decoded = xmlrpc::decode_response_with(&reply.body, &self.limits).map_err(|error| {
            let mut error = self.scrub(error);
            if !reply.content_type.as_deref().is_some_and(is_xml_mime) {
                match &reply.content_type {
                    Some(ct) => error.reason.push_str(&format!(
                        " (the content type was `{}`, not XML)",
                        sanitize(ct)
                    )),
                    None => error.reason.push_str(" (the answer had no content type)"),
                }
            }
            Error::decode(method, error)
        })?;

        if let Some(recorder) = &self.config.recorder {
            recorder.record(method, key, request, &reply.body);
        }
        match decoded {
            Response::Success(value) => Ok(value),
            Response::Fault(fault) => Err(Error::Fault(Box::new(ApiFault::new(
                method,
                fault.code,
                // Gandi quotes a malformed key back in its fault text.
                redact_str(&fault.message, key),
            )))),
        }
    }

    /// Posts the request and reads the body, up to the size cap and within the deadline.
    fn send(&self, request: &[u8]) -> Result<Reply> {
        let started = Instant::now();
        let mut response = self
            .agent
            .post(&self.config.endpoint)
            .header("Content-Type", "text/xml")
            .send(request)
            .map_err(|e| self.transport_error(e))?;

        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = if status == 200 {
            let max = self.config.max_response_bytes;
            let mut reader = response.body_mut().with_config().limit(max).reader();
            let mut body = Vec::new();
            let mut chunk = [0u8; 16 * 1024];
            loop {
                if started.elapsed() > self.config.timeout {
                    return Err(Error::Transport {
                        kind: TransportErrorKind::Timeout,
                        message: format!(
                            "no complete answer from {} within {:?}",
                            self.config.endpoint, self.config.timeout
                        ),
                    });
                }
                match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => body.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        return Err(match ureq_error_of(e) {
                            ureq::Error::BodyExceedsLimit(_) => Error::Transport {
                                kind: TransportErrorKind::BodyTooLarge,
                                message: format!("the answer was larger than {max} bytes"),
                            },
                            other => self.transport_error(other),
                        });
                    }
                }
            }
            body
        } else {
            // Only an excerpt is kept; a body that breaks off still gives one.
            let mut body = Vec::new();
            let _ = response
                .body_mut()
                .as_reader()
                .take(EXCERPT_READ_BYTES)
                .read_to_end(&mut body);
            body
        };
        Ok(Reply {
            status,
            content_type,
            body,
        })
    }

    /// Maps a ureq failure; the message names the endpoint, never the key or a body.
    fn transport_error(&self, e: ureq::Error) -> Error {
        use TransportErrorKind as Kind;
        use std::io::ErrorKind as Io;
        use ureq::Error as U;

        let endpoint = &self.config.endpoint;
        let (kind, message) = match &e {
            U::Timeout(ureq::Timeout::Connect) => (
                Kind::Timeout,
                format!(
                    "could not connect to {endpoint} within {:?}",
                    self.config.connect_timeout
                ),
            ),
            U::Timeout(which) => (
                Kind::Timeout,
                format!(
                    "no complete answer from {endpoint} within {:?} ({which} timeout)",
                    self.config.timeout
                ),
            ),
            U::HostNotFound => (Kind::Connect, format!("host of {endpoint} not found")),
            U::ConnectionFailed => (Kind::Connect, format!("could not connect to {endpoint}")),
            U::Io(io) => match io.kind() {
                Io::ConnectionRefused | Io::HostUnreachable | Io::NetworkUnreachable => (
                    Kind::Connect,
                    format!("could not connect to {endpoint}: {io}"),
                ),
                Io::TimedOut | Io::WouldBlock => (
                    Kind::Timeout,
                    format!("timeout while calling {endpoint}: {io}"),
                ),
                Io::UnexpectedEof
                | Io::ConnectionReset
                | Io::ConnectionAborted
                | Io::BrokenPipe => (
                    Kind::Io,
                    format!("the connection to {endpoint} was dropped: {io}"),
                ),
                // ureq hands rustls failures (bad certificate, not TLS at all) over as
                // invalid data; nothing else on an https connection produces it.
                Io::InvalidData if self.endpoint.https => {
                    (Kind::Tls, format!("TLS failure with {endpoint}: {io}"))
                }
                _ => (Kind::Io, format!("while calling {endpoint}: {io}")),
            },
            U::Tls(_) | U::Rustls(_) | U::Pem(_) | U::TlsRequired => {
                (Kind::Tls, format!("TLS failure with {endpoint}: {e}"))
            }
            _ => (Kind::Io, format!("while calling {endpoint}: {e}")),
        };
        Error::Transport {
            kind,
            message: redact_str(&message, self.config.api_key.expose()),
        }
    }
}

/// Spacing of requests: given when the next request may start and the time now, how long this
/// one waits and when the one after it may start.
fn turn(next: Instant, now: Instant, spacing: Duration) -> (Duration, Instant) {
    let start = next.max(now);
    (start - now, start + spacing)
}

/// The ureq error an I/O error from a body reader carries, or the I/O error itself.
fn ureq_error_of(e: std::io::Error) -> ureq::Error {
    if !e.get_ref().is_some_and(|inner| inner.is::<ureq::Error>()) {
        return ureq::Error::Io(e);
    }
    match e.into_inner().map(|inner| inner.downcast::<ureq::Error>()) {
        Some(Ok(u)) => *u,
        _ => ureq::Error::Io(std::io::Error::other("the body could not be read")),
    }
}

/// Whether `method` only reads, so that repeating it after a transient failure is harmless.
///
/// True for names ending in `.info`, `.list` or `.count`, and for a few reads with other
/// names. Everything else, unknown names included, is treated as a change and never retried.
pub(crate) fn is_idempotent(method: &str) -> bool {
    const OTHER_READS: &[&str] = &[
        "hosting.disk.list_kernels",
        "hosting.disk.list_options",
        "hosting.vm.can_migrate",
        "version.info",
    ];
    method.ends_with(".info")
        || method.ends_with(".list")
        || method.ends_with(".count")
        || OTHER_READS.contains(&method)
}

/// `body` as text for a log line, with every occurrence of the key replaced by `<redacted>`.
pub(crate) fn redact(body: &[u8], key: &str) -> String {
    String::from_utf8_lossy(&scrub_bytes(body, key, PLACEHOLDER.as_bytes())).into_owned()
}

/// [`redact`] for text.
fn redact_str(text: &str, key: &str) -> String {
    redact(text.as_bytes(), key)
}

/// Replaces every occurrence of `key`, raw or XML-escaped, in `body` with `replacement`.
pub(crate) fn scrub_bytes(body: &[u8], key: &str, replacement: &[u8]) -> Vec<u8> {
    let escaped = key
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let once = replace_all(body, key.as_bytes(), replacement);
    if escaped == key {
        once
    } else {
        replace_all(&once, escaped.as_bytes(), replacement)
    }
}

fn replace_all(haystack: &[u8], needle: &[u8], replacement: &[u8]) -> Vec<u8> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(replacement);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// The start of an error body: at most [`EXCERPT_CHARS`] characters, lossy UTF-8, control
/// characters replaced by spaces, the key scrubbed.
fn excerpt(body: &[u8], key: &str) -> String {
    // Scrub before cutting, so that a key straddling the cut cannot leave a prefix behind.
    let text = redact(body, key);
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    sanitize(cut.trim())
}

/// Control characters replaced by spaces.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `text/xml`, `application/xml`, `text/xml; charset=utf-8`, `application/something+xml`...
fn is_xml_mime(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    mime == "text/xml" || mime == "application/xml" || mime.ends_with("+xml")
}

/// The parts of an endpoint the policy looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Endpoint {
    https: bool,
    loopback: bool,
}

/// Parses the endpoint enough to apply the policy: https anywhere, plain http only to a
/// loopback host (`127.0.0.0/8`, `::1`, `localhost`).
fn check_endpoint(endpoint: &str) -> Result<Endpoint> {
    let refuse = |why: &str| {
        Err(Error::Config(format!(
            "endpoint `{endpoint}` refused: {why}"
        )))
    };

    if endpoint
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return refuse("it contains whitespace or control characters");
    }
    let Some((scheme, rest)) = endpoint.split_once("://") else {
        return refuse("it is not a URL (expected https://host/path)");
    };
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return refuse("only https is allowed (and plain http to a loopback address)"),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return refuse("user information in the URL is not supported");
    }

    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((ip, after)) = bracketed.split_once(']') else {
            return refuse("unclosed `[` in the host");
        };
        if ip.parse::<Ipv6Addr>().is_err() {
            return refuse("the bracketed host is not an IPv6 address");
        }
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return refuse("unexpected characters after the IPv6 address"),
            },
        };
        (ip, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return refuse("it has no host");
    }
    if !authority.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return refuse("the host name has characters a host name cannot have");
    }
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return refuse("the port is not a number between 0 and 65535");
    }

    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.eq_ignore_ascii_case("localhost.")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    if !https && !loopback {
        return refuse("plain http is only allowed to a loopback address; use https");
    }
    Ok(Endpoint { https, loopback })
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::cell::RefCell;
    use std::io::Write;
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    use crate::xmlrpc::decode_call;

    const KEY: &str = "TkEy0123456789abcdefGHIJ";

    fn key() -> ApiKey {
        ApiKey::new(KEY).expect("valid key")
    }

    fn config(endpoint: &str) -> TransportConfig {
        let mut config = TransportConfig::new(endpoint, key());
        config.retry = RetryPolicy::default()
            .initial_backoff(Duration::ZERO)
            .max_backoff(Duration::ZERO);
        config.timeout = Duration::from_secs(10);
        config
    }

    fn transport_for(server: &mockito::ServerGuard) -> Transport {
        Transport::new(config(&format!("{}/xmlrpc/", server.url()))).expect("transport")
    }

    /// A response in the shape Gandi's Python server writes.
    fn success(value: &str) -> String {
        format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>{value}</value>\n\
             </param>\n</params>\n</methodResponse>\n"
        )
    }

    fn fault(code: i64, text: &str) -> String {
        format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n\
             <name>faultCode</name>\n<value><int>{code}</int></value>\n</member>\n<member>\n\
             <name>faultString</name>\n<value><string>{text}</string></value>\n</member>\n\
             </struct></value>\n</fault>\n</methodResponse>\n"
        )
    }

    fn mock_xml(server: &mut mockito::ServerGuard, status: usize, body: &str) -> mockito::Mock {
        server
            .mock("POST", "/xmlrpc/")
            .with_status(status)
            .with_header("content-type", "text/xml")
            .with_body(body)
            .create()
    }

    #[test]
    fn transport_is_clone_send_and_sync() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<Transport>();
        check::<TransportConfig>();
        check::<RetryPolicy>();
    }

    #[test]
    fn success_decodes_the_value() {
        let mut server = mockito::Server::new();
        let mock = mock_xml(&mut server, 200, &success("<int>42</int>"));
        let value = transport_for(&server)
            .call("hosting.vm.count", vec![])
            .expect("call succeeds");
        assert_eq!(value, Value::Int(42));
        mock.assert();
    }

    #[test]
    fn request_carries_the_method_the_key_first_and_the_params() {
        let mut server = mockito::Server::new();
        let seen = Arc::new(Mutex::new(None::<Vec<u8>>));
        let sink = Arc::clone(&seen);
        let mock = server
            .mock("POST", "/xmlrpc/")
            .match_header("content-type", "text/xml")
            .match_header("accept", "text/xml")
            .match_header("accept-encoding", "identity")
            .match_header(
                "user-agent",
                mockito::Matcher::Regex("^gandi-hosting/".into()),
            )
            .match_request(move |req| {
                if let Ok(body) = req.body() {
                    *sink.lock().expect("lock") = Some(body.clone());
                }
                true
            })
            .with_header("content-type", "text/xml; charset=utf-8")
            .with_body(success("<boolean>1</boolean>"))
            .create();

        let transport = transport_for(&server);
        let value = transport
            .call(
                "hosting.vm.info",
                vec![Value::Int(7), Value::String("a & b".into())],
            )
            .expect("call succeeds");
        assert_eq!(value, Value::Bool(true));
        mock.assert();

        let body = seen.lock().expect("lock").take().expect("request captured");
        let call = decode_call(&body).expect("the request decodes");
        assert_eq!(call.method, "hosting.vm.info");
        assert_eq!(
            call.params,
            vec![
                Value::String(KEY.into()),
                Value::Int(7),
                Value::String("a & b".into())
            ]
        );
    }

    #[test]
    fn a_fault_becomes_an_api_fault_with_its_parts() {
        let mut server = mockito::Server::new();
        let mock = mock_xml(
            &mut server,
            200,
            &fault(
                581042,
                "Error on object : OBJECT_VM (CAUSE_NOTFOUND) [no such vm (id: 9)]",
            ),
        );
        let err = transport_for(&server)
            .call("hosting.vm.info", vec![Value::Int(9)])
            .expect_err("a fault");
        let fault = err.fault().expect("Error::Fault");
        assert_eq!(fault.method, "hosting.vm.info");
        assert_eq!(fault.code, 581042);
        assert_eq!(fault.object.as_deref(), Some("OBJECT_VM"));
        assert_eq!(fault.cause.as_deref(), Some("CAUSE_NOTFOUND"));
        assert_eq!(fault.message, "no such vm (id: 9)");
        assert!(err.is_not_found());
        // A fault is an answer, not a transient failure: one request only.
        mock.assert();
    }

    #[test]
    fn a_fault_quoting_the_key_does_not_leak_it() {
        let mut server = mockito::Server::new();
        let _mock = mock_xml(
            &mut server,
            200,
            &fault(
                505_023,
                &format!(
                    "Error on object : OBJECT_STRING (CAUSE_BADPARAMETER) \
                     [string '{KEY}' does not match '^[a-z0-9]{{24}}$']"
                ),
            ),
        );
        let err = transport_for(&server)
            .call("hosting.vm.list", vec![])
            .expect_err("a fault");
        assert!(!format!("{err} {err:?}").contains(KEY));
        assert!(err.to_string().contains("<redacted>"));
        assert!(err.is_invalid_api_key());
    }

    #[test]
    fn http_500_with_html_gives_the_status_and_an_excerpt() {
        let mut server = mockito::Server::new();
        let html = format!(
            "<html>\n<head><title>500 Internal Server Error</title></head>\n<body>{}</body></html>",
            "x".repeat(500)
        );
        let _mock = server
            .mock("POST", "/xmlrpc/")
            .with_status(500)
            .with_header("content-type", "text/html")
            .with_body(&html)
            .create();
        let err = transport_for(&server)
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect_err("HTTP 500");
        match &err {
            Error::Http { status, excerpt } => {
                assert_eq!(*status, 500);
                assert!(excerpt.starts_with("<html> <head><title>500 Internal Server Error"));
                assert_eq!(excerpt.chars().count(), EXCERPT_CHARS);
                assert!(!excerpt.chars().any(char::is_control));
            }
            other => panic!("expected Error::Http, got {other:?}"),
        }
        assert!(!err.is_retryable());
    }

    #[test]
    fn http_501_with_an_empty_body() {
        let mut server = mockito::Server::new();
        // No mock at all: mockito answers 501 with an empty body.
        let err = transport_for(&server)
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect_err("HTTP 501");
        match &err {
            Error::Http { status, excerpt } => {
                assert_eq!(*status, 501);
                assert_eq!(excerpt, "");
            }
            other => panic!("expected Error::Http, got {other:?}"),
        }
        assert!(err.to_string().contains("no mock matched"));
        let _ = &mut server;
    }

    #[test]
    fn a_truncated_body_is_a_decode_error() {
        let mut server = mockito::Server::new();
        let whole = success("<struct>\n<member>\n<name>id</name>\n<value><int>1</int></value>");
        let _mock = mock_xml(&mut server, 200, &whole[..whole.len() / 2]);
        let err = transport_for(&server)
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect_err("truncated");
        match &err {
            Error::Decode { method, error } => {
                assert_eq!(method, "hosting.vm.info");
                assert!(!error.reason.contains("content type"), "{error}");
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }

    #[test]
    fn an_html_answer_with_status_200_names_its_content_type() {
        let mut server = mockito::Server::new();
        let _mock = server
            .mock("POST", "/xmlrpc/")
            .with_status(200)
            .with_header("content-type", "text/html; charset=utf-8")
            .with_body("<!DOCTYPE html>\n<html><body><p>Maintenance</p></body></html>")
            .create();
        let err = transport_for(&server)
            .call("hosting.vm.list", vec![])
            .expect_err("not XML-RPC");
        match &err {
            Error::Decode { error, .. } => {
                assert!(error.reason.contains("text/html; charset=utf-8"), "{error}")
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }

    #[test]
    fn a_read_is_retried_after_503() {
        let mut server = mockito::Server::new();
        let unavailable = mock_xml(&mut server, 503, "busy").expect(1);
        let ok = mock_xml(&mut server, 200, &success("<string>3.3.42</string>")).expect(1);
        let value = transport_for(&server)
            .call("version.info", vec![])
            .expect("second attempt succeeds");
        assert_eq!(value, Value::String("3.3.42".into()));
        unavailable.assert();
        ok.assert();
    }

    #[test]
    fn a_mutation_is_not_retried_after_503() {
        let mut server = mockito::Server::new();
        let unavailable = mock_xml(&mut server, 503, "busy").expect(1);
        let ok = mock_xml(&mut server, 200, &success("<int>1</int>")).expect(0);
        let err = transport_for(&server)
            .call("hosting.vm.create", vec![])
            .expect_err("503");
        assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
        unavailable.assert();
        ok.assert();
    }

    #[test]
    fn retries_stop_at_max_retries() {
        let mut server = mockito::Server::new();
        let unavailable = mock_xml(&mut server, 502, "bad gateway").expect(3);
        let mut config = config(&format!("{}/xmlrpc/", server.url()));
        config.retry = config.retry.max_retries(2);
        let err = Transport::new(config)
            .expect("transport")
            .call("hosting.disk.list", vec![])
            .expect_err("502 every time");
        assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
        unavailable.assert();
    }

    #[test]
    fn other_statuses_and_faults_are_not_retried() {
        let mut server = mockito::Server::new();
        let forbidden = mock_xml(&mut server, 403, "no").expect(1);
        let err = transport_for(&server)
            .call("hosting.vm.list", vec![])
            .expect_err("403");
        assert!(matches!(err, Error::Http { status: 403, .. }), "{err:?}");
        forbidden.assert();
    }

    /// Reads one HTTP request (headers plus the XML-RPC body) from `stream`.
    fn read_request(stream: &mut std::net::TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(13).any(|w| w == b"</methodCall>") {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    #[test]
    fn a_read_is_retried_after_a_dropped_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            // First connection: take the request, then hang up without answering.
            let (mut first, _) = listener.accept().expect("accept 1");
            read_request(&mut first);
            drop(first);
            // Second connection: answer properly.
            let (mut second, _) = listener.accept().expect("accept 2");
            read_request(&mut second);
            let body = success("<int>5</int>");
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
            second.write_all(reply.as_bytes()).expect("write");
        });
        let transport =
            Transport::new(config(&format!("http://127.0.0.1:{port}/xmlrpc/"))).expect("transport");
        let value = transport
            .call("hosting.ip.count", vec![])
            .expect("the retry succeeds");
        assert_eq!(value, Value::Int(5));
        server.join().expect("server thread");
    }

    #[test]
    fn a_mutation_is_not_retried_after_a_dropped_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut first, _) = listener.accept().expect("accept");
            read_request(&mut first);
            drop(first);
            listener
        });
        let err = Transport::new(config(&format!("http://127.0.0.1:{port}/xmlrpc/")))
            .expect("transport")
            .call("hosting.vm.create", vec![])
            .expect_err("dropped");
        match &err {
            Error::Transport { kind, message } => {
                assert_eq!(*kind, TransportErrorKind::Io, "{message}");
                assert!(message.contains("dropped"), "{message}");
            }
            other => panic!("expected Error::Transport, got {other:?}"),
        }
        // Had the call been repeated, a second connection would wait in the backlog.
        let listener = server.join().expect("server thread");
        listener.set_nonblocking(true).expect("nonblocking");
        let second = listener.accept();
        assert!(
            matches!(&second, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "the create was sent twice: {second:?}"
        );
    }

    #[test]
    fn a_plaintext_server_behind_https_is_a_tls_error() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        });
        let err = Transport::new(config(&format!("https://127.0.0.1:{port}/xmlrpc/")))
            .expect("transport")
            .call("hosting.vm.create", vec![])
            .expect_err("no TLS");
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportErrorKind::Tls,
                    ..
                }
            ),
            "{err:?}"
        );
        server.join().expect("server thread");
    }

    #[test]
    fn a_refused_connection_is_a_connect_error() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let mut config = config(&format!("http://127.0.0.1:{port}/xmlrpc/"));
        config.retry = config.retry.max_retries(1);
        let err = Transport::new(config)
            .expect("transport")
            .call("hosting.vm.list", vec![])
            .expect_err("nothing listens");
        match &err {
            Error::Transport { kind, message } => {
                assert_eq!(*kind, TransportErrorKind::Connect, "{message}");
                assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
            }
            other => panic!("expected Error::Transport, got {other:?}"),
        }
    }

    #[test]
    fn spaced_requests_take_turns() {
        let t0 = Instant::now();
        let gap = Duration::from_millis(100);
        // Idle for long: go at once.
        let (wait, next) = turn(t0, t0 + Duration::from_secs(5), gap);
        assert_eq!(wait, Duration::ZERO);
        assert_eq!(next, t0 + Duration::from_secs(5) + gap);
        // Three requests at the same instant go at 0, 100 and 200 ms.
        let (w1, n1) = turn(t0, t0, gap);
        let (w2, n2) = turn(n1, t0, gap);
        let (w3, _) = turn(n2, t0, gap);
        assert_eq!([w1, w2, w3], [Duration::ZERO, gap, gap * 2]);
    }

    #[test]
    fn a_trickling_answer_is_cut_off_at_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            read_request(&mut stream);
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            // A byte every 20 ms: each read is quick, the whole answer never is.
            for _ in 0..100 {
                if stream.write_all(b" ").is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let mut config = config(&format!("http://127.0.0.1:{port}/xmlrpc/"));
        config.timeout = Duration::from_millis(150);
        let started = Instant::now();
        let err = Transport::new(config)
            .expect("transport")
            .call("hosting.vm.create", vec![])
            .expect_err("never complete");
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportErrorKind::Timeout,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        drop(server);
    }

    #[test]
    fn a_silent_server_is_a_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            read_request(&mut stream);
            // Say nothing; this read ends when the client gives up and hangs up.
            let _ = stream.read(&mut [0u8; 1]);
        });
        let mut config = config(&format!("http://127.0.0.1:{port}/xmlrpc/"));
        config.timeout = Duration::from_millis(200);
        let err = Transport::new(config)
            .expect("transport")
            .call("hosting.vm.create", vec![])
            .expect_err("no answer");
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportErrorKind::Timeout,
                    ..
                }
            ),
            "{err:?}"
        );
        server.join().expect("server thread");
    }

    #[test]
    fn a_body_over_the_cap_is_body_too_large() {
        let mut server = mockito::Server::new();
        let big = success(&format!("<string>{}</string>", "y".repeat(5000)));
        let _mock = mock_xml(&mut server, 200, &big);
        let mut config = config(&format!("{}/xmlrpc/", server.url()));
        config.max_response_bytes = 1000;
        let err = Transport::new(config)
            .expect("transport")
            .call("hosting.vm.list", vec![])
            .expect_err("too large");
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportErrorKind::BodyTooLarge,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn an_unencodable_param_is_an_encode_error_and_nothing_is_sent() {
        let mut server = mockito::Server::new();
        let mock = mock_xml(&mut server, 200, &success("<int>1</int>")).expect(0);
        let err = transport_for(&server)
            .call("hosting.vm.update", vec![Value::Double(f64::NAN)])
            .expect_err("NaN cannot be encoded");
        assert!(matches!(err, Error::Encode { .. }), "{err:?}");
        mock.assert();
    }

    // --- Redaction ---------------------------------------------------------------------------

    /// Collects the log records emitted on the current thread, so parallel tests don't mix.
    struct Capture;

    thread_local! {
        static CAPTURED: RefCell<Vec<(Level, String)>> = const { RefCell::new(Vec::new()) };
    }

    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata<'_>) -> bool {
            true
        }

        fn log(&self, record: &log::Record<'_>) {
            let line = record.args().to_string();
            CAPTURED.with(|c| c.borrow_mut().push((record.level(), line)));
        }

        fn flush(&self) {}
    }

    static CAPTURE: Capture = Capture;

    #[test]
    fn the_key_never_appears_in_logs_errors_or_debug() {
        let _ = log::set_logger(&CAPTURE);
        log::set_max_level(log::LevelFilter::Trace);
        assert!(
            std::ptr::addr_eq(log::logger(), &CAPTURE),
            "another test installed a global logger"
        );
        CAPTURED.with(|c| c.borrow_mut().clear());

        let mut server = mockito::Server::new();
        let transport = transport_for(&server);
        let ok = mock_xml(&mut server, 200, &success("<int>1</int>")).expect(1);
        transport
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect("success");
        ok.assert();
        ok.remove();

        let faulty = mock_xml(
            &mut server,
            200,
            &fault(510150, &format!("Invalid API key {KEY}")),
        );
        let fault_err = transport
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect_err("fault");
        faulty.remove();

        let _html = server
            .mock("POST", "/xmlrpc/")
            .with_status(500)
            .with_body(format!("<html>request was {KEY}</html>"))
            .create();
        let http_err = transport
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect_err("500");
        assert!(matches!(http_err, Error::Http { status: 500, .. }));

        for err in [&fault_err, &http_err] {
            let shown = format!("{err} / {err:?}");
            assert!(!shown.contains(KEY), "{shown}");
        }
        let debug = format!("{transport:?} {:?}", transport.config);
        assert!(!debug.contains(KEY), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");

        let records = CAPTURED.with(|c| c.borrow().clone());
        assert!(!records.is_empty());
        for (level, line) in &records {
            assert!(!line.contains(KEY), "{level}: {line}");
        }
        assert!(
            records
                .iter()
                .any(|(level, line)| *level == Level::Trace && line.contains("<redacted>")),
            "{records:?}"
        );
        assert!(
            records
                .iter()
                .any(|(level, line)| *level == Level::Debug
                    && line.starts_with("hosting.vm.info took ")),
            "{records:?}"
        );
        // Params are only ever logged at trace.
        for (level, line) in &records {
            if *level <= Level::Debug {
                assert!(!line.contains("<methodCall>"), "{level}: {line}");
            }
        }
    }

    #[test]
    fn redact_replaces_raw_and_escaped_forms() {
        assert_eq!(redact(b"a KEY b KEY", "KEY"), "a <redacted> b <redacted>");
        assert_eq!(
            redact(b"<string>k&amp;y</string>", "k&y"),
            "<string><redacted></string>"
        );
        assert_eq!(redact(b"nothing here", "KEY"), "nothing here");
        assert_eq!(redact(b"ab", "abc"), "ab");
        assert_eq!(redact(b"\xffKEY", "KEY"), "\u{fffd}<redacted>");
    }

    #[test]
    fn an_excerpt_never_keeps_part_of_a_key_at_the_cut() {
        let mut body = "z".repeat(EXCERPT_CHARS - 5);
        body.push_str(KEY);
        let cut = excerpt(body.as_bytes(), KEY);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS);
        assert!(cut.ends_with("<reda"), "{cut}");
        assert!(!cut.contains(&KEY[..5]), "{cut}");
    }

    // --- Policy --------------------------------------------------------------------------------

    #[test]
    fn only_reads_are_idempotent() {
        for read in [
            "hosting.vm.info",
            "hosting.vm.list",
            "hosting.disk.count",
            "operation.info",
            "hosting.disk.list_kernels",
            "hosting.disk.list_options",
            "hosting.vm.can_migrate",
            "version.info",
        ] {
            assert!(is_idempotent(read), "{read}");
        }
        for change in [
            "hosting.vm.create",
            "hosting.vm.create_from",
            "hosting.vm.update",
            "hosting.vm.delete",
            "hosting.vm.disk_attach",
            "hosting.iface.attach",
            "operation.cancel",
            "hosting.vm.information",
            "something.unknown",
            "",
        ] {
            assert!(!is_idempotent(change), "{change}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_a_little_jitter() {
        let policy = RetryPolicy::default();
        let close = |retry: u32, expected_ms: u64| {
            let wait = policy.backoff(retry);
            let base = Duration::from_millis(expected_ms);
            assert!(
                wait >= base && wait <= base + base / 10,
                "{retry}: {wait:?}"
            );
        };
        close(0, 200);
        close(1, 400);
        close(2, 800);
        close(5, 5000);
        close(40, 5000);
        let huge = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX);
        assert_eq!(huge.backoff(3), Duration::MAX);
        let zero = RetryPolicy::default().initial_backoff(Duration::ZERO);
        assert_eq!(zero.backoff(3), Duration::ZERO);
        assert_eq!(RetryPolicy::none().max_retries, 0);
        assert_eq!(
            RetryPolicy::default(),
            RetryPolicy::none().max_retries(3),
            "none differs from the default only by its retry count"
        );
    }

    #[test]
    fn defaults_are_as_documented() {
        let c = TransportConfig::new(PRODUCTION_ENDPOINT, key());
        assert_eq!(c.timeout, Duration::from_secs(60));
        assert_eq!(c.connect_timeout, Duration::from_secs(10));
        assert_eq!(c.max_response_bytes, 64 * 1024 * 1024);
        assert!(c.user_agent.starts_with("gandi-hosting/"));
        assert_eq!(c.retry, RetryPolicy::default());
        assert!(c.recorder.is_none());
        let t = Transport::new(c).expect("production endpoint is allowed");
        assert_eq!(t.endpoint(), PRODUCTION_ENDPOINT);
    }

    #[test]
    fn endpoint_policy() {
        for ok in [
            "https://rpc.gandi.net/xmlrpc/",
            "HTTPS://rpc.gandi.net:443/xmlrpc/",
            "https://203.0.113.9/xmlrpc/",
            "http://127.0.0.1:8080/xmlrpc/",
            "http://127.1.2.3/xmlrpc/",
            "http://[::1]:8080/xmlrpc/",
            "http://[::1]/xmlrpc/",
            "http://localhost/xmlrpc/",
            "http://LOCALHOST:9000",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}: {:?}", check_endpoint(ok));
        }
        assert_eq!(
            check_endpoint("http://[::1]:1/").expect("ok"),
            Endpoint {
                https: false,
                loopback: true
            }
        );
        assert_eq!(
            check_endpoint(PRODUCTION_ENDPOINT).expect("ok"),
            Endpoint {
                https: true,
                loopback: false
            }
        );

        for bad in [
            "http://example.com/xmlrpc/",
            "http://rpc.gandi.net/xmlrpc/",
            "http://128.0.0.1/",
            "http://[2001:db8::1]/",
            "http://127.0.0.1@example.com/",
            "http://localhost.example.com/",
            "ftp://rpc.gandi.net/xmlrpc/",
            "rpc.gandi.net/xmlrpc/",
            "garbage",
            "",
            "https://",
            "https:///xmlrpc/",
            "https://rpc.gandi.net:http/",
            "https://rpc.gandi.net:99999/",
            "https://[::1/",
            "https://[not-ip]/",
            "https://rpc gandi.net/",
            " https://rpc.gandi.net/xmlrpc/",
        ] {
            match Transport::new(TransportConfig::new(bad, key())) {
                Err(Error::Config(msg)) => {
                    assert!(msg.contains(&format!("`{bad}`")), "{msg}");
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    // --- Recorder ------------------------------------------------------------------------------

    #[test]
    fn the_recorder_writes_scrubbed_pairs_for_answers_and_faults_only() {
        let dir = std::env::temp_dir().join(format!(
            "gandi-hosting-transport-recorder-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let mut server = mockito::Server::new();
        let mut config = config(&format!("{}/xmlrpc/", server.url()));
        config.recorder = Some(RecorderConfig::new(&dir));
        let transport = Transport::new(config).expect("transport");

        let ok = mock_xml(
            &mut server,
            200,
            &success(&format!("<string>echo {KEY}</string>")),
        )
        .expect(2);
        for _ in 0..2 {
            transport
                .call("hosting.vm.info", vec![Value::Int(1)])
                .expect("success");
        }
        ok.assert();
        ok.remove();
        let faulty = mock_xml(&mut server, 200, &fault(510150, "Invalid API key"));
        transport
            .call("hosting.vm.info", vec![Value::Int(1)])
            .expect_err("fault");
        faulty.remove();
        let _down = mock_xml(&mut server, 503, "down");
        transport
            .call("hosting.vm.create", vec![])
            .expect_err("503");

        let method_dir = dir.join("hosting.vm.info");
        let read = |name: &str| std::fs::read(method_dir.join(name)).expect(name);
        for n in 1..=3 {
            let response = read(&format!("recorded-{n}.xml"));
            let request = read(&format!("recorded-{n}.request.xml"));
            let text = String::from_utf8_lossy(&response);
            assert!(!text.contains(KEY), "{text}");
            let call = decode_call(&request).expect("the recorded request decodes");
            assert_eq!(call.method, "hosting.vm.info");
            assert_eq!(
                call.params,
                vec![Value::String("<redacted>".into()), Value::Int(1)]
            );
        }
        assert!(String::from_utf8_lossy(&read("recorded-1.xml")).contains("echo &lt;redacted&gt;"));
        assert!(String::from_utf8_lossy(&read("recorded-3.xml")).contains("510150"));
        assert!(!method_dir.join("recorded-4.xml").exists());
        assert!(
            !dir.join("hosting.vm.create").exists(),
            "HTTP errors are not recorded"
        );

        let _ = std::fs::remove_dir_all(&dir);
    }
}
