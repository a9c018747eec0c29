//! Raw N-API helpers for the `#[napi]` layer: reading untrusted arguments into typed Rust
//! values (every failure becomes a [`CoreError`], any JS exception raised while reading — a
//! throwing getter, a Proxy trap — is cleared and reported as INVALID_ARGUMENT), and building
//! result values. Only `lib.rs` and `walk.rs` use this module.

use std::ptr;

use napi::sys;

use crate::error::{CoreError, CoreResult};
use crate::registry::store_id_from_utf16;
use crate::registry::MAX_STORE_ID_UNITS;
use crate::windows::window_id_from_f64;

pub type Env = sys::napi_env;
pub type Value = sys::napi_value;

const OK: sys::napi_status = sys::Status::napi_ok;

/// The JS `typeof`-like name of a value type, for messages.
pub fn type_name(t: sys::napi_valuetype) -> &'static str {
    match t {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "boolean",
        sys::ValueType::napi_number => "number",
        sys::ValueType::napi_string => "string",
        sys::ValueType::napi_symbol => "symbol",
        sys::ValueType::napi_object => "object",
        sys::ValueType::napi_function => "function",
        sys::ValueType::napi_external => "external",
        sys::ValueType::napi_bigint => "bigint",
        _ => "unknown",
    }
}

pub fn type_of(env: Env, v: Value) -> CoreResult<sys::napi_valuetype> {
    let mut t = 0;
    let st = unsafe { sys::napi_typeof(env, v, &mut t) };
    if st != OK {
        return Err(fail(env, st, "typeof"));
    }
    Ok(t)
}

/// Clears a pending JS exception, if any; returns it.
pub fn take_exception(env: Env) -> Option<Value> {
    let mut pending = false;
    if unsafe { sys::napi_is_exception_pending(env, &mut pending) } != OK || !pending {
        return None;
    }
    let mut exc = ptr::null_mut();
    if unsafe { sys::napi_get_and_clear_last_exception(env, &mut exc) } != OK {
        return None;
    }
    Some(exc)
}

/// Best-effort text of a thrown value, without running user code that could throw again
/// unchecked: `message` of an Error (if it is a string), the string itself, else its type.
pub fn exception_text(env: Env, exc: Value) -> String {
    let Ok(t) = type_of(env, exc) else {
        return "unknown exception".into();
    };
    match t {
        sys::ValueType::napi_string => read_string_lossy(env, exc, 200).unwrap_or_default(),
        sys::ValueType::napi_object => {
            let mut is_err = false;
            unsafe { sys::napi_is_error(env, exc, &mut is_err) };
            if !is_err {
                return "a non-Error object was thrown".into();
            }
            let mut msg = ptr::null_mut();
            let st = unsafe { sys::napi_get_named_property(env, exc, c"message".as_ptr(), &mut msg) };
            if st != OK {
                take_exception(env);
                return "an Error was thrown".into();
            }
            match type_of(env, msg) {
                Ok(sys::ValueType::napi_string) => read_string_lossy(env, msg, 200).unwrap_or_default(),
                _ => "an Error was thrown".into(),
            }
        }
        other => format!("a {} was thrown", type_name(other)),
    }
}

/// Maps a failed N-API status to an error; a pending exception becomes INVALID_ARGUMENT
/// (it was raised by user code reached while reading an argument).
pub fn fail(env: Env, status: sys::napi_status, what: &str) -> CoreError {
    if let Some(exc) = take_exception(env) {
        let text = exception_text(env, exc);
        return CoreError::invalid_arg(what, format!("reading it threw: {text}"));
    }
    CoreError::internal(format!("N-API call failed while handling {what} (status {status})"))
}

/// Reads up to `max_units` UTF-16 units of a string, lossily (for messages).
pub fn read_string_lossy(env: Env, v: Value, max_units: usize) -> Option<String> {
    let mut buf = vec![0u16; max_units + 1];
    let mut len = 0usize;
    let st = unsafe { sys::napi_get_value_string_utf16(env, v, buf.as_mut_ptr(), buf.len(), &mut len) };
    if st != OK {
        return None;
    }
    Some(String::from_utf16_lossy(&buf[..len]))
}

/// UTF-16 length of a string value (O(1) in V8), or None if it is not a string.
pub fn string_units(env: Env, v: Value) -> Option<usize> {
    let mut len = 0usize;
    let st = unsafe { sys::napi_get_value_string_utf16(env, v, ptr::null_mut(), 0, &mut len) };
    (st == OK).then_some(len)
}

/// A full string value as UTF-8 (lossy for lone surrogates).
pub fn read_string(env: Env, v: Value) -> Option<String> {
    let units = string_units(env, v)?;
    let mut buf = vec![0u16; units + 1];
    let mut len = 0usize;
    let st = unsafe { sys::napi_get_value_string_utf16(env, v, buf.as_mut_ptr(), buf.len(), &mut len) };
    (st == OK).then(|| String::from_utf16_lossy(&buf[..len]))
}

