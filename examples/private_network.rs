//! Two VMs on a private VLAN: one with a public address and a private one, one private only.
//!
//! ```text
//! cargo run --example private_network
//! ```
//!
//! Runs on the built-in fake unless `GANDI_API_KEY` is set. Deletes what it created.

mod support;

use std::process::ExitCode;

use gandi_hosting::Hosting;
use gandi_hosting::model::{BootDisk, DeleteVm, Interface, IpSpec, ResourceId, VlanSpec, VmSpec};

fn main() -> ExitCode {
    support::exit(run())
}

fn addresses(ifaces: &[Interface]) -> String {
    ifaces
        .iter()
        .flat_map(|i| i.ips.iter())
        .filter_map(|ip| ip.address.map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn run() -> gandi_hosting::Result<()> {
    let (client, _fake) = support::connect()?;
    let region = client.region_by_code(&support::region_code())?;
    let image = client.image_by_name("Debian 12 64 bits (HVM)", &region.id)?;

    // The subnet and gateway are checked here before Gandi sees them.
    let vlan = client.create_vlan(
        &VlanSpec::new(region.id.clone(), "example-backend")
            .subnet("10.20.0.0/24")
            .gateway("10.20.0.1".parse().expect("an address")),
    )?;
    println!(
        "VLAN {} ({}) {}",
        vlan.id,
        vlan.name,
        vlan.subnet.as_deref().unwrap_or("")
    );

    // A private interface with a chosen address, attached to the first VM after creation.
    let private_a = client.create_ip(
        &region.id,
        &IpSpec::private(vlan.id.clone()).address("10.20.0.10".parse().expect("an address")),
    )?;
    let key = support::public_key();
    let front = client.create_vm(
        &VmSpec::new(region.id.clone(), "front1")
            .ssh_public_key(key.as_str())
            .extra_interface(private_a.id.clone()),
        &BootDisk::from_image(&image, 10),
        &IpSpec::public_v4(),
    )?;
    println!("{}: {}", front.hostname, addresses(&front.interfaces));

    // A VM with only a private interface: the SDK creates the interface, then the VM on it.
    let back = client.create_vm(
        &VmSpec::new(region.id.clone(), "back1").ssh_public_key(key.as_str()),
        &BootDisk::from_image(&image, 10),
        &IpSpec::private(vlan.id.clone()).address("10.20.0.11".parse().expect("an address")),
    )?;
    println!("{}: {}", back.hostname, addresses(&back.interfaces));

    // Deleting the VLAN now is refused before any call: interfaces remain in it.
    if let Err(e) = client.delete_vlan(&vlan.id) {
        println!("as expected: {e}");
    }

    // Clean up: VMs take their boot disk and first interface with them; the private interface
    // of `front1` is detached and deleted separately; then the VLAN goes.
    for vm in [&front, &back] {
        let gone = client.delete_vm(&vm.id, &DeleteVm::cascade().stop_if_running(true))?;
        for r in &gone.detached {
            if let ResourceId::Interface(iface) = r {
                client.wait(client.submit_delete_interface(iface)?)?;
            }
        }
        println!("deleted {} with {:?}", vm.hostname, gone.deleted);
    }
    client.delete_vlan(&vlan.id)?;
    println!("deleted VLAN {}", vlan.name);
    Ok(())
}
