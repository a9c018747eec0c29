//! nanostore-ipc-bridge native core: the thin `#[napi]` surface over the plain-Rust modules.
//!
//! Every export takes `unknown` JS values and converts/validates them itself (`js.rs`), runs
//! under `catch_unwind` (a panic becomes an `INTERNAL` error, never an abort), and throws only
//! JS `Error`s whose `code` is one of the contract codes (`error.rs`), with `storeId` /
//! `windowId` when one is involved. Arguments are fully read before the registry is touched,
//! so a throw leaves the registry unchanged (the registry methods themselves check before they
//! write).
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

mod error;
mod js;
mod log;
#[allow(dead_code)] // the N-API exports come with the typed N-API layer
mod persist;
mod registry;
mod validate;
mod walk;
mod windows;

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Once;

use napi::bindgen_prelude::{Env, ObjectFinalize, Status, Unknown};
use napi::{sys, JsValue};
use napi_derive::napi;

use crate::error::{panic_message, CoreError, CoreResult};
use crate::log::{FieldValue, LogCapture};
use crate::registry::{Registry, RuntimeOptions, StoreOptions, DEFAULT_MAX_DEPTH, MAX_MAX_DEPTH};
use crate::walk::{CheckOptions, Outcome};
use crate::windows::WindowState;

/// Largest `maxPayloadBytes` / `maxBytes` accepted (Number.MAX_SAFE_INTEGER).
const MAX_SAFE: u64 = (1u64 << 53) - 1;

// ---- panics: silent hook + catch_unwind in every export ----

thread_local! {
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // This hook belongs to this addon's own copy of std; it only records where the panic
        // happened (no stderr output) so the INTERNAL error can say it.
        std::panic::set_hook(Box::new(|info| {
            let loc = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
            let _ = PANIC_LOCATION.try_with(|p| *p.borrow_mut() = loc);
        }));
    });
}

fn guarded<T>(f: impl FnOnce() -> CoreResult<T>) -> CoreResult<T> {
    install_panic_hook();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = panic_message(&*payload);
            let at = PANIC_LOCATION.try_with(|p| p.borrow_mut().take()).ok().flatten();
            tracing::error!(target: "nanostore_ipc_bridge", panic = msg.as_str(), "panic caught at the N-API boundary");
            Err(CoreError::internal(match at {
                Some(at) => format!("panic: {msg} (at {at})"),
                None => format!("panic: {msg}"),
            }))
        }
    }
}

fn finish<T>(env: sys::napi_env, r: CoreResult<T>) -> napi::Result<T> {
    r.map_err(|e| {
        js::throw(env, &e);
        napi::Error::new(Status::PendingException, e.to_string())
    })
}

fn raw(u: &Unknown<'_>) -> sys::napi_value {
    u.value().value
}

fn opt_raw(u: &Option<Unknown<'_>>) -> Option<sys::napi_value> {
    u.as_ref().map(raw)
}

fn out<'a>(env: sys::napi_env, v: sys::napi_value) -> Unknown<'a> {
    unsafe { Unknown::from_raw_unchecked(env, v) }
}

// ---- StoreRuntime ----

/// Main-process store runtime: stores, windows, revisions, recipients, write authorization.
/// Each instance has its own registry and logger.
#[napi(custom_finalize)]
pub struct StoreRuntime {
    reg: RefCell<Registry>,
    /// Reused recipients buffer for `commit`.
    scratch: RefCell<Vec<u64>>,
    logs: LogCapture,
    /// Reference to the JS logger, null when none.
    logger: Cell<sys::napi_ref>,
    /// The commit result builder (see `commit_result_fn`), made lazily in this runtime's env.
    hot: Cell<sys::napi_ref>,
}

impl ObjectFinalize for StoreRuntime {
    fn finalize(self, env: Env) -> napi::Result<()> {
        let r = self.logger.replace(ptr::null_mut());
        if !r.is_null() {
            unsafe { sys::napi_delete_reference(env.raw(), r) };
        }
        let r = self.hot.replace(ptr::null_mut());
        if !r.is_null() {
            unsafe { sys::napi_delete_reference(env.raw(), r) };
        }
        Ok(())
    }
}

