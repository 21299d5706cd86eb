//! IP addresses through the v4 client: Gandi makes and deletes them with their interface
//! (`hosting.iface.create` / `hosting.iface.delete`) and reads them with `hosting.ip.*`.

mod common;

use std::net::IpAddr;

use common::*;
use gandi_hosting::model::{
    InterfaceId, InterfaceKind, InterfaceState, IpFilter, IpId, IpSpec, IpState, IpVersion,
    OperationId, RegionId, ResourceId, VlanId, VmId,
};
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, Hosting};
use mockito::Server;

const IFACE_CREATE: &str = "hosting.iface.create";
const IFACE_INFO: &str = "hosting.iface.info";
const IFACE_DELETE: &str = "hosting.iface.delete";
const IP_INFO: &str = "hosting.ip.info";
const IP_LIST: &str = "hosting.ip.list";

fn addr(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn create_public_v4_ip_returns_the_interface_with_its_ipv4_and_ipv6() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        IFACE_CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(4)),
            ("bandwidth", int(102400)),
        ])],
        fixture(IFACE_CREATE, "public_v4"),
    );
    let polls = op_sequence(
        &mut server,
        5004110,
        &[
            op(5004110, "iface_create", "RUN")
                .iface(7871)
                .ip(9282)
                .body(),
            op(5004110, "iface_create", "DONE")
                .iface(7871)
                .ip(9282)
                .body(),
        ],
    );
    let info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7871)],
        fixture(IFACE_INFO, "public_v4"),
    );
    let client = client(&server);

    let pending = client
        .submit_create_ip(&RegionId::from(6), &IpSpec::public_v4())
        .unwrap();
    assert_eq!(pending.operation_ids(), vec![OperationId::from(5004110)]);
    assert_eq!(
        pending.created(),
        &[
            ResourceId::Interface(InterfaceId::from(7871)),
            ResourceId::Ip(IpId::from(9282)),
        ]
    );
    let iface = client.wait(pending).unwrap();

    create.assert();
    polls.iter().for_each(mockito::Mock::assert);
    info.assert();

    assert_eq!(iface.id, InterfaceId::from(7871));
    assert_eq!(iface.kind, InterfaceKind::Public);
    assert_eq!(iface.state, InterfaceState::Free);
    assert_eq!(iface.region, RegionId::from(6));
    assert_eq!(iface.vm, None);
    assert_eq!(iface.position, None);
    assert_eq!(iface.bandwidth_kbps, Some(102400.0));
    assert_eq!(iface.vlan, None);
    assert_eq!(iface.ip_ids, vec![IpId::from(9282), IpId::from(9283)]);
    assert_eq!(iface.created_at, Some(dt(2021, 3, 15, 8, 12, 4)));

    assert_eq!(iface.ips.len(), 2);
    let v4 = iface.ipv4().expect("an IPv4");
    assert_eq!(v4.id, IpId::from(9282));
    assert_eq!(v4.address, Some(addr("192.0.2.46")));
    assert_eq!(v4.version, IpVersion::V4);
    assert_eq!(v4.position, Some(0));
    assert_eq!(v4.reverse.as_deref(), Some("xvm-2-46.example.net"));
    assert_eq!(v4.interface, Some(InterfaceId::from(7871)));
    assert_eq!(v4.state, IpState::Created);
    let v6 = iface.ipv6().expect("the IPv6 Gandi adds");
    assert_eq!(v6.id, IpId::from(9283));
    assert_eq!(v6.address, Some(addr("2001:db8:dc6:1:216:3eff:fe40:4606")));
    assert_eq!(v6.version, IpVersion::V6);
    assert_eq!(v6.position, Some(1));
    assert_eq!(v6.reverse.as_deref(), Some("xvm6-fe40-4606.example.net"));
    assert_eq!(v6.region, RegionId::from(6));
}

