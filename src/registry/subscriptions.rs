//! Subscriptions: which stores each window receives, kept mirrored on both sides
//! (`stores[s].subscribers` and `windows[w].stores`), and the subscribe-all flag.

use super::*;

impl Registry {
    /// Subscribes a live window to the given stores. Returns the ids that are not registered
    /// (not subscribed, each once, in input order). Already-subscribed ids are no-ops.
    pub fn subscribe<S: AsRef<str>>(&mut self, window: u64, ids: &[S]) -> CoreResult<Vec<String>> {
        self.recipients_may_change();
        self.live_window(window)?;
        let mut missing: Vec<String> = Vec::new();
        let mut missing_set: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut added = 0u64;
        for id in ids {
            let id = id.as_ref();
            match self.stores.get_key_value(id) {
                Some((key, _)) => {
                    let key = key.clone();
                    let win = self.windows.get_mut(window).expect("checked above");
                    if win.stores.insert(key.clone()) {
                        self.stores.get_mut(&key).expect("present").subscribers.insert(window);
                        self.subscriptions += 1;
                        added += 1;
                    }
                }
                None => {
                    if missing_set.insert(id) {
                        missing.push(id.to_string());
                    }
                }
            }
        }
        if added > 0 || !missing.is_empty() {
            tracing::debug!(
                target: TARGET,
                window,
                added,
                missing = missing.len() as u64,
                "window subscribed"
            );
        }
        Ok(missing)
    }

    /// Unsubscribes a known window (any state) from the given stores; unknown or not
    /// subscribed store ids are ignored.
    pub fn unsubscribe<S: AsRef<str>>(&mut self, window: u64, ids: &[S]) -> CoreResult<()> {
        self.recipients_may_change();
        self.known_window(window)?;
        let win = self.windows.get_mut(window).expect("checked above");
        let mut removed = 0u64;
        for id in ids {
            let id = id.as_ref();
            if win.stores.remove(id) {
                if let Some(store) = self.stores.get_mut(id) {
                    store.subscribers.remove(&window);
                }
                self.subscriptions -= 1;
                removed += 1;
            }
        }
        if removed > 0 {
            tracing::debug!(target: TARGET, window, removed, "window unsubscribed");
        }
        Ok(())
    }

    /// Turning it on needs a live window; turning it off only a known one.
    pub fn subscribe_all(&mut self, window: u64, enabled: bool) -> CoreResult<()> {
        self.recipients_may_change();
        if enabled {
            self.live_window(window)?;
        } else {
            self.known_window(window)?;
        }
        let win = self.windows.get_mut(window).expect("checked above");
        if win.all != enabled {
            win.all = enabled;
            if enabled {
                self.all_subscribers.insert(window);
            } else {
                self.all_subscribers.remove(&window);
            }
            tracing::debug!(target: TARGET, window, enabled, "window subscribe-all changed");
        }
        Ok(())
    }

    /// Page reloaded: drop all the window's subscriptions and its subscribe-all flag.
    /// The state is left as it is (the bridge sets it).
    pub fn reset_window(&mut self, window: u64) -> CoreResult<()> {
        self.recipients_may_change();
        self.known_window(window)?;
        let win = self.windows.get_mut(window).expect("checked above");
        let stores = std::mem::take(&mut win.stores);
        let was_all = std::mem::replace(&mut win.all, false);
        for s in &stores {
            if let Some(store) = self.stores.get_mut(s) {
                store.subscribers.remove(&window);
            }
        }
        self.subscriptions -= stores.len();
        if was_all {
            self.all_subscribers.remove(&window);
        }
        let events = self.services.drop_window(window);
        tracing::debug!(
            target: TARGET,
            window,
            droppedSubscriptions = stores.len() as u64,
            droppedEvents = events as u64,
            all = was_all,
            "window reset"
        );
        Ok(())
    }
}
