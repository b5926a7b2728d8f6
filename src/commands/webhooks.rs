//! `orqex webhooks listen | trigger | verify`: the flags turned into `webhooks` values once,
//! the signing secret found, and what happened shown: results (one JSON line per delivery or
//! send, "signature valid") on stdout, everything else on stderr.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use crate::cli::{ListenArgs, TriggerArgs, VerifyArgs, WebhookSecretArgs, WebhooksCommand};
use crate::config::{self, ENV_WEBHOOK_SECRET};
use crate::connect::{CaBundle, Lookup};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::read::Place;
use crate::secret::WebhookSecret;
use crate::text::{duration, printable};
use crate::ui::Ui;
use crate::webhooks::listen::{self, Delivery, Seen, Tally};
use crate::webhooks::{self, EventFilter, payload, send, sign, trigger};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stopping listener gives the deliveries in flight to be answered.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// Metadata keys on one payment, as the API allows on a checkout.
const MAX_METADATA: usize = 10;

pub fn run(ui: &Ui, profile: Option<&str>, command: WebhooksCommand) -> Result<()> {
    match command {
        WebhooksCommand::Listen(args) => listen(ui, profile, args),
        WebhooksCommand::Trigger(args) => trigger(ui, profile, args),
        WebhooksCommand::Verify(args) => verify(ui, profile, args),
    }
}

// ---- the signing secret ----

/// Where to find it, for messages.
const SECRET_SOURCES: &str = "set ORQEX_WEBHOOK_SECRET, name another variable with --secret-env NAME, or store it with `orqex config set webhook-secret`";

/// The signing secret in effect, and where it came from: the variable `--secret-env` names,
/// else `ORQEX_WEBHOOK_SECRET`, else the active profile's `webhook_secret`. None when there is
/// none; an error when the one given is not a signing secret (its text is never repeated).
fn secret(
    ui: &Ui,
    profile_flag: Option<&str>,
    args: &WebhookSecretArgs,
) -> Result<Option<(WebhookSecret, String)>> {
    if let Some(name) = &args.secret_env {
        let valid_name = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid_name {
            return Err(Error::usage(format!(
                "--secret-env takes the name of an environment variable, like ORDERS_WEBHOOK_SECRET, not `{}`; the secret itself is never given on the command line",
                printable(name)
            )));
        }
        let raw = std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let Some(raw) = raw else {
            return Err(Error::usage(format!(
                "--secret-env {name}: that variable is not set (or empty); export it, or leave --secret-env out to use {ENV_WEBHOOK_SECRET} or the profile's webhook-secret"
            )));
        };
        crate::secret::remember(&raw);
        return WebhookSecret::parse(&raw)
            .map(|s| Some((s, name.clone())))
            .map_err(|e| Error::usage(format!("{name} (from --secret-env): {e}")));
    }
    if let Some(raw) = config::env_nonempty(ENV_WEBHOOK_SECRET) {
        return WebhookSecret::parse(&raw)
            .map(|s| Some((s, ENV_WEBHOOK_SECRET.to_string())))
            .map_err(|e| Error::usage(format!("{ENV_WEBHOOK_SECRET}: {e}")));
    }
    let path = config::config_path()?;
    let file = super::load_config(ui, &path)?.unwrap_or_default();
    let profile = config::usable_profile(profile_flag, &file, &path)?;
    super::warn_if_missing(ui, profile_flag, &file, &path);
    let Some(raw) = file
        .profile(&profile)
        .and_then(|p| p.webhook_secret.as_deref())
    else {
        return Ok(None);
    };
    WebhookSecret::parse(raw)
        .map(|s| Some((s, format!("profile `{profile}`"))))
        .map_err(|e| {
            Error::usage(format!(
                "webhook-secret of profile `{profile}` in {}: {e}; store it again with: orqex config set webhook-secret --profile {profile}",
                path.display()
            ))
        })
}

