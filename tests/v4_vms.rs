//! Virtual machines (`hosting.vm.*`) through the v4 client: every way of creating one, reading,
//! listing, updating, power, deletion in its three flavours, attaching and detaching disks and
//! IPs, and the checks that refuse bad input before any request.

mod common;

use std::net::IpAddr;

use common::*;
use gandi_hosting::model::{
    BootDisk, DeleteVm, DiskId, DiskState, InterfaceId, InterfaceKind, InterfaceState, IpId,
    IpSpec, IpState, IpVersion, OperationId, RegionId, ResourceId, SshKeyId, VlanId, VmFilter,
    VmId, VmSpec, VmState, VmUpdate,
};
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, Hosting};
use mockito::{Mock, Server};

const CREATE: &str = "hosting.vm.create";
const CREATE_FROM: &str = "hosting.vm.create_from";
const INFO: &str = "hosting.vm.info";
const LIST: &str = "hosting.vm.list";
const DELETE: &str = "hosting.vm.delete";
const STOP: &str = "hosting.vm.stop";

fn addr(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// `hosting.vm.info` of `id` answered `hits` times with `body`.
fn vm_info(server: &mut Server, id: i64, body: String, hits: usize) -> Mock {
    expect_calls(server, INFO, vec![int(id)], body, hits)
}

/// One `operation.info` of `id` answered DONE.
fn done(server: &mut Server, id: i64, kind: &str) -> Mock {
    expect_call(
        server,
        "operation.info",
        vec![int(id)],
        op(id, kind, "DONE").body(),
    )
}

/// The boot disk of web2: a 10 GB copy of Debian 12 (image disk 34801) in region 6.
fn debian_boot() -> BootDisk {
    BootDisk::FromImage {
        source_disk: DiskId::from(34801),
        region: RegionId::from(6),
        size_gb: 10,
        name: Some("sys_web2".to_owned()),
    }
}

/// The `disk_spec` sent for [`debian_boot`].
fn debian_disk_spec() -> Value {
    st(&[
        ("datacenter_id", int(6)),
        ("size", int(10240)),
        ("name", Value::from("sys_web2")),
    ])
}

/// web2 with only an account SSH key to log in.
fn web2() -> VmSpec {
    VmSpec::new(RegionId::from(6), "web2").ssh_key(SshKeyId::from(1461))
}

/// The `vm_spec` sent for [`web2`] (network keys not included).
fn web2_spec(extra: &[(&str, Value)]) -> Value {
    let mut members = vec![
        ("datacenter_id", int(6)),
        ("hostname", Value::from("web2")),
        ("memory", int(512)),
        ("cores", int(1)),
        ("keys", Value::Array(vec![int(1461)])),
    ];
    members.extend(extra.iter().cloned());
    st(&members)
}

fn public_v4_keys() -> [(&'static str, Value); 2] {
    [("ip_version", int(4)), ("bandwidth", int(102400))]
}

/// `hosting.vm.create_from` for web2 answered with `body`.
fn create_from_web2(server: &mut Server, body: String) -> Mock {
    expect_call(
        server,
        CREATE_FROM,
        vec![web2_spec(&public_v4_keys()), debian_disk_spec(), int(34801)],
        body,
    )
}

// ----- creation -----

#[test]
fn create_vm_from_an_image_with_a_new_ip_sends_one_create_from_and_polls_all_three_operations() {
    let mut server = Server::new();
    let images = expect_call(
        &mut server,
        "hosting.image.list",
        vec![st(&[("datacenter_id", int(6))])],
        fixture("hosting.image.list", "fr_sd6"),
    );
    let create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("hostname", Value::from("web2")),
                ("memory", int(512)),
                ("cores", int(1)),
                ("keys", Value::Array(vec![int(1461)])),
                ("ssh_key", Value::from(SSH_KEY)),
                ("login", Value::from("alex")),
                ("password", Value::from("correct-horse")),
                ("ip_version", int(4)),
                ("bandwidth", int(102400)),
            ]),
            debian_disk_spec(),
            int(34801),
        ],
        fixture(CREATE_FROM, "three_ops"),
    );
    let disk_op = op_sequence(
        &mut server,
        5004201,
        &[op(5004201, "disk_create", "DONE").disk(34930).body()],
    );
    let iface_op = op_sequence(
        &mut server,
        5004202,
        &[
            op(5004202, "iface_create", "RUN")
                .iface(7870)
                .ip(9280)
                .body(),
            op(5004202, "iface_create", "DONE")
                .iface(7870)
                .ip(9280)
                .body(),
        ],
    );
    let vm_op = op_sequence(
        &mut server,
        5004203,
        &[
            fixture("operation.info", "wait"),
            fixture("operation.info", "run"),
            fixture("operation.info", "done"),
        ],
    );
    let info = vm_info(&mut server, 250145, fixture(INFO, "being_created"), 1);
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let image = hosting
        .image_by_name("Debian 12 64 bits (HVM)", &RegionId::from(6))
        .unwrap();
    let spec = VmSpec::new(RegionId::from(6), "web2")
        .cores(1)
        .memory_mb(512)
        .ssh_key(SshKeyId::from(1461))
        .ssh_public_key(SSH_KEY)
        .login("alex", "correct-horse");
    let vm = hosting
        .create_vm(
            &spec,
            &BootDisk::from_image(&image, 10).name("sys_web2"),
            &IpSpec::public_v4(),
        )
        .unwrap();

    images.assert();
    create.assert();
    for m in disk_op.iter().chain(&iface_op).chain(&vm_op) {
        m.assert();
    }
    info.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.image.list",
            CREATE_FROM,
            "operation.info 5004201",
            "operation.info 5004202",
            "operation.info 5004203",
            "operation.info 5004202",
            "operation.info 5004203",
            "operation.info 5004203",
            "hosting.vm.info 250145",
        ]
    );

    assert_eq!(vm.id, VmId::from(250145));
    assert_eq!(vm.hostname, "web2");
    assert_eq!(vm.state, VmState::BeingCreated);
    assert_eq!(vm.cores, 1);
    assert_eq!(vm.memory_mb, 512);
    assert_eq!(vm.max_memory_mb, Some(2048));
    assert!(!vm.console);
    assert_eq!(vm.console_url, None);
    assert_eq!(vm.region, RegionId::from(6));
    assert_eq!(vm.disk_ids, vec![DiskId::from(34930)]);
    assert_eq!(vm.interface_ids, vec![InterfaceId::from(7870)]);
    assert_eq!(vm.disks.len(), 1);
    assert_eq!(vm.disks[0].name, "sys_web2");
    assert_eq!(vm.disks[0].size_gb, 10);
    assert_eq!(vm.disks[0].state, DiskState::BeingCreated);
    assert!(vm.disks[0].is_boot_disk);
    let iface = &vm.interfaces[0];
    assert_eq!(iface.state, InterfaceState::BeingCreated);
    assert_eq!(iface.vm, Some(VmId::from(250145)));
    assert_eq!(iface.ipv4().unwrap().address, Some(addr("192.0.2.45")));
    assert_eq!(iface.ipv4().unwrap().state, IpState::BeingCreated);
    assert_eq!(iface.ipv6().unwrap().id, IpId::from(9281));
    assert_eq!(vm.created_at, Some(dt(2021, 3, 15, 9, 11, 44)));
}

