//! Lint master templates and values against Meta's rules before anything is sent.
//! (Interface fixed; implementation in progress.)

use serde::{Deserialize, Serialize};

use crate::model::MasterTemplate;
use crate::template::Resolved;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Meta would refuse this; Meta is not eligible until it is fixed.
    Error,
    /// Works, but worth a look (e.g. a value was sanitized).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LintIssue {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Which part it concerns: `body`, `header`, `meta.templateName`, `values.permit_number`…
    pub field: Option<String>,
}

/// Meta rules on the template itself (name, lengths, parameter count and order).
pub fn lint_template(t: &MasterTemplate) -> Vec<LintIssue> {
    let _ = t;
    unimplemented!()
}

/// Meta rules on the values of one send (sanitized values, hydrated body length).
pub fn lint_values(t: &MasterTemplate, resolved: &Resolved) -> Vec<LintIssue> {
    let _ = (t, resolved);
    unimplemented!()
}
