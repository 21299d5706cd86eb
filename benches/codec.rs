//! Codec throughput, measured against a raw quick-xml walk over the same bytes.
//!
//! Builds in memory a `hosting.vm.info`-shaped response with 1,000 VMs in the layout Gandi's
//! Python server writes (see `shared/docs/performance.md`), plus one operation struct, then
//! prints MB/s for: our decoder, a raw quick-xml event walk (reads every event and resolves
//! references, builds nothing), our encoder, and a `quick_xml::Writer` replay of the same
//! document's events (the encoder's yardstick). The machine is shared and noisy, so each figure
//! is the best of several interleaved rounds, and the ratios matter more than the MB/s.
//!
//! Run with `cargo bench --bench codec` (about 15 s). `BENCH_QUICK=1`, `-- --test` or an
//! unoptimised build (`cargo test --benches`) runs one round of each, as a smoke test.
//! `BENCH_ONLY=decode|raw|encode` (with `BENCH_ROUNDS=n`) loops one contender for profilers.

use std::hint::black_box;
use std::time::{Duration, Instant};

use gandi_hosting::xmlrpc::{self, Response, Struct, Value};
use quick_xml::Reader;
use quick_xml::events::Event;
use quick_xml::writer::Writer;
use time::macros::datetime;

fn main() {
    // An unoptimised build (`cargo test --benches`) says nothing about speed: one round only.
    let quick = std::env::var_os("BENCH_QUICK").is_some()
        || std::env::args().any(|arg| arg == "--test")
        || cfg!(debug_assertions);
    if quick {
        println!("quick mode: one round of each, figures are not meaningful");
    }

    let large = gandi_layout(&vm_list(1000));
    let small = gandi_layout(&operation(1));
    check(&large);
    check(&small);

    // For profilers: `BENCH_ONLY=decode` (or `raw`, `encode`) loops one contender alone.
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        profile_loop(&only, &large);
        return;
    }

    let budget = if quick {
        Duration::ZERO
    } else {
        Duration::from_secs(6)
    };
    let mb = |bytes: usize| bytes as f64 / 1_000_000.0;

    println!("large document: {} VMs, {:.2} MB", 1000, mb(large.len()));
    if let Ok(Response::Success(tree)) = xmlrpc::decode_response(&large) {
        let heap = heap_estimate(&tree);
        println!(
            "  decoded tree holds about {:.2} MB of heap, {:.2}x the document \
             (estimate: glibc chunk sizes, not measured)",
            mb(heap),
            heap as f64 / large.len() as f64
        );
    }
    let large_times = measure(&large, budget);
    report(&large_times, large.len());

    println!(
        "\nsmall document: one operation struct, {} bytes",
        small.len()
    );
    let small_times = measure(&small, budget / 3);
    report(&small_times, small.len());
    println!(
        "  small decode rate: {:.0} documents/s",
        1.0 / small_times.decode.as_secs_f64()
    );
}

fn profile_loop(only: &str, doc: &[u8]) {
    let Ok(Response::Success(value)) = xmlrpc::decode_response(doc) else {
        panic!("benchmark document does not decode");
    };
    // `BENCH_ROUNDS=n` runs exactly n rounds (for instruction counts), else 5 s worth.
    let fixed: Option<u32> = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok());
    let start = Instant::now();
    let mut rounds = 0u32;
    while fixed.map_or(start.elapsed() < Duration::from_secs(5), |n| rounds < n) {
        match only {
            "decode" => drop(black_box(xmlrpc::decode_response(black_box(doc)))),
            "raw" => raw_walk(doc),
            "encode" => drop(black_box(xmlrpc::encode_response(black_box(&value)))),
            other => panic!("BENCH_ONLY={other}: expected decode, raw or encode"),
        }
        rounds += 1;
    }
    println!("{only}: {rounds} rounds");
}

