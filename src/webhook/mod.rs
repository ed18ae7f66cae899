//! Provider webhooks: the `parseWebhook` op. A host hands over the raw request (headers with
//! lower-cased names, URL query, body text) and its profiles' webhook secrets; the engine checks
//! that one of them sent it, then reads it into typed events:
//!
//! - `status`: a delivery status of a message the profile sent, with its `rank` (statuses only move
//!   forward: `sent` 1 < `delivered` 2 < `read` 3 < `failed` 4; the answer's `ranks` table ranks a
//!   stored state) and the provider's error when it failed;
//! - `inbound`: a citizen wrote; the number normalized with the engine's phone rules, its
//!   `matchKey` (the last [`MATCH_KEY_DIGITS`] digits: hosts find candidate contacts with it, then
//!   confirm each by normalizing its number), `stop` by [`STOP_KEYWORDS`], and `opensWindow` when
//!   it opens Meta's customer-service window (free text for 24 hours from `atMs`);
//! - `templateStatus` / `templateQuality`: Meta's template changes, read by
//!   [`crate::template_health::events`] (the `metaTemplateEvents` op);
//! - `ignored`: anything else the body holds, with a reason code (`webhook.status_unknown`…).
//!
//! Authentication is the one place it is done for every host (providers.md §A.7, §B.4, §C.8):
//! - Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body under the App Secret>`,
//!   compared in constant time against every profile's secret (one Meta app may serve several
//!   profiles: the answer's `profiles` lists each that signed it);
//! - Fonnte: its webhooks carry no signature. Since Feb 2025 an optional secret is sent in the
//!   payload, field name NOT CONFIRMED: the profile's secret is accepted from the URL (`?token=`)
//!   or the payload's `secret`, `secret_key` or `webhook_secret` (never echoed in an error
//!   detail);
//! - Watzap: no signature or secret is documented (NOT CONFIRMED either way): the profile's secret
//!   must be in the URL (`?token=`).
//!
//! A request that no profile authenticates is refused (`webhook.bad_signature`) before its body is
//! read (Fonnte's secret may be inside it: read, never acted on); a body larger than
//! [`crate::limits::WEBHOOK_MAX_BYTES`] (`webhook.too_large`) or not of the provider's shape
//! (`webhook.malformed`) is refused whole: nothing of it is applied.

mod hmac;
mod read;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::ProviderKind;
use crate::template_health::TemplateEvent;

/// Inbound texts that opt the sender out of every rail, compared lower case, ASCII letters and
/// single spaces only (`"Stop!"`, `" BERHENTI "` match; `"stop it"` does not).
pub const STOP_KEYWORDS: &[&str] = &["stop", "berhenti", "unsubscribe", "stop promotions"];

/// Digits of a normalized number that make its match key: enough to tell numbers apart in one
/// office's contacts, few enough to survive any national or international writing of it.
pub const MATCH_KEY_DIGITS: usize = 8;

/// The delivery states, lowest rank first: a host never replaces a state by one of lower or equal
/// rank (a late `sent` never hides `read`; `failed` always wins).
pub const RANKS: [(&str, u8); 4] = [("sent", 1), ("delivered", 2), ("read", 3), ("failed", 4)];

pub const BAD_SIGNATURE: &str = "webhook.bad_signature";
pub const MALFORMED: &str = "webhook.malformed";
pub const TOO_LARGE: &str = "webhook.too_large";

/// The `parseWebhook` op's arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookArgs {
    pub provider: ProviderKind,
    /// Request headers, names lower case.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The URL's query arguments, decoded.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// The raw body, as received (Meta signs these exact bytes).
    #[serde(default)]
    pub body: String,
    /// The host's profiles of this provider kind that may have sent it.
    #[serde(default)]
    pub profiles: Vec<Profile>,
    pub now_ms: i64,
    /// Calling code for numbers written without one; the engine's default when absent.
    #[serde(default)]
    pub default_country: Option<String>,
}

/// A profile and its webhook secret (Meta: the App Secret; Fonnte, Watzap: the verify token).
#[derive(Debug, Deserialize)]
pub struct Profile {
    /// The host's id for it, answered back as given.
    pub id: Value,
    #[serde(default)]
    pub secret: Option<String>,
}

/// The `parseWebhook` op's answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Parsed {
    /// The ids of the profiles that authenticated the request: the events concern them only.
    pub profiles: Vec<Value>,
    /// Each delivery state's rank (see [`RANKS`]), to rank the state a host has stored.
    pub ranks: BTreeMap<&'static str, u8>,
    pub events: Vec<Event>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    Status(Status),
    Inbound(Inbound),
    TemplateStatus(TemplateEvent),
    TemplateQuality(TemplateEvent),
    Ignored(Ignored),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The provider's message id (Meta's wamid, Fonnte's id from the send response).
    pub message_id: String,
    /// `sent`, `delivered`, `read` or `failed`.
    pub state: &'static str,
    pub rank: u8,
    /// When it happened (the provider's timestamp, never later than `now`); `None` if not given.
    pub at_ms: Option<i64>,
    pub recipient: Option<String>,
    /// Why it failed, for `failed`.
    pub error: Option<StatusError>,
}

