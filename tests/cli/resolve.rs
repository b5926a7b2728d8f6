//! `--resolve HOST:PORT:ADDRESS` (and `ORQEX_RESOLVE`): the API's host sent to a given
//! address, its name kept for TLS and the Host header. Only 127.0.0.1 and ::1 are used as
//! addresses, and the names are never looked up (they are pinned), so nothing leaves here.

use crate::common::*;

/// A name the test certificate is valid for besides 127.0.0.1 and localhost, which no DNS
/// answers (`.test` is reserved): reached only through a pin.
const NAME: &str = "api.orqex.test";

#[test]
fn resolve_sends_the_api_host_to_the_address_and_keeps_its_name_for_tls() {
    let server = Server::start_tls(|_, _| Reply::created("cs_pinned"));
    let port = server.addr.port();
    let sb = Sandbox::new();
    let base = format!("https://{NAME}:{port}/v1");
    let assert = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", &base)
        .args(CREATE)
        .args(["--ca-bundle", TEST_CA, "--verbose"])
        .args(["--resolve", &format!("{NAME}:{port}:127.0.0.1")])
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_pinned\n");
    assert!(
        stderr(assert.get_output()).contains(&format!(
            "* {NAME}:{port} goes to 127.0.0.1 (--resolve); TLS still checks the name {NAME}\n"
        )),
        "{}",
        stderr(assert.get_output())
    );
    let req = server.only_request();
    assert_eq!(req.header("host"), Some(format!("{NAME}:{port}").as_str()));

    // The same from the environment, among other entries, in any case and with a final dot.
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env(
            "ORQEX_BASE_URL",
            format!("https://API.orqex.test.:{port}/v1"),
        )
        .env(
            "ORQEX_RESOLVE",
            format!("other.test:443:[::1], {NAME}:{port}:127.0.0.1"),
        )
        .env("ORQEX_CA_BUNDLE", TEST_CA)
        .args(CREATE)
        .assert()
        .code(0);
    server.assert_hits(2);

    // The pin is what is used: pointed at ::1, where nothing listens, nothing arrives.
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", &base)
        .args(CREATE)
        .args(["--ca-bundle", TEST_CA, "--max-retries", "0"])
        .args(["--resolve", &format!("{NAME}:{port}:[::1]")])
        .assert()
        .code(6);
    server.assert_hits(2);
}

#[test]
fn resolve_entries_that_are_not_host_port_address_are_refused_before_anything_is_sent() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    for (entry, why) in [
        (
            "api.orqex.com",
            "`api.orqex.com` is not HOST:PORT:ADDRESS; give one like api.orqex.com:443:10.1.2.3",
        ),
        (
            "api.orqex.com:0:127.0.0.1",
            "`api.orqex.com:0:127.0.0.1`: the port must be a number from 1 to 65535",
        ),
        (
            "api.orqex.com:443:localhost",
            "`api.orqex.com:443:localhost`: `localhost` is not an IP address (the host is sent to an address, not to another name)",
        ),
        (
            "a b:443:127.0.0.1",
            "`a b:443:127.0.0.1`: `a b` is not a host name",
        ),
    ] {
        sb.cmd_for(&server)
            .args(CREATE)
            .args(["--resolve", entry])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("orqex: --resolve: {why}\n"));
    }
    sb.cmd_for(&server)
        .env("ORQEX_RESOLVE", "nonsense")
        .args(CREATE)
        .assert()
        .code(2)
        .stderr(
            "orqex: ORQEX_RESOLVE: `nonsense` is not HOST:PORT:ADDRESS; give one like api.orqex.com:443:10.1.2.3\n",
        );
    server.assert_hits(0);
}
