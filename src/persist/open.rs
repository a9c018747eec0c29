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
mod tests {
    use super::*;
    use crate::persist::atomic::tests::TempDir;
    use crate::persist::format::encode_file;
    use std::sync::{Arc, Mutex};

    fn opts(dir: &Path) -> OpenOptions {
        OpenOptions {
            dir: dir.to_path_buf(),
            file_name: "state.json".into(),
            debounce: Duration::from_millis(5),
        }
    }

    fn collect() -> (Report, Arc<Mutex<Vec<PersistError>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        (Arc::new(move |e| s.lock().unwrap().push(e)), seen)
    }

    fn json(version: u32, v: &str) -> StoredEntry {
        StoredEntry {
            version,
            payload: Payload::Json(v.into()),
        }
    }

    fn write_file(path: &Path, entries: &[(&str, StoredEntry)]) {
        let table = entries.iter().map(|(id, e)| (id.to_string(), e.encode())).collect();
        fs::write(path, encode_file(&table)).unwrap();
    }

    const LONG: Option<Duration> = Some(Duration::from_secs(10));

    #[test]
    fn a_fresh_directory_is_created_and_written_then_reloaded() {
        let tmp = TempDir::new("open-fresh");
        let dir = tmp.path("nested/user data");
        let (report, errors) = collect();
        let (p, load) = open(opts(&dir), report.clone()).unwrap();
        assert!(
            load.entries.is_empty() && load.problems.is_empty(),
            "{:?}",
            load.problems
        );
        p.set("counter", 0, Payload::Json("5".into()));
        p.set("text", 3, Payload::Text("a\u{0}b".into()));
        p.flush(LONG).unwrap();
        p.close(Duration::from_secs(10)).unwrap();
        let (p2, load) = open(opts(&dir), report).unwrap();
        assert_eq!(load.entries["counter"], json(0, "5"));
        assert_eq!(load.entries["text"].payload, Payload::Text("a\u{0}b".into()));
        assert_eq!(load.entries["text"].version, 3);
        p2.close(Duration::from_secs(10)).unwrap();
        assert!(errors.lock().unwrap().is_empty());
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["state.json", "state.json.lock"]);
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_the_next_write_starts_fresh() {
        let tmp = TempDir::new("open-corrupt");
        let file = tmp.path("state.json");
        fs::write(
            &file,
            b"{\"format\":\"nanostore-ipc-bridge\",\"formatVersion\":1,\"stores\":{\"a\":{\"ver",
        )
        .unwrap();
        let (report, _) = collect();
        let (p, load) = open(opts(&tmp.0), report).unwrap();
        assert!(load.entries.is_empty());
        assert_eq!(load.problems.len(), 1);
        let e = &load.problems[0];
        assert_eq!(e.code, PersistCode::Corrupt);
        let moved = e.moved_to.clone().unwrap();
        assert!(moved
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("state.json.corrupt-"));
        assert!(
            fs::read(&moved).unwrap().ends_with(b"\"ver"),
            "the bad file is kept as it was"
        );
        assert!(!file.exists());
        p.set("a", 0, Payload::Json("1".into()));
        p.flush(LONG).unwrap();
        assert_eq!(
            decode_file(&fs::read(&file).unwrap()).unwrap().entries["a"],
            json(0, "1")
        );
    }