/// A store id argument: a string of 1..=256 UTF-16 units, well-formed.
pub fn store_id(env: Env, v: Value, what: &str) -> CoreResult<String> {
    let mut len = 0usize;
    let st = unsafe { sys::napi_get_value_string_utf16(env, v, ptr::null_mut(), 0, &mut len) };
    if st != OK {
        take_exception(env);
        let t = type_of(env, v).map(type_name).unwrap_or("unknown");
        return Err(CoreError::invalid_id(what, format!("must be a string, got {t}")));
    }
    if len == 0 {
        return Err(CoreError::invalid_id(what, "must be a non-empty string"));
    }
    if len > MAX_STORE_ID_UNITS {
        return Err(CoreError::invalid_id(
            what,
            format!("must be at most {MAX_STORE_ID_UNITS} characters long, got {len}"),
        ));
    }
    let mut buf = [0u16; MAX_STORE_ID_UNITS + 1];
    let mut got = 0usize;
    let st = unsafe { sys::napi_get_value_string_utf16(env, v, buf.as_mut_ptr(), buf.len(), &mut got) };
    if st != OK {
        return Err(fail(env, st, what));
    }
    store_id_from_utf16(&buf[..got]).map_err(|reason| CoreError::invalid_id(what, reason))
}

/// A window id argument: a number that is a positive safe integer.
pub fn window_id(env: Env, v: Value, what: &str) -> CoreResult<u64> {
    let mut n = 0f64;
    let st = unsafe { sys::napi_get_value_double(env, v, &mut n) };
    if st != OK {
        take_exception(env);
        let t = type_of(env, v).map(type_name).unwrap_or("unknown");
        return Err(CoreError::invalid_id(what, format!("must be a number, got {t}")));
    }
    window_id_from_f64(n).map_err(|reason| CoreError::invalid_id(what, reason))
}

pub fn is_nullish(env: Env, v: Value) -> CoreResult<bool> {
    let t = type_of(env, v)?;
    Ok(t == sys::ValueType::napi_undefined || t == sys::ValueType::napi_null)
}

pub fn is_undefined(env: Env, v: Value) -> CoreResult<bool> {
    Ok(type_of(env, v)? == sys::ValueType::napi_undefined)
}

pub fn boolean(env: Env, v: Value, what: &str) -> CoreResult<bool> {
    let mut b = false;
    let st = unsafe { sys::napi_get_value_bool(env, v, &mut b) };
    if st != OK {
        take_exception(env);
        let t = type_of(env, v).map(type_name).unwrap_or("unknown");
        return Err(CoreError::invalid_arg(what, format!("must be a boolean, got {t}")));
    }
    Ok(b)
}

/// A non-negative safe integer no larger than `max`.
pub fn uint(env: Env, v: Value, what: &str, max: u64) -> CoreResult<u64> {
    let mut n = 0f64;
    let st = unsafe { sys::napi_get_value_double(env, v, &mut n) };
    if st != OK {
        take_exception(env);
        let t = type_of(env, v).map(type_name).unwrap_or("unknown");
        return Err(CoreError::invalid_arg(what, format!("must be a number, got {t}")));
    }
    if !n.is_finite() || n.fract() != 0.0 || n < 0.0 || n > max as f64 {
        return Err(CoreError::invalid_arg(
            what,
            format!("must be an integer between 0 and {max}, got {n}"),
        ));
    }
    Ok(n as u64)
}

/// An options argument: undefined/null = none, else it must be an object (not a function,
/// not an array).
pub fn options_object(env: Env, v: Value, what: &str) -> CoreResult<Option<Value>> {
    let t = type_of(env, v)?;
    match t {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
        sys::ValueType::napi_object => {
            let mut arr = false;
            unsafe { sys::napi_is_array(env, v, &mut arr) };
            if arr {
                return Err(CoreError::invalid_arg(what, "must be an options object, got an array"));
            }
            Ok(Some(v))
        }
        other => Err(CoreError::invalid_arg(
            what,
            format!("must be an object, got {}", type_name(other)),
        )),
    }
}

/// Reads `obj[name]` (runs getters / Proxy traps; a throw becomes INVALID_ARGUMENT).
/// Undefined → None.
pub fn get_opt(env: Env, obj: Value, name: &std::ffi::CStr, what: &str) -> CoreResult<Option<Value>> {
    let mut out = ptr::null_mut();
    let st = unsafe { sys::napi_get_named_property(env, obj, name.as_ptr(), &mut out) };
    if st != OK {
        return Err(fail(env, st, what));
    }
    if is_undefined(env, out)? {
        return Ok(None);
    }
    Ok(Some(out))
}

