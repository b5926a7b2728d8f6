//! Test helpers: a loopback HTTP server that records what arrived and can misbehave on
//! purpose, and a command builder with a scrubbed environment.

#![allow(dead_code)]

pub mod pty;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};
use std::process::Command;
use tempfile::TempDir;

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

/// A real HTTP/1.1 server on 127.0.0.1 that records every request.
pub struct Server {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Starts a server; `handler` gets each request and its index (0 for the first).
    pub fn start(handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let count = Arc::new(AtomicUsize::new(0));
        let recs = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (recs, handler, count) = (recs.clone(), handler.clone(), count.clone());
                thread::spawn(move || serve(stream, &recs, &*handler, &count));
            }
        });
        Server { addr, requests }
    }

    /// Answers every request with the same created checkout.
    pub fn created(id: &'static str) -> Server {
        Server::start(move |_, _| Reply::created(id))
    }

    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let reqs = self.requests();
        assert_eq!(reqs.len(), 1, "expected exactly one request, got {reqs:?}");
        reqs.into_iter().next().unwrap()
    }

    /// Like `start`, but over TLS with the test-only server certificate of
    /// tests/fixtures/tls (signed by `TEST_CA`, valid for 127.0.0.1 and localhost).
    pub fn start_tls(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = CertificateDer::pem_slice_iter(include_bytes!("../../fixtures/tls/server.pem"))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key =
            PrivateKeyDer::from_pem_slice(include_bytes!("../../fixtures/tls/server.key")).unwrap();
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let count = Arc::new(AtomicUsize::new(0));
        let recs = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (recs, handler, count) = (recs.clone(), handler.clone(), count.clone());
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                thread::spawn(move || {
                    // A client that refuses the certificate ends the handshake: no request.
                    let mut reader = BufReader::new(rustls::StreamOwned::new(conn, stream));
                    while let Some(req) = read_request(&mut reader) {
                        recs.lock().unwrap().push(req.clone());
                        let n = count.fetch_add(1, Ordering::SeqCst);
                        if !respond(reader.get_mut(), handler(&req, n)) {
                            return;
                        }
                    }
                });
            }
        });
        Server { addr, requests }
    }
}

fn serve(stream: TcpStream, recs: &Mutex<Vec<Recorded>>, handler: &Handler, count: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let Some(req) = read_request(&mut reader) else {
            return;
        };
        recs.lock().unwrap().push(req.clone());
        let n = count.fetch_add(1, Ordering::SeqCst);
        if !respond(&mut stream, handler(&req, n)) {
            return;
        }
    }
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
        cmd
    }

    /// `orqex` pointed at `server` with the fake key.
    pub fn cmd_for(&self, server: &Server) -> Command {
        let mut cmd = self.cmd();
        cmd.env("ORQEX_SECRET_KEY", KEY)
            .env("ORQEX_BASE_URL", server.url());
        cmd
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let dir = self.config_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }
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

/// Runs `cmd` with `input` on its stdin (a pipe, closed after writing).
pub fn with_stdin(cmd: &mut Command, input: &[u8]) -> std::process::Output {
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // A refused input may be dropped unread: a broken pipe here is expected.
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
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
pub fn signal_once_sent(
    server: &Server,
    requests: usize,
    child: std::process::Child,
    signal: &str,
) -> std::process::Output {
    let start = std::time::Instant::now();
    while server.requests().len() < requests {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no request arrived"
        );
        thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

/// `cmd` started with stdout and stderr captured.
pub fn spawn_piped(cmd: &mut Command) -> std::process::Child {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}
