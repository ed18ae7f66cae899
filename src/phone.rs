//! Phone normalization: what people in Indonesia type → digits with country code (`62…`).
//!
//! Accepted forms of one number, all giving `6281234567890`:
//! `0812-3456-7890`, `812 3456 7890`, `6281234567890`, `+62 812 3456 7890`,
//! `+62 0812 3456 7890` (a trunk zero wrongly kept after the country code), `0062 812 3456 7890`,
//! `(0812) 3456.7890`. Separators are whitespace (including the no-break space), `-`, `.`, `(`, `)`
//! and the invisible direction marks phones insert when a number is copied from the contact list.
//!
//! Other countries must be written with `+` or `00` and are checked against E.164 only (8–15
//! digits, country code not starting with 0): without a numbering table we cannot know more.
//! Indonesian numbers (`62…`) must be mobiles — national significant number `8[1-35-9]\d{7,10}` —
//! because landlines cannot receive WhatsApp and every provider would reject them later, after a
//! billable attempt.

use crate::error::{Error, Result};

/// Calling code assumed when a number has none.
pub const DEFAULT_COUNTRY: &str = "62";

/// Indonesia's calling code; its numbers get the mobile check.
const INDONESIA: &str = "62";

/// E.164 bounds on the whole number (country code included).
const E164_MIN: usize = 8;
const E164_MAX: usize = 15;

/// Bounds on an Indonesian mobile's national significant number (`8[1-35-9]\d{7,10}`).
const ID_NSN_MIN: usize = 9;
const ID_NSN_MAX: usize = 12;

/// Most digits kept from an input: longer numbers are rejected anyway.
const DIGITS_MAX: usize = E164_MAX + 5;

/// How much of a bad input an error repeats (huge inputs must not make huge errors).
const ERROR_INPUT_CHARS: usize = 64;

/// Normalize `input` to digits with country code, no `+` (e.g. `6281234567890`).
/// `default_country` is a calling code (`"62"`) used for numbers written nationally.
///
/// Errors: [`Error::PhoneInvalid`] with an English reason for the citizen's number, and
/// [`Error::ConfigInvalid`] when `default_country` is not a calling code.
pub fn normalize(input: &str, default_country: &str) -> Result<String> {
    let country = country_code(default_country)?;
    let bad = |reason: &str| Error::PhoneInvalid {
        input: truncate(input),
        reason: reason.to_string(),
    };

    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(bad("the number is empty"));
    }

    // One pass: keep digits, skip separators, refuse anything else. `+` only counts first.
    // The buffer has room for DIGITS_MAX digits and a country code: it is never reallocated.
    let mut digits = String::with_capacity(DIGITS_MAX + country.len());
    let mut plus = false;
    for c in trimmed.chars() {
        if c.is_ascii_digit() {
            // Cap the work on absurd inputs; anything this long is rejected below anyway.
            if digits.len() < DIGITS_MAX {
                digits.push(c);
            }
        } else if c == '+' {
            if plus || !digits.is_empty() {
                return Err(bad("'+' is only allowed once, at the start of the number"));
            }
            plus = true;
        } else if is_separator(c) {
            continue;
        } else if c.is_alphabetic() {
            return Err(bad("the number contains letters"));
        } else {
            return Err(bad(&format!(
                "the number contains the character {c:?}; use only digits, spaces, '-', '.', '(' and ')'"
            )));
        }
    }
    if digits.is_empty() {
        return Err(bad("the number contains no digits"));
    }

    // The country code goes in the same buffer, which has room for it.
    let mut international = digits;
    if !plus {
        if international.starts_with("00") {
            international.replace_range(..2, "");
        } else if international.starts_with('0') {
            international.replace_range(..1, country);
        } else if !international.starts_with(country) {
            // A national number typed without its trunk zero (`812…`).
            international.insert_str(0, country);
        }
    }

    if international.starts_with('0') {
        return Err(bad("the country code cannot start with 0"));
    }

    if let Some(nsn) = international.strip_prefix(INDONESIA) {
        // `+62 0812…`: the trunk zero has no place after the country code.
        let trunk_zero = nsn.starts_with('0');
        let nsn = nsn.strip_prefix('0').unwrap_or(nsn);
        check_indonesian_mobile(nsn).map_err(bad)?;
        if trunk_zero {
            international.remove(INDONESIA.len());
        }
        return Ok(international);
    }

    if international.len() < E164_MIN {
        return Err(bad("the number is too short"));
    }
    if international.len() > E164_MAX {
        return Err(bad(
            "the number is too long (at most 15 digits with the country code)",
        ));
    }
    Ok(international)
}

