//! Unit tests of the simulator's rules, on `MethodCall`s without HTTP.

use crate::xmlrpc::{Fault, MethodCall, Struct, Value};

use super::Pace;
use super::dispatch;
use super::operation::Step;
use super::state::State;

const KEY: &str = "abcdefghijklmnopqrstuvwx";
const SSH: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests alex@laptop";

struct Sim {
    state: State,
}

fn s() -> Struct {
    Struct::new()
}

fn int(v: &Value, key: &str) -> i64 {
    v.get(key)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no int {key} in {v:?}"))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {key} in {v:?}"))
}

fn ints(v: &Value, key: &str) -> Vec<i64> {
    v.get(key)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no array {key} in {v:?}"))
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_struct()
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_owned())
        .collect();
    k.sort();
    k
}

impl Sim {
    fn new() -> Self {
        Self::paced(Pace::Instant)
    }

    fn paced(pace: Pace) -> Self {
        Self {
            state: State::new(pace),
        }
    }

    fn call(&mut self, method: &str, params: Vec<Value>) -> Result<Value, Fault> {
        let mut all = vec![Value::from(KEY)];
        all.extend(params);
        dispatch::handle(&mut self.state, KEY, &MethodCall::new(method, all))
    }

    fn ok(&mut self, method: &str, params: Vec<Value>) -> Value {
        self.call(method, params)
            .unwrap_or_else(|f| panic!("{method} failed: {f}"))
    }

    fn err(&mut self, method: &str, params: Vec<Value>) -> Fault {
        match self.call(method, params) {
            Ok(v) => panic!("{method} succeeded: {v:?}"),
            Err(f) => f,
        }
    }

    /// Polls `op` until it is final; returns the final info.
    fn wait(&mut self, op: &Value) -> Value {
        let id = int(op, "id");
        for _ in 0..20 {
            let info = self.ok("operation.info", vec![id.into()]);
            if ["DONE", "ERROR", "CANCEL", "SUPPORT"].contains(&text(&info, "step")) {
                return info;
            }
        }
        panic!("operation {id} never finished");
    }

    fn wait_all(&mut self, ops: &Value) {
        for op in ops.as_array().unwrap() {
            assert_eq!(text(&self.wait(op), "step"), "DONE");
        }
    }

    fn ssh_key(&mut self) -> i64 {
        let n = self.state.ssh_keys.len();
        let key = self.ok(
            "hosting.ssh.create",
            vec![
                s().with("name", format!("key{n}"))
                    .with("value", SSH)
                    .into(),
            ],
        );
        int(&key, "id")
    }

    fn image_disk(&mut self, dc: i64) -> i64 {
        let images = self.ok(
            "hosting.image.list",
            vec![
                s().with("datacenter_id", dc)
                    .with("label", "Debian 12 64 bits (HVM)")
                    .into(),
            ],
        );
        int(&images.as_array().unwrap()[0], "disk_id")
    }

    fn vm_spec(&mut self, hostname: &str) -> Struct {
        let key = self.ssh_key();
        s().with("datacenter_id", 6)
            .with("hostname", hostname)
            .with("memory", 512)
            .with("cores", 1)
            .with("ip_version", 4)
            .with("bandwidth", 102_400)
            .with("keys", vec![key])
    }

    /// Creates a VM from Debian 12 and waits; returns its info.
    fn vm(&mut self, hostname: &str) -> Value {
        let spec = self.vm_spec(hostname);
        let src = self.image_disk(6);
        let ops = self.ok(
            "hosting.vm.create_from",
            vec![spec.into(), s().with("size", 10_240).into(), src.into()],
        );
        self.wait_all(&ops);
        let vm_id = int(&ops.as_array().unwrap()[2], "vm_id");
        self.ok("hosting.vm.info", vec![vm_id.into()])
    }

    fn disk(&mut self, name: &str, size: i64) -> i64 {
        let op = self.ok(
            "hosting.disk.create",
            vec![
                s().with("datacenter_id", 6)
                    .with("name", name)
                    .with("size", size)
                    .into(),
            ],
        );
        self.wait(&op);
        int(&op, "disk_id")
    }

    fn run(&mut self, method: &str, params: Vec<Value>) -> Value {
        let op = self.ok(method, params);
        let info = self.wait(&op);
        assert_eq!(text(&info, "step"), "DONE", "{method}: {info:?}");
        op
    }

    fn stop(&mut self, vm: i64) {
        self.run("hosting.vm.stop", vec![vm.into()]);
    }
}

// --- protocol ----------------------------------------------------------------------------

#[test]
fn unknown_method_is_fault_1_not_supported() {
    let f = Sim::new().err("hosting.vm.frobnicate", vec![]);
    assert_eq!(f.code, 1);
    assert_eq!(
        f.message,
        "Method \"hosting.vm.frobnicate\" is not supported"
    );
}

#[test]
fn wrong_parameter_count_is_a_python_style_input_fault() {
    let f = Sim::new().err("hosting.vm.info", vec![]);
    assert_eq!(f.code, 1);
    assert_eq!(
        f.message,
        "Invalid XMLRPC input: hosting.vm.info() takes exactly 2 arguments (1 given)"
    );
    let f = Sim::new().err("hosting.vm.list", vec![s().into(), s().into()]);
    assert!(
        f.message.contains("takes at most 2 arguments (3 given)"),
        "{}",
        f.message
    );
}

#[test]
fn malformed_key_is_an_object_string_fault_that_hides_the_key() {
    let mut sim = Sim::new();
    let call = MethodCall::new("version.info", vec!["short-secret".into()]);
    let f = dispatch::handle(&mut sim.state, KEY, &call).unwrap_err();
    assert_eq!(
        f.message,
        "Error on object : OBJECT_STRING (CAUSE_BADPARAMETER) \
         [string '<redacted>' does not match '^[a-z0-9]{24}$']"
    );
    assert!(!f.message.contains("short-secret"));
}

#[test]
fn well_formed_unknown_key_is_510150() {
    let mut sim = Sim::new();
    let call = MethodCall::new("version.info", vec!["ABCDEFGHIJKLMNOPQRSTUVWX".into()]);
    let f = dispatch::handle(&mut sim.state, KEY, &call).unwrap_err();
    assert_eq!(f.code, 510_150);
    assert_eq!(
        f.message,
        "Error on object : OBJECT_ACCOUNT (CAUSE_NORIGHT) [Invalid API key]"
    );
}

#[test]
fn a_string_where_an_id_is_needed_is_invalid_input() {
    let f = Sim::new().err("hosting.vm.info", vec!["250101".into()]);
    assert_eq!(f.code, 1);
    assert_eq!(
        f.message,
        "Invalid XMLRPC input: invalid literal for int() with base 10: '250101'"
    );
}

#[test]
fn unknown_ids_are_notfound_faults() {
    let mut sim = Sim::new();
    let f = sim.err("hosting.vm.info", vec![12.into()]);
    assert_eq!(f.code, 530_242);
    assert_eq!(
        f.message,
        "Error on object : OBJECT_VM (CAUSE_NOTFOUND) [vm#12 not found]"
    );
    assert_eq!(sim.err("hosting.disk.info", vec![12.into()]).code, 530_442);
    assert_eq!(sim.err("operation.info", vec![12.into()]).code, 517_042);
}

#[test]
fn version_info_says_3_3_42() {
    let v = Sim::new().ok("version.info", vec![]);
    assert_eq!(text(&v, "api_version"), "3.3.42");
}

// --- catalog -----------------------------------------------------------------------------

