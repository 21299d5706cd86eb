//! The version-neutral interface every backend offers.
//!
//! [`crate::v4::Client`] implements it for Gandi's v4 XML-RPC API; a later backend (Gandi's
//! OpenStack-based cloud) can implement the same calls, so code written against
//! `&dyn Hosting` or `impl Hosting` does not change. Every mutating method blocks until Gandi
//! has finished and returns the resulting object. Backend-only features (snapshots, kernels,
//! the account, raw operations, submit-then-wait batches) live on the backend's client.

use crate::error::Result;
use crate::model::{
    BootDisk, DeleteVm, DeletedVm, Disk, DiskFilter, DiskId, DiskImage, DiskSpec, Interface,
    IpAddress, IpFilter, IpId, IpSpec, Region, RegionId, SshKey, SshKeyId, Vlan, VlanId, VlanSpec,
    VlanUpdate, Vm, VmFilter, VmId, VmSpec, VmUpdate,
};

/// The operations every hosting backend provides.
///
/// The trait is object safe (`Box<dyn Hosting>` works) and requires `Send + Sync`, so a
/// backend can be shared between threads and handed to a blocking task of an async program
/// (a Terraform provider runs each call on `spawn_blocking`).
///
/// # Errors
///
/// Every method returns [`crate::Error`]: `InvalidInput` when the arguments are refused before
/// any call, `Fault` when the provider refuses the call, `OperationFailed` / `WaitTimeout` /
/// `Incomplete` when the work fails or takes too long after it was accepted, and `Http`,
/// `Transport` or `Decode` when the exchange itself fails.
pub trait Hosting: Send + Sync {
    // ----- regions and images -----

    /// Every region, open or not (see [`Region::is_open_for_new_servers`]).
    ///
    /// # Errors
    /// See the trait documentation.
    fn regions(&self) -> Result<Vec<Region>>;

    /// The region with this code, e.g. `FR-SD6`.
    ///
    /// # Errors
    /// `NotFound` (listing the existing codes) when no region has it.
    fn region_by_code(&self, code: &str) -> Result<Region>;

    /// The disk images offered in `region`.
    ///
    /// # Errors
    /// See the trait documentation.
    fn images(&self, region: &RegionId) -> Result<Vec<DiskImage>>;

    /// The image named exactly `name` in `region`.
    ///
    /// # Errors
    /// `NotFound` listing close names when there is none.
    fn image_by_name(&self, name: &str, region: &RegionId) -> Result<DiskImage>;

    // ----- disks -----

    /// Every disk that matches `filter`, over all pages.
    ///
    /// # Errors
    /// See the trait documentation.
    fn disks(&self, filter: &DiskFilter) -> Result<Vec<Disk>>;

    /// One disk.
    ///
    /// # Errors
    /// A not-found fault when it does not exist.
    fn disk(&self, id: &DiskId) -> Result<Disk>;

    /// Creates a disk (blank, from an image, or a clone) and waits until it exists.
    ///
    /// # Errors
    /// `InvalidInput` for a size that is zero or too large, or a bad name.
    fn create_disk(&self, spec: &DiskSpec) -> Result<Disk>;

    /// Grows a disk to `new_size_gb` GB. Disks cannot shrink. Gandi reboots the VM a disk is
    /// attached to.
    ///
    /// # Errors
    /// `InvalidInput` when `new_size_gb` is not larger than the current size.
    fn extend_disk(&self, id: &DiskId, new_size_gb: u64) -> Result<Disk>;

    /// Renames a disk.
    ///
    /// # Errors
    /// `InvalidInput` for a bad name.
    fn rename_disk(&self, id: &DiskId, name: &str) -> Result<Disk>;

    /// Deletes a disk and its data.
    ///
    /// # Errors
    /// `InvalidInput` while the disk is attached to a VM (detach it first).
    fn delete_disk(&self, id: &DiskId) -> Result<()>;

    // ----- IPs -----

    /// Every IP address that matches `filter`, over all pages.
    ///
    /// # Errors
    /// See the trait documentation.
    fn ips(&self, filter: &IpFilter) -> Result<Vec<IpAddress>>;

    /// One IP address.
    ///
    /// # Errors
    /// A not-found fault when it does not exist.
    fn ip(&self, id: &IpId) -> Result<IpAddress>;

    /// Creates a network interface with its address(es) in `region` and waits until it exists.
    /// A public IPv4 interface also gets an IPv6 address: both are in the returned
    /// [`Interface::ips`].
    ///
    /// # Errors
    /// `InvalidInput` for [`IpSpec::existing`], or a chosen address on a public interface or
    /// outside the VLAN's subnet.
    fn create_ip(&self, region: &RegionId, spec: &IpSpec) -> Result<Interface>;

    /// Deletes an IP address. Gandi deletes addresses with their **whole interface**, so the
    /// sibling address (the IPv6 that came with an IPv4) goes too.
    ///
    /// # Errors
    /// `InvalidInput` while the interface is attached to a VM.
    fn delete_ip(&self, id: &IpId) -> Result<()>;

