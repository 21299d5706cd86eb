//! `hosting.iface.*`, `hosting.ip.*`, `hosting.vlan.*` and `hosting.ssh.*`: interfaces and
//! their addresses, private VLANs, and SSH keys.
//!
//! Gandi creates and deletes addresses only through interfaces: "create an IP" creates an
//! interface (a public IPv4 one also gets an IPv6), and "delete an IP" deletes its interface
//! with every address on it.

use super::validate::{self, Subnet};
use super::wait::Pending;
use super::wire::{WireIface, WireIp, WireSshKey, WireVlan};
use super::{Client, Paged, id_value, unusable_answer, wire_id};
use crate::error::{Error, Result};
use crate::model::{
    Interface, InterfaceId, IpAddress, IpFilter, IpId, IpSpec, IpSpecKind, Operation, RegionId,
    ResourceId, SshKey, SshKeyId, Vlan, VlanId, VlanSpec, VlanUpdate,
};
use crate::xmlrpc::Struct;

/// Gandi's default interface bandwidth, in kbit/s.
pub(crate) const DEFAULT_BANDWIDTH_KBPS: u32 = 102_400;

impl IpFilter {
    fn to_struct(&self) -> Result<Struct> {
        let mut s = Struct::new();
        if let Some(region) = &self.region {
            s.insert("datacenter_id", id_value("region", region)?);
        }
        if let Some(v) = self.version {
            s.insert("version", i64::from(v.number()));
        }
        if let Some(iface) = &self.interface {
            s.insert("iface_id", id_value("interface", iface)?);
        }
        if let Some(addr) = &self.address {
            s.insert("ip", addr.to_string());
        }
        Ok(s)
    }
}

impl Client {
    // ----- interfaces -----