/// Best time per document for each contender.
struct Times {
    /// Decoding alone: the trees are dropped after the clock stops.
    decode: Duration,
    /// Decoding and dropping the tree.
    decode_drop: Duration,
    raw: Duration,
    encode: Duration,
    writer: Duration,
    encoded_len: usize,
}

/// Interleaves rounds of each contender until `budget` is spent (at least one round).
fn measure(doc: &[u8], budget: Duration) -> Times {
    let value = match xmlrpc::decode_response(doc) {
        Ok(Response::Success(value)) => value,
        other => panic!("benchmark document does not decode: {other:?}"),
    };
    let encoded_len = xmlrpc::encode_response(&value).expect("encodes").len();
    // Enough repetitions per round that a round lasts a few milliseconds.
    let reps = (2_000_000 / doc.len()).max(1);

    let mut times = Times {
        decode: Duration::MAX,
        decode_drop: Duration::MAX,
        raw: Duration::MAX,
        encode: Duration::MAX,
        writer: Duration::MAX,
        encoded_len,
    };
    let start = Instant::now();
    loop {
        times.raw = times.raw.min(time_per(reps, || raw_walk(doc)));
        times.decode = times.decode.min(decode_time(doc, reps));
        times.decode_drop = times.decode_drop.min(time_per(reps, || {
            drop(black_box(xmlrpc::decode_response(black_box(doc))));
        }));
        times.encode = times.encode.min(time_per(reps, || {
            drop(black_box(xmlrpc::encode_response(black_box(&value))));
        }));
        times.writer = times.writer.min(time_per(reps, || writer_replay(doc)));
        if start.elapsed() >= budget {
            return times;
        }
    }
}

/// Decodes `reps` times, keeping the results so that freeing them is not timed.
fn decode_time(doc: &[u8], reps: usize) -> Duration {
    let mut kept = Vec::with_capacity(reps);
    let start = Instant::now();
    for _ in 0..reps {
        kept.push(xmlrpc::decode_response(black_box(doc)));
    }
    let elapsed = start.elapsed();
    drop(black_box(kept));
    elapsed / u32::try_from(reps).unwrap_or(u32::MAX)
}

fn time_per(reps: usize, mut run: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..reps {
        run();
    }
    start.elapsed() / u32::try_from(reps).unwrap_or(u32::MAX)
}

fn report(times: &Times, len: usize) {
    let rate = |bytes: usize, time: Duration| bytes as f64 / 1_000_000.0 / time.as_secs_f64();
    let decode = rate(len, times.decode);
    let raw = rate(len, times.raw);
    let encode = rate(times.encoded_len, times.encode);
    let writer = rate(len, times.writer);
    println!("  decode:               {decode:8.1} MB/s");
    println!(
        "  decode + drop:        {:8.1} MB/s",
        rate(len, times.decode_drop)
    );
    println!("  raw quick-xml walk:   {raw:8.1} MB/s");
    println!("  decode / raw walk:    {:8.2}", decode / raw);
    println!(
        "  encode:               {encode:8.1} MB/s ({} bytes out)",
        times.encoded_len
    );
    println!("  quick-xml Writer:     {writer:8.1} MB/s (replaying the document's events)");
    println!("  encode / Writer:      {:8.2}", encode / writer);
}

/// Heap bytes a tree holds, counting each allocation as glibc's chunk for it (16-byte steps,
/// 8 bytes of header, 32 at least).
fn heap_estimate(value: &Value) -> usize {
    fn chunk(bytes: usize) -> usize {
        if bytes == 0 {
            0
        } else {
            (bytes + 8).div_ceil(16).max(2) * 16
        }
    }
    match value {
        Value::String(text) => chunk(text.capacity()),
        Value::Base64(bytes) => chunk(bytes.capacity()),
        Value::Array(items) => {
            chunk(items.capacity() * size_of::<Value>())
                + items.iter().map(heap_estimate).sum::<usize>()
        }
        Value::Struct(members) => {
            chunk(members.len() * size_of::<(String, Value)>())
                + members
                    .iter()
                    .map(|(name, value)| chunk(name.len()) + heap_estimate(value))
                    .sum::<usize>()
        }
        _ => 0,
    }
}

