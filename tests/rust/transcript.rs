//! `dispatchScripted` (src/transcript.rs), the shared fixtures' scripted dispatch, driven through
//! the public ops as every runner drives it (a unit test would make `transcript` depend on `ops`).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use sicantik_whatsapp::ops::Host;

/// The first dispatch of tests/fixtures/dispatch.json (one request, answered once) run with
/// `responses` replaced.
fn run(responses: impl FnOnce(&mut Vec<Value>)) -> Value {
    let suite: Value = serde_json::from_str(include_str!("../fixtures/dispatch.json")).unwrap();
    let mut host = Host::new();
    host.call(&suite["setup"][0].to_string());
    let mut step = suite["cases"][0]["steps"][0].clone();
    let list = step["args"]["responses"].as_array_mut().unwrap();
    responses(list);
    serde_json::from_str(&host.call(&json!({"op": step["op"], "args": step["args"]}).to_string()))
        .unwrap()
}

#[test]
fn every_request_needs_exactly_one_scripted_answer() {
    assert_eq!(
        run(|_| {})["ok"]["requests"].as_array().map(Vec::len),
        Some(1)
    );
    let missing = run(|r| r.clear());
    assert_eq!(missing["error"]["code"], "input.invalid", "{missing}");
    let extra = run(|r| r.push(r[0].clone()));
    assert_eq!(extra["error"]["code"], "input.invalid", "{extra}");
    let both = run(|r| r[0]["transportError"] = json!({"kind": "timeout", "maybeSent": true}));
    assert_eq!(both["error"]["code"], "input.invalid", "{both}");
}
