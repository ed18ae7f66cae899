//! Runs every shared fixture (`tests/fixtures/*.json`) through the JSON operations, exactly as the
//! wasmtime host does. `expect` is matched as a subset (objects: listed keys; arrays: same length,
//! element-wise); `expect.requests` lists every request sent, in order.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{run_suites, Backend, SUITES};
use serde_json::{json, Value};
use sicantik_whatsapp::ops::Host;

#[derive(Default)]
struct Native(Host);

impl Backend for Native {
    fn call(&mut self, op: &str, args: &Value) -> Result<Value, Value> {
        let out: Value =
            serde_json::from_str(&self.0.call(&json!({"op": op, "args": args}).to_string()))
                .map_err(|e| json!({"code": "fixture.bad_answer", "message": e.to_string()}))?;
        match out.get("ok") {
            Some(v) => Ok(v.clone()),
            None => Err(out.get("error").cloned().unwrap_or(Value::Null)),
        }
    }
}

#[test]
fn shared_fixtures() {
    let (count, failures) = run_suites::<Native>(SUITES);
    assert!(count > 0, "no fixture cases");
    assert!(
        failures.is_empty(),
        "{} of {count} fixture cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{count} fixture cases passed");
}

#[test]
fn fixture_list_is_complete() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = SUITES.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(
        on_disk, embedded,
        "add new fixture files to SUITES in tests/common/mod.rs"
    );
}
