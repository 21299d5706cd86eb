//! The hosting account (`hosting.account.info`, credit and legacy shares shapes) and the API
//! version (`version.info`) through the v4 client.

mod common;

use common::*;
use gandi_hosting::Error;
use mockito::Server;

const ACCOUNT: &str = "hosting.account.info";
const VERSION: &str = "version.info";

#[test]
fn account_info_decodes_the_credit_model() {
    let mut server = Server::new();
    let mock = expect_call(&mut server, ACCOUNT, vec![], fixture(ACCOUNT, "credits"));
    let client = client(&server);

    let account = client.account().unwrap();
    mock.assert();
    assert_eq!(calls(&server), [ACCOUNT]);
    assert_eq!(account.id, Some(58412));
    assert_eq!(account.handle, "AB1234-GANDI");
    assert_eq!(account.full_name.as_deref(), Some("Alex Example"));
    assert!(account.rating_enabled);
    assert_eq!(account.credits, Some(1840));
    // 0.012500000000000001 on the wire (17-digit repr) is the double nearest 0.0125.
    assert_eq!(account.average_credit_cost, Some(0.0125));
    assert_eq!(account.credits_expire_at, Some(dt(2021, 9, 30, 0, 0, 0)));
    assert_eq!(account.cycle_day, Some(14));
    // products, share_definition and the four resource blocks are nil.
    assert_eq!(account.resources, None);
    assert_eq!(account.available(), None);
    assert_eq!(account.share_definition, None);
    assert!(account.products.is_empty());
}

#[test]
fn account_info_decodes_the_legacy_shares_model() {
    let mut server = Server::new();
    let mock = expect_call(
        &mut server,
        ACCOUNT,
        vec![],
        fixture(ACCOUNT, "shares_legacy"),
    );
    let client = client(&server);

    let account = client.account().unwrap();
    mock.assert();
    assert_eq!(account.handle, "AB1234-GANDI");
    assert_eq!(account.full_name.as_deref(), Some("Camille Lefèvre"));
    assert!(!account.rating_enabled, "no rating_enabled key: shares");
    assert_eq!(account.credits, None);
    assert_eq!(account.average_credit_cost, None);
    assert_eq!(account.credits_expire_at, None);
    assert_eq!(account.cycle_day, None);

    let resources = account.resources.as_ref().expect("resources");
    let available = resources.available.as_ref().expect("available");
    assert_eq!(available.bandwidth_kbps, Some(20480.0));
    assert_eq!(available.cores, Some(1.0));
    assert_eq!(available.disk_mb, Some(16384));
    assert_eq!(available.disk_gb(), Some(16));
    assert_eq!(available.ips, Some(1));
    assert_eq!(available.memory_mb, Some(512));
    assert_eq!(available.servers, Some(1));
    assert_eq!(available.shares, Some(1));
    assert_eq!(available.slots, Some(2.0 / 3.0));
    assert_eq!(account.available(), Some(available));

    let granted = resources.granted.as_ref().expect("granted");
    assert_eq!(granted.bandwidth_kbps, Some(40960.0));
    assert_eq!(granted.cores, Some(2.0));
    assert_eq!(granted.disk_mb, Some(32768));
    assert_eq!(granted.ips, Some(2));
    assert_eq!(granted.memory_mb, Some(1024));
    assert_eq!(granted.servers, Some(2));
    assert_eq!(granted.slots, Some(2.0));

    let used = resources.used.as_ref().expect("used");
    assert_eq!(used.memory_mb, Some(512));
    assert_eq!(used.slots, Some(4.0 / 3.0));

    // `expired` is an empty struct: present, with nothing in it.
    let expired = resources.expired.as_ref().expect("expired");
    assert_eq!(expired.disk_mb, None);
    assert_eq!(expired.cores, None);

    let share = account.share_definition.as_ref().expect("share_definition");
    assert_eq!(share.memory_mb, Some(512));
    assert_eq!(share.disk_mb, Some(16384));
    assert_eq!(share.shares, None);

    assert_eq!(account.products.len(), 2);
    let shares = &account.products[0];
    assert_eq!(shares.id, Some(6031));
    assert_eq!(shares.name, "shares_fixed");
    assert_eq!(shares.quantity, Some(2));
    assert_eq!(shares.duration.as_deref(), Some("1y"));
    assert_eq!(shares.created_at, Some(dt(2012, 2, 1, 10, 0, 0)));
    assert_eq!(shares.ends_at, Some(dt(2013, 2, 1, 10, 0, 0)));
    assert_eq!(shares.autorenew, Some(true));
    assert_eq!(shares.in_redemption, Some(false));
    let ips = &account.products[1];
    assert_eq!(ips.name, "ips");
    assert_eq!(ips.duration.as_deref(), Some("1m"));
    assert_eq!(ips.ends_at, Some(dt(2012, 3, 1, 10, 0, 0)));
}

