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
//! - `crash.rs`   the SIGKILL test of the whole native write path
//! - `napi.rs`    the `Persistence` class: the only file here that knows N-API; it hands plain
//!   strings in and gets plain data (and errors, through a callback) out

mod atomic;
mod crash;
mod error;
mod format;
mod lock;
mod napi;
mod open;
mod writer;
