//! Encoding rules of the XML-RPC codec, one test per rule, and a Python oracle: whatever we
//! encode, Python's `xmlrpc.client.loads` must read back as the same value.

use std::process::Command;

use gandi_hosting::xmlrpc::{
    Fault, MethodCall, Response, Struct, Value, decode_call, decode_response, encode_call,
    encode_fault, encode_response,
};
use time::macros::datetime;

/// Encodes `value` as a response and returns the text between `<param>` and `</param>`.
fn encoded(value: &Value) -> String {
    let bytes = encode_response(value).expect("encodable");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let start = text.find("<param>\n").expect("param") + "<param>\n".len();
    let end = text.rfind("\n</param>").expect("/param");
    text[start..end].to_owned()
}

#[test]
fn response_has_a_declaration_and_pythons_layout() {
    let text = String::from_utf8(encode_response(&Value::Int(1)).unwrap()).unwrap();
    assert_eq!(
        text,
        "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n\
         <value><int>1</int></value>\n</param>\n</params>\n</methodResponse>\n"
    );
}

#[test]
fn call_has_method_name_and_numbered_params() {
    let call = MethodCall::new("hosting.vm.info", vec![Value::from("key"), Value::Int(7)]);
    let text = String::from_utf8(encode_call(&call).unwrap()).unwrap();
    assert_eq!(
        text,
        "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>hosting.vm.info</methodName>\n\
         <params>\n<param>\n<value><string>key</string></value>\n</param>\n<param>\n\
         <value><int>7</int></value>\n</param>\n</params>\n</methodCall>\n"
    );
}

#[test]
fn call_without_params_still_has_an_empty_params_element() {
    let text =
        String::from_utf8(encode_call(&MethodCall::new("version.info", vec![])).unwrap()).unwrap();
    assert!(text.contains("<params>\n</params>"), "{text}");
}

#[test]
fn int_is_int_when_it_fits_32_bits_else_i8() {
    assert_eq!(
        encoded(&Value::Int(2_147_483_647)),
        "<value><int>2147483647</int></value>"
    );
    assert_eq!(
        encoded(&Value::Int(-2_147_483_648)),
        "<value><int>-2147483648</int></value>"
    );
    assert_eq!(
        encoded(&Value::Int(2_147_483_648)),
        "<value><i8>2147483648</i8></value>"
    );
    assert_eq!(
        encoded(&Value::Int(i64::MIN)),
        "<value><i8>-9223372036854775808</i8></value>"
    );
}

#[test]
fn boolean_is_one_or_zero() {
    assert_eq!(
        encoded(&Value::Bool(true)),
        "<value><boolean>1</boolean></value>"
    );
    assert_eq!(
        encoded(&Value::Bool(false)),
        "<value><boolean>0</boolean></value>"
    );
}

#[test]
fn string_always_has_open_and_close_tags() {
    assert_eq!(
        encoded(&Value::from("")),
        "<value><string></string></value>"
    );
    assert_eq!(
        encoded(&Value::from("web-1")),
        "<value><string>web-1</string></value>"
    );
}

#[test]
fn text_escapes_only_amp_lt_gt() {
    assert_eq!(
        encoded(&Value::from("a&b <c> \"d\" 'e'")),
        "<value><string>a&amp;b &lt;c&gt; \"d\" 'e'</string></value>"
    );
}

#[test]
fn carriage_return_is_written_as_a_character_reference_so_it_survives() {
    let value = Value::from("a\r\nb");
    assert_eq!(encoded(&value), "<value><string>a&#13;\nb</string></value>");
    let bytes = encode_response(&value).unwrap();
    assert_eq!(decode_response(&bytes), Ok(Response::Success(value)));
}

#[test]
fn tab_and_line_feed_and_non_ascii_pass_through() {
    assert_eq!(
        encoded(&Value::from("\tété\n😀")),
        "<value><string>\tété\n😀</string></value>"
    );
}

#[test]
fn control_characters_are_refused_with_the_path() {
    let value = Value::Struct(Struct::new().with(
        "disks",
        Value::Array(vec![Value::from("fine"), Value::from("bell\u{7}")]),
    ));
    let error = encode_response(&value).unwrap_err();
    assert_eq!(error.path, "params[0]/struct[disks]/array[1]");
    assert!(error.reason.contains("U+0007"), "{error}");
}