#[test]
fn create_vm_finds_the_vm_operation_by_type_not_by_position() {
    let mut server = Server::new();
    // The same three operations as `three_ops.xml`, with the VM's first and the disk's last.
    let create = create_from_web2(
        &mut server,
        ops_body(vec![
            op(5004203, "vm_create", "WAIT").vm(250145),
            op(5004202, "iface_create", "WAIT").iface(7870).ip(9280),
            op(5004201, "disk_create", "WAIT").disk(34930),
        ]),
    );
    let polls = [
        done(&mut server, 5004203, "vm_create"),
        done(&mut server, 5004202, "iface_create"),
        done(&mut server, 5004201, "disk_create"),
    ];
    let info = vm_info(&mut server, 250145, fixture(INFO, "being_created"), 1);
    let client = client(&server);

    let pending = client
        .submit_create_vm(&web2(), &debian_boot(), &IpSpec::public_v4())
        .unwrap();
    assert_eq!(
        pending.operation_ids(),
        [5004203, 5004202, 5004201].map(OperationId::from)
    );
    assert_eq!(
        pending.created(),
        &[
            ResourceId::Vm(VmId::from(250145)),
            ResourceId::Interface(InterfaceId::from(7870)),
            ResourceId::Ip(IpId::from(9280)),
            ResourceId::Disk(DiskId::from(34930)),
        ]
    );
    let vm = client.wait(pending).unwrap();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(vm.id, VmId::from(250145));
}

#[test]
fn create_vm_with_an_existing_interface_sends_its_id_and_waits_for_two_operations() {
    let mut server = Server::new();
    let iface = expect_call(
        &mut server,
        "hosting.iface.info",
        vec![int(7874)],
        fixture_with("hosting.iface.info", "public_v4", &[("id", int(7874))]),
    );
    let create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            web2_spec(&[("iface_id", int(7874))]),
            debian_disk_spec(),
            int(34801),
        ],
        fixture(CREATE_FROM, "two_ops_with_iface"),
    );
    let polls = [
        done(&mut server, 5004211, "disk_create"),
        done(&mut server, 5004212, "vm_create"),
    ];
    let info = vm_info(
        &mut server,
        250146,
        fixture_with(INFO, "being_created", &[("id", int(250146))]),
        1,
    );
    let client = client(&server);

    let pending = client
        .submit_create_vm(
            &web2(),
            &debian_boot(),
            &IpSpec::existing(InterfaceId::from(7874)),
        )
        .unwrap();
    assert_eq!(
        pending.created(),
        &[
            ResourceId::Disk(DiskId::from(34931)),
            ResourceId::Vm(VmId::from(250146)),
        ]
    );
    let vm = client.wait(pending).unwrap();
    iface.assert();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(vm.id, VmId::from(250146));
}

#[test]
fn create_vm_on_an_existing_boot_disk_uses_vm_create_with_sys_disk_id() {
    let mut server = Server::new();
    let disk = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34926)],
        fixture("hosting.disk.info", "data"),
    );
    let mut keys = public_v4_keys().to_vec();
    keys.push(("sys_disk_id", int(34926)));
    let create = expect_call(
        &mut server,
        CREATE,
        vec![web2_spec(&keys)],
        fixture(CREATE, "two_ops"),
    );
    let polls = [
        done(&mut server, 5004221, "iface_create"),
        done(&mut server, 5004222, "vm_create"),
    ];
    let info = vm_info(
        &mut server,
        250147,
        fixture_with(INFO, "being_created", &[("id", int(250147))]),
        1,
    );
    let client = client(&server);

    let pending = client
        .submit_create_vm(
            &web2(),
            &BootDisk::existing(DiskId::from(34926)),
            &IpSpec::public_v4(),
        )
        .unwrap();
    assert_eq!(
        pending.created(),
        &[
            ResourceId::Interface(InterfaceId::from(7873)),
            ResourceId::Ip(IpId::from(9285)),
            ResourceId::Vm(VmId::from(250147)),
        ]
    );
    let vm = client.wait(pending).unwrap();
    disk.assert();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(vm.id, VmId::from(250147));
}

#[test]
fn create_vm_on_an_existing_disk_and_interface_waits_for_the_single_operation() {
    let mut server = Server::new();
    let disk = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34926)],
        fixture("hosting.disk.info", "data"),
    );
    let iface = expect_call(
        &mut server,
        "hosting.iface.info",
        vec![int(7874)],
        fixture_with("hosting.iface.info", "public_v4", &[("id", int(7874))]),
    );
    let create = expect_call(
        &mut server,
        CREATE,
        vec![web2_spec(&[
            ("iface_id", int(7874)),
            ("sys_disk_id", int(34926)),
        ])],
        fixture(CREATE, "one_op"),
    );
    let poll = done(&mut server, 5004231, "vm_create");
    let info = vm_info(
        &mut server,
        250148,
        fixture_with(INFO, "being_created", &[("id", int(250148))]),
        1,
    );
    let client = client(&server);

    let vm = client
        .create_vm(
            &web2(),
            &BootDisk::existing(DiskId::from(34926)),
            &IpSpec::existing(InterfaceId::from(7874)),
        )
        .unwrap();
    disk.assert();
    iface.assert();
    create.assert();
    poll.assert();
    info.assert();
    assert_eq!(vm.id, VmId::from(250148));
}

