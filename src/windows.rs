//! Window table: each window (webContents id) with its state, the stores it subscribed to and
//! its subscribe-all flag. The store side of each subscription lives in `registry.rs`; the
//! registry is the only writer of both sides and keeps them mirrored.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use napi_derive::napi;

/// Largest window id accepted: JS numbers are exact integers up to 2^53 - 1.
pub const MAX_WINDOW_ID: u64 = (1u64 << 53) - 1;

/// A window's lifecycle state (a string in JS).
#[napi(string_enum = "lowercase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    Loading,
    Ready,
    Gone,
}

impl WindowState {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowState::Loading => "loading",
            WindowState::Ready => "ready",
            WindowState::Gone => "gone",
        }
    }

    pub fn parse(s: &str) -> Option<WindowState> {
        match s {
            "loading" => Some(WindowState::Loading),
            "ready" => Some(WindowState::Ready),
            "gone" => Some(WindowState::Gone),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Window {
    pub state: WindowState,
    /// Stores this window subscribed to (sorted, so `windowInfo` output is deterministic).
    pub stores: BTreeSet<Arc<str>>,
    /// Subscribed to every store (present and future).
    pub all: bool,
}

impl Window {
    pub fn new() -> Self {
        Window {
            state: WindowState::Loading,
            stores: BTreeSet::new(),
            all: false,
        }
    }

    pub fn is_live(&self) -> bool {
        self.state != WindowState::Gone
    }
}

impl Default for Window {
    fn default() -> Self {
        Self::new()
    }
}

/// Windows by id, ordered (so `windowIds()` is ascending), plus the count of gone windows so the
/// commit path can skip the liveness lookups when no window is gone (the common case).
#[derive(Debug, Default)]
pub struct WindowTable {
    windows: BTreeMap<u64, Window>,
    gone: usize,
}

impl WindowTable {
    pub fn get(&self, id: u64) -> Option<&Window> {
        self.windows.get(&id)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Window> {
        self.windows.get_mut(&id)
    }

    pub fn contains(&self, id: u64) -> bool {
        self.windows.contains_key(&id)
    }

    /// Inserts a new window in state `loading`; false (and no change) if it is known.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.windows.contains_key(&id) {
            return false;
        }
        self.windows.insert(id, Window::new());
        true
    }

    pub fn remove(&mut self, id: u64) -> Option<Window> {
        let w = self.windows.remove(&id)?;
        if w.state == WindowState::Gone {
            self.gone -= 1;
        }
        Some(w)
    }

    /// Sets the state; returns the previous one, None if the window is unknown.
    pub fn set_state(&mut self, id: u64, state: WindowState) -> Option<WindowState> {
        let w = self.windows.get_mut(&id)?;
        let prev = w.state;
        if prev == WindowState::Gone && state != WindowState::Gone {
            self.gone -= 1;
        } else if prev != WindowState::Gone && state == WindowState::Gone {
            self.gone += 1;
        }
        w.state = state;
        Some(prev)
    }

    pub fn any_gone(&self) -> bool {
        self.gone > 0
    }

    /// Live = registered and not gone.
    pub fn is_live(&self, id: u64) -> bool {
        self.windows.get(&id).is_some_and(Window::is_live)
    }

    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.windows.keys().copied()
    }
}

/// Window id from a JS number: a positive integer no larger than 2^53 - 1.
pub fn window_id_from_f64(n: f64) -> Result<u64, &'static str> {
    if n.is_nan() {
        return Err("must be a positive integer, got NaN");
    }
    if n.is_infinite() {
        return Err("must be a positive integer, got Infinity");
    }
    if n.fract() != 0.0 {
        return Err("must be a positive integer, got a fraction");
    }
    if n < 1.0 {
        return Err("must be a positive integer (>= 1)");
    }
    if n > MAX_WINDOW_ID as f64 {
        return Err("must not exceed Number.MAX_SAFE_INTEGER");
    }
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_round_trip() {
        for s in [WindowState::Loading, WindowState::Ready, WindowState::Gone] {
            assert_eq!(WindowState::parse(s.as_str()), Some(s));
        }
        assert_eq!(WindowState::parse("Ready"), None);
        assert_eq!(WindowState::parse(""), None);
    }

    #[test]
    fn gone_count_follows_state_changes() {
        let mut t = WindowTable::default();
        assert!(t.insert(1));
        assert!(!t.insert(1));
        assert!(t.insert(2));
        assert!(!t.any_gone());
        assert_eq!(t.set_state(1, WindowState::Gone), Some(WindowState::Loading));
        assert!(t.any_gone());
        assert!(!t.is_live(1));
        assert!(t.is_live(2));
        assert_eq!(t.set_state(1, WindowState::Gone), Some(WindowState::Gone));
        assert_eq!(t.set_state(1, WindowState::Ready), Some(WindowState::Gone));
        assert!(!t.any_gone());
        t.set_state(2, WindowState::Gone);
        assert!(t.any_gone());
        t.remove(2);
        assert!(!t.any_gone());
        assert_eq!(t.set_state(9, WindowState::Ready), None);
        assert_eq!(t.ids().collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn window_ids_are_safe_positive_integers() {
        assert_eq!(window_id_from_f64(1.0), Ok(1));
        assert_eq!(window_id_from_f64(9007199254740991.0), Ok(MAX_WINDOW_ID));
        assert!(window_id_from_f64(9007199254740992.0).is_err());
        assert!(window_id_from_f64(0.0).is_err());
        assert!(window_id_from_f64(-0.0).is_err());
        assert!(window_id_from_f64(-1.0).is_err());
        assert!(window_id_from_f64(1.5).is_err());
        assert!(window_id_from_f64(f64::NAN).is_err());
        assert!(window_id_from_f64(f64::INFINITY).is_err());
        assert!(window_id_from_f64(f64::NEG_INFINITY).is_err());
        assert!(window_id_from_f64(1e300).is_err());
    }
}
