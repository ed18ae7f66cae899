//! Credentials as text: the rule a credential must follow when an administrator saves it
//! (`checkCredentials`), and redaction of a secret however a provider echoes it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Credentials, ProviderKind, SECRET_MASK};

/// The credential fields of each kind (the engine's own, and those a host keeps for webhooks).
pub fn credential_fields(kind: ProviderKind) -> &'static [&'static str] {
    match kind {
        ProviderKind::Meta => &[
            "accessToken",
            "phoneNumberId",
            "wabaId",
            "appSecret",
            "webhookVerifyToken",
        ],
        ProviderKind::Watzap => &["apiKey", "numberKey"],
        ProviderKind::Fonnte => &["token"],
    }
}

/// The credential a host gives `parseWebhook` as a profile's webhook `secret`: Meta signs its
/// webhooks with the App Secret; the gateways sign nothing, so the host's own verify token (in the
/// webhook URL) stands in for a secret.
pub fn webhook_secret_field(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Meta => "appSecret",
        ProviderKind::Watzap | ProviderKind::Fonnte => "webhookVerifyToken",
    }
}

/// `checkCredentials` arguments: a kind and its credentials by field name (unset ones omitted).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckArgs {
    pub kind: ProviderKind,
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
}

/// One problem of one field. Never quotes the credential: the position of the offending
/// character is enough to find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialIssue {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    /// The offending character's position (from 1), for `credentials.invalid`.
    pub position: Option<usize>,
}

/// Every credential is printable ASCII without whitespace: it travels in an HTTP header or URL,
/// where anything else fails to encode (or is silently changed) before the request leaves. A
/// value pasted with a space, a line break or a zero-width character is the usual culprit.
pub fn check_credentials(args: &CheckArgs) -> Vec<CredentialIssue> {
    let fields = credential_fields(args.kind);
    let mut issues = Vec::new();
    for (field, value) in &args.credentials {
        if value.is_empty() {
            continue;
        }
        if !fields.contains(&field.as_str()) {
            issues.push(CredentialIssue {
                field: field.clone(),
                code: "credentials.unknown_field",
                message: format!("{field:?} is not a credential of {}", args.kind.as_str()),
                position: None,
            });
            continue;
        }
        let bad = value.chars().position(|c| !c.is_ascii_graphic());
        if let Some(i) = bad {
            issues.push(CredentialIssue {
                field: field.clone(),
                code: "credentials.invalid",
                message: format!(
                    "{field}: character {} is not a printable ASCII character (a space, a line \
                     break or an invisible character copied with it?); a credential has only \
                     letters, digits and punctuation",
                    i + 1
                ),
                position: Some(i + 1),
            });
        }
    }
    issues
}

// Here rather than in `model`, which holds data only: redaction is this module's.
impl Credentials {
    /// `text` with every secret that is set replaced by [`SECRET_MASK`] (for provider answers and
    /// error messages, which could echo a credential), JSON-escaped or URL-encoded forms included
    /// ([`redact`]).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        redact(text, self.secrets())
    }
}

/// `text` with every secret replaced by [`SECRET_MASK`], whether it appears as is or as a
/// provider may echo it: JSON-escaped (`\/`, `\uXXXX`, `\"`…) or URL-encoded (`%XX`, `+`), in
/// any mix, hex digits in either case.
pub fn redact<'a, 's>(text: &'a str, secrets: impl IntoIterator<Item = &'s str>) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        if secret.is_empty() {
            continue;
        }
        if let Some(replaced) = replace_encoded(&out, secret) {
            out = Cow::Owned(replaced);
        }
    }
    out
}

