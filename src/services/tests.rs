use super::*;
use crate::error::ErrorCode;

fn table() -> ServiceTable {
    let mut t = ServiceTable::default();
    t.register("todos", &["add", "remove", "add"]).unwrap();
    t.register("search", &["query"]).unwrap();
    t
}

fn recipients(t: &ServiceTable, s: &str, e: &str) -> Vec<u64> {
    let mut out = vec![99];
    t.recipients(s, e, |_| true, &mut out).unwrap();
    out
}

#[test]
fn registers_services_with_their_methods() {
    let mut t = table();
    let e = t.register("todos", &["other"]).unwrap_err();
    assert_eq!((e.code(), e.service_id()), (ErrorCode::ServiceExists, Some("todos")));
    assert_eq!(
        t.info("todos").unwrap().methods,
        ["add", "remove"],
        "duplicate collapsed, sorted"
    );
    assert_eq!(
        t.ids().iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ["search", "todos"]
    );
    assert!(t.info("nope").is_none());
    assert_eq!(t.stats().services, 2);
    t.register("empty", &[] as &[&str]).unwrap();
    assert_eq!(t.info("empty").unwrap().methods, Vec::<String>::new());
}

#[test]
fn resolves_only_registered_method_names() {
    let t = table();
    assert!(t.resolve("todos", "add").is_ok());
    for name in ["constructor", "__proto__", "toString", "hasOwnProperty", "", "ADD"] {
        let e = t.resolve("todos", name).unwrap_err();
        assert_eq!((e.code(), e.method()), (ErrorCode::MethodNotFound, Some(name)));
    }
    let e = t.resolve("nope", "add").unwrap_err();
    assert_eq!((e.code(), e.service_id()), (ErrorCode::ServiceNotFound, Some("nope")));
}

#[test]
fn event_subscriptions_are_reference_counted_per_window() {
    let mut t = table();
    assert_eq!(
        t.subscribe(1, &[("todos", "added"), ("todos", "added")]).unwrap(),
        Vec::<String>::new()
    );
    t.subscribe(2, &[("todos", "added")]).unwrap();
    t.subscribe(3, &[("todos", "removed")]).unwrap();
    t.check_invariants();
    assert_eq!(recipients(&t, "todos", "added"), [1, 2]);
    assert_eq!(recipients(&t, "todos", "removed"), [3]);
    assert_eq!(recipients(&t, "todos", "other"), Vec::<u64>::new());
    assert_eq!(t.window_events(1), [("todos".to_string(), "added".to_string(), 2)]);
    assert_eq!(t.stats().event_subscriptions, 3);

    t.unsubscribe(1, &[("todos", "added")]);
    assert_eq!(recipients(&t, "todos", "added"), [1, 2], "one count left");
    t.unsubscribe(
        1,
        &[("todos", "added"), ("todos", "added"), ("nope", "x"), ("todos", "zzz")],
    );
    assert_eq!(recipients(&t, "todos", "added"), [2], "extra removes are ignored");
    assert_eq!(t.window_events(1), Vec::new());
    t.check_invariants();
    assert_eq!(t.stats().event_subscriptions, 2);
}

#[test]
fn unknown_services_are_returned_not_subscribed() {
    let mut t = table();
    let missing = t
        .subscribe(1, &[("nope", "a"), ("todos", "added"), ("nope", "b"), ("other", "c")])
        .unwrap();
    assert_eq!(missing, ["nope", "other"]);
    assert_eq!(t.stats().event_subscriptions, 1);
    let e = t.recipients("nope", "a", |_| true, &mut Vec::new()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServiceNotFound);
    t.check_invariants();
}

#[test]
fn recipients_skip_windows_that_are_not_live() {
    let mut t = table();
    for w in [5, 1, 3] {
        t.subscribe(w, &[("search", "progress")]).unwrap();
    }
    let mut out = Vec::new();
    t.recipients("search", "progress", |w| w != 3, &mut out).unwrap();
    assert_eq!(out, [1, 5]);
}

#[test]
fn dropping_a_window_drops_all_its_event_subscriptions() {
    let mut t = table();
    t.subscribe(1, &[("todos", "added"), ("todos", "removed"), ("search", "progress")])
        .unwrap();
    t.subscribe(2, &[("todos", "added")]).unwrap();
    assert_eq!(t.drop_window(1), 3);
    assert_eq!(t.drop_window(1), 0);
    assert_eq!(recipients(&t, "todos", "added"), [2]);
    assert_eq!(recipients(&t, "todos", "removed"), Vec::<u64>::new());
    assert_eq!(t.stats().event_subscriptions, 1);
    t.check_invariants();
}

#[test]
fn unregistering_a_service_drops_its_subscriptions() {
    let mut t = table();
    t.subscribe(1, &[("todos", "added"), ("search", "progress")]).unwrap();
    t.subscribe(2, &[("todos", "removed")]).unwrap();
    t.unregister("todos").unwrap();
    assert_eq!(
        t.stats(),
        ServiceStats {
            services: 1,
            event_subscriptions: 1
        }
    );
    assert_eq!(t.window_events(2), Vec::new());
    assert_eq!(t.window_events(1), [("search".to_string(), "progress".to_string(), 1)]);
    let e = t.unregister("todos").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServiceNotFound);
    t.check_invariants();
    // registered again, it starts without listeners
    t.register("todos", &["add"]).unwrap();
    assert_eq!(recipients(&t, "todos", "added"), Vec::<u64>::new());
}

#[test]
fn a_window_has_a_bounded_number_of_event_subscriptions() {
    let mut t = table();
    let names: Vec<String> = (0..MAX_EVENTS_PER_WINDOW).map(|i| format!("e{i}")).collect();
    let pairs: Vec<(&str, &str)> = names.iter().map(|n| ("todos", n.as_str())).collect();
    t.subscribe(1, &pairs).unwrap();
    // counting up an existing pair is fine, a new one is not
    t.subscribe(1, &[("todos", "e0")]).unwrap();
    let e = t.subscribe(1, &[("todos", "e0"), ("todos", "one-more")]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(
        t.window_events(1)[0],
        ("todos".to_string(), "e0".to_string(), 2),
        "nothing changed"
    );
    // another window has its own budget
    t.subscribe(2, &[("todos", "one-more")]).unwrap();
    t.check_invariants();
}

#[test]
#[allow(clippy::print_stderr)] // the seed is printed so a failure replays
fn randomized_operations_keep_the_tables_mirrored() {
    let seed = crate::test_rng::seed_from_env("SERVICES_TABLE_SEED");
    eprintln!("SERVICES_TABLE_SEED={seed}");
    let mut rng = crate::test_rng::Rng::new(seed);
    let mut next = |n: u64| rng.below(n);
    let mut t = table();
    let services = ["todos", "search", "nope"];
    let events = ["a", "b", "c"];
    for _ in 0..5_000 {
        let w = 1 + next(4);
        let pair = (services[next(3) as usize], events[next(3) as usize]);
        match next(10) {
            0..=4 => {
                t.subscribe(w, &[pair]).unwrap();
            }
            5..=7 => t.unsubscribe(w, &[pair]),
            8 => {
                t.drop_window(w);
            }
            _ => {
                if t.contains("search") {
                    t.unregister("search").unwrap();
                } else {
                    t.register("search", &["query"]).unwrap();
                }
            }
        }
        t.check_invariants();
    }
}
