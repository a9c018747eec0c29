//! `tracing` → JS logger, without threads or global state.
//!
//! The runtime emits `tracing` events (registry changes at info/debug, commits at trace).
//! Nothing is installed globally, so by default they go nowhere (silent; this crate never prints).
//! When a runtime has a JS logger, each of its calls runs inside
//! [`LogCapture::capture`], which installs a thread-local buffering subscriber for the duration
//! of the call; `lib.rs` then drains the buffer into the JS callback on the same thread before
//! returning. Each runtime has its own capture, so runtimes never see each other's events.

use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Level, Metadata, Subscriber};

/// Events kept per call at most; beyond that they are counted and reported by one
/// `warn` event ("log events dropped") so a runaway call cannot grow memory without bound.
pub const MAX_BUFFERED_EVENTS: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Str(String),
    /// Integers and floats; JS numbers (u64 beyond 2^53 lose precision, none here get there).
    Num(f64),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub level: &'static str,
    pub message: String,
    pub fields: Vec<(&'static str, FieldValue)>,
}

pub fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "error",
        Level::WARN => "warn",
        Level::INFO => "info",
        Level::DEBUG => "debug",
        Level::TRACE => "trace",
    }
}

struct EventVisitor<'a> {
    message: &'a mut String,
    fields: &'a mut Vec<(&'static str, FieldValue)>,
}

impl EventVisitor<'_> {
    fn put(&mut self, field: &Field, value: FieldValue) {
        if field.name() == "message" {
            match value {
                FieldValue::Str(s) => *self.message = s,
                FieldValue::Num(n) => *self.message = n.to_string(),
                FieldValue::Bool(b) => *self.message = b.to_string(),
            }
        } else {
            self.fields.push((field.name(), value));
        }
    }
}

impl Visit for EventVisitor<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, FieldValue::Num(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, FieldValue::Num(value as f64));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, FieldValue::Num(value as f64));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, FieldValue::Bool(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, FieldValue::Str(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, FieldValue::Str(format!("{value:?}")));
    }
}

#[derive(Default)]
struct Buffer {
    events: Vec<LogEvent>,
    dropped: u64,
}

struct BufferSubscriber {
    buf: Arc<Mutex<Buffer>>,
}

impl Subscriber for BufferSubscriber {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // "sometimes": other threads / calls without a logger must stay silent and cheap.
        Interest::sometimes()
    }
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut message = String::new();
        let mut fields = Vec::new();
        event.record(&mut EventVisitor {
            message: &mut message,
            fields: &mut fields,
        });
        let level = level_name(event.metadata().level());
        let Ok(mut buf) = self.buf.lock() else { return };
        if buf.events.len() >= MAX_BUFFERED_EVENTS {
            buf.dropped += 1;
            return;
        }
        buf.events.push(LogEvent { level, message, fields });
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

/// Never installed anywhere; only registered so that tracing-core always sees at least two
/// dispatchers. With exactly one registered dispatcher tracing-core takes a "just one" shortcut
/// that computes a callsite's interest from the *current thread default* the first time the
/// callsite is hit — outside a capture that is the no-op subscriber, the callsite would be
/// cached as "never" and later captures would miss its events.
struct InterestKeeper;

impl Subscriber for InterestKeeper {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

fn keep_interest() {
    static KEEPER: std::sync::OnceLock<Dispatch> = std::sync::OnceLock::new();
    KEEPER.get_or_init(|| Dispatch::new(InterestKeeper));
}

/// Per-runtime event capture.
pub struct LogCapture {
    dispatch: Dispatch,
    buf: Arc<Mutex<Buffer>>,
}

impl Default for LogCapture {
    fn default() -> Self {
        Self::new()
    }
}

impl LogCapture {
    pub fn new() -> Self {
        keep_interest();
        let buf = Arc::new(Mutex::new(Buffer::default()));
        let dispatch = Dispatch::new(BufferSubscriber { buf: buf.clone() });
        LogCapture { dispatch, buf }
    }

    /// Runs `f` with this capture as the thread's subscriber.
    pub fn capture<R>(&self, f: impl FnOnce() -> R) -> R {
        tracing::dispatcher::with_default(&self.dispatch, f)
    }

    /// Takes the buffered events (oldest first), plus a `warn` event if some were dropped.
    pub fn drain(&self) -> Vec<LogEvent> {
        let Ok(mut buf) = self.buf.lock() else {
            return Vec::new();
        };
        let mut events = std::mem::take(&mut buf.events);
        let dropped = std::mem::take(&mut buf.dropped);
        if dropped > 0 {
            events.push(LogEvent {
                level: "warn",
                message: "log events dropped".into(),
                fields: vec![("dropped", FieldValue::Num(dropped as f64))],
            });
        }
        events
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.buf
            .lock()
            .map(|b| b.events.is_empty() && b.dropped == 0)
            .unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{Registry, RuntimeOptions, StoreOptions};

    #[test]
    fn events_are_captured_only_inside_capture() {
        let cap = LogCapture::new();
        let mut r = Registry::new(RuntimeOptions::default());
        r.register_store("outside", StoreOptions::default()).unwrap();
        assert!(cap.is_empty());
        cap.capture(|| {
            r.register_store("inside", StoreOptions::default()).unwrap();
            r.register_window(7);
        });
        let events = cap.drain();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].level, "info");
        assert_eq!(events[0].message, "store registered");
        assert_eq!(events[0].fields[0], ("store", FieldValue::Str("inside".into())));
        assert!(events[0].fields.contains(&("rendererCanSet", FieldValue::Bool(true))));
        assert_eq!(events[1].level, "debug");
        assert_eq!(events[1].message, "window registered");
        assert_eq!(events[1].fields, vec![("window", FieldValue::Num(7.0))]);
        assert!(cap.drain().is_empty(), "drain empties the buffer");
    }

    #[test]
    fn commit_is_traced_and_captures_are_independent() {
        let a = LogCapture::new();
        let b = LogCapture::new();
        let mut r = Registry::new(RuntimeOptions::default());
        r.register_store("s", StoreOptions::default()).unwrap();
        let mut out = Vec::new();
        a.capture(|| r.commit("s", None, &mut out).unwrap());
        assert!(b.is_empty());
        let ev = a.drain();
        assert_eq!(ev.len(), 1);
        assert_eq!((ev[0].level, ev[0].message.as_str()), ("trace", "commit"));
        assert!(ev[0].fields.contains(&("rev", FieldValue::Num(1.0))));
    }

    #[test]
    fn buffer_is_bounded() {
        let cap = LogCapture::new();
        let mut r = Registry::new(RuntimeOptions::default());
        cap.capture(|| {
            for w in 1..=(MAX_BUFFERED_EVENTS as u64 + 5) {
                r.register_window(w);
            }
        });
        let ev = cap.drain();
        assert_eq!(ev.len(), MAX_BUFFERED_EVENTS + 1);
        let last = ev.last().unwrap();
        assert_eq!((last.level, last.message.as_str()), ("warn", "log events dropped"));
        assert_eq!(last.fields, vec![("dropped", FieldValue::Num(5.0))]);
    }
}
