//! A stateful simulator of Gandi's v4 hosting API, served over HTTP on 127.0.0.1.
//!
//! [`FakeGandi`] answers the same XML-RPC methods as `https://rpc.gandi.net/xmlrpc/` for
//! VMs, disks, snapshots, interfaces, IPs, VLANs, SSH keys, images, datacenters, operations
//! and the account, and keeps everything it is asked to create. Point any v4 client at
//! [`FakeGandi::url`] with [`FakeGandi::api_key`] and it behaves like a fresh Gandi account:
//! objects appear in `being_created`, operations move from `WAIT` to `DONE`, a running VM
//! refuses to be deleted, an attached disk refuses to be deleted, and so on. It needs no
//! network and starts in a millisecond, so tests, examples and other programs (through the
//! `gandi-fake` binary) can use it freely.
//!
//! Compiled only with the crate feature `fake`.
//!
//! # Quick start
//!
//! ```
//! use gandi_hosting::fake::FakeGandi;
//! use gandi_hosting::xmlrpc::{MethodCall, Value};
//!
//! let fake = FakeGandi::start()?;            // 127.0.0.1, a free port, instant operations
//! println!("{} {}", fake.url(), fake.api_key());
//!
//! // Over HTTP, any XML-RPC client works. In-process, `call` skips the socket:
//! let call = MethodCall::new("version.info", vec![Value::from(fake.api_key())]);
//! let version = fake.call(&call).unwrap();
//! assert_eq!(version.get("api_version"), Some(&Value::from("3.3.42")));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Pace of operations
//!
//! Every mutation returns an operation at once (step `WAIT`, or `BILL` under
//! [`Pace::Polls`] with three polls or more) and its effect is applied when the operation
//! reaches `DONE`. How soon that happens is the [`Pace`]:
//!
//! * [`Pace::Instant`] (the default): at the very next request, so the first `operation.info`
//!   already says `DONE`. Best for tests that do not care about waiting.
//! * [`Pace::Polls(n)`](Pace::Polls): after `n` `operation.info` calls on that operation,
//!   one step per poll (`BILL` → `WAIT` → `RUN` → `DONE`). Deterministic: use it to test
//!   waiting loops, `being_created` states and cancellation.
//! * [`Pace::Duration(d)`](Pace::Duration): after `d` of wall-clock time (`RUN` from half
//!   way); `eta` counts the seconds left. For demos (`gandi-fake --op-seconds 2`).
//!
//! Progress is computed when a request arrives; no thread runs in the background. An
//! operation that needs an object still being created (the `vm_create` of
//! `hosting.vm.create_from` needs its disk and interface; a `disk_attach` may name a disk whose
//! `disk_create` is pending) finishes that creation first, so waiting on the last operation
//! of a batch is enough.
//!
//! # Testing how a client copes
//!
//! * [`FakeGandi::inject`] makes chosen calls fail: an XML-RPC fault, an HTTP status, a slow
//!   answer, a dropped connection or a truncated body (see [`Inject`]).
//! * [`FakeGandi::fail_next_operation`] makes the next operation of a type end in `ERROR`
//!   (with a `last_error`) or `SUPPORT`; what it was creating disappears.
//! * [`FakeGandi::calls`] lists every call received, so a test can check that a mutation was
//!   sent exactly once. The API key is replaced by `<redacted>` there.
//! * [`FakeGandi::set_credits`] drains the account to test the "no credits" fault.
//!
//! # What it starts with
//!
//! Datacenters 1 FR-SD2 and 2 US-BA1 (closed to all), 3 LU-BI1, 5 FR-SD5 and 6 FR-SD6 (open),
//! 4 FR-SD3 (closed to new customers: it refuses creations until the account owns something
//! there, which a fresh account never does). Six images in each datacenter not closed to all
//! (`Debian 12 64 bits (HVM)`, `Debian 11 …`, `Ubuntu 24.04 64 bits LTS (HVM)`,
//! `Ubuntu 22.04 …`, `AlmaLinux 9 64 bits (HVM)`, and a deprecated `Debian 10 …`), the
//! kernels of `hosting.disk.list_kernels`, three snapshot profiles (1 `minimal`,
//! 2 `full_week`, 3 `security`), no VM, disk, interface, VLAN or SSH key, and 100 000
//! credits.
//!
//! Ids of each kind live in their own range (VMs from 250101, disks from 3410001, interfaces
//! from 785701, IPs from 925601, VLANs from 1101, SSH keys from 4301, operations from
//! 41000001), so an id of one kind passed where another is expected is "not found".
//!
//! # Methods
//!
//! `version.info`, `hosting.account.info`, `hosting.datacenter.list`,
//! `hosting.image.list/info`, `hosting.snapshotprofile.list`,
//! `hosting.vm.count/list/info/create/create_from/update/start/stop/reboot/delete/`
//! `disk_attach/disk_detach/iface_attach/iface_detach/can_migrate/migrate`,
//! `hosting.disk.count/list/info/create/create_from/update/delete/rollback_from/migrate/`
//! `list_kernels`, `hosting.iface.count/list/info/create/update/delete/migrate`,
//! `hosting.ip.count/list/info/update`, `hosting.vlan.count/list/info/create/update/delete`,
//! `hosting.ssh.count/list/info/create/delete`, `operation.count/list/info/cancel`.
//! [`FakeGandi::methods`] returns the list. Anything else is fault 1
//! `Method "<name>" is not supported`.
//!
//! # Rules it enforces
//!
//! Checked in Gandi's order: method name, number of parameters (fault 1 in Python's words,
//! `Invalid XMLRPC input: hosting.vm.info() takes exactly 2 arguments (1 given)`), API key
//! (shape, then value), parameter types (a string where an id is needed is fault 1
//! `Invalid XMLRPC input: invalid literal for int() with base 10: '12'`), then the method's
//! own rules, among them:
//!
//! * VMs: `memory` a multiple of 64 from 256 to 65536 MB, `cores` 1 to 32, hostname of
//!   letters, digits and inner hyphens (at most 63), `ip_version` 4 or 6 unless `iface_id`
//!   is given, and an SSH key (`keys` or `ssh_key`) or a `login` (lower-case, starting with a
//!   letter) with a `password` (8 to 128 characters). The client checks the same rules. VM, disk and interface must share a datacenter, open for new resources.
//!   Only a `halted` VM can be deleted (its boot disk and first interface go with it, the
//!   rest is detached) or lose its boot disk; `start` needs `halted`; `stop` and `reboot`
//!   need `running`. Memory above `vm_max_memory`, or a new `vm_max_memory`, needs a halted
//!   VM.
//! * Disks: sizes are multiples of 1024 MB, never shrink; a disk attaches to one VM; an
//!   attached disk cannot be deleted or migrated (530439 `OBJECT_DISK (CAUSE_ATTACHED)`), nor
//!   rolled back from one of its snapshots; snapshots cannot be attached or resized; kernels
//!   come from `list_kernels`; `snapshot_profile` takes a profile id or `''` (none).
//! * Interfaces: a public one with `ip_version` 4 gets an IPv4 (num 0) and an IPv6 (num 1),
//!   with 6 an IPv6 only; a private one (`vlan`) gets one IPv4 of the VLAN's subnet, chosen
//!   (`ip`, checked) or the first free one; an attached interface cannot be deleted; deleting
//!   one deletes its IPs.
//! * VLANs: unique names, subnet `a.b.c.d/16..30` (default `192.168.0.0/24`), gateway inside
//!   it; deletion refused while interfaces use it; its operations carry no vlan id.
//! * Lists: `items_per_page` (default 100), zero-based `page`, `sort_by` `field [ASC|DESC]`,
//!   equality filters (an array means "any of"), `~field` (case-insensitive; `%` and `_`
//!   wildcards, plain text is a substring), `<field` and `>field`. A filter or sort key the
//!   object does not have is a fault. `count` takes the same filters and ignores paging.
//!
//! # Credits
//!
//! The account starts with 100 000 credits. Each accepted creation is charged at once and
//! never refunded: 100 per VM, 1 per started GB of disk or snapshot (also for growth), 10 per
//! public IPv4 address (IPv6 and private addresses are free). A call that costs more than
//! what is left fails with 530040 `OBJECT_HOSTING (CAUSE_NOCREDIT)` and changes nothing.
//!
//! # Deviations from the real service
//!
//! Faithful in shapes (keys, XML-RPC types, `<nil/>` for "no value", ints for ids, doubles
//! for bandwidth, `dateTime.iso8601` for dates), steps and the documented rules; where Gandi's
//! behaviour is unknown, the simulator picks one and says so here:
//!
//! * **Fault codes are inferred** except 1, 510150, 530439, 530040 and the causes NOTFOUND
//!   (42), ATTACHED (39), NORIGHT (50). Codes follow Gandi's Q OOO CC scheme with objects
//!   STRING 001, ACCOUNT 101, OPERATION 170, HOSTING 300, VM 302, IMAGE 303, DISK 304,
//!   IFACE 305, IP 306, SSHKEY 307, VLAN 308, DATACENTER 309, SNAPSHOTPROFILE 310,
//!   KERNEL 311 and causes BADPARAMETER 36, EXIST 37, ATTACHED 39, NOCREDIT 40, NOTFOUND 42,
//!   NORIGHT 50, FAILURE 66. Wrong-state refusals use CAUSE_BADPARAMETER. Texts are ours
//!   (`vm#12 not found`, `vm#12 is running, stop it before deleting it`), in Gandi's layout
//!   `Error on object : OBJECT_X (CAUSE_Y) [text]`.
//! * **The malformed-key fault does not echo the key**: Gandi's text quotes the submitted
//!   string; the simulator writes `'<redacted>'` instead (code 500136, inferred).
//! * **Keys are checked case-insensitively** (`[A-Za-z0-9]{24}`), as real keys contain
//!   capitals despite the `^[a-z0-9]{24}$` in Gandi's message.
//! * **SSH fingerprints are not MD5**: a deterministic 16-byte FNV-1a digest of the key blob,
//!   in MD5's colon-hex layout.
//! * **Unknown keys in specs and filters are faults**, where Gandi may ignore some.
//! * **Limits are guesses**: memory ≤ 65536 MB, cores ≤ 32, disks ≤ 8 TB, VLAN prefixes /16
//!   to /30, at most 762 public IPv4 addresses (the three documentation ranges).
//! * **Addresses are documentation ranges**: IPv4 from 192.0.2.0/24, 198.51.100.0/24 and
//!   203.0.113.0/24, IPv6 from 2001:db8::/32; reverses end in `.example.net`.
//! * **Effects wait for `DONE`**: a detached disk stays detached until its `disk_attach`
//!   is done, and the checks made when the call was accepted are made again then; a conflict
//!   (two attaches of one disk) ends the later operation in `ERROR` instead of a fault.
//! * **Failed or cancelled creations vanish**: the VM, disk, interface or VLAN an `ERROR`,
//!   `SUPPORT` or `CANCEL`led operation was creating is removed (the other objects of the same
//!   `create_from` stay, detached). Credits are not refunded.
//! * **Deleting a disk deletes its snapshots.** Rolling back grows the disk to the snapshot's
//!   size if needed and otherwise changes nothing visible.
//! * **Migrations** go to the first open datacenter of `can_migrate_to`; a VM migration stops
//!   at `RUN` with `params.inner_step == 'wait_finalize'` until `hosting.vm.migrate(key, id,
//!   true)`, which returns the same operation; everything attached moves with the VM; IP
//!   addresses do not change.
//! * `hosting.account.info` has the credit ("rating") shape only. `hosting.disk.list_options`,
//!   `hosting.account.credit`, `hosting.rating.list`, `operation.relaunch`, dotted filter keys
//!   (`disk.name`) and the legacy un-prefixed method names are not implemented.
//! * `operation.list` returns every operation since start-up.
//!
//! # HTTP
//!
//! `POST /xmlrpc/` only (other paths 404, other methods 405), HTTP/1.1 with keep-alive,
//! `Content-Length` or chunked request bodies, `Connection: close` honoured. Answers are
//! `200` with `Content-Type: text/xml; charset=utf-8`, faults included. One thread accepts,
//! one thread serves each connection; the state sits behind one mutex, so concurrent clients
//! see a consistent world. Dropping the [`FakeGandi`] stops the server.

