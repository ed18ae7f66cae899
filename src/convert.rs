//! Generic named values → each provider's parameter form, and the text gateways send.
//!
//! Meta gets a `template` object whose `components` follow the Cloud API shape
//! (providers.md §C.2); its values are sanitized first (rule in [`crate::lint`]). Gateways get the
//! values exactly as given, either as rendered text or as numbered variables.
//!
//! The URL button's `index` is sent as a JSON **string** (`"index": "0"`): that is the type in
//! Meta's own Cloud API examples and in the OpenAPI-derived schema of the messages endpoint. Meta
//! also tolerates a number (pywa sends one), but the documented form is the safer bet.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::lint::{is_number, numeric_cmp, sanitize_meta_cow};
use crate::model::{GatewayMapping, MasterTemplate, MetaParamFormat};
use crate::template::{self, non_blank, Resolved, Segment, Values};

/// Meta language code used when neither the mapping nor the template has one.
pub const DEFAULT_LANGUAGE: &str = "id";

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

/// Names for Meta's body `{{1}}`, `{{2}}`… (or named parameters), in order: the mapping's
/// `bodyParams`, else the body's placeholders — by number when they are all numbered (the
/// master body then mirrors Meta's own `{{1}}`…), else in order of first appearance.
pub fn meta_body_params(t: &MasterTemplate) -> Result<Vec<String>> {
    if let Some(meta) = t.meta.as_ref().filter(|m| !m.body_params.is_empty()) {
        return Ok(meta.body_params.clone());
    }
    let mut names = template::placeholders(&t.code, &t.body)?;
    if names.iter().all(|n| is_number(n)) {
        crate::sort_texts(&mut names, numeric_cmp);
    }
    Ok(names)
}

/// Name whose value fills Meta's header `{{1}}`: the mapping's `headerParam`, else the master
/// header's first placeholder; `None` when the header takes no parameter.
pub fn meta_header_param(t: &MasterTemplate) -> Result<Option<String>> {
    if let Some(name) = t.meta.as_ref().and_then(|m| non_blank(&m.header_param)) {
        return Ok(Some(name.to_string()));
    }
    match non_blank(&t.header) {
        Some(header) => Ok(template::placeholders(&t.code, header)?.into_iter().next()),
        None => Ok(None),
    }
}

/// Which values Meta's header, body and button take: worked out once per template (see
/// [`crate::template::CompiledTemplate`]).
#[derive(Debug, Clone)]
pub(crate) struct MetaShape {
    /// [`meta_header_param`].
    pub header: Option<String>,
    /// Characters of the master header outside its placeholders: with the header value, what
    /// Meta's header will be long (at most [`crate::lint::META_HEADER_MAX`]).
    pub header_fixed_chars: usize,
    /// [`meta_body_params`].
    pub body: Vec<String>,
    /// The button URL suffix, parsed, when it is set.
    pub button: Option<Vec<Segment>>,
}

impl MetaShape {
    pub(crate) fn of(t: &MasterTemplate) -> Result<MetaShape> {
        // A header that does not parse is the lint's to report; it adds nothing here.
        let header_fixed_chars = non_blank(&t.header)
            .and_then(|h| template::parse(&t.code, h).ok())
            .map_or(0, |segments| {
                segments
                    .iter()
                    .map(|s| match s {
                        Segment::Text(x) => x.chars().count(),
                        Segment::Placeholder(_) => 0,
                    })
                    .sum()
            });
        Ok(MetaShape {
            header: meta_header_param(t)?,
            header_fixed_chars,
            body: meta_body_params(t)?,
            button: non_blank(&t.button_url_suffix)
                .map(|suffix| template::parse(&t.code, suffix))
                .transpose()?,
        })
    }

