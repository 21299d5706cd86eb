//! The `gandi-fake` binary: its two output lines, `--help`, bad options, and that it serves.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use gandi_hosting::xmlrpc::{self, MethodCall, Response, Struct, Value};

const BIN: &str = env!("CARGO_BIN_EXE_gandi-fake");

/// Kills the child when the test ends, whatever happens.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn gandi-fake");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = lines.next().unwrap().unwrap();
    let key = lines.next().unwrap().unwrap();
    let url = url
        .strip_prefix("GANDI_API_URL=")
        .expect("url line")
        .to_owned();
    let key = key
        .strip_prefix("GANDI_API_KEY=")
        .expect("key line")
        .to_owned();
    (running, url, key)
}

fn post(url: &str, call: &MethodCall) -> Response {
    let addr = url
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix("/xmlrpc/"))
        .unwrap();
    let body = xmlrpc::encode_call(call).unwrap();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /xmlrpc/ HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    xmlrpc::decode_response(&raw[split..]).unwrap()
}

#[test]
fn prints_url_and_key_then_serves() {
    let (_child, url, key) = spawn(&["--op-seconds", "0"]);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/xmlrpc/"),
        "{url}"
    );
    assert_eq!(key.len(), 24);
    let call = MethodCall::new("version.info", vec![Value::from(key.as_str())]);
    let Response::Success(v) = post(&url, &call) else {
        panic!("fault");
    };
    assert_eq!(v.get("api_version"), Some(&Value::from("3.3.42")));
}

#[test]
fn accepts_a_chosen_key_and_polls_pace() {
    let (_child, url, key) = spawn(&[
        "--api-key",
        "Chosen0Key1For2The3Fake4",
        "--op-polls=2",
        "--port",
        "0",
    ]);
    assert_eq!(key, "Chosen0Key1For2The3Fake4");
    let call = MethodCall::new(
        "hosting.disk.create",
        vec![
            key.as_str().into(),
            Struct::new()
                .with("datacenter_id", 6)
                .with("size", 1024)
                .into(),
        ],
    );
    let Response::Success(op) = post(&url, &call) else {
        panic!("fault");
    };
    assert_eq!(op.get("step"), Some(&Value::from("WAIT")));
}

#[test]
fn help_and_bad_options() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--op-seconds"));
    let bad = Command::new(BIN).arg("--frobnicate").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown option"));
    let bad = Command::new(BIN)
        .args(["--port", "99999"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
