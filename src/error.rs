//! One error enum for the whole runtime, and its mapping to the stable JS error codes.
//!
//! Every error the addon throws is built from a [`CoreError`]: `code` is [`CoreError::code`],
//! `message` the `Display` text, `storeId` / `windowId` / `serviceId` / `method`
//! ([`CoreError::store_id`], [`CoreError::window_id`], [`CoreError::service_id`],
//! [`CoreError::method`]) when one is involved (`js/errors.rs` builds the JS object). The
//! mapping is plain Rust, tested here without Node.

use std::fmt;

/// Every stable code of the package, the ones the JS layer raises included, so the set is
/// complete in one place: `errorCodes()` returns [`ErrorCode::ALL`] and a JS test checks the JS
/// layer's own list (`error/`) against it. The addon itself raises `StoreNotFound`,
/// `StoreExists`, `RendererWriteDisabled`, `WindowNotFound`, `InvalidId`, `InvalidArgument`,
/// `ServiceNotFound`, `ServiceExists`, `MethodNotFound` and `Internal`; the validator returns
/// its verdicts as data, and JS turns them into `SerializationFailed` / `PayloadTooLarge`
/// errors with its own messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    StoreNotFound,
    StoreExists,
    RendererWriteDisabled,
    WindowNotFound,
    SerializationFailed,
    PayloadTooLarge,
    InvalidId,
    InvalidArgument,
    IpcFailed,
    SenderRejected,
    AlreadyInitialized,
    Destroyed,
    WrongProcess,
    NativeAddonMissing,
    PersistCorrupt,
    PersistVersion,
    PersistMigrationFailed,
    PersistUnserializable,
    PersistLocked,
    PersistWriteFailed,
    Internal,
    ServiceNotFound,
    ServiceExists,
    MethodNotFound,
    ServiceFailed,
    CallAborted,
    CallTimeout,
    RevConflict,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 28] = [
        ErrorCode::StoreNotFound,
        ErrorCode::StoreExists,
        ErrorCode::RendererWriteDisabled,
        ErrorCode::WindowNotFound,
        ErrorCode::SerializationFailed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::InvalidId,
        ErrorCode::InvalidArgument,
        ErrorCode::IpcFailed,
        ErrorCode::SenderRejected,
        ErrorCode::AlreadyInitialized,
        ErrorCode::Destroyed,
        ErrorCode::WrongProcess,
        ErrorCode::NativeAddonMissing,
        ErrorCode::PersistCorrupt,
        ErrorCode::PersistVersion,
        ErrorCode::PersistMigrationFailed,
        ErrorCode::PersistUnserializable,
        ErrorCode::PersistLocked,
        ErrorCode::PersistWriteFailed,
        ErrorCode::Internal,
        ErrorCode::ServiceNotFound,
        ErrorCode::ServiceExists,
        ErrorCode::MethodNotFound,
        ErrorCode::ServiceFailed,
        ErrorCode::CallAborted,
        ErrorCode::CallTimeout,
        ErrorCode::RevConflict,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::StoreNotFound => "STORE_NOT_FOUND",
            ErrorCode::StoreExists => "STORE_EXISTS",
            ErrorCode::RendererWriteDisabled => "RENDERER_WRITE_DISABLED",
            ErrorCode::WindowNotFound => "WINDOW_NOT_FOUND",
            ErrorCode::SerializationFailed => "SERIALIZATION_FAILED",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::InvalidId => "INVALID_ID",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::IpcFailed => "IPC_FAILED",
            ErrorCode::SenderRejected => "SENDER_REJECTED",
            ErrorCode::AlreadyInitialized => "ALREADY_INITIALIZED",
            ErrorCode::Destroyed => "DESTROYED",
            ErrorCode::WrongProcess => "WRONG_PROCESS",
            ErrorCode::NativeAddonMissing => "NATIVE_ADDON_MISSING",
            ErrorCode::PersistCorrupt => "PERSIST_CORRUPT",
            ErrorCode::PersistVersion => "PERSIST_VERSION",
            ErrorCode::PersistMigrationFailed => "PERSIST_MIGRATION_FAILED",
            ErrorCode::PersistUnserializable => "PERSIST_UNSERIALIZABLE",
            ErrorCode::PersistLocked => "PERSIST_LOCKED",
            ErrorCode::PersistWriteFailed => "PERSIST_WRITE_FAILED",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::ServiceNotFound => "SERVICE_NOT_FOUND",
            ErrorCode::ServiceExists => "SERVICE_EXISTS",
            ErrorCode::MethodNotFound => "METHOD_NOT_FOUND",
            ErrorCode::ServiceFailed => "SERVICE_FAILED",
            ErrorCode::CallAborted => "CALL_ABORTED",
            ErrorCode::CallTimeout => "CALL_TIMEOUT",
            ErrorCode::RevConflict => "REV_CONFLICT",
        }
    }
}

