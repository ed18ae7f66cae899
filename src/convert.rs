//! The gateways' numbered parameter forms: Watzap's `{"1": …}` and Fonnte's `{"var1": …}`, as
//! previews show them. Gateways get the values exactly as given (Meta's form is
//! `crate::meta_template`).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::model::{GatewayMapping, MasterTemplate};
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

/// Watzap numbered form `{"1": v1, "2": v2, …}`.
pub fn watzap_params(t: &MasterTemplate, resolved: &Resolved) -> OrderedParams {
    numbered(t.watzap.as_ref(), resolved, "")
}

/// Fonnte variable form `{"var1": v1, "var2": v2, …}`.
pub fn fonnte_params(t: &MasterTemplate, resolved: &Resolved) -> OrderedParams {
    numbered(t.fonnte.as_ref(), resolved, "var")
}

/// Values numbered 1… in the mapping's `variables` order, else the canonical parameter order.
/// A variable without a value (only possible when the template was not validated) is `""`, so the
/// numbering of the others does not shift.
fn numbered(mapping: Option<&GatewayMapping>, resolved: &Resolved, prefix: &str) -> OrderedParams {
    let values = resolved.lookup();
    let names: Vec<&str> = match mapping.filter(|m| !m.variables.is_empty()) {
        Some(m) => m.variables.iter().map(String::as_str).collect(),
        None => resolved.values.iter().map(|(k, _)| k.as_str()).collect(),
    };
    OrderedParams(
        names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let key = format!("{prefix}{}", i.saturating_add(1));
                (key, values.get(name).unwrap_or_default().to_string())
            })
            .collect(),
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
#[path = "convert_tests.rs"]
mod tests;
