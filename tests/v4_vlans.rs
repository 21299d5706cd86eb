//! Private VLANs (`hosting.vlan.*`) through the v4 client and the `Hosting` trait: create with
//! its checks and the re-listing that finds the new VLAN's ID, info, list, find by name,
//! update, delete, private addresses inside a VLAN, and a VM on a private interface only.

mod common;

use std::net::IpAddr;

use common::*;
use gandi_hosting::model::{
    BootDisk, DiskId, InterfaceId, InterfaceKind, IpId, IpSpec, OperationId, RegionId, ResourceId,
    VlanId, VlanSpec, VlanUpdate, VmId, VmSpec,
};
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, Hosting};
use mockito::Server;

const LIST: &str = "hosting.vlan.list";
const INFO: &str = "hosting.vlan.info";
const CREATE: &str = "hosting.vlan.create";
const UPDATE: &str = "hosting.vlan.update";
const DELETE: &str = "hosting.vlan.delete";
const IFACE_LIST: &str = "hosting.iface.list";
const IFACE_CREATE: &str = "hosting.iface.create";
const IFACE_INFO: &str = "hosting.iface.info";

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn paged(members: &[(&str, Value)], page: i64) -> Vec<Value> {
    let mut all = members.to_vec();
    all.push(("items_per_page", int(100)));
    all.push(("page", int(page)));
    vec![st(&all)]
}

fn by_name(name: &str) -> Vec<Value> {
    paged(&[("name", Value::from(name))], 0)
}

/// A VLAN as `hosting.vlan.list` and `info` return it.
fn vlan(id: i64, name: &str, subnet: &str, gateway: &str) -> Value {
    st(&[
        ("id", int(id)),
        ("name", Value::from(name)),
        ("state", Value::from("created")),
        ("datacenter_id", int(6)),
        ("subnet", Value::from(subnet)),
        ("gateway", Value::from(gateway)),
        ("uuid", int(40000 + id)),
    ])
}

fn frontnet_spec() -> VlanSpec {
    VlanSpec::new(RegionId::from(6), "frontnet")
        .subnet("198.51.100.128/25")
        .gateway(ip("198.51.100.129"))
}

fn frontnet_create() -> Vec<Value> {
    vec![st(&[
        ("datacenter_id", int(6)),
        ("name", Value::from("frontnet")),
        ("subnet", Value::from("198.51.100.128/25")),
        ("gateway", Value::from("198.51.100.129")),
    ])]
}

#[test]
fn create_vlan_checks_the_name_is_free_creates_and_finds_the_new_vlan() {
    let mut server = Server::new();
    let before = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        fixture(LIST, "by_name_empty"),
    );
    let create = expect_call(
        &mut server,
        CREATE,
        frontnet_create(),
        fixture(CREATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004250,
        &[
            op(5004250, "vlan_create", "RUN").body(),
            op(5004250, "vlan_create", "DONE").body(),
        ],
    );
    let after = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        body(Value::Array(vec![vlan(
            1210,
            "frontnet",
            "198.51.100.128/25",
            "198.51.100.129",
        )])),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let created = hosting.create_vlan(&frontnet_spec()).unwrap();
    before.assert();
    create.assert();
    for p in &polls {
        p.assert();
    }
    after.assert();
    assert_eq!(
        calls(&server),
        [
            LIST,
            CREATE,
            "operation.info 5004250",
            "operation.info 5004250",
            LIST
        ]
    );
    assert_eq!(created.id, VlanId::from(1210));
    assert_eq!(created.name, "frontnet");
    assert_eq!(created.region, RegionId::from(6));
    assert_eq!(created.subnet.as_deref(), Some("198.51.100.128/25"));
    assert_eq!(created.gateway, Some(ip("198.51.100.129")));
}

