//! Whether a JSON text names a field twice in one object. serde_json keeps the last of two
//! `event`s without a word, while another parser (the app's, behind `--forward-to`) may keep
//! the first: the listener would log and filter one delivery and forward another. A delivery
//! that repeats a name is refused instead.

use std::collections::HashSet;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The first name found twice in one object of `text`, if any; None also for a text that is
/// not JSON (whose own error is reported elsewhere).
pub fn repeated_name(text: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(text);
    match de.deserialize_any(Walk) {
        Err(e) => e
            .to_string()
            .strip_prefix(REPEATED)
            .map(|rest| rest.split('\u{0}').next().unwrap_or_default().to_string()),
        Ok(()) => None,
    }
}

/// How the walk's error names the repeated key: a marker no serde_json message starts with,
/// the name, and a NUL before serde_json's " at line L column C".
const REPEATED: &str = "\u{0}repeated:";

struct Walk;

impl<'de> DeserializeSeed<'de> for Walk {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(Walk)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert(name.clone()) {
                return Err(de::Error::custom(format!("{REPEATED}{name}\u{0}")));
            }
            map.next_value_seed(Walk)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Walk)?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_repeated_in_one_object_is_found() {
        assert_eq!(
            repeated_name(br#"{"event":"payment.completed","event":"payment.failed"}"#),
            Some("event".into())
        );
        assert_eq!(
            repeated_name(br#"{"a":1,"payment":{"id":"TRX1","status":"x","id":"TRX2"}}"#),
            Some("id".into())
        );
        assert_eq!(
            repeated_name(br#"[{"k":1},{"k":2,"k":3}]"#),
            Some("k".into())
        );
        // Escapes are names too: "\u0065vent" is "event".
        assert_eq!(
            repeated_name(br#"{"event":1,"\u0065vent":2}"#),
            Some("event".into())
        );
        assert_eq!(
            repeated_name(br#"{"a":{"k":1},"b":{"k":1},"k":[1,1]}"#),
            None
        );
        assert_eq!(
            repeated_name(br#"{"n":1.5e3,"t":true,"z":null,"s":"x"}"#),
            None
        );
        assert_eq!(repeated_name(b"not json"), None);
        assert_eq!(repeated_name(b"[1,2]"), None);
    }
}
