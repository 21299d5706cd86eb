//! Decoding rules of the XML-RPC codec, one test per rule, plus the Python-generated fixtures in
//! `tests/xmlrpc_docs/` (see the README there).

use gandi_hosting::xmlrpc::{
    self, DecodeError, Fault, Limits, MethodCall, Response, Struct, Value, decode_call,
    decode_response, decode_response_with,
};
use time::macros::datetime;

/// Wraps one `<value>` in a response the way Python lays it out.
fn response_with(value_xml: &str) -> String {
    format!(
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n{value_xml}\n</param>\n\
         </params>\n</methodResponse>\n"
    )
}

/// Decodes a response holding `value_xml` and returns its value.
fn decode_value(value_xml: &str) -> Value {
    match decode_response(response_with(value_xml).as_bytes()) {
        Ok(Response::Success(value)) => value,
        other => panic!("expected a value from {value_xml}, got {other:?}"),
    }
}

fn decode_value_err(value_xml: &str) -> DecodeError {
    match decode_response(response_with(value_xml).as_bytes()) {
        Err(error) => error,
        Ok(other) => panic!("expected an error from {value_xml}, got {other:?}"),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/xmlrpc_docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ----- scalars ----------------------------------------------------------------------------------

#[test]
fn int_i4_and_i8_all_decode_to_int() {
    assert_eq!(decode_value("<value><int>42</int></value>"), Value::Int(42));
    assert_eq!(decode_value("<value><i4>-7</i4></value>"), Value::Int(-7));
    assert_eq!(
        decode_value("<value><i8>9007199254740993</i8></value>"),
        Value::Int(9_007_199_254_740_993)
    );
    assert_eq!(
        decode_value("<value><ex:i8>-5</ex:i8></value>"),
        Value::Int(-5)
    );
}

#[test]
fn int_tolerates_surrounding_whitespace_and_a_plus_sign() {
    assert_eq!(
        decode_value("<value><int> +12 </int></value>"),
        Value::Int(12)
    );
}

#[test]
fn int_out_of_i64_range_is_an_error() {
    let error = decode_value_err("<value><i8>9223372036854775808</i8></value>");
    assert!(error.reason.contains("invalid <i8>"), "{error}");
}

#[test]
fn int_that_is_not_a_number_is_an_error() {
    let error = decode_value_err("<value><int>12a</int></value>");
    assert!(error.reason.contains("`12a`"), "{error}");
    assert_eq!(error.path, "params/param/value");
}

#[test]
fn boolean_reads_one_zero_true_and_false() {
    assert_eq!(
        decode_value("<value><boolean>1</boolean></value>"),
        Value::Bool(true)
    );
    assert_eq!(
        decode_value("<value><boolean>0</boolean></value>"),
        Value::Bool(false)
    );
    assert_eq!(
        decode_value("<value><boolean>true</boolean></value>"),
        Value::Bool(true)
    );
    assert_eq!(
        decode_value("<value><boolean>False</boolean></value>"),
        Value::Bool(false)
    );
}

#[test]
fn boolean_other_than_one_or_zero_is_an_error() {
    let error = decode_value_err("<value><boolean>2</boolean></value>");
    assert!(error.reason.contains("expected 1 or 0"), "{error}");
}

#[test]
fn string_keeps_its_text_exactly() {
    assert_eq!(
        decode_value("<value><string>  two  spaces\n\tand a tab </string></value>"),
        Value::from("  two  spaces\n\tand a tab ")
    );
}

#[test]
fn empty_and_self_closing_string_are_empty() {
    assert_eq!(
        decode_value("<value><string></string></value>"),
        Value::from("")
    );
    assert_eq!(decode_value("<value><string/></value>"), Value::from(""));
}

#[test]
fn double_reads_decimals_exponents_inf_and_nan() {
    assert_eq!(
        decode_value("<value><double>5120.0</double></value>"),
        Value::Double(5120.0)
    );
    assert_eq!(
        decode_value("<value><double>0.66666666666666663</double></value>"),
        Value::Double(2.0 / 3.0)
    );
    assert_eq!(
        decode_value("<value><double>1.5e-7</double></value>"),
        Value::Double(1.5e-7)
    );
    assert_eq!(
        decode_value("<value><double>-2E3</double></value>"),
        Value::Double(-2000.0)
    );
    assert_eq!(
        decode_value("<value><double>42</double></value>"),
        Value::Double(42.0)
    );
    assert_eq!(
        decode_value("<value><double>inf</double></value>"),
        Value::Double(f64::INFINITY)
    );
    assert_eq!(
        decode_value("<value><double>-inf</double></value>"),
        Value::Double(f64::NEG_INFINITY)
    );
    let nan = decode_value("<value><double>nan</double></value>");
    assert!(nan.as_f64().is_some_and(f64::is_nan), "{nan:?}");
}

#[test]
fn double_that_is_not_a_number_is_an_error() {
    let error = decode_value_err("<value><double>1,5</double></value>");
    assert!(error.reason.contains("invalid <double>"), "{error}");
}

#[test]
fn datetime_in_gandis_form_is_naive() {
    assert_eq!(
        decode_value("<value><dateTime.iso8601>20110921T12:57:05</dateTime.iso8601></value>"),
        Value::DateTime(datetime!(2011-09-21 12:57:05))
    );
}

#[test]
fn datetime_tolerates_no_colons_dashes_fractions_and_zones() {
    let cases = [
        ("20160115T162658", datetime!(2016-01-15 16:26:58)),
        ("2011-09-21T12:57:05", datetime!(2011-09-21 12:57:05)),
        ("20110921T12:57:05.25", datetime!(2011-09-21 12:57:05.25)),
        ("20110921T12:57:05Z", datetime!(2011-09-21 12:57:05)),
        ("2011-09-21T12:57:05+02:00", datetime!(2011-09-21 12:57:05)),
        ("20110921T12:57:05-0530", datetime!(2011-09-21 12:57:05)),
        (" 20110921T12:57:05\n", datetime!(2011-09-21 12:57:05)),
    ];
    for (text, expected) in cases {
        let xml = format!("<value><dateTime.iso8601>{text}</dateTime.iso8601></value>");
        assert_eq!(decode_value(&xml), Value::DateTime(expected), "{text}");
    }
}

#[test]
fn datetime_that_cannot_exist_is_an_error() {
    for text in [
        "20110231T00:00:00",
        "20110921T25:00:00",
        "2011092112:57:05",
        "yesterday",
    ] {
        let xml = format!("<value><dateTime.iso8601>{text}</dateTime.iso8601></value>");
        let error = decode_value_err(&xml);
        assert!(
            error.reason.contains("invalid <dateTime.iso8601>"),
            "{text}: {error}"
        );
    }
}

#[test]
fn base64_ignores_line_breaks_and_whitespace() {
    assert_eq!(
        decode_value("<value><base64>\naGVs\r\n bG8g\td29y\nbGQ=\n</base64></value>"),
        Value::Base64(b"hello world".to_vec())
    );
    assert_eq!(
        decode_value("<value><base64/></value>"),
        Value::Base64(Vec::new())
    );
}

#[test]
fn base64_that_is_not_base64_is_an_error() {
    let error = decode_value_err("<value><base64>@@@@</base64></value>");
    assert!(error.reason.contains("invalid <base64>"), "{error}");
}

#[test]
fn nil_and_ex_nil_are_nil() {
    assert_eq!(decode_value("<value><nil/></value>"), Value::Nil);
    assert_eq!(decode_value("<value><ex:nil/></value>"), Value::Nil);
    assert_eq!(decode_value("<value><nil></nil></value>"), Value::Nil);
}

#[test]
fn unknown_value_type_is_an_error() {
    let error = decode_value_err("<value><float32>1</float32></value>");
    assert!(
        error.reason.contains("unknown value type <float32>"),
        "{error}"
    );
}

// ----- untyped values and whitespace ------------------------------------------------------------

#[test]
fn untyped_value_is_a_string() {
    assert_eq!(decode_value("<value>hello</value>"), Value::from("hello"));
}

#[test]
fn untyped_value_keeps_its_whitespace() {
    assert_eq!(
        decode_value("<value>  a\n b  </value>"),
        Value::from("  a\n b  ")
    );
    assert_eq!(decode_value("<value> </value>"), Value::from(" "));
}

#[test]
fn empty_value_is_the_empty_string() {
    assert_eq!(decode_value("<value/>"), Value::from(""));
    assert_eq!(decode_value("<value></value>"), Value::from(""));
}

#[test]
fn whitespace_around_a_typed_child_is_ignored() {
    assert_eq!(
        decode_value("<value>\n   <int>3</int>\n </value>"),
        Value::Int(3)
    );
}

#[test]
fn text_mixed_with_a_typed_child_is_an_error() {
    let error = decode_value_err("<value>x<int>3</int></value>");
    assert!(
        error.reason.contains("mixed with a typed element"),
        "{error}"
    );
}

#[test]
fn windows_line_ends_in_text_become_line_feeds() {
    assert_eq!(
        decode_value("<value><string>a\r\nb\rc</string></value>"),
        Value::from("a\nb\nc")
    );
}

#[test]
fn comments_and_processing_instructions_are_skipped() {
    assert_eq!(
        decode_value("<value><!-- c --><string>a<!-- c -->b<?pi x?></string></value>"),
        Value::from("ab")
    );
}

// ----- references and CDATA ---------------------------------------------------------------------

#[test]
fn predefined_entities_and_character_references_are_resolved() {
    assert_eq!(
        decode_value(
            "<value><string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</string></value>"
        ),
        Value::from("a & b <c> \"d\" 'e'")
    );
    assert_eq!(
        decode_value("<value><string>&#233;t&#xE9; &#x1F600;&#13;</string></value>"),
        Value::from("été 😀\r")
    );
}

#[test]
fn references_work_in_untyped_values_and_member_names() {
    let value = decode_value(
        "<value><struct><member><name>a&amp;b</name><value>x&lt;y</value></member></struct></value>",
    );
    assert_eq!(value, Value::Struct(Struct::new().with("a&b", "x<y")));
}

#[test]
fn unknown_entity_is_refused() {
    let error = decode_value_err("<value><string>&nbsp;</string></value>");
    assert!(error.reason.contains("unknown entity `&nbsp`"), "{error}");
}

#[test]
fn character_reference_to_a_forbidden_character_is_refused() {
    for xml in [
        "&#1;",
        "&#x0;",
        "&#xFFFE;",
        "&#xD800;",
        "&#x;",
        "&#-1;",
        "&#99999999999;",
    ] {
        let error = decode_value_err(&format!("<value><string>{xml}</string></value>"));
        assert!(
            error.reason.contains("not a valid XML character"),
            "{xml}: {error}"
        );
    }
}

#[test]
fn cdata_is_text() {
    assert_eq!(
        decode_value("<value><string>a<![CDATA[<b> & c]]>d</string></value>"),
        Value::from("a<b> & cd")
    );
}

#[test]
fn doctype_is_refused() {
    let doc = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]><methodResponse><params>\
               <param><value>&e;</value></param></params></methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert!(error.reason.contains("DOCTYPE"), "{error}");
}

// ----- structs and arrays -----------------------------------------------------------------------

#[test]
fn struct_keeps_member_order() {
    let value = decode_value(
        "<value><struct>\n<member>\n<name>z</name>\n<value><int>1</int></value>\n</member>\n\
         <member>\n<name>a</name>\n<value><int>2</int></value>\n</member>\n</struct></value>",
    );
    let names: Vec<&str> = value.as_struct().unwrap().iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["z", "a"]);
}

