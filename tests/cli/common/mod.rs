//! Test helpers: a loopback HTTP server that records what arrived, can misbehave on purpose
//! and fails the test when its handler panics; a command builder with a scrubbed environment;
//! and what every test file asserts with (assert_cmd's `Assert`, predicates).

#![allow(dead_code)]

pub mod payments;
#[cfg(unix)]
pub mod pty;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};
use std::process::Command;
use tempfile::TempDir;

pub use assert_cmd::assert::{Assert, OutputAssertExt};
pub use predicates::prelude::*;
pub use predicates::str::contains;

/// An obviously fake key. Long enough that its mask shows a tail.
pub const KEY: &str = "sk_sandbox_test_0000_0000_fake";
pub const KEY_MASKED: &str = "sk_sandbox_***fake";
/// An obviously fake key with the live prefix, for the live-key safeguards.
pub const LIVE_KEY: &str = "sk_live_test_0000_0000_fake";
pub const LIVE_KEY_MASKED: &str = "sk_live_***fake";

/// One request as it arrived at the server.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the server does with a request.
pub enum Reply {
    /// A normal answer.
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Bytes written as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// Close the connection without answering.
    Close,
    /// Wait this long before answering with the inner reply.
    After(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::Status {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Status {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Status {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }

    /// A body with any content type (HTML from a proxy, a truncated JSON, ...).
    pub fn text(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Status {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn created(id: &str) -> Reply {
        Reply::json(201, checkout_body(id))
    }
}

/// A create/retrieve response in the reference page's shape, with a field the docs do not
/// list, to check that unknown fields survive.
pub fn checkout_body(id: &str) -> Value {
    json!({
        "message": "Checkout created",
        "data": {
            "checkout": {
                "id": id,
                "token": "tok_test",
                "url": format!("https://pay.orqex.com/c/{id}"),
                "status": "open",
                "environment": "sandbox",
                "restriction": {},
                "customization": {},
                "expires_at": "2026-11-24T12:00:00Z",
                "created_at": "2026-11-24T11:00:00Z",
                "future_field": {"kept": true}
            },
            "payment": {
                "id": "TRX1A2B3C4D",
                "amount": {"value": 5000, "formatted": "50.00 XOF", "short": "50 XOF", "currency": "XOF"},
                "metadata": {}
            }
        }
    })
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// What a server's connections share: the handler, what arrived, and how the handler fared.
struct State {
    handler: Box<Handler>,
    requests: Mutex<Vec<Recorded>>,
    /// Requests handed to the handler so far: the index the next one gets.
    count: AtomicUsize,
    /// Handler calls that returned a reply.
    hits: AtomicUsize,
    /// The first panic of the handler, to be raised again in the test's own thread.
    panic: Mutex<Option<String>>,
}

impl State {
    /// Answers the requests of one connection until it closes, a reply closes it, or the
    /// handler panics (then the connection is closed without an answer).
    fn serve(&self, stream: impl Read + Write) {
        let mut reader = BufReader::new(stream);
        while let Some(req) = read_request(&mut reader) {
            self.requests.lock().unwrap().push(req.clone());
            let n = self.count.fetch_add(1, Ordering::SeqCst);
            let reply = match catch_unwind(AssertUnwindSafe(|| (self.handler)(&req, n))) {
                Ok(reply) => reply,
                Err(payload) => {
                    let message = panic_message(&*payload);
                    let mut panic = self.panic.lock().unwrap_or_else(|e| e.into_inner());
                    panic.get_or_insert(message);
                    return;
                }
            };
            self.hits.fetch_add(1, Ordering::SeqCst);
            if !respond(reader.get_mut(), reply) {
                return;
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".into())
}

/// A real HTTP/1.1 server on 127.0.0.1 that records every request.
///
/// The handler runs on the server's threads, so a failed assertion in it would be lost
/// there: the server keeps the first such panic and raises it again in the test's thread,
/// from `requests()`, `assert_hits()` or, at the latest, when the server is dropped.
pub struct Server {
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Starts a server; `handler` gets each request and its index (0 for the first).
    pub fn start(handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Server {
        Server::listen(Box::new(handler), |stream, state| state.serve(stream))
    }

    /// Like `start`, but over TLS with the test-only server certificate of
    /// tests/fixtures/tls (signed by `TEST_CA`, valid for 127.0.0.1 and localhost).
    pub fn start_tls(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let config = tls_config();
        Server::listen(Box::new(handler), move |stream, state| {
            // A client that refuses the certificate ends the handshake: no request.
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            state.serve(rustls::StreamOwned::new(conn, stream))
        })
    }

    /// Accepts connections on a new port, each served on its own thread by `serve`.
    fn listen(
        handler: Box<Handler>,
        serve: impl Fn(TcpStream, &State) + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            handler,
            requests: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
            hits: AtomicUsize::new(0),
            panic: Mutex::new(None),
        });
        let serve = Arc::new(serve);
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (state, serve) = (shared.clone(), serve.clone());
                thread::spawn(move || serve(stream, &state));
            }
        });
        Server { addr, state }
    }

    /// Answers every request with the same created checkout.
    pub fn created(id: &'static str) -> Server {
        Server::start(move |_, _| Reply::created(id))
    }

    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request that arrived so far (after raising a panic of the handler, if any).
    pub fn requests(&self) -> Vec<Recorded> {
        self.raise_handler_panic();
        self.state.requests.lock().unwrap().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let reqs = self.requests();
        assert_eq!(reqs.len(), 1, "expected exactly one request, got {reqs:?}");
        reqs.into_iter().next().unwrap()
    }

    /// The handler ran `n` times and returned each time (0: nothing was sent).
    #[track_caller]
    pub fn assert_hits(&self, n: usize) {
        self.raise_handler_panic();
        let hits = self.state.hits.load(Ordering::SeqCst);
        let requests = self.state.requests.lock().unwrap().clone();
        assert_eq!(
            hits, n,
            "the server's handler ran {hits} times, not {n}; requests: {requests:?}"
        );
    }

    /// The handler's first panic, taken (so it is raised once).
    fn take_handler_panic(&self) -> Option<String> {
        let mut panic = self.state.panic.lock().unwrap_or_else(|e| e.into_inner());
        panic.take()
    }

    fn raise_handler_panic(&self) {
        if let Some(message) = self.take_handler_panic() {
            panic!("the test server's handler panicked: {message}");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let Some(message) = self.take_handler_panic() else {
            return;
        };
        if thread::panicking() {
            // The test failed already, maybe because of this: say so beside its own message.
            eprintln!("note: the test server's handler panicked too: {message}");
        } else {
            panic!("the test server's handler panicked: {message}");
        }
    }
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(include_bytes!("../../fixtures/tls/server.pem"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key =
        PrivateKeyDer::from_pem_slice(include_bytes!("../../fixtures/tls/server.key")).unwrap();
    Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    )
}

/// Writes the reply; false when the connection must be closed afterwards.
pub fn respond(stream: &mut impl Write, reply: Reply) -> bool {
    match reply {
        Reply::Close => false,
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
            false
        }
        Reply::After(delay, inner) => {
            thread::sleep(delay);
            respond(stream, *inner)
        }
        Reply::Status {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Test\r\nContent-Length: {}\r\n",
                body.len()
            );
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("x-request-id"))
            {
                head.push_str("X-Request-Id: req_test_0001\r\n");
            }
            for (n, v) in &headers {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).is_ok() && stream.write_all(&body).is_ok()
        }
    }
}

pub fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

/// The test-only CA that signed `Server::start_tls`'s certificate.
pub const TEST_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem");

/// A port on 127.0.0.1 where nothing listens. The port stays bound (never listening) for the
/// whole test run, so no other test's server can be given it: connecting is always refused.
pub fn dead_url() -> String {
    use socket2::{Domain, Socket, Type};
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    sock.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    let addr = sock.local_addr().unwrap().as_socket().unwrap();
    std::mem::forget(sock);
    format!("http://{addr}/v1")
}

/// A scrubbed home for one test: empty HOME and config directory, no proxy, no key.
pub struct Sandbox {
    pub home: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            home: TempDir::new().unwrap(),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config").join("orqex")
    }

    /// `orqex` with nothing inherited but PATH. stdin is empty (as in CI) so the test's own
    /// stdin is never read as a JSON body; a test that pipes one sets `.stdin(...)` again.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("orqex"));
        cmd.stdin(std::process::Stdio::null())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("ORQEX_CONFIG_DIR", self.config_dir())
            .env("NO_PROXY", "*")
            .env("NO_COLOR", "1")
            // Without it, the Secret Service is looked for at $XDG_RUNTIME_DIR/bus or
            // /run/user/UID/bus: a developer's real keyring. Nothing listens here, so a test
            // that does not bring its own bus meets "no keyring" (tests/cli/keyring.rs).
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", self.home.path().join("no-bus").display()),
            );
        default_signals(&mut cmd);
        cmd
    }

    /// `orqex` pointed at `server` with the fake key.
    pub fn cmd_for(&self, server: &Server) -> Command {
        let mut cmd = self.cmd();
        cmd.env("ORQEX_SECRET_KEY", KEY)
            .env("ORQEX_BASE_URL", server.url());
        cmd
    }

    /// `orqex checkout create` with every required flag (`CREATE`), pointed at `server`.
    pub fn create(&self, server: &Server) -> Command {
        let mut cmd = self.cmd_for(server);
        cmd.args(CREATE);
        cmd
    }

    /// A file in the sandbox's home holding `text`; returns its path.
    pub fn file(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let dir = self.config_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The config file, private as orqex writes it (else every command warns about its mode).
    pub fn write_private_config(&self, text: &str) -> PathBuf {
        let path = self.write_config(text);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        path
    }

    /// What the config file holds now.
    pub fn config_text(&self) -> String {
        std::fs::read_to_string(self.config_dir().join("config.toml")).unwrap()
    }
}

/// `cmd` run as a `checkout create` (`CREATE`) against a recording server, with the key it
/// finds by itself: what orqex did, and the Authorization header that arrived (None: nothing
/// was sent).
pub fn authorization_sent(cmd: &mut Command) -> (Assert, Option<String>) {
    let server = Server::created("cs_authorization");
    let assert = cmd
        .env("ORQEX_BASE_URL", server.url())
        .args(CREATE)
        .assert();
    let auth = server
        .requests()
        .first()
        .and_then(|r| r.header("authorization").map(str::to_string));
    (assert, auth)
}

/// The smallest valid `checkout create` invocation.
pub const CREATE: &[&str] = &[
    "checkout",
    "create",
    "--amount",
    "50",
    "--currency",
    "XOF",
    "--description",
    "Order 1024",
    "--email",
    "ama@example.com",
    "--first-name",
    "Ama",
    "--last-name",
    "Mensah",
];

/// One JSON Lines row of a batch that is complete by itself.
pub const ONE_ROW: &str = r#"{"amount": 5, "currency": "XOF", "description": "d", "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}}"#;

/// The body `CREATE` sends.
pub fn create_body() -> Value {
    json!({
        "amount": 50,
        "currency": "XOF",
        "description": "Order 1024",
        "customer": {"email": "ama@example.com", "first_name": "Ama", "last_name": "Mensah"}
    })
}

/// Fails when the key, or its secret part, shows anywhere in the output.
pub fn assert_no_key(output: &std::process::Output) {
    for (name, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(KEY), "key leaked on {name}: {text}");
        assert!(
            !text.contains("test_0000_0000"),
            "key part leaked on {name}: {text}"
        );
    }
}

/// Bytes on a command's stdin: the one way the tests pipe input to orqex.
pub trait WriteStdin {
    /// `self`, as assert_cmd's `Command`, with `input` written to its stdin, a pipe closed
    /// once written. orqex may exit without reading it all (a refused flag, a body taken from
    /// a file instead, too much input): assert_cmd then drops the write's broken pipe, so the
    /// test goes on to its assertions about what orqex did.
    fn write_stdin(&mut self, input: impl Into<Vec<u8>>) -> assert_cmd::Command;
}

impl WriteStdin for Command {
    fn write_stdin(&mut self, input: impl Into<Vec<u8>>) -> assert_cmd::Command {
        let cmd = std::mem::replace(self, Command::new("taken-by-write_stdin"));
        let mut cmd = assert_cmd::Command::from_std(cmd);
        cmd.write_stdin(input);
        cmd
    }
}

/// stdout parsed as one JSON value.
#[track_caller]
pub fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(output)))
}

