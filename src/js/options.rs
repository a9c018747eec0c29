//! Option objects. napi-rs derives their TypeScript interfaces (`#[napi(object)]`); the addon
//! reads them itself (`object_from_js = false`): undefined / null mean "all defaults", anything
//! else must be a plain options object, each field is read once (a getter runs once; if it
//! throws, the error is `INVALID_ARGUMENT` naming the field) and checked, and an unset field
//! (`undefined`) takes its default.

use std::ffi::CStr;

use napi::bindgen_prelude::{Env, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;

use super::args::{boolean, napi_arg, read_failure, uint, FromJs};
use super::value::{string_units, type_name};
use crate::error::{CoreError, CoreResult};
use crate::registry::{self, DEFAULT_MAX_DEPTH, MAX_MAX_DEPTH};
use crate::walk;

/// Largest byte limit and revision accepted (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: u64 = (1u64 << 53) - 1;

/// Longest `root` accepted by `checkSerializable`, in UTF-16 code units.
const MAX_ROOT_UNITS: usize = 1024;

/// Options of `new StoreRuntime(options)`.
#[napi(object, object_from_js = false)]
#[derive(Default)]
pub struct RuntimeOptions {
    /// Whether renderers may set stores at all (default true).
    pub allow_renderer_set: Option<bool>,
    /// Default `maxPayloadBytes` of every store; 0 = no limit (default 0).
    pub max_payload_bytes: Option<i64>,
    /// How deep a value may nest below its root (default 1000).
    pub max_depth: Option<u32>,
}

/// Options of `registerStore(id, options)`.
#[napi(object, object_from_js = false)]
#[derive(Default)]
pub struct StoreOptions {
    /// Whether renderers may set this store (default true; `allowRendererSet: false` wins).
    pub renderer_can_set: Option<bool>,
    /// Limit of the store's payload in bytes, 0 = none (default: the runtime's).
    pub max_payload_bytes: Option<i64>,
    /// The revision to start from (default 0): a store registered again resumes its revisions.
    pub rev: Option<i64>,
}

/// Options of `checkSerializable(value, options)`.
#[napi(object, object_from_js = false)]
#[derive(Default)]
pub struct CheckOptions {
    /// The name paths start from (default `'value'`; main uses the store id).
    pub root: Option<String>,
    /// How deep the value may nest below the root (default 1000).
    pub max_depth: Option<u32>,
    /// Limit of the estimated payload in bytes, 0 = none (default 0).
    pub max_bytes: Option<i64>,
}

impl FromJs for RuntimeOptions {
    const NAME: &'static str = "options";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let fields = Fields::of(env, value, what)?;
        Ok(RuntimeOptions {
            allow_renderer_set: fields.get(c"allowRendererSet", |v, w| boolean(v, w))?,
            max_payload_bytes: fields.get(c"maxPayloadBytes", |v, w| uint(v, w, MAX_SAFE).map(|n| n as i64))?,
            max_depth: fields.get(c"maxDepth", max_depth)?,
        })
    }
}

impl FromJs for StoreOptions {
    const NAME: &'static str = "options";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let fields = Fields::of(env, value, what)?;
        Ok(StoreOptions {
            renderer_can_set: fields.get(c"rendererCanSet", |v, w| boolean(v, w))?,
            max_payload_bytes: fields.get(c"maxPayloadBytes", |v, w| uint(v, w, MAX_SAFE).map(|n| n as i64))?,
            rev: fields.get(c"rev", |v, w| uint(v, w, MAX_SAFE).map(|n| n as i64))?,
        })
    }
}

impl FromJs for CheckOptions {
    const NAME: &'static str = "options";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let fields = Fields::of(env, value, what)?;
        Ok(CheckOptions {
            root: fields.get(c"root", root)?,
            max_depth: fields.get(c"maxDepth", max_depth)?,
            max_bytes: fields.get(c"maxBytes", |v, w| uint(v, w, MAX_SAFE).map(|n| n as i64))?,
        })
    }
}

napi_arg!(RuntimeOptions, StoreOptions, CheckOptions);

fn max_depth(value: Unknown<'_>, what: &str) -> CoreResult<u32> {
    uint(value, what, MAX_MAX_DEPTH as u64).map(|n| n as u32)
}

fn root(value: Unknown<'_>, what: &str) -> CoreResult<String> {
    let units = string_units(value).ok_or_else(|| CoreError::invalid_arg(what, "must be a string"))?;
    if units == 0 || units > MAX_ROOT_UNITS {
        return Err(CoreError::invalid_arg(
            what,
            format!("must be 1..{MAX_ROOT_UNITS} characters long"),
        ));
    }
    super::value::read_string(value).ok_or_else(|| CoreError::invalid_arg(what, "must be a string"))
}

/// An options object being read.
pub(crate) struct Fields<'a, 'env> {
    env: &'a Env,
    object: Object<'env>,
    what: &'a str,
}

impl<'a, 'env> Fields<'a, 'env> {
    /// `value` must be an object that is neither a function nor an array.
    pub(crate) fn of(env: &'a Env, value: Unknown<'env>, what: &'a str) -> CoreResult<Self> {
        match value.get_type() {
            Ok(ValueType::Object) if value.is_array().unwrap_or(false) => {
                Err(CoreError::invalid_arg(what, "must be an options object, got an array"))
            }
            Ok(ValueType::Object) => {
                let object = Object::from_unknown(value).map_err(|_| read_failure(env, what))?;
                Ok(Fields { env, object, what })
            }
            Ok(t) => Err(CoreError::invalid_arg(
                what,
                format!("must be an object, got {}", type_name(t)),
            )),
            Err(_) => Err(read_failure(env, what)),
        }
    }

    /// Reads field `name` (running a getter or Proxy trap); `undefined` = unset.
    pub(crate) fn get<T>(
        &self,
        name: &CStr,
        parse: impl FnOnce(Unknown<'env>, &str) -> CoreResult<T>,
    ) -> CoreResult<Option<T>> {
        let what = format!("{}.{}", self.what, name.to_str().unwrap_or("?"));
        let value = self
            .object
            .get_c_named_property_unchecked::<Unknown>(name)
            .map_err(|_| read_failure(self.env, &what))?;
        match value.get_type() {
            Ok(ValueType::Undefined) => Ok(None),
            _ => parse(value, &what).map(Some),
        }
    }
}

impl From<RuntimeOptions> for registry::RuntimeOptions {
    fn from(o: RuntimeOptions) -> Self {
        let defaults = registry::RuntimeOptions::default();
        registry::RuntimeOptions {
            allow_renderer_set: o.allow_renderer_set.unwrap_or(defaults.allow_renderer_set),
            max_payload_bytes: o.max_payload_bytes.map_or(defaults.max_payload_bytes, |n| n as u64),
            max_depth: o.max_depth.unwrap_or(defaults.max_depth),
        }
    }
}

impl From<StoreOptions> for registry::StoreOptions {
    fn from(o: StoreOptions) -> Self {
        registry::StoreOptions {
            renderer_can_set: o.renderer_can_set,
            max_payload_bytes: o.max_payload_bytes.map(|n| n as u64),
            rev: o.rev.map(|n| n as u64),
        }
    }
}

impl From<CheckOptions> for walk::Limits {
    fn from(o: CheckOptions) -> Self {
        walk::Limits {
            root: o.root.unwrap_or_else(|| "value".into()),
            max_depth: o.max_depth.unwrap_or(DEFAULT_MAX_DEPTH),
            max_bytes: o.max_bytes.map_or(0, |n| n as u64),
        }
    }
}
