//! SSH keys (`hosting.ssh.*`, synchronous at Gandi) through the v4 client and the `Hosting`
//! trait, and the login members of a VM creation spec (`keys`, `ssh_key`, `login`,
//! `password`).

mod common;

use common::*;
use gandi_hosting::model::{
    BootDisk, DiskId, InterfaceId, IpId, IpSpec, RegionId, ResourceId, SshKeyId, VmId, VmSpec,
};
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, Hosting};
use mockito::Server;

const CREATE: &str = "hosting.ssh.create";
const LIST: &str = "hosting.ssh.list";
const INFO: &str = "hosting.ssh.info";
const DELETE: &str = "hosting.ssh.delete";
const VM_CREATE_FROM: &str = "hosting.vm.create_from";

const FINGERPRINT: &str = "3c:41:9e:07:d2:5a:b8:61:f0:2e:94:c7:1d:38:a6:5b";
const FIXTURE_VALUE: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForGandiHostingFixtures0nlyNotRealAtAllXyz alex@laptop";

fn paged(members: &[(&str, Value)], page: i64) -> Vec<Value> {
    let mut all = members.to_vec();
    all.push(("items_per_page", int(100)));
    all.push(("page", int(page)));
    vec![st(&all)]
}

#[test]
fn add_ssh_key_sends_name_and_value_and_returns_the_stored_key() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        CREATE,
        vec![st(&[
            ("name", Value::from("laptop")),
            ("value", Value::from(SSH_KEY)),
        ])],
        fixture(CREATE, "ok"),
    );
    let client = client(&server);

    // Surrounding whitespace (a pasted trailing newline) is trimmed before sending.
    let key = client
        .add_ssh_key("laptop", &format!("  {SSH_KEY}\n"))
        .unwrap();
    create.assert();
    assert_eq!(
        calls(&server),
        [CREATE],
        "the answer has the value: no info call"
    );
    assert_eq!(key.id, SshKeyId::from(1461));
    assert_eq!(key.name, "laptop");
    assert_eq!(key.fingerprint, FINGERPRINT);
    assert_eq!(key.value.as_deref(), Some(FIXTURE_VALUE));
}

#[test]
fn add_ssh_key_reads_the_key_when_the_answer_has_no_value() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        CREATE,
        vec![st(&[
            ("name", Value::from("laptop")),
            ("value", Value::from(SSH_KEY)),
        ])],
        body(st(&[
            ("id", int(1461)),
            ("name", Value::from("laptop")),
            ("fingerprint", Value::from(FINGERPRINT)),
        ])),
    );
    let info = expect_call(&mut server, INFO, vec![int(1461)], fixture(INFO, "ok"));
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let key = hosting.create_ssh_key("laptop", SSH_KEY).unwrap();
    create.assert();
    info.assert();
    assert_eq!(calls(&server), [CREATE, "hosting.ssh.info 1461"]);
    assert_eq!(key.value.as_deref(), Some(FIXTURE_VALUE));
}

#[test]
fn add_ssh_key_checks_name_and_openssh_format_before_any_request() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(invalid_field(client.add_ssh_key("", SSH_KEY)), "name");
    assert_eq!(invalid_field(client.add_ssh_key("   ", SSH_KEY)), "name");
    assert_eq!(
        invalid_field(client.add_ssh_key("a\u{7}b", SSH_KEY)),
        "name"
    );
    assert_eq!(
        invalid_field(client.add_ssh_key(&"n".repeat(256), SSH_KEY)),
        "name"
    );

    let body = SSH_KEY.split_whitespace().nth(1).unwrap();
    let bad_values = [
        String::new(),
        "not a key".to_owned(),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----".to_owned(),
        format!("ssh-foo {body} me@host"),
        format!("ssh-ed25519 {body}\nssh-ed25519 {body}"),
        "ssh-ed25519 not*base64*at*all*here me@host".to_owned(),
        "ssh-ed25519 AAAA".to_owned(),
        // An ed25519 blob announced as RSA: the type inside the data must match.
        format!("ssh-rsa {body} me@host"),
    ];
    for value in &bad_values {
        assert_eq!(
            invalid_field(client.add_ssh_key("laptop", value)),
            "value",
            "{value:?}"
        );
    }
    none.assert();
    assert!(calls(&server).is_empty());
}

