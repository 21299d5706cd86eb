//! End-to-end workflows through the public API against the fake Gandi: batches, paging,
//! failures in the middle of a creation, transient HTTP errors, resumed waits.

use std::ops::ControlFlow;
use std::time::Duration;

use gandi_hosting::fake::{FailStep, FakeGandi, Inject, Pace};
use gandi_hosting::model::{
    BootDisk, DeleteVm, DiskFilter, DiskSpec, IpSpec, OperationStep, ResourceId, VmFilter, VmSpec,
    VmState,
};
use gandi_hosting::v4::{Client, RetryPolicy, WaitOptions};
use gandi_hosting::{Error, Hosting};

const SSH: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdhbmRpLWhvc3RpbmctcXVpY2tzdGFydC1ub2JvZHkh e2e";

fn client_with(fake: &FakeGandi, page_size: u32) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(WaitOptions::immediate())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .page_size(page_size)
        .build()
        .expect("a client for the fake")
}

fn client(fake: &FakeGandi) -> Client {
    client_with(fake, 100)
}

fn spec(client: &Client, hostname: &str) -> (VmSpec, BootDisk) {
    let region = client.region_by_code("FR-SD6").unwrap();
    let image = client
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();
    (
        VmSpec::new(region.id, hostname).ssh_public_key(SSH),
        BootDisk::from_image(&image, 10),
    )
}

#[test]
fn the_whole_lifecycle_through_the_hosting_trait() {
    let fake = FakeGandi::builder().pace(Pace::Polls(3)).start().unwrap();
    let gandi: Box<dyn Hosting> = Box::new(client(&fake));

    let region = gandi.region_by_code("fr-sd6").unwrap();
    assert!(region.is_open_for_new_servers());
    let image = gandi
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();
    let vm = gandi
        .create_vm(
            &VmSpec::new(region.id.clone(), "life1")
                .memory_mb(1024)
                .ssh_public_key(SSH),
            &BootDisk::from_image(&image, 10),
            &IpSpec::public_v4(),
        )
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    let iface = &vm.interfaces[0];
    assert!(
        iface.ipv4().is_some() && iface.ipv6().is_some(),
        "a public v4 interface gets a v6 too"
    );

    let data = gandi
        .create_disk(&DiskSpec::blank(region.id.clone(), 5).name("life_data"))
        .unwrap();
    let vm = gandi.attach_disk(&vm.id, &data.id, None).unwrap();
    assert_eq!(vm.disk_ids, vec![vm.disk_ids[0].clone(), data.id.clone()]);
    let data = gandi.extend_disk(&data.id, 8).unwrap();
    assert_eq!((data.size_gb, data.size_mb), (8, 8192));
    assert!(
        matches!(gandi.extend_disk(&data.id, 8), Err(Error::InvalidInput { ref field, .. }) if field == "new_size_gb")
    );

    let vm = gandi.stop_vm(&vm.id).unwrap();
    assert_eq!(vm.state, VmState::Halted);
    let vm = gandi.start_vm(&vm.id).unwrap();
    assert_eq!(vm.state, VmState::Running);

    let boot = vm.disk_ids[0].clone();
    let gone = gandi
        .delete_vm(&vm.id, &DeleteVm::cascade().stop_if_running(true))
        .unwrap();
    assert!(gone.deleted.contains(&ResourceId::Disk(boot.clone())));
    assert!(
        gone.deleted
            .contains(&ResourceId::Interface(iface.id.clone()))
    );
    assert_eq!(gone.detached, vec![ResourceId::Disk(data.id.clone())]);
    assert!(
        gandi.disk(&boot).unwrap_err().is_not_found(),
        "the boot disk went with the VM"
    );
    assert!(
        gandi.ip(&iface.ip_ids[0]).unwrap_err().is_not_found(),
        "so did its first interface"
    );
    let data = gandi.disk(&data.id).unwrap();
    assert!(!data.is_attached(), "other disks are detached and kept");
    gandi.delete_disk(&data.id).unwrap();
    assert!(gandi.disks(&DiskFilter::new()).unwrap().is_empty());
}

