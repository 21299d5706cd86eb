//! The quickstart run as a user runs it, against a fake Gandi started here and named through
//! `GANDI_API_KEY` / `GANDI_API_URL`: it must leave nothing behind, also when a step fails, and
//! exit non-zero on failure.

use std::process::{Command, Output};

use gandi_hosting::fake::{FailStep, FakeGandi};
use gandi_hosting::xmlrpc::{MethodCall, Value};

fn run_quickstart(fake: &FakeGandi) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--all-features",
            "--example",
            "quickstart",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("GANDI_API_KEY", fake.api_key())
        .env("GANDI_API_URL", fake.url())
        .env_remove("GANDI_REGION")
        .env_remove("GANDI_SSH_PUBLIC_KEY")
        .output()
        .expect("cargo runs the quickstart")
}

fn count(fake: &FakeGandi, method: &str) -> i64 {
    let call = MethodCall::new(
        method,
        vec![
            Value::from(fake.api_key()),
            Value::from(gandi_hosting::xmlrpc::Struct::new()),
        ],
    );
    fake.call(&call).expect("count").as_i64().expect("an int")
}

fn nothing_left(fake: &FakeGandi) {
    for method in [
        "hosting.vm.count",
        "hosting.disk.count",
        "hosting.iface.count",
        "hosting.ip.count",
    ] {
        assert_eq!(count(fake, method), 0, "{method} after the quickstart");
    }
}

#[test]
fn the_quickstart_cleans_up_after_itself() {
    let fake = FakeGandi::start().unwrap();
    let out = run_quickstart(&fake);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("everything created was deleted"),
        "{stdout}"
    );
    assert!(
        stdout.contains("resource"),
        "the summary table is printed: {stdout}"
    );
    assert_eq!(fake.count_calls("hosting.vm.create_from"), 1);
    nothing_left(&fake);
}

#[test]
fn a_failing_step_still_cleans_up_and_exits_non_zero() {
    let fake = FakeGandi::start().unwrap();
    fake.fail_next_operation("disk_update", FailStep::Error, "storage node unreachable");
    let out = run_quickstart(&fake);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the run must fail");
    assert!(stderr.contains("storage node unreachable"), "{stderr}");
    nothing_left(&fake);
}
