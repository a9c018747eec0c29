//! The N-API side of the validator: walks a JS value (iteratively — an explicit stack, so no
//! input depth can overflow the native stack) and applies the decisions of `validate.rs`.
//!
//! What N-API cannot do natively comes from a few tiny JS helpers compiled once per env
//! (`napi_run_script`, cached in references, dropped by an env cleanup hook):
//! - object identity: a per-call `Set` of visited objects (cycles and shared references are
//!   legal; each object is walked once);
//! - Proxy detection: `util.types.isProxy` (via `process.getBuiltinModule`, Node >= 20.16 /
//!   Electron >= 32); without it Proxies cannot be told apart and are walked through their traps;
//! - Map / Set contents, read with the built-in iterators (`Map.prototype.entries.call`), so a
//!   user-overridden `entries`/`Symbol.iterator` is not trusted;
//! - the realm's built-in prototypes, compared by identity (`napi_strict_equals`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr;

use napi::sys;

use crate::error::{CoreError, CoreResult};
use crate::js::{self, take_exception, Env, Value};
use crate::validate::{
    array_index, classify, cost_bigint, cost_buffer, cost_string, failure_message, string_bytes, varint_len, Action,
    Brand, Kind, Proto, Seg, SizeBudget, COST_BACKREF, COST_DATE, COST_ERROR, COST_NUMBER, COST_OBJECT_OVERHEAD,
    COST_ODDBALL, ERROR_NAMES, SHORT_STRING_UNITS, TYPED_ARRAY_NAMES,
};

const OK: sys::napi_status = sys::Status::napi_ok;

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: String,
    pub max_depth: u32,
    /// 0 = no limit.
    pub max_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok {
        bytes: u64,
    },
    Fail {
        bytes: u64,
        path: String,
        kind: Kind,
        message: String,
    },
}

// ---- per-env helpers ----

const HELPER_SCRIPT: &str = r#"(function () {
  'use strict';
  let isProxy = null;
  try {
    const p = typeof process === 'object' && process !== null ? process : null;
    const gbm = p && typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule : null;
    const util = gbm ? gbm.call(p, 'node:util') : null;
    if (util && util.types && typeof util.types.isProxy === 'function') isProxy = util.types.isProxy;
  } catch (_) { isProxy = null; }
  const SetCtor = Set, ObjectProto = Object.prototype, getProto = Object.getPrototypeOf;
  const keys = Object.keys, values = Object.values, isArray = Array.isArray, ArrayProto = Array.prototype;
  const setAdd = Set.prototype.add, setHas = Set.prototype.has;
  const mapEntries = Map.prototype.entries, setValues = Set.prototype.values;
  const mapIterNext = Object.getPrototypeOf(new Map().entries()).next;
  const setIterNext = Object.getPrototypeOf(new Set().values()).next;
  const g = globalThis;
  // Size estimate helpers: keep in step with validate.rs (cost_* / string_bytes / varint_len).
  const vl = (n) => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5);
  const byteLength = typeof g.Buffer === 'function' && typeof g.Buffer.byteLength === 'function' ? g.Buffer.byteLength : null;
  const utf8 = (s) => {
    if (byteLength !== null) return byteLength(s, 'utf8');
    let b = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) b += 1;
      else if (c < 0x800) b += 2;
      else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { b += 4; i++; }
      else b += 3;
    }
    return b;
  };
  const strCost = (s) => { const n = s.length, b = n <= SHORT ? n : utf8(s); return 1 + vl(b) + b; };
  const keyCost = (k) => { const n = k.length; return 1 + vl(n) + n; };
  const bigCost = (v) => { let x = v < 0n ? -v : v, w = 0; while (x > 0n) { x >>= 64n; w++; } return 1 + vl(w * 16) + 8 * w; };
  const isIndex = (k) => { const n = +k; return n >>> 0 === n && n !== 4294967295 && '' + n === k; };
  const proto = (name) => (typeof g[name] === 'function' ? g[name].prototype : undefined);
  // Spread, never .flat(): Array.prototype is itself an array.
  const protos = [
    Object.prototype, Array.prototype, Map.prototype, Set.prototype, Date.prototype, RegExp.prototype,
    proto('ArrayBuffer'), proto('SharedArrayBuffer'), proto('DataView'), Promise.prototype,
    proto('WeakMap'), proto('WeakSet'), proto('WeakRef'), proto('FinalizationRegistry'),
    Boolean.prototype, Number.prototype, String.prototype, proto('BigInt'), proto('Symbol'),
    ...ERRORS, ...TYPED,
  ];
  return [
    // enter(o): one crossing per container instead of several N-API calls per value. It
    // returns:
    //   -2 Proxy, -1 seen before (cycle / shared reference), -3 not a plain object or array:
    //   Rust classifies it; -4 - mode: atLimit (o sits at maxDepth) and o has children;
    //   a number >= 0: o is a plain object (prototype Object.prototype or null) or an array
    //   (Array.prototype) whose values are all primitives that clone; the number is the size
    //   estimate of o (keys, values, overhead: same formulas as validate.rs);
    //   else [bytes, meta, obj0, obj1, ...]: the object-valued children in key order, for Rust
    //   to walk, then (if meta says so) the first primitive that does not clone — scanning
    //   stops there, so every listed child comes before it. meta = mode + 4 * badKind +
    //   16 * (badPos + 1); mode 0 = object (positions in Object.keys order), 1 = dense array
    //   (positions = indices), 2 = array with holes or named keys (Object.keys order);
    //   badKind 1 function, 2 symbol, 3 other; badPos -1 = none.
    // Only containers with object children are remembered in `seen`: every object on a cycle
    // has one, and a leaf container met again is just scanned again (linear, never exponential).
    // Object.keys/values take V8's enum-cache fast path, which N-API's key listing lacks;
    // getters run here, as in the clone. If this throws, Rust walks o key by key to report the
    // exact path.
    function newVisitor() {
      const seen = new SetCtor();
      return function enter(o, atLimit) {
        if (isProxy !== null && isProxy(o)) return -2;
        if (setHas.call(seen, o)) return -1;
        const p = getProto(o);
        let vs, mode, bytes;
        if (p === ArrayProto) {
          if (!isArray(o)) return -3;
          const n = o.length, ks = keys(o);
          bytes = 4 + vl(n);
          if (ks.length === n && (n === 0 || ks[n - 1] === '' + (n - 1))) {
            vs = o;
            mode = 1;
          } else {
            vs = new Array(ks.length);
            for (let i = 0; i < ks.length; i++) {
              const k = ks[i];
              vs[i] = o[k];
              if (!isIndex(k)) bytes += keyCost(k);
            }
            mode = 2;
          }
        } else if ((p === ObjectProto || p === null) && !isArray(o)) {
          const ks = keys(o);
          vs = values(o);
          bytes = 4 + vl(ks.length);
          for (let i = 0; i < ks.length; i++) bytes += keyCost(ks[i]);
          mode = 0;
        } else {
          setAdd.call(seen, o);
          return -3;
        }
        const n = vs.length;
        // At maxDepth any child is too deep: -4 - mode, Rust reports the first one.
        if (atLimit && n > 0) return -4 - mode;
        let out = null, badPos = -1, badKind = 0;
        for (let i = 0; i < n; i++) {
          const v = vs[i];
          switch (typeof v) {
            case 'number': bytes += 9; break;
            case 'string': bytes += strCost(v); break;
            case 'boolean': case 'undefined': bytes += 1; break;
            case 'bigint': bytes += bigCost(v); break;
            case 'object':
              if (v === null) { bytes += 1; break; }
              if (out === null) out = [0, 0];
              out.push(v);
              break;
            default: // function, symbol, anything else
              badPos = i;
              badKind = typeof v === 'function' ? 1 : typeof v === 'symbol' ? 2 : 3;
              i = n;
          }
        }
        if (out === null && badPos < 0) return bytes;
        if (out === null) out = [0, 0];
        else setAdd.call(seen, o);
        out[0] = bytes;
        out[1] = mode + 4 * badKind + 16 * (badPos + 1);
        return out;
      };
    },
    function mapFlat(m) {
      const it = mapEntries.call(m), out = [];
      for (let r = mapIterNext.call(it); !r.done; r = mapIterNext.call(it)) out.push(r.value[0], r.value[1]);
      return out;
    },
    function setFlat(s) {
      const it = setValues.call(s), out = [];
      for (let r = setIterNext.call(it); !r.done; r = setIterNext.call(it)) out.push(r.value);
      return out;
    },
    protos,
    isProxy !== null,
  ];
})()"#;