#[test]
fn list_ssh_keys_fetches_every_page() {
    let mut server = Server::new();
    let page0: Vec<Value> = (0..100)
        .map(|i| {
            st(&[
                ("id", int(2000 + i)),
                ("name", Value::from(format!("key{i:03}"))),
                (
                    "fingerprint",
                    Value::from(format!(
                        "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:{i:02x}"
                    )),
                ),
            ])
        })
        .collect();
    let first = expect_call(&mut server, LIST, paged(&[], 0), body(Value::Array(page0)));
    let second = expect_call(&mut server, LIST, paged(&[], 1), fixture(LIST, "all"));
    let client = client(&server);

    let keys = client.list_ssh_keys().unwrap();
    first.assert();
    second.assert();
    assert_eq!(calls(&server), [LIST, LIST]);
    assert_eq!(keys.len(), 103);
    assert_eq!(keys[0].id, SshKeyId::from(2000));
    assert_eq!(keys[0].name, "key000");
    assert_eq!(
        keys[99].fingerprint,
        "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:63"
    );
    let last: Vec<(&str, &str)> = keys[100..]
        .iter()
        .map(|k| (k.name.as_str(), k.fingerprint.as_str()))
        .collect();
    assert_eq!(
        last,
        [
            (
                "old-desktop",
                "d4:7b:20:9c:e1:3f:86:55:0a:c2:6e:f9:b7:41:28:93"
            ),
            ("laptop", FINGERPRINT),
            (
                "ci-runner",
                "81:0f:6a:e3:27:cc:59:14:b0:d8:72:4e:93:a5:1c:f6"
            ),
        ]
    );
    assert!(
        keys.iter().all(|k| k.value.is_none()),
        "lists carry no values"
    );
}

#[test]
fn ssh_key_info_returns_value_and_fingerprint() {
    let mut server = Server::new();
    let info = expect_call(&mut server, INFO, vec![int(1461)], fixture(INFO, "ok"));
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let key = hosting.ssh_key(&SshKeyId::from(1461)).unwrap();
    info.assert();
    assert_eq!(key.id, SshKeyId::from(1461));
    assert_eq!(key.name, "laptop");
    assert_eq!(key.fingerprint, FINGERPRINT);
    assert_eq!(key.value.as_deref(), Some(FIXTURE_VALUE));
}

#[test]
fn find_ssh_key_lists_by_name_then_reads_the_key() {
    let mut server = Server::new();
    let list = expect_call(
        &mut server,
        LIST,
        paged(&[("name", Value::from("laptop"))], 0),
        fixture(LIST, "by_name"),
    );
    let info = expect_call(&mut server, INFO, vec![int(1461)], fixture(INFO, "ok"));
    let client = client(&server);

    let key = client.find_ssh_key("laptop").unwrap();
    list.assert();
    info.assert();
    assert_eq!(calls(&server), [LIST, "hosting.ssh.info 1461"]);
    assert_eq!(key.id, SshKeyId::from(1461));
    assert_eq!(key.value.as_deref(), Some(FIXTURE_VALUE));
}