/// A handler on another machine is reached through the proxy variables: one ureq cannot use
/// is refused, as for the API.
fn check_route(url: &str) -> Result<()> {
    if webhooks::is_loopback(url) {
        Ok(())
    } else {
        super::net::check_proxy()
    }
}

/// The CA bundle an https handler may be signed by, found as the API's is: `--ca-bundle`,
/// else `ORQEX_CA_BUNDLE`, else the active profile's (the config is read only then).
fn ca_bundle(ui: &Ui, profile_flag: Option<&str>, flag: Option<&Path>) -> Result<Option<CaBundle>> {
    crate::config::pick_ca_bundle(flag, || {
        let path = config::config_path()?;
        let file = super::load_config(ui, &path)?.unwrap_or_default();
        let profile = config::usable_profile(profile_flag, &file, &path)?;
        Ok(file
            .profile(&profile)
            .and_then(|p| p.ca_bundle.as_deref())
            .map(|ca| crate::config::profile_ca(&path, &profile, ca)))
    })
}

// ---- listen ----

/// How the listener was stopped, or why it had to stop.
enum Stop {
    Signal(i32),
    Failed(Error),
}

/// Where the first reason to stop is left for the main thread, which waits for it. (A mutex
/// and a condition variable: std's channels would add some 12 KB to the binary for one value.)
#[derive(Default)]
struct Stopping {
    reason: Mutex<Option<Stop>>,
    arrived: Condvar,
}

impl Stopping {
    /// Leaves `stop`, unless a reason is there already: the first one counts.
    fn stop(&self, stop: Stop) {
        let mut reason = self.reason.lock().unwrap_or_else(PoisonError::into_inner);
        if reason.is_none() {
            *reason = Some(stop);
            self.arrived.notify_all();
        }
    }

    fn wait(&self) -> Stop {
        let mut reason = self.reason.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(stop) = reason.take() {
                return stop;
            }
            reason = self
                .arrived
                .wait(reason)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

fn listen(ui: &Ui, profile: Option<&str>, args: ListenArgs) -> Result<()> {
    if crate::ui::STDOUT_CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::Stdout(
            "stdout is closed (>&-), where each delivery is printed; run again with stdout open, or redirect it to a file (> deliveries.jsonl)".into(),
        ));
    }
    let ip = host(&args.host)?;
    let forward = match &args.forward_to {
        Some(raw) => {
            let url =
                webhooks::check_url(raw).map_err(|e| Error::usage(format!("--forward-to: {e}")))?;
            check_route(&url)?;
            let timeout = args.forward_timeout.unwrap_or(DEFAULT_TIMEOUT);
            let ca_bundle = ca_bundle(ui, profile, args.ca_bundle.as_deref())?;
            Some(listen::Forward {
                url,
                timeout,
                ca_bundle,
                lookup: Lookup::default(),
            })
        }
        None => None,
    };
    let events = if args.events.is_empty() {
        None
    } else {
        Some(EventFilter::parse(&args.events).map_err(|e| Error::usage(format!("--events: {e}")))?)
    };
    let secret = secret(ui, profile, &args.secret)?;

