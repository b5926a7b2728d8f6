//! The body flags of `checkout create`, turned into a draft: the one place clap's view of
//! the body meets the request model.

use serde_json::{Map, Value};

use crate::checkout::CheckoutRequest;
use crate::checkout::input::metadata_entry;
use crate::checkout::request::{Customer, Customization, NumberText, Phone, Restriction};
use crate::cli::BodyArgs;
use crate::error::FieldError;

/// The part of the request the flags set, plus any flag that could not even be read
/// (`--metadata` without `=`). Those problems are reported together with validation's.
pub fn from_flags(args: &BodyArgs) -> (CheckoutRequest, Vec<FieldError>) {
    let mut problems = Vec::new();
    let metadata = if args.metadata.is_empty() {
        None
    } else {
        let mut map = Map::new();
        let mut given: Vec<(String, &str)> = Vec::new();
        for entry in &args.metadata {
            match metadata_entry(entry) {
                Ok((k, v)) => match given.iter().find(|(g, _)| *g == k) {
                    // Two flags for one key are a mistake in the command, not a layer over
                    // another: keeping either would drop a value the user typed.
                    Some((_, first)) => problems.push(FieldError {
                        field: format!("metadata.{k}"),
                        flag: "--metadata".into(),
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
                    field: "metadata".into(),
                    flag: "--metadata".into(),
                    message,
                }),
            }
        }
        Some(map)
    };

    let customer = Customer {
        email: args.email.clone(),
        first_name: args.first_name.clone(),
        last_name: args.last_name.clone(),
        address: args.address.clone(),
        city: args.city.clone(),
        state: args.state.clone(),
        country: args.country.clone(),
        zip: args.zip.clone(),
    };
    let phone = Phone {
        number: args.restrict_phone.clone(),
        country: args.restrict_phone_country.clone(),
    };
    let restriction = Restriction {
        country_code: args.restrict_country.clone(),
        phone: some_if(phone != Phone::default(), phone),
    };
    let customization = Customization {
        color: args.color.clone(),
        brand: args.brand.clone(),
    };

    let request = CheckoutRequest {
        amount: args.amount.clone().map(NumberText),
        currency: args.currency.clone(),
        description: args.description.clone(),
        customer: some_if(customer != Customer::default(), customer),
        return_url: args.return_url.clone(),
        webhook_url: args.webhook_url.clone(),
        statement_descriptor: args.statement_descriptor.clone(),
        receipt_email: args.receipt_email.clone(),
        restriction: some_if(restriction != Restriction::default(), restriction),
        customization: some_if(customization != Customization::default(), customization),
        metadata,
        expires_in_minutes: args.expires_in_minutes.clone().map(NumberText),
    };
    (request, problems)
}

fn some_if<T>(cond: bool, v: T) -> Option<T> {
    if cond { Some(v) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_without_equals_is_a_problem_naming_the_flag() {
        let args = BodyArgs {
            metadata: vec!["a=1".into(), "oops".into(), "b=x=y".into()],
            ..Default::default()
        };
        let (req, problems) = from_flags(&args);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].flag, "--metadata");
        let m = req.metadata.unwrap();
        assert_eq!(m["b"], "x=y");
    }

    #[test]
    fn a_key_given_twice_is_a_problem_naming_both_entries() {
        let args = BodyArgs {
            metadata: vec!["a=1".into(), "b=2".into(), " a =3".into()],
            ..Default::default()
        };
        let (_, problems) = from_flags(&args);
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["metadata.a (--metadata): is given twice (`a=1`, then ` a =3`); give each key once"]
        );
    }

    #[test]
    fn unset_groups_stay_absent() {
        let (req, _) = from_flags(&BodyArgs::default());
        assert_eq!(req, CheckoutRequest::default());
    }
}
