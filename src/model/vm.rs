//! Virtual machines: the resource, what to create, what to change, and how to delete.

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use super::disk::Disk;
use super::ids::{DiskId, InterfaceId, RegionId, SshKeyId, VmId};
use super::network::Interface;
use super::region::DiskImage;

/// Lifecycle state of a VM.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum VmState {
    /// Being created.
    BeingCreated,
    /// Running.
    Running,
    /// Stopped.
    Halted,
    /// Paused.
    Paused,
    /// Locked by Gandi.
    Locked,
    /// Locked for legal reasons.
    LegallyLocked,
    /// Moving to another region.
    BeingMigrated,
    /// In an invalid state.
    Invalid,
    /// Deleted.
    Deleted,
    /// A state this version does not know, verbatim.
    Other(String),
}

impl VmState {
    /// Parses Gandi's state name.
    pub fn parse(s: &str) -> Self {
        match s {
            "being_created" => Self::BeingCreated,
            "running" => Self::Running,
            "halted" => Self::Halted,
            "paused" => Self::Paused,
            "locked" => Self::Locked,
            "legally_locked" => Self::LegallyLocked,
            "being_migrated" => Self::BeingMigrated,
            "invalid" => Self::Invalid,
            "deleted" => Self::Deleted,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A virtual machine.
///
/// Lists return a summary: [`Vm::disks`] and [`Vm::interfaces`] are only filled by the VM's
/// details (`vm`), while the ID lists are always there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vm {
    /// The VM's ID.
    pub id: VmId,
    /// Host name.
    pub hostname: String,
    /// Lifecycle state.
    pub state: VmState,
    /// Virtual CPUs.
    pub cores: u32,
    /// Memory in MB.
    pub memory_mb: u64,
    /// Most memory reachable without a reboot, in MB.
    pub max_memory_mb: Option<u64>,
    /// Whether the emergency console is on.
    pub console: bool,
    /// Address of the emergency console (details only).
    pub console_url: Option<String>,
    /// Region.
    pub region: RegionId,
    /// Free-form description.
    pub description: Option<String>,
    /// Grouping tag.
    pub farm: Option<String>,
    /// Disk IDs in attachment order; the first is the boot disk.
    pub disk_ids: Vec<DiskId>,
    /// Interface IDs in attachment order.
    pub interface_ids: Vec<InterfaceId>,
    /// Disks (details only), in attachment order.
    pub disks: Vec<Disk>,
    /// Interfaces with their IPs (details only).
    pub interfaces: Vec<Interface>,
    /// Creation date (naive).
    pub created_at: Option<PrimitiveDateTime>,
    /// Last update (naive).
    pub updated_at: Option<PrimitiveDateTime>,
}

/// A new VM: region, host name, size and how to log in.
///
/// One way to log in is required: SSH keys stored in the account ([`VmSpec::ssh_key`]), a raw
/// public key ([`VmSpec::ssh_public_key`]), or a user and password ([`VmSpec::login`]).
///
/// ```
/// use gandi_hosting::model::{RegionId, SshKeyId, VmSpec};
/// let spec = VmSpec::new(RegionId::from(6), "web1")
///     .cores(2)
///     .memory_mb(2048)
///     .ssh_key(SshKeyId::from(31));
/// assert_eq!(spec.memory_mb, 2048);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VmSpec {
    /// Region; the boot disk, IPs and extra disks must be in the same one.
    pub region: RegionId,
    /// Host name: letters, digits and `-`, 1 to 63 characters, not starting or ending with `-`.
    pub hostname: String,
    /// Virtual CPUs. Defaults to 1.
    pub cores: u32,
    /// Memory in MB: a multiple of 64, at least 256. Defaults to 512.
    pub memory_mb: u64,
    /// SSH keys from the account to install.
    pub ssh_keys: Vec<SshKeyId>,
    /// A raw SSH public key to install.
    pub ssh_public_key: Option<String>,
    /// A user to create, with its password.
    pub login: Option<String>,
    /// Password for [`VmSpec::login`] (and the emergency console): at least 8 characters.
    pub password: Option<String>,
    /// Shell command run as root at first boot.
    pub run: Option<String>,
    /// Grouping tag.
    pub farm: Option<String>,
    /// Data disks to attach once the VM exists, in order.
    pub data_disks: Vec<DiskId>,
    /// Further interfaces to attach once the VM exists, in order.
    pub extra_interfaces: Vec<InterfaceId>,
}

impl VmSpec {
    /// A VM named `hostname` in `region`, with 1 core and 512 MB.
    pub fn new(region: RegionId, hostname: impl Into<String>) -> Self {
        Self {
            region,
            hostname: hostname.into(),
            cores: 1,
            memory_mb: 512,
            ssh_keys: Vec::new(),
            ssh_public_key: None,
            login: None,
            password: None,
            run: None,
            farm: None,
            data_disks: Vec::new(),
            extra_interfaces: Vec::new(),
        }
    }