#[test]
fn create_vlan_without_subnet_sends_only_region_and_name() {
    let mut server = Server::new();
    let _before = expect_call(
        &mut server,
        LIST,
        by_name("lab"),
        fixture(LIST, "by_name_empty"),
    );
    let create = expect_call(
        &mut server,
        CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("name", Value::from("lab")),
        ])],
        fixture(CREATE, "op"),
    );
    let client = client(&server);

    let pending = client
        .submit_create_vlan(&VlanSpec::new(RegionId::from(6), "lab"))
        .unwrap();
    create.assert();
    assert_eq!(pending.operation_ids(), vec![OperationId::from(5004250)]);
}

#[test]
fn create_vlan_with_a_name_in_use_is_refused_before_creating() {
    let mut server = Server::new();
    let list = expect_call(
        &mut server,
        LIST,
        by_name("backnet"),
        fixture(LIST, "by_name"),
    );
    let create = expect_calls(
        &mut server,
        CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("name", Value::from("backnet")),
        ])],
        fixture(CREATE, "op"),
        0,
    );
    let client = client(&server);

    let err = client
        .create_vlan(&VlanSpec::new(RegionId::from(6), "backnet"))
        .unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "name");
            assert!(reason.contains("1201"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    list.assert();
    create.assert();
}

#[test]
fn create_vlan_never_takes_a_vlan_that_was_listed_before() {
    // The name filter returned a lookalike before the call; by the time the new VLAN is
    // looked for, the lookalike was renamed to the same name. Only the new ID is taken.
    let mut server = Server::new();
    let _before = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        body(Value::Array(vec![vlan(
            1202,
            "frontnet-old",
            "198.51.100.0/25",
            "198.51.100.1",
        )])),
    );
    let _create = expect_call(
        &mut server,
        CREATE,
        frontnet_create(),
        fixture(CREATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004250,
        &[op(5004250, "vlan_create", "DONE").body()],
    );
    let _after = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        body(Value::Array(vec![
            vlan(1202, "frontnet", "198.51.100.0/25", "198.51.100.1"),
            vlan(1210, "frontnet", "198.51.100.128/25", "198.51.100.129"),
        ])),
    );
    let client = client(&server);

    let created = client.create_vlan(&frontnet_spec()).unwrap();
    assert_eq!(created.id, VlanId::from(1210));
}

#[test]
fn create_vlan_that_collides_with_a_concurrent_creation_is_ambiguous() {
    let mut server = Server::new();
    let _before = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        fixture(LIST, "by_name_empty"),
    );
    let _create = expect_call(
        &mut server,
        CREATE,
        frontnet_create(),
        fixture(CREATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004250,
        &[op(5004250, "vlan_create", "DONE").body()],
    );
    let _after = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        body(Value::Array(vec![
            vlan(1210, "frontnet", "198.51.100.128/25", "198.51.100.129"),
            vlan(1211, "frontnet", "198.51.100.128/25", "198.51.100.129"),
        ])),
    );
    let client = client(&server);

    match client.create_vlan(&frontnet_spec()) {
        Err(Error::Ambiguous { kind, query, count }) => {
            assert_eq!(kind, "VLAN");
            assert_eq!(query, "frontnet");
            assert_eq!(count, 2);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
}

#[test]
fn create_vlan_that_cannot_be_found_afterwards_is_not_found() {
    let mut server = Server::new();
    let _before = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        fixture(LIST, "by_name_empty"),
    );
    let _create = expect_call(
        &mut server,
        CREATE,
        frontnet_create(),
        fixture(CREATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004250,
        &[op(5004250, "vlan_create", "DONE").body()],
    );
    let _after = expect_call(
        &mut server,
        LIST,
        by_name("frontnet"),
        fixture(LIST, "by_name_empty"),
    );
    let client = client(&server);

    let err = client.create_vlan(&frontnet_spec()).unwrap_err();
    assert!(
        matches!(err, Error::NotFound { kind: "VLAN", .. }),
        "{err:?}"
    );
}

#[test]
fn create_vlan_checks_name_subnet_and_gateway_before_any_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);
    let region = || RegionId::from(6);

    assert_eq!(
        invalid_field(client.create_vlan(&VlanSpec::new(region(), ""))),
        "name"
    );
    assert_eq!(
        invalid_field(client.create_vlan(&VlanSpec::new(region(), "a\nb"))),
        "name"
    );
    for cidr in [
        "198.51.100.0",
        "198.51.100.0/33",
        "banana/24",
        "198.51.100.1/24",
    ] {
        assert_eq!(
            invalid_field(client.create_vlan(&VlanSpec::new(region(), "net").subnet(cidr))),
            "subnet",
            "{cidr}"
        );
    }
    assert_eq!(
        invalid_field(
            client.create_vlan(
                &VlanSpec::new(region(), "net")
                    .subnet("198.51.100.0/25")
                    .gateway(ip("198.51.100.129"))
            )
        ),
        "gateway"
    );
    assert_eq!(
        invalid_field(client.create_vlan(&VlanSpec::new(region(), "net").gateway(ip("10.0.0.1")))),
        "gateway"
    );
    assert_eq!(
        invalid_field(client.create_vlan(&VlanSpec::new(RegionId::opaque("fr").unwrap(), "net"))),
        "region"
    );
    none.assert();
    assert!(calls(&server).is_empty());
}

