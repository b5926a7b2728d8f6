//! Where a redirect leads, and whether the key may follow it there.
//!
//! RFC 3986's reference resolution, for the only URLs it meets (the API's own, http and
//! https). Written here rather than through the `url` crate, which would link Unicode tables
//! for international host names into every run: a host that is not plain ASCII is not the
//! API's origin anyway.

use ureq::http::Uri;

/// The absolute URL a redirect from `from` to `location` leads to, resolved as RFC 3986 says
/// (`?page=2` keeps the path), if it stays on the same origin (scheme, host and port); `None`
/// when it leaves it or cannot be read.
pub(super) fn target(from: &str, location: &str) -> Option<String> {
    let base = Parts::of(from)?;
    let location = location.trim();
    let location = location.split('#').next().unwrap_or(location);
    if location.bytes().any(|b| !b.is_ascii_graphic()) {
        return None;
    }
    let next = if has_scheme(location) {
        Parts::of(location)?
    } else if location.starts_with("//") {
        Parts::of(&format!("{}:{location}", base.scheme))?
    } else {
        let (path, query) = match location.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (location, None),
        };
        let (path, query) = if path.is_empty() {
            // A query alone keeps the path (5.2.2); nothing at all keeps the query too.
            (base.path.clone(), query.or(base.query.clone()))
        } else if path.starts_with('/') {
            (remove_dot_segments(path), query)
        } else {
            let dir = &base.path[..base.path.rfind('/').map_or(0, |i| i + 1)];
            (remove_dot_segments(&format!("{dir}{path}")), query)
        };
        Parts {
            path,
            query,
            ..base.clone()
        }
    };
    (next.scheme == base.scheme && next.host == base.host && next.port == base.port)
        .then(|| next.to_string())
}

/// An http(s) URL in the pieces that decide its origin and where it leads.
#[derive(Debug, Clone)]
struct Parts {
    scheme: String,
    host: String,
    port: u16,
    path: String,
    query: Option<String>,
}

impl Parts {
    fn of(url: &str) -> Option<Parts> {
        let uri: Uri = url.parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let authority = uri.authority()?;
        // A user name would make `host@evil.example` read as one host and go to another.
        if authority.as_str().contains('@') {
            return None;
        }
        Some(Parts {
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port),
            path: remove_dot_segments(uri.path()),
            query: uri.query().map(str::to_string),
            scheme,
        })
    }
}

impl std::fmt::Display for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let default_port = if self.scheme == "https" { 443 } else { 80 };
        write!(f, "{}://{}", self.scheme, self.host)?;
        if self.port != default_port {
            write!(f, ":{}", self.port)?;
        }
        f.write_str(if self.path.is_empty() {
            "/"
        } else {
            &self.path
        })?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        Ok(())
    }
}

/// `scheme:` at the start (RFC 3986, 3.1): a letter, then letters, digits, `+`, `-`, `.`.
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A path without its `.` and `..` segments (RFC 3986, 5.2.4): `/a/b/../c` is `/a/c`, and
/// nothing climbs above the root.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." && out.len() > 1 {
                    out.pop();
                }
                // `/a/..` ends in a directory: keep the trailing slash.
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if path.starts_with('/') && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
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
        assert_eq!(
            t("../cs_4#frag").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/cs_4")
        );
        assert_eq!(
            t("/a/./b/../../../c").as_deref(),
            Some("http://127.0.0.1:8080/c")
        );
        assert_eq!(
            t("").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/checkouts/cs_1")
        );
        // Another port, host or scheme is another origin.
        assert_eq!(t("http://127.0.0.1:8081/v1"), None);
        assert_eq!(t("http://localhost:8080/v1"), None);
        assert_eq!(t("https://127.0.0.1:8080/v1"), None);
        assert_eq!(t("//evil.example/v1"), None);
        assert_eq!(t("http://127.0.0.1:8080@evil.example/"), None);
        assert_eq!(t("javascript:alert(1)"), None);
        assert_eq!(t("ftp://127.0.0.1:8080/"), None);
        assert_eq!(t("/a b"), None);
        assert_eq!(t("/a\u{1b}[2J"), None);
        // Default ports are the same origin as explicit ones.
        assert_eq!(
            target(
                "https://api.orqex.com/v1/a",
                "https://API.orqex.com:443/v1/b"
            )
            .as_deref(),
            Some("https://api.orqex.com/v1/b")
        );
        assert_eq!(
            target("https://api.orqex.com", "v2").as_deref(),
            Some("https://api.orqex.com/v2")
        );
    }

    #[test]
    fn dot_segments_go_as_rfc_3986_says() {
        for (path, expected) in [
            ("/a/b/c/./../../g", "/a/g"),
            ("mid/content=5/../6", "mid/6"),
            ("/a/..", "/"),
            ("/a/b/.", "/a/b/"),
            ("/../..", "/"),
            ("/a//b", "/a//b"),
            ("", ""),
        ] {
            assert_eq!(remove_dot_segments(path), expected, "{path}");
        }
    }

    #[test]
    fn schemes_are_told_from_paths() {
        assert!(has_scheme("http://x"));
        assert!(has_scheme("a+b-c.d:x"));
        assert!(!has_scheme("/a:b"));
        assert!(!has_scheme("1a:b"));
        assert!(!has_scheme("ab"));
    }
}