/// Each line of stdout parsed as JSON (JSON Lines).
#[track_caller]
pub fn json_lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// The last line of stderr parsed as JSON: the error line of `--json`, after any notes.
#[track_caller]
pub fn last_json_line(output: &std::process::Output) -> Value {
    let err = stderr(output);
    let last = err
        .lines()
        .last()
        .unwrap_or_else(|| panic!("stderr is empty"));
    serde_json::from_str(last).unwrap_or_else(|e| panic!("not a JSON line ({e}): {err}"))
}

/// Text that contains every one of `needles`.
pub fn contains_all<S: Into<String>>(
    needles: impl IntoIterator<Item = S>,
) -> predicates::BoxPredicate<str> {
    let mut all: predicates::BoxPredicate<str> = predicate::always().boxed();
    for needle in needles {
        all = all.and(contains(needle)).boxed();
    }
    all
}

/// Text of exactly one line.
pub fn one_line() -> impl Predicate<str> {
    predicate::function(|text: &str| text.lines().count() == 1).fn_name("one_line")
}

/// Text of exactly `n` lines.
pub fn line_count(n: usize) -> impl Predicate<str> {
    predicate::function(move |text: &str| text.lines().count() == n).fn_name("line_count")
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A retrieve answer (`GET /payment/checkouts/{id}`) with the given checkout and payment
/// statuses, in the same shape as `checkout_body`.
pub fn checkout_with_status(id: &str, checkout: &str, payment: &str) -> Value {
    let mut body = checkout_body(id);
    body["message"] = json!("Checkout retrieved");
    body["data"]["checkout"]["status"] = json!(checkout);
    body["data"]["payment"]["status"] = json!(payment);
    body
}

/// A retrieve answer without any status: a broken one.
pub fn checkout_without_status(id: &str) -> Value {
    let mut body = checkout_body(id);
    body["data"]["checkout"]
        .as_object_mut()
        .unwrap()
        .remove("status");
    body
}

/// The process ended by `signal` itself (not an exit), so the calling shell sees 128 + N and
/// a loop around it stops too.
#[cfg(unix)]
pub fn assert_died_by(output: &std::process::Output, signal: i32) {
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        output.status.signal(),
        Some(signal),
        "expected death by signal {signal}, got {:?}; stderr: {}",
        output.status,
        stderr(output)
    );
}

