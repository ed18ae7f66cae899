//! The engine: a validated configuration and the operations every host calls.

use std::collections::BTreeMap;

use crate::compiled::CompiledTemplate;
use crate::error::{Error, Result};
use crate::meta_template::{self, MetaMessage};
use crate::model::{
    Decision, EngineConfig, HttpRequest, MasterTemplate, Notification, ProviderConfig, ProviderKind,
};
use crate::phone;
use crate::providers::{provider, Content, Secrets};
use crate::quiet::{self, QuietRules, SendWindow};
use crate::route;
use crate::template::{self, Resolved, SendValues};

/// A configuration checked once, ready for any number of notifications.
#[derive(Debug, Clone)]
pub struct Engine {
    config: EngineConfig,
    default_country: String,
    templates: BTreeMap<String, usize>,
    /// Parsed form of each template of `config.templates` (same index); `None` when invalid.
    compiled: Vec<Option<CompiledTemplate>>,
    /// Templates that failed validation: reported when used, so one broken template does not stop
    /// the others from being sent.
    template_errors: BTreeMap<String, Error>,
    /// Templates whose Meta lint has an error, with the error: Meta is not eligible for them.
    meta_blocked: BTreeMap<String, route::MetaBlock>,
    opt_in_text: route::OptInText,
    quiet: Option<QuietRules>,
}

/// A notification whose phone, template and values were checked.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub notification: &'a Notification,
    pub template: &'a MasterTemplate,
    pub phone: String,
    /// The values, checked; borrowed from the notification (see [`Prepared::resolved`]).
    pub(crate) values: SendValues<'a>,
    pub(crate) compiled: &'a CompiledTemplate,
}

impl Prepared<'_> {
    /// The values in canonical order, and those the template does not use.
    pub fn resolved(&self) -> Resolved {
        self.values.to_resolved()
    }
}

/// What a provider carries for one notification, built once whatever the number of requests
/// (a dispatch builds the real and the masked one from it).
pub(crate) enum Message<'a> {
    Meta(MetaMessage<'a>),
    Text(String),
}

impl Message<'_> {
    fn content(&self) -> Content<'_> {
        match self {
            Message::Meta(m) => Content::Meta(m),
            Message::Text(t) => Content::Text(t),
        }
    }
}

