//! The host ABI's JSON entry (what wasmtime calls), configured with the routing fixture's setup:
//! any bytes must produce a JSON answer, never a panic.
#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use sicantik_whatsapp::ops::Host;

static HOST: Mutex<Option<Host>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let mut guard = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let host = guard.get_or_insert_with(|| {
        let mut h = Host::new();
        let suite: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/routing.json")).expect("fixture");
        let call = suite["setup"][0].to_string(); // {"op": "configure", "args": …}
        assert!(h.call(&call).starts_with("{\"ok\""));
        h
    });
    let out = host.call(&String::from_utf8_lossy(data));
    assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "{out}");
});
