//! `checkSerializable`: the structured-clone validator as a free function (`walk/` does the
//! work), and its test hooks.

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;

use super::errors::to_napi;
use super::guard::guarded;
use super::options::CheckOptions;
use super::results::{check_result, CheckResult};
use crate::walk::{self, Strategy};

/// Whether `value` survives Electron's structured clone without loss; see ARCHITECTURE.md.
#[napi]
pub fn check_serializable(env: &Env, value: Unknown, options: Option<CheckOptions>) -> napi::Result<CheckResult> {
    run(env, value, options, Strategy::Scan)
}

/// Test hook: `checkSerializable` walking every object key by key through N-API, without the
/// JS scan of plain objects and arrays, so tests can compare the two paths.
#[napi(js_name = "__checkSerializableByKey", skip_typescript)]
pub fn check_serializable_by_key(
    env: &Env,
    value: Unknown,
    options: Option<CheckOptions>,
) -> napi::Result<CheckResult> {
    run(env, value, options, Strategy::KeyByKey)
}

/// Test hook: whether this host lets the validator detect Proxies.
#[napi(js_name = "__proxyDetection", skip_typescript)]
pub fn proxy_detection(env: &Env) -> napi::Result<bool> {
    guarded(|| walk::proxy_detection(env)).map_err(|e| to_napi(env, e))
}

fn run(env: &Env, value: Unknown, options: Option<CheckOptions>, strategy: Strategy) -> napi::Result<CheckResult> {
    let limits = options.unwrap_or_default().into();
    guarded(|| walk::check(env, value, &limits, strategy).map(check_result)).map_err(|e| to_napi(env, e))
}
