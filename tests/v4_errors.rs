//! Errors through the v4 client: Gandi's faults and their helpers, HTTP failures, answers that
//! do not decode, connection failures, which calls are retried, and the API key never showing
//! in an error.

mod common;

use std::net::TcpListener;

use common::*;
use gandi_hosting::error::TransportErrorKind;
use gandi_hosting::model::{DiskSpec, RegionId, VlanId, VmId};
use gandi_hosting::v4::{Client, WaitOptions};
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, Hosting, RetryPolicy};
use mockito::Server;

const VM_INFO: &str = "hosting.vm.info";

/// `hosting.vm.info` of 250140 answered with `body`, once.
fn vm_info_answer(server: &mut Server, body: String) -> mockito::Mock {
    expect_call(server, VM_INFO, vec![int(250140)], body)
}

fn read_vm(client: &Client) -> Error {
    client.vm_info(&VmId::from(250140)).unwrap_err()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn fault_of(err: &Error) -> &gandi_hosting::error::ApiFault {
    err.fault()
        .unwrap_or_else(|| panic!("expected a fault, got {err:?}"))
}

#[test]
fn an_invalid_api_key_fault_is_recognised() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.datacenter.list",
        vec![st(&[])],
        fixture("faults", "invalid_api_key"),
    );
    let client = client(&server);

    let err = client.list_regions().unwrap_err();
    mock.assert();
    assert!(matches!(err, Error::Fault(_)), "{err:?}");
    assert!(err.is_invalid_api_key());
    assert!(!err.is_not_found());
    assert!(!err.is_retryable());
    assert_eq!(err.fault_code(), Some(510150));
    let fault = fault_of(&err);
    assert_eq!(fault.method, "hosting.datacenter.list");
    assert_eq!(fault.object.as_deref(), Some("OBJECT_ACCOUNT"));
    assert_eq!(fault.cause.as_deref(), Some("CAUSE_NORIGHT"));
    assert_eq!(fault.message, "Invalid API key");
    assert!(fault.is_application());
    assert!(!fault.is_server_side());
    let text = err.to_string();
    assert!(text.contains("hosting.datacenter.list"), "{text}");
    assert!(text.contains("510150"), "{text}");
    assert!(text.contains("Invalid API key"), "{text}");
}

#[test]
fn a_malformed_key_fault_is_an_invalid_key_too() {
    let mut server = Server::new();
    let mock = vm_info_answer(&mut server, fixture("faults", "bad_key_format"));
    let client = client(&server);

    let err = read_vm(&client);
    mock.assert();
    assert!(err.is_invalid_api_key(), "{err:?}");
    assert_eq!(err.fault_code(), Some(500136));
    assert_eq!(fault_of(&err).cause.as_deref(), Some("CAUSE_BADPARAMETER"));
}

#[test]
fn a_not_found_fault_is_recognised() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        VM_INFO,
        vec![int(999999)],
        fixture("faults", "not_found_vm"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let err = hosting.vm(&VmId::from(999999)).unwrap_err();
    mock.assert();
    assert!(err.is_not_found());
    assert!(!err.is_invalid_api_key());
    let fault = fault_of(&err);
    assert_eq!(fault.code, 530242);
    assert_eq!(fault.object.as_deref(), Some("OBJECT_VM"));
    assert_eq!(fault.cause.as_deref(), Some("CAUSE_NOTFOUND"));
    assert_eq!(fault.message, "vm#999999 not found");
}

#[test]
fn an_attached_fault_is_recognised() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.disk.rollback_from",
        vec![int(34929)],
        fixture("hosting.disk.rollback_from", "attached_fault"),
    );
    let client = client(&server);

    let err = client
        .raw_call("hosting.disk.rollback_from", vec![int(34929)])
        .unwrap_err();
    mock.assert();
    let fault = fault_of(&err);
    assert!(fault.is_attached());
    assert!(!fault.is_not_found());
    assert_eq!(fault.code, 530439);
    assert_eq!(fault.object.as_deref(), Some("OBJECT_DISK"));
    assert_eq!(
        fault.message,
        "disk#34925 associated with snapshot#34929 is attached"
    );
}

