//! Gandi's operations (`operation.list`, `operation.count`, `operation.info`,
//! `operation.cancel`) through the v4 client: filters on the wire, paging, both shapes of an
//! operation, and cancelling with a true, false or fault answer.

mod common;

use common::*;
use gandi_hosting::Error;
use gandi_hosting::model::{DiskId, InterfaceId, OperationId, OperationStep, VmId};
use gandi_hosting::v4::OperationFilter;
use gandi_hosting::xmlrpc::Value;
use mockito::Server;

const LIST: &str = "operation.list";
const COUNT: &str = "operation.count";
const INFO: &str = "operation.info";
const CANCEL: &str = "operation.cancel";

fn pending_steps() -> Value {
    Value::Array(vec![
        Value::from("BILL"),
        Value::from("WAIT"),
        Value::from("RUN"),
    ])
}

fn paged(members: &[(&str, Value)], page: i64) -> Vec<Value> {
    let mut all = members.to_vec();
    all.push(("items_per_page", int(100)));
    all.push(("page", int(page)));
    vec![st(&all)]
}

#[test]
fn pending_operations_are_listed_with_the_three_pending_steps() {
    let mut server = Server::new();
    let list = expect_call(
        &mut server,
        LIST,
        paged(&[("step", pending_steps())], 0),
        fixture(LIST, "pending"),
    );
    let client = client(&server);

    let ops = client.operations(&OperationFilter::pending()).unwrap();
    list.assert();
    assert_eq!(calls(&server), [LIST]);
    assert_eq!(ops.len(), 3);

    assert_eq!(ops[0].id, OperationId::from(5004320));
    assert_eq!(ops[0].kind, "disk_create");
    assert_eq!(ops[0].step, OperationStep::Bill);
    assert_eq!(ops[0].disk_id, Some(DiskId::from(34926)));
    assert_eq!(ops[0].vm_id, None);
    assert_eq!(ops[0].started_at, None);

    assert_eq!(ops[1].id, OperationId::from(5004321));
    assert_eq!(ops[1].kind, "vm_start");
    assert_eq!(ops[1].step, OperationStep::Wait);
    assert_eq!(ops[1].vm_id, Some(VmId::from(250141)));

    assert_eq!(ops[2].id, OperationId::from(5004322));
    assert_eq!(ops[2].kind, "iface_update");
    assert_eq!(ops[2].step, OperationStep::Run);
    assert_eq!(ops[2].interface_id, Some(InterfaceId::from(7871)));
    assert!(ops.iter().all(|o| !o.step.is_terminal()));
}

#[test]
fn operations_filter_by_type_and_single_step_as_scalars() {
    let mut server = Server::new();
    let list = expect_call(
        &mut server,
        LIST,
        paged(
            &[
                ("type", Value::from("vm_create")),
                ("step", Value::from("DONE")),
            ],
            0,
        ),
        ops_body(vec![op(5004203, "vm_create", "DONE").vm(250145)]),
    );
    let client = client(&server);

    let ops = client
        .operations(
            &OperationFilter::new()
                .kind("vm_create")
                .step(OperationStep::Done),
        )
        .unwrap();
    list.assert();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].kind, "vm_create");
    assert_eq!(ops[0].step, OperationStep::Done);
    assert_eq!(ops[0].vm_id, Some(VmId::from(250145)));
}

#[test]
fn operations_of_a_vm_and_of_a_disk_send_their_ids() {
    let mut server = Server::new();
    let by_vm = expect_call(
        &mut server,
        LIST,
        paged(&[("vm_id", int(250141))], 0),
        ops_body(vec![
            op(5004321, "vm_start", "WAIT").vm(250141),
            op(5004244, "vm_delete", "DONE").vm(250141),
        ]),
    );
    let by_disk = expect_call(
        &mut server,
        LIST,
        paged(&[("disk_id", int(34926)), ("step", pending_steps())], 0),
        fixture(LIST, "pending"),
    );
    let client = client(&server);

    let ops = client
        .operations(&OperationFilter::new().vm(VmId::from(250141)))
        .unwrap();
    assert_eq!(ops.len(), 2);
    assert!(ops.iter().all(|o| o.vm_id == Some(VmId::from(250141))));
    assert_eq!(ops[1].step, OperationStep::Done);

    let ops = client
        .operations(&OperationFilter::pending().disk(DiskId::from(34926)))
        .unwrap();
    assert_eq!(ops.len(), 3);
    by_vm.assert();
    by_disk.assert();
}

#[test]
fn operations_are_fetched_over_every_page() {
    let mut server = Server::new();
    let page0 = ops_body(
        (0..100)
            .map(|i| op(6000000 + i, "vm_stop", "DONE"))
            .collect(),
    );
    let first = expect_call(&mut server, LIST, paged(&[], 0), page0);
    let second = expect_call(
        &mut server,
        LIST,
        paged(&[], 1),
        ops_body(vec![op(6000100, "vm_start", "RUN")]),
    );
    let client = client(&server);

    let ops = client.operations(&OperationFilter::new()).unwrap();
    first.assert();
    second.assert();
    assert_eq!(calls(&server), [LIST, LIST]);
    assert_eq!(ops.len(), 101);
    assert_eq!(ops[0].id, OperationId::from(6000000));
    assert_eq!(ops[100].id, OperationId::from(6000100));
    assert_eq!(ops[100].step, OperationStep::Run);
}

