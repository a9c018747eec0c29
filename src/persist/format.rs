//! The persistence file: one JSON document holding every persisted store.
//!
//! ```text
//! {"format":"nanostore-ipc-bridge","formatVersion":1,"stores":{
//! "counter":{"version":0,"value":42},
//! "settings":{"version":2,"value":{"theme":"dark"}},
//! "recent":{"version":0,"text":"<what the store's serialize() returned>"}
//! }}
//! ```
//!
//! One line per store, sorted by id, so the file is readable and diffs stay small. A store's
//! value is embedded as JSON (`value`), or, when the store brings its own `serialize`, as the
//! string it returned (`text`). `version` is the store's schema version (see migrations).
//! Unknown fields are ignored on read, so later additions do not make old code call a file
//! corrupt; a higher `formatVersion` means newer code wrote it and it is not touched.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::value::RawValue;

pub const FORMAT_NAME: &str = "nanostore-ipc-bridge";
pub const FORMAT_VERSION: u64 = 1;

/// A store's value as stored: JSON text, or the text its own `serialize` produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Valid JSON (checked before it is stored).
    Json(String),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub version: u32,
    pub payload: Payload,
}

impl StoredEntry {
    /// The entry as it appears in the file (`{"version":..,"value":..}`), built once per change
    /// so a whole-file write is a concatenation.
    pub fn encode(&self) -> String {
        match &self.payload {
            Payload::Json(json) => format!("{{\"version\":{},\"value\":{json}}}", self.version),
            Payload::Text(text) => format!("{{\"version\":{},\"text\":{}}}", self.version, quote(text)),
        }
    }
}

fn quote(s: &str) -> String {
    // A string always serializes.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Checks that `json` is one complete JSON value (what `JSON.stringify` returns).
pub fn check_json(json: &str) -> Result<(), String> {
    serde_json::from_str::<&RawValue>(json)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The whole file from already-encoded entries (id → `StoredEntry::encode()`), sorted by id.
pub fn encode_file(entries: &BTreeMap<String, String>) -> Vec<u8> {
    let size: usize = entries.iter().map(|(id, e)| id.len() + e.len() + 8).sum();
    let mut out = String::with_capacity(size + 96);
    out.push_str("{\"format\":");
    out.push_str(&quote(FORMAT_NAME));
    out.push_str(",\"formatVersion\":");
    out.push_str(&FORMAT_VERSION.to_string());
    out.push_str(",\"stores\":{");
    for (i, (id, entry)) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&quote(id));
        out.push(':');
        out.push_str(entry);
    }
    out.push_str("\n}}\n");
    out.into_bytes()
}

/// What a readable file held.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DecodedFile {
    pub entries: BTreeMap<String, StoredEntry>,
    /// Entries that could not be used: (store id, why). The rest of the file is fine.
    pub bad_entries: Vec<(String, String)>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a persistence file of this format (unparsable, truncated, wrong shape).
    Corrupt(String),
    /// Written by a newer format version.
    Newer(u64),
}

#[derive(Deserialize)]
struct FileDoc<'a> {
    format: Option<String>,
    #[serde(rename = "formatVersion")]
    format_version: Option<u64>,
    /// Checked only once the format version is known: a newer format may shape it differently.
    #[serde(borrow)]
    stores: Option<&'a RawValue>,
}

pub fn decode_file(bytes: &[u8]) -> Result<DecodedFile, DecodeError> {
    let text = std::str::from_utf8(bytes).map_err(|e| DecodeError::Corrupt(format!("not UTF-8: {e}")))?;
    let doc: FileDoc = serde_json::from_str(text).map_err(|e| DecodeError::Corrupt(format!("not valid JSON: {e}")))?;
    if doc.format.as_deref() != Some(FORMAT_NAME) {
        return Err(DecodeError::Corrupt(format!(
            "not a {FORMAT_NAME} persistence file (\"format\" is missing or different)"
        )));
    }
    let version = doc
        .format_version
        .ok_or_else(|| DecodeError::Corrupt("\"formatVersion\" is missing".into()))?;
    if version > FORMAT_VERSION {
        return Err(DecodeError::Newer(version));
    }
    if version == 0 {
        return Err(DecodeError::Corrupt("\"formatVersion\" 0 is not a known format".into()));
    }
    let stores: HashMap<String, &RawValue> = doc
        .stores
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .ok_or_else(|| DecodeError::Corrupt("\"stores\" is missing or not an object".into()))?;
    let mut out = DecodedFile::default();
    for (id, raw) in stores {
        match decode_entry(raw) {
            Ok(entry) => {
                out.entries.insert(id, entry);
            }
            Err(why) => out.bad_entries.push((id, why)),
        }
    }
    out.bad_entries.sort();
    Ok(out)
}

