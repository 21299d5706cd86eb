//! Disks (`hosting.disk.*`) through the v4 client: list over pages, count, info in both null
//! generations, create (blank, from an image, clone) with waiting, extend, rename and delete.

mod common;

use common::*;
use gandi_hosting::Hosting;
use gandi_hosting::model::{
    DiskFilter, DiskId, DiskKind, DiskSpec, DiskState, OperationId, RegionId, ResourceId,
    SnapshotProfileId, VmId,
};
use gandi_hosting::xmlrpc::Value;
use mockito::Server;

const LIST: &str = "hosting.disk.list";
const INFO: &str = "hosting.disk.info";
const CREATE: &str = "hosting.disk.create";
const CREATE_FROM: &str = "hosting.disk.create_from";
const UPDATE: &str = "hosting.disk.update";
const DELETE: &str = "hosting.disk.delete";

fn page(filter: &[(&str, Value)], page: i64) -> Vec<Value> {
    let mut members = filter.to_vec();
    members.push(("items_per_page", int(100)));
    members.push(("page", int(page)));
    vec![st(&members)]
}

/// `hosting.disk.info` of 34926 (data01, 10 GB, detached).
fn data01(server: &mut Server) -> mockito::Mock {
    expect_call(server, INFO, vec![int(34926)], fixture(INFO, "data"))
}

#[test]
fn list_disks_fetches_every_page_with_the_filter() {
    let mut server = Server::new();
    let filter = [("datacenter_id", int(6)), ("type", Value::from("data"))];
    let first = expect_call(
        &mut server,
        LIST,
        page(&filter, 0),
        fixture(LIST, "page0_full"),
    );
    let second = expect_call(
        &mut server,
        LIST,
        page(&filter, 1),
        fixture(LIST, "page1_short"),
    );
    let client = client(&server);

    let disks = client
        .list_disks(
            &DiskFilter::new()
                .region(RegionId::from(6))
                .kind(DiskKind::Data),
        )
        .unwrap();
    first.assert();
    second.assert();
    assert_eq!(
        calls(&server),
        [LIST, LIST],
        "exactly two pages were asked for"
    );

    assert_eq!(disks.len(), 107);
    for (i, disk) in disks.iter().enumerate() {
        let i = i as i64;
        assert_eq!(disk.id, DiskId::from(35000 + i));
        assert_eq!(disk.name, format!("vdi{i:03}"));
        let mb = 10240 * (1 + i as u64 % 5);
        assert_eq!(disk.size_mb, mb, "disk {i}");
        assert_eq!(disk.size_gb, mb / 1024, "disk {i}");
        assert_eq!(disk.region, RegionId::from(6));
        assert_eq!(disk.state, DiskState::Created);
        assert_eq!(disk.kind, DiskKind::Data);
        assert!(!disk.is_attached());
        assert_eq!(disk.snapshot_profile, None);
    }
    assert_eq!(disks[0].created_at, Some(dt(2020, 8, 27, 9, 12, 4)));
    assert_eq!(disks[99].created_at, Some(dt(2020, 8, 27, 10, 51, 4)));
    assert_eq!(disks[106].name, "vdi106");
}

#[test]
fn list_disks_stops_after_a_short_first_page() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        LIST,
        page(&[("name", Value::from("data01"))], 0),
        fixture(LIST, "by_name"),
    );
    let client = client(&server);

    let disks = client
        .list_disks(&DiskFilter::new().name("data01"))
        .unwrap();
    mock.assert();
    assert_eq!(calls(&server), [LIST]);
    assert_eq!(disks.len(), 1);
    assert_eq!(disks[0].id, DiskId::from(34926));
    assert_eq!(disks[0].name, "data01");
    assert_eq!(disks[0].size_gb, 10);
    assert_eq!(disks[0].snapshot_profile, None);
}

#[test]
fn list_disks_of_a_vm_sends_its_id() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        LIST,
        page(&[("vm_id", int(250140))], 0),
        fixture(LIST, "empty"),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let disks = hosting
        .disks(&DiskFilter::new().vm(VmId::from(250140)))
        .unwrap();
    assert!(disks.is_empty());
    mock.assert();
}

#[test]
fn count_disks_sends_the_filter() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.disk.count",
        vec![st(&[("datacenter_id", int(6))])],
        fixture("hosting.disk.count", "n"),
    );
    let client = client(&server);

    let n = client
        .count_disks(&DiskFilter::new().region(RegionId::from(6)))
        .unwrap();
    assert_eq!(n, 107);
    mock.assert();
}

