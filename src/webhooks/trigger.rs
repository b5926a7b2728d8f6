//! What `trigger` sends: one event, as Orqex would deliver it to a project endpoint. The same
//! prepared request is sent each time with `--repeat`, ids and timestamp included, as a retried
//! delivery is.

use std::time::SystemTime;

use serde_json::{Map, Value};

use super::{HEADER_EVENT, HEADER_PAYMENT_ID, HEADER_SIGNATURE, payload, sign};
use crate::secret::WebhookSecret;

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub event: &'static str,
    pub payment_id: String,
    /// The exact bytes sent, compact JSON: the signature covers these.
    pub body: Vec<u8>,
    /// The `x-orqex-signature` sent, when there is a secret.
    pub signature: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The event for `payment_id` (a fresh one when None), signed with `secret` when given.
pub fn prepare(
    event: &'static str,
    payment_id: Option<String>,
    metadata: &Map<String, Value>,
    secret: Option<&WebhookSecret>,
    now: SystemTime,
) -> Prepared {
    let payment_id = payment_id.unwrap_or_else(payload::payment_id);
    let body = payload::event_body(event, &payment_id, metadata, now)
        .to_string()
        .into_bytes();
    let signature = secret.map(|s| sign::sign(s, &body));
    let mut headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        (HEADER_EVENT.to_string(), event.to_string()),
        (HEADER_PAYMENT_ID.to_string(), payment_id.clone()),
    ];
    if let Some(sig) = &signature {
        headers.push((HEADER_SIGNATURE.to_string(), sig.clone()));
    }
    Prepared {
        event,
        payment_id,
        body,
        signature,
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_when_a_secret_is_given() {
        let secret = WebhookSecret::parse("whsec_test_0000_0000_fake").unwrap();
        let now = SystemTime::now();
        let p = prepare(
            "payment.failed",
            Some("TRX00000001".into()),
            &Map::new(),
            Some(&secret),
            now,
        );
        assert_eq!(
            p.signature.as_deref(),
            Some(sign::sign(&secret, &p.body).as_str())
        );
        assert!(
            p.headers
                .contains(&("X-Payment-Id".into(), "TRX00000001".into()))
        );
        assert!(
            p.headers
                .contains(&("X-Payment-Event".into(), "payment.failed".into()))
        );
        let body: Value = serde_json::from_slice(&p.body).unwrap();
        assert_eq!(body["payment"]["status"], "failed");

        let p = prepare("payment.completed", None, &Map::new(), None, now);
        assert!(p.signature.is_none());
        assert!(!p.headers.iter().any(|(n, _)| n == HEADER_SIGNATURE));
        assert!(p.payment_id.starts_with("TRX"));
    }
}
