//! Input size limits: the one place their numbers are written. Hosts read them with the `limits`
//! op and never copy them.
//!
//! Each is checked before the engine spends memory or time in proportion to the input: the whole
//! call before it is copied into the engine (`abi`, `ops::Host::call`, the JS API), a template's
//! texts and placeholders before they are parsed further or linted, a value before it is
//! rendered, a batch before it is planned, a rendered message as it is written.
//!
//! | limit | number | why this number |
//! |---|---|---|
//! | `call` | 64 MiB | a batch of 100,000 notifications is about 30 MiB of JSON |
//! | `templateText` | 65,536 bytes | WhatsApp's own longest message is 65,536 characters |
//! | `placeholders` | 1,000 | per template (occurrences in all its texts, declared parameters, mapped values); Meta allows far fewer |
//! | `value` | 8,192 bytes | one value (a name, an address, a permit number…) |
//! | `message` | 262,144 bytes | one rendered message (text or Meta parameters): 65,536 characters of up to 4 bytes |
//! | `batch` | 100,000 | notifications in one `planBatch` |
//! | webhook body | 4 MiB | Meta batches up to 1,000 updates in one webhook, a few MB at most (`webhook.too_large`) |

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::MasterTemplate;
use crate::shorten;

/// Largest call (JSON text of one operation), in bytes.
pub const CALL_MAX_BYTES: usize = 64 * 1024 * 1024;
/// Largest template text (body, header, button suffix, a gateway's body), in bytes.
pub const TEMPLATE_TEXT_MAX_BYTES: usize = 65_536;
/// Most placeholders in one template (and entries in each of its parameter lists).
pub const PLACEHOLDERS_MAX: usize = 1_000;
/// Largest value of one parameter, in bytes.
pub const VALUE_MAX_BYTES: usize = 8_192;
/// Largest rendered message (text, or the sum of Meta's parameters), in bytes.
pub const MESSAGE_MAX_BYTES: usize = 262_144;
/// Most notifications in one batch.
pub const BATCH_MAX: usize = 100_000;
/// Largest provider webhook body (`parseWebhook`), in bytes.
pub const WEBHOOK_MAX_BYTES: usize = 4 * 1024 * 1024;

/// What a limit bounds; its code is `limit.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Call,
    TemplateText,
    Placeholders,
    Value,
    Message,
    Batch,
}

impl Limit {
    pub fn code(self) -> &'static str {
        match self {
            Limit::Call => "limit.call",
            Limit::TemplateText => "limit.template_text",
            Limit::Placeholders => "limit.placeholders",
            Limit::Value => "limit.value",
            Limit::Message => "limit.message",
            Limit::Batch => "limit.batch",
        }
    }

    pub fn max(self) -> usize {
        match self {
            Limit::Call => CALL_MAX_BYTES,
            Limit::TemplateText => TEMPLATE_TEXT_MAX_BYTES,
            Limit::Placeholders => PLACEHOLDERS_MAX,
            Limit::Value => VALUE_MAX_BYTES,
            Limit::Message => MESSAGE_MAX_BYTES,
            Limit::Batch => BATCH_MAX,
        }
    }

    /// The unit of `max` in messages.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Limit::Placeholders => "placeholders",
            Limit::Batch => "notifications",
            _ => "bytes",
        }
    }

    /// `Err` when `actual` is above the limit; `what` names the thing measured.
    pub(crate) fn check(self, actual: usize, what: impl FnOnce() -> String) -> Result<()> {
        if actual > self.max() {
            Err(Error::TooLarge {
                code: self.code(),
                what: what(),
                actual,
                max: self.max(),
                unit: self.unit(),
            })
        } else {
            Ok(())
        }
    }
}

/// The `limits` op's answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub call_bytes: usize,
    pub template_text_bytes: usize,
    pub placeholders: usize,
    pub value_bytes: usize,
    pub message_bytes: usize,
    pub batch: usize,
}

pub const LIMITS: Limits = Limits {
    call_bytes: CALL_MAX_BYTES,
    template_text_bytes: TEMPLATE_TEXT_MAX_BYTES,
    placeholders: PLACEHOLDERS_MAX,
    value_bytes: VALUE_MAX_BYTES,
    message_bytes: MESSAGE_MAX_BYTES,
    batch: BATCH_MAX,
};

