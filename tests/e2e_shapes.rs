//! The fake and the recorded-style fixtures must agree in shape: for every method both cover,
//! each key a fixture has is also in the fake's answer, with the same XML-RPC type (a nil or an
//! empty string on either side matches anything, as real answers mix them). Also: the
//! transport's recorder, run against the fake, writes scrubbed files in the fixture layout.

use std::path::PathBuf;

use gandi_hosting::fake::FakeGandi;
use gandi_hosting::model::{BootDisk, IpSpec, VlanSpec, VmSpec};
use gandi_hosting::v4::{Client, WaitOptions};
use gandi_hosting::xmlrpc::{MethodCall, Response, Struct, Value, decode_call, decode_response};
use gandi_hosting::{Hosting, model::DiskSpec};

const SSH: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdhbmRpLWhvc3RpbmctcXVpY2tzdGFydC1ub2JvZHkh shapes";

fn fixture(method: &str, case: &str) -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/v4/{method}/{case}.xml"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match decode_response(&bytes).unwrap() {
        Response::Success(v) => v,
        Response::Fault(f) => panic!("{method}/{case} is a fault: {f}"),
    }
}

fn is_blank(v: &Value) -> bool {
    matches!(v, Value::Nil) || v.as_str() == Some("")
}

/// Every difference between `fixture` and `fake`, as `path: what`.
fn compare(path: &str, fixture: &Value, fake: &Value, out: &mut Vec<String>) {
    if is_blank(fixture) || is_blank(fake) {
        return;
    }
    match (fixture, fake) {
        (Value::Struct(a), Value::Struct(b)) => compare_structs(path, a, b, out),
        (Value::Array(a), Value::Array(b)) => {
            if let (Some(x), Some(y)) = (a.first(), b.first()) {
                compare(&format!("{path}[0]"), x, y, out);
            }
        }
        (a, b) if a.type_name() == b.type_name() => {}
        (a, b) => out.push(format!(
            "{path}: fixture has {}, fake has {}",
            a.type_name(),
            b.type_name()
        )),
    }
}

fn compare_structs(path: &str, fixture: &Struct, fake: &Struct, out: &mut Vec<String>) {
    for (name, value) in fixture.iter() {
        match fake.get(name) {
            Some(other) => compare(&format!("{path}.{name}"), value, other, out),
            None => out.push(format!("{path}.{name}: missing in the fake's answer")),
        }
    }
}

struct World {
    fake: FakeGandi,
    client: Client,
}

impl World {
    fn call(&self, method: &str, params: Vec<Value>) -> Value {
        let mut all = vec![Value::from(self.fake.api_key())];
        all.extend(params);
        self.fake
            .call(&MethodCall::new(method, all))
            .unwrap_or_else(|f| panic!("{method}: {f}"))
    }
}

fn id(v: &gandi_hosting::model::VmId) -> Value {
    Value::Int(v.as_i64().unwrap())
}

