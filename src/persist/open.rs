//! Opening a persistence file: create the directory, take the lock, read and check the file,
//! then start the writer with what was read.
//!
//! What happens to a file that cannot be used (every case is reported as a `PersistError`):
//!
//! | file | this instance holds the lock | another instance holds it |
//! | --- | --- | --- |
//! | missing | stores start from their initial values | same, never writes |
//! | valid | entries loaded | entries loaded, never writes |
//! | some entries invalid | the file is copied aside, the valid entries load | valid entries load |
//! | unreadable / not JSON / wrong shape | moved aside (kept), stores start from initial | reported, nothing moved |
//! | newer `formatVersion` | left as it is; this instance never writes it | same |
//!
//! "Never writes" means values stay in memory only: `flush()` fails with the reason.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::atomic::{copy_aside, move_aside, temp_path, write_atomic};
use super::error::{PersistCode, PersistError};
use super::format::{decode_file, DecodeError, Payload, StoredEntry, FORMAT_VERSION};
use super::lock::{try_lock, FileLock, LockError};
use super::writer::{FlushError, FlushTicket, Report, Sink, Writer, WriterConfig, WriterStats};

pub struct OpenOptions {
    pub dir: PathBuf,
    pub file_name: String,
    pub debounce: Duration,
}

/// What the file held when it was opened, and what went wrong.
#[derive(Debug)]
pub struct LoadReport {
    pub entries: BTreeMap<String, StoredEntry>,
    /// Reported at open, in order (the caller forwards them to `onError`).
    pub problems: Vec<PersistError>,
}

pub struct Persist {
    file: PathBuf,
    writer: Option<Writer>,
    /// Why this instance never writes (lock held elsewhere, newer file, unmovable bad file).
    read_only: Option<PersistError>,
}

/// Checks a file name: one path component, not `.`/`..`.
pub fn check_file_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." {
        return Err("must be a file name".into());
    }
    if name.contains('/') || name.contains('\\') || name.contains('\0') {
        return Err("must be a file name, not a path (use `dir` for the directory)".into());
    }
    Ok(())
}

pub fn open(options: OpenOptions, report: Report) -> Result<(Persist, LoadReport), PersistError> {
    check_file_name(&options.file_name)
        .map_err(|why| PersistError::new(PersistCode::InvalidArgument, format!("persist.fileName {why}")))?;
    let file = options.dir.join(&options.file_name);
    let mut problems = Vec::new();
    let mut read_only: Option<PersistError> = None;

    if let Err(e) = fs::create_dir_all(&options.dir) {
        problems.push(PersistError::write_failed("create the directory", &options.dir, &e).with_file(&file));
    }
    let lock = match try_lock(&file) {
        Ok(lock) => Some(lock),
        Err(LockError::Held(lock_file)) => {
            let e = locked_error(&file, &lock_file);
            read_only = Some(e.clone());
            problems.push(e);
            None
        }
        // The writer tries again before each write (the directory may become writable).
        Err(LockError::Io(lock_file, e)) => {
            if problems.is_empty() {
                problems.push(PersistError::write_failed("lock", &lock_file, &e).with_file(&file));
            }
            None
        }
    };
    if lock.is_some() {
        // A temp file left by a crash: never read, removed now rather than left lying around.
        let _ = fs::remove_file(temp_path(&file));
    }

    let mut entries = BTreeMap::new();
    match fs::read(&file) {
        Ok(bytes) => match decode_file(&bytes) {
            Ok(decoded) => {
                entries = decoded.entries;
                if !decoded.bad_entries.is_empty() {
                    let copy = if lock.is_some() {
                        copy_aside(&file, "invalid-entries").ok()
                    } else {
                        None
                    };
                    for (id, why) in decoded.bad_entries {
                        let mut e = PersistError::new(
                            PersistCode::Corrupt,
                            format!(
                                "store \"{id}\" in {}: {why}; it starts from its initial value{}",
                                file.display(),
                                kept_at(copy.as_deref())
                            ),
                        )
                        .with_file(&file)
                        .with_store(&id);
                        e.moved_to = copy.clone();
                        problems.push(e);
                    }
                }
            }
            Err(DecodeError::Newer(version)) => {
                let e = PersistError::new(
                    PersistCode::Version,
                    format!(
                        "{} was written by a newer version of the app (file format {version}, this one knows \
                         up to {FORMAT_VERSION}); it is left untouched and nothing is persisted in this run",
                        file.display()
                    ),
                )
                .with_file(&file);
                read_only.get_or_insert(e.clone());
                problems.push(e);
            }
            Err(DecodeError::Corrupt(why)) => problems.push(corrupt(&file, &why, lock.is_some(), &mut read_only)),
        },
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {}
        Err(e) => problems.push(corrupt(
            &file,
            &format!("could not be read ({e})"),
            lock.is_some(),
            &mut read_only,
        )),
    }

    let writer = if read_only.is_none() {
        let table = entries.iter().map(|(id, e)| (id.clone(), e.encode())).collect();
        let sink = FileSink {
            file: file.clone(),
            dir: options.dir.clone(),
            lock,
        };
        let config = WriterConfig {
            debounce: options.debounce,
            ..WriterConfig::default()
        };
        Some(Writer::start(table, sink, config, report).map_err(|e| {
            PersistError::new(
                PersistCode::Internal,
                format!("could not start the persistence writer thread: {e}"),
            )
        })?)
    } else {
        None
    };
    let load = LoadReport { entries, problems };
    Ok((
        Persist {
            file,
            writer,
            read_only,
        },
        load,
    ))
}

