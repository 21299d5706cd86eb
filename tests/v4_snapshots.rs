//! Disk snapshots through the v4 client: taking one (`hosting.disk.create_from` with type
//! `snapshot`), listing a disk's snapshots, rolling back (`hosting.disk.rollback_from`, with
//! Gandi's 530439 "attached" fault), and automatic snapshot profiles
//! (`hosting.snapshotprofile.list`, `hosting.disk.update` with `snapshot_profile`).

mod common;

use common::*;
use gandi_hosting::Error;
use gandi_hosting::model::{
    DiskId, DiskKind, DiskState, OperationId, RegionId, ResourceId, SnapshotProfileId,
};
use gandi_hosting::xmlrpc::Value;
use mockito::{Mock, Server};

const INFO: &str = "hosting.disk.info";
const LIST: &str = "hosting.disk.list";
const CREATE_FROM: &str = "hosting.disk.create_from";
const ROLLBACK: &str = "hosting.disk.rollback_from";
const UPDATE: &str = "hosting.disk.update";
const PROFILES: &str = "hosting.snapshotprofile.list";

/// Disk 34926 `data01` (region 6, detached, can_snapshot true).
fn data01(server: &mut Server, hits: usize) -> Mock {
    expect_calls(server, INFO, vec![int(34926)], fixture(INFO, "data"), hits)
}

/// A snapshot disk `id` named `name` taken of `source`, in the shape of `hosting.disk.info`.
fn snapshot_body(id: i64, name: &str, source: i64) -> String {
    fixture_with(
        INFO,
        "data",
        &[
            ("id", int(id)),
            ("name", Value::from(name)),
            ("type", Value::from("snapshot")),
            ("source", int(source)),
            ("can_snapshot", Value::Bool(false)),
            ("date_created", dt(2021, 3, 15, 9, 12, 4).into()),
        ],
    )
}

/// The same snapshot as a `hosting.disk.list` item.
fn snapshot_item(id: i64, name: &str, source: Value) -> Value {
    st(&[
        ("id", int(id)),
        ("name", Value::from(name)),
        ("type", Value::from("snapshot")),
        ("state", Value::from("created")),
        ("size", int(10240)),
        ("datacenter_id", int(6)),
        ("vms_id", Value::Array(Vec::new())),
        ("is_boot_disk", Value::Bool(false)),
        ("can_snapshot", Value::Bool(false)),
        ("source", source),
        ("snapshot_profile_id", Value::Nil),
        ("date_created", dt(2021, 3, 15, 9, 12, 4).into()),
    ])
}

#[test]
fn create_snapshot_sends_a_snapshot_spec_in_the_disks_region_and_waits() {
    let mut server = Server::new();
    let source = data01(&mut server, 1);
    let create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("name", Value::from("data01-before-upgrade")),
                ("type", Value::from("snapshot")),
            ]),
            int(34926),
        ],
        fixture(CREATE_FROM, "snapshot"),
    );
    let polls = op_sequence(
        &mut server,
        5004104,
        &[
            op(5004104, "disk_create", "RUN").disk(34929).eta(3).body(),
            op(5004104, "disk_create", "DONE").disk(34929).eta(0).body(),
        ],
    );
    let snapshot = expect_call(
        &mut server,
        INFO,
        vec![int(34929)],
        snapshot_body(34929, "data01-before-upgrade", 34926),
    );
    let client = client(&server);

    let disk = client
        .create_snapshot(&DiskId::from(34926), "data01-before-upgrade")
        .unwrap();

    source.assert();
    create.assert();
    for p in &polls {
        p.assert();
    }
    snapshot.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34926",
            CREATE_FROM,
            "operation.info 5004104",
            "operation.info 5004104",
            "hosting.disk.info 34929",
        ]
    );
    assert_eq!(disk.id, DiskId::from(34929));
    assert_eq!(disk.name, "data01-before-upgrade");
    assert_eq!(disk.kind, DiskKind::Snapshot);
    assert_eq!(disk.source, Some(DiskId::from(34926)));
    assert_eq!(disk.region, RegionId::from(6));
    assert_eq!(disk.state, DiskState::Created);
}

