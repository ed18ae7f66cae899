//! The catalogue's `required` credentials are the ones the providers' request builders refuse to
//! do without: a profile with exactly them plans a send, and without any one of them it does not.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use sicantik_whatsapp::ops::Host;

fn call(host: &mut Host, op: &str, args: Value) -> Value {
    serde_json::from_str(&host.call(&json!({"op": op, "args": args}).to_string())).unwrap()
}

/// `plan` of one message through a single profile of `kind` holding `credentials`.
fn plan(kind: &str, credentials: &serde_json::Map<String, Value>) -> Value {
    let mut host = Host::new();
    let configured = call(
        &mut host,
        "configure",
        json!({
            "providers": [{"id": kind, "kind": kind, "state": "configured",
                "credentials": credentials}],
            "templates": [{"code": "t", "language": "id", "body": "Yth. {{name}}.",
                "meta": {"templateName": "t", "language": "id", "bodyParams": ["name"],
                    "status": "APPROVED"}}]
        }),
    );
    assert!(configured.get("ok").is_some(), "{configured}");
    call(
        &mut host,
        "plan",
        json!({"template": "t", "values": {"name": "Budi"},
            "recipient": {"phone": "0812-3456-7890", "metaOptIn": true}}),
    )
}

#[test]
fn required_credentials_are_what_a_send_needs() {
    let catalogue = Host::new().call(r#"{"op":"catalogue","args":null}"#);
    let catalogue: Value = serde_json::from_str(&catalogue).unwrap();
    let kinds = catalogue["ok"]["credentials"].as_array().unwrap();
    assert_eq!(kinds.len(), 3);
    for kind in kinds {
        let name = kind["kind"].as_str().unwrap();
        let required: serde_json::Map<String, Value> = kind["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["required"] == true)
            .map(|f| (f["name"].as_str().unwrap().to_owned(), json!("x1")))
            .collect();
        assert!(!required.is_empty(), "{name}: no required credential");
        let planned = plan(name, &required);
        assert!(
            planned["ok"]["request"].is_object(),
            "{name} with {required:?}: {planned}"
        );
        for missing in required.keys() {
            let mut fewer = required.clone();
            fewer.remove(missing);
            let refused = plan(name, &fewer);
            assert!(
                refused["ok"]["request"].is_null(),
                "{name} without {missing} still builds a request: {refused}"
            );
        }
    }
}