#[test]
fn disk_info_decodes_the_nil_generation() {
    let mut server = Server::new();
    let mock = data01(&mut server);
    let client = client(&server);

    let disk = client.disk_info(&DiskId::from(34926)).unwrap();
    mock.assert();
    assert_eq!(disk.id, DiskId::from(34926));
    assert_eq!(disk.name, "data01");
    assert_eq!(disk.size_mb, 10240);
    assert_eq!(disk.size_gb, 10);
    assert_eq!(disk.region, RegionId::from(6));
    assert_eq!(disk.state, DiskState::Created);
    assert_eq!(disk.kind, DiskKind::Data);
    assert!(!disk.is_boot_disk);
    assert!(disk.vm_ids.is_empty());
    assert_eq!(disk.can_snapshot, Some(true));
    assert_eq!(disk.kernel_version, None);
    assert_eq!(disk.image_label, None);
    assert_eq!(disk.source, None);
    assert_eq!(disk.snapshot_profile, None);
    assert!(disk.snapshot_ids.is_empty());
    assert_eq!(disk.created_at, Some(dt(2021, 3, 15, 9, 10, 4)));
    assert_eq!(disk.updated_at, Some(dt(2021, 3, 15, 10, 10, 4)));
}

#[test]
fn disk_info_decodes_the_2011_empty_string_generation() {
    let mut server = Server::new();
    let mock = expect_call(&mut server, INFO, vec![int(34918)], fixture(INFO, "2011"));
    let client = client(&server);

    let disk = client.disk_info(&DiskId::from(34918)).unwrap();
    mock.assert();
    assert_eq!(disk.name, "disk_2011");
    assert_eq!(disk.size_mb, 3072);
    assert_eq!(disk.size_gb, 3);
    assert_eq!(disk.region, RegionId::from(1));
    assert_eq!(disk.state, DiskState::Created);
    // '' where the 2012 generation writes nil: all of these are "unknown".
    assert_eq!(disk.can_snapshot, None);
    assert_eq!(disk.kernel_version, None);
    assert_eq!(disk.image_label, None);
    assert_eq!(disk.source, None);
    assert_eq!(disk.snapshot_profile, None);
    assert!(disk.snapshot_ids.is_empty());
    assert_eq!(disk.created_at, Some(dt(2011, 9, 21, 12, 57, 5)));
    assert_eq!(disk.updated_at, Some(dt(2011, 9, 21, 12, 58, 40)));
}

#[test]
fn disk_info_of_an_attached_boot_disk_skips_the_kernel_cmdline_struct() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        INFO,
        vec![int(34920)],
        fixture(INFO, "boot_attached"),
    );
    let client = client(&server);

    let disk = client.disk_info(&DiskId::from(34920)).unwrap();
    mock.assert();
    assert_eq!(disk.name, "sys_web1");
    assert_eq!(disk.size_gb, 20);
    assert_eq!(disk.state, DiskState::Running);
    assert!(disk.is_boot_disk);
    assert!(disk.is_attached());
    assert_eq!(disk.vm_ids, vec![VmId::from(250140)]);
    assert_eq!(disk.kernel_version.as_deref(), Some("3.18-x86_64"));
    assert_eq!(disk.image_label.as_deref(), Some("Debian 12 64 bits (HVM)"));
    assert_eq!(disk.source, Some(DiskId::from(34801)));
    assert_eq!(disk.snapshot_profile, Some(SnapshotProfileId::from(1)));
    assert_eq!(disk.created_at, Some(dt(2021, 2, 13, 9, 12, 4)));
}

#[test]
fn disk_info_refuses_a_non_numeric_id_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    let id = DiskId::opaque("abc").unwrap();
    assert_eq!(invalid_field(client.disk_info(&id)), "id");
    none.assert();
}

#[test]
fn create_blank_disk_sends_the_size_in_mb_waits_and_reads_the_new_disk() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("name", Value::from("data01")),
            ("size", int(10240)),
        ])],
        fixture(CREATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004101,
        &[
            op(5004101, "disk_create", "WAIT")
                .disk(34926)
                .eta(20)
                .body(),
            op(5004101, "disk_create", "RUN").disk(34926).eta(5).body(),
            op(5004101, "disk_create", "DONE").disk(34926).eta(0).body(),
        ],
    );
    let info = data01(&mut server);
    let client = client(&server);

    let pending = client
        .submit_create_disk(&DiskSpec::blank(RegionId::from(6), 10).name("data01"))
        .unwrap();
    assert_eq!(pending.operation_ids(), vec![OperationId::from(5004101)]);
    assert_eq!(pending.created(), &[ResourceId::Disk(DiskId::from(34926))]);
    let disk = client.wait(pending).unwrap();

    create.assert();
    for p in &polls {
        p.assert();
    }
    info.assert();
    assert_eq!(
        calls(&server),
        [
            CREATE,
            "operation.info 5004101",
            "operation.info 5004101",
            "operation.info 5004101",
            "hosting.disk.info 34926",
        ]
    );
    assert_eq!(disk.id, DiskId::from(34926));
    assert_eq!(disk.name, "data01");
    assert_eq!(disk.size_gb, 10);
}