#[test]
fn submit_create_snapshot_reports_the_new_snapshot_before_waiting() {
    let mut server = Server::new();
    let _source = data01(&mut server, 1);
    let _create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("name", Value::from("snap1")),
                ("type", Value::from("snapshot")),
            ]),
            int(34926),
        ],
        fixture(CREATE_FROM, "snapshot"),
    );
    let client = client(&server);

    let pending = client
        .submit_create_snapshot(&DiskId::from(34926), "snap1")
        .unwrap();
    assert_eq!(pending.operation_ids(), vec![OperationId::from(5004104)]);
    assert_eq!(pending.created(), &[ResourceId::Disk(DiskId::from(34929))]);
    assert_eq!(calls(&server), ["hosting.disk.info 34926", CREATE_FROM]);
}

#[test]
fn create_snapshot_is_refused_when_gandi_says_the_disk_cannot_be_snapshotted() {
    let mut server = Server::new();
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(34926)],
        fixture_with(INFO, "data", &[("can_snapshot", Value::Bool(false))]),
    );
    let create = expect_calls(
        &mut server,
        CREATE_FROM,
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("name", Value::from("snap1")),
                ("type", Value::from("snapshot")),
            ]),
            int(34926),
        ],
        fixture(CREATE_FROM, "snapshot"),
        0,
    );
    let client = client(&server);

    let err = client.create_snapshot(&DiskId::from(34926), "snap1");
    assert_eq!(invalid_field(err), "disk");
    info.assert();
    create.assert();
}

#[test]
fn create_snapshot_goes_ahead_when_can_snapshot_is_unknown() {
    // 2011-era records write can_snapshot as ''; only an explicit false refuses.
    let mut server = Server::new();
    let _info = expect_call(&mut server, INFO, vec![int(34918)], fixture(INFO, "2011"));
    let create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            st(&[
                ("datacenter_id", int(1)),
                ("name", Value::from("old_snap")),
                ("type", Value::from("snapshot")),
            ]),
            int(34918),
        ],
        fixture(CREATE_FROM, "snapshot"),
    );
    let client = client(&server);

    let pending = client
        .submit_create_snapshot(&DiskId::from(34918), "old_snap")
        .unwrap();
    create.assert();
    assert_eq!(pending.created(), &[ResourceId::Disk(DiskId::from(34929))]);
}

#[test]
fn create_snapshot_checks_the_name_and_id_before_any_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    for bad in ["", "has space", "slash/name", "é"] {
        assert_eq!(
            invalid_field(client.create_snapshot(&DiskId::from(34926), bad)),
            "name",
            "{bad:?}"
        );
    }
    let long = "s".repeat(256);
    assert_eq!(
        invalid_field(client.create_snapshot(&DiskId::from(34926), &long)),
        "name"
    );
    assert_eq!(
        invalid_field(client.create_snapshot(&DiskId::opaque("uuid-like").unwrap(), "snap")),
        "disk"
    );
    none.assert();
    assert!(calls(&server).is_empty());
}

#[test]
fn list_snapshots_lists_snapshot_disks_and_keeps_those_of_the_disk() {
    let mut server = Server::new();
    let list = expect_call(
        &mut server,
        LIST,
        vec![st(&[
            ("type", Value::from("snapshot")),
            ("items_per_page", int(100)),
            ("page", int(0)),
        ])],
        body(Value::Array(vec![
            snapshot_item(34929, "snap-a", int(34926)),
            snapshot_item(34940, "other-disk", int(34920)),
            snapshot_item(34941, "snap-b", int(34926)),
            snapshot_item(34942, "no-source", Value::from("")),
        ])),
    );
    let client = client(&server);

    let snapshots = client.list_snapshots(&DiskId::from(34926)).unwrap();
    list.assert();
    assert_eq!(calls(&server), [LIST]);
    let ids: Vec<DiskId> = snapshots.iter().map(|d| d.id.clone()).collect();
    assert_eq!(ids, vec![DiskId::from(34929), DiskId::from(34941)]);
    assert!(snapshots.iter().all(|d| d.kind == DiskKind::Snapshot));
    assert_eq!(snapshots[1].name, "snap-b");
}

