//! Quiet hours: when a non-urgent message may leave, in the recipient's own time zone.
//!
//! The office does not message citizens at night (default 21:00–06:00 local time) or on its
//! holidays. Indonesia has three zones and no daylight saving time, so the engine knows their
//! offsets itself; for any other zone the host passes the UTC offset it computed at `now` with
//! its own time zone database. Pure and total: the host passes `now`, every loop is bounded and
//! the arithmetic saturates (no `i128`: its division and printing cost the web build ~20 KB).

use std::borrow::Cow;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{QuietHoursConfig, TraceStep};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// 10000-01-01 in milliseconds: instants are clamped to ± this before any day arithmetic.
const LIMIT_MS: i64 = 253_402_300_800_000;
/// Most holidays in a configuration (a few years of an office's calendar).
pub const MAX_HOLIDAYS: usize = 1000;
/// Largest UTC offset a host may pass: ±18 hours, in minutes.
pub const MAX_OFFSET_MINUTES: i32 = 18 * 60;

/// WIB: the zone assumed when the recipient's is absent or unknown.
const DEFAULT_ZONE: Zone = Zone {
    name: Cow::Borrowed("Asia/Jakarta"),
    label: Cow::Borrowed("WIB"),
    offset_minutes: 420,
};

/// Zones the engine knows: Indonesia's (no DST) and UTC.
fn known_zone(name: &str) -> Option<(&'static str, i32)> {
    Some(match name {
        "Asia/Jakarta" | "Asia/Pontianak" | "WIB" => ("WIB", 420),
        "Asia/Makassar" | "Asia/Ujung_Pandang" | "WITA" => ("WITA", 480),
        "Asia/Jayapura" | "WIT" => ("WIT", 540),
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" => ("UTC", 0),
        _ => return None,
    })
}

/// The validated quiet-hours settings of an engine.
#[derive(Debug, Clone, PartialEq)]
pub struct QuietRules {
    /// Window start and end, in minutes after local midnight; equal means no window.
    start: i32,
    end: i32,
    /// Local dates as days since 1970-01-01. A plain list: at most MAX_HOLIDAYS, and a set or a
    /// sort would add kilobytes to the web build for no visible speed.
    holidays: Vec<i64>,
}

/// The zone used for a recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Zone {
    /// The zone name used (`Asia/Makassar`), or the one given when the host's offset was used.
    pub name: Cow<'static, str>,
    /// `WIB`, `WITA`, `WIT`, `UTC` or `UTC+05:30`.
    pub label: Cow<'static, str>,
    pub offset_minutes: i32,
}

/// When a message may leave, and why it waits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendWindow {
    /// The earliest allowed moment, `now` when nothing holds the message.
    pub at_ms: i64,
    pub wait_ms: i64,
    pub zone: Zone,
    /// Local time of `now` and of `at_ms`: `YYYY-MM-DD HH:MM`.
    pub now_local: String,
    pub at_local: String,
    /// Why it waits: `quiet.hours` or `quiet.holiday` (the first reason met); `None` when it may
    /// leave now.
    pub code: Option<&'static str>,
    /// Every rule that applied, in order.
    pub trace: Vec<TraceStep>,
}

/// Why a message leaves now whatever the hour: `(code, words)` of its trace step.
pub const OFF: (&str, &str) = (
    "quiet.off",
    "No quiet hours are configured: sent at any time",
);
pub const URGENT: (&str, &str) = (
    "quiet.urgent",
    "Urgent template: sent at any time, quiet hours and holidays included",
);

impl SendWindow {
    /// Leaves at `now_ms`, for the reason `why` ([`OFF`], [`URGENT`]).
    pub fn now(
        zone: Zone,
        zone_step: TraceStep,
        now_ms: i64,
        why: (&'static str, &'static str),
    ) -> SendWindow {
        let local = local_text(now_ms.saturating_add(i64::from(zone.offset_minutes) * MINUTE_MS));
        SendWindow {
            at_ms: now_ms,
            wait_ms: 0,
            zone,
            now_local: local.clone(),
            at_local: local,
            code: None,
            trace: vec![zone_step, step(why.0, why.1)],
        }
    }