    // ----- VMs -----

    /// Every VM that matches `filter`, over all pages (summaries: no nested disks or
    /// interfaces).
    ///
    /// # Errors
    /// See the trait documentation.
    fn vms(&self, filter: &VmFilter) -> Result<Vec<Vm>>;

    /// One VM with its disks, interfaces and IPs.
    ///
    /// # Errors
    /// A not-found fault when it does not exist.
    fn vm(&self, id: &VmId) -> Result<Vm>;

    /// Creates a VM with its boot disk and network, attaches [`VmSpec::data_disks`] and
    /// [`VmSpec::extra_interfaces`], and waits until it runs.
    ///
    /// # Errors
    /// `InvalidInput` for a bad spec (host name, memory, cores, no way to log in, regions that
    /// differ); `OperationFailed` or `Incomplete` listing every resource already created when a
    /// step fails.
    fn create_vm(&self, spec: &VmSpec, boot: &BootDisk, network: &IpSpec) -> Result<Vm>;

    /// Changes cores, memory, host name, console, password or memory ceiling.
    ///
    /// # Errors
    /// `InvalidInput` for an empty update or bad values.
    fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Vm>;

    /// Starts a VM.
    ///
    /// # Errors
    /// See the trait documentation.
    fn start_vm(&self, id: &VmId) -> Result<Vm>;

    /// Stops a VM.
    ///
    /// # Errors
    /// See the trait documentation.
    fn stop_vm(&self, id: &VmId) -> Result<Vm>;

    /// Reboots a VM.
    ///
    /// # Errors
    /// See the trait documentation.
    fn reboot_vm(&self, id: &VmId) -> Result<Vm>;

    /// Deletes a VM; see [`DeleteVm`] for what goes with it.
    ///
    /// # Errors
    /// `InvalidInput` when the VM is running and [`DeleteVm::stop_if_running`] is off.
    fn delete_vm(&self, id: &VmId, how: &DeleteVm) -> Result<DeletedVm>;

    /// Attaches a disk, at `position` when given (0 makes it the boot disk, moving the current
    /// one).
    ///
    /// # Errors
    /// `InvalidInput` when the disk is in another region or already attached.
    fn attach_disk(&self, vm: &VmId, disk: &DiskId, position: Option<u32>) -> Result<Vm>;

    /// Detaches a disk (the boot disk only from a halted VM).
    ///
    /// # Errors
    /// See the trait documentation.
    fn detach_disk(&self, vm: &VmId, disk: &DiskId) -> Result<Vm>;

    /// Attaches the interface of an IP address (with all its addresses).
    ///
    /// # Errors
    /// `InvalidInput` when the IP is in another region or already attached.
    fn attach_ip(&self, vm: &VmId, ip: &IpId) -> Result<Vm>;

    /// Detaches the interface of an IP address (with all its addresses).
    ///
    /// # Errors
    /// See the trait documentation.
    fn detach_ip(&self, vm: &VmId, ip: &IpId) -> Result<Vm>;

    // ----- SSH keys -----

    /// Every SSH key in the account (without their values; see [`Hosting::ssh_key`]).
    ///
    /// # Errors
    /// See the trait documentation.
    fn ssh_keys(&self) -> Result<Vec<SshKey>>;

    /// One SSH key, with its value.
    ///
    /// # Errors
    /// A not-found fault when it does not exist.
    fn ssh_key(&self, id: &SshKeyId) -> Result<SshKey>;

    /// Stores an SSH public key under `name`.
    ///
    /// # Errors
    /// `InvalidInput` when the name is empty or the value is not an OpenSSH public key.
    fn create_ssh_key(&self, name: &str, public_key: &str) -> Result<SshKey>;

    /// Deletes an SSH key.
    ///
    /// # Errors
    /// A fault, or an error when the provider answers that nothing was deleted.
    fn delete_ssh_key(&self, id: &SshKeyId) -> Result<()>;

    // ----- VLANs -----

    /// Every VLAN.
    ///
    /// # Errors
    /// See the trait documentation.
    fn vlans(&self) -> Result<Vec<Vlan>>;

    /// One VLAN.
    ///
    /// # Errors
    /// A not-found fault when it does not exist.
    fn vlan(&self, id: &VlanId) -> Result<Vlan>;

    /// Creates a VLAN and waits until it exists.
    ///
    /// # Errors
    /// `InvalidInput` for an empty name, a bad subnet or a gateway outside it.
    fn create_vlan(&self, spec: &VlanSpec) -> Result<Vlan>;

    /// Renames a VLAN or changes its gateway.
    ///
    /// # Errors
    /// `InvalidInput` for an empty update or a gateway outside the subnet.
    fn update_vlan(&self, id: &VlanId, update: &VlanUpdate) -> Result<Vlan>;

    /// Deletes a VLAN.
    ///
    /// # Errors
    /// `InvalidInput` while interfaces remain in it.
    fn delete_vlan(&self, id: &VlanId) -> Result<()>;
}
