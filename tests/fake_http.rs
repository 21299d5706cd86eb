//! The simulator over real HTTP: framing, faults, pagination, concurrency, pace, injections.
//!
//! Requests are written by hand on `std::net::TcpStream` (so the tests control every byte and
//! header) or sent with `ureq` (a real pooled client); bodies are encoded and decoded with the
//! crate's own codec.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use gandi_hosting::fake::{FailStep, FakeGandi, Inject, Pace, REDACTED};
use gandi_hosting::xmlrpc::{self, Fault, MethodCall, Response, Struct, Value};

const SSH: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForHttpTests alex@laptop";

/// One raw HTTP exchange on a fresh connection.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    fn response(&self) -> Response {
        xmlrpc::decode_response(&self.body).expect("a well-formed XML-RPC response")
    }

    fn value(&self) -> Value {
        match self.response() {
            Response::Success(v) => v,
            Response::Fault(f) => panic!("fault: {f}"),
        }
    }

    fn fault(&self) -> Fault {
        match self.response() {
            Response::Fault(f) => f,
            Response::Success(v) => panic!("no fault: {v:?}"),
        }
    }
}

/// Reads one HTTP response from `stream` (Content-Length framed).
fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("read head");
        assert!(n == 1, "connection closed inside the head");
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut answer = Answer {
        status,
        head,
        body: Vec::new(),
    };
    let length: usize = answer.header("content-length").unwrap().parse().unwrap();
    answer.body = vec![0; length];
    stream.read_exact(&mut answer.body).expect("read body");
    answer
}

