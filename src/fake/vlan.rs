//! `hosting.vlan.*`: private networks, their subnet and gateway.

use std::net::{IpAddr, Ipv4Addr};

use crate::v4::validate;
use crate::xmlrpc::{Fault, Struct, Value};

use super::args::{Args, Spec};
use super::faults::{self, Cause, Obj};
use super::lists::{self, Row};
use super::operation::{Effect, OpIds};
use super::state::{Kind, State, Vlan};

/// The subnet a VLAN gets when none is given (VLANs are isolated, so they may all share it).
pub(crate) const DEFAULT_SUBNET: &str = "192.168.0.0/24";

const VLAN_FIELDS: &[&str] = &[
    "id",
    "name",
    "datacenter_id",
    "subnet",
    "gateway",
    "state",
    "uuid",
];

/// An IPv4 CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Subnet {
    network: u32,
    prefix: u32,
}

impl Subnet {
    /// Parses `a.b.c.d/n` with the client's CIDR rules ([`validate::Subnet`]: no host bits
    /// set), narrowed to IPv4 with 16 ≤ n ≤ 30.
    pub(crate) fn parse(text: &str) -> Result<Self, Fault> {
        let bad = || faults::bad(Obj::Vlan, format!("invalid subnet '{text}'"));
        let cidr = validate::Subnet::parse("subnet", text).map_err(|_| bad())?;
        let IpAddr::V4(network) = cidr.network() else {
            return Err(bad());
        };
        let prefix = u32::from(cidr.prefix());
        if !(16..=30).contains(&prefix) {
            return Err(bad());
        }
        Ok(Self {
            network: u32::from(network),
            prefix,
        })
    }

    fn mask(self) -> u32 {
        u32::MAX << (32 - self.prefix)
    }

    /// Whether `addr` is a usable host address (not the network or broadcast address).
    pub(crate) fn is_host(self, addr: Ipv4Addr) -> bool {
        let a = u32::from(addr);
        let broadcast = self.network | !self.mask();
        a & self.mask() == self.network && a != self.network && a != broadcast
    }

    /// The host addresses, in order.
    pub(crate) fn hosts(self) -> impl Iterator<Item = Ipv4Addr> {
        let broadcast = self.network | !self.mask();
        (self.network + 1..broadcast).map(Ipv4Addr::from)
    }
}

fn check_name(name: &str) -> Result<(), Fault> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(faults::bad(
            Obj::Vlan,
            format!("invalid vlan name '{name}'"),
        ))
    }
}

fn check_gateway(subnet: &str, gateway: &str) -> Result<(), Fault> {
    let net = Subnet::parse(subnet)?;
    let addr: Ipv4Addr = gateway
        .parse()
        .map_err(|_| faults::bad(Obj::Vlan, format!("invalid gateway '{gateway}'")))?;
    if !net.is_host(addr) {
        return Err(faults::bad(
            Obj::Vlan,
            format!("gateway {gateway} is not a host address of {subnet}"),
        ));
    }
    Ok(())
}

impl State {
    fn vlan_struct(v: &Vlan) -> Struct {
        Struct::new()
            .with("id", v.id)
            .with("name", v.name.as_str())
            .with("datacenter_id", v.datacenter_id)
            .with("subnet", v.subnet.as_str())
            .with("gateway", v.gateway.clone())
            .with("state", v.state)
            .with("uuid", v.uuid)
    }

    fn vlan_rows(&self) -> Vec<Row> {
        self.vlans
            .values()
            .map(|v| Row::plain(Self::vlan_struct(v)))
            .collect()
    }

    fn check_unique_name(&self, name: &str, except: Option<i64>) -> Result<(), Fault> {
        if self
            .vlans
            .values()
            .any(|v| v.name == name && Some(v.id) != except)
        {
            return Err(faults::app(
                Obj::Vlan,
                Cause::Exists,
                format!("a vlan named '{name}' already exists"),
            ));
        }
        Ok(())
    }