/// Reads every event and resolves every reference, building nothing.
fn raw_walk(doc: &[u8]) {
    let mut reader = Reader::from_reader(doc);
    let mut seen = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Text(text)) => seen += text.len(),
            Ok(Event::GeneralRef(reference)) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.len_utf8(),
                    Ok(None) => {
                        quick_xml::escape::resolve_predefined_entity(&reference).map_or(0, str::len)
                    }
                    Err(_) => 0,
                };
                seen += resolved;
            }
            Ok(Event::Start(start) | Event::Empty(start)) => seen += start.name().as_ref().len(),
            Ok(_) => seen += 1,
            Err(error) => panic!("raw walk: {error}"),
        }
    }
    black_box(seen);
}

/// Replays the document's events through `quick_xml::Writer`.
fn writer_replay(doc: &[u8]) {
    let mut reader = Reader::from_reader(doc);
    let mut writer = Writer::new(Vec::with_capacity(doc.len()));
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => writer.write_event(event).expect("write to Vec"),
            Err(error) => panic!("writer replay: {error}"),
        }
    }
    black_box(writer.into_inner());
}

/// Makes sure the decoder reads back what was built, so the benchmark measures correct work.
fn check(doc: &[u8]) {
    let Ok(Response::Success(value)) = xmlrpc::decode_response(doc) else {
        panic!("benchmark document does not decode");
    };
    let reencoded = xmlrpc::encode_response(&value).expect("encodes");
    assert_eq!(
        xmlrpc::decode_response(&reencoded),
        Ok(Response::Success(value))
    );
}

/// Our encoder's output turned into Python's exact layout: single-quoted declaration, and
/// `<nil/></value></member>` on one line.
fn gandi_layout(value: &Value) -> Vec<u8> {
    let text = String::from_utf8(xmlrpc::encode_response(value).expect("encodes")).expect("utf8");
    text.replacen("<?xml version=\"1.0\"?>", "<?xml version='1.0'?>", 1)
        .replace("<nil/></value>\n</member>", "<nil/></value></member>")
        .trim_end()
        .to_owned()
        .into_bytes()
}

fn vm_list(count: i64) -> Value {
    Value::Array((0..count).map(vm).collect())
}

fn dates(s: Struct, n: i64) -> Struct {
    let created = datetime!(2012-01-05 10:46:18);
    let updated = created + time::Duration::seconds(n * 37);
    s.with("date_created", created)
        .with("date_updated", updated)
}

