//! Every outgoing connection is built here, whoever makes it: the API client, `webhooks
//! trigger` and `listen --forward-to`. One place decides the TLS roots (Mozilla's, plus a
//! private CA's), the proxy, the timeouts, the resolver and the user agent, so that a surface
//! added later cannot miss a part (the webhooks once had an agent of their own without roots,
//! and aborted on the first https handler).

mod resolve;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ureq::Agent;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;

pub use resolve::is_localhost;

/// Connecting is given at most this long, whatever the whole time limit.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How one kind of request travels.
#[derive(Debug, Clone)]
pub struct Connect {
    /// The most one request may take in all, answer included.
    pub timeout: Duration,
    /// The most connecting may take (resolving included).
    pub connect_timeout: Duration,
    /// CA certificates trusted on top of the built-in roots.
    pub ca_bundle: Option<CaBundle>,
    /// How many requests may run at once (a batch's workers): the idle connections kept.
    pub connections: usize,
    pub user_agent: &'static str,
    /// Whether the proxy variables are obeyed, or the target reached directly.
    pub route: Route,
    /// Hosts sent to a given address, their names kept (`--resolve`).
    pub pins: Vec<Pin>,
}

/// A host and port sent to a given address, its name kept for TLS and the Host header:
/// `--resolve HOST:PORT:ADDRESS` as curl has it (the SDK's `resolve_ip`), for a private
/// deployment or a host whose DNS is not there yet. A proxy, when one is used, finds the
/// host itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub host: String,
    pub port: u16,
    pub addr: IpAddr,
}

impl Pin {
    /// `HOST:PORT:ADDRESS` (an IPv6 address bare or in brackets). The error completes a
    /// sentence that starts with where the text came from.
    pub fn parse(raw: &str) -> Result<Pin, String> {
        let raw = raw.trim();
        let shown = crate::text::printable(raw);
        let shape = || {
            format!("`{shown}` is not HOST:PORT:ADDRESS; give one like api.orqex.com:443:10.1.2.3")
        };
        let (host, rest) = raw.split_once(':').ok_or_else(shape)?;
        let (port, addr) = rest.split_once(':').ok_or_else(shape)?;
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        {
            return Err(format!(
                "`{shown}`: `{}` is not a host name",
                crate::text::printable(host)
            ));
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0 && port.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("`{shown}`: the port must be a number from 1 to 65535"))?;
        let addr = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr)
            .parse::<IpAddr>()
            .map_err(|_| format!("`{shown}`: `{}` is not an IP address (the host is sent to an address, not to another name)", crate::text::printable(addr)))?;
        Ok(Pin {
            host: host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase(),
            port,
            addr,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Through the proxy the environment names (`HTTPS_PROXY`, with `NO_PROXY`), if any.
    Environment,
    /// Straight to the target: an app on this machine, which a corporate proxy could not
    /// reach anyway.
    Direct,
}

impl Connect {
    /// One request at a time within `timeout`, connecting within 10 seconds at most, through
    /// the proxy the environment names.
    pub fn new(timeout: Duration, user_agent: &'static str) -> Connect {
        Connect {
            timeout,
            connect_timeout: CONNECT_TIMEOUT.min(timeout),
            ca_bundle: None,
            connections: 1,
            user_agent,
            route: Route::Environment,
            pins: Vec::new(),
        }
    }
}

/// The agent for requests that travel as `c` says. Redirects and 4xx/5xx answers are left
/// to the caller: ureq would turn a POST into a GET, and its rules know nothing of an
/// idempotency key.
pub fn agent(c: &Connect) -> Agent {
    agent_with(c, &Lookup::new(c.pins.clone()))
}

/// What agents find a host to be, shared with whoever must know where a request would go
/// (`listen`, which must not forward to itself): a name is looked up once, and every agent
/// built with this `Lookup` connects to the addresses it answered.
#[derive(Debug, Clone, Default)]
pub struct Lookup(resolve::Shared);

impl Lookup {
    /// A lookup that sends each of `pins` to its address.
    pub fn new(pins: Vec<Pin>) -> Lookup {
        Lookup(resolve::Shared(std::sync::Arc::new(
            resolve::OncePerRun::pinned(pins),
        )))
    }

    /// The addresses a request to `url` connects to (the proxy aside), looked up within
    /// `within`.
    pub fn addresses(&self, url: &str, within: Duration) -> Result<Vec<SocketAddr>, ureq::Error> {
        let url = url::Url::parse(url).map_err(|e| ureq::Error::BadUri(e.to_string()))?;
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(ureq::Error::BadUri(format!("{url} has no host")));
        };
        let timeout = ureq::unversioned::transport::NextTimeout {
            after: within.into(),
            reason: ureq::Timeout::Resolve,
            ..Default::default()
        };
        self.0.0.addresses(host, port, &timeout)
    }
}

/// `agent`, finding hosts through `lookup`.
pub fn agent_with(c: &Connect, lookup: &Lookup) -> Agent {
    let mut config = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(c.connect_timeout))
        .timeout_global(Some(c.timeout))
        .max_redirects(0)
        .user_agent(c.user_agent)
        // One idle connection kept per request that may run at once (a batch's workers):
        // ureq's 3 would make a batch at concurrency 16 reconnect all the time.
        .max_idle_connections_per_host(c.connections.max(1))
        .max_idle_connections(c.connections.max(1))
        // ureq's 128 KiB in and out per connection is 16 MiB at --concurrency 64, for requests
        // of a few hundred bytes and answers whose head is smaller still. A body of any size
        // streams through; a head over 32 KiB is refused as a broken answer.
        .input_buffer_size(48 * 1024)
        .output_buffer_size(16 * 1024)
        .max_response_header_size(32 * 1024)
        // One copy of Mozilla's roots is linked (webpki-root-certs), not two: ureq's own
        // feature for them is off, so an agent built without these roots would panic at its
        // first https request.
        .tls_config(
            TlsConfig::builder()
                .root_certs(roots(c.ca_bundle.as_ref()))
                .build(),
        );
    if c.route == Route::Direct {
        config = config.proxy(None);
    }
    Agent::with_parts(
        config.build(),
        DefaultConnector::default(),
        lookup.0.clone(),
    )
}

