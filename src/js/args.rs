//! Argument types. Each is parsed once, by the addon, from the untrusted JS value; a bad value
//! is a typed error naming the argument (`INVALID_ID` for ids, `INVALID_ARGUMENT` otherwise),
//! thrown before anything changes.
//!
//! napi-rs converts arguments through `FromNapiValue`, and its own conversions throw napi-rs
//! errors (code `InvalidArg`, napi-rs wording, no argument name). So every type here implements
//! [`FromJs`], and [`napi_arg!`] bridges it to `FromNapiValue`: the parse runs guarded (a panic
//! becomes `INTERNAL`) and its error is thrown with our code. `#[napi(transparent,
//! object_from_js = false)]` keeps napi-rs's typing for `native.d.ts` (`type StoreId = string`)
//! without its conversion.

use napi::bindgen_prelude::{Env, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::JsValue;
use napi_derive::napi;

use super::errors::to_napi;
use super::guard::guarded;
use super::value::{exception_text, string_units, take_exception, type_of};
use crate::error::{CoreError, CoreResult};
use crate::registry::{store_id_from_utf16, MAX_STORE_ID_UNITS};
use crate::windows::{window_id_from_f64, WindowState};

/// A value the addon reads itself from JS.
pub trait FromJs: Sized {
    /// The argument's name in messages, when the value is a whole argument.
    const NAME: &'static str;

    /// Parses `value`; `what` names it in errors ("storeId", "storeIds[2]", "options.rev").
    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self>;
}

/// Implements napi-rs's `FromNapiValue` for [`FromJs`] types, so they can be `#[napi]` arguments.
macro_rules! napi_arg {
    ($($ty:ty),+ $(,)?) => {$(
        impl napi::bindgen_prelude::FromNapiValue for $ty {
            // SAFETY: the signature is napi-rs's trait method; napi-rs calls it as the trait's
            // contract requires, with the env and an argument value of the call it converts.
            unsafe fn from_napi_value(
                env: napi::sys::napi_env,
                raw: napi::sys::napi_value,
            ) -> napi::Result<Self> {
                // SAFETY: napi-rs calls this with the env and an argument value of the current
                // call, both valid until the call returns, which is all `Unknown` requires.
                let value = unsafe { napi::bindgen_prelude::Unknown::from_raw_unchecked(env, raw) };
                $crate::js::args::parse_arg(&napi::bindgen_prelude::Env::from_raw(env), value)
            }
        }
    )+};
}
pub(crate) use napi_arg;

/// Parses a whole argument (see [`napi_arg!`]).
pub fn parse_arg<T: FromJs>(env: &Env, value: Unknown<'_>) -> napi::Result<T> {
    guarded(|| T::from_js(env, value, T::NAME)).map_err(|e| to_napi(env, e))
}

/// A store id: a string of 1 to 256 UTF-16 code units, well-formed (no lone surrogate, so two
/// different ids can never collapse into one).
#[napi(transparent, object_from_js = false)]
pub struct StoreId(pub String);

impl AsRef<str> for StoreId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromJs for StoreId {
    const NAME: &'static str = "storeId";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let not_string = || CoreError::invalid_id(what, format!("must be a string, got {}", type_of(&value)));
        // UTF-16, as JS holds it: a lone surrogate is visible only there (UTF-8 would make it
        // U+FFFD). One unit more than an id may have tells a longer string apart.
        let mut units = [0u16; MAX_STORE_ID_UNITS + 2];
        let copied = read_utf16(&value, &mut units).ok_or_else(not_string)?;
        if copied > MAX_STORE_ID_UNITS {
            let len = string_units(value).unwrap_or(copied);
            return Err(CoreError::invalid_id(
                what,
                format!("must be at most {MAX_STORE_ID_UNITS} characters long, got {len}"),
            ));
        }
        store_id_from_utf16(&units[..copied])
            .map(StoreId)
            .map_err(|reason| CoreError::invalid_id(what, reason))
    }
}

/// Copies the UTF-16 units of a string value into `buf` (at most `buf.len() - 1` of them, N-API
/// writes a terminating 0); returns how many, or None if `value` is not a string.
///
/// Store ids arrive on every hot call (`commitInto`, `authorizeWrite`); napi-rs's safe readers
/// (`Utf16String`, `JsString::into_utf16`) allocate a `Vec` per read, this reads into the
/// caller's stack buffer in one N-API call. Measured (min over 6 processes): `authorizeWrite`
/// 606 ns with `Utf16String` against 546 ns before the napi-rs rework; 540 ns with this.
fn read_utf16(value: &Unknown<'_>, buf: &mut [u16]) -> Option<usize> {
    let mut copied = 0;
    // SAFETY: `value` is a live handle of the current call; `buf` is valid for `buf.len()`
    // units, the size passed, and N-API writes at most that many (the string's units, then 0).
    let status = unsafe {
        napi::sys::napi_get_value_string_utf16(value.value().env, value.raw(), buf.as_mut_ptr(), buf.len(), &mut copied)
    };
    (status == napi::sys::Status::napi_ok).then_some(copied)
}

/// A window id: a webContents id, a positive integer no larger than 2^53 - 1.
#[napi(transparent, object_from_js = false)]
#[derive(Clone, Copy)]
pub struct WindowId(i64);

impl WindowId {
    pub fn get(self) -> u64 {
        self.0 as u64
    }
}

