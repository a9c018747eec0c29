//! The per-change calls: the broadcaster's commit, one N-API call per store change, and a
//! renderer write's authorization, one per write. They are plain functions of numbers
//! (`commitStore(runtimeSlot, storeHandle)`, `authorizeStoreWrite(runtimeSlot, windowId,
//! storeHandle)`), not `StoreRuntime` methods:
//! napi-rs registers every method's `&self` borrow in a process-wide table, and the method
//! form with a string id and a typed array measured 0.64–0.72 µs per call against 0.21–0.23 µs
//! for this form (`bench/native.js`, warm; about 2 µs against 1 µs between two IPC messages).
//!
//! Recipients are not returned per commit: the caller keeps the list `recipientsInto` gave it
//! and reads it again only when `commitStore` says it may be stale (a negative revision), i.e.
//! after any change of subscriptions, windows or window states (`Registry::commit_handle`).
//!
//! Runtimes are reached by slot through a per-thread table holding them weakly: N-API calls
//! of one environment all come on its thread, and a runtime's slot is released when its JS
//! object is collected. Slots are never reused on a thread.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;

use super::{check_room, write_ids, RuntimeCore, StoreRuntime};
use crate::error::{CoreError, CoreResult};
use crate::js::args::{napi_arg, uint, CommitBuffer, FromJs, WindowId};
use crate::js::errors::to_napi;
use crate::js::guard::guarded;

thread_local! {
    static RUNTIMES: RefCell<HashMap<u32, Weak<RuntimeCore>>> = RefCell::new(HashMap::new());
    static LAST_SLOT: Cell<u32> = const { Cell::new(0) };
}

/// Puts a new runtime in this thread's table; its slot.
pub(super) fn register(core: &Rc<RuntimeCore>) -> CoreResult<u32> {
    let slot = LAST_SLOT
        .with(|last| {
            let slot = last.get().checked_add(1)?;
            last.set(slot);
            Some(slot)
        })
        .ok_or_else(|| CoreError::internal("runtime slots exhausted (2^32 runtimes on one thread)"))?;
    RUNTIMES.with(|table| {
        let mut table = table
            .try_borrow_mut()
            .map_err(|_| CoreError::internal("runtime table in use"))?;
        table.insert(slot, Rc::downgrade(core));
        Ok(slot)
    })
}

/// Drops a collected runtime's slot (its `Drop`; a thread already tearing down has no table).
pub(super) fn release(slot: u32) {
    let _ = RUNTIMES.try_with(|table| {
        if let Ok(mut table) = table.try_borrow_mut() {
            table.remove(&slot);
        }
    });
}

fn runtime(slot: u32) -> CoreResult<Rc<RuntimeCore>> {
    RUNTIMES
        .try_with(|table| table.try_borrow().ok()?.get(&slot)?.upgrade())
        .ok()
        .flatten()
        .ok_or_else(|| CoreError::invalid_arg("runtimeSlot", format!("no runtime has slot {slot} on this thread")))
}

/// A runtime's `slot` (a positive integer below 2^32).
#[napi(transparent, object_from_js = false)]
pub struct RuntimeSlot(pub u32);

/// A store's handle, as `registerStore` returned it (a positive integer below 2^32).
#[napi(transparent, object_from_js = false)]
pub struct StoreHandle(pub u32);

impl FromJs for RuntimeSlot {
    const NAME: &'static str = "runtimeSlot";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        uint(value, what, u64::from(u32::MAX)).map(|n| RuntimeSlot(n as u32))
    }
}

impl FromJs for StoreHandle {
    const NAME: &'static str = "storeHandle";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        uint(value, what, u64::from(u32::MAX)).map(|n| StoreHandle(n as u32))
    }
}

napi_arg!(RuntimeSlot, StoreHandle);

/// The broadcaster's commit: bumps the revision of store `storeHandle` of runtime
/// `runtimeSlot` and returns it, negated when the store's recipients may have changed since
/// `recipientsInto` last read them (read them again). Revisions after a commit are >= 1, so
/// the sign is never ambiguous. STORE_NOT_FOUND for a handle of no registered store,
/// INVALID_ARGUMENT for a slot of no live runtime; nothing changes then.
#[napi]
pub fn commit_store(env: &Env, runtime_slot: RuntimeSlot, store_handle: StoreHandle) -> napi::Result<f64> {
    let core = guarded(|| runtime(runtime_slot.0)).map_err(|e| to_napi(env, e))?;
    core.call(env, || {
        let (rev, stale) = core.registry()?.commit_handle(store_handle.0)?;
        Ok(if stale { -(rev as f64) } else { rev as f64 })
    })
}

/// `authorizeWrite` for the store `storeHandle` names: throws WINDOW_NOT_FOUND (unknown or
/// gone) | STORE_NOT_FOUND | RENDERER_WRITE_DISABLED (global or store), in that order; returns
/// nothing when the write is allowed.
#[napi]
pub fn authorize_store_write(
    env: &Env,
    runtime_slot: RuntimeSlot,
    window_id: WindowId,
    store_handle: StoreHandle,
) -> napi::Result<()> {
    let core = guarded(|| runtime(runtime_slot.0)).map_err(|e| to_napi(env, e))?;
    core.call(env, || {
        core.registry()?.authorize_write_handle(window_id.get(), store_handle.0)
    })
}

#[napi]
impl StoreRuntime {
    /// This runtime's slot, for `commitStore`.
    #[napi(getter)]
    pub fn slot(&self) -> u32 {
        self.slot
    }

    /// Writes the windows a commit of store `storeHandle` goes to (subscribed to it or to all,
    /// not gone; ascending) into `out[0..n]` and returns n; `commitStore` then reports them
    /// fresh until they may change. `out` must hold at least windowCount numbers
    /// (INVALID_ARGUMENT otherwise, before anything changes). STORE_NOT_FOUND for an unknown
    /// handle.
    #[napi]
    pub fn recipients_into(
        &self,
        env: &Env,
        store_handle: StoreHandle,
        #[napi(ts_arg_type = "Float64Array")] out: CommitBuffer,
    ) -> napi::Result<u32> {
        let out = out.0;
        self.call(env, || {
            let mut registry = self.registry()?;
            check_room(out, registry.stats().windows, 0)?;
            let mut recipients = self.recipients()?;
            registry.recipients_into(store_handle.0, &mut recipients)?;
            Ok(write_ids(out, &recipients))
        })
    }
}
