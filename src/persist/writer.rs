//! The writer thread: the JS thread hands over serialized values and returns at once; this
//! thread coalesces them and writes the whole file.
//!
//! - `set()` (JS thread) puts the value in `pending`, a `DashMap` keyed by store id (a newer
//!   value for the same store replaces the older one: that is the coalescing), counts it in
//!   `handed`, and, if the writer was idle, records when the first change arrived and wakes it.
//!   It never waits for I/O: it takes one shard lock of the map and, only on the idle → dirty
//!   transition, the control mutex for a moment.
//! - The thread sleeps until `first change + debounce` (so every change is written within
//!   `debounce` of being handed over, however many follow it), a flush request, or a retry
//!   time; then it drains `pending` into its table of encoded entries and writes the file
//!   through its `Sink` (atomic replacement, see `atomic.rs`).
//! - `handed` is read before draining, and `set()` counts a value after inserting it, so a
//!   successful write covers every value counted at that moment: `written` = that count.
//!   A flush is a target count; it is met when `written` reaches it, and fails when an
//!   attempt that started after the request and covered the target failed.
//! - A failed write keeps the table (nothing is lost), is reported, and is retried with
//!   backoff; a flush request makes an immediate attempt.
//! - The thread body runs under `catch_unwind`: a panic is reported as `INTERNAL` and the
//!   loop goes on; the thread never takes the process down.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dashmap::DashMap;

use super::error::{PersistCode, PersistError};
use super::format::{check_json, encode_file, Payload, StoredEntry};
use crate::error::panic_message;

/// Writes a whole file. The real one replaces the persistence file atomically.
pub trait Sink: Send + 'static {
    fn write(&mut self, bytes: &[u8]) -> Result<(), PersistError>;
}

/// Where errors found on the writer thread go (the N-API layer forwards them to JS).
pub type Report = Arc<dyn Fn(PersistError) + Send + Sync>;