#[test]
fn vlan_info_decodes_subnet_and_gateway() {
    let mut server = Server::new();
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let v = hosting.vlan(&VlanId::from(1201)).unwrap();
    info.assert();
    assert_eq!(v.id, VlanId::from(1201));
    assert_eq!(v.name, "backnet");
    assert_eq!(v.region, RegionId::from(6));
    assert_eq!(v.subnet.as_deref(), Some("198.51.100.0/24"));
    assert_eq!(v.gateway, Some(ip("198.51.100.1")));
    assert_eq!(v.state.as_deref(), Some("created"));
}

#[test]
fn list_vlans_returns_every_vlan() {
    let mut server = Server::new();
    let list = expect_call(&mut server, LIST, paged(&[], 0), fixture(LIST, "all"));
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let vlans = hosting.vlans().unwrap();
    list.assert();
    let summary: Vec<(i64, &str, i64)> = vlans
        .iter()
        .map(|v| {
            (
                v.id.as_i64().unwrap(),
                v.name.as_str(),
                v.region.as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1201, "backnet", 6),
            (1202, "storage", 6),
            (1190, "legacy-lan", 3)
        ]
    );
    assert_eq!(vlans[1].gateway, Some(ip("198.51.100.129")));
}

#[test]
fn find_vlan_by_name_and_not_found_with_close_names() {
    let mut server = Server::new();
    let found = expect_call(
        &mut server,
        LIST,
        by_name("backnet"),
        fixture(LIST, "by_name"),
    );
    let missing = expect_call(
        &mut server,
        LIST,
        by_name("backnt"),
        fixture(LIST, "by_name_empty"),
    );
    let all = expect_call(&mut server, LIST, paged(&[], 0), fixture(LIST, "all"));
    let client = client(&server);

    let v = client.find_vlan("backnet").unwrap();
    assert_eq!(v.id, VlanId::from(1201));
    match client.find_vlan("backnt") {
        Err(Error::NotFound { kind, query, close }) => {
            assert_eq!(kind, "VLAN");
            assert_eq!(query, "backnt");
            assert_eq!(close, vec!["backnet".to_owned()]);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    found.assert();
    missing.assert();
    all.assert();
}

#[test]
fn update_vlan_name_sends_only_the_name_and_rereads_the_vlan() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        UPDATE,
        vec![int(1201), st(&[("name", Value::from("backnet2"))])],
        fixture(UPDATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004251,
        &[op(5004251, "vlan_update", "DONE").body()],
    );
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture_with(INFO, "with_subnet", &[("name", Value::from("backnet2"))]),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let v = hosting
        .update_vlan(&VlanId::from(1201), &VlanUpdate::new().name("backnet2"))
        .unwrap();
    update.assert();
    info.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.vlan.update 1201",
            "operation.info 5004251",
            "hosting.vlan.info 1201"
        ]
    );
    assert_eq!(v.name, "backnet2");
}

