//! The serde bridge: `to_value`, `from_value`, serde for `Value`, and the date helpers.

use std::collections::BTreeMap;

use gandi_hosting::xmlrpc::{
    self, Response, Struct, Value, decode_response, encode_response, from_value, to_value,
};
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use time::macros::datetime;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Disk {
    id: i64,
    name: String,
    size: u32,
    #[serde(default)]
    label: Option<String>,
    is_boot_disk: bool,
    #[serde(with = "gandi_hosting::xmlrpc::datetime")]
    date_created: PrimitiveDateTime,
    #[serde(default, with = "gandi_hosting::xmlrpc::datetime::option")]
    date_start: Option<PrimitiveDateTime>,
}

fn disk() -> Disk {
    Disk {
        id: 34_918,
        name: "sys_web-1".into(),
        size: 3072,
        label: None,
        is_boot_disk: true,
        date_created: datetime!(2012-01-05 10:46:18),
        date_start: Some(datetime!(2012-01-05 10:47:00)),
    }
}

// ----- to_value ---------------------------------------------------------------------------------

#[test]
fn struct_becomes_a_struct_in_field_order_without_none_fields() {
    let value = to_value(&disk()).unwrap();
    let names: Vec<&str> = value.as_struct().unwrap().iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "id",
            "name",
            "size",
            "is_boot_disk",
            "date_created",
            "date_start"
        ]
    );
    assert_eq!(
        value.get("date_created"),
        Some(&Value::DateTime(datetime!(2012-01-05 10:46:18)))
    );
    assert_eq!(value.get("label"), None);
}

#[test]
fn none_at_top_level_or_in_arrays_is_nil() {
    assert_eq!(to_value(&None::<i32>).unwrap(), Value::Nil);
    assert_eq!(
        to_value(&vec![Some(1), None]).unwrap(),
        Value::Array(vec![Value::Int(1), Value::Nil])
    );
}

#[test]
fn unit_is_nil_and_is_kept_in_structs() {
    #[derive(Serialize)]
    struct WithUnit {
        nothing: (),
    }
    assert_eq!(to_value(&()).unwrap(), Value::Nil);
    assert_eq!(
        to_value(&WithUnit { nothing: () }).unwrap(),
        Value::Struct(Struct::new().with("nothing", Value::Nil))
    );
}

#[test]
fn integers_fit_or_fail() {
    assert_eq!(to_value(&7u8).unwrap(), Value::Int(7));
    assert_eq!(to_value(&(i64::MAX as u64)).unwrap(), Value::Int(i64::MAX));
    let error = to_value(&(i64::MAX as u64 + 1)).unwrap_err();
    assert!(error.reason.contains("does not fit"), "{error}");
    assert_eq!(error.path, ".");
    assert!(to_value(&u128::MAX).is_err());
    assert_eq!(to_value(&-5i128).unwrap(), Value::Int(-5));
}

#[test]
fn floats_chars_strings_and_bytes() {
    assert_eq!(to_value(&1.5f32).unwrap(), Value::Double(1.5));
    assert_eq!(to_value(&'x').unwrap(), Value::from("x"));
    assert_eq!(to_value("hé").unwrap(), Value::from("hé"));
    struct Bytes;
    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b"\x00\x01")
        }
    }
    assert_eq!(to_value(&Bytes).unwrap(), Value::Base64(vec![0, 1]));
}

#[test]
fn sequences_and_tuples_are_arrays() {
    assert_eq!(
        to_value(&(1, "a", true)).unwrap(),
        Value::Array(vec![Value::Int(1), Value::from("a"), Value::Bool(true)])
    );
    assert_eq!(to_value(&Vec::<i32>::new()).unwrap(), Value::Array(vec![]));
}

