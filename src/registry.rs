//! The store runtime proper: stores (revision, options, subscribers), windows (via
//! `windows.rs`), subscriptions (`registry/subscriptions.rs`), commits, their recipients and
//! write authorization (`registry/commit.rs`).
//! Plain Rust, no N-API: `js/` converts and validates JS arguments into the typed ones used here.
//!
//! Invariants (kept by every method here and in `subscriptions.rs`, the only code that mutates
//! the tables):
//! - a subscription is mirrored: `stores[s].subscribers` contains `w` iff `windows[w].stores`
//!   contains `s`;
//! - `all_subscribers` == the windows whose `all` flag is set;
//! - a method that returns `Err` has changed nothing (all checks run before the first write);
//! - a store's `rev` only grows, by exactly 1 per `commit`, and is never reset while the store
//!   is registered; a store registered again starts at the `rev` it is given (default 0), and
//!   the JS layer passes the last one it saw so that windows which outlived the old
//!   registration never see a revision reused;
//! - `recipients_version` grows on every call that may change who receives a store's commits
//!   (subscriptions, windows, window states), so `commit_handle` can tell its caller when the
//!   recipients it last read (`recipients_into`) may be stale;
//! - a store handle names one registration: handles are never reused within a registry.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::error::{CoreError, CoreResult};
use crate::services::ServiceTable;
use crate::windows::{WindowState, WindowTable};

// Commits (by id and by handle), their recipients, and write authorization.
mod commit;
mod subscriptions;

/// Longest store id, in UTF-16 code units (JS string length).
pub const MAX_STORE_ID_UNITS: usize = 256;

/// Default `maxDepth` for the validator.
pub const DEFAULT_MAX_DEPTH: u32 = 1000;

/// Upper bound accepted for `maxDepth` (the validator walks iteratively, so this only bounds
/// memory for the explicit stack).
pub const MAX_MAX_DEPTH: u32 = 1_000_000;

/// Revisions are u64 here and cross to JS as a Number: exact up to 2^53 - 1, i.e. 9e15
/// commits of one store (about 285 years at one million commits per second).
pub const MAX_EXACT_REV: u64 = (1u64 << 53) - 1;

const TARGET: &str = "nanostore_ipc_bridge";

