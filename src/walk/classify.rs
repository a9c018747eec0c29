//! What the clone does with each kind of value, and how the walk tells kinds apart.
//!
//! Electron sends IPC payloads through the HTML structured clone algorithm (V8's
//! ValueSerializer). It carries: primitives (BigInt, NaN, ±Infinity included), plain objects
//! (prototype `Object.prototype` or null), arrays (sparse ones and extra named keys included),
//! cycles and shared references, Map, Set, Date, RegExp, ArrayBuffer, typed arrays, DataView,
//! the seven standard Error types and boxed primitives. It throws on functions, symbols (boxed
//! ones too), Promises, WeakMaps, WeakSets, WeakRefs, FinalizationRegistries and Proxies;
//! Electron's IPC also refuses SharedArrayBuffers and views on them; a detached ArrayBuffer
//! cannot be cloned. An instance of any other class, including a subclass of a built-in (Node's
//! `Buffer` is one), clones without error but arrives as a plain object or as the built-in:
//! the prototype is dropped. The validator rejects all of these, so nothing changes silently.
//!
//! An object is classified by its brand, from N-API's `napi_is_*` checks (which user code
//! cannot fake), and by its prototype, compared by identity with the realm's built-in ones (the
//! helper's `protoSlot`). [`classify`] is the decision table.

use napi::bindgen_prelude::{FromNapiValue, TypedArray, Unknown};
use napi::{sys, JsValue};
use napi_derive::napi;

/// Why a value does not survive the clone (`kind` of a failed check).
#[napi(string_enum = "lowercase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationKind {
    Function,
    Symbol,
    Promise,
    WeakMap,
    WeakSet,
    /// WeakRefs and FinalizationRegistries.
    WeakRef,
    /// Where the host can tell (Node >= 20.16, Electron >= 32).
    Proxy,
    /// The clone would drop the prototype.
    #[napi(value = "class-instance")]
    ClassInstance,
    #[napi(value = "shared-array-buffer")]
    SharedArrayBuffer,
    /// Nested deeper than maxDepth.
    Depth,
    /// Larger than maxBytes.
    Size,
    /// Anything else the clone cannot carry (a getter that throws, a detached buffer).
    Unsupported,
}

impl ValidationKind {
    /// The explanation used in the message of a failed check.
    pub fn describe(self) -> &'static str {
        match self {
            ValidationKind::Function => "functions cannot be cloned",
            ValidationKind::Symbol => "symbols cannot be cloned",
            ValidationKind::Promise => "Promises cannot be cloned",
            ValidationKind::WeakMap => "WeakMaps cannot be cloned",
            ValidationKind::WeakSet => "WeakSets cannot be cloned",
            ValidationKind::WeakRef => "WeakRefs and FinalizationRegistries cannot be cloned",
            ValidationKind::Proxy => "Proxy objects cannot be cloned",
            ValidationKind::ClassInstance => "the clone drops the prototype: it would arrive as a plain object",
            ValidationKind::SharedArrayBuffer => "SharedArrayBuffers cannot be sent over Electron IPC",
            ValidationKind::Depth => "nesting is deeper than maxDepth",
            ValidationKind::Size => "the estimated payload is larger than maxBytes",
            ValidationKind::Unsupported => "this value cannot be cloned",
        }
    }
}

/// What a JS object is, as far as N-API's brand checks tell. `None` = none of them matched.
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

/// Typed array element types, in N-API's `napi_typedarray_type` order.
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

/// Which well-known prototype an object has.
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
    /// The prototype of `TYPED_ARRAY_NAMES[i]`.
    TypedArray(usize),
    Promise,
    WeakMap,
    WeakSet,
    WeakRef,
    FinalizationRegistry,
    /// One of the seven standard Error constructors (anything else becomes `Error`).
    Error,
    Boolean,
    Number,
    String,
    BigInt,
    Symbol,
    /// Anything else: a user class, a subclass of a built-in, another realm's prototype.
    Other,
}

