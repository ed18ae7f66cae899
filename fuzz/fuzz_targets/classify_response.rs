//! Every provider's response classifier on arbitrary status codes and bodies: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sicantik_whatsapp::model::{HttpResponse, ProviderKind};
use sicantik_whatsapp::providers::provider;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) % 600, rest),
        _ => (200, data),
    };
    let mut resp = HttpResponse {
        status,
        body: String::from_utf8_lossy(body).into_owned(),
        ..Default::default()
    };
    resp.headers.insert("Retry-After".into(), resp.body.chars().take(12).collect());
    for kind in ProviderKind::ALL {
        let p = provider(kind);
        let _ = p.classify_send(&resp);
        let _ = p.parse_health_check(&resp);
    }
    let _ = sicantik_whatsapp::providers::meta::parse_template_list(&resp);
});
