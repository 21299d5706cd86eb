//! Client overhead per call, against a bare `ureq` POST loop to the same loopback server.
//!
//! A small HTTP/1.1 keep-alive server written here on `std::net` (no mockito, so that its own
//! cost stays low and steady) answers every POST with one fixed body. Two calls are measured:
//! `Client::operation` (`operation.info`, the call a client makes most while waiting, 1.8 KB
//! answer) and `Client::list_regions` (`hosting.datacenter.list`, six structs). For each, the
//! SDK loop is compared with a loop that POSTs the same request bytes through a bare `ureq`
//! agent and reads the answer without decoding it; the ratio is the SDK's overhead. The target
//! in `shared/docs/performance.md` is a ratio within 1.10.
//!
//! A third loop POSTs through a `ureq` agent configured as the SDK configures its own (per-read
//! and per-write timeouts, connect timeout, headers, no redirects). It splits the overhead in
//! two: what the agent settings cost and what the SDK itself adds (encoding, decoding,
//! conversion into the model). The SDK once used a global deadline, with which ureq re-arms the
//! socket timeouts before every read and write: about 110 µs a call over loopback.
//!
//! The machine is shared and noisy: the two contenders are run in interleaved rounds and each
//! figure is the best round. Run with `cargo bench --bench client`; `BENCH_QUICK=1` (or
//! `-- --test`) runs one short round as a smoke test.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use gandi_hosting::RetryPolicy;
use gandi_hosting::model::OperationId;
use gandi_hosting::v4::Client;
use gandi_hosting::xmlrpc::{self, MethodCall, Struct, Value};

/// A made-up key of the right shape.
const KEY: &str = "Bench0Key1For2Loopback34";

fn main() {
    let quick =
        std::env::var_os("BENCH_QUICK").is_some() || std::env::args().any(|arg| arg == "--test");
    let (rounds, per_round) = if quick {
        (1, Duration::from_millis(50))
    } else {
        (4, Duration::from_millis(500))
    };

    let op_body = fixture("operation.info", "done");
    let op_request = request("operation.info", vec![Value::Int(5004203)]);
    let op_url = serve(op_body.clone());
    let op_client = client(&op_url);
    let id = OperationId::from(5004203);
    assert_eq!(
        op_client.operation(&id).expect("the fixture decodes").id,
        id
    );

    let dc_body = fixture("hosting.datacenter.list", "all");
    let dc_request = request(
        "hosting.datacenter.list",
        vec![Value::Struct(Struct::new())],
    );
    let dc_url = serve(dc_body.clone());
    let dc_client = client(&dc_url);
    assert_eq!(
        dc_client.list_regions().expect("the fixture decodes").len(),
        6
    );

    let agent = bare_agent();
    assert_eq!(bare_post(&agent, &op_url, &op_request), op_body.len());
    let configured = sdk_like_agent();

    println!(
        "client overhead over loopback ({rounds} interleaved rounds of {per_round:?}, best each)"
    );
    compare(
        "operation.info",
        op_body.len(),
        rounds,
        per_round,
        || {
            black_box(op_client.operation(black_box(&id)).expect("operation.info"));
        },
        || {
            black_box(bare_post(&agent, &op_url, &op_request));
        },
        || {
            black_box(bare_post(&configured, &op_url, &op_request));
        },
    );
    compare(
        "hosting.datacenter.list",
        dc_body.len(),
        rounds,
        per_round,
        || {
            black_box(dc_client.list_regions().expect("datacenter.list"));
        },
        || {
            black_box(bare_post(&agent, &dc_url, &dc_request));
        },
        || {
            black_box(bare_post(&configured, &dc_url, &dc_request));
        },
    );
}

