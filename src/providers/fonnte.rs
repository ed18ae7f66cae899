//! Fonnte (interface fixed; implementation in progress).

use super::{Classified, Content, HealthCheck, Provider};
use crate::error::Result;
use crate::model::{HttpRequest, HttpResponse, ProviderConfig, ProviderKind};

pub struct Fonnte;

impl Provider for Fonnte {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Fonnte
    }

    fn default_base_url(&self) -> &'static str {
        unimplemented!()
    }

    fn build_send(
        &self,
        p: &ProviderConfig,
        to: &str,
        content: Content<'_>,
    ) -> Result<HttpRequest> {
        let _ = (p, to, content);
        unimplemented!()
    }

    fn classify_send(&self, resp: &HttpResponse) -> Classified {
        let _ = resp;
        unimplemented!()
    }

    fn build_health_check(&self, p: &ProviderConfig) -> Result<HttpRequest> {
        let _ = p;
        unimplemented!()
    }

    fn parse_health_check(&self, resp: &HttpResponse) -> HealthCheck {
        let _ = resp;
        unimplemented!()
    }
}