    /// One English sentence for an outcome: why it waits and until when.
    pub fn message(&self) -> String {
        let why = match self.code {
            Some("quiet.holiday") => "Office holiday",
            _ => "Quiet hours",
        };
        format!(
            "{why} in the recipient's time zone ({}): not sent before {} {}",
            self.zone.label, self.at_local, self.zone.label
        )
    }
}

impl QuietRules {
    /// Check the settings: `HH:MM` times, `YYYY-MM-DD` holidays (at most [`MAX_HOLIDAYS`]).
    pub fn new(c: &QuietHoursConfig) -> Result<QuietRules> {
        let start = parse_time(&c.start, "start")?;
        let end = parse_time(&c.end, "end")?;
        if c.holidays.len() > MAX_HOLIDAYS {
            return Err(Error::config(format!(
                "quietHours.holidays has {} dates; at most {MAX_HOLIDAYS}",
                c.holidays.len()
            )));
        }
        let holidays = c
            .holidays
            .iter()
            .map(|d| parse_date(d))
            .collect::<Result<_>>()?;
        Ok(QuietRules {
            start,
            end,
            holidays,
        })
    }

    /// End of the quiet period containing `ms` (milliseconds after local midnight), relative to
    /// the same midnight (so possibly the next day's); `None` outside the window.
    fn quiet_until(&self, ms: i64) -> Option<i64> {
        let (start, end) = (
            i64::from(self.start) * MINUTE_MS,
            i64::from(self.end) * MINUTE_MS,
        );
        match start.cmp(&end) {
            std::cmp::Ordering::Less => (start <= ms && ms < end).then_some(end),
            std::cmp::Ordering::Greater if ms >= start => Some(DAY_MS + end),
            std::cmp::Ordering::Greater => (ms < end).then_some(end),
            std::cmp::Ordering::Equal => None,
        }
    }

    fn window_text(&self) -> String {
        format!("{}–{}", hhmm(self.start), hhmm(self.end))
    }

    /// When a message to a recipient in `zone` may leave, asked at `now_ms`.
    pub fn window(&self, zone: Zone, mut trace: Vec<TraceStep>, now_ms: i64) -> SendWindow {
        let offset = i64::from(zone.offset_minutes) * MINUTE_MS;
        let local_now = now_ms.saturating_add(offset);
        // Past year 9999 (±) nothing is a holiday and day arithmetic could overflow: clamp.
        let mut t = local_now.clamp(-LIMIT_MS, LIMIT_MS);
        let mut code = None;
        // Each round leaves a holiday (to the next midnight) or the window (to its end): a
        // holiday can be met once, the window once per day, so this bound is never reached.
        for _ in 0..2 * self.holidays.len() + 4 {
            let day = t.div_euclid(DAY_MS);
            let ms = t - day * DAY_MS;
            if self.holidays.contains(&day) {
                code.get_or_insert("quiet.holiday");
                trace.push(step(
                    "quiet.holiday",
                    format!("{} is an office holiday", local_date(day)),
                ));
                t = (day + 1) * DAY_MS;
            } else if let Some(end) = self.quiet_until(ms) {
                code.get_or_insert("quiet.hours");
                trace.push(step(
                    "quiet.hours",
                    format!(
                        "{} {} is within quiet hours ({} local time)",
                        local_date(day),
                        hhmm_ms(ms),
                        self.window_text()
                    ),
                ));
                t = day * DAY_MS + end;
            } else {
                break;
            }
        }
        let at_ms = t.saturating_sub(offset).max(now_ms);
        let at_local = local_text(at_ms.saturating_add(offset));
        let now_text = local_text(local_now);
        trace.push(match code {
            None => step(
                "quiet.clear",
                format!(
                    "{now_text} {}: outside quiet hours ({}) and not an office holiday",
                    zone.label,
                    self.window_text()
                ),
            ),
            Some(_) => step(
                "quiet.wait",
                format!("Waits until {at_local} {}", zone.label),
            ),
        });
        SendWindow {
            at_ms,
            wait_ms: at_ms.saturating_sub(now_ms),
            zone,
            now_local: now_text,
            at_local,
            code,
            trace,
        }
    }
}

