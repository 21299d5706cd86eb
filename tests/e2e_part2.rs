//! End to end against the fake: a VLAN with two VMs on private IPs, SSH keys, a snapshot and a
//! rollback, all through the public API.

use gandi_hosting::fake::{FakeGandi, Pace};
use gandi_hosting::model::{
    BootDisk, DeleteVm, DiskKind, DiskSpec, InterfaceKind, IpSpec, ResourceId, VlanSpec,
    VlanUpdate, VmSpec, VmState,
};
use gandi_hosting::v4::{Client, WaitOptions};
use gandi_hosting::{Error, Hosting};

const KEY_A: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdhbmRpLWhvc3RpbmctcXVpY2tzdGFydC1ub2JvZHkh alice";

fn client(fake: &FakeGandi) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(WaitOptions::immediate())
        .build()
        .unwrap()
}

#[test]
fn two_vms_talk_over_a_private_vlan_with_ssh_keys() {
    let fake = FakeGandi::builder().pace(Pace::Polls(2)).start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let image = gandi
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();

    let key = gandi.create_ssh_key("alice", KEY_A).unwrap();
    assert_eq!(key.value.as_deref(), Some(KEY_A.trim()));
    assert_eq!(gandi.find_ssh_key("alice").unwrap().id, key.id);
    assert!(matches!(
        gandi.create_ssh_key("bob", "ssh-ed25519 not-base64!"),
        Err(Error::InvalidInput { ref field, .. }) if field == "value"
    ));

    let vlan = gandi
        .create_vlan(
            &VlanSpec::new(region.id.clone(), "db-net")
                .subnet("10.30.0.0/24")
                .gateway("10.30.0.1".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(gandi.find_vlan("db-net").unwrap().id, vlan.id);
    assert!(matches!(
        gandi.create_vlan(&VlanSpec::new(region.id.clone(), "db-net")),
        Err(Error::InvalidInput { ref field, .. }) if field == "name"
    ));

    let mut vms = Vec::new();
    for (host, addr) in [("db1", "10.30.0.11"), ("db2", "10.30.0.12")] {
        let vm = gandi
            .create_vm(
                &VmSpec::new(region.id.clone(), host).ssh_key(key.id.clone()),
                &BootDisk::from_image(&image, 10),
                &IpSpec::private(vlan.id.clone()).address(addr.parse().unwrap()),
            )
            .unwrap();
        assert_eq!(vm.state, VmState::Running);
        assert_eq!(vm.interfaces.len(), 1);
        let iface = &vm.interfaces[0];
        assert_eq!(iface.kind, InterfaceKind::Private);
        assert_eq!(
            iface.vlan.as_ref().map(|v| v.id.clone()),
            Some(vlan.id.clone())
        );
        assert_eq!(iface.ips[0].address, Some(addr.parse().unwrap()));
        vms.push(vm);
    }
    let outside = gandi.create_ip(
        &region.id,
        &IpSpec::private(vlan.id.clone()).address("10.31.0.5".parse().unwrap()),
    );
    assert!(matches!(outside, Err(Error::InvalidInput { ref field, .. }) if field == "address"));

    let vlan = gandi
        .update_vlan(
            &vlan.id,
            &VlanUpdate::new().gateway("10.30.0.254".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(vlan.gateway, Some("10.30.0.254".parse().unwrap()));
    assert!(
        matches!(gandi.delete_vlan(&vlan.id), Err(Error::InvalidInput { .. })),
        "interfaces remain"
    );

    // A snapshot of db1's boot disk, and a rollback once the disk is detached.
    let boot = vms[0].disk_ids[0].clone();
    let snap = gandi.create_snapshot(&boot, "db1_before").unwrap();
    assert_eq!(snap.kind, DiskKind::Snapshot);
    assert_eq!(snap.source.as_ref(), Some(&boot));
    assert_eq!(gandi.list_snapshots(&boot).unwrap().len(), 1);
    assert!(
        matches!(
            gandi.rollback_disk(&snap.id),
            Err(Error::InvalidInput { .. })
        ),
        "the boot disk is attached"
    );
    let gone = gandi
        .delete_vm(
            &vms[0].id,
            &DeleteVm::keep_boot_disk_and_ip().stop_if_running(true),
        )
        .unwrap();
    assert!(gone.detached.contains(&ResourceId::Disk(boot.clone())));
    let rolled = gandi.rollback_disk(&snap.id).unwrap();
    assert_eq!(rolled.id, boot);

    // Clean up everything; the VLAN can go once no interface is left in it.
    gandi
        .delete_vm(&vms[1].id, &DeleteVm::cascade().stop_if_running(true))
        .unwrap();
    for r in &gone.detached {
        if let ResourceId::Interface(iface) = r {
            gandi
                .wait(gandi.submit_delete_interface(iface).unwrap())
                .unwrap();
        }
    }
    gandi.delete_disk(&snap.id).unwrap();
    gandi.delete_disk(&boot).unwrap();
    gandi.delete_vlan(&vlan.id).unwrap();
    gandi.delete_ssh_key(&key.id).unwrap();
    assert!(gandi.vlans().unwrap().is_empty());
    assert!(gandi.ssh_keys().unwrap().is_empty());
    assert!(gandi.disks(&Default::default()).unwrap().is_empty());
    assert!(gandi.ips(&Default::default()).unwrap().is_empty());
}

#[test]
fn a_vm_needs_a_way_to_log_in() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let image = gandi
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();
    fake.clear_calls();
    let err = gandi
        .create_vm(
            &VmSpec::new(region.id.clone(), "nokey"),
            &BootDisk::from_image(&image, 10),
            &IpSpec::public_v4(),
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput { ref field, .. } if field == "credentials"),
        "{err}"
    );
    assert!(fake.calls().is_empty(), "refused before any call");

    let vm = gandi
        .create_vm(
            &VmSpec::new(region.id, "withlogin").login("admin", "correct horse battery"),
            &BootDisk::from_image(&image, 10),
            &IpSpec::public_v6(),
        )
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    let data = gandi
        .create_disk(&DiskSpec::blank(vm.region.clone(), 1))
        .unwrap();
    assert_eq!(data.size_gb, 1);
}

#[test]
fn counts_and_image_details() {
    let fake = FakeGandi::start().unwrap();
    let gandi = client(&fake);
    let region = gandi.region_by_code("FR-SD6").unwrap();
    let image = gandi
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();
    assert_eq!(gandi.image_info(&image.id).unwrap(), image);

    gandi.create_ssh_key("alice", KEY_A).unwrap();
    gandi
        .create_vlan(&VlanSpec::new(region.id.clone(), "count-net"))
        .unwrap();
    gandi.create_ip(&region.id, &IpSpec::public_v4()).unwrap();
    assert_eq!(gandi.count_ssh_keys().unwrap(), 1);
    assert_eq!(gandi.count_vlans().unwrap(), 1);
    assert_eq!(gandi.count_interfaces().unwrap(), 1);
    assert_eq!(
        gandi.count_ips(&Default::default()).unwrap(),
        2,
        "an IPv4 interface has an IPv6 too"
    );
    let counted: Vec<String> = fake
        .calls()
        .into_iter()
        .map(|c| c.method)
        .filter(|m| m.ends_with(".count"))
        .collect();
    assert_eq!(
        counted,
        [
            "hosting.ssh.count",
            "hosting.vlan.count",
            "hosting.iface.count",
            "hosting.ip.count"
        ]
    );
}