/// Slots of the prototype table built by the helper script.
mod slot {
    pub const OBJECT: u32 = 0;
    pub const ARRAY: u32 = 1;
    pub const MAP: u32 = 2;
    pub const SET: u32 = 3;
    pub const DATE: u32 = 4;
    pub const REGEXP: u32 = 5;
    pub const ARRAY_BUFFER: u32 = 6;
    pub const SHARED_ARRAY_BUFFER: u32 = 7;
    pub const DATA_VIEW: u32 = 8;
    pub const PROMISE: u32 = 9;
    pub const WEAK_MAP: u32 = 10;
    pub const WEAK_SET: u32 = 11;
    pub const WEAK_REF: u32 = 12;
    pub const FINALIZATION_REGISTRY: u32 = 13;
    pub const BOOLEAN: u32 = 14;
    pub const NUMBER: u32 = 15;
    pub const STRING: u32 = 16;
    pub const BIGINT: u32 = 17;
    pub const SYMBOL: u32 = 18;
    pub const ERRORS: u32 = 19;
    pub const TYPED: u32 = ERRORS + super::ERROR_NAMES.len() as u32;
    pub const COUNT: usize = TYPED as usize + super::TYPED_ARRAY_NAMES.len();
}

struct Helpers {
    new_visitor: sys::napi_ref,
    map_flat: sys::napi_ref,
    set_flat: sys::napi_ref,
    protos: sys::napi_ref,
    proxy_detection: bool,
}

thread_local! {
    static HELPERS: RefCell<HashMap<usize, Helpers>> = RefCell::new(HashMap::new());
}

unsafe extern "C" fn drop_helpers(arg: *mut c_void) {
    let key = arg as usize;
    let _ = HELPERS.try_with(|h| {
        if let Ok(mut map) = h.try_borrow_mut() {
            map.remove(&key);
        }
    });
    // The references die with the env; nothing else to free.
}

fn script_source() -> String {
    let short = SHORT_STRING_UNITS.to_string();
    let errors = ERROR_NAMES
        .iter()
        .map(|n| format!("proto('{n}')"))
        .collect::<Vec<_>>()
        .join(", ");
    let typed = TYPED_ARRAY_NAMES
        .iter()
        .map(|n| format!("proto('{n}')"))
        .collect::<Vec<_>>()
        .join(", ");
    HELPER_SCRIPT
        .replace("ERRORS", &format!("[{errors}]"))
        .replace("TYPED", &format!("[{typed}]"))
        .replace("SHORT", &short)
}

fn make_ref(env: Env, v: Value) -> CoreResult<sys::napi_ref> {
    let mut r = ptr::null_mut();
    js::check(
        env,
        unsafe { sys::napi_create_reference(env, v, 1, &mut r) },
        "validator helpers",
    )?;
    Ok(r)
}

fn element(env: Env, arr: Value, i: u32) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    js::check(
        env,
        unsafe { sys::napi_get_element(env, arr, i, &mut v) },
        "validator helpers",
    )?;
    Ok(v)
}

fn deref(env: Env, r: sys::napi_ref) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    js::check(
        env,
        unsafe { sys::napi_get_reference_value(env, r, &mut v) },
        "validator helpers",
    )?;
    if v.is_null() {
        return Err(CoreError::internal("validator helper was collected"));
    }
    Ok(v)
}

struct Live {
    new_visitor: Value,
    map_flat: Value,
    set_flat: Value,
    protos: Value,
    proxy_detection: bool,
}

