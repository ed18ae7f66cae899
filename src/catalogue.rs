//! The engine's catalogue, for hosts that show its results: every trace, lint and error code with
//! its Indonesian and English sentence and the named arguments the sentence takes; per provider
//! kind, each credential field marked secret or public; and the defaults a host would otherwise
//! repeat (country code, opt-in text, Meta API version, timeouts, the secret mask).
//!
//! Hosts render from it and keep no copy: a sentence is `id` or `en` with each `{arg}` replaced
//! by the argument of that name (from the error's, step's or issue's fields); `{{{param}}}` shows
//! a placeholder as the template writes it. A test fails when a code used anywhere in `src/` has
//! no sentence. An error's `suggestion` (a corrected input, which not every such error has) is
//! worded by its own entry `phone.suggestion`, appended by hosts when the error carries one.
//!
//! The sentences (src/catalogue/sentences.json) are kept out of the web `.wasm` (its size budget):
//! the `catalogue` and `maskConfig` ops are built without the `js` feature (native, host ABI) or
//! with the `catalogue` feature (the npm package's node build, from which `scripts/build/pkg.sh`
//! writes `pkg/catalogue.js` for the browser facade).

use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::model::{EngineConfig, ProviderKind, SECRET_MASK};

/// Every code's sentences: `{"<code>": {"args": [...], "id": "...", "en": "..."}}`.
pub const SENTENCES: &str = include_str!("catalogue/sentences.json");

