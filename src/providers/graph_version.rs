//! Meta's Graph API versions and the day each stops being usable, as data (providers.md §F,
//! Meta's Graph API changelog of 2026-10-29). A host passes `now`; the engine says whether a
//! Meta profile's version is fine, ends within [`WARN_BEFORE_MS`], or has ended.
//!
//! Moving to a newer version: add its row to [`GRAPH_VERSIONS`] with the "available until" date
//! from Meta's changelog, point [`super::meta::DEFAULT_API_VERSION`] at it, and update the
//! fixtures that spell the URL (README, "Conformance").

use crate::lint::LintIssue;
use crate::model::{ProviderConfig, ProviderKind};

/// Known versions, oldest first: `(version, last usable day, first unusable instant in ms)`.
/// "Available until" is read defensively: the version is treated as gone from 00:00 UTC of that
/// day, the day the issue and Meta's changelog name as the end.
pub const GRAPH_VERSIONS: &[(&str, &str, i64)] = &[
    ("v21.0", "2027-01-21", 1_800_489_600_000),
    ("v23.0", "2027-10-08", 1_822_953_600_000),
    ("v24.0", "2028-02-18", 1_834_444_800_000),
    ("v25.0", "2028-07-29", 1_848_441_600_000),
];

/// A version ending within this many milliseconds (90 days) gets a warning.
pub const WARN_BEFORE_MS: i64 = 90 * DAY_MS;
const DAY_MS: i64 = 86_400_000;
const FIELD: &str = "apiVersion";

/// `vMAJOR.MINOR` as numbers (`v` optional, as the request builder accepts `25.0`).
fn parse(v: &str) -> Option<(u32, u32)> {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (major, minor) = v.split_once('.')?;
    let num = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Some((num(major)?, num(minor)?))
}

/// Lint of a provider profile at `now_ms`: today only a Meta profile's Graph API version (the
/// engine's default when the profile sets none). Other kinds have nothing to check.
pub fn lint_profile(p: &ProviderConfig, now_ms: i64) -> Vec<LintIssue> {
    if p.kind != ProviderKind::Meta {
        return Vec::new();
    }
    let set = p
        .api_version
        .as_deref()
        .map(|v| v.trim().trim_matches('/'))
        .filter(|v| !v.is_empty());
    let version = set.unwrap_or(super::meta::DEFAULT_API_VERSION);
    lint_version(version, now_ms).into_iter().collect()
}

fn lint_version(version: &str, now_ms: i64) -> Option<LintIssue> {
    let newest = GRAPH_VERSIONS[GRAPH_VERSIONS.len() - 1].0;
    let shown: String = version.chars().take(20).collect();
    let Some(parsed) = parse(version) else {
        return Some(
            LintIssue::error(
                "meta.api_version_invalid",
                FIELD,
                format!("{shown:?} is not a Graph API version like {newest}"),
            )
            .with("version", &shown)
            .with("newest", newest),
        );
    };
    let known = GRAPH_VERSIONS
        .iter()
        .find(|(v, ..)| parse(v) == Some(parsed));
    let Some(&(v, day, end_ms)) = known else {
        let oldest = parse(GRAPH_VERSIONS[0].0);
        return Some(if Some(parsed) < oldest {
            LintIssue::error(
                "meta.api_version_ended",
                FIELD,
                format!(
                    "Graph API {shown} is older than {} and no longer usable; use {newest}",
                    GRAPH_VERSIONS[0].0
                ),
            )
            .with("version", &shown)
            .with("newest", newest)
        } else {
            LintIssue::warning(
                "meta.api_version_unlisted",
                FIELD,
                format!("the engine does not know when Graph API {shown} ends (check Meta's changelog); it knows {newest}"),
            )
            .with("version", &shown)
            .with("newest", newest)
        });
    };
    if now_ms >= end_ms {
        Some(
            LintIssue::error(
                "meta.api_version_ended",
                FIELD,
                format!("Graph API {v} stopped working on {day}; use {newest}"),
            )
            .with("version", v)
            .with("newest", newest)
            .with("day", day),
        )
    } else if end_ms - now_ms <= WARN_BEFORE_MS {
        let days = (end_ms - now_ms + DAY_MS - 1) / DAY_MS;
        // The newest known version ending means this engine's table needs a newer row.
        let to = if v == newest {
            "a newer version (update the engine)"
        } else {
            newest
        };
        Some(
            LintIssue::warning(
                "meta.api_version_ending",
                FIELD,
                format!("Graph API {v} stops working on {day} (in {days} days); move to {to}"),
            )
            .with("version", v)
            .with("newest", newest)
            .with("day", day)
            .with_num("days", usize::try_from(days).unwrap_or(0)),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(version: Option<&str>) -> ProviderConfig {
        let mut p =
            crate::providers::test_support::profile("meta", ProviderKind::Meta, Default::default());
        p.api_version = version.map(str::to_string);
        p
    }

    const DEC_2026: i64 = 1_796_515_200_000; // 2026-12-06

    fn codes(v: Option<&str>, now: i64) -> Vec<String> {
        lint_profile(&meta(v), now)
            .into_iter()
            .map(|i| i.code)
            .collect()
    }

    #[test]
    fn the_table_is_ordered_and_its_dates_match_its_instants() {
        for w in GRAPH_VERSIONS.windows(2) {
            assert!(parse(w[0].0) < parse(w[1].0) && w[0].2 < w[1].2);
        }
        for (_, day, ms) in GRAPH_VERSIONS {
            // Days since 1970 of YYYY-MM-DD, by the civil-from-days inverse (Howard Hinnant).
            let (y, m, d): (i64, i64, i64) = (
                day[..4].parse().unwrap(),
                day[5..7].parse().unwrap(),
                day[8..].parse().unwrap(),
            );
            let y = if m <= 2 { y - 1 } else { y };
            let era = y.div_euclid(400);
            let yoe = y - era * 400;
            let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            assert_eq!(era * 146_097 + doe - 719_468, ms / DAY_MS, "{day}");
            assert_eq!(ms % DAY_MS, 0);
        }
        assert_eq!(
            GRAPH_VERSIONS.last().unwrap().0,
            super::super::meta::DEFAULT_API_VERSION
        );
    }

    #[test]
    fn ending_ended_and_unknown_versions() {
        assert!(codes(None, DEC_2026).is_empty());
        assert!(codes(Some("25.0"), DEC_2026).is_empty());
        assert_eq!(codes(Some("v21.0"), DEC_2026), ["meta.api_version_ending"]);
        let end = GRAPH_VERSIONS[0].2;
        assert!(codes(Some("v21.0"), end - WARN_BEFORE_MS - 1).is_empty());
        assert_eq!(codes(Some("v21.0"), end - 1), ["meta.api_version_ending"]);
        assert_eq!(codes(Some("/v21.0/"), end), ["meta.api_version_ended"]);
        assert_eq!(codes(Some("v19.0"), DEC_2026), ["meta.api_version_ended"]);
        assert_eq!(
            codes(Some("v22.0"), DEC_2026),
            ["meta.api_version_unlisted"]
        );
        assert_eq!(
            codes(Some("v26.0"), DEC_2026),
            ["meta.api_version_unlisted"]
        );
        for bad in ["latest", "v25", "v25.0/../x", "v.0", "v99999.0"] {
            assert_eq!(
                codes(Some(bad), DEC_2026),
                ["meta.api_version_invalid"],
                "{bad}"
            );
        }
        let mut gateway = meta(Some("junk"));
        gateway.kind = ProviderKind::Fonnte;
        assert!(lint_profile(&gateway, DEC_2026).is_empty());
    }
}