fn helpers(env: Env) -> CoreResult<Live> {
    let key = env as usize;
    let cached = HELPERS.with(|h| {
        h.borrow()
            .get(&key)
            .map(|x| (x.new_visitor, x.map_flat, x.set_flat, x.protos, x.proxy_detection))
    });
    if let Some((a, b, c, d, p)) = cached {
        return Ok(Live {
            new_visitor: deref(env, a)?,
            map_flat: deref(env, b)?,
            set_flat: deref(env, c)?,
            protos: deref(env, d)?,
            proxy_detection: p,
        });
    }
    let src = js::string(env, &script_source())?;
    let mut result = ptr::null_mut();
    let st = unsafe { sys::napi_run_script(env, src, &mut result) };
    if st != OK {
        let text = take_exception(env)
            .map(|e| js::exception_text(env, e))
            .unwrap_or_default();
        return Err(CoreError::internal(format!(
            "cannot set up the validator helpers: {text}"
        )));
    }
    let live = Live {
        new_visitor: element(env, result, 0)?,
        map_flat: element(env, result, 1)?,
        set_flat: element(env, result, 2)?,
        protos: element(env, result, 3)?,
        proxy_detection: {
            let v = element(env, result, 4)?;
            let mut b = false;
            unsafe { sys::napi_get_value_bool(env, v, &mut b) };
            b
        },
    };
    let h = Helpers {
        new_visitor: make_ref(env, live.new_visitor)?,
        map_flat: make_ref(env, live.map_flat)?,
        set_flat: make_ref(env, live.set_flat)?,
        protos: make_ref(env, live.protos)?,
        proxy_detection: live.proxy_detection,
    };
    HELPERS.with(|m| m.borrow_mut().insert(key, h));
    unsafe { sys::napi_add_env_cleanup_hook(env, Some(drop_helpers), key as *mut c_void) };
    Ok(live)
}

/// Whether this env can detect Proxies (exposed for tests/diagnostics).
pub fn proxy_detection(env: Env) -> CoreResult<bool> {
    Ok(helpers(env)?.proxy_detection)
}

// ---- the walk ----

#[derive(Clone, Copy)]
enum FrameKind {
    /// Plain object / array scanned by the `enter` helper: `arr` = [bytes, meta, obj0, ...];
    /// `children` object children, then the bad primitive if any (`bad_pos` >= 0).
    Scan {
        arr: Value,
        mode: u8,
        children: u32,
        bad_pos: i64,
        bad_kind: u8,
    },
    /// Plain object, slow path: own keys from N-API, each read with `napi_get_property`.
    Object {
        keys: Value,
    },
    ArrayDense,
    ArrayKeys {
        keys: Value,
    },
    /// Flat [k0, v0, k1, v1, ...].
    Map {
        flat: Value,
    },
    Set {
        flat: Value,
    },
    /// One child: `cause`.
    ErrorCause,
}

#[derive(Clone, Copy)]
struct Frame {
    container: Value,
    kind: FrameKind,
    /// Index of the next child.
    next: u32,
    len: u32,
    /// Position (key order / index) of the child being processed, for the path.
    cur: u32,
}

struct Failure {
    kind: Kind,
    detail: Option<String>,
}

impl Failure {
    fn of(kind: Kind) -> Self {
        Failure { kind, detail: None }
    }
    fn with(kind: Kind, detail: impl Into<String>) -> Self {
        Failure {
            kind,
            detail: Some(detail.into()),
        }
    }
}

struct Walker {
    env: Env,
    visit: Value,
    map_flat: Value,
    set_flat: Value,
    protos: Value,
    proto_cache: [Value; slot::COUNT],
    undefined: Value,
    true_: Value,
    false_: Value,
    budget: SizeBudget,
    max_depth: u32,
}

/// A failed N-API call during the walk: a JS exception (user code: getter, trap, iterator)
/// becomes an `unsupported` failure at the current path; anything else an INTERNAL error.
enum Stop {
    Fail(Failure),
    /// A scanned container at the depth limit has children: the frame to report them from
    /// (its first child, `cur` = 0, is the first value that is too deep).
    Depth(Frame),
    Internal(CoreError),
}

type Step<T> = Result<T, Stop>;

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Fail(f)
    }
}

impl Walker {
    #[inline]
    fn st(&self, st: sys::napi_status, what: &str) -> Step<()> {
        if st == OK {
            return Ok(());
        }
        if let Some(exc) = take_exception(self.env) {
            let text = js::exception_text(self.env, exc);
            return Err(Stop::Fail(Failure::with(
                Kind::Unsupported,
                format!("{what} threw: {text}"),
            )));
        }
        Err(Stop::Internal(CoreError::internal(format!(
            "N-API call failed during validation: {what} (status {st})"
        ))))
    }

    #[inline]
    fn add(&mut self, n: u64) -> Step<()> {
        if self.budget.add(n) {
            Ok(())
        } else {
            Err(Stop::Fail(Failure::of(Kind::Size)))
        }
    }

    fn proto_slot(&mut self, i: u32) -> Step<Value> {
        let cached = self.proto_cache[i as usize];
        if !cached.is_null() {
            return Ok(cached);
        }
        let mut v = ptr::null_mut();
        self.st(
            unsafe { sys::napi_get_element(self.env, self.protos, i, &mut v) },
            "reading a built-in prototype",
        )?;
        self.proto_cache[i as usize] = v;
        Ok(v)
    }

    fn is_slot(&mut self, proto: Value, i: u32) -> Step<bool> {
        let p = self.proto_slot(i)?;
        let mut eq = false;
        self.st(
            unsafe { sys::napi_strict_equals(self.env, proto, p, &mut eq) },
            "comparing prototypes",
        )?;
        Ok(eq)
    }

    fn brand(&self, v: Value) -> Brand {
        let env = self.env;
        macro_rules! is {
            ($f:ident, $brand:expr) => {
                let mut b = false;
                if unsafe { sys::$f(env, v, &mut b) } == OK && b {
                    return $brand;
                }
            };
        }
        is!(napi_is_array, Brand::Array);
        is!(napi_is_typedarray, Brand::TypedArray);
        is!(napi_is_arraybuffer, Brand::ArrayBuffer);
        is!(napi_is_dataview, Brand::DataView);
        is!(napi_is_date, Brand::Date);
        is!(napi_is_promise, Brand::Promise);
        is!(napi_is_error, Brand::Error);
        Brand::None
    }

