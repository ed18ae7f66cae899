use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ProviderKind;

/// Which provider(s) a notification goes to, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// Provider id tried first; `None` when nothing may be sent (opted out, nothing eligible).
    pub provider: Option<String>,
    pub kind: Option<ProviderKind>,
    /// Provider ids in the order they will be tried, `provider` first.
    pub chain: Vec<String>,
    /// Whether the opt-in invitation is appended to the message of the first provider.
    pub append_opt_in_link: bool,
    /// The recipient's phone normalized to digits with country code (`62…`).
    pub phone: String,
    pub template: String,
    /// Every rule that fired, in order.
    pub trace: Vec<TraceStep>,
}

/// One routing rule that fired: a stable code, English words, and the provider it concerns.
/// Codes and fixed messages are static text, so a decision does not copy them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceStep {
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The arguments of the code's catalogue sentence beyond `provider` (a fallback's `number`,
    /// a `template`, a quiet-hours `time`…); absent when none. Hosts fill the sentence from
    /// them and never parse `message`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

impl TraceStep {
    /// `self` with the argument `name` set.
    pub(crate) fn arg(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.insert(name.to_string(), value.into());
        self
    }
}
