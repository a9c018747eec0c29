//! Persistence of store values: one JSON file per runtime, written off the JS thread.
//!
//! - `format.rs`  the file format (serde): encode the table of stored entries, decode and check a file
//! - `atomic.rs`  crash-safe replacement of a file (temp file, fsync, rename, directory fsync),
//!   moving or copying a bad file aside under a timestamped name
//! - `lock.rs`    the lock file that keeps a second app instance from writing the same file
//! - `writer.rs`  the writer thread: a `DashMap` of pending values filled by the JS thread,
//!   debounced and coalesced into whole-file writes, flush waiters, retries with backoff
//! - `open.rs`    opening a persistence file: directory, lock, load, corruption handling
//! - `error.rs`   the typed errors every part reports (codes `PERSIST_*`)
//!
//! Nothing here knows about N-API: the `#[napi]` layer hands plain strings in and gets plain
//! data (and errors through a callback) out.

mod atomic;
mod crash;
mod error;
mod format;
mod lock;
mod open;
mod writer;

#[allow(unused_imports)] // the N-API layer uses these
pub use error::{PersistCode, PersistError};
#[allow(unused_imports)]
pub use format::{Payload, StoredEntry};
#[allow(unused_imports)]
pub use open::{open, LoadReport, OpenOptions, Persist};
#[allow(unused_imports)]
pub use writer::{FlushError, WriterStats};