fn runtime_options(env: sys::napi_env, options: Option<sys::napi_value>) -> CoreResult<RuntimeOptions> {
    let mut o = RuntimeOptions::default();
    let Some(obj) = options
        .map(|v| js::options_object(env, v, "options"))
        .transpose()?
        .flatten()
    else {
        return Ok(o);
    };
    if let Some(v) = js::get_opt(env, obj, c"allowRendererSet", "options.allowRendererSet")? {
        o.allow_renderer_set = js::boolean(env, v, "options.allowRendererSet")?;
    }
    if let Some(v) = js::get_opt(env, obj, c"maxPayloadBytes", "options.maxPayloadBytes")? {
        o.max_payload_bytes = js::uint(env, v, "options.maxPayloadBytes", MAX_SAFE)?;
    }
    if let Some(v) = js::get_opt(env, obj, c"maxDepth", "options.maxDepth")? {
        o.max_depth = js::uint(env, v, "options.maxDepth", MAX_MAX_DEPTH as u64)? as u32;
    }
    Ok(o)
}

/// `skipWindowId` of commit/commitInto: absent, null or undefined means none.
fn skip_window(env: sys::napi_env, v: &Option<Unknown<'_>>) -> CoreResult<Option<u64>> {
    match opt_raw(v) {
        Some(v) if !js::is_nullish(env, v)? => Ok(Some(js::window_id(env, v, "skipWindowId")?)),
        _ => Ok(None),
    }
}

fn store_options(env: sys::napi_env, options: Option<sys::napi_value>) -> CoreResult<StoreOptions> {
    let mut o = StoreOptions::default();
    let Some(obj) = options
        .map(|v| js::options_object(env, v, "options"))
        .transpose()?
        .flatten()
    else {
        return Ok(o);
    };
    if let Some(v) = js::get_opt(env, obj, c"rendererCanSet", "options.rendererCanSet")? {
        o.renderer_can_set = Some(js::boolean(env, v, "options.rendererCanSet")?);
    }
    if let Some(v) = js::get_opt(env, obj, c"maxPayloadBytes", "options.maxPayloadBytes")? {
        o.max_payload_bytes = Some(js::uint(env, v, "options.maxPayloadBytes", MAX_SAFE)?);
    }
    if let Some(v) = js::get_opt(env, obj, c"rev", "options.rev")? {
        o.rev = Some(js::uint(env, v, "options.rev", MAX_SAFE)?);
    }
    Ok(o)
}

fn field_value(env: sys::napi_env, v: &FieldValue) -> CoreResult<sys::napi_value> {
    match v {
        FieldValue::Str(s) => js::string(env, s),
        FieldValue::Num(n) => js::number(env, *n),
        FieldValue::Bool(b) => js::boolean_value(env, *b),
    }
}

fn outcome_value(env: sys::napi_env, o: &Outcome) -> CoreResult<sys::napi_value> {
    let obj = js::object(env)?;
    match o {
        Outcome::Ok { bytes } => {
            js::set(env, obj, c"ok", js::boolean_value(env, true)?)?;
            js::set(env, obj, c"bytes", js::number(env, *bytes as f64)?)?;
        }
        Outcome::Fail {
            bytes,
            path,
            kind,
            message,
        } => {
            js::set(env, obj, c"ok", js::boolean_value(env, false)?)?;
            js::set(env, obj, c"bytes", js::number(env, *bytes as f64)?)?;
            js::set(env, obj, c"path", js::string(env, path)?)?;
            js::set(env, obj, c"kind", js::string(env, kind.as_str())?)?;
            js::set(env, obj, c"message", js::string(env, message)?)?;
        }
    }
    Ok(obj)
}

impl StoreRuntime {
    /// Runs one export: panics caught, tracing captured while a logger is set and delivered
    /// to it before returning (same thread), errors thrown as typed JS errors.
    fn call<T>(&self, env: sys::napi_env, f: impl FnOnce() -> CoreResult<T>) -> napi::Result<T> {
        let logging = !self.logger.get().is_null();
        let r = if logging {
            self.logs.capture(|| guarded(f))
        } else {
            guarded(f)
        };
        if logging {
            self.flush_logs(env);
        }
        finish(env, r)
    }

