//! Waiting for operations: polling `operation.info` through BILL/WAIT/RUN to DONE, failures
//! (ERROR, CANCEL, SUPPORT) with what was created, unknown steps, deadlines and resuming,
//! cancellation from the progress callback, batches, and transient failures while polling.

mod common;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use common::*;
use gandi_hosting::error::OperationFailed;
use gandi_hosting::model::{
    BootDisk, DiskId, DiskSpec, InterfaceId, IpId, IpSpec, OperationId, OperationStep, RegionId,
    ResourceId, SshKeyId, VmId, VmSpec,
};
use gandi_hosting::v4::{Client, Pending, WaitOptions};
use gandi_hosting::xmlrpc::Value;
use gandi_hosting::{Error, Hosting, RetryPolicy};
use mockito::{Mock, Server};

/// What a progress callback saw in one round: the round number and every operation's step.
type Seen = Vec<(u32, Vec<OperationStep>)>;

fn watcher(
    seen: &mut Seen,
) -> impl FnMut(&gandi_hosting::v4::WaitProgress<'_>) -> ControlFlow<()> + '_ {
    move |p| {
        seen.push((
            p.round,
            p.operations.iter().map(|o| o.step.clone()).collect(),
        ));
        ControlFlow::Continue(())
    }
}

/// `hosting.disk.create` of data01 (10 GB) answered with the WAIT operation 5004101.
fn create_data01(server: &mut Server) -> Mock {
    expect_call(
        server,
        "hosting.disk.create",
        vec![st(&[
            ("datacenter_id", int(6)),
            ("name", Value::from("data01")),
            ("size", int(10240)),
        ])],
        fixture("hosting.disk.create", "op"),
    )
}

fn data01_spec() -> DiskSpec {
    DiskSpec::blank(RegionId::from(6), 10).name("data01")
}

fn disk_info(server: &mut Server, id: i64) -> Mock {
    expect_call(
        server,
        "hosting.disk.info",
        vec![int(id)],
        fixture_with("hosting.disk.info", "data", &[("id", int(id))]),
    )
}

/// Submits web2 from Debian 12 with a new public IP, answered with `three_ops.xml`
/// (5004201 disk_create 34930, 5004202 iface_create 7870/9280, 5004203 vm_create 250145).
fn submit_web2(server: &mut Server, client: &Client) -> (Mock, Pending<gandi_hosting::model::Vm>) {
    let create = expect_call(
        server,
        "hosting.vm.create_from",
        vec![
            st(&[
                ("datacenter_id", int(6)),
                ("hostname", Value::from("web2")),
                ("memory", int(512)),
                ("cores", int(1)),
                ("keys", Value::Array(vec![int(1461)])),
                ("ip_version", int(4)),
                ("bandwidth", int(102400)),
            ]),
            st(&[("datacenter_id", int(6)), ("size", int(10240))]),
            int(34801),
        ],
        fixture("hosting.vm.create_from", "three_ops"),
    );
    let pending = client
        .submit_create_vm(
            &VmSpec::new(RegionId::from(6), "web2").ssh_key(SshKeyId::from(1461)),
            &BootDisk::FromImage {
                source_disk: DiskId::from(34801),
                region: RegionId::from(6),
                size_gb: 10,
                name: None,
            },
            &IpSpec::public_v4(),
        )
        .unwrap();
    (create, pending)
}

fn web2_created() -> Vec<ResourceId> {
    vec![
        ResourceId::Disk(DiskId::from(34930)),
        ResourceId::Interface(InterfaceId::from(7870)),
        ResourceId::Ip(IpId::from(9280)),
        ResourceId::Vm(VmId::from(250145)),
    ]
}

fn failure(err: &Error) -> &OperationFailed {
    match err {
        Error::OperationFailed(f) => f,
        other => panic!("expected OperationFailed, got {other:?}"),
    }
}

#[test]
fn waiting_polls_wait_run_done_and_then_reads_the_result() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let polls = op_sequence(
        &mut server,
        5004101,
        &[
            op(5004101, "disk_create", "WAIT")
                .disk(34926)
                .eta(30)
                .body(),
            op(5004101, "disk_create", "RUN").disk(34926).eta(12).body(),
            op(5004101, "disk_create", "DONE").disk(34926).eta(0).body(),
        ],
    );
    let info = disk_info(&mut server, 34926);
    let client = client(&server);

    let pending = client.submit_create_disk(&data01_spec()).unwrap();
    let mut seen = Seen::new();
    let mut etas = Vec::new();
    let disk = client
        .wait_with(pending, &WaitOptions::immediate(), &mut |p| {
            seen.push((
                p.round,
                p.operations.iter().map(|o| o.step.clone()).collect(),
            ));
            etas.push(p.operations[0].eta);
            assert!(p.elapsed < Duration::from_secs(5));
            ControlFlow::Continue(())
        })
        .unwrap();

    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(
        seen,
        [
            (1, vec![OperationStep::Wait]),
            (2, vec![OperationStep::Run]),
            (3, vec![OperationStep::Done]),
        ]
    );
    assert_eq!(etas, [Some(30), Some(12), Some(0)]);
    assert_eq!(disk.id, DiskId::from(34926));
}