#[test]
fn datacenters_carry_codes_and_closing_fields() {
    let mut sim = Sim::new();
    let all = sim.ok("hosting.datacenter.list", vec![]);
    let codes: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| text(d, "dc_code"))
        .collect();
    assert_eq!(
        codes,
        ["FR-SD2", "US-BA1", "LU-BI1", "FR-SD3", "FR-SD5", "FR-SD6"]
    );
    let first = &all.as_array().unwrap()[0];
    assert_eq!(text(first, "iaas_closed_for"), "ALL");
    assert!(matches!(
        first.get("deactivate_at"),
        Some(Value::DateTime(_))
    ));
    let open = sim.ok(
        "hosting.datacenter.list",
        vec![s().with("iaas_opened", true).into()],
    );
    assert_eq!(open.as_array().unwrap().len(), 4);
    let code = sim.ok(
        "hosting.datacenter.list",
        vec![s().with("dc_code", "FR-SD6").into()],
    );
    assert_eq!(int(&code.as_array().unwrap()[0], "id"), 6);
}

#[test]
fn images_exist_in_every_datacenter_not_closed_to_all() {
    let mut sim = Sim::new();
    for dc in [3, 4, 5, 6] {
        let n = sim.ok(
            "hosting.image.list",
            vec![s().with("datacenter_id", dc).into()],
        );
        assert_eq!(n.as_array().unwrap().len(), 6);
    }
    let none = sim.ok(
        "hosting.image.list",
        vec![s().with("datacenter_id", 1).into()],
    );
    assert!(none.as_array().unwrap().is_empty());
    let found = sim.ok(
        "hosting.image.list",
        vec![s().with("~label", "ubuntu 24%").into()],
    );
    assert_eq!(found.as_array().unwrap().len(), 4);
    let image = &found.as_array().unwrap()[0];
    for k in [
        "disk_id",
        "os_arch",
        "kernel_version",
        "size",
        "author_id",
        "visibility",
    ] {
        assert!(image.get(k).is_some(), "{k}");
    }
    let info = sim.ok("hosting.image.info", vec![int(image, "id").into()]);
    assert_eq!(&info, image);
}

#[test]
fn kernels_and_snapshot_profiles_are_listed() {
    let mut sim = Sim::new();
    let k = sim.ok("hosting.disk.list_kernels", vec![6.into()]);
    assert!(
        k.get("linux-hvm")
            .unwrap()
            .as_array()
            .unwrap()
            .contains(&"grub".into())
    );
    let p = sim.ok("hosting.snapshotprofile.list", vec![]);
    assert_eq!(p.as_array().unwrap().len(), 3);
    assert!(matches!(
        p.as_array().unwrap()[0].get("quota_factor"),
        Some(Value::Double(_))
    ));
}

#[test]
fn account_info_has_the_credit_shape() {
    let a = Sim::new().ok("hosting.account.info", vec![]);
    assert_eq!(a.get("rating_enabled"), Some(&Value::Bool(true)));
    assert_eq!(int(&a, "credits"), 100_000);
    assert!(a.get("products").unwrap().is_nil());
    assert!(a.get("resources").unwrap().get("used").unwrap().is_nil());
}

// --- VM creation -------------------------------------------------------------------------

#[test]
fn create_from_returns_disk_iface_vm_ops_in_order_with_ids() {
    let mut sim = Sim::new();
    let spec = sim.vm_spec("web1");
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().with("name", "sys_web1").into(), src.into()],
    );
    let ops = ops.as_array().unwrap();
    let kinds: Vec<&str> = ops.iter().map(|o| text(o, "type")).collect();
    assert_eq!(kinds, ["disk_create", "iface_create", "vm_create"]);
    assert!(ops.iter().all(|o| text(o, "step") == "WAIT"));
    assert!(ops[0].get("disk_id").unwrap().as_i64().is_some());
    assert!(ops[1].get("iface_id").unwrap().as_i64().is_some());
    assert!(ops[1].get("ip_id").unwrap().as_i64().is_some());
    assert!(ops[2].get("vm_id").unwrap().as_i64().is_some());
    assert!(ops[0].get("vm_id").unwrap().is_nil());
    assert!(ops[0].get("date_start").unwrap().is_nil());
    assert_eq!(
        keys(&ops[0]),
        [
            "date_created",
            "date_start",
            "date_updated",
            "disk_id",
            "id",
            "iface_id",
            "ip_id",
            "source",
            "step",
            "type",
            "vm_id"
        ]
    );
}

#[test]
fn create_from_with_an_existing_iface_returns_two_ops() {
    let mut sim = Sim::new();
    let op = sim.run(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 6).with("ip_version", 6).into()],
    );
    let iface = int(&op, "iface_id");
    let spec = sim.vm_spec("web1").with("iface_id", iface);
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    let kinds: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|o| text(o, "type"))
        .collect();
    assert_eq!(kinds, ["disk_create", "vm_create"]);
    sim.wait_all(&ops);
    let vm = int(&ops.as_array().unwrap()[1], "vm_id");
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(ints(&info, "ifaces_id"), [iface]);
    let i = sim.ok("hosting.iface.info", vec![iface.into()]);
    assert_eq!(text(&i, "state"), "used");
}

#[test]
fn vm_create_boots_an_existing_disk() {
    let mut sim = Sim::new();
    let disk = sim.disk("boot", 10_240);
    let spec = sim.vm_spec("web1").with("sys_disk_id", disk);
    let ops = sim.ok("hosting.vm.create", vec![spec.into()]);
    let kinds: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|o| text(o, "type"))
        .collect();
    assert_eq!(kinds, ["iface_create", "vm_create"]);
    sim.wait_all(&ops);
    let vm = int(&ops.as_array().unwrap()[1], "vm_id");
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(ints(&info, "disks_id"), [disk]);
    let d = sim.ok("hosting.disk.info", vec![disk.into()]);
    assert_eq!(d.get("is_boot_disk"), Some(&Value::Bool(true)));
    // sys_disk_id is only for vm.create.
    let spec = sim.vm_spec("web2").with("sys_disk_id", disk);
    let src = sim.image_disk(6);
    let f = sim.err(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    assert!(
        f.message.contains("unknown key 'sys_disk_id'"),
        "{}",
        f.message
    );
}

#[test]
fn objects_are_being_created_until_their_operation_is_done() {
    let mut sim = Sim::paced(Pace::Polls(3));
    let spec = sim.vm_spec("web1");
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    let ops = ops.as_array().unwrap().to_vec();
    assert!(ops.iter().all(|o| text(o, "step") == "BILL"));
    let vm = int(&ops[2], "vm_id");
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(text(&info, "state"), "being_created");
    assert_eq!(
        text(&info.get("disks").unwrap().as_array().unwrap()[0], "state"),
        "being_created"
    );
    let iface = &info.get("ifaces").unwrap().as_array().unwrap()[0];
    assert_eq!(text(iface, "state"), "being_created");
    assert_eq!(
        text(&iface.get("ips").unwrap().as_array().unwrap()[0], "state"),
        "being_created"
    );
    // Waiting on the vm_create op alone finishes the disk and iface first.
    assert_eq!(text(&sim.wait(&ops[2]), "step"), "DONE");
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(text(&info, "state"), "running");
    assert_eq!(
        text(&info.get("disks").unwrap().as_array().unwrap()[0], "state"),
        "created"
    );
    let iface = &info.get("ifaces").unwrap().as_array().unwrap()[0];
    assert_eq!(text(iface, "state"), "used");
    assert_eq!(
        text(&iface.get("ips").unwrap().as_array().unwrap()[0], "state"),
        "created"
    );
}

#[test]
fn polls_pace_walks_bill_wait_run_done_one_step_per_poll() {
    let mut sim = Sim::paced(Pace::Polls(4));
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    assert_eq!(text(&op, "step"), "BILL");
    let id = int(&op, "id");
    let mut steps = Vec::new();
    let mut etas = Vec::new();
    for _ in 0..5 {
        let info = sim.ok("operation.info", vec![id.into()]);
        steps.push(text(&info, "step").to_owned());
        etas.push(int(&info, "eta"));
    }
    assert_eq!(steps, ["WAIT", "RUN", "RUN", "DONE", "DONE"]);
    assert_eq!(etas, [3, 2, 1, 0, 0]);
    // Other calls do not advance it.
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    for _ in 0..5 {
        sim.ok("hosting.disk.list", vec![]);
    }
    assert_eq!(sim.state.step_of(int(&op, "id")), Step::Bill);
}