    /// `(rev, ...recipients) => ({ rev, recipients })`, compiled once per runtime: one call
    /// with n + 1 number arguments is several times cheaper than creating the object, the
    /// array and setting each element through N-API.
    fn commit_result_fn(&self, env: sys::napi_env) -> CoreResult<sys::napi_value> {
        let mut r = self.hot.get();
        if r.is_null() {
            let src = js::string(
                env,
                "(function commitResult(rev, ...recipients) { return { rev, recipients }; })",
            )?;
            let mut f = ptr::null_mut();
            js::check(env, unsafe { sys::napi_run_script(env, src, &mut f) }, "result")?;
            js::check(env, unsafe { sys::napi_create_reference(env, f, 1, &mut r) }, "result")?;
            self.hot.set(r);
        }
        let mut f = ptr::null_mut();
        js::check(env, unsafe { sys::napi_get_reference_value(env, r, &mut f) }, "result")?;
        Ok(f)
    }

    fn with_reg<T>(&self, f: impl FnOnce(&mut Registry) -> CoreResult<T>) -> CoreResult<T> {
        let mut reg = self
            .reg
            .try_borrow_mut()
            .map_err(|_| CoreError::internal("StoreRuntime was re-entered during a call"))?;
        f(&mut reg)
    }

    fn flush_logs(&self, env: sys::napi_env) {
        let events = self.logs.drain();
        if events.is_empty() {
            return;
        }
        // Anything thrown by user code is swallowed: a logger must not break the call.
        let _ = guarded(|| {
            for ev in &events {
                let cb_ref = self.logger.get();
                if cb_ref.is_null() {
                    break;
                }
                let mut cb = ptr::null_mut();
                if unsafe { sys::napi_get_reference_value(env, cb_ref, &mut cb) } != sys::Status::napi_ok
                    || cb.is_null()
                {
                    break;
                }
                let obj = js::object(env)?;
                js::set(env, obj, c"level", js::string(env, ev.level)?)?;
                js::set(env, obj, c"message", js::string(env, &ev.message)?)?;
                let fields = js::object(env)?;
                for (k, v) in &ev.fields {
                    js::set_prop(env, fields, js::string(env, k)?, field_value(env, v)?)?;
                }
                js::set(env, obj, c"fields", fields)?;
                let undefined = js::undefined(env)?;
                let mut argv = [obj];
                let mut res = ptr::null_mut();
                let st = unsafe { sys::napi_call_function(env, undefined, cb, 1, argv.as_mut_ptr(), &mut res) };
                if st != sys::Status::napi_ok {
                    js::take_exception(env);
                }
            }
            Ok(())
        });
        js::take_exception(env);
    }
}

