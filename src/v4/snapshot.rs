//! Disk extras only v4 has: snapshots (`hosting.disk.create_from` with type `snapshot`),
//! rollback (`hosting.disk.rollback_from`), automatic snapshot profiles
//! (`hosting.snapshotprofile.list`, `hosting.disk.update`) and boot kernels
//! (`hosting.disk.list_kernels`, `hosting.disk.update`).
//!
//! A snapshot is a disk of type `snapshot` whose `source` is the disk it was taken from, so
//! snapshots come back as [`Disk`] values. This file only builds requests and reads answers;
//! the generic disk calls live in `disk.rs`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

use super::disk::created_disk;
use super::lenient::{list, opt_f64, opt_int, opt_string};
use super::validate;
use super::wait::Pending;
use super::wire::to_u32;
use super::{Client, id_value, wire_id};
use crate::error::{Error, Result};
use crate::model::{
    Disk, DiskFilter, DiskId, DiskKind, Operation, RegionId, ResourceId, SnapshotProfileId,
};
use crate::xmlrpc::{Struct, Value};

/// An automatic snapshot schedule Gandi offers (`hosting.snapshotprofile.list`).
///
/// Attach one to a disk with [`Client::set_snapshot_profile`]; Gandi then takes and rotates
/// snapshots on its own. Snapshots count against the disk's quota: a profile with a
/// [`quota_factor`](SnapshotProfile::quota_factor) of 1.2 bills the disk as 1.2 times its size.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SnapshotProfile {
    /// The profile's ID, as given to [`Client::set_snapshot_profile`].
    pub id: SnapshotProfileId,
    /// Gandi's name for it (`minimal`, `full_week`, `security`, ...).
    pub name: String,
    /// How many snapshots it keeps in all.
    pub kept_total: Option<u32>,
    /// Multiplier applied to the disk's size for billing.
    pub quota_factor: Option<f64>,
    /// When it takes snapshots and how many of each it keeps.
    pub schedules: Vec<SnapshotSchedule>,
}

/// One rhythm of a [`SnapshotProfile`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotSchedule {
    /// Gandi's name for the rhythm (`hourly6`, `daily`, `weekly4`, ...).
    pub name: String,
    /// How many snapshots of this rhythm are kept.
    pub kept_versions: Option<u32>,
}

/// The kernels a region offers for booting disks (`hosting.disk.list_kernels`), grouped by
/// flavor as Gandi groups them (`linux`, `linux-hvm`, ...).
///
/// ```
/// # use gandi_hosting::v4::Kernels;
/// # fn show(kernels: &Kernels) {
/// for (flavor, kernel) in kernels.iter() {
///     println!("{flavor}: {kernel}");
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kernels {
    /// Kernel names per flavor, in Gandi's order.
    pub flavors: BTreeMap<String, Vec<String>>,
}

impl Kernels {
    /// Whether `kernel` (exact name, e.g. `3.12-x86_64 (hvm)`) is offered.
    pub fn contains(&self, kernel: &str) -> bool {
        self.flavor_of(kernel).is_some()
    }

    /// The flavor `kernel` belongs to, if it is offered.
    pub fn flavor_of(&self, kernel: &str) -> Option<&str> {
        self.iter().find(|(_, k)| *k == kernel).map(|(f, _)| f)
    }

    /// Every `(flavor, kernel)` pair.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.flavors
            .iter()
            .flat_map(|(f, ks)| ks.iter().map(move |k| (f.as_str(), k.as_str())))
    }

    /// How many kernels are offered in all.
    pub fn len(&self) -> usize {
        self.flavors.values().map(Vec::len).sum()
    }

    /// No kernel is offered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for Kernels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (flavor, kernels)) in self.flavors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{flavor}: {}", kernels.join(", "))?;
        }
        Ok(())
    }
}

// ----- wire structs -----