#[test]
fn instant_pace_is_done_at_the_first_poll() {
    let mut sim = Sim::new();
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    assert_eq!(text(&op, "step"), "WAIT");
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert_eq!(text(&info, "step"), "DONE");
    assert_eq!(
        int(info.get("params").unwrap(), "disk_id"),
        int(&op, "disk_id")
    );
    for k in ["eta", "last_error", "params"] {
        assert!(info.get(k).is_some(), "{k}");
    }
    assert!(matches!(info.get("date_start"), Some(Value::DateTime(_))));
}

#[test]
fn duration_pace_finishes_after_its_time() {
    let mut sim = Sim::paced(Pace::Duration(std::time::Duration::from_millis(6)));
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert_eq!(text(&info, "step"), "WAIT");
    assert_eq!(int(&info, "eta"), 1);
    std::thread::sleep(std::time::Duration::from_millis(8));
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert_eq!(text(&info, "step"), "DONE");
}

#[test]
fn public_v4_vm_gets_a_v4_and_v6_pair_on_one_iface() {
    let mut sim = Sim::new();
    let vm = sim.vm("web1");
    let iface = &vm.get("ifaces").unwrap().as_array().unwrap()[0];
    let ips = iface.get("ips").unwrap().as_array().unwrap();
    assert_eq!(ips.len(), 2);
    assert_eq!((int(&ips[0], "version"), int(&ips[0], "num")), (4, 0));
    assert_eq!((int(&ips[1], "version"), int(&ips[1], "num")), (6, 1));
    assert!(text(&ips[0], "ip").starts_with("192.0.2."));
    assert!(text(&ips[1], "ip").starts_with("2001:db8:"));
    assert!(matches!(iface.get("bandwidth"), Some(Value::Double(_))));
    assert_eq!(int(iface, "num"), 0);
}

#[test]
fn ip_version_6_vm_gets_only_ipv6() {
    let mut sim = Sim::new();
    let spec = sim.vm_spec("v6only").with("ip_version", 6);
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    sim.wait_all(&ops);
    let n = sim.ok("hosting.ip.count", vec![s().with("version", 4).into()]);
    assert_eq!(n, Value::Int(0));
    let n = sim.ok("hosting.ip.count", vec![s().with("version", "6").into()]);
    assert_eq!(n, Value::Int(1));
}

#[test]
fn a_vm_needs_an_ssh_key_or_a_login_and_password() {
    let mut sim = Sim::new();
    let src = sim.image_disk(6);
    let base = s()
        .with("datacenter_id", 6)
        .with("hostname", "web1")
        .with("memory", 512)
        .with("cores", 1)
        .with("ip_version", 4);
    let f = sim.err(
        "hosting.vm.create_from",
        vec![base.clone().into(), s().into(), src.into()],
    );
    assert!(f.message.contains("SSH key"), "{}", f.message);
    let f = sim.err(
        "hosting.vm.create_from",
        vec![
            base.clone().with("password", "long enough").into(),
            s().into(),
            src.into(),
        ],
    );
    assert_eq!(f.code, 530_236);
    let with_login = base
        .clone()
        .with("login", "alex")
        .with("password", "long enough");
    sim.ok(
        "hosting.vm.create_from",
        vec![with_login.into(), s().into(), src.into()],
    );
    let with_key = base.with("ssh_key", SSH).with("hostname", "web2");
    sim.ok(
        "hosting.vm.create_from",
        vec![with_key.into(), s().into(), src.into()],
    );
}

#[test]
fn vm_specs_are_validated_like_gandi() {
    let mut sim = Sim::new();
    let src = sim.image_disk(6);
    let spec = sim.vm_spec("web1");
    for (key, bad) in [
        ("memory", Value::from(300)),
        ("memory", Value::from(128)),
        ("cores", Value::from(0)),
        ("hostname", Value::from("-web")),
        ("hostname", Value::from("web_1")),
        ("ip_version", Value::from(5)),
        ("memory", Value::from("512")),
    ] {
        let f = sim.err(
            "hosting.vm.create_from",
            vec![
                spec.clone().with(key, bad.clone()).into(),
                s().into(),
                src.into(),
            ],
        );
        assert_eq!(f.code, 530_236, "{key}={bad:?}: {f}");
    }
    let f = sim.err(
        "hosting.vm.create_from",
        vec![
            spec.clone().with("keys", vec![999]).into(),
            s().into(),
            src.into(),
        ],
    );
    assert_eq!(f.code, 530_742, "{f}");
    assert!(sim.state.vms.is_empty() && sim.state.disks.is_empty());
}

#[test]
fn region_mismatch_between_vm_disk_and_iface_is_refused() {
    let mut sim = Sim::new();
    let spec = sim.vm_spec("web1");
    let src5 = sim.image_disk(5);
    let f = sim.err(
        "hosting.vm.create_from",
        vec![spec.clone().into(), s().into(), src5.into()],
    );
    assert!(f.message.contains("same datacenter"), "{f}");
    let src6 = sim.image_disk(6);
    let f = sim.err(
        "hosting.vm.create_from",
        vec![
            spec.into(),
            s().with("datacenter_id", 5).into(),
            src6.into(),
        ],
    );
    assert!(f.message.contains("same datacenter"), "{f}");
    let vm = int(&sim.vm("web2"), "id");
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 5).with("size", 1024).into()],
    );
    let f = sim.err(
        "hosting.vm.disk_attach",
        vec![vm.into(), int(&op, "disk_id").into()],
    );
    assert!(f.message.contains("same datacenter"), "{f}");
}

#[test]
fn closed_datacenters_refuse_new_resources() {
    let mut sim = Sim::new();
    for dc in [1, 2, 4] {
        let f = sim.err(
            "hosting.disk.create",
            vec![s().with("datacenter_id", dc).with("size", 1024).into()],
        );
        assert_eq!(f.code, 530_950, "{f}");
    }
    sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 3).with("size", 1024).into()],
    );
}

// --- VM life -----------------------------------------------------------------------------

#[test]
fn stop_start_and_reboot_move_the_vm_state() {
    let mut sim = Sim::new();
    let vm = int(&sim.vm("web1"), "id");
    let f = sim.err("hosting.vm.start", vec![vm.into()]);
    assert!(f.message.contains("must be halted"), "{f}");
    sim.stop(vm);
    assert_eq!(
        text(&sim.ok("hosting.vm.info", vec![vm.into()]), "state"),
        "halted"
    );
    assert!(sim.call("hosting.vm.reboot", vec![vm.into()]).is_err());
    sim.run("hosting.vm.start", vec![vm.into()]);
    let op = sim.run("hosting.vm.reboot", vec![vm.into()]);
    assert_eq!(text(&op, "type"), "vm_reboot");
    assert_eq!(
        text(&sim.ok("hosting.vm.info", vec![vm.into()]), "state"),
        "running"
    );
}

#[test]
fn deleting_a_running_vm_is_refused() {
    let mut sim = Sim::new();
    let vm = int(&sim.vm("web1"), "id");
    let f = sim.err("hosting.vm.delete", vec![vm.into()]);
    assert_eq!(f.code, 530_236);
    assert_eq!(
        f.message,
        format!(
            "Error on object : OBJECT_VM (CAUSE_BADPARAMETER) \
             [vm#{vm} is running, stop it before deleting it]"
        )
    );
}