mod account;
mod args;
mod catalog;
mod disk;
mod dispatch;
mod effects;
mod faults;
mod iface;
mod inject;
mod lists;
mod operation;
mod server;
mod ssh;
mod state;
mod vlan;
mod vm;

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::xmlrpc::{self, Fault, MethodCall, Value};

pub use inject::Inject;

use inject::{Failure, Injector};
use operation::PlannedFailure;
use server::Reply;
use state::State;

/// How fast operations complete. See the [module docs](self#pace-of-operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Done at the next request: the first `operation.info` already says `DONE`.
    Instant,
    /// Done after this many `operation.info` polls of the operation, one step per poll.
    Polls(u32),
    /// Done after this much wall-clock time; `eta` is the remaining seconds.
    Duration(Duration),
}

/// The failure step for [`FakeGandi::fail_next_operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailStep {
    /// `ERROR`: the operation failed; `last_error` says why.
    Error,
    /// `SUPPORT`: the operation failed and needs Gandi's support.
    Support,
}

/// A call the simulator received, with the API key replaced by `<redacted>`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// The XML-RPC method name, e.g. `hosting.vm.create_from`.
    pub method: String,
    /// The parameters, the first (the API key) replaced by the string `<redacted>`.
    pub params: Vec<Value>,
}