#[test]
fn keep_boot_disk_and_ip_survives_the_vm() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let (vm_spec, boot) = spec(&gandi, "keeper");
    let vm = gandi
        .create_vm(&vm_spec, &boot, &IpSpec::public_v4())
        .unwrap();
    let gone = gandi
        .delete_vm(
            &vm.id,
            &DeleteVm::keep_boot_disk_and_ip().stop_if_running(true),
        )
        .unwrap();
    assert!(gone.deleted.is_empty());
    assert_eq!(gone.detached.len(), 2);
    assert!(!gandi.disk(&vm.disk_ids[0]).unwrap().is_attached());
    assert!(
        gandi
            .interface_info(&vm.interface_ids[0])
            .unwrap()
            .vm
            .is_none()
    );
}

#[test]
fn ten_vms_submitted_together_are_waited_for_together() {
    let fake = FakeGandi::builder().pace(Pace::Polls(4)).start().unwrap();
    let gandi = client(&fake);
    let (base, boot) = spec(&gandi, "x");
    let pending: Vec<_> = (0..10)
        .map(|i| {
            let mut s = base.clone();
            s.hostname = format!("batch{i}");
            gandi
                .submit_create_vm(&s, &boot, &IpSpec::public_v6())
                .unwrap()
        })
        .collect();
    assert_eq!(fake.count_calls("hosting.vm.create_from"), 10);

    let mut rounds = 0;
    let results = gandi.wait_all_with(pending, &WaitOptions::immediate(), &mut |p| {
        rounds = p.round;
        assert_eq!(
            p.operations.len(),
            30,
            "every operation of every VM is watched"
        );
        ControlFlow::Continue(())
    });
    let names: Vec<String> = results.into_iter().map(|r| r.unwrap().hostname).collect();
    assert_eq!(
        names,
        (0..10).map(|i| format!("batch{i}")).collect::<Vec<_>>()
    );
    // Each operation needs 4 polls; polling them together takes about 4 rounds, not 40.
    assert!(rounds <= 6, "{rounds} rounds");
    assert_eq!(gandi.count_vms(&VmFilter::new()).unwrap(), 10);

    // And deleted together: stops first (each waited for), then the deletes in one wait.
    let vms = gandi.vms(&VmFilter::new()).unwrap();
    let pending: Vec<_> = vms
        .iter()
        .map(|vm| {
            gandi
                .submit_delete_vm(&vm.id, &DeleteVm::cascade().stop_if_running(true))
                .unwrap()
        })
        .collect();
    let gone: Vec<_> = gandi
        .wait_all(pending)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(gone.len(), 10);
    assert!(
        gone.iter().all(|g| g.deleted.len() == 3),
        "boot disk, interface and its IPv6"
    );
    assert_eq!(gandi.count_vms(&VmFilter::new()).unwrap(), 0);
    assert_eq!(gandi.count_disks(&DiskFilter::new()).unwrap(), 0);
}

#[test]
fn lists_follow_every_page() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client_with(&fake, 2);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let pending: Vec<_> = (0..7)
        .map(|i| {
            gandi
                .submit_create_disk(&DiskSpec::blank(region.id.clone(), 1).name(format!("page{i}")))
                .unwrap()
        })
        .collect();
    for r in gandi.wait_all(pending) {
        r.unwrap();
    }
    fake.clear_calls();
    let disks = gandi.disks(&DiskFilter::new()).unwrap();
    let mut names: Vec<String> = disks.into_iter().map(|d| d.name).collect();
    names.sort();
    assert_eq!(
        names,
        (0..7).map(|i| format!("page{i}")).collect::<Vec<_>>()
    );
    let pages: Vec<i64> = fake
        .calls()
        .iter()
        .filter(|c| c.method == "hosting.disk.list")
        .map(|c| c.params[1].get("page").and_then(|v| v.as_i64()).unwrap())
        .collect();
    assert_eq!(pages, vec![0, 1, 2, 3], "2 + 2 + 2 + 1 disks");
    assert_eq!(gandi.count_disks(&DiskFilter::new()).unwrap(), 7);

    // Lazily: three items need two pages of two, and nothing more is fetched.
    fake.clear_calls();
    let first: Vec<_> = gandi
        .iter_disks(&DiskFilter::new())
        .unwrap()
        .take(3)
        .map(Result::unwrap)
        .collect();
    assert_eq!(first.len(), 3);
    assert_eq!(fake.count_calls("hosting.disk.list"), 2);

    // An error ends the listing after it is yielded.
    fake.clear_calls();
    fake.inject(Inject::fault(1, "Invalid XMLRPC input: boom").on_method("hosting.disk.list"));
    let all: Vec<_> = gandi.iter_disks(&DiskFilter::new()).unwrap().collect();
    assert_eq!(all.len(), 1);
    assert!(
        all[0]
            .as_ref()
            .unwrap_err()
            .fault()
            .is_some_and(|f| f.is_protocol())
    );
}