#[test]
fn create_vm_attaches_data_disks_then_extra_interfaces_after_the_vm_exists() {
    let mut server = Server::new();
    let disk = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34926)],
        fixture("hosting.disk.info", "data"),
    );
    let iface = expect_call(
        &mut server,
        "hosting.iface.info",
        vec![int(7871)],
        fixture("hosting.iface.info", "public_v4"),
    );
    let create = create_from_web2(&mut server, fixture(CREATE_FROM, "three_ops"));
    let polls = [
        done(&mut server, 5004201, "disk_create"),
        done(&mut server, 5004202, "iface_create"),
        done(&mut server, 5004203, "vm_create"),
    ];
    let attach_disk = expect_call(
        &mut server,
        "hosting.vm.disk_attach",
        vec![int(250145), int(34926)],
        op(5004245, "disk_attach", "WAIT")
            .vm(250145)
            .disk(34926)
            .body(),
    );
    let disk_op = done(&mut server, 5004245, "disk_attach");
    let attach_iface = expect_call(
        &mut server,
        "hosting.vm.iface_attach",
        vec![int(250145), int(7871)],
        op(5004247, "iface_attach", "WAIT")
            .vm(250145)
            .iface(7871)
            .body(),
    );
    let iface_op = done(&mut server, 5004247, "iface_attach");
    let info = vm_info(&mut server, 250145, fixture(INFO, "being_created"), 1);
    let client = client(&server);

    let spec = web2()
        .data_disk(DiskId::from(34926))
        .extra_interface(InterfaceId::from(7871));
    let vm = client
        .create_vm(&spec, &debian_boot(), &IpSpec::public_v4())
        .unwrap();
    for m in [
        &disk,
        &iface,
        &create,
        &attach_disk,
        &disk_op,
        &attach_iface,
        &iface_op,
        &info,
    ] {
        m.assert();
    }
    polls.iter().for_each(Mock::assert);
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34926",
            "hosting.iface.info 7871",
            CREATE_FROM,
            "operation.info 5004201",
            "operation.info 5004202",
            "operation.info 5004203",
            "hosting.vm.disk_attach 250145",
            "operation.info 5004245",
            "hosting.vm.iface_attach 250145",
            "operation.info 5004247",
            "hosting.vm.info 250145",
        ]
    );
    assert_eq!(vm.id, VmId::from(250145));
}

#[test]
fn create_vm_refuses_data_disks_it_cannot_attach_before_creating_anything() {
    let mut server = Server::new();
    let other_region = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34918)],
        fixture("hosting.disk.info", "2011"),
    );
    let attached = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34920)],
        fixture("hosting.disk.info", "boot_attached"),
    );
    let free = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34926)],
        fixture("hosting.disk.info", "data"),
    );
    let create = never(&mut server, CREATE_FROM);
    let client = client(&server);

    for disk in [34918, 34920] {
        let spec = web2().data_disk(DiskId::from(disk));
        assert_eq!(
            invalid_field(client.create_vm(&spec, &debian_boot(), &IpSpec::public_v4())),
            "data_disks",
            "disk {disk}"
        );
    }
    let twice = web2()
        .data_disk(DiskId::from(34926))
        .data_disk(DiskId::from(34926));
    assert_eq!(
        invalid_field(client.create_vm(&twice, &debian_boot(), &IpSpec::public_v4())),
        "data_disks"
    );
    other_region.assert();
    attached.assert();
    free.assert();
    create.assert();
}

#[test]
fn create_vm_refuses_an_attached_boot_disk_before_creating_anything() {
    let mut server = Server::new();
    let disk = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34920)],
        fixture("hosting.disk.info", "boot_attached"),
    );
    let create = never(&mut server, CREATE);
    let client = client(&server);

    let err = client
        .create_vm(
            &web2(),
            &BootDisk::existing(DiskId::from(34920)),
            &IpSpec::public_v4(),
        )
        .unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "boot");
            assert!(reason.contains("250140"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    disk.assert();
    create.assert();
}

#[test]
fn create_vm_in_a_vlan_reports_the_private_interface_when_the_vm_is_refused() {
    let mut server = Server::new();
    let vlan = expect_calls(
        &mut server,
        "hosting.vlan.info",
        vec![int(1201)],
        fixture("hosting.vlan.info", "with_subnet"),
        1,
    );
    let iface_create = expect_call(
        &mut server,
        "hosting.iface.create",
        vec![st(&[
            ("datacenter_id", int(6)),
            ("ip_version", int(4)),
            ("vlan", int(1201)),
            ("bandwidth", int(102400)),
        ])],
        fixture("hosting.iface.create", "private"),
    );
    let poll = done(&mut server, 5004111, "iface_create");
    let iface = expect_call(
        &mut server,
        "hosting.iface.info",
        vec![int(7872)],
        fixture("hosting.iface.info", "private"),
    );
    let create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            web2_spec(&[("iface_id", int(7872))]),
            debian_disk_spec(),
            int(34801),
        ],
        fixture("faults", "no_credits"),
    );
    let client = client(&server);

    let err = client
        .create_vm(
            &web2(),
            &debian_boot(),
            &IpSpec::private(VlanId::from(1201)),
        )
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
    let text = err.to_string();
    assert!(text.contains("interface 7872"), "{text}");
    for m in [&vlan, &iface_create, &poll, &iface, &create] {
        m.assert();
    }
}

// ----- validation: refused with the field named, nothing sent -----

/// Runs `f` against a client whose server must receive no request, and returns the field of
/// the `InvalidInput` error.
fn refused<T: std::fmt::Debug>(
    f: impl FnOnce(&gandi_hosting::v4::Client) -> gandi_hosting::Result<T>,
) -> String {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);
    let field = invalid_field(f(&client));
    none.assert();
    field
}

