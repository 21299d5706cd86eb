//! The crate's own v4 client against the simulator: the SDK and the fake must agree on every
//! shape and rule, as the quickstart and users' tests rely on both.

use gandi_hosting::fake::{FailStep, FakeGandi, Pace};
use gandi_hosting::model::{
    BootDisk, DeleteVm, DiskSpec, IpSpec, VlanSpec, VmFilter, VmSpec, VmState, VmUpdate,
};
use gandi_hosting::v4::{Client, WaitOptions};
use gandi_hosting::{Error, Hosting};

const SSH: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g alex@laptop";

fn client(fake: &FakeGandi) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(WaitOptions::immediate())
        .build()
        .expect("a client for the fake")
}

#[test]
fn create_use_and_delete_a_vm_end_to_end() {
    let fake = FakeGandi::builder().pace(Pace::Polls(3)).start().unwrap();
    let gandi = client(&fake);

    let region = gandi.region_by_code("FR-SD6").unwrap();
    let image = gandi
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();
    let key = gandi.create_ssh_key("laptop", SSH).unwrap();
    let spec = VmSpec::new(region.id.clone(), "web1")
        .cores(2)
        .memory_mb(2048)
        .ssh_key(key.id.clone());
    let vm = gandi
        .create_vm(
            &spec,
            &BootDisk::from_image(&image, 20),
            &IpSpec::public_v4(),
        )
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!((vm.cores, vm.memory_mb), (2, 2048));
    assert_eq!(vm.disks.len(), 1);
    assert_eq!(vm.disks[0].size_gb, 20);
    assert!(vm.disks[0].is_boot_disk);
    assert_eq!(vm.interfaces.len(), 1);
    assert_eq!(fake.count_calls("hosting.vm.create_from"), 1);

    let data = gandi
        .create_disk(&DiskSpec::blank(region.id.clone(), 5))
        .unwrap();
    let vm = gandi.attach_disk(&vm.id, &data.id, None).unwrap();
    assert_eq!(vm.disk_ids.len(), 2);

    let vm = gandi
        .update_vm(&vm.id, &VmUpdate::new().cores(4).hostname("web2"))
        .unwrap();
    assert_eq!((vm.cores, vm.hostname.as_str()), (4, "web2"));

    let listed = gandi.vms(&VmFilter::new().hostname("web2")).unwrap();
    assert_eq!(listed.len(), 1);

    let deleted = gandi
        .delete_vm(&vm.id, &DeleteVm::cascade().stop_if_running(true))
        .unwrap();
    assert_eq!(deleted.vm, vm.id);
    assert!(gandi.vms(&VmFilter::new()).unwrap().is_empty());
    assert_eq!(fake.count_calls("hosting.vm.delete"), 1);
}

#[test]
fn deleting_a_running_vm_without_stopping_is_a_fault_from_the_fake() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let image = gandi
        .image_by_name("Ubuntu 24.04 64 bits LTS (HVM)", &region.id)
        .unwrap();
    let spec = VmSpec::new(region.id.clone(), "web1")
        .memory_mb(512)
        .ssh_public_key(SSH);
    let vm = gandi
        .create_vm(
            &spec,
            &BootDisk::from_image(&image, 10),
            &IpSpec::public_v6(),
        )
        .unwrap();
    let err = gandi
        .delete_vm(&vm.id, &DeleteVm::cascade().stop_if_running(false))
        .unwrap_err();
    match err {
        Error::Fault(f) => assert_eq!(f.code, 530_236, "{f}"),
        Error::InvalidInput { .. } => {} // the client may refuse before asking
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn private_networks_end_to_end() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let vlan = gandi
        .create_vlan(
            &VlanSpec::new(region.id.clone(), "backnet")
                .subnet("10.9.0.0/24")
                .gateway("10.9.0.1".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(vlan.name, "backnet");
    let iface = gandi
        .create_ip(
            &region.id,
            &IpSpec::private(vlan.id.clone()).address("10.9.0.20".parse().unwrap()),
        )
        .unwrap();
    let ip = gandi.ip(&iface.ip_ids[0]).unwrap();
    assert_eq!(ip.address, Some("10.9.0.20".parse().unwrap()));
    assert!(gandi.delete_vlan(&vlan.id).is_err(), "an interface remains");
    gandi.delete_ip(&iface.ip_ids[0]).unwrap();
    gandi.delete_vlan(&vlan.id).unwrap();
    assert!(gandi.vlans().unwrap().is_empty());
}

#[test]
fn a_failed_operation_surfaces_as_an_error_naming_it() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    fake.fail_next_operation("disk_create", FailStep::Error, "filer on fire");
    let err = gandi
        .create_disk(&DiskSpec::blank(region.id.clone(), 1))
        .unwrap_err();
    assert!(err.to_string().contains("filer on fire"), "{err}");
    assert_eq!(
        fake.count_calls("hosting.disk.create"),
        1,
        "never sent twice"
    );
}
