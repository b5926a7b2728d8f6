//! An answer about a checkout, read as the official SDK reads it: the checkout is
//! `data.checkout` when present, else `data` itself (a flat envelope), and its payment is
//! `data.payment`. Every reader of an answer goes through here, so both shapes work everywhere.

use serde_json::Value;

/// The value at `path` in the answer: `checkout.url`, `checkout.status`, `payment.id`,
/// `payment.amount.formatted`...
pub fn get<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    let (part, rest) = path.split_once('.').unwrap_or((path, ""));
    let data = body.get("data")?;
    let root = match part {
        "checkout" => data
            .get("checkout")
            .filter(|c| c.is_object())
            .unwrap_or(data),
        other => data.get(other)?,
    };
    rest.split('.')
        .filter(|p| !p.is_empty())
        .try_fold(root, |v, p| v.get(p))
}

/// The text at `path`, when it is a string.
pub fn text<'a>(body: &'a Value, path: &str) -> Option<&'a str> {
    get(body, path).and_then(Value::as_str)
}

/// Why a payment failed, in the SDK's order: the failure code's message, then the
/// deprecated top-level message; on the payment or on its active attempt.
pub fn failure_reason(body: &Value) -> Option<&str> {
    get(body, "payment").and_then(payment_failure)
}

/// Why a payment (a payment intent, as `GET /payment/intents/{id}` gives it) failed, as
/// `failure_reason` reads it.
pub fn payment_failure(payment: &Value) -> Option<&str> {
    let failures: Vec<&Value> = [
        payment.pointer("/active_attempt/failure"),
        payment.get("failure"),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The code's message first, wherever it is: the SDK marks `failure.message` deprecated.
    let codes = failures.iter().map(|f| f.pointer("/code/message"));
    let plain = failures.iter().map(|f| f.get("message"));
    codes
        .chain(plain)
        .flatten()
        .filter_map(Value::as_str)
        .find(|m| !m.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_envelopes_read_alike() {
        let nested = json!({"data": {"checkout": {"id": "cs_1", "status": "open"},
                                     "payment": {"id": "TRX1"}}});
        let flat = json!({"data": {"id": "cs_1", "status": "open", "payment": {"id": "TRX1"}}});
        for body in [&nested, &flat] {
            assert_eq!(text(body, "checkout.id"), Some("cs_1"));
            assert_eq!(text(body, "checkout.status"), Some("open"));
            assert_eq!(text(body, "payment.id"), Some("TRX1"));
            assert_eq!(get(body, "checkout.nope"), None);
        }
        assert_eq!(get(&json!({}), "checkout.id"), None);
        assert_eq!(
            get(&json!({"data": {"checkout": "x"}}), "checkout"),
            Some(&json!({"checkout": "x"}))
        );
    }

    #[test]
    fn failure_reasons_in_the_sdks_order() {
        let body = |payment: Value| json!({"data": {"payment": payment}});
        assert_eq!(
            failure_reason(&body(
                json!({"failure": {"code": {"message": "Declined"}, "message": "old"}})
            )),
            Some("Declined")
        );
        assert_eq!(
            failure_reason(&body(json!({"failure": {"code": "x", "message": "old"}}))),
            Some("old")
        );
        assert_eq!(
            failure_reason(&body(
                json!({"active_attempt": {"failure": {"code": {"message": "Timeout"}}}})
            )),
            Some("Timeout")
        );
        assert_eq!(
            failure_reason(&body(json!({"failure": {"message": " "}}))),
            None
        );
    }
}