#[test]
fn deleting_a_vm_removes_boot_disk_and_first_interface() {
    let mut sim = Sim::new();
    let vm_info = sim.vm("web1");
    let vm = int(&vm_info, "id");
    let boot = ints(&vm_info, "disks_id")[0];
    let first_iface = ints(&vm_info, "ifaces_id")[0];
    let data = sim.disk("data", 2048);
    sim.run("hosting.vm.disk_attach", vec![vm.into(), data.into()]);
    let op = sim.run(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 6).with("ip_version", 6).into()],
    );
    let second = int(&op, "iface_id");
    sim.run("hosting.vm.iface_attach", vec![vm.into(), second.into()]);
    sim.stop(vm);
    let op = sim.run("hosting.vm.delete", vec![vm.into()]);
    assert_eq!(text(&op, "type"), "vm_delete");
    assert_eq!(sim.err("hosting.vm.info", vec![vm.into()]).code, 530_242);
    assert_eq!(
        sim.err("hosting.disk.info", vec![boot.into()]).code,
        530_442
    );
    assert_eq!(
        sim.err("hosting.iface.info", vec![first_iface.into()]).code,
        530_542
    );
    assert_eq!(
        sim.ok(
            "hosting.ip.count",
            vec![s().with("iface_id", first_iface).into()]
        ),
        Value::Int(0)
    );
    let d = sim.ok("hosting.disk.info", vec![data.into()]);
    assert_eq!(ints(&d, "vms_id"), Vec::<i64>::new());
    let i = sim.ok("hosting.iface.info", vec![second.into()]);
    assert_eq!(text(&i, "state"), "free");
    assert!(i.get("vm_id").unwrap().is_nil());
}

#[test]
fn vm_update_applies_when_done_and_guards_max_memory() {
    let mut sim = Sim::paced(Pace::Polls(2));
    let spec = sim.vm_spec("web1");
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    let vm = int(&ops.as_array().unwrap()[2], "vm_id");
    sim.wait(&ops.as_array().unwrap()[2]);
    let op = sim.ok(
        "hosting.vm.update",
        vec![
            vm.into(),
            s().with("memory", 1024)
                .with("console", true)
                .with("hostname", "web9")
                .into(),
        ],
    );
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(int(&info, "memory"), 512, "not before DONE");
    sim.wait(&op);
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!((int(&info, "memory"), int(&info, "console")), (1024, 1));
    assert_eq!(text(&info, "hostname"), "web9");
    let f = sim.err(
        "hosting.vm.update",
        vec![vm.into(), s().with("memory", 4096).into()],
    );
    assert!(f.message.contains("vm_max_memory"), "{f}");
    let f = sim.err(
        "hosting.vm.update",
        vec![vm.into(), s().with("vm_max_memory", 4096).into()],
    );
    assert!(f.message.contains("halted"), "{f}");
}

#[test]
fn vm_list_has_summary_keys_and_vm_info_adds_details() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let list = sim.ok("hosting.vm.list", vec![]);
    let summary = &list.as_array().unwrap()[0];
    for k in [
        "disks",
        "ifaces",
        "graph_urls",
        "console_url",
        "triggers",
        "probes",
        "hvm_state",
    ] {
        assert!(summary.get(k).is_none(), "{k} in list");
        assert!(info.get(k).is_some(), "{k} missing in info");
    }
    for k in [
        "vm_max_memory",
        "ai_active",
        "flex_shares",
        "disks_id",
        "ifaces_id",
        "date_created",
    ] {
        assert!(summary.get(k).is_some(), "{k}");
    }
    assert!(matches!(info.get("console"), Some(Value::Int(0))));
    let graph = info
        .get("graph_urls")
        .unwrap()
        .get("vcpu")
        .unwrap()
        .as_array()
        .unwrap();
    assert!(graph[0].as_str().unwrap().contains("&device_number=0"));
}

#[test]
fn vm_lists_filter_and_page() {
    let mut sim = Sim::new();
    for name in ["a1", "b2", "a3"] {
        sim.vm(name);
    }
    let n = sim.ok(
        "hosting.vm.count",
        vec![s().with("~hostname", "a%").with("page", 5).into()],
    );
    assert_eq!(n, Value::Int(2));
    let page = sim.ok(
        "hosting.vm.list",
        vec![
            s().with("items_per_page", 2)
                .with("page", 1)
                .with("sort_by", "hostname DESC")
                .into(),
        ],
    );
    let names: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|v| text(v, "hostname"))
        .collect();
    assert_eq!(names, ["a1"]);
    let f = sim.err("hosting.vm.list", vec![s().with("colour", "red").into()]);
    assert_eq!(f.code, 530_236);
}

#[test]
fn two_phase_vm_migration_waits_for_finalize() {
    let mut sim = Sim::new();
    let vm = int(&sim.vm("web1"), "id");
    let can = sim.ok("hosting.vm.can_migrate", vec![vm.into()]);
    assert_eq!(can.get("can_migrate"), Some(&Value::Bool(true)));
    assert_eq!(
        can.get("can_migrate_to").unwrap().as_array().unwrap()[0],
        "LU-BI1".into()
    );
    assert!(
        sim.call("hosting.vm.migrate", vec![vm.into(), true.into()])
            .is_err()
    );
    let op = sim.ok("hosting.vm.migrate", vec![vm.into(), false.into()]);
    assert_eq!(text(&op, "type"), "hosting_migration_vm");
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert_eq!(text(&info, "step"), "RUN");
    assert_eq!(
        text(info.get("params").unwrap(), "inner_step"),
        "wait_finalize"
    );
    let again = sim.ok("hosting.vm.migrate", vec![vm.into(), true.into()]);
    assert_eq!(int(&again, "id"), int(&op, "id"));
    let done = sim.wait(&op);
    assert_eq!(text(&done, "step"), "DONE");
    assert_eq!(text(done.get("params").unwrap(), "inner_step"), "finalize");
    assert!(
        sim.call("hosting.vm.migrate", vec![vm.into(), true.into()])
            .is_err(),
        "nothing left to finalize"
    );
    let moved = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(int(&moved, "datacenter_id"), 3);
    let disk = &moved.get("disks").unwrap().as_array().unwrap()[0];
    assert_eq!(int(disk, "datacenter_id"), 3);
}

// --- disks -------------------------------------------------------------------------------

#[test]
fn a_disk_attaches_to_one_vm_only() {
    let mut sim = Sim::new();
    let a = int(&sim.vm("a"), "id");
    let b = int(&sim.vm("b"), "id");
    let data = sim.disk("data", 1024);
    sim.run(
        "hosting.vm.disk_attach",
        vec![
            a.into(),
            data.into(),
            s().with("position", 1).with("access", "read").into(),
        ],
    );
    let f = sim.err("hosting.vm.disk_attach", vec![b.into(), data.into()]);
    assert_eq!(f.code, 530_439);
    let d = sim.ok("hosting.disk.info", vec![data.into()]);
    assert_eq!(ints(&d, "vms_id"), [a]);
    assert_eq!(d.get("is_boot_disk"), Some(&Value::Bool(false)));
    let n = sim.ok("hosting.disk.count", vec![s().with("vm_id", a).into()]);
    assert_eq!(n, Value::Int(2));
}

#[test]
fn two_pending_attaches_of_one_disk_end_the_second_in_error() {
    let mut sim = Sim::paced(Pace::Polls(1));
    let a = int(&sim.vm("a"), "id");
    let b = int(&sim.vm("b"), "id");
    let data = sim.disk("data", 1024);
    let first = sim.ok("hosting.vm.disk_attach", vec![a.into(), data.into()]);
    let second = sim.ok("hosting.vm.disk_attach", vec![b.into(), data.into()]);
    assert_eq!(text(&sim.wait(&first), "step"), "DONE");
    let info = sim.wait(&second);
    assert_eq!(text(&info, "step"), "ERROR");
    assert!(text(&info, "last_error").contains("already attached"));
}

#[test]
fn detaching_the_boot_disk_needs_a_halted_vm() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let vm = int(&info, "id");
    let boot = ints(&info, "disks_id")[0];
    let f = sim.err("hosting.vm.disk_detach", vec![vm.into(), boot.into()]);
    assert!(f.message.contains("halted"), "{f}");
    sim.stop(vm);
    sim.run("hosting.vm.disk_detach", vec![vm.into(), boot.into()]);
    let d = sim.ok("hosting.disk.info", vec![boot.into()]);
    assert!(ints(&d, "vms_id").is_empty());
}

