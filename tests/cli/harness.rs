//! The test server itself: a failed assertion in its handler fails the test that started
//! it, and `assert_hits` says how often the handler ran.

use crate::common::*;

/// A handler that checks what it got, as tests' handlers do, and finds it wrong.
fn expecting_a_get() -> Server {
    Server::start(|req, _| {
        assert_eq!(req.method, "GET", "the handler expected a GET");
        Reply::created("cs_never")
    })
}

#[test]
#[should_panic(
    expected = "the test server's handler panicked: assertion `left == right` failed: the handler expected a GET"
)]
fn a_failed_assertion_in_the_handler_fails_the_test_at_assert_hits() {
    let server = expecting_a_get();
    // The handler's panic closes the connection without an answer.
    Sandbox::new()
        .create(&server)
        .args(["--max-retries", "0"])
        .assert()
        .code(6);
    server.assert_hits(1);
}

#[test]
#[should_panic(
    expected = "the test server's handler panicked: assertion `left == right` failed: the handler expected a GET"
)]
fn a_failed_assertion_in_the_handler_fails_the_test_even_unlooked_at() {
    let server = expecting_a_get();
    Sandbox::new()
        .create(&server)
        .args(["--max-retries", "0"])
        .assert()
        .code(6);
    // Nothing asks the server anything: dropping it raises the handler's panic.
}

#[test]
fn assert_hits_counts_the_handler_runs() {
    let server = Server::created("cs_hits");
    let sb = Sandbox::new();
    server.assert_hits(0);
    sb.create(&server).assert().code(0);
    sb.create(&server).assert().code(0);
    server.assert_hits(2);
}

#[test]
#[should_panic(expected = "the server's handler ran 1 times, not 2")]
fn assert_hits_fails_on_another_count() {
    let server = Server::created("cs_hits");
    Sandbox::new().create(&server).assert().code(0);
    server.assert_hits(2);
}