#[test]
fn an_operation_already_done_in_the_create_answer_is_checked_once_without_sleeping() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        "hosting.disk.create",
        vec![st(&[("datacenter_id", int(6)), ("size", int(3072))])],
        fixture("hosting.disk.create", "done_immediately"),
    );
    let polls = never(&mut server, "operation.info");
    let info = disk_info(&mut server, 34927);
    // The default options pause a whole second between rounds: any pause would show.
    let client = client_with(&server, WaitOptions::default(), RetryPolicy::none());

    let started = Instant::now();
    let pending = client
        .submit_create_disk(&DiskSpec::blank(RegionId::from(6), 3))
        .unwrap();
    assert_eq!(pending.operations()[0].step, OperationStep::Done);
    let mut seen = Seen::new();
    let disk = client
        .wait_with(pending, &WaitOptions::default(), &mut watcher(&mut seen))
        .unwrap();
    let took = started.elapsed();

    create.assert();
    polls.assert();
    info.assert();
    assert_eq!(seen, [(1, vec![OperationStep::Done])]);
    assert!(took < Duration::from_millis(900), "took {took:?}");
    assert_eq!(disk.id, DiskId::from(34927));
}

#[test]
fn an_error_step_fails_with_the_operation_details_and_every_resource_created() {
    let mut server = Server::new();
    let client = client(&server);
    let (create, pending) = submit_web2(&mut server, &client);
    let disk_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004201)],
        op(5004201, "disk_create", "ERROR")
            .disk(34930)
            .eta(-3)
            .last_error("not enough space on the storage pool")
            .body(),
    );
    let iface_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004202)],
        op(5004202, "iface_create", "RUN")
            .iface(7870)
            .ip(9280)
            .body(),
    );
    let vm_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004203)],
        fixture("operation.info", "wait"),
    );
    let info = never(&mut server, "hosting.vm.info");

    let err = client.wait(pending).unwrap_err();
    for m in [&create, &disk_op, &iface_op, &vm_op, &info] {
        m.assert();
    }
    let f = failure(&err);
    assert_eq!(f.id, OperationId::from(5004201));
    assert_eq!(f.kind, "disk_create");
    assert_eq!(f.step, OperationStep::Error);
    assert_eq!(
        f.last_error.as_deref(),
        Some("not enough space on the storage pool")
    );
    assert_eq!(f.created, web2_created());
    assert_eq!(err.created(), web2_created().as_slice());
    let text = err.to_string();
    for part in [
        "5004201",
        "disk_create",
        "ERROR",
        "not enough space",
        "VM 250145",
        "disk 34930",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }
}

