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
#[cfg(test)]
use serde_json::json; // the tests write their JSON with it

use crate::error::{Error, Result};
use crate::lint::{is_number, numeric_cmp, sanitize_meta_cow};
use crate::model::{GatewayMapping, MasterTemplate, MetaParamFormat, ProviderKind};
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

/// Meta template payload for these values; `Err(TemplateMapping)` when the template has no Meta
/// mapping or the mapping does not fit.
pub fn meta_template(t: &MasterTemplate, resolved: &Resolved) -> Result<MetaTemplatePayload> {
    // A missing mapping is reported first: such a template's texts need not even parse.
    meta_identity(t)?;
    let shape = MetaShape::of(t)?;
    meta_message(t, &shape, &resolved.lookup())?.into_payload()
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

/// A Meta template message, typed: a [`MetaTemplatePayload`] before its components become a JSON
/// tree, so the engine writes the request body directly. Values are borrowed from the resolved
/// values unless sanitizing changed them. Serializes like the payload.
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

impl MetaMessage<'_> {
    /// The JSON form, as the `convertParams` and preview operations show it.
    pub fn into_payload(self) -> Result<MetaTemplatePayload> {
        let components = serde_json::to_value(&self.components)
            .map_err(|e| Error::input(format!("cannot encode the Meta components: {e}")))?;
        Ok(MetaTemplatePayload {
            name: self.name.to_string(),
            language: self.language.to_string(),
            components,
            sanitized: self.sanitized,
        })
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

/// The text a gateway sends (its mapping's body or the master body), without the opt-in link.
/// For [`ProviderKind::Meta`] this is the master body: the chat-bubble preview of a template send.
pub fn gateway_text(t: &MasterTemplate, kind: ProviderKind, resolved: &Resolved) -> Result<String> {
    let mapping = match kind {
        ProviderKind::Meta => None,
        ProviderKind::Watzap => t.watzap.as_ref(),
        ProviderKind::Fonnte => t.fonnte.as_ref(),
    };
    let text = mapping.and_then(|m| non_blank(&m.body)).unwrap_or(&t.body);
    if text.trim().is_empty() {
        return Err(Error::TemplateEmpty {
            template: t.code.clone(),
        });
    }
    template::render(&t.code, text, resolved)
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
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::MetaMapping;
    use crate::template::resolve;
    use proptest::prelude::*;

    const BODY: &str = "Yth. {{partner_name}}, izin Anda nomor {{permit_number}} telah terbit.";

    fn t() -> MasterTemplate {
        MasterTemplate {
            code: "permit_ready".into(),
            name: "Izin terbit".into(),
            body: BODY.into(),
            meta: Some(MetaMapping {
                template_name: "izin_terbit".into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn budi(tpl: &MasterTemplate) -> Resolved {
        resolve(
            tpl,
            &values(&[
                ("partner_name", "Budi Santoso"),
                ("permit_number", "503/IMB/2024"),
                ("permit_type", "IMB"),
            ]),
        )
        .unwrap()
    }

    fn meta_mut(tpl: &mut MasterTemplate) -> &mut MetaMapping {
        tpl.meta.get_or_insert_with(Default::default)
    }

    #[test]
    fn positional_body() {
        let tpl = t();
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(p.name, "izin_terbit");
        assert_eq!(p.language, "id");
        assert_eq!(
            p.components,
            json!([{"type": "body", "parameters": [
                {"type": "text", "text": "Budi Santoso"},
                {"type": "text", "text": "503/IMB/2024"},
            ]}])
        );
        assert!(p.sanitized.is_empty());
        let wire = serde_json::to_value(&p).unwrap();
        assert_eq!(wire["name"], "izin_terbit");
        assert!(wire.get("components").is_some() && wire.get("sanitized").is_some());
    }

    #[test]
    fn body_params_order_and_named_format() {
        let mut tpl = t();
        meta_mut(&mut tpl).body_params = vec!["permit_number".into(), "partner_name".into()];
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(p.components[0]["parameters"][0]["text"], "503/IMB/2024");

        meta_mut(&mut tpl).param_format = MetaParamFormat::Named;
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(
            p.components,
            json!([{"type": "body", "parameters": [
                {"type": "text", "text": "503/IMB/2024", "parameter_name": "permit_number"},
                {"type": "text", "text": "Budi Santoso", "parameter_name": "partner_name"},
            ]}])
        );

        // A named template's header parameter is named too; a positional one's never is.
        tpl.header = Some("Izin {{permit_type}}".into());
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(
            p.components[0],
            json!({"type": "header", "parameters": [
                {"type": "text", "text": "IMB", "parameter_name": "permit_type"}]})
        );
        meta_mut(&mut tpl).param_format = MetaParamFormat::Positional;
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(
            p.components[0],
            json!({"type": "header", "parameters": [{"type": "text", "text": "IMB"}]})
        );
    }

    #[test]
    fn numbered_master_body_follows_numbers() {
        let mut tpl = t();
        tpl.body = "Izin {{2}} atas nama {{1}} telah terbit.".into();
        let r = resolve(&tpl, &values(&[("1", "Siti"), ("2", "SIUP-7")])).unwrap();
        let p = meta_template(&tpl, &r).unwrap();
        assert_eq!(p.components[0]["parameters"][0]["text"], "Siti");
        assert_eq!(p.components[0]["parameters"][1]["text"], "SIUP-7");
    }

    #[test]
    fn header_and_button() {
        let mut tpl = t();
        tpl.header = Some("Izin {{permit_type}} terbit".into());
        tpl.button_url_suffix = Some("cek/{{permit_number}}".into());
        meta_mut(&mut tpl).language = Some("en_US".into());
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(p.language, "en_US");
        assert_eq!(
            p.components,
            json!([
                {"type": "header", "parameters": [{"type": "text", "text": "IMB"}]},
                {"type": "body", "parameters": [
                    {"type": "text", "text": "Budi Santoso"},
                    {"type": "text", "text": "503/IMB/2024"},
                ]},
                {"type": "button", "sub_type": "url", "index": "0",
                 "parameters": [{"type": "text", "text": "cek/503/IMB/2024"}]},
            ])
        );

        // An explicit header parameter wins; the button index comes from the mapping.
        meta_mut(&mut tpl).header_param = Some("permit_number".into());
        meta_mut(&mut tpl).button_index = Some(1);
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(p.components[0]["parameters"][0]["text"], "503/IMB/2024");
        assert_eq!(p.components[2]["index"], "1");
    }

    #[test]
    fn header_without_placeholder_is_omitted() {
        let mut tpl = t();
        tpl.header = Some("Pemberitahuan Izin".into());
        let p = meta_template(&tpl, &budi(&tpl)).unwrap();
        assert_eq!(p.components.as_array().map(Vec::len), Some(1));
        assert_eq!(p.components[0]["type"], "body");
    }

    #[test]
    fn no_parameters_no_components() {
        let mut tpl = t();
        tpl.body = "Kantor perizinan tutup hari ini.".into();
        let p = meta_template(&tpl, &Resolved::default()).unwrap();
        assert_eq!(p.components, json!([]));
    }

    #[test]
    fn language_falls_back_to_template_then_id() {
        let mut tpl = t();
        tpl.language = Some("en".into());
        assert_eq!(meta_template(&tpl, &budi(&tpl)).unwrap().language, "en");
        meta_mut(&mut tpl).language = Some(" ".into());
        assert_eq!(meta_template(&tpl, &budi(&tpl)).unwrap().language, "en");
        tpl.language = None;
        assert_eq!(meta_template(&tpl, &budi(&tpl)).unwrap().language, "id");
    }

    #[test]
    fn values_are_sanitized_for_meta_only() {
        let mut tpl = t();
        tpl.button_url_suffix = Some("{{permit_number}}".into());
        let r = resolve(
            &tpl,
            &values(&[
                ("partner_name", "Budi\nSantoso"),
                ("permit_number", "503\t/IMB"),
            ]),
        )
        .unwrap();
        let p = meta_template(&tpl, &r).unwrap();
        assert_eq!(p.components[0]["parameters"][0]["text"], "Budi Santoso");
        assert_eq!(p.components[1]["parameters"][0]["text"], "503 /IMB");
        assert_eq!(p.sanitized, ["partner_name", "permit_number"]);
        // Gateways keep the citizen's text as typed.
        assert_eq!(
            gateway_text(&tpl, ProviderKind::Fonnte, &r).unwrap(),
            "Yth. Budi\nSantoso, izin Anda nomor 503\t/IMB telah terbit."
        );
        assert_eq!(fonnte_params(&tpl, &r).0[0].1, "Budi\nSantoso");
    }

    #[test]
    fn mapping_errors() {
        let mut tpl = t();
        tpl.meta = None;
        let e = meta_template(&tpl, &budi(&tpl)).unwrap_err();
        assert_eq!(e.code(), "template.mapping");

        let mut tpl = t();
        meta_mut(&mut tpl).template_name = "  ".into();
        assert_eq!(
            meta_template(&tpl, &budi(&tpl)).unwrap_err().code(),
            "template.mapping"
        );

        let mut tpl = t();
        meta_mut(&mut tpl).body_params = vec!["partner_name".into(), "alamat".into()];
        assert_eq!(
            meta_template(&tpl, &budi(&tpl)).unwrap_err().code(),
            "template.mapping"
        );

        // A parameter without a value (values not resolved through `resolve`).
        let tpl = t();
        let partial = Resolved {
            values: vec![("partner_name".into(), "Budi".into())],
            unused: vec![],
        };
        assert_eq!(
            meta_template(&tpl, &partial).unwrap_err(),
            Error::TemplateMissingParam {
                template: "permit_ready".into(),
                param: "permit_number".into()
            }
        );
    }

    #[test]
    fn gateway_numbered_forms() {
        let mut tpl = t();
        let r = budi(&tpl);
        assert_eq!(
            serde_json::to_string(&watzap_params(&tpl, &r)).unwrap(),
            r#"{"1":"Budi Santoso","2":"503/IMB/2024"}"#
        );
        assert_eq!(
            serde_json::to_string(&fonnte_params(&tpl, &r)).unwrap(),
            r#"{"var1":"Budi Santoso","var2":"503/IMB/2024"}"#
        );
        tpl.fonnte = Some(GatewayMapping {
            body: None,
            variables: vec![
                "permit_number".into(),
                "partner_name".into(),
                "permit_number".into(),
            ],
        });
        assert_eq!(
            serde_json::to_string(&fonnte_params(&tpl, &r)).unwrap(),
            r#"{"var1":"503/IMB/2024","var2":"Budi Santoso","var3":"503/IMB/2024"}"#
        );
        // Watzap has no mapping: canonical order.
        assert_eq!(watzap_params(&tpl, &r).0[0].0, "1");
    }

    #[test]
    fn keys_keep_their_order_past_nine() {
        let r = Resolved {
            values: (1..=11).map(|i| (format!("p{i}"), i.to_string())).collect(),
            unused: vec![],
        };
        let json = serde_json::to_string(&fonnte_params(&t(), &r)).unwrap();
        assert!(json.find("\"var2\"") < json.find("\"var10\""), "{json}");
    }

    #[test]
    fn gateway_text_picks_the_right_body() {
        let mut tpl = t();
        tpl.watzap = Some(GatewayMapping {
            body: Some("Halo {{partner_name}}, izin {{permit_number}} sudah bisa diambil.".into()),
            variables: vec![],
        });
        tpl.fonnte = Some(GatewayMapping {
            body: Some("   ".into()),
            variables: vec![],
        });
        let r = budi(&tpl);
        assert_eq!(
            gateway_text(&tpl, ProviderKind::Watzap, &r).unwrap(),
            "Halo Budi Santoso, izin 503/IMB/2024 sudah bisa diambil."
        );
        let master = "Yth. Budi Santoso, izin Anda nomor 503/IMB/2024 telah terbit.";
        assert_eq!(
            gateway_text(&tpl, ProviderKind::Fonnte, &r).unwrap(),
            master
        );
        assert_eq!(gateway_text(&tpl, ProviderKind::Meta, &r).unwrap(), master);

        tpl.body = " ".into();
        assert_eq!(
            gateway_text(&tpl, ProviderKind::Fonnte, &r)
                .unwrap_err()
                .code(),
            "template.empty"
        );
    }

    #[test]
    fn placeholder_like_values_stay_literal() {
        let tpl = t();
        let r = resolve(
            &tpl,
            &values(&[
                ("partner_name", "{{permit_number}}"),
                ("permit_number", "{{x}}"),
            ]),
        )
        .unwrap();
        assert_eq!(
            gateway_text(&tpl, ProviderKind::Watzap, &r).unwrap(),
            "Yth. {{permit_number}}, izin Anda nomor {{x}} telah terbit."
        );
        let p = meta_template(&tpl, &r).unwrap();
        assert_eq!(
            p.components[0]["parameters"][0]["text"],
            "{{permit_number}}"
        );
    }

    proptest! {
        #[test]
        fn conversion_never_panics_and_meta_values_are_clean(
            name in any::<String>(),
            number in any::<String>(),
            named in any::<bool>(),
        ) {
            let mut tpl = t();
            tpl.header = Some("Izin {{permit_number}}".into());
            tpl.button_url_suffix = Some("{{permit_number}}".into());
            if named {
                meta_mut(&mut tpl).param_format = MetaParamFormat::Named;
            }
            let r = Resolved {
                values: vec![("partner_name".into(), name.clone()), ("permit_number".into(), number.clone())],
                unused: vec![],
            };
            let p = meta_template(&tpl, &r).unwrap();
            let components = p.components.as_array().cloned().unwrap_or_default();
            prop_assert_eq!(components.len(), 3);
            for c in &components {
                for param in c["parameters"].as_array().cloned().unwrap_or_default() {
                    let text = param["text"].as_str().unwrap_or_default().to_string();
                    prop_assert!(!text.contains(['\n', '\r', '\t']));
                    prop_assert!(!text.contains("     "));
                }
            }
            // Gateways: exact text, values literal.
            let expected = format!("Yth. {name}, izin Anda nomor {number} telah terbit.");
            prop_assert_eq!(gateway_text(&tpl, ProviderKind::Watzap, &r).unwrap(), expected);
            let f = fonnte_params(&tpl, &r);
            prop_assert_eq!(f.0, vec![("var1".to_string(), name), ("var2".to_string(), number)]);
        }

        #[test]
        fn numbered_keys_are_contiguous(n in 0usize..30) {
            let r = Resolved {
                values: (0..n).map(|i| (format!("p{i}"), format!("v{i}"))).collect(),
                unused: vec![],
            };
            let w = watzap_params(&t(), &r);
            let keys: Vec<String> = w.0.iter().map(|(k, _)| k.clone()).collect();
            let expected: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            prop_assert_eq!(keys, expected);
        }

        #[test]
        fn arbitrary_templates_never_panic(
            body in "[a-z {}]{0,30}",
            header in proptest::option::of("[a-z {}]{0,15}"),
            suffix in proptest::option::of("[a-z {}/]{0,15}"),
            v in any::<String>(),
        ) {
            let mut tpl = t();
            tpl.body = body;
            tpl.header = header;
            tpl.button_url_suffix = suffix;
            let vals: BTreeMap<String, String> = ["a", "b", "ab", "x"].iter().map(|k| (k.to_string(), v.clone())).collect();
            if let Ok(r) = resolve(&tpl, &vals) {
                let _ = meta_template(&tpl, &r);
                let _ = gateway_text(&tpl, ProviderKind::Fonnte, &r);
                let _ = crate::lint::lint_values(&tpl, &r);
            }
            let _ = meta_template(&tpl, &Resolved::default());
            let _ = crate::lint::lint_template(&tpl);
        }
    }
}