#[test]
fn a_failed_vm_operation_reports_everything_the_creation_made() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let (vm_spec, boot) = spec(&gandi, "doomed");
    fake.fail_next_operation("vm_create", FailStep::Error, "no capacity left on host");

    let err = gandi
        .create_vm(&vm_spec, &boot, &IpSpec::public_v4())
        .unwrap_err();
    let Error::OperationFailed(failed) = &err else {
        panic!("{err}")
    };
    assert_eq!(failed.kind, "vm_create");
    assert_eq!(failed.step, OperationStep::Error);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("no capacity left on host")
    );
    let created = err.created();
    let disk = created
        .iter()
        .find_map(|r| match r {
            ResourceId::Disk(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap();
    let iface = created
        .iter()
        .find_map(|r| match r {
            ResourceId::Interface(i) => Some(i.clone()),
            _ => None,
        })
        .unwrap();
    assert!(created.iter().any(|r| matches!(r, ResourceId::Vm(_))));
    assert!(created.iter().any(|r| matches!(r, ResourceId::Ip(_))));
    assert!(
        err.to_string().contains("no capacity left on host"),
        "{err}"
    );

    // What was reported exists and can be cleaned up.
    gandi.delete_disk(&disk).unwrap();
    gandi
        .wait(gandi.submit_delete_interface(&iface).unwrap())
        .unwrap();
    assert!(gandi.vms(&VmFilter::new()).unwrap().is_empty());
}

#[test]
fn a_support_step_is_a_failure_too() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    fake.fail_next_operation("disk_create", FailStep::Support, "");
    let err = gandi
        .create_disk(&DiskSpec::blank(region.id, 1))
        .unwrap_err();
    let Error::OperationFailed(failed) = &err else {
        panic!("{err}")
    };
    assert_eq!(failed.step, OperationStep::Support);
    assert!(err.to_string().contains("support"), "{err}");
    assert_eq!(err.created().len(), 1);
}

#[test]
fn transient_http_errors_while_waiting_are_survived_and_the_creation_is_sent_once() {
    let fake = FakeGandi::builder().pace(Pace::Polls(2)).start().unwrap();
    let gandi = client(&fake);
    let (vm_spec, boot) = spec(&gandi, "sturdy");
    fake.inject(
        Inject::http_status(503, "Service Unavailable")
            .on_method("operation.info")
            .times(2),
    );
    fake.inject(Inject::drop_connection().on_method("hosting.vm.info"));
    let vm = gandi
        .create_vm(&vm_spec, &boot, &IpSpec::public_v4())
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(fake.count_calls("hosting.vm.create_from"), 1);
}

#[test]
fn a_mutation_is_never_sent_twice() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    fake.clear_calls();

    fake.inject(Inject::http_status(503, "busy").on_method("hosting.disk.create"));
    let err = gandi
        .create_disk(&DiskSpec::blank(region.id.clone(), 1))
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err}");

    fake.inject(Inject::truncated_body().on_method("hosting.disk.create"));
    let err = gandi
        .create_disk(&DiskSpec::blank(region.id.clone(), 1))
        .unwrap_err();
    assert!(
        matches!(err, Error::Decode { .. } | Error::Transport { .. }),
        "{err}"
    );

    fake.inject(Inject::drop_connection().on_method("hosting.disk.create"));
    let err = gandi
        .create_disk(&DiskSpec::blank(region.id, 1))
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");

    // Three attempts, three calls: the SDK never repeated a creation on its own. The 503 and
    // the dropped connection were not executed; the truncated answer was, so one disk exists.
    assert_eq!(fake.count_calls("hosting.disk.create"), 3);
    assert_eq!(gandi.count_disks(&DiskFilter::new()).unwrap(), 1);
}

