//! `hosting.vm.*`: virtual machines, their creation from an image, power, updates, attaching
//! disks and interfaces, migration.

use std::net::Ipv4Addr;

use crate::v4::validate;
use crate::xmlrpc::{Fault, Struct, Value};

use super::args::{Args, Spec};
use super::faults::{self, Cause, Obj};
use super::lists::{self, Row};
use super::operation::{Effect, Migration, ObjRef, OpIds, VmChanges};
use super::state::{Disk, Kind, State, Vm, now};

/// Credits a new VM costs (see the module docs for the whole rule).
pub(crate) const VM_COST: i64 = 100;

const VM_FIELDS: &[&str] = &[
    "id",
    "hostname",
    "state",
    "memory",
    "cores",
    "datacenter_id",
    "farm",
    "vm_max_memory",
    "console",
    "description",
    "date_created",
    "date_updated",
    "ai_active",
    "flex_shares",
];

const VM_SPEC_KEYS: &[&str] = &[
    "datacenter_id",
    "hostname",
    "memory",
    "cores",
    "ip_version",
    "bandwidth",
    "iface_id",
    "sys_disk_id",
    "login",
    "password",
    "ssh_key",
    "keys",
    "run",
    "script",
    "script_args",
    "farm",
];

const DISK_SPEC_KEYS: &[&str] = &[
    "datacenter_id",
    "name",
    "size",
    "type",
    "snapshot_profile",
    "kernel",
    "cmdline",
];

/// Largest memory and core count accepted (inferred limits).
const MAX_MEMORY: i64 = 65_536;

/// Checks a hostname: 1 to 63 letters, digits and hyphens, not starting or ending with one.
pub(crate) fn check_hostname(hostname: &str) -> Result<(), Fault> {
    if validate::is_hostname(hostname) {
        Ok(())
    } else {
        Err(faults::bad(
            Obj::Vm,
            format!("invalid hostname '{hostname}'"),
        ))
    }
}

fn check_memory(memory: i64) -> Result<(), Fault> {
    if memory < 256 || memory % 64 != 0 || memory > MAX_MEMORY {
        return Err(faults::bad(
            Obj::Vm,
            format!(
                "memory must be a multiple of 64 between 256 and {MAX_MEMORY} MB, not {memory}"
            ),
        ));
    }
    Ok(())
}

fn check_cores(cores: i64) -> Result<(), Fault> {
    if !validate::is_cores(cores) {
        return Err(faults::bad(
            Obj::Vm,
            format!(
                "cores must be between 1 and {}, not {cores}",
                validate::MAX_CORES
            ),
        ));
    }
    Ok(())
}

fn check_password(password: &str) -> Result<(), Fault> {
    if !validate::is_password(password) {
        return Err(faults::bad(
            Obj::Vm,
            "password must be 8 to 128 characters long",
        ));
    }
    Ok(())
}

/// The default `vm_max_memory` for `memory`, as gandi.cli computes it.
fn default_max_memory(memory: i64) -> i64 {
    let mut power = 1_i64;
    while power < memory {
        power *= 2;
    }
    power.max(2048)
}

/// A validated `vm_spec`.
struct VmSpec {
    datacenter_id: i64,
    hostname: String,
    memory: i64,
    cores: i64,
    ip_version: Option<i64>,
    bandwidth: f64,
    iface_id: Option<i64>,
    sys_disk_id: Option<i64>,
    farm: Option<String>,
}

/// The interface a new VM will get, settled before anything is charged.
enum NewIface {
    /// A free interface the spec named.
    Given(i64),
    /// A public interface to create, with its IPv4 address (none for IPv6 only).
    Public(Option<Ipv4Addr>),
}