/// `text` with each occurrence of `secret` (in any encoding [`redact`] knows) masked; `None` when
/// there is none.
fn replace_encoded(text: &str, secret: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let first = secret.as_bytes().first().copied()?;
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        // An occurrence starts with the secret's first byte or an escape.
        let candidate = b == first || b == b'\\' || b == b'%' || (b == b'+' && first == b' ');
        if let Some(end) = candidate.then(|| match_at(bytes, i, secret)).flatten() {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(text.get(copied..i).unwrap_or_default());
            o.push_str(SECRET_MASK);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    let mut o = out?;
    o.push_str(text.get(copied..).unwrap_or_default());
    Some(o)
}

/// The end of `secret` written at `start` of `text`, each character as is or escaped.
fn match_at(text: &[u8], start: usize, secret: &str) -> Option<usize> {
    let mut pos = start;
    for c in secret.chars() {
        let rest = text.get(pos..)?;
        let mut utf8 = [0u8; 4];
        let raw = c.encode_utf8(&mut utf8).as_bytes();
        if rest.starts_with(raw) {
            pos += raw.len();
        } else if let Some(n) = json_escape_len(rest, c) {
            pos += n;
        } else if let Some(n) = percent_len(rest, raw) {
            pos += n;
        } else if c == ' ' && rest.first() == Some(&b'+') {
            pos += 1;
        } else {
            return None;
        }
    }
    Some(pos)
}

/// Length of `c` JSON-escaped at the start of `rest` (`\/`, `\"`, `\n`…, `\uXXXX`, a surrogate
/// pair for characters beyond the BMP).
fn json_escape_len(rest: &[u8], c: char) -> Option<usize> {
    if rest.first() != Some(&b'\\') {
        return None;
    }
    let short = match c {
        '/' => Some(b'/'),
        '"' => Some(b'"'),
        '\\' => Some(b'\\'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        _ => None,
    };
    if short.is_some() && rest.get(1).copied() == short {
        return Some(2);
    }
    let mut units = [0u16; 2];
    let mut n = 0;
    for unit in c.encode_utf16(&mut units).iter() {
        let hex = rest.get(n..n + 6)?;
        if hex.first() != Some(&b'\\') || hex.get(1) != Some(&b'u') {
            return None;
        }
        if parse_hex(hex.get(2..6)?)? != u32::from(*unit) {
            return None;
        }
        n += 6;
    }
    Some(n)
}

/// Length of the UTF-8 bytes `raw` percent-encoded at the start of `rest` (each byte `%XX`, or
/// as is for ASCII, so `a%2Fb` matches `a/b`).
fn percent_len(rest: &[u8], raw: &[u8]) -> Option<usize> {
    let mut n = 0;
    for &byte in raw {
        match rest.get(n..n + 3) {
            Some([b'%', h, l]) if parse_hex(&[*h, *l]) == Some(u32::from(byte)) => n += 3,
            _ if byte.is_ascii() && rest.get(n) == Some(&byte) => n += 1,
            _ => return None,
        }
    }
    Some(n)
}

fn parse_hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = (d as char).to_digit(16)?;
        Some(acc * 16 + v)
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;

    fn masked(text: &str, secret: &str) -> String {
        redact(text, [secret]).into_owned()
    }

    #[test]
    fn a_secret_is_masked_however_it_is_escaped() {
        let s = "ab/cd+é😀 x";
        for echoed in [
            "ab/cd+é😀 x",
            r"ab\/cd+é😀 x",
            r"ab\/cd+\u00e9\ud83d\ude00 x",
            r"ab\u002Fcd\u002b\u00E9\uD83D\uDE00\u0020x",
            "ab%2Fcd%2B%C3%A9%F0%9F%98%80+x",
            "ab%2fcd%2b%c3%a9%f0%9f%98%80%20x",
        ] {
            assert_eq!(masked(&format!("<{echoed}>"), s), "<•••>", "{echoed}");
        }
        assert_eq!(masked("token=abc&t2=abc", "abc"), "token=•••&t2=•••");
        assert_eq!(masked("nothing here", "abc"), "nothing here");
        assert_eq!(masked(r"ab\/c", "ab/cd"), r"ab\/c");
        assert_eq!(masked("%zz %", "abc"), "%zz %");
    }

    #[test]
    fn credentials_are_printable_ascii_without_spaces() {
        let args = |kind: &str, creds: serde_json::Value| -> CheckArgs {
            serde_json::from_value(serde_json::json!({"kind": kind, "credentials": creds}))
                .expect("args")
        };
        let ok = args("fonnte", serde_json::json!({"token": "Ab1!-_.~/+="}));
        assert!(check_credentials(&ok).is_empty());
        let bad = args(
            "meta",
            serde_json::json!({"accessToken": "EAAB\u{200b}", "wabaId": "12 3", "phoneNumberId": ""}),
        );
        let issues = check_credentials(&bad);
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert_eq!(issues[0].field, "accessToken");
        assert!(issues[0].message.contains("character 5"));
        assert!(!issues[0].message.contains("EAAB"));
        let wrong = args("watzap", serde_json::json!({"token": "x"}));
        assert_eq!(
            check_credentials(&wrong)[0].code,
            "credentials.unknown_field"
        );
    }
}
