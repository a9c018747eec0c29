//! Commit history: for each store, a ring of the commits recorded while history is on (the
//! inspector is open, or the app enabled it), oldest first, bounded by a count per store and by
//! one byte cap for all stores together. Plain Rust, no N-API: `js/runtime/history.rs` parses the
//! JS arguments and stamps the time.
//!
//! What an entry holds: the revision, who wrote it, how the change went on the wire, and the
//! committed value as the bytes of `v8.serialize` (the JS layer serializes; this module treats
//! them as opaque). The byte cap counts exactly what is held: each entry's value bytes plus
//! [`ENTRY_OVERHEAD`], the entry's own size. When a record takes the total over the cap, the
//! oldest entries of any store go first (the rings' fronts are kept ordered by sequence number,
//! so finding the oldest is a map lookup); a store's ring past its count drops its own oldest. A
//! value that alone would not fit under the cap is recorded without its bytes (`value: None`,
//! `bytes` its size): the timeline still shows the commit, it cannot be restored.
//!
//! Nothing here is traced per commit (the commit itself is, by the registry): with the inspector's
//! log pane open, every traced event is a call into JS.
//!
//! Invariants (checked after every step of a randomized test): `bytes` is the sum of the held
//! entries' costs and never exceeds the cap after a record; `oldest` has exactly one key per
//! non-empty ring, its front's `seq`; revisions strictly increase within a ring; `seq` strictly
//! increases over all records.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use napi_derive::napi;

use crate::error::{CoreError, CoreResult};

/// Commits kept per store by default.
pub const DEFAULT_SIZE: u32 = 300;
/// Most commits per store a history may keep.
pub const MAX_SIZE: u32 = 100_000;
/// Byte cap of the whole history by default (32 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;
/// Smallest byte cap: room for the bookkeeping of a few entries.
pub const MIN_MAX_BYTES: u64 = 4096;
/// Largest byte cap (`Number.MAX_SAFE_INTEGER`).
pub const MAX_MAX_BYTES: u64 = (1u64 << 53) - 1;

/// What an entry costs besides its value bytes: the entry itself.
pub const ENTRY_OVERHEAD: u64 = std::mem::size_of::<Entry>() as u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Commits kept per store (1..=MAX_SIZE).
    pub size: u32,
    /// Bytes held by all stores together (MIN_MAX_BYTES..=MAX_MAX_BYTES).
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            size: DEFAULT_SIZE,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl Limits {
    /// Checks both limits; the error names the field (`size`, `maxBytes`).
    pub fn new(size: u32, max_bytes: u64) -> Result<Limits, (&'static str, String)> {
        if !(1..=MAX_SIZE).contains(&size) {
            return Err((
                "size",
                format!("must be an integer between 1 and {MAX_SIZE}, got {size}"),
            ));
        }
        if !(MIN_MAX_BYTES..=MAX_MAX_BYTES).contains(&max_bytes) {
            return Err((
                "maxBytes",
                format!("must be an integer between {MIN_MAX_BYTES} and {MAX_MAX_BYTES}, got {max_bytes}"),
            ));
        }
        Ok(Limits { size, max_bytes })
    }
}

/// How a commit changed the store, as main sent it (or why it was recorded).
#[napi(string_enum = "lowercase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitChange {
    /// Sent whole.
    Whole,
    /// Sent as what was appended to a string or an array.
    Append,
    /// Sent as a map's changed keys.
    Keys,
    /// The value the store held when recording started (the commit that made it was not seen).
    Baseline,
    /// The inspector restored an earlier commit's value.
    Restore,
    /// The inspector resumed delivery: the current value, sent whole.
    Resume,
}

impl CommitChange {
    pub const ALL: [CommitChange; 6] = [
        CommitChange::Whole,
        CommitChange::Append,
        CommitChange::Keys,
        CommitChange::Baseline,
        CommitChange::Restore,
        CommitChange::Resume,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CommitChange::Whole => "whole",
            CommitChange::Append => "append",
            CommitChange::Keys => "keys",
            CommitChange::Baseline => "baseline",
            CommitChange::Restore => "restore",
            CommitChange::Resume => "resume",
        }
    }

    pub fn parse(s: &str) -> Option<CommitChange> {
        CommitChange::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One recorded commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Order of recording over every store of the runtime.
    pub seq: u64,
    pub rev: u64,
    /// When it was recorded, in ms since the Unix epoch.
    pub time_ms: f64,
    /// 0: main; else the window (webContents id) whose write it was.
    pub writer: u64,
    pub change: CommitChange,
    /// For a restore: the revision whose value was restored.
    pub restored_from: Option<u64>,
    /// Size of the serialized value (0 when the JS layer could not serialize it).
    pub bytes: u64,
    /// The serialized value; None when it was larger than the cap allows, or not serializable.
    pub value: Option<Box<[u8]>>,
}

impl Entry {
    fn cost(&self) -> u64 {
        ENTRY_OVERHEAD + self.value.as_ref().map_or(0, |v| v.len() as u64)
    }
}

/// A commit to record (`seq` and the ring's checks are the history's).
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub rev: u64,
    pub time_ms: f64,
    pub writer: u64,
    pub change: CommitChange,
    pub restored_from: Option<u64>,
    /// None: the JS layer could not serialize the value.
    pub value: Option<&'a [u8]>,
}

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<Entry>,
    /// The last revision recorded, also once its entry was evicted: revisions never go back.
    last_rev: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub entries: usize,
    pub bytes: u64,
    /// Stores with at least one entry.
    pub stores: usize,
}

#[derive(Debug)]
pub struct History {
    limits: Limits,
    rings: HashMap<Arc<str>, Ring>,
    /// The `seq` of each non-empty ring's oldest entry → its store: the first key is the oldest
    /// entry of the whole history.
    oldest: BTreeMap<u64, Arc<str>>,
    bytes: u64,
    entries: usize,
    next_seq: u64,
}