/// The zone of a recipient: a zone the engine knows; else the host's offset; else WIB. The trace
/// step says which.
pub fn resolve_zone(name: Option<&str>, offset_minutes: Option<i32>) -> Result<(Zone, TraceStep)> {
    if let Some(m) = offset_minutes.filter(|m| m.abs() > MAX_OFFSET_MINUTES) {
        return Err(Error::input(format!(
            "utcOffsetMinutes {m} is beyond ±{MAX_OFFSET_MINUTES} minutes"
        )));
    }
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let Some(name) = name else {
        return Ok((
            DEFAULT_ZONE,
            step(
                "quiet.zone_default",
                "The recipient has no time zone: WIB (UTC+7) is assumed",
            ),
        ));
    };
    let shown = short(name);
    if let Some((label, offset_minutes)) = known_zone(name) {
        let zone = Zone {
            name: Cow::Owned(name.to_string()),
            label: Cow::Borrowed(label),
            offset_minutes,
        };
        let text = format!(
            "The recipient's time zone is {shown} ({label}, {})",
            utc_text(offset_minutes)
        );
        return Ok((zone, step("quiet.zone", text)));
    }
    match offset_minutes {
        Some(m) => {
            let label = utc_text(m);
            let text =
                format!("The time zone {shown} is not built in: the host's offset {label} is used");
            let zone = Zone {
                name: Cow::Owned(shown.to_string()),
                label: Cow::Owned(label),
                offset_minutes: m,
            };
            Ok((zone, step("quiet.zone_offset", text)))
        }
        None => Ok((
            DEFAULT_ZONE,
            step(
                "quiet.zone_unknown",
                format!("Unknown time zone {shown:?} and no UTC offset: WIB (UTC+7) is assumed"),
            ),
        )),
    }
}

/// Input echoed in a trace or an error, kept short when absurd.
fn short(text: &str) -> &str {
    if text.len() > 64 {
        "(a text too long to show)"
    } else {
        text
    }
}

fn step(code: &'static str, message: impl Into<Cow<'static, str>>) -> TraceStep {
    TraceStep {
        code: Cow::Borrowed(code),
        message: message.into(),
        provider: None,
    }
}

/// `UTC+7`, `UTC+05:30`, `UTC-3`.
fn utc_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    if m % 60 == 0 {
        format!("UTC{sign}{}", m / 60)
    } else {
        format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
    }
}