#[test]
fn the_recorded_error_operation_carries_its_last_error() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004310)],
        fixture("operation.info", "error"),
    );
    let client = client(&server);

    let err = client
        .wait_for_operations(
            &[OperationId::from(5004310)],
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap_err();
    mock.assert();
    let f = failure(&err);
    assert_eq!(f.id, OperationId::from(5004310));
    assert_eq!(f.kind, "disk_attach");
    assert_eq!(f.step, OperationStep::Error);
    assert_eq!(
        f.last_error.as_deref(),
        Some("Disk attach failed: vm#250140 is in a state that does not allow it")
    );
    assert!(f.created.is_empty());
}

#[test]
fn a_support_step_is_a_failure_that_says_support_must_intervene() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004311)],
        fixture("operation.info", "support"),
    );
    let client = client(&server);

    let err = client
        .wait_for_operations(
            &[OperationId::from(5004311)],
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap_err();
    mock.assert();
    let f = failure(&err);
    assert_eq!(f.id, OperationId::from(5004311));
    assert_eq!(f.kind, "vm_delete");
    assert_eq!(f.step, OperationStep::Support);
    assert_eq!(f.last_error, None);
    assert!(err.to_string().contains("support"), "{err}");
}

#[test]
fn a_support_step_while_creating_reports_the_disk_created() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let polls = op_sequence(
        &mut server,
        5004101,
        &[
            op(5004101, "disk_create", "RUN").disk(34926).body(),
            op(5004101, "disk_create", "SUPPORT").disk(34926).body(),
        ],
    );
    let info = never(&mut server, "hosting.disk.info");
    let client = client(&server);

    let err = client.create_disk(&data01_spec()).unwrap_err();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    let f = failure(&err);
    assert_eq!(f.step, OperationStep::Support);
    assert_eq!(f.created, [ResourceId::Disk(DiskId::from(34926))]);
}

#[test]
fn a_cancelled_operation_is_a_failure() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004312)],
        fixture("operation.info", "cancel"),
    );
    let client = client(&server);

    let err = client
        .wait_for_operations(
            &[OperationId::from(5004312)],
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap_err();
    mock.assert();
    let f = failure(&err);
    assert_eq!(f.id, OperationId::from(5004312));
    assert_eq!(f.kind, "disk_create");
    assert_eq!(f.step, OperationStep::Cancel);
}

#[test]
fn a_clone_whose_operation_is_cancelled_reports_the_new_disk() {
    let mut server = Server::new();
    let create = expect_call(
        &mut server,
        "hosting.disk.create_from",
        vec![st(&[("datacenter_id", int(6))]), int(34926)],
        fixture("hosting.disk.create_from", "op"),
    );
    let polls = op_sequence(
        &mut server,
        5004103,
        &[
            op(5004103, "disk_create", "WAIT").disk(34928).body(),
            op(5004103, "disk_create", "CANCEL").disk(34928).body(),
        ],
    );
    let client = client(&server);

    let err = client
        .create_disk(&DiskSpec::clone_of(DiskId::from(34926), RegionId::from(6)))
        .unwrap_err();
    create.assert();
    polls.iter().for_each(Mock::assert);
    let f = failure(&err);
    assert_eq!(f.id, OperationId::from(5004103));
    assert_eq!(f.step, OperationStep::Cancel);
    assert_eq!(err.created(), &[ResourceId::Disk(DiskId::from(34928))]);
}

#[test]
fn an_unknown_step_keeps_polling_until_done() {
    let mut server = Server::new();
    let unknown = expect_calls(
        &mut server,
        "operation.info",
        vec![int(5004313)],
        fixture("operation.info", "unknown_step"),
        3,
    );
    let done = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004313)],
        op(5004313, "vm_update", "DONE").vm(250140).body(),
    );
    let client = client(&server);

    let mut seen = Seen::new();
    let ops = client
        .wait_for_operations(
            &[OperationId::from(5004313)],
            &WaitOptions::immediate(),
            &mut watcher(&mut seen),
        )
        .unwrap();
    unknown.assert();
    done.assert();
    let pending_x = OperationStep::Other("PENDING_X".to_owned());
    assert_eq!(
        seen,
        [
            (1, vec![pending_x.clone()]),
            (2, vec![pending_x]),
            (3, vec![OperationStep::Done]),
        ]
    );
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].step, OperationStep::Done);
    assert_eq!(ops[0].vm_id, Some(VmId::from(250140)));
}

