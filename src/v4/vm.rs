//! `hosting.vm.*`: virtual machines — create (from an image or an existing disk, with new or
//! existing network), read, list, update, power, delete, and attach or detach disks and IPs.

use super::disk::disk_spec_struct;
use super::validate;
use super::wait::Pending;
use super::wire::WireVm;
use super::{Client, Paged, id_value, unusable_answer, wire_id};
use crate::error::{Error, Incomplete, Result};
use crate::model::{
    BootDisk, DeleteVm, DeletedVm, DiskId, DiskSpec, InterfaceId, IpId, IpSpec, IpSpecKind,
    Operation, RegionId, ResourceId, Vm, VmFilter, VmId, VmSpec, VmState, VmUpdate,
};
use crate::xmlrpc::{Struct, Value};

impl VmFilter {
    fn to_struct(&self) -> Result<Struct> {
        let mut s = Struct::new();
        if let Some(h) = &self.hostname {
            s.insert("hostname", h.as_str());
        }
        if let Some(region) = &self.region {
            s.insert("datacenter_id", id_value("region", region)?);
        }
        if let Some(state) = &self.state {
            s.insert("state", vm_state_name(state));
        }
        if let Some(farm) = &self.farm {
            s.insert("farm", farm.as_str());
        }
        Ok(s)
    }
}

fn vm_state_name(state: &VmState) -> String {
    match state {
        VmState::BeingCreated => "being_created",
        VmState::Running => "running",
        VmState::Halted => "halted",
        VmState::Paused => "paused",
        VmState::Locked => "locked",
        VmState::LegallyLocked => "legally_locked",
        VmState::BeingMigrated => "being_migrated",
        VmState::Invalid => "invalid",
        VmState::Deleted => "deleted",
        VmState::Other(s) => s,
    }
    .to_owned()
}

/// The resources a set of creation operations makes.
fn created_by(ops: &[Operation]) -> Vec<ResourceId> {
    let mut out = Vec::new();
    for op in ops {
        match op.kind.as_str() {
            "disk_create" => out.extend(op.disk_id.clone().map(ResourceId::Disk)),
            "iface_create" => {
                out.extend(op.interface_id.clone().map(ResourceId::Interface));
                out.extend(op.ip_id.clone().map(ResourceId::Ip));
            }
            "vm_create" => out.extend(op.vm_id.clone().map(ResourceId::Vm)),
            _ => {}
        }
    }
    out
}

/// The new VM's ID: from the `vm_create` operation, never by position.
fn created_vm(method: &str, ops: &[Operation]) -> Result<VmId> {
    ops.iter()
        .find(|o| o.kind == "vm_create" && o.vm_id.is_some())
        .or_else(|| ops.iter().find(|o| o.vm_id.is_some()))
        .and_then(|o| o.vm_id.clone())
        .ok_or_else(|| {
            unusable_answer(
                method,
                "params/param/value/array",
                "no vm_create operation naming the new VM",
            )
        })
}

impl Client {
    /// Every VM matching `filter`, over all pages (`hosting.vm.list`; summaries).
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs in the filter; a fault, transport or decode error.
    pub fn list_vms(&self, filter: &VmFilter) -> Result<Vec<Vm>> {
        self.list_all::<WireVm, Vm>("hosting.vm.list", filter.to_struct()?)
    }

