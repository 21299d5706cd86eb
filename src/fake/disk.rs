//! `hosting.disk.*`: disks, snapshots, rollback and migration.

use crate::v4::validate;
use crate::xmlrpc::{Fault, Struct, Value};

use super::args::{Args, Spec};
use super::catalog::{KERNELS_HVM, KERNELS_LINUX};
use super::faults::{self, Cause, Obj};
use super::lists::{self, Row};
use super::operation::{DiskChanges, Effect, OpIds};
use super::state::{Disk, Kind, State, now};
use super::vm::{attached, region_mismatch};

const DISK_FIELDS: &[&str] = &[
    "id",
    "name",
    "state",
    "size",
    "type",
    "vm_id",
    "datacenter_id",
    "label",
    "source",
    "is_boot_disk",
    "can_snapshot",
    "kernel_version",
    "snapshot_profile_id",
    "visibility",
    "total_size",
    "date_created",
    "date_updated",
];

const CREATE_KEYS: &[&str] = &[
    "datacenter_id",
    "name",
    "size",
    "type",
    "snapshot_profile",
    "kernel",
    "cmdline",
];

/// Largest disk accepted, in MB: the client's limit ([`validate::MAX_DISK_GB`]).
const MAX_SIZE: i64 = validate::MAX_DISK_GB as i64 * 1024;

/// Credits a disk of `size` MB costs: one per started GB.
pub(crate) fn disk_cost(size: i64) -> i64 {
    (size + 1023) / 1024
}

