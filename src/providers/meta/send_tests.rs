//! Request bytes of template and text sends.

use super::*;
use crate::meta_template::MetaMessage;
use crate::providers::meta::template_list_request;
use crate::providers::meta::test_support::{headers, profile};
use crate::providers::Provider;

fn text(text: &str, parameter_name: Option<&'static str>) -> TextParameter<'static> {
    TextParameter {
        parameter_name,
        text: std::borrow::Cow::Owned(text.to_string()),
        kind: "text",
    }
}

fn component(
    kind: &'static str,
    parameters: Vec<TextParameter<'static>>,
    button_index: Option<&str>,
) -> MetaComponent<'static> {
    MetaComponent {
        index: button_index.map(str::to_string),
        parameters,
        sub_type: button_index.map(|_| "url"),
        kind,
    }
}

fn message(name: &'static str, components: Vec<MetaComponent<'static>>) -> MetaMessage<'static> {
    MetaMessage {
        name,
        language: "id",
        components,
        sanitized: Vec::new(),
    }
}

/// The request the engine sends for `message` (it builds every Meta send this way).
fn send(message: &MetaMessage<'_>) -> HttpRequest {
    Meta.build_send_with(
        &profile(),
        Secrets::Real,
        "6281234567890",
        Content::Meta(message),
    )
    .unwrap()
}

#[test]
fn template_send_request_bytes() {
    let req = send(&message(
        "izin_terbit",
        vec![
            component("body", vec![text("Budi", None)], None),
            component("button", vec![text("abc123", None)], Some("0")),
        ],
    ));
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.url,
        "https://graph.facebook.com/v25.0/1234567890/messages"
    );
    assert_eq!(
        req.headers,
        headers(&[
            ("Authorization", "Bearer EAAG-secret"),
            ("Content-Type", "application/json")
        ])
    );
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"components":[{"parameters":[{"text":"Budi","type":"text"}],"type":"body"},{"index":"0","parameters":[{"text":"abc123","type":"text"}],"sub_type":"url","type":"button"}],"language":{"code":"id","policy":"deterministic"},"name":"izin_terbit"},"to":"6281234567890","type":"template"}"#
        )
    );
    // No timeout on the profile: the engine's default, written into the request.
    assert_eq!(req.timeout_ms, Some(crate::transport::DEFAULT_TIMEOUT_MS));
    // A masked request differs only in its token.
    let masked = Meta
        .build_send_with(
            &profile(),
            Secrets::Masked,
            "6281234567890",
            Content::Meta(&message("izin_terbit", vec![])),
        )
        .unwrap();
    assert_eq!(masked.headers["Authorization"], "Bearer •••");
}

#[test]
fn typed_components_are_written_as_serialized() {
    let odd = "Budi \"B\"\n\\ Santoso\u{1} – é";
    for named in [None, Some("partner_name")] {
        let components = vec![
            component("header", vec![text("IMB", named)], None),
            component(
                "body",
                vec![text(odd, named), text("503/IMB/2024", named)],
                None,
            ),
            component("button", vec![text("cek/503?a=\"b\"", None)], Some("2")),
        ];
        let mut w = JsonWriter::with_capacity(0);
        write_components(&mut w, &components);
        let written = w.finish().unwrap();
        assert_eq!(written, serde_json::to_string(&components).unwrap());
        // The request carries the components as written, and its size guess is close.
        let body = send(&message("izin_terbit", components.clone()))
            .body
            .unwrap_or_default();
        assert!(body.contains(&written), "{body}");
        assert!(components_len(&components) >= written.len() / 2);
    }
}

#[test]
fn template_without_components_omits_them() {
    let mut m = message("hello", vec![]);
    m.language = "en_US";
    assert_eq!(
        send(&m).body.as_deref(),
        Some(
            r#"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"language":{"code":"en_US","policy":"deterministic"},"name":"hello"},"to":"6281234567890","type":"template"}"#
        )
    );
}

#[test]
fn text_send_request_bytes_with_overrides() {
    let mut p = profile();
    p.base_url = Some(" http://127.0.0.1:8787/meta/ ".into());
    p.api_version = Some("19.0".into());
    p.timeout_ms = Some(15_000);
    let req = Meta
        .build_send(&p, "6281234567890", Content::Text("Halo \"Budi\"\nbaris 2"))
        .unwrap();
    assert_eq!(
        req.url,
        "http://127.0.0.1:8787/meta/v19.0/1234567890/messages"
    );
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"Halo \"Budi\"\nbaris 2","preview_url":false},"to":"6281234567890","type":"text"}"#
        )
    );
    assert_eq!(req.timeout_ms, Some(15_000));
}

#[test]
fn missing_credentials_name_the_field_not_the_value() {
    let mut p = profile();
    p.credentials.access_token = Some("   ".into());
    let e = Meta.build_send(&p, "6281", Content::Text("x")).unwrap_err();
    assert_eq!(e.code(), "config.invalid");
    let msg = e.to_string();
    assert!(
        msg.contains("meta-main") && msg.contains("accessToken"),
        "{msg}"
    );

    let mut p = profile();
    p.credentials.phone_number_id = None;
    let msg = Meta.build_health_check(&p).unwrap_err().to_string();
    assert!(
        msg.contains("phoneNumberId") && !msg.contains("EAAG-secret"),
        "{msg}"
    );

    let mut p = profile();
    p.credentials.waba_id = None;
    let e = template_list_request(&p, None).unwrap_err();
    assert_eq!(e.code(), "config.invalid");
    assert!(e.to_string().contains("wabaId"));
    assert!(!e.to_string().contains("EAAG-secret"));

    let e = Meta
        .build_send(&profile(), " ", Content::Text("x"))
        .unwrap_err();
    assert_eq!(e.code(), "input.invalid");
}
