//! Errors crossing the boundary. A [`CoreError`] becomes a JS `Error` whose `code` is one of
//! ours ([`ErrorCode`]), `message` its text, and `storeId` / `windowId` set when it is about
//! one; napi-rs throws it as is. Whatever user code threw while the addon was reading an
//! argument is discarded first, so the typed error is the one JS sees.

use napi::bindgen_prelude::{Env, FromNapiValue, JsError, Object, Unknown};
use napi_derive::napi;

use super::value::take_exception;
use crate::error::{CoreError, ErrorCode};

/// The napi-rs error that throws `err` as a JS `Error` with our code and fields.
pub fn to_napi(env: &Env, err: CoreError) -> napi::Error {
    take_exception(env);
    // napi-rs makes the error's `code` the status string: here, one of ours.
    let error: Unknown = JsError::from(napi::Error::new(err.code(), err.to_string())).into_unknown(*env);
    if let Ok(mut object) = Object::from_unknown(error) {
        if let Some(id) = err.store_id() {
            let _ = object.set("storeId", id);
        }
        if let Some(window) = err.window_id() {
            let _ = object.set("windowId", window as f64);
        }
    }
    // Thrown as that very object. Not `napi::Error::from`, which coerces the value to a string:
    // that runs JS, and at the stack limit it throws again and recurses without bound.
    napi::Error::from_unknown_without_coercion(error)
}

/// Every error code the package knows, the JS layer's included (see `ErrorCode`).
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}
