//! The engine: a validated configuration and the operations every host calls.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::convert::{self, MetaTemplatePayload};
use crate::dispatch::Dispatch;
use crate::error::{Error, Result};
use crate::model::{
    Decision, EngineConfig, HttpRequest, MasterTemplate, Notification, ProviderConfig, ProviderKind,
};
use crate::phone;
use crate::preview::{Plan, Preview, ProviderPreview};
use crate::providers::{provider, Content};
use crate::route;
use crate::template::{self, Resolved};

/// A configuration checked once, ready for any number of notifications.
#[derive(Debug, Clone)]
pub struct Engine {
    config: EngineConfig,
    default_country: String,
    templates: BTreeMap<String, usize>,
    /// Templates that failed validation: reported when used, so one broken template does not stop
    /// the others from being sent.
    template_errors: BTreeMap<String, Error>,
}

/// A notification whose phone, template and values were checked.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub notification: &'a Notification,
    pub template: &'a MasterTemplate,
    pub phone: String,
    pub resolved: Resolved,
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
            return Err(Error::config(format!(
                "defaultCountry must be a calling code of 1 to 3 digits, not {default_country:?}"
            )));
        }
        for (i, p) in config.providers.iter().enumerate() {
            if p.id.trim().is_empty() {
                return Err(Error::config(format!(
                    "provider number {} has an empty id",
                    i + 1
                )));
            }
            if config.providers[..i].iter().any(|q| q.id == p.id) {
                return Err(Error::config(format!(
                    "provider id {:?} is used twice",
                    p.id
                )));
            }
        }
        let known = |id: &str| config.providers.iter().any(|p| p.id == id);
        if let Some(d) = config.default_provider.as_deref().filter(|d| !d.is_empty()) {
            if !known(d) {
                return Err(Error::config(format!(
                    "defaultProvider {d:?} is not a provider id"
                )));
            }
        }
        if let Some(bad) = config.fallback_order.iter().find(|id| !known(id)) {
            return Err(Error::config(format!(
                "fallbackOrder names {bad:?}, which is not a provider id"
            )));
        }
        let mut templates = BTreeMap::new();
        let mut template_errors = BTreeMap::new();
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
            if let Err(e) = template::validate(t) {
                template_errors.insert(t.code.clone(), e);
            }
        }
        Ok(Engine {
            config,
            default_country,
            templates,
            template_errors,
        })
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

    fn valid_template(&self, code: &str) -> Result<&MasterTemplate> {
        let t = self.template(code)?;
        match self.template_errors.get(code) {
            Some(e) => Err(e.clone()),
            None => Ok(t),
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

    /// Check phone, template and values. The reserved value `opt_in_link` is filled from the
    /// recipient's consent link when the template uses it and the caller did not give it.
    pub fn prepare<'a>(&'a self, n: &'a Notification) -> Result<Prepared<'a>> {
        let template = self.valid_template(&n.template)?;
        let phone = self.normalize_phone(&n.recipient.phone)?;
        let mut values = Cow::Borrowed(&n.values);
        if !values.contains_key(template::OPT_IN_LINK) {
            if let Some(url) = route::opt_in_url(&self.config, n) {
                if template::params(template)?
                    .iter()
                    .any(|p| p == template::OPT_IN_LINK)
                {
                    values
                        .to_mut()
                        .insert(template::OPT_IN_LINK.to_string(), url.to_string());
                }
            }
        }
        let resolved = template::resolve(template, &values)?;
        Ok(Prepared {
            notification: n,
            template,
            phone,
            resolved,
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
        )
    }

    /// What the citizen reads when `kind` carries the message (gateway text with the invitation
    /// when it applies; for Meta, the master body as a preview of the approved template).
    pub fn message_text(&self, prepared: &Prepared<'_>, kind: ProviderKind) -> Result<String> {
        let mut text = convert::gateway_text(prepared.template, kind, &prepared.resolved)?;
        if let Some(url) =
            route::opt_in_link(&self.config, prepared.template, prepared.notification, kind)
        {
            text.push_str("\n\n");
            text.push_str(&route::opt_in_paragraph(&self.config, url));
        }
        Ok(text)
    }

    /// Meta template payload for a prepared notification.
    pub fn meta_payload(&self, prepared: &Prepared<'_>) -> Result<MetaTemplatePayload> {
        convert::meta_template(prepared.template, &prepared.resolved)
    }

    /// The HTTP request `p` gets for this notification. With `masked`, credentials are replaced by
    /// the mask (previews, logs); the unmasked request is only for actually sending.
    pub fn request_for(
        &self,
        prepared: &Prepared<'_>,
        p: &ProviderConfig,
        masked: bool,
    ) -> Result<HttpRequest> {
        let masked_profile;
        let profile = if masked {
            masked_profile = ProviderConfig {
                credentials: p.credentials.masked(),
                ..p.clone()
            };
            &masked_profile
        } else {
            p
        };
        let mut req = match p.kind {
            ProviderKind::Meta => {
                let payload =
                    self.meta_payload(prepared)
                        .map_err(|e| Error::ProviderUnsupported {
                            id: p.id.clone(),
                            reason: e.to_string(),
                        })?;
                provider(p.kind).build_send(
                    profile,
                    &prepared.phone,
                    Content::Template(&payload),
                )?
            }
            kind => {
                let text = self.message_text(prepared, kind)?;
                provider(kind).build_send(profile, &prepared.phone, Content::Text(&text))?
            }
        };
        if req.timeout_ms.is_none() {
            req.timeout_ms = p.timeout_ms;
        }
        Ok(req)
    }

    /// One provider's view of the notification: text, parameters, masked request.
    pub fn render(&self, n: &Notification, provider_id: &str) -> Result<ProviderPreview> {
        let prepared = self.prepare(n)?;
        let p = self.provider(provider_id)?;
        Ok(ProviderPreview::build(self, &prepared, p, None))
    }

    /// The decision plus what every provider would get, credentials masked.
    pub fn preview(&self, n: &Notification) -> Result<Preview> {
        let prepared = self.prepare(n)?;
        Preview::build(self, &prepared)
    }

    /// Decision and the first masked request, for dry runs and bulk planning.
    pub fn plan(&self, n: &Notification) -> Result<Plan> {
        let prepared = self.prepare(n)?;
        Plan::build(self, &prepared)
    }

    /// Start sending `n`; see [`Dispatch`].
    pub fn dispatch(&self, n: &Notification, now_ms: i64) -> Result<Dispatch> {
        Dispatch::new(self, n, now_ms)
    }
}
