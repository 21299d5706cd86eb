//! `dateTime.iso8601` values: parsing, formatting, and serde helpers for
//! [`time::PrimitiveDateTime`] fields.
//!
//! XML-RPC dates carry no time zone, and Gandi never says which one it uses, so they are naive
//! [`PrimitiveDateTime`]s. The canonical form, which the encoder writes and Gandi sends, is
//! `YYYYMMDDTHH:MM:SS`, e.g. `20110921T12:57:05`.
//!
//! Use the helpers on model fields:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use time::PrimitiveDateTime;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Disk {
//!     #[serde(with = "gandi_hosting::xmlrpc::datetime")]
//!     date_created: PrimitiveDateTime,
//!     #[serde(default, with = "gandi_hosting::xmlrpc::datetime::option")]
//!     date_start: Option<PrimitiveDateTime>,
//! }
//! ```
//!
//! Through [`to_value`](super::to_value) and [`from_value`](super::from_value) such a field is
//! a [`Value::DateTime`](super::Value::DateTime); through any other serde format (JSON, ...)
//! it is the canonical string.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// The newtype-struct name that tells the crate's serde bridge "this string is a date".
pub(super) const MAGIC: &str = "$xmlrpc::DateTime";

/// Parses an XML-RPC date.
///
/// Accepts the canonical `20110921T12:57:05` and the variants seen in the wild: no colons
/// (`20160115T162658`), dashes (`2011-09-21T12:57:05`), a fractional second (kept to the
/// nanosecond, extra digits dropped), and a trailing `Z` or UTC offset, which is **dropped**:
/// the result is naive, as XML-RPC dates are. Returns `None` for anything else, including
/// impossible dates such as `20110231T00:00:00`.
///
/// ```
/// use gandi_hosting::xmlrpc::parse_datetime;
/// use time::macros::datetime;
///
/// assert_eq!(parse_datetime("20110921T12:57:05"), Some(datetime!(2011-09-21 12:57:05)));
/// assert_eq!(parse_datetime("2011-09-21T12:57:05Z"), Some(datetime!(2011-09-21 12:57:05)));
/// assert_eq!(parse_datetime("21 Sep 2011"), None);
/// ```
pub fn parse_datetime(text: &str) -> Option<PrimitiveDateTime> {
    let mut cursor = Cursor(text.as_bytes());

    let year = cursor.number(4)?;
    let dashed = cursor.eat(b'-');
    let month = cursor.number(2)?;
    if dashed && !cursor.eat(b'-') {
        return None;
    }
    let day = cursor.number(2)?;
    if !(cursor.eat(b'T') || cursor.eat(b't')) {
        return None;
    }
    let hour = cursor.number(2)?;
    let colons = cursor.eat(b':');
    let minute = cursor.number(2)?;
    if colons && !cursor.eat(b':') {
        return None;
    }
    let second = cursor.number(2)?;

    let mut nanosecond = 0;
    if cursor.eat(b'.') || cursor.eat(b',') {
        let digits = cursor.digits();
        if digits.is_empty() {
            return None;
        }
        let mut scale = 100_000_000;
        for &digit in digits.iter().take(9) {
            nanosecond += u32::from(digit - b'0') * scale;
            scale /= 10;
        }
    }

    // A zone designator, which a naive date cannot keep.
    match cursor.0 {
        [] | [b'Z' | b'z'] => {}
        [b'+' | b'-', rest @ ..] => {
            let mut zone = Cursor(rest);
            let hours = zone.number(2)?;
            let minutes = if zone.0.is_empty() {
                0
            } else {
                zone.eat(b':');
                zone.number(2)?
            };
            if !zone.0.is_empty() || hours > 23 || minutes > 59 {
                return None;
            }
        }
        _ => return None,
    }

    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(i32::try_from(year).ok()?, month, day.try_into().ok()?);
    let time = Time::from_hms_nano(
        hour.try_into().ok()?,
        minute.try_into().ok()?,
        second.try_into().ok()?,
        nanosecond,
    );
    Some(PrimitiveDateTime::new(date.ok()?, time.ok()?))
}

