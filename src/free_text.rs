//! Free text to one citizen (a clerk's own words, no template): which providers may carry it and
//! why, and the request each one gets.
//!
//! Watzap.id and Fonnte send any text. Meta sends free text only inside its customer-service
//! window: 24 hours after the citizen's last message to the office (providers.md C.9; outside it
//! Meta refuses with 131047). The host says when it last heard from the citizen and what time it
//! is; the engine never reads a clock. A citizen who opted out gets nothing.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{
    HttpRequest, HttpResponse, ProviderConfig, ProviderKind, ProviderState, Recipient,
    TransportError,
};
use crate::providers::{provider, Classified, Content, Secrets};
use crate::{concat, Engine};

/// Meta's customer-service window after the citizen's last inbound message.
pub const SERVICE_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Arguments of `freeTextOptions` and `freeTextRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeTextArgs {
    pub recipient: Recipient,
    /// The text; `freeTextOptions` may be asked before it is written (empty).
    #[serde(default)]
    pub text: String,
    /// When the citizen last wrote to the office (any of its Meta numbers); `None`: never, or
    /// not known.
    #[serde(default)]
    pub last_inbound_ms: Option<i64>,
    pub now_ms: i64,
    /// `freeTextRequest`: the provider to build for.
    #[serde(default)]
    pub provider: Option<String>,
    /// `freeTextRequest`: credentials replaced by the mask (a preview), else real (the send).
    #[serde(default)]
    pub masked: bool,
}

/// One provider, and whether it may carry the text.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeTextOption {
    pub provider: String,
    pub kind: ProviderKind,
    pub name: String,
    pub allowed: bool,
    /// `free_text.*`, stable: hosts translate by code.
    pub code: &'static str,
    /// English, for logs and as the detail under the host's sentence.
    pub message: String,
    /// Meta inside the window: when it closes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_ends_ms: Option<i64>,
}

/// `freeTextOptions`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeTextOptions {
    /// The normalized number the text goes to.
    pub phone: String,
    /// Every profile, in the configuration's order.
    pub options: Vec<FreeTextOption>,
    /// The first allowed one: the host's default choice.
    pub provider: Option<String>,
}

/// `freeTextRequest`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeTextRequest {
    pub provider: String,
    pub kind: ProviderKind,
    pub phone: String,
    pub request: HttpRequest,
}

/// Arguments of `freeTextClassify`: the answer to a `freeTextRequest`, or the transport's error.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifyArgs {
    pub provider: String,
    #[serde(default)]
    pub response: Option<HttpResponse>,
    #[serde(default)]
    pub transport_error: Option<TransportError>,
}

fn checked_text(text: &str) -> Result<()> {
    crate::limits::Limit::Message.check(text.len(), || "the message text".into())?;
    if text.trim().is_empty() {
        return Err(Error::TextEmpty);
    }
    Ok(())
}

fn option(p: &ProviderConfig, args: &FreeTextArgs) -> FreeTextOption {
    let name = p.display_name();
    let (allowed, code, message, window_ends_ms) = if args.recipient.opted_out {
        (
            false,
            "free_text.opted_out",
            "the citizen asked not to receive WhatsApp messages".to_string(),
            None,
        )
    } else if p.state != ProviderState::Configured {
        (
            false,
            "free_text.not_configured",
            concat(&[name, ": the profile is not marked as configured"]),
            None,
        )
    } else if p.kind.is_gateway() {
        (
            true,
            "free_text.gateway",
            concat(&[name, " sends any text"]),
            None,
        )
    } else {
        // An inbound time a little ahead of `now` (clocks differ) counts as just now.
        match args.last_inbound_ms.map(|t| t.min(args.now_ms)) {
            None => (
                false,
                "free_text.meta_no_inbound",
                concat(&[
                    name,
                    ": free text only within 24 hours of a message from the citizen, and none is known",
                ]),
                None,
            ),
            Some(t) if args.now_ms - t < SERVICE_WINDOW_MS => (
                true,
                "free_text.meta_window_open",
                concat(&[
                    name,
                    ": the citizen wrote within the last 24 hours (customer-service window open)",
                ]),
                Some(t + SERVICE_WINDOW_MS),
            ),
            Some(_) => (
                false,
                "free_text.meta_window_closed",
                concat(&[
                    name,
                    ": the citizen's last message is more than 24 hours old (customer-service window closed)",
                ]),
                None,
            ),
        }
    };
    FreeTextOption {
        provider: p.id.clone(),
        kind: p.kind,
        name: name.to_string(),
        allowed,
        code,
        message,
        window_ends_ms,
    }
}

/// Which providers may carry `args.text` to `args.recipient` now, and why.
pub fn options(engine: &Engine, args: &FreeTextArgs) -> Result<FreeTextOptions> {
    crate::limits::Limit::Message.check(args.text.len(), || "the message text".into())?;
    let phone = engine.normalize_phone(&args.recipient.phone)?;
    let options: Vec<FreeTextOption> = engine
        .config()
        .providers
        .iter()
        .map(|p| option(p, args))
        .collect();
    let provider = options
        .iter()
        .find(|o| o.allowed)
        .map(|o| o.provider.clone());
    Ok(FreeTextOptions {
        phone,
        options,
        provider,
    })
}

/// The request that sends `args.text` through `args.provider`, refused (`provider.unsupported`,
/// with the reason) when that provider may not carry it now.
pub fn request(engine: &Engine, args: &FreeTextArgs) -> Result<FreeTextRequest> {
    let id = args
        .provider
        .as_deref()
        .ok_or_else(|| Error::input("freeTextRequest needs `provider`"))?;
    let p = engine.provider(id)?;
    checked_text(&args.text)?;
    let phone = engine.normalize_phone(&args.recipient.phone)?;
    let chosen = option(p, args);
    if !chosen.allowed {
        return Err(Error::ProviderUnsupported {
            id: id.to_string(),
            reason: chosen.message,
        });
    }
    let secrets = if args.masked {
        Secrets::Masked
    } else {
        Secrets::Real
    };
    let request =
        provider(p.kind).build_send_with(p, secrets, &phone, Content::Text(&args.text))?;
    Ok(FreeTextRequest {
        provider: p.id.clone(),
        kind: p.kind,
        phone,
        request,
    })
}

/// What the answer to a free-text request means (the same classification as a notification's
/// attempt; `unknown` when the request may have left), credentials redacted from the detail.
pub fn classify(engine: &Engine, args: &ClassifyArgs) -> Result<Classified> {
    let p = engine.provider(&args.provider)?;
    let mut classified = match (&args.response, &args.transport_error) {
        (Some(r), None) => provider(p.kind).classify_send(r),
        (None, Some(e)) => crate::dispatch::classify_transport_error(e),
        _ => {
            return Err(Error::input(
                "freeTextClassify needs exactly one of `response` or `transportError`",
            ))
        }
    };
    classified.detail = p.credentials.redact(&classified.detail).into_owned();
    Ok(classified)
}
