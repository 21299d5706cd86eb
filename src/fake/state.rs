//! The simulator's whole world: every object an account owns, the catalog, the clock and the
//! id counters. Namespace files (`vm.rs`, `disk.rs`, ...) add `impl State` blocks for their
//! methods; this file only holds the data and the lookups they share.

use std::collections::BTreeMap;

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::xmlrpc::{Fault, Struct};

use super::Pace;
use super::catalog::Catalog;
use super::faults::{self, Cause, Obj};
use super::operation::{Op, PlannedFailure};

/// A virtual machine.
#[derive(Debug, Clone)]
pub(crate) struct Vm {
    pub(crate) id: i64,
    pub(crate) hostname: String,
    pub(crate) state: &'static str,
    pub(crate) cores: i64,
    pub(crate) memory: i64,
    pub(crate) vm_max_memory: i64,
    pub(crate) console: bool,
    pub(crate) datacenter_id: i64,
    pub(crate) description: String,
    /// Attached disks in position order: index 0 is the boot disk.
    pub(crate) disks: Vec<i64>,
    /// Attached interfaces in position order.
    pub(crate) ifaces: Vec<i64>,
    pub(crate) farm: Option<String>,
    pub(crate) created: PrimitiveDateTime,
    pub(crate) updated: PrimitiveDateTime,
}

/// A disk or a snapshot.
#[derive(Debug, Clone)]
pub(crate) struct Disk {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) size: i64,
    pub(crate) state: &'static str,
    /// `data` or `snapshot`.
    pub(crate) kind: &'static str,
    pub(crate) datacenter_id: i64,
    pub(crate) vm_id: Option<i64>,
    pub(crate) kernel_version: Option<String>,
    pub(crate) kernel_cmdline: Option<Struct>,
    pub(crate) label: Option<String>,
    pub(crate) source: Option<i64>,
    pub(crate) snapshot_profile: Option<i64>,
    pub(crate) created: PrimitiveDateTime,
    pub(crate) updated: PrimitiveDateTime,
}

/// A network interface.
#[derive(Debug, Clone)]
pub(crate) struct Iface {
    pub(crate) id: i64,
    /// `public` or `private`.
    pub(crate) kind: &'static str,
    pub(crate) state: &'static str,
    pub(crate) bandwidth: f64,
    pub(crate) datacenter_id: i64,
    pub(crate) vm_id: Option<i64>,
    pub(crate) ips: Vec<i64>,
    pub(crate) vlan: Option<i64>,
    pub(crate) created: PrimitiveDateTime,
    pub(crate) updated: PrimitiveDateTime,
}

/// An IP address (always owned by an interface).
#[derive(Debug, Clone)]
pub(crate) struct Ip {
    pub(crate) id: i64,
    pub(crate) ip: String,
    pub(crate) version: i64,
    pub(crate) reverse: String,
    pub(crate) num: i64,
    pub(crate) state: &'static str,
    pub(crate) iface_id: i64,
    pub(crate) datacenter_id: i64,
    pub(crate) created: PrimitiveDateTime,
    pub(crate) updated: PrimitiveDateTime,
}

/// A private network.
#[derive(Debug, Clone)]
pub(crate) struct Vlan {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) datacenter_id: i64,
    pub(crate) subnet: String,
    pub(crate) gateway: Option<String>,
    pub(crate) state: &'static str,
    pub(crate) uuid: i64,
}

/// An SSH public key.
#[derive(Debug, Clone)]
pub(crate) struct SshKey {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) fingerprint: String,
    pub(crate) value: String,
}

/// Which id counter to draw from. Each kind starts in its own range, so that an id of one
/// kind passed where another is expected is a not-found fault, as it almost always is at Gandi.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Vm,
    Disk,
    Iface,
    Ip,
    Vlan,
    Ssh,
    Op,
}

/// The account's world.
pub(crate) struct State {
    pub(crate) pace: Pace,
    /// Account handle, shown as operations' `source`.
    pub(crate) handle: String,
    counters: [i64; 7],
    pub(crate) next_v6: i64,
    pub(crate) vms: BTreeMap<i64, Vm>,
    pub(crate) disks: BTreeMap<i64, Disk>,
    pub(crate) ifaces: BTreeMap<i64, Iface>,
    pub(crate) ips: BTreeMap<i64, Ip>,
    pub(crate) vlans: BTreeMap<i64, Vlan>,
    pub(crate) ssh_keys: BTreeMap<i64, SshKey>,
    pub(crate) ops: BTreeMap<i64, Op>,
    pub(crate) credits: i64,
    pub(crate) planned_failures: Vec<PlannedFailure>,
    pub(crate) catalog: Catalog,
}

