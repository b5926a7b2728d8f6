//! Where a redirect leads, and whether the key may follow it there.

use url::Url;

/// The absolute URL a redirect from `from` to `location` leads to, resolved as RFC 3986 says
/// (`?page=2` keeps the path), if it stays on the same origin (scheme, host and port); `None`
/// when it leaves it or cannot be read.
pub(super) fn target(from: &str, location: &str) -> Option<String> {
    let base = Url::parse(from).ok()?;
    let target = base.join(location.trim()).ok()?;
    (base.origin() == target.origin() && base.origin().is_tuple()).then(|| target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_resolve_and_stay_on_their_origin() {
        let from = "http://127.0.0.1:8080/v1/payment/checkouts/cs_1";
        let t = |loc| target(from, loc);
        assert_eq!(
            t("/v1/payment/checkouts/cs_2").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/checkouts/cs_2")
        );
        assert_eq!(
            t("cs_3?x=1").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/checkouts/cs_3?x=1")
        );
        // A query alone keeps the path (RFC 3986, 5.2.2).
        assert_eq!(
            t("?page=2").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/checkouts/cs_1?page=2")
        );
        assert_eq!(
            t("HTTP://127.0.0.1:8080/v2").as_deref(),
            Some("http://127.0.0.1:8080/v2")
        );
        assert_eq!(
            t("//127.0.0.1:8080/v2").as_deref(),
            Some("http://127.0.0.1:8080/v2")
        );
        // Another port, host or scheme is another origin.
        assert_eq!(t("http://127.0.0.1:8081/v1"), None);
        assert_eq!(t("http://localhost:8080/v1"), None);
        assert_eq!(t("https://127.0.0.1:8080/v1"), None);
        assert_eq!(t("//evil.example/v1"), None);
        assert_eq!(t("http://127.0.0.1:8080@evil.example/"), None);
        assert_eq!(t("javascript:alert(1)"), None);
        // Default ports are the same origin as explicit ones.
        assert_eq!(
            target(
                "https://api.orqex.com/v1/a",
                "https://api.orqex.com:443/v1/b"
            )
            .as_deref(),
            Some("https://api.orqex.com/v1/b")
        );
    }
}
