//! Structured-clone validator: the decisions, without N-API.
//!
//! `walk.rs` walks the JS value through N-API and asks this module what to do with each node:
//! [`classify`] turns what N-API can tell about an object (its brand, from `napi_is_*`, and
//! which built-in prototype it has, by identity) into an [`Action`]; [`push_segment`] /
//! [`format_path`] build the path reported for the first problem; the `cost_*` functions
//! estimate the serialized size (V8 ValueSerializer layout: tag byte + varint lengths + data).
//!
//! What Electron's structured clone carries (see shared/electron-facts.md) and how it maps here:
//! accepted: primitives (BigInt, NaN, ±Infinity too), plain objects (prototype Object.prototype
//! or null), arrays (also sparse, extra props), cycles and shared references, Map, Set, Date,
//! RegExp, ArrayBuffer, typed arrays, DataView, the seven standard Error types, boxed
//! primitives. Rejected: function, symbol (also boxed), Promise, WeakMap, WeakSet, WeakRef,
//! FinalizationRegistry, Proxy (when the host can tell), SharedArrayBuffer (also views on one),
//! detached ArrayBuffers, instances of other classes — including subclasses of built-ins, e.g.
//! Node's `Buffer` — because the clone drops their prototype.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Function,
    Symbol,
    Promise,
    WeakMap,
    WeakSet,
    WeakRef,
    Proxy,
    ClassInstance,
    SharedArrayBuffer,
    Depth,
    Size,
    Unsupported,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Symbol => "symbol",
            Kind::Promise => "promise",
            Kind::WeakMap => "weakmap",
            Kind::WeakSet => "weakset",
            Kind::WeakRef => "weakref",
            Kind::Proxy => "proxy",
            Kind::ClassInstance => "class-instance",
            Kind::SharedArrayBuffer => "shared-array-buffer",
            Kind::Depth => "depth",
            Kind::Size => "size",
            Kind::Unsupported => "unsupported",
        }
    }

    /// Default explanation used in the `message` of a failed check.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Function => "functions cannot be cloned",
            Kind::Symbol => "symbols cannot be cloned",
            Kind::Promise => "Promises cannot be cloned",
            Kind::WeakMap => "WeakMaps cannot be cloned",
            Kind::WeakSet => "WeakSets cannot be cloned",
            Kind::WeakRef => "WeakRefs and FinalizationRegistries cannot be cloned",
            Kind::Proxy => "Proxy objects cannot be cloned",
            Kind::ClassInstance => "the clone drops the prototype: it would arrive as a plain object",
            Kind::SharedArrayBuffer => "SharedArrayBuffers cannot be sent over Electron IPC",
            Kind::Depth => "nesting is deeper than maxDepth",
            Kind::Size => "the estimated payload is larger than maxBytes",
            Kind::Unsupported => "this value cannot be cloned",
        }
    }
}

/// What a JS object is, as far as N-API's brand checks tell (`napi_is_array`, `napi_is_date`,
/// ...). `None` = none of them matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    None,
    Array,
    Date,
    ArrayBuffer,
    TypedArray,
    DataView,
    Promise,
    Error,
}

/// Typed array element types, in `napi_typedarray_type` order.
pub const TYPED_ARRAY_NAMES: [&str; 11] = [
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
];

/// The standard Error constructors the clone recreates (anything else becomes `Error`).
pub const ERROR_NAMES: [&str; 7] = [
    "Error",
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
];

/// Which well-known prototype an object has (compared by identity with the realm's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Object,
    Null,
    Array,
    Map,
    Set,
    Date,
    RegExp,
    ArrayBuffer,
    SharedArrayBuffer,
    DataView,
    /// `Some(i)`: the prototype of `TYPED_ARRAY_NAMES[i]`.
    TypedArray(usize),
    Promise,
    WeakMap,
    WeakSet,
    WeakRef,
    FinalizationRegistry,
    /// The prototype of `ERROR_NAMES[i]`.
    Error(usize),
    Boolean,
    Number,
    String,
    BigInt,
    Symbol,
    /// Anything else: a user class, a subclass of a built-in, another realm's prototype.
    Other,
}

/// What to do with an object node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Own enumerable string keys.
    WalkObject,
    WalkArray,
    WalkMap,
    WalkSet,
    /// Error: name/message/stack are strings; `cause` (if own) is walked.
    WalkError,
    /// Cloned as is, nothing inside to check (Date, RegExp, boxed primitives).
    Leaf,
    /// ArrayBuffer / typed array / DataView: check the buffer is not shared or detached.
    Buffer,
    Reject(Kind),
}

