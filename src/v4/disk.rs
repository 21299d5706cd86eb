//! `hosting.disk.*`: disks — create (blank, from an image, clone), read, list, grow, rename,
//! delete.

use super::validate;
use super::wait::Pending;
use super::wire::WireDisk;
use super::{Client, Paged, id_value, unusable_answer, wire_id};
use crate::error::{Error, Result};
use crate::model::{Disk, DiskFilter, DiskId, DiskSource, DiskSpec, Operation, ResourceId};
use crate::xmlrpc::Struct;

impl DiskFilter {
    pub(crate) fn to_struct(&self) -> Result<Struct> {
        let mut s = Struct::new();
        if let Some(name) = &self.name {
            s.insert("name", name.as_str());
        }
        if let Some(region) = &self.region {
            s.insert("datacenter_id", id_value("region", region)?);
        }
        if let Some(vm) = &self.vm {
            s.insert("vm_id", id_value("vm", vm)?);
        }
        if let Some(kind) = &self.kind {
            s.insert("type", kind.as_str());
        }
        Ok(s)
    }
}

/// The `disk_spec` struct of `hosting.disk.create` / `create_from`, validated.
pub(crate) fn disk_spec_struct(spec: &DiskSpec) -> Result<Struct> {
    let mut s = Struct::new().with("datacenter_id", id_value("region", &spec.region)?);
    if let Some(name) = &spec.name {
        validate::disk_name("name", name)?;
        s.insert("name", name.as_str());
    }
    match (spec.size_gb, &spec.source) {
        (Some(gb), _) => s.insert("size", validate::disk_size_gb("size_gb", gb)?),
        (None, DiskSource::Blank) => {
            return Err(Error::invalid("size_gb", "a blank disk needs a size"));
        }
        (None, _) => {}
    }
    if let Some(profile) = &spec.snapshot_profile {
        s.insert("snapshot_profile", id_value("snapshot_profile", profile)?);
    }
    Ok(s)
}

/// The operation that created a disk, found by its type or its `disk_id`.
pub(crate) fn created_disk(method: &str, op: &Operation) -> Result<DiskId> {
    op.disk_id.clone().ok_or_else(|| {
        unusable_answer(
            method,
            "params/param/value/struct[disk_id]",
            format!(
                "operation {} ({}) does not name the new disk",
                op.id, op.kind
            ),
        )
    })
}

impl Client {
    /// Every disk matching `filter`, over all pages (`hosting.disk.list`).
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs in the filter; a fault, transport or decode error.
    pub fn list_disks(&self, filter: &DiskFilter) -> Result<Vec<Disk>> {
        self.list_all::<WireDisk, Disk>("hosting.disk.list", filter.to_struct()?)
    }

    /// Every disk matching `filter`, lazily: pages are fetched as the iterator needs them.
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs in the filter; each item is a `Result` for the page calls.
    pub fn iter_disks(&self, filter: &DiskFilter) -> Result<Paged<'_, Disk>> {
        Ok(self.pages::<WireDisk, Disk>("hosting.disk.list", filter.to_struct()?))
    }

    /// How many disks match `filter` (`hosting.disk.count`).
    ///
    /// # Errors
    /// As [`Client::list_disks`].
    pub fn count_disks(&self, filter: &DiskFilter) -> Result<u64> {
        self.count("hosting.disk.count", filter.to_struct()?)
    }

    /// One disk (`hosting.disk.info`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn disk_info(&self, id: &DiskId) -> Result<Disk> {
        let disk: WireDisk = self.call_as("hosting.disk.info", vec![id_value("id", id)?])?;
        Ok(disk.into())
    }

    /// Starts creating a disk (`hosting.disk.create`, or `hosting.disk.create_from` for an
    /// image or a clone) and returns at once.
    ///
    /// # Errors
    /// `InvalidInput` (no call made) for a bad name or size; a fault when Gandi refuses.
    pub fn submit_create_disk(&self, spec: &DiskSpec) -> Result<Pending<Disk>> {
        let disk_spec = disk_spec_struct(spec)?;
        let (method, op) = match &spec.source {
            DiskSource::Blank => (
                "hosting.disk.create",
                self.call_op("hosting.disk.create", vec![disk_spec.into()])?,
            ),
            DiskSource::Image(src) | DiskSource::Clone(src) => {
                let src = id_value("source", src)?;
                (
                    "hosting.disk.create_from",
                    self.call_op("hosting.disk.create_from", vec![disk_spec.into(), src])?,
                )
            }
        };
        let disk = created_disk(method, &op)?;
        let created = vec![ResourceId::Disk(disk.clone())];
        Ok(Pending::new(
            format!("creating disk {disk}"),
            vec![op],
            created,
            move |c: &Client, _: &[Operation]| c.disk_info(&disk),
        ))
    }

    /// Starts growing a disk to `new_size_gb` (`hosting.disk.update` with `size`). Reads the
    /// disk first: Gandi cannot shrink disks, so a size that is not larger is refused here.
    ///
    /// # Errors
    /// `InvalidInput` when the new size is not larger or out of range.
    pub fn submit_extend_disk(&self, id: &DiskId, new_size_gb: u64) -> Result<Pending<Disk>> {
        let size_mb = validate::disk_size_gb("new_size_gb", new_size_gb)?;
        wire_id("id", id)?;
        let current = self.disk_info(id)?;
        if u64::try_from(size_mb).unwrap_or(0) <= current.size_mb {
            return Err(Error::invalid(
                "new_size_gb",
                format!(
                    "disk {id} is {} GB; disks can only grow, so ask for more than that",
                    current.size_gb
                ),
            ));
        }
        self.submit_disk_update(id, Struct::new().with("size", size_mb))
    }

    /// Starts renaming a disk (`hosting.disk.update` with `name`).
    ///
    /// # Errors
    /// `InvalidInput` for a bad name.
    pub fn submit_rename_disk(&self, id: &DiskId, name: &str) -> Result<Pending<Disk>> {
        validate::disk_name("name", name)?;
        self.submit_disk_update(id, Struct::new().with("name", name))
    }

    pub(crate) fn submit_disk_update(&self, id: &DiskId, update: Struct) -> Result<Pending<Disk>> {
        let op = self.call_op(
            "hosting.disk.update",
            vec![id_value("id", id)?, update.into()],
        )?;
        let id = id.clone();
        Ok(Pending::new(
            format!("updating disk {id}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.disk_info(&id),
        ))
    }

    /// Starts deleting a disk (`hosting.disk.delete`). Reads it first and refuses, without
    /// sending the delete, while it is attached.
    ///
    /// # Errors
    /// `InvalidInput` naming the VM while the disk is attached.
    pub fn submit_delete_disk(&self, id: &DiskId) -> Result<Pending<()>> {
        wire_id("id", id)?;
        let disk = self.disk_info(id)?;
        if let Some(vm) = disk.vm_ids.first() {
            return Err(Error::invalid(
                "id",
                format!("disk {id} is attached to VM {vm}; detach it first"),
            ));
        }
        let op = self.call_op("hosting.disk.delete", vec![id_value("id", id)?])?;
        Ok(Pending::done_when_finished(
            format!("deleting disk {id}"),
            op,
        ))
    }
}
