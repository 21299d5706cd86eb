//! Operations: Gandi's handle on asynchronous work, and the resources a call creates.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use super::ids::{DiskId, InterfaceId, IpId, OperationId, RegionId, VlanId, VmId};

/// Where an operation is in Gandi's pipeline.
///
/// `BILL` → `WAIT` → `RUN` → `DONE` is the happy path; `ERROR`, `CANCEL` and `SUPPORT` are
/// failures. A step this crate does not know is kept in [`OperationStep::Other`] and treated as
/// still pending.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OperationStep {
    /// Being billed.
    #[serde(rename = "BILL")]
    Bill,
    /// Queued.
    #[serde(rename = "WAIT")]
    Wait,
    /// Running.
    #[serde(rename = "RUN")]
    Run,
    /// Finished successfully.
    #[serde(rename = "DONE")]
    Done,
    /// Failed; see the operation's `last_error`.
    #[serde(rename = "ERROR")]
    Error,
    /// Cancelled (by `operation.cancel`).
    #[serde(rename = "CANCEL")]
    Cancel,
    /// Failed in a way only Gandi's support can resolve.
    #[serde(rename = "SUPPORT")]
    Support,
    /// A step this version does not know, verbatim.
    #[serde(untagged)]
    Other(String),
}

impl OperationStep {
    /// Parses Gandi's step name; unknown names become [`OperationStep::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "BILL" => Self::Bill,
            "WAIT" => Self::Wait,
            "RUN" => Self::Run,
            "DONE" => Self::Done,
            "ERROR" => Self::Error,
            "CANCEL" => Self::Cancel,
            "SUPPORT" => Self::Support,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Gandi's name for the step.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Bill => "BILL",
            Self::Wait => "WAIT",
            Self::Run => "RUN",
            Self::Done => "DONE",
            Self::Error => "ERROR",
            Self::Cancel => "CANCEL",
            Self::Support => "SUPPORT",
            Self::Other(s) => s,
        }
    }

    /// `DONE`, `ERROR`, `CANCEL` or `SUPPORT`: nothing more will happen.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Done | Self::Error | Self::Cancel | Self::Support
        )
    }

    /// A terminal step other than `DONE`.
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Error | Self::Cancel | Self::Support)
    }
}

impl fmt::Display for OperationStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource by kind and ID: what a failed or interrupted call reports it created.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ResourceId {
    /// A virtual machine.
    Vm(VmId),
    /// A disk.
    Disk(DiskId),
    /// A network interface (and the IPs on it).
    Interface(InterfaceId),
    /// An IP address.
    Ip(IpId),
    /// A VLAN.
    Vlan(VlanId),
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Vm(id) => write!(f, "VM {id}"),
            Self::Disk(id) => write!(f, "disk {id}"),
            Self::Interface(id) => write!(f, "interface {id}"),
            Self::Ip(id) => write!(f, "IP {id}"),
            Self::Vlan(id) => write!(f, "VLAN {id}"),
        }
    }
}

/// An asynchronous operation, as Gandi reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Operation {
    /// The operation's ID.
    pub id: OperationId,
    /// Gandi's type name: `vm_create`, `disk_update`, `iface_attach`, ...
    pub kind: String,
    /// Current step.
    pub step: OperationStep,
    /// Estimated seconds left, when Gandi gives one (can be negative when overdue).
    pub eta: Option<i64>,
    /// Gandi's error text once the step is `ERROR`.
    pub last_error: Option<String>,
    /// The VM the operation creates or acts on, if any.
    pub vm_id: Option<VmId>,
    /// The disk the operation creates or acts on, if any.
    pub disk_id: Option<DiskId>,
    /// The interface the operation creates or acts on, if any.
    pub interface_id: Option<InterfaceId>,
    /// The IP the operation creates or acts on, if any.
    pub ip_id: Option<IpId>,
    /// Gandi's phase inside a long operation (`params.inner_step`, e.g. `wait_finalize` for a
    /// VM migration waiting to be finalized), when Gandi says.
    pub stage: Option<String>,
    /// Region a migration leaves (`params.from_dc_id`), when Gandi says.
    pub from_region: Option<RegionId>,
    /// Region a migration goes to (`params.to_dc_id`), when Gandi says.
    pub to_region: Option<RegionId>,
    /// When Gandi created the operation (naive: Gandi sends no time zone).
    pub created_at: Option<PrimitiveDateTime>,
    /// When Gandi started working on it.
    pub started_at: Option<PrimitiveDateTime>,
    /// Last change.
    pub updated_at: Option<PrimitiveDateTime>,
}

impl Operation {
    /// The resources this operation names (VM, disk, interface, IP), for failure reports.
    pub fn resources(&self) -> Vec<ResourceId> {
        let mut out = Vec::new();
        if let Some(id) = &self.vm_id {
            out.push(ResourceId::Vm(id.clone()));
        }
        if let Some(id) = &self.disk_id {
            out.push(ResourceId::Disk(id.clone()));
        }
        if let Some(id) = &self.interface_id {
            out.push(ResourceId::Interface(id.clone()));
        }
        if let Some(id) = &self.ip_id {
            out.push(ResourceId::Ip(id.clone()));
        }
        out
    }
}
