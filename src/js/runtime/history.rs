//! The history half of `StoreRuntime` (`crate::history`): turning recording on and off, recording
//! a commit with its serialized value, and reading the entries and values back. Recording is off
//! by default and costs nothing then: the JS layer calls `recordCommit` only while it is on. Its
//! argument types and result objects live here: they exist only for these methods. Same rules as
//! the rest of the class: arguments parsed by the addon before the method runs, typed errors,
//! nothing changed on a throw.

use std::time::{SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::{BufferSlice, Env, FromNapiValue, Unknown};
use napi::JsValue;
use napi_derive::napi;

use super::StoreRuntime;
use crate::error::{CoreError, CoreResult};
use crate::history::{self, CommitChange, History, Limits, Record};
use crate::js::args::{napi_arg, uint, FromJs, StoreId};
use crate::js::options::Fields;
use crate::js::value::{read_string, string_units, type_of};
use crate::registry::MAX_EXACT_REV;
use crate::windows::MAX_WINDOW_ID;

/// Options of `enableHistory(options)`.
#[napi(object, object_from_js = false)]
#[derive(Default)]
pub struct HistoryOptions {
    /// Commits kept per store (default 300, at most 100,000).
    pub size: Option<u32>,
    /// Bytes the whole history may hold: serialized values plus a fixed cost per entry (default
    /// 32 MiB, at least 4096).
    pub max_bytes: Option<i64>,
}

impl FromJs for HistoryOptions {
    const NAME: &'static str = "options";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let fields = Fields::of(env, value, what)?;
        Ok(HistoryOptions {
            size: fields.get(c"size", |v, w| uint(v, w, u64::from(u32::MAX)).map(|n| n as u32))?,
            max_bytes: fields.get(c"maxBytes", |v, w| uint(v, w, history::MAX_MAX_BYTES).map(|n| n as i64))?,
        })
    }
}

/// What `recordCommit` records about a commit (its value is the third argument).
#[napi(object, object_from_js = false)]
pub struct CommitRecord {
    /// The commit's revision: above the last one recorded for the store, at most the store's.
    pub rev: i64,
    /// 0 (default): main; else the window whose write it was.
    pub writer: Option<i64>,
    pub change: CommitChange,
    /// For a restore: the revision whose value was restored.
    pub restored_from: Option<i64>,
}

impl FromJs for CommitRecord {
    const NAME: &'static str = "commit";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let fields = Fields::of(env, value, what)?;
        let int = |max: u64| move |v: Unknown<'_>, w: &str| uint(v, w, max).map(|n| n as i64);
        let rev = fields.get(c"rev", int(MAX_EXACT_REV))?;
        let writer = fields.get(c"writer", int(MAX_WINDOW_ID))?;
        let change = fields.get(c"change", change)?;
        let restored_from = fields.get(c"restoredFrom", int(MAX_EXACT_REV))?;
        Ok(CommitRecord {
            rev: rev.ok_or_else(|| CoreError::invalid_arg(format!("{what}.rev"), "is required"))?,
            writer,
            change: change.ok_or_else(|| CoreError::invalid_arg(format!("{what}.change"), "is required"))?,
            restored_from,
        })
    }
}

fn change(value: Unknown<'_>, what: &str) -> CoreResult<CommitChange> {
    // Only short strings are read: the longest name has 8 characters.
    string_units(value)
        .filter(|units| *units <= 16)
        .and_then(|_| read_string(value))
        .and_then(|s| CommitChange::parse(&s))
        .ok_or_else(|| {
            CoreError::invalid_arg(
                what,
                "must be 'whole', 'append', 'keys', 'baseline', 'restore' or 'resume'",
            )
        })
}

/// A revision argument: an integer 0..=2^53-1.
#[napi(transparent, object_from_js = false)]
pub struct Rev(pub i64);

impl FromJs for Rev {
    const NAME: &'static str = "rev";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        uint(value, what, MAX_EXACT_REV).map(|n| Rev(n as i64))
    }
}

