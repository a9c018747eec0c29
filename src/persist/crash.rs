//! Crash test of the whole native write path (open, writer thread, atomic replacement, lock):
//! a child process keeps handing over values and flushing, reporting each value it set and
//! each value a flush confirmed, and is killed with SIGKILL at random moments. After every
//! kill the file must open (lock released by the OS), decode, and hold for each store a value
//! the child really set, no older than the last one a flush confirmed.
//!
//! The child is this test binary itself, re-run on this one test with `PERSIST_CRASH_CHILD`
//! set: a Rust process starts in milliseconds, so 200 kills fit in a few seconds.
//! `PERSIST_SEED` replays a run, `PERSIST_KILLS` changes the number of kills.

#[cfg(all(test, unix))]
mod tests {
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Write};
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use crate::persist::atomic::tests::{seed_from_env, TempDir};
    use crate::persist::format::Payload;
    use crate::persist::open::{open, OpenOptions};
    use crate::test_rng::Rng;

    const STORES: [&str; 3] = ["counter", "settings", "blob"];

    /// The value store `id` gets at step `n`: its step, and a body derived from it whose size
    /// varies (up to ~100 KB), so a value mixed from two writes or cut short is detected.
    fn value_at(id: &str, n: u64, size: usize) -> String {
        let body: String = std::iter::repeat_n(((n % 26) as u8 + b'a') as char, size).collect();
        format!("{{\"id\":\"{id}\",\"n\":{n},\"body\":\"{body}\",\"end\":{n}}}")
    }

    fn step_of(json: &str) -> Option<u64> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        v.get("n")?.as_u64()
    }

    fn opts(dir: &Path, debounce_ms: u64) -> OpenOptions {
        OpenOptions {
            dir: dir.to_path_buf(),
            file_name: "state.json".into(),
            debounce: Duration::from_millis(debounce_ms),
        }
    }

    /// The child: writes until killed, its steps counting up from `base` (unique over the
    /// run). Lines: `set <id> <n> <size>`, `flushed <n>`.
    fn child(dir: &str, seed: u64, base: u64) {
        let mut rng = Rng::new(seed | 1);
        let (p, _) = open(opts(Path::new(dir), rng.below(4)), Arc::new(|_| {})).unwrap();
        let mut out = std::io::stdout().lock();
        for n in base.. {
            let id = STORES[rng.below(STORES.len() as u64) as usize];
            let size = [16, 1_000, 20_000, 100_000][rng.below(4) as usize];
            writeln!(out, "persist-crash: set {id} {n} {size}").unwrap();
            out.flush().unwrap();
            p.set(id, 0, Payload::Json(value_at(id, n, size)));
            if rng.below(2) == 0 {
                p.flush(None).unwrap();
                writeln!(out, "persist-crash: flushed {n}").unwrap();
                out.flush().unwrap();
            }
            if rng.below(3) == 0 {
                std::thread::sleep(Duration::from_micros(rng.below(2_000)));
            }
        }
    }

    #[test]
    #[allow(clippy::print_stderr)] // the seed is printed so a failure replays (PERSIST_SEED=...)
    fn sigkill_at_random_moments_never_tears_the_file() {
        if let Ok(dir) = std::env::var("PERSIST_CRASH_CHILD") {
            let var = |name: &str| std::env::var(name).unwrap().parse().unwrap();
            child(&dir, var("PERSIST_CRASH_CHILD_SEED"), var("PERSIST_CRASH_CHILD_BASE"));
            return;
        }
        let seed = seed_from_env();
        let kills: usize = std::env::var("PERSIST_KILLS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(200);
        eprintln!("sigkill_at_random_moments_never_tears_the_file: PERSIST_SEED={seed} PERSIST_KILLS={kills}");
        let started = Instant::now();
        let mut rng = Rng::new(seed | 1);
        let test_name = format!(
            "{}::sigkill_at_random_moments_never_tears_the_file",
            module_path!()
                .split_once("::")
                .map(|(_, rest)| rest)
                .unwrap_or(module_path!())
        );
        let tmp = TempDir::new("crash");
        let exe = std::env::current_exe().unwrap();
        let mut writes_seen = 0;
        let mut flushes_confirmed = 0;
        // Every value any child set (step → (store, size)), and per store the newest step a
        // flush confirmed: steps only grow, so the file may never hold an older one again.
        let mut set: HashMap<u64, (String, usize)> = HashMap::new();
        let mut confirmed: HashMap<String, u64> = HashMap::new();
        for kill in 0..kills {
            // One directory for the whole run: every child reopens what the previous one left.
            let dir = tmp.path("data");
            let child_seed = rng.next();
            let mut child = Command::new(&exe)
                .args([test_name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
                .env("PERSIST_CRASH_CHILD", &dir)
                .env("PERSIST_CRASH_CHILD_SEED", child_seed.to_string())
                .env(
                    "PERSIST_CRASH_CHILD_BASE",
                    (kill as u64 * 1_000_000_000 + 1).to_string(),
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = mpsc::channel();
            let reader = std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    // The test harness may print on the same line before our first line.
                    if let Some(at) = line.find("persist-crash: ") {
                        let _ = tx.send(line[at + "persist-crash: ".len()..].to_string());
                    }
                }
            });
            // Most kills land while the child writes (after its first line), some while it opens.
            let mut early = Vec::new();
            if rng.below(10) != 0 {
                if let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
                    early.push(line);
                }
            }
            std::thread::sleep(Duration::from_micros(rng.below(40_000)));
            child.kill().unwrap();
            child.wait().unwrap();
            reader.join().unwrap();
            let mut last_set_of: HashMap<String, u64> = HashMap::new();
            for line in early.into_iter().chain(rx.try_iter()) {
                let parts: Vec<&str> = line.split(' ').collect();
                match parts.as_slice() {
                    ["set", id, n, size] => {
                        let n: u64 = n.parse().unwrap();
                        set.insert(n, (id.to_string(), size.parse().unwrap()));
                        last_set_of.insert(id.to_string(), n);
                    }
                    ["flushed", _] => {
                        flushes_confirmed += 1;
                        for (id, n) in &last_set_of {
                            confirmed.insert(id.clone(), *n);
                        }
                    }
                    _ => {}
                }
            }
            let context = format!("seed {seed}, kill {kill}, child seed {child_seed}");
            let (p, load) = open(opts(&dir, 0), Arc::new(|_| {})).unwrap();
            assert!(load.problems.is_empty(), "{context}: {:?}", load.problems);
            for (id, entry) in &load.entries {
                let Payload::Json(json) = &entry.payload else {
                    panic!("{context}: {id} is not JSON")
                };
                let n = step_of(json).unwrap_or_else(|| panic!("{context}: {id} holds {json:.80}"));
                let (set_id, size) = set
                    .get(&n)
                    .unwrap_or_else(|| panic!("{context}: {id} holds step {n}, which no child set"));
                assert_eq!(set_id, id, "{context}");
                assert!(*json == value_at(id, n, *size), "{context}: {id} at step {n} differs");
                if let Some(confirmed) = confirmed.get(id) {
                    assert!(
                        n >= *confirmed,
                        "{context}: {id} holds step {n}, older than flushed step {confirmed}"
                    );
                }
            }
            for (id, confirmed) in &confirmed {
                assert!(
                    load.entries.contains_key(id),
                    "{context}: {id} was flushed at step {confirmed} but is missing"
                );
            }
            writes_seen += usize::from(!load.entries.is_empty());
            p.close(Duration::from_secs(10)).unwrap();
        }
        assert!(writes_seen > 0, "seed {seed}: no child ever got a write done");
        assert!(flushes_confirmed > 0, "seed {seed}: no child ever confirmed a flush");
        eprintln!(
            "sigkill_at_random_moments_never_tears_the_file: {kills} kills, {flushes_confirmed} flushes confirmed \
             before them, in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
}