#[test]
fn update_vlan_gateway_is_checked_against_the_subnet_first() {
    let mut server = Server::new();
    let info = expect_calls(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
        2,
    );
    let update = expect_call(
        &mut server,
        UPDATE,
        vec![int(1201), st(&[("gateway", Value::from("198.51.100.254"))])],
        fixture(UPDATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004251,
        &[op(5004251, "vlan_update", "DONE").body()],
    );
    let client = client(&server);

    client
        .update_vlan(
            &VlanId::from(1201),
            &VlanUpdate::new().gateway(ip("198.51.100.254")),
        )
        .unwrap();
    info.assert();
    update.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.vlan.info 1201",
            "hosting.vlan.update 1201",
            "operation.info 5004251",
            "hosting.vlan.info 1201"
        ]
    );
}

#[test]
fn update_vlan_gateway_outside_the_subnet_is_refused_without_an_update() {
    let mut server = Server::new();
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
    );
    let update = expect_calls(
        &mut server,
        UPDATE,
        vec![int(1201), st(&[("gateway", Value::from("192.0.2.1"))])],
        fixture(UPDATE, "op"),
        0,
    );
    let client = client(&server);

    let err = client.update_vlan(
        &VlanId::from(1201),
        &VlanUpdate::new().gateway(ip("192.0.2.1")),
    );
    assert_eq!(invalid_field(err), "gateway");
    info.assert();
    update.assert();
}

#[test]
fn update_vlan_with_nothing_to_change_or_a_bad_name_makes_no_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.update_vlan(&VlanId::from(1201), &VlanUpdate::new())),
        "update"
    );
    assert_eq!(
        invalid_field(client.update_vlan(&VlanId::from(1201), &VlanUpdate::new().name(" "))),
        "name"
    );
    none.assert();
}

/// A private interface in VLAN 1201, as `hosting.iface.list` returns it.
fn private_iface(id: i64, vm: Value) -> Value {
    st(&[
        ("id", int(id)),
        ("num", Value::Nil),
        ("type", Value::from("private")),
        (
            "state",
            Value::from(if vm.is_nil() { "free" } else { "used" }),
        ),
        ("bandwidth", Value::Double(102400.0)),
        ("datacenter_id", int(6)),
        ("vm_id", vm),
        ("ips_id", Value::Array(vec![int(id + 1400)])),
        (
            "vlan",
            st(&[("id", int(1201)), ("name", Value::from("backnet"))]),
        ),
    ])
}

