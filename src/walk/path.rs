//! Paths of reported values, in JS accessor syntax from the root: `settings.items[3].onClick`,
//! `settings["a b"]`, Map values `.get("key")` (non-string keys `.get(<key 2>)`), Map keys
//! `.keys()[2]`, Set members `.values()[2]`. A path is built only when a check fails, from the
//! frames on the walk's stack (`Walk::path` in frame.rs).

use std::fmt::Write as _;

use napi::bindgen_prelude::{Either, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};

use super::frame::{FrameKind, Handles, Position, Walk};
use super::scan::Mode;
use crate::js::value::{read_string, take_exception};

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    /// Property of a plain object (or a non-index property of an array / the Error `cause`).
    Key(String),
    /// Array element.
    Index(u64),
    /// Value of a Map entry whose key is a string: `.get("k")`.
    MapValueStr(String),
    /// Value of a Map entry whose key is not a string: `.get(<key n>)`, n = entry position.
    MapValueAt(usize),
    /// The key of the n-th Map entry: `.keys()[n]`.
    MapKey(usize),
    /// The n-th Set member: `.values()[n]`.
    SetValue(usize),
}

/// `[A-Za-z_$][A-Za-z0-9_$]*`: printed as `.name`; anything else as `["..."]`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.bytes();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
}

/// JS string literal with double quotes (JSON escaping, valid JS).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".to_string())
}

pub fn push_segment(path: &mut String, seg: &Seg) {
    match seg {
        Seg::Key(k) if is_identifier(k) => {
            path.push('.');
            path.push_str(k);
        }
        Seg::Key(k) => {
            path.push('[');
            path.push_str(&quote(k));
            path.push(']');
        }
        Seg::Index(i) => {
            let _ = write!(path, "[{i}]");
        }
        Seg::MapValueStr(k) => {
            let _ = write!(path, ".get({})", quote(k));
        }
        Seg::MapValueAt(n) => {
            let _ = write!(path, ".get(<key {n}>)");
        }
        Seg::MapKey(n) => {
            let _ = write!(path, ".keys()[{n}]");
        }
        Seg::SetValue(n) => {
            let _ = write!(path, ".values()[{n}]");
        }
    }
}

#[cfg(test)]
fn format_path(root: &str, segs: &[Seg]) -> String {
    let mut path = String::from(root);
    for s in segs {
        push_segment(&mut path, s);
    }
    path
}

/// Array index key as a number, per the spec's definition (canonical, < 2^32 - 1).
pub fn array_index(key: &str) -> Option<u64> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    (n < u32::MAX as u64).then_some(n)
}

