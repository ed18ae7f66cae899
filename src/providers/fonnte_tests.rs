//! Fonnte's request bytes and answers.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::meta_template::MetaMessage;
use crate::model::Credentials;
use crate::providers::test_support::{self, resp};

fn profile() -> ProviderConfig {
    test_support::profile(
        "fonnte-a",
        ProviderKind::Fonnte,
        Credentials {
            token: Some("TOK+en/secret".into()),
            ..Default::default()
        },
    )
}

fn classify(status: u16, body: &str) -> Classified {
    Fonnte.classify_send(&resp(status, body))
}

const MULTIPART: &str = "multipart/form-data; boundary=sicantik-whatsapp-form-boundary";

/// `fields` as the multipart body Fonnte gets, written out by hand.
fn multipart(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in fields {
        out += &format!(
            "--sicantik-whatsapp-form-boundary\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        );
    }
    out + "--sicantik-whatsapp-form-boundary--\r\n"
}

fn form_headers() -> BTreeMap<String, String> {
    [
        ("Authorization".to_string(), "TOK+en/secret".to_string()),
        ("Content-Type".to_string(), MULTIPART.to_string()),
    ]
    .into()
}

const SUCCESS_DUMP: &str = r#"{"detail":"success! message in queue","id":[142223099],"process":"pending","quota":{"085885529352":{"details":"deduced from total quota","quota":967,"remaining":966,"used":1}},"requestid":369052479,"status":true,"target":["6285885529352"]}"#;

#[test]
fn send_request_bytes() {
    let req = Fonnte
        .build_send(
            &profile(),
            "6281234567890",
            Content::Text("Yth. Budi & Ani,\nizin 50% = selesai ✓"),
        )
        .unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.fonnte.com/send");
    assert_eq!(req.headers, form_headers());
    assert_eq!(
        req.body.as_deref(),
        Some(
            multipart(&[
                ("target", "6281234567890"),
                ("message", "Yth. Budi & Ani,\nizin 50% = selesai ✓"),
                ("countryCode", "62")
            ])
            .as_str()
        )
    );
    assert!(!req.headers["Authorization"].starts_with("Bearer"));

    let mut p = profile();
    p.base_url = Some("http://127.0.0.1:1/fonnte".into());
    let req = Fonnte.build_send(&p, "62812", Content::Text("")).unwrap();
    assert_eq!(req.url, "http://127.0.0.1:1/fonnte/send");
    assert_eq!(
        req.body.as_deref(),
        Some(multipart(&[("target", "62812"), ("message", ""), ("countryCode", "62")]).as_str())
    );
}

#[test]
fn template_and_missing_token() {
    let message = MetaMessage {
        name: "t",
        language: "id",
        components: vec![],
        sanitized: vec![],
    };
    let e = Fonnte
        .build_send(&profile(), "62812", Content::Meta(&message))
        .unwrap_err();
    assert_eq!(e.code(), "provider.unsupported");
    let mut p = profile();
    p.credentials.token = None;
    for e in [
        Fonnte
            .build_send(&p, "62812", Content::Text("x"))
            .unwrap_err(),
        Fonnte.build_health_check(&p).unwrap_err(),
    ] {
        assert_eq!(e.code(), "config.invalid");
        assert!(e.to_string().contains("fonnte-a") && e.to_string().contains("token"));
    }
}

#[test]
fn real_success_dump_is_accepted_pending() {
    let c = classify(200, SUCCESS_DUMP);
    assert_eq!(c.classification, Classification::Accepted);
    assert_eq!(c.message_ids, vec!["142223099"]);
    assert_eq!(c.code, None);
    assert!(c.detail.contains("pending"), "{}", c.detail);
    assert!(c.detail.contains("success! message in queue"));
    assert!(c.detail.contains("369052479"));
}

#[test]
fn ids_as_strings_and_other_processes() {
    let c = classify(
        200,
        r#"{"id":["80367170","80367171"],"process":"processing","status":true}"#,
    );
    assert_eq!(c.classification, Classification::Accepted);
    assert_eq!(c.message_ids, vec!["80367170", "80367171"]);
    assert!(c.detail.contains("processing"));
    let c = classify(200, r#"{"Status":"true","ID":5}"#);
    assert_eq!(c.classification, Classification::Accepted);
    assert_eq!(c.message_ids, vec!["5"]);
    let c = classify(200, r#"{"status":true,"id":[null,{"x":1}]}"#);
    assert_eq!(c.classification, Classification::Accepted);
    assert!(c.message_ids.is_empty());
}

#[test]
fn token_reasons_are_config_errors() {
    let c = classify(200, r#"{"reason":"invalid token","status":false}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("invalid token"));
    assert!(c.detail.contains("invalid token"));
    let c = classify(200, r#"{"Status":false,"reason":"token invalid"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("token invalid"));
    let c = classify(
        200,
        r#"{"status":false,"Reason":"Unknown User","requestid":1}"#,
    );
    assert_eq!(c.classification, Classification::ConfigError);
    assert_eq!(c.code.as_deref(), Some("unknown user"));
}

#[test]
fn reason_policy() {
    let cases = [
        ("target invalid", Classification::Rejected),
        ("invalid target", Classification::Rejected),
        ("target required", Classification::Rejected),
        (
            "number not registered on whatsapp",
            Classification::Rejected,
        ),
        ("quota habis", Classification::ConfigError),
        ("daily limit reached", Classification::ConfigError),
        ("device disconnected", Classification::ProviderDown),
        ("Device Disconnect", Classification::ProviderDown),
        ("url unreachable", Classification::ProviderDown),
        ("", Classification::ProviderDown),
    ];
    for (reason, want) in cases {
        let body = json!({"status": false, "reason": reason}).to_string();
        let c = classify(200, &body);
        assert_eq!(c.classification, want, "{reason}");
        assert!(c.message_ids.is_empty());
    }
    assert_eq!(
        classify(200, r#"{"status":false}"#).code.as_deref(),
        Some("status false")
    );
    let c = classify(200, r#"{"status":false,"reason":"  Something   ODD \n"}"#);
    assert_eq!(c.code.as_deref(), Some("something odd"));
    assert!(c.detail.contains("Something ODD"));
    // A failure body on a 5xx still explains itself.
    let c = classify(500, r#"{"status":false,"reason":"invalid token"}"#);
    assert_eq!(c.classification, Classification::ConfigError);
}

#[test]
fn long_reason_code_is_capped() {
    let body = json!({"status": false, "reason": "É".repeat(10_000)}).to_string();
    let c = classify(200, &body);
    assert_eq!(c.classification, Classification::ProviderDown);
    assert!(c.code.unwrap().chars().count() <= common::MAX_CODE_CHARS + 1);
    assert!(c.detail.chars().count() < 500);
}

#[test]
fn http_failures_and_malformed_bodies() {
    let c = classify(
        502,
        "<html><head><title>502 Bad Gateway</title></head></html>",
    );
    assert_eq!(c.classification, Classification::ProviderDown);
    assert_eq!(c.code.as_deref(), Some("http.502"));
    assert!(c.detail.contains("502 Bad Gateway"));
    assert_eq!(
        classify(503, "").classification,
        Classification::ProviderDown
    );

    let mut r = resp(429, "");
    let c = Fonnte.classify_send(&r);
    assert_eq!(c.classification, Classification::Throttled);
    assert_eq!(c.retry_after_ms, Some(common::DEFAULT_THROTTLE_MS));
    r.headers.insert("retry-after".into(), "5".into());
    assert_eq!(Fonnte.classify_send(&r).retry_after_ms, Some(5000));

    for body in [
        "",
        "OK",
        r#"{"status": tru"#,
        r#"{"detail":"success"}"#,
        r#"{"status":"yes"}"#,
        r#"[true]"#,
        &"x".repeat(2_000_000),
    ] {
        let c = classify(200, body);
        assert_eq!(
            c.classification,
            Classification::Unknown,
            "{}",
            &body[..body.len().min(20)]
        );
        assert_eq!(c.code.as_deref(), Some("http.200"));
        assert!(c.detail.chars().count() < 600);
    }
    assert_eq!(
        classify(404, "Not Found").classification,
        Classification::ConfigError
    );
    // status:true on a non-2xx is not trusted.
    assert_eq!(
        classify(500, SUCCESS_DUMP).classification,
        Classification::ProviderDown
    );
}

#[test]
fn health_check() {
    let req = Fonnte.build_health_check(&profile()).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.fonnte.com/device");
    assert_eq!(
        req.headers,
        [("Authorization".to_string(), "TOK+en/secret".to_string())].into()
    );
    assert_eq!(req.body, None);

    let ok = Fonnte.parse_health_check(&resp(
        200,
        r#"{"device":"6282227097005","device_status":"connect","expired":"18 November 2029","messages":16785,"name":"Kantor","package":"Reguler","quota":"78","status":true}"#,
    ));
    assert!(ok.ok);
    assert_eq!(ok.code, None);
    assert_eq!(
        ok.info,
        json!({"device":"6282227097005","device_status":"connect","expired":"18 November 2029",
               "quota":"78","package":"Reguler","name":"Kantor"})
    );
    assert!(ok.detail.contains("6282227097005"));

    let off = Fonnte.parse_health_check(&resp(
        200,
        r#"{"device":"6282227097005","device_status":"disconnect","status":true}"#,
    ));
    assert!(!off.ok);
    assert_eq!(off.code.as_deref(), Some("disconnect"));

    let bad = Fonnte.parse_health_check(&resp(200, r#"{"reason":"token invalid","status":false}"#));
    assert!(!bad.ok);
    assert_eq!(bad.code.as_deref(), Some("token invalid"));
    assert!(bad.detail.contains("may still send"));

    for (status, body) in [
        (502, "<html>502</html>"),
        (200, ""),
        (200, r#"{"device":"1"}"#),
    ] {
        let h = Fonnte.parse_health_check(&resp(status, body));
        assert!(!h.ok, "{body}");
        assert!(h.code.unwrap().starts_with("http."));
    }
}