#[test]
fn account_info_accepts_empty_strings_for_absent_values() {
    // 2011 generation: no <nil/>, '' for every missing value.
    let body = "<?xml version='1.0' encoding='UTF-8'?>\n<methodResponse>\n<params>\n<param>\n\
<value><struct>\n<member>\n<name>id</name>\n<value><int>58412</int></value>\n</member>\n\
<member>\n<name>handle</name>\n<value><string>AB1234-GANDI</string></value>\n</member>\n\
<member>\n<name>fullname</name>\n<value><string></string></value>\n</member>\n\
<member>\n<name>rating_enabled</name>\n<value><string></string></value>\n</member>\n\
<member>\n<name>credits</name>\n<value><string></string></value>\n</member>\n\
<member>\n<name>average_credit_cost</name>\n<value><string></string></value>\n</member>\n\
<member>\n<name>date_credits_expiration</name>\n<value><string></string></value>\n</member>\n\
<member>\n<name>products</name>\n<value><string></string></value>\n</member>\n\
<member>\n<name>resources</name>\n<value><string></string></value>\n</member>\n\
</struct></value>\n</param>\n</params>\n</methodResponse>\n";
    let mut server = Server::new();
    let _mock = expect_call(&mut server, ACCOUNT, vec![], body);
    let client = client(&server);

    let account = client.account().unwrap();
    assert_eq!(account.id, Some(58412));
    assert_eq!(account.full_name, None);
    assert!(!account.rating_enabled);
    assert_eq!(account.credits, None);
    assert_eq!(account.average_credit_cost, None);
    assert_eq!(account.credits_expire_at, None);
    assert_eq!(account.resources, None);
    assert!(account.products.is_empty());
}

#[test]
fn account_info_with_a_refused_key_is_an_invalid_key_fault() {
    let mut server = Server::new();
    let _mock = expect_call(
        &mut server,
        ACCOUNT,
        vec![],
        fixture("faults", "invalid_api_key"),
    );
    let client = client(&server);

    let err = client.account().unwrap_err();
    assert!(err.is_invalid_api_key(), "{err:?}");
    assert_eq!(err.fault_code(), Some(510150));
    assert_eq!(err.fault().map(|f| f.method.as_str()), Some(ACCOUNT));
}

#[test]
fn account_info_without_hosting_credits_is_a_fault() {
    let mut server = Server::new();
    let _mock = expect_call(
        &mut server,
        ACCOUNT,
        vec![],
        fixture("faults", "no_credits"),
    );
    let client = client(&server);

    let err = client.account().unwrap_err();
    let fault = err.fault().expect("a fault");
    assert_eq!(fault.code, 530040);
    assert_eq!(fault.cause.as_deref(), Some("CAUSE_NOCREDIT"));
    assert_eq!(fault.message, "no hosting credits purchased");
}

#[test]
fn api_version_reads_version_info() {
    let mut server = Server::new();
    let mock = expect_call(&mut server, VERSION, vec![], fixture(VERSION, "ok"));
    let client = client(&server);

    let version = client.api_version().unwrap();
    mock.assert();
    assert_eq!(calls(&server), [VERSION]);
    assert_eq!(version.text, "3.3.42");
    assert_eq!(version.to_string(), "3.3.42");
    assert_eq!(version.numbers(), vec![3, 3, 42]);
    assert!(version.at_least(3, 3, 19), "ssh keys are there");
    assert!(version.at_least(3, 3, 42));
    assert!(!version.at_least(3, 3, 43));
    assert!(!version.at_least(4, 0, 0));
}

#[test]
fn api_version_without_the_member_is_a_decode_error() {
    let body = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n\
<value><struct>\n<member>\n<name>version</name>\n<value><string>3.3.42</string></value>\n\
</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>";
    let mut server = Server::new();
    let _mock = expect_call(&mut server, VERSION, vec![], body);
    let client = client(&server);

    match client.api_version().unwrap_err() {
        Error::Decode { method, error } => {
            assert_eq!(method, VERSION);
            assert!(error.reason.contains("api_version"), "{error}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}