    fn classify_proto(&mut self, brand: Brand, proto: Value, typed: Option<usize>) -> Step<Proto> {
        // Null first (cheap typeof), then the slot the brand expects, then the rest.
        let mut t = 0;
        self.st(unsafe { sys::napi_typeof(self.env, proto, &mut t) }, "typeof prototype")?;
        if t == sys::ValueType::napi_null {
            return Ok(Proto::Null);
        }
        let expected: &[(u32, Proto)] = match brand {
            Brand::Array => &[(slot::ARRAY, Proto::Array)],
            Brand::Date => &[(slot::DATE, Proto::Date)],
            Brand::ArrayBuffer => &[(slot::ARRAY_BUFFER, Proto::ArrayBuffer)],
            Brand::DataView => &[(slot::DATA_VIEW, Proto::DataView)],
            Brand::Promise => &[(slot::PROMISE, Proto::Promise)],
            Brand::TypedArray => {
                if let Some(i) = typed.filter(|i| *i < TYPED_ARRAY_NAMES.len()) {
                    return Ok(if self.is_slot(proto, slot::TYPED + i as u32)? {
                        Proto::TypedArray(i)
                    } else {
                        Proto::Other
                    });
                }
                return Ok(Proto::Other);
            }
            Brand::Error => {
                for i in 0..ERROR_NAMES.len() {
                    if self.is_slot(proto, slot::ERRORS + i as u32)? {
                        return Ok(Proto::Error(i));
                    }
                }
                return Ok(Proto::Other);
            }
            Brand::None => &[
                (slot::OBJECT, Proto::Object),
                (slot::MAP, Proto::Map),
                (slot::SET, Proto::Set),
                (slot::REGEXP, Proto::RegExp),
                (slot::ARRAY, Proto::Array),
                (slot::DATE, Proto::Date),
                (slot::SHARED_ARRAY_BUFFER, Proto::SharedArrayBuffer),
                (slot::PROMISE, Proto::Promise),
                (slot::WEAK_MAP, Proto::WeakMap),
                (slot::WEAK_SET, Proto::WeakSet),
                (slot::WEAK_REF, Proto::WeakRef),
                (slot::FINALIZATION_REGISTRY, Proto::FinalizationRegistry),
                (slot::BOOLEAN, Proto::Boolean),
                (slot::NUMBER, Proto::Number),
                (slot::STRING, Proto::String),
                (slot::BIGINT, Proto::BigInt),
                (slot::SYMBOL, Proto::Symbol),
                (slot::ARRAY_BUFFER, Proto::ArrayBuffer),
                (slot::DATA_VIEW, Proto::DataView),
            ],
        };
        for (s, p) in expected {
            if self.is_slot(proto, *s)? {
                return Ok(*p);
            }
        }
        if brand == Brand::None {
            for i in 0..ERROR_NAMES.len() {
                if self.is_slot(proto, slot::ERRORS + i as u32)? {
                    return Ok(Proto::Error(i));
                }
            }
            for i in 0..TYPED_ARRAY_NAMES.len() {
                if self.is_slot(proto, slot::TYPED + i as u32)? {
                    return Ok(Proto::TypedArray(i));
                }
            }
        }
        Ok(Proto::Other)
    }

    /// Name of an object's constructor for messages (best effort, exceptions swallowed).
    fn constructor_name(&self, proto: Value) -> Option<String> {
        let env = self.env;
        let mut ctor = ptr::null_mut();
        if unsafe { sys::napi_get_named_property(env, proto, c"constructor".as_ptr(), &mut ctor) } != OK {
            take_exception(env);
            return None;
        }
        if js::type_of(env, ctor).ok()? != sys::ValueType::napi_function {
            return None;
        }
        let mut name = ptr::null_mut();
        if unsafe { sys::napi_get_named_property(env, ctor, c"name".as_ptr(), &mut name) } != OK {
            take_exception(env);
            return None;
        }
        if js::type_of(env, name).ok()? != sys::ValueType::napi_string {
            return None;
        }
        js::read_string_lossy(env, name, 100).filter(|s| !s.is_empty())
    }

    fn check_buffer(&mut self, buffer: Value, byte_len: usize) -> Step<()> {
        let env = self.env;
        let mut is_ab = false;
        self.st(
            unsafe { sys::napi_is_arraybuffer(env, buffer, &mut is_ab) },
            "inspecting a buffer",
        )?;
        if !is_ab {
            return Err(Failure::with(
                Kind::SharedArrayBuffer,
                "the view is backed by a SharedArrayBuffer, which cannot be sent over Electron IPC",
            )
            .into());
        }
        let mut detached = false;
        self.st(
            unsafe { sys::napi_is_detached_arraybuffer(env, buffer, &mut detached) },
            "inspecting a buffer",
        )?;
        if detached {
            return Err(Failure::with(Kind::Unsupported, "a detached ArrayBuffer cannot be cloned").into());
        }
        self.add(cost_buffer(byte_len as u64))
    }

    fn string_cost(&mut self, v: Value) -> Step<u64> {
        let mut units = 0usize;
        self.st(
            unsafe { sys::napi_get_value_string_utf16(self.env, v, ptr::null_mut(), 0, &mut units) },
            "reading a string",
        )?;
        let utf8 = if units > SHORT_STRING_UNITS {
            let mut len = 0usize;
            self.st(
                unsafe { sys::napi_get_value_string_utf8(self.env, v, ptr::null_mut(), 0, &mut len) },
                "reading a string",
            )?;
            Some(len as u64)
        } else {
            None
        };
        Ok(cost_string(string_bytes(units as u64, utf8)))
    }