    /// `hosting.vlan.list(key[, opts])`.
    pub(crate) fn vlan_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(
            self.vlan_rows(),
            args.opt_struct(0)?,
            Obj::Vlan,
            VLAN_FIELDS,
        )
    }

    /// `hosting.vlan.count(key[, opts])`.
    pub(crate) fn vlan_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(
            self.vlan_rows(),
            args.opt_struct(0)?,
            Obj::Vlan,
            VLAN_FIELDS,
        )
    }

    /// `hosting.vlan.info(key, vlan_id)`.
    pub(crate) fn vlan_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        Ok(Value::Struct(Self::vlan_struct(self.vlan(args.int(0)?)?)))
    }

    /// `hosting.vlan.create(key, {name, datacenter_id, subnet, gateway})`. Its operation
    /// carries no vlan id, as Gandi's does not: clients find the VLAN by name.
    pub(crate) fn vlan_create(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = Spec::new(
            args.structure(0)?,
            Obj::Vlan,
            &["name", "datacenter_id", "subnet", "gateway"],
        )?;
        let name = spec.req_string("name")?;
        check_name(name)?;
        let dc = spec.req_int("datacenter_id")?;
        self.catalog.datacenter(dc)?;
        let subnet = spec.string("subnet")?.unwrap_or(DEFAULT_SUBNET);
        Subnet::parse(subnet)?;
        let gateway = spec.string("gateway")?;
        if let Some(g) = gateway {
            check_gateway(subnet, g)?;
        }
        self.check_unique_name(name, None)?;
        self.check_open(dc)?;
        let id = self.next_id(Kind::Vlan);
        self.vlans.insert(
            id,
            Vlan {
                id,
                name: name.to_owned(),
                datacenter_id: dc,
                subnet: subnet.to_owned(),
                gateway: gateway.map(str::to_owned),
                state: "being_created",
                uuid: 4000 + id,
            },
        );
        let extra = Struct::new().with("name", name).with("datacenter_id", dc);
        Ok(self.start_op(
            "vlan_create",
            Effect::VlanCreate(id),
            OpIds::default(),
            extra,
        ))
    }

    /// `hosting.vlan.update(key, vlan_id, {name, gateway})`.
    pub(crate) fn vlan_update(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let spec = Spec::new(args.structure(1)?, Obj::Vlan, &["name", "gateway"])?;
        let vlan = self.vlan(id)?;
        let subnet = vlan.subnet.clone();
        let name = spec.string("name")?.map(str::to_owned);
        if let Some(n) = &name {
            check_name(n)?;
            self.check_unique_name(n, Some(id))?;
        }
        let gateway = spec.string("gateway")?.map(str::to_owned);
        if let Some(g) = &gateway {
            check_gateway(&subnet, g)?;
        }
        Ok(self.start_op(
            "vlan_update",
            Effect::VlanUpdate {
                vlan: id,
                name,
                gateway,
            },
            OpIds::default(),
            Struct::new(),
        ))
    }

    /// `hosting.vlan.delete(key, vlan_id)`: refused while interfaces use it.
    pub(crate) fn vlan_delete(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        self.vlan(id)?;
        let used = self.ifaces.values().filter(|i| i.vlan == Some(id)).count();
        if used > 0 {
            return Err(faults::app(
                Obj::Vlan,
                Cause::Attached,
                format!("vlan#{id} still has {used} interfaces attached"),
            ));
        }
        Ok(self.start_op(
            "vlan_delete",
            Effect::VlanDelete(id),
            OpIds::default(),
            Struct::new(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_must_be_network_addresses() {
        assert!(Subnet::parse("10.0.0.0/24").is_ok());
        assert!(Subnet::parse("10.0.0.1/24").is_err());
        assert!(Subnet::parse("10.0.0.0").is_err());
        assert!(Subnet::parse("10.0.0.0/31").is_err());
        assert!(Subnet::parse("10.0.0.0/15").is_err());
        assert!(Subnet::parse("2001:db8::/32").is_err());
        let net = Subnet::parse("10.0.0.0/30").unwrap();
        let hosts: Vec<String> = net.hosts().map(|a| a.to_string()).collect();
        assert_eq!(hosts, ["10.0.0.1", "10.0.0.2"]);
        assert!(!net.is_host("10.0.0.3".parse().unwrap()));
    }
}
