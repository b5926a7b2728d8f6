//! Hosts and ports as they can be reached: what the URI grammar lets through (`-`, `a..b`, any
//! run of digits as a port) and no browser, webhook sender or HTTP client could use. The
//! ground floor: imports nothing of orqex.

/// Checks a URL's authority (`user@host:port`): the URI grammar lets through hosts no
/// customer's browser or webhook sender can reach (`-`, `a..b`) and any run of digits as a
/// port, and the API would store them all.
pub fn host_and_port(authority: &str) -> Result<(), String> {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, after)) if v6.parse::<std::net::Ipv6Addr>().is_ok() => {
                match after.strip_prefix(':') {
                    Some(port) => (None, Some(port)),
                    None if after.is_empty() => (None, None),
                    None => (Some(host_port), None),
                }
            }
            _ => (Some(host_port), None),
        },
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(host_port), None),
        },
    };
    if let Some(host) = host.filter(|h| !is_host_name_or_ipv4(h)) {
        return Err(format!(
            "has no valid host: `{host}` is not a domain name like shop.example.com, an IPv4 address or an IPv6 address in brackets"
        ));
    }
    let port_ok =
        |p: &str| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0);
    match port {
        Some("") => {
            Err("has no port after its `:`; remove the `:` or give a port from 1 to 65535".into())
        }
        Some(p) if !port_ok(p) => Err(format!(
            "has the port `{p}`; give a port from 1 to 65535, or remove `:{p}` for the scheme's default"
        )),
        _ => Ok(()),
    }
}

/// A DNS name (labels of letters, digits and `-`, neither first nor last; `xn--` labels are
/// how a non-ASCII name is written) or a dotted IPv4 address. A name ending in a number is
/// read as an address, as browsers do, so `999.1.1.1` is neither.
fn is_host_name_or_ipv4(host: &str) -> bool {
    // A trailing dot names the same host (fully qualified).
    let name = host.strip_suffix('.').unwrap_or(host);
    let last = name.rsplit('.').next().unwrap_or("");
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return name.parse::<std::net::Ipv4Addr>().is_ok();
    }
    name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}