    fn keys(&mut self, v: Value, numbers_to_strings: bool) -> Step<(Value, u32)> {
        let env = self.env;
        let mut keys = ptr::null_mut();
        self.st(
            unsafe {
                sys::napi_get_all_property_names(
                    env,
                    v,
                    sys::KeyCollectionMode::own_only,
                    sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                    if numbers_to_strings {
                        sys::KeyConversion::numbers_to_strings
                    } else {
                        sys::KeyConversion::keep_numbers
                    },
                    &mut keys,
                )
            },
            "listing the own keys",
        )?;
        let mut len = 0u32;
        self.st(
            unsafe { sys::napi_get_array_length(env, keys, &mut len) },
            "listing the own keys",
        )?;
        Ok((keys, len))
    }

    fn call1(&mut self, f: Value, arg: Value, what: &str) -> Step<Value> {
        self.call(f, &mut [arg], what)
    }

    fn call(&mut self, f: Value, argv: &mut [Value], what: &str) -> Step<Value> {
        let mut out = ptr::null_mut();
        self.st(
            unsafe { sys::napi_call_function(self.env, self.undefined, f, argv.len(), argv.as_mut_ptr(), &mut out) },
            what,
        )?;
        Ok(out)
    }

    fn num_at(&self, arr: Value, i: u32) -> Step<f64> {
        let mut v = ptr::null_mut();
        self.st(
            unsafe { sys::napi_get_element(self.env, arr, i, &mut v) },
            "reading the scan",
        )?;
        let mut n = 0f64;
        self.st(
            unsafe { sys::napi_get_value_double(self.env, v, &mut n) },
            "reading the scan",
        )?;
        Ok(n)
    }

    /// Frame for an `enter` scan result [bytes, meta, obj0, obj1, ...].
    fn scan_frame(&mut self, v: Value, arr: Value) -> Step<Frame> {
        let mut n = 0u32;
        self.st(
            unsafe { sys::napi_get_array_length(self.env, arr, &mut n) },
            "reading the scan",
        )?;
        let bytes = self.num_at(arr, 0)?;
        let meta = self.num_at(arr, 1)? as i64;
        let mode = (meta & 3) as u8;
        let bad_kind = ((meta >> 2) & 3) as u8;
        let bad_pos = (meta >> 4) - 1;
        self.add(bytes as u64)?;
        let children = n.saturating_sub(2);
        let len = children + u32::from(bad_pos >= 0);
        Ok(Frame {
            container: v,
            kind: FrameKind::Scan {
                arr,
                mode,
                children,
                bad_pos,
                bad_kind,
            },
            next: 0,
            len,
            cur: 0,
        })
    }

