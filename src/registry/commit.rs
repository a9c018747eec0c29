//! The hot path of the registry: commits (by id, and by handle for main's broadcaster), the
//! recipients a commit goes to, and whether a window may write a store. Same invariants as
//! `registry.rs`: a refused call changes nothing, and `rev` grows by exactly 1 per commit.

use super::{Registry, Store, MAX_EXACT_REV, TARGET};
use crate::error::{CoreError, CoreResult, WriteScope};

impl Registry {
    /// Bumps the store's revision and writes the recipients into `out` (cleared first):
    /// windows subscribed to the store or to all stores, not gone, minus `skip`; ascending,
    /// each once. Allocation-free when `out` has capacity.
    pub fn commit(&mut self, id: &str, skip: Option<u64>, out: &mut Vec<u64>) -> CoreResult<u64> {
        out.clear();
        let store = self
            .stores
            .get_mut(id)
            .ok_or_else(|| CoreError::StoreNotFound { id: id.to_string() })?;
        let rev = bump(id, store)?;
        let store = &self.stores[id];
        self.push_recipients(store, skip.unwrap_or(0), out);
        tracing::trace!(target: TARGET, store = id, rev, recipients = out.len() as u64, "commit");
        Ok(rev)
    }

    /// The broadcaster's commit: bumps the revision of the store `handle` names and returns it,
    /// with whether its recipients may differ from those `recipients_into` last read for it
    /// (then the caller reads them again). No allocation, no id to hash.
    pub fn commit_handle(&mut self, handle: u32) -> CoreResult<(u64, bool)> {
        let id = self.handles.get(&handle).ok_or_else(|| unknown_handle(handle))?;
        let store = self.stores.get_mut(id).ok_or_else(|| unknown_handle(handle))?;
        let rev = bump(id, store)?;
        let stale = store.recipients_read != self.recipients_version;
        tracing::trace!(target: TARGET, store = &**id, rev, "commit");
        Ok((rev, stale))
    }

    /// The windows a commit of store `handle` goes to (as `commit` lists them, with no window
    /// skipped), written into `out` (cleared first); marks them read for `commit_handle`.
    pub fn recipients_into(&mut self, handle: u32, out: &mut Vec<u64>) -> CoreResult<()> {
        out.clear();
        let id = self.handles.get(&handle).ok_or_else(|| unknown_handle(handle))?;
        let store = self.stores.get(id).ok_or_else(|| unknown_handle(handle))?;
        self.push_recipients(store, 0, out);
        let version = self.recipients_version;
        if let Some(store) = self.stores.get_mut(id) {
            store.recipients_read = version;
        }
        Ok(())
    }

    /// Appends to `out` the windows subscribed to `store` or to all stores, not gone, minus
    /// `skip` (0: none, never a window id); ascending, each once.
    pub(super) fn push_recipients(&self, store: &Store, skip: u64, out: &mut Vec<u64>) {
        let check_live = self.windows.any_gone();
        let windows = &self.windows;
        let mut push = |w: u64| {
            if w != skip && (!check_live || windows.is_live(w)) {
                out.push(w);
            }
        };
        // Merge two ascending sets into one ascending list without duplicates.
        let mut a = store.subscribers.iter().copied().peekable();
        let mut b = self.all_subscribers.iter().copied().peekable();
        loop {
            match (a.peek().copied(), b.peek().copied()) {
                (Some(x), Some(y)) => {
                    if x < y {
                        push(x);
                        a.next();
                    } else if y < x {
                        push(y);
                        b.next();
                    } else {
                        push(x);
                        a.next();
                        b.next();
                    }
                }
                (Some(x), None) => {
                    push(x);
                    a.next();
                }
                (None, Some(y)) => {
                    push(y);
                    b.next();
                }
                (None, None) => break,
            }
        }
    }

    /// Called first by every method that may change who receives a store's commits.
    pub(super) fn recipients_may_change(&mut self) {
        self.recipients_version += 1;
    }

    /// Whether window `window` may write store `id`. Checks, in order: the window is known
    /// and not gone, the store is registered, renderer writes are allowed globally, then for
    /// the store.
    pub fn authorize_write(&self, window: u64, id: &str) -> CoreResult<()> {
        let result = self.live_window(window).and_then(|()| {
            let store = self
                .stores
                .get(id)
                .ok_or_else(|| CoreError::StoreNotFound { id: id.to_string() })?;
            if !self.options.allow_renderer_set {
                return Err(CoreError::RendererWriteDisabled {
                    id: id.to_string(),
                    scope: WriteScope::Global,
                });
            }
            if !store.renderer_can_set {
                return Err(CoreError::RendererWriteDisabled {
                    id: id.to_string(),
                    scope: WriteScope::Store,
                });
            }
            Ok(())
        });
        if let Err(e) = &result {
            tracing::debug!(target: TARGET, window, store = id, code = e.code().as_str(), "write refused");
        }
        result
    }

    /// `authorize_write` for the store `handle` names (checked after the window, as there).
    pub fn authorize_write_handle(&self, window: u64, handle: u32) -> CoreResult<()> {
        match self.handles.get(&handle) {
            Some(id) => self.authorize_write(window, id),
            None => {
                self.live_window(window)?;
                Err(unknown_handle(handle))
            }
        }
    }
}

/// The next revision of `store` (`id` names it in the error), stored and returned.
fn bump(id: &str, store: &mut Store) -> CoreResult<u64> {
    let rev = store
        .rev
        .checked_add(1)
        .filter(|r| *r <= MAX_EXACT_REV)
        .ok_or_else(|| CoreError::internal(format!("revision of store \"{id}\" exhausted")))?;
    store.rev = rev;
    Ok(rev)
}

fn unknown_handle(handle: u32) -> CoreError {
    CoreError::StoreHandleNotFound { handle }
}

#[cfg(test)]
mod tests;