#[test]
fn a_timeout_names_the_pending_operations_and_what_was_created_and_can_be_resumed() {
    let mut server = Server::new();
    let client = client(&server);
    let (create, pending) = submit_web2(&mut server, &client);
    let disk_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004201)],
        op(5004201, "disk_create", "DONE").disk(34930).body(),
    );
    let iface_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004202)],
        op(5004202, "iface_create", "DONE")
            .iface(7870)
            .ip(9280)
            .body(),
    );
    let running = expect_calls_at_least(
        &mut server,
        "operation.info",
        vec![int(5004203)],
        fixture("operation.info", "run"),
        2,
    );
    let info = never(&mut server, "hosting.vm.info");

    let options = WaitOptions::immediate().timeout(Duration::from_millis(50));
    let started = Instant::now();
    let err = client
        .wait_with(pending, &options, &mut |_| ControlFlow::Continue(()))
        .unwrap_err();
    let took = started.elapsed();
    for m in [&create, &disk_op, &iface_op, &running, &info] {
        m.assert();
    }
    assert!(took >= Duration::from_millis(50), "took {took:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    match &err {
        Error::WaitTimeout(t) => {
            assert_eq!(t.pending, [OperationId::from(5004203)]);
            assert_eq!(t.created, web2_created());
            assert!(t.elapsed >= Duration::from_millis(50));
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
    assert_eq!(err.pending_operations(), [OperationId::from(5004203)]);
    assert!(err.to_string().contains("5004203"), "{err}");

    // Resuming with the IDs from the error.
    let done = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004203)],
        fixture("operation.info", "done"),
    );
    let ops = client
        .wait_for_operations(
            err.pending_operations(),
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    done.assert();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].id, OperationId::from(5004203));
    assert_eq!(ops[0].step, OperationStep::Done);
    assert_eq!(ops[0].vm_id, Some(VmId::from(250145)));
}

#[test]
fn the_deadline_cuts_a_long_pause_short() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let running = expect_calls_at_least(
        &mut server,
        "operation.info",
        vec![int(5004101)],
        op(5004101, "disk_create", "RUN")
            .disk(34926)
            .eta(600)
            .body(),
        1,
    );
    let client = client(&server);

    let pending = client.submit_create_disk(&data01_spec()).unwrap();
    let options = WaitOptions::default()
        .interval(Duration::from_secs(10), Duration::from_secs(30))
        .timeout(Duration::from_millis(20));
    let started = Instant::now();
    let err = client
        .wait_with(pending, &options, &mut |_| ControlFlow::Continue(()))
        .unwrap_err();
    let took = started.elapsed();
    create.assert();
    running.assert();
    assert!(matches!(err, Error::WaitTimeout(_)), "{err:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert_eq!(err.created(), &[ResourceId::Disk(DiskId::from(34926))]);
}

