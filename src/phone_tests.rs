//! Normalization of numbers as people type them.

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

fn trunk_zero(input: &str) -> Option<String> {
    match normalize(input, "62") {
        Err(Error::PhoneTrunkZeroDoubled { suggestion, .. }) => suggestion,
        other => panic!("{input:?}: expected phone.trunk_zero_doubled, got {other:?}"),
    }
}

#[test]
fn doubled_trunk_zero_is_refused_with_a_suggestion() {
    assert_eq!(
        trunk_zero("00812-3456-7890").as_deref(),
        Some("081234567890")
    );
    assert_eq!(
        trunk_zero("00857 1234 5678").as_deref(),
        Some("085712345678")
    );
    // 008 + 1 (US) is the same digits as a 13-digit 0814… mobile: refused, never guessed.
    assert_eq!(
        trunk_zero("008 1 415 555 2671").as_deref(),
        Some("0814155552671")
    );
    // Not a valid mobile with one zero either: refused without a suggestion.
    assert_eq!(trunk_zero("0086 138 1234 5678 9"), None);
    let e = normalize("00812-3456-7890", "62").unwrap_err();
    assert_eq!(e.code(), "phone.trunk_zero_doubled");
    assert_eq!(e.info().suggestion.as_deref(), Some("081234567890"));
    assert!(e.to_string().contains("did you mean 081234567890?"), "{e}");
    // With `+` the country code is explicit; other default countries have no such rule.
    assert_eq!(ok("+81 90 1234 5678"), "819012345678");
    assert_eq!(
        normalize("0081 90 1234 5678", "60").unwrap(),
        "819012345678"
    );
    // 0084 is Vietnam (84 is no Indonesian mobile prefix), 0062 stays Indonesia.
    assert_eq!(ok("0084 912 345 678"), "84912345678");
    assert_eq!(ok("0062 812 3456 7890"), "6281234567890");
}

#[test]
fn indonesian_international_prefixes() {
    assert_eq!(ok("009 1 415 555 2671"), "14155552671");
    assert_eq!(ok("001 1 415 555 2671"), "14155552671");
    assert_eq!(ok("007 44 20 7946 0958"), "442079460958");
    assert_eq!(ok("008 44 20 7946 0958"), "442079460958");
    assert_eq!(ok("01017 65 9123 4567"), "6591234567");
    assert_eq!(ok("001 62 812 3456 7890"), "6281234567890");
    // Both readings valid: the grouping decides; without grouping the carrier prefix wins.
    assert_eq!(ok("0091 98765 43210"), "919876543210");
    assert_eq!(ok("00 91 98765 43210"), "919876543210");
    assert_eq!(ok("009 198 765 43210"), "19876543210");
    assert_eq!(ok("00914155552671"), "14155552671");
    // Only one reading is valid: it wins whatever the grouping.
    assert_eq!(ok("0090 532 123 4567"), "905321234567"); // 009 + 0… is no country code
    assert_eq!(ok("009 90 532 123 4567"), "905321234567"); // 0090 + 90532… is too long
}

#[test]
fn unassigned_country_codes_and_wrong_lengths() {
    assert!(reason("+990 123 456 789").contains("+990… does not start with a country code"));
    assert!(reason("+999 123 456 789").contains("has assigned"));
    assert!(reason("00999 123 456 789").contains("has assigned"));
    assert!(reason("+1 415 555 26").contains("too short for the country code +1"));
    assert!(reason("+1 415 555 26711").contains("too long for the country code +1"));
    assert!(reason("+33 1 23 45 67 8").contains("too short for the country code +33"));
    assert_eq!(ok("+33 1 23 45 67 89"), "33123456789");
    assert_eq!(
        normalize("+990 123 456 789", "62").unwrap_err().code(),
        "phone.invalid"
    );
}

