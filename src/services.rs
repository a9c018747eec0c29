//! Services: the registry of service ids with their callable method names, and the per-window
//! event subscriptions, reference-counted, from which a broadcast's recipients are computed.
//! Plain Rust, no N-API. The window table lives in `windows.rs`; `registry.rs` owns one
//! [`ServiceTable`], checks window liveness before calling in, and drops a window's event
//! subscriptions here whenever it drops its store subscriptions (reset, forget).
//!
//! Invariants (kept by every method here, the only code that mutates the tables):
//! - an event subscription is mirrored: `events[(s, e)]` holds window `w` with a count > 0 iff
//!   `by_window[w]` holds `(s, e)`; no empty map or set is kept;
//! - `subscriptions` == the number of (window, service, event) triples with a count > 0;
//! - every subscribed service is registered (unregistering a service drops its subscriptions);
//! - a method that returns `Err` has changed nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::error::{CoreError, CoreResult};

/// Most distinct (service, event) pairs one window may listen to: a hostile renderer cannot
/// make main hold unbounded subscription state.
pub const MAX_EVENTS_PER_WINDOW: usize = 10_000;

const TARGET: &str = "nanostore_ipc_bridge";

type EventKey = (Arc<str>, Arc<str>);
/// Listening window → count (> 0).
type Listeners = BTreeMap<u64, u32>;