fn request(path: &str, method: &str, body: &[u8], extra: &str) -> Vec<u8> {
    let mut out = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn connect(fake: &FakeGandi) -> TcpStream {
    let stream = TcpStream::connect(fake.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

fn exchange(fake: &FakeGandi, path: &str, method: &str, body: &[u8]) -> Answer {
    let mut stream = connect(fake);
    stream
        .write_all(&request(path, method, body, "Connection: close\r\n"))
        .unwrap();
    read_answer(&mut stream)
}

fn call_body(method: &str, params: Vec<Value>) -> Vec<u8> {
    xmlrpc::encode_call(&MethodCall::new(method, params)).unwrap()
}

/// Calls `method` with the fake's key over a fresh connection.
fn call(fake: &FakeGandi, method: &str, mut params: Vec<Value>) -> Answer {
    params.insert(0, fake.api_key().into());
    exchange(fake, "/xmlrpc/", "POST", &call_body(method, params))
}

fn ok(fake: &FakeGandi, method: &str, params: Vec<Value>) -> Value {
    let answer = call(fake, method, params);
    assert_eq!(answer.status, 200);
    answer.value()
}

fn new_disk(fake: &FakeGandi) -> Value {
    ok(
        fake,
        "hosting.disk.create",
        vec![
            Struct::new()
                .with("datacenter_id", 6)
                .with("size", 1024)
                .into(),
        ],
    )
}

// --- framing -----------------------------------------------------------------------------

#[test]
fn answers_are_http_200_text_xml_even_for_faults() {
    let fake = FakeGandi::start().unwrap();
    let answer = call(&fake, "version.info", vec![]);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(answer.value().get("api_version"), Some(&"3.3.42".into()));

    let answer = call(&fake, "hosting.vm.info", vec![1.into()]);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.fault().code, 530_242);
}

#[test]
fn url_and_key_have_the_documented_shape() {
    let fake = FakeGandi::start().unwrap();
    assert_eq!(fake.url(), format!("http://{}/xmlrpc/", fake.addr()));
    assert!(fake.url().starts_with("http://127.0.0.1:"));
    assert_eq!(fake.api_key().len(), 24);
    assert!(fake.api_key().bytes().all(|b| b.is_ascii_alphanumeric()));
    let other = FakeGandi::start().unwrap();
    assert_ne!(fake.api_key(), other.api_key());
    assert!(!format!("{fake:?}").contains(fake.api_key()));
    assert!(FakeGandi::builder().api_key("too-short").start().is_err());
}

#[test]
fn other_paths_are_404_and_other_methods_405() {
    let fake = FakeGandi::start().unwrap();
    let body = call_body("version.info", vec![fake.api_key().into()]);
    assert_eq!(exchange(&fake, "/xmlrpc", "POST", &body).status, 404);
    assert_eq!(exchange(&fake, "/", "POST", &body).status, 404);
    let get = exchange(&fake, "/xmlrpc/", "GET", b"");
    assert_eq!(get.status, 405);
    assert_eq!(get.header("allow").as_deref(), Some("POST"));
}

#[test]
fn one_connection_serves_several_requests() {
    let fake = FakeGandi::start().unwrap();
    let mut stream = connect(&fake);
    for _ in 0..3 {
        let body = call_body("version.info", vec![fake.api_key().into()]);
        stream
            .write_all(&request("/xmlrpc/", "POST", &body, ""))
            .unwrap();
        let answer = read_answer(&mut stream);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("connection").as_deref(), Some("keep-alive"));
    }
    // Two requests written at once are answered in order.
    let mut both = request(
        "/xmlrpc/",
        "POST",
        &call_body("hosting.vm.count", vec![fake.api_key().into()]),
        "",
    );
    both.extend(request(
        "/xmlrpc/",
        "POST",
        &call_body("version.info", vec![fake.api_key().into()]),
        "",
    ));
    stream.write_all(&both).unwrap();
    assert_eq!(read_answer(&mut stream).value(), Value::Int(0));
    assert!(
        read_answer(&mut stream)
            .value()
            .get("api_version")
            .is_some()
    );
}

#[test]
fn connection_close_is_honoured() {
    let fake = FakeGandi::start().unwrap();
    let mut stream = connect(&fake);
    let body = call_body("version.info", vec![fake.api_key().into()]);
    stream
        .write_all(&request("/xmlrpc/", "POST", &body, "Connection: close\r\n"))
        .unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(answer.header("connection").as_deref(), Some("close"));
    let mut rest = Vec::new();
    assert_eq!(stream.read_to_end(&mut rest).unwrap(), 0, "server closed");
}

#[test]
fn chunked_request_bodies_are_accepted() {
    let fake = FakeGandi::start().unwrap();
    let body = call_body("version.info", vec![fake.api_key().into()]);
    let (a, b) = body.split_at(body.len() / 2);
    let mut raw = b"POST /xmlrpc/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
                    Connection: close\r\n\r\n"
        .to_vec();
    for part in [a, b] {
        raw.extend(format!("{:x}\r\n", part.len()).bytes());
        raw.extend_from_slice(part);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let mut stream = connect(&fake);
    stream.write_all(&raw).unwrap();
    let answer = read_answer(&mut stream);
    assert!(answer.value().get("api_version").is_some());
}

#[test]
fn ureq_reuses_its_connection_against_the_fake() {
    let fake = FakeGandi::start().unwrap();
    let agent = ureq::Agent::new_with_defaults();
    for n in 0..5 {
        let body = call_body("hosting.vm.count", vec![fake.api_key().into()]);
        let mut response = agent
            .post(&fake.url())
            .header("Content-Type", "text/xml")
            .send(&body[..])
            .unwrap();
        let bytes = response.body_mut().read_to_vec().unwrap();
        let Response::Success(v) = xmlrpc::decode_response(&bytes).unwrap() else {
            panic!("fault on call {n}");
        };
        assert_eq!(v, Value::Int(0));
    }
}

// --- protocol faults ---------------------------------------------------------------------

#[test]
fn malformed_key_is_refused_without_echoing_it() {
    let fake = FakeGandi::start().unwrap();
    let body = call_body("version.info", vec!["my-secret-but-short".into()]);
    let answer = exchange(&fake, "/xmlrpc/", "POST", &body);
    let fault = answer.fault();
    assert_eq!(fault.code, 500_136);
    assert!(fault.message.starts_with(
        "Error on object : OBJECT_STRING (CAUSE_BADPARAMETER) [string '<redacted>' does not match"
    ));
    assert!(!String::from_utf8_lossy(&answer.body).contains("my-secret"));
}

#[test]
fn a_well_formed_unknown_key_is_510150() {
    let fake = FakeGandi::start().unwrap();
    let body = call_body("version.info", vec!["ABCDEFGHIJKLMNOPQRSTUVWX".into()]);
    let fault = exchange(&fake, "/xmlrpc/", "POST", &body).fault();
    assert_eq!(fault.code, 510_150);
    assert_eq!(
        fault.message,
        "Error on object : OBJECT_ACCOUNT (CAUSE_NORIGHT) [Invalid API key]"
    );
}

#[test]
fn an_unknown_method_is_fault_1() {
    let fake = FakeGandi::start().unwrap();
    let fault = call(&fake, "hosting.nope", vec![]).fault();
    assert_eq!(fault.code, 1);
    assert_eq!(fault.message, "Method \"hosting.nope\" is not supported");
}

#[test]
fn a_malformed_body_is_invalid_xmlrpc_input() {
    let fake = FakeGandi::start().unwrap();
    for body in [
        &b"garbage"[..],
        b"<methodCall><methodName>x</methodName>",
        b"",
    ] {
        let fault = exchange(&fake, "/xmlrpc/", "POST", body).fault();
        assert_eq!(fault.code, 1);
        assert!(
            fault.message.starts_with("Invalid XMLRPC input: "),
            "{}",
            fault.message
        );
    }
    let fault = call(&fake, "hosting.disk.info", vec!["".into()]).fault();
    assert_eq!(
        fault.message,
        "Invalid XMLRPC input: invalid literal for int() with base 10: ''"
    );
}

#[test]
fn untyped_values_are_strings_as_the_spec_says() {
    let fake = FakeGandi::start().unwrap();
    let body = format!(
        "<?xml version='1.0'?><methodCall><methodName>hosting.datacenter.list</methodName>\
         <params><param><value>{}</value></param><param><value><struct><member>\
         <name>dc_code</name><value>LU-BI1</value></member></struct></value></param>\
         </params></methodCall>",
        fake.api_key()
    );
    let answer = exchange(&fake, "/xmlrpc/", "POST", body.as_bytes());
    let list = answer.value();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

// --- lists -------------------------------------------------------------------------------

#[test]
fn lists_page_through_everything_over_http() {
    let fake = FakeGandi::start().unwrap();
    for n in 0..230 {
        let spec = Struct::new()
            .with("name", format!("key{n:03}"))
            .with("value", SSH);
        ok(&fake, "hosting.ssh.create", vec![spec.into()]);
    }
    let first = ok(&fake, "hosting.ssh.list", vec![]);
    assert_eq!(first.as_array().unwrap().len(), 100, "default page size");
    let mut names = Vec::new();
    for page in 0.. {
        let opts = Struct::new()
            .with("items_per_page", 100)
            .with("page", page)
            .with("sort_by", "name DESC");
        let items = ok(&fake, "hosting.ssh.list", vec![opts.into()]);
        let items = items.as_array().unwrap();
        if items.is_empty() {
            break;
        }
        names.extend(
            items
                .iter()
                .map(|k| k.get("name").unwrap().as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(names.len(), 230);
    assert_eq!(names[0], "key229");
    assert_eq!(names[229], "key000");
    let opts = Struct::new().with("items_per_page", 5).with("page", 9);
    assert_eq!(
        ok(&fake, "hosting.ssh.count", vec![opts.into()]),
        Value::Int(230)
    );
}

// --- concurrency -------------------------------------------------------------------------

#[test]
fn concurrent_clients_see_one_consistent_account() {
    let fake = Arc::new(FakeGandi::start().unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let fake = Arc::clone(&fake);
            thread::spawn(move || {
                let mut ids = Vec::new();
                for n in 0..15 {
                    let spec = Struct::new()
                        .with("name", format!("t{t}k{n}"))
                        .with("value", SSH);
                    let key = ok(&fake, "hosting.ssh.create", vec![spec.into()]);
                    ids.push(key.get("id").unwrap().as_i64().unwrap());
                    let op = new_disk(&fake);
                    assert_eq!(op.get("type"), Some(&"disk_create".into()));
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<i64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 120, "every id unique");
    assert_eq!(ok(&fake, "hosting.ssh.count", vec![]), Value::Int(120));
    assert_eq!(ok(&fake, "hosting.disk.count", vec![]), Value::Int(120));
    assert_eq!(fake.count_calls("hosting.ssh.create"), 120);
}

// --- pace --------------------------------------------------------------------------------

#[test]
fn polls_pace_shows_being_created_until_done() {
    let fake = FakeGandi::builder().pace(Pace::Polls(3)).start().unwrap();
    let op = new_disk(&fake);
    assert_eq!(op.get("step"), Some(&"BILL".into()));
    let id = op.get("id").unwrap().clone();
    let disk = op.get("disk_id").unwrap().clone();
    let info = ok(&fake, "hosting.disk.info", vec![disk.clone()]);
    assert_eq!(info.get("state"), Some(&"being_created".into()));
    let steps: Vec<Value> = (0..3)
        .map(|_| {
            ok(&fake, "operation.info", vec![id.clone()])
                .get("step")
                .unwrap()
                .clone()
        })
        .collect();
    assert_eq!(steps, ["WAIT".into(), "RUN".into(), "DONE".into()]);
    let info = ok(&fake, "hosting.disk.info", vec![disk]);
    assert_eq!(info.get("state"), Some(&"created".into()));
}

#[test]
fn instant_pace_is_done_at_the_first_poll_over_http() {
    let fake = FakeGandi::start().unwrap();
    let op = new_disk(&fake);
    assert_eq!(op.get("step"), Some(&"WAIT".into()));
    let info = ok(&fake, "operation.info", vec![op.get("id").unwrap().clone()]);
    assert_eq!(info.get("step"), Some(&"DONE".into()));
}

#[test]
fn pace_can_change_while_running() {
    let fake = FakeGandi::builder().pace(Pace::Polls(50)).start().unwrap();
    let op = new_disk(&fake);
    fake.set_pace(Pace::Instant);
    let info = ok(&fake, "operation.info", vec![op.get("id").unwrap().clone()]);
    assert_eq!(info.get("step"), Some(&"DONE".into()));
}

// --- injections --------------------------------------------------------------------------

#[test]
fn injected_fault_answers_the_next_call_without_running_it() {
    let fake = FakeGandi::start().unwrap();
    fake.inject(Inject::fault(
        500_066,
        "Error on object : OBJECT_UNKNOWN (CAUSE_FAILURE) [x]",
    ));
    let answer = call(
        &fake,
        "hosting.disk.create",
        vec![
            Struct::new()
                .with("datacenter_id", 6)
                .with("size", 1024)
                .into(),
        ],
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.fault().code, 500_066);
    assert_eq!(ok(&fake, "hosting.disk.count", vec![]), Value::Int(0));
    assert_eq!(
        fake.count_calls("hosting.disk.create"),
        1,
        "received, not run"
    );
}

#[test]
fn injected_http_status_carries_its_body() {
    let fake = FakeGandi::start().unwrap();
    fake.inject(Inject::http_status(503, "Service Unavailable").on_method("hosting.vm.list"));
    assert_eq!(call(&fake, "version.info", vec![]).status, 200);
    let answer = call(&fake, "hosting.vm.list", vec![]);
    assert_eq!(answer.status, 503);
    assert_eq!(answer.body, b"Service Unavailable");
    assert_eq!(call(&fake, "hosting.vm.list", vec![]).status, 200);
}

#[test]
fn injected_delay_slows_the_answer_down() {
    let fake = FakeGandi::start().unwrap();
    fake.inject(Inject::delay(Duration::from_millis(8)));
    let start = Instant::now();
    let answer = call(&fake, "version.info", vec![]);
    assert!(start.elapsed() >= Duration::from_millis(8));
    assert_eq!(answer.status, 200);
}

#[test]
fn injected_drop_closes_without_answering_and_runs_nothing() {
    let fake = FakeGandi::start().unwrap();
    fake.inject(Inject::drop_connection().on_method("hosting.disk.create"));
    let mut stream = connect(&fake);
    let spec = Struct::new().with("datacenter_id", 6).with("size", 1024);
    let body = call_body(
        "hosting.disk.create",
        vec![fake.api_key().into(), spec.into()],
    );
    stream
        .write_all(&request("/xmlrpc/", "POST", &body, ""))
        .unwrap();
    let mut rest = Vec::new();
    let n = stream.read_to_end(&mut rest).unwrap_or(0);
    assert_eq!(n, 0, "no byte of answer");
    assert_eq!(ok(&fake, "hosting.disk.count", vec![]), Value::Int(0));
}

#[test]
fn injected_truncation_runs_the_call_but_cuts_the_body() {
    let fake = FakeGandi::start().unwrap();
    fake.inject(Inject::truncated_body().on_method("hosting.disk.create"));
    let mut stream = connect(&fake);
    let spec = Struct::new().with("datacenter_id", 6).with("size", 1024);
    let body = call_body(
        "hosting.disk.create",
        vec![fake.api_key().into(), spec.into()],
    );
    stream
        .write_all(&request("/xmlrpc/", "POST", &body, ""))
        .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, got) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"));
    let announced: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(got.len() < announced);
    assert!(xmlrpc::decode_response(got.as_bytes()).is_err());
    assert_eq!(
        ok(&fake, "hosting.disk.count", vec![]),
        Value::Int(1),
        "the mutation happened"
    );
}

#[test]
fn nth_call_and_times_select_the_calls_hit() {
    let fake = FakeGandi::start().unwrap();
    fake.inject(Inject::http_status(502, "bad gateway").on_call(2).times(2));
    let statuses: Vec<u16> = (0..4)
        .map(|_| call(&fake, "version.info", vec![]).status)
        .collect();
    assert_eq!(statuses, [200, 502, 502, 200]);
    fake.inject(Inject::http_status(502, "x"));
    fake.clear_injections();
    assert_eq!(call(&fake, "version.info", vec![]).status, 200);
}

#[test]
fn ureq_sees_each_injection_kind() {
    let fake = FakeGandi::start().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let post = || {
        let body = call_body("version.info", vec![fake.api_key().into()]);
        agent
            .post(&fake.url())
            .send(&body[..])
            .and_then(|mut r| Ok((r.status().as_u16(), r.body_mut().read_to_vec()?)))
    };
    fake.inject(Inject::http_status(503, "busy"));
    assert_eq!(post().unwrap(), (503, b"busy".to_vec()));
    fake.inject(Inject::drop_connection());
    assert!(post().is_err());
    fake.inject(Inject::truncated_body());
    assert!(post().is_err());
    assert_eq!(post().unwrap().0, 200);
}

#[test]
fn failed_operations_report_error_and_last_error() {
    let fake = FakeGandi::start().unwrap();
    fake.fail_next_operation("disk_create", FailStep::Error, "no space left on the filer");
    let op = new_disk(&fake);
    let info = ok(&fake, "operation.info", vec![op.get("id").unwrap().clone()]);
    assert_eq!(info.get("step"), Some(&"ERROR".into()));
    assert_eq!(
        info.get("last_error"),
        Some(&"no space left on the filer".into())
    );
    fake.fail_next_operation("disk_create", FailStep::Support, "");
    let op = new_disk(&fake);
    let info = ok(&fake, "operation.info", vec![op.get("id").unwrap().clone()]);
    assert_eq!(info.get("step"), Some(&"SUPPORT".into()));
    let op = new_disk(&fake);
    let info = ok(&fake, "operation.info", vec![op.get("id").unwrap().clone()]);
    assert_eq!(
        info.get("step"),
        Some(&"DONE".into()),
        "only the next one fails"
    );
}

// --- call log, credits, shutdown ---------------------------------------------------------

#[test]
fn the_call_log_redacts_the_key_and_counts_mutations() {
    let fake = FakeGandi::start().unwrap();
    new_disk(&fake);
    call(&fake, "version.info", vec![]);
    let calls = fake.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].method, "hosting.disk.create");
    assert_eq!(calls[0].params[0], Value::from(REDACTED));
    assert_eq!(
        calls[0].params[1].get("size").and_then(Value::as_i64),
        Some(1024)
    );
    assert!(!format!("{calls:?}").contains(fake.api_key()));
    fake.clear_calls();
    assert!(fake.calls().is_empty());
}

#[test]
fn draining_credits_makes_creations_fail_with_530040() {
    let fake = FakeGandi::start().unwrap();
    assert_eq!(fake.credits(), 100_000);
    fake.set_credits(0);
    let fault = call(
        &fake,
        "hosting.disk.create",
        vec![
            Struct::new()
                .with("datacenter_id", 6)
                .with("size", 1024)
                .into(),
        ],
    )
    .fault();
    assert_eq!(fault.code, 530_040);
    let account = ok(&fake, "hosting.account.info", vec![]);
    assert_eq!(account.get("credits"), Some(&Value::Int(0)));
}

#[test]
fn dropping_the_fake_stops_the_listener() {
    let fake = FakeGandi::start().unwrap();
    let addr = fake.addr();
    let mut idle = TcpStream::connect(addr).unwrap();
    fake.shutdown();
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err());
    // An idle keep-alive connection is closed too.
    idle.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0);
}

#[test]
fn in_process_calls_match_http_calls() {
    let fake = FakeGandi::start().unwrap();
    let direct = fake
        .call(&MethodCall::new(
            "hosting.datacenter.list",
            vec![fake.api_key().into()],
        ))
        .unwrap();
    assert_eq!(direct, ok(&fake, "hosting.datacenter.list", vec![]));
    assert!(FakeGandi::methods().contains(&"hosting.vm.create_from"));
}
