use std::collections::BTreeMap;

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// One message to one citizen, in the generic form (named values).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Master template code, e.g. `permit_ready`.
    pub template: String,
    pub recipient: Recipient,
    /// Named values for the template's `{{placeholders}}`. Numbers and booleans are accepted and
    /// turned into text.
    #[serde(default, deserialize_with = "scalar_map")]
    pub values: BTreeMap<String, String>,
    /// Provider id to use and nothing else (the test wizard).
    #[serde(default)]
    pub force_provider: Option<String>,
    /// Caller's key for deduplication; echoed in the outcome.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    /// As typed by a person; normalized by the engine.
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The citizen agreed to receive official (Meta) WhatsApp messages.
    #[serde(default)]
    pub meta_opt_in: bool,
    /// The citizen asked to receive nothing: no provider is used.
    #[serde(default)]
    pub opted_out: bool,
    /// Personal consent link (e.g. with a signed token); overrides the configured one.
    #[serde(default)]
    pub opt_in_url: Option<String>,
    /// IANA time zone (`Asia/Makassar`) for quiet hours; WIB when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// UTC offset of `time_zone` at `now`, computed by the host: used when the engine does not
    /// know the zone (a citizen abroad).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset_minutes: Option<i64>,
}

/// The values map, each value text, a number or a boolean (turned into text as JSON writes it);
/// `null` means absent. Read straight from the input: no intermediate `serde_json::Value` tree.
fn scalar_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    d.deserialize_option(ScalarMap)
}

struct ScalarMap;

impl<'de> Visitor<'de> for ScalarMap {
    type Value = BTreeMap<String, String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of values")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map
                .next_value::<Scalar>()
                .map_err(|e| de::Error::custom(format_args!("value of {key:?}: {e}")))?;
            if let Scalar(Some(v)) = value {
                out.insert(key, v);
            }
        }
        Ok(out)
    }
}

/// One value as text; `None` for `null`. Objects and arrays are refused.
struct Scalar(Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, a number or a boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(Some(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        // As serde_json writes numbers (`1.5`, `1e+20`), the text the engine always produced.
        let n = serde_json::Number::from_f64(v).ok_or_else(|| E::custom("not a finite number"))?;
        Ok(Scalar(Some(n.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(json: &str) -> Result<BTreeMap<String, String>, String> {
        let text =
            format!(r#"{{"template": "t", "recipient": {{"phone": "1"}}, "values": {json}}}"#);
        serde_json::from_str::<Notification>(&text)
            .map(|n| n.values)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn values_are_text_numbers_or_booleans() {
        let v =
            values(r#"{"a": "x", "b": 12, "c": -3, "d": 1.5, "e": 1e20, "f": true, "g": null}"#)
                .expect("scalars");
        let got: Vec<_> = v.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(got, ["a=x", "b=12", "c=-3", "d=1.5", "e=1e+20", "f=true"]);
        assert_eq!(values("null").expect("null"), BTreeMap::new());
    }

    #[test]
    fn nested_values_are_refused_with_the_key() {
        for bad in [r#"{"a": {"x": 1}}"#, r#"{"a": [1]}"#] {
            let e = values(bad).expect_err(bad);
            assert!(
                e.contains(r#"value of "a""#) && e.contains("text, a number or a boolean"),
                "{e}"
            );
        }
        assert!(values(r#""text""#).is_err());
    }
}