/// The text that replaces API keys in [`FakeGandi::calls`] and in faults.
pub const REDACTED: &str = "<redacted>";

/// How many calls [`FakeGandi::calls`] keeps; past it, the older half is forgotten so that a
/// long-running `gandi-fake` does not grow without bound.
pub const MAX_RECORDED_CALLS: usize = 100_000;

/// What the server threads and the handle share.
pub(crate) struct Shared {
    api_key: String,
    inner: Mutex<Inner>,
    pub(crate) stopping: AtomicBool,
}

struct Inner {
    state: State,
    injector: Injector,
    calls: Vec<RecordedCall>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock is a bug in the simulator; keep serving anyway.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(inner: &mut Inner, call: &MethodCall) {
        if inner.calls.len() >= MAX_RECORDED_CALLS {
            inner.calls.drain(..MAX_RECORDED_CALLS / 2);
        }
        let mut params = call.params.clone();
        if let Some(first) = params.first_mut() {
            *first = Value::from(REDACTED);
        }
        inner.calls.push(RecordedCall {
            method: call.method.clone(),
            params,
        });
    }

    /// Answers an HTTP request body.
    pub(crate) fn respond(&self, body: &[u8]) -> Reply {
        let decoded = xmlrpc::decode_call(body);
        let mut inner = self.lock();
        if let Ok(call) = &decoded {
            Self::record(&mut inner, call);
        }
        let method = decoded.as_ref().ok().map(|c| c.method.as_str());
        let failure = inner.injector.next(method);
        let result = match failure {
            Some(Failure::Fault(fault)) => return Reply::Xml(xmlrpc::encode_fault(&fault)),
            Some(Failure::Status(status, text)) => return Reply::Status(status, text),
            Some(Failure::Drop) => return Reply::Drop,
            _ => match &decoded {
                Ok(call) => dispatch::handle(&mut inner.state, &self.api_key, call),
                Err(e) => Err(faults::invalid_input(match e.offset {
                    Some(at) => format!("{} at byte {at}", e.reason),
                    None => e.reason.clone(),
                })),
            },
        };
        drop(inner);
        let body = encode(&result);
        match failure {
            Some(Failure::Delay(d)) => Reply::Delayed(d, Box::new(Reply::Xml(body))),
            Some(Failure::Truncate) => Reply::Truncated(body),
            _ => Reply::Xml(body),
        }
    }
}

