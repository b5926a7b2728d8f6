//! A checkout request being assembled, and the one that passed validation.
//!
//! A draft is the JSON body itself: every source (config defaults, JSON input, flags, CSV
//! cells, prompt answers) gives one, and they are laid on each other field by field. Its
//! fields are addressed by their dot paths in `fields::FIELDS`, so no field is written out
//! here. Only `validate` turns a draft into a `ValidRequest`, the one thing that is sent.

use serde_json::{Map, Value};

use super::fields;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft(Map<String, Value>);

impl Draft {
    /// A draft of this JSON object, as it is.
    pub fn from_map(map: Map<String, Value>) -> Draft {
        Draft(map)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The value at `path`. The part of a path after a map field (`metadata.`) is one key of
    /// the user's own, which may hold dots of its own.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let (parts, key) = split(path);
        let mut map = &self.0;
        let mut parts = parts.iter().peekable();
        while let Some(part) = parts.next() {
            let value = map.get(*part)?;
            if parts.peek().is_none() && key.is_none() {
                return Some(value);
            }
            map = value.as_object()?;
        }
        key.and_then(|k| map.get(k))
    }

    /// Whether the draft has a value (not null) at `path`.
    pub fn is_set(&self, path: &str) -> bool {
        self.get(path).is_some_and(|v| !v.is_null())
    }

    /// The text at `path`, when it is a string.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(Value::as_str)
    }

    /// Sets `path` to `value`, making the objects on the way.
    pub fn set(&mut self, path: &str, value: Value) {
        let (parts, key) = split(path);
        let mut map = &mut self.0;
        let last = parts.len() - 1;
        for (i, part) in parts.iter().enumerate() {
            if i == last && key.is_none() {
                map.insert(part.to_string(), value);
                return;
            }
            let slot = map
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(inner) = slot else {
                return;
            };
            map = inner;
        }
        if let Some(key) = key {
            map.insert(key.to_string(), value);
        }
    }

    /// Takes the value at `path` out, if there is one.
    pub fn remove(&mut self, path: &str) {
        let (parts, key) = split(path);
        let mut map = &mut self.0;
        let last = parts.len() - 1;
        for (i, part) in parts.iter().enumerate() {
            if i == last && key.is_none() {
                map.remove(*part);
                return;
            }
            match map.get_mut(*part) {
                Some(Value::Object(inner)) => map = inner,
                _ => return,
            }
        }
        if let Some(key) = key {
            map.remove(key);
        }
    }

    /// Takes out the value at the path of these names (each a name as it is, dots and all).
    pub fn remove_names(&mut self, names: &[String]) {
        let Some((last, parents)) = names.split_last() else {
            return;
        };
        let mut map = &mut self.0;
        for name in parents {
            match map.get_mut(name) {
                Some(Value::Object(inner)) => map = inner,
                _ => return,
            }
        }
        map.remove(last);
    }

    /// `self` with `path` set, for building a layer in one expression.
    pub fn with(mut self, path: &str, value: Value) -> Draft {
        self.set(path, value);
        self
    }

    /// Lays `over` on top of `self`: a value set in `over` wins, objects (metadata included,
    /// key by key) merge.
    pub fn overlay(mut self, over: Draft) -> Draft {
        merge(&mut self.0, over.0);
        self
    }
}

fn merge(base: &mut Map<String, Value>, over: Map<String, Value>) {
    for (name, value) in over {
        if value.is_null() {
            continue;
        }
        match (base.get_mut(&name), value) {
            (Some(Value::Object(inner)), Value::Object(over)) => merge(inner, over),
            (_, value) => {
                base.insert(name, value);
            }
        }
    }
}

/// A path's parts down to a field, and the user's own key after a map field.
fn split(path: &str) -> (Vec<&str>, Option<&str>) {
    match fields::map_key(path) {
        Some((f, key)) => (f.path.split('.').collect(), Some(key)),
        None => (path.split('.').collect(), None),
    }
}

/// A field the API reference does not list, sent as given on purpose (`--set`, a batch with
/// `--allow-unknown`): its path as names (a JSON name may hold a dot) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Unlisted {
    pub names: Vec<String>,
    pub value: Value,
}

