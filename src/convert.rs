//! Generic named values → each provider's parameter form, and the text gateways send.
//! (Interface fixed; implementation in progress.)

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::error::Result;
use crate::model::{MasterTemplate, ProviderKind};
use crate::template::Resolved;

/// Parameters as a JSON object whose keys keep their order (`var2` before `var10`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderedParams(pub Vec<(String, String)>);

impl Serialize for OrderedParams {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The `template` object of a Meta template message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaTemplatePayload {
    pub name: String,
    pub language: String,
    /// Meta `components` array (header, body, button parameters).
    pub components: serde_json::Value,
    /// Parameters whose value had newlines, tabs or long space runs replaced (Meta rule 132018).
    pub sanitized: Vec<String>,
}

/// Meta template payload for these values; `Err(TemplateMapping)` when the template has no Meta
/// mapping or the mapping does not fit.
pub fn meta_template(t: &MasterTemplate, resolved: &Resolved) -> Result<MetaTemplatePayload> {
    let _ = (t, resolved);
    unimplemented!()
}

/// Watzap numbered form `{"1": v1, "2": v2, …}`.
pub fn watzap_params(t: &MasterTemplate, resolved: &Resolved) -> OrderedParams {
    let _ = (t, resolved);
    unimplemented!()
}

/// Fonnte variable form `{"var1": v1, "var2": v2, …}`.
pub fn fonnte_params(t: &MasterTemplate, resolved: &Resolved) -> OrderedParams {
    let _ = (t, resolved);
    unimplemented!()
}

/// The text a gateway sends (its mapping's body or the master body), without the opt-in link.
pub fn gateway_text(t: &MasterTemplate, kind: ProviderKind, resolved: &Resolved) -> Result<String> {
    let _ = (t, kind, resolved);
    unimplemented!()
}