#[napi]
impl StoreRuntime {
    #[napi(
        constructor,
        ts_args_type = "options?: { allowRendererSet?: boolean; maxPayloadBytes?: number; maxDepth?: number }"
    )]
    pub fn new(env: Env, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        let e = env.raw();
        let r = guarded(|| {
            let opts = runtime_options(e, opt_raw(&options))?;
            Ok(StoreRuntime {
                reg: RefCell::new(Registry::new(opts)),
                scratch: RefCell::new(Vec::with_capacity(16)),
                logs: LogCapture::new(),
                logger: Cell::new(ptr::null_mut()),
                hot: Cell::new(ptr::null_mut()),
            })
        });
        finish(e, r)
    }

    /// Registers a store at `options.rev` (default 0). STORE_EXISTS on duplicate.
    #[napi(ts_args_type = "id: string, options?: { rendererCanSet?: boolean; maxPayloadBytes?: number; rev?: number }")]
    pub fn register_store(&self, env: Env, id: Unknown<'_>, options: Option<Unknown<'_>>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let id = js::store_id(e, raw(&id), "storeId")?;
            let opts = store_options(e, opt_raw(&options))?;
            self.with_reg(|r| r.register_store(&id, opts))
        })
    }

    /// Removes a store and drops it from every window's subscriptions. STORE_NOT_FOUND.
    #[napi(ts_args_type = "id: string")]
    pub fn unregister_store(&self, env: Env, id: Unknown<'_>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let id = js::store_id(e, raw(&id), "storeId")?;
            self.with_reg(|r| r.unregister_store(&id))
        })
    }

    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "{ id: string; rev: number; rendererCanSet: boolean; maxPayloadBytes: number; subscribers: number[] } | null"
    )]
    pub fn store_info<'a>(&self, env: Env, id: Unknown<'_>) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let id = js::store_id(e, raw(&id), "storeId")?;
            let info = self.with_reg(|r| Ok(r.store_info(&id)))?;
            let Some(info) = info else {
                return Ok(out(e, js::null(e)?));
            };
            let o = js::object(e)?;
            js::set(e, o, c"id", js::string(e, &info.id)?)?;
            js::set(e, o, c"rev", js::number(e, info.rev as f64)?)?;
            js::set(e, o, c"rendererCanSet", js::boolean_value(e, info.renderer_can_set)?)?;
            js::set(e, o, c"maxPayloadBytes", js::number(e, info.max_payload_bytes as f64)?)?;
            js::set(e, o, c"subscribers", js::number_array(e, &info.subscribers)?)?;
            Ok(out(e, o))
        })
    }

    /// Registered store ids, sorted.
    #[napi(ts_return_type = "string[]")]
    pub fn store_ids<'a>(&self, env: Env) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let ids = self.with_reg(|r| Ok(r.store_ids()))?;
            Ok(out(e, js::string_array(e, &ids)?))
        })
    }

    /// True if the window is new (state 'loading'); a known window is left unchanged: false.
    #[napi(ts_args_type = "windowId: number", ts_return_type = "boolean")]
    pub fn register_window(&self, env: Env, window_id: Unknown<'_>) -> napi::Result<bool> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            self.with_reg(|r| Ok(r.register_window(w)))
        })
    }

    #[napi(ts_args_type = "windowId: number, state: 'loading' | 'ready' | 'gone'")]
    pub fn set_window_state(&self, env: Env, window_id: Unknown<'_>, state: Unknown<'_>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            let s = raw(&state);
            let parsed = match js::string_units(e, s) {
                Some(n) if n <= 16 => js::read_string(e, s).and_then(|s| WindowState::parse(&s)),
                _ => None,
            };
            let Some(state) = parsed else {
                return Err(CoreError::invalid_arg("state", "must be 'loading', 'ready' or 'gone'"));
            };
            self.with_reg(|r| r.set_window_state(w, state))
        })
    }

    /// Removes the window from every store in one call; false if unknown.
    #[napi(ts_args_type = "windowId: number", ts_return_type = "boolean")]
    pub fn forget_window(&self, env: Env, window_id: Unknown<'_>) -> napi::Result<bool> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            self.with_reg(|r| Ok(r.forget_window(w)))
        })
    }

    #[napi(
        ts_args_type = "windowId: number",
        ts_return_type = "{ id: number; state: 'loading' | 'ready' | 'gone'; stores: string[]; all: boolean } | null"
    )]
    pub fn window_info<'a>(&self, env: Env, window_id: Unknown<'_>) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            let info = self.with_reg(|r| Ok(r.window_info(w)))?;
            let Some(info) = info else {
                return Ok(out(e, js::null(e)?));
            };
            let o = js::object(e)?;
            js::set(e, o, c"id", js::number(e, info.id as f64)?)?;
            js::set(e, o, c"state", js::string(e, info.state.as_str())?)?;
            js::set(e, o, c"stores", js::string_array(e, &info.stores)?)?;
            js::set(e, o, c"all", js::boolean_value(e, info.all)?)?;
            Ok(out(e, o))
        })
    }

    /// Registered window ids, ascending.
    #[napi(ts_return_type = "number[]")]
    pub fn window_ids<'a>(&self, env: Env) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let ids = self.with_reg(|r| Ok(r.window_ids()))?;
            Ok(out(e, js::number_array(e, &ids)?))
        })
    }

    /// Subscribes a live window; returns the ids that are not registered (not subscribed).
    #[napi(ts_args_type = "windowId: number, storeIds: string[]", ts_return_type = "string[]")]
    pub fn subscribe<'a>(&self, env: Env, window_id: Unknown<'_>, store_ids: Unknown<'_>) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            let ids = js::store_id_list(e, raw(&store_ids), "storeIds")?;
            let missing = self.with_reg(|r| r.subscribe(w, &ids))?;
            Ok(out(e, js::string_array(e, &missing)?))
        })
    }

    /// Unknown store ids are ignored.
    #[napi(ts_args_type = "windowId: number, storeIds: string[]")]
    pub fn unsubscribe(&self, env: Env, window_id: Unknown<'_>, store_ids: Unknown<'_>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            let ids = js::store_id_list(e, raw(&store_ids), "storeIds")?;
            self.with_reg(|r| r.unsubscribe(w, &ids))
        })
    }

    #[napi(ts_args_type = "windowId: number, enabled: boolean")]
    pub fn subscribe_all(&self, env: Env, window_id: Unknown<'_>, enabled: Unknown<'_>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            let on = js::boolean(e, raw(&enabled), "enabled")?;
            self.with_reg(|r| r.subscribe_all(w, on))
        })
    }

    /// Page reloaded: drops all the window's subscriptions and its subscribe-all flag.
    #[napi(ts_args_type = "windowId: number")]
    pub fn reset_window(&self, env: Env, window_id: Unknown<'_>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            self.with_reg(|r| r.reset_window(w))
        })
    }

    /// Commits into the reused scratch list of recipients (no allocation per commit).
    fn commit_to_scratch(&self, id: &str, skip: Option<u64>) -> CoreResult<(u64, std::cell::RefMut<'_, Vec<u64>>)> {
        let mut scratch = self
            .scratch
            .try_borrow_mut()
            .map_err(|_| CoreError::internal("StoreRuntime was re-entered during a call"))?;
        let rev = self.with_reg(|r| r.commit(id, skip, &mut scratch))?;
        Ok((rev, scratch))
    }

    /// rev + 1; recipients = live windows subscribed to the store or to all, minus skipWindowId.
    #[napi(
        ts_args_type = "storeId: string, skipWindowId?: number",
        ts_return_type = "{ rev: number; recipients: number[] }"
    )]
    pub fn commit<'a>(
        &self,
        env: Env,
        store_id: Unknown<'_>,
        skip_window_id: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let id = js::store_id(e, raw(&store_id), "storeId")?;
            let skip = skip_window(e, &skip_window_id)?;
            let (rev, scratch) = self.commit_to_scratch(&id, skip)?;
            if scratch.len() > 1024 {
                // Past any sane window count: stay clear of argument-count limits.
                let o = js::object(e)?;
                js::set(e, o, c"rev", js::number(e, rev as f64)?)?;
                js::set(e, o, c"recipients", js::number_array(e, &scratch)?)?;
                return Ok(out(e, o));
            }
            let f = self.commit_result_fn(e)?;
            let mut argv = [ptr::null_mut(); 17];
            let mut heap: Vec<sys::napi_value>;
            let args: &mut [sys::napi_value] = if scratch.len() < argv.len() {
                &mut argv[..scratch.len() + 1]
            } else {
                heap = vec![ptr::null_mut(); scratch.len() + 1];
                &mut heap
            };
            args[0] = js::number(e, rev as f64)?;
            for (slot, w) in args[1..].iter_mut().zip(scratch.iter()) {
                *slot = js::number(e, *w as f64)?;
            }
            let undefined = js::undefined(e)?;
            let mut o = ptr::null_mut();
            js::check(
                e,
                unsafe { sys::napi_call_function(e, undefined, f, args.len(), args.as_ptr(), &mut o) },
                "result",
            )?;
            Ok(out(e, o))
        })
    }

    /// The broadcast hot path without allocation: writes the new rev into `out[0]` and the
    /// recipients into `out[1..=n]`, returns n. `out` is a Float64Array the caller keeps and
    /// reuses; it must hold at least windowCount + 1 numbers (INVALID_ARGUMENT otherwise,
    /// checked before anything changes).
    #[napi(
        ts_args_type = "storeId: string, skipWindowId: number | undefined, out: Float64Array",
        ts_return_type = "number"
    )]
    pub fn commit_into(
        &self,
        env: Env,
        store_id: Unknown<'_>,
        skip_window_id: Option<Unknown<'_>>,
        out_array: Option<Unknown<'_>>,
    ) -> napi::Result<u32> {
        let e = env.raw();
        self.call(e, || {
            let id = js::store_id(e, raw(&store_id), "storeId")?;
            let skip = skip_window(e, &skip_window_id)?;
            let bad_out = || CoreError::InvalidArgument {
                what: "out".to_string(),
                reason: "expected a Float64Array".to_string(),
            };
            let arr = opt_raw(&out_array).ok_or_else(bad_out)?;
            let mut is_typed = false;
            js::check(e, unsafe { sys::napi_is_typedarray(e, arr, &mut is_typed) }, "out")?;
            if !is_typed {
                return Err(bad_out());
            }
            let (mut ty, mut len, mut data, mut buf, mut off) = (0, 0usize, ptr::null_mut(), ptr::null_mut(), 0usize);
            js::check(
                e,
                unsafe { sys::napi_get_typedarray_info(e, arr, &mut ty, &mut len, &mut data, &mut buf, &mut off) },
                "out",
            )?;
            if ty != sys::TypedarrayType::float64_array || (len > 0 && data.is_null()) {
                return Err(bad_out());
            }
            let windows = self.with_reg(|r| Ok(r.stats().windows))?;
            if len < windows + 1 {
                return Err(CoreError::InvalidArgument {
                    what: "out".to_string(),
                    reason: format!("holds {len} numbers; {} needed for {windows} windows", windows + 1),
                });
            }
            let (rev, scratch) = self.commit_to_scratch(&id, skip)?;
            // SAFETY: `data` points at `len` f64s owned by the JS typed array, which stays
            // alive for this call; recipients <= windows < len (checked above).
            let slots = unsafe { std::slice::from_raw_parts_mut(data as *mut f64, len) };
            slots[0] = rev as f64;
            for (slot, w) in slots[1..].iter_mut().zip(scratch.iter()) {
                *slot = *w as f64;
            }
            Ok(scratch.len() as u32)
        })
    }

    /// Throws STORE_NOT_FOUND | RENDERER_WRITE_DISABLED | WINDOW_NOT_FOUND; returns nothing when
    /// the write is allowed.
    #[napi(ts_args_type = "windowId: number, storeId: string")]
    pub fn authorize_write(&self, env: Env, window_id: Unknown<'_>, store_id: Unknown<'_>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let w = js::window_id(e, raw(&window_id), "windowId")?;
            let id = js::store_id(e, raw(&store_id), "storeId")?;
            self.with_reg(|r| r.authorize_write(w, &id))
        })
    }

    /// `checkSerializable(value, { root: storeId, maxDepth: <runtime maxDepth>, maxBytes:
    /// <store maxPayloadBytes> })`. STORE_NOT_FOUND if the store is not registered.
    #[napi(
        ts_args_type = "storeId: string, value: unknown",
        ts_return_type = "{ ok: true; bytes: number } | { ok: false; bytes: number; path: string; kind: string; message: string }"
    )]
    pub fn check_store_value<'a>(
        &self,
        env: Env,
        store_id: Unknown<'_>,
        value: Unknown<'_>,
    ) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let id = js::store_id(e, raw(&store_id), "storeId")?;
            let (max_bytes, max_depth) = self.with_reg(|r| {
                let s = r
                    .store(&id)
                    .ok_or_else(|| CoreError::StoreNotFound { id: id.clone() })?;
                Ok((s.max_payload_bytes, r.options().max_depth))
            })?;
            let outcome = walk::check(
                e,
                raw(&value),
                &CheckOptions {
                    root: id,
                    max_depth,
                    max_bytes,
                },
            )?;
            Ok(out(e, outcome_value(e, &outcome)?))
        })
    }

    #[napi(ts_return_type = "{ allowRendererSet: boolean; maxPayloadBytes: number; maxDepth: number }")]
    pub fn options<'a>(&self, env: Env) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let o = self.with_reg(|r| Ok(*r.options()))?;
            let obj = js::object(e)?;
            js::set(e, obj, c"allowRendererSet", js::boolean_value(e, o.allow_renderer_set)?)?;
            js::set(e, obj, c"maxPayloadBytes", js::number(e, o.max_payload_bytes as f64)?)?;
            js::set(e, obj, c"maxDepth", js::number(e, o.max_depth as f64)?)?;
            Ok(out(e, obj))
        })
    }

    #[napi(ts_return_type = "{ stores: number; windows: number; subscriptions: number; allSubscribers: number }")]
    pub fn stats<'a>(&self, env: Env) -> napi::Result<Unknown<'a>> {
        let e = env.raw();
        self.call(e, || {
            let s = self.with_reg(|r| Ok(r.stats()))?;
            let o = js::object(e)?;
            js::set(e, o, c"stores", js::number(e, s.stores as f64)?)?;
            js::set(e, o, c"windows", js::number(e, s.windows as f64)?)?;
            js::set(e, o, c"subscriptions", js::number(e, s.subscriptions as f64)?)?;
            js::set(e, o, c"allSubscribers", js::number(e, s.all_subscribers as f64)?)?;
            Ok(out(e, o))
        })
    }

    /// Routes this runtime's tracing events to `cb` ({ level, message, fields }), or stops
    /// with null/undefined. A throwing logger is ignored.
    #[napi(
        ts_args_type = "cb: ((event: { level: string; message: string; fields: Record<string, string | number | boolean> }) => void) | null"
    )]
    pub fn set_logger(&self, env: Env, cb: Option<Unknown<'_>>) -> napi::Result<()> {
        let e = env.raw();
        self.call(e, || {
            let new_ref = match opt_raw(&cb) {
                Some(v) if !js::is_nullish(e, v)? => {
                    let t = js::type_of(e, v)?;
                    if t != sys::ValueType::napi_function {
                        return Err(CoreError::invalid_arg(
                            "cb",
                            format!("must be a function or null, got {}", js::type_name(t)),
                        ));
                    }
                    let mut r = ptr::null_mut();
                    js::check(e, unsafe { sys::napi_create_reference(e, v, 1, &mut r) }, "cb")?;
                    r
                }
                _ => ptr::null_mut(),
            };
            let old = self.logger.replace(new_ref);
            if !old.is_null() {
                unsafe { sys::napi_delete_reference(e, old) };
            }
            if new_ref.is_null() {
                // Nothing will drain it any more.
                let _ = self.logs.drain();
            }
            Ok(())
        })
    }
}