#[test]
fn duplicate_member_later_value_wins_at_the_first_position() {
    let value = decode_value(
        "<value><struct><member><name>a</name><value><int>1</int></value></member>\
         <member><name>b</name><value><int>2</int></value></member>\
         <member><name>a</name><value><int>3</int></value></member></struct></value>",
    );
    let members: Vec<(&str, &Value)> = value.as_struct().unwrap().iter().collect();
    assert_eq!(members, [("a", &Value::Int(3)), ("b", &Value::Int(2))]);
}

#[test]
fn duplicate_members_in_a_large_struct_follow_the_same_rule() {
    let mut xml = String::from("<value><struct>");
    for round in 0..2 {
        for i in 0..100 {
            xml.push_str(&format!(
                "<member><name>m{i}</name><value><int>{}</int></value></member>",
                i + round * 1000
            ));
        }
    }
    xml.push_str("</struct></value>");
    let value = decode_value(&xml);
    let members: Vec<(&str, &Value)> = value.as_struct().unwrap().iter().collect();
    assert_eq!(members.len(), 100);
    assert_eq!(members[0], ("m0", &Value::Int(1000)));
    assert_eq!(members[99], ("m99", &Value::Int(1099)));
}

#[test]
fn member_with_empty_name_or_empty_value_is_kept() {
    let value = decode_value("<value><struct><member><name/><value/></member></struct></value>");
    assert_eq!(value, Value::Struct(Struct::new().with("", "")));
}

