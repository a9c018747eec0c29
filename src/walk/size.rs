//! The size estimate: roughly what V8's ValueSerializer writes (a tag byte, varint lengths, the
//! data). It bounds `maxBytes` / `maxPayloadBytes`; it is an estimate, not the exact size.
//!
//! One formula, implemented once per language: here for what Rust walks, and in helper.js
//! (`stringCost`, `bigintCost`, `varintLength`) for what the JS scan covers, with the constants
//! below handed to it at load time ([`COSTS`]). Both paths report the same `bytes` for the same
//! value (tested from JS through `__checkSerializableByKey`).
//!
//! - every value: `undefined`, `null`, booleans 1; numbers 9 (tag + double); BigInts
//!   `1 + varint(16 × words) + 8 × words` (64-bit words of the magnitude); Dates, RegExps,
//!   boxed primitives 9;
//! - strings, property keys included: `1 + varint(b) + b` where b is the length in UTF-16 units
//!   for strings of at most [`SHORT_STRING_UNITS`] units (O(1) to read; exact for Latin-1, which
//!   V8 writes one byte per character) and the UTF-8 length for longer ones;
//! - objects, arrays, Maps, Sets: 4 + varint(entry count or array length) + their keys and
//!   values; array index keys cost nothing beyond the length, other keys of an array cost like
//!   strings; an object met again (cycle, shared reference) costs a back reference, 3, once it
//!   is remembered: a plain object or array that holds no object never is (walk/scan.rs), so a
//!   shared leaf counts in full each time;
//! - Errors 8 + their message and stack strings; ArrayBuffers and views `1 + varint(n) + n + 4`.

use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::JsString;
use serde::Serialize;

/// The constants of the formula, shared with helper.js.
#[derive(Debug, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Costs {
    /// Serializer header (version tag + version).
    pub header: u64,
    /// undefined / null / true / false.
    pub oddball: u64,
    pub number: u64,
    /// A value met again: tag + object id.
    pub back_reference: u64,
    /// Date, RegExp, boxed primitive.
    pub date: u64,
    /// Object, array, Map or Set, before its length and entries.
    pub object: u64,
    pub error: u64,
    /// Strings up to this many UTF-16 units count one byte per unit.
    pub short_string_units: u64,
}

pub const COSTS: Costs = Costs {
    header: 2,
    oddball: 1,
    number: 9,
    back_reference: 3,
    date: 9,
    object: 4,
    error: 8,
    short_string_units: SHORT_STRING_UNITS as u64,
};

/// See [`Costs::short_string_units`].
pub const SHORT_STRING_UNITS: usize = 32;

/// Length of a base-128 varint.
pub fn varint_len(mut n: u64) -> u64 {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// A string (or property key) of `units` UTF-16 units; `utf8_len` is read only when `units`
/// is over [`SHORT_STRING_UNITS`].
pub fn string_cost(units: u64, utf8_len: impl FnOnce() -> u64) -> u64 {
    let bytes = if units as usize <= SHORT_STRING_UNITS {
        units
    } else {
        utf8_len()
    };
    1 + varint_len(bytes) + bytes
}

/// A BigInt whose magnitude has `words` significant 64-bit words (0 for 0n).
pub fn bigint_cost(words: u64) -> u64 {
    1 + varint_len(words * 16) + words * 8
}

/// An ArrayBuffer or a view of `byte_len` bytes.
pub fn buffer_cost(byte_len: u64) -> u64 {
    1 + varint_len(byte_len) + byte_len + 4
}

/// An object, array, Map or Set with `len` entries (arrays: their length).
pub fn container_cost(len: u64) -> u64 {
    COSTS.object + varint_len(len)
}

/// The cost of a JS string value, or None if `v` is not a string.
pub fn js_string_cost(v: Unknown<'_>) -> Option<u64> {
    let s = JsString::from_unknown(v).ok()?;
    let units = s.utf16_len().ok()? as u64;
    Some(string_cost(units, || s.utf8_len().map_or(units, |n| n as u64)))
}

/// The accumulated estimate and its limit (0 = none).
#[derive(Debug, Clone, Copy)]
pub struct SizeBudget {
    pub bytes: u64,
    pub limit: u64,
}

impl SizeBudget {
    pub fn new(limit: u64) -> Self {
        SizeBudget {
            bytes: COSTS.header,
            limit,
        }
    }

    /// Adds `n`; false when the total is now over the limit.
    #[inline]
    pub fn add(&mut self, n: u64) -> bool {
        self.bytes = self.bytes.saturating_add(n);
        self.limit == 0 || self.bytes <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(u64::MAX), 10);
        assert_eq!(string_cost(3, || unreachable!("short strings count units")), 5);
        assert_eq!(string_cost(32, || unreachable!()), 34);
        assert_eq!(string_cost(40, || 120), 1 + 1 + 120);
        assert_eq!(string_cost(200, || 200), 203);
        assert_eq!(bigint_cost(0), 2);
        assert_eq!(bigint_cost(1), 10);
        assert_eq!(buffer_cost(10), 16);
        assert_eq!(container_cost(1), 5);
        assert_eq!(container_cost(200), 6);
    }

    #[test]
    fn budget() {
        let mut b = SizeBudget::new(0);
        assert_eq!(b.bytes, COSTS.header);
        assert!(b.add(u64::MAX));
        assert_eq!(b.bytes, u64::MAX);
        let mut b = SizeBudget::new(10);
        assert!(b.add(8));
        assert!(!b.add(1));
        assert_eq!(b.bytes, 11);
    }
}
