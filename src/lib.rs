//! nanostore-ipc-bridge native core: the main process's store runtime as a Node-API addon.
//!
//! Plain Rust, tested by `cargo test` without Node: `registry` (stores, revisions,
//! subscriptions, commit, authorization), `windows` (the window table), `history` (the
//! bounded per-store ring of recorded commits the inspector reads), `error` (one
//! `CoreError` and the error codes), `log` (a per-runtime `tracing` capture), and the pure
//! halves of `walk` (the clone rules, paths, the size formula, the scan encoding). The N-API
//! layer, on napi-rs's typed surface: `js` (typed arguments, results and errors, the
//! `StoreRuntime` class, `checkSerializable`) and the traversal in `walk` (the validator's walk
//! over a JS value, with its JS helper). `persist` saves store values to a file from a writer
//! thread (plain Rust, with its `Persistence` class in `persist/napi.rs`).
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

mod error;
mod history;
mod js;
mod log;
mod persist;
mod registry;
mod services;
#[cfg(test)]
mod test_rng;
mod walk;
mod windows;

// The free `#[napi]` functions (the class is `js::StoreRuntime`). Exported from the crate root
// because `cargo test` builds without napi-rs's registration, which is what calls them.
pub use js::{
    authorize_store_write, check_serializable, check_serializable_by_key, commit_store, error_codes, panic_for_tests,
    proxy_detection,
};