#[test]
fn member_without_a_value_is_an_error() {
    let error = decode_value_err("<value><struct><member><name>x</name></member></struct></value>");
    assert!(error.reason.contains("member has no <value>"), "{error}");
    assert_eq!(error.path, "params/param/value/struct[x]");
}

#[test]
fn empty_struct_in_every_spelling() {
    for xml in ["<struct>\n</struct>", "<struct/>", "<struct></struct>"] {
        assert_eq!(
            decode_value(&format!("<value>{xml}</value>")),
            Value::Struct(Struct::new()),
            "{xml}"
        );
    }
}

#[test]
fn empty_array_in_every_spelling() {
    for xml in [
        "<array><data>\n</data></array>",
        "<array><data/></array>",
        "<array/>",
        "<array></array>",
    ] {
        assert_eq!(
            decode_value(&format!("<value>{xml}</value>")),
            Value::Array(vec![]),
            "{xml}"
        );
    }
}

#[test]
fn array_holds_mixed_values_in_order() {
    let value = decode_value(
        "<value><array><data>\n<value><int>1</int></value>\n<value>two</value>\n<value/>\n\
         <value><nil/></value>\n<value><array><data><value><boolean>1</boolean></value></data>\
         </array></value>\n</data></array></value>",
    );
    assert_eq!(
        value,
        Value::Array(vec![
            Value::Int(1),
            Value::from("two"),
            Value::from(""),
            Value::Nil,
            Value::Array(vec![Value::Bool(true)]),
        ])
    );
}