/// A tiny byte cursor for [`parse_datetime`].
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn eat(&mut self, byte: u8) -> bool {
        match self.0.split_first() {
            Some((&first, rest)) if first == byte => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Exactly `width` ASCII digits.
    fn number(&mut self, width: usize) -> Option<u32> {
        let digits = self.0.get(..width)?;
        let mut value = 0;
        for &digit in digits {
            if !digit.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(digit - b'0');
        }
        self.0 = &self.0[width..];
        Some(value)
    }

    /// All leading ASCII digits.
    fn digits(&mut self) -> &'a [u8] {
        let end = self
            .0
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.0.len());
        let (digits, rest) = self.0.split_at(end);
        self.0 = rest;
        digits
    }
}

/// Formats a date in the canonical XML-RPC form, `YYYYMMDDTHH:MM:SS`.
///
/// Fractions of a second are dropped (XML-RPC has none; Python drops them too). Years before
/// 0 cannot be written in this form: the encoder refuses them, and this function writes them
/// with a leading `-` that [`parse_datetime`] does not read back.
///
/// ```
/// use gandi_hosting::xmlrpc::format_datetime;
/// use time::macros::datetime;
///
/// assert_eq!(format_datetime(&datetime!(2011-09-21 12:57:05.5)), "20110921T12:57:05");
/// ```
pub fn format_datetime(date: &PrimitiveDateTime) -> String {
    let mut bytes = Vec::with_capacity(17);
    let mut text = String::with_capacity(27);
    if write_datetime(&mut bytes, date).is_none() {
        // Outside the four-digit years: the same layout after the year as it comes.
        text = format!("{:04}", date.year());
        bytes.clear();
        write_after_year(&mut bytes, date);
    }
    text.extend(bytes.iter().copied().map(char::from));
    text
}

/// The canonical form, plus a fraction when the date has one, so that nothing is lost on the way
/// through serde (the wire encoder still writes whole seconds).
pub(super) fn format_datetime_exact(date: &PrimitiveDateTime) -> String {
    let mut text = format_datetime(date);
    let mut nanosecond = date.nanosecond();
    if nanosecond != 0 {
        let mut digits = [b'0'; 9];
        for digit in digits.iter_mut().rev() {
            *digit = b'0' + (nanosecond % 10) as u8;
            nanosecond /= 10;
        }
        let end = digits
            .iter()
            .rposition(|&d| d != b'0')
            .map_or(0, |at| at + 1);
        text.push('.');
        text.extend(digits[..end].iter().copied().map(char::from));
    }
    text
}

/// Writes the canonical form into `out`; `None` (and nothing written) when the year is outside
/// 0..=9999.
pub(super) fn write_datetime(out: &mut Vec<u8>, date: &PrimitiveDateTime) -> Option<()> {
    let year = u32::try_from(date.year()).ok().filter(|&y| y <= 9999)?;
    let (high, low) = ((year / 100) as u8, (year % 100) as u8);
    two_digits(out, high);
    two_digits(out, low);
    write_after_year(out, date);
    Some(())
}

/// The canonical form after the year: `MMDDTHH:MM:SS`.
fn write_after_year(out: &mut Vec<u8>, date: &PrimitiveDateTime) {
    two_digits(out, u8::from(date.month()));
    two_digits(out, date.day());
    out.push(b'T');
    two_digits(out, date.hour());
    out.push(b':');
    two_digits(out, date.minute());
    out.push(b':');
    two_digits(out, date.second());
}

/// `n` (below 100) as two ASCII digits.
fn two_digits(out: &mut Vec<u8>, n: u8) {
    out.extend_from_slice(&[b'0' + n / 10, b'0' + n % 10]);
}

/// How the crate's serde bridge hands a date to the visitors below without going through text:
/// nanoseconds since 1970-01-01T00:00:00, the naive date read as if it were UTC. Lossless over
/// the whole range `time` supports, and far cheaper than formatting and parsing again.
pub(super) fn to_nanos(date: &PrimitiveDateTime) -> i128 {
    date.assume_utc().unix_timestamp_nanos()
}

