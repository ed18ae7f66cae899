//! Watzap's request bytes and answers.

use std::collections::BTreeMap;

use super::*;
use crate::meta_template::MetaMessage;
use crate::model::Credentials;
use crate::providers::test_support::{self, resp};

fn profile() -> ProviderConfig {
    test_support::profile(
        "watzap-1",
        ProviderKind::Watzap,
        Credentials {
            api_key: Some("AK-secret".into()),
            number_key: Some("NK-secret".into()),
            ..Default::default()
        },
    )
}

fn classify(status: u16, body: &str) -> Classified {
    Watzap.classify_send(&resp(status, body))
}

fn json_headers() -> BTreeMap<String, String> {
    [("Content-Type".to_string(), "application/json".to_string())].into()
}

#[test]
fn send_request_bytes() {
    let req = Watzap
        .build_send(
            &profile(),
            "6281234567890",
            Content::Text("Yth. Budi,\nizin \"PBG\" terbit"),
        )
        .unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.watzap.id/v1/send_message");
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"api_key":"AK-secret","message":"Yth. Budi,\nizin \"PBG\" terbit","number_key":"NK-secret","phone_no":"6281234567890"}"#
        )
    );

    let mut p = profile();
    p.base_url = Some("http://127.0.0.1:9/watzap/".into());
    p.timeout_ms = Some(5000);
    let req = Watzap.build_send(&p, "62812", Content::Text("x")).unwrap();
    assert_eq!(req.url, "http://127.0.0.1:9/watzap/send_message");
    assert_eq!(req.timeout_ms, Some(5000));
}

#[test]
fn template_and_missing_credentials() {
    let message = MetaMessage {
        name: "t",
        language: "id",
        components: vec![],
        sanitized: vec![],
    };
    let e = Watzap
        .build_send(&profile(), "62812", Content::Meta(&message))
        .unwrap_err();
    assert_eq!(e.code(), "provider.unsupported");

    let mut p = profile();
    p.credentials.number_key = None;
    let e = Watzap
        .build_send(&p, "62812", Content::Text("x"))
        .unwrap_err();
    assert_eq!(e.code(), "config.invalid");
    assert!(e.to_string().contains("numberKey") && e.to_string().contains("watzap-1"));
    assert!(!e.to_string().contains("AK-secret"));

    let mut p = profile();
    p.credentials.api_key = Some(String::new());
    let e = Watzap.build_health_check(&p).unwrap_err();
    assert!(e.to_string().contains("apiKey"));
    assert_eq!(e.code(), "config.invalid");
}

#[test]
fn documented_success_is_accepted_without_ids() {
    for body in [
        r#"{"status":"200","message":"Successfully","ack":"successfully"}"#,
        r#"{"status":200,"message":"Successfully"}"#,
        r#"{"status":true,"message":"Successfully"}"#,
    ] {
        let c = classify(200, body);
        assert_eq!(c.classification, Classification::Accepted, "{body}");
        assert!(c.message_ids.is_empty());
        assert_eq!(c.code, None);
        assert!(c.detail.contains("no message id"), "{}", c.detail);
    }
}

