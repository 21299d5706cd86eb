//! A blocking Rust SDK for Gandi's Hosting (IaaS) platform: virtual machines, disks, IP
//! addresses and interfaces, private VLANs, SSH keys, images and regions.
//!
//! # Quick start
//!
//! ```no_run
//! use gandi_hosting::Hosting;
//! use gandi_hosting::model::{BootDisk, DeleteVm, IpSpec, VmSpec};
//!
//! let client = gandi_hosting::v4::Client::from_env()?; // GANDI_API_KEY, GANDI_API_URL
//! let region = client.region_by_code("FR-SD6")?;
//! let image = client.image_by_name("Debian 12 64 bits (HVM)", &region.id)?;
//! let key = client.create_ssh_key("laptop", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... me@laptop")?;
//!
//! // Blocks until Gandi has created the disk, the interface and the VM, then returns the VM.
//! let vm = client.create_vm(
//!     &VmSpec::new(region.id.clone(), "web1").cores(2).memory_mb(2048).ssh_key(key.id.clone()),
//!     &BootDisk::from_image(&image, 20), // GB
//!     &IpSpec::public_v4(),              // an IPv4, plus the IPv6 Gandi adds
//! )?;
//! client.stop_vm(&vm.id)?;
//! let gone = client.delete_vm(&vm.id, &DeleteVm::cascade())?;
//! println!("deleted {} with {:?}", gone.vm, gone.deleted);
//! # Ok::<(), gandi_hosting::Error>(())
//! ```
//!
//! # How it is organised
//!
//! * [`Hosting`]: the version-neutral interface (regions, images, disks, IPs, VMs, SSH keys,
//!   VLANs). Code written against it keeps working with a later backend.
//! * [`v4::Client`]: the backend for Gandi's v4 XML-RPC API. It implements [`Hosting`] and adds
//!   what only v4 has: submit-then-wait batches, operations, snapshots, kernels, the account.
//! * [`model`]: resources (`Vm`, `Disk`, `Interface`, ...), specs with constructors for what is
//!   required and setters for the rest, typed IDs (a `DiskId` cannot stand where a `VmId` is
//!   wanted) and state enums that keep values they do not know. Disk sizes are whole GB,
//!   memory is MB.
//! * [`xmlrpc`]: the XML-RPC codec the client speaks through, usable on its own.
//! * `fake` (feature `fake`): a stateful Gandi simulator on 127.0.0.1 for examples and tests.
//!
//! # Waiting
//!
//! Gandi answers a change with one or more *operations* and does the work afterwards. Every
//! mutating method here waits until all of them are `DONE`, then re-reads and returns the
//! object. Each also exists as `submit_*` on [`v4::Client`], returning a [`v4::Pending`] that
//! [`v4::Client::wait`] finishes, so ten VMs can be started together and waited for with
//! [`v4::Client::wait_all`]. Waits check at once, then poll at a growing interval (following
//! Gandi's `eta` when it gives one) until a deadline, 10 minutes by default
//! ([`v4::WaitOptions`]). A progress callback sees each round and can stop the wait.
//!
//! # Lists
//!
//! List calls fetch every page (Gandi sends 100 items a page by default;
//! [`v4::ClientBuilder::page_size`] changes that), so nothing is silently cut at one page.
//! `iter_*` methods on [`v4::Client`] return a lazy [`v4::Paged`] iterator instead, and
//! `count_*` methods ask Gandi for the number alone.
//!
//! # Errors
//!
//! One [`Error`] enum. The ones to know:
//!
//! * [`Error::InvalidInput`]: refused *before any call*, naming the field.
//! * [`Error::Fault`]: Gandi refused the call; [`error::ApiFault`] has the code, the parsed
//!   `OBJECT_*`/`CAUSE_*` and helpers ([`Error::is_not_found`], [`Error::is_invalid_api_key`]).
//! * [`Error::OperationFailed`]: accepted work ended in `ERROR`, `CANCEL` or `SUPPORT`, with
//!   Gandi's `last_error`.
//! * [`Error::WaitTimeout`] / [`Error::Cancelled`]: the work goes on at Gandi; the error holds
//!   the pending operation IDs to resume with [`v4::Client::wait_for_operations`].
//! * [`Error::Incomplete`]: a multi-step call failed after creating resources.
//!
//! Whatever the failure, [`Error::created`] lists every resource the call had created, so that
//! nothing is left billing unseen. Reads are retried on transient failures
//! ([`RetryPolicy`]); a call that changes something is never sent twice.
//!
//! # Testing your code without Gandi
//!
//! With the `fake` feature, `gandi_hosting::fake::FakeGandi` serves a faithful, stateful
//! simulation of the v4 hosting API on a free loopback port; point a client at its URL and
//! key. It can inject faults, HTTP errors, slow or cut responses and failed operations. The
//! `gandi-fake` binary serves it for programs in other languages.
//!
//! # Logging
//!
//! Through the [`log`] facade; the library never prints. `debug`: each call's method and
//! duration, operation IDs, retries. `trace`: request and response bodies with the API key
//! replaced by `<redacted>`. The key never appears in logs, `Debug` output or errors.
//!
//! # Feature flags
//!
//! * `fake` (off): the simulator module and the `gandi-fake` binary.
//!
//! # Dates and time zones
//!
//! Gandi sends dates without a time zone and does not document which one it means, so dates
//! are naive [`time::PrimitiveDateTime`] values.
//!
//! # Versioning and MSRV
//!
//! Semantic versioning; 0.x for now. The minimum supported Rust version is 1.88 (from `time`
//! and `ureq`'s dependencies); it is raised only in a minor release. Types of `time` appear in
//! the public API, so this crate follows `time` 0.3; no type of `ureq` or `quick-xml` does.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api_key;
pub mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod hosting;
pub mod model;
mod recorder;
mod transport;
pub mod v4;
pub mod xmlrpc;

/// The README's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "fake"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use api_key::ApiKey;
pub use error::{Error, Result};
pub use hosting::Hosting;
pub use recorder::RecorderConfig;
pub use transport::RetryPolicy;
