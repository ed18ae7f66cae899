use serde::{Deserialize, Serialize};

/// A master template: one message, written once with named placeholders, and how each provider
/// carries it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MasterTemplate {
    /// Stable code used by senders, e.g. `permit_ready`.
    pub code: String,
    pub name: String,
    /// BCP-47-ish language code as Meta uses it (`id`, `en_US`).
    pub language: Option<String>,
    /// Message text with `{{named}}` placeholders.
    pub body: String,
    /// Optional text header (Meta: ≤ 60 chars, at most one placeholder).
    pub header: Option<String>,
    /// Optional dynamic suffix of a Meta URL button, e.g. `{{permit_number}}`.
    pub button_url_suffix: Option<String>,
    /// Declared parameters in their canonical order. When empty, the placeholders in order of
    /// first appearance (header, body, button).
    pub params: Vec<String>,
    /// Append the opt-in invitation on gateway sends to recipients without Meta opt-in
    /// (default true; the opt-in request template itself sets false).
    pub append_opt_in_link: Option<bool>,
    /// Sent at any time, even during quiet hours and on office holidays.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub urgent: bool,
    pub meta: Option<MetaMapping>,
    pub watzap: Option<GatewayMapping>,
    pub fonnte: Option<GatewayMapping>,
}

/// How the template maps to an approved Meta template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetaMapping {
    /// Meta template name (lowercase, digits, underscore).
    pub template_name: String,
    /// Meta language code; the master template's language when unset.
    pub language: Option<String>,
    pub param_format: MetaParamFormat,
    /// Named values in `{{1}}`, `{{2}}`… order for the body (positional) — or the parameter names
    /// (named format). The body's placeholders in order when empty.
    pub body_params: Vec<String>,
    /// Value for the header's `{{1}}`, when the Meta template has a text header variable.
    pub header_param: Option<String>,
    /// Index of the URL button whose suffix is `button_url_suffix` (default 0).
    pub button_index: Option<u32>,
    /// Meta review status as last synced (`APPROVED`, `PENDING`, …). When set and not approved,
    /// Meta is not eligible for this template.
    pub status: Option<String>,
    /// Meta's quality score as last known (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`), from the sync or
    /// the `message_template_quality_update` webhook. `RED`: Meta is not used for this template
    /// (it pauses such templates; sends would fail with 132015 or hurt the number's rating).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// Distinct body parameters of the Meta template as Meta approved it (the sync's
    /// `bodyParamCount`). When the master template sends another number, Meta would refuse every
    /// send (132000): the lint says so (`meta.approved_mismatch`) and routing skips Meta.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_body_param_count: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetaParamFormat {
    #[default]
    Positional,
    Named,
}

/// How a gateway (Watzap / Fonnte) carries the template: it sends rendered text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayMapping {
    /// Text to use instead of the master body (same named placeholders).
    pub body: Option<String>,
    /// Order of values for the numbered variable form (`{"1": …}` / `{"var1": …}`); the master
    /// parameter order when empty.
    pub variables: Vec<String>,
}
