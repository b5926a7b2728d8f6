//! The local receiver: every request on the listening socket becomes one value (`Seen`)
//! handed to the caller's `report`, and one answer to whoever sent it.
//!
//! A delivery (a POST) goes through, in order: the signature when there is a secret (a
//! mismatch or a missing header is answered 401 and never forwarded), JSON (a body that is not
//! is answered 400), the `--events` filter (another event is answered 200 and ignored), the
//! repeat check (the same payment and event seen before, as at-least-once delivery does), and
//! then the app (`--forward-to`), whose status and body go back to the sender, or a plain 200.
//!
//! One thread per connection, at most `MAX_CONNECTIONS` at once, each with one deadline for
//! everything it does: the request read within `LISTEN_REQUEST_TIME`, the app given its
//! `--forward-timeout`, the answer written (and what the sender still sends after an early
//! answer drained) within `LISTEN_ANSWER_TIME`. A sender that stalls, drips or floods costs
//! a thread for that long at most, never the listener. Nothing a peer sends ends the process.

use std::collections::HashSet;
use std::io::BufReader;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};

use super::http::{self, Head, Request};
use super::send::{self, FailureKind};
use super::{EventFilter, HEADER_EVENT, HEADER_PAYMENT_ID, HEADER_SIGNATURE, MAX_BODY};
use crate::secret::WebhookSecret;

use crate::limits::{
    LISTEN_ANSWER_TIME, LISTEN_CONNECTIONS as MAX_CONNECTIONS, LISTEN_REQUEST_TIME,
};
/// (payment, event) pairs remembered for the repeat check; past this the memory starts over.
const MAX_REMEMBERED: usize = 100_000;
/// Values from the network are cut to this many characters in reports.
const MAX_FIELD: usize = 256;

/// How the listener treats deliveries.
pub struct Options {
    /// With a secret, only deliveries signed with it are accepted.
    pub secret: Option<WebhookSecret>,
    pub forward: Option<Forward>,
    /// Without a filter, every event is passed on.
    pub events: Option<EventFilter>,
}

/// Where deliveries go on to, and how long the app may take to answer.
pub struct Forward {
    pub url: String,
    pub timeout: Duration,
    /// CA certificates an https app may be signed by, besides the built-in roots.
    pub ca_bundle: Option<crate::connect::CaBundle>,
    /// How the app's host is found: the same addresses the check that this is not the
    /// listener itself saw.
    pub lookup: crate::connect::Lookup,
}

/// What the signature of a delivery was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Signature {
    /// It matches the body and the secret.
    Valid,
    /// It does not.
    Invalid,
    /// The delivery has no `x-orqex-signature` header.
    Absent,
    /// There is a header but no secret to check it with.
    Unchecked,
}

impl Signature {
    pub fn as_str(self) -> &'static str {
        match self {
            Signature::Valid => "valid",
            Signature::Invalid => "invalid",
            Signature::Absent => "absent",
            Signature::Unchecked => "unchecked",
        }
    }
}

/// One delivery, as reported: every key is always there, null when it does not apply.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// When it arrived, RFC 3339 in UTC.
    pub time: String,
    pub event: Option<String>,
    pub payment_id: Option<String>,
    pub payment_status: Option<String>,
    pub signature: Signature,
    /// The same payment and event arrived before.
    pub repeat: bool,
    /// The status the sender got.
    pub answered: u16,
    /// The app's side, with `--forward-to`, when it was forwarded.
    pub forward: Option<Forwarded>,
    /// Why the listener itself refused it, or why the app did not answer.
    pub error: Option<String>,
}

/// How the app took a forwarded delivery.
#[derive(Debug, Clone, Serialize)]
pub struct Forwarded {
    /// The app's status; null when it did not answer.
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub error: Option<String>,
}

/// What the listener saw, for the caller to show.
#[derive(Debug, Clone)]
pub enum Seen {
    /// A delivery: accepted, forwarded or refused.
    Delivery(Delivery),
    /// A delivery of an event `--events` leaves out: answered 200, nothing more.
    Ignored(Delivery),
    /// A request that is not a delivery (not a POST, or not HTTP at all).
    Stray {
        method: Option<String>,
        target: Option<String>,
        answered: u16,
        why: String,
    },
}

/// What the listener did, counted since it started, and what it is doing now.
#[derive(Debug, Default)]
pub struct Counts {
    /// Connections being served (read, reported, answered).
    active: AtomicUsize,
    deliveries: AtomicU64,
    forwarded: AtomicU64,
    forward_failed: AtomicU64,
    rejected: AtomicU64,
    ignored: AtomicU64,
    repeats: AtomicU64,
}

