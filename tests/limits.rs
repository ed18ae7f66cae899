//! The limits as a host meets them: a call and a batch above theirs are refused by code.

use sicantik_whatsapp::limits::{BATCH_MAX, CALL_MAX_BYTES};
use sicantik_whatsapp::ops::Host;

fn code(answer: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(answer).expect("always JSON");
    v["error"]["code"].as_str().unwrap_or("ok").to_string()
}

#[test]
fn a_call_and_a_batch_are_bounded() {
    let mut host = Host::new();
    let call = format!(
        r#"{{"op": "version", "args": "{}"}}"#,
        "x".repeat(CALL_MAX_BYTES)
    );
    assert_eq!(code(&host.call(&call)), "limit.call");
    let config = r#"{"op": "configure", "args": {"templates": [
        {"code": "t", "name": "T", "body": "Halo"}]}}"#;
    assert_eq!(code(&host.call(config)), "ok");
    let one = r#"{"template":"t","recipient":{"phone":"081234567890"}}"#;
    let batch = |n: usize| {
        let list = vec![one; n].join(",");
        format!(r#"{{"op": "planBatch", "args": {{"notifications": [{list}], "compact": true}}}}"#)
    };
    assert_eq!(code(&host.call(&batch(BATCH_MAX + 1))), "limit.batch");
    assert_eq!(code(&host.call(&batch(3))), "ok");
}
