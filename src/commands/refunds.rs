//! `orqex refunds create`, `list` and `get`: money back to a customer, sent once.
//!
//! A refund is a write that moves money: it is checked against what the API says is
//! refundable before anything is sent, confirmed with a live key, and sent with one
//! idempotency key across every retry, given back whenever its outcome is unknown.

use serde_json::Value;

use super::listing::{self, ListShape, OneShape};
use super::payments::{end_wait, wait_for};
use super::{live, net};
use crate::cli::payments::{RefundReason, RefundsCreateArgs, RefundsGetArgs, RefundsListArgs};
use crate::client::{self, Call, Pages};
use crate::error::{self, Error, Result};
use crate::payments::money::Decimal;
use crate::payments::refund::{self, Availability, Request};
use crate::payments::rows::{self, REFUNDS};
use crate::payments::{self, segment};
use crate::ui::Ui;

pub fn reason_name(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::RequestedByCustomer => "requested_by_customer",
        RefundReason::Duplicate => "duplicate",
        RefundReason::Fraudulent => "fraudulent",
        RefundReason::ProductNotReceived => "product_not_received",
        RefundReason::ProductUnsatisfactory => "product_unsatisfactory",
        RefundReason::OrderCancelled => "order_cancelled",
        RefundReason::Other => "other",
    }
}

/// What the user asked for, checked before a key is even looked for.
struct Asked {
    target: payments::Target,
    typed: Option<(String, payments::money::Decimal)>,
    note: Option<String>,
    metadata: Vec<(String, String)>,
    idempotency_key: Option<String>,
}

fn asked(args: &RefundsCreateArgs) -> Result<Asked> {
    let target = payments::target(&args.id)?;
    let typed = args
        .amount
        .as_deref()
        .map(refund::typed_amount)
        .transpose()?;
    let note = args
        .note
        .as_deref()
        .map(|n| {
            crate::checkout::checks::text(n, Some(1000))
                .map_err(|why| Error::usage(format!("--note {why}")))
        })
        .transpose()?;
    let mut metadata = Vec::new();
    for entry in &args.metadata {
        let (k, v) = crate::checkout::input::metadata_entry(entry).map_err(|why| {
            Error::usage(format!("--metadata {}", why.replace("--metadata", "-m")))
        })?;
        if metadata.iter().any(|(seen, _)| *seen == k) {
            return Err(Error::usage(format!(
                "--metadata `{}` is given twice; keep one",
                crate::text::printable(&k)
            )));
        }
        metadata.push((k, v));
    }
    let idempotency_key = args
        .idempotency_key
        .as_deref()
        .map(|k| {
            crate::checkout::checks::idempotency_key(k)
                .map_err(|why| Error::usage(format!("--idempotency-key {why}")))
        })
        .transpose()?;
    Ok(Asked {
        target,
        typed,
        note,
        metadata,
        idempotency_key,
    })
}

