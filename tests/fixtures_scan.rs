//! Hygiene checks for `fixtures/`: no API-key-shaped strings, every response body well-formed
//! (by a tiny checker independent of the crate's codec, and by the codec itself), and no
//! drift between `fixtures/generate.py` and the committed files.
//!
//! Key rule (also in `fixtures/README.md` and `generate.py`): a file fails if it contains a
//! maximal run of **exactly 24** ASCII letters/digits, bounded by non-alphanumerics or the file
//! edges, that is not made only of digits. That is the shape of a v4 API key; longer runs (base64
//! key material) and shorter ones pass.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every regular file under `dir`, sorted, skipping Python byte-code caches.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "__pycache__") {
                continue;
            }
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn all_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(&fixtures_dir(), &mut files);
    files
}

/// `fixtures/v4/*/*.xml`.
fn xml_fixtures() -> Vec<PathBuf> {
    let v4 = fixtures_dir().join("v4");
    let files: Vec<PathBuf> = all_files()
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "xml")
                && p.parent().and_then(Path::parent) == Some(v4.as_path())
        })
        .collect();
    assert!(
        files.len() >= 90,
        "expected the full fixture set under {}, found {} files",
        v4.display(),
        files.len()
    );
    files
}

fn rel(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Maximal runs of exactly 24 ASCII alphanumerics that are not all digits.
fn key_like_runs(data: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut start = None;
    for i in 0..=data.len() {
        let alnum = i < data.len() && data[i].is_ascii_alphanumeric();
        match (alnum, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let run = &data[s..i];
                if run.len() == 24 && !run.iter().all(u8::is_ascii_digit) {
                    hits.push(String::from_utf8_lossy(run).into_owned());
                }
                start = None;
            }
            _ => {}
        }
    }
    hits
}

#[test]
fn key_rule_matches_what_it_documents() {
    let key = "abcdefghijklmnopqrstuvwx"; // 24 letters
    assert_eq!(key_like_runs(key.as_bytes()), vec![key.to_owned()]);
    assert_eq!(key_like_runs(format!("'{key}'").as_bytes()).len(), 1);
    assert_eq!(
        key_like_runs(format!("<string>{key}</string>").as_bytes()).len(),
        1
    );
    assert!(
        key_like_runs(format!("{key}y").as_bytes()).is_empty(),
        "25 chars pass"
    );
    assert!(
        key_like_runs(&key.as_bytes()[1..]).is_empty(),
        "23 chars pass"
    );
    assert!(
        key_like_runs(b"123456789012345678901234").is_empty(),
        "all digits pass"
    );
    assert_eq!(
        key_like_runs(b"x+AbCdEf0123456789AbCdEf01/y").len(),
        1,
        "base64 segment"
    );
}

#[test]
fn no_fixture_contains_an_api_key_shaped_string() {
    let mut failures = Vec::new();
    for path in all_files() {
        let data = fs::read(&path).expect("readable fixture");
        for hit in key_like_runs(&data) {
            failures.push(format!("{}: {hit:?}", rel(&path)));
        }
    }
    assert!(
        failures.is_empty(),
        "API-key-shaped strings found:\n{}",
        failures.join("\n")
    );
}

/// A deliberately small XML well-formedness check, independent of quick-xml and of the crate:
/// UTF-8, an optional `<?xml ...?>` declaration first, properly nested elements without
/// attributes (XML-RPC responses have none), known entity references only, exactly one root
/// element and nothing but whitespace outside it. Returns the root element's name.
fn check_well_formed(data: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("not UTF-8: {e}"))?;
    let b = text.as_bytes();
    let mut i = 0;
    if text.starts_with("<?xml") {
        let end = text.find("?>").ok_or("unterminated XML declaration")?;
        i = end + 2;
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut root: Option<String> = None;
    while i < b.len() {
        match b[i] {
            b'<' => {
                let close = text[i..]
                    .find('>')
                    .map(|n| i + n)
                    .ok_or_else(|| format!("unterminated tag at byte {i}"))?;
                let inner = &text[i + 1..close];
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim_end();
                    match stack.pop() {
                        Some(open) if open == name => {}
                        Some(open) => {
                            return Err(format!("</{name}> closes <{open}> at byte {i}"));
                        }
                        None => return Err(format!("stray </{name}> at byte {i}")),
                    }
                } else {
                    let (name, self_closing) = match inner.strip_suffix('/') {
                        Some(n) => (n.trim_end(), true),
                        None => (inner, false),
                    };
                    if !is_name(name) {
                        return Err(format!("bad or unexpected tag <{inner}> at byte {i}"));
                    }
                    if stack.is_empty() {
                        if root.is_some() {
                            return Err(format!("second root element <{name}> at byte {i}"));
                        }
                        root = Some(name.to_owned());
                    }
                    if !self_closing {
                        stack.push(name);
                    }
                }
                i = close + 1;
            }
            b'&' => {
                if stack.is_empty() {
                    return Err(format!("entity outside the root at byte {i}"));
                }
                let semi = text[i..]
                    .find(';')
                    .map(|n| i + n)
                    .ok_or_else(|| format!("unterminated entity at byte {i}"))?;
                let entity = &text[i + 1..semi];
                let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                    || entity
                        .strip_prefix("#x")
                        .is_some_and(|h| !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit()))
                    || entity
                        .strip_prefix('#')
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
                if !ok {
                    return Err(format!("unknown entity &{entity}; at byte {i}"));
                }
                i = semi + 1;
            }
            c => {
                if stack.is_empty() && !c.is_ascii_whitespace() {
                    return Err(format!("text outside the root element at byte {i}"));
                }
                i += 1;
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{open}> is never closed"));
    }
    root.ok_or_else(|| "no root element".to_owned())
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'))
}