#[derive(Debug, Deserialize)]
struct WireSchedule {
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    kept_version: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct WireProfile {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    kept_total: Option<i64>,
    #[serde(default, deserialize_with = "opt_f64")]
    quota_factor: Option<f64>,
    #[serde(default, deserialize_with = "list")]
    schedules: Vec<WireSchedule>,
}

impl From<WireProfile> for SnapshotProfile {
    fn from(w: WireProfile) -> Self {
        SnapshotProfile {
            id: SnapshotProfileId::from(w.id),
            name: w.name.unwrap_or_default(),
            kept_total: to_u32(w.kept_total),
            quota_factor: w.quota_factor,
            schedules: w
                .schedules
                .into_iter()
                .map(|s| SnapshotSchedule {
                    name: s.name.unwrap_or_default(),
                    kept_versions: to_u32(s.kept_version),
                })
                .collect(),
        }
    }
}

/// One flavor's kernel names: an array of strings, or nil / `''` for none.
struct KernelNames(Vec<String>);

impl<'de> Deserialize<'de> for KernelNames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        list(d).map(KernelNames)
    }
}

impl Client {
    // ----- snapshots -----

    /// Starts taking a snapshot of `disk` named `name` (`hosting.disk.create_from` with the
    /// disk spec `{datacenter_id, name, type: 'snapshot'}` and the disk as `src_disk_id`).
    ///
    /// Reads the disk first: the snapshot goes in the disk's region, and a disk Gandi marks
    /// `can_snapshot: false` is refused here without a call.
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID, a bad name (letters, digits, `-`, `_`; at most 255) or a
    /// disk that cannot be snapshotted; a not-found fault for an unknown disk; a fault when Gandi
    /// refuses.
    pub fn submit_create_snapshot(&self, disk: &DiskId, name: &str) -> Result<Pending<Disk>> {
        wire_id("disk", disk)?;
        validate::disk_name("name", name)?;
        let source = self.disk_info(disk)?;
        if source.can_snapshot == Some(false) {
            return Err(Error::invalid(
                "disk",
                format!("Gandi says disk {disk} cannot be snapshotted (can_snapshot is false)"),
            ));
        }
        let spec = Struct::new()
            .with("datacenter_id", id_value("disk.region", &source.region)?)
            .with("name", name)
            .with("type", DiskKind::Snapshot.as_str());
        let method = "hosting.disk.create_from";
        let op = self.call_op(method, vec![spec.into(), id_value("disk", disk)?])?;
        let snapshot = created_disk(method, &op)?;
        Ok(Pending::new(
            format!("snapshotting disk {disk} as {snapshot}"),
            vec![op],
            vec![ResourceId::Disk(snapshot.clone())],
            move |c: &Client, _: &[Operation]| c.disk_info(&snapshot),
        ))
    }

    /// Takes a snapshot of `disk` named `name` and waits until it exists; see
    /// [`Client::submit_create_snapshot`].
    ///
    /// # Errors
    /// As [`Client::submit_create_snapshot`], plus the errors of [`Client::wait`].
    pub fn create_snapshot(&self, disk: &DiskId, name: &str) -> Result<Disk> {
        self.wait(self.submit_create_snapshot(disk, name)?)
    }

    /// The snapshots of `disk`, over all pages.
    ///
    /// *Limitation:* Gandi's disk filters (`id`, `name`, `state`, `size`, `type`, `vm_id`,
    /// `datacenter_id`) have no `source`, so this lists every disk of type `snapshot`
    /// (`hosting.disk.list` with `{type: 'snapshot'}`) and keeps those whose `source` is
    /// `disk`. With many snapshots in the account that is several pages for one disk.
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a fault, transport or decode error.
    pub fn list_snapshots(&self, disk: &DiskId) -> Result<Vec<Disk>> {
        wire_id("disk", disk)?;
        let mut snapshots = self.list_disks(&DiskFilter::new().kind(DiskKind::Snapshot))?;
        snapshots.retain(|s| s.kind == DiskKind::Snapshot && s.source.as_ref() == Some(disk));
        Ok(snapshots)
    }