    // Before the first thread starts, so that every thread inherits the block and Ctrl-C is
    // taken by `stops.wait()` below instead of ending the process (see `interrupt`).
    let stops = interrupt::stop_signals();
    let _other_signals = interrupt::listening();
    let listener = TcpListener::bind(SocketAddr::new(ip, args.port))
        .map_err(|e| bind_error(&e, ip, args.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| bind_error(&e, ip, args.port))?;
    // What the URL names, found as the forwarding agent will find it (the same lookup, kept
    // for the run): a name that does not resolve cannot be this listener.
    if let Some(f) = &forward
        && let Ok(targets) = f.lookup.addresses(&f.url, crate::connect::CONNECT_TIMEOUT)
        && webhooks::reaches_listener(&targets, addr)
    {
        return Err(Error::usage(format!(
            "--forward-to {} is this listener itself (port {}): each delivery would go round in a circle; forward to your app's own port",
            f.url,
            addr.port()
        )));
    }

    ui.status(&format!(
        "orqex: listening on http://{addr}/ (stop with Ctrl-C)"
    ));
    if !ip.is_loopback() {
        ui.warning(&format!(
            "{ip} is reachable from other machines: anyone who can reach port {} can send deliveries here{}",
            addr.port(),
            if secret.is_none() {
                ", and without a signing secret none is checked"
            } else {
                ""
            }
        ));
    }
    match &forward {
        Some(f) => ui.status(&format!(
            "  forwarding to {} (the app has {} to answer, else the sender gets 504)",
            f.url,
            duration(f.timeout)
        )),
        None => ui.status(
            "  not forwarding: every accepted delivery is answered 200 (pass it on with --forward-to URL)",
        ),
    }
    match &secret {
        Some((s, from)) => ui.status(&format!(
            "  signatures checked with {s} (from {from}): a delivery without a matching x-orqex-signature is answered 401 and not forwarded"
        )),
        None => ui.status(&format!(
            "  signatures not checked: no signing secret ({SECRET_SOURCES})"
        )),
    }
    if let Some(filter) = &events {
        ui.status(&format!(
            "  events: {} (others are answered 200 and ignored)",
            filter.describe()
        ));
    }

    let stopping = Arc::new(Stopping::default());
    let failed = stopping.clone();
    let options = listen::Options {
        secret: secret.map(|(s, _)| s),
        forward,
        events,
    };
    let filtered = options.events.is_some();
    let forwarding = options.forward.is_some();
    // The delivery threads' copy of the run's one output context.
    let shown = *ui;
    let counts = listen::serve(listener, options, move |seen| {
        if let Err(e) = show(&shown, &seen) {
            failed.stop(Stop::Failed(e));
        }
    });
    let signalled = stopping.clone();
    std::thread::spawn(move || signalled.stop(Stop::Signal(stops.wait())));
    let stop = stopping.wait();
    // A delivery being handled now is answered first (above all the one whose report just
    // failed), within a short grace: an app still thinking past it is not waited for.
    let grace = std::time::Instant::now() + STOP_GRACE;
    while counts.in_flight() > 0 && std::time::Instant::now() < grace {
        std::thread::sleep(Duration::from_millis(10));
    }
    let tally = counts.tally();
    match stop {
        Stop::Signal(signal) => {
            ui.status(&format!(
                "orqex: stopped by {}: {}",
                interrupt::stop_name(signal),
                summary(&tally, forwarding, filtered)
            ));
            Ok(())
        }
        Stop::Failed(e) => {
            ui.status(&format!(
                "orqex: stopped listening: {}",
                summary(&tally, forwarding, filtered)
            ));
            Err(e)
        }
    }
}

/// `--host`: an IP address, or `localhost`.
fn host(raw: &str) -> Result<IpAddr> {
    let trimmed = raw.trim().trim_start_matches('[').trim_end_matches(']');
    if trimmed.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    // `::ffff:127.0.0.1` is 127.0.0.1 written as IPv6: listened on (and warned about) as such.
    trimmed.parse::<IpAddr>().map(webhooks::canonical).map_err(|_| {
        Error::usage(format!(
            "--host: `{}` is not an IP address; give one like 127.0.0.1 (this machine only) or 0.0.0.0 (every network)",
            printable(raw)
        ))
    })
}

/// Why the port cannot be listened on, in one line with what to do (exit 2: the fix is a flag).
fn bind_error(e: &std::io::Error, ip: IpAddr, port: u16) -> Error {
    use std::io::ErrorKind;
    let at = SocketAddr::new(ip, port);
    Error::usage(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "cannot listen on {at}: the port is in use (another listener, or your app?); choose another with --port N, or --port 0 for a free one"
        ),
        ErrorKind::PermissionDenied => format!(
            "cannot listen on {at}: permission denied (ports below 1024 need privileges); choose another with --port N"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {at}: {ip} is not an address of this machine; use --host 127.0.0.1, or one of this machine's addresses"
        ),
        _ => format!(
            "cannot listen on {at}: {}; choose another --port or --host",
            crate::text::io_reason(e)
        ),
    })
}