// ----- envelope ---------------------------------------------------------------------------------

#[test]
fn both_declaration_forms_and_none_are_accepted() {
    for decl in [
        "<?xml version='1.0'?>\n",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<?xml version='1.0' encoding='us-ascii'?>",
        "",
        "\u{FEFF}<?xml version='1.0'?>",
    ] {
        let doc = format!(
            "{decl}<methodResponse><params><param><value><int>1</int></value></param></params>\
             </methodResponse>"
        );
        assert_eq!(
            decode_response(doc.as_bytes()),
            Ok(Response::Success(Value::Int(1))),
            "{decl:?}"
        );
    }
}

#[test]
fn other_encodings_are_refused_clearly() {
    let doc = "<?xml version='1.0' encoding='ISO-8859-1'?><methodResponse><params><param>\
               <value><int>1</int></value></param></params></methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert!(
        error.reason.contains("unsupported encoding `ISO-8859-1`"),
        "{error}"
    );
}

#[test]
fn bytes_that_are_not_utf8_are_an_error() {
    let mut doc = b"<methodResponse><params><param><value><string>".to_vec();
    doc.extend_from_slice(&[0xE9, 0x74, 0xE9]);
    doc.extend_from_slice(b"</string></value></param></params></methodResponse>");
    assert!(decode_response(&doc).is_err());
}

#[test]
fn empty_params_is_nil() {
    for body in ["<params/>", "<params></params>", "<params>\n</params>"] {
        let doc = format!("<methodResponse>{body}</methodResponse>");
        assert_eq!(
            decode_response(doc.as_bytes()),
            Ok(Response::Success(Value::Nil)),
            "{body}"
        );
    }
}

#[test]
fn response_with_two_params_is_an_error() {
    let doc = "<methodResponse><params><param><value>a</value></param>\
               <param><value>b</value></param></params></methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert!(error.reason.contains("exactly one <param>"), "{error}");
}

#[test]
fn response_with_params_and_fault_is_an_error() {
    let doc = "<methodResponse><params/><fault><value><struct></struct></value></fault>\
               </methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert!(
        error.reason.contains("exactly one of <params> or <fault>"),
        "{error}"
    );
}

#[test]
fn response_with_neither_params_nor_fault_is_an_error() {
    for doc in ["<methodResponse></methodResponse>", "<methodResponse/>"] {
        assert!(decode_response(doc.as_bytes()).is_err(), "{doc}");
    }
}

#[test]
fn a_call_is_not_a_response() {
    let error =
        decode_response(b"<methodCall><methodName>x</methodName></methodCall>").unwrap_err();
    assert!(
        error
            .reason
            .contains("expected <methodResponse>, found <methodCall>"),
        "{error}"
    );
}

