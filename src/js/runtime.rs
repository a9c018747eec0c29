//! `StoreRuntime`: the main-process store runtime as a JS class, a thin layer over
//! `Registry`. Arguments arrive parsed (`args.rs`, `options.rs`): a bad one throws before the
//! method runs, so a throw leaves the registry unchanged (the registry methods themselves
//! check before they write). Each instance owns its registry and log capture: runtimes share
//! nothing. The broadcaster's commit is a plain function, `commitStore` (`runtime/hot.rs`),
//! which reaches a runtime by its slot in a per-thread table.

use std::cell::{RefCell, RefMut};
use std::ops::Deref;
use std::rc::Rc;

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;

use super::args::{CommitBuffer, Enabled, SkipWindowId, StoreId, StoreIds, WindowId, WindowStateArg};
use super::errors::to_napi;
use super::guard::guarded;
use super::logger::{self, LogCallback};
use super::options::{RuntimeOptions, StoreOptions};
use super::results::{check_result, CheckResult, RuntimeSettings, RuntimeStats, StoreInfo, WindowInfo};
use crate::error::{CoreError, CoreResult};
use crate::history::History;
use crate::log::LogCapture;
use crate::registry::Registry;
use crate::walk::{self, Limits, Strategy};

// The service methods of the class (a child module: it shares `call` and `registry`).
mod services;
// The history methods (recording commits for the inspector), likewise.
mod history;
// The broadcaster's commit path (`commitStore`, `recipientsInto`) and the table of runtimes.
mod hot;
pub use hot::{authorize_store_write, commit_store};

/// Main-process store runtime: stores, windows, revisions, recipients, write authorization.
/// Each instance has its own registry and logger.
#[napi]
pub struct StoreRuntime {
    core: Rc<RuntimeCore>,
    /// This runtime's number in its thread's table (`hot.rs`), for `commitStore`.
    slot: u32,
}

/// What a runtime owns. Shared (`Rc`) with the thread's table of runtimes, which holds it
/// weakly: the JS object owns it.
pub struct RuntimeCore {
    registry: RefCell<Registry>,
    /// Reused list of a commit's recipients (no allocation per commit).
    recipients: RefCell<Vec<u64>>,
    logs: LogCapture,
    logger: RefCell<Option<LogCallback>>,
    /// Recorded commits while history is on (`js/runtime/history.rs`); None: off.
    history: RefCell<Option<History>>,
}

impl Deref for StoreRuntime {
    type Target = RuntimeCore;

    fn deref(&self) -> &RuntimeCore {
        &self.core
    }
}

impl Drop for StoreRuntime {
    fn drop(&mut self) {
        hot::release(self.slot);
    }
}

#[napi]
impl StoreRuntime {
    #[napi(constructor)]
    pub fn new(env: &Env, options: Option<RuntimeOptions>) -> napi::Result<Self> {
        let options = options.unwrap_or_default().into();
        guarded(|| {
            let core = Rc::new(RuntimeCore {
                registry: RefCell::new(Registry::new(options)),
                recipients: RefCell::new(Vec::with_capacity(16)),
                logs: LogCapture::new(),
                logger: RefCell::new(None),
                history: RefCell::new(None),
            });
            let slot = hot::register(&core)?;
            Ok(StoreRuntime { core, slot })
        })
        .map_err(|e| to_napi(env, e))
    }

    /// Registers a store at `options.rev` (default 0) and returns its handle, the number
    /// `commitStore` and `recipientsInto` name it by (never reused by this runtime).
    /// STORE_EXISTS on duplicate.
    #[napi]
    pub fn register_store(&self, env: &Env, id: StoreId, options: Option<StoreOptions>) -> napi::Result<u32> {
        let options = options.unwrap_or_default().into();
        self.call(env, || self.registry()?.register_store(&id.0, options))
    }

    /// Removes a store and drops it from every window's subscriptions (and its history).
    /// STORE_NOT_FOUND.
    #[napi]
    pub fn unregister_store(&self, env: &Env, id: StoreId) -> napi::Result<()> {
        self.call(env, || {
            self.registry()?.unregister_store(&id.0)?;
            if let Some(history) = self.history_mut()?.as_mut() {
                history.forget(&id.0);
            }
            Ok(())
        })
    }