#[test]
fn noncharacters_fffe_and_ffff_are_refused() {
    for text in ["a\u{FFFE}", "\u{FFFF}b"] {
        let error = encode_response(&Value::from(text)).unwrap_err();
        assert!(error.reason.contains("not allowed in XML 1.0"), "{error}");
    }
    // Their neighbours are fine.
    assert!(encode_response(&Value::from("\u{FFFD}\u{FFEF}\u{10000}")).is_ok());
}

#[test]
fn forbidden_character_in_a_member_name_is_refused() {
    let value = Value::Struct(Struct::new().with("a\u{0}", 1));
    let error = encode_response(&value).unwrap_err();
    assert_eq!(error.path, "params[0]/struct[a\u{0}]");
}

#[test]
fn call_errors_name_the_param() {
    let call = MethodCall::new("m", vec![Value::from("ok"), Value::from("\u{1b}")]);
    assert_eq!(encode_call(&call).unwrap_err().path, "params[1]");
    let call = MethodCall::new("m\u{1}", vec![]);
    assert_eq!(encode_call(&call).unwrap_err().path, "methodName");
}

#[test]
fn double_always_has_a_point_or_an_exponent() {
    assert_eq!(
        encoded(&Value::Double(5120.0)),
        "<value><double>5120.0</double></value>"
    );
    assert_eq!(
        encoded(&Value::Double(-0.5)),
        "<value><double>-0.5</double></value>"
    );
    assert_eq!(
        encoded(&Value::Double(1e300)),
        "<value><double>1e300</double></value>"
    );
    assert_eq!(
        encoded(&Value::Double(2.5e-10)),
        "<value><double>2.5e-10</double></value>"
    );
    assert_eq!(
        encoded(&Value::Double(2.0 / 3.0)),
        "<value><double>0.6666666666666666</double></value>"
    );
}

#[test]
fn double_must_be_finite() {
    for number in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let error = encode_response(&Value::Double(number)).unwrap_err();
        assert!(error.reason.contains("must be finite"), "{error}");
        assert_eq!(error.path, "params[0]");
    }
}

#[test]
fn datetime_is_written_in_gandis_form() {
    assert_eq!(
        encoded(&Value::DateTime(datetime!(2011-09-21 12:57:05.999))),
        "<value><dateTime.iso8601>20110921T12:57:05</dateTime.iso8601></value>"
    );
    assert_eq!(
        encoded(&Value::DateTime(datetime!(0001-01-02 03:04:05))),
        "<value><dateTime.iso8601>00010102T03:04:05</dateTime.iso8601></value>"
    );
}

#[test]
fn datetime_before_year_zero_is_refused() {
    let error = encode_response(&Value::DateTime(datetime!(-0001-01-01 00:00))).unwrap_err();
    assert!(error.reason.contains("year -1"), "{error}");
}

#[test]
fn base64_is_unwrapped() {
    let bytes: Vec<u8> = (0..=255u8).collect();
    let text = encoded(&Value::Base64(bytes));
    assert!(text.starts_with("<value><base64>AAECAwQF"), "{text}");
    assert!(!text.contains('\n'), "{text}");
    assert_eq!(
        encoded(&Value::Base64(vec![])),
        "<value><base64></base64></value>"
    );
}

#[test]
fn nil_is_self_closing() {
    assert_eq!(encoded(&Value::Nil), "<value><nil/></value>");
}

#[test]
fn struct_members_keep_their_order() {
    let value = Value::Struct(Struct::new().with("zeta", 1).with("alpha", Value::Nil));
    assert_eq!(
        encoded(&value),
        "<value><struct>\n<member>\n<name>zeta</name>\n<value><int>1</int></value>\n\
         </member>\n<member>\n<name>alpha</name>\n<value><nil/></value>\n</member>\n\
         </struct></value>"
    );
}

#[test]
fn empty_struct_and_array() {
    assert_eq!(
        encoded(&Value::Struct(Struct::new())),
        "<value><struct>\n</struct></value>"
    );
    assert_eq!(
        encoded(&Value::Array(vec![])),
        "<value><array><data>\n</data></array></value>"
    );
}

#[test]
fn array_items_one_per_line() {
    assert_eq!(
        encoded(&Value::from(vec![1, 2])),
        "<value><array><data>\n<value><int>1</int></value>\n<value><int>2</int></value>\n\
         </data></array></value>"
    );
}

