//! Result objects: plain data out of the registry and the validator, as `#[napi(object)]`
//! structs (napi-rs converts them and declares them in `native.d.ts`). Counts, revisions and
//! ids are JS numbers: exact below 2^53, which the registry guarantees.

use napi::bindgen_prelude::Either;
use napi_derive::napi;

use crate::registry;
use crate::walk::{Outcome, ValidationKind};
use crate::windows::WindowState;

/// A registered store.
#[napi(object, object_from_js = false)]
pub struct StoreInfo {
    pub id: String,
    /// The revision of the last commit (the registration rev before any).
    pub rev: f64,
    pub renderer_can_set: bool,
    /// 0 = no limit.
    pub max_payload_bytes: f64,
    /// Windows subscribed to this store by id (not via subscribe-all), ascending.
    pub subscribers: Vec<f64>,
}

impl From<registry::StoreInfo> for StoreInfo {
    fn from(s: registry::StoreInfo) -> Self {
        StoreInfo {
            id: s.id,
            rev: s.rev as f64,
            renderer_can_set: s.renderer_can_set,
            max_payload_bytes: s.max_payload_bytes as f64,
            subscribers: s.subscribers.into_iter().map(|w| w as f64).collect(),
        }
    }
}

/// A registered window.
#[napi(object, object_from_js = false)]
pub struct WindowInfo {
    pub id: f64,
    pub state: WindowState,
    /// Stores it subscribed to by id, sorted.
    pub stores: Vec<String>,
    /// Subscribed to every store (present and future).
    pub all: bool,
}

impl From<registry::WindowInfo> for WindowInfo {
    fn from(w: registry::WindowInfo) -> Self {
        WindowInfo {
            id: w.id as f64,
            state: w.state,
            stores: w.stores,
            all: w.all,
        }
    }
}

/// The runtime's options with defaults applied.
#[napi(object, object_from_js = false)]
pub struct RuntimeSettings {
    pub allow_renderer_set: bool,
    /// 0 = no limit.
    pub max_payload_bytes: f64,
    pub max_depth: u32,
}

impl From<registry::RuntimeOptions> for RuntimeSettings {
    fn from(o: registry::RuntimeOptions) -> Self {
        RuntimeSettings {
            allow_renderer_set: o.allow_renderer_set,
            max_payload_bytes: o.max_payload_bytes as f64,
            max_depth: o.max_depth,
        }
    }
}

/// Counts of the registry.
#[napi(object, object_from_js = false)]
pub struct RuntimeStats {
    pub stores: f64,
    pub windows: f64,
    /// Per-store subscriptions (subscribe-all not counted).
    pub subscriptions: f64,
    /// Windows subscribed to every store.
    pub all_subscribers: f64,
}

impl From<registry::Stats> for RuntimeStats {
    fn from(s: registry::Stats) -> Self {
        RuntimeStats {
            stores: s.stores as f64,
            windows: s.windows as f64,
            subscriptions: s.subscriptions as f64,
            all_subscribers: s.all_subscribers as f64,
        }
    }
}

/// The value survives Electron's structured clone.
#[napi(object, object_from_js = false)]
pub struct CheckPassed {
    // napi-rs has no boolean literal types: the discriminant is spelled out.
    #[napi(ts_type = "true")]
    pub ok: bool,
    /// Estimated size of the serialized value.
    pub bytes: f64,
}

/// The first value (in clone order) that the clone would reject or silently change.
#[napi(object, object_from_js = false)]
pub struct CheckFailed {
    #[napi(ts_type = "false")]
    pub ok: bool,
    /// Estimate up to the point the walk stopped.
    pub bytes: f64,
    /// Where, in JS accessor syntax from the root: `settings.items[3].onClick`.
    pub path: String,
    pub kind: ValidationKind,
    pub message: String,
}

/// What `checkSerializable` and `checkStoreValue` return.
#[napi]
pub type CheckResult = Either<CheckPassed, CheckFailed>;

pub fn check_result(outcome: Outcome) -> CheckResult {
    match outcome {
        Outcome::Ok { bytes } => Either::A(CheckPassed {
            ok: true,
            bytes: bytes as f64,
        }),
        Outcome::Fail {
            bytes,
            path,
            kind,
            message,
        } => Either::B(CheckFailed {
            ok: false,
            bytes: bytes as f64,
            path,
            kind,
            message,
        }),
    }
}