fn create_refused(spec: VmSpec) -> String {
    refused(|c| c.create_vm(&spec, &debian_boot(), &IpSpec::public_v4()))
}

#[test]
fn hostnames_must_be_dns_labels() {
    for bad in [
        "",
        "-web",
        "web-",
        "web_1",
        "web.example.net",
        "wéb",
        &"a".repeat(64),
    ] {
        let spec = VmSpec::new(RegionId::from(6), bad).ssh_key(SshKeyId::from(1461));
        assert_eq!(create_refused(spec), "hostname", "{bad:?}");
    }
}

#[test]
fn memory_must_be_a_multiple_of_64_and_at_least_256_mb() {
    for mb in [300, 128, 0, 255, 1000] {
        assert_eq!(create_refused(web2().memory_mb(mb)), "memory_mb", "{mb}");
    }
}

#[test]
fn cores_must_be_between_1_and_32() {
    assert_eq!(create_refused(web2().cores(0)), "cores");
    assert_eq!(create_refused(web2().cores(33)), "cores");
}

#[test]
fn a_boot_disk_of_zero_gb_is_refused() {
    let boot = BootDisk::FromImage {
        source_disk: DiskId::from(34801),
        region: RegionId::from(6),
        size_gb: 0,
        name: None,
    };
    assert_eq!(
        refused(|c| c.create_vm(&web2(), &boot, &IpSpec::public_v4())),
        "size_gb"
    );
}

#[test]
fn a_vm_needs_a_way_to_log_in() {
    let spec = VmSpec::new(RegionId::from(6), "web2");
    assert_eq!(create_refused(spec), "credentials");
}

#[test]
fn a_login_needs_a_password_of_at_least_8_characters() {
    let mut spec = VmSpec::new(RegionId::from(6), "web2");
    spec.login = Some("alex".to_owned());
    assert_eq!(create_refused(spec), "password");

    let short = VmSpec::new(RegionId::from(6), "web2").login("alex", "short");
    assert_eq!(create_refused(short), "password");
    assert_eq!(create_refused(web2().password("1234567")), "password");

    let bad_login = VmSpec::new(RegionId::from(6), "web2").login("Alex Doe", "long-enough");
    assert_eq!(create_refused(bad_login), "login");
}

#[test]
fn a_raw_ssh_key_must_be_an_openssh_public_key_line() {
    for bad in [
        "ssh-rsa AAAA",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "not a key at all",
        // Valid base64, but the blob holds an ed25519 key while the text says rsa.
        &SSH_KEY.replacen("ssh-ed25519", "ssh-rsa", 1),
    ] {
        let spec = VmSpec::new(RegionId::from(6), "web2").ssh_public_key(bad);
        assert_eq!(create_refused(spec), "ssh_public_key", "{bad:?}");
    }
}

#[test]
fn the_image_must_be_in_the_vm_region() {
    let boot = BootDisk::FromImage {
        source_disk: DiskId::from(34801),
        region: RegionId::from(5),
        size_gb: 10,
        name: None,
    };
    assert_eq!(
        refused(|c| c.create_vm(&web2(), &boot, &IpSpec::public_v4())),
        "boot"
    );
}

#[test]
fn an_existing_interface_keeps_its_settings() {
    let network = IpSpec::existing(InterfaceId::from(7874)).bandwidth_kbps(1000);
    assert_eq!(
        refused(|c| c.create_vm(&web2(), &debian_boot(), &network)),
        "network"
    );
}

#[test]
fn non_numeric_ids_are_refused_naming_the_field() {
    let opaque_vm = || VmId::opaque("abc").unwrap();
    assert_eq!(refused(|c| c.vm_info(&opaque_vm())), "id");
    assert_eq!(refused(|c| c.start_vm(&opaque_vm())), "id");
    assert_eq!(refused(|c| c.stop_vm(&opaque_vm())), "id");
    assert_eq!(
        refused(|c| c.update_vm(&opaque_vm(), &VmUpdate::new().cores(2))),
        "id"
    );
    assert_eq!(
        refused(|c| c.delete_vm(&opaque_vm(), &DeleteVm::cascade())),
        "id"
    );
    assert_eq!(
        refused(|c| c.attach_disk(&opaque_vm(), &DiskId::from(34926), None)),
        "vm"
    );
    assert_eq!(
        refused(|c| c.detach_disk(&VmId::from(250140), &DiskId::opaque("d").unwrap())),
        "disk"
    );
    assert_eq!(
        refused(|c| c.attach_ip(&VmId::from(250140), &IpId::opaque("ip").unwrap())),
        "ip"
    );
    let region =
        VmSpec::new(RegionId::opaque("fr-sd6").unwrap(), "web2").ssh_key(SshKeyId::from(1));
    assert_eq!(create_refused(region), "region");
    let key = VmSpec::new(RegionId::from(6), "web2").ssh_key(SshKeyId::opaque("k").unwrap());
    assert_eq!(create_refused(key), "ssh_keys");
    let boot = BootDisk::FromImage {
        source_disk: DiskId::opaque("image-disk").unwrap(),
        region: RegionId::from(6),
        size_gb: 10,
        name: None,
    };
    assert_eq!(
        refused(|c| c.create_vm(&web2(), &boot, &IpSpec::public_v4())),
        "boot"
    );
}

// ----- reading and listing -----

