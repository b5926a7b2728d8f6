//! A refund before it is sent: the amount checked against what the availability route says
//! is refundable, and the exact body. Nothing here sends: a refund refused here is refused
//! before a byte leaves.

use serde_json::{Map, Value};

use super::money::Decimal;
use crate::error::{Error, Result};

/// What `GET /payment/intents/{id}/refunds/availability` says, as far as a refund needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    pub refundable: bool,
    /// `refundable_amount`: its figure and currency, when `formatted` is a plain figure.
    pub amount: Option<(Decimal, String)>,
    /// `refundable_amount.formatted`, printable, to quote.
    pub shown: String,
    pub pending: Option<String>,
    /// `unavailable_reason`: shown, never branched on.
    pub reason: Option<String>,
}

impl Availability {
    pub fn read(body: &Value) -> Availability {
        let data = body.get("data").unwrap_or(body);
        let text = |pointer: &str| {
            data.pointer(pointer)
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .map(crate::text::printable)
        };
        let shown = text("/refundable_amount/formatted").unwrap_or_default();
        Availability {
            refundable: data.get("is_refundable") == Some(&Value::Bool(true)),
            amount: Decimal::of_formatted(&shown),
            pending: (data.get("has_pending_refund") == Some(&Value::Bool(true)))
                .then(|| text("/pending_amount/formatted"))
                .flatten(),
            shown,
            reason: text("/unavailable_reason"),
        }
    }

    /// What stays refundable after `amount` goes back, as shown (`40.00 XOF`).
    pub fn after(&self, amount: Decimal) -> Option<String> {
        let (all, currency) = self.amount.as_ref()?;
        let left = all.add(Decimal::parse(&format!("-{}", amount.plain()))?)?;
        Some(format!("{left} {currency}"))
    }
}

/// The amount typed: a plain decimal above zero in major units, kept as typed.
pub fn typed_amount(raw: &str) -> Result<(String, Decimal)> {
    let t = raw.trim();
    let wrong =
        |why: &str| Error::usage(format!("--amount `{}` {why}", crate::text::printable(raw)));
    let d = Decimal::parse(t)
        .filter(|_| !t.contains(',') && !t.starts_with('-'))
        .ok_or_else(|| {
            wrong("is not an amount; write a plain decimal in major units, like 10 or 12.5")
        })?;
    let whole = t.split('.').next().unwrap_or(t);
    if whole.len() > 1 && whole.starts_with('0') {
        return Err(wrong("has a leading zero; write it without, like 10"));
    }
    if !d.is_positive() {
        return Err(wrong("is zero; a refund gives back more than nothing"));
    }
    Ok((t.to_string(), d))
}

/// The amount to send: the one typed, checked against what is refundable, or with `--full`
/// all that is. Refused, naming the figure, when it cannot go back.
pub fn amount(
    payment: &str,
    typed: Option<(String, Decimal)>,
    available: &Availability,
) -> Result<(String, Decimal)> {
    if !available.refundable {
        return Err(Error::usage(format!(
            "payment {payment} cannot be refunded: {}; nothing was sent",
            available
                .reason
                .as_deref()
                .unwrap_or("the API says it is not refundable, without a reason")
        )));
    }
    let pending = available
        .pending
        .as_ref()
        .map(|p| format!(" ({p} is in refunds still pending)"))
        .unwrap_or_default();
    let Some((all, currency)) = &available.amount else {
        // Without a figure, nothing can be compared: the API's own check stands alone.
        return match typed {
            Some(typed) => Ok(typed),
            None => Err(Error::Other(format!(
                "--full: the API gives the refundable amount as `{}`, which is not a plain figure, so orqex cannot tell how much to send; give --amount instead",
                available.shown
            ))),
        };
    };
    let Some((text, typed)) = typed else {
        // An answer that calls a payment refundable with nothing (or less) to give back must
        // not become a refund of zero or of a negative amount.
        if !all.is_positive() {
            return Err(Error::Other(format!(
                "--full: the API says payment {payment} is refundable but gives `{}` as the amount, so there is nothing to send; nothing was sent",
                available.shown
            )));
        }
        return Ok((all.plain(), *all));
    };
    if typed > *all {
        return Err(Error::usage(format!(
            "--amount {text} is more than payment {payment} can give back: {all} {currency} is refundable{pending}; nothing was sent"
        )));
    }
    let decimals = |d: &str| d.split_once('.').map_or(0, |(_, f)| f.len());
    let allowed = decimals(&all.to_string());
    if decimals(&text) > allowed {
        return Err(Error::usage(format!(
            "--amount {text} has more decimals than {currency} amounts show ({allowed}); nothing was sent"
        )));
    }
    Ok((text, typed))
}

/// What a refund request holds, checked.
#[derive(Debug, Clone)]
pub struct Request {
    /// The amount as it goes out: typed, or the refundable figure with `--full`.
    pub amount: String,
    pub reason: &'static str,
    pub note: Option<String>,
    pub metadata: Vec<(String, String)>,
    pub allow_payout: bool,
}

