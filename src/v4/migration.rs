//! Moving resources between regions (`hosting.vm.can_migrate`, `hosting.vm.migrate`,
//! `hosting.disk.migrate`), and the VM and network settings only v4 has: emergency console,
//! password reset, memory ceiling (`hosting.vm.update`), reverse DNS (`hosting.ip.update`) and
//! interface bandwidth (`hosting.iface.update`).
//!
//! A VM migration has two phases at Gandi. The first call copies the data while the VM keeps
//! running; its `hosting_migration_vm` operation then stays `RUN` with
//! `params.inner_step == 'wait_finalize'` instead of finishing. A second call with `finalize`
//! set stops the VM, copies what changed and starts it in the new region. [`VmMigration`]
//! reports which phase a call reached.

use serde::Deserialize;

use super::lenient::{list, opt_bool};
use super::validate;
use super::wait::Pending;
use super::{Client, id_value, wire_id};
use crate::error::{Error, Result};
use crate::model::{
    Disk, DiskId, Interface, InterfaceId, IpAddress, IpId, Operation, OperationId, OperationStep,
    RegionId, Vm, VmId, VmUpdate,
};
use crate::xmlrpc::{Struct, Value};

/// What Gandi says about moving a VM to another region (`hosting.vm.can_migrate`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationCheck {
    /// Whether a migration can start now.
    pub can_migrate: bool,
    /// Region codes Gandi matched for this VM (`matched`). Gandi's own CLI reads a non-empty
    /// list with `can_migrate` false as "a target exists but is not open yet".
    pub matched: Vec<String>,
    /// Region codes the VM's region can migrate to (`can_migrate_to`).
    pub targets: Vec<String>,
}

/// How far a VM migration got (returned by [`Client::migrate_vm`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VmMigration {
    /// The `hosting_migration_vm` operation the call started.
    pub operation: OperationId,
    /// Region the VM leaves (`params.from_dc_id`), when Gandi says.
    pub from_region: Option<RegionId>,
    /// Region the VM goes to (`params.to_dc_id`), when Gandi says.
    pub to_region: Option<RegionId>,
    /// Gandi's phase inside the operation (`params.inner_step`: `wait_sync`,
    /// `wait_finalize`, ...), when Gandi says.
    pub stage: Option<String>,
    /// The VM after a finished migration; `None` while it waits to be finalized.
    pub vm: Option<Vm>,
}

impl VmMigration {
    /// The data is copied and the migration waits for `migrate_vm(vm, true)`.
    pub fn awaits_finalize(&self) -> bool {
        self.vm.is_none()
    }
}

/// The `params.inner_step` value that says the first phase is over.
const WAIT_FINALIZE: &str = "wait_finalize";

// ----- wire structs -----

#[derive(Debug, Deserialize)]
struct WireCanMigrate {
    #[serde(default, deserialize_with = "opt_bool")]
    can_migrate: Option<bool>,
    #[serde(default, deserialize_with = "list")]
    matched: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    can_migrate_to: Vec<String>,
}

/// A reverse DNS name: dotted labels of letters, digits and `-` (not at either end of a
/// label), at least two labels, at most 253 characters; one trailing dot is allowed.
fn dns_name(field: &str, name: &str) -> Result<()> {
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.is_empty() || bare.len() > 253 {
        return Err(Error::invalid(
            field,
            format!("must be 1 to 253 characters, got {}", bare.len()),
        ));
    }
    let labels: Vec<&str> = bare.split('.').collect();
    if labels.len() < 2 {
        return Err(Error::invalid(
            field,
            format!("{name:?} is not a fully qualified name (e.g. host.example.net)"),
        ));
    }
    for label in &labels {
        // Each label follows the host-name rules (1–63 letters, digits, inner '-').
        validate::hostname(field, label)?;
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(Error::invalid(
            field,
            format!("{name:?} looks like an address, not a host name"),
        ));
    }
    Ok(())
}

/// Bandwidth in kbit/s: at least 1, and within an XML-RPC `int`.
fn bandwidth(field: &str, kbps: u32) -> Result<i64> {
    if kbps == 0 {
        return Err(Error::invalid(field, "must be at least 1 kbit/s"));
    }
    let v = i64::from(kbps);
    if v > i64::from(i32::MAX) {
        return Err(Error::invalid(
            field,
            format!("{kbps} kbit/s is more than Gandi can represent"),
        ));
    }
    Ok(v)
}

impl Client {
    // ----- VM settings -----