    #[napi]
    pub fn store_info(&self, env: &Env, id: StoreId) -> napi::Result<Option<StoreInfo>> {
        self.call(env, || Ok(self.registry()?.store_info(&id.0).map(StoreInfo::from)))
    }

    /// Registered store ids, sorted.
    #[napi]
    pub fn store_ids(&self, env: &Env) -> napi::Result<Vec<String>> {
        self.call(env, || {
            Ok(self.registry()?.store_ids().iter().map(|id| id.to_string()).collect())
        })
    }

    /// True if the window is new (state 'loading'); a known window is left unchanged: false.
    #[napi]
    pub fn register_window(&self, env: &Env, window_id: WindowId) -> napi::Result<bool> {
        self.call(env, || Ok(self.registry()?.register_window(window_id.get())))
    }

    /// WINDOW_NOT_FOUND for an unknown window.
    #[napi]
    pub fn set_window_state(&self, env: &Env, window_id: WindowId, state: WindowStateArg) -> napi::Result<()> {
        self.call(env, || self.registry()?.set_window_state(window_id.get(), state.0))
    }

    /// Removes the window from every store in one call; false if unknown.
    #[napi]
    pub fn forget_window(&self, env: &Env, window_id: WindowId) -> napi::Result<bool> {
        self.call(env, || Ok(self.registry()?.forget_window(window_id.get())))
    }

    #[napi]
    pub fn window_info(&self, env: &Env, window_id: WindowId) -> napi::Result<Option<WindowInfo>> {
        self.call(env, || {
            Ok(self.registry()?.window_info(window_id.get()).map(WindowInfo::from))
        })
    }

    /// Registered window ids, ascending.
    #[napi]
    pub fn window_ids(&self, env: &Env) -> napi::Result<Vec<f64>> {
        self.call(env, || {
            Ok(self.registry()?.window_ids().into_iter().map(|w| w as f64).collect())
        })
    }

    /// Subscribes a live window; returns the ids that are not registered (not subscribed).
    #[napi]
    pub fn subscribe(&self, env: &Env, window_id: WindowId, store_ids: StoreIds) -> napi::Result<Vec<String>> {
        self.call(env, || self.registry()?.subscribe(window_id.get(), &store_ids.0))
    }

    /// Unknown store ids are ignored.
    #[napi]
    pub fn unsubscribe(&self, env: &Env, window_id: WindowId, store_ids: StoreIds) -> napi::Result<()> {
        self.call(env, || self.registry()?.unsubscribe(window_id.get(), &store_ids.0))
    }

    /// Turning it on needs a live window, turning it off a known one.
    #[napi]
    pub fn subscribe_all(&self, env: &Env, window_id: WindowId, enabled: Enabled) -> napi::Result<()> {
        self.call(env, || self.registry()?.subscribe_all(window_id.get(), enabled.0))
    }

    /// Page reloaded: drops all the window's subscriptions and its subscribe-all flag.
    #[napi]
    pub fn reset_window(&self, env: &Env, window_id: WindowId) -> napi::Result<()> {
        self.call(env, || self.registry()?.reset_window(window_id.get()))
    }

    /// The commit by id, without allocation: bumps the store's revision and writes it into
    /// `out[0]`, the recipients (live windows subscribed to the store or to all, ascending,
    /// minus `skipWindowId`) into `out[1..=n]`, and returns n. `out` is a Float64Array the
    /// caller keeps and reuses; it must hold at least windowCount + 1 numbers (INVALID_ARGUMENT
    /// otherwise, checked before anything changes). Main's broadcaster commits by handle
    /// (`commitStore`, `runtime/hot.rs`).
    #[napi]
    pub fn commit_into(
        &self,
        env: &Env,
        store_id: StoreId,
        skip_window_id: Option<SkipWindowId>,
        #[napi(ts_arg_type = "Float64Array")] out: CommitBuffer,
    ) -> napi::Result<u32> {
        let out = out.0;
        self.call(env, || {
            let mut registry = self.registry()?;
            check_room(out, registry.stats().windows, 1)?;
            let mut recipients = self.recipients()?;
            let skip = skip_window_id.map(|w| w.0.get());
            out[0] = registry.commit(&store_id.0, skip, &mut recipients)? as f64;
            Ok(write_ids(&mut out[1..], &recipients))
        })
    }