#[test]
fn a_vlan_still_in_use_is_an_attached_fault() {
    let mut server = Server::new();
    let ifaces = expect_call(
        &mut server,
        "hosting.iface.list",
        vec![st(&[
            ("vlan_id", int(1201)),
            ("items_per_page", int(100)),
            ("page", int(0)),
        ])],
        body(Value::Array(Vec::new())),
    );
    let delete = expect_call(
        &mut server,
        "hosting.vlan.delete",
        vec![int(1201)],
        fixture("hosting.vlan.delete", "in_use_fault"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let err = hosting.delete_vlan(&VlanId::from(1201)).unwrap_err();
    ifaces.assert();
    delete.assert();
    assert!(fault_of(&err).is_attached(), "{err:?}");
    assert_eq!(err.fault_code(), Some(530839));
}

#[test]
fn protocol_faults_have_code_1_and_no_gandi_parts() {
    let mut server = Server::new();
    let unknown = expect_call(
        &mut server,
        "hosting.nope",
        Vec::new(),
        fixture("faults", "unknown_method"),
    );
    let malformed = vm_info_answer(&mut server, fixture("faults", "invalid_input"));
    let client = client(&server);

    let err = client.raw_call("hosting.nope", Vec::new()).unwrap_err();
    let fault = fault_of(&err);
    assert!(fault.is_protocol());
    assert!(!fault.is_application());
    assert_eq!(fault.code, 1);
    assert_eq!(fault.object, None);
    assert_eq!(fault.cause, None);
    assert_eq!(fault.message, "Method \"hosting.nope\" is not supported");

    let err = read_vm(&client);
    assert!(fault_of(&err).is_protocol());
    assert!(
        fault_of(&err).message.starts_with("Invalid XMLRPC input"),
        "{err}"
    );
    unknown.assert();
    malformed.assert();
}

#[test]
fn a_fault_refusing_a_change_is_returned_as_is() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        "hosting.disk.create",
        vec![st(&[("datacenter_id", int(6)), ("size", int(10240))])],
        fixture("faults", "no_credits"),
    );
    let polls = never(&mut server, "operation.info");
    let client = client(&server);

    let err = client
        .create_disk(&DiskSpec::blank(RegionId::from(6), 10))
        .unwrap_err();
    create.assert();
    polls.assert();
    assert!(matches!(err, Error::Fault(_)), "{err:?}");
    assert!(err.created().is_empty());
    let fault = fault_of(&err);
    assert_eq!(fault.code, 530040);
    assert_eq!(fault.cause.as_deref(), Some("CAUSE_NOCREDIT"));
    assert_eq!(fault.message, "no hosting credits purchased");
}

#[test]
fn deleting_a_running_vm_at_gandi_is_a_bad_parameter_fault() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.vm.delete",
        vec![int(250140)],
        fixture("hosting.vm.delete", "running_fault"),
    );
    let client = client(&server);

    let err = client
        .raw_call("hosting.vm.delete", vec![int(250140)])
        .unwrap_err();
    mock.assert();
    let fault = fault_of(&err);
    assert_eq!(fault.code, 530236);
    assert_eq!(fault.cause.as_deref(), Some("CAUSE_BADPARAMETER"));
    assert!(fault.message.contains("stop it before deleting it"));
}

#[test]
fn http_500_with_an_html_body_is_an_http_error_with_an_excerpt_and_is_not_retried() {
    let mut server = Server::new();
    let page = format!(
        "<html><head><title>500 Internal Server Error</title></head><body>{}</body></html>",
        "The server encountered an internal error. ".repeat(20)
    );
    let mock = expect_status(&mut server, VM_INFO, vec![int(250140)], 500, &page);
    let client = client_with(&server, WaitOptions::immediate(), quick_retries(3));

    let err = read_vm(&client);
    mock.assert();
    match &err {
        Error::Http { status, excerpt } => {
            assert_eq!(*status, 500);
            assert!(excerpt.contains("500 Internal Server Error"), "{excerpt}");
            assert!(excerpt.chars().count() <= 200, "{}", excerpt.len());
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("HTTP 500"), "{err}");
}

#[test]
fn http_501_from_a_mock_server_without_a_matching_mock_says_so() {
    let server = Server::new();
    let client = client(&server);

    let err = read_vm(&client);
    match &err {
        Error::Http { status, .. } => assert_eq!(*status, 501),
        other => panic!("expected Http, got {other:?}"),
    }
    assert!(err.to_string().contains("no mock matched?"), "{err}");
}

#[test]
fn a_truncated_body_is_a_decode_error_naming_the_method() {
    let mut server = Server::new();
    let full = fixture(VM_INFO, "running");
    let mock = vm_info_answer(&mut server, full[..full.len() / 2].to_owned());
    let client = client(&server);

    let err = read_vm(&client);
    mock.assert();
    match &err {
        Error::Decode { method, .. } => assert_eq!(method, VM_INFO),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.to_string().contains(VM_INFO), "{err}");
    assert!(!err.is_retryable());
}

#[test]
fn an_html_page_with_status_200_is_a_decode_error_mentioning_the_content_type() {
    let mut server = Server::new();
    let mock = server
        .mock("POST", PATH)
        .with_status(200)
        .with_header("content-type", "text/html; charset=utf-8")
        .with_body("<html><body>Maintenance in progress</body></html>")
        .expect(1)
        .create();
    let client = client(&server);

    let err = read_vm(&client);
    mock.assert();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("text/html"), "{err}");
}

