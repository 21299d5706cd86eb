//! Snapshot a disk, then roll the disk back to the snapshot.
//!
//! ```text
//! cargo run --example snapshot_and_rollback
//! ```
//!
//! Runs on the built-in fake unless `GANDI_API_KEY` is set. Deletes what it created.

mod support;

use std::process::ExitCode;

use gandi_hosting::Hosting;
use gandi_hosting::model::DiskSpec;

fn main() -> ExitCode {
    support::exit(run())
}

fn run() -> gandi_hosting::Result<()> {
    let (client, _fake) = support::connect()?;
    let region = client.region_by_code(&support::region_code())?;

    let disk = client.create_disk(&DiskSpec::blank(region.id.clone(), 5).name("example_data"))?;
    println!("disk {} ({}, {} GB)", disk.id, disk.name, disk.size_gb);

    let profiles = client.list_snapshot_profiles()?;
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    println!("automatic snapshot profiles on offer: {}", names.join(", "));

    let snapshot = client.create_snapshot(&disk.id, "example_snap1")?;
    println!("snapshot {} of disk {:?}", snapshot.id, snapshot.source);
    let listed = client.list_snapshots(&disk.id)?;
    println!("disk {} has {} snapshot(s)", disk.id, listed.len());

    // Rolling back needs the disk detached; the SDK checks that before calling Gandi.
    let rolled = client.rollback_disk(&snapshot.id)?;
    println!(
        "disk {} rolled back to snapshot {} ({:?})",
        rolled.id, snapshot.id, rolled.state
    );

    client.delete_disk(&snapshot.id)?;
    client.delete_disk(&disk.id)?;
    println!("deleted the snapshot and the disk");
    Ok(())
}