/// Sends `signal` (`INT`, `TERM`, `HUP`) to `child` once `server` has received `requests`
/// requests in all, and returns its output.
#[cfg(unix)]
pub fn signal_once_sent(
    server: &Server,
    requests: usize,
    child: std::process::Child,
    signal: &str,
) -> std::process::Output {
    wait_for("the requests to arrive", || {
        server.requests().len() >= requests
    });
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

/// Waits until `done` holds, checking every 10 ms, and fails the test after 20 s saying
/// `what` never happened: tests wait on a condition, never on the wall clock.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited 20 s: {what}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// Whether process `pid` has `signal` (a number) in one of the masks of /proc/PID/status:
/// `SigCgt` (caught: its handler is installed) or `SigIgn` (ignored).
#[cfg(target_os = "linux")]
pub fn signal_in_mask(pid: u32, mask: &str, signal: i32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{mask}:")))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|bits| bits & (1 << (signal - 1)) != 0)
}

/// Waits until one of process `pid`'s threads sleeps reading a pipe (its stdin, in the tests
/// that call this), so that a signal sent next arrives while orqex waits for input.
#[cfg(unix)]
pub fn wait_until_reading_a_pipe(pid: u32) {
    #[cfg(target_os = "linux")]
    wait_for("orqex to wait reading its stdin", || {
        std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|task| {
                std::fs::read_to_string(task.path().join("wchan"))
                    .is_ok_and(|w| w.ends_with("pipe_read") || w.ends_with("pipe_wait"))
            })
    });
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        thread::sleep(Duration::from_millis(300));
    }
}