impl Request {
    /// The exact body: the amount as a JSON number with the digits typed (`10` stays `10`),
    /// and only the optional fields given.
    pub fn body(&self) -> Result<Vec<u8>> {
        let amount: serde_json::Number = self
            .amount
            .parse()
            .map_err(|e| Error::Other(format!("cannot write the amount as JSON: {e}")))?;
        let mut body = Map::new();
        body.insert("amount".into(), Value::Number(amount));
        body.insert("reason".into(), Value::String(self.reason.into()));
        if let Some(note) = &self.note {
            body.insert("note".into(), Value::String(note.clone()));
        }
        if !self.metadata.is_empty() {
            let metadata: Map<String, Value> = self
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            body.insert("metadata".into(), Value::Object(metadata));
        }
        if self.allow_payout {
            body.insert("allow_payout".into(), Value::Bool(true));
        }
        serde_json::to_vec(&Value::Object(body))
            .map_err(|e| Error::Other(format!("cannot write the refund as JSON: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn available(formatted: &str) -> Availability {
        Availability::read(&json!({"data": {
            "is_refundable": true,
            "refundable_amount": {"value": 5000, "formatted": formatted, "currency": "XOF"},
            "pending_amount": {"formatted": "10.00 XOF"},
            "has_pending_refund": true,
            "unavailable_reason": null
        }}))
    }

    fn typed(t: &str) -> Option<(String, Decimal)> {
        Some(typed_amount(t).unwrap())
    }

    #[test]
    fn the_amount_typed_is_the_amount_sent_within_what_is_refundable() {
        let a = available("50.00 XOF");
        assert_eq!(amount("TRX1", typed("50"), &a).unwrap().0, "50");
        assert_eq!(amount("TRX1", typed("12.5"), &a).unwrap().0, "12.5");
        assert_eq!(amount("TRX1", typed("0.01"), &a).unwrap().0, "0.01");
        assert_eq!(amount("TRX1", None, &a).unwrap().0, "50");
        assert_eq!(
            amount("TRX1", typed("50.01"), &a).unwrap_err().to_string(),
            "--amount 50.01 is more than payment TRX1 can give back: 50.00 XOF is refundable (10.00 XOF is in refunds still pending); nothing was sent"
        );
        assert_eq!(
            amount("TRX1", typed("1.005"), &a).unwrap_err().to_string(),
            "--amount 1.005 has more decimals than XOF amounts show (2); nothing was sent"
        );
        assert_eq!(
            a.after(Decimal::parse("12.5").unwrap()).unwrap(),
            "37.50 XOF"
        );
    }

    #[test]
    fn a_payment_that_cannot_be_refunded_is_refused_with_the_api_reason() {
        let a = Availability::read(&json!({"data": {"is_refundable": false,
            "refundable_amount": {"formatted": "0.00 XOF"},
            "unavailable_reason": "Only completed payments\u{1b}[2J can be refunded."}}));
        assert_eq!(
            amount("TRX1", typed("1"), &a).unwrap_err().to_string(),
            "payment TRX1 cannot be refunded: Only completed payments\\x1b[2J can be refunded.; nothing was sent"
        );
        let odd = available("fifty francs");
        assert_eq!(amount("TRX1", typed("5"), &odd).unwrap().0, "5");
        assert!(
            amount("TRX1", None, &odd)
                .unwrap_err()
                .to_string()
                .starts_with("--full: the API gives the refundable amount as `fifty francs`")
        );
    }

    #[test]
    fn typed_amounts_are_plain_positive_decimals() {
        for bad in ["0", "0.00", "-5", "1,000", "5e2", "ten", "", "05", "1."] {
            assert!(typed_amount(bad).is_err(), "{bad}");
        }
        assert_eq!(
            typed_amount("abc").unwrap_err().to_string(),
            "--amount `abc` is not an amount; write a plain decimal in major units, like 10 or 12.5"
        );
        assert_eq!(typed_amount(" 0.5 ").unwrap().0, "0.5");
    }

    #[test]
    fn the_body_holds_what_was_given_and_nothing_else() {
        let r = Request {
            amount: "10".into(),
            reason: "duplicate",
            note: None,
            metadata: vec![],
            allow_payout: false,
        };
        assert_eq!(r.body().unwrap(), br#"{"amount":10,"reason":"duplicate"}"#);
        let r = Request {
            amount: "12.50".into(),
            note: Some("charged twice".into()),
            metadata: vec![("ticket".into(), "4411".into())],
            allow_payout: true,
            ..r
        };
        assert_eq!(
            String::from_utf8(r.body().unwrap()).unwrap(),
            r#"{"amount":12.50,"reason":"duplicate","note":"charged twice","metadata":{"ticket":"4411"},"allow_payout":true}"#
        );
    }
}