#[test]
fn a_large_eta_never_pauses_beyond_the_longest_interval() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let polls = op_sequence(
        &mut server,
        5004101,
        &[
            op(5004101, "disk_create", "RUN").disk(34926).eta(40).body(),
            op(5004101, "disk_create", "RUN").disk(34926).eta(20).body(),
            op(5004101, "disk_create", "DONE").disk(34926).body(),
        ],
    );
    let info = disk_info(&mut server, 34926);
    let client = client(&server);

    let pending = client.submit_create_disk(&data01_spec()).unwrap();
    let options = WaitOptions::immediate()
        .interval(Duration::from_millis(1), Duration::from_millis(5))
        .timeout(Duration::from_secs(30));
    let started = Instant::now();
    client
        .wait_with(pending, &options, &mut |_| ControlFlow::Continue(()))
        .unwrap();
    let took = started.elapsed();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn a_progress_callback_that_breaks_cancels_the_wait() {
    let mut server = Server::new();
    let client = client(&server);
    let (create, pending) = submit_web2(&mut server, &client);
    let polls = [
        expect_call(
            &mut server,
            "operation.info",
            vec![int(5004201)],
            op(5004201, "disk_create", "RUN").disk(34930).body(),
        ),
        expect_call(
            &mut server,
            "operation.info",
            vec![int(5004202)],
            op(5004202, "iface_create", "WAIT")
                .iface(7870)
                .ip(9280)
                .body(),
        ),
        expect_call(
            &mut server,
            "operation.info",
            vec![int(5004203)],
            fixture("operation.info", "wait"),
        ),
    ];
    let info = never(&mut server, "hosting.vm.info");

    let mut rounds = 0;
    let err = client
        .wait_with(pending, &WaitOptions::immediate(), &mut |p| {
            rounds += 1;
            assert_eq!(p.operations.len(), 3);
            assert_eq!(p.done(), 0);
            ControlFlow::Break(())
        })
        .unwrap_err();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(rounds, 1);
    match &err {
        Error::Cancelled(c) => {
            assert_eq!(
                c.pending,
                [5004201, 5004202, 5004203].map(OperationId::from)
            );
            assert_eq!(c.created, web2_created());
        }
        other => panic!("expected Cancelled, got {other:?}"),
    }
}

/// Three disk creations: data01 (5004101, WAIT), a clone of it (5004103, BILL) and data02
/// (5004102, already DONE).
fn three_disks(
    server: &mut Server,
    client: &Client,
) -> (Vec<Mock>, Vec<Pending<gandi_hosting::model::Disk>>) {
    let mocks = vec![
        create_data01(server),
        expect_call(
            server,
            "hosting.disk.create_from",
            vec![
                st(&[
                    ("datacenter_id", int(6)),
                    ("name", Value::from("data01_copy")),
                ]),
                int(34926),
            ],
            fixture("hosting.disk.create_from", "op"),
        ),
        expect_call(
            server,
            "hosting.disk.create",
            vec![st(&[
                ("datacenter_id", int(6)),
                ("name", Value::from("data02")),
                ("size", int(3072)),
            ])],
            fixture("hosting.disk.create", "done_immediately"),
        ),
    ];
    let pending = vec![
        client.submit_create_disk(&data01_spec()).unwrap(),
        client
            .submit_create_disk(
                &DiskSpec::clone_of(DiskId::from(34926), RegionId::from(6)).name("data01_copy"),
            )
            .unwrap(),
        client
            .submit_create_disk(&DiskSpec::blank(RegionId::from(6), 3).name("data02"))
            .unwrap(),
    ];
    (mocks, pending)
}

#[test]
fn wait_all_polls_every_pending_item_in_rounds_and_keeps_their_order() {
    let mut server = Server::new();
    let client = client(&server);
    let (creates, pending) = three_disks(&mut server, &client);
    let first = op_sequence(
        &mut server,
        5004101,
        &[
            op(5004101, "disk_create", "RUN").disk(34926).body(),
            op(5004101, "disk_create", "DONE").disk(34926).body(),
        ],
    );
    let second = op_sequence(
        &mut server,
        5004103,
        &[
            op(5004103, "disk_create", "WAIT").disk(34928).body(),
            op(5004103, "disk_create", "RUN").disk(34928).body(),
            op(5004103, "disk_create", "DONE").disk(34928).body(),
        ],
    );
    let third = expect_calls(
        &mut server,
        "operation.info",
        vec![int(5004102)],
        op(5004102, "disk_create", "DONE").body(),
        0,
    );
    let infos = [
        disk_info(&mut server, 34926),
        disk_info(&mut server, 34928),
        disk_info(&mut server, 34927),
    ];

    let mut seen = Seen::new();
    let results = client.wait_all_with(pending, &WaitOptions::immediate(), &mut watcher(&mut seen));

    creates
        .iter()
        .chain(&first)
        .chain(&second)
        .for_each(Mock::assert);
    third.assert();
    infos.iter().for_each(Mock::assert);
    let ids: Vec<DiskId> = results.into_iter().map(|r| r.unwrap().id).collect();
    assert_eq!(ids, [34926, 34928, 34927].map(DiskId::from));
    use OperationStep::*;
    assert_eq!(
        seen,
        [
            (1, vec![Run, Wait, Done]),
            (2, vec![Done, Run, Done]),
            (3, vec![Done, Done, Done]),
        ]
    );
    let journal = calls(&server);
    assert_eq!(
        journal[3..],
        [
            "operation.info 5004101",
            "operation.info 5004103",
            "operation.info 5004101",
            "operation.info 5004103",
            "operation.info 5004103",
            "hosting.disk.info 34926",
            "hosting.disk.info 34928",
            "hosting.disk.info 34927",
        ]
    );
}

