use super::*;
use crate::error::ErrorCode;

pub(super) fn reg() -> Registry {
    Registry::new(RuntimeOptions::default())
}

pub(super) fn commit(r: &mut Registry, id: &str, skip: Option<u64>) -> CoreResult<(u64, Vec<u64>)> {
    let mut out = Vec::new();
    let rev = r.commit(id, skip, &mut out)?;
    Ok((rev, out))
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[test]
fn store_ids_are_validated() {
    assert_eq!(store_id_from_utf16(&units("count")), Ok("count".to_string()));
    assert!(store_id_from_utf16(&[]).unwrap_err().contains("non-empty"));
    assert_eq!(store_id_from_utf16(&units(&"x".repeat(256))).unwrap().len(), 256);
    assert!(store_id_from_utf16(&units(&"x".repeat(257)))
        .unwrap_err()
        .contains("at most 256"));
    // 128 astral chars = 256 units: ok; 129 = 258 units: too long
    assert!(store_id_from_utf16(&units(&"😀".repeat(128))).is_ok());
    assert!(store_id_from_utf16(&units(&"😀".repeat(129))).is_err());
    assert!(store_id_from_utf16(&[0xD800]).unwrap_err().contains("lone surrogate"));
    assert!(store_id_from_utf16(&[0x61, 0xDC00]).is_err());
    assert_eq!(store_id_from_utf16(&[0]), Ok("\0".to_string()));
}

#[test]
fn register_store_resumes_from_a_given_rev() {
    let mut r = Registry::default();
    let opts = StoreOptions {
        rev: Some(41),
        ..Default::default()
    };
    r.register_store("s", opts).unwrap();
    assert_eq!(commit(&mut r, "s", None).unwrap().0, 42);
    let too_big = StoreOptions {
        rev: Some(MAX_EXACT_REV + 1),
        ..Default::default()
    };
    assert!(r.register_store("t", too_big).is_err());
    assert!(r.store_info("t").is_none(), "a rejected registration changes nothing");
}

#[test]
fn register_and_unregister_stores() {
    let mut r = reg();
    r.register_store("b", StoreOptions::default()).unwrap();
    r.register_store(
        "a",
        StoreOptions {
            renderer_can_set: Some(false),
            max_payload_bytes: Some(10),
            rev: None,
        },
    )
    .unwrap();
    let e = r.register_store("a", StoreOptions::default()).unwrap_err();
    assert_eq!((e.code(), e.store_id()), (ErrorCode::StoreExists, Some("a")));
    // the failed duplicate changed nothing
    let info = r.store_info("a").unwrap();
    assert_eq!(
        info,
        StoreInfo {
            id: "a".into(),
            rev: 0,
            renderer_can_set: false,
            max_payload_bytes: 10,
            subscribers: vec![]
        }
    );
    assert_eq!(
        r.store_ids().iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(r.store_info("zzz").is_none());
    let e = r.unregister_store("zzz").unwrap_err();
    assert_eq!((e.code(), e.store_id()), (ErrorCode::StoreNotFound, Some("zzz")));
    r.unregister_store("a").unwrap();
    assert!(r.store_info("a").is_none());
    assert_eq!(r.stats().stores, 1);
}

#[test]
fn store_defaults_come_from_runtime_options() {
    let mut r = Registry::new(RuntimeOptions {
        allow_renderer_set: true,
        max_payload_bytes: 4096,
        max_depth: 10,
    });
    r.register_store("a", StoreOptions::default()).unwrap();
    r.register_store(
        "b",
        StoreOptions {
            renderer_can_set: None,
            max_payload_bytes: Some(0),
            rev: None,
        },
    )
    .unwrap();
    assert_eq!(r.store_info("a").unwrap().max_payload_bytes, 4096);
    assert!(r.store_info("a").unwrap().renderer_can_set);
    assert_eq!(r.store_info("b").unwrap().max_payload_bytes, 0);
}

#[test]
fn re_registered_store_starts_at_the_given_rev_without_subscribers() {
    let mut r = reg();
    r.register_store("a", StoreOptions::default()).unwrap();
    r.register_window(1);
    r.subscribe(1, &["a"]).unwrap();
    assert_eq!(commit(&mut r, "a", None).unwrap(), (1, vec![1]));
    r.unregister_store("a").unwrap();
    assert_eq!(r.window_info(1).unwrap().stores, Vec::<String>::new());
    // registered again with the last rev: revisions resume, subscriptions do not
    let resume = StoreOptions {
        rev: Some(1),
        ..Default::default()
    };
    r.register_store("a", resume).unwrap();
    assert_eq!(commit(&mut r, "a", None).unwrap(), (2, vec![]));
    // without one it is a new store at rev 0
    r.unregister_store("a").unwrap();
    r.register_store("a", StoreOptions::default()).unwrap();
    assert_eq!(commit(&mut r, "a", None).unwrap(), (1, vec![]));
    r.check_invariants();
}

#[test]
fn windows_register_state_forget() {
    let mut r = reg();
    assert!(r.register_window(5));
    assert!(!r.register_window(5));
    assert_eq!(r.window_info(5).unwrap().state, WindowState::Loading);
    r.set_window_state(5, WindowState::Ready).unwrap();
    // registering a known window does not reset it
    assert!(!r.register_window(5));
    assert_eq!(r.window_info(5).unwrap().state, WindowState::Ready);
    let e = r.set_window_state(6, WindowState::Ready).unwrap_err();
    assert_eq!(e.code(), ErrorCode::WindowNotFound);
    assert!(r.window_info(6).is_none());
    r.register_window(2);
    assert_eq!(r.window_ids(), vec![2, 5]);
    assert!(r.forget_window(5));
    assert!(!r.forget_window(5));
    assert_eq!(r.window_ids(), vec![2]);
}

#[test]
fn subscribe_reports_missing_and_mirrors_both_sides() {
    let mut r = reg();
    r.register_store("a", StoreOptions::default()).unwrap();
    r.register_store("b", StoreOptions::default()).unwrap();
    r.register_window(1);
    let missing = r.subscribe(1, &["a", "x", "b", "x", "a"]).unwrap();
    assert_eq!(missing, vec!["x".to_string()]);
    assert_eq!(r.window_info(1).unwrap().stores, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(r.store_info("a").unwrap().subscribers, vec![1]);
    assert_eq!(
        r.stats(),
        Stats {
            stores: 2,
            windows: 1,
            subscriptions: 2,
            all_subscribers: 0
        }
    );
    r.check_invariants();

    // unknown window / gone window: WINDOW_NOT_FOUND and nothing changes
    let e = r.subscribe(9, &["a"]).unwrap_err();
    assert_eq!(e, CoreError::WindowNotFound { window: 9, gone: false });
    r.register_window(2);
    r.set_window_state(2, WindowState::Gone).unwrap();
    let e = r.subscribe(2, &["a"]).unwrap_err();
    assert_eq!(e, CoreError::WindowNotFound { window: 2, gone: true });
    assert_eq!(r.store_info("a").unwrap().subscribers, vec![1]);

    r.unsubscribe(1, &["a", "nope", "a"]).unwrap();
    assert_eq!(r.window_info(1).unwrap().stores, vec!["b".to_string()]);
    assert_eq!(r.store_info("a").unwrap().subscribers, Vec::<u64>::new());
    assert_eq!(r.stats().subscriptions, 1);
    assert_eq!(r.unsubscribe(9, &["b"]).unwrap_err().code(), ErrorCode::WindowNotFound);
    // a gone window may still be unsubscribed
    r.unsubscribe(2, &["b"]).unwrap();
    r.check_invariants();
}

#[test]
fn forget_window_drops_it_everywhere() {
    let mut r = reg();
    for s in ["a", "b", "c"] {
        r.register_store(s, StoreOptions::default()).unwrap();
    }
    r.register_window(1);
    r.register_window(2);
    r.subscribe(1, &["a", "b", "c"]).unwrap();
    r.subscribe(2, &["a"]).unwrap();
    r.subscribe_all(1, true).unwrap();
    assert_eq!(
        r.stats(),
        Stats {
            stores: 3,
            windows: 2,
            subscriptions: 4,
            all_subscribers: 1
        }
    );
    assert!(r.forget_window(1));
    assert_eq!(
        r.stats(),
        Stats {
            stores: 3,
            windows: 1,
            subscriptions: 1,
            all_subscribers: 0
        }
    );
    assert_eq!(r.store_info("b").unwrap().subscribers, Vec::<u64>::new());
    assert_eq!(commit(&mut r, "a", None).unwrap().1, vec![2]);
    assert_eq!(commit(&mut r, "b", None).unwrap().1, Vec::<u64>::new());
    r.check_invariants();
}

#[test]
fn unregister_store_drops_it_from_windows() {
    let mut r = reg();
    r.register_store("a", StoreOptions::default()).unwrap();
    r.register_store("b", StoreOptions::default()).unwrap();
    for w in 1..=3 {
        r.register_window(w);
        r.subscribe(w, &["a", "b"]).unwrap();
    }
    r.unregister_store("a").unwrap();
    for w in 1..=3 {
        assert_eq!(r.window_info(w).unwrap().stores, vec!["b".to_string()]);
    }
    assert_eq!(r.stats().subscriptions, 3);
    r.check_invariants();
}

#[test]
fn subscribe_all_and_reset() {
    let mut r = reg();
    r.register_store("a", StoreOptions::default()).unwrap();
    r.register_window(1);
    r.subscribe(1, &["a"]).unwrap();
    r.subscribe_all(1, true).unwrap();
    r.subscribe_all(1, true).unwrap();
    assert_eq!(r.stats().all_subscribers, 1);
    assert!(r.window_info(1).unwrap().all);
    // stores registered later reach subscribe-all windows
    r.register_store("later", StoreOptions::default()).unwrap();
    assert_eq!(commit(&mut r, "later", None).unwrap().1, vec![1]);
    r.set_window_state(1, WindowState::Ready).unwrap();
    r.reset_window(1).unwrap();
    let info = r.window_info(1).unwrap();
    assert_eq!(
        (info.all, info.stores.len(), info.state),
        (false, 0, WindowState::Ready)
    );
    assert_eq!(
        r.stats(),
        Stats {
            stores: 2,
            windows: 1,
            subscriptions: 0,
            all_subscribers: 0
        }
    );
    assert_eq!(r.reset_window(2).unwrap_err().code(), ErrorCode::WindowNotFound);
    assert_eq!(r.subscribe_all(2, false).unwrap_err().code(), ErrorCode::WindowNotFound);
    r.set_window_state(1, WindowState::Gone).unwrap();
    assert_eq!(
        r.subscribe_all(1, true).unwrap_err(),
        CoreError::WindowNotFound { window: 1, gone: true }
    );
    r.subscribe_all(1, false).unwrap();
    r.check_invariants();
}

#[test]
fn independent_registries_do_not_share_state() {
    let mut a = reg();
    let mut b = reg();
    a.register_store("s", StoreOptions::default()).unwrap();
    b.register_store("s", StoreOptions::default()).unwrap();
    commit(&mut a, "s", None).unwrap();
    commit(&mut a, "s", None).unwrap();
    assert_eq!(commit(&mut b, "s", None).unwrap().0, 1);
    a.register_window(1);
    assert!(b.window_info(1).is_none());
}

#[test]
fn calls_are_authorized_window_then_service_then_method() {
    let mut r = reg();
    r.register_service("todos", &["add"]).unwrap();
    r.register_window(1);
    assert!(r.authorize_call(1, "todos", "add").is_ok());
    let e = r.authorize_call(2, "nope", "x").unwrap_err();
    assert_eq!(e.code(), ErrorCode::WindowNotFound);
    let e = r.authorize_call(1, "nope", "add").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServiceNotFound);
    let e = r.authorize_call(1, "todos", "constructor").unwrap_err();
    assert_eq!(e.code(), ErrorCode::MethodNotFound);
    r.set_window_state(1, WindowState::Gone).unwrap();
    let e = r.authorize_call(1, "todos", "add").unwrap_err();
    assert_eq!((e.code(), e.window_id()), (ErrorCode::WindowNotFound, Some(1)));
    // a service is registered once
    assert_eq!(
        r.register_service("todos", &["x"]).unwrap_err().code(),
        ErrorCode::ServiceExists
    );
}

#[test]
fn a_closed_or_reloaded_window_is_dropped_from_stores_and_services() {
    let mut r = reg();
    r.register_store("s", StoreOptions::default()).unwrap();
    r.register_service("todos", &["add"]).unwrap();
    for w in [1, 2] {
        r.register_window(w);
        r.subscribe(w, &["s"]).unwrap();
        r.subscribe_events(w, &[("todos", "added")]).unwrap();
    }
    let mut out = Vec::new();
    r.event_recipients("todos", "added", &mut out).unwrap();
    assert_eq!(out, [1, 2]);

    r.reset_window(1).unwrap();
    r.event_recipients("todos", "added", &mut out).unwrap();
    assert_eq!(out, [2]);
    assert_eq!(r.services().window_events(1), Vec::new());

    assert!(r.forget_window(2));
    r.event_recipients("todos", "added", &mut out).unwrap();
    assert_eq!(out, Vec::<u64>::new());
    assert_eq!(r.services().stats().event_subscriptions, 0);
    assert_eq!(r.stats().subscriptions, 0, "store subscriptions went with them");
    r.check_invariants();
}

#[test]
fn event_subscriptions_need_a_live_window_and_skip_gone_ones() {
    let mut r = reg();
    r.register_service("todos", &["add"]).unwrap();
    let e = r.subscribe_events(7, &[("todos", "added")]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::WindowNotFound);
    for w in [1, 2] {
        r.register_window(w);
        r.subscribe_events(w, &[("todos", "added")]).unwrap();
    }
    r.set_window_state(2, WindowState::Gone).unwrap();
    let e = r.subscribe_events(2, &[("todos", "x")]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::WindowNotFound);
    let mut out = Vec::new();
    r.event_recipients("todos", "added", &mut out).unwrap();
    assert_eq!(out, [1], "a gone window receives nothing");
    // unsubscribing works for any known window
    r.unsubscribe_events(2, &[("todos", "added")]).unwrap();
    assert_eq!(
        r.unsubscribe_events(9, &[("todos", "added")]).unwrap_err().code(),
        ErrorCode::WindowNotFound
    );
    assert_eq!(r.services().stats().event_subscriptions, 1);
    assert_eq!(
        r.event_recipients("nope", "added", &mut out).unwrap_err().code(),
        ErrorCode::ServiceNotFound
    );
}

// Every call that changes who receives a commit, at random, with the caller's cache kept as
// the broadcaster keeps it: whenever commit_handle calls it fresh, it equals the recipients
// commit() lists. REGISTRY_SEED=<seed> replays a run.
