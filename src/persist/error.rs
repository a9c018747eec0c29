//! The errors persistence reports. Each carries a stable `PERSIST_*` code (the JS package's
//! `ErrorCodes` lists the same strings), the store it is about when there is one, and the
//! files involved, so `onError` can say what happened and where the old data went.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersistCode {
    /// The file (or one store's entry in it) could not be read as a persistence file;
    /// it was moved (or copied) aside and the stores start from their initial values.
    Corrupt,
    /// The file or a store's entry was written by newer code; it is left as it is.
    Version,
    /// Another process holds the lock: this instance reads the file but never writes it.
    Locked,
    /// A write failed (disk full, permission denied, ...); it is retried.
    WriteFailed,
    /// A value that cannot be stored as JSON.
    Unserializable,
    /// A bad option (file name).
    InvalidArgument,
    /// A bug (a panic on the writer thread, a lost thread).
    Internal,
}

impl PersistCode {
    /// The package's code for it (the JS error's `code`).
    pub const fn error_code(self) -> ErrorCode {
        match self {
            PersistCode::Corrupt => ErrorCode::PersistCorrupt,
            PersistCode::Version => ErrorCode::PersistVersion,
            PersistCode::Locked => ErrorCode::PersistLocked,
            PersistCode::WriteFailed => ErrorCode::PersistWriteFailed,
            PersistCode::Unserializable => ErrorCode::PersistUnserializable,
            PersistCode::InvalidArgument => ErrorCode::InvalidArgument,
            PersistCode::Internal => ErrorCode::Internal,
        }
    }

    pub const fn as_str(self) -> &'static str {
        self.error_code().as_str()
    }
}

impl fmt::Display for PersistCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistError {
    pub code: PersistCode,
    pub message: String,
    /// The store involved, if the error is about one.
    pub store_id: Option<String>,
    /// The persistence file (or the path that failed).
    pub file: Option<PathBuf>,
    /// Where a bad file was moved or copied to, so nothing is lost.
    pub moved_to: Option<PathBuf>,
}

impl PersistError {
    pub fn new(code: PersistCode, message: impl Into<String>) -> Self {
        PersistError {
            code,
            message: message.into(),
            store_id: None,
            file: None,
            moved_to: None,
        }
    }

    pub fn with_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    pub fn with_store(mut self, id: &str) -> Self {
        self.store_id = Some(id.to_string());
        self
    }

    /// A failed I/O step of a write: `what` says which ("write", "rename", "lock", ...).
    pub fn write_failed(what: &str, path: &Path, err: &io::Error) -> Self {
        PersistError::new(
            PersistCode::WriteFailed,
            format!("could not {what} {}: {err}; will retry", path.display()),
        )
        .with_file(path)
    }
}

impl fmt::Display for PersistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for PersistError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages() {
        let all = [
            PersistCode::Corrupt,
            PersistCode::Version,
            PersistCode::Locked,
            PersistCode::WriteFailed,
            PersistCode::Unserializable,
            PersistCode::InvalidArgument,
            PersistCode::Internal,
        ];
        let names: Vec<_> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "PERSIST_CORRUPT",
                "PERSIST_VERSION",
                "PERSIST_LOCKED",
                "PERSIST_WRITE_FAILED",
                "PERSIST_UNSERIALIZABLE",
                "INVALID_ARGUMENT",
                "INTERNAL"
            ]
        );
        let e = PersistError::write_failed(
            "write",
            Path::new("/x/state.json"),
            &io::Error::from(io::ErrorKind::StorageFull),
        );
        assert_eq!(e.code, PersistCode::WriteFailed);
        assert_eq!(e.file.as_deref(), Some(Path::new("/x/state.json")));
        assert!(
            e.to_string()
                .starts_with("PERSIST_WRITE_FAILED: could not write /x/state.json: "),
            "{e}"
        );
        assert_eq!(e.clone().with_store("s").store_id.as_deref(), Some("s"));
    }
}
