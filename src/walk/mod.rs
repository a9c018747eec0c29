//! The structured-clone validator: walks a JS value and reports the first value Electron's IPC
//! would reject or silently change (in clone order), with its path and kind, and estimates the
//! serialized size.
//!
//! - `frame.rs`: the traversal. Iterative (an explicit stack of frames, so no input depth can
//!   overflow the native stack), in batches of steps, each batch in its own handle scope; each
//!   object is walked once (cycles and shared references are legal). `frame/visit.rs`: one
//!   value's step (checked, counted, opened into a frame when it has children).
//! - `classify.rs`: what the clone does with each kind of value (the decision table), and how
//!   the walk reads an object's kind through N-API.
//! - `path.rs`: the path of a reported value; `size.rs`: the size estimate.
//! - `helper.rs` + `helper.js`: the JS half, evaluated once per environment: a scan of a plain
//!   object or array per N-API crossing (V8's fast paths; N-API's key listing is several times
//!   slower), the identity set, Proxy detection, Map and Set contents, the built-in prototypes;
//!   `scan.rs`: the encoding of a scan's result.

mod classify;
mod frame;
mod helper;
mod path;
mod scan;
mod size;

use napi::bindgen_prelude::{Env, Unknown};

pub use classify::ValidationKind;

use crate::error::CoreResult;

/// What a check allows.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The name paths start from.
    pub root: String,
    /// How many levels a value may nest below the root (the root is level 0).
    pub max_depth: u32,
    /// Largest estimated size; 0 = no limit.
    pub max_bytes: u64,
}

/// The verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok {
        bytes: u64,
    },
    Fail {
        /// The estimate up to where the walk stopped.
        bytes: u64,
        path: String,
        kind: ValidationKind,
        message: String,
    },
}

/// How plain objects and arrays are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// One helper call scans each plain object or array (the fast path).
    Scan,
    /// Every object is read key by key through N-API (the path taken when a scan fails; forced
    /// by a test hook to check that both report the same sizes).
    KeyByKey,
}

/// Checks `value` against `limits`.
pub fn check(env: &Env, value: Unknown<'_>, limits: &Limits, strategy: Strategy) -> CoreResult<Outcome> {
    frame::Walk::new(env, limits, strategy)?.run(value)
}

/// Whether this host lets the validator detect Proxies.
pub fn proxy_detection(env: &Env) -> CoreResult<bool> {
    Ok(helper::Helpers::of(env)?.proxy_detection())
}
