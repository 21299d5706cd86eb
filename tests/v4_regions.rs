//! Regions (`hosting.datacenter.list`) and images (`hosting.image.list`) through the v4 client,
//! both with its own methods and through `&dyn Hosting`.

mod common;

use common::*;
use gandi_hosting::Hosting;
use gandi_hosting::error::Error;
use gandi_hosting::model::{DiskId, ImageId, RegionAvailability, RegionId};
use gandi_hosting::xmlrpc::Value;
use mockito::Server;

const DATACENTERS: &str = "hosting.datacenter.list";
const IMAGES: &str = "hosting.image.list";

fn regions_mock(server: &mut Server, hits: usize) -> mockito::Mock {
    expect_calls(
        server,
        DATACENTERS,
        vec![st(&[])],
        fixture(DATACENTERS, "all"),
        hits,
    )
}

fn images_mock(server: &mut Server, hits: usize) -> mockito::Mock {
    expect_calls(
        server,
        IMAGES,
        vec![st(&[("datacenter_id", int(6))])],
        fixture(IMAGES, "fr_sd6"),
        hits,
    )
}

#[test]
fn list_regions_decodes_codes_availability_closing_dates_and_migration_targets() {
    let mut server = Server::new();
    let mock = regions_mock(&mut server, 1);
    let client = client(&server);

    let regions = client.list_regions().unwrap();
    mock.assert();

    let codes: Vec<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        ["FR-SD2", "US-BA1", "LU-BI1", "FR-SD3", "FR-SD5", "FR-SD6"]
    );
    let ids: Vec<RegionId> = regions.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, (1..=6).map(RegionId::from).collect::<Vec<_>>());

    let sd2 = &regions[0];
    assert_eq!(sd2.name, "Equinix Paris");
    assert_eq!(sd2.country, "France");
    assert_eq!(sd2.iso, "FR");
    assert_eq!(sd2.availability, RegionAvailability::Closed);
    assert!(!sd2.is_open_for_new_servers());
    assert_eq!(sd2.deactivate_at, Some(dt(2017, 12, 29, 0, 0, 0)));
    assert!(sd2.migration_targets.is_empty());

    let ba1 = &regions[1];
    assert_eq!(ba1.name, "Level3 Baltimore");
    assert_eq!(ba1.country, "United States of America");
    assert_eq!(ba1.iso, "US");
    assert_eq!(ba1.availability, RegionAvailability::Closed);
    assert_eq!(ba1.deactivate_at, Some(dt(2016, 12, 1, 0, 0, 0)));

    let bi1 = &regions[2];
    assert_eq!(bi1.name, "Bissen");
    assert_eq!(bi1.availability, RegionAvailability::Open);
    assert_eq!(bi1.deactivate_at, None);
    assert_eq!(
        bi1.migration_targets,
        vec![RegionId::from(5), RegionId::from(6)]
    );

    let sd3 = &regions[3];
    assert_eq!(sd3.availability, RegionAvailability::ExistingCustomersOnly);
    assert!(!sd3.is_open_for_new_servers());
    assert_eq!(sd3.deactivate_at, None);

    let sd5 = &regions[4];
    assert_eq!(
        sd5.migration_targets,
        vec![RegionId::from(3), RegionId::from(6)]
    );

    let sd6 = &regions[5];
    assert_eq!(sd6.name, "Paris SD6");
    assert_eq!(sd6.iso, "FR");
    assert_eq!(sd6.availability, RegionAvailability::Open);
    assert!(sd6.is_open_for_new_servers());
    assert_eq!(
        sd6.migration_targets,
        vec![RegionId::from(3), RegionId::from(5)]
    );
}

#[test]
fn find_region_ignores_case() {
    let mut server = Server::new();
    let mock = regions_mock(&mut server, 2);
    let client = client(&server);

    let sd6 = client.find_region("fr-sd6").unwrap();
    assert_eq!(sd6.id, RegionId::from(6));
    assert_eq!(sd6.code, "FR-SD6");
    let bi1 = client.find_region(" Lu-Bi1 ").unwrap();
    assert_eq!(bi1.id, RegionId::from(3));
    mock.assert();
}

#[test]
fn find_region_not_found_lists_the_close_codes() {
    let mut server = Server::new();
    let mock = regions_mock(&mut server, 1);
    let client = client(&server);

    let err = client.find_region("FR-SD9").unwrap_err();
    mock.assert();
    match &err {
        Error::NotFound { kind, query, close } => {
            assert_eq!(*kind, "region");
            assert_eq!(query, "FR-SD9");
            assert_eq!(close, &["FR-SD2", "FR-SD3", "FR-SD5", "FR-SD6"]);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(err.is_not_found());
    let text = err.to_string();
    assert!(text.contains("FR-SD9"), "{text}");
    assert!(text.contains("FR-SD6"), "{text}");
}

#[test]
fn find_region_refuses_an_empty_code_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(invalid_field(client.find_region("  ")), "code");
    none.assert();
}

#[test]
fn list_images_filters_by_region_and_decodes_every_field() {
    let mut server = Server::new();
    let mock = images_mock(&mut server, 1);
    let client = client(&server);

    let images = client.list_images(&RegionId::from(6)).unwrap();
    mock.assert();

    let names: Vec<&str> = images.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Debian 12 64 bits (HVM)",
            "Debian 11 64 bits (HVM)",
            "Ubuntu 22.04 64 bits LTS (HVM)",
            "Ubuntu 20.04 64 bits LTS (HVM)",
            "CentOS 7 64 bits (HVM)",
            "Debian 9 32 bits",
        ]
    );
    let debian = &images[0];
    assert_eq!(debian.id, ImageId::from(1601));
    assert_eq!(debian.source_disk, DiskId::from(34801));
    assert_eq!(debian.region, RegionId::from(6));
    assert_eq!(debian.arch.as_deref(), Some("x86-64"));
    assert_eq!(debian.kernel_version.as_deref(), Some("3.12-x86_64 (hvm)"));
    assert_eq!(debian.size_gb, Some(3));
    assert_eq!(debian.visibility.as_deref(), Some("all"));
    assert_eq!(debian.created_at, Some(dt(2023, 6, 12, 10, 0, 0)));

    // nil dates decode to None.
    assert_eq!(images[3].id, ImageId::from(1604));
    assert_eq!(images[3].created_at, None);
    assert_eq!(images[4].created_at, None);
    assert_eq!(images[4].visibility.as_deref(), Some("deprecated"));

    let old = &images[5];
    assert_eq!(old.id, ImageId::from(1606));
    assert_eq!(old.source_disk, DiskId::from(34806));
    assert_eq!(old.arch.as_deref(), Some("x86-32"));
    assert_eq!(old.kernel_version.as_deref(), Some("3.18-x86"));
    assert_eq!(old.size_gb, Some(2));
    assert_eq!(old.created_at, Some(dt(2017, 7, 1, 10, 0, 0)));
}