fn locked_error(file: &Path, lock_file: &Path) -> PersistError {
    PersistError::new(
        PersistCode::Locked,
        format!(
            "{} is in use by another instance of the app (lock {} is held); this instance reads it but \
             will not write it",
            file.display(),
            lock_file.display()
        ),
    )
    .with_file(file)
}

fn kept_at(copy: Option<&Path>) -> String {
    match copy {
        Some(p) => format!(" (the file as it was is kept at {})", p.display()),
        None => String::new(),
    }
}

/// An unusable file: moved aside when we own it; if it cannot be moved (or another instance
/// owns it), this instance must not write over it.
fn corrupt(file: &Path, why: &str, owner: bool, read_only: &mut Option<PersistError>) -> PersistError {
    let moved = if owner {
        move_aside(file, "corrupt")
    } else {
        Err(io::Error::other("not the lock holder"))
    };
    let mut e = PersistError::new(PersistCode::Corrupt, String::new()).with_file(file);
    match moved {
        Ok(to) => {
            e.message = format!(
                "{} {why}; it was moved to {} and the stores start from their initial values",
                file.display(),
                to.display()
            );
            e.moved_to = Some(to);
        }
        Err(move_err) => {
            e.message = format!(
                "{} {why}; it could not be moved aside ({move_err}), so it is left untouched and nothing is \
                 persisted in this run",
                file.display()
            );
            read_only.get_or_insert(e.clone());
        }
    }
    e
}

impl Persist {
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Why this instance does not write, if it does not.
    pub fn read_only(&self) -> Option<&PersistError> {
        self.read_only.as_ref()
    }

    /// Hands over a value. Ignored (values stay in memory) when read-only.
    pub fn set(&self, id: &str, version: u32, payload: Payload) {
        if let Some(w) = &self.writer {
            w.set(id, version, payload);
        }
    }

    pub fn request_flush(&self) -> Result<FlushTicket, PersistError> {
        match (&self.writer, &self.read_only) {
            (Some(w), _) => Ok(w.request_flush()),
            (None, Some(e)) => Err(e.clone()),
            (None, None) => Err(FlushError::Closed.into_persist_error()),
        }
    }

    pub fn wait(&self, ticket: FlushTicket, timeout: Option<Duration>) -> Result<(), PersistError> {
        match &self.writer {
            Some(w) => w.wait(ticket, timeout).map_err(FlushError::into_persist_error),
            None => Err(FlushError::Closed.into_persist_error()),
        }
    }

    pub fn flush(&self, timeout: Option<Duration>) -> Result<(), PersistError> {
        let ticket = self.request_flush()?;
        self.wait(ticket, timeout)
    }

    /// Final write, then the writer thread stops and the lock is released.
    pub fn close(&self, timeout: Duration) -> Result<(), PersistError> {
        match (&self.writer, &self.read_only) {
            (Some(w), _) => w.close(timeout).map_err(FlushError::into_persist_error),
            (None, Some(e)) => Err(e.clone()),
            (None, None) => Ok(()),
        }
    }

    /// Copies the file as it is now aside (a store's saved value could not be used, and its
    /// next value will replace it). Only the lock holder does.
    pub fn copy_aside(&self, reason: &str) -> Result<PathBuf, PersistError> {
        if let Some(e) = &self.read_only {
            return Err(e.clone());
        }
        copy_aside(&self.file, reason).map_err(|e| {
            PersistError::new(
                PersistCode::WriteFailed,
                format!("could not copy {} aside: {e}", self.file.display()),
            )
            .with_file(&self.file)
        })
    }

    pub fn stats(&self) -> WriterStats {
        self.writer.as_ref().map(Writer::stats).unwrap_or_default()
    }
}

/// The real sink: takes the lock if it could not be taken at open, recreates the directory if
/// it is gone, and replaces the file atomically.
struct FileSink {
    file: PathBuf,
    dir: PathBuf,
    lock: Option<FileLock>,
}

impl Sink for FileSink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), PersistError> {
        if self.lock.is_none() {
            fs::create_dir_all(&self.dir)
                .map_err(|e| PersistError::write_failed("create the directory", &self.dir, &e).with_file(&self.file))?;
            self.lock = Some(try_lock(&self.file).map_err(|e| match e {
                LockError::Held(lock_file) => locked_error(&self.file, &lock_file),
                LockError::Io(lock_file, e) => PersistError::write_failed("lock", &lock_file, &e).with_file(&self.file),
            })?);
        }
        write_atomic(&self.file, bytes).map_err(|(step, e)| PersistError::write_failed(step.verb(), &self.file, &e))
    }
}

#[cfg(test)]
mod tests;
