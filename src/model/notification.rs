use std::collections::BTreeMap;

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::typed::{Clock, Lang, TypedValue};

/// One message to one citizen, in the generic form (named values).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Master template code, e.g. `permit_ready`.
    pub template: String,
    pub recipient: Recipient,
    /// Named values for the template's `{{placeholders}}`. Numbers and booleans are accepted and
    /// turned into text; a typed value (`{"type": "date", "value": "2027-01-31"}`) is written in
    /// the template's language (see [`crate::typed`]).
    #[serde(default)]
    pub values: Values,
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

/// A notification's values: texts, and typed values formatted once the template is known. A name
/// is in one of the two (the last one given wins). Typed values are few: a list, not a second
/// B-tree type (each costs the web build some 6 KB).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    pub text: BTreeMap<String, String>,
    pub typed: Vec<(String, TypedValue)>,
}

impl Values {
    /// Texts only.
    pub fn texts(text: BTreeMap<String, String>) -> Values {
        Values {
            text,
            typed: Vec::new(),
        }
    }

    /// Every value, typed ones formatted for `lang` (`clock` is asked for by a datetime).
    pub fn formatted(
        &self,
        template: &str,
        lang: Lang,
        clock: &mut dyn FnMut() -> crate::error::Result<Clock>,
    ) -> crate::error::Result<BTreeMap<String, String>> {
        let mut all = crate::typed::format_all(template, &self.typed, lang, clock)?;
        all.extend(self.text.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(all)
    }
}

impl Serialize for Values {
    /// One object again, as it was given.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.text.len() + self.typed.len()))?;
        for (k, v) in &self.text {
            map.serialize_entry(k, v)?;
        }
        for (k, v) in &self.typed {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Values {
    /// Each value text, a number or a boolean (turned into text as JSON writes it), or a typed
    /// value; `null` means absent. Read straight from the input: no intermediate
    /// `serde_json::Value` tree.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Values, D::Error> {
        d.deserialize_option(ScalarMap)
    }
}

struct ScalarMap;

impl<'de> Visitor<'de> for ScalarMap {
    type Value = Values;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of values")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Values::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Values::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Values::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = map
                .next_value::<Scalar>()
                .map_err(|e| de::Error::custom(format_args!("value of {key:?}: {e}")))?;
            out.typed.retain(|(k, _)| *k != key);
            out.text.remove(&key);
            match value {
                Scalar::Text(v) => {
                    out.text.insert(key, v);
                }
                Scalar::Typed(v) => out.typed.push((key, v)),
                Scalar::Null => {}
            }
        }
        Ok(out)
    }
}

/// One value: text, a typed value (an object) or `null`. Arrays are refused.
enum Scalar {
    Text(String),
    Typed(TypedValue),
    Null,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, a number, a boolean or a typed value {\"type\", \"value\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
        TypedValue::deserialize(de::value::MapAccessDeserializer::new(map)).map(Scalar::Typed)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        // As serde_json writes numbers (`1.5`, `1e+20`), the text the engine always produced.
        let n = serde_json::Number::from_f64(v).ok_or_else(|| E::custom("not a finite number"))?;
        Ok(Scalar::Text(n.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(json: &str) -> Result<BTreeMap<String, String>, String> {
        let text =
            format!(r#"{{"template": "t", "recipient": {{"phone": "1"}}, "values": {json}}}"#);
        serde_json::from_str::<Notification>(&text)
            .map(|n| n.values.text)
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
            assert!(e.contains(r#"value of "a""#), "{e}");
        }
        assert!(values(r#""text""#).is_err());
    }

    #[test]
    fn typed_values_round_trip_in_the_same_object() {
        let json = r#"{"template": "t", "recipient": {"phone": "1"}, "values":
            {"a": "x", "d": {"type": "date", "value": "2027-01-31"}, "n": {"type": "number", "value": 12.5},
             "a2": {"type": "text", "value": "y"}, "d": {"type": "date", "value": "2027-02-01"}}}"#;
        let n: Notification = serde_json::from_str(json).expect("typed");
        assert_eq!(n.values.text.len(), 1);
        let typed: Vec<_> = n
            .values
            .typed
            .iter()
            .map(|(k, v)| (k.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(
            typed,
            [("n", "12.5"), ("a2", "y"), ("d", "2027-02-01")],
            "the last one given wins"
        );
        let again: Notification =
            serde_json::from_str(&serde_json::to_string(&n).expect("json")).expect("back");
        assert_eq!(again, n);
    }
}
