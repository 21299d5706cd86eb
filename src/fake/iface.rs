//! `hosting.iface.*` and `hosting.ip.*`: network interfaces, the addresses they carry, and
//! address allocation (documentation ranges only: 192.0.2.0/24, 198.51.100.0/24,
//! 203.0.113.0/24 for IPv4, 2001:db8::/32 for IPv6).

use std::collections::HashSet;
use std::net::Ipv4Addr;

use crate::xmlrpc::{Fault, Struct, Value};

use super::args::{Args, Spec};
use super::faults::{self, Cause, Obj};
use super::lists::{self, Row};
use super::operation::{Effect, OpIds};
use super::state::{Iface, Ip, Kind, State, now};
use super::vlan::Subnet;

/// Credits a public IPv4 address costs (IPv6 and private addresses are free).
pub(crate) const IPV4_COST: i64 = 10;

const IFACE_FIELDS: &[&str] = &[
    "id",
    "num",
    "type",
    "state",
    "bandwidth",
    "datacenter_id",
    "vm_id",
    "vlan",
    "vlan_id",
    "date_created",
    "date_updated",
];

const IP_FIELDS: &[&str] = &[
    "id",
    "ip",
    "version",
    "reverse",
    "num",
    "state",
    "iface_id",
    "datacenter_id",
    "vm_hostname",
    "date_created",
    "date_updated",
];

const PUBLIC_V4_RANGES: [[u8; 3]; 3] = [[192, 0, 2], [198, 51, 100], [203, 0, 113]];

/// The PTR name Gandi would give a public address.
fn default_reverse(ip: &str, version: i64) -> String {
    if version == 4 {
        let parts: Vec<&str> = ip.split('.').collect();
        match parts.as_slice() {
            [_, _, c, d] => format!("xvm-{c}-{d}.example.net"),
            _ => format!("xvm-{}.example.net", ip.replace('.', "-")),
        }
    } else {
        let groups: Vec<&str> = ip.rsplit(':').take(2).collect();
        format!(
            "xvm6-{}-{}.example.net",
            groups.get(1).unwrap_or(&"0"),
            groups[0]
        )
    }
}

impl State {
    /// The first free public IPv4 address, picked once against the set of addresses in use;
    /// the one "no address left" fault.
    pub(crate) fn free_public_v4(&self) -> Result<Ipv4Addr, Fault> {
        let used: HashSet<Ipv4Addr> = self
            .ips
            .values()
            .filter(|ip| ip.version == 4)
            .filter_map(|ip| ip.ip.parse().ok())
            .collect();
        PUBLIC_V4_RANGES
            .iter()
            .flat_map(|&[a, b, c]| (1..=254u8).map(move |d| Ipv4Addr::new(a, b, c, d)))
            .find(|candidate| !used.contains(candidate))
            .ok_or_else(|| faults::app(Obj::Ip, Cause::Failure, "no public IPv4 address left"))
    }

    /// The IPv4 address a new public interface of `version` will carry (none for IPv6 only),
    /// picked before anything is charged or created.
    pub(crate) fn plan_public_v4(&self, version: i64) -> Result<Option<Ipv4Addr>, Fault> {
        if version == 4 {
            self.free_public_v4().map(Some)
        } else {
            Ok(None)
        }
    }

    fn new_ip(&mut self, iface: i64, dc: i64, version: i64, address: String, num: i64) -> i64 {
        let id = self.next_id(Kind::Ip);
        let at = now();
        let reverse = if self.is_private(iface) {
            String::new()
        } else {
            default_reverse(&address, version)
        };
        self.ips.insert(
            id,
            Ip {
                id,
                ip: address,
                version,
                reverse,
                num,
                state: "being_created",
                iface_id: iface,
                datacenter_id: dc,
                created: at,
                updated: at,
            },
        );
        id
    }

    fn is_private(&self, iface: i64) -> bool {
        self.ifaces.get(&iface).is_some_and(|i| i.kind == "private")
    }

    fn new_iface(&mut self, dc: i64, kind: &'static str, bandwidth: f64, vlan: Option<i64>) -> i64 {
        let id = self.next_id(Kind::Iface);
        let at = now();
        self.ifaces.insert(
            id,
            Iface {
                id,
                kind,
                state: "being_created",
                bandwidth,
                datacenter_id: dc,
                vm_id: None,
                ips: Vec::new(),
                vlan,
                created: at,
                updated: at,
            },
        );
        id
    }