#[test]
fn vm_info_decodes_disks_interfaces_ips_console_memory_and_dates() {
    let mut server = Server::new();
    let mock = vm_info(&mut server, 250140, fixture(INFO, "running"), 1);
    let client = client(&server);

    let vm = client.vm_info(&VmId::from(250140)).unwrap();
    mock.assert();
    assert_eq!(vm.id, VmId::from(250140));
    assert_eq!(vm.hostname, "web1");
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(vm.cores, 2);
    assert_eq!(vm.memory_mb, 2048);
    assert_eq!(vm.max_memory_mb, Some(4096));
    assert!(!vm.console);
    assert_eq!(vm.console_url.as_deref(), Some("console.gandi.net"));
    assert_eq!(vm.region, RegionId::from(6));
    assert_eq!(vm.description, None);
    assert_eq!(vm.farm, None);
    assert_eq!(vm.created_at, Some(dt(2021, 2, 13, 9, 12, 4)));
    assert_eq!(vm.updated_at, Some(dt(2021, 2, 13, 9, 22, 4)));

    assert_eq!(vm.disk_ids, [34920, 34925].map(DiskId::from));
    let boot = &vm.disks[0];
    assert_eq!(boot.id, DiskId::from(34920));
    assert_eq!(boot.name, "sys_web1");
    assert_eq!(boot.size_gb, 20);
    assert_eq!(boot.state, DiskState::Running);
    assert!(boot.is_boot_disk);
    assert_eq!(boot.vm_ids, vec![VmId::from(250140)]);
    assert_eq!(boot.source, Some(DiskId::from(34801)));
    let data = &vm.disks[1];
    assert_eq!(data.id, DiskId::from(34925));
    assert_eq!(data.name, "data_web1");
    assert_eq!(data.size_gb, 50);
    assert_eq!(data.state, DiskState::Created);
    assert!(!data.is_boot_disk);

    assert_eq!(vm.interface_ids, [7860, 7865].map(InterfaceId::from));
    let public = &vm.interfaces[0];
    assert_eq!(public.kind, InterfaceKind::Public);
    assert_eq!(public.state, InterfaceState::Used);
    assert_eq!(public.position, Some(0));
    assert_eq!(public.vm, Some(VmId::from(250140)));
    assert_eq!(public.bandwidth_kbps, Some(102400.0));
    assert_eq!(public.ip_ids, [9260, 9261].map(IpId::from));
    assert_eq!(public.ips[0].address, Some(addr("192.0.2.21")));
    assert_eq!(public.ips[0].version, IpVersion::V4);
    assert_eq!(
        public.ips[0].reverse.as_deref(),
        Some("xvm-2-21.example.net")
    );
    assert_eq!(
        public.ips[1].address,
        Some(addr("2001:db8:dc6:1:216:3eff:fe40:2101"))
    );
    assert_eq!(public.ips[1].version, IpVersion::V6);
    let private = &vm.interfaces[1];
    assert_eq!(private.kind, InterfaceKind::Private);
    assert_eq!(private.position, None);
    let vlan = private.vlan.as_ref().expect("a VLAN");
    assert_eq!(vlan.id, VlanId::from(1201));
    assert_eq!(vlan.name, "backnet");
    assert_eq!(private.ips.len(), 1);
    assert_eq!(private.ips[0].id, IpId::from(9270));
    assert_eq!(private.ips[0].address, Some(addr("198.51.100.11")));
    assert_eq!(private.ips[0].reverse, None);
}

#[test]
fn vm_info_of_an_unknown_vm_is_a_not_found_fault() {
    let mut server = Server::new();
    let mock = vm_info(&mut server, 999999, fixture("faults", "not_found_vm"), 1);
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let err = hosting.vm(&VmId::from(999999)).unwrap_err();
    mock.assert();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.fault_code(), Some(530242));
}

#[test]
fn list_vms_sends_the_filters_on_every_page() {
    let mut server = Server::new();
    let page = |n: i64| {
        vec![st(&[
            ("datacenter_id", int(6)),
            ("state", Value::from("running")),
            ("farm", Value::from("prod")),
            ("hostname", Value::from("node")),
            ("items_per_page", int(100)),
            ("page", int(n)),
        ])]
    };
    let first = expect_call(&mut server, LIST, page(0), fixture(LIST, "page0_full"));
    let second = expect_call(&mut server, LIST, page(1), fixture(LIST, "page1_short"));
    let client = client(&server);

    let vms = client
        .list_vms(
            &VmFilter::new()
                .region(RegionId::from(6))
                .state(VmState::Running)
                .farm("prod")
                .hostname("node"),
        )
        .unwrap();
    first.assert();
    second.assert();
    assert_eq!(calls(&server), [LIST, LIST]);

    assert_eq!(vms.len(), 103);
    for (i, vm) in vms.iter().enumerate() {
        assert_eq!(vm.id, VmId::from(251000 + i as i64));
        assert_eq!(vm.hostname, format!("node{i:03}"));
        let state = if i % 3 == 0 {
            VmState::Halted
        } else {
            VmState::Running
        };
        assert_eq!(vm.state, state, "vm {i}");
        assert_eq!(vm.cores, 1);
        assert_eq!(vm.memory_mb, 1024);
        assert_eq!(vm.disk_ids, vec![DiskId::from(36000 + i as i64)]);
        assert_eq!(vm.interface_ids, vec![InterfaceId::from(8500 + i as i64)]);
        assert!(vm.disks.is_empty() && vm.interfaces.is_empty());
    }
    assert_eq!(vms[0].created_at, Some(dt(2020, 10, 16, 9, 12, 4)));
    assert_eq!(vms[102].created_at, Some(dt(2020, 10, 16, 10, 54, 4)));
}

#[test]
fn list_vms_through_the_trait_reads_summaries() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        LIST,
        vec![st(&[("items_per_page", int(100)), ("page", int(0))])],
        fixture(LIST, "all"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let vms = hosting.vms(&VmFilter::new()).unwrap();
    mock.assert();
    let names: Vec<&str> = vms.iter().map(|v| v.hostname.as_str()).collect();
    assert_eq!(names, ["web1", "db1", "web2"]);
    assert_eq!(vms[0].memory_mb, 2048);
    assert_eq!(vms[0].max_memory_mb, Some(4096));
    assert_eq!(vms[1].state, VmState::Halted);
    assert_eq!(vms[2].state, VmState::BeingCreated);
    assert_eq!(vms[2].created_at, Some(dt(2021, 3, 15, 9, 11, 44)));
}

#[test]
fn count_vms_sends_the_filter() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.vm.count",
        vec![st(&[("hostname", Value::from("web1"))])],
        fixture("hosting.vm.count", "n"),
    );
    let client = client(&server);

    assert_eq!(
        client.count_vms(&VmFilter::new().hostname("web1")).unwrap(),
        103
    );
    mock.assert();
}