impl State {
    fn parse_vm_spec(&self, raw: &Struct, with_sys_disk: bool) -> Result<VmSpec, Fault> {
        let keys: Vec<&str> = VM_SPEC_KEYS
            .iter()
            .copied()
            .filter(|k| with_sys_disk || *k != "sys_disk_id")
            .collect();
        let spec = Spec::new(raw, Obj::Vm, &keys)?;
        let datacenter_id = spec.req_int("datacenter_id")?;
        self.catalog.datacenter(datacenter_id)?;
        let hostname = spec.req_string("hostname")?;
        check_hostname(hostname)?;
        let memory = spec.req_int("memory")?;
        check_memory(memory)?;
        let cores = spec.req_int("cores")?;
        check_cores(cores)?;
        let iface_id = spec.int("iface_id")?;
        let ip_version = spec.int("ip_version")?;
        if let Some(v) = ip_version
            && v != 4
            && v != 6
        {
            return Err(faults::bad(
                Obj::Vm,
                format!("ip_version must be 4 or 6, not {v}"),
            ));
        }
        if iface_id.is_none() && ip_version.is_none() {
            return Err(faults::bad(
                Obj::Vm,
                "either iface_id or ip_version is required",
            ));
        }
        let bandwidth = spec.number("bandwidth")?.unwrap_or(102_400.0);
        if bandwidth <= 0.0 {
            return Err(faults::bad(Obj::Vm, "bandwidth must be positive"));
        }
        let login = spec.string("login")?;
        let password = spec.string("password")?;
        if let Some(p) = password {
            check_password(p)?;
        }
        if let Some(login) = login
            && !validate::is_login(login)
        {
            return Err(faults::bad(Obj::Vm, format!("invalid login '{login}'")));
        }
        let keys = spec.int_list("keys")?.unwrap_or_default();
        for key in &keys {
            if !self.ssh_keys.contains_key(key) {
                return Err(faults::not_found(Obj::SshKey, *key));
            }
        }
        let ssh_key = spec.string("ssh_key")?.filter(|k| !k.is_empty());
        if let Some(k) = ssh_key {
            super::ssh::check_key_value(k)?;
        }
        if keys.is_empty() && ssh_key.is_none() && !(login.is_some() && password.is_some()) {
            return Err(faults::bad(
                Obj::Vm,
                "an SSH key (keys or ssh_key) or a login and password are required",
            ));
        }
        for key in ["run", "script", "script_args"] {
            spec.string(key)?;
        }
        let farm = spec.string("farm")?;
        if let Some(farm) = farm {
            super::args::plain_text(Obj::Vm, "farm", farm, 255)?;
        }
        let sys_disk_id = spec.int("sys_disk_id")?;
        if with_sys_disk && sys_disk_id.is_none() {
            return Err(spec.missing("sys_disk_id"));
        }
        Ok(VmSpec {
            datacenter_id,
            hostname: hostname.to_owned(),
            memory,
            cores,
            ip_version,
            bandwidth,
            iface_id,
            sys_disk_id,
            farm: farm.map(str::to_owned),
        })
    }

    /// Checks an existing interface named by `iface_id` can carry a new VM.
    fn check_free_iface(&self, iface_id: i64, datacenter_id: i64) -> Result<(), Fault> {
        let iface = self.iface(iface_id)?;
        if let Some(vm) = iface.vm_id {
            return Err(faults::app(
                Obj::Iface,
                Cause::Attached,
                format!("iface#{iface_id} is already attached to vm#{vm}"),
            ));
        }
        if iface.datacenter_id != datacenter_id {
            return Err(region_mismatch(Obj::Iface));
        }
        Ok(())
    }

    fn new_vm(&mut self, spec: &VmSpec, disks: Vec<i64>, ifaces: Vec<i64>) -> i64 {
        let id = self.next_id(Kind::Vm);
        let at = now();
        for d in &disks {
            if let Some(disk) = self.disks.get_mut(d) {
                disk.vm_id = Some(id);
            }
        }
        for i in &ifaces {
            if let Some(iface) = self.ifaces.get_mut(i) {
                iface.vm_id = Some(id);
            }
        }
        self.vms.insert(
            id,
            Vm {
                id,
                hostname: spec.hostname.clone(),
                state: "being_created",
                cores: spec.cores,
                memory: spec.memory,
                vm_max_memory: default_max_memory(spec.memory),
                console: false,
                datacenter_id: spec.datacenter_id,
                description: String::new(),
                disks,
                ifaces,
                farm: spec.farm.clone(),
                created: at,
                updated: at,
            },
        );
        id
    }