pub fn create(ui: &Ui, profile: Option<&str>, args: RefundsCreateArgs) -> Result<()> {
    let shape = OneShape::from(ui, &args.output)?;
    let asked = asked(&args)?;
    let settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    ui.refuse_closed_stdout()?;
    let client = net::client(&args.net, &settings, key.clone())?;
    let id = listing::payment_id(&client, &asked.target)?;

    // What can go back, asked now: an amount over it, or a payment that cannot be refunded,
    // is refused here with the figure, before anything is sent.
    let available = Availability::read(
        &client
            .send(&Call::get(&format!(
                "/payment/intents/{id}/refunds/availability"
            )))?
            .body,
    );
    let (amount, figure) = refund::amount(&id, asked.typed, &available)?;
    let request = Request {
        amount,
        reason: reason_name(args.reason),
        note: asked.note,
        metadata: asked.metadata,
        allow_payout: args.allow_payout,
    };
    let body = request.body()?;

    let ask = ui.may_prompt(args.no_input) && !args.yes;
    let payment = if ask && key.environment() != crate::secret::Environment::Sandbox {
        Some(
            client
                .send(&Call::get(&format!("/payment/intents/{id}")))?
                .body,
        )
    } else {
        None
    };
    live::confirm_refund(ui, &key, ask, args.yes, || {
        summary(&id, payment.as_ref(), &request, &available, figure)
    })?;

    let idempotency_key = match asked.idempotency_key {
        Some(k) => k,
        None => client::new_idempotency_key()?,
    };
    let path = format!("/payment/intents/{id}/refunds");
    let resp = {
        // From the first byte sent until the answer is in, a signal gives the key back.
        let _signals =
            crate::interrupt::sending(ui, retry_hint(&idempotency_key), Some(&idempotency_key));
        client
            .send(&Call::post(&path, &body, &idempotency_key))
            .map_err(|e| noted(e, &idempotency_key))?
    };
    if resp.replayed {
        ui.note(&format!(
            "the API replayed the refund made earlier with idempotency key {idempotency_key}; nothing new was sent"
        ));
    }
    // The refund exists from here: whatever fails now says how to see it, and keeps the key.
    let refund_id = resp
        .body
        .pointer("/data/id")
        .and_then(Value::as_str)
        .and_then(|r| segment("the answer's data.id", "rf_...", r).ok())
        .map(str::to_string);
    let made = |e: Error| {
        let see = match &refund_id {
            Some(r) => format!("see it with: orqex refunds get {id} {r}"),
            None => format!("see it with: orqex refunds list {id}"),
        };
        Error::Noted {
            source: Box::new(e),
            note: format!("the refund was made (idempotency key {idempotency_key}); {see}"),
            idempotency_key: Some(idempotency_key.clone()),
        }
    };
    // Money went back: an answer that cannot name the refund, or names another amount than
    // the one sent, is shown and then failed (exit 1), never passed off as a success.
    let answered = rows::text(&resp.body, "/data/amount/formatted");
    let odd = if refund_id.is_none() {
        Some("the API's answer names no refund id (data.id)".to_string())
    } else {
        match Decimal::of_formatted(&answered) {
            Some((got, _)) if got != figure => Some(format!(
                "the API's answer says the refund is {answered}, but {} was sent",
                request.amount
            )),
            _ => None,
        }
    };
    if let Some(odd) = odd {
        show(ui, &shape, &id, &resp.body).map_err(made)?;
        return Err(made(Error::Other(odd)));
    }
    let Some(plan) = shape.wait else {
        return show(ui, &shape, &id, &resp.body).map_err(made);
    };
    let Some(refund_id) = refund_id.clone() else {
        return Err(made(Error::Other(
            "the API's answer names no refund id (data.id), so orqex cannot wait for it".into(),
        )));
    };
    ui.status(&format!(
        "orqex: refund {refund_id} of payment {id} is {}; waiting for it to complete",
        rows::text(&resp.body, "/data/status")
    ));
    let what = format!("refund {refund_id}");
    let again = format!("orqex refunds get {id} {refund_id} --wait");
    let outcome = wait_for(
        ui,
        &client,
        &payments::REFUND,
        &format!("{path}/{refund_id}"),
        resp,
        &plan,
        &what,
        format!("it was made; wait again with: {again}"),
    )
    .map_err(made)?;
    end_wait(
        ui,
        outcome,
        &plan,
        &what,
        |body| show(ui, &shape, &id, body),
        &again,
    )
    .map_err(|e| match e {
        Error::Unpaid(_) | Error::StillOpen(_) => e,
        other => made(other),
    })
}

/// What to do when a refund's fate is unknown: the flag that makes a re-run safe.
fn retry_hint(idempotency_key: &str) -> String {
    format!(
        "the refund may or may not have been made; retry safely with the same command and {}",
        error::key_flag(idempotency_key)
    )
}

/// A failed refund request, with what its key means: on an unknown outcome, how to retry
/// without refunding twice; on a 409, that the key went with another refund.
fn noted(e: Error, idempotency_key: &str) -> Error {
    let note = match &e {
        Error::Api { error, .. } if error.status == 409 => format!(
            "the idempotency key {idempotency_key} was used before with another refund request: to see that refund, run its command again unchanged (`orqex refunds list` shows them); for a new refund, give another --idempotency-key or none"
        ),
        e if e.outcome_unknown() => retry_hint(idempotency_key),
        _ => return e,
    };
    Error::Noted {
        source: Box::new(e),
        note,
        idempotency_key: Some(idempotency_key.to_string()),
    }
}

