//! Transport failures in words, and what each means for a retry and for the request's fate.

use std::io::ErrorKind;

use ureq::Timeout;
use ureq::http::Uri;

use super::failure::{Failure, Problem};

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

fn tls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
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
        ureq::Error::Protocol(e) => format!("{host} answered with broken HTTP: {e}"),
        other => format!("request to {host} failed: {other}"),
    }
}

fn describe_tls(e: &rustls::Error, host: &str) -> String {
    use rustls::CertificateError as C;
    let why = match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            return format!(
                "the TLS certificate of {host} is not signed by a trusted authority; if a private \
                 CA signs it (private deployment, corporate proxy), trust that CA with \
                 --ca-bundle FILE or ORQEX_CA_BUNDLE"
            );
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => "its certificate is for another name".to_string(),
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "its certificate has expired".to_string()
        }
        rustls::Error::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "its certificate is not valid yet (check this machine's clock)".to_string()
        }
        rustls::Error::InvalidCertificate(C::BadSignature | C::BadEncoding) => {
            "its certificate is damaged or badly signed".to_string()
        }
        rustls::Error::InvalidCertificate(C::Revoked) => "its certificate was revoked".to_string(),
        rustls::Error::InvalidCertificate(_) => {
            // rustls names the rest in Rust's own terms; what the user can do is the same.
            "its certificate was refused (not a server certificate this client can trust)"
                .to_string()
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "it did not answer in TLS (is it plain http? then the URL should say http://)"
                .to_string()
        }
        other => other.to_string(),
    };
    format!("TLS failure with {host}: {why}; verification stays on")
}