    /// Checks the interface a new VM asks for, before anything is charged or created: the
    /// free interface it names, or a public one to create with its IPv4 address picked.
    fn plan_vm_iface(&self, spec: &VmSpec) -> Result<NewIface, Fault> {
        match spec.iface_id {
            Some(iface) => {
                self.check_free_iface(iface, spec.datacenter_id)?;
                Ok(NewIface::Given(iface))
            }
            None => Ok(NewIface::Public(
                self.plan_public_v4(spec.ip_version.unwrap_or(4))?,
            )),
        }
    }

    fn vm_create_cost(iface: &NewIface) -> i64 {
        match iface {
            NewIface::Public(Some(_)) => VM_COST + super::iface::IPV4_COST,
            _ => VM_COST,
        }
    }

    /// The end `vm.create` and `vm.create_from` share, once every check has passed and the
    /// credits are taken (nothing here can fail): creates the planned interface, the VM and
    /// their operations, after `ops`.
    fn finish_vm_create(
        &mut self,
        spec: &VmSpec,
        iface: NewIface,
        disk: i64,
        mut ops: Vec<i64>,
    ) -> Value {
        let iface_id = match iface {
            NewIface::Given(iface) => iface,
            NewIface::Public(v4) => {
                let (iface, ip) = self.new_public_iface(spec.datacenter_id, v4, spec.bandwidth);
                ops.push(self.new_op(
                    "iface_create",
                    Effect::IfaceCreate(iface),
                    OpIds {
                        iface: Some(iface),
                        ip: Some(ip),
                        ..OpIds::default()
                    },
                    Struct::new(),
                ));
                iface
            }
        };
        let vm_id = self.new_vm(spec, vec![disk], vec![iface_id]);
        ops.push(self.vm_create_op(vm_id, disk, iface_id));
        Value::Array(ops.into_iter().map(|id| self.op_value(id)).collect())
    }

    /// `hosting.vm.create_from(key, vm_spec, disk_spec, src_disk_id)`.
    pub(crate) fn vm_create_from(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = self.parse_vm_spec(args.structure(0)?, false)?;
        let disk_raw = args.structure(1)?;
        let src = args.int(2)?;
        let disk_spec = Spec::new(disk_raw, Obj::Disk, DISK_SPEC_KEYS)?;
        if let Some(dc) = disk_spec.int("datacenter_id")?
            && dc != spec.datacenter_id
        {
            return Err(region_mismatch(Obj::Disk));
        }
        if let Some(kind) = disk_spec.string("type")?
            && kind != "data"
        {
            return Err(faults::bad(
                Obj::Disk,
                "a system disk must be of type 'data'",
            ));
        }
        self.check_open(spec.datacenter_id)?;
        let iface = self.plan_vm_iface(&spec)?;
        let draft = self.disk_from_source(&disk_spec, src, Some(spec.datacenter_id))?;
        let draft = Disk {
            name: if disk_spec.string("name")?.is_some() {
                draft.name
            } else {
                let mut name = format!("sys_{}", spec.hostname);
                name.truncate(15);
                name
            },
            ..draft
        };
        self.charge(Self::vm_create_cost(&iface) + super::disk::disk_cost(draft.size))?;

        let disk_id = self.insert_disk(draft);
        let disk_op = self.new_op(
            "disk_create",
            Effect::DiskCreate(disk_id),
            OpIds::disk(disk_id),
            Struct::new(),
        );
        Ok(self.finish_vm_create(&spec, iface, disk_id, vec![disk_op]))
    }

