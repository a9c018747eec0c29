//! A runtime's JS logger: the `tracing` events its calls emit (captured per call by `log.rs`)
//! are delivered to the callback on the same thread before the call returns. A logger that
//! throws is ignored; it may call the runtime again (even `setLogger(null)`).

use std::cell::RefCell;
use std::collections::BTreeMap;

use napi::bindgen_prelude::{Either3, Env, FromNapiValue, FunctionRef, Unknown};
use napi::threadsafe_function::UnknownReturnValue;
use napi::ValueType;
use napi_derive::napi;

use super::args::{napi_arg, FromJs};
use super::value::{take_exception, type_name};
use crate::error::{CoreError, CoreResult};
use crate::log::{FieldValue, LogEvent as Event};

/// One `tracing` event of the runtime.
#[napi(object, object_from_js = false)]
pub struct LogEvent {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    pub message: String,
    pub fields: BTreeMap<String, Either3<String, f64, bool>>,
}

impl From<Event> for LogEvent {
    fn from(e: Event) -> Self {
        let fields = e.fields.into_iter().map(|(name, value)| {
            let value = match value {
                FieldValue::Str(s) => Either3::A(s),
                FieldValue::Num(n) => Either3::B(n),
                FieldValue::Bool(b) => Either3::C(b),
            };
            (name.to_string(), value)
        });
        LogEvent {
            level: e.level.to_string(),
            message: e.message,
            fields: fields.collect(),
        }
    }
}

/// The callback of `setLogger`.
#[napi(transparent, object_from_js = false, object_to_js = false)]
pub struct LogCallback(FunctionRef<LogEvent, UnknownReturnValue>);

impl FromJs for LogCallback {
    const NAME: &'static str = "cb";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        match value.get_type() {
            Ok(ValueType::Function) => FunctionRef::from_unknown(value)
                .map(LogCallback)
                .map_err(|e| CoreError::internal(format!("cannot keep the logger: {e}"))),
            t => Err(CoreError::invalid_arg(
                what,
                format!(
                    "must be a function or null, got {}",
                    t.map(type_name).unwrap_or("unknown")
                ),
            )),
        }
    }
}

napi_arg!(LogCallback);

/// Delivers `events` to the runtime's logger, one at a time: the logger is looked up again for
/// each event (it may replace or remove itself) and no borrow is held while it runs.
pub fn deliver(env: &Env, logger: &RefCell<Option<LogCallback>>, events: Vec<Event>) {
    for event in events {
        let callback = match logger.borrow().as_ref() {
            Some(LogCallback(callback)) => callback.borrow_back(env),
            None => return,
        };
        let Ok(callback) = callback else { return };
        // One handle scope per event: the event object is garbage once the logger returns.
        // `apply`, not `call`: `call` would coerce what the logger throws to a string (user
        // code again); `apply` leaves the exception pending, and it is dropped right here.
        let _ = env.run_in_scope(|| {
            let _ = callback.apply((), LogEvent::from(event));
            Ok(())
        });
        take_exception(env);
    }
}
