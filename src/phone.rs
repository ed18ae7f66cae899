//! Phone normalization: what people in Indonesia type → digits with country code (`62…`).
//!
//! Accepted forms of one number, all giving `6281234567890`:
//! `0812-3456-7890`, `812 3456 7890`, `6281234567890`, `+62 812 3456 7890`,
//! `+62 0812 3456 7890` (a trunk zero wrongly kept after the country code), `0062 812 3456 7890`,
//! `(0812) 3456.7890`. Separators are whitespace (including the no-break space), `-`, `.`, `(`, `)`
//! and the invisible direction marks phones insert when a number is copied from the contact list.
//!
//! Other countries are written with `+`, or with an international call prefix (below). Their
//! country code must be one the ITU assigned, and the national number must have a length that
//! country uses ([`COUNTRIES`]); the whole number has at most 15 digits (E.164).
//! Indonesian numbers (`62…`) must be mobiles — national significant number `8[1-35-9]\d{7,10}` —
//! because landlines cannot receive WhatsApp and every provider would reject them later, after a
//! billable attempt.
//!
//! # Indonesian dialing (default country `62`, number typed without `+`)
//!
//! Rules, in this order (the README has the same list):
//!
//! 1. **Doubled trunk zero.** `00` followed by `81`–`83` or `85`–`89` (`00812-3456-7890`) is
//!    refused with [`Error::PhoneTrunkZeroDoubled`], whose `suggestion` is the number with one
//!    zero (`081234567890`) when that is a valid mobile. It is never read as a foreign number:
//!    read naïvely it is Japan (+81), Korea (+82), China (+86)…, and a typo is far likelier than a
//!    clerk dialling East Asia. Such numbers are written with `+` (`+81 …`). This also covers
//!    `008` + a country code starting with 1–3 or 5–9 (`008 1 415…`): the same digits are a
//!    13-digit `0814…` mobile, so they are refused too, never guessed.
//! 2. **`01017` + country code** (a carrier's international prefix) is read as such.
//! 3. **`001`, `007`, `008`, `009` + country code** (carriers' international prefixes) compete
//!    with the generic `00` + a country code starting with 1, 7, 8 or 9: `0091 98765 43210` is
//!    India (`00` + 91) but `009 1 415 555 2671` is the US (`009` + 1). Each reading is checked
//!    (assigned country code, national number length); when only one is valid, it wins. When
//!    both are, the way the person grouped the digits decides: a first group of exactly three
//!    digits (`009`) means the carrier prefix; a first group `00`, or `00` + a country code of
//!    two or three digits (`0091`), means the generic prefix. Otherwise (no grouping, e.g. `00914155552671`) the carrier prefix wins,
//!    as in libphonenumber's Indonesian metadata (international prefix `00[89]`).
//! 4. **`00` + country code** otherwise (`0062 812…` stays Indonesia, `0060 12…` Malaysia).
//! 5. `0…` is national (trunk zero), `62…` already has the country code, anything else is a
//!    national number typed without its trunk zero (`812…`).
//!
//! With another default country only rules 4 and 5 apply.

use crate::error::{Error, Result};

/// Calling code assumed when a number has none.
pub const DEFAULT_COUNTRY: &str = "62";

/// Indonesia's calling code; its numbers get the mobile check and its dialing rules.
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

/// Carriers' international prefixes in Indonesia are `00` + one of these (rule 3 above).
const ID_CARRIER_DIGITS: &[u8] = b"1789";

/// Another carrier's international prefix in Indonesia (rule 2 above).
const ID_CARRIER_PREFIX_LONG: &str = "01017";