/// What the listener saw, shown: a delivery as one JSON line on stdout, and at a terminal a
/// line in words on stderr; a request that is not a delivery as a note on stderr.
fn show(ui: &Ui, seen: &Seen) -> Result<()> {
    let at_terminal = ui.stderr_is_terminal();
    match seen {
        Seen::Delivery(d) => {
            let line = serde_json::to_value(d)
                .map_err(|e| Error::Other(format!("cannot format a delivery as JSON: {e}")))?;
            ui.out_json_line(&line).map_err(|e| match e {
                Error::Stdout(m) => Error::Stdout(format!("{m}; stopped listening")),
                other => other,
            })?;
            if at_terminal {
                ui.status(&delivery_line(d));
            }
        }
        Seen::Ignored(d) if at_terminal => ui.status(&format!(
            "{} ignored {} (not in --events), answered 200",
            clock(d),
            words(d)
        )),
        Seen::Ignored(_) => {}
        Seen::Stray {
            method,
            target,
            answered,
            why,
        } => {
            let what = match (method, target) {
                (Some(m), Some(t)) => {
                    format!("{} {}", crate::text::echoed(m), crate::text::echoed(t))
                }
                _ => "a request".to_string(),
            };
            ui.status(&format!(
                "orqex: {what} answered {answered} {}: {why}",
                webhooks::http::reason(*answered)
            ));
        }
    }
    Ok(())
}

/// `12:00:01` out of the delivery's time (UTC).
fn clock(d: &Delivery) -> &str {
    d.time.get(11..19).unwrap_or(&d.time)
}

/// The event, payment and its status, as far as they are known.
fn words(d: &Delivery) -> String {
    let mut parts = vec![d.event.clone().unwrap_or_else(|| "(no event)".into())];
    parts.extend(d.payment_id.clone());
    if let Some(status) = &d.payment_status {
        parts.push(format!("({status})"));
    }
    parts.join(" ")
}

fn delivery_line(d: &Delivery) -> String {
    let mut parts = vec![
        format!("{} {}", clock(d), words(d)),
        format!("signature {}", d.signature.as_str()),
    ];
    match &d.forward {
        Some(f) => match (f.status, &f.error) {
            (Some(status), _) => parts.push(format!("app answered {status} in {}ms", f.latency_ms)),
            (None, Some(why)) => parts.push(format!("app {why}: answered {}", d.answered)),
            (None, None) => {}
        },
        None => match &d.error {
            Some(why) => parts.push(format!("answered {}: {why}", d.answered)),
            None => parts.push(format!("answered {}", d.answered)),
        },
    }
    if d.repeat {
        parts.push("repeat".into());
    }
    parts.join(" · ")
}

/// `3 deliveries, 1 forwarded, 1 rejected, 1 repeat`, with what was ignored and what the app
/// did not answer when those can happen.
fn summary(t: &Tally, forwarding: bool, filtered: bool) -> String {
    let n = |count: u64, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    let mut parts = vec![
        n(t.deliveries, "delivery", "deliveries"),
        format!("{} forwarded", t.forwarded),
    ];
    if forwarding {
        parts.push(format!("{} not answered by the app", t.forward_failed));
    }
    parts.push(format!("{} rejected", t.rejected));
    if filtered {
        parts.push(format!("{} ignored", t.ignored));
    }
    parts.push(n(t.repeats, "repeat", "repeats"));
    parts.join(", ")
}

// ---- trigger ----

