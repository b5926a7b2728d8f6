//! Host names to addresses, once per run. ureq's own resolver starts a thread for every
//! lookup when a timeout is set, even for `127.0.0.1`, and looks the API's name up again for
//! every batch row; this one answers an address at once and a name from its first lookup.
//! `localhost` and the names under it are this machine without a lookup (RFC 6761, as curl
//! does): the system may not know `localhost.` or `app.localhost`, and the listener's check
//! that it does not forward to itself must see what a request would reach.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

/// As many addresses as ureq takes from a lookup.
const MAX_ADDRS: usize = 16;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

#[derive(Debug, Default)]
pub(super) struct OncePerRun {
    /// `host:port` → its addresses, as first looked up.
    known: Mutex<HashMap<String, Vec<SocketAddr>>>,
    /// Hosts sent to an address of the user's choosing (`--resolve`), never looked up.
    pins: Vec<super::Pin>,
}

impl Resolver for OncePerRun {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let authority = uri
            .authority()
            .ok_or_else(|| ureq::Error::BadUri(format!("{uri} has no host")))?;
        let port = authority
            .port_u16()
            .or_else(|| match uri.scheme_str() {
                Some("https") => Some(443),
                Some("http") => Some(80),
                _ => None,
            })
            .ok_or_else(|| ureq::Error::BadUri(format!("{uri} has no port")))?;
        let addrs = self.addresses(authority.host(), port, &timeout)?;
        let mut result = self.empty();
        for addr in config
            .ip_family()
            .keep_wanted(addrs.into_iter())
            .take(MAX_ADDRS)
        {
            result.push(addr);
        }
        if result.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(result)
    }
}

/// One `OncePerRun` for an agent and for whoever must know what that agent connects to.
#[derive(Debug, Clone, Default)]
pub(super) struct Shared(pub(super) Arc<OncePerRun>);

impl Resolver for Shared {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout)
    }
}

impl OncePerRun {
    pub(super) fn pinned(pins: Vec<super::Pin>) -> OncePerRun {
        OncePerRun {
            pins,
            ..OncePerRun::default()
        }
    }

    /// What `host` (as a URL writes it) and `port` stand for: an address as it is, a name
    /// under `localhost` as this machine, any other name looked up once per run.
    pub(super) fn addresses(
        &self,
        host: &str,
        port: u16,
        timeout: &NextTimeout,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let name = host.strip_suffix('.').unwrap_or(host);
        if let Some(pin) = self
            .pins
            .iter()
            .find(|p| p.port == port && p.host.eq_ignore_ascii_case(name))
        {
            return Ok(vec![SocketAddr::new(pin.addr, port)]);
        }
        if let Some(ip) = literal(host) {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        if is_localhost(host) {
            return Ok(vec![
                SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), port),
                SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), port),
            ]);
        }
        self.lookup(format!("{host}:{port}"), timeout)
    }

    /// The addresses of `host_port`, looked up on the first call only. The lookup runs in a
    /// thread of its own so that the timeout holds: `getaddrinfo` has none.
    fn lookup(
        &self,
        host_port: String,
        timeout: &NextTimeout,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let known = |me: &Self| {
            me.known
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&host_port)
                .cloned()
        };
        if let Some(addrs) = known(self) {
            return Ok(addrs);
        }
        let addrs: Vec<SocketAddr> = if timeout.after.is_not_happening() {
            host_port.to_socket_addrs()?.collect()
        } else {
            let (tx, rx) = mpsc::sync_channel(1);
            let name = host_port.clone();
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || tx.send(name.to_socket_addrs().map(Iterator::collect)).ok())
                .map_err(ureq::Error::Io)?;
            match rx.recv_timeout(*timeout.after) {
                Ok(found) => found?,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(ureq::Error::Timeout(timeout.reason));
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(ureq::Error::HostNotFound),
            }
        };
        // Only a name that gave addresses is kept: a failure is tried again by the next
        // request (a retry may find the network back).
        if !addrs.is_empty() {
            self.known
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(host_port, addrs.clone());
        }
        Ok(addrs)
    }
}

/// `localhost`, a name under it (`app.localhost`), or `localhost.localdomain`, in any case,
/// with or without the final dot.
pub fn is_localhost(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name == "localhost.localdomain"
}

/// The address a host already is: `127.0.0.1`, or `[::1]` as a URL writes it.
fn literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::time::Duration;

    fn resolve(r: &OncePerRun, uri: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = uri.parse().unwrap();
        let timeout = NextTimeout {
            after: Duration::from(std::time::Duration::from_secs(5)),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        r.resolve(&uri, &Config::default(), timeout)
            .map(|a| a.iter().copied().collect())
    }

    #[test]
    fn addresses_need_no_lookup() {
        let r = OncePerRun::default();
        assert_eq!(
            resolve(&r, "http://127.0.0.1:8080/v1").unwrap(),
            ["127.0.0.1:8080".parse().unwrap()]
        );
        assert_eq!(
            resolve(&r, "https://[::1]/v1").unwrap(),
            ["[::1]:443".parse().unwrap()]
        );
        assert_eq!(
            resolve(&r, "http://10.0.0.1/").unwrap(),
            ["10.0.0.1:80".parse().unwrap()]
        );
        assert!(r.known.lock().unwrap().is_empty());
    }

    #[test]
    fn a_name_is_looked_up_once() {
        let r = OncePerRun::default();
        // What the cache holds is what is answered, whatever the system would say now.
        let fake: SocketAddr = "192.0.2.7:9".parse().unwrap();
        r.known
            .lock()
            .unwrap()
            .insert("cached.invalid:9".into(), vec![fake]);
        assert_eq!(resolve(&r, "http://cached.invalid:9/x").unwrap(), [fake]);
        // Another port is another entry.
        assert!(resolve(&r, "http://cached.invalid:10/").is_err());
    }

    #[test]
    fn localhost_is_this_machine_without_a_lookup() {
        let r = OncePerRun::default();
        for host in [
            "localhost",
            "LOCALHOST.",
            "app.localhost",
            "localhost.localdomain",
            "localhost.localdomain.",
        ] {
            let got = resolve(&r, &format!("http://{host}:9/")).unwrap();
            assert_eq!(
                got,
                [
                    "127.0.0.1:9".parse::<SocketAddr>().unwrap(),
                    "[::1]:9".parse().unwrap()
                ],
                "{host}"
            );
        }
        assert!(r.known.lock().unwrap().is_empty());
        for other in ["localhostx", "mylocalhost", "localhost.example", "local"] {
            assert!(!is_localhost(other), "{other}");
        }
    }

    #[test]
    fn a_name_that_does_not_exist_is_not_found_and_not_kept() {
        let r = OncePerRun::default();
        assert!(resolve(&r, "http://no-such-host.invalid/").is_err());
        assert!(r.known.lock().unwrap().is_empty());
    }
}