#[test]
fn create_ipv6_only_ip_sends_version_6_and_the_bandwidth() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        IFACE_CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(6)),
            ("bandwidth", int(51200)),
        ])],
        op(5004115, "iface_create", "WAIT")
            .iface(7875)
            .ip(9290)
            .body(),
    );
    let polls = op_sequence(
        &mut server,
        5004115,
        &[op(5004115, "iface_create", "DONE")
            .iface(7875)
            .ip(9290)
            .body()],
    );
    let Value::Struct(iface) = fixture_value(IFACE_INFO, "public_v4") else {
        panic!("a struct")
    };
    let Some(Value::Array(ips)) = iface.get("ips") else {
        panic!("ips")
    };
    let Value::Struct(mut v6) = ips[1].clone() else {
        panic!("an ip struct")
    };
    v6.insert("id", 9290);
    v6.insert("iface_id", 7875);
    v6.insert("num", 0);
    let info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7875)],
        fixture_with(
            IFACE_INFO,
            "public_v4",
            &[
                ("id", int(7875)),
                ("bandwidth", Value::Double(51200.0)),
                ("ips_id", Value::Array(vec![int(9290)])),
                ("ips", Value::Array(vec![Value::Struct(v6)])),
            ],
        ),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let iface = hosting
        .create_ip(
            &RegionId::from(6),
            &IpSpec::public_v6().bandwidth_kbps(51200),
        )
        .unwrap();
    create.assert();
    polls[0].assert();
    info.assert();
    assert_eq!(iface.id, InterfaceId::from(7875));
    assert_eq!(iface.bandwidth_kbps, Some(51200.0));
    assert!(iface.ipv4().is_none());
    let v6 = iface.ipv6().expect("an IPv6");
    assert_eq!(v6.id, IpId::from(9290));
    assert_eq!(v6.version, IpVersion::V6);
    assert_eq!(v6.position, Some(0));
}

#[test]
fn create_private_ip_reads_the_vlan_and_sends_the_chosen_address() {
    let mut server = Server::new();
    let vlan = expect_call(
        &mut server,
        "hosting.vlan.info",
        vec![int(1201)],
        fixture("hosting.vlan.info", "with_subnet"),
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
    let info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7872)],
        fixture(IFACE_INFO, "private"),
    );
    let client = client(&server);

    let iface = client
        .create_ip(
            &RegionId::from(6),
            &IpSpec::private(VlanId::from(1201)).address(addr("198.51.100.12")),
        )
        .unwrap();
    vlan.assert();
    create.assert();
    polls[0].assert();
    info.assert();
    assert_eq!(iface.kind, InterfaceKind::Private);
    let vlan_ref = iface.vlan.expect("a VLAN");
    assert_eq!(vlan_ref.id, VlanId::from(1201));
    assert_eq!(vlan_ref.name, "backnet");
    assert_eq!(iface.ips.len(), 1);
    assert_eq!(iface.ips[0].id, IpId::from(9284));
    assert_eq!(iface.ips[0].address, Some(addr("198.51.100.12")));
}

#[test]
fn create_ip_refuses_addresses_it_cannot_honour_without_creating_anything() {
    let mut server = Server::new();
    let vlan = expect_call(
        &mut server,
        "hosting.vlan.info",
        vec![int(1201)],
        fixture("hosting.vlan.info", "with_subnet"),
    );
    let create = never(&mut server, IFACE_CREATE);
    let client = client(&server);
    let region = RegionId::from(6);

    let outside = IpSpec::private(VlanId::from(1201)).address(addr("10.0.0.5"));
    assert_eq!(
        invalid_field(client.create_ip(&region, &outside)),
        "address"
    );
    let public = IpSpec::public_v4().address(addr("192.0.2.99"));
    assert_eq!(invalid_field(client.create_ip(&region, &public)), "address");
    let zero = IpSpec::public_v4().bandwidth_kbps(0);
    assert_eq!(
        invalid_field(client.create_ip(&region, &zero)),
        "bandwidth_kbps"
    );
    let existing = IpSpec::existing(InterfaceId::from(7871));
    assert_eq!(invalid_field(client.create_ip(&region, &existing)), "spec");
    vlan.assert();
    create.assert();
}

