//! Meta's answers to a send, classified.

use super::*;
use crate::providers::meta::test_support::error_body;
use crate::providers::meta::Meta;
use crate::providers::test_support::resp;
use crate::providers::Provider;

fn classify(status: u16, body: &str) -> Classified {
    Meta.classify_send(&resp(status, body))
}

#[test]
fn accepted_with_message_id() {
    let c = classify(
        200,
        r#"{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.HBgLNjI4MTIz","message_status":"accepted"}]}"#,
    );
    assert_eq!(c.classification, Classification::Accepted);
    assert_eq!(c.message_ids, vec!["wamid.HBgLNjI4MTIz"]);
    assert_eq!(c.code, None);
    assert_eq!(c.retry_after_ms, None);
    assert!(!c.detail.contains("held"));
}

#[test]
fn held_for_quality_assessment_is_still_accepted() {
    let c = classify(
        200,
        r#"{"messages":[{"id":"wamid.X","message_status":"held_for_quality_assessment"}],"contacts":[{"input":"+6281","wa_id":"6281"}]}"#,
    );
    assert_eq!(c.classification, Classification::Accepted);
    assert!(
        c.detail.contains("held_for_quality_assessment"),
        "{}",
        c.detail
    );
    assert!(c.detail.contains("6281"), "{}", c.detail);
}

#[test]
fn success_without_id_or_json_is_unknown() {
    for body in [
        r#"{"messaging_product":"whatsapp","messages":[]}"#,
        r#"{"messages":[{"id":""}]}"#,
        r#"{"messages":"wamid.X"}"#,
        "",
        "OK",
        r#"{"messages":[{"id":"wamid"#,
    ] {
        let c = classify(200, body);
        assert_eq!(c.classification, Classification::Unknown, "{body}");
        assert_eq!(c.code.as_deref(), Some("http.200"));
        assert!(c.message_ids.is_empty());
    }
}

#[test]
fn error_131026_undeliverable_is_rejected() {
    let c = classify(
        400,
        &error_body(131026, "Message undeliverable", "Message Undeliverable."),
    );
    assert_eq!(c.classification, Classification::Rejected);
    assert_eq!(c.code.as_deref(), Some("131026"));
    assert!(c.detail.contains("Message undeliverable"), "{}", c.detail);
    assert!(
        c.detail.contains("details: Message Undeliverable."),
        "{}",
        c.detail
    );
    assert_eq!(c.retry_after_ms, None);
}

#[test]
fn error_130429_is_throttled_for_a_minute() {
    let body = r#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#;
    let c = classify(400, body);
    assert_eq!(c.classification, Classification::Throttled);
    assert_eq!(c.code.as_deref(), Some("130429"));
    assert_eq!(c.retry_after_ms, Some(60_000));
    assert!(c.detail.contains("(#130429) Rate limit hit"));
}

#[test]
fn throttle_backoffs_and_retry_after() {
    let c = classify(
        400,
        &error_body(131056, "(#131056) pair rate limit hit", "x"),
    );
    assert_eq!(c.classification, Classification::Throttled);
    assert_eq!(c.retry_after_ms, Some(6_000));
    for code in [4, 80007] {
        let c = classify(429, &error_body(code, "limit", "x"));
        assert_eq!(c.classification, Classification::Throttled);
        assert_eq!(c.retry_after_ms, Some(60_000));
    }
    let mut r = resp(400, &error_body(131056, "pair", "x"));
    r.headers.insert("retry-after".into(), "12".into());
    assert_eq!(Meta.classify_send(&r).retry_after_ms, Some(12_000));

    // HTTP 429 without a body.
    let c = classify(429, "");
    assert_eq!(c.classification, Classification::Throttled);
    assert_eq!(c.code.as_deref(), Some("http.429"));
    assert_eq!(c.retry_after_ms, Some(60_000));
    let mut r = resp(429, "");
    r.headers.insert("Retry-After".into(), "3".into());
    assert_eq!(Meta.classify_send(&r).retry_after_ms, Some(3_000));
}

#[test]
fn error_190_token_is_config_error() {
    let body = r#"{"error":{"message":"Error validating access token: Session has expired on Friday, 09-Feb-24 04:00:00 PST. The current time is Friday, 09-Feb-24 05:25:47 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1"}}"#;
    let c = classify(401, body);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("190"));
    assert!(c.detail.contains("Session has expired"), "{}", c.detail);
}

#[test]
fn only_profile_codes_break_the_profile() {
    // The profile's own: token, permission, account, number registration.
    for code in [0, 3, 10, 33, 190, 200, 299, 368, 131031, 131045, 133010] {
        let c = classify(400, &error_body(code, "x", ""));
        assert_eq!(c.classification, Classification::ConfigError, "{code}");
        assert!(c.profile_error, "{code} breaks the profile");
    }
    // A template's, a request's or a recipient's: the profile is fine.
    for code in [100, 131008, 131009, 132000, 132001, 132015, 131026, 131047] {
        assert!(
            !classify(400, &error_body(code, "x", "")).profile_error,
            "{code}"
        );
    }
    // No Meta error: 401/403/404 are the credentials or the endpoint, 400 the request.
    assert!(classify(401, "<html>Unauthorized</html>").profile_error);
    assert!(classify(404, "").profile_error);
    assert!(!classify(400, "").profile_error);
    assert!(!classify(503, "").profile_error);
    // An unlisted code: the HTTP status says.
    assert!(classify(403, &error_body(999_999, "x", "")).profile_error);
    assert!(!classify(400, &error_body(999_999, "x", "")).profile_error);
}