/// Check a national significant number against `8[1-35-9]\d{7,10}`.
fn check_indonesian_mobile(nsn: &str) -> std::result::Result<(), &'static str> {
    let mut chars = nsn.chars();
    match (chars.next(), chars.next()) {
        (Some('8'), Some('0' | '4')) => {
            return Err("not an Indonesian mobile number: mobile numbers start with 081–083 or 085–089")
        }
        (Some('8'), _) => {}
        (None, _) => return Err("the number is too short"),
        _ => {
            return Err(
                "not an Indonesian mobile number (landline or service number): WhatsApp needs a mobile number starting with 08",
            )
        }
    }
    if nsn.len() < ID_NSN_MIN {
        return Err("the number is too short for an Indonesian mobile number");
    }
    if nsn.len() > ID_NSN_MAX {
        return Err("the number is too long for an Indonesian mobile number");
    }
    Ok(())
}

/// Characters people (and phones) put between digits.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '-' | '.' | '(' | ')')
        // Hyphen, non-breaking hyphen, figure/en/em dashes, minus sign from word processors.
        || matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}')
        // Zero-width and bidi marks added by phones when a contact's number is copied.
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// Validate the configured calling code (`"62"`, `"+62"`; blank means [`DEFAULT_COUNTRY`]).
fn country_code(default_country: &str) -> Result<&str> {
    let code = default_country.trim();
    if code.is_empty() {
        return Ok(DEFAULT_COUNTRY);
    }
    let code = code.strip_prefix('+').unwrap_or(code);
    let valid = (1..=3).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_digit())
        && !code.starts_with('0');
    if valid {
        Ok(code)
    } else {
        Err(Error::config(format!(
            "default country {:?} is not a calling code like \"62\"",
            truncate(default_country)
        )))
    }
}