impl Engine {
    /// Check the configuration's structure (ids, references). Template problems are kept and
    /// reported when that template is used.
    pub fn new(config: EngineConfig) -> Result<Engine> {
        let default_country = config
            .default_country
            .as_deref()
            .map(|c| c.trim().trim_start_matches('+'))
            .filter(|c| !c.is_empty())
            .unwrap_or(phone::DEFAULT_COUNTRY)
            .to_string();
        if default_country.len() > 3 || !default_country.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config_field(
                "defaultCountry",
                format!(
                    "defaultCountry must be a calling code of 1 to 3 digits, not {default_country:?}"
                ),
            ));
        }
        let mut ids = template::Names::default();
        for (i, p) in config.providers.iter().enumerate() {
            if p.id.trim().is_empty() {
                return Err(Error::config(format!(
                    "provider number {} has an empty id",
                    i + 1
                )));
            }
            p.validate()?;
            if !ids.insert(&p.id) {
                return Err(Error::config(format!(
                    "provider id {:?} is used twice",
                    p.id
                )));
            }
        }
        let known = |id: &str| ids.contains(id);
        if let Some(d) = config.default_provider.as_deref().filter(|d| !d.is_empty()) {
            if !known(d) {
                return Err(Error::config_field(
                    "defaultProvider",
                    format!("defaultProvider {d:?} is not a provider id"),
                ));
            }
        }
        if let Some(bad) = config.fallback_order.iter().find(|id| !known(id)) {
            return Err(Error::config_field(
                "fallbackOrder",
                format!("fallbackOrder names {bad:?}, which is not a provider id"),
            ));
        }
        let mut templates = BTreeMap::new();
        let mut compiled = Vec::with_capacity(config.templates.len());
        let mut template_errors = BTreeMap::new();
        let mut meta_blocked = BTreeMap::new();
        for (i, t) in config.templates.iter().enumerate() {
            if t.code.trim().is_empty() {
                return Err(Error::config(format!(
                    "template number {} has an empty code",
                    i + 1
                )));
            }
            if templates.insert(t.code.clone(), i).is_some() {
                return Err(Error::config(format!(
                    "template code {:?} is used twice",
                    t.code
                )));
            }
            // An oversize template is refused before its texts are parsed or linted.
            if let Err(e) = crate::limits::check_template(t) {
                meta_blocked.insert(t.code.clone(), route::MetaBlock::lint(e.to_string()));
                compiled.push(None);
                template_errors.insert(t.code.clone(), e);
                continue;
            }
            // Meta would refuse a template that breaks its rules: find out once, not per send.
            if t.meta.is_some() {
                let issues = crate::lint::lint_template(t);
                let errors = || {
                    issues
                        .iter()
                        .filter(|i| i.severity == crate::lint::Severity::Error)
                };
                // An edit since Meta's approval is said as such: it is what the admin must fix.
                let changed = errors().find(|i| i.code == crate::lint::APPROVED_MISMATCH);
                if let Some(issue) = changed {
                    meta_blocked.insert(
                        t.code.clone(),
                        route::MetaBlock::changed(issue.message.clone()),
                    );
                } else if let Some(first) = errors().next() {
                    meta_blocked.insert(
                        t.code.clone(),
                        route::MetaBlock::lint(first.message.clone()),
                    );
                }
            }
            match CompiledTemplate::new(t) {
                Ok(c) => compiled.push(Some(c)),
                Err(e) => {
                    compiled.push(None);
                    template_errors.insert(t.code.clone(), e);
                }
            }
        }
        let quiet = config
            .quiet_hours
            .as_ref()
            .map(QuietRules::new)
            .transpose()?;
        Ok(Engine {
            quiet,
            opt_in_text: route::OptInText::new(&config),
            config,
            default_country,
            templates,
            compiled,
            template_errors,
            meta_blocked,
        })
    }

    /// [`Engine::new`] of a configuration given as JSON text; `what` names it in a parse error.
    pub fn from_json(text: &str, what: &str) -> Result<Engine> {
        let config: EngineConfig =
            serde_json::from_str(text).map_err(|e| Error::input(format!("{what}: {e}")))?;
        Engine::new(config)
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Validation errors of templates, by code.
    pub fn template_errors(&self) -> &BTreeMap<String, Error> {
        &self.template_errors
    }

    /// A template by code, without validation.
    pub fn template(&self, code: &str) -> Result<&MasterTemplate> {
        self.templates
            .get(code)
            .and_then(|&i| self.config.templates.get(i))
            .ok_or_else(|| Error::TemplateUnknown {
                code: code.to_string(),
            })
    }

    /// A template by code with its parsed form; its validation error when it is invalid.
    fn valid_template(&self, code: &str) -> Result<(&MasterTemplate, &CompiledTemplate)> {
        let t = self.template(code)?;
        let compiled = self
            .templates
            .get(code)
            .and_then(|&i| self.compiled.get(i))
            .and_then(Option::as_ref);
        match (compiled, self.template_errors.get(code)) {
            (Some(c), None) => Ok((t, c)),
            (_, Some(e)) => Err(e.clone()),
            (None, None) => Err(Error::TemplateUnknown {
                code: code.to_string(),
            }),
        }
    }

    pub fn provider(&self, id: &str) -> Result<&ProviderConfig> {
        self.config
            .providers
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::ProviderUnknown { id: id.to_string() })
    }

    pub fn normalize_phone(&self, input: &str) -> Result<String> {
        phone::normalize(input, &self.default_country)
    }

    /// Check phone, template and values. The reserved value `opt_in_link` is the recipient's
    /// own consent link when they have one (a value given for it is ignored: it could point
    /// anywhere), else the value given, else the configured link.
    pub fn prepare<'a>(&'a self, n: &'a Notification) -> Result<Prepared<'a>> {
        let (template, compiled) = self.valid_template(&n.template)?;
        let phone = self.normalize_phone(&n.recipient.phone)?;
        let opt_in_link = route::opt_in_url(&self.config, n);
        let personal = route::personal_opt_in_url(n).is_some();
        let formatted = if n.values.typed.is_empty() {
            BTreeMap::new()
        } else {
            let r = &n.recipient;
            let mut clock = || {
                let (zone, _) = quiet::resolve_zone(r.time_zone.as_deref(), r.utc_offset_minutes)?;
                Ok(crate::typed::Clock {
                    offset_minutes: zone.offset_minutes,
                    label: zone.label.into_owned(),
                })
            };
            let lang = crate::typed::Lang::of(template.language.as_deref());
            crate::typed::format_all(&template.code, &n.values.typed, lang, &mut clock)?
        };
        let values = compiled.values(
            &template.code,
            &n.values.text,
            formatted,
            opt_in_link,
            personal,
        )?;
        Ok(Prepared {
            notification: n,
            template,
            phone,
            values,
            compiled,
        })
    }

    /// Which providers, in which order, and why.
    pub fn decide(&self, n: &Notification) -> Result<Decision> {
        let prepared = self.prepare(n)?;
        self.decide_prepared(&prepared)
    }

    pub(crate) fn decide_prepared(&self, prepared: &Prepared<'_>) -> Result<Decision> {
        route::decide(
            &self.config,
            prepared.template,
            prepared.notification,
            prepared.phone.clone(),
            self.meta_blocked.get(&prepared.template.code),
        )
    }

    /// What the citizen reads when `kind` carries the message (gateway text with the invitation
    /// when it applies; for Meta, the master body as a preview of the approved template).
    pub fn message_text(&self, prepared: &Prepared<'_>, kind: ProviderKind) -> Result<String> {
        let t = prepared.template;
        let segments = prepared.compiled.text_for(kind);
        let link = route::opt_in_link(&self.config, t, prepared.notification, kind);
        let Some(url) = link else {
            return template::render_segments(&t.code, segments, &prepared.values, 0);
        };
        let extra = 2 + self.opt_in_text.len(url);
        let mut text = template::render_segments(&t.code, segments, &prepared.values, extra)?;
        text.push_str("\n\n");
        self.opt_in_text.push_to(&mut text, url);
        Ok(text)
    }

    /// The Meta message for a prepared notification, typed (see [`MetaMessage`]).
    pub(crate) fn meta_message<'a>(&self, prepared: &'a Prepared<'_>) -> Result<MetaMessage<'a>> {
        meta_template::meta_message(prepared.template, &prepared.compiled.meta, &prepared.values)
    }

    /// What `p` carries for this notification: the Meta message, or the gateway text.
    pub(crate) fn message_for<'a>(
        &self,
        prepared: &'a Prepared<'_>,
        p: &ProviderConfig,
    ) -> Result<Message<'a>> {
        match p.kind {
            ProviderKind::Meta => self
                .meta_message(prepared)
                .map(Message::Meta)
                // A header too long for this message keeps its own code: the template and the
                // profile are fine, only this value does not fit.
                .map_err(|e| match e {
                    Error::MetaHeaderTooLong { .. } => e,
                    e => unsupported(p, &e),
                }),
            kind => self.message_text(prepared, kind).map(Message::Text),
        }
    }

    /// The HTTP request `p` gets for this notification. With `masked`, credentials are replaced by
    /// the mask (previews, logs); the unmasked request is only for actually sending.
    pub fn request_for(
        &self,
        prepared: &Prepared<'_>,
        p: &ProviderConfig,
        masked: bool,
    ) -> Result<HttpRequest> {
        let secrets = if masked {
            Secrets::Masked
        } else {
            Secrets::Real
        };
        let message = self.message_for(prepared, p)?;
        self.build_request(prepared, p, secrets, &message)
    }

    /// The request carrying `message` through `p`.
    pub(crate) fn build_request(
        &self,
        prepared: &Prepared<'_>,
        p: &ProviderConfig,
        secrets: Secrets,
        message: &Message<'_>,
    ) -> Result<HttpRequest> {
        provider(p.kind).build_send_with(p, secrets, &prepared.phone, message.content())
    }

    /// When `n` may leave, asked at `now_ms`: quiet hours and holidays in the recipient's zone,
    /// unless its template is urgent or no quiet hours are configured.
    pub fn send_window(&self, n: &Notification, now_ms: i64) -> Result<SendWindow> {
        let urgent = self.template(&n.template)?.urgent;
        let r = &n.recipient;
        let (zone, zone_step) = quiet::resolve_zone(r.time_zone.as_deref(), r.utc_offset_minutes)?;
        Ok(match &self.quiet {
            None => SendWindow::now(zone, zone_step, now_ms, quiet::OFF),
            Some(_) if urgent => SendWindow::now(zone, zone_step, now_ms, quiet::URGENT),
            Some(rules) => rules.window(zone, vec![zone_step], now_ms),
        })
    }
}

/// A template that does not fit Meta, as the error of a request to Meta profile `p`.
fn unsupported(p: &ProviderConfig, e: &Error) -> Error {
    Error::ProviderUnsupported {
        id: p.id.clone(),
        reason: e.to_string(),
    }
}