#[test]
fn list_snapshots_follows_every_page() {
    let mut server = Server::new();
    let page0: Vec<Value> = (0..100)
        .map(|i| snapshot_item(36000 + i, &format!("s{i}"), int(34920)))
        .collect();
    let first = expect_call(
        &mut server,
        LIST,
        vec![st(&[
            ("type", Value::from("snapshot")),
            ("items_per_page", int(100)),
            ("page", int(0)),
        ])],
        body(Value::Array(page0)),
    );
    let second = expect_call(
        &mut server,
        LIST,
        vec![st(&[
            ("type", Value::from("snapshot")),
            ("items_per_page", int(100)),
            ("page", int(1)),
        ])],
        body(Value::Array(vec![snapshot_item(36100, "mine", int(34926))])),
    );
    let client = client(&server);

    let snapshots = client.list_snapshots(&DiskId::from(34926)).unwrap();
    first.assert();
    second.assert();
    assert_eq!(snapshots.len(), 1);
    assert_eq!(snapshots[0].id, DiskId::from(36100));
}

#[test]
fn rollback_reads_the_snapshot_and_its_disk_then_rolls_back_and_returns_the_disk() {
    let mut server = Server::new();
    let snap = expect_call(
        &mut server,
        INFO,
        vec![int(34929)],
        snapshot_body(34929, "snap1", 34926),
    );
    let disk = data01(&mut server, 2);
    let rollback = expect_call(
        &mut server,
        ROLLBACK,
        vec![int(34929)],
        fixture(ROLLBACK, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004107,
        &[op(5004107, "disk_rollback", "DONE").disk(34926).body()],
    );
    let client = client(&server);

    let rolled = client.rollback_disk(&DiskId::from(34929)).unwrap();
    snap.assert();
    disk.assert();
    rollback.assert();
    polls[0].assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34929",
            "hosting.disk.info 34926",
            "hosting.disk.rollback_from 34929",
            "operation.info 5004107",
            "hosting.disk.info 34926",
        ]
    );
    assert_eq!(rolled.id, DiskId::from(34926));
    assert_eq!(rolled.kind, DiskKind::Data);
}

