//! The server side of HTTP/1.1, as little as `listen` needs: one request per connection, its
//! body by `Content-Length`, and an answer that closes the connection.
//!
//! Written on `std::net` rather than taken from a crate: the requests are Orqex's (a POST with
//! a small JSON body and a Content-Length), the listener must answer malformed ones with a
//! status instead of failing, and the blocking, one-thread-per-connection shape fits the rest
//! of orqex. A server crate (tiny_http) would add its own threads, buffering and chunked
//! decoding for requests that never come, and still need these limits on top.
//!
//! Every limit is explicit, so that nothing a peer sends can make it wait or grow forever: a
//! head of at most 16 KiB, a body of at most `max_body`, and one deadline for everything a
//! connection does (`Timed`).

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// A connection whose every read and write is held to one deadline: a socket's timeouts
/// alone restart at each byte, so a sender dripping a header a second (or reading an answer a
/// byte a second) would hold the connection, and with enough of them the listener, forever.
pub struct Timed {
    stream: TcpStream,
    deadline: Instant,
}

impl Timed {
    pub fn new(stream: TcpStream, within: Duration) -> Timed {
        Timed {
            stream,
            deadline: Instant::now() + within,
        }
    }

    /// Moves the deadline (the connection's next part has its own share of the time).
    pub fn until(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    /// What is left until the deadline, or a timeout error when nothing is.
    fn left(&self) -> std::io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                ErrorKind::TimedOut,
                "the connection took too long",
            ));
        }
        Ok(left)
    }
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

use crate::limits::LISTEN_HEAD_BYTES as MAX_HEAD;

/// One request as it arrived. Header names keep their case and order, so that they can be
/// passed on unchanged.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request was not read, and the status to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub why: String,
    /// What of the request could be read: enough to report a delivery by its headers.
    pub head: Option<Head>,
}

/// A request's line and headers, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn refuse(status: u16, why: impl Into<String>, head: Option<&Head>) -> Refusal {
    Refusal {
        status,
        why: why.into(),
        head: head.cloned(),
    }
}

/// Reads one request. `Ok(None)`: the peer closed the connection without sending one.
pub fn read_request(
    reader: &mut BufReader<Timed>,
    max_body: usize,
) -> Result<Option<Request>, Refusal> {
    let Some(head) = read_head(reader)? else {
        return Ok(None);
    };
    let h = Some(&head);
    if head.header("transfer-encoding").is_some() {
        return Err(refuse(
            411,
            "the body is sent chunked (Transfer-Encoding); send it with a Content-Length",
            h,
        ));
    }
    let lengths: Vec<&str> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.as_str())
        .collect();
    let length = match lengths.first() {
        None if head.method == "POST" => {
            return Err(refuse(411, "the request has no Content-Length", h));
        }
        None => 0,
        Some(first) => {
            if lengths.iter().any(|l| l != first) {
                return Err(refuse(
                    400,
                    "the request has two different Content-Lengths",
                    h,
                ));
            }
            if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
                return Err(refuse(400, "the Content-Length is not a number", h));
            }
            match first.parse::<usize>() {
                Ok(n) if n <= max_body => n,
                _ => {
                    return Err(refuse(
                        413,
                        match first.len() {
                            // A length no memory holds is not quoted back whole.
                            digits if digits > 20 => format!(
                                "the body is larger than {} (its Content-Length has {digits} digits)",
                                crate::limits::bytes(max_body as u64)
                            ),
                            _ => format!(
                                "the body is larger than {} ({first} bytes)",
                                crate::limits::bytes(max_body as u64)
                            ),
                        },
                        h,
                    ));
                }
            }
        }
    };
    // curl and others wait for this before sending a body of more than a few KiB.
    if length > 0
        && head
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        let _ = reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let mut body = vec![0; length];
    if let Err(e) = reader.read_exact(&mut body) {
        return Err(match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                refuse(408, "the body did not arrive in time", h)
            }
            _ => refuse(400, "the body ended before its Content-Length", h),
        });
    }
    Ok(Some(Request {
        method: head.method,
        target: head.target,
        headers: head.headers,
        body,
    }))
}

/// The request line and headers, as a `Head`.
fn read_head(reader: &mut BufReader<Timed>) -> Result<Option<Head>, Refusal> {
    let mut limited = reader.take(MAX_HEAD);
    let mut lines: Vec<String> = Vec::new();
    loop {
        let mut raw = Vec::new();
        match limited.read_until(b'\n', &mut raw) {
            // The peer closed without a request; past the limit, it is still sending.
            Ok(0) if lines.is_empty() && limited.limit() > 0 => return Ok(None),
            Ok(0) if limited.limit() == 0 => return Err(too_large()),
            Ok(0) => {
                return Err(refuse(
                    400,
                    "the request ended before its headers did",
                    None,
                ));
            }
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(refuse(
                    408,
                    "the request's headers did not arrive in time",
                    None,
                ));
            }
            Err(_) => return Err(refuse(400, "the request could not be read", None)),
        }
        if !raw.ends_with(b"\n") {
            return Err(if limited.limit() == 0 {
                too_large()
            } else {
                refuse(400, "the request ended before its headers did", None)
            });
        }
        let line = String::from_utf8(raw)
            .map_err(|_| refuse(400, "the request's headers are not text", None))?;
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            // An empty line before the request line is allowed and skipped.
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line);
    }
    let mut first = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (first.next(), first.next(), first.next(), first.next())
    else {
        return Err(refuse(
            400,
            "the request line is not `METHOD /path HTTP/1.1`",
            None,
        ));
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0")
        || method.is_empty()
        || !method.bytes().all(is_token)
        || target.is_empty()
    {
        return Err(refuse(
            400,
            "the request line is not `METHOD /path HTTP/1.1`",
            None,
        ));
    }
    let mut head = Head {
        method: method.to_string(),
        target: target.to_string(),
        headers: Vec::new(),
    };
    for line in &lines[1..] {
        let parsed = line.split_once(':').filter(|(name, value)| {
            !name.is_empty()
                && name.bytes().all(is_token)
                && value
                    .bytes()
                    .all(|b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
        });
        let Some((name, value)) = parsed else {
            // Folded lines (a leading space) and names with spaces end up here too: both have
            // been used to smuggle requests past a proxy.
            return Err(refuse(400, "a header line is malformed", Some(&head)));
        };
        head.headers.push((
            name.to_string(),
            value.trim_matches([' ', '\t']).to_string(),
        ));
    }
    Ok(Some(head))
}

/// A head over `MAX_HEAD`, blank lines before the request line included.
fn too_large() -> Refusal {
    refuse(
        431,
        format!(
            "the request's headers (with any blank lines before it) are larger than {}",
            crate::limits::bytes(MAX_HEAD)
        ),
        None,
    )
}

/// RFC 9110's token characters: what a method or a header name is made of.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The reason phrase of `status`, for the status line.
pub fn reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status")
}

