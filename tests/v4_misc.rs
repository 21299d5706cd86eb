//! The rest of the v4-only surface: kernels (`hosting.disk.list_kernels`, `hosting.disk.update`
//! with `kernel`), reverse DNS (`hosting.ip.update`), interface bandwidth
//! (`hosting.iface.update`), the emergency console, password and memory ceiling
//! (`hosting.vm.update`, `hosting.vm.info`), and migration (`hosting.vm.can_migrate`,
//! `hosting.vm.migrate`, `hosting.disk.migrate`).

mod common;

use std::time::Duration;

use common::*;
use gandi_hosting::model::{DiskId, InterfaceId, IpId, OperationId, RegionId, VmId};
use gandi_hosting::v4::WaitOptions;
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, RetryPolicy};
use mockito::Server;

const KERNELS: &str = "hosting.disk.list_kernels";
const DISK_INFO: &str = "hosting.disk.info";
const DISK_UPDATE: &str = "hosting.disk.update";
const IP_UPDATE: &str = "hosting.ip.update";
const IP_INFO: &str = "hosting.ip.info";
const IFACE_UPDATE: &str = "hosting.iface.update";
const IFACE_INFO: &str = "hosting.iface.info";
const VM_UPDATE: &str = "hosting.vm.update";
const VM_INFO: &str = "hosting.vm.info";
const CAN_MIGRATE: &str = "hosting.vm.can_migrate";
const MIGRATE: &str = "hosting.vm.migrate";
const DISK_MIGRATE: &str = "hosting.disk.migrate";

const HVM: &str = "3.12-x86_64 (hvm)";

// ----- kernels -----

#[test]
fn list_kernels_groups_them_by_flavor() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        KERNELS,
        vec![int(6)],
        fixture(KERNELS, "fr_sd6"),
    );
    let client = client(&server);

    let kernels = client.list_kernels(&RegionId::from(6)).unwrap();
    mock.assert();
    assert_eq!(kernels.flavors.len(), 2);
    assert_eq!(
        kernels.flavors["linux"],
        [
            "2.6.32",
            "3.2-x86_64",
            "3.10-x86_64",
            "3.18-x86_64",
            "3.18-x86"
        ]
    );
    assert_eq!(kernels.flavors["linux-hvm"], [HVM, "grub", "raw"]);
    assert_eq!(kernels.len(), 8);
    assert!(kernels.contains("grub"));
    assert_eq!(kernels.flavor_of(HVM), Some("linux-hvm"));
    assert_eq!(kernels.flavor_of("3.18-x86"), Some("linux"));
    assert!(!kernels.contains("3.12-x86_64"), "names match exactly");
    assert_eq!(kernels.iter().count(), 8);
}

#[test]
fn set_disk_kernel_checks_the_disks_region_offers_it_then_updates() {
    let mut server = Server::new();
    let before = expect_call(
        &mut server,
        DISK_INFO,
        vec![int(34920)],
        fixture(DISK_INFO, "boot_attached"),
    );
    let kernels = expect_call(
        &mut server,
        KERNELS,
        vec![int(6)],
        fixture(KERNELS, "fr_sd6"),
    );
    let update = expect_call(
        &mut server,
        DISK_UPDATE,
        vec![int(34920), st(&[("kernel", Value::from(HVM))])],
        fixture(DISK_UPDATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004105,
        &[op(5004105, "disk_update", "DONE").disk(34920).body()],
    );
    let after = expect_call(
        &mut server,
        DISK_INFO,
        vec![int(34920)],
        fixture_with(
            DISK_INFO,
            "boot_attached",
            &[("kernel_version", Value::from(HVM))],
        ),
    );
    let client = client(&server);

    let disk = client.set_disk_kernel(&DiskId::from(34920), HVM).unwrap();
    before.assert();
    kernels.assert();
    update.assert();
    polls[0].assert();
    after.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34920",
            "hosting.disk.list_kernels 6",
            "hosting.disk.update 34920",
            "operation.info 5004105",
            "hosting.disk.info 34920",
        ]
    );
    assert_eq!(disk.kernel_version.as_deref(), Some(HVM));
}