/// The built-in constructors whose prototypes are told apart, by slot: helper.js receives the
/// names in this order and answers `protoSlot(o)` with an index into this table.
pub const PROTOTYPES: [(&str, Proto); 37] = [
    ("Object", Proto::Object),
    ("Array", Proto::Array),
    ("Map", Proto::Map),
    ("Set", Proto::Set),
    ("Date", Proto::Date),
    ("RegExp", Proto::RegExp),
    ("ArrayBuffer", Proto::ArrayBuffer),
    ("SharedArrayBuffer", Proto::SharedArrayBuffer),
    ("DataView", Proto::DataView),
    ("Promise", Proto::Promise),
    ("WeakMap", Proto::WeakMap),
    ("WeakSet", Proto::WeakSet),
    ("WeakRef", Proto::WeakRef),
    ("FinalizationRegistry", Proto::FinalizationRegistry),
    ("Boolean", Proto::Boolean),
    ("Number", Proto::Number),
    ("String", Proto::String),
    ("BigInt", Proto::BigInt),
    ("Symbol", Proto::Symbol),
    ("Error", Proto::Error),
    ("EvalError", Proto::Error),
    ("RangeError", Proto::Error),
    ("ReferenceError", Proto::Error),
    ("SyntaxError", Proto::Error),
    ("TypeError", Proto::Error),
    ("URIError", Proto::Error),
    (TYPED_ARRAY_NAMES[0], Proto::TypedArray(0)),
    (TYPED_ARRAY_NAMES[1], Proto::TypedArray(1)),
    (TYPED_ARRAY_NAMES[2], Proto::TypedArray(2)),
    (TYPED_ARRAY_NAMES[3], Proto::TypedArray(3)),
    (TYPED_ARRAY_NAMES[4], Proto::TypedArray(4)),
    (TYPED_ARRAY_NAMES[5], Proto::TypedArray(5)),
    (TYPED_ARRAY_NAMES[6], Proto::TypedArray(6)),
    (TYPED_ARRAY_NAMES[7], Proto::TypedArray(7)),
    (TYPED_ARRAY_NAMES[8], Proto::TypedArray(8)),
    (TYPED_ARRAY_NAMES[9], Proto::TypedArray(9)),
    (TYPED_ARRAY_NAMES[10], Proto::TypedArray(10)),
];

/// The prototype `protoSlot` answered with `slot`.
pub fn proto_of_slot(slot: i64, null_slot: i64) -> Proto {
    if slot == null_slot {
        return Proto::Null;
    }
    usize::try_from(slot)
        .ok()
        .and_then(|i| PROTOTYPES.get(i))
        .map_or(Proto::Other, |(_, proto)| *proto)
}

/// What to do with an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Own enumerable string keys.
    WalkObject,
    WalkArray,
    WalkMap,
    WalkSet,
    /// Error: message and stack are strings; `cause` (if own) is walked.
    WalkError,
    /// Cloned as is, nothing inside to check (Date, RegExp, boxed primitives).
    Leaf,
    /// ArrayBuffer, typed array or DataView: the buffer must be neither shared nor detached.
    Buffer,
    Reject(ValidationKind),
}

