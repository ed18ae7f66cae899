//! Fixture backend and simulator helpers for the wasm tests (node and Chromium): every call goes
//! through the wasm-bindgen API, i.e. through real JS values.

use serde_json::{json, Value};
use sicantik_whatsapp::wasm::Engine;
use wasm_bindgen::{JsCast, JsValue};

use super::Backend;

fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

fn from_js(v: &JsValue) -> Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

/// A thrown engine error as `{code, message, suggestion?, args?}` (it must be an `Error` with a
/// `code`; `args` are the arguments of its catalogue sentence, e.g. `phone.invalid`'s `reasonCode`).
fn error_of(e: JsValue) -> Value {
    let is_error = e.is_instance_of::<js_sys::Error>();
    let code = js_sys::Reflect::get(&e, &"code".into())
        .ok()
        .and_then(|c| c.as_string());
    let message = js_sys::Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|c| c.as_string());
    let suggestion = js_sys::Reflect::get(&e, &"suggestion".into())
        .ok()
        .and_then(|c| c.as_string());
    let args = js_sys::Reflect::get(&e, &"args".into())
        .map(|a| from_js(&a))
        .unwrap_or(Value::Null);
    match (is_error, code) {
        (true, Some(code)) => {
            let mut v = json!({"code": code, "message": message});
            if let Some(s) = suggestion {
                v["suggestion"] = s.into();
            }
            if args.as_object().is_some_and(|a| !a.is_empty()) {
                v["args"] = args;
            }
            v
        }
        _ => json!({"code": "fixture.not_an_error_with_code", "message": from_js(&e)}),
    }
}

#[derive(Default)]
pub struct Js(Option<Engine>);

impl Backend for Js {
    fn call(&mut self, op: &str, args: &Value) -> Result<Value, Value> {
        if op == "configure" {
            self.0 = Some(Engine::new(to_js(args)).map_err(error_of)?);
            return Ok(json!({}));
        }
        let engine = self
            .0
            .as_ref()
            .ok_or_else(|| json!({"code": "fixture.not_configured"}))?;
        engine
            .call(op, to_js(args))
            .map(|v| from_js(&v))
            .map_err(error_of)
    }
}

/// Where the provider simulator listens (set by `make` when building the wasm tests).
pub fn simulator_url() -> Option<&'static str> {
    option_env!("SIM_URL").filter(|u| !u.is_empty())
}

/// A loopback port where nothing listens (set by `make`), for "connection refused".
pub fn closed_port() -> &'static str {
    option_env!("SIM_CLOSED_PORT").unwrap_or("9")
}

/// Call the simulator's control API with the global fetch.
pub async fn control(method: &str, path: &str, body: Value) -> Value {
    let f = js_sys::Function::new_with_args(
        "url, method, body",
        "return fetch(url, {method, headers: {'content-type': 'application/json'}, body: method === 'GET' ? undefined : body}).then(r => r.text())",
    );
    let url = format!("{}{path}", simulator_url().unwrap_or_default());
    let promise = f
        .call3(
            &JsValue::NULL,
            &url.into(),
            &method.into(),
            &body.to_string().into(),
        )
        .expect("control call");
    let text = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .expect("simulator control API answers");
    serde_json::from_str(&text.as_string().unwrap_or_default()).unwrap_or(Value::Null)
}

/// Engine config whose three providers point at the simulator (its default credentials).
pub fn simulator_config(meta_base: &str, timeout_ms: u32) -> Value {
    let sim = simulator_url().unwrap_or_default();
    json!({
        "fallbackOrder": ["watzap", "fonnte"],
        "optIn": {"url": "https://dpmptsp.karokab.go.id/wa/setuju"},
        "providers": [
            {"id": "meta", "kind": "meta", "state": "configured", "baseUrl": meta_base, "timeoutMs": timeout_ms,
             "credentials": {"accessToken": "sim-meta-token", "phoneNumberId": "100000000000001", "wabaId": "200000000000001"}},
            {"id": "watzap", "kind": "watzap", "state": "configured", "baseUrl": format!("{sim}/watzap"), "timeoutMs": timeout_ms,
             "credentials": {"apiKey": "sim-watzap-key", "numberKey": "sim-watzap-number"}},
            {"id": "fonnte", "kind": "fonnte", "state": "configured", "baseUrl": format!("{sim}/fonnte"), "timeoutMs": timeout_ms,
             "credentials": {"token": "sim-fonnte-token"}}
        ],
        "templates": [{
            "code": "permit_ready", "name": "Izin terbit", "language": "id",
            "body": "Yth. {{partner_name}}, izin {{permit_type}} Anda dengan nomor {{permit_number}} telah terbit.",
            "meta": {"templateName": "permit_ready", "language": "id", "status": "APPROVED"}
        }]
    })
}