    /// Starts turning the emergency console of `vm` on or off (`hosting.vm.update` with
    /// `console`).
    ///
    /// # Errors
    /// As [`Client::submit_update_vm`].
    pub fn submit_set_console(&self, vm: &VmId, on: bool) -> Result<Pending<Vm>> {
        self.submit_update_vm(vm, &VmUpdate::new().console(on))
    }

    /// Turns the emergency console of `vm` on or off and waits; see
    /// [`Client::submit_set_console`].
    ///
    /// # Errors
    /// As [`Client::submit_update_vm`], plus the errors of [`Client::wait`].
    pub fn set_console(&self, vm: &VmId, on: bool) -> Result<Vm> {
        self.wait(self.submit_set_console(vm, on)?)
    }

    /// Where the emergency console of `vm` is reached (`console_url` of `hosting.vm.info`),
    /// or `None` when Gandi gives no address.
    ///
    /// The console accepts connections only while it is on ([`Vm::console`], see
    /// [`Client::set_console`]), and logging in needs the VM's password (see
    /// [`Client::reset_password`]).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn console_url(&self, vm: &VmId) -> Result<Option<String>> {
        Ok(self.vm_info(vm)?.console_url)
    }

    /// Starts setting a new root and console password on `vm` (`hosting.vm.update` with
    /// `password`).
    ///
    /// # Errors
    /// `InvalidInput` for a password of fewer than 8 or more than 128 characters.
    pub fn submit_reset_password(&self, vm: &VmId, password: &str) -> Result<Pending<Vm>> {
        self.submit_update_vm(vm, &VmUpdate::new().password(password))
    }

    /// Sets a new root and console password on `vm` and waits; see
    /// [`Client::submit_reset_password`].
    ///
    /// # Errors
    /// As [`Client::submit_reset_password`], plus the errors of [`Client::wait`].
    pub fn reset_password(&self, vm: &VmId, password: &str) -> Result<Vm> {
        self.wait(self.submit_reset_password(vm, password)?)
    }

    /// Starts changing the memory ceiling of `vm`: the most memory it can be given without a
    /// reboot (`hosting.vm.update` with `vm_max_memory`).
    ///
    /// Reads the VM first and refuses a ceiling below its current memory. Gandi applies a
    /// higher ceiling only through an update of a halted VM, or at the next reboot.
    ///
    /// # Errors
    /// `InvalidInput` for a value that is not a multiple of 64 MB, is under 256 MB or under
    /// the VM's memory.
    pub fn submit_set_max_memory(&self, vm: &VmId, max_memory_mb: u64) -> Result<Pending<Vm>> {
        wire_id("vm", vm)?;
        validate::memory_mb("max_memory_mb", max_memory_mb)?;
        let current = self.vm_info(vm)?;
        if max_memory_mb < current.memory_mb {
            return Err(Error::invalid(
                "max_memory_mb",
                format!(
                    "{max_memory_mb} MB is below the {} MB VM {vm} has now",
                    current.memory_mb
                ),
            ));
        }
        self.submit_update_vm(vm, &VmUpdate::new().max_memory_mb(max_memory_mb))
    }

    /// Changes the memory ceiling of `vm` and waits; see [`Client::submit_set_max_memory`].
    ///
    /// # Errors
    /// As [`Client::submit_set_max_memory`], plus the errors of [`Client::wait`].
    pub fn set_max_memory(&self, vm: &VmId, max_memory_mb: u64) -> Result<Vm> {
        self.wait(self.submit_set_max_memory(vm, max_memory_mb)?)
    }

    // ----- network settings -----

    /// Starts setting the reverse DNS (PTR) name of an address (`hosting.ip.update` with
    /// `reverse`).
    ///
    /// The name is checked to be a fully qualified DNS name before the call. Gandi usually
    /// wants the name to resolve to the address first; if it does not, the operation fails.
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID or a name that is not a DNS name; a fault when Gandi
    /// refuses.
    pub fn submit_set_reverse_dns(&self, ip: &IpId, hostname: &str) -> Result<Pending<IpAddress>> {
        let id = id_value("ip", ip)?;
        dns_name("hostname", hostname)?;
        let op = self.call_op(
            "hosting.ip.update",
            vec![id, Struct::new().with("reverse", hostname).into()],
        )?;
        let ip = ip.clone();
        Ok(Pending::new(
            format!("setting the reverse DNS of IP {ip}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.ip_info(&ip),
        ))
    }

    /// Sets the reverse DNS name of an address and waits; see
    /// [`Client::submit_set_reverse_dns`].
    ///
    /// # Errors
    /// As [`Client::submit_set_reverse_dns`], plus the errors of [`Client::wait`].
    pub fn set_reverse_dns(&self, ip: &IpId, hostname: &str) -> Result<IpAddress> {
        self.wait(self.submit_set_reverse_dns(ip, hostname)?)
    }

    /// Starts changing the bandwidth cap of an interface, in kbit/s (`hosting.iface.update`
    /// with `bandwidth`). Gandi's default is 102400.
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID or a bandwidth of 0; a fault when Gandi refuses.
    pub fn submit_set_bandwidth(
        &self,
        interface: &InterfaceId,
        kbps: u32,
    ) -> Result<Pending<Interface>> {
        let id = id_value("interface", interface)?;
        let kbps = bandwidth("kbps", kbps)?;
        let op = self.call_op(
            "hosting.iface.update",
            vec![id, Struct::new().with("bandwidth", kbps).into()],
        )?;
        let iface = interface.clone();
        Ok(Pending::new(
            format!("setting the bandwidth of interface {iface}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.interface_info(&iface),
        ))
    }

    /// Changes the bandwidth cap of an interface and waits; see
    /// [`Client::submit_set_bandwidth`].
    ///
    /// # Errors
    /// As [`Client::submit_set_bandwidth`], plus the errors of [`Client::wait`].
    pub fn set_bandwidth(&self, interface: &InterfaceId, kbps: u32) -> Result<Interface> {
        self.wait(self.submit_set_bandwidth(interface, kbps)?)
    }

    // ----- migration -----

    /// Whether `vm` can move to another region now (`hosting.vm.can_migrate`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn can_migrate_vm(&self, vm: &VmId) -> Result<MigrationCheck> {
        let check: WireCanMigrate =
            self.call_as("hosting.vm.can_migrate", vec![id_value("vm", vm)?])?;
        Ok(MigrationCheck {
            can_migrate: check.can_migrate.unwrap_or(false),
            matched: check.matched,
            targets: check.can_migrate_to,
        })
    }

    /// Runs one phase of moving `vm` to another region (`hosting.vm.migrate(vm_id,
    /// finalize)`); Gandi picks the target region (see [`MigrationCheck::matched`]).
    ///
    /// * `finalize == false` starts the migration, after checking
    ///   [`Client::can_migrate_vm`] (refused here when Gandi says no). It waits until the data
    ///   is copied, that is until the operation reports `params.inner_step ==
    ///   'wait_finalize'`, and returns a [`VmMigration`] that
    ///   [awaits finalize](VmMigration::awaits_finalize); the VM is still running in its old
    ///   region. Should Gandi finish in one go, the result already carries the VM.
    /// * `finalize == true` asks Gandi to finish a migration waiting in that state: it stops
    ///   the VM, copies what changed and starts it in the new region. It waits until the
    ///   operation is `DONE` and returns the VM.
    ///
    /// Waiting uses the client's [`WaitOptions`](super::WaitOptions).
    ///
    /// *Limitation:* the two-phase protocol is known from Gandi's CLI, not from recorded
    /// answers; a finalize call without a migration waiting is left for Gandi to refuse.
    ///
    /// # Errors
    /// `InvalidInput` when Gandi says the VM cannot migrate; [`Error::OperationFailed`] when
    /// the operation ends in ERROR, CANCEL or SUPPORT; [`Error::WaitTimeout`] (resumable with
    /// another call) at the deadline; a fault when Gandi refuses.
    pub fn migrate_vm(&self, vm: &VmId, finalize: bool) -> Result<VmMigration> {
        self.wait(self.submit_migrate_vm(vm, finalize)?)
    }

    /// Starts one phase of a VM migration and returns at once; see [`Client::migrate_vm`],
    /// which is this plus [`Client::wait`]. The wait of the first phase ends at the
    /// `wait_finalize` stage, not at `DONE`.
    ///
    /// # Errors
    /// As [`Client::migrate_vm`], for what happens before the wait.
    pub fn submit_migrate_vm(&self, vm: &VmId, finalize: bool) -> Result<Pending<VmMigration>> {
        let id = id_value("vm", vm)?;
        if !finalize {
            let check = self.can_migrate_vm(vm)?;
            if !check.can_migrate {
                let why = if check.matched.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (matched region {} is not open for it yet)",
                        check.matched.join(", ")
                    )
                };
                return Err(Error::invalid(
                    "vm",
                    format!("Gandi says VM {vm} cannot migrate now{why}"),
                ));
            }
        }
        let op = self.call_op("hosting.vm.migrate", vec![id, Value::Bool(finalize)])?;
        let vm = vm.clone();
        let pending = Pending::new(
            format!("migrating VM {vm}"),
            vec![op],
            Vec::new(),
            move |c: &Client, ops: &[Operation]| {
                let op = ops.first().ok_or_else(|| {
                    Error::Config("internal: a migration lost its operation".to_owned())
                })?;
                let finished = op.step == OperationStep::Done;
                Ok(VmMigration {
                    operation: op.id.clone(),
                    from_region: op.from_region.clone(),
                    to_region: op.to_region.clone(),
                    stage: op.stage.clone(),
                    vm: if finished {
                        Some(c.vm_info(&vm)?)
                    } else {
                        None
                    },
                })
            },
        );
        Ok(if finalize {
            pending
        } else {
            pending.ready_when(|op| {
                op.step == OperationStep::Done || op.stage.as_deref() == Some(WAIT_FINALIZE)
            })
        })
    }

    /// Starts moving a detached disk to `target` (`hosting.disk.migrate(disk_id,
    /// datacenter_id)`).
    ///
    /// Reads the disk and the regions first: an attached disk, a target equal to the disk's
    /// region, or a target its region cannot migrate to ([`Region::migration_targets`],
    /// Gandi's `can_migrate_to`) is refused here without a call.
    ///
    /// *Limitation:* the method and its `hosting_migration_disk` operation are known from
    /// Gandi's reference and CLI, not from recorded answers; the result is read back under the
    /// same disk ID, which assumes Gandi keeps it.
    ///
    /// [`Region::migration_targets`]: crate::model::Region::migration_targets
    ///
    /// # Errors
    /// `InvalidInput` as above or for non-v4 IDs; a fault when Gandi refuses.
    pub fn submit_migrate_disk(&self, disk: &DiskId, target: &RegionId) -> Result<Pending<Disk>> {
        wire_id("disk", disk)?;
        let target_id = id_value("target", target)?;
        let current = self.disk_info(disk)?;
        if let Some(vm) = current.vm_ids.first() {
            return Err(Error::invalid(
                "disk",
                format!("disk {disk} is attached to VM {vm}; Gandi migrates only detached disks"),
            ));
        }
        if current.region == *target {
            return Err(Error::invalid(
                "target",
                format!("disk {disk} is already in region {target}"),
            ));
        }
        let regions = self.list_regions()?;
        if let Some(home) = regions.iter().find(|r| r.id == current.region)
            && !home.migration_targets.contains(target)
        {
            let codes: Vec<String> = home
                .migration_targets
                .iter()
                .map(|id| {
                    regions
                        .iter()
                        .find(|r| &r.id == id)
                        .map_or_else(|| id.to_string(), |r| format!("{} ({})", r.code, id))
                })
                .collect();
            return Err(Error::invalid(
                "target",
                format!(
                    "region {} ({}) cannot migrate to region {target}; it can migrate to: {}",
                    home.code,
                    home.id,
                    if codes.is_empty() {
                        "nowhere".to_owned()
                    } else {
                        codes.join(", ")
                    }
                ),
            ));
        }
        let op = self.call_op(
            "hosting.disk.migrate",
            vec![id_value("disk", disk)?, target_id],
        )?;
        let disk = disk.clone();
        Ok(Pending::new(
            format!("migrating disk {disk} to region {target}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.disk_info(&disk),
        ))
    }

    /// Moves a detached disk to `target` and waits; see [`Client::submit_migrate_disk`].
    ///
    /// # Errors
    /// As [`Client::submit_migrate_disk`], plus the errors of [`Client::wait`].
    pub fn migrate_disk(&self, disk: &DiskId, target: &RegionId) -> Result<Disk> {
        self.wait(self.submit_migrate_disk(disk, target)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names_must_be_fully_qualified_dns_names() {
        assert!(dns_name("h", "xvm-2-21.example.net").is_ok());
        assert!(dns_name("h", "mail.example.net.").is_ok());
        for bad in [
            "",
            "localhost",
            "-a.example.net",
            "a-.example.net",
            "a..example.net",
            "a_b.example.net",
            "192.0.2.1",
            "h\u{e9}.example.net",
            "a b.example.net",
        ] {
            assert!(dns_name("h", bad).is_err(), "{bad:?} passed");
        }
        let long = format!("{}.net", "a".repeat(64));
        assert!(dns_name("h", &long).is_err());
    }

    #[test]
    fn bandwidth_must_be_positive_and_fit_an_int() {
        assert!(bandwidth("kbps", 0).is_err());
        assert_eq!(bandwidth("kbps", 102_400).unwrap(), 102_400);
        assert!(bandwidth("kbps", u32::MAX).is_err());
    }
}
