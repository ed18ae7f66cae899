//! The Enterprise bridge reads the engine's own Meta request, as the dispatcher hands it over,
//! back into the composer's texts: through the public ops, as a host drives them (a unit test
//! here would make `odoo_bridge` depend on `ops`, which depends on it).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use sicantik_whatsapp::model::HttpRequest;
use sicantik_whatsapp::odoo_bridge::{template_message, UrlButton};
use sicantik_whatsapp::ops::Host;

fn call(host: &mut Host, op: &str, args: Value) -> Value {
    let out: Value =
        serde_json::from_str(&host.call(&serde_json::json!({"op": op, "args": args}).to_string()))
            .unwrap();
    out.get("ok")
        .cloned()
        .unwrap_or_else(|| panic!("{op}: {out}"))
}

/// A header, three body values and a URL button at index 1.
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
