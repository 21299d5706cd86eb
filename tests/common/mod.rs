//! Helpers shared by the offline tests of the v4 client: a client pointed at a mockito server,
//! fixture loading, mocks that check the exact XML-RPC method and parameters of a call, and
//! small builders for response bodies the fixtures do not have.
//!
//! Every mock decodes the request with the crate's own codec, so a test also checks the encoder,
//! and struct parameters compare without regard to member order.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]
// The helpers are `pub` for the test files that include this module, not for another crate.
#![allow(unreachable_pub)]

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use gandi_hosting::RetryPolicy;
use gandi_hosting::error::Error;
use gandi_hosting::v4::{Client, WaitOptions};
use gandi_hosting::xmlrpc::{self, Response, Struct, Value};
use mockito::{Matcher, Mock, Server};
use time::PrimitiveDateTime;

/// A made-up v4 key: 24 letters and digits, like a real one.
pub const TEST_KEY: &str = "Fake0Test1Key2For3Mocks4";

/// A well-formed OpenSSH ed25519 public key line (the key bytes are 1..=32).
pub const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g alex@laptop";

/// The path Gandi's endpoint has (with its trailing slash).
pub const PATH: &str = "/xmlrpc/";

/// Methods answered by [`expect_call`] mocks, per server URL, in the order they were served.
static JOURNALS: LazyLock<Mutex<HashMap<String, Vec<String>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn record(url: &str, entry: String) {
    let mut journals = JOURNALS.lock().unwrap_or_else(|e| e.into_inner());
    journals.entry(url.to_owned()).or_default().push(entry);
}

/// The calls `server` answered through [`expect_call`] mocks since [`client`] was built for it,
/// as `method` or `method <first id>` (e.g. `operation.info 5004203`).
pub fn calls(server: &Server) -> Vec<String> {
    let journals = JOURNALS.lock().unwrap_or_else(|e| e.into_inner());
    journals.get(&server.url()).cloned().unwrap_or_default()
}

/// A client for `server` that never sleeps while waiting and never retries.
pub fn client(server: &Server) -> Client {
    client_with(server, WaitOptions::immediate(), RetryPolicy::none())
}

/// A client for `server` with explicit wait and retry settings.
pub fn client_with(server: &Server, wait: WaitOptions, retry: RetryPolicy) -> Client {
    JOURNALS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(server.url(), Vec::new());
    Client::builder()
        .api_key(TEST_KEY)
        .endpoint(format!("{}{PATH}", server.url()))
        .wait(wait)
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client for the mock server")
}

/// Retries of reads without any pause between attempts.
pub fn quick_retries(n: u32) -> RetryPolicy {
    RetryPolicy::none()
        .max_retries(n)
        .initial_backoff(Duration::ZERO)
        .max_backoff(Duration::ZERO)
}

