//! Gandi v4 wire structs (what `*.info` and `*.list` return) and their conversion into the
//! version-neutral model. Decoding is lenient (see [`super::lenient`]); only an object's own
//! `id` is required.

use std::net::IpAddr;

use serde::Deserialize;
use time::PrimitiveDateTime;

use super::lenient::{
    int_list, list, opt_bool, opt_datetime, opt_f64, opt_int, opt_string, opt_struct,
};
use crate::model::{
    Disk, DiskId, DiskImage, DiskKind, DiskState, ImageId, Interface, InterfaceId, InterfaceKind,
    InterfaceState, IpAddress, IpId, IpState, IpVersion, Operation, OperationId, OperationStep,
    Region, RegionAvailability, RegionId, SnapshotProfileId, SshKey, SshKeyId, Vlan, VlanId,
    VlanRef, Vm, VmId, VmState,
};

fn mb_to_gb(mb: i64) -> u64 {
    let mb = u64::try_from(mb).unwrap_or(0);
    mb.div_ceil(1024)
}

pub(super) fn to_u32(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

pub(super) fn to_u64(v: Option<i64>) -> Option<u64> {
    v.and_then(|v| u64::try_from(v).ok())
}

/// An operation, in either shape (create/update answer or `operation.info`).
#[derive(Debug, Deserialize)]
pub(crate) struct WireOperation {
    pub(crate) id: i64,
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    pub(crate) kind: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub(crate) step: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) eta: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub(crate) last_error: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) vm_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) disk_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) iface_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) ip_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_struct")]
    pub(crate) params: Option<WireOperationParams>,
    #[serde(default, deserialize_with = "opt_datetime")]
    pub(crate) date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    pub(crate) date_start: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    pub(crate) date_updated: Option<PrimitiveDateTime>,
}

/// The `params` struct of `operation.info`, where older answers keep the object IDs.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireOperationParams {
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) vm_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) disk_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) iface_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) ip_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub(crate) inner_step: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) from_dc_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub(crate) to_dc_id: Option<i64>,
}

impl From<WireOperation> for Operation {
    fn from(w: WireOperation) -> Self {
        let params = w.params.unwrap_or_default();
        Operation {
            id: OperationId::from(w.id),
            kind: w.kind.unwrap_or_default(),
            step: OperationStep::parse(w.step.as_deref().unwrap_or("")),
            eta: w.eta,
            last_error: w.last_error,
            vm_id: w.vm_id.or(params.vm_id).map(VmId::from),
            disk_id: w.disk_id.or(params.disk_id).map(DiskId::from),
            interface_id: w.iface_id.or(params.iface_id).map(InterfaceId::from),
            ip_id: w.ip_id.or(params.ip_id).map(IpId::from),
            stage: params.inner_step,
            from_region: params.from_dc_id.map(RegionId::from),
            to_region: params.to_dc_id.map(RegionId::from),
            created_at: w.date_created,
            started_at: w.date_start,
            updated_at: w.date_updated,
        }
    }
}

/// `hosting.datacenter.list` entries.
#[derive(Debug, Deserialize)]
pub(crate) struct WireDatacenter {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    dc_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    country: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    iso: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    iaas_closed_for: Option<String>,
    #[serde(default, deserialize_with = "opt_datetime_or_text")]
    deactivate_at: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "int_list")]
    can_migrate_to: Vec<i64>,
}

/// `deactivate_at` is documented as a string but seen as a date: accept both, and treat text
/// that is not a date as unknown rather than failing.
fn opt_datetime_or_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<PrimitiveDateTime>, D::Error> {
    Ok(opt_string(d)?.and_then(|t| crate::xmlrpc::parse_datetime(&t)))
}

impl From<WireDatacenter> for Region {
    fn from(w: WireDatacenter) -> Self {
        Region {
            id: RegionId::from(w.id),
            code: w.dc_code.unwrap_or_default(),
            name: w.name.unwrap_or_default(),
            country: w.country.unwrap_or_default(),
            iso: w.iso.unwrap_or_default(),
            availability: w
                .iaas_closed_for
                .as_deref()
                .map_or(RegionAvailability::Open, RegionAvailability::parse),
            deactivate_at: w.deactivate_at,
            migration_targets: w.can_migrate_to.into_iter().map(RegionId::from).collect(),
        }
    }
}

/// `hosting.image.list` entries.
#[derive(Debug, Deserialize)]
pub(crate) struct WireImage {
    id: i64,
    disk_id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    label: Option<String>,
    datacenter_id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    os_arch: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    kernel_version: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    size: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_updated: Option<PrimitiveDateTime>,
}