// ----- update and power -----

#[test]
fn update_vm_sends_only_the_keys_set_and_an_explicit_false_console() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        "hosting.vm.update",
        vec![
            int(250140),
            st(&[("memory", int(1024)), ("console", Value::Bool(false))]),
        ],
        fixture("hosting.vm.update", "op"),
    );
    let poll = done(&mut server, 5004240, "vm_update");
    let info = vm_info(
        &mut server,
        250140,
        fixture_with(INFO, "running", &[("memory", int(1024))]),
        1,
    );
    let client = client(&server);

    let vm = client
        .update_vm(
            &VmId::from(250140),
            &VmUpdate::new().memory_mb(1024).console(false),
        )
        .unwrap();
    update.assert();
    poll.assert();
    info.assert();
    assert_eq!(vm.memory_mb, 1024);
}

#[test]
fn update_vm_maps_every_field_to_its_v4_key() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        "hosting.vm.update",
        vec![
            int(250140),
            st(&[
                ("cores", int(4)),
                ("memory", int(2048)),
                ("vm_max_memory", int(4096)),
                ("hostname", Value::from("web1b")),
                ("console", Value::Bool(true)),
                ("password", Value::from("n3w-passw0rd")),
            ]),
        ],
        fixture("hosting.vm.update", "op"),
    );
    let poll = done(&mut server, 5004240, "vm_update");
    let info = vm_info(
        &mut server,
        250140,
        fixture_with(
            INFO,
            "running",
            &[
                ("cores", int(4)),
                ("hostname", Value::from("web1b")),
                ("console", int(1)),
            ],
        ),
        1,
    );
    let client = client(&server);

    let vm = client
        .update_vm(
            &VmId::from(250140),
            &VmUpdate::new()
                .cores(4)
                .memory_mb(2048)
                .max_memory_mb(4096)
                .hostname("web1b")
                .console(true)
                .password("n3w-passw0rd"),
        )
        .unwrap();
    update.assert();
    poll.assert();
    info.assert();
    assert_eq!(vm.cores, 4);
    assert_eq!(vm.hostname, "web1b");
    assert!(vm.console);
}

#[test]
fn update_vm_refuses_bad_updates_without_a_call() {
    let id = VmId::from(250140);
    assert_eq!(refused(|c| c.update_vm(&id, &VmUpdate::new())), "update");
    assert_eq!(
        refused(|c| c.update_vm(&id, &VmUpdate::new().memory_mb(4096).max_memory_mb(2048))),
        "memory_mb"
    );
    assert_eq!(
        refused(|c| c.update_vm(&id, &VmUpdate::new().max_memory_mb(100))),
        "max_memory_mb"
    );
    assert_eq!(
        refused(|c| c.update_vm(&id, &VmUpdate::new().cores(0))),
        "cores"
    );
    assert_eq!(
        refused(|c| c.update_vm(&id, &VmUpdate::new().hostname("web 1"))),
        "hostname"
    );
    assert_eq!(
        refused(|c| c.update_vm(&id, &VmUpdate::new().password("short"))),
        "password"
    );
}

#[test]
fn start_vm_waits_and_returns_the_running_vm() {
    let mut server = Server::new();
    let start = expect_call(
        &mut server,
        "hosting.vm.start",
        vec![int(250141)],
        fixture("hosting.vm.start", "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004241,
        &[
            op(5004241, "vm_start", "RUN").vm(250141).body(),
            op(5004241, "vm_start", "DONE").vm(250141).body(),
        ],
    );
    let info = vm_info(
        &mut server,
        250141,
        fixture_with(INFO, "halted", &[("state", Value::from("running"))]),
        1,
    );
    let client = client(&server);

    let vm = client.start_vm(&VmId::from(250141)).unwrap();
    start.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(vm.id, VmId::from(250141));
    assert_eq!(vm.state, VmState::Running);
}

#[test]
fn stop_vm_waits_and_returns_the_halted_vm() {
    let mut server = Server::new();
    let stop = expect_call(&mut server, STOP, vec![int(250140)], fixture(STOP, "op"));
    let poll = done(&mut server, 5004242, "vm_stop");
    let info = vm_info(
        &mut server,
        250140,
        fixture_with(INFO, "running", &[("state", Value::from("halted"))]),
        1,
    );
    let client = client(&server);

    let vm = client.stop_vm(&VmId::from(250140)).unwrap();
    stop.assert();
    poll.assert();
    info.assert();
    assert_eq!(vm.state, VmState::Halted);
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.stop 250140",
            "operation.info 5004242",
            "hosting.vm.info 250140"
        ]
    );
}

#[test]
fn stop_vm_answered_in_the_2011_shape_still_waits() {
    let mut server = Server::new();
    let stop = expect_call(
        &mut server,
        STOP,
        vec![int(250133)],
        fixture(STOP, "op_2011"),
    );
    let poll = done(&mut server, 1235090, "vm_stop");
    let info = vm_info(
        &mut server,
        250133,
        fixture_with(
            INFO,
            "halted",
            &[("id", int(250133)), ("hostname", Value::from("oldvm"))],
        ),
        1,
    );
    let client = client(&server);

    let pending = client.submit_stop_vm(&VmId::from(250133)).unwrap();
    let first = &pending.operations()[0];
    assert_eq!(first.id, OperationId::from(1235090));
    assert_eq!(first.vm_id, Some(VmId::from(250133)));
    assert_eq!(first.disk_id, None);
    assert_eq!(first.interface_id, None);
    assert_eq!(first.started_at, None);
    let vm = client.wait(pending).unwrap();
    stop.assert();
    poll.assert();
    info.assert();
    assert_eq!(vm.hostname, "oldvm");
}

#[test]
fn reboot_vm_waits_and_rereads_the_vm() {
    let mut server = Server::new();
    let reboot = expect_call(
        &mut server,
        "hosting.vm.reboot",
        vec![int(250140)],
        fixture("hosting.vm.reboot", "op"),
    );
    let poll = done(&mut server, 5004243, "vm_reboot");
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 1);
    let client = client(&server);

    let vm = client.reboot_vm(&VmId::from(250140)).unwrap();
    reboot.assert();
    poll.assert();
    info.assert();
    assert_eq!(vm.state, VmState::Running);
}

