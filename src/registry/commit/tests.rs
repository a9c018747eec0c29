use crate::error::{CoreResult, ErrorCode, WriteScope};
use crate::registry::tests::{commit, reg};
use crate::registry::*;
use crate::windows::WindowState;

#[test]
fn commit_bumps_rev_and_lists_live_recipients() {
    let mut r = reg();
    r.register_store("s", StoreOptions::default()).unwrap();
    r.register_store("t", StoreOptions::default()).unwrap();
    assert_eq!(commit(&mut r, "s", None).unwrap(), (1, vec![]));
    for w in [3, 1, 2, 4] {
        r.register_window(w);
    }
    r.subscribe(3, &["s"]).unwrap();
    r.subscribe(1, &["s"]).unwrap();
    r.subscribe(2, &["t"]).unwrap();
    r.subscribe_all(4, true).unwrap();
    r.subscribe_all(1, true).unwrap(); // both subscribed and all: listed once
    assert_eq!(commit(&mut r, "s", None).unwrap(), (2, vec![1, 3, 4]));
    assert_eq!(commit(&mut r, "s", Some(3)).unwrap(), (3, vec![1, 4]));
    assert_eq!(commit(&mut r, "s", Some(99)).unwrap(), (4, vec![1, 3, 4]));
    assert_eq!(commit(&mut r, "t", Some(1)).unwrap(), (1, vec![2, 4]));
    r.set_window_state(4, WindowState::Gone).unwrap();
    r.set_window_state(3, WindowState::Gone).unwrap();
    assert_eq!(commit(&mut r, "s", None).unwrap(), (5, vec![1]));
    r.set_window_state(3, WindowState::Ready).unwrap();
    assert_eq!(commit(&mut r, "s", None).unwrap(), (6, vec![1, 3]));
    let e = commit(&mut r, "nope", None).unwrap_err();
    assert_eq!((e.code(), e.store_id()), (ErrorCode::StoreNotFound, Some("nope")));
    assert_eq!(r.store_info("s").unwrap().rev, 6);
    assert_eq!(r.store_info("t").unwrap().rev, 1);
}

#[test]
fn commit_reuses_the_output_buffer() {
    let mut r = reg();
    r.register_store("s", StoreOptions::default()).unwrap();
    for w in 1..=16 {
        r.register_window(w);
        r.subscribe(w, &["s"]).unwrap();
    }
    let mut out = Vec::with_capacity(16);
    let ptr = out.as_ptr();
    for i in 1..=100u64 {
        assert_eq!(r.commit("s", Some(16), &mut out).unwrap(), i);
        assert_eq!(out, (1..=15).collect::<Vec<u64>>());
    }
    assert_eq!(out.as_ptr(), ptr, "no reallocation");
}

#[test]
fn authorize_write_checks_in_order() {
    let mut r = reg();
    r.register_store("open", StoreOptions::default()).unwrap();
    r.register_store(
        "locked",
        StoreOptions {
            renderer_can_set: Some(false),
            max_payload_bytes: None,
            rev: None,
        },
    )
    .unwrap();
    r.register_window(1);
    assert_eq!(r.authorize_write(1, "open"), Ok(()));
    assert_eq!(
        r.authorize_write(1, "locked").unwrap_err(),
        CoreError::RendererWriteDisabled {
            id: "locked".into(),
            scope: WriteScope::Store
        }
    );
    assert_eq!(
        r.authorize_write(1, "nope").unwrap_err(),
        CoreError::StoreNotFound { id: "nope".into() }
    );
    assert_eq!(
        r.authorize_write(2, "open").unwrap_err(),
        CoreError::WindowNotFound { window: 2, gone: false }
    );
    r.set_window_state(1, WindowState::Gone).unwrap();
    assert_eq!(
        r.authorize_write(1, "open").unwrap_err(),
        CoreError::WindowNotFound { window: 1, gone: true }
    );

    let mut r = Registry::new(RuntimeOptions {
        allow_renderer_set: false,
        ..Default::default()
    });
    r.register_store(
        "open",
        StoreOptions {
            renderer_can_set: Some(true),
            max_payload_bytes: None,
            rev: None,
        },
    )
    .unwrap();
    r.register_window(1);
    assert_eq!(
        r.authorize_write(1, "open").unwrap_err(),
        CoreError::RendererWriteDisabled {
            id: "open".into(),
            scope: WriteScope::Global
        }
    );
}

#[test]
fn rev_stays_exact_in_js() {
    let mut r = reg();
    r.register_store("s", StoreOptions::default()).unwrap();
    r.stores.get_mut("s").unwrap().rev = MAX_EXACT_REV - 1;
    assert_eq!(commit(&mut r, "s", None).unwrap().0, MAX_EXACT_REV);
    let e = commit(&mut r, "s", None).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Internal);
    assert_eq!(
        r.store_info("s").unwrap().rev,
        MAX_EXACT_REV,
        "failed commit changed nothing"
    );
}