/// What to do about a certificate no trusted authority signed.
pub const TRUST_HINT: &str = "if a private CA signs it (private deployment, corporate proxy), trust that CA with --ca-bundle FILE or ORQEX_CA_BUNDLE";

/// The TLS failure a transport error carries, if it is one.
pub fn tls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

/// Why TLS with a server failed, in words that follow "TLS failure with HOST: ". None for a
/// certificate no trusted authority signed, which each caller words with `TRUST_HINT`.
pub fn tls_reason(e: &rustls::Error) -> Option<String> {
    use rustls::CertificateError as C;
    let why = match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => return None,
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
    Some(why)
}

/// Mozilla's roots, which any API URL is checked against, and a private CA's if given.
fn roots(bundle: Option<&CaBundle>) -> RootCerts {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()))
        .chain(bundle.into_iter().flat_map(|b| b.0.iter().cloned()))
        .into()
}

/// PEM CA certificates, each checked to be usable as a trust anchor. ureq would skip a broken
/// one silently and the user would only see an unknown-issuer failure later.
#[derive(Debug, Clone)]
pub struct CaBundle(Vec<Certificate<'static>>);

impl CaBundle {
    /// The error completes a sentence that starts with the file's name.
    pub fn from_pem(pem: &[u8]) -> std::result::Result<CaBundle, String> {
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(c)) => certs.push(c),
                // A key next to the certificates is not ours to use, and harmless.
                Ok(_) => {}
                // The parser's own error is a Rust debug dump; say what it means instead.
                Err(_) => {
                    return Err(
                        "is not valid PEM (a block is cut short or damaged); give the CA certificate in PEM form"
                            .into(),
                    );
                }
            }
        }
        if certs.is_empty() {
            return Err(
                "holds no certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate in PEM form"
                    .into(),
            );
        }
        let mut store = rustls::RootCertStore::empty();
        let n = certs.len();
        for (i, c) in certs.iter().enumerate() {
            store
                .add(rustls::pki_types::CertificateDer::from(c.der()))
                .map_err(|_| {
                    format!(
                        "certificate {} of {n} is damaged or not an X.509 certificate; give the CA certificate in PEM form",
                        i + 1
                    )
                })?;
        }
        Ok(CaBundle(certs))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_without_certificates_is_refused() {
        assert!(
            CaBundle::from_pem(b"")
                .unwrap_err()
                .contains("no certificate")
        );
        assert!(
            CaBundle::from_pem(b"just some text\n")
                .unwrap_err()
                .contains("no certificate")
        );
        let broken = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(CaBundle::from_pem(broken).is_err());
    }

    #[test]
    fn a_bundle_adds_to_the_default_roots() {
        let pem = include_bytes!("../../tests/fixtures/tls/ca.pem");
        let bundle = CaBundle::from_pem(pem).unwrap();
        assert_eq!(bundle.len(), 1);
        // A private CA must not cost the public roots.
        let RootCerts::Specific(roots) = roots(Some(&bundle)) else {
            panic!("expected specific roots");
        };
        assert_eq!(
            roots.len(),
            webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() + 1
        );
        assert_eq!(roots.last().unwrap().der(), bundle.0[0].der());
        let two = CaBundle::from_pem(&[&pem[..], &pem[..]].concat()).unwrap();
        assert_eq!(two.len(), 2);
    }
}
