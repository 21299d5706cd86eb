//! Typed identifiers: one newtype per resource, so a disk ID cannot stand where a VM ID is
//! wanted. Each can hold a v4 integer or an opaque string (a later backend's UUID).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The inside of every ID type: an integer (Gandi v4) or an opaque string (UUID-style backends).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Repr {
    Int(i64),
    Text(Box<str>),
}

/// The error of parsing an empty string as an ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIdError {
    kind: &'static str,
}

impl fmt::Display for ParseIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an empty string is not a valid {} ID", self.kind)
    }
}

impl std::error::Error for ParseIdError {}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        ///
        /// Built from an integer (`From<i64>`) for Gandi v4, or parsed from text: a decimal
        /// string becomes an integer ID, anything else is kept as an opaque ID that the v4
        /// backend refuses with [`Error::InvalidInput`](crate::Error::InvalidInput).
        /// Serializes as an integer or a string accordingly; displays as its plain value.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Repr);

        impl $name {
            /// The kind of resource this ID names, for messages (`"VM"`, `"disk"`, ...).
            pub const KIND: &'static str = $kind;

            /// The Gandi v4 integer, if this ID is one.
            pub fn as_i64(&self) -> Option<i64> {
                match &self.0 {
                    Repr::Int(v) => Some(*v),
                    Repr::Text(_) => None,
                }
            }

            /// An opaque (non-integer) ID, such as a UUID from a later backend.
            ///
            /// # Errors
            /// [`ParseIdError`] when `text` is empty.
            pub fn opaque(text: impl Into<String>) -> Result<Self, ParseIdError> {
                let text = text.into();
                if text.is_empty() {
                    return Err(ParseIdError { kind: $kind });
                }
                Ok(Self(Repr::Text(text.into_boxed_str())))
            }
        }

        impl TypedId for $name {
            const KIND: &'static str = $kind;

            fn v4(&self) -> Option<i64> {
                self.as_i64()
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(Repr::Int(v))
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.parse::<i64>() {
                    Ok(v) => Ok(Self(Repr::Int(v))),
                    Err(_) => Self::opaque(s),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match &self.0 {
                    Repr::Int(v) => write!(f, "{v}"),
                    Repr::Text(t) => f.write_str(t),
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match &self.0 {
                    Repr::Int(v) => s.serialize_i64(*v),
                    Repr::Text(t) => s.serialize_str(t),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IdVisitor).map(Self)
            }
        }
    };
}

/// What the backends need of any ID type.
pub(crate) trait TypedId: fmt::Display {
    /// The kind of resource, for messages.
    const KIND: &'static str;

    /// The v4 integer, if the ID is one.
    fn v4(&self) -> Option<i64>;
}

struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = Repr;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a non-empty string ID")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Repr, E> {
        Ok(Repr::Int(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Repr, E> {
        i64::try_from(v)
            .map(Repr::Int)
            .map_err(|_| E::custom("ID out of range"))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Repr, E> {
        if v.is_empty() {
            return Err(E::custom("empty ID"));
        }
        Ok(v.parse::<i64>()
            .map_or_else(|_| Repr::Text(v.into()), Repr::Int))
    }
}

id_type!(
    /// Identifies a virtual machine.
    VmId, "VM"
);
id_type!(
    /// Identifies a disk (including snapshots, which are disks of type `snapshot`).
    DiskId, "disk"
);
id_type!(
    /// Identifies a network interface (Gandi's "iface"), which carries one or more IPs.
    InterfaceId, "interface"
);
id_type!(
    /// Identifies one IP address.
    IpId, "IP"
);
id_type!(
    /// Identifies a disk image (an entry of the image catalogue, per region).
    ImageId, "image"
);
id_type!(
    /// Identifies a region (Gandi's "datacenter").
    RegionId, "region"
);
id_type!(
    /// Identifies a private VLAN.
    VlanId, "VLAN"
);
id_type!(
    /// Identifies an SSH key stored in the account.
    SshKeyId, "SSH key"
);
id_type!(
    /// Identifies an asynchronous operation.
    OperationId, "operation"
);
id_type!(
    /// Identifies a snapshot profile (an automatic snapshot schedule).
    SnapshotProfileId, "snapshot profile"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_parses_to_an_integer_id() {
        let id: VmId = "250133".parse().unwrap();
        assert_eq!(id.as_i64(), Some(250133));
        assert_eq!(id, VmId::from(250133));
        assert_eq!(id.to_string(), "250133");
        assert_eq!(format!("{id:?}"), "VmId(250133)");
    }

    #[test]
    fn other_text_is_kept_opaque() {
        let id: DiskId = "6f1c2a3e-0000-4000-8000-000000000001".parse().unwrap();
        assert_eq!(id.as_i64(), None);
        assert_eq!(id.to_string(), "6f1c2a3e-0000-4000-8000-000000000001");
        assert!("".parse::<DiskId>().is_err());
    }
}
