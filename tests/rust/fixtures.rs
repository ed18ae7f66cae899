//! Every shared transcript (`tests/fixtures/*.json`, rules in tests/fixtures/README.md) through
//! the JSON operations, exactly as the wasmtime host calls them.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{run_suites, subset, Backend, SUITES};
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

/// Every file in tests/fixtures with `cases` is a transcript, and every transcript is embedded.
#[test]
fn fixture_list_is_complete() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .flatten()
        .filter(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            serde_json::from_str::<Value>(&text).is_ok_and(|v| v.get("cases").is_some())
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = SUITES.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(
        on_disk, embedded,
        "add new transcripts to SUITES in tests/rust/common/mod.rs"
    );
}

/// The one matching rule can fail: a runner that passes everything would prove nothing.
#[test]
fn the_matching_rule_fails_on_differences() {
    assert!(subset(&json!({"a": 1}), &json!({"a": 1, "b": 2}), "e").is_ok());
    assert!(
        subset(&json!({"a": null}), &json!({}), "e").is_ok(),
        "missing reads as null"
    );
    assert!(subset(&json!({"a": [1]}), &json!({"a": [1, 2]}), "e").is_err());
    assert!(subset(&json!({"a": {"b": 1}}), &json!({"a": {"b": 2}}), "e").is_err());
    assert!(
        subset(&json!({"a": "1"}), &json!({"a": 1}), "e").is_err(),
        "no coercion"
    );
    let step = json!({"op": "decide", "expectError": {"code": "phone.invalid"}});
    assert!(
        common::check_step(&step, Ok(json!({}))).is_err(),
        "an expected error must come"
    );
    let step = json!({"op": "decide"});
    assert!(
        common::check_step(&step, Err(json!({"code": "x"}))).is_err(),
        "errors fail by default"
    );
}