#[test]
fn attaching_at_position_0_swaps_the_boot_disk() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let vm = int(&info, "id");
    let old = ints(&info, "disks_id")[0];
    let new = sim.disk("newboot", 10_240);
    sim.stop(vm);
    sim.run(
        "hosting.vm.disk_attach",
        vec![vm.into(), new.into(), s().with("position", 0).into()],
    );
    let info = sim.ok("hosting.vm.info", vec![vm.into()]);
    assert_eq!(ints(&info, "disks_id"), [new, old]);
}

#[test]
fn deleting_an_attached_disk_is_530439() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let boot = ints(&info, "disks_id")[0];
    let f = sim.err("hosting.disk.delete", vec![boot.into()]);
    assert_eq!(f.code, 530_439);
    assert!(
        f.message
            .starts_with("Error on object : OBJECT_DISK (CAUSE_ATTACHED) [")
    );
    let free = sim.disk("free", 1024);
    let op = sim.run("hosting.disk.delete", vec![free.into()]);
    assert_eq!(text(&op, "type"), "disk_delete");
    assert!(sim.call("hosting.disk.info", vec![free.into()]).is_err());
}

#[test]
fn disk_update_refuses_shrinking_and_sizes_not_multiple_of_1024() {
    let mut sim = Sim::new();
    let d = sim.disk("data", 4096);
    let f = sim.err(
        "hosting.disk.update",
        vec![d.into(), s().with("size", 2048).into()],
    );
    assert!(f.message.contains("cannot shrink"), "{f}");
    let f = sim.err(
        "hosting.disk.update",
        vec![d.into(), s().with("size", 5000).into()],
    );
    assert!(f.message.contains("multiple of 1024"), "{f}");
    sim.run(
        "hosting.disk.update",
        vec![d.into(), s().with("size", 8192).with("name", "big").into()],
    );
    let info = sim.ok("hosting.disk.info", vec![d.into()]);
    assert_eq!((int(&info, "size"), text(&info, "name")), (8192, "big"));
    let f = sim.err(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1500).into()],
    );
    assert_eq!(f.code, 530_436);
}

#[test]
fn snapshot_profile_accepts_an_id_or_empty_string() {
    let mut sim = Sim::new();
    let d = sim.disk("data", 1024);
    sim.run(
        "hosting.disk.update",
        vec![d.into(), s().with("snapshot_profile", 2).into()],
    );
    let info = sim.ok("hosting.disk.info", vec![d.into()]);
    assert_eq!(
        text(info.get("snapshot_profile").unwrap(), "name"),
        "full_week"
    );
    let listed = sim.ok("hosting.disk.list", vec![s().with("id", d).into()]);
    assert_eq!(
        int(&listed.as_array().unwrap()[0], "snapshot_profile_id"),
        2
    );
    sim.run(
        "hosting.disk.update",
        vec![d.into(), s().with("snapshot_profile", "").into()],
    );
    let info = sim.ok("hosting.disk.info", vec![d.into()]);
    assert!(info.get("snapshot_profile").unwrap().is_nil());
    assert!(
        sim.call(
            "hosting.disk.update",
            vec![d.into(), s().with("snapshot_profile", 99).into()]
        )
        .is_err()
    );
    assert!(
        sim.call(
            "hosting.disk.update",
            vec![d.into(), s().with("snapshot_profile", "x").into()]
        )
        .is_err()
    );
}

#[test]
fn snapshots_are_disks_of_type_snapshot_listed_on_their_source() {
    let mut sim = Sim::new();
    let d = sim.disk("data", 2048);
    let op = sim.run(
        "hosting.disk.create_from",
        vec![
            s().with("type", "snapshot").with("name", "snap1").into(),
            d.into(),
        ],
    );
    assert_eq!(text(&op, "type"), "disk_create");
    let snap = int(&op, "disk_id");
    let info = sim.ok("hosting.disk.info", vec![snap.into()]);
    assert_eq!(text(&info, "type"), "snapshot");
    assert_eq!(int(&info, "source"), d);
    assert_eq!(info.get("can_snapshot"), Some(&Value::Bool(false)));
    let src = sim.ok("hosting.disk.info", vec![d.into()]);
    assert_eq!(ints(&src, "snapshots_id"), [snap]);
    assert_eq!(int(&src, "total_size"), 4096);
    let n = sim.ok(
        "hosting.disk.count",
        vec![s().with("type", vec!["snapshot"]).into()],
    );
    assert_eq!(n, Value::Int(1));
    let vm = int(&sim.vm("web1"), "id");
    assert!(
        sim.call("hosting.vm.disk_attach", vec![vm.into(), snap.into()])
            .is_err()
    );
}

#[test]
fn rollback_refuses_an_attached_source_with_gandis_text() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let vm = int(&info, "id");
    let boot = ints(&info, "disks_id")[0];
    let op = sim.run(
        "hosting.disk.create_from",
        vec![s().with("type", "snapshot").into(), boot.into()],
    );
    let snap = int(&op, "disk_id");
    let f = sim.err("hosting.disk.rollback_from", vec![snap.into()]);
    assert_eq!(f.code, 530_439);
    assert_eq!(
        f.message,
        format!(
            "Error on object : OBJECT_DISK (CAUSE_ATTACHED) \
             [disk#{boot} associated with snapshot#{snap} is attached]"
        )
    );
    sim.stop(vm);
    sim.run("hosting.vm.disk_detach", vec![vm.into(), boot.into()]);
    let op = sim.run("hosting.disk.rollback_from", vec![snap.into()]);
    assert_eq!(
        (text(&op, "type"), int(&op, "disk_id")),
        ("disk_rollback", boot)
    );
}

#[test]
fn disk_migration_moves_a_detached_disk() {
    let mut sim = Sim::new();
    let d = sim.disk("data", 1024);
    assert!(
        sim.call("hosting.disk.migrate", vec![d.into(), 4.into()])
            .is_err()
    );
    let op = sim.run("hosting.disk.migrate", vec![d.into(), 5.into()]);
    assert_eq!(text(&op, "type"), "hosting_migration_disk");
    assert_eq!(
        int(
            &sim.ok("hosting.disk.info", vec![d.into()]),
            "datacenter_id"
        ),
        5
    );
}

// --- interfaces, IPs, VLANs --------------------------------------------------------------

#[test]
fn public_iface_with_ip_version_4_creates_v4_and_v6() {
    let mut sim = Sim::new();
    let op = sim.run(
        "hosting.iface.create",
        vec![
            s().with("datacenter_id", 6)
                .with("ip_version", 4)
                .with("bandwidth", 5120.0)
                .into(),
        ],
    );
    let info = sim.ok("hosting.iface.info", vec![int(&op, "iface_id").into()]);
    assert_eq!(text(&info, "state"), "free");
    assert!(info.get("num").unwrap().is_nil());
    assert!(info.get("vlan").unwrap().is_nil());
    assert_eq!(info.get("bandwidth"), Some(&Value::Double(5120.0)));
    let ips = info.get("ips").unwrap().as_array().unwrap();
    assert_eq!(ips.len(), 2);
    assert_eq!(int(&ips[0], "id"), int(&op, "ip_id"));
    let list = sim.ok("hosting.iface.list", vec![]);
    assert!(list.as_array().unwrap()[0].get("ips").is_none());
}

