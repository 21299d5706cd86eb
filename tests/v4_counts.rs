//! Count calls and image details: exact requests and decoded answers.

mod common;

use common::*;
use gandi_hosting::model::{DiskId, ImageId, RegionId};
use gandi_hosting::xmlrpc::{Struct, Value};
use mockito::Server;

#[test]
fn counts_send_an_empty_filter_and_read_the_number() {
    let mut server = Server::new();
    let empty = || vec![Value::Struct(Struct::new())];
    let mocks = [
        expect_call(&mut server, "hosting.iface.count", empty(), body(7)),
        expect_call(&mut server, "hosting.vlan.count", empty(), body(2)),
        expect_call(
            &mut server,
            "hosting.ssh.count",
            empty(),
            fixture("hosting.ssh.count", "n"),
        ),
    ];
    let client = client(&server);
    assert_eq!(client.count_interfaces().unwrap(), 7);
    assert_eq!(client.count_vlans().unwrap(), 2);
    assert_eq!(client.count_ssh_keys().unwrap(), 3);
    mocks.iter().for_each(mockito::Mock::assert);
}

#[test]
fn a_negative_count_is_a_decode_error() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        "hosting.vlan.count",
        vec![Value::Struct(Struct::new())],
        body(-1),
    );
    let err = client(&server).count_vlans().unwrap_err();
    assert!(matches!(err, gandi_hosting::Error::Decode { .. }), "{err}");
    mock.assert();
}

#[test]
fn image_info_sends_the_id_and_decodes_the_entry() {
    let mut server = Server::new();
    let list = fixture_value("hosting.image.list", "fr_sd6");
    let first = list.as_array().unwrap()[0].clone();
    let id = first.get("id").and_then(Value::as_i64).unwrap();
    let disk = first.get("disk_id").and_then(Value::as_i64).unwrap();
    let label = first
        .get("label")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let mock = expect_call(
        &mut server,
        "hosting.image.info",
        vec![int(id)],
        body(first),
    );
    let image = client(&server).image_info(&ImageId::from(id)).unwrap();
    assert_eq!(image.id, ImageId::from(id));
    assert_eq!(image.source_disk, DiskId::from(disk));
    assert_eq!(image.name, label);
    assert_eq!(image.region, RegionId::from(6));
    mock.assert();
}