#[test]
fn set_disk_kernel_refuses_a_kernel_the_region_does_not_offer() {
    let mut server = Server::new();
    let info = expect_call(
        &mut server,
        DISK_INFO,
        vec![int(34920)],
        fixture(DISK_INFO, "boot_attached"),
    );
    let kernels = expect_call(
        &mut server,
        KERNELS,
        vec![int(6)],
        fixture(KERNELS, "fr_sd6"),
    );
    let update = expect_calls(
        &mut server,
        DISK_UPDATE,
        vec![int(34920), st(&[("kernel", Value::from("4.19-x86_64"))])],
        fixture(DISK_UPDATE, "op"),
        0,
    );
    let client = client(&server);

    match client.set_disk_kernel(&DiskId::from(34920), "4.19-x86_64") {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "kernel");
            assert!(reason.contains("grub"), "lists what is offered: {reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    info.assert();
    kernels.assert();
    update.assert();
}

#[test]
fn set_disk_kernel_with_an_empty_name_or_a_non_v4_id_makes_no_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.set_disk_kernel(&DiskId::from(34920), " ")),
        "kernel"
    );
    assert_eq!(
        invalid_field(client.set_disk_kernel(&DiskId::opaque("d").unwrap(), HVM)),
        "disk"
    );
    assert_eq!(
        invalid_field(client.list_kernels(&RegionId::opaque("FR-SD6").unwrap())),
        "region"
    );
    none.assert();
}

// ----- reverse DNS and bandwidth -----

#[test]
fn set_reverse_dns_sends_reverse_waits_and_rereads_the_ip() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        IP_UPDATE,
        vec![
            int(9260),
            st(&[("reverse", Value::from("www.example.net"))]),
        ],
        fixture(IP_UPDATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004114,
        &[
            op(5004114, "ip_update", "RUN").ip(9260).body(),
            op(5004114, "ip_update", "DONE").ip(9260).body(),
        ],
    );
    let info = expect_call(
        &mut server,
        IP_INFO,
        vec![int(9260)],
        fixture_with(
            IP_INFO,
            "v4",
            &[("reverse", Value::from("www.example.net"))],
        ),
    );
    let client = client(&server);

    let ip = client
        .set_reverse_dns(&IpId::from(9260), "www.example.net")
        .unwrap();
    update.assert();
    for p in &polls {
        p.assert();
    }
    info.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.ip.update 9260",
            "operation.info 5004114",
            "operation.info 5004114",
            "hosting.ip.info 9260",
        ]
    );
    assert_eq!(ip.id, IpId::from(9260));
    assert_eq!(ip.reverse.as_deref(), Some("www.example.net"));
}

#[test]
fn set_reverse_dns_accepts_a_trailing_dot_and_sends_it_as_given() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        IP_UPDATE,
        vec![
            int(9261),
            st(&[("reverse", Value::from("v6.example.net."))]),
        ],
        fixture(IP_UPDATE, "op"),
    );
    let client = client(&server);

    let pending = client
        .submit_set_reverse_dns(&IpId::from(9261), "v6.example.net.")
        .unwrap();
    update.assert();
    assert_eq!(pending.operation_ids(), vec![OperationId::from(5004114)]);
}

#[test]
fn set_reverse_dns_refuses_names_that_are_not_dns_names_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    for bad in [
        "",
        "localhost",
        "www example.net",
        "-www.example.net",
        "www-.example.net",
        "www..example.net",
        "under_score.example.net",
        "192.0.2.21",
    ] {
        assert_eq!(
            invalid_field(client.set_reverse_dns(&IpId::from(9260), bad)),
            "hostname",
            "{bad:?}"
        );
    }
    let long_label = format!("{}.example.net", "a".repeat(64));
    assert_eq!(
        invalid_field(client.set_reverse_dns(&IpId::from(9260), &long_label)),
        "hostname"
    );
    assert_eq!(
        invalid_field(client.set_reverse_dns(&IpId::opaque("ip").unwrap(), "www.example.net")),
        "ip"
    );
    none.assert();
}

