//! Runs every shared fixture (`tests/fixtures/*.json`) through the JSON operations, exactly as the
//! wasmtime host does. The JS and Python hosts run the same files with the same rules:
//! `expect` is matched as a subset (objects: listed keys; arrays: same length, element-wise), and
//! `expect.requests` lists every request sent, in order.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use sicantik_whatsapp::ops::Host;

const DEFAULT_NOW_MS: i64 = 1_764_000_000_000;

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
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
fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
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
                return Err(format!("{path}: expected {} items, got {}: {}", e.len(), a.len(), actual));
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

fn call(host: &mut Host, op: &str, args: &Value) -> Result<Value, Value> {
    let out: Value = serde_json::from_str(&host.call(&json!({"op": op, "args": args}).to_string()))
        .expect("the engine always answers JSON");
    match out.get("ok") {
        Some(v) => Ok(v.clone()),
        None => Err(out.get("error").cloned().unwrap_or(Value::Null)),
    }
}

/// Run one case; the observed result in the same shape as `expect`.
fn run_case(config: &Value, case: &Value) -> Value {
    let mut host = Host::new();
    let mut config = config.clone();
    if let Some(p) = case.get("configPatch") {
        merge_patch(&mut config, p);
    }
    let notification = case.get("notification").cloned().unwrap_or(Value::Null);
    let now = case.get("nowMs").and_then(Value::as_i64).unwrap_or(DEFAULT_NOW_MS);
    let expect = &case["expect"];
    let mut actual = json!({});
    if let Err(e) = call(&mut host, "configure", &config) {
        actual["error"] = e;
        return actual;
    }
    match call(&mut host, "decide", &notification) {
        Ok(d) => actual["decision"] = d,
        Err(e) => {
            actual["error"] = e;
            return actual;
        }
    }
    if expect.get("preview").is_some() {
        match call(&mut host, "preview", &notification) {
            Ok(p) => actual["preview"] = p,
            Err(e) => actual["error"] = e,
        }
    }
    let scripted = case.get("responses").and_then(Value::as_array).cloned().unwrap_or_default();
    if expect.get("outcome").is_some() || expect.get("requests").is_some() {
        let mut requests = Vec::new();
        let mut next = scripted.iter();
        let mut step = call(&mut host, "dispatchStart", &json!({"notification": notification, "nowMs": now}));
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
            step = call(&mut host, "dispatchFeed", &feed);
        }
        actual["requests"] = Value::Array(requests);
    }
    actual
}

#[test]
fn shared_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = fs::read_dir(&dir).expect("tests/fixtures exists").flatten().map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|x| x == "json"));
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let suite: Value = serde_json::from_str(&fs::read_to_string(file).expect("readable"))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let cases = suite["cases"].as_array().unwrap_or_else(|| panic!("{}: no cases", file.display()));
        for case in cases {
            count += 1;
            let name = format!("{} / {}", file.file_name().unwrap_or_default().to_string_lossy(), case["name"]);
            let actual = run_case(&suite["config"], case);
            if actual.get("error").is_some() && case["expect"].get("error").is_none() {
                failures.push(format!("{name}: unexpected error {}", actual["error"]));
            } else if let Err(diff) = subset(&case["expect"], &actual, "expect") {
                failures.push(format!("{name}: {diff}"));
            }
        }
    }
    assert!(count > 0, "no fixture cases found in {}", dir.display());
    assert!(failures.is_empty(), "{} of {count} fixture cases failed:\n{}", failures.len(), failures.join("\n"));
    println!("{count} fixture cases passed");
}