/// The current time as Gandi shows it: naive, whole seconds.
pub(crate) fn now() -> PrimitiveDateTime {
    let t = OffsetDateTime::now_utc();
    let t = t.replace_nanosecond(0).unwrap_or(t);
    PrimitiveDateTime::new(t.date(), t.time())
}

/// Credits an account starts with.
pub(crate) const INITIAL_CREDITS: i64 = 100_000;

impl State {
    /// An empty account with the standard catalog.
    pub(crate) fn new(pace: Pace) -> Self {
        Self {
            pace,
            handle: "FA1234-GANDI".to_owned(),
            counters: [
                250_100,    // vm
                3_410_000,  // disk
                785_700,    // iface
                925_600,    // ip
                1_100,      // vlan
                4_300,      // ssh key
                41_000_000, // operation
            ],
            next_v6: 0x100,
            vms: BTreeMap::new(),
            disks: BTreeMap::new(),
            ifaces: BTreeMap::new(),
            ips: BTreeMap::new(),
            vlans: BTreeMap::new(),
            ssh_keys: BTreeMap::new(),
            ops: BTreeMap::new(),
            credits: INITIAL_CREDITS,
            planned_failures: Vec::new(),
            catalog: Catalog::standard(),
        }
    }

    /// The next id of `kind`.
    pub(crate) fn next_id(&mut self, kind: Kind) -> i64 {
        let slot = &mut self.counters[kind as usize];
        *slot += 1;
        *slot
    }

    pub(crate) fn vm(&self, id: i64) -> Result<&Vm, Fault> {
        self.vms
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::Vm, id))
    }

    pub(crate) fn disk(&self, id: i64) -> Result<&Disk, Fault> {
        self.disks
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::Disk, id))
    }

    pub(crate) fn iface(&self, id: i64) -> Result<&Iface, Fault> {
        self.ifaces
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::Iface, id))
    }

    pub(crate) fn ip(&self, id: i64) -> Result<&Ip, Fault> {
        self.ips
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::Ip, id))
    }

    pub(crate) fn vlan(&self, id: i64) -> Result<&Vlan, Fault> {
        self.vlans
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::Vlan, id))
    }

    /// Refuses new resources in a datacenter closed for them: `ALL` closes it to everybody,
    /// `NEW` to accounts that own nothing there yet.
    pub(crate) fn check_open(&self, datacenter_id: i64) -> Result<(), Fault> {
        let dc = self.catalog.datacenter(datacenter_id)?;
        let owns_something = self.vms.values().any(|v| v.datacenter_id == datacenter_id)
            || self
                .disks
                .values()
                .any(|d| d.datacenter_id == datacenter_id)
            || self
                .ifaces
                .values()
                .any(|i| i.datacenter_id == datacenter_id);
        match dc.iaas_closed_for {
            "ALL" => Err(faults::app(
                Obj::Datacenter,
                Cause::NoRight,
                format!("datacenter {} is closed", dc.dc_code),
            )),
            "NEW" if !owns_something => Err(faults::app(
                Obj::Datacenter,
                Cause::NoRight,
                format!("datacenter {} is closed for new customers", dc.dc_code),
            )),
            _ => Ok(()),
        }
    }

    /// Takes `cost` credits, or refuses with Gandi's "no credits" code (530040).
    pub(crate) fn charge(&mut self, cost: i64) -> Result<(), Fault> {
        if cost > self.credits {
            return Err(faults::app(
                Obj::Hosting,
                Cause::NoCredit,
                format!(
                    "no hosting credits purchased ({cost} needed, {} available)",
                    self.credits
                ),
            ));
        }
        self.credits -= cost;
        Ok(())
    }

    /// The ids of a disk's snapshots (pending ones included), derived from the snapshots'
    /// `source` so that the list can never name a disk that is gone or miss one in flight.
    pub(crate) fn snapshots_of(&self, disk: i64) -> Vec<i64> {
        self.disks
            .values()
            .filter(|d| d.kind == "snapshot" && d.source == Some(disk))
            .map(|d| d.id)
            .collect()
    }

    /// The hostname of the VM an interface is attached to, for `vm_hostname` filters.
    pub(crate) fn iface_hostname(&self, iface_id: i64) -> Option<&str> {
        let vm_id = self.ifaces.get(&iface_id)?.vm_id?;
        self.vms.get(&vm_id).map(|v| v.hostname.as_str())
    }
}