/// Country codes assigned by the ITU, with the shortest and longest national significant number
/// of the fixed-line, mobile and VoIP numbers each uses (numbers WhatsApp can be on): the
/// `possibleLength` of libphonenumber 9.0.43's metadata, the union over the regions that share
/// a code (all lengths where a code has none of those types). Sorted by code. 4 bytes a row (~0.9 KB): the
/// web build carries it, so it holds lengths only, no number patterns.
#[rustfmt::skip]
const COUNTRIES: &[(u16, u8, u8)] = &[
    (1, 10, 10), (7, 10, 10), (20, 8, 10), (27, 5, 9), (30, 10, 10), (31, 9, 11), (32, 8, 9), (33, 9, 9),
    (34, 9, 9), (36, 8, 9), (39, 6, 12), (40, 6, 9), (41, 9, 9), (43, 4, 13), (44, 9, 10), (45, 8, 8),
    (46, 7, 9), (47, 8, 8), (48, 7, 9), (49, 5, 15), (51, 8, 9), (52, 10, 10), (53, 6, 10), (54, 10, 11),
    (55, 10, 11), (56, 9, 9), (57, 8, 10), (58, 10, 10), (60, 8, 10), (61, 9, 9), (62, 7, 12), (63, 6, 10),
    (64, 8, 10), (65, 8, 8), (66, 8, 9), (81, 9, 10), (82, 5, 10), (84, 9, 10), (86, 7, 11), (90, 10, 10),
    (91, 10, 10), (92, 9, 10), (93, 9, 9), (94, 9, 9), (95, 6, 10), (98, 6, 10), (211, 9, 9), (212, 9, 9),
    (213, 8, 9), (216, 8, 8), (218, 9, 9), (220, 7, 9), (221, 9, 9), (222, 8, 8), (223, 8, 8), (224, 8, 9),
    (225, 10, 10), (226, 8, 8), (227, 8, 8), (228, 8, 8), (229, 10, 10), (230, 7, 8), (231, 7, 9), (232, 8, 8),
    (233, 9, 9), (234, 10, 10), (235, 8, 8), (236, 8, 8), (237, 9, 9), (238, 7, 7), (239, 7, 7), (240, 9, 9),
    (241, 7, 8), (242, 9, 9), (243, 7, 10), (244, 9, 9), (245, 7, 9), (246, 7, 7), (247, 5, 5), (248, 7, 7),
    (249, 9, 9), (250, 8, 9), (251, 9, 9), (252, 6, 9), (253, 8, 8), (254, 7, 9), (255, 9, 9), (256, 9, 9),
    (257, 8, 8), (258, 8, 9), (260, 9, 9), (261, 9, 9), (262, 9, 9), (263, 9, 10), (264, 8, 9), (265, 7, 9),
    (266, 8, 8), (267, 7, 8), (268, 8, 8), (269, 7, 7), (290, 4, 5), (291, 7, 7), (297, 7, 7), (298, 6, 6),
    (299, 6, 6), (350, 8, 8), (351, 9, 9), (352, 4, 11), (353, 7, 10), (354, 7, 9), (355, 8, 9), (356, 8, 8),
    (357, 8, 8), (358, 5, 10), (359, 6, 9), (370, 8, 8), (371, 8, 8), (372, 7, 8), (373, 8, 8), (374, 8, 8),
    (375, 9, 9), (376, 6, 9), (377, 8, 9), (378, 8, 10), (380, 9, 9), (381, 7, 12), (382, 8, 8), (383, 8, 12),
    (385, 8, 9), (386, 8, 8), (387, 8, 9), (389, 8, 8), (420, 9, 9), (421, 6, 9), (423, 7, 9), (500, 5, 5),
    (501, 7, 7), (502, 8, 8), (503, 8, 8), (504, 8, 8), (505, 8, 8), (506, 8, 8), (507, 7, 8), (508, 6, 9),
    (509, 8, 8), (590, 9, 9), (591, 8, 8), (592, 7, 7), (593, 8, 9), (594, 9, 9), (595, 7, 9), (596, 9, 9),
    (597, 6, 7), (598, 8, 8), (599, 7, 8), (670, 7, 8), (672, 6, 6), (673, 7, 7), (674, 7, 7), (675, 7, 8),
    (676, 5, 7), (677, 5, 7), (678, 5, 7), (679, 7, 7), (680, 7, 7), (681, 6, 6), (682, 5, 5), (683, 4, 7),
    (685, 5, 10), (686, 5, 8), (687, 6, 6), (688, 5, 7), (689, 8, 8), (690, 4, 7), (691, 7, 7), (692, 7, 7),
    (800, 8, 8), (808, 8, 8), (850, 8, 10), (852, 8, 8), (853, 8, 8), (855, 8, 9), (856, 8, 10), (870, 9, 12),
    (878, 12, 12), (880, 6, 10), (881, 9, 10), (882, 7, 12), (883, 8, 12), (886, 8, 11), (888, 11, 11), (960, 7, 7),
    (961, 7, 8), (962, 8, 9), (963, 8, 9), (964, 8, 10), (965, 8, 8), (966, 9, 9), (967, 7, 9), (968, 8, 8),
    (970, 8, 9), (971, 8, 9), (972, 8, 12), (973, 8, 8), (974, 8, 8), (975, 7, 8), (976, 8, 10), (977, 8, 10),
    (979, 9, 9), (992, 9, 9), (993, 8, 8), (994, 9, 9), (995, 9, 9), (996, 9, 9), (998, 9, 9),
];