#[test]
fn ip_info_decodes_an_ipv4() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9260)],
        fixture(IP_INFO, "v4"),
    );
    let client = client(&server);

    let ip = client.ip_info(&IpId::from(9260)).unwrap();
    mock.assert();
    assert_eq!(ip.id, IpId::from(9260));
    assert_eq!(ip.address, Some(addr("192.0.2.21")));
    assert_eq!(ip.version, IpVersion::V4);
    assert_eq!(ip.position, Some(0));
    assert_eq!(ip.state, IpState::Created);
    assert_eq!(ip.interface, Some(InterfaceId::from(7860)));
    assert_eq!(ip.region, RegionId::from(6));
    assert_eq!(ip.reverse.as_deref(), Some("xvm-2-21.example.net"));
    assert_eq!(ip.created_at, Some(dt(2021, 2, 13, 9, 12, 4)));
}

#[test]
fn ip_info_decodes_an_ipv6_through_the_trait() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9261)],
        fixture(IP_INFO, "v6"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let ip = hosting.ip(&IpId::from(9261)).unwrap();
    mock.assert();
    assert_eq!(ip.address, Some(addr("2001:db8:dc6:1:216:3eff:fe40:2101")));
    assert_eq!(ip.version, IpVersion::V6);
    assert_eq!(ip.position, Some(1));
    assert_eq!(ip.interface, Some(InterfaceId::from(7860)));
    assert_eq!(ip.reverse.as_deref(), Some("xvm6-fe40-2101.example.net"));
}

#[test]
fn ip_info_of_a_2011_ip_being_created_has_no_address_yet() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9256)],
        fixture(IP_INFO, "being_created_2011"),
    );
    let client = client(&server);

    let ip = client.ip_info(&IpId::from(9256)).unwrap();
    mock.assert();
    assert_eq!(ip.id, IpId::from(9256));
    assert_eq!(ip.address, None);
    assert_eq!(ip.version, IpVersion::V4);
    assert_eq!(ip.state, IpState::BeingCreated);
    assert_eq!(ip.position, None);
    assert_eq!(ip.interface, None);
    assert_eq!(ip.reverse, None);
    assert_eq!(ip.region, RegionId::from(1));
    assert_eq!(ip.created_at, Some(dt(2011, 9, 21, 12, 57, 5)));
}

#[test]
fn ip_info_refuses_a_non_numeric_id_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.ip_info(&IpId::opaque("abc").unwrap())),
        "id"
    );
    none.assert();
}

#[test]
fn list_ips_fetches_every_page() {
    let mut server = Server::new();
    let page = |n: i64| {
        vec![st(&[
            ("datacenter_id", int(6)),
            ("items_per_page", int(100)),
            ("page", int(n)),
        ])]
    };
    let first = expect_call(
        &mut server,
        IP_LIST,
        page(0),
        fixture(IP_LIST, "page0_full"),
    );
    let second = expect_call(
        &mut server,
        IP_LIST,
        page(1),
        fixture(IP_LIST, "page1_short"),
    );
    let client = client(&server);

    let ips = client
        .list_ips(&IpFilter::new().region(RegionId::from(6)))
        .unwrap();
    first.assert();
    second.assert();
    assert_eq!(calls(&server), [IP_LIST, IP_LIST]);

    assert_eq!(ips.len(), 106);
    for (i, ip) in ips.iter().enumerate() {
        let k = i as i64 / 2;
        assert_eq!(ip.id, IpId::from(9300 + i as i64));
        assert_eq!(ip.interface, Some(InterfaceId::from(8000 + k)));
        if i % 2 == 0 {
            assert_eq!(ip.version, IpVersion::V4);
            assert_eq!(ip.position, Some(0));
            assert_eq!(ip.address, Some(addr(&format!("192.0.2.{}", 100 + k))));
        } else {
            assert_eq!(ip.version, IpVersion::V6);
            assert_eq!(ip.position, Some(1));
            assert!(matches!(ip.address, Some(IpAddr::V6(_))), "{ip:?}");
        }
        assert_eq!(ip.reverse, Some(format!("xvm-p{k}.example.net")));
    }
    assert_eq!(
        ips[105].address,
        Some(addr("2001:db8:dc6:2:216:3eff:fe41:134"))
    );
}