#[derive(Debug, Clone, PartialEq)]
pub struct EventInfo {
    pub name: String,
    /// Listening windows, ascending, with their reference counts.
    pub windows: Vec<(u64, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceInfo {
    pub id: String,
    /// Callable method names, sorted.
    pub methods: Vec<String>,
    /// Events some window listens to, sorted by name.
    pub events: Vec<EventInfo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServiceStats {
    pub services: usize,
    /// (window, service, event) triples with a count > 0.
    pub event_subscriptions: usize,
}

#[derive(Debug, Default)]
pub struct ServiceTable {
    /// Service id → its method names.
    services: HashMap<Arc<str>, BTreeSet<Arc<str>>>,
    /// Service id → event name → listening window → count (> 0). Nested so that every lookup
    /// takes `&str` (no allocation on the broadcast path).
    events: HashMap<Arc<str>, HashMap<Arc<str>, Listeners>>,
    /// Window → the (service, event) pairs it listens to.
    by_window: HashMap<u64, BTreeSet<EventKey>>,
    subscriptions: usize,
}

impl ServiceTable {
    /// Registers a service with its method names (duplicates collapse). `ServiceExists` if
    /// the id is taken.
    pub fn register<S: AsRef<str>>(&mut self, id: &str, methods: &[S]) -> CoreResult<()> {
        if self.services.contains_key(id) {
            return Err(CoreError::ServiceExists { id: id.to_string() });
        }
        let methods: BTreeSet<Arc<str>> = methods.iter().map(|m| Arc::from(m.as_ref())).collect();
        tracing::info!(target: TARGET, service = id, methods = methods.len() as u64, "service registered");
        self.services.insert(Arc::from(id), methods);
        Ok(())
    }

    /// Removes a service and every window's subscriptions to its events.
    pub fn unregister(&mut self, id: &str) -> CoreResult<()> {
        let (sid, _) = self
            .services
            .remove_entry(id)
            .ok_or_else(|| CoreError::ServiceNotFound { id: id.to_string() })?;
        let mut dropped = 0u64;
        for (event, listeners) in self.events.remove(id).unwrap_or_default() {
            let key: EventKey = (sid.clone(), event);
            for w in listeners.keys() {
                self.forget_pair(*w, &key);
                dropped += 1;
            }
        }
        tracing::info!(target: TARGET, service = id, droppedSubscriptions = dropped, "service unregistered");
        Ok(())
    }

    fn forget_pair(&mut self, window: u64, key: &EventKey) {
        if let Some(set) = self.by_window.get_mut(&window) {
            if set.remove(key) {
                self.subscriptions -= 1;
            }
            if set.is_empty() {
                self.by_window.remove(&window);
            }
        }
    }

    #[cfg(test)]
    pub fn contains(&self, id: &str) -> bool {
        self.services.contains_key(id)
    }

    /// Whether `method` is one of the service's methods: `ServiceNotFound`, `MethodNotFound`.
    pub fn resolve(&self, service: &str, method: &str) -> CoreResult<()> {
        let methods = self.services.get(service).ok_or_else(|| CoreError::ServiceNotFound {
            id: service.to_string(),
        })?;
        if methods.contains(method) {
            Ok(())
        } else {
            Err(CoreError::MethodNotFound {
                service: service.to_string(),
                method: method.to_string(),
            })
        }
    }

    fn count(&self, window: u64, service: &str, event: &str) -> u32 {
        self.events
            .get(service)
            .and_then(|events| events.get(event))
            .and_then(|listeners| listeners.get(&window).copied())
            .unwrap_or(0)
    }

    /// Adds one listener count per pair for `window`. Pairs of unregistered services are not
    /// subscribed; their service ids are returned (each once, in input order). Fails with
    /// `InvalidArgument` (nothing changed) if the window would listen to more than
    /// [`MAX_EVENTS_PER_WINDOW`] distinct pairs, or a count would overflow.
    pub fn subscribe<S: AsRef<str>, E: AsRef<str>>(
        &mut self,
        window: u64,
        pairs: &[(S, E)],
    ) -> CoreResult<Vec<String>> {
        // Check first: how many new distinct pairs, and no count overflows.
        let current = self.by_window.get(&window).map_or(0, BTreeSet::len);
        let mut adds: HashMap<(&str, &str), u64> = HashMap::new();
        for (s, e) in pairs {
            let (s, e) = (s.as_ref(), e.as_ref());
            if self.services.contains_key(s) {
                *adds.entry((s, e)).or_insert(0) += 1;
            }
        }
        let fresh = adds.keys().filter(|(s, e)| self.count(window, s, e) == 0).count();
        if current + fresh > MAX_EVENTS_PER_WINDOW {
            return Err(CoreError::invalid_arg(
                "events",
                format!("a window may listen to at most {MAX_EVENTS_PER_WINDOW} service events"),
            ));
        }
        if adds
            .iter()
            .any(|((s, e), n)| u64::from(self.count(window, s, e)) + n > u64::from(u32::MAX))
        {
            return Err(CoreError::invalid_arg("events", "listener count overflow"));
        }
        let mut missing: Vec<String> = Vec::new();
        for (s, e) in pairs {
            let (s, e) = (s.as_ref(), e.as_ref());
            let Some((sid, _)) = self.services.get_key_value(s) else {
                if !missing.iter().any(|m| m == s) {
                    missing.push(s.to_string());
                }
                continue;
            };
            let sid = sid.clone();
            let events = self.events.entry(sid.clone()).or_default();
            let event: Arc<str> = events.get_key_value(e).map_or_else(|| Arc::from(e), |(k, _)| k.clone());
            let count = events.entry(event.clone()).or_default().entry(window).or_insert(0);
            *count += 1;
            if *count == 1 {
                self.by_window.entry(window).or_default().insert((sid, event));
                self.subscriptions += 1;
            }
        }
        tracing::debug!(
            target: TARGET,
            window,
            pairs = pairs.len() as u64,
            missing = missing.len() as u64,
            "window listens to service events"
        );
        Ok(missing)
    }

    /// Removes one listener count per pair; pairs the window does not listen to are ignored.
    pub fn unsubscribe<S: AsRef<str>, E: AsRef<str>>(&mut self, window: u64, pairs: &[(S, E)]) {
        let mut removed = 0u64;
        for (s, e) in pairs {
            let (s, e) = (s.as_ref(), e.as_ref());
            let Some(events) = self.events.get_mut(s) else { continue };
            let Some(listeners) = events.get_mut(e) else { continue };
            let Some(count) = listeners.get_mut(&window) else {
                continue;
            };
            *count -= 1;
            if *count > 0 {
                continue;
            }
            listeners.remove(&window);
            if listeners.is_empty() {
                events.remove(e);
                if events.is_empty() {
                    self.events.remove(s);
                }
            }
            // Keys compare by content: fresh Arcs find the stored pair.
            self.forget_pair(window, &(Arc::from(s), Arc::from(e)));
            removed += 1;
        }
        if removed > 0 {
            tracing::debug!(target: TARGET, window, removed, "window stopped listening to service events");
        }
    }

    /// Drops every event subscription of the window (reload, crash, close). Returns how many.
    pub fn drop_window(&mut self, window: u64) -> usize {
        let Some(keys) = self.by_window.remove(&window) else {
            return 0;
        };
        for (s, e) in &keys {
            let Some(events) = self.events.get_mut(s) else { continue };
            if let Some(listeners) = events.get_mut(e) {
                listeners.remove(&window);
                if listeners.is_empty() {
                    events.remove(e);
                }
            }
            if events.is_empty() {
                self.events.remove(s);
            }
        }
        self.subscriptions -= keys.len();
        keys.len()
    }

    /// The windows listening to `event` of `service` for which `is_live` holds, ascending,
    /// into `out` (cleared first). `ServiceNotFound` for an unregistered service.
    pub fn recipients(
        &self,
        service: &str,
        event: &str,
        is_live: impl Fn(u64) -> bool,
        out: &mut Vec<u64>,
    ) -> CoreResult<()> {
        out.clear();
        if !self.services.contains_key(service) {
            return Err(CoreError::ServiceNotFound {
                id: service.to_string(),
            });
        }
        if let Some(listeners) = self.events.get(service).and_then(|events| events.get(event)) {
            out.extend(listeners.keys().copied().filter(|w| is_live(*w)));
        }
        Ok(())
    }

    pub fn info(&self, id: &str) -> Option<ServiceInfo> {
        let (sid, methods) = self.services.get_key_value(id)?;
        let mut events: Vec<EventInfo> = self
            .events
            .get(id)
            .map(|events| {
                events
                    .iter()
                    .map(|(e, listeners)| EventInfo {
                        name: e.to_string(),
                        windows: listeners.iter().map(|(w, n)| (*w, *n)).collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        events.sort_by(|a, b| a.name.cmp(&b.name));
        Some(ServiceInfo {
            id: sid.to_string(),
            methods: methods.iter().map(|m| m.to_string()).collect(),
            events,
        })
    }

    /// Service ids, sorted.
    pub fn ids(&self) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = self.services.keys().cloned().collect();
        ids.sort_unstable();
        ids
    }

    /// The (service, event) pairs a window listens to, sorted, with their counts.
    pub fn window_events(&self, window: u64) -> Vec<(String, String, u32)> {
        self.by_window.get(&window).map_or_else(Vec::new, |keys| {
            keys.iter()
                .map(|(s, e)| (s.to_string(), e.to_string(), self.count(window, s, e)))
                .collect()
        })
    }

    pub fn stats(&self) -> ServiceStats {
        ServiceStats {
            services: self.services.len(),
            event_subscriptions: self.subscriptions,
        }
    }

    /// Checks the mirrored-subscription invariants; used by tests.
    #[cfg(test)]
    pub fn check_invariants(&self) {
        let mut count = 0;
        for (s, events) in &self.events {
            assert!(!events.is_empty(), "empty event map kept for {s}");
            assert!(self.services.contains_key(s), "subscription to unregistered {s}");
            for (e, listeners) in events {
                assert!(!listeners.is_empty(), "empty listener map kept for {s}/{e}");
                for (w, n) in listeners {
                    assert!(*n > 0);
                    assert!(
                        self.by_window[w].contains(&(s.clone(), e.clone())),
                        "window {w} misses {s}/{e}"
                    );
                    count += 1;
                }
            }
        }
        assert_eq!(count, self.subscriptions);
        let mirrored: usize = self.by_window.values().map(BTreeSet::len).sum();
        assert_eq!(mirrored, self.subscriptions);
        assert!(self.by_window.values().all(|s| !s.is_empty()));
    }
}

#[cfg(test)]
mod tests;