/// Normalize `input` to digits with country code, no `+` (e.g. `6281234567890`).
/// `default_country` is a calling code (`"62"`) used for numbers written nationally.
///
/// Errors: [`Error::PhoneInvalid`] with the reason's code (`phone.too_short`…), its arguments
/// and English words,
/// [`Error::PhoneTrunkZeroDoubled`] for `00812…` (see the module docs), and
/// [`Error::ConfigInvalid`] when `default_country` is not a calling code.
pub fn normalize(input: &str, default_country: &str) -> Result<String> {
    let country = country_code(default_country)?;
    let bad = |why: Why| Error::PhoneInvalid {
        input: truncate(input),
        reason: why.text,
        reason_code: why.code,
        reason_args: why.args,
    };

    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(bad(Why::new("phone.empty", "the number is empty")));
    }

    // One pass: keep digits, skip separators, refuse anything else. `+` only counts first.
    // The buffer has room for DIGITS_MAX digits and a country code: it is never reallocated.
    let mut digits = String::with_capacity(DIGITS_MAX + country.len());
    let mut plus = false;
    // Digits before the first separator that follows a digit (rule 3's tie-break).
    let mut first_group: Option<usize> = None;
    for c in trimmed.chars() {
        if c.is_ascii_digit() {
            // Cap the work on absurd inputs; anything this long is rejected below anyway.
            if digits.len() < DIGITS_MAX {
                digits.push(c);
            }
        } else if c == '+' {
            if plus || !digits.is_empty() {
                return Err(bad(Why::new(
                    "phone.plus_misplaced",
                    "'+' is only allowed once, at the start of the number",
                )));
            }
            plus = true;
        } else if is_separator(c) {
            if first_group.is_none() && !digits.is_empty() {
                first_group = Some(digits.len());
            }
            continue;
        } else if c.is_alphabetic() {
            return Err(bad(Why::new(
                "phone.letters",
                "the number contains letters",
            )));
        } else {
            return Err(bad(Why::new(
                "phone.bad_character",
                &format!(
                    "the number contains the character {c:?}; use only digits, spaces, '-', '.', '(' and ')'"
                ),
            )
            .arg("character", c.encode_utf8(&mut [0; 4]))));
        }
    }
    if digits.is_empty() {
        return Err(bad(Why::new(
            "phone.no_digits",
            "the number contains no digits",
        )));
    }

    // The country code goes in the same buffer, which has room for it.
    let mut international = digits;
    if !plus {
        if country == INDONESIA && international.starts_with("00") {
            let rest = international.get(2..).unwrap_or_default();
            return indonesian_international(rest, first_group).map_err(|e| match e {
                Reason::TrunkZeroDoubled(suggestion) => Error::PhoneTrunkZeroDoubled {
                    input: truncate(input),
                    suggestion,
                },
                Reason::Invalid(why) => bad(why),
            });
        }
        if country == INDONESIA {
            if let Some(rest) = international.strip_prefix(ID_CARRIER_PREFIX_LONG) {
                return check_international(rest).map_err(bad);
            }
        }
        if international.starts_with("00") {
            international.replace_range(..2, "");
        } else if international.starts_with('0') {
            international.replace_range(..1, country);
        } else if !international.starts_with(country) {
            // A national number typed without its trunk zero (`812…`).
            international.insert_str(0, country);
        }
    }
    check_international(&international).map_err(bad)
}

/// Why a number was refused, before it becomes an [`Error`] (which needs the input).
#[derive(Debug)]
enum Reason {
    Invalid(Why),
    TrunkZeroDoubled(Option<String>),
}

/// Rules 1, 3 and 4 of the module docs: `rest` is what follows the typed `00`.
fn indonesian_international(
    rest: &str,
    first_group: Option<usize>,
) -> std::result::Result<String, Reason> {
    let b = rest.as_bytes();
    // Rule 1: `00` + `8[1-35-9]` is a doubled trunk zero, never a foreign number.
    if b.first() == Some(&b'8') && matches!(b.get(1), Some(b'1'..=b'3' | b'5'..=b'9')) {
        let suggestion = check_indonesian_mobile(rest)
            .ok()
            .map(|()| format!("0{rest}"));
        return Err(Reason::TrunkZeroDoubled(suggestion));
    }
    let generic = check_international(rest);
    let carrier_rest = match b.first() {
        Some(d) if ID_CARRIER_DIGITS.contains(d) => rest.get(1..).unwrap_or_default(),
        _ => return generic.map_err(Reason::Invalid), // rule 4
    };
    let carrier = check_international(carrier_rest);
    // Rule 3: the grouping says which reading the person meant, else the carrier prefix.
    // A first group of 3 digits is the carrier prefix, even where it is also `00` + a one-digit
    // country code (`001`, `007`).
    let generic_grouped = first_group.is_some_and(|g| {
        g == 2 || (g > 3 && country_of(rest).is_some_and(|(cc, _, _)| g == 2 + digit_count(cc)))
    });
    let (preferred, other) = if generic_grouped {
        (generic, carrier)
    } else {
        (carrier, generic)
    };
    match (preferred, other) {
        (Ok(n), _) | (Err(_), Ok(n)) => Ok(n),
        (Err(e), Err(_)) => Err(Reason::Invalid(e)),
    }
}

