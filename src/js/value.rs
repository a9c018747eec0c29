//! Reading untrusted JS values through napi-rs: type names for messages, exceptions raised by
//! user code (a getter, a Proxy trap) while the addon reads a value, and strings.
//!
//! napi-rs reports a failed N-API call as an `Err` but leaves a JS exception it raised pending
//! (only `Function::call` clears it). [`take_exception`] clears it, so the addon can answer
//! with its own typed error or verdict instead of whatever user code threw.

use napi::bindgen_prelude::{Env, FromNapiValue, JsObjectValue, Object, Unknown, Utf16String};
use napi::{sys, JsString, JsValue, ValueType};

/// The JS `typeof`-like name of a value type, for messages.
pub fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::BigInt => "bigint",
        _ => "unknown",
    }
}

/// The type name of `v` ("unknown" if N-API cannot tell).
pub fn type_of(v: &Unknown<'_>) -> &'static str {
    v.get_type().map(type_name).unwrap_or("unknown")
}

/// Clears the pending JS exception, if any, and returns it.
pub fn take_exception<'env>(env: &Env) -> Option<Unknown<'env>> {
    let raw = env.raw();
    let (mut pending, mut exception) = (false, std::ptr::null_mut());
    // SAFETY: napi-rs 3 has no safe call to clear a pending exception (it only clears the one a
    // `Function::call` raised). `raw` is the live env of the current call; both out-pointers
    // are valid locals; the exception handle is wrapped only when N-API filled it in.
    let cleared = unsafe {
        sys::napi_is_exception_pending(raw, &mut pending) == sys::Status::napi_ok
            && pending
            && sys::napi_get_and_clear_last_exception(raw, &mut exception) == sys::Status::napi_ok
    };
    (cleared && !exception.is_null()).then(|| Object::from_raw(raw, exception).to_unknown())
}

/// At most this many characters of a thrown value end up in a message.
const MAX_THROWN_TEXT: usize = 200;

/// Best-effort text of a thrown value: the string itself, the `message` of an Error (when it is
/// a string), else its type. Reading `message` may run a getter; if that throws too, the second
/// exception is cleared.
pub fn exception_text(env: &Env, thrown: Unknown<'_>) -> String {
    let text = match thrown.get_type() {
        Ok(ValueType::String) => read_string(thrown).unwrap_or_default(),
        Ok(ValueType::Object) if thrown.is_error().unwrap_or(false) => {
            let message = Object::from_unknown(thrown)
                .and_then(|o| o.get_c_named_property_unchecked::<Unknown>(c"message"))
                .ok()
                .filter(|m| m.get_type().ok() == Some(ValueType::String))
                .and_then(read_string);
            take_exception(env);
            message.unwrap_or_else(|| "an Error was thrown".into())
        }
        Ok(ValueType::Object) => "a non-Error object was thrown".into(),
        Ok(t) => format!("a {} was thrown", type_name(t)),
        Err(_) => "an exception was thrown".into(),
    };
    text.chars().take(MAX_THROWN_TEXT).collect()
}

/// UTF-16 length of a string value, or None if `v` is not a string.
pub fn string_units(v: Unknown<'_>) -> Option<usize> {
    JsString::from_unknown(v).and_then(|s| s.utf16_len()).ok()
}

/// A string value as UTF-8 (lone surrogates become U+FFFD), or None if `v` is not a string.
pub fn read_string(v: Unknown<'_>) -> Option<String> {
    Utf16String::from_unknown(v)
        .ok()
        .map(|units| String::from_utf16_lossy(&units))
}
