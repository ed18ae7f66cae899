//! Typed values: a date, a moment, a number or an amount given as data
//! (`{"type": "date", "value": "2027-01-31"}`) and written the way the template's language writes
//! it (`31 Januari 2027`, `1.234.567`, `Rp 1.234.567`). The engine formats, so the preview and the
//! send agree in every host; a plain text value is used as given.
//!
//! | `type` | `value` | `id` | `en` |
//! |---|---|---|---|
//! | `date` | `2027-01-31` | `31 Januari 2027` | `31 January 2027` |
//! | `datetime` | `2027-01-31 02:30:00` (UTC; or with `Z` / `+07:00`) | `31 Januari 2027 pukul 09.30 WIB` | `31 January 2027, 09:30 WIB` |
//! | `number` | `1234567.5` (text or number; `decimals` rounds) | `1.234.567,5` | `1,234,567.5` |
//! | `currency` | `1234567` (`currency`, default `IDR`) | `Rp 1.234.567` | `Rp 1,234,567` |
//! | `text` | any text | as given | as given |
//!
//! A datetime is shown in the recipient's time zone (WIB when unknown). The language is the
//! template's: English when it starts with `en`, Indonesian otherwise.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The type names a typed value may have, in the order of the table above.
pub const TYPES: [&str; 5] = ["date", "datetime", "number", "currency", "text"];

/// One typed value as given (checked and formatted when its template is known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypedValue {
    /// One of [`TYPES`]; anything else is refused when the value is used.
    #[serde(rename = "type")]
    pub kind: String,
    /// The value as text; a JSON number is accepted (written without exponent).
    #[serde(deserialize_with = "number_or_text")]
    pub value: String,
    /// ISO 4217 code of a `currency` value (default `IDR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Digits after the decimal mark of a `number` or `currency` (rounded half away from zero);
    /// a number keeps its own digits when unset, an amount has 0 (IDR) or 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<i64>,
}

/// The language values are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    /// The language of a template's language code (`id`, `en_US`): English for `en…`, else
    /// Indonesian (the office's language).
    pub fn of(code: Option<&str>) -> Lang {
        match code.map(str::trim) {
            Some(c) if c.len() >= 2 && c[..2].eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::Id,
        }
    }
}

/// Where a datetime is shown: the recipient's zone's UTC offset and label (`WIB`).
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub offset_minutes: i64,
    pub label: String,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock {
            offset_minutes: 420,
            label: "WIB".into(),
        }
    }
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The largest `decimals` accepted.
const MAX_DECIMALS: i64 = 12;

impl TypedValue {
    /// The value as text in `lang`; `clock` is asked for only by a datetime. `param` and
    /// `template` name the value in an error.
    pub fn format(
        &self,
        template: &str,
        param: &str,
        lang: Lang,
        clock: &mut dyn FnMut() -> Result<Clock>,
    ) -> Result<String> {
        let invalid = |reason: String| Error::ValueInvalid {
            template: template.to_string(),
            param: param.to_string(),
            reason,
        };
        let value = self.value.trim();
        match self.kind.as_str() {
            "text" => Ok(self.value.clone()),
            "date" => {
                let (y, m, d) = parse_date(value).ok_or_else(|| {
                    invalid(format!("{:?} is not a date YYYY-MM-DD", short(value)))
                })?;
                Ok(date_text(lang, y, m, d))
            }
            "datetime" => {
                let utc_minutes = parse_datetime(value).ok_or_else(|| {
                    invalid(format!(
                        "{:?} is not a date and time YYYY-MM-DD HH:MM[:SS] (UTC, or with Z or ±HH:MM)",
                        short(value)
                    ))
                })?;
                let clock = clock()?;
                let local = utc_minutes + clock.offset_minutes;
                let day = local.div_euclid(1440);
                let minute = local - day * 1440;
                let (y, m, d) = civil_from_days(day);
                let (h, mi) = (minute / 60, minute % 60);
                Ok(match lang {
                    Lang::Id => format!(
                        "{} pukul {h:02}.{mi:02} {}",
                        date_text(lang, y, m, d),
                        clock.label
                    ),
                    Lang::En => format!(
                        "{}, {h:02}:{mi:02} {}",
                        date_text(lang, y, m, d),
                        clock.label
                    ),
                })
            }
            "number" | "currency" => {
                let decimals = match self.decimals {
                    Some(n) if (0..=MAX_DECIMALS).contains(&n) => Some(n as usize),
                    Some(n) => {
                        return Err(invalid(format!(
                            "decimals must be 0 to {MAX_DECIMALS}, not {n}"
                        )))
                    }
                    None => None,
                };
                let number = Decimal::parse(value)
                    .ok_or_else(|| invalid(format!("{:?} is not a number", short(value))))?;
                if self.kind == "number" {
                    return Ok(number.text(lang, decimals));
                }
                let code = self
                    .currency
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .unwrap_or("IDR")
                    .to_ascii_uppercase();
                if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(invalid(format!(
                        "currency must be an ISO 4217 code such as IDR, not {:?}",
                        short(&code)
                    )));
                }
                let (symbol, default_decimals) = match code.as_str() {
                    "IDR" => ("Rp", 0),
                    other => (other, 2),
                };
                let amount = number.text(lang, Some(decimals.unwrap_or(default_decimals)));
                Ok(match amount.strip_prefix('-') {
                    Some(abs) => format!("-{symbol} {abs}"),
                    None => format!("{symbol} {amount}"),
                })
            }
            other => Err(invalid(format!(
                "unknown type {:?}: use one of {}",
                short(other),
                TYPES.join(", ")
            ))),
        }
    }
}