#[test]
fn a_timed_out_wait_resumes_with_the_operation_ids_it_returned() {
    let fake = FakeGandi::builder().pace(Pace::Polls(50)).start().unwrap();
    let gandi = client(&fake);
    let (vm_spec, boot) = spec(&gandi, "slow");
    let pending = gandi
        .submit_create_vm(&vm_spec, &boot, &IpSpec::public_v4())
        .unwrap();
    let ids = pending.operation_ids();

    let short = WaitOptions::immediate().timeout(Duration::ZERO);
    let err = gandi
        .wait_with(pending, &short, &mut |_| ControlFlow::Continue(()))
        .unwrap_err();
    let Error::WaitTimeout(timeout) = &err else {
        panic!("{err}")
    };
    assert_eq!(timeout.pending, ids, "every operation is still pending");
    assert_eq!(
        err.created().len(),
        4,
        "VM, disk, interface and IP are reported"
    );

    let ops = gandi
        .wait_for_operations(
            err.pending_operations(),
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    assert!(ops.iter().all(|o| o.step == OperationStep::Done));
    let vm_op = ops.iter().find(|o| o.kind == "vm_create").unwrap();
    assert_eq!(
        gandi.vm(vm_op.vm_id.as_ref().unwrap()).unwrap().state,
        VmState::Running
    );
}

#[test]
fn a_progress_callback_can_stop_a_wait_and_the_work_goes_on() {
    let fake = FakeGandi::builder().pace(Pace::Polls(3)).start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let pending = gandi
        .submit_create_disk(&DiskSpec::blank(region.id, 2))
        .unwrap();
    let err = gandi
        .wait_with(pending, &WaitOptions::immediate(), &mut |_| {
            ControlFlow::Break(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled(_)), "{err}");
    assert_eq!(err.pending_operations().len(), 1);
    let done = gandi
        .wait_for_operations(
            err.pending_operations(),
            &WaitOptions::immediate(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    assert_eq!(done[0].step, OperationStep::Done);
}

#[test]
fn a_wrong_api_key_is_reported_as_such() {
    let fake = FakeGandi::start().unwrap();
    let wrong = Client::builder()
        .api_key("ABCDEFGHIJKLMNOPQRSTUVWX")
        .endpoint(fake.url())
        .build()
        .unwrap();
    let err = wrong.regions().unwrap_err();
    assert!(err.is_invalid_api_key(), "{err}");
    assert!(!err.to_string().contains("ABCDEFGHIJKLMNOPQRSTUVWX"));
}

#[test]
fn a_boxed_backend_can_be_shared_between_threads() {
    let fake = FakeGandi::start().unwrap();
    let gandi: std::sync::Arc<dyn Hosting> = std::sync::Arc::new(client(&fake));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let gandi = std::sync::Arc::clone(&gandi);
            std::thread::spawn(move || gandi.regions().unwrap().len())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 6);
    }
}

#[test]
fn a_rate_limited_client_still_completes_its_waits() {
    let fake = FakeGandi::builder().pace(Pace::Polls(3)).start().unwrap();
    let gandi = Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(WaitOptions::immediate())
        .max_calls_per_second(500.0)
        .build()
        .unwrap();
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let disk = gandi.create_disk(&DiskSpec::blank(region.id, 1)).unwrap();
    assert_eq!(disk.size_gb, 1);
}