/// An array of store ids (each validated; the first bad one is reported, e.g. `storeIds[2]`).
pub fn store_id_list(env: Env, v: Value, what: &str) -> CoreResult<Vec<String>> {
    let mut is_arr = false;
    let st = unsafe { sys::napi_is_array(env, v, &mut is_arr) };
    if st != OK || !is_arr {
        take_exception(env);
        let t = type_of(env, v).map(type_name).unwrap_or("unknown");
        return Err(CoreError::invalid_arg(
            what,
            format!("must be an array of store ids, got {t}"),
        ));
    }
    let mut len = 0u32;
    let st = unsafe { sys::napi_get_array_length(env, v, &mut len) };
    if st != OK {
        return Err(fail(env, st, what));
    }
    let mut ids = Vec::with_capacity((len as usize).min(4096));
    for i in 0..len {
        let mut el = ptr::null_mut();
        let item = format!("{what}[{i}]");
        let st = unsafe { sys::napi_get_element(env, v, i, &mut el) };
        if st != OK {
            return Err(fail(env, st, &item));
        }
        ids.push(store_id(env, el, &item)?);
    }
    Ok(ids)
}

// ---- building values ----

pub fn check(env: Env, st: sys::napi_status, what: &str) -> CoreResult<()> {
    if st == OK {
        Ok(())
    } else {
        Err(fail(env, st, what))
    }
}

pub fn object(env: Env) -> CoreResult<Value> {
    let mut o = ptr::null_mut();
    check(env, unsafe { sys::napi_create_object(env, &mut o) }, "result")?;
    Ok(o)
}

pub fn string(env: Env, s: &str) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    check(
        env,
        unsafe { sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut v) },
        "result",
    )?;
    Ok(v)
}

pub fn number(env: Env, n: f64) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    check(env, unsafe { sys::napi_create_double(env, n, &mut v) }, "result")?;
    Ok(v)
}

pub fn boolean_value(env: Env, b: bool) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    check(env, unsafe { sys::napi_get_boolean(env, b, &mut v) }, "result")?;
    Ok(v)
}

pub fn null(env: Env) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    check(env, unsafe { sys::napi_get_null(env, &mut v) }, "result")?;
    Ok(v)
}

pub fn undefined(env: Env) -> CoreResult<Value> {
    let mut v = ptr::null_mut();
    check(env, unsafe { sys::napi_get_undefined(env, &mut v) }, "result")?;
    Ok(v)
}

pub fn set(env: Env, obj: Value, name: &std::ffi::CStr, v: Value) -> CoreResult<()> {
    check(
        env,
        unsafe { sys::napi_set_named_property(env, obj, name.as_ptr(), v) },
        "result",
    )
}

pub fn set_prop(env: Env, obj: Value, key: Value, v: Value) -> CoreResult<()> {
    check(env, unsafe { sys::napi_set_property(env, obj, key, v) }, "result")
}

pub fn number_array(env: Env, items: &[u64]) -> CoreResult<Value> {
    let mut arr = ptr::null_mut();
    check(
        env,
        unsafe { sys::napi_create_array_with_length(env, items.len(), &mut arr) },
        "result",
    )?;
    for (i, n) in items.iter().enumerate() {
        let mut v = ptr::null_mut();
        check(
            env,
            unsafe { sys::napi_create_double(env, *n as f64, &mut v) },
            "result",
        )?;
        check(env, unsafe { sys::napi_set_element(env, arr, i as u32, v) }, "result")?;
    }
    Ok(arr)
}

pub fn string_array<S: AsRef<str>>(env: Env, items: &[S]) -> CoreResult<Value> {
    let mut arr = ptr::null_mut();
    check(
        env,
        unsafe { sys::napi_create_array_with_length(env, items.len(), &mut arr) },
        "result",
    )?;
    for (i, s) in items.iter().enumerate() {
        let v = string(env, s.as_ref())?;
        check(env, unsafe { sys::napi_set_element(env, arr, i as u32, v) }, "result")?;
    }
    Ok(arr)
}

/// Throws `err` as a JS Error with `code` (and `storeId` / `windowId` when it is about one).
/// Any exception already pending (from user code) is discarded first so the typed error wins.
pub fn throw(env: Env, err: &CoreError) {
    take_exception(env);
    let code = err.code().as_str();
    let msg = err.to_string();
    let (Ok(code_v), Ok(msg_v)) = (string(env, code), string(env, &msg)) else {
        return;
    };
    let mut e = ptr::null_mut();
    if unsafe { sys::napi_create_error(env, code_v, msg_v, &mut e) } != OK {
        return;
    }
    if let Some(id) = err.store_id() {
        if let Ok(v) = string(env, id) {
            let _ = set(env, e, c"storeId", v);
        }
    }
    if let Some(w) = err.window_id() {
        if let Ok(v) = number(env, w as f64) {
            let _ = set(env, e, c"windowId", v);
        }
    }
    unsafe { sys::napi_throw(env, e) };
}