fn encode(result: &Result<Value, Fault>) -> Vec<u8> {
    match result {
        Ok(value) => xmlrpc::encode_response(value).unwrap_or_else(|e| {
            xmlrpc::encode_fault(&faults::app(
                faults::Obj::Unknown,
                faults::Cause::Failure,
                format!("could not encode the answer: {e}"),
            ))
        }),
        Err(fault) => xmlrpc::encode_fault(fault),
    }
}

/// Makes a key of 24 letters and digits from the clock, the process id and a counter.
fn generate_key() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut seed = (nanos as u64)
        ^ ((nanos >> 64) as u64)
        ^ (u64::from(std::process::id()) << 32)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (0..24)
        .map(|_| {
            // splitmix64
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            char::from(ALPHABET[(z % ALPHABET.len() as u64) as usize])
        })
        .collect()
}

/// Configures a [`FakeGandi`] before starting it; from [`FakeGandi::builder`].
///
/// ```
/// use gandi_hosting::fake::{FakeGandi, Pace};
///
/// let fake = FakeGandi::builder()
///     .pace(Pace::Polls(3))
///     .api_key("abcdefghijklmnopqrstuvwx")
///     .start()?;
/// assert_eq!(fake.api_key(), "abcdefghijklmnopqrstuvwx");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Builder {
    pace: Pace,
    api_key: Option<String>,
    host: IpAddr,
    port: u16,
    credits: i64,
}