#[test]
fn template_errors_are_config_errors() {
    let c = classify(
        400,
        &error_body(
            132000,
            "(#132000) Number of parameters does not match the expected number of params",
            "body: number of localizable_params (2) does not match the expected number of params (3)",
        ),
    );
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("132000"));
    assert!(c.detail.contains("localizable_params (2)"));

    let c = classify(
        404,
        &error_body(
            132001,
            "(#132001) Template name does not exist in the translation",
            "template name (izin_terbit) does not exist in id",
        ),
    );
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("132001"));
    assert!(c.detail.contains("does not exist in id"));
}

#[test]
fn error_131047_reengagement_is_rejected() {
    let c = classify(
        400,
        &error_body(
            131047,
            "Re-engagement message",
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        ),
    );
    assert_eq!(c.classification, Classification::Rejected);
    assert_eq!(c.code.as_deref(), Some("131047"));
    assert!(c.detail.contains("24 hours"));
}

#[test]
fn code_policy_table() {
    let cases: &[(i64, u16, Classification)] = &[
        (0, 401, Classification::ConfigError),
        (3, 500, Classification::ConfigError),
        (10, 403, Classification::ConfigError),
        (200, 403, Classification::ConfigError),
        (299, 403, Classification::ConfigError),
        (100, 400, Classification::ConfigError),
        (131008, 400, Classification::ConfigError),
        (131009, 400, Classification::ConfigError),
        (131048, 400, Classification::Throttled),
        (131064, 400, Classification::Throttled),
        (130403, 400, Classification::Rejected),
        (130472, 400, Classification::Rejected),
        (131057, 400, Classification::ProviderDown),
        (131051, 400, Classification::ConfigError),
        (132005, 400, Classification::ConfigError),
        (132007, 400, Classification::ConfigError),
        (132012, 400, Classification::ConfigError),
        (132015, 400, Classification::ConfigError),
        (132016, 400, Classification::ConfigError),
        (132018, 400, Classification::ConfigError),
        (133010, 400, Classification::ConfigError),
        (368, 403, Classification::ConfigError),
        (131031, 403, Classification::ConfigError),
        (130497, 403, Classification::ConfigError),
        (131049, 400, Classification::Rejected),
        (131050, 400, Classification::Rejected),
        (1, 500, Classification::ProviderDown),
        (2, 503, Classification::ProviderDown),
        (131000, 500, Classification::ProviderDown),
        (131016, 503, Classification::ProviderDown),
        (133004, 503, Classification::ProviderDown),
        // Not in the policy: decided by the HTTP status.
        (999998, 400, Classification::ConfigError),
        (999999, 503, Classification::ProviderDown),
        (999999, 429, Classification::Throttled),
    ];
    for &(code, status, want) in cases {
        let c = classify(status, &error_body(code, "m", "d"));
        assert_eq!(c.classification, want, "code {code} HTTP {status}");
        assert_eq!(c.code, Some(code.to_string()));
    }
}

#[test]
fn odd_error_shapes() {
    // Code as a string, details as a bare string, no message.
    let c = classify(400, r#"{"error":{"code":"131026","error_data":"gone"}}"#);
    assert_eq!(c.classification, Classification::Rejected);
    assert_eq!(c.code.as_deref(), Some("131026"));
    assert!(c.detail.contains("gone"));
    // Error object without a code.
    let c = classify(400, r#"{"error":{"message":"Bad things"}}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("http.400"));
    assert!(c.detail.contains("Bad things"));
    // Wrong types everywhere.
    let c = classify(
        500,
        r#"{"error":{"code":[1],"message":{"x":1},"error_data":5}}"#,
    );
    assert_eq!(c.classification, Classification::ProviderDown);
    let c = classify(400, r#"{"error":"nope"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("http.400"));
}

#[test]
fn html_and_malformed_failures() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>";
    let c = classify(502, html);
    assert_eq!(c.classification, Classification::ProviderDown);
    assert_eq!(c.code.as_deref(), Some("http.502"));
    assert!(c.detail.contains("502 Bad Gateway"), "{}", c.detail);
    assert!(!c.detail.contains('\n'));

    assert_eq!(
        classify(503, "").classification,
        Classification::ProviderDown
    );
    assert_eq!(
        classify(500, "{not json").classification,
        Classification::ProviderDown
    );
    let c = classify(404, "<h1>Not Found</h1>");
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("http.404"));
    assert_eq!(classify(302, "").classification, Classification::Unknown);
}

#[test]
fn huge_bodies_are_cut() {
    let huge_msg = "x".repeat(2_000_000);
    let c = classify(
        400,
        &error_body(131026, &huge_msg, "é".repeat(5000).as_str()),
    );
    assert_eq!(c.classification, Classification::Rejected);
    assert!(c.detail.chars().count() < 1_000, "{}", c.detail.len());

    let c = classify(200, &"🙂".repeat(1_000_000));
    assert_eq!(c.classification, Classification::Unknown);
    assert!(c.detail.chars().count() < 600);

    let nested = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(
        classify(200, &nested).classification,
        Classification::Unknown
    );
}