/// Whether a credential field is a secret (masked everywhere) or a public identifier (shown, and
/// part of a URL): only Meta's phone number id and business account id are public.
pub fn is_secret(field: &str) -> bool {
    !matches!(field, "phoneNumberId" | "wabaId")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    codes: &'a RawValue,
    credentials: Vec<KindFields>,
    defaults: Defaults,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KindFields {
    kind: ProviderKind,
    fields: Vec<Field>,
    /// What the host passes as a profile's `secret` to `parseWebhook`.
    webhook_secret: &'static str,
}

#[derive(Serialize)]
struct Field {
    name: &'static str,
    secret: bool,
    /// A profile of this kind cannot send without it (its requests refuse `config.invalid`).
    required: bool,
}

/// The credentials each kind's requests cannot be built without (tests/rust/catalogue.rs checks
/// this against the providers' request builders).
fn is_required(kind: ProviderKind, field: &str) -> bool {
    matches!(
        (kind, field),
        (ProviderKind::Meta, "accessToken" | "phoneNumberId")
            | (ProviderKind::Watzap, "apiKey" | "numberKey")
            | (ProviderKind::Fonnte, "token")
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Defaults {
    /// Country code of a number typed without one (`0812…`).
    country: &'static str,
    /// The opt-in invitation when the configuration has none; `{url}` is the personal link.
    opt_in_text: &'static str,
    meta_api_version: &'static str,
    /// Language of a template without one, and of Meta's when its mapping has none.
    language: &'static str,
    /// A request's timeout when its profile sets none (every request carries its own).
    timeout_ms: u32,
    /// How long to wait after a throttled send when the provider says nothing.
    retry_after_ms: i64,
    /// What replaces a secret in previews, logs and browser configurations.
    secret_mask: &'static str,
    /// The quiet window (`HH:MM`, the recipient's local time) when the configuration sets none.
    quiet_start: &'static str,
    quiet_end: &'static str,
}

/// The `catalogue` op's answer (JSON text).
pub fn catalogue() -> Result<String> {
    let codes: &RawValue = serde_json::from_str(SENTENCES)
        .map_err(|e| Error::config(format!("the catalogue's sentences are not JSON: {e}")))?;
    let credentials = [
        ProviderKind::Meta,
        ProviderKind::Watzap,
        ProviderKind::Fonnte,
    ]
    .into_iter()
    .map(|kind| KindFields {
        kind,
        fields: crate::secrets::credential_fields(kind)
            .iter()
            .map(|&name| Field {
                name,
                secret: is_secret(name),
                required: is_required(kind, name),
            })
            .collect(),
        webhook_secret: crate::secrets::webhook_secret_field(kind),
    })
    .collect();
    let answer = Answer {
        codes,
        credentials,
        defaults: Defaults {
            country: crate::phone::DEFAULT_COUNTRY,
            opt_in_text: crate::route::DEFAULT_OPT_IN_TEXT,
            meta_api_version: crate::providers::meta::DEFAULT_API_VERSION,
            language: crate::meta_template::DEFAULT_LANGUAGE,
            timeout_ms: crate::transport::DEFAULT_TIMEOUT_MS,
            retry_after_ms: crate::dispatch::DEFAULT_RETRY_AFTER_MS,
            secret_mask: SECRET_MASK,
            quiet_start: crate::model::DEFAULT_QUIET_START,
            quiet_end: crate::model::DEFAULT_QUIET_END,
        },
    };
    serde_json::to_string(&answer)
        .map_err(|e| Error::input(format!("cannot encode the catalogue: {e}")))
}

/// `config` as a browser may hold it: every secret credential replaced by the mask, public
/// identifiers kept (a preview built from it is byte-identical to the server's masked preview; a
/// request built from it for sending fails). The `maskConfig` op.
pub fn mask_config(mut config: EngineConfig) -> EngineConfig {
    for p in &mut config.providers {
        p.credentials = p.credentials.masked();
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn sentences() -> serde_json::Map<String, Value> {
        serde_json::from_str(SENTENCES).expect("sentences.json is a JSON object")
    }

    /// Every `"<family>.<name>"` literal of the engine's sources (tests and examples excluded)
    /// that names a code.
    fn codes_in_sources() -> BTreeSet<String> {
        const FAMILIES: &[&str] = &[
            "phone",
            "template",
            "config",
            "provider",
            "input",
            "dispatch",
            "engine",
            "limit",
            "credentials",
            "route",
            "quiet",
            "pace",
            "meta",
            "evidence",
            "text",
            "free_text",
            "webhook",
        ];
        // Literals with a family's prefix that are not codes: a lint issue's `field`.
        const NOT_CODES: &[&str] = &["meta.templateName", "meta.bodyParams", "meta.headerParam"];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut found = BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("catalogue.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Only production code: a module's tests start at its `#[cfg(test)]`.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for literal in code.split('"').skip(1).step_by(2) {
                let Some((family, name)) = literal.split_once('.') else {
                    continue;
                };
                let is_code = FAMILIES.contains(&family)
                    && !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if is_code && !NOT_CODES.contains(&literal) {
                    found.insert(literal.to_string());
                }
            }
        }
        found
    }

    #[test]
    fn every_code_used_in_the_engine_has_its_sentences() {
        let sentences = sentences();
        let used = codes_in_sources();
        assert!(used.len() > 60, "the scan found too few codes: {used:?}");
        let missing: Vec<&String> = used
            .iter()
            .filter(|c| !sentences.contains_key(*c))
            .collect();
        assert!(
            missing.is_empty(),
            "codes without a sentence in src/catalogue/sentences.json: {missing:?}"
        );
        // Every error the engine can raise, whatever its form in the sources.
        use crate::limits::Limit;
        for limit in [
            Limit::Call,
            Limit::TemplateText,
            Limit::Placeholders,
            Limit::Value,
            Limit::Message,
            Limit::Batch,
        ] {
            assert!(sentences.contains_key(limit.code()), "{}", limit.code());
        }
    }

    #[test]
    fn every_sentence_is_in_both_languages_with_its_declared_arguments() {
        for (code, entry) in sentences() {
            let args: BTreeSet<&str> = entry["args"]
                .as_array()
                .unwrap_or_else(|| panic!("{code}: args"))
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            for lang in ["id", "en"] {
                let text = entry[lang]
                    .as_str()
                    .unwrap_or_else(|| panic!("{code}: no {lang} sentence"));
                assert!(!text.trim().is_empty(), "{code}: empty {lang} sentence");
                // `{name}` arguments, `{{{name}}}` (a placeholder as written) included.
                for part in text.split('{').skip(1) {
                    let name = part.split('}').next().unwrap_or_default();
                    if name.is_empty() || name == "{" || name == "…" {
                        continue;
                    }
                    assert!(
                        args.contains(name),
                        "{code} ({lang}) uses {{{name}}}, not in its args {args:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_error_gives_the_arguments_its_sentence_names() {
        use crate::limits::Limit;
        let t = || "t".to_string();
        let errors = [
            Error::PhoneInvalid {
                input: t(),
                reason: t(),
                reason_code: "phone.too_short_for_country",
                reason_args: vec![("country", t())],
            },
            Error::PhoneTrunkZeroDoubled {
                input: t(),
                suggestion: Some(t()),
            },
            Error::TemplateUnknown { code: t() },
            Error::TemplateMissingParam {
                template: t(),
                param: t(),
            },
            Error::TemplateUnknownPlaceholder {
                template: t(),
                placeholder: t(),
            },
            Error::TemplateMalformed {
                template: t(),
                reason: t(),
            },
            Error::TemplateEmpty { template: t() },
            Error::TemplateMapping {
                template: t(),
                reason: t(),
            },
            Error::ConfigInvalid {
                reason: t(),
                field: "defaultProvider",
            },
            Error::ProviderUnknown { id: t() },
            Error::ProviderUnsupported {
                id: t(),
                reason: t(),
            },
            Error::InputInvalid { reason: t() },
            Error::DispatchState { reason: t() },
            Error::NotConfigured,
            Error::TooLarge {
                code: Limit::Value.code(),
                what: t(),
                actual: 9,
                max: Limit::Value.max(),
                unit: "bytes",
            },
        ];
        let sentences = sentences();
        for e in errors {
            let declared: Vec<&str> = sentences[e.code()]["args"]
                .as_array()
                .unwrap_or_else(|| panic!("{} has no sentence", e.code()))
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            let args = e.args();
            let given: Vec<&str> = args.iter().map(|(k, _)| *k).collect();
            // A phone number's reason adds the arguments of its own sentence (`reasonCode`).
            let mut declared = declared;
            for (k, v) in &args {
                if *k == "reasonCode" {
                    let reason = sentences[v.as_str()]["args"].as_array().expect(v);
                    declared.extend(reason.iter().map(|a| a.as_str().unwrap()));
                }
            }
            assert_eq!(given, declared, "{}", e.code());
        }
    }

    /// Every lint issue (of the shared template fixture's templates, of bad templates written
    /// here, of Graph API versions) gives each argument its sentence names.
    #[test]
    fn every_lint_issue_gives_the_arguments_its_sentence_names() {
        let sentences = sentences();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/templates.json");
        let suite: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut templates: Vec<crate::model::MasterTemplate> =
            serde_json::from_value(suite["config"]["templates"].clone()).unwrap_or_default();
        let bad = [
            r#"{"code": "a", "body": "{{1}} {{3}}{{x}}", "header": "{{a}} {{b}} panjang sekali sekali sekali sekali sekali sekali sekali",
                "meta": {"templateName": "Izin Terbit", "language": "id-ID", "bodyParams": ["1", "y"],
                         "approvedBodyParamCount": 7}}"#,
            r#"{"code": "b", "body": "Halo {{Nama}}{{nomor_2}} {{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}} {{h}} {{i}} {{j}}",
                "meta": {"templateName": "", "language": "en_AU", "paramFormat": "named"}}"#,
            r#"{"code": "c", "body": "Halo {{2}} dan {{1}}", "meta": {"templateName": "ok", "language": "xx",
                "bodyParams": ["2", "1"]}}"#,
        ];
        for t in bad {
            templates.push(serde_json::from_str(t).unwrap());
        }
        let long = format!("{} {{{{x}}}}", "x".repeat(1100));
        templates.push(crate::model::MasterTemplate {
            code: "d".into(),
            body: long,
            meta: templates.last().and_then(|t| t.meta.clone()),
            ..Default::default()
        });
        let mut issues: Vec<crate::lint::LintIssue> = templates
            .iter()
            .flat_map(crate::lint::lint_template)
            .collect();
        for version in ["v1.0", "v99.0", "abc", "v25.0"] {
            let profile = serde_json::json!({"id": "m", "kind": "meta", "apiVersion": version});
            let profile = serde_json::from_value(profile).unwrap();
            // Far in the future and a day in 2026: ended, ending soon and unlisted versions.
            for now_ms in [4_102_444_800_000, 1_780_000_000_000] {
                issues.extend(crate::providers::graph_version::lint_profile(
                    &profile, now_ms,
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for issue in &issues {
            let declared = sentences[&issue.code]["args"]
                .as_array()
                .unwrap_or_else(|| panic!("{} has no sentence", issue.code));
            for arg in declared {
                let arg = arg.as_str().unwrap();
                assert!(
                    issue.args.contains_key(arg),
                    "{} ({}) lacks {arg}: {:?}",
                    issue.code,
                    issue.message,
                    issue.args
                );
            }
            seen.insert(issue.code.as_str());
        }
        assert!(seen.len() >= 14, "too few lint codes covered: {seen:?}");
    }

    /// Every trace step of the shared routing and quiet-hours fixtures gives each argument its
    /// sentence names (`provider` from the step's own field).
    #[test]
    fn every_trace_step_gives_the_arguments_its_sentence_names() {
        let sentences = sentences();
        let mut checked = BTreeSet::new();
        for file in ["routing.json", "quiet.json", "dispatch.json"] {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
            let text = std::fs::read_to_string(format!("{path}{file}")).unwrap();
            let suite: Value = serde_json::from_str(&text).unwrap();
            for case in suite["cases"].as_array().unwrap() {
                // Each case's transcript (tests/fixtures/README.md): its setup, then its steps.
                let mut host = crate::ops::Host::new();
                let setup = case.get("setup").unwrap_or(&suite["setup"]);
                let calls = setup
                    .as_array()
                    .unwrap()
                    .iter()
                    .chain(case["steps"].as_array().unwrap());
                for call in calls {
                    let call = serde_json::json!({"op": call["op"], "args": call["args"]});
                    let answer: Value =
                        serde_json::from_str(&host.call(&call.to_string())).unwrap();
                    let trace = answer["ok"]["trace"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    for step in trace {
                        let code = step["code"].as_str().unwrap();
                        let declared = sentences[code]["args"].as_array().unwrap();
                        for arg in declared {
                            let arg = arg.as_str().unwrap();
                            let given = if arg == "provider" {
                                step.get("provider")
                            } else {
                                step["args"].get(arg)
                            };
                            assert!(given.is_some(), "{file}: {code} lacks {arg}: {step}");
                        }
                        checked.insert(code.to_string());
                    }
                }
            }
        }
        assert!(checked.len() > 15, "too few codes seen: {checked:?}");
    }

    #[test]
    fn the_answer_has_codes_credentials_and_defaults() {
        let v: Value = serde_json::from_str(&catalogue().unwrap()).unwrap();
        assert_eq!(
            v["codes"]["template.missing_param"]["args"],
            serde_json::json!(["template", "param"])
        );
        assert_eq!(v["defaults"]["country"], "62");
        assert_eq!(v["defaults"]["secretMask"], "•••");
        assert_eq!(v["defaults"]["quietStart"], "21:00");
        assert_eq!(v["defaults"]["quietEnd"], "06:00");
        assert_eq!(
            v["defaults"]["metaApiVersion"],
            crate::providers::meta::DEFAULT_API_VERSION
        );
        let meta = &v["credentials"][0];
        assert_eq!(meta["kind"], "meta");
        let secret = |kind: usize, field: &str| {
            v["credentials"][kind]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == field)
                .map(|f| f["secret"].as_bool().unwrap())
        };
        assert_eq!(secret(0, "accessToken"), Some(true));
        assert_eq!(secret(0, "phoneNumberId"), Some(false));
        assert_eq!(secret(0, "appSecret"), Some(true));
        assert_eq!(secret(1, "numberKey"), Some(true));
        assert_eq!(secret(2, "token"), Some(true));
        assert_eq!(meta["webhookSecret"], "appSecret");
        assert_eq!(v["credentials"][2]["webhookSecret"], "webhookVerifyToken");
    }

    #[test]
    fn the_engine_masks_exactly_the_fields_marked_secret() {
        // Every credential set to its own name: what `masked` keeps must be the public ones.
        let c = crate::model::Credentials {
            access_token: Some("accessToken".into()),
            phone_number_id: Some("phoneNumberId".into()),
            waba_id: Some("wabaId".into()),
            api_key: Some("apiKey".into()),
            number_key: Some("numberKey".into()),
            token: Some("token".into()),
        };
        let masked = serde_json::to_value(c.masked()).unwrap();
        for (field, value) in masked.as_object().unwrap() {
            let expected = if is_secret(field) {
                SECRET_MASK
            } else {
                field.as_str()
            };
            assert_eq!(value, expected, "{field}");
        }
        let redacted: Vec<&str> = c.secrets().collect();
        for field in ["accessToken", "apiKey", "numberKey", "token"] {
            assert!(redacted.contains(&field), "{field} is redacted");
        }
    }
}
