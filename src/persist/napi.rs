//! The `Persistence` class: the N-API face of `persist/`, on napi-rs's typed surface.
//!
//! Plain data in and out: the JS thread hands over strings (`set` returns at once), reads the
//! loaded entries once (`takeLoad`), and gets errors as `{ code, message, storeId?, file?,
//! movedTo? }` objects: returned, resolved, or sent to the `onError` callback from the writer
//! thread through a weak threadsafe function (it never keeps the process alive). Every export
//! runs under `catch_unwind`; nothing here blocks the JS thread except `flushSync` and `close`,
//! which wait (bounded) for the last write at quit and in `destroy()`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::{AsyncTask, Env, FromNapiValue, JsError, Object, Status, Task, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi_derive::napi;

use super::error::{PersistCode, PersistError};
use super::format::Payload;
use super::open::{open, LoadReport, OpenOptions, Persist};
use super::writer::FlushTicket;
use crate::js::guard::guarded;

#[napi(object)]
pub struct PersistenceOptions {
    pub dir: String,
    pub file_name: String,
    pub debounce_ms: f64,
}

#[napi(object)]
#[derive(Clone)]
pub struct PersistErrorData {
    pub code: String,
    pub message: String,
    pub store_id: Option<String>,
    pub file: Option<String>,
    pub moved_to: Option<String>,
}

/// A stored entry: `json` (the value as JSON text) or `text` (what the store's serialize wrote).
#[napi(object)]
pub struct StoredValue {
    pub id: String,
    pub version: u32,
    pub json: Option<String>,
    pub text: Option<String>,
}

#[napi(object)]
pub struct PersistLoad {
    pub file: String,
    pub entries: Vec<StoredValue>,
    /// Everything that went wrong opening the file, in order.
    pub problems: Vec<PersistErrorData>,
    /// Why this instance will never write the file (lock held elsewhere, newer file), if so.
    pub read_only: Option<PersistErrorData>,
}

#[napi(object)]
pub struct PersistStats {
    pub sets: f64,
    pub writes: f64,
    pub bytes: f64,
    pub failed_writes: f64,
}

type ErrorCallback = ThreadsafeFunction<PersistErrorData, UnknownReturnValue, PersistErrorData, Status, false, true>;

fn path_text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn data(e: &PersistError) -> PersistErrorData {
    PersistErrorData {
        code: e.code.as_str().to_string(),
        message: e.message.clone(),
        store_id: e.store_id.clone(),
        file: e.file.as_deref().map(path_text),
        moved_to: e.moved_to.as_deref().map(path_text),
    }
}

/// The runtime's `guarded` (catch_unwind + the silent panic hook, which then also covers the
/// writer thread): a panic becomes an `INTERNAL` error.
fn guard<T>(f: impl FnOnce() -> Result<T, PersistError>) -> Result<T, PersistError> {
    guarded(|| Ok(f())).unwrap_or_else(|panic| Err(PersistError::new(PersistCode::Internal, panic.to_string())))
}

/// Throws `e` as a JS `Error` whose `code` is ours, with `storeId`, `file`, `movedTo` when set.
fn to_napi(env: &Env, e: PersistError) -> napi::Error {
    let error: Unknown = JsError::from(napi::Error::new(e.code.error_code(), e.message.clone())).into_unknown(*env);
    if let Ok(mut object) = Object::from_unknown(error) {
        let d = data(&e);
        for (key, value) in [("storeId", d.store_id), ("file", d.file), ("movedTo", d.moved_to)] {
            if let Some(value) = value {
                let _ = object.set(key, value);
            }
        }
    }
    napi::Error::from_unknown_without_coercion(error)
}

fn duration_ms(ms: f64, what: &str) -> Result<Duration, PersistError> {
    if (0.0..=86_400_000.0).contains(&ms) {
        Ok(Duration::from_secs_f64(ms / 1000.0))
    } else {
        Err(PersistError::new(
            PersistCode::InvalidArgument,
            format!("{what} must be a number of milliseconds from 0 to 86400000"),
        ))
    }
}

/// An open persistence file with its writer thread and lock.
#[napi]
pub struct Persistence {
    inner: Arc<Persist>,
    load: Option<LoadReport>,
}