#[test]
fn rollback_is_refused_while_the_source_disk_is_attached() {
    let mut server = Server::new();
    let snap = expect_call(
        &mut server,
        INFO,
        vec![int(34950)],
        snapshot_body(34950, "sys-snap", 34920),
    );
    let disk = expect_call(
        &mut server,
        INFO,
        vec![int(34920)],
        fixture(INFO, "boot_attached"),
    );
    let rollback = expect_calls(
        &mut server,
        ROLLBACK,
        vec![int(34950)],
        fixture(ROLLBACK, "op"),
        0,
    );
    let client = client(&server);

    let err = client.rollback_disk(&DiskId::from(34950)).unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "snapshot");
            assert!(reason.contains("34920"), "{reason}");
            assert!(reason.contains("250140"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    snap.assert();
    disk.assert();
    rollback.assert();
}

#[test]
fn rollback_decodes_gandis_attached_fault_when_it_comes_anyway() {
    // The disk was detached when read, and attached again before the rollback arrived.
    let mut server = Server::new();
    let _snap = expect_call(
        &mut server,
        INFO,
        vec![int(34929)],
        snapshot_body(34929, "snap1", 34925),
    );
    let _disk = expect_call(
        &mut server,
        INFO,
        vec![int(34925)],
        fixture_with(INFO, "data", &[("id", int(34925))]),
    );
    let rollback = expect_call(
        &mut server,
        ROLLBACK,
        vec![int(34929)],
        fixture(ROLLBACK, "attached_fault"),
    );
    let client = client(&server);

    let err = client.rollback_disk(&DiskId::from(34929)).unwrap_err();
    rollback.assert();
    let fault = err.fault().expect("a fault");
    assert_eq!(fault.method, ROLLBACK);
    assert_eq!(fault.code, 530439);
    assert_eq!(err.fault_code(), Some(530439));
    assert_eq!(fault.object.as_deref(), Some("OBJECT_DISK"));
    assert_eq!(fault.cause.as_deref(), Some("CAUSE_ATTACHED"));
    assert_eq!(
        fault.message,
        "disk#34925 associated with snapshot#34929 is attached"
    );
    assert!(fault.is_attached());
    assert!(!fault.is_not_found());
    assert!(!fault.is_server_side());
    assert!(!err.is_retryable());
}

#[test]
fn rollback_refuses_a_disk_that_is_not_a_snapshot() {
    let mut server = Server::new();
    let disk = data01(&mut server, 1);
    let rollback = expect_calls(
        &mut server,
        ROLLBACK,
        vec![int(34926)],
        fixture(ROLLBACK, "op"),
        0,
    );
    let client = client(&server);

    assert_eq!(
        invalid_field(client.rollback_disk(&DiskId::from(34926))),
        "snapshot"
    );
    disk.assert();
    rollback.assert();
}

#[test]
fn rollback_of_a_snapshot_without_a_known_source_is_refused() {
    let mut server = Server::new();
    let snap = expect_call(
        &mut server,
        INFO,
        vec![int(34929)],
        fixture_with(
            INFO,
            "data",
            &[
                ("id", int(34929)),
                ("type", Value::from("snapshot")),
                ("source", Value::from("")),
            ],
        ),
    );
    let rollback = expect_calls(
        &mut server,
        ROLLBACK,
        vec![int(34929)],
        fixture(ROLLBACK, "op"),
        0,
    );
    let client = client(&server);

    assert_eq!(
        invalid_field(client.rollback_disk(&DiskId::from(34929))),
        "snapshot"
    );
    snap.assert();
    rollback.assert();
}

#[test]
fn rollback_failure_of_the_operation_is_reported_with_its_error() {
    let mut server = Server::new();
    let _snap = expect_call(
        &mut server,
        INFO,
        vec![int(34929)],
        snapshot_body(34929, "snap1", 34926),
    );
    let _disk = data01(&mut server, 1);
    let _rollback = expect_call(
        &mut server,
        ROLLBACK,
        vec![int(34929)],
        fixture(ROLLBACK, "op"),
    );
    let _polls = op_sequence(
        &mut server,
        5004107,
        &[op(5004107, "disk_rollback", "ERROR")
            .disk(34926)
            .last_error("rollback failed")
            .body()],
    );
    let client = client(&server);

    match client.rollback_disk(&DiskId::from(34929)).unwrap_err() {
        Error::OperationFailed(f) => {
            assert_eq!(f.id, OperationId::from(5004107));
            assert_eq!(f.kind, "disk_rollback");
            assert_eq!(f.last_error.as_deref(), Some("rollback failed"));
        }
        other => panic!("expected OperationFailed, got {other:?}"),
    }
}

#[test]
fn snapshot_profiles_decode_with_their_schedules() {
    let mut server = Server::new();
    let list = expect_call(&mut server, PROFILES, vec![], fixture(PROFILES, "all"));
    let client = client(&server);

    let profiles = client.list_snapshot_profiles().unwrap();
    list.assert();
    assert_eq!(profiles.len(), 3);
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["minimal", "full_week", "security"]);
    assert_eq!(profiles[0].id, SnapshotProfileId::from(1));
    assert_eq!(profiles[0].kept_total, Some(2));
    assert_eq!(profiles[0].quota_factor, Some(1.2));
    assert_eq!(profiles[0].schedules.len(), 1);
    assert_eq!(profiles[0].schedules[0].name, "daily");
    assert_eq!(profiles[0].schedules[0].kept_versions, Some(2));
    assert_eq!(profiles[1].quota_factor, Some(1.7));
    let security = &profiles[2];
    assert_eq!(security.id, SnapshotProfileId::from(3));
    assert_eq!(security.kept_total, Some(10));
    assert_eq!(security.quota_factor, Some(2.0));
    let rhythm: Vec<(&str, Option<u32>)> = security
        .schedules
        .iter()
        .map(|s| (s.name.as_str(), s.kept_versions))
        .collect();
    assert_eq!(
        rhythm,
        [
            ("hourly6", Some(4)),
            ("daily", Some(3)),
            ("weekly4", Some(3))
        ]
    );
}

