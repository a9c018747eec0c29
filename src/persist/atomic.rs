//! Replacing a file so that a crash or power loss at any moment leaves either the old or the
//! new complete file, never a torn one:
//!
//! 1. write the new bytes to `<file>.tmp` in the same directory (same filesystem, so the
//!    rename below is atomic), and fsync it: its data is on disk before it gets the name;
//! 2. rename it over `<file>` (atomic on POSIX; on Windows std uses `MoveFileExW` with
//!    `MOVEFILE_REPLACE_EXISTING`);
//! 3. fsync the directory, so the rename itself survives a power loss (POSIX; Windows has no
//!    directory handle to sync and makes the rename durable through the file system journal).
//!
//! The temp name is fixed: only the lock holder writes, and a temp file left by a crash is
//! simply overwritten. Bad files are never deleted: they are moved (or copied) aside under a
//! timestamped name.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Which step of an atomic write failed (for the error message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Create,
    Write,
    Sync,
    Rename,
    SyncDir,
}

impl Step {
    pub fn verb(self) -> &'static str {
        match self {
            Step::Create => "create the temporary file",
            Step::Write => "write the temporary file",
            Step::Sync => "fsync the temporary file",
            Step::Rename => "rename the temporary file over",
            Step::SyncDir => "fsync the directory of",
        }
    }
}

pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Replaces `path` with `bytes` (steps above). On failure the old file is untouched and the
/// temp file removed (best effort).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), (Step, io::Error)> {
    let tmp = temp_path(path);
    let result = write_and_sync(&tmp, bytes).and_then(|()| fs::rename(&tmp, path).map_err(|e| (Step::Rename, e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    sync_dir(path).map_err(|e| (Step::SyncDir, e))
}

fn write_and_sync(tmp: &Path, bytes: &[u8]) -> Result<(), (Step, io::Error)> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(tmp)
        .map_err(|e| (Step::Create, e))?;
    file.write_all(bytes).map_err(|e| (Step::Write, e))?;
    file.sync_all().map_err(|e| (Step::Sync, e))
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// `<file>.<reason>-<UTC timestamp>` (plus `-2`, `-3`, ... if taken), next to `path`.
pub fn aside_path(path: &Path, reason: &str, now: SystemTime) -> PathBuf {
    let base = format!(
        "{}.{reason}-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        timestamp(now)
    );
    let mut candidate = path.with_file_name(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = path.with_file_name(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// Moves a bad file out of the way, keeping it. Returns where it went.
pub fn move_aside(path: &Path, reason: &str) -> io::Result<PathBuf> {
    let target = aside_path(path, reason, SystemTime::now());
    fs::rename(path, &target)?;
    Ok(target)
}

/// Copies a file aside (the original stays in use). Returns where the copy went.
pub fn copy_aside(path: &Path, reason: &str) -> io::Result<PathBuf> {
    let target = aside_path(path, reason, SystemTime::now());
    fs::copy(path, &target)?;
    Ok(target)
}

/// `2026-12-02T00-33-36.123Z`: UTC, sortable, no `:` (not allowed in Windows file names).
pub fn timestamp(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}-{:02}-{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::Duration;

    /// A fresh empty directory under the system temp dir, removed on drop. Holding one also
    /// holds [`SERIAL`]: the crash test forks children, and a child forked while another test
    /// holds a file lock inherits the lock's open file until it execs, so a lock dropped in
    /// that window would still be held. Persistence tests therefore run one at a time.
    pub struct TempDir(pub PathBuf, std::sync::MutexGuard<'static, ()>);

    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// A randomized test's seed: `PERSIST_SEED` when set (to replay a run), else the clock.
    pub fn seed_from_env() -> u64 {
        crate::test_rng::seed_from_env("PERSIST_SEED")
    }

    impl TempDir {
        pub fn new(tag: &str) -> TempDir {
            // A test that failed while holding it poisons it; the next one still runs.
            let serial = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "nsipc-persist-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir, serial)
        }
        pub fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
        pub fn names(&self) -> Vec<String> {
            let mut v: Vec<String> = fs::read_dir(&self.0)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
            // Released only now (the field drops after this): the next test starts after the
            // directory is gone.
            let _serial: &std::sync::MutexGuard<'static, ()> = &self.1;
        }
    }

    #[test]
    fn writes_replace_the_file_and_leave_no_temp_file() {
        let dir = TempDir::new("atomic");
        let file = dir.path("state.json");
        write_atomic(&file, b"one").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"one");
        // A temp file left by a crash is overwritten, not read.
        fs::write(temp_path(&file), b"garbage from a crash, longer than the new content").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"two");
        assert_eq!(dir.names(), ["state.json"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_whole() {
        let dir = TempDir::new("atomic-fail");
        let file = dir.path("state.json");
        write_atomic(&file, b"old").unwrap();
        // The temp path is a non-empty directory: creating the temp file fails, even as root.
        fs::create_dir(temp_path(&file)).unwrap();
        fs::write(temp_path(&file).join("x"), b"").unwrap();
        let (step, _) = write_atomic(&file, b"new").unwrap_err();
        assert_eq!(step, Step::Create);
        assert_eq!(fs::read(&file).unwrap(), b"old");
        // A missing directory.
        let missing = dir.path("no/such/dir/state.json");
        assert_eq!(write_atomic(&missing, b"x").unwrap_err().0, Step::Create);
        // The target is a non-empty directory: the rename fails, the temp file is removed.
        let blocked = dir.path("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("x"), b"").unwrap();
        assert_eq!(write_atomic(&blocked, b"x").unwrap_err().0, Step::Rename);
        assert!(!temp_path(&blocked).exists());
    }

    #[test]
    fn bad_files_are_kept_under_timestamped_names() {
        let dir = TempDir::new("aside");
        let file = dir.path("state.json");
        fs::write(&file, b"bad 1").unwrap();
        let first = move_aside(&file, "corrupt").unwrap();
        assert!(!file.exists());
        fs::write(&file, b"bad 2").unwrap();
        let second = move_aside(&file, "corrupt").unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(&first).unwrap(), b"bad 1");
        assert_eq!(fs::read(&second).unwrap(), b"bad 2");
        fs::write(&file, b"in use").unwrap();
        let copy = copy_aside(&file, "entries").unwrap();
        assert_eq!(fs::read(&copy).unwrap(), b"in use");
        assert_eq!(fs::read(&file).unwrap(), b"in use");
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("state.json.corrupt-20"), "{name}");
        assert!(!name.contains(':'), "{name}");
    }

    #[test]
    fn aside_names_are_unique_within_one_millisecond() {
        let dir = TempDir::new("aside-unique");
        let file = dir.path("s.json");
        let at = UNIX_EPOCH + Duration::from_millis(1_764_635_616_123);
        let a = aside_path(&file, "corrupt", at);
        assert_eq!(a.file_name().unwrap(), "s.json.corrupt-2025-12-02T00-33-36.123Z");
        fs::write(&a, b"").unwrap();
        let b = aside_path(&file, "corrupt", at);
        assert_eq!(b.file_name().unwrap(), "s.json.corrupt-2025-12-02T00-33-36.123Z-2");
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let at = |secs: u64| timestamp(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01T00-00-00.000Z");
        assert_eq!(at(951_782_400), "2000-02-29T00-00-00.000Z");
        assert_eq!(at(4_107_542_399), "2100-02-28T23-59-59.000Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00-00-00.000Z");
    }
}