    /// Checks one value at `depth`; returns a frame when it has children to walk.
    fn process(&mut self, v: Value, depth: u32) -> Step<Option<Frame>> {
        if depth > self.max_depth {
            return Err(depth_failure(self.max_depth).into());
        }
        let env = self.env;
        let mut t = 0;
        self.st(unsafe { sys::napi_typeof(env, v, &mut t) }, "typeof")?;
        match t {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null | sys::ValueType::napi_boolean => {
                self.add(COST_ODDBALL)?;
                return Ok(None);
            }
            sys::ValueType::napi_number => {
                self.add(COST_NUMBER)?;
                return Ok(None);
            }
            sys::ValueType::napi_string => {
                let c = self.string_cost(v)?;
                self.add(c)?;
                return Ok(None);
            }
            sys::ValueType::napi_bigint => {
                // sign and words both null: Node only reports the word count.
                let mut words = 0usize;
                self.st(
                    unsafe { sys::napi_get_value_bigint_words(env, v, ptr::null_mut(), &mut words, ptr::null_mut()) },
                    "reading a BigInt",
                )?;
                self.add(cost_bigint(words as u64))?;
                return Ok(None);
            }
            sys::ValueType::napi_symbol => return Err(Failure::of(Kind::Symbol).into()),
            sys::ValueType::napi_function => return Err(Failure::of(Kind::Function).into()),
            sys::ValueType::napi_object => {}
            _ => return Err(Failure::with(Kind::Unsupported, "native external values cannot be cloned").into()),
        }

        // Identity (cycles / shared refs) and Proxy check before anything that could run a trap.
        let at_limit = if depth >= self.max_depth {
            self.true_
        } else {
            self.false_
        };
        match self.call(self.visit, &mut [v, at_limit], "listing the own keys") {
            Ok(r) => {
                let mut code = 0f64;
                if unsafe { sys::napi_get_value_double(env, r, &mut code) } == OK {
                    if (-6.0..=-4.0).contains(&code) {
                        let mode = (-4.0 - code) as u8;
                        let kind = FrameKind::Scan {
                            arr: ptr::null_mut(),
                            mode,
                            children: 0,
                            bad_pos: -1,
                            bad_kind: 0,
                        };
                        return Err(Stop::Depth(Frame {
                            container: v,
                            kind,
                            next: 1,
                            len: 1,
                            cur: 0,
                        }));
                    }
                    if code >= 0.0 {
                        // Scanned: all values primitive and fine; `code` is its size.
                        self.add(code as u64)?;
                        return Ok(None);
                    }
                    if code == -1.0 {
                        self.add(COST_BACKREF)?;
                        return Ok(None);
                    }
                    if code == -2.0 {
                        return Err(Failure::of(Kind::Proxy).into());
                    }
                    // -3: classify below.
                } else {
                    return self.scan_frame(v, r).map(Some);
                }
            }
            // A getter or trap threw: classify and walk it key by key below (exact path).
            Err(Stop::Fail(_)) => {}
            Err(e) => return Err(e),
        }

        let brand = self.brand(v);
        let mut typed: Option<(usize, usize, Value)> = None; // (type, byte length, buffer)
        if brand == Brand::TypedArray {
            let mut ty = 0;
            let mut len = 0usize;
            let mut data = ptr::null_mut();
            let mut buf = ptr::null_mut();
            let mut off = 0usize;
            self.st(
                unsafe { sys::napi_get_typedarray_info(env, v, &mut ty, &mut len, &mut data, &mut buf, &mut off) },
                "inspecting a typed array",
            )?;
            let elem = match ty {
                0..=2 => 1,
                3 | 4 => 2,
                5..=7 => 4,
                _ => 8,
            };
            typed = Some((ty as usize, len * elem, buf));
        }
        let mut proto = ptr::null_mut();
        self.st(
            unsafe { sys::napi_get_prototype(env, v, &mut proto) },
            "reading the prototype",
        )?;
        let proto_kind = self.classify_proto(brand, proto, typed.map(|t| t.0))?;
        match classify(brand, proto_kind, typed.map(|t| t.0)) {
            Action::WalkObject => {
                let (keys, len) = self.keys(v, true)?;
                self.add(COST_OBJECT_OVERHEAD + varint_len(len as u64))?;
                Ok((len > 0).then_some(Frame {
                    container: v,
                    kind: FrameKind::Object { keys },
                    next: 0,
                    len,
                    cur: 0,
                }))
            }
            Action::WalkArray => {
                let mut arr_len = 0u32;
                self.st(
                    unsafe { sys::napi_get_array_length(env, v, &mut arr_len) },
                    "reading the array length",
                )?;
                let (keys, len) = self.keys(v, false)?;
                self.add(COST_OBJECT_OVERHEAD + varint_len(arr_len as u64))?;
                if len == 0 {
                    // Holes only: each costs nothing beyond the length.
                    return Ok(None);
                }
                // Dense and without extra keys iff there are `length` keys and the last one is a
                // number (string keys come after all indices).
                let mut dense = false;
                if len == arr_len {
                    let mut last = ptr::null_mut();
                    self.st(
                        unsafe { sys::napi_get_element(env, keys, len - 1, &mut last) },
                        "listing the own keys",
                    )?;
                    let mut lt = 0;
                    self.st(unsafe { sys::napi_typeof(env, last, &mut lt) }, "listing the own keys")?;
                    dense = lt == sys::ValueType::napi_number;
                }
                let kind = if dense {
                    FrameKind::ArrayDense
                } else {
                    FrameKind::ArrayKeys { keys }
                };
                Ok(Some(Frame {
                    container: v,
                    kind,
                    next: 0,
                    len,
                    cur: 0,
                }))
            }
            Action::WalkMap => {
                let flat = match self.call1(self.map_flat, v, "iterating the Map") {
                    Ok(f) => f,
                    Err(Stop::Fail(_)) => {
                        return Err(Failure::with(
                            Kind::ClassInstance,
                            "inherits from Map.prototype but is not a Map: the clone would make it a plain object",
                        )
                        .into())
                    }
                    Err(e) => return Err(e),
                };
                let mut len = 0u32;
                self.st(
                    unsafe { sys::napi_get_array_length(env, flat, &mut len) },
                    "iterating the Map",
                )?;
                self.add(COST_OBJECT_OVERHEAD + varint_len(len as u64))?;
                Ok((len > 0).then_some(Frame {
                    container: v,
                    kind: FrameKind::Map { flat },
                    next: 0,
                    len,
                    cur: 0,
                }))
            }
            Action::WalkSet => {
                let flat = match self.call1(self.set_flat, v, "iterating the Set") {
                    Ok(f) => f,
                    Err(Stop::Fail(_)) => {
                        return Err(Failure::with(
                            Kind::ClassInstance,
                            "inherits from Set.prototype but is not a Set: the clone would make it a plain object",
                        )
                        .into())
                    }
                    Err(e) => return Err(e),
                };
                let mut len = 0u32;
                self.st(
                    unsafe { sys::napi_get_array_length(env, flat, &mut len) },
                    "iterating the Set",
                )?;
                self.add(COST_OBJECT_OVERHEAD + varint_len(len as u64))?;
                Ok((len > 0).then_some(Frame {
                    container: v,
                    kind: FrameKind::Set { flat },
                    next: 0,
                    len,
                    cur: 0,
                }))
            }
            Action::WalkError => {
                self.add(COST_ERROR)?;
                for name in [c"message", c"stack"] {
                    let mut has = false;
                    let key = js::string(env, name.to_str().unwrap_or("message")).map_err(Stop::Internal)?;
                    self.st(
                        unsafe { sys::napi_has_own_property(env, v, key, &mut has) },
                        "inspecting an Error",
                    )?;
                    if has {
                        let mut s = ptr::null_mut();
                        self.st(
                            unsafe { sys::napi_get_property(env, v, key, &mut s) },
                            "reading an Error",
                        )?;
                        let mut st = 0;
                        self.st(unsafe { sys::napi_typeof(env, s, &mut st) }, "reading an Error")?;
                        if st == sys::ValueType::napi_string {
                            let c = self.string_cost(s)?;
                            self.add(c)?;
                        }
                    }
                }
                let key = js::string(env, "cause").map_err(Stop::Internal)?;
                let mut has = false;
                self.st(
                    unsafe { sys::napi_has_own_property(env, v, key, &mut has) },
                    "inspecting an Error",
                )?;
                Ok(has.then_some(Frame {
                    container: v,
                    kind: FrameKind::ErrorCause,
                    next: 0,
                    len: 1,
                    cur: 0,
                }))
            }
            Action::Leaf => {
                self.add(COST_DATE)?;
                Ok(None)
            }
            Action::Buffer => {
                match brand {
                    Brand::ArrayBuffer => {
                        let mut data = ptr::null_mut();
                        let mut len = 0usize;
                        let mut detached = false;
                        self.st(
                            unsafe { sys::napi_is_detached_arraybuffer(env, v, &mut detached) },
                            "inspecting an ArrayBuffer",
                        )?;
                        if detached {
                            return Err(
                                Failure::with(Kind::Unsupported, "a detached ArrayBuffer cannot be cloned").into(),
                            );
                        }
                        self.st(
                            unsafe { sys::napi_get_arraybuffer_info(env, v, &mut data, &mut len) },
                            "inspecting an ArrayBuffer",
                        )?;
                        self.add(cost_buffer(len as u64))?;
                    }
                    Brand::TypedArray => {
                        let (_, bytes, buf) = typed.expect("typed array info read above");
                        self.check_buffer(buf, bytes)?;
                    }
                    _ => {
                        let mut len = 0usize;
                        let mut data = ptr::null_mut();
                        let mut buf = ptr::null_mut();
                        let mut off = 0usize;
                        self.st(
                            unsafe { sys::napi_get_dataview_info(env, v, &mut len, &mut data, &mut buf, &mut off) },
                            "inspecting a DataView",
                        )?;
                        self.check_buffer(buf, len)?;
                    }
                }
                Ok(None)
            }
            Action::Reject(kind) => {
                let detail = match kind {
                    Kind::ClassInstance => {
                        let name = self.constructor_name(proto);
                        Some(match (brand, name.as_deref()) {
                            (Brand::TypedArray, Some("Buffer")) => {
                                "a Node Buffer arrives as a plain Uint8Array (the clone drops its prototype); send a Uint8Array"
                                    .to_string()
                            }
                            (_, Some(n)) => format!(
                                "instance of {n}: the clone drops the prototype, it would arrive as a plain {}",
                                match brand {
                                    Brand::None => "object",
                                    Brand::Array => "array",
                                    Brand::Date => "Date",
                                    Brand::Error => "Error",
                                    Brand::TypedArray => "typed array",
                                    Brand::ArrayBuffer => "ArrayBuffer",
                                    Brand::DataView => "DataView",
                                    Brand::Promise => "object",
                                }
                            ),
                            (_, None) => kind.describe().to_string(),
                        })
                    }
                    _ => None,
                };
                Err(Failure { kind, detail }.into())
            }
        }
    }

