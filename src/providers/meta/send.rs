//! The request that sends a message: the JSON body of a template or a text send.

use super::super::common::{self, path_segment, required, JsonWriter};
use super::super::{Content, Provider, Secrets};
use super::{api_version, Meta};
use crate::error::Result;
use crate::meta_template::{MetaComponent, TextParameter};
use crate::model::{HttpRequest, ProviderConfig};

/// The request sending `content` to `to` through `p` (see [`Provider::build_send_with`]).
pub(super) fn request(
    meta: &Meta,
    p: &ProviderConfig,
    secrets: Secrets,
    to: &str,
    content: Content<'_>,
) -> Result<HttpRequest> {
    let token = common::secret(p, secrets, "accessToken", &p.credentials.access_token)?;
    let phone_id = required(p, "phoneNumberId", &p.credentials.phone_number_id)?;
    let to = common::recipient(to)?;
    let body = match content {
        Content::Meta(m) => {
            let typed = m.components.as_slice();
            // Omitted when there are none (a template without variables), which Meta accepts.
            let components = (!typed.is_empty()).then_some(typed);
            template_body(to, m.name, m.language, components, components_len(typed))?
        }
        Content::Text(text) => text_body(to, text)?,
    };
    let version = api_version(p);
    let url = crate::concat(&[
        meta.base_url(p),
        "/",
        &version,
        "/",
        &path_segment(phone_id),
        "/messages",
    ]);
    Ok(common::request(
        p,
        "POST",
        url,
        [
            ("Authorization", crate::concat(&["Bearer ", token])),
            ("Content-Type", "application/json".to_string()),
        ],
        Some(body),
    ))
}

/// Bytes of a template send body besides the components and the strings it carries.
const TEMPLATE_BODY_LEN: usize = 172;

/// Bytes of a text send body besides the strings it carries.
const TEXT_BODY_LEN: usize = 124;

// The bodies below are written key by key. Keys are in alphabetical order: the order `serde_json`
// gave the JSON objects these bodies used to be built as, kept so the bytes stay the same.

/// The JSON body of a template send; `components_len` is about how long the components are.
fn template_body(
    to: &str,
    name: &str,
    language: &str,
    components: Option<&[MetaComponent<'_>]>,
    components_len: usize,
) -> Result<String> {
    let size = TEMPLATE_BODY_LEN + to.len() + name.len() + language.len() + components_len;
    let mut w = JsonWriter::with_capacity(size);
    w.raw(r#"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"#);
    if let Some(c) = components {
        w.raw(r#""components":"#);
        write_components(&mut w, c);
        w.raw(",");
    }
    w.raw(r#""language":{"code":"#)
        .string(language)
        .raw(r#","policy":"deterministic"},"name":"#)
        .string(name)
        .raw(r#"},"to":"#)
        .string(to)
        .raw(r#","type":"template"}"#);
    w.finish()
}

/// Typed components, written exactly as `serde_json` serializes them (see the test
/// `typed_components_are_written_as_serialized`).
fn write_components(w: &mut JsonWriter, components: &[MetaComponent<'_>]) {
    w.raw("[");
    for (i, c) in components.iter().enumerate() {
        if i > 0 {
            w.raw(",");
        }
        w.raw("{");
        if let Some(index) = &c.index {
            w.raw(r#""index":"#).string(index).raw(",");
        }
        w.raw(r#""parameters":["#);
        for (j, p) in c.parameters.iter().enumerate() {
            if j > 0 {
                w.raw(",");
            }
            w.raw("{");
            if let Some(name) = p.parameter_name {
                w.raw(r#""parameter_name":"#).string(name).raw(",");
            }
            w.raw(r#""text":"#)
                .string(&p.text)
                .raw(r#","type":"#)
                .string(p.kind)
                .raw("}");
        }
        w.raw("]");
        if let Some(sub_type) = c.sub_type {
            w.raw(r#","sub_type":"#).string(sub_type);
        }
        w.raw(r#","type":"#).string(c.kind).raw("}");
    }
    w.raw("]");
}

/// About how long [`write_components`] writes `components`, to size the body it goes in.
fn components_len(components: &[MetaComponent<'_>]) -> usize {
    let parameter = |p: &TextParameter<'_>| {
        // {"parameter_name":"…","text":"…","type":"text"}
        let name = p.parameter_name.map_or(0, |n| 20 + n.len());
        25 + name + common::with_escapes(p.text.len())
    };
    let component = |c: &MetaComponent<'_>| {
        // {"index":"…","parameters":[…],"sub_type":"…","type":"…"},
        let index = c.index.as_ref().map_or(0, |i| 11 + i.len());
        let sub_type = c.sub_type.map_or(0, |s| 14 + s.len());
        27 + index + sub_type + c.kind.len() + c.parameters.iter().map(parameter).sum::<usize>()
    };
    2 + components.iter().map(component).sum::<usize>()
}

/// The JSON body of a text send.
fn text_body(to: &str, text: &str) -> Result<String> {
    let size = TEXT_BODY_LEN + to.len() + common::with_escapes(text.len());
    let mut w = JsonWriter::with_capacity(size);
    w.raw(r#"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"#)
        .string(text)
        .raw(r#","preview_url":false},"to":"#)
        .string(to)
        .raw(r#","type":"text"}"#);
    w.finish()
}

#[cfg(test)]
#[path = "send_tests.rs"]
mod tests;