/// Every typed value of `typed` formatted for `lang`; `clock` is asked once, if at all.
pub fn format_all(
    template: &str,
    typed: &[(String, TypedValue)],
    lang: Lang,
    clock: &mut dyn FnMut() -> Result<Clock>,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut cached: Option<Clock> = None;
    for (name, v) in typed {
        let mut once = || -> Result<Clock> {
            if let Some(c) = &cached {
                return Ok(c.clone());
            }
            let c = clock()?;
            cached = Some(c.clone());
            Ok(c)
        };
        out.insert(name.clone(), v.format(template, name, lang, &mut once)?);
    }
    Ok(out)
}

fn date_text(lang: Lang, y: i64, m: i64, d: i64) -> String {
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    let month = months[((m - 1).clamp(0, 11)) as usize];
    format!("{d} {month} {y}")
}

fn short(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// `YYYY-MM-DD` as a real calendar date (years 1 to 9999).
pub(crate) fn parse_date(text: &str) -> Option<(i64, i64, i64)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1 && (1..=month_days).contains(&d)).then_some((y, m, d))
}

/// `YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|±HH:MM]` as minutes since 1970-01-01 UTC (no zone: UTC, as
/// Odoo stores datetimes). Seconds are dropped: messages show minutes.
fn parse_datetime(text: &str) -> Option<i64> {
    let (date, rest) = (text.get(..10)?, text.get(10..)?);
    let (y, m, d) = parse_date(date)?;
    let rest = rest.strip_prefix(['T', ' '])?;
    let b = rest.as_bytes();
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let (h, mi) = (digits(&b[..2])?, digits(&b[3..5])?);
    let mut tail = &rest[5..];
    if let Some(s) = tail.strip_prefix(':') {
        let end = s
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len());
        let (secs, after) = s.split_at(end);
        let whole = secs.split('.').next().unwrap_or("");
        if whole.len() != 2 || digits(whole.as_bytes())? > 59 {
            return None;
        }
        tail = after;
    }
    let offset = match tail {
        "" | "Z" | "z" => 0,
        t => {
            let sign = match t.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let o = &t.as_bytes()[1..];
            if o.len() != 5 || o[2] != b':' {
                return None;
            }
            let (oh, om) = (digits(&o[..2])?, digits(&o[3..])?);
            if oh > 18 || om > 59 {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    if h > 23 || mi > 59 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 1440 + h * 60 + mi - offset)
}

/// A decimal number as its digits: exact, whatever its size (no float rounding).
#[derive(Debug, PartialEq)]
struct Decimal {
    negative: bool,
    int: Vec<u8>,
    frac: Vec<u8>,
}

impl Decimal {
    /// `[-+]digits[.digits][e[-+]digits]` (or `.5`), as people and JSON write numbers;
    /// surrounding spaces are trimmed by the caller.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
            Some((m, e)) => {
                let (sign, e) = match e.as_bytes().first()? {
                    b'-' => (-1, &e[1..]),
                    b'+' => (1, &e[1..]),
                    _ => (1, e),
                };
                // Bounded: a value's digits stay within the value size limit.
                (m, sign * digits(e.as_bytes()).filter(|&n| n <= 1000)?)
            }
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            || (mantissa.contains('.') && frac.is_empty())
        {
            return None;
        }
        // All digits, and where the decimal mark goes after the exponent's shift.
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let point = int.len() as i64 + exponent;
        let (int, frac) = if point <= 0 {
            let mut frac = vec![0; point.unsigned_abs() as usize];
            frac.extend(&all);
            (Vec::new(), frac)
        } else if point as usize >= all.len() {
            let mut int = all;
            int.resize(point as usize, 0);
            (int, Vec::new())
        } else {
            let (i, f) = all.split_at(point as usize);
            (i.to_vec(), f.to_vec())
        };
        let int = int.into_iter().skip_while(|&d| d == 0).collect();
        // A JSON number's `.0` and an exponent's trailing zeros are no digits anyone wrote.
        let mut frac = frac;
        if exponent != 0 || frac.iter().all(|&d| d == 0) {
            while frac.last() == Some(&0) {
                frac.pop();
            }
        }
        Some(Decimal {
            negative,
            int,
            frac,
        })
    }

    /// Rounded to `decimals` (half away from zero) when given; grouped and marked for `lang`.
    fn text(mut self, lang: Lang, decimals: Option<usize>) -> String {
        if let Some(n) = decimals {
            let round_up = self.frac.get(n).is_some_and(|&d| d >= 5);
            self.frac.resize(n, 0);
            if round_up {
                let mut carry = true;
                for d in self.frac.iter_mut().rev().chain(self.int.iter_mut().rev()) {
                    if *d == 9 {
                        *d = 0;
                    } else {
                        *d += 1;
                        carry = false;
                        break;
                    }
                }
                if carry {
                    self.int.insert(0, 1);
                }
            }
        }
        let (group, mark) = match lang {
            Lang::Id => ('.', ','),
            Lang::En => (',', '.'),
        };
        let zero = self.int.iter().chain(&self.frac).all(|&d| d == 0);
        let mut out = String::with_capacity(self.int.len() * 4 / 3 + self.frac.len() + 3);
        if self.negative && !zero {
            out.push('-');
        }
        if self.int.is_empty() {
            out.push('0');
        }
        for (i, d) in self.int.iter().enumerate() {
            if i > 0 && (self.int.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(char::from(b'0' + d));
        }
        if !self.frac.is_empty() {
            out.push(mark);
            out.extend(self.frac.iter().map(|d| char::from(b'0' + d)));
        }
        out
    }
}

fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    d.deserialize_any(NumberOrText)
}

