//! [`Hosting`] for the v4 client: each call is the v4 method of the same purpose, waited for
//! with the client's [`super::WaitOptions`].

use super::Client;
use crate::Hosting;
use crate::error::Result;
use crate::model::{
    BootDisk, DeleteVm, DeletedVm, Disk, DiskFilter, DiskId, DiskImage, DiskSpec, Interface,
    IpAddress, IpFilter, IpId, IpSpec, Region, RegionId, SshKey, SshKeyId, Vlan, VlanId, VlanSpec,
    VlanUpdate, Vm, VmFilter, VmId, VmSpec, VmUpdate,
};

impl Hosting for Client {
    fn regions(&self) -> Result<Vec<Region>> {
        self.list_regions()
    }

    fn region_by_code(&self, code: &str) -> Result<Region> {
        self.find_region(code)
    }

    fn images(&self, region: &RegionId) -> Result<Vec<DiskImage>> {
        self.list_images(region)
    }

    fn image_by_name(&self, name: &str, region: &RegionId) -> Result<DiskImage> {
        self.find_image(name, region)
    }

    fn disks(&self, filter: &DiskFilter) -> Result<Vec<Disk>> {
        self.list_disks(filter)
    }

    fn disk(&self, id: &DiskId) -> Result<Disk> {
        self.disk_info(id)
    }

    fn create_disk(&self, spec: &DiskSpec) -> Result<Disk> {
        self.wait(self.submit_create_disk(spec)?)
    }

    fn extend_disk(&self, id: &DiskId, new_size_gb: u64) -> Result<Disk> {
        self.wait(self.submit_extend_disk(id, new_size_gb)?)
    }

    fn rename_disk(&self, id: &DiskId, name: &str) -> Result<Disk> {
        self.wait(self.submit_rename_disk(id, name)?)
    }

    fn delete_disk(&self, id: &DiskId) -> Result<()> {
        self.wait(self.submit_delete_disk(id)?)
    }

    fn ips(&self, filter: &IpFilter) -> Result<Vec<IpAddress>> {
        self.list_ips(filter)
    }

    fn ip(&self, id: &IpId) -> Result<IpAddress> {
        self.ip_info(id)
    }

    fn create_ip(&self, region: &RegionId, spec: &IpSpec) -> Result<Interface> {
        self.wait(self.submit_create_ip(region, spec)?)
    }

    fn delete_ip(&self, id: &IpId) -> Result<()> {
        self.wait(self.submit_delete_ip(id)?)
    }

    fn vms(&self, filter: &VmFilter) -> Result<Vec<Vm>> {
        self.list_vms(filter)
    }

    fn vm(&self, id: &VmId) -> Result<Vm> {
        self.vm_info(id)
    }

    fn create_vm(&self, spec: &VmSpec, boot: &BootDisk, network: &IpSpec) -> Result<Vm> {
        self.wait(self.submit_create_vm(spec, boot, network)?)
    }

    fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Vm> {
        self.wait(self.submit_update_vm(id, update)?)
    }

    fn start_vm(&self, id: &VmId) -> Result<Vm> {
        self.wait(self.submit_start_vm(id)?)
    }

    fn stop_vm(&self, id: &VmId) -> Result<Vm> {
        self.wait(self.submit_stop_vm(id)?)
    }

    fn reboot_vm(&self, id: &VmId) -> Result<Vm> {
        self.wait(self.submit_reboot_vm(id)?)
    }

    fn delete_vm(&self, id: &VmId, how: &DeleteVm) -> Result<DeletedVm> {
        self.remove_vm(id, how)
    }

    fn attach_disk(&self, vm: &VmId, disk: &DiskId, position: Option<u32>) -> Result<Vm> {
        self.wait(self.submit_attach_disk(vm, disk, position)?)
    }

    fn detach_disk(&self, vm: &VmId, disk: &DiskId) -> Result<Vm> {
        self.wait(self.submit_detach_disk(vm, disk)?)
    }

    fn attach_ip(&self, vm: &VmId, ip: &IpId) -> Result<Vm> {
        self.wait(self.submit_attach_ip(vm, ip)?)
    }

    fn detach_ip(&self, vm: &VmId, ip: &IpId) -> Result<Vm> {
        self.wait(self.submit_detach_ip(vm, ip)?)
    }

    fn ssh_keys(&self) -> Result<Vec<SshKey>> {
        self.list_ssh_keys()
    }

    fn ssh_key(&self, id: &SshKeyId) -> Result<SshKey> {
        self.ssh_key_info(id)
    }

    fn create_ssh_key(&self, name: &str, public_key: &str) -> Result<SshKey> {
        self.add_ssh_key(name, public_key)
    }

    fn delete_ssh_key(&self, id: &SshKeyId) -> Result<()> {
        self.remove_ssh_key(id)
    }

    fn vlans(&self) -> Result<Vec<Vlan>> {
        self.list_vlans()
    }

    fn vlan(&self, id: &VlanId) -> Result<Vlan> {
        self.vlan_info(id)
    }

    fn create_vlan(&self, spec: &VlanSpec) -> Result<Vlan> {
        self.wait(self.submit_create_vlan(spec)?)
    }

    fn update_vlan(&self, id: &VlanId, update: &VlanUpdate) -> Result<Vlan> {
        self.wait(self.submit_update_vlan(id, update)?)
    }

    fn delete_vlan(&self, id: &VlanId) -> Result<()> {
        self.wait(self.submit_delete_vlan(id)?)
    }
}
