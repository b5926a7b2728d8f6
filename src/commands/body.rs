//! The layers of the body that come from the command line's side: the body flags of
//! `checkout create` (the one place clap's view of the body meets the request model) and the
//! profile's defaults under them.

use serde_json::{Map, Value};

use crate::checkout::Draft;
use crate::checkout::draft::Unlisted;
use crate::checkout::fields::{FIELDS, Kind};
use crate::checkout::input::{Parsed, metadata_entry, nearest_field};
use crate::cli::BodyArgs;
use crate::config::Settings;
use crate::error::FieldError;
use crate::text::printable;
use crate::ui::Ui;

/// The part of the request the flags set, plus any flag that could not even be read
/// (`--metadata` without `=`). Those problems are reported together with validation's.
/// Values stay as typed: `validate` checks them with each field's own words.
pub fn from_flags(args: &BodyArgs) -> (Draft, Vec<FieldError>) {
    let mut draft = Draft::default();
    let mut problems = Vec::new();
    for (field, values) in &args.given {
        let flag = format!("--{}", field.flag);
        if field.kind != Kind::Map {
            // clap keeps one value for a flag given once.
            if let Some(value) = values.last() {
                draft.set(field.path, Value::String(value.clone()));
            }
            continue;
        }
        let mut map = Map::new();
        let mut given: Vec<(String, &str)> = Vec::new();
        for entry in values {
            match metadata_entry(entry) {
                Ok((k, v)) => match given.iter().find(|(g, _)| *g == k) {
                    // Two flags for one key are a mistake in the command, not a layer over
                    // another: keeping either would drop a value the user typed.
                    Some((_, first)) => problems.push(FieldError {
                        field: format!("{}.{k}", field.path),
                        flag: flag.clone(),
                        message: format!(
                            "is given twice (`{first}`, then `{entry}`); give each key once"
                        ),
                    }),
                    None => {
                        given.push((k.clone(), entry));
                        map.insert(k, Value::String(v));
                    }
                },
                Err(message) => problems.push(FieldError {
                    field: field.path.into(),
                    flag: flag.clone(),
                    message,
                }),
            }
        }
        draft.set(field.path, Value::Object(map));
    }
    (draft, problems)
}

/// The fields both a flag of their own and `--set` give: which value was meant? What `--set`
/// gave counts whether or not it passed its checks (`--set amount=7` beside `--amount 5` is
/// a contradiction, not a string to drop). A metadata key counts alone, so
/// `--metadata a=1 --set metadata.b=2` is two keys.
pub fn given_twice(flags: &Draft, set: &Parsed) -> Vec<FieldError> {
    let refused = |path: &str| {
        set.problems.iter().any(|p| {
            p.field == path
                || p.field.starts_with(&format!("{path}."))
                || path.starts_with(&format!("{}.", p.field))
        })
    };
    let mut problems = Vec::new();
    for f in FIELDS {
        let paths: Vec<String> = match (f.kind, set.draft.get(f.path)) {
            (Kind::Map, Some(Value::Object(keys))) => {
                keys.keys().map(|k| format!("{}.{k}", f.path)).collect()
            }
            (_, Some(v)) if !v.is_null() => vec![f.path.to_string()],
            _ if refused(f.path) => match (f.kind, flags.get(f.path)) {
                // A refused metadata entry clashes only with the same key of --metadata.
                (Kind::Map, Some(Value::Object(keys))) => keys
                    .keys()
                    .map(|k| format!("{}.{k}", f.path))
                    .filter(|p| refused(p))
                    .collect(),
                _ => vec![f.path.to_string()],
            },
            _ => Vec::new(),
        };
        for path in paths.into_iter().filter(|p| flags.is_set(p)) {
            problems.push(FieldError {
                field: path,
                flag: format!("--{}", f.flag),
                message: "is given by its flag and by --set too; keep one".into(),
            });
        }
    }
    problems
}

/// One warning per field the API reference does not list, about to be sent as given, with
/// the listed field it may have been meant for.
pub fn warn_unlisted(ui: &Ui, unlisted: &[Unlisted], origin: &str) {
    for u in unlisted {
        let (last, parents) = u
            .names
            .split_last()
            .map_or(("", &[][..]), |(l, p)| (l.as_str(), p));
        let near = nearest_field(last, &parents.join("."))
            .map(|p| format!(" (did you mean `{p}`?)"))
            .unwrap_or_default();
        ui.warning(&format!(
            "{origin} {}: not in the API reference; sent as given{near}",
            printable(&u.path())
        ));
    }
}

/// The lowest layer: what the active profile sets (today only its currency).
pub fn config_defaults(settings: &Settings) -> Draft {
    match settings.active_profile().and_then(|p| p.currency.clone()) {
        Some(currency) => Draft::default().with("currency", currency.into()),
        None => Draft::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::fields::field;

    fn flags(given: &[(&str, &[&str])]) -> BodyArgs {
        BodyArgs {
            given: given
                .iter()
                .map(|(path, values)| {
                    (
                        field(path).unwrap(),
                        values.iter().map(|v| v.to_string()).collect(),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn metadata_without_equals_is_a_problem_naming_the_flag() {
        let (draft, problems) = from_flags(&flags(&[("metadata", &["a=1", "oops", "b=x=y"])]));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].flag, "--metadata");
        assert_eq!(draft.text("metadata.b"), Some("x=y"));
    }

    #[test]
    fn a_key_given_twice_is_a_problem_naming_both_entries() {
        let (_, problems) = from_flags(&flags(&[("metadata", &["a=1", "b=2", " a =3"])]));
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["metadata.a (--metadata): is given twice (`a=1`, then ` a =3`); give each key once"]
        );
    }

    #[test]
    fn values_land_at_their_paths_as_typed() {
        let (draft, problems) = from_flags(&flags(&[
            ("amount", &["12.50"]),
            ("restriction.phone.number", &["07"]),
        ]));
        assert!(problems.is_empty());
        assert_eq!(
            serde_json::to_string(draft.as_map()).unwrap(),
            r#"{"amount":"12.50","restriction":{"phone":{"number":"07"}}}"#
        );
    }

    #[test]
    fn no_flags_no_fields() {
        let (draft, _) = from_flags(&BodyArgs::default());
        assert_eq!(draft, Draft::default());
    }
}