#[test]
fn maps_need_string_keys_and_drop_none_values() {
    let mut map = BTreeMap::new();
    map.insert("b", Some(2));
    map.insert("a", None);
    assert_eq!(
        to_value(&map).unwrap(),
        Value::Struct(Struct::new().with("b", 2))
    );

    let mut bad = BTreeMap::new();
    bad.insert(1, 2);
    let error = to_value(&bad).unwrap_err();
    assert!(error.reason.contains("must be strings"), "{error}");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Bill,
    Wait,
    Done,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Shape {
    Point,
    Size(i64),
    Pair(i64, i64),
    Named { width: i64 },
}

#[test]
fn unit_variants_are_their_names() {
    assert_eq!(to_value(&Step::Wait).unwrap(), Value::from("wait"));
    assert_eq!(from_value::<Step>(Value::from("done")).unwrap(), Step::Done);
    assert_eq!(to_value(&Step::Bill).unwrap(), Value::from("bill"));
}

#[test]
fn data_variants_are_one_member_structs() {
    assert_eq!(
        to_value(&Shape::Size(3)).unwrap(),
        Value::Struct(Struct::new().with("Size", 3))
    );
    assert_eq!(
        to_value(&Shape::Pair(1, 2)).unwrap(),
        Value::Struct(Struct::new().with("Pair", vec![1, 2]))
    );
    assert_eq!(
        to_value(&Shape::Named { width: 4 }).unwrap(),
        Value::Struct(Struct::new().with("Named", Struct::new().with("width", 4)))
    );
    for shape in [
        Shape::Point,
        Shape::Size(3),
        Shape::Pair(1, 2),
        Shape::Named { width: 4 },
    ] {
        let value = to_value(&shape).unwrap();
        assert_eq!(from_value::<Shape>(value).unwrap(), shape);
    }
}

#[test]
fn to_value_errors_name_the_path() {
    #[derive(Serialize)]
    struct Outer {
        disks: Vec<Inner>,
    }
    #[derive(Serialize)]
    struct Inner {
        size: u64,
    }
    let outer = Outer {
        disks: vec![Inner { size: 1 }, Inner { size: u64::MAX }],
    };
    assert_eq!(
        to_value(&outer).unwrap_err().path,
        "struct[disks]/array[1]/struct[size]"
    );
}

#[test]
fn magic_newtype_turns_a_date_string_into_a_date() {
    #[derive(Serialize)]
    #[serde(rename = "$xmlrpc::DateTime")]
    struct Date(&'static str);
    assert_eq!(
        to_value(&Date("20110921T12:57:05")).unwrap(),
        Value::DateTime(datetime!(2011-09-21 12:57:05))
    );
    assert!(to_value(&Date("not a date")).is_err());
}

// ----- from_value -------------------------------------------------------------------------------

#[test]
fn struct_round_trips_through_value_and_the_wire() {
    let value = to_value(&disk()).unwrap();
    let wire = encode_response(&value).unwrap();
    let Ok(Response::Success(decoded)) = decode_response(&wire) else {
        panic!("decode");
    };
    assert_eq!(from_value::<Disk>(decoded).unwrap(), disk());
}

#[test]
fn unknown_members_are_ignored() {
    let value = to_value(&disk()).unwrap();
    let Value::Struct(mut members) = value else {
        panic!()
    };
    members.insert("kernel_version", "2.6.32");
    assert_eq!(from_value::<Disk>(Value::Struct(members)).unwrap(), disk());
}

#[test]
fn option_is_none_only_for_nil_or_absence() {
    assert_eq!(from_value::<Option<String>>(Value::Nil).unwrap(), None);
    assert_eq!(
        from_value::<Option<String>>(Value::from("")).unwrap(),
        Some(String::new())
    );
    assert_eq!(from_value::<Option<i64>>(Value::Int(3)).unwrap(), Some(3));
}

#[test]
fn unit_accepts_nil() {
    from_value::<()>(Value::Nil).unwrap();
    assert!(from_value::<()>(Value::Int(1)).is_err());
}

#[test]
fn any_dispatch_gives_each_type_its_serde_form() {
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    enum Any {
        Int(i64),
        Bool(bool),
        Bytes(#[serde(with = "bytes_vec")] Vec<u8>),
        Text(String),
        Float(f64),
        List(Vec<Any>),
        Map(BTreeMap<String, Any>),
        Nothing(Option<()>),
    }
    mod bytes_vec {
        pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<u8>, D::Error> {
            struct V;
            impl serde::de::Visitor<'_> for V {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
            }
            d.deserialize_byte_buf(V)
        }
    }
    assert_eq!(from_value::<Any>(Value::Int(1)).unwrap(), Any::Int(1));
    assert_eq!(
        from_value::<Any>(Value::Bool(true)).unwrap(),
        Any::Bool(true)
    );
    assert_eq!(
        from_value::<Any>(Value::from("x")).unwrap(),
        Any::Text("x".into())
    );
    assert_eq!(
        from_value::<Any>(Value::Double(0.5)).unwrap(),
        Any::Float(0.5)
    );
    assert_eq!(
        from_value::<Any>(Value::Base64(vec![1])).unwrap(),
        Any::Bytes(vec![1])
    );
    assert_eq!(
        from_value::<Any>(Value::DateTime(datetime!(2011-09-21 12:57:05))).unwrap(),
        Any::Text("20110921T12:57:05".into())
    );
    assert_eq!(
        from_value::<Any>(Value::from(vec![1])).unwrap(),
        Any::List(vec![Any::Int(1)])
    );
    assert_eq!(
        from_value::<Any>(Value::Struct(Struct::new().with("k", 1))).unwrap(),
        Any::Map(BTreeMap::from([("k".to_owned(), Any::Int(1))]))
    );
    assert_eq!(from_value::<Any>(Value::Nil).unwrap(), Any::Nothing(None));
}

#[test]
fn from_value_errors_name_the_path_without_an_offset() {
    #[derive(Debug, Deserialize)]
    struct Vm {
        #[allow(dead_code)]
        disks: Vec<Disk>,
    }
    let mut bad = to_value(&disk()).unwrap();
    if let Value::Struct(members) = &mut bad {
        members.insert("size", "big");
    }
    let value = Value::Struct(
        Struct::new().with("disks", vec![to_value(&disk()).unwrap(), bad.clone(), bad]),
    );
    let error = from_value::<Vm>(value).unwrap_err();
    assert_eq!(error.offset, None);
    assert_eq!(error.path, "struct[disks]/array[1]/struct[size]");
    assert!(
        error.reason.contains("invalid type: string \"big\""),
        "{error}"
    );
}

#[test]
fn missing_field_error_points_at_the_struct() {
    let value = Value::Struct(Struct::new().with("x", Struct::new()));
    #[derive(Debug, Deserialize)]
    struct Outer {
        #[allow(dead_code)]
        x: Inner,
    }
    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        needed: i64,
    }
    let error = from_value::<Outer>(value).unwrap_err();
    assert_eq!(error.path, "struct[x]");
    assert!(error.reason.contains("missing field `needed`"), "{error}");
}

#[test]
fn integers_are_range_checked_on_the_way_in() {
    assert_eq!(from_value::<u8>(Value::Int(255)).unwrap(), 255);
    assert!(from_value::<u8>(Value::Int(256)).is_err());
    assert!(from_value::<u32>(Value::Int(-1)).is_err());
    assert_eq!(from_value::<f64>(Value::Int(3)).unwrap(), 3.0);
}

// ----- dates ------------------------------------------------------------------------------------

#[test]
fn date_fields_read_dates_and_date_strings() {
    #[derive(Debug, Deserialize)]
    struct D {
        #[serde(with = "xmlrpc::datetime")]
        at: PrimitiveDateTime,
    }
    for value in [
        Value::DateTime(datetime!(2016-01-15 16:26:58)),
        Value::from("20160115T162658"),
        Value::from("2016-01-15T16:26:58Z"),
    ] {
        let d: D = from_value(Value::Struct(Struct::new().with("at", value))).unwrap();
        assert_eq!(d.at, datetime!(2016-01-15 16:26:58));
    }
    let error = from_value::<D>(Value::Struct(Struct::new().with("at", 5))).unwrap_err();
    assert_eq!(error.path, "struct[at]");
}

#[test]
fn optional_dates_are_none_for_nil_empty_string_or_absence() {
    let empty = Value::Struct(Struct::new().with("id", 1));
    let as_nil = Value::Struct(Struct::new().with("id", 1).with("date_start", Value::Nil));
    let as_blank = Value::Struct(Struct::new().with("id", 1).with("date_start", ""));
    #[derive(Debug, Deserialize)]
    struct Op {
        #[serde(default, with = "xmlrpc::datetime::option")]
        date_start: Option<PrimitiveDateTime>,
    }
    for value in [empty, as_nil, as_blank] {
        assert_eq!(from_value::<Op>(value).unwrap().date_start, None);
    }
}

#[test]
fn date_helpers_use_the_canonical_string_in_other_formats() {
    // `fmt::Formatter` is itself a (text-only) serde serializer: a foreign format.
    struct Shown(PrimitiveDateTime);
    impl std::fmt::Display for Shown {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            xmlrpc::datetime::serialize(&self.0, f)
        }
    }
    assert_eq!(
        Shown(datetime!(2011-09-21 12:57:05)).to_string(),
        "20110921T12:57:05"
    );
    assert_eq!(
        Shown(datetime!(2011-09-21 12:57:05.25)).to_string(),
        "20110921T12:57:05.25"
    );

    // serde's string deserializer stands for a foreign format on the way in.
    use serde::de::IntoDeserializer;
    let text: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        "20110921T12:57:05".into_deserializer();
    assert_eq!(
        xmlrpc::datetime::deserialize(text).unwrap(),
        datetime!(2011-09-21 12:57:05)
    );
}