/// Writes an answer that closes the connection. `content_type` None sends none.
pub fn respond(
    stream: &mut impl Write,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// After an answer given before the request was read whole (411, 413, 431, a broken head):
/// says the answer is complete, then reads and drops what the peer still sends, for
/// `LISTEN_DRAIN_TIME` at most (and never past the connection's deadline), so that closing
/// the socket with unread bytes does not reset the connection and lose the answer before
/// the peer reads it.
pub fn drain(stream: &mut Timed, at_most: usize) {
    let _ = stream.stream.shutdown(Shutdown::Write);
    let until = Instant::now() + crate::limits::LISTEN_DRAIN_TIME;
    if until < stream.deadline {
        stream.until(until);
    }
    let mut left = at_most;
    let mut buf = [0u8; 16 * 1024];
    while left > 0 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// What `read_request` makes of `bytes`, sent by a peer that then stops writing.
    fn read(bytes: &[u8]) -> Result<Option<Request>, Refusal> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        peer.write_all(bytes).unwrap();
        peer.shutdown(Shutdown::Write).unwrap();
        let (stream, _) = listener.accept().unwrap();
        read_request(
            &mut BufReader::new(Timed::new(stream, Duration::from_secs(5))),
            1024,
        )
    }

    #[test]
    fn a_request_dripped_byte_by_byte_ends_at_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let dripping = std::thread::spawn(move || {
            let _ = peer.write_all(b"POST / HTTP/1.1\r\n");
            for _ in 0..30 {
                std::thread::sleep(Duration::from_millis(100));
                if peer.write_all(b"X-A: b\r\n").is_err() {
                    return;
                }
            }
        });
        let started = Instant::now();
        let got = read_request(
            &mut BufReader::new(Timed::new(stream, Duration::from_millis(700))),
            1024,
        );
        let took = started.elapsed();
        assert!(took < Duration::from_millis(2000), "{took:?}");
        assert!(matches!(got, Err(ref r) if r.status == 408), "{got:?}");
        let _ = dripping.join();
    }

    #[test]
    fn a_delivery_is_read_with_its_headers_as_sent() {
        let req = read(b"\r\nPOST /hooks HTTP/1.1\r\nHost: x\r\nX-Payment-Event:  payment.completed \r\nContent-Length: 2\r\n\r\n{}")
            .unwrap()
            .unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.target, "/hooks");
        assert_eq!(req.header("x-payment-event"), Some("payment.completed"));
        assert_eq!(req.headers[1].0, "X-Payment-Event");
        assert_eq!(req.body, b"{}");
        assert!(read(b"").unwrap().is_none());
        let get = read(b"GET / HTTP/1.1\r\n\r\n").unwrap().unwrap();
        assert!(get.body.is_empty());
    }

    #[test]
    fn bad_requests_get_a_status() {
        let status = |bytes: &[u8]| read(bytes).unwrap_err().status;
        assert_eq!(status(b"POST / HTTP/1.1\r\n\r\n"), 411);
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            411
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n"),
            413
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
            413
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            400
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            400
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}"),
            400
        );
        assert_eq!(status(b"POST / HTTP/1.1\r\n folded: x\r\n\r\n"), 400);
        assert_eq!(status(b"POST / HTTP/1.1\r\nbad name: x\r\n\r\n"), 400);
        assert_eq!(status(b"POST / HTTP/1.1\r\nX: \x1b\r\n\r\n"), 400);
        assert_eq!(status(b"hello\r\n\r\n"), 400);
        assert_eq!(status(b"POST / HTTP/2\r\n\r\n"), 400);
        assert_eq!(status(b"POST / HTTP/1.1\r\nX: y"), 400);
        let huge = format!("POST / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        assert_eq!(status(huge.as_bytes()), 431);
        assert_eq!(
            read(b"POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n")
                .unwrap_err()
                .why,
            "the body is larger than 1 KiB (1025 bytes)"
        );
        // What was read of a refused delivery is kept, to report it by its headers.
        let refused =
            read(b"POST / HTTP/1.1\r\nX-Payment-Id: TRX1\r\nContent-Length: 2000\r\n\r\n")
                .unwrap_err();
        assert_eq!(refused.head.unwrap().header("x-payment-id"), Some("TRX1"));
    }
}