#[derive(Debug, Serialize)]
pub struct StatusError {
    /// `meta.<Meta's code>` (`meta.failed` without one) or `fonnte.<state>`.
    pub code: String,
    pub title: Option<String>,
    /// The provider's explanation (Fonnte: its payload without any secret).
    pub detail: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inbound {
    pub message_id: Option<String>,
    /// The sender, normalized (`6281234567890`).
    pub from: String,
    /// The last [`MATCH_KEY_DIGITS`] digits of `from`.
    pub match_key: String,
    /// The words (a text, a button's payload or text); `None` for media and the like.
    pub text: Option<String>,
    /// The text is a STOP keyword: the sender opts out of every rail.
    pub stop: bool,
    pub at_ms: Option<i64>,
    /// It opens Meta's customer-service window (an inbound message to a Meta number).
    pub opens_window: bool,
}

#[derive(Debug, Serialize)]
pub struct Ignored {
    /// Why: `webhook.status_unknown`, `webhook.status_no_id`, `webhook.phone_invalid`,
    /// `webhook.device_event`, `webhook.from_me`, `webhook.unknown_event`.
    pub code: &'static str,
    /// The arguments of the code's catalogue sentence.
    pub args: BTreeMap<&'static str, String>,
}

/// The `parseWebhook` op.
pub fn parse(args: &WebhookArgs) -> Result<Parsed> {
    let max = crate::limits::WEBHOOK_MAX_BYTES;
    if args.body.len() > max {
        return Err(refuse(
            TOO_LARGE,
            format!(
                "the body is {} bytes, the limit is {max} bytes",
                args.body.len()
            ),
        ));
    }
    let country = args
        .default_country
        .as_deref()
        .unwrap_or(crate::phone::DEFAULT_COUNTRY);
    // A bad calling code is the host's configuration error, not the provider's.
    crate::phone::country_code(country)?;
    let ctx = read::Context {
        now_ms: args.now_ms,
        country,
    };
    let (profiles, events) = match args.provider {
        ProviderKind::Meta => {
            let profiles = meta_signers(args)?;
            (profiles, read::meta(&args.body, &ctx)?)
        }
        ProviderKind::Fonnte => {
            let payload = read::gateway_payload(args)?;
            let profiles = token_holders(args, read::fonnte_secrets(&payload))?;
            (profiles, read::fonnte(&payload, &ctx))
        }
        ProviderKind::Watzap => {
            let profiles = token_holders(args, Vec::new())?;
            (profiles, read::watzap(&args.body, &ctx)?)
        }
    };
    Ok(Parsed {
        profiles,
        ranks: RANKS.into_iter().collect(),
        events,
    })
}

/// The texts is a STOP keyword (see [`STOP_KEYWORDS`]).
pub fn is_stop(text: &str) -> bool {
    let kept: String = text
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_lowercase() || *c == ' ')
        .collect();
    let words: Vec<&str> = kept.split(' ').filter(|w| !w.is_empty()).collect();
    STOP_KEYWORDS.contains(&words.join(" ").as_str())
}

/// The rank of a delivery state; 0 for none or an unknown one.
pub fn rank(state: &str) -> u8 {
    RANKS
        .iter()
        .find(|(s, _)| *s == state)
        .map_or(0, |(_, r)| *r)
}

pub(crate) fn refuse(code: &'static str, reason: impl Into<String>) -> Error {
    Error::Webhook {
        code,
        reason: reason.into(),
    }
}

fn header<'a>(args: &'a WebhookArgs, name: &str) -> Option<&'a str> {
    args.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// The Meta profiles whose App Secret signed the body.
fn meta_signers(args: &WebhookArgs) -> Result<Vec<Value>> {
    let signature = header(args, "x-hub-signature-256")
        .ok_or_else(|| refuse(BAD_SIGNATURE, "no X-Hub-Signature-256 header"))?;
    let given = signature
        .strip_prefix("sha256=")
        .and_then(hmac::hex32)
        .ok_or_else(|| {
            refuse(
                BAD_SIGNATURE,
                "X-Hub-Signature-256 is not sha256=<64 hex digits>",
            )
        })?;
    let mut signers = Vec::new();
    for p in &args.profiles {
        let Some(secret) = p.secret.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let mac = hmac::hmac_sha256(secret.as_bytes(), args.body.as_bytes());
        if hmac::ct_eq(&mac, &given) {
            signers.push(p.id.clone());
        }
    }
    if signers.is_empty() {
        return Err(refuse(
            BAD_SIGNATURE,
            "no profile's App Secret signed this body",
        ));
    }
    Ok(signers)
}

/// The profiles whose secret is the URL's `token` or one of `more` (from the payload).
fn token_holders(args: &WebhookArgs, more: Vec<String>) -> Result<Vec<Value>> {
    let mut given: Vec<&str> = args
        .query
        .get("token")
        .map(String::as_str)
        .into_iter()
        .collect();
    given.extend(more.iter().map(String::as_str));
    given.retain(|g| !g.is_empty());
    if given.is_empty() {
        return Err(refuse(
            BAD_SIGNATURE,
            "no secret in the URL (?token=) or the payload",
        ));
    }
    let mut holders = Vec::new();
    for p in &args.profiles {
        let Some(secret) = p.secret.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        // Every candidate is compared, whatever matched before: the time tells nothing.
        let matched = given
            .iter()
            .fold(false, |m, g| hmac::secret_eq(secret, g) | m);
        if matched {
            holders.push(p.id.clone());
        }
    }
    if holders.is_empty() {
        return Err(refuse(BAD_SIGNATURE, "the secret is no profile's"));
    }
    Ok(holders)
}

#[cfg(test)]
mod tests;