    /// The next child of the top frame (advancing it), with its key cost added.
    fn next_child(&mut self, frame: &mut Frame) -> Step<Value> {
        let env = self.env;
        let i = frame.next;
        frame.next += 1;
        frame.cur = i;
        let mut out = ptr::null_mut();
        match frame.kind {
            FrameKind::Scan {
                arr,
                children,
                bad_pos,
                bad_kind,
                ..
            } => {
                if i >= children {
                    // After the object children (which all come before it): the bad primitive.
                    frame.cur = bad_pos as u32;
                    return Err(Failure::of(match bad_kind {
                        1 => Kind::Function,
                        2 => Kind::Symbol,
                        _ => Kind::Unsupported,
                    })
                    .into());
                }
                self.st(
                    unsafe { sys::napi_get_element(env, arr, 2 + i, &mut out) },
                    "reading the scan",
                )?;
                // `cur` (the child's position) is only needed for a path: see `segment`.
                frame.cur = u32::MAX;
            }
            FrameKind::Object { keys } => {
                let mut key = ptr::null_mut();
                self.st(
                    unsafe { sys::napi_get_element(env, keys, i, &mut key) },
                    "listing the own keys",
                )?;
                let c = self.string_cost(key)?;
                self.add(c)?;
                self.st(
                    unsafe { sys::napi_get_property(env, frame.container, key, &mut out) },
                    "reading the property",
                )?;
            }
            FrameKind::ArrayDense => {
                self.st(
                    unsafe { sys::napi_get_element(env, frame.container, i, &mut out) },
                    "reading the element",
                )?;
            }

            FrameKind::ArrayKeys { keys } => {
                let mut key = ptr::null_mut();
                self.st(
                    unsafe { sys::napi_get_element(env, keys, i, &mut key) },
                    "listing the own keys",
                )?;
                let mut kt = 0;
                self.st(unsafe { sys::napi_typeof(env, key, &mut kt) }, "listing the own keys")?;
                let c = if kt == sys::ValueType::napi_string {
                    self.string_cost(key)?
                } else {
                    5
                };
                self.add(c)?;
                self.st(
                    unsafe { sys::napi_get_property(env, frame.container, key, &mut out) },
                    "reading the property",
                )?;
            }
            FrameKind::Map { flat } | FrameKind::Set { flat } => {
                self.st(
                    unsafe { sys::napi_get_element(env, flat, i, &mut out) },
                    "reading an entry",
                )?;
            }
            FrameKind::ErrorCause => {
                self.st(
                    unsafe { sys::napi_get_named_property(env, frame.container, c"cause".as_ptr(), &mut out) },
                    "reading the cause",
                )?;
            }
        }
        Ok(out)
    }

