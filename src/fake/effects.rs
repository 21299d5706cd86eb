//! What each operation does when it completes ([`State::apply`]) and what a failed or
//! cancelled creation leaves behind ([`State::undo_create`]).
//!
//! `apply` re-checks what may have changed since the call was accepted; a conflict becomes
//! the operation's `last_error` instead of a fault.

use super::operation::Effect;
use super::state::{State, now};

type Applied = Result<(), String>;

impl State {
    /// Applies `effect` to the world.
    pub(crate) fn apply(&mut self, effect: &Effect) -> Applied {
        let at = now();
        match effect {
            Effect::VmCreate(vm) => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                v.state = "running";
                v.updated = at;
                let ifaces = v.ifaces.clone();
                for i in ifaces {
                    if let Some(iface) = self.ifaces.get_mut(&i)
                        && iface.state != "being_created"
                    {
                        iface.state = "used";
                    }
                }
            }
            Effect::VmStart(vm) | Effect::VmReboot(vm) => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                v.state = "running";
                v.updated = at;
            }
            Effect::VmStop(vm) => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                v.state = "halted";
                v.updated = at;
            }
            Effect::VmUpdate(vm, changes) => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                if let Some(m) = changes.memory {
                    v.memory = m;
                    v.vm_max_memory = v.vm_max_memory.max(m);
                }
                if let Some(m) = changes.vm_max_memory {
                    v.vm_max_memory = m.max(v.memory);
                }
                if let Some(c) = changes.cores {
                    v.cores = c;
                }
                if let Some(c) = changes.console {
                    v.console = c;
                }
                if let Some(h) = &changes.hostname {
                    v.hostname.clone_from(h);
                }
                v.updated = at;
            }
            Effect::VmDelete(vm) => {
                let v = self.vms.remove(vm).ok_or("the vm no longer exists")?;
                for (n, d) in v.disks.iter().enumerate() {
                    if n == 0 {
                        self.remove_disk(*d);
                    } else if let Some(disk) = self.disks.get_mut(d) {
                        disk.vm_id = None;
                        disk.updated = at;
                    }
                }
                for (n, i) in v.ifaces.iter().enumerate() {
                    if n == 0 {
                        self.remove_iface(*i);
                    } else if let Some(iface) = self.ifaces.get_mut(i) {
                        iface.vm_id = None;
                        iface.state = "free";
                        iface.updated = at;
                    }
                }
            }
            Effect::VmMigrate { vm, to } => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                v.datacenter_id = *to;
                v.updated = at;
                let (disks, ifaces) = (v.disks.clone(), v.ifaces.clone());
                for d in disks {
                    self.move_disk(d, *to);
                }
                for i in ifaces {
                    self.move_iface(i, *to);
                }
            }
            Effect::DiskAttach { vm, disk, position } => {
                let d = self.disks.get(disk).ok_or("the disk no longer exists")?;
                if let Some(other) = d.vm_id {
                    return Err(format!("disk#{disk} is already attached to vm#{other}"));
                }
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                match position {
                    Some(0) if !v.disks.is_empty() => {
                        let old_boot = v.disks[0];
                        v.disks[0] = *disk;
                        v.disks.push(old_boot);
                    }
                    Some(p) if *p < v.disks.len() => v.disks.insert(*p, *disk),
                    _ => v.disks.push(*disk),
                }
                v.updated = at;
                if let Some(d) = self.disks.get_mut(disk) {
                    d.vm_id = Some(*vm);
                    d.updated = at;
                }
            }
            Effect::DiskDetach { vm, disk } => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                let before = v.disks.len();
                v.disks.retain(|d| d != disk);
                if v.disks.len() == before {
                    return Err(format!("disk#{disk} is not attached to vm#{vm}"));
                }
                v.updated = at;
                if let Some(d) = self.disks.get_mut(disk) {
                    d.vm_id = None;
                    d.updated = at;
                }
            }
            Effect::IfaceAttach { vm, iface } => {
                let i = self.ifaces.get(iface).ok_or("the iface no longer exists")?;
                if let Some(other) = i.vm_id {
                    return Err(format!("iface#{iface} is already attached to vm#{other}"));
                }
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                v.ifaces.push(*iface);
                v.updated = at;
                if let Some(i) = self.ifaces.get_mut(iface) {
                    i.vm_id = Some(*vm);
                    i.state = "used";
                    i.updated = at;
                }
            }
            Effect::IfaceDetach { vm, iface } => {
                let v = self.vms.get_mut(vm).ok_or("the vm no longer exists")?;
                let before = v.ifaces.len();
                v.ifaces.retain(|i| i != iface);
                if v.ifaces.len() == before {
                    return Err(format!("iface#{iface} is not attached to vm#{vm}"));
                }
                v.updated = at;
                if let Some(i) = self.ifaces.get_mut(iface) {
                    i.vm_id = None;
                    i.state = "free";
                    i.updated = at;
                }
            }
            Effect::DiskCreate(disk) => {
                let d = self
                    .disks
                    .get_mut(disk)
                    .ok_or("the disk no longer exists")?;
                d.state = "created";
                d.updated = at;
            }
            Effect::DiskUpdate(disk, changes) => {
                let d = self
                    .disks
                    .get_mut(disk)
                    .ok_or("the disk no longer exists")?;
                if let Some(n) = &changes.name {
                    d.name.clone_from(n);
                }
                if let Some(size) = changes.size {
                    if size < d.size {
                        return Err(format!("disk#{disk} cannot shrink"));
                    }
                    d.size = size;
                }
                if let Some(k) = &changes.kernel {
                    d.kernel_version = Some(k.clone());
                    d.kernel_cmdline = super::catalog::KERNELS_LINUX
                        .contains(&k.as_str())
                        .then(|| d.kernel_cmdline.clone())
                        .flatten();
                }
                if let Some(c) = &changes.cmdline {
                    d.kernel_cmdline = Some(c.clone());
                }
                if let Some(p) = changes.snapshot_profile {
                    d.snapshot_profile = p;
                }
                d.updated = at;
            }
            Effect::DiskDelete(disk) => {
                let d = self.disks.get(disk).ok_or("the disk no longer exists")?;
                if let Some(vm) = d.vm_id {
                    return Err(format!("disk#{disk} is attached to vm#{vm}"));
                }
                self.remove_disk(*disk);
            }
            Effect::DiskRollback { snapshot, disk } => {
                let size = self.disks.get(snapshot).map(|s| s.size);
                let d = self
                    .disks
                    .get_mut(disk)
                    .ok_or("the disk no longer exists")?;
                d.state = "created";
                d.updated = at;
                let size = size.ok_or("the snapshot no longer exists")?;
                d.size = d.size.max(size);
            }
            Effect::DiskMigrate { disk, to } => {
                if !self.disks.contains_key(disk) {
                    return Err("the disk no longer exists".to_owned());
                }
                self.move_disk(*disk, *to);
            }
            Effect::IfaceCreate(iface) => {
                let i = self
                    .ifaces
                    .get_mut(iface)
                    .ok_or("the iface no longer exists")?;
                i.state = if i.vm_id.is_some() { "used" } else { "free" };
                i.updated = at;
                for ip in i.ips.clone() {
                    if let Some(ip) = self.ips.get_mut(&ip) {
                        ip.state = "created";
                        ip.updated = at;
                    }
                }
            }
            Effect::IfaceUpdate(iface, bandwidth) => {
                let i = self
                    .ifaces
                    .get_mut(iface)
                    .ok_or("the iface no longer exists")?;
                i.bandwidth = *bandwidth;
                i.updated = at;
            }
            Effect::IfaceDelete(iface) => {
                let i = self.ifaces.get(iface).ok_or("the iface no longer exists")?;
                if let Some(vm) = i.vm_id {
                    return Err(format!("iface#{iface} is attached to vm#{vm}"));
                }
                self.remove_iface(*iface);
            }
            Effect::IfaceMigrate { iface, to } => {
                if !self.ifaces.contains_key(iface) {
                    return Err("the iface no longer exists".to_owned());
                }
                self.move_iface(*iface, *to);
            }
            Effect::IpUpdate(ip, reverse) => {
                let ip = self.ips.get_mut(ip).ok_or("the ip no longer exists")?;
                ip.reverse.clone_from(reverse);
                ip.updated = at;
            }
            Effect::VlanCreate(vlan) => {
                let v = self
                    .vlans
                    .get_mut(vlan)
                    .ok_or("the vlan no longer exists")?;
                v.state = "created";
            }
            Effect::VlanUpdate {
                vlan,
                name,
                gateway,
            } => {
                if let Some(n) = name
                    && self.vlans.values().any(|v| v.name == *n && v.id != *vlan)
                {
                    return Err(format!("a vlan named '{n}' already exists"));
                }
                let v = self
                    .vlans
                    .get_mut(vlan)
                    .ok_or("the vlan no longer exists")?;
                if let Some(n) = name {
                    v.name.clone_from(n);
                }
                if let Some(g) = gateway {
                    v.gateway = Some(g.clone());
                }
            }
            Effect::VlanDelete(vlan) => {
                if self.ifaces.values().any(|i| i.vlan == Some(*vlan)) {
                    return Err(format!("vlan#{vlan} still has ifaces"));
                }
                self.vlans.remove(vlan).ok_or("the vlan no longer exists")?;
            }
        }
        Ok(())
    }

    /// Removes what a failed or cancelled creation made; other effects leave nothing behind.
    pub(crate) fn undo_create(&mut self, effect: &Effect) {
        match effect {
            Effect::VmCreate(vm) => {
                if let Some(v) = self.vms.remove(vm) {
                    for d in v.disks {
                        if let Some(disk) = self.disks.get_mut(&d) {
                            disk.vm_id = None;
                        }
                    }
                    for i in v.ifaces {
                        if let Some(iface) = self.ifaces.get_mut(&i) {
                            iface.vm_id = None;
                            if iface.state == "used" {
                                iface.state = "free";
                            }
                        }
                    }
                }
            }
            Effect::DiskCreate(disk) => self.remove_disk(*disk),
            Effect::IfaceCreate(iface) => self.remove_iface(*iface),
            Effect::VlanCreate(vlan) => {
                self.vlans.remove(vlan);
            }
            Effect::DiskRollback { disk, .. } => {
                if let Some(d) = self.disks.get_mut(disk) {
                    d.state = "created";
                }
            }
            _ => {}
        }
    }

    /// Deletes a disk, its snapshots, and its place on a VM.
    fn remove_disk(&mut self, disk: i64) {
        let Some(d) = self.disks.remove(&disk) else {
            return;
        };
        if let Some(v) = d.vm_id.and_then(|vm| self.vms.get_mut(&vm)) {
            v.disks.retain(|x| *x != disk);
        }
        for snapshot in self.snapshots_of(disk) {
            self.remove_disk(snapshot);
        }
    }

    /// Deletes an interface, its addresses, and its place on a VM.
    fn remove_iface(&mut self, iface: i64) {
        let Some(i) = self.ifaces.remove(&iface) else {
            return;
        };
        if let Some(v) = i.vm_id.and_then(|vm| self.vms.get_mut(&vm)) {
            v.ifaces.retain(|x| *x != iface);
        }
        for ip in i.ips {
            self.ips.remove(&ip);
        }
    }

    fn move_disk(&mut self, disk: i64, to: i64) {
        let Some(d) = self.disks.get_mut(&disk) else {
            return;
        };
        d.datacenter_id = to;
        d.updated = now();
        for s in self.snapshots_of(disk) {
            self.move_disk(s, to);
        }
    }

    fn move_iface(&mut self, iface: i64, to: i64) {
        if let Some(i) = self.ifaces.get_mut(&iface) {
            i.datacenter_id = to;
            i.updated = now();
            for ip in i.ips.clone() {
                if let Some(ip) = self.ips.get_mut(&ip) {
                    ip.datacenter_id = to;
                }
            }
        }
    }
}