/// The template's texts and parameter lists within the limits. Linear, and done before anything
/// parses a text: placeholders are counted as `{{` occurrences.
pub fn check_template(t: &MasterTemplate) -> Result<()> {
    fn gateway(m: &Option<crate::model::GatewayMapping>) -> &str {
        m.as_ref().and_then(|m| m.body.as_deref()).unwrap_or("")
    }
    let texts = [
        ("body", t.body.as_str()),
        ("header", t.header.as_deref().unwrap_or("")),
        (
            "buttonUrlSuffix",
            t.button_url_suffix.as_deref().unwrap_or(""),
        ),
        ("watzap body", gateway(&t.watzap)),
        ("fonnte body", gateway(&t.fonnte)),
    ];
    let mut placeholders = 0;
    for (field, text) in texts {
        Limit::TemplateText.check(text.len(), || {
            format!("the {field} of template {:?}", shorten(&t.code))
        })?;
        placeholders += text.matches("{{").count();
    }
    let lists = [
        ("placeholders", placeholders),
        ("declared parameters", t.params.len()),
        (
            "meta bodyParams",
            t.meta.as_ref().map_or(0, |m| m.body_params.len()),
        ),
        (
            "watzap variables",
            t.watzap.as_ref().map_or(0, |m| m.variables.len()),
        ),
        (
            "fonnte variables",
            t.fonnte.as_ref().map_or(0, |m| m.variables.len()),
        ),
    ];
    for (what, count) in lists {
        Limit::Placeholders.check(count, || {
            format!("the {what} of template {:?}", shorten(&t.code))
        })?;
    }
    Ok(())
}

/// `checkValues` arguments: a template's code and the values a host is about to store for it.
#[derive(Debug, serde::Deserialize)]
pub struct CheckValuesArgs {
    pub template: String,
    pub values: std::collections::BTreeMap<String, String>,
}

/// One value a host must not store: its name and the engine's refusal.
#[derive(Debug, serde::Serialize)]
pub struct OversizeValue {
    pub name: String,
    pub error: crate::error::ErrorInfo,
}

/// The `checkValues` op: the `limit.value` refusal of every value above [`VALUE_MAX_BYTES`]
/// (all of them, where a send stops at the first), so a host refuses them before storing them
/// and words each from the catalogue.
pub fn oversize_values(args: &CheckValuesArgs) -> Vec<OversizeValue> {
    args.values
        .iter()
        .filter_map(|(name, value)| {
            check_values(&args.template, [(name, value)])
                .err()
                .map(|e| OversizeValue {
                    name: name.clone(),
                    error: e.info(),
                })
        })
        .collect()
}

/// Every given value within [`VALUE_MAX_BYTES`].
pub fn check_values<'a>(
    template_code: &str,
    values: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<()> {
    for (name, value) in values {
        Limit::Value.check(value.len(), || {
            format!(
                "the value of {:?} (template {:?})",
                shorten(name),
                shorten(template_code)
            )
        })?;
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;

    #[test]
    fn each_template_text_is_bounded() {
        let at = "a".repeat(TEMPLATE_TEXT_MAX_BYTES);
        let above = "a".repeat(TEMPLATE_TEXT_MAX_BYTES + 1);
        let t = |f: &dyn Fn(&mut MasterTemplate)| {
            let mut t = MasterTemplate {
                code: "t".into(),
                body: "Halo".into(),
                ..Default::default()
            };
            f(&mut t);
            check_template(&t).map_err(|e| e.code())
        };
        assert_eq!(t(&|t| t.body = at.clone()), Ok(()));
        assert_eq!(t(&|t| t.body = above.clone()), Err("limit.template_text"));
        assert_eq!(
            t(&|t| t.header = Some(above.clone())),
            Err("limit.template_text")
        );
        assert_eq!(
            t(&|t| {
                t.fonnte = Some(crate::model::GatewayMapping {
                    body: Some(above.clone()),
                    variables: vec![],
                })
            }),
            Err("limit.template_text")
        );
        let names: Vec<String> = (0..=PLACEHOLDERS_MAX).map(|i| format!("p{i}")).collect();
        assert_eq!(t(&|t| t.params = names.clone()), Err("limit.placeholders"));
    }
}