#[test]
fn create_disk_from_an_image_uses_create_from_with_the_image_disk() {
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
                ("name", Value::from("sys_web3")),
                ("size", int(20480)),
            ]),
            int(34801),
        ],
        fixture(CREATE_FROM, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004103,
        &[
            op(5004103, "disk_create", "RUN").disk(34928).body(),
            op(5004103, "disk_create", "DONE").disk(34928).body(),
        ],
    );
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(34928)],
        fixture_with(
            INFO,
            "data",
            &[
                ("id", int(34928)),
                ("name", Value::from("sys_web3")),
                ("size", int(20480)),
                ("source", int(34801)),
                ("label", Value::from("Debian 12 64 bits (HVM)")),
            ],
        ),
    );
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let image = hosting
        .image_by_name("Debian 12 64 bits (HVM)", &RegionId::from(6))
        .unwrap();
    let disk = hosting
        .create_disk(&DiskSpec::from_image(&image, 20).name("sys_web3"))
        .unwrap();

    images.assert();
    create.assert();
    polls.iter().for_each(mockito::Mock::assert);
    info.assert();
    assert_eq!(disk.id, DiskId::from(34928));
    assert_eq!(disk.name, "sys_web3");
    assert_eq!(disk.size_gb, 20);
    assert_eq!(disk.source, Some(DiskId::from(34801)));
    assert_eq!(disk.image_label.as_deref(), Some("Debian 12 64 bits (HVM)"));
}

#[test]
fn clone_disk_sends_no_size_so_the_copy_keeps_the_source_size() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        CREATE_FROM,
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("name", Value::from("data01_copy")),
            ]),
            int(34926),
        ],
        fixture(CREATE_FROM, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004103,
        &[op(5004103, "disk_create", "DONE").disk(34928).body()],
    );
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(34928)],
        fixture_with(
            INFO,
            "data",
            &[
                ("id", int(34928)),
                ("name", Value::from("data01_copy")),
                ("source", int(34926)),
            ],
        ),
    );
    let client = client(&server);

    let disk = client
        .create_disk(
            &DiskSpec::clone_of(DiskId::from(34926), RegionId::from(6)).name("data01_copy"),
        )
        .unwrap();
    create.assert();
    polls[0].assert();
    info.assert();
    assert_eq!(disk.id, DiskId::from(34928));
    assert_eq!(disk.size_gb, 10);
    assert_eq!(disk.source, Some(DiskId::from(34926)));
}

#[test]
fn create_disk_with_a_snapshot_profile_sends_its_id() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        CREATE,
        vec![st(&[
            ("datacenter_id", int(6)),
            ("size", int(3072)),
            ("snapshot_profile", int(2)),
        ])],
        fixture(CREATE, "done_immediately"),
    );
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(34927)],
        fixture_with(INFO, "data", &[("id", int(34927)), ("size", int(3072))]),
    );
    let client = client(&server);

    let disk = client
        .create_disk(
            &DiskSpec::blank(RegionId::from(6), 3).snapshot_profile(SnapshotProfileId::from(2)),
        )
        .unwrap();
    create.assert();
    info.assert();
    assert_eq!(disk.id, DiskId::from(34927));
    assert_eq!(disk.size_gb, 3);
}

#[test]
fn create_disk_refuses_bad_sizes_and_names_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);
    let region = RegionId::from(6);

    assert_eq!(
        invalid_field(client.create_disk(&DiskSpec::blank(region.clone(), 0))),
        "size_gb"
    );
    assert_eq!(
        invalid_field(client.create_disk(&DiskSpec::blank(region.clone(), 1_000_000))),
        "size_gb"
    );
    assert_eq!(
        invalid_field(client.create_disk(&DiskSpec::blank(region.clone(), 10).name("my disk"))),
        "name"
    );
    assert_eq!(
        invalid_field(client.create_disk(&DiskSpec::blank(region.clone(), 10).name(""))),
        "name"
    );
    let opaque = RegionId::opaque("region-uuid").unwrap();
    assert_eq!(
        invalid_field(client.create_disk(&DiskSpec::blank(opaque, 10))),
        "region"
    );
    let source = DiskId::opaque("disk-uuid").unwrap();
    assert_eq!(
        invalid_field(client.create_disk(&DiskSpec::clone_of(source, region))),
        "source"
    );
    none.assert();
}