// ----- deletion -----

#[test]
fn delete_vm_cascade_lists_the_boot_disk_and_first_interface_with_its_ips_as_deleted() {
    let mut server = Server::new();
    let info = vm_info(&mut server, 250141, fixture(INFO, "halted"), 1);
    let stop = never(&mut server, STOP);
    let delete = expect_call(
        &mut server,
        DELETE,
        vec![int(250141)],
        fixture(DELETE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004244,
        &[
            op(5004244, "vm_delete", "RUN").vm(250141).body(),
            op(5004244, "vm_delete", "DONE").vm(250141).body(),
        ],
    );
    let client = client(&server);

    let gone = client
        .delete_vm(&VmId::from(250141), &DeleteVm::cascade())
        .unwrap();
    info.assert();
    stop.assert();
    delete.assert();
    polls.iter().for_each(Mock::assert);
    assert_eq!(gone.vm, VmId::from(250141));
    assert_eq!(
        gone.deleted,
        [
            ResourceId::Disk(DiskId::from(34921)),
            ResourceId::Interface(InterfaceId::from(7861)),
            ResourceId::Ip(IpId::from(9262)),
            ResourceId::Ip(IpId::from(9263)),
        ]
    );
    assert!(gone.detached.is_empty());
}

#[test]
fn delete_vm_refuses_a_running_vm_unless_asked_to_stop_it() {
    let mut server = Server::new();
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 1);
    let stop = never(&mut server, STOP);
    let delete = never(&mut server, DELETE);
    let client = client(&server);

    let err = client
        .delete_vm(&VmId::from(250140), &DeleteVm::cascade())
        .unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "id");
            assert!(reason.contains("stop_if_running"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    info.assert();
    stop.assert();
    delete.assert();
}

#[test]
fn delete_vm_with_stop_if_running_stops_then_deletes() {
    let mut server = Server::new();
    let running = vm_info(&mut server, 250140, fixture(INFO, "running"), 1);
    let stop = expect_call(&mut server, STOP, vec![int(250140)], fixture(STOP, "op"));
    let stop_op = done(&mut server, 5004242, "vm_stop");
    let halted = vm_info(
        &mut server,
        250140,
        fixture_with(INFO, "running", &[("state", Value::from("halted"))]),
        1,
    );
    let delete = expect_call(
        &mut server,
        DELETE,
        vec![int(250140)],
        op(5004249, "vm_delete", "WAIT").vm(250140).body(),
    );
    let delete_op = done(&mut server, 5004249, "vm_delete");
    let client = client(&server);

    let gone = client
        .delete_vm(
            &VmId::from(250140),
            &DeleteVm::cascade().stop_if_running(true),
        )
        .unwrap();
    for m in [&running, &stop, &stop_op, &halted, &delete, &delete_op] {
        m.assert();
    }
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.info 250140",
            "hosting.vm.stop 250140",
            "operation.info 5004242",
            "hosting.vm.info 250140",
            "hosting.vm.delete 250140",
            "operation.info 5004249",
        ]
    );
    assert_eq!(
        gone.deleted,
        [
            ResourceId::Disk(DiskId::from(34920)),
            ResourceId::Interface(InterfaceId::from(7860)),
            ResourceId::Ip(IpId::from(9260)),
            ResourceId::Ip(IpId::from(9261)),
        ]
    );
    assert_eq!(
        gone.detached,
        [
            ResourceId::Disk(DiskId::from(34925)),
            ResourceId::Interface(InterfaceId::from(7865)),
        ]
    );
}

#[test]
fn delete_vm_keeping_boot_disk_and_ip_detaches_them_first() {
    let mut server = Server::new();
    let info = vm_info(&mut server, 250141, fixture(INFO, "halted"), 1);
    let detach_disk = expect_call(
        &mut server,
        "hosting.vm.disk_detach",
        vec![int(250141), int(34921)],
        op(5004260, "disk_detach", "WAIT")
            .vm(250141)
            .disk(34921)
            .body(),
    );
    let disk_op = done(&mut server, 5004260, "disk_detach");
    let detach_iface = expect_call(
        &mut server,
        "hosting.vm.iface_detach",
        vec![int(250141), int(7861)],
        op(5004261, "iface_detach", "WAIT")
            .vm(250141)
            .iface(7861)
            .body(),
    );
    let iface_op = done(&mut server, 5004261, "iface_detach");
    let delete = expect_call(
        &mut server,
        DELETE,
        vec![int(250141)],
        fixture(DELETE, "op"),
    );
    let delete_op = done(&mut server, 5004244, "vm_delete");
    let client = client(&server);

    let gone = client
        .delete_vm(&VmId::from(250141), &DeleteVm::keep_boot_disk_and_ip())
        .unwrap();
    for m in [
        &info,
        &detach_disk,
        &disk_op,
        &detach_iface,
        &iface_op,
        &delete,
        &delete_op,
    ] {
        m.assert();
    }
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.info 250141",
            "hosting.vm.disk_detach 250141",
            "operation.info 5004260",
            "hosting.vm.iface_detach 250141",
            "operation.info 5004261",
            "hosting.vm.delete 250141",
            "operation.info 5004244",
        ]
    );
    assert!(gone.deleted.is_empty(), "{:?}", gone.deleted);
    assert_eq!(
        gone.detached,
        [
            ResourceId::Disk(DiskId::from(34921)),
            ResourceId::Interface(InterfaceId::from(7861)),
        ]
    );
}

// ----- attaching and detaching -----