fn trigger(ui: &Ui, profile: Option<&str>, args: TriggerArgs) -> Result<()> {
    let event = webhooks::check_event(&args.event).map_err(Error::usage)?;
    let url = webhooks::check_url(&args.to).map_err(|e| Error::usage(format!("--to: {e}")))?;
    let payment_id = args
        .payment
        .as_deref()
        .map(payload::check_payment_id)
        .transpose()
        .map_err(|e| Error::usage(format!("--payment: {e}")))?;
    let metadata = metadata(&args.metadata)?;
    let timeout = args.timeout.unwrap_or(DEFAULT_TIMEOUT);
    check_route(&url)?;
    let ca_bundle = ca_bundle(ui, profile, args.ca_bundle.as_deref())?;
    let secret = secret(ui, profile, &args.secret)?;
    ui.refuse_closed_stdout()?;

    let prepared = trigger::prepare(
        event,
        payment_id,
        &metadata,
        secret.as_ref().map(|(s, _)| s),
        SystemTime::now(),
    );
    let signed = match &secret {
        Some((s, from)) => format!("signed with {s} ({from})"),
        None => "unsigned (no signing secret)".to_string(),
    };
    let agent = send::agent(&url, timeout, ca_bundle, &Lookup::default());
    let mut refused: Vec<(u32, u16, String)> = Vec::new();
    for delivery in 1..=args.repeat {
        let count = if args.repeat > 1 {
            format!("delivery {delivery} of {}: ", args.repeat)
        } else {
            String::new()
        };
        let sent = send::post(&agent, &url, &prepared.headers, &prepared.body, timeout);
        let mut line = json!({
            "event": prepared.event,
            "payment_id": prepared.payment_id,
            // "delivery", not "attempt": each is a delivery of its own (as at-least-once
            // delivery repeats one), not a retry; the event's body has an `attempt` of its own.
            "delivery": delivery,
            "signature": prepared.signature,
            "status": null,
            "latency_ms": null,
            "error": null,
        });
        match sent {
            Ok(answer) => {
                line["status"] = json!(answer.status);
                line["latency_ms"] = json!(answer.latency.as_millis());
                ui.out_json_line(&line)?;
                ui.status(&format!(
                    "orqex: {count}{} for {}, {signed}, to {url}: answered {} {} in {}ms",
                    prepared.event,
                    prepared.payment_id,
                    answer.status,
                    webhooks::http::reason(answer.status),
                    answer.latency.as_millis()
                ));
                if !(200..300).contains(&answer.status) {
                    refused.push((delivery, answer.status, send::excerpt(&answer.body)));
                }
            }
            Err(failure) => {
                line["latency_ms"] = json!(failure.latency.as_millis());
                line["error"] = json!(failure.why);
                ui.out_json_line(&line)?;
                let left = args.repeat - delivery;
                return Err(Error::Network {
                    message: format!(
                        "the handler at {url} {}{}",
                        failure.why,
                        if left > 0 {
                            format!("; {left} more not sent")
                        } else {
                            String::new()
                        }
                    ),
                    idempotency_key: None,
                });
            }
        }
    }
    match refused.as_slice() {
        [] => Ok(()),
        [(_, status, body)] if args.repeat == 1 => Err(Error::Refused(format!(
            "the handler at {url} answered {status} {}: {body}",
            webhooks::http::reason(*status)
        ))),
        [.., (delivery, status, body)] => Err(Error::Refused(format!(
            "the handler at {url} answered other than 2xx to {} of {} deliveries; the last, delivery {delivery}, got {status} {}: {body}",
            refused.len(),
            args.repeat,
            webhooks::http::reason(*status)
        ))),
    }
}

