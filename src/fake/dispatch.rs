//! From a decoded call to a value or a fault: the method table, argument counts and the API
//! key check, in the order Gandi's Python server applies them (method, arguments, key).

use crate::xmlrpc::{Fault, MethodCall, Value};

use super::args::Args;
use super::faults;
use super::state::State;

type Handler = fn(&mut State, &Args<'_>) -> Result<Value, Fault>;

/// A method: its name, how many parameters it takes after the key (min, max), its handler.
struct Method {
    name: &'static str,
    min: usize,
    max: usize,
    run: Handler,
}

const fn m(name: &'static str, min: usize, max: usize, run: Handler) -> Method {
    Method {
        name,
        min,
        max,
        run,
    }
}

/// Every method the simulator answers.
const METHODS: &[Method] = &[
    m("version.info", 0, 0, |s, a| s.version_info(a)),
    m("hosting.account.info", 0, 0, |s, a| s.account_info(a)),
    m("hosting.datacenter.list", 0, 1, |s, a| s.datacenter_list(a)),
    m("hosting.image.list", 0, 1, |s, a| s.image_list(a)),
    m("hosting.image.info", 1, 1, |s, a| s.image_info(a)),
    m("hosting.snapshotprofile.list", 0, 1, |s, a| {
        s.snapshotprofile_list(a)
    }),
    m("hosting.vm.count", 0, 1, |s, a| s.vm_count(a)),
    m("hosting.vm.list", 0, 1, |s, a| s.vm_list(a)),
    m("hosting.vm.info", 1, 1, |s, a| s.vm_info(a)),
    m("hosting.vm.create", 1, 1, State::vm_create),
    m("hosting.vm.create_from", 3, 3, State::vm_create_from),
    m("hosting.vm.update", 2, 2, State::vm_update),
    m("hosting.vm.start", 1, 1, State::vm_start),
    m("hosting.vm.stop", 1, 1, State::vm_stop),
    m("hosting.vm.reboot", 1, 1, State::vm_reboot),
    m("hosting.vm.delete", 1, 1, State::vm_delete),
    m("hosting.vm.disk_attach", 2, 3, State::vm_disk_attach),
    m("hosting.vm.disk_detach", 2, 2, State::vm_disk_detach),
    m("hosting.vm.iface_attach", 2, 2, State::vm_iface_attach),
    m("hosting.vm.iface_detach", 2, 2, State::vm_iface_detach),
    m("hosting.vm.can_migrate", 1, 1, |s, a| s.vm_can_migrate(a)),
    m("hosting.vm.migrate", 1, 2, State::vm_migrate),
    m("hosting.disk.count", 0, 1, |s, a| s.disk_count(a)),
    m("hosting.disk.list", 0, 1, |s, a| s.disk_list(a)),
    m("hosting.disk.info", 1, 1, |s, a| s.disk_info(a)),
    m("hosting.disk.create", 1, 1, State::disk_create),
    m("hosting.disk.create_from", 2, 2, State::disk_create_from),
    m("hosting.disk.update", 2, 2, State::disk_update),
    m("hosting.disk.delete", 1, 1, State::disk_delete),
    m(
        "hosting.disk.rollback_from",
        1,
        1,
        State::disk_rollback_from,
    ),
    m("hosting.disk.migrate", 2, 2, State::disk_migrate),
    m("hosting.disk.list_kernels", 1, 1, |s, a| {
        s.disk_list_kernels(a)
    }),
    m("hosting.iface.count", 0, 1, |s, a| s.iface_count(a)),
    m("hosting.iface.list", 0, 1, |s, a| s.iface_list(a)),
    m("hosting.iface.info", 1, 1, |s, a| s.iface_info(a)),
    m("hosting.iface.create", 1, 1, State::iface_create),
    m("hosting.iface.update", 2, 2, State::iface_update),
    m("hosting.iface.delete", 1, 1, State::iface_delete),
    m("hosting.iface.migrate", 2, 2, State::iface_migrate),
    m("hosting.ip.count", 0, 1, |s, a| s.ip_count(a)),
    m("hosting.ip.list", 0, 1, |s, a| s.ip_list(a)),
    m("hosting.ip.info", 1, 1, |s, a| s.ip_info(a)),
    m("hosting.ip.update", 2, 2, State::ip_update),
    m("hosting.vlan.count", 0, 1, |s, a| s.vlan_count(a)),
    m("hosting.vlan.list", 0, 1, |s, a| s.vlan_list(a)),
    m("hosting.vlan.info", 1, 1, |s, a| s.vlan_info(a)),
    m("hosting.vlan.create", 1, 1, State::vlan_create),
    m("hosting.vlan.update", 2, 2, State::vlan_update),
    m("hosting.vlan.delete", 1, 1, State::vlan_delete),
    m("hosting.ssh.count", 0, 1, |s, a| s.ssh_count(a)),
    m("hosting.ssh.list", 0, 1, |s, a| s.ssh_list(a)),
    m("hosting.ssh.info", 1, 1, |s, a| s.ssh_info(a)),
    m("hosting.ssh.create", 1, 1, State::ssh_create),
    m("hosting.ssh.delete", 1, 1, State::ssh_delete),
    m("operation.count", 0, 1, |s, a| s.operation_count(a)),
    m("operation.list", 0, 1, |s, a| s.operation_list(a)),
    m("operation.info", 1, 1, State::operation_info),
    m("operation.cancel", 1, 1, State::operation_cancel),
];

/// The names of every method the simulator answers, sorted as in its table.
pub(crate) fn method_names() -> impl Iterator<Item = &'static str> {
    METHODS.iter().map(|m| m.name)
}

/// Whether `key` has the shape of a v4 API key: 24 ASCII letters and digits.
pub(crate) fn well_formed_key(key: &str) -> bool {
    key.len() == 24 && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn arity_fault(name: &str, min: usize, max: usize, given: usize) -> Fault {
    // Python 2 counts every positional parameter, the key included.
    let (word, n) = if min == max {
        ("exactly", min + 1)
    } else if given < min + 1 {
        ("at least", min + 1)
    } else {
        ("at most", max + 1)
    };
    let plural = if n == 1 { "argument" } else { "arguments" };
    faults::invalid_input(format!(
        "{name}() takes {word} {n} {plural} ({given} given)"
    ))
}

/// Answers one call against `state`, for an account whose key is `api_key`.
pub(crate) fn handle(state: &mut State, api_key: &str, call: &MethodCall) -> Result<Value, Fault> {
    let method = METHODS
        .iter()
        .find(|m| m.name == call.method)
        .ok_or_else(|| faults::unsupported(&call.method))?;
    let given = call.params.len();
    if given < method.min + 1 || given > method.max + 1 {
        return Err(arity_fault(method.name, method.min, method.max, given));
    }
    match &call.params[0] {
        Value::String(key) if well_formed_key(key) => {
            if key != api_key {
                return Err(faults::invalid_key());
            }
        }
        _ => return Err(faults::malformed_key()),
    }
    state.tick();
    let args = Args {
        params: &call.params[1..],
    };
    (method.run)(state, &args)
}
