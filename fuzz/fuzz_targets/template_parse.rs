//! Template text: parse, then render with every placeholder filled, must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sicantik_whatsapp::model::MasterTemplate;
use sicantik_whatsapp::{lint, template};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = template::parse("fuzz", &text);
    let t = MasterTemplate {
        code: "fuzz".into(),
        body: text.to_string(),
        ..Default::default()
    };
    if template::validate(&t).is_ok() {
        let values = template::params(&t)
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p, "x {{y}}\n".to_string()))
            .collect();
        if let Ok(resolved) = template::resolve(&t, &values) {
            let _ = template::render("fuzz", &t.body, &resolved);
            let _ = lint::lint_values(&t, &resolved);
        }
    }
    let _ = lint::lint_template(&t);
});