impl FromJs for WindowId {
    const NAME: &'static str = "windowId";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let n = f64::from_unknown(value)
            .map_err(|_| CoreError::invalid_id(what, format!("must be a number, got {}", type_of(&value))))?;
        let id = window_id_from_f64(n).map_err(|reason| CoreError::invalid_id(what, reason))?;
        Ok(WindowId(id as i64))
    }
}

/// The window a commit is not sent to (the writer): a window id, or undefined / null for none.
#[napi(transparent, object_from_js = false)]
#[derive(Clone, Copy)]
pub struct SkipWindowId(pub WindowId);

impl FromJs for SkipWindowId {
    const NAME: &'static str = "skipWindowId";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        WindowId::from_js(env, value, what).map(SkipWindowId)
    }
}

/// A list of store ids; the first bad one is reported by position (`storeIds[2]`).
#[napi(transparent, object_from_js = false)]
pub struct StoreIds(pub Vec<StoreId>);

impl FromJs for StoreIds {
    const NAME: &'static str = "storeIds";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let not_array =
            || CoreError::invalid_arg(what, format!("must be an array of store ids, got {}", type_of(&value)));
        if !value.is_array().unwrap_or(false) {
            return Err(not_array());
        }
        let list = Object::from_unknown(value).map_err(|_| not_array())?;
        let len = list.get_array_length().map_err(|_| read_failure(env, what))?;
        let mut ids = Vec::with_capacity((len as usize).min(4096));
        // An element's label ("ids[3]") is made only for an error: formatting it for every id
        // cost more than reading the id (a window subscribes to thousands at once).
        let item = |i: u32| format!("{what}[{i}]");
        for i in 0..len {
            let element = list
                .get_element::<Unknown>(i)
                .map_err(|_| read_failure(env, &item(i)))?;
            match StoreId::from_js(env, element, what) {
                Ok(id) => ids.push(id),
                // The same check again, for the error that names the element.
                Err(_) => {
                    return Err(StoreId::from_js(env, element, &item(i))
                        .err()
                        .unwrap_or_else(|| CoreError::internal(format!("{} passed a second check", item(i)))))
                }
            }
        }
        Ok(StoreIds(ids))
    }
}

/// A window state to set: `'loading'`, `'ready'` or `'gone'`.
#[napi(transparent, object_from_js = false)]
pub struct WindowStateArg(pub WindowState);

impl FromJs for WindowStateArg {
    const NAME: &'static str = "state";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        // Only short strings are read: the longest state name has 7 characters.
        string_units(value)
            .filter(|units| *units <= 16)
            .and_then(|_| super::value::read_string(value))
            .and_then(|s| WindowState::parse(&s))
            .map(WindowStateArg)
            .ok_or_else(|| CoreError::invalid_arg(what, "must be 'loading', 'ready' or 'gone'"))
    }
}

/// The reusable `Float64Array` `commitInto` writes the revision and the recipients into:
/// napi-rs's `&mut [f64]`, the only safe mutable view of a typed array it offers. Not a
/// `#[napi(transparent)]` type (those cannot carry a lifetime), so the `#[napi]` argument spells
/// its TypeScript type out.
pub struct CommitBuffer<'a>(pub &'a mut [f64]);

impl FromJs for CommitBuffer<'_> {
    const NAME: &'static str = "out";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let not_float64 = || CoreError::invalid_arg(what, "expected a Float64Array");
        if !value.is_typedarray().unwrap_or(false) {
            return Err(not_float64());
        }
        <&mut [f64]>::from_unknown(value)
            .map(CommitBuffer)
            .map_err(|_| not_float64())
    }
}

/// The on/off argument of `subscribeAll`: a boolean.
#[napi(transparent, object_from_js = false)]
pub struct Enabled(pub bool);

impl FromJs for Enabled {
    const NAME: &'static str = "enabled";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        boolean(value, what).map(Enabled)
    }
}

/// A boolean (a boxed `new Boolean()` is not one).
pub fn boolean(value: Unknown<'_>, what: &str) -> CoreResult<bool> {
    bool::from_unknown(value)
        .map_err(|_| CoreError::invalid_arg(what, format!("must be a boolean, got {}", type_of(&value))))
}

/// A non-negative safe integer no larger than `max`.
pub fn uint(value: Unknown<'_>, what: &str, max: u64) -> CoreResult<u64> {
    let n = f64::from_unknown(value)
        .map_err(|_| CoreError::invalid_arg(what, format!("must be a number, got {}", type_of(&value))))?;
    if !n.is_finite() || n.fract() != 0.0 || n < 0.0 || n > max as f64 {
        return Err(CoreError::invalid_arg(
            what,
            format!("must be an integer between 0 and {max}, got {n}"),
        ));
    }
    Ok(n as u64)
}

/// The error for a read that failed: user code (a getter, a Proxy trap) threw, or N-API failed.
pub fn read_failure(env: &Env, what: &str) -> CoreError {
    match take_exception(env) {
        Some(thrown) => CoreError::invalid_arg(what, format!("reading it threw: {}", exception_text(env, thrown))),
        None => CoreError::internal(format!("N-API failed while reading {what}")),
    }
}

napi_arg!(
    StoreId,
    WindowId,
    SkipWindowId,
    StoreIds,
    WindowStateArg,
    CommitBuffer<'_>,
    Enabled
);
