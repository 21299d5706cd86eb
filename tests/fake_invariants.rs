//! Random sequences of calls never break the simulator's world: whatever is refused or
//! accepted, links between VMs, disks, interfaces and IPs stay two-way and nothing dangles.

use gandi_hosting::fake::{FakeGandi, Pace};
use gandi_hosting::xmlrpc::{MethodCall, Struct, Value};
use proptest::prelude::*;

const SSH: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForInvariants x@y";

/// One step of a random scenario; ids are picked among existing objects by index.
#[derive(Debug, Clone)]
enum Step {
    CreateVm(u8),
    CreateDisk(u8),
    CreateIface(bool),
    CreateVlanIface,
    Attach(u8, u8),
    Detach(u8, u8),
    AttachIface(u8, u8),
    DetachIface(u8, u8),
    Stop(u8),
    Start(u8),
    DeleteVm(u8),
    DeleteDisk(u8),
    DeleteIface(u8),
    Snapshot(u8),
    Rollback(u8),
    Grow(u8),
    Poll(u8),
    Cancel(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<u8>().prop_map(Step::CreateVm),
        any::<u8>().prop_map(Step::CreateDisk),
        any::<bool>().prop_map(Step::CreateIface),
        Just(Step::CreateVlanIface),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::Attach(a, b)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::Detach(a, b)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::AttachIface(a, b)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::DetachIface(a, b)),
        any::<u8>().prop_map(Step::Stop),
        any::<u8>().prop_map(Step::Start),
        any::<u8>().prop_map(Step::DeleteVm),
        any::<u8>().prop_map(Step::DeleteDisk),
        any::<u8>().prop_map(Step::DeleteIface),
        any::<u8>().prop_map(Step::Snapshot),
        any::<u8>().prop_map(Step::Rollback),
        any::<u8>().prop_map(Step::Grow),
        any::<u8>().prop_map(Step::Poll),
        any::<u8>().prop_map(Step::Cancel),
    ]
}

struct World<'a> {
    fake: &'a FakeGandi,
}

