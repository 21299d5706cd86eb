//! The version-neutral model: resources, specs, typed IDs and states.
//!
//! Nothing here knows the wire format; backends (today [`crate::v4`]) convert at their
//! boundary. Sizes are in GB for disks and MB for memory; dates are naive
//! [`time::PrimitiveDateTime`] values because Gandi does not say which time zone it uses.

mod ids;
mod operation;

pub use ids::{
    DiskId, ImageId, InterfaceId, IpId, OperationId, ParseIdError, RegionId, SnapshotProfileId,
    SshKeyId, VlanId, VmId,
};
pub use operation::{Operation, OperationStep, ResourceId};
