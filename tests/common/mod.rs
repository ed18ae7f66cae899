#![allow(dead_code)]
//! The shared fixture runner, used by the native test and the wasm tests (node, Chromium).
//! The same rules are implemented by the node (`tests/node/fixture-lib.mjs`) and Python hosts.

use serde_json::{json, Value};

/// One way of calling the engine's JSON operations (`configure`, `decide`, `dispatchStart`, …).
pub trait Backend: Default {
    fn call(&mut self, op: &str, args: &Value) -> Result<Value, Value>;
}

const DEFAULT_NOW_MS: i64 = 1_764_000_000_000;

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// `expected` ⊆ `actual`; returns the path of the first difference.
pub fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                subset(ev, av, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {}",
                    e.len(),
                    a.len(),
                    actual
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {a}")),
    }
}

/// Run one case; the observed result in the same shape as `expect`.
pub fn run_case<B: Backend>(config: &Value, case: &Value) -> Value {
    let mut host = B::default();
    // A case may bring its own config, or patch the suite's (RFC 7386 merge patch).
    let mut config = case.get("config").unwrap_or(config).clone();
    if let Some(p) = case.get("configPatch") {
        merge_patch(&mut config, p);
    }
    let notification = case.get("notification").cloned().unwrap_or(Value::Null);
    let now = case
        .get("nowMs")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_NOW_MS);
    let expect = &case["expect"];
    let mut actual = json!({});
    if let Err(e) = host.call("configure", &config) {
        actual["error"] = e;
        return actual;
    }
    // A pacing case: the `pace` op for each of its args, in order (tests/fixtures/pacing.json).
    if let Some(calls) = case.get("pace").and_then(Value::as_array) {
        let mut answers = Vec::new();
        for args in calls {
            match host.call("pace", args) {
                Ok(v) => answers.push(v),
                Err(e) => {
                    actual["error"] = e;
                    break;
                }
            }
        }
        actual["pace"] = Value::Array(answers);
        return actual;
    }
    // A calls case: each `{"op", "args"}` in order; `expect.calls` lists the answers
    // (tests/fixtures/evidence.json).
    if let Some(calls) = case.get("calls").and_then(Value::as_array) {
        let mut answers = Vec::new();
        for c in calls {
            match host.call(c["op"].as_str().unwrap_or(""), &c["args"]) {
                Ok(v) => answers.push(v),
                Err(e) => {
                    actual["error"] = e;
                    break;
                }
            }
        }
        actual["calls"] = Value::Array(answers);
        return actual;
    }
    // A batch case: one `planBatch` call (tests/fixtures/batch.json).
    if let Some(list) = case.get("batch") {
        let compact = case
            .get("compact")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match host.call(
            "planBatch",
            &json!({"notifications": list, "compact": compact}),
        ) {
            Ok(v) => actual["planBatch"] = v,
            Err(e) => actual["error"] = e,
        }
        return actual;
    }
    match host.call("decide", &notification) {
        Ok(d) => actual["decision"] = d,
        Err(e) => {
            actual["error"] = e;
            return actual;
        }
    }
    if expect.get("preview").is_some() {
        match host.call("preview", &notification) {
            Ok(p) => actual["preview"] = p,
            Err(e) => actual["error"] = e,
        }
    }
    let scripted = case
        .get("responses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if expect.get("outcome").is_some() || expect.get("requests").is_some() {
        let mut requests = Vec::new();
        let mut next = scripted.iter();
        let mut step = host.call(
            "dispatchStart",
            &json!({"notification": notification, "nowMs": now}),
        );
        loop {
            let s = match step {
                Ok(s) => s,
                Err(e) => {
                    actual["error"] = e;
                    break;
                }
            };
            let action = &s["action"];
            if action["type"] == "done" {
                actual["outcome"] = action["outcome"].clone();
                break;
            }
            requests.push(action["request"].clone());
            let Some(r) = next.next() else {
                actual["error"] = json!({"code": "fixture.unscripted_request", "message": action["request"].to_string()});
                break;
            };
            let mut feed = r.clone();
            feed["state"] = s["state"].clone();
            feed["nowMs"] = json!(now);
            step = host.call("dispatchFeed", &feed);
        }
        actual["requests"] = Value::Array(requests);
    }
    actual
}

/// Run every case of every suite; returns (cases run, failures).
pub fn run_suites<B: Backend>(suites: &[(&str, &str)]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, text) in suites {
        let suite: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{file}: invalid JSON: {e}"));
                continue;
            }
        };
        // A suite of ops a JS build carries only with a feature (`requires`: "server", see
        // Cargo.toml): skipped by the web build's tests, run by every other build.
        if suite["requires"] == "server" && cfg!(all(feature = "js", not(feature = "server"))) {
            continue;
        }
        let Some(cases) = suite["cases"].as_array() else {
            failures.push(format!("{file}: no cases"));
            continue;
        };
        for case in cases {
            count += 1;
            let name = format!("{file} / {}", case["name"]);
            let actual = run_case::<B>(&suite["config"], case);
            if actual.get("error").is_some() && case["expect"].get("error").is_none() {
                failures.push(format!("{name}: unexpected error {}", actual["error"]));
            } else if let Err(diff) = subset(&case["expect"], &actual, "expect") {
                failures.push(format!("{name}: {diff}"));
            }
        }
    }
    (count, failures)
}

/// Every fixture file, embedded so the wasm tests (which have no file system) run them too.
/// `fixture_list_is_complete` (native) fails when a file in tests/fixtures is missing here.
pub const SUITES: &[(&str, &str)] = &[
    ("batch.json", include_str!("../fixtures/batch.json")),
    (
        "conformance-meta.json",
        include_str!("../fixtures/conformance-meta.json"),
    ),
    ("describe.json", include_str!("../fixtures/describe.json")),
    ("dispatch.json", include_str!("../fixtures/dispatch.json")),
    ("evidence.json", include_str!("../fixtures/evidence.json")),
    ("free-text.json", include_str!("../fixtures/free-text.json")),
    ("health.json", include_str!("../fixtures/health.json")),
    ("limits.json", include_str!("../fixtures/limits.json")),
    ("pacing.json", include_str!("../fixtures/pacing.json")),
    ("phone.json", include_str!("../fixtures/phone.json")),
    ("quiet.json", include_str!("../fixtures/quiet.json")),
    ("routing.json", include_str!("../fixtures/routing.json")),
    ("replay.json", include_str!("../fixtures/replay.json")),
    ("templates.json", include_str!("../fixtures/templates.json")),
    (
        "typed-values.json",
        include_str!("../fixtures/typed-values.json"),
    ),
    ("webhooks.json", include_str!("../fixtures/webhooks.json")),
];

#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js;