/// Building the path of the value the walk stopped at, from its frames. Best effort: keys are
/// read again (a getter that throws now just yields an empty key), which is fine on the
/// failure path, the only place a path is built.
impl Walk<'_> {
    pub fn path(&self) -> String {
        let mut path = self.limits.root.clone();
        for depth in 0..self.stack.len() {
            push_segment(&mut path, &self.segment(depth));
        }
        path
    }

    /// The step from the frame at `depth` to the child it is at.
    fn segment(&self, depth: usize) -> Seg {
        let frame = self.stack[depth];
        let i = match frame.position {
            Position::At(i) => i,
            Position::ScanChild => self.scan_position(depth),
        };
        let key = |keys: Option<Object<'_>>| -> String {
            let key = keys.and_then(|k| k.get_element::<Unknown>(i).ok());
            take_exception(self.env);
            key.and_then(read_string).unwrap_or_default()
        };
        let own_keys = || self.listed_keys(depth);
        match frame.kind {
            FrameKind::Scan {
                mode: Mode::DenseArray, ..
            }
            | FrameKind::DenseArray => Seg::Index(i as u64),
            FrameKind::Scan { mode: Mode::Object, .. } => Seg::Key(key(own_keys())),
            FrameKind::Object => Seg::Key(key(self.frame_handles(depth).ok().and_then(|h| h.aux))),
            FrameKind::Scan {
                mode: Mode::KeyedArray, ..
            } => index_or_key(key(own_keys())),
            FrameKind::KeyedArray => index_or_key(key(self.frame_handles(depth).ok().and_then(|h| h.aux))),
            FrameKind::Map => {
                let entry = (i / 2) as usize;
                if i % 2 == 0 {
                    return Seg::MapKey(entry);
                }
                let map_key = self
                    .frame_handles(depth)
                    .ok()
                    .and_then(|h| h.aux)
                    .and_then(|e| e.get_element::<Unknown>(i - 1).ok());
                match map_key
                    .filter(|k| k.get_type().ok() == Some(ValueType::String))
                    .and_then(read_string)
                {
                    Some(k) => Seg::MapValueStr(k),
                    None => Seg::MapValueAt(entry),
                }
            }
            FrameKind::Set => Seg::SetValue(i as usize),
            FrameKind::ErrorCause => Seg::Key("cause".into()),
        }
    }

    /// The container's own keys, as the scan listed them.
    fn listed_keys(&self, depth: usize) -> Option<Object<'_>> {
        let container = self.frame_handles(depth).ok()?.container;
        match self.helpers.keys(&container) {
            Ok(Either::A(keys)) => Object::from_unknown(keys.to_unknown()).ok(),
            _ => {
                take_exception(self.env);
                None
            }
        }
    }

    /// Position of a scan frame's current child among the container's values: the first value
    /// identical to it (a later duplicate would have been a back reference).
    fn scan_position(&self, depth: usize) -> u32 {
        let frame = self.stack[depth];
        let Some(Handles {
            container,
            aux: Some(scanned),
        }) = self.frame_handles(depth).ok()
        else {
            return 0;
        };
        let Ok(child) = scanned.get_element::<Unknown>(2 + frame.next.saturating_sub(1)) else {
            return 0;
        };
        let Ok(container) = Object::from_unknown(container) else {
            return 0;
        };
        let dense = matches!(
            frame.kind,
            FrameKind::Scan {
                mode: Mode::DenseArray,
                ..
            }
        );
        let value_at = |j: u32, keys: &Option<Object<'_>>| -> Option<Unknown<'_>> {
            let value = match keys {
                None => container.get_element::<Unknown>(j).ok(),
                Some(keys) => {
                    let key = keys.get_element::<Unknown>(j).ok()?;
                    container.get_property::<Unknown, Unknown>(key).ok()
                }
            };
            take_exception(self.env);
            value
        };
        let keys = if dense { None } else { self.listed_keys(depth) };
        let count = match &keys {
            None => container.get_array_length().unwrap_or(0),
            Some(keys) => keys.get_array_length().unwrap_or(0),
        };
        (0..count)
            .find(|j| value_at(*j, &keys).is_some_and(|v| self.env.strict_equals(v, child).unwrap_or(false)))
            .unwrap_or(0)
    }
}

fn index_or_key(key: String) -> Seg {
    match array_index(&key) {
        Some(n) => Seg::Index(n),
        None => Seg::Key(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_use_js_accessor_syntax() {
        let p = format_path(
            "settings",
            &[Seg::Key("items".into()), Seg::Index(3), Seg::Key("onClick".into())],
        );
        assert_eq!(p, "settings.items[3].onClick");
        assert_eq!(format_path("settings", &[Seg::Key("a b".into())]), "settings[\"a b\"]");
        assert_eq!(format_path("v", &[Seg::Key("3".into())]), "v[\"3\"]");
        assert_eq!(format_path("v", &[Seg::Key("".into())]), "v[\"\"]");
        assert_eq!(format_path("v", &[Seg::Key("q\"\\\n".into())]), "v[\"q\\\"\\\\\\n\"]");
        assert_eq!(format_path("v", &[Seg::Key("$ok_1".into())]), "v.$ok_1");
        assert_eq!(format_path("v", &[Seg::Key("é".into())]), "v[\"é\"]");
        assert_eq!(
            format_path("settings", &[Seg::Key("m".into()), Seg::MapValueStr("key".into())]),
            "settings.m.get(\"key\")"
        );
        assert_eq!(
            format_path("s", &[Seg::Key("m".into()), Seg::MapValueAt(2)]),
            "s.m.get(<key 2>)"
        );
        assert_eq!(
            format_path("s", &[Seg::Key("m".into()), Seg::MapKey(2)]),
            "s.m.keys()[2]"
        );
        assert_eq!(
            format_path("s", &[Seg::Key("s".into()), Seg::SetValue(2)]),
            "s.s.values()[2]"
        );
        assert_eq!(format_path("value", &[]), "value");
    }

    #[test]
    fn identifiers() {
        for ok in ["a", "_", "$", "abc123", "A_$9"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a b", "a.b", "ü", "\u{0}"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }

    #[test]
    fn array_indices() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("42"), Some(42));
        assert_eq!(array_index("4294967294"), Some(4294967294));
        assert_eq!(array_index("4294967295"), None);
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-1"), None);
        assert_eq!(array_index("1.5"), None);
        assert_eq!(array_index(""), None);
        assert_eq!(array_index("99999999999"), None);
    }
}