/// napi-rs takes the `code` of a JS error from its status: `napi::Error<ErrorCode>` carries ours.
impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why renderer writes to a store are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteScope {
    /// `allowRendererSet: false` on the runtime.
    Global,
    /// `rendererCanSet: false` on the store.
    Store,
}

/// An error the addon throws.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    #[error("store \"{id}\" is not registered")]
    StoreNotFound { id: String },

    /// A store handle (the hot path's name for a registration) that names none: the store
    /// was unregistered, or the handle came from another runtime.
    #[error("no store is registered with handle {handle}")]
    StoreHandleNotFound { handle: u32 },

    #[error("store \"{id}\" is already registered")]
    StoreExists { id: String },

    #[error("{}", match scope {
        WriteScope::Global => format!("renderer writes are disabled (allowRendererSet: false); store \"{id}\" can only be set from main"),
        WriteScope::Store => format!("store \"{id}\" does not accept writes from renderers (rendererCanSet: false)"),
    })]
    RendererWriteDisabled { id: String, scope: WriteScope },

    #[error("window {window} {}", if *gone { "is gone" } else { "is not registered" })]
    WindowNotFound { window: u64, gone: bool },

    /// `what` names the argument ("storeId", "windowId", "storeIds[2]", ...).
    #[error("invalid {what}: {reason}")]
    InvalidId { what: String, reason: String },

    #[error("invalid argument {what}: {reason}")]
    InvalidArgument { what: String, reason: String },

    #[error("internal error in nanostore-ipc-bridge native core: {message}")]
    Internal { message: String },

    #[error("service \"{id}\" is not registered")]
    ServiceNotFound { id: String },

    #[error("service \"{id}\" is already registered")]
    ServiceExists { id: String },

    #[error("service \"{service}\" has no method \"{method}\"")]
    MethodNotFound { service: String, method: String },
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::StoreNotFound { .. } | CoreError::StoreHandleNotFound { .. } => ErrorCode::StoreNotFound,
            CoreError::StoreExists { .. } => ErrorCode::StoreExists,
            CoreError::RendererWriteDisabled { .. } => ErrorCode::RendererWriteDisabled,
            CoreError::WindowNotFound { .. } => ErrorCode::WindowNotFound,
            CoreError::InvalidId { .. } => ErrorCode::InvalidId,
            CoreError::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            CoreError::Internal { .. } => ErrorCode::Internal,
            CoreError::ServiceNotFound { .. } => ErrorCode::ServiceNotFound,
            CoreError::ServiceExists { .. } => ErrorCode::ServiceExists,
            CoreError::MethodNotFound { .. } => ErrorCode::MethodNotFound,
        }
    }

    /// The store the error is about, set as `error.storeId` in JS.
    pub fn store_id(&self) -> Option<&str> {
        match self {
            CoreError::StoreNotFound { id }
            | CoreError::StoreExists { id }
            | CoreError::RendererWriteDisabled { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The service the error is about, set as `error.serviceId` in JS.
    pub fn service_id(&self) -> Option<&str> {
        match self {
            CoreError::ServiceNotFound { id } | CoreError::ServiceExists { id } => Some(id),
            CoreError::MethodNotFound { service, .. } => Some(service),
            _ => None,
        }
    }

    /// The service method the error is about, set as `error.method` in JS.
    pub fn method(&self) -> Option<&str> {
        match self {
            CoreError::MethodNotFound { method, .. } => Some(method),
            _ => None,
        }
    }

    /// The window the error is about, set as `error.windowId` in JS.
    pub fn window_id(&self) -> Option<u64> {
        match self {
            CoreError::WindowNotFound { window, .. } => Some(*window),
            _ => None,
        }
    }

    pub fn invalid_id(what: impl Into<String>, reason: impl Into<String>) -> Self {
        CoreError::InvalidId {
            what: what.into(),
            reason: reason.into(),
        }
    }

    pub fn invalid_arg(what: impl Into<String>, reason: impl Into<String>) -> Self {
        CoreError::InvalidArgument {
            what: what.into(),
            reason: reason.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        CoreError::Internal {
            message: message.into(),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

/// Text of a caught panic payload (`&str` or `String`; anything else is "unknown panic").
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_contract_strings() {
        let all: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            all,
            [
                "STORE_NOT_FOUND",
                "STORE_EXISTS",
                "RENDERER_WRITE_DISABLED",
                "WINDOW_NOT_FOUND",
                "SERIALIZATION_FAILED",
                "PAYLOAD_TOO_LARGE",
                "INVALID_ID",
                "INVALID_ARGUMENT",
                "IPC_FAILED",
                "SENDER_REJECTED",
                "ALREADY_INITIALIZED",
                "DESTROYED",
                "WRONG_PROCESS",
                "NATIVE_ADDON_MISSING",
                "PERSIST_CORRUPT",
                "PERSIST_VERSION",
                "PERSIST_MIGRATION_FAILED",
                "PERSIST_UNSERIALIZABLE",
                "PERSIST_LOCKED",
                "PERSIST_WRITE_FAILED",
                "INTERNAL",
                "SERVICE_NOT_FOUND",
                "SERVICE_EXISTS",
                "METHOD_NOT_FOUND",
                "SERVICE_FAILED",
                "CALL_ABORTED",
                "CALL_TIMEOUT",
                "REV_CONFLICT"
            ]
        );
    }

    #[test]
    fn each_error_maps_to_its_code_store_and_message() {
        let e = CoreError::StoreNotFound { id: "count".into() };
        assert_eq!(e.code(), ErrorCode::StoreNotFound);
        assert_eq!(e.store_id(), Some("count"));
        assert_eq!(e.to_string(), "store \"count\" is not registered");

        let e = CoreError::StoreExists { id: "a".into() };
        assert_eq!((e.code().as_str(), e.store_id()), ("STORE_EXISTS", Some("a")));

        let e = CoreError::RendererWriteDisabled {
            id: "s".into(),
            scope: WriteScope::Global,
        };
        assert_eq!(e.code(), ErrorCode::RendererWriteDisabled);
        assert!(e.to_string().contains("allowRendererSet: false"), "{e}");
        let e = CoreError::RendererWriteDisabled {
            id: "s".into(),
            scope: WriteScope::Store,
        };
        assert!(e.to_string().contains("rendererCanSet: false"), "{e}");
        assert_eq!(e.store_id(), Some("s"));

        let e = CoreError::WindowNotFound { window: 7, gone: false };
        assert_eq!(
            (e.code(), e.store_id(), e.window_id()),
            (ErrorCode::WindowNotFound, None, Some(7))
        );
        assert_eq!(e.to_string(), "window 7 is not registered");
        assert_eq!(
            CoreError::WindowNotFound { window: 7, gone: true }.to_string(),
            "window 7 is gone"
        );

        let e = CoreError::invalid_id("storeId", "must be a string");
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (ErrorCode::InvalidId, "invalid storeId: must be a string")
        );
        let e = CoreError::invalid_arg("options.maxDepth", "must be a positive integer");
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert_eq!(
            e.to_string(),
            "invalid argument options.maxDepth: must be a positive integer"
        );
        assert_eq!(CoreError::internal("boom").code(), ErrorCode::Internal);

        let e = CoreError::ServiceNotFound { id: "todos".into() };
        assert_eq!(
            (e.code(), e.service_id(), e.method()),
            (ErrorCode::ServiceNotFound, Some("todos"), None)
        );
        assert_eq!(e.to_string(), "service \"todos\" is not registered");
        let e = CoreError::ServiceExists { id: "todos".into() };
        assert_eq!((e.code(), e.service_id()), (ErrorCode::ServiceExists, Some("todos")));
        let e = CoreError::MethodNotFound {
            service: "todos".into(),
            method: "constructor".into(),
        };
        assert_eq!(
            (e.code(), e.service_id(), e.method(), e.store_id()),
            (ErrorCode::MethodNotFound, Some("todos"), Some("constructor"), None)
        );
        assert_eq!(e.to_string(), "service \"todos\" has no method \"constructor\"");
    }
}
