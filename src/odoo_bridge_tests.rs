use super::*;
use crate::model::Classification;
use crate::providers::provider;

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
