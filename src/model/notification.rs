use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// One message to one citizen, in the generic form (named values).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Master template code, e.g. `permit_ready`.
    pub template: String,
    pub recipient: Recipient,
    /// Named values for the template's `{{placeholders}}`. Numbers and booleans are accepted and
    /// turned into text.
    #[serde(default, deserialize_with = "scalar_map")]
    pub values: BTreeMap<String, String>,
    /// Provider id to use and nothing else (the test wizard).
    #[serde(default)]
    pub force_provider: Option<String>,
    /// Caller's key for deduplication; echoed in the outcome.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    /// As typed by a person; normalized by the engine.
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The citizen agreed to receive official (Meta) WhatsApp messages.
    #[serde(default)]
    pub meta_opt_in: bool,
    /// The citizen asked to receive nothing: no provider is used.
    #[serde(default)]
    pub opted_out: bool,
    /// Personal consent link (e.g. with a signed token); overrides the configured one.
    #[serde(default)]
    pub opt_in_url: Option<String>,
}

fn scalar_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    use serde::de::Error;
    let raw: BTreeMap<String, serde_json::Value> = Option::deserialize(d)?.unwrap_or_default();
    raw.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            serde_json::Value::Number(n) => Ok((k, n.to_string())),
            serde_json::Value::Bool(b) => Ok((k, b.to_string())),
            _ => Err(D::Error::custom(format!(
                "value of {k:?} must be text, a number or a boolean"
            ))),
        })
        .collect()
}
