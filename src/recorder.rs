//! An optional recorder that saves request/response pairs as test fixtures, key scrubbed.
//!
//! It is off unless a [`RecorderConfig`] is given. It exists so that someone with a real Gandi
//! account can refresh `fixtures/v4/<method>/<case>.xml` later. It never sees the network and
//! never fails a call: a file it cannot write is logged at warn and skipped.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::transport::scrub_bytes;

/// What the API key is replaced with in recorded files: `<redacted>`, written XML-escaped so
/// that the files stay well-formed and decode to the string `<redacted>`.
const XML_PLACEHOLDER: &[u8] = b"&lt;redacted&gt;";

/// Where to record request/response pairs.
///
/// Each call that gets an answer (a value or a fault) is written as
/// `<dir>/<method>/recorded-<n>.xml` (the response body, verbatim but with the API key scrubbed)
/// and `<dir>/<method>/recorded-<n>.request.xml` (the request, the key replaced by
/// `<redacted>`). `n` grows per method and existing files are never overwritten, so the same
/// directory can collect several sessions. Point it at `fixtures/v4` to refresh fixtures, then
/// rename the cases.
///
/// Write failures are logged at `warn` and never fail the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecorderConfig {
    dir: PathBuf,
}

impl RecorderConfig {
    /// Records into `dir`, which is created when needed.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory recordings go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one exchange; logs and swallows any failure.
    pub(crate) fn record(&self, method: &str, key: &str, request: &[u8], response: &[u8]) {
        if let Err(e) = self.try_record(method, key, request, response) {
            log::warn!(
                "could not record the answer to {method} under {}: {e}",
                self.dir.display()
            );
        }
    }

    fn try_record(
        &self,
        method: &str,
        key: &str,
        request: &[u8],
        response: &[u8],
    ) -> io::Result<PathBuf> {
        let dir = self.dir.join(safe_dir_name(method));
        fs::create_dir_all(&dir)?;

        let request = scrub_bytes(request, key, XML_PLACEHOLDER);
        let response = scrub_bytes(response, key, XML_PLACEHOLDER);

        // Claim a number by creating the response file exclusively; another thread or process
        // that got there first makes us move on to the next number.
        let mut n = next_case_number(&dir)?;
        for _ in 0..10_000 {
            let response_path = dir.join(format!("recorded-{n}.xml"));
            let request_path = dir.join(format!("recorded-{n}.request.xml"));
            if request_path.exists() {
                n += 1;
                continue;
            }
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&response_path)
            {
                Ok(mut file) => {
                    file.write_all(&response)?;
                    let mut file = OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&request_path)?;
                    file.write_all(&request)?;
                    log::debug!("recorded {method} as {}", response_path.display());
                    return Ok(response_path);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => n += 1,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("no free recorded-<n> name"))
    }
}

/// One more than the highest `recorded-<n>` already in `dir` (1 when there is none).
fn next_case_number(dir: &Path) -> io::Result<u64> {
    let mut highest = 0;
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        let number = name
            .strip_prefix("recorded-")
            .and_then(|rest| {
                rest.strip_suffix(".request.xml")
                    .or_else(|| rest.strip_suffix(".xml"))
            })
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(number) = number {
            highest = highest.max(number);
        }
    }
    Ok(highest + 1)
}

/// A method name as a single, harmless directory name (`hosting.vm.info` stays as it is).
fn safe_dir_name(method: &str) -> String {
    let name: String = method
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        format!("_{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let dir = std::env::temp_dir().join(format!(
                "gandi-hosting-{tag}-{}-{nanos}",
                std::process::id()
            ));
            fs::create_dir_all(&dir).expect("create temp dir");
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const KEY: &str = "RecKey0123456789abcdefgh";

    #[test]
    fn files_are_scrubbed_and_numbered_without_overwriting() {
        let tmp = TempDir::new("recorder-unit");
        let recorder = RecorderConfig::new(&tmp.0);
        let request = format!(
            "<methodCall><methodName>hosting.vm.info</methodName><params>\
             <param><value><string>{KEY}</string></value></param></params></methodCall>"
        );
        let response = format!("<methodResponse>echo {KEY}</methodResponse>");
        let method_dir = tmp.0.join("hosting.vm.info");
        fs::create_dir_all(&method_dir).expect("mkdir");
        fs::write(method_dir.join("recorded-2.xml"), "keep me").expect("seed");

        recorder.record(
            "hosting.vm.info",
            KEY,
            request.as_bytes(),
            response.as_bytes(),
        );
        recorder.record("hosting.vm.info", KEY, request.as_bytes(), b"second");

        let read = |name: &str| fs::read_to_string(method_dir.join(name)).expect(name);
        assert_eq!(read("recorded-2.xml"), "keep me");
        let first = read("recorded-3.xml");
        assert_eq!(
            first,
            "<methodResponse>echo &lt;redacted&gt;</methodResponse>"
        );
        let first_request = read("recorded-3.request.xml");
        assert!(first_request.contains("<string>&lt;redacted&gt;</string>"));
        assert!(!first_request.contains(KEY));
        assert_eq!(read("recorded-4.xml"), "second");
        assert!(method_dir.join("recorded-4.request.xml").exists());
    }

    #[test]
    fn odd_method_names_stay_inside_the_directory() {
        assert_eq!(safe_dir_name("hosting.vm.info"), "hosting.vm.info");
        assert_eq!(safe_dir_name("../etc"), "_.._etc");
        assert_eq!(safe_dir_name("a/b"), "a_b");
        assert_eq!(safe_dir_name(""), "_");
    }

    #[test]
    fn an_unwritable_directory_does_not_panic() {
        let tmp = TempDir::new("recorder-blocked");
        let blocker = tmp.0.join("file");
        fs::write(&blocker, "not a dir").expect("seed");
        RecorderConfig::new(&blocker).record("version.info", KEY, b"req", b"resp");
    }
}