#[test]
fn store_handles_name_one_registration_each() {
    let mut r = reg();
    let a = r.register_store("a", StoreOptions::default()).unwrap();
    let b = r.register_store("b", StoreOptions::default()).unwrap();
    assert_ne!(a, b);
    assert_eq!(r.commit_handle(a).unwrap().0, 1);
    r.unregister_store("a").unwrap();
    let err = r.commit_handle(a).unwrap_err();
    assert_eq!(err.code(), ErrorCode::StoreNotFound);
    assert_eq!(err.to_string(), format!("no store is registered with handle {a}"));
    // registered again: a new handle; the old one still names nothing
    let a2 = r.register_store("a", StoreOptions::default()).unwrap();
    assert!(a2 != a && a2 != b);
    assert!(r.commit_handle(a).is_err());
    assert_eq!(r.commit_handle(a2).unwrap().0, 1);
    let mut out = vec![7];
    assert_eq!(
        r.recipients_into(a, &mut out).unwrap_err().code(),
        ErrorCode::StoreNotFound
    );
    assert_eq!(out, Vec::<u64>::new(), "cleared even when refused");
}

#[test]
fn commit_handle_says_when_recipients_may_have_changed() {
    let mut r = reg();
    let h = r.register_store("s", StoreOptions::default()).unwrap();
    let mut out = Vec::new();
    assert_eq!(r.commit_handle(h).unwrap(), (1, true), "never read");
    assert_eq!(r.commit_handle(h).unwrap(), (2, true), "still never read");
    r.recipients_into(h, &mut out).unwrap();
    assert!(out.is_empty());
    assert_eq!(r.commit_handle(h).unwrap(), (3, false));
    r.register_window(1);
    r.set_window_state(1, WindowState::Ready).unwrap();
    r.subscribe(1, &["s"]).unwrap();
    assert_eq!(r.commit_handle(h).unwrap(), (4, true));
    r.recipients_into(h, &mut out).unwrap();
    assert_eq!(out, vec![1]);
    assert_eq!(r.commit_handle(h).unwrap(), (5, false));
    // a change of another store's subscriptions also says so (one version for all)
    r.register_store("t", StoreOptions::default()).unwrap();
    r.subscribe(1, &["t"]).unwrap();
    assert!(r.commit_handle(h).unwrap().1);
}

#[test]
#[allow(clippy::print_stderr)] // the seed is printed so a failure replays
fn randomized_recipient_caches_are_never_stale_when_called_fresh() {
    use crate::test_rng::{seed_from_env, Rng};
    use std::collections::HashMap;
    let seed = seed_from_env("REGISTRY_SEED");
    eprintln!("REGISTRY_SEED={seed}");
    let mut rng = Rng::new(seed);
    let mut r = reg();
    let ids = ["a", "b", "c"];
    let mut handles: HashMap<&str, u32> = HashMap::new();
    let mut cache: HashMap<u32, Vec<u64>> = HashMap::new();
    let mut fresh_hits = 0;
    for step in 0..20_000 {
        let w = 1 + rng.below(5);
        let id = ids[rng.below(3) as usize];
        match rng.below(12) {
            0 => {
                r.register_window(w);
            }
            1 => {
                let state = [WindowState::Loading, WindowState::Ready, WindowState::Gone][rng.below(3) as usize];
                let _ = r.set_window_state(w, state);
            }
            2 => {
                r.forget_window(w);
            }
            3 | 4 => {
                let _ = r.subscribe(w, &[id]);
            }
            5 => {
                let _ = r.unsubscribe(w, &[id]);
            }
            6 => {
                let _ = r.subscribe_all(w, rng.below(2) == 0);
            }
            7 => {
                let _ = r.reset_window(w);
            }
            8 => {
                if handles.remove(id).is_some() {
                    r.unregister_store(id).unwrap();
                } else {
                    handles.insert(id, r.register_store(id, StoreOptions::default()).unwrap());
                }
            }
            _ => {
                let Some(&h) = handles.get(id) else { continue };
                let (rev, stale) = r.commit_handle(h).unwrap();
                let mut expected = Vec::new();
                r.push_recipients(&r.stores[id], 0, &mut expected);
                if stale {
                    let mut out = Vec::new();
                    r.recipients_into(h, &mut out).unwrap();
                    cache.insert(h, out);
                } else {
                    fresh_hits += 1;
                }
                assert_eq!(cache[&h], expected, "seed {seed}, step {step}, store {id} at rev {rev}");
            }
        }
        r.check_invariants();
    }
    assert!(fresh_hits > 100, "seed {seed}: the cache was used ({fresh_hits} times)");
}

#[test]
fn authorize_write_by_handle_checks_as_by_id() {
    let mut r = reg();
    let open = r.register_store("open", StoreOptions::default()).unwrap();
    let locked = r
        .register_store(
            "locked",
            StoreOptions {
                renderer_can_set: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    r.register_window(1);
    r.set_window_state(1, WindowState::Ready).unwrap();
    r.register_window(2);
    r.set_window_state(2, WindowState::Gone).unwrap();
    let code = |res: CoreResult<()>| res.map_err(|e| e.code());
    for (window, handle) in [(1, open), (1, locked), (2, open), (3, open), (1, 999), (3, 999)] {
        let by_id = match handle {
            h if h == open => r.authorize_write(window, "open"),
            h if h == locked => r.authorize_write(window, "locked"),
            _ => r.authorize_write(window, "nope"),
        };
        assert_eq!(
            code(r.authorize_write_handle(window, handle)),
            code(by_id),
            "window {window}, handle {handle}"
        );
    }
    assert_eq!(code(r.authorize_write_handle(1, open)), Ok(()));
    assert_eq!(
        code(r.authorize_write_handle(3, 999)),
        Err(ErrorCode::WindowNotFound),
        "the window first"
    );
}
