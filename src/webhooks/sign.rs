//! The `x-orqex-signature` header: the lowercase hex HMAC-SHA256 of the raw body, keyed with
//! the endpoint's `whsec_...` secret (the whole text, prefix included, as the documented PHP
//! check `hash_hmac('sha256', $payload, $secret)` uses it).
//!
//! HMAC comes from ring, which rustls already links into orqex for TLS: no new crate, and
//! nothing added to the binary. `ring::hmac::verify` compares in constant time, so how long a
//! check takes says nothing about how much of a forged signature was right.

use ring::hmac;

use crate::secret::WebhookSecret;

fn key(secret: &WebhookSecret) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret.expose().as_bytes())
}

/// The signature Orqex would send for `body`, as lowercase hex.
pub fn sign(secret: &WebhookSecret, body: &[u8]) -> String {
    hex(hmac::sign(&key(secret), body).as_ref())
}

/// Whether `signature` is the one for `body`: 64 lowercase hexadecimal characters, exactly as
/// the documented check (`hash_equals(hash_hmac(...), $signature)`) compares them, so that
/// what orqex calls valid the merchant's own handler accepts too. White space around it, as
/// a header value may carry, is ignored. Anything else matches nothing.
pub fn verify(secret: &WebhookSecret, body: &[u8], signature: &str) -> bool {
    match decode(signature) {
        // Decoding depends only on the signature, which the sender knows anyway; the
        // comparison with the right one is constant-time.
        Some(tag) => hmac::verify(&key(secret), body, &tag).is_ok(),
        None => false,
    }
}

/// Whether `signature` fails only for being written in upper case: then the message can say
/// why a signature that "looks right" does not match.
pub fn matches_but_for_case(secret: &WebhookSecret, body: &[u8], signature: &str) -> bool {
    let lower = signature.to_ascii_lowercase();
    lower != signature && verify(secret, body, &lower)
}

/// The signature's bytes, when it is 64 lowercase hexadecimal characters (a SHA-256 tag).
pub fn decode(signature: &str) -> Option<Vec<u8>> {
    let text = signature.trim().as_bytes();
    if text.len() != 64
        || !text
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |b: u8| char::from(b).to_digit(16);
            u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()
        })
        .collect()
}

/// Whether `signature` has a signature's shape, 64 hexadecimal characters, in either case.
pub fn is_hex_tag(signature: &str) -> bool {
    decode(&signature.to_ascii_lowercase()).is_some()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Computed independently, with Python's hmac module.
    const SECRET: &str = "whsec_test_0000_0000_fake";
    const BODY: &[u8] = br#"{"event":"payment.completed"}"#;
    const SIGNATURE: &str = "ae615761740f4ac347110d6f0caa5e02b4bffacafd07a0fe5b49f7f9a0a72d0f";

    #[test]
    fn signs_as_the_documented_check_expects() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert_eq!(sign(&secret, BODY), SIGNATURE);
        assert!(verify(&secret, BODY, SIGNATURE));
        assert!(verify(&secret, BODY, &format!(" {SIGNATURE}\n")));
        // Exactly as hash_equals compares: upper case is another string.
        let upper = SIGNATURE.to_ascii_uppercase();
        assert!(!verify(&secret, BODY, &upper));
        assert!(matches_but_for_case(&secret, BODY, &upper));
        assert!(!matches_but_for_case(&secret, BODY, SIGNATURE));
        assert!(!matches_but_for_case(&secret, b"{}", &upper));
        assert!(is_hex_tag(&upper) && is_hex_tag(SIGNATURE) && !is_hex_tag("ab"));
    }

    #[test]
    fn anything_else_does_not_match() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert!(!verify(
            &secret,
            b"{\"event\":\"payment.failed\"}",
            SIGNATURE
        ));
        let other = WebhookSecret::parse("whsec_test_1111_1111_fake").unwrap();
        assert!(!verify(&other, BODY, SIGNATURE));
        let mut flipped = SIGNATURE.to_string();
        flipped.replace_range(63.., "e");
        assert!(!verify(&secret, BODY, &flipped));
        for not_hex in [
            "",
            "sha256=ae61",
            &SIGNATURE[..62],
            &format!("{SIGNATURE}00"),
            &SIGNATURE.replace('a', "g"),
        ] {
            assert!(!verify(&secret, BODY, not_hex), "{not_hex}");
        }
    }
}