#[test]
fn private_iface_takes_a_chosen_address_inside_its_vlan_or_the_next_free() {
    let mut sim = Sim::new();
    sim.run(
        "hosting.vlan.create",
        vec![
            s().with("name", "backnet")
                .with("datacenter_id", 6)
                .with("subnet", "10.1.0.0/24")
                .with("gateway", "10.1.0.1")
                .into(),
        ],
    );
    let vlan = int(
        &sim.ok(
            "hosting.vlan.list",
            vec![s().with("name", "backnet").into()],
        )
        .as_array()
        .unwrap()[0],
        "id",
    );
    let spec = s().with("datacenter_id", 6).with("vlan", vlan);
    let op = sim.run(
        "hosting.iface.create",
        vec![spec.clone().with("ip", "10.1.0.50").into()],
    );
    let ip = sim.ok("hosting.ip.info", vec![int(&op, "ip_id").into()]);
    assert_eq!(text(&ip, "ip"), "10.1.0.50");
    assert_eq!(text(&ip, "reverse"), "");
    let op = sim.run("hosting.iface.create", vec![spec.clone().into()]);
    let ip = sim.ok("hosting.ip.info", vec![int(&op, "ip_id").into()]);
    assert_eq!(text(&ip, "ip"), "10.1.0.2");
    for bad in [
        "10.2.0.5",
        "10.1.0.1",
        "10.1.0.255",
        "10.1.0.50",
        "nonsense",
    ] {
        assert!(
            sim.call(
                "hosting.iface.create",
                vec![spec.clone().with("ip", bad).into()]
            )
            .is_err(),
            "{bad}"
        );
    }
    let iface = sim.ok("hosting.iface.info", vec![int(&op, "iface_id").into()]);
    assert_eq!(text(&iface, "type"), "private");
    assert_eq!(text(iface.get("vlan").unwrap(), "name"), "backnet");
    let n = sim.ok(
        "hosting.iface.count",
        vec![s().with("vlan", "backnet").into()],
    );
    assert_eq!(n, Value::Int(2));
    let f = sim.err("hosting.vlan.delete", vec![vlan.into()]);
    assert_eq!(f.code, 530_839);
    assert!(f.message.contains("still has 2 interfaces attached"), "{f}");
}

#[test]
fn iface_delete_requires_detached_and_removes_its_ips() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let iface = ints(&info, "ifaces_id")[0];
    let f = sim.err("hosting.iface.delete", vec![iface.into()]);
    assert_eq!(f.code, 530_539);
    let op = sim.run(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 6).with("ip_version", 4).into()],
    );
    let free = int(&op, "iface_id");
    sim.run("hosting.iface.delete", vec![free.into()]);
    assert_eq!(
        sim.ok("hosting.ip.count", vec![s().with("iface_id", free).into()]),
        Value::Int(0)
    );
    assert_eq!(sim.ok("hosting.ip.count", vec![]), Value::Int(2));
}

#[test]
fn ip_update_sets_the_reverse_and_ip_filters_work() {
    let mut sim = Sim::new();
    let info = sim.vm("web1");
    let iface = &info.get("ifaces").unwrap().as_array().unwrap()[0];
    let ip = int(&iface.get("ips").unwrap().as_array().unwrap()[0], "id");
    let op = sim.run(
        "hosting.ip.update",
        vec![ip.into(), s().with("reverse", "web1.example.com").into()],
    );
    assert_eq!(text(&op, "type"), "ip_update");
    assert_eq!(
        text(&sim.ok("hosting.ip.info", vec![ip.into()]), "reverse"),
        "web1.example.com"
    );
    let by_host = sim.ok(
        "hosting.ip.list",
        vec![s().with("~vm_hostname", "web").with("version", "4").into()],
    );
    assert_eq!(by_host.as_array().unwrap().len(), 1);
    assert!(
        sim.call(
            "hosting.ip.update",
            vec![ip.into(), s().with("reverse", "bad name").into()]
        )
        .is_err()
    );
}

#[test]
fn vlans_have_unique_names_and_their_ops_carry_no_id() {
    let mut sim = Sim::new();
    let spec = s().with("name", "backnet").with("datacenter_id", 6);
    let op = sim.run("hosting.vlan.create", vec![spec.clone().into()]);
    for k in ["vm_id", "disk_id", "iface_id", "ip_id"] {
        assert!(op.get(k).unwrap().is_nil(), "{k}");
    }
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert!(info.get("params").unwrap().get("vlan_id").is_none());
    let f = sim.err("hosting.vlan.create", vec![spec.into()]);
    assert_eq!(f.code, 530_837);
    let vlan = &sim.ok("hosting.vlan.list", vec![]).as_array().unwrap()[0].clone();
    assert_eq!(text(vlan, "subnet"), "192.168.0.0/24");
    assert_eq!(text(vlan, "state"), "created");
    let id = int(vlan, "id");
    assert!(
        sim.call(
            "hosting.vlan.update",
            vec![id.into(), s().with("gateway", "10.0.0.1").into()]
        )
        .is_err()
    );
    sim.run(
        "hosting.vlan.update",
        vec![
            id.into(),
            s().with("name", "front")
                .with("gateway", "192.168.0.254")
                .into(),
        ],
    );
    let info = sim.ok("hosting.vlan.info", vec![id.into()]);
    assert_eq!(
        (text(&info, "name"), text(&info, "gateway")),
        ("front", "192.168.0.254")
    );
    assert!(
        sim.call(
            "hosting.vlan.create",
            vec![
                s().with("name", "x")
                    .with("datacenter_id", 6)
                    .with("subnet", "10.0.0.1/24")
                    .into()
            ]
        )
        .is_err()
    );
    sim.run("hosting.vlan.delete", vec![id.into()]);
    assert_eq!(sim.ok("hosting.vlan.count", vec![]), Value::Int(0));
}

// --- SSH keys ----------------------------------------------------------------------------

#[test]
fn ssh_keys_are_synchronous_and_delete_returns_true() {
    let mut sim = Sim::new();
    let key = sim.ok(
        "hosting.ssh.create",
        vec![s().with("name", "laptop").with("value", SSH).into()],
    );
    assert_eq!(keys(&key), ["fingerprint", "id", "name", "value"]);
    assert_eq!(text(&key, "fingerprint").split(':').count(), 16);
    let id = int(&key, "id");
    let list = sim.ok("hosting.ssh.list", vec![s().with("name", "laptop").into()]);
    assert_eq!(
        keys(&list.as_array().unwrap()[0]),
        ["fingerprint", "id", "name"]
    );
    assert_eq!(sim.ok("hosting.ssh.info", vec![id.into()]), key);
    assert_eq!(sim.ok("hosting.ssh.count", vec![]), Value::Int(1));
    assert!(
        sim.call(
            "hosting.ssh.create",
            vec![s().with("name", "x").with("value", "nope").into()]
        )
        .is_err()
    );
    assert_eq!(
        sim.ok("hosting.ssh.delete", vec![id.into()]),
        Value::Bool(true)
    );
    let f = sim.err("hosting.ssh.delete", vec![id.into()]);
    assert_eq!(f.code, 530_742);
}

// --- operations --------------------------------------------------------------------------

#[test]
fn operation_list_and_count_filter_by_step_type_and_ids() {
    let mut sim = Sim::paced(Pace::Polls(2));
    let a = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    sim.wait(&a);
    let pending = s().with("step", vec!["BILL", "WAIT", "RUN"]);
    assert_eq!(
        sim.ok("operation.count", vec![pending.clone().into()]),
        Value::Int(1)
    );
    let done = sim.ok(
        "operation.list",
        vec![s().with("step", "DONE").with("type", "disk_create").into()],
    );
    assert_eq!(int(&done.as_array().unwrap()[0], "id"), int(&a, "id"));
    assert!(
        done.as_array().unwrap()[0].get("params").is_none(),
        "list uses the create shape"
    );
    let by_disk = sim.ok(
        "operation.count",
        vec![s().with("disk_id", int(&a, "disk_id")).into()],
    );
    assert_eq!(by_disk, Value::Int(1));
}