/// Store id from the UTF-16 units of a JS string: 1..=256 units, well-formed (no lone
/// surrogate, since such a string cannot round-trip through UTF-8 and two different ids could
/// collapse into one).
pub fn store_id_from_utf16(units: &[u16]) -> Result<String, String> {
    if units.is_empty() {
        return Err("must be a non-empty string".into());
    }
    if units.len() > MAX_STORE_ID_UNITS {
        return Err(format!(
            "must be at most {MAX_STORE_ID_UNITS} characters long, got {}",
            units.len()
        ));
    }
    String::from_utf16(units).map_err(|_| "must be well-formed UTF-16 (it contains a lone surrogate)".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuntimeOptions {
    pub allow_renderer_set: bool,
    /// Default `maxPayloadBytes` of stores; 0 = no limit.
    pub max_payload_bytes: u64,
    pub max_depth: u32,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            allow_renderer_set: true,
            max_payload_bytes: 0,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StoreOptions {
    /// None = true.
    pub renderer_can_set: Option<bool>,
    /// None = the runtime's default.
    pub max_payload_bytes: Option<u64>,
    /// The revision to start from (default 0): a store registered again after
    /// destroy()/re-init resumes its revisions, so windows that outlived the
    /// old runtime never see one reused.
    pub rev: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Store {
    pub rev: u64,
    pub renderer_can_set: bool,
    pub max_payload_bytes: u64,
    /// Windows subscribed by id (not via subscribe-all), ascending.
    pub subscribers: BTreeSet<u64>,
    /// The number the hot path names this registration by (`commit_handle`).
    pub handle: u32,
    /// `recipients_version` when `recipients_into` last read this store's recipients.
    recipients_read: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreInfo {
    pub id: String,
    pub rev: u64,
    pub renderer_can_set: bool,
    pub max_payload_bytes: u64,
    pub subscribers: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WindowInfo {
    pub id: u64,
    pub state: WindowState,
    pub stores: Vec<String>,
    pub all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub stores: usize,
    pub windows: usize,
    /// Per-store subscriptions (subscribe-all not counted).
    pub subscriptions: usize,
    /// Windows with the subscribe-all flag.
    pub all_subscribers: usize,
}

#[derive(Debug, Default)]
pub struct Registry {
    options: RuntimeOptions,
    stores: HashMap<Arc<str>, Store>,
    /// Store handle -> id, for the hot path.
    handles: HashMap<u32, Arc<str>>,
    /// The last handle given (handles start at 1).
    last_handle: u32,
    /// Grows with every change that may change any store's recipients (starts at 1: a new
    /// store's `recipients_read` of 0 is stale).
    recipients_version: u64,
    windows: WindowTable,
    all_subscribers: BTreeSet<u64>,
    subscriptions: usize,
    /// Services and per-window event subscriptions: a window dropped here is dropped there.
    services: ServiceTable,
}

impl Registry {
    pub fn new(options: RuntimeOptions) -> Self {
        Registry {
            options,
            recipients_version: 1,
            ..Default::default()
        }
    }

    pub fn options(&self) -> &RuntimeOptions {
        &self.options
    }

    // ---- stores ----

    /// Returns the store's handle, for `commit_handle` and `recipients_into`.
    pub fn register_store(&mut self, id: &str, opts: StoreOptions) -> CoreResult<u32> {
        if self.stores.contains_key(id) {
            return Err(CoreError::StoreExists { id: id.to_string() });
        }
        let rev = opts.rev.unwrap_or(0);
        if rev > MAX_EXACT_REV {
            return Err(CoreError::InvalidArgument {
                what: "options.rev".to_string(),
                reason: format!("must be at most {MAX_EXACT_REV}"),
            });
        }
        let handle = self
            .last_handle
            .checked_add(1)
            .ok_or_else(|| CoreError::internal("store handles exhausted (2^32 registrations)"))?;
        let store = Store {
            rev,
            renderer_can_set: opts.renderer_can_set.unwrap_or(true),
            max_payload_bytes: opts.max_payload_bytes.unwrap_or(self.options.max_payload_bytes),
            subscribers: BTreeSet::new(),
            handle,
            recipients_read: 0,
        };
        tracing::info!(
            target: TARGET,
            store = id,
            rendererCanSet = store.renderer_can_set,
            maxPayloadBytes = store.max_payload_bytes,
            rev = store.rev,
            "store registered"
        );
        let id: Arc<str> = Arc::from(id);
        self.last_handle = handle;
        self.handles.insert(handle, id.clone());
        self.stores.insert(id, store);
        Ok(handle)
    }

    /// Removes the store and drops it from every window's subscriptions.
    pub fn unregister_store(&mut self, id: &str) -> CoreResult<()> {
        let (key, store) = self
            .stores
            .remove_entry(id)
            .ok_or_else(|| CoreError::StoreNotFound { id: id.to_string() })?;
        self.handles.remove(&store.handle);
        for w in &store.subscribers {
            if let Some(win) = self.windows.get_mut(*w) {
                win.stores.remove(&key);
            }
        }
        self.subscriptions -= store.subscribers.len();
        tracing::info!(
            target: TARGET,
            store = id,
            rev = store.rev,
            droppedSubscribers = store.subscribers.len() as u64,
            "store unregistered"
        );
        Ok(())
    }

    pub fn store(&self, id: &str) -> Option<&Store> {
        self.stores.get(id)
    }

    pub fn store_info(&self, id: &str) -> Option<StoreInfo> {
        let (key, s) = self.stores.get_key_value(id)?;
        Some(StoreInfo {
            id: key.to_string(),
            rev: s.rev,
            renderer_can_set: s.renderer_can_set,
            max_payload_bytes: s.max_payload_bytes,
            subscribers: s.subscribers.iter().copied().collect(),
        })
    }

    /// Store ids, sorted (by UTF-8 bytes = code point order).
    pub fn store_ids(&self) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = self.stores.keys().cloned().collect();
        ids.sort_unstable();
        ids
    }

    // ---- windows ----

    /// True if new (state `loading`); a known window (any state) is left as it is: false.
    pub fn register_window(&mut self, id: u64) -> bool {
        self.recipients_may_change();
        let added = self.windows.insert(id);
        if added {
            tracing::debug!(target: TARGET, window = id, "window registered");
        }
        added
    }

    pub fn set_window_state(&mut self, id: u64, state: WindowState) -> CoreResult<()> {
        self.recipients_may_change();
        let prev = self.windows.set_state(id, state).ok_or(CoreError::WindowNotFound {
            window: id,
            gone: false,
        })?;
        if prev != state {
            tracing::debug!(
                target: TARGET,
                window = id,
                from = prev.as_str(),
                state = state.as_str(),
                "window state changed"
            );
        }
        Ok(())
    }

    /// Removes the window and all its subscriptions; false if unknown.
    pub fn forget_window(&mut self, id: u64) -> bool {
        self.recipients_may_change();
        let Some(win) = self.windows.remove(id) else {
            return false;
        };
        for s in &win.stores {
            if let Some(store) = self.stores.get_mut(s) {
                store.subscribers.remove(&id);
            }
        }
        self.subscriptions -= win.stores.len();
        if win.all {
            self.all_subscribers.remove(&id);
        }
        let events = self.services.drop_window(id);
        tracing::debug!(
            target: TARGET,
            window = id,
            droppedSubscriptions = win.stores.len() as u64,
            droppedEvents = events as u64,
            all = win.all,
            "window forgotten"
        );
        true
    }

    pub fn window_info(&self, id: u64) -> Option<WindowInfo> {
        let w = self.windows.get(id)?;
        Some(WindowInfo {
            id,
            state: w.state,
            stores: w.stores.iter().map(|s| s.to_string()).collect(),
            all: w.all,
        })
    }

    /// Window ids, ascending.
    pub fn window_ids(&self) -> Vec<u64> {
        self.windows.ids().collect()
    }

    fn known_window(&self, id: u64) -> CoreResult<()> {
        if self.windows.contains(id) {
            Ok(())
        } else {
            Err(CoreError::WindowNotFound {
                window: id,
                gone: false,
            })
        }
    }

    fn live_window(&self, id: u64) -> CoreResult<()> {
        match self.windows.get(id) {
            None => Err(CoreError::WindowNotFound {
                window: id,
                gone: false,
            }),
            Some(w) if !w.is_live() => Err(CoreError::WindowNotFound { window: id, gone: true }),
            Some(_) => Ok(()),
        }
    }

    // ---- services

    pub fn register_service<S: AsRef<str>>(&mut self, id: &str, methods: &[S]) -> CoreResult<()> {
        self.services.register(id, methods)
    }

    /// Removes the service and every window's subscriptions to its events.
    pub fn unregister_service(&mut self, id: &str) -> CoreResult<()> {
        self.services.unregister(id)
    }

    /// Whether window `window` may call `method` of `service`. Checks, in order: the window is
    /// known and not gone, the service is registered, the method is one of its methods.
    pub fn authorize_call(&self, window: u64, service: &str, method: &str) -> CoreResult<()> {
        let result = self
            .live_window(window)
            .and_then(|()| self.services.resolve(service, method));
        if let Err(e) = &result {
            tracing::debug!(target: TARGET, window, service, method, code = e.code().as_str(), "call refused");
        }
        result
    }

    /// A live window listens to service events (one count per pair). Returns the service ids
    /// that are not registered (not subscribed).
    pub fn subscribe_events<S: AsRef<str>, E: AsRef<str>>(
        &mut self,
        window: u64,
        pairs: &[(S, E)],
    ) -> CoreResult<Vec<String>> {
        self.live_window(window)?;
        self.services.subscribe(window, pairs)
    }

    /// A known window (any state) stops listening (one count per pair); unknown pairs ignored.
    pub fn unsubscribe_events<S: AsRef<str>, E: AsRef<str>>(
        &mut self,
        window: u64,
        pairs: &[(S, E)],
    ) -> CoreResult<()> {
        self.known_window(window)?;
        self.services.unsubscribe(window, pairs);
        Ok(())
    }

    /// Live windows listening to `event` of `service`, ascending, into `out` (cleared first).
    pub fn event_recipients(&self, service: &str, event: &str, out: &mut Vec<u64>) -> CoreResult<()> {
        let check_live = self.windows.any_gone();
        let windows = &self.windows;
        self.services
            .recipients(service, event, |w| !check_live || windows.is_live(w), out)
    }

    /// The service table, for reads (info, ids, a window's events, stats).
    pub fn services(&self) -> &ServiceTable {
        &self.services
    }

    pub fn stats(&self) -> Stats {
        Stats {
            stores: self.stores.len(),
            windows: self.windows.len(),
            subscriptions: self.subscriptions,
            all_subscribers: self.all_subscribers.len(),
        }
    }

    /// Checks the mirrored-subscription invariants; used by tests.
    #[cfg(test)]
    pub fn check_invariants(&self) {
        let mut count = 0;
        for (sid, s) in &self.stores {
            for w in &s.subscribers {
                let win = self.windows.get(*w).expect("subscriber is a known window");
                assert!(win.stores.contains(sid), "window {w} misses store {sid}");
                count += 1;
            }
        }
        assert_eq!(count, self.subscriptions);
        let mut win_count = 0;
        let ids: Vec<u64> = self.windows.ids().collect();
        for w in ids {
            let win = self.windows.get(w).unwrap();
            for s in &win.stores {
                assert!(self.stores[s].subscribers.contains(&w));
                win_count += 1;
            }
            assert_eq!(win.all, self.all_subscribers.contains(&w));
        }
        assert_eq!(win_count, count);
    }
}

#[cfg(test)]
mod tests;