fn hhmm(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn hhmm_ms(ms: i64) -> String {
    let minutes = ms.div_euclid(MINUTE_MS);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `YYYY-MM-DD HH:MM` of local milliseconds since the epoch.
fn local_text(local_ms: i64) -> String {
    let local_ms = local_ms.clamp(-LIMIT_MS, LIMIT_MS);
    let day = local_ms.div_euclid(DAY_MS);
    format!("{} {}", local_date(day), hhmm_ms(local_ms - day * DAY_MS))
}

fn local_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse_time(text: &str, which: &str) -> Result<i32> {
    let bad = || {
        Error::config(format!(
            "quietHours.{which} must be a time HH:MM (00:00 to 23:59), not {:?}",
            short(text)
        ))
    };
    let b = text.trim().as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return Err(bad());
    }
    let h = two_digits(&b[0..2]).ok_or_else(bad)?;
    let m = two_digits(&b[3..5]).ok_or_else(bad)?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_date(text: &str) -> Result<i64> {
    let bad = || {
        Error::config(format!(
            "quietHours.holidays: {:?} is not a date YYYY-MM-DD",
            short(text)
        ))
    };
    let b = text.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let y = i64::from(two_digits(&b[0..2]).ok_or_else(bad)?) * 100
        + i64::from(two_digits(&b[2..4]).ok_or_else(bad)?);
    let m = i64::from(two_digits(&b[5..7]).ok_or_else(bad)?);
    let d = i64::from(two_digits(&b[8..10]).ok_or_else(bad)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if y == 0 || d < 1 || d > month_days {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d))
}

fn two_digits(b: &[u8]) -> Option<i32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(i32::from(a - b'0') * 10 + i32::from(c - b'0'))
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
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

    fn rules(start: &str, end: &str, holidays: &[&str]) -> QuietRules {
        QuietRules::new(&QuietHoursConfig {
            start: start.into(),
            end: end.into(),
            holidays: holidays.iter().map(|s| s.to_string()).collect(),
        })
        .expect("valid")
    }

    /// UTC milliseconds of a local time in `zone` hours east of UTC.
    fn at(date: &str, time: &str, zone_hours: i64) -> i64 {
        let day = parse_date(date).expect("date");
        let minutes = i64::from(parse_time(time, "t").expect("time"));
        day * 86_400_000 + (minutes - zone_hours * 60) * 60_000
    }

    fn zone(name: &str) -> Zone {
        resolve_zone(Some(name), None).expect("zone").0
    }

    #[test]
    fn dates_round_trip() {
        for (text, days) in [
            ("1970-01-01", 0),
            ("2000-02-29", 11_016),
            ("2026-12-25", 20_812),
        ] {
            assert_eq!(parse_date(text).expect(text), days);
            assert_eq!(local_date(days), text);
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-1-1",
            "0000-01-01",
            "2026/01/01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        for bad in ["24:00", "7:00", "07:60", "0700", ""] {
            assert!(parse_time(bad, "start").is_err(), "{bad}");
        }
    }

    #[test]
    fn window_edges_wrap_and_holidays() {
        let r = rules("21:00", "06:00", &["2026-12-25", "2026-12-26"]);
        let wib = || zone("Asia/Jakarta");
        // 20:59 allowed, 21:00 quiet until 06:00 the next day, 06:00 allowed.
        let w = r.window(wib(), vec![], at("2026-12-07", "20:59", 7));
        assert_eq!((w.wait_ms, w.code), (0, None));
        let w = r.window(wib(), vec![], at("2026-12-07", "21:00", 7));
        assert_eq!(w.at_ms, at("2026-12-08", "06:00", 7));
        assert_eq!(w.code, Some("quiet.hours"));
        let w = r.window(wib(), vec![], at("2026-12-08", "06:00", 7));
        assert_eq!(w.wait_ms, 0);
        // Christmas Eve night runs into two holidays, then the morning window.
        let w = r.window(wib(), vec![], at("2026-12-24", "22:00", 7));
        assert_eq!(w.at_ms, at("2026-12-27", "06:00", 7));
        assert_eq!(
            (w.code, w.at_local.as_str()),
            (Some("quiet.hours"), "2026-12-27 06:00")
        );
        // A window that does not wrap, and no window at all.
        let noon = rules("12:00", "13:00", &[]);
        let w = noon.window(wib(), vec![], at("2026-12-07", "12:30", 7));
        assert_eq!(w.at_ms, at("2026-12-07", "13:00", 7));
        let none = rules("06:00", "06:00", &["2026-12-25"]);
        let w = none.window(wib(), vec![], at("2026-12-25", "03:00", 7));
        assert_eq!(
            (w.at_ms, w.code),
            (at("2026-12-26", "00:00", 7), Some("quiet.holiday"))
        );
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        let r = rules("21:00", "06:00", &["9999-12-31", "0001-01-01"]);
        for now in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            for z in ["Asia/Jayapura", "UTC"] {
                let w = r.window(zone(z), vec![], now);
                assert!(w.at_ms >= now && w.wait_ms >= 0, "{w:?}");
            }
            let (z, _) = resolve_zone(Some("Pacific/Kiritimati"), Some(-MAX_OFFSET_MINUTES))
                .expect("offset");
            let w = r.window(z, vec![], now);
            assert!(w.at_ms >= now, "{w:?}");
        }
        assert!(resolve_zone(Some("X"), Some(MAX_OFFSET_MINUTES + 1)).is_err());
    }

    #[test]
    fn utc_labels() {
        assert_eq!(utc_text(420), "UTC+7");
        assert_eq!(utc_text(330), "UTC+05:30");
        assert_eq!(utc_text(-210), "UTC-03:30");
        assert_eq!(utc_text(0), "UTC+0");
    }
}