#[test]
fn delete_vlan_is_refused_while_interfaces_remain_and_lists_them() {
    let mut server = Server::new();
    let ifaces = expect_call(
        &mut server,
        IFACE_LIST,
        paged(&[("vlan_id", int(1201))], 0),
        body(Value::Array(vec![
            private_iface(7865, int(250140)),
            private_iface(7872, Value::Nil),
        ])),
    );
    let delete = expect_calls(
        &mut server,
        DELETE,
        vec![int(1201)],
        fixture(DELETE, "op"),
        0,
    );
    let client = client(&server);

    let err = client.delete_vlan(&VlanId::from(1201)).unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "id");
            assert!(reason.contains("7865, 7872"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    ifaces.assert();
    delete.assert();
}

#[test]
fn delete_empty_vlan_deletes_and_waits() {
    let mut server = Server::new();
    let ifaces = expect_call(
        &mut server,
        IFACE_LIST,
        paged(&[("vlan_id", int(1202))], 0),
        body(Value::Array(Vec::new())),
    );
    let delete = expect_call(&mut server, DELETE, vec![int(1202)], fixture(DELETE, "op"));
    let polls = op_sequence(
        &mut server,
        5004252,
        &[op(5004252, "vlan_delete", "DONE").body()],
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    hosting.delete_vlan(&VlanId::from(1202)).unwrap();
    ifaces.assert();
    delete.assert();
    polls[0].assert();
    assert_eq!(
        calls(&server),
        [
            IFACE_LIST,
            "hosting.vlan.delete 1202",
            "operation.info 5004252"
        ]
    );
}

#[test]
fn delete_vlan_fault_from_gandi_is_kept() {
    // Should an interface appear between the check and the call, Gandi's fault comes back.
    let mut server = Server::new();
    let _ifaces = expect_call(
        &mut server,
        IFACE_LIST,
        paged(&[("vlan_id", int(1201))], 0),
        body(Value::Array(Vec::new())),
    );
    let _delete = expect_call(
        &mut server,
        DELETE,
        vec![int(1201)],
        fixture(DELETE, "in_use_fault"),
    );
    let client = client(&server);

    let err = client.delete_vlan(&VlanId::from(1201)).unwrap_err();
    let fault = err.fault().expect("a fault");
    assert_eq!(fault.code, 530839);
    assert!(fault.is_attached());
}

#[test]
fn private_ip_with_a_chosen_address_inside_the_subnet_is_created() {
    let mut server = Server::new();
    let vlan_info = expect_call(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
    );
    let create = expect_call(
        &mut server,
        IFACE_CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(4)),
            ("vlan", int(1201)),
            ("ip", Value::from("198.51.100.12")),
            ("bandwidth", int(102400)),
        ])],
        fixture(IFACE_CREATE, "private"),
    );
    let polls = op_sequence(
        &mut server,
        5004111,
        &[op(5004111, "iface_create", "DONE")
            .iface(7872)
            .ip(9284)
            .body()],
    );
    let iface_info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7872)],
        fixture(IFACE_INFO, "private"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let iface = hosting
        .create_ip(
            &RegionId::from(6),
            &IpSpec::private(VlanId::from(1201)).address(ip("198.51.100.12")),
        )
        .unwrap();
    vlan_info.assert();
    create.assert();
    polls[0].assert();
    iface_info.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.vlan.info 1201",
            IFACE_CREATE,
            "operation.info 5004111",
            "hosting.iface.info 7872"
        ]
    );
    assert_eq!(iface.id, InterfaceId::from(7872));
    assert_eq!(iface.kind, InterfaceKind::Private);
    let vlan = iface.vlan.as_ref().expect("vlan");
    assert_eq!(vlan.id, VlanId::from(1201));
    assert_eq!(vlan.name, "backnet");
    let address = iface.ipv4().expect("an IPv4");
    assert_eq!(address.id, IpId::from(9284));
    assert_eq!(address.address, Some(ip("198.51.100.12")));
    assert!(iface.ipv6().is_none(), "private interfaces get no IPv6");
}

#[test]
fn private_ip_with_an_address_outside_the_subnet_is_refused_without_creating() {
    let mut server = Server::new();
    let vlan_info = expect_call(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
    );
    let create = expect_calls(
        &mut server,
        IFACE_CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(4)),
            ("vlan", int(1201)),
            ("ip", Value::from("198.51.101.12")),
            ("bandwidth", int(102400)),
        ])],
        fixture(IFACE_CREATE, "private"),
        0,
    );
    let client = client(&server);

    let err = client.create_ip(
        &RegionId::from(6),
        &IpSpec::private(VlanId::from(1201)).address(ip("198.51.101.12")),
    );
    assert_eq!(invalid_field(err), "address");
    vlan_info.assert();
    create.assert();
}

#[test]
fn private_ip_in_a_vlan_of_another_region_is_refused() {
    let mut server = Server::new();
    let _vlan_info = expect_call(
        &mut server,
        INFO,
        vec![int(1190)],
        body(vlan(
            1190,
            "legacy-lan",
            "198.51.100.64/26",
            "198.51.100.65",
        )),
    );
    let client = client(&server);

    // vlan() puts every VLAN in region 6; ask for region 3.
    let err = client.create_ip(&RegionId::from(3), &IpSpec::private(VlanId::from(1190)));
    assert_eq!(invalid_field(err), "region");
}