    /// Starts rolling the source disk of `snapshot` back to it (`hosting.disk.rollback_from`
    /// with the snapshot's ID). The pending result is the rolled-back disk.
    ///
    /// Reads the snapshot and its source disk first. Gandi refuses to roll back an attached
    /// disk (fault 530439, `OBJECT_DISK (CAUSE_ATTACHED)`), so an attached source is refused
    /// here, naming the VM, without a call: detach it (halting the VM first for a boot disk),
    /// roll back, and attach it again. Should the fault come anyway (the disk was attached in
    /// between), it is returned as [`Error::Fault`] with
    /// [`ApiFault::is_attached`](crate::error::ApiFault::is_attached) true.
    ///
    /// # Errors
    /// `InvalidInput` when `snapshot` is not a snapshot, does not name its source disk (old
    /// records may not), or its source disk is attached; a not-found fault; a fault when Gandi
    /// refuses.
    pub fn submit_rollback_disk(&self, snapshot: &DiskId) -> Result<Pending<Disk>> {
        wire_id("snapshot", snapshot)?;
        let snap = self.disk_info(snapshot)?;
        if snap.kind != DiskKind::Snapshot {
            return Err(Error::invalid(
                "snapshot",
                format!(
                    "disk {snapshot} is of type {:?}, not a snapshot",
                    snap.kind.as_str()
                ),
            ));
        }
        let Some(source) = snap.source else {
            return Err(Error::invalid(
                "snapshot",
                format!(
                    "Gandi does not say which disk snapshot {snapshot} was taken of, so whether \
                     that disk is detached cannot be checked"
                ),
            ));
        };
        let disk = self.disk_info(&source)?;
        if let Some(vm) = disk.vm_ids.first() {
            return Err(Error::invalid(
                "snapshot",
                format!(
                    "disk {source}, the source of snapshot {snapshot}, is attached to VM {vm}; \
                     Gandi rolls back only detached disks, so detach it first"
                ),
            ));
        }
        let op = self.call_op(
            "hosting.disk.rollback_from",
            vec![id_value("snapshot", snapshot)?],
        )?;
        Ok(Pending::new(
            format!("rolling disk {source} back to snapshot {snapshot}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.disk_info(&source),
        ))
    }

    /// Rolls the source disk of `snapshot` back to it and waits; see
    /// [`Client::submit_rollback_disk`]. Returns the rolled-back disk.
    ///
    /// # Errors
    /// As [`Client::submit_rollback_disk`], plus the errors of [`Client::wait`].
    pub fn rollback_disk(&self, snapshot: &DiskId) -> Result<Disk> {
        self.wait(self.submit_rollback_disk(snapshot)?)
    }

    // ----- snapshot profiles -----

    /// The automatic snapshot profiles Gandi offers (`hosting.snapshotprofile.list`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_snapshot_profiles(&self) -> Result<Vec<SnapshotProfile>> {
        let profiles: Vec<WireProfile> =
            self.call_as("hosting.snapshotprofile.list", Vec::new())?;
        Ok(profiles.into_iter().map(SnapshotProfile::from).collect())
    }

    /// Starts giving `disk` an automatic snapshot profile, or removing it with `None`
    /// (`hosting.disk.update` with `snapshot_profile` set to the profile's ID, or to `''` to
    /// remove it, as Gandi's own CLI does).
    ///
    /// A profile is checked against [`Client::list_snapshot_profiles`] before the update.
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs or a profile Gandi does not offer; a fault when Gandi
    /// refuses.
    pub fn submit_set_snapshot_profile(
        &self,
        disk: &DiskId,
        profile: Option<&SnapshotProfileId>,
    ) -> Result<Pending<Disk>> {
        wire_id("disk", disk)?;
        let value = match profile {
            Some(id) => {
                let wire = id_value("profile", id)?;
                let offered = self.list_snapshot_profiles()?;
                if !offered.iter().any(|p| &p.id == id) {
                    let names: Vec<String> = offered
                        .iter()
                        .map(|p| format!("{} ({})", p.id, p.name))
                        .collect();
                    return Err(Error::invalid(
                        "profile",
                        format!(
                            "Gandi offers no snapshot profile {id}; offered: {}",
                            names.join(", ")
                        ),
                    ));
                }
                wire
            }
            None => Value::from(""),
        };
        self.submit_disk_update(disk, Struct::new().with("snapshot_profile", value))
    }

