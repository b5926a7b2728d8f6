//! Realistic events for `trigger`: the documented payload shape, with fresh ids in Orqex's
//! forms (`TRX` and 8 upper-case hex characters, `att_...`, `cus_...`) and the time now.

use std::time::SystemTime;

use serde_json::{Map, Value, json};

/// The statuses an event implies: the payment's, and its attempt's. Orqex documents only the
/// event names and payment statuses; attempt statuses follow the event's own words (an
/// attempt that needs the customer is `action_required`), and a payment whose attempt failed
/// stays `pending`, since another attempt may follow.
fn statuses(event: &str) -> (&'static str, &'static str) {
    match event {
        "payment.completed" | "payment.attempt.completed" => ("completed", "completed"),
        "payment.failed" => ("failed", "failed"),
        "payment.expired" => ("expired", "failed"),
        "payment.refunded" => ("refunded", "completed"),
        "payment.partially_refunded" => ("partially_refunded", "completed"),
        "payment.attempt.failed" => ("pending", "failed"),
        "payment.attempt.action_required" => ("pending", "action_required"),
        _ => ("pending", "pending"),
    }
}

/// `count` random bytes as hex; `upper` for payment ids, which Orqex writes in capitals.
fn random_hex(count: usize, upper: bool) -> String {
    let mut bytes = vec![0u8; count];
    // the OS generator failing is all but impossible; the ids would then only be
    // less fresh, which a test event can live with.
    let _ = crate::random::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

/// A fresh payment id, like `TRX1A2B3C4D`.
pub fn payment_id() -> String {
    format!("TRX{}", random_hex(4, true))
}

/// Whether `id` has the form of a payment id: `TRX` then 1 to 61 letters and digits.
pub fn check_payment_id(id: &str) -> Result<String, String> {
    let id = id.trim();
    let ok = id.len() <= 64
        && id.strip_prefix("TRX").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if ok {
        Ok(id.to_string())
    } else {
        Err(format!(
            "`{}` is not a payment id; give one like TRX1A2B3C4D (TRX, then letters and digits)",
            crate::text::printable(id)
        ))
    }
}

/// The time as the documented example writes it: `2026-06-08T12:00:00+00:00`.
pub fn timestamp(now: SystemTime) -> String {
    let text = humantime::format_rfc3339_seconds(now).to_string();
    match text.strip_suffix('Z') {
        Some(t) => format!("{t}+00:00"),
        None => text,
    }
}

/// The body of `event` for payment `payment_id`, with `metadata` as the payment's.
pub fn event_body(
    event: &str,
    payment_id: &str,
    metadata: &Map<String, Value>,
    now: SystemTime,
) -> Value {
    let (payment_status, attempt_status) = statuses(event);
    json!({
        "event": event,
        "payment": {
            "id": payment_id,
            "amount": {"value": 5000, "formatted": "50.00 XOF", "currency": "XOF"},
            "status": payment_status,
            "metadata": metadata,
        },
        "attempt": {
            "id": format!("att_{}", random_hex(12, false)),
            "status": attempt_status,
            "method_code": "momo_mtn",
            "is_fallback": false,
        },
        "customer": {
            "id": format!("cus_{}", random_hex(12, false)),
            "email": "ama@example.com",
        },
        "timestamp": timestamp(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn bodies_have_the_documented_shape() {
        let now = UNIX_EPOCH + Duration::from_secs(1_780_920_000);
        let mut metadata = Map::new();
        metadata.insert("order_id".into(), json!("1024"));
        let body = event_body("payment.attempt.failed", "TRX1A2B3C4D", &metadata, now);
        assert_eq!(body["event"], "payment.attempt.failed");
        assert_eq!(body["payment"]["id"], "TRX1A2B3C4D");
        assert_eq!(body["payment"]["status"], "pending");
        assert_eq!(body["payment"]["metadata"], json!({"order_id": "1024"}));
        assert_eq!(body["attempt"]["status"], "failed");
        assert_eq!(body["timestamp"], "2026-06-08T12:00:00+00:00");
        let attempt = body["attempt"]["id"].as_str().unwrap();
        assert!(
            attempt.starts_with("att_") && attempt.len() == 28,
            "{attempt}"
        );
        let customer = body["customer"]["id"].as_str().unwrap();
        assert!(
            customer.starts_with("cus_") && customer.len() == 28,
            "{customer}"
        );
        for event in crate::webhooks::EVENTS {
            let (payment, attempt) = statuses(event);
            assert_ne!((payment, attempt), ("pending", "pending"), "{event}");
        }
    }

    #[test]
    fn payment_ids() {
        let id = payment_id();
        assert!(id.len() == 11 && id.starts_with("TRX"), "{id}");
        assert!(
            id[3..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
            "{id}"
        );
        assert_ne!(payment_id(), payment_id());
        assert_eq!(check_payment_id(" TRX1A2B3C4D ").unwrap(), "TRX1A2B3C4D");
        for bad in ["TRX", "trx1", "TRX-1", "cs_123", "TRX 1"] {
            assert!(check_payment_id(bad).is_err(), "{bad}");
        }
    }
}