#[test]
fn cancel_returns_true_and_removes_what_was_being_created() {
    let mut sim = Sim::paced(Pace::Polls(3));
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    let id = int(&op, "id");
    assert_eq!(
        sim.ok("operation.cancel", vec![id.into()]),
        Value::Bool(true)
    );
    let info = sim.ok("operation.info", vec![id.into()]);
    assert_eq!(text(&info, "step"), "CANCEL");
    assert!(
        sim.call("hosting.disk.info", vec![int(&op, "disk_id").into()])
            .is_err()
    );
    let f = sim.err("operation.cancel", vec![id.into()]);
    assert!(f.message.contains("cannot be cancelled"), "{f}");
}

#[test]
fn planned_failures_end_operations_in_error_or_support() {
    let mut sim = Sim::new();
    sim.state
        .planned_failures
        .push(super::operation::PlannedFailure {
            kind: "vm_create".to_owned(),
            step: super::FailStep::Error,
            text: "hypervisor on fire".to_owned(),
        });
    let spec = sim.vm_spec("web1");
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    let ops = ops.as_array().unwrap().to_vec();
    let info = sim.wait(&ops[2]);
    assert_eq!(text(&info, "step"), "ERROR");
    assert_eq!(text(&info, "last_error"), "hypervisor on fire");
    assert_eq!(text(&sim.wait(&ops[0]), "step"), "DONE");
    assert!(
        sim.call("hosting.vm.info", vec![int(&ops[2], "vm_id").into()])
            .is_err()
    );
    let disk = sim.ok("hosting.disk.info", vec![int(&ops[0], "disk_id").into()]);
    assert!(ints(&disk, "vms_id").is_empty());

    sim.state
        .planned_failures
        .push(super::operation::PlannedFailure {
            kind: "disk_create".to_owned(),
            step: super::FailStep::Support,
            text: String::new(),
        });
    let spec = sim.vm_spec("web2");
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    let ops = ops.as_array().unwrap().to_vec();
    assert_eq!(text(&sim.wait(&ops[0]), "step"), "SUPPORT");
    let vm = sim.wait(&ops[2]);
    assert_eq!(
        text(&vm, "step"),
        "ERROR",
        "a vm_create whose disk failed fails too"
    );
}

#[test]
fn credits_decrease_and_running_out_is_530040() {
    let mut sim = Sim::new();
    sim.vm("web1");
    // 100 for the VM, 10 GB of disk, 10 for the IPv4.
    assert_eq!(sim.state.credits, 100_000 - 100 - 10 - 10);
    sim.state.credits = 5;
    let f = sim.err(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 10_240).into()],
    );
    assert_eq!(f.code, 530_040);
    assert!(
        f.message
            .starts_with("Error on object : OBJECT_HOSTING (CAUSE_NOCREDIT) [no hosting credits")
    );
    assert_eq!(sim.ok("hosting.disk.count", vec![]), Value::Int(1));
}