/// The body of `fixtures/v4/<method>/<case>.xml`.
pub fn fixture(method: &str, case: &str) -> String {
    let path = format!(
        "{}/fixtures/v4/{method}/{case}.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// A fixture decoded into its value (it must not be a fault).
pub fn fixture_value(method: &str, case: &str) -> Value {
    match xmlrpc::decode_response(fixture(method, case).as_bytes()) {
        Ok(Response::Success(v)) => v,
        other => panic!("fixture {method}/{case} is not a success response: {other:?}"),
    }
}

/// A fixture whose top-level struct gets the given members replaced (or added), re-encoded.
/// For objects the fixtures do not have, such as the same disk after it grew.
pub fn fixture_with(method: &str, case: &str, changes: &[(&str, Value)]) -> String {
    let Value::Struct(mut s) = fixture_value(method, case) else {
        panic!("fixture {method}/{case} is not a struct");
    };
    for (name, value) in changes {
        s.insert(*name, value.clone());
    }
    body(Value::Struct(s))
}

/// A success response carrying `value`.
pub fn body(value: impl Into<Value>) -> String {
    let bytes = xmlrpc::encode_response(&value.into()).expect("encodable test value");
    String::from_utf8(bytes).expect("the encoder writes UTF-8")
}

/// A fault response.
pub fn fault_body(code: i64, message: &str) -> String {
    String::from_utf8(xmlrpc::encode_fault(&xmlrpc::Fault::new(code, message)))
        .expect("the encoder writes UTF-8")
}

/// An integer parameter (IDs, sizes).
pub fn int(v: i64) -> Value {
    Value::Int(v)
}

/// A struct parameter from `(name, value)` pairs.
pub fn st(members: &[(&str, Value)]) -> Value {
    let mut s = Struct::new();
    for (name, value) in members {
        s.insert(*name, value.clone());
    }
    Value::Struct(s)
}

/// A naive date-time, for comparing decoded dates.
pub fn dt(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> PrimitiveDateTime {
    let date = time::Date::from_calendar_date(year, month.try_into().expect("month"), day)
        .expect("valid date");
    let t = time::Time::from_hms(hour, minute, second).expect("valid time");
    PrimitiveDateTime::new(date, t)
}

fn journal_entry(method: &str, params: &[Value]) -> String {
    match params.first() {
        Some(Value::Int(id)) => format!("{method} {id}"),
        _ => method.to_owned(),
    }
}

/// Whether `request` is a call of `method` with the API key followed by exactly `params`.
fn is_call(request: &mockito::Request, method: &str, params: &[Value]) -> bool {
    let Ok(bytes) = request.body() else {
        return false;
    };
    let Ok(call) = xmlrpc::decode_call(bytes) else {
        return false;
    };
    if call.method != method {
        return false;
    }
    let key_ok = call.params.first() == Some(&Value::String(TEST_KEY.to_owned()));
    let same = key_ok && call.params.get(1..) == Some(params);
    if !same {
        // Shown only when the test fails (with a 501 "no mock matched?").
        eprintln!(
            "mock {method}: parameters differ\n  sent:     {:?}\n  expected: [key, {:?}]",
            call.params, params
        );
    }
    same
}

/// A mock answering one call of `method` with exactly `params` (after the key) with `body`.
/// It expects one hit (see [`expect_calls`] for another count); `assert()` checks it.
pub fn expect_call(
    server: &mut Server,
    method: &str,
    params: Vec<Value>,
    body: impl Into<String>,
) -> Mock {
    expect_calls(server, method, params, body, 1)
}

/// [`expect_call`] expecting `hits` calls.
pub fn expect_calls(
    server: &mut Server,
    method: &str,
    params: Vec<Value>,
    body: impl Into<String>,
    hits: usize,
) -> Mock {
    call_mock(server, method, params, 200, body.into())
        .expect(hits)
        .create()
}

/// [`expect_call`] expecting at least `hits` calls (for polls whose count depends on timing).
pub fn expect_calls_at_least(
    server: &mut Server,
    method: &str,
    params: Vec<Value>,
    body: impl Into<String>,
    hits: usize,
) -> Mock {
    call_mock(server, method, params, 200, body.into())
        .expect_at_least(hits)
        .create()
}

/// A mock answering one call of `method` with exactly `params` with HTTP `status` and `body`
/// (for example a 503 from a proxy in front of the API).
pub fn expect_status(
    server: &mut Server,
    method: &str,
    params: Vec<Value>,
    status: usize,
    body: &str,
) -> Mock {
    call_mock(server, method, params, status, body.to_owned())
        .expect(1)
        .create()
}

/// The mock behind the `expect_*` helpers, not yet created.
fn call_mock(
    server: &mut Server,
    method: &str,
    params: Vec<Value>,
    status: usize,
    body: String,
) -> Mock {
    let url = server.url();
    let body = body.into_bytes();
    let wanted = method.to_owned();
    let mut entry = journal_entry(method, &params);
    if status != 200 {
        entry.push_str(&format!(" -> HTTP {status}"));
    }
    let expected = params;
    let content_type = if status == 200 {
        "text/xml"
    } else {
        "text/html"
    };
    server
        .mock("POST", PATH)
        .match_request(move |r| is_call(r, &wanted, &expected))
        .with_status(status)
        .with_header("content-type", content_type)
        .with_body_from_request(move |_| {
            record(&url, entry.clone());
            body.clone()
        })
}

/// `operation.info` of `op` answered with each body in turn (one hit each): a polling sequence.
pub fn op_sequence(server: &mut Server, op: i64, bodies: &[String]) -> Vec<Mock> {
    bodies
        .iter()
        .map(|b| expect_call(server, "operation.info", vec![int(op)], b.clone()))
        .collect()
}

/// A mock that answers any call, expecting none: `assert()` it to prove no request was made.
/// Create it first so that it only answers what no other mock matches.
pub fn no_calls(server: &mut Server) -> Mock {
    let url = server.url();
    server
        .mock("POST", Matcher::Any)
        .with_status(200)
        .with_header("content-type", "text/xml")
        .with_body_from_request(move |r| {
            let method = r
                .body()
                .ok()
                .and_then(|b| xmlrpc::decode_call(b).ok())
                .map_or_else(|| "?".to_owned(), |c| c.method);
            record(&url, format!("UNEXPECTED {method}"));
            fault_body(1, "unexpected call in a test").into_bytes()
        })
        .expect(0)
        .create()
}

/// A mock for any call of `method`, whatever its parameters, expecting none.
pub fn never(server: &mut Server, method: &str) -> Mock {
    let url = server.url();
    let wanted = method.to_owned();
    server
        .mock("POST", PATH)
        .match_request(move |r| {
            r.body()
                .ok()
                .and_then(|b| xmlrpc::decode_call(b).ok())
                .is_some_and(|c| c.method == wanted)
        })
        .with_header("content-type", "text/xml")
        .with_body_from_request(move |_| {
            record(&url, "UNEXPECTED call".to_owned());
            fault_body(1, "this method must not be called").into_bytes()
        })
        .expect(0)
        .create()
}

/// Builds an operation struct, as in a create answer or `operation.info`.
#[derive(Debug, Clone)]
pub struct Op {
    s: Struct,
}

/// An operation `id` of type `kind` at `step`, with every object ID nil.
pub fn op(id: i64, kind: &str, step: &str) -> Op {
    let s = Struct::new()
        .with("id", id)
        .with("type", kind)
        .with("step", step)
        .with("source", "AB1234-GANDI")
        .with("vm_id", Value::Nil)
        .with("disk_id", Value::Nil)
        .with("iface_id", Value::Nil)
        .with("ip_id", Value::Nil)
        .with("date_created", dt(2021, 3, 15, 9, 12, 4))
        .with("date_updated", dt(2021, 3, 15, 9, 12, 5))
        .with("date_start", Value::Nil);
    Op { s }
}

impl Op {
    /// Sets `vm_id`.
    pub fn vm(mut self, id: i64) -> Self {
        self.s.insert("vm_id", id);
        self
    }

    /// Sets `disk_id`.
    pub fn disk(mut self, id: i64) -> Self {
        self.s.insert("disk_id", id);
        self
    }

    /// Sets `iface_id`.
    pub fn iface(mut self, id: i64) -> Self {
        self.s.insert("iface_id", id);
        self
    }

    /// Sets `ip_id`.
    pub fn ip(mut self, id: i64) -> Self {
        self.s.insert("ip_id", id);
        self
    }

    /// Sets `eta` (seconds).
    pub fn eta(mut self, secs: i64) -> Self {
        self.s.insert("eta", secs);
        self
    }

    /// Sets `last_error`.
    pub fn last_error(mut self, text: &str) -> Self {
        self.s.insert("last_error", text);
        self
    }

    /// The operation as a value (to put several in an array).
    pub fn value(self) -> Value {
        Value::Struct(self.s)
    }

    /// A response body carrying the operation.
    pub fn body(self) -> String {
        body(self.value())
    }
}

/// A response body carrying an array of operations.
pub fn ops_body(ops: Vec<Op>) -> String {
    body(Value::Array(ops.into_iter().map(Op::value).collect()))
}

/// The field an `InvalidInput` error names; panics on any other result.
pub fn invalid_field<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}
