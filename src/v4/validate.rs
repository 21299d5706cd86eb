//! Client-side checks that run before any call: each failure is an
//! [`Error::InvalidInput`] naming the field.

use std::net::IpAddr;

use crate::error::{Error, Result};

/// Largest disk Gandi sells, in GB (checked so that GB → MB cannot overflow and absurd sizes
/// fail early).
pub(crate) const MAX_DISK_GB: u64 = 8 * 1024;

/// Most virtual CPUs a VM may have (the client's and the fake server's limit).
pub(crate) const MAX_CORES: u32 = 32;

/// Whether `name` is a valid host name: the rule of [`hostname`], as a test.
pub(crate) fn is_hostname(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Whether `cores` is a valid number of virtual CPUs: the rule of [`cores`], as a test.
pub(crate) fn is_cores(cores: i64) -> bool {
    (1..=i64::from(MAX_CORES)).contains(&cores)
}

/// Whether `name` is a valid disk name: the rule of [`disk_name`], as a test.
pub(crate) fn is_disk_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Whether `password` has an acceptable length: the rule of [`password`], as a test.
pub(crate) fn is_password(password: &str) -> bool {
    (8..=128).contains(&password.chars().count())
}

/// Whether `login` is a valid login name: the rule of [`login`], as a test.
pub(crate) fn is_login(login: &str) -> bool {
    login.len() <= 32
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Whether `kind` is a key type OpenSSH writes in a public key line.
pub(crate) fn is_ssh_key_type(kind: &str) -> bool {
    SSH_KEY_TYPES.contains(&kind)
}

/// Host name: 1–63 letters, digits or `-`, not starting or ending with `-`.
pub(crate) fn hostname(field: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 63 {
        return Err(Error::invalid(
            field,
            format!("must be 1 to 63 characters, got {}", name.len()),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(Error::invalid(
            field,
            format!("may hold only letters, digits and '-', not {c:?}"),
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(Error::invalid(field, "may not start or end with '-'"));
    }
    Ok(())
}

/// Memory in MB: a multiple of 64, at least 256.
pub(crate) fn memory_mb(field: &str, mb: u64) -> Result<i64> {
    if mb < 256 {
        return Err(Error::invalid(
            field,
            format!("must be at least 256 MB, got {mb}"),
        ));
    }
    if !mb.is_multiple_of(64) {
        return Err(Error::invalid(
            field,
            format!("must be a multiple of 64 MB, got {mb}"),
        ));
    }
    i64::try_from(mb)
        .ok()
        .filter(|v| *v <= i64::from(i32::MAX))
        .ok_or_else(|| Error::invalid(field, format!("{mb} MB is more than Gandi can represent")))
}

/// Virtual CPUs: 1 to 32.
pub(crate) fn cores(field: &str, cores: u32) -> Result<i64> {
    if !(1..=32).contains(&cores) {
        return Err(Error::invalid(
            field,
            format!("must be 1 to 32, got {cores}"),
        ));
    }
    Ok(i64::from(cores))
}

/// Disk size in whole GB, converted to Gandi's MB.
pub(crate) fn disk_size_gb(field: &str, gb: u64) -> Result<i64> {
    if gb == 0 {
        return Err(Error::invalid(field, "must be at least 1 GB"));
    }
    if gb > MAX_DISK_GB {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_DISK_GB} GB, got {gb}"),
        ));
    }
    Ok(i64::try_from(gb * 1024).unwrap_or(i64::MAX))
}

/// Disk names: 1–255 characters of letters, digits, `-` and `_`.
pub(crate) fn disk_name(field: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 255 {
        return Err(Error::invalid(
            field,
            format!("must be 1 to 255 characters, got {}", name.len()),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(Error::invalid(
            field,
            format!("may hold only letters, digits, '-' and '_', not {c:?}"),
        ));
    }
    Ok(())
}

/// A plain name (VLAN, SSH key): 1–255 characters, no control characters.
pub(crate) fn name(field: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if name.len() > 255 {
        return Err(Error::invalid(
            field,
            format!("must be at most 255 characters, got {}", name.len()),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(field, "may not contain control characters"));
    }
    Ok(())
}

/// Passwords: 8 to 128 characters (Gandi's console needs at least 8).
pub(crate) fn password(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        return Err(Error::invalid(
            field,
            format!("must be 8 to 128 characters, got {n}"),
        ));
    }
    Ok(())
}

/// Login names: 1–32 of lower-case letters, digits, `-` and `_`, starting with a letter.
pub(crate) fn login(field: &str, login: &str) -> Result<()> {
    let ok = !login.is_empty()
        && login.len() <= 32
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(Error::invalid(
            field,
            "must be 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter",
        ));
    }
    Ok(())
}

/// The key types OpenSSH writes in a public key line.
const SSH_KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// An OpenSSH public key line: `type base64 [comment]`, one line.
pub(crate) fn ssh_public_key(field: &str, key: &str) -> Result<()> {
    let key = key.trim();
    if key.contains('\n') || key.contains('\r') {
        return Err(Error::invalid(field, "must be a single line"));
    }
    if key.starts_with("-----BEGIN") {
        return Err(Error::invalid(
            field,
            "this is a private key or PEM block; give the public key line (id_*.pub)",
        ));
    }
    let mut parts = key.split_whitespace();
    let kind = parts.next().unwrap_or("");
    if !SSH_KEY_TYPES.contains(&kind) {
        return Err(Error::invalid(
            field,
            format!("must start with a key type such as ssh-ed25519 or ssh-rsa, not {kind:?}"),
        ));
    }
    let body = parts.next().unwrap_or("");
    if body.len() < 16
        || !body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    {
        return Err(Error::invalid(
            field,
            "the key data after the type is not base64",
        ));
    }
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| Error::invalid(field, "the key data after the type is not valid base64"))?;
    // The blob starts with the length-prefixed key type, which must match the text.
    let inner = decoded
        .get(0..4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
        .and_then(|n| decoded.get(4..4 + n));
    if inner != Some(kind.as_bytes()) {
        return Err(Error::invalid(
            field,
            format!("the key data does not hold a {kind} key"),
        ));
    }
    Ok(())
}

/// A parsed IPv4 or IPv6 CIDR subnet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subnet {
    network: IpAddr,
    prefix: u8,
}

impl Subnet {
    /// Parses `addr/prefix`.
    pub(crate) fn parse(field: &str, cidr: &str) -> Result<Self> {
        let (addr, prefix) = cidr.split_once('/').ok_or_else(|| {
            Error::invalid(
                field,
                format!("{cidr:?} is not in CIDR form (e.g. 10.0.0.0/24)"),
            )
        })?;
        let network: IpAddr = addr
            .parse()
            .map_err(|_| Error::invalid(field, format!("{addr:?} is not an IP address")))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= max).ok_or_else(|| {
            Error::invalid(field, format!("prefix {prefix:?} must be 0 to {max}"))
        })?;
        let subnet = Self { network, prefix };
        if subnet.mask(network) != bits(network) {
            return Err(Error::invalid(
                field,
                format!(
                    "{cidr} has host bits set; the network is {}",
                    subnet.network_string()
                ),
            ));
        }
        Ok(subnet)
    }

    /// The network address.
    pub(crate) fn network(&self) -> IpAddr {
        self.network
    }

    /// The prefix length.
    pub(crate) fn prefix(&self) -> u8 {
        self.prefix
    }

    fn mask(&self, ip: IpAddr) -> u128 {
        let width = if ip.is_ipv4() { 32 } else { 128 };
        let host_bits = width - u32::from(self.prefix);
        let all = if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        let mask = if host_bits >= 128 {
            0
        } else {
            (all >> host_bits) << host_bits
        };
        bits(ip) & mask
    }

    fn network_string(&self) -> String {
        let masked = self.mask(self.network);
        match self.network {
            IpAddr::V4(_) => format!(
                "{}/{}",
                std::net::Ipv4Addr::from(masked as u32),
                self.prefix
            ),
            IpAddr::V6(_) => format!("{}/{}", std::net::Ipv6Addr::from(masked), self.prefix),
        }
    }

    /// Whether `ip` is inside the subnet (same family, same network bits).
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.network.is_ipv4() && self.mask(ip) == bits(self.network)
    }
}

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<impl Sized>) -> String {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn hostnames_follow_dns_label_rules() {
        assert!(hostname("hostname", "web-1").is_ok());
        assert_eq!(field_of(hostname("hostname", "")), "hostname");
        assert!(hostname("hostname", "-web").is_err());
        assert!(hostname("hostname", "web_1").is_err());
        assert!(hostname("hostname", &"a".repeat(64)).is_err());
    }

    #[test]
    fn memory_is_a_multiple_of_64_and_at_least_256() {
        assert_eq!(memory_mb("memory_mb", 256).unwrap(), 256);
        assert_eq!(field_of(memory_mb("memory_mb", 128)), "memory_mb");
        assert!(memory_mb("memory_mb", 300).is_err());
    }

    #[test]
    fn disk_sizes_are_whole_gb_converted_to_mb() {
        assert_eq!(disk_size_gb("size_gb", 20).unwrap(), 20 * 1024);
        assert!(disk_size_gb("size_gb", 0).is_err());
        assert!(disk_size_gb("size_gb", u64::MAX).is_err());
    }

    #[test]
    fn ssh_keys_must_be_openssh_public_key_lines() {
        // A syntactically valid ed25519 public key blob: "ssh-ed25519" + 32 zero bytes.
        use base64::Engine as _;
        let mut blob = Vec::new();
        blob.extend_from_slice(&11u32.to_be_bytes());
        blob.extend_from_slice(b"ssh-ed25519");
        blob.extend_from_slice(&32u32.to_be_bytes());
        blob.extend_from_slice(&[7u8; 32]);
        let line = format!(
            "ssh-ed25519 {} me@host",
            base64::engine::general_purpose::STANDARD.encode(&blob)
        );
        assert!(ssh_public_key("value", &line).is_ok());
        assert!(ssh_public_key("value", "ssh-rsa AAAA").is_err());
        assert!(ssh_public_key("value", "-----BEGIN OPENSSH PRIVATE KEY-----").is_err());
        let wrong_type = line.replacen("ssh-ed25519", "ssh-rsa", 1);
        assert!(ssh_public_key("value", &wrong_type).is_err());
    }

    #[test]
    fn subnets_and_membership() {
        let s = Subnet::parse("subnet", "10.1.0.0/16").unwrap();
        assert!(s.contains("10.1.200.3".parse().unwrap()));
        assert!(!s.contains("10.2.0.1".parse().unwrap()));
        assert!(!s.contains("::1".parse().unwrap()));
        assert!(Subnet::parse("subnet", "10.1.0.1/16").is_err());
        assert!(Subnet::parse("subnet", "10.1.0.0").is_err());
        assert!(Subnet::parse("subnet", "10.1.0.0/33").is_err());
        let v6 = Subnet::parse("subnet", "2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
    }

    #[test]
    fn the_boolean_checks_agree_with_the_checks_that_explain() {
        for h in ["web1", "a", "-a", "a-", "a.b", "", &"x".repeat(64), "é"] {
            assert_eq!(is_hostname(h), hostname("h", h).is_ok(), "{h:?}");
        }
        for c in [0, 1, 16, 17, 32, 33] {
            assert_eq!(is_cores(i64::from(c)), cores("c", c).is_ok(), "{c}");
        }
        assert!(!is_cores(-1));
        for n in ["sys_web1", "a-b", "a.b", "", &"x".repeat(256), "é"] {
            assert_eq!(is_disk_name(n), disk_name("n", n).is_ok(), "{n:?}");
        }
        for p in [
            "1234567",
            "12345678",
            &"x".repeat(128),
            &"x".repeat(129),
            "ééééééé",
        ] {
            assert_eq!(is_password(p), password("p", p).is_ok(), "{p:?}");
        }
        for l in ["admin", "a1-_", "1admin", "Admin", "", &"a".repeat(33)] {
            assert_eq!(is_login(l), login("l", l).is_ok(), "{l:?}");
        }
        assert!(is_ssh_key_type("ssh-ed25519") && !is_ssh_key_type("ssh-foo"));
    }
}
