//! The whole draft against every row of the table: what is required, each value's check, and
//! the limits of a map. Pure: a draft in, the request to send or every problem out.

use serde_json::{Map, Number, Value};

use super::checks::{METADATA_MAX_KEYS, secret_keys};
use super::draft::{Draft, ValidRequest};
use super::fields::{FIELDS, Field, Kind, Need, flag_for};
use crate::error::FieldError;

/// Checks the whole draft against every row of `fields::FIELDS`; returns the request to send,
/// normalised and in the reference page's order, or every problem at once.
pub fn validate(draft: Draft) -> Result<ValidRequest, Vec<FieldError>> {
    // Every layer parsed from text was searched already (`input`); this covers the others
    // (config defaults, metadata answered at a prompt), so no valid request ever holds a key.
    // Alone: the checks below quote the values they refuse.
    let mut found = Vec::new();
    secret_keys(&Value::Object(draft.as_map().clone()), "", &mut found);
    if !found.is_empty() {
        return Err(found
            .into_iter()
            .map(|(field, why)| problem(&field, why))
            .collect());
    }

    let mut problems = Vec::new();
    let mut valid = Draft::default();
    for f in FIELDS {
        match draft.get(f.path).filter(|v| !v.is_null()) {
            None => {
                let parent = f.path.rsplit_once('.').map_or("", |(p, _)| p);
                let needed = match f.need {
                    Need::Required => true,
                    Need::WithParent => draft.is_set(parent),
                    Need::Optional => false,
                };
                if needed {
                    problems.push(problem(
                        f.path,
                        format!("is required; set it with {}", flag_for(f.path)),
                    ));
                }
            }
            Some(Value::Object(map)) if f.kind == Kind::Map => {
                let before = problems.len();
                check_map(f, map, &mut problems);
                if problems.len() == before {
                    valid.set(f.path, Value::Object(map.clone()));
                }
            }
            Some(value) => {
                // A string was typed (flag, cell, answer); a number came as JSON and keeps
                // its text. The JSON shape check refused every other type already.
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match (f.check)(&text) {
                    Ok(normal) if f.kind == Kind::Number => match normal.parse::<Number>() {
                        Ok(n) => valid.set(f.path, Value::Number(n)),
                        Err(_) => {
                            problems.push(problem(f.path, format!("`{text}` is not a number")))
                        }
                    },
                    Ok(normal) => valid.set(f.path, Value::String(normal)),
                    Err(message) => problems.push(problem(f.path, message)),
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(ValidRequest(valid))
    } else {
        Err(problems)
    }
}

/// The limits of a map of the user's own keys (metadata): how many, and each key and string
/// value shown safely.
fn check_map(f: &Field, map: &Map<String, Value>, problems: &mut Vec<FieldError>) {
    if map.len() > METADATA_MAX_KEYS {
        problems.push(problem(
            f.path,
            format!("has {} keys; the limit is {METADATA_MAX_KEYS}", map.len()),
        ));
    }
    if map.keys().any(|k| k.trim().is_empty()) {
        problems.push(problem(f.path, "keys must not be empty".into()));
    }
    // Keys and values are shown again like any text: in the dashboard, in answers.
    for (key, value) in map {
        let field = format!("{}.{key}", f.path);
        if let Some(why) = crate::text::unsafe_text(key) {
            problems.push(problem(&field, format!("the key {why}")));
        }
        if let Some(Err(why)) = value.as_str().map(f.check) {
            problems.push(problem(&field, why));
        }
    }
}

fn problem(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        flag: flag_for(field),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Draft {
        match serde_json::json!({"amount": 50, "currency": "xof", "description": "Order 1024",
            "customer": {"email": "ama@example.com", "first_name": "Ama", "last_name": "Mensah"}})
        {
            Value::Object(m) => Draft::from_map(m),
            _ => unreachable!(),
        }
    }

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn minimal_body_is_valid_and_normalised() {
        let v = validate(minimal()).unwrap();
        assert_eq!(v.get().text("currency"), Some("XOF"));
        assert_eq!(
            String::from_utf8(v.to_bytes()).unwrap(),
            r#"{"amount":50,"currency":"XOF","description":"Order 1024","customer":{"email":"ama@example.com","first_name":"Ama","last_name":"Mensah"}}"#
        );
    }

    #[test]
    fn missing_fields_are_all_listed_with_flags() {
        let problems = validate(Draft::default()).unwrap_err();
        let required: Vec<&str> = crate::checkout::fields::required()
            .map(|f| f.path)
            .collect();
        assert_eq!(fields(&problems), required);
        assert_eq!(problems[3].flag, "--email");
        assert!(problems[0].message.contains("--amount"));
    }

    #[test]
    fn every_limit_is_checked_at_once() {
        let metadata: Map<String, Value> = (0..11).map(|i| (format!("k{i}"), "v".into())).collect();
        let r = minimal()
            .with("description", "x".repeat(501).into())
            .with("statement_descriptor", "x".repeat(23).into())
            .with(
                "receipt_email",
                format!("{}@example.com", "a".repeat(250)).into(),
            )
            .with("return_url", "nope".into())
            .with("metadata", Value::Object(metadata))
            .with("expires_in_minutes", "0".into())
            .with("restriction.phone.number", "0700000000".into());
        let problems = validate(r).unwrap_err();
        assert_eq!(
            fields(&problems),
            [
                "description",
                "return_url",
                "statement_descriptor",
                "receipt_email",
                "restriction.phone.country",
                "metadata",
                "expires_in_minutes"
            ]
        );
        // The body sent keeps the reference page's order, whatever order the input had.
        let v = validate(
            Draft::default()
                .with("customer.last_name", "Mensah".into())
                .overlay(minimal()),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(v.to_bytes()).unwrap(),
            r#"{"amount":50,"currency":"XOF","description":"Order 1024","customer":{"email":"ama@example.com","first_name":"Ama","last_name":"Mensah"}}"#
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let metadata: Map<String, Value> = (0..10).map(|i| (format!("k{i}"), "v".into())).collect();
        let r = minimal()
            .with("description", "é".repeat(500).into())
            .with("statement_descriptor", "x".repeat(22).into())
            .with("metadata", Value::Object(metadata));
        assert!(validate(r).is_ok());
    }

    #[test]
    fn metadata_keys_and_text_values_are_checked_as_text() {
        let r = minimal().with(
            "metadata",
            serde_json::from_str(
                r#"{"ok": "x", "n": 1, "b": true, "empty": "", "v": "a\u0007", "k\u001b": "x", "\u200b": "x"}"#,
            )
            .unwrap(),
        );
        let problems = validate(r).unwrap_err();
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "metadata.v (--metadata): contains the control character \\x07; remove it (line breaks, tabs and escape codes are not allowed)",
                "metadata.k\u{1b} (--metadata): the key contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)",
                "metadata.\u{200b} (--metadata): the key is made only of invisible characters; give visible text",
            ]
        );
    }

    #[test]
    fn a_secret_key_anywhere_in_the_draft_is_reported_alone() {
        let r = minimal().with("amount", "abc".into()).with(
            "return_url",
            "https://x.example/?k=sk_live_0000000000000abcd".into(),
        );
        let problems = validate(r).unwrap_err();
        assert_eq!(fields(&problems), ["return_url"]);
        assert!(!problems[0].message.contains("0000"), "{}", problems[0]);
    }

    #[test]
    fn valid_metadata_is_sent_as_an_object() {
        let r = minimal().with("metadata", serde_json::json!({"order": "1024", "n": 1}));
        let v = validate(r).unwrap();
        assert_eq!(
            v.as_value()["metadata"],
            serde_json::json!({"order": "1024", "n": 1})
        );
        // A bad map is left out of the request as well as reported.
        let r = minimal().with("metadata", serde_json::json!({"k": "a\u{7}"}));
        assert_eq!(fields(&validate(r).unwrap_err()), ["metadata.k"]);
    }

    #[test]
    fn an_object_where_text_belongs_is_checked_as_text() {
        let problems = validate(minimal().with("amount", serde_json::json!({}))).unwrap_err();
        assert_eq!(fields(&problems), ["amount"]);
        assert_eq!(
            problems[0].message,
            "`{}` is not an amount; write a plain decimal in major units, like 50 or 12.5"
        );
    }

    #[test]
    fn null_is_absent() {
        let problems = validate(minimal().with("currency", Value::Null)).unwrap_err();
        assert_eq!(fields(&problems), ["currency"]);
        assert_eq!(problems[0].message, "is required; set it with --currency");
        let v = validate(minimal().with("return_url", Value::Null)).unwrap();
        assert!(v.as_value().get("return_url").is_none());
    }
}