/// Decision table. `typed_array_type` is the element type N-API reports for a typed array.
pub fn classify(brand: Brand, proto: Proto, typed_array_type: Option<usize>) -> Action {
    use Action::*;
    match (brand, proto) {
        (Brand::Array, Proto::Array) => WalkArray,
        (Brand::Date, Proto::Date) => Leaf,
        (Brand::ArrayBuffer, Proto::ArrayBuffer) => Buffer,
        (Brand::TypedArray, Proto::TypedArray(i)) if Some(i) == typed_array_type => Buffer,
        (Brand::DataView, Proto::DataView) => Buffer,
        (Brand::Promise, _) => Reject(Kind::Promise),
        (Brand::Error, Proto::Error(_)) => WalkError,
        // A built-in object whose prototype is not its own built-in one: subclass instance
        // (Buffer, class X extends Map, ...) or a changed prototype. The clone keeps the
        // built-in part and drops the prototype.
        (Brand::Array | Brand::Date | Brand::ArrayBuffer | Brand::TypedArray | Brand::DataView | Brand::Error, _) => {
            Reject(Kind::ClassInstance)
        }
        (Brand::None, Proto::Object | Proto::Null) => WalkObject,
        // Map/Set/RegExp/boxed primitives have no N-API brand check: trusted by prototype
        // (walk.rs verifies Map/Set by iterating them with the built-in iterators).
        (Brand::None, Proto::Map) => WalkMap,
        (Brand::None, Proto::Set) => WalkSet,
        (Brand::None, Proto::RegExp | Proto::Boolean | Proto::Number | Proto::String | Proto::BigInt) => Leaf,
        (Brand::None, Proto::Symbol) => Reject(Kind::Symbol),
        (Brand::None, Proto::SharedArrayBuffer) => Reject(Kind::SharedArrayBuffer),
        (Brand::None, Proto::WeakMap) => Reject(Kind::WeakMap),
        (Brand::None, Proto::WeakSet) => Reject(Kind::WeakSet),
        (Brand::None, Proto::WeakRef | Proto::FinalizationRegistry) => Reject(Kind::WeakRef),
        (Brand::None, Proto::Promise) => Reject(Kind::Promise),
        // An object that only borrowed a built-in prototype (Object.create(Date.prototype)),
        // or a user class.
        (Brand::None, _) => Reject(Kind::ClassInstance),
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    /// Property of a plain object (or a non-index property of an array / the Error `cause`).
    Key(String),
    /// Array element.
    Index(u64),
    /// Value of a Map entry whose key is a string: `.get("k")`.
    MapValueStr(String),
    /// Value of a Map entry whose key is not a string: `.get(<key n>)`, n = entry position.
    MapValueAt(usize),
    /// The key of the n-th Map entry: `.keys()[n]`.
    MapKey(usize),
    /// The n-th Set member: `.values()[n]`.
    SetValue(usize),
}

/// `[A-Za-z_$][A-Za-z0-9_$]*`: printed as `.name`; anything else as `["..."]`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.bytes();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
}

/// JS string literal with double quotes (JSON escaping, valid JS).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".to_string())
}

pub fn push_segment(path: &mut String, seg: &Seg) {
    match seg {
        Seg::Key(k) if is_identifier(k) => {
            path.push('.');
            path.push_str(k);
        }
        Seg::Key(k) => {
            path.push('[');
            path.push_str(&quote(k));
            path.push(']');
        }
        Seg::Index(i) => {
            let _ = write!(path, "[{i}]");
        }
        Seg::MapValueStr(k) => {
            let _ = write!(path, ".get({})", quote(k));
        }
        Seg::MapValueAt(n) => {
            let _ = write!(path, ".get(<key {n}>)");
        }
        Seg::MapKey(n) => {
            let _ = write!(path, ".keys()[{n}]");
        }
        Seg::SetValue(n) => {
            let _ = write!(path, ".values()[{n}]");
        }
    }
}

#[cfg(test)]
pub fn format_path(root: &str, segs: &[Seg]) -> String {
    let mut path = String::from(root);
    for s in segs {
        push_segment(&mut path, s);
    }
    path
}

/// Array index key as a number, per the spec's definition (canonical, < 2^32 - 1).
pub fn array_index(key: &str) -> Option<u64> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    (n < u32::MAX as u64).then_some(n)
}

// ---- size estimate (V8 ValueSerializer layout) ----

