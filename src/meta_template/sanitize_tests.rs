//! The sanitizing rule, case by case and on any text.

use proptest::prelude::*;

use super::*;

#[test]
fn sanitize_rule() {
    let cases = [
        ("Budi Santoso", "Budi Santoso"),
        ("Jl. Merdeka 1\nRT 02/RW 03", "Jl. Merdeka 1 RT 02/RW 03"),
        ("Jl. Merdeka 1\r\n  RT 02", "Jl. Merdeka 1 RT 02"),
        ("a\tb", "a b"),
        ("a    b", "a    b"),
        ("a     b", "a b"),
        ("\nBudi\n", "Budi"),
        ("      Budi", "Budi"),
        ("  Budi  ", "  Budi  "),
        (
            "Budi\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}S",
            "Budi\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}S",
        ),
        ("a\u{2028}b", "a b"),
        ("", ""),
        ("\n\t", ""),
    ];
    for (input, expected) in cases {
        assert_eq!(sanitize_meta_value(input), expected, "{input:?}");
    }
}

proptest! {
    #[test]
    fn sanitized_values_satisfy_meta(v in any::<String>()) {
        let s = sanitize_meta_value(&v);
        prop_assert!(!s.chars().any(is_break));
        prop_assert!(!s.contains("     "));
        // Sanitizing is idempotent and never touches a clean value.
        prop_assert_eq!(sanitize_meta_value(&s), s.clone());
    }

    #[test]
    fn borrowed_sanitizing_agrees(
        v in prop_oneof![any::<String>(), "[ a\t\n\r\u{b}\u{c}\u{85}\u{a0}\u{2028}\u{2029}\u{2013}]{0,20}"],
    ) {
        let clean = sanitize_meta_cow(&v);
        prop_assert_eq!(clean.as_ref(), sanitize_meta_value(&v));
        // Borrowed exactly when nothing changes.
        prop_assert_eq!(matches!(clean, Cow::Borrowed(_)), sanitize_meta_value(&v) == v);
    }
}
