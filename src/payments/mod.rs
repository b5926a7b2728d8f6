//! Payments (the API's payment intents) and their refunds: what a merchant does after the
//! checkout. Pure: which request a command means, how an answer reads, when a wait ends.
//! The commands (`commands/payments.rs`, `commands/refunds.rs`) send and print.

pub mod money;
pub mod refund;
pub mod rows;
pub mod table;
pub mod when;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::wait::{Judge, State};

/// The payment a command is about, as given: a payment intent's id, or a checkout whose
/// answer names its payment (`data.payment.id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Payment(String),
    Checkout(String),
}

/// Reads `PAYMENT|CHECKOUT`: a checkout URL (as `checkout create` prints it) or a `cs_` id is
/// a checkout; anything else is a payment's id. Either is checked to be one path segment.
pub fn target(given: &str) -> Result<Target> {
    if crate::output::is_web_url(given) || given.starts_with("cs_") {
        let id = crate::commands::get::id_of(given)?;
        return Ok(Target::Checkout(
            crate::client::checkout_id(id)?.to_string(),
        ));
    }
    Ok(Target::Payment(
        segment("PAYMENT", "TRX1A2B3C4D", given)?.to_string(),
    ))
}

/// An id that goes into a path: letters, digits, `_` and `-`, so that it cannot turn the
/// request into another one. `what` and `example` name it in the error.
pub fn segment<'a>(what: &str, example: &str, id: &'a str) -> Result<&'a str> {
    if crate::secret::find_secret(id).is_some() {
        return Err(Error::usage(format!(
            "{what} looks like a secret key, not an id: give an id like {example}"
        )));
    }
    let ok = !id.is_empty()
        && id.len() <= 255
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        return Ok(id);
    }
    let shown: String = id.chars().take(64).collect();
    let more = if shown.len() < id.len() { "..." } else { "" };
    Err(Error::usage(format!(
        "{what} `{}{more}` is not an id: give one like {example} (letters, digits, `_` and `-`)",
        crate::text::printable(&shown)
    )))
}

/// The payment id in a checkout's answer, checked like one typed.
pub fn payment_of_checkout(checkout: &str, body: &Value) -> Result<String> {
    let Some(id) = crate::answer::text(body, "payment.id") else {
        return Err(Error::usage(format!(
            "checkout {checkout} has no payment yet (its answer has no data.payment.id); give the payment's id (TRX...) instead"
        )));
    };
    segment("the checkout's data.payment.id", "TRX1A2B3C4D", id)
        .map(str::to_string)
        .map_err(|e| Error::Other(e.to_string()))
}

pub const PAYMENT_STATUSES: [&str; 6] = [
    "pending",
    "completed",
    "failed",
    "expired",
    "refunded",
    "partially_refunded",
];
pub const REFUND_STATUSES: [&str; 4] = ["pending", "processing", "completed", "failed"];

/// `data.status` of an answer, made printable.
fn status(body: &Value) -> Option<String> {
    body.pointer("/data/status")
        .and_then(Value::as_str)
        .map(crate::text::printable)
}

fn describe(body: &Value) -> String {
    status(body).unwrap_or_else(|| "no status in the answer".into())
}

fn unknown(body: &Value, known: &[&str]) -> Vec<String> {
    status(body)
        .filter(|s| !known.contains(&s.as_str()))
        .map(|s| format!("status `{s}`"))
        .into_iter()
        .collect()
}

/// A payment waited for: completed is the good end; failed, expired or refunded the bad one,
/// as `checkout get --wait` judges the payment of a checkout. The words follow its name.
pub const PAYMENT: Judge = Judge {
    state: |body| match status(body).as_deref() {
        Some("completed") => State::Paid,
        Some("expired") => State::Unpaid("expired".into()),
        Some("refunded") => State::Unpaid("was refunded".into()),
        Some("partially_refunded") => State::Unpaid("was partly refunded".into()),
        Some("failed") => State::Unpaid(
            match body.get("data").and_then(crate::answer::payment_failure) {
                Some(m) => format!("failed: {}", crate::text::printable(m)),
                None => "failed".into(),
            },
        ),
        _ => State::Open,
    },
    describe,
    unknown: |body| unknown(body, &PAYMENT_STATUSES),
};

/// A refund waited for: completed, or failed with its `failure_message`.
pub const REFUND: Judge = Judge {
    state: |body| match status(body).as_deref() {
        Some("completed") => State::Paid,
        Some("failed") => State::Unpaid(
            match body
                .pointer("/data/failure_message")
                .and_then(Value::as_str)
                .filter(|m| !m.trim().is_empty())
            {
                Some(m) => format!("failed: {}", crate::text::printable(m)),
                None => "failed".into(),
            },
        ),
        _ => State::Open,
    },
    describe,
    unknown: |body| unknown(body, &REFUND_STATUSES),
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_checkout_is_named_by_its_url_or_its_prefix() {
        assert_eq!(
            target("TRX1A2B3C4D").unwrap(),
            Target::Payment("TRX1A2B3C4D".into())
        );
        assert_eq!(target("cs_abc").unwrap(), Target::Checkout("cs_abc".into()));
        assert_eq!(
            target("https://pay.orqex.com/c/cs_abc?x=1").unwrap(),
            Target::Checkout("cs_abc".into())
        );
        assert_eq!(
            target("TRX1/refunds").unwrap_err().to_string(),
            "PAYMENT `TRX1/refunds` is not an id: give one like TRX1A2B3C4D (letters, digits, `_` and `-`)"
        );
        assert_eq!(
            target("sk_live_0000000000000abcd").unwrap_err().to_string(),
            "PAYMENT looks like a secret key, not an id: give an id like TRX1A2B3C4D"
        );
    }

    #[test]
    fn waits_end_on_final_statuses_with_the_reason() {
        let state = |judge: &Judge, body: Value| (judge.state)(&json!({"data": body}));
        assert_eq!(state(&PAYMENT, json!({"status": "completed"})), State::Paid);
        assert_eq!(state(&PAYMENT, json!({"status": "pending"})), State::Open);
        assert_eq!(state(&PAYMENT, json!({"status": "new_one"})), State::Open);
        assert_eq!(
            state(
                &PAYMENT,
                json!({"status": "failed", "active_attempt": {"failure": {"code": {"message": "Low balance"}}}})
            ),
            State::Unpaid("failed: Low balance".into())
        );
        assert_eq!(
            state(
                &REFUND,
                json!({"status": "failed", "failure_message": "Declined\u{1b}[2J"})
            ),
            State::Unpaid("failed: Declined\\x1b[2J".into())
        );
        assert_eq!(state(&REFUND, json!({"status": "processing"})), State::Open);
        assert_eq!(state(&REFUND, json!({"status": "completed"})), State::Paid);
        assert_eq!(
            (REFUND.unknown)(&json!({"data": {"status": "reversed"}})),
            ["status `reversed`"]
        );
    }
}