pub fn notification(opt_in: bool) -> Value {
    json!({
        "template": "permit_ready",
        "recipient": {"phone": "0812-3456-7890", "name": "Budi", "metaOptIn": opt_in},
        "values": {"partner_name": "Budi", "permit_type": "PBG", "permit_number": "503/PBG/2026/0142"}
    })
}

/// `engine.send(notification)` over the global fetch; the outcome as JSON.
pub async fn send(config: &Value, n: &Value) -> Value {
    let engine = Engine::new(to_js(config)).expect("config is valid");
    let promise = engine.send(to_js(n), None).expect("send starts");
    let out = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("send resolves");
    from_js(&out)
}

/// The fetch-transport scenarios shared by the node and browser tests.
pub async fn fetch_transport_scenarios() {
    let Some(sim) = simulator_url() else {
        panic!("SIM_URL was not set when building the wasm tests (run them through make)");
    };
    control("DELETE", "/_sim/faults", Value::Null).await;

    // Success through Meta.
    let outcome = send(
        &simulator_config(&format!("{sim}/meta"), 2000),
        &notification(true),
    )
    .await;
    assert_eq!(outcome["status"], "sent", "{outcome}");
    assert_eq!(outcome["provider"], "meta");
    assert!(
        outcome["messageIds"][0]
            .as_str()
            .unwrap_or_default()
            .starts_with("wamid."),
        "{outcome}"
    );

    // Connection refused on Meta: nothing was sent, so Watzap carries it.
    let refused = format!("http://127.0.0.1:{}/meta", closed_port());
    let outcome = send(&simulator_config(&refused, 2000), &notification(true)).await;
    assert_eq!(outcome["status"], "sent", "{outcome}");
    assert_eq!(outcome["provider"], "watzap", "{outcome}");
    assert_eq!(
        outcome["attempts"][0]["classification"], "provider_down",
        "{outcome}"
    );

    // Timeout after the request reached Meta: unknown, and never resent elsewhere.
    control("DELETE", "/_sim/requests", Value::Null).await;
    control(
        "POST",
        "/_sim/faults",
        json!({"provider": "meta", "fault": "slow", "delayMs": 1500, "times": 1}),
    )
    .await;
    let outcome = send(
        &simulator_config(&format!("{sim}/meta"), 300),
        &notification(true),
    )
    .await;
    assert_eq!(outcome["status"], "unknown", "{outcome}");
    assert_eq!(
        outcome["attempts"].as_array().map(Vec::len),
        Some(1),
        "{outcome}"
    );
    let gateways = control("GET", "/_sim/requests?provider=watzap", Value::Null).await;
    let sent_elsewhere = gateways.as_array().map(Vec::len).unwrap_or(0)
        + gateways["requests"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(
        sent_elsewhere, 0,
        "nothing may go to another provider after an unknown outcome"
    );

    // Fonnte's multipart body and Content-Type arrive as the engine built them (fetch may not
    // add its own boundary or re-encode): same content type, same byte count, same fields.
    control("DELETE", "/_sim/requests", Value::Null).await;
    let mut n = notification(false);
    n["forceProvider"] = json!("fonnte");
    n["values"]["partner_name"] = json!("Budi & Ani ✓");
    let outcome = send(&simulator_config(&format!("{sim}/meta"), 2000), &n).await;
    assert_eq!(outcome["status"], "sent", "{outcome}");
    let built = &outcome["attempts"][0]["request"];
    let content_type = built["headers"]["Content-Type"]
        .as_str()
        .unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{built}"
    );
    let got = &control("GET", "/_sim/requests?provider=fonnte", Value::Null).await["requests"][0];
    assert_eq!(got["headers"]["content-type"], content_type, "{got}");
    assert_eq!(
        got["bodyBytes"].as_u64(),
        built["body"].as_str().map(|b| b.len() as u64),
        "{got}"
    );
    assert_eq!(got["body"]["target"], "6281234567890", "{got}");
    assert_eq!(got["body"]["countryCode"], "62", "{got}");
    assert!(
        got["body"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Yth. Budi & Ani ✓, izin PBG"),
        "{got}"
    );
}

/// The JS hosts' two tests, the same in node (`tests/node/wasm_node.rs`) and in Chromium
/// (`tests/browser/wasm_browser.rs`): every shared fixture through the JS API, and the fetch
/// transport against the simulator. Each crate says where it runs.
#[macro_export]
macro_rules! js_host_tests {
    () => {
        #[wasm_bindgen_test::wasm_bindgen_test]
        fn shared_fixtures_through_js() {
            let (count, failures) =
                $crate::common::run_suites::<$crate::common::js::Js>($crate::common::SUITES);
            assert!(count > 0);
            assert!(
                failures.is_empty(),
                "{} of {count} failed:\n{}",
                failures.len(),
                failures.join("\n")
            );
        }

        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn fetch_transport_against_simulator() {
            $crate::common::js::fetch_transport_scenarios().await;
        }
    };
}
