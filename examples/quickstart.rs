//! Quickstart: a whole VM lifecycle, from picking a region to deleting everything.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Without `GANDI_API_KEY` it starts the built-in fake Gandi and runs against it. With the key
//! set it talks to Gandi (or to `GANDI_API_URL`) and **creates billed resources**, which it
//! deletes again before it exits, also when a step fails. Optional: `GANDI_REGION` (a region
//! code, default: the first open one), `GANDI_SSH_PUBLIC_KEY` (a public key line to install;
//! default: a throwaway key nobody holds the private half of).

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::{Duration, Instant};

mod support;

use gandi_hosting::Hosting;
use gandi_hosting::model::{
    BootDisk, DeleteVm, DiskFilter, DiskId, DiskSpec, IpSpec, Region, ResourceId, VmId, VmSpec,
};
use gandi_hosting::v4::{Client, Pending, WaitProgress};

fn main() -> ExitCode {
    let started = Instant::now();
    let (client, _fake) = match support::connect_with(Duration::from_millis(1200)) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut made = Made::default();
    let outcome = run(&client, &mut made);
    let cleanup = clean_up(&client, &made);

    match (outcome, cleanup) {
        (Ok(rows), Ok(())) => {
            print_summary(&rows);
            println!(
                "done in {:.1?}; everything created was deleted",
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        (Err(e), cleanup) => {
            eprintln!("\nerror: {e}");
            if !e.created().is_empty() {
                eprintln!("       the failed step had created: {:?}", e.created());
            }
            if let Err(c) = cleanup {
                eprintln!(
                    "cleanup also failed: {c}; check these resources: {:?}",
                    made.all()
                );
            }
            ExitCode::FAILURE
        }
        (Ok(_), Err(c)) => {
            eprintln!(
                "\ncleanup failed: {c}; check these resources: {:?}",
                made.all()
            );
            ExitCode::FAILURE
        }
    }
}

/// What this run created, so that it can be deleted whatever happens.
#[derive(Default)]
struct Made {
    vm: Option<VmId>,
    disks: Vec<DiskId>,
    other: Vec<ResourceId>,
}

impl Made {
    fn all(&self) -> Vec<String> {
        let mut out: Vec<String> = self.vm.iter().map(|v| format!("VM {v}")).collect();
        out.extend(self.disks.iter().map(|d| format!("disk {d}")));
        out.extend(self.other.iter().map(ToString::to_string));
        out
    }

    fn note(&mut self, created: &[ResourceId]) {
        for r in created {
            match r {
                ResourceId::Vm(id) => self.vm = Some(id.clone()),
                ResourceId::Disk(id) if !self.disks.contains(id) => self.disks.push(id.clone()),
                other if !self.other.contains(other) => self.other.push(other.clone()),
                _ => {}
            }
        }
    }
}

fn run(client: &Client, made: &mut Made) -> gandi_hosting::Result<Vec<[String; 3]>> {
    let region = pick_region(client)?;
    println!(
        "region: {} ({}, {})",
        region.code, region.name, region.country
    );

    let images = client.images(&region.id)?;
    let image = images
        .iter()
        .find(|i| i.name.starts_with("Debian 12"))
        .or_else(|| images.first())
        .cloned()
        .ok_or_else(|| gandi_hosting::Error::NotFound {
            kind: "image",
            query: "any".into(),
            close: vec![],
        })?;
    println!("image:  {} (source disk {})", image.name, image.source_disk);

    let public_key = support::public_key();
    let spec = VmSpec::new(region.id.clone(), "quickstart1")
        .cores(1)
        .memory_mb(1024)
        .ssh_public_key(public_key);

    let pending = client.submit_create_vm(
        &spec,
        &BootDisk::from_image(&image, 10).name("quickstart_sys"),
        &IpSpec::public_v4(),
    )?;
    made.note(pending.created());
    let vm = wait(client, "create VM, boot disk and IP", pending, made)?;
    let ips: Vec<String> = vm
        .interfaces
        .iter()
        .flat_map(|i| i.ips.iter())
        .filter_map(|ip| ip.address.map(|a| a.to_string()))
        .collect();
    println!(
        "vm:     {} is {:?} with {}",
        vm.hostname,
        vm.state,
        ips.join(", ")
    );

    let pending = client
        .submit_create_disk(&DiskSpec::blank(region.id.clone(), 5).name("quickstart_data"))?;
    made.note(pending.created());
    let data = wait(client, "create a 5 GB data disk", pending, made)?;

    wait(
        client,
        "attach the data disk",
        client.submit_attach_disk(&vm.id, &data.id, None)?,
        made,
    )?;
    let data = wait(
        client,
        "grow the data disk to 10 GB",
        client.submit_extend_disk(&data.id, 10)?,
        made,
    )?;
    wait(client, "stop the VM", client.submit_stop_vm(&vm.id)?, made)?;
    let vm = wait(
        client,
        "start the VM",
        client.submit_start_vm(&vm.id)?,
        made,
    )?;

    let boot = vm.disks.first().map_or_else(
        || "?".to_owned(),
        |d| format!("{} GB, {}", d.size_gb, d.name),
    );
    Ok(vec![
        [
            "region".into(),
            region.id.to_string(),
            format!("{} {}", region.code, region.name),
        ],
        [
            "VM".into(),
            vm.id.to_string(),
            format!(
                "{} {:?}, {} core, {} MB",
                vm.hostname, vm.state, vm.cores, vm.memory_mb
            ),
        ],
        [
            "boot disk".into(),
            vm.disk_ids
                .first()
                .map(ToString::to_string)
                .unwrap_or_default(),
            boot,
        ],
        [
            "data disk".into(),
            data.id.to_string(),
            format!("{} GB, {}", data.size_gb, data.name),
        ],
        [
            "addresses".into(),
            vm.interface_ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
            ips.join(", "),
        ],
    ])
}

fn pick_region(client: &Client) -> gandi_hosting::Result<Region> {
    if let Ok(code) = std::env::var("GANDI_REGION") {
        return client.region_by_code(&code);
    }
    let regions = client.regions()?;
    let open: Vec<&Region> = regions
        .iter()
        .filter(|r| r.is_open_for_new_servers())
        .collect();
    open.iter()
        .find(|r| r.code == "FR-SD6")
        .or_else(|| open.first())
        .map(|r| (*r).clone())
        .ok_or_else(|| gandi_hosting::Error::NotFound {
            kind: "open region",
            query: "any".into(),
            close: vec![],
        })
}

/// Waits for one step, drawing a progress line with the operations' steps and elapsed time.
fn wait<T>(
    client: &Client,
    what: &str,
    pending: Pending<T>,
    made: &mut Made,
) -> gandi_hosting::Result<T> {
    let tty = std::io::stdout().is_terminal();
    let mut last = String::new();
    let mut progress = |p: &WaitProgress<'_>| {
        let steps: Vec<String> = p
            .operations
            .iter()
            .map(|o| format!("{} {}", o.kind, o.step))
            .collect();
        let total = p.operations.len().max(1);
        let filled = p.done() * 20 / total;
        let line = format!(
            "  {what:<32} [{}{}] {}/{} {:>5.1}s  {}",
            "#".repeat(filled),
            "-".repeat(20 - filled),
            p.done(),
            total,
            p.elapsed.as_secs_f64(),
            steps.join(", ")
        );
        if tty {
            print!("\r{line}\x1b[K");
            let _ = std::io::stdout().flush();
        } else if steps.join(",") != last {
            println!("{line}");
            last = steps.join(",");
        }
        ControlFlow::Continue(())
    };
    let options = client.wait_options().clone();
    let result = client.wait_with(pending, &options, &mut progress);
    if tty {
        println!();
    }
    if let Err(e) = &result {
        made.note(e.created());
    }
    result
}

/// Deletes what the run made: the VM (with its boot disk and first interface), then the data
/// disk and anything left over. Tries every step and reports the first failure.
fn clean_up(client: &Client, made: &Made) -> gandi_hosting::Result<()> {
    if made.vm.is_none() && made.disks.is_empty() && made.other.is_empty() {
        return Ok(());
    }
    println!("cleaning up");
    let mut first_error = None;
    let mut deleted: Vec<ResourceId> = Vec::new();
    if let Some(vm) = &made.vm {
        match client.delete_vm(vm, &DeleteVm::cascade().stop_if_running(true)) {
            Ok(gone) => {
                println!("  deleted VM {} and {:?}", gone.vm, gone.deleted);
                deleted.extend(gone.deleted);
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    for disk in &made.disks {
        if deleted.contains(&ResourceId::Disk(disk.clone())) {
            continue;
        }
        match client.delete_disk(disk) {
            Ok(()) => println!("  deleted disk {disk}"),
            Err(e) if e.is_not_found() => {}
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    for r in &made.other {
        if let ResourceId::Interface(iface) = r {
            if deleted.contains(r) {
                continue;
            }
            match client
                .submit_delete_interface(iface)
                .and_then(|p| client.wait(p))
            {
                Ok(()) => println!("  deleted interface {iface}"),
                Err(e) if e.is_not_found() => {}
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
    }
    let leftovers = client.disks(&DiskFilter::new().name("quickstart_data"))?;
    if !leftovers.is_empty() {
        println!(
            "  note: disks named quickstart_data remain: {:?}",
            leftovers
                .iter()
                .map(|d| d.id.to_string())
                .collect::<Vec<_>>()
        );
    }
    first_error.map_or(Ok(()), Err)
}

fn print_summary(rows: &[[String; 3]]) {
    println!();
    println!("{:<10} {:<10} details", "resource", "id");
    println!("{:-<10} {:-<10} {:-<40}", "", "", "");
    for [a, b, c] in rows {
        println!("{a:<10} {b:<10} {c}");
    }
    println!();
}
