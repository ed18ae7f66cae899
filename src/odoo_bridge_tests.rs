use super::*;
use crate::model::Classification;
use crate::ops::Host;
use crate::providers::provider;

fn call(host: &mut Host, op: &str, args: Value) -> Value {
    let out: Value =
        serde_json::from_str(&host.call(&serde_json::json!({"op": op, "args": args}).to_string()))
            .unwrap();
    out.get("ok")
        .cloned()
        .unwrap_or_else(|| panic!("{op}: {out}"))
}

/// The engine's own request, as the dispatcher hands it to the bridge, read back into the
/// composer's texts: a header, three body values and a URL button at index 1.
#[test]
fn the_engines_meta_request_reads_back_into_composer_texts() {
    let mut host = Host::new();
    call(
        &mut host,
        "configure",
        serde_json::json!({
            "providers": [{"id": "meta", "kind": "meta", "state": "configured",
                "credentials": {"accessToken": "EAAG-x", "phoneNumberId": "1000"}}],
            "templates": [{"code": "permit_ready", "language": "id",
                "header": "Izin {{kind}}",
                "body": "Yth. {{name}}, izin {{kind}} nomor {{number}} terbit.",
                "buttonUrlSuffix": "{{token}}",
                "meta": {"templateName": "permit_ready", "language": "id",
                    "bodyParams": ["name", "kind", "number"], "headerParam": "kind",
                    "buttonIndex": 1, "status": "APPROVED"}}]
        }),
    );
    let plan = call(
        &mut host,
        "plan",
        serde_json::json!({"template": "permit_ready",
            "recipient": {"phone": "0812-3456-7890", "metaOptIn": true},
            "values": {"name": "Budi \"B\"", "kind": "PBG", "number": "12/2026", "token": "abc"}}),
    );
    let request: HttpRequest = serde_json::from_value(plan["request"].clone()).unwrap();
    let m = template_message(&request).unwrap();
    assert_eq!(m.to, "6281234567890");
    assert_eq!(
        (m.name.as_str(), m.language.as_str()),
        ("permit_ready", "id")
    );
    assert_eq!(m.header, ["PBG"]);
    assert_eq!(m.body, ["Budi \"B\"", "PBG", "12/2026"]);
    assert_eq!(
        m.buttons,
        [UrlButton {
            index: 1,
            text: "abc".into()
        }]
    );
}

#[test]
fn only_template_requests() {
    let request = |body: &str| HttpRequest {
        method: "POST".into(),
        url: "https://graph.facebook.com/v25.0/1000/messages".into(),
        headers: Default::default(),
        body: Some(body.into()),
        timeout_ms: None,
    };
    for body in [
        "not json",
        r#"{"type":"text","text":{"body":"hi"}}"#,
        r#"{"type":"template"}"#,
    ] {
        let err = template_message(&request(body)).unwrap_err();
        assert_eq!(err.code(), "provider.unsupported", "{body}");
    }
}

/// Each outcome answers what the Meta classifier turns into the intended decision.
#[test]
fn outcomes_classify_as_the_table_says() {
    let cases = [
        (Outcome::Accepted, Classification::Accepted),
        (Outcome::TemplateUnavailable, Classification::ConfigError),
        (Outcome::Refused, Classification::ConfigError),
        (Outcome::Failed, Classification::ProviderDown),
    ];
    for (outcome, expected) in cases {
        let resp = response(&ResponseArgs {
            outcome,
            message_id: Some("wamid.ODOO".into()),
            detail: Some("why".into()),
        })
        .unwrap();
        let c = provider(crate::model::ProviderKind::Meta).classify_send(&resp);
        assert_eq!(c.classification, expected, "{outcome:?}");
        if outcome == Outcome::Accepted {
            assert_eq!(c.message_ids, ["wamid.ODOO"]);
        } else {
            assert!(c.detail.contains("Odoo WhatsApp: why"), "{}", c.detail);
        }
    }
    let missing_id = ResponseArgs {
        outcome: Outcome::Accepted,
        message_id: None,
        detail: None,
    };
    assert_eq!(response(&missing_id).unwrap_err().code(), "input.invalid");
}