/// A copy of the counts at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Every POST read, whatever became of it.
    pub deliveries: u64,
    /// Passed on to the app, which answered (whatever its status).
    pub forwarded: u64,
    /// Passed on to the app, which did not answer (unreachable, too slow).
    pub forward_failed: u64,
    /// Refused by the listener itself (signature, not JSON, too large, no length).
    pub rejected: u64,
    /// Left out by `--events`.
    pub ignored: u64,
    /// The same payment and event seen before.
    pub repeats: u64,
}

impl Counts {
    pub fn tally(&self) -> Tally {
        let get = |c: &AtomicU64| c.load(Ordering::SeqCst);
        Tally {
            deliveries: get(&self.deliveries),
            forwarded: get(&self.forwarded),
            forward_failed: get(&self.forward_failed),
            rejected: get(&self.rejected),
            ignored: get(&self.ignored),
            repeats: get(&self.repeats),
        }
    }

    fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::SeqCst);
    }

    /// Connections being served right now: a stop waits for them to be answered.
    pub fn in_flight(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }
}

type Report = dyn Fn(Seen) + Send + Sync;

struct Shared {
    options: Options,
    agent: Option<ureq::Agent>,
    counts: Arc<Counts>,
    seen: Mutex<HashSet<(String, String)>>,
    report: Box<Report>,
}

