//! Sanitizing parameter values for Meta (Meta error 132018).
//!
//! Meta refuses a parameter value containing a newline, a tab or more than 4 consecutive spaces.
//! We **sanitize** rather than reject, because a citizen's address typed on two lines must not
//! block their permit notification. The rule, applied by [`sanitize_meta_value`] to every value
//! sent to Meta:
//!
//! - a *gap* is a maximal run of spaces, tabs and line breaks (`\n`, `\r`, `\t`, vertical tab,
//!   form feed, U+0085, U+2028, U+2029);
//! - a gap that contains anything but plain spaces, or more than 4 spaces, becomes **one space**,
//!   and disappears entirely at the start or end of the value;
//! - every other character (including the no-break space) is kept.
//!
//! So `"Jl. Merdeka 1\nRT 02/RW 03"` becomes `"Jl. Merdeka 1 RT 02/RW 03"`. Gateways (Watzap,
//! Fonnte) send free text and keep values exactly as given.

use std::borrow::Cow;

use super::META_MAX_SPACES;
use crate::template::Resolved;

/// Make a value acceptable to Meta (rule in the module documentation).
pub fn sanitize_meta_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut gap_len = 0usize;
    let mut gap_bad = false;
    let mut gap_start = String::new();
    for c in value.chars() {
        if c == ' ' || is_break(c) {
            gap_len += 1;
            gap_bad |= c != ' ';
            gap_start.push(c);
            continue;
        }
        if gap_len > 0 {
            if gap_bad || gap_len > META_MAX_SPACES {
                // A gap at the very start disappears.
                if !out.is_empty() {
                    out.push(' ');
                }
            } else {
                out.push_str(&gap_start);
            }
        }
        gap_len = 0;
        gap_bad = false;
        gap_start.clear();
        out.push(c);
    }
    // A trailing gap disappears only when it had to change; a few plain spaces stay.
    if gap_len > 0 && !gap_bad && gap_len <= META_MAX_SPACES {
        out.push_str(&gap_start);
    }
    out
}

/// [`sanitize_meta_value`], borrowing `value` when it is acceptable as it is (most values are).
pub fn sanitize_meta_cow(value: &str) -> Cow<'_, str> {
    if needs_sanitizing(value) {
        Cow::Owned(sanitize_meta_value(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether sanitizing changes `value`: only a gap with a line break or tab (see [`is_break`]), or
/// with more spaces than Meta accepts, is changed. One pass over the bytes, without decoding.
fn needs_sanitizing(value: &str) -> bool {
    let bytes = value.as_bytes();
    let next = |i: usize| bytes.get(i).copied();
    let mut spaces = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b' ' {
            spaces += 1;
            if spaces > META_MAX_SPACES {
                return true;
            }
            continue;
        }
        spaces = 0;
        let is_break = match b {
            b'\n' | b'\r' | b'\t' | 0x0B | 0x0C => true,
            // U+0085 in UTF-8.
            0xC2 => next(i + 1) == Some(0x85),
            // U+2028 and U+2029 in UTF-8.
            0xE2 => next(i + 1) == Some(0x80) && matches!(next(i + 2), Some(0xA8 | 0xA9)),
            _ => false,
        };
        if is_break {
            return true;
        }
    }
    false
}

/// A copy of the values with every value sanitized for Meta.
pub fn sanitize_resolved(resolved: &Resolved) -> Resolved {
    Resolved {
        values: resolved
            .values
            .iter()
            .map(|(k, v)| (k.clone(), sanitize_meta_value(v)))
            .collect(),
        unused: resolved.unused.clone(),
    }
}

pub(crate) fn is_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
#[path = "sanitize_tests.rs"]
mod tests;