/// The decision table. `typed_array_type` is the element type N-API reports for a typed array.
pub fn classify(brand: Brand, proto: Proto, typed_array_type: Option<usize>) -> Action {
    use Action::*;
    match (brand, proto) {
        (Brand::Array, Proto::Array) => WalkArray,
        (Brand::Date, Proto::Date) => Leaf,
        (Brand::ArrayBuffer, Proto::ArrayBuffer) => Buffer,
        (Brand::TypedArray, Proto::TypedArray(i)) if Some(i) == typed_array_type => Buffer,
        (Brand::DataView, Proto::DataView) => Buffer,
        (Brand::Promise, _) => Reject(ValidationKind::Promise),
        (Brand::Error, Proto::Error) => WalkError,
        // A built-in object whose prototype is not its own built-in one: a subclass instance
        // (Buffer, class X extends Map, ...) or a changed prototype. The clone keeps the
        // built-in part and drops the prototype.
        (Brand::Array | Brand::Date | Brand::ArrayBuffer | Brand::TypedArray | Brand::DataView | Brand::Error, _) => {
            Reject(ValidationKind::ClassInstance)
        }
        (Brand::None, Proto::Object | Proto::Null) => WalkObject,
        // Map / Set / RegExp / boxed primitives have no N-API brand check: trusted by their
        // prototype (Map and Set are then read with the built-in iterators, which fail on an
        // object that only inherits their prototype).
        (Brand::None, Proto::Map) => WalkMap,
        (Brand::None, Proto::Set) => WalkSet,
        (Brand::None, Proto::RegExp | Proto::Boolean | Proto::Number | Proto::String | Proto::BigInt) => Leaf,
        (Brand::None, Proto::Symbol) => Reject(ValidationKind::Symbol),
        (Brand::None, Proto::SharedArrayBuffer) => Reject(ValidationKind::SharedArrayBuffer),
        (Brand::None, Proto::WeakMap) => Reject(ValidationKind::WeakMap),
        (Brand::None, Proto::WeakSet) => Reject(ValidationKind::WeakSet),
        (Brand::None, Proto::WeakRef | Proto::FinalizationRegistry) => Reject(ValidationKind::WeakRef),
        (Brand::None, Proto::Promise) => Reject(ValidationKind::Promise),
        // An object that only borrowed a built-in prototype (Object.create(Date.prototype)),
        // or a user class.
        (Brand::None, _) => Reject(ValidationKind::ClassInstance),
    }
}

/// One N-API brand check.
type BrandCheck = fn(&Unknown<'_>) -> napi::Result<bool>;

/// The brand of an object, from N-API.
pub fn brand(v: &Unknown<'_>) -> Brand {
    let checks: [(BrandCheck, Brand); 7] = [
        (|v| v.is_array(), Brand::Array),
        (|v| v.is_typedarray(), Brand::TypedArray),
        (|v| v.is_arraybuffer(), Brand::ArrayBuffer),
        (|v| v.is_dataview(), Brand::DataView),
        (|v| v.is_date(), Brand::Date),
        (|v| v.is_promise(), Brand::Promise),
        (|v| v.is_error(), Brand::Error),
    ];
    checks
        .iter()
        .find(|(is, _)| is(v).unwrap_or(false))
        .map_or(Brand::None, |(_, brand)| *brand)
}

/// Element type (index into [`TYPED_ARRAY_NAMES`]) of a typed array.
pub fn typed_array_type(v: Unknown<'_>) -> Option<usize> {
    let array = TypedArray::from_unknown(v).ok()?;
    let raw: sys::napi_typedarray_type = array.typed_array_type.into();
    usize::try_from(raw).ok().filter(|i| *i < TYPED_ARRAY_NAMES.len())
}

/// What the clone makes of an object of `brand` once the prototype is dropped, for messages.
pub fn arrives_as(brand: Brand) -> &'static str {
    match brand {
        Brand::None | Brand::Promise => "object",
        Brand::Array => "array",
        Brand::Date => "Date",
        Brand::Error => "Error",
        Brand::TypedArray => "typed array",
        Brand::ArrayBuffer => "ArrayBuffer",
        Brand::DataView => "DataView",
    }
}

/// The detail of a rejected class instance whose constructor is named `class`.
pub fn class_instance_detail(brand: Brand, class: &str) -> String {
    match (brand, class) {
        (_, "") => ValidationKind::ClassInstance.describe().to_string(),
        (Brand::TypedArray, "Buffer") => {
            "a Node Buffer arrives as a plain Uint8Array (the clone drops its prototype); send a Uint8Array".into()
        }
        (_, class) => format!(
            "instance of {class}: the clone drops the prototype, it would arrive as a plain {}",
            arrives_as(brand)
        ),
    }
}

