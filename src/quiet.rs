//! Quiet hours: when a non-urgent message may leave, in the recipient's own time zone.
//!
//! The office does not message citizens at night (default 21:00–06:00 local time) or on its
//! holidays. Indonesia has three zones and no daylight saving time, so the engine knows their
//! offsets itself; for any other zone the host passes the UTC offset it computed at `now` with
//! its own time zone database. Pure and total: the host passes `now`, every loop is bounded and
//! instants are clamped to years ±9999 before any day arithmetic.
//!
//! Texts are built by pushing digits rather than with `format!`, and the arithmetic avoids
//! `i128`: both cost the web build kilobytes (see the README's size budget).

use std::borrow::Cow;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{QuietHoursConfig, TraceStep};
use crate::typed::{civil_from_days, days_from_civil};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// 10000-01-01 in milliseconds: instants are clamped to ± this before any day arithmetic.
const LIMIT_MS: i64 = 253_402_300_800_000;
/// Most holidays in a configuration (a few years of an office's calendar).
pub const MAX_HOLIDAYS: usize = 1000;
/// Largest UTC offset a host may pass: ±18 hours, in minutes.
pub const MAX_OFFSET_MINUTES: i64 = 18 * 60;

/// Zones the engine knows: Indonesia's (no DST) and UTC.
fn known_zone(name: &str) -> Option<(&'static str, i64)> {
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
    start: i64,
    end: i64,
    /// Local dates as days since 1970-01-01. A plain list: at most MAX_HOLIDAYS, and a set or a
    /// sort would add kilobytes to the web build for no visible speed.
    holidays: Vec<i64>,
}

/// The zone used for a recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The zone name used (`Asia/Makassar`), or the one given when the host's offset was used.
    pub name: String,
    /// `WIB`, `WITA`, `WIT`, `UTC` or `UTC+05:30`.
    pub label: Cow<'static, str>,
    pub offset_minutes: i64,
}

/// When a message may leave, and why it waits (the `quietHours` op's answer).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendWindow {
    /// The earliest allowed moment, `now` when nothing holds the message.
    pub at_ms: i64,
    pub wait_ms: i64,
    /// The zone used, its label and UTC offset.
    pub zone: String,
    pub label: Cow<'static, str>,
    pub offset_minutes: i64,
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
    fn new(
        zone: Zone,
        now_ms: i64,
        at_ms: i64,
        code: Option<&'static str>,
        trace: Vec<TraceStep>,
    ) -> SendWindow {
        let offset = zone.offset_minutes * MINUTE_MS;
        SendWindow {
            at_ms,
            wait_ms: at_ms.saturating_sub(now_ms),
            now_local: local_text(now_ms.saturating_add(offset)),
            at_local: local_text(at_ms.saturating_add(offset)),
            zone: zone.name,
            label: zone.label,
            offset_minutes: zone.offset_minutes,
            code,
            trace,
        }
    }

    /// Leaves at `now_ms`, for the reason `why` ([`OFF`], [`URGENT`]).
    pub fn now(
        zone: Zone,
        zone_step: TraceStep,
        now_ms: i64,
        why: (&'static str, &'static str),
    ) -> SendWindow {
        SendWindow::new(
            zone,
            now_ms,
            now_ms,
            None,
            vec![zone_step, step(why.0, why.1)],
        )
    }

    /// One English sentence for an outcome: why it waits and until when.
    pub fn message(&self) -> String {
        let why = match self.code {
            Some("quiet.holiday") => "Office holiday",
            _ => "Quiet hours",
        };
        crate::concat(&[
            why,
            " in the recipient's time zone (",
            &self.label,
            "): not sent before ",
            &self.at_local,
            " ",
            &self.label,
        ])
    }
}

impl QuietRules {
    /// Check the settings: `HH:MM` times, `YYYY-MM-DD` holidays (at most [`MAX_HOLIDAYS`]).
    pub fn new(c: &QuietHoursConfig) -> Result<QuietRules> {
        let start = parse_time(&c.start, "quietHours.start")?;
        let end = parse_time(&c.end, "quietHours.end")?;
        if c.holidays.len() > MAX_HOLIDAYS {
            return Err(Error::config(
                "quietHours.holidays has more than 1000 dates",
            ));
        }
        let mut holidays = Vec::with_capacity(c.holidays.len());
        for d in &c.holidays {
            holidays.push(parse_date(d)?);
        }
        Ok(QuietRules {
            start,
            end,
            holidays,
        })
    }