#[test]
fn find_ssh_key_not_found_names_close_keys() {
    let mut server = Server::new();
    let by_name = expect_call(
        &mut server,
        LIST,
        paged(&[("name", Value::from("laptp"))], 0),
        fixture(LIST, "empty"),
    );
    let all = expect_call(&mut server, LIST, paged(&[], 0), fixture(LIST, "all"));
    let client = client(&server);

    match client.find_ssh_key("laptp") {
        Err(Error::NotFound { kind, query, close }) => {
            assert_eq!(kind, "SSH key");
            assert_eq!(query, "laptp");
            assert_eq!(close, vec!["laptop".to_owned()]);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    by_name.assert();
    all.assert();
    assert!(client.find_ssh_key("").is_err());
}

#[test]
fn find_ssh_key_ignores_lookalike_names_from_the_filter() {
    let mut server = Server::new();
    let _by_name = expect_call(
        &mut server,
        LIST,
        paged(&[("name", Value::from("Laptop"))], 0),
        fixture(LIST, "by_name"),
    );
    let _all = expect_call(&mut server, LIST, paged(&[], 0), fixture(LIST, "all"));
    let client = client(&server);

    // Gandi's name filter may match case-insensitively; only the exact name counts.
    match client.find_ssh_key("Laptop") {
        Err(Error::NotFound { close, .. }) => assert_eq!(close, vec!["laptop".to_owned()]),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn remove_ssh_key_succeeds_on_true() {
    let mut server = Server::new();
    let delete = expect_call(
        &mut server,
        DELETE,
        vec![int(1461)],
        fixture(DELETE, "true"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    hosting.delete_ssh_key(&SshKeyId::from(1461)).unwrap();
    delete.assert();
    assert_eq!(calls(&server), ["hosting.ssh.delete 1461"]);
}

#[test]
fn remove_ssh_key_answered_false_is_refused_never_success() {
    let mut server = Server::new();
    let delete = expect_call(
        &mut server,
        DELETE,
        vec![int(1461)],
        fixture(DELETE, "false"),
    );
    let client = client(&server);

    match client.remove_ssh_key(&SshKeyId::from(1461)) {
        Err(Error::Refused { method, what }) => {
            assert_eq!(method, DELETE);
            assert!(what.contains("1461"), "{what}");
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    delete.assert();
}

#[test]
fn remove_unknown_ssh_key_is_a_not_found_fault() {
    let mut server = Server::new();
    let _delete = expect_call(
        &mut server,
        DELETE,
        vec![int(9999)],
        fault_body(
            530942,
            "Error on object : OBJECT_SSHKEY (CAUSE_NOTFOUND) [sshkey#9999 not found]",
        ),
    );
    let client = client(&server);

    let err = client.remove_ssh_key(&SshKeyId::from(9999)).unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.fault_code(), Some(530942));
}

// ----- the login members of a VM creation spec -----

fn boot() -> BootDisk {
    BootDisk::FromImage {
        source_disk: DiskId::from(34801),
        region: RegionId::from(6),
        size_gb: 20,
        name: None,
    }
}

/// `hosting.vm.create_from` with `login` members added to the usual web2 spec.
fn create_from(server: &mut Server, login: &[(&str, Value)]) -> mockito::Mock {
    let mut vm_spec = vec![
        ("datacenter_id", int(6)),
        ("hostname", Value::from("web2")),
        ("memory", int(512)),
        ("cores", int(1)),
        ("ip_version", int(4)),
        ("bandwidth", int(102400)),
    ];
    vm_spec.extend_from_slice(login);
    expect_call(
        server,
        VM_CREATE_FROM,
        vec![
            st(&vm_spec),
            st(&[("datacenter_id", int(6)), ("size", int(20480))]),
            int(34801),
        ],
        fixture(VM_CREATE_FROM, "three_ops"),
    )
}

#[test]
fn vm_spec_with_account_keys_sends_their_ids_as_keys() {
    let mut server = Server::new();
    let create = create_from(
        &mut server,
        &[("keys", Value::Array(vec![int(1461), int(1462)]))],
    );
    let client = client(&server);

    let spec = VmSpec::new(RegionId::from(6), "web2")
        .ssh_key(SshKeyId::from(1461))
        .ssh_key(SshKeyId::from(1462));
    let pending = client
        .submit_create_vm(&spec, &boot(), &IpSpec::public_v4())
        .unwrap();
    create.assert();
    assert_eq!(calls(&server), [VM_CREATE_FROM]);
    assert_eq!(
        pending.created(),
        &[
            ResourceId::Disk(DiskId::from(34930)),
            ResourceId::Interface(InterfaceId::from(7870)),
            ResourceId::Ip(IpId::from(9280)),
            ResourceId::Vm(VmId::from(250145)),
        ]
    );
}

#[test]
fn vm_spec_with_a_raw_public_key_sends_ssh_key() {
    let mut server = Server::new();
    let create = create_from(&mut server, &[("ssh_key", Value::from(SSH_KEY))]);
    let client = client(&server);

    let spec = VmSpec::new(RegionId::from(6), "web2").ssh_public_key(format!("{SSH_KEY}\n"));
    let _pending = client
        .submit_create_vm(&spec, &boot(), &IpSpec::public_v4())
        .unwrap();
    create.assert();
}

#[test]
fn vm_spec_with_login_and_password_sends_both() {
    let mut server = Server::new();
    let create = create_from(
        &mut server,
        &[
            ("login", Value::from("alex")),
            ("password", Value::from("correct-horse-battery")),
        ],
    );
    let client = client(&server);

    let spec = VmSpec::new(RegionId::from(6), "web2").login("alex", "correct-horse-battery");
    let _pending = client
        .submit_create_vm(&spec, &boot(), &IpSpec::public_v4())
        .unwrap();
    create.assert();
}

#[test]
fn vm_spec_with_keys_raw_key_and_login_sends_all_four_members() {
    let mut server = Server::new();
    let create = create_from(
        &mut server,
        &[
            ("keys", Value::Array(vec![int(1203)])),
            ("ssh_key", Value::from(SSH_KEY)),
            ("login", Value::from("ops")),
            ("password", Value::from("s3cret-enough")),
        ],
    );
    let client = client(&server);

    let spec = VmSpec::new(RegionId::from(6), "web2")
        .ssh_key(SshKeyId::from(1203))
        .ssh_public_key(SSH_KEY)
        .login("ops", "s3cret-enough");
    let _pending = client
        .submit_create_vm(&spec, &boot(), &IpSpec::public_v4())
        .unwrap();
    create.assert();
}

#[test]
fn vm_spec_without_any_way_to_log_in_is_refused_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    let bare = VmSpec::new(RegionId::from(6), "web2");
    assert_eq!(
        invalid_field(client.submit_create_vm(&bare, &boot(), &IpSpec::public_v4())),
        "credentials"
    );
    // A password alone sets the console password but gives no login.
    let password_only = VmSpec::new(RegionId::from(6), "web2").password("long-enough-pw");
    assert_eq!(
        invalid_field(client.submit_create_vm(&password_only, &boot(), &IpSpec::public_v4())),
        "credentials"
    );
    let bad_key = VmSpec::new(RegionId::from(6), "web2").ssh_public_key("ssh-ed25519 nope");
    assert_eq!(
        invalid_field(client.submit_create_vm(&bad_key, &boot(), &IpSpec::public_v4())),
        "ssh_public_key"
    );
    let short_password = VmSpec::new(RegionId::from(6), "web2").login("alex", "short");
    assert_eq!(
        invalid_field(client.submit_create_vm(&short_password, &boot(), &IpSpec::public_v4())),
        "password"
    );
    let bad_login = VmSpec::new(RegionId::from(6), "web2").login("Root!", "long-enough-pw");
    assert_eq!(
        invalid_field(client.submit_create_vm(&bad_login, &boot(), &IpSpec::public_v4())),
        "login"
    );
    let opaque_key = VmSpec::new(RegionId::from(6), "web2").ssh_key(SshKeyId::opaque("k").unwrap());
    assert_eq!(
        invalid_field(client.submit_create_vm(&opaque_key, &boot(), &IpSpec::public_v4())),
        "ssh_keys"
    );
    none.assert();
    assert!(calls(&server).is_empty());
}
