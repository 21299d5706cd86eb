//! Properties of the XML-RPC codec: round trips over arbitrary value trees, and no panic on any
//! input, including every truncation and many byte flips of realistic documents.

use gandi_hosting::xmlrpc::{
    Fault, Limits, MethodCall, Response, Struct, Value, decode_call, decode_response,
    decode_response_with, encode_call, encode_fault, encode_response, from_value, to_value,
};
use proptest::prelude::*;
use time::{Date, Month, PrimitiveDateTime, Time};

/// Characters XML 1.0 allows, with the ones that need escaping made frequent.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::range(' ', '~'),
        1 => prop_oneof![Just('&'), Just('<'), Just('>'), Just('\t'), Just('\n'), Just('\r')],
        1 => proptest::char::range('\u{A0}', '\u{D7FF}'),
        1 => proptest::char::range('\u{E000}', '\u{FFFD}'),
        1 => proptest::char::range('\u{10000}', '\u{10FFFF}'),
    ]
}

fn xml_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(xml_char(), 0..24).prop_map(|chars| chars.into_iter().collect())
}

fn date() -> impl Strategy<Value = PrimitiveDateTime> {
    (0i32..=9999, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, 0u8..60).prop_map(
        |(year, month, day, hour, minute, second)| {
            let month = Month::try_from(month).expect("1..=12");
            PrimitiveDateTime::new(
                Date::from_calendar_date(year, month, day).expect("valid day"),
                Time::from_hms(hour, minute, second).expect("valid time"),
            )
        },
    )
}

fn finite_double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |d| d.is_finite()),
        Just(0.0),
        Just(-0.0),
        Just(2.0 / 3.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::Int),
        (-10i64..10).prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
        xml_string().prop_map(Value::String),
        finite_double().prop_map(Value::Double),
        date().prop_map(Value::DateTime),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Base64),
        Just(Value::Nil),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((xml_string(), inner), 0..8)
                .prop_map(|members| Value::Struct(members.into_iter().collect::<Struct>())),
        ]
    })
}

proptest! {
    #[test]
    fn any_value_survives_encode_then_decode(value in value()) {
        let bytes = encode_response(&value).expect("valid values encode");
        prop_assert_eq!(decode_response(&bytes), Ok(Response::Success(value)));
    }

    #[test]
    fn any_call_survives_encode_then_decode(
        method in proptest::collection::vec(xml_char(), 1..20)
            .prop_map(|chars| chars.into_iter().collect::<String>()),
        params in proptest::collection::vec(value(), 0..4),
    ) {
        let call = MethodCall::new(method, params);
        let bytes = encode_call(&call).expect("valid calls encode");
        prop_assert_eq!(decode_call(&bytes), Ok(call));
    }

    #[test]
    fn any_fault_survives_encode_then_decode(code in any::<i64>(), message in xml_string()) {
        let fault = Fault::new(code, message);
        prop_assert_eq!(decode_response(&encode_fault(&fault)), Ok(Response::Fault(fault)));
    }

    #[test]
    fn any_value_survives_the_serde_bridge(value in value()) {
        prop_assert_eq!(to_value(&value).expect("serializes"), value.clone());
        prop_assert_eq!(from_value::<Value>(value.clone()).expect("deserializes"), value);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_response(&bytes);
        let _ = decode_call(&bytes);
    }

    #[test]
    fn arbitrary_text_in_a_value_never_panics(text in "[<>&;#x0-9a-zA-Z/ =\"'!\\[\\]-]{0,64}") {
        let doc = format!(
            "<methodResponse><params><param><value>{text}</value></param></params></methodResponse>"
        );
        let _ = decode_response(doc.as_bytes());
    }

    #[test]
    fn random_edits_of_a_real_document_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut doc = fixture("vm_info_2012.xml");
        for (at, byte) in edits {
            let at = at.index(doc.len());
            doc[at] = byte;
        }
        let _ = decode_response(&doc);
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/xmlrpc_docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every prefix of each fixture is decoded; only the complete document may succeed.
#[test]
fn every_truncation_of_real_documents_is_an_error_not_a_panic() {
    for name in [
        "vm_info_2012.xml",
        "operation_2011.xml",
        "fault.xml",
        "call_vm_create_from.xml",
        "base64_response.xml",
    ] {
        let doc = fixture(name);
        let complete = doc.trim_ascii_end().len();
        for cut in 0..complete {
            let prefix = &doc[..cut];
            let outcome = if name.starts_with("call") {
                decode_call(prefix).map(|_| ())
            } else {
                decode_response(prefix).map(|_| ())
            };
            assert!(outcome.is_err(), "{name} cut at {cut} decoded");
        }
    }
}

/// Each byte of two documents is replaced in turn by bytes that matter to XML.
#[test]
fn byte_flips_at_every_position_never_panic() {
    const FLIPS: [u8; 10] = [b'<', b'>', b'&', b'/', b'"', b'\'', b' ', 0x00, 0xC3, 0xFF];
    for name in ["operation_2011.xml", "call_vm_create_from.xml"] {
        let original = fixture(name);
        for at in 0..original.len() {
            for flip in FLIPS {
                let mut doc = original.clone();
                doc[at] = flip;
                if name.starts_with("call") {
                    let _ = decode_call(&doc);
                } else {
                    let _ = decode_response(&doc);
                }
            }
        }
    }
}

/// Errors from mutated documents always locate themselves inside the document.
#[test]
fn error_offsets_stay_within_the_document() {
    let original = fixture("operation_2011.xml");
    for at in (0..original.len()).step_by(3) {
        let mut doc = original.clone();
        doc[at] = b'<';
        if let Err(error) = decode_response(&doc) {
            let offset = error.offset.expect("byte errors carry an offset");
            assert!(
                offset <= doc.len() as u64,
                "offset {offset} past the end: {error}"
            );
            assert!(!error.reason.is_empty());
        }
    }
}

#[test]
fn hostile_width_and_depth_are_bounded() {
    // A struct with many members, half of them repeated: linear, not quadratic.
    let mut doc = String::from("<methodResponse><params><param><value><struct>");
    for i in 0..20_000 {
        doc.push_str(&format!(
            "<member><name>m{}</name><value><int>{i}</int></value></member>",
            i % 10_000
        ));
    }
    doc.push_str("</struct></value></param></params></methodResponse>");
    let Ok(Response::Success(value)) = decode_response(doc.as_bytes()) else {
        panic!("wide struct");
    };
    let members = value.as_struct().expect("struct");
    assert_eq!(members.len(), 10_000);
    assert_eq!(members.get("m0"), Some(&Value::Int(10_000)));

    // Deep nesting within a small size cap.
    let deep = "<value><struct><member><name>a</name>".repeat(5_000);
    let doc = format!("<methodResponse><params><param>{deep}");
    let error = decode_response_with(doc.as_bytes(), &Limits::default()).unwrap_err();
    assert!(error.reason.contains("nested more than 64 deep"), "{error}");
}
