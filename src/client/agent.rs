//! The ureq agent: timeouts, redirects left to us, TLS roots with an optional private CA, a
//! pool as large as the requests that run at once, and addresses looked up once per run.

use ureq::Agent;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;

use super::resolve::OncePerRun;
use super::{CONNECT_TIMEOUT, ClientOptions, USER_AGENT};

/// The agent every request of one `Client` goes through.
pub(super) fn build(options: &ClientOptions) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(options.timeout))
        // `send` decides about redirects itself: ureq would turn a POST into a GET, and its
        // rules know nothing of our idempotency key.
        .max_redirects(0)
        .user_agent(USER_AGENT)
        // One idle connection kept per request that may run at once (a batch's workers):
        // ureq's 3 would make a batch at concurrency 16 reconnect all the time.
        .max_idle_connections_per_host(options.connections.max(1))
        .max_idle_connections(options.connections.max(1))
        // ureq's 128 KiB in and out per connection is 16 MiB at --concurrency 64, for requests
        // of a few hundred bytes and answers whose head is smaller still. A body of any size
        // streams through; a head over 32 KiB is refused as a broken answer.
        .input_buffer_size(48 * 1024)
        .output_buffer_size(16 * 1024)
        .max_response_header_size(32 * 1024)
        // One copy of Mozilla's roots is linked (webpki-root-certs), not two: ureq's own
        // feature for them is off.
        .tls_config(
            TlsConfig::builder()
                .root_certs(roots(options.ca_bundle.as_ref()))
                .build(),
        );
    Agent::with_parts(
        config.build(),
        DefaultConnector::default(),
        OncePerRun::default(),
    )
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