#[napi]
impl Persistence {
    /// Creates the directory, takes the lock, reads the file (a bad one is moved aside), starts
    /// the writer. Errors found later (failed writes) go to `onError`.
    #[napi(
        constructor,
        ts_args_type = "options: PersistenceOptions, onError: (error: PersistErrorData) => void"
    )]
    pub fn new(env: Env, options: PersistenceOptions, on_error: ErrorCallback) -> napi::Result<Self> {
        guard(|| {
            let debounce = duration_ms(options.debounce_ms, "debounceMs")?;
            let report = Arc::new(move |e: PersistError| {
                let _ = on_error.call(data(&e), ThreadsafeFunctionCallMode::NonBlocking);
            });
            let (inner, load) = open(
                OpenOptions {
                    dir: options.dir.into(),
                    file_name: options.file_name,
                    debounce,
                },
                report,
            )?;
            Ok(Persistence {
                inner: Arc::new(inner),
                load: Some(load),
            })
        })
        .map_err(|e| to_napi(&env, e))
    }

    /// What the file held when it was opened (given once; later calls get an empty load).
    #[napi]
    pub fn take_load(&mut self) -> PersistLoad {
        let read_only = self.inner.read_only().map(data);
        let file = path_text(self.inner.file());
        let Some(load) = self.load.take() else {
            return PersistLoad {
                file,
                entries: Vec::new(),
                problems: Vec::new(),
                read_only,
            };
        };
        let entries = load
            .entries
            .into_iter()
            .map(|(id, entry)| {
                let (json, text) = match entry.payload {
                    Payload::Json(json) => (Some(json), None),
                    Payload::Text(text) => (None, Some(text)),
                };
                StoredValue {
                    id,
                    version: entry.version,
                    json,
                    text,
                }
            })
            .collect();
        PersistLoad {
            file,
            entries,
            problems: load.problems.iter().map(data).collect(),
            read_only,
        }
    }

    /// Hands over a store's serialized value; returns at once (the writer thread writes it
    /// within the debounce). `isText`: what the store's own serialize returned, else JSON.
    #[napi]
    pub fn set(&self, id: String, version: u32, payload: String, is_text: bool) {
        let _ = guard(|| {
            let payload = if is_text {
                Payload::Text(payload)
            } else {
                Payload::Json(payload)
            };
            self.inner.set(&id, version, payload);
            Ok(())
        });
    }

    /// Starts writing what is pending now, without waiting.
    #[napi]
    pub fn request_flush(&self) {
        let _ = guard(|| self.inner.request_flush().map(|_| ()));
    }

    /// Resolves with null once everything handed over so far is on disk, or with the error of
    /// the write that had to do it (the writer keeps retrying in the background).
    #[napi(ts_return_type = "Promise<PersistErrorData | null>")]
    pub fn flush(&self) -> AsyncTask<FlushTask> {
        let ticket = guard(|| self.inner.request_flush());
        AsyncTask::new(FlushTask {
            inner: self.inner.clone(),
            ticket: Some(ticket),
        })
    }

    /// The same, blocking the JS thread up to `timeoutMs` (will-quit: the last moment to write).
    #[napi]
    pub fn flush_sync(&self, timeout_ms: f64) -> Option<PersistErrorData> {
        guard(|| {
            let timeout = duration_ms(timeout_ms, "timeoutMs")?;
            self.inner.flush(Some(timeout))
        })
        .err()
        .as_ref()
        .map(data)
    }

    /// Last write (waiting up to `timeoutMs`), then the writer stops and the lock is released.
    #[napi]
    pub fn close(&self, timeout_ms: f64) -> Option<PersistErrorData> {
        guard(|| {
            let timeout = duration_ms(timeout_ms, "timeoutMs")?;
            self.inner.close(timeout)
        })
        .err()
        .as_ref()
        .map(data)
    }

    /// Copies the file as it is now next to it (`<file>.<reason>-<timestamp>`); returns the copy's path.
    #[napi]
    pub fn copy_aside(&self, env: Env, reason: String) -> napi::Result<String> {
        guard(|| self.inner.copy_aside(&reason).map(|p| path_text(&p))).map_err(|e| to_napi(&env, e))
    }

    #[napi]
    pub fn stats(&self) -> PersistStats {
        let s = self.inner.stats();
        PersistStats {
            sets: s.sets as f64,
            writes: s.writes as f64,
            bytes: s.bytes as f64,
            failed_writes: s.failed_writes as f64,
        }
    }
}

pub struct FlushTask {
    inner: Arc<Persist>,
    ticket: Option<Result<FlushTicket, PersistError>>,
}

impl Task for FlushTask {
    type Output = Option<PersistErrorData>;
    type JsValue = Option<PersistErrorData>;

    /// On a libuv worker thread: waits for the writer.
    fn compute(&mut self) -> napi::Result<Self::Output> {
        let ticket = self.ticket.take();
        let inner = self.inner.clone();
        let result = guard(move || match ticket {
            Some(Ok(ticket)) => inner.wait(ticket, None),
            Some(Err(e)) => Err(e),
            None => Err(PersistError::new(PersistCode::Internal, "flush ran twice")),
        });
        Ok(result.err().as_ref().map(data))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output)
    }
}