#[test]
fn well_formedness_checker_rejects_broken_documents() {
    assert_eq!(
        check_well_formed(b"<?xml version='1.0'?>\n<a><b/><c>x &amp; y</c></a>").unwrap(),
        "a"
    );
    for bad in [
        &b"<a><b></a></b>"[..],
        b"<a>",
        b"<a></a><b></b>",
        b"<a>&nbsp;</a>",
        b"<a x='1'></a>",
        b"<a></a>junk",
        b"<a><!-- c --></a>",
        b"<a>\xff</a>",
    ] {
        assert!(
            check_well_formed(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

/// Whether a fixture is a fault response, by its location.
fn is_fault_fixture(path: &Path) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "faults")
        || path
            .file_stem()
            .is_some_and(|s| s.to_string_lossy().ends_with("_fault"))
}

#[test]
fn every_xml_fixture_is_a_well_formed_method_response() {
    let mut failures = Vec::new();
    for path in xml_fixtures() {
        let data = fs::read(&path).expect("readable fixture");
        match check_well_formed(&data) {
            Ok(root) if root == "methodResponse" => {}
            Ok(root) => failures.push(format!("{}: root is <{root}>", rel(&path))),
            Err(e) => failures.push(format!("{}: {e}", rel(&path))),
        }
        let text = String::from_utf8_lossy(&data);
        let modern = text.starts_with("<?xml version='1.0'?>\n");
        let old = text.starts_with("<?xml version='1.0' encoding='UTF-8'?>\n");
        if !modern && !old {
            failures.push(format!("{}: unexpected XML declaration", rel(&path)));
        }
        // 2012+ style: no trailing newline, nil allowed. 2011 style: trailing newline, no nil.
        if modern && text.ends_with('\n') {
            failures.push(format!(
                "{}: 2012-style file ends with a newline",
                rel(&path)
            ));
        }
        if old && (!text.ends_with("</methodResponse>\n") || text.contains("<nil/>")) {
            failures.push(format!("{}: not in the 2011 style", rel(&path)));
        }
        let fault = text.contains("\n<fault>\n");
        if fault != is_fault_fixture(&path) {
            failures.push(format!(
                "{}: fault={fault} does not match its name",
                rel(&path)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "malformed fixtures:\n{}",
        failures.join("\n")
    );
}

/// Text between the first `open` and the following `close`, with the five XML entities undone.
fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let end = start + text[start..].find(close)?;
    Some(
        text[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[test]
fn every_xml_fixture_decodes_with_the_crate_codec() {
    use gandi_hosting::xmlrpc::{Response, decode_response};
    let mut failures = Vec::new();
    for path in xml_fixtures() {
        let data = fs::read(&path).expect("readable fixture");
        let decoded = decode_response(&data);
        let text = String::from_utf8_lossy(&data);
        match decoded {
            Err(e) => failures.push(format!("{}: {e}", rel(&path))),
            Ok(Response::Fault(fault)) => {
                let code = between(&text, "<int>", "</int>").and_then(|c| c.parse::<i64>().ok());
                let message = between(&text, "<string>", "</string>");
                if !is_fault_fixture(&path) {
                    failures.push(format!("{}: decoded as a fault", rel(&path)));
                } else if Some(fault.code) != code || Some(&fault.message) != message.as_ref() {
                    failures.push(format!(
                        "{}: decoded {fault:?}, file says {code:?} {message:?}",
                        rel(&path)
                    ));
                }
            }
            Ok(Response::Success(_)) => {
                if is_fault_fixture(&path) {
                    failures.push(format!("{}: fault fixture decoded as success", rel(&path)));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "codec rejected fixtures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn generator_reports_no_drift() {
    let script = fixtures_dir().join("generate.py");
    let output = match Command::new("python3")
        .arg(&script)
        .arg("--check")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("note: python3 not found, skipping the fixture drift check");
            return;
        }
        Err(e) => panic!("cannot run {}: {e}", script.display()),
    };
    assert!(
        output.status.success(),
        "`python3 fixtures/generate.py --check` failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Decodes `fixtures/v4/<rel>` with the crate's codec.
fn decode_fixture(rel: &str) -> gandi_hosting::xmlrpc::Response {
    let path = fixtures_dir().join("v4").join(rel);
    let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    gandi_hosting::xmlrpc::decode_response(&data).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn success(rel: &str) -> gandi_hosting::xmlrpc::Value {
    match decode_fixture(rel) {
        gandi_hosting::xmlrpc::Response::Success(value) => value,
        gandi_hosting::xmlrpc::Response::Fault(f) => panic!("{rel}: unexpected {f}"),
    }
}

/// A few facts from the table in `fixtures/README.md`, read back through the codec, so the table,
/// the XML and the decoder agree on the values other tests rely on.
#[test]
fn readme_table_facts_hold_through_the_codec() {
    use gandi_hosting::xmlrpc::{Response, Value};
    let ops = success("hosting.vm.create_from/three_ops.xml");
    let int = |v: &Value, k: &str| v.get(k).and_then(Value::as_i64);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);

    // Chain: create_from -> operation.info -> vm.info.
    let ops = ops.as_array().expect("array of ops");
    let types: Vec<_> = ops.iter().map(|o| text(o, "type").unwrap()).collect();
    assert_eq!(types, ["disk_create", "iface_create", "vm_create"]);
    assert_eq!(int(&ops[0], "disk_id"), Some(34930));
    assert!(ops[0].get("vm_id").is_some_and(Value::is_nil));
    assert_eq!(
        (int(&ops[1], "iface_id"), int(&ops[1], "ip_id")),
        (Some(7870), Some(9280))
    );
    assert_eq!(
        (int(&ops[2], "id"), int(&ops[2], "vm_id")),
        (Some(5004203), Some(250145))
    );
    let wait = success("operation.info/wait.xml");
    assert_eq!(
        (int(&wait, "id"), int(&wait, "eta")),
        (Some(5004203), Some(75))
    );
    assert_eq!(
        wait.get("date_created"),
        Some(&Value::DateTime(
            time::macros::datetime!(2021-03-15 09:11:44)
        ))
    );
    assert_eq!(
        int(&success("hosting.vm.info/being_created.xml"), "id"),
        Some(250145)
    );

    // vm.info running: nested shapes, doubles, escaped URLs, the disk state oddity.
    let vm = success("hosting.vm.info/running.xml");
    assert_eq!(text(&vm, "description").as_deref(), Some(""));
    let disks = vm.get("disks").and_then(Value::as_array).unwrap();
    assert_eq!(text(&disks[0], "state").as_deref(), Some("running"));
    let iface = &vm.get("ifaces").and_then(Value::as_array).unwrap()[0];
    assert_eq!(
        iface.get("bandwidth").and_then(Value::as_f64),
        Some(102400.0)
    );
    let ips = iface.get("ips").and_then(Value::as_array).unwrap();
    assert_eq!(
        (int(&ips[1], "id"), int(&ips[1], "num")),
        (Some(9261), Some(1))
    );
    let vcpu = vm
        .get("graph_urls")
        .and_then(|g| g.get("vcpu"))
        .and_then(Value::as_array);
    assert!(
        vcpu.unwrap()[0]
            .as_str()
            .unwrap()
            .contains("?key=250140&device_number=0&")
    );

    // 2011 generation: '' where 2012 has nil; operation.info ids only inside params.
    let old = success("operation.info/done_2011.xml");
    assert!(old.get("vm_id").is_none());
    assert_eq!(
        old.get("params").and_then(|p| int(p, "vm_id")),
        Some(250133)
    );
    assert_eq!(text(&old, "last_error").as_deref(), Some(""));
    let disk = success("hosting.disk.info/2011.xml");
    assert_eq!(text(&disk, "can_snapshot").as_deref(), Some(""));
    let ip = success("hosting.ip.info/being_created_2011.xml");
    assert_eq!(
        (text(&ip, "ip"), text(&ip, "num")),
        (Some(String::new()), Some(String::new()))
    );

    // Paging and counts.
    let len = |rel: &str| success(rel).as_array().unwrap().len();
    assert_eq!(len("hosting.disk.list/page0_full.xml"), 100);
    assert_eq!(len("hosting.disk.list/page1_short.xml"), 7);
    assert_eq!(success("hosting.disk.count/n.xml").as_i64(), Some(107));

    // Account: 17-digit double, empty struct, UTF-8.
    let account = success("hosting.account.info/shares_legacy.xml");
    assert_eq!(
        text(&account, "fullname").as_deref(),
        Some("Camille Lef\u{e8}vre")
    );
    let resources = account.get("resources").unwrap();
    let slots = resources.get("available").and_then(|a| a.get("slots"));
    assert_eq!(slots.and_then(Value::as_f64), Some(2.0 / 3.0));
    assert!(
        resources
            .get("expired")
            .and_then(Value::as_struct)
            .unwrap()
            .is_empty()
    );

    // Scalars and faults.
    assert_eq!(success("hosting.ssh.delete/true.xml").as_bool(), Some(true));
    assert_eq!(
        success("hosting.ssh.delete/false.xml").as_bool(),
        Some(false)
    );
    match decode_fixture("faults/bad_key_format.xml") {
        Response::Fault(f) => {
            assert_eq!(f.code, 500136);
            assert!(
                f.message
                    .contains("[string '<redacted>' does not match '^[a-z0-9]{24}$']")
            );
        }
        other => panic!("expected a fault, got {other:?}"),
    }
}