#[test]
fn set_bandwidth_sends_kbits_waits_and_rereads_the_interface() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        IFACE_UPDATE,
        vec![int(7871), st(&[("bandwidth", int(51200))])],
        fixture(IFACE_UPDATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004113,
        &[op(5004113, "iface_update", "DONE").iface(7871).body()],
    );
    let info = expect_call(
        &mut server,
        IFACE_INFO,
        vec![int(7871)],
        fixture_with(
            IFACE_INFO,
            "public_v4",
            &[("bandwidth", Value::Double(51200.0))],
        ),
    );
    let client = client(&server);

    let iface = client
        .set_bandwidth(&InterfaceId::from(7871), 51200)
        .unwrap();
    update.assert();
    polls[0].assert();
    info.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.iface.update 7871",
            "operation.info 5004113",
            "hosting.iface.info 7871",
        ]
    );
    assert_eq!(iface.id, InterfaceId::from(7871));
    assert_eq!(iface.bandwidth_kbps, Some(51200.0));
}

#[test]
fn set_bandwidth_of_zero_is_refused_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.set_bandwidth(&InterfaceId::from(7871), 0)),
        "kbps"
    );
    assert_eq!(
        invalid_field(client.set_bandwidth(&InterfaceId::from(7871), u32::MAX)),
        "kbps"
    );
    none.assert();
}

// ----- console, password, memory ceiling -----

#[test]
fn set_console_sends_the_boolean_waits_and_rereads_the_vm() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        VM_UPDATE,
        vec![int(250140), st(&[("console", Value::Bool(true))])],
        fixture(VM_UPDATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004240,
        &[op(5004240, "vm_update", "DONE").vm(250140).body()],
    );
    let info = expect_call(
        &mut server,
        VM_INFO,
        vec![int(250140)],
        fixture_with(VM_INFO, "running", &[("console", int(1))]),
    );
    let client = client(&server);

    let vm = client.set_console(&VmId::from(250140), true).unwrap();
    update.assert();
    polls[0].assert();
    info.assert();
    assert!(vm.console);
    assert_eq!(vm.console_url.as_deref(), Some("console.gandi.net"));
}

#[test]
fn turning_the_console_off_sends_an_explicit_false() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        VM_UPDATE,
        vec![int(250140), st(&[("console", Value::Bool(false))])],
        fixture(VM_UPDATE, "op"),
    );
    let client = client(&server);

    let _pending = client
        .submit_set_console(&VmId::from(250140), false)
        .unwrap();
    update.assert();
}

#[test]
fn console_url_reads_the_vm_details() {
    let mut server = Server::new();
    let running = expect_call(
        &mut server,
        VM_INFO,
        vec![int(250140)],
        fixture(VM_INFO, "running"),
    );
    let new = expect_call(
        &mut server,
        VM_INFO,
        vec![int(250145)],
        fixture(VM_INFO, "being_created"),
    );
    let client = client(&server);

    assert_eq!(
        client.console_url(&VmId::from(250140)).unwrap().as_deref(),
        Some("console.gandi.net")
    );
    // console_url '' while the VM is being created: no address yet.
    assert_eq!(client.console_url(&VmId::from(250145)).unwrap(), None);
    running.assert();
    new.assert();
}

#[test]
fn reset_password_sends_only_the_password() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        VM_UPDATE,
        vec![
            int(250140),
            st(&[("password", Value::from("n3w-passw0rd"))]),
        ],
        fixture(VM_UPDATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004240,
        &[op(5004240, "vm_update", "DONE").vm(250140).body()],
    );
    let _info = expect_call(
        &mut server,
        VM_INFO,
        vec![int(250140)],
        fixture(VM_INFO, "running"),
    );
    let client = client(&server);

    let vm = client
        .reset_password(&VmId::from(250140), "n3w-passw0rd")
        .unwrap();
    update.assert();
    assert_eq!(vm.id, VmId::from(250140));
}