impl History {
    pub fn new(limits: Limits) -> Self {
        History {
            limits,
            rings: HashMap::new(),
            oldest: BTreeMap::new(),
            bytes: 0,
            entries: 0,
            next_seq: 1,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// New limits; entries beyond them are evicted now (oldest first).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        let ids: Vec<Arc<str>> = self.rings.keys().cloned().collect();
        for id in ids {
            self.trim_ring(&id);
        }
        self.trim_bytes();
    }

    /// Records a commit of `store`; returns its `seq`. INVALID_ARGUMENT (nothing recorded) when
    /// `rev` is not above the last revision recorded for the store.
    pub fn record(&mut self, store: &str, record: Record<'_>) -> CoreResult<u64> {
        if let Some(last) = self.rings.get(store).and_then(|r| r.last_rev) {
            if record.rev <= last {
                return Err(CoreError::invalid_arg(
                    "commit.rev",
                    format!("must be above {last}, the last revision recorded for store '{store}'"),
                ));
            }
        }
        let bytes = record.value.map_or(0, |v| v.len() as u64);
        // A value that alone would not fit is not kept (its commit is).
        let value = record
            .value
            .filter(|v| ENTRY_OVERHEAD + v.len() as u64 <= self.limits.max_bytes)
            .map(Box::from);
        let seq = self.next_seq;
        self.next_seq += 1;
        let entry = Entry {
            seq,
            rev: record.rev,
            time_ms: record.time_ms,
            writer: record.writer,
            change: record.change,
            restored_from: record.restored_from,
            bytes,
            value,
        };
        let key = match self.rings.get_key_value(store) {
            Some((key, _)) => key.clone(),
            None => Arc::from(store),
        };
        let ring = self.rings.entry(key.clone()).or_default();
        if ring.entries.is_empty() {
            self.oldest.insert(seq, key.clone());
        }
        self.bytes += entry.cost();
        self.entries += 1;
        ring.last_rev = Some(record.rev);
        ring.entries.push_back(entry);
        self.trim_ring(&key);
        self.trim_bytes();
        Ok(seq)
    }

    /// The store's entries, oldest first (empty for a store with none).
    pub fn entries(&self, store: &str) -> impl Iterator<Item = &Entry> {
        self.rings.get(store).into_iter().flat_map(|r| r.entries.iter())
    }

    /// Every entry of every store, in recording order, with its store.
    pub fn all(&self) -> Vec<(&str, &Entry)> {
        let mut all: Vec<(&str, &Entry)> = self
            .rings
            .iter()
            .flat_map(|(id, r)| r.entries.iter().map(move |e| (&**id, e)))
            .collect();
        all.sort_unstable_by_key(|(_, e)| e.seq);
        all
    }

    /// The entry of the store's commit `rev`, if it is still held.
    pub fn entry(&self, store: &str, rev: u64) -> Option<&Entry> {
        let ring = self.rings.get(store)?;
        // Revisions increase along the ring.
        ring.entries
            .binary_search_by_key(&rev, |e| e.rev)
            .ok()
            .map(|i| &ring.entries[i])
    }

    /// Drops a store's entries (the store was unregistered).
    pub fn forget(&mut self, store: &str) {
        let Some(ring) = self.rings.remove(store) else {
            return;
        };
        if let Some(front) = ring.entries.front() {
            self.oldest.remove(&front.seq);
        }
        for e in &ring.entries {
            self.bytes -= e.cost();
        }
        self.entries -= ring.entries.len();
    }

    pub fn stats(&self) -> Stats {
        Stats {
            entries: self.entries,
            bytes: self.bytes,
            stores: self.oldest.len(),
        }
    }

    fn trim_ring(&mut self, store: &Arc<str>) {
        let size = self.limits.size as usize;
        while self.rings.get(store).is_some_and(|r| r.entries.len() > size) {
            self.pop_oldest_of(store);
        }
    }

    fn trim_bytes(&mut self) {
        while self.bytes > self.limits.max_bytes {
            let Some((_, store)) = self.oldest.first_key_value() else {
                break;
            };
            let store = store.clone();
            self.pop_oldest_of(&store);
        }
    }

    fn pop_oldest_of(&mut self, store: &Arc<str>) {
        let Some(ring) = self.rings.get_mut(store) else {
            return;
        };
        let Some(entry) = ring.entries.pop_front() else {
            return;
        };
        self.oldest.remove(&entry.seq);
        if let Some(next) = ring.entries.front() {
            self.oldest.insert(next.seq, store.clone());
        }
        self.bytes -= entry.cost();
        self.entries -= 1;
    }

    #[cfg(test)]
    fn check_invariants(&self) {
        let mut bytes = 0;
        let mut entries = 0;
        let mut fronts = BTreeMap::new();
        for (id, ring) in &self.rings {
            let mut prev: Option<&Entry> = None;
            for e in &ring.entries {
                bytes += e.cost();
                entries += 1;
                if let Some(p) = prev {
                    assert!(e.rev > p.rev, "revisions increase in {id}");
                    assert!(e.seq > p.seq, "seq increases in {id}");
                }
                prev = Some(e);
            }
            assert!(ring.entries.len() <= self.limits.size as usize);
            if let Some(front) = ring.entries.front() {
                fronts.insert(front.seq, id.clone());
            }
        }
        assert_eq!(bytes, self.bytes, "bytes is the sum of the entries' costs");
        assert_eq!(entries, self.entries);
        assert_eq!(fronts, self.oldest, "oldest lists each ring's front");
        assert!(self.bytes <= self.limits.max_bytes);
    }
}

#[cfg(test)]
mod tests;
