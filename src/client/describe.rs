//! Transport failures in words, and what each means for a retry and for the request's fate.

use std::io::ErrorKind;

use ureq::Timeout;
use ureq::http::Uri;

use super::failure::{Failure, Problem};
use crate::connect::{self, tls_error};

pub(super) fn transport_failure(err: &ureq::Error, base_url: &str, proxy: Option<&str>) -> Failure {
    let (retryable, reached) = classify(err);
    Failure {
        problem: Problem::Network(describe(err, base_url, proxy)),
        retryable,
        retry_after: None,
        reached,
    }
}

/// Whether a transport failure is worth retrying, and whether the request may have reached
/// the API. Unsure means reached: a wrong "nothing was created" is the one costly mistake.
fn classify(err: &ureq::Error) -> (bool, bool) {
    match err {
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => (true, false),
        ureq::Error::Timeout(_) => (true, true),
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_) => (true, false),
        ureq::Error::Tls(_) => (false, false),
        ureq::Error::Io(e) => {
            if let Some(tls) = tls_error(e) {
                // The certificate is checked before any request byte is sent.
                return (false, !rejected_in_handshake(tls));
            }
            match e.kind() {
                ErrorKind::ConnectionRefused
                | ErrorKind::NetworkUnreachable
                | ErrorKind::HostUnreachable
                | ErrorKind::AddrNotAvailable => (true, false),
                _ if is_dns_failure(e) => (true, false),
                ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::TimedOut
                | ErrorKind::WouldBlock
                | ErrorKind::Interrupted => (true, true),
                _ => (false, true),
            }
        }
        _ => (false, true),
    }
}

fn rejected_in_handshake(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType
            | rustls::Error::PeerIncompatible(_)
    )
}

fn is_dns_failure(e: &std::io::Error) -> bool {
    e.to_string().contains("failed to lookup address")
}

/// One readable line for a transport failure. `ureq::Error` has no `source()`, so the words
/// are ours; none of them can contain the key (it travels only in a header).
/// `proxy` names the proxy requests go through, if any: then it, not the API, is what could
/// not be reached when connecting fails.
pub fn describe(err: &ureq::Error, base_url: &str, proxy: Option<&str>) -> String {
    let host = base_url
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| base_url.to_string());
    if let Some(proxy) = proxy {
        let connecting = match err {
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
            ureq::Error::Timeout(t) => matches!(t, Timeout::Connect | Timeout::Resolve),
            ureq::Error::Io(e) => {
                tls_error(e).is_none()
                    && (is_dns_failure(e)
                        || matches!(
                            e.kind(),
                            ErrorKind::ConnectionRefused
                                | ErrorKind::NetworkUnreachable
                                | ErrorKind::HostUnreachable
                        ))
            }
            _ => false,
        };
        if connecting {
            let why = match err {
                ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
                    "connection refused".to_string()
                }
                ureq::Error::Timeout(_) => "connecting took longer than 10 s".to_string(),
                ureq::Error::Io(e) if !is_dns_failure(e) => crate::text::io_reason(e),
                _ => "its name does not resolve".to_string(),
            };
            return format!(
                "cannot connect to the proxy {proxy} on the way to {host}: {why}; check HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY"
            );
        }
    }
    match err {
        ureq::Error::Timeout(t) => {
            let phase = match t {
                ureq::Timeout::Connect | ureq::Timeout::Resolve => {
                    "connecting took longer than 10 s"
                }
                _ => "the request took longer than its time limit (--timeout)",
            };
            format!("timed out talking to {host}: {phase}")
        }
        ureq::Error::HostNotFound => {
            format!("cannot resolve {host}: check the address and your DNS")
        }
        ureq::Error::ConnectionFailed => format!("cannot connect to {host}"),
        ureq::Error::ConnectProxyFailed(why) => {
            format!("the proxy would not connect to {host} ({why}); check HTTPS_PROXY and NO_PROXY")
        }
        ureq::Error::Io(e) => match (tls_error(e), e.kind()) {
            (Some(tls), _) => describe_tls(tls, &host),
            (None, ErrorKind::ConnectionRefused) => {
                format!("cannot connect to {host}: connection refused")
            }
            (
                None,
                ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted,
            ) => {
                format!("{host} closed the connection without a complete answer")
            }
            (None, ErrorKind::TimedOut) => format!("timed out talking to {host}"),
            _ if is_dns_failure(e) => {
                format!("cannot resolve {host}: check the address and your DNS")
            }
            _ => format!("network error talking to {host}: {e}"),
        },
        ureq::Error::Tls(m) => format!("TLS failure with {host}: {m}"),
        ureq::Error::BodyExceedsLimit(n) => {
            format!(
                "the answer from {host} is larger than {} MiB; refused",
                n / (1024 * 1024)
            )
        }
        // Interim 1xx answers count towards the limit too: a flood of them is refused.
        ureq::Error::LargeResponseHeader(_, limit) => format!(
            "the answer from {host} has headers larger than {} KiB (with any interim 1xx answers before it); refused",
            limit / 1024
        ),
        ureq::Error::Protocol(ureq_proto::Error::HttpParseTooManyHeaders) => format!(
            "the answer from {host} has more than {} headers; refused",
            ureq_proto::client::MAX_RESPONSE_HEADERS
        ),
        ureq::Error::Protocol(e) => format!("{host} answered with broken HTTP: {e}"),
        other => format!("request to {host} failed: {other}"),
    }
}