#[test]
fn reset_password_refuses_a_short_password_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.reset_password(&VmId::from(250140), "short")),
        "password"
    );
    none.assert();
}

#[test]
fn set_max_memory_reads_the_vm_then_sends_vm_max_memory() {
    let mut server = Server::new();
    let info = expect_calls(
        &mut server,
        VM_INFO,
        vec![int(250140)],
        fixture(VM_INFO, "running"),
        2,
    );
    let update = expect_call(
        &mut server,
        VM_UPDATE,
        vec![int(250140), st(&[("vm_max_memory", int(8192))])],
        fixture(VM_UPDATE, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004240,
        &[op(5004240, "vm_update", "DONE").vm(250140).body()],
    );
    let client = client(&server);

    client.set_max_memory(&VmId::from(250140), 8192).unwrap();
    info.assert();
    update.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.info 250140",
            "hosting.vm.update 250140",
            "operation.info 5004240",
            "hosting.vm.info 250140",
        ]
    );
}

#[test]
fn set_max_memory_below_the_vms_memory_is_refused_without_an_update() {
    let mut server = Server::new();
    let info = expect_call(
        &mut server,
        VM_INFO,
        vec![int(250140)],
        fixture(VM_INFO, "running"),
    );
    let update = expect_calls(
        &mut server,
        VM_UPDATE,
        vec![int(250140), st(&[("vm_max_memory", int(1024))])],
        fixture(VM_UPDATE, "op"),
        0,
    );
    let client = client(&server);

    // web1 has 2048 MB.
    match client.set_max_memory(&VmId::from(250140), 1024) {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "max_memory_mb");
            assert!(reason.contains("2048"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    info.assert();
    update.assert();
}

#[test]
fn set_max_memory_that_is_not_a_multiple_of_64_makes_no_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.set_max_memory(&VmId::from(250140), 4100)),
        "max_memory_mb"
    );
    assert_eq!(
        invalid_field(client.set_max_memory(&VmId::from(250140), 128)),
        "max_memory_mb"
    );
    none.assert();
}

// ----- migration -----

/// A `hosting_migration_vm` operation of VM 250141 from region 5 to 6, at `inner_step`.
fn migration_op(id: i64, step: &str, inner_step: &str) -> String {
    let Value::Struct(mut s) = op(id, "hosting_migration_vm", step).vm(250141).value() else {
        unreachable!()
    };
    s.insert(
        "params",
        st(&[
            ("vm_id", int(250141)),
            ("from_dc_id", int(5)),
            ("to_dc_id", int(6)),
            ("inner_step", Value::from(inner_step)),
        ]),
    );
    body(Value::Struct(s))
}

#[test]
fn can_migrate_vm_decodes_the_check() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        CAN_MIGRATE,
        vec![int(250141)],
        fixture(CAN_MIGRATE, "ok"),
    );
    let client = client(&server);

    let check = client.can_migrate_vm(&VmId::from(250141)).unwrap();
    mock.assert();
    assert!(check.can_migrate);
    assert_eq!(check.matched, ["FR-SD5"]);
    assert_eq!(check.targets, ["LU-BI1", "FR-SD5"]);
}

#[test]
fn migrate_vm_first_phase_checks_starts_and_waits_for_wait_finalize() {
    let mut server = Server::new();
    let check = expect_call(
        &mut server,
        CAN_MIGRATE,
        vec![int(250141)],
        fixture(CAN_MIGRATE, "ok"),
    );
    let start = expect_call(
        &mut server,
        MIGRATE,
        vec![int(250141), Value::Bool(false)],
        fixture(MIGRATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004330,
        &[
            migration_op(5004330, "RUN", "wait_sync"),
            fixture("operation.info", "migration_wait_finalize"),
        ],
    );
    let client = client(&server);

    let migration = client.migrate_vm(&VmId::from(250141), false).unwrap();
    check.assert();
    start.assert();
    for p in &polls {
        p.assert();
    }
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.can_migrate 250141",
            "hosting.vm.migrate 250141",
            "operation.info 5004330",
            "operation.info 5004330",
        ]
    );
    assert!(migration.awaits_finalize());
    assert_eq!(migration.operation, OperationId::from(5004330));
    assert_eq!(migration.from_region, Some(RegionId::from(5)));
    assert_eq!(migration.to_region, Some(RegionId::from(6)));
    assert_eq!(migration.stage.as_deref(), Some("wait_finalize"));
    assert_eq!(migration.vm, None);
}