    /// Own enumerable string keys of `obj` in `Object.keys` order (for paths only).
    fn key_list(&self, obj: Value) -> Option<Value> {
        let mut keys = ptr::null_mut();
        let st = unsafe {
            sys::napi_get_all_property_names(
                self.env,
                obj,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        };
        if st != OK {
            take_exception(self.env);
            return None;
        }
        Some(keys)
    }

    /// Position of the Scan frame's current object child among the container's values: the
    /// first value identical to it (a later duplicate would have been a back reference).
    fn scan_position(&self, frame: &Frame) -> u32 {
        let env = self.env;
        let FrameKind::Scan { arr, mode, .. } = frame.kind else {
            return 0;
        };
        let mut child = ptr::null_mut();
        if unsafe { sys::napi_get_element(env, arr, 2 + frame.next.saturating_sub(1), &mut child) } != OK {
            return 0;
        }
        let values: Option<Value> = if mode == 1 {
            Some(frame.container)
        } else {
            self.key_list(frame.container).map(|keys| {
                // values in key order
                let mut n = 0u32;
                unsafe { sys::napi_get_array_length(env, keys, &mut n) };
                let mut arr = ptr::null_mut();
                unsafe { sys::napi_create_array_with_length(env, n as usize, &mut arr) };
                for j in 0..n {
                    let mut k = ptr::null_mut();
                    let mut v = ptr::null_mut();
                    unsafe {
                        sys::napi_get_element(env, keys, j, &mut k);
                        if sys::napi_get_property(env, frame.container, k, &mut v) != OK {
                            take_exception(env);
                            sys::napi_get_undefined(env, &mut v);
                        }
                        sys::napi_set_element(env, arr, j, v);
                    }
                }
                arr
            })
        };
        let Some(values) = values else { return 0 };
        let mut n = 0u32;
        unsafe { sys::napi_get_array_length(env, values, &mut n) };
        for j in 0..n {
            let mut v = ptr::null_mut();
            let mut eq = false;
            if unsafe { sys::napi_get_element(env, values, j, &mut v) } == OK
                && unsafe { sys::napi_strict_equals(env, v, child, &mut eq) } == OK
                && eq
            {
                return j;
            }
            take_exception(env);
        }
        0
    }

    /// Path segment of the child the frame is processing (`cur`). Best effort: reads keys.
    fn segment(&self, frame: &Frame) -> Seg {
        let env = self.env;
        let i = if frame.cur == u32::MAX {
            self.scan_position(frame)
        } else {
            frame.cur
        };
        let key_at = |arr: Value, idx: u32| -> Option<Value> {
            let mut k = ptr::null_mut();
            (unsafe { sys::napi_get_element(env, arr, idx, &mut k) } == OK).then_some(k)
        };
        let key_string = |arr: Option<Value>, idx: u32| -> String {
            arr.and_then(|a| key_at(a, idx))
                .and_then(|k| js::read_string(env, k))
                .unwrap_or_default()
        };
        match frame.kind {
            FrameKind::Scan { mode: 1, .. } | FrameKind::ArrayDense => Seg::Index(i as u64),
            FrameKind::Scan { mode: 0, .. } => Seg::Key(key_string(self.key_list(frame.container), i)),
            FrameKind::Scan { .. } => {
                let k = key_string(self.key_list(frame.container), i);
                match array_index(&k) {
                    Some(n) => Seg::Index(n),
                    None => Seg::Key(k),
                }
            }
            FrameKind::Object { keys } => Seg::Key(key_string(Some(keys), i)),
            FrameKind::ArrayKeys { keys } => {
                let Some(k) = key_at(keys, i) else {
                    return Seg::Index(i as u64);
                };
                match js::type_of(env, k) {
                    Ok(sys::ValueType::napi_number) => {
                        let mut n = 0f64;
                        unsafe { sys::napi_get_value_double(env, k, &mut n) };
                        Seg::Index(n as u64)
                    }
                    _ => {
                        let s = js::read_string(env, k).unwrap_or_default();
                        match array_index(&s) {
                            Some(n) => Seg::Index(n),
                            None => Seg::Key(s),
                        }
                    }
                }
            }
            FrameKind::Map { flat } => {
                let n = (i / 2) as usize;
                if i % 2 == 0 {
                    Seg::MapKey(n)
                } else {
                    match key_at(flat, i - 1) {
                        Some(k) if js::type_of(env, k).ok() == Some(sys::ValueType::napi_string) => {
                            Seg::MapValueStr(js::read_string(env, k).unwrap_or_default())
                        }
                        _ => Seg::MapValueAt(n),
                    }
                }
            }
            FrameKind::Set { .. } => Seg::SetValue(i as usize),
            FrameKind::ErrorCause => Seg::Key("cause".into()),
        }
    }
}

fn depth_failure(max_depth: u32) -> Failure {
    Failure::with(Kind::Depth, format!("nesting is deeper than maxDepth ({max_depth})"))
}

/// Walks `value` and reports the first problem.
pub fn check(env: Env, value: Value, opts: &CheckOptions) -> CoreResult<Outcome> {
    let h = helpers(env)?;
    let undefined = js::undefined(env)?;
    let mut visit = ptr::null_mut();
    js::check(
        env,
        unsafe { sys::napi_call_function(env, undefined, h.new_visitor, 0, ptr::null_mut(), &mut visit) },
        "validator helpers",
    )?;
    let mut w = Walker {
        env,
        visit,
        map_flat: h.map_flat,
        set_flat: h.set_flat,
        protos: h.protos,
        proto_cache: [ptr::null_mut(); slot::COUNT],
        undefined,
        true_: js::boolean_value(env, true)?,
        false_: js::boolean_value(env, false)?,
        budget: SizeBudget::new(opts.max_bytes),
        max_depth: opts.max_depth,
    };
    let mut stack: Vec<Frame> = Vec::new();

    let fail = |w: &Walker, stack: &[Frame], f: Failure| -> Outcome {
        let path = if f.kind == Kind::Size {
            opts.root.clone()
        } else {
            let mut p = opts.root.clone();
            for fr in stack {
                crate::validate::push_segment(&mut p, &w.segment(fr));
            }
            p
        };
        let detail = match (f.kind, f.detail) {
            (Kind::Size, _) => Some(format!(
                "the estimated payload (at least {} bytes) is larger than maxBytes ({})",
                w.budget.bytes, opts.max_bytes
            )),
            (_, d) => d,
        };
        let message = failure_message(&path, f.kind, detail.as_deref());
        Outcome::Fail {
            bytes: w.budget.bytes,
            path,
            kind: f.kind,
            message,
        }
    };

    match w.process(value, 0) {
        Ok(Some(frame)) => stack.push(frame),
        Ok(None) => return Ok(Outcome::Ok { bytes: w.budget.bytes }),
        Err(Stop::Fail(f)) => return Ok(fail(&w, &stack, f)),
        Err(Stop::Depth(frame)) => {
            stack.push(frame);
            return Ok(fail(&w, &stack, depth_failure(opts.max_depth)));
        }
        Err(Stop::Internal(e)) => return Err(e),
    }
    while let Some(top) = stack.last_mut() {
        if top.next >= top.len {
            stack.pop();
            continue;
        }
        let mut frame = *top;
        let child = w.next_child(&mut frame);
        *stack.last_mut().expect("non-empty") = frame;
        let child = match child {
            Ok(c) => c,
            Err(Stop::Fail(f)) => return Ok(fail(&w, &stack, f)),
            Err(Stop::Depth(_)) => unreachable!("next_child never reports depth"),
            Err(Stop::Internal(e)) => return Err(e),
        };
        match w.process(child, stack.len() as u32) {
            Ok(Some(frame)) => stack.push(frame),
            Ok(None) => {}
            Err(Stop::Fail(f)) => return Ok(fail(&w, &stack, f)),
            Err(Stop::Depth(frame)) => {
                stack.push(frame);
                return Ok(fail(&w, &stack, depth_failure(opts.max_depth)));
            }
            Err(Stop::Internal(e)) => return Err(e),
        }
    }
    Ok(Outcome::Ok { bytes: w.budget.bytes })
}
