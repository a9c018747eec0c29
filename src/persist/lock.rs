//! One writer per file: an exclusive lock on `<file>.lock`, held for as long as the
//! persistence is open, so two app instances pointing at the same file cannot both write it.
//!
//! The lock is on a separate file, not on the data file: each write renames a new file over
//! the data file, and a lock on the replaced inode would protect nothing. `File::try_lock` is
//! `flock(LOCK_EX | LOCK_NB)` on Unix and `LockFileEx` on Windows; both are released by the OS
//! when the process dies (kill -9 included), so a crash never leaves a stale lock. The lock
//! file itself is never deleted (deleting it would race with another instance locking it).

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct FileLock {
    // Held for its lock; the OS releases it when the handle closes.
    _file: File,
}

#[derive(Debug)]
pub enum LockError {
    /// Another handle (another process, or another open persistence in this one) holds it.
    Held(PathBuf),
    /// The lock file could not be created or locked (read-only directory, ...).
    Io(PathBuf, io::Error),
}

pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

pub fn try_lock(data_path: &Path) -> Result<FileLock, LockError> {
    let path = lock_path(data_path);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| LockError::Io(path.clone(), e))?;
    match file.try_lock() {
        Ok(()) => Ok(FileLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(LockError::Held(path)),
        Err(TryLockError::Error(e)) => Err(LockError::Io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::atomic::tests::TempDir;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = TempDir::new("lock");
        let file = dir.path("state.json");
        let first = try_lock(&file).unwrap();
        match try_lock(&file) {
            Err(LockError::Held(p)) => assert_eq!(p, dir.path("state.json.lock")),
            other => panic!("second lock: {other:?}"),
        }
        drop(first);
        let again = try_lock(&file).unwrap();
        drop(again);
        // Another file in the same directory has its own lock.
        let _a = try_lock(&file).unwrap();
        let _b = try_lock(&dir.path("other.json")).unwrap();
    }

    #[test]
    fn an_unwritable_place_is_an_io_error() {
        let dir = TempDir::new("lock-io");
        std::fs::write(dir.path("blocker"), b"a file, not a directory").unwrap();
        match try_lock(&dir.path("blocker/state.json")) {
            Err(LockError::Io(p, _)) => assert_eq!(p, dir.path("blocker/state.json.lock")),
            other => panic!("{other:?}"),
        }
    }
}