fn decode_entry(raw: &RawValue) -> Result<StoredEntry, String> {
    let bad = |why: &str| why.to_string();
    // A map of raw fields rather than a struct with Option<value>: a stored `null` must stay a
    // value, not become "no value".
    let fields: HashMap<String, &RawValue> =
        serde_json::from_str(raw.get()).map_err(|_| bad("the entry is not an object"))?;
    let version = fields
        .get("version")
        .and_then(|v| serde_json::from_str::<u32>(v.get()).ok())
        .ok_or_else(|| bad("\"version\" is missing or not an integer from 0 to 4294967295"))?;
    let payload = match (fields.get("value"), fields.get("text")) {
        (Some(value), None) => Payload::Json(value.get().to_string()),
        (None, Some(text)) => {
            Payload::Text(serde_json::from_str::<String>(text.get()).map_err(|_| bad("\"text\" is not a string"))?)
        }
        (Some(_), Some(_)) => return Err(bad("the entry has both \"value\" and \"text\"")),
        (None, None) => return Err(bad("the entry has neither \"value\" nor \"text\"")),
    };
    Ok(StoredEntry { version, payload })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(entries: &[(&str, StoredEntry)]) -> BTreeMap<String, String> {
        entries.iter().map(|(id, e)| (id.to_string(), e.encode())).collect()
    }

    fn json(version: u32, v: &str) -> StoredEntry {
        StoredEntry {
            version,
            payload: Payload::Json(v.to_string()),
        }
    }

    #[test]
    fn round_trip_keeps_values_versions_and_text() {
        let entries = [
            ("counter", json(0, "42")),
            ("nothing", json(0, "null")),
            ("settings", json(3, r#"{"theme":"dark","list":[1,2,{"a":"\u00e9\n"}]}"#)),
            (
                "custom",
                StoredEntry {
                    version: 7,
                    payload: Payload::Text("Map[[\"a\",1]] \"quoted\"\n\u{1F600}".into()),
                },
            ),
            ("we\"ird id\n", json(4294967295, "\"s\"")),
        ];
        let bytes = encode_file(&table(&entries));
        let decoded = decode_file(&bytes).unwrap();
        assert!(decoded.bad_entries.is_empty());
        let expected: BTreeMap<String, StoredEntry> =
            entries.iter().map(|(id, e)| (id.to_string(), e.clone())).collect();
        assert_eq!(decoded.entries, expected);
    }

    #[test]
    fn the_file_is_one_store_per_line_sorted() {
        let bytes = encode_file(&table(&[("b", json(1, "2")), ("a", json(0, "[1]"))]));
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "{\"format\":\"nanostore-ipc-bridge\",\"formatVersion\":1,\"stores\":{\n\
             \"a\":{\"version\":0,\"value\":[1]},\n\
             \"b\":{\"version\":1,\"value\":2}\n}}\n"
        );
        let empty = encode_file(&BTreeMap::new());
        assert_eq!(decode_file(&empty).unwrap(), DecodedFile::default());
    }

    #[test]
    fn torn_or_foreign_files_are_corrupt() {
        let good = encode_file(&table(&[("a", json(0, r#"{"x":[1,2,3]}"#))]));
        // Every strict prefix of a file is invalid: a torn write is always detected.
        for len in 0..good.len() - 1 {
            assert!(
                matches!(decode_file(&good[..len]), Err(DecodeError::Corrupt(_))),
                "prefix of {len} bytes decoded"
            );
        }
        for bad in [
            &b"\xff\xfe"[..],
            b"[]",
            b"null",
            b"{}",
            b"{\"theme\":\"dark\"}",
            b"{\"format\":\"other\",\"formatVersion\":1,\"stores\":{}}",
            b"{\"format\":\"nanostore-ipc-bridge\",\"stores\":{}}",
            b"{\"format\":\"nanostore-ipc-bridge\",\"formatVersion\":0,\"stores\":{}}",
            b"{\"format\":\"nanostore-ipc-bridge\",\"formatVersion\":1}",
            b"{\"format\":\"nanostore-ipc-bridge\",\"formatVersion\":1,\"stores\":[]}",
            b"{\"format\":\"nanostore-ipc-bridge\",\"formatVersion\":1,\"stores\":{}} trailing",
        ] {
            assert!(
                matches!(decode_file(bad), Err(DecodeError::Corrupt(_))),
                "{:?} decoded",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_newer_format_is_reported_as_such() {
        let doc = br#"{"format":"nanostore-ipc-bridge","formatVersion":2,"stores":"anything"}"#;
        assert_eq!(decode_file(doc), Err(DecodeError::Newer(2)));
    }

    #[test]
    fn bad_entries_are_listed_and_the_rest_is_kept() {
        let doc = br#"{"format":"nanostore-ipc-bridge","formatVersion":1,"extra":true,"stores":{
            "ok":{"version":1,"value":{"a":1},"note":"unknown fields are ignored"},
            "null":{"version":0,"value":null},
            "noversion":{"value":1},
            "negative":{"version":-1,"value":1},
            "float":{"version":1.5,"value":1},
            "huge":{"version":4294967296,"value":1},
            "both":{"version":0,"value":1,"text":"1"},
            "neither":{"version":0},
            "textnum":{"version":0,"text":5},
            "scalar":7
        }}"#;
        let decoded = decode_file(doc).unwrap();
        assert_eq!(
            decoded.entries.keys().collect::<Vec<_>>(),
            ["null", "ok"],
            "{:?}",
            decoded.bad_entries
        );
        assert_eq!(decoded.entries["null"], json(0, "null"));
        assert_eq!(decoded.entries["ok"], json(1, r#"{"a":1}"#));
        let bad: Vec<&str> = decoded.bad_entries.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            bad,
            [
                "both",
                "float",
                "huge",
                "negative",
                "neither",
                "noversion",
                "scalar",
                "textnum"
            ]
        );
    }

    #[test]
    fn check_json_accepts_one_value_only() {
        // JSON.stringify escapes lone surrogates ("\ud800"): still JSON.
        for ok in ["1", "null", "\"s\"", "[1,{\"a\":[]}]", " {} ", "\"\\ud800\""] {
            assert!(check_json(ok).is_ok(), "{ok}");
        }
        for bad in ["", "undefined", "{", "1 2", "NaN", "{'a':1}"] {
            assert!(check_json(bad).is_err(), "{bad}");
        }
    }
}
