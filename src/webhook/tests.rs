//! Unit checks of what the fixtures (tests/fixtures/webhooks.json) cannot reach easily.

use super::*;

#[test]
fn stop_keywords() {
    for yes in [
        "STOP",
        " stop ",
        "Stop!",
        "BERHENTI",
        "berhenti.",
        "Stop  Promotions",
        "UNSUBSCRIBE\n",
    ] {
        assert!(is_stop(yes), "{yes:?}");
    }
    for no in ["stop it", "jangan berhenti", "", "st op", "STOP1x"] {
        assert!(!is_stop(no), "{no:?}");
    }
}

#[test]
fn ranks_order_the_states() {
    assert!(rank("sent") < rank("delivered"));
    assert!(rank("delivered") < rank("read"));
    assert!(rank("read") < rank("failed"));
    assert_eq!(rank(""), 0);
    assert_eq!(rank("queued"), 0);
}

fn args(provider: ProviderKind, body: &str) -> WebhookArgs {
    WebhookArgs {
        provider,
        headers: BTreeMap::new(),
        query: [("token".to_string(), "tok".to_string())].into(),
        body: body.to_string(),
        profiles: vec![Profile {
            id: Value::from(1),
            secret: Some("tok".into()),
        }],
        now_ms: 1_764_000_000_000,
        default_country: None,
    }
}

#[test]
fn oversize_body_is_refused_before_anything_else() {
    let body = " ".repeat(crate::limits::WEBHOOK_MAX_BYTES + 1);
    let err = parse(&args(ProviderKind::Fonnte, &body)).unwrap_err();
    assert_eq!(err.code(), TOO_LARGE);
}

#[test]
fn deep_nesting_is_malformed_not_a_crash() {
    let body = "[".repeat(100_000);
    let err = parse(&args(ProviderKind::Fonnte, &body)).unwrap_err();
    assert_eq!(err.code(), MALFORMED);
    let err = parse(&args(ProviderKind::Watzap, &body)).unwrap_err();
    assert_eq!(err.code(), MALFORMED);
}

#[test]
fn form_bodies_are_decoded() {
    let mut a = args(
        ProviderKind::Fonnte,
        "sender=0812%2D3456+7890&message=St%6Fp%&x=%zz",
    );
    a.headers.insert(
        "content-type".into(),
        "application/x-www-form-urlencoded; charset=utf-8".into(),
    );
    let parsed = parse(&a).unwrap();
    match &parsed.events[..] {
        [Event::Inbound(i)] => {
            assert_eq!(i.from, "6281234567890");
            assert_eq!(i.text.as_deref(), Some("Stop%"));
            // A stray `%` is kept as typed; not a letter, it does not hide the STOP.
            assert!(i.stop);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_default_country_is_the_hosts_error() {
    let mut a = args(ProviderKind::Fonnte, "{}");
    a.default_country = Some("abc".into());
    assert_eq!(parse(&a).unwrap_err().code(), "config.invalid");
}