    /// End of the quiet period containing `ms` (milliseconds after local midnight), relative to
    /// the same midnight (so possibly the next day's); `None` outside the window.
    fn quiet_until(&self, ms: i64) -> Option<i64> {
        let (start, end) = (self.start * MINUTE_MS, self.end * MINUTE_MS);
        match start.cmp(&end) {
            std::cmp::Ordering::Less => (start <= ms && ms < end).then_some(end),
            std::cmp::Ordering::Greater if ms >= start => Some(DAY_MS + end),
            std::cmp::Ordering::Greater => (ms < end).then_some(end),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// `21:00–06:00`.
    fn window_text(&self, out: &mut String) {
        push_hhmm(out, self.start);
        out.push('–');
        push_hhmm(out, self.end);
    }

    /// When a message to a recipient in `zone` may leave, asked at `now_ms`.
    pub fn window(&self, zone: Zone, mut trace: Vec<TraceStep>, now_ms: i64) -> SendWindow {
        let offset = zone.offset_minutes * MINUTE_MS;
        let local_now = now_ms.saturating_add(offset);
        // Past year 9999 (±) nothing is a holiday and day arithmetic could overflow: clamp.
        let mut t = local_now.clamp(-LIMIT_MS, LIMIT_MS);
        let mut code = None;
        // Each round leaves a holiday (to the next midnight) or the window (to its end): a
        // holiday can be met once, the window once per day, so this bound is never reached.
        for _ in 0..2 * self.holidays.len() + 4 {
            let day = t.div_euclid(DAY_MS);
            let mut text = String::with_capacity(64);
            push_date(&mut text, day);
            if self.holidays.contains(&day) {
                code.get_or_insert("quiet.holiday");
                let date = text.clone();
                text.push_str(" is an office holiday");
                trace.push(step("quiet.holiday", text).arg("date", date));
                t = (day + 1) * DAY_MS;
            } else if let Some(end) = self.quiet_until(t - day * DAY_MS) {
                code.get_or_insert("quiet.hours");
                text.push(' ');
                push_hhmm(&mut text, (t - day * DAY_MS) / MINUTE_MS);
                let time = text.clone();
                let mut window = String::with_capacity(16);
                self.window_text(&mut window);
                text.push_str(" is within quiet hours (");
                text.push_str(&window);
                text.push_str(" local time)");
                trace.push(
                    step("quiet.hours", text)
                        .arg("time", time)
                        .arg("window", window),
                );
                t = day * DAY_MS + end;
            } else {
                break;
            }
        }
        let at_ms = t.saturating_sub(offset).max(now_ms);
        let mut w = SendWindow::new(zone, now_ms, at_ms, code, trace);
        let mut text = String::with_capacity(96);
        if code.is_none() {
            text.push_str(&w.now_local);
            text.push(' ');
            text.push_str(&w.label);
            let time = text.clone();
            let mut window = String::with_capacity(16);
            self.window_text(&mut window);
            text.push_str(": outside quiet hours (");
            text.push_str(&window);
            text.push_str(") and not an office holiday");
            w.trace.push(
                step("quiet.clear", text)
                    .arg("time", time)
                    .arg("window", window),
            );
        } else {
            text.push_str("Waits until ");
            let until = crate::concat(&[&w.at_local, " ", &w.label]);
            text.push_str(&until);
            w.trace.push(step("quiet.wait", text).arg("until", until));
        }
        w
    }
}

/// The zone of a recipient: a zone the engine knows; else the host's offset; else WIB. The trace
/// step says which.
pub fn resolve_zone(name: Option<&str>, offset_minutes: Option<i64>) -> Result<(Zone, TraceStep)> {
    if offset_minutes.is_some_and(|m| !(-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&m)) {
        return Err(Error::input(
            "utcOffsetMinutes must be within ±1080 minutes",
        ));
    }
    let wib = || Zone {
        name: "Asia/Jakarta".into(),
        label: Cow::Borrowed("WIB"),
        offset_minutes: 420,
    };
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        let text = "The recipient has no time zone: WIB (UTC+7) is assumed";
        return Ok((wib(), step("quiet.zone_default", text)));
    };
    let shown = short(name);
    if let Some((label, offset_minutes)) = known_zone(name) {
        let zone = Zone {
            name: name.to_string(),
            label: Cow::Borrowed(label),
            offset_minutes,
        };
        let mut text = crate::concat(&["The recipient's time zone is ", shown, " (", label, ", "]);
        push_utc(&mut text, offset_minutes);
        text.push(')');
        let shown_zone = text
            .get("The recipient's time zone is ".len()..)
            .unwrap_or_default()
            .to_string();
        return Ok((zone, step("quiet.zone", text).arg("zone", shown_zone)));
    }
    let Some(m) = offset_minutes else {
        let text = crate::concat(&[
            "Unknown time zone \"",
            shown,
            "\" and no UTC offset: WIB (UTC+7) is assumed",
        ]);
        return Ok((wib(), step("quiet.zone_unknown", text).arg("zone", shown)));
    };
    let mut label = String::with_capacity(9);
    push_utc(&mut label, m);
    let text = crate::concat(&[
        "The time zone ",
        shown,
        " is not built in: the host's offset ",
        &label,
        " is used",
    ]);
    let step = step("quiet.zone_offset", text)
        .arg("zone", shown)
        .arg("offset", label.as_str());
    let zone = Zone {
        name: shown.to_string(),
        label: Cow::Owned(label),
        offset_minutes: m,
    };
    Ok((zone, step))
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
        args: Default::default(),
    }
}

