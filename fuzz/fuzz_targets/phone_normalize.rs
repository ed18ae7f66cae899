//! Phone normalization never panics, and what it accepts is plain digits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for country in ["62", "1", "60"] {
        if let Ok(n) = sicantik_whatsapp::phone::normalize(&text, country) {
            assert!(n.bytes().all(|b| b.is_ascii_digit()), "{n:?}");
            assert!((8..=15).contains(&n.len()), "{n:?}");
        }
    }
});