#[test]
fn fault_has_int_code_and_string_message() {
    let fault = Fault::new(
        510_150,
        "Error on object : OBJECT_ACCOUNT (CAUSE_NORIGHT) [<&>]",
    );
    let text = String::from_utf8(encode_fault(&fault)).unwrap();
    assert!(
        text.contains("<name>faultCode</name>\n<value><int>510150</int></value>"),
        "{text}"
    );
    assert!(text.contains("<value><string>Error on object : OBJECT_ACCOUNT (CAUSE_NORIGHT) [&lt;&amp;&gt;]</string></value>"), "{text}");
    assert_eq!(decode_response(text.as_bytes()), Ok(Response::Fault(fault)));
}

#[test]
fn fault_with_forbidden_characters_is_still_sendable() {
    let fault = Fault::new(1, "bad byte \u{0} here");
    let bytes = encode_fault(&fault);
    assert_eq!(
        decode_response(&bytes),
        Ok(Response::Fault(Fault::new(1, "bad byte \u{FFFD} here")))
    );
}

#[test]
fn encoded_call_decodes_back() {
    let call = MethodCall::new(
        "hosting.vm.create_from",
        vec![
            Value::from("key"),
            Value::Struct(
                Struct::new()
                    .with("hostname", "web & co")
                    .with("memory", 256),
            ),
            Value::Nil,
        ],
    );
    assert_eq!(decode_call(&encode_call(&call).unwrap()), Ok(call));
}

// ----- Python oracle ----------------------------------------------------------------------------

/// Runs python3 on `script`, feeding `input`; `None` (with a note) when python3 is missing.
fn python(script: &str, input: &[u8]) -> Option<String> {
    use std::io::Write as _;
    let child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            println!("note: python3 is not available ({error}); skipping the Python oracle");
            return None;
        }
    };
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

const LOADS: &str = "import sys, xmlrpc.client as x\n\
    params, method = x.loads(sys.stdin.buffer.read(), use_datetime=True, use_builtin_types=True)\n\
    print(repr(method))\n\
    for p in params: print(repr(p))";

#[test]
fn python_reads_back_what_we_encode() {
    let vm = Value::Struct(
        Struct::new()
            .with("id", 250_133)
            .with("hostname", "web <1> & 'two'")
            .with("big", Value::Int(1 << 40))
            .with("neg", Value::Int(-3))
            .with("bandwidth", 102_400.0)
            .with("third", 2.0 / 3.0)
            .with("tiny", 2.5e-10)
            .with("huge", 1e300)
            .with("boot", true)
            .with("date", datetime!(2011-09-21 12:57:05))
            .with("blob", Value::Base64(b"\x00\xffhello".to_vec()))
            .with("none", Value::Nil)
            .with("ids", Value::from(vec![1, 2, 3]))
            .with("empty", Value::Array(vec![]))
            .with("text", "line\r\nnext\ttab été 😀")
            .with("nested", Struct::new().with("x", Struct::new())),
    );
    let call = MethodCall::new("hosting.vm.info", vec![Value::from("apikey"), vm]);
    let Some(output) = python(LOADS, &encode_call(&call).unwrap()) else {
        return;
    };
    let expected = "'hosting.vm.info'\n'apikey'\n{'id': 250133, 'hostname': \"web <1> & 'two'\", \
        'big': 1099511627776, 'neg': -3, 'bandwidth': 102400.0, 'third': 0.6666666666666666, \
        'tiny': 2.5e-10, 'huge': 1e+300, 'boot': True, \
        'date': datetime.datetime(2011, 9, 21, 12, 57, 5), 'blob': b'\\x00\\xffhello', \
        'none': None, 'ids': [1, 2, 3], 'empty': [], 'text': 'line\\r\\nnext\\ttab été 😀', \
        'nested': {'x': {}}}\n";
    assert_eq!(output, expected);
}

#[test]
fn python_reads_our_fault() {
    let bytes = encode_fault(&Fault::new(530_439, "disk#1 is attached & busy"));
    let script = "import sys, xmlrpc.client as x\n\
        try:\n    x.loads(sys.stdin.buffer.read())\n\
        except x.Fault as f:\n    print(f.faultCode, repr(f.faultString))";
    let Some(output) = python(script, &bytes) else {
        return;
    };
    assert_eq!(output, "530439 'disk#1 is attached & busy'\n");
}

#[test]
fn python_reads_our_response() {
    let value = Value::Array(vec![Value::from(""), Value::Nil, Value::Bool(false)]);
    let Some(output) = python(LOADS, &encode_response(&value).unwrap()) else {
        return;
    };
    assert_eq!(output, "None\n['', None, False]\n");
}