/// `n` in decimal, zero-padded to `width` digits.
fn push_num(out: &mut String, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let (mut n, mut len) = (n, 0);
    while n > 0 || len < width.max(1) {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    out.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

/// `UTC+7`, `UTC+05:30`, `UTC-3`.
fn push_utc(out: &mut String, minutes: i64) {
    out.push_str(if minutes < 0 { "UTC-" } else { "UTC+" });
    let m = minutes.unsigned_abs();
    if m % 60 == 0 {
        push_num(out, m / 60, 1);
    } else {
        push_num(out, m / 60, 2);
        out.push(':');
        push_num(out, m % 60, 2);
    }
}

/// `HH:MM` of minutes after midnight.
fn push_hhmm(out: &mut String, minutes: i64) {
    let m = minutes.unsigned_abs();
    push_num(out, m / 60, 2);
    out.push(':');
    push_num(out, m % 60, 2);
}

/// `YYYY-MM-DD` of a day number.
fn push_date(out: &mut String, day: i64) {
    let (y, m, d) = civil_from_days(day);
    if y < 0 {
        out.push('-');
    }
    push_num(out, y.unsigned_abs(), 4);
    out.push('-');
    push_num(out, m.unsigned_abs(), 2);
    out.push('-');
    push_num(out, d.unsigned_abs(), 2);
}

/// `YYYY-MM-DD HH:MM` of local milliseconds since the epoch.
fn local_text(local_ms: i64) -> String {
    let local_ms = local_ms.clamp(-LIMIT_MS, LIMIT_MS);
    let day = local_ms.div_euclid(DAY_MS);
    let mut out = String::with_capacity(16);
    push_date(&mut out, day);
    out.push(' ');
    push_hhmm(&mut out, (local_ms - day * DAY_MS) / MINUTE_MS);
    out
}

fn parse_time(text: &str, what: &str) -> Result<i64> {
    let bad = || {
        Error::config(crate::concat(&[
            what,
            " must be a time HH:MM (00:00 to 23:59), not \"",
            short(text),
            "\"",
        ]))
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
        Error::config(crate::concat(&[
            "quietHours.holidays: \"",
            short(text),
            "\" is not a date YYYY-MM-DD",
        ]))
    };
    let (y, m, d) = crate::typed::parse_date(text.trim()).ok_or_else(bad)?;
    Ok(days_from_civil(y, m, d))
}

fn two_digits(b: &[u8]) -> Option<i64> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(i64::from(a - b'0') * 10 + i64::from(c - b'0'))
        }
        _ => None,
    }
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
        let minutes = parse_time(time, "t").expect("time");
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
            let mut out = String::new();
            push_date(&mut out, days);
            assert_eq!(out, text);
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
        for (m, text) in [
            (420, "UTC+7"),
            (330, "UTC+05:30"),
            (-210, "UTC-03:30"),
            (0, "UTC+0"),
            (-1080, "UTC-18"),
        ] {
            let mut out = String::new();
            push_utc(&mut out, m);
            assert_eq!(out, text);
        }
        assert_eq!(local_text(0), "1970-01-01 00:00");
        assert_eq!(local_text(-1), "1969-12-31 23:59");
    }
}
