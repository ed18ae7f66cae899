//! Template text through the path production takes: configure an engine with it as body, header
//! and button, then plan, preview and dispatch a notification with every placeholder filled. Any
//! text must give an answer or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sicantik_whatsapp::model::{EngineConfig, MasterTemplate, MetaMapping, Notification, ProviderConfig};
use sicantik_whatsapp::{template, Action, Engine};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = template::parse("fuzz", &text);
    let t = MasterTemplate {
        code: "fuzz".into(),
        body: text.to_string(),
        header: Some(text.chars().take(40).collect()),
        button_url_suffix: Some(text.chars().rev().take(20).collect()),
        meta: Some(MetaMapping { template_name: "fuzz".into(), ..Default::default() }),
        ..Default::default()
    };
    let profile = |id: &str, kind: &str, credentials: serde_json::Value| -> ProviderConfig {
        serde_json::from_value(serde_json::json!(
            {"id": id, "kind": kind, "state": "configured", "credentials": credentials}))
        .expect("profile")
    };
    let config = EngineConfig {
        providers: vec![
            profile("meta", "meta", serde_json::json!({"accessToken": "a", "phoneNumberId": "1"})),
            profile("fonnte", "fonnte", serde_json::json!({"token": "t"})),
        ],
        templates: vec![t.clone()],
        ..Default::default()
    };
    let engine = Engine::new(config).expect("template problems are kept per template");
    let mut n = Notification { template: "fuzz".into(), ..Default::default() };
    n.recipient.phone = "081234567890".into();
    // Every placeholder gets a value with braces, a line break and spaces Meta refuses.
    for p in template::params(&t).unwrap_or_default() {
        n.values.text.insert(p, "x {{y}}\n      z".into());
    }
    let _ = engine.plan(&n);
    let _ = engine.preview(&n);
    if let Ok(mut dispatch) = engine.dispatch(&n, 0) {
        if let Ok(Action::Send { .. }) = dispatch.poll(&engine, 0) {
            let _ = dispatch.handle_response(&engine, Default::default(), 1);
        }
    }
});