#[test]
fn extend_disk_reads_it_first_then_sends_the_new_size_in_mb() {
    let mut server = Server::new();
    let before = data01(&mut server);
    let update = expect_call(
        &mut server,
        UPDATE,
        vec![int(34926), st(&[("size", int(20480))])],
        fixture(UPDATE, "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004105,
        &[
            op(5004105, "disk_update", "RUN").disk(34926).body(),
            op(5004105, "disk_update", "DONE").disk(34926).body(),
        ],
    );
    let after = expect_call(
        &mut server,
        INFO,
        vec![int(34926)],
        fixture_with(
            INFO,
            "data",
            &[("size", int(20480)), ("total_size", int(20480))],
        ),
    );
    let client = client(&server);

    let disk = client.extend_disk(&DiskId::from(34926), 20).unwrap();
    before.assert();
    update.assert();
    polls.iter().for_each(mockito::Mock::assert);
    after.assert();
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34926",
            "hosting.disk.update 34926",
            "operation.info 5004105",
            "operation.info 5004105",
            "hosting.disk.info 34926",
        ]
    );
    assert_eq!(disk.size_gb, 20);
    assert_eq!(disk.size_mb, 20480);
}

#[test]
fn extend_disk_refuses_to_shrink_or_keep_the_size_without_an_update() {
    let mut server = Server::new();
    let info = expect_calls(
        &mut server,
        INFO,
        vec![int(34926)],
        fixture(INFO, "data"),
        2,
    );
    let update = never(&mut server, UPDATE);
    let client = client(&server);

    for size in [10, 5] {
        let err = client.extend_disk(&DiskId::from(34926), size).unwrap_err();
        match &err {
            gandi_hosting::Error::InvalidInput { field, reason } => {
                assert_eq!(field, "new_size_gb");
                assert!(reason.contains("10 GB"), "{reason}");
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
    info.assert();
    update.assert();
}

#[test]
fn extend_disk_to_zero_is_refused_before_reading_the_disk() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.extend_disk(&DiskId::from(34926), 0)),
        "new_size_gb"
    );
    assert_eq!(
        invalid_field(client.extend_disk(&DiskId::opaque("x").unwrap(), 20)),
        "id"
    );
    none.assert();
}

#[test]
fn rename_disk_sends_only_the_name() {
    let mut server = Server::new();
    let update = expect_call(
        &mut server,
        UPDATE,
        vec![int(34926), st(&[("name", Value::from("data-renamed"))])],
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
        fixture_with(INFO, "data", &[("name", Value::from("data-renamed"))]),
    );
    let client = client(&server);

    let disk = client
        .rename_disk(&DiskId::from(34926), "data-renamed")
        .unwrap();
    update.assert();
    polls[0].assert();
    info.assert();
    assert_eq!(disk.name, "data-renamed");
}

#[test]
fn rename_disk_refuses_a_bad_name_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.rename_disk(&DiskId::from(34926), "data/01")),
        "name"
    );
    none.assert();
}

#[test]
fn delete_disk_reads_it_deletes_it_and_waits() {
    let mut server = Server::new();
    let info = data01(&mut server);
    let delete = expect_call(&mut server, DELETE, vec![int(34926)], fixture(DELETE, "op"));
    let polls = op_sequence(
        &mut server,
        5004106,
        &[
            op(5004106, "disk_delete", "RUN").disk(34926).body(),
            op(5004106, "disk_delete", "DONE").disk(34926).body(),
        ],
    );
    let client = client(&server);

    client.delete_disk(&DiskId::from(34926)).unwrap();
    info.assert();
    delete.assert();
    polls.iter().for_each(mockito::Mock::assert);
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.info 34926",
            "hosting.disk.delete 34926",
            "operation.info 5004106",
            "operation.info 5004106",
        ]
    );
}

#[test]
fn delete_disk_is_refused_while_attached_and_sends_no_delete() {
    let mut server = Server::new();
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(34920)],
        fixture(INFO, "boot_attached"),
    );
    let delete = never(&mut server, DELETE);
    let client = client(&server);

    let err = client.delete_disk(&DiskId::from(34920)).unwrap_err();
    match &err {
        gandi_hosting::Error::InvalidInput { field, reason } => {
            assert_eq!(field, "id");
            assert!(reason.contains("250140"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    info.assert();
    delete.assert();
}
