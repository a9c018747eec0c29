//! The JS scan of one container, and the encoding of its result. This is the one place the
//! encoding is defined: [`CODES`] is handed to helper.js at load time, so the two sides cannot
//! drift.
//!
//! A check's visitor is `visit(o, op)`. `op` `REMEMBER` adds `o` to the check's identity set;
//! `ENTER` (and `ENTER_AT_LIMIT`, for an object at `maxDepth`), one N-API crossing per object,
//! returns:
//! - a number >= 0: `o` is a plain object (prototype `Object.prototype` or null) or array
//!   (`Array.prototype`) whose values are all primitives that clone; the number is its size;
//! - `SEEN`: `o` was remembered before in this check (a cycle or a shared reference);
//! - `PROXY`: `o` is a Proxy (where the host can tell);
//! - `OTHER`: not a plain object or array: Rust classifies it (it is remembered now);
//! - `PLAIN`: a plain object or array the scan did not cover (a getter or trap threw, or the
//!   check walks key by key): Rust walks it through N-API, so a failure is reported at its exact
//!   path, and remembers it before walking the first object it holds;
//! - `TOO_DEEP - mode`: `o` sits at `maxDepth` and has values: its first one is too deep;
//! - an array `[bytes, meta, child0, child1, ...]`: the object-valued values of `o`, in key
//!   order, for Rust to walk, and
//!   `meta = mode + KIND_UNIT × badKind + POSITION_UNIT × (badPosition + 1)`: the first
//!   primitive that does not clone (a function, a symbol) and its position among the values, if
//!   any; the scan stops there, so every child listed comes before it.
//!
//! A plain object or array is remembered (and a later encounter is `SEEN`) only once it is
//! known to hold objects: every object on a cycle does, and the identity set stays small.
//!
//! `mode` says how a position maps to a key: `MODE_OBJECT` (`Object.keys` order),
//! `MODE_DENSE_ARRAY` (the index), `MODE_KEYED_ARRAY` (an array with holes or named keys:
//! `Object.keys` order).

use serde::Serialize;

/// The codes, shared with helper.js.
#[derive(Debug, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Codes {
    pub enter: u32,
    pub enter_at_limit: u32,
    pub remember: u32,
    pub seen: i64,
    pub proxy: i64,
    pub other: i64,
    pub plain: i64,
    pub too_deep: i64,
    pub mode_object: i64,
    pub mode_dense_array: i64,
    pub mode_keyed_array: i64,
    pub bad_function: i64,
    pub bad_symbol: i64,
    pub bad_other: i64,
    pub kind_unit: i64,
    pub position_unit: i64,
    /// `protoSlot(o)`: the prototype is null / not one of the built-ins.
    pub proto_null: i64,
    pub proto_other: i64,
}

pub const CODES: Codes = Codes {
    enter: 0,
    enter_at_limit: 1,
    remember: 2,
    seen: -1,
    proxy: -2,
    other: -3,
    plain: -4,
    too_deep: -5,
    mode_object: 0,
    mode_dense_array: 1,
    mode_keyed_array: 2,
    bad_function: 1,
    bad_symbol: 2,
    bad_other: 3,
    kind_unit: 4,
    position_unit: 16,
    proto_null: -1,
    proto_other: -2,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Object,
    DenseArray,
    KeyedArray,
}

impl Mode {
    fn from_code(code: i64) -> Mode {
        match code {
            c if c == CODES.mode_dense_array => Mode::DenseArray,
            c if c == CODES.mode_keyed_array => Mode::KeyedArray,
            _ => Mode::Object,
        }
    }
}

/// A primitive the clone rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    Function,
    Symbol,
    Other,
}

/// What a numeric `enter` result says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entered {
    /// Scanned: every value clones; the container's size.
    Scanned(u64),
    Seen,
    Proxy,
    Other,
    Plain,
    TooDeep(Mode),
}

#[inline]
pub fn entered(code: f64) -> Entered {
    if code >= 0.0 {
        return Entered::Scanned(code as u64);
    }
    match code as i64 {
        c if c == CODES.seen => Entered::Seen,
        c if c == CODES.proxy => Entered::Proxy,
        c if c == CODES.plain => Entered::Plain,
        c if c <= CODES.too_deep && c > CODES.too_deep - 3 => Entered::TooDeep(Mode::from_code(CODES.too_deep - c)),
        _ => Entered::Other,
    }
}

/// The `meta` of a scan with children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub mode: Mode,
    /// The first primitive that does not clone: its position among the values, and what it is.
    pub bad: Option<(u32, Bad)>,
}

#[inline]
pub fn meta(meta: f64) -> Meta {
    let meta = meta as i64;
    let mode = Mode::from_code(meta % CODES.kind_unit);
    let kind = (meta / CODES.kind_unit) % (CODES.position_unit / CODES.kind_unit);
    let position = meta / CODES.position_unit - 1;
    let bad = match kind {
        k if k == CODES.bad_function => Bad::Function,
        k if k == CODES.bad_symbol => Bad::Symbol,
        _ => Bad::Other,
    };
    Meta {
        mode,
        bad: (position >= 0).then_some((position as u32, bad)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What helper.js computes.
    fn encode(mode: i64, bad: Option<(i64, i64)>) -> f64 {
        let (position, kind) = bad.unwrap_or((-1, 0));
        (mode + CODES.kind_unit * kind + CODES.position_unit * (position + 1)) as f64
    }

    #[test]
    fn meta_round_trips() {
        assert_eq!(
            meta(encode(CODES.mode_object, None)),
            Meta {
                mode: Mode::Object,
                bad: None
            }
        );
        assert_eq!(
            meta(encode(CODES.mode_keyed_array, Some((0, CODES.bad_symbol)))),
            Meta {
                mode: Mode::KeyedArray,
                bad: Some((0, Bad::Symbol))
            }
        );
        // positions up to the largest array index
        let last = u32::MAX as i64 - 1;
        assert_eq!(
            meta(encode(CODES.mode_dense_array, Some((last, CODES.bad_function)))),
            Meta {
                mode: Mode::DenseArray,
                bad: Some((last as u32, Bad::Function))
            }
        );
        assert_eq!(meta(encode(0, Some((3, CODES.bad_other)))).bad, Some((3, Bad::Other)));
    }

    #[test]
    fn numeric_results() {
        assert_eq!(entered(0.0), Entered::Scanned(0));
        assert_eq!(entered(27.0), Entered::Scanned(27));
        assert_eq!(entered(CODES.seen as f64), Entered::Seen);
        assert_eq!(entered(CODES.proxy as f64), Entered::Proxy);
        assert_eq!(entered(CODES.other as f64), Entered::Other);
        assert_eq!(entered(CODES.plain as f64), Entered::Plain);
        for (mode, expected) in [
            (CODES.mode_object, Mode::Object),
            (CODES.mode_dense_array, Mode::DenseArray),
            (CODES.mode_keyed_array, Mode::KeyedArray),
        ] {
            assert_eq!(entered((CODES.too_deep - mode) as f64), Entered::TooDeep(expected));
        }
    }
}