    /// The `vm_create` operation: like Gandi's, it names only the VM (its params say how it
    /// was asked for).
    fn vm_create_op(&mut self, vm: i64, disk: i64, iface: i64) -> i64 {
        let mut extra = Struct::new();
        if let Some(v) = self.vms.get(&vm) {
            extra.insert("hostname", v.hostname.as_str());
            extra.insert("datacenter_id", v.datacenter_id);
            extra.insert("memory", v.memory);
            extra.insert("cores", v.cores);
        }
        let op = self.new_op("vm_create", Effect::VmCreate(vm), OpIds::vm(vm), extra);
        self.after_creation_of(op, &[ObjRef::Disk(disk), ObjRef::Iface(iface)]);
        op
    }

    /// `hosting.vm.create(key, vm_spec)`: boots an existing disk (`sys_disk_id`).
    pub(crate) fn vm_create(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = self.parse_vm_spec(args.structure(0)?, true)?;
        let sys = spec.sys_disk_id.unwrap_or_default();
        let disk = self.disk(sys)?;
        if disk.kind != "data" {
            return Err(faults::bad(Obj::Disk, format!("disk#{sys} is a snapshot")));
        }
        if let Some(vm) = disk.vm_id {
            return Err(attached(sys, vm));
        }
        if disk.datacenter_id != spec.datacenter_id {
            return Err(region_mismatch(Obj::Disk));
        }
        self.check_open(spec.datacenter_id)?;
        let iface = self.plan_vm_iface(&spec)?;
        self.charge(Self::vm_create_cost(&iface))?;
        Ok(self.finish_vm_create(&spec, iface, sys, Vec::new()))
    }

    /// The summary shape of `hosting.vm.list`.
    fn vm_summary(vm: &Vm) -> Struct {
        Struct::new()
            .with("id", vm.id)
            .with("hostname", vm.hostname.as_str())
            .with("state", vm.state)
            .with("cores", vm.cores)
            .with("memory", vm.memory)
            .with("vm_max_memory", vm.vm_max_memory)
            .with("console", i64::from(vm.console))
            .with("ai_active", 0)
            .with("flex_shares", 0)
            .with("description", vm.description.as_str())
            .with("datacenter_id", vm.datacenter_id)
            .with("farm", vm.farm.clone())
            .with("disks_id", vm.disks.clone())
            .with("ifaces_id", vm.ifaces.clone())
            .with("date_created", vm.created)
            .with("date_updated", vm.updated)
    }

    fn vm_info_struct(&self, vm: &Vm) -> Struct {
        let disks: Vec<Value> = vm
            .disks
            .iter()
            .filter_map(|d| self.disks.get(d))
            .map(|d| Value::Struct(self.disk_struct(d, true)))
            .collect();
        let ifaces: Vec<Value> = vm
            .ifaces
            .iter()
            .filter_map(|i| self.ifaces.get(i))
            .map(|i| Value::Struct(self.iface_struct(i, true)))
            .collect();
        let graph = |metric: &str, stats: &str, devices: usize| {
            (0..devices.max(1))
                .map(|n| {
                    format!(
                        "https://graph.hosting.example.net/?key={}&device_number={n}\
                         &metric={metric}&stats={stats}",
                        vm.id
                    )
                })
                .collect::<Vec<_>>()
        };
        let console_url = if vm.state == "being_created" {
            ""
        } else {
            "console.gandi.net"
        };
        Self::vm_summary(vm)
            .with("console_url", console_url)
            .with("disks", Value::Array(disks))
            .with("ifaces", Value::Array(ifaces))
            .with(
                "graph_urls",
                Struct::new()
                    .with("vcpu", graph("vcpu", "cpu", 1))
                    .with("vdi", graph("vdi", "ops", vm.disks.len()))
                    .with("vif", graph("vif", "bytes", vm.ifaces.len())),
            )
            .with("triggers", Value::Array(Vec::new()))
            .with("probes", Value::Array(Vec::new()))
            .with("hvm_state", "unknown")
    }

    fn vm_rows(&self) -> Vec<Row> {
        self.vms
            .values()
            .map(|vm| Row::plain(Self::vm_summary(vm)))
            .collect()
    }