    /// Names whose values a Meta send carries (header, body, button), without repeats.
    pub(crate) fn value_names(&self) -> Vec<String> {
        let button = self.button.iter().flatten().filter_map(|s| match s {
            Segment::Placeholder(name) => Some(name),
            Segment::Text(_) => None,
        });
        let mut seen = template::Names::default();
        let mut names: Vec<String> = Vec::new();
        for name in self.header.iter().chain(&self.body).chain(button) {
            if seen.insert(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

/// A Meta template message, typed: the engine writes the request body from it directly, and
/// previews show it serialized (`name`, `language`, `components`, `sanitized`). Values are
/// borrowed from the send's values unless sanitizing changed them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetaMessage<'a> {
    pub(crate) name: &'a str,
    pub(crate) language: &'a str,
    pub(crate) components: Vec<MetaComponent<'a>>,
    pub(crate) sanitized: Vec<String>,
}

/// One entry of Meta's `components`. Fields are in alphabetical order: the order `serde_json` gave
/// the JSON objects they used to be built as, kept so the bytes stay the same.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MetaComponent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) index: Option<String>,
    pub(crate) parameters: Vec<TextParameter<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sub_type: Option<&'static str>,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

/// `{"type": "text", "text": …}`, with `parameter_name` for named templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TextParameter<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) parameter_name: Option<&'a str>,
    pub(crate) text: Cow<'a, str>,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
}

impl<'a> TextParameter<'a> {
    fn new(text: Cow<'a, str>, parameter_name: Option<&'a str>) -> Self {
        TextParameter {
            parameter_name,
            text,
            kind: "text",
        }
    }
}

/// The Meta template name and language of `t`; `Err(TemplateMapping)` without a usable mapping.
fn meta_identity(t: &MasterTemplate) -> Result<(&str, &str)> {
    let mapping = |reason: &str| Error::TemplateMapping {
        template: t.code.clone(),
        reason: reason.to_string(),
    };
    let meta = t
        .meta
        .as_ref()
        .ok_or_else(|| mapping("the template has no Meta mapping"))?;
    let name = meta.template_name.trim();
    if name.is_empty() {
        return Err(mapping("the Meta template name is empty"));
    }
    let language = non_blank(&meta.language)
        .or(non_blank(&t.language))
        .map(str::trim)
        .unwrap_or(DEFAULT_LANGUAGE);
    Ok((name, language))
}

/// The Meta message for these values, given the template's [`MetaShape`].
pub(crate) fn meta_message<'a>(
    t: &'a MasterTemplate,
    shape: &'a MetaShape,
    values: &'a dyn Values,
) -> Result<MetaMessage<'a>> {
    let (name, language) = meta_identity(t)?;
    let named = t
        .meta
        .as_ref()
        .is_some_and(|m| m.param_format == MetaParamFormat::Named);
    let button_index = t.meta.as_ref().and_then(|m| m.button_index).unwrap_or(0);

    let mut sanitized: Vec<String> = Vec::new();
    let mut seen = template::Names::default();
    // Bytes of every parameter so far: Meta's parameters are one message (`limits::Limit::Message`).
    let mut total = 0usize;
    // The sanitized value of `name`, noting when sanitizing changed it.
    let mut value = |name: &'a str| -> Result<Cow<'a, str>> {
        let original = values.value(name).ok_or_else(|| missing(t, name))?;
        total = total.saturating_add(original.len());
        crate::limits::Limit::Message.check(total, || {
            format!(
                "the Meta message of template {:?}",
                template::shorten(&t.code)
            )
        })?;
        let clean = sanitize_meta_cow(original);
        if clean != original && seen.insert(name) {
            sanitized.push(name.to_string());
        }
        Ok(clean)
    };

    let mut components = Vec::with_capacity(3);
    if let Some(header) = &shape.header {
        let text = value(header)?;
        // Meta's limit is on the header as shown, sanitized value included (providers.md §F).
        let chars = shape.header_fixed_chars + text.chars().count();
        if chars > crate::lint::META_HEADER_MAX {
            return Err(Error::MetaHeaderTooLong {
                template: t.code.clone(),
                chars,
            });
        }
        // Named templates name the header parameter too, as pywa and whatsapp-api-js send it.
        // Meta's own page on it was not found (NOT CONFIRMED, docs/meta-conformance.md): if Meta
        // refuses it, the answer is a config error and the fallback proceeds.
        let parameter_name = named.then_some(header.as_str());
        components.push(MetaComponent {
            index: None,
            parameters: vec![TextParameter::new(text, parameter_name)],
            sub_type: None,
            kind: "header",
        });
    }

    if !shape.body.is_empty() {
        let mut parameters = Vec::with_capacity(shape.body.len());
        for name in &shape.body {
            let parameter_name = named.then_some(name.as_str());
            parameters.push(TextParameter::new(value(name)?, parameter_name));
        }
        components.push(MetaComponent {
            index: None,
            parameters,
            sub_type: None,
            kind: "body",
        });
    }

    if let Some(suffix) = &shape.button {
        let mut text = String::new();
        for segment in suffix {
            match segment {
                Segment::Text(s) => text.push_str(s),
                Segment::Placeholder(name) => text.push_str(&value(name)?),
            }
        }
        components.push(MetaComponent {
            index: Some(button_index.to_string()),
            parameters: vec![TextParameter::new(Cow::Owned(text), None)],
            sub_type: Some("url"),
            kind: "button",
        });
    }

    Ok(MetaMessage {
        name,
        language,
        components,
        sanitized,
    })
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

/// A Meta value that cannot be found: a parameter without value, or a mapping naming something
/// that is not a parameter.
fn missing(t: &MasterTemplate, name: &str) -> Error {
    let is_param = template::params(t)
        .map(|p| p.iter().any(|n| n == name))
        .unwrap_or(false);
    if is_param {
        Error::TemplateMissingParam {
            template: t.code.clone(),
            param: name.to_string(),
        }
    } else {
        Error::TemplateMapping {
            template: t.code.clone(),
            reason: format!(
                "the Meta mapping names {name:?}, which is not a parameter of the template"
            ),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
#[path = "convert_tests.rs"]
mod tests;
