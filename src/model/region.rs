//! Regions (Gandi's "datacenters") and the disk images offered in each.

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use super::ids::{DiskId, ImageId, RegionId};

/// Who may create new servers in a region (Gandi's `iaas_closed_for`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RegionAvailability {
    /// Open to everybody (`NONE`: closed for no one).
    Open,
    /// Only customers who already have resources there (`NEW`: closed for new customers).
    ExistingCustomersOnly,
    /// Closed to everybody (`ALL`).
    Closed,
    /// A value this version does not know, verbatim.
    Other(String),
}

impl RegionAvailability {
    /// Parses Gandi's `*_closed_for` value.
    pub fn parse(s: &str) -> Self {
        match s {
            "NONE" => Self::Open,
            "NEW" => Self::ExistingCustomersOnly,
            "ALL" => Self::Closed,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A region where resources live (Gandi's "datacenter"), e.g. `FR-SD6`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Region {
    /// The region's ID.
    pub id: RegionId,
    /// Short code, `{country}-{town}{index}`, e.g. `FR-SD6`.
    pub code: String,
    /// Human name, e.g. `Equinix Paris`.
    pub name: String,
    /// Country name.
    pub country: String,
    /// ISO country code, e.g. `FR`.
    pub iso: String,
    /// Who may create new servers here.
    pub availability: RegionAvailability,
    /// When the region closes for good, if announced (naive date-time).
    pub deactivate_at: Option<PrimitiveDateTime>,
    /// Regions that VMs and disks here can migrate to.
    pub migration_targets: Vec<RegionId>,
}

impl Region {
    /// Whether a new customer can create servers here. Customers with existing resources may
    /// still be able to when this is false ([`RegionAvailability::ExistingCustomersOnly`]).
    pub fn is_open_for_new_servers(&self) -> bool {
        self.availability == RegionAvailability::Open
    }
}

/// A disk image from the catalogue of one region, such as `Debian 12 64 bits (HVM)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiskImage {
    /// The catalogue entry's ID.
    pub id: ImageId,
    /// The disk to copy from when creating a disk or VM from this image (Gandi's `disk_id`,
    /// sent as `src_disk_id`).
    pub source_disk: DiskId,
    /// The image's name (Gandi's `label`).
    pub name: String,
    /// The region this entry belongs to (the same image has one entry per region).
    pub region: RegionId,
    /// Architecture, e.g. `x86-64`.
    pub arch: Option<String>,
    /// Kernel version, when Gandi says.
    pub kernel_version: Option<String>,
    /// Size in GB (rounded up), when Gandi says.
    pub size_gb: Option<u64>,
    /// `all`, `deprecated`, ...
    pub visibility: Option<String>,
    /// Creation date (naive).
    pub created_at: Option<PrimitiveDateTime>,
    /// Last update (naive).
    pub updated_at: Option<PrimitiveDateTime>,
}