#[derive(Debug, Clone, Copy)]
pub struct WriterConfig {
    pub debounce: Duration,
    /// First retry delay after a failed write; doubles up to `retry_max`.
    pub retry_min: Duration,
    pub retry_max: Duration,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            debounce: Duration::from_millis(100),
            retry_min: Duration::from_millis(100),
            retry_max: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Values handed over by `set()`.
    pub sets: u64,
    /// Successful file writes and their bytes.
    pub writes: u64,
    pub bytes: u64,
    pub failed_writes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlushError {
    /// The attempt that had to write the values failed (it is retried in the background).
    Failed(PersistError),
    /// Not written within the time given (`flush_sync` at quit).
    TimedOut(Duration),
    /// The writer is closed or its thread is gone.
    Closed,
}

impl FlushError {
    pub fn into_persist_error(self) -> PersistError {
        match self {
            FlushError::Failed(e) => e,
            FlushError::TimedOut(t) => PersistError::new(
                PersistCode::WriteFailed,
                format!("the write did not finish within {} ms", t.as_millis()),
            ),
            FlushError::Closed => PersistError::new(PersistCode::Internal, "the persistence writer is closed"),
        }
    }
}

/// What a flush waits for.
#[derive(Debug, Clone, Copy)]
pub struct FlushTicket {
    target: u64,
    after_attempt: u64,
}

struct Pending {
    version: u32,
    payload: Payload,
}

#[derive(Default)]
struct Control {
    dirty_since: Option<Instant>,
    flush_requested: bool,
    closing: bool,
    exited: bool,
    /// Every value counted in `handed` up to this number is on disk.
    written: u64,
    /// Attempts started so far.
    attempts: u64,
    /// The last failed attempt: (attempt number, `handed` it covered, error). Cleared by a success.
    failure: Option<(u64, u64, PersistError)>,
}

struct Shared {
    pending: DashMap<String, Pending>,
    handed: AtomicU64,
    armed: AtomicBool,
    control: Mutex<Control>,
    /// The writer thread waits on it.
    wake: Condvar,
    /// Flush and close waiters wait on it.
    progress: Condvar,
    writes: AtomicU64,
    bytes: AtomicU64,
    failed_writes: AtomicU64,
}

impl Shared {
    fn control(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Writer {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Writer {
    /// Starts the thread. `table`: the entries already on disk (encoded), which every write
    /// keeps unless a newer value replaces them.
    pub fn start(
        table: BTreeMap<String, String>,
        sink: impl Sink,
        config: WriterConfig,
        report: Report,
    ) -> std::io::Result<Writer> {
        let shared = Arc::new(Shared {
            pending: DashMap::new(),
            handed: AtomicU64::new(0),
            armed: AtomicBool::new(false),
            control: Mutex::new(Control::default()),
            wake: Condvar::new(),
            progress: Condvar::new(),
            writes: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            failed_writes: AtomicU64::new(0),
        });
        let mut state = ThreadState {
            shared: shared.clone(),
            table,
            sink,
            config,
            report,
            retry_at: None,
            backoff: config.retry_min,
            last_reported: None,
        };
        let thread = std::thread::Builder::new()
            .name("nanostore-persist".into())
            .spawn(move || state.run())?;
        Ok(Writer {
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Hands over a store's serialized value. Never blocks on I/O.
    pub fn set(&self, id: &str, version: u32, payload: Payload) {
        let s = &self.shared;
        s.pending.insert(id.to_string(), Pending { version, payload });
        // Counted after the insert: a write that read this count has drained the value.
        s.handed.fetch_add(1, Ordering::SeqCst);
        if !s.armed.swap(true, Ordering::SeqCst) {
            let mut ctl = s.control();
            ctl.dirty_since.get_or_insert_with(Instant::now);
            drop(ctl);
            s.wake.notify_one();
        }
    }

    /// Asks for an immediate write of everything handed over so far.
    pub fn request_flush(&self) -> FlushTicket {
        let s = &self.shared;
        let target = s.handed.load(Ordering::SeqCst);
        let mut ctl = s.control();
        let ticket = FlushTicket {
            target,
            after_attempt: ctl.attempts,
        };
        if ctl.written < target || ctl.failure.is_some() {
            ctl.flush_requested = true;
            drop(ctl);
            s.wake.notify_one();
        }
        ticket
    }

    /// Waits until the ticket's values are on disk, the attempt that had to write them failed,
    /// or `timeout` passed (None: no limit).
    pub fn wait(&self, ticket: FlushTicket, timeout: Option<Duration>) -> Result<(), FlushError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut ctl = self.shared.control();
        loop {
            if ctl.written >= ticket.target {
                return Ok(());
            }
            if let Some((attempt, covered, err)) = &ctl.failure {
                if *attempt > ticket.after_attempt && *covered >= ticket.target {
                    return Err(FlushError::Failed(err.clone()));
                }
            }
            if ctl.exited {
                return Err(FlushError::Closed);
            }
            ctl = match deadline {
                None => self.shared.progress.wait(ctl).unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(FlushError::TimedOut(timeout.unwrap_or_default()));
                    }
                    self.shared
                        .progress
                        .wait_timeout(ctl, deadline - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
    }

    #[cfg(test)]
    pub fn flush(&self, timeout: Option<Duration>) -> Result<(), FlushError> {
        let ticket = self.request_flush();
        self.wait(ticket, timeout)
    }

    /// Writes what is pending (one last attempt), stops the thread and waits up to `timeout`
    /// for it. The thread releases the sink (and with it the file lock) when it ends. A thread
    /// stuck in a write longer than `timeout` is left to finish on its own.
    pub fn close(&self, timeout: Duration) -> Result<(), FlushError> {
        let deadline = Instant::now() + timeout;
        let ticket = self.request_flush();
        {
            let mut ctl = self.shared.control();
            ctl.closing = true;
        }
        self.shared.wake.notify_one();
        let flushed = self.wait(ticket, Some(timeout));
        let mut ctl = self.shared.control();
        while !ctl.exited {
            let now = Instant::now();
            if now >= deadline {
                drop(ctl);
                self.thread.lock().unwrap_or_else(PoisonError::into_inner).take();
                return flushed.and(Err(FlushError::TimedOut(timeout)));
            }
            ctl = self
                .shared
                .progress
                .wait_timeout(ctl, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        drop(ctl);
        if let Some(thread) = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = thread.join();
        }
        flushed
    }

    #[cfg(test)]
    pub fn is_closed(&self) -> bool {
        self.shared.control().closing
    }

    pub fn stats(&self) -> WriterStats {
        let s = &self.shared;
        WriterStats {
            sets: s.handed.load(Ordering::Acquire),
            writes: s.writes.load(Ordering::Acquire),
            bytes: s.bytes.load(Ordering::Acquire),
            failed_writes: s.failed_writes.load(Ordering::Acquire),
        }
    }
}

impl Drop for Writer {
    /// Dropped without `close()`: the thread still writes what is pending, then ends.
    fn drop(&mut self) {
        let mut ctl = self.shared.control();
        ctl.closing = true;
        ctl.flush_requested = true;
        drop(ctl);
        self.shared.wake.notify_one();
    }
}

struct ThreadState<S: Sink> {
    shared: Arc<Shared>,
    /// id → encoded entry: what the file holds (or will, once a failed write succeeds).
    table: BTreeMap<String, String>,
    sink: S,
    config: WriterConfig,
    report: Report,
    retry_at: Option<Instant>,
    backoff: Duration,
    /// The message of the last reported failure in the current streak of failures.
    last_reported: Option<String>,
}

enum Next {
    Write,
    Exit,
}

impl<S: Sink> ThreadState<S> {
    fn run(&mut self) {
        loop {
            let closing = match self.wait_for_work() {
                Next::Exit => break,
                Next::Write => self.shared.control().closing,
            };
            let cycle = catch_unwind(AssertUnwindSafe(|| self.cycle()));
            if let Err(payload) = cycle {
                let msg = panic_message(&*payload);
                self.fail(PersistError::new(
                    PersistCode::Internal,
                    format!("panic on the persistence writer thread: {msg}"),
                ));
            }
            if closing {
                // One last attempt was made (whatever its outcome): stop.
                break;
            }
        }
        let mut ctl = self.shared.control();
        ctl.exited = true;
        drop(ctl);
        self.shared.progress.notify_all();
    }

    /// Sleeps until a write is due: debounce elapsed, flush requested, closing, or retry time.
    fn wait_for_work(&mut self) -> Next {
        let mut ctl = self.shared.control();
        loop {
            let now = Instant::now();
            let has_work = ctl.dirty_since.is_some() || self.retry_at.is_some();
            if ctl.closing || ctl.flush_requested {
                if !has_work && ctl.written >= self.shared.handed.load(Ordering::Acquire) {
                    ctl.flush_requested = false;
                    if ctl.closing {
                        return Next::Exit;
                    }
                    drop(ctl);
                    self.shared.progress.notify_all();
                    ctl = self.shared.control();
                    continue;
                }
                ctl.flush_requested = false;
                ctl.dirty_since = None;
                return Next::Write;
            }
            let due = [ctl.dirty_since.map(|t| t + self.config.debounce), self.retry_at]
                .into_iter()
                .flatten()
                .min();
            match due {
                Some(due) if due <= now => {
                    ctl.dirty_since = None;
                    return Next::Write;
                }
                Some(due) => {
                    ctl = self
                        .shared
                        .wake
                        .wait_timeout(ctl, due - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                None => ctl = self.shared.wake.wait(ctl).unwrap_or_else(PoisonError::into_inner),
            }
        }
    }

    /// Drains pending values into the table and writes the file.
    fn cycle(&mut self) {
        let s = self.shared.clone();
        // Re-armed by the next set(): its value is drained now or makes the next cycle.
        // SeqCst with set()'s count and swap: a set() that saw the writer still armed counted
        // its value before this store, so the load below includes it.
        s.armed.store(false, Ordering::SeqCst);
        let covered = s.handed.load(Ordering::SeqCst);
        let changed = self.drain();
        let retrying = self.retry_at.is_some();
        if !changed && !retrying {
            // Nothing new since the last write (values drained by an earlier cycle).
            let mut ctl = s.control();
            ctl.written = ctl.written.max(covered);
            drop(ctl);
            s.progress.notify_all();
            return;
        }
        let attempt = {
            let mut ctl = s.control();
            ctl.attempts += 1;
            ctl.attempts
        };
        let bytes = encode_file(&self.table);
        match self.sink.write(&bytes) {
            Ok(()) => {
                s.writes.fetch_add(1, Ordering::AcqRel);
                s.bytes.fetch_add(bytes.len() as u64, Ordering::AcqRel);
                self.retry_at = None;
                self.backoff = self.config.retry_min;
                self.last_reported = None;
                let mut ctl = s.control();
                ctl.written = ctl.written.max(covered);
                ctl.failure = None;
                drop(ctl);
                s.progress.notify_all();
            }
            Err(err) => {
                s.failed_writes.fetch_add(1, Ordering::AcqRel);
                let mut ctl = s.control();
                ctl.failure = Some((attempt, covered, err.clone()));
                drop(ctl);
                self.fail(err);
            }
        }
    }

    /// Moves every pending value into the table. Returns whether anything changed.
    fn drain(&mut self) -> bool {
        let ids: Vec<String> = self.shared.pending.iter().map(|e| e.key().clone()).collect();
        let mut changed = false;
        for id in ids {
            let Some((id, pending)) = self.shared.pending.remove(&id) else {
                continue;
            };
            if let Payload::Json(json) = &pending.payload {
                if let Err(why) = check_json(json) {
                    (self.report)(
                        PersistError::new(
                            PersistCode::Unserializable,
                            format!("store \"{id}\": the value handed over is not JSON ({why}); it was not written"),
                        )
                        .with_store(&id),
                    );
                    continue;
                }
            }
            let entry = StoredEntry {
                version: pending.version,
                payload: pending.payload,
            };
            self.table.insert(id, entry.encode());
            changed = true;
        }
        changed
    }

    /// Reports a failure (the first of a streak, and whenever the message changes) and
    /// schedules a retry.
    fn fail(&mut self, err: PersistError) {
        if self.last_reported.as_deref() != Some(err.message.as_str()) {
            self.last_reported = Some(err.message.clone());
            (self.report)(err);
        }
        self.retry_at = Some(Instant::now() + self.backoff);
        self.backoff = (self.backoff * 2).min(self.config.retry_max);
        self.shared.progress.notify_all();
    }
}

#[cfg(test)]
mod tests;