#[test]
fn trailing_content_after_the_root_is_an_error() {
    let doc = "<methodResponse><params/></methodResponse><extra/>";
    assert!(decode_response(doc.as_bytes()).is_err());
    let doc = "<methodResponse><params/></methodResponse>\n<!-- fine -->\n";
    assert_eq!(
        decode_response(doc.as_bytes()),
        Ok(Response::Success(Value::Nil))
    );
}

// ----- faults -----------------------------------------------------------------------------------

#[test]
fn fault_is_a_response_not_an_error() {
    assert_eq!(
        decode_response(&fixture("fault.xml")),
        Ok(Response::Fault(Fault::new(
            510_150,
            "Error on object : OBJECT_ACCOUNT (CAUSE_NORIGHT) [Invalid API key]"
        )))
    );
}

#[test]
fn fault_code_may_be_i4_i8_or_a_string_of_digits() {
    for code in [
        "<i4>4</i4>",
        "<i8>4</i8>",
        "<string>4</string>",
        "<string> 4 </string>",
    ] {
        let doc = format!(
            "<methodResponse><fault><value><struct><member><name>faultCode</name>\
             <value>{code}</value></member><member><name>faultString</name>\
             <value><string>boom</string></value></member></struct></value></fault>\
             </methodResponse>"
        );
        assert_eq!(
            decode_response(doc.as_bytes()),
            Ok(Response::Fault(Fault::new(4, "boom"))),
            "{code}"
        );
    }
}

#[test]
fn fault_without_code_or_string_is_an_error() {
    let doc = "<methodResponse><fault><value><struct><member><name>faultString</name>\
               <value>boom</value></member></struct></value></fault></methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert!(error.reason.contains("no faultCode"), "{error}");
    assert_eq!(error.path, "fault/value");

    let doc = "<methodResponse><fault><value><struct><member><name>faultCode</name>\
               <value><int>1</int></value></member></struct></value></fault></methodResponse>";
    assert!(
        decode_response(doc.as_bytes())
            .unwrap_err()
            .reason
            .contains("no faultString")
    );
}

#[test]
fn fault_that_is_not_a_struct_is_an_error() {
    let doc = "<methodResponse><fault><value><int>1</int></value></fault></methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert!(error.reason.contains("must be a struct"), "{error}");
}

// ----- calls ------------------------------------------------------------------------------------

#[test]
fn call_from_python_decodes() {
    let call = decode_call(&fixture("call_vm_create_from.xml")).unwrap();
    assert_eq!(call.method, "hosting.vm.create_from");
    assert_eq!(call.params.len(), 4);
    assert_eq!(call.params[0], Value::from("0123456789abcdefghijklmn"));
    let spec = call.params[1].as_struct().unwrap();
    assert_eq!(
        spec.get("run"),
        Some(&Value::from("echo 'a' > /tmp/b && true"))
    );
    assert_eq!(spec.get("password"), Some(&Value::Nil));
    assert_eq!(spec.get("bandwidth"), Some(&Value::Double(102_400.0)));
    assert_eq!(call.params[3], Value::Int(1_401_327));
}

#[test]
fn call_without_params_has_none() {
    for doc in [
        "<methodCall><methodName>version.info</methodName></methodCall>",
        "<methodCall><methodName>version.info</methodName><params/></methodCall>",
        "<methodCall>\n<methodName>version.info</methodName>\n<params>\n</params>\n</methodCall>",
    ] {
        assert_eq!(
            decode_call(doc.as_bytes()),
            Ok(MethodCall::new("version.info", vec![])),
            "{doc}"
        );
    }
}

#[test]
fn call_without_a_method_name_is_an_error() {
    for doc in [
        "<methodCall></methodCall>",
        "<methodCall/>",
        "<methodCall><methodName/></methodCall>",
        "<methodCall><params/></methodCall>",
    ] {
        assert!(decode_call(doc.as_bytes()).is_err(), "{doc}");
    }
}

#[test]
fn call_params_are_numbered_in_error_paths() {
    let doc = "<methodCall><methodName>m</methodName><params><param><value>a</value></param>\
               <param><value><int>x</int></value></param></params></methodCall>";
    let error = decode_call(doc.as_bytes()).unwrap_err();
    assert_eq!(error.path, "params/param[1]/value");
}

// ----- errors: paths and offsets ----------------------------------------------------------------