struct NumberOrText;

impl Visitor<'_> for NumberOrText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<String, E> {
        // As serde_json writes it (`1234567.0`, `1e20`): its writer is in the build already,
        // core's float formatting would add some 20 KB to the web build.
        serde_json::Number::from_f64(v)
            .map(|n| n.to_string())
            .ok_or_else(|| E::custom("not a finite number"))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(json: &str, lang: Lang) -> Result<String> {
        let v: TypedValue = serde_json::from_str(json).expect("shape");
        let mut clock = || {
            Ok(Clock {
                offset_minutes: 480,
                label: "WITA".into(),
            })
        };
        v.format("t", "p", lang, &mut clock)
    }

    #[test]
    fn dates_in_both_languages() {
        let d = r#"{"type": "date", "value": "2027-01-31"}"#;
        assert_eq!(fmt(d, Lang::Id).unwrap(), "31 Januari 2027");
        assert_eq!(fmt(d, Lang::En).unwrap(), "31 January 2027");
        let leap = r#"{"type": "date", "value": "2028-02-29"}"#;
        assert_eq!(fmt(leap, Lang::Id).unwrap(), "29 Februari 2028");
        for bad in ["2027-02-29", "2027-13-01", "31/01/2027", "", "2027-1-31"] {
            let j = format!(r#"{{"type": "date", "value": "{bad}"}}"#);
            assert_eq!(
                fmt(&j, Lang::Id).unwrap_err().code(),
                "template.invalid_value"
            );
        }
    }

    #[test]
    fn datetimes_in_the_recipients_zone() {
        let at = |v: &str| {
            fmt(
                &format!(r#"{{"type": "datetime", "value": "{v}"}}"#),
                Lang::Id,
            )
        };
        // 23:30 UTC is the next day in WITA (UTC+8).
        assert_eq!(
            at("2027-01-31 23:30:00").unwrap(),
            "1 Februari 2027 pukul 07.30 WITA"
        );
        assert_eq!(
            at("2027-01-31T23:30:59.5Z").unwrap(),
            "1 Februari 2027 pukul 07.30 WITA"
        );
        assert_eq!(
            at("2027-02-01T07:30+08:00").unwrap(),
            "1 Februari 2027 pukul 07.30 WITA"
        );
        let en = r#"{"type": "datetime", "value": "2027-01-31 01:05"}"#;
        assert_eq!(fmt(en, Lang::En).unwrap(), "31 January 2027, 09:05 WITA");
        for bad in [
            "2027-01-31",
            "2027-01-31 24:00",
            "2027-01-31T10:00+7",
            "2027-01-31 10:00:61",
        ] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_and_amounts() {
        let n = |v: &str, lang| fmt(&format!(r#"{{"type": "number", "value": {v}}}"#), lang);
        assert_eq!(n("1234567", Lang::Id).unwrap(), "1.234.567");
        assert_eq!(n("1234567", Lang::En).unwrap(), "1,234,567");
        assert_eq!(n("1234567.5", Lang::Id).unwrap(), "1.234.567,5");
        assert_eq!(n("\"-0012.50\"", Lang::En).unwrap(), "-12.50");
        assert_eq!(n("\"999\"", Lang::Id).unwrap(), "999");
        assert_eq!(n("0.1", Lang::Id).unwrap(), "0,1");
        assert_eq!(n("1e20", Lang::Id).unwrap(), "100.000.000.000.000.000.000");
        assert_eq!(n("1234567.0", Lang::Id).unwrap(), "1.234.567");
        assert_eq!(n("\"1.5e-3\"", Lang::En).unwrap(), "0.0015");
        assert_eq!(n("\"12.50\"", Lang::En).unwrap(), "12.50");
        let rounded = r#"{"type": "number", "value": 999.995, "decimals": 2}"#;
        assert_eq!(fmt(rounded, Lang::Id).unwrap(), "1.000,00");
        let c = |v: &str| fmt(v, Lang::Id);
        assert_eq!(
            c(r#"{"type": "currency", "value": 1234567}"#).unwrap(),
            "Rp 1.234.567"
        );
        assert_eq!(
            c(r#"{"type": "currency", "value": "1234567.6"}"#).unwrap(),
            "Rp 1.234.568"
        );
        assert_eq!(
            c(r#"{"type": "currency", "value": -1500.5, "currency": "usd"}"#).unwrap(),
            "-USD 1.500,50"
        );
        assert_eq!(
            fmt(r#"{"type": "currency", "value": 1234567}"#, Lang::En).unwrap(),
            "Rp 1,234,567"
        );
        for bad in [
            r#"{"type": "number", "value": "12."}"#,
            r#"{"type": "number", "value": "1,5"}"#,
            r#"{"type": "number", "value": 1, "decimals": 13}"#,
            r#"{"type": "currency", "value": 1, "currency": "Rupiah"}"#,
            r#"{"type": "money", "value": 1}"#,
        ] {
            assert_eq!(
                c(bad).unwrap_err().code(),
                "template.invalid_value",
                "{bad}"
            );
        }
    }

    #[test]
    fn languages_follow_the_template() {
        assert_eq!(Lang::of(Some("en_US")), Lang::En);
        assert_eq!(Lang::of(Some("EN")), Lang::En);
        assert_eq!(Lang::of(Some("id")), Lang::Id);
        assert_eq!(Lang::of(None), Lang::Id);
        assert_eq!(Lang::of(Some("e")), Lang::Id);
    }
}