/// Text of a failed check: "<path>: <why>".
pub fn failure_message(path: &str, kind: ValidationKind, detail: Option<&str>) -> String {
    match detail {
        Some(d) if !d.is_empty() => format!("{path}: {d}"),
        _ => format!("{path}: {}", kind.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prototype_table_has_every_built_in_once() {
        let mut names: Vec<&str> = PROTOTYPES.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PROTOTYPES.len());
        for (i, name) in TYPED_ARRAY_NAMES.iter().enumerate() {
            assert!(PROTOTYPES.contains(&(name, Proto::TypedArray(i))), "{name}");
        }
        assert_eq!(proto_of_slot(0, -1), Proto::Object);
        assert_eq!(proto_of_slot(-1, -1), Proto::Null);
        assert_eq!(proto_of_slot(-2, -1), Proto::Other);
        assert_eq!(proto_of_slot(PROTOTYPES.len() as i64, -1), Proto::Other);
    }

    #[test]
    fn classification_table() {
        use Action::*;
        use ValidationKind as K;
        assert_eq!(classify(Brand::None, Proto::Object, None), WalkObject);
        assert_eq!(classify(Brand::None, Proto::Null, None), WalkObject);
        assert_eq!(classify(Brand::Array, Proto::Array, None), WalkArray);
        assert_eq!(classify(Brand::Array, Proto::Other, None), Reject(K::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Array, None), Reject(K::ClassInstance));
        assert_eq!(classify(Brand::Date, Proto::Date, None), Leaf);
        assert_eq!(classify(Brand::None, Proto::Date, None), Reject(K::ClassInstance));
        assert_eq!(classify(Brand::Date, Proto::Object, None), Reject(K::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Map, None), WalkMap);
        assert_eq!(classify(Brand::None, Proto::Set, None), WalkSet);
        assert_eq!(classify(Brand::None, Proto::RegExp, None), Leaf);
        for p in [Proto::Boolean, Proto::Number, Proto::String, Proto::BigInt] {
            assert_eq!(classify(Brand::None, p, None), Leaf);
        }
        assert_eq!(classify(Brand::None, Proto::Symbol, None), Reject(K::Symbol));
        assert_eq!(classify(Brand::ArrayBuffer, Proto::ArrayBuffer, None), Buffer);
        assert_eq!(
            classify(Brand::None, Proto::SharedArrayBuffer, None),
            Reject(K::SharedArrayBuffer)
        );
        assert_eq!(classify(Brand::TypedArray, Proto::TypedArray(1), Some(1)), Buffer);
        // Buffer: a Uint8Array whose prototype is Buffer.prototype
        assert_eq!(
            classify(Brand::TypedArray, Proto::Other, Some(1)),
            Reject(K::ClassInstance)
        );
        assert_eq!(
            classify(Brand::TypedArray, Proto::TypedArray(2), Some(1)),
            Reject(K::ClassInstance)
        );
        assert_eq!(classify(Brand::DataView, Proto::DataView, None), Buffer);
        assert_eq!(classify(Brand::Promise, Proto::Promise, None), Reject(K::Promise));
        assert_eq!(classify(Brand::Promise, Proto::Other, None), Reject(K::Promise));
        assert_eq!(classify(Brand::None, Proto::Promise, None), Reject(K::Promise));
        assert_eq!(classify(Brand::None, Proto::WeakMap, None), Reject(K::WeakMap));
        assert_eq!(classify(Brand::None, Proto::WeakSet, None), Reject(K::WeakSet));
        assert_eq!(classify(Brand::None, Proto::WeakRef, None), Reject(K::WeakRef));
        assert_eq!(
            classify(Brand::None, Proto::FinalizationRegistry, None),
            Reject(K::WeakRef)
        );
        assert_eq!(classify(Brand::Error, Proto::Error, None), WalkError);
        assert_eq!(classify(Brand::Error, Proto::Other, None), Reject(K::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Other, None), Reject(K::ClassInstance));
        assert_eq!(classify(Brand::None, Proto::Error, None), Reject(K::ClassInstance));
    }

    #[test]
    fn messages() {
        assert_eq!(
            failure_message("v.f", ValidationKind::Function, None),
            "v.f: functions cannot be cloned"
        );
        assert_eq!(
            failure_message("v", ValidationKind::Unsupported, Some("getter threw")),
            "v: getter threw"
        );
        assert_eq!(
            class_instance_detail(Brand::None, "Point"),
            "instance of Point: the clone drops the prototype, it would arrive as a plain object"
        );
        assert!(class_instance_detail(Brand::TypedArray, "Buffer").contains("Node Buffer"));
        assert_eq!(
            class_instance_detail(Brand::Array, ""),
            ValidationKind::ClassInstance.describe()
        );
    }
}
