//! `orqex checkout create`: assemble → validate → send → show.

use super::after;
use crate::checkout::{ValidRequest, input, validate};
use crate::cli::CreateArgs;
use crate::client;
use crate::commands::net;
use crate::config::Settings;
use crate::error::{Error, FieldError, Result};
use crate::output;

pub fn run(profile: Option<&str>, args: CreateArgs) -> Result<()> {
    let settings = Settings::resolve(profile)?;
    if let Some(source) = &args.batch.batch {
        return super::batch::run(&settings, &args, source);
    }
    let (request, idempotency_key) = assemble(&args)?;
    let after = after::options(&args.output)?;

    if args.dry_run {
        if after.needs_checkout() {
            return Err(Error::usage(
                "--wait, --qr and --open need a real checkout; drop them or drop --dry-run",
            ));
        }
        return output::stdout_line(&request.to_pretty());
    }

    let key = settings.require_key()?.clone();
    let key_env = key.environment();
    let idempotency_key = match idempotency_key {
        Some(k) => k,
        None => client::new_idempotency_key()?,
    };
    let client = net::client(&args.net, &settings, key)?;
    let resp = client.create_checkout(&request.to_bytes(), &idempotency_key)?;
    if resp.replayed {
        output::note(&format!(
            "note: the API replayed the checkout created earlier with idempotency key {idempotency_key}; nothing new was created"
        ));
    }
    after::finish(&client, resp, &after, key_env, Some(&idempotency_key))
}

/// Lays the sources on each other, then validates the whole: a valid request and the
/// user's idempotency key, or every problem at once.
fn assemble(args: &CreateArgs) -> Result<(ValidRequest, Option<String>)> {
    let (draft, mut problems) = input::from_flags(&args.body);
    let idempotency_key =
        args.idempotency_key
            .as_deref()
            .and_then(|k| match validate::idempotency_key(k) {
                Ok(k) => Some(k),
                Err(message) => {
                    problems.push(FieldError {
                        field: "X-Idempotency-Key".into(),
                        flag: "--idempotency-key".into(),
                        message,
                    });
                    None
                }
            });
    match validate::validate(draft) {
        Ok(r) if problems.is_empty() => Ok((r, idempotency_key)),
        Ok(_) => Err(Error::Invalid(problems)),
        Err(more) => {
            problems.extend(more);
            Err(Error::Invalid(problems))
        }
    }
}
