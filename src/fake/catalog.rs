//! What Gandi offers rather than what the account owns: datacenters, images, kernels and
//! snapshot profiles. Fixed at start-up; read-only.

use time::PrimitiveDateTime;
use time::macros::datetime;

use crate::xmlrpc::{Fault, Struct, Value};

use super::args::Args;
use super::faults::{self, Obj};
use super::lists::{self, Row};
use super::state::State;

/// A datacenter (a "region" in the SDK's model).
#[derive(Debug, Clone)]
pub(crate) struct Datacenter {
    pub(crate) id: i64,
    pub(crate) name: &'static str,
    pub(crate) country: &'static str,
    pub(crate) iso: &'static str,
    pub(crate) dc_code: &'static str,
    pub(crate) iaas_closed_for: &'static str,
    pub(crate) paas_closed_for: &'static str,
    pub(crate) deactivate_at: Option<PrimitiveDateTime>,
    pub(crate) can_migrate_to: Vec<i64>,
}

/// An operating-system image, one per (label, datacenter).
#[derive(Debug, Clone)]
pub(crate) struct Image {
    pub(crate) id: i64,
    pub(crate) disk_id: i64,
    pub(crate) label: String,
    pub(crate) os_arch: &'static str,
    pub(crate) kernel_version: &'static str,
    pub(crate) size: i64,
    pub(crate) visibility: &'static str,
    pub(crate) datacenter_id: i64,
    pub(crate) date: PrimitiveDateTime,
}

/// A snapshot profile.
#[derive(Debug, Clone)]
pub(crate) struct SnapshotProfile {
    pub(crate) id: i64,
    pub(crate) name: &'static str,
    pub(crate) kept_total: i64,
    pub(crate) quota_factor: f64,
    pub(crate) schedules: &'static [(&'static str, i64)],
}

/// The fixed catalog.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub(crate) datacenters: Vec<Datacenter>,
    pub(crate) images: Vec<Image>,
    pub(crate) profiles: Vec<SnapshotProfile>,
}

/// Kernels offered in every open datacenter, by flavour.
pub(crate) const KERNELS_LINUX: &[&str] = &[
    "2.6.32",
    "3.2-x86_64",
    "3.10-x86_64",
    "3.18-x86_64",
    "3.18-x86",
];
/// HVM kernels; `grub` boots the guest's own kernel.
pub(crate) const KERNELS_HVM: &[&str] = &["3.12-x86_64 (hvm)", "grub", "raw"];

/// The author id of Gandi's public images.
const GANDI_AUTHOR: i64 = 248_842;

impl Catalog {
    /// Six datacenters, five image labels (plus a deprecated one) per datacenter not closed
    /// to all, three snapshot profiles.
    pub(crate) fn standard() -> Self {
        let dc = |id, name, country, iso, dc_code, closed, deactivate_at, to: &[i64]| Datacenter {
            id,
            name,
            country,
            iso,
            dc_code,
            iaas_closed_for: closed,
            paas_closed_for: closed,
            deactivate_at,
            can_migrate_to: to.to_vec(),
        };
        let datacenters = vec![
            dc(
                1,
                "Equinix Paris",
                "France",
                "FR",
                "FR-SD2",
                "ALL",
                Some(datetime!(2017-12-29 00:00:00)),
                &[],
            ),
            dc(
                2,
                "Level3 Baltimore",
                "United States of America",
                "US",
                "US-BA1",
                "ALL",
                Some(datetime!(2016-12-01 00:00:00)),
                &[],
            ),
            dc(
                3,
                "Bissen",
                "Luxembourg",
                "LU",
                "LU-BI1",
                "NONE",
                None,
                &[5, 6],
            ),
            dc(
                4,
                "Paris SD3",
                "France",
                "FR",
                "FR-SD3",
                "NEW",
                None,
                &[5, 6],
            ),
            dc(
                5,
                "Paris SD5",
                "France",
                "FR",
                "FR-SD5",
                "NONE",
                None,
                &[3, 6],
            ),
            dc(
                6,
                "Paris SD6",
                "France",
                "FR",
                "FR-SD6",
                "NONE",
                None,
                &[3, 5],
            ),
        ];
        // (label, size MB, visibility)
        let labels: [(&str, i64, &str); 6] = [
            ("Debian 12 64 bits (HVM)", 3072, "all"),
            ("Debian 11 64 bits (HVM)", 3072, "all"),
            ("Ubuntu 24.04 64 bits LTS (HVM)", 3072, "all"),
            ("Ubuntu 22.04 64 bits LTS (HVM)", 3072, "all"),
            ("AlmaLinux 9 64 bits (HVM)", 4096, "all"),
            ("Debian 10 64 bits (HVM)", 3072, "deprecated"),
        ];
        let mut images = Vec::new();
        for dc in datacenters.iter().filter(|d| d.iaas_closed_for != "ALL") {
            for (n, (label, size, visibility)) in (0_i64..).zip(labels) {
                images.push(Image {
                    id: 100 + dc.id * 10 + n,
                    disk_id: 3_000_000 + dc.id * 100 + n,
                    label: label.to_owned(),
                    os_arch: "x86-64",
                    kernel_version: "3.12-x86_64 (hvm)",
                    size,
                    visibility,
                    datacenter_id: dc.id,
                    date: datetime!(2024-06-10 09:30:00),
                });
            }
        }
        let profiles = vec![
            SnapshotProfile {
                id: 1,
                name: "minimal",
                kept_total: 2,
                quota_factor: 1.2,
                schedules: &[("daily", 2)],
            },
            SnapshotProfile {
                id: 2,
                name: "full_week",
                kept_total: 7,
                quota_factor: 1.7,
                schedules: &[("daily", 7)],
            },
            SnapshotProfile {
                id: 3,
                name: "security",
                kept_total: 10,
                quota_factor: 2.0,
                schedules: &[("hourly6", 4), ("daily", 3), ("weekly4", 3)],
            },
        ];
        Self {
            datacenters,
            images,
            profiles,
        }
    }