/// `--metadata KEY=VALUE` entries as the payment's metadata: text, each key once.
fn metadata(entries: &[String]) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    for entry in entries {
        let Some((key, value)) = entry.split_once('=') else {
            return Err(Error::usage(format!(
                "--metadata: `{}` is not KEY=VALUE, like order_id=1024",
                printable(entry)
            )));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::usage(format!(
                "--metadata: `{}` has no key before `=`, like order_id=1024",
                printable(entry)
            )));
        }
        for (what, text) in [("key", key), ("value", value)] {
            if let Some(why) = crate::text::unsafe_text(text) {
                return Err(Error::usage(format!(
                    "--metadata: the {what} of `{}` {why}",
                    printable(entry)
                )));
            }
        }
        if map.contains_key(key) {
            return Err(Error::usage(format!(
                "--metadata: `{key}` is given twice; give each key once"
            )));
        }
        map.insert(key.to_string(), Value::String(value.to_string()));
    }
    if map.len() > MAX_METADATA {
        return Err(Error::usage(format!(
            "--metadata: {} keys given; at most {MAX_METADATA}",
            map.len()
        )));
    }
    Ok(map)
}

// ---- verify ----

fn verify(ui: &Ui, profile: Option<&str>, args: VerifyArgs) -> Result<()> {
    if !sign::is_hex_tag(&args.signature) {
        return Err(Error::usage(format!(
            "--signature: `{}` is not a signature; give the x-orqex-signature header's value, 64 hexadecimal characters",
            printable(args.signature.trim())
        )));
    }
    let Some((secret, _)) = secret(ui, profile, &args.secret)? else {
        return Err(Error::NoKey(format!(
            "no webhook signing secret to check with: {SECRET_SOURCES}"
        )));
    };
    let payload = read_payload(ui, args.file.as_deref())?;
    if sign::verify(&secret, &payload, &args.signature) {
        ui.out("signature valid")
    } else if sign::matches_but_for_case(&secret, &payload, &args.signature) {
        Err(Error::Other(
            "signature does not match: it is in upper case, and the documented check (hash_equals) compares the lowercase hex Orqex sends exactly, so your handler would refuse it too".into(),
        ))
    } else {
        Err(Error::Other(
            "signature does not match this payload and secret".into(),
        ))
    }
}

/// The payload's raw bytes, from the file or stdin (none or `-`), at most the 1 MiB a
/// listener would read.
fn read_payload(ui: &Ui, file: Option<&Path>) -> Result<Vec<u8>> {
    let place = match file {
        Some(p) if p != Path::new("-") => Place::Path(p),
        _ if ui.stdin_is_terminal() => {
            return Err(Error::usage(
                "give the payload as a file, or pipe it: orqex webhooks verify --signature SIG < payload.json",
            ));
        }
        _ => Place::Stdin,
    };
    let what = match place {
        Place::Stdin => "the payload on stdin".to_string(),
        Place::Path(_) => place.name(),
    };
    crate::read::all(
        ui,
        &crate::read::Input {
            place,
            flag: "webhooks verify",
            what,
            awaited: "the payload",
            hint: "end it, or give the payload as a file",
            limit: webhooks::MAX_BODY as u64,
            too_large: "a delivery is a few hundred bytes, check the input",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_count_in_words() {
        let t = Tally {
            deliveries: 1,
            forwarded: 0,
            forward_failed: 1,
            rejected: 0,
            ignored: 2,
            repeats: 1,
        };
        assert_eq!(
            summary(&t, true, true),
            "1 delivery, 0 forwarded, 1 not answered by the app, 0 rejected, 2 ignored, 1 repeat"
        );
        assert_eq!(
            summary(&Tally::default(), false, false),
            "0 deliveries, 0 forwarded, 0 rejected, 0 repeats"
        );
    }

    #[test]
    fn metadata_entries() {
        let m = metadata(&["order_id=1024".into(), "note=a=b".into()]).unwrap();
        assert_eq!(Value::Object(m), json!({"order_id": "1024", "note": "a=b"}));
        for bad in [&["x"][..], &["=1"], &["k=1", "k=2"], &["k=\u{1b}[2J"]] {
            let entries: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(metadata(&entries).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(host("localhost").unwrap(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert!(host("[::1]").unwrap().is_loopback());
        assert!(!host("0.0.0.0").unwrap().is_loopback());
        assert!(host("example.com").is_err());
    }
}