    /// Sets or removes the automatic snapshot profile of `disk` and waits; see
    /// [`Client::submit_set_snapshot_profile`].
    ///
    /// # Errors
    /// As [`Client::submit_set_snapshot_profile`], plus the errors of [`Client::wait`].
    pub fn set_snapshot_profile(
        &self,
        disk: &DiskId,
        profile: Option<&SnapshotProfileId>,
    ) -> Result<Disk> {
        self.wait(self.submit_set_snapshot_profile(disk, profile)?)
    }

    // ----- kernels -----

    /// The kernels disks in `region` can boot (`hosting.disk.list_kernels` with the region's
    /// `datacenter_id`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a fault, transport or decode error.
    pub fn list_kernels(&self, region: &RegionId) -> Result<Kernels> {
        let flavors: BTreeMap<String, KernelNames> = self.call_as(
            "hosting.disk.list_kernels",
            vec![id_value("region", region)?],
        )?;
        Ok(Kernels {
            flavors: flavors.into_iter().map(|(f, k)| (f, k.0)).collect(),
        })
    }

    /// Starts changing the kernel `disk` boots with (`hosting.disk.update` with `kernel`).
    ///
    /// Reads the disk and the kernels of its region first, and refuses a kernel the region
    /// does not offer, listing those it does. Gandi applies the kernel at the next boot of
    /// the VM the disk is attached to.
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID or a kernel not offered in the disk's region.
    pub fn submit_set_disk_kernel(&self, disk: &DiskId, kernel: &str) -> Result<Pending<Disk>> {
        wire_id("disk", disk)?;
        validate::name("kernel", kernel)?;
        let current = self.disk_info(disk)?;
        let kernels = self.list_kernels(&current.region)?;
        if !kernels.contains(kernel) {
            return Err(Error::invalid(
                "kernel",
                format!(
                    "{kernel:?} is not offered in region {} (disk {disk}); offered: {kernels}",
                    current.region
                ),
            ));
        }
        self.submit_disk_update(disk, Struct::new().with("kernel", kernel))
    }

    /// Changes the kernel `disk` boots with and waits; see [`Client::submit_set_disk_kernel`].
    ///
    /// # Errors
    /// As [`Client::submit_set_disk_kernel`], plus the errors of [`Client::wait`].
    pub fn set_disk_kernel(&self, disk: &DiskId, kernel: &str) -> Result<Disk> {
        self.wait(self.submit_set_disk_kernel(disk, kernel)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernels() -> Kernels {
        let mut flavors = BTreeMap::new();
        flavors.insert(
            "linux".to_owned(),
            vec!["2.6.32".to_owned(), "3.18-x86_64".to_owned()],
        );
        flavors.insert(
            "linux-hvm".to_owned(),
            vec!["3.12-x86_64 (hvm)".to_owned(), "grub".to_owned()],
        );
        Kernels { flavors }
    }

    #[test]
    fn kernels_are_found_by_exact_name_only() {
        let k = kernels();
        assert!(k.contains("grub"));
        assert_eq!(k.flavor_of("3.12-x86_64 (hvm)"), Some("linux-hvm"));
        assert!(!k.contains("3.12-x86_64"));
        assert_eq!(k.len(), 4);
        assert!(!k.is_empty());
    }

    #[test]
    fn kernels_display_by_flavor() {
        assert_eq!(
            kernels().to_string(),
            "linux: 2.6.32, 3.18-x86_64; linux-hvm: 3.12-x86_64 (hvm), grub"
        );
    }
}