impl From<WireImage> for DiskImage {
    fn from(w: WireImage) -> Self {
        DiskImage {
            id: ImageId::from(w.id),
            source_disk: DiskId::from(w.disk_id),
            name: w.label.unwrap_or_default(),
            region: RegionId::from(w.datacenter_id),
            arch: w.os_arch,
            kernel_version: w.kernel_version,
            size_gb: w.size.map(mb_to_gb),
            visibility: w.visibility,
            created_at: w.date_created,
            updated_at: w.date_updated,
        }
    }
}

/// A snapshot profile as nested in disk details.
#[derive(Debug, Deserialize)]
pub(crate) struct WireProfileRef {
    #[serde(default, deserialize_with = "opt_int")]
    id: Option<i64>,
}

/// `hosting.disk.info` / `list`, and disks nested in `hosting.vm.info`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireDisk {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    size: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    datacenter_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    state: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    is_boot_disk: Option<bool>,
    #[serde(default, deserialize_with = "int_list")]
    vms_id: Vec<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    can_snapshot: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    kernel_version: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    label: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    source: Option<i64>,
    #[serde(default, deserialize_with = "opt_struct")]
    snapshot_profile: Option<WireProfileRef>,
    #[serde(default, deserialize_with = "opt_int")]
    snapshot_profile_id: Option<i64>,
    #[serde(default, deserialize_with = "int_list")]
    snapshots_id: Vec<i64>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_updated: Option<PrimitiveDateTime>,
}

impl WireDisk {
    pub(crate) fn into_model(self, fallback_region: Option<i64>) -> Disk {
        let size_mb = u64::try_from(self.size.unwrap_or(0)).unwrap_or(0);
        let profile = self
            .snapshot_profile_id
            .or(self.snapshot_profile.and_then(|p| p.id));
        Disk {
            id: DiskId::from(self.id),
            name: self.name.unwrap_or_default(),
            size_gb: size_mb.div_ceil(1024),
            size_mb,
            region: RegionId::from(self.datacenter_id.or(fallback_region).unwrap_or(0)),
            state: DiskState::parse(self.state.as_deref().unwrap_or("")),
            kind: DiskKind::parse(self.kind.as_deref().unwrap_or("data")),
            is_boot_disk: self.is_boot_disk.unwrap_or(false),
            vm_ids: self.vms_id.into_iter().map(VmId::from).collect(),
            can_snapshot: self.can_snapshot,
            kernel_version: self.kernel_version,
            image_label: self.label,
            source: self.source.map(DiskId::from),
            snapshot_profile: profile.map(SnapshotProfileId::from),
            snapshot_ids: self.snapshots_id.into_iter().map(DiskId::from).collect(),
            created_at: self.date_created,
            updated_at: self.date_updated,
        }
    }
}

/// `hosting.ip.info` / `list`, and IPs nested in interfaces.
#[derive(Debug, Deserialize)]
pub(crate) struct WireIp {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    ip: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    version: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    reverse: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    num: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    iface_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    datacenter_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_updated: Option<PrimitiveDateTime>,
}

impl WireIp {
    pub(crate) fn into_model(self, fallback_region: Option<i64>, iface: Option<i64>) -> IpAddress {
        let address = self.ip.as_deref().and_then(|s| s.parse::<IpAddr>().ok());
        let version = match (self.version, address) {
            (Some(6), _) | (None, Some(IpAddr::V6(_))) => IpVersion::V6,
            _ => IpVersion::V4,
        };
        IpAddress {
            id: IpId::from(self.id),
            address,
            version,
            reverse: self.reverse,
            position: to_u32(self.num),
            state: IpState::parse(self.state.as_deref().unwrap_or("")),
            interface: self.iface_id.or(iface).map(InterfaceId::from),
            region: RegionId::from(self.datacenter_id.or(fallback_region).unwrap_or(0)),
            created_at: self.date_created,
            updated_at: self.date_updated,
        }
    }
}

/// The VLAN nested in a private interface.
#[derive(Debug, Deserialize)]
pub(crate) struct WireVlanRef {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
}

/// `hosting.iface.info` / `list`, and interfaces nested in `hosting.vm.info`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireIface {
    id: i64,
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    datacenter_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    vm_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    num: Option<i64>,
    #[serde(default, deserialize_with = "opt_f64")]
    bandwidth: Option<f64>,
    #[serde(default, deserialize_with = "opt_struct")]
    vlan: Option<WireVlanRef>,
    #[serde(default, deserialize_with = "int_list")]
    ips_id: Vec<i64>,
    #[serde(default, deserialize_with = "list")]
    ips: Vec<WireIp>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_updated: Option<PrimitiveDateTime>,
}