#[test]
fn wait_all_reports_a_failure_in_its_own_slot() {
    let mut server = Server::new();
    let client = client(&server);
    let (creates, pending) = three_disks(&mut server, &client);
    let first = op_sequence(
        &mut server,
        5004101,
        &[op(5004101, "disk_create", "DONE").disk(34926).body()],
    );
    let second = op_sequence(
        &mut server,
        5004103,
        &[op(5004103, "disk_create", "ERROR")
            .disk(34928)
            .last_error("source disk busy")
            .body()],
    );
    let infos = [disk_info(&mut server, 34926), disk_info(&mut server, 34927)];

    let results = client.wait_all(pending);
    creates
        .iter()
        .chain(&first)
        .chain(&second)
        .for_each(Mock::assert);
    infos.iter().for_each(Mock::assert);
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().id, DiskId::from(34926));
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(failure(err).last_error.as_deref(), Some("source disk busy"));
    assert_eq!(err.created(), &[ResourceId::Disk(DiskId::from(34928))]);
    assert_eq!(results[2].as_ref().unwrap().id, DiskId::from(34927));
}

#[test]
fn a_transient_503_while_polling_is_survived_and_the_create_is_sent_once() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let unavailable = expect_status(
        &mut server,
        "operation.info",
        vec![int(5004101)],
        503,
        "<html><body>503 Service Unavailable</body></html>",
    );
    let polls = op_sequence(
        &mut server,
        5004101,
        &[
            op(5004101, "disk_create", "RUN").disk(34926).body(),
            op(5004101, "disk_create", "DONE").disk(34926).body(),
        ],
    );
    let info = disk_info(&mut server, 34926);
    // No transport retries: the wait loop itself must ride over the failed poll.
    let client = client(&server);

    let disk = client.create_disk(&data01_spec()).unwrap();
    create.assert();
    unavailable.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(disk.id, DiskId::from(34926));
    assert_eq!(
        calls(&server),
        [
            "hosting.disk.create",
            "operation.info 5004101 -> HTTP 503",
            "operation.info 5004101",
            "operation.info 5004101",
            "hosting.disk.info 34926",
        ]
    );
}

