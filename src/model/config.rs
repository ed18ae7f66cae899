use serde::{Deserialize, Serialize};

use super::MasterTemplate;

/// Everything the engine knows about an office's setup. Built by the host (Odoo builds it from
/// records; the test page from its form) and passed to `Engine::new`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EngineConfig {
    /// Provider id tried first. When unset, the first provider of kind `meta` (so a database that
    /// only ever used Meta keeps its behaviour).
    pub default_provider: Option<String>,
    /// Provider ids in the order they are tried after the default one. When empty, the order of
    /// `providers`.
    pub fallback_order: Vec<String>,
    /// The invitation appended to gateway messages for recipients who have not opted in to Meta.
    pub opt_in: Option<OptInConfig>,
    /// Calling code assumed for numbers written without one (`"62"` when unset).
    pub default_country: Option<String>,
    pub providers: Vec<ProviderConfig>,
    pub templates: Vec<MasterTemplate>,
    /// Quiet hours and office holidays (`crate::quiet`); absent: messages leave at any time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHoursConfig>,
}

/// When non-urgent messages must not leave, in the recipient's local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuietHoursConfig {
    /// Start of the quiet window, `HH:MM` local time (default `21:00`).
    pub start: String,
    /// End of the window, exclusive (default `06:00`); before `start` when it wraps midnight,
    /// equal to `start` for no window (holidays only).
    pub end: String,
    /// Office holidays, local dates `YYYY-MM-DD`: no non-urgent message leaves on them.
    pub holidays: Vec<String>,
}

/// The quiet window when the configuration sets none (the catalogue's defaults).
pub const DEFAULT_QUIET_START: &str = "21:00";
pub const DEFAULT_QUIET_END: &str = "06:00";

impl Default for QuietHoursConfig {
    fn default() -> Self {
        QuietHoursConfig {
            start: DEFAULT_QUIET_START.into(),
            end: DEFAULT_QUIET_END.into(),
            holidays: Vec::new(),
        }
    }
}

/// The opt-in invitation. `text` may contain `{url}`; when unset an Indonesian default is used.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OptInConfig {
    /// Link to the consent page. A recipient's own `optInUrl` (e.g. carrying a signed token) wins.
    pub url: Option<String>,
    pub text: Option<String>,
}

/// One provider profile. Several profiles may share a kind (e.g. two Fonnte devices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConfig {
    pub id: String,
    pub kind: ProviderKind,
    #[serde(default)]
    pub state: ProviderState,
    /// Human name for traces; the id when unset.
    #[serde(default)]
    pub name: Option<String>,
    /// Overrides the provider's public base URL (the simulator stands in this way).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Meta Graph API version, e.g. `"v25.0"`.
    #[serde(default)]
    pub api_version: Option<String>,
    /// Per-request timeout the transport should apply, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
    /// Most sends per minute to this provider, spaced evenly (`crate::pace`): gateways ban numbers
    /// that send too fast. Absent or 0: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_minute: Option<u32>,
    #[serde(default)]
    pub credentials: Credentials,
}

/// Highest `ratePerMinute` accepted: one send per millisecond, the pacing's resolution.
pub const MAX_RATE_PER_MINUTE: u32 = 60_000;

impl ProviderConfig {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The rate limit, if any (0 means none).
    pub fn rate_limit(&self) -> Option<u32> {
        self.rate_per_minute.filter(|&r| r > 0)
    }

    /// Checks of the profile's own fields (`Engine::new` checks ids and references).
    pub fn validate(&self) -> crate::Result<()> {
        match self.rate_per_minute {
            Some(r) if r > MAX_RATE_PER_MINUTE => Err(crate::Error::config(format!(
                "provider {:?}: ratePerMinute {r} is above the maximum of {MAX_RATE_PER_MINUTE}",
                self.id
            ))),
            _ => Ok(()),
        }
    }
}

/// Credentials of every kind in one flat shape; each kind reads its own fields.
/// Secret fields never leave the engine unmasked except in the request actually sent. Unset ones
/// are left out when written (`maskConfig`): a kind's credentials show only its own fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Credentials {
    /// Meta: System User access token (secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Meta: Phone Number ID (not secret; part of the URL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    /// Meta: WhatsApp Business Account id (not secret; template sync).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waba_id: Option<String>,
    /// Watzap: account API key (secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// Watzap: number key of the paired WhatsApp number (secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_key: Option<String>,
    /// Fonnte: device token (secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// What replaces a secret in previews, logs and attempts.
pub const SECRET_MASK: &str = "•••";

impl Credentials {
    /// The secret values that are set, for redaction.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        [
            &self.access_token,
            &self.api_key,
            &self.number_key,
            &self.token,
        ]
        .into_iter()
        .filter_map(|s| s.as_deref())
        .filter(|s| !s.is_empty())
    }

    /// A copy with every secret that is set replaced by [`SECRET_MASK`].
    pub fn masked(&self) -> Credentials {
        let mask = |s: &Option<String>| s.as_ref().map(|_| SECRET_MASK.to_string());
        Credentials {
            access_token: mask(&self.access_token),
            api_key: mask(&self.api_key),
            number_key: mask(&self.number_key),
            token: mask(&self.token),
            phone_number_id: self.phone_number_id.clone(),
            waba_id: self.waba_id.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Meta,
    Watzap,
    Fonnte,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [
        ProviderKind::Meta,
        ProviderKind::Watzap,
        ProviderKind::Fonnte,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Meta => "meta",
            ProviderKind::Watzap => "watzap",
            ProviderKind::Fonnte => "fonnte",
        }
    }

    /// Watzap and Fonnte are unofficial gateways: they send free text and carry the opt-in link.
    pub fn is_gateway(self) -> bool {
        !matches!(self, ProviderKind::Meta)
    }
}

/// Lifecycle of a provider profile; only `configured` ones are eligible for sending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderState {
    #[default]
    Draft,
    Configured,
    Error,
}