    /// Sets the number of virtual CPUs.
    #[must_use]
    pub fn cores(mut self, cores: u32) -> Self {
        self.cores = cores;
        self
    }

    /// Sets the memory in MB.
    #[must_use]
    pub fn memory_mb(mut self, memory_mb: u64) -> Self {
        self.memory_mb = memory_mb;
        self
    }

    /// Adds an SSH key stored in the account.
    #[must_use]
    pub fn ssh_key(mut self, key: SshKeyId) -> Self {
        self.ssh_keys.push(key);
        self
    }

    /// Installs a raw SSH public key (`ssh-ed25519 AAAA... comment`).
    #[must_use]
    pub fn ssh_public_key(mut self, key: impl Into<String>) -> Self {
        self.ssh_public_key = Some(key.into());
        self
    }

    /// Creates user `login` with `password`.
    #[must_use]
    pub fn login(mut self, login: impl Into<String>, password: impl Into<String>) -> Self {
        self.login = Some(login.into());
        self.password = Some(password.into());
        self
    }

    /// Sets the root/console password without creating a user.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Runs `command` as root at first boot.
    #[must_use]
    pub fn run(mut self, command: impl Into<String>) -> Self {
        self.run = Some(command.into());
        self
    }

    /// Sets the grouping tag.
    #[must_use]
    pub fn farm(mut self, farm: impl Into<String>) -> Self {
        self.farm = Some(farm.into());
        self
    }

    /// Attaches an existing data disk once the VM exists.
    #[must_use]
    pub fn data_disk(mut self, disk: DiskId) -> Self {
        self.data_disks.push(disk);
        self
    }

    /// Attaches an existing interface (and its IPs) once the VM exists.
    #[must_use]
    pub fn extra_interface(mut self, interface: InterfaceId) -> Self {
        self.extra_interfaces.push(interface);
        self
    }
}

/// The boot disk of a new VM: a new disk from an image, or an existing disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BootDisk {
    /// A new disk copied from an image.
    FromImage {
        /// The image's source disk ([`DiskImage::source_disk`]).
        source_disk: DiskId,
        /// The image's region (checked against the VM's).
        region: RegionId,
        /// Size in whole GB.
        size_gb: u64,
        /// Name of the new disk (Gandi generates one when absent).
        name: Option<String>,
    },
    /// A disk that already exists and is not attached.
    Existing(DiskId),
}

impl BootDisk {
    /// A new `size_gb` GB boot disk copied from `image`.
    pub fn from_image(image: &DiskImage, size_gb: u64) -> Self {
        Self::FromImage {
            source_disk: image.source_disk.clone(),
            region: image.region.clone(),
            size_gb,
            name: None,
        }
    }

    /// An existing disk.
    pub fn existing(disk: DiskId) -> Self {
        Self::Existing(disk)
    }

    /// Names the new disk (no effect on [`BootDisk::Existing`]).
    #[must_use]
    pub fn name(mut self, new_name: impl Into<String>) -> Self {
        if let Self::FromImage { name, .. } = &mut self {
            *name = Some(new_name.into());
        }
        self
    }
}