/// Times the three loops in interleaved rounds and prints their best rates and the ratios.
fn compare(
    name: &str,
    answer_bytes: usize,
    rounds: u32,
    per_round: Duration,
    mut sdk: impl FnMut(),
    mut bare: impl FnMut(),
    mut configured: impl FnMut(),
) {
    // Warm up connections, allocator and caches.
    for _ in 0..50 {
        sdk();
        bare();
        configured();
    }
    let mut best = [Duration::MAX; 3];
    for _ in 0..rounds {
        best[0] = best[0].min(per_call(per_round, &mut bare));
        best[1] = best[1].min(per_call(per_round, &mut configured));
        best[2] = best[2].min(per_call(per_round, &mut sdk));
    }
    let [bare, configured, sdk] = best.map(|d| d.as_secs_f64());
    let line = |label: &str, secs: f64| {
        println!(
            "  {label:<34}: {:>8.0} calls/s ({:>6.1} µs/call)",
            1.0 / secs,
            secs * 1e6
        );
    };
    println!("\n{name} ({answer_bytes} bytes answered)");
    line("SDK client", sdk);
    line("bare ureq", bare);
    line("ureq with the SDK's agent settings", configured);
    println!(
        "  overhead vs bare ureq             : {:.2}× ({:+.1} µs/call; target ≤ 1.10×)",
        sdk / bare,
        (sdk - bare) * 1e6
    );
    println!(
        "    of which agent settings         : {:+.1} µs/call",
        (configured - bare) * 1e6
    );
    println!(
        "    of which the SDK itself         : {:+.1} µs/call ({:.2}× the configured agent)",
        (sdk - configured) * 1e6,
        sdk / configured
    );
}

/// Runs `f` repeatedly for about `budget` and returns the mean time of one call.
fn per_call(budget: Duration, f: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut n = 0u32;
    while n == 0 || start.elapsed() < budget {
        for _ in 0..10 {
            f();
        }
        n += 10;
    }
    start.elapsed() / n
}

fn fixture(method: &str, case: &str) -> Vec<u8> {
    let path = format!(
        "{}/fixtures/v4/{method}/{case}.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The request bytes the client sends for `method` (the key first).
fn request(method: &str, params: Vec<Value>) -> Vec<u8> {
    let mut all = vec![Value::String(KEY.to_owned())];
    all.extend(params);
    xmlrpc::encode_call(&MethodCall::new(method, all)).expect("encodable")
}

fn client(url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .endpoint(url)
        .retry(RetryPolicy::none())
        .build()
        .expect("a loopback client")
}

/// An agent configured like the SDK's: statuses are not errors, no proxy, no compression.
fn bare_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .accept_encoding("identity")
        .build()
        .new_agent()
}

/// An agent with the settings the SDK's transport uses (see `src/transport.rs`).
fn sdk_like_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .accept_encoding("identity")
        .timeout_per_read(Some(Duration::from_secs(60)))
        .timeout_per_write(Some(Duration::from_secs(60)))
        .timeout_connect(Some(Duration::from_secs(10)))
        .user_agent(concat!("gandi-hosting/", env!("CARGO_PKG_VERSION")))
        .accept("text/xml")
        .max_redirects(0)
        .build()
        .new_agent()
}

/// POSTs `body` and reads the whole answer; returns its length.
fn bare_post(agent: &ureq::Agent, url: &str, body: &[u8]) -> usize {
    let mut response = agent
        .post(url)
        .header("Content-Type", "text/xml")
        .send(body)
        .expect("loopback POST");
    response
        .body_mut()
        .read_to_vec()
        .expect("loopback answer")
        .len()
}

/// Starts a keep-alive HTTP/1.1 server on a free loopback port that answers every request
/// with `body`; returns its endpoint URL. Its threads live until the process ends.
fn serve(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}/xmlrpc/", listener.local_addr().expect("bound"));
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            std::thread::spawn(move || {
                let _ = connection(stream, &answer);
            });
        }
    });
    url
}

/// Serves requests on one connection until the peer closes it.
fn connection(stream: TcpStream, answer: &[u8]) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        // Request line and headers; only Content-Length matters.
        let mut length = 0usize;
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                if first {
                    continue;
                }
                break;
            }
            first = false;
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
        writer.write_all(answer)?;
    }
}