impl Builder {
    /// How fast operations complete. Defaults to [`Pace::Instant`].
    pub fn pace(mut self, pace: Pace) -> Self {
        self.pace = pace;
        self
    }

    /// The API key clients must send: 24 ASCII letters and digits. Defaults to a fresh
    /// random-looking key per instance.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The address to listen on. Defaults to 127.0.0.1. Anything else exposes an
    /// unauthenticated-by-TLS test server to the network: only do it on purpose.
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The port to listen on. Defaults to 0: a free port chosen by the system.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The account's starting credits. Defaults to 100 000.
    pub fn credits(mut self, credits: i64) -> Self {
        self.credits = credits;
        self
    }

    /// Binds the port and starts serving.
    ///
    /// # Errors
    /// `InvalidInput` when the API key is not 24 letters and digits; any error from binding
    /// the socket or spawning the accepting thread.
    pub fn start(self) -> io::Result<FakeGandi> {
        let api_key = match self.api_key {
            Some(key) if dispatch::well_formed_key(&key) => key,
            Some(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the fake's API key must be 24 ASCII letters and digits",
                ));
            }
            None => generate_key(),
        };
        let listener = TcpListener::bind(SocketAddr::new(self.host, self.port))?;
        let addr = listener.local_addr()?;
        let mut state = State::new(self.pace);
        state.credits = self.credits;
        let shared = Arc::new(Shared {
            api_key,
            inner: Mutex::new(Inner {
                state,
                injector: Injector::default(),
                calls: Vec::new(),
            }),
            stopping: AtomicBool::new(false),
        });
        let for_thread = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name("gandi-fake-accept".to_owned())
            .spawn(move || server::accept_loop(listener, for_thread))?;
        Ok(FakeGandi {
            shared,
            addr,
            accept: Some(accept),
        })
    }
}

/// A running simulator of Gandi's v4 hosting API. See the [module docs](self).
///
/// Thread-safe: share it by reference (or in an `Arc`) between test threads. Dropping it
/// stops the server and joins its accepting thread; open connections close within about
/// 50 ms.
pub struct FakeGandi {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
}

impl fmt::Debug for FakeGandi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGandi")
            .field("url", &self.url())
            .field("api_key", &REDACTED)
            .finish_non_exhaustive()
    }
}

impl FakeGandi {
    /// Starts a simulator on 127.0.0.1 on a free port, with [`Pace::Instant`] and a fresh
    /// API key.
    ///
    /// ```
    /// let fake = gandi_hosting::fake::FakeGandi::start()?;
    /// assert!(fake.url().starts_with("http://127.0.0.1:"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any error from binding the socket or spawning the accepting thread.
    pub fn start() -> io::Result<Self> {
        Self::builder().start()
    }