fn check_size(size: i64) -> Result<(), Fault> {
    if size < 1024 || size % 1024 != 0 || size > MAX_SIZE {
        return Err(faults::bad(
            Obj::Disk,
            format!("size must be a multiple of 1024 MB between 1024 and {MAX_SIZE}, not {size}"),
        ));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), Fault> {
    if validate::is_disk_name(name) {
        Ok(())
    } else {
        Err(faults::bad(
            Obj::Disk,
            format!("invalid disk name '{name}'"),
        ))
    }
}

fn check_kernel(kernel: &str) -> Result<(), Fault> {
    if KERNELS_LINUX.contains(&kernel) || KERNELS_HVM.contains(&kernel) {
        Ok(())
    } else {
        Err(faults::bad(
            Obj::Kernel,
            format!("unknown kernel '{kernel}'"),
        ))
    }
}

/// Checks a `cmdline` struct: names to strings, booleans or ints.
fn check_cmdline(cmdline: &Struct) -> Result<Struct, Fault> {
    for (name, value) in cmdline.iter() {
        super::args::plain_text(Obj::Disk, "cmdline", name, 64)?;
        match value {
            Value::String(s) => super::args::plain_text(Obj::Disk, "cmdline", s, 255)?,
            Value::Bool(_) | Value::Int(_) => {}
            other => {
                return Err(faults::bad(
                    Obj::Disk,
                    format!(
                        "cmdline values must be strings, booleans or ints, not '{}'",
                        faults::py_type(other)
                    ),
                ));
            }
        }
    }
    Ok(cmdline.clone())
}

/// The boot options of a non-HVM kernel (what `kernel_cmdline` shows).
fn default_cmdline(kernel: &str) -> Option<Struct> {
    if KERNELS_LINUX.contains(&kernel) {
        Some(
            Struct::new()
                .with("root", "/dev/xvda1")
                .with("ro", true)
                .with("console", "hvc0")
                .with("nosep", true),
        )
    } else {
        None
    }
}

impl State {
    /// A disk's struct; `info` adds the snapshot profile struct.
    pub(crate) fn disk_struct(&self, d: &Disk, info: bool) -> Struct {
        let is_boot = d
            .vm_id
            .and_then(|vm| self.vms.get(&vm))
            .is_some_and(|vm| vm.disks.first() == Some(&d.id));
        let snapshots = self.snapshots_of(d.id);
        let total: i64 = d.size
            + snapshots
                .iter()
                .filter_map(|s| self.disks.get(s))
                .map(|s| s.size)
                .sum::<i64>();
        let mut s = Struct::new()
            .with("id", d.id)
            .with("name", d.name.as_str())
            .with("size", d.size)
            .with("total_size", total)
            .with("state", d.state)
            .with("type", d.kind)
            .with("datacenter_id", d.datacenter_id)
            .with("vms_id", d.vm_id.into_iter().collect::<Vec<i64>>())
            .with("is_boot_disk", is_boot)
            .with("can_snapshot", d.kind == "data")
            .with("kernel_version", d.kernel_version.clone())
            .with("kernel_cmdline", d.kernel_cmdline.clone())
            .with("label", d.label.clone())
            .with("source", d.source)
            .with("visibility", "private")
            .with("snapshots_id", snapshots)
            .with("date_created", d.created)
            .with("date_updated", d.updated);
        if !info {
            s.insert("snapshot_profile_id", d.snapshot_profile);
        } else {
            let profile = d
                .snapshot_profile
                .and_then(|p| self.catalog.profile(p).ok())
                .map(|p| Value::Struct(p.to_struct()));
            s.insert("snapshot_profile", profile.unwrap_or(Value::Nil));
        }
        s
    }

    fn disk_rows(&self) -> Vec<Row> {
        self.disks
            .values()
            .map(|d| {
                let out = self.disk_struct(d, false);
                let view = out.clone().with("vm_id", d.vm_id);
                Row { view, out }
            })
            .collect()
    }

    /// Stores a disk drawn up by a create call; returns its id.
    pub(crate) fn insert_disk(&mut self, mut disk: Disk) -> i64 {
        let id = self.next_id(Kind::Disk);
        disk.id = id;
        if disk.name.is_empty() {
            disk.name = format!("disk{id}");
        }
        self.disks.insert(id, disk);
        id
    }

    fn snapshot_profile_of(&self, spec: &Spec<'_>) -> Result<Option<i64>, Fault> {
        match spec.raw("snapshot_profile") {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::Int(id)) => self.catalog.profile(*id).map(|p| Some(p.id)),
            Some(other) => Err(faults::bad(
                Obj::Disk,
                format!(
                    "snapshot_profile must be an int or '', not '{}'",
                    faults::py_type(other)
                ),
            )),
        }
    }

    /// Draws up a data disk copied from `src` (an image's `disk_id`, a disk or a snapshot).
    pub(crate) fn disk_from_source(
        &self,
        spec: &Spec<'_>,
        src: i64,
        datacenter_id: Option<i64>,
    ) -> Result<Disk, Fault> {
        let (src_dc, src_size, label, kernel, cmdline) =
            if let Some(image) = self.catalog.image_by_disk(src) {
                (
                    image.datacenter_id,
                    image.size,
                    Some(image.label.clone()),
                    Some(image.kernel_version.to_owned()),
                    None,
                )
            } else {
                let d = self.disk(src)?;
                if d.state == "being_created" {
                    return Err(faults::state(
                        Obj::Disk,
                        format!("disk#{src} is being created"),
                    ));
                }
                (
                    d.datacenter_id,
                    d.size,
                    d.label.clone(),
                    d.kernel_version.clone(),
                    d.kernel_cmdline.clone(),
                )
            };
        let dc = spec
            .int("datacenter_id")?
            .or(datacenter_id)
            .unwrap_or(src_dc);
        if dc != src_dc || datacenter_id.is_some_and(|d| d != dc) {
            return Err(region_mismatch(Obj::Disk));
        }
        let size = spec.int("size")?.unwrap_or((src_size + 1023) / 1024 * 1024);
        check_size(size)?;
        if size < src_size {
            return Err(faults::bad(
                Obj::Disk,
                format!("size {size} is smaller than the source ({src_size} MB)"),
            ));
        }
        let name = spec.string("name")?.unwrap_or_default().to_owned();
        if !name.is_empty() {
            check_name(&name)?;
        }
        let kernel = match spec.string("kernel")? {
            Some(k) => {
                check_kernel(k)?;
                Some(k.to_owned())
            }
            None => kernel,
        };
        let cmdline = match spec.structure("cmdline")? {
            Some(c) => Some(check_cmdline(c)?),
            None => cmdline.or_else(|| kernel.as_deref().and_then(default_cmdline)),
        };
        let at = now();
        Ok(Disk {
            id: 0,
            name,
            size,
            state: "being_created",
            kind: "data",
            datacenter_id: dc,
            vm_id: None,
            kernel_version: kernel,
            kernel_cmdline: cmdline,
            label,
            source: Some(src),
            snapshot_profile: self.snapshot_profile_of(spec)?,
            created: at,
            updated: at,
        })
    }

    fn disk_op(&mut self, kind: &'static str, disk: i64, effect: Effect, extra: Struct) -> Value {
        self.start_op(kind, effect, OpIds::disk(disk), extra)
    }

    /// `hosting.disk.list(key[, opts])`.
    pub(crate) fn disk_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(
            self.disk_rows(),
            args.opt_struct(0)?,
            Obj::Disk,
            DISK_FIELDS,
        )
    }

    /// `hosting.disk.count(key[, opts])`.
    pub(crate) fn disk_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(
            self.disk_rows(),
            args.opt_struct(0)?,
            Obj::Disk,
            DISK_FIELDS,
        )
    }

    /// `hosting.disk.info(key, disk_id)`.
    pub(crate) fn disk_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let d = self.disk(args.int(0)?)?;
        Ok(Value::Struct(self.disk_struct(d, true)))
    }

    /// `hosting.disk.create(key, disk_spec)`: a blank data disk.
    pub(crate) fn disk_create(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = Spec::new(args.structure(0)?, Obj::Disk, CREATE_KEYS)?;
        let dc = spec.req_int("datacenter_id")?;
        let size = spec.req_int("size")?;
        check_size(size)?;
        if let Some(kind) = spec.string("type")?
            && kind != "data"
        {
            return Err(faults::bad(
                Obj::Disk,
                format!("type must be 'data' (snapshots are made with create_from), not '{kind}'"),
            ));
        }
        let name = spec.string("name")?.unwrap_or_default().to_owned();
        if !name.is_empty() {
            check_name(&name)?;
        }
        let kernel = spec.string("kernel")?.map(str::to_owned);
        if let Some(k) = &kernel {
            check_kernel(k)?;
        }
        let profile = self.snapshot_profile_of(&spec)?;
        let cmdline = spec.structure("cmdline")?.map(check_cmdline).transpose()?;
        self.catalog.datacenter(dc)?;
        self.check_open(dc)?;
        self.charge(disk_cost(size))?;
        let at = now();
        let id = self.insert_disk(Disk {
            id: 0,
            name,
            size,
            state: "being_created",
            kind: "data",
            datacenter_id: dc,
            vm_id: None,
            kernel_cmdline: cmdline.or_else(|| kernel.as_deref().and_then(default_cmdline)),
            kernel_version: kernel,
            label: None,
            source: None,
            snapshot_profile: profile,
            created: at,
            updated: at,
        });
        Ok(self.disk_op("disk_create", id, Effect::DiskCreate(id), Struct::new()))
    }

    /// `hosting.disk.create_from(key, disk_spec, src_disk_id)`: a copy, or a snapshot when
    /// `type` is `snapshot`.
    pub(crate) fn disk_create_from(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = Spec::new(args.structure(0)?, Obj::Disk, CREATE_KEYS)?;
        let src = args.int(1)?;
        if spec.string("type")? == Some("snapshot") {
            return self.snapshot(&spec, src);
        }
        if let Some(kind) = spec.string("type")?
            && kind != "data"
        {
            return Err(faults::bad(
                Obj::Disk,
                format!("unknown disk type '{kind}'"),
            ));
        }
        let draft = self.disk_from_source(&spec, src, None)?;
        self.check_open(draft.datacenter_id)?;
        self.charge(disk_cost(draft.size))?;
        let id = self.insert_disk(draft);
        let extra = Struct::new().with("src_disk_id", src);
        Ok(self.disk_op("disk_create", id, Effect::DiskCreate(id), extra))
    }

    fn snapshot(&mut self, spec: &Spec<'_>, src: i64) -> Result<Value, Fault> {
        let source = self.disk(src)?;
        if source.kind != "data" {
            return Err(faults::bad(
                Obj::Disk,
                format!("disk#{src} cannot be snapshotted"),
            ));
        }
        if source.state != "created" {
            return Err(faults::state(
                Obj::Disk,
                format!("disk#{src} is {}", source.state),
            ));
        }
        if spec
            .int("datacenter_id")?
            .is_some_and(|dc| dc != source.datacenter_id)
        {
            return Err(region_mismatch(Obj::Disk));
        }
        let name = spec.string("name")?.unwrap_or_default().to_owned();
        if !name.is_empty() {
            check_name(&name)?;
        }
        let at = now();
        let draft = Disk {
            id: 0,
            name,
            size: source.size,
            state: "being_created",
            kind: "snapshot",
            datacenter_id: source.datacenter_id,
            vm_id: None,
            kernel_version: source.kernel_version.clone(),
            kernel_cmdline: source.kernel_cmdline.clone(),
            label: source.label.clone(),
            source: Some(src),
            snapshot_profile: None,
            created: at,
            updated: at,
        };
        self.charge(disk_cost(draft.size))?;
        let id = self.insert_disk(draft);
        let extra = Struct::new().with("src_disk_id", src);
        Ok(self.disk_op("disk_create", id, Effect::DiskCreate(id), extra))
    }

    /// `hosting.disk.update(key, disk_id, disk_update_spec)`: rename, grow, kernel, profile.
    pub(crate) fn disk_update(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let spec = Spec::new(
            args.structure(1)?,
            Obj::Disk,
            &["name", "size", "kernel", "cmdline", "snapshot_profile"],
        )?;
        let disk = self.disk(id)?;
        if disk.state != "created" {
            return Err(faults::state(
                Obj::Disk,
                format!("disk#{id} is {}", disk.state),
            ));
        }
        let mut changes = DiskChanges::default();
        if let Some(name) = spec.string("name")? {
            check_name(name)?;
            changes.name = Some(name.to_owned());
        }
        let mut growth = 0;
        if let Some(size) = spec.int("size")? {
            if size < disk.size {
                return Err(faults::bad(
                    Obj::Disk,
                    format!("disk#{id} cannot shrink from {} to {size} MB", disk.size),
                ));
            }
            check_size(size)?;
            if disk.kind == "snapshot" && size != disk.size {
                return Err(faults::bad(
                    Obj::Disk,
                    format!("snapshot#{id} cannot be resized"),
                ));
            }
            growth = disk_cost(size) - disk_cost(disk.size);
            changes.size = Some(size);
        }
        if let Some(kernel) = spec.string("kernel")? {
            check_kernel(kernel)?;
            changes.kernel = Some(kernel.to_owned());
        }
        changes.cmdline = spec.structure("cmdline")?.map(check_cmdline).transpose()?;
        if spec.raw("snapshot_profile").is_some() {
            changes.snapshot_profile = Some(self.snapshot_profile_of(&spec)?);
        }
        self.charge(growth)?;
        Ok(self.disk_op(
            "disk_update",
            id,
            Effect::DiskUpdate(id, changes),
            Struct::new(),
        ))
    }

    /// `hosting.disk.delete(key, disk_id)`: detached disks only.
    pub(crate) fn disk_delete(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let disk = self.disk(id)?;
        if let Some(vm) = disk.vm_id {
            return Err(attached(id, vm));
        }
        if disk.state == "being_created" {
            return Err(faults::state(
                Obj::Disk,
                format!("disk#{id} is being created"),
            ));
        }
        Ok(self.disk_op("disk_delete", id, Effect::DiskDelete(id), Struct::new()))
    }

    /// `hosting.disk.rollback_from(key, snapshot_id)`: the snapshot's source must be detached.
    pub(crate) fn disk_rollback_from(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let snapshot = args.int(0)?;
        let snap = self.disk(snapshot)?;
        let source = match (snap.kind, snap.source) {
            ("snapshot", Some(source)) => source,
            _ => {
                return Err(faults::bad(
                    Obj::Disk,
                    format!("disk#{snapshot} is not a snapshot"),
                ));
            }
        };
        let disk = self.disk(source)?;
        if disk.vm_id.is_some() {
            return Err(faults::app(
                Obj::Disk,
                Cause::Attached,
                format!("disk#{source} associated with snapshot#{snapshot} is attached"),
            ));
        }
        if disk.state != "created" {
            return Err(faults::state(
                Obj::Disk,
                format!("disk#{source} is {}", disk.state),
            ));
        }
        if let Some(d) = self.disks.get_mut(&source) {
            d.state = "rollback";
        }
        let extra = Struct::new().with("snapshot_id", snapshot);
        Ok(self.disk_op(
            "disk_rollback",
            source,
            Effect::DiskRollback {
                snapshot,
                disk: source,
            },
            extra,
        ))
    }

    /// `hosting.disk.migrate(key, disk_id, datacenter_id)`: detached disks only.
    pub(crate) fn disk_migrate(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let to = args.int(1)?;
        let disk = self.disk(id)?;
        if let Some(vm) = disk.vm_id {
            return Err(attached(id, vm));
        }
        let from = disk.datacenter_id;
        let allowed = self.catalog.datacenter(from)?.can_migrate_to.contains(&to);
        self.catalog.datacenter(to)?;
        if !allowed {
            return Err(faults::app(
                Obj::Datacenter,
                Cause::NoRight,
                format!("disk#{id} cannot be migrated to datacenter {to}"),
            ));
        }
        let extra = Struct::new().with("from_dc_id", from).with("to_dc_id", to);
        Ok(self.disk_op(
            "hosting_migration_disk",
            id,
            Effect::DiskMigrate { disk: id, to },
            extra,
        ))
    }
}