/// The inverse of [`to_nanos`]; `None` outside the range `time` supports.
pub(super) fn from_nanos(nanos: i128) -> Option<PrimitiveDateTime> {
    let date = OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?;
    Some(PrimitiveDateTime::new(date.date(), date.time()))
}

/// Serializes a [`PrimitiveDateTime`] as an XML-RPC date (see the [module docs](self)).
///
/// Outside the crate's bridge the date is the canonical string, with a fraction of a second
/// appended only when the date has one.
///
/// # Errors
/// Whatever the serializer reports.
pub fn serialize<S: Serializer>(
    date: &PrimitiveDateTime,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_newtype_struct(MAGIC, &format_datetime_exact(date))
}

/// Deserializes a [`PrimitiveDateTime`] from an XML-RPC date, or from a string in any form
/// [`parse_datetime`] accepts.
///
/// # Errors
/// When the value is neither a date nor a string holding one.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<PrimitiveDateTime, D::Error> {
    deserializer.deserialize_newtype_struct(MAGIC, DateVisitor)
}

/// Reads a date from a date value or a string.
///
/// The crate's bridge hands a date value over as an `i128` (see [`to_nanos`]), so that it is
/// not formatted only to be parsed again.
struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = PrimitiveDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a dateTime.iso8601 such as 20110921T12:57:05")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse_datetime(text.trim())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
    }

    fn visit_i128<E: de::Error>(self, nanos: i128) -> Result<Self::Value, E> {
        from_nanos(nanos)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Other("a date out of range"), &self))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

/// The same helpers for `Option<PrimitiveDateTime>`.
///
/// `None` serializes as a missing member (through [`to_value`](crate::xmlrpc::to_value)) or
/// null. On input, nil, a missing member (with `#[serde(default)]`) and the empty string that
/// Gandi's 2011-era server sends for "no date" all give `None`.
pub mod option {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::ser::Serializer;
    use time::PrimitiveDateTime;

    /// Wraps a date so it serializes through the parent module's helper.
    struct AsXmlRpc<'a>(&'a PrimitiveDateTime);

    impl serde::Serialize for AsXmlRpc<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, serializer)
        }
    }

    /// Serializes an optional date: `None` as none, `Some` as an XML-RPC date.
    ///
    /// # Errors
    /// Whatever the serializer reports.
    pub fn serialize<S: Serializer>(
        date: &Option<PrimitiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_some(&AsXmlRpc(date)),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes an optional date: nil and `""` are `None`.
    ///
    /// # Errors
    /// When the value is neither nil, empty, a date nor a string holding one.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PrimitiveDateTime>, D::Error> {
        deserializer.deserialize_option(OptionVisitor)
    }

    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<PrimitiveDateTime>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a dateTime.iso8601, nil or an empty string")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_newtype_struct(super::MAGIC, MaybeEmpty)
        }
    }

    /// A date, or the empty string meaning none.
    struct MaybeEmpty;

    impl<'de> Visitor<'de> for MaybeEmpty {
        type Value = Option<PrimitiveDateTime>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a dateTime.iso8601 or an empty string")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            super::DateVisitor.visit_str(text).map(Some)
        }

        fn visit_i128<E: de::Error>(self, nanos: i128) -> Result<Self::Value, E> {
            super::DateVisitor.visit_i128(nanos).map(Some)
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_str(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::{format_datetime, format_datetime_exact};

    #[test]
    fn formats_years_outside_four_digits_and_trims_fractions() {
        assert_eq!(
            format_datetime(&datetime!(-0005-01-02 03:04:05)),
            "-0050102T03:04:05"
        );
        assert_eq!(
            format_datetime_exact(&datetime!(2011-09-21 12:57:05)),
            "20110921T12:57:05"
        );
        assert_eq!(
            format_datetime_exact(&datetime!(2011-09-21 12:57:05.5)),
            "20110921T12:57:05.5"
        );
        assert_eq!(
            format_datetime_exact(&datetime!(2011-09-21 12:57:05.000_000_120)),
            "20110921T12:57:05.00000012"
        );
    }
}