#[test]
fn parse_and_format_helpers_agree() {
    let date = datetime!(2011-09-21 12:57:05);
    assert_eq!(xmlrpc::format_datetime(&date), "20110921T12:57:05");
    assert_eq!(xmlrpc::parse_datetime("20110921T12:57:05"), Some(date));
    assert_eq!(xmlrpc::parse_datetime("20110921"), None);
    assert_eq!(xmlrpc::parse_datetime(""), None);
    assert_eq!(xmlrpc::parse_datetime("20110921T12:57:05+"), None);
    assert_eq!(xmlrpc::parse_datetime("20110921T12:57:05."), None);
    assert_eq!(
        xmlrpc::parse_datetime("20110921T12:57:05.1234567891"),
        Some(datetime!(2011-09-21 12:57:05.123456789))
    );
}

// ----- serde for Value --------------------------------------------------------------------------

fn sample() -> Value {
    Value::Struct(
        Struct::new()
            .with("int", 1)
            .with("bool", false)
            .with("text", "t")
            .with("double", 0.25)
            .with("date", datetime!(2011-09-21 12:57:05.5))
            .with("bytes", Value::Base64(vec![0, 255]))
            .with("nil", Value::Nil)
            .with(
                "array",
                Value::Array(vec![Value::Nil, Value::from(vec![1])]),
            )
            .with("struct", Struct::new()),
    )
}