#[test]
fn migrate_vm_finalize_waits_for_done_and_returns_the_vm() {
    let mut server = Server::new();
    let finalize = expect_call(
        &mut server,
        MIGRATE,
        vec![int(250141), Value::Bool(true)],
        migration_op(5004331, "WAIT", "wait_finalize"),
    );
    let polls = op_sequence(
        &mut server,
        5004331,
        &[
            migration_op(5004331, "RUN", "finalize"),
            migration_op(5004331, "DONE", "done"),
        ],
    );
    let info = expect_call(
        &mut server,
        VM_INFO,
        vec![int(250141)],
        fixture(VM_INFO, "halted"),
    );
    let client = client(&server);

    let migration = client.migrate_vm(&VmId::from(250141), true).unwrap();
    finalize.assert();
    for p in &polls {
        p.assert();
    }
    info.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.vm.migrate 250141",
            "operation.info 5004331",
            "operation.info 5004331",
            "hosting.vm.info 250141",
        ],
        "finalize does not stop at wait_finalize and needs no can_migrate"
    );
    assert!(!migration.awaits_finalize());
    assert_eq!(migration.operation, OperationId::from(5004331));
    assert_eq!(migration.stage.as_deref(), Some("done"));
    assert_eq!(migration.vm.map(|vm| vm.id), Some(VmId::from(250141)));
}