#[test]
fn attach_disk_at_a_position_sends_the_options_struct() {
    for position in [1, 0] {
        let mut server = Server::new();
        let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 2);
        let disk = expect_call(
            &mut server,
            "hosting.disk.info",
            vec![int(34926)],
            fixture("hosting.disk.info", "data"),
        );
        let attach = expect_call(
            &mut server,
            "hosting.vm.disk_attach",
            vec![int(250140), int(34926), st(&[("position", int(position))])],
            fixture("hosting.vm.disk_attach", "op"),
        );
        let poll = done(&mut server, 5004245, "disk_attach");
        let client = client(&server);

        let vm = client
            .attach_disk(
                &VmId::from(250140),
                &DiskId::from(34926),
                Some(position as u32),
            )
            .unwrap();
        for m in [&info, &disk, &attach, &poll] {
            m.assert();
        }
        assert_eq!(
            calls(&server),
            [
                "hosting.vm.info 250140",
                "hosting.disk.info 34926",
                "hosting.vm.disk_attach 250140",
                "operation.info 5004245",
                "hosting.vm.info 250140",
            ]
        );
        assert_eq!(vm.id, VmId::from(250140));
    }
}

#[test]
fn attach_disk_without_a_position_sends_no_options() {
    let mut server = Server::new();
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 2);
    let disk = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34926)],
        fixture("hosting.disk.info", "data"),
    );
    let attach = expect_call(
        &mut server,
        "hosting.vm.disk_attach",
        vec![int(250140), int(34926)],
        fixture("hosting.vm.disk_attach", "op"),
    );
    let poll = done(&mut server, 5004245, "disk_attach");
    let client = client(&server);

    client
        .attach_disk(&VmId::from(250140), &DiskId::from(34926), None)
        .unwrap();
    for m in [&info, &disk, &attach, &poll] {
        m.assert();
    }
}

#[test]
fn attach_disk_refuses_a_disk_in_another_region_or_already_attached() {
    let mut server = Server::new();
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 2);
    let old = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34918)],
        fixture("hosting.disk.info", "2011"),
    );
    let boot = expect_call(
        &mut server,
        "hosting.disk.info",
        vec![int(34920)],
        fixture("hosting.disk.info", "boot_attached"),
    );
    let attach = never(&mut server, "hosting.vm.disk_attach");
    let client = client(&server);

    for disk in [34918, 34920] {
        assert_eq!(
            invalid_field(client.attach_disk(&VmId::from(250140), &DiskId::from(disk), None)),
            "disk",
            "disk {disk}"
        );
    }
    for m in [&info, &old, &boot, &attach] {
        m.assert();
    }
}

#[test]
fn detach_disk_sends_vm_and_disk_and_rereads_the_vm() {
    let mut server = Server::new();
    let detach = expect_call(
        &mut server,
        "hosting.vm.disk_detach",
        vec![int(250140), int(34925)],
        fixture("hosting.vm.disk_detach", "op"),
    );
    let poll = done(&mut server, 5004246, "disk_detach");
    let info = vm_info(
        &mut server,
        250140,
        fixture_with(
            INFO,
            "running",
            &[("disks_id", Value::Array(vec![int(34920)]))],
        ),
        1,
    );
    let client = client(&server);

    let vm = client
        .detach_disk(&VmId::from(250140), &DiskId::from(34925))
        .unwrap();
    for m in [&detach, &poll, &info] {
        m.assert();
    }
    assert_eq!(vm.disk_ids, vec![DiskId::from(34920)]);
}

#[test]
fn attach_ip_attaches_the_interface_of_the_address() {
    let mut server = Server::new();
    let ip = expect_call(
        &mut server,
        "hosting.ip.info",
        vec![int(9282)],
        fixture_with(
            "hosting.ip.info",
            "v4",
            &[("id", int(9282)), ("iface_id", int(7871))],
        ),
    );
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 2);
    let iface = expect_call(
        &mut server,
        "hosting.iface.info",
        vec![int(7871)],
        fixture("hosting.iface.info", "public_v4"),
    );
    let attach = expect_call(
        &mut server,
        "hosting.vm.iface_attach",
        vec![int(250140), int(7871)],
        fixture("hosting.vm.iface_attach", "op"),
    );
    let poll = done(&mut server, 5004247, "iface_attach");
    let client = client(&server);

    client
        .attach_ip(&VmId::from(250140), &IpId::from(9282))
        .unwrap();
    for m in [&ip, &info, &iface, &attach, &poll] {
        m.assert();
    }
    assert_eq!(
        calls(&server),
        [
            "hosting.ip.info 9282",
            "hosting.vm.info 250140",
            "hosting.iface.info 7871",
            "hosting.vm.iface_attach 250140",
            "operation.info 5004247",
            "hosting.vm.info 250140",
        ]
    );
}

#[test]
fn attach_ip_refuses_an_interface_already_attached_elsewhere() {
    let mut server = Server::new();
    let ip = expect_call(
        &mut server,
        "hosting.ip.info",
        vec![int(9262)],
        fixture_with(
            "hosting.ip.info",
            "v4",
            &[("id", int(9262)), ("iface_id", int(7861))],
        ),
    );
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 1);
    let iface = expect_call(
        &mut server,
        "hosting.iface.info",
        vec![int(7861)],
        fixture_with(
            "hosting.iface.info",
            "public_v4",
            &[
                ("id", int(7861)),
                ("vm_id", int(250141)),
                ("state", Value::from("used")),
            ],
        ),
    );
    let attach = never(&mut server, "hosting.vm.iface_attach");
    let client = client(&server);

    assert_eq!(
        invalid_field(client.attach_ip(&VmId::from(250140), &IpId::from(9262))),
        "interface"
    );
    for m in [&ip, &info, &iface, &attach] {
        m.assert();
    }
}

#[test]
fn detach_ip_detaches_the_interface_of_the_address() {
    let mut server = Server::new();
    let ip = expect_call(
        &mut server,
        "hosting.ip.info",
        vec![int(9260)],
        fixture("hosting.ip.info", "v4"),
    );
    let detach = expect_call(
        &mut server,
        "hosting.vm.iface_detach",
        vec![int(250140), int(7860)],
        op(5004262, "iface_detach", "WAIT")
            .vm(250140)
            .iface(7860)
            .body(),
    );
    let poll = done(&mut server, 5004262, "iface_detach");
    let info = vm_info(&mut server, 250140, fixture(INFO, "running"), 1);
    let client = client(&server);

    client
        .detach_ip(&VmId::from(250140), &IpId::from(9260))
        .unwrap();
    for m in [&ip, &detach, &poll, &info] {
        m.assert();
    }
}