#[test]
fn the_fake_answers_in_the_fixtures_shapes() {
    let fake = FakeGandi::start().unwrap();
    let client = Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(WaitOptions::immediate())
        .build()
        .unwrap();
    let region = client.region_by_code("FR-SD6").unwrap();
    let image = client
        .image_by_name("Debian 12 64 bits (HVM)", &region.id)
        .unwrap();
    let key = client.create_ssh_key("laptop", SSH).unwrap();
    let vlan = client
        .create_vlan(
            &VlanSpec::new(region.id.clone(), "backend")
                .subnet("10.9.0.0/24")
                .gateway("10.9.0.1".parse().unwrap()),
        )
        .unwrap();
    let private = client
        .create_ip(&region.id, &IpSpec::private(vlan.id.clone()))
        .unwrap();
    let vm = client
        .create_vm(
            &VmSpec::new(region.id.clone(), "shape1").ssh_key(key.id.clone()),
            &BootDisk::from_image(&image, 10),
            &IpSpec::public_v4(),
        )
        .unwrap();
    let data = client
        .create_disk(&DiskSpec::blank(region.id.clone(), 3).name("shape_data"))
        .unwrap();
    let w = World { fake, client };
    let int = |i: Option<i64>| Value::Int(i.unwrap());
    let public_iface = vm.interface_ids[0].as_i64();
    let v4_ip = vm.interfaces[0].ipv4().unwrap().id.as_i64();

    // A create_from answer, for the operation shape (submitted, not waited for).
    let submitted = w.call(
        "hosting.vm.create_from",
        vec![
            Struct::new()
                .with("datacenter_id", int(region.id.as_i64()))
                .with("hostname", "shape2")
                .with("memory", 512)
                .with("cores", 1)
                .with("ip_version", 4)
                .with("bandwidth", 102_400)
                .with("ssh_key", SSH)
                .into(),
            Struct::new()
                .with("datacenter_id", int(region.id.as_i64()))
                .with("size", 10_240)
                .into(),
            int(image.source_disk.as_i64()),
        ],
    );
    let op_id = submitted
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op.get("type").and_then(Value::as_str) == Some("vm_create"))
        .and_then(|op| op.get("id"))
        .unwrap()
        .clone();

    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "hosting.datacenter.list",
            "all",
            w.call("hosting.datacenter.list", vec![]),
        ),
        (
            "hosting.image.list",
            "fr_sd6",
            w.call(
                "hosting.image.list",
                vec![
                    Struct::new()
                        .with("datacenter_id", int(region.id.as_i64()))
                        .into(),
                ],
            ),
        ),
        (
            "hosting.vm.info",
            "running",
            w.call("hosting.vm.info", vec![id(&vm.id)]),
        ),
        ("hosting.vm.list", "all", w.call("hosting.vm.list", vec![])),
        ("hosting.vm.create_from", "three_ops", submitted.clone()),
        (
            "hosting.disk.info",
            "data",
            w.call("hosting.disk.info", vec![int(data.id.as_i64())]),
        ),
        (
            "hosting.disk.info",
            "boot_attached",
            w.call("hosting.disk.info", vec![int(vm.disk_ids[0].as_i64())]),
        ),
        (
            "hosting.disk.list",
            "by_name",
            w.call(
                "hosting.disk.list",
                vec![Struct::new().with("name", "shape_data").into()],
            ),
        ),
        (
            "hosting.iface.info",
            "public_v4",
            w.call("hosting.iface.info", vec![int(public_iface)]),
        ),
        (
            "hosting.iface.info",
            "private",
            w.call("hosting.iface.info", vec![int(private.id.as_i64())]),
        ),
        (
            "hosting.iface.list",
            "all",
            w.call("hosting.iface.list", vec![]),
        ),
        (
            "hosting.ip.info",
            "v4",
            w.call("hosting.ip.info", vec![int(v4_ip)]),
        ),
        ("hosting.ip.list", "all", w.call("hosting.ip.list", vec![])),
        (
            "hosting.vlan.info",
            "with_subnet",
            w.call("hosting.vlan.info", vec![int(vlan.id.as_i64())]),
        ),
        (
            "hosting.vlan.list",
            "all",
            w.call("hosting.vlan.list", vec![]),
        ),
        (
            "hosting.ssh.info",
            "ok",
            w.call("hosting.ssh.info", vec![int(key.id.as_i64())]),
        ),
        (
            "hosting.ssh.list",
            "all",
            w.call("hosting.ssh.list", vec![]),
        ),
        (
            "hosting.account.info",
            "credits",
            w.call("hosting.account.info", vec![]),
        ),
        (
            "hosting.snapshotprofile.list",
            "all",
            w.call("hosting.snapshotprofile.list", vec![]),
        ),
        (
            "hosting.disk.list_kernels",
            "fr_sd6",
            w.call("hosting.disk.list_kernels", vec![int(region.id.as_i64())]),
        ),
        (
            "operation.info",
            "wait",
            w.call("operation.info", vec![op_id.clone()]),
        ),
        (
            "operation.list",
            "pending",
            w.call("operation.list", vec![]),
        ),
        ("version.info", "ok", w.call("version.info", vec![])),
    ];

    let mut problems = Vec::new();
    for (method, case, fake_answer) in &cases {
        compare(
            &format!("{method}/{case}"),
            &fixture(method, case),
            fake_answer,
            &mut problems,
        );
    }
    assert!(
        problems.is_empty(),
        "the fake and the fixtures disagree:\n{}",
        problems.join("\n")
    );
    drop(w.client);
}

#[test]
fn the_recorder_writes_scrubbed_pairs_in_the_fixture_layout() {
    let fake = FakeGandi::start().unwrap();
    let dir = std::env::temp_dir().join(format!("gandi-hosting-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let client = Client::builder()
        .api_key(fake.api_key())
        .endpoint(fake.url())
        .wait(WaitOptions::immediate())
        .record_to(&dir)
        .build()
        .unwrap();
    let region = client.region_by_code("FR-SD6").unwrap();
    client
        .create_disk(&DiskSpec::blank(region.id.clone(), 1).name("rec"))
        .unwrap();
    let _ = client
        .vm(&gandi_hosting::model::VmId::from(424_242))
        .unwrap_err(); // a fault

    let key = fake.api_key().to_owned();
    let mut methods = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let method = entry.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(entry.path()).unwrap() {
            let path = file.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(&key), "{} holds the API key", path.display());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".request.xml") {
                let call = decode_call(&bytes).unwrap();
                assert_eq!(call.method, method);
                assert_eq!(call.params[0], Value::from("<redacted>"));
            } else {
                assert!(
                    name.starts_with("recorded-") && name.ends_with(".xml"),
                    "{name}"
                );
                decode_response(&bytes).unwrap();
            }
        }
        methods.push(method);
    }
    methods.sort();
    for expected in [
        "hosting.datacenter.list",
        "hosting.disk.create",
        "hosting.disk.info",
        "operation.info",
        "hosting.vm.info",
    ] {
        assert!(
            methods.iter().any(|m| m == expected),
            "no recording of {expected} in {methods:?}"
        );
    }
    let fault = std::fs::read_to_string(dir.join("hosting.vm.info/recorded-1.xml")).unwrap();
    assert!(fault.contains("<fault>"), "faults are recorded too");
    std::fs::remove_dir_all(&dir).unwrap();
}