    /// A [`Builder`] with the defaults of [`FakeGandi::start`].
    pub fn builder() -> Builder {
        Builder {
            pace: Pace::Instant,
            api_key: None,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            credits: state::INITIAL_CREDITS,
        }
    }

    /// The endpoint, e.g. `http://127.0.0.1:40123/xmlrpc/`.
    pub fn url(&self) -> String {
        format!("http://{}/xmlrpc/", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key clients must send as the first parameter.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// Answers `call` in-process, exactly as over HTTP but without injections. The call is
    /// recorded in [`FakeGandi::calls`].
    ///
    /// ```
    /// use gandi_hosting::fake::FakeGandi;
    /// use gandi_hosting::xmlrpc::{MethodCall, Value};
    ///
    /// let fake = FakeGandi::start()?;
    /// let call = MethodCall::new("hosting.vm.info", vec![fake.api_key().into(), 1.into()]);
    /// let fault = fake.call(&call).unwrap_err();
    /// assert_eq!(fault.code, 530242);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// The [`Fault`] Gandi would send.
    pub fn call(&self, call: &MethodCall) -> Result<Value, Fault> {
        let mut inner = self.shared.lock();
        Shared::record(&mut inner, call);
        dispatch::handle(&mut inner.state, &self.shared.api_key, call)
    }

    /// Arms a failure for upcoming HTTP calls. See [`Inject`].
    pub fn inject(&self, inject: Inject) {
        self.shared.lock().injector.add(inject);
    }

    /// Disarms every pending injection.
    pub fn clear_injections(&self) {
        self.shared.lock().injector.clear();
    }

    /// Makes the next operation of type `op_type` (e.g. `"vm_create"`, `"disk_attach"`) end
    /// in `step` instead of `DONE` when it completes, with `last_error` set to `last_error`
    /// (for [`FailStep::Error`]). Its effect is not applied; an object it was creating is
    /// removed.
    ///
    /// ```
    /// use gandi_hosting::fake::{FailStep, FakeGandi};
    ///
    /// let fake = FakeGandi::start()?;
    /// fake.fail_next_operation("disk_create", FailStep::Error, "storage backend unavailable");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn fail_next_operation(&self, op_type: &str, step: FailStep, last_error: &str) {
        self.shared
            .lock()
            .state
            .planned_failures
            .push(PlannedFailure {
                kind: op_type.to_owned(),
                step,
                text: last_error.to_owned(),
            });
    }

    /// Every call received so far (HTTP and [`FakeGandi::call`]), oldest first, with the API
    /// key replaced by [`REDACTED`]. Bodies that did not decode are not listed; past
    /// [`MAX_RECORDED_CALLS`] the oldest half is dropped.
    ///
    /// ```
    /// use gandi_hosting::fake::{FakeGandi, REDACTED};
    /// use gandi_hosting::xmlrpc::{MethodCall, Value};
    ///
    /// let fake = FakeGandi::start()?;
    /// fake.call(&MethodCall::new("version.info", vec![fake.api_key().into()])).unwrap();
    /// let calls = fake.calls();
    /// assert_eq!(calls[0].method, "version.info");
    /// assert_eq!(calls[0].params, vec![Value::from(REDACTED)]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.lock().calls.clone()
    }

    /// How many calls of `method` were received.
    pub fn count_calls(&self, method: &str) -> usize {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Forgets the calls received so far.
    pub fn clear_calls(&self) {
        self.shared.lock().calls.clear();
    }

    /// Sets the account's credits (see the [module docs](self#credits)).
    pub fn set_credits(&self, credits: i64) {
        self.shared.lock().state.credits = credits;
    }

    /// The account's credits.
    pub fn credits(&self) -> i64 {
        self.shared.lock().state.credits
    }

    /// Changes the pace of operations from now on (pending ones included).
    pub fn set_pace(&self, pace: Pace) {
        self.shared.lock().state.pace = pace;
    }

    /// The names of every method the simulator answers.
    pub fn methods() -> Vec<&'static str> {
        dispatch::method_names().collect()
    }

    /// Stops the server (as dropping it does).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for FakeGandi {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept with one connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests;