#[test]
fn operations_filter_with_a_non_v4_id_is_refused_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    let filter = OperationFilter::new().vm(VmId::opaque("a-uuid").unwrap());
    assert_eq!(invalid_field(client.operations(&filter)), "vm");
    assert_eq!(invalid_field(client.count_operations(&filter)), "vm");
    assert_eq!(
        invalid_field(client.cancel_operation(&OperationId::opaque("x").unwrap())),
        "id"
    );
    none.assert();
}

#[test]
fn count_operations_sends_the_filter_without_paging_keys() {
    let mut server = Server::new();
    let count = expect_call(
        &mut server,
        COUNT,
        vec![st(&[("step", pending_steps())])],
        fixture(COUNT, "three"),
    );
    let client = client(&server);

    assert_eq!(
        client
            .count_operations(&OperationFilter::pending())
            .unwrap(),
        3
    );
    count.assert();
}

#[test]
fn count_of_every_operation_sends_an_empty_struct() {
    let mut server = Server::new();
    let count = expect_call(&mut server, COUNT, vec![st(&[])], body(int(0)));
    let client = client(&server);

    assert_eq!(client.count_operations(&OperationFilter::new()).unwrap(), 0);
    count.assert();
}

#[test]
fn cancel_operation_succeeds_on_true_and_the_operation_reads_cancel() {
    let mut server = Server::new();
    let cancel = expect_call(
        &mut server,
        CANCEL,
        vec![int(5004312)],
        fixture(CANCEL, "ok"),
    );
    let info = expect_call(
        &mut server,
        INFO,
        vec![int(5004312)],
        fixture(INFO, "cancel"),
    );
    let client = client(&server);

    client
        .cancel_operation(&OperationId::from(5004312))
        .unwrap();
    let op = client.operation(&OperationId::from(5004312)).unwrap();
    cancel.assert();
    info.assert();
    assert_eq!(
        calls(&server),
        ["operation.cancel 5004312", "operation.info 5004312"]
    );
    assert_eq!(op.step, OperationStep::Cancel);
    assert!(op.step.is_terminal());
    assert!(op.step.is_failure());
    assert_eq!(op.kind, "disk_create");
    assert_eq!(op.disk_id, Some(DiskId::from(34928)));
    assert_eq!(op.started_at, None);
}

#[test]
fn cancel_operation_answered_false_is_refused_never_success() {
    let mut server = Server::new();
    let cancel = expect_call(
        &mut server,
        CANCEL,
        vec![int(5004203)],
        body(Value::Bool(false)),
    );
    let client = client(&server);

    match client.cancel_operation(&OperationId::from(5004203)) {
        Err(Error::Refused { method, what }) => {
            assert_eq!(method, CANCEL);
            assert!(what.contains("5004203"), "{what}");
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    cancel.assert();
}

#[test]
fn cancel_operation_of_a_finished_operation_returns_gandis_fault() {
    let mut server = Server::new();
    let _cancel = expect_call(
        &mut server,
        CANCEL,
        vec![int(5004203)],
        fault_body(
            580136,
            "Error on object : OBJECT_OPERATION (CAUSE_BADPARAMETER) [operation 5004203 is already DONE]",
        ),
    );
    let client = client(&server);

    let err = client
        .cancel_operation(&OperationId::from(5004203))
        .unwrap_err();
    let fault = err.fault().expect("a fault");
    assert_eq!(fault.method, CANCEL);
    assert_eq!(fault.code, 580136);
    assert_eq!(fault.object.as_deref(), Some("OBJECT_OPERATION"));
    assert_eq!(fault.message, "operation 5004203 is already DONE");
}

#[test]
fn operation_info_reads_both_shapes() {
    let mut server = Server::new();
    let _wait = expect_call(&mut server, INFO, vec![int(5004203)], fixture(INFO, "wait"));
    let _old = expect_call(
        &mut server,
        INFO,
        vec![int(1235087)],
        fixture(INFO, "done_2011"),
    );
    let _error = expect_call(
        &mut server,
        INFO,
        vec![int(5004310)],
        fixture(INFO, "error"),
    );
    let _odd = expect_call(
        &mut server,
        INFO,
        vec![int(5004313)],
        fixture(INFO, "unknown_step"),
    );
    let client = client(&server);

    let op = client.operation(&OperationId::from(5004203)).unwrap();
    assert_eq!(op.kind, "vm_create");
    assert_eq!(op.step, OperationStep::Wait);
    assert_eq!(op.eta, Some(75));
    assert_eq!(op.vm_id, Some(VmId::from(250145)));
    assert_eq!(op.last_error, None);

    // 2011: no top-level ids; the VM is in params; '' for last_error and date_start.
    let old = client.operation(&OperationId::from(1235087)).unwrap();
    assert_eq!(old.step, OperationStep::Done);
    assert_eq!(old.vm_id, Some(VmId::from(250133)));
    assert_eq!(old.last_error, None);
    assert_eq!(old.started_at, None);

    let failed = client.operation(&OperationId::from(5004310)).unwrap();
    assert_eq!(failed.step, OperationStep::Error);
    assert_eq!(failed.eta, Some(-19));
    assert_eq!(
        failed.last_error.as_deref(),
        Some("Disk attach failed: vm#250140 is in a state that does not allow it")
    );

    let odd = client.operation(&OperationId::from(5004313)).unwrap();
    assert_eq!(odd.step, OperationStep::Other("PENDING_X".to_owned()));
    assert!(!odd.step.is_terminal());
}