fn vm(n: i64) -> Value {
    let id = 250_000 + n;
    let disk_id = 34_000 + 2 * n;
    let iface_id = 7_000 + n;
    let disks = (0..2)
        .map(|d| {
            let disk = Struct::new()
                .with("id", disk_id + d)
                .with("name", format!("disk_{n}_{d}"))
                .with("size", 3072 * (d + 1))
                .with("state", "created")
                .with("type", "data")
                .with("datacenter_id", 1 + n % 4)
                .with("is_boot_disk", d == 0)
                .with("can_snapshot", true)
                .with(
                    "kernel_version",
                    if d == 0 {
                        Value::from("3.12-x86_64 (hvm)")
                    } else {
                        Value::Nil
                    },
                )
                .with(
                    "kernel_cmdline",
                    if d == 0 {
                        Value::Struct(
                            Struct::new()
                                .with("root", "/dev/xvda1")
                                .with("ro", true)
                                .with("console", "xvc0")
                                .with("nosep", true),
                        )
                    } else {
                        Value::Nil
                    },
                )
                .with(
                    "label",
                    if d == 0 {
                        Value::from("Debian 8 64 bits (HVM)")
                    } else {
                        Value::Nil
                    },
                )
                .with("source", Value::Nil)
                .with("visibility", "private")
                .with("vms_id", vec![id])
                .with("snapshot_profile", Value::Nil);
            Value::Struct(dates(disk, n))
        })
        .collect::<Vec<_>>();
    let ips = (0..2)
        .map(|i| {
            let ip = Struct::new()
                .with("id", 9_000 + 2 * n + i)
                .with(
                    "ip",
                    if i == 0 {
                        format!("10.{}.{}.{}", n / 65_536 % 256, n / 256 % 256, n % 256)
                    } else {
                        format!("2001:4b98:dc0:543:216:3eff:fe37:{n:x}")
                    },
                )
                .with("version", if i == 0 { 4 } else { 6 })
                .with("reverse", format!("xvm-{n}.ghst.net"))
                .with("num", i)
                .with("state", "created")
                .with("iface_id", iface_id)
                .with("datacenter_id", 1 + n % 4);
            Value::Struct(dates(ip, n))
        })
        .collect::<Vec<_>>();
    let iface = Struct::new()
        .with("id", iface_id)
        .with("num", 0)
        .with("type", "public")
        .with("state", "used")
        .with("bandwidth", 102_400.0)
        .with("datacenter_id", 1 + n % 4)
        .with("vm_id", id)
        .with("vlan", Value::Nil)
        .with("ips_id", vec![9_000 + 2 * n, 9_001 + 2 * n])
        .with("ips", ips);
    let graph = |kind: &str, device: i64| {
        Value::from(vec![format!(
            "https://graph.example/?id={id}&type={kind}&device={device}"
        )])
    };
    let vm = Struct::new()
        .with("id", id)
        .with("hostname", format!("web-{n}"))
        .with("state", if n % 7 == 0 { "halted" } else { "running" })
        .with("cores", 1 + n % 4)
        .with("memory", 256 * (1 + n % 8))
        .with("vm_max_memory", 2048)
        .with("console", 0)
        .with("console_url", "console.gandi.net")
        .with("ai_active", 0)
        .with("flex_shares", 0)
        .with(
            "description",
            if n % 3 == 0 {
                Value::Nil
            } else {
                Value::from("R&D box")
            },
        )
        .with("datacenter_id", 1 + n % 4)
        .with("hvm_state", "unknown")
        .with("disks_id", vec![disk_id, disk_id + 1])
        .with("ifaces_id", vec![iface_id])
        .with("disks", disks)
        .with("ifaces", vec![Value::Struct(dates(iface, n))])
        .with(
            "graph_urls",
            Struct::new()
                .with("vcpu", graph("vcpu", 0))
                .with("vdi", graph("vdi", disk_id))
                .with("vif", graph("vif", iface_id)),
        )
        .with("triggers", Value::Array(vec![]))
        .with("probes", Value::Array(vec![]));
    Value::Struct(dates(vm, n))
}

fn operation(n: i64) -> Value {
    let params = Struct::new()
        .with("vm_id", 250_000 + n)
        .with("inner_step", "start")
        .with("from_dc_id", Value::Nil)
        .with("to_dc_id", Value::Nil)
        .with("hostname", format!("web-{n}"));
    let op = Struct::new()
        .with("id", 1_492_000 + n)
        .with("type", "vm_create")
        .with("step", "RUN")
        .with("source", "AB3917-GANDI")
        .with("date_start", datetime!(2012-01-05 10:46:20))
        .with("vm_id", 250_000 + n)
        .with("disk_id", Value::Nil)
        .with("iface_id", Value::Nil)
        .with("ip_id", Value::Nil)
        .with("eta", 42)
        .with("last_error", Value::Nil)
        .with("errortype", Value::Nil)
        .with("session_id", 88_000 + n)
        .with("cert_id", Value::Nil)
        .with("params", params);
    Value::Struct(dates(op, n))
}