/// The confirmation's rows: each value from the API made printable by the prompt.
fn summary(
    id: &str,
    payment: Option<&Value>,
    request: &Request,
    available: &Availability,
    figure: payments::money::Decimal,
) -> Vec<(&'static str, String)> {
    let p = payment.map(|b| b.get("data").unwrap_or(b));
    let t = |at: &str| p.map(|p| rows::text(p, at)).unwrap_or_default();
    let currency = available
        .amount
        .as_ref()
        .map(|(_, c)| format!(" {c}"))
        .unwrap_or_default();
    let name = format!("{} {}", t("/customer/first_name"), t("/customer/last_name"));
    let mut rows = vec![
        ("payment", format!("{id} ({} paid)", t("/amount/formatted"))),
        (
            "customer",
            format!("{} <{}>", name.trim(), t("/customer/email")),
        ),
        ("refund", format!("{}{currency}", request.amount)),
        (
            "stays",
            available
                .after(figure)
                .map(|left| format!("{left} refundable after this"))
                .unwrap_or_else(|| "(unknown)".into()),
        ),
        ("reason", request.reason.to_string()),
    ];
    if let Some(note) = &request.note {
        rows.push(("note", note.clone()));
    }
    rows
}

pub fn list(ui: &Ui, profile: Option<&str>, args: RefundsListArgs) -> Result<()> {
    let shape = ListShape::from(ui, &args.output)?;
    let target = payments::target(&args.id)?;
    let settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    let client = net::client(&args.net, &settings, key)?;
    let id = listing::payment_id(&client, &target)?;
    let mut pages = Pages::new(
        &client,
        format!(
            "/payment/intents/{id}/refunds?per_page={}",
            shape.per_page()
        ),
    );
    listing::print_all(ui, &mut pages, &REFUNDS, &shape, |_| true)
}

pub fn get(ui: &Ui, profile: Option<&str>, args: RefundsGetArgs) -> Result<()> {
    let shape = OneShape::from(ui, &args.output)?;
    let target = payments::target(&args.id)?;
    let refund_id = segment("REFUND_ID", "rf_...", &args.refund)?.to_string();
    let settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    let client = net::client(&args.net, &settings, key)?;
    let id = listing::payment_id(&client, &target)?;
    let path = format!("/payment/intents/{id}/refunds/{refund_id}");
    let resp = client.send(&Call::get(&path))?;
    let Some(plan) = shape.wait else {
        return show(ui, &shape, &id, &resp.body);
    };
    let what = format!("refund {refund_id}");
    let again = format!("orqex refunds get {id} {refund_id} --wait");
    let outcome = wait_for(
        ui,
        &client,
        &payments::REFUND,
        &path,
        resp,
        &plan,
        &what,
        format!("wait again with: {again}"),
    )?;
    end_wait(
        ui,
        outcome,
        &plan,
        &what,
        |body| show(ui, &shape, &id, body),
        &again,
    )
}

/// A refund as asked: for a person, its lines.
fn show(ui: &Ui, shape: &OneShape, payment: &str, body: &Value) -> Result<()> {
    shape.print(ui, body, || {
        let r = body.get("data").unwrap_or(body);
        let t = |at: &str| rows::text(r, at);
        let lines = [
            ("refund", t("/id")),
            ("payment", crate::text::printable(payment)),
            ("status", t("/status")),
            ("amount", t("/amount/formatted")),
            ("type", t("/type")),
            ("reason", t("/reason/value")),
            ("note", t("/note")),
            ("failure", t("/failure_message")),
            ("method", t("/execution_method")),
            ("created", format!("{} UTC", rows::created(r))),
        ];
        lines
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(l, v)| (l.to_string(), v))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn reason_names_are_clap_s_and_the_api_s() {
        let api = [
            "requested_by_customer",
            "duplicate",
            "fraudulent",
            "product_not_received",
            "product_unsatisfactory",
            "order_cancelled",
            "other",
        ];
        for r in RefundReason::value_variants() {
            assert_eq!(r.to_possible_value().unwrap().get_name(), reason_name(*r));
            assert!(api.contains(&reason_name(*r)));
        }
        assert_eq!(RefundReason::value_variants().len(), api.len());
    }
}