/// Serves `listener` on a thread of its own, for as long as the process runs; returns the
/// counts, which go on growing. `report` is called once per request, before the answer is
/// sent, so that what a sender was answered has always been reported.
pub fn serve(
    listener: TcpListener,
    options: Options,
    report: impl Fn(Seen) + Send + Sync + 'static,
) -> Arc<Counts> {
    let counts = Arc::new(Counts::default());
    let agent = options
        .forward
        .as_ref()
        .map(|f| send::agent(&f.url, f.timeout, f.ca_bundle.clone(), &f.lookup));
    let shared = Arc::new(Shared {
        options,
        agent,
        counts: counts.clone(),
        seen: Mutex::new(HashSet::new()),
        report: Box::new(report),
    });
    std::thread::spawn(move || accept_loop(&listener, &shared));
    counts
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for conn in listener.incoming() {
        let mut stream = match conn {
            Ok(s) => s,
            // Out of file descriptors, a connection reset before it was accepted: passing.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if shared.counts.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.counts.active.fetch_sub(1, Ordering::SeqCst);
            let why = format!("more than {MAX_CONNECTIONS} connections at once");
            (shared.report)(Seen::Stray {
                method: None,
                target: None,
                answered: 503,
                why: why.clone(),
            });
            let _ = http::respond(&mut stream, 503, Some(JSON), &error_body(&why));
            continue;
        }
        let worker = shared.clone();
        let spawned = std::thread::Builder::new().spawn(move || {
            worker.connection(stream);
            worker.counts.active.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            // The stream went with the closure: closed unanswered, as under any overload.
            shared.counts.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

const JSON: &str = "application/json";

fn error_body(why: &str) -> Vec<u8> {
    json!({ "error": why }).to_string().into_bytes()
}

/// `text` cut to `MAX_FIELD` characters.
fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_FIELD) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// What the sender is answered.
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Answer {
        Answer {
            status,
            content_type: Some(JSON.into()),
            body: body.to_string().into_bytes(),
        }
    }

    fn error(status: u16, why: &str) -> Answer {
        Answer {
            status,
            content_type: Some(JSON.into()),
            body: error_body(why),
        }
    }
}

impl Shared {
    fn connection(&self, stream: TcpStream) {
        // The one deadline of this connection: the request's time, then the app's, then the
        // answer's. Reading the request may use its share only.
        let accepted = Instant::now();
        let app_time = self
            .options
            .forward
            .as_ref()
            .map_or(Duration::ZERO, |f| f.timeout);
        let deadline = accepted + LISTEN_REQUEST_TIME + app_time + LISTEN_ANSWER_TIME;
        let mut reader = BufReader::new(http::Timed::new(stream, LISTEN_REQUEST_TIME));
        let (answer, seen, drain) = match http::read_request(&mut reader, MAX_BODY) {
            Ok(None) => return,
            Ok(Some(req)) if req.method != "POST" => {
                let why = "only POST deliveries are read here".to_string();
                (
                    Answer::error(405, &why),
                    Seen::Stray {
                        method: Some(clip(&req.method)),
                        target: Some(clip(&req.target)),
                        answered: 405,
                        why,
                    },
                    None,
                )
            }
            Ok(Some(req)) => {
                let (answer, seen) = self.deliver(&req);
                (answer, seen, None)
            }
            Err(refusal) => {
                let answer = Answer::error(refusal.status, &refusal.why);
                // Answered before the request was read whole: what is still coming is dropped.
                let drain = Some(MAX_BODY * 8);
                let seen = match refusal.head {
                    Some(head) if head.method == "POST" => {
                        Counts::add(&self.counts.deliveries);
                        Counts::add(&self.counts.rejected);
                        Seen::Delivery(self.refused(&head, refusal.status, refusal.why))
                    }
                    head => Seen::Stray {
                        method: head.as_ref().map(|h| clip(&h.method)),
                        target: head.as_ref().map(|h| clip(&h.target)),
                        answered: refusal.status,
                        why: refusal.why,
                    },
                };
                (answer, seen, drain)
            }
        };
        (self.report)(seen);
        let stream = reader.get_mut();
        stream.until(deadline);
        let _ = http::respond(
            stream,
            answer.status,
            answer.content_type.as_deref(),
            &answer.body,
        );
        if let Some(at_most) = drain {
            http::drain(stream, at_most);
        }
    }

    /// A POST refused before its body was read: reported by its headers alone.
    fn refused(&self, head: &Head, status: u16, why: String) -> Delivery {
        Delivery {
            time: now(),
            event: head.header(HEADER_EVENT).map(clip),
            payment_id: head.header(HEADER_PAYMENT_ID).map(clip),
            payment_status: None,
            signature: match head.header(HEADER_SIGNATURE) {
                None => Signature::Absent,
                // The body that the signature covers was never read.
                Some(_) => Signature::Unchecked,
            },
            repeat: false,
            answered: status,
            forward: None,
            error: Some(why),
        }
    }

    fn deliver(&self, req: &Request) -> (Answer, Seen) {
        let counts = &self.counts;
        Counts::add(&counts.deliveries);
        let parsed = serde_json::from_slice::<Value>(&req.body);
        let body = parsed.as_ref().ok();
        let text_at = |pointer: &str| {
            body.and_then(|b| b.pointer(pointer))
                .and_then(Value::as_str)
                .map(clip)
        };
        // The body's event and payment id first: the signature covers the body, not the
        // headers, so a line that says "valid" must not show what anyone could relabel. The
        // headers stand in when the body lacks them; when they disagree, the line says so.
        let header_event = req.header(HEADER_EVENT).map(clip);
        let header_payment = req.header(HEADER_PAYMENT_ID).map(clip);
        let event = text_at("/event").or_else(|| header_event.clone());
        let payment_id = text_at("/payment/id").or_else(|| header_payment.clone());
        let disagree = [
            ("X-Payment-Event", &header_event, &event),
            ("X-Payment-Id", &header_payment, &payment_id),
        ]
        .into_iter()
        .filter_map(|(name, header, shown)| match (header, shown) {
            (Some(h), Some(b)) if h != b => Some(format!(
                "the {name} header says `{}`, the body `{}`; the body's is shown",
                crate::text::printable(h),
                crate::text::printable(b)
            )),
            _ => None,
        })
        .collect::<Vec<_>>();
        let mut delivery = Delivery {
            time: now(),
            event: event.clone(),
            payment_id,
            payment_status: text_at("/payment/status"),
            signature: Signature::Absent,
            repeat: false,
            answered: 200,
            forward: None,
            error: (!disagree.is_empty()).then(|| disagree.join("; ")),
        };

        let header = req.header(HEADER_SIGNATURE);
        delivery.signature = match (&self.options.secret, header) {
            (Some(secret), Some(sig)) if super::sign::verify(secret, &req.body, sig) => {
                Signature::Valid
            }
            (Some(_), Some(_)) => Signature::Invalid,
            (None, Some(_)) => Signature::Unchecked,
            (_, None) => Signature::Absent,
        };
        if self.options.secret.is_some() && delivery.signature != Signature::Valid {
            let why = if delivery.signature == Signature::Absent {
                "the delivery has no x-orqex-signature header, and a signing secret is set"
            } else if let (Some(secret), Some(sig)) = (&self.options.secret, header)
                && super::sign::matches_but_for_case(secret, &req.body, sig)
            {
                "the x-orqex-signature header is in upper case; the documented check compares the lowercase hex Orqex sends exactly"
            } else {
                "the x-orqex-signature header does not match the body and the signing secret"
            };
            return self.reject(delivery, 401, why);
        }
        if let Err(e) = &parsed {
            let why = format!("the body is not JSON: {e}");
            return self.reject(delivery, 400, &why);
        }
        if let Some(name) = super::unique::repeated_name(&req.body) {
            let why = format!(
                "the body names `{}` twice in one object; a delivery names each field once (parsers differ on which one counts)",
                crate::text::printable(&clip(&name))
            );
            return self.reject(delivery, 400, &why);
        }

        if let Some(filter) = &self.options.events
            && !event.as_deref().is_some_and(|e| filter.matches(e))
        {
            Counts::add(&counts.ignored);
            let answer = Answer::json(200, json!({"received": true, "ignored": true}));
            return (answer, Seen::Ignored(delivery));
        }

        if let (Some(payment), Some(event)) = (&delivery.payment_id, &event) {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            if seen.len() >= MAX_REMEMBERED {
                seen.clear();
            }
            delivery.repeat = !seen.insert((payment.clone(), event.clone()));
        }
        if delivery.repeat {
            Counts::add(&counts.repeats);
        }

        let (Some(forward), Some(agent)) = (&self.options.forward, &self.agent) else {
            let answer = Answer::json(200, json!({"received": true}));
            return (answer, Seen::Delivery(delivery));
        };
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .filter(|(name, _)| passed_on(name))
            .cloned()
            .collect();
        let answer = match send::post(agent, &forward.url, &headers, &req.body, forward.timeout) {
            Ok(app) => {
                Counts::add(&counts.forwarded);
                delivery.forward = Some(Forwarded {
                    status: Some(app.status),
                    latency_ms: millis(app.latency),
                    error: None,
                });
                Answer {
                    status: app.status,
                    content_type: app.content_type.filter(|ct| is_header_value(ct)),
                    body: app.body,
                }
            }
            Err(failure) => {
                Counts::add(&counts.forward_failed);
                let status = match failure.kind {
                    FailureKind::Timeout => 504,
                    FailureKind::Unreachable => 502,
                };
                let why = format!("the app at {} {}", forward.url, failure.why);
                delivery.forward = Some(Forwarded {
                    status: None,
                    latency_ms: millis(failure.latency),
                    error: Some(failure.why),
                });
                delivery.error = Some(why.clone());
                Answer::error(status, &why)
            }
        };
        delivery.answered = answer.status;
        (answer, Seen::Delivery(delivery))
    }

    fn reject(&self, mut delivery: Delivery, status: u16, why: &str) -> (Answer, Seen) {
        Counts::add(&self.counts.rejected);
        delivery.answered = status;
        delivery.error = Some(why.to_string());
        (Answer::error(status, why), Seen::Delivery(delivery))
    }
}

/// Whether a header of the delivery goes on to the app: all of them (the Orqex headers above
/// all, exactly as they came) but those that describe this one connection, which ureq writes
/// itself for the next.
fn passed_on(name: &str) -> bool {
    const OWN: [&str; 11] = [
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "proxy-connection",
        "accept-encoding",
    ];
    !OWN.iter().any(|own| own.eq_ignore_ascii_case(name))
        && !name.to_ascii_lowercase().starts_with("proxy-")
}

/// A header value that can be written back as it is (no line break can split the answer).
fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_headers_stay_and_the_rest_go_on() {
        for kept in [
            "Content-Type",
            "X-Payment-Event",
            "x-orqex-signature",
            "User-Agent",
            "X-Request-Id",
        ] {
            assert!(passed_on(kept), "{kept}");
        }
        for own in [
            "Host",
            "content-length",
            "Connection",
            "Transfer-Encoding",
            "Expect",
            "Proxy-Authorization",
        ] {
            assert!(!passed_on(own), "{own}");
        }
    }

    #[test]
    fn reports_have_every_key() {
        let d = Delivery {
            time: "2026-06-08T12:00:00.000Z".into(),
            event: Some("payment.completed".into()),
            payment_id: None,
            payment_status: None,
            signature: Signature::Unchecked,
            repeat: false,
            answered: 200,
            forward: None,
            error: None,
        };
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            json!({"time": "2026-06-08T12:00:00.000Z", "event": "payment.completed",
                   "payment_id": null, "payment_status": null, "signature": "unchecked",
                   "repeat": false, "answered": 200, "forward": null, "error": null})
        );
        assert_eq!(clip(&"x".repeat(300)).len(), 259);
    }
}