#[test]
fn migrate_vm_is_refused_when_gandi_says_it_cannot_migrate() {
    let mut server = Server::new();
    let check = expect_call(
        &mut server,
        CAN_MIGRATE,
        vec![int(250141)],
        body(st(&[
            ("can_migrate", Value::Bool(false)),
            ("matched", Value::Array(vec![Value::from("FR-SD6")])),
            ("can_migrate_to", Value::Array(Vec::new())),
        ])),
    );
    let start = expect_calls(
        &mut server,
        MIGRATE,
        vec![int(250141), Value::Bool(false)],
        fixture(MIGRATE, "op"),
        0,
    );
    let client = client(&server);

    match client.migrate_vm(&VmId::from(250141), false) {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "vm");
            assert!(reason.contains("FR-SD6"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    check.assert();
    start.assert();
}

#[test]
fn migrate_vm_operation_failure_is_reported_with_last_error() {
    let mut server = Server::new();
    let _check = expect_call(
        &mut server,
        CAN_MIGRATE,
        vec![int(250141)],
        fixture(CAN_MIGRATE, "ok"),
    );
    let _start = expect_call(
        &mut server,
        MIGRATE,
        vec![int(250141), Value::Bool(false)],
        fixture(MIGRATE, "op"),
    );
    let failed = {
        let Value::Struct(mut s) = op(5004330, "hosting_migration_vm", "ERROR")
            .vm(250141)
            .last_error("sync failed")
            .value()
        else {
            unreachable!()
        };
        s.insert("params", st(&[("inner_step", Value::from("wait_sync"))]));
        body(Value::Struct(s))
    };
    let _polls = op_sequence(&mut server, 5004330, &[failed]);
    let client = client(&server);

    match client.migrate_vm(&VmId::from(250141), false) {
        Err(Error::OperationFailed(f)) => {
            assert_eq!(f.id, OperationId::from(5004330));
            assert_eq!(f.kind, "hosting_migration_vm");
            assert_eq!(f.last_error.as_deref(), Some("sync failed"));
        }
        other => panic!("expected OperationFailed, got {other:?}"),
    }
}

#[test]
fn migrate_vm_past_the_deadline_is_a_resumable_timeout() {
    let mut server = Server::new();
    let _check = expect_call(
        &mut server,
        CAN_MIGRATE,
        vec![int(250141)],
        fixture(CAN_MIGRATE, "ok"),
    );
    let _start = expect_call(
        &mut server,
        MIGRATE,
        vec![int(250141), Value::Bool(false)],
        fixture(MIGRATE, "op"),
    );
    // Every wait checks once before it looks at the deadline; the data is still syncing.
    let _poll = op_sequence(
        &mut server,
        5004330,
        &[op(5004330, "hosting_migration_vm", "RUN").body()],
    );
    let client = client_with(
        &server,
        WaitOptions::immediate().timeout(Duration::ZERO),
        RetryPolicy::none(),
    );

    let err = client.migrate_vm(&VmId::from(250141), false).unwrap_err();
    assert!(matches!(err, Error::WaitTimeout(_)), "{err:?}");
    assert_eq!(err.pending_operations(), &[OperationId::from(5004330)]);
}

#[test]
fn migrate_disk_checks_the_target_then_migrates_and_rereads_the_disk() {
    let mut server = Server::new();
    let before = expect_call(
        &mut server,
        DISK_INFO,
        vec![int(34926)],
        fixture(DISK_INFO, "data"),
    );
    let regions = expect_call(
        &mut server,
        "hosting.datacenter.list",
        vec![st(&[])],
        fixture("hosting.datacenter.list", "all"),
    );
    let migrate = expect_call(
        &mut server,
        DISK_MIGRATE,
        vec![int(34926), int(5)],
        op(5004340, "hosting_migration_disk", "WAIT")
            .disk(34926)
            .body(),
    );
    let polls = op_sequence(
        &mut server,
        5004340,
        &[op(5004340, "hosting_migration_disk", "DONE")
            .disk(34926)
            .body()],
    );
    let after = expect_call(
        &mut server,
        DISK_INFO,
        vec![int(34926)],
        fixture_with(DISK_INFO, "data", &[("datacenter_id", int(5))]),
    );
    let client = client(&server);

    let disk = client
        .migrate_disk(&DiskId::from(34926), &RegionId::from(5))
        .unwrap();
    before.assert();
    regions.assert();
    migrate.assert();
    polls[0].assert();
    after.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34926",
            "hosting.datacenter.list",
            "hosting.disk.migrate 34926",
            "operation.info 5004340",
            "hosting.disk.info 34926",
        ]
    );
    assert_eq!(disk.region, RegionId::from(5));
}

#[test]
fn migrate_disk_refuses_targets_its_region_cannot_reach_and_attached_disks() {
    let mut server = Server::new();
    let data = expect_calls(
        &mut server,
        DISK_INFO,
        vec![int(34926)],
        fixture(DISK_INFO, "data"),
        2,
    );
    let boot = expect_call(
        &mut server,
        DISK_INFO,
        vec![int(34920)],
        fixture(DISK_INFO, "boot_attached"),
    );
    let regions = expect_call(
        &mut server,
        "hosting.datacenter.list",
        vec![st(&[])],
        fixture("hosting.datacenter.list", "all"),
    );
    let client = client(&server);

    // FR-SD6 (6) can migrate to LU-BI1 (3) and FR-SD5 (5) only.
    match client.migrate_disk(&DiskId::from(34926), &RegionId::from(1)) {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "target");
            assert!(reason.contains("LU-BI1 (3), FR-SD5 (5)"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_eq!(
        invalid_field(client.migrate_disk(&DiskId::from(34926), &RegionId::from(6))),
        "target"
    );
    match client.migrate_disk(&DiskId::from(34920), &RegionId::from(5)) {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "disk");
            assert!(reason.contains("250140"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    data.assert();
    boot.assert();
    regions.assert();
    assert!(
        !calls(&server).iter().any(|c| c.starts_with(DISK_MIGRATE)),
        "no migration was sent"
    );
}