/// Whether `value` survives Electron's structured clone without loss; see ARCHITECTURE.md.
#[napi(
    ts_args_type = "value: unknown, options?: { root?: string; maxDepth?: number; maxBytes?: number }",
    ts_return_type = "{ ok: true; bytes: number } | { ok: false; bytes: number; path: string; kind: string; message: string }"
)]
pub fn check_serializable<'a>(env: Env, value: Unknown<'_>, options: Option<Unknown<'_>>) -> napi::Result<Unknown<'a>> {
    let e = env.raw();
    let r = guarded(|| {
        let mut opts = CheckOptions {
            root: "value".into(),
            max_depth: DEFAULT_MAX_DEPTH,
            max_bytes: 0,
        };
        if let Some(obj) = opt_raw(&options)
            .map(|v| js::options_object(e, v, "options"))
            .transpose()?
            .flatten()
        {
            if let Some(v) = js::get_opt(e, obj, c"root", "options.root")? {
                let n =
                    js::string_units(e, v).ok_or_else(|| CoreError::invalid_arg("options.root", "must be a string"))?;
                if n == 0 || n > 1024 {
                    return Err(CoreError::invalid_arg(
                        "options.root",
                        "must be 1..1024 characters long",
                    ));
                }
                opts.root = js::read_string(e, v).unwrap_or_default();
            }
            if let Some(v) = js::get_opt(e, obj, c"maxDepth", "options.maxDepth")? {
                opts.max_depth = js::uint(e, v, "options.maxDepth", MAX_MAX_DEPTH as u64)? as u32;
            }
            if let Some(v) = js::get_opt(e, obj, c"maxBytes", "options.maxBytes")? {
                opts.max_bytes = js::uint(e, v, "options.maxBytes", MAX_SAFE)?;
            }
        }
        let outcome = walk::check(e, raw(&value), &opts)?;
        Ok(out(e, outcome_value(e, &outcome)?))
    });
    finish(e, r)
}

/// Test hook: panics inside an export so tests can prove the panic becomes an INTERNAL error.
#[napi(js_name = "__panicForTests", skip_typescript)]
pub fn panic_for_tests(env: Env) -> napi::Result<()> {
    let e = env.raw();
    let r: CoreResult<()> = guarded(|| panic!("deliberate test panic"));
    finish(e, r)
}

/// Test hook: whether this host lets the validator detect Proxies.
#[napi(js_name = "__proxyDetection", skip_typescript)]
pub fn proxy_detection(env: Env) -> napi::Result<bool> {
    let e = env.raw();
    let r = guarded(|| walk::proxy_detection(e));
    finish(e, r)
}