#[test]
fn list_ips_sends_the_version_interface_and_address_filters() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        IP_LIST,
        vec![st(&[
            ("version", int(4)),
            ("iface_id", int(7871)),
            ("ip", Value::from("192.0.2.46")),
            ("items_per_page", int(100)),
            ("page", int(0)),
        ])],
        fixture(IP_LIST, "all"),
    );
    let client = client(&server);

    let ips = client
        .list_ips(
            &IpFilter::new()
                .version(IpVersion::V4)
                .interface(InterfaceId::from(7871))
                .address(addr("192.0.2.46")),
        )
        .unwrap();
    mock.assert();
    assert_eq!(ips.len(), 8);
    // Private addresses have an empty reverse, which reads as none.
    assert_eq!(ips[4].id, IpId::from(9270));
    assert_eq!(ips[4].reverse, None);
}

#[test]
fn count_ips_sends_the_filter() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.ip.count",
        vec![st(&[("version", int(6))])],
        fixture("hosting.ip.count", "n"),
    );
    let client = client(&server);

    assert_eq!(
        client
            .count_ips(&IpFilter::new().version(IpVersion::V6))
            .unwrap(),
        106
    );
    mock.assert();
}

#[test]
fn delete_ip_deletes_its_detached_interface() {
    let mut server = Server::new();
    let ip = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9282)],
        fixture_with(
            IP_INFO,
            "v4",
            &[
                ("id", int(9282)),
                ("ip", Value::from("192.0.2.46")),
                ("iface_id", int(7871)),
            ],
        ),
    );
    let iface = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7871)],
        fixture(IFACE_INFO, "public_v4"),
    );
    let delete = expect_call(
        &mut server,
        IFACE_DELETE,
        vec![int(7871)],
        fixture(IFACE_DELETE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004112,
        &[
            op(5004112, "iface_delete", "RUN").iface(7871).body(),
            op(5004112, "iface_delete", "DONE").iface(7871).body(),
        ],
    );
    let client = client(&server);

    client.delete_ip(&IpId::from(9282)).unwrap();
    ip.assert();
    iface.assert();
    delete.assert();
    polls.iter().for_each(mockito::Mock::assert);
    assert_eq!(
        calls(&server),
        [
            "hosting.ip.info 9282",
            "hosting.iface.info 7871",
            "hosting.iface.delete 7871",
            "operation.info 5004112",
            "operation.info 5004112",
        ]
    );
}

#[test]
fn delete_ip_is_refused_while_its_interface_is_attached() {
    let mut server = Server::new();
    let ip = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9260)],
        fixture(IP_INFO, "v4"),
    );
    let iface = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7860)],
        fixture_with(
            IFACE_INFO,
            "public_v4",
            &[
                ("id", int(7860)),
                ("vm_id", int(250140)),
                ("num", int(0)),
                ("state", Value::from("used")),
            ],
        ),
    );
    let delete = never(&mut server, IFACE_DELETE);
    let client = client(&server);

    let err = client.delete_ip(&IpId::from(9260)).unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "id");
            assert!(reason.contains("7860"), "{reason}");
            assert!(reason.contains(&VmId::from(250140).to_string()), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    ip.assert();
    iface.assert();
    delete.assert();
}

#[test]
fn delete_ip_without_an_interface_is_refused() {
    let mut server = Server::new();
    let ip = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9256)],
        fixture(IP_INFO, "being_created_2011"),
    );
    let delete = never(&mut server, IFACE_DELETE);
    let client = client(&server);

    assert_eq!(invalid_field(client.delete_ip(&IpId::from(9256))), "ip");
    ip.assert();
    delete.assert();
}