    /// One interface with its addresses (`hosting.iface.info`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn interface_info(&self, id: &InterfaceId) -> Result<Interface> {
        let iface: WireIface = self.call_as("hosting.iface.info", vec![id_value("id", id)?])?;
        Ok(iface.into())
    }

    /// How many interfaces the account has (`hosting.iface.count`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn count_interfaces(&self) -> Result<u64> {
        self.count("hosting.iface.count", Struct::new())
    }

    /// Every interface, over all pages (`hosting.iface.list`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_interfaces(&self) -> Result<Vec<Interface>> {
        self.list_all::<WireIface, Interface>("hosting.iface.list", Struct::new())
    }

    /// Interfaces in a VLAN (`hosting.iface.list` filtered by `vlan_id`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_vlan_interfaces(&self, vlan: &VlanId) -> Result<Vec<Interface>> {
        self.list_all::<WireIface, Interface>(
            "hosting.iface.list",
            Struct::new().with("vlan_id", id_value("vlan", vlan)?),
        )
    }

    /// The `iface_spec` for `hosting.iface.create` or the network keys of a `vm_spec`,
    /// validated against the region (and the VLAN, read first, for private interfaces).
    pub(crate) fn iface_spec(&self, region: &RegionId, spec: &IpSpec) -> Result<Struct> {
        let mut s = Struct::new().with("datacenter_id", id_value("region", region)?);
        if spec.address.is_some() && !matches!(spec.kind, IpSpecKind::Private(_)) {
            return Err(Error::invalid(
                "address",
                "an address can only be chosen for a private interface",
            ));
        }
        let bandwidth = spec.bandwidth_kbps.unwrap_or(DEFAULT_BANDWIDTH_KBPS);
        if bandwidth == 0 {
            return Err(Error::invalid("bandwidth_kbps", "must be more than 0"));
        }
        match &spec.kind {
            IpSpecKind::PublicV4 => s.insert("ip_version", 4),
            IpSpecKind::PublicV6 => s.insert("ip_version", 6),
            IpSpecKind::Private(vlan_id) => {
                wire_id("vlan", vlan_id)?;
                let vlan = self.vlan_info(vlan_id)?;
                if vlan.region != *region {
                    return Err(Error::invalid(
                        "region",
                        format!("VLAN {vlan_id} is in region {}, not {region}", vlan.region),
                    ));
                }
                s.insert("ip_version", 4);
                s.insert("vlan", id_value("vlan", vlan_id)?);
                if let Some(addr) = spec.address {
                    if let Some(subnet) = &vlan.subnet
                        && !Subnet::parse("subnet", subnet)?.contains(addr)
                    {
                        return Err(Error::invalid(
                            "address",
                            format!("{addr} is outside VLAN {}'s subnet {subnet}", vlan.name),
                        ));
                    }
                    s.insert("ip", addr.to_string());
                }
            }
            IpSpecKind::Existing(_) => {
                return Err(Error::invalid(
                    "spec",
                    "an existing interface cannot be created again",
                ));
            }
        }
        s.insert("bandwidth", i64::from(bandwidth));
        Ok(s)
    }

    /// Starts creating an interface with its address(es) (`hosting.iface.create`).
    ///
    /// # Errors
    /// `InvalidInput` for an existing-interface spec, a chosen public address, a VLAN in another
    /// region or an address outside the VLAN's subnet.
    pub fn submit_create_ip(&self, region: &RegionId, spec: &IpSpec) -> Result<Pending<Interface>> {
        let iface_spec = self.iface_spec(region, spec)?;
        let op = self.call_op("hosting.iface.create", vec![iface_spec.into()])?;
        let iface = op.interface_id.clone().ok_or_else(|| {
            unusable_answer(
                "hosting.iface.create",
                "params/param/value/struct[iface_id]",
                format!("operation {} does not name the new interface", op.id),
            )
        })?;
        let mut created = vec![ResourceId::Interface(iface.clone())];
        if let Some(ip) = &op.ip_id {
            created.push(ResourceId::Ip(ip.clone()));
        }
        Ok(Pending::new(
            format!("creating interface {iface}"),
            vec![op],
            created,
            move |c: &Client, _: &[Operation]| c.interface_info(&iface),
        ))
    }

    /// Starts deleting an interface and all its addresses (`hosting.iface.delete`). Refused
    /// here, without a call, while it is attached to a VM.
    ///
    /// # Errors
    /// `InvalidInput` naming the VM while attached.
    pub fn submit_delete_interface(&self, id: &InterfaceId) -> Result<Pending<()>> {
        wire_id("id", id)?;
        let iface = self.interface_info(id)?;
        if let Some(vm) = &iface.vm {
            return Err(Error::invalid(
                "id",
                format!("interface {id} is attached to VM {vm}; detach it first"),
            ));
        }
        let op = self.call_op("hosting.iface.delete", vec![id_value("id", id)?])?;
        Ok(Pending::done_when_finished(
            format!("deleting interface {id}"),
            op,
        ))
    }

    // ----- IPs -----

    /// One address (`hosting.ip.info`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn ip_info(&self, id: &IpId) -> Result<IpAddress> {
        let ip: WireIp = self.call_as("hosting.ip.info", vec![id_value("id", id)?])?;
        Ok(ip.into())
    }

    /// Every address matching `filter`, over all pages (`hosting.ip.list`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_ips(&self, filter: &IpFilter) -> Result<Vec<IpAddress>> {
        self.list_all::<WireIp, IpAddress>("hosting.ip.list", filter.to_struct()?)
    }

    /// Every address matching `filter`, lazily: pages are fetched as the iterator needs them.
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs in the filter; each item is a `Result` for the page calls.
    pub fn iter_ips(&self, filter: &IpFilter) -> Result<Paged<'_, IpAddress>> {
        Ok(self.pages::<WireIp, IpAddress>("hosting.ip.list", filter.to_struct()?))
    }

    /// How many addresses match `filter` (`hosting.ip.count`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn count_ips(&self, filter: &IpFilter) -> Result<u64> {
        self.count("hosting.ip.count", filter.to_struct()?)
    }

    /// The interface an address belongs to.
    pub(crate) fn interface_of(&self, ip: &IpId) -> Result<InterfaceId> {
        self.ip_info(ip)?
            .interface
            .ok_or_else(|| Error::invalid("ip", format!("IP {ip} is not on any interface")))
    }

    /// Starts deleting an address: its whole interface, with the sibling address.
    ///
    /// # Errors
    /// `InvalidInput` while the interface is attached.
    pub fn submit_delete_ip(&self, id: &IpId) -> Result<Pending<()>> {
        wire_id("id", id)?;
        let iface = self.interface_of(id)?;
        self.submit_delete_interface(&iface)
    }

    // ----- VLANs -----

    /// How many VLANs the account has (`hosting.vlan.count`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn count_vlans(&self) -> Result<u64> {
        self.count("hosting.vlan.count", Struct::new())
    }

    /// Every VLAN, over all pages (`hosting.vlan.list`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_vlans(&self) -> Result<Vec<Vlan>> {
        self.list_all::<WireVlan, Vlan>("hosting.vlan.list", Struct::new())
    }

    /// One VLAN (`hosting.vlan.info`).
    ///
    /// # Errors
    /// A not-found fault; transport or decode errors.
    pub fn vlan_info(&self, id: &VlanId) -> Result<Vlan> {
        let vlan: WireVlan = self.call_as("hosting.vlan.info", vec![id_value("id", id)?])?;
        Ok(vlan.into())
    }

    /// The VLAN named `name` (names are unique in an account).
    ///
    /// # Errors
    /// [`Error::NotFound`] with close names; [`Error::Ambiguous`] should Gandi ever list two.
    pub fn find_vlan(&self, name: &str) -> Result<Vlan> {
        validate::name("name", name)?;
        let mut found = self.vlans_listed_for(name)?;
        found.retain(|v| v.name == name);
        exactly_one("VLAN", name, found, || {
            Ok(self.list_vlans()?.into_iter().map(|v| v.name).collect())
        })
    }

    /// The VLANs Gandi lists for a `name` filter. The filter may match loosely: callers
    /// check the names themselves.
    fn vlans_listed_for(&self, name: &str) -> Result<Vec<Vlan>> {
        self.list_all::<WireVlan, Vlan>("hosting.vlan.list", Struct::new().with("name", name))
    }

    /// Starts creating a VLAN (`hosting.vlan.create`).
    ///
    /// Gandi's operation does not carry the new VLAN's ID. The SDK checks before the call that
    /// no VLAN has the name yet, and afterwards takes the one VLAN with that name that was not
    /// there before, so it cannot pick someone else's VLAN.
    ///
    /// # Errors
    /// `InvalidInput` for an empty or already used name, a bad subnet, or a gateway outside it.
    pub fn submit_create_vlan(&self, spec: &VlanSpec) -> Result<Pending<Vlan>> {
        validate::name("name", &spec.name)?;
        let mut s = Struct::new()
            .with("datacenter_id", id_value("region", &spec.region)?)
            .with("name", spec.name.as_str());
        let subnet = match &spec.subnet {
            Some(cidr) => {
                let subnet = Subnet::parse("subnet", cidr)?;
                s.insert("subnet", cidr.as_str());
                Some(subnet)
            }
            None => None,
        };
        if let Some(gw) = spec.gateway {
            match subnet {
                Some(sub) if !sub.contains(gw) => {
                    return Err(Error::invalid(
                        "gateway",
                        format!(
                            "{gw} is outside the subnet {}",
                            spec.subnet.as_deref().unwrap_or("")
                        ),
                    ));
                }
                None => return Err(Error::invalid("gateway", "a gateway needs a subnet")),
                _ => {}
            }
            s.insert("gateway", gw.to_string());
        }
        let listed = self.vlans_listed_for(&spec.name)?;
        if let Some(v) = listed.iter().find(|v| v.name == spec.name) {
            return Err(Error::invalid(
                "name",
                format!("VLAN {} already has the name {:?}", v.id, spec.name),
            ));
        }
        // A look-alike listed now could be renamed to this name meanwhile: never take it.
        let before: Vec<VlanId> = listed.into_iter().map(|v| v.id).collect();
        let op = self.call_op("hosting.vlan.create", vec![s.into()])?;
        let name = spec.name.clone();
        Ok(Pending::new(
            format!("creating VLAN {name:?}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| {
                let mut found = c.vlans_listed_for(&name)?;
                found.retain(|v| v.name == name && !before.contains(&v.id));
                exactly_one("VLAN", &name, found, || Ok(Vec::new()))
            },
        ))
    }

    /// Starts renaming a VLAN or changing its gateway (`hosting.vlan.update`).
    ///
    /// # Errors
    /// `InvalidInput` for an empty update, a bad name or a gateway outside the subnet.
    pub fn submit_update_vlan(&self, id: &VlanId, update: &VlanUpdate) -> Result<Pending<Vlan>> {
        wire_id("id", id)?;
        if update.name.is_none() && update.gateway.is_none() {
            return Err(Error::invalid("update", "nothing to change"));
        }
        let mut s = Struct::new();
        if let Some(name) = &update.name {
            validate::name("name", name)?;
            s.insert("name", name.as_str());
        }
        if let Some(gw) = update.gateway {
            let vlan = self.vlan_info(id)?;
            if let Some(cidr) = &vlan.subnet
                && !Subnet::parse("subnet", cidr)?.contains(gw)
            {
                return Err(Error::invalid(
                    "gateway",
                    format!("{gw} is outside the subnet {cidr}"),
                ));
            }
            s.insert("gateway", gw.to_string());
        }
        let op = self.call_op("hosting.vlan.update", vec![id_value("id", id)?, s.into()])?;
        let id = id.clone();
        Ok(Pending::new(
            format!("updating VLAN {id}"),
            vec![op],
            Vec::new(),
            move |c: &Client, _: &[Operation]| c.vlan_info(&id),
        ))
    }

    /// Starts deleting a VLAN (`hosting.vlan.delete`); refused here while interfaces remain.
    ///
    /// # Errors
    /// `InvalidInput` listing the interfaces still in it.
    pub fn submit_delete_vlan(&self, id: &VlanId) -> Result<Pending<()>> {
        wire_id("id", id)?;
        let ifaces = self.list_vlan_interfaces(id)?;
        if !ifaces.is_empty() {
            let ids: Vec<String> = ifaces.iter().map(|i| i.id.to_string()).collect();
            return Err(Error::invalid(
                "id",
                format!(
                    "VLAN {id} still has interfaces {}; delete them first",
                    ids.join(", ")
                ),
            ));
        }
        let op = self.call_op("hosting.vlan.delete", vec![id_value("id", id)?])?;
        Ok(Pending::done_when_finished(
            format!("deleting VLAN {id}"),
            op,
        ))
    }

    // ----- SSH keys (synchronous at Gandi) -----

    /// How many SSH keys the account has (`hosting.ssh.count`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn count_ssh_keys(&self) -> Result<u64> {
        self.count("hosting.ssh.count", Struct::new())
    }

    /// Every SSH key, over all pages, without values (`hosting.ssh.list`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_ssh_keys(&self) -> Result<Vec<SshKey>> {
        self.list_all::<WireSshKey, SshKey>("hosting.ssh.list", Struct::new())
    }

    /// One SSH key with its value and fingerprint (`hosting.ssh.info`).
    ///
    /// # Errors
    /// A not-found fault; transport or decode errors.
    pub fn ssh_key_info(&self, id: &SshKeyId) -> Result<SshKey> {
        let key: WireSshKey = self.call_as("hosting.ssh.info", vec![id_value("id", id)?])?;
        Ok(key.into())
    }

    /// The SSH key named `name`, with its value.
    ///
    /// # Errors
    /// [`Error::NotFound`] with close names, [`Error::Ambiguous`] when several share it.
    pub fn find_ssh_key(&self, name: &str) -> Result<SshKey> {
        validate::name("name", name)?;
        let mut found = self
            .list_all::<WireSshKey, SshKey>("hosting.ssh.list", Struct::new().with("name", name))?;
        found.retain(|k| k.name == name);
        let key = exactly_one("SSH key", name, found, || {
            Ok(self.list_ssh_keys()?.into_iter().map(|k| k.name).collect())
        })?;
        self.ssh_key_info(&key.id)
    }

    /// Stores a public key (`hosting.ssh.create`, synchronous).
    ///
    /// # Errors
    /// `InvalidInput` for an empty name or a value that is not an OpenSSH public key line.
    pub fn add_ssh_key(&self, name: &str, public_key: &str) -> Result<SshKey> {
        validate::name("name", name)?;
        validate::ssh_public_key("value", public_key)?;
        let spec = Struct::new()
            .with("name", name)
            .with("value", public_key.trim());
        let key: WireSshKey = self.call_as("hosting.ssh.create", vec![spec.into()])?;
        let key: SshKey = key.into();
        if key.value.is_some() {
            Ok(key)
        } else {
            self.ssh_key_info(&key.id)
        }
    }

    /// Deletes an SSH key (`hosting.ssh.delete`). A `false` answer is an error.
    ///
    /// # Errors
    /// [`Error::Refused`] when Gandi answers `false`; a not-found fault.
    pub fn remove_ssh_key(&self, id: &SshKeyId) -> Result<()> {
        let ok: bool = self.call_as("hosting.ssh.delete", vec![id_value("id", id)?])?;
        if ok {
            Ok(())
        } else {
            Err(Error::Refused {
                method: "hosting.ssh.delete".to_owned(),
                what: format!("SSH key {id} was not deleted"),
            })
        }
    }
}

/// The one item of `found`, the result of a lookup of `query` by name: [`Error::NotFound`] with
/// the close ones among `names()` when there is none, [`Error::Ambiguous`] when there are more.
fn exactly_one<T>(
    kind: &'static str,
    query: &str,
    mut found: Vec<T>,
    names: impl FnOnce() -> Result<Vec<String>>,
) -> Result<T> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::NotFound {
            kind,
            query: query.to_owned(),
            close: super::region::close_names(query, &names()?),
        }),
        count => Err(Error::Ambiguous {
            kind,
            query: query.to_owned(),
            count,
        }),
    }
}