/// The serialized value of a commit (`v8.serialize`'s Buffer, or any Uint8Array), read in place:
/// the history copies it once. Not `#[napi(transparent)]` (it borrows); the `#[napi]` argument
/// spells its TypeScript type out.
pub struct ValueBytes<'a>(pub &'a [u8]);

impl FromJs for ValueBytes<'_> {
    const NAME: &'static str = "value";

    fn from_js(_: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        let not_bytes =
            || CoreError::invalid_arg(what, format!("must be a Uint8Array or null, got {}", type_of(&value)));
        if !value.is_typedarray().unwrap_or(false) {
            return Err(not_bytes());
        }
        <&[u8]>::from_unknown(value).map(ValueBytes).map_err(|_| not_bytes())
    }
}

napi_arg!(HistoryOptions, CommitRecord, Rev, ValueBytes<'_>);

/// A recorded commit.
#[napi(object, object_from_js = false)]
pub struct HistoryEntry {
    /// Recording order over every store.
    pub seq: f64,
    pub store_id: String,
    pub rev: f64,
    /// When it was recorded, ms since the Unix epoch.
    pub time: f64,
    /// 0: main; else the window whose write it was.
    pub writer: f64,
    pub change: CommitChange,
    pub restored_from: Option<f64>,
    /// Size of the serialized value (0: it could not be serialized).
    pub bytes: f64,
    /// Whether the value is held (`historyValue` returns it); false for a value larger than the
    /// history's byte cap, or one that could not be serialized.
    pub kept: bool,
}

fn entry_info(store_id: &str, e: &history::Entry) -> HistoryEntry {
    HistoryEntry {
        seq: e.seq as f64,
        store_id: store_id.to_string(),
        rev: e.rev as f64,
        time: e.time_ms,
        writer: e.writer as f64,
        change: e.change,
        restored_from: e.restored_from.map(|r| r as f64),
        bytes: e.bytes as f64,
        kept: e.value.is_some(),
    }
}

/// The history's limits and what it holds.
#[napi(object, object_from_js = false)]
pub struct HistoryStats {
    pub size: u32,
    pub max_bytes: f64,
    pub entries: f64,
    /// Bytes held: serialized values plus the fixed cost of each entry.
    pub bytes: f64,
    /// Stores with at least one entry.
    pub stores: f64,
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

#[napi]
impl StoreRuntime {
    /// Turns recording on with these limits (defaults: 300 commits per store, 32 MiB), or
    /// applies new limits to a history already on (entries beyond them are evicted, oldest first).
    #[napi]
    pub fn enable_history(&self, env: &Env, options: Option<HistoryOptions>) -> napi::Result<()> {
        let options = options.unwrap_or_default();
        self.call(env, || {
            let defaults = Limits::default();
            let limits = Limits::new(
                options.size.unwrap_or(defaults.size),
                options.max_bytes.map_or(defaults.max_bytes, |n| n as u64),
            )
            .map_err(|(field, reason)| CoreError::invalid_arg(format!("options.{field}"), reason))?;
            let mut history = self.history_mut()?;
            match history.as_mut() {
                Some(h) => h.set_limits(limits),
                None => *history = Some(History::new(limits)),
            }
            tracing::info!(
                target: "nanostore_ipc_bridge",
                size = limits.size,
                maxBytes = limits.max_bytes,
                "history enabled"
            );
            Ok(())
        })
    }

    /// Turns recording off and drops every entry. False if it was off.
    #[napi]
    pub fn disable_history(&self, env: &Env) -> napi::Result<bool> {
        self.call(env, || {
            let dropped = self.history_mut()?.take();
            if let Some(h) = &dropped {
                tracing::info!(target: "nanostore_ipc_bridge", entries = h.stats().entries as u64, "history disabled");
            }
            Ok(dropped.is_some())
        })
    }

    /// Records a commit of a registered store with its serialized value (null: it could not be
    /// serialized). Returns whether the value is held (false: larger than the byte cap allows, or
    /// not serializable), or null when history is off (nothing recorded). A boolean, not the entry:
    /// this runs on every commit while recording (`history(storeId)` has the entries).
    /// STORE_NOT_FOUND; INVALID_ARGUMENT for a revision above the store's or not above the last
    /// one recorded, or `restoredFrom` not below `rev`.
    #[napi]
    pub fn record_commit(
        &self,
        env: &Env,
        store_id: StoreId,
        commit: CommitRecord,
        #[napi(ts_arg_type = "Uint8Array | null")] value: Option<ValueBytes<'_>>,
    ) -> napi::Result<Option<bool>> {
        self.call(env, || {
            let mut history = self.history_mut()?;
            let Some(history) = history.as_mut() else {
                return Ok(None);
            };
            let current = self
                .registry()?
                .store(&store_id.0)
                .map(|s| s.rev)
                .ok_or_else(|| CoreError::StoreNotFound { id: store_id.0.clone() })?;
            let rev = commit.rev as u64;
            let restored_from = commit.restored_from.map(|r| r as u64);
            if rev > current {
                return Err(CoreError::invalid_arg(
                    "commit.rev",
                    format!("must be at most {current}, the revision of store '{}'", store_id.0),
                ));
            }
            if restored_from.is_some_and(|from| from >= rev) {
                return Err(CoreError::invalid_arg(
                    "commit.restoredFrom",
                    "must be below commit.rev",
                ));
            }
            history.record(
                &store_id.0,
                Record {
                    rev,
                    time_ms: now_ms(),
                    writer: commit.writer.map_or(0, |w| w as u64),
                    change: commit.change,
                    restored_from,
                    value: value.map(|v| v.0),
                },
            )?;
            // The newest entry is never the one evicted: its cost fits under the cap.
            Ok(Some(history.entry(&store_id.0, rev).is_some_and(|e| e.value.is_some())))
        })
    }

    /// The entries of one store, or of every store without `storeId`, in recording order.
    /// Empty when history is off.
    #[napi]
    pub fn history(&self, env: &Env, store_id: Option<StoreId>) -> napi::Result<Vec<HistoryEntry>> {
        self.call(env, || {
            let history = self.history_mut()?;
            let Some(history) = history.as_ref() else {
                return Ok(Vec::new());
            };
            Ok(match &store_id {
                Some(id) => history.entries(&id.0).map(|e| entry_info(&id.0, e)).collect(),
                None => history.all().into_iter().map(|(id, e)| entry_info(id, e)).collect(),
            })
        })
    }

    /// The serialized value of the store's commit `rev` (a Buffer copy, for `v8.deserialize`), or null
    /// when it is not held (never recorded, evicted, too large, not serializable, history off).
    #[napi(ts_return_type = "Uint8Array | null")]
    pub fn history_value<'env>(
        &self,
        env: &'env Env,
        store_id: StoreId,
        rev: Rev,
    ) -> napi::Result<Option<BufferSlice<'env>>> {
        self.call(env, || {
            let history = self.history_mut()?;
            let bytes = history
                .as_ref()
                .and_then(|h| h.entry(&store_id.0, rev.0 as u64))
                .and_then(|e| e.value.as_deref());
            // A copy owned by the JS heap: Electron's memory cage refuses external buffers.
            bytes
                .map(|b| BufferSlice::copy_from(env, b))
                .transpose()
                .map_err(|e| CoreError::internal(format!("cannot copy a history value: {e}")))
        })
    }

    /// Null when history is off.
    #[napi]
    pub fn history_stats(&self, env: &Env) -> napi::Result<Option<HistoryStats>> {
        self.call(env, || {
            Ok(self.history_mut()?.as_ref().map(|h| {
                let (limits, stats) = (h.limits(), h.stats());
                HistoryStats {
                    size: limits.size,
                    max_bytes: limits.max_bytes as f64,
                    entries: stats.entries as f64,
                    bytes: stats.bytes as f64,
                    stores: stats.stores as f64,
                }
            }))
        })
    }
}
