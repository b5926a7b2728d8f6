//! The ureq agent: timeouts, redirects left to us, TLS roots with an optional private CA.

use ureq::Agent;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

use super::{CONNECT_TIMEOUT, ClientOptions, USER_AGENT};

/// The agent every request of one `Client` goes through.
pub(super) fn build(options: &ClientOptions) -> Agent {
    let mut config = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(options.timeout))
        // `send` decides about redirects itself: ureq would turn a POST into a GET, and its
        // rules know nothing of our idempotency key.
        .max_redirects(0)
        .user_agent(USER_AGENT);
    if let Some(bundle) = &options.ca_bundle {
        config = config.tls_config(
            TlsConfig::builder()
                .root_certs(bundle.with_default_roots())
                .build(),
        );
    }
    config.build().into()
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

    /// Mozilla's roots, which ureq trusts by default, plus ours: ureq's `Specific` roots
    /// replace the defaults, and a private CA must not cost the public ones.
    pub(super) fn with_default_roots(&self) -> RootCerts {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()))
            .chain(self.0.iter().cloned())
            .into()
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
        let RootCerts::Specific(roots) = bundle.with_default_roots() else {
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
