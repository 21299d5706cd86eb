//! Network interfaces, IP addresses and private VLANs.
//!
//! Gandi attaches *interfaces* to VMs, not addresses: a public interface created for IPv4
//! also gets an IPv6 address, and attaching, detaching or deleting an IP acts on its whole
//! interface. The model shows that instead of hiding it.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use super::ids::{InterfaceId, IpId, RegionId, VlanId, VmId};

/// IP protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum IpVersion {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl IpVersion {
    /// 4 or 6.
    pub fn number(self) -> u8 {
        match self {
            Self::V4 => 4,
            Self::V6 => 6,
        }
    }
}

/// Lifecycle state of an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum IpState {
    /// Being created (the address may not be known yet).
    BeingCreated,
    /// Ready.
    Created,
    /// A state this version does not know, verbatim.
    Other(String),
}

impl IpState {
    /// Parses Gandi's state name.
    pub fn parse(s: &str) -> Self {
        match s {
            "being_created" => Self::BeingCreated,
            "created" => Self::Created,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One IP address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IpAddress {
    /// The address's ID.
    pub id: IpId,
    /// The address; `None` while Gandi has not assigned it yet.
    pub address: Option<IpAddr>,
    /// 4 or 6.
    pub version: IpVersion,
    /// Reverse DNS name (PTR), if any.
    pub reverse: Option<String>,
    /// Index on its interface (0 first).
    pub position: Option<u32>,
    /// Lifecycle state.
    pub state: IpState,
    /// The interface carrying it.
    pub interface: Option<InterfaceId>,
    /// Region.
    pub region: RegionId,
    /// Creation date (naive).
    pub created_at: Option<PrimitiveDateTime>,
    /// Last update (naive).
    pub updated_at: Option<PrimitiveDateTime>,
}

/// Public (internet) or private (VLAN) interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum InterfaceKind {
    /// Internet-facing.
    Public,
    /// In a private VLAN.
    Private,
    /// A type this version does not know, verbatim.
    Other(String),
}

impl InterfaceKind {
    /// Parses Gandi's `type`.
    pub fn parse(s: &str) -> Self {
        match s {
            "public" => Self::Public,
            "private" => Self::Private,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Lifecycle state of an interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum InterfaceState {
    /// Being created.
    BeingCreated,
    /// Attached to a VM.
    Used,
    /// Not attached.
    Free,
    /// A state this version does not know, verbatim.
    Other(String),
}

impl InterfaceState {
    /// Parses Gandi's state name.
    pub fn parse(s: &str) -> Self {
        match s {
            "being_created" => Self::BeingCreated,
            "used" => Self::Used,
            "free" => Self::Free,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A VLAN as seen from an interface: its ID and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VlanRef {
    /// The VLAN's ID.
    pub id: VlanId,
    /// Its name.
    pub name: String,
}

/// A network interface: what Gandi attaches to a VM; it carries one or more IPs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interface {
    /// The interface's ID.
    pub id: InterfaceId,
    /// Public or private.
    pub kind: InterfaceKind,
    /// Lifecycle state.
    pub state: InterfaceState,
    /// Region.
    pub region: RegionId,
    /// The VM it is attached to.
    pub vm: Option<VmId>,
    /// Position on the VM (0 first).
    pub position: Option<u32>,
    /// Bandwidth cap in kbit/s.
    pub bandwidth_kbps: Option<f64>,
    /// The VLAN, for private interfaces.
    pub vlan: Option<VlanRef>,
    /// IDs of its addresses.
    pub ip_ids: Vec<IpId>,
    /// Its addresses, when the answer includes them (interface and VM details do).
    pub ips: Vec<IpAddress>,
    /// Creation date (naive).
    pub created_at: Option<PrimitiveDateTime>,
    /// Last update (naive).
    pub updated_at: Option<PrimitiveDateTime>,
}

impl Interface {
    /// The first IPv4 address on the interface, if any.
    pub fn ipv4(&self) -> Option<&IpAddress> {
        self.ips.iter().find(|ip| ip.version == IpVersion::V4)
    }

    /// The first IPv6 address on the interface, if any.
    pub fn ipv6(&self) -> Option<&IpAddress> {
        self.ips.iter().find(|ip| ip.version == IpVersion::V6)
    }
}

/// The network part of a new IP or VM: which kind of interface to create, or an existing one.
///
/// ```
/// use gandi_hosting::model::{IpSpec, VlanId};
/// let public = IpSpec::public_v4();              // IPv4, plus the IPv6 Gandi adds
/// let v6 = IpSpec::public_v6().bandwidth_kbps(51_200);
/// let private = IpSpec::private(VlanId::from(12)).address("10.0.0.10".parse().unwrap());
/// # let _ = (public, v6, private);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IpSpec {
    /// Which interface.
    pub kind: IpSpecKind,
    /// Bandwidth cap in kbit/s. Defaults to Gandi's 102400.
    pub bandwidth_kbps: Option<u32>,
    /// The address to use on a private interface; Gandi picks one when `None`. Only valid
    /// with [`IpSpecKind::Private`] (the client refuses it otherwise).
    pub address: Option<IpAddr>,
}

/// The kinds of [`IpSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IpSpecKind {
    /// A public interface with an IPv4 address; Gandi adds an IPv6 address to it.
    PublicV4,
    /// A public interface with only an IPv6 address.
    PublicV6,
    /// A private interface in a VLAN (choose its address with [`IpSpec::address`]).
    Private(VlanId),
    /// An interface that already exists (e.g. from [`IpAddress::interface`]).
    Existing(InterfaceId),
}

impl IpSpec {
    /// A new public interface with IPv4 (and the IPv6 Gandi adds to it).
    pub fn public_v4() -> Self {
        Self {
            kind: IpSpecKind::PublicV4,
            bandwidth_kbps: None,
            address: None,
        }
    }

    /// A new public interface with IPv6 only.
    pub fn public_v6() -> Self {
        Self {
            kind: IpSpecKind::PublicV6,
            bandwidth_kbps: None,
            address: None,
        }
    }

    /// A new private interface in `vlan`.
    pub fn private(vlan: VlanId) -> Self {
        Self {
            kind: IpSpecKind::Private(vlan),
            bandwidth_kbps: None,
            address: None,
        }
    }

    /// An existing interface.
    pub fn existing(interface: InterfaceId) -> Self {
        Self {
            kind: IpSpecKind::Existing(interface),
            bandwidth_kbps: None,
            address: None,
        }
    }

    /// Chooses the address of a private interface (inside the VLAN's subnet). Refused with an
    /// `InvalidInput` error for other kinds.
    #[must_use]
    pub fn address(mut self, address: IpAddr) -> Self {
        self.address = Some(address);
        self
    }

    /// Sets the bandwidth cap in kbit/s.
    #[must_use]
    pub fn bandwidth_kbps(mut self, kbps: u32) -> Self {
        self.bandwidth_kbps = Some(kbps);
        self
    }
}

/// Which IPs to list. Empty means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IpFilter {
    /// Region.
    pub region: Option<RegionId>,
    /// IP version.
    pub version: Option<IpVersion>,
    /// On this interface.
    pub interface: Option<InterfaceId>,
    /// This exact address.
    pub address: Option<IpAddr>,
}

impl IpFilter {
    /// Every IP.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only IPs in this region.
    #[must_use]
    pub fn region(mut self, region: RegionId) -> Self {
        self.region = Some(region);
        self
    }

    /// Only IPs of this version.
    #[must_use]
    pub fn version(mut self, version: IpVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Only IPs on this interface.
    #[must_use]
    pub fn interface(mut self, interface: InterfaceId) -> Self {
        self.interface = Some(interface);
        self
    }

    /// Only this address.
    #[must_use]
    pub fn address(mut self, address: IpAddr) -> Self {
        self.address = Some(address);
        self
    }
}

/// A private VLAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vlan {
    /// The VLAN's ID.
    pub id: VlanId,
    /// Its name (unique in the account).
    pub name: String,
    /// Region.
    pub region: RegionId,
    /// Subnet in CIDR notation, e.g. `10.0.0.0/24`.
    pub subnet: Option<String>,
    /// Gateway address inside the subnet.
    pub gateway: Option<IpAddr>,
    /// Gandi's state name (`created`, ...).
    pub state: Option<String>,
}

/// A new VLAN.
///
/// ```
/// use gandi_hosting::model::{RegionId, VlanSpec};
/// let spec = VlanSpec::new(RegionId::from(6), "backend")
///     .subnet("10.0.0.0/24")
///     .gateway("10.0.0.1".parse().unwrap());
/// # let _ = spec;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VlanSpec {
    /// Region.
    pub region: RegionId,
    /// Name, unique in the account.
    pub name: String,
    /// Subnet in CIDR notation.
    pub subnet: Option<String>,
    /// Gateway, inside the subnet.
    pub gateway: Option<IpAddr>,
}

impl VlanSpec {
    /// A VLAN named `name` in `region`.
    pub fn new(region: RegionId, name: impl Into<String>) -> Self {
        Self {
            region,
            name: name.into(),
            subnet: None,
            gateway: None,
        }
    }

    /// Sets the subnet (CIDR, e.g. `192.168.1.0/24`).
    #[must_use]
    pub fn subnet(mut self, cidr: impl Into<String>) -> Self {
        self.subnet = Some(cidr.into());
        self
    }

    /// Sets the gateway.
    #[must_use]
    pub fn gateway(mut self, gateway: IpAddr) -> Self {
        self.gateway = Some(gateway);
        self
    }
}

/// Changes to a VLAN; `None` fields are left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VlanUpdate {
    /// New name.
    pub name: Option<String>,
    /// New gateway.
    pub gateway: Option<IpAddr>,
}

impl VlanUpdate {
    /// No change yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the VLAN.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the gateway.
    #[must_use]
    pub fn gateway(mut self, gateway: IpAddr) -> Self {
        self.gateway = Some(gateway);
        self
    }
}

/// An SSH public key stored in the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SshKey {
    /// The key's ID.
    pub id: super::ids::SshKeyId,
    /// Its name.
    pub name: String,
    /// MD5 fingerprint, colon-separated hex.
    pub fingerprint: String,
    /// The public key itself; Gandi only returns it from the key's details, not in lists.
    pub value: Option<String>,
}