#[test]
fn a_503_while_polling_is_also_retried_by_the_transport_when_allowed() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let unavailable = expect_status(
        &mut server,
        "operation.info",
        vec![int(5004101)],
        503,
        "busy",
    );
    let polls = op_sequence(
        &mut server,
        5004101,
        &[op(5004101, "disk_create", "DONE").disk(34926).body()],
    );
    let info = disk_info(&mut server, 34926);
    let client = client_with(&server, WaitOptions::immediate(), quick_retries(2));

    let mut rounds = 0;
    let pending = client.submit_create_disk(&data01_spec()).unwrap();
    client
        .wait_with(pending, &WaitOptions::immediate(), &mut |_| {
            rounds += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
    create.assert();
    unavailable.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(rounds, 1, "the retry happened inside the first round");
}

#[test]
fn a_fault_while_polling_ends_the_wait_and_names_what_was_created() {
    let mut server = Server::new();
    let client = client(&server);
    let (create, pending) = submit_web2(&mut server, &client);
    let disk_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004201)],
        op(5004201, "disk_create", "DONE").disk(34930).body(),
    );
    let iface_op = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004202)],
        fault_body(
            580142,
            "Error on object : OBJECT_OPERATION (CAUSE_NOTFOUND) [operation 5004202 not found]",
        ),
    );
    let vm_op = expect_calls(
        &mut server,
        "operation.info",
        vec![int(5004203)],
        fixture("operation.info", "done"),
        0,
    );
    let info = never(&mut server, "hosting.vm.info");

    let err = client.wait(pending).unwrap_err();
    for m in [&create, &disk_op, &iface_op, &vm_op, &info] {
        m.assert();
    }
    assert!(matches!(err, Error::Incomplete(_)), "{err:?}");
    assert_eq!(err.created(), web2_created().as_slice());
    let fault = err.fault().expect("the fault inside");
    assert_eq!(fault.code, 580142);
    assert_eq!(fault.method, "operation.info");
    assert!(err.is_not_found());
    let text = err.to_string();
    assert!(text.contains("580142"), "{text}");
    assert!(text.contains("VM 250145"), "{text}");
}

#[test]
fn the_blocking_create_uses_the_client_wait_options() {
    // A client whose deadline has already passed times out at the first round.
    let mut server = Server::new();
    let create = create_data01(&mut server);
    let poll = expect_call(
        &mut server,
        "operation.info",
        vec![int(5004101)],
        op(5004101, "disk_create", "RUN").disk(34926).body(),
    );
    let client = client_with(
        &server,
        WaitOptions::immediate().timeout(Duration::ZERO),
        RetryPolicy::none(),
    );
    assert_eq!(client.wait_options().timeout, Duration::ZERO);

    let err = client.create_disk(&data01_spec()).unwrap_err();
    create.assert();
    poll.assert();
    assert_eq!(err.pending_operations(), [OperationId::from(5004101)]);
    assert_eq!(err.created(), &[ResourceId::Disk(DiskId::from(34926))]);
}

#[test]
fn a_2011_operation_keeps_its_ids_in_params() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "operation.info",
        vec![int(1235087)],
        fixture("operation.info", "done_2011"),
    );
    let client = client(&server);

    let ops = client
        .wait_for_operations(
            &[OperationId::from(1235087)],
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    mock.assert();
    let done = &ops[0];
    assert_eq!(done.kind, "vm_create");
    assert_eq!(done.step, OperationStep::Done);
    assert_eq!(done.vm_id, Some(VmId::from(250133)));
    assert_eq!(done.disk_id, None);
    assert_eq!(done.last_error, None);
    assert_eq!(done.started_at, None);
    assert_eq!(done.eta, Some(0));
    assert_eq!(done.created_at, Some(dt(2011, 9, 21, 9, 12, 4)));
}

#[test]
fn ids_from_the_create_answer_survive_polls_that_leave_them_out() {
    let mut server = Server::new();
    let create = create_data01(&mut server);
    // 2011-style answers: no top-level object IDs and no params.
    let bare = |step: &str| {
        body(st(&[
            ("id", int(5004101)),
            ("type", Value::from("disk_create")),
            ("step", Value::from(step)),
            ("eta", int(0)),
            ("last_error", Value::from("")),
            ("date_start", Value::from("")),
        ]))
    };
    let polls = op_sequence(&mut server, 5004101, &[bare("RUN"), bare("DONE")]);
    let info = disk_info(&mut server, 34926);
    let client = client(&server);

    let pending = client.submit_create_disk(&data01_spec()).unwrap();
    let mut disk_ids = Vec::new();
    client
        .wait_with(pending, &WaitOptions::immediate(), &mut |p| {
            disk_ids.push(p.operations[0].disk_id.clone());
            ControlFlow::Continue(())
        })
        .unwrap();
    create.assert();
    polls.iter().for_each(Mock::assert);
    info.assert();
    assert_eq!(
        disk_ids,
        [Some(DiskId::from(34926)), Some(DiskId::from(34926))]
    );
}
