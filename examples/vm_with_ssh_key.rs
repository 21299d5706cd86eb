//! Store an SSH key in the account and create a VM that trusts it.
//!
//! ```text
//! cargo run --example vm_with_ssh_key
//! ```
//!
//! Runs on the built-in fake unless `GANDI_API_KEY` is set. Deletes what it created.

mod support;

use std::process::ExitCode;

use gandi_hosting::Hosting;
use gandi_hosting::model::{BootDisk, DeleteVm, IpSpec, VmSpec};

fn main() -> ExitCode {
    support::exit(run())
}

fn run() -> gandi_hosting::Result<()> {
    let (client, _fake) = support::connect()?;
    let region = client.region_by_code(&support::region_code())?;
    let image = client.image_by_name("Debian 12 64 bits (HVM)", &region.id)?;

    // Reuse a key stored under this name, or store it. The key's format is checked before
    // anything is sent.
    let (key, stored_here) = match client.find_ssh_key("example-key") {
        Ok(key) => (key, false),
        Err(e) if e.is_not_found() => (
            client.create_ssh_key("example-key", &support::public_key())?,
            true,
        ),
        Err(e) => return Err(e),
    };
    println!(
        "SSH key {} ({}) fingerprint {}",
        key.id, key.name, key.fingerprint
    );

    let vm = client.create_vm(
        &VmSpec::new(region.id.clone(), "keyed1")
            .memory_mb(512)
            .ssh_key(key.id.clone()),
        &BootDisk::from_image(&image, 10),
        &IpSpec::public_v4(),
    )?;
    let address = vm
        .interfaces
        .first()
        .and_then(|i| i.ipv4())
        .and_then(|ip| ip.address);
    match address {
        Some(ip) => println!("VM {} is {:?}: ssh root@{ip}", vm.hostname, vm.state),
        None => println!("VM {} is {:?}", vm.hostname, vm.state),
    }

    // A raw public key can also be passed straight to the VM, without storing it.
    println!("(VmSpec::ssh_public_key installs a key without storing it in the account)");

    let gone = client.delete_vm(&vm.id, &DeleteVm::cascade().stop_if_running(true))?;
    println!("deleted VM {} with {:?}", gone.vm, gone.deleted);
    if stored_here {
        client.delete_ssh_key(&key.id)?;
        println!("deleted SSH key {}", key.id);
    }
    Ok(())
}