#[test]
fn credential_codes_are_config_errors() {
    let c = classify(200, r#"{"status":"1002","message":"Invalid API Key"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("1002"));
    assert!(c.detail.contains("Invalid API Key"));
    let c = classify(401, r#"{"status":1003,"message":"Invalid Number Key"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("1003"));
    // The number-key message is not mistaken for a bad recipient number.
    let c = classify(400, r#"{"status":"1003","message":"Invalid Number Key"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    let c = classify(200, r#"{"status":"1004","message":"Pairing Failed"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("1004"));
}

#[test]
fn documented_failures_1005_1006_are_provider_down() {
    let c = classify(
        200,
        r#"{"status":"1005","message":"Fatal Error: socket closed"}"#,
    );
    assert_eq!(c.classification, Classification::ProviderDown);
    assert_eq!(c.code.as_deref(), Some("1005"));
    assert!(c.detail.contains("socket closed"));
    let c = classify(200, r#"{"status":"1006","message":"Something else"}"#);
    assert_eq!(c.classification, Classification::ProviderDown);
    assert_eq!(c.code.as_deref(), Some("1006"));
}

#[test]
fn http_400_422_rejected_or_config() {
    let c = classify(
        400,
        r#"{"status":"1006","message":"Invalid WhatsApp Number"}"#,
    );
    assert_eq!(c.classification, Classification::Rejected);
    assert_eq!(c.code.as_deref(), Some("1006"));
    let c = classify(422, r#"{"message":"Nomor tidak terdaftar di WhatsApp"}"#);
    assert_eq!(c.classification, Classification::Rejected);
    assert_eq!(c.code.as_deref(), Some("http.422"));
    let c = classify(
        400,
        r#"{"status":"1005","message":"Fatal Error: Unexpected token"}"#,
    );
    assert_eq!(c.classification, Classification::ConfigError);
    let c = classify(422, "<html>Unprocessable</html>");
    assert_eq!(c.classification, Classification::ConfigError);
    assert!(c.detail.contains("Unprocessable"));
}

#[test]
fn throttled_down_and_unknown() {
    let mut r = resp(429, "Too Many Requests");
    assert_eq!(
        Watzap.classify_send(&r).retry_after_ms,
        Some(common::DEFAULT_THROTTLE_MS)
    );
    r.headers.insert("Retry-After".into(), "30".into());
    let c = Watzap.classify_send(&r);
    assert_eq!(c.classification, Classification::Throttled);
    assert_eq!(c.code.as_deref(), Some("http.429"));
    assert_eq!(c.retry_after_ms, Some(30_000));

    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let c = classify(502, html);
    assert_eq!(c.classification, Classification::ProviderDown);
    assert_eq!(c.code.as_deref(), Some("http.502"));
    assert!(c.detail.contains("502 Bad Gateway"));
    assert_eq!(
        classify(503, "").classification,
        Classification::ProviderDown
    );

    for body in [
        "",
        "OK",
        r#"{"status":"20"#,
        r#"{"message":"Successfully"}"#,
        r#"{"status":"queued"}"#,
        r#"{"status":false}"#,
        r#"[{"status":"200"}]"#,
        r#"{"status":{"code":200}}"#,
    ] {
        let c = classify(200, body);
        assert_eq!(c.classification, Classification::Unknown, "{body}");
    }
    let c = classify(200, r#"{"status":"queued"}"#);
    assert_eq!(c.code.as_deref(), Some("http.200"));
    assert!(c.detail.contains("queued"));
    assert_eq!(
        classify(404, "Not Found").classification,
        Classification::ConfigError
    );
    // Success status on a non-2xx is not trusted.
    assert_eq!(
        classify(500, r#"{"status":"200"}"#).classification,
        Classification::ProviderDown
    );
}

#[test]
fn huge_bodies() {
    let body = json!({"status": "1006", "message": "é".repeat(1_000_000)}).to_string();
    let c = classify(200, &body);
    assert_eq!(c.classification, Classification::ProviderDown);
    assert!(c.detail.chars().count() < 500);
    let c = classify(200, &"x".repeat(3_000_000));
    assert_eq!(c.classification, Classification::Unknown);
    assert!(c.detail.chars().count() < 500);
}

#[test]
fn health_check_request_and_parse() {
    let req = Watzap.build_health_check(&profile()).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.watzap.id/v1/checking_key");
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"api-key":"AK-secret","api_key":"AK-secret"}"#)
    );

    let ok = Watzap.parse_health_check(&resp(
        200,
        r#"{"data":{"id":7,"name":"DPMPTSP Karo","email":"a@b.c","expires_on":"2026-12-31 23:59:59","plan":"Pro","total_legacy_licenses":2,"licenses_key":[{"id":1,"key":"NK-secret","plan":"Pro","active_from":"x","active_until":"y","limit_message_per_day":0,"expires_on":"2026-12-31","limit_domain":1,"wa_number":"6281200000002","is_connected":true},{"id":2,"key":"NK-2","wa_number":"6281200000003","is_connected":false}]},"status":true,"message":"Successfully"}"#,
    ));
    assert!(ok.ok);
    assert_eq!(
        ok.info,
        json!({"name":"DPMPTSP Karo","plan":"Pro","expires_on":"2026-12-31 23:59:59",
               "licenses":[{"wa_number":"6281200000002","is_connected":true},
                           {"wa_number":"6281200000003","is_connected":false}]})
    );
    assert!(!ok.info.to_string().contains("NK-secret"));
    assert!(ok.detail.contains("1 of 2"), "{}", ok.detail);

    let ok = Watzap.parse_health_check(&resp(200, r#"{"status":"200","message":"ok"}"#));
    assert!(ok.ok);

    let bad = Watzap.parse_health_check(&resp(
        200,
        r#"{"status":"1002","message":"Invalid API Key"}"#,
    ));
    assert!(!bad.ok);
    assert_eq!(bad.code.as_deref(), Some("1002"));
    assert!(bad.detail.contains("Invalid API Key"));
    let bad = Watzap.parse_health_check(&resp(502, "<html>502</html>"));
    assert!(!bad.ok);
    assert_eq!(bad.code.as_deref(), Some("http.502"));
    let bad = Watzap.parse_health_check(&resp(200, r#"{"status":false}"#));
    assert!(!bad.ok);
}