#[test]
fn vm_on_a_private_interface_only_creates_the_interface_then_the_vm_with_it() {
    let mut server = Server::new();
    // Read once, by the interface creation, which checks the VLAN before any change.
    let vlan_info = expect_calls(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
        1,
    );
    let iface_create = expect_call(
        &mut server,
        IFACE_CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(4)),
            ("vlan", int(1201)),
            ("bandwidth", int(102400)),
        ])],
        fixture(IFACE_CREATE, "private"),
    );
    let _polls = op_sequence(
        &mut server,
        5004111,
        &[op(5004111, "iface_create", "DONE")
            .iface(7872)
            .ip(9284)
            .body()],
    );
    let iface_info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7872)],
        fixture(IFACE_INFO, "private"),
    );
    // No ip_version or bandwidth: the VM gets the private interface and nothing public.
    let vm_create = expect_call(
        &mut server,
        "hosting.vm.create_from",
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("hostname", Value::from("db2")),
                ("memory", int(1024)),
                ("cores", int(2)),
                ("keys", Value::Array(vec![int(1461)])),
                ("iface_id", int(7872)),
            ]),
            st(&[("datacenter_id", int(6)), ("size", int(10240))]),
            int(34801),
        ],
        fixture("hosting.vm.create_from", "two_ops_with_iface"),
    );
    let client = client(&server);

    let spec = VmSpec::new(RegionId::from(6), "db2")
        .cores(2)
        .memory_mb(1024)
        .ssh_key(gandi_hosting::model::SshKeyId::from(1461));
    let boot = BootDisk::FromImage {
        source_disk: DiskId::from(34801),
        region: RegionId::from(6),
        size_gb: 10,
        name: None,
    };
    let pending = client
        .submit_create_vm(&spec, &boot, &IpSpec::private(VlanId::from(1201)))
        .unwrap();
    vlan_info.assert();
    iface_create.assert();
    iface_info.assert();
    vm_create.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.vlan.info 1201",
            IFACE_CREATE,
            "operation.info 5004111",
            "hosting.iface.info 7872",
            "hosting.vm.create_from",
        ]
    );
    assert_eq!(
        pending.created(),
        &[
            ResourceId::Interface(InterfaceId::from(7872)),
            ResourceId::Ip(IpId::from(9284)),
            ResourceId::Disk(DiskId::from(34931)),
            ResourceId::Vm(VmId::from(250146)),
        ]
    );
    assert_eq!(
        pending.operation_ids(),
        vec![OperationId::from(5004211), OperationId::from(5004212)]
    );
}

#[test]
fn vm_refused_after_its_private_interface_was_made_names_the_interface() {
    let mut server = Server::new();
    let _vlan_info = expect_calls(
        &mut server,
        INFO,
        vec![int(1201)],
        fixture(INFO, "with_subnet"),
        1,
    );
    let _iface_create = expect_call(
        &mut server,
        IFACE_CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(4)),
            ("vlan", int(1201)),
            ("bandwidth", int(102400)),
        ])],
        fixture(IFACE_CREATE, "private"),
    );
    let _polls = op_sequence(
        &mut server,
        5004111,
        &[op(5004111, "iface_create", "DONE")
            .iface(7872)
            .ip(9284)
            .body()],
    );
    let _iface_info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7872)],
        fixture(IFACE_INFO, "private"),
    );
    let _vm_create = expect_call(
        &mut server,
        "hosting.vm.create_from",
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("hostname", Value::from("db2")),
                ("memory", int(512)),
                ("cores", int(1)),
                ("keys", Value::Array(vec![int(1461)])),
                ("iface_id", int(7872)),
            ]),
            st(&[("datacenter_id", int(6)), ("size", int(10240))]),
            int(34801),
        ],
        fixture("faults", "no_credits"),
    );
    let client = client(&server);

    let spec =
        VmSpec::new(RegionId::from(6), "db2").ssh_key(gandi_hosting::model::SshKeyId::from(1461));
    let boot = BootDisk::FromImage {
        source_disk: DiskId::from(34801),
        region: RegionId::from(6),
        size_gb: 10,
        name: None,
    };
    let err = client
        .submit_create_vm(&spec, &boot, &IpSpec::private(VlanId::from(1201)))
        .unwrap_err();
    assert!(matches!(err, Error::Incomplete(_)), "{err:?}");
    assert_eq!(
        err.created(),
        &[
            ResourceId::Interface(InterfaceId::from(7872)),
            ResourceId::Ip(IpId::from(9284)),
        ]
    );
    assert_eq!(err.fault_code(), Some(530040));
}