    /// Throws STORE_NOT_FOUND | RENDERER_WRITE_DISABLED | WINDOW_NOT_FOUND; returns nothing when
    /// the write is allowed.
    #[napi]
    pub fn authorize_write(&self, env: &Env, window_id: WindowId, store_id: StoreId) -> napi::Result<()> {
        self.call(env, || self.registry()?.authorize_write(window_id.get(), &store_id.0))
    }

    /// `checkSerializable(value, { root: storeId, maxDepth: <runtime maxDepth>, maxBytes:
    /// <store maxPayloadBytes> })`. STORE_NOT_FOUND if the store is not registered.
    #[napi]
    pub fn check_store_value(&self, env: &Env, store_id: StoreId, value: Unknown) -> napi::Result<CheckResult> {
        self.call(env, || {
            let limits = {
                let registry = self.registry()?;
                let store = registry
                    .store(&store_id.0)
                    .ok_or_else(|| CoreError::StoreNotFound { id: store_id.0.clone() })?;
                Limits {
                    max_depth: registry.options().max_depth,
                    max_bytes: store.max_payload_bytes,
                    root: store_id.0.clone(),
                }
            };
            // The registry is not borrowed during the walk: getters may call this runtime.
            walk::check(env, value, &limits, Strategy::Scan).map(check_result)
        })
    }

    /// The constructor options with defaults applied.
    #[napi]
    pub fn options(&self, env: &Env) -> napi::Result<RuntimeSettings> {
        self.call(env, || Ok((*self.registry()?.options()).into()))
    }

    #[napi]
    pub fn stats(&self, env: &Env) -> napi::Result<RuntimeStats> {
        self.call(env, || Ok(self.registry()?.stats().into()))
    }

    /// Routes this runtime's tracing events to `cb` ({ level, message, fields }), or stops
    /// with null / undefined. A throwing logger is ignored.
    #[napi]
    pub fn set_logger(&self, env: &Env, cb: Option<LogCallback>) -> napi::Result<()> {
        self.call(env, || {
            let stopping = cb.is_none();
            let previous = self
                .logger
                .try_borrow_mut()
                .map(|mut logger| std::mem::replace(&mut *logger, cb))
                .map_err(|_| reentered())?;
            drop(previous);
            if stopping {
                // Nothing will drain the buffer any more.
                let _ = self.logs.drain();
            }
            Ok(())
        })
    }
}

impl RuntimeCore {
    /// Runs one method body: panics caught, tracing captured while a logger is set and
    /// delivered to it before returning, errors thrown as typed JS errors.
    fn call<T>(&self, env: &Env, body: impl FnOnce() -> CoreResult<T>) -> napi::Result<T> {
        let logging = self.logger.try_borrow().map(|l| l.is_some()).unwrap_or(false);
        let result = if logging {
            self.logs.capture(|| guarded(body))
        } else {
            guarded(body)
        };
        if logging {
            let events = self.logs.drain();
            // A panic while delivering is dropped like a throwing logger: the call stands.
            let _ = guarded(|| {
                logger::deliver(env, &self.logger, events);
                Ok(())
            });
        }
        result.map_err(|e| to_napi(env, e))
    }

    fn registry(&self) -> CoreResult<RefMut<'_, Registry>> {
        self.registry.try_borrow_mut().map_err(|_| reentered())
    }

    fn history_mut(&self) -> CoreResult<RefMut<'_, Option<History>>> {
        self.history.try_borrow_mut().map_err(|_| reentered())
    }

    fn recipients(&self) -> CoreResult<RefMut<'_, Vec<u64>>> {
        self.recipients.try_borrow_mut().map_err(|_| reentered())
    }
}

/// `out` must hold `before` numbers and then one per window (INVALID_ARGUMENT otherwise).
fn check_room(out: &[f64], windows: usize, before: usize) -> CoreResult<()> {
    let needed = windows + before;
    if out.len() < needed {
        return Err(CoreError::invalid_arg(
            "out",
            format!("holds {} numbers; {needed} needed for {windows} windows", out.len()),
        ));
    }
    Ok(())
}

/// Writes window ids into `out` as numbers; how many.
fn write_ids(out: &mut [f64], ids: &[u64]) -> u32 {
    for (slot, id) in out.iter_mut().zip(ids) {
        *slot = *id as f64;
    }
    ids.len() as u32
}

fn reentered() -> CoreError {
    CoreError::internal("StoreRuntime was re-entered during a call")
}
