//! Disks: data and system disks, and snapshots (disks of type `snapshot`).

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use super::ids::{DiskId, RegionId, SnapshotProfileId, VmId};
use super::region::DiskImage;

/// Lifecycle state of a disk.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DiskState {
    /// Being created.
    BeingCreated,
    /// Ready (attached or not: attachment is [`Disk::vm_ids`], not a state).
    Created,
    /// Being rolled back to a snapshot.
    Rollback,
    /// Paused.
    Paused,
    /// Moving to another region.
    BeingMigrated,
    /// In redemption (unpaid).
    Redemption,
    /// Deleted.
    Deleted,
    /// Gandi reports `running` for disks nested in a VM's details.
    Running,
    /// A state this version does not know, verbatim.
    Other(String),
}

impl DiskState {
    /// Parses Gandi's state name.
    pub fn parse(s: &str) -> Self {
        match s {
            "being_created" => Self::BeingCreated,
            "created" => Self::Created,
            "rollback" => Self::Rollback,
            "paused" => Self::Paused,
            "being_migrated" => Self::BeingMigrated,
            "redemption" => Self::Redemption,
            "deleted" => Self::Deleted,
            "running" => Self::Running,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// What a disk is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DiskKind {
    /// An ordinary disk (system or data).
    Data,
    /// A snapshot of another disk.
    Snapshot,
    /// Gandi's other types (`system`, `image`, `backup`, ...), verbatim.
    Other(String),
}

impl DiskKind {
    /// Parses Gandi's `type`.
    pub fn parse(s: &str) -> Self {
        match s {
            "data" => Self::Data,
            "snapshot" => Self::Snapshot,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Gandi's name for the type.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Data => "data",
            Self::Snapshot => "snapshot",
            Self::Other(s) => s,
        }
    }
}

/// A disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Disk {
    /// The disk's ID.
    pub id: DiskId,
    /// Its name.
    pub name: String,
    /// Size in GB, rounded up from Gandi's MB.
    pub size_gb: u64,
    /// Size exactly as Gandi reports it, in MB.
    pub size_mb: u64,
    /// Region.
    pub region: RegionId,
    /// Lifecycle state.
    pub state: DiskState,
    /// Data disk or snapshot.
    pub kind: DiskKind,
    /// Whether it is the boot disk of the VM it is attached to.
    pub is_boot_disk: bool,
    /// VMs it is attached to (zero or one).
    pub vm_ids: Vec<VmId>,
    /// Whether Gandi allows snapshots of it (unknown on old records).
    pub can_snapshot: Option<bool>,
    /// Kernel it boots with, for system disks.
    pub kernel_version: Option<String>,
    /// Name of the image it was made from.
    pub image_label: Option<String>,
    /// The disk or image disk it was copied from.
    pub source: Option<DiskId>,
    /// Its automatic snapshot profile.
    pub snapshot_profile: Option<SnapshotProfileId>,
    /// Its snapshots.
    pub snapshot_ids: Vec<DiskId>,
    /// Creation date (naive).
    pub created_at: Option<PrimitiveDateTime>,
    /// Last update (naive).
    pub updated_at: Option<PrimitiveDateTime>,
}

impl Disk {
    /// Whether the disk is attached to a VM.
    pub fn is_attached(&self) -> bool {
        !self.vm_ids.is_empty()
    }
}

/// Where a new disk's content comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiskSource {
    /// An empty disk.
    Blank,
    /// A copy of an image (its [`DiskImage::source_disk`]).
    Image(DiskId),
    /// A copy of an existing disk or snapshot.
    Clone(DiskId),
}

/// What to create: a blank disk, a copy of an image, or a clone.
///
/// ```
/// use gandi_hosting::model::{DiskSpec, RegionId};
/// let spec = DiskSpec::blank(RegionId::from(6), 20).name("data1");
/// assert_eq!(spec.size_gb, Some(20));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiskSpec {
    /// Region to create it in.
    pub region: RegionId,
    /// Content source.
    pub source: DiskSource,
    /// Size in whole GB. Required for blank disks; copies default to the source's size.
    pub size_gb: Option<u64>,
    /// Name (Gandi generates one when absent). Letters, digits, `-` and `_`, at most 255.
    pub name: Option<String>,
    /// Automatic snapshot profile.
    pub snapshot_profile: Option<SnapshotProfileId>,
}

impl DiskSpec {
    /// An empty disk of `size_gb` GB.
    pub fn blank(region: RegionId, size_gb: u64) -> Self {
        Self {
            region,
            source: DiskSource::Blank,
            size_gb: Some(size_gb),
            name: None,
            snapshot_profile: None,
        }
    }

    /// A disk holding a copy of `image`, in the image's region, of `size_gb` GB.
    pub fn from_image(image: &DiskImage, size_gb: u64) -> Self {
        Self {
            region: image.region.clone(),
            source: DiskSource::Image(image.source_disk.clone()),
            size_gb: Some(size_gb),
            name: None,
            snapshot_profile: None,
        }
    }

    /// A copy of disk `source` in `region`, with the source's size unless [`DiskSpec::size_gb`]
    /// is set.
    pub fn clone_of(source: DiskId, region: RegionId) -> Self {
        Self {
            region,
            source: DiskSource::Clone(source),
            size_gb: None,
            name: None,
            snapshot_profile: None,
        }
    }

    /// Sets the name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the size in whole GB.
    #[must_use]
    pub fn size_gb(mut self, size_gb: u64) -> Self {
        self.size_gb = Some(size_gb);
        self
    }

    /// Sets the automatic snapshot profile.
    #[must_use]
    pub fn snapshot_profile(mut self, profile: SnapshotProfileId) -> Self {
        self.snapshot_profile = Some(profile);
        self
    }
}

/// Which disks to list. Empty means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiskFilter {
    /// Exact name.
    pub name: Option<String>,
    /// Region.
    pub region: Option<RegionId>,
    /// Attached to this VM.
    pub vm: Option<VmId>,
    /// Of this kind.
    pub kind: Option<DiskKind>,
}

impl DiskFilter {
    /// Every disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only disks with this exact name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only disks in this region.
    #[must_use]
    pub fn region(mut self, region: RegionId) -> Self {
        self.region = Some(region);
        self
    }

    /// Only disks attached to this VM.
    #[must_use]
    pub fn vm(mut self, vm: VmId) -> Self {
        self.vm = Some(vm);
        self
    }

    /// Only disks of this kind.
    #[must_use]
    pub fn kind(mut self, kind: DiskKind) -> Self {
        self.kind = Some(kind);
        self
    }
}