/// Changes to a VM; `None` fields are left alone, and `Some` values are sent as given (an
/// explicit `console(false)` turns the console off).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VmUpdate {
    /// Virtual CPUs.
    pub cores: Option<u32>,
    /// Memory in MB (multiple of 64, at least 256).
    pub memory_mb: Option<u64>,
    /// Most memory reachable without a reboot, in MB (raising it needs the VM halted).
    pub max_memory_mb: Option<u64>,
    /// Host name.
    pub hostname: Option<String>,
    /// Emergency console on or off.
    pub console: Option<bool>,
    /// New root/console password.
    pub password: Option<String>,
}

impl VmUpdate {
    /// No change yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of virtual CPUs.
    #[must_use]
    pub fn cores(mut self, cores: u32) -> Self {
        self.cores = Some(cores);
        self
    }

    /// Sets the memory in MB.
    #[must_use]
    pub fn memory_mb(mut self, memory_mb: u64) -> Self {
        self.memory_mb = Some(memory_mb);
        self
    }

    /// Sets the hot-plug memory ceiling in MB.
    #[must_use]
    pub fn max_memory_mb(mut self, max_memory_mb: u64) -> Self {
        self.max_memory_mb = Some(max_memory_mb);
        self
    }

    /// Renames the VM.
    #[must_use]
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// Turns the emergency console on or off.
    #[must_use]
    pub fn console(mut self, on: bool) -> Self {
        self.console = Some(on);
        self
    }

    /// Resets the password.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Which VMs to list. Empty means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VmFilter {
    /// Exact host name.
    pub hostname: Option<String>,
    /// Region.
    pub region: Option<RegionId>,
    /// State.
    pub state: Option<VmState>,
    /// Grouping tag.
    pub farm: Option<String>,
}

impl VmFilter {
    /// Every VM.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only VMs with this host name.
    #[must_use]
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// Only VMs in this region.
    #[must_use]
    pub fn region(mut self, region: RegionId) -> Self {
        self.region = Some(region);
        self
    }

    /// Only VMs in this state.
    #[must_use]
    pub fn state(mut self, state: VmState) -> Self {
        self.state = Some(state);
        self
    }

    /// Only VMs with this grouping tag.
    #[must_use]
    pub fn farm(mut self, farm: impl Into<String>) -> Self {
        self.farm = Some(farm.into());
        self
    }
}

/// How to delete a VM.
///
/// Gandi's delete **also deletes the VM's boot disk (position 0) and its first interface with
/// that interface's IPs**, and detaches everything else. [`DeleteVm::cascade`] does exactly
/// that; [`DeleteVm::keep_boot_disk_and_ip`] first detaches the boot disk and first interface
/// so they survive. Gandi only deletes halted VMs: set [`DeleteVm::stop_if_running`] to stop
/// it first.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeleteVm {
    /// Detach the boot disk first so that it is kept.
    pub keep_boot_disk: bool,
    /// Detach the first interface first so that it (and its IPs) is kept.
    pub keep_first_interface: bool,
    /// Stop the VM first if it is running (otherwise a running VM is refused).
    pub stop_if_running: bool,
}

impl DeleteVm {
    /// Gandi's behaviour: the boot disk and the first interface go with the VM.
    pub fn cascade() -> Self {
        Self {
            keep_boot_disk: false,
            keep_first_interface: false,
            stop_if_running: false,
        }
    }

    /// Keep the boot disk and the first interface (and its IPs): they are detached first.
    pub fn keep_boot_disk_and_ip() -> Self {
        Self {
            keep_boot_disk: true,
            keep_first_interface: true,
            stop_if_running: false,
        }
    }

    /// Stops a running VM first instead of failing.
    #[must_use]
    pub fn stop_if_running(mut self, yes: bool) -> Self {
        self.stop_if_running = yes;
        self
    }
}

/// What a VM deletion did: what went with the VM and what was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedVm {
    /// The deleted VM.
    pub vm: VmId,
    /// Resources Gandi deleted together with the VM (its boot disk and first interface, unless
    /// kept).
    pub deleted: Vec<super::operation::ResourceId>,
    /// Resources that were attached and now survive, detached.
    pub detached: Vec<super::operation::ResourceId>,
}