/// Check digits with a country code (no `+`); the number, with a trunk zero dropped after `62`.
fn check_international(number: &str) -> std::result::Result<String, Why> {
    if number.starts_with('0') {
        return Err(Why::new(
            "phone.country_zero",
            "the country code cannot start with 0",
        ));
    }
    if let Some(nsn) = number.strip_prefix(INDONESIA) {
        // `+62 0812…`: the trunk zero has no place after the country code.
        let nsn = nsn.strip_prefix('0').unwrap_or(nsn);
        check_indonesian_mobile(nsn)?;
        return Ok(format!("{INDONESIA}{nsn}"));
    }
    if number.len() < E164_MIN {
        return Err(Why::new("phone.too_short", "the number is too short"));
    }
    if number.len() > E164_MAX {
        return Err(Why::new(
            "phone.too_long",
            "the number is too long (at most 15 digits with the country code)",
        )
        .arg("max", &E164_MAX.to_string()));
    }
    let Some((cc, min, max)) = country_of(number) else {
        let prefix = number.get(..3).unwrap_or(number);
        return Err(Why::new(
            "phone.unknown_country",
            &format!("+{prefix}… does not start with a country code the ITU has assigned"),
        )
        .arg("prefix", prefix));
    };
    let nsn_len = number.len() - digit_count(cc);
    if nsn_len < usize::from(min) {
        return Err(Why::new(
            "phone.too_short_for_country",
            &format!("the number is too short for the country code +{cc}"),
        )
        .arg("country", &cc.to_string()));
    }
    if nsn_len > usize::from(max) {
        return Err(Why::new(
            "phone.too_long_for_country",
            &format!("the number is too long for the country code +{cc}"),
        )
        .arg("country", &cc.to_string()));
    }
    Ok(number.to_string())
}

/// The row of [`COUNTRIES`] whose code starts `number` (codes are prefix-free).
fn country_of(number: &str) -> Option<(u16, u8, u8)> {
    (1..=3).find_map(|len| {
        let cc: u16 = number.get(..len)?.parse().ok()?;
        COUNTRIES
            .binary_search_by_key(&cc, |row| row.0)
            .ok()
            .and_then(|i| COUNTRIES.get(i).copied())
    })
}

fn digit_count(cc: u16) -> usize {
    match cc {
        0..=9 => 1,
        10..=99 => 2,
        _ => 3,
    }
}

/// Check a national significant number against `8[1-35-9]\d{7,10}`.
fn check_indonesian_mobile(nsn: &str) -> std::result::Result<(), Why> {
    let mut chars = nsn.chars();
    match (chars.next(), chars.next()) {
        (Some('8'), Some('0' | '4')) => {
            return Err(Why::new(
                "phone.not_mobile_prefix",
                "not an Indonesian mobile number: mobile numbers start with 081–083 or 085–089",
            ))
        }
        (Some('8'), _) => {}
        (None, _) => return Err(Why::new("phone.too_short", "the number is too short")),
        _ => {
            return Err(Why::new(
                "phone.landline",
                "not an Indonesian mobile number (landline or service number): WhatsApp needs a mobile number starting with 08",
            ))
        }
    }
    if nsn.len() < ID_NSN_MIN {
        return Err(Why::new(
            "phone.mobile_too_short",
            "the number is too short for an Indonesian mobile number",
        ));
    }
    if nsn.len() > ID_NSN_MAX {
        return Err(Why::new(
            "phone.mobile_too_long",
            "the number is too long for an Indonesian mobile number",
        ));
    }
    Ok(())
}

/// Why a number is invalid: its stable code (`phone.too_short`…), the English words of the
/// error's message, and the arguments of the code's catalogue sentence.
#[derive(Debug)]
struct Why {
    code: &'static str,
    text: String,
    args: Vec<(&'static str, String)>,
}

impl Why {
    // Not inlined: the reasons are many, and small copies keep the web build small.
    #[inline(never)]
    fn new(code: &'static str, text: &str) -> Why {
        Why {
            code,
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    #[inline(never)]
    fn arg(mut self, name: &'static str, value: &str) -> Why {
        self.args.push((name, value.to_string()));
        self
    }
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
pub(crate) fn country_code(default_country: &str) -> Result<&str> {
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
#[path = "phone_tests.rs"]
mod tests;