    /// Every VM matching `filter`, lazily: pages are fetched as the iterator needs them.
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs in the filter; each item is a `Result` for the page calls.
    pub fn iter_vms(&self, filter: &VmFilter) -> Result<Paged<'_, Vm>> {
        Ok(self.pages::<WireVm, Vm>("hosting.vm.list", filter.to_struct()?))
    }

    /// How many VMs match `filter` (`hosting.vm.count`).
    ///
    /// # Errors
    /// As [`Client::list_vms`].
    pub fn count_vms(&self, filter: &VmFilter) -> Result<u64> {
        self.count("hosting.vm.count", filter.to_struct()?)
    }

    /// One VM with its disks, interfaces and IPs (`hosting.vm.info`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn vm_info(&self, id: &VmId) -> Result<Vm> {
        let vm: WireVm = self.call_as("hosting.vm.info", vec![id_value("id", id)?])?;
        Ok(vm.into())
    }

    /// The `vm_spec` keys that do not depend on disk and network, validated.
    fn vm_spec_struct(&self, spec: &VmSpec) -> Result<Struct> {
        validate::hostname("hostname", &spec.hostname)?;
        let mut s = Struct::new()
            .with("datacenter_id", id_value("region", &spec.region)?)
            .with("hostname", spec.hostname.as_str())
            .with("memory", validate::memory_mb("memory_mb", spec.memory_mb)?)
            .with("cores", validate::cores("cores", spec.cores)?);
        if spec.ssh_keys.is_empty() && spec.ssh_public_key.is_none() && spec.login.is_none() {
            return Err(Error::invalid(
                "credentials",
                "no way to log in: give an SSH key (ssh_key or ssh_public_key) or a login with a password",
            ));
        }
        if !spec.ssh_keys.is_empty() {
            let mut keys = Vec::with_capacity(spec.ssh_keys.len());
            for k in &spec.ssh_keys {
                keys.push(id_value("ssh_keys", k)?);
            }
            s.insert("keys", Value::Array(keys));
        }
        if let Some(key) = &spec.ssh_public_key {
            validate::ssh_public_key("ssh_public_key", key)?;
            s.insert("ssh_key", key.trim());
        }
        if let Some(login) = &spec.login {
            validate::login("login", login)?;
            s.insert("login", login.as_str());
            if spec.password.is_none() {
                return Err(Error::invalid("password", "a login needs a password"));
            }
        }
        if let Some(password) = &spec.password {
            validate::password("password", password)?;
            s.insert("password", password.as_str());
        }
        if let Some(run) = &spec.run {
            s.insert("run", run.as_str());
        }
        if let Some(farm) = &spec.farm {
            s.insert("farm", farm.as_str());
        }
        Ok(s)
    }

    /// Checks that an existing disk can be attached in `region`: right region, not attached.
    fn check_free_disk(&self, field: &str, disk: &DiskId, region: &RegionId) -> Result<()> {
        wire_id(field, disk)?;
        let d = self.disk_info(disk)?;
        if d.region != *region {
            return Err(Error::invalid(
                field,
                format!("disk {disk} is in region {}, not {region}", d.region),
            ));
        }
        if let Some(vm) = d.vm_ids.first() {
            return Err(Error::invalid(
                field,
                format!("disk {disk} is already attached to VM {vm}"),
            ));
        }
        Ok(())
    }

    /// Checks that an existing interface can be attached in `region`.
    fn check_free_interface(
        &self,
        field: &str,
        iface: &InterfaceId,
        region: &RegionId,
    ) -> Result<()> {
        wire_id(field, iface)?;
        let i = self.interface_info(iface)?;
        if i.region != *region {
            return Err(Error::invalid(
                field,
                format!("interface {iface} is in region {}, not {region}", i.region),
            ));
        }
        if let Some(vm) = &i.vm {
            return Err(Error::invalid(
                field,
                format!("interface {iface} is already attached to VM {vm}"),
            ));
        }
        Ok(())
    }

    /// Starts creating a VM and returns once Gandi has accepted it.
    ///
    /// * boot disk from an image + new public IP: one `hosting.vm.create_from` (three
    ///   operations: `disk_create`, `iface_create`, `vm_create`);
    /// * an existing interface: `create_from` or `create` with `iface_id`;
    /// * a private IP: the private interface is created (and waited for) first, then the VM;
    /// * an existing boot disk: `hosting.vm.create` with `sys_disk_id`.
    ///
    /// Everything the arguments name is checked before the first change (regions agree, disks
    /// and interfaces are free). Waiting then attaches [`VmSpec::data_disks`] and
    /// [`VmSpec::extra_interfaces`] in order and reads the VM.
    ///
    /// # Errors
    /// `InvalidInput` (no change made) for a bad spec; a fault when Gandi refuses;
    /// [`Error::Incomplete`] naming the private interface when it was created but the VM was
    /// refused.
    pub fn submit_create_vm(
        &self,
        spec: &VmSpec,
        boot: &BootDisk,
        network: &IpSpec,
    ) -> Result<Pending<Vm>> {
        let region = &spec.region;
        let mut vm_spec = self.vm_spec_struct(spec)?;

        // Check everything before changing anything.
        if let BootDisk::FromImage {
            region: image_region,
            ..
        } = boot
            && image_region != region
        {
            return Err(Error::invalid(
                "boot",
                format!("the image is in region {image_region}, not {region}"),
            ));
        }
        if let BootDisk::Existing(disk) = boot {
            self.check_free_disk("boot", disk, region)?;
        }
        for (i, disk) in spec.data_disks.iter().enumerate() {
            if spec.data_disks[..i].contains(disk)
                || matches!(boot, BootDisk::Existing(b) if b == disk)
            {
                return Err(Error::invalid(
                    "data_disks",
                    format!("disk {disk} is named twice"),
                ));
            }
            self.check_free_disk("data_disks", disk, region)?;
        }
        for iface in &spec.extra_interfaces {
            self.check_free_interface("extra_interfaces", iface, region)?;
        }
        let mut pre_created = Vec::new();
        match &network.kind {
            IpSpecKind::Existing(iface) => {
                if network.bandwidth_kbps.is_some() || network.address.is_some() {
                    return Err(Error::invalid(
                        "network",
                        "an existing interface keeps its settings",
                    ));
                }
                self.check_free_interface("network", iface, region)?;
                vm_spec.insert("iface_id", id_value("network", iface)?);
            }
            IpSpecKind::Private(_) => {
                // `submit_create_ip` checks the VLAN and the address before it creates anything,
                // and everything else was checked above.
                let iface = self.wait(self.submit_create_ip(region, network)?)?;
                pre_created.push(ResourceId::Interface(iface.id.clone()));
                pre_created.extend(iface.ip_ids.iter().cloned().map(ResourceId::Ip));
                vm_spec.insert("iface_id", id_value("network", &iface.id)?);
            }
            _ => {
                let net = self.iface_spec(region, network)?;
                for key in ["ip_version", "bandwidth"] {
                    if let Some(v) = net.get(key) {
                        vm_spec.insert(key, v.clone());
                    }
                }
            }
        }

        let (method, result) = match boot {
            BootDisk::FromImage {
                source_disk,
                size_gb,
                name,
                ..
            } => {
                let mut disk =
                    DiskSpec::clone_of(source_disk.clone(), region.clone()).size_gb(*size_gb);
                if let Some(n) = name {
                    disk = disk.name(n.clone());
                }
                let disk_spec = disk_spec_struct(&disk)?;
                let src = id_value("boot", source_disk)?;
                (
                    "hosting.vm.create_from",
                    self.call_ops(
                        "hosting.vm.create_from",
                        vec![vm_spec.into(), disk_spec.into(), src],
                    ),
                )
            }
            BootDisk::Existing(disk) => {
                vm_spec.insert("sys_disk_id", id_value("boot", disk)?);
                (
                    "hosting.vm.create",
                    self.call_ops("hosting.vm.create", vec![vm_spec.into()]),
                )
            }
        };
        let ops = match result {
            Ok(ops) => ops,
            Err(source) if !pre_created.is_empty() => {
                return Err(Error::Incomplete(Box::new(Incomplete {
                    step: format!("creating VM {:?}", spec.hostname),
                    created: pre_created,
                    source,
                })));
            }
            Err(e) => return Err(e),
        };
        let mut created = pre_created;
        created.extend(created_by(&ops));
        let vm = match created_vm(method, &ops) {
            Ok(vm) => vm,
            Err(source) => {
                return Err(Error::Incomplete(Box::new(Incomplete {
                    step: format!("creating VM {:?}", spec.hostname),
                    created,
                    source,
                })));
            }
        };

        let disks = spec.data_disks.clone();
        let ifaces = spec.extra_interfaces.clone();
        let what = format!("creating VM {} ({})", vm, spec.hostname);
        Ok(Pending::new(
            what,
            ops,
            created,
            move |c: &Client, _: &[Operation]| {
                for disk in &disks {
                    c.wait(c.vm_step(
                        "hosting.vm.disk_attach",
                        &vm,
                        vec![id_value("disk", disk)?],
                    )?)?;
                }
                for iface in &ifaces {
                    c.wait(c.vm_step(
                        "hosting.vm.iface_attach",
                        &vm,
                        vec![id_value("interface", iface)?],
                    )?)?;
                }
                c.vm_info(&vm)
            },
        ))
    }

    /// Starts changing a VM (`hosting.vm.update`).
    ///
    /// # Errors
    /// `InvalidInput` for an empty update or bad values.
    pub fn submit_update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Pending<Vm>> {
        wire_id("id", id)?;
        if update.is_empty() {
            return Err(Error::invalid("update", "nothing to change"));
        }
        let mut s = Struct::new();
        if let Some(c) = update.cores {
            s.insert("cores", validate::cores("cores", c)?);
        }
        if let Some(m) = update.memory_mb {
            s.insert("memory", validate::memory_mb("memory_mb", m)?);
        }
        if let Some(m) = update.max_memory_mb {
            s.insert("vm_max_memory", validate::memory_mb("max_memory_mb", m)?);
        }
        if let (Some(m), Some(max)) = (update.memory_mb, update.max_memory_mb)
            && m > max
        {
            return Err(Error::invalid(
                "memory_mb",
                format!("{m} MB is above max_memory_mb {max}"),
            ));
        }
        if let Some(h) = &update.hostname {
            validate::hostname("hostname", h)?;
            s.insert("hostname", h.as_str());
        }
        if let Some(on) = update.console {
            s.insert("console", on);
        }
        if let Some(p) = &update.password {
            validate::password("password", p)?;
            s.insert("password", p.as_str());
        }
        self.submit_vm_op("hosting.vm.update", id, vec![s.into()])
    }

    /// Starts a VM (`hosting.vm.start`).
    ///
    /// # Errors
    /// A fault when Gandi refuses (for example a VM already running).
    pub fn submit_start_vm(&self, id: &VmId) -> Result<Pending<Vm>> {
        self.submit_vm_op("hosting.vm.start", id, Vec::new())
    }

    /// Stops a VM (`hosting.vm.stop`).
    ///
    /// # Errors
    /// A fault when Gandi refuses.
    pub fn submit_stop_vm(&self, id: &VmId) -> Result<Pending<Vm>> {
        self.submit_vm_op("hosting.vm.stop", id, Vec::new())
    }

    /// Reboots a VM (`hosting.vm.reboot`).
    ///
    /// # Errors
    /// A fault when Gandi refuses.
    pub fn submit_reboot_vm(&self, id: &VmId) -> Result<Pending<Vm>> {
        self.submit_vm_op("hosting.vm.reboot", id, Vec::new())
    }

    /// Calls `method(vm_id, extra...)`, which answers with one operation.
    fn vm_call(&self, method: &str, id: &VmId, extra: Vec<Value>) -> Result<Operation> {
        let mut params = vec![id_value("id", id)?];
        params.extend(extra);
        self.call_op(method, params)
    }

    /// A VM call whose result is the VM, re-read once the operation is done.
    fn submit_vm_op(&self, method: &str, id: &VmId, extra: Vec<Value>) -> Result<Pending<Vm>> {
        let op = self.vm_call(method, id, extra)?;
        let id = id.clone();
        Ok(Pending::new(
            format!("{method} on VM {id}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.vm_info(&id),
        ))
    }

    /// One step of a longer VM call: the operation, with nothing re-read afterwards.
    fn vm_step(&self, method: &str, id: &VmId, extra: Vec<Value>) -> Result<Pending<()>> {
        let op = self.vm_call(method, id, extra)?;
        Ok(Pending::done_when_finished(
            format!("{method} on VM {id}"),
            op,
        ))
    }

    /// Deletes a VM as [`DeleteVm`] says, waiting for each step.
    ///
    /// Gandi deletes the boot disk and the first interface (with its IPs) together with the VM
    /// and detaches the rest; the returned [`DeletedVm`] lists both groups.
    ///
    /// # Errors
    /// `InvalidInput` when the VM is not halted and `stop_if_running` is off; any error of the
    /// steps.
    pub fn remove_vm(&self, id: &VmId, how: &DeleteVm) -> Result<DeletedVm> {
        self.wait(self.submit_delete_vm(id, how)?)
    }

    /// Starts deleting a VM as [`DeleteVm`] says. The steps before the delete itself (stopping
    /// a running VM when asked, detaching what is kept) are done and waited for here; the
    /// returned [`Pending`] covers `hosting.vm.delete`, so several deletions can be waited for
    /// together.
    ///
    /// # Errors
    /// As [`Client::remove_vm`].
    pub fn submit_delete_vm(&self, id: &VmId, how: &DeleteVm) -> Result<Pending<DeletedVm>> {
        wire_id("id", id)?;
        let mut vm = self.vm_info(id)?;
        if vm.state != VmState::Halted {
            if how.stop_if_running && vm.state == VmState::Running {
                vm = self.wait(self.submit_stop_vm(id)?)?;
            } else {
                return Err(Error::invalid(
                    "id",
                    format!(
                        "VM {id} is {:?}; Gandi deletes only halted VMs (stop it, or use DeleteVm::stop_if_running)",
                        vm.state
                    ),
                ));
            }
        }
        let mut deleted = Vec::new();
        let mut detached = Vec::new();
        for (i, disk) in vm.disk_ids.iter().enumerate() {
            if i == 0 && how.keep_boot_disk {
                self.wait(self.vm_step(
                    "hosting.vm.disk_detach",
                    id,
                    vec![id_value("disk", disk)?],
                )?)?;
                detached.push(ResourceId::Disk(disk.clone()));
            } else if i == 0 {
                deleted.push(ResourceId::Disk(disk.clone()));
            } else {
                detached.push(ResourceId::Disk(disk.clone()));
            }
        }
        for (i, iface) in vm.interface_ids.iter().enumerate() {
            if i == 0 && how.keep_first_interface {
                self.wait(self.vm_step(
                    "hosting.vm.iface_detach",
                    id,
                    vec![id_value("interface", iface)?],
                )?)?;
                detached.push(ResourceId::Interface(iface.clone()));
            } else if i == 0 {
                deleted.push(ResourceId::Interface(iface.clone()));
                if let Some(full) = vm.interfaces.iter().find(|f| f.id == *iface) {
                    deleted.extend(full.ip_ids.iter().cloned().map(ResourceId::Ip));
                }
            } else {
                detached.push(ResourceId::Interface(iface.clone()));
            }
        }
        let op = self.call_op("hosting.vm.delete", vec![id_value("id", id)?])?;
        let id = id.clone();
        Ok(Pending::new(
            format!("deleting VM {id}"),
            vec![op],
            Vec::new(),
            move |_: &Client, _: &[Operation]| {
                Ok(DeletedVm {
                    vm: id,
                    deleted,
                    detached,
                })
            },
        ))
    }

    /// Starts attaching a disk (`hosting.vm.disk_attach`), at `position` when given. Checks
    /// first that the disk is free and in the VM's region.
    ///
    /// # Errors
    /// `InvalidInput` for a disk in another region or already attached.
    pub fn submit_attach_disk(
        &self,
        vm: &VmId,
        disk: &DiskId,
        position: Option<u32>,
    ) -> Result<Pending<Vm>> {
        wire_id("vm", vm)?;
        let region = self.vm_info(vm)?.region;
        self.check_free_disk("disk", disk, &region)?;
        self.submit_attach_disk_unchecked(vm, disk, position)
    }

    fn submit_attach_disk_unchecked(
        &self,
        vm: &VmId,
        disk: &DiskId,
        position: Option<u32>,
    ) -> Result<Pending<Vm>> {
        let mut params = vec![id_value("disk", disk)?];
        if let Some(p) = position {
            params.push(Struct::new().with("position", i64::from(p)).into());
        }
        self.submit_vm_op("hosting.vm.disk_attach", vm, params)
    }

    /// Starts detaching a disk (`hosting.vm.disk_detach`).
    ///
    /// # Errors
    /// A fault when Gandi refuses (the boot disk of a running VM).
    pub fn submit_detach_disk(&self, vm: &VmId, disk: &DiskId) -> Result<Pending<Vm>> {
        self.submit_vm_op("hosting.vm.disk_detach", vm, vec![id_value("disk", disk)?])
    }

    /// Starts attaching an interface (`hosting.vm.iface_attach`), checked first.
    ///
    /// # Errors
    /// `InvalidInput` for an interface in another region or already attached.
    pub fn submit_attach_interface(&self, vm: &VmId, iface: &InterfaceId) -> Result<Pending<Vm>> {
        wire_id("vm", vm)?;
        let region = self.vm_info(vm)?.region;
        self.check_free_interface("interface", iface, &region)?;
        self.submit_attach_interface_unchecked(vm, iface)
    }

    fn submit_attach_interface_unchecked(
        &self,
        vm: &VmId,
        iface: &InterfaceId,
    ) -> Result<Pending<Vm>> {
        self.submit_vm_op(
            "hosting.vm.iface_attach",
            vm,
            vec![id_value("interface", iface)?],
        )
    }

    /// Starts detaching an interface (`hosting.vm.iface_detach`).
    ///
    /// # Errors
    /// A fault when Gandi refuses.
    pub fn submit_detach_interface(&self, vm: &VmId, iface: &InterfaceId) -> Result<Pending<Vm>> {
        self.submit_vm_op(
            "hosting.vm.iface_detach",
            vm,
            vec![id_value("interface", iface)?],
        )
    }

    /// Starts attaching the interface of an IP (with all its addresses).
    ///
    /// # Errors
    /// As [`Client::submit_attach_interface`].
    pub fn submit_attach_ip(&self, vm: &VmId, ip: &IpId) -> Result<Pending<Vm>> {
        wire_id("ip", ip)?;
        let iface = self.interface_of(ip)?;
        self.submit_attach_interface(vm, &iface)
    }

    /// Starts detaching the interface of an IP (with all its addresses).
    ///
    /// # Errors
    /// A fault when Gandi refuses.
    pub fn submit_detach_ip(&self, vm: &VmId, ip: &IpId) -> Result<Pending<Vm>> {
        wire_id("ip", ip)?;
        let iface = self.interface_of(ip)?;
        self.submit_detach_interface(vm, &iface)
    }
}