    /// Creates a public interface with its addresses (`v4`, from [`Self::plan_public_v4`],
    /// + v6, or v6 only); returns the interface id and its first address id.
    pub(crate) fn new_public_iface(
        &mut self,
        dc: i64,
        v4: Option<Ipv4Addr>,
        bandwidth: f64,
    ) -> (i64, i64) {
        let iface = self.new_iface(dc, "public", bandwidth, None);
        let mut ips = Vec::new();
        if let Some(v4) = v4 {
            ips.push(self.new_ip(iface, dc, 4, v4.to_string(), 0));
        }
        self.next_v6 += 1;
        let n = self.next_v6;
        let v6 = format!(
            "2001:db8:dc{dc:x}:1:216:3eff:fe{:02x}:{:x}",
            (n >> 16) & 0xff,
            n & 0xffff
        );
        let num = i64::try_from(ips.len()).unwrap_or(0);
        ips.push(self.new_ip(iface, dc, 6, v6, num));
        let first = ips[0];
        if let Some(i) = self.ifaces.get_mut(&iface) {
            i.ips = ips;
        }
        (iface, first)
    }

    /// The addresses of a VLAN's subnet already taken.
    fn vlan_addresses(&self, vlan: i64) -> HashSet<Ipv4Addr> {
        self.ifaces
            .values()
            .filter(|i| i.vlan == Some(vlan))
            .flat_map(|i| i.ips.iter())
            .filter_map(|ip| self.ips.get(ip))
            .filter_map(|ip| ip.ip.parse().ok())
            .collect()
    }

    /// An interface's struct; `info` adds its `ips`.
    pub(crate) fn iface_struct(&self, i: &Iface, info: bool) -> Struct {
        let num = match (i.kind, i.vm_id.and_then(|vm| self.vms.get(&vm))) {
            ("public", Some(vm)) => vm
                .ifaces
                .iter()
                .position(|x| *x == i.id)
                .and_then(|p| i64::try_from(p).ok()),
            _ => None,
        };
        let vlan = i
            .vlan
            .and_then(|v| self.vlans.get(&v))
            .map(|v| Value::Struct(Struct::new().with("id", v.id).with("name", v.name.as_str())));
        let mut s = Struct::new()
            .with("id", i.id)
            .with("num", num)
            .with("type", i.kind)
            .with("state", i.state)
            .with("bandwidth", i.bandwidth)
            .with("datacenter_id", i.datacenter_id)
            .with("vm_id", i.vm_id)
            .with("ips_id", i.ips.clone())
            .with("vlan", vlan.unwrap_or(Value::Nil))
            .with("date_created", i.created)
            .with("date_updated", i.updated);
        if info {
            let ips: Vec<Value> = i
                .ips
                .iter()
                .filter_map(|ip| self.ips.get(ip))
                .map(|ip| Value::Struct(Self::ip_struct(ip)))
                .collect();
            s.insert("ips", Value::Array(ips));
        }
        s
    }

    fn iface_rows(&self) -> Vec<Row> {
        self.ifaces
            .values()
            .map(|i| {
                let out = self.iface_struct(i, false);
                let vlan = i.vlan.and_then(|v| self.vlans.get(&v));
                let view = out
                    .clone()
                    .with("vlan", vlan.map(|v| v.name.clone()))
                    .with("vlan_id", i.vlan);
                Row { view, out }
            })
            .collect()
    }