/// The input as repeated in errors: at most [`ERROR_INPUT_CHARS`] characters.
fn truncate(input: &str) -> String {
    match input.char_indices().nth(ERROR_INPUT_CHARS) {
        Some((cut, _)) => format!("{}…", input.get(..cut).unwrap_or_default()),
        None => input.to_string(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(input: &str) -> String {
        normalize(input, "62").unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn reason(input: &str) -> String {
        match normalize(input, "62") {
            Err(Error::PhoneInvalid { reason, .. }) => reason,
            other => panic!("{input:?}: expected phone.invalid, got {other:?}"),
        }
    }

    #[test]
    fn indonesian_forms_normalize_to_the_same_number() {
        for input in [
            "0812-3456-7890",
            "081234567890",
            "812 3456 7890",
            "6281234567890",
            "+6281234567890",
            "+62 812-3456-7890",
            "+62 0812 3456 7890",
            "+62 (0)812 3456 7890",
            "0062 812 3456 7890",
            "(0812) 3456.7890",
            "  0812 3456 7890\t",
            "62 0812 3456 7890",
            "0812\u{00A0}3456\u{00A0}7890",
            "\u{202A}+62 812-3456-7890\u{202C}",
            "0812\u{2011}3456\u{2011}7890",
        ] {
            assert_eq!(ok(input), "6281234567890", "{input:?}");
        }
    }

    #[test]
    fn mobile_lengths_and_prefixes() {
        assert_eq!(ok("0812345678"), "62812345678"); // 9-digit NSN, shortest
        assert_eq!(ok("0812345678901"), "62812345678901"); // 12-digit NSN, longest
        for prefix in [
            "811", "821", "831", "838", "851", "857", "877", "881", "895", "899",
        ] {
            assert_eq!(
                ok(&format!("0{prefix}1234567")),
                format!("62{prefix}1234567")
            );
        }
    }

    #[test]
    fn other_countries_need_plus_or_00() {
        assert_eq!(ok("+1 (415) 555-2671"), "14155552671");
        assert_eq!(ok("0060 12-345 6789"), "60123456789");
        // Italian numbers keep their leading zero.
        assert_eq!(ok("+39 06 1234 5678"), "390612345678");
        // Without + or 00, the default country is assumed, and this is no Indonesian mobile.
        assert!(reason("14155552671").contains("not an Indonesian mobile"));
    }

    #[test]
    fn default_country_is_configurable() {
        assert_eq!(normalize("012-345 6789", "60").unwrap(), "60123456789");
        assert_eq!(normalize("0812 3456 7890", "+62").unwrap(), "6281234567890");
        assert_eq!(normalize("0812 3456 7890", "").unwrap(), "6281234567890");
        for bad in ["abc", "0", "6200", "+"] {
            let e = normalize("0812 3456 7890", bad).unwrap_err();
            assert_eq!(e.code(), "config.invalid", "{bad:?}");
        }
    }

    #[test]
    fn rejections_say_why() {
        assert_eq!(reason(""), "the number is empty");
        assert_eq!(reason("   "), "the number is empty");
        assert_eq!(reason("--"), "the number contains no digits");
        assert_eq!(reason("0812-3456-abcd"), "the number contains letters");
        assert!(reason("0812#3456").contains("'#'"));
        assert!(reason("0812/3456/7890").contains("'/'"));
        assert!(reason("0812+34567890").contains("'+'"));
        assert!(reason("++6281234567890").contains("'+'"));
        assert!(reason("+0812 3456 7890").contains("cannot start with 0"));
        assert!(reason("0812 345").contains("too short"));
        assert!(reason("0812 3456 7890 123").contains("too long"));
        assert!(reason("021 555 1234").contains("landline"));
        assert!(reason("+62 21 555 1234").contains("landline"));
        assert!(reason("0841 2345 6789").contains("081–083"));
        assert!(reason("0801 2345 6789").contains("081–083"));
        assert!(reason("+1 234").contains("too short"));
        assert!(reason("+1 234 567 890 123 456").contains("too long"));
        assert!(reason("+62").contains("too short"));
        assert!(reason("+620").contains("too short"));
    }

    #[test]
    fn error_code_and_input_are_kept_but_bounded() {
        let e = normalize("021 555 1234", "62").unwrap_err();
        assert_eq!(e.code(), "phone.invalid");
        assert!(e.to_string().contains("021 555 1234"));

        let huge = "9".repeat(10_000);
        match normalize(&huge, "62") {
            Err(Error::PhoneInvalid { input, .. }) => {
                assert_eq!(input.chars().count(), ERROR_INPUT_CHARS + 1);
                assert!(input.ends_with('…'));
            }
            other => panic!("{other:?}"),
        }
    }

    /// An Indonesian mobile NSN: `8[1-35-9]\d{7,10}`.
    fn id_nsn() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!['1', '2', '3', '5', '6', '7', '8', '9']),
            prop::collection::vec(0u8..10, 7..=10),
        )
            .prop_map(|(second, rest)| {
                let mut s = format!("8{second}");
                s.extend(rest.into_iter().map(|d| char::from(b'0' + d)));
                s
            })
    }

    /// Insert a separator from `seps` before the characters at the chosen positions.
    fn sprinkle(digits: &str, cuts: &[bool], seps: &[&str]) -> String {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && cuts.get(i).copied().unwrap_or(false) {
                out.push_str(seps.get(i % seps.len().max(1)).copied().unwrap_or(" "));
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #[test]
        fn never_panics_and_output_is_bounded_digits(s in any::<String>(), dc in "[0-9+]{0,4}") {
            if let Ok(n) = normalize(&s, &dc) {
                prop_assert!(n.chars().all(|c| c.is_ascii_digit()));
                prop_assert!((E164_MIN..=E164_MAX).contains(&n.len()), "{}", n);
                prop_assert!(!n.starts_with('0'));
            }
        }

        #[test]
        fn phone_like_strings_never_panic(s in "[0-9 +().\\-]{0,40}") {
            if let Ok(n) = normalize(&s, "62") {
                prop_assert!(n.chars().all(|c| c.is_ascii_digit()));
                prop_assert!((E164_MIN..=E164_MAX).contains(&n.len()));
                if let Some(nsn) = n.strip_prefix("62") {
                    prop_assert!(check_indonesian_mobile(nsn).is_ok(), "{}", n);
                }
            }
        }

        #[test]
        fn every_written_form_of_a_mobile_is_the_same(
            nsn in id_nsn(),
            cuts in prop::collection::vec(any::<bool>(), 16),
            sep in prop::sample::select(vec![" ", "-", ".", " - ", "\u{a0}"]),
        ) {
            let expected = format!("62{nsn}");
            let seps = [sep, " "];
            let forms = [
                format!("0{}", sprinkle(&nsn, &cuts, &seps)),
                sprinkle(&nsn, &cuts, &seps),
                format!("62{}", sprinkle(&nsn, &cuts, &seps)),
                format!("+62 {}", sprinkle(&nsn, &cuts, &seps)),
                format!("+62 0{}", sprinkle(&nsn, &cuts, &seps)),
                format!("0062 {}", sprinkle(&nsn, &cuts, &seps)),
                format!("(0{}", sprinkle(&nsn, &cuts, &seps).replacen(' ', ") ", 1)),
            ];
            for form in forms {
                prop_assert_eq!(normalize(&form, "62").ok(), Some(expected.clone()), "{:?}", form);
            }
        }

        #[test]
        fn normalizing_is_idempotent(nsn in id_nsn()) {
            let once = normalize(&format!("0{nsn}"), "62").unwrap();
            prop_assert_eq!(normalize(&once, "62").unwrap(), once.clone());
            prop_assert_eq!(normalize(&format!("+{once}"), "62").unwrap(), once);
        }
    }
}