fn describe_tls(e: &rustls::Error, host: &str) -> String {
    match connect::tls_reason(e) {
        Some(why) => format!("TLS failure with {host}: {why}; verification stays on"),
        None => format!(
            "the TLS certificate of {host} is not signed by a trusted authority; {}",
            connect::TRUST_HINT
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    const BASE: &str = "https://api.orqex.com/v1";
    const HOST: &str = "api.orqex.com";

    fn io_err(kind: ErrorKind, text: &str) -> ureq::Error {
        ureq::Error::Io(io::Error::new(kind, text))
    }

    fn dns() -> ureq::Error {
        io_err(
            ErrorKind::Other,
            "failed to lookup address information: Name or service not known",
        )
    }

    fn tls(e: rustls::Error) -> ureq::Error {
        ureq::Error::Io(io::Error::new(ErrorKind::InvalidData, e))
    }

    fn unknown_issuer() -> rustls::Error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
    }

    #[test]
    fn failures_before_a_byte_is_sent_are_retried_as_not_reached() {
        let cases: Vec<(ureq::Error, (bool, bool))> = vec![
            (ureq::Error::Timeout(Timeout::Connect), (true, false)),
            (ureq::Error::Timeout(Timeout::Resolve), (true, false)),
            (ureq::Error::HostNotFound, (true, false)),
            (ureq::Error::ConnectionFailed, (true, false)),
            (ureq::Error::ConnectProxyFailed("407".into()), (true, false)),
            (
                io_err(ErrorKind::ConnectionRefused, "refused"),
                (true, false),
            ),
            (
                io_err(ErrorKind::NetworkUnreachable, "no route"),
                (true, false),
            ),
            (io_err(ErrorKind::HostUnreachable, "no host"), (true, false)),
            (
                io_err(ErrorKind::AddrNotAvailable, "no addr"),
                (true, false),
            ),
            (dns(), (true, false)),
        ];
        for (err, expected) in cases {
            assert_eq!(classify(&err), expected, "{err}");
        }
    }

    #[test]
    fn failures_after_sending_may_have_reached_the_api() {
        let cases: Vec<(ureq::Error, (bool, bool))> = vec![
            (ureq::Error::Timeout(Timeout::Global), (true, true)),
            (ureq::Error::Timeout(Timeout::RecvResponse), (true, true)),
            (io_err(ErrorKind::UnexpectedEof, "eof"), (true, true)),
            (io_err(ErrorKind::ConnectionReset, "reset"), (true, true)),
            (
                io_err(ErrorKind::ConnectionAborted, "aborted"),
                (true, true),
            ),
            (io_err(ErrorKind::BrokenPipe, "pipe"), (true, true)),
            (io_err(ErrorKind::TimedOut, "slow"), (true, true)),
            (io_err(ErrorKind::WouldBlock, "again"), (true, true)),
            (io_err(ErrorKind::Interrupted, "signal"), (true, true)),
            // Unknown kinds are not retried, and may have reached the API.
            (io_err(ErrorKind::Other, "something else"), (false, true)),
            (io_err(ErrorKind::InvalidData, "garbage"), (false, true)),
            (ureq::Error::TooManyRedirects, (false, true)),
        ];
        for (err, expected) in cases {
            assert_eq!(classify(&err), expected, "{err}");
        }
    }

    #[test]
    fn tls_failures_are_not_retried_and_a_refused_certificate_sent_nothing() {
        assert_eq!(classify(&ureq::Error::Tls("no roots")), (false, false));
        assert_eq!(classify(&tls(unknown_issuer())), (false, false));
        assert_eq!(
            classify(&tls(rustls::Error::NoCertificatesPresented)),
            (false, false)
        );
        // Failing after the handshake, the request may have gone.
        assert_eq!(classify(&tls(rustls::Error::DecryptError)), (false, true));
        assert!(rejected_in_handshake(&unknown_issuer()));
        assert!(rejected_in_handshake(&rustls::Error::UnsupportedNameType));
        assert!(!rejected_in_handshake(&rustls::Error::DecryptError));
        assert!(tls_error(&io::Error::new(ErrorKind::InvalidData, "plain")).is_none());
        assert!(tls_error(&io::Error::from(ErrorKind::InvalidData)).is_none());
        assert!(matches!(
            tls_error(&io::Error::new(ErrorKind::InvalidData, unknown_issuer())),
            Some(rustls::Error::InvalidCertificate(_))
        ));
    }

    #[test]
    fn dns_failures_are_told_by_their_words() {
        let ureq::Error::Io(e) = dns() else {
            unreachable!()
        };
        assert!(is_dns_failure(&e));
        assert!(!is_dns_failure(&io::Error::other("lookup")));
    }

    #[test]
    fn each_failure_in_words_without_a_proxy() {
        let d = |err: ureq::Error| describe(&err, BASE, None);
        let cases: Vec<(ureq::Error, String)> = vec![
            (
                ureq::Error::Timeout(Timeout::Connect),
                format!("timed out talking to {HOST}: connecting took longer than 10 s"),
            ),
            (
                ureq::Error::Timeout(Timeout::Resolve),
                format!("timed out talking to {HOST}: connecting took longer than 10 s"),
            ),
            (
                ureq::Error::Timeout(Timeout::Global),
                format!(
                    "timed out talking to {HOST}: the request took longer than its time limit (--timeout)"
                ),
            ),
            (
                ureq::Error::HostNotFound,
                format!("cannot resolve {HOST}: check the address and your DNS"),
            ),
            (
                ureq::Error::ConnectionFailed,
                format!("cannot connect to {HOST}"),
            ),
            (
                ureq::Error::ConnectProxyFailed("407 Proxy Authentication Required".into()),
                format!(
                    "the proxy would not connect to {HOST} (407 Proxy Authentication Required); check HTTPS_PROXY and NO_PROXY"
                ),
            ),
            (
                io_err(ErrorKind::ConnectionRefused, "refused by peer"),
                format!("cannot connect to {HOST}: connection refused"),
            ),
            (
                io_err(ErrorKind::UnexpectedEof, "eof"),
                format!("{HOST} closed the connection without a complete answer"),
            ),
            (
                io_err(ErrorKind::ConnectionReset, "reset"),
                format!("{HOST} closed the connection without a complete answer"),
            ),
            (
                io_err(ErrorKind::ConnectionAborted, "aborted"),
                format!("{HOST} closed the connection without a complete answer"),
            ),
            (
                io_err(ErrorKind::TimedOut, "slow"),
                format!("timed out talking to {HOST}"),
            ),
            (
                dns(),
                format!("cannot resolve {HOST}: check the address and your DNS"),
            ),
            (
                io_err(ErrorKind::NetworkUnreachable, "no route to the network"),
                format!("network error talking to {HOST}: no route to the network"),
            ),
            (
                tls(unknown_issuer()),
                format!(
                    "the TLS certificate of {HOST} is not signed by a trusted authority; if a private CA signs it (private deployment, corporate proxy), trust that CA with --ca-bundle FILE or ORQEX_CA_BUNDLE"
                ),
            ),
            (
                ureq::Error::Tls("no usable roots"),
                format!("TLS failure with {HOST}: no usable roots"),
            ),
            (
                ureq::Error::BodyExceedsLimit(10 * 1024 * 1024),
                format!("the answer from {HOST} is larger than 10 MiB; refused"),
            ),
            (
                ureq::Error::TooManyRedirects,
                format!("request to {HOST} failed: too many redirects"),
            ),
        ];
        for (err, expected) in cases {
            let shown = format!("{err:?}");
            assert_eq!(d(err), expected, "{shown}");
        }
    }

    #[test]
    fn the_host_is_named_with_its_port_or_as_given() {
        assert_eq!(
            describe(
                &ureq::Error::ConnectionFailed,
                "http://127.0.0.1:8080/v1",
                None
            ),
            "cannot connect to 127.0.0.1:8080"
        );
        assert_eq!(
            describe(&ureq::Error::ConnectionFailed, "not a url", None),
            "cannot connect to not a url"
        );
    }

    #[test]
    fn connecting_through_a_proxy_blames_the_proxy() {
        let d = |err: ureq::Error| describe(&err, BASE, Some("proxy.corp:3128"));
        let blame = |why: &str| {
            format!(
                "cannot connect to the proxy proxy.corp:3128 on the way to {HOST}: {why}; check HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY"
            )
        };
        assert_eq!(
            d(ureq::Error::HostNotFound),
            blame("its name does not resolve")
        );
        assert_eq!(
            d(ureq::Error::ConnectionFailed),
            blame("its name does not resolve")
        );
        assert_eq!(d(dns()), blame("its name does not resolve"));
        assert_eq!(
            d(io_err(ErrorKind::ConnectionRefused, "refused by peer")),
            blame("connection refused")
        );
        assert_eq!(
            d(io_err(
                ErrorKind::NetworkUnreachable,
                "no route to the network"
            )),
            blame("no route to the network")
        );
        assert_eq!(
            d(io_err(ErrorKind::HostUnreachable, "no route to the host")),
            blame("no route to the host")
        );
        assert_eq!(
            d(ureq::Error::Timeout(Timeout::Connect)),
            blame("connecting took longer than 10 s")
        );
        assert_eq!(
            d(ureq::Error::Timeout(Timeout::Resolve)),
            blame("connecting took longer than 10 s")
        );
    }

    #[test]
    fn past_connecting_a_proxy_is_not_blamed() {
        let d = |err: ureq::Error| describe(&err, BASE, Some("proxy.corp:3128"));
        assert_eq!(
            d(ureq::Error::Timeout(Timeout::Global)),
            describe(&ureq::Error::Timeout(Timeout::Global), BASE, None)
        );
        assert_eq!(
            d(io_err(ErrorKind::ConnectionReset, "reset")),
            format!("{HOST} closed the connection without a complete answer")
        );
        assert_eq!(
            d(tls(unknown_issuer())),
            describe(&tls(unknown_issuer()), BASE, None)
        );
        assert_eq!(
            d(ureq::Error::ConnectProxyFailed("403".into())),
            format!("the proxy would not connect to {HOST} (403); check HTTPS_PROXY and NO_PROXY")
        );
        assert_eq!(
            d(ureq::Error::Tls("bad")),
            format!("TLS failure with {HOST}: bad")
        );
    }

    #[test]
    fn each_certificate_problem_in_words() {
        use rustls::CertificateError as C;
        let d = |e: rustls::Error| describe_tls(&e, HOST);
        let on = |why: &str| format!("TLS failure with {HOST}: {why}; verification stays on");
        assert!(d(unknown_issuer()).starts_with(&format!(
            "the TLS certificate of {HOST} is not signed by a trusted authority"
        )));
        let cases = [
            (C::NotValidForName, "its certificate is for another name"),
            (C::Expired, "its certificate has expired"),
            (
                C::NotValidYet,
                "its certificate is not valid yet (check this machine's clock)",
            ),
            (
                C::BadSignature,
                "its certificate is damaged or badly signed",
            ),
            (C::BadEncoding, "its certificate is damaged or badly signed"),
            (C::Revoked, "its certificate was revoked"),
            (
                C::UnhandledCriticalExtension,
                "its certificate was refused (not a server certificate this client can trust)",
            ),
        ];
        for (e, why) in cases {
            assert_eq!(d(rustls::Error::InvalidCertificate(e)), on(why));
        }
        assert_eq!(
            d(rustls::Error::InvalidMessage(
                rustls::InvalidMessage::InvalidContentType
            )),
            on("it did not answer in TLS (is it plain http? then the URL should say http://)")
        );
        assert_eq!(
            d(rustls::Error::DecryptError),
            on(&rustls::Error::DecryptError.to_string())
        );
    }

    #[test]
    fn a_transport_failure_carries_its_words_and_its_fate() {
        let f = transport_failure(&ureq::Error::HostNotFound, BASE, None);
        assert!(f.retryable);
        assert!(!f.reached);
        assert!(f.retry_after.is_none());
        assert_eq!(
            f.reason(),
            format!("cannot resolve {HOST}: check the address and your DNS")
        );
        let f = transport_failure(&io_err(ErrorKind::ConnectionReset, "x"), BASE, None);
        assert!(f.retryable && f.reached);
    }
}
