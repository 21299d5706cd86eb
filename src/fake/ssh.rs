//! `hosting.ssh.*`: SSH public keys. Synchronous (no operations), as at Gandi.
//!
//! Gandi shows an MD5 fingerprint; the simulator has no MD5, so the fingerprint is a
//! deterministic 16-byte FNV-1a digest of the key's base64 blob, in the same colon-hex layout.

use crate::v4::validate;
use crate::xmlrpc::{Fault, Struct, Value};

use super::args::{Args, Spec};
use super::faults::{self, Cause, Obj};
use super::lists::{self, Row};
use super::state::{Kind, SshKey, State};

const SSH_FIELDS: &[&str] = &["id", "name", "fingerprint"];

/// Checks an OpenSSH public key line (`type base64 [comment]`); returns its base64 blob.
///
/// The blob is only checked for base64 characters, not decoded: test keys are often made up.
pub(crate) fn check_key_value(value: &str) -> Result<&str, Fault> {
    let mut words = value.split_whitespace();
    let kind = words.next().unwrap_or("");
    let blob = words.next().unwrap_or("");
    let base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=';
    if !validate::is_ssh_key_type(kind)
        || blob.len() < 4
        || !blob.bytes().all(base64)
        || value.len() > 16 * 1024
        || value.trim().chars().any(char::is_control)
    {
        return Err(faults::bad(Obj::SshKey, "value is not an SSH public key"));
    }
    Ok(blob)
}

/// A colon-separated 16-byte digest (two FNV-1a 64-bit passes with different seeds).
pub(crate) fn fingerprint(blob: &[u8]) -> String {
    let fnv = |seed: u64| {
        blob.iter().fold(seed, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let mut bytes = fnv(0xcbf2_9ce4_8422_2325).to_be_bytes().to_vec();
    bytes.extend_from_slice(&fnv(0x6c62_272e_07bb_0142).to_be_bytes());
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

impl State {
    fn ssh_struct(key: &SshKey, with_value: bool) -> Struct {
        let s = Struct::new()
            .with("id", key.id)
            .with("name", key.name.as_str())
            .with("fingerprint", key.fingerprint.as_str());
        if with_value {
            s.with("value", key.value.as_str())
        } else {
            s
        }
    }

    fn ssh_rows(&self) -> Vec<Row> {
        self.ssh_keys
            .values()
            .map(|k| Row::plain(Self::ssh_struct(k, false)))
            .collect()
    }

    fn ssh_key(&self, id: i64) -> Result<&SshKey, Fault> {
        self.ssh_keys
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::SshKey, id))
    }

    /// `hosting.ssh.list(key[, opts])`.
    pub(crate) fn ssh_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(
            self.ssh_rows(),
            args.opt_struct(0)?,
            Obj::SshKey,
            SSH_FIELDS,
        )
    }

    /// `hosting.ssh.count(key[, opts])`.
    pub(crate) fn ssh_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(
            self.ssh_rows(),
            args.opt_struct(0)?,
            Obj::SshKey,
            SSH_FIELDS,
        )
    }

    /// `hosting.ssh.info(key, key_id)`: the only shape that includes `value`.
    pub(crate) fn ssh_info(&self, args: &Args<'_>) -> Result<Value, Fault> {
        Ok(Value::Struct(Self::ssh_struct(
            self.ssh_key(args.int(0)?)?,
            true,
        )))
    }

    /// `hosting.ssh.create(key, {name, value})`: returns the key, not an operation.
    pub(crate) fn ssh_create(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let spec = Spec::new(args.structure(0)?, Obj::SshKey, &["name", "value"])?;
        let name = spec.req_string("name")?;
        if name.len() > 255 || name.chars().any(char::is_control) {
            return Err(faults::bad(Obj::SshKey, format!("invalid name '{name}'")));
        }
        let value = spec.req_string("value")?.trim();
        let print = fingerprint(check_key_value(value)?.as_bytes());
        if self.ssh_keys.values().any(|k| k.name == name) {
            return Err(faults::app(
                Obj::SshKey,
                Cause::Exists,
                format!("an SSH key named '{name}' already exists"),
            ));
        }
        let id = self.next_id(Kind::Ssh);
        let key = SshKey {
            id,
            name: name.to_owned(),
            fingerprint: print,
            value: value.to_owned(),
        };
        let out = Self::ssh_struct(&key, true);
        self.ssh_keys.insert(id, key);
        Ok(Value::Struct(out))
    }

    /// `hosting.ssh.delete(key, key_id)`: returns `true`.
    pub(crate) fn ssh_delete(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        self.ssh_key(id)?;
        self.ssh_keys.remove(&id);
        Ok(Value::Bool(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_md5_shaped_and_deterministic() {
        let a = fingerprint(b"abc");
        assert_eq!(a.len(), 47);
        assert_eq!(a.split(':').count(), 16);
        assert_eq!(a, fingerprint(b"abc"));
        assert_ne!(a, fingerprint(b"abd"));
    }

    #[test]
    fn key_values_must_look_like_openssh_keys() {
        assert!(check_key_value("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host").is_ok());
        assert!(check_key_value("hello world").is_err());
        assert!(check_key_value("ssh-rsa !!!").is_err());
    }
}