#[test]
fn an_answer_of_the_wrong_shape_is_a_decode_error() {
    let mut server = Server::new();
    let mock = vm_info_answer(&mut server, body("the VM is fine"));
    let client = client(&server);

    let err = read_vm(&client);
    mock.assert();
    match &err {
        Error::Decode { method, .. } => assert_eq!(method, VM_INFO),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn a_refused_connection_is_a_retryable_transport_error() {
    let port = closed_port();
    let client = Client::builder()
        .api_key(TEST_KEY)
        .endpoint(format!("http://127.0.0.1:{port}/xmlrpc/"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let err = read_vm(&client);
    match &err {
        Error::Transport { kind, message } => {
            assert_eq!(*kind, TransportErrorKind::Connect);
            assert!(message.contains(&port.to_string()), "{message}");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[test]
fn a_read_answered_503_is_retried_and_succeeds() {
    let mut server = Server::new();
    let busy = expect_status(&mut server, VM_INFO, vec![int(250140)], 503, "busy");
    let ok = vm_info_answer(&mut server, fixture(VM_INFO, "running"));
    let client = client_with(&server, WaitOptions::immediate(), quick_retries(2));

    let vm = client.vm_info(&VmId::from(250140)).unwrap();
    busy.assert();
    ok.assert();
    assert_eq!(vm.hostname, "web1");
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.info 250140 -> HTTP 503",
            "hosting.vm.info 250140"
        ]
    );
}

#[test]
fn a_read_gives_up_after_its_retries() {
    let mut server = Server::new();
    let busy = server
        .mock("POST", PATH)
        .with_status(503)
        .with_body("busy")
        .expect(3)
        .create();
    let client = client_with(&server, WaitOptions::immediate(), quick_retries(2));

    let err = read_vm(&client);
    busy.assert();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[test]
fn a_change_answered_503_is_never_sent_twice() {
    let mut server = Server::new();
    let busy = expect_status(
        &mut server,
        "hosting.vm.stop",
        vec![int(250140)],
        503,
        "busy",
    );
    let polls = never(&mut server, "operation.info");
    let client = client_with(&server, WaitOptions::immediate(), quick_retries(3));

    let err = client.stop_vm(&VmId::from(250140)).unwrap_err();
    busy.assert();
    polls.assert();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(calls(&server), ["hosting.vm.stop 250140 -> HTTP 503"]);
}

#[test]
fn the_api_key_never_appears_in_an_error() {
    let mut server = Server::new();
    // Answers that quote the key back, as Gandi does for a malformed one.
    let echo_fault = fault_body(
        500136,
        &format!(
            "Error on object : OBJECT_STRING (CAUSE_BADPARAMETER) [string '{TEST_KEY}' does not match '^[a-z0-9]{{24}}$']"
        ),
    );
    let echo_500 = format!("<html><body>bad request from key {TEST_KEY}</body></html>");
    let echo_truncated = format!(
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>{TEST_KEY}"
    );
    let mocks = [
        vm_info_answer(&mut server, echo_fault),
        expect_status(&mut server, VM_INFO, vec![int(250140)], 500, &echo_500),
        vm_info_answer(&mut server, echo_truncated),
        vm_info_answer(&mut server, body(Value::Array(vec![Value::from(TEST_KEY)]))),
    ];
    let client = client(&server);

    let mut errors: Vec<Error> = (0..4).map(|_| read_vm(&client)).collect();
    mocks.iter().for_each(mockito::Mock::assert);
    assert!(matches!(errors[0], Error::Fault(_)), "{:?}", errors[0]);
    assert!(matches!(errors[1], Error::Http { .. }), "{:?}", errors[1]);
    assert!(matches!(errors[2], Error::Decode { .. }), "{:?}", errors[2]);
    assert!(matches!(errors[3], Error::Decode { .. }), "{:?}", errors[3]);

    // And errors made without an answer.
    errors.push(client.find_region("").unwrap_err());
    errors.push(client.vm_info(&VmId::opaque("x").unwrap()).unwrap_err());
    let closed = Client::builder()
        .api_key(TEST_KEY)
        .endpoint(format!("http://127.0.0.1:{}/xmlrpc/", closed_port()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(read_vm(&closed));

    for err in &errors {
        let shown = format!("{err} / {err:?}");
        assert!(!shown.contains(TEST_KEY), "the key leaked: {shown}");
    }
    assert!(
        fault_of(&errors[0]).fault_string.contains("<redacted>"),
        "{:?}",
        errors[0]
    );
    assert!(!format!("{client:?}").contains(TEST_KEY));
}

#[test]
fn the_key_is_sent_as_the_first_parameter_of_every_call() {
    // `expect_call` only matches when the first parameter is the key, so a match proves it.
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let mock = vm_info_answer(&mut server, fixture(VM_INFO, "running"));
    let client = client(&server);

    client.vm_info(&VmId::from(250140)).unwrap();
    mock.assert();
    none.assert();
}
