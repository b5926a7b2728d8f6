//! `orqex checkout create`.

use crate::checkout::{input, validate};
use crate::cli::CreateArgs;
use crate::client::{self, Client};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::output::{self, Format};

pub fn run(profile: Option<&str>, args: CreateArgs) -> Result<()> {
    let settings = Settings::resolve(profile)?;

    let (draft, mut problems) = input::from_flags(&args.body);
    let idempotency_key = match &args.idempotency_key {
        Some(k) => match validate::idempotency_key(k) {
            Ok(k) => Some(k),
            Err(message) => {
                problems.push(crate::error::FieldError {
                    field: "X-Idempotency-Key".into(),
                    flag: "--idempotency-key".into(),
                    message,
                });
                None
            }
        },
        None => None,
    };
    let request = match validate::validate(draft) {
        Ok(r) if problems.is_empty() => r,
        Ok(_) => return Err(Error::Invalid(problems)),
        Err(more) => {
            problems.extend(more);
            return Err(Error::Invalid(problems));
        }
    };

    if args.dry_run {
        return output::stdout_line(&request.to_pretty());
    }

    let key = settings.require_key()?.clone();
    let idempotency_key = match idempotency_key {
        Some(k) => k,
        None => client::new_idempotency_key()?,
    };
    let client = Client::new(&settings.base_url, key);
    let resp = client.create_checkout(&request.to_bytes(), &idempotency_key)?;
    if resp.replayed {
        output::note(&format!(
            "note: the API replayed the checkout created earlier with idempotency key {idempotency_key}; nothing new was created"
        ));
    }
    let format = if args.json { Format::Json } else { Format::Url };
    output::print_checkout(&resp, format, Some(&idempotency_key))
}