#[test]
fn every_method_answers_without_panicking_on_junk_parameters() {
    let junk = [
        Value::Nil,
        Value::from("x\u{1}y"),
        Value::from(-1),
        Value::from(i64::MAX),
        Value::Bool(true),
        Value::Double(f64::MAX),
        Value::Array(vec![Value::Nil]),
        Value::Struct(s().with("size", "big").with("datacenter_id", Value::Nil)),
        Value::Struct(
            s().with("datacenter_id", 6)
                .with("size", i64::MAX)
                .with("name", "n\u{0}")
                .with("farm", "f\u{2}")
                .with("cmdline", s().with("root", "\u{3}")),
        ),
    ];
    for method in dispatch::method_names() {
        let mut sim = Sim::new();
        for a in &junk {
            for b in &junk {
                for params in [
                    vec![a.clone()],
                    vec![a.clone(), b.clone()],
                    vec![a.clone(), b.clone(), Value::from(3_000_601)],
                ] {
                    if let Ok(v) = sim.call(method, params) {
                        assert!(
                            crate::xmlrpc::encode_response(&v).is_ok(),
                            "{method} answered something it cannot encode: {v:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn attaching_a_disk_still_being_created_finishes_its_creation_first() {
    let mut sim = Sim::paced(Pace::Polls(2));
    let spec = sim.vm_spec("web1");
    let src = sim.image_disk(6);
    let ops = sim.ok(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    let vm = int(&ops.as_array().unwrap()[2], "vm_id");
    sim.wait(&ops.as_array().unwrap()[2]);
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    let disk = int(&op, "disk_id");
    let attach = sim.ok("hosting.vm.disk_attach", vec![vm.into(), disk.into()]);
    assert_eq!(text(&sim.wait(&attach), "step"), "DONE");
    let d = sim.ok("hosting.disk.info", vec![disk.into()]);
    assert_eq!(
        (text(&d, "state"), ints(&d, "vms_id")),
        ("created", vec![vm])
    );
    assert_eq!(sim.state.step_of(int(&op, "id")), Step::Done);
}

#[test]
fn iface_update_changes_the_bandwidth_when_done() {
    let mut sim = Sim::paced(Pace::Polls(1));
    let op = sim.run(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 6).with("ip_version", 6).into()],
    );
    let iface = int(&op, "iface_id");
    let update = sim.ok(
        "hosting.iface.update",
        vec![iface.into(), s().with("bandwidth", 5120).into()],
    );
    assert_eq!(text(&update, "type"), "iface_update");
    let before = sim.ok("hosting.iface.info", vec![iface.into()]);
    assert_eq!(before.get("bandwidth"), Some(&Value::Double(102_400.0)));
    sim.wait(&update);
    let after = sim.ok("hosting.iface.info", vec![iface.into()]);
    assert_eq!(after.get("bandwidth"), Some(&Value::Double(5120.0)));
    assert!(
        sim.call(
            "hosting.iface.update",
            vec![iface.into(), s().with("bandwidth", 0).into()]
        )
        .is_err()
    );
}

#[test]
fn iface_attach_and_detach_move_the_interface_between_used_and_free() {
    let mut sim = Sim::new();
    let a = int(&sim.vm("a"), "id");
    let b = int(&sim.vm("b"), "id");
    let op = sim.run(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 6).with("ip_version", 4).into()],
    );
    let iface = int(&op, "iface_id");
    sim.run("hosting.vm.iface_attach", vec![a.into(), iface.into()]);
    let info = sim.ok("hosting.iface.info", vec![iface.into()]);
    assert_eq!(
        (text(&info, "state"), int(&info, "vm_id"), int(&info, "num")),
        ("used", a, 1)
    );
    let f = sim.err("hosting.vm.iface_attach", vec![b.into(), iface.into()]);
    assert_eq!(f.code, 530_539);
    let f = sim.err("hosting.vm.iface_detach", vec![b.into(), iface.into()]);
    assert!(f.message.contains("not attached"), "{f}");
    sim.run("hosting.vm.iface_detach", vec![a.into(), iface.into()]);
    let info = sim.ok("hosting.iface.info", vec![iface.into()]);
    assert_eq!(text(&info, "state"), "free");
    assert!(info.get("num").unwrap().is_nil());
    let vm = sim.ok("hosting.vm.info", vec![a.into()]);
    assert_eq!(ints(&vm, "ifaces_id").len(), 1);
}

#[test]
fn iface_migration_moves_a_detached_public_interface_and_its_ips() {
    let mut sim = Sim::new();
    let op = sim.run(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 6).with("ip_version", 4).into()],
    );
    let iface = int(&op, "iface_id");
    assert!(
        sim.call("hosting.iface.migrate", vec![iface.into(), 4.into()])
            .is_err()
    );
    let op = sim.run("hosting.iface.migrate", vec![iface.into(), 5.into()]);
    assert_eq!(text(&op, "type"), "hosting_migration_iface");
    let n = sim.ok(
        "hosting.ip.count",
        vec![s().with("datacenter_id", 5).into()],
    );
    assert_eq!(n, Value::Int(2));
}

#[test]
fn closed_datacenters_refuse_vms_ifaces_and_vlans_too() {
    let mut sim = Sim::new();
    let f = sim.err(
        "hosting.iface.create",
        vec![s().with("datacenter_id", 1).with("ip_version", 4).into()],
    );
    assert_eq!(f.code, 530_950);
    let f = sim.err(
        "hosting.vlan.create",
        vec![s().with("datacenter_id", 2).with("name", "x").into()],
    );
    assert_eq!(f.code, 530_950);
    let mut spec = sim.vm_spec("web1");
    spec.insert("datacenter_id", 4);
    let src = sim.image_disk(4);
    let f = sim.err(
        "hosting.vm.create_from",
        vec![spec.into(), s().into(), src.into()],
    );
    assert_eq!(f.code, 530_950);
    assert!(f.message.contains("FR-SD3"), "{f}");
}

#[test]
fn deleting_a_disk_with_a_pending_snapshot_takes_the_snapshot_with_it() {
    let mut sim = Sim::paced(Pace::Polls(2));
    let op = sim.ok(
        "hosting.disk.create",
        vec![s().with("datacenter_id", 6).with("size", 1024).into()],
    );
    sim.wait(&op);
    let d = int(&op, "disk_id");
    let snap_op = sim.ok(
        "hosting.disk.create_from",
        vec![s().with("type", "snapshot").into(), d.into()],
    );
    let snap = int(&snap_op, "disk_id");
    let src = sim.ok("hosting.disk.info", vec![d.into()]);
    assert_eq!(ints(&src, "snapshots_id"), [snap], "listed while pending");
    let del = sim.ok("hosting.disk.delete", vec![d.into()]);
    assert_eq!(text(&sim.wait(&del), "step"), "DONE");
    let gone = sim.err("hosting.disk.info", vec![snap.into()]);
    assert!(gone.message.contains(&snap.to_string()), "{gone}");
    assert!(sim.state.disks.values().all(|x| x.source != Some(d)));
}

/// Takes every public IPv4 address the fake hands out, as if other accounts held them.
fn exhaust_public_v4(sim: &mut Sim) {
    let at = super::state::now();
    for [a, b, c] in [[192, 0, 2], [198, 51, 100], [203, 0, 113]] {
        for d in 1..=254u8 {
            let id = sim.state.next_id(super::state::Kind::Ip);
            sim.state.ips.insert(
                id,
                super::state::Ip {
                    id,
                    ip: std::net::Ipv4Addr::new(a, b, c, d).to_string(),
                    version: 4,
                    reverse: String::new(),
                    num: 0,
                    state: "created",
                    iface_id: 0,
                    datacenter_id: 6,
                    created: at,
                    updated: at,
                },
            );
        }
    }
}

#[test]
fn vm_creation_without_an_ipv4_left_changes_nothing_and_says_why() {
    let mut sim = Sim::new();
    let spec = sim.vm_spec("web1");
    let src = sim.image_disk(6);
    let sys = sim.disk("sys", 10_240);
    exhaust_public_v4(&mut sim);
    let credits = sim.state.credits;
    let disks = sim.state.disks.len();
    let ops = sim.state.ops.len();
    let f = sim.err(
        "hosting.vm.create_from",
        vec![
            spec.clone().into(),
            s().with("size", 10_240).into(),
            src.into(),
        ],
    );
    assert!(f.message.contains("no public IPv4 address left"), "{f}");
    let f = sim.err(
        "hosting.vm.create",
        vec![spec.with("sys_disk_id", sys).into()],
    );
    assert!(f.message.contains("no public IPv4 address left"), "{f}");
    assert_eq!(sim.state.credits, credits);
    assert_eq!(sim.state.disks.len(), disks);
    assert_eq!(sim.state.ops.len(), ops);
    assert!(sim.state.vms.is_empty() && sim.state.ifaces.is_empty());
    let f = sim.err(
        "hosting.iface.create",
        vec![
            s().with("datacenter_id", 6)
                .with("ip_version", 4)
                .with("bandwidth", 102_400)
                .into(),
        ],
    );
    assert!(f.message.contains("no public IPv4 address left"), "{f}");
    assert_eq!(sim.state.credits, credits);
}

#[test]
fn the_first_free_public_ipv4_is_handed_out_with_its_reverse() {
    let mut sim = Sim::new();
    let a = sim.ok(
        "hosting.iface.create",
        vec![
            s().with("datacenter_id", 6)
                .with("ip_version", 4)
                .with("bandwidth", 102_400)
                .into(),
        ],
    );
    sim.wait(&a);
    let ip = sim.ok("hosting.ip.info", vec![int(&a, "ip_id").into()]);
    assert_eq!(text(&ip, "ip"), "192.0.2.1");
    assert_eq!(text(&ip, "reverse"), "xvm-2-1.example.net");
}

#[test]
fn the_fake_checks_specs_with_the_clients_rules() {
    let mut sim = Sim::new();
    let src = sim.image_disk(6);
    let spec = sim.vm_spec("web1");
    let create = |sim: &mut Sim, spec: Struct| {
        sim.call(
            "hosting.vm.create_from",
            vec![spec.into(), s().with("size", 10_240).into(), src.into()],
        )
    };
    assert!(create(&mut sim, spec.clone().with("cores", 32)).is_ok());
    let f = create(&mut sim, spec.clone().with("cores", 33)).unwrap_err();
    assert!(f.message.contains("between 1 and 32"), "{f}");
    let f = create(
        &mut sim,
        spec.clone()
            .with("hostname", "web2")
            .with("login", "1admin")
            .with("password", "long enough"),
    )
    .unwrap_err();
    assert!(f.message.contains("invalid login '1admin'"), "{f}");
    let f = create(
        &mut sim,
        spec.clone()
            .with("hostname", "web2")
            .with("login", "admin")
            .with("password", "x".repeat(129)),
    )
    .unwrap_err();
    assert!(f.message.contains("8 to 128"), "{f}");
    let f = sim.err(
        "hosting.disk.create",
        vec![
            s().with("datacenter_id", 6)
                .with("name", "a.b")
                .with("size", 1024)
                .into(),
        ],
    );
    assert!(f.message.contains("invalid disk name 'a.b'"), "{f}");
    let big = sim.ok(
        "hosting.disk.create",
        vec![
            s().with("datacenter_id", 6)
                .with("size", 8 * 1024 * 1024)
                .into(),
        ],
    );
    assert_eq!(text(&big, "type"), "disk_create");
    sim.err(
        "hosting.disk.create",
        vec![
            s().with("datacenter_id", 6)
                .with("size", 8 * 1024 * 1024 + 1024)
                .into(),
        ],
    );
    let f = sim.err(
        "hosting.ssh.create",
        vec![
            s().with("name", "k")
                .with("value", "ssh-foo AAAAB3NzaC1yc2E")
                .into(),
        ],
    );
    assert!(f.message.contains("not an SSH public key"), "{f}");
}

#[test]
fn a_migration_still_syncing_cannot_be_finalized() {
    let mut sim = Sim::new();
    let vm = int(&sim.vm("web1"), "id");
    sim.state.pace = Pace::Polls(3);
    let op = sim.ok("hosting.vm.migrate", vec![vm.into(), false.into()]);
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert_eq!(text(info.get("params").unwrap(), "inner_step"), "wait_sync");
    let f = sim.err("hosting.vm.migrate", vec![vm.into(), true.into()]);
    assert!(f.message.contains("no migration waiting"), "{f}");
    let f = sim.err("hosting.vm.migrate", vec![vm.into(), false.into()]);
    assert!(f.message.contains("already migrating"), "{f}");
    for _ in 0..3 {
        sim.ok("operation.info", vec![int(&op, "id").into()]);
    }
    let info = sim.ok("operation.info", vec![int(&op, "id").into()]);
    assert_eq!(text(&info, "step"), "RUN");
    assert_eq!(
        text(info.get("params").unwrap(), "inner_step"),
        "wait_finalize"
    );
    sim.ok("hosting.vm.migrate", vec![vm.into(), true.into()]);
    assert_eq!(text(&sim.wait(&op), "step"), "DONE");
}
