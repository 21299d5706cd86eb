//! The version-neutral model: resources, specs, typed IDs and states.
//!
//! Nothing here knows the wire format; backends (today [`crate::v4`]) convert at their
//! boundary. Disk sizes are whole GB and memory is MB; dates are naive
//! [`time::PrimitiveDateTime`] values because Gandi does not say which time zone it uses.
//!
//! Resources (`Vm`, `Disk`, ...) are `#[non_exhaustive]` structs with public fields, so new
//! fields can come without a breaking change; specs have constructors for what is required and
//! chained setters for the rest. State enums keep values they do not know.

mod disk;
mod ids;
mod network;
mod operation;
mod region;
mod vm;

pub use disk::{Disk, DiskFilter, DiskKind, DiskSource, DiskSpec, DiskState};
pub(crate) use ids::TypedId;
pub use ids::{
    DiskId, ImageId, InterfaceId, IpId, OperationId, ParseIdError, RegionId, SnapshotProfileId,
    SshKeyId, VlanId, VmId,
};
pub use network::{
    Interface, InterfaceKind, InterfaceState, IpAddress, IpFilter, IpSpec, IpSpecKind, IpState,
    IpVersion, SshKey, Vlan, VlanRef, VlanSpec, VlanUpdate,
};
pub use operation::{Operation, OperationStep, ResourceId};
pub use region::{DiskImage, Region, RegionAvailability};
pub use vm::{BootDisk, DeleteVm, DeletedVm, Vm, VmFilter, VmSpec, VmState, VmUpdate};
