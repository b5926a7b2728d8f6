//! Webhooks on the developer's machine: receive Orqex's deliveries locally (`listen`), send
//! realistic ones to a handler (`trigger`), and check a saved one's signature (`sign`).
//!
//! The facts, from the API's webhook documentation: Orqex POSTs a JSON event with the headers
//! `X-Payment-Event` (the event's name) and `X-Payment-Id` (the payment's id); a project
//! endpoint's deliveries carry `x-orqex-signature`, the lowercase hex HMAC-SHA256 of the raw
//! body keyed with the endpoint's `whsec_...` secret; delivery is at least once, so the same
//! payment and event can arrive again.
//!
//! A domain room: it reports what happened as values (`listen::Seen`, `send::Answer`) and
//! prints nothing; `commands::webhooks` decides what a person and a script see.

use std::net::{IpAddr, SocketAddr};

pub mod http;
pub mod listen;
pub mod payload;
pub mod send;
pub mod sign;
pub mod trigger;
pub mod unique;

/// Every event Orqex sends, as documented.
pub const EVENTS: [&str; 8] = [
    "payment.completed",
    "payment.failed",
    "payment.expired",
    "payment.refunded",
    "payment.partially_refunded",
    "payment.attempt.completed",
    "payment.attempt.failed",
    "payment.attempt.action_required",
];

pub const HEADER_EVENT: &str = "X-Payment-Event";
pub const HEADER_PAYMENT_ID: &str = "X-Payment-Id";
pub const HEADER_SIGNATURE: &str = "x-orqex-signature";

/// The largest delivery read. Orqex's events are a few hundred bytes; anything near this is
/// not one, and reading it whole would only cost memory.
pub const MAX_BODY: usize = crate::limits::INPUT_BYTES as usize;

/// The event named `name`, or why there is none: the message lists the known events and the
/// nearest one.
pub fn check_event(name: &str) -> Result<&'static str, String> {
    let typed = name.trim();
    if let Some(event) = EVENTS.iter().find(|e| e.eq_ignore_ascii_case(typed)) {
        return Ok(event);
    }
    Err(format!(
        "unknown event `{}`{}; the events are: {}",
        crate::text::printable(typed),
        nearest(typed)
            .map(|e| format!(" (did you mean `{e}`?)"))
            .unwrap_or_default(),
        EVENTS.join(", ")
    ))
}

/// The known event nearest to what was typed, if one is near. Every name starts with
/// `payment.`, so only what follows is compared; "succeeded" and "paid", as other payment
/// APIs say it, are what Orqex calls completed.
fn nearest(typed: &str) -> Option<&'static str> {
    let typed = typed.to_ascii_lowercase();
    let rest = typed.strip_prefix("payment.").unwrap_or(&typed);
    if matches!(rest, "succeeded" | "success" | "successful" | "paid") {
        return Some("payment.completed");
    }
    EVENTS
        .iter()
        .map(|e| (similarity(&e["payment.".len()..], rest), *e))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, e)| e)
}

/// 1 for the same text, down to 0 for nothing in common: one less the edit distance (osa,
/// which `checkout` already uses for its suggestions) per character of the longer text.
fn similarity(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count()).max(1);
    1.0 - strsim::osa_distance(a, b) as f64 / longest as f64
}

/// Which events `listen` passes on: all, or those named (a name, or a family such as
/// `payment.attempt.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    patterns: Vec<String>,
}

impl EventFilter {
    /// From `--events` values, each a comma-separated list. Every entry must name a known
    /// event or a family that has one, so a typo does not silently ignore every delivery.
    pub fn parse(values: &[String]) -> Result<EventFilter, String> {
        let mut patterns = Vec::new();
        for entry in values.iter().flat_map(|v| v.split(',')) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let pattern = match entry.strip_suffix('*') {
                Some(prefix) if prefix.ends_with('.') => {
                    let prefix = prefix.to_ascii_lowercase();
                    if !EVENTS.iter().any(|e| e.starts_with(&prefix)) {
                        return Err(format!(
                            "`{}` matches no event; the events are: {}",
                            crate::text::printable(entry),
                            EVENTS.join(", ")
                        ));
                    }
                    format!("{prefix}*")
                }
                _ => check_event(entry)?.to_string(),
            };
            if !patterns.contains(&pattern) {
                patterns.push(pattern);
            }
        }
        if patterns.is_empty() {
            return Err(format!(
                "names no event; give a comma-separated list, like payment.completed,payment.failed (the events are: {})",
                EVENTS.join(", ")
            ));
        }
        Ok(EventFilter { patterns })
    }

    pub fn matches(&self, event: &str) -> bool {
        self.patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => event.starts_with(prefix),
            None => p == event,
        })
    }

    pub fn describe(&self) -> String {
        self.patterns.join(", ")
    }
}

