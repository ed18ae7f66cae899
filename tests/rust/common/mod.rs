#![allow(dead_code)]
//! The transcript runner (tests/fixtures/README.md), shared by the native test and the wasm tests
//! (node, Chromium). Every case is its steps, each an op call checked by one rule: no per-kind code.

use serde_json::Value;

/// One way of calling the engine's JSON operations (`configure`, `decide`, `dispatchScripted`…).
pub trait Backend: Default {
    fn call(&mut self, op: &str, args: &Value) -> Result<Value, Value>;
}

/// `expected` ⊆ `actual` (objects: the listed keys, a missing key reads as null; arrays: same
/// length, element-wise; anything else: equal); the path of the first difference.
pub fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().try_for_each(|(k, ev)| {
            subset(ev, a.get(k).unwrap_or(&Value::Null), &format!("{path}.{k}"))
        }),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .try_for_each(|(i, (ev, av))| subset(ev, av, &format!("{path}[{i}]"))),
        (Value::Array(e), Value::Array(a)) => Err(format!(
            "{path}: expected {} items, got {}: {actual}",
            e.len(),
            a.len()
        )),
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {a}")),
    }
}

/// One step's answer against its `expect` (or `expectError`).
pub fn check_step(step: &Value, got: Result<Value, Value>) -> Result<(), String> {
    match (got, step.get("expectError")) {
        (Ok(v), None) => step
            .get("expect")
            .map_or(Ok(()), |e| subset(e, &v, "expect")),
        (Err(e), Some(x)) => subset(x, &e, "expectError"),
        (Ok(v), Some(_)) => Err(format!("expected an error, got {v}")),
        (Err(e), None) => Err(format!("unexpected error {e}")),
    }
}

/// Run one case on a fresh host: its `setup` (else the suite's), then its `steps`.
pub fn run_case<B: Backend>(suite: &Value, case: &Value) -> Result<(), String> {
    let mut host = B::default();
    if !case["steps"].is_array() {
        return Err("no steps (a legacy case? see tests/fixtures/README.md)".into());
    }
    let setup = case.get("setup").unwrap_or(&suite["setup"]);
    let steps = [setup, &case["steps"]]
        .into_iter()
        .flat_map(|s| s.as_array().into_iter().flatten());
    for (i, step) in steps.enumerate() {
        let op = step["op"].as_str().unwrap_or_default();
        check_step(step, host.call(op, &step["args"]))
            .map_err(|e| format!("step {i} ({op}): {e}"))?;
    }
    Ok(())
}

/// Run every case of every transcript; returns (cases run, failures).
pub fn run_suites<B: Backend>(suites: &[(&str, &str)]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, text) in suites {
        let suite: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        // Ops a JS build carries only with a feature (`requires`: "server", the webhooks): the
        // browser's web-build test skips them; every other host has them.
        if suite["requires"] == "server" && cfg!(all(feature = "js", not(feature = "server"))) {
            continue;
        }
        let Some(cases) = suite["cases"].as_array().filter(|c| !c.is_empty()) else {
            failures.push(format!("{file}: no cases"));
            continue;
        };
        for case in cases {
            count += 1;
            if let Err(e) = run_case::<B>(&suite, case) {
                failures.push(format!("{file} / {}: {e}", case["name"]));
            }
        }
    }
    (count, failures)
}

/// Every transcript, embedded so the wasm tests (which have no file system) run them too.
/// `fixture_list_is_complete` (native) fails when a transcript in tests/fixtures is missing here.
macro_rules! suites {
    ($($file:literal),*) => {
        &[$(($file, include_str!(concat!("../../fixtures/", $file)))),*]
    };
}
pub const SUITES: &[(&str, &str)] = suites!(
    "batch.json",
    "conformance-meta.json",
    "describe.json",
    "dispatch.json",
    "evidence.json",
    "free-text.json",
    "health.json",
    "limits.json",
    "pacing.json",
    "phone.json",
    "quiet.json",
    "replay.json",
    "routing.json",
    "stored-values.json",
    "templates.json",
    "typed-values.json",
    "webhooks.json"
);

#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js;