    pub(crate) fn datacenter(&self, id: i64) -> Result<&Datacenter, Fault> {
        self.datacenters
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| faults::not_found(Obj::Datacenter, id))
    }

    /// The image whose `disk_id` is `disk_id`, if any.
    pub(crate) fn image_by_disk(&self, disk_id: i64) -> Option<&Image> {
        self.images.iter().find(|i| i.disk_id == disk_id)
    }

    pub(crate) fn profile(&self, id: i64) -> Result<&SnapshotProfile, Fault> {
        self.profiles
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| faults::not_found(Obj::SnapshotProfile, id))
    }
}

impl Datacenter {
    fn to_struct(&self) -> Struct {
        Struct::new()
            .with("id", self.id)
            .with("name", self.name)
            .with("country", self.country)
            .with("iso", self.iso)
            .with("dc_code", self.dc_code)
            .with("iaas_closed_for", self.iaas_closed_for)
            .with("paas_closed_for", self.paas_closed_for)
            .with("deactivate_at", self.deactivate_at)
            .with("can_migrate_to", self.can_migrate_to.clone())
    }
}

impl Image {
    pub(crate) fn to_struct(&self) -> Struct {
        Struct::new()
            .with("id", self.id)
            .with("disk_id", self.disk_id)
            .with("label", self.label.as_str())
            .with("os_arch", self.os_arch)
            .with("kernel_version", self.kernel_version)
            .with("size", self.size)
            .with("author_id", GANDI_AUTHOR)
            .with("visibility", self.visibility)
            .with("datacenter_id", self.datacenter_id)
            .with("date_created", self.date)
            .with("date_updated", self.date)
    }
}

impl SnapshotProfile {
    pub(crate) fn to_struct(&self) -> Struct {
        let schedules: Vec<Value> = self
            .schedules
            .iter()
            .map(|(name, kept)| {
                Value::Struct(
                    Struct::new()
                        .with("name", *name)
                        .with("kept_version", *kept),
                )
            })
            .collect();
        Struct::new()
            .with("id", self.id)
            .with("name", self.name)
            .with("kept_total", self.kept_total)
            .with("quota_factor", self.quota_factor)
            .with("schedules", Value::Array(schedules))
    }
}

const DC_FIELDS: &[&str] = &[
    "id",
    "name",
    "country",
    "iso",
    "dc_code",
    "iaas_closed_for",
    "paas_closed_for",
    "iaas_opened",
    "iaas_closed",
    "paas_opened",
    "paas_closed",
];
const IMAGE_FIELDS: &[&str] = &[
    "id",
    "disk_id",
    "label",
    "os_arch",
    "kernel_version",
    "size",
    "author_id",
    "visibility",
    "datacenter_id",
    "date_created",
    "date_updated",
];
const PROFILE_FIELDS: &[&str] = &["id", "name", "kept_total"];

impl State {
    /// `hosting.datacenter.list(key[, opts])`.
    pub(crate) fn datacenter_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let rows = self
            .catalog
            .datacenters
            .iter()
            .map(|d| {
                let out = d.to_struct();
                let opened = |c: &str| c == "NONE" || c == "NEW";
                let closed = |c: &str| c == "NEW" || c == "ALL";
                let view = out
                    .clone()
                    .with("iaas_opened", opened(d.iaas_closed_for))
                    .with("iaas_closed", closed(d.iaas_closed_for))
                    .with("paas_opened", opened(d.paas_closed_for))
                    .with("paas_closed", closed(d.paas_closed_for));
                Row { view, out }
            })
            .collect();
        lists::list(rows, args.opt_struct(0)?, Obj::Datacenter, DC_FIELDS)
    }

    /// `hosting.image.list(key[, opts])`.
    pub(crate) fn image_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let rows = self
            .catalog
            .images
            .iter()
            .map(|i| Row::plain(i.to_struct()))
            .collect();
        lists::list(rows, args.opt_struct(0)?, Obj::Image, IMAGE_FIELDS)
    }

    /// `hosting.image.info(key, image_id)`.
    pub(crate) fn image_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        self.catalog
            .images
            .iter()
            .find(|i| i.id == id)
            .map(|i| Value::Struct(i.to_struct()))
            .ok_or_else(|| faults::not_found(Obj::Image, id))
    }

    /// `hosting.disk.list_kernels(key, datacenter_id)`.
    pub(crate) fn disk_list_kernels(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let dc = self.catalog.datacenter(args.int(0)?)?;
        if dc.iaas_closed_for == "ALL" {
            return Ok(Value::Struct(Struct::new()));
        }
        Ok(Value::Struct(
            Struct::new()
                .with("linux", KERNELS_LINUX.to_vec())
                .with("linux-hvm", KERNELS_HVM.to_vec()),
        ))
    }

    /// `hosting.snapshotprofile.list(key[, opts])`.
    pub(crate) fn snapshotprofile_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let rows = self
            .catalog
            .profiles
            .iter()
            .map(|p| Row::plain(p.to_struct()))
            .collect();
        lists::list(
            rows,
            args.opt_struct(0)?,
            Obj::SnapshotProfile,
            PROFILE_FIELDS,
        )
    }
}