#[test]
fn list_images_of_a_region_without_images_is_empty() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        IMAGES,
        vec![st(&[("datacenter_id", int(3))])],
        fixture(IMAGES, "empty"),
    );
    let client = client(&server);

    assert!(client.list_images(&RegionId::from(3)).unwrap().is_empty());
    mock.assert();
}

#[test]
fn list_images_refuses_a_non_numeric_region_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    let region = RegionId::opaque("fr-sd6-uuid").unwrap();
    assert_eq!(invalid_field(client.list_images(&region)), "region");
    none.assert();
}

#[test]
fn find_image_matches_the_exact_name() {
    let mut server = Server::new();
    let mock = images_mock(&mut server, 1);
    let client = client(&server);

    let image = client
        .find_image("Ubuntu 22.04 64 bits LTS (HVM)", &RegionId::from(6))
        .unwrap();
    mock.assert();
    assert_eq!(image.id, ImageId::from(1603));
    assert_eq!(image.source_disk, DiskId::from(34803));
}

#[test]
fn find_image_not_found_suggests_close_names() {
    let mut server = Server::new();
    let mock = images_mock(&mut server, 2);
    let client = client(&server);

    let err = client
        .find_image("Debian 12", &RegionId::from(6))
        .unwrap_err();
    match &err {
        Error::NotFound { kind, query, close } => {
            assert_eq!(*kind, "image");
            assert_eq!(query, "Debian 12");
            assert_eq!(close[0], "Debian 12 64 bits (HVM)");
            assert!(close.len() <= 5);
            assert!(!close.iter().any(|c| c.starts_with("CentOS")), "{close:?}");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(err.to_string().contains("Debian 12 64 bits (HVM)"));

    // The match is exact: the case of the name counts.
    let err = client
        .find_image("debian 12 64 bits (hvm)", &RegionId::from(6))
        .unwrap_err();
    match &err {
        Error::NotFound { close, .. } => {
            assert_eq!(
                close.first().map(String::as_str),
                Some("Debian 12 64 bits (HVM)")
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    mock.assert();
}

#[test]
fn find_image_refuses_an_empty_name_without_a_call() {
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let client = client(&server);

    assert_eq!(
        invalid_field(client.find_image("", &RegionId::from(6))),
        "name"
    );
    none.assert();
}

#[test]
fn the_hosting_trait_reaches_the_same_calls() {
    let mut server = Server::new();
    let regions = regions_mock(&mut server, 2);
    let images = images_mock(&mut server, 2);
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let all = hosting.regions().unwrap();
    assert_eq!(all.len(), 6);
    let sd6 = hosting.region_by_code("FR-SD6").unwrap();
    assert_eq!(sd6.id, RegionId::from(6));
    assert_eq!(sd6.availability, RegionAvailability::Open);

    let list = hosting.images(&sd6.id).unwrap();
    assert_eq!(list.len(), 6);
    let debian = hosting
        .image_by_name("Debian 12 64 bits (HVM)", &sd6.id)
        .unwrap();
    assert_eq!(debian.id, ImageId::from(1601));
    assert_eq!(debian.source_disk, DiskId::from(34801));

    regions.assert();
    images.assert();
    assert_eq!(calls(&server), [DATACENTERS, DATACENTERS, IMAGES, IMAGES]);
}

#[test]
fn the_hosting_trait_reports_unknown_codes_as_not_found() {
    let mut server = Server::new();
    let mock = regions_mock(&mut server, 1);
    let client = client(&server);
    let hosting: &dyn Hosting = &client;

    let err = hosting.region_by_code("XX-NOPE").unwrap_err();
    assert!(
        matches!(err, Error::NotFound { kind: "region", .. }),
        "{err:?}"
    );
    mock.assert();
}

#[test]
fn the_datacenter_list_is_sent_with_an_empty_options_struct() {
    // The parameters are exactly [key, {}]: a second struct or a missing one would not match.
    let mut server = Server::new();
    let none = no_calls(&mut server);
    let mock = expect_call(
        &mut server,
        DATACENTERS,
        vec![Value::Struct(gandi_hosting::xmlrpc::Struct::new())],
        fixture(DATACENTERS, "all"),
    );
    let client = client(&server);
    client.list_regions().unwrap();
    mock.assert();
    none.assert();
}
