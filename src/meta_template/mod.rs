//! Meta's template shape, owned in one place: which values Meta's header, body and URL button
//! take ([`MetaShape`]), the typed message a send carries ([`MetaMessage`]: components and text
//! parameters, written to the request body by `providers::meta`), the sanitizing of values
//! ([`sanitize`]) and Meta's length and shape limits. The lint (`crate::lint`) checks templates
//! against these rules; the engine builds every Meta message through [`meta_message`].
//!
//! The URL button's `index` is sent as a JSON **string** (`"index": "0"`): that is the type in
//! Meta's own Cloud API examples and in the OpenAPI-derived schema of the messages endpoint. Meta
//! also tolerates a number (pywa sends one), but the documented form is the safer bet.

mod sanitize;

use std::borrow::Cow;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{MasterTemplate, MetaParamFormat};
use crate::template::{self, non_blank, Segment, Values};

pub use sanitize::{sanitize_meta_cow, sanitize_meta_value, sanitize_resolved};

/// Meta's limits (providers.md §C.6).
pub const META_BODY_MAX: usize = 1024;
pub const META_HEADER_MAX: usize = 60;
pub const META_NAME_MAX: usize = 512;
/// Above this many body parameters we warn (Odoo refuses more than 10 free-text variables).
pub const META_BODY_PARAMS_WARN: usize = 10;
/// Longest run of plain spaces Meta accepts inside a parameter value.
pub const META_MAX_SPACES: usize = 4;

/// Meta language code used when neither the mapping nor the template has one.
pub const DEFAULT_LANGUAGE: &str = "id";

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
/// [`crate::compiled::CompiledTemplate`]).
#[derive(Debug, Clone)]
pub(crate) struct MetaShape {
    /// [`meta_header_param`].
    pub header: Option<String>,
    /// Characters of the master header outside its placeholders: with the header value, what
    /// Meta's header will be long (at most [`META_HEADER_MAX`]).
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
            format!("the Meta message of template {:?}", crate::shorten(&t.code))
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
        if chars > META_HEADER_MAX {
            return Err(Error::MetaHeaderTooLong {
                template: t.code.clone(),
                chars,
                max: META_HEADER_MAX,
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

pub(crate) fn is_number(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_digit())
}

/// `"007"` → `"7"`, `"0"` → `"0"`.
pub(crate) fn strip_zeros(n: &str) -> String {
    let s = n.trim_start_matches('0');
    if s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Compare digit strings by value without parsing (they may exceed any integer type).
pub(crate) fn numeric_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (strip_zeros(a), strip_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}
