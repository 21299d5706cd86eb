//! `gandi-fake`: serves the Gandi v4 hosting simulator over HTTP until killed, for clients
//! that are not Rust (a Terraform provider, scripts, other languages' tests).
//!
//! ```text
//! $ gandi-fake --port 8080 --op-seconds 1
//! GANDI_API_URL=http://127.0.0.1:8080/xmlrpc/
//! GANDI_API_KEY=Xb3...
//! ```
//!
//! The two lines can be fed to `eval "$(...)"`-style tooling or parsed by a test harness; the
//! server keeps running until the process gets a signal. Everything else is in the docs of
//! `gandi_hosting::fake`.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use gandi_hosting::fake::{FakeGandi, Pace};

const USAGE: &str = "\
gandi-fake: a local simulator of Gandi's v4 hosting XML-RPC API

Usage: gandi-fake [OPTIONS]

Options:
  --host ADDR          address to listen on (default 127.0.0.1)
  --port N             port to listen on (default 0: a free port)
  --op-seconds F       how long each operation takes, in seconds (default 2.0; 0 = instant)
  --op-polls N         instead, finish each operation after N operation.info polls
  --api-key KEY        the API key to accept (24 letters and digits; default: a fresh one)
  --credits N          the account's starting credits (default 100000)
  -h, --help           print this help

Prints GANDI_API_URL=... and GANDI_API_KEY=... on two lines, then serves until killed.
";

struct Options {
    host: IpAddr,
    port: u16,
    pace: Pace,
    api_key: Option<String>,
    credits: Option<i64>,
}

fn value(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
    args.next().ok_or_else(|| format!("{flag} needs a value"))
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        host: IpAddr::from([127, 0, 0, 1]),
        port: 0,
        pace: Pace::Duration(Duration::from_secs(2)),
        api_key: None,
        credits: None,
    };
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut take = |flag: &str| match &inline {
            Some(v) => Ok(v.clone()),
            None => value(&mut args, flag),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => {
                let v = take("--host")?;
                options.host = v
                    .parse()
                    .map_err(|_| format!("--host: not an IP address: {v}"))?;
            }
            "--port" => {
                let v = take("--port")?;
                options.port = v.parse().map_err(|_| format!("--port: not a port: {v}"))?;
            }
            "--op-seconds" => {
                let v = take("--op-seconds")?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s < 1e9)
                    .ok_or_else(|| format!("--op-seconds: not a number of seconds: {v}"))?;
                options.pace = if secs == 0.0 {
                    Pace::Instant
                } else {
                    Pace::Duration(Duration::from_secs_f64(secs))
                };
            }
            "--op-polls" => {
                let v = take("--op-polls")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--op-polls: not a count: {v}"))?;
                options.pace = Pace::Polls(n);
            }
            "--api-key" => options.api_key = Some(take("--api-key")?),
            "--credits" => {
                let v = take("--credits")?;
                options.credits = Some(
                    v.parse()
                        .map_err(|_| format!("--credits: not a number: {v}"))?,
                );
            }
            other => return Err(format!("unknown option: {other}")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("gandi-fake: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = FakeGandi::builder()
        .host(options.host)
        .port(options.port)
        .pace(options.pace);
    if let Some(key) = options.api_key {
        builder = builder.api_key(key);
    }
    if let Some(credits) = options.credits {
        builder = builder.credits(credits);
    }
    let fake = match builder.start() {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("gandi-fake: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let printed = writeln!(out, "GANDI_API_URL={}", fake.url())
        .and_then(|()| writeln!(out, "GANDI_API_KEY={}", fake.api_key()))
        .and_then(|()| out.flush());
    drop(out);
    if printed.is_err() {
        return ExitCode::FAILURE;
    }
    // Serve until killed: the server runs on its own threads.
    loop {
        std::thread::park();
    }
}