#[test]
fn country_table_is_sorted_and_sane() {
    assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(COUNTRIES
        .iter()
        .all(|&(cc, min, max)| (1..=999).contains(&cc) && 0 < min && min <= max));
    // Prefix-free, as the ITU assigns them: no code is the start of another.
    for &(a, ..) in COUNTRIES {
        for &(b, ..) in COUNTRIES {
            let (a, b) = (a.to_string(), b.to_string());
            assert!(a == b || !b.starts_with(&a), "{a} / {b}");
        }
    }
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

// --- a model of the README's rules, written independently of `normalize` -------------------

/// What the rules say about digits typed without `+` (default country 62), given the length
/// of the first digit group: `Ok(number)`, `Err(None)` for phone.invalid, `Err(Some(s))` for
/// phone.trunk_zero_doubled with suggestion `s` ("" for none).
fn model(d: &str, group: usize) -> std::result::Result<String, Option<String>> {
    let mobile = |n: &str| {
        let c: Vec<char> = n.chars().collect();
        c.len() >= 9 && c.len() <= 12 && c[0] == '8' && "123567 89".contains(c[1]) && c[1] != ' '
    };
    let valid = |n: &str| -> Option<String> {
        if let Some(nsn) = n.strip_prefix("62") {
            let nsn = nsn.strip_prefix('0').unwrap_or(nsn);
            return mobile(nsn).then(|| format!("62{nsn}"));
        }
        let row = COUNTRIES.iter().find(|r| n.starts_with(&r.0.to_string()))?;
        let len = n.len() - row.0.to_string().len();
        let fits = (8..=15).contains(&n.len()) && (row.1 as usize..=row.2 as usize).contains(&len);
        fits.then(|| n.to_string())
    };
    if let Some(rest) = d.strip_prefix("00") {
        if rest.len() >= 2 && rest.starts_with('8') && !"04".contains(&rest[1..2]) {
            return Err(Some(if mobile(rest) {
                format!("0{rest}")
            } else {
                String::new()
            }));
        }
        let generic = valid(rest);
        if !rest.starts_with(['1', '7', '8', '9']) {
            return generic.ok_or(None);
        }
        let carrier = valid(&rest[1..]);
        let cc_len = COUNTRIES
            .iter()
            .find(|r| rest.starts_with(&r.0.to_string()))
            .map(|r| r.0.to_string().len());
        let grouped_generic = group == 2 || (group > 3 && Some(group - 2) == cc_len);
        let (first, second) = if grouped_generic {
            (generic, carrier)
        } else {
            (carrier, generic)
        };
        return first.or(second).ok_or(None);
    }
    if let Some(rest) = d.strip_prefix("01017") {
        return valid(rest).ok_or(None);
    }
    let n = match d.strip_prefix('0') {
        Some(national) => format!("62{national}"),
        None if d.starts_with("62") => d.to_string(),
        None => format!("62{d}"),
    };
    valid(&n).ok_or(None)
}

fn observed(input: &str) -> std::result::Result<String, Option<String>> {
    match normalize(input, "62") {
        Ok(n) => Ok(n),
        Err(Error::PhoneTrunkZeroDoubled { suggestion, .. }) => {
            Err(Some(suggestion.unwrap_or_default()))
        }
        Err(Error::PhoneInvalid { .. }) => Err(None),
        Err(e) => panic!("{input:?}: {e}"),
    }
}

/// Three-digit codes that no assigned code starts (e.g. 990, 999).
fn unassigned() -> Vec<u16> {
    (100..1000)
        .filter(|cc: &u16| {
            !COUNTRIES
                .iter()
                .any(|r| cc.to_string().starts_with(&r.0.to_string()))
        })
        .collect()
}

/// Digits as people start them in Indonesia, with the prefixes the rules are about.
fn typed_digits() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "", "0", "00", "001", "007", "008", "009", "01017", "62", "0062", "0081", "0091",
        ]),
        prop::collection::vec(0u8..10, 0..=15),
    )
        .prop_map(|(p, rest)| {
            let mut s = p.to_string();
            s.extend(rest.into_iter().map(|d| char::from(b'0' + d)));
            s
        })
}

proptest! {
    #[test]
    fn normalize_agrees_with_the_written_rules(d in typed_digits(), group in 1usize..8) {
        prop_assume!(!d.is_empty());
        let group = group.min(d.len());
        let typed = if group < d.len() { format!("{} {}", &d[..group], &d[group..]) } else { d.clone() };
        let group = if group < d.len() { group } else { usize::MAX / 2 };
        prop_assert_eq!(observed(&typed), model(&d, group), "{:?}", typed);
    }

    #[test]
    fn a_doubled_trunk_zero_is_never_a_foreign_number(
        nsn in id_nsn(),
        cuts in prop::collection::vec(any::<bool>(), 16),
        sep in prop::sample::select(vec![" ", "-", ".", "\u{a0}"]),
    ) {
        let typed = format!("00{}", sprinkle(&nsn, &cuts, &[sep, " "]));
        prop_assert_eq!(observed(&typed), Err(Some(format!("0{nsn}"))), "{:?}", typed);
    }

    #[test]
    fn a_carrier_prefix_grouped_as_typed_reaches_the_country(
        prefix in prop::sample::select(vec!["001", "007", "009", "01017"]),
        row in prop::sample::select(COUNTRIES.to_vec()),
        nsn in prop::collection::vec(1u8..10, 17),
        extra in 0usize..12,
    ) {
        let (cc, min, max) = row;
        let len = usize::from(min) + extra % (usize::from(max - min) + 1);
        prop_assume!(cc != 62 && cc.to_string().len() + len <= 15 && cc.to_string().len() + len >= 8);
        let nsn: String = nsn.iter().take(len).map(|d| char::from(b'0' + d)).collect();
        let typed = format!("{prefix} {cc} {nsn}");
        prop_assert_eq!(normalize(&typed, "62").ok(), Some(format!("{cc}{nsn}")), "{:?}", typed);
        // With `+`, the same number.
        prop_assert_eq!(normalize(&format!("+{cc} {nsn}"), "62").ok(), Some(format!("{cc}{nsn}")));
    }

    #[test]
    fn unassigned_country_codes_are_invalid(cc in prop::sample::select(unassigned()), nsn in "[1-9][0-9]{7,10}") {
        let e = normalize(&format!("+{cc} {nsn}"), "62").unwrap_err();
        prop_assert_eq!(e.code(), "phone.invalid");
    }

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