impl WireIface {
    pub(crate) fn into_model(self, fallback_region: Option<i64>, vm: Option<i64>) -> Interface {
        let region = self.datacenter_id.or(fallback_region);
        let id = self.id;
        let ips: Vec<IpAddress> = self
            .ips
            .into_iter()
            .map(|ip| ip.into_model(region, Some(id)))
            .collect();
        let mut ip_ids: Vec<IpId> = self.ips_id.into_iter().map(IpId::from).collect();
        if ip_ids.is_empty() {
            ip_ids = ips.iter().map(|ip| ip.id.clone()).collect();
        }
        Interface {
            id: InterfaceId::from(id),
            kind: InterfaceKind::parse(self.kind.as_deref().unwrap_or("public")),
            state: InterfaceState::parse(self.state.as_deref().unwrap_or("")),
            region: RegionId::from(region.unwrap_or(0)),
            vm: self.vm_id.or(vm).map(VmId::from),
            position: to_u32(self.num),
            bandwidth_kbps: self.bandwidth,
            vlan: self.vlan.map(|v| VlanRef {
                id: VlanId::from(v.id),
                name: v.name.unwrap_or_default(),
            }),
            ip_ids,
            ips,
            created_at: self.date_created,
            updated_at: self.date_updated,
        }
    }
}

/// `hosting.vm.info` / `list`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireVm {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    hostname: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    cores: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    memory: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    vm_max_memory: Option<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    console: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    console_url: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    datacenter_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    farm: Option<String>,
    #[serde(default, deserialize_with = "int_list")]
    disks_id: Vec<i64>,
    #[serde(default, deserialize_with = "int_list")]
    ifaces_id: Vec<i64>,
    #[serde(default, deserialize_with = "list")]
    disks: Vec<WireDisk>,
    #[serde(default, deserialize_with = "list")]
    ifaces: Vec<WireIface>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_created: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "opt_datetime")]
    date_updated: Option<PrimitiveDateTime>,
}

impl From<WireVm> for Vm {
    fn from(w: WireVm) -> Self {
        let region = w.datacenter_id;
        let id = w.id;
        let disks: Vec<Disk> = w.disks.into_iter().map(|d| d.into_model(region)).collect();
        let interfaces: Vec<Interface> = w
            .ifaces
            .into_iter()
            .map(|i| i.into_model(region, Some(id)))
            .collect();
        let mut disk_ids: Vec<DiskId> = w.disks_id.into_iter().map(DiskId::from).collect();
        if disk_ids.is_empty() {
            disk_ids = disks.iter().map(|d| d.id.clone()).collect();
        }
        let mut interface_ids: Vec<InterfaceId> =
            w.ifaces_id.into_iter().map(InterfaceId::from).collect();
        if interface_ids.is_empty() {
            interface_ids = interfaces.iter().map(|i| i.id.clone()).collect();
        }
        Vm {
            id: VmId::from(id),
            hostname: w.hostname.unwrap_or_default(),
            state: VmState::parse(w.state.as_deref().unwrap_or("")),
            cores: to_u32(w.cores).unwrap_or(0),
            memory_mb: to_u64(w.memory).unwrap_or(0),
            max_memory_mb: to_u64(w.vm_max_memory),
            console: w.console.unwrap_or(false),
            console_url: w.console_url,
            region: RegionId::from(region.unwrap_or(0)),
            description: w.description,
            farm: w.farm,
            disk_ids,
            interface_ids,
            disks,
            interfaces,
            created_at: w.date_created,
            updated_at: w.date_updated,
        }
    }
}

/// `hosting.vlan.info` / `list`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireVlan {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    datacenter_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    subnet: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    gateway: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    state: Option<String>,
}

impl From<WireVlan> for Vlan {
    fn from(w: WireVlan) -> Self {
        Vlan {
            id: VlanId::from(w.id),
            name: w.name.unwrap_or_default(),
            region: RegionId::from(w.datacenter_id.unwrap_or(0)),
            subnet: w.subnet,
            gateway: w.gateway.as_deref().and_then(|g| g.parse().ok()),
            state: w.state,
        }
    }
}

/// `hosting.ssh.*` answers.
#[derive(Debug, Deserialize)]
pub(crate) struct WireSshKey {
    id: i64,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    fingerprint: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    value: Option<String>,
}

impl From<WireSshKey> for SshKey {
    fn from(w: WireSshKey) -> Self {
        SshKey {
            id: SshKeyId::from(w.id),
            name: w.name.unwrap_or_default(),
            fingerprint: w.fingerprint.unwrap_or_default(),
            value: w.value,
        }
    }
}

impl From<WireDisk> for Disk {
    fn from(w: WireDisk) -> Self {
        w.into_model(None)
    }
}

impl From<WireIface> for Interface {
    fn from(w: WireIface) -> Self {
        w.into_model(None, None)
    }
}

impl From<WireIp> for IpAddress {
    fn from(w: WireIp) -> Self {
        w.into_model(None, None)
    }
}