/// Length of a base-128 varint.
pub fn varint_len(mut n: u64) -> u64 {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// Serializer header (version tag + version).
pub const COST_HEADER: u64 = 2;
/// undefined / null / true / false / the hole.
pub const COST_ODDBALL: u64 = 1;
/// A number (tag + double; small integers are shorter, this is the upper bound).
pub const COST_NUMBER: u64 = 9;
/// A back reference to an object seen before (tag + id varint).
pub const COST_BACKREF: u64 = 3;
/// Date (tag + double), boxed primitive / RegExp overhead.
pub const COST_DATE: u64 = 9;
pub const COST_OBJECT_OVERHEAD: u64 = 4;
pub const COST_ERROR: u64 = 8;

/// Strings up to this many UTF-16 units are counted one byte per unit (their length is O(1) to
/// read; exact for Latin-1 text, which V8 serializes one byte per char); longer strings are
/// counted by their UTF-8 length (an O(n) read, worth it where size matters).
pub const SHORT_STRING_UNITS: usize = 32;

/// Payload bytes of a string's characters.
pub fn string_bytes(utf16_units: u64, utf8_len: Option<u64>) -> u64 {
    utf8_len.unwrap_or(utf16_units)
}

pub fn cost_string(bytes: u64) -> u64 {
    1 + varint_len(bytes) + bytes
}

pub fn cost_bigint(words: u64) -> u64 {
    1 + varint_len(words * 16) + words * 8
}

pub fn cost_buffer(byte_len: u64) -> u64 {
    1 + varint_len(byte_len) + byte_len + 4
}

/// The accumulated estimate with its limit (0 = none).
#[derive(Debug, Clone, Copy)]
pub struct SizeBudget {
    pub bytes: u64,
    pub limit: u64,
}

impl SizeBudget {
    pub fn new(limit: u64) -> Self {
        SizeBudget {
            bytes: COST_HEADER,
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

/// Text of a failed check: "<path>: <what> (<why>)".
pub fn failure_message(path: &str, kind: Kind, detail: Option<&str>) -> String {
    match detail {
        Some(d) if !d.is_empty() => format!("{path}: {d}"),
        _ => format!("{path}: {}", kind.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_contract_names() {
        let names: Vec<&str> = [
            Kind::Function,
            Kind::Symbol,
            Kind::Promise,
            Kind::WeakMap,
            Kind::WeakSet,
            Kind::WeakRef,
            Kind::Proxy,
            Kind::ClassInstance,
            Kind::SharedArrayBuffer,
            Kind::Depth,
            Kind::Size,
            Kind::Unsupported,
        ]
        .iter()
        .map(|k| k.as_str())
        .collect();
        assert_eq!(
            names,
            [
                "function",
                "symbol",
                "promise",
                "weakmap",
                "weakset",
                "weakref",
                "proxy",
                "class-instance",
                "shared-array-buffer",
                "depth",
                "size",
                "unsupported"
            ]
        );
    }

    #[test]
    fn paths_use_js_accessor_syntax() {
        let p = format_path(
            "settings",
            &[Seg::Key("items".into()), Seg::Index(3), Seg::Key("onClick".into())],
        );
        assert_eq!(p, "settings.items[3].onClick");
        assert_eq!(format_path("settings", &[Seg::Key("a b".into())]), "settings[\"a b\"]");
        assert_eq!(format_path("v", &[Seg::Key("3".into())]), "v[\"3\"]");
        assert_eq!(format_path("v", &[Seg::Key("".into())]), "v[\"\"]");
        assert_eq!(format_path("v", &[Seg::Key("q\"\\\n".into())]), "v[\"q\\\"\\\\\\n\"]");
        assert_eq!(format_path("v", &[Seg::Key("$ok_1".into())]), "v.$ok_1");
        assert_eq!(format_path("v", &[Seg::Key("é".into())]), "v[\"é\"]");
        assert_eq!(
            format_path("settings", &[Seg::Key("m".into()), Seg::MapValueStr("key".into())]),
            "settings.m.get(\"key\")"
        );
        assert_eq!(
            format_path("s", &[Seg::Key("m".into()), Seg::MapValueAt(2)]),
            "s.m.get(<key 2>)"
        );
        assert_eq!(
            format_path("s", &[Seg::Key("m".into()), Seg::MapKey(2)]),
            "s.m.keys()[2]"
        );
        assert_eq!(
            format_path("s", &[Seg::Key("s".into()), Seg::SetValue(2)]),
            "s.s.values()[2]"
        );
        assert_eq!(format_path("value", &[]), "value");
    }

    #[test]
    fn identifiers() {
        for ok in ["a", "_", "$", "abc123", "A_$9"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a b", "a.b", "ü", "\u{0}"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }

    #[test]
    fn array_indices() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("42"), Some(42));
        assert_eq!(array_index("4294967294"), Some(4294967294));
        assert_eq!(array_index("4294967295"), None);
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-1"), None);
        assert_eq!(array_index("1.5"), None);
        assert_eq!(array_index(""), None);
        assert_eq!(array_index("99999999999"), None);
    }

    #[test]
    fn classification_table() {
        use Action::*;
        assert_eq!(classify(Brand::None, Proto::Object, None), WalkObject);
        assert_eq!(classify(Brand::None, Proto::Null, None), WalkObject);
        assert_eq!(classify(Brand::Array, Proto::Array, None), WalkArray);
        assert_eq!(classify(Brand::Array, Proto::Other, None), Reject(Kind::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Array, None), Reject(Kind::ClassInstance));
        assert_eq!(classify(Brand::Date, Proto::Date, None), Leaf);
        assert_eq!(classify(Brand::None, Proto::Date, None), Reject(Kind::ClassInstance));
        assert_eq!(classify(Brand::Date, Proto::Object, None), Reject(Kind::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Map, None), WalkMap);
        assert_eq!(classify(Brand::None, Proto::Set, None), WalkSet);
        assert_eq!(classify(Brand::None, Proto::RegExp, None), Leaf);
        for p in [Proto::Boolean, Proto::Number, Proto::String, Proto::BigInt] {
            assert_eq!(classify(Brand::None, p, None), Leaf);
        }
        assert_eq!(classify(Brand::None, Proto::Symbol, None), Reject(Kind::Symbol));
        assert_eq!(classify(Brand::ArrayBuffer, Proto::ArrayBuffer, None), Buffer);
        assert_eq!(
            classify(Brand::None, Proto::SharedArrayBuffer, None),
            Reject(Kind::SharedArrayBuffer)
        );
        assert_eq!(classify(Brand::TypedArray, Proto::TypedArray(1), Some(1)), Buffer);
        // Buffer: a Uint8Array whose prototype is Buffer.prototype
        assert_eq!(
            classify(Brand::TypedArray, Proto::Other, Some(1)),
            Reject(Kind::ClassInstance)
        );
        assert_eq!(
            classify(Brand::TypedArray, Proto::TypedArray(2), Some(1)),
            Reject(Kind::ClassInstance)
        );
        assert_eq!(classify(Brand::DataView, Proto::DataView, None), Buffer);
        assert_eq!(classify(Brand::Promise, Proto::Promise, None), Reject(Kind::Promise));
        assert_eq!(classify(Brand::Promise, Proto::Other, None), Reject(Kind::Promise));
        assert_eq!(classify(Brand::None, Proto::Promise, None), Reject(Kind::Promise));
        assert_eq!(classify(Brand::None, Proto::WeakMap, None), Reject(Kind::WeakMap));
        assert_eq!(classify(Brand::None, Proto::WeakSet, None), Reject(Kind::WeakSet));
        assert_eq!(classify(Brand::None, Proto::WeakRef, None), Reject(Kind::WeakRef));
        assert_eq!(
            classify(Brand::None, Proto::FinalizationRegistry, None),
            Reject(Kind::WeakRef)
        );
        assert_eq!(classify(Brand::Error, Proto::Error(5), None), WalkError);
        assert_eq!(classify(Brand::Error, Proto::Other, None), Reject(Kind::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Other, None), Reject(Kind::ClassInstance));
        assert_eq!(
            classify(Brand::None, Proto::Error(0), None),
            Reject(Kind::ClassInstance)
        );
    }

    #[test]
    fn size_estimate() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(u64::MAX), 10);
        assert_eq!(cost_string(3), 5);
        assert_eq!(string_bytes(5, None), 5);
        assert_eq!(string_bytes(40, Some(120)), 120);
        assert_eq!(cost_string(200), 203);
        assert_eq!(cost_bigint(1), 10);
        assert_eq!(cost_buffer(10), 16);
        let mut b = SizeBudget::new(0);
        assert!(b.add(u64::MAX));
        assert_eq!(b.bytes, u64::MAX);
        let mut b = SizeBudget::new(10);
        assert!(b.add(8));
        assert!(!b.add(1));
        assert_eq!(b.bytes, 11);
    }

    #[test]
    fn messages() {
        assert_eq!(
            failure_message("v.f", Kind::Function, None),
            "v.f: functions cannot be cloned"
        );
        assert_eq!(
            failure_message("v", Kind::Unsupported, Some("getter threw")),
            "v: getter threw"
        );
    }
}
