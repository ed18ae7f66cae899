//! Master templates: parse `{{named}}` placeholders, validate, resolve values, render text.
//! (Interface fixed; implementation in progress.)

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::MasterTemplate;

/// A piece of template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Placeholder(String),
}

/// Parse `text` into literal text and `{{placeholder}}` segments.
pub fn parse(template_code: &str, text: &str) -> Result<Vec<Segment>> {
    let _ = (template_code, text);
    unimplemented!()
}

/// The template's parameters in canonical order: `params` when declared, else placeholders in
/// order of first appearance (header, body, button suffix).
pub fn params(t: &MasterTemplate) -> Result<Vec<String>> {
    let _ = t;
    unimplemented!()
}

/// Check the whole template (texts, placeholders, mappings) without values.
pub fn validate(t: &MasterTemplate) -> Result<()> {
    let _ = t;
    unimplemented!()
}

/// A template's values, checked and in canonical parameter order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub values: Vec<(String, String)>,
    /// Values given that the template does not use (ignored; reported as a warning).
    pub unused: Vec<String>,
}

impl Resolved {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Pick the value of every parameter; a missing or blank value is an error.
pub fn resolve(t: &MasterTemplate, values: &BTreeMap<String, String>) -> Result<Resolved> {
    let _ = (t, values);
    unimplemented!()
}

/// Substitute placeholders in `text`. Values are inserted literally (a value containing `{{x}}`
/// is not expanded again).
pub fn render(template_code: &str, text: &str, values: &Resolved) -> Result<String> {
    let _ = (template_code, text, values);
    unimplemented!()
}
