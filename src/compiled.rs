//! A template validated and parsed once, when the engine is built: its texts, its parameters and
//! Meta's shape of it. A send then only looks values up and concatenates.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::meta_template::MetaShape;
use crate::model::{GatewayMapping, MasterTemplate, ProviderKind};
use crate::template::{non_blank, params, parse, validate, Segment, SendValues};

/// See the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct CompiledTemplate {
    /// Canonical parameter order, as [`params`] gives it.
    pub params: Vec<String>,
    pub body: Vec<Segment>,
    /// The header, when set.
    pub header: Option<Vec<Segment>>,
    /// A gateway's own body, when its mapping has one.
    pub watzap_body: Option<Vec<Segment>>,
    pub fonnte_body: Option<Vec<Segment>>,
    /// Which values Meta's header, body and button take.
    pub meta: MetaShape,
}

impl CompiledTemplate {
    /// [`validate`] `t` and keep its parsed texts.
    pub(crate) fn new(t: &MasterTemplate) -> Result<CompiledTemplate> {
        validate(t)?;
        let parse_set =
            |text: &Option<String>| non_blank(text).map(|text| parse(&t.code, text)).transpose();
        let gateway_body = |m: &Option<GatewayMapping>| match m {
            Some(m) => parse_set(&m.body),
            None => Ok(None),
        };
        let params = params(t)?;
        Ok(CompiledTemplate {
            params,
            body: parse(&t.code, &t.body)?,
            header: parse_set(&t.header)?,
            watzap_body: gateway_body(&t.watzap)?,
            fonnte_body: gateway_body(&t.fonnte)?,
            meta: MetaShape::of(t)?,
        })
    }

    /// The values of one send, checked (every parameter has a value that is not blank); `opt_in_link` fills
    /// [`OPT_IN_LINK`] when `given` has no value for it, or always when it is the recipient's
    /// own link (`personal_link`).
    pub(crate) fn values<'a>(
        &'a self,
        template_code: &str,
        given: &'a BTreeMap<String, String>,
        formatted: BTreeMap<String, String>,
        opt_in_link: Option<&'a str>,
        personal_link: bool,
    ) -> Result<SendValues<'a>> {
        SendValues::new(
            template_code,
            &self.params,
            given,
            formatted,
            opt_in_link,
            personal_link,
        )
    }

    /// The text `kind` sends, parsed: a gateway's own body when its mapping has one, else the
    /// master body (for Meta, the chat-bubble preview of the template).
    pub(crate) fn text_for(&self, kind: ProviderKind) -> &[Segment] {
        let own = match kind {
            ProviderKind::Meta => None,
            ProviderKind::Watzap => self.watzap_body.as_deref(),
            ProviderKind::Fonnte => self.fonnte_body.as_deref(),
        };
        own.unwrap_or(&self.body)
    }
}