#[test]
fn from_value_of_value_is_the_identity() {
    assert_eq!(from_value::<Value>(sample()).unwrap(), sample());
}

#[test]
fn to_value_of_value_round_trips() {
    assert_eq!(to_value(&sample()).unwrap(), sample());
}

#[test]
fn struct_serde_round_trips() {
    let members = Struct::new().with("a", 1).with("b", Value::Nil);
    assert_eq!(to_value(&members).unwrap(), Value::Struct(members.clone()));
    assert_eq!(
        from_value::<Struct>(Value::Struct(members.clone())).unwrap(),
        members
    );
    assert!(from_value::<Struct>(Value::Int(1)).is_err());
}

#[test]
fn repeated_map_keys_follow_the_later_value_wins_rule() {
    struct Repeats;
    impl Serialize for Repeats {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap as _;
            let mut map = s.serialize_map(None)?;
            map.serialize_entry("a", &1)?;
            map.serialize_entry("b", &2)?;
            map.serialize_entry("a", &3)?;
            map.end()
        }
    }
    let value = to_value(&Repeats).unwrap();
    let members: Vec<(&str, &Value)> = value.as_struct().unwrap().iter().collect();
    assert_eq!(members, [("a", &Value::Int(3)), ("b", &Value::Int(2))]);
}

#[test]
fn large_maps_convert_both_ways() {
    let map: BTreeMap<String, i64> = (0..5_000).map(|i| (format!("k{i}"), i)).collect();
    let value = to_value(&map).unwrap();
    assert_eq!(value.as_struct().unwrap().len(), 5_000);
    assert_eq!(from_value::<Value>(value.clone()).unwrap(), value);
    assert_eq!(from_value::<BTreeMap<String, i64>>(value).unwrap(), map);
}

#[test]
fn an_array_is_not_taken_for_a_struct() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // only decoded
    struct Vm {
        id: i64,
        hostname: String,
    }
    let value = Value::Array(vec![Value::Int(1), Value::from("2")]);
    let err = from_value::<Vm>(value).unwrap_err();
    assert!(err.reason.contains("struct"), "{err}");
}