    /// `hosting.iface.list(key[, opts])`.
    pub(crate) fn iface_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(
            self.iface_rows(),
            args.opt_struct(0)?,
            Obj::Iface,
            IFACE_FIELDS,
        )
    }

    /// `hosting.iface.count(key[, opts])`.
    pub(crate) fn iface_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(
            self.iface_rows(),
            args.opt_struct(0)?,
            Obj::Iface,
            IFACE_FIELDS,
        )
    }

    /// `hosting.iface.info(key, iface_id)`.
    pub(crate) fn iface_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let i = self.iface(args.int(0)?)?;
        Ok(Value::Struct(self.iface_struct(i, true)))
    }

    /// `hosting.iface.create(key, iface_spec)`: public (v4 + v6 or v6) or private (`vlan`).
    pub(crate) fn iface_create(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = Spec::new(
            args.structure(0)?,
            Obj::Iface,
            &["datacenter_id", "ip_version", "bandwidth", "vlan", "ip"],
        )?;
        let dc = spec.req_int("datacenter_id")?;
        self.catalog.datacenter(dc)?;
        let bandwidth = spec.number("bandwidth")?.unwrap_or(102_400.0);
        if bandwidth <= 0.0 {
            return Err(faults::bad(Obj::Iface, "bandwidth must be positive"));
        }
        let version = spec.int("ip_version")?;
        let wanted_ip = spec.string("ip")?;
        let (iface, ip) = match spec.int("vlan")? {
            Some(vlan_id) => {
                if version.is_some_and(|v| v != 4) {
                    return Err(faults::bad(
                        Obj::Iface,
                        "a private iface must use ip_version 4",
                    ));
                }
                let vlan = self.vlan(vlan_id)?;
                if vlan.datacenter_id != dc {
                    return Err(faults::bad(
                        Obj::Vlan,
                        format!("vlan#{vlan_id} is not in datacenter {dc}"),
                    ));
                }
                let subnet = Subnet::parse(&vlan.subnet)?;
                let gateway: Option<Ipv4Addr> =
                    vlan.gateway.as_deref().and_then(|g| g.parse().ok());
                let taken = self.vlan_addresses(vlan_id);
                let address = match wanted_ip {
                    Some(text) => {
                        let addr: Ipv4Addr = text.parse().map_err(|_| {
                            faults::bad(Obj::Ip, format!("'{text}' is not an IPv4 address"))
                        })?;
                        if !subnet.is_host(addr) || Some(addr) == gateway {
                            return Err(faults::bad(
                                Obj::Ip,
                                format!("{addr} is not a free host address of {}", vlan.subnet),
                            ));
                        }
                        if taken.contains(&addr) {
                            return Err(faults::app(
                                Obj::Ip,
                                Cause::Exists,
                                format!("{addr} is already used in vlan#{vlan_id}"),
                            ));
                        }
                        addr
                    }
                    None => subnet
                        .hosts()
                        .find(|a| Some(*a) != gateway && !taken.contains(a))
                        .ok_or_else(|| {
                            faults::app(
                                Obj::Ip,
                                Cause::Failure,
                                format!("no free address left in vlan#{vlan_id}"),
                            )
                        })?,
                };
                self.check_open(dc)?;
                let iface = self.new_iface(dc, "private", bandwidth, Some(vlan_id));
                let ip = self.new_ip(iface, dc, 4, address.to_string(), 0);
                if let Some(i) = self.ifaces.get_mut(&iface) {
                    i.ips = vec![ip];
                }
                (iface, ip)
            }
            None => {
                if wanted_ip.is_some() {
                    return Err(faults::bad(
                        Obj::Iface,
                        "ip can only be chosen inside a vlan",
                    ));
                }
                let version = version.ok_or_else(|| spec.missing("ip_version"))?;
                if version != 4 && version != 6 {
                    return Err(faults::bad(
                        Obj::Iface,
                        format!("ip_version must be 4 or 6, not {version}"),
                    ));
                }
                let v4 = self.plan_public_v4(version)?;
                self.check_open(dc)?;
                self.charge(if v4.is_some() { IPV4_COST } else { 0 })?;
                self.new_public_iface(dc, v4, bandwidth)
            }
        };
        Ok(self.start_op(
            "iface_create",
            Effect::IfaceCreate(iface),
            OpIds {
                iface: Some(iface),
                ip: Some(ip),
                ..OpIds::default()
            },
            Struct::new(),
        ))
    }

    fn iface_op(&mut self, kind: &'static str, iface: i64, effect: Effect, extra: Struct) -> Value {
        self.start_op(kind, effect, OpIds::iface(iface), extra)
    }

    /// `hosting.iface.update(key, iface_id, {bandwidth})`.
    pub(crate) fn iface_update(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let spec = Spec::new(args.structure(1)?, Obj::Iface, &["bandwidth"])?;
        self.iface(id)?;
        let bandwidth = spec
            .number("bandwidth")?
            .ok_or_else(|| spec.missing("bandwidth"))?;
        if bandwidth <= 0.0 {
            return Err(faults::bad(Obj::Iface, "bandwidth must be positive"));
        }
        Ok(self.iface_op(
            "iface_update",
            id,
            Effect::IfaceUpdate(id, bandwidth),
            Struct::new(),
        ))
    }

    /// `hosting.iface.delete(key, iface_id)`: detached interfaces only; removes their IPs.
    pub(crate) fn iface_delete(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let iface = self.iface(id)?;
        if let Some(vm) = iface.vm_id {
            return Err(faults::app(
                Obj::Iface,
                Cause::Attached,
                format!("iface#{id} is attached to vm#{vm}"),
            ));
        }
        if iface.state == "being_created" {
            return Err(faults::state(
                Obj::Iface,
                format!("iface#{id} is being created"),
            ));
        }
        Ok(self.iface_op("iface_delete", id, Effect::IfaceDelete(id), Struct::new()))
    }

    /// `hosting.iface.migrate(key, iface_id, datacenter_id)`: detached interfaces only.
    pub(crate) fn iface_migrate(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let to = args.int(1)?;
        let iface = self.iface(id)?;
        if let Some(vm) = iface.vm_id {
            return Err(faults::app(
                Obj::Iface,
                Cause::Attached,
                format!("iface#{id} is attached to vm#{vm}"),
            ));
        }
        if iface.kind == "private" {
            return Err(faults::bad(Obj::Iface, format!("iface#{id} is private")));
        }
        let from = iface.datacenter_id;
        self.catalog.datacenter(to)?;
        if !self.catalog.datacenter(from)?.can_migrate_to.contains(&to) {
            return Err(faults::app(
                Obj::Datacenter,
                Cause::NoRight,
                format!("iface#{id} cannot be migrated to datacenter {to}"),
            ));
        }
        let extra = Struct::new().with("from_dc_id", from).with("to_dc_id", to);
        Ok(self.iface_op(
            "hosting_migration_iface",
            id,
            Effect::IfaceMigrate { iface: id, to },
            extra,
        ))
    }

    /// An address's struct.
    pub(crate) fn ip_struct(ip: &Ip) -> Struct {
        Struct::new()
            .with("id", ip.id)
            .with("ip", ip.ip.as_str())
            .with("version", ip.version)
            .with("reverse", ip.reverse.as_str())
            .with("num", ip.num)
            .with("state", ip.state)
            .with("iface_id", ip.iface_id)
            .with("datacenter_id", ip.datacenter_id)
            .with("date_created", ip.created)
            .with("date_updated", ip.updated)
    }

    fn ip_rows(&self) -> Vec<Row> {
        self.ips
            .values()
            .map(|ip| {
                let out = Self::ip_struct(ip);
                let view = out.clone().with(
                    "vm_hostname",
                    self.iface_hostname(ip.iface_id).map(str::to_owned),
                );
                Row { view, out }
            })
            .collect()
    }

    /// `hosting.ip.list(key[, opts])`.
    pub(crate) fn ip_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(self.ip_rows(), args.opt_struct(0)?, Obj::Ip, IP_FIELDS)
    }

    /// `hosting.ip.count(key[, opts])`.
    pub(crate) fn ip_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(self.ip_rows(), args.opt_struct(0)?, Obj::Ip, IP_FIELDS)
    }

    /// `hosting.ip.info(key, ip_id)`.
    pub(crate) fn ip_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let ip = self.ip(args.int(0)?)?;
        Ok(Value::Struct(Self::ip_struct(ip)))
    }

    /// `hosting.ip.update(key, ip_id, {reverse})`.
    pub(crate) fn ip_update(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let spec = Spec::new(args.structure(1)?, Obj::Ip, &["reverse"])?;
        self.ip(id)?;
        let reverse = spec
            .string("reverse")?
            .ok_or_else(|| spec.missing("reverse"))?;
        let valid = reverse.len() <= 253
            && reverse.trim_end_matches('.').split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !valid {
            return Err(faults::bad(Obj::Ip, format!("invalid reverse '{reverse}'")));
        }
        Ok(self.start_op(
            "ip_update",
            Effect::IpUpdate(id, reverse.to_owned()),
            OpIds::ip(id),
            Struct::new(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::default_reverse;

    #[test]
    fn reverse_names_look_like_gandis() {
        assert_eq!(default_reverse("192.0.2.17", 4), "xvm-2-17.example.net");
        assert_eq!(
            default_reverse("2001:db8:dc6:1:216:3eff:fe40:2101", 6),
            "xvm6-fe40-2101.example.net"
        );
    }
}