#[test]
fn snapshot_profiles_tolerate_nil_and_missing_members() {
    let mut server = Server::new();
    let body = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n\
<value><struct>\n<member>\n<name>id</name>\n<value><int>4</int></value>\n</member>\n\
<member>\n<name>name</name>\n<value><string>custom</string></value>\n</member>\n\
<member>\n<name>kept_total</name>\n<value><nil/></value></member>\n\
<member>\n<name>schedules</name>\n<value><nil/></value></member>\n\
</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>";
    let _list = expect_call(&mut server, PROFILES, vec![], body);
    let client = client(&server);

    let profiles = client.list_snapshot_profiles().unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].name, "custom");
    assert_eq!(profiles[0].kept_total, None);
    assert_eq!(profiles[0].quota_factor, None);
    assert!(profiles[0].schedules.is_empty());
}

#[test]
fn set_snapshot_profile_checks_the_profile_then_sends_its_id_and_waits() {
    let mut server = Server::new();
    let profiles = expect_call(&mut server, PROFILES, vec![], fixture(PROFILES, "all"));
    let update = expect_call(
        &mut server,
        UPDATE,
        vec![int(34926), st(&[("snapshot_profile", int(2))])],
        fixture(UPDATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004105,
        &[op(5004105, "disk_update", "DONE").disk(34926).body()],
    );
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(34926)],
        fixture_with(
            INFO,
            "data",
            &[(
                "snapshot_profile",
                st(&[("id", int(2)), ("name", Value::from("full_week"))]),
            )],
        ),
    );
    let client = client(&server);

    let disk = client
        .set_snapshot_profile(&DiskId::from(34926), Some(&SnapshotProfileId::from(2)))
        .unwrap();
    profiles.assert();
    update.assert();
    polls[0].assert();
    info.assert();
    assert_eq!(
        calls(&server),
        [
            PROFILES,
            "hosting.disk.update 34926",
            "operation.info 5004105",
            "hosting.disk.info 34926",
        ]
    );
    assert_eq!(disk.snapshot_profile, Some(SnapshotProfileId::from(2)));
}

#[test]
fn removing_the_snapshot_profile_sends_an_empty_string() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        UPDATE,
        vec![int(34920), st(&[("snapshot_profile", Value::from(""))])],
        fixture(UPDATE, "op"),
    );
    let client = client(&server);

    let pending = client
        .submit_set_snapshot_profile(&DiskId::from(34920), None)
        .unwrap();
    update.assert();
    assert_eq!(pending.operation_ids(), vec![OperationId::from(5004105)]);
    assert_eq!(calls(&server), ["hosting.disk.update 34920"]);
}

#[test]
fn set_snapshot_profile_refuses_a_profile_gandi_does_not_offer() {
    let mut server = Server::new();
    let profiles = expect_call(&mut server, PROFILES, vec![], fixture(PROFILES, "all"));
    let update = expect_calls(
        &mut server,
        UPDATE,
        vec![int(34926), st(&[("snapshot_profile", int(9))])],
        fixture(UPDATE, "op"),
        0,
    );
    let client = client(&server);

    let err = client
        .set_snapshot_profile(&DiskId::from(34926), Some(&SnapshotProfileId::from(9)))
        .unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "profile");
            assert!(reason.contains("minimal"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    profiles.assert();
    update.assert();
}
