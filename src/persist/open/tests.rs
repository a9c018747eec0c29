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
