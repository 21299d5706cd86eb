//! What the task examples share: a client for Gandi when `GANDI_API_KEY` is set, else for a
//! fake Gandi started on the spot, and a public key to install.

// Each example uses only part of this module.
#![allow(dead_code)]

use std::process::ExitCode;
use std::time::Duration;

use gandi_hosting::fake::{FakeGandi, Pace};
use gandi_hosting::v4::{Client, WaitOptions};

/// An ed25519 public key whose private half was never kept (no one can log in with it).
pub(crate) const THROWAWAY_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdhbmRpLWhvc3RpbmctcXVpY2tzdGFydC1ub2JvZHkh example";

/// The public key to install: `GANDI_SSH_PUBLIC_KEY`, else [`THROWAWAY_KEY`].
pub(crate) fn public_key() -> String {
    std::env::var("GANDI_SSH_PUBLIC_KEY").unwrap_or_else(|_| THROWAWAY_KEY.to_owned())
}

/// A client, and the fake it talks to when no key is set (keep it alive while you work).
pub(crate) fn connect() -> gandi_hosting::Result<(Client, Option<FakeGandi>)> {
    connect_with(Duration::from_millis(300))
}

/// [`connect`], with the fake's operations taking `op_time` each (for a demo that shows
/// progress).
pub(crate) fn connect_with(
    op_time: Duration,
) -> gandi_hosting::Result<(Client, Option<FakeGandi>)> {
    let wait = WaitOptions::default().interval(Duration::from_millis(100), Duration::from_secs(5));
    if let Ok(key) = std::env::var("GANDI_API_KEY") {
        let mut builder = Client::builder().api_key(key).wait(wait);
        if let Ok(url) = std::env::var("GANDI_API_URL") {
            builder = builder.endpoint(url);
        }
        let client = builder.build()?;
        println!(
            "talking to {} (GANDI_API_KEY is set): this creates billed resources",
            client.endpoint()
        );
        return Ok((client, None));
    }
    let fake = FakeGandi::builder()
        .pace(Pace::Duration(op_time))
        .start()
        .map_err(|e| gandi_hosting::Error::Config(format!("could not start the fake: {e}")))?;
    println!(
        "GANDI_API_KEY is not set: running against the built-in fake Gandi at {}",
        fake.url()
    );
    let client = Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(wait)
        .build()?;
    Ok((client, Some(fake)))
}

/// The region to use: `GANDI_REGION`, else FR-SD6.
pub(crate) fn region_code() -> String {
    std::env::var("GANDI_REGION").unwrap_or_else(|_| "FR-SD6".to_owned())
}

/// Turns an example's outcome into its exit code, printing the error and whatever the failed
/// call had created.
pub(crate) fn exit(outcome: gandi_hosting::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if !e.created().is_empty() {
                eprintln!("created before the failure: {:?}", e.created());
            }
            ExitCode::FAILURE
        }
    }
}