    /// `hosting.vm.list(key[, opts])`.
    pub(crate) fn vm_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(self.vm_rows(), args.opt_struct(0)?, Obj::Vm, VM_FIELDS)
    }

    /// `hosting.vm.count(key[, opts])`.
    pub(crate) fn vm_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(self.vm_rows(), args.opt_struct(0)?, Obj::Vm, VM_FIELDS)
    }

    /// `hosting.vm.info(key, vm_id)`.
    pub(crate) fn vm_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let vm = self.vm(args.int(0)?)?;
        Ok(Value::Struct(self.vm_info_struct(vm)))
    }

    fn vm_in_state(&self, id: i64, wanted: &str, action: &str) -> Result<&Vm, Fault> {
        let vm = self.vm(id)?;
        if vm.state != wanted {
            return Err(faults::state(
                Obj::Vm,
                format!("vm#{id} is {}; it must be {wanted} to {action}", vm.state),
            ));
        }
        Ok(vm)
    }

    fn vm_op(&mut self, kind: &'static str, vm: i64, effect: Effect) -> Value {
        self.start_op(kind, effect, OpIds::vm(vm), Struct::new())
    }

    /// `hosting.vm.start(key, vm_id)`.
    pub(crate) fn vm_start(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        self.vm_in_state(id, "halted", "start it")?;
        Ok(self.vm_op("vm_start", id, Effect::VmStart(id)))
    }

    /// `hosting.vm.stop(key, vm_id)`.
    pub(crate) fn vm_stop(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        self.vm_in_state(id, "running", "stop it")?;
        Ok(self.vm_op("vm_stop", id, Effect::VmStop(id)))
    }

    /// `hosting.vm.reboot(key, vm_id)`.
    pub(crate) fn vm_reboot(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        self.vm_in_state(id, "running", "reboot it")?;
        Ok(self.vm_op("vm_reboot", id, Effect::VmReboot(id)))
    }

    /// `hosting.vm.delete(key, vm_id)`: the VM must be halted.
    pub(crate) fn vm_delete(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let vm = self.vm(id)?;
        match vm.state {
            "halted" => {}
            "running" => {
                return Err(faults::state(
                    Obj::Vm,
                    format!("vm#{id} is running, stop it before deleting it"),
                ));
            }
            other => {
                return Err(faults::state(
                    Obj::Vm,
                    format!("vm#{id} is {other}; it must be halted to be deleted"),
                ));
            }
        }
        Ok(self.vm_op("vm_delete", id, Effect::VmDelete(id)))
    }

    /// `hosting.vm.update(key, vm_id, vm_update_spec)`.
    pub(crate) fn vm_update(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let spec = Spec::new(
            args.structure(1)?,
            Obj::Vm,
            &[
                "memory",
                "cores",
                "console",
                "password",
                "vm_max_memory",
                "hostname",
                "shares",
            ],
        )?;
        let vm = self.vm(id)?;
        if vm.state == "being_created" {
            return Err(faults::state(Obj::Vm, format!("vm#{id} is being created")));
        }
        let running = vm.state != "halted";
        let changes = VmChanges {
            memory: spec.int("memory")?,
            cores: spec.int("cores")?,
            console: spec.boolean("console")?,
            vm_max_memory: spec.int("vm_max_memory")?,
            hostname: spec.string("hostname")?.map(str::to_owned),
        };
        spec.int("shares")?;
        if let Some(m) = changes.memory {
            check_memory(m)?;
        }
        if let Some(c) = changes.cores {
            check_cores(c)?;
        }
        if let Some(p) = spec.string("password")? {
            check_password(p)?;
        }
        if let Some(h) = &changes.hostname {
            check_hostname(h)?;
        }
        if let Some(max) = changes.vm_max_memory {
            check_memory(max)?;
            if running && max != vm.vm_max_memory {
                return Err(faults::state(
                    Obj::Vm,
                    format!("vm#{id} must be halted to change vm_max_memory"),
                ));
            }
        }
        let max = changes.vm_max_memory.unwrap_or(vm.vm_max_memory);
        if let Some(m) = changes.memory
            && m > max
            && running
        {
            return Err(faults::state(
                Obj::Vm,
                format!("memory {m} is above vm_max_memory {max}: halt vm#{id} first"),
            ));
        }
        Ok(self.vm_op("vm_update", id, Effect::VmUpdate(id, changes)))
    }

    /// `hosting.vm.disk_attach(key, vm_id, disk_id[, options])`.
    pub(crate) fn vm_disk_attach(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let vm_id = args.int(0)?;
        let disk_id = args.int(1)?;
        let mut position = None;
        if let Some(options) = args.opt_struct(2)? {
            let options = Spec::new(options, Obj::Disk, &["position", "access"])?;
            if let Some(p) = options.int("position")? {
                position = Some(usize::try_from(p).map_err(|_| {
                    faults::bad(Obj::Disk, format!("position must not be negative, not {p}"))
                })?);
            }
            if let Some(access) = options.string("access")?
                && access != "read"
                && access != "rw"
            {
                return Err(faults::bad(
                    Obj::Disk,
                    format!("access must be 'read' or 'rw', not '{access}'"),
                ));
            }
        }
        let vm = self.vm(vm_id)?;
        let disk = self.disk(disk_id)?;
        if disk.kind == "snapshot" {
            return Err(faults::bad(
                Obj::Disk,
                format!("disk#{disk_id} is a snapshot and cannot be attached"),
            ));
        }
        if let Some(other) = disk.vm_id {
            return Err(attached(disk_id, other));
        }
        if disk.datacenter_id != vm.datacenter_id {
            return Err(region_mismatch(Obj::Disk));
        }
        if position == Some(0) && !vm.disks.is_empty() && vm.state != "halted" {
            return Err(faults::state(
                Obj::Vm,
                format!("vm#{vm_id} must be halted to change its boot disk"),
            ));
        }
        let op = self.new_op(
            "disk_attach",
            Effect::DiskAttach {
                vm: vm_id,
                disk: disk_id,
                position,
            },
            OpIds {
                vm: Some(vm_id),
                disk: Some(disk_id),
                ..OpIds::default()
            },
            Struct::new(),
        );
        self.after_creation_of(op, &[ObjRef::Vm(vm_id), ObjRef::Disk(disk_id)]);
        Ok(self.op_value(op))
    }

    /// `hosting.vm.disk_detach(key, vm_id, disk_id)`.
    pub(crate) fn vm_disk_detach(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let vm_id = args.int(0)?;
        let disk_id = args.int(1)?;
        let vm = self.vm(vm_id)?;
        self.disk(disk_id)?;
        let Some(position) = vm.disks.iter().position(|d| *d == disk_id) else {
            return Err(faults::bad(
                Obj::Disk,
                format!("disk#{disk_id} is not attached to vm#{vm_id}"),
            ));
        };
        if position == 0 && vm.state != "halted" {
            return Err(faults::state(
                Obj::Vm,
                format!("vm#{vm_id} must be halted to detach its boot disk"),
            ));
        }
        Ok(self.start_op(
            "disk_detach",
            Effect::DiskDetach {
                vm: vm_id,
                disk: disk_id,
            },
            OpIds {
                vm: Some(vm_id),
                disk: Some(disk_id),
                ..OpIds::default()
            },
            Struct::new(),
        ))
    }

    /// `hosting.vm.iface_attach(key, vm_id, iface_id)`.
    pub(crate) fn vm_iface_attach(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let vm_id = args.int(0)?;
        let iface_id = args.int(1)?;
        let vm = self.vm(vm_id)?;
        let datacenter = vm.datacenter_id;
        self.check_free_iface(iface_id, datacenter)?;
        let op = self.new_op(
            "iface_attach",
            Effect::IfaceAttach {
                vm: vm_id,
                iface: iface_id,
            },
            OpIds {
                vm: Some(vm_id),
                iface: Some(iface_id),
                ..OpIds::default()
            },
            Struct::new(),
        );
        self.after_creation_of(op, &[ObjRef::Vm(vm_id), ObjRef::Iface(iface_id)]);
        Ok(self.op_value(op))
    }

    /// `hosting.vm.iface_detach(key, vm_id, iface_id)`.
    pub(crate) fn vm_iface_detach(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let vm_id = args.int(0)?;
        let iface_id = args.int(1)?;
        let vm = self.vm(vm_id)?;
        self.iface(iface_id)?;
        if !vm.ifaces.contains(&iface_id) {
            return Err(faults::bad(
                Obj::Iface,
                format!("iface#{iface_id} is not attached to vm#{vm_id}"),
            ));
        }
        Ok(self.start_op(
            "iface_detach",
            Effect::IfaceDetach {
                vm: vm_id,
                iface: iface_id,
            },
            OpIds {
                vm: Some(vm_id),
                iface: Some(iface_id),
                ..OpIds::default()
            },
            Struct::new(),
        ))
    }

    /// Open datacenters a VM in `datacenter_id` may move to.
    fn migration_targets(&self, datacenter_id: i64) -> Vec<i64> {
        self.catalog
            .datacenter(datacenter_id)
            .map(|dc| {
                dc.can_migrate_to
                    .iter()
                    .copied()
                    .filter(|t| {
                        self.catalog
                            .datacenter(*t)
                            .is_ok_and(|d| d.iaas_closed_for != "ALL")
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `hosting.vm.can_migrate(key, vm_id)`.
    pub(crate) fn vm_can_migrate(&self, args: &Args<'_>) -> Result<Value, Fault> {
        let vm = self.vm(args.int(0)?)?;
        let codes: Vec<Value> = self
            .migration_targets(vm.datacenter_id)
            .into_iter()
            .filter_map(|t| self.catalog.datacenter(t).ok())
            .map(|d| Value::from(d.dc_code))
            .collect();
        Ok(Value::Struct(
            Struct::new()
                .with("can_migrate", !codes.is_empty())
                .with("matched", Value::Array(codes.clone()))
                .with("can_migrate_to", Value::Array(codes)),
        ))
    }

    /// `hosting.vm.migrate(key, vm_id, finalize)`: first call starts, second call finalizes.
    pub(crate) fn vm_migrate(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let finalize = if args.has(1) { args.boolean(1)? } else { false };
        let vm = self.vm(id)?;
        let from = vm.datacenter_id;
        let pending = self.pending_migration(id);
        if finalize {
            let waiting =
                pending.filter(|op| self.ops[op].migration == Some(Migration::WaitFinalize));
            let Some(op) = waiting else {
                return Err(faults::state(
                    Obj::Vm,
                    format!("vm#{id} has no migration waiting to be finalized"),
                ));
            };
            self.finalize(op);
            return Ok(self.op_value(op));
        }
        if pending.is_some() {
            return Err(faults::state(
                Obj::Vm,
                format!("vm#{id} is already migrating"),
            ));
        }
        if vm.state == "being_created" {
            return Err(faults::state(Obj::Vm, format!("vm#{id} is being created")));
        }
        let Some(to) = self.migration_targets(from).first().copied() else {
            return Err(faults::app(
                Obj::Vm,
                Cause::NoRight,
                format!("vm#{id} cannot be migrated from its datacenter"),
            ));
        };
        let op = self.new_op(
            "hosting_migration_vm",
            Effect::VmMigrate { vm: id, to },
            OpIds::vm(id),
            Struct::new().with("from_dc_id", from).with("to_dc_id", to),
        );
        self.set_migration(op, Migration::WaitSync);
        Ok(self.op_value(op))
    }
}

/// The 530439-style fault for a disk attached elsewhere.
pub(crate) fn attached(disk: i64, vm: i64) -> Fault {
    faults::app(
        Obj::Disk,
        Cause::Attached,
        format!("disk#{disk} is attached to vm#{vm}"),
    )
}

/// The fault for objects of different datacenters put together.
pub(crate) fn region_mismatch(obj: Obj) -> Fault {
    faults::bad(obj, "vm, disk and iface must be in the same datacenter")
}
