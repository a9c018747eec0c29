//! No panic crosses the N-API boundary: every export, and every argument conversion, runs in
//! [`guarded`], which turns a panic into an `INTERNAL` error. Release builds unwind
//! (`panic = "unwind"` in Cargo.toml): an abort would take the whole Electron main process down.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use napi::bindgen_prelude::Env;
use napi_derive::napi;

use super::errors;
use crate::error::{panic_message, CoreError, CoreResult};

thread_local! {
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The hook belongs to this addon's own copy of std. It prints nothing (the crate is
        // silent by default); it only records where the panic happened, for the error message.
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
            let _ = PANIC_LOCATION.try_with(|p| *p.borrow_mut() = at);
        }));
    });
}

/// Runs `f`; a panic becomes [`CoreError::Internal`] naming the panic and where it happened.
pub fn guarded<T>(f: impl FnOnce() -> CoreResult<T>) -> CoreResult<T> {
    install_panic_hook();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = panic_message(&*payload);
        let at = PANIC_LOCATION.try_with(|p| p.borrow_mut().take()).ok().flatten();
        tracing::error!(target: "nanostore_ipc_bridge", panic = message.as_str(), "panic caught at the N-API boundary");
        Err(CoreError::internal(match at {
            Some(at) => format!("panic: {message} (at {at})"),
            None => format!("panic: {message}"),
        }))
    })
}

/// Test hook: panics inside an export, so tests can prove the panic becomes an INTERNAL error.
#[napi(js_name = "__panicForTests", skip_typescript)]
pub fn panic_for_tests(env: &Env) -> napi::Result<()> {
    guarded(|| panic!("deliberate test panic")).map_err(|e| errors::to_napi(env, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors_with_their_text() {
        let e = guarded::<()>(|| panic!("formatted {}", 42)).unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::Internal);
        assert!(
            e.to_string().contains("panic: formatted 42 (at src/js/guard.rs:"),
            "{e}"
        );
        assert_eq!(guarded(|| Ok(5)), Ok(5));
    }

    #[test]
    fn panic_payloads_become_text() {
        let p = catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_message(&*p), "static");
        let p = catch_unwind(|| std::panic::panic_any(5u8)).unwrap_err();
        assert_eq!(panic_message(&*p), "unknown panic");
    }
}