    #[test]
    fn bad_entries_are_copied_aside_and_the_good_ones_load() {
        let tmp = TempDir::new("open-entries");
        let file = tmp.path("state.json");
        let text = br#"{"format":"nanostore-ipc-bridge","formatVersion":1,"stores":{
"good":{"version":1,"value":[1]},
"bad":{"version":"x","value":2}
}}"#;
        fs::write(&file, text).unwrap();
        let (report, _) = collect();
        let (p, load) = open(opts(&tmp.0), report).unwrap();
        assert_eq!(load.entries.keys().collect::<Vec<_>>(), ["good"]);
        assert_eq!(load.problems.len(), 1);
        let e = &load.problems[0];
        assert_eq!((e.code, e.store_id.as_deref()), (PersistCode::Corrupt, Some("bad")));
        assert_eq!(fs::read(e.moved_to.as_ref().unwrap()).unwrap(), text);
        // The file stays in use until the next write, which drops the bad entry.
        p.set("good", 1, Payload::Json("[2]".into()));
        p.flush(LONG).unwrap();
        let now = decode_file(&fs::read(&file).unwrap()).unwrap();
        assert_eq!(now.entries.keys().collect::<Vec<_>>(), ["good"]);
        assert!(now.bad_entries.is_empty());
    }

    #[test]
    fn a_newer_file_is_never_written() {
        let tmp = TempDir::new("open-newer");
        let file = tmp.path("state.json");
        let text = br#"{"format":"nanostore-ipc-bridge","formatVersion":99,"stores":{"a":"future"}}"#;
        fs::write(&file, text).unwrap();
        let (report, _) = collect();
        let (p, load) = open(opts(&tmp.0), report).unwrap();
        assert_eq!(load.problems.len(), 1);
        assert_eq!(load.problems[0].code, PersistCode::Version);
        assert_eq!(p.read_only().map(|e| e.code), Some(PersistCode::Version));
        p.set("a", 0, Payload::Json("1".into()));
        assert_eq!(p.flush(LONG).unwrap_err().code, PersistCode::Version);
        p.close(Duration::from_secs(1)).unwrap_err();
        assert_eq!(fs::read(&file).unwrap(), text);
    }

    #[test]
    fn a_second_opener_reads_but_never_writes() {
        let tmp = TempDir::new("open-locked");
        let file = tmp.path("state.json");
        write_file(&file, &[("a", json(0, "1"))]);
        let (report, _) = collect();
        let (first, _) = open(opts(&tmp.0), report.clone()).unwrap();
        let (second, load) = open(opts(&tmp.0), report.clone()).unwrap();
        assert_eq!(load.entries["a"], json(0, "1"), "the second instance still loads");
        assert_eq!(load.problems[0].code, PersistCode::Locked);
        second.set("a", 0, Payload::Json("2".into()));
        assert_eq!(second.flush(LONG).unwrap_err().code, PersistCode::Locked);
        first.set("a", 0, Payload::Json("3".into()));
        first.flush(LONG).unwrap();
        assert_eq!(
            decode_file(&fs::read(&file).unwrap()).unwrap().entries["a"],
            json(0, "3")
        );
        // Closing the first releases the lock: a new opener owns the file.
        first.close(Duration::from_secs(10)).unwrap();
        let (third, load) = open(opts(&tmp.0), report).unwrap();
        assert!(load.problems.is_empty(), "{:?}", load.problems);
        third.close(Duration::from_secs(10)).unwrap();
    }

    #[test]
    fn an_unwritable_place_fails_each_write_and_recovers_when_it_is_fixed() {
        let tmp = TempDir::new("open-blocked");
        let blocker = tmp.path("blocker");
        fs::write(&blocker, b"a file where the directory should be").unwrap();
        let dir = blocker.join("data");
        let (report, errors) = collect();
        let (p, load) = open(opts(&dir), report).unwrap();
        assert!(load.entries.is_empty());
        assert_eq!(load.problems.len(), 1, "{:?}", load.problems);
        assert_eq!(load.problems[0].code, PersistCode::WriteFailed);
        p.set("a", 0, Payload::Json("1".into()));
        let e = p.flush(LONG).unwrap_err();
        assert_eq!(e.code, PersistCode::WriteFailed);
        assert!(!errors.lock().unwrap().is_empty(), "the failed write is reported");
        fs::remove_file(&blocker).unwrap();
        p.flush(LONG).unwrap();
        let on_disk = decode_file(&fs::read(dir.join("state.json")).unwrap()).unwrap();
        assert_eq!(on_disk.entries["a"], json(0, "1"));
    }

    #[test]
    fn an_invalid_file_name_is_refused() {
        let tmp = TempDir::new("open-name");
        for name in ["", ".", "..", "a/b", "a\\b"] {
            let o = OpenOptions {
                file_name: name.into(),
                ..opts(&tmp.0)
            };
            let err = open(o, Arc::new(|_| {})).err().unwrap();
            assert_eq!(err.code, PersistCode::InvalidArgument, "{name:?}");
        }
    }
}
