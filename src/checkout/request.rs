//! The body of `POST /payment/checkouts`, in the reference page's field order.
//!
//! One type serves as the draft being assembled (from JSON, flags and prompts) and as the body
//! that is sent: every field is optional here, and `validate` decides what is required. Only a
//! `ValidRequest` can be turned into bytes to send.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<NumberText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_descriptor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<Restriction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customization: Option<Customization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_minutes: Option<NumberText>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restriction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
}

/// A number kept as the exact text the user gave, so `50` is sent as `50` and `12.50` as
/// `12.50`. From JSON it must be a JSON number (serde_json's `arbitrary_precision` keeps its
/// text); from a flag it is whatever was typed, and `validate` checks it before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberText(pub String);

impl Serialize for NumberText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Only validated text reaches here on the send path; a dry run of an invalid draft
        // never serialises. Falling back to a string keeps this total.
        match self.0.parse::<Number>() {
            Ok(n) => n.serialize(s),
            Err(_) => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Number::deserialize(d).map(|n| NumberText(n.to_string()))
    }
}

impl CheckoutRequest {
    /// Lays `over` on top of `self`, field by field: a value set in `over` wins, nested objects
    /// merge, and metadata merges key by key.
    pub fn overlay(mut self, over: CheckoutRequest) -> CheckoutRequest {
        fn pick<T>(base: &mut Option<T>, over: Option<T>) {
            if over.is_some() {
                *base = over;
            }
        }
        pick(&mut self.amount, over.amount);
        pick(&mut self.currency, over.currency);
        pick(&mut self.description, over.description);
        if let Some(c) = over.customer {
            let base = self.customer.get_or_insert_with(Default::default);
            pick(&mut base.email, c.email);
            pick(&mut base.first_name, c.first_name);
            pick(&mut base.last_name, c.last_name);
            pick(&mut base.address, c.address);
            pick(&mut base.city, c.city);
            pick(&mut base.state, c.state);
            pick(&mut base.country, c.country);
            pick(&mut base.zip, c.zip);
        }
        pick(&mut self.return_url, over.return_url);
        pick(&mut self.webhook_url, over.webhook_url);
        pick(&mut self.statement_descriptor, over.statement_descriptor);
        pick(&mut self.receipt_email, over.receipt_email);
        if let Some(r) = over.restriction {
            let base = self.restriction.get_or_insert_with(Default::default);
            pick(&mut base.country_code, r.country_code);
            if let Some(p) = r.phone {
                let bp = base.phone.get_or_insert_with(Default::default);
                pick(&mut bp.number, p.number);
                pick(&mut bp.country, p.country);
            }
        }
        if let Some(c) = over.customization {
            let base = self.customization.get_or_insert_with(Default::default);
            pick(&mut base.color, c.color);
            pick(&mut base.brand, c.brand);
        }
        if let Some(m) = over.metadata {
            self.metadata.get_or_insert_with(Map::new).extend(m);
        }
        pick(&mut self.expires_in_minutes, over.expires_in_minutes);
        self
    }
}

/// A request that passed every check of the contract. Only `validate` makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRequest(pub(super) CheckoutRequest);

impl ValidRequest {
    pub fn get(&self) -> &CheckoutRequest {
        &self.0
    }

    /// The exact bytes sent: compact JSON, the same bytes on every retry.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain strings, maps and checked numbers cannot fail.
        serde_json::to_vec(&self.0).unwrap_or_default()
    }

    pub fn to_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        let r: CheckoutRequest =
            serde_json::from_str(r#"{"amount": 12.50, "expires_in_minutes": 30}"#).unwrap();
        assert_eq!(r.amount, Some(NumberText("12.50".into())));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"amount":12.50,"expires_in_minutes":30}"#
        );
    }

    #[test]
    fn overlay_merges_field_by_field() {
        let base: CheckoutRequest = serde_json::from_str(
            r#"{"customer":{"email":"a@example.com","first_name":"Ama"},"metadata":{"a":"1","b":"2"}}"#,
        )
        .unwrap();
        let over: CheckoutRequest =
            serde_json::from_str(r#"{"customer":{"email":"b@example.com"},"metadata":{"b":"3"}}"#)
                .unwrap();
        let merged = base.overlay(over);
        let c = merged.customer.unwrap();
        assert_eq!(c.email.as_deref(), Some("b@example.com"));
        assert_eq!(c.first_name.as_deref(), Some("Ama"));
        assert_eq!(
            serde_json::to_string(&merged.metadata).unwrap(),
            r#"{"a":"1","b":"3"}"#
        );
    }
}
