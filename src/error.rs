//! One error type for the whole engine, with stable codes.
//!
//! Codes are part of the public contract (JS `Error.code`, Python `EngineError.code`, fixtures):
//! never rename one. Messages are English and never contain credentials.
//!
//! Errors are *caller misuse or bad input* (an invalid phone, an unknown template, a config that
//! does not parse). Expected business results — recipient opted out, no eligible provider, a
//! provider rejecting a message — are [`crate::model::Outcome`] values, not errors.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// Everything that can go wrong before a message is handed to a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A phone number that cannot be normalized: `reason_code` says why (`phone.too_short`…,
    /// a catalogue code whose sentence takes `reason_args`), `reason` in English words.
    PhoneInvalid {
        input: String,
        reason: String,
        reason_code: &'static str,
        reason_args: Vec<(&'static str, String)>,
    },
    /// `00` typed before an Indonesian mobile's `8` (`00812…` for `0812…`): read naïvely it is a
    /// number in Japan, China, Korea… so it is refused. `suggestion` is the number with one zero
    /// (`081234567890`) when that is a valid mobile; hosts show it as a hint.
    PhoneTrunkZeroDoubled {
        input: String,
        suggestion: Option<String>,
    },
    /// The notification names a template code that the config does not have.
    TemplateUnknown { code: String },
    /// A placeholder of the template has no (non-blank) value.
    TemplateMissingParam { template: String, param: String },
    /// The template text uses a placeholder that is not among its declared parameters.
    TemplateUnknownPlaceholder {
        template: String,
        placeholder: String,
    },
    /// A typed value (a date, a number…) that cannot be written: `reason` says why.
    ValueInvalid {
        template: String,
        param: String,
        reason: String,
    },
    /// Unbalanced or malformed `{{ }}` in a template text.
    TemplateMalformed { template: String, reason: String },
    /// The template (or the text chosen for a provider) is empty.
    TemplateEmpty { template: String },
    /// A free-text message without text.
    TextEmpty,
    /// A provider mapping of the template is inconsistent (e.g. a Meta parameter order naming an
    /// unknown parameter).
    TemplateMapping { template: String, reason: String },
    /// The engine configuration is inconsistent or incomplete. `field` names the configuration
    /// field at fault when it is one (`defaultProvider`, `fallbackOrder`, `defaultCountry`; empty
    /// otherwise), so a host can show the error there without reading `reason`.
    ConfigInvalid { reason: String, field: &'static str },
    /// A provider id that the configuration does not have.
    ProviderUnknown { id: String },
    /// The provider exists but cannot carry this request (e.g. Meta without a template mapping).
    ProviderUnsupported { id: String, reason: String },
    /// JSON that does not have the shape of the contract.
    InputInvalid { reason: String },
    /// The dispatch state machine was driven out of order (e.g. a response fed while no request was
    /// pending).
    DispatchState { reason: String },
    /// Meta's text header would pass its 60 characters once this message's value is filled in
    /// (after sanitizing). Meta's answer is not documented (NOT CONFIRMED: 132005 "translated text
    /// too long" is likely), so the engine does not send it there; nothing left, so the next
    /// provider may carry the message (docs/meta-conformance.md).
    MetaHeaderTooLong {
        template: String,
        chars: usize,
        /// Meta's limit (`meta_template::META_HEADER_MAX`).
        max: usize,
    },
    /// An op that needs a configuration was called before any `configure` succeeded.
    NotConfigured,
    /// An input above one of the limits of `crate::limits` (`code`, `max` and `unit` are the
    /// limit's); `what` names the input (never its text).
    TooLarge {
        code: &'static str,
        what: String,
        actual: usize,
        max: usize,
        unit: &'static str,
    },
    /// A provider webhook refused whole (src/webhook/): `webhook.bad_signature`,
    /// `webhook.malformed`, `webhook.too_large`. Not in the web build, which has no webhooks.
    #[cfg(any(not(feature = "js"), feature = "server"))]
    Webhook { code: &'static str, reason: String },
}

impl Error {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::PhoneInvalid { .. } => "phone.invalid",
            Error::PhoneTrunkZeroDoubled { .. } => "phone.trunk_zero_doubled",
            Error::TemplateUnknown { .. } => "template.unknown",
            Error::TemplateMissingParam { .. } => "template.missing_param",
            Error::TemplateUnknownPlaceholder { .. } => "template.unknown_placeholder",
            Error::TemplateMalformed { .. } => "template.malformed",
            Error::ValueInvalid { .. } => "template.invalid_value",
            Error::TemplateEmpty { .. } => "template.empty",
            Error::TextEmpty => "text.empty",
            Error::TemplateMapping { .. } => "template.mapping",
            Error::ConfigInvalid { .. } => "config.invalid",
            Error::ProviderUnknown { .. } => "provider.unknown",
            Error::ProviderUnsupported { .. } => "provider.unsupported",
            Error::InputInvalid { .. } => "input.invalid",
            Error::DispatchState { .. } => "dispatch.state",
            Error::MetaHeaderTooLong { .. } => "meta.header_too_long",
            Error::NotConfigured => "engine.not_configured",
            Error::TooLarge { code, .. } => code,
            #[cfg(any(not(feature = "js"), feature = "server"))]
            Error::Webhook { code, .. } => code,
        }
    }

    /// The wire form shared by every host: `{"code": "...", "message": "..."}`, plus
    /// `suggestion` when the engine has a corrected input to offer (hosts never parse `message`).
    pub fn info(&self) -> ErrorInfo {
        // Inserted one by one, not collected: see `providers::common::request`.
        let mut args = BTreeMap::new();
        for (k, v) in self.args() {
            args.insert(k.to_string(), v);
        }
        ErrorInfo {
            code: self.code().to_string(),
            message: self.to_string(),
            suggestion: self.suggestion().map(str::to_string),
            args,
        }
    }

    /// The error's structured fields, named as the catalogue's sentence for its code names its
    /// arguments (src/catalogue/sentences.json): hosts fill the sentence from these and never
    /// parse `message`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let s = |v: &String| v.clone();
        match self {
            Error::PhoneInvalid {
                input,
                reason,
                reason_code,
                reason_args,
            } => {
                // The reason's own arguments follow: its sentence (`reasonCode`) names them.
                let mut args = vec![
                    ("input", s(input)),
                    ("reason", s(reason)),
                    ("reasonCode", reason_code.to_string()),
                ];
                args.extend(reason_args.iter().cloned());
                args
            }
            Error::PhoneTrunkZeroDoubled { input, suggestion } => {
                let mut args = vec![("input", s(input))];
                if let Some(suggestion) = suggestion {
                    args.push(("suggestion", s(suggestion)));
                }
                args
            }
            Error::TemplateUnknown { code } => vec![("template", s(code))],
            Error::TemplateMissingParam { template, param } => {
                vec![("template", s(template)), ("param", s(param))]
            }
            Error::TemplateUnknownPlaceholder {
                template,
                placeholder,
            } => vec![("template", s(template)), ("placeholder", s(placeholder))],
            Error::TemplateMalformed { template, reason }
            | Error::TemplateMapping { template, reason } => {
                vec![("template", s(template)), ("reason", s(reason))]
            }
            Error::TemplateEmpty { template } => vec![("template", s(template))],
            Error::ValueInvalid {
                template,
                param,
                reason,
            } => vec![
                ("template", s(template)),
                ("param", s(param)),
                ("reason", s(reason)),
            ],
            Error::ConfigInvalid { reason, field } => {
                vec![("reason", s(reason)), ("field", field.to_string())]
            }
            Error::InputInvalid { reason } | Error::DispatchState { reason } => {
                vec![("reason", s(reason))]
            }
            #[cfg(any(not(feature = "js"), feature = "server"))]
            Error::Webhook { reason, .. } => vec![("reason", s(reason))],
            Error::ProviderUnknown { id } => vec![("provider", s(id))],
            Error::ProviderUnsupported { id, reason } => {
                vec![("provider", s(id)), ("reason", s(reason))]
            }
            Error::NotConfigured | Error::TextEmpty => Vec::new(),
            Error::MetaHeaderTooLong {
                template,
                chars,
                max,
            } => vec![
                ("template", s(template)),
                ("chars", chars.to_string()),
                ("max", max.to_string()),
            ],
            Error::TooLarge {
                what,
                actual,
                max,
                unit,
                ..
            } => vec![
                ("what", s(what)),
                ("actual", actual.to_string()),
                ("max", max.to_string()),
                ("unit", unit.to_string()),
            ],
        }
    }

    /// A corrected input the person probably meant, if the engine can tell.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            Error::PhoneTrunkZeroDoubled { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn input(reason: impl Into<String>) -> Self {
        Error::InputInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::config_field("", reason)
    }

    /// A configuration error about the configuration field `field`.
    pub(crate) fn config_field(field: &'static str, reason: impl Into<String>) -> Self {
        Error::ConfigInvalid {
            reason: reason.into(),
            field,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::PhoneInvalid { input, reason, .. } => {
                write!(f, "invalid phone number {input:?}: {reason}")
            }
            Error::PhoneTrunkZeroDoubled { input, suggestion } => {
                write!(
                    f,
                    "invalid phone number {input:?}: it starts with two zeros; an Indonesian mobile starts with one (08…)"
                )?;
                if let Some(s) = suggestion {
                    write!(f, ", did you mean {s}?")?;
                }
                write!(f, " A number abroad is written with + and its country code.")
            }
            Error::TemplateUnknown { code } => write!(f, "unknown template {code:?}"),
            Error::TemplateMissingParam { template, param } => {
                write!(f, "template {template:?} needs a value for {{{{{param}}}}}")
            }
            Error::TemplateUnknownPlaceholder {
                template,
                placeholder,
            } => write!(
                f,
                "template {template:?} uses {{{{{placeholder}}}}}, which is not one of its parameters"
            ),
            Error::ValueInvalid {
                template,
                param,
                reason,
            } => write!(
                f,
                "template {template:?}: the value of {{{{{param}}}}} cannot be written: {reason}"
            ),
            Error::TemplateMalformed { template, reason } => {
                write!(f, "template {template:?} is malformed: {reason}")
            }
            Error::TemplateEmpty { template } => write!(f, "template {template:?} has an empty body"),
            Error::TextEmpty => write!(f, "the message text is empty"),
            Error::TemplateMapping { template, reason } => {
                write!(f, "template {template:?} has an invalid provider mapping: {reason}")
            }
            Error::ConfigInvalid { reason, .. } => write!(f, "invalid configuration: {reason}"),
            Error::ProviderUnknown { id } => write!(f, "unknown provider {id:?}"),
            Error::ProviderUnsupported { id, reason } => {
                write!(f, "provider {id:?} cannot send this: {reason}")
            }
            Error::InputInvalid { reason } => write!(f, "invalid input: {reason}"),
            Error::DispatchState { reason } => write!(f, "dispatch driven out of order: {reason}"),
            Error::MetaHeaderTooLong {
                template,
                chars,
                max,
            } => write!(
                f,
                "the Meta header of template {template:?} would be {chars} characters with this \
                 value; Meta allows at most {max}, so it is not sent through Meta"
            ),
            Error::NotConfigured => write!(f, "no configuration yet: call `configure` first"),
            #[cfg(any(not(feature = "js"), feature = "server"))]
            Error::Webhook { reason, .. } => write!(f, "webhook refused: {reason}"),
            Error::TooLarge {
                what,
                actual,
                max,
                unit,
                ..
            } => write!(
                f,
                "{what} is too large: {actual} {unit}, the limit is {max} {unit}"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Serializable form of an [`Error`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
    /// See [`Error::suggestion`]; absent from the JSON when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// [`Error::args`]: the arguments of the code's catalogue sentence; absent when none. The
    /// same map type as a notification's values (one B-tree type in the web build).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_readable() {
        let e = Error::TemplateMissingParam {
            template: "permit_ready".into(),
            param: "permit_number".into(),
        };
        assert_eq!(e.code(), "template.missing_param");
        assert_eq!(
            e.to_string(),
            "template \"permit_ready\" needs a value for {{permit_number}}"
        );
        assert_eq!(e.info().code, "template.missing_param");
    }
}