#[test]
fn error_path_names_struct_members_and_array_indexes() {
    let doc = response_with(
        "<value><struct><member><name>disks</name><value><array><data>\
         <value><struct></struct></value><value><struct></struct></value>\
         <value><struct><member><name>size</name><value><int>big</int></value></member>\
         </struct></value></data></array></value></member></struct></value>",
    );
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert_eq!(
        error.path,
        "params/param/value/struct[disks]/array[2]/struct[size]"
    );
    let offset = usize::try_from(error.offset.unwrap()).unwrap();
    assert!(
        doc[offset..].starts_with("big</int>"),
        "offset {offset}: {error}"
    );
}

#[test]
fn error_offset_points_into_the_document() {
    let doc = "<methodResponse><params><param><value><struct><member><name>a</name>\
               <value><int>1</int></value></member></strukt></value></param></params>\
               </methodResponse>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    let offset = usize::try_from(error.offset.unwrap()).unwrap();
    assert!(offset > doc.find("</member>").unwrap(), "{error}");
    assert!(offset <= doc.len(), "{error}");
    assert_eq!(error.reason, "expected </struct>, found </strukt>");
}

#[test]
fn error_display_shows_reason_offset_and_path() {
    let error = decode_value_err("<value><int>x</int></value>");
    let text = error.to_string();
    assert!(text.contains("invalid <int> `x`"), "{text}");
    assert!(text.contains("at byte"), "{text}");
    assert!(text.contains("params/param/value"), "{text}");
}