impl World<'_> {
    fn call(&self, method: &str, mut params: Vec<Value>) -> Option<Value> {
        params.insert(0, self.fake.api_key().into());
        match self.fake.call(&MethodCall::new(method, params)) {
            Ok(v) => Some(v),
            Err(f) => {
                // Refusals are fine; an internal failure or a protocol fault is not.
                assert!(f.code > 500_066 || f.code == 500_136, "{method}: {f}");
                None
            }
        }
    }

    fn ids(&self, method: &str) -> Vec<i64> {
        let list = self
            .call(
                method,
                vec![Struct::new().with("items_per_page", 1000).into()],
            )
            .unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| v.get("id").and_then(Value::as_i64).unwrap())
            .collect()
    }

    fn pick(&self, method: &str, n: u8) -> Option<i64> {
        let ids = self.ids(method);
        (!ids.is_empty()).then(|| ids[usize::from(n) % ids.len()])
    }

    fn run(&self, step: &Step) {
        let vm = |n| self.pick("hosting.vm.list", n);
        let disk = |n| self.pick("hosting.disk.list", n);
        let iface = |n| self.pick("hosting.iface.list", n);
        let op = |n| self.pick("operation.list", n);
        match *step {
            Step::CreateVm(n) => {
                let spec = Struct::new()
                    .with("datacenter_id", 6)
                    .with("hostname", format!("vm{n}"))
                    .with("memory", 512)
                    .with("cores", 1)
                    .with("ip_version", if n % 2 == 0 { 4 } else { 6 })
                    .with("ssh_key", SSH);
                self.call(
                    "hosting.vm.create_from",
                    vec![spec.into(), Struct::new().into(), 3_000_600.into()],
                );
            }
            Step::CreateDisk(n) => {
                let spec = Struct::new()
                    .with("datacenter_id", if n % 5 == 0 { 5 } else { 6 })
                    .with("size", 1024 * (1 + i64::from(n % 3)));
                self.call("hosting.disk.create", vec![spec.into()]);
            }
            Step::CreateIface(v4) => {
                let spec = Struct::new()
                    .with("datacenter_id", 6)
                    .with("ip_version", if v4 { 4 } else { 6 });
                self.call("hosting.iface.create", vec![spec.into()]);
            }
            Step::CreateVlanIface => {
                let vlans = self.ids("hosting.vlan.list");
                let vlan = match vlans.first() {
                    Some(v) => *v,
                    None => {
                        let spec = Struct::new().with("name", "net").with("datacenter_id", 6);
                        self.call("hosting.vlan.create", vec![spec.into()]);
                        match self.ids("hosting.vlan.list").first() {
                            Some(v) => *v,
                            None => return,
                        }
                    }
                };
                let spec = Struct::new().with("datacenter_id", 6).with("vlan", vlan);
                self.call("hosting.iface.create", vec![spec.into()]);
            }
            Step::Attach(a, b) => {
                if let (Some(v), Some(d)) = (vm(a), disk(b)) {
                    let opts = Struct::new().with("position", i64::from(b % 3));
                    self.call(
                        "hosting.vm.disk_attach",
                        vec![v.into(), d.into(), opts.into()],
                    );
                }
            }
            Step::Detach(a, b) => {
                if let (Some(v), Some(d)) = (vm(a), disk(b)) {
                    self.call("hosting.vm.disk_detach", vec![v.into(), d.into()]);
                }
            }
            Step::AttachIface(a, b) => {
                if let (Some(v), Some(i)) = (vm(a), iface(b)) {
                    self.call("hosting.vm.iface_attach", vec![v.into(), i.into()]);
                }
            }
            Step::DetachIface(a, b) => {
                if let (Some(v), Some(i)) = (vm(a), iface(b)) {
                    self.call("hosting.vm.iface_detach", vec![v.into(), i.into()]);
                }
            }
            Step::Stop(n) => {
                if let Some(v) = vm(n) {
                    self.call("hosting.vm.stop", vec![v.into()]);
                }
            }
            Step::Start(n) => {
                if let Some(v) = vm(n) {
                    self.call("hosting.vm.start", vec![v.into()]);
                }
            }
            Step::DeleteVm(n) => {
                if let Some(v) = vm(n) {
                    self.call("hosting.vm.delete", vec![v.into()]);
                }
            }
            Step::DeleteDisk(n) => {
                if let Some(d) = disk(n) {
                    self.call("hosting.disk.delete", vec![d.into()]);
                }
            }
            Step::DeleteIface(n) => {
                if let Some(i) = iface(n) {
                    self.call("hosting.iface.delete", vec![i.into()]);
                }
            }
            Step::Snapshot(n) => {
                if let Some(d) = disk(n) {
                    let spec = Struct::new().with("type", "snapshot");
                    self.call("hosting.disk.create_from", vec![spec.into(), d.into()]);
                }
            }
            Step::Rollback(n) => {
                if let Some(d) = disk(n) {
                    self.call("hosting.disk.rollback_from", vec![d.into()]);
                }
            }
            Step::Grow(n) => {
                if let Some(d) = disk(n) {
                    let spec = Struct::new().with("size", 1024 * (2 + i64::from(n % 4)));
                    self.call("hosting.disk.update", vec![d.into(), spec.into()]);
                }
            }
            Step::Poll(n) => {
                if let Some(o) = op(n) {
                    self.call("operation.info", vec![o.into()]);
                }
            }
            Step::Cancel(n) => {
                if let Some(o) = op(n) {
                    self.call("operation.cancel", vec![o.into()]);
                }
            }
        }
    }

    fn ints(v: &Value, key: &str) -> Vec<i64> {
        v.get(key)
            .and_then(Value::as_array)
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect()
    }

    /// Every link is two-way and points at something that exists.
    fn check(&self) -> Result<(), TestCaseError> {
        for vm in self.ids("hosting.vm.list") {
            let info = self.call("hosting.vm.info", vec![vm.into()]).unwrap();
            for d in Self::ints(&info, "disks_id") {
                let disk = self.call("hosting.disk.info", vec![d.into()]);
                prop_assert!(disk.is_some(), "vm {vm} names missing disk {d}");
                prop_assert_eq!(Self::ints(&disk.unwrap(), "vms_id"), vec![vm]);
            }
            for i in Self::ints(&info, "ifaces_id") {
                let iface = self.call("hosting.iface.info", vec![i.into()]);
                prop_assert!(iface.is_some(), "vm {vm} names missing iface {i}");
                prop_assert_eq!(iface.unwrap().get("vm_id").cloned(), Some(Value::Int(vm)));
            }
        }
        for d in self.ids("hosting.disk.list") {
            let disk = self.call("hosting.disk.info", vec![d.into()]).unwrap();
            for vm in Self::ints(&disk, "vms_id") {
                let info = self.call("hosting.vm.info", vec![vm.into()]);
                prop_assert!(info.is_some(), "disk {d} names missing vm {vm}");
                prop_assert!(Self::ints(&info.unwrap(), "disks_id").contains(&d));
            }
            for s in Self::ints(&disk, "snapshots_id") {
                let snap = self.call("hosting.disk.info", vec![s.into()]);
                prop_assert!(snap.is_some(), "disk {d} names missing snapshot {s}");
            }
        }
        for i in self.ids("hosting.iface.list") {
            let iface = self.call("hosting.iface.info", vec![i.into()]).unwrap();
            for ip in Self::ints(&iface, "ips_id") {
                let info = self.call("hosting.ip.info", vec![ip.into()]);
                prop_assert!(info.is_some(), "iface {i} names missing ip {ip}");
                prop_assert_eq!(info.unwrap().get("iface_id").cloned(), Some(Value::Int(i)));
            }
        }
        for ip in self.ids("hosting.ip.list") {
            let info = self.call("hosting.ip.info", vec![ip.into()]).unwrap();
            let iface = info.get("iface_id").unwrap().clone();
            prop_assert!(
                self.call("hosting.iface.info", vec![iface]).is_some(),
                "ip {} without its iface",
                ip
            );
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_scenarios_keep_every_link_consistent(
        polls in 0u32..4,
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let pace = if polls == 0 { Pace::Instant } else { Pace::Polls(polls) };
        let fake = FakeGandi::builder().pace(pace).start().unwrap();
        let world = World { fake: &fake };
        for step in &steps {
            world.run(step);
            world.check()?;
        }
        // Finish everything, then check again.
        for op in world.ids("operation.list") {
            for _ in 0..5 {
                world.call("operation.info", vec![op.into()]);
            }
        }
        world.check()?;
    }
}