impl Unlisted {
    /// The path as a person writes it (`customization.lang`).
    pub fn path(&self) -> String {
        self.names.join(".")
    }
}

/// Sets the value at the path of `names` (each a name as it is, dots and all) in `map`,
/// making the objects on the way. A value on the way is left alone and nothing is set: the
/// callers' paths were checked to lead through objects.
pub(super) fn insert_at(map: &mut Map<String, Value>, names: &[String], value: Value) {
    let Some((last, parents)) = names.split_last() else {
        return;
    };
    let mut map = map;
    for name in parents {
        let slot = map
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        match slot {
            Value::Object(inner) => map = inner,
            _ => return,
        }
    }
    map.insert(last.clone(), value);
}

/// A request that passed every check of the contract. Only `validate` makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRequest(pub(super) Draft);

impl ValidRequest {
    pub fn get(&self) -> &Draft {
        &self.0
    }

    /// The exact bytes sent: compact JSON, the same bytes on every retry.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A map of strings, numbers and booleans always serialises.
        serde_json::to_vec(&self.0.0).unwrap_or_default()
    }

    pub fn as_value(&self) -> Value {
        Value::Object(self.0.0.clone())
    }

    /// The request with fields the reference does not list added, after every field it
    /// does. Each was found where the body has an object or at its top (`input`), so none
    /// lands inside a value; one that would is left out rather than replace the value.
    pub fn with_unlisted(mut self, unlisted: &[Unlisted]) -> ValidRequest {
        for u in unlisted {
            insert_at(&mut (self.0).0, &u.names, u.value.clone());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(v: Value) -> Draft {
        match v {
            Value::Object(m) => Draft::from_map(m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn paths_reach_into_objects_and_metadata_keys_stay_whole() {
        let d = draft(json!({"customer": {"email": "a@example.com"},
                             "metadata": {"a.b/c": "1", "a": null}}));
        assert_eq!(d.text("customer.email"), Some("a@example.com"));
        assert!(d.is_set("customer"));
        assert!(!d.is_set("customer.first_name"));
        assert!(d.is_set("metadata.a.b/c"));
        assert!(!d.is_set("metadata.a"));
        assert!(!d.is_set("amount.x"));
    }

    #[test]
    fn set_makes_the_objects_on_the_way() {
        let d = Draft::default()
            .with("restriction.phone.number", json!("07"))
            .with("metadata.order.id", json!("1024"))
            .with("amount", json!(5));
        assert_eq!(
            d.as_map(),
            draft(json!({"restriction": {"phone": {"number": "07"}},
                         "metadata": {"order.id": "1024"}, "amount": 5}))
            .as_map()
        );
    }

    #[test]
    fn overlay_merges_field_by_field() {
        let base = draft(
            json!({"customer": {"email": "a@example.com", "first_name": "Ama"},
                                "metadata": {"a": "1", "b": "2"}, "currency": "XOF"}),
        );
        let over = draft(json!({"customer": {"email": "b@example.com"},
                                "metadata": {"b": "3"}, "currency": null}));
        let merged = base.overlay(over);
        assert_eq!(
            serde_json::to_string(merged.as_map()).unwrap(),
            r#"{"customer":{"email":"b@example.com","first_name":"Ama"},"metadata":{"a":"1","b":"3"},"currency":"XOF"}"#
        );
    }

    fn body() -> Draft {
        draft(json!({"amount": 50,
                     "customer": {"email": "a@example.com", "first_name": "Ama"},
                     "metadata": {"a.b": "1", "c": "2"},
                     "customization": {"lang": "fr", "x": {"y": 1}}}))
    }

    fn without(path: &str) -> Value {
        let mut d = body();
        d.remove(path);
        Value::Object(d.as_map().clone())
    }

    #[test]
    fn remove_takes_out_one_value_at_its_path() {
        assert_eq!(
            without("amount"),
            json!({"customer": {"email": "a@example.com", "first_name": "Ama"},
                   "metadata": {"a.b": "1", "c": "2"},
                   "customization": {"lang": "fr", "x": {"y": 1}}})
        );
        assert_eq!(
            without("customer.email"),
            json!({"amount": 50, "customer": {"first_name": "Ama"},
                   "metadata": {"a.b": "1", "c": "2"},
                   "customization": {"lang": "fr", "x": {"y": 1}}})
        );
        // A metadata key is one key, dots and all.
        assert_eq!(
            without("metadata.a.b"),
            json!({"amount": 50, "customer": {"email": "a@example.com", "first_name": "Ama"},
                   "metadata": {"c": "2"},
                   "customization": {"lang": "fr", "x": {"y": 1}}})
        );
        // Nothing at the path, or a value where an object would be: nothing changes.
        for absent in [
            "currency",
            "restriction.phone.number",
            "amount.x",
            "metadata.zz",
        ] {
            assert_eq!(
                without(absent),
                Value::Object(body().as_map().clone()),
                "{absent}"
            );
        }
    }

    #[test]
    fn remove_names_follows_names_as_they_are() {
        let mut d = draft(json!({"a.b": 1, "a": {"b": 2, "c": 3}, "n": 4}));
        d.remove_names(&["a".into(), "b".into()]);
        assert_eq!(
            Value::Object(d.as_map().clone()),
            json!({"a.b": 1, "a": {"c": 3}, "n": 4})
        );
        d.remove_names(&["a.b".into()]);
        assert_eq!(
            Value::Object(d.as_map().clone()),
            json!({"a": {"c": 3}, "n": 4})
        );
        d.remove_names(&["n".into(), "x".into()]);
        d.remove_names(&["zz".into(), "c".into()]);
        d.remove_names(&[]);
        assert_eq!(
            Value::Object(d.as_map().clone()),
            json!({"a": {"c": 3}, "n": 4})
        );
    }

    #[test]
    fn set_keeps_the_siblings_and_replaces_a_value_in_the_way() {
        let d = Draft::default()
            .with("customer.email", json!("a@example.com"))
            .with("customer.first_name", json!("Ama"))
            .with("metadata.a", json!("1"))
            .with("metadata.b", json!("2"));
        assert_eq!(
            Value::Object(d.as_map().clone()),
            json!({"customer": {"email": "a@example.com", "first_name": "Ama"},
                   "metadata": {"a": "1", "b": "2"}})
        );
        let d = draft(json!({"customer": "Ama"})).with("customer.email", json!("a@example.com"));
        assert_eq!(
            Value::Object(d.as_map().clone()),
            json!({"customer": {"email": "a@example.com"}})
        );
        assert_eq!(d.text("customer.email"), Some("a@example.com"));
        assert_eq!(d.text("customer"), None);
        assert_eq!(body().text("metadata.a.b"), Some("1"));
        assert_eq!(body().get("amount"), Some(&json!(50)));
        assert!(!draft(json!({"currency": null})).is_set("currency"));
    }

    #[test]
    fn a_valid_request_as_a_value_and_with_unlisted_fields() {
        let valid = ValidRequest(draft(
            json!({"amount": 50, "customization": {"lang": "fr"}}),
        ));
        assert_eq!(
            valid.as_value(),
            json!({"amount": 50, "customization": {"lang": "fr"}})
        );
        let unlisted = |path: &str, value: Value| Unlisted {
            names: path.split('/').map(str::to_string).collect(),
            value,
        };
        let with = valid.with_unlisted(&[
            unlisted("customization/theme", json!("dark")),
            unlisted("extra/deep/x", json!(1)),
            // Inside a value: left out rather than replace it.
            unlisted("amount/x", json!(2)),
            unlisted("top.dotted", json!(true)),
        ]);
        assert_eq!(
            String::from_utf8(with.to_bytes()).unwrap(),
            r#"{"amount":50,"customization":{"lang":"fr","theme":"dark"},"extra":{"deep":{"x":1}},"top.dotted":true}"#
        );
        assert_eq!(
            unlisted("customization/lang", json!("fr")).path(),
            "customization.lang"
        );
    }
}