#[test]
fn truncated_document_is_an_error_not_a_panic() {
    let doc = fixture("vm_info_2012.xml");
    for cut in [0, 1, 10, doc.len() / 2, doc.len() - 2] {
        assert!(decode_response(&doc[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn mismatched_end_tag_is_an_error() {
    let error = decode_value_err("<value><int>1</i4></value>");
    assert_eq!(error.reason, "expected </int>, found </i4>");
    let error = decode_value_err("<value><ex:nil></nil></value>");
    assert_eq!(error.reason, "expected </ex:nil>, found </nil>");
    let error = decode_value_err("<value><array><data></array></data></value>");
    assert_eq!(error.reason, "expected </data>, found </array>");
    let doc = "<methodResponse><params></param></methodResponse>";
    assert!(decode_response(doc.as_bytes()).is_err());
    let doc = "<methodResponse><params/></methodCall>";
    let error = decode_response(doc.as_bytes()).unwrap_err();
    assert_eq!(
        error.reason,
        "expected </methodResponse>, found </methodCall>"
    );
}

// ----- limits -----------------------------------------------------------------------------------

fn nested_arrays(depth: usize) -> String {
    let mut xml = String::new();
    for _ in 0..depth {
        xml.push_str("<value><array><data>");
    }
    for _ in 0..depth {
        xml.push_str("</data></array></value>");
    }
    xml
}

#[test]
fn depth_cap_counts_nested_values() {
    let limits = Limits::default().max_depth(3);
    let ok = response_with(&nested_arrays(3));
    assert!(decode_response_with(ok.as_bytes(), &limits).is_ok());
    let deep = response_with(&nested_arrays(4));
    let error = decode_response_with(deep.as_bytes(), &limits).unwrap_err();
    assert!(error.reason.contains("nested more than 3 deep"), "{error}");
    assert_eq!(error.path, "params/param/value/array[0]/array[0]/array[0]");
}

#[test]
fn default_depth_cap_stops_hostile_nesting_without_overflowing_the_stack() {
    let deep = response_with(&nested_arrays(100_000));
    let error = decode_response(deep.as_bytes()).unwrap_err();
    assert!(error.reason.contains("nested more than 64 deep"), "{error}");
}

#[test]
fn a_large_depth_cap_still_uses_no_recursion() {
    let limits = Limits::default().max_depth(20_000);
    let deep = response_with(&nested_arrays(10_000));
    let value = match decode_response_with(deep.as_bytes(), &limits).unwrap() {
        Response::Success(value) => value,
        other => panic!("{other:?}"),
    };
    // Dropping a tree this deep recursively could overflow a thread's stack: unwrap it.
    let mut current = value;
    let mut depth = 1;
    while let Value::Array(mut items) = current {
        match items.pop() {
            Some(inner) => {
                current = inner;
                depth += 1;
            }
            None => break,
        }
    }
    assert_eq!(depth, 10_000);
}

#[test]
fn size_cap_is_checked_before_parsing() {
    let doc = response_with("<value><string>0123456789</string></value>");
    let limits = Limits::default().max_size(doc.len() - 1);
    let error = decode_response_with(doc.as_bytes(), &limits).unwrap_err();
    assert!(error.reason.contains("more than the limit"), "{error}");
    let limits = Limits::default().max_size(doc.len());
    assert!(decode_response_with(doc.as_bytes(), &limits).is_ok());
    // Even garbage is refused for its size before it is looked at.
    let garbage = vec![b'<'; 100];
    let error = decode_response_with(&garbage, &Limits::default().max_size(10)).unwrap_err();
    assert!(error.reason.contains("more than the limit"), "{error}");
}

// ----- Python-generated Gandi-style documents ---------------------------------------------------

#[test]
fn gandi_2012_vm_info_with_nils_decodes() {
    let Response::Success(vm) = decode_response(&fixture("vm_info_2012.xml")).unwrap() else {
        panic!("not a success");
    };
    assert_eq!(vm.get("id"), Some(&Value::Int(250_133)));
    assert_eq!(vm.get("description"), Some(&Value::Nil));
    assert_eq!(
        vm.get("date_created"),
        Some(&Value::DateTime(datetime!(2012-01-05 10:46:18)))
    );
    assert_eq!(vm.get("quota_factor"), Some(&Value::Double(2.0 / 3.0)));
    assert_eq!(vm.get("triggers"), Some(&Value::Array(vec![])));
    assert_eq!(vm.as_struct().unwrap().len(), 22);

    let disk = &vm.get("disks").unwrap().as_array().unwrap()[0];
    assert_eq!(disk.get("is_boot_disk"), Some(&Value::Bool(true)));
    assert_eq!(disk.get("label"), Some(&Value::Nil));
    assert_eq!(
        disk.get("kernel_cmdline").and_then(|c| c.get("ro")),
        Some(&Value::Bool(true))
    );

    let iface = &vm.get("ifaces").unwrap().as_array().unwrap()[0];
    assert_eq!(iface.get("bandwidth"), Some(&Value::Double(102_400.0)));
    let ips = iface.get("ips").unwrap().as_array().unwrap();
    assert_eq!(
        ips[1].get("ip"),
        Some(&Value::from("2001:4b98:dc0:543:216:3eff:fe37:9f7b"))
    );
    assert_eq!(ips[1].get("reverse"), Some(&Value::from("")));

    let vcpu = vm.get("graph_urls").and_then(|g| g.get("vcpu")).unwrap();
    assert_eq!(
        vcpu,
        &Value::Array(vec![Value::from(
            "https://graph.example/?id=250133&type=vcpu&device=0"
        )])
    );
}

#[test]
fn gandi_2011_operation_with_empty_string_nulls_decodes() {
    let Response::Success(op) = decode_response(&fixture("operation_2011.xml")).unwrap() else {
        panic!("not a success");
    };
    assert_eq!(op.get("iface_id"), Some(&Value::from("")));
    assert_eq!(op.get("date_start"), Some(&Value::from("")));
    assert_eq!(op.get("disk_id"), Some(&Value::Int(34_918)));
    assert_eq!(
        op.get("date_updated"),
        Some(&Value::DateTime(datetime!(2011-09-21 12:57:05)))
    );
}

#[test]
fn python_wrapped_base64_decodes() {
    let Response::Success(value) = decode_response(&fixture("base64_response.xml")).unwrap() else {
        panic!("not a success");
    };
    let expected: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    assert_eq!(value.get("data"), Some(&Value::Base64(expected)));
}

#[test]
fn python_boolean_result_decodes() {
    assert_eq!(
        decode_response(&fixture("boolean_response.xml")),
        Ok(Response::Success(Value::Bool(true)))
    );
}

#[test]
fn decoded_fixture_survives_our_encoder() {
    for name in [
        "vm_info_2012.xml",
        "operation_2011.xml",
        "base64_response.xml",
    ] {
        let Response::Success(value) = decode_response(&fixture(name)).unwrap() else {
            panic!("{name}: not a success");
        };
        let encoded = xmlrpc::encode_response(&value).unwrap();
        assert_eq!(
            decode_response(&encoded),
            Ok(Response::Success(value)),
            "{name}"
        );
    }
}