/// An absolute http(s) URL with a host that can be reached, checked as `--to` and
/// `--forward-to` take it. The error completes a sentence that starts with the flag.
pub fn check_url(raw: &str) -> Result<String, String> {
    let shown = crate::text::printable(raw);
    let url = url::Url::parse(raw.trim()).map_err(|_| {
        format!("`{shown}` is not an absolute URL; give one like http://localhost:3000/webhooks")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{shown}` is not an http(s) URL; give one like http://localhost:3000/webhooks"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "`{shown}` has no host; give one like http://localhost:3000/webhooks"
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed: the part before `@` may be a password.
        return Err(
            "the URL has a user name or password in it, which orqex does not send; give scheme, host, port and path"
                .into(),
        );
    }
    let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
    crate::address::host_and_port(authority).map_err(|why| format!("`{shown}` {why}"))?;
    Ok(url.to_string())
}

/// Whether `url`'s host is this machine: no proxy stands between orqex and it.
pub fn is_loopback(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(d)) => crate::connect::is_localhost(d),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

/// Whether a request to any of `targets` (what `--forward-to` resolves to) reaches the
/// listener at `addr` itself: forwarding there would send each delivery round in a circle.
pub fn reaches_listener(targets: &[SocketAddr], addr: SocketAddr) -> bool {
    // An address of this machine: loopback, or "any" (0.0.0.0 and :: are reached locally),
    // an IPv4 address written as IPv6 (`[::ffff:127.0.0.1]`) counted as the IPv4 one.
    let local = |ip: IpAddr| ip.is_loopback() || ip.is_unspecified();
    let here = canonical(addr.ip());
    targets.iter().any(|t| {
        let there = canonical(t.ip());
        t.port() == addr.port() && (there == here || (local(there) && local(here)))
    })
}

/// An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) as the IPv4 one it is.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_known_or_refused_with_the_list() {
        assert_eq!(check_event("payment.completed"), Ok("payment.completed"));
        assert_eq!(check_event("Payment.Failed"), Ok("payment.failed"));
        let err = check_event("payment.complete").unwrap_err();
        assert!(err.starts_with("unknown event `payment.complete` (did you mean `payment.completed`?); the events are: payment.completed, payment.failed,"), "{err}");
        let err = check_event("order.shipped\x1b[2K").unwrap_err();
        assert!(err.contains("order.shipped\\x1b[2K`;"), "{err}");
        assert!(!err.contains("did you mean"), "{err}");
        let near = |t: &str| nearest(t);
        assert_eq!(near("payment.succeeded"), Some("payment.completed"));
        assert_eq!(near("payment.attempt.fail"), Some("payment.attempt.failed"));
        assert_eq!(near("payment.refund"), Some("payment.refunded"));
        assert_eq!(
            near("payment.partialy_refunded"),
            Some("payment.partially_refunded")
        );
        assert_eq!(near("checkout.created"), None);
    }

    #[test]
    fn filters_take_names_and_families() {
        let f = EventFilter::parse(&["payment.completed, payment.attempt.*".into()]).unwrap();
        assert!(f.matches("payment.completed"));
        assert!(f.matches("payment.attempt.failed"));
        assert!(!f.matches("payment.failed"));
        assert_eq!(f.describe(), "payment.completed, payment.attempt.*");
        let f = EventFilter::parse(&["payment.failed".into(), "payment.failed".into()]).unwrap();
        assert_eq!(f.describe(), "payment.failed");
        assert!(EventFilter::parse(&["payment.completd".into()]).is_err());
        assert!(EventFilter::parse(&["order.*".into()]).is_err());
        assert!(EventFilter::parse(&[" , ".into()]).is_err());
        // A family needs its dot: `payment*` is no pattern (and no event).
        assert!(EventFilter::parse(&["payment*".into()]).is_err());
    }

    #[test]
    fn urls() {
        assert_eq!(
            check_url("http://localhost:3000/hooks").unwrap(),
            "http://localhost:3000/hooks"
        );
        assert!(check_url("https://shop.example.com/hooks?x=1").is_ok());
        for bad in [
            "localhost:3000/hooks",
            "ftp://example.com/",
            "/hooks",
            "http://user:pw@example.com/",
            "http://user@example.com/",
            "http://:pw@example.com/",
            "http://-/",
            "http://a..b/x",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(is_loopback("http://127.0.0.1:9/"));
        assert!(is_loopback("http://[::1]:9/"));
        assert!(is_loopback("http://LOCALHOST/"));
        assert!(!is_loopback("http://example.com/"));
        assert!(is_loopback("http://localhost./"));
        assert!(is_loopback("http://app.localhost:3000/"));
        let a = |s: &str| -> Vec<SocketAddr> { vec![s.parse().unwrap()] };
        let addr: SocketAddr = "127.0.0.1:4242".parse().unwrap();
        assert!(reaches_listener(&a("127.0.0.1:4242"), addr));
        assert!(!reaches_listener(&a("127.0.0.1:3000"), addr));
        assert!(!reaches_listener(&a("192.0.2.1:4242"), addr));
        assert!(!reaches_listener(&[], addr));
        let two = [a("192.0.2.1:4242"), a("[::1]:4242")].concat();
        assert!(reaches_listener(&two, addr));
        let any: SocketAddr = "0.0.0.0:80".parse().unwrap();
        assert!(reaches_listener(&a("127.0.0.1:80"), any));
        // "Any" and IPv4 written as IPv6 reach the listener too.
        assert!(reaches_listener(&a("0.0.0.0:4242"), addr));
        assert!(reaches_listener(&a("[::ffff:127.0.0.1]:4242"), addr));
        assert!(reaches_listener(&a("[::]:4242"), addr));
        assert!(reaches_listener(&a("[::1]:4242"), addr));
        assert!(!reaches_listener(&a("10.0.0.1:4242"), addr));
        let lan: SocketAddr = "10.0.0.5:4242".parse().unwrap();
        assert!(reaches_listener(&a("10.0.0.5:4242"), lan));
        assert!(reaches_listener(&a("[::ffff:10.0.0.5]:4242"), lan));
        let mapped: SocketAddr = "[::ffff:10.0.0.5]:4242".parse().unwrap();
        assert!(reaches_listener(&a("10.0.0.5:4242"), mapped));
        assert!(!reaches_listener(&a("127.0.0.1:4242"), lan));
    }
}