/// `sh -c SCRIPT` with `orqex`'s environment, its program as `$0` and its arguments as `$@`
/// (so `exec "$0" "$@"` runs it as it was built), and stdin empty unless set again.
#[cfg(unix)]
pub fn sh(orqex: &Command, script: &str) -> Command {
    let mut shell = Command::new("sh");
    shell.env_clear();
    for (k, v) in orqex.get_envs() {
        if let Some(v) = v {
            shell.env(k, v);
        }
    }
    shell
        .arg("-c")
        .arg(script)
        .arg(orqex.get_program())
        .args(orqex.get_args())
        .stdin(std::process::Stdio::null());
    default_signals(&mut shell);
    shell
}

/// Starts `cmd` with SIGINT, SIGQUIT, SIGTERM and SIGHUP at their default action. A test run
/// started in the background by a shell without job control inherits SIGINT and SIGQUIT
/// ignored, and orqex keeps a signal that was ignored at its start ignored (as under `nohup`):
/// the signals the tests send would then never reach it.
pub fn default_signals(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{SigHandler, Signal, signal};
        use std::os::unix::process::CommandExt;
        // Only async-signal-safe calls between fork and exec: signal(2).
        unsafe {
            cmd.pre_exec(|| {
                for sig in [
                    Signal::SIGINT,
                    Signal::SIGQUIT,
                    Signal::SIGTERM,
                    Signal::SIGHUP,
                ] {
                    signal(sig, SigHandler::SigDfl).map_err(std::io::Error::from)?;
                }
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = cmd;
}

/// `cmd` started with stdout and stderr captured.
pub fn spawn_piped(cmd: &mut Command) -> std::process::Child {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}
